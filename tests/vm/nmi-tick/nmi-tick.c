// SPDX-License-Identifier: GPL-2.0
/*
 * nmi-tick.ko - a periodic NMI for the lab's host under Bochs (the vmx
 * path), so that a guest looping with interrupts off cannot take the
 * whole emulated machine with it.  A lab tool, not part of minikvm.
 *
 * Why.  Bochs 2.7 (and its git HEAD, read 2026-12-05) loads the guest's RFLAGS
 * during VM entry before it marks the CPU as being in VMX non-root
 * operation (cpu/vmx.cc: setEFlags() in VMenterLoadCheckGuestState(),
 * in_vmx_guest = 1 only at the end of VMLAUNCH/VMRESUME).  setEFlags()
 * recomputes which events may interrupt the CPU, and with the guest's
 * IF = 0 and the CPU not yet "in the guest" it masks external
 * interrupts, although "external-interrupt exiting" (SDM Vol. 3C, 25.6.1)
 * makes them exit the guest whatever its IF.  Only an exit or a change
 * of IF in the guest recomputes the mask.  So a guest entered with IF = 0
 * that then loops without an exit (the fuzzer's random programs do, and
 * pit-kill's and slot-stress's busy guests) never lets the host's timer
 * interrupt in: on the lab's one emulated CPU nothing runs again.  The
 * real kvm-intel stalls exactly as minikvm-intel does; a real CPU would
 * exit.
 *
 * How.  NMIs are not masked by IF, and both hypervisors set "NMI
 * exiting": an NMI exits the guest, the hypervisor hands it to the host's
 * handler, turns interrupts back on, the pending timer interrupt runs,
 * and the VMM's signal ends KVM_RUN as it would on hardware.  The source:
 * PIT counter 0 (unused by Linux once the local APIC timer took over) in
 * mode 2 (@hz), and its IOAPIC input 2 redirected with delivery mode NMI
 * to this CPU (82093AA datasheet, 3.2.4: the redirection table); a
 * handler of the last resort (NMI_UNKNOWN) claims them.  Linux left the
 * HPET in legacy replacement mode, which disconnects the PIT from IRQ 0
 * (IA-PC HPET specification 1.0a, 2.3.9.2.1, LEG_RT_CNF): that bit is
 * cleared while the module is loaded (the HPET's timer 0, which the
 * mode gives IRQ 0 instead, has its interrupt off).  Unloading puts the
 * HPET's mode and the redirection entry back as they were and stops
 * counter 0.
 *
 * /sys/module/nmi_tick/parameters/count: the NMIs claimed so far.
 */
#include <linux/i8253.h>
#include <linux/io.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <asm/apicdef.h>
#include <asm/nmi.h>
#include <asm/smp.h>

/* Counter 0's rate as the 8254 counts it.  Measured against the lab
 * kernel's clock, the NMIs come about 70 times as often under Bochs
 * (2026-12-05: hz=20 gave 1400 a second, hz=100 7000, hz=1000 70000):
 * Bochs's PIT and that clock do not run at one pace.  So the default is
 * the slowest the counter goes, about 1300 NMIs a second there. */
static unsigned int hz = 19;
module_param(hz, uint, 0444);
MODULE_PARM_DESC(hz, "counter 0's rate, 19-1000 Hz as the 8254 counts");

static unsigned long count;
module_param(count, ulong, 0444);
MODULE_PARM_DESC(count, "NMIs claimed so far");

/* IOAPIC registers (82093AA datasheet, 3.1): an index, then a window. */
#define IOREGSEL	0x00
#define IOWIN		0x10
#define IOREDTBL(pin)	(0x10 + 2 * (pin))
#define PIT_PIN		2		/* ISA IRQ 0 is input 2 (MADT override) */
#define RTE_DM_NMI	(4 << 8)	/* delivery mode 100b: NMI */

/* HPET (IA-PC HPET specification 1.0a, 2.3.5): the general
 * configuration register, its LegacyReplacement Route bit. */
#define HPET_BASE	0xfed00000	/* where PC firmware puts it */
#define HPET_CFG	0x10
#define  HPET_CFG_LEGACY 0x2

/* PIT (8254 datasheet): counter 0, LSB then MSB, mode 2, binary. */
#define PIT_CH0		0x40
#define PIT_MODE	0x43
#define PIT_CW_CH0_MODE2 0x34
#define PIT_CW_CH0_MODE0 0x30
#define PIT_HZ		1193182

static void __iomem *ioapic, *hpet;
static u32 saved_lo, saved_hi, saved_hpet_cfg;

static u32 ioapic_read(unsigned int reg)
{
	writel(reg, ioapic + IOREGSEL);
	return readl(ioapic + IOWIN);
}

static void ioapic_write(unsigned int reg, u32 val)
{
	writel(reg, ioapic + IOREGSEL);
	writel(val, ioapic + IOWIN);
}

/* Counter 0 in @mode_cw with @count, under the lock Linux's own PIT code
 * takes for these ports. */
static void pit_program(u8 mode_cw, u16 n)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&i8253_lock, flags);
	outb(mode_cw, PIT_MODE);
	outb(n & 0xff, PIT_CH0);
	outb(n >> 8, PIT_CH0);
	raw_spin_unlock_irqrestore(&i8253_lock, flags);
}

/* Every NMI nobody else claimed is ours: the lab host has no other
 * source of them. */
static int nmi_tick_handler(unsigned int type, struct pt_regs *regs)
{
	count++;
	return NMI_HANDLED;
}

static int __init nmi_tick_init(void)
{
	int r;

	if (hz < 19 || hz > 1000)
		return -EINVAL;
	ioapic = ioremap(IO_APIC_DEFAULT_PHYS_BASE, 0x20);
	hpet = ioremap(HPET_BASE, 0x400);
	r = ioapic && hpet ? 0 : -ENOMEM;
	if (!r)
		r = register_nmi_handler(NMI_UNKNOWN, nmi_tick_handler, 0, "nmi-tick");
	if (r) {
		if (hpet)
			iounmap(hpet);
		if (ioapic)
			iounmap(ioapic);
		return r;
	}
	saved_hpet_cfg = readl(hpet + HPET_CFG);
	writel(saved_hpet_cfg & ~HPET_CFG_LEGACY, hpet + HPET_CFG);
	saved_hi = ioapic_read(IOREDTBL(PIT_PIN) + 1);
	saved_lo = ioapic_read(IOREDTBL(PIT_PIN));
	/* Destination first, then the low word that unmasks: physical
	 * destination mode, edge, active high, the vector ignored for NMI. */
	ioapic_write(IOREDTBL(PIT_PIN) + 1, (u32)cpu_physical_id(0) << 24);
	ioapic_write(IOREDTBL(PIT_PIN), RTE_DM_NMI);
	pit_program(PIT_CW_CH0_MODE2, PIT_HZ / hz);
	pr_info("nmi-tick: NMIs from PIT counter 0 at %u Hz through IOAPIC input %d (its entry was %08x %08x, the HPET's configuration %08x)\n",
		hz, PIT_PIN, saved_hi, saved_lo, saved_hpet_cfg);
	return 0;
}

static void __exit nmi_tick_exit(void)
{
	/* Mode 0 with the longest count: one last edge in 55 ms, then none;
	 * the entry is masked again (as Linux left it) before that. */
	pit_program(PIT_CW_CH0_MODE0, 0);
	ioapic_write(IOREDTBL(PIT_PIN), saved_lo);
	ioapic_write(IOREDTBL(PIT_PIN) + 1, saved_hi);
	writel(saved_hpet_cfg, hpet + HPET_CFG);
	unregister_nmi_handler(NMI_UNKNOWN, "nmi-tick");
	iounmap(hpet);
	iounmap(ioapic);
	pr_info("nmi-tick: %lu NMIs\n", count);
}

module_init(nmi_tick_init);
module_exit(nmi_tick_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("The lab's periodic NMI under Bochs (tests/vm/nmi-tick)");
