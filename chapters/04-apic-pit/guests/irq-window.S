/* SPDX-License-Identifier: GPL-2.0 */
/*
 * irq-window - the userspace irqchip's injection protocol (minivmm
 * --irqchip user), in real mode.  minivmm's own 8259 pair serves the PIC
 * ports; when its output is high, minivmm injects with KVM_INTERRUPT if
 * kvm_run.ready_for_interrupt_injection and if_flag say the vCPU can take
 * it now, and otherwise sets request_interrupt_window, so that KVM leaves
 * KVM_RUN with KVM_EXIT_IRQ_WINDOW_OPEN once it can.
 *
 *  1. IF=0, IRQ 3 pulsed: no injection; the guest runs on (CX=1), then
 *     STI.  STI blocks interrupts until the end of the next instruction
 *     (Intel SDM Vol. 2B, STI; AMD APM Vol. 3, STI: "interrupt shadow"),
 *     so "mov $2, %cx" runs first, and the handler sees CX=2.
 *  2. IF=1, IRQ 3 pulsed: injected on the very next entry, right after
 *     the OUT: the handler sees CX=3, set before the OUT.
 * Prints CX and the count each time; EXIT_PASS (status 65).
 */
#include "guest.h"
#include "irqmacros.S"

	.code16
	.text
	.globl	_start
_start:
	cli
	xor	%ax, %ax
	mov	%ax, %es
	movw	$h_irq3, %es:((PIC_M_BASE + 3) * 4)
	mov	%cs, %ax
	mov	%ax, %es:((PIC_M_BASE + 3) * 4 + 2)

	PIC_INIT
	OUTB	PIC_M_DATA, 0xf7	/* only IRQ 3 */

	/* 1: pending with IF=0, delivered after the STI shadow. */
	xor	%cx, %cx
	IRQ_PULSE 3
	mov	$1, %cx
	sti
	mov	$2, %cx			/* in the shadow: runs first */
	mov	$9, %cx
	cli
	mov	$s_sti, %si
	call	show

	/* 2: IF=1: injected right after the OUT's exit. */
	mov	$3, %cx
	sti
	IRQ_PULSE 3
	mov	$9, %cx
	cli
	mov	$s_if1, %si
	call	show

	mov	$EXIT_PASS, %al
	out	%al, $DEBUG_EXIT_PORT
	hlt

/* show: the string at %si, then "cx=<CX at the interrupt> count=<n>". */
show:
	call	puts16
	mov	cx_seen, %eax
	call	puthex32
	mov	$s_count, %si
	call	puts16
	mov	count, %eax
	call	puthex32
	mov	$'\n', %al
	jmp	putc16

h_irq3:
	push	%ax
	mov	%cx, cx_seen
	incw	count
	mov	$OCW2_EOI, %al
	out	%al, $PIC_M_CMD
	pop	%ax
	iret

#include "serial16.S"

	.p2align 2
cx_seen:	.long	0
count:		.long	0
s_sti:		.asciz	"pulse with IF=0, then sti: cx="
s_if1:		.asciz	"pulse with IF=1: cx="
s_count:	.asciz	" count="
