/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tsc-deadline - the local APIC timer's TSC-deadline mode (Intel SDM
 * Vol. 3A, 11.5.4.1), 32-bit protected mode, one vCPU.  CPUID.1:ECX[24]
 * says the mode exists (minivmm offers it as QEMU does: KVM emulates it
 * but leaves it out of KVM_GET_SUPPORTED_CPUID).  With LVT timer mode 10b:
 *   - IA32_TSC_DEADLINE (MSR 0x6e0) reads back the deadline written; the
 *     interrupt comes once the TSC has passed it (the handler's TSC is
 *     not below it), and the MSR then reads 0 (the timer disarms);
 *   - a deadline already past fires at once;
 *   - writing 0 disarms: a deadline overwritten with 0 never fires;
 *   - the initial-count register ignores writes and the current count
 *     reads 0 in this mode.
 * EXIT_PASS (status 65) when every CHECK32 holds.
 */
#include "guest.h"
#include "macros.S"
#include "irqmacros.S"

#define V_TIMER		0x41
#define DELTA		20000000	/* TSC cycles from now to the deadline */

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
	mov	$1, %eax
	cpuid
	shr	$24, %ecx
	and	$1, %ecx
	CHECK32	%ecx, 1, "CPUID TSC-deadline:"
	LAPIC_SW_ENABLE
	movl	$(LVTT_TSC_DEADLINE | V_TIMER), LAPIC_BASE + LAPIC_LVTT
	CHECK32	LAPIC_BASE + LAPIC_LVTT, 0x00040041, "LVT timer, TSC-deadline:"

	rdtsc
	add	$DELTA, %eax
	adc	$0, %edx
	mov	%eax, dl_lo
	mov	%edx, dl_hi
	mov	$MSR_TSC_DEADLINE, %ecx
	wrmsr
	rdmsr
	xor	%ebx, %ebx
	cmp	dl_lo, %eax
	jne	1f
	cmp	dl_hi, %edx
	jne	1f
	inc	%ebx
1:	CHECK32	%ebx, 1, "deadline reads back:"
1:	sti
	hlt
	cli
	cmpl	$0, COUNT(V_TIMER)
	je	1b
	CHECK32	COUNT(V_TIMER), 1, "deliveries:"
	/* The handler's TSC (low half) minus the deadline's, signed: >= 0. */
	mov	timer_tsc, %eax
	sub	dl_lo, %eax
	xor	%ebx, %ebx
	test	%eax, %eax
	js	1f
	inc	%ebx
1:	CHECK32	%ebx, 1, "arrived at or after the deadline:"
	mov	$MSR_TSC_DEADLINE, %ecx
	rdmsr
	or	%edx, %eax
	CHECK32	%eax, 0, "deadline MSR after it fired:"

	mov	$MSR_TSC_DEADLINE, %ecx
	mov	$1, %eax		/* long past */
	xor	%edx, %edx
	wrmsr
	mov	$DELTA, %eax
	sti
	call	spin32
	cli
	CHECK32	COUNT(V_TIMER), 2, "deadline in the past: deliveries:"

	rdtsc
	add	$DELTA, %eax
	adc	$0, %edx
	mov	$MSR_TSC_DEADLINE, %ecx
	wrmsr
	xor	%eax, %eax
	xor	%edx, %edx
	wrmsr
	mov	$(2 * DELTA), %eax
	sti
	call	spin32
	cli
	CHECK32	COUNT(V_TIMER), 2, "disarmed with 0: deliveries:"

	movl	$1000, LAPIC_BASE + LAPIC_TMICT
	CHECK32	LAPIC_BASE + LAPIC_TMICT, 0, "initial count after writing 1000:"
	CHECK32	LAPIC_BASE + LAPIC_TMCCT, 0, "current count:"
	mov	$DELTA, %eax
	sti
	call	spin32
	cli
	CHECK32	COUNT(V_TIMER), 2, "deliveries after the initial-count write:"
	jmp	exit32

	.p2align 2
dl_lo:	.long	0
dl_hi:	.long	0

#include "pm.S"
#include "serial32.S"
#include "idt32.S"
#include "apictimer32.S"
#include "gdt.S"
