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

struct kvm;
struct kvm_vcpu;

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

/* arch/x86/kvm/x86.c */
/** Make @vcpu take an NMI (KVM_NMI, an IOAPIC NMI message).
 *  Linux: kvm_inject_nmi(). */
void kvm_inject_nmi(struct kvm_vcpu *vcpu);

#endif
