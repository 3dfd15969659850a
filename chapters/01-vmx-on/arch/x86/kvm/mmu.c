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
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/xarray.h>

#include <minikvm/kvm_host.h>

#define PT64_ENT_PER_PAGE	TDP_ENT_PER_PAGE	/**< 8-byte entries in a 4 KiB table */
#define PT64_LEVELS		TDP_LEVELS		/**< PML4, PDPT, PD, PT */
#define PT64_ADDR_MASK		TDP_ADDR_MASK		/**< next table or page, in an entry */

/** The vendor's entry format, set once by kvm_mmu_set_tdp_format(). */
static struct kvm_tdp_format tdp_format;

/** The host's physical-address width, as the tables see it.
 *  Linux: shadow_phys_bits. */
static unsigned int shadow_phys_bits;

/**
 * kvm_get_shadow_phys_bits - MAXPHYADDR from CPUID 0x80000008 EAX[7:0],
 * not boot_cpu_data.x86_phys_bits: the kernel lowers the latter when
 * memory encryption (AMD SME, Intel MKTME) takes address bits for a key
 * id, but a second-level table entry still has all of them.
 * Linux: kvm_get_shadow_phys_bits().
 */
static unsigned int kvm_get_shadow_phys_bits(void)
{
	if (boot_cpu_data.extended_cpuid_level >= 0x80000008)
		return cpuid_eax(0x80000008) & 0xff;
	return boot_cpu_data.x86_phys_bits;
}

/** The vendor module tells the MMU how an entry looks.
 *  Linux: kvm_mmu_set_ept_masks() / kvm_configure_mmu(). */
void kvm_mmu_set_tdp_format(const struct kvm_tdp_format *fmt)
{
	tdp_format = *fmt;
	shadow_phys_bits = kvm_get_shadow_phys_bits();
}

/*
 * ---------------------------------------------------------------------
 * Pinned pages and RLIMIT_MEMLOCK.
 *
 * A pinned page cannot be swapped, migrated or freed: it is locked
 * memory, so it counts against the VMM's RLIMIT_MEMLOCK, as the pages
 * VFIO pins for a device's DMA do (drivers/vfio/vfio_iommu_type1.c,
 * vfio_lock_acct()).  Without that, a guest given a huge slot could make
 * the host pin all of its RAM.  (KVM pins nothing, so it needs no such
 * charge: see the note on MMU notifiers further down.)  A process with
 * CAP_IPC_LOCK, like root in the lab, is not limited.
 *
 * Each slot records its pinned pages in an xarray, by frame index, and
 * only those: a 1 TiB slot costs nothing until the guest touches it.
 * Every walk over a slot's pages below goes through that xarray, so its
 * cost follows what is mapped, not the slot's size.
 * ---------------------------------------------------------------------
 */

/** Charge @npages pages, about to be pinned, to the VMM's locked memory;
 *  -ENOMEM beyond RLIMIT_MEMLOCK.  Runs in the VMM (kvm->mm is current's).
 *  Linux: vfio_lock_acct() -> account_locked_vm(). */
static int kvm_account_pinned(struct kvm *kvm, unsigned long npages)
{
	return account_locked_vm(kvm->mm, npages, true);
}

/**
 * Give the charge for @npages unpinned pages back.  The VMM may already
 * be gone: the last fd of a VM is often closed by the exiting process
 * after its address space was torn down, and the count went with it.
 * Linux: vfio_lock_acct(), which also checks with mmget_not_zero().
 */
static void kvm_unaccount_pinned(struct kvm *kvm, unsigned long npages)
{
	if (!npages || !mmget_not_zero(kvm->mm))
		return;
	account_locked_vm(kvm->mm, npages, false);
	mmput(kvm->mm);
}

/**
 * kvm_arch_free_memslot - unpin every page of a slot that is going away,
 * marking it dirty (the guest may have written it) unless the slot was
 * read-only, and give the charge back.  The caller has unmapped them
 * (kvm_arch_flush_memslot()).  Linux: kvm_arch_free_memslot(), which
 * frees the slot's rmaps; the pages themselves KVM releases as
 * kvm_release_pfn_dirty() when it unmaps them.
 */
void kvm_arch_free_memslot(struct kvm *kvm, struct kvm_memory_slot *slot)
{
	bool dirty = !(slot->flags & KVM_MEM_READONLY);
	unsigned long idx, n = 0;
	struct page *page;

	xa_for_each(&slot->pages, idx, page) {
		unpin_user_pages_dirty_lock(&page, 1, dirty);
		n++;
	}
	xa_destroy(&slot->pages);
	atomic_long_sub(n, &kvm_stat_pages);
	kvm_unaccount_pinned(kvm, n);
}

/**
 * kvm_arch_prepare_memory_region - may a slot cover
 * [@base_gfn, @base_gfn + @npages)?  Not if it ends above what the host's
 * MAXPHYADDR and the 4-level tables can address (tdp_max_gfn()): -EINVAL,
 * as the KVM of Linux 6.1 answers (ioctl-errors checks both).  Checked
 * when a slot is created or moved.  Linux: kvm_arch_prepare_memory_region(), KVM_MR_CREATE and
 * KVM_MR_MOVE.
 */
int kvm_arch_prepare_memory_region(struct kvm *kvm, gfn_t base_gfn, unsigned long npages)
{
	return memslot_below(base_gfn, npages, tdp_max_gfn(shadow_phys_bits)) ? 0 : -EINVAL;
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

/*
 * Until chapter 04 the tables need no lock of their own: every change to
 * them (a fault, a slot change, the dirty log) holds kvm->slots_lock.
 */

/** Nothing to take: the caller holds slots_lock (or destroys the VM). */
static void kvm_mmu_lock(struct kvm *kvm)
{
}

/** Nothing to release (slots_lock is the caller's). */
static void kvm_mmu_unlock(struct kvm *kvm)
{
}

/** In a long walk: a mutex holder may sleep, so just yield. */
static void kvm_mmu_cond_resched(struct kvm *kvm)
{
	cond_resched();
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

/** Pages pinned at a time by kvm_arch_commit_memory_region(): one page
 *  of page pointers. */
#define KVM_PIN_BATCH	(PAGE_SIZE / sizeof(struct page *))

/**
 * kvm_arch_commit_memory_region - pin and map every page of a new slot.
 * The whole slot is charged to RLIMIT_MEMLOCK first, so that a slot too
 * large for the limit fails at once (-ENOMEM), before anything is
 * pinned; then the pages are pinned a batch at a time, each recorded in
 * slot->pages and mapped.  On failure the caller frees the slot, which
 * unpins what was recorded (kvm_arch_free_memslot()).
 * Linux: kvm_arch_commit_memory_region(), which maps nothing: KVM's
 * tables fill on demand, as chapter 02's will.
 */
int kvm_arch_commit_memory_region(struct kvm *kvm, struct kvm_memory_slot *slot)
{
	unsigned long done = 0, i;
	struct page **batch;
	long n;
	int r;

	r = kvm_account_pinned(kvm, slot->npages);
	if (r)
		return r;
	batch = (struct page **)__get_free_page(GFP_KERNEL);
	if (!batch) {
		r = -ENOMEM;
		goto out_unaccount;
	}
	while (done < slot->npages) {
		n = min(slot->npages - done, KVM_PIN_BATCH);
		n = pin_user_pages_fast(slot->userspace_addr + done * PAGE_SIZE, n,
					FOLL_WRITE | FOLL_LONGTERM, batch);
		if (n <= 0) {
			r = n ? n : -EFAULT;
			break;
		}
		atomic_long_add(n, &kvm_stat_pages);
		for (i = 0; i < n; i++) {
			r = xa_err(xa_store(&slot->pages, done + i, batch[i], GFP_KERNEL_ACCOUNT));
			if (!r)
				r = kvm_tdp_map(kvm, (slot->base_gfn + done + i) << PAGE_SHIFT,
						page_to_pfn(batch[i]), true);
			if (r) {
				/* Not recorded from here on: unpin them here. */
				if (xa_load(&slot->pages, done + i) == batch[i])
					i++;
				unpin_user_pages(batch + i, n - i);
				atomic_long_sub(n - i, &kvm_stat_pages);
				done += i;
				goto out_free;
			}
		}
		done += n;
		if (fatal_signal_pending(current)) {
			r = -EINTR;
			break;
		}
		cond_resched();
	}
out_free:
	free_page((unsigned long)batch);
out_unaccount:
	/* Keep the charge only for what slot->pages records. */
	kvm_unaccount_pinned(kvm, slot->npages - done);
	return r;
}

/**
 * kvm_arch_flush_memslot - unmap a slot that is going away, and make sure
 * no vCPU can still reach its pages through a cached translation before
 * the caller unpins them.  Linux: kvm_arch_flush_shadow_memslot().
 */
void kvm_arch_flush_memslot(struct kvm *kvm, struct kvm_memory_slot *slot)
{
	struct page *page;
	unsigned long i;

	/* Only a pinned page can be mapped. */
	kvm_mmu_lock(kvm);
	xa_for_each(&slot->pages, i, page) {
		kvm_tdp_unmap(kvm, (slot->base_gfn + i) << PAGE_SHIFT);
		kvm_mmu_cond_resched(kvm);
	}
	kvm_mmu_unlock(kvm);
	/* Every vCPU leaves the guest and flushes before it enters again:
	 * when this returns, no CPU can still reach the pages. */
	kvm_make_all_cpus_request(kvm, KVM_REQ_TLB_FLUSH);
}

