// SPDX-License-Identifier: GPL-2.0
/* The PCI bus (final/vmm/pci.c) through its two ports, the way a guest
 * kernel probes it: the type-1 check, the header of each slot, a BAR's
 * size found by writing all ones. */
#include <criterion/criterion.h>
#include <linux/pci_regs.h>

#include "minivmm.h"

static struct pci_bus bus;
static struct pci_device dev;
static int writes_seen;

static void seen(struct pci_device *d)
{
	(void)d;
	writes_seen++;
}

static void setup(void)
{
	pci_init(&bus);
	pci_device_init(&dev, 0x1af4, 0x1001, 0x018000);
	pci_set_io_bar(&dev, 0, 0xc000, 64);
	dev.config_written = seen;
	writes_seen = 0;
	cr_assert_eq(pci_register(&bus, 1, &dev), 0);
}

static void outl(uint16_t port, uint32_t v)
{
	cr_assert_eq(pci_io(&bus, port, 1, 4, (uint8_t *)&v), 0, "port 0x%x", port);
}

static uint32_t inl(uint16_t port)
{
	uint32_t v;

	cr_assert_eq(pci_io(&bus, port, 0, 4, (uint8_t *)&v), 0, "port 0x%x", port);
	return v;
}

/* CONFIG_ADDRESS for bus 0, @slot, function @fn, register @reg. */
static void cfg_select(unsigned int slot, unsigned int fn, unsigned int reg)
{
	outl(PCI_CONFIG_ADDRESS_PORT, PCI_CONFIG_ENABLE | slot << 11 | fn << 8 | reg);
}

static uint32_t cfg_read(unsigned int slot, unsigned int reg)
{
	cfg_select(slot, 0, reg & ~3u);
	return inl(PCI_CONFIG_DATA_PORT);
}

static void cfg_write(unsigned int slot, unsigned int reg, uint32_t v)
{
	cfg_select(slot, 0, reg & ~3u);
	outl(PCI_CONFIG_DATA_PORT, v);
}

TestSuite(vmm_pci, .init = setup);

Test(vmm_pci, the_type1_probe_reads_back_config_address)
{
	uint8_t b = 1;

	/* Linux's pci_check_type1(): a byte to 0xCFB is not the register. */
	cr_assert_eq(pci_io(&bus, PCI_CONFIG_ADDRESS_PORT + 3, 1, 1, &b), -1);
	outl(PCI_CONFIG_ADDRESS_PORT, 0x80000000);
	cr_assert_eq(inl(PCI_CONFIG_ADDRESS_PORT), 0x80000000);
	cr_assert_eq(pci_io(&bus, 0x3f8, 0, 1, &b), -1, "not a PCI port");
}

Test(vmm_pci, slot_0_is_a_host_bridge_and_empty_slots_read_all_ones)
{
	cr_assert_eq(cfg_read(0, PCI_CLASS_REVISION) >> 8, 0x060000, "bridge, host");
	cr_assert_eq(cfg_read(1, PCI_VENDOR_ID), 0x10011af4);
	cr_assert_eq(cfg_read(2, PCI_VENDOR_ID), 0xffffffff, "an empty slot");
	cfg_select(1, 1, 0);
	cr_assert_eq(inl(PCI_CONFIG_DATA_PORT), 0xffffffff, "function 1: none");
	outl(PCI_CONFIG_ADDRESS_PORT, 1 << 11);	/* enable bit clear */
	cr_assert_eq(inl(PCI_CONFIG_DATA_PORT), 0xffffffff);
	outl(PCI_CONFIG_ADDRESS_PORT, PCI_CONFIG_ENABLE | 1 << 16 | 1 << 11);
	cr_assert_eq(inl(PCI_CONFIG_DATA_PORT), 0xffffffff, "bus 1: none");
}

Test(vmm_pci, byte_and_word_accesses_reach_their_bytes)
{
	uint8_t b;
	uint16_t w;

	cfg_select(1, 0, PCI_VENDOR_ID);
	cr_assert_eq(pci_io(&bus, PCI_CONFIG_DATA_PORT + 2, 0, 2, (uint8_t *)&w), 0);
	cr_assert_eq(w, 0x1001, "the device ID");
	cr_assert_eq(pci_io(&bus, PCI_CONFIG_DATA_PORT + 1, 0, 1, &b), 0);
	cr_assert_eq(b, 0x1a);
	cr_assert_eq(pci_io(&bus, PCI_CONFIG_DATA_PORT + 3, 0, 2, (uint8_t *)&w), -1,
		     "past CONFIG_DATA");
}

Test(vmm_pci, a_bar_tells_its_size_and_moves)
{
	cr_assert_eq(cfg_read(1, PCI_BASE_ADDRESS_0), 0xc000 | PCI_BASE_ADDRESS_SPACE_IO);
	cfg_write(1, PCI_BASE_ADDRESS_0, 0xffffffff);
	cr_assert_eq(cfg_read(1, PCI_BASE_ADDRESS_0), ~63u | PCI_BASE_ADDRESS_SPACE_IO,
		     "64 bytes of I/O space");
	cfg_write(1, PCI_BASE_ADDRESS_0, 0xd040);
	cr_assert_eq(pci_io_bar(&dev, 0), 0, "I/O decoding is off");
	cfg_write(1, PCI_COMMAND, PCI_COMMAND_IO);
	cr_assert_eq(pci_io_bar(&dev, 0), 0xd040);
	cr_assert_eq(writes_seen, 3, "the device heard every write");
	cr_assert_eq(cfg_read(1, PCI_BASE_ADDRESS_1), 0, "no BAR 1");
	cfg_write(1, PCI_BASE_ADDRESS_1, 0xffffffff);
	cr_assert_eq(cfg_read(1, PCI_BASE_ADDRESS_1), 0, "and none to size");
}

Test(vmm_pci, read_only_fields_stay)
{
	cfg_write(1, PCI_VENDOR_ID, 0x12345678);
	cr_assert_eq(cfg_read(1, PCI_VENDOR_ID), 0x10011af4);
	cfg_write(1, PCI_CLASS_REVISION, 0);
	cr_assert_eq(cfg_read(1, PCI_CLASS_REVISION), 0x01800000);
	cfg_write(1, PCI_INTERRUPT_LINE, 0xffffffff);
	cr_assert_eq(cfg_read(1, PCI_INTERRUPT_LINE) & 0xffff, 0xff,
		     "the line is the OS's to write, the pin is not");
}

Test(vmm_pci, slots_are_taken_once)
{
	struct pci_device other;

	pci_device_init(&other, 1, 2, 0);
	cr_assert_eq(pci_register(&bus, 1, &other), -1, "taken");
	cr_assert_eq(pci_register(&bus, 0, &other), -1, "the host bridge's");
	cr_assert_eq(pci_register(&bus, PCI_MAX_SLOTS, &other), -1);
	cr_assert_eq(pci_register(&bus, 2, &other), 0);
}
