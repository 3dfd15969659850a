/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmenter.S - enter an SVM guest with VMRUN and come back.
 *
 * VMRUN itself switches only part of the state (AMD APM Vol. 2, 15.5.1):
 * it saves the host's segment registers, CRs, EFER, RFLAGS, RSP, RIP and
 * RAX in the host-save area and loads the guest's from the VMCB; #VMEXIT
 * does the reverse.  Everything else is ours to switch:
 *   - the other general-purpose registers: loaded from and saved to the
 *     vCPU's regs[] array here;
 *   - FS/GS (with their hidden bases), TR, LDTR, KernelGsBase, STAR,
 *     LSTAR, CSTAR, SFMASK, SYSENTER_*: VMSAVE/VMLOAD move those between
 *     the CPU and a VMCB-format page (APM 15.5.2), so we VMSAVE the host's
 *     into a per-CPU page, VMLOAD the guest's, and reverse afterwards.
 *
 * Linux: __svm_vcpu_run() in arch/x86/kvm/svm/vmenter.S.
 */
#include <linux/linkage.h>
#include <asm/asm.h>

/* Offsets of the registers in struct kvm_vcpu_arch.regs (enum kvm_reg). */
#define VCPU_RCX	(1 * 8)
#define VCPU_RDX	(2 * 8)
#define VCPU_RBX	(3 * 8)
#define VCPU_RBP	(5 * 8)
#define VCPU_RSI	(6 * 8)
#define VCPU_RDI	(7 * 8)
#define VCPU_R8		(8 * 8)
#define VCPU_R9		(9 * 8)
#define VCPU_R10	(10 * 8)
#define VCPU_R11	(11 * 8)
#define VCPU_R12	(12 * 8)
#define VCPU_R13	(13 * 8)
#define VCPU_R14	(14 * 8)
#define VCPU_R15	(15 * 8)

/* Our frame, above the callee-saved registers. */
#define FRAME_VMCB	0
#define FRAME_HOST	8
#define FRAME_REGS	16

	.text
/*
 * void __svm_vcpu_run(u64 vmcb_pa, unsigned long *regs, u64 host_save_pa)
 *
 * Called with interrupts disabled and GIF clear (CLGI).  RAX, RSP and RIP
 * of the guest are in the VMCB, not in regs[].
 */
SYM_FUNC_START(__svm_vcpu_run)
	push	%rbp
	mov	%rsp, %rbp
	push	%r15
	push	%r14
	push	%r13
	push	%r12
	push	%rbx
	push	%rsi			/* FRAME_REGS */
	push	%rdx			/* FRAME_HOST */
	push	%rdi			/* FRAME_VMCB */

	/* Park the host's FS/GS/TR/... state. */
	mov	%rdx, %rax
	vmsave	%rax

	/* The guest's general-purpose registers, RSI (our pointer) last. */
	mov	VCPU_RCX(%rsi), %rcx
	mov	VCPU_RDX(%rsi), %rdx
	mov	VCPU_RBX(%rsi), %rbx
	mov	VCPU_RBP(%rsi), %rbp
	mov	VCPU_RDI(%rsi), %rdi
	mov	VCPU_R8(%rsi), %r8
	mov	VCPU_R9(%rsi), %r9
	mov	VCPU_R10(%rsi), %r10
	mov	VCPU_R11(%rsi), %r11
	mov	VCPU_R12(%rsi), %r12
	mov	VCPU_R13(%rsi), %r13
	mov	VCPU_R14(%rsi), %r14
	mov	VCPU_R15(%rsi), %r15
	mov	VCPU_RSI(%rsi), %rsi

	mov	FRAME_VMCB(%rsp), %rax
	vmload	%rax
	/*
	 * GIF is clear, so no interrupt is taken between STI and VMRUN.
	 * With V_INTR_MASKING the host's RFLAGS.IF at VMRUN decides whether
	 * a physical interrupt reaches the CPU while the guest runs, and
	 * the INTR intercept turns it into a #VMEXIT: that is how the host
	 * keeps its timer tick, and how a signal ends KVM_RUN.
	 */
	sti
	vmrun	%rax
	cli
	/* #VMEXIT restored the host's RAX (the VMCB address) and RSP. */
	vmsave	%rax

	mov	FRAME_REGS(%rsp), %rax
	mov	%rcx, VCPU_RCX(%rax)
	mov	%rdx, VCPU_RDX(%rax)
	mov	%rbx, VCPU_RBX(%rax)
	mov	%rbp, VCPU_RBP(%rax)
	mov	%rsi, VCPU_RSI(%rax)
	mov	%rdi, VCPU_RDI(%rax)
	mov	%r8, VCPU_R8(%rax)
	mov	%r9, VCPU_R9(%rax)
	mov	%r10, VCPU_R10(%rax)
	mov	%r11, VCPU_R11(%rax)
	mov	%r12, VCPU_R12(%rax)
	mov	%r13, VCPU_R13(%rax)
	mov	%r14, VCPU_R14(%rax)
	mov	%r15, VCPU_R15(%rax)

	mov	FRAME_HOST(%rsp), %rax
	vmload	%rax

	/* Leave no guest value in a register the host might speculate on. */
	xor	%ecx, %ecx
	xor	%edx, %edx
	xor	%esi, %esi
	xor	%edi, %edi
	xor	%r8d, %r8d
	xor	%r9d, %r9d
	xor	%r10d, %r10d
	xor	%r11d, %r11d

	add	$24, %rsp
	pop	%rbx
	pop	%r12
	pop	%r13
	pop	%r14
	pop	%r15
	pop	%rbp
	RET
SYM_FUNC_END(__svm_vcpu_run)
