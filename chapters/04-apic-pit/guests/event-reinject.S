/* SPDX-License-Identifier: GPL-2.0 */
/*
 * event-reinject - an interrupt whose delivery faults in the second-level
 * page tables, in 32-bit protected mode without paging.  The guest builds
 * its IDT in memory slot 1 (minivmm --slot 0x400000:0x10000), then has
 * minivmm move the slot to 0x600000 (CTL_SLOT_MOVE): the hypervisor
 * drops the slot's EPT/NPT mappings, and the new addresses were never
 * touched.  With IDTR at 0x600000 and the stack at the top of the moved
 * slot (a page the guest never wrote), IRQ 3 is delivered: reading the
 * gate and pushing the frame each exit with an EPT violation / nested
 * page fault during event delivery (VMX IDT-vectoring information, SVM
 * EXITINTINFO); the hypervisor maps the page and delivers the same event
 * again on the next entry.  The handler must run exactly once.
 * Run with minivmm -m 4M --slot 0x400000:0x10000 --no-thp, so that no huge page maps the slot at once.
 * EXIT_PASS (status 65) when every CHECK32 holds.
 */
#include "guest.h"
#include "macros.S"
#include "irqmacros.S"

#define V3		(PIC_M_BASE + 3)
#define SLOT_OLD	0x400000
#define SLOT_NEW	0x600000
#define SLOT_SIZE	0x10000

	.code16
	.text
	.globl	_start
_start:
	jmp	enter_pm32

	.code32
main32:
	xor	%ebp, %ebp
	call	idt_init32
	HOOK32	V3, h_irq3
	PIC_INIT
	OUTB	PIC_M_DATA, 0xf7	/* IRQ 3 */
	mov	$IDT_AREA, %esi		/* the IDT, copied into the slot */
	mov	$SLOT_OLD, %edi
	mov	$(256 * 8 / 4), %ecx
	rep movsl
	mov	$CTL_SLOT_MOVE, %al
	mov	$1, %ebx
	mov	$SLOT_NEW, %ecx
	xor	%edx, %edx
	xor	%esi, %esi
	call	ctl32
	CHECK32	%eax, 0, "slot 1 moved:"
	IRQ_PULSE 3
	lidt	idt_new
	mov	%esp, saved_esp
	mov	$(SLOT_NEW + SLOT_SIZE), %esp
	sti
	nop
	cli
	mov	saved_esp, %esp
	lidt	idt_desc32
	CHECK32	COUNT(V3), 1, "IRQ 3 deliveries through untouched pages:"
	CHECK32	esp_seen, 0x60ffc8, "esp in the hook (frame 12, stub 8, pushal 32, call 4 below the top):"
	jmp	exit32

h_irq3:
	mov	%esp, esp_seen		/* hook's own frame: see the CHECK */
	OUTB	PIC_M_CMD, OCW2_EOI
	ret

	.p2align 2
saved_esp:	.long	0
esp_seen:	.long	0
	.word	0
idt_new:
	.word	256 * 8 - 1
	.long	SLOT_NEW

#include "pm.S"
#include "serial32.S"
#include "idt32.S"
#include "gdt.S"
