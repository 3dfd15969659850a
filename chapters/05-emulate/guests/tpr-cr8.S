/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tpr-cr8 - the task priority as CR8 and as the local APIC's TPR, in
 * 64-bit long mode (idt64.S; pm.S, then lm64.S), one vCPU.
 * In IA-32e mode CR8 is the TPR's upper half: a MOV to CR8 sets
 * TPR[7:4] = CR8[3:0] and TPR[3:0] = 0, a MOV from CR8 reads TPR[7:4]
 * (Intel SDM Vol. 3A, 11.8.6 "Task Priority in IA-32e Mode", 11.8.6.1),
 * and either way the TPR gates the fixed interrupts: one is taken only
 * if its class, vector[7:4], is above PPR[7:4], here TPR[7:4] since none
 * is in service (SDM 11.8.3.1).  Two vectors, 0x45 (class 4) and 0x62
 * (class 6), come as self IPIs; their handler notes them in taking
 * order, one byte each (order = order << 8 | vector), and EOIs:
 *   1. CR8 = 5 (mov %rax,%cr8): TPR reads 0x50.  Self IPIs 0x45 then
 *      0x62 with IF=1: only 0x62 comes, 0x45 waits in IRR; CR8 reads 5;
 *   2. CR8 = 4 (mov %r9,%cr8): 0x45 still waits (class 4 is not above
 *      4), TPR 0x40; CR8 = 0 (mov %rbx,%cr8): 0x45 comes at once, on
 *      the instruction boundary after the MOV (it is noted before the
 *      next instruction reads the order);
 *   3. TPR = 0x30 through the APIC page: CR8 reads 3;
 *   4. CR8 = 15 (mov %rdx,%cr8): self IPIs 0x62 and 0x45 both wait;
 *      CR8 = 4 (mov %r14,%cr8) lets 0x62 in at once, 0x45 still waits;
 *      TPR = 0 through the page lets 0x45 in at once.
 * Why it is there: on AMD, with V_INTR_MASKING, a MOV to CR8 writes the
 * VMCB's V_TPR without an exit (AMD APM Vol. 2, 15.21); the hypervisor
 * learns of it at the next exit.  So that lowering CR8 lets a waiting
 * interrupt in at once, KVM intercepts CR8 writes while an interrupt
 * waits behind the task priority only (Linux: svm_update_cr8_intercept()),
 * and without decode assists finds the source register by decoding the
 * MOV: the REX forms (REX.R names CR8, REX.B r8-r15) are all here.
 * The APIC page is reached through %rbp (a disp32 absolute would be
 * sign-extended) and with MOV only (minikvm decodes only MOV until
 * chapter 05).
 * EXIT_PASS (status 65) when every CHECKL64 holds.
 */
#include "guest.h"
#include "macros.S"
#include "irqmacros.S"

#define V_LOW		0x45	/* class 4 */
#define V_HIGH		0x62	/* class 6 */
/* The IRR register holding a vector, and its bit there (SDM 11.8.4). */
#define IRR_REG(v)	(LAPIC_IRR+0x10*((v)/32))
#define IRR_BIT(v)	(1<<((v)%32))

/* SELF_IPI vector: a fixed self IPI (ICR shorthand "self"). */
.macro SELF_IPI vector
	movl	$(ICR_SELF | \vector), LAPIC_ICR_LO(%rbp)
.endm

	.code16
	.text
	.globl	_start
_start:
	jmp	enter_pm32

	.code32
main32:
	mov	$PT_AREA, %edi
	jmp	enter_lm64

	.code64
main64:
	xor	%r15, %r15
	call	idt_init64
	PIC_INIT			/* every 8259 input masked */
	HOOK32	V_LOW, h_record
	HOOK32	V_HIGH, h_record
	mov	$LAPIC_BASE, %ebp	/* zero-extends into %rbp */
	movl	LAPIC_SVR(%rbp), %eax	/* software-enable (SVR bit 8) */
	or	$SVR_ENABLE, %eax
	movl	%eax, LAPIC_SVR(%rbp)
	movl	$0, order
	sti

	/* 1. CR8 = 5: 0x62 comes, 0x45 waits. */
	mov	$5, %eax
	mov	%rax, %cr8
	CHECKL64 LAPIC_TPR(%rbp), 0x50, "TPR after CR8 = 5:"
	CHECKL64 LAPIC_PPR(%rbp), 0x50, "PPR:"
	SELF_IPI V_LOW
	SELF_IPI V_HIGH
	movl	order, %r12d
	CHECKL64 %r12d, 0x62, "self IPIs 0x45 then 0x62 under CR8 = 5 taken:"
	CHECKL64 IRR_REG(V_LOW)(%rbp), IRR_BIT(V_LOW), "IRR with 0x45:"
	mov	%cr8, %rax
	CHECKL64 %eax, 5, "CR8:"

	/* 2. CR8 = 4 keeps 0x45 out, CR8 = 0 lets it in at once. */
	mov	$4, %r9d
	mov	%r9, %cr8
	movl	order, %r12d
	CHECKL64 %r12d, 0x62, "CR8 = 4 by mov %r9 to cr8 taken:"
	CHECKL64 LAPIC_TPR(%rbp), 0x40, "TPR:"
	CHECKL64 IRR_REG(V_LOW)(%rbp), IRR_BIT(V_LOW), "IRR with 0x45:"
	xor	%ebx, %ebx
	mov	%rbx, %cr8
	movl	order, %r12d		/* the very next instruction */
	CHECKL64 %r12d, 0x6245, "CR8 = 0 by mov %rbx to cr8 taken right after:"
	CHECKL64 IRR_REG(V_LOW)(%rbp), 0, "IRR with 0x45:"
	CHECKL64 LAPIC_TPR(%rbp), 0, "TPR:"

	/* 3. The TPR through the page is CR8 too. */
	movl	$0x30, LAPIC_TPR(%rbp)
	mov	%cr8, %rax
	CHECKL64 %eax, 3, "CR8 after TPR = 0x30 through the page:"

	/* 4. CR8 = 15 keeps everything out; 4 lets 0x62 in. */
	movl	$0, order
	mov	$15, %edx
	mov	%rdx, %cr8
	SELF_IPI V_HIGH
	SELF_IPI V_LOW
	movl	order, %r12d
	CHECKL64 %r12d, 0, "self IPIs 0x62 and 0x45 under CR8 = 15 taken:"
	CHECKL64 LAPIC_TPR(%rbp), 0xf0, "TPR:"
	CHECKL64 IRR_REG(V_HIGH)(%rbp), IRR_BIT(V_HIGH), "IRR with 0x62:"
	CHECKL64 IRR_REG(V_LOW)(%rbp), IRR_BIT(V_LOW), "IRR with 0x45:"
	mov	$4, %r14d
	mov	%r14, %cr8
	movl	order, %r12d		/* the very next instruction */
	CHECKL64 %r12d, 0x62, "CR8 = 4 by mov %r14 to cr8 taken right after:"
	CHECKL64 IRR_REG(V_LOW)(%rbp), IRR_BIT(V_LOW), "IRR with 0x45:"
	movl	$0, LAPIC_TPR(%rbp)
	movl	order, %r12d		/* the very next instruction */
	CHECKL64 %r12d, 0x6245, "TPR = 0 through the page taken right after:"
	mov	%cr8, %rax
	CHECKL64 %eax, 0, "CR8:"
	cli
	CHECKL64 COUNT(V_LOW), 2, "0x45 deliveries:"
	CHECKL64 COUNT(V_HIGH), 2, "0x62 deliveries:"
	jmp	exit64

/* The hook of both vectors (%eax = the vector): note it, then EOI. */
h_record:
	movl	order, %ecx
	shl	$8, %ecx
	or	%eax, %ecx
	movl	%ecx, order
	mov	$LAPIC_BASE, %ebx
	movl	$0, LAPIC_EOI(%rbx)
	ret

	.p2align 2
order:	.long	0			/* the vectors taken, one byte each, oldest highest */

#include "pm.S"
#include "lm64.S"
#include "serial32.S"
#include "serial64.S"
#include "idt64.S"
#include "gdt.S"
