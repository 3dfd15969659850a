/* SPDX-License-Identifier: GPL-2.0 */
/*
 * apic-basic - the local APIC's registers as the xAPIC page at
 * 0xfee00000 shows them (Intel SDM Vol. 3A, chapter 11; AMD APM Vol. 2,
 * 16.3), in 32-bit protected mode, one vCPU:
 *   - reset values (SDM 11.4.7.1, 11.12.5.1 and KVM's kvm_lapic_reset()):
 *     IA32_APIC_BASE 0xfee00900 (enabled, BSP), ID 0, version 0x14 with
 *     six LVT entries (max LVT 5), SVR 0xff (software-disabled), DFR all
 *     ones (flat model), LDR 0, TPR 0; the LVT entries masked, except
 *     LINT0, which KVM sets up as ExtINT on the BSP (so that the 8259
 *     reaches it, as a BIOS leaves it: KVM_X86_QUIRK_LINT0_REENABLED);
 *   - software-disabled, an LVT entry cannot be unmasked (SDM 11.4.7.2);
 *     enabled, it can; disabling again masks every LVT entry;
 *   - TPR holds 8 bits; LDR bits 31:24 only; DFR's model in bits 31:28,
 *     the rest reads as ones (SDM 11.6.2.2);
 *   - PPR (SDM 11.8.3.1): PPR = TPR if TPR[7:4] >= ISRV[7:4], else
 *     ISRV[7:4] << 4, where ISRV is the highest vector in service: shown
 *     with no interrupt in service and inside the handler of a self IPI
 *     of vector 0x81, for TPR below, equal to and above its class.  The
 *     TPRs have sub-class (bits 3:0) 0: on AMD, KVM keeps the TPR in the
 *     VMCB's V_TPR, which is TPR[7:4] only (AMD APM Vol. 2, 15.21.4,
 *     "CR8 = TPR[7:4]"), and takes the TPR back from it after an exit
 *     while it does not intercept CR8 writes, so the real kvm-amd loses
 *     a sub-class (TPR 0x85 read back as 0x80 here);
 *   - the self IPI waits in IRR while IF=0, moves to ISR when taken, and
 *     EOI clears ISR (SDM 11.8.4, 11.8.5);
 *   - ESR (SDM 11.5.3): a self IPI with vector 3 (vectors 0-15 are
 *     illegal); the ESR is written before it is read, which latches the
 *     errors collected since the last write.  The SDM has the sender set
 *     "send illegal vector"; the real KVM (6.1) drops the IPI without a
 *     delivery and without an error, ESR stays 0, and the guest checks
 *     what KVM does.
 * EXIT_PASS (status 65) when every CHECK32 holds.
 */
#include "guest.h"
#include "macros.S"
#include "irqmacros.S"

#define V_SELF	0x81

/* APIC_CHECK off, value, "name": CHECK32 of the register at off. */
.macro APIC_CHECK off, value, name
	CHECK32	LAPIC_BASE + \off, \value, "\name"
.endm
/* APIC_SET off, value: write the register at off. */
.macro APIC_SET off, value
	movl	$\value, LAPIC_BASE + \off
.endm

	.code16
	.text
	.globl	_start
_start:
	jmp	enter_pm32

	.code32
main32:
	xor	%ebp, %ebp
	call	idt_init32
	PIC_INIT			/* every 8259 input masked */
	HOOK32	V_SELF, h_self
	HOOK32	3, h_nop

	mov	$MSR_APIC_BASE, %ecx
	rdmsr
	CHECK32	%eax, 0xfee00900, "IA32_APIC_BASE:"
	APIC_CHECK LAPIC_ID, 0x00000000, "ID:"
	APIC_CHECK LAPIC_VERSION, 0x00050014, "version:"
	APIC_CHECK LAPIC_SVR, 0x000000ff, "SVR at reset:"
	APIC_CHECK LAPIC_DFR, 0xffffffff, "DFR at reset:"
	APIC_CHECK LAPIC_LDR, 0x00000000, "LDR at reset:"
	APIC_CHECK LAPIC_TPR, 0x00000000, "TPR at reset:"
	APIC_CHECK LAPIC_LVTT, 0x00010000, "LVT timer at reset:"
	APIC_CHECK LAPIC_LVT_LINT0, 0x00000700, "LVT LINT0 at reset:"
	APIC_CHECK LAPIC_LVT_LINT1, 0x00010000, "LVT LINT1 at reset:"
	APIC_CHECK LAPIC_LVT_ERROR, 0x00010000, "LVT error at reset:"

	APIC_SET LAPIC_LVT_ERROR, 0x33
	APIC_CHECK LAPIC_LVT_ERROR, 0x00010033, "LVT error unmasked while disabled:"
	APIC_SET LAPIC_SVR, 0x1ff
	APIC_CHECK LAPIC_SVR, 0x000001ff, "SVR enabled:"
	APIC_SET LAPIC_LVT_ERROR, 0x33
	APIC_CHECK LAPIC_LVT_ERROR, 0x00000033, "LVT error unmasked while enabled:"
	APIC_SET LAPIC_SVR, 0xff
	APIC_CHECK LAPIC_LVT_ERROR, 0x00010033, "LVT error after disabling:"
	APIC_CHECK LAPIC_LVT_LINT0, 0x00010700, "LVT LINT0 after disabling:"
	APIC_SET LAPIC_SVR, 0x1ff
	APIC_CHECK LAPIC_LVT_ERROR, 0x00010033, "LVT error after enabling again:"

	APIC_SET LAPIC_TPR, 0x12f0
	APIC_CHECK LAPIC_TPR, 0x000000f0, "TPR after writing 0x12f0:"
	APIC_SET LAPIC_LDR, 0x12345678
	APIC_CHECK LAPIC_LDR, 0x12000000, "LDR after writing 0x12345678:"
	APIC_SET LAPIC_DFR, 0
	APIC_CHECK LAPIC_DFR, 0x0fffffff, "DFR after writing 0 (cluster):"
	APIC_SET LAPIC_DFR, 0xffffffff
	APIC_CHECK LAPIC_DFR, 0xffffffff, "DFR after writing all ones (flat):"

	APIC_SET LAPIC_TPR, 0x50
	APIC_CHECK LAPIC_PPR, 0x00000050, "PPR, TPR 0x50, none in service:"
	APIC_CHECK LAPIC_APR, 0x00000000, "APR:"
	APIC_SET LAPIC_TPR, 0
	APIC_SET LAPIC_ICR_LO, (ICR_SELF | V_SELF)
	APIC_CHECK LAPIC_IRR + 0x40, 0x00000002, "IRR[0x81] with IF=0:"
	APIC_CHECK LAPIC_ISR + 0x40, 0x00000000, "ISR[0x81] with IF=0:"
	sti
	nop
	cli
	CHECK32	COUNT(V_SELF), 1, "self IPI deliveries:"
	CHECK32	in_isr, 0x00000002, "ISR[0x81] in the handler:"
	CHECK32	in_irr, 0x00000000, "IRR[0x81] in the handler:"
	CHECK32	ppr_tpr0, 0x00000080, "PPR in the handler, TPR 0x00:"
	CHECK32	ppr_tpr50, 0x00000080, "PPR in the handler, TPR 0x50:"
	CHECK32	ppr_tpr80, 0x00000080, "PPR in the handler, TPR 0x80:"
	CHECK32	ppr_tpr90, 0x00000090, "PPR in the handler, TPR 0x90:"
	APIC_CHECK LAPIC_ISR + 0x40, 0x00000000, "ISR[0x81] after EOI:"
	APIC_CHECK LAPIC_PPR, 0x00000000, "PPR after EOI, TPR 0:"

	APIC_SET LAPIC_ESR, 0
	APIC_CHECK LAPIC_ESR, 0x00000000, "ESR before:"
	APIC_SET LAPIC_ICR_LO, (ICR_SELF | 3)
	sti
	nop
	cli
	APIC_SET LAPIC_ESR, 0
	APIC_CHECK LAPIC_ESR, 0x00000000, "ESR after a self IPI of vector 3:"
	CHECK32	COUNT(3), 0, "vector 3 deliveries:"
	jmp	exit32

/* The self IPI's handler: ISR, IRR and PPR for four TPRs, then EOI. */
h_self:
	mov	LAPIC_BASE + LAPIC_ISR + 0x40, %eax
	mov	%eax, in_isr
	mov	LAPIC_BASE + LAPIC_IRR + 0x40, %eax
	mov	%eax, in_irr
	mov	LAPIC_BASE + LAPIC_PPR, %eax
	mov	%eax, ppr_tpr0
	APIC_SET LAPIC_TPR, 0x50
	mov	LAPIC_BASE + LAPIC_PPR, %eax
	mov	%eax, ppr_tpr50
	APIC_SET LAPIC_TPR, 0x80
	mov	LAPIC_BASE + LAPIC_PPR, %eax
	mov	%eax, ppr_tpr80
	APIC_SET LAPIC_TPR, 0x90
	mov	LAPIC_BASE + LAPIC_PPR, %eax
	mov	%eax, ppr_tpr90
	APIC_SET LAPIC_TPR, 0
	APIC_SET LAPIC_EOI, 0
h_nop:
	ret

	.p2align 2
in_isr:		.long	0
in_irr:		.long	0
ppr_tpr0:	.long	0
ppr_tpr50:	.long	0
ppr_tpr80:	.long	0
ppr_tpr90:	.long	0

#include "pm.S"
#include "serial32.S"
#include "idt32.S"
#include "gdt.S"
