/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmenter.S - enter a VMX guest with VMLAUNCH/VMRESUME and come back.
 *
 * VM entry loads the guest state from the VMCS; a VM exit loads the host
 * state from it, including RSP (HOST_RSP) and RIP (HOST_RIP = vmx_vmexit
 * below).  The general-purpose registers other than RSP are switched by
 * no one but us (Intel SDM Vol. 3C, 27.3 and 28.5): we load the guest's
 * from the vCPU's regs[] before entry and store them back after the exit.
 *
 * Linux: __vmx_vcpu_run() in arch/x86/kvm/vmx/vmenter.S.
 */
#include <linux/linkage.h>
#include <asm/asm.h>
#include <asm/unwind_hints.h>

/* Offsets of the registers in struct kvm_vcpu_arch.regs (enum kvm_reg). */
#define VCPU_RAX	(0 * 8)
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

#define HOST_RSP	0x00006c14	/* VMCS field encoding, vmcs.h */

	.text
/*
 * int __vmx_vcpu_run(unsigned long *regs, bool launched)
 *
 * Returns 0 after a VM exit, 1 if VMLAUNCH/VMRESUME failed (VMfail: the
 * guest never ran; VM_INSTRUCTION_ERROR says why).  Called with
 * interrupts disabled and the vCPU's VMCS current on this CPU.
 */
SYM_FUNC_START(__vmx_vcpu_run)
	push	%rbp
	mov	%rsp, %rbp
	push	%r15
	push	%r14
	push	%r13
	push	%r12
	push	%rbx
	push	%rdi			/* 8(%rsp) after the next push: regs */
	push	%rsi			/* (%rsp): launched */

	/* The exit comes back with exactly this RSP. */
	mov	$HOST_RSP, %rax
	vmwrite	%rsp, %rax
	jna	.Lvmfail_nocheck

	/* Flags from here to VMLAUNCH/VMRESUME: MOV leaves them alone. */
	cmpb	$0, (%rsp)

	mov	VCPU_RAX(%rdi), %rax
	mov	VCPU_RCX(%rdi), %rcx
	mov	VCPU_RDX(%rdi), %rdx
	mov	VCPU_RBX(%rdi), %rbx
	mov	VCPU_RBP(%rdi), %rbp
	mov	VCPU_RSI(%rdi), %rsi
	mov	VCPU_R8(%rdi), %r8
	mov	VCPU_R9(%rdi), %r9
	mov	VCPU_R10(%rdi), %r10
	mov	VCPU_R11(%rdi), %r11
	mov	VCPU_R12(%rdi), %r12
	mov	VCPU_R13(%rdi), %r13
	mov	VCPU_R14(%rdi), %r14
	mov	VCPU_R15(%rdi), %r15
	mov	VCPU_RDI(%rdi), %rdi

	/*
	 * A VMCS must be launched once after VMCLEAR, then resumed.  The
	 * unwind hints tell objtool that vmx_vmexit, reached only through
	 * HOST_RIP, runs on the stack frame we have here.
	 */
	UNWIND_HINT_SAVE
	je	.Llaunch
	vmresume
	jmp	.Lvmfail
.Llaunch:
	vmlaunch
.Lvmfail:
	/* Only reached if the instruction failed: no guest ran. */
.Lvmfail_nocheck:
	mov	$1, %eax
	jmp	.Lout

SYM_INNER_LABEL(vmx_vmexit, SYM_L_GLOBAL)
	UNWIND_HINT_RESTORE
	/* RSP is HOST_RSP again: our frame.  Every GPR but RSP is the guest's. */
	push	%rax			/* guest RAX; regs is now at 16(%rsp) */
	mov	16(%rsp), %rax
	popq	VCPU_RAX(%rax)
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
	xor	%eax, %eax

.Lout:
	/* Leave no guest value in a register the host might speculate on. */
	xor	%ecx, %ecx
	xor	%edx, %edx
	xor	%esi, %esi
	xor	%edi, %edi
	xor	%r8d, %r8d
	xor	%r9d, %r9d
	xor	%r10d, %r10d
	xor	%r11d, %r11d

	add	$16, %rsp
	pop	%rbx
	pop	%r12
	pop	%r13
	pop	%r14
	pop	%r15
	pop	%rbp
	RET
SYM_FUNC_END(__vmx_vcpu_run)
