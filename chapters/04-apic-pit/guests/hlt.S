/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hlt - HLT with interrupts disabled.  With no in-kernel interrupt
 * controller (minivmm creates none), nothing could ever wake the vCPU, so
 * KVM hands the halt to userspace as KVM_EXIT_HLT and minivmm ends with
 * status 0, "guest halted".  (Intel SDM Vol. 3C, "Instructions That Cause
 * VM Exits Conditionally": HLT exiting; AMD APM Vol. 2, "Instruction
 * Intercepts": HLT.)
 */
#include "guest.h"

	.code16
	.text
	.globl	_start
_start:
	mov	$msg, %si
	call	puts16
	cli
1:	hlt
	jmp	1b			/* not reached: KVM_EXIT_HLT ends minivmm */

#include "serial16.S"

msg:	.asciz	"halting with interrupts disabled\n"
