/* SPDX-License-Identifier: GPL-2.0 */
/**
 * @file trace.h
 * @brief Tracepoints of minikvm.ko: every VM entry and every VM exit.
 *
 * With the module loaded they appear in tracefs under events/minikvm/:
 *
 *     cd /sys/kernel/tracing
 *     echo 1 > events/minikvm/kvm_exit/enable
 *     cat trace_pipe
 *       minivmm-93 [001] ..... 41.2: kvm_exit: vcpu 0 reason IOIO rip 0x1000c info1 0x3f80010 info2 0x1000e
 *
 * The exit reason is the vendor's own code (an SVM EXITCODE, AMD APM
 * Vol. 2 Appendix C; a VMX basic exit reason, Intel SDM Vol. 3D
 * Appendix C), printed by name; info1 and info2 are what the hardware
 * says about it (EXITINFO1/2 on SVM; on VMX the exit qualification and,
 * for EPT exits, the guest-physical address).  The names are written
 * into the event's format file, so trace-cmd and perf can decode a
 * recorded trace too.  docs/gdb.md shows a session.
 *
 * This header is read several times: once normally (declaring
 * trace_kvm_entry() and trace_kvm_exit()), and again from
 * <trace/define_trace.h> in x86.c, which defines CREATE_TRACE_POINTS
 * to turn the same TRACE_EVENT()s into the event code.
 *
 * Linux: arch/x86/kvm/trace.h (kvm_entry, kvm_exit).
 */
#if !defined(MINIKVM_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define MINIKVM_TRACE_H

#include <linux/tracepoint.h>
#include <minikvm/kvm_host.h>
#include "svm/vmcb.h"
#include "vmx/vmcs.h"

#undef TRACE_SYSTEM
#define TRACE_SYSTEM minikvm

#ifndef MINIKVM_TRACE_NAMES
#define MINIKVM_TRACE_NAMES
/** One { code, "NAME" } pair of an SVM exit-code table. */
#define SVM_EXIT_NAME(x)	{ SVM_EXIT_##x, #x }
/** The SVM exit codes of vmcb.h, by name (APM Vol. 2, Table C-1). */
#define MINIKVM_SVM_EXIT_REASONS					\
	SVM_EXIT_NAME(READ_DR0), SVM_EXIT_NAME(READ_DR7),		\
	SVM_EXIT_NAME(WRITE_DR0), SVM_EXIT_NAME(WRITE_DR7),		\
	SVM_EXIT_NAME(RDPMC),						\
	SVM_EXIT_NAME(INTR), SVM_EXIT_NAME(NMI), SVM_EXIT_NAME(SMI),	\
	SVM_EXIT_NAME(INIT), SVM_EXIT_NAME(VINTR), SVM_EXIT_NAME(CPUID),\
	SVM_EXIT_NAME(INVD), SVM_EXIT_NAME(HLT), SVM_EXIT_NAME(INVLPGA),\
	SVM_EXIT_NAME(IOIO), SVM_EXIT_NAME(MSR),			\
	SVM_EXIT_NAME(TASK_SWITCH), SVM_EXIT_NAME(SHUTDOWN),		\
	SVM_EXIT_NAME(VMRUN), SVM_EXIT_NAME(VMMCALL),			\
	SVM_EXIT_NAME(VMLOAD), SVM_EXIT_NAME(VMSAVE),			\
	SVM_EXIT_NAME(STGI), SVM_EXIT_NAME(CLGI), SVM_EXIT_NAME(SKINIT),\
	SVM_EXIT_NAME(RDTSCP), SVM_EXIT_NAME(MONITOR),			\
	SVM_EXIT_NAME(MWAIT), SVM_EXIT_NAME(XSETBV), SVM_EXIT_NAME(NPF),\
	SVM_EXIT_NAME(IRET), SVM_EXIT_NAME(ERR)

/** One { reason, "NAME" } pair of a VMX exit-reason table. */
#define VMX_EXIT_NAME(x)	{ EXIT_REASON_##x, #x }
/** The VMX basic exit reasons of vmcs.h, by name (SDM Vol. 3D, Appendix C). */
#define MINIKVM_VMX_EXIT_REASONS					\
	VMX_EXIT_NAME(EXCEPTION_NMI), VMX_EXIT_NAME(EXTERNAL_INTERRUPT),\
	VMX_EXIT_NAME(TRIPLE_FAULT), VMX_EXIT_NAME(CPUID),		\
	VMX_EXIT_NAME(HLT), VMX_EXIT_NAME(INVD), VMX_EXIT_NAME(RDPMC),	\
	VMX_EXIT_NAME(VMCALL), VMX_EXIT_NAME(DR_ACCESS),		\
	VMX_EXIT_NAME(VMCLEAR), VMX_EXIT_NAME(VMLAUNCH),		\
	VMX_EXIT_NAME(VMPTRLD), VMX_EXIT_NAME(VMPTRST),			\
	VMX_EXIT_NAME(VMREAD), VMX_EXIT_NAME(VMRESUME),			\
	VMX_EXIT_NAME(VMWRITE), VMX_EXIT_NAME(VMOFF), VMX_EXIT_NAME(VMON),\
	VMX_EXIT_NAME(CR_ACCESS), VMX_EXIT_NAME(IO_INSTRUCTION),	\
	VMX_EXIT_NAME(MSR_READ), VMX_EXIT_NAME(MSR_WRITE),		\
	VMX_EXIT_NAME(INVALID_STATE), VMX_EXIT_NAME(MWAIT_INSTRUCTION),	\
	VMX_EXIT_NAME(MONITOR_INSTRUCTION), VMX_EXIT_NAME(EPT_VIOLATION),\
	VMX_EXIT_NAME(EPT_MISCONFIG), VMX_EXIT_NAME(INVEPT),		\
	VMX_EXIT_NAME(INVVPID), VMX_EXIT_NAME(XSETBV),			\
	VMX_EXIT_NAME(INTERRUPT_WINDOW), VMX_EXIT_NAME(NMI_WINDOW)

/** The basic exit reason of a VMX exit reason: bits 15:0 (SDM 28.2.1). */
#define VMX_EXIT_BASIC_MASK	0xffff

/** An exit reason by name, for TP_printk(): the table of @isa. */
#define minikvm_print_exit_reason(isa, reason)				\
	((isa) == KVM_ISA_VMX ?						\
	 __print_symbolic((reason) & VMX_EXIT_BASIC_MASK, MINIKVM_VMX_EXIT_REASONS) : \
	 __print_symbolic(reason, MINIKVM_SVM_EXIT_REASONS))
#endif /* MINIKVM_TRACE_NAMES */

/**
 * kvm_entry - the vCPU is about to enter the guest, at @rip.
 * Linux: trace_kvm_entry().
 */
TRACE_EVENT(kvm_entry,
	TP_PROTO(struct kvm_vcpu *vcpu),
	TP_ARGS(vcpu),

	TP_STRUCT__entry(
		__field(unsigned int, vcpu_id)
		__field(unsigned long, rip)
	),

	TP_fast_assign(
		__entry->vcpu_id = vcpu->vcpu_id;
		__entry->rip = kvm_rip_read(vcpu);
	),

	TP_printk("vcpu %u rip 0x%lx", __entry->vcpu_id, __entry->rip)
);

/**
 * kvm_exit - the guest exited: why (@reason, in the vendor's codes of
 * @isa), where (the guest's RIP) and what the hardware said about it
 * (@info1, @info2).  Linux: trace_kvm_exit().
 *
 * The fields are named as KVM's (exit_reason, guest_rip, isa, info1,
 * info2, vcpu_id), so that a filter or a histogram written for the
 * real KVM's kvm:kvm_exit works on minikvm:kvm_exit unchanged:
 *
 *     echo 'hist:keys=exit_reason' >> events/minikvm/kvm_exit/trigger
 *
 * (tools/kvm/minikvm-stat counts exits of both hypervisors that way).
 */
TRACE_EVENT(kvm_exit,
	TP_PROTO(struct kvm_vcpu *vcpu, u32 isa, u32 reason, u64 info1, u64 info2),
	TP_ARGS(vcpu, isa, reason, info1, info2),

	TP_STRUCT__entry(
		__field(unsigned int, vcpu_id)
		__field(u32, isa)
		__field(u32, exit_reason)
		__field(unsigned long, guest_rip)
		__field(u64, info1)
		__field(u64, info2)
	),

	TP_fast_assign(
		__entry->vcpu_id = vcpu->vcpu_id;
		__entry->isa = isa;
		__entry->exit_reason = reason;
		__entry->guest_rip = kvm_rip_read(vcpu);
		__entry->info1 = info1;
		__entry->info2 = info2;
	),

	TP_printk("vcpu %u reason %s%s rip 0x%lx info1 0x%llx info2 0x%llx",
		  __entry->vcpu_id,
		  minikvm_print_exit_reason(__entry->isa, __entry->exit_reason),
		  (__entry->isa == KVM_ISA_VMX &&
		   (__entry->exit_reason & VMX_EXIT_REASONS_FAILED_VMENTRY)) ?
			" (VM entry failed)" : "",
		  __entry->guest_rip, __entry->info1, __entry->info2)
);

#endif /* MINIKVM_TRACE_H */

/*
 * Where <trace/define_trace.h> finds this file again: "arch/x86/kvm/trace.h",
 * through the -I of the tree's top that Kbuild gives x86.o.  (The path
 * is relative to an include directory; Linux's is relative to
 * include/trace/, which an out-of-tree module cannot use.)
 */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH arch/x86/kvm
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
