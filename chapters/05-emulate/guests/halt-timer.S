/* SPDX-License-Identifier: GPL-2.0 */
/*
 * halt-timer - a halted vCPU woken by its own local APIC timer, 32-bit
 * protected mode, one vCPU.  The guest asks minivmm to note its vCPU
 * thread's CPU time (CTL_CPU_MARK), arms a one-shot of N_COUNT (half a
 * second at KVM's 1 GHz APIC bus), executes STI; HLT, and once the timer
 * woke it asks for the CPU time used meanwhile (CTL_CPU_REPORT, whose
 * result the guest does not read: it varies from run to run, and the
 * oracle compares what the guest reads).  With the APIC in the kernel a
 * halted vCPU sleeps there until the timer's hrtimer fires (Linux:
 * kvm_vcpu_halt(), kvm_lapic_expired_hv_timer()/apic_timer_fn()); one
 * that spun would use the whole half second.
 * EXIT_PASS (status 65) when the timer woke the vCPU, once.
 */
#include "guest.h"
#include "macros.S"
#include "irqmacros.S"

#define V_TIMER		0x40
#define N_COUNT		500000000

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
	LAPIC_SW_ENABLE
	movl	$0xb, LAPIC_BASE + LAPIC_TDCR
	mov	$CTL_CPU_MARK, %al
	out	%al, $CTL_PORT
	movl	$V_TIMER, LAPIC_BASE + LAPIC_LVTT
	movl	$N_COUNT, LAPIC_BASE + LAPIC_TMICT
	sti
	hlt
	cli
	mov	$CTL_CPU_REPORT, %al
	out	%al, $CTL_PORT
	CHECK32	COUNT(V_TIMER), 1, "woken by the timer, deliveries:"
	CHECK32	IRQ_LAST, V_TIMER, "vector:"
	jmp	exit32

#include "pm.S"
#include "serial32.S"
#include "idt32.S"
#include "apictimer32.S"
#include "gdt.S"
