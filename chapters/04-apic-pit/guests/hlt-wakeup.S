/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hlt-wakeup - HLT with the in-kernel irqchip, in 64-bit long mode (the
 * long-mode user of idt64.S; pm.S, then lm64.S).
 * The guest asks minivmm (CTL_IRQ_LATER) to pulse IRQ 3 from another
 * thread one second later, then executes STI; HLT.  With the irqchip in
 * the kernel, a halted vCPU with IF=1 sleeps in the kernel (Linux:
 * kvm_vcpu_halt() -> kvm_vcpu_block()) instead of exiting to userspace;
 * KVM_IRQ_LINE from the other thread makes the PIC's output rise, which
 * kicks the vCPU awake; the interrupt is delivered through a 16-byte
 * 64-bit gate and HLT is done.  The other thread prints how much CPU the
 * vCPU thread used during that second: a vCPU that polls or spins would
 * use all of it.
 * EXIT_PASS (status 65) when the interrupt came.
 */
#include "guest.h"
#include "macros.S"
#include "irqmacros.S"

#define V3	(PIC_M_BASE + 3)

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
	HOOK32	V3, h_irq3		/* the hooks are 32-bit words in every mode */
	PIC_INIT
	OUTB	PIC_M_DATA, 0xf7	/* IRQ 3 */
	mov	$CTL_IRQ_LATER, %al
	mov	$3, %ebx		/* GSI 3 */
	mov	$1000, %ecx		/* in 1000 ms */
	call	ctl64
	CHECKL64 %eax, 0, "raise later:"
	PUTS64	"halting\n"
	sti
	hlt
	cli
	CHECKL64 COUNT(V3), 1, "woken by IRQ 3, deliveries:"
	CHECKL64 IRQ_LAST, V3, "vector:"
	jmp	exit64

h_irq3:
	OUTB	PIC_M_CMD, OCW2_EOI
	ret

#include "pm.S"
#include "lm64.S"
#include "serial32.S"
#include "serial64.S"
#include "idt64.S"
#include "gdt.S"
