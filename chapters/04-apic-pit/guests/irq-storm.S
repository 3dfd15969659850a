/* SPDX-License-Identifier: GPL-2.0 */
/*
 * irq-storm - a million changes of one line while the guest keeps
 * interrupts off, in 64-bit long mode (idt64.S; pm.S, then lm64.S).
 * A minivmm thread toggles GSI 5 (CTL_IRQ_STORM: KVM_IRQ_LINE back to
 * back) while the guest spins with IF=0; the hypervisor must take each
 * change in constant time and memory, kicking the vCPU no more than
 * needed.  An edge input latches one request in IRR however many edges
 * came, so after STI the guest receives exactly one interrupt.
 * EXIT_PASS (status 65) when every CHECKL64 holds.
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
	mov	$PT_AREA, %edi
	jmp	enter_lm64

	.code64
main64:
	xor	%r15, %r15
	call	idt_init64
	HOOK32	V5, h_irq5		/* the hooks are 32-bit words in every mode */
	PIC_INIT
	OUTB	PIC_M_DATA, 0xdf	/* IRQ 5 */
	mov	$CTL_IRQ_STORM, %al
	mov	$5, %ebx
	mov	$TOGGLES, %ecx
	call	ctl64
	CHECKL64 %eax, 0, "storm started:"
	mov	$2000000, %ecx		/* run in the guest meanwhile */
1:	loop	1b
	mov	$CTL_IRQ_STORM_WAIT, %al
	call	ctl64
	CHECKL64 %eax, 0, "failed line changes:"
	mov	$OCW3_READ_IRR, %al
	call	pic_reg64
	movzbl	%al, %eax
	CHECKL64 %eax, 0x20, "irr after the storm:"
	CHECKL64 COUNT(V5), 0, "deliveries with IF=0:"
	sti
	nop
	nop
	cli
	CHECKL64 COUNT(V5), 1, "deliveries after sti:"
	jmp	exit64

h_irq5:
	OUTB	PIC_M_CMD, OCW2_EOI
	ret

#include "pm.S"
#include "lm64.S"
#include "serial32.S"
#include "serial64.S"
#include "idt64.S"
#include "gdt.S"
