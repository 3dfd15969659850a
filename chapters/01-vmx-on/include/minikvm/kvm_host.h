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
};

/** vCPU requests: work for the vCPU to do before its next VM entry. */
#define KVM_REQ_TLB_FLUSH	0	/**< second-level tables changed */

/** Where a vCPU is: decides whether a request needs a kick (an IPI). */
enum vcpu_mode { OUTSIDE_GUEST_MODE, IN_GUEST_MODE };

/** The x86 part of struct kvm.  Linux: struct kvm_arch. */
struct kvm_arch {
	hpa_t tdp_root;		/**< root of the EPT/NPT tables, see mmu.c */
	unsigned long tss_addr;	/**< KVM_SET_TSS_ADDR, kept for the VMM */
};

/** A virtual machine: one VM fd.  Linux: struct kvm. */
struct kvm {
	struct mutex lock;		/**< vCPU creation */
	struct mutex slots_lock;	/**< memslot changes */
	struct kvm_memory_slot *memslots[KVM_USER_MEM_SLOTS]; /**< by slot id; NULL = unused */
	struct kvm_vcpu *vcpus[KVM_MAX_VCPUS];	/**< in creation order (vcpu_idx) */
	int created_vcpus;		/**< how many of vcpus[] are set */
	refcount_t users_count;		/**< the VM fd and every vCPU fd */
	struct mm_struct *mm;		/**< the VMM's address space */
	struct dentry *debugfs_dentry;	/**< debugfs minikvm/<pid>-<fd>/ */
	struct kvm_arch arch;		/**< the x86 part */
};

/** The PIO exit being completed.  Linux: struct kvm_pio_request. */
struct kvm_pio_request {
	u16 port;	/**< the I/O port */
	int in;		/**< 1 for IN, 0 for OUT */
	int size;	/**< bytes per access: 1, 2 or 4 */
	u32 count;	/**< accesses (1: no string I/O yet) */
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

};

/** One MSR access, as the core hands it to the vendor.  Linux: struct msr_data. */
struct msr_data {
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
	struct kvm_vcpu_arch arch;	/**< the x86 part */
};

/** Has @p vcpu entered the guest at least once?  Linux: kvm_vcpu_has_run(). */
static inline bool kvm_vcpu_has_run(struct kvm_vcpu *vcpu)
{
	return vcpu->arch.last_vmentry_cpu != -1;
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
	/** Make the guest take exception @nr (#GP, #UD ...) on the next entry. */
	void (*queue_exception)(struct kvm_vcpu *vcpu, unsigned int nr,
				bool has_error_code, u32 error_code);

	/** RDMSR of an MSR the vendor keeps (in the VMCS/VMCB or its vCPU
	 *  struct); anything else goes to kvm_get_msr_common().  0 on success,
	 *  1 for #GP.  Linux: kvm_x86_ops.get_msr(). */
	int (*get_msr)(struct kvm_vcpu *vcpu, struct msr_data *msr_info);
	/** WRMSR, the same way.  The value has passed the common checks
	 *  (canonical addresses).  Linux: kvm_x86_ops.set_msr(). */
	int (*set_msr)(struct kvm_vcpu *vcpu, struct msr_data *msr_info);
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
struct kvm_memory_slot *gfn_to_memslot(struct kvm *kvm, gfn_t gfn);
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
int kvm_unexpected_exit(struct kvm_vcpu *vcpu, u64 exit_reason);
void kvm_vcpu_reset_state(struct kvm_vcpu *vcpu);
void kvm_set_cr8(struct kvm_vcpu *vcpu, unsigned long cr8);
unsigned long kvm_get_cr8(struct kvm_vcpu *vcpu);
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

#endif
