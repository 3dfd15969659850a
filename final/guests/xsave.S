/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xsave - XCR0 and the XSAVE state, what every Linux guest sets up
 * (Intel SDM Vol. 1, 13.3; Vol. 2C, XSETBV/XGETBV), in long mode:
 *   - CPUID.1:ECX.OSXSAVE follows CR4.OSXSAVE (0 before, 1 after);
 *   - XCR0 is 1 (x87 only) at reset; XSETBV of 3 (x87 + SSE) exits to
 *     the hypervisor, which keeps it and loads it at every entry: XGETBV
 *     and KVM_GET_XCRS read 3;
 *   - XSETBV faults with #GP(0) (the handler steps over it) without x87
 *     (2), with AVX but no SSE (5), for XCR1, and for a component the
 *     guest's CPUID does not offer (bit 32): XCR0 stays 3;
 *   - KVM_SET_XCRS from minivmm: a bad value and a flag are EINVAL, an
 *     XCR other than 0 is ignored, XCR0 = 1 is taken (XGETBV reads it);
 *   - the XSAVE area across KVM_GET_XSAVE, KVM_SET_FPU of zeros and
 *     KVM_SET_XSAVE (a migration): XMM0 survives; without the
 *     KVM_SET_XSAVE it is gone, so the check can tell.
 * CHECKL64 lines; EXIT_PASS when all are as expected.
 */
#include "guest.h"
#include "macros.S"
#include "irqmacros.S"

#define GP		13
#define CR4_OSFXSR	(1 << 9)
#define CR4_OSXSAVE	(1 << 18)

	.code16
	.text
	.globl	_start
_start:
	jmp	enter_pm32

	.code32
main32:
	mov	$PT_AREA, %edi
	jmp	enter_lm64

/* OSXSAVE "name": print CPUID.1:ECX bit 27 and check it is \value. */
.macro OSXSAVE value, name
	mov	$1, %eax
	cpuid
	shr	$27, %ecx
	and	$1, %ecx
	CHECKL64 %ecx, \value, "\name"
.endm

/* XSETBV_GP xcr, lo, hi, n, "name": XSETBV that must raise #GP (the n-th). */
.macro XSETBV_GP xcr, lo, hi, n, name
	mov	$\xcr, %ecx
	mov	$\lo, %eax
	mov	$\hi, %edx
	xsetbv
	CHECKL64 COUNT(GP), \n, "\name"
.endm

/* XCR0_IS value, "name": XGETBV reads \value. */
.macro XCR0_IS value, name
	xor	%ecx, %ecx
	xgetbv
	CHECKL64 %eax, \value, "\name"
.endm

	.code64
main64:
	xor	%r15, %r15
	call	idt_init64
	HOOK32	GP, h_gp

	PUTS64	"OSXSAVE\n"
	mov	$1, %eax
	cpuid
	shr	$26, %ecx
	and	$1, %ecx
	xor	%eax, %eax		/* CPUID's other words differ between */
	xor	%ebx, %ebx		/* KVM and minikvm where this guest */
	xor	%edx, %edx		/* does not look: keep them out of the */
	test	%ecx, %ecx		/* final registers the oracle compares */
	jnz	1f
	PUTS64	"no XSAVE in CPUID: nothing to test\n"	/* see the scenario */
	jmp	exit64
1:	CHECKL64 %ecx, 1, "CPUID XSAVE:"
	OSXSAVE	0, "CPUID OSXSAVE, CR4.OSXSAVE clear:"
	mov	%cr4, %rax
	or	$(CR4_OSFXSR | CR4_OSXSAVE), %rax
	mov	%rax, %cr4
	OSXSAVE	1, "CPUID OSXSAVE, CR4.OSXSAVE set:"

	PUTS64	"XSETBV\n"
	XCR0_IS	1, "XCR0 at reset:"
	xor	%ecx, %ecx
	mov	$3, %eax
	xor	%edx, %edx
	xsetbv
	XCR0_IS	3, "XCR0 after XSETBV 3:"
	CTL64	CTL_GET_XCR0
	CHECKL64 %eax, 3, "KVM_GET_XCRS:"
	XSETBV_GP 0, 2, 0, 1, "no x87: #GP"
	XSETBV_GP 0, 5, 0, 2, "AVX without SSE: #GP"
	XSETBV_GP 1, 3, 0, 3, "XCR1: #GP"
	XSETBV_GP 0, 3, 1, 4, "bit 32: #GP"
	XCR0_IS	3, "XCR0 after them:"

	PUTS64	"KVM_SET_XCRS\n"
	CTL64	CTL_SET_XCR, $2
	CHECKL64 %eax, -22, "XCR0 = 2:"
	CTL64	CTL_SET_XCR, $1, $0, $1
	CHECKL64 %eax, -22, "a flag:"
	CTL64	CTL_SET_XCR, $1, $1
	CHECKL64 %eax, 0, "XCR1 (ignored):"
	XCR0_IS	3, "XCR0:"
	CTL64	CTL_SET_XCR, $1
	CHECKL64 %eax, 0, "XCR0 = 1:"
	XCR0_IS	1, "XCR0:"
	xor	%ecx, %ecx
	mov	$3, %eax
	xor	%edx, %edx
	xsetbv

	PUTS64	"KVM_GET_XSAVE / KVM_SET_XSAVE\n"
	movabs	$0x1122334455667788, %rax
	movq	%rax, %xmm0
	CTL64	CTL_XSAVE_CYCLE, $0
	CHECKL64 %eax, 0, "save, clobber, restore:"
	movq	%xmm0, %rax
	CHECKL64 %eax, 0x55667788, "XMM0:"
	CTL64	CTL_XSAVE_CYCLE, $1
	CHECKL64 %eax, 0, "save, clobber:"
	movq	%xmm0, %rax
	CHECKL64 %eax, 0, "XMM0:"
	jmp	exit64

/* #GP from XSETBV (0F 01 D1): step over it.  RIP lies above the return
 * address, the 15 saved registers, the vector and the error code. */
h_gp:
	addq	$3, 144(%rsp)
	ret

#include "pm.S"
#include "lm64.S"
#include "serial32.S"
#include "serial64.S"
#include "idt64.S"
#include "gdt.S"
