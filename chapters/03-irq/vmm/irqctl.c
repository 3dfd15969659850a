// SPDX-License-Identifier: GPL-2.0
/**
 * @file irqctl.c
 * @brief Chapter 03's control commands (minivmm.h, CTL_IRQ_LATER ..):
 * what a test guest asks of minivmm to exercise interrupt delivery: a line
 * raised from another thread after a delay (and what a halted vCPU cost
 * meanwhile), an NMI, a save/clobber/restore of the in-kernel irqchip and
 * the vCPU's events, and a storm of line changes.
 *
 * Each runs on the exit of the guest's OUT to CTL_PORT, with the vCPU
 * stopped in userspace, and prints one "minivmm: ..." line on stdout, in
 * order with the guest's COM1 output.  The threads started here print
 * only while the guest waits for them, so the order stays the same.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/ioctl.h>
#include <linux/kvm.h>

#include "minivmm.h"

/** What CTL_IRQCHIP_SAVE keeps for CTL_IRQCHIP_RESTORE. */
struct irq_saved {
	struct kvm_irqchip chip[3];	/**< KVM_IRQCHIP_PIC_MASTER, _SLAVE, _IOAPIC */
	struct kvm_vcpu_events events;	/**< KVM_GET_VCPU_EVENTS */
};

/** CTL_IRQ_LATER's thread: what it does and to whom. */
struct later {
	struct vm *vm;		/**< whose line */
	unsigned int gsi;	/**< the line to pulse */
	unsigned int delay_ms;	/**< after how long */
};

/** Nanoseconds on @clock. */
static uint64_t now_ns(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/**
 * CTL_IRQ_LATER's thread: sleep, say how much CPU the vCPU thread used
 * while we slept (its CPU-time clock, pthread_getcpuclockid(), is what
 * getrusage(RUSAGE_THREAD) reads), then pulse the line.  A vCPU that
 * sleeps in HLT uses next to none; one that spins in the kernel, or
 * keeps coming back to userspace, uses all of it.
 */
static void *later_thread(void *arg)
{
	struct later *l = arg;
	struct vm *vm = l->vm;
	struct timespec ts = { .tv_sec = l->delay_ms / 1000,
			       .tv_nsec = (l->delay_ms % 1000) * 1000000l };
	clockid_t cpu;
	uint64_t wall0, wall1, cpu0 = 0, cpu1 = 0;
	int have_cpu;

	have_cpu = pthread_getcpuclockid(vm->vcpu_thread, &cpu) == 0;
	wall0 = now_ns(CLOCK_MONOTONIC);
	if (have_cpu)
		cpu0 = now_ns(cpu);
	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
	wall1 = now_ns(CLOCK_MONOTONIC);
	if (have_cpu)
		cpu1 = now_ns(cpu);
	if (have_cpu)
		fprintf(vm->out, "minivmm: during the %llu ms before the raise, the vCPU thread "
			"used %llu us of CPU (%llu.%01llu %%)\n",
			(unsigned long long)((wall1 - wall0) / 1000000),
			(unsigned long long)((cpu1 - cpu0) / 1000),
			(unsigned long long)((cpu1 - cpu0) * 100 / (wall1 - wall0)),
			(unsigned long long)((cpu1 - cpu0) * 1000 / (wall1 - wall0) % 10));
	else
		fprintf(vm->out, "minivmm: no CPU clock for the vCPU thread\n");
	fprintf(vm->out, "minivmm: raising GSI %u from another thread\n", l->gsi);
	fflush(vm->out);
	vm_set_irq(vm, l->gsi, 1);
	vm_set_irq(vm, l->gsi, 0);
	free(l);
	return NULL;
}

/** CTL_IRQ_STORM's thread: @toggles changes of one line, high first. */
struct storm {
	struct vm *vm;		/**< whose line */
	unsigned int gsi;	/**< the line to toggle */
	uint32_t toggles;	/**< how many level changes */
};

/** The storm itself: the cheapest way in, KVM_IRQ_LINE, back to back. */
static void *storm_thread(void *arg)
{
	struct storm *st = arg;
	struct vm *vm = st->vm;
	struct kvm_irq_level irq = { .irq = st->gsi };

	for (uint32_t i = 0; i < st->toggles; i++) {
		irq.level = !(i & 1);
		if (ioctl(vm->vm_fd, KVM_IRQ_LINE, &irq))
			vm->storm_errors++;
	}
	free(st);
	return NULL;
}

/** Print the two PICs' state as KVM_GET_IRQCHIP gave it. */
static void print_pics(struct vm *vm, const char *what, const struct kvm_irqchip *chip)
{
	for (int i = 0; i < 2; i++) {
		const struct kvm_pic_state *p = &chip[i].chip.pic;

		fprintf(vm->out, "minivmm: %s %s pic: irr=%02x imr=%02x isr=%02x base=%02x "
			"elcr=%02x\n", what, i ? "slave" : "master", p->irr, p->imr, p->isr,
			p->irq_base, p->elcr);
	}
}

/** CTL_IRQCHIP_SAVE: save, print, clobber. */
static int32_t irqchip_save(struct vm *vm)
{
	struct irq_saved *sv;
	struct kvm_irqchip bad[3];
	const struct kvm_vcpu_events *e;

	if (vm->irqchip != IRQCHIP_KERNEL) {
		fprintf(vm->out, "minivmm: irqchip save: no in-kernel irqchip\n");
		return -ENXIO;
	}
	sv = vm->saved ? vm->saved : calloc(1, sizeof(*sv));
	if (!sv)
		return -ENOMEM;
	vm->saved = sv;
	for (int i = 0; i < 3; i++) {
		sv->chip[i].chip_id = i;
		if (ioctl(vm->vm_fd, KVM_GET_IRQCHIP, &sv->chip[i]))
			goto fail;
	}
	if (ioctl(vm->cur->fd, KVM_GET_VCPU_EVENTS, &sv->events))
		goto fail;
	print_pics(vm, "saved", sv->chip);
	fprintf(vm->out, "minivmm: saved ioapic: irr=%08x redir[5]=%016llx\n",
		sv->chip[2].chip.ioapic.irr,
		(unsigned long long)sv->chip[2].chip.ioapic.redirtbl[5].bits);
	e = &sv->events;
	fprintf(vm->out, "minivmm: saved vcpu events: interrupt injected=%u nr=0x%02x "
		"shadow=%u, nmi injected=%u pending=%u masked=%u, exception injected=%u\n",
		e->interrupt.injected, e->interrupt.injected ? e->interrupt.nr : 0,
		e->interrupt.shadow, e->nmi.injected, e->nmi.pending, e->nmi.masked,
		e->exception.injected);

	/* The clobber: what a VMM that lost the state would load. */
	memcpy(bad, sv->chip, sizeof(bad));
	for (int i = 0; i < 2; i++) {
		struct kvm_pic_state *p = &bad[i].chip.pic;

		p->irr = p->isr = p->last_irr = 0;
		p->imr = 0xff;
		p->irq_base = 0x70;
	}
	for (int i = 0; i < KVM_IOAPIC_NUM_PINS; i++)
		bad[2].chip.ioapic.redirtbl[i].bits = 1ull << 16;	/* masked, vector 0 */
	bad[2].chip.ioapic.irr = 0;
	for (int i = 0; i < 3; i++)
		if (ioctl(vm->vm_fd, KVM_SET_IRQCHIP, &bad[i]))
			goto fail;
	fprintf(vm->out, "minivmm: irqchip clobbered (PICs: imr=ff irr=00 isr=00 base=70; "
		"ioapic: all masked)\n");
	trace_vmm(&vm->trace, "irqchip saved and clobbered");
	return 0;
fail:
	fprintf(vm->out, "minivmm: irqchip save: %s\n", strerror(errno));
	return -errno;
}

/** CTL_IRQCHIP_RESTORE: put back what CTL_IRQCHIP_SAVE saved. */
static int32_t irqchip_restore(struct vm *vm)
{
	struct irq_saved *sv = vm->saved;

	if (!sv) {
		fprintf(vm->out, "minivmm: irqchip restore: nothing saved\n");
		return -ENOENT;
	}
	for (int i = 0; i < 3; i++)
		if (ioctl(vm->vm_fd, KVM_SET_IRQCHIP, &sv->chip[i]))
			goto fail;
	if (ioctl(vm->cur->fd, KVM_SET_VCPU_EVENTS, &sv->events))
		goto fail;
	fprintf(vm->out, "minivmm: irqchip and vcpu events restored\n");
	trace_vmm(&vm->trace, "irqchip restored");
	return 0;
fail:
	fprintf(vm->out, "minivmm: irqchip restore: %s\n", strerror(errno));
	return -errno;
}

/**
 * Run chapter 03's control command @cmd with arguments @arg; returns its
 * result for IN from CTL_PORT.
 */
int32_t irq_ctl_run(struct vm *vm, uint8_t cmd, const uint32_t *arg)
{
	pthread_t t;

	switch (cmd) {
	case CTL_IRQ_LATER: {
		struct later *l = malloc(sizeof(*l));

		if (!l || arg[0] > IRQ_MAX_GSI || arg[1] > 60000) {
			free(l);
			fprintf(vm->out, "minivmm: raise later: bad GSI %u or delay %u ms\n",
				arg[0], arg[1]);
			return -EINVAL;
		}
		*l = (struct later) { .vm = vm, .gsi = arg[0], .delay_ms = arg[1] };
		if (pthread_create(&t, NULL, later_thread, l)) {
			free(l);
			return -EAGAIN;
		}
		pthread_detach(t);
		fprintf(vm->out, "minivmm: GSI %u will be raised in %u ms from another thread\n",
			arg[0], arg[1]);
		return 0;
	}
	case CTL_NMI:
		if (ioctl(vm->cur->fd, KVM_NMI, 0)) {
			fprintf(vm->out, "minivmm: KVM_NMI: %s\n", strerror(errno));
			return -errno;
		}
		fprintf(vm->out, "minivmm: KVM_NMI\n");
		trace_vmm(&vm->trace, "nmi");
		return 0;
	case CTL_IRQCHIP_SAVE:
		return irqchip_save(vm);
	case CTL_IRQCHIP_RESTORE:
		return irqchip_restore(vm);
	case CTL_IRQ_STORM: {
		struct storm *st;

		if (vm->irqchip != IRQCHIP_KERNEL || vm->storm_running ||
		    arg[0] > IRQ_MAX_GSI) {
			fprintf(vm->out, "minivmm: storm: needs the in-kernel irqchip, one storm "
				"at a time, a GSI up to %d\n", IRQ_MAX_GSI);
			return -EINVAL;
		}
		st = malloc(sizeof(*st));
		if (!st)
			return -ENOMEM;
		*st = (struct storm) { .vm = vm, .gsi = arg[0], .toggles = arg[1] };
		vm->storm_errors = 0;
		if (pthread_create(&vm->storm_thread, NULL, storm_thread, st)) {
			free(st);
			return -EAGAIN;
		}
		vm->storm_running = 1;
		fprintf(vm->out, "minivmm: storm of %u line changes on GSI %u started\n",
			arg[1], arg[0]);
		return 0;
	}
	case CTL_IRQ_STORM_WAIT:
		if (!vm->storm_running) {
			fprintf(vm->out, "minivmm: storm: none running\n");
			return -ENOENT;
		}
		pthread_join(vm->storm_thread, NULL);
		vm->storm_running = 0;
		fprintf(vm->out, "minivmm: storm done, %lu failed KVM_IRQ_LINE calls\n",
			vm->storm_errors);
		return vm->storm_errors > INT32_MAX ? INT32_MAX : (int32_t)vm->storm_errors;
	}
	fprintf(vm->out, "minivmm: control: unknown command %u\n", cmd);
	return -EINVAL;
}
