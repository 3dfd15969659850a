/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nmi - NMIs from KVM_NMI (minivmm CTL_NMI), in 32-bit protected mode.
 * An NMI ignores RFLAGS.IF: the guest asks with IF=0.  While its handler
 * runs, NMIs are blocked until the next IRET (Intel SDM Vol. 3A, 6.7.1
 * "Handling Multiple NMIs"; AMD APM Vol. 2, 8.2.11): the first handler
 * asks for a second NMI, which must not nest (the count is still 1 when
 * the handler looks), and arrives right after the IRET.
 * EXIT_PASS (status 65) when every CHECK32 holds.
 */
#include "guest.h"
#include "macros.S"
#include "irqmacros.S"

	.code16
	.text
	.globl	_start
_start:
	jmp	enter_pm32

	.code32
main32:
	xor	%ebp, %ebp
	call	idt_init32
	HOOK32	2, h_nmi
	mov	$CTL_NMI, %al
	call	ctl32
	CHECK32	%eax, 0, "KVM_NMI result:"
	CHECK32	COUNT(2), 2, "nmis taken:"
	CHECK32	nested, 1, "count inside the first handler after a second KVM_NMI:"
	mov	$CTL_NMI, %al		/* one more, on its own */
	call	ctl32
	CHECK32	COUNT(2), 3, "nmis taken after a third KVM_NMI:"
	jmp	exit32

/* The first entry asks for another NMI and looks whether it nested. */
h_nmi:
	cmpl	$1, COUNT(2)
	jne	1f
	mov	$CTL_NMI, %al
	call	ctl32
	mov	$100, %ecx		/* time for a wrongly unblocked NMI */
2:	loop	2b
	mov	COUNT(2), %eax
	mov	%eax, nested
1:	ret

	.p2align 2
nested:	.long	0

#include "pm.S"
#include "serial32.S"
#include "idt32.S"
#include "gdt.S"
