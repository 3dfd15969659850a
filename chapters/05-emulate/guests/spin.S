/* SPDX-License-Identifier: GPL-2.0 */
/*
 * spin - prints one line, then loops forever without a single exit, so
 * that minivmm stays inside KVM_RUN until a signal (or kill -9) ends it.
 * The line tells a scenario that the guest is running.
 *
 * It spins with interrupts enabled (STI).  No interrupt ever reaches it:
 * nothing injects one, and the host's own interrupts cause VM exits
 * whatever the guest's RFLAGS.IF says.  But Bochs 2.7 re-evaluates its
 * interrupt masking only when IF changes, so a guest entered with IF=0
 * from a host with IF=0 would never see the host's timer exit there, and
 * with one emulated CPU the whole lab would hang.  Entering with IF
 * changing 0 -> 1 sidesteps that emulator quirk; on hardware and in QEMU
 * both forms behave the same.
 */
#include "guest.h"

	.code16
	.text
	.globl	_start
_start:
	mov	$msg, %si
	call	puts16
	sti
1:	jmp	1b

#include "serial16.S"

msg:	.asciz	"spinning\n"
