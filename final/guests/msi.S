/* SPDX-License-Identifier: GPL-2.0 */
/*
 * msi - message-signalled interrupts (Intel SDM Vol. 3A, 11.11): a write
 * of the data (vector 7:0, delivery mode 10:8, trigger 15) to the address
 * 0xFEExxxxx (destination APIC ID 19:12, logical 2), which the hypervisor
 * turns into a message to the local APICs.  In long mode with the local
 * APIC software-enabled; at the guest's request minivmm
 *   - raises MSIs with KVM_SIGNAL_MSI: fixed to APIC 0, vector 0x41 (the
 *     ioctl returns 1: one APIC took it); to logical destination 1 (the
 *     guest's LDR), vector 0x43; to APIC 5, which does not exist (0:
 *     nobody took it); with an unknown flag (EINVAL);
 *   - routes GSI 23 to an MSI with vector 0x42 (KVM_SET_GSI_ROUTING),
 *     raises it with KVM_IRQ_LINE (IRQ_PULSE), then with an irqfd on GSI
 *     23 - how a virtio-pci device's interrupt reaches a guest with
 *     kvmtool or QEMU;
 *   - has routes refused: an MSI entry with an unknown flag, an MSI entry
 *     next to an IOAPIC entry on one GSI (EINVAL).
 * CHECKL64 lines; EXIT_PASS when all are as expected.
 */
#include "guest.h"
#include "macros.S"
#include "irqmacros.S"

#define V1		0x41
#define V2		0x42
#define V3		0x43
#define MSI_ADDR	0xfee00000
#define GSI		23

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
	HOOK32	V1, h_eoi
	HOOK32	V2, h_eoi
	HOOK32	V3, h_eoi
	mov	$LAPIC_BASE, %ebp
	movl	LAPIC_SVR(%rbp), %eax
	or	$SVR_ENABLE, %eax
	movl	%eax, LAPIC_SVR(%rbp)		/* software-enabled */
	movl	$0x01000000, LAPIC_LDR(%rbp)	/* logical ID 1 (flat model) */

	PUTS64	"KVM_SIGNAL_MSI\n"
	CTL64	CTL_SIGNAL_MSI, $MSI_ADDR, $V1
	CHECKL64 %eax, 1, "to APIC 0, vector 0x41: APICs that took it"
	WAIT_IRQ V1, 1, "vector 0x41 taken"
	CTL64	CTL_SIGNAL_MSI, $(MSI_ADDR | (1 << 12) | 4), $V3
	CHECKL64 %eax, 1, "to logical 1, vector 0x43: APICs that took it"
	WAIT_IRQ V3, 1, "vector 0x43 taken"
	CTL64	CTL_SIGNAL_MSI, $(MSI_ADDR | (5 << 12)), $V1
	CHECKL64 %eax, 0, "to APIC 5, which is not there: APICs that took it"
	CTL64	CTL_SIGNAL_MSI, $MSI_ADDR, $V1, $2
	CHECKL64 %eax, -22, "unknown flag:"
	CHECKL64 COUNT(V1), 1, "vector 0x41 taken"

	PUTS64	"GSI 23 routed to an MSI\n"
	CTL64	CTL_MSI_ROUTE, $GSI, $MSI_ADDR, $V2
	CHECKL64 %eax, 0, "route:"
	IRQ_PULSE GSI
	WAIT_IRQ V2, 1, "KVM_IRQ_LINE: vector 0x42 taken"
	CTL64	CTL_IRQFD, $GSI
	mov	%eax, %r12d
	CTL64	CTL_EVENTFD_SIGNAL, %r12d
	WAIT_IRQ V2, 2, "irqfd: vector 0x42 taken"

	PUTS64	"routes refused\n"
	CTL64	CTL_MSI_ROUTE, $GSI, $MSI_ADDR, $V2, $2
	CHECKL64 %eax, -22, "an unknown flag:"
	CTL64	CTL_MSI_ROUTE, $GSI, $MSI_ADDR, $V2, $0x80000000
	CHECKL64 %eax, -22, "an MSI and an IOAPIC pin on one GSI:"
	CTL64	CTL_EVENTFD_SIGNAL, %r12d	/* the last table stands */
	WAIT_IRQ V2, 3, "irqfd: vector 0x42 taken"
	jmp	exit64

/* The local APIC's EOI (SDM Vol. 3A, 11.8.5). */
h_eoi:
	movl	$0, LAPIC_EOI(%rbp)
	ret

#include "pm.S"
#include "lm64.S"
#include "serial32.S"
#include "serial64.S"
#include "idt64.S"
#include "gdt.S"
