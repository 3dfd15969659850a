// SPDX-License-Identifier: GPL-2.0
/**
 * @file vmx.c
 * @brief minikvm-intel.ko: Intel VMX with EPT and unrestricted guest.
 *
 * Intel SDM Vol. 3C (order no. 326019), chapters 24-29.  The pieces, in
 * the order a guest meets them:
 *   - capabilities: the VMX MSRs say which controls may or must be set
 *     (Appendix A), which we check once at load;
 *   - VMXON on every CPU (24.7), with CR4.VMXE and the fixed CR0/CR4 bits;
 *   - a VMCS per vCPU, made current with VMPTRLD on the CPU that runs the
 *     vCPU and VMCLEARed before it may be loaded on another (25.1, 25.11);
 *   - controls, host state and guest state written with VMWRITE (vmcs.h);
 *   - VMLAUNCH/VMRESUME and the VM exit (vmenter.S), exit reasons
 *     (Appendix C), one handler each, most of them calling into x86.c.
 * We require EPT and unrestricted guest, so a guest may run in real mode
 * and we never shadow its page tables.
 *
 * Linux: arch/x86/kvm/vmx/vmx.c.
 */
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <asm/debugreg.h>
#include <asm/desc.h>
#include <asm/msr-index.h>
#include <asm/processor.h>
#include <asm/special_insns.h>
#include <asm/tlbflush.h>

#include <minikvm/kvm_host.h>
#include "vmcs.h"

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("minikvm: Intel VMX backend");

/** CPUID.1:ECX bit 5: VMX (SDM Vol. 2A, Table 3-10). */
#define CPUID1_ECX_VMX		BIT(5)
/** Vectors we intercept: #AC, which a guest could otherwise use to trap a
 * CPU in an endless microcode loop (CVE-2015-5307), to reflect it back. */
#define AC_VECTOR		17
/** #DB, the debug exception (SDM Vol. 3A, 6.15): intercepted, see init. */
#define DB_VECTOR	1

/*
 * A readable copy of the VMCS, for the debugger.  The layout of a VMCS in
 * memory is the CPU's secret (SDM 25.2): only VMREAD and VMWRITE reach its
 * fields, and GDB can execute neither.  So each VMREAD and VMWRITE of this
 * file also stores the value here, in the copy of the vCPU whose VMCS is
 * current on this CPU (vmcs_copy_store()), and scripts/gdb/minikvm.py
 * prints it by field name (minikvm-vmcs).  Nothing in the module reads it
 * back.  KVM has no such thing; it offers dump_vmcs() and tracing.
 */
/**
 * Keep struct vmcs_copy up to date?  It costs a few stores on every VMREAD
 * and VMWRITE, so it is off unless asked for: `insmod minikvm-intel.ko
 * vmcs_copy=1` (the benchmark figures in README.md are taken with it off).
 */
static bool vmcs_copy;
module_param(vmcs_copy, bool, 0444);
MODULE_PARM_DESC(vmcs_copy, "keep a copy of every VMCS field read or written, for GDB's minikvm-vmcs (default off)");

/** Slots of struct vmcs_copy: a field encoding squeezed into 9 bits. */
#define VMCS_COPY_SLOTS		512

/** The last value read from or written to each VMCS field, for GDB. */
struct vmcs_copy {
	unsigned long value[VMCS_COPY_SLOTS];	/**< by vmcs_copy_slot() */
	DECLARE_BITMAP(valid, VMCS_COPY_SLOTS);	/**< slots ever read or written */
};

/** The VMX view of a vCPU.  Linux: struct vcpu_vmx + struct loaded_vmcs. */
struct vcpu_vmx {
	struct kvm_vcpu vcpu;		/**< first: the core allocates vcpu_size */
	struct vmcs_hdr *vmcs;		/**< the VMCS region, one page */
	int cpu;			/**< CPU the VMCS is active on, or -1 */
	bool launched;			/**< VMLAUNCH done since the last VMCLEAR */
	bool fail;			/**< the last entry failed (VMfail) */
	u32 exit_reason;		/**< VM_EXIT_REASON of the last exit (SDM 28.2.1) */
	/** In loaded_vmcss_on_cpu of the CPU it is active on, so that
	 *  vmx_hardware_disable() can VMCLEAR it. */
	struct list_head loaded_vmcss_on_cpu_link;
	/** What HOST_CR3/4 hold, so that vmx_vcpu_run() rewrites them only
	 *  when the host's change. @{ */
	unsigned long host_cr3, host_cr4;
	/** @} */
	u32 entry_ctls;			/**< VM_ENTRY_CONTROLS, IA-32e bit varies */
	u32 exec_ctls;			/**< CPU_BASED_VM_EXEC_CONTROL, MOV-DR exiting varies */
	/** The guest's IA32_KERNEL_GS_BASE (what SWAPGS exchanges with GS):
	 *  VMX does not switch it, so vmx_prepare_switch_to_guest() does. */
	u64 guest_kernel_gs_base;
	/** The guest's SYSCALL MSRs, by enum kvm_uret_msr_slot: loaded into
	 *  the CPU as user-return MSRs (x86.c) while the guest state is. */
	u64 guest_uret_msrs[KVM_NR_URET_MSRS];
	/**
	 * Host state a VM exit does not restore (SDM 28.5): the VMM thread's
	 * FS/GS selectors when they have RPL or TI bits (the exit loads
	 * what HOST_FS/GS_SELECTOR hold, which may not have them), its LDT
	 * (the exit loads a null LDTR), its
	 * KERNEL_GS_BASE.  Saved when the guest's state goes in
	 * (vmx_prepare_switch_to_guest()), put back when the vCPU is put
	 * (vmx_prepare_switch_to_host()), not on every exit: the kernel
	 * itself uses none of them.  Linux: struct vmcs_host_state. @{
	 */
	bool guest_state_loaded;
	u16 host_fs_sel, host_gs_sel, host_ldt_sel;
	u64 host_kernel_gs_base;
	/** @} */
	/** IA32_DEBUGCTL of the host, which every VM exit clears (SDM 28.5.1). */
	u64 host_debugctlmsr;
	struct vmcs_copy vmcs_copy;	/**< what GDB shows of the VMCS */
};

/** First 8 bytes of a VMXON region or VMCS: revision id, abort indicator
 * (SDM 25.2, Table 25-1).  The rest is the CPU's own business.
 * Linux: struct vmcs_hdr. */
struct vmcs_hdr {
	u32 revision_id;	/**< bits 30:0: IA32_VMX_BASIC[30:0] */
	u32 abort;		/**< VMX-abort indicator (SDM 28.7) */
};

/** What the VMX MSRs allowed, computed once.  Linux: struct vmcs_config. */
static struct vmcs_config {
	u32 revision_id;	/**< VMCS revision, IA32_VMX_BASIC[30:0] */
	u32 size;		/**< VMCS region size, IA32_VMX_BASIC[44:32] */
	u32 pin_based;		/**< PIN_BASED_VM_EXEC_CONTROL */
	u32 cpu_based;		/**< CPU_BASED_VM_EXEC_CONTROL */
	u32 cpu_based_2nd;	/**< SECONDARY_VM_EXEC_CONTROL */
	u32 vmexit_ctrl;	/**< VM_EXIT_CONTROLS */
	u32 vmentry_ctrl;	/**< VM_ENTRY_CONTROLS, without IA-32e mode */
	/** IA32_VMX_CR0/CR4_FIXED0/1: bits that must be 1 (FIXED0) and
	 *  that may be 1 (FIXED1) in VMX operation (SDM A.7, A.8). @{ */
	u64 cr0_fixed0, cr0_fixed1, cr4_fixed0, cr4_fixed1;
	/** @} */
	u64 ept_cap;		/**< IA32_VMX_EPT_VPID_CAP (SDM A.10) */
} vmcs_config;	/**< the one instance, filled by setup_vmcs_config() */

/** This CPU's VMXON region.  Linux: vmxarea. */
static DEFINE_PER_CPU(struct vmcs_hdr *, vmxarea);
/** The VMCS last VMPTRLDed on this CPU.  Linux: current_vmcs. */
static DEFINE_PER_CPU(struct vmcs_hdr *, current_vmcs);
/** The vmcs_copy of the vCPU whose VMCS is current_vmcs. */
static DEFINE_PER_CPU(struct vmcs_copy *, current_vmcs_copy);
/** The VMCSs active on this CPU (vcpu_vmx.loaded_vmcss_on_cpu_link).
 *  Linux: loaded_vmcss_on_cpu. */
static DEFINE_PER_CPU(struct list_head, loaded_vmcss_on_cpu);

/**
 * Enter the guest with VMLAUNCH (@launched false) or VMRESUME, and come
 * back at the VM exit (vmenter.S): load the guest's general-purpose
 * registers from @regs, enter, and at vmx_vmexit store them back.
 * Returns 0 after a VM exit, 1 if the instruction failed (VMfail: the
 * guest never ran).  Called with interrupts off and the VMCS current.
 * Linux: __vmx_vcpu_run() in arch/x86/kvm/vmx/vmenter.S.
 */
int __vmx_vcpu_run(unsigned long *regs, bool launched);
/** Where a VM exit lands (HOST_RIP), inside __vmx_vcpu_run in vmenter.S.
 *  Linux: vmx_vmexit. */
extern char vmx_vmexit[];

/** The VMX vCPU around a vCPU.  Linux: to_vmx(). */
static inline struct vcpu_vmx *to_vmx(struct kvm_vcpu *vcpu)
{
	return container_of(vcpu, struct vcpu_vmx, vcpu);
}

/* ---------------------------------------------------------------------- */
/* VMX instructions                                                         */
/* ---------------------------------------------------------------------- */

/*
 * Every VMX instruction reports failure in RFLAGS (SDM 31.2): CF=1
 * "VMfailInvalid" (no current VMCS), ZF=1 "VMfailValid" (the reason is in
 * VM_INSTRUCTION_ERROR).  "jna" catches both.
 */

/**
 * The slot of a field in struct vmcs_copy: its width (encoding bits
 * 14:13), type (11:10) and index (9:1), the index cut to 5 bits, which
 * every field of vmcs.h fits (SDM 25.11.2, Table 25-21); -1 for a field
 * that does not fit, or for the high half of a 64-bit field (bit 0).
 * scripts/gdb/minikvm.py undoes this to name the fields.
 */
static int vmcs_copy_slot(unsigned long field)
{
	if ((field & 1) || ((field >> 1) & 0x1ff) >= 32)
		return -1;
	return ((field >> 13) & 3) << 7 | ((field >> 10) & 3) << 5 | ((field >> 1) & 0x1f);
}

/** Note a field's value in the current vCPU's vmcs_copy, for GDB. */
static void vmcs_copy_store(unsigned long field, unsigned long value)
{
	struct vmcs_copy *copy;
	int slot;

	if (likely(!vmcs_copy))
		return;
	copy = this_cpu_read(current_vmcs_copy);
	slot = vmcs_copy_slot(field);
	if (!copy || slot < 0)
		return;
	copy->value[slot] = value;
	__set_bit(slot, copy->valid);
}

/** VMREAD of a natural-width field.  Linux: vmcs_readl(). */
static __always_inline unsigned long vmcs_readl(unsigned long field)
{
	unsigned long value;

	asm volatile("vmread %1, %0" : "=rm"(value) : "r"(field) : "cc");
	vmcs_copy_store(field, value);
	return value;
}

/** VMREAD of a 32-bit (or 16-bit) field.  Linux: vmcs_read32(). */
static __always_inline u32 vmcs_read32(unsigned long field)
{
	return vmcs_readl(field);
}

/** A VMWRITE failed: say which field and the VM-instruction error
 *  (SDM 31.4).  Linux: vmwrite_error(). */
static void vmwrite_error(unsigned long field, unsigned long value)
{
	pr_err_ratelimited("minikvm-intel: VMWRITE of %lx to field 0x%lx failed, instruction error %u\n",
			   value, field, vmcs_read32(VM_INSTRUCTION_ERROR));
}

/** VMWRITE, any width: the encoding tells the CPU how many bits to take.
 *  Linux: vmcs_writel() and its vmcs_write16/32/64() siblings. */
static __always_inline void vmcs_writel(unsigned long field, unsigned long value)
{
	asm goto("vmwrite %1, %0\n\t"
		 "jna %l[fail]" :: "r"(field), "rm"(value) : "cc" : fail);
	vmcs_copy_store(field, value);
	return;
fail:
	vmwrite_error(field, value);
}
#ifdef CONFIG_MINIKVM_IRQCHIP

/** Set bits of a VMCS field.  Linux: vmcs_set_bits(). */
static void vmcs_set_bits(unsigned long field, u32 mask)
{
	vmcs_writel(field, vmcs_read32(field) | mask);
}

/** Clear bits of a VMCS field.  Linux: vmcs_clear_bits(). */
static void vmcs_clear_bits(unsigned long field, u32 mask)
{
	vmcs_writel(field, vmcs_read32(field) & ~mask);
}
#endif

/** VMCLEAR: write the VMCS's cached state back to memory and make it
 *  inactive ("clear"), so it may be loaded on any CPU (SDM 25.11.3).
 *  Linux: vmcs_clear(). */
static int vmcs_clear(struct vmcs_hdr *vmcs)
{
	u64 pa = __pa(vmcs);

	asm goto("vmclear %0\n\tjna %l[fail]" :: "m"(pa) : "cc", "memory" : fail);
	return 0;
fail:
	pr_err("minikvm-intel: VMCLEAR of %llx failed\n", pa);
	return -EIO;
}

/** VMPTRLD: make the VMCS current on this CPU, the one VMREAD, VMWRITE,
 *  VMLAUNCH and VMRESUME act on.  Linux: vmcs_load(). */
static int vmcs_load(struct vmcs_hdr *vmcs)
{
	u64 pa = __pa(vmcs);

	asm goto("vmptrld %0\n\tjna %l[fail]" :: "m"(pa) : "cc", "memory" : fail);
	return 0;
fail:
	pr_err("minikvm-intel: VMPTRLD of %llx failed\n", pa);
	return -EIO;
}

/** INVEPT (SDM Vol. 3C, 31.3): drop translations derived from an EPTP. */
static void invept(unsigned long type, u64 eptp)
{
	struct { u64 eptp, reserved; } desc = { eptp, 0 };

	asm volatile("invept %0, %1" :: "m"(desc), "r"(type) : "cc", "memory");
}

/* ---------------------------------------------------------------------- */
/* Capabilities                                                             */
/* ---------------------------------------------------------------------- */

/**
 * A control MSR's low half has a 1 for every control that must be 1, its
 * high half a 1 for every control that may be 1 (SDM Appendix A.3-A.5).
 * Take what we need (@min), what we would like (@opt), and say exactly
 * which needed bits the CPU cannot set.  Linux: adjust_vmx_controls().
 */
static int adjust_vmx_controls(const char *name, u32 min, u32 opt, u32 msr, u32 *result)
{
	u32 lo, hi, ctl;

	rdmsr(msr, lo, hi);
	ctl = ((min | opt) & hi) | lo;
	if (min & ~ctl) {
		pr_err("minikvm-intel: %s: the CPU cannot set the needed bits %08x (MSR %x allows %08x)\n",
		       name, min & ~ctl, msr, hi);
		return -EIO;
	}
	*result = ctl;
	return 0;
}

/** Read and check the VMX capability MSRs.  Linux: setup_vmcs_config(). */
static int setup_vmcs_config(struct vmcs_config *c)
{
	u32 pin_min = PIN_BASED_EXT_INTR_MASK | PIN_BASED_NMI_EXITING;
	u32 cpu_min = 0, cpu2_opt = 0, exit_opt = 0, entry_opt = 0;
	u64 basic;
	bool true_ctls;
	int r;

	rdmsrl(MSR_IA32_VMX_BASIC, basic);
	c->revision_id = basic & 0x7fffffff;		/* bits 30:0 */
	c->size = (basic >> 32) & 0x1fff;		/* bits 44:32 */
	/* VMX_BASIC_MEM_TYPE_WB (6) is from <asm/msr-index.h>. */
	if (((basic >> 50) & 0xf) != VMX_BASIC_MEM_TYPE_WB) {	/* bits 53:50 */
		pr_err("minikvm-intel: VMCS memory type is not write-back\n");
		return -EIO;
	}
	/* Bit 55: the TRUE_* MSRs exist and let default-1 controls be 0. */
	true_ctls = basic & BIT_ULL(55);

#ifdef CONFIG_MINIKVM_IRQCHIP
	/* Virtual NMIs, so that the CPU, not we, knows when the guest's NMI
	 * handler has finished (its IRET). */
	pin_min |= PIN_BASED_VIRTUAL_NMIS;
#endif
#ifdef CONFIG_MINIKVM_LAPIC
	/* The guest's TSC runs at the host's rate from its own origin
	 * (SDM Vol. 3C, 25.3); RDTSC itself does not exit. */
	cpu_min |= CPU_BASED_USE_TSC_OFFSETTING;
	/* The guest's PAT switched by entry and exit, where the CPU can. */
	exit_opt |= VM_EXIT_LOAD_IA32_PAT;
	entry_opt |= VM_ENTRY_LOAD_IA32_PAT;
	/* A vCPU spinning on PAUSE waits for another one: let it exit, so
	 * that the other gets the CPU (handle_pause()). */
	cpu2_opt |= SECONDARY_EXEC_PAUSE_LOOP_EXITING;
#endif
#ifdef CONFIG_MINIKVM_FINAL
	/* Without it RDTSCP and RDPID are #UD in the guest (SDM Vol. 3C,
	 * 25.3), whatever its CPUID says; they read IA32_TSC_AUX, which
	 * vcpu_enter_guest() switches. */
	cpu2_opt |= SECONDARY_EXEC_ENABLE_RDTSCP;
	/* Likewise INVPCID, which Linux uses to flush the TLB whenever
	 * CPUID offers it.  With "INVLPG exiting" off it does not exit
	 * either (SDM Vol. 3C, 26.3); without VPIDs every VM entry and exit
	 * flushes the guest's TLB entries anyway (SDM Vol. 3C, 29.1.2). */
	cpu2_opt |= SECONDARY_EXEC_ENABLE_INVPCID;
#endif
	r = adjust_vmx_controls("pin-based controls", pin_min, 0,
			true_ctls ? MSR_IA32_VMX_TRUE_PINBASED_CTLS : MSR_IA32_VMX_PINBASED_CTLS,
			&c->pin_based);
	r = r ?: adjust_vmx_controls("processor-based controls",
			CPU_BASED_HLT_EXITING | CPU_BASED_UNCOND_IO_EXITING |
			CPU_BASED_MOV_DR_EXITING | CPU_BASED_MWAIT_EXITING |
			/* Without it a guest reads the host's performance
			 * counters. */
			CPU_BASED_RDPMC_EXITING |
			CPU_BASED_MONITOR_EXITING | CPU_BASED_ACTIVATE_SECONDARY |
			/* Without a TPR shadow a 64-bit guest's MOV to CR8 would
			 * write the host's local APIC TPR and could mask the
			 * host's own interrupts: it must exit. */
			CPU_BASED_CR8_LOAD_EXITING | CPU_BASED_CR8_STORE_EXITING | cpu_min, 0,
			true_ctls ? MSR_IA32_VMX_TRUE_PROCBASED_CTLS : MSR_IA32_VMX_PROCBASED_CTLS,
			&c->cpu_based);
	r = r ?: adjust_vmx_controls("secondary controls",
			SECONDARY_EXEC_ENABLE_EPT | SECONDARY_EXEC_UNRESTRICTED_GUEST, cpu2_opt,
			MSR_IA32_VMX_PROCBASED_CTLS2, &c->cpu_based_2nd);
	r = r ?: adjust_vmx_controls("VM-exit controls",
			VM_EXIT_HOST_ADDR_SPACE_SIZE | VM_EXIT_SAVE_IA32_EFER |
			VM_EXIT_LOAD_IA32_EFER |
			/* The guest's DR7 travels in the VMCS: with the TRUE
			 * MSRs these are not forced to 1 (SDM A.4, A.5). */
			VM_EXIT_SAVE_DEBUG_CONTROLS, exit_opt,
			true_ctls ? MSR_IA32_VMX_TRUE_EXIT_CTLS : MSR_IA32_VMX_EXIT_CTLS,
			&c->vmexit_ctrl);
	r = r ?: adjust_vmx_controls("VM-entry controls",
			VM_ENTRY_LOAD_IA32_EFER | VM_ENTRY_LOAD_DEBUG_CONTROLS,
			VM_ENTRY_IA32E_MODE | entry_opt,
			true_ctls ? MSR_IA32_VMX_TRUE_ENTRY_CTLS : MSR_IA32_VMX_ENTRY_CTLS,
			&c->vmentry_ctrl);
	if (r)
		return r;
#ifdef CONFIG_MINIKVM_LAPIC
	/* Loading the guest's PAT needs the host's back at the exit. */
	if (!(c->vmentry_ctrl & VM_ENTRY_LOAD_IA32_PAT) ||
	    !(c->vmexit_ctrl & VM_EXIT_LOAD_IA32_PAT)) {
		c->vmentry_ctrl &= ~VM_ENTRY_LOAD_IA32_PAT;
		c->vmexit_ctrl &= ~VM_EXIT_LOAD_IA32_PAT;
	}
#endif
	/* With EPT we never want CR3 accesses to exit, if the CPU allows. */
	c->cpu_based &= ~(CPU_BASED_CR3_LOAD_EXITING | CPU_BASED_CR3_STORE_EXITING);
	{
		u32 lo, hi;

		rdmsr(true_ctls ? MSR_IA32_VMX_TRUE_PROCBASED_CTLS : MSR_IA32_VMX_PROCBASED_CTLS, lo, hi);
		c->cpu_based |= lo;	/* unless they are default-1 and fixed */
	}
	c->vmentry_ctrl &= ~VM_ENTRY_IA32E_MODE;	/* set per vCPU, from EFER.LMA */

	rdmsrl(MSR_IA32_VMX_EPT_VPID_CAP, c->ept_cap);
	if (!(c->ept_cap & VMX_EPT_PAGE_WALK_4_BIT) || !(c->ept_cap & VMX_EPTP_WB_BIT) ||
	    !(c->ept_cap & VMX_EPT_INVEPT_BIT)) {
		pr_err("minikvm-intel: EPT lacks a 4-level walk, write-back tables or INVEPT (cap %llx)\n",
		       c->ept_cap);
		return -EIO;
	}
	rdmsrl(MSR_IA32_VMX_CR0_FIXED0, c->cr0_fixed0);
	rdmsrl(MSR_IA32_VMX_CR0_FIXED1, c->cr0_fixed1);
	rdmsrl(MSR_IA32_VMX_CR4_FIXED0, c->cr4_fixed0);
	rdmsrl(MSR_IA32_VMX_CR4_FIXED1, c->cr4_fixed1);
	return 0;
}

/**
 * Can this CPU do what we need?  Each refusal is one dmesg line that says
 * why.  Linux: kvm_is_vmx_supported() + setup_vmcs_config().
 */
static int vmx_check_processor(void)
{
	u64 feat;

	if (!(cpuid_ecx(1) & CPUID1_ECX_VMX)) {
		pr_err("minikvm-intel: this CPU has no VMX (CPUID.1:ECX[5])\n");
		return -ENODEV;
	}
	/* IA32_FEATURE_CONTROL (SDM 24.7): once the firmware locks it,
	 * VMXON outside SMX works only if bit 2 was set. */
	rdmsrl(MSR_IA32_FEAT_CTL, feat);
	if (!(feat & FEAT_CTL_LOCKED) || !(feat & FEAT_CTL_VMX_ENABLED_OUTSIDE_SMX)) {
		pr_err("minikvm-intel: VMX is disabled by the firmware (IA32_FEATURE_CONTROL = %llx)\n", feat);
		return -ENODEV;
	}
	if (setup_vmcs_config(&vmcs_config))
		return -ENODEV;
	return 0;
}

/* ---------------------------------------------------------------------- */
/* VMXON on a CPU                                                           */
/* ---------------------------------------------------------------------- */

/** A zeroed page on @cpu's node with the revision id: a VMXON region or a
 *  VMCS (SDM 25.2).  Linux: alloc_vmcs_cpu(). */
static struct vmcs_hdr *alloc_vmcs(int cpu)
{
	struct page *page = alloc_pages_node(cpu_to_node(cpu), GFP_KERNEL | __GFP_ZERO, 0);
	struct vmcs_hdr *vmcs;

	if (!page)
		return NULL;
	vmcs = page_address(page);
	vmcs->revision_id = vmcs_config.revision_id;
	return vmcs;
}

/**
 * vmx_hardware_enable - VMXON on this CPU.  If CR4.VMXE is already set,
 * another hypervisor (the real kvm-intel, say) is in VMX operation here
 * and we must not touch it.  Linux: vmx_hardware_enable() + kvm_cpu_vmxon().
 */
static int vmx_hardware_enable(void)
{
	int cpu = smp_processor_id();
	struct vmcs_hdr *area;
	u64 pa;

	if (cr4_read_shadow() & X86_CR4_VMXE) {
		pr_err("minikvm-intel: VMX is already in use on CPU %d (another hypervisor?)\n", cpu);
		return -EBUSY;
	}
	area = alloc_vmcs(cpu);
	if (!area)
		return -ENOMEM;
	INIT_LIST_HEAD(&per_cpu(loaded_vmcss_on_cpu, cpu));

	/* CR0 and CR4 must respect the fixed bits in VMX operation (SDM 24.8);
	 * Linux's host values already do, apart from CR4.VMXE itself. */
	cr4_set_bits(X86_CR4_VMXE);
	pa = __pa(area);
	asm goto("vmxon %0\n\tjna %l[fail]" :: "m"(pa) : "cc", "memory" : fail);
	per_cpu(vmxarea, cpu) = area;
	return 0;
fail:
	cr4_clear_bits(X86_CR4_VMXE);
	free_page((unsigned long)area);
	pr_err("minikvm-intel: VMXON failed on CPU %d\n", cpu);
	return -EIO;
}

static void __loaded_vmcs_clear(void *arg);

/** VMCLEAR what is loaded here, VMXOFF.  Linux: vmx_hardware_disable(). */
static void vmx_hardware_disable(void)
{
	int cpu = smp_processor_id();
	struct vcpu_vmx *vmx, *n;

	if (!per_cpu(vmxarea, cpu))
		return;
	list_for_each_entry_safe(vmx, n, &per_cpu(loaded_vmcss_on_cpu, cpu),
				 loaded_vmcss_on_cpu_link)
		__loaded_vmcs_clear(vmx);
	asm volatile("vmxoff" ::: "cc", "memory");
	cr4_clear_bits(X86_CR4_VMXE);
	free_page((unsigned long)per_cpu(vmxarea, cpu));
	per_cpu(vmxarea, cpu) = NULL;
}

/* ---------------------------------------------------------------------- */
/* The VMCS follows the vCPU                                                */
/* ---------------------------------------------------------------------- */

/** On the CPU where the VMCS is active: write its state back to memory and
 * forget it, so another CPU may load it.  Linux: __loaded_vmcs_clear(). */
static void __loaded_vmcs_clear(void *arg)
{
	struct vcpu_vmx *vmx = arg;
	int cpu = smp_processor_id();

	if (vmx->cpu != cpu)
		return;
	vmcs_clear(vmx->vmcs);
	if (per_cpu(current_vmcs, cpu) == vmx->vmcs) {
		per_cpu(current_vmcs, cpu) = NULL;
		per_cpu(current_vmcs_copy, cpu) = NULL;
	}
	list_del(&vmx->loaded_vmcss_on_cpu_link);
	vmx->cpu = -1;
	vmx->launched = false;
}

/** VMCLEAR the vCPU's VMCS on the CPU where it is active (an IPI, as
 *  VMCLEAR works only there).  Linux: loaded_vmcs_clear(). */
static void loaded_vmcs_clear(struct vcpu_vmx *vmx)
{
	if (vmx->cpu >= 0)
		smp_call_function_single(vmx->cpu, __loaded_vmcs_clear, vmx, 1);
}

/** Where this CPU keeps its TSS: the base of the descriptor TR selects,
 *  for HOST_TR_BASE.  Linux: vmx_vcpu_load_vmcs() reads it from the
 *  per-CPU TSS instead. */
static unsigned long host_tr_base(const struct desc_ptr *gdt)
{
	struct ldttss_desc *d = (void *)(gdt->address + (GDT_ENTRY_TSS * 8));

	return d->base0 | ((unsigned long)d->base1 << 16) |
	       ((unsigned long)d->base2 << 24) | ((unsigned long)d->base3 << 32);
}

/**
 * vmx_vcpu_load - make the vCPU's VMCS current on @cpu.  A VMCS may be
 * active on one CPU only: coming from another CPU, it is VMCLEARed there
 * first (an IPI), and the host fields that differ per CPU are rewritten.
 * Linux: vmx_vcpu_load() + vmx_vcpu_load_vmcs().
 */
static void vmx_vcpu_load(struct kvm_vcpu *vcpu, int cpu)
{
	struct vcpu_vmx *vmx = to_vmx(vcpu);
	struct desc_ptr gdt;
	unsigned long sysenter_esp;

	if (vmx->cpu != cpu) {
		loaded_vmcs_clear(vmx);
		local_irq_disable();
		list_add(&vmx->loaded_vmcss_on_cpu_link, &per_cpu(loaded_vmcss_on_cpu, cpu));
		local_irq_enable();
		vmx->cpu = cpu;
		/* This CPU may hold stale EPT translations from an earlier stay. */
		set_bit(KVM_REQ_TLB_FLUSH, &vcpu->requests);
	}
	if (per_cpu(current_vmcs, cpu) != vmx->vmcs) {
		per_cpu(current_vmcs, cpu) = vmx->vmcs;
		per_cpu(current_vmcs_copy, cpu) = &vmx->vmcs_copy;
		vmcs_load(vmx->vmcs);
	}

	/* Per-CPU (GDT, TSS, GS base, SYSENTER stack) and per-thread (FS
	 * base) host state the VM exit restores. */
	native_store_gdt(&gdt);
	vmcs_writel(HOST_GDTR_BASE, gdt.address);
	vmcs_writel(HOST_TR_BASE, host_tr_base(&gdt));
	rdmsrl(MSR_IA32_SYSENTER_ESP, sysenter_esp);
	vmcs_writel(HOST_IA32_SYSENTER_ESP, sysenter_esp);
	vmcs_writel(HOST_FS_BASE, native_read_msr(MSR_FS_BASE));
	vmcs_writel(HOST_GS_BASE, native_read_msr(MSR_GS_BASE));
	/* Every VM exit clears IA32_DEBUGCTL: remember the host's. */
	vmx->host_debugctlmsr = get_debugctlmsr();
}

/**
 * vmx_prepare_switch_to_guest - before the first entry since the vCPU was
 * loaded: save the host state a VM exit would lose and load the guest's
 * MSRs that no VM entry loads.  Later entries find it done and pay
 * nothing.  Interrupts or preemption are off.
 * Linux: vmx_prepare_switch_to_guest().
 */
static void vmx_prepare_switch_to_guest(struct kvm_vcpu *vcpu)
{
	struct vcpu_vmx *vmx = to_vmx(vcpu);
	unsigned int slot;
	u16 fs_sel, gs_sel;

	if (vmx->guest_state_loaded)
		return;
	/* SYSCALL's MSRs: the host's come back on the way to user mode. */
	for (slot = 0; slot < KVM_NR_URET_MSRS; slot++)
		kvm_set_user_return_msr(slot, vmx->guest_uret_msrs[slot]);

	/* A selector with RPL or TI bits set cannot be a HOST_*_SELECTOR
	 * (SDM 26.2.3): the exit loads null and we reload it ourselves. */
	savesegment(fs, fs_sel);
	savesegment(gs, gs_sel);
	vmx->host_fs_sel = fs_sel;
	vmx->host_gs_sel = gs_sel;
	vmcs_writel(HOST_FS_SELECTOR, (fs_sel & 7) ? 0 : fs_sel);
	vmcs_writel(HOST_GS_SELECTOR, (gs_sel & 7) ? 0 : gs_sel);
	asm volatile("sldt %0" : "=g"(vmx->host_ldt_sel));

	vmx->host_kernel_gs_base = native_read_msr(MSR_KERNEL_GS_BASE);
	wrmsrl(MSR_KERNEL_GS_BASE, vmx->guest_kernel_gs_base);
	vmx->guest_state_loaded = true;
}

/**
 * vmx_prepare_switch_to_host - the vCPU is put (end of KVM_RUN, or its
 * thread is preempted): give the host back what VM exits took.
 *   - LDTR: an exit leaves it null (SDM 28.5.2); a VMM with an LDT
 *     (modify_ldt()) needs it, and GS is reloaded with it;
 *   - FS/GS selectors the exit could not load (RPL/TI bits set);
 *   - the TR limit: the exit sets 0x67 (SDM 28.5.2), which cuts off the
 *     I/O permission bitmap of a process using ioperm(); let Linux
 *     reload TR when it next needs the limit (invalidate_tss_limit());
 *   - the GDTR limit: the exit sets 0xffff; reload Linux's GDT;
 *   - KERNEL_GS_BASE, which SWAPGS on the way to user mode needs.
 * Linux: vmx_prepare_switch_to_host().
 */
static void vmx_prepare_switch_to_host(struct vcpu_vmx *vmx)
{
	if (!vmx->guest_state_loaded)
		return;
	vmx->guest_kernel_gs_base = native_read_msr(MSR_KERNEL_GS_BASE);
	if (vmx->host_ldt_sel || (vmx->host_gs_sel & 7)) {
		asm volatile("lldt %0" :: "rm"(vmx->host_ldt_sel));
		/* Loading GS resets its base: done before KERNEL_GS_BASE below. */
		load_gs_index(vmx->host_gs_sel);
	}
	if (vmx->host_fs_sel & 7)
		loadsegment(fs, vmx->host_fs_sel);
	invalidate_tss_limit();
	wrmsrl(MSR_KERNEL_GS_BASE, vmx->host_kernel_gs_base);
	load_fixmap_gdt(raw_smp_processor_id());
	vmx->guest_state_loaded = false;
}

/** The VMCS stays active on this CPU, so that coming back is cheap; only
 *  the host state goes back.  Linux: vmx_vcpu_put(). */
static void vmx_vcpu_put(struct kvm_vcpu *vcpu)
{
	vmx_prepare_switch_to_host(to_vmx(vcpu));
}

/* ---------------------------------------------------------------------- */
/* Segments and control registers                                           */
/* ---------------------------------------------------------------------- */

/** The VMCS fields of each segment register, in enum kvm_seg order.
 *  Linux: kvm_vmx_segment_fields[]. */
static const struct {
	u32 selector, base, limit, ar_bytes;
} kvm_vmx_segment_fields[] = {
	[VCPU_SREG_ES] = { GUEST_ES_SELECTOR, GUEST_ES_BASE, GUEST_ES_LIMIT, GUEST_ES_AR_BYTES },
	[VCPU_SREG_CS] = { GUEST_CS_SELECTOR, GUEST_CS_BASE, GUEST_CS_LIMIT, GUEST_CS_AR_BYTES },
	[VCPU_SREG_SS] = { GUEST_SS_SELECTOR, GUEST_SS_BASE, GUEST_SS_LIMIT, GUEST_SS_AR_BYTES },
	[VCPU_SREG_DS] = { GUEST_DS_SELECTOR, GUEST_DS_BASE, GUEST_DS_LIMIT, GUEST_DS_AR_BYTES },
	[VCPU_SREG_FS] = { GUEST_FS_SELECTOR, GUEST_FS_BASE, GUEST_FS_LIMIT, GUEST_FS_AR_BYTES },
	[VCPU_SREG_GS] = { GUEST_GS_SELECTOR, GUEST_GS_BASE, GUEST_GS_LIMIT, GUEST_GS_AR_BYTES },
	[VCPU_SREG_TR] = { GUEST_TR_SELECTOR, GUEST_TR_BASE, GUEST_TR_LIMIT, GUEST_TR_AR_BYTES },
	[VCPU_SREG_LDTR] = { GUEST_LDTR_SELECTOR, GUEST_LDTR_BASE, GUEST_LDTR_LIMIT, GUEST_LDTR_AR_BYTES },
};

/** Linux: vmx_get_segment(). */
static void vmx_get_segment(struct kvm_vcpu *vcpu, struct kvm_segment *var, int seg)
{
	u32 ar = vmcs_read32(kvm_vmx_segment_fields[seg].ar_bytes);

	*var = (struct kvm_segment) {
		.base = vmcs_readl(kvm_vmx_segment_fields[seg].base),
		.limit = vmcs_read32(kvm_vmx_segment_fields[seg].limit),
		.selector = vmcs_readl(kvm_vmx_segment_fields[seg].selector),
		.type = ar & VMX_AR_TYPE_MASK,
		.s = (ar >> VMX_AR_S_SHIFT) & 1,
		.dpl = (ar >> VMX_AR_DPL_SHIFT) & 3,
		.present = (ar >> VMX_AR_P_SHIFT) & 1,
		.avl = (ar >> VMX_AR_AVL_SHIFT) & 1,
		.l = (ar >> VMX_AR_L_SHIFT) & 1,
		.db = (ar >> VMX_AR_DB_SHIFT) & 1,
		.g = (ar >> VMX_AR_G_SHIFT) & 1,
		.unusable = !!(ar & VMX_AR_UNUSABLE_MASK),
	};
}

/** KVM's segment as access rights.  Linux: vmx_segment_access_rights(). */
static u32 vmx_segment_access_rights(const struct kvm_segment *var)
{
	if (var->unusable || !var->present)
		return VMX_AR_UNUSABLE_MASK;
	return (var->type & VMX_AR_TYPE_MASK) | (var->s << VMX_AR_S_SHIFT) |
	       ((var->dpl & 3) << VMX_AR_DPL_SHIFT) | (var->present << VMX_AR_P_SHIFT) |
	       (var->avl << VMX_AR_AVL_SHIFT) | (var->l << VMX_AR_L_SHIFT) |
	       (var->db << VMX_AR_DB_SHIFT) | (var->g << VMX_AR_G_SHIFT);
}

/** Linux: vmx_set_segment(). */
static void vmx_set_segment(struct kvm_vcpu *vcpu, struct kvm_segment *var, int seg)
{
	vmcs_writel(kvm_vmx_segment_fields[seg].selector, var->selector);
	vmcs_writel(kvm_vmx_segment_fields[seg].base, var->base);
	vmcs_writel(kvm_vmx_segment_fields[seg].limit, var->limit);
	vmcs_writel(kvm_vmx_segment_fields[seg].ar_bytes, vmx_segment_access_rights(var));
}

/** The guest's IDTR.  Linux: vmx_get_idt(). */
static void vmx_get_idt(struct kvm_vcpu *vcpu, struct desc_ptr *dt)
{
	dt->size = vmcs_read32(GUEST_IDTR_LIMIT);
	dt->address = vmcs_readl(GUEST_IDTR_BASE);
}

/** Set the guest's IDTR.  Linux: vmx_set_idt(). */
static void vmx_set_idt(struct kvm_vcpu *vcpu, struct desc_ptr *dt)
{
	vmcs_writel(GUEST_IDTR_LIMIT, dt->size);
	vmcs_writel(GUEST_IDTR_BASE, dt->address);
}

/** The guest's GDTR.  Linux: vmx_get_gdt(). */
static void vmx_get_gdt(struct kvm_vcpu *vcpu, struct desc_ptr *dt)
{
	dt->size = vmcs_read32(GUEST_GDTR_LIMIT);
	dt->address = vmcs_readl(GUEST_GDTR_BASE);
}

/** Set the guest's GDTR.  Linux: vmx_set_gdt(). */
static void vmx_set_gdt(struct kvm_vcpu *vcpu, struct desc_ptr *dt)
{
	vmcs_writel(GUEST_GDTR_LIMIT, dt->size);
	vmcs_writel(GUEST_GDTR_BASE, dt->address);
}

/**
 * CR0 and CR4 have bits that must have fixed values in VMX operation
 * (SDM Appendix A.7, A.8): CR0.NE, CR4.VMXE.  The CPU runs with those
 * forced; the guest reads its own value from the read shadow, and a write
 * to a bit in the guest/host mask exits (SDM 25.6.6).  With unrestricted
 * guest, CR0.PE and CR0.PG are free (SDM 27.3.1.1).  We also own CR0.PG:
 * turning paging on with EFER.LME set enters long mode, which needs the
 * IA-32e-mode entry control.  And CD/NW: a CPU may not let them be set
 * in VMX operation (Bochs's CR0_FIXED1 does not), yet the guest must
 * read back what it wrote (0x60000010 after reset), as KVM, which owns
 * every CR0 bit but TS, makes sure.  Linux: vmx_set_cr0(), vmx_set_cr4().
 */
#define CR0_HOST_OWNED	(X86_CR0_NE | X86_CR0_PG | X86_CR0_CD | X86_CR0_NW)
/** CR4 bits whose writes exit.  MCE too: the CPU runs the guest with the
 *  host's CR4.MCE, see vmx_set_cr4(), and the guest reads its own from
 *  the read shadow. */
#define CR4_HOST_OWNED	(X86_CR4_VMXE | X86_CR4_MCE)

/** The CR0 the CPU runs the guest with: the guest's, with the bits VMX
 *  fixes to 1 set (except PE and PG, free with unrestricted guest).
 *  Linux: part of vmx_set_cr0(). */
static unsigned long vmx_hw_cr0(unsigned long cr0)
{
	u64 must_be_1 = vmcs_config.cr0_fixed0 & ~(u64)(X86_CR0_PE | X86_CR0_PG);

	return (cr0 | must_be_1) & vmcs_config.cr0_fixed1;
}

/** The IA-32e-mode entry control follows EFER.LMA (SDM 27.3.1.1).
 *  Linux: part of vmx_set_efer(). */
static void vmx_update_ia32e(struct vcpu_vmx *vmx)
{
	if (vmx->vcpu.arch.efer & EFER_LMA)
		vmx->entry_ctls |= VM_ENTRY_IA32E_MODE;
	else
		vmx->entry_ctls &= ~VM_ENTRY_IA32E_MODE;
	vmcs_writel(VM_ENTRY_CONTROLS, vmx->entry_ctls);
}

/** The guest's EFER, loaded on entry (VM_ENTRY_LOAD_IA32_EFER).
 *  Linux: vmx_set_efer(). */
static void vmx_set_efer(struct kvm_vcpu *vcpu, u64 efer)
{
	vcpu->arch.efer = efer;
	vmcs_writel(GUEST_IA32_EFER, efer);
	vmx_update_ia32e(to_vmx(vcpu));
}

#ifdef CONFIG_MINIKVM_MMU
/**
 * vmx_load_pdptrs - PAE paging keeps its four PDPTEs in registers, loaded
 * when CR3 or the paging mode is written.  With EPT the VMCS holds the
 * guest's copies (GUEST_PDPTR0-3, loaded by VM entry, SDM 27.3.2.4), so
 * when we are the ones who perform such a write (an intercepted MOV to
 * CR0, KVM_SET_SREGS) we must load them from guest memory ourselves.
 * Linux: load_pdptrs() + ept_load_pdptrs().
 */
static void vmx_load_pdptrs(struct kvm_vcpu *vcpu)
{
	u64 pdpte[4] = { 0 };

	if (!(vcpu->arch.cr0 & X86_CR0_PG) || !(vcpu->arch.cr4 & X86_CR4_PAE) ||
	    (vcpu->arch.efer & EFER_LMA))
		return;
#ifdef CONFIG_MINIKVM_LAPIC
	/* Unreadable means not present: the guest's walk will fault.
	 * (kvm_read_guest() keeps the slot alive with kvm->srcu.) */
	kvm_read_guest(vcpu->kvm, vcpu->arch.cr3 & ~0x1ful, pdpte, sizeof(pdpte));
#else
	mutex_lock(&vcpu->kvm->slots_lock);
	/* Unreadable means not present: the guest's walk will fault. */
	kvm_read_guest(vcpu->kvm, vcpu->arch.cr3 & ~0x1ful, pdpte, sizeof(pdpte));
	mutex_unlock(&vcpu->kvm->slots_lock);
#endif
	vmcs_writel(GUEST_PDPTR0, pdpte[0]);
	vmcs_writel(GUEST_PDPTR1, pdpte[1]);
	vmcs_writel(GUEST_PDPTR2, pdpte[2]);
	vmcs_writel(GUEST_PDPTR3, pdpte[3]);
}
#endif

/** The guest's CR0: its own value in the read shadow, the hardware's
 *  with the fixed bits; turning paging on or off with EFER.LME set
 *  enters or leaves long mode.  Linux: vmx_set_cr0(). */
static void vmx_set_cr0(struct kvm_vcpu *vcpu, unsigned long cr0)
{
	unsigned long old = vcpu->arch.cr0;

	/* Paging on with LME: long mode becomes active (SDM Vol. 3A, 10.8.5). */
	if ((vcpu->arch.efer & EFER_LME) && !(old & X86_CR0_PG) && (cr0 & X86_CR0_PG))
		vmx_set_efer(vcpu, vcpu->arch.efer | EFER_LMA);
	else if ((old & X86_CR0_PG) && !(cr0 & X86_CR0_PG))
		vmx_set_efer(vcpu, vcpu->arch.efer & ~EFER_LMA);
	vcpu->arch.cr0 = cr0;
	vmcs_writel(CR0_READ_SHADOW, cr0);
	vmcs_writel(GUEST_CR0, vmx_hw_cr0(cr0));
#ifdef CONFIG_MINIKVM_MMU
	vmx_load_pdptrs(vcpu);
#endif
}

/** The guest's CR3: with EPT the guest owns it outright.
 *  Linux: vmx_load_mmu_pgd() (which writes GUEST_CR3 with EPT). */
static void vmx_set_cr3(struct kvm_vcpu *vcpu, unsigned long cr3)
{
	vcpu->arch.cr3 = cr3;
	vmcs_writel(GUEST_CR3, cr3);
#ifdef CONFIG_MINIKVM_MMU
	vmx_load_pdptrs(vcpu);
#endif
}

/** The guest's CR4: its own value in the read shadow, the hardware's
 *  with the fixed bits (VMXE).  Linux: vmx_set_cr4(). */
static void vmx_set_cr4(struct kvm_vcpu *vcpu, unsigned long cr4)
{
	/* A machine check while CR4.MCE is clear shuts the CPU down (SDM
	 * Vol. 3B, 16.10): the host's, not the guest's, decides while the
	 * guest runs on its CPU.  Linux: the same line in vmx_set_cr4(). */
	unsigned long hw_cr4 = (cr4_read_shadow() & X86_CR4_MCE) | (cr4 & ~X86_CR4_MCE);

	vcpu->arch.cr4 = cr4;
	vmcs_writel(CR4_READ_SHADOW, cr4);
	vmcs_writel(GUEST_CR4, (hw_cr4 | vmcs_config.cr4_fixed0) & vmcs_config.cr4_fixed1);
}

/** The guest's RFLAGS.  Linux: vmx_get_rflags(). */
static unsigned long vmx_get_rflags(struct kvm_vcpu *vcpu)
{
	return vmcs_readl(GUEST_RFLAGS);
}

/** Set the guest's RFLAGS.  Linux: vmx_set_rflags(). */
static void vmx_set_rflags(struct kvm_vcpu *vcpu, unsigned long rflags)
{
	vmcs_writel(GUEST_RFLAGS, rflags);
}

/** The EPT pointer for a root table: write-back, 4-level walk (SDM 25.6.11).
 *  Linux: construct_eptp(). */
static u64 construct_eptp(hpa_t root)
{
	return root | VMX_EPTP_MT_WB | VMX_EPTP_PWL_4;
}

/** EPT translations are tagged with the EPTP: drop ours, or everything's
 * if single-context INVEPT is missing.  Linux: vmx_flush_tlb_current(). */
static void vmx_flush_tlb(struct kvm_vcpu *vcpu)
{
	if (vmcs_config.ept_cap & VMX_EPT_EXTENT_CONTEXT_BIT)
		invept(VMX_EPT_EXTENT_CONTEXT, construct_eptp(vcpu->kvm->arch.tdp_root));
	else
		invept(VMX_EPT_EXTENT_GLOBAL, 0);
}

/* ---------------------------------------------------------------------- */
/* The VMCS contents                                                        */
/* ---------------------------------------------------------------------- */

/**
 * Host state that is the same for every vCPU on every CPU (the per-CPU
 * part is in vmx_vcpu_load()).  A VM exit loads exactly this
 * (SDM 28.5).  Linux: vmx_set_constant_host_state().
 */
static void vmx_set_constant_host_state(void)
{
	struct desc_ptr idt;
	u32 lo, hi;

	vmcs_writel(HOST_CR0, read_cr0());
	vmcs_writel(HOST_CS_SELECTOR, __KERNEL_CS);
	vmcs_writel(HOST_SS_SELECTOR, __KERNEL_DS);
	/* Null DS/ES are fine in 64-bit mode; vmx_vcpu_run() puts back the
	 * ones the thread had.  FS/GS: vmx_prepare_switch_to_guest(). */
	vmcs_writel(HOST_DS_SELECTOR, 0);
	vmcs_writel(HOST_ES_SELECTOR, 0);
	vmcs_writel(HOST_FS_SELECTOR, 0);
	vmcs_writel(HOST_GS_SELECTOR, 0);
	vmcs_writel(HOST_TR_SELECTOR, GDT_ENTRY_TSS * 8);
	store_idt(&idt);
	vmcs_writel(HOST_IDTR_BASE, idt.address);
	vmcs_writel(HOST_RIP, (unsigned long)vmx_vmexit);
	rdmsr(MSR_IA32_SYSENTER_CS, lo, hi);
	vmcs_writel(HOST_IA32_SYSENTER_CS, lo);
	vmcs_writel(HOST_IA32_SYSENTER_EIP, native_read_msr(MSR_IA32_SYSENTER_EIP));
	vmcs_writel(HOST_IA32_EFER, native_read_msr(MSR_EFER));
#ifdef CONFIG_MINIKVM_LAPIC
	if (vmcs_config.vmexit_ctrl & VM_EXIT_LOAD_IA32_PAT)
		vmcs_writel(HOST_IA32_PAT, native_read_msr(MSR_IA32_CR_PAT));
#endif
}

/** A segment as after RESET (SDM Vol. 3A, Table 10-1).
 *  Linux: seg_setup(). */
static void init_seg(int seg, u32 ar)
{
	vmcs_writel(kvm_vmx_segment_fields[seg].selector, 0);
	vmcs_writel(kvm_vmx_segment_fields[seg].base, 0);
	vmcs_writel(kvm_vmx_segment_fields[seg].limit, 0xffff);
	vmcs_writel(kvm_vmx_segment_fields[seg].ar_bytes, ar);
}

/**
 * init_vmcs - controls, host state and the power-on guest state, on a
 * VMCS that is current on this CPU.  Linux: init_vmcs() + vmx_vcpu_reset().
 */
static void init_vmcs(struct vcpu_vmx *vmx)
{
	struct kvm_vcpu *vcpu = &vmx->vcpu;

	vmcs_writel(PIN_BASED_VM_EXEC_CONTROL, vmcs_config.pin_based);
	vmx->exec_ctls = vmcs_config.cpu_based;
	vmcs_writel(CPU_BASED_VM_EXEC_CONTROL, vmx->exec_ctls);
	vmcs_writel(SECONDARY_VM_EXEC_CONTROL, vmcs_config.cpu_based_2nd);
#ifdef CONFIG_MINIKVM_LAPIC
	/* PAUSE-loop exiting (SDM Vol. 3C, 26.1.3): PAUSEs less than
	 * PLE_GAP TSC cycles apart form one loop, which exits once it has
	 * lasted PLE_WINDOW cycles.  KVM's defaults: 128 and 4096. */
	if (vmcs_config.cpu_based_2nd & SECONDARY_EXEC_PAUSE_LOOP_EXITING) {
		vmcs_writel(PLE_GAP, 128);
		vmcs_writel(PLE_WINDOW, 4096);
	}
#endif
	vmcs_writel(VM_EXIT_CONTROLS, vmcs_config.vmexit_ctrl);
	vmx->entry_ctls = vmcs_config.vmentry_ctrl;
	vmcs_writel(VM_ENTRY_CONTROLS, vmx->entry_ctls);
	/* #DB too: a guest that owns DR7 could otherwise arm a breakpoint on
	 * its own #DB delivery and keep the CPU in an endless loop of #DBs
	 * with no window for the host's interrupts (CVE-2015-8104). */
	vmcs_writel(EXCEPTION_BITMAP, BIT(AC_VECTOR) | BIT(DB_VECTOR));
	vmcs_writel(PAGE_FAULT_ERROR_CODE_MASK, 0);
	vmcs_writel(PAGE_FAULT_ERROR_CODE_MATCH, 0);
	vmcs_writel(CR3_TARGET_COUNT, 0);
	vmcs_writel(VM_EXIT_MSR_STORE_COUNT, 0);
	vmcs_writel(VM_EXIT_MSR_LOAD_COUNT, 0);
	vmcs_writel(VM_ENTRY_MSR_LOAD_COUNT, 0);
	vmcs_writel(VM_ENTRY_INTR_INFO_FIELD, 0);
	vmcs_writel(CR0_GUEST_HOST_MASK, CR0_HOST_OWNED);
	vmcs_writel(CR4_GUEST_HOST_MASK, CR4_HOST_OWNED);
	vmcs_writel(EPT_POINTER, construct_eptp(vcpu->kvm->arch.tdp_root));
	/* No VMCS shadowing: the link pointer must be all ones (SDM 27.3.1.5). */
	vmcs_writel(VMCS_LINK_POINTER, ~0ul);

	vmx_set_constant_host_state();

	init_seg(VCPU_SREG_ES, 0x93);	/* present, data, read/write, accessed */
	init_seg(VCPU_SREG_SS, 0x93);
	init_seg(VCPU_SREG_DS, 0x93);
	init_seg(VCPU_SREG_FS, 0x93);
	init_seg(VCPU_SREG_GS, 0x93);
	init_seg(VCPU_SREG_CS, 0x9b);	/* present, code, read/exec, accessed */
	vmcs_writel(GUEST_CS_SELECTOR, 0xf000);
	vmcs_writel(GUEST_CS_BASE, 0xffff0000);
	init_seg(VCPU_SREG_LDTR, 0x82);	/* present, LDT */
	init_seg(VCPU_SREG_TR, 0x8b);	/* present, busy 32-bit TSS */
	vmcs_writel(GUEST_GDTR_BASE, 0);
	vmcs_writel(GUEST_GDTR_LIMIT, 0xffff);
	vmcs_writel(GUEST_IDTR_BASE, 0);
	vmcs_writel(GUEST_IDTR_LIMIT, 0xffff);
	vmcs_writel(GUEST_RFLAGS, X86_EFLAGS_FIXED);
	vmcs_writel(GUEST_DR7, 0x400);
	vmcs_writel(GUEST_IA32_DEBUGCTL, 0);
	vmcs_writel(GUEST_SYSENTER_CS, 0);
	vmcs_writel(GUEST_SYSENTER_ESP, 0);
	vmcs_writel(GUEST_SYSENTER_EIP, 0);
#ifdef CONFIG_MINIKVM_LAPIC
	if (vmcs_config.vmentry_ctrl & VM_ENTRY_LOAD_IA32_PAT)
		vmcs_writel(GUEST_IA32_PAT, vcpu->arch.pat);
	vmcs_writel(TSC_OFFSET, vcpu->arch.l1_tsc_offset);
#endif
	vmcs_writel(GUEST_ACTIVITY_STATE, 0);		/* active */
	vmcs_writel(GUEST_INTERRUPTIBILITY_INFO, 0);
	vmcs_writel(GUEST_PENDING_DBG_EXCEPTIONS, 0);

	vmx_set_efer(vcpu, vcpu->arch.efer);
	vmx_set_cr0(vcpu, vcpu->arch.cr0);
	vmx_set_cr4(vcpu, vcpu->arch.cr4);
	vmx_set_cr3(vcpu, vcpu->arch.cr3);
	kvm_register_write(vcpu, VCPU_REGS_RIP, 0xfff0);
}

#ifdef CONFIG_MINIKVM_LAPIC
/** INIT or RESET: the VMCS (current on this CPU: we are in KVM_RUN) from
 *  vcpu->arch.  Linux: vmx_vcpu_reset(). */
static void vmx_vcpu_reset(struct kvm_vcpu *vcpu, bool init_event)
{
	init_vmcs(to_vmx(vcpu));
}
#endif

/** A VMCS for the new vCPU, VMCLEARed, loaded here and initialized.
 *  Linux: vmx_vcpu_create(). */
static int vmx_vcpu_create(struct kvm_vcpu *vcpu)
{
	struct vcpu_vmx *vmx = to_vmx(vcpu);
	int cpu;

	vmx->vmcs = alloc_vmcs(raw_smp_processor_id());
	if (!vmx->vmcs)
		return -ENOMEM;
	vmx->cpu = -1;
	INIT_LIST_HEAD(&vmx->loaded_vmcss_on_cpu_link);
	/* A fresh VMCS must be VMCLEARed once before first use (SDM 25.11.3). */
	cpu = get_cpu();
	vmcs_clear(vmx->vmcs);
	vmx_vcpu_load(vcpu, cpu);
	init_vmcs(vmx);
	put_cpu();
	return 0;
}

/** VMCLEAR the VMCS where it is active, then free it.
 *  Linux: vmx_vcpu_free(). */
static void vmx_vcpu_free(struct kvm_vcpu *vcpu)
{
	struct vcpu_vmx *vmx = to_vmx(vcpu);

	loaded_vmcs_clear(vmx);
	free_page((unsigned long)vmx->vmcs);
}

/* ---------------------------------------------------------------------- */
/* Entering the guest                                                       */
/* ---------------------------------------------------------------------- */

#ifdef CONFIG_MINIKVM_IRQCHIP
/**
 * vmx_recover_nmi_blocking - an IRET that ends an NMI handler unblocks
 * NMIs; if that IRET itself caused the exit (a fault while it ran, e.g.
 * an EPT violation on the stack it pops), it will run again, so NMIs must
 * stay blocked until then: the exit says so with bit 12 of the exit
 * qualification or interruption information (SDM 28.2.3).
 * Linux: vmx_recover_nmi_blocking().
 */
static void vmx_recover_nmi_blocking(struct vcpu_vmx *vmx, u32 idt_vectoring_info)
{
	u32 basic = vmx->exit_reason & 0xffff;
	bool unblocked;

	if (idt_vectoring_info & INTR_INFO_VALID_MASK)
		return;
	if (basic == EXIT_REASON_EXCEPTION_NMI) {
		u32 intr_info = vmcs_read32(VM_EXIT_INTR_INFO);

		/* Bit 12 means nothing for a double fault (SDM 28.2.3). */
		unblocked = (intr_info & VECTORING_INFO_NMI_UNBLOCK) &&
			    (intr_info & INTR_INFO_VECTOR_MASK) != DF_VECTOR;
	}
	else if (basic == EXIT_REASON_EPT_VIOLATION)
		unblocked = vmcs_readl(EXIT_QUALIFICATION) & VECTORING_INFO_NMI_UNBLOCK;
	else
		return;
	if (unblocked)
		vmcs_set_bits(GUEST_INTERRUPTIBILITY_INFO, GUEST_INTR_STATE_NMI);
}

/**
 * vmx_complete_interrupts - after an exit: what became of the event the
 * entry injected?  Every exit clears VM_ENTRY_INTR_INFO_FIELD's valid bit
 * (SDM 28.2), so an event is delivered once the guest ran; but if this
 * exit happened during its delivery (an EPT violation on the IDT, the
 * stack, the handler), the IDT-vectoring information field holds it, and
 * it goes back into the queue as "injected", to go in again.
 * INT n, INT3, INTO and INT1 are not queued: RIP still points at the
 * instruction, which raises them again when it runs again.
 * Linux: vmx_complete_interrupts() -> __vmx_complete_interrupts().
 */
static void vmx_complete_interrupts(struct vcpu_vmx *vmx)
{
	struct kvm_vcpu *vcpu = &vmx->vcpu;
	u32 info = vmcs_read32(IDT_VECTORING_INFO_FIELD);
	u32 vector = info & INTR_INFO_VECTOR_MASK;

	vmx_recover_nmi_blocking(vmx, info);
	vcpu->arch.exception.injected = false;
	vcpu->arch.nmi_injected = false;
	vcpu->arch.interrupt.injected = false;
	if (!(info & INTR_INFO_VALID_MASK))
		return;
	kvm_make_request(KVM_REQ_EVENT, vcpu);
	switch (info & INTR_INFO_INTR_TYPE_MASK) {
	case INTR_TYPE_NMI_INTR:
		vcpu->arch.nmi_injected = true;
		/* The NMI was not delivered, so it does not block NMIs yet; and
		 * an entry that injects an NMI while NMIs are blocked fails its
		 * checks (SDM 27.3.1.5). */
		vmcs_clear_bits(GUEST_INTERRUPTIBILITY_INFO, GUEST_INTR_STATE_NMI);
		break;
	case INTR_TYPE_HARD_EXCEPTION:
		vcpu->arch.exception.injected = true;
		vcpu->arch.exception.vector = vector;
		vcpu->arch.exception.has_error_code = info & INTR_INFO_DELIVER_CODE_MASK;
		if (vcpu->arch.exception.has_error_code)
			vcpu->arch.exception.error_code = vmcs_read32(IDT_VECTORING_ERROR_CODE);
		break;
	case INTR_TYPE_EXT_INTR:
		vcpu->arch.interrupt.injected = true;
		vcpu->arch.interrupt.soft = false;
		vcpu->arch.interrupt.nr = vector;
		break;
	default:	/* software interrupts and exceptions: see above */
		break;
	}
}

#else
/**
 * An event whose delivery this exit interrupted (IDT-vectoring information,
 * SDM 28.2.4) must be delivered again on the next entry.
 * Linux: vmx_complete_interrupts().
 */
static void vmx_complete_interrupts(struct vcpu_vmx *vmx)
{
	u32 info = vmcs_read32(IDT_VECTORING_INFO_FIELD);

	if (!(info & INTR_INFO_VALID_MASK))
		return;
	vmcs_writel(VM_ENTRY_INTR_INFO_FIELD, info & ~VECTORING_INFO_NMI_UNBLOCK);
	if (info & INTR_INFO_DELIVER_CODE_MASK)
		vmcs_writel(VM_ENTRY_EXCEPTION_ERROR_CODE, vmcs_read32(IDT_VECTORING_ERROR_CODE));
}
#endif

/**
 * vmx_vcpu_run - one VM entry.  Interrupts are off (vcpu_enter_guest()).
 * Linux: vmx_vcpu_run().
 */
static void vmx_vcpu_run(struct kvm_vcpu *vcpu)
{
	struct vcpu_vmx *vmx = to_vmx(vcpu);
	unsigned long cr3 = __read_cr3(), cr4 = cr4_read_shadow();
	unsigned short ds, es;
	u32 intr_info;

	/* The host's CR3 and CR4 can change between entries (PCID, ...). */
	if (cr3 != vmx->host_cr3) {
		vmcs_writel(HOST_CR3, cr3);
		vmx->host_cr3 = cr3;
	}
	if (cr4 != vmx->host_cr4) {
		vmcs_writel(HOST_CR4, cr4);
		vmx->host_cr4 = cr4;
	}
	vmcs_writel(GUEST_RSP, vcpu->arch.regs[VCPU_REGS_RSP]);
	vmcs_writel(GUEST_RIP, vcpu->arch.regs[VCPU_REGS_RIP]);
	/* CR2 is not in the VMCS: the guest's lives in the real register. */
	if (native_read_cr2() != vcpu->arch.cr2)
		native_write_cr2(vcpu->arch.cr2);
	savesegment(ds, ds);
	savesegment(es, es);
	/* KERNEL_GS_BASE, SYSCALL MSRs, FS/GS/LDT: once per vcpu_load. */
	vmx_prepare_switch_to_guest(vcpu);
	/* DR6 is no VMCS field: when the guest owns the debug registers its
	 * DR6 lives in the CPU (kvm_load_guest_debug_regs() did DR0-DR3). */
	if (unlikely(vcpu->arch.switch_db_regs))
		set_debugreg(vcpu->arch.dr6, 6);

	vmx->fail = __vmx_vcpu_run(vcpu->arch.regs, vmx->launched);

	vcpu->arch.cr2 = native_read_cr2();
	loadsegment(ds, ds);
	loadsegment(es, es);
	if (vmx->host_debugctlmsr)
		update_debugctlmsr(vmx->host_debugctlmsr);
	if (vmx->fail) {
		vmx->exit_reason = VMX_EXIT_REASONS_FAILED_VMENTRY;
		return;
	}
	vmx->exit_reason = vmcs_read32(VM_EXIT_REASON);
	/* A VM entry that failed on the guest state (exit reason bit 31,
	 * SDM 27.8) left the VMCS clear: the next try is a VMLAUNCH again,
	 * or a VMM that fixes the state could never run the vCPU. */
	if (vmx->exit_reason & VMX_EXIT_REASONS_FAILED_VMENTRY)
		return;
	vmx->launched = true;

	vcpu->arch.regs[VCPU_REGS_RSP] = vmcs_readl(GUEST_RSP);
	vcpu->arch.regs[VCPU_REGS_RIP] = vmcs_readl(GUEST_RIP);
	/* Guest-owned bits changed without an exit. */
	vcpu->arch.cr3 = vmcs_readl(GUEST_CR3);
	vcpu->arch.cr0 = (vcpu->arch.cr0 & CR0_HOST_OWNED) |
			 (vmcs_readl(GUEST_CR0) & ~CR0_HOST_OWNED);
	vcpu->arch.cr4 = (vcpu->arch.cr4 & CR4_HOST_OWNED) |
			 (vmcs_readl(GUEST_CR4) & ~CR4_HOST_OWNED);

	/* An NMI that arrived in the guest exited instead of being delivered:
	 * hand it to the host's NMI handler now, with interrupts still off. */
	if ((vmx->exit_reason & 0xffff) == EXIT_REASON_EXCEPTION_NMI) {
		intr_info = vmcs_read32(VM_EXIT_INTR_INFO);
		if ((intr_info & INTR_INFO_INTR_TYPE_MASK) == INTR_TYPE_NMI_INTR)
			asm volatile("int $2");
	}
	vmx_complete_interrupts(vmx);
}

/* ---------------------------------------------------------------------- */
/* Exit handlers                                                            */
/* ---------------------------------------------------------------------- */

/** The exit's instruction length is in the VMCS (SDM 28.2.5).
 *  Linux: vmx_skip_emulated_instruction(). */
static int vmx_skip_emulated_instruction(struct kvm_vcpu *vcpu)
{
	unsigned long rip = kvm_rip_read(vcpu) + vmcs_read32(VM_EXIT_INSTRUCTION_LEN);
	u32 interruptibility = vmcs_read32(GUEST_INTERRUPTIBILITY_INFO);

	if (!is_long_mode(vcpu))
		rip = (u32)rip;
	kvm_rip_write(vcpu, rip);
	/* Stepping over an instruction ends a STI / MOV SS shadow (bits 1:0). */
	if (interruptibility & 3)
		vmcs_writel(GUEST_INTERRUPTIBILITY_INFO, interruptibility & ~3u);
	return 1;
}

#ifdef CONFIG_MINIKVM_IRQCHIP
/*
 * Event injection (SDM 27.6): the VM-entry interruption-information field
 * says what to deliver (vector, type, error code, valid), and the entry
 * delivers it through the guest's IDT as the CPU would have.  Only
 * kvm_inject_pending_event() calls these.
 */

/** The queued exception goes in with the next entry.
 *  Linux: vmx_inject_exception(). */
static void vmx_inject_exception(struct kvm_vcpu *vcpu)
{
	struct kvm_queued_exception *ex = &vcpu->arch.exception;
	u32 info = ex->vector | INTR_TYPE_HARD_EXCEPTION | INTR_INFO_VALID_MASK;

	if (ex->has_error_code) {
		info |= INTR_INFO_DELIVER_CODE_MASK;
		vmcs_writel(VM_ENTRY_EXCEPTION_ERROR_CODE, ex->error_code);
	}
	vmcs_writel(VM_ENTRY_INTR_INFO_FIELD, info);
}

/** The queued external interrupt goes in.  Linux: vmx_inject_irq(). */
static void vmx_inject_irq(struct kvm_vcpu *vcpu)
{
	vmcs_writel(VM_ENTRY_INTR_INFO_FIELD,
		    vcpu->arch.interrupt.nr | INTR_TYPE_EXT_INTR | INTR_INFO_VALID_MASK);
}

/** An NMI goes in; with virtual NMIs the entry sets "blocking by NMI"
 *  and the guest's IRET clears it (SDM 27.6.1.2).  Linux: vmx_inject_nmi(). */
static void vmx_inject_nmi(struct kvm_vcpu *vcpu)
{
	vmcs_writel(VM_ENTRY_INTR_INFO_FIELD,
		    NMI_VECTOR | INTR_TYPE_NMI_INTR | INTR_INFO_VALID_MASK);
}

/** RFLAGS.IF set and no STI / MOV SS shadow (SDM 27.3.1.5 refuses an
 *  external interrupt otherwise).  Linux: vmx_interrupt_allowed(). */
static bool vmx_interrupt_allowed(struct kvm_vcpu *vcpu)
{
	return (vmcs_readl(GUEST_RFLAGS) & X86_EFLAGS_IF) &&
	       !(vmcs_read32(GUEST_INTERRUPTIBILITY_INFO) &
		 (GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS));
}

/** No NMI handler running (blocking by NMI) and no shadow.
 *  Linux: vmx_nmi_allowed(). */
static bool vmx_nmi_allowed(struct kvm_vcpu *vcpu)
{
	return !(vmcs_read32(GUEST_INTERRUPTIBILITY_INFO) &
		 (GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS | GUEST_INTR_STATE_NMI));
}

/** Turn a processor-based control on for this vCPU. */
static void vmx_exec_ctls_setbit(struct vcpu_vmx *vmx, u32 bit)
{
	vmx->exec_ctls |= bit;
	vmcs_writel(CPU_BASED_VM_EXEC_CONTROL, vmx->exec_ctls);
}

/** Turn a processor-based control off for this vCPU. */
static void vmx_exec_ctls_clearbit(struct vcpu_vmx *vmx, u32 bit)
{
	vmx->exec_ctls &= ~bit;
	vmcs_writel(CPU_BASED_VM_EXEC_CONTROL, vmx->exec_ctls);
}

/** Interrupt-window exiting: an exit before the first instruction at
 *  which RFLAGS.IF = 1 and no shadow blocks (SDM 26.7.5).
 *  Linux: vmx_enable_irq_window(). */
static void vmx_enable_irq_window(struct kvm_vcpu *vcpu)
{
	vmx_exec_ctls_setbit(to_vmx(vcpu), CPU_BASED_INTR_WINDOW_EXITING);
}

/** NMI-window exiting: an exit once no NMI handler blocks NMIs
 *  (SDM 26.7.6).  Linux: vmx_enable_nmi_window(). */
static void vmx_enable_nmi_window(struct kvm_vcpu *vcpu)
{
	/* Some CPUs take the NMI-window exit even in an STI shadow (SDM
	 * 26.7.6), where vmx_nmi_allowed() says no: that would exit again
	 * and again at the same instruction.  The interrupt window opens
	 * after the shadow on every CPU, so wait for that one.
	 * Linux: the same test in vmx_enable_nmi_window(). */
	if (vmcs_read32(GUEST_INTERRUPTIBILITY_INFO) & GUEST_INTR_STATE_STI) {
		vmx_enable_irq_window(vcpu);
		return;
	}
	vmx_exec_ctls_setbit(to_vmx(vcpu), CPU_BASED_NMI_WINDOW_EXITING);
}

/** The shadow, in KVM's bits.  Linux: vmx_get_interrupt_shadow(). */
static u32 vmx_get_interrupt_shadow(struct kvm_vcpu *vcpu)
{
	u32 state = vmcs_read32(GUEST_INTERRUPTIBILITY_INFO);
	u32 mask = 0;

	if (state & GUEST_INTR_STATE_STI)
		mask |= KVM_X86_SHADOW_INT_STI;
	if (state & GUEST_INTR_STATE_MOV_SS)
		mask |= KVM_X86_SHADOW_INT_MOV_SS;
	return mask;
}

/** Set the shadow; at most one of the two kinds (an entry with both
 *  fails, SDM 27.3.1.5).  Linux: vmx_set_interrupt_shadow(). */
static void vmx_set_interrupt_shadow(struct kvm_vcpu *vcpu, u32 mask)
{
	u32 state = vmcs_read32(GUEST_INTERRUPTIBILITY_INFO) &
		    ~(GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS);

	if (mask & KVM_X86_SHADOW_INT_MOV_SS)
		state |= GUEST_INTR_STATE_MOV_SS;
	else if (mask & KVM_X86_SHADOW_INT_STI)
		state |= GUEST_INTR_STATE_STI;
	vmcs_writel(GUEST_INTERRUPTIBILITY_INFO, state);
}

/** Is an NMI handler running?  Linux: vmx_get_nmi_mask(). */
static bool vmx_get_nmi_mask(struct kvm_vcpu *vcpu)
{
	return vmcs_read32(GUEST_INTERRUPTIBILITY_INFO) & GUEST_INTR_STATE_NMI;
}

/** Block or unblock NMIs.  Linux: vmx_set_nmi_mask(). */
static void vmx_set_nmi_mask(struct kvm_vcpu *vcpu, bool masked)
{
	if (masked)
		vmcs_set_bits(GUEST_INTERRUPTIBILITY_INFO, GUEST_INTR_STATE_NMI);
	else
		vmcs_clear_bits(GUEST_INTERRUPTIBILITY_INFO, GUEST_INTR_STATE_NMI);
}

/** The window we asked for is open: stop asking, and let
 *  kvm_inject_pending_event() look again.
 *  Linux: handle_interrupt_window() / handle_nmi_window(). */
static int handle_window(struct kvm_vcpu *vcpu, u32 control)
{
	vmx_exec_ctls_clearbit(to_vmx(vcpu), control);
	kvm_make_request(KVM_REQ_EVENT, vcpu);
	return 1;
}
#else
/** Inject an exception on the next entry (SDM 27.6).  Linux: vmx_inject_exception(). */
static void vmx_queue_exception(struct kvm_vcpu *vcpu, unsigned int nr,
				bool has_error_code, u32 error_code)
{
	u32 info = nr | INTR_TYPE_HARD_EXCEPTION | INTR_INFO_VALID_MASK;

	if (has_error_code) {
		info |= INTR_INFO_DELIVER_CODE_MASK;
		vmcs_writel(VM_ENTRY_EXCEPTION_ERROR_CODE, error_code);
	}
	vmcs_writel(VM_ENTRY_INTR_INFO_FIELD, info);
}
#endif

#ifdef CONFIG_MINIKVM_LAPIC
/**
 * handle_pause - the guest has been spinning on PAUSE for PLE_WINDOW
 * cycles: it waits for something another vCPU must do (release a lock,
 * come up after its SIPI).  If that vCPU's thread waits for this CPU, it
 * gets it now; the PAUSE itself is skipped, the loop goes on afterwards.
 * Without this a spinning guest gives the CPU back only at the host's
 * next timer tick, and under Bochs, whose one CPU runs every vCPU, not
 * even then: smp-boot's BSP waited there for APs that never ran.
 * Linux: handle_pause() (which also grows and shrinks the window).
 */
static int handle_pause(struct kvm_vcpu *vcpu)
{
	kvm_vcpu_on_spin(vcpu);
	return kvm_skip_emulated_instruction(vcpu);
}
#endif

/** IN/OUT: the qualification says port, size, direction (SDM Table 28-5).
 *  Linux: handle_io(). */
static int handle_io(struct kvm_vcpu *vcpu)
{
	unsigned long q = vmcs_readl(EXIT_QUALIFICATION);
	int size = (q & IO_QUAL_SIZE_MASK) + 1;

	if (q & IO_QUAL_STRING) {
#ifdef CONFIG_MINIKVM_EMULATE
		return kvm_emulate_instruction(vcpu);
#endif
		/* INS/OUTS need the instruction emulator (chapter 05). */
		vcpu->run->exit_reason = KVM_EXIT_INTERNAL_ERROR;
		vcpu->run->internal.suberror = KVM_INTERNAL_ERROR_EMULATION;
		vcpu->run->internal.ndata = 0;
		return 0;
	}
	return kvm_fast_pio(vcpu, size, q >> IO_QUAL_PORT_SHIFT, !!(q & IO_QUAL_IN));
}

/**
 * handle_cr - MOV to CR0/CR4 touching a bit we own, or any MOV to or from
 * CR8.  The qualification names the CR and the register (SDM Table 28-3).
 * Other CR accesses do not exit with our controls.  Linux: handle_cr().
 */
static int handle_cr(struct kvm_vcpu *vcpu)
{
	unsigned long q = vmcs_readl(EXIT_QUALIFICATION);
	int cr = q & CR_QUAL_NUM_MASK;
	int type = (q >> CR_QUAL_TYPE_SHIFT) & 3;
	unsigned long val = kvm_register_read(vcpu, (q >> CR_QUAL_REG_SHIFT) & 0xf);

	if (cr == 8) {
		/* CR8 is the task-priority register: every access exits (no
		 * TPR shadow), so the local APIC sees each new priority.
		 * Linux: kvm_set_cr8() / kvm_get_cr8(). */
		int reg = (q >> CR_QUAL_REG_SHIFT) & 0xf;

		if (type == CR_QUAL_TYPE_MOV_TO_CR)
			kvm_set_cr8(vcpu, val);
		else if (type == CR_QUAL_TYPE_MOV_FROM_CR)
			kvm_register_write(vcpu, reg, kvm_get_cr8(vcpu));
		else
			return kvm_unexpected_exit(vcpu, EXIT_REASON_CR_ACCESS);
		return kvm_skip_emulated_instruction(vcpu);
	}
	if (type != CR_QUAL_TYPE_MOV_TO_CR || (cr != 0 && cr != 4))
		return kvm_unexpected_exit(vcpu, EXIT_REASON_CR_ACCESS);
	if (cr == 0) {
		/* Paging without protection, NW without CD, or long mode
		 * without PAE: #GP (SDM Vol. 2A, MOV to CR0). */
		if (((val & X86_CR0_PG) && !(val & X86_CR0_PE)) ||
		    ((val & X86_CR0_NW) && !(val & X86_CR0_CD)) ||
		    ((val & X86_CR0_PG) && (vcpu->arch.efer & EFER_LME) &&
		     !(vcpu->arch.cr4 & X86_CR4_PAE))) {
			kvm_queue_exception_e(vcpu, GP_VECTOR, 0);
			return 1;
		}
		vmx_set_cr0(vcpu, val);
	} else {
		if (val & X86_CR4_VMXE) {	/* no nested VMX for our guests */
			kvm_queue_exception_e(vcpu, GP_VECTOR, 0);
			return 1;
		}
		vmx_set_cr4(vcpu, val);
	}
	return kvm_skip_emulated_instruction(vcpu);
}

/**
 * handle_dr - the guest's first MOV to or from a debug register since the
 * last exit.  Rather than emulate each access, stop intercepting them and
 * let the instruction run again on the guest's own values, which
 * vcpu_enter_guest() loads; vmx_sync_dirty_debug_regs() takes them back
 * after the next exit.  Linux: handle_dr(), the KVM_DEBUGREG_WONT_EXIT path.
 */
static int handle_dr(struct kvm_vcpu *vcpu)
{
	struct vcpu_vmx *vmx = to_vmx(vcpu);

	vmx->exec_ctls &= ~CPU_BASED_MOV_DR_EXITING;
	vmcs_writel(CPU_BASED_VM_EXEC_CONTROL, vmx->exec_ctls);
	vcpu->arch.switch_db_regs = true;
	return 1;
}

#ifdef CONFIG_MINIKVM_FINAL
/** CPUID bits whose instructions need a secondary control (SDM Vol. 3C,
 *  25.6.2, Table 25-7; the bits: SDM Vol. 2A, CPUID). @{ */
#define CPUID_7_EBX_INVPCID		BIT(10)
#define CPUID_7_ECX_WAITPKG		BIT(5)	/**< UMONITOR, UMWAIT, TPAUSE */
#define CPUID_7_ECX_RDPID		BIT(22)
#define CPUID_80000001_EDX_RDTSCP	BIT(27)
/** @} */

/**
 * vmx_set_cpu_caps - keep out of the guest's CPUID the instructions that
 * would be #UD in VMX non-root operation: INVPCID, RDTSCP and RDPID when
 * this CPU lacks their "enable" controls (setup_vmcs_config() asks for
 * them), and WAITPKG always (we do not set "enable user wait and pause").
 * A guest believes CPUID: Linux flushes its TLB with INVPCID whenever
 * leaf 7 offers it, and took a #UD there before its IDT was up.
 * Linux: vmx_set_cpu_caps().
 */
static void vmx_set_cpu_caps(struct kvm_cpuid_entry2 *e)
{
	u32 ctls2 = vmcs_config.cpu_based_2nd;

	if (e->function == 0x07 && e->index == 0) {
		if (!(ctls2 & SECONDARY_EXEC_ENABLE_INVPCID))
			e->ebx &= ~CPUID_7_EBX_INVPCID;
		if (!(ctls2 & SECONDARY_EXEC_ENABLE_RDTSCP))
			e->ecx &= ~CPUID_7_ECX_RDPID;
		e->ecx &= ~CPUID_7_ECX_WAITPKG;
	} else if (e->function == 0x80000001 && !(ctls2 & SECONDARY_EXEC_ENABLE_RDTSCP)) {
		e->edx &= ~CPUID_80000001_EDX_RDTSCP;
	}
}

/** DR6 is no VMCS field: the guest's lives in vcpu->arch.dr6, loaded into
 *  the CPU while it owns the debug registers.  Linux: kvm_get_dr(). */
static unsigned long vmx_get_dr6(struct kvm_vcpu *vcpu)
{
	return vcpu->arch.dr6;
}

/** KVM_SET_DEBUGREGS' DR6.  Linux: kvm_set_dr() for DR6. */
static void vmx_set_dr6(struct kvm_vcpu *vcpu, unsigned long val)
{
	vcpu->arch.dr6 = val;
}

/** KVM_SET_DEBUGREGS' DR7: the VMCS's guest field (SDM 24.4.1), loaded by
 *  the next entry.  Linux: vmx_set_dr7(). */
static void vmx_set_dr7(struct kvm_vcpu *vcpu, unsigned long val)
{
	vmcs_writel(GUEST_DR7, val);
}
#endif

/**
 * handle_db - a #DB in the guest exited (we intercept it, see init_vmcs()):
 * give it back to the guest.  The exit did not update DR6; the exit
 * qualification holds what DR6 would have got (SDM 28.2.1, Table 28-1:
 * B0-B3, BD, BS), so the guest's DR6 gets it now, and its next read of
 * DR6 (which exits) sees it.  INT1 comes back as the privileged software
 * exception it was, with its instruction length.
 * Linux: handle_exception_nmi(), the DB_VECTOR case.
 */
static int handle_db(struct kvm_vcpu *vcpu, u32 info)
{
	unsigned long q = vmcs_readl(EXIT_QUALIFICATION);
	u32 type = info & INTR_INFO_INTR_TYPE_MASK;

	vcpu->arch.dr6 = (vcpu->arch.dr6 & ~(unsigned long)DR_TRAP_BITS) |
			 (q & (DR_TRAP_BITS | DR_STEP | DR6_BD));
#ifdef CONFIG_MINIKVM_IRQCHIP
	/* INT1 traps: step over it and deliver a plain #DB, which pushes the
	 * same return address (Linux does the same). */
	if (type == INTR_TYPE_PRIV_SW_EXCEPTION)
		kvm_skip_emulated_instruction(vcpu);
	kvm_queue_exception(vcpu, DB_VECTOR);
	return 1;
#else
	if (type == INTR_TYPE_PRIV_SW_EXCEPTION || type == INTR_TYPE_SOFT_EXCEPTION)
		vmcs_writel(VM_ENTRY_INSTRUCTION_LEN, vmcs_read32(VM_EXIT_INSTRUCTION_LEN));
	vmcs_writel(VM_ENTRY_INTR_INFO_FIELD,
		    DB_VECTOR | type | INTR_INFO_VALID_MASK);
	return 1;
#endif
}

/**
 * vmx_sync_dirty_debug_regs - right after an exit, with the guest owning
 * the debug registers: keep DR0-DR3 and DR6, note DR7 (it stays in the
 * VMCS, saved by the exit; while it arms a breakpoint DR0-DR3 are loaded
 * before every entry), give the host a clean DR6 (its #DB handler reads
 * it), and intercept again.  Linux: vmx_sync_dirty_debug_regs().
 */
static void vmx_sync_dirty_debug_regs(struct kvm_vcpu *vcpu)
{
	struct vcpu_vmx *vmx = to_vmx(vcpu);

	get_debugreg(vcpu->arch.db[0], 0);
	get_debugreg(vcpu->arch.db[1], 1);
	get_debugreg(vcpu->arch.db[2], 2);
	get_debugreg(vcpu->arch.db[3], 3);
	get_debugreg(vcpu->arch.dr6, 6);
	set_debugreg(DR6_RESERVED, 6);
	vcpu->arch.dr7 = vmcs_readl(GUEST_DR7);
	vcpu->arch.switch_db_regs = false;
	vmx->exec_ctls |= CPU_BASED_MOV_DR_EXITING;
	vmcs_writel(CPU_BASED_VM_EXEC_CONTROL, vmx->exec_ctls);
}

/**
 * vmx_get_msr - MSRs that live in the VMCS or in struct vcpu_vmx.
 * Linux: vmx_get_msr().
 */
static int vmx_get_msr(struct kvm_vcpu *vcpu, struct msr_data *msr_info)
{
	struct vcpu_vmx *vmx = to_vmx(vcpu);
	u64 *data = &msr_info->data;

	switch (msr_info->index) {
	case MSR_FS_BASE:
		*data = vmcs_readl(GUEST_FS_BASE);
		return 0;
	case MSR_GS_BASE:
		*data = vmcs_readl(GUEST_GS_BASE);
		return 0;
	case MSR_KERNEL_GS_BASE:
		/* In the CPU while the guest state is loaded. */
		preempt_disable();
		if (vmx->guest_state_loaded)
			vmx->guest_kernel_gs_base = native_read_msr(MSR_KERNEL_GS_BASE);
		preempt_enable();
		*data = vmx->guest_kernel_gs_base;
		return 0;
	case MSR_STAR:
		*data = vmx->guest_uret_msrs[KVM_URET_STAR];
		return 0;
	case MSR_LSTAR:
		*data = vmx->guest_uret_msrs[KVM_URET_LSTAR];
		return 0;
	case MSR_CSTAR:
		*data = vmx->guest_uret_msrs[KVM_URET_CSTAR];
		return 0;
	case MSR_SYSCALL_MASK:
		*data = vmx->guest_uret_msrs[KVM_URET_SYSCALL_MASK];
		return 0;
	case MSR_IA32_SYSENTER_CS:
		*data = vmcs_read32(GUEST_SYSENTER_CS);
		return 0;
	case MSR_IA32_SYSENTER_ESP:
		*data = vmcs_readl(GUEST_SYSENTER_ESP);
		return 0;
	case MSR_IA32_SYSENTER_EIP:
		*data = vmcs_readl(GUEST_SYSENTER_EIP);
		return 0;
	default:
		return kvm_get_msr_common(vcpu, msr_info);
	}
}

/** Set a SYSCALL MSR: loaded into the CPU at once (the guest state is
 *  loaded while exits are handled), so a value the CPU refuses is #GP. */
static int vmx_set_guest_uret_msr(struct vcpu_vmx *vmx, unsigned int slot, u64 data)
{
	int r;

	preempt_disable();
	vmx_prepare_switch_to_guest(&vmx->vcpu);
	r = kvm_set_user_return_msr(slot, data);
	preempt_enable();
	if (!r)
		vmx->guest_uret_msrs[slot] = data;
	return r;
}

/** WRMSR of the MSRs vmx_get_msr() reads.  Linux: vmx_set_msr(). */
static int vmx_set_msr(struct kvm_vcpu *vcpu, struct msr_data *msr_info)
{
	struct vcpu_vmx *vmx = to_vmx(vcpu);
	u64 data = msr_info->data;

	switch (msr_info->index) {
	case MSR_FS_BASE:
		vmcs_writel(GUEST_FS_BASE, data);
		return 0;
	case MSR_GS_BASE:
		vmcs_writel(GUEST_GS_BASE, data);
		return 0;
	case MSR_KERNEL_GS_BASE:
		preempt_disable();
		if (vmx->guest_state_loaded)
			wrmsrl(MSR_KERNEL_GS_BASE, data);
		preempt_enable();
		vmx->guest_kernel_gs_base = data;
		return 0;
	case MSR_STAR:
		return vmx_set_guest_uret_msr(vmx, KVM_URET_STAR, data);
	case MSR_LSTAR:
		return vmx_set_guest_uret_msr(vmx, KVM_URET_LSTAR, data);
	case MSR_CSTAR:
		return vmx_set_guest_uret_msr(vmx, KVM_URET_CSTAR, data);
	case MSR_SYSCALL_MASK:
		return vmx_set_guest_uret_msr(vmx, KVM_URET_SYSCALL_MASK, data);
	case MSR_IA32_SYSENTER_CS:
		vmcs_writel(GUEST_SYSENTER_CS, (u32)data);
		return 0;
	case MSR_IA32_SYSENTER_ESP:
		vmcs_writel(GUEST_SYSENTER_ESP, data);
		return 0;
	case MSR_IA32_SYSENTER_EIP:
		vmcs_writel(GUEST_SYSENTER_EIP, data);
		return 0;
#ifdef CONFIG_MINIKVM_LAPIC
	case MSR_IA32_CR_PAT:
		/* Checked and kept by the common code.  Loaded into the CPU
		 * only if the VMCS can switch it (VM-entry control "load
		 * IA32_PAT", SDM 24.8.1); otherwise the guest runs with the
		 * host's PAT and its own is only stored. */
		if (kvm_set_msr_common(vcpu, msr_info))
			return 1;
		if (vmcs_config.vmentry_ctrl & VM_ENTRY_LOAD_IA32_PAT)
			vmcs_writel(GUEST_IA32_PAT, data);
		return 0;
#endif
	default:
		return kvm_set_msr_common(vcpu, msr_info);
	}
}

#ifdef CONFIG_MINIKVM_LAPIC
/** RDTSC, RDTSCP and RDMSR of IA32_TSC in the guest return the host TSC
 *  plus TSC_OFFSET, with "use TSC offsetting" on (SDM Vol. 3C, 25.3).
 *  Linux: vmx_write_tsc_offset(). */
static void vmx_write_tsc_offset(struct kvm_vcpu *vcpu, u64 offset)
{
	vmcs_writel(TSC_OFFSET, offset);
}
#endif

#ifdef CONFIG_MINIKVM_MMU
/**
 * handle_ept_violation - a guest access the EPT does not allow: a page not
 * mapped yet, a write to a read-only one, or MMIO.  The VMCS gives the
 * guest-physical address, the qualification what the access was
 * (SDM 28.2.1, Table 28-7).  Linux: handle_ept_violation().
 */
static int handle_ept_violation(struct kvm_vcpu *vcpu)
{
	unsigned long q = vmcs_readl(EXIT_QUALIFICATION);

	/* Bit 8 set: the access was to the translation of a linear address,
	 * i.e. the instruction's operand; clear: the CPU's own walk of the
	 * guest's page tables (or no linear address at all). */
	return kvm_mmu_page_fault(vcpu, vmcs_readl(GUEST_PHYSICAL_ADDRESS),
				  q & EPT_VIOLATION_ACC_WRITE, q & EPT_VIOLATION_ACC_INSTR,
				  !(q & EPT_VIOLATION_GVA_TRANSLATED));
}
#endif

/** One line of dump_vmcs(): a guest segment register, by name. */
static void dump_seg(const char *name, int seg)
{
	pr_err("  %-4s sel %04lx ar %05x limit %08x base %016lx\n", name,
	       vmcs_readl(kvm_vmx_segment_fields[seg].selector),
	       vmcs_read32(kvm_vmx_segment_fields[seg].ar_bytes),
	       vmcs_read32(kvm_vmx_segment_fields[seg].limit),
	       vmcs_readl(kvm_vmx_segment_fields[seg].base));
}

/** Print the fields the VM-entry checks of SDM chapter 27 look at, by name.
 * Linux: dump_vmcs(). */
static void dump_vmcs(struct vcpu_vmx *vmx)
{
	if (vmx->fail)
		pr_err("minikvm-intel: VM entry failed (VMfail), VM-instruction error %u (SDM 31.4)\n",
		       vmcs_read32(VM_INSTRUCTION_ERROR));
	else
		pr_err("minikvm-intel: VM entry failed, exit reason 0x%08x, qualification %lx (SDM 27.8)\n",
		       vmx->exit_reason, vmcs_readl(EXIT_QUALIFICATION));
	pr_err("  cr0 %016lx (shadow %lx)  cr3 %016lx  cr4 %016lx (shadow %lx)\n",
	       vmcs_readl(GUEST_CR0), vmcs_readl(CR0_READ_SHADOW), vmcs_readl(GUEST_CR3),
	       vmcs_readl(GUEST_CR4), vmcs_readl(CR4_READ_SHADOW));
	pr_err("  efer %016lx  entry controls %08x  rip %016lx  rsp %016lx  rflags %08lx\n",
	       vmcs_readl(GUEST_IA32_EFER), vmcs_read32(VM_ENTRY_CONTROLS),
	       vmcs_readl(GUEST_RIP), vmcs_readl(GUEST_RSP), vmcs_readl(GUEST_RFLAGS));
	dump_seg("cs", VCPU_SREG_CS);
	dump_seg("ss", VCPU_SREG_SS);
	dump_seg("ds", VCPU_SREG_DS);
	dump_seg("tr", VCPU_SREG_TR);
	dump_seg("ldtr", VCPU_SREG_LDTR);
	pr_err("  activity %u  interruptibility %x  entry intr info %08x  link %lx\n",
	       vmcs_read32(GUEST_ACTIVITY_STATE), vmcs_read32(GUEST_INTERRUPTIBILITY_INFO),
	       vmcs_read32(VM_ENTRY_INTR_INFO_FIELD), vmcs_readl(VMCS_LINK_POINTER));
}

/**
 * vmx_handle_exit - dispatch on the basic exit reason (bits 15:0).
 * Linux: vmx_handle_exit() and its kvm_vmx_exit_handlers[] table.
 */
static int vmx_handle_exit(struct kvm_vcpu *vcpu)
{
	struct vcpu_vmx *vmx = to_vmx(vcpu);
	u32 reason = vmx->exit_reason;

	if (vmx->fail) {
		dump_vmcs(vmx);
		kvm_prepare_fail_entry(vcpu, vmcs_read32(VM_INSTRUCTION_ERROR));
		return 0;
	}
	if (reason & VMX_EXIT_REASONS_FAILED_VMENTRY) {
		dump_vmcs(vmx);
		kvm_prepare_fail_entry(vcpu, reason);
		return 0;
	}

	switch (reason & 0xffff) {
	case EXIT_REASON_EXCEPTION_NMI: {
		u32 info = vmcs_read32(VM_EXIT_INTR_INFO);

		if ((info & INTR_INFO_INTR_TYPE_MASK) == INTR_TYPE_NMI_INTR)
			return 1;	/* handled in vmx_vcpu_run() */
		if ((info & INTR_INFO_VECTOR_MASK) == AC_VECTOR) {
			kvm_queue_exception_e(vcpu, AC_VECTOR,
					      vmcs_read32(VM_EXIT_INTR_ERROR_CODE));
			return 1;
		}
		if ((info & INTR_INFO_VECTOR_MASK) == DB_VECTOR)
			return handle_db(vcpu, info);
		return kvm_unexpected_exit(vcpu, reason);
	}
	case EXIT_REASON_EXTERNAL_INTERRUPT:
		return 1;	/* the host took it when interrupts came back on */
	case EXIT_REASON_TRIPLE_FAULT:
		vcpu->run->exit_reason = KVM_EXIT_SHUTDOWN;
		return 0;
#ifdef CONFIG_MINIKVM_IRQCHIP
	case EXIT_REASON_INTERRUPT_WINDOW:
		return handle_window(vcpu, CPU_BASED_INTR_WINDOW_EXITING);
	case EXIT_REASON_NMI_WINDOW:
		return handle_window(vcpu, CPU_BASED_NMI_WINDOW_EXITING);
#endif
	case EXIT_REASON_CPUID:
		return kvm_emulate_cpuid(vcpu);
#ifdef CONFIG_MINIKVM_FINAL
	case EXIT_REASON_XSETBV:
		return kvm_emulate_xsetbv(vcpu);
#endif
	case EXIT_REASON_HLT:
		return kvm_emulate_halt(vcpu);
#ifdef CONFIG_MINIKVM_LAPIC
	case EXIT_REASON_PAUSE_INSTRUCTION:
		return handle_pause(vcpu);
#endif
	case EXIT_REASON_INVD:
		return kvm_skip_emulated_instruction(vcpu);	/* a no-op for a guest */
	case EXIT_REASON_VMCALL:
		return kvm_emulate_hypercall(vcpu);
	case EXIT_REASON_CR_ACCESS:
		return handle_cr(vcpu);
	case EXIT_REASON_DR_ACCESS:
		return handle_dr(vcpu);
	case EXIT_REASON_RDPMC:
		return kvm_emulate_rdpmc(vcpu);
#ifdef CONFIG_MINIKVM_MMU
	case EXIT_REASON_EPT_VIOLATION:
		return handle_ept_violation(vcpu);
#endif
	case EXIT_REASON_IO_INSTRUCTION:
		return handle_io(vcpu);
	case EXIT_REASON_MSR_READ:
		return kvm_emulate_rdmsr(vcpu);
	case EXIT_REASON_MSR_WRITE:
		return kvm_emulate_wrmsr(vcpu);
	case EXIT_REASON_VMCLEAR: case EXIT_REASON_VMLAUNCH:
	case EXIT_REASON_VMPTRLD: case EXIT_REASON_VMPTRST:
	case EXIT_REASON_VMREAD: case EXIT_REASON_VMRESUME:
	case EXIT_REASON_VMWRITE: case EXIT_REASON_VMOFF:
	case EXIT_REASON_VMON: case EXIT_REASON_INVEPT:
	case EXIT_REASON_INVVPID:
	case EXIT_REASON_MWAIT_INSTRUCTION:
	case EXIT_REASON_MONITOR_INSTRUCTION:
		return kvm_handle_invalid_op(vcpu);
	default:
		return kvm_unexpected_exit(vcpu, reason);
	}
}

/**
 * Why the last exit happened, for the kvm_exit tracepoint and the exit
 * counters: the full exit reason, the exit qualification (SDM 28.2.1),
 * and for EPT exits the guest-physical address (28.2.2).  After a VMfail
 * there was no exit, and the reason says only "entry failed".
 * Linux: vmx_get_exit_info(), whose second word is the IDT-vectoring info.
 */
static void vmx_get_exit_info(struct kvm_vcpu *vcpu, u32 *reason, u64 *info1, u64 *info2)
{
	struct vcpu_vmx *vmx = to_vmx(vcpu);
	u32 basic = vmx->exit_reason & 0xffff;

	*reason = vmx->exit_reason;
	if (!info1)
		return;		/* the reason alone: no VMREAD */
	*info1 = vmx->fail ? 0 : vmcs_readl(EXIT_QUALIFICATION);
	*info2 = 0;
	if (!vmx->fail && (basic == EXIT_REASON_EPT_VIOLATION || basic == EXIT_REASON_EPT_MISCONFIG))
		*info2 = vmcs_readl(GUEST_PHYSICAL_ADDRESS);
}

/** What minikvm-intel gives the core.  Linux: vt_x86_ops in vmx/main.c
 *  (vmx_x86_ops in vmx.c in older kernels). */
static struct kvm_x86_ops vmx_x86_ops = {
	.name = "minikvm-intel",
	.isa = KVM_ISA_VMX,
	.owner = THIS_MODULE,
	.vcpu_size = sizeof(struct vcpu_vmx),
	.hardware_enable = vmx_hardware_enable,
	.hardware_disable = vmx_hardware_disable,
	.vcpu_create = vmx_vcpu_create,
	.vcpu_free = vmx_vcpu_free,
	.vcpu_load = vmx_vcpu_load,
	.vcpu_put = vmx_vcpu_put,
	.get_segment = vmx_get_segment,
	.set_segment = vmx_set_segment,
	.get_idt = vmx_get_idt,
	.set_idt = vmx_set_idt,
	.get_gdt = vmx_get_gdt,
	.set_gdt = vmx_set_gdt,
	.set_cr0 = vmx_set_cr0,
	.set_cr3 = vmx_set_cr3,
	.set_cr4 = vmx_set_cr4,
	.set_efer = vmx_set_efer,
	.get_rflags = vmx_get_rflags,
	.set_rflags = vmx_set_rflags,
	.flush_tlb = vmx_flush_tlb,
	.vcpu_run = vmx_vcpu_run,
	.handle_exit = vmx_handle_exit,
	.get_exit_info = vmx_get_exit_info,
	.skip_emulated_instruction = vmx_skip_emulated_instruction,
#ifdef CONFIG_MINIKVM_IRQCHIP
	.inject_exception = vmx_inject_exception,
	.inject_irq = vmx_inject_irq,
	.inject_nmi = vmx_inject_nmi,
	.interrupt_allowed = vmx_interrupt_allowed,
	.nmi_allowed = vmx_nmi_allowed,
	.enable_irq_window = vmx_enable_irq_window,
#ifdef CONFIG_MINIKVM_LAPIC
	.vcpu_reset = vmx_vcpu_reset,
#endif
	.enable_nmi_window = vmx_enable_nmi_window,
	.get_interrupt_shadow = vmx_get_interrupt_shadow,
	.set_interrupt_shadow = vmx_set_interrupt_shadow,
	.get_nmi_mask = vmx_get_nmi_mask,
	.set_nmi_mask = vmx_set_nmi_mask,
#else
	.queue_exception = vmx_queue_exception,
#endif
	.get_msr = vmx_get_msr,
	.set_msr = vmx_set_msr,
#ifdef CONFIG_MINIKVM_LAPIC
	.write_tsc_offset = vmx_write_tsc_offset,
#endif
	.sync_dirty_debug_regs = vmx_sync_dirty_debug_regs,
#ifdef CONFIG_MINIKVM_FINAL
	.get_dr6 = vmx_get_dr6,
	.set_cpu_caps = vmx_set_cpu_caps,
	.set_dr6 = vmx_set_dr6,
	.set_dr7 = vmx_set_dr7,
#endif
};

/** EPT entries: read/write/execute at every level, write-back memory type
 * in leaves (include/minikvm/tdp.h; SDM Vol. 3C 29.3.2, Tables 29-1..29-6). */
#ifdef CONFIG_MINIKVM_FINAL
static struct kvm_tdp_format ept_format = EPT_TDP_FORMAT;	/* vmx_init(): 2 MiB pages */
#else
static const struct kvm_tdp_format ept_format = EPT_TDP_FORMAT;
#endif

/** Loading minikvm-intel.ko: check the CPU and its VMX capabilities, then
 *  register with the core (which runs VMXON on every CPU and creates the
 *  device).  Linux: vmx_init(). */
static int __init vmx_init(void)
{
	int r = vmx_check_processor();

	if (r)
		return r;
#ifdef CONFIG_MINIKVM_FINAL
	/* 2 MiB EPT pages where the CPU offers them (SDM Vol. 3D, A.10).
	 * Linux: ept_caps_to_lpage_level(). */
	if (vmcs_config.ept_cap & VMX_EPT_2MB_PAGE_BIT)
		ept_format.large_bit = EPT_LARGE_PAGE;
#endif
	r = kvm_x86_vendor_init(&vmx_x86_ops, &ept_format);
	if (r)
		return r;
	pr_info("minikvm-intel: VMX with EPT and unrestricted guest enabled (VMCS revision %u)\n",
		vmcs_config.revision_id);
	return 0;
}

/** Unloading minikvm-intel.ko.  Linux: vmx_exit(). */
static void __exit vmx_exit(void)
{
	kvm_x86_vendor_exit();
}

module_init(vmx_init);
module_exit(vmx_exit);
