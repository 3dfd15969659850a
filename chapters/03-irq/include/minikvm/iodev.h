/* SPDX-License-Identifier: GPL-2.0 */
/**
 * @file iodev.h
 * @brief Devices that live in the kernel and answer port or MMIO accesses
 * without a trip to userspace: the in-kernel I/O bus.
 *
 * A device registers a range of ports (KVM_PIO_BUS) or of guest-physical
 * addresses (KVM_MMIO_BUS).  On every I/O exit, and on every MMIO exit,
 * the core asks the bus first (kvm_io_bus_read() / kvm_io_bus_write());
 * only an access that no device claims goes on to userspace as
 * KVM_EXIT_IO or KVM_EXIT_MMIO.  The PIC and IOAPIC (chapter 03), the
 * local APIC and PIT (chapter 04), ioeventfds and coalesced MMIO (final/)
 * all plug in here.
 *
 * Linux: include/kvm/iodev.h, and kvm_io_bus_* in virt/kvm/kvm_main.c.
 */
#ifndef MINIKVM_IODEV_H
#define MINIKVM_IODEV_H

#include <linux/types.h>

struct kvm;
struct kvm_vcpu;
struct kvm_io_device;

/**
 * What a device does with an access.  Each returns 0 when it handled the
 * access (a read then filled @val, @len bytes, little-endian) and a
 * negative errno (-EOPNOTSUPP) when the access is not its: then the bus
 * asks the next device, and in the end userspace.  They are called with no
 * lock held, from the vCPU's thread, and may take a spinlock; they must
 * not sleep.  Linux: struct kvm_io_device_ops.
 */
struct kvm_io_device_ops {
	/** A guest read of @len bytes at @addr: fill @val.  NULL for a
	 *  write-only device (a doorbell): reads are never its. */
	int (*read)(struct kvm_vcpu *vcpu, struct kvm_io_device *this,
		    gpa_t addr, int len, void *val);
	/** A guest write of @len bytes from @val at @addr. */
	int (*write)(struct kvm_vcpu *vcpu, struct kvm_io_device *this,
		     gpa_t addr, int len, const void *val);
};

/** Embedded in a device's own struct; container_of() gets the device. */
struct kvm_io_device {
	const struct kvm_io_device_ops *ops;	/**< what the device does */
};

/** Set the ops of a device before registering it.  Linux: kvm_iodevice_init(). */
static inline void kvm_iodevice_init(struct kvm_io_device *dev,
				     const struct kvm_io_device_ops *ops)
{
	dev->ops = ops;
}

/** The buses.  Linux: enum kvm_bus, which has more of them. */
enum kvm_bus {
	KVM_MMIO_BUS,	/**< guest-physical addresses */
	KVM_PIO_BUS,	/**< I/O ports */
	KVM_NR_BUSES
};

/** The most devices one bus holds (Linux: NR_IOBUS_DEVS, 1000). */
#define NR_IOBUS_DEVS	64

/* virt/kvm/kvm_main.c.  The caller of register and unregister holds
 * kvm->slots_lock; reading and writing take no lock (RCU). */
int kvm_io_bus_register_dev(struct kvm *kvm, enum kvm_bus bus_idx, gpa_t addr,
			    int len, struct kvm_io_device *dev);
void kvm_io_bus_unregister_dev(struct kvm *kvm, enum kvm_bus bus_idx,
			       struct kvm_io_device *dev);
int kvm_io_bus_read(struct kvm_vcpu *vcpu, enum kvm_bus bus_idx, gpa_t addr,
		    int len, void *val);
int kvm_io_bus_write(struct kvm_vcpu *vcpu, enum kvm_bus bus_idx, gpa_t addr,
		     int len, const void *val);

#endif
