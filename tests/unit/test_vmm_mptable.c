// SPDX-License-Identifier: GPL-2.0
/* The MP table (final/vmm/mptable.c), read back the way a guest kernel
 * does: find "_MP_" by scanning 16-byte boundaries, check both checksums,
 * walk the configuration table's entries by their types' sizes. */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "minivmm.h"

#define MEM	(2u << 20)

static uint8_t *mem;
static struct pci_bus bus;	/* the host bridge only, unless a test plugs more */

static void setup(void)
{
	mem = calloc(1, MEM);
	cr_assert_not_null(mem);
	pci_init(&bus);
}

static void teardown(void)
{
	free(mem);
}

static uint32_t get32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint8_t sum(const uint8_t *p, size_t n)
{
	uint8_t s = 0;

	while (n--)
		s += *p++;
	return s;
}

/* What the guest's scan of 0xF0000-0xFFFFF finds: the floating pointer. */
static const uint8_t *find_mpf(void)
{
	for (uint32_t a = 0xf0000; a < 0x100000; a += 16)
		if (!memcmp(mem + a, "_MP_", 4))
			return mem + a;
	return NULL;
}

struct parsed {
	unsigned int cpus, bsp, buses, ioapics, intsrc, lintsrc, pci_intsrc;
	uint8_t cpu_id[8], ioapic_id, pin_of_irq[16], lint_type[2];
	uint8_t pci_bus_id, isa_bus_id, pci_src[4], pci_pin[4];
};

static struct parsed parse(void)
{
	struct parsed p = { 0 };
	const uint8_t *mpf = find_mpf(), *mpc, *e;
	unsigned int n;

	memset(p.pin_of_irq, 0xff, sizeof(p.pin_of_irq));
	p.pci_bus_id = p.isa_bus_id = 0xff;
	cr_assert_not_null(mpf, "no _MP_ in the BIOS area");
	cr_assert_eq(mpf[8], 1, "length in paragraphs");
	cr_assert_eq(mpf[9], 4, "spec 1.4");
	cr_assert_eq(sum(mpf, 16), 0, "floating pointer checksum");
	cr_assert_eq(mpf[11], 0, "a configuration table, not a default one");
	mpc = mem + get32(mpf + 4);
	cr_assert(!memcmp(mpc, "PCMP", 4));
	cr_assert_eq(sum(mpc, mpc[4] | mpc[5] << 8), 0, "configuration table checksum");
	cr_assert_eq(get32(mpc + 36), 0xfee00000);
	n = mpc[34] | mpc[35] << 8;
	e = mpc + 44;
	while (n--) {
		switch (e[0]) {
		case 0:
			cr_assert_lt(p.cpus, 8);
			p.cpu_id[p.cpus++] = e[1];
			cr_assert(e[3] & 1, "CPU enabled");
			if (e[3] & 2)
				p.bsp++;
			e += 20;
			break;
		case 1:
			if (!memcmp(e + 2, "PCI   ", 6))
				p.pci_bus_id = e[1];
			else if (!memcmp(e + 2, "ISA   ", 6))
				p.isa_bus_id = e[1];
			else
				cr_assert_fail("a bus neither PCI nor ISA");
			p.buses++;
			e += 8;
			break;
		case 2:
			p.ioapics++;
			p.ioapic_id = e[1];
			cr_assert_eq(get32(e + 4), 0xfec00000);
			e += 8;
			break;
		case 3:
			cr_assert_eq(e[1], 0, "vectored interrupt");
			cr_assert_eq(e[2] | e[3], 0, "polarity and trigger of the bus");
			cr_assert_eq(e[6], p.ioapic_id);
			if (e[4] == p.pci_bus_id) {
				cr_assert_lt(p.pci_intsrc, 4);
				p.pci_src[p.pci_intsrc] = e[5];
				p.pci_pin[p.pci_intsrc++] = e[7];
				e += 8;
				break;
			}
			cr_assert_eq(e[4], p.isa_bus_id, "an ISA interrupt");
			cr_assert_lt(e[5], 16);
			p.pin_of_irq[e[5]] = e[7];
			p.intsrc++;
			e += 8;
			break;
		case 4:
			cr_assert_eq(e[6], 0xff, "every local APIC");
			cr_assert_lt(e[7], 2);
			p.lint_type[e[7]] = e[1];
			p.lintsrc++;
			e += 8;
			break;
		default:
			cr_assert_fail("unknown entry type %u", e[0]);
		}
	}
	cr_assert_eq(e - mpc, mpc[4] | mpc[5] << 8, "entries fill the base table");
	return p;
}

TestSuite(vmm_mptable, .init = setup, .fini = teardown);

Test(vmm_mptable, one_entry_per_cpu_the_first_one_boots)
{
	cr_assert_gt(vmm_mptable_write(mem, MEM, LINUX_MPTABLE, 4, &bus), 0);
	struct parsed p = parse();

	cr_assert_eq(p.cpus, 4);
	cr_assert_eq(p.bsp, 1);
	for (unsigned int i = 0; i < 4; i++)
		cr_assert_eq(p.cpu_id[i], i, "APIC ID = KVM_CREATE_VCPU id");
	cr_assert_eq(p.buses, 2, "ISA and PCI");
	cr_assert_eq(p.ioapics, 1);
	cr_assert_eq(p.ioapic_id, 4, "after the CPUs' IDs");
}

Test(vmm_mptable, isa_irqs_go_to_the_pins_of_kvms_default_routing)
{
	cr_assert_gt(vmm_mptable_write(mem, MEM, LINUX_MPTABLE, 1, &bus), 0);
	struct parsed p = parse();

	cr_assert_eq(p.intsrc, 15);
	cr_assert_eq(p.pin_of_irq[0], 0, "the PIT on pin 0, where KVM raises GSI 0");
	cr_assert_eq(p.pin_of_irq[2], 0xff, "the cascade is no ISA interrupt");
	for (unsigned int i = 3; i < 16; i++)
		cr_assert_eq(p.pin_of_irq[i], i);
	cr_assert_eq(p.lintsrc, 2);
	cr_assert_eq(p.lint_type[0], 3, "LINT0: ExtINT, the 8259");
	cr_assert_eq(p.lint_type[1], 1, "LINT1: NMI");
}

Test(vmm_mptable, refuses_what_does_not_fit_or_is_unaligned)
{
	cr_assert_eq(vmm_mptable_write(mem, 0xf0100, 0xf0000, 8, &bus), 0);
	cr_assert_eq(vmm_mptable_write(mem, MEM, 0xf0008, 1, &bus), 0);
	cr_assert_null(find_mpf(), "nothing written");
}

Test(vmm_mptable, a_pci_slot_inta_goes_to_its_own_ioapic_input)
{
	struct pci_device dev;

	pci_device_init(&dev, 0x1af4, 0x1001, 0x018000);
	cr_assert_eq(pci_register(&bus, 1, &dev), 0);
	cr_assert_gt(vmm_mptable_write(mem, MEM, LINUX_MPTABLE, 2, &bus), 0);
	struct parsed p = parse();

	cr_assert_eq(p.pci_bus_id, 0, "Linux takes a PCI bus's ID for its number");
	cr_assert_neq(p.isa_bus_id, 0);
	cr_assert_eq(p.pci_intsrc, 1, "the device's, not the host bridge's");
	cr_assert_eq(p.pci_src[0], 1 << 2 | 0, "slot 1, INTA#");
	cr_assert_eq(p.pci_pin[0], PCI_INTX_GSI(1));
	cr_assert_geq(PCI_INTX_GSI(1), 16, "no ISA line shared");
	cr_assert_eq(p.intsrc, 15, "the ISA ones unchanged");
}
