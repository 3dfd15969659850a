/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bench-irq - the interrupt round-trip benchmark: BENCH_LOOPS times,
 *   1. OUT to IRQ_PULSE_PORT: an exit to minivmm, which pulses GSI 5
 *      with KVM_IRQ_LINE (the in-kernel PIC latches IRQ 5 and asks for
 *      vCPU 0's attention), and KVM_RUN again;
 *   2. STI; HLT: the HLT exits and the vCPU halts in the kernel, but an
 *      interrupt is already waiting, so it wakes at once;
 *   3. the interrupt is injected (the PIC's INTA: IRR -> ISR), the guest's
 *      handler runs and sends the PIC a non-specific EOI, an OUT that the
 *      kernel's PIC serves without leaving the kernel; IRET; CLI.
 * Time marks (OUTs to MARK_PORT, timestamped by minivmm) before and after;
 * tests/vm/bench/irq.sh turns them into nanoseconds per round trip.
 * Real mode: the handler's vector is in the IVT at 0:0.
 */
#include "guest.h"
#include "irqmacros.S"

#define BENCH_IRQ	5

	.code16
	.text
	.globl	_start
_start:
	cli
	xor	%ax, %ax
	mov	%ax, %es
	movw	$handler, %es:((PIC_M_BASE + BENCH_IRQ) * 4)
	mov	%cs, %es:((PIC_M_BASE + BENCH_IRQ) * 4 + 2)
	PIC_INIT
	OUTB	PIC_M_DATA, (0xff & ~(1 << BENCH_IRQ))

	mov	$0, %al
	out	%al, $MARK_PORT			/* mark 0 */
	mov	$BENCH_LOOPS, %cx
1:	IRQ_PULSE BENCH_IRQ
	sti
	hlt
	cli
	loop	1b
	mov	$1, %al
	out	%al, $MARK_PORT			/* mark 1 */

	/* Every round trip must have run the handler once. */
	cmpw	$BENCH_LOOPS, %cs:count
	jne	2f
	mov	$HELLO_EXIT_CODE, %al
	out	%al, $DEBUG_EXIT_PORT
2:	mov	$1, %al				/* status 3: a lost interrupt */
	out	%al, $DEBUG_EXIT_PORT
	hlt

handler:
	push	%ax
	incw	%cs:count
	OUTB	PIC_M_CMD, OCW2_EOI
	pop	%ax
	iret

count:	.word	0
