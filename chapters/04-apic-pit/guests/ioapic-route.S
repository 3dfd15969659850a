/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ioapic-route - the IOAPIC's redirection table (Intel 82093AA datasheet,
 * 3.2.4 "IOREDTBL"; registers through IOREGSEL at 0xfec00000 and IOWIN at
 * +0x10), in 32-bit protected mode, edge-triggered only (chapter 03 has no
 * local APIC, so no level EOI; chapter 04 brings both).  The PICs stay
 * masked, so each GSI arrives through the IOAPIC alone:
 *   - the version register: 0x11, 24 entries (0x170011);
 *   - GSI 10 -> vector 0x40, physical destination APIC ID 0: delivered;
 *   - masked: a pulse is not delivered, and unmasking does not bring the
 *     lost edge back (an edge IOAPIC input does not latch while masked);
 *     the next pulse is delivered;
 *   - GSI 11 -> vector 0x41: the vector is the entry's, not the pin's;
 *   - GSI 12 to APIC ID 1, which no vCPU has: nowhere; to 0: delivered;
 *   - GSI 17, beyond the PICs' 16 lines: delivered.
 * On the real KVM the IOAPIC talks to an in-kernel local APIC, which is
 * software-disabled at reset and then drops fixed interrupts: when the
 * APIC page answers (its version register is not all ones), the guest
 * enables it (SVR bit 8) and ends each interrupt at its EOI register
 * (Intel SDM Vol. 3A, 11.4.7.1, 11.8.5).
 * EXIT_PASS (status 65) when every CHECK32 holds.
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
	PIC_INIT			/* and every PIC input masked */
	mov	$0x40, %eax
1:	movl	$h_ioapic, IRQ_HOOKS(, %eax, 4)
	inc	%eax
	cmp	$0x44, %eax
	jb	1b
	mov	LAPIC_BASE + LAPIC_VERSION, %eax
	cmp	$0xffffffff, %eax
	je	2f
	movl	$1, have_lapic
	movl	$0x1ff, LAPIC_BASE + LAPIC_SVR	/* APIC software-enabled */
2:
	mov	$1, %eax		/* IOAPICVER */
	call	ioapic_read
	CHECK32	%eax, 0x00170011, "ioapic version:"

	mov	$10, %eax
	mov	$0x40, %ebx
	xor	%ecx, %ecx
	call	set_entry
	IRQ_PULSE 10
	call	deliver
	CHECK32	COUNT(0x40), 1, "GSI 10 -> vector 0x40:"
	mov	$10, %eax
	mov	$(IOAPIC_MASKED | 0x40), %ebx
	call	set_entry
	IRQ_PULSE 10
	call	deliver
	CHECK32	COUNT(0x40), 1, "masked, pulsed:"
	mov	$10, %eax
	mov	$0x40, %ebx
	call	set_entry
	call	deliver
	CHECK32	COUNT(0x40), 1, "unmasked again:"
	IRQ_PULSE 10
	call	deliver
	CHECK32	COUNT(0x40), 2, "pulsed again:"
	mov	$(IOAPIC_REDTBL(10)), %eax
	call	ioapic_read
	CHECK32	%eax, 0x40, "redir[10] low:"

	mov	$11, %eax
	mov	$0x41, %ebx
	call	set_entry
	IRQ_PULSE 11
	call	deliver
	CHECK32	COUNT(0x41), 1, "GSI 11 -> vector 0x41:"

	mov	$12, %eax
	mov	$0x42, %ebx
	mov	$0x01000000, %ecx	/* destination APIC ID 1 */
	call	set_entry
	IRQ_PULSE 12
	call	deliver
	CHECK32	COUNT(0x42), 0, "GSI 12 to APIC ID 1:"
	mov	$12, %eax
	xor	%ecx, %ecx
	call	set_entry
	IRQ_PULSE 12
	call	deliver
	CHECK32	COUNT(0x42), 1, "GSI 12 to APIC ID 0:"

	mov	$17, %eax
	mov	$0x43, %ebx
	call	set_entry
	IRQ_PULSE 17
	call	deliver
	CHECK32	COUNT(0x43), 1, "GSI 17 -> vector 0x43:"
	jmp	exit32

/* ioapic_read: %eax = the register whose index is %eax. */
ioapic_read:
	mov	%eax, IOAPIC_BASE
	mov	IOAPIC_BASE + IOAPIC_IOWIN, %eax
	ret

/* set_entry: redirection entry %eax = %ebx (low dword), %ecx (high). */
set_entry:
	push	%eax
	shl	$1, %eax
	add	$0x11, %eax
	mov	%eax, IOAPIC_BASE
	mov	%ecx, IOAPIC_BASE + IOAPIC_IOWIN
	dec	%eax
	mov	%eax, IOAPIC_BASE
	mov	%ebx, IOAPIC_BASE + IOAPIC_IOWIN
	pop	%eax
	ret

/* deliver: open the interrupt window for a moment. */
deliver:
	sti
	nop
	nop
	cli
	ret

h_ioapic:
	cmpl	$0, have_lapic
	je	1f
	movl	$0, LAPIC_BASE + LAPIC_EOI
1:	ret

	.p2align 2
have_lapic:	.long	0

#include "pm.S"
#include "serial32.S"
#include "idt32.S"
#include "gdt.S"
