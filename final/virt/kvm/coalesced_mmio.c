// SPDX-License-Identifier: GPL-2.0
/**
 * @file coalesced_mmio.c
 * @brief Coalesced MMIO: guest writes to a zone are queued in a ring the
 * VMM reads later, instead of one exit each.
 *
 * Some device registers take writes whose effect nobody needs at once: a
 * framebuffer, the index register of a VGA-style index/data pair, a
 * console's output port.  For a zone the VMM registers
 * (KVM_REGISTER_COALESCED_MMIO; with `pio` = 1, ports), a guest write
 * does not leave KVM_RUN: it is appended to a ring of struct
 * kvm_coalesced_mmio entries (address, length, data) and the instruction
 * completes.  The VMM replays the ring whenever it gets control anyway -
 * at its next exit of any kind, and always before it serves a *read* of
 * the zone, which still exits: reading needs the device's answer, and the
 * writes before it must be applied first.
 *
 * The ring is one page per VM, shared by every vCPU, and the VMM maps it
 * as page KVM_COALESCED_MMIO_PAGE_OFFSET of any vCPU fd
 * (KVM_CAP_COALESCED_MMIO returns that offset).  The kernel writes
 * entries at `last` and the VMM consumes them from `first`; one slot is
 * always left empty so that first == last means empty.  When the ring is
 * full the write is not ours, and it goes to userspace as a normal
 * KVM_EXIT_MMIO / KVM_EXIT_IO: the VMM empties the ring first, which
 * keeps the order of the writes.  `first` and `last` live in a page the
 * VMM can write, so the kernel trusts neither: an index out of range is
 * treated as a full ring.
 *
 * Linux: virt/kvm/coalesced_mmio.c.
 */
#include <linux/kvm.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/slab.h>

#include <minikvm/kvm_host.h>
#include <minikvm/iodev.h>

/** One registered zone: a device on the MMIO or PIO bus.
 *  Linux: struct kvm_coalesced_mmio_dev. */
struct kvm_coalesced_mmio_dev {
	struct list_head list;			/**< on kvm->coalesced_zones */
	struct kvm_io_device dev;		/**< on the bus */
	struct kvm *kvm;			/**< whose ring */
	struct kvm_coalesced_mmio_zone zone;	/**< as the VMM gave it */
};

/** Is [@addr, @addr + @len) inside the zone?  Linux: coalesced_mmio_in_range(). */
static bool coalesced_mmio_in_range(const struct kvm_coalesced_mmio_dev *dev, gpa_t addr,
				    int len)
{
	if (len < 0 || addr + len < addr)
		return false;
	return addr >= dev->zone.addr && addr + len <= dev->zone.addr + dev->zone.size;
}

/** Is there a free slot at @last, one short of `first`?  The VMM may have
 *  written `first`: the arithmetic is modulo the ring and never indexes.
 *  Linux: coalesced_mmio_has_room(). */
static bool coalesced_mmio_has_room(const struct kvm_coalesced_mmio_ring *ring, u32 last)
{
	return (READ_ONCE(ring->first) - last - 1) % KVM_COALESCED_MMIO_MAX != 0;
}

/** A guest write in the zone: queue it, unless the ring is full (then
 *  the write exits to userspace as usual).  Linux: coalesced_mmio_write(). */
static int coalesced_mmio_write(struct kvm_vcpu *vcpu, struct kvm_io_device *this,
				gpa_t addr, int len, const void *val)
{
	struct kvm_coalesced_mmio_dev *dev = container_of(this, struct kvm_coalesced_mmio_dev, dev);
	struct kvm *kvm = dev->kvm;
	struct kvm_coalesced_mmio_ring *ring = kvm->coalesced_mmio_ring;
	struct kvm_coalesced_mmio *e;
	u32 insert;

	if (!coalesced_mmio_in_range(dev, addr, len) || len > sizeof(e->data))
		return -EOPNOTSUPP;
	spin_lock(&kvm->ring_lock);	/* vCPUs append to one ring */
	insert = READ_ONCE(ring->last);
	if (insert >= KVM_COALESCED_MMIO_MAX || !coalesced_mmio_has_room(ring, insert)) {
		spin_unlock(&kvm->ring_lock);
		return -EOPNOTSUPP;
	}
	e = &ring->coalesced_mmio[insert];
	e->phys_addr = addr;
	e->len = len;
	e->pio = dev->zone.pio;
	memcpy(e->data, val, len);
	/* The entry before the index that publishes it: the VMM reads the
	 * ring without a lock. */
	smp_wmb();
	ring->last = (insert + 1) % KVM_COALESCED_MMIO_MAX;
	spin_unlock(&kvm->ring_lock);
	return 0;
}

/** A zone's device on the bus: write-only, since a read needs the
 *  device's answer and goes to userspace. */
static const struct kvm_io_device_ops coalesced_mmio_ops = {
	.write	= coalesced_mmio_write,
};

/** A new VM's ring page (zeroed: empty) and zone list.
 *  Linux: kvm_coalesced_mmio_init(). */
int kvm_coalesced_mmio_init(struct kvm *kvm)
{
	struct page *page = alloc_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO);

	if (!page)
		return -ENOMEM;
	kvm->coalesced_mmio_ring = page_address(page);
	spin_lock_init(&kvm->ring_lock);
	INIT_LIST_HEAD(&kvm->coalesced_zones);
	return 0;
}

/** A VM being destroyed (no vCPU left, its buses about to be freed):
 *  its zones and its ring.  Linux: kvm_coalesced_mmio_free() and the
 *  zones' bus destructor. */
void kvm_coalesced_mmio_free(struct kvm *kvm)
{
	struct kvm_coalesced_mmio_dev *dev, *tmp;

	list_for_each_entry_safe(dev, tmp, &kvm->coalesced_zones, list) {
		list_del(&dev->list);
		kfree(dev);
	}
	if (kvm->coalesced_mmio_ring)
		free_page((unsigned long)kvm->coalesced_mmio_ring);
}

/** KVM_REGISTER_COALESCED_MMIO.  Zones may overlap; each write goes to the
 *  first that holds all of it.  Linux: kvm_vm_ioctl_register_coalesced_mmio(). */
int kvm_vm_ioctl_register_coalesced_mmio(struct kvm *kvm, struct kvm_coalesced_mmio_zone *zone)
{
	struct kvm_coalesced_mmio_dev *dev;
	int ret;

	if (zone->pio != 1 && zone->pio != 0)
		return -EINVAL;
	dev = kzalloc(sizeof(*dev), GFP_KERNEL_ACCOUNT);
	if (!dev)
		return -ENOMEM;
	kvm_iodevice_init(&dev->dev, &coalesced_mmio_ops);
	dev->kvm = kvm;
	dev->zone = *zone;

	mutex_lock(&kvm->slots_lock);
	ret = kvm_io_bus_register_dev(kvm, zone->pio ? KVM_PIO_BUS : KVM_MMIO_BUS,
				      zone->addr, zone->size, &dev->dev);
	if (ret < 0) {
		mutex_unlock(&kvm->slots_lock);
		kfree(dev);
		return ret;
	}
	list_add_tail(&dev->list, &kvm->coalesced_zones);
	mutex_unlock(&kvm->slots_lock);
	return 0;
}

/** KVM_UNREGISTER_COALESCED_MMIO: every zone of the same kind (MMIO or
 *  PIO) that holds the range given goes; none is not an error.
 *  Linux: kvm_vm_ioctl_unregister_coalesced_mmio(). */
int kvm_vm_ioctl_unregister_coalesced_mmio(struct kvm *kvm, struct kvm_coalesced_mmio_zone *zone)
{
	struct kvm_coalesced_mmio_dev *dev, *tmp;

	if (zone->pio != 1 && zone->pio != 0)
		return -EINVAL;
	mutex_lock(&kvm->slots_lock);
	list_for_each_entry_safe(dev, tmp, &kvm->coalesced_zones, list) {
		if (zone->pio != dev->zone.pio ||
		    !coalesced_mmio_in_range(dev, zone->addr, zone->size))
			continue;
		kvm_io_bus_unregister_dev(kvm, zone->pio ? KVM_PIO_BUS : KVM_MMIO_BUS, &dev->dev);
		list_del(&dev->list);
		kfree(dev);
	}
	mutex_unlock(&kvm->slots_lock);
	return 0;
}
