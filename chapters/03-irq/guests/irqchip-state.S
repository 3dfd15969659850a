/* SPDX-License-Identifier: GPL-2.0 */
/*
 * irqchip-state - a VMM saves and restores the in-kernel irqchip mid-run
 * (migration, snapshots: KVM_GET_IRQCHIP / KVM_SET_IRQCHIP for both PICs
 * and the IOAPIC, KVM_GET_VCPU_EVENTS / KVM_SET_VCPU_EVENTS), in 32-bit
 * protected mode.  With IRQ 5 pending in IRR (IF=0) and an IOAPIC entry
 * programmed, the guest asks minivmm to save everything and load a
 * clobbered state (CTL_IRQCHIP_SAVE): the guest reads the clobber back
 * (IMR 0xff, IRR 0, the IOAPIC entry masked); then to restore
 * (CTL_IRQCHIP_RESTORE): IMR, IRR and the IOAPIC entry are back, and
 * after STI the pending IRQ 5 arrives once, at its own vector.
 * EXIT_PASS (status 65) when every CHECK32 holds.
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
	HOOK32	V5, h_irq5
	PIC_INIT
	OUTB	PIC_M_DATA, 0xdf	/* IRQ 5 */
	movl	$IOAPIC_REDTBL(5), IOAPIC_BASE
	movl	$(IOAPIC_MASKED | 0x35), IOAPIC_BASE + IOAPIC_IOWIN
	IRQ_PULSE 5
	call	show
	mov	$CTL_IRQCHIP_SAVE, %al
	call	ctl32
	CHECK32	%eax, 0, "save and clobber:"
	call	show
	mov	$CTL_IRQCHIP_RESTORE, %al
	call	ctl32
	CHECK32	%eax, 0, "restore:"
	call	show
	sti
	nop
	cli
	CHECK32	COUNT(V5), 1, "IRQ 5 deliveries after sti:"
	CHECK32	IRQ_LAST, V5, "vector:"
	jmp	exit32

/* show: the master's IMR and IRR, the IOAPIC's redirection entry 5. */
show:
	in	$PIC_M_DATA, %al
	movzbl	%al, %eax
	PUTS32	"imr "
	call	putx8_32
	mov	$OCW3_READ_IRR, %al
	call	pic_reg32
	PUTS32	" irr "
	call	putx8_32
	movl	$IOAPIC_REDTBL(5), IOAPIC_BASE
	mov	IOAPIC_BASE + IOAPIC_IOWIN, %eax
	PUTS32	" ioapic redir[5] "
	call	putx32
	PUTS32	"\n"
	ret

h_irq5:
	OUTB	PIC_M_CMD, OCW2_EOI
	ret

#include "pm.S"
#include "serial32.S"
#include "idt32.S"
#include "gdt.S"
