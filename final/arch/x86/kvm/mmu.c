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
#ifdef CONFIG_MINIKVM_MMU
#include <linux/uaccess.h>
#include <minikvm/paging.h>
#endif

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
#ifdef CONFIG_MINIKVM_FINAL
			/* A 2 MiB leaf points to guest pages, not to a table. */
			if (table[i] && !tdp_is_large(&tdp_format, table[i]))
#else
			if (table[i])
#endif
				tdp_free_table(__va(table[i] & PT64_ADDR_MASK), level - 1);
	free_page((unsigned long)table);
	atomic_long_dec(&kvm_stat_pages);
}

#ifdef CONFIG_MINIKVM_LAPIC
/*
 * ---------------------------------------------------------------------
 * Chapter 04: faults on several vCPUs at once.
 *
 * The tables are changed under kvm->mmu_lock, a spinlock held only for
 * the few stores of one fault, so a fault must have its table pages
 * before it takes the lock: it tops up a small per-vCPU cache first
 * (allowed to sleep), and kvm_tdp_map() takes pages from there.
 * ---------------------------------------------------------------------
 */

/** Fill @mc up to one page per level below the root, sleeping if need
 *  be.  Linux: kvm_mmu_topup_memory_cache(). */
static int kvm_mmu_topup_memory_cache(struct kvm_mmu_memory_cache *mc)
{
	while (mc->nobjs < ARRAY_SIZE(mc->objects)) {
		u64 *table = tdp_alloc_table();

		if (!table)
			return -ENOMEM;
		mc->objects[mc->nobjs++] = table;
	}
	return 0;
}

/** A page from @mc; never empty after a top-up, since one fault takes at
 *  most one per level.  Linux: kvm_mmu_memory_cache_alloc(). */
static u64 *kvm_mmu_memory_cache_alloc(struct kvm_mmu_memory_cache *mc)
{
	return mc->objects[--mc->nobjs];
}

/** A vCPU goes away: free the pages left in its cache.
 *  Linux: kvm_mmu_destroy() -> mmu_free_memory_caches(). */
void kvm_mmu_destroy(struct kvm_vcpu *vcpu)
{
	struct kvm_mmu_memory_cache *mc = &vcpu->arch.mmu_page_cache;

	while (mc->nobjs) {
		free_page((unsigned long)mc->objects[--mc->nobjs]);
		atomic_long_dec(&kvm_stat_pages);
	}
}

/**
 * kvm_tdp_map - make guest-physical @gpa point to host page @pfn,
 * linking in tables from @mc where they are missing.  A read-only
 * mapping lacks the writable bit, so a guest write to it faults (EPT
 * violation or NPF) and comes back to us.  Called with kvm->mmu_lock
 * held.  The hardware walks these tables while we change them, so each
 * entry is written whole (WRITE_ONCE()), and a new table is zeroed
 * before the entry pointing to it appears.  Linux: kvm_tdp_mmu_map().
 */
static void kvm_tdp_map(struct kvm *kvm, struct kvm_mmu_memory_cache *mc, gpa_t gpa,
			unsigned long pfn, bool writable)
{
	u64 *table = __va(kvm->arch.tdp_root);
	int level;

	lockdep_assert_held(&kvm->mmu_lock);
	for (level = PT64_LEVELS; level > 1; level--) {
		u64 *entry = &table[tdp_index(gpa, level)];

		if (!*entry)
			WRITE_ONCE(*entry, tdp_table_entry(&tdp_format,
							   __pa(kvm_mmu_memory_cache_alloc(mc))));
#ifdef CONFIG_MINIKVM_FINAL
		/* Another vCPU mapped the whole 2 MiB block meanwhile, this
		 * page with it. */
		if (tdp_is_large(&tdp_format, *entry))
			return;
#endif
		table = __va(*entry & PT64_ADDR_MASK);
	}
#ifdef CONFIG_MINIKVM_FINAL
	if (!table[tdp_index(gpa, 1)])
		kvm->arch.pages_4k++;
#endif
	WRITE_ONCE(table[tdp_index(gpa, 1)], tdp_leaf_entry(&tdp_format, pfn, writable));
}

#ifdef CONFIG_MINIKVM_FINAL
/**
 * kvm_tdp_map_large - map the 2 MiB-aligned block at @gpa with one
 * page-directory entry pointing to the 512 host pages from @pfn, linking
 * in the two upper tables from @mc where they are missing.  Only where
 * that entry is still empty: if it points to a page table, some of the
 * block's pages are mapped 4 KiB already, and replacing that table by a
 * large leaf would change the page size of live translations (SDM Vol.
 * 3A, 4.10.2.3: then every CPU's TLB must be flushed before the table
 * may go).  Returns whether it mapped.  Called with kvm->mmu_lock held.
 * Linux: kvm_tdp_mmu_map(), which stops at the fault's goal level.
 */
static bool kvm_tdp_map_large(struct kvm *kvm, struct kvm_mmu_memory_cache *mc, gpa_t gpa,
			      unsigned long pfn, bool writable)
{
	u64 *table = __va(kvm->arch.tdp_root);
	u64 *entry;
	int level;

	lockdep_assert_held(&kvm->mmu_lock);
	for (level = PT64_LEVELS; level > 2; level--) {
		entry = &table[tdp_index(gpa, level)];
		if (!*entry)
			WRITE_ONCE(*entry, tdp_table_entry(&tdp_format,
							   __pa(kvm_mmu_memory_cache_alloc(mc))));
		table = __va(*entry & PT64_ADDR_MASK);
	}
	entry = &table[tdp_index(gpa, 2)];
	if (*entry)
		return false;
	WRITE_ONCE(*entry, tdp_large_leaf_entry(&tdp_format, pfn, writable));
	kvm->arch.pages_2m++;
	return true;
}
#endif

/** Take the lock that guards the tables.  Linux: KVM_MMU_LOCK(). */
static void kvm_mmu_lock(struct kvm *kvm)
{
	spin_lock(&kvm->mmu_lock);
}

/** Release it.  Linux: KVM_MMU_UNLOCK(). */
static void kvm_mmu_unlock(struct kvm *kvm)
{
	spin_unlock(&kvm->mmu_lock);
}

/** In a long walk under the lock: let waiting vCPUs in, and the
 *  scheduler.  Linux: cond_resched_rwlock_write(&kvm->mmu_lock). */
static void kvm_mmu_cond_resched(struct kvm *kvm)
{
	cond_resched_lock(&kvm->mmu_lock);
}
#else
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
#endif

/** The leaf entry for @gpa, or NULL if a table on the way is missing. */
static u64 *tdp_leaf(struct kvm *kvm, gpa_t gpa)
{
	u64 *table = __va(kvm->arch.tdp_root);
	int level;

	for (level = PT64_LEVELS; level > 1; level--) {
		u64 entry = table[tdp_index(gpa, level)];

		if (!entry)
			return NULL;
#ifdef CONFIG_MINIKVM_FINAL
		if (tdp_is_large(&tdp_format, entry))
			return &table[tdp_index(gpa, level)];	/* a 2 MiB leaf */
#endif
		table = __va(entry & PT64_ADDR_MASK);
	}
	return &table[tdp_index(gpa, 1)];
}

/** Clear the leaf for @gpa, if any.  Tables stay until the VM goes.
 *  The caller flushes the TLBs (kvm_arch_flush_memslot()). */
static void kvm_tdp_unmap(struct kvm *kvm, gpa_t gpa)
{
	u64 *leaf = tdp_leaf(kvm, gpa);

#ifdef CONFIG_MINIKVM_FINAL
	/* A 2 MiB leaf goes whole, at its first page: its other pages are
	 * unmapped with it, and fault back in one by one or as a block. */
	if (leaf && *leaf) {
		if (tdp_is_large(&tdp_format, *leaf))
			kvm->arch.pages_2m--;
		else
			kvm->arch.pages_4k--;
	}
#endif
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

#ifndef CONFIG_MINIKVM_MMU
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
#else
/**
 * kvm_arch_commit_memory_region - nothing to map: pages are mapped when
 * the guest first touches them (kvm_mmu_page_fault()).
 * Linux: kvm_arch_commit_memory_region().
 */
int kvm_arch_commit_memory_region(struct kvm *kvm, struct kvm_memory_slot *slot)
{
#ifdef CONFIG_MINIKVM_FINAL
	WRITE_ONCE(kvm->arch.memslot_created, true);
#endif
	return 0;
}
#endif

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

#ifdef CONFIG_MINIKVM_MMU
/*
 * ---------------------------------------------------------------------
 * Chapter 02: the tables are filled on demand.
 *
 * A guest access to a guest-physical page that has no leaf entry yet
 * exits (EPT violation, Intel SDM Vol. 3C 29.3.3.2; nested page fault,
 * AMD APM Vol. 2 15.25.6) with the faulting address.  We find the memslot,
 * the VMM's page behind it, and map it; the guest repeats the access.  An
 * address with no memslot is MMIO: the access goes to userspace.
 *
 * Host pages are pinned when first mapped and unpinned when the slot or
 * the VM goes away, so a page can never be freed or reused while an
 * EPT/NPT entry points to it.  The price: guest memory can be neither
 * swapped nor migrated by the host while mapped.  KVM instead takes plain
 * references and follows the host's changes through MMU notifiers
 * (virt/kvm/kvm_main.c, kvm_mmu_notifier_invalidate_range_start()).
 * ---------------------------------------------------------------------
 */

#ifndef CONFIG_MINIKVM_EMULATE
/** guest_walk()'s way to read guest memory: kvm_read_guest() on the VM
 *  in @opaque. */
static int read_guest_cb(void *opaque, u64 gpa, void *buf, unsigned int len)
{
	return kvm_read_guest(opaque, gpa, buf, len);
}

/**
 * The bytes at the guest's CS:RIP, up to one instruction's worth: walk
 * the guest's page tables for each page the instruction may span.
 * Sets @len to the bytes read and @mode_bytes to the code size (2, 4, 8).
 * Linux: the emulator's instruction fetch, __do_insn_fetch_bytes().
 */
static int fetch_guest_insn(struct kvm_vcpu *vcpu, u8 *buf, int *len, int *mode_bytes)
{
	struct guest_paging_regs regs = {
		.cr0 = vcpu->arch.cr0, .cr3 = vcpu->arch.cr3,
		.cr4 = vcpu->arch.cr4, .efer = vcpu->arch.efer,
	};
	struct kvm_segment cs;
	u64 linear, gpa;
	int done = 0;

	kvm_x86_ops.get_segment(vcpu, &cs, VCPU_SREG_CS);
	*mode_bytes = (is_long_mode(vcpu) && cs.l) ? 8 : cs.db ? 4 : 2;
	linear = (*mode_bytes == 8 ? 0 : cs.base) + kvm_rip_read(vcpu);
	while (done < X86_MAX_INSN_LEN) {
		int n = min_t(int, X86_MAX_INSN_LEN - done, PAGE_SIZE - offset_in_page(linear + done));

		if (guest_walk(&regs, linear + done, read_guest_cb, vcpu->kvm, &gpa) ||
		    kvm_read_guest(vcpu->kvm, gpa, buf + done, n))
			break;
		done += n;
	}
	*len = done;
	return done ? 0 : -EFAULT;
}

/**
 * Step over the decoded instruction.  Outside 64-bit mode the instruction
 * pointer wraps at 32 bits (Intel SDM Vol. 1, 3.5).  (An STI or MOV SS
 * shadow before it is not cleared here; the vendors' skip functions do.)
 */
static void kvm_rip_advance(struct kvm_vcpu *vcpu, int len)
{
	unsigned long rip = kvm_rip_read(vcpu) + len;

	if (!is_long_mode(vcpu))
		rip = (u32)rip;
	kvm_rip_write(vcpu, rip);
}

#endif

#ifdef CONFIG_MINIKVM_LAPIC
/**
 * kvm_emulate_cr8_write - the guest wrote CR8 and the vendor knows no
 * more (SVM without decode assists): decode the MOV, set the task
 * priority, step over it.  Returns 1 to go on, 0 with an internal-error
 * exit if the instruction is not a MOV to CR8.
 * Linux: cr_interception() -> the emulator.
 */
int kvm_emulate_cr8_write(struct kvm_vcpu *vcpu)
{
#ifdef CONFIG_MINIKVM_EMULATE
	return kvm_emulate_instruction(vcpu);
#else
	u8 insn[X86_MAX_INSN_LEN];
	int len, mode_bytes, cr, gpr, n;

	if (fetch_guest_insn(vcpu, insn, &len, &mode_bytes))
		return kvm_unexpected_exit(vcpu, 0);
	n = x86_decode_mov_to_cr(insn, len, mode_bytes, &cr, &gpr);
	if (n < 0 || cr != 8)
		return kvm_unexpected_exit(vcpu, 0);
	kvm_set_cr8(vcpu, kvm_register_read(vcpu, gpr));
	kvm_rip_advance(vcpu, n);
	return 1;
#endif
}
EXPORT_SYMBOL_GPL(kvm_emulate_cr8_write);
#endif

/** The instruction cannot be handled: stop the guest, say why, never
 *  guess.  The exit has KVM's layout (prepare_emulation_failure_exit()),
 *  with @gpa and RIP as our own words after it.
 *  Linux: kvm_prepare_emulation_failure_exit(). */
static int mmio_emulation_failure(struct kvm_vcpu *vcpu, gpa_t gpa, const u8 *insn, int len)
{
	u64 data[2] = { gpa, kvm_rip_read(vcpu) };

	pr_warn_ratelimited("minikvm: vcpu %d: cannot decode the MMIO access to 0x%llx at rip 0x%lx (%*ph)\n",
			    vcpu->vcpu_id, gpa, kvm_rip_read(vcpu), min(len, 8), insn);
	prepare_emulation_failure_exit(vcpu, insn, len, data, ARRAY_SIZE(data));
	return 0;
}

#ifndef CONFIG_MINIKVM_EMULATE
/** The data of an MMIO read arrived: into the register, and past the
 * instruction. */
static int mmio_finish_read(struct kvm_vcpu *vcpu, const void *val)
{
	struct x86_mmio_insn *d = &vcpu->arch.mmio.insn;
	u64 data = 0;

	memcpy(&data, val, d->size);
	kvm_register_write(vcpu, d->reg,
			   x86_mmio_merge_load(kvm_register_read(vcpu, d->reg), data, d));
	kvm_rip_advance(vcpu, d->len);
	return 1;
}

/** A read finishes on the next KVM_RUN, once the VMM has put the data in
 * run->mmio.data.  Linux: complete_emulated_mmio(). */
static int complete_mmio_read(struct kvm_vcpu *vcpu)
{
	return mmio_finish_read(vcpu, vcpu->run->mmio.data);
}

#endif

#ifdef CONFIG_MINIKVM_IRQCHIP
/**
 * kvm_mmio_exit - the guest touched @gpa, which no memslot backs (or
 * wrote to a read-only one): decode the instruction and hand the access
 * to a device on the kernel's I/O bus (the IOAPIC) or, if none takes it,
 * to userspace as KVM_EXIT_MMIO.  A write is complete once its data is in
 * kvm_run; a read completes on the next KVM_RUN.
 * Linux: emulator_read_write() -> vcpu_mmio_write/read() -> the exit.
 */
#else
/**
 * kvm_mmio_exit - the guest touched @gpa, which no memslot backs (or
 * wrote to a read-only one): decode the instruction and hand the access
 * to userspace as KVM_EXIT_MMIO.  A write is complete once its data is
 * in kvm_run; a read completes on the next KVM_RUN.
 * Linux: emulator_read_write() -> vcpu_mmio_write/read() -> the exit.
 */
#endif
static int kvm_mmio_exit(struct kvm_vcpu *vcpu, gpa_t gpa, bool fetch)
{
#ifdef CONFIG_MINIKVM_EMULATE
	/* The emulator finds the access again from the instruction itself
	 * (and the guest's page tables): any instruction, not only MOV. */
	if (fetch)
		return mmio_emulation_failure(vcpu, gpa, NULL, 0);
	return kvm_emulate_instruction(vcpu);
#else
	struct x86_mmio_insn *d = &vcpu->arch.mmio.insn;
	struct kvm_run *run = vcpu->run;
	u8 insn[X86_MAX_INSN_LEN];
	int len = 0, mode_bytes;
	u64 data;

	if (fetch || fetch_guest_insn(vcpu, insn, &len, &mode_bytes) ||
	    x86_decode_mmio(insn, len, mode_bytes, d))
		return mmio_emulation_failure(vcpu, gpa, insn, len);

	if (d->is_write) {
		if (d->reg < 0)
			data = d->imm;
		else if (d->high_byte)
			data = kvm_register_read(vcpu, d->reg) >> 8;
		else
			data = kvm_register_read(vcpu, d->reg);
	}
#ifdef CONFIG_MINIKVM_IRQCHIP
#ifdef CONFIG_MINIKVM_LAPIC
	/* The vCPU's own local APIC first: every vCPU has one at the same
	 * address, so it is not on the VM's bus.  Linux: vcpu_mmio_write(). */
	if (d->is_write && !kvm_lapic_mmio(vcpu, gpa, d->size, &data, true)) {
		kvm_rip_advance(vcpu, d->len);
		return 1;
	}
	if (!d->is_write) {
		data = 0;
		if (!kvm_lapic_mmio(vcpu, gpa, d->size, &data, false))
			return mmio_finish_read(vcpu, &data);
	}
#endif
	/* A device in the kernel (the IOAPIC) answers before userspace. */
	if (d->is_write && !kvm_io_bus_write(vcpu, KVM_MMIO_BUS, gpa, d->size, &data)) {
		kvm_rip_advance(vcpu, d->len);
		return 1;
	}
	if (!d->is_write) {
		data = 0;
		if (!kvm_io_bus_read(vcpu, KVM_MMIO_BUS, gpa, d->size, &data))
			return mmio_finish_read(vcpu, &data);
	}
#endif
	run->exit_reason = KVM_EXIT_MMIO;
	run->mmio.phys_addr = gpa;
	run->mmio.len = d->size;
	run->mmio.is_write = d->is_write;
	memset(run->mmio.data, 0, sizeof(run->mmio.data));
	if (!d->is_write) {
		vcpu->arch.complete_userspace_io = complete_mmio_read;
		return 0;
	}
	memcpy(run->mmio.data, &data, d->size);
	kvm_rip_advance(vcpu, d->len);
	return 0;
#endif
}

/** How a page of @slot is pinned: for as long as it is mapped
 *  (FOLL_LONGTERM), and for writing unless the slot is read-only. */
static unsigned int kvm_pin_flags(const struct kvm_memory_slot *slot)
{
	return FOLL_LONGTERM | (slot->flags & KVM_MEM_READONLY ? 0 : FOLL_WRITE);
}

/**
 * kvm_pin_gfn - pin the VMM's page behind guest frame @idx of @slot
 * (writable unless the slot is read-only), charge it to RLIMIT_MEMLOCK,
 * record it in slot->pages and count it in kvm_stat_pages.  -ENOMEM
 * beyond the limit (or without memory for the record), -EFAULT if the
 * VMM's memory is gone.  Linux: __gfn_to_pfn_memslot() (which takes a
 * plain reference instead, see above).
 */
static int kvm_pin_gfn(struct kvm *kvm, struct kvm_memory_slot *slot, unsigned long idx,
		       struct page **pagep)
{
	struct page *page;
#ifdef CONFIG_MINIKVM_LAPIC
	struct page *first;
#endif
	int r;

	r = kvm_account_pinned(kvm, 1);
	if (r)
		return r;
	if (pin_user_pages_fast(slot->userspace_addr + idx * PAGE_SIZE, 1, kvm_pin_flags(slot),
				&page) != 1) {
		r = -EFAULT;
		goto out_unaccount;
	}
#ifdef CONFIG_MINIKVM_LAPIC
	/*
	 * Another vCPU may have faulted on the same frame and pinned it
	 * while we slept in pin_user_pages_fast(): record ours only if the
	 * entry is still empty.  The first one recorded is the one the slot
	 * owns (and unpins); a second would be a pin never given back.
	 */
	first = xa_cmpxchg(&slot->pages, idx, NULL, page, GFP_KERNEL_ACCOUNT);
	if (xa_is_err(first)) {
		r = xa_err(first);
		goto out_unpin;
	}
	if (first) {
		unpin_user_page(page);
		kvm_unaccount_pinned(kvm, 1);
		*pagep = first;
		return 0;
	}
#else
	r = xa_err(xa_store(&slot->pages, idx, page, GFP_KERNEL_ACCOUNT));
	if (r)
		goto out_unpin;
#endif
	atomic_long_inc(&kvm_stat_pages);
	*pagep = page;
	return 0;

out_unpin:
	unpin_user_page(page);
out_unaccount:
	kvm_unaccount_pinned(kvm, 1);
	return r;
}

/** No RAM at @gpa, or a write to a read-only slot: the access is MMIO.
 *  Returns as kvm_mmu_page_fault() does. */
static int kvm_mmu_fault_no_ram(struct kvm_vcpu *vcpu, gpa_t gpa, bool fetch, bool table_walk)
{
	/* The CPU's own walk of the guest's page tables (or its A/D update)
	 * hit no RAM: no instruction to decode, so stop rather than guess.
	 * KVM emulates the walk instead. */
	if (table_walk)
		return mmio_emulation_failure(vcpu, gpa, NULL, 0);
#ifdef CONFIG_MINIKVM_FINAL
	/*
	 * A doorbell, on VMX as KVM rings it: an ioeventfd of any length on
	 * this address (the fast MMIO bus) is signalled before the
	 * instruction is decoded, and the instruction is skipped - a read as
	 * well, since nothing looked (it gets no data).  KVM does this in
	 * VMX's EPT-misconfiguration exit, its exit for MMIO; on SVM it has
	 * no such path, and the access is emulated.
	 * Linux: handle_ept_misconfig(), KVM_FAST_MMIO_BUS.
	 */
	if (kvm_x86_ops.isa == KVM_ISA_VMX && !fetch &&
	    !kvm_io_bus_write(vcpu, KVM_FAST_MMIO_BUS, gpa, 0, NULL)) {
		int len = kvm_emulate_insn_len(vcpu);	/* the exit gives none */

		if (len > 0) {
			kvm_rip_write(vcpu, kvm_rip_read(vcpu) + len);
			return 1;
		}
	}
#endif
	return kvm_mmio_exit(vcpu, gpa, fetch);
}

/** The host page behind frame @idx of @slot: the one pinned already, or
 *  pin it now (which may sleep).  Linux: kvm_faultin_pfn(). */
static int kvm_faultin_page(struct kvm *kvm, struct kvm_memory_slot *slot, unsigned long idx,
			    struct page **pagep)
{
	*pagep = xa_load(&slot->pages, idx);
	return *pagep ? 0 : kvm_pin_gfn(kvm, slot, idx, pagep);
}

#ifdef CONFIG_MINIKVM_FINAL
/*
 * ---------------------------------------------------------------------
 * final/: 2 MiB pages.
 *
 * Where the VMM's memory is backed by a 2 MiB host page (a transparent
 * huge page, or hugetlbfs), the block of 512 guest frames on it can be
 * mapped with one page-directory entry instead of 512 leaves: the guest
 * faults once per 2 MiB instead of once per 4 KiB, and the TLB holds one
 * translation for the block (in the guest's own paging too, if it uses
 * 2 MiB pages).  KVM does this on the first fault, as we do; it reads
 * the VMM's page tables to see how the host maps the address
 * (host_pfn_mapping_level()).  We pin, so we look at what we pinned: 512
 * pages that are physically contiguous and 2 MiB-aligned are all a large
 * leaf needs, whatever the VMM's own page tables say.
 * ---------------------------------------------------------------------
 */

/**
 * kvm_pin_huge_block - may the 2 MiB block around frame @idx of @slot,
 * whose host page (pinned already) is @p page, be mapped with one large
 * leaf?  If so, pin every page of the block, record them in slot->pages,
 * and say yes.  Yes needs:
 *  - a CPU with 2 MiB pages in its second-level tables;
 *  - a slot that logs no dirty pages (a write must be seen per 4 KiB);
 *  - a block inside the slot, with host and guest addresses that agree
 *    modulo 2 MiB (tdp_huge_block_fits());
 *  - that page in a 2 MiB host page or larger, at the same offset in it as
 *    the frame in its block (asked before pinning the 511 others);
 *  - the 512 pinned pages contiguous from a 2 MiB-aligned frame, and
 *    every frame recorded already (another vCPU's pin) being one of them.
 * No is never an error: the fault maps 4 KiB, as before.
 * Linux: kvm_mmu_hugepage_adjust() -> kvm_mmu_max_mapping_level().
 */
static bool kvm_pin_huge_block(struct kvm *kvm, struct kvm_memory_slot *slot, unsigned long idx,
			       struct page *page)
{
	unsigned long off = (slot->base_gfn + idx) & (TDP_HUGE_FRAMES - 1);
	unsigned long first = idx - off, base_pfn = page_to_pfn(page) - off;
	unsigned long i, dup = 0;
	struct page **pages;
	bool ok = true;
	long n;

	if (!tdp_format.large_bit || slot->dirty_bitmap ||
	    !tdp_huge_block_fits(slot->base_gfn, slot->npages, slot->userspace_addr,
				 slot->base_gfn + idx) ||
	    folio_size(page_folio(page)) < PMD_SIZE || base_pfn % TDP_HUGE_FRAMES)
		return false;
	pages = kmalloc_array(TDP_HUGE_FRAMES, sizeof(*pages), GFP_KERNEL);
	if (!pages)
		return false;
	if (kvm_account_pinned(kvm, TDP_HUGE_FRAMES))
		goto out_free;
	n = pin_user_pages_fast(slot->userspace_addr + first * PAGE_SIZE, TDP_HUGE_FRAMES,
				kvm_pin_flags(slot), pages);
	if (n < 0)
		n = 0;
	for (i = 0; i < n && ok; i++)
		ok = page_to_pfn(pages[i]) == base_pfn + i;
	if (n < TDP_HUGE_FRAMES || !ok) {
		unpin_user_pages(pages, n);
		kvm_unaccount_pinned(kvm, TDP_HUGE_FRAMES);
		ok = false;
		goto out_free;
	}
	/* Record each page where its frame is still empty; a frame another
	 * vCPU recorded meanwhile keeps that pin, and ours goes back. */
	for (i = 0; i < TDP_HUGE_FRAMES; i++) {
		struct page *old = xa_cmpxchg(&slot->pages, first + i, NULL, pages[i],
					      GFP_KERNEL_ACCOUNT);

		if (xa_is_err(old)) {	/* no memory for the record: ours all go */
			unpin_user_pages(pages + i, TDP_HUGE_FRAMES - i);
			dup += TDP_HUGE_FRAMES - i;
			ok = false;
			break;
		}
		if (old) {
			unpin_user_page(pages[i]);
			dup++;
			ok &= old == pages[i];
		}
	}
	atomic_long_add(TDP_HUGE_FRAMES - dup, &kvm_stat_pages);
	kvm_unaccount_pinned(kvm, dup);
out_free:
	kfree(pages);
	return ok;
}
#endif

/**
 * May frame @idx of @slot be mapped writable?  Not in a read-only slot.
 * Dirty logging maps pages read-only until the guest writes them: the
 * write faults, we note the page here, and map it writable.
 */
static bool kvm_fault_writable(struct kvm_memory_slot *slot, unsigned long idx, bool write)
{
	if (write && slot->dirty_bitmap)
		set_bit(idx, slot->dirty_bitmap);
	return !(slot->flags & KVM_MEM_READONLY) && (!slot->dirty_bitmap || write);
}

/**
 * kvm_mmu_page_fault - an EPT violation or NPF at @gpa; @table_walk says
 * the access was the CPU's walk of the guest's page tables, not the
 * instruction's own operand.  Returns 1 to
 * enter the guest again, 0 to exit to userspace (MMIO), -EFAULT when
 * the VMM's memory behind a slot is gone (KVM_RUN fails, as in KVM), or
 * -ENOMEM when pinning the page would exceed the VMM's RLIMIT_MEMLOCK
 * (KVM, which pins nothing, has no such failure).
 * Linux: kvm_mmu_page_fault() -> kvm_tdp_page_fault().
 */
#ifdef CONFIG_MINIKVM_LAPIC
/*
 * Chapter 04: vCPUs fault in parallel.  The slot is looked up and its
 * page pinned with no lock held, only inside an SRCU read section; a
 * slot change publishes new memslots and then waits for every such
 * section to end (synchronize_srcu()) before it unmaps and unpins the old
 * slot's pages.  Only the store into the tables takes kvm->mmu_lock.
 * Linux: kvm_tdp_page_fault() -> kvm_faultin_pfn(), then
 * kvm_tdp_mmu_map() under mmu_lock, after is_page_fault_stale().
 */
int kvm_mmu_page_fault(struct kvm_vcpu *vcpu, gpa_t gpa, bool write, bool fetch,
		       bool table_walk)
{
	struct kvm_mmu_memory_cache *mc = &vcpu->arch.mmu_page_cache;
	struct kvm *kvm = vcpu->kvm;
	struct kvm_memory_slot *slot;
	struct page *page;
	unsigned long idx;
	int srcu_idx, r;
	u64 gen;
#ifdef CONFIG_MINIKVM_FINAL
	bool huge;
#endif

	srcu_idx = srcu_read_lock(&kvm->srcu);
	/* The generation before the lookup: if it still holds once the
	 * page is pinned, no slot change came in between. */
	gen = kvm_memslots(kvm)->generation;
	slot = gfn_to_memslot(kvm, gpa >> PAGE_SHIFT);
	if (!slot || (write && (slot->flags & KVM_MEM_READONLY))) {
		r = kvm_mmu_fault_no_ram(vcpu, gpa, fetch, table_walk);
		goto out;
	}
	idx = (gpa >> PAGE_SHIFT) - slot->base_gfn;
	/* Both may sleep: pinning faults the VMM's page in, and the
	 * tables must be allocated before the spinlock is taken. */
	r = kvm_faultin_page(kvm, slot, idx, &page);
	if (!r)
		r = kvm_mmu_topup_memory_cache(mc);
	if (r)
		goto out;
#ifdef CONFIG_MINIKVM_FINAL
	huge = kvm_pin_huge_block(kvm, slot, idx, page);
#endif

	kvm_mmu_lock(kvm);
	/*
	 * A slot change while we pinned: the slot we hold may be gone or
	 * moved.  Mapping it anyway would be undone (the writer unmaps the
	 * old slot's pages once we leave the SRCU section), but the guest
	 * could use the stale page meanwhile.  So map nothing and let the
	 * guest repeat the access, which faults again on the new memslots.
	 * The pinned page is the old slot's to unpin.
	 */
#ifdef CONFIG_MINIKVM_FINAL
	/* The whole 2 MiB block if it may be, else (also when its directory
	 * entry is taken already) just this page. */
	if (huge && kvm_memslots(kvm)->generation == gen)
		huge = kvm_tdp_map_large(kvm, mc, gpa & PMD_MASK,
					 page_to_pfn(page) & ~(TDP_HUGE_FRAMES - 1ul),
					 kvm_fault_writable(slot, idx, write));
	if (!huge && kvm_memslots(kvm)->generation == gen)
#else
	if (kvm_memslots(kvm)->generation == gen)
#endif
		kvm_tdp_map(kvm, mc, gpa & PAGE_MASK, page_to_pfn(page),
			    kvm_fault_writable(slot, idx, write));
	kvm_mmu_unlock(kvm);
	r = 1;
out:
	srcu_read_unlock(&kvm->srcu, srcu_idx);
	return r;
}
#else
int kvm_mmu_page_fault(struct kvm_vcpu *vcpu, gpa_t gpa, bool write, bool fetch,
		       bool table_walk)
{
	struct kvm *kvm = vcpu->kvm;
	struct kvm_memory_slot *slot;
	struct page *page;
	unsigned long idx;
	int r;

	/* Faults and slot changes exclude each other: a slot cannot go away
	 * under a fault that is mapping one of its pages. */
	mutex_lock(&kvm->slots_lock);
	slot = gfn_to_memslot(kvm, gpa >> PAGE_SHIFT);
	if (!slot || (write && (slot->flags & KVM_MEM_READONLY))) {
		r = kvm_mmu_fault_no_ram(vcpu, gpa, fetch, table_walk);
		goto out;
	}
	idx = (gpa >> PAGE_SHIFT) - slot->base_gfn;
	r = kvm_faultin_page(kvm, slot, idx, &page);
	if (r)
		goto out;
	r = 1;
	if (kvm_tdp_map(kvm, gpa & PAGE_MASK, page_to_pfn(page),
			kvm_fault_writable(slot, idx, write)))
		r = -ENOMEM;
out:
	mutex_unlock(&kvm->slots_lock);
	return r;
}
#endif
EXPORT_SYMBOL_GPL(kvm_mmu_page_fault);

/** Clear the writable bit of the leaf for @gpa, if it is mapped. */
static void tdp_write_protect(struct kvm *kvm, gpa_t gpa)
{
	u64 *leaf = tdp_leaf(kvm, gpa);

	if (leaf && *leaf)
		WRITE_ONCE(*leaf, *leaf & ~tdp_format.writable_bit);
}

/**
 * kvm_mmu_write_protect_pages - make the pages of @slot marked in @which
 * read-only again, so that their next write is seen.  Called with
 * slots_lock held; changes the tables under kvm_mmu_lock() and flushes
 * every vCPU's cached translations.
 * Linux: kvm_arch_mmu_enable_log_dirty_pt_masked().
 */
void kvm_mmu_write_protect_pages(struct kvm *kvm, struct kvm_memory_slot *slot,
				 const unsigned long *which)
{
	unsigned long i;

	kvm_mmu_lock(kvm);
	for_each_set_bit(i, which, slot->npages) {
		tdp_write_protect(kvm, (slot->base_gfn + i) << PAGE_SHIFT);
		kvm_mmu_cond_resched(kvm);
	}
	kvm_mmu_unlock(kvm);
	kvm_make_all_cpus_request(kvm, KVM_REQ_TLB_FLUSH);
}

#ifndef CONFIG_MINIKVM_LAPIC
/**
 * kvm_mmu_slot_set_dirty_logging - KVM_MEM_LOG_DIRTY_PAGES turned on:
 * start from a clean log with every mapped page write-protected.
 * Linux: kvm_mmu_slot_apply_flags().
 */
void kvm_mmu_slot_set_dirty_logging(struct kvm *kvm, struct kvm_memory_slot *slot, bool on)
{
	struct page *page;
	unsigned long i;

	if (!on)
		return;
	/* Only the pages recorded in slot->pages can be mapped: visit those,
	 * never every frame of a possibly huge slot. */
	xa_for_each(&slot->pages, i, page) {
		tdp_write_protect(kvm, (slot->base_gfn + i) << PAGE_SHIFT);
		cond_resched();
	}
	kvm_make_all_cpus_request(kvm, KVM_REQ_TLB_FLUSH);
}
#endif
#endif /* CONFIG_MINIKVM_MMU */
