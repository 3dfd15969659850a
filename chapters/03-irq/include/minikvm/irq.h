/* SPDX-License-Identifier: GPL-2.0 */
/**
 * @file irq.h
 * @brief The in-kernel interrupt controllers of a VM (KVM_CREATE_IRQCHIP):
 * the i8259 pair and the IOAPIC wired into the kernel, the GSI routing
 * table, and what a vCPU asks them before each entry.
 *
 * The device models themselves (i8259.c, ioapic.c) are plain C; this is
 * the glue that gives them a lock, puts them on the I/O bus and turns
 * their outputs into work for a vCPU.  Chapter 03 has no local APIC: the
 * PIC's INT output reaches vCPU 0 as ExtINT (as through LINT0 in
 * virtual-wire mode), and an IOAPIC message sets its vector pending in the
 * target vCPU's vcpu->arch.pending_vectors directly.
 *
 * Linux: arch/x86/kvm/irq.h, irq.c, virt/kvm/irq_comm.c, the irqchip
 * ioctls of x86.c and kvm_main.c.
 */
#ifndef MINIKVM_IRQ_H
#define MINIKVM_IRQ_H

#include <linux/types.h>
#include <linux/kvm.h>		/* KVM_IOAPIC_NUM_PINS, KVM_IRQCHIP_* */

struct kvm;
struct kvm_vcpu;

/** The interrupt controllers a routing entry can name: KVM_IRQCHIP_PIC_MASTER,
 *  KVM_IRQCHIP_PIC_SLAVE, KVM_IRQCHIP_IOAPIC.  Linux: KVM_NR_IRQCHIPS. */
#define KVM_NR_IRQCHIPS		3
/** Pins on the largest of them, the IOAPIC.  Linux: KVM_IRQCHIP_NUM_PINS. */
#define KVM_IRQCHIP_NUM_PINS	KVM_IOAPIC_NUM_PINS
/** GSIs are below this, and a KVM_SET_GSI_ROUTING table has at most this
 *  many entries: Linux's KVM_MAX_IRQ_ROUTES, so the same tables fail. */
#define KVM_MAX_IRQ_ROUTES	4096
/** Who drives a line: KVM ORs the levels of several sources (userspace,
 *  the PIT, irqfd resamplers) per pin.  Chapter 03 has one, userspace's,
 *  so a pin's level is simply the last level set.
 *  Linux: KVM_USERSPACE_IRQ_SOURCE_ID. */
#define KVM_USERSPACE_IRQ_SOURCE_ID	0

/** The vcpu_id KVM makes the boot processor (kvm->arch.bsp_vcpu_id's default). */
#define BSP_VCPU_ID		0

/* arch/x86/kvm/irq.c */
/** Does the VM have its interrupt controllers in the kernel
 *  (KVM_CREATE_IRQCHIP done)?  Linux: irqchip_in_kernel(). */
bool irqchip_in_kernel(struct kvm *kvm);
/** An interrupt is waiting for @vcpu: from the PIC (vCPU 0), or an IOAPIC
 *  vector in vcpu->arch.pending_vectors.  Linux: kvm_cpu_has_interrupt(). */
bool kvm_cpu_has_interrupt(struct kvm_vcpu *vcpu);
/** Acknowledge the highest one and return its vector (the PIC's INTA
 *  cycle), or -1 when there is none any more.  Linux: kvm_cpu_get_interrupt(). */
int kvm_cpu_get_interrupt(struct kvm_vcpu *vcpu);
/** KVM_CREATE_IRQCHIP, KVM_GET_IRQCHIP, KVM_SET_IRQCHIP, KVM_IRQ_LINE,
 *  KVM_IRQ_LINE_STATUS, KVM_SET_GSI_ROUTING on a VM fd; -ENOTTY for any
 *  other ioctl.  Linux: these cases of kvm_vm_ioctl() and kvm_arch_vm_ioctl(). */
long kvm_vm_ioctl_irqchip(struct kvm *kvm, unsigned int ioctl, void __user *argp);
/** Free the PIC, IOAPIC and routing table of a VM being destroyed (after
 *  its vCPUs).  Linux: kvm_pic_destroy(), kvm_ioapic_destroy(),
 *  kvm_free_irq_routing(). */
void kvm_irqchip_destroy(struct kvm *kvm);
/** Drive input @pin (0-15) of the PIC pair to @level: the routing table's
 *  way into the PIC.  Returns the line status (1, 0 coalesced, -1 masked).
 *  Linux: kvm_set_pic_irq() -> kvm_pic_set_irq(). */
int kvm_pic_set_irq(struct kvm *kvm, int pin, int level);
/** Drive IOAPIC input @pin (0-23) to @level; the status as kvm_set_irq().
 *  Linux: kvm_set_ioapic_irq() -> kvm_ioapic_set_irq(). */
int kvm_ioapic_set_irq(struct kvm *kvm, int pin, int level, bool line_status);

/* virt/kvm/irq_comm.c */
/** Raise (@level 1) or lower GSI @gsi, on every pin the routing table
 *  maps it to.  Returns -1 if no pin took it (masked, or no route), 0 if
 *  it merged with one already pending (coalesced), else how many
 *  deliveries it made.  Linux: kvm_set_irq(). */
int kvm_set_irq(struct kvm *kvm, int irq_source_id, u32 gsi, int level,
		bool line_status);
/** Replace the routing table with @nr entries (validated as KVM does).
 *  Linux: kvm_set_irq_routing(). */
int kvm_set_irq_routing(struct kvm *kvm, const struct kvm_irq_routing_entry *ue,
			unsigned int nr, unsigned int flags);
/** KVM's routing at KVM_CREATE_IRQCHIP.  Linux: kvm_setup_default_irq_routing(). */
int kvm_setup_default_irq_routing(struct kvm *kvm);
/** KVM_SET_GSI_ROUTING.  Linux: that case of kvm_vm_ioctl(). */
int kvm_vm_ioctl_set_gsi_routing(struct kvm *kvm, void __user *argp);
/** Free the routing table of a dying VM.  Linux: kvm_free_irq_routing(). */
void kvm_free_irq_routing(struct kvm *kvm);

/* arch/x86/kvm/x86.c */
/** Make @vcpu take an NMI (KVM_NMI, an IOAPIC NMI message).
 *  Linux: kvm_inject_nmi(). */
void kvm_inject_nmi(struct kvm_vcpu *vcpu);

#endif
