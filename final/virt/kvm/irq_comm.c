// SPDX-License-Identifier: GPL-2.0
/**
 * @file irq_comm.c
 * @brief GSI routing: which interrupt-controller pins a Global System
 * Interrupt number drives (KVM_SET_GSI_ROUTING, KVM_IRQ_LINE).
 *
 * Userspace never names a PIC or IOAPIC pin when it raises a line: it
 * names a GSI, the number ACPI gives each interrupt source (ACPI 6.4,
 * 5.2.13 "Global System Interrupts").  The routing table maps each GSI to
 * up to one pin per interrupt controller.  KVM's default, set up by
 * KVM_CREATE_IRQCHIP, is the PC's: GSI n is IOAPIC pin n, and for n < 16
 * also PIC input n (the ISA IRQs; 0-7 on the master, 8-15 on the slave),
 * so a guest gets its interrupts whichever of the two it programs.  Note
 * that it is GSI 0 -> IOAPIC pin 0: the ISA timer's override to pin 2 is
 * the VMM's business (QEMU installs its own table).
 *
 * The table is replaced whole, never edited: a new one is built and
 * checked, published with rcu_assign_pointer() under kvm->irq_lock, and
 * the old one freed after a grace period.  kvm_set_irq() reads it under
 * RCU and so never waits for a writer.
 *
 * Chapters 03 to 05 know only irqchip entries (KVM_IRQ_ROUTING_IRQCHIP)
 * and refuse the others with KVM's answer for a type it does not know
 * (-EINVAL); final/ adds MSI entries, whose GSI sends a message to the
 * local APICs instead of driving a pin (kvm_set_msi()).  KVM links each
 * GSI's entries in a list; since a GSI has at most one irqchip entry per
 * controller, a fixed slot of KVM_NR_IRQCHIPS per GSI does here.
 *
 * Linux: virt/kvm/irqchip.c (kvm_set_irq(), kvm_set_irq_routing()),
 * arch/x86/kvm/irq_comm.c (kvm_set_routing_entry(), the default table),
 * and the KVM_SET_GSI_ROUTING case of kvm_vm_ioctl() (kvm_main.c).
 */
#include <linux/kvm.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/rcupdate.h>
#ifdef CONFIG_MINIKVM_LAPIC
#include <linux/rculist.h>
#endif
#include <linux/slab.h>
#include <linux/uaccess.h>

#include <minikvm/kvm_host.h>
#include <minikvm/i8259.h>

/** GSIs with a PIC input in the default table: the 16 ISA IRQs. */
#define ISA_NR_IRQS		PIC_NUM_PINS
/** Entries of the default table: IOAPIC and PIC for each ISA IRQ, then
 *  the IOAPIC alone for the other pins. */
#define DEFAULT_ROUTES		(ISA_NR_IRQS + KVM_IOAPIC_NUM_PINS)

/**
 * One route: a GSI drives one pin of one interrupt controller.
 * Linux: struct kvm_kernel_irq_routing_entry.
 */
struct kvm_kernel_irq_routing_entry {
	u32 gsi;		/**< the GSI */
	u32 type;		/**< KVM_IRQ_ROUTING_IRQCHIP (or _MSI in final/) */
	/** KVM_IRQCHIP_PIC_MASTER, _SLAVE or _IOAPIC, and its input.  A
	 *  PIC pin counts across the pair: 0-7 master, 8-15 slave. */
	struct {
		u32 irqchip;	/**< which controller */
		u32 pin;	/**< which of its inputs */
	} irqchip;
#ifdef CONFIG_MINIKVM_FINAL
	/** KVM_IRQ_ROUTING_MSI: the message raising the GSI sends. */
	struct {
		u32 address_lo, address_hi, data;
	} msi;
#endif
};

/** The routes of one GSI: at most one per interrupt controller. */
struct kvm_irq_routing_gsi {
	u32 nr;			/**< entries used in @c e */
	struct kvm_kernel_irq_routing_entry e[KVM_NR_IRQCHIPS];	/**< in table order */
};

/**
 * A routing table, as published in kvm->irq_routing.
 * Linux: struct kvm_irq_routing_table.
 */
struct kvm_irq_routing_table {
	u32 nr_rt_entries;	/**< GSIs 0 .. nr_rt_entries - 1 have a slot */
	struct kvm_irq_routing_gsi map[];	/**< by GSI */
};

/**
 * Send a level to the pin one route names.  Returns the pin's status.
 * Linux: kvm_set_pic_irq(), kvm_set_ioapic_irq() (the entries' ->set).
 */
static int kvm_set_routed_irq(struct kvm *kvm, const struct kvm_kernel_irq_routing_entry *e,
			      int level, bool line_status)
{
#ifdef CONFIG_MINIKVM_FINAL
	/* A message, not a line: raising sends it, lowering does nothing
	 * (-1, as KVM's kvm_set_msi() answers a level of 0). */
	if (e->type == KVM_IRQ_ROUTING_MSI)
		return level ? kvm_set_msi(kvm, e->msi.address_lo, e->msi.address_hi,
					   e->msi.data) : -1;
#endif
	if (e->irqchip.irqchip == KVM_IRQCHIP_IOAPIC)
		return kvm_ioapic_set_irq(kvm, e->irqchip.pin, level, line_status);
	return kvm_pic_set_irq(kvm, e->irqchip.pin, level);
}

/**
 * kvm_set_irq - set the level of GSI @gsi on every pin it is routed to.
 * @kvm: the VM, with an irqchip
 * @irq_source_id: who drives the line; only KVM_USERSPACE_IRQ_SOURCE_ID
 *	exists in chapter 03 (KVM ORs the levels of several sources per pin)
 * @gsi: the GSI
 * @level: 1 raise, 0 lower
 * @line_status: the caller wants the status (KVM_IRQ_LINE_STATUS)
 *
 * The routes are copied out under RCU and driven outside it, in table
 * order.  The statuses combine as KVM combines them: the pins that took
 * the level (status >= 0) add up; if none did, -1.  So with the default
 * table a raised ISA IRQ whose IOAPIC pin is masked reports the PIC's
 * answer, and a lowered one reports 2 (both pins).
 * Linux: kvm_set_irq() in virt/kvm/irqchip.c.
 */
int kvm_set_irq(struct kvm *kvm, int irq_source_id, u32 gsi, int level,
		bool line_status)
{
	struct kvm_kernel_irq_routing_entry set[KVM_NR_IRQCHIPS];
	struct kvm_irq_routing_table *rt;
	u32 i, n = 0;
	int ret = -1;

	rcu_read_lock();
	rt = rcu_dereference(kvm->irq_routing);
	if (rt && gsi < rt->nr_rt_entries) {
		n = rt->map[gsi].nr;
		memcpy(set, rt->map[gsi].e, n * sizeof(set[0]));
	}
	rcu_read_unlock();

	for (i = 0; i < n; i++) {
		int r = kvm_set_routed_irq(kvm, &set[i], level, line_status);

		if (r >= 0)
			ret = (ret < 0 ? 0 : ret) + r;
	}
	return ret;
}

/**
 * Check one entry from userspace and turn it into a route: an irqchip
 * entry naming a PIC input 0-7 or an IOAPIC pin 0-23.  Any other type,
 * controller or pin is -EINVAL, as in KVM.  A slave input becomes 8-15.
 * Linux: kvm_set_routing_entry() in arch/x86/kvm/irq_comm.c.
 */
static int kvm_set_routing_entry(struct kvm_kernel_irq_routing_entry *e,
				 const struct kvm_irq_routing_entry *ue)
{
	u32 pin = ue->u.irqchip.pin;

#ifdef CONFIG_MINIKVM_FINAL
	if (ue->type == KVM_IRQ_ROUTING_MSI) {
		e->gsi = ue->gsi;
		e->type = ue->type;
		e->msi.address_lo = ue->u.msi.address_lo;
		e->msi.address_hi = ue->u.msi.address_hi;
		e->msi.data = ue->u.msi.data;
		return 0;
	}
#endif
	if (ue->type != KVM_IRQ_ROUTING_IRQCHIP)
		return -EINVAL;
	switch (ue->u.irqchip.irqchip) {
	case KVM_IRQCHIP_PIC_MASTER:
	case KVM_IRQCHIP_PIC_SLAVE:
		if (pin >= PIC_NUM_PINS / 2)
			return -EINVAL;
		if (ue->u.irqchip.irqchip == KVM_IRQCHIP_PIC_SLAVE)
			pin += PIC_NUM_PINS / 2;
		break;
	case KVM_IRQCHIP_IOAPIC:
		if (pin >= KVM_IOAPIC_NUM_PINS)
			return -EINVAL;
		break;
	default:
		return -EINVAL;
	}
	e->gsi = ue->gsi;
	e->type = ue->type;
	e->irqchip.irqchip = ue->u.irqchip.irqchip;
	e->irqchip.pin = pin;
	return 0;
}

/**
 * Add entry @p ue to the table being built.  Its flags must be 0 (KVM
 * allows a flag only on MSI entries).  A GSI may drive several
 * controllers but each only once: a second entry for the same controller,
 * or anything next to a non-irqchip entry, is -EINVAL (KVM checks this
 * before the entry's own fields, and so do we).
 * Linux: the loop body of kvm_set_irq_routing(), setup_routing_entry().
 */
static int kvm_add_routing_entry(struct kvm_irq_routing_table *rt,
				 const struct kvm_irq_routing_entry *ue)
{
	struct kvm_irq_routing_gsi *m = &rt->map[ue->gsi];
	u32 i;
	int r;

#ifdef CONFIG_MINIKVM_FINAL
	/* An MSI entry may carry a device ID (ARM's ITS uses it; x86 KVM
	 * accepts and ignores it); no other flag, and nothing on others. */
	if (ue->flags & ~(ue->type == KVM_IRQ_ROUTING_MSI ? KVM_MSI_VALID_DEVID : 0))
		return -EINVAL;
#else
	if (ue->flags)
		return -EINVAL;
#endif
	for (i = 0; i < m->nr; i++)
		if (m->e[i].type != KVM_IRQ_ROUTING_IRQCHIP ||
		    ue->type != KVM_IRQ_ROUTING_IRQCHIP ||
		    m->e[i].irqchip.irqchip == ue->u.irqchip.irqchip)
			return -EINVAL;
	/* Distinct valid controllers: never more than the slots. */
	if (m->nr == ARRAY_SIZE(m->e))
		return -EINVAL;
	r = kvm_set_routing_entry(&m->e[m->nr], ue);
	if (r)
		return r;
	m->nr++;
	return 0;
}

/**
 * kvm_set_irq_routing - build a table from @nr entries and publish it.
 * @kvm: the VM
 * @ue: the entries, already copied into the kernel
 * @nr: how many (at most KVM_MAX_IRQ_ROUTES, checked by the caller)
 * @flags: 0 (checked by the caller)
 *
 * Every GSI must be below KVM_MAX_IRQ_ROUTES; the table gets a slot for
 * each GSI up to the largest named.  Nothing changes unless every entry
 * is valid.  When this returns, no kvm_set_irq() still uses the old
 * table.  Returns 0, -EINVAL or -ENOMEM.
 * Linux: kvm_set_irq_routing() in virt/kvm/irqchip.c.
 */
int kvm_set_irq_routing(struct kvm *kvm, const struct kvm_irq_routing_entry *ue,
			unsigned int nr, unsigned int flags)
{
	struct kvm_irq_routing_table *new, *old;
	u32 i, nr_rt_entries = 0;
	int r;

	for (i = 0; i < nr; i++) {
		if (ue[i].gsi >= KVM_MAX_IRQ_ROUTES)
			return -EINVAL;
		nr_rt_entries = max(nr_rt_entries, ue[i].gsi + 1);
	}
	new = kvzalloc(struct_size(new, map, nr_rt_entries), GFP_KERNEL_ACCOUNT);
	if (!new)
		return -ENOMEM;
	new->nr_rt_entries = nr_rt_entries;
	for (i = 0; i < nr; i++) {
		r = kvm_add_routing_entry(new, &ue[i]);
		if (r) {
			kvfree(new);
			return r;
		}
	}

	mutex_lock(&kvm->irq_lock);
	old = rcu_dereference_protected(kvm->irq_routing,
					lockdep_is_held(&kvm->irq_lock));
	rcu_assign_pointer(kvm->irq_routing, new);
	mutex_unlock(&kvm->irq_lock);

	synchronize_rcu();
	kvfree(old);
	return 0;
}

/**
 * kvm_setup_default_irq_routing - KVM's table for a new irqchip.
 * @kvm: the VM
 *
 * For each ISA IRQ n (0-15): IOAPIC pin n, then PIC input n % 8 of the
 * master (n < 8) or the slave; then IOAPIC pins 16-23 alone.  The order
 * is KVM's, and it is the order kvm_set_irq() drives the pins in.
 * Linux: kvm_setup_default_irq_routing(), default_routing[].
 */
int kvm_setup_default_irq_routing(struct kvm *kvm)
{
	struct kvm_irq_routing_entry *ue, *e;
	u32 gsi;
	int r;

	ue = kcalloc(DEFAULT_ROUTES, sizeof(*ue), GFP_KERNEL_ACCOUNT);
	if (!ue)
		return -ENOMEM;
	e = ue;
	for (gsi = 0; gsi < KVM_IOAPIC_NUM_PINS; gsi++) {
		e->gsi = gsi;
		e->type = KVM_IRQ_ROUTING_IRQCHIP;
		e->u.irqchip.irqchip = KVM_IRQCHIP_IOAPIC;
		e->u.irqchip.pin = gsi;
		e++;
		if (gsi >= ISA_NR_IRQS)
			continue;
		e->gsi = gsi;
		e->type = KVM_IRQ_ROUTING_IRQCHIP;
		e->u.irqchip.irqchip = gsi < 8 ? KVM_IRQCHIP_PIC_MASTER : KVM_IRQCHIP_PIC_SLAVE;
		e->u.irqchip.pin = gsi % 8;
		e++;
	}
	r = kvm_set_irq_routing(kvm, ue, DEFAULT_ROUTES, 0);
	kfree(ue);
	return r;
}

/**
 * kvm_vm_ioctl_set_gsi_routing - KVM_SET_GSI_ROUTING.
 * @kvm: the VM
 * @argp: a struct kvm_irq_routing and its entries, in userspace
 *
 * KVM's order of checks: the header is copied in (-EFAULT); routing needs
 * an in-kernel irqchip, at most KVM_MAX_IRQ_ROUTES entries and no flags
 * (-EINVAL); then the entries are copied in (-EFAULT) and checked
 * (-EINVAL).  An empty table is allowed: every GSI then goes nowhere.
 * Linux: the KVM_SET_GSI_ROUTING case of kvm_vm_ioctl(),
 * kvm_arch_can_set_irq_routing().
 */
int kvm_vm_ioctl_set_gsi_routing(struct kvm *kvm, void __user *argp)
{
	struct kvm_irq_routing __user *urouting = argp;
	struct kvm_irq_routing_entry *entries = NULL;
	struct kvm_irq_routing routing;
	int r;

	if (copy_from_user(&routing, urouting, sizeof(routing)))
		return -EFAULT;
	if (!irqchip_in_kernel(kvm) || routing.nr > KVM_MAX_IRQ_ROUTES || routing.flags)
		return -EINVAL;
	if (routing.nr) {
		entries = vmemdup_user(urouting->entries,
				       array_size(sizeof(*entries), routing.nr));
		if (IS_ERR(entries))
			return PTR_ERR(entries);
	}
	r = kvm_set_irq_routing(kvm, entries, routing.nr, routing.flags);
	kvfree(entries);
	return r;
}

/**
 * kvm_free_irq_routing - free the table of a VM being destroyed.
 * @kvm: the VM; nothing reads its table any more
 *
 * Linux: kvm_free_irq_routing().
 */
void kvm_free_irq_routing(struct kvm *kvm)
{
	kvfree(rcu_access_pointer(kvm->irq_routing));
	RCU_INIT_POINTER(kvm->irq_routing, NULL);
}

#ifdef CONFIG_MINIKVM_LAPIC
/* ---------------------------------------------------------------------- */
/* Ack and mask notifiers                                                   */
/* ---------------------------------------------------------------------- */

/*
 * A device that counts its interrupts (the PIT in reinject mode) must
 * know when the guest has taken one: the interrupt controllers report
 * each EOI and each mask change of an input pin, and these turn the pin
 * back into the GSI that listeners registered for.  The lists change
 * under kvm->irq_lock and are walked under RCU, so the controllers never
 * wait for a listener to come or go.
 */

/**
 * kvm_irq_map_chip_pin - the GSI routed to input @pin of @irqchip, or -1.
 * @kvm: the VM
 * @irqchip: KVM_IRQCHIP_PIC_MASTER, _SLAVE or _IOAPIC
 * @pin: the input; a PIC pin counts across the pair (8-15 the slave's)
 *
 * The first GSI in table order, if several drive the pin.  The caller
 * holds rcu_read_lock().  KVM keeps a reverse table for this; a walk over
 * the routes is enough while only the PIT listens.
 * Linux: kvm_irq_map_chip_pin().
 */
static int kvm_irq_map_chip_pin(struct kvm *kvm, unsigned int irqchip, unsigned int pin)
{
	struct kvm_irq_routing_table *rt = rcu_dereference(kvm->irq_routing);
	u32 gsi, i;

	for (gsi = 0; rt && gsi < rt->nr_rt_entries; gsi++)
		for (i = 0; i < rt->map[gsi].nr; i++)
			if (rt->map[gsi].e[i].irqchip.irqchip == irqchip &&
			    rt->map[gsi].e[i].irqchip.pin == pin)
				return gsi;
	return -1;
}

/** Linux: kvm_register_irq_ack_notifier(). */
void kvm_register_irq_ack_notifier(struct kvm *kvm, struct kvm_irq_ack_notifier *kian)
{
	mutex_lock(&kvm->irq_lock);
	hlist_add_head_rcu(&kian->link, &kvm->irq_ack_notifier_list);
	mutex_unlock(&kvm->irq_lock);
}

/** Linux: kvm_unregister_irq_ack_notifier(). */
void kvm_unregister_irq_ack_notifier(struct kvm *kvm, struct kvm_irq_ack_notifier *kian)
{
	mutex_lock(&kvm->irq_lock);
	hlist_del_init_rcu(&kian->link);
	mutex_unlock(&kvm->irq_lock);
	synchronize_rcu();
}

/**
 * kvm_notify_acked_irq - the guest acknowledged input @pin of @irqchip.
 * @kvm: the VM
 * @irqchip: KVM_IRQCHIP_PIC_MASTER, _SLAVE or _IOAPIC
 * @pin: the input (PIC: 0-15 across the pair)
 *
 * Linux: kvm_notify_acked_irq(), kvm_notify_acked_gsi().
 */
void kvm_notify_acked_irq(struct kvm *kvm, unsigned int irqchip, unsigned int pin)
{
	struct kvm_irq_ack_notifier *kian;
	int gsi;

	if (hlist_empty(&kvm->irq_ack_notifier_list))	/* most VMs: no PIT */
		return;
	rcu_read_lock();
	gsi = kvm_irq_map_chip_pin(kvm, irqchip, pin);
	if (gsi >= 0)
		hlist_for_each_entry_rcu(kian, &kvm->irq_ack_notifier_list, link)
			if (kian->gsi == gsi)
				kian->irq_acked(kian);
	rcu_read_unlock();
}

/** Linux: kvm_register_irq_mask_notifier(). */
void kvm_register_irq_mask_notifier(struct kvm *kvm, int irq,
				    struct kvm_irq_mask_notifier *kimn)
{
	mutex_lock(&kvm->irq_lock);
	kimn->irq = irq;
	hlist_add_head_rcu(&kimn->link, &kvm->irq_mask_notifier_list);
	mutex_unlock(&kvm->irq_lock);
}

/** Linux: kvm_unregister_irq_mask_notifier(). */
void kvm_unregister_irq_mask_notifier(struct kvm *kvm, int irq,
				      struct kvm_irq_mask_notifier *kimn)
{
	mutex_lock(&kvm->irq_lock);
	hlist_del_init_rcu(&kimn->link);
	mutex_unlock(&kvm->irq_lock);
	synchronize_rcu();
}

/**
 * kvm_fire_mask_notifiers - input @pin of @irqchip was (un)masked.
 * @kvm: the VM
 * @irqchip: KVM_IRQCHIP_PIC_MASTER, _SLAVE or _IOAPIC
 * @pin: the input (PIC: 0-15 across the pair)
 * @mask: the new state
 *
 * Linux: kvm_fire_mask_notifiers().
 */
void kvm_fire_mask_notifiers(struct kvm *kvm, unsigned int irqchip, unsigned int pin,
			     bool mask)
{
	struct kvm_irq_mask_notifier *kimn;
	int gsi;

	if (hlist_empty(&kvm->irq_mask_notifier_list))
		return;
	rcu_read_lock();
	gsi = kvm_irq_map_chip_pin(kvm, irqchip, pin);
	if (gsi >= 0)
		hlist_for_each_entry_rcu(kimn, &kvm->irq_mask_notifier_list, link)
			if (kimn->irq == gsi)
				kimn->func(kimn, mask);
	rcu_read_unlock();
}
#endif
