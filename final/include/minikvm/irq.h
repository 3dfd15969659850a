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
#ifdef CONFIG_MINIKVM_FINAL
/** Deliver the MSI with address @address_lo/@address_hi and @data to the
 *  LAPICs it names (arch/x86/kvm/irq.c).  Returns how many accepted it.
 *  Linux: kvm_set_msi(). */
int kvm_set_msi(struct kvm *kvm, u32 address_lo, u32 address_hi, u32 data);
#endif

#ifdef CONFIG_MINIKVM_LAPIC
struct kvm_vlapic;
struct kvm_lapic_state;

/* arch/x86/kvm/irq.c: the local APICs (the model is lapic.c) */
/** Create @vcpu's LAPIC (KVM_CREATE_VCPU on a VM with an irqchip).
 *  Linux: kvm_create_lapic(). */
int kvm_create_lapic(struct kvm_vcpu *vcpu);
/** Stop its timer and free it.  Linux: kvm_free_lapic(). */
void kvm_free_lapic(struct kvm_vcpu *vcpu);
/** The guest's CPUID changed: x2APIC and TSC-deadline allowed or not,
 *  MAXPHYADDR for IA32_APIC_BASE.  Linux: kvm_vcpu_after_set_cpuid()'s
 *  APIC part. */
void kvm_lapic_update_cpuid(struct kvm_vcpu *vcpu);
/** RESET (@init_event false) or INIT of the LAPIC.  Linux: kvm_lapic_reset(). */
void kvm_lapic_reset(struct kvm_vcpu *vcpu, bool init_event);
/** Turn a received INIT or SIPI into the vCPU's new MP state.
 *  Linux: kvm_apic_accept_events(). */
void kvm_apic_accept_events(struct kvm_vcpu *vcpu);
/** KVM_SET_MP_STATE to SIPI_RECEIVED: a SIPI with the last vector waits.
 *  Linux: set_bit(KVM_APIC_SIPI, &apic->pending_events). */
void kvm_lapic_set_pending_sipi(struct kvm_vcpu *vcpu);
/** An INIT or SIPI waits to be looked at.
 *  Linux: kvm_apic_has_pending_init_or_sipi(). */
bool kvm_apic_has_pending_init_or_sipi(struct kvm_vcpu *vcpu);
/** An INIT or SIPI waits, or the APIC timer fired: something for a
 *  blocked vCPU to look at.  Linux: kvm_apic_has_pending_init_or_sipi(),
 *  kvm_cpu_has_pending_timer(). */
bool kvm_apic_has_events(struct kvm_vcpu *vcpu);
/** A timer expiry the hrtimer recorded becomes an interrupt in the IRR.
 *  Linux: kvm_inject_apic_timer_irqs(). */
void kvm_inject_apic_timer_irqs(struct kvm_vcpu *vcpu);
/** A load or store at guest-physical @addr, if it hits this vCPU's xAPIC
 *  page: 0 handled, -EOPNOTSUPP not ours.  Linux: apic_mmio_read/write(). */
int kvm_lapic_mmio(struct kvm_vcpu *vcpu, gpa_t addr, int len, void *val, bool write);
/** IA32_APIC_BASE of the in-kernel APIC; a write returns 1 (#GP) for a
 *  value or transition the model refuses (lapic_base_valid()).
 *  Linux: kvm_get_apic_base(), kvm_apic_set_base(). @{ */
u64 kvm_lapic_get_base(struct kvm_vcpu *vcpu);
int kvm_lapic_set_base(struct kvm_vcpu *vcpu, u64 value, bool host_initiated);
/** @} */
/** CR8 is TPR[7:4] (Intel SDM Vol. 3A, 11.8.6.1).  Linux: kvm_lapic_set_tpr(),
 *  kvm_lapic_get_cr8(). @{ */
void kvm_lapic_set_tpr(struct kvm_vcpu *vcpu, unsigned long cr8);
u64 kvm_lapic_get_cr8(struct kvm_vcpu *vcpu);
/** @} */
/** kvm_cpu_has_interrupt(), and in @tpr_blocked the highest IRR vector
 *  that the TPR alone holds back, or -1 (the vendor then arranges an exit
 *  for when the guest lowers CR8), from one round of the LAPIC's lock.
 *  Linux: kvm_cpu_has_injectable_intr(), update_cr8_intercept(). */
bool kvm_cpu_has_interrupt_tpr(struct kvm_vcpu *vcpu, int *tpr_blocked);
/** x2APIC registers as MSRs 0x800-0x8ff; 0 ok, 1 #GP.
 *  Linux: kvm_x2apic_msr_read(), kvm_x2apic_msr_write(). @{ */
int kvm_x2apic_msr_read(struct kvm_vcpu *vcpu, u32 msr, u64 *data);
int kvm_x2apic_msr_write(struct kvm_vcpu *vcpu, u32 msr, u64 data);
/** @} */
/** IA32_TSC_DEADLINE.  Linux: kvm_get/set_lapic_tscdeadline_msr(). @{ */
u64 kvm_get_lapic_tscdeadline_msr(struct kvm_vcpu *vcpu);
void kvm_set_lapic_tscdeadline_msr(struct kvm_vcpu *vcpu, u64 data);
/** @} */
/** KVM_GET_LAPIC / KVM_SET_LAPIC.  Linux: kvm_vcpu_ioctl_get_lapic(),
 *  kvm_vcpu_ioctl_set_lapic(). @{ */
int kvm_vcpu_ioctl_get_lapic(struct kvm_vcpu *vcpu, struct kvm_lapic_state *s);
int kvm_vcpu_ioctl_set_lapic(struct kvm_vcpu *vcpu, struct kvm_lapic_state *s);
/** @} */
#endif

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

#ifdef CONFIG_MINIKVM_LAPIC
/** The PIT drives GSI 0 as a source of its own, apart from userspace.
 *  minikvm keeps one level per pin (the last one set), which the PIT's
 *  pulses leave low; KVM ORs the sources.  Linux: the id that
 *  kvm_request_irq_source_id() hands kvm_create_pit(). */
#define KVM_PIT_IRQ_SOURCE_ID	2
#ifdef CONFIG_MINIKVM_FINAL
/** The level of resampling irqfds (eventfd.c), lowered at the guest's
 *  EOI.  Linux: KVM_IRQFD_RESAMPLE_IRQ_SOURCE_ID. */
#define KVM_IRQFD_RESAMPLE_IRQ_SOURCE_ID	1
#endif

/**
 * Told when the guest acknowledges an interrupt of GSI @c gsi: the PIC's
 * EOI (or its automatic EOI at INTA) for the pin, or the IOAPIC's EOI for
 * its vector.  The PIT counts its ticks with it (reinject mode).
 * Linux: struct kvm_irq_ack_notifier.
 */
struct kvm_irq_ack_notifier {
	struct hlist_node link;		/**< on kvm->irq_ack_notifier_list */
	unsigned int gsi;		/**< the GSI listened to */
	/** Called without the interrupt controller's lock, under RCU:
	 *  must not sleep. */
	void (*irq_acked)(struct kvm_irq_ack_notifier *kian);
};

/**
 * Told when the guest masks or unmasks a pin GSI @c irq is routed to: the
 * PIC's IMR bit or the IOAPIC entry's mask bit.
 * Linux: struct kvm_irq_mask_notifier.
 */
struct kvm_irq_mask_notifier {
	/** Called as kvm_irq_ack_notifier.irq_acked is; @masked the new state. */
	void (*func)(struct kvm_irq_mask_notifier *kimn, bool masked);
	int irq;			/**< the GSI listened to */
	struct hlist_node link;		/**< on kvm->irq_mask_notifier_list */
};

/* virt/kvm/irq_comm.c */
/** Listen for acknowledgements of kian->gsi.  Linux: kvm_register_irq_ack_notifier(). */
void kvm_register_irq_ack_notifier(struct kvm *kvm, struct kvm_irq_ack_notifier *kian);
/** Stop listening; when it returns no call to @kian runs any more.
 *  Sleeps.  Linux: kvm_unregister_irq_ack_notifier(). */
void kvm_unregister_irq_ack_notifier(struct kvm *kvm, struct kvm_irq_ack_notifier *kian);
/** The guest acknowledged input @pin of @irqchip (a PIC pin counts 0-15
 *  across the pair): tell the listeners of the GSI routed there.  Call
 *  without the chip's lock.  Linux: kvm_notify_acked_irq(). */
void kvm_notify_acked_irq(struct kvm *kvm, unsigned int irqchip, unsigned int pin);
/** Listen for mask changes of GSI @irq.  Linux: kvm_register_irq_mask_notifier(). */
void kvm_register_irq_mask_notifier(struct kvm *kvm, int irq,
				    struct kvm_irq_mask_notifier *kimn);
/** Stop listening; sleeps.  Linux: kvm_unregister_irq_mask_notifier(). */
void kvm_unregister_irq_mask_notifier(struct kvm *kvm, int irq,
				      struct kvm_irq_mask_notifier *kimn);
/** Input @pin of @irqchip was masked (@mask true) or unmasked: tell the
 *  listeners of its GSI.  Linux: kvm_fire_mask_notifiers(). */
void kvm_fire_mask_notifiers(struct kvm *kvm, unsigned int irqchip, unsigned int pin,
			     bool mask);

/* arch/x86/kvm/timer.c */
/** KVM_CREATE_PIT, KVM_CREATE_PIT2, KVM_GET/SET_PIT, KVM_GET/SET_PIT2 and
 *  KVM_REINJECT_CONTROL on a VM fd; -ENOTTY for any other ioctl.
 *  Linux: those cases of kvm_arch_vm_ioctl(). */
long kvm_vm_ioctl_pit(struct kvm *kvm, unsigned int ioctl, void __user *argp);
/** Stop and free the PIT of a VM being destroyed, before its vCPUs go
 *  (its timer raises interrupts that kick them).  Linux: kvm_free_pit(). */
void kvm_pit_destroy(struct kvm *kvm);
#endif

#endif
