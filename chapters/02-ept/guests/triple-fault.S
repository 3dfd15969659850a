/* SPDX-License-Identifier: GPL-2.0 */
/*
 * triple-fault - an exception with nowhere to go.  Loads an IDT (in real
 * mode: the interrupt vector table) with limit 0, so that no vector is
 * inside it, then executes UD2.  Delivering #UD fails the limit check, and
 * so does every fault raised while trying (#GP, then the double fault):
 * the CPU shuts down (Intel SDM Vol. 3A, 6.15 "Interrupt 8 - Double Fault
 * Exception"; AMD APM Vol. 2, 8.2.9 "#DF").  The shutdown exits to the
 * hypervisor (VMX: exit reason 2 "triple fault"; SVM: the SHUTDOWN
 * intercept), and KVM reports KVM_EXIT_SHUTDOWN: minivmm ends with
 * status 6.
 */
#include "guest.h"

	.code16
	.text
	.globl	_start
_start:
	mov	$msg, %si
	call	puts16
	lidt	empty_idt
	ud2
	mov	$0x7f, %al		/* not reached: tell the scenario if it is */
	out	%al, $DEBUG_EXIT_PORT
	hlt

#include "serial16.S"

	.balign	8
empty_idt:
	.word	0			/* limit 0: not even vector 0 fits */
	.long	0			/* base */
msg:	.asciz	"loading an empty IDT, then UD2\n"
