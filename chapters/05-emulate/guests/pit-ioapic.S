/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pit-ioapic - counter 0 of the in-kernel PIT interrupting through the
 * IOAPIC and the local APIC, in 32-bit protected mode (idt32.S): the
 * other half of pit-irq, which takes the same ticks through the 8259.
 * The PIT raises GSI 0.  KVM's default routing (KVM_CREATE_IRQCHIP, no
 * KVM_SET_GSI_ROUTING from minivmm) sends GSI 0 to the master 8259's
 * IRQ 0 and to IOAPIC pin 0 - pin 0, not the pin 2 of the ISA timer
 * override that an ACPI MADT announces: that override is QEMU's own
 * routing table.  Both 8259s are initialised with every input masked
 * (KVM's 8259 starts with no input masked, and KVM sets the BSP's LINT0
 * up as ExtINT: left alone, it would deliver the ticks too, on a vector
 * of its own); the local APIC is software-enabled
 * (SVR bit 8, Intel SDM Vol. 3A, 11.4.7.2); redirection entry 0 (82093AA
 * datasheet, 3.2.4) sends vector 0x40, fixed, edge, physical destination
 * APIC ID 0.  Entry 2 sends vector 0x42, to show that nothing uses it.
 * The handler writes the local APIC's EOI register (SDM 11.8.5): for an
 * edge vector no EOI message reaches the IOAPIC hardware, but KVM hears
 * of it (kvm_ioapic_update_eoi() -> the ack notifiers of the pins with
 * that vector), and in KVM's default lost-tick policy (reinject) that is
 * the acknowledgement that lets the PIT send its next tick.
 *   - mode 2 at 200 Hz wakes HLT; 4 ticks take at least 4 periods
 *     (counter 2 as the stopwatch) and arrive on vector 0x40, none on the
 *     8259's vector 0x20 nor on pin 2's 0x42;
 *   - ticks while entry 0 is masked (bit 16) do not arrive; after
 *     unmasking they do again (KVM's mask notifier starts the reinject
 *     count afresh: without it the PIT would wait for ever for the ack
 *     of the tick the masked pin dropped);
 *   - 60 ms with IF=0 (12 periods) miss ticks, which reinject keeps:
 *     with counter 0 stopped after it, a handler that writes no EOI
 *     takes one tick and no more, and the next is not even in the local
 *     APIC's IRR (the PIT waits for the ack); one EOI written with IF=0
 *     brings the next into IRR; with EOIs the rest follow, at least 4.
 * CHECK32 lines, none depending on timing (relations print 1 or 0);
 * EXIT_PASS (status 65) when all are as expected.
 */
#include "guest.h"
#include "macros.S"
#include "irqmacros.S"
#include "pitmacros.S"

#define V_TICK		0x40	/* IOAPIC pin 0: APIC IRR/ISR word 2, bit 0 */
#define V_PIN2		0x42	/* IOAPIC pin 2 */
#define WORD2		0x20	/* offset of word 2 (vectors 0x40-0x5f) */
#define C200HZ		(PIT_HZ / 200)	/* 5965 clocks, 5 ms */

/* ENTRY pin, low: redirection entry pin = low, destination APIC ID 0. */
.macro ENTRY pin, low
	mov	$\pin, %eax
	mov	$\low, %ebx
	xor	%ecx, %ecx
	call	set_entry
.endm

/* AT_LEAST n: %eax = 1 if the tick count is at least n, else 0. */
.macro AT_LEAST n
	cmpl	$\n, COUNT(V_TICK)
	setae	%al
	movzbl	%al, %eax
.endm

	.code16
	.text
	.globl	_start
_start:
	jmp	enter_pm32

	.code32
main32:
	xor	%ebp, %ebp
	cli
	call	idt_init32
	PIC_INIT			/* and every 8259 input masked */
	HOOK32	V_TICK, h_eoi
	HOOK32	V_PIN2, h_eoi
	LAPIC_SW_ENABLE
	ENTRY	2, V_PIN2
	ENTRY	0, V_TICK

	/* Mode 2, 200 Hz; counter 2 times 4 ticks.  The stopwatch starts
	 * first, so it never reads short. */
	OUTB	PORT_B, PORT_B_GATE2
	PROGRAM	2, 0, 0xffff
	PROGRAM	0, 2, C200HZ
	movl	$0, COUNT(V_TICK)
	sti
1:	hlt
	cmpl	$4, COUNT(V_TICK)
	jb	1b
	cli
	mov	$2, %dl
	call	pit_count32
	mov	%eax, %esi
	INB	PORT_B
	mov	%eax, %ecx
	mov	$1, %eax
	test	$PORT_B_OUT2, %cl	/* counter 2 ran out: over 54.9 ms, */
	jnz	2f			/* so 4 periods certainly passed */
	mov	$0xffff, %eax
	sub	%esi, %eax
	cmp	$(4 * C200HZ * 95 / 100), %eax
	setae	%al
	movzbl	%al, %eax
2:	CHECK32	%eax, 1, "4 ticks took at least 4 periods:"
	CHECK32	IRQ_LAST, V_TICK, "vector of the ticks:"
	CHECK32	COUNT(PIC_M_BASE), 0, "ticks on the 8259's vector 0x20:"
	CHECK32	COUNT(V_PIN2), 0, "ticks on IOAPIC pin 2's vector 0x42:"

	/* Entry 0 masked: nothing; unmasked: ticks again. */
	QUIET
	ENTRY	0, (IOAPIC_MASKED | V_TICK)
	PROGRAM	0, 2, C200HZ
	TICKS_IN 30, V_TICK
	CHECK32	COUNT(V_TICK), 0, "ticks while entry 0 is masked:"
	ENTRY	0, V_TICK
	TICKS_IN 50, V_TICK
	AT_LEAST 2
	CHECK32	%eax, 1, "ticks after unmasking:"

	/* Reinject: 60 ms with IF=0, then counter 0 stopped (a stop keeps
	 * the count of missed ticks; only a new load clears it). */
	QUIET
	movl	$0, COUNT(V_TICK)
	PROGRAM	0, 2, C200HZ
	mov	$60, %ecx
	call	pit_wait_ms32
	PROGRAM	0, 5, 0
	CHECK32	COUNT(V_TICK), 0, "ticks taken with IF=0:"
	HOOK32	V_TICK, h_none
	TICKS_IN 10, V_TICK
	CHECK32	COUNT(V_TICK), 1, "no EOI: ticks taken:"
	CHECK32	LAPIC_BASE + LAPIC_ISR + WORD2, 1, "no EOI: ISR[0x40]:"
	CHECK32	LAPIC_BASE + LAPIC_IRR + WORD2, 0, "no EOI: IRR[0x40]:"
	movl	$0, LAPIC_BASE + LAPIC_EOI
	call	wait_irr32		/* the PIT's worker sends the next */
	CHECK32	LAPIC_BASE + LAPIC_ISR + WORD2, 0, "one EOI, IF=0: ISR[0x40]:"
	CHECK32	LAPIC_BASE + LAPIC_IRR + WORD2, 1, "one EOI, IF=0: IRR[0x40]:"
	HOOK32	V_TICK, h_eoi
	movl	$0, COUNT(V_TICK)
	call	quiet32			/* the rest, one per EOI */
	AT_LEAST 4
	CHECK32	%eax, 1, "missed ticks taken afterwards, at least 4:"
	CHECK32	COUNT(PIC_M_BASE), 0, "ticks on the 8259's vector 0x20 at the end:"

	call	clear_regs32
	jmp	exit32

/* set_entry: redirection entry %eax = %ebx (low dword), %ecx (high); the
 * high dword first, so the entry is never live with a stale destination. */
set_entry:
	push	%eax
	lea	IOAPIC_REDTBL(0) + 1(, %eax, 2), %eax
	mov	%eax, IOAPIC_BASE
	mov	%ecx, IOAPIC_BASE + IOAPIC_IOWIN
	dec	%eax
	mov	%eax, IOAPIC_BASE
	mov	%ebx, IOAPIC_BASE + IOAPIC_IOWIN
	pop	%eax
	ret

/* quiet32: take interrupts in 10 ms windows until one brings no tick
 * (at most 50 windows).  Clobbers %eax, %ebx, %ecx. */
quiet32:
	mov	$50, %ebx
1:	push	COUNT(V_TICK)
	sti
	mov	$10, %ecx
	call	pit_wait_ms32
	cli
	pop	%eax
	cmp	COUNT(V_TICK), %eax
	je	2f
	dec	%ebx
	jnz	1b
2:	ret

/* wait_irr32: poll IRR[0x40] every millisecond, for at most 50 ms, until
 * it is set.  Clobbers %eax, %ecx. */
wait_irr32:
	push	%ebx
	mov	$50, %ebx
1:	mov	LAPIC_BASE + LAPIC_IRR + WORD2, %eax	/* MOV only: LAPIC_SW_ENABLE */
	test	$1, %eax
	jnz	2f
	mov	$1, %ecx
	call	pit_wait_ms32
	dec	%ebx
	jnz	1b
2:	pop	%ebx
	ret

/* h_eoi: end the interrupt at the local APIC (MOV: see LAPIC_SW_ENABLE). */
h_eoi:
	movl	$0, LAPIC_BASE + LAPIC_EOI
h_none:
	ret

#include "pit32.S"
#include "pm.S"
#include "serial32.S"
#include "idt32.S"
#include "gdt.S"
