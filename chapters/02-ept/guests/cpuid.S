/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cpuid - what does the guest see of the CPU?  Runs CPUID leaves 0, 1
 * and 0x80000001 from real mode and prints
 *	vendor=AuthenticAMD hypervisor=1 vmx=0 svm=0
 * then leaves with CPUID_EXIT_CODE, plus one bit for each of the three
 * feature bits that is not what minivmm promised: the hypervisor bit set
 * (KVM_GET_SUPPORTED_CPUID leaves it clear; minivmm sets it, as QEMU
 * does), VMX and SVM clear (minivmm offers no nested virtualization and
 * clears both before KVM_SET_CPUID2).
 *
 * Bits: Intel SDM Vol. 2A, CPUID, "Feature Information Returned in the
 * ECX Register" (leaf 1: VMX is bit 5, bit 31 is reserved for use by
 * hypervisors); AMD APM Vol. 3, E.4.2 "Function 8000_0001h" (ECX bit 2 SVM).
 * CPUID always exits to the hypervisor (Intel SDM Vol. 3C, "Instructions
 * That Cause VM Exits Unconditionally"; AMD: minikvm/KVM set the CPUID
 * intercept), so what the guest reads is whatever KVM_SET_CPUID2 gave.
 */
#include "guest.h"

	.code16
	.text
	.globl	_start
_start:
	xor	%bl, %bl		/* %bl: the CPUID_BAD_* bits found */

	xor	%eax, %eax
	cpuid				/* leaf 0: vendor in EBX, EDX, ECX */
	mov	%ebx, vendor
	mov	%edx, vendor + 4
	mov	%ecx, vendor + 8
	mov	$s_vendor, %si
	call	puts16
	mov	$vendor, %si
	call	puts16

	mov	$1, %eax
	cpuid
	mov	$s_hypervisor, %si
	call	puts16
	mov	%ecx, %eax
	shr	$CPUID_1_ECX_HYPERVISOR_BIT, %eax
	call	putbit
	jnz	1f
	or	$CPUID_BAD_HYPERVISOR, %bl
1:	mov	$s_vmx, %si
	call	puts16
	mov	%ecx, %eax
	shr	$CPUID_1_ECX_VMX_BIT, %eax
	call	putbit
	jz	2f
	or	$CPUID_BAD_VMX, %bl

	/* Leaf 0x80000001 exists only if leaf 0x80000000 says so. */
2:	mov	$0x80000000, %eax
	cpuid
	xor	%ecx, %ecx
	cmp	$0x80000001, %eax
	jb	3f
	mov	$0x80000001, %eax
	cpuid
3:	mov	$s_svm, %si
	call	puts16
	mov	%ecx, %eax
	shr	$CPUID_80000001_ECX_SVM_BIT, %eax
	call	putbit
	jz	4f
	or	$CPUID_BAD_SVM, %bl

4:	mov	$'\n', %al
	call	putc16
	mov	%bl, %al
	or	$CPUID_EXIT_CODE, %al
	out	%al, $DEBUG_EXIT_PORT
	hlt				/* not reached */

/* putbit: print bit 0 of %eax as '0' or '1'; ZF clear if it was 1. */
putbit:
	and	$1, %eax
	push	%ax
	add	$'0', %al
	call	putc16
	pop	%ax
	test	%al, %al
	ret

#include "serial16.S"

s_vendor:	.asciz	"vendor="
s_hypervisor:	.asciz	" hypervisor="
s_vmx:		.asciz	" vmx="
s_svm:		.asciz	" svm="
vendor:		.fill	13, 1, 0	/* 12 characters and the NUL */
