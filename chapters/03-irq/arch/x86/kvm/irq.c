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

/** The vCPU that takes the PIC's interrupts, or NULL: the boot vCPU. */
static struct kvm_vcpu *kvm_pic_target(struct kvm *kvm)
{
	return kvm_get_vcpu_by_id(kvm, BSP_VCPU_ID);
}

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
	int vector;

	pic_lock(s);
	vector = i8259_read_irq(&s->pic);
	pic_unlock(s);
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
	int r;

	pic_lock(s);
	r = i8259_ioport_read(&s->pic, addr, len, val);
	pic_unlock(s);
	return r;
}

/** An OUT to the pair's ports; wider than a byte is ignored, as in KVM.
 *  Linux: picdev_write(). */
static int picdev_write(struct kvm_vcpu *vcpu, struct kvm_io_device *dev,
			gpa_t addr, int len, const void *val)
{
	struct kvm_vpic *s = to_vpic(dev);
	int r;

	pic_lock(s);
	r = i8259_ioport_write(&s->pic, addr, len, val);
	pic_unlock(s);
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
	int r;

	spin_lock(&s->lock);
	r = ioapic_mmio_write(&s->ioapic, addr, len, val);
	spin_unlock(&s->lock);
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

/* ---------------------------------------------------------------------- */
/* What a vCPU asks before entry                                            */
/* ---------------------------------------------------------------------- */

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
