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
/*
 * Chapter 03 adds three write-only registers that change an interrupt
 * line: IRQ_RAISE, IRQ_LOWER and IRQ_PULSE take a GSI (minivmm.h).  A
 * raised line stays high, which a level-triggered input sees as one
 * request until it is lowered; a pulse is one edge.  The same three are
 * ports (IRQ_RAISE_PORT ..), for real-mode guests, which cannot address
 * TESTDEV_BASE.  QEMU's pc-testdev has the like: its "irq" port raises
 * and lowers ISA lines for kvm-unit-tests.
 */
#include <errno.h>
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
	case TESTDEV_IRQ_RAISE:
	case TESTDEV_IRQ_LOWER:
	case TESTDEV_IRQ_PULSE:
		value = 0;
		if (is_write) {
			uint64_t gsi = 0;

			/* The GSI is the value written, of whatever width. */
			memcpy((uint8_t *)&gsi + byte, data, len);
			testdev_irq(d, reg == TESTDEV_IRQ_RAISE ? TESTDEV_OP_RAISE :
				    reg == TESTDEV_IRQ_LOWER ? TESTDEV_OP_LOWER :
				    TESTDEV_OP_PULSE, gsi);
			return 0;
		}
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

/**
 * Change the line of @gsi as @op says, through d->set_irq.  Returns 0,
 * or -EINVAL for a GSI beyond IRQ_MAX_GSI (nothing happens).
 */
int testdev_irq(struct testdev *d, enum testdev_irq_op op, uint64_t gsi)
{
	if (gsi > IRQ_MAX_GSI)
		return -EINVAL;
	if (!d->set_irq)
		return 0;
	switch (op) {
	case TESTDEV_OP_RAISE:
		d->set_irq(d->opaque, (unsigned int)gsi, 1);
		break;
	case TESTDEV_OP_LOWER:
		d->set_irq(d->opaque, (unsigned int)gsi, 0);
		break;
	case TESTDEV_OP_PULSE:
		d->set_irq(d->opaque, (unsigned int)gsi, 1);
		d->set_irq(d->opaque, (unsigned int)gsi, 0);
		break;
	}
	return 0;
}

/**
 * A one-byte-or-wider access to one of the interrupt ports
 * (IRQ_RAISE_PORT ..): a write changes the line of the GSI in its low
 * byte; a read gives 0.  Returns 0 when the port is the device's, -1
 * when not.
 */
int testdev_pio(struct testdev *d, uint16_t port, int is_write, uint8_t *data)
{
	static const enum testdev_irq_op ops[] = {
		[IRQ_RAISE_PORT - IRQ_RAISE_PORT] = TESTDEV_OP_RAISE,
		[IRQ_LOWER_PORT - IRQ_RAISE_PORT] = TESTDEV_OP_LOWER,
		[IRQ_PULSE_PORT - IRQ_RAISE_PORT] = TESTDEV_OP_PULSE,
	};

	if (port < IRQ_RAISE_PORT || port > IRQ_PULSE_PORT)
		return -1;
	if (is_write)
		testdev_irq(d, ops[port - IRQ_RAISE_PORT], data[0]);
	else
		data[0] = 0;
	return 0;
}
