/* SPDX-License-Identifier: GPL-2.0 */
/*
 * apic-ipi - interprocessor interrupts between two vCPUs (minivmm
 * --smp 2), 32-bit protected mode, xAPIC (Intel SDM Vol. 3A, 11.6 "Issuing
 * Interprocessor Interrupts", 11.6.2 "Determining IPI Destination").
 * The BSP starts the AP (smp32.S); the AP enables its APIC, takes logical
 * ID 2 in the flat model (LDR bit 25), says it is ready and waits in
 * STI; HLT.  The BSP takes logical ID 1.  Then, each counted per CPU by
 * the receiving handler (PERCPU words, LOCK INC), the BSP sends:
 *   - a fixed IPI, physical destination APIC ID 1: the AP only;
 *   - a self IPI (shorthand "self"): the BSP only;
 *   - a fixed IPI to "all excluding self": the AP only;
 *   - logical destination 0x02 (flat): the AP only; 0x03: both;
 *   - an NMI to APIC ID 1: the AP's vector 2, no EOI (SDM 11.8.5: NMIs
 *     are not acknowledged at the EOI register).
 * EXIT_PASS (status 65) when every CHECK32 holds.
 */
#include "guest.h"
#include "macros.S"
#include "irqmacros.S"

#define SMP_IDT			/* the APs load idt_desc32 too */
#define V_FIXED		0x50
#define V_SELF		0x51
#define V_ALLBUT	0x52
#define V_LOG2		0x53
#define V_LOG3		0x54
/* The per-CPU count of a vector, slot n: PERCPU + 64 * APIC ID + 4 * n. */
#define CNT(cpu, n)	(PERCPU + 64 * (cpu) + 4 * (n))

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
	mov	$PERCPU, %edi
	xor	%eax, %eax
	mov	$(8 * 64 / 4), %ecx
	rep stosl
	mov	$V_FIXED, %eax
1:	movl	$h_count, IRQ_HOOKS(, %eax, 4)
	inc	%eax
	cmp	$V_LOG3, %eax
	jbe	1b
	HOOK32	2, h_nmi
	LAPIC_SW_ENABLE
	movl	$0x01000000, LAPIC_BASE + LAPIC_LDR
	call	start_aps32
1:	cmpl	$1, ap_ready
	jae	2f
	pause
	jmp	1b
2:
	mov	$(ICR_ASSERT | V_FIXED), %eax
	mov	$0x01000000, %edx	/* APIC ID 1 */
	call	icr_send32
	mov	$CNT(1, V_FIXED - V_FIXED), %ebx
	call	wait_one
	CHECK32	CNT(1, 0), 1, "fixed to APIC ID 1: AP:"
	CHECK32	CNT(0, 0), 0, "fixed to APIC ID 1: BSP:"

	mov	$(ICR_SELF | ICR_ASSERT | V_SELF), %eax
	xor	%edx, %edx
	call	icr_send32
	sti
	nop
	cli
	CHECK32	CNT(0, 1), 1, "self: BSP:"
	CHECK32	CNT(1, 1), 0, "self: AP:"

	mov	$(ICR_ALL_BUT_SELF | ICR_ASSERT | V_ALLBUT), %eax
	xor	%edx, %edx
	call	icr_send32
	mov	$CNT(1, 2), %ebx
	call	wait_one
	sti
	nop
	cli
	CHECK32	CNT(1, 2), 1, "all but self: AP:"
	CHECK32	CNT(0, 2), 0, "all but self: BSP:"

	mov	$(ICR_LOGICAL | ICR_ASSERT | V_LOG2), %eax
	mov	$0x02000000, %edx	/* logical 0x02: the AP */
	call	icr_send32
	mov	$CNT(1, 3), %ebx
	call	wait_one
	sti
	nop
	cli
	CHECK32	CNT(1, 3), 1, "logical 0x02: AP:"
	CHECK32	CNT(0, 3), 0, "logical 0x02: BSP:"

	mov	$(ICR_LOGICAL | ICR_ASSERT | V_LOG3), %eax
	mov	$0x03000000, %edx	/* logical 0x03: both */
	call	icr_send32
	sti
	nop
	cli
	mov	$CNT(1, 4), %ebx
	call	wait_one
	CHECK32	CNT(1, 4), 1, "logical 0x03: AP:"
	CHECK32	CNT(0, 4), 1, "logical 0x03: BSP:"

	mov	$(ICR_ASSERT | ICR_NMI), %eax
	mov	$0x01000000, %edx
	call	icr_send32
	mov	$CNT(1, 5), %ebx
	call	wait_one
	CHECK32	CNT(1, 5), 1, "NMI to APIC ID 1: AP:"
	CHECK32	CNT(0, 5), 0, "NMI to APIC ID 1: BSP:"
	jmp	exit32

/* wait_one: wait until the word at %ebx is not 0. */
wait_one:
	cmpl	$0, (%ebx)
	jne	1f
	pause
	jmp	wait_one
1:	ret

/* h_count: count vector %eax for this CPU (slot vector - V_FIXED), EOI. */
h_count:
	mov	%eax, %ebx
	sub	$V_FIXED, %ebx
	call	lapic_id32
	shl	$6, %eax
	lock incl PERCPU(%eax, %ebx, 4)
	movl	$0, LAPIC_BASE + LAPIC_EOI
	ret

/* h_nmi: count an NMI (slot 5); no EOI. */
h_nmi:
	call	lapic_id32
	shl	$6, %eax
	lock incl PERCPU + 4 * 5(%eax)
	ret

/* The AP: logical ID 2, ready, then wait for interrupts for ever. */
ap_main32:
	LAPIC_SW_ENABLE
	movl	$0x02000000, LAPIC_BASE + LAPIC_LDR
	lock incl ap_ready
1:	sti
	hlt
	jmp	1b

	.p2align 2
ap_ready:	.long	0

#include "pm.S"
#include "serial32.S"
#include "idt32.S"
#include "smp32.S"
#include "gdt.S"
