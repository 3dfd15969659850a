// SPDX-License-Identifier: GPL-2.0
/**
 * @file mptable.c
 * @brief The Intel MultiProcessor Specification table that tells a
 * Linux guest its CPUs, its IOAPIC and how the ISA interrupts reach it.
 *
 * Without firmware tables a PC kernel must assume one CPU and the 8259
 * pair; the MP table (Intel MultiProcessor Specification 1.4, chapter 4)
 * is the smallest description of an SMP PC with an IOAPIC: a 16-byte
 * "floating pointer" that the OS finds by scanning for "_MP_" (the BIOS
 * ROM area 0xF0000-0xFFFFF is one of the places it looks, spec 4.1),
 * pointing to a configuration table ("PCMP") of entries:
 *
 *   processor          one per CPU: its local APIC ID, BSP flag   (4.3.1)
 *   bus                PCI bus 0, id 0; the ISA bus, id 1         (4.3.2)
 *   I/O APIC           its ID, version and address 0xFEC00000     (4.3.3)
 *   I/O interrupt      ISA IRQ n -> IOAPIC input n,               (4.3.4)
 *                      PCI slot s INTA# -> input PCI_INTX_GSI(s)
 *   local interrupt    LINT0 = ExtINT (the 8259), LINT1 = NMI     (4.3.5)
 *
 * The I/O interrupt entries state the routing KVM sets up by default
 * for a new irqchip (kvm_setup_default_irq_routing(): GSI n to IOAPIC
 * pin n and to 8259 input n), IRQ 0 - the PIT - included: on pin 0, not
 * the pin 2 of ACPI-era PCs, because that is where KVM's PIT raises it.
 * Linux then takes the timer, the UART and every other ISA interrupt
 * through the IOAPIC, and starts the other CPUs with INIT and SIPI.
 * ACPI's MADT says the same in more bytes; kvmtool and QEMU's "-M isapc"
 * still write MP tables.
 */
#include <string.h>

#include "minivmm.h"

/** Sizes of the structures (MP spec tables 4-1 .. 4-11). @{ */
#define MPF_SIZE	16	/**< the floating pointer */
#define MPC_HDR_SIZE	44	/**< the configuration table's header */
#define MPC_CPU_SIZE	20	/**< a processor entry; every other entry is 8 */
#define MPC_ENTRY_SIZE	8
/** @} */

/** Entry types (MP spec table 4-3). @{ */
#define MP_PROCESSOR	0
#define MP_BUS		1
#define MP_IOAPIC	2
#define MP_INTSRC	3
#define MP_LINTSRC	4
/** @} */

/** Interrupt types of the interrupt entries (table 4-9). @{ */
#define MP_INT		0	/**< a vectored interrupt, from the redirection table */
#define MP_NMI		1
#define MP_EXTINT	3	/**< the 8259's INTR, as if wired to the pin */
/** @} */

#define MP_CPU_ENABLED	0x01	/**< processor entry flags: usable */
#define MP_CPU_BSP	0x02	/**< ... and the one that boots */
#define MP_APIC_ENABLED	0x01	/**< I/O APIC entry flags: usable */
#define MP_LAPIC_VERSION 0x14	/**< an integrated APIC, as KVM's LVR says */
#define MP_IOAPIC_VERSION 0x11	/**< 82093AA */
#define MP_LAPIC_ADDR	0xfee00000u	/**< the local APIC's default base */
#define MP_IOAPIC_ADDR	0xfec00000u	/**< the IOAPIC's default base */
#define MP_ISA_IRQS	16	/**< ISA IRQs 0-15, one entry each but the cascade */
#define MP_CASCADE_IRQ	2	/**< the slave 8259's input: no ISA device */
/** The buses' IDs in the table.  A PCI bus's ID must be its bus number:
 *  Linux looks a PCI device's interrupt up by the number of its bus
 *  (IO_APIC_get_PCI_irq_vector()).  ISA takes the next. @{ */
#define MP_BUS_PCI	0
#define MP_BUS_ISA	1
/** @} */

/** The byte that makes the sum of @len bytes at @p zero (spec 4.1). */
static uint8_t mp_checksum(const uint8_t *p, size_t len)
{
	uint8_t sum = 0;

	while (len--)
		sum += *p++;
	return (uint8_t)-sum;
}

/** Little-endian stores. @{ */
static void put16(uint8_t *p, uint16_t v) { p[0] = v; p[1] = v >> 8; }
static void put32(uint8_t *p, uint32_t v) { put16(p, v); put16(p + 2, v >> 16); }
/** @} */

/** An I/O or local interrupt entry: @type, interrupt type @irqtype,
 *  polarity and trigger that conform to the bus (flags 0: ISA's edge,
 *  active high; PCI's level, active low), from IRQ @srcirq of bus @bus
 *  to input @pin of APIC @dst. */
static uint8_t *mp_irq_entry(uint8_t *e, uint8_t type, uint8_t irqtype, uint8_t bus,
			     uint8_t srcirq, uint8_t dst, uint8_t pin)
{
	e[0] = type;
	e[1] = irqtype;
	put16(e + 2, 0);
	e[4] = bus;
	e[5] = srcirq;
	e[6] = dst;
	e[7] = pin;
	return e + MPC_ENTRY_SIZE;
}

/**
 * Write the MP floating pointer at guest-physical @addr and the
 * configuration table right after it, for @nr_cpus CPUs with local APIC
 * IDs 0 .. nr_cpus - 1 (KVM makes a vCPU's APIC ID its KVM_CREATE_VCPU
 * id), one IOAPIC, and the interrupt pin of each device on @pci (slot 0,
 * the host bridge, has none).  Returns the bytes written, or 0 if they
 * do not fit below @mem_size.
 */
size_t vmm_mptable_write(void *mem, uint64_t mem_size, uint32_t addr, unsigned int nr_cpus,
			 const struct pci_bus *pci)
{
	unsigned int i, entries = 0, nr_pci = 0;
	size_t size;
	uint8_t *mpf = (uint8_t *)mem + addr, *mpc = mpf + MPF_SIZE, *e;
	uint8_t ioapic_id = nr_cpus;	/* after the CPUs', as QEMU does */

	for (i = 1; i < PCI_MAX_SLOTS; i++)
		nr_pci += pci->slot[i] != NULL;
	size = MPF_SIZE + MPC_HDR_SIZE + nr_cpus * MPC_CPU_SIZE +
	       /* 2 buses, IOAPIC, the ISA IRQs but the cascade, PCI's, LINT0, LINT1 */
	       (3 + MP_ISA_IRQS - 1 + nr_pci + 2) * MPC_ENTRY_SIZE;

	if (addr + size > mem_size || addr % 16)
		return 0;
	memset(mpf, 0, size);

	/* The configuration table's entries, after its header. */
	e = mpc + MPC_HDR_SIZE;
	for (i = 0; i < nr_cpus; i++, entries++) {
		e[0] = MP_PROCESSOR;
		e[1] = i;				/* local APIC ID */
		e[2] = MP_LAPIC_VERSION;
		e[3] = MP_CPU_ENABLED | (i == 0 ? MP_CPU_BSP : 0);
		put32(e + 4, 0x600);			/* signature: family 6 */
		put32(e + 8, 0x201);			/* features: FPU, APIC */
		e += MPC_CPU_SIZE;
	}
	e[0] = MP_BUS;
	e[1] = MP_BUS_PCI;
	memcpy(e + 2, "PCI   ", 6);
	e += MPC_ENTRY_SIZE;
	e[0] = MP_BUS;
	e[1] = MP_BUS_ISA;
	memcpy(e + 2, "ISA   ", 6);
	e += MPC_ENTRY_SIZE;
	e[0] = MP_IOAPIC;
	e[1] = ioapic_id;
	e[2] = MP_IOAPIC_VERSION;
	e[3] = MP_APIC_ENABLED;
	put32(e + 4, MP_IOAPIC_ADDR);
	e += MPC_ENTRY_SIZE;
	entries += 3;
	for (i = 0; i < MP_ISA_IRQS; i++) {
		if (i == MP_CASCADE_IRQ)
			continue;
		e = mp_irq_entry(e, MP_INTSRC, MP_INT, MP_BUS_ISA, i, ioapic_id, i);
		entries++;
	}
	/* A PCI interrupt's source is (slot << 2) | pin, INTA# being 0
	 * (spec D.3): Linux finds a device's IRQ by its slot and pin. */
	for (i = 1; i < PCI_MAX_SLOTS; i++) {
		if (!pci->slot[i])
			continue;
		e = mp_irq_entry(e, MP_INTSRC, MP_INT, MP_BUS_PCI, i << 2, ioapic_id,
				 PCI_INTX_GSI(i));
		entries++;
	}
	/* Every CPU's LINT0 from the 8259, LINT1 NMI (0xff: all local APICs). */
	e = mp_irq_entry(e, MP_LINTSRC, MP_EXTINT, MP_BUS_ISA, 0, 0xff, 0);
	e = mp_irq_entry(e, MP_LINTSRC, MP_NMI, MP_BUS_ISA, 0, 0xff, 1);
	entries += 2;

	/* The header (table 4-2). */
	memcpy(mpc, "PCMP", 4);
	put16(mpc + 4, e - mpc);		/* base table length */
	mpc[6] = 4;				/* spec revision 1.4 */
	memcpy(mpc + 8, "MINIKVM ", 8);		/* OEM ID */
	memcpy(mpc + 16, "MINIVMM     ", 12);	/* product ID */
	put16(mpc + 34, entries);
	put32(mpc + 36, MP_LAPIC_ADDR);
	mpc[7] = mp_checksum(mpc, e - mpc);

	/* The floating pointer (table 4-1): feature bytes all 0 - a
	 * configuration table is present, and no IMCR: the 8259 reaches
	 * the BSP through LINT0 ("virtual wire" mode). */
	memcpy(mpf, "_MP_", 4);
	put32(mpf + 4, addr + MPF_SIZE);
	mpf[8] = MPF_SIZE / 16;			/* length in 16-byte units */
	mpf[9] = 4;				/* spec revision 1.4 */
	mpf[10] = mp_checksum(mpf, MPF_SIZE);
	return e - mpf;
}
