/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pic-modes - the 8259A's less common modes (8259A datasheet, the
 * section named after each), in 32-bit protected mode:
 *   - automatic EOI (ICW4.AEOI): the INTA itself ends the interrupt, ISR
 *     is clear inside the handler, and a second request needs no EOI;
 *   - special mask mode (OCW3.SMM): inside IRQ 5's handler a lower
 *     priority IRQ 6 is held off by ISR bit 5.  On the 8259A, masking
 *     IRQ 5 in special mask mode would let IRQ 6 in; KVM keeps the SMM
 *     bit (KVM_GET_IRQCHIP shows it) but does not apply it to priorities
 *     (Linux: pic_get_irq() looks at ISR alone), and minikvm follows
 *     KVM: IRQ 6 waits for the EOI of IRQ 5 either way;
 *   - poll (OCW3.P): with IF=0 the read after a poll command gives the
 *     highest request's level and takes it out of IRR; with nothing
 *     pending it gives 0x07.  The datasheet's poll word also sets bit 7
 *     when there is a request, and its poll is an INTA that sets ISR;
 *     KVM's gives the bare level and leaves ISR clear (Linux:
 *     pic_poll_read()), and minikvm follows KVM: the guest prints what
 *     it reads;
 *   - priority rotation: set priority (OCW2 0xc0 | L makes IR L the
 *     lowest) and rotate on non-specific EOI (0xa0: the level just ended
 *     becomes the lowest);
 *   - a spurious interrupt: IRQ 12 requested, then masked at the slave
 *     before STI.  The master had latched the cascade's edge on IR2; at
 *     the INTA the slave has nothing, and answers with its IR7 vector,
 *     IRQ 15, without setting an ISR bit: software must not EOI the
 *     slave (the master gets its EOI, since its IR2 went into service).
 *     KVM's master cannot do the same deterministically (its output
 *     follows IMR at once), so the spurious IRQ 7 case is shown by poll.
 * EXIT_PASS (status 65) when every CHECK32 holds.
 */
#include "guest.h"
#include "macros.S"
#include "irqmacros.S"

#define V(irq)	(PIC_M_BASE + (irq))

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

	/* Automatic EOI. */
	PIC_INIT ICW4_AEOI
	OUTB	PIC_M_DATA, 0xf7	/* IRQ 3 */
	movb	$0x0b, rec_eoi		/* the hook's "EOI": an OCW3, harmless */
	IRQ_PULSE 3
	sti
	nop
	cli
	movzbl	rec_misr, %eax
	CHECK32	%eax, 0, "aeoi: isr in the handler:"
	IRQ_PULSE 3
	sti
	nop
	cli
	CHECK32	COUNT(V(3)), 2, "aeoi: deliveries without an EOI:"
	call	print_order32
	movb	$OCW2_EOI, rec_eoi

	/* Special mask mode. */
	PIC_INIT
	HOOK32	V(5), h_irq5
	HOOK32	V(6), h_irq6
	OUTB	PIC_M_DATA, 0x9f	/* IRQ 5 and 6 */
	IRQ_PULSE 5
	sti
	nop
	cli
	CHECK32	smm_without, 0, "smm: irq 6 inside irq 5, fully nested:"
	CHECK32	smm_with, 0, "smm: irq 6 inside irq 5, special mask (KVM ignores it):"
	CHECK32	COUNT(V(6)), 1, "smm: irq 6 deliveries:"
	mov	$OCW3_READ_ISR, %al
	call	pic_reg32
	movzbl	%al, %eax
	CHECK32	%eax, 0, "smm: isr at the end:"

	/* Poll. */
	call	hook_all32		/* IRQ 5 and 6 recorded again */
	PIC_INIT
	OUTB	PIC_M_DATA, 0xef	/* IRQ 4 */
	IRQ_PULSE 4
	OUTB	PIC_M_CMD, OCW3_POLL
	in	$PIC_M_CMD, %al
	movzbl	%al, %eax
	CHECK32	%eax, 0x04, "poll with IRQ 4 pending:"
	mov	$OCW3_READ_IRR, %al
	call	pic_reg32
	movzbl	%al, %eax
	CHECK32	%eax, 0, "poll: irr afterwards:"
	mov	$OCW3_READ_ISR, %al
	call	pic_reg32
	movzbl	%al, %eax
	CHECK32	%eax, 0, "poll: isr afterwards:"
	OUTB	PIC_M_CMD, OCW3_POLL
	in	$PIC_M_CMD, %al
	movzbl	%al, %eax
	CHECK32	%eax, 0x07, "poll with nothing pending:"
	sti
	nop
	cli
	CHECK32	COUNT(V(4)), 0, "poll: IRQ 4 deliveries:"

	/* Rotation. */
	PIC_INIT
	OUTB	PIC_M_DATA, 0xd7	/* IRQ 3 and 5 */
	OUTB	PIC_M_CMD, OCW2_SET_PRIO | 3
	IRQ_PULSE 3
	IRQ_PULSE 5
	sti
	nop
	cli
	PUTS32	"set priority, IR3 lowest: "
	call	print_order32
	OUTB	PIC_M_CMD, OCW2_SET_PRIO | 7
	movb	$OCW2_ROT_EOI, rec_eoi
	IRQ_PULSE 3
	sti
	nop
	cli
	IRQ_PULSE 3
	IRQ_PULSE 5
	sti
	nop
	cli
	PUTS32	"rotate on EOI: "
	call	print_order32
	movb	$OCW2_EOI, rec_eoi

	/* Spurious IRQ 15. */
	PIC_INIT
	OUTB	PIC_M_DATA, 0xfb	/* the cascade */
	OUTB	PIC_S_DATA, 0xef	/* IRQ 12 */
	IRQ_PULSE 12
	OUTB	PIC_S_DATA, 0xff	/* gone before the INTA */
	sti
	nop
	cli
	PUTS32	"spurious: "
	call	print_order32
	movzbl	rec_sisr, %eax
	CHECK32	%eax, 0, "spurious: slave isr in the handler:"
	movzbl	rec_misr, %eax
	CHECK32	%eax, 0x04, "spurious: master isr in the handler:"
	CHECK32	COUNT(PIC_S_BASE + 4), 0, "spurious: IRQ 12 deliveries:"
	jmp	exit32

/* IRQ 5: pulse IRQ 6 and open the window, first fully nested, then in
 * special mask mode with IRQ 5 masked; end both modes, EOI 5. */
h_irq5:
	IRQ_PULSE 6
	sti
	nop
	nop
	cli
	mov	COUNT(V(6)), %eax
	mov	%eax, smm_without
	OUTB	PIC_M_CMD, OCW3_SMM_ON
	OUTB	PIC_M_DATA, 0xbf	/* IRQ 5 masked, IRQ 6 not */
	sti
	nop
	nop
	cli
	mov	COUNT(V(6)), %eax
	mov	%eax, smm_with
	OUTB	PIC_M_CMD, OCW3_SMM_OFF
	OUTB	PIC_M_DATA, 0x9f
	OUTB	PIC_M_CMD, OCW2_SEOI | 5
	ret
h_irq6:
	OUTB	PIC_M_CMD, OCW2_SEOI | 6
	ret

	.p2align 2
smm_without:	.long	0
smm_with:	.long	0

#include "pm.S"
#include "serial32.S"
#include "idt32.S"
#include "gdt.S"
