/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hypercall - a KVM hypercall the host does not know, from real mode.
 * Calls HC_UNKNOWN with VMCALL on Intel and VMMCALL on AMD, picked from
 * the CPUID vendor string (Linux patches the same choice into its
 * KVM_HYPERCALL from the VMMCALL CPU feature), and prints
 *	vmmcall 0x00006d6b: eax=fffffc18
 * leaving with HYPERCALL_EXIT_OK when EAX is -KVM_ENOSYS, else
 * HYPERCALL_EXIT_BAD.
 *
 * KVM's answer (Linux: kvm_emulate_hypercall() in arch/x86/kvm/x86.c):
 * RAX = -KVM_ENOSYS, truncated to 32 bits when the caller is not in
 * 64-bit mode, so RAX = 0x00000000fffffc18 here.  A guest in real mode
 * cannot see bits 63:32, so when the first --in-data byte is 'h' the
 * guest halts right after the hypercall and the scenario reads the whole
 * RAX from minivmm -v's register dump instead.
 *
 * VMCALL: Intel SDM Vol. 3C, "Instructions That Cause VM Exits
 * Unconditionally"; VMMCALL: AMD APM Vol. 3, VMMCALL (intercepted).
 */
#include "guest.h"

	.code16
	.text
	.globl	_start
_start:
	in	$TEST_DATA_PORT, %al	/* 'h': halt right after the call */
	mov	%al, mode

	xor	%eax, %eax
	cpuid
	cmp	$CPUID_VENDOR_INTEL_EBX, %ebx
	je	intel

	mov	$s_vmmcall, %si
	mov	$HC_UNKNOWN, %eax
	vmmcall				/* 0f 01 d9 */
	jmp	1f
intel:
	mov	$s_vmcall, %si
	mov	$HC_UNKNOWN, %eax
	vmcall				/* 0f 01 c1 */

1:	cmpb	$'h', mode
	jne	2f
	hlt				/* RAX untouched for the register dump */

2:	mov	%eax, %ebp		/* the answer, kept in EBP */
	call	puts16			/* the mnemonic */
	mov	$HC_UNKNOWN, %eax
	call	puthex32
	mov	$s_eax, %si
	call	puts16
	mov	%ebp, %eax
	call	puthex32
	mov	$'\n', %al
	call	putc16

	mov	$HYPERCALL_EXIT_OK, %al
	cmp	$-KVM_ENOSYS, %ebp
	je	3f
	mov	$HYPERCALL_EXIT_BAD, %al
3:	out	%al, $DEBUG_EXIT_PORT
	hlt				/* not reached */

#include "serial16.S"

s_vmcall:	.asciz	"vmcall 0x"
s_vmmcall:	.asciz	"vmmcall 0x"
s_eax:		.asciz	": eax="
mode:		.byte	0
