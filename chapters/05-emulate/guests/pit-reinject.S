/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pit-reinject - what happens to PIT ticks a guest cannot take: counter 0
 * at 100 Hz while the guest runs 200 ms with interrupts off (RFLAGS.IF =
 * 0, busy-waiting on counter 2), then 200 ms with them on.  (Short
 * windows because every poll of counter 2 is an exit, and exits are what
 * Bochs is slowest at.)  KVM's default
 * (reinject) counts the ticks it could not deliver and sends them one per
 * EOI once the guest takes interrupts again: about 20 + 20.  After
 * KVM_REINJECT_CONTROL pit_reinject = 0 (the first --in-data byte 'p'
 * asks minivmm for it, CTL_PIT_REINJECT) each tick is a plain pulse, and
 * the 20 merge into the one request the PIC's IRR can hold: about 1 + 20.
 * Prints the counts 50 and 100 ms after STI and at the end ("ticks: N";
 * the scenario checks the range, timing being what it is under
 * emulation) and leaves with EXIT_PASS.
 */
#include "guest.h"
#include "macros.S"
#include "irqmacros.S"
#include "pitmacros.S"

#define V0		PIC_M_BASE
#define CTL_PIT_REINJECT 0x1d

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
	cmp	$'p', %al
	jne	1f
	xor	%ebx, %ebx		/* pit_reinject = 0 */
	mov	$CTL_PIT_REINJECT, %al
	call	ctl32
	CHECK32	%eax, 0, "KVM_REINJECT_CONTROL:"
1:	call	idt_init32
	PIC_INIT
	HOOK32	V0, h_eoi
	OUTB	PIC_M_DATA, 0xfe

	PROGRAM	0, 2, (PIT_HZ / 100)
	mov	$200, %ecx
	call	pit_wait_ms32		/* IF = 0 */
	CHECK32	COUNT(V0), 0, "ticks taken with IF=0:"
	sti
	mov	$50, %ecx
	call	pit_wait_ms32
	mov	COUNT(V0), %esi
	mov	$50, %ecx
	call	pit_wait_ms32
	mov	COUNT(V0), %edi
	mov	$100, %ecx
	call	pit_wait_ms32
	cli
	PROGRAM	0, 5, 0
	PUTS32	"ticks after 50 ms: "
	mov	%esi, %eax
	call	putd32
	PUTS32	"\nticks after 100 ms: "
	mov	%edi, %eax
	call	putd32
	PUTS32	"\nticks: "
	mov	COUNT(V0), %eax
	call	putd32
	PUTS32	"\n"
	call	clear_regs32
	jmp	exit32

h_eoi:
	OUTB	PIC_M_CMD, OCW2_EOI
	ret

#include "pit32.S"
#include "pm.S"
#include "serial32.S"
#include "idt32.S"
#include "gdt.S"
