// SPDX-License-Identifier: GPL-2.0
/**
 * @file irq.c
 * @brief The in-kernel irqchip of a VM (KVM_CREATE_IRQCHIP): the i8259
 * pair and the IOAPIC given a lock, put on the I/O bus and wired to the
 * vCPUs; the irqchip ioctls; and what a vCPU asks before each entry.
 *
 * The device models (i8259.c, ioapic.c) are plain C and know nothing of
 * vCPUs: each reports through one callback (the PIC's INT output changed;
 * the IOAPIC has a message to send).  This file turns those into work for
 * a vCPU: a vector or an NMI to take, a KVM_REQ_EVENT request, a kick.
 *
 * Locks: each chip has a spinlock (the models run under it); vCPUs are
 * kicked after the PIC's lock is dropped, as the PIC's INTA runs under it
 * from the vCPU itself.  KVM_CREATE_IRQCHIP runs under kvm->lock, which
 * it takes before slots_lock (the bus) and irq_lock (routing).
 *
 * Linux: arch/x86/kvm/irq.c, the kvm glue halves of i8259.c and ioapic.c,
 * the irqchip cases of kvm_arch_vm_ioctl() (x86.c) and of kvm_vm_ioctl()
 * (virt/kvm/kvm_main.c), and kvm_irq_delivery_to_apic() (irq_comm.c).
 */
#include <linux/kvm.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>

#include <minikvm/kvm_host.h>
#include <minikvm/i8259.h>
#include <minikvm/ioapic.h>
#ifdef CONFIG_MINIKVM_LAPIC
#include <linux/hrtimer.h>
#include <asm/apicdef.h>
#include <asm/tsc.h>
#include <minikvm/lapic.h>
#endif

#ifndef CONFIG_MINIKVM_LAPIC
/*
 * Chapter 03 has no local APIC, so two shortcuts stand where KVM has one:
 *  - the PIC's INT output goes to the boot vCPU (vcpu_id 0) as ExtINT.
 *    KVM sends it to every vCPU whose LAPIC accepts PIC interrupts
 *    (kvm_apic_accept_pic_intr()); after reset that is the BSP only, whose
 *    LINT0 KVM programs as ExtINT (KVM_X86_QUIRK_LINT0_REENABLED);
 *  - an IOAPIC message sets its vector in the target's
 *    vcpu->arch.pending_vectors (the LAPIC's IRR to be).  Who the target
 *    is and whether it accepts is the LAPIC's decision (Intel SDM Vol. 3A,
 *    11.6.2 "Determining IPI Destination"); until chapter 04 every vCPU
 *    accepts, with the APIC ID its vcpu_id and flat logical IDs.  Real KVM
 *    drops fixed interrupts while the guest's LAPIC is software-disabled
 *    (SVR bit 8, clear at reset): a guest meant for both must enable it.
 */
#endif

/** Physical destination 0xff: every local APIC (Intel SDM Vol. 3A, 11.6.2.1). */
#define APIC_BROADCAST		0xff
/** Flat logical destinations name at most 8 APICs, one bit each (11.6.2.2). */
#define APIC_FLAT_MAX		8

/**
 * One of the PIC pair's three port ranges on the I/O bus.  The bus hands
 * a device only its struct kvm_io_device; this finds the pair from it.
 */
struct kvm_vpic_dev {
	struct kvm_io_device dev;	/**< registered on KVM_PIO_BUS */
	struct kvm_vpic *vpic;		/**< the pair it belongs to */
};

/**
 * The PIC pair of a VM.  Linux: struct kvm_pic in arch/x86/kvm/irq.h,
 * where the model's state and the glue share one struct.
 */
struct kvm_vpic {
	spinlock_t lock;		/**< the model runs under it */
	struct kvm_pic pic;		/**< the model (i8259.c) */
	struct kvm *kvm;		/**< the VM it belongs to */
	/** The INT output rose under the lock: kick the vCPU once it is
	 *  dropped.  Linux: kvm_pic.wakeup_needed. */
	bool wakeup_needed;
	/** 0x20-0x21, 0xa0-0xa1, 0x4d0-0x4d1 (the ELCR) @{ */
	struct kvm_vpic_dev dev_master, dev_slave, dev_elcr;
	/** @} */
};

/** The IOAPIC of a VM.  Linux: struct kvm_ioapic in arch/x86/kvm/ioapic.h. */
struct kvm_vioapic {
	spinlock_t lock;		/**< the model runs under it */
	struct kvm_ioapic ioapic;	/**< the model (ioapic.c) */
	struct kvm *kvm;		/**< the VM it belongs to */
	struct kvm_io_device dev;	/**< its MMIO window on KVM_MMIO_BUS */
};

/**
 * irqchip_in_kernel - has KVM_CREATE_IRQCHIP been done?
 * @kvm: the VM
 *
 * The acquire pairs with the release that publishes the irqchip, so a
 * caller that sees it also sees the IOAPIC and the routing table.
 * Linux: irqchip_in_kernel() (irqchip_mode, read after smp_rmb()).
 */
bool irqchip_in_kernel(struct kvm *kvm)
{
	return smp_load_acquire(&kvm->arch.vpic) != NULL;
}
EXPORT_SYMBOL_GPL(irqchip_in_kernel);

/* ---------------------------------------------------------------------- */
/* The PIC pair                                                             */
/* ---------------------------------------------------------------------- */

#ifdef CONFIG_MINIKVM_LAPIC
struct kvm_vlapic;
static bool kvm_apic_accept_pic_intr(struct kvm_vcpu *vcpu);
static int kvm_apic_deliver(struct kvm *kvm, struct kvm_vlapic *src,
			    const struct lapic_irq *irq);

/** The vCPU that takes the PIC's interrupts, or NULL: the first whose
 *  LAPIC lets them in through LINT0 (after reset, the boot vCPU's).
 *  Linux: the loop in pic_unlock(). */
static struct kvm_vcpu *kvm_pic_target(struct kvm *kvm)
{
	int i, n = READ_ONCE(kvm->created_vcpus);

	smp_rmb();	/* the count before the pointers */
	for (i = 0; i < n; i++)
		if (kvm_apic_accept_pic_intr(kvm->vcpus[i]))
			return kvm->vcpus[i];
	return NULL;
}
#else
/** The vCPU that takes the PIC's interrupts, or NULL: the boot vCPU. */
static struct kvm_vcpu *kvm_pic_target(struct kvm *kvm)
{
	return kvm_get_vcpu_by_id(kvm, BSP_VCPU_ID);
}
#endif

/** Take the pair's lock.  Linux: pic_lock(). */
static void pic_lock(struct kvm_vpic *s)
{
	spin_lock(&s->lock);
}

/**
 * pic_unlock - drop the pair's lock, then wake the vCPU if the INT output
 * rose meanwhile.  The kick comes after the unlock because the vCPU takes
 * this lock itself for the INTA (kvm_cpu_get_interrupt()).
 * @s: the pair
 *
 * Linux: pic_unlock().
 */
static void pic_unlock(struct kvm_vpic *s)
{
	bool wakeup = s->wakeup_needed;
	struct kvm_vcpu *vcpu;

	s->wakeup_needed = false;
	spin_unlock(&s->lock);

	if (!wakeup)
		return;
	vcpu = kvm_pic_target(s->kvm);
	if (vcpu) {
		kvm_make_request(KVM_REQ_EVENT, vcpu);
		kvm_vcpu_kick(vcpu);
	}
}

/**
 * The model's INT output changed (called under the lock): on a rise,
 * note that the vCPU must be woken.  Linux: pic_irq_request().
 */
static void pic_output_changed(void *opaque, bool level)
{
	struct kvm_vpic *s = opaque;

	if (level)
		s->wakeup_needed = true;
}

#ifdef CONFIG_MINIKVM_LAPIC
/**
 * What the pair's in-service and mask registers held at one moment.  The
 * model reports no EOIs and no mask changes, so the glue compares the
 * registers around each access instead and tells the ack and mask
 * notifiers (the PIT's reinject bookkeeping) what changed.
 */
struct pic_regs {
	u8 isr[2];	/**< per chip: in service */
	u8 imr[2];	/**< per chip: masked */
	u8 irr[2];	/**< per chip: requested */
};

/** Take a copy of the registers; the caller holds the pair's lock. */
static void pic_regs_save(const struct kvm_vpic *s, struct pic_regs *r)
{
	int i;

	for (i = 0; i < 2; i++) {
		r->isr[i] = s->pic.pics[i].isr;
		r->imr[i] = s->pic.pics[i].imr;
		r->irr[i] = s->pic.pics[i].irr;
	}
}

/**
 * pic_regs_notify - tell the notifiers what changed from @old to @new:
 * an ISR bit cleared is an EOI (KVM: pic_clear_isr()), an IMR bit
 * flipped a mask change (KVM: the OCW1 case of pic_ioport_write()).
 * Called after the lock is dropped, as KVM does, so that a listener may
 * raise a line on the PIC again.
 * @kvm: the VM
 * @old: the registers before the access
 * @new: and after it
 */
static void pic_regs_notify(struct kvm *kvm, const struct pic_regs *old,
			    const struct pic_regs *new)
{
	int i, irq;

	for (i = 0; i < 2; i++) {
		u8 acked = old->isr[i] & ~new->isr[i];
		u8 flipped = old->imr[i] ^ new->imr[i];

		for (irq = 0; irq < 8; irq++) {
			if (acked & BIT(irq))
				kvm_notify_acked_irq(kvm, i, irq + 8 * i);
			if (flipped & BIT(irq))
				kvm_fire_mask_notifiers(kvm, i, irq + 8 * i,
							new->imr[i] & BIT(irq));
		}
	}
}

/**
 * pic_aeoi_notify - in automatic EOI mode the INTA itself ends the
 * interrupt (ISR set and cleared at once, so pic_regs_notify() sees
 * nothing): tell the ack notifiers of the input that @vector came from,
 * if it really was requested (not the spurious IR7).
 * @s: the pair, unlocked (the registers read are the guest's, stable
 *	enough for the ack of one INTA)
 * @old: the registers before the INTA
 * @vector: what the INTA returned
 */
static void pic_aeoi_notify(struct kvm_vpic *s, const struct pic_regs *old, int vector)
{
	int i;

	for (i = 0; i < 2; i++) {
		const struct kvm_pic_state *c = &s->pic.pics[i];
		int irq = vector & 7;

		if ((vector & 0xf8) != c->irq_base || !c->auto_eoi)
			continue;
		if (old->irr[i] & BIT(irq))
			kvm_notify_acked_irq(s->kvm, i, irq + 8 * i);
		return;
	}
}
#endif

/**
 * kvm_pic_set_irq - drive PIC input @pin to @level.
 * @kvm: the VM (with an irqchip)
 * @pin: 0-7 the master's inputs, 8-15 the slave's
 * @level: nonzero asserted
 *
 * Returns the line status.  Linux: kvm_pic_set_irq().
 */
int kvm_pic_set_irq(struct kvm *kvm, int pin, int level)
{
	struct kvm_vpic *s = kvm->arch.vpic;
	int ret;

	pic_lock(s);
	ret = i8259_set_irq(&s->pic, pin, !!level);
	pic_unlock(s);
	return ret;
}

/**
 * The PIC's INTA cycle for @p vcpu: the vector to deliver (spurious IRQ 7
 * if the request went away).  An interrupt still pending afterwards is
 * the caller's to see (kvm_cpu_has_interrupt() opens a window for it);
 * Linux's INTA also posts KVM_REQ_EVENT to the vCPU itself, as a side
 * effect of dropping the output first.  Linux: kvm_pic_read_irq().
 */
static int kvm_pic_read_irq(struct kvm_vcpu *vcpu)
{
	struct kvm_vpic *s = vcpu->kvm->arch.vpic;
#ifdef CONFIG_MINIKVM_LAPIC
	struct pic_regs old;
#endif
	int vector;

	pic_lock(s);
#ifdef CONFIG_MINIKVM_LAPIC
	pic_regs_save(s, &old);
#endif
	vector = i8259_read_irq(&s->pic);
	pic_unlock(s);
#ifdef CONFIG_MINIKVM_LAPIC
	pic_aeoi_notify(s, &old, vector);
#endif
	return vector;
}

/** The pair of one of its bus devices. */
static struct kvm_vpic *to_vpic(struct kvm_io_device *dev)
{
	return container_of(dev, struct kvm_vpic_dev, dev)->vpic;
}

/**
 * An IN from the pair's ports.  The model answers -EOPNOTSUPP for a port
 * that is not the PIC's; a read wider than a byte reads 0, as in KVM.
 * Linux: picdev_read() and its per-device wrappers.
 */
static int picdev_read(struct kvm_vcpu *vcpu, struct kvm_io_device *dev,
		       gpa_t addr, int len, void *val)
{
	struct kvm_vpic *s = to_vpic(dev);
#ifdef CONFIG_MINIKVM_LAPIC
	struct pic_regs old, new;
#endif
	int r;

	pic_lock(s);
#ifdef CONFIG_MINIKVM_LAPIC
	pic_regs_save(s, &old);		/* a poll read ends an interrupt too */
#endif
	r = i8259_ioport_read(&s->pic, addr, len, val);
#ifdef CONFIG_MINIKVM_LAPIC
	pic_regs_save(s, &new);
#endif
	pic_unlock(s);
#ifdef CONFIG_MINIKVM_LAPIC
	pic_regs_notify(s->kvm, &old, &new);
#endif
	return r;
}

/** An OUT to the pair's ports; wider than a byte is ignored, as in KVM.
 *  Linux: picdev_write(). */
static int picdev_write(struct kvm_vcpu *vcpu, struct kvm_io_device *dev,
			gpa_t addr, int len, const void *val)
{
	struct kvm_vpic *s = to_vpic(dev);
#ifdef CONFIG_MINIKVM_LAPIC
	struct pic_regs old, new;
#endif
	int r;

	pic_lock(s);
#ifdef CONFIG_MINIKVM_LAPIC
	pic_regs_save(s, &old);
#endif
	r = i8259_ioport_write(&s->pic, addr, len, val);
#ifdef CONFIG_MINIKVM_LAPIC
	pic_regs_save(s, &new);
#endif
	pic_unlock(s);
#ifdef CONFIG_MINIKVM_LAPIC
	pic_regs_notify(s->kvm, &old, &new);
#endif
	return r;
}

/** The three port ranges share their ops: the model decodes the port. */
static const struct kvm_io_device_ops picdev_ops = {
	.read = picdev_read,
	.write = picdev_write,
};

/** Put one of the pair's port ranges on the PIO bus; the caller holds
 *  kvm->slots_lock. */
static int kvm_pic_register(struct kvm_vpic *s, struct kvm_vpic_dev *d, u16 port)
{
	d->vpic = s;
	kvm_iodevice_init(&d->dev, &picdev_ops);
	return kvm_io_bus_register_dev(s->kvm, KVM_PIO_BUS, port, 2, &d->dev);
}

/**
 * kvm_pic_create - the PIC pair, reset and on the bus at its six ports.
 * @kvm: the VM
 *
 * Returns the pair, or an ERR_PTR().  Linux: kvm_pic_init().
 */
static struct kvm_vpic *kvm_pic_create(struct kvm *kvm)
{
	struct kvm_vpic *s;
	int r;

	s = kzalloc(sizeof(*s), GFP_KERNEL_ACCOUNT);
	if (!s)
		return ERR_PTR(-ENOMEM);
	spin_lock_init(&s->lock);
	s->kvm = kvm;
	i8259_init(&s->pic, pic_output_changed, s);

	mutex_lock(&kvm->slots_lock);
	r = kvm_pic_register(s, &s->dev_master, PIC_MASTER_CMD);
	if (r)
		goto out_unlock;
	r = kvm_pic_register(s, &s->dev_slave, PIC_SLAVE_CMD);
	if (r)
		goto out_unreg_master;
	r = kvm_pic_register(s, &s->dev_elcr, PIC_ELCR_MASTER);
	if (r)
		goto out_unreg_slave;
	mutex_unlock(&kvm->slots_lock);
	return s;

out_unreg_slave:
	kvm_io_bus_unregister_dev(kvm, KVM_PIO_BUS, &s->dev_slave.dev);
out_unreg_master:
	kvm_io_bus_unregister_dev(kvm, KVM_PIO_BUS, &s->dev_master.dev);
out_unlock:
	mutex_unlock(&kvm->slots_lock);
	kfree(s);
	return ERR_PTR(r);
}

/** Take the pair off the bus and free it.  Linux: kvm_pic_destroy(). */
static void kvm_pic_destroy(struct kvm *kvm, struct kvm_vpic *s)
{
	mutex_lock(&kvm->slots_lock);
	kvm_io_bus_unregister_dev(kvm, KVM_PIO_BUS, &s->dev_elcr.dev);
	kvm_io_bus_unregister_dev(kvm, KVM_PIO_BUS, &s->dev_slave.dev);
	kvm_io_bus_unregister_dev(kvm, KVM_PIO_BUS, &s->dev_master.dev);
	mutex_unlock(&kvm->slots_lock);
	kfree(s);
}

/* ---------------------------------------------------------------------- */
/* IOAPIC messages to vCPUs                                                 */
/* ---------------------------------------------------------------------- */

#ifndef CONFIG_MINIKVM_LAPIC
/**
 * Is @p vcpu a destination of @p irq?  What a local APIC decides (Intel
 * SDM Vol. 3A, 11.6.2): physical mode names one APIC ID, or 0xff for all;
 * logical mode in the flat model is a bitmask of the APICs' logical IDs.
 * Until chapter 04 brings the LAPIC, the APIC ID is the vcpu_id (as KVM
 * sets it at reset) and vCPU n has logical ID 1 << n (KVM's reset LDR is
 * 0, so the guest must program it there first).
 * Linux: kvm_apic_match_dest().
 */
static bool kvm_irq_match_dest(struct kvm_vcpu *vcpu, const struct ioapic_irq *irq)
{
	if (!irq->dest_mode)
		return irq->dest_id == APIC_BROADCAST || irq->dest_id == vcpu->vcpu_id;
	return vcpu->vcpu_id < APIC_FLAT_MAX && (irq->dest_id & (1u << vcpu->vcpu_id));
}

/**
 * Hand one message to one vCPU; returns 1 if it took it, else 0.
 * Fixed and lowest-priority: the vector becomes pending.  NMI: queued.
 * ExtINT is not a message a local APIC takes (KVM ignores it: the PIC
 * reaches the CPU through LINT0, see kvm_cpu_has_extint()).  SMI and INIT
 * need the LAPIC and SMM/INIT emulation that minikvm does not have: not
 * accepted (KVM accepts them).
 * Linux: __apic_accept_irq().
 */
static int kvm_irq_accept(struct kvm_vcpu *vcpu, const struct ioapic_irq *irq)
{
	switch (irq->delivery_mode) {
	case IOAPIC_FIXED:
	case IOAPIC_LOWEST_PRIORITY:
		set_bit(irq->vector, vcpu->arch.pending_vectors);
		kvm_make_request(KVM_REQ_EVENT, vcpu);
		kvm_vcpu_kick(vcpu);
		return 1;
	case IOAPIC_NMI:
		kvm_inject_nmi(vcpu);	/* requests and kicks itself */
		return 1;
	default:
		return 0;
	}
}

/**
 * ioapic_deliver - the IOAPIC's deliver callback: send @irq to the vCPUs
 * it names.  Runs under the IOAPIC's lock.
 * @opaque: the struct kvm_vioapic
 * @irq: the redirection entry's message
 *
 * Lowest priority goes to one of the matching vCPUs, picked by vector as
 * KVM's vector hashing does (the vector modulo the number of candidates);
 * a physical broadcast in lowest priority is sent as fixed, as KVM does.
 * Returns -1 if no vCPU matched, else how many accepted it.
 * Linux: kvm_irq_delivery_to_apic().
 */
static int ioapic_deliver(void *opaque, const struct ioapic_irq *irq)
{
	struct kvm_vioapic *s = opaque;
	struct kvm *kvm = s->kvm;
	struct kvm_vcpu *targets[KVM_MAX_VCPUS];
	struct ioapic_irq msg = *irq;
	int i, n, nr = 0, r = 0;

	if (!msg.dest_mode && msg.dest_id == APIC_BROADCAST &&
	    msg.delivery_mode == IOAPIC_LOWEST_PRIORITY)
		msg.delivery_mode = IOAPIC_FIXED;

	n = READ_ONCE(kvm->created_vcpus);
	smp_rmb();	/* the count before the pointers: kvm_vm_ioctl_create_vcpu() */
	for (i = 0; i < n; i++)
		if (kvm_irq_match_dest(kvm->vcpus[i], &msg))
			targets[nr++] = kvm->vcpus[i];
	if (!nr)
		return -1;

	if (msg.delivery_mode == IOAPIC_LOWEST_PRIORITY)
		return kvm_irq_accept(targets[msg.vector % nr], &msg);
	for (i = 0; i < nr; i++)
		r += kvm_irq_accept(targets[i], &msg);
	return r;
}
#else
/**
 * ioapic_deliver - the IOAPIC's deliver callback: a redirection entry's
 * message goes to the local APICs like any other (Intel SDM Vol. 3A,
 * 11.6.2); they decide whether they are named.  ExtINT is not a message
 * a local APIC takes (the PIC reaches the CPU through LINT0).  Runs
 * under the IOAPIC's lock, which comes before the LAPICs' locks.
 * @opaque: the struct kvm_vioapic
 * @irq: the redirection entry's message
 *
 * Returns -1 if no APIC was named, else how many accepted it.
 * Linux: ioapic_service() -> kvm_irq_delivery_to_apic().
 */
static int ioapic_deliver(void *opaque, const struct ioapic_irq *irq)
{
	struct kvm_vioapic *s = opaque;
	struct lapic_irq msg = {
		.vector = irq->vector,
		.delivery_mode = irq->delivery_mode << 8,	/* ICR bits 10:8 */
		.dest_mode = irq->dest_mode,
		.level = 1,
		.trig_mode = irq->trig_mode,
		.shorthand = LAPIC_DEST_NOSHORT,
		.dest_id = irq->dest_id,
	};

	if (irq->delivery_mode == IOAPIC_EXTINT)
		return -1;
	return kvm_apic_deliver(s->kvm, NULL, &msg);
}

/**
 * kvm_ioapic_update_eoi - a LAPIC took the EOI of @vector: whoever waits
 * for the guest to acknowledge an input with that vector (the PIT in
 * reinject mode, a resampling irqfd), edge or level, hears of it first,
 * without the lock; then a level entry with that vector drops its Remote
 * IRR, and delivers again if its line is still high (82093AA datasheet
 * 3.2.4).  In that order, as KVM: a listener that lowers the line at the
 * EOI (the irqfd resampler) must do so before the IOAPIC looks at it, or
 * the guest would take the interrupt a second time.
 * @kvm: the VM
 * @vector: the vector that left the ISR
 * @trig_mode: IOAPIC_LEVEL_TRIG if the LAPIC had it level-triggered (TMR)
 *
 * Linux: kvm_ioapic_update_eoi() -> kvm_ioapic_update_eoi_one().
 */
static void kvm_ioapic_update_eoi(struct kvm *kvm, int vector, int trig_mode)
{
	struct kvm_vioapic *s = kvm->arch.vioapic;
	unsigned long pins = 0;
	int pin;

	spin_lock(&s->lock);
	for (pin = 0; pin < IOAPIC_NUM_PINS; pin++)
		if (s->ioapic.state.redirtbl[pin].fields.vector == vector)
			__set_bit(pin, &pins);
	spin_unlock(&s->lock);

	for_each_set_bit(pin, &pins, IOAPIC_NUM_PINS)
		kvm_notify_acked_irq(kvm, KVM_IRQCHIP_IOAPIC, pin);

	if (trig_mode == IOAPIC_LEVEL_TRIG) {
		spin_lock(&s->lock);
		ioapic_update_eoi(&s->ioapic, vector, IOAPIC_LEVEL_TRIG);
		spin_unlock(&s->lock);
	}
}
#endif

/**
 * kvm_ioapic_set_irq - drive IOAPIC input @pin to @level.
 * @kvm: the VM (with an irqchip)
 * @pin: 0-23
 * @level: nonzero asserted
 * @line_status: KVM_IRQ_LINE_STATUS is asking.  KVM uses it for one
 *	thing, the RTC's GSI 8, which it reports coalesced until the LAPIC
 *	saw the EOI of its last interrupt; with no LAPIC that waits for
 *	chapter 04.
 *
 * Returns the line status.  Linux: kvm_ioapic_set_irq().
 */
int kvm_ioapic_set_irq(struct kvm *kvm, int pin, int level, bool line_status)
{
	struct kvm_vioapic *s = kvm->arch.vioapic;
	int ret;

	spin_lock(&s->lock);
	ret = ioapic_set_irq(&s->ioapic, pin, !!level);
	spin_unlock(&s->lock);
	return ret;
}

/** The IOAPIC of its bus device. */
static struct kvm_vioapic *to_vioapic(struct kvm_io_device *dev)
{
	return container_of(dev, struct kvm_vioapic, dev);
}

/** A load from the IOAPIC's window.  Linux: ioapic_mmio_read(). */
static int ioapic_dev_read(struct kvm_vcpu *vcpu, struct kvm_io_device *dev,
			   gpa_t addr, int len, void *val)
{
	struct kvm_vioapic *s = to_vioapic(dev);
	int r;

	spin_lock(&s->lock);
	r = ioapic_mmio_read(&s->ioapic, addr, len, val);
	spin_unlock(&s->lock);
	return r;
}

/** A store to the IOAPIC's window.  Linux: ioapic_mmio_write(). */
static int ioapic_dev_write(struct kvm_vcpu *vcpu, struct kvm_io_device *dev,
			    gpa_t addr, int len, const void *val)
{
	struct kvm_vioapic *s = to_vioapic(dev);
#ifdef CONFIG_MINIKVM_LAPIC
	u32 old = 0, new = 0;
	int pin;
#endif
	int r;

	spin_lock(&s->lock);
#ifdef CONFIG_MINIKVM_LAPIC
	for (pin = 0; pin < IOAPIC_NUM_PINS; pin++)
		old |= (u32)s->ioapic.state.redirtbl[pin].fields.mask << pin;
#endif
	r = ioapic_mmio_write(&s->ioapic, addr, len, val);
#ifdef CONFIG_MINIKVM_LAPIC
	for (pin = 0; pin < IOAPIC_NUM_PINS; pin++)
		new |= (u32)s->ioapic.state.redirtbl[pin].fields.mask << pin;
#endif
	spin_unlock(&s->lock);
#ifdef CONFIG_MINIKVM_LAPIC
	/* Mask changes go to the notifiers (KVM: ioapic_write_indirect()). */
	for (pin = 0; pin < IOAPIC_NUM_PINS; pin++)
		if ((old ^ new) & BIT(pin))
			kvm_fire_mask_notifiers(s->kvm, KVM_IRQCHIP_IOAPIC, pin,
						new & BIT(pin));
#endif
	return r;
}

/** The IOAPIC's MMIO ops. */
static const struct kvm_io_device_ops ioapic_mmio_ops = {
	.read = ioapic_dev_read,
	.write = ioapic_dev_write,
};

/**
 * kvm_ioapic_create - the IOAPIC, reset and on the MMIO bus at
 * 0xfec00000.
 * @kvm: the VM
 *
 * Returns it, or an ERR_PTR().  Linux: kvm_ioapic_init().
 */
static struct kvm_vioapic *kvm_ioapic_create(struct kvm *kvm)
{
	struct kvm_vioapic *s;
	int r;

	s = kzalloc(sizeof(*s), GFP_KERNEL_ACCOUNT);
	if (!s)
		return ERR_PTR(-ENOMEM);
	spin_lock_init(&s->lock);
	s->kvm = kvm;
	ioapic_init(&s->ioapic, ioapic_deliver, s);
	kvm_iodevice_init(&s->dev, &ioapic_mmio_ops);
	mutex_lock(&kvm->slots_lock);
	r = kvm_io_bus_register_dev(kvm, KVM_MMIO_BUS, IOAPIC_DEFAULT_BASE_ADDRESS,
				    IOAPIC_MEM_LENGTH, &s->dev);
	mutex_unlock(&kvm->slots_lock);
	if (r) {
		kfree(s);
		return ERR_PTR(r);
	}
	return s;
}

/** Take the IOAPIC off the bus and free it.  Linux: kvm_ioapic_destroy(). */
static void kvm_ioapic_destroy(struct kvm *kvm, struct kvm_vioapic *s)
{
	mutex_lock(&kvm->slots_lock);
	kvm_io_bus_unregister_dev(kvm, KVM_MMIO_BUS, &s->dev);
	mutex_unlock(&kvm->slots_lock);
	kfree(s);
}

#ifdef CONFIG_MINIKVM_LAPIC
/* ---------------------------------------------------------------------- */
/* The local APICs                                                          */
/* ---------------------------------------------------------------------- */

/**
 * struct kvm_vlapic - one vCPU's local APIC in the kernel: the model
 * (lapic.c) given a lock, a host timer, and a place to park the work the
 * model asks for while its lock is held.
 *
 * Locks.  The model runs under @lock, taken by its own vCPU (MMIO, MSRs,
 * the interrupt acknowledge, EOI) and by whoever sends it a message: the
 * IOAPIC (under the IOAPIC's lock), another vCPU's IPI, the PIT.  All of
 * these run in process context, so a plain spinlock does.  The hrtimer
 * callback runs in hard-interrupt context and never takes it: it only
 * counts the expiry and kicks (Linux does the same, apic_timer_expired()).
 * Two things the model reports must not run under @lock, because they
 * take other locks that are taken before it elsewhere: an IPI (the
 * target's lock: two vCPUs sending each other IPIs would deadlock) and a
 * level-triggered EOI (the IOAPIC's lock, taken before a LAPIC's on
 * delivery).  They are parked here and done by kvm_lapic_unlock().
 *
 * Linux: struct kvm_lapic in arch/x86/kvm/lapic.h (model and glue in one).
 */
struct kvm_vlapic {
	spinlock_t lock;		/**< the model runs under it */
	struct kvm_lapic lapic;		/**< the model (lapic.c) */
	struct kvm_vcpu *vcpu;		/**< whose APIC it is */
	/** The APIC timer, in host time (CLOCK_MONOTONIC). */
	struct hrtimer timer;
	/** The timer expired and the vCPU has not put the interrupt into
	 *  the IRR yet.  Linux: kvm_timer.pending. */
	atomic_t pending_timer;
	/** An ICR write to send once the lock is dropped. @{ */
	bool ipi_parked;
	struct lapic_irq ipi;
	/** @} */
	/** The vector of an EOI to send to the IOAPIC once the lock is
	 *  dropped, or -1, and whether it was level-triggered. @{ */
	int eoi_parked;
	int eoi_trig;
	/** @} */
};


/** Take @p a's lock. */
static void kvm_lapic_lock(struct kvm_vlapic *a)
{
	spin_lock(&a->lock);
}

/**
 * kvm_lapic_unlock - drop @a's lock, then do what the model parked: send
 * the IPI, broadcast the EOI.
 * @a: the APIC
 */
static void kvm_lapic_unlock(struct kvm_vlapic *a)
{
	struct lapic_irq ipi = a->ipi;
	bool send = a->ipi_parked;
	int eoi = a->eoi_parked, trig = a->eoi_trig;

	a->ipi_parked = false;
	a->eoi_parked = -1;
	spin_unlock(&a->lock);

	if (send)
		kvm_apic_deliver(a->vcpu->kvm, a, &ipi);
	if (eoi >= 0)
		kvm_ioapic_update_eoi(a->vcpu->kvm, eoi, trig);
}

/* The model's callbacks (struct lapic_ops), all called under the lock. */

/** An ICR write: park the message.  Linux: kvm_apic_send_ipi(). */
static void vlapic_send_ipi(void *opaque, struct kvm_lapic *src, const struct lapic_irq *irq)
{
	struct kvm_vlapic *a = opaque;

	a->ipi = *irq;
	a->ipi_parked = true;
}

/** An EOI: park it for the IOAPIC.  Linux: kvm_ioapic_send_eoi(). */
static void vlapic_send_eoi(void *opaque, int vector, int trig_mode)
{
	struct kvm_vlapic *a = opaque;

	a->eoi_parked = vector;
	a->eoi_trig = trig_mode;
}

/** Something new was accepted: the vCPU must look at its APIC before it
 *  enters again.  Linux: the kvm_make_request() + kvm_vcpu_kick() at the
 *  end of __apic_accept_irq(). */
static void vlapic_kick(void *opaque)
{
	struct kvm_vlapic *a = opaque;

	kvm_make_request(KVM_REQ_EVENT, a->vcpu);
	kvm_vcpu_kick(a->vcpu);
}

/** An NMI message was accepted: the vCPU's NMI queue.  Linux: the
 *  APIC_DM_NMI case of __apic_accept_irq(). */
static void vlapic_nmi(void *opaque)
{
	struct kvm_vlapic *a = opaque;

	kvm_inject_nmi(a->vcpu);
}

/** Host time for the timer: CLOCK_MONOTONIC in ns, the hrtimer's clock. */
static u64 vlapic_now_ns(void *opaque)
{
	return ktime_get_ns();
}

/** The guest's TSC now: the host's plus the vCPU's offset.
 *  Linux: kvm_read_l1_tsc(). */
static u64 vlapic_read_tsc(void *opaque)
{
	struct kvm_vlapic *a = opaque;

	return kvm_read_l1_tsc(a->vcpu);
}

/** (Re)start the timer to fire at host time @expire_ns. */
static void vlapic_timer_arm(void *opaque, u64 expire_ns)
{
	struct kvm_vlapic *a = opaque;

	hrtimer_start(&a->timer, ns_to_ktime(expire_ns), HRTIMER_MODE_ABS_HARD);
}

/** Stop the timer; an expiry already counted is dropped with it, as a
 *  rewritten timer register discards what the old setting would have
 *  delivered.  Linux: cancel_apic_timer(). */
static void vlapic_timer_cancel(void *opaque)
{
	struct kvm_vlapic *a = opaque;

	hrtimer_cancel(&a->timer);
	atomic_set(&a->pending_timer, 0);
}

/** How the model reaches the kernel: the callbacks above. */
static const struct lapic_ops vlapic_ops = {
	.send_ipi = vlapic_send_ipi,
	.send_eoi = vlapic_send_eoi,
	.kick = vlapic_kick,
	.nmi = vlapic_nmi,
	.now_ns = vlapic_now_ns,
	.read_tsc = vlapic_read_tsc,
	.timer_arm = vlapic_timer_arm,
	.timer_cancel = vlapic_timer_cancel,
};

/**
 * apic_timer_fn - the APIC timer's hrtimer fired (hard-interrupt context).
 * Only count it and kick the vCPU: it puts the interrupt into its IRR
 * itself (kvm_inject_apic_timer_irqs()) under the lock, and re-arms a
 * periodic timer from there.
 * Linux: apic_timer_fn() -> apic_timer_expired().
 */
static enum hrtimer_restart apic_timer_fn(struct hrtimer *t)
{
	struct kvm_vlapic *a = container_of(t, struct kvm_vlapic, timer);

	atomic_inc(&a->pending_timer);
	kvm_make_request(KVM_REQ_EVENT, a->vcpu);
	kvm_vcpu_kick(a->vcpu);
	return HRTIMER_NORESTART;
}

/**
 * kvm_inject_apic_timer_irqs - the vCPU takes the expiry the hrtimer
 * counted: the model raises the LVT timer interrupt (unless masked) and,
 * periodic, arms the next period.  Several expiries the vCPU was too
 * late for make one interrupt, as an IRR bit holds one.
 * @vcpu: the vCPU, in its own thread
 *
 * Linux: kvm_inject_apic_timer_irqs().
 */
void kvm_inject_apic_timer_irqs(struct kvm_vcpu *vcpu)
{
	struct kvm_vlapic *a = vcpu->arch.apic;

	if (!a || !atomic_read(&a->pending_timer))
		return;
	kvm_lapic_lock(a);
	if (atomic_xchg(&a->pending_timer, 0))
		lapic_timer_expired(&a->lapic);
	kvm_lapic_unlock(a);
}

/** kvm_create_lapic - the APIC of a new vCPU, reset, its ID the vcpu_id
 *  (as KVM: kvm_apic_set_xapic_id() at reset).  Linux: kvm_create_lapic(). */
int kvm_create_lapic(struct kvm_vcpu *vcpu)
{
	struct kvm_vlapic *a;

	a = kzalloc(sizeof(*a), GFP_KERNEL_ACCOUNT);
	if (!a)
		return -ENOMEM;
	spin_lock_init(&a->lock);
	a->vcpu = vcpu;
	a->eoi_parked = -1;
	hrtimer_init(&a->timer, CLOCK_MONOTONIC, HRTIMER_MODE_ABS_HARD);
	a->timer.function = apic_timer_fn;
	lapic_init(&a->lapic, &vlapic_ops, a, vcpu->vcpu_id, tsc_khz);
	vcpu->arch.apic = a;
	kvm_lapic_reset(vcpu, false);
	return 0;
}

/** Stop the timer (its callback may be running on another CPU: wait for
 *  it) and free the APIC.  Linux: kvm_free_lapic(). */
void kvm_free_lapic(struct kvm_vcpu *vcpu)
{
	struct kvm_vlapic *a = vcpu->arch.apic;

	if (!a)
		return;
	hrtimer_cancel(&a->timer);
	vcpu->arch.apic = NULL;
	kfree(a);
}

/**
 * kvm_lapic_reset - RESET or INIT the APIC (Intel SDM Vol. 3A, 11.4.7.1
 * "Local APIC State After Power-Up or Reset", 11.4.7.3 "... After an
 * INIT Reset").  The model also programs the boot vCPU's LINT0 as
 * ExtINT, as KVM does (KVM_X86_QUIRK_LINT0_REENABLED), so that the PIC
 * reaches it the way a BIOS sets up virtual-wire mode.
 * Linux: kvm_lapic_reset().
 */
void kvm_lapic_reset(struct kvm_vcpu *vcpu, bool init_event)
{
	struct kvm_vlapic *a = vcpu->arch.apic;

	if (!a)
		return;
	kvm_lapic_lock(a);
	lapic_reset(&a->lapic, init_event);
	kvm_lapic_unlock(a);
	atomic_set(&a->pending_timer, 0);
}

/** A load or store in this vCPU's xAPIC page.  Linux: apic_mmio_read(),
 *  apic_mmio_write() (the page is not on the I/O bus: each vCPU sees its
 *  own APIC at the same address, so vcpu_mmio_read() asks it first). */
int kvm_lapic_mmio(struct kvm_vcpu *vcpu, gpa_t addr, int len, void *val, bool write)
{
	struct kvm_vlapic *a = vcpu->arch.apic;
	int r = -EOPNOTSUPP;

	if (!a)
		return r;
	kvm_lapic_lock(a);
	if (lapic_mmio_in_range(&a->lapic, addr)) {
		u32 off = addr - a->lapic.base_address;

		r = write ? lapic_mmio_write(&a->lapic, off, len, val) :
			    lapic_mmio_read(&a->lapic, off, len, val);
	}
	kvm_lapic_unlock(a);
	return r;
}

/** CPUID leaf 1 ECX bit 21 (x2APIC) and bit 24 (TSC-deadline), leaf
 *  0x80000008 EAX bits 7:0 (MAXPHYADDR; 36 without the leaf). */
#define CPUID1_ECX_X2APIC_BIT		21	/**< leaf 1 ECX: x2APIC */
#define CPUID1_ECX_TSC_DEADLINE_BIT	24	/**< leaf 1 ECX: TSC-deadline timer */

/** The APIC's view of the guest's CPUID table.  Linux: the lapic part of
 *  kvm_vcpu_after_set_cpuid(). */
void kvm_lapic_update_cpuid(struct kvm_vcpu *vcpu)
{
	struct kvm_vlapic *a = vcpu->arch.apic;
	struct kvm_cpuid_entry2 *e1 = kvm_find_cpuid_entry(vcpu, 1, 0);
	struct kvm_cpuid_entry2 *e8 = kvm_find_cpuid_entry(vcpu, 0x80000008, 0);

	if (!a)
		return;
	kvm_lapic_lock(a);
	lapic_update_cpuid(&a->lapic, e1 && (e1->ecx & BIT(CPUID1_ECX_X2APIC_BIT)),
			   e1 && (e1->ecx & BIT(CPUID1_ECX_TSC_DEADLINE_BIT)),
			   e8 ? e8->eax & 0xff : 36);
	kvm_lapic_unlock(a);
}

/** IA32_APIC_BASE, read.  Linux: vcpu->arch.apic_base. */
u64 kvm_lapic_get_base(struct kvm_vcpu *vcpu)
{
	return lapic_get_base(&vcpu->arch.apic->lapic);
}

/** IA32_APIC_BASE, written by the guest or (@host_initiated) the VMM:
 *  enable, disable, x2APIC, relocation; the model checks the value and
 *  the transition.  Returns 0, or 1 (#GP).  Linux: kvm_apic_set_base(). */
int kvm_lapic_set_base(struct kvm_vcpu *vcpu, u64 value, bool host_initiated)
{
	struct kvm_vlapic *a = vcpu->arch.apic;
	int r;

	kvm_lapic_lock(a);
	r = lapic_set_base(&a->lapic, value, host_initiated);
	kvm_lapic_unlock(a);
	if (!r)
		kvm_make_request(KVM_REQ_EVENT, vcpu);
	return r;
}

/** MOV to CR8.  Linux: kvm_lapic_set_tpr(). */
void kvm_lapic_set_tpr(struct kvm_vcpu *vcpu, unsigned long cr8)
{
	struct kvm_vlapic *a = vcpu->arch.apic;

	kvm_lapic_lock(a);
	lapic_set_tpr(&a->lapic, cr8);	/* the model shifts CR8 into TPR[7:4] */
	kvm_lapic_unlock(a);
	/* A lower priority may let a pending interrupt through. */
	kvm_make_request(KVM_REQ_EVENT, vcpu);
}

/** MOV from CR8.  Linux: kvm_lapic_get_cr8(). */
u64 kvm_lapic_get_cr8(struct kvm_vcpu *vcpu)
{
	return lapic_get_cr8(&vcpu->arch.apic->lapic);
}

/** x2APIC register read through RDMSR.  Linux: kvm_x2apic_msr_read(). */
int kvm_x2apic_msr_read(struct kvm_vcpu *vcpu, u32 msr, u64 *data)
{
	struct kvm_vlapic *a = vcpu->arch.apic;
	int r;

	if (!a)
		return 1;
	kvm_lapic_lock(a);
	r = lapic_x2apic_msr_read(&a->lapic, msr, data);
	kvm_lapic_unlock(a);
	return r;
}

/** x2APIC register write through WRMSR.  Linux: kvm_x2apic_msr_write(). */
int kvm_x2apic_msr_write(struct kvm_vcpu *vcpu, u32 msr, u64 data)
{
	struct kvm_vlapic *a = vcpu->arch.apic;
	int r;

	if (!a)
		return 1;
	kvm_lapic_lock(a);
	r = lapic_x2apic_msr_write(&a->lapic, msr, data);
	kvm_lapic_unlock(a);
	return r;
}

/** IA32_TSC_DEADLINE, read.  Linux: kvm_get_lapic_tscdeadline_msr(). */
u64 kvm_get_lapic_tscdeadline_msr(struct kvm_vcpu *vcpu)
{
	return vcpu->arch.apic ? lapic_get_tscdeadline(&vcpu->arch.apic->lapic) : 0;
}

/** IA32_TSC_DEADLINE, written.  Linux: kvm_set_lapic_tscdeadline_msr(). */
void kvm_set_lapic_tscdeadline_msr(struct kvm_vcpu *vcpu, u64 data)
{
	struct kvm_vlapic *a = vcpu->arch.apic;

	if (!a)
		return;
	kvm_lapic_lock(a);
	lapic_set_tscdeadline(&a->lapic, data);
	kvm_lapic_unlock(a);
}

/** KVM_GET_LAPIC: the register page as KVM's struct kvm_lapic_state
 *  (-ENXIO without an in-kernel APIC).  Linux: kvm_vcpu_ioctl_get_lapic(). */
int kvm_vcpu_ioctl_get_lapic(struct kvm_vcpu *vcpu, struct kvm_lapic_state *s)
{
	struct kvm_vlapic *a = vcpu->arch.apic;

	if (!a)
		return -ENXIO;
	kvm_lapic_lock(a);
	lapic_get_state(&a->lapic, s);
	kvm_lapic_unlock(a);
	return 0;
}

/** KVM_SET_LAPIC: load the register page; the timer restarts from it and
 *  what its IRR holds is looked at.  Linux: kvm_vcpu_ioctl_set_lapic(). */
int kvm_vcpu_ioctl_set_lapic(struct kvm_vcpu *vcpu, struct kvm_lapic_state *s)
{
	struct kvm_vlapic *a = vcpu->arch.apic;
	int r;

	if (!a)
		return -ENXIO;
	kvm_lapic_lock(a);
	r = lapic_set_state(&a->lapic, s);
	kvm_lapic_unlock(a);
	kvm_make_request(KVM_REQ_EVENT, vcpu);
	return r;
}

/**
 * kvm_apic_accept_events - INIT and SIPI, received by the model, become
 * the vCPU's state (Intel SDM Vol. 3A, 9.4 "Multiple-Processor (MP)
 * Initialization"): INIT resets the vCPU and, on an AP, leaves it waiting
 * for a SIPI (KVM_MP_STATE_INIT_RECEIVED); a SIPI in that state starts it
 * in real mode at vector * 4096 (CS = vector << 8, IP = 0).  A SIPI at
 * any other time is ignored.  Linux: kvm_apic_accept_events().
 */
void kvm_apic_accept_events(struct kvm_vcpu *vcpu)
{
	struct kvm_vlapic *a = vcpu->arch.apic;
	bool init;
	bool sipi;
	u8 vector;

	/* Nothing to take, the common case: no lock.  A sender sets the bits
	 * before it posts KVM_REQ_EVENT, so if we miss them now, that request
	 * brings us back.  Linux: the same early return. */
	if (!kvm_apic_has_pending_init_or_sipi(vcpu))
		return;
	kvm_lapic_lock(a);
	init = lapic_test_and_clear_init(&a->lapic);
	sipi = lapic_test_and_clear_sipi(&a->lapic, &vector);
	kvm_lapic_unlock(a);

	if (init) {
		kvm_vcpu_reset(vcpu, true);
		vcpu->arch.mp_state = vcpu->vcpu_id == BSP_VCPU_ID ?
			KVM_MP_STATE_RUNNABLE : KVM_MP_STATE_INIT_RECEIVED;
		/* A SIPI that came with the INIT, before we looked, counts. */
	}
	if (sipi && vcpu->arch.mp_state == KVM_MP_STATE_INIT_RECEIVED) {
		kvm_vcpu_deliver_sipi_vector(vcpu, vector);
		vcpu->arch.mp_state = KVM_MP_STATE_RUNNABLE;
	}
}

/** KVM_SET_MP_STATE's SIPI_RECEIVED.  Linux: the KVM_APIC_SIPI bit set by
 *  kvm_arch_vcpu_ioctl_set_mpstate(). */
void kvm_lapic_set_pending_sipi(struct kvm_vcpu *vcpu)
{
	struct kvm_vlapic *a = vcpu->arch.apic;

	kvm_lapic_lock(a);
	a->lapic.pending_events |= LAPIC_PENDING_SIPI;
	kvm_lapic_unlock(a);
}

/** An INIT or a SIPI waits to be looked at.
 *  Linux: kvm_apic_has_pending_init_or_sipi(). */
bool kvm_apic_has_pending_init_or_sipi(struct kvm_vcpu *vcpu)
{
	return vcpu->arch.apic && READ_ONCE(vcpu->arch.apic->lapic.pending_events);
}

/** What a blocked vCPU must wake for, besides interrupts: INIT, SIPI, a
 *  timer expiry.  Linux: kvm_apic_has_pending_init_or_sipi(),
 *  kvm_cpu_has_pending_timer(). */
bool kvm_apic_has_events(struct kvm_vcpu *vcpu)
{
	return kvm_apic_has_pending_init_or_sipi(vcpu) ||
	       (vcpu->arch.apic && atomic_read(&vcpu->arch.apic->pending_timer));
}

/* ---------------------------------------------------------------------- */
/* Delivery: a message to the APICs it names                                */
/* ---------------------------------------------------------------------- */

/**
 * kvm_apic_deliver - send @irq to every APIC it names (an ICR write, an
 * IOAPIC redirection entry).  Each target decides whether it is named
 * (Intel SDM Vol. 3A, 11.6.2 "Determining IPI Destination"); lowest
 * priority, or an MSI's redirection hint, goes to one of them, picked by
 * vector as KVM's vector hashing does (the vector modulo the number of
 * candidates; the SDM leaves the choice to the chipset, 11.6.2.4).
 * @kvm: the VM
 * @src: the sending APIC (NULL for the IOAPIC): shorthands are relative to it
 * @irq: the message
 *
 * Returns -1 if no APIC was named, else how many accepted it (0: all
 * coalesced).  Linux: kvm_irq_delivery_to_apic().
 */
static int kvm_apic_deliver(struct kvm *kvm, struct kvm_vlapic *src,
			    const struct lapic_irq *irq)
{
	struct kvm_vlapic *targets[KVM_MAX_VCPUS];
	struct kvm_lapic *from = src ? &src->lapic : NULL;
	bool phys_bcast = irq->dest_mode == 0 && irq->dest_id == 0xff;
	/* Lowest priority to a physical broadcast names no one to pick:
	 * KVM delivers it as fixed, to all. */
	bool lowest = irq->delivery_mode == APIC_DM_LOWEST && !phys_bcast;
	/*
	 * KVM finds a single physical destination in its map of APIC IDs
	 * (kvm_irq_delivery_to_apic_fast()), and that APIC is the one, enabled
	 * or not.  Every other message goes round all APICs, and one to be
	 * picked by priority is only offered to those software-enabled
	 * (SVR bit 8): with none, nobody was named (-1).
	 */
	bool any_state = !irq->shorthand && irq->dest_mode == 0 && !phys_bcast;
	int i, n, nr = 0, r = 0;

#ifdef CONFIG_MINIKVM_FINAL
	lowest |= irq->msi_redir_hint;	/* picks one in any case */
#endif
	n = READ_ONCE(kvm->created_vcpus);
	smp_rmb();	/* the count before the pointers: kvm_vm_ioctl_create_vcpu() */
	for (i = 0; i < n; i++) {
		struct kvm_vlapic *a = kvm->vcpus[i]->arch.apic;
		bool match;

		if (!a)
			continue;
		kvm_lapic_lock(a);
		match = lapic_hw_enabled(&a->lapic) &&
			(!lowest || any_state || lapic_sw_enabled(&a->lapic)) &&
			lapic_match_dest(&a->lapic, from, irq->shorthand, irq->dest_id,
					 irq->dest_mode);
		kvm_lapic_unlock(a);
		if (match)
			targets[nr++] = a;
	}
	if (!nr)
		return -1;
	if (lowest && nr > 1) {
		targets[0] = targets[irq->vector % nr];
		nr = 1;
	}
	for (i = 0; i < nr; i++) {
		kvm_lapic_lock(targets[i]);
		r += lapic_accept_irq(&targets[i]->lapic, irq);
		kvm_lapic_unlock(targets[i]);
	}
	return r;
}
#endif

#ifdef CONFIG_MINIKVM_FINAL
/* ---------------------------------------------------------------------- */
/* MSI: a device's interrupt as a memory write                              */
/* ---------------------------------------------------------------------- */

/** The MSI address register (Intel SDM Vol. 3A, 11.11.1, Figure 11-24):
 *  0xFEE in bits 31:20, the destination APIC ID in 19:12, the
 *  redirection hint in bit 3, the destination mode (1 logical) in bit 2.
 *  @{ */
#define MSI_ADDR_DEST_ID(a)	(((a) >> 12) & 0xff)
#define MSI_ADDR_DEST_LOGICAL	(1u << 2)
#define MSI_ADDR_REDIR_HINT	(1u << 3)
/** @} */
/** The MSI data register (SDM Vol. 3A, 11.11.2, Figure 11-25): the vector
 *  in bits 7:0, the delivery mode in 10:8 (the ICR's encoding), level
 *  trigger in bit 15. @{ */
#define MSI_DATA_VECTOR(d)	((d) & 0xff)
#define MSI_DATA_DM_MASK	0x700
#define MSI_DATA_LEVEL_TRIG	(1u << 15)
/** @} */

/**
 * kvm_set_msi - an MSI (a routing entry of type KVM_IRQ_ROUTING_MSI
 * raised, KVM_SIGNAL_MSI) is a message to the local APICs, like an IPI
 * or an IOAPIC redirection: decode its address and data into one and
 * deliver it.  @address_hi is 0 on a PC (the address is 0xFEExxxxx);
 * KVM's x2APIC extension that puts destination bits there is not
 * offered.
 *
 * Returns how many APICs accepted it, or 0 or -1 when none did, as KVM
 * answers (the VMM sees -1 as errno EPERM).  KVM decides a physical
 * destination that is not the broadcast from its map of APIC IDs
 * (kvm_irq_delivery_to_apic_fast()): an ID the map lacks is "accepted by
 * none", 0.  Anything else it cannot decide there goes to every APIC in
 * turn (kvm_irq_delivery_to_apic()), which answers -1 if none is named:
 * the broadcast, and any destination while the VM has no vCPU (no map
 * yet).  A logical destination is a case of each in KVM (the map decides
 * once LDR and DFR let it); here it is always the second.  (kvm-fuzz
 * --diff found this returning 0 where KVM says -1; and the redirection
 * hint ignored: a logical broadcast with it, to two software-disabled
 * APICs, answered 2 where KVM offers it to none and says -1.)
 * Linux: kvm_set_msi() -> kvm_set_msi_irq(), kvm_irq_delivery_to_apic().
 */
int kvm_set_msi(struct kvm *kvm, u32 address_lo, u32 address_hi, u32 data)
{
	struct lapic_irq msg = {
		.vector = MSI_DATA_VECTOR(data),
		.delivery_mode = data & MSI_DATA_DM_MASK,	/* in place, as the ICR's */
		.dest_mode = !!(address_lo & MSI_ADDR_DEST_LOGICAL),
		.level = 1,
		.trig_mode = !!(data & MSI_DATA_LEVEL_TRIG),
		.shorthand = LAPIC_DEST_NOSHORT,
		.dest_id = MSI_ADDR_DEST_ID(address_lo),
		.msi_redir_hint = !!(address_lo & MSI_ADDR_REDIR_HINT),
	};
	int r = kvm_apic_deliver(kvm, NULL, &msg);

	if (r < 0 && !msg.dest_mode && msg.dest_id != 0xff && READ_ONCE(kvm->created_vcpus))
		return 0;
	return r;
}

/**
 * kvm_vm_ioctl_signal_msi - KVM_SIGNAL_MSI: the VMM raises an MSI without
 * a routing entry.  Returns what kvm_set_msi() does: how many APICs took
 * it.  Linux: kvm_send_userspace_msi().
 */
static int kvm_vm_ioctl_signal_msi(struct kvm *kvm, void __user *argp)
{
	struct kvm_msi msi;

	if (copy_from_user(&msi, argp, sizeof(msi)))
		return -EFAULT;
	if (!irqchip_in_kernel(kvm) || (msi.flags & ~KVM_MSI_VALID_DEVID))
		return -EINVAL;
	return kvm_set_msi(kvm, msi.address_lo, msi.address_hi, msi.data);
}
#endif

/* ---------------------------------------------------------------------- */
/* What a vCPU asks before entry                                            */
/* ---------------------------------------------------------------------- */

#ifdef CONFIG_MINIKVM_LAPIC
/**
 * Does @p vcpu's LAPIC let the PIC in?  Its LINT0 is wired to the PIC's
 * INT output: when LINT0 is unmasked in ExtINT mode, or when the APIC is
 * hardware-disabled and the CPU takes INTR directly (Intel SDM Vol. 3A,
 * 11.4.3).  Linux: kvm_apic_accept_pic_intr().
 */
static bool kvm_apic_accept_pic_intr(struct kvm_vcpu *vcpu)
{
	return vcpu->arch.apic && lapic_accept_pic_intr(&vcpu->arch.apic->lapic);
}

/**
 * Is the PIC's INT output high for @p vcpu, and does its LAPIC let it
 * in?  Read without the PIC's lock, as KVM does: the INTA under the lock
 * settles what is really there.  Linux: kvm_cpu_has_extint().
 */
static bool kvm_cpu_has_extint(struct kvm_vcpu *vcpu)
{
	struct kvm_vpic *s = vcpu->kvm->arch.vpic;

	return s && kvm_apic_accept_pic_intr(vcpu) && READ_ONCE(s->pic.output);
}

/**
 * kvm_cpu_has_interrupt - does an interrupt wait for @vcpu: the PIC's
 * (ExtINT), or one its LAPIC would deliver now (the IRR's highest vector
 * above the processor priority)?  Linux: kvm_cpu_has_interrupt().
 */
bool kvm_cpu_has_interrupt(struct kvm_vcpu *vcpu)
{
	return kvm_cpu_has_interrupt_tpr(vcpu, NULL);
}
EXPORT_SYMBOL_GPL(kvm_cpu_has_interrupt);

/**
 * kvm_cpu_has_interrupt_tpr - kvm_cpu_has_interrupt() and, from the same
 * look at the LAPIC (one round of its lock), the vector that only its
 * task priority holds back (lapic_find_tpr_blocked()): what the entry
 * path asks once it has injected.
 * @vcpu: the vCPU
 * @tpr_blocked: that vector, or -1; NULL when only the answer matters
 *
 * Linux: kvm_cpu_has_injectable_intr() and the max_irr of
 * update_cr8_intercept(), which Linux reads without a lock.
 */
bool kvm_cpu_has_interrupt_tpr(struct kvm_vcpu *vcpu, int *tpr_blocked)
{
	struct kvm_vlapic *a = vcpu->arch.apic;
	bool has = kvm_cpu_has_extint(vcpu);

	if (tpr_blocked)
		*tpr_blocked = -1;
	if (!a || (has && !tpr_blocked))
		return has;
	kvm_lapic_lock(a);
	if (!has)
		has = lapic_has_interrupt(&a->lapic) >= 0;
	if (tpr_blocked)
		*tpr_blocked = lapic_find_tpr_blocked(&a->lapic);
	kvm_lapic_unlock(a);
	return has;
}

/**
 * kvm_cpu_get_interrupt - acknowledge the interrupt @vcpu takes next:
 * the PIC's INTA cycle first (as KVM, ExtINT before the IRR), else the
 * LAPIC's, which moves the vector from IRR to ISR and raises the
 * processor priority (Intel SDM Vol. 3A, 11.8.3.1).
 * Returns the vector, or -1 if there is none any more.
 * Linux: kvm_cpu_get_interrupt() -> kvm_get_apic_interrupt().
 */
int kvm_cpu_get_interrupt(struct kvm_vcpu *vcpu)
{
	struct kvm_vlapic *a = vcpu->arch.apic;
	int v;

	if (kvm_cpu_has_extint(vcpu))
		return kvm_pic_read_irq(vcpu);
	if (!a)
		return -1;
	kvm_lapic_lock(a);
	v = lapic_get_interrupt(&a->lapic);
	kvm_lapic_unlock(a);
	return v;
}
#else
/**
 * Is the PIC's INT output high for @p vcpu?  Only the boot vCPU is wired
 * to it (see the top of this file).  Read without the lock, as KVM does:
 * the INTA under the lock settles what is really there.
 * Linux: kvm_cpu_has_extint().
 */
static bool kvm_cpu_has_extint(struct kvm_vcpu *vcpu)
{
	struct kvm_vpic *s;

	if (!irqchip_in_kernel(vcpu->kvm) || vcpu->vcpu_id != BSP_VCPU_ID)
		return false;
	s = vcpu->kvm->arch.vpic;
	return READ_ONCE(s->pic.output);
}

/**
 * kvm_cpu_has_interrupt - does an interrupt wait for @vcpu?
 * @vcpu: the vCPU
 *
 * The PIC's (ExtINT), or a vector the IOAPIC sent.
 * Linux: kvm_cpu_has_interrupt().
 */
bool kvm_cpu_has_interrupt(struct kvm_vcpu *vcpu)
{
	if (kvm_cpu_has_extint(vcpu))
		return true;
	return !bitmap_empty(vcpu->arch.pending_vectors, 256);
}
EXPORT_SYMBOL_GPL(kvm_cpu_has_interrupt);

/**
 * kvm_cpu_get_interrupt - acknowledge the interrupt @vcpu takes next.
 * @vcpu: the vCPU
 *
 * The PIC first, as in KVM (ExtINT is looked at before the LAPIC's IRR):
 * its INTA cycle moves the request into service and gives the vector.
 * Otherwise the highest pending IOAPIC vector, which is taken off the
 * list (the LAPIC will put it in its ISR instead, chapter 04).
 * Returns the vector, or -1 if there is none.
 * Linux: kvm_cpu_get_interrupt().
 */
int kvm_cpu_get_interrupt(struct kvm_vcpu *vcpu)
{
	unsigned long *pending = vcpu->arch.pending_vectors;
	unsigned long v;

	if (kvm_cpu_has_extint(vcpu))
		return kvm_pic_read_irq(vcpu);
	for (;;) {
		v = find_last_bit(pending, 256);
		if (v >= 256)
			return -1;
		/* The IOAPIC only sets bits; only this vCPU clears them. */
		if (test_and_clear_bit(v, pending))
			return v;
	}
}
#endif
EXPORT_SYMBOL_GPL(kvm_cpu_get_interrupt);

/* ---------------------------------------------------------------------- */
/* ioctls                                                                   */
/* ---------------------------------------------------------------------- */

/**
 * KVM_CREATE_IRQCHIP: the PIC pair, the IOAPIC and KVM's default routing.
 * Refused once vCPUs exist (-EINVAL: KVM wires each vCPU's LAPIC as it is
 * created), and a second time (-EEXIST).  The irqchip is published last,
 * after everything it needs, so irqchip_in_kernel() means "all there".
 * Linux: the KVM_CREATE_IRQCHIP case of kvm_arch_vm_ioctl().
 */
static int kvm_vm_ioctl_create_irqchip(struct kvm *kvm)
{
	struct kvm_vioapic *vioapic;
	struct kvm_vpic *vpic;
	int r;

	mutex_lock(&kvm->lock);
	r = -EEXIST;
	if (irqchip_in_kernel(kvm))
		goto out_unlock;
	r = -EINVAL;
	if (kvm->created_vcpus)
		goto out_unlock;

	vpic = kvm_pic_create(kvm);
	r = PTR_ERR_OR_ZERO(vpic);
	if (r)
		goto out_unlock;
	vioapic = kvm_ioapic_create(kvm);
	r = PTR_ERR_OR_ZERO(vioapic);
	if (r)
		goto out_pic;
	/* The routing table's entries reach the chips through kvm->arch. */
	kvm->arch.vioapic = vioapic;
	r = kvm_setup_default_irq_routing(kvm);
	if (r)
		goto out_ioapic;
	smp_store_release(&kvm->arch.vpic, vpic);
	mutex_unlock(&kvm->lock);
	return 0;

out_ioapic:
	kvm->arch.vioapic = NULL;
	kvm_ioapic_destroy(kvm, vioapic);
out_pic:
	kvm_pic_destroy(kvm, vpic);
out_unlock:
	mutex_unlock(&kvm->lock);
	return r;
}

/**
 * kvm_irqchip_state - copy the state of chip @p chip->chip_id out of the
 * kernel (@p set false) or load it (@p set true): a PIC (its struct
 * kvm_pic_state) or the IOAPIC, under that chip's lock.  A loaded state
 * is taken as it is (KVM checks no field), and whatever is pending in it
 * is delivered now.  -EINVAL for another id.
 * Linux: kvm_vm_ioctl_get_irqchip() / kvm_vm_ioctl_set_irqchip().
 */
static int kvm_irqchip_state(struct kvm *kvm, struct kvm_irqchip *chip, bool set)
{
	struct kvm_vioapic *vioapic = kvm->arch.vioapic;
	struct kvm_vpic *vpic = kvm->arch.vpic;
	int r = 0;

	switch (chip->chip_id) {
	case KVM_IRQCHIP_PIC_MASTER:
	case KVM_IRQCHIP_PIC_SLAVE:
		pic_lock(vpic);
		if (set)
			r = i8259_set_state(&vpic->pic, chip->chip_id, &chip->chip.pic);
		else
			r = i8259_get_state(&vpic->pic, chip->chip_id, &chip->chip.pic);
		pic_unlock(vpic);
		break;
	case KVM_IRQCHIP_IOAPIC:
		spin_lock(&vioapic->lock);
		if (set)
			ioapic_set_state(&vioapic->ioapic, &chip->chip.ioapic);
		else
			ioapic_get_state(&vioapic->ioapic, &chip->chip.ioapic);
		spin_unlock(&vioapic->lock);
		break;
	default:
		r = -EINVAL;
	}
	return r;
}

/**
 * KVM_GET_IRQCHIP and KVM_SET_IRQCHIP.  KVM's order of checks: the struct
 * is copied in first (-EFAULT), then an irqchip must exist (-ENXIO), then
 * the chip id (-EINVAL), and GET copies out last (-EFAULT).
 * Linux: those cases of kvm_arch_vm_ioctl().
 */
static int kvm_vm_ioctl_irqchip_state(struct kvm *kvm, void __user *argp, bool set)
{
	struct kvm_irqchip *chip;
	int r;

	chip = memdup_user(argp, sizeof(*chip));
	if (IS_ERR(chip))
		return PTR_ERR(chip);
	r = -ENXIO;
	if (!irqchip_in_kernel(kvm))
		goto out;
	r = kvm_irqchip_state(kvm, chip, set);
	if (!r && !set && copy_to_user(argp, chip, sizeof(*chip)))
		r = -EFAULT;
out:
	kfree(chip);
	return r;
}

/**
 * KVM_IRQ_LINE and KVM_IRQ_LINE_STATUS: set the level of a GSI.  A GSI
 * that nothing is routed to is not an error: its status is -1.  With
 * _STATUS the status is written back over the irq field (they share a
 * union), after the line was set: a bad pointer for the answer still
 * raises the line, then fails with -EFAULT.
 * Linux: those cases of kvm_vm_ioctl(), kvm_vm_ioctl_irq_line().
 */
static int kvm_vm_ioctl_irq_line(struct kvm *kvm, void __user *argp, bool line_status)
{
	struct kvm_irq_level event;

	if (copy_from_user(&event, argp, sizeof(event)))
		return -EFAULT;
	if (!irqchip_in_kernel(kvm))
		return -ENXIO;
	event.status = kvm_set_irq(kvm, KVM_USERSPACE_IRQ_SOURCE_ID, event.irq,
				   event.level, line_status);
	if (line_status && copy_to_user(argp, &event, sizeof(event)))
		return -EFAULT;
	return 0;
}

/**
 * kvm_vm_ioctl_irqchip - the irqchip ioctls of a VM fd.
 * @kvm: the VM
 * @ioctl: the ioctl number
 * @argp: its argument, a user pointer
 *
 * Returns the ioctl's result, or -ENOTTY for any other ioctl (the VM fd's
 * answer to an unknown one).
 * Linux: the irqchip cases of kvm_arch_vm_ioctl() and kvm_vm_ioctl().
 */
long kvm_vm_ioctl_irqchip(struct kvm *kvm, unsigned int ioctl, void __user *argp)
{
	switch (ioctl) {
	case KVM_CREATE_IRQCHIP:
		return kvm_vm_ioctl_create_irqchip(kvm);
	case KVM_GET_IRQCHIP:
		return kvm_vm_ioctl_irqchip_state(kvm, argp, false);
	case KVM_SET_IRQCHIP:
		return kvm_vm_ioctl_irqchip_state(kvm, argp, true);
	case KVM_IRQ_LINE:
		return kvm_vm_ioctl_irq_line(kvm, argp, false);
	case KVM_IRQ_LINE_STATUS:
		return kvm_vm_ioctl_irq_line(kvm, argp, true);
	case KVM_SET_GSI_ROUTING:
		return kvm_vm_ioctl_set_gsi_routing(kvm, argp);
#ifdef CONFIG_MINIKVM_FINAL
	case KVM_SIGNAL_MSI:
		return kvm_vm_ioctl_signal_msi(kvm, argp);
#endif
	default:
		return -ENOTTY;
	}
}

/**
 * kvm_irqchip_destroy - free the irqchip of a VM being destroyed.
 * @kvm: the VM, whose vCPUs are gone already
 *
 * Linux: kvm_pic_destroy(), kvm_ioapic_destroy(), kvm_free_irq_routing().
 */
void kvm_irqchip_destroy(struct kvm *kvm)
{
	struct kvm_vpic *vpic = kvm->arch.vpic;

	kvm_free_irq_routing(kvm);
	if (!vpic)
		return;
	kvm_ioapic_destroy(kvm, kvm->arch.vioapic);
	kvm_pic_destroy(kvm, vpic);
	kvm->arch.vioapic = NULL;
	kvm->arch.vpic = NULL;
}
