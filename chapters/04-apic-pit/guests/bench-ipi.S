/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bench-ipi - the interprocessor-interrupt round-trip benchmark, two
 * vCPUs (minivmm --smp 2), 32-bit protected mode, xAPIC (Intel SDM Vol.
 * 3A, 11.6 "Issuing Interprocessor Interrupts").  The BSP starts the AP
 * (smp32.S), which enables its APIC, points its ICR's destination at
 * APIC ID 0 and waits in STI; HLT.  Then, BENCH_LOOPS times:
 *   1. the BSP writes the ICR's low half: a fixed IPI, vector V_PING, to
 *      APIC ID 1 (an MMIO exit; the in-kernel LAPIC sets the AP's IRR
 *      and wakes its vCPU), and sleeps in STI; HLT;
 *   2. the AP wakes, takes V_PING; its handler EOIs and sends V_PONG back
 *      the same way (two MMIO exits);
 *   3. the BSP wakes, takes V_PONG, EOIs, IRET; CLI.
 * Time marks (OUTs to MARK_PORT, timestamped by minivmm) before and
 * after; tests/vm/bench/ipi.sh turns them into nanoseconds per round trip.
 *
 * Each side writes the ICR's high half (the destination) once and then
 * sends with one MOV to the low half: a virtual APIC delivers an IPI at
 * the write, so the delivery status (bit 12) reads idle at once and the
 * benchmark does not poll it (icr_send32 does, for the other guests).
 * The APIC page is touched with MOV only (see LAPIC_SW_ENABLE, macros.S).
 * EXIT_PASS (status 65) when every ping and every pong arrived once.
 */
#include "guest.h"
#include "macros.S"
#include "irqmacros.S"

#define SMP_IDT			/* the AP loads idt_desc32 too */
#define V_PING		0x50	/* BSP -> AP */
#define V_PONG		0x51	/* AP -> BSP */

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
	HOOK32	V_PING, h_ping
	HOOK32	V_PONG, h_eoi
	LAPIC_SW_ENABLE
	call	start_aps32
1:	cmpl	$1, ap_ready
	jae	2f
	pause
	jmp	1b
2:	movl	$0x01000000, LAPIC_BASE + LAPIC_ICR_HI	/* APIC ID 1 */

	mov	$0, %al
	out	%al, $MARK_PORT				/* mark 0 */
	mov	$BENCH_LOOPS, %esi
3:	mov	COUNT(V_PONG), %ecx
	movl	$(ICR_ASSERT | V_PING), LAPIC_BASE + LAPIC_ICR_LO
4:	sti
	hlt
	cli
	cmp	COUNT(V_PONG), %ecx
	je	4b
	dec	%esi
	jnz	3b
	mov	$1, %al
	out	%al, $MARK_PORT				/* mark 1 */

	CHECK32	COUNT(V_PING), BENCH_LOOPS, "pings:"
	CHECK32	COUNT(V_PONG), BENCH_LOOPS, "pongs:"
	jmp	exit32

/* h_ping: the AP's handler: EOI, then the pong to APIC ID 0. */
h_ping:
	movl	$0, LAPIC_BASE + LAPIC_EOI
	movl	$(ICR_ASSERT | V_PONG), LAPIC_BASE + LAPIC_ICR_LO
	ret

/* h_eoi: the BSP's handler of V_PONG: EOI (idt32.S counted it). */
h_eoi:
	movl	$0, LAPIC_BASE + LAPIC_EOI
	ret

/* The AP: its ICR aims at APIC ID 0; then it waits for pings for ever. */
ap_main32:
	LAPIC_SW_ENABLE
	movl	$0, LAPIC_BASE + LAPIC_ICR_HI		/* APIC ID 0 */
	lock incl ap_ready
1:	sti
	hlt
	jmp	1b

	.p2align 2
ap_ready:	.long	0

#include "pm.S"
#include "serial32.S"
#include "idt32.S"
#include "smp32.S"
#include "gdt.S"
