/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lapic-state - save and restore the local APIC mid-run, as a VMM does
 * to migrate a VM (KVM_GET_LAPIC, KVM_SET_LAPIC through minivmm's
 * CTL_LAPIC_SAVE and CTL_LAPIC_RESTORE), 32-bit protected mode, one vCPU.
 * The one-shot timer runs (a count of N_COUNT: two seconds at KVM's
 * 1 GHz APIC bus, far longer than the rest), a self IPI of vector 0x51
 * is in service (the guest is in its handler, IF=0) and a self IPI of
 * 0x61 waits in IRR behind IF=0.  minivmm saves the APIC, prints it,
 * loads a clobbered copy (ISR, TMR, IRR empty, timer stopped); the guest
 * reads the clobber; minivmm restores; the guest reads its state back:
 * 0x51 in service, 0x61 requested, the timer's initial count and LVT.
 * Then the EOI of 0x51 and the IRET let 0x61 in, and the timer, which
 * survived, still fires (KVM_SET_LAPIC restarts it from the saved count:
 * Linux: kvm_apic_set_state()).
 * EXIT_PASS (status 65) when every CHECK32 holds.
 */
#include "guest.h"
#include "macros.S"
#include "irqmacros.S"

#define V_TIMER		0x40
#define V_IN_SERVICE	0x51
#define V_PENDING	0x61
#define N_COUNT		2000000000

/* The bit of vector v in its ISR/IRR register, and that register's offset. */
#define VBIT(v)		(1 << ((v) % 32))
#define VREG(v)		(((v) / 32) * 0x10)

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
	HOOK32	V_TIMER, h_timer
	HOOK32	V_IN_SERVICE, h_service
	HOOK32	V_PENDING, h_pending
	LAPIC_SW_ENABLE
	movl	$0xb, LAPIC_BASE + LAPIC_TDCR
	movl	$V_TIMER, LAPIC_BASE + LAPIC_LVTT
	movl	$N_COUNT, LAPIC_BASE + LAPIC_TMICT
	movl	$(ICR_SELF | V_IN_SERVICE), LAPIC_BASE + LAPIC_ICR_LO
	sti
	nop
	cli
	CHECK32	COUNT(V_IN_SERVICE), 1, "0x51 deliveries:"
	CHECK32	COUNT(V_PENDING), 1, "0x61 deliveries after the EOI of 0x51:"
	CHECK32	pending_isr51, 0, "0x51 in service while 0x61 ran:"
1:	sti
	hlt
	cli
	cmpl	$0, COUNT(V_TIMER)
	je	1b
	CHECK32	COUNT(V_TIMER), 1, "the timer fired after the restore:"
	jmp	exit32

/* In service: 0x51, with IF=0.  Send 0x61, save, clobber, restore. */
h_service:
	movl	$(ICR_SELF | V_PENDING), LAPIC_BASE + LAPIC_ICR_LO
	mov	$CTL_LAPIC_SAVE, %al
	call	ctl32
	CHECK32	%eax, 0, "save and clobber:"
	call	show_state
	mov	$CTL_LAPIC_RESTORE, %al
	call	ctl32
	CHECK32	%eax, 0, "restore:"
	call	show_state
	movl	$0, LAPIC_BASE + LAPIC_EOI
	ret

/* show_state: ISR[0x51], IRR[0x61], the timer's initial count and LVT. */
show_state:
	PUTS32	"isr[0x51] "
	mov	LAPIC_BASE + LAPIC_ISR + VREG(V_IN_SERVICE), %eax
	and	$VBIT(V_IN_SERVICE), %eax
	call	putx32
	PUTS32	" irr[0x61] "
	mov	LAPIC_BASE + LAPIC_IRR + VREG(V_PENDING), %eax
	and	$VBIT(V_PENDING), %eax
	call	putx32
	PUTS32	" tmict "
	mov	LAPIC_BASE + LAPIC_TMICT, %eax
	call	putx32
	PUTS32	" lvtt "
	mov	LAPIC_BASE + LAPIC_LVTT, %eax
	call	putx32
	PUTS32	"\n"
	ret

h_pending:
	mov	LAPIC_BASE + LAPIC_ISR + VREG(V_IN_SERVICE), %eax
	and	$VBIT(V_IN_SERVICE), %eax
	mov	%eax, pending_isr51
	movl	$0, LAPIC_BASE + LAPIC_EOI
	ret

	.p2align 2
pending_isr51:	.long	0xffffffff

#include "pm.S"
#include "serial32.S"
#include "idt32.S"
#include "apictimer32.S"
#include "gdt.S"
