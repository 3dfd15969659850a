/* SPDX-License-Identifier: GPL-2.0 */
/*
 * spin - prints one line, then loops forever without a single exit, so
 * that minivmm stays inside KVM_RUN until a signal (or kill -9) ends it.
 * The line tells a scenario that the guest is running.
 */
#include "guest.h"

	.code16
	.text
	.globl	_start
_start:
	mov	$msg, %si
	call	puts16
	cli
1:	jmp	1b

#include "serial16.S"

msg:	.asciz	"spinning\n"
