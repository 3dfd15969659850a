/* SPDX-License-Identifier: GPL-2.0 */
/*
 * irqfd - interrupts raised by writing an eventfd (KVM_IRQFD;
 * final/virt/kvm/eventfd.c), into the in-kernel 8259 pair, in long mode;
 * minivmm never calls KVM_IRQ_LINE here.  At the guest's request
 * (CTL_IRQFD, CTL_EVENTFD_SIGNAL, ...) minivmm:
 *   - is refused an unknown flag, a bad fd, an fd that is no eventfd,
 *     and a second irqfd on the same eventfd (EBUSY);
 *   - edge: assigns an eventfd to GSI 5 and writes it: one interrupt
 *     (IRQ 5, vector 0x25) wakes the guest from HLT;
 *   - an eventfd written *before* it is assigned: the assignment itself
 *     injects;
 *   - deassigns: a write then injects nothing, and the count stays in
 *     the eventfd for minivmm to read (nobody took it);
 *   - closes an assigned eventfd (the irqfd goes with it), and assigns a
 *     new one to the same GSI, which works;
 *   - level (ELCR: IRQ 5 level-triggered) with KVM_IRQFD_FLAG_RESAMPLE:
 *     a write raises the line until the guest's EOI, which lowers it and
 *     signals the resamplefd once - one interrupt per write, never a
 *     second one from a line still high after the EOI;
 *   - the same on IOAPIC pin 10 (level, vector 0x3a, to the local
 *     APIC): the EOI reaches the IOAPIC through the LAPIC, and the
 *     resampler must lower the line before the IOAPIC re-evaluates it.
 * CHECKL64 lines; EXIT_PASS when all are as expected.
 */
#include "guest.h"
#include "macros.S"
#include "irqmacros.S"

#define V5		(PIC_M_BASE + 5)
#define GSI_IO		10		/* IOAPIC pin 10 (GSI 10) */
#define V_IO		0x3a
#define EINVAL		-22
#define EBADF		-9
#define EBUSY		-16

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
	HOOK32	V5, h_irq5
	HOOK32	V_IO, h_io
	PIC_INIT
	OUTB	PIC_M_DATA, 0xdf		/* IRQ 5 only */

	PUTS64	"refused\n"
	CTL64	CTL_IRQFD, $5, $4
	CHECKL64 %eax, EINVAL, "unknown flag:"
	CTL64	CTL_IRQFD, $5, $0, $FD_BAD
	CHECKL64 %eax, EBADF, "bad fd:"
	CTL64	CTL_IRQFD, $5, $0, $FD_NOT_EVENTFD
	CHECKL64 %eax, EINVAL, "not an eventfd:"

	PUTS64	"edge\n"
	CTL64	CTL_IRQFD, $5, $0
	mov	%eax, %r12d			/* the eventfd's index */
	lea	1(%r12), %r13d
	CTL64	CTL_IRQFD, $7, $0, $0, %r13d
	CHECKL64 %eax, EBUSY, "the same eventfd again:"
	CTL64	CTL_EVENTFD_SIGNAL, %r12d
	WAIT_IRQ V5, 1, "written: IRQ 5 taken"

	PUTS64	"written before assigned\n"
	CTL64	CTL_EVENTFD_NEW
	mov	%eax, %r13d
	CTL64	CTL_EVENTFD_SIGNAL, %r13d
	inc	%r13d
	CTL64	CTL_IRQFD, $5, $0, $0, %r13d
	inc	%eax
	sub	%r13d, %eax			/* 0: the result is that eventfd's index */
	CHECKL64 %eax, 0, "assigned:"
	WAIT_IRQ V5, 2, "IRQ 5 taken"

	PUTS64	"deassigned\n"
	lea	1(%r12), %r13d
	CTL64	CTL_IRQFD, $5, $IRQFD_DEASSIGN, $0, %r13d
	CHECKL64 %eax, 0, "deassign:"
	CTL64	CTL_EVENTFD_SIGNAL, %r12d
	CTL64	CTL_EVENTFD_READ, %r12d
	CHECKL64 %eax, 1, "a write stays in the eventfd:"
	CTL64	CTL_IRQFD, $5, $IRQFD_DEASSIGN, $0, %r13d
	CHECKL64 %eax, 0, "deassign again (nothing to do):"

	PUTS64	"closed\n"
	CTL64	CTL_IRQFD, $5, $0
	CTL64	CTL_EVENTFD_CLOSE, %eax
	CHECKL64 %eax, 0, "close an assigned eventfd:"
	CTL64	CTL_IRQFD, $5, $0
	mov	%eax, %r12d
	CTL64	CTL_EVENTFD_SIGNAL, %r12d
	WAIT_IRQ V5, 3, "a new eventfd on GSI 5: IRQ 5 taken"

	PUTS64	"level, resample\n"
	lea	1(%r12), %r13d
	CTL64	CTL_IRQFD, $5, $IRQFD_DEASSIGN, $0, %r13d
	OUTB	PIC_ELCR_M, 0x20		/* IRQ 5 level-triggered */
	CTL64	CTL_IRQFD, $5, $IRQFD_RESAMPLE
	mov	%eax, %r12d			/* the eventfd; + 1: the resamplefd */
	lea	1(%r12), %r13d
	CTL64	CTL_EVENTFD_SIGNAL, %r12d
	WAIT_IRQ V5, 4, "written: IRQ 5 taken"
	CTL64	CTL_EVENTFD_READ, %r13d
	CHECKL64 %eax, 1, "resamplefd after the EOI:"
	CTL64	CTL_EVENTFD_SIGNAL, %r12d
	WAIT_IRQ V5, 5, "written again: IRQ 5 taken"
	sti					/* the line is low: nothing more */
	nop
	cli
	CHECKL64 COUNT(V5), 5, "no second delivery after the EOI:"
	CTL64	CTL_EVENTFD_READ, %r13d
	CHECKL64 %eax, 1, "resamplefd after the EOI:"
	lea	1(%r12), %r13d
	CTL64	CTL_IRQFD, $5, $(IRQFD_DEASSIGN), $0, %r13d
	CHECKL64 %eax, 0, "deassign:"

	/* The same through the IOAPIC: pin 10 level-triggered, vector
	 * 0x3a, to the local APIC, whose EOI reaches the IOAPIC (the
	 * vector's TMR bit is set).  The resampler must lower the line
	 * before the IOAPIC looks at it again, or a line still high would
	 * be delivered a second time at once (82093AA 3.2.4). */
	PUTS64	"level, resample, IOAPIC\n"
	OUTB	PIC_M_DATA, 0xff		/* the PIC out of the way */
	mov	$LAPIC_BASE, %ebp
	movl	LAPIC_SVR(%rbp), %eax
	or	$SVR_ENABLE, %eax
	movl	%eax, LAPIC_SVR(%rbp)
	mov	$IOAPIC_BASE, %edi
	movl	$(IOAPIC_REDTBL(GSI_IO) + 1), (%rdi)
	movl	$0, IOAPIC_IOWIN(%rdi)		/* destination: APIC 0 */
	movl	$IOAPIC_REDTBL(GSI_IO), (%rdi)
	movl	$(V_IO | IOAPIC_LEVEL), IOAPIC_IOWIN(%rdi)	/* fixed, unmasked */
	CTL64	CTL_IRQFD, $GSI_IO, $IRQFD_RESAMPLE
	mov	%eax, %r12d
	lea	1(%r12), %r13d
	CTL64	CTL_EVENTFD_SIGNAL, %r12d
	WAIT_IRQ V_IO, 1, "written: vector 0x3a taken"
	sti
	nop
	cli
	CHECKL64 COUNT(V_IO), 1, "no second delivery after the EOI:"
	CTL64	CTL_EVENTFD_READ, %r13d
	CHECKL64 %eax, 1, "resamplefd after the EOI:"
	CTL64	CTL_EVENTFD_SIGNAL, %r12d
	WAIT_IRQ V_IO, 2, "written again: vector 0x3a taken"
	jmp	exit64

h_irq5:
	OUTB	PIC_M_CMD, OCW2_EOI
	ret

/* The local APIC's EOI (SDM Vol. 3A, 11.8.5), broadcast to the IOAPIC. */
h_io:
	movl	$0, LAPIC_EOI(%rbp)
	ret

#include "pm.S"
#include "lm64.S"
#include "serial32.S"
#include "serial64.S"
#include "idt64.S"
#include "gdt.S"
