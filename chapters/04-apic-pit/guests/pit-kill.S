/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pit-kill - a guest the VMM is killed under while the in-kernel PIT
 * ticks: counter 0 at 1 kHz into IRQ 0, taken with an EOI.  After 10
 * ticks it prints "ticking" and then, by the first --in-data byte, either
 * halts with interrupts on ('t': the timer keeps waking it) or spins with
 * them off ('c': reinject mode piles up ticks it cannot deliver).  It
 * never ends by itself; the scenario kills minivmm.
 */
#include "guest.h"
#include "macros.S"
#include "irqmacros.S"
#include "pitmacros.S"

#define V0		PIC_M_BASE

	.code16
	.text
	.globl	_start
_start:
	jmp	enter_pm32

	.code32
main32:
	xor	%ebp, %ebp
	cli
	in	$TEST_DATA_PORT, %al
	mov	%al, %bl
	call	idt_init32
	PIC_INIT
	HOOK32	V0, h_eoi
	OUTB	PIC_M_DATA, 0xfe
	mov	$(0 | (2 << 8)), %edx	/* counter 0, mode 2 */
	mov	$(PIT_HZ / 1000), %ecx
	call	pit_load32
	sti
1:	hlt
	cmpl	$10, COUNT(V0)
	jb	1b
	PUTS32	"ticking\n"
	cmp	$'c', %bl
	jne	3f
	cli
2:	jmp	2b
3:	hlt
	jmp	3b

h_eoi:
	OUTB	PIC_M_CMD, OCW2_EOI
	ret

#include "pit32.S"
#include "pm.S"
#include "serial32.S"
#include "idt32.S"
#include "gdt.S"
