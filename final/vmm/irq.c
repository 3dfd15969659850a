// SPDX-License-Identifier: GPL-2.0
/**
 * @file irq.c
 * @brief Interrupt lines and controllers (chapter 03): where a device's
 * line goes for each --irqchip mode, and the userspace irqchip's half of
 * KVM's injection protocol.
 *
 *  kernel  KVM_CREATE_IRQCHIP, before the vCPU exists, puts the PIC pair
 *          and the IOAPIC in the kernel (and, on the real KVM, a local
 *          APIC per vCPU, whose LINT0 takes the PIC as ExtINT).  A line
 *          change is one KVM_IRQ_LINE_STATUS on the VM fd, from any
 *          thread; the kernel routes the GSI (KVM's default routing: 0-15
 *          to both PICs and the IOAPIC, 16-23 to the IOAPIC), injects,
 *          and keeps a halted vCPU asleep in the kernel until then.
 *  user    minivmm runs its own 8259 pair: the very same plain-C model
 *          as the kernel's (final/arch/x86/kvm/i8259.c, compiled here),
 *          on ports 0x20/0x21, 0xa0/0xa1 and 0x4d0/0x4d1, which exit to
 *          userspace because no irqchip is in the kernel.  When the
 *          PIC's INT output is high, minivmm injects its vector with
 *          KVM_INTERRUPT if kvm_run says the vCPU can take it
 *          (ready_for_interrupt_injection, if_flag); if not, it sets
 *          request_interrupt_window and KVM leaves KVM_RUN with
 *          KVM_EXIT_IRQ_WINDOW_OPEN as soon as the guest can take one
 *          (Documentation/virt/kvm/api.rst; QEMU: kvm_arch_pre_run() with
 *          kernel-irqchip=off).  A HLT exits to minivmm, which waits for
 *          the output to rise.  A line changed by another thread kicks
 *          the vCPU thread out of KVM_RUN with a signal.
 *  none    no controller: lines go nowhere; HLT exits to userspace, as
 *          in chapters 01 and 02.
 */
#define _GNU_SOURCE	/**< pthread_sigmask(), tgkill() and friends */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/timerfd.h>
#include <linux/kvm.h>
#include <minikvm/i8259.h>

#include "minivmm.h"

/** The signal that kicks the vCPU thread out of KVM_RUN (QEMU: SIG_IPI). */
#define SIG_KICK	SIGUSR1

/** kvm_run of the thread's vCPU, for the kick handler.  Per thread: with
 *  --smp each vCPU thread is kicked on its own (a signal handler runs on
 *  the thread the signal was sent to). */
static __thread struct kvm_run *volatile kick_run;
/** Set by the kick handler; irq_kicked() consumes it. */
static __thread volatile sig_atomic_t kicked;

/**
 * The kick: KVM_RUN returns -EINTR if the signal came while the vCPU was
 * in the guest; immediate_exit makes the next KVM_RUN return at once if
 * it came just before (QEMU: kvm_cpu_kick()).
 */
static void on_kick(int sig)
{
	(void)sig;
	kicked = 1;
	if (kick_run)
		kick_run->immediate_exit = 1;
}

/** Kick thread @t out of KVM_RUN (or out of its next one). */
void irq_kick(pthread_t t)
{
	pthread_kill(t, SIG_KICK);
}

/** The calling thread runs the vCPU whose kvm_run is @run: kicks go to it. */
void irq_kick_init(struct kvm_run *run)
{
	kick_run = run;
}

/**
 * Called by the run loop when KVM_RUN returned -EINTR: 1 if that was a
 * kick (immediate_exit is cleared again and the loop runs on), 0 if it
 * was some other signal.
 */
int irq_kicked(void)
{
	if (!kicked)
		return 0;
	kicked = 0;
	if (kick_run)
		kick_run->immediate_exit = 0;
	return 1;
}

/** The name of an --irqchip mode. */
const char *irqchip_name(int mode)
{
	switch (mode) {
	case IRQCHIP_KERNEL:	return "kernel";
	case IRQCHIP_USER:	return "user";
	default:		return "none";
	}
}

/** The userspace PIC's output changed; called under vm->irq_lock. */
static void upic_output(void *opaque, bool level)
{
	struct vm *vm = opaque;

	if (!level)
		return;
	pthread_cond_broadcast(&vm->irq_cond);
	if (!pthread_equal(pthread_self(), vm->vcpu_thread))
		pthread_kill(vm->vcpu_thread, SIG_KICK);
}

/**
 * --irqchip: create the interrupt controllers.  Must come before
 * KVM_CREATE_VCPU: KVM refuses KVM_CREATE_IRQCHIP once a vCPU exists
 * (-EINVAL), and the vCPU's local APIC is created with it.
 */
int irq_create_chip(struct vm *vm)
{
	/* SA_RESTART for minivmm's own system calls (writes of the guest's
	 * output); KVM_RUN returns -EINTR, never restarted, whatever it says. */
	struct sigaction sa = { .sa_handler = on_kick, .sa_flags = SA_RESTART };

	pthread_mutex_init(&vm->irq_lock, NULL);
	pthread_cond_init(&vm->irq_cond, NULL);
	vm->vcpu_thread = pthread_self();
	vm->testdev.set_irq = irq_set_line;
	vm->testdev.opaque = vm;
#ifdef CONFIG_MINIKVM_FINAL
	vm->i8042.set_irq = irq_set_line;
	vm->i8042.opaque = vm;
#endif

	switch (vm->irqchip) {
	case IRQCHIP_KERNEL:
		if (ioctl(vm->vm_fd, KVM_CREATE_IRQCHIP, 0)) {
			fprintf(stderr, "minivmm: KVM_CREATE_IRQCHIP: %s\n", strerror(errno));
			return VMM_KVM_ERROR;
		}
		break;
	case IRQCHIP_USER:
		vm->upic = calloc(1, sizeof(*vm->upic));
		if (!vm->upic) {
			fprintf(stderr, "minivmm: out of memory\n");
			return VMM_KVM_ERROR;
		}
		i8259_init(vm->upic, upic_output, vm);
		break;
	}
	/* Other threads kick a vCPU thread (a line of the userspace PIC;
	 * with --smp, a vCPU that ended the VM). */
	sigaction(SIG_KICK, &sa, NULL);
	return 0;
}

/**
 * Set the line of @gsi to @level, from any thread.  Linux: what
 * kvm_vm_ioctl_irq_line() receives; QEMU: qemu_set_irq() on an ISA line.
 */
void vm_set_irq(struct vm *vm, unsigned int gsi, int level)
{
	struct kvm_irq_level irq = { .irq = gsi, .level = level };

	switch (vm->irqchip) {
	case IRQCHIP_KERNEL:
		if (ioctl(vm->vm_fd, KVM_IRQ_LINE, &irq))
			fprintf(stderr, "minivmm: KVM_IRQ_LINE gsi %u level %d: %s\n",
				gsi, level, strerror(errno));
		break;
	case IRQCHIP_USER:
		/* The PIC pair has IRQ 0-15; there is no userspace IOAPIC. */
		if (gsi >= PIC_NUM_PINS)
			break;
		pthread_mutex_lock(&vm->irq_lock);
		i8259_set_irq(vm->upic, gsi, level);
		pthread_mutex_unlock(&vm->irq_lock);
		break;
	}
}

/** vm_set_irq() for the devices' set_irq callbacks (@opaque: the vm). */
void irq_set_line(void *opaque, unsigned int gsi, int level)
{
	vm_set_irq(opaque, gsi, level);
}

/** The UART's line: COM1_IRQ. */
static void serial_set_irq(void *opaque, int level)
{
	vm_set_irq(opaque, COM1_IRQ, level);
}

/**
 * --tick: the timer thread.  A timerfd (CLOCK_MONOTONIC) expires HZ times
 * a second; each expiry, or several missed ones, is one pulse of GSI 0,
 * the PIT's line, as an i8254 in mode 2 or 3 gives the PIC one edge per
 * period.  Chapter 04 brings the real PIT.
 */
static void *tick_thread(void *arg)
{
	struct vm *vm = arg;
	uint64_t expirations;

	for (;;) {
		if (read(vm->tick_fd, &expirations, sizeof(expirations)) != sizeof(expirations))
			continue;
		vm_set_irq(vm, 0, 1);
		vm_set_irq(vm, 0, 0);
	}
	return NULL;
}

#ifdef CONFIG_MINIKVM_LAPIC
/**
 * --pit: the in-kernel PIT, by default whenever the irqchip is in the
 * kernel (without it the PIT has no IRQ 0 to raise; newer KVM refuses
 * it with -ENOENT, 6.1 creates a PIT that never interrupts).  Flags
 * KVM_PIT_SPEAKER_DUMMY put port 0x61 in the kernel too, so that a guest
 * reaches counter 2's GATE and OUT there; QEMU leaves them 0 and serves
 * 0x61 itself from KVM_GET_PIT2.  Returns 0, or -1 after saying why.
 */
static int irq_create_pit(struct vm *vm, const struct vmm_options *opt)
{
	struct kvm_pit_config config = { .flags = KVM_PIT_SPEAKER_DUMMY };

	if (opt->pit < 0 || (opt->pit == 0 && vm->irqchip != IRQCHIP_KERNEL))
		return 0;
	if (ioctl(vm->vm_fd, KVM_CREATE_PIT2, &config)) {
		fprintf(stderr, "minivmm: KVM_CREATE_PIT2: %s\n", strerror(errno));
		return -1;
	}
	return 0;
}

#endif
/** After the vCPU exists: connect the devices to the lines, start --tick. */
int irq_start(struct vm *vm, const struct vmm_options *opt)
{
	struct itimerspec its = { 0 };
	pthread_t t;

	kick_run = vm->vcpu[0].run;
	vm->com1.rx = &vm->in_data;
	vm->com1.set_irq = serial_set_irq;
	vm->com1.opaque = vm;
#ifdef CONFIG_MINIKVM_LAPIC
	if (irq_create_pit(vm, opt))
		return VMM_KVM_ERROR;
#endif
	if (!opt->tick_hz)
		return 0;
	vm->tick_fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
	if (vm->tick_fd < 0) {
		fprintf(stderr, "minivmm: timerfd_create: %s\n", strerror(errno));
		return VMM_KVM_ERROR;
	}
	its.it_interval.tv_nsec = 1000000000l / opt->tick_hz;
	if (opt->tick_hz == 1) {
		its.it_interval.tv_sec = 1;
		its.it_interval.tv_nsec = 0;
	}
	its.it_value = its.it_interval;
	if (timerfd_settime(vm->tick_fd, 0, &its, NULL) ||
	    pthread_create(&t, NULL, tick_thread, vm)) {
		fprintf(stderr, "minivmm: --tick: cannot start the timer\n");
		return VMM_KVM_ERROR;
	}
	pthread_detach(t);
	return 0;
}

/**
 * Before each KVM_RUN, --irqchip user: inject what the PIC has, or ask
 * for the window.  The vCPU can take an external interrupt when KVM says
 * ready_for_interrupt_injection (no event pending, not in an interrupt
 * shadow) and if_flag (RFLAGS.IF) after the last exit; then the INTA
 * cycle (i8259_read_irq()) gives the vector and KVM_INTERRUPT queues it.
 * If the output is (still) high, request_interrupt_window makes KVM exit
 * with KVM_EXIT_IRQ_WINDOW_OPEN once the guest can take one.
 * QEMU: kvm_arch_pre_run().  Returns 0 or a process exit status.
 */
int irq_pre_run(struct vm *vm)
{
	struct kvm_run *run = vm->vcpu[0].run;
	struct kvm_interrupt intr;
	char what[32];
	int ret = 0;

	if (vm->irqchip != IRQCHIP_USER)
		return 0;
	pthread_mutex_lock(&vm->irq_lock);
	if (vm->upic->output && run->ready_for_interrupt_injection && run->if_flag) {
		intr.irq = (unsigned int)i8259_read_irq(vm->upic);
		if (ioctl(vm->vcpu[0].fd, KVM_INTERRUPT, &intr)) {
			fprintf(stderr, "minivmm: KVM_INTERRUPT: %s\n", strerror(errno));
			ret = VMM_KVM_ERROR;
		}
		snprintf(what, sizeof(what), "interrupt 0x%02x", intr.irq);
		trace_vmm(&vm->trace, what);
	}
	run->request_interrupt_window = vm->upic->output;
	pthread_mutex_unlock(&vm->irq_lock);
	return ret;
}

/**
 * KVM_EXIT_HLT: with --irqchip user, a halt with RFLAGS.IF set waits
 * here until the PIC's output rises (a line from another thread), as a
 * halted CPU waits for INTR; returns -1 to run on.  With IF clear, or
 * without a userspace PIC, nothing could wake the vCPU: returns
 * VMM_HALTED, minivmm's answer since chapter 01.
 */
int irq_halted(struct vm *vm)
{
	struct timespec ts;

	if (vm->irqchip != IRQCHIP_USER || !vm->vcpu[0].run->if_flag)
		return VMM_HALTED;
	pthread_mutex_lock(&vm->irq_lock);
	while (!vm->upic->output && !irq_stop_requested()) {
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 100000000;	/* look at signals 10 times a second */
		if (ts.tv_nsec >= 1000000000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000;
		}
		pthread_cond_timedwait(&vm->irq_cond, &vm->irq_lock, &ts);
	}
	pthread_mutex_unlock(&vm->irq_lock);
	return -1;
}

/**
 * --irqchip user: the 8259 pair's ports.  Returns 0 when the port was
 * the PIC's, -1 when not.
 */
int irq_pio(struct vm *vm, uint16_t port, int is_write, int size, uint8_t *data)
{
	int ret;

	if (vm->irqchip != IRQCHIP_USER)
		return -1;
	pthread_mutex_lock(&vm->irq_lock);
	if (is_write)
		ret = i8259_ioport_write(vm->upic, port, size, data);
	else
		ret = i8259_ioport_read(vm->upic, port, size, data);
	pthread_mutex_unlock(&vm->irq_lock);
	return ret == -EOPNOTSUPP ? -1 : 0;
}
