/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pic-level - level-triggered inputs of the 8259 pair, set by the ELCR
 * (ports 0x4d0/0x4d1; Intel 82371AB PIIX4 datasheet, 3.1 "ELCR1/ELCR2"),
 * in 32-bit protected mode (idt32.S).  A level request stays in IRR as
 * long as the line is high, so after each EOI a line still high is
 * delivered again; it disappears from IRR when the line drops, even
 * before it was taken.  An edge input, by contrast, latches.
 *   - IRQ 5 level, held high: the handler EOIs and is entered again
 *     until, on its third run, it lowers the line first: 3 deliveries;
 *   - raised and lowered with IF=0, level: nothing after STI;
 *   - the same with IRQ 5 back to edge: one delivery;
 *   - the ELCR bits that cannot be level on a PC (IRQ 0, 1, 2, 8, 13)
 *     read back as 0 after writing 0xff (KVM: elcr_mask 0xf8 / 0xde).
 * CHECK32 lines; EXIT_PASS (status 65) when all are as expected.
 */
#include "guest.h"
#include "macros.S"
#include "irqmacros.S"

#define V5	(PIC_M_BASE + 5)

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
	HOOK32	V5, h_irq5
	OUTB	PIC_ELCR_M, 0x20	/* IRQ 5 level */
	INB	PIC_ELCR_M
	movzbl	%al, %eax
	CHECK32	%eax, 0x20, "elcr master:"
	OUTB	PIC_M_DATA, 0xdf	/* only IRQ 5 */

	IRQ_RAISE 5
	mov	$OCW3_READ_IRR, %al
	call	pic_reg32
	movzbl	%al, %eax
	CHECK32	%eax, 0x20, "irr with the line high:"
	sti
	nop
	nop
	cli
	CHECK32	COUNT(V5), 3, "deliveries while the line stayed high:"
	mov	$OCW3_READ_IRR, %al
	call	pic_reg32
	movzbl	%al, %eax
	CHECK32	%eax, 0, "irr after the line dropped:"

	IRQ_RAISE 5
	IRQ_LOWER 5
	mov	$OCW3_READ_IRR, %al
	call	pic_reg32
	movzbl	%al, %eax
	CHECK32	%eax, 0, "level: irr after raise and lower with IF=0:"
	sti
	nop
	cli
	CHECK32	COUNT(V5), 3, "level: deliveries after sti:"

	OUTB	PIC_ELCR_M, 0x00	/* IRQ 5 edge */
	IRQ_RAISE 5
	IRQ_LOWER 5
	mov	$OCW3_READ_IRR, %al
	call	pic_reg32
	movzbl	%al, %eax
	CHECK32	%eax, 0x20, "edge: irr after raise and lower with IF=0:"
	sti
	nop
	cli
	CHECK32	COUNT(V5), 4, "edge: deliveries after sti:"

	OUTB	PIC_ELCR_M, 0xff
	OUTB	PIC_ELCR_S, 0xff
	INB	PIC_ELCR_M
	movzbl	%al, %eax
	CHECK32	%eax, 0xf8, "elcr master after writing ff:"
	INB	PIC_ELCR_S
	movzbl	%al, %eax
	CHECK32	%eax, 0xde, "elcr slave after writing ff:"
	jmp	exit32

/* IRQ 5: on the third entry lower the line, then EOI. */
h_irq5:
	cmpl	$3, COUNT(V5)
	jb	1f
	IRQ_LOWER 5
1:	OUTB	PIC_M_CMD, OCW2_EOI
	ret

#include "pm.S"
#include "serial32.S"
#include "idt32.S"
#include "gdt.S"
