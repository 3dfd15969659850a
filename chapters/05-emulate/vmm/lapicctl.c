// SPDX-License-Identifier: GPL-2.0
/**
 * @file lapicctl.c
 * @brief Chapter 04's control commands (minivmm.h, CTL_LAPIC_SAVE ..):
 * a save, clobber and restore of the calling vCPU's local APIC
 * (KVM_GET_LAPIC, KVM_SET_LAPIC), as a VMM does to migrate a VM, and a
 * measure of the CPU time a vCPU thread uses between two points of the
 * guest (what a halted vCPU costs the host).
 *
 * Like chapter 03's commands they run on the exit of the guest's OUT to
 * CTL_PORT, with the vCPU stopped in userspace, on that vCPU's thread,
 * and print one "minivmm: ..." line on stdout.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/ioctl.h>
#include <linux/kvm.h>

#include "minivmm.h"

/**
 * Local APIC registers in struct kvm_lapic_state, which is the APIC's
 * 4 KiB register page cut to its first KVM_APIC_REG_SIZE bytes, at the
 * xAPIC offsets (Intel SDM Vol. 3A, 11.4.1, Table 11-1 "Local APIC
 * Register Address Map"; Documentation/virt/kvm/api.rst, KVM_GET_LAPIC).
 * @{
 */
#define APIC_ID		0x020	/**< xAPIC: the ID in bits 31:24 */
#define APIC_TASKPRI	0x080	/**< TPR */
#define APIC_SPIV	0x0f0	/**< spurious-interrupt vector register */
#define APIC_ISR	0x100	/**< in-service, 8 x 32 bits at a 16-byte stride */
#define APIC_TMR	0x180	/**< trigger mode, likewise */
#define APIC_IRR	0x200	/**< interrupt request, likewise */
#define APIC_LVTT	0x320	/**< LVT timer */
#define  APIC_LVT_MASKED	(1u << 16)
#define APIC_TMICT	0x380	/**< timer initial count */
#define APIC_TDCR	0x3e0	/**< timer divide configuration */
/** @} */

/** What CTL_LAPIC_SAVE keeps for CTL_LAPIC_RESTORE. */
struct lapic_saved {
	unsigned int vcpu;		/**< whose it is */
	struct kvm_lapic_state state;	/**< KVM_GET_LAPIC */
};

/** The 32-bit register at @off of @s. */
static uint32_t reg(const struct kvm_lapic_state *s, unsigned int off)
{
	uint32_t v;

	memcpy(&v, s->regs + off, sizeof(v));
	return v;
}

/** Set the 32-bit register at @off of @s to @v. */
static void set_reg(struct kvm_lapic_state *s, unsigned int off, uint32_t v)
{
	memcpy(s->regs + off, &v, sizeof(v));
}

/**
 * Print the vectors set in the 256-bit register at @base (ISR, TMR or
 * IRR: bit v of the whole is vector v, in eight 32-bit registers 16
 * bytes apart), as " v v ..." in hex, or " none".
 */
static void print_vectors(FILE *f, const struct kvm_lapic_state *s, unsigned int base)
{
	int any = 0;

	for (unsigned int v = 0; v < 256; v++)
		if (reg(s, base + (v / 32) * 16) & (1u << (v % 32))) {
			fprintf(f, " %02x", v);
			any = 1;
		}
	if (!any)
		fputs(" none", f);
}

/** Print what a local APIC state holds that the lapic-state guest checks. */
static void print_lapic(struct vm *vm, const char *what, const struct kvm_lapic_state *s)
{
	fprintf(vm->out, "minivmm: %s lapic of vCPU %u: id=%02x tpr=%02x svr=%03x "
		"lvtt=%08x tmict=%08x tdcr=%x isr:", what, vm->cur->id, reg(s, APIC_ID) >> 24,
		reg(s, APIC_TASKPRI), reg(s, APIC_SPIV), reg(s, APIC_LVTT),
		reg(s, APIC_TMICT), reg(s, APIC_TDCR));
	print_vectors(vm->out, s, APIC_ISR);
	fputs(" tmr:", vm->out);
	print_vectors(vm->out, s, APIC_TMR);
	fputs(" irr:", vm->out);
	print_vectors(vm->out, s, APIC_IRR);
	fputc('\n', vm->out);
}

/** CTL_LAPIC_SAVE: save, print, clobber.  Linux: kvm_vcpu_ioctl_get_lapic(). */
static int32_t lapic_save(struct vm *vm)
{
	struct lapic_saved *sv;
	struct kvm_lapic_state bad;

	if (vm->irqchip != IRQCHIP_KERNEL) {
		fprintf(vm->out, "minivmm: lapic save: no in-kernel local APIC\n");
		return -ENXIO;
	}
	sv = vm->lapic_saved ? vm->lapic_saved : calloc(1, sizeof(*sv));
	if (!sv)
		return -ENOMEM;
	vm->lapic_saved = sv;
	sv->vcpu = vm->cur->id;
	if (ioctl(vm->cur->fd, KVM_GET_LAPIC, &sv->state))
		goto fail;
	print_lapic(vm, "saved", &sv->state);

	/* The clobber: an APIC with nothing pending or in service and its
	 * timer stopped, what a VMM that lost the state would load. */
	bad = sv->state;
	for (unsigned int i = 0; i < 8; i++) {
		set_reg(&bad, APIC_ISR + i * 16, 0);
		set_reg(&bad, APIC_TMR + i * 16, 0);
		set_reg(&bad, APIC_IRR + i * 16, 0);
	}
	set_reg(&bad, APIC_TMICT, 0);
	set_reg(&bad, APIC_LVTT, reg(&bad, APIC_LVTT) | APIC_LVT_MASKED);
	if (ioctl(vm->cur->fd, KVM_SET_LAPIC, &bad))
		goto fail;
	fprintf(vm->out, "minivmm: lapic of vCPU %u clobbered (isr, tmr, irr empty; "
		"timer stopped and masked)\n", vm->cur->id);
	trace_vmm(vm->cur->trace, "lapic saved and clobbered");
	return 0;
fail:
	fprintf(vm->out, "minivmm: lapic save: %s\n", strerror(errno));
	return -errno;
}

/** CTL_LAPIC_RESTORE: put back what CTL_LAPIC_SAVE saved.  Linux:
 *  kvm_vcpu_ioctl_set_lapic(), kvm_apic_set_state(). */
static int32_t lapic_restore(struct vm *vm)
{
	struct lapic_saved *sv = vm->lapic_saved;

	if (!sv || sv->vcpu != vm->cur->id) {
		fprintf(vm->out, "minivmm: lapic restore: nothing saved for vCPU %u\n",
			vm->cur->id);
		return -ENOENT;
	}
	if (ioctl(vm->cur->fd, KVM_SET_LAPIC, &sv->state)) {
		fprintf(vm->out, "minivmm: lapic restore: %s\n", strerror(errno));
		return -errno;
	}
	fprintf(vm->out, "minivmm: lapic of vCPU %u restored\n", vm->cur->id);
	trace_vmm(vm->cur->trace, "lapic restored");
	return 0;
}

/** Nanoseconds on @clock. */
static uint64_t clock_ns(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/**
 * CTL_CPU_REPORT: the calling vCPU thread's CPU time since its
 * CTL_CPU_MARK.  The command runs on that thread, so its own CPU clock
 * (CLOCK_THREAD_CPUTIME_ID, what getrusage(RUSAGE_THREAD) counts) is the
 * vCPU's: a vCPU that sleeps in the kernel while halted uses next to
 * none of it; one that spins, or keeps coming back to userspace, uses
 * all of it.  Returns the whole percentage.
 */
static int32_t cpu_report(struct vm *vm)
{
	struct vcpu *v = vm->cur;
	uint64_t cpu, wall;

	if (!v->wall_mark_ns) {
		fprintf(vm->out, "minivmm: vCPU %u: no CPU mark\n", v->id);
		return -ENOENT;
	}
	cpu = clock_ns(CLOCK_THREAD_CPUTIME_ID) - v->cpu_mark_ns;
	wall = clock_ns(CLOCK_MONOTONIC) - v->wall_mark_ns;
	if (!wall)
		wall = 1;
	v->wall_mark_ns = 0;
	fprintf(vm->out, "minivmm: vCPU %u used %llu us of CPU in %llu ms (%llu.%01llu %%)\n",
		v->id, (unsigned long long)(cpu / 1000), (unsigned long long)(wall / 1000000),
		(unsigned long long)(cpu * 100 / wall),
		(unsigned long long)(cpu * 1000 / wall % 10));
	return (int32_t)(cpu * 100 / wall);
}

/**
 * Run chapter 04's control command @cmd with arguments @arg for the
 * calling vCPU, vm->cur; returns its result for IN from CTL_PORT.
 */
int32_t lapic_ctl_run(struct vm *vm, uint8_t cmd, const uint32_t *arg)
{
	switch (cmd) {
	case CTL_LAPIC_SAVE:
		return lapic_save(vm);
	case CTL_LAPIC_RESTORE:
		return lapic_restore(vm);
	case CTL_CPU_MARK:
		vm->cur->cpu_mark_ns = clock_ns(CLOCK_THREAD_CPUTIME_ID);
		vm->cur->wall_mark_ns = clock_ns(CLOCK_MONOTONIC);
		fprintf(vm->out, "minivmm: vCPU %u: CPU mark\n", vm->cur->id);
		return 0;
	case CTL_CPU_REPORT:
		return cpu_report(vm);
	case CTL_NOTE:
		fprintf(vm->out, "minivmm: vCPU %u notes %u %u %u %u\n", vm->cur->id,
			arg[0], arg[1], arg[2], arg[3]);
		return 0;
	}
	fprintf(vm->out, "minivmm: control: unknown command %u\n", cmd);
	return -EINVAL;
}
