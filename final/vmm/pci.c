// SPDX-License-Identifier: GPL-2.0
/**
 * @file pci.c
 * @brief A PCI bus for the Linux guest: configuration mechanism #1, a
 * host bridge, and the devices minivmm plugs into it (the virtio disk).
 *
 * A PC finds its PCI devices by reading their configuration space, 256
 * bytes per function, through two I/O ports (PCI Local Bus Specification
 * 3.0, 3.2.2.3.2, "configuration mechanism #1"):
 *
 *   0xCF8  CONFIG_ADDRESS  bit 31 enable, bits 23:16 bus, 15:11 device,
 *                          10:8 function, 7:2 the register's dword
 *   0xCFC  CONFIG_DATA     that dword (bytes 0xCFC-0xCFF: its bytes)
 *
 * The first 64 bytes of every function are the same header (spec 6.1):
 * who made it (vendor, device), what it is (class), the command register
 * that turns its decoders on, its interrupt pin, and its Base Address
 * Registers - where the system put the device's own registers.  Firmware
 * assigns the BARs; a kernel may move them.  It learns a BAR's size by
 * writing all ones and reading back which bits stuck (spec 6.2.5.1), so
 * a BAR here is a value and a mask of the bits the guest can write.
 *
 * minivmm is the firmware: it gives each device its BAR and interrupt
 * line before the guest runs, and the MP table (mptable.c) says which
 * IOAPIC input each slot's INTA# is wired to.  Bus 0 only, function 0
 * only, no bridges, no PCI Express extended space: that is all a guest
 * needs to find one virtio device.  Linux: arch/x86/pci/direct.c is the
 * guest's side; kvmtool's pci.c and QEMU's hw/pci/pci.c are VMMs' own.
 */
#include <string.h>
#include <linux/pci_regs.h>

#include "minivmm.h"

/** The host bridge's identity: Red Hat's vendor ID, the device ID its
 *  generic host bridges use.  Linux's type-1 probe wants a host bridge
 *  or a VGA card on bus 0 before it trusts the mechanism. @{ */
#define PCI_HOST_VENDOR		0x1b36
#define PCI_HOST_DEVICE		0x0008
/** @} */
#define PCI_CLASS_HOST_BRIDGE	0x060000	/**< bridge, host, interface 0 */

/** Store @v, @n bytes little-endian, at config offset @off of @d. */
void pci_set(struct pci_device *d, unsigned int off, unsigned int n, uint32_t v)
{
	for (unsigned int i = 0; i < n; i++)
		d->cfg[off + i] = v >> (8 * i);
}

/** The @n-byte little-endian value at config offset @off of @d. */
uint32_t pci_get(const struct pci_device *d, unsigned int off, unsigned int n)
{
	uint32_t v = 0;

	for (unsigned int i = 0; i < n; i++)
		v |= (uint32_t)d->cfg[off + i] << (8 * i);
	return v;
}

/**
 * Fill the header of a type-0 function: @vendor:@device, @class (base,
 * sub-class, programming interface: 24 bits).  The guest may write the
 * command register's decode and bus-master bits, the interrupt line and
 * the BARs (pci_set_io_bar()); every other header byte is read-only.
 */
void pci_device_init(struct pci_device *d, uint16_t vendor, uint16_t device, uint32_t class)
{
	memset(d, 0, sizeof(*d));
	pci_set(d, PCI_VENDOR_ID, 2, vendor);
	pci_set(d, PCI_DEVICE_ID, 2, device);
	pci_set(d, PCI_CLASS_REVISION, 4, class << 8);	/* revision 0 */
	d->cfg[PCI_HEADER_TYPE] = PCI_HEADER_TYPE_NORMAL;
	d->wmask[PCI_COMMAND] = PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER;
	d->wmask[PCI_COMMAND + 1] = PCI_COMMAND_INTX_DISABLE >> 8;
	d->wmask[PCI_INTERRUPT_LINE] = 0xff;
}

/**
 * Give BAR @bar of @d an I/O space window of @size bytes (a power of two,
 * at least 4) at port @base.  Bit 0 says "I/O space" and is read-only;
 * the bits below @size are zero and read-only too, which is what tells a
 * guest sizing the BAR how big it is.
 */
void pci_set_io_bar(struct pci_device *d, unsigned int bar, uint16_t base, uint32_t size)
{
	unsigned int off = PCI_BASE_ADDRESS_0 + 4 * bar;

	pci_set(d, off, 4, (base & ~(size - 1)) | PCI_BASE_ADDRESS_SPACE_IO);
	for (unsigned int i = 0; i < 4; i++)
		d->wmask[off + i] = (uint32_t)~(size - 1) >> (8 * i);
	d->wmask[off] &= ~PCI_BASE_ADDRESS_SPACE_IO;
	d->bar_size[bar] = size;
}

/** Where I/O BAR @bar of @d decodes now, or 0: the guest turned I/O
 *  decoding off (PCI_COMMAND_IO), as Linux does while it sizes BARs. */
uint16_t pci_io_bar(const struct pci_device *d, unsigned int bar)
{
	if (!(d->cfg[PCI_COMMAND] & PCI_COMMAND_IO) || !d->bar_size[bar])
		return 0;
	return pci_get(d, PCI_BASE_ADDRESS_0 + 4 * bar, 4) & PCI_BASE_ADDRESS_IO_MASK;
}

/** An empty bus 0 with the host bridge in slot 0. */
void pci_init(struct pci_bus *b)
{
	memset(b, 0, sizeof(*b));
	pci_device_init(&b->host_bridge, PCI_HOST_VENDOR, PCI_HOST_DEVICE,
			PCI_CLASS_HOST_BRIDGE);
	b->slot[0] = &b->host_bridge;
}

/** Plug @d into slot @slot of bus 0 (1 .. PCI_MAX_SLOTS - 1): 0, or -1
 *  if the slot is taken or out of range. */
int pci_register(struct pci_bus *b, unsigned int slot, struct pci_device *d)
{
	if (slot == 0 || slot >= PCI_MAX_SLOTS || b->slot[slot])
		return -1;
	b->slot[slot] = d;
	return 0;
}

/** The device CONFIG_ADDRESS selects, or NULL: not enabled, not bus 0,
 *  not function 0, or an empty slot. */
static struct pci_device *pci_selected(const struct pci_bus *b)
{
	uint32_t a = b->config_address;
	unsigned int slot = (a >> 11) & 0x1f;

	if (!(a & PCI_CONFIG_ENABLE) || ((a >> 16) & 0xff) || ((a >> 8) & 7))
		return NULL;
	return slot < PCI_MAX_SLOTS ? b->slot[slot] : NULL;
}

/** A guest's write of @size bytes at @off: only the bits wmask lets through. */
static void pci_config_write(struct pci_device *d, unsigned int off, int size, const uint8_t *data)
{
	for (int i = 0; i < size; i++)
		d->cfg[off + i] = (d->cfg[off + i] & ~d->wmask[off + i]) |
				  (data[i] & d->wmask[off + i]);
	if (d->config_written)
		d->config_written(d);
}

/**
 * Port @port (CONFIG_ADDRESS or CONFIG_DATA): 0 if it is one of them,
 * -1 if not.  An absent device reads all ones, as a master abort does on
 * a real bus, which is how a guest tells an empty slot.
 */
int pci_io(struct pci_bus *b, uint16_t port, int is_write, int size, uint8_t *data)
{
	struct pci_device *d;
	unsigned int off;

	if (port == PCI_CONFIG_ADDRESS_PORT) {
		/* Only a dword access reaches the address register; Linux's
		 * type-1 probe also writes a byte at 0xCFB, which vanishes. */
		if (size != 4)
			return -1;
		if (is_write)
			memcpy(&b->config_address, data, 4);
		else
			memcpy(data, &b->config_address, 4);
		return 0;
	}
	if (port < PCI_CONFIG_DATA_PORT || port + size > PCI_CONFIG_DATA_PORT + 4)
		return -1;
	d = pci_selected(b);
	off = (b->config_address & 0xfc) + (port - PCI_CONFIG_DATA_PORT);
	if (!d) {
		if (!is_write)
			memset(data, 0xff, size);
	} else if (is_write) {
		pci_config_write(d, off, size, data);
	} else {
		memcpy(data, d->cfg + off, size);
	}
	return 0;
}
