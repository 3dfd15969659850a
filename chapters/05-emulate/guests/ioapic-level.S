/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ioapic-level - a level-triggered IOAPIC input and its EOI (Intel
 * 82093AA datasheet, 3.2.4 "IOREDTBL": trigger mode bit 15, Remote IRR
 * bit 14; Intel SDM Vol. 3A, 11.8.4 "TMR", 11.8.5 "Signaling Interrupt
 * Servicing Completion"), one vCPU in 32-bit protected mode with both
 * PICs masked, the local APIC software-enabled, fixed delivery to APIC
 * ID 0.  minivmm's test lines (0xfa raise, 0xfb lower) drive the GSIs:
 *   - GSI 10, level, vector 0x40, raised with IF=0: the IOAPIC sends it
 *     and sets Remote IRR at once; the local APIC has it in IRR with its
 *     TMR bit set (accepted as level);
 *   - taken: ISR and TMR set in the handler, Remote IRR still set; the
 *     EOI to the local APIC goes on to the IOAPIC because TMR is set (an
 *     EOI broadcast: KVM's IOAPIC, an 82093AA, has no EOI register) and
 *     clears Remote IRR; the line is still high, so the IOAPIC sends it
 *     again at once: Remote IRR is set again after the EOI, the vector is
 *     in IRR again, and it is taken again after IRET;
 *   - the third handler lowers the line before its EOI: Remote IRR is then
 *     clear, nothing is pending, and no fourth delivery follows;
 *   - GSI 11, level, masked, raised: nothing is sent and Remote IRR stays
 *     clear; unmasking it with the line still high sends it (a level input
 *     is a state, not an edge: the IOAPIC looks at it again on unmask);
 *   - GSI 12, level, masked, raised then lowered: unmasking sends nothing;
 *   - GSI 13, level, raised with IF=0 (Remote IRR set), then rewritten as
 *     edge-triggered: Remote IRR reads clear.  The 82093AA datasheet does
 *     not say; KVM clears it, because Linux and Xen rewrite an entry as
 *     edge to end a level interrupt on IOAPICs without an EOI register.
 *     The vector already in the local APIC's IRR is still taken once.
 * EXIT_PASS (status 65) when every CHECK32 holds.
 */
#include "guest.h"
#include "macros.S"
#include "irqmacros.S"

#define V_HIGH		0x40	/* GSI 10: APIC IRR/ISR/TMR word 2, bit 0 */
#define V_MASKED	0x41	/* GSI 11 */
#define V_GONE		0x42	/* GSI 12 */
#define V_EDGE		0x43	/* GSI 13 */
#define WORD2		0x20	/* offset of word 2 (vectors 0x40-0x5f) */

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
	HOOK32	V_HIGH, h_high
	HOOK32	V_MASKED, h_masked
	HOOK32	V_GONE, h_eoi
	HOOK32	V_EDGE, h_eoi
	LAPIC_SW_ENABLE

	mov	$10, %eax
	mov	$(IOAPIC_LEVEL | V_HIGH), %ebx
	xor	%ecx, %ecx
	call	set_entry
	mov	$10, %eax
	call	entry_low
	CHECK32	%eax, (IOAPIC_LEVEL | V_HIGH), "redir[10] low, idle:"
	IRQ_RAISE 10
	mov	$10, %eax
	call	entry_low
	CHECK32	%eax, (IOAPIC_LEVEL | IOAPIC_REMOTE_IRR | V_HIGH), "redir[10] low, raised, IF=0:"
	CHECK32	LAPIC_BASE + LAPIC_IRR + WORD2, 1, "IRR[0x40], IF=0:"
	CHECK32	LAPIC_BASE + LAPIC_TMR + WORD2, 1, "TMR[0x40], IF=0:"
	CHECK32	COUNT(V_HIGH), 0, "deliveries with IF=0:"
	sti
	mov	$10000, %ecx		/* the re-deliveries come at each IRET */
1:	cmpl	$3, COUNT(V_HIGH)
	jae	2f
	pause
	loop	1b
2:	mov	$1000, %ecx		/* time for a fourth, which must not come */
3:	pause
	loop	3b
	cli
	CHECK32	COUNT(V_HIGH), 3, "deliveries, lowered in the third handler:"
	CHECK32	h1_isr, 1, "first handler: ISR[0x40]:"
	CHECK32	h1_tmr, 1, "first handler: TMR[0x40]:"
	CHECK32	h1_redir, (IOAPIC_LEVEL | IOAPIC_REMOTE_IRR | V_HIGH), "first handler: redir[10] low:"
	CHECK32	h1_after, (IOAPIC_LEVEL | IOAPIC_REMOTE_IRR | V_HIGH), \
		"first handler, after EOI, high: redir[10] low:"
	CHECK32	h1_irr, 1, "first handler, after EOI, high: IRR[0x40]:"
	CHECK32	h3_after, (IOAPIC_LEVEL | V_HIGH), "third handler, after lowering and EOI: redir[10] low:"
	CHECK32	h3_irr, 0, "third handler, after lowering and EOI: IRR[0x40]:"
	mov	$10, %eax
	call	entry_low
	CHECK32	%eax, (IOAPIC_LEVEL | V_HIGH), "redir[10] low at the end:"
	CHECK32	LAPIC_BASE + LAPIC_ISR + WORD2, 0, "ISR[0x40] at the end:"

	mov	$11, %eax
	mov	$(IOAPIC_MASKED | IOAPIC_LEVEL | V_MASKED), %ebx
	call	set_entry
	IRQ_RAISE 11
	call	deliver
	CHECK32	COUNT(V_MASKED), 0, "GSI 11 masked, raised: deliveries:"
	mov	$11, %eax
	call	entry_low
	CHECK32	%eax, (IOAPIC_MASKED | IOAPIC_LEVEL | V_MASKED), "GSI 11 masked, raised: redir[11] low:"
	mov	$11, %eax
	mov	$(IOAPIC_LEVEL | V_MASKED), %ebx
	call	set_entry
	call	deliver
	CHECK32	COUNT(V_MASKED), 1, "GSI 11 unmasked, still high: deliveries:"
	mov	$11, %eax
	call	entry_low
	CHECK32	%eax, (IOAPIC_LEVEL | V_MASKED), "GSI 11 after its handler: redir[11] low:"

	mov	$12, %eax
	mov	$(IOAPIC_MASKED | IOAPIC_LEVEL | V_GONE), %ebx
	call	set_entry
	IRQ_RAISE 12
	IRQ_LOWER 12
	mov	$12, %eax
	mov	$(IOAPIC_LEVEL | V_GONE), %ebx
	call	set_entry
	call	deliver
	CHECK32	COUNT(V_GONE), 0, "GSI 12 raised and lowered while masked, unmasked:"

	mov	$13, %eax
	mov	$(IOAPIC_LEVEL | V_EDGE), %ebx
	call	set_entry
	IRQ_RAISE 13
	mov	$13, %eax
	call	entry_low
	CHECK32	%eax, (IOAPIC_LEVEL | IOAPIC_REMOTE_IRR | V_EDGE), "GSI 13 raised, IF=0: redir[13] low:"
	mov	$13, %eax
	mov	$V_EDGE, %ebx
	call	set_entry
	mov	$13, %eax
	call	entry_low
	CHECK32	%eax, V_EDGE, "GSI 13 rewritten as edge: redir[13] low:"
	IRQ_LOWER 13
	call	deliver
	CHECK32	COUNT(V_EDGE), 1, "GSI 13 deliveries:"
	jmp	exit32

/* entry_low: %eax = the low dword of redirection entry %eax. */
entry_low:
	lea	IOAPIC_REDTBL(0)(, %eax, 2), %eax
	mov	%eax, IOAPIC_BASE
	mov	IOAPIC_BASE + IOAPIC_IOWIN, %eax
	ret

/* set_entry: redirection entry %eax = %ebx (low dword), %ecx (high). */
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

/* deliver: open the interrupt window for a moment. */
deliver:
	sti
	nop
	nop
	cli
	ret

/*
 * h_high: GSI 10's handler (irq_count[0x40] already counts this one).
 * The first notes ISR, TMR and the entry before its EOI, the entry and
 * IRR after it; the third lowers the line before its EOI and notes the
 * entry and IRR after it.
 */
h_high:
	cmpl	$1, COUNT(V_HIGH)
	jne	1f
	mov	LAPIC_BASE + LAPIC_ISR + WORD2, %eax
	mov	%eax, h1_isr
	mov	LAPIC_BASE + LAPIC_TMR + WORD2, %eax
	mov	%eax, h1_tmr
	mov	$10, %eax
	call	entry_low
	mov	%eax, h1_redir
	movl	$0, LAPIC_BASE + LAPIC_EOI
	mov	$10, %eax
	call	entry_low
	mov	%eax, h1_after
	mov	LAPIC_BASE + LAPIC_IRR + WORD2, %eax
	mov	%eax, h1_irr
	ret
1:	cmpl	$3, COUNT(V_HIGH)
	jb	h_eoi
	IRQ_LOWER 10
	movl	$0, LAPIC_BASE + LAPIC_EOI
	mov	$10, %eax
	call	entry_low
	mov	%eax, h3_after
	mov	LAPIC_BASE + LAPIC_IRR + WORD2, %eax
	mov	%eax, h3_irr
	ret

/* h_masked: GSI 11's handler: lower the line, then EOI. */
h_masked:
	IRQ_LOWER 11
	/* fall through */
h_eoi:
	movl	$0, LAPIC_BASE + LAPIC_EOI
	ret

	.p2align 2
h1_isr:		.long	0xdead
h1_tmr:		.long	0xdead
h1_redir:	.long	0xdead
h1_after:	.long	0xdead
h1_irr:		.long	0xdead
h3_after:	.long	0xdead
h3_irr:		.long	0xdead

#include "pm.S"
#include "serial32.S"
#include "idt32.S"
#include "gdt.S"
