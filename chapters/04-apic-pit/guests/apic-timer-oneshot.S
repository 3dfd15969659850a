/* SPDX-License-Identifier: GPL-2.0 */
/*
 * apic-timer-oneshot - the local APIC timer in one-shot mode (Intel SDM
 * Vol. 3A, 11.5.4), 32-bit protected mode, one vCPU.  With divide by 1,
 * an initial count of N_COUNT arrives once (d1 TSC cycles after the
 * write) and not again; the current count then reads 0.  Armed with the
 * LVT entry masked, the count still runs down to 0 (masking stops the
 * interrupt, not the counter), with nothing delivered; while it runs
 * the current count is below the initial count and falls.  Writing 0 to
 * the initial count stops the timer (SDM 11.5.4: "a write of 0 to the
 * initial-count register effectively stops the local APIC timer").
 * Divide by 2 makes the same count take twice as long: d2 / d1 within
 * 2 +- 20 %.  d1 and d2 go to minivmm's output (CTL_NOTE), not COM1.
 * The times are long (100 ms) because in the lab's emulator an interrupt
 * comes several milliseconds late, and that latency must stay small
 * against the period.  The masked timer is stopped (initial count 0)
 * before its LVT entry is unmasked: the real KVM computes the current
 * count from the clock, so it reads 0 a little before the host timer
 * behind it has fired, and a late expiry would then find the entry
 * unmasked and be delivered.
 * EXIT_PASS (status 65) when every CHECK32 holds.
 */
#include "guest.h"
#include "macros.S"
#include "irqmacros.S"

#define V_TIMER		0x40
#define N_COUNT		100000000	/* 100 ms at KVM's 1 GHz APIC bus */

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
	mov	$N_COUNT, %ebx
	call	oneshot32
	mov	%eax, d1
	CHECK32	COUNT(V_TIMER), 1, "one-shot deliveries:"
	CHECK32	LAPIC_BASE + LAPIC_TMCCT, 0, "current count after it:"
	mov	d1, %eax
	shl	$1, %eax
	sti
	call	spin32
	cli
	CHECK32	COUNT(V_TIMER), 1, "deliveries two periods later:"

	movl	$(LVT_MASKED | V_TIMER), LAPIC_BASE + LAPIC_LVTT
	movl	$N_COUNT, LAPIC_BASE + LAPIC_TMICT
	mov	LAPIC_BASE + LAPIC_TMCCT, %esi
	mov	d1, %eax
	shr	$2, %eax
	call	spin32
	mov	LAPIC_BASE + LAPIC_TMCCT, %edi
	xor	%eax, %eax
	cmp	$N_COUNT, %esi		/* N >= c1 > c2 > 0 */
	ja	1f
	cmp	%edi, %esi
	jbe	1f
	test	%edi, %edi
	jz	1f
	inc	%eax
1:	CHECK32	%eax, 1, "masked: the current count falls:"
	mov	d1, %eax
	shl	$1, %eax
	sti
	call	spin32
	cli
	CHECK32	LAPIC_BASE + LAPIC_TMCCT, 0, "masked: current count at the end:"
	movl	$0, LAPIC_BASE + LAPIC_TMICT	/* see above */
	sti
	nop
	cli
	CHECK32	COUNT(V_TIMER), 1, "masked: deliveries:"

	movl	$V_TIMER, LAPIC_BASE + LAPIC_LVTT
	movl	$N_COUNT, LAPIC_BASE + LAPIC_TMICT
	movl	$0, LAPIC_BASE + LAPIC_TMICT
	CHECK32	LAPIC_BASE + LAPIC_TMCCT, 0, "stopped: current count:"
	mov	d1, %eax
	shl	$1, %eax
	sti
	call	spin32
	cli
	CHECK32	COUNT(V_TIMER), 1, "stopped: deliveries:"

	movl	$0x0, LAPIC_BASE + LAPIC_TDCR		/* divide by 2 */
	CHECK32	LAPIC_BASE + LAPIC_TDCR, 0, "divide configuration:"
	mov	$N_COUNT, %ebx
	call	oneshot32
	mov	%eax, d2
	CHECK32	COUNT(V_TIMER), 2, "divide by 2: deliveries:"
	mov	d1, %eax		/* in units of 16 cycles: no overflow */
	shr	$4, %eax
	mov	$16, %ecx
	mul	%ecx
	mov	%eax, %ebx		/* 1.6 d1, times 10 */
	mov	d1, %eax
	shr	$4, %eax
	mov	$24, %ecx
	mul	%ecx
	mov	%eax, %ecx		/* 2.4 d1, times 10 */
	mov	d2, %eax
	shr	$4, %eax
	mov	$10, %edx
	imul	%edx, %eax
	call	in_range32
	CHECK32	%eax, 1, "divide by 2 takes 2 x as long (+-20 %):"
	mov	d1, %ebx
	mov	d2, %ecx
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
d2:	.long	0

#include "pm.S"
#include "serial32.S"
#include "idt32.S"
#include "apictimer32.S"
#include "gdt.S"
