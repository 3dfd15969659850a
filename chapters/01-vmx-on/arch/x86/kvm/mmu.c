// SPDX-License-Identifier: GPL-2.0
/**
 * @file mmu.c
 * @brief The second-level page tables (Intel EPT, AMD NPT): what they look
 * like, and how they are filled (see the two halves below: every page at
 * slot creation in chapter 01, on the guest's first touch from chapter 02).
 *
 * Both formats are 4-level radix trees of 512 8-byte entries per 4 KiB
 * page, indexed by guest-physical address bits 47:39, 38:30, 29:21, 20:12,
 * with the host-physical address in bits 51:12 (Intel SDM Vol. 3C, 29.3.2,
 * Tables 29-1..29-6; AMD APM Vol. 2, 15.25.5).  They differ only in the
 * permission and memory-type bits, which the vendor module gives us
 * (struct kvm_tdp_format).
 *
 * Linux: arch/x86/kvm/mmu/mmu.c and tdp_mmu.c, which build these tables on
 * demand from EPT-violation / NPF exits.  Chapter 02 does that too.
 */
#include <linux/mm.h>
#include <linux/slab.h>

#include <minikvm/kvm_host.h>

#define PT64_ENT_PER_PAGE	TDP_ENT_PER_PAGE	/**< 8-byte entries in a 4 KiB table */
#define PT64_LEVELS		TDP_LEVELS		/**< PML4, PDPT, PD, PT */
#define PT64_ADDR_MASK		TDP_ADDR_MASK		/**< next table or page, in an entry */

/** The vendor's entry format, set once by kvm_mmu_set_tdp_format(). */
static struct kvm_tdp_format tdp_format;

/** The vendor module tells the MMU how an entry looks.
 *  Linux: kvm_mmu_set_ept_masks() / kvm_configure_mmu(). */
void kvm_mmu_set_tdp_format(const struct kvm_tdp_format *fmt)
{
	tdp_format = *fmt;
}

/** A zeroed page for one table, counted in kvm_stat_pages.
 *  Linux: tdp_mmu_alloc_sp(). */
static u64 *tdp_alloc_table(void)
{
	u64 *table = (u64 *)get_zeroed_page(GFP_KERNEL_ACCOUNT);

	if (table)
		atomic_long_inc(&kvm_stat_pages);
	return table;
}

/** Free a table and, above level 1, every table it points to (a leaf
 *  table points to guest pages, which the memslot owns). */
static void tdp_free_table(u64 *table, int level)
{
	int i;

	if (level > 1)
		for (i = 0; i < PT64_ENT_PER_PAGE; i++)
			if (table[i])
				tdp_free_table(__va(table[i] & PT64_ADDR_MASK), level - 1);
	free_page((unsigned long)table);
	atomic_long_dec(&kvm_stat_pages);
}

/**
 * kvm_tdp_map - make guest-physical @gpa point to host page @pfn,
 * creating the missing tables on the way down.  A read-only mapping
 * lacks the writable bit, so a guest write to it faults (EPT violation
 * or NPF) and comes back to us.  Linux: kvm_tdp_mmu_map().
 */
static int kvm_tdp_map(struct kvm *kvm, gpa_t gpa, unsigned long pfn, bool writable)
{
	u64 *table = __va(kvm->arch.tdp_root);
	int level;

	for (level = PT64_LEVELS; level > 1; level--) {
		u64 *entry = &table[tdp_index(gpa, level)];

		if (!*entry) {
			u64 *next = tdp_alloc_table();

			if (!next)
				return -ENOMEM;
			*entry = tdp_table_entry(&tdp_format, __pa(next));
		}
		table = __va(*entry & PT64_ADDR_MASK);
	}
	WRITE_ONCE(table[tdp_index(gpa, 1)], tdp_leaf_entry(&tdp_format, pfn, writable));
	return 0;
}

/** The leaf entry for @gpa, or NULL if a table on the way is missing. */
static u64 *tdp_leaf(struct kvm *kvm, gpa_t gpa)
{
	u64 *table = __va(kvm->arch.tdp_root);
	int level;

	for (level = PT64_LEVELS; level > 1; level--) {
		u64 entry = table[tdp_index(gpa, level)];

		if (!entry)
			return NULL;
		table = __va(entry & PT64_ADDR_MASK);
	}
	return &table[tdp_index(gpa, 1)];
}

/** Clear the leaf for @gpa, if any.  Tables stay until the VM goes.
 *  The caller flushes the TLBs (kvm_arch_flush_memslot()). */
static void kvm_tdp_unmap(struct kvm *kvm, gpa_t gpa)
{
	u64 *leaf = tdp_leaf(kvm, gpa);

	if (leaf)
		WRITE_ONCE(*leaf, 0);
}

/** A VM's empty root table.  Linux: kvm_mmu_init_vm(). */
int kvm_mmu_init_vm(struct kvm *kvm)
{
	u64 *root = tdp_alloc_table();

	if (!root)
		return -ENOMEM;
	kvm->arch.tdp_root = __pa(root);
	return 0;
}

/** Free the VM's whole EPT/NPT tree.  Linux: kvm_mmu_uninit_vm(). */
void kvm_mmu_uninit_vm(struct kvm *kvm)
{
	tdp_free_table(__va(kvm->arch.tdp_root), PT64_LEVELS);
}

/**
 * kvm_arch_commit_memory_region - map every (already pinned) page of a
 * new slot.  Linux: kvm_arch_commit_memory_region().
 */
int kvm_arch_commit_memory_region(struct kvm *kvm, struct kvm_memory_slot *slot)
{
	unsigned long i;
	int r;

	for (i = 0; i < slot->npages; i++) {
		r = kvm_tdp_map(kvm, (slot->base_gfn + i) << PAGE_SHIFT,
				page_to_pfn(slot->pages[i]), true);
		if (r)
			return r;
	}
	return 0;
}

/**
 * kvm_arch_flush_memslot - unmap a slot that is going away, and make sure
 * no vCPU can still reach its pages through a cached translation before
 * the caller unpins them.  Linux: kvm_arch_flush_shadow_memslot().
 */
void kvm_arch_flush_memslot(struct kvm *kvm, struct kvm_memory_slot *slot)
{
	unsigned long i;

	for (i = 0; i < slot->npages; i++)
		kvm_tdp_unmap(kvm, (slot->base_gfn + i) << PAGE_SHIFT);
	kvm_make_all_cpus_request(kvm, KVM_REQ_TLB_FLUSH);
}

