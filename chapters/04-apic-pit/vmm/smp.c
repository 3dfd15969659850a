// SPDX-License-Identifier: GPL-2.0
/**
 * @file smp.c
 * @brief --smp N (chapter 04): a VM with N vCPUs, one thread each.
 *
 * A KVM vCPU is driven by exactly one thread, the one that calls its
 * KVM_RUN (Documentation/virt/kvm/api.rst: "vcpu ioctls should be issued
 * from the same thread that was used to create the vcpu", and KVM_RUN
 * blocks for as long as the guest runs).  So minivmm runs vCPU 0, the
 * bootstrap processor, on its main thread as before, and each other vCPU
 * (an application processor, AP) on a thread of its own, all in the same
 * run loop (main.c: vcpu_run_loop()).  QEMU does the same
 * (qemu_kvm_start_vcpu(), one thread per vCPU, in accel/kvm/).
 *
 * minivmm does not start the APs: with the irqchip in the kernel, KVM
 * keeps every vCPU but the BSP in wait-for-SIPI, and their KVM_RUN sleeps
 * until the guest's BSP sends INIT and STARTUP IPIs through its local
 * APIC (Intel SDM Vol. 3A, 9.4.4 "MP Initialization Example"); the AP
 * then starts in real mode at CS:IP = (vector << 8):0.  That is why
 * --smp needs --irqchip kernel.
 *
 * The devices minivmm emulates are shared: one exit is handled at a time,
 * under vm->io_lock (main.c: handle_exit()).  The VM ends when any vCPU's
 * loop ends (the debug-exit port, an exit minivmm cannot handle, a
 * signal): that vCPU notes its status and kicks the others out of
 * KVM_RUN with a signal, and minivmm exits with the first status.
 */
#define _GNU_SOURCE	/**< open_memstream() */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <linux/kvm.h>

#include "minivmm.h"

/** The options, for the AP threads' run loops. */
static const struct vmm_options *smp_opt;

/**
 * End the VM with @status, unless another vCPU ended it first; then kick
 * every other vCPU thread out of KVM_RUN.  Each sees smp_stopping() at
 * the top of its loop and returns.  Linux has no counterpart: KVM leaves
 * the lifetime of the vCPU threads to userspace (QEMU: vm_stop() and
 * cpu_exit()).
 */
static void smp_stop(struct vm *vm, int status)
{
	pthread_mutex_lock(&vm->io_lock);
	if (!vm->stopping) {
		vm->stop_status = status;
		__atomic_store_n(&vm->stopping, 1, __ATOMIC_RELEASE);
	}
	pthread_mutex_unlock(&vm->io_lock);
	for (unsigned int i = 0; i < vm->nr_vcpus; i++)
		if (!pthread_equal(vm->vcpu[i].thread, pthread_self()))
			irq_kick(vm->vcpu[i].thread);
}

/**
 * Has a vCPU ended the VM?  If so, returns 1 with the status in @status;
 * the run loops ask before every KVM_RUN.
 */
int smp_stopping(struct vm *vm, int *status)
{
	if (!__atomic_load_n(&vm->stopping, __ATOMIC_ACQUIRE))
		return 0;
	pthread_mutex_lock(&vm->io_lock);
	*status = vm->stop_status;
	pthread_mutex_unlock(&vm->io_lock);
	return 1;
}

/** An AP's thread: its run loop, then the end of the VM. */
static void *ap_thread(void *arg)
{
	struct vcpu *v = arg;

	irq_kick_init(v->run);
	smp_stop(v->vm, vcpu_run_loop(v, smp_opt));
	return NULL;
}

/**
 * After vCPU 0 is set up, before it runs: start a thread for each AP.
 * An AP's trace lines are kept in memory and written after vCPU 0's
 * (smp_trace_aps()).  The signals that stop minivmm (SIGALRM of
 * --timeout, SIGINT, SIGTERM) stay with the main thread, which ends the
 * VM for all.  Returns 0 or a process exit status.
 */
int smp_start(struct vm *vm, const struct vmm_options *opt)
{
	sigset_t stop, old;
	int err;

	smp_opt = opt;
	vm->vcpu[0].thread = pthread_self();
	if (vm->nr_vcpus == 1)
		return 0;
	sigemptyset(&stop);
	sigaddset(&stop, SIGALRM);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &stop, &old);	/* inherited by the threads */
	for (unsigned int i = 1; i < vm->nr_vcpus; i++) {
		struct vcpu *v = &vm->vcpu[i];

		if (vm->trace.f) {
			v->ap_trace = (struct trace) {
				.f = open_memstream(&v->trace_buf, &v->trace_len),
			};
			v->trace = &v->ap_trace;
		}
		err = pthread_create(&v->thread, NULL, ap_thread, v);
		if (err) {
			pthread_sigmask(SIG_SETMASK, &old, NULL);
			fprintf(stderr, "minivmm: cannot start vCPU %u's thread: %s\n", i,
				strerror(err));
			vm->nr_vcpus = i;
			return smp_finish(vm, VMM_KVM_ERROR);
		}
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return 0;
}

/**
 * vCPU 0's loop returned @status: end the VM (if no AP did first), wait
 * for the AP threads, and return the VM's status, the first one.
 */
int smp_finish(struct vm *vm, int status)
{
	smp_stop(vm, status);
	for (unsigned int i = 1; i < vm->nr_vcpus; i++)
		pthread_join(vm->vcpu[i].thread, NULL);
	return vm->stop_status;
}

/** --trace: append each AP's lines to the trace, after vCPU 0's. */
void smp_trace_aps(struct vm *vm)
{
	for (unsigned int i = 1; i < vm->nr_vcpus; i++) {
		struct vcpu *v = &vm->vcpu[i];

		if (!v->ap_trace.f)
			continue;
		trace_flush(&v->ap_trace);
		fclose(v->ap_trace.f);
		v->ap_trace.f = NULL;
		trace_vcpu_section(vm->trace.f, v->id, v->trace_buf, v->trace_len);
		free(v->trace_buf);
		v->trace_buf = NULL;
	}
}
