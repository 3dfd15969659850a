/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pic-edge - edge-triggered interrupts through the master 8259, in real
 * mode: the handlers sit in the interrupt vector table at 0:0 (Intel SDM
 * Vol. 3A, 20.1.4 "Interrupt and Exception Handling": 4-byte entries,
 * offset then segment), vectors PIC_M_BASE + n for IRQ n.
 *
 * Each step prints what the guest sees, so the scenario and the lab's
 * differential oracle compare it:
 *   - a pulse of IRQ 3 with IF=0 shows in IRR; after STI it is delivered
 *     once, with ISR bit 3 set inside the handler and clear after its EOI;
 *   - a line raised and held high is one edge: delivered once;
 *   - two pulses before STI are one request (IRR is a latch);
 *   - a pulse while IRQ 3 is masked is latched in IRR and delivered when
 *     it is unmasked;
 *   - COM1's IRQ 4: received data (--in-data) and THR empty, as 8250
 *     IIR reports them (0x04, then 0x02);
 *   - with minivmm --tick, IRQ 0 wakes HLT three times.
 * The first --in-data byte says whether there is a tick ('t') or not;
 * COM1 receives the others.
 * Leaves with EXIT_PASS (status 65).
 */
#include "guest.h"
#include "irqmacros.S"

#define V(irq)	(PIC_M_BASE + (irq))

	.code16
	.text
	.globl	_start
_start:
	cli
	in	$TEST_DATA_PORT, %al	/* before COM1 takes the rest */
	mov	%al, tick
	/* The IVT: every PIC vector to its handler, CS = ours. */
	xor	%ax, %ax
	mov	%ax, %es
	mov	$(V(0) * 4), %di
	mov	$handlers, %si
	mov	$8, %cx
1:	lodsw
	stosw				/* offset */
	mov	%cs, %ax
	stosw				/* segment */
	loop	1b

	PIC_INIT
	OUTB	PIC_M_DATA, 0xf7	/* only IRQ 3 */
	in	$PIC_M_DATA, %al
	mov	$s_imr, %si
	call	show8

	IRQ_PULSE 3
	mov	$OCW3_READ_IRR, %al
	out	%al, $PIC_M_CMD
	in	$PIC_M_CMD, %al
	and	$0xf8, %al		/* --tick may have latched IRQ 0 */
	mov	$s_irr, %si
	call	show8

	sti
	nop
	cli
	mov	$s_count, %si
	mov	count3, %al
	call	show8
	mov	$s_isr_in, %si
	mov	isr_in3, %al
	call	show8
	mov	$OCW3_READ_ISR, %al
	out	%al, $PIC_M_CMD
	in	$PIC_M_CMD, %al
	mov	$s_isr_after, %si
	call	show8

	/* Held high: one edge, one interrupt. */
	IRQ_RAISE 3
	sti
	mov	$1000, %cx
2:	loop	2b
	cli
	IRQ_LOWER 3
	mov	$s_held, %si
	mov	count3, %al
	call	show8

	/* Two pulses, one request. */
	IRQ_PULSE 3
	IRQ_PULSE 3
	sti
	nop
	cli
	mov	$s_twice, %si
	mov	count3, %al
	call	show8

	/* Masked: latched, delivered on unmask. */
	OUTB	PIC_M_DATA, 0xff
	IRQ_PULSE 3
	sti
	nop
	cli
	mov	$s_masked, %si
	mov	count3, %al
	call	show8
	OUTB	PIC_M_DATA, 0xf7
	sti
	nop
	cli
	mov	$s_unmasked, %si
	mov	count3, %al
	call	show8

	/* COM1: received data, then THR empty. */
	OUTB	PIC_M_DATA, 0xe7	/* IRQ 3 and 4 */
	mov	$(COM1_THR + 1), %dx	/* IER */
	mov	$0x01, %al		/* ERBFI */
	out	%al, %dx
	sti
	nop
	cli
	mov	$(COM1_THR + 1), %dx
	mov	$0x02, %al		/* ETBEI alone: THR is empty */
	out	%al, %dx
	sti
	nop
	cli
	mov	$(COM1_THR + 1), %dx
	xor	%al, %al
	out	%al, %dx
	mov	$s_com1, %si
	mov	count4, %al
	call	show8
	mov	$s_iir, %si
	mov	iir4, %al
	call	show8
	mov	$s_iir2, %si
	mov	iir4 + 1, %al
	call	show8
	mov	$s_rx, %si
	call	puts16
	mov	$rxbuf, %si
	call	puts16
	mov	$'\n', %al
	call	putc16

	/* The tick: only with minivmm --tick (TEST_DATA says so: 't'). */
	cmpb	$'t', tick
	jne	4f
	OUTB	PIC_M_DATA, 0xe6	/* IRQ 0 too */
	sti
3:	hlt
	cmpb	$3, count0
	jb	3b
	cli
	mov	$s_ticks, %si
	mov	count0, %al
	call	show8
4:	mov	$EXIT_PASS, %al
	out	%al, $DEBUG_EXIT_PORT
	hlt

/* show8: print the string at %si, %al in hex, a newline. */
show8:
	push	%ax
	call	puts16
	pop	%ax
	movzbl	%al, %eax
	shl	$24, %eax
	push	%cx
	mov	$2, %cx
5:	rol	$4, %eax
	push	%eax
	and	$0x0f, %al
	add	$'0', %al
	cmp	$'9', %al
	jbe	6f
	add	$('a' - '9' - 1), %al
6:	call	putc16
	pop	%eax
	loop	5b
	pop	%cx
	mov	$'\n', %al
	jmp	putc16

/* The handlers: DS is still ours (0x1000) whatever the guest runs. */
h_irq0:
	push	%ax
	incb	count0
	cmpb	$3, count0
	jb	1f
	in	$PIC_M_DATA, %al	/* three ticks: mask IRQ 0 */
	or	$0x01, %al
	out	%al, $PIC_M_DATA
1:	mov	$OCW2_EOI, %al
	out	%al, $PIC_M_CMD
	pop	%ax
	iret
h_irq3:
	push	%ax
	incb	count3
	mov	$OCW3_READ_ISR, %al
	out	%al, $PIC_M_CMD
	in	$PIC_M_CMD, %al
	mov	%al, isr_in3
	mov	$OCW2_EOI, %al
	out	%al, $PIC_M_CMD
	pop	%ax
	iret
h_irq4:
	push	%ax
	push	%dx
	push	%bx
	incb	count4
	mov	$(COM1_THR + 2), %dx	/* IIR */
	in	%dx, %al
	movzbw	niir4, %bx
	mov	%al, iir4(%bx)
	incb	niir4
1:	mov	$COM1_LSR, %dx
	in	%dx, %al
	test	$0x01, %al		/* DR */
	jz	2f
	mov	$COM1_THR, %dx		/* RBR */
	in	%dx, %al
	movzbw	nrx, %bx
	mov	%al, rxbuf(%bx)
	incb	nrx
	jmp	1b
2:	mov	$OCW2_EOI, %al
	out	%al, $PIC_M_CMD
	pop	%bx
	pop	%dx
	pop	%ax
	iret
h_other:
	push	%ax
	incb	count_other
	mov	$OCW2_EOI, %al
	out	%al, $PIC_M_CMD
	pop	%ax
	iret

#include "serial16.S"

handlers:
	.word	h_irq0, h_other, h_other, h_irq3, h_irq4, h_other, h_other, h_other
tick:		.byte	0
count0:		.byte	0
count3:		.byte	0
count4:		.byte	0
count_other:	.byte	0
isr_in3:	.byte	0
niir4:		.byte	0
iir4:		.byte	0, 0, 0, 0
nrx:		.byte	0
rxbuf:		.fill	16, 1, 0
s_imr:		.asciz	"imr after unmasking IRQ 3: "
s_irr:		.asciz	"irr of IRQ 3-7 after a pulse with IF=0: "
s_count:	.asciz	"IRQ 3 deliveries after sti: "
s_isr_in:	.asciz	"isr inside the handler: "
s_isr_after:	.asciz	"isr after the EOI: "
s_held:		.asciz	"deliveries after a line held high: "
s_twice:	.asciz	"deliveries after two pulses with IF=0: "
s_masked:	.asciz	"deliveries after a pulse while masked: "
s_unmasked:	.asciz	"deliveries after unmasking: "
s_com1:		.asciz	"COM1 IRQ 4 deliveries: "
s_iir:		.asciz	"IIR in the first: "
s_iir2:		.asciz	"IIR in the second: "
s_rx:		.asciz	"received: "
s_ticks:	.asciz	"ticks that woke HLT: "
