// SPDX-License-Identifier: GPL-2.0
/*
 * hostile.ko - a guest kernel module that treats its hypervisor as badly
 * as a broken or malicious guest kernel can: thousands of random port
 * accesses, random writes to the interrupt controllers' MMIO pages and
 * to addresses with no device, random WRMSRs.  The linux-hostile scenario
 * loads it in the Linux guest one level down (tests/vm/linux/init,
 * l2=hostile-*), on minikvm and on the real KVM; the guest may well not
 * survive it - the host must, and the VMM must end with one of its
 * documented statuses.
 *
 *   mode=io     port writes and reads of 1, 2 and 4 bytes, any port but
 *               the few that would end the run before it is done (the
 *               keyboard controller's reset, minivmm's test ports) and
 *               COM1, so that the report still gets out
 *   mode=mmio   writes and reads in the IOAPIC's and the local APIC's
 *               pages (the hypervisor's own devices), the HPET's address
 *               and the PCI hole (no device: the VMM's exits)
 *   mode=msr    WRMSR and RDMSR of random values to random MSRs of every
 *               range hypervisors handle, but no WRMSR that would kill
 *               this guest at once (msr_spared())
 *
 * Then it reports what it did and resets the machine at once: after
 * random writes to its PIC, PIT and local APIC the guest cannot count on
 * its own timer any more.  A xorshift generator with a fixed seed makes
 * every run the same on both hypervisors.
 */
#include <linux/io.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/reboot.h>
#include <asm/msr.h>

static char *mode = "io";
module_param(mode, charp, 0444);
MODULE_PARM_DESC(mode, "io, mmio or msr");
static unsigned int count = 20000;
module_param(count, uint, 0444);
MODULE_PARM_DESC(count, "how many accesses");
static unsigned long long seed = 0x9e3779b97f4a7c15ull;
module_param(seed, ullong, 0444);

static u64 rnd(void)
{
	seed ^= seed << 13;
	seed ^= seed >> 7;
	seed ^= seed << 17;
	return seed;
}

/* Ports left alone, and why (see above). */
static bool port_spared(u16 port)
{
	return port == 0x64 ||				/* i8042: 0xFE resets */
	       (port >= 0xe0 && port <= 0xff) ||	/* minivmm's test devices */
	       (port >= 0x3f8 && port <= 0x3ff);	/* COM1: the report */
}

/* Half of the accesses go to the ports of the PC's devices, where the
 * hypervisor's and the VMM's models are (first port, how many): the two
 * 8259s and their ELCRs, the PIT and port 0x61, the CMOS clock, the
 * i8042's data port, PCI's configuration ports, the virtio disk's BAR. */
static const struct { u16 port, n; } io_devices[] = {
	{ 0x20, 2 }, { 0xa0, 2 }, { 0x4d0, 2 }, { 0x40, 4 }, { 0x61, 1 },
	{ 0x70, 2 }, { 0x60, 1 }, { 0xcf8, 8 }, { 0xc000, 64 },
};

static void spam_io(void)
{
	unsigned int i, done = 0;

	for (i = 0; i < count; i++) {
		u64 r = rnd();
		u16 port = r & 0xffff;

		if (r & (1ull << 40)) {
			unsigned int d = (r >> 41) % ARRAY_SIZE(io_devices);

			port = io_devices[d].port + port % io_devices[d].n;
		}

		if (port_spared(port) || port_spared(port + 3))
			continue;
		switch ((r >> 16) % 6) {
		case 0: outb(r >> 24, port); break;
		case 1: outw(r >> 24, port); break;
		case 2: outl(r >> 24, port); break;
		case 3: inb(port); break;
		case 4: inw(port); break;
		default: inl(port); break;
		}
		done++;
	}
	pr_err("hostile: %u port accesses\n", done);
}

/* The pages: the IOAPIC, the local APIC, the HPET's address, the PCI hole. */
static const phys_addr_t mmio_pages[] = { 0xfec00000, 0xfee00000, 0xfed00000, 0xd0000000 };

static void spam_mmio(void)
{
	void __iomem *p[ARRAY_SIZE(mmio_pages)];
	unsigned int i, done = 0;

	for (i = 0; i < ARRAY_SIZE(mmio_pages); i++)
		p[i] = ioremap(mmio_pages[i], PAGE_SIZE);
	for (i = 0; i < count; i++) {
		u64 r = rnd();
		void __iomem *page = p[r % ARRAY_SIZE(p)];
		unsigned int off = (r >> 8) & (PAGE_SIZE - 4);

		if (!page)
			continue;
		switch ((r >> 20) % 4) {
		case 0: writel(r >> 32, page + off); break;
		case 1: writeb(r >> 32, page + off); break;
		case 2: readl(page + off); break;
		default: writew(r >> 32, page + (off & ~1u)); break;
		}
		done++;
	}
	for (i = 0; i < ARRAY_SIZE(p); i++)
		if (p[i])
			iounmap(p[i]);
	pr_err("hostile: %u MMIO accesses\n", done);
}

/* MSRs whose write would end this guest on the spot, so not the
 * hypervisor's handling of them: EFER, the syscall MSRs, FS/GS bases,
 * SYSENTER, the APIC base, PAT; and KVM's paravirtual MSRs, old (0x11,
 * 0x12) and new (0x4b564dxx), which make the real KVM write to the guest
 * address in the value - the wall clock, kvm-clock, steal time, async
 * page faults - here a random address in this guest's own memory; and
 * the performance counters (AMD's legacy and extended ones, Intel's
 * general and fixed ones), which on the real KVM's virtual PMU would
 * count random events and interrupt this guest with random PMIs; and the
 * TSC and TSC_ADJUST: a jump of years stops the timekeeping of a guest
 * that keeps time by kvm-clock, as this one does on the real KVM. */
static bool msr_is_pmu(u32 msr)
{
	return (msr >= 0xc0010000 && msr <= 0xc0010007) ||
	       (msr >= 0xc0010200 && msr <= 0xc001020f) ||
	       (msr >= 0xc1 && msr <= 0xc8) || (msr >= 0x186 && msr <= 0x18d) ||
	       (msr >= 0x309 && msr <= 0x30b) || (msr >= 0x38d && msr <= 0x391);
}

static bool msr_spared(u32 msr)
{
	return msr == MSR_EFER || msr == MSR_IA32_TSC || msr == MSR_IA32_TSC_ADJUST ||
	       (msr >= MSR_STAR && msr <= MSR_SYSCALL_MASK) ||
	       (msr >= MSR_FS_BASE && msr <= MSR_KERNEL_GS_BASE) ||
	       (msr >= MSR_IA32_SYSENTER_CS && msr <= MSR_IA32_SYSENTER_EIP) ||
	       msr == MSR_IA32_APICBASE || msr == MSR_IA32_CR_PAT ||
	       msr == 0x11 || msr == 0x12 || (msr >> 8) == 0x4b564d || msr_is_pmu(msr);
}

/* Where hypervisors keep MSRs: architectural, x2APIC, the AMD64 and AMD
 * ranges, the paravirtual ones (KVM's 0x4b564dxx, Hyper-V's 0x400000xx). */
static const u32 msr_bases[] = { 0, 0x800, 0xc0000000, 0xc0010000, 0x4b564d00, 0x40000000 };

/* ... and half to MSRs that hypervisors implement: the TSC, TSC_ADJUST,
 * SPEC_CTRL, PRED_CMD, machine check (MCG_STATUS, MCG_CTL, MC0's bank),
 * MISC_ENABLE, DEBUGCTL, the MTRRs (variable, fixed, default type),
 * TSC_DEADLINE, TSC_AUX, AMD's HWCR, VM_CR and VM_HSAVE_PA, KVM's
 * paravirtual MSRs (read only: see msr_spared()). */
static const u32 msr_known[] = {
	0x10, 0x3b, 0x48, 0x49, 0x17a, 0x17b, 0x400, 0x401, 0x402, 0x403, 0x1a0, 0x1d9,
	0x200, 0x201, 0x20f, 0x250, 0x258, 0x268, 0x2ff, 0x6e0, 0xc0000103,
	0xc0010015, 0xc0010114, 0xc0010117, 0x4b564d00, 0x4b564d01, 0x4b564d02,
	0x4b564d03, 0x4b564d04, 0x4b564d05, 0x4b564d06, 0x4b564d07,
};

static void spam_msr(void)
{
	unsigned int i, written = 0, faulted = 0, reads = 0, writes = 0;

	for (i = 0; i < count; i++) {
		u64 r = rnd(), v = rnd();
		u32 msr = msr_bases[r % ARRAY_SIZE(msr_bases)] + ((r >> 8) & 0x1fff);
		u64 old;

		if (r & (1ull << 40))
			msr = msr_known[(r >> 41) % ARRAY_SIZE(msr_known)];
		/* Half of the values small: a reserved bit in every random
		 * 64-bit value would only ever test the #GP. */
		if (r & (1ull << 50))
			v &= 0xfff;

		if (r & (1ull << 30)) {
			reads++;
			faulted += rdmsrl_safe(msr, &old) != 0;
			continue;
		}
		if (msr_spared(msr))
			continue;
		writes++;
		if (wrmsrl_safe(msr, v))
			faulted++;
		else
			written++;
	}
	pr_err("hostile: %u RDMSRs, %u WRMSRs of which %u taken; %u refused with #GP\n",
	       reads, writes, written, faulted);
}

static int __init hostile_init(void)
{
	if (!strcmp(mode, "io"))
		spam_io();
	else if (!strcmp(mode, "mmio"))
		spam_mmio();
	else if (!strcmp(mode, "msr"))
		spam_msr();
	else
		return -EINVAL;
	pr_err("hostile: done, resetting\n");
	emergency_restart();
	return 0;
}
module_init(hostile_init);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("A guest kernel module that spams its hypervisor (minikvm's linux-hostile)");
