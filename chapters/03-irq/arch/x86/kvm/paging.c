// SPDX-License-Identifier: GPL-2.0
/**
 * @file paging.c
 * @brief The guest page-table walker: translate a guest-virtual address
 * the way the guest's CPU would, reading the guest's tables from its
 * memory.
 *
 * The hardware does this walk itself while the guest runs; the hypervisor
 * needs it in software only when it must look at guest memory by a
 * virtual address — here, to fetch the instruction at CS:RIP behind an
 * MMIO exit (decode.c), and in chapter 05 for every operand the emulator
 * touches.  The four paging modes, Intel SDM Vol. 3A chapter 4
 * (AMD APM Vol. 2 chapter 5 describes the same formats):
 *
 *   CR0.PG=0                     no paging: linear = physical (4.1.1)
 *   CR4.PAE=0                    32-bit paging, 2 levels, 4 MiB pages with PSE (4.3)
 *   CR4.PAE=1, EFER.LMA=0        PAE paging, 3 levels, 2 MiB pages (4.4)
 *   EFER.LMA=1                   4-level paging, 1 GiB / 2 MiB pages (4.5)
 *   EFER.LMA=1, CR4.LA57=1       5-level paging: a PML5 above the PML4 (4.5)
 *
 * guest_walk() only translates.  From chapter 05 on, guest_walk_access()
 * also judges the access rights (U/S, R/W, XD, SMEP, SMAP; SDM Vol. 3A,
 * 4.6) for the instruction emulator: the walk gathers each level's rights
 * in a struct guest_walker, and permission_fault() decides.
 * Linux: arch/x86/kvm/mmu/paging_tmpl.h, FNAME(walk_addr_generic)().
 */
#include <minikvm/paging.h>

/** The bits that select the paging mode (Intel SDM Vol. 3A, 2.5, 2.2.1).
 *  Defined here, not taken from the kernel, so that the unit tests build
 *  this file on the host. @{ */
#define X86_CR0_PG	(1ull << 31)	/**< CR0.PG: paging on */
#define X86_CR4_PSE	(1ull << 4)	/**< CR4.PSE: 4 MiB pages in 32-bit paging */
#define X86_CR4_PAE	(1ull << 5)	/**< CR4.PAE: 64-bit entries */
#define EFER_LMA	(1ull << 10)	/**< EFER.LMA: long mode, 4-level paging */
#define X86_CR4_LA57	(1ull << 12)	/**< CR4.LA57: 5-level paging in long mode */
/** @} */

/** Page-table entry bits (SDM Vol. 3A, 4.3-4.5). @{ */
#define PT_PRESENT	(1ull << 0)	/**< P: present */
#define PT_PAGE_SIZE	(1ull << 7)	/**< PS: this entry maps a large page */
#define PT_ADDR_MASK	0x000ffffffffff000ull	/**< bits 51:12: next table or page */
/** @} */

/** Read entry @index (of @size bytes) of the table at @table. */
static int read_entry(read_guest_fn read, void *opaque, u64 table, u64 index,
		      unsigned int size, u64 *entry)
{
	*entry = 0;
	return read(opaque, table + index * size, entry, size);	/* little endian */
}

/** 32-bit paging: 10 + 10 + 12 bits (SDM 4.3, Figures 4-2 and 4-3). */
static int walk32(const struct guest_paging_regs *r, u64 gva, read_guest_fn read,
		  void *opaque, struct guest_walker *w)
{
	u64 pde, pte;

	if (read_entry(read, opaque, r->cr3 & 0xfffff000ull, (gva >> 22) & 0x3ff, 4, &pde))
		return -EIO;
	if (!(pde & PT_PRESENT))
		return -EFAULT;
	if ((pde & PT_PAGE_SIZE) && (r->cr4 & X86_CR4_PSE)) {
		/* 4 MiB page; PDE bits 20:13 are physical bits 39:32 (PSE-36). */
		w->gpa = (pde & 0xffc00000ull) | (((pde >> 13) & 0xff) << 32) | (gva & 0x3fffff);
		return 0;
	}
	if (read_entry(read, opaque, pde & 0xfffff000ull, (gva >> 12) & 0x3ff, 4, &pte))
		return -EIO;
	if (!(pte & PT_PRESENT))
		return -EFAULT;
	w->gpa = (pte & 0xfffff000ull) | (gva & 0xfff);
	return 0;
}

/**
 * PAE, 4-level and 5-level paging share the 512-entry, 8-byte format (SDM
 * 4.4.2, 4.5.4); they differ in the number of levels and the top one.  A
 * guest uses 5-level paging when its CPUID offers LA57, which it does on
 * a host that uses it: the PML5 (address bits 56:48) has no large pages.
 */
static int walk64(const struct guest_paging_regs *r, u64 gva, read_guest_fn read,
		  void *opaque, struct guest_walker *w)
{
	/* EXERCISE 02.1 BEGIN: walk PAE and 4-level page tables (SDM 4.4, 4.5) */
	bool long_mode = r->efer & EFER_LMA;
	int level = !long_mode ? 3 : (r->cr4 & X86_CR4_LA57) ? 5 : 4;
	u64 table, entry;
	int shift;

	if (long_mode) {
		table = r->cr3 & PT_ADDR_MASK;
	} else {
		/* The PAE PDPT: 4 entries, 32-byte aligned, at CR3 (SDM 4.4.1). */
		table = r->cr3 & 0xffffffe0ull;
		if (read_entry(read, opaque, table, (gva >> 30) & 3, 8, &entry))
			return -EIO;
		if (!(entry & PT_PRESENT))
			return -EFAULT;
		table = entry & PT_ADDR_MASK;
		level = 2;
	}
	for (; level >= 1; level--) {
		shift = 12 + 9 * (level - 1);
		if (read_entry(read, opaque, table, (gva >> shift) & 0x1ff, 8, &entry))
			return -EIO;
		if (!(entry & PT_PRESENT))
			return -EFAULT;
		/* PS in a PDPTE (1 GiB, 4-level only) or a PDE (2 MiB). */
		if ((level == 2 || level == 3) && (entry & PT_PAGE_SIZE)) {
			u64 page_mask = (1ull << shift) - 1;

			w->gpa = (entry & PT_ADDR_MASK & ~page_mask) | (gva & page_mask);
			return 0;
		}
		table = entry & PT_ADDR_MASK;
	}
	w->gpa = table | (gva & 0xfff);
	return 0;
	/* EXERCISE 02.1 STUB: (void)r; (void)gva; (void)read; (void)opaque; (void)w; */
	/* EXERCISE 02.1 STUB: return -EFAULT; */
	/* EXERCISE END */
}

/**
 * walk_addr - the walk itself, in the mode the control registers in @regs
 * select, recording the result (and, in chapter 05, the rights) in @w.
 * Returns 0, -EFAULT if some level is not present, -EIO if a table
 * cannot be read.  Linux: FNAME(walk_addr_generic)().
 */
static int walk_addr(const struct guest_paging_regs *regs, u64 gva,
		     read_guest_fn read, void *opaque, struct guest_walker *w)
{
	if (!(regs->cr0 & X86_CR0_PG)) {
		/* Outside long mode linear addresses are 32 bits wide. */
		w->gpa = gva & 0xffffffffull;
		return 0;
	}
	if (!(regs->cr4 & X86_CR4_PAE))
		return walk32(regs, gva & 0xffffffffull, read, opaque, w);
	return walk64(regs, (regs->efer & EFER_LMA) ? gva : (gva & 0xffffffffull),
		      read, opaque, w);
}

/**
 * guest_walk - translate @gva as the guest's CPU would.  Returns 0 with
 * the address in @gpa, or -EFAULT if some level is not present or
 * cannot be read.  Linux: FNAME(walk_addr)(), which also checks access
 * rights and sets accessed/dirty bits.
 */
int guest_walk(const struct guest_paging_regs *regs, u64 gva,
	       read_guest_fn read, void *opaque, u64 *gpa)
{
	struct guest_walker w;

	if (walk_addr(regs, gva, read, opaque, &w))
		return -EFAULT;
	*gpa = w.gpa;
	return 0;
}

