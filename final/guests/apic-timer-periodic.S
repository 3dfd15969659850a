/* SPDX-License-Identifier: GPL-2.0 */
/*
 * apic-timer-periodic - the local APIC timer in periodic mode (Intel SDM
 * Vol. 3A, 11.5.4: "the current-count register is automatically reloaded
 * from the initial-count register when the count reaches 0"), 32-bit
 * protected mode, one vCPU.  A one-shot of 20 periods' count (N_REF)
 * measures 20 periods in TSC cycles (dref); then the periodic timer with
 * a count of N_COUNT runs for dref cycles, and the guest counts the
 * interrupts: 20, within 16..24.  (One long reference rather than one
 * period: in the lab's emulator an interrupt comes several milliseconds
 * late, which must stay small against the interval.)  While it runs the
 * current count is never 0 (it reloads); writing 0 to the initial count
 * stops it: no interrupt in three periods after.  The tick count and
 * dref go to minivmm's output (CTL_NOTE).
 * EXIT_PASS (status 65) when every CHECK32 holds.
 */
#include "guest.h"
#include "macros.S"
#include "irqmacros.S"

#define V_TIMER		0x40
#define N_COUNT		10000000	/* 10 ms at KVM's 1 GHz APIC bus */
#define PERIODS		20
#define N_REF		(PERIODS * N_COUNT)

	.code16
	.text
	.globl	_start
_start:
	jmp	enter_pm32

	.code32
main32:
	xor	%ebp, %ebp
	call	idt_init32
	PIC_INIT
	HOOK32	V_TIMER, h_timer
	LAPIC_SW_ENABLE
	movl	$0xb, LAPIC_BASE + LAPIC_TDCR		/* divide by 1 */
	mov	$N_REF, %ebx
	call	oneshot32
	mov	%eax, d1		/* dref: 20 periods */
	CHECK32	COUNT(V_TIMER), 1, "one-shot deliveries:"

	movl	$(LVTT_PERIODIC | V_TIMER), LAPIC_BASE + LAPIC_LVTT
	CHECK32	LAPIC_BASE + LAPIC_LVTT, 0x00020040, "LVT timer, periodic:"
	mov	COUNT(V_TIMER), %esi
	movl	$N_COUNT, LAPIC_BASE + LAPIC_TMICT
	mov	d1, %eax
	sti
	call	spin32
	/*
	 * Still running: reloaded, not 0.  A read between an expiry and the
	 * host's timer callback that starts the next period reads 0, on KVM
	 * as here (apic_get_tmcct()), and in the lab that window can be
	 * milliseconds of a 10 ms period (make test, 2026-12-05: one such
	 * 0 on minikvm).  So four reads, a sixth of a period apart: a count
	 * that reloads shows in one of them, one stuck at 0 in none.
	 */
	xor	%edi, %edi
	mov	$4, %ecx
1:	mov	LAPIC_BASE + LAPIC_TMCCT, %eax	/* a MOV: chapter 04 has no emulator */
	or	%eax, %edi
	mov	d1, %eax
	shr	$7, %eax		/* 20/128 of a period */
	call	spin32
	loop	1b
	cli
	mov	COUNT(V_TIMER), %eax
	sub	%esi, %eax
	mov	%eax, ticks
	mov	$(PERIODS - 4), %ebx
	mov	$(PERIODS + 4), %ecx
	call	in_range32
	CHECK32	%eax, 1, "ticks in 20 periods within 16..24:"
	xor	%eax, %eax
	test	%edi, %edi
	setnz	%al
	CHECK32	%eax, 1, "current count after 20 periods is not 0:"

	movl	$0, LAPIC_BASE + LAPIC_TMICT
	sti				/* a tick that came after the CLI */
	nop
	cli
	mov	COUNT(V_TIMER), %esi
	mov	d1, %eax
	mov	$3, %ecx
	mul	%ecx
	mov	$PERIODS, %ecx
	div	%ecx			/* three periods */
	sti
	call	spin32
	cli
	mov	COUNT(V_TIMER), %eax
	sub	%esi, %eax
	CHECK32	%eax, 0, "ticks in 3 periods after stopping:"
	CHECK32	LAPIC_BASE + LAPIC_TMCCT, 0, "current count after stopping:"
	mov	d1, %ebx
	mov	ticks, %ecx
	xor	%edx, %edx
	xor	%esi, %esi
	call	note32
	/* The measured times vary from run to run; the differential
	 * oracle compares the final registers: leave none of them there. */
	xor	%ebx, %ebx
	xor	%ecx, %ecx
	xor	%edx, %edx
	xor	%esi, %esi
	xor	%edi, %edi
	jmp	exit32

	.p2align 2
d1:	.long	0
ticks:	.long	0

#include "pm.S"
#include "serial32.S"
#include "idt32.S"
#include "apictimer32.S"
#include "gdt.S"
