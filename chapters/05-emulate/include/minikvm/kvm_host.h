/* SPDX-License-Identifier: GPL-2.0 */
/**
 * @file kvm_host.h
 * @brief The objects every part of minikvm shares: the VM (struct kvm),
 * the vCPU (struct kvm_vcpu), memslots, and the vendor operations table.
 *
 * Linux keeps these in include/linux/kvm_host.h (generic) and
 * arch/x86/include/asm/kvm_host.h (x86); minikvm is small enough for one
 * header.  The field names are Linux's, so `git grep` finds the pair.
 */
#ifndef MINIKVM_KVM_HOST_H
#define MINIKVM_KVM_HOST_H

#include <linux/kvm.h>
#include <linux/mutex.h>
#include <linux/preempt.h>
#include <linux/refcount.h>
#include <linux/types.h>
#include <linux/xarray.h>
#include <asm/desc_defs.h>
#include <asm/fpu/types.h>

#include <minikvm/tdp.h>
#include <linux/rcuwait.h>
#include <asm/irq_vectors.h>	/* NMI_VECTOR */
#include <linux/spinlock.h>
#include <linux/srcu.h>

/** Limits.  KVM_MAX_VCPU_IDS is x86 KVM's, so that the same vCPU ids are
 *  refused with the same error; the others are ours (KVM allows more). */
#define KVM_MAX_VCPUS		8	/**< vCPUs per VM (KVM_CAP_MAX_VCPUS) */
#define KVM_MAX_VCPU_IDS	4096	/**< ids are below this (KVM_CAP_MAX_VCPU_ID) */
#define KVM_USER_MEM_SLOTS	32	/**< memslots per VM (KVM_CAP_NR_MEMSLOTS) */
#define KVM_MAX_CPUID_ENTRIES	256	/**< largest KVM_SET_CPUID2 table */
/** Largest slot, in pages: KVM's limit, so a huge slot fails the same way. */
#define KVM_MEM_MAX_NR_PAGES	((1UL << 31) - 1)

/** A guest frame number: guest-physical address >> PAGE_SHIFT. */
typedef u64 gfn_t;
/** A guest-physical address. */
typedef u64 gpa_t;
/** A host-physical address. */
typedef u64 hpa_t;

#include <minikvm/iodev.h>
#include <minikvm/irq.h>

/** General-purpose registers, in hardware encoding order (the ModRM reg
 *  field numbering), then RIP.  Linux: enum kvm_reg. */
enum kvm_reg {
	VCPU_REGS_RAX = 0, VCPU_REGS_RCX = 1, VCPU_REGS_RDX = 2,
	VCPU_REGS_RBX = 3, VCPU_REGS_RSP = 4, VCPU_REGS_RBP = 5,
	VCPU_REGS_RSI = 6, VCPU_REGS_RDI = 7,
	VCPU_REGS_R8, VCPU_REGS_R9, VCPU_REGS_R10, VCPU_REGS_R11,
	VCPU_REGS_R12, VCPU_REGS_R13, VCPU_REGS_R14, VCPU_REGS_R15,
	VCPU_REGS_RIP,
	NR_VCPU_REGS
};

/** Segment registers, the order KVM's get_segment()/set_segment() use. */
enum kvm_seg {
	VCPU_SREG_ES, VCPU_SREG_CS, VCPU_SREG_SS, VCPU_SREG_DS,
	VCPU_SREG_FS, VCPU_SREG_GS, VCPU_SREG_TR, VCPU_SREG_LDTR,
};

/**
 * A memslot: guest-physical [base_gfn, base_gfn + npages) is backed by the
 * VMM's virtual memory at userspace_addr.  Linux: struct kvm_memory_slot.
 */
struct kvm_memory_slot {
	gfn_t base_gfn;		/**< first guest frame of the slot */
	unsigned long npages;	/**< its size, in 4 KiB pages */
	unsigned long userspace_addr;	/**< the VMM's virtual address of base_gfn */
	u32 flags;		/**< KVM_MEM_* */
	short id;		/**< the slot number the VMM gave, index in kvm->memslots */
	/** The host pages pinned so far, by frame index in the slot: only
	 *  those the guest touched (chapter 01: all of them), so nothing is
	 *  allocated per page of the slot up front. */
	struct xarray pages;
	unsigned long *dirty_bitmap;	/**< KVM_MEM_LOG_DIRTY_PAGES: one bit per page */
};

/**
 * struct kvm_memslots - the VM's memslots, as one immutable array.
 *
 * With several vCPUs faulting at once, the slots cannot be guarded by a
 * mutex that a fault holds while it pins a page (which sleeps): the vCPUs
 * would fault one at a time.  Instead the whole array is replaced on every
 * change (copy, modify, publish with rcu_assign_pointer()) and readers
 * find it through kvm->memslots under kvm->srcu, taking no lock.  A
 * writer frees or unpins what the old array held only after
 * synchronize_srcu(), when no reader can still be using it.
 * Linux: struct kvm_memslots (two of them per address space there, swapped
 * in turn, and an rbtree and interval tree instead of an array).
 */
struct kvm_memslots {
	/** Bumped on every publication: a fault that pinned a page under
	 *  one generation maps it only if that one is still current.
	 *  Linux: kvm_memslots.generation. */
	u64 generation;
	/** By slot id; NULL = unused.  The slots themselves are never
	 *  changed once published, except for their pages (an xarray,
	 *  safe for concurrent use) and dirty bits (atomic bit ops). */
	struct kvm_memory_slot *slots[KVM_USER_MEM_SLOTS];
};

/** vCPU requests: work for the vCPU to do before its next VM entry. */
#define KVM_REQ_TLB_FLUSH	0	/**< second-level tables changed */
/** An interrupt or NMI may be deliverable: look at the event queue and
 *  the interrupt controllers again.  Linux: KVM_REQ_EVENT. */
#define KVM_REQ_EVENT		1
/** A fault while delivering a double fault: shut the guest down
 *  (KVM_EXIT_SHUTDOWN).  Linux: KVM_REQ_TRIPLE_FAULT. */
#define KVM_REQ_TRIPLE_FAULT	2
/** An NMI was sent (kvm_inject_nmi()): fold it into the queue before the
 *  next entry.  Until then it also wakes a halted vCPU, even one that
 *  cannot take an NMI yet (kvm_vcpu_has_events()).  Linux: KVM_REQ_NMI. */
#define KVM_REQ_NMI		3

/** Where a vCPU is: decides whether a request needs a kick (an IPI). */
enum vcpu_mode { OUTSIDE_GUEST_MODE, IN_GUEST_MODE };

/** The x86 part of struct kvm.  Linux: struct kvm_arch. */
struct kvm_arch {
	hpa_t tdp_root;		/**< root of the EPT/NPT tables, see mmu.c */
	unsigned long tss_addr;	/**< KVM_SET_TSS_ADDR, kept for the VMM */
	/** KVM_SET_IDENTITY_MAP_ADDR, kept for the VMM: Intel CPUs without
	 *  unrestricted guest need an identity page table there; ours do not. */
	u64 ept_identity_map_addr;
	/** TSC offset every vCPU starts with: the VM's TSCs all read 0 at
	 *  its creation, as all of a machine's TSCs do at RESET (Intel SDM
	 *  Vol. 3B, 18.17).  Linux: kvm->arch.cur_tsc_offset. */
	u64 cur_tsc_offset;
	/** The in-kernel interrupt controllers (irq.c); NULL until
	 *  KVM_CREATE_IRQCHIP.  Set once, with smp_store_release(). @{ */
	struct kvm_vpic *vpic;
	struct kvm_vioapic *vioapic;
	/** @} */
	/** The in-kernel PIT (timer.c); NULL until KVM_CREATE_PIT2.  Set
	 *  once under kvm->lock, with smp_store_release(). */
	struct kvm_pit *vpit;
};

/** A virtual machine: one VM fd.  Linux: struct kvm. */
struct kvm {
	struct mutex lock;		/**< vCPU creation */
	struct mutex slots_lock;	/**< memslot changes */
	/** The current memslots, replaced whole under slots_lock, read
	 *  under srcu (kvm_memslots()).  Linux: kvm->memslots[as_id]. */
	struct kvm_memslots __rcu *memslots;
	/**
	 * Guards the memslots' readers against their writers.  SRCU, not
	 * plain RCU: a reader (the EPT/NPT fault) sleeps inside its read
	 * section, pinning a page and copying guest memory from userspace,
	 * and an RCU read section must not sleep.  Linux: kvm->srcu.
	 */
	struct srcu_struct srcu;
	/**
	 * Guards the EPT/NPT tables, taken only for the moment an entry is
	 * written or cleared: faults on several vCPUs pin their pages in
	 * parallel and serialize only here.  A spinlock, so nothing that
	 * sleeps (allocating a table page) may happen under it.
	 * Linux: kvm->mmu_lock (an rwlock on x86's TDP MMU).
	 */
	spinlock_t mmu_lock;
	struct kvm_vcpu *vcpus[KVM_MAX_VCPUS];	/**< in creation order (vcpu_idx) */
	int created_vcpus;		/**< how many of vcpus[] are set */
	refcount_t users_count;		/**< the VM fd and every vCPU fd */
	struct mm_struct *mm;		/**< the VMM's address space */
	struct dentry *debugfs_dentry;	/**< debugfs minikvm/<pid>-<fd>/ */
	/** The in-kernel I/O bus: devices by port or address (iodev.h).
	 *  Replaced whole under slots_lock, read under RCU. */
	struct kvm_io_bus __rcu *buses[KVM_NR_BUSES];
	struct mutex irq_lock;		/**< routing table changes (irq_comm.c) */
	/** GSI -> PIC/IOAPIC pins (KVM_SET_GSI_ROUTING), read under RCU. */
	struct kvm_irq_routing_table __rcu *irq_routing;
	/** Who hears of interrupt acknowledgements and mask changes, by
	 *  GSI (irq.h); changed under irq_lock, read under RCU.  Empty as
	 *  kzalloc() leaves them. @{ */
	struct hlist_head irq_ack_notifier_list;
	struct hlist_head irq_mask_notifier_list;
	/** @} */
	struct kvm_arch arch;		/**< the x86 part */
};

/**
 * kvm_memslots - the VM's current memslots.  The caller is inside
 * srcu_read_lock(&kvm->srcu), or holds slots_lock (a writer), or the VM
 * has no user left (it is being destroyed); lockdep checks which.
 * Linux: kvm_memslots() / __kvm_memslots().
 */
static inline struct kvm_memslots *kvm_memslots(struct kvm *kvm)
{
	return srcu_dereference_check(kvm->memslots, &kvm->srcu,
				      lockdep_is_held(&kvm->slots_lock) ||
				      !refcount_read(&kvm->users_count));
}

/**
 * struct kvm_mmu_memory_cache - page-table pages allocated ahead, while
 * sleeping is allowed, for a fault to take under kvm->mmu_lock, where it
 * is not.  One fault needs at most one new table per level below the
 * root.  Linux: struct kvm_mmu_memory_cache (include/linux/kvm_types.h).
 */
struct kvm_mmu_memory_cache {
	int nobjs;			/**< pages in objects[] */
	void *objects[TDP_LEVELS - 1];	/**< zeroed 4 KiB pages */
};

/** The PIO exit being completed.  Linux: struct kvm_pio_request. */
struct kvm_pio_request {
	u16 port;	/**< the I/O port */
	int in;		/**< 1 for IN, 0 for OUT */
	int size;	/**< bytes per access: 1, 2 or 4 */
	u32 count;	/**< accesses (1: no string I/O yet) */
};

/** Variable-range MTRR pairs (Intel SDM Vol. 3A, 12.11.2.3): KVM offers 8
 *  (MTRRcap.VCNT).  Linux: KVM_NR_VAR_MTRR. */
#define KVM_NR_VAR_MTRR		8
/** Fixed-range MTRRs: one 64K, two 16K, eight 4K (SDM Vol. 3A, 12.11.2.2). */
#define KVM_NR_FIXED_MTRR_REGION 11

/**
 * The guest's MTRRs (Intel SDM Vol. 3A, 12.11; AMD APM Vol. 2, 7.7).  Only
 * stored, so that a guest and a VMM read back what they wrote: the
 * memory type of guest memory stays write-back in the EPT/NPT entries
 * whatever the guest puts here.  Linux: struct kvm_mtrr (mtrr.c), which
 * feeds them into the EPT memory type when a device is assigned.
 */
struct kvm_mtrr {
	u64 var[KVM_NR_VAR_MTRR * 2];	/**< PHYSBASEn, PHYSMASKn pairs */
	u64 fixed[KVM_NR_FIXED_MTRR_REGION];	/**< 0x250, 0x258-0x259, 0x268-0x26f */
	u64 deftype;			/**< IA32_MTRR_DEF_TYPE */
};

struct x86_emulate_ctxt;

/** One MMIO access of the emulator that userspace serves: at most 8
 *  bytes, what kvm_run.mmio carries.  Linux: struct kvm_mmio_fragment. */
struct kvm_mmio_fragment {
	gpa_t gpa;		/**< guest-physical address */
	unsigned int len;	/**< 1 to 8 bytes */
	u8 data[8];		/**< what was written, or what userspace answered */
};

/**
 * The MMIO of the instruction being emulated.  A read userspace must
 * answer stops the emulator (@pending); its answer joins @done, where the
 * emulator's next run of the instruction finds it.  Writes are queued in
 * @writes and go out, one exit each, once the instruction (or one REP
 * iteration) is done.  Linux: vcpu->mmio_fragments and friends.
 */
struct kvm_emu_mmio {
	struct kvm_mmio_fragment pending;	/**< the read userspace is asked for */
	bool pending_read;			/**< @pending is valid */
	struct kvm_mmio_fragment done[4];	/**< reads answered, this instruction */
	int nr_done;				/**< entries in @done */
	struct kvm_mmio_fragment writes[4];	/**< writes for userspace */
	int nr_writes;				/**< entries in @writes */
	int next_write;				/**< the next to go out */
};

/** The x86 part of a vCPU.  Linux: struct kvm_vcpu_arch. */
struct kvm_vcpu_arch {
	unsigned long regs[NR_VCPU_REGS];	/**< GPRs and RIP */
	unsigned long cr2;	/**< not in the VMCS: switched by hand on VMX */
	u64 efer;		/**< the guest's view of IA32_EFER */
	/** The guest's view of CR0, CR3 and CR4 (what it last wrote or the
	 *  VM exit read back; on VMX the hardware CR0/CR4 differ, see
	 *  vmx_set_cr0()). @{ */
	unsigned long cr0, cr3, cr4;
	unsigned long cr8;	/**< task priority; no local APIC yet, so just kept */
	/** The guest's FPU/SSE/AVX registers, swapped with the VMM's for the
	 *  length of KVM_RUN.  Linux: vcpu->arch.guest_fpu. */
	struct fpu_guest guest_fpu;
	/** @} */
	int cpuid_nent;		/**< entries in cpuid_entries */
	struct kvm_cpuid_entry2 *cpuid_entries;	/**< KVM_SET_CPUID2 */
	/** CR4 bits of the features cpuid_entries lacks, from the last
	 *  KVM_SET_CPUID2 (0 before one).  Linux: the same field. */
	u64 cr4_guest_rsvd_bits;
	/** The CPU of the last VM entry, -1 before the first: once the
	 *  guest has run, its CPUID may change no more (kvm_vcpu_has_run()).
	 *  Linux: vcpu->arch.last_vmentry_cpu. */
	int last_vmentry_cpu;
	void *pio_data;		/**< second page of the kvm_run mapping */
	struct kvm_pio_request pio;	/**< the port access in flight */
	/** Tables for this vCPU's next fault (mmu.c).
	 *  Linux: vcpu->arch.mmu_shadow_page_cache. */
	struct kvm_mmu_memory_cache mmu_page_cache;
	/** The instruction emulator's state (emulate.c).  Linux:
	 *  vcpu->arch.emulate_ctxt. */
	struct x86_emulate_ctxt *emulate_ctxt;
	struct kvm_emu_mmio emu_mmio;	/**< its MMIO in flight */
	/** Port I/O of the emulator: an OUT waits to go out to userspace /
	 *  the answer to an IN is in pio_data. @{ */
	bool emu_pio_pending, emu_pio_done;
	/** @} */
	/** The emulated REP string instruction has iterations left. */
	bool emulate_restart;
	/** Work left from the last exit to userspace, done by the next KVM_RUN. */
	int (*complete_userspace_io)(struct kvm_vcpu *vcpu);

	/**
	 * The guest's debug registers (Intel SDM Vol. 3B, 18.2; AMD APM
	 * Vol. 2, 13.1.1).  DR7 lives in the VMCS/VMCB (and DR6 too on SVM);
	 * DR0-DR3 (and DR6 on VMX) are plain CPU registers that no VM entry
	 * switches.  The guest's first access to any of them exits; we then
	 * stop intercepting, load its values into the CPU and let it use
	 * them directly until the next exit, which puts them back here and
	 * intercepts again.  Linux: vcpu->arch.db[], dr6, switch_db_regs.
	 * @{ */
	unsigned long db[4];
	unsigned long dr6;
	/** The guest's DR7 as of the last sync: while it enables a
	 *  breakpoint, DR0-DR3 are loaded before every entry. */
	unsigned long dr7;
	/** The guest owns the CPU's debug registers until the next exit
	 *  (Linux: KVM_DEBUGREG_WONT_EXIT in switch_db_regs). */
	bool switch_db_regs;
	/** @} */

	/** Protection-key rights (PKRU, Intel SDM Vol. 3A, 4.6.2): the
	 *  guest's, and the VMM thread's while KVM_RUN runs.  Neither VMX nor
	 *  SVM switches PKRU, and the FPU swap leaves it alone, so
	 *  vcpu_enter_guest() does.  Linux: vcpu->arch.pkru, host_pkru. @{ */
	u32 pkru, host_pkru;
	/** @} */

	/**
	 * The event queue: what the next VM entry must deliver.  Exits and
	 * ioctls only put events here; kvm_inject_pending_event() picks
	 * one and the vendor's inject_* op writes it into the VMCS/VMCB
	 * (Intel SDM Vol. 3C, 27.6 "Event Injection"; AMD APM Vol. 2, 15.20
	 * "Event injection").  An event the hardware was still delivering
	 * when the guest exited comes back here as "injected" (IDT-vectoring
	 * information, EXITINTINFO) and is injected again.
	 * "pending": decided, not yet handed to the hardware; "injected":
	 * handed to the hardware, delivery not known to be complete.
	 * Linux: vcpu->arch.exception, interrupt, nmi_pending, nmi_injected.
	 * @{ */
	/** An exception to deliver.  Linux: struct kvm_queued_exception. */
	struct kvm_queued_exception {
		bool pending;		/**< raised by an exit handler */
		bool injected;		/**< being delivered (re-injection) */
		bool has_error_code;	/**< pushes an error code */
		u8 vector;		/**< 0-31 */
		u32 error_code;		/**< when has_error_code */
	} exception;
	/** An external interrupt being delivered.  Linux: struct kvm_queued_interrupt. */
	struct kvm_queued_interrupt {
		bool injected;		/**< an external interrupt being delivered */
		bool soft;		/**< INTn (SVM re-injection only) */
		u8 nr;			/**< its vector */
	} interrupt;
	unsigned int nmi_pending;	/**< NMIs not yet injected (at most 2 kept) */
	bool nmi_injected;		/**< an NMI being delivered */
	/** NMIs raised (KVM_NMI, IOAPIC) since the last entry; folded into
	 *  nmi_pending by the vCPU itself.  Linux: vcpu->arch.nmi_queued. */
	atomic_t nmi_queued;
	/** The vCPU's local APIC (irq.c), created with the vCPU when the VM
	 *  has an in-kernel irqchip, else NULL.  Every interrupt for this
	 *  vCPU but the PIC's ExtINT goes through its IRR.
	 *  Linux: vcpu->arch.apic. */
	struct kvm_vlapic *apic;
	/** KVM_MP_STATE_*: RUNNABLE, HALTED (HLT in the kernel),
	 *  UNINITIALIZED (an AP before its INIT), INIT_RECEIVED (waiting for
	 *  a SIPI), AP_RESET_HOLD (only from KVM_SET_MP_STATE: waits as
	 *  HALTED does).  Linux: vcpu->arch.mp_state. */
	u32 mp_state;
	/** @} */
	/** IA32_APIC_BASE (Intel SDM Vol. 3A, 11.4.4) while the VMM models
	 *  the APIC itself (an in-kernel LAPIC keeps its own): 0xfee00000,
	 *  enabled, BSP for vCPU 0 at RESET.  Linux: vcpu->arch.apic_base. */
	u64 apic_base;
	/** Added by the CPU to the host TSC when the guest reads its TSC
	 *  (VMCS TSC_OFFSET, VMCB tsc_offset).  Linux: l1_tsc_offset. */
	u64 l1_tsc_offset;
	/** IA32_TSC_ADJUST (Intel SDM Vol. 3B, 18.17.3): what the guest's
	 *  writes added to its TSC.  Linux: vcpu->arch.ia32_tsc_adjust_msr. */
	s64 ia32_tsc_adjust_msr;
	/** IA32_MISC_ENABLE (Intel SDM Vol. 4, Table 2-2). */
	u64 ia32_misc_enable_msr;
	/** IA32_PAT (Intel SDM Vol. 3A, 12.12.2).  Linux: vcpu->arch.pat. */
	u64 pat;
	/** IA32_MCG_CAP and IA32_MCG_STATUS (Intel SDM Vol. 3B, 16.3.1):
	 *  no machine-check banks.  Linux: vcpu->arch.mcg_cap, mcg_status. @{ */
	u64 mcg_cap;
	u64 mcg_status;
	/** @} */
	struct kvm_mtrr mtrr_state;	/**< the MTRRs, stored only */
};

/** One MSR access, as the core hands it to the vendor.  Linux: struct msr_data. */
struct msr_data {
	/** From the VMM (KVM_GET/SET_MSRS), not the guest's RDMSR/WRMSR: it
	 *  restores state, so a few checks that would #GP the guest do not
	 *  apply, and a TSC write sets the value instead of adjusting it. */
	bool host_initiated;
	u32 index;		/**< the MSR */
	u64 data;		/**< the value read or to write */
};

/** DR7 bits 7:0, L0/G0 .. L3/G3: a breakpoint is armed (SDM Vol. 3B,
 *  18.2.4).  Linux: DR7_BP_EN_MASK in arch/x86/kvm/x86.h. */
#define DR7_BP_EN_MASK		0x000000ff
/** DR6.BD, bit 13: the #DB came from a debug-register access while
 *  DR7.GD was set (SDM Vol. 3B, 18.2.3). */
#define DR6_BD			0x00002000

/**
 * MSRs that only matter once the CPU is back in user mode: the SYSCALL
 * entry points and flags mask (Intel SDM Vol. 3A, 5.8.8).  The kernel never
 * executes SYSCALL itself, so while a vCPU thread stays in the kernel the
 * CPU may keep the guest's values; they are put back on the way to
 * userspace (a user-return notifier).  VMX needs this: a VM exit does not
 * restore them.  SVM switches them with VMSAVE/VMLOAD instead.
 * Linux: the "user return MSRs" of arch/x86/kvm/x86.c.
 */
enum kvm_uret_msr_slot {
	KVM_URET_STAR,		/**< MSR_STAR: SYSCALL/SYSRET segments */
	KVM_URET_LSTAR,		/**< MSR_LSTAR: 64-bit SYSCALL target */
	KVM_URET_CSTAR,		/**< MSR_CSTAR: compatibility-mode SYSCALL target */
	KVM_URET_SYSCALL_MASK,	/**< MSR_SYSCALL_MASK: RFLAGS bits SYSCALL clears */
	KVM_NR_URET_MSRS
};

/** Distinct exit reasons a vCPU counts; more are only in the total. */
#define KVM_EXIT_STAT_SLOTS	32

/** How often a vCPU exited for one reason: a slot is taken (reason set,
 *  then count made non-zero) on the first exit for that reason. */
struct kvm_exit_stat {
	u32 reason;	/**< the vendor's exit code (kvm_x86_ops.get_exit_info()) */
	u64 count;	/**< exits for it; 0 = free slot */
};

/** A virtual CPU: one vCPU fd.  Linux: struct kvm_vcpu. */
struct kvm_vcpu {
	struct kvm *kvm;		/**< the VM it belongs to */
	int vcpu_id;			/**< the id KVM_CREATE_VCPU was given */
	int vcpu_idx;			/**< index in kvm->vcpus */
	int cpu;			/**< physical CPU it is loaded on, or -1 */
	struct mutex mutex;		/**< one ioctl at a time */
	struct kvm_run *run;		/**< shared with the VMM through mmap */
	struct preempt_notifier preempt_notifier; /**< kvm_sched_in()/kvm_sched_out() */
	int mode;			/**< enum vcpu_mode */
	unsigned long requests;		/**< KVM_REQ_* bits */
	u64 stat_exits;			/**< VM exits, for debugfs */
	/** VM exits by exit reason, for debugfs <pid>-<fd>/exits. */
	struct kvm_exit_stat stat_exit_reasons[KVM_EXIT_STAT_SLOTS];
	/** A halted vCPU sleeps here; kvm_vcpu_kick() wakes it.
	 *  Linux: vcpu->wait. */
	struct rcuwait wait;
	u64 stat_halt_wakeup;		/**< wake-ups from a halt, for debugfs */
	struct kvm_vcpu_arch arch;	/**< the x86 part */
};

/** Has @p vcpu entered the guest at least once?  Linux: kvm_vcpu_has_run(). */
static inline bool kvm_vcpu_has_run(struct kvm_vcpu *vcpu)
{
	return vcpu->arch.last_vmentry_cpu != -1;
}

/** Does @p vcpu have its local APIC in the kernel?  Linux: lapic_in_kernel(). */
static inline bool lapic_in_kernel(struct kvm_vcpu *vcpu)
{
	return vcpu->arch.apic;
}

/** A general-purpose register of the guest (enum kvm_reg), as of the last
 *  exit.  Linux: kvm_register_read() in arch/x86/kvm/kvm_cache_regs.h, which
 *  also reads it lazily from the VMCS. */
static inline unsigned long kvm_register_read(struct kvm_vcpu *vcpu, int reg)
{
	return vcpu->arch.regs[reg];
}

/** Set a general-purpose register; vmenter.S loads it on the next entry.
 *  Linux: kvm_register_write(). */
static inline void kvm_register_write(struct kvm_vcpu *vcpu, int reg, unsigned long val)
{
	vcpu->arch.regs[reg] = val;
}

/** The guest's RIP.  Linux: kvm_rip_read(). */
static inline unsigned long kvm_rip_read(struct kvm_vcpu *vcpu)
{
	return vcpu->arch.regs[VCPU_REGS_RIP];
}

/** Set the guest's RIP, written to the VMCS/VMCB on the next entry.
 *  Linux: kvm_rip_write(). */
static inline void kvm_rip_write(struct kvm_vcpu *vcpu, unsigned long val)
{
	vcpu->arch.regs[VCPU_REGS_RIP] = val;
}

/** Is the guest in IA-32e (long) mode, EFER.LMA?  Linux: is_long_mode()
 *  in arch/x86/kvm/x86.h. */
static inline bool is_long_mode(struct kvm_vcpu *vcpu)
{
	return vcpu->arch.efer & EFER_LMA;
}

/** Which vendor's exit codes a kvm_exit event holds (Linux's values). @{ */
#define KVM_ISA_VMX	1	/**< Intel SDM Vol. 3D, Appendix C */
#define KVM_ISA_SVM	2	/**< AMD APM Vol. 2, Appendix C */
/** @} */

/**
 * struct kvm_x86_ops - what a vendor module (minikvm-intel, minikvm-amd)
 * provides to the core.  Linux: struct kvm_x86_ops in
 * arch/x86/include/asm/kvm_host.h, filled by vmx/main.c and svm/svm.c.
 *
 * The core calls these; it never touches a VMCS or a VMCB itself.
 */
struct kvm_x86_ops {
	const char *name;		/**< "minikvm-intel" or "minikvm-amd" */
	u32 isa;			/**< KVM_ISA_VMX or KVM_ISA_SVM: whose exit codes */
	struct module *owner;		/**< pinned while a VM exists */
	unsigned int vcpu_size;		/**< sizeof the vendor's vCPU struct */

	int (*hardware_enable)(void);	/**< this CPU: VMXON / EFER.SVME */
	void (*hardware_disable)(void);	/**< this CPU: VMXOFF / clear EFER.SVME */

	/** Allocate and reset the VMCS/VMCB; the vendor struct embeds the vCPU. */
	int (*vcpu_create)(struct kvm_vcpu *vcpu);
	void (*vcpu_free)(struct kvm_vcpu *vcpu);	/**< undo vcpu_create */
	/** The vCPU's thread runs on @cpu from now on (VMPTRLD on VMX). */
	void (*vcpu_load)(struct kvm_vcpu *vcpu, int cpu);
	void (*vcpu_put)(struct kvm_vcpu *vcpu);	/**< the thread leaves the CPU */

	/** Guest segment register @seg (enum kvm_seg) in KVM's format. */
	void (*get_segment)(struct kvm_vcpu *vcpu, struct kvm_segment *var, int seg);
	/** Set guest segment register @seg from KVM's format. */
	void (*set_segment)(struct kvm_vcpu *vcpu, struct kvm_segment *var, int seg);
	void (*get_idt)(struct kvm_vcpu *vcpu, struct desc_ptr *dt);	/**< guest IDTR */
	void (*set_idt)(struct kvm_vcpu *vcpu, struct desc_ptr *dt);	/**< guest IDTR */
	void (*get_gdt)(struct kvm_vcpu *vcpu, struct desc_ptr *dt);	/**< guest GDTR */
	void (*set_gdt)(struct kvm_vcpu *vcpu, struct desc_ptr *dt);	/**< guest GDTR */
	/** Set the guest's CR0 (and arch.cr0), with the vendor's fixed bits. */
	void (*set_cr0)(struct kvm_vcpu *vcpu, unsigned long cr0);
	void (*set_cr3)(struct kvm_vcpu *vcpu, unsigned long cr3);	/**< guest CR3 */
	/** Set the guest's CR4 (and arch.cr4), with the vendor's fixed bits. */
	void (*set_cr4)(struct kvm_vcpu *vcpu, unsigned long cr4);
	/** Set the guest's EFER (and arch.efer); VMX also switches IA-32e mode. */
	void (*set_efer)(struct kvm_vcpu *vcpu, u64 efer);
	unsigned long (*get_rflags)(struct kvm_vcpu *vcpu);	/**< guest RFLAGS */
	void (*set_rflags)(struct kvm_vcpu *vcpu, unsigned long rflags); /**< guest RFLAGS */

	/** Invalidate this vCPU's guest translations (KVM_REQ_TLB_FLUSH). */
	void (*flush_tlb)(struct kvm_vcpu *vcpu);

	/** Enter the guest once; runs with interrupts disabled. */
	void (*vcpu_run)(struct kvm_vcpu *vcpu);
	/** Handle the exit: > 0 enter again, 0 exit to userspace, < 0 error. */
	int (*handle_exit)(struct kvm_vcpu *vcpu);
	/** Why the last exit happened, for tracing and the exit counters:
	 *  the exit code and the hardware's two words about it (not
	 *  fetched when @info1 is NULL).  Linux: kvm_x86_ops.get_exit_info(). */
	void (*get_exit_info)(struct kvm_vcpu *vcpu, u32 *reason, u64 *info1, u64 *info2);
	/** Move RIP past the instruction that caused the exit. */
	int (*skip_emulated_instruction)(struct kvm_vcpu *vcpu);
	/**
	 * Event injection (Intel SDM Vol. 3C, 27.6; AMD APM Vol. 2, 15.20).
	 * Only kvm_inject_pending_event() calls the inject_* ops: each writes
	 * one event of vcpu->arch's queue into the VMCS/VMCB for the next
	 * entry.  Linux: inject_exception, inject_irq, inject_nmi.
	 * @{ */
	void (*inject_exception)(struct kvm_vcpu *vcpu);	/**< vcpu->arch.exception */
	void (*inject_irq)(struct kvm_vcpu *vcpu);		/**< vcpu->arch.interrupt */
	void (*inject_nmi)(struct kvm_vcpu *vcpu);
	/** @} */
	/** Could the guest take an external interrupt now: RFLAGS.IF set,
	 *  no STI / MOV SS shadow (and GIF set on SVM)?  Linux: interrupt_allowed. */
	bool (*interrupt_allowed)(struct kvm_vcpu *vcpu);
	/** Could it take an NMI: not blocked by a previous one until its
	 *  IRET, no shadow?  Linux: nmi_allowed. */
	bool (*nmi_allowed)(struct kvm_vcpu *vcpu);
	/** Exit as soon as the guest can take an interrupt (VMX
	 *  interrupt-window exiting; SVM V_IRQ + VINTR intercept).
	 *  Linux: enable_irq_window. */
	void (*enable_irq_window)(struct kvm_vcpu *vcpu);
	/** Exit as soon as NMIs are unblocked.  Linux: enable_nmi_window. */
	void (*enable_nmi_window)(struct kvm_vcpu *vcpu);
	/** The STI / MOV SS shadow as KVM_X86_SHADOW_INT_* bits, and back
	 *  (KVM_GET/SET_VCPU_EVENTS).  Linux: get/set_interrupt_shadow. @{ */
	u32 (*get_interrupt_shadow)(struct kvm_vcpu *vcpu);
	void (*set_interrupt_shadow)(struct kvm_vcpu *vcpu, u32 mask);
	/** @} */
	/** Are NMIs blocked (one is being handled)?  And set it.
	 *  Linux: get_nmi_mask / set_nmi_mask. @{ */
	bool (*get_nmi_mask)(struct kvm_vcpu *vcpu);
	void (*set_nmi_mask)(struct kvm_vcpu *vcpu, bool masked);
	/** @} */
	/** An interrupt in the LAPIC's IRR (@vector; -1 none) waits only for
	 *  the guest to lower its task priority: make that visible, if CR8
	 *  writes do not exit anyway.  NULL on VMX (they do).
	 *  Linux: update_cr8_intercept. */
	void (*update_cr8_intercept)(struct kvm_vcpu *vcpu, int vector);
	/** RESET or INIT (@init_event): put the VMCS/VMCB back to the state
	 *  kvm_vcpu_reset_state() left in vcpu->arch.  Linux: vcpu_reset. */
	void (*vcpu_reset)(struct kvm_vcpu *vcpu, bool init_event);

	/** RDMSR of an MSR the vendor keeps (in the VMCS/VMCB or its vCPU
	 *  struct); anything else goes to kvm_get_msr_common().  0 on success,
	 *  1 for #GP.  Linux: kvm_x86_ops.get_msr(). */
	int (*get_msr)(struct kvm_vcpu *vcpu, struct msr_data *msr_info);
	/** WRMSR, the same way.  The value has passed the common checks
	 *  (canonical addresses).  Linux: kvm_x86_ops.set_msr(). */
	int (*set_msr)(struct kvm_vcpu *vcpu, struct msr_data *msr_info);
	/** The guest's TSC is the host's plus @offset from the next entry
	 *  on (VMX: TSC_OFFSET with "use TSC offsetting"; SVM: the VMCB's
	 *  tsc_offset).  Linux: kvm_x86_ops.write_tsc_offset(). */
	void (*write_tsc_offset)(struct kvm_vcpu *vcpu, u64 offset);
	/** The guest used the debug registers directly since the last entry:
	 *  copy DR0-DR3 (and DR6, DR7) into vcpu->arch and intercept their
	 *  accesses again.  Linux: kvm_x86_ops.sync_dirty_debug_regs(). */
	void (*sync_dirty_debug_regs)(struct kvm_vcpu *vcpu);
};

/* arch/x86/kvm/x86.c: MSRs */
int kvm_get_msr_common(struct kvm_vcpu *vcpu, struct msr_data *msr_info);
int kvm_set_msr_common(struct kvm_vcpu *vcpu, struct msr_data *msr_info);
int kvm_set_user_return_msr(unsigned int slot, u64 value);
void kvm_load_guest_debug_regs(struct kvm_vcpu *vcpu);

/* virt/kvm/kvm_main.c */
int kvm_init(unsigned int vcpu_size, struct module *module);
void kvm_exit(void);
void kvm_make_all_cpus_request(struct kvm *kvm, unsigned int req);
bool kvm_check_request(unsigned int req, struct kvm_vcpu *vcpu);
void kvm_make_request(unsigned int req, struct kvm_vcpu *vcpu);

/** Is request @req posted (left in place)?  Linux: kvm_test_request(). */
static inline bool kvm_test_request(unsigned int req, struct kvm_vcpu *vcpu)
{
	return test_bit(req, &vcpu->requests);
}
void kvm_vcpu_kick(struct kvm_vcpu *vcpu);
bool kvm_vcpu_wake_up(struct kvm_vcpu *vcpu);
void kvm_vcpu_block(struct kvm_vcpu *vcpu);
void kvm_vcpu_on_spin(struct kvm_vcpu *me);
bool kvm_arch_vcpu_runnable(struct kvm_vcpu *vcpu);
struct kvm_vcpu *kvm_get_vcpu_by_id(struct kvm *kvm, int id);
struct kvm_memory_slot *gfn_to_memslot(struct kvm *kvm, gfn_t gfn);
int kvm_read_guest(struct kvm *kvm, gpa_t gpa, void *data, unsigned long len);
int kvm_write_guest(struct kvm *kvm, gpa_t gpa, const void *data, unsigned long len);
extern struct dentry *kvm_debugfs_dir;
extern bool kvm_rebooting;
extern atomic_long_t kvm_stat_pages;

/* arch/x86/kvm/x86.c */
extern struct kvm_x86_ops kvm_x86_ops;
void kvm_update_cr4_guest_rsvd_bits(struct kvm_vcpu *vcpu);
int kvm_x86_vendor_init(struct kvm_x86_ops *ops, const struct kvm_tdp_format *tdp);
void kvm_x86_vendor_exit(void);
int kvm_arch_hardware_enable(void);
void kvm_arch_hardware_disable(void);
int kvm_arch_init_vm(struct kvm *kvm, unsigned long type);
void kvm_arch_destroy_vm(struct kvm *kvm);
/** Stop what runs on its own for a VM (the PIT's timer) before its vCPUs
 *  are destroyed.  Linux: kvm_arch_sync_events(). */
void kvm_arch_sync_events(struct kvm *kvm);
int kvm_arch_vcpu_create(struct kvm_vcpu *vcpu);
void kvm_arch_vcpu_destroy(struct kvm_vcpu *vcpu);
void kvm_arch_vcpu_load(struct kvm_vcpu *vcpu, int cpu);
void kvm_arch_vcpu_put(struct kvm_vcpu *vcpu);
long kvm_arch_dev_ioctl(struct file *filp, unsigned int ioctl, unsigned long arg);
long kvm_arch_vm_ioctl(struct file *filp, unsigned int ioctl, unsigned long arg);
long kvm_arch_vcpu_ioctl(struct file *filp, unsigned int ioctl, unsigned long arg);
int kvm_arch_vcpu_ioctl_run(struct kvm_vcpu *vcpu);
int kvm_vm_ioctl_check_extension(struct kvm *kvm, long ext);
int kvm_skip_emulated_instruction(struct kvm_vcpu *vcpu);
int kvm_emulate_halt(struct kvm_vcpu *vcpu);
int kvm_emulate_hypercall(struct kvm_vcpu *vcpu);
int kvm_fast_pio(struct kvm_vcpu *vcpu, int size, unsigned short port, int in);
int kvm_handle_invalid_op(struct kvm_vcpu *vcpu);
int kvm_emulate_rdmsr(struct kvm_vcpu *vcpu);
int kvm_emulate_wrmsr(struct kvm_vcpu *vcpu);
int kvm_emulate_rdpmc(struct kvm_vcpu *vcpu);
void kvm_queue_exception(struct kvm_vcpu *vcpu, unsigned int nr);
void kvm_queue_exception_e(struct kvm_vcpu *vcpu, unsigned int nr, u32 error_code);
/** Leave the guest right after this entry's event is delivered, and look
 *  at the event queue again (x86.c; svm.c's NMI-window step uses it). */
void kvm_request_immediate_exit(struct kvm_vcpu *vcpu);
int kvm_unexpected_exit(struct kvm_vcpu *vcpu, u64 exit_reason);
int kvm_emulate_instruction(struct kvm_vcpu *vcpu);
int kvm_emulate_insn_len(struct kvm_vcpu *vcpu);
void kvm_vcpu_reset_state(struct kvm_vcpu *vcpu);
void kvm_set_cr8(struct kvm_vcpu *vcpu, unsigned long cr8);
unsigned long kvm_get_cr8(struct kvm_vcpu *vcpu);
void kvm_vcpu_reset(struct kvm_vcpu *vcpu, bool init_event);
void kvm_vcpu_deliver_sipi_vector(struct kvm_vcpu *vcpu, u8 vector);
u64 kvm_read_l1_tsc(struct kvm_vcpu *vcpu);
u64 kvm_get_apic_base(struct kvm_vcpu *vcpu);
void kvm_prepare_fail_entry(struct kvm_vcpu *vcpu, u64 hardware_reason);
void kvm_arch_create_vm_debugfs(struct kvm *kvm);

/* arch/x86/kvm/cpuid.c */
int kvm_emulate_cpuid(struct kvm_vcpu *vcpu);
int kvm_dev_ioctl_get_cpuid(struct kvm_cpuid2 __user *ucpuid);
int kvm_vcpu_ioctl_set_cpuid2(struct kvm_vcpu *vcpu, struct kvm_cpuid2 __user *ucpuid);
struct kvm_cpuid_entry2 *kvm_find_cpuid_entry(struct kvm_vcpu *vcpu, u32 function, u32 index);

/* arch/x86/kvm/mmu.c */
int kvm_mmu_init_vm(struct kvm *kvm);
void kvm_mmu_uninit_vm(struct kvm *kvm);
int kvm_arch_prepare_memory_region(struct kvm *kvm, gfn_t base_gfn, unsigned long npages);
void kvm_arch_free_memslot(struct kvm *kvm, struct kvm_memory_slot *slot);
int kvm_arch_commit_memory_region(struct kvm *kvm, struct kvm_memory_slot *slot);
void kvm_arch_flush_memslot(struct kvm *kvm, struct kvm_memory_slot *slot);
void kvm_mmu_set_tdp_format(const struct kvm_tdp_format *fmt);
int kvm_emulate_cr8_write(struct kvm_vcpu *vcpu);
void prepare_emulation_failure_exit(struct kvm_vcpu *vcpu, const u8 *insn, int len,
				    const u64 *data, int ndata);
int kvm_mmu_page_fault(struct kvm_vcpu *vcpu, gpa_t gpa, bool write, bool fetch,
		       bool table_walk);
void kvm_mmu_write_protect_pages(struct kvm *kvm, struct kvm_memory_slot *slot,
				 const unsigned long *which);
void kvm_mmu_destroy(struct kvm_vcpu *vcpu);

#endif
