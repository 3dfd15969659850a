// SPDX-License-Identifier: GPL-2.0
/**
 * @file x86.c
 * @brief The x86 part of the core: the vendor ops table, register ioctls,
 * the run loop, and the exit handlers that both vendors share.
 *
 * Linux: arch/x86/kvm/x86.c.  The vendor modules fill kvm_x86_ops and call
 * back into the helpers here (kvm_emulate_halt(), kvm_fast_pio(), ...)
 * exactly as kvm-intel and kvm-amd call into kvm.ko.
 */
#include <linux/kvm.h>
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/kvm_para.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/sched/signal.h>
#include <linux/seq_file.h>
#include <linux/uaccess.h>
#include <linux/user-return-notifier.h>
#include <asm/debugreg.h>
#include <asm/fpu/api.h>
#include <asm/msr-index.h>
#include <asm/page.h>
#include <asm/processor-flags.h>
#include <asm/special_insns.h>

#include <minikvm/kvm_host.h>

/* The tracepoints live in this module: trace.h generates them here. */
#define CREATE_TRACE_POINTS
#include "trace.h"

/** The vendor's operations; all NULL until a vendor module registers. */
struct kvm_x86_ops kvm_x86_ops __read_mostly;
EXPORT_SYMBOL_GPL(kvm_x86_ops);

/** x86 exception vectors (Intel SDM Vol. 3A, 6.3.1, Table 6-1). @{ */
#define UD_VECTOR	6	/**< #UD, invalid opcode */
#define GP_VECTOR	13	/**< #GP, general protection */
/** @} */

/** The state of a vCPU at power-on (Intel SDM Vol. 3A, 10.1.1, Table 10-1). @{ */
#define RESET_CR0	(X86_CR0_ET | X86_CR0_CD | X86_CR0_NW)	/**< 0x60000010 */
#define RESET_RFLAGS	X86_EFLAGS_FIXED	/**< 0x2: only the reserved bit 1 */
/** @} */

/* ---------------------------------------------------------------------- */
/* Registration                                                             */
/* ---------------------------------------------------------------------- */

static u64 kvm_cr4_host_rsvd_bits(void);

/** The CR4 bits of features this host lacks, asked once at load (the
 *  host does not change; CPUID would exit on every KVM_SET_SREGS in a
 *  nested lab).  Linux: cr4_reserved_bits. */
static u64 cr4_host_rsvd_bits;

/**
 * kvm_x86_vendor_init - a vendor module offers its operations.
 * Copies @ops (as KVM's static calls are patched once), tells the MMU the
 * entry format, and lets the generic core enable the hardware everywhere.
 * Linux: kvm_x86_vendor_init().
 */
int kvm_x86_vendor_init(struct kvm_x86_ops *ops, const struct kvm_tdp_format *tdp)
{
	int r;

	if (kvm_x86_ops.name) {
		pr_err("minikvm: %s is already registered\n", kvm_x86_ops.name);
		return -EEXIST;
	}
	kvm_x86_ops = *ops;
	kvm_mmu_set_tdp_format(tdp);
	cr4_host_rsvd_bits = kvm_cr4_host_rsvd_bits();
	r = kvm_init(ops->vcpu_size, ops->owner);
	if (r)
		memset(&kvm_x86_ops, 0, sizeof(kvm_x86_ops));
	return r;
}
EXPORT_SYMBOL_GPL(kvm_x86_vendor_init);

/** The vendor module unloads: remove the device, disable the hardware on
 *  every CPU, forget the ops.  Linux: kvm_x86_vendor_exit(). */
void kvm_x86_vendor_exit(void)
{
	kvm_exit();
	memset(&kvm_x86_ops, 0, sizeof(kvm_x86_ops));
}
EXPORT_SYMBOL_GPL(kvm_x86_vendor_exit);

/* ---------------------------------------------------------------------- */
/* User-return MSRs                                                         */
/* ---------------------------------------------------------------------- */

/** The MSR behind each slot of enum kvm_uret_msr_slot. */
static const u32 kvm_uret_msrs_list[KVM_NR_URET_MSRS] = {
	[KVM_URET_STAR] = MSR_STAR,
	[KVM_URET_LSTAR] = MSR_LSTAR,
	[KVM_URET_CSTAR] = MSR_CSTAR,
	[KVM_URET_SYSCALL_MASK] = MSR_SYSCALL_MASK,
};

/**
 * Per CPU: the host's value of each user-return MSR and the value the CPU
 * holds now.  When they differ, a user-return notifier is registered and
 * puts the host's back before this CPU next runs user code.
 * Linux: struct kvm_user_return_msrs.
 */
struct kvm_user_return_msrs {
	struct user_return_notifier urn;	/**< fires on the way to user mode */
	bool registered;			/**< urn is on this CPU's list */
	struct {
		u64 host;	/**< what Linux set at boot (syscall_init()) */
		u64 curr;	/**< what the CPU holds now */
	} values[KVM_NR_URET_MSRS];	/**< by enum kvm_uret_msr_slot */
};
/** This CPU's user-return MSRs.  Linux: user_return_msrs. */
static DEFINE_PER_CPU(struct kvm_user_return_msrs, user_return_msrs);

/**
 * kvm_on_user_return - this CPU is about to run user code (or the module
 * is leaving it): put the host's values back and unregister.  Runs with
 * interrupts off from exit_to_user_mode().  Linux: kvm_on_user_return().
 */
static void kvm_on_user_return(struct user_return_notifier *urn)
{
	struct kvm_user_return_msrs *msrs =
		container_of(urn, struct kvm_user_return_msrs, urn);
	unsigned long flags;
	unsigned int slot;

	local_irq_save(flags);
	if (msrs->registered) {
		msrs->registered = false;
		user_return_notifier_unregister(urn);
	}
	for (slot = 0; slot < KVM_NR_URET_MSRS; slot++) {
		if (msrs->values[slot].curr != msrs->values[slot].host) {
			wrmsrl(kvm_uret_msrs_list[slot], msrs->values[slot].host);
			msrs->values[slot].curr = msrs->values[slot].host;
		}
	}
	local_irq_restore(flags);
}

/**
 * kvm_set_user_return_msr - make this CPU hold @value in user-return MSR
 * @slot until the next return to user mode.  Writes only when the value
 * changes, so entering the same guest again costs nothing.  Returns 1
 * when the CPU refuses the value (the guest gets #GP).  Call with
 * preemption off.  Linux: kvm_set_user_return_msr().
 */
int kvm_set_user_return_msr(unsigned int slot, u64 value)
{
	struct kvm_user_return_msrs *msrs = this_cpu_ptr(&user_return_msrs);

	if (value == msrs->values[slot].curr)
		return 0;
	if (wrmsrl_safe(kvm_uret_msrs_list[slot], value))
		return 1;
	msrs->values[slot].curr = value;
	if (!msrs->registered) {
		msrs->urn.on_user_return = kvm_on_user_return;
		user_return_notifier_register(&msrs->urn);
		msrs->registered = true;
	}
	return 0;
}
EXPORT_SYMBOL_GPL(kvm_set_user_return_msr);

/** Learn the host's values on this CPU.  Linux: kvm_user_return_msr_cpu_online(). */
static void kvm_user_return_msr_cpu_online(void)
{
	struct kvm_user_return_msrs *msrs = this_cpu_ptr(&user_return_msrs);
	unsigned int slot;
	u64 value;

	for (slot = 0; slot < KVM_NR_URET_MSRS; slot++) {
		rdmsrl_safe(kvm_uret_msrs_list[slot], &value);
		msrs->values[slot].host = msrs->values[slot].curr = value;
	}
}

/** Enable VMX/SVM on this CPU (a cpuhp callback).
 *  Linux: kvm_arch_hardware_enable(). */
int kvm_arch_hardware_enable(void)
{
	kvm_user_return_msr_cpu_online();
	return kvm_x86_ops.hardware_enable();
}

/**
 * Disable VMX/SVM on this CPU.  A notifier still registered would call
 * into this module after it is gone: restore the MSRs now instead.
 * Linux: kvm_arch_hardware_disable() + drop_user_return_notifiers().
 */
void kvm_arch_hardware_disable(void)
{
	struct kvm_user_return_msrs *msrs = this_cpu_ptr(&user_return_msrs);

	kvm_x86_ops.hardware_disable();
	if (msrs->registered)
		kvm_on_user_return(&msrs->urn);
}

/**
 * kvm_vm_ioctl_check_extension - KVM_CHECK_EXTENSION: only what exists.
 * A capability this chapter does not implement answers 0, so a VMM
 * falls back or stops instead of relying on it.
 * Linux: kvm_vm_ioctl_check_extension().
 */
int kvm_vm_ioctl_check_extension(struct kvm *kvm, long ext)
{
	switch (ext) {
	case KVM_CAP_SET_TSS_ADDR:
	case KVM_CAP_EXT_CPUID:
	case KVM_CAP_USER_MEMORY:
	case KVM_CAP_IMMEDIATE_EXIT:
		return 1;
	case KVM_CAP_NR_MEMSLOTS:
		return KVM_USER_MEM_SLOTS;
	case KVM_CAP_READONLY_MEM:
		return 1;
	case KVM_CAP_IRQCHIP:
	case KVM_CAP_IRQ_INJECT_STATUS:
	case KVM_CAP_VCPU_EVENTS:
	case KVM_CAP_MP_STATE:
	case KVM_CAP_USER_NMI:
		return 1;
	case KVM_CAP_IRQ_ROUTING:
		/* The number of GSIs a routing table may use: QEMU sizes its
		 * table by it. */
		return KVM_MAX_IRQ_ROUTES;
	case KVM_CAP_NR_VCPUS:
		/* The number KVM recommends: no more vCPUs than the host has
		 * CPUs to run them (kvm-fuzz --diff found 8 here, where KVM on
		 * the 2-CPU lab says 2). */
		return min_t(unsigned int, num_online_cpus(), KVM_MAX_VCPUS);
	case KVM_CAP_MAX_VCPUS:
		return KVM_MAX_VCPUS;
	case KVM_CAP_MAX_VCPU_ID:
		return KVM_MAX_VCPU_IDS;
	default:
		return 0;
	}
}

/* ---------------------------------------------------------------------- */
/* VM and vCPU life                                                         */
/* ---------------------------------------------------------------------- */

/** The x86 part of a new VM: its empty EPT/NPT root.
 *  Linux: kvm_arch_init_vm(). */
int kvm_arch_init_vm(struct kvm *kvm, unsigned long type)
{
	return kvm_mmu_init_vm(kvm);
}

/** Free the x86 part of a VM: its EPT/NPT tables.
 *  Linux: kvm_arch_destroy_vm(). */
void kvm_arch_destroy_vm(struct kvm *kvm)
{
	kvm_irqchip_destroy(kvm);
	kvm_mmu_uninit_vm(kvm);
}

/**
 * kvm_arch_vcpu_create - x86 state of a new vCPU, then the vendor's.
 * Linux: kvm_arch_vcpu_create() + kvm_vcpu_reset().
 */
int kvm_arch_vcpu_create(struct kvm_vcpu *vcpu)
{
	int r;

	vcpu->arch.last_vmentry_cpu = -1;
	vcpu->arch.pio_data = (void *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	if (!vcpu->arch.pio_data)
		return -ENOMEM;
	r = -ENOMEM;
	if (!fpu_alloc_guest_fpstate(&vcpu->arch.guest_fpu))
		goto out_free_pio;
	kvm_vcpu_reset_state(vcpu);
	r = kvm_x86_ops.vcpu_create(vcpu);
	if (r)
		goto out_free_fpu;
	return 0;

out_free_fpu:
	fpu_free_guest_fpstate(&vcpu->arch.guest_fpu);
out_free_pio:
	free_page((unsigned long)vcpu->arch.pio_data);
	return r;
}

/**
 * kvm_vcpu_reset_state - the architectural state after power-on or INIT
 * (Intel SDM Vol. 3A, Table 10-1): GPRs 0 but EDX, which holds the
 * processor signature (CPUID.1:EAX of the vCPU's table; 0x600, family 6,
 * before the VMM set one, as KVM), RIP 0xfff0, CR0 0x60000010.  The
 * vendor resets its VMCS/VMCB from this.  Linux: kvm_vcpu_reset().
 */
void kvm_vcpu_reset_state(struct kvm_vcpu *vcpu)
{
	struct kvm_cpuid_entry2 *leaf1 = kvm_find_cpuid_entry(vcpu, 1, 0);

	memset(vcpu->arch.regs, 0, sizeof(vcpu->arch.regs));
	vcpu->arch.regs[VCPU_REGS_RDX] = leaf1 ? leaf1->eax : 0x600;
	vcpu->arch.regs[VCPU_REGS_RIP] = 0xfff0;
	vcpu->arch.cr0 = RESET_CR0;
	vcpu->arch.cr2 = 0;
	vcpu->arch.cr3 = 0;
	vcpu->arch.cr4 = 0;
	vcpu->arch.cr8 = 0;
	vcpu->arch.efer = 0;
	memset(vcpu->arch.db, 0, sizeof(vcpu->arch.db));
	vcpu->arch.dr6 = DR6_RESERVED;	/* 0xffff0ff0 (SDM Vol. 3B, 18.2.3) */
	vcpu->arch.dr7 = 0x400;		/* bit 10 reads as 1 */
	vcpu->arch.switch_db_regs = false;
	vcpu->arch.pkru = 0;
	/* No event survives a reset (Linux: kvm_vcpu_reset()). */
	memset(&vcpu->arch.exception, 0, sizeof(vcpu->arch.exception));
	memset(&vcpu->arch.interrupt, 0, sizeof(vcpu->arch.interrupt));
	vcpu->arch.nmi_pending = 0;
	vcpu->arch.nmi_injected = false;
	atomic_set(&vcpu->arch.nmi_queued, 0);
	bitmap_zero(vcpu->arch.pending_vectors, 256);
	vcpu->arch.mp_state = KVM_MP_STATE_RUNNABLE;
	/* A line may already be high: look at the controllers first thing. */
	kvm_make_request(KVM_REQ_EVENT, vcpu);
}
EXPORT_SYMBOL_GPL(kvm_vcpu_reset_state);

/**
 * kvm_set_cr8 - MOV to CR8, the task priority (Intel SDM Vol. 3A,
 * 11.8.6.1): bits 3:0 are TPR bits 7:4.  With the local APIC in the
 * kernel it lives there; without, it is only kept for KVM_GET_SREGS and
 * kvm_run.cr8.  Linux: kvm_set_cr8().
 */
void kvm_set_cr8(struct kvm_vcpu *vcpu, unsigned long cr8)
{
	vcpu->arch.cr8 = cr8 & 0xf;
}
EXPORT_SYMBOL_GPL(kvm_set_cr8);

/** MOV from CR8.  Linux: kvm_get_cr8(). */
unsigned long kvm_get_cr8(struct kvm_vcpu *vcpu)
{
	return vcpu->arch.cr8;
}
EXPORT_SYMBOL_GPL(kvm_get_cr8);

/** Free the vendor's vCPU state, the CPUID table and the PIO page.
 *  Linux: kvm_arch_vcpu_destroy(). */
void kvm_arch_vcpu_destroy(struct kvm_vcpu *vcpu)
{
	kvm_x86_ops.vcpu_free(vcpu);
	fpu_free_guest_fpstate(&vcpu->arch.guest_fpu);
	kvfree(vcpu->arch.cpuid_entries);
	free_page((unsigned long)vcpu->arch.pio_data);
}

/** The vCPU's thread is on @cpu (vcpu_load(), sched-in): the vendor makes
 *  its VMCS/VMCB usable there.  Linux: kvm_arch_vcpu_load(). */
void kvm_arch_vcpu_load(struct kvm_vcpu *vcpu, int cpu)
{
	kvm_x86_ops.vcpu_load(vcpu, cpu);
	vcpu->cpu = cpu;
}

/** The vCPU's thread leaves the CPU.  Linux: kvm_arch_vcpu_put(). */
void kvm_arch_vcpu_put(struct kvm_vcpu *vcpu)
{
	kvm_x86_ops.vcpu_put(vcpu);
}

/* ---------------------------------------------------------------------- */
/* Registers                                                                */
/* ---------------------------------------------------------------------- */

/** KVM_GET_REGS.  Linux: __get_regs(). */
static void get_regs(struct kvm_vcpu *vcpu, struct kvm_regs *r)
{
	unsigned long *g = vcpu->arch.regs;

	*r = (struct kvm_regs) {
		.rax = g[VCPU_REGS_RAX], .rbx = g[VCPU_REGS_RBX],
		.rcx = g[VCPU_REGS_RCX], .rdx = g[VCPU_REGS_RDX],
		.rsi = g[VCPU_REGS_RSI], .rdi = g[VCPU_REGS_RDI],
		.rsp = g[VCPU_REGS_RSP], .rbp = g[VCPU_REGS_RBP],
		.r8 = g[VCPU_REGS_R8], .r9 = g[VCPU_REGS_R9],
		.r10 = g[VCPU_REGS_R10], .r11 = g[VCPU_REGS_R11],
		.r12 = g[VCPU_REGS_R12], .r13 = g[VCPU_REGS_R13],
		.r14 = g[VCPU_REGS_R14], .r15 = g[VCPU_REGS_R15],
		.rip = g[VCPU_REGS_RIP],
		.rflags = kvm_x86_ops.get_rflags(vcpu),
	};
}

/** KVM_SET_REGS.  Linux: __set_regs(). */
static void set_regs(struct kvm_vcpu *vcpu, const struct kvm_regs *r)
{
	unsigned long *g = vcpu->arch.regs;

	g[VCPU_REGS_RAX] = r->rax; g[VCPU_REGS_RBX] = r->rbx;
	g[VCPU_REGS_RCX] = r->rcx; g[VCPU_REGS_RDX] = r->rdx;
	g[VCPU_REGS_RSI] = r->rsi; g[VCPU_REGS_RDI] = r->rdi;
	g[VCPU_REGS_RSP] = r->rsp; g[VCPU_REGS_RBP] = r->rbp;
	g[VCPU_REGS_R8] = r->r8; g[VCPU_REGS_R9] = r->r9;
	g[VCPU_REGS_R10] = r->r10; g[VCPU_REGS_R11] = r->r11;
	g[VCPU_REGS_R12] = r->r12; g[VCPU_REGS_R13] = r->r13;
	g[VCPU_REGS_R14] = r->r14; g[VCPU_REGS_R15] = r->r15;
	g[VCPU_REGS_RIP] = r->rip;
	/* Bit 1 of RFLAGS is always 1 (Intel SDM Vol. 1, 3.4.3). */
	kvm_x86_ops.set_rflags(vcpu, r->rflags | X86_EFLAGS_FIXED);
	/* RFLAGS.IF may have changed what the guest can take now. */
	kvm_make_request(KVM_REQ_EVENT, vcpu);
}

/** KVM_GET_SREGS.  Linux: __get_sregs(). */
static void get_sregs(struct kvm_vcpu *vcpu, struct kvm_sregs *s)
{
	struct desc_ptr dt;

	memset(s, 0, sizeof(*s));
	kvm_x86_ops.get_segment(vcpu, &s->cs, VCPU_SREG_CS);
	kvm_x86_ops.get_segment(vcpu, &s->ds, VCPU_SREG_DS);
	kvm_x86_ops.get_segment(vcpu, &s->es, VCPU_SREG_ES);
	kvm_x86_ops.get_segment(vcpu, &s->fs, VCPU_SREG_FS);
	kvm_x86_ops.get_segment(vcpu, &s->gs, VCPU_SREG_GS);
	kvm_x86_ops.get_segment(vcpu, &s->ss, VCPU_SREG_SS);
	kvm_x86_ops.get_segment(vcpu, &s->tr, VCPU_SREG_TR);
	kvm_x86_ops.get_segment(vcpu, &s->ldt, VCPU_SREG_LDTR);
	kvm_x86_ops.get_idt(vcpu, &dt);
	s->idt.limit = dt.size;
	s->idt.base = dt.address;
	kvm_x86_ops.get_gdt(vcpu, &dt);
	s->gdt.limit = dt.size;
	s->gdt.base = dt.address;
	s->cr0 = vcpu->arch.cr0;
	s->cr2 = vcpu->arch.cr2;
	s->cr3 = vcpu->arch.cr3;
	s->cr4 = vcpu->arch.cr4;
	s->cr8 = kvm_get_cr8(vcpu);
	s->efer = vcpu->arch.efer;
	/* No local APIC yet (chapter 04): report the architectural default. */
	s->apic_base = 0xfee00000 | MSR_IA32_APICBASE_ENABLE |
		       (vcpu->vcpu_id == 0 ? MSR_IA32_APICBASE_BSP : 0);
}

/** Does the VMM's CPUID table for this vCPU show a feature?  @reg is the
 *  output register (0 EAX ... 3 EDX).  Linux: guest_cpuid_has(). */
static bool guest_cpuid_has(struct kvm_vcpu *vcpu, u32 leaf, u32 index, int reg, int bit)
{
	struct kvm_cpuid_entry2 *e = kvm_find_cpuid_entry(vcpu, leaf, index);
	u32 regs[4];

	if (!e)
		return false;
	regs[0] = e->eax; regs[1] = e->ebx; regs[2] = e->ecx; regs[3] = e->edx;
	return regs[reg] & BIT(bit);
}

/** The guest's physical-address width, CPUID 0x80000008 EAX[7:0], or 36
 *  without that leaf (Intel SDM Vol. 3A, 4.1.4).  Linux: cpuid_maxphyaddr(). */
static int cpuid_maxphyaddr(struct kvm_vcpu *vcpu)
{
	struct kvm_cpuid_entry2 *e = kvm_find_cpuid_entry(vcpu, 0x80000008, 0);

	return e ? e->eax & 0xff : 36;
}

/** Bits above MAXPHYADDR, reserved in every physical address the guest
 *  writes.  Linux: kvm_vcpu_reserved_gpa_bits_raw(). */
static u64 reserved_gpa_bits(struct kvm_vcpu *vcpu)
{
	return ~GENMASK_ULL(cpuid_maxphyaddr(vcpu) - 1, 0);
}

/**
 * A CR4 bit that belongs to a CPU feature (Intel SDM Vol. 3A, 2.5):
 * reserved where the feature is missing.
 */
struct cr4_feature {
	u32 leaf;	/**< the CPUID leaf (sub-leaf 0) of the feature's bit */
	int reg;	/**< its output register there: 0 EAX ... 3 EDX */
	int bit;	/**< its bit (Intel SDM Vol. 2A, CPUID) */
	/** X86_FEATURE_* of the host kernel's, or CR4_HOST_CPUID where KVM
	 *  asks the CPU itself.  (kvm-intel also offers UMIP on a CPU without
	 *  it, emulating it by trapping descriptor-table instructions; we do
	 *  not emulate it, so the host must have it, as on kvm-amd.) */
	int host;
	u64 cr4;	/**< the CR4 bit */
};

/**
 * The CR4 bits a guest may set at all (Intel SDM Vol. 3A, 2.5), those
 * of a feature only where the feature is there (cr4_features[]).  The
 * rest are reserved or belong to what no guest of ours gets: VMXE
 * (nested virtualization), SMXE (Safer Mode), KL (Key Locker), CET and
 * PKS, and bits 15 and 25-63.  Linux: the complement of
 * CR4_RESERVED_BITS, less VMXE (KVM offers nested VMX).
 */
#define CR4_GUEST_BITS	(X86_CR4_VME | X86_CR4_PVI | X86_CR4_TSD | X86_CR4_DE |	\
			 X86_CR4_PSE | X86_CR4_PAE | X86_CR4_MCE | X86_CR4_PGE |	\
			 X86_CR4_PCE | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT |	\
			 X86_CR4_UMIP | X86_CR4_LA57 | X86_CR4_FSGSBASE |	\
			 X86_CR4_PCIDE | X86_CR4_OSXSAVE | X86_CR4_SMEP |	\
			 X86_CR4_SMAP | X86_CR4_PKE)

/** cr4_feature.host for LA57: a kernel that runs 4-level paging clears
 *  X86_FEATURE_LA57, but a guest's paging is its own (EPT/NPT translate
 *  it), so KVM asks the CPU's CPUID (kvm_set_cpu_caps()). */
#define CR4_HOST_CPUID	(-1)

/** The CR4 bits with a feature: leaf 1 ECX, leaf 7.0 EBX and ECX. */
static const struct cr4_feature cr4_features[] = {
	{ 1, 2, 17, X86_FEATURE_PCID, X86_CR4_PCIDE },
	{ 1, 2, 26, X86_FEATURE_XSAVE, X86_CR4_OSXSAVE },
	{ 7, 1, 0, X86_FEATURE_FSGSBASE, X86_CR4_FSGSBASE },
	{ 7, 1, 7, X86_FEATURE_SMEP, X86_CR4_SMEP },
	{ 7, 1, 20, X86_FEATURE_SMAP, X86_CR4_SMAP },
	{ 7, 2, 2, X86_FEATURE_UMIP, X86_CR4_UMIP },
	{ 7, 2, 3, X86_FEATURE_OSPKE, X86_CR4_PKE },
	{ 7, 2, 16, CR4_HOST_CPUID, X86_CR4_LA57 },
};

/** Does the host have CR4 feature @f, as KVM asks?  Linux: kvm_cpu_cap_has(). */
static bool host_has_cr4_feature(const struct cr4_feature *f)
{
	u32 r[4];

	if (f->host != CR4_HOST_CPUID)
		return boot_cpu_has(f->host);
	cpuid_count(f->leaf, 0, &r[0], &r[1], &r[2], &r[3]);
	return (r[f->reg] >> f->bit) & 1;
}

/** The CR4 bits of features this host lacks: no guest may set them.
 *  Linux: __cr4_reserved_bits(kvm_cpu_cap_has, ...). */
static u64 kvm_cr4_host_rsvd_bits(void)
{
	u64 rsvd = 0;
	int i;

	for (i = 0; i < ARRAY_SIZE(cr4_features); i++)
		if (!host_has_cr4_feature(&cr4_features[i]))
			rsvd |= cr4_features[i].cr4;
	return rsvd;
}

/**
 * kvm_update_cr4_guest_rsvd_bits - after KVM_SET_CPUID2: the CR4 bits of
 * the features the vCPU's new table does not show.  Before its first
 * table a vCPU has none (KVM computes them only then, too).
 * @vcpu: the vCPU
 *
 * Linux: the cr4_guest_rsvd_bits line of kvm_vcpu_after_set_cpuid().
 */
void kvm_update_cr4_guest_rsvd_bits(struct kvm_vcpu *vcpu)
{
	u64 rsvd = 0;
	int i;

	for (i = 0; i < ARRAY_SIZE(cr4_features); i++) {
		const struct cr4_feature *f = &cr4_features[i];

		if (!guest_cpuid_has(vcpu, f->leaf, 0, f->reg, f->bit))
			rsvd |= f->cr4;
	}
	vcpu->arch.cr4_guest_rsvd_bits = rsvd;
}

/**
 * Is this a state a CPU could be in?  KVM refuses the rest with -EINVAL
 * before the hardware ever sees it: long mode needs paging, PAE and LMA;
 * outside long mode neither LMA nor CS.L may be set, in it CR3 holds no
 * bit above MAXPHYADDR; paging needs protection, CR0.NW needs CR0.CD;
 * CR4 sets no bit outside CR4_GUEST_BITS, nor one of a feature the host
 * or the vCPU's CPUID lacks.
 * Linux: kvm_is_valid_sregs().
 */
static bool kvm_is_valid_sregs(struct kvm_vcpu *vcpu, const struct kvm_sregs *s)
{
	if ((s->efer & EFER_LME) && (s->cr0 & X86_CR0_PG)) {
		if (!(s->cr4 & X86_CR4_PAE) || !(s->efer & EFER_LMA))
			return false;
	} else if ((s->efer & EFER_LMA) || s->cs.l) {
		return false;
	}
	if ((s->cr0 & X86_CR0_PG) && !(s->cr0 & X86_CR0_PE))
		return false;
	/* Not-write-through needs cache-disable (Intel SDM Vol. 3A, 2.5:
	 * MOV to CR0 raises #GP otherwise). */
	if ((s->cr0 & X86_CR0_NW) && !(s->cr0 & X86_CR0_CD))
		return false;
	/* CR4 bits no guest of ours has; CR0's upper half is reserved. */
	if ((s->cr4 & ~CR4_GUEST_BITS) || (s->cr0 >> 32))
		return false;
	/* Long mode takes CR3 as a physical address: none above MAXPHYADDR. */
	if ((s->efer & EFER_LME) && (s->cr0 & X86_CR0_PG) && (s->cr3 & reserved_gpa_bits(vcpu)))
		return false;
	return !(s->cr4 & (cr4_host_rsvd_bits | vcpu->arch.cr4_guest_rsvd_bits));
}

/** KVM_SET_SREGS.  Linux: __set_sregs(). */
static int set_sregs(struct kvm_vcpu *vcpu, struct kvm_sregs *s)
{
	struct desc_ptr dt;

	if (!kvm_is_valid_sregs(vcpu, s))
		return -EINVAL;

	dt.size = s->idt.limit;
	dt.address = s->idt.base;
	kvm_x86_ops.set_idt(vcpu, &dt);
	dt.size = s->gdt.limit;
	dt.address = s->gdt.base;
	kvm_x86_ops.set_gdt(vcpu, &dt);

	vcpu->arch.cr2 = s->cr2;
	kvm_set_cr8(vcpu, s->cr8);
	kvm_x86_ops.set_efer(vcpu, s->efer);
	kvm_x86_ops.set_cr0(vcpu, s->cr0);
	kvm_x86_ops.set_cr4(vcpu, s->cr4);
	kvm_x86_ops.set_cr3(vcpu, s->cr3);

	kvm_x86_ops.set_segment(vcpu, &s->cs, VCPU_SREG_CS);
	kvm_x86_ops.set_segment(vcpu, &s->ds, VCPU_SREG_DS);
	kvm_x86_ops.set_segment(vcpu, &s->es, VCPU_SREG_ES);
	kvm_x86_ops.set_segment(vcpu, &s->fs, VCPU_SREG_FS);
	kvm_x86_ops.set_segment(vcpu, &s->gs, VCPU_SREG_GS);
	kvm_x86_ops.set_segment(vcpu, &s->ss, VCPU_SREG_SS);
	kvm_x86_ops.set_segment(vcpu, &s->tr, VCPU_SREG_TR);
	kvm_x86_ops.set_segment(vcpu, &s->ldt, VCPU_SREG_LDTR);
	/* The mode (real or protected) decides how an event is delivered. */
	kvm_make_request(KVM_REQ_EVENT, vcpu);
	return 0;
}

/* ---------------------------------------------------------------------- */
/* Events: exceptions, NMIs and interrupts for the guest                    */
/* ---------------------------------------------------------------------- */

/*
 * Exit handlers, ioctls and devices never write the VMCS/VMCB injection
 * fields: they put the event into the vCPU's queue (vcpu->arch.exception,
 * nmi_pending, interrupt) and set KVM_REQ_EVENT.  Just before the next
 * entry kvm_inject_pending_event() picks the one event the hardware gets,
 * in the CPU's own priority order (Intel SDM Vol. 3A, 6.9, Table 6-2):
 * first an event whose delivery an exit cut short, then exceptions, NMIs,
 * external interrupts.
 */

/** Exception classes for double faults (Intel SDM Vol. 3A, 6.15,
 *  "Interrupt 8", Table 6-4).  Linux: exception_class(). */
enum exception_class { EXCPT_BENIGN, EXCPT_CONTRIBUTORY, EXCPT_PF };

/** The class of exception @vector.  Linux: exception_class(). */
static enum exception_class exception_class(unsigned int vector)
{
	switch (vector) {
	case PF_VECTOR:
		return EXCPT_PF;
	case DE_VECTOR: case TS_VECTOR: case NP_VECTOR: case SS_VECTOR: case GP_VECTOR:
		return EXCPT_CONTRIBUTORY;
	default:
		return EXCPT_BENIGN;
	}
}

/**
 * kvm_multiple_exception - queue exception @nr.  When another one is
 * already queued or being delivered, the two combine as the CPU combines
 * them (SDM Vol. 3A, Table 6-5): contributory on contributory, or
 * anything but benign on a #PF, is a double fault; anything on a double
 * fault shuts the guest down (a triple fault); otherwise the new one
 * replaces the old, which the guest's instruction raises again when it
 * runs again.  Linux: kvm_multiple_exception().
 */
static void kvm_multiple_exception(struct kvm_vcpu *vcpu, unsigned int nr,
				   bool has_error, u32 error_code)
{
	struct kvm_queued_exception *ex = &vcpu->arch.exception;
	enum exception_class prev;

	kvm_make_request(KVM_REQ_EVENT, vcpu);
	if (ex->pending || ex->injected) {
		prev = exception_class(ex->vector);
		if (ex->vector == DF_VECTOR) {
			kvm_make_request(KVM_REQ_TRIPLE_FAULT, vcpu);
			return;
		}
		if ((prev == EXCPT_CONTRIBUTORY && exception_class(nr) == EXCPT_CONTRIBUTORY) ||
		    (prev == EXCPT_PF && exception_class(nr) != EXCPT_BENIGN)) {
			nr = DF_VECTOR;
			has_error = true;
			error_code = 0;
		}
	}
	ex->pending = true;
	ex->injected = false;
	ex->vector = nr;
	ex->has_error_code = has_error;
	ex->error_code = error_code;
}

/** Queue exception @nr, which pushes no error code (#UD, #DB, ...).
 *  Linux: kvm_queue_exception(). */
void kvm_queue_exception(struct kvm_vcpu *vcpu, unsigned int nr)
{
	kvm_multiple_exception(vcpu, nr, false, 0);
}
EXPORT_SYMBOL_GPL(kvm_queue_exception);

/** Queue exception @nr with @error_code (#GP, #AC, ...).
 *  Linux: kvm_queue_exception_e(). */
void kvm_queue_exception_e(struct kvm_vcpu *vcpu, unsigned int nr, u32 error_code)
{
	kvm_multiple_exception(vcpu, nr, true, error_code);
}
EXPORT_SYMBOL_GPL(kvm_queue_exception_e);

/**
 * kvm_inject_nmi - an NMI for @vcpu, from any thread (KVM_NMI, an IOAPIC
 * message): counted in nmi_queued, which the vCPU folds into its queue
 * before the next entry (process_nmi()), and the vCPU is kicked so that
 * it gets there soon.  KVM_REQ_NMI says an NMI came since it last looked
 * (it wakes a halted vCPU: kvm_vcpu_has_events()).  Linux: kvm_inject_nmi().
 */
void kvm_inject_nmi(struct kvm_vcpu *vcpu)
{
	atomic_inc(&vcpu->arch.nmi_queued);
	kvm_make_request(KVM_REQ_NMI, vcpu);
	kvm_make_request(KVM_REQ_EVENT, vcpu);
	kvm_vcpu_kick(vcpu);
}
EXPORT_SYMBOL_GPL(kvm_inject_nmi);

/**
 * process_nmi - fold the NMIs raised since the last entry into the queue.
 * A CPU holds at most one NMI back while it handles another (the NMI
 * input is an edge, latched once; SDM Vol. 3A, 6.7.1): so at most two
 * are kept, one to inject now and one for after the IRET, and only one
 * while an NMI is already being handled.  More are lost, as on hardware.
 * Linux: process_nmi().
 */
static void process_nmi(struct kvm_vcpu *vcpu)
{
	unsigned int limit = 2;

	if (kvm_x86_ops.get_nmi_mask(vcpu) || vcpu->arch.nmi_injected)
		limit = 1;
	vcpu->arch.nmi_pending += atomic_xchg(&vcpu->arch.nmi_queued, 0);
	vcpu->arch.nmi_pending = min(vcpu->arch.nmi_pending, limit);
}

/**
 * kvm_vcpu_ioctl_interrupt - KVM_INTERRUPT: the VMM's own interrupt
 * controller (QEMU with kernel-irqchip=off) hands over vector @irq.  The
 * VMM asked only because kvm_run said ready_for_interrupt_injection, so
 * the interrupt goes straight in as "injected": the next entry delivers
 * it.  With the PIC in the kernel the vector would bypass it: -ENXIO.
 * Linux: kvm_vcpu_ioctl_interrupt().
 */
static int kvm_vcpu_ioctl_interrupt(struct kvm_vcpu *vcpu, struct kvm_interrupt *irq)
{
	if (irq->irq >= 256)		/* KVM_NR_INTERRUPTS */
		return -EINVAL;
	if (irqchip_in_kernel(vcpu->kvm))
		return -ENXIO;
	vcpu->arch.interrupt.injected = true;
	vcpu->arch.interrupt.soft = false;
	vcpu->arch.interrupt.nr = irq->irq;
	kvm_make_request(KVM_REQ_EVENT, vcpu);
	return 0;
}

/** Is an event being delivered (an exit cut it short)?  Then nothing new
 *  may go in before it.  Linux: kvm_event_needs_reinjection(). */
static bool kvm_event_needs_reinjection(struct kvm_vcpu *vcpu)
{
	return vcpu->arch.exception.injected || vcpu->arch.interrupt.injected ||
	       vcpu->arch.nmi_injected;
}

/** An external interrupt waits: in the in-kernel PIC/IOAPIC, or handed
 *  over by the VMM (KVM_INTERRUPT).  Linux: kvm_cpu_has_injectable_intr(). */
static bool kvm_cpu_has_injectable_intr(struct kvm_vcpu *vcpu)
{
	return irqchip_in_kernel(vcpu->kvm) && kvm_cpu_has_interrupt(vcpu);
}

/** The queued exception goes in.  Real mode pushes no error code (SDM
 *  Vol. 3A, 20.1.4), and an entry that asked for one would fail, also for
 *  an exception put back by KVM_SET_VCPU_EVENTS.
 *  Linux: kvm_inject_exception(). */
static void kvm_inject_exception(struct kvm_vcpu *vcpu)
{
	if (!(vcpu->arch.cr0 & X86_CR0_PE))
		vcpu->arch.exception.has_error_code = false;
	kvm_x86_ops.inject_exception(vcpu);
}

/**
 * kvm_request_immediate_exit - leave the guest right after this entry has
 * delivered what it injects, and look at the queue again: an IPI to our
 * own CPU, pending while interrupts are off, forces the exit.  For an NMI
 * that must wait for the event injected now: SVM's NMI window single-steps
 * the guest, which must not begin with another event's delivery.
 * Linux: kvm_x86_ops.request_immediate_exit() (smp_send_reschedule()).
 */
void kvm_request_immediate_exit(struct kvm_vcpu *vcpu)
{
	kvm_make_request(KVM_REQ_EVENT, vcpu);
	smp_send_reschedule(smp_processor_id());
}
EXPORT_SYMBOL_GPL(kvm_request_immediate_exit);

/**
 * kvm_inject_pending_event - the one function that decides what the next
 * entry delivers, and the only caller of the vendor's inject_* ops.
 * Interrupts are off; other threads can still raise PIC/IOAPIC lines
 * (under the chips' locks), deliver vectors to this vCPU (chapter 03's
 * pending_vectors, the local APIC's IRR from chapter 04 on) and queue
 * NMIs (nmi_queued): whatever they add after we looked posts
 * KVM_REQ_EVENT and kicks us, and the next entry looks again.  What
 * cannot go in now, because the
 * guest blocks it (RFLAGS.IF = 0, an STI / MOV SS shadow, an NMI handler
 * still running), opens a window: the vendor arranges an exit as soon as
 * the guest can take it, and we come back here.
 * Linux: kvm_check_and_inject_events() (called inject_pending_event()
 * before the exception-handling rework of 2022).
 */
static void kvm_inject_pending_event(struct kvm_vcpu *vcpu, bool req_int_win)
{
	struct kvm_queued_exception *ex = &vcpu->arch.exception;
	bool has_intr;

	process_nmi(vcpu);

	/* 1. An event an exit interrupted goes in again, first and alone. */
	if (ex->injected) {
		kvm_inject_exception(vcpu);
	} else if (vcpu->arch.nmi_injected) {
		kvm_x86_ops.inject_nmi(vcpu);
	} else if (vcpu->arch.interrupt.injected) {
		kvm_x86_ops.inject_irq(vcpu);
	/* 2. Otherwise the new event of highest priority. */
	} else if (ex->pending) {
		ex->pending = false;
		ex->injected = true;
		kvm_inject_exception(vcpu);
	} else if (vcpu->arch.nmi_pending && kvm_x86_ops.nmi_allowed(vcpu)) {
		--vcpu->arch.nmi_pending;
		vcpu->arch.nmi_injected = true;
		kvm_x86_ops.inject_nmi(vcpu);
	} else if (kvm_cpu_has_injectable_intr(vcpu) && kvm_x86_ops.interrupt_allowed(vcpu)) {
		/* The INTA cycle: the PIC moves the IRQ from IRR to ISR. */
		int irq = kvm_cpu_get_interrupt(vcpu);

		if (irq >= 0) {
			vcpu->arch.interrupt.injected = true;
			vcpu->arch.interrupt.soft = false;
			vcpu->arch.interrupt.nr = irq;
			kvm_x86_ops.inject_irq(vcpu);
		}
	}

	/* 3. What still waits gets a window; an NMI behind an event that
	 *    goes in now gets an exit right after it instead. */
	if (vcpu->arch.nmi_pending) {
		if (kvm_event_needs_reinjection(vcpu))
			kvm_request_immediate_exit(vcpu);
		else
			kvm_x86_ops.enable_nmi_window(vcpu);
	}
	has_intr = kvm_cpu_has_injectable_intr(vcpu);
	if (has_intr || req_int_win)
		kvm_x86_ops.enable_irq_window(vcpu);
}

/** The VMM's irqchip wants to know when the guest can take an interrupt
 *  (kvm_run.request_interrupt_window).  Linux: dm_request_for_irq_injection(). */
static bool dm_request_for_irq_injection(struct kvm_vcpu *vcpu)
{
	return vcpu->run->request_interrupt_window && !irqchip_in_kernel(vcpu->kvm);
}

/** Could KVM_INTERRUPT go in right now: the guest takes interrupts and
 *  nothing is queued or being delivered.
 *  Linux: kvm_vcpu_ready_for_interrupt_injection(). */
static bool kvm_vcpu_ready_for_interrupt_injection(struct kvm_vcpu *vcpu)
{
	return kvm_x86_ops.interrupt_allowed(vcpu) && !kvm_event_needs_reinjection(vcpu) &&
	       !vcpu->arch.exception.pending;
}

/**
 * post_kvm_run_save - what every return from KVM_RUN tells the VMM about
 * interrupts (struct kvm_run): the guest's RFLAGS.IF, CR8, the APIC base
 * (none in chapter 03: 0), and whether KVM_INTERRUPT could go in now
 * (always "yes" with the PIC in the kernel, which the VMM then does not
 * drive).  Linux: post_kvm_run_save().
 */
static void post_kvm_run_save(struct kvm_vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;

	run->if_flag = !!(kvm_x86_ops.get_rflags(vcpu) & X86_EFLAGS_IF);
	run->cr8 = kvm_get_cr8(vcpu);
	run->apic_base = 0;
	run->ready_for_interrupt_injection = irqchip_in_kernel(vcpu->kvm) ||
		kvm_vcpu_ready_for_interrupt_injection(vcpu);
}

/**
 * kvm_vcpu_has_events - would a halted vCPU wake: an exception queued
 * for delivery, an NMI just sent or one it can take, an interrupt it can
 * take (HLT with RFLAGS.IF = 0 sleeps through interrupts, as on
 * hardware).  An exception
 * marked injected (one whose delivery an exit cut short, or one a VMM
 * wrote with KVM_SET_VCPU_EVENTS) wakes no one: it goes in with the next
 * entry, whenever the vCPU runs again, as on KVM.  (kvm-fuzz --diff found
 * minikvm running a halted vCPU for it, 2026-12-05.)
 * Linux: kvm_vcpu_has_events() (kvm_is_exception_pending()).
 */
static bool kvm_vcpu_has_events(struct kvm_vcpu *vcpu)
{
	if (vcpu->arch.exception.pending)
		return true;
	/*
	 * An NMI sent since the vCPU last looked (KVM_REQ_NMI, still set while
	 * the vCPU sleeps) wakes it even while NMIs are blocked; one folded
	 * into the queue waits for the guest to unblock NMIs.  So a halted
	 * guest in its NMI handler sees its HLT end once when another NMI
	 * arrives.  KVM wakes for the request too, and a guest sees the
	 * difference: we follow KVM, where a CPU would stay halted.  (kvm-fuzz
	 * --diff, 2026-12-05: kvm's vCPU ran and minikvm's slept.)
	 */
	if (kvm_test_request(KVM_REQ_NMI, vcpu) ||
	    (vcpu->arch.nmi_pending && kvm_x86_ops.nmi_allowed(vcpu)))
		return true;
	return kvm_cpu_has_injectable_intr(vcpu) && kvm_x86_ops.interrupt_allowed(vcpu);
}

/** May the vCPU run, or must it keep sleeping in kvm_vcpu_block()?
 *  Linux: kvm_arch_vcpu_runnable(). */
bool kvm_arch_vcpu_runnable(struct kvm_vcpu *vcpu)
{
	return vcpu->arch.mp_state == KVM_MP_STATE_RUNNABLE || kvm_vcpu_has_events(vcpu);
}

/**
 * vcpu_block - the vCPU executed HLT: sleep until it has something to do
 * (kvm_vcpu_kick() wakes us) or a signal is pending.  Returns 1, to go
 * round the run loop again, which checks for signals.
 * Linux: vcpu_block().
 */
static int vcpu_block(struct kvm_vcpu *vcpu)
{
	kvm_vcpu_block(vcpu);
	if (kvm_arch_vcpu_runnable(vcpu))
		vcpu->arch.mp_state = KVM_MP_STATE_RUNNABLE;
	return 1;
}

/**
 * KVM_GET_VCPU_EVENTS: the event queue as KVM's struct kvm_vcpu_events,
 * so that a VMM can save it (migration, snapshots).  Without
 * KVM_CAP_EXCEPTION_PAYLOAD a pending exception is reported as injected,
 * as KVM does for compatibility.  Linux: kvm_vcpu_ioctl_x86_get_vcpu_events().
 */
static void kvm_vcpu_ioctl_x86_get_vcpu_events(struct kvm_vcpu *vcpu,
					       struct kvm_vcpu_events *events)
{
	struct kvm_queued_exception *ex = &vcpu->arch.exception;

	process_nmi(vcpu);
	memset(events, 0, sizeof(*events));
	events->exception.injected = ex->injected || ex->pending;
	events->exception.nr = ex->vector;
	events->exception.has_error_code = ex->has_error_code;
	events->exception.error_code = ex->error_code;
	events->interrupt.injected = vcpu->arch.interrupt.injected && !vcpu->arch.interrupt.soft;
	events->interrupt.nr = vcpu->arch.interrupt.nr;
	events->interrupt.shadow = kvm_x86_ops.get_interrupt_shadow(vcpu);
	events->nmi.injected = vcpu->arch.nmi_injected;
	events->nmi.pending = vcpu->arch.nmi_pending != 0;
	events->nmi.masked = kvm_x86_ops.get_nmi_mask(vcpu);
	events->flags = KVM_VCPUEVENT_VALID_NMI_PENDING | KVM_VCPUEVENT_VALID_SHADOW |
			KVM_VCPUEVENT_VALID_SMM;
}

/**
 * KVM_SET_VCPU_EVENTS: put a saved event queue back.  The checks are
 * KVM's: unknown flags, an exception vector above 31 or the NMI vector,
 * and a payload (KVM_CAP_EXCEPTION_PAYLOAD is not offered) are -EINVAL;
 * so is entering SMM, which minikvm does not emulate.
 * Linux: kvm_vcpu_ioctl_x86_set_vcpu_events().
 */
static int kvm_vcpu_ioctl_x86_set_vcpu_events(struct kvm_vcpu *vcpu,
					      struct kvm_vcpu_events *events)
{
	struct kvm_queued_exception *ex = &vcpu->arch.exception;

	if (events->flags & ~(KVM_VCPUEVENT_VALID_NMI_PENDING | KVM_VCPUEVENT_VALID_SIPI_VECTOR |
			      KVM_VCPUEVENT_VALID_SHADOW | KVM_VCPUEVENT_VALID_SMM |
			      KVM_VCPUEVENT_VALID_PAYLOAD | KVM_VCPUEVENT_VALID_TRIPLE_FAULT))
		return -EINVAL;
	if (events->flags & (KVM_VCPUEVENT_VALID_PAYLOAD | KVM_VCPUEVENT_VALID_TRIPLE_FAULT))
		return -EINVAL;
	if (events->exception.injected &&
	    (events->exception.nr > 31 || events->exception.nr == NMI_VECTOR))
		return -EINVAL;
	if ((events->flags & KVM_VCPUEVENT_VALID_SMM) && (events->smi.smm || events->smi.pending))
		return -EINVAL;

	process_nmi(vcpu);
	ex->injected = events->exception.injected;
	ex->pending = false;
	ex->vector = events->exception.nr;
	ex->has_error_code = events->exception.has_error_code;
	ex->error_code = events->exception.error_code;
	vcpu->arch.interrupt.injected = events->interrupt.injected;
	vcpu->arch.interrupt.nr = events->interrupt.nr;
	vcpu->arch.interrupt.soft = events->interrupt.soft;
	if (events->flags & KVM_VCPUEVENT_VALID_SHADOW)
		kvm_x86_ops.set_interrupt_shadow(vcpu, events->interrupt.shadow);
	vcpu->arch.nmi_injected = events->nmi.injected;
	if (events->flags & KVM_VCPUEVENT_VALID_NMI_PENDING)
		vcpu->arch.nmi_pending = events->nmi.pending;
	kvm_x86_ops.set_nmi_mask(vcpu, events->nmi.masked);
	kvm_make_request(KVM_REQ_EVENT, vcpu);
	return 0;
}

/** Devices in the kernel (the PIC's ports, ...) answer a port access
 *  before userspace sees it; 0 when one did.  Linux: kernel_pio(). */
static int kernel_pio(struct kvm_vcpu *vcpu, int size, unsigned short port, int in,
		      void *data)
{
	if (in)
		return kvm_io_bus_read(vcpu, KVM_PIO_BUS, port, size, data);
	return kvm_io_bus_write(vcpu, KVM_PIO_BUS, port, size, data);
}

/* ---------------------------------------------------------------------- */
/* ioctls                                                                   */
/* ---------------------------------------------------------------------- */

/** System ioctls not in kvm_main.c.  Linux: kvm_arch_dev_ioctl(). */
long kvm_arch_dev_ioctl(struct file *filp, unsigned int ioctl, unsigned long arg)
{
	switch (ioctl) {
	case KVM_GET_SUPPORTED_CPUID:
		return kvm_dev_ioctl_get_cpuid((void __user *)arg);
	default:
		return -EINVAL;
	}
}

/** VM ioctls not in kvm_main.c.  Linux: kvm_arch_vm_ioctl(). */
long kvm_arch_vm_ioctl(struct file *filp, unsigned int ioctl, unsigned long arg)
{
	struct kvm *kvm = filp->private_data;

	switch (ioctl) {
	case KVM_SET_TSS_ADDR:
		/* Intel CPUs without unrestricted guest need three pages
		 * there to fake real mode.  Ours require unrestricted guest,
		 * so the address is only checked and kept.  KVM refuses an
		 * address whose three pages would wrap past 4G. */
		if (arg > 0xffffffffUL - 3 * PAGE_SIZE)
			return -EINVAL;
		kvm->arch.tss_addr = arg;
		return 0;
	default:
		/* KVM_CREATE_IRQCHIP, KVM_IRQ_LINE, ...: irq.c. */
		return kvm_vm_ioctl_irqchip(kvm, ioctl, (void __user *)arg);
	}
}

/** vCPU ioctls other than KVM_RUN.  Linux: kvm_arch_vcpu_ioctl(). */
long kvm_arch_vcpu_ioctl(struct file *filp, unsigned int ioctl, unsigned long arg)
{
	struct kvm_vcpu *vcpu = filp->private_data;
	void __user *argp = (void __user *)arg;

	switch (ioctl) {
	case KVM_GET_REGS: {
		struct kvm_regs regs;

		get_regs(vcpu, &regs);
		return copy_to_user(argp, &regs, sizeof(regs)) ? -EFAULT : 0;
	}
	case KVM_SET_REGS: {
		struct kvm_regs regs;

		if (copy_from_user(&regs, argp, sizeof(regs)))
			return -EFAULT;
		set_regs(vcpu, &regs);
		return 0;
	}
	case KVM_GET_SREGS: {
		struct kvm_sregs sregs;

		get_sregs(vcpu, &sregs);
		return copy_to_user(argp, &sregs, sizeof(sregs)) ? -EFAULT : 0;
	}
	case KVM_SET_SREGS: {
		struct kvm_sregs sregs;

		if (copy_from_user(&sregs, argp, sizeof(sregs)))
			return -EFAULT;
		return set_sregs(vcpu, &sregs);
	}
	case KVM_SET_CPUID2:
		return kvm_vcpu_ioctl_set_cpuid2(vcpu, argp);
	case KVM_INTERRUPT: {
		struct kvm_interrupt irq;

		if (copy_from_user(&irq, argp, sizeof(irq)))
			return -EFAULT;
		return kvm_vcpu_ioctl_interrupt(vcpu, &irq);
	}
	case KVM_NMI:
		kvm_inject_nmi(vcpu);
		return 0;
	case KVM_GET_VCPU_EVENTS: {
		struct kvm_vcpu_events events;

		kvm_vcpu_ioctl_x86_get_vcpu_events(vcpu, &events);
		return copy_to_user(argp, &events, sizeof(events)) ? -EFAULT : 0;
	}
	case KVM_SET_VCPU_EVENTS: {
		struct kvm_vcpu_events events;

		if (copy_from_user(&events, argp, sizeof(events)))
			return -EFAULT;
		return kvm_vcpu_ioctl_x86_set_vcpu_events(vcpu, &events);
	}
	case KVM_GET_MP_STATE: {
		struct kvm_mp_state mp;

		mp.mp_state = vcpu->arch.mp_state;
		return copy_to_user(argp, &mp, sizeof(mp)) ? -EFAULT : 0;
	}
	case KVM_SET_MP_STATE: {
		struct kvm_mp_state mp;

		if (copy_from_user(&mp, argp, sizeof(mp)))
			return -EFAULT;
		/* Without a local APIC there is no INIT/SIPI: a vCPU runs
		 * or halts, and only an in-kernel irqchip can wake a halted
		 * one.  Linux: kvm_arch_vcpu_ioctl_set_mpstate(). */
		if (mp.mp_state != KVM_MP_STATE_RUNNABLE &&
		    (mp.mp_state != KVM_MP_STATE_HALTED || !irqchip_in_kernel(vcpu->kvm)))
			return -EINVAL;
		vcpu->arch.mp_state = mp.mp_state;
		kvm_make_request(KVM_REQ_EVENT, vcpu);
		return 0;
	}
	default:
		return -EINVAL;
	}
}

/* ---------------------------------------------------------------------- */
/* Exit handlers shared by both vendors                                     */
/* ---------------------------------------------------------------------- */

/** Step the guest's RIP over the instruction that exited (the vendor
 *  knows its length).  Returns 1: go on running the guest.
 *  Linux: kvm_skip_emulated_instruction(). */
int kvm_skip_emulated_instruction(struct kvm_vcpu *vcpu)
{
	return kvm_x86_ops.skip_emulated_instruction(vcpu);
}
EXPORT_SYMBOL_GPL(kvm_skip_emulated_instruction);

/**
 * kvm_emulate_halt - HLT.  With the interrupt controllers in the kernel,
 * the interrupt that ends the halt comes from the kernel too: the vCPU
 * sleeps there (vcpu_block()) instead of exiting.  Without them only
 * userspace could wake it, so userspace gets the exit (KVM_EXIT_HLT).
 * Either way RIP is past the HLT, as the CPU leaves it when an interrupt
 * wakes it (Intel SDM Vol. 2A, HLT).
 * Linux: kvm_emulate_halt() -> __kvm_emulate_halt().
 */
int kvm_emulate_halt(struct kvm_vcpu *vcpu)
{
	kvm_skip_emulated_instruction(vcpu);
	if (irqchip_in_kernel(vcpu->kvm)) {
		vcpu->arch.mp_state = KVM_MP_STATE_HALTED;
		return 1;
	}
	vcpu->run->exit_reason = KVM_EXIT_HLT;
	return 0;
}
EXPORT_SYMBOL_GPL(kvm_emulate_halt);

/**
 * kvm_emulate_hypercall - VMCALL / VMMCALL.  The number is in RAX; KVM's
 * hypercalls (kvm_para.h) are not implemented, so every number gets
 * -KVM_ENOSYS, and one from CPL > 0 gets -KVM_EPERM, as from KVM.
 * Outside 64-bit mode only the low 32 bits of the result are written.
 * Linux: kvm_emulate_hypercall().
 */
int kvm_emulate_hypercall(struct kvm_vcpu *vcpu)
{
	/* EXERCISE 01.2 BEGIN: answer VMCALL/VMMCALL as KVM does */
	struct kvm_segment ss, cs;
	unsigned long ret = -KVM_ENOSYS;

	kvm_x86_ops.get_segment(vcpu, &ss, VCPU_SREG_SS);
	kvm_x86_ops.get_segment(vcpu, &cs, VCPU_SREG_CS);
	/* CPL is SS.DPL (Intel SDM Vol. 3A, 5.5); real mode is CPL 0. */
	if ((vcpu->arch.cr0 & X86_CR0_PE) && ss.dpl != 0)
		ret = -KVM_EPERM;
	if (!(is_long_mode(vcpu) && cs.l))
		ret = (u32)ret;
	kvm_register_write(vcpu, VCPU_REGS_RAX, ret);
	return kvm_skip_emulated_instruction(vcpu);
	/* EXERCISE 01.2 STUB: return -EOPNOTSUPP; */
	/* EXERCISE END */
}
EXPORT_SYMBOL_GPL(kvm_emulate_hypercall);

/** IN finishes on the next KVM_RUN, once the VMM has put the data in the
 * PIO page: copy it into AL/AX/EAX, then step over the instruction.
 * Linux: complete_fast_pio_in(). */
static int complete_fast_pio_in(struct kvm_vcpu *vcpu)
{
	/* EXERCISE 01.3 BEGIN: finish an IN: the VMM's data into AL/AX/EAX */
	unsigned long rax = kvm_register_read(vcpu, VCPU_REGS_RAX);
	u32 val = 0;

	memcpy(&val, vcpu->arch.pio_data, vcpu->arch.pio.size);
	switch (vcpu->arch.pio.size) {
	case 1: rax = (rax & ~0xffUL) | (u8)val; break;
	case 2: rax = (rax & ~0xffffUL) | (u16)val; break;
	/* A 32-bit register write clears bits 63:32 (Intel SDM Vol. 1, 3.4.1.1). */
	case 4: rax = val; break;
	}
	kvm_register_write(vcpu, VCPU_REGS_RAX, rax);
	return kvm_skip_emulated_instruction(vcpu);
	/* EXERCISE 01.3 STUB: return -EOPNOTSUPP; */
	/* EXERCISE END */
}

/** OUT finishes on the next KVM_RUN too: only then does RIP move past
 * the instruction, so a VMM that reads the registers at the exit sees
 * the OUT itself, as with KVM.  Linux: complete_fast_pio_out(). */
static int complete_fast_pio_out(struct kvm_vcpu *vcpu)
{
	return kvm_skip_emulated_instruction(vcpu);
}

/**
 * prepare_emulation_failure_exit - stop the guest with
 * KVM_EXIT_INTERNAL_ERROR, sub-error KVM_INTERNAL_ERROR_EMULATION, in
 * KVM's layout for it (struct kvm_run's emulation_failure): the flags
 * word; then, if @len bytes of the instruction were read (at most 15
 * are kept), their count and the bytes; then @ndata words of @data, the
 * hypervisor's own debugging aids, which <linux/kvm.h> lets it append.
 * Linux: prepare_emulation_failure_exit().
 */
void prepare_emulation_failure_exit(struct kvm_vcpu *vcpu, const u8 *insn, int len,
				    const u64 *data, int ndata)
{
	struct kvm_run *run = vcpu->run;
	int n = min_t(int, len, sizeof(run->emulation_failure.insn_bytes));
	int first = 1;		/* the first word after the ABI's */

	run->exit_reason = KVM_EXIT_INTERNAL_ERROR;
	memset(&run->emulation_failure, 0, sizeof(run->emulation_failure));
	run->emulation_failure.suberror = KVM_INTERNAL_ERROR_EMULATION;
	if (n > 0) {
		run->emulation_failure.flags = KVM_INTERNAL_ERROR_EMULATION_FLAG_INSTRUCTION_BYTES;
		run->emulation_failure.insn_size = n;
		memcpy(run->emulation_failure.insn_bytes, insn, n);
		first = 3;
	}
	if (ndata)
		memcpy(&run->internal.data[first], data, ndata * sizeof(*data));
	run->emulation_failure.ndata = first + ndata;
}

/** kvm_run for the port access in vcpu->arch.pio: KVM_EXIT_IO, its data
 *  in the run page's second page (KVM_PIO_PAGE_OFFSET), where an IN's
 *  answer comes back too. */
static void prepare_pio_exit(struct kvm_vcpu *vcpu)
{
	struct kvm_pio_request *pio = &vcpu->arch.pio;
	struct kvm_run *run = vcpu->run;

	run->exit_reason = KVM_EXIT_IO;
	run->io.direction = pio->in ? KVM_EXIT_IO_IN : KVM_EXIT_IO_OUT;
	run->io.size = pio->size;
	run->io.port = pio->port;
	run->io.count = pio->count;
	run->io.data_offset = KVM_PIO_PAGE_OFFSET * PAGE_SIZE;
}

/**
 * kvm_fast_pio - a non-string IN or OUT of 1, 2 or 4 bytes.  A device on
 * the kernel's I/O bus (the PIC) serves it on the spot; anything else
 * exits to userspace (KVM_EXIT_IO).  Those complete on the next KVM_RUN,
 * when the VMM has served the access: an IN gets its data then, and RIP
 * moves on then.
 * Linux: kvm_fast_pio().
 */
int kvm_fast_pio(struct kvm_vcpu *vcpu, int size, unsigned short port, int in)
{
	unsigned long rax = kvm_register_read(vcpu, VCPU_REGS_RAX);

	if (in) {
		u32 val = 0;

		if (!kernel_pio(vcpu, size, port, 1, &val)) {
			memcpy(vcpu->arch.pio_data, &val, size);
			vcpu->arch.pio.size = size;
			return complete_fast_pio_in(vcpu);
		}
	} else if (!kernel_pio(vcpu, size, port, 0, &rax)) {
		return kvm_skip_emulated_instruction(vcpu);
	}
	vcpu->arch.pio = (struct kvm_pio_request) {
		.port = port, .in = in, .size = size, .count = 1,
	};
	prepare_pio_exit(vcpu);

	if (in) {
		vcpu->arch.complete_userspace_io = complete_fast_pio_in;
		return 0;
	}
	memcpy(vcpu->arch.pio_data, &rax, size);
	vcpu->arch.complete_userspace_io = complete_fast_pio_out;
	return 0;
}
EXPORT_SYMBOL_GPL(kvm_fast_pio);

/**
 * kvm_handle_invalid_op - an instruction the guest may not use here
 * (VMX/SVM instructions, ...): #UD, as the CPUID we show says they do not
 * exist.  Linux: kvm_handle_invalid_op().
 */
int kvm_handle_invalid_op(struct kvm_vcpu *vcpu)
{
	kvm_queue_exception(vcpu, UD_VECTOR);
	return 1;
}
EXPORT_SYMBOL_GPL(kvm_handle_invalid_op);

/*
 * MSRs.  A guest may touch EFER and the MSRs a 64-bit kernel sets up at
 * boot: the SYSCALL and SYSENTER entry points, FS/GS base and
 * KERNEL_GS_BASE.  The vendor keeps most of them (in the VMCS/VMCB, or
 * loaded into the CPU around the run); every other MSR raises #GP, as an
 * MSR does that a CPU lacks.  Linux: kvm_get_msr_common() /
 * kvm_set_msr_common(), which know a few hundred.
 */

/** The guest's address width: 57 bits with 5-level paging, else 48.
 *  Linux: vcpu_virt_addr_bits(). */
static u8 vcpu_virt_addr_bits(struct kvm_vcpu *vcpu)
{
	return (vcpu->arch.cr4 & X86_CR4_LA57) ? 57 : 48;
}

/** Not a canonical address for this guest (SDM Vol. 1, 3.3.7.1)?
 *  Linux: is_noncanonical_address(). */
static bool is_noncanonical_address(u64 la, struct kvm_vcpu *vcpu)
{
	return !__is_canonical_address(la, vcpu_virt_addr_bits(vcpu));
}

/** RDMSR of an MSR no vendor keeps.  0 on success, 1 for #GP.
 *  Linux: kvm_get_msr_common(). */
int kvm_get_msr_common(struct kvm_vcpu *vcpu, struct msr_data *msr_info)
{
	u64 *data = &msr_info->data;

	switch (msr_info->index) {
	case MSR_EFER:
		*data = vcpu->arch.efer;
		return 0;
	default:
		return 1;
	}
}
EXPORT_SYMBOL_GPL(kvm_get_msr_common);

/** WRMSR of an MSR no vendor keeps.  0 on success, 1 for #GP.
 *  Linux: kvm_set_msr_common(). */
int kvm_set_msr_common(struct kvm_vcpu *vcpu, struct msr_data *msr_info)
{
	u64 data = msr_info->data;

	switch (msr_info->index) {
	case MSR_EFER:
		/* Only SCE, LME and NX exist for our guests.  LMA is the CPU's
		 * to set, when paging turns on: a guest may write back what it
		 * read (read-modify-write), but its LMA bit is ignored. */
		if (data & ~(u64)(EFER_SCE | EFER_LME | EFER_LMA | EFER_NX))
			return 1;
		kvm_x86_ops.set_efer(vcpu, (data & ~(u64)EFER_LMA) |
				     (vcpu->arch.efer & EFER_LMA));
		return 0;
	default:
		return 1;
	}
}
EXPORT_SYMBOL_GPL(kvm_set_msr_common);

/**
 * __kvm_set_msr - the checks every WRMSR gets before the vendor sees it.
 * An address MSR must hold a canonical address: the guest gets #GP, as
 * from a CPU, and the host never tries to load such a value itself (its
 * WRMSR would fault).  SYSENTER_EIP/ESP are made canonical instead
 * (KVM does the same, so that the VM entry's checks never fail on them;
 * CPUs differ: Intel raises #GP, AMD ignores the upper half).
 * Linux: __kvm_set_msr().
 */
static int __kvm_set_msr(struct kvm_vcpu *vcpu, u32 index, u64 data, bool host_initiated)
{
	struct msr_data msr = { .index = index, .data = data };

	switch (index) {
	case MSR_FS_BASE:
	case MSR_GS_BASE:
	case MSR_KERNEL_GS_BASE:
	case MSR_CSTAR:
	case MSR_LSTAR:
		if (is_noncanonical_address(data, vcpu))
			return 1;
		break;
	case MSR_IA32_SYSENTER_EIP:
	case MSR_IA32_SYSENTER_ESP:
		msr.data = __canonical_address(data, vcpu_virt_addr_bits(vcpu));
		break;
	}
	return kvm_x86_ops.set_msr(vcpu, &msr);
}

/** Read an MSR for the guest or the VMM.  Linux: __kvm_get_msr(). */
static int __kvm_get_msr(struct kvm_vcpu *vcpu, u32 index, u64 *data, bool host_initiated)
{
	struct msr_data msr = { .index = index };
	int r;

	r = kvm_x86_ops.get_msr(vcpu, &msr);
	if (!r)
		*data = msr.data;
	return r;
}

/** RDMSR: ECX names the MSR, the value goes to EDX:EAX.  Linux: kvm_emulate_rdmsr(). */
int kvm_emulate_rdmsr(struct kvm_vcpu *vcpu)
{
	u32 msr = kvm_register_read(vcpu, VCPU_REGS_RCX);
	u64 data;

	if (__kvm_get_msr(vcpu, msr, &data, false)) {
		kvm_queue_exception_e(vcpu, GP_VECTOR, 0);
		return 1;
	}
	kvm_register_write(vcpu, VCPU_REGS_RAX, (u32)data);
	kvm_register_write(vcpu, VCPU_REGS_RDX, data >> 32);
	return kvm_skip_emulated_instruction(vcpu);
}
EXPORT_SYMBOL_GPL(kvm_emulate_rdmsr);

/** WRMSR: EDX:EAX into the MSR ECX names.  Linux: kvm_emulate_wrmsr(). */
int kvm_emulate_wrmsr(struct kvm_vcpu *vcpu)
{
	u32 msr = kvm_register_read(vcpu, VCPU_REGS_RCX);
	u64 data = (u32)kvm_register_read(vcpu, VCPU_REGS_RAX) |
		   ((u64)(u32)kvm_register_read(vcpu, VCPU_REGS_RDX) << 32);

	if (__kvm_set_msr(vcpu, msr, data, false)) {
		kvm_queue_exception_e(vcpu, GP_VECTOR, 0);
		return 1;
	}
	return kvm_skip_emulated_instruction(vcpu);
}
EXPORT_SYMBOL_GPL(kvm_emulate_wrmsr);

/**
 * kvm_emulate_rdpmc - RDPMC.  Both vendors intercept it: without the
 * intercept the guest would read the host's performance counters.  We
 * give the guest no virtual PMU (CPUID leaf 0xA says none), so every
 * counter index is invalid and the guest gets #GP, as from KVM without a
 * vPMU.  Linux: kvm_emulate_rdpmc().
 */
int kvm_emulate_rdpmc(struct kvm_vcpu *vcpu)
{
	kvm_queue_exception_e(vcpu, GP_VECTOR, 0);
	return 1;
}
EXPORT_SYMBOL_GPL(kvm_emulate_rdpmc);

/**
 * kvm_unexpected_exit - an exit this chapter has no handler for: stop the
 * guest with KVM_EXIT_INTERNAL_ERROR, never guess.
 * Linux: kvm_prepare_emulation_failure_exit() / the
 * KVM_INTERNAL_ERROR_UNEXPECTED_EXIT_REASON path of the vendors.
 */
int kvm_unexpected_exit(struct kvm_vcpu *vcpu, u64 exit_reason)
{
	struct kvm_run *run = vcpu->run;

	pr_warn_ratelimited("minikvm: vcpu %d: unexpected exit reason 0x%llx at rip 0x%lx\n",
			    vcpu->vcpu_id, exit_reason, kvm_rip_read(vcpu));
	run->exit_reason = KVM_EXIT_INTERNAL_ERROR;
	run->internal.suberror = KVM_INTERNAL_ERROR_UNEXPECTED_EXIT_REASON;
	run->internal.ndata = 2;
	run->internal.data[0] = exit_reason;
	run->internal.data[1] = vcpu->cpu;
	return 0;
}
EXPORT_SYMBOL_GPL(kvm_unexpected_exit);

/** The hardware refused to enter the guest.  Linux: the vendors' FAIL_ENTRY paths. */
void kvm_prepare_fail_entry(struct kvm_vcpu *vcpu, u64 hardware_reason)
{
	vcpu->run->exit_reason = KVM_EXIT_FAIL_ENTRY;
	vcpu->run->fail_entry.hardware_entry_failure_reason = hardware_reason;
	vcpu->run->fail_entry.cpu = vcpu->cpu;
}
EXPORT_SYMBOL_GPL(kvm_prepare_fail_entry);

/* ---------------------------------------------------------------------- */
/* Watching exits: the kvm_exit tracepoint and the per-VM exit counters     */
/* ---------------------------------------------------------------------- */

/**
 * kvm_account_exit - the guest has just exited: ask the vendor why, fire
 * the kvm_exit tracepoint (trace.h), and count the exit for debugfs
 * minikvm/<pid>-<fd>/exits.  Only the vCPU's own thread writes its
 * counters; readers take a slot once its count is non-zero.
 * Linux: trace_kvm_exit() in the vendors' run functions, and
 * ++vcpu->stat.exits in vcpu_enter_guest().
 */
static void kvm_account_exit(struct kvm_vcpu *vcpu)
{
	struct kvm_exit_stat *s;
	u64 info1, info2;
	u32 reason;

	/* The exit information costs VMREADs on VMX: only the tracepoint
	 * needs it, and only when someone has turned it on. */
	if (trace_kvm_exit_enabled()) {
		kvm_x86_ops.get_exit_info(vcpu, &reason, &info1, &info2);
		trace_kvm_exit(vcpu, kvm_x86_ops.isa, reason, info1, info2);
	} else {
		kvm_x86_ops.get_exit_info(vcpu, &reason, NULL, NULL);
	}
	for (s = vcpu->stat_exit_reasons; s < vcpu->stat_exit_reasons + KVM_EXIT_STAT_SLOTS; s++) {
		if (!s->count) {
			s->reason = reason;
			smp_store_release(&s->count, 1);	/* reason first */
			break;
		}
		if (s->reason == reason) {
			WRITE_ONCE(s->count, s->count + 1);
			break;
		}
	}
	/* The total last: a reader that reads it first never finds more
	 * exits in it than in the slots, unless some found no slot. */
	smp_store_release(&vcpu->stat_exits, vcpu->stat_exits + 1);
}

/** The name of an exit reason of the loaded vendor, or NULL.  The same
 *  tables as the kvm_exit tracepoint's (trace.h). */
static const char *kvm_exit_reason_name(u32 reason)
{
	static const struct trace_print_flags svm_names[] = { MINIKVM_SVM_EXIT_REASONS };
	static const struct trace_print_flags vmx_names[] = { MINIKVM_VMX_EXIT_REASONS };
	const struct trace_print_flags *t = svm_names;
	size_t i, n = ARRAY_SIZE(svm_names);

	if (kvm_x86_ops.isa == KVM_ISA_VMX) {
		reason &= VMX_EXIT_BASIC_MASK;
		t = vmx_names;
		n = ARRAY_SIZE(vmx_names);
	}
	for (i = 0; i < n; i++)
		if (t[i].mask == reason)
			return t[i].name;
	return NULL;
}

/**
 * exits_show - debugfs minikvm/<pid>-<fd>/exits: one line per exit
 * reason, "NAME count" summed over the VM's vCPUs in the order they were
 * first seen, then "total".  A reason without a name is shown as its
 * code.  Linux has per-VM stat files in debugfs too (kvm/<pid>-<fd>/exits
 * counts all exits); the split by reason is ours, for the lesson.
 */
static int exits_show(struct seq_file *m, void *unused)
{
	struct kvm *kvm = m->private;
	u64 total = 0, named = 0;
	int v, i, w, j;

	mutex_lock(&kvm->lock);		/* vcpus[] does not change under us */
	for (v = 0; v < kvm->created_vcpus; v++) {
		struct kvm_exit_stat *s = kvm->vcpus[v]->stat_exit_reasons;

		total += smp_load_acquire(&kvm->vcpus[v]->stat_exits);
		for (i = 0; i < KVM_EXIT_STAT_SLOTS && smp_load_acquire(&s[i].count); i++) {
			u32 reason = s[i].reason;
			const char *name;
			bool seen = false;
			u64 n = 0;

			/* Printed already, from an earlier vCPU or slot? */
			for (w = 0; w <= v && !seen; w++)
				for (j = 0; j < (w < v ? KVM_EXIT_STAT_SLOTS : i); j++)
					if (READ_ONCE(kvm->vcpus[w]->stat_exit_reasons[j].count) &&
					    kvm->vcpus[w]->stat_exit_reasons[j].reason == reason) {
						seen = true;
						break;
					}
			if (seen)
				continue;
			for (w = v; w < kvm->created_vcpus; w++)
				for (j = 0; j < KVM_EXIT_STAT_SLOTS; j++)
					if (READ_ONCE(kvm->vcpus[w]->stat_exit_reasons[j].count) &&
					    kvm->vcpus[w]->stat_exit_reasons[j].reason == reason)
						n += READ_ONCE(kvm->vcpus[w]->stat_exit_reasons[j].count);
			named += n;
			name = kvm_exit_reason_name(reason);
			if (name)
				seq_printf(m, "%-20s %llu\n", name, n);
			else
				seq_printf(m, "0x%-18x %llu\n", reason, n);
		}
	}
	mutex_unlock(&kvm->lock);
	if (total > named)	/* reasons beyond KVM_EXIT_STAT_SLOTS */
		seq_printf(m, "%-20s %llu\n", "other", total - named);
	seq_printf(m, "%-20s %llu\n", "total", total);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(exits);

/** The x86 files of a VM's debugfs directory (kvm_main.c made it).
 *  Linux: kvm_arch_create_vm_debugfs() in arch/x86/kvm/debugfs.c. */
void kvm_arch_create_vm_debugfs(struct kvm *kvm)
{
	debugfs_create_file("exits", 0444, kvm->debugfs_dentry, kvm, &exits_fops);
}

/* ---------------------------------------------------------------------- */
/* The run loop                                                             */
/* ---------------------------------------------------------------------- */

/**
 * kvm_load_guest_debug_regs - the guest owns the debug registers until the
 * next exit (it touched one, and the vendor stopped intercepting): load
 * its DR0-DR3.  DR7 goes to 0 first, so that none of the host's
 * breakpoints fires on the guest's addresses in between; the VM entry
 * then loads the guest's DR7.  Interrupts are off.
 * Linux: the switch_db_regs lines of vcpu_enter_guest().
 */
void kvm_load_guest_debug_regs(struct kvm_vcpu *vcpu)
{
	set_debugreg(0UL, 7);
	set_debugreg(vcpu->arch.db[0], 0);
	set_debugreg(vcpu->arch.db[1], 1);
	set_debugreg(vcpu->arch.db[2], 2);
	set_debugreg(vcpu->arch.db[3], 3);
}
EXPORT_SYMBOL_GPL(kvm_load_guest_debug_regs);

/**
 * kvm_load_guest_pkru - PKRU is neither switched by VM entry nor by the FPU
 * swap of KVM_RUN: load the guest's, if it uses protection keys
 * (CR4.PKE) and it differs.  Linux: kvm_load_guest_xsave_state().
 */
static void kvm_load_guest_pkru(struct kvm_vcpu *vcpu)
{
	if (cpu_feature_enabled(X86_FEATURE_OSPKE) &&
	    (vcpu->arch.cr4 & X86_CR4_PKE) &&
	    vcpu->arch.pkru != vcpu->arch.host_pkru)
		wrpkru(vcpu->arch.pkru);
}

/**
 * kvm_load_host_pkru - after the exit: keep the guest's PKRU and give the
 * VMM thread its own back, or a guest WRPKRU (or XRSTOR) would decide
 * which pages the VMM may touch.  Linux: kvm_load_host_xsave_state().
 */
static void kvm_load_host_pkru(struct kvm_vcpu *vcpu)
{
	u32 pkru;

	if (!cpu_feature_enabled(X86_FEATURE_OSPKE))
		return;
	pkru = rdpkru();
	if (vcpu->arch.cr4 & X86_CR4_PKE)
		vcpu->arch.pkru = pkru;
	if (pkru != vcpu->arch.host_pkru)
		wrpkru(vcpu->arch.host_pkru);
}

/**
 * One VM entry and exit.  Returns > 0 to go round again, 0 to return to
 * userspace with run->exit_reason set, < 0 for an error.
 * Linux: vcpu_enter_guest().
 */
static int vcpu_enter_guest(struct kvm_vcpu *vcpu)
{
	bool req_int_win = dm_request_for_irq_injection(vcpu);
	bool req_event = req_int_win;

	if (READ_ONCE(vcpu->requests)) {	/* most entries have none */
		if (kvm_check_request(KVM_REQ_TRIPLE_FAULT, vcpu)) {
			vcpu->run->exit_reason = KVM_EXIT_SHUTDOWN;
			return 0;
		}
		if (kvm_check_request(KVM_REQ_TLB_FLUSH, vcpu))
			kvm_x86_ops.flush_tlb(vcpu);
		if (kvm_check_request(KVM_REQ_EVENT, vcpu))
			req_event = true;
		/* the NMIs it announced are folded in with the events */
		if (kvm_check_request(KVM_REQ_NMI, vcpu))
			req_event = true;
	}

	local_irq_disable();

	/* The guest's FPU registers are live from KVM_RUN's start, but a
	 * preemption or a kernel_fpu_begin() since then may have saved them
	 * away: load them back.  Linux: the same lines in vcpu_enter_guest(). */
	if (test_thread_flag(TIF_NEED_FPU_LOAD))
		switch_fpu_return();

	/* Pairs with kvm_make_all_cpus_request(): mode first, then requests. */
	WRITE_ONCE(vcpu->mode, IN_GUEST_MODE);
	smp_mb();
	if (READ_ONCE(vcpu->requests) || need_resched() || signal_pending(current)) {
		WRITE_ONCE(vcpu->mode, OUTSIDE_GUEST_MODE);
		local_irq_enable();
		if (req_event)	/* not looked at yet: next time round */
			kvm_make_request(KVM_REQ_EVENT, vcpu);
		return 1;
	}
	/*
	 * The machine is going down and kvm_reboot() has turned VMX/SVM off
	 * on every CPU, or is about to: its IPI reaches this CPU only once
	 * interrupts are on again, so a vCPU that passes this check with them
	 * off still enters and exits before it.  Entering now would fault
	 * (#UD).  KVM instead catches the fault on VMLAUNCH/VMRUN and ignores
	 * it while kvm_rebooting is set (kvm_spurious_fault()).
	 */
	if (unlikely(READ_ONCE(kvm_rebooting))) {
		WRITE_ONCE(vcpu->mode, OUTSIDE_GUEST_MODE);
		local_irq_enable();
		return -EIO;
	}

	/* Past the last point of return: what goes into the VMCS/VMCB now
	 * is delivered by this entry.  An interrupt raised from here on sets
	 * KVM_REQ_EVENT and kicks us out of the guest again. */
	if (req_event)
		kvm_inject_pending_event(vcpu, req_int_win);
	trace_kvm_entry(vcpu);
	vcpu->arch.last_vmentry_cpu = vcpu->cpu;
	/* DR0-DR3 must be the guest's while it owns them, and while its DR7
	 * (in the VMCS/VMCB) arms a breakpoint: after an exit the CPU may
	 * hold the host's or another vCPU's.  Linux: KVM_DEBUGREG_BP_ENABLED. */
	if (unlikely(vcpu->arch.switch_db_regs || (vcpu->arch.dr7 & DR7_BP_EN_MASK)))
		kvm_load_guest_debug_regs(vcpu);
	kvm_load_guest_pkru(vcpu);

	kvm_x86_ops.vcpu_run(vcpu);

	kvm_load_host_pkru(vcpu);
	if (unlikely(vcpu->arch.switch_db_regs))
		kvm_x86_ops.sync_dirty_debug_regs(vcpu);
	/* A VM exit leaves DR7 at 0x400 (SDM 28.5.1) and the guest may have
	 * had DR0-DR3: if this CPU has breakpoints of its own (ptrace,
	 * perf), load them again.  Linux: the same lines in vcpu_enter_guest(). */
	if (hw_breakpoint_active())
		hw_breakpoint_restore();
	kvm_account_exit(vcpu);

	WRITE_ONCE(vcpu->mode, OUTSIDE_GUEST_MODE);
	/* A host interrupt that caused the exit is taken right here. */
	local_irq_enable();

	return kvm_x86_ops.handle_exit(vcpu);
}

/**
 * kvm_arch_vcpu_ioctl_run - KVM_RUN: finish what the last exit left to
 * userspace, then enter the guest until an exit needs userspace, an error
 * happens, or a signal is pending (-EINTR, exit reason KVM_EXIT_INTR, so
 * Ctrl-C and kill work however the guest spins).
 * Linux: kvm_arch_vcpu_ioctl_run() + vcpu_run().
 */
int kvm_arch_vcpu_ioctl_run(struct kvm_vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;
	int r;

	/* Without a controller in the kernel the VMM's irqchip owns the
	 * task priority: kvm_run.cr8 is its say.  Linux: kvm_set_cr8(). */
	if (!irqchip_in_kernel(vcpu->kvm)) {
		if (run->cr8 & ~0xfull) {
			r = -EINVAL;
			goto out;
		}
		vcpu->arch.cr8 = run->cr8;
	}
	if (vcpu->arch.complete_userspace_io) {
		int (*cui)(struct kvm_vcpu *) = vcpu->arch.complete_userspace_io;

		vcpu->arch.complete_userspace_io = NULL;
		r = cui(vcpu);
		if (r <= 0)
			goto out;
	}
	/* The VMM's way to get out without a signal race: it sets this flag
	 * in its signal handler (KVM_CAP_IMMEDIATE_EXIT). */
	if (READ_ONCE(run->immediate_exit)) {
		run->exit_reason = KVM_EXIT_INTR;
		r = -EINTR;
		goto out;
	}

	/*
	 * For the length of KVM_RUN the FPU/SSE/AVX registers hold the guest's
	 * state, the VMM's being saved away: the guest neither sees nor
	 * clobbers anyone else's, and keeps its own across exits.
	 * Linux: kvm_load_guest_fpu() / kvm_put_guest_fpu().
	 */
	fpu_swap_kvm_fpstate(&vcpu->arch.guest_fpu, true);
	/* The VMM thread's PKRU, which each exit restores (kvm_load_host_pkru()). */
	if (cpu_feature_enabled(X86_FEATURE_OSPKE))
		vcpu->arch.host_pkru = rdpkru();
	for (;;) {
		if (signal_pending(current)) {
			run->exit_reason = KVM_EXIT_INTR;
			r = -EINTR;
			break;
		}
		if (vcpu->arch.mp_state == KVM_MP_STATE_RUNNABLE)
			r = vcpu_enter_guest(vcpu);
		else
			r = vcpu_block(vcpu);
		if (r <= 0)
			break;
		/* The VMM's irqchip asked when it can inject: now. */
		if (dm_request_for_irq_injection(vcpu) &&
		    kvm_vcpu_ready_for_interrupt_injection(vcpu)) {
			run->exit_reason = KVM_EXIT_IRQ_WINDOW_OPEN;
			r = 0;
			break;
		}
		cond_resched();
	}
	fpu_swap_kvm_fpstate(&vcpu->arch.guest_fpu, false);
out:
	post_kvm_run_save(vcpu);
	return r;
}
