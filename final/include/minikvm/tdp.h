/* SPDX-License-Identifier: GPL-2.0 */
/**
 * @file tdp.h
 * @brief The second-level page-table entry formats (Intel EPT, AMD NPT)
 * and the arithmetic on them and on memslot ranges: plain logic, kept
 * free of kernel-only APIs so that the unit tests check the exact bytes
 * the MMU writes (tests/unit/test_tdp.c).
 *
 * Both formats are 4-level radix trees of 512 8-byte entries per 4 KiB
 * page, indexed by guest-physical address bits 47:39, 38:30, 29:21 and
 * 20:12, with the next table or the page in bits 51:12.  Only the
 * permission and memory-type bits differ.
 */
#ifndef MINIKVM_TDP_H
#define MINIKVM_TDP_H

#include <minikvm/portable.h>

#define TDP_ENT_PER_PAGE	512	/**< 8-byte entries in a 4 KiB table */
#define TDP_LEVELS		4	/**< PML4, PDPT, PD, PT */
#define TDP_ADDR_MASK		0x000ffffffffff000ull	/**< bits 51:12 of an entry */

/** NPT entries are ordinary x86-64 page-table entries, and the nested walk
 *  treats every guest access as a user access, so U/S must be set at every
 *  level (AMD APM Vol. 2, 15.25.5). @{ */
#define NPT_PRESENT		(1ull << 0)
#define NPT_WRITABLE		(1ull << 1)
#define NPT_USER		(1ull << 2)
/** @} */

/** EPT entries (Intel SDM Vol. 3C, 29.3.2, Tables 29-1..29-6): read, write
 *  and execute permissions; leaves carry the memory type in bits 5:3. @{ */
#define EPT_READABLE		(1ull << 0)
#define EPT_WRITABLE		(1ull << 1)
#define EPT_EXECUTABLE		(1ull << 2)
#define EPT_MT_WB		(6ull << 3)	/**< write-back; the guest's PAT still applies */
/** @} */

/**
 * struct kvm_tdp_format - how a vendor's second-level entry looks.
 * Linux: the shadow_*_mask variables set by kvm_mmu_set_ept_masks().
 */
struct kvm_tdp_format {
	u64 table_bits;		/**< bits of an entry pointing to a table */
	u64 leaf_bits;		/**< bits of a writable 4 KiB leaf */
	u64 writable_bit;	/**< cleared for read-only mappings */
#ifdef CONFIG_MINIKVM_FINAL
	/** Set in a page-directory entry that maps 2 MiB itself instead of
	 *  pointing to a page table; 0 where the CPU has no 2 MiB pages.
	 *  Linux: the tdp_huge_page_level given to kvm_configure_mmu(). */
	u64 large_bit;
#endif
};

/** The NPT format, for minikvm-amd.ko. */
#define NPT_TDP_FORMAT { \
	.table_bits = NPT_PRESENT | NPT_WRITABLE | NPT_USER, \
	.leaf_bits = NPT_PRESENT | NPT_WRITABLE | NPT_USER, \
	.writable_bit = NPT_WRITABLE, \
}

/** The EPT format, for minikvm-intel.ko. */
#define EPT_TDP_FORMAT { \
	.table_bits = EPT_READABLE | EPT_WRITABLE | EPT_EXECUTABLE, \
	.leaf_bits = EPT_READABLE | EPT_WRITABLE | EPT_EXECUTABLE | EPT_MT_WB, \
	.writable_bit = EPT_WRITABLE, \
}

#ifdef CONFIG_MINIKVM_FINAL
/** Bit 7 of a page-directory entry maps a 2 MiB page, in both formats:
 *  NPT's PS bit (AMD APM Vol. 2, 5.3.4) and EPT's "maps a 2-MByte page"
 *  (Intel SDM Vol. 3C, 29.3.2, Table 29-4).  EPT offers it where
 *  IA32_VMX_EPT_VPID_CAP bit 16 says so; NPT always. @{ */
#define NPT_LARGE_PAGE		(1ull << 7)
#define EPT_LARGE_PAGE		(1ull << 7)
/** @} */
/** 4 KiB frames in a 2 MiB page: one page-directory entry's worth. */
#define TDP_HUGE_FRAMES		512
#endif

/** Guest-physical address bits the 4-level tables can translate: 9 per
 *  level plus the 12 of the page offset. */
#define TDP_MAX_GPA_BITS	(TDP_LEVELS * 9 + 12)

/**
 * tdp_max_gfn - the last guest frame a memslot may hold on a host whose
 * physical addresses have @phys_bits bits (CPUID 0x80000008 EAX[7:0]).
 * The second-level tables are indexed by guest-physical address, but
 * their walk, like the host's, treats bits at and above MAXPHYADDR as
 * reserved; and these 4-level tables stop at 48 bits in any case.  A slot
 * ending beyond this is refused when it is created or moved.
 * Linux: kvm_mmu_max_gfn(), which uses the host's MAXPHYADDR too (and has
 * 5-level tables for hosts with more than 48 bits).
 */
static inline u64 tdp_max_gfn(unsigned int phys_bits)
{
	if (phys_bits > TDP_MAX_GPA_BITS)
		phys_bits = TDP_MAX_GPA_BITS;
	return (1ull << (phys_bits - 12)) - 1;
}

/** Does the slot [@base_gfn, @base_gfn + @npages) lie at or below @max_gfn?
 *  (@npages > 0; the caller has refused ranges that wrap.) */
static inline bool memslot_below(u64 base_gfn, u64 npages, u64 max_gfn)
{
	return base_gfn + npages - 1 <= max_gfn;
}

/** Index of @gpa in a table of @level (4 = the root, 1 = the last). */
static inline unsigned int tdp_index(u64 gpa, int level)
{
	return (gpa >> (12 + 9 * (level - 1))) & (TDP_ENT_PER_PAGE - 1);
}

/** An entry pointing to the next table, at host-physical @table_pa. */
static inline u64 tdp_table_entry(const struct kvm_tdp_format *f, u64 table_pa)
{
	return (table_pa & TDP_ADDR_MASK) | f->table_bits;
}

/** A 4 KiB leaf for host page @pfn, without the writable bit if read-only. */
static inline u64 tdp_leaf_entry(const struct kvm_tdp_format *f, u64 pfn, bool writable)
{
	u64 e = ((pfn << 12) & TDP_ADDR_MASK) | f->leaf_bits;

	return writable ? e : e & ~f->writable_bit;
}

#ifdef CONFIG_MINIKVM_FINAL
/** A 2 MiB leaf (in a page-directory entry) for the 512 host pages from
 *  @pfn, which must be 2 MiB-aligned.  EPT wants the memory type in it
 *  as in a 4 KiB leaf (Table 29-4), and leaf_bits has it. */
static inline u64 tdp_large_leaf_entry(const struct kvm_tdp_format *f, u64 pfn, bool writable)
{
	return tdp_leaf_entry(f, pfn, writable) | f->large_bit;
}

/** Is entry @e a 2 MiB leaf, not a pointer to a page table? */
static inline bool tdp_is_large(const struct kvm_tdp_format *f, u64 e)
{
	return f->large_bit && (e & f->large_bit);
}

/**
 * tdp_huge_block_fits - may guest frame @gfn of the slot at @base_gfn,
 * @npages frames long, mapped by the VMM at @userspace_addr, be mapped as
 * part of a 2 MiB page, as far as the slot goes?  Yes when the whole
 * 2 MiB-aligned block around @gfn lies inside the slot, and the VMM's
 * address of the block is 2 MiB-aligned too (guest-physical and host
 * addresses agree modulo 2 MiB): only then can one host 2 MiB page back
 * the block.  Linux: __kvm_mmu_max_mapping_level() and the slot's
 * disallow_lpage counts (kvm_alloc_memslot_metadata()).
 */
static inline bool tdp_huge_block_fits(u64 base_gfn, u64 npages, u64 userspace_addr, u64 gfn)
{
	u64 first = gfn & ~(u64)(TDP_HUGE_FRAMES - 1);

	return first >= base_gfn && first + TDP_HUGE_FRAMES <= base_gfn + npages &&
	       ((userspace_addr >> 12) - base_gfn) % TDP_HUGE_FRAMES == 0;
}
#endif

/** Does the slot [@base_gfn, @base_gfn + @npages) hold @gfn? */
static inline bool memslot_contains(u64 base_gfn, u64 npages, u64 gfn)
{
	return gfn >= base_gfn && gfn - base_gfn < npages;
}

/** Do [@a, @a + @na) and [@b, @b + @nb) share a frame? */
static inline bool memslot_ranges_overlap(u64 a, u64 na, u64 b, u64 nb)
{
	return a < b + nb && b < a + na;
}

#endif
