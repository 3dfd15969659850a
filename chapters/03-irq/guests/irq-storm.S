/* SPDX-License-Identifier: GPL-2.0 */
/*
 * irq-storm - a million changes of one line while the guest keeps
 * interrupts off, in 32-bit protected mode.  A minivmm thread toggles
 * GSI 5 (CTL_IRQ_STORM: KVM_IRQ_LINE back to back) while the guest spins
 * with IF=0; the hypervisor must take each change in constant time and
 * memory, kicking the vCPU no more than needed.  An edge input latches
 * one request in IRR however many edges came, so after STI the guest
 * receives exactly one interrupt.
 * EXIT_PASS (status 65) when every CHECK32 holds.
 */
#include "guest.h"
#include "macros.S"
#include "irqmacros.S"

#define V5	(PIC_M_BASE + 5)
#define TOGGLES	1000000

	.code16
	.text
	.globl	_start
_start:
	jmp	enter_pm32

	.code32
main32:
	xor	%ebp, %ebp
	call	idt_init32
	HOOK32	V5, h_irq5
	PIC_INIT
	OUTB	PIC_M_DATA, 0xdf	/* IRQ 5 */
	mov	$CTL_IRQ_STORM, %al
	mov	$5, %ebx
	mov	$TOGGLES, %ecx
	call	ctl32
	CHECK32	%eax, 0, "storm started:"
	mov	$2000000, %ecx		/* run in the guest meanwhile */
1:	loop	1b
	mov	$CTL_IRQ_STORM_WAIT, %al
	call	ctl32
	CHECK32	%eax, 0, "failed line changes:"
	mov	$OCW3_READ_IRR, %al
	call	pic_reg32
	movzbl	%al, %eax
	CHECK32	%eax, 0x20, "irr after the storm:"
	CHECK32	COUNT(V5), 0, "deliveries with IF=0:"
	sti
	nop
	nop
	cli
	CHECK32	COUNT(V5), 1, "deliveries after sti:"
	jmp	exit32

h_irq5:
	OUTB	PIC_M_CMD, OCW2_EOI
	ret

#include "pm.S"
#include "serial32.S"
#include "idt32.S"
#include "gdt.S"
