/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bench-apic-timer - the local APIC timer's latency benchmark, 32-bit
 * protected mode, one vCPU.  BENCH_LOOPS times, oneshot32 (apictimer32.S)
 * arms the one-shot timer (Intel SDM Vol. 3A, 11.5.4) with an initial
 * count of BENCH_TIMER_COUNT at divide by 1, sleeps in STI; HLT and
 * returns the TSC cycles from the write of the initial count to the
 * timer's handler; their 64-bit sum goes in sum_tsc.  So one interval is
 *   the MMIO write of TMICT (an exit, served by the in-kernel LAPIC,
 *   which starts a host timer), HLT (an exit; the vCPU sleeps), the
 *   programmed 1000 bus cycles (1 us at KVM's 1 GHz APIC bus), the host
 *   timer's expiry, the wake-up, the injection, the IDT stub;
 * and not the handler's EOI and the loop, which follow.
 *
 * The guest does not know the TSC's frequency: it reads the TSC just
 * after mark 0 and just before mark 1 (OUTs to MARK_PORT, timestamped by
 * minivmm) and notes the sum and that total, each as two 32-bit halves,
 * through CTL_NOTE.  tests/vm/bench/apic-timer.sh turns them into
 * nanoseconds: mark 1 * sum / total / BENCH_LOOPS.
 * The APIC page is touched with MOV only (see LAPIC_SW_ENABLE, macros.S).
 * EXIT_PASS (status 65) when every one-shot arrived once.
 */
#include "guest.h"
#include "macros.S"
#include "irqmacros.S"

#define V_TIMER			0x40
#define BENCH_TIMER_COUNT	1000	/* 1 us at KVM's 1 GHz APIC bus */

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

	mov	$0, %al
	out	%al, $MARK_PORT				/* mark 0 */
	rdtsc
	mov	%eax, tsc_start
	mov	%edx, tsc_start + 4
	mov	$BENCH_LOOPS, %esi
1:	mov	$BENCH_TIMER_COUNT, %ebx
	call	oneshot32
	add	%eax, sum_tsc
	adcl	$0, sum_tsc + 4
	dec	%esi
	jnz	1b
	rdtsc
	sub	tsc_start, %eax
	sbb	tsc_start + 4, %edx
	mov	%eax, tsc_total
	mov	%edx, tsc_total + 4
	mov	$1, %al
	out	%al, $MARK_PORT				/* mark 1 */

	CHECK32	COUNT(V_TIMER), BENCH_LOOPS, "one-shot deliveries:"
	mov	sum_tsc, %ebx
	mov	sum_tsc + 4, %ecx
	mov	tsc_total, %edx
	mov	tsc_total + 4, %esi
	call	note32
	jmp	exit32

	.p2align 3
tsc_start:	.quad	0
tsc_total:	.quad	0
sum_tsc:	.quad	0

#include "pm.S"
#include "serial32.S"
#include "idt32.S"
#include "apictimer32.S"
#include "gdt.S"
