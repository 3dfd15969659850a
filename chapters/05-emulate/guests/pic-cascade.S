/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pic-cascade - IRQ 8-15 through the slave 8259, whose INT output is the
 * master's IR2 (8259A datasheet, "Cascade Mode"), in 32-bit protected
 * mode.  On the INTA for IR2 the master lets the slave name the vector.
 *   - IRQ 10 pulsed with IF=0: the slave's IRR has bit 2, the master's
 *     IRR bit 2 (the cascade); inside the handler both ISRs show it, and
 *     both need an EOI (slave first);
 *   - IRQ 1, 3 and 8-15 pulsed together, then STI: the master's fully
 *     nested priorities put everything on IR2 between IRQ 1 and IRQ 3,
 *     and the slave orders its own: 21 28 29 ... 2f 23.
 * EXIT_PASS (status 65) when every CHECK32 holds; the scenario also
 * compares the order lines.
 */
#include "guest.h"
#include "macros.S"
#include "irqmacros.S"

	.code16
	.text
	.globl	_start
_start:
	jmp	enter_pm32

	.code32
main32:
	xor	%ebp, %ebp
	call	idt_init32
	call	hook_all32
	PIC_INIT
	OUTB	PIC_M_DATA, 0xf1	/* IRQ 1, the cascade (2) and 3 */
	OUTB	PIC_S_DATA, 0x00	/* all of the slave */

	IRQ_PULSE 10
	mov	$OCW3_READ_IRR, %al
	call	pic_reg32
	movzwl	%ax, %eax
	CHECK32	%eax, 0x0404, "irr after pulsing IRQ 10 (slave, master):"
	sti
	nop
	cli
	call	print_order32
	movzbl	rec_misr, %eax
	CHECK32	%eax, 0x04, "master isr in the handler:"
	movzbl	rec_sisr, %eax
	CHECK32	%eax, 0x04, "slave isr in the handler:"
	mov	$OCW3_READ_ISR, %al
	call	pic_reg32
	movzwl	%ax, %eax
	CHECK32	%eax, 0, "isr after both EOIs:"

	IRQ_PULSE 15
	IRQ_PULSE 14
	IRQ_PULSE 13
	IRQ_PULSE 12
	IRQ_PULSE 11
	IRQ_PULSE 10
	IRQ_PULSE 9
	IRQ_PULSE 8
	IRQ_PULSE 3
	IRQ_PULSE 1
	mov	$OCW3_READ_IRR, %al
	call	pic_reg32
	movzwl	%ax, %eax
	CHECK32	%eax, 0xff0e, "irr with ten requests (slave, master):"
	sti
	nop
	cli
	call	print_order32
	CHECK32	COUNT(PIC_S_BASE + 7), 1, "IRQ 15 deliveries so far:"
	jmp	exit32

#include "pm.S"
#include "serial32.S"
#include "idt32.S"
#include "gdt.S"
