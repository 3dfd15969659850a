// SPDX-License-Identifier: GPL-2.0
/**
 * @file testdev.c
 * @brief A memory-mapped test device served in userspace: the target of
 * the mmio scenario's round trips.
 *
 * A guest access to a guest-physical address that no memory slot covers
 * leaves KVM_RUN as KVM_EXIT_MMIO, with the address, the length (1, 2, 4
 * or 8), the direction and, for a write, the data in struct kvm_run's
 * mmio member; for a read, userspace puts the data there and the next
 * KVM_RUN completes the instruction with it (Documentation/virt/kvm/
 * api.rst, KVM_EXIT_MMIO).  The hypervisor has to decode the instruction
 * to know the register and the width, so every access here is one the
 * hypervisor's decoder got right.
 *
 * Registers (minivmm.h): ID (read-only, "mkvmtest"), SCRATCH (reads back
 * what was written) and COUNTER (each read counts one more), 8 bytes each,
 * little-endian like the guest.  The device answers like one of Linux's
 * in-kernel devices (struct kvm_io_device_ops): an access it does not own,
 * here one outside its registers or across two of them, is "not mine",
 * and the caller reports it.
 *
 * QEMU counterpart: a MemoryRegionOps read/write pair, e.g. hw/misc/pc-testdev.c.
 */
#include <string.h>

#include "minivmm.h"

/**
 * An access of @len bytes at guest-physical @addr; @data is
 * kvm_run.mmio.data.  Returns 0 when the device handled it (for a read,
 * @data then holds the value), -1 when it is not the device's.
 */
int testdev_mmio(struct testdev *d, uint64_t addr, int is_write,
		 uint8_t *data, unsigned int len)
{
	uint64_t off, reg, value;
	unsigned int byte;

	if (addr < TESTDEV_BASE || addr - TESTDEV_BASE >= TESTDEV_END)
		return -1;
	if (len != 1 && len != 2 && len != 4 && len != 8)
		return -1;
	off = addr - TESTDEV_BASE;
	reg = off & ~7ull;
	byte = off & 7;
	if (byte + len > 8)		/* across two registers */
		return -1;

	switch (reg) {
	case TESTDEV_ID:
		value = TESTDEV_ID_VALUE;
		break;
	case TESTDEV_SCRATCH:
		value = d->scratch;
		break;
	case TESTDEV_COUNTER:
		value = is_write ? d->counter : ++d->counter;
		break;
	default:
		return -1;
	}
	if (!is_write) {
		memcpy(data, (uint8_t *)&value + byte, len);	/* little-endian host */
		return 0;
	}
	/* ID and COUNTER ignore writes, as read-only registers do. */
	if (reg == TESTDEV_SCRATCH)
		memcpy((uint8_t *)&d->scratch + byte, data, len);
	return 0;
}
