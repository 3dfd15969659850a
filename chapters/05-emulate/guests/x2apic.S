/* SPDX-License-Identifier: GPL-2.0 */
/*
 * x2apic - the local APIC in x2APIC mode (Intel SDM Vol. 3A, 11.12), two
 * vCPUs (minivmm --smp 2), 32-bit protected mode.  x2APIC registers are
 * MSRs 0x800 + xAPIC offset / 16, read and written with RDMSR/WRMSR; an
 * access the SDM forbids is a #GP, which the guest's #GP hook (h_gp)
 * counts and steps over (RDMSR and WRMSR are 2 bytes long):
 *   - CPUID.1:ECX[21] says x2APIC is there (KVM emulates it whatever the
 *     host has, and KVM_GET_SUPPORTED_CPUID, which minivmm passes on,
 *     reports it); in xAPIC mode the x2APIC MSRs are a #GP (SDM 11.12.1.2);
 *   - the BSP starts the AP in xAPIC mode (smp32.S), then each vCPU sets
 *     IA32_APIC_BASE bit 10, EXTD (SDM 11.12.1, Table 11-5): the ID
 *     (MSR 0x802) is the full 32-bit x2APIC ID, here the vCPU id, and the
 *     LDR (0x80d) is derived from it (SDM 11.12.10.2): cluster (ID[19:4])
 *     in bits 31:16, 1 << ID[3:0] in bits 15:0: 0x1 for ID 0, 0x2 for 1;
 *   - the version (0x803) is the xAPIC one: 0x14, max LVT entry 5, and no
 *     directed-EOI bit 24 (KVM offers it only without an in-kernel IOAPIC);
 *   - DFR does not exist in x2APIC mode (SDM Table 11-6): RDMSR 0x80e #GP;
 *   - SVR, TPR and PPR through their MSRs (PPR as SDM 11.8.3.1 defines it);
 *   - the ICR is one 64-bit MSR, 0x830, destination in bits 63:32 (SDM
 *     11.12.9): a fixed IPI to the BSP's own ID 0 waits in IRR (MSR 0x824)
 *     while IF=0, is taken with ISR set and TMR clear (edge), EOI is a
 *     WRMSR of 0 to 0x80b; the ICR reads back as written;
 *   - SELF IPI (0x83f, SDM 11.12.11) is write-only (RDMSR #GP) and takes
 *     a vector in bits 7:0, the rest reserved (#GP);
 *   - a fixed IPI to x2APIC ID 1 reaches the AP, whose handler notes the
 *     ID it reads;
 *   - an ICR write with a reserved bit set (13, 17:16, 31:20) is a #GP;
 *   - writes to read-only registers (ID, version, LDR, PPR) are a #GP, as
 *     is a non-zero ESR write and a value with bits 63:32 set (SDM
 *     11.12.1.2, 11.12.1.3);
 *   - the xAPIC page in x2APIC mode: the SDM leaves it undefined; KVM,
 *     with its default KVM_X86_QUIRK_LAPIC_MMIO_HOLE, keeps answering
 *     there: loads read all ones, stores are ignored, no fault;
 *   - IA32_APIC_BASE transitions (SDM 11.12.5, Figure 11-27): x2APIC to
 *     xAPIC is a #GP, as are EN=0 EXTD=1 and disabled to x2APIC; x2APIC
 *     to disabled to xAPIC is the legal way back, and the xAPIC page then
 *     answers again.
 * EXIT_PASS (status 65) when every CHECK32 holds.
 */
#include "guest.h"
#include "macros.S"
#include "irqmacros.S"

#define SMP_IDT			/* the AP loads idt_desc32 too */
#define V_ICR		0x81	/* ICR self IPI: IRR/ISR/TMR word 4, bit 1 */
#define V_SELF		0x82	/* SELF IPI register: word 4, bit 2 */
#define V_AP		0x83	/* BSP -> AP */
#define MSR_ID		MSR_X2APIC(LAPIC_ID)
#define MSR_VERSION	MSR_X2APIC(LAPIC_VERSION)
#define MSR_TPR		MSR_X2APIC(LAPIC_TPR)
#define MSR_PPR		MSR_X2APIC(LAPIC_PPR)
#define MSR_EOI		MSR_X2APIC(LAPIC_EOI)
#define MSR_LDR		MSR_X2APIC(LAPIC_LDR)
#define MSR_DFR		MSR_X2APIC(LAPIC_DFR)
#define MSR_SVR		MSR_X2APIC(LAPIC_SVR)
#define MSR_ISR4	MSR_X2APIC(LAPIC_ISR + 0x40)
#define MSR_TMR4	MSR_X2APIC(LAPIC_TMR + 0x40)
#define MSR_IRR4	MSR_X2APIC(LAPIC_IRR + 0x40)
#define MSR_ESR		MSR_X2APIC(LAPIC_ESR)
#define MSR_ICR		MSR_X2APIC(LAPIC_ICR_LO)
#define BASE_XAPIC	(LAPIC_BASE | APIC_BASE_EN | APIC_BASE_BSP)

/* X2_CHECK msr, value, "name": RDMSR msr, CHECK32 the low half. */
.macro X2_CHECK msr, value, name
	mov	$\msr, %ecx
	rdmsr
	CHECK32	%eax, \value, "\name"
.endm
/* X2_SET msr, value: WRMSR msr with value (bits 63:32 zero). */
.macro X2_SET msr, value
	mov	$\msr, %ecx
	mov	$\value, %eax
	xor	%edx, %edx
	wrmsr
.endm
/* GP_RDMSR msr, gps, "name": RDMSR msr; CHECK32 the #GPs it took. */
.macro GP_RDMSR msr, gps, name
	movl	$0, gp_hits
	mov	$\msr, %ecx
	rdmsr
	CHECK32	gp_hits, \gps, "\name"
.endm
/* GP_WRMSR msr, high, low, gps, "name": WRMSR msr with high:low; CHECK32
 * the #GPs it took. */
.macro GP_WRMSR msr, high, low, gps, name
	movl	$0, gp_hits
	mov	$\msr, %ecx
	mov	$\low, %eax
	mov	$\high, %edx
	wrmsr
	CHECK32	gp_hits, \gps, "\name"
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
	PIC_INIT
	HOOK32	13, h_gp
	HOOK32	V_ICR, h_icr
	HOOK32	V_SELF, h_eoi
	HOOK32	V_AP, h_ap

	mov	$1, %eax
	cpuid
	and	$CPUID_1_ECX_X2APIC, %ecx
	CHECK32	%ecx, CPUID_1_ECX_X2APIC, "CPUID.1:ECX x2APIC bit:"
	mov	$MSR_APIC_BASE, %ecx
	rdmsr
	CHECK32	%eax, BASE_XAPIC, "IA32_APIC_BASE, xAPIC:"
	GP_RDMSR MSR_ID, 1, "GP on RDMSR 0x802 in xAPIC mode:"

	LAPIC_SW_ENABLE
	call	start_aps32		/* INIT-SIPI-SIPI: still xAPIC MMIO */
1:	cmpl	$1, ap_ready
	jae	2f
	pause
	jmp	1b
2:
	mov	$MSR_APIC_BASE, %ecx
	rdmsr
	or	$APIC_BASE_EXTD, %eax
	wrmsr
	rdmsr
	CHECK32	%eax, (BASE_XAPIC | APIC_BASE_EXTD), "IA32_APIC_BASE, x2APIC:"
	X2_CHECK MSR_ID, 0x00000000, "BSP ID:"
	X2_CHECK MSR_LDR, 0x00000001, "BSP LDR:"
	CHECK32	ap_id, 0x00000001, "AP ID:"
	CHECK32	ap_ldr, 0x00000002, "AP LDR:"
	X2_CHECK MSR_VERSION, 0x00050014, "version:"
	GP_RDMSR MSR_DFR, 1, "GP on RDMSR DFR (0x80e):"
	X2_CHECK MSR_SVR, 0x000001ff, "SVR:"
	X2_SET	MSR_TPR, 0x50
	X2_CHECK MSR_TPR, 0x00000050, "TPR after writing 0x50:"
	X2_CHECK MSR_PPR, 0x00000050, "PPR, none in service:"
	X2_SET	MSR_TPR, 0

	/* The ICR as one MSR: fixed, physical destination 0 (this CPU). */
	mov	$MSR_ICR, %ecx
	mov	$(ICR_ASSERT | V_ICR), %eax
	xor	%edx, %edx
	wrmsr
	X2_CHECK MSR_IRR4, 0x00000002, "IRR[0x81] after the ICR write, IF=0:"
	mov	$MSR_ICR, %ecx
	rdmsr
	CHECK32	%edx, 0x00000000, "ICR bits 63:32:"
	CHECK32	%eax, (ICR_ASSERT | V_ICR), "ICR bits 31:0:"
	sti
	nop
	cli
	CHECK32	COUNT(V_ICR), 1, "ICR self IPI deliveries:"
	CHECK32	in_isr, 0x00000002, "ISR[0x81] in the handler:"
	CHECK32	in_tmr, 0x00000000, "TMR[0x81] in the handler:"
	CHECK32	in_ppr, 0x00000080, "PPR in the handler:"
	X2_CHECK MSR_ISR4, 0x00000000, "ISR[0x81] after the EOI:"

	X2_SET	MSR_X2APIC_SELF_IPI, V_SELF
	X2_CHECK MSR_IRR4, 0x00000004, "IRR[0x82] after SELF IPI, IF=0:"
	sti
	nop
	cli
	CHECK32	COUNT(V_SELF), 1, "SELF IPI deliveries:"
	GP_RDMSR MSR_X2APIC_SELF_IPI, 1, "GP on RDMSR SELF IPI:"
	GP_WRMSR MSR_X2APIC_SELF_IPI, 0, (0x100 | V_SELF), 1, "GP on SELF IPI with bit 8:"
	sti
	nop
	cli
	CHECK32	COUNT(V_SELF), 1, "SELF IPI deliveries after it:"

	/* A fixed IPI to x2APIC ID 1: the 32-bit destination in 63:32. */
	mov	$MSR_ICR, %ecx
	mov	$(ICR_ASSERT | V_AP), %eax
	mov	$1, %edx
	wrmsr
1:	cmpl	$0, COUNT(V_AP)
	jne	2f
	pause
	jmp	1b
2:	CHECK32	COUNT(V_AP), 1, "IPI to ID 1 deliveries:"
	CHECK32	ap_who, 0x00000001, "IPI to ID 1 taken by ID:"

	/* Reserved ICR bits (SDM Figure 11-28: 13, 17:16, 31:20), aimed at
	 * an ID no vCPU has in case they were sent. */
	GP_WRMSR MSR_ICR, 5, (0x00100000 | ICR_ASSERT | V_AP), 1, "GP on WRMSR ICR, bit 20:"
	GP_WRMSR MSR_ICR, 5, (0x00002000 | ICR_ASSERT | V_AP), 1, "GP on WRMSR ICR, bit 13:"
	GP_WRMSR MSR_ID, 0, 0x05, 1, "GP on WRMSR ID:"
	GP_WRMSR MSR_VERSION, 0, 0x00050014, 1, "GP on WRMSR version:"
	GP_WRMSR MSR_LDR, 0, 0x00000001, 1, "GP on WRMSR LDR:"
	GP_WRMSR MSR_PPR, 0, 0, 1, "GP on WRMSR PPR:"
	GP_WRMSR MSR_ESR, 0, 0, 0, "GP on WRMSR ESR 0:"
	GP_WRMSR MSR_ESR, 0, 1, 1, "GP on WRMSR ESR 1:"
	GP_WRMSR MSR_TPR, 1, 0x20, 1, "GP on WRMSR TPR, bit 32:"
	X2_CHECK MSR_ID, 0x00000000, "BSP ID after them:"
	X2_CHECK MSR_TPR, 0x00000000, "TPR after them:"

	/* The xAPIC page while in x2APIC mode. */
	movl	$0, gp_hits
	mov	LAPIC_BASE + LAPIC_VERSION, %eax
	CHECK32	%eax, 0xffffffff, "xAPIC page version load:"
	mov	LAPIC_BASE + LAPIC_TPR, %eax
	CHECK32	%eax, 0xffffffff, "xAPIC page TPR load:"
	movl	$0x70, LAPIC_BASE + LAPIC_TPR
	X2_CHECK MSR_TPR, 0x00000000, "TPR after an xAPIC page store of 0x70:"
	CHECK32	gp_hits, 0, "GP on the xAPIC page:"

	/* Leaving x2APIC mode. */
	GP_WRMSR MSR_APIC_BASE, 0, BASE_XAPIC, 1, "GP on x2APIC to xAPIC:"
	GP_WRMSR MSR_APIC_BASE, 0, (LAPIC_BASE | APIC_BASE_EXTD | APIC_BASE_BSP), 1, "GP on EN=0 EXTD=1:"
	mov	$MSR_APIC_BASE, %ecx
	rdmsr
	CHECK32	%eax, (BASE_XAPIC | APIC_BASE_EXTD), "IA32_APIC_BASE still:"
	GP_WRMSR MSR_APIC_BASE, 0, (LAPIC_BASE | APIC_BASE_BSP), 0, "GP on x2APIC to disabled:"
	GP_WRMSR MSR_APIC_BASE, 0, (BASE_XAPIC | APIC_BASE_EXTD), 1, "GP on disabled to x2APIC:"
	GP_WRMSR MSR_APIC_BASE, 0, BASE_XAPIC, 0, "GP on disabled to xAPIC:"
	mov	$MSR_APIC_BASE, %ecx
	rdmsr
	CHECK32	%eax, BASE_XAPIC, "IA32_APIC_BASE, xAPIC again:"
	CHECK32	LAPIC_BASE + LAPIC_VERSION, 0x00050014, "xAPIC page version load:"
	CHECK32	LAPIC_BASE + LAPIC_ID, 0x00000000, "xAPIC page ID load:"
	GP_RDMSR MSR_ID, 1, "GP on RDMSR 0x802 in xAPIC mode:"
	jmp	exit32

/* h_gp: count a #GP and step over the 2-byte RDMSR/WRMSR that took it.
 * Frame: the hook's return address, PUSHAL (32 bytes), vector, error
 * code, then the faulting EIP at 44(%esp) (idt32.S). */
h_gp:
	incl	gp_hits
	addl	$2, 44(%esp)
	ret

/* h_icr: the ICR self IPI's handler: ISR, TMR and PPR, then EOI. */
h_icr:
	mov	$MSR_ISR4, %ecx
	rdmsr
	mov	%eax, in_isr
	mov	$MSR_TMR4, %ecx
	rdmsr
	mov	%eax, in_tmr
	mov	$MSR_PPR, %ecx
	rdmsr
	mov	%eax, in_ppr
	/* fall through */
/* h_eoi: EOI, a WRMSR of 0 to MSR 0x80b (SDM 11.12.1.2). */
h_eoi:
	X2_SET	MSR_EOI, 0
	ret

/* h_ap: the AP takes V_AP: note the x2APIC ID it reads, EOI. */
h_ap:
	mov	$MSR_ID, %ecx
	rdmsr
	mov	%eax, ap_who
	jmp	h_eoi

/* The AP: x2APIC mode, its ID and LDR noted, enabled, then wait for
 * interrupts for ever. */
ap_main32:
	mov	$MSR_APIC_BASE, %ecx
	rdmsr
	or	$APIC_BASE_EXTD, %eax
	wrmsr
	mov	$MSR_ID, %ecx
	rdmsr
	mov	%eax, ap_id
	mov	$MSR_LDR, %ecx
	rdmsr
	mov	%eax, ap_ldr
	X2_SET	MSR_SVR, 0x1ff
	lock incl ap_ready
1:	sti
	hlt
	jmp	1b

	.p2align 2
gp_hits:	.long	0
in_isr:		.long	0
in_tmr:		.long	0
in_ppr:		.long	0
ap_ready:	.long	0
ap_id:		.long	0xdead
ap_ldr:		.long	0xdead
ap_who:		.long	0xdead

#include "pm.S"
#include "serial32.S"
#include "idt32.S"
#include "smp32.S"
#include "gdt.S"
