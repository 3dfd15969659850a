// SPDX-License-Identifier: GPL-2.0
/**
 * @file svm.c
 * @brief minikvm-amd.ko: AMD Secure Virtual Machine (SVM) with nested
 * paging (NPT).
 *
 * AMD64 Architecture Programmer's Manual Vol. 2 (pub. 24593), chapter 15
 * "Secure Virtual Machine".  The pieces, in the order a guest meets them:
 *   - enable: EFER.SVME on every CPU and a host-save area (15.4, 15.30.4);
 *   - a VMCB per vCPU: intercepts, ASID, nested CR3, guest state (vmcb.h);
 *   - VMRUN / #VMEXIT (vmenter.S), exit codes (Appendix C);
 *   - one handler per exit code, most of them calling into x86.c.
 * This runs in QEMU TCG, which offers neither NRIP save nor decode assists,
 * so nothing here relies on them.
 *
 * Linux: arch/x86/kvm/svm/svm.c.
 */
#include <linux/module.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <asm/debugreg.h>
#include <asm/msr-index.h>
#include <asm/processor.h>
#include <asm/tlbflush.h>

#include <minikvm/kvm_host.h>
#include "vmcb.h"

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("minikvm: AMD SVM backend");

/** CPUID bits (APM Vol. 3, E.4.2 and E.4.10). @{ */
#define CPUID_8000_0001_ECX_SVM		BIT(2)	/**< SVM */
#define CPUID_8000_000A_EDX_NPT		BIT(0)	/**< nested paging */
#define CPUID_8000_000A_EDX_NRIPS	BIT(3)	/**< NRIP save: next_rip on #VMEXIT */
/** @} */
/** VM_CR MSR (APM Vol. 2, 15.30.1): firmware may lock SVM off. */
#define SVM_VM_CR_SVM_DISABLE		BIT(4)

/** Vectors we intercept: #AC, which a guest could otherwise use to trap a
 * CPU in an endless microcode loop (CVE-2015-5307), to reflect it back. */
#define AC_VECTOR	17
/** #DB, the debug exception (SDM Vol. 3A, 6.15): intercepted, see init. */
#define DB_VECTOR	1

/** The SVM view of a vCPU.  Linux: struct vcpu_svm. */
struct vcpu_svm {
	struct kvm_vcpu vcpu;		/**< first: the core allocates vcpu_size */
	struct vmcb *vmcb;		/**< this vCPU's VMCB, one page */
	u64 vmcb_pa;			/**< its physical address, for VMRUN */
	u64 asid_generation;		/**< 0 = take a new ASID before the next run */
	u64 cr4_entered;		/**< save.cr4 as of the last VMRUN, see svm_vcpu_run() */
	int last_cpu;			/**< CPU of the last run, -1 before the first */
	u64 *npt_pml5;			/**< a 5-level host's NPT top: see svm_npt_root() */
	/**
	 * NMI blocking.  SVM has no virtual NMIs on the CPUs we target:
	 * the CPU blocks NMIs after one we inject until the guest's IRET,
	 * but does not tell us when that was.  So we intercept IRET, and
	 * once RIP has moved past it NMIs are unblocked; to get an exit
	 * right after it we single-step it (RFLAGS.TF, the #DB intercept).
	 * Linux: HF_NMI_MASK, svm->awaiting_iret_completion, nmi_singlestep.
	 * @{ */
	bool nmi_masked;		/**< an NMI handler runs */
	bool awaiting_iret_completion;	/**< its IRET exited; it has not run yet */
	u64 nmi_iret_rip;		/**< where that IRET is */
	bool nmi_singlestep;		/**< we set TF to exit after one instruction */
	unsigned long nmi_singlestep_guest_rflags; /**< TF and RF as the guest had them */
	u64 nmi_singlestep_guest_dr6;	/**< its DR6, which our step's #DB changes */
	/** @} */
};

/** Per-CPU SVM state.  Linux: struct svm_cpu_data. */
struct svm_cpu_data {
	struct page *hsave_page;	/**< VM_HSAVE_PA: VMRUN parks the host here */
	struct page *host_vmsave_page;	/**< VMSAVE of the host's FS/GS/TR/... */
	u64 asid_generation;		/**< bumped when the ASIDs run out */
	u32 max_asid;			/**< highest ASID (CPUID 8000_000Ah EBX - 1) */
	u32 next_asid;			/**< next one to hand out */
};
/** This CPU's SVM state.  Linux: svm_data. */
static DEFINE_PER_CPU(struct svm_cpu_data, svm_data);

/** The permission maps, all ones: every port and every MSR is intercepted.
 * One copy serves every vCPU (the hardware only reads them). @{ */
static struct page *iopm_pages, *msrpm_pages;
/** @} */
/** The CPU has NRIP save (CPUID 8000_000Ah EDX[3]).  Linux: nrips. */
static bool nrips;

/**
 * Enter the guest with VMRUN and come back at #VMEXIT (vmenter.S):
 * VMSAVE the host's FS/GS/TR/... state to @host_save_pa, load the guest's
 * general-purpose registers from @regs, VMLOAD and VMRUN the VMCB at
 * @vmcb_pa, then the reverse.  RAX, RSP and RIP travel in the VMCB.
 * Called with interrupts off and GIF clear (svm_vcpu_run()).
 * Linux: __svm_vcpu_run() in arch/x86/kvm/svm/vmenter.S.
 */
void __svm_vcpu_run(u64 vmcb_pa, unsigned long *regs, u64 host_save_pa);

/** The SVM vCPU around a vCPU.  Linux: to_svm(). */
static inline struct vcpu_svm *to_svm(struct kvm_vcpu *vcpu)
{
	return container_of(vcpu, struct vcpu_svm, vcpu);
}

/* ---------------------------------------------------------------------- */
/* Enabling SVM on a CPU                                                    */
/* ---------------------------------------------------------------------- */

/**
 * svm_hardware_enable - EFER.SVME = 1 and the host-save area, on this CPU.
 * If SVME is already set, another hypervisor (the real kvm-amd, say)
 * owns SVM here and we must not touch it.  Linux: svm_hardware_enable().
 */
static int svm_hardware_enable(void)
{
	struct svm_cpu_data *sd = this_cpu_ptr(&svm_data);
	int cpu = smp_processor_id();
	u64 efer;

	rdmsrl(MSR_EFER, efer);
	if (efer & EFER_SVME) {
		pr_err("minikvm-amd: SVM is already in use on CPU %d (another hypervisor?)\n", cpu);
		return -EBUSY;
	}
	sd->hsave_page = alloc_pages_node(cpu_to_node(cpu), GFP_KERNEL | __GFP_ZERO, 0);
	sd->host_vmsave_page = alloc_pages_node(cpu_to_node(cpu), GFP_KERNEL | __GFP_ZERO, 0);
	if (!sd->hsave_page || !sd->host_vmsave_page) {
		__free_pages(sd->hsave_page, 0);
		__free_pages(sd->host_vmsave_page, 0);
		sd->hsave_page = sd->host_vmsave_page = NULL;
		return -ENOMEM;
	}
	/* ASIDs 1..max_asid; ASID 0 is the host's (APM 15.16). */
	sd->max_asid = cpuid_ebx(0x8000000a) - 1;
	sd->next_asid = sd->max_asid + 1;	/* the first user starts a generation */
	sd->asid_generation = 1;

	wrmsrl(MSR_EFER, efer | EFER_SVME);
	wrmsrl(MSR_VM_HSAVE_PA, page_to_phys(sd->hsave_page));
	return 0;
}

/** Leave SVM on this CPU: clear EFER.SVME and free the host-save area.
 *  Linux: svm_hardware_disable(). */
static void svm_hardware_disable(void)
{
	struct svm_cpu_data *sd = this_cpu_ptr(&svm_data);
	u64 efer;

	if (!sd->hsave_page)
		return;
	wrmsrl(MSR_VM_HSAVE_PA, 0);
	rdmsrl(MSR_EFER, efer);
	wrmsrl(MSR_EFER, efer & ~EFER_SVME);
	__free_pages(sd->hsave_page, 0);
	__free_pages(sd->host_vmsave_page, 0);
	sd->hsave_page = sd->host_vmsave_page = NULL;
}

/* ---------------------------------------------------------------------- */
/* Segments and control registers: between KVM's format and the VMCB's      */
/* ---------------------------------------------------------------------- */

/** The save-area segment for @seg (enum kvm_seg).  Linux: svm_seg(). */
static struct vmcb_seg *svm_seg(struct kvm_vcpu *vcpu, int seg)
{
	struct vmcb_save_area *save = &to_svm(vcpu)->vmcb->save;

	switch (seg) {
	case VCPU_SREG_CS: return &save->cs;
	case VCPU_SREG_DS: return &save->ds;
	case VCPU_SREG_ES: return &save->es;
	case VCPU_SREG_FS: return &save->fs;
	case VCPU_SREG_GS: return &save->gs;
	case VCPU_SREG_SS: return &save->ss;
	case VCPU_SREG_TR: return &save->tr;
	default:	   return &save->ldtr;
	}
}

/** Unpack the VMCB's 12-bit attribute field.  Linux: svm_get_segment(). */
static void svm_get_segment(struct kvm_vcpu *vcpu, struct kvm_segment *var, int seg)
{
	struct vmcb_seg *s = svm_seg(vcpu, seg);
	u16 a = s->attrib;

	*var = (struct kvm_segment) {
		.base = s->base,
		.limit = s->limit,
		.selector = s->selector,
		.type = a & SVM_SELECTOR_TYPE_MASK,
		.s = (a >> SVM_SELECTOR_S_SHIFT) & 1,
		.dpl = (a >> SVM_SELECTOR_DPL_SHIFT) & 3,
		.present = (a >> SVM_SELECTOR_P_SHIFT) & 1,
		.avl = (a >> SVM_SELECTOR_AVL_SHIFT) & 1,
		.l = (a >> SVM_SELECTOR_L_SHIFT) & 1,
		.db = (a >> SVM_SELECTOR_DB_SHIFT) & 1,
		.g = (a >> SVM_SELECTOR_G_SHIFT) & 1,
	};
	var->unusable = !var->present;
}

/** Pack KVM's segment into the VMCB.  Linux: svm_set_segment(). */
static void svm_set_segment(struct kvm_vcpu *vcpu, struct kvm_segment *var, int seg)
{
	struct vmcb_seg *s = svm_seg(vcpu, seg);

	s->base = var->base;
	s->limit = var->limit;
	s->selector = var->selector;
	s->attrib = var->unusable ? 0 :
		(var->type & SVM_SELECTOR_TYPE_MASK) |
		(var->s << SVM_SELECTOR_S_SHIFT) |
		((var->dpl & 3) << SVM_SELECTOR_DPL_SHIFT) |
		(var->present << SVM_SELECTOR_P_SHIFT) |
		(var->avl << SVM_SELECTOR_AVL_SHIFT) |
		(var->l << SVM_SELECTOR_L_SHIFT) |
		(var->db << SVM_SELECTOR_DB_SHIFT) |
		(var->g << SVM_SELECTOR_G_SHIFT);
	/* The CPL lives in the VMCB, not in CS: it is SS.DPL (APM 15.5.1). */
	if (seg == VCPU_SREG_SS)
		to_svm(vcpu)->vmcb->save.cpl = var->dpl & 3;
}

/** The guest's IDTR.  Linux: svm_get_idt(). */
static void svm_get_idt(struct kvm_vcpu *vcpu, struct desc_ptr *dt)
{
	dt->size = to_svm(vcpu)->vmcb->save.idtr.limit;
	dt->address = to_svm(vcpu)->vmcb->save.idtr.base;
}

/** Set the guest's IDTR.  Linux: svm_set_idt(). */
static void svm_set_idt(struct kvm_vcpu *vcpu, struct desc_ptr *dt)
{
	to_svm(vcpu)->vmcb->save.idtr.limit = dt->size;
	to_svm(vcpu)->vmcb->save.idtr.base = dt->address;
}

/** The guest's GDTR.  Linux: svm_get_gdt(). */
static void svm_get_gdt(struct kvm_vcpu *vcpu, struct desc_ptr *dt)
{
	dt->size = to_svm(vcpu)->vmcb->save.gdtr.limit;
	dt->address = to_svm(vcpu)->vmcb->save.gdtr.base;
}

/** Set the guest's GDTR.  Linux: svm_set_gdt(). */
static void svm_set_gdt(struct kvm_vcpu *vcpu, struct desc_ptr *dt)
{
	to_svm(vcpu)->vmcb->save.gdtr.limit = dt->size;
	to_svm(vcpu)->vmcb->save.gdtr.base = dt->address;
}

/**
 * With nested paging the guest owns CR0, CR3 and CR4 outright: they go
 * into the VMCB as they are and we do not intercept their writes.
 * (KVM clears CR0.CD/NW in the hardware copy for speed on real machines;
 * in an emulator caching does not matter, so we keep the guest's value.)
 * Linux: svm_set_cr0().
 */
static void svm_set_cr0(struct kvm_vcpu *vcpu, unsigned long cr0)
{
	vcpu->arch.cr0 = cr0;
	to_svm(vcpu)->vmcb->save.cr0 = cr0;
}

/** The guest's CR3, into the VMCB: with NPT it is the guest's own.
 *  Linux: svm_load_mmu_pgd() (which also writes save.cr3 with NPT). */
static void svm_set_cr3(struct kvm_vcpu *vcpu, unsigned long cr3)
{
	vcpu->arch.cr3 = cr3;
	to_svm(vcpu)->vmcb->save.cr3 = cr3;
}

/** The guest's CR4, into the VMCB as it is (see svm_set_cr0()).
 *  Linux: svm_set_cr4(). */
static void svm_set_cr4(struct kvm_vcpu *vcpu, unsigned long cr4)
{
	vcpu->arch.cr4 = cr4;
	to_svm(vcpu)->vmcb->save.cr4 = cr4;
}

/** EFER.SVME must stay set in the guest's EFER or VMRUN fails (APM 15.5.1);
 *  the guest never sees it, since its RDMSR is intercepted.  Linux: svm_set_efer(). */
static void svm_set_efer(struct kvm_vcpu *vcpu, u64 efer)
{
	vcpu->arch.efer = efer;
	to_svm(vcpu)->vmcb->save.efer = efer | EFER_SVME;
}

/** The guest's RFLAGS.  Linux: svm_get_rflags(). */
static unsigned long svm_get_rflags(struct kvm_vcpu *vcpu)
{
	struct vcpu_svm *svm = to_svm(vcpu);
	unsigned long rflags = svm->vmcb->save.rflags;

	/* While we single-step for an NMI window, TF and RF are ours
	 * (svm_enable_nmi_window()): show the guest's own. */
	if (svm->nmi_singlestep) {
		if (!(svm->nmi_singlestep_guest_rflags & X86_EFLAGS_TF))
			rflags &= ~X86_EFLAGS_TF;
		if (!(svm->nmi_singlestep_guest_rflags & X86_EFLAGS_RF))
			rflags &= ~X86_EFLAGS_RF;
	}
	return rflags;
}

/** Set the guest's RFLAGS.  Linux: svm_set_rflags(). */
static void svm_set_rflags(struct kvm_vcpu *vcpu, unsigned long rflags)
{
	/* Our NMI-window single step goes on (svm_get_rflags()). */
	if (to_svm(vcpu)->nmi_singlestep)
		rflags |= X86_EFLAGS_TF | X86_EFLAGS_RF;
	to_svm(vcpu)->vmcb->save.rflags = rflags;
}

/* ---------------------------------------------------------------------- */
/* The VMCB                                                                 */
/* ---------------------------------------------------------------------- */

/** A segment as after RESET (Intel SDM Vol. 3A Table 10-1, same on AMD).
 *  Linux: init_seg() in svm.c. */
static void init_seg(struct vmcb_seg *seg, u16 attrib)
{
	seg->selector = 0;
	seg->attrib = attrib;
	seg->limit = 0xffff;
	seg->base = 0;
}

/**
 * svm_npt_root - nested_cr3 for this vCPU.  The nested walk takes the
 * paging mode the host has at VMRUN (AMD APM Vol. 2, 15.25, "Nested
 * Paging"): on a host with 5-level paging (CR4.LA57; Linux turns it on
 * where the CPU has it, as QEMU's -cpu max does, when booted from a
 * bzImage) the NPT has five levels, and our 4-level root would be read
 * as a PML5, every walk going one level wrong: the guest's first fetch
 * ends in an NPF with a reserved bit.  The MMU's tables stay 4-level,
 * guest-physical addresses stopping at 48 bits (tdp_max_gfn()): such a
 * host gets one table more on top, whose entry 0, the only one a 48-bit
 * address selects, points to the MMU's root (svm_vcpu_create()).
 * Linux: get_npt_level(); KVM's MMU builds all five levels.
 */
static u64 svm_npt_root(struct vcpu_svm *svm)
{
	return svm->npt_pml5 ? __pa(svm->npt_pml5) : svm->vcpu.kvm->arch.tdp_root;
}

/**
 * init_vmcb - intercepts, maps and the power-on guest state.
 * Linux: init_vmcb().
 */
static void init_vmcb(struct vcpu_svm *svm)
{
	struct vmcb_control_area *c = &svm->vmcb->control;
	struct vmcb_save_area *s = &svm->vmcb->save;

	memset(svm->vmcb, 0, PAGE_SIZE);

	/* #DB too: a guest that owns DR7 could otherwise arm a breakpoint on
	 * its own #DB delivery and keep the CPU in an endless loop of #DBs
	 * with no window for the host's interrupts (CVE-2015-8104). */
	c->intercept_exceptions = BIT(AC_VECTOR) | BIT(DB_VECTOR);
	/* Everything that would let the guest reach the host, or that it
	 * must not do without our help.  SHUTDOWN above all: without that
	 * intercept a triple fault in the guest shuts down the host CPU. */
	c->intercept_misc1 = INTERCEPT_INTR | INTERCEPT_NMI | INTERCEPT_SMI |
			     INTERCEPT_RDPMC |	/* the host's counters */
			     INTERCEPT_CPUID | INTERCEPT_INVD | INTERCEPT_HLT |
			     INTERCEPT_INVLPGA | INTERCEPT_IOIO_PROT |
			     INTERCEPT_MSR_PROT | INTERCEPT_TASK_SWITCH |
			     INTERCEPT_SHUTDOWN;
	c->intercept_misc2 = INTERCEPT_VMRUN | INTERCEPT_VMMCALL |
			     INTERCEPT_VMLOAD | INTERCEPT_VMSAVE |
			     INTERCEPT_STGI | INTERCEPT_CLGI | INTERCEPT_SKINIT |
			     INTERCEPT_MONITOR | INTERCEPT_MWAIT | INTERCEPT_XSETBV;
	/* DR0-DR3 are not switched by VMRUN: the guest's first access exits
	 * (dr_interception()), then it owns them until the next exit. */
	c->intercept_dr = 0xffffffff;
	c->iopm_base_pa = page_to_phys(iopm_pages);
	c->msrpm_base_pa = page_to_phys(msrpm_pages);
	c->int_ctl = V_INTR_MASKING_MASK;
	c->nested_ctl = SVM_NESTED_CTL_NP_ENABLE;
	c->nested_cr3 = svm_npt_root(svm);
	c->tsc_offset = svm->vcpu.arch.l1_tsc_offset;

	init_seg(&s->es, 0x093);	/* present, data, read/write, accessed */
	init_seg(&s->ss, 0x093);
	init_seg(&s->ds, 0x093);
	init_seg(&s->fs, 0x093);
	init_seg(&s->gs, 0x093);
	init_seg(&s->cs, 0x09b);	/* present, code, read/exec, accessed */
	s->cs.selector = 0xf000;
	s->cs.base = 0xffff0000;
	init_seg(&s->ldtr, 0x082);	/* present, LDT */
	init_seg(&s->tr, 0x08b);	/* present, busy 32-bit TSS */
	s->gdtr.limit = 0xffff;
	s->idtr.limit = 0xffff;
	s->rip = 0xfff0;
	s->rflags = X86_EFLAGS_FIXED;
	s->dr6 = 0xffff0ff0;
	s->dr7 = 0x400;
	s->g_pat = svm->vcpu.arch.pat;
	s->efer = svm->vcpu.arch.efer | EFER_SVME;
	s->cr0 = svm->vcpu.arch.cr0;
	s->cr3 = svm->vcpu.arch.cr3;
	s->cr4 = svm->vcpu.arch.cr4;

	svm->asid_generation = 0;
}

/** A VMCB page for the new vCPU, in its power-on state, and on a
 *  5-level host the top of its NPT (svm_npt_root()).
 *  Linux: svm_vcpu_create(). */
static int svm_vcpu_create(struct kvm_vcpu *vcpu)
{
	struct vcpu_svm *svm = to_svm(vcpu);
	struct page *page = alloc_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO);

	if (!page)
		return -ENOMEM;
	if (pgtable_l5_enabled()) {
		svm->npt_pml5 = (u64 *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
		if (!svm->npt_pml5) {
			__free_page(page);
			return -ENOMEM;
		}
		svm->npt_pml5[0] = (vcpu->kvm->arch.tdp_root & TDP_ADDR_MASK) |
				   NPT_PRESENT | NPT_WRITABLE | NPT_USER;
	}
	svm->vmcb = page_address(page);
	svm->vmcb_pa = page_to_phys(page);
	svm->last_cpu = -1;
	init_vmcb(svm);
	kvm_register_write(vcpu, VCPU_REGS_RIP, 0xfff0);
	kvm_register_write(vcpu, VCPU_REGS_RSP, 0);
	return 0;
}

/** Free the VMCB and the NPT top.  Linux: svm_vcpu_free(). */
static void svm_vcpu_free(struct kvm_vcpu *vcpu)
{
	free_page((unsigned long)to_svm(vcpu)->npt_pml5);	/* 0: nothing */
	free_page((unsigned long)to_svm(vcpu)->vmcb);
}

/** The VMCB is plain memory: nothing to load on a CPU, except that a vCPU
 * arriving on a new CPU must not reuse an ASID that CPU may have cached
 * translations for.  Linux: svm_vcpu_load(). */
static void svm_vcpu_load(struct kvm_vcpu *vcpu, int cpu)
{
	struct vcpu_svm *svm = to_svm(vcpu);

	if (svm->last_cpu != cpu) {
		svm->asid_generation = 0;
		svm->last_cpu = cpu;
	}
}

/** Nothing to do: see svm_vcpu_load().  Linux: svm_vcpu_put(). */
static void svm_vcpu_put(struct kvm_vcpu *vcpu)
{
}

/** Without FLUSHBYASID (QEMU has none), a vCPU sheds its stale
 * translations by taking a fresh ASID.  Linux: svm_flush_tlb_current(). */
static void svm_flush_tlb(struct kvm_vcpu *vcpu)
{
	to_svm(vcpu)->asid_generation = 0;
}

/**
 * pre_svm_run - give the vCPU an ASID valid on this CPU.  ASIDs are handed
 * out per CPU; when they run out a new generation starts, and the first
 * VMRUN of it flushes every ASID's translations.  Linux: pre_svm_run() +
 * new_asid().
 */
static void pre_svm_run(struct vcpu_svm *svm)
{
	struct svm_cpu_data *sd = this_cpu_ptr(&svm_data);

	if (svm->asid_generation == sd->asid_generation)
		return;
	if (sd->next_asid > sd->max_asid) {
		sd->asid_generation++;
		sd->next_asid = 1;
		svm->vmcb->control.tlb_ctl = TLB_CONTROL_FLUSH_ALL_ASID;
	}
	svm->asid_generation = sd->asid_generation;
	svm->vmcb->control.asid = sd->next_asid++;
}

/**
 * svm_complete_interrupts - after an exit: what became of the event the
 * VMRUN injected?  If this exit happened during its delivery (an NPF on
 * the IDT or the stack), EXITINTINFO holds it (APM 15.7.2) and it goes
 * back into the queue as "injected", to go in again.  INT n, INT3 and
 * INTO are not queued: RIP still points at the instruction, which raises
 * them again.  Also: once RIP has moved past the IRET we intercepted,
 * the NMI handler is over.  Linux: svm_complete_interrupts().
 */
static void svm_complete_interrupts(struct vcpu_svm *svm)
{
	struct kvm_vcpu *vcpu = &svm->vcpu;
	struct vmcb_control_area *c = &svm->vmcb->control;
	u32 info = c->exit_int_info;
	u32 vector = info & SVM_EVTINJ_VEC_MASK;

	c->event_inj = 0;
	if (svm->awaiting_iret_completion && kvm_rip_read(vcpu) != svm->nmi_iret_rip) {
		svm->nmi_masked = false;
		svm->awaiting_iret_completion = false;
		kvm_make_request(KVM_REQ_EVENT, vcpu);
	}
	vcpu->arch.exception.injected = false;
	vcpu->arch.nmi_injected = false;
	vcpu->arch.interrupt.injected = false;
	if (!(info & SVM_EVTINJ_VALID))
		return;
	kvm_make_request(KVM_REQ_EVENT, vcpu);
	switch (info & SVM_EVTINJ_TYPE_MASK) {
	case SVM_EVTINJ_TYPE_NMI:
		vcpu->arch.nmi_injected = true;
		break;
	case SVM_EVTINJ_TYPE_EXEPT:
		/* INT3 and INTO are reported as exceptions: re-execute them. */
		if (vector == BP_VECTOR || vector == OF_VECTOR)
			break;
		vcpu->arch.exception.injected = true;
		vcpu->arch.exception.vector = vector;
		vcpu->arch.exception.has_error_code = info & SVM_EVTINJ_VALID_ERR;
		vcpu->arch.exception.error_code = c->exit_int_info_err;
		break;
	case SVM_EVTINJ_TYPE_INTR:
		vcpu->arch.interrupt.injected = true;
		vcpu->arch.interrupt.soft = false;
		vcpu->arch.interrupt.nr = vector;
		break;
	default:	/* INT n: see above */
		break;
	}
}

/** Our single step is over: the guest's own TF and RF are back.
 *  Linux: disable_nmi_singlestep(). */
static void svm_disable_nmi_singlestep(struct vcpu_svm *svm)
{
	svm->nmi_singlestep = false;
	if (!(svm->nmi_singlestep_guest_rflags & X86_EFLAGS_TF))
		svm->vmcb->save.rflags &= ~X86_EFLAGS_TF;
	if (!(svm->nmi_singlestep_guest_rflags & X86_EFLAGS_RF))
		svm->vmcb->save.rflags &= ~X86_EFLAGS_RF;
}

/**
 * svm_cancel_nmi_singlestep - an event goes in with this VMRUN while we
 * single-step for an NMI window (an exit came before the step ended).
 * Its delivery would push our TF onto the guest's stack, and its
 * handler's IRET would bring TF back after the step is over: a #DB the
 * guest never asked for (the soak found it: vector 1 with DR6.BS after a
 * timer interrupt's IRET).  So the guest enters with its own TF, and
 * kvm_request_immediate_exit() ends the entry as soon as the event is
 * delivered (EVENTINJ, APM Vol. 2, 15.20), with KVM_REQ_EVENT to open the
 * window again.  Interrupts are off here (vcpu_enter_guest()).
 * Linux: the same check at the top of svm_vcpu_run().
 */
static void svm_cancel_nmi_singlestep(struct kvm_vcpu *vcpu)
{
	struct vcpu_svm *svm = to_svm(vcpu);

	if (!svm->nmi_singlestep || !(svm->vmcb->control.event_inj & SVM_EVTINJ_VALID))
		return;
	svm_disable_nmi_singlestep(svm);
	kvm_request_immediate_exit(vcpu);
}
/**
 * svm_vcpu_run - one VMRUN.  Interrupts are off (vcpu_enter_guest());
 * CLGI also holds off NMIs and SMIs until we are back in host state.
 * Linux: svm_vcpu_run().
 */
static void svm_vcpu_run(struct kvm_vcpu *vcpu)
{
	struct vcpu_svm *svm = to_svm(vcpu);
	struct vmcb *vmcb = svm->vmcb;
	struct svm_cpu_data *sd = this_cpu_ptr(&svm_data);

	vmcb->save.rax = vcpu->arch.regs[VCPU_REGS_RAX];
	vmcb->save.rsp = vcpu->arch.regs[VCPU_REGS_RSP];
	vmcb->save.rip = vcpu->arch.regs[VCPU_REGS_RIP];
	vmcb->save.cr2 = vcpu->arch.cr2;
	/*
	 * A machine check while CR4.MCE is clear shuts the CPU down (APM
	 * Vol. 2, 9.3): the guest runs with the host's CR4.MCE, as KVM's
	 * svm_set_cr4() makes it.  KVM also intercepts CR4 reads and writes,
	 * so its guests read their own MCE bit and cannot clear the CPU's;
	 * without decode assists that needs the instruction emulator
	 * (chapter 05).  Until then a guest here reads the host's bit, and
	 * one that clears it keeps it clear until its next exit.
	 */
	vmcb->save.cr4 |= cr4_read_shadow() & X86_CR4_MCE;
	svm->cr4_entered = vmcb->save.cr4;
	/* With V_INTR_MASKING the guest's CR8 is V_TPR (APM 15.21.1). */
	vmcb->control.int_ctl = (vmcb->control.int_ctl & ~V_TPR_MASK) |
				(kvm_get_cr8(vcpu) & V_TPR_MASK);
	svm_cancel_nmi_singlestep(vcpu);
	pre_svm_run(svm);

	asm volatile("clgi" ::: "memory");
	__svm_vcpu_run(svm->vmcb_pa, vcpu->arch.regs, page_to_phys(sd->host_vmsave_page));
	asm volatile("stgi" ::: "memory");

	/*
	 * VMRUN refused the state: no guest ran, and what the save area holds
	 * now is not guest state (QEMU leaves host values there).  Keep the
	 * registers the VMM gave us; svm_handle_exit() reports the failure.
	 */
	if ((u32)vmcb->control.exit_code == SVM_EXIT_ERR)
		return;

	vcpu->arch.regs[VCPU_REGS_RAX] = vmcb->save.rax;
	vcpu->arch.regs[VCPU_REGS_RSP] = vmcb->save.rsp;
	vcpu->arch.regs[VCPU_REGS_RIP] = vmcb->save.rip;
	vcpu->arch.cr2 = vmcb->save.cr2;
	/* The guest changes these without exiting (not intercepted). */
	vcpu->arch.cr0 = vmcb->save.cr0;
	vcpu->arch.cr3 = vmcb->save.cr3;
	/* The guest wrote CR4 only if it changed: else keep its value,
	 * without the MCE bit we added. */
	if (vmcb->save.cr4 != svm->cr4_entered)
		vcpu->arch.cr4 = vmcb->save.cr4;
	vcpu->arch.efer = vmcb->save.efer & ~EFER_SVME;
	/* MOV to CR8 changed V_TPR without an exit: the task priority is
	 * what the guest left there.  Linux: sync_cr8_to_lapic(). */
	if ((vmcb->control.int_ctl & V_TPR_MASK) != kvm_get_cr8(vcpu))
		kvm_set_cr8(vcpu, vmcb->control.int_ctl & V_TPR_MASK);
	vmcb->control.tlb_ctl = TLB_CONTROL_DO_NOTHING;

	svm_complete_interrupts(svm);
}

/* ---------------------------------------------------------------------- */
/* Exit handlers                                                            */
/* ---------------------------------------------------------------------- */

/**
 * svm_skip_emulated_instruction - step RIP over the intercepted
 * instruction.  With NRIP save the CPU tells us the next RIP; without it
 * (QEMU TCG), IOIO gives it in EXITINFO2 (APM Vol. 2, 15.10.2).  For the
 * other intercepts chapters 01-04 use the length of the one encoding each
 * instruction has (APM Vol. 3), which a redundant prefix defeats; from
 * chapter 05 on the emulator decodes the instruction for its length
 * (kvm_emulate_insn_len()), as KVM does.
 * Linux: svm_skip_emulated_instruction().
 */
static int svm_skip_emulated_instruction(struct kvm_vcpu *vcpu)
{
	struct vmcb_control_area *c = &to_svm(vcpu)->vmcb->control;
	unsigned long rip = kvm_rip_read(vcpu);

	if (c->exit_code == SVM_EXIT_IOIO) {
		rip = c->exit_info_2;
	} else if (nrips && c->next_rip) {
		rip = c->next_rip;
	} else {
		switch (c->exit_code) {
		case SVM_EXIT_HLT:	rip += 1; break;	/* F4 */
		case SVM_EXIT_CPUID:				/* 0F A2 */
		case SVM_EXIT_MSR:				/* 0F 32, 0F 30 */
		case SVM_EXIT_INVD:	rip += 2; break;	/* 0F 08 */
		case SVM_EXIT_VMMCALL:	rip += 3; break;	/* 0F 01 D9 */
		default:
			return kvm_unexpected_exit(vcpu, c->exit_code);
		}
	}
	kvm_rip_write(vcpu, rip);
	/* Stepping over an instruction ends a MOV SS / STI interrupt shadow. */
	c->int_state = 0;
	return 1;
}

/*
 * Event injection (APM Vol. 2, 15.20): EVENTINJ says what VMRUN delivers
 * through the guest's IDT before the guest's first instruction.  Only
 * kvm_inject_pending_event() calls these.
 */

/** The queued exception goes in with the next VMRUN.
 *  Linux: svm_inject_exception(). */
static void svm_inject_exception(struct kvm_vcpu *vcpu)
{
	struct vmcb_control_area *c = &to_svm(vcpu)->vmcb->control;
	struct kvm_queued_exception *ex = &vcpu->arch.exception;

	c->event_inj = ex->vector | SVM_EVTINJ_TYPE_EXEPT | SVM_EVTINJ_VALID |
		       (ex->has_error_code ? SVM_EVTINJ_VALID_ERR : 0);
	c->event_inj_err = ex->error_code;
}

/** The queued external interrupt goes in.  Linux: svm_inject_irq(). */
static void svm_inject_irq(struct kvm_vcpu *vcpu)
{
	to_svm(vcpu)->vmcb->control.event_inj =
		vcpu->arch.interrupt.nr | SVM_EVTINJ_TYPE_INTR | SVM_EVTINJ_VALID;
}

/** An NMI goes in.  The CPU blocks further NMIs until the guest's IRET;
 *  we intercept that IRET to learn when.  Linux: svm_inject_nmi(). */
static void svm_inject_nmi(struct kvm_vcpu *vcpu)
{
	struct vcpu_svm *svm = to_svm(vcpu);

	svm->vmcb->control.event_inj = NMI_VECTOR | SVM_EVTINJ_TYPE_NMI | SVM_EVTINJ_VALID;
	svm->nmi_masked = true;
	svm->vmcb->control.intercept_misc1 |= INTERCEPT_IRET;
}

/** RFLAGS.IF set and no interrupt shadow (GIF is always set while our
 *  guests run: they cannot execute CLGI).  Linux: svm_interrupt_allowed(). */
static bool svm_interrupt_allowed(struct kvm_vcpu *vcpu)
{
	struct vmcb *vmcb = to_svm(vcpu)->vmcb;

	return (vmcb->save.rflags & X86_EFLAGS_IF) &&
	       !(vmcb->control.int_state & SVM_INTERRUPT_SHADOW_MASK);
}

/** No NMI handler running and no shadow.  Linux: svm_nmi_allowed(). */
static bool svm_nmi_allowed(struct kvm_vcpu *vcpu)
{
	struct vcpu_svm *svm = to_svm(vcpu);

	return !svm->nmi_masked &&
	       !(svm->vmcb->control.int_state & SVM_INTERRUPT_SHADOW_MASK);
}

/**
 * svm_enable_irq_window - SVM has no interrupt-window exit as such: we
 * post a virtual interrupt (V_IRQ, highest priority so that V_TPR never
 * holds it back) and intercept VINTR, the moment the guest would take it
 * (APM 15.21.4).  It is never delivered: it exits, svm_vintr() drops it,
 * and the real interrupt goes in through EVENTINJ.
 * Linux: svm_enable_irq_window() -> svm_set_vintr().
 */
static void svm_enable_irq_window(struct kvm_vcpu *vcpu)
{
	struct vmcb_control_area *c = &to_svm(vcpu)->vmcb->control;

	c->int_vector = 0;
	c->int_ctl = (c->int_ctl & ~V_INTR_PRIO_MASK) | V_IRQ_MASK | V_IGN_TPR_MASK |
		     (0xf << V_INTR_PRIO_SHIFT);
	c->intercept_misc1 |= INTERCEPT_VINTR;
}

/**
 * svm_update_cr8_intercept - an interrupt waits in the local APIC's IRR
 * and only the task priority holds it back.  A 64-bit guest lowers it
 * with MOV to CR8, which changes V_TPR without an exit (APM 15.21.1):
 * intercept CR8 writes while that is so, and only then.  (Writes through
 * the APIC page's TPR exit anyway, as MMIO.)
 * @vcpu: the vCPU
 * @vector: the vector waiting, or -1 for none
 *
 * Linux: svm_update_cr8_intercept().
 */
static void svm_update_cr8_intercept(struct kvm_vcpu *vcpu, int vector)
{
	struct vmcb_control_area *c = &to_svm(vcpu)->vmcb->control;

	if (vector < 0)
		c->intercept_cr &= ~INTERCEPT_CR8_WRITE;
	else
		c->intercept_cr |= INTERCEPT_CR8_WRITE;
}

/** INIT or RESET: the VMCB from vcpu->arch, NMI tracking cleared.
 *  Linux: svm_vcpu_reset(). */
static void svm_vcpu_reset(struct kvm_vcpu *vcpu, bool init_event)
{
	struct vcpu_svm *svm = to_svm(vcpu);

	init_vmcb(svm);
	svm->nmi_masked = false;
	svm->awaiting_iret_completion = false;
	svm->nmi_singlestep = false;
}

/**
 * svm_enable_nmi_window - an NMI waits for the running NMI handler.  If
 * its IRET has not been reached, the IRET intercept will tell us.  If it
 * has (or something else holds the NMI back: a shadow), single-step one
 * instruction: the #DB exit after it is our window.
 * Linux: svm_enable_nmi_window().
 */
static void svm_enable_nmi_window(struct kvm_vcpu *vcpu)
{
	struct vcpu_svm *svm = to_svm(vcpu);

	if (svm->nmi_masked && !svm->awaiting_iret_completion)
		return;		/* the IRET will exit */
	if (svm->nmi_singlestep)
		return;
	svm->nmi_singlestep_guest_rflags = svm->vmcb->save.rflags;
	svm->nmi_singlestep_guest_dr6 = svm->vmcb->save.dr6;
	svm->nmi_singlestep = true;
	svm->vmcb->save.rflags |= X86_EFLAGS_TF | X86_EFLAGS_RF;
}

/** The shadow, in KVM's bits: SVM does not say which kind it is.
 *  Linux: svm_get_interrupt_shadow(). */
static u32 svm_get_interrupt_shadow(struct kvm_vcpu *vcpu)
{
	if (to_svm(vcpu)->vmcb->control.int_state & SVM_INTERRUPT_SHADOW_MASK)
		return KVM_X86_SHADOW_INT_STI | KVM_X86_SHADOW_INT_MOV_SS;
	return 0;
}

/** Set or clear the shadow.  Linux: svm_set_interrupt_shadow(). */
static void svm_set_interrupt_shadow(struct kvm_vcpu *vcpu, u32 mask)
{
	struct vmcb_control_area *c = &to_svm(vcpu)->vmcb->control;

	if (mask)
		c->int_state |= SVM_INTERRUPT_SHADOW_MASK;
	else
		c->int_state &= ~SVM_INTERRUPT_SHADOW_MASK;
}

/** Is an NMI handler running?  Linux: svm_get_nmi_mask(). */
static bool svm_get_nmi_mask(struct kvm_vcpu *vcpu)
{
	return to_svm(vcpu)->nmi_masked;
}

/** Block NMIs (and watch for the IRET) or unblock them.
 *  Linux: svm_set_nmi_mask(). */
static void svm_set_nmi_mask(struct kvm_vcpu *vcpu, bool masked)
{
	struct vcpu_svm *svm = to_svm(vcpu);

	svm->nmi_masked = masked;
	svm->awaiting_iret_completion = false;
	if (masked)
		svm->vmcb->control.intercept_misc1 |= INTERCEPT_IRET;
	else
		svm->vmcb->control.intercept_misc1 &= ~INTERCEPT_IRET;
}

/** SVM_EXIT_VINTR: the interrupt window is open.  Drop the V_IRQ and
 *  let kvm_inject_pending_event() look again.  Linux: interrupt_window_interception(). */
static int svm_vintr(struct kvm_vcpu *vcpu)
{
	struct vmcb_control_area *c = &to_svm(vcpu)->vmcb->control;

	c->int_ctl &= ~(V_IRQ_MASK | V_INTR_PRIO_MASK | V_IGN_TPR_MASK);
	c->intercept_misc1 &= ~INTERCEPT_VINTR;
	kvm_make_request(KVM_REQ_EVENT, vcpu);
	return 1;
}

/** SVM_EXIT_IRET: the NMI handler is about to return.  The IRET runs
 *  when we enter again; svm_complete_interrupts() notices RIP has moved.
 *  Linux: iret_interception(). */
static int svm_iret(struct kvm_vcpu *vcpu)
{
	struct vcpu_svm *svm = to_svm(vcpu);

	svm->vmcb->control.intercept_misc1 &= ~INTERCEPT_IRET;
	svm->awaiting_iret_completion = true;
	svm->nmi_iret_rip = kvm_rip_read(vcpu);
	kvm_make_request(KVM_REQ_EVENT, vcpu);
	return 1;
}

/**
 * svm_db - the #DB intercept.  Our own single step (an NMI window) ends
 * here: give the guest back its TF and RF, and look at the NMI again.
 * Any other #DB is the guest's: give it back; the CPU has already put its
 * status in the VMCB's DR6.  Linux: db_interception().
 */
static int svm_db(struct kvm_vcpu *vcpu)
{
	struct vcpu_svm *svm = to_svm(vcpu);

	if (!svm->nmi_singlestep) {
		kvm_queue_exception(vcpu, DB_VECTOR);
		return 1;
	}
	svm_disable_nmi_singlestep(svm);
	/* Our step set DR6.BS in the guest's DR6, which lives in the VMCB. */
	svm->vmcb->save.dr6 = svm->nmi_singlestep_guest_dr6;
	kvm_make_request(KVM_REQ_EVENT, vcpu);
	return 1;
}

/**
 * dr_interception - the guest's first MOV to or from a debug register
 * since the last exit.  Stop intercepting them and let the instruction run
 * again on the guest's own values: DR6 and DR7 are in the VMCB, DR0-DR3
 * are loaded by vcpu_enter_guest().  No decode assists needed (QEMU has
 * none).  SVM_EXIT_READ_DR0 .. SVM_EXIT_WRITE_DR7.
 * Linux: dr_interception(), the KVM_DEBUGREG_WONT_EXIT path.
 */
static int dr_interception(struct kvm_vcpu *vcpu)
{
	to_svm(vcpu)->vmcb->control.intercept_dr = 0;
	vcpu->arch.switch_db_regs = true;
	return 1;
}

/**
 * svm_sync_dirty_debug_regs - right after an exit, with the guest owning
 * the debug registers: keep DR0-DR3, note DR7 (DR6/DR7 stay in the VMCB;
 * while DR7 arms a breakpoint DR0-DR3 are loaded before every entry),
 * give the host a clean DR6, intercept again.  Linux: svm_sync_dirty_debug_regs().
 */
static void svm_sync_dirty_debug_regs(struct kvm_vcpu *vcpu)
{
	get_debugreg(vcpu->arch.db[0], 0);
	get_debugreg(vcpu->arch.db[1], 1);
	get_debugreg(vcpu->arch.db[2], 2);
	get_debugreg(vcpu->arch.db[3], 3);
	set_debugreg(DR6_RESERVED, 6);
	vcpu->arch.dr7 = to_svm(vcpu)->vmcb->save.dr7;
	vcpu->arch.switch_db_regs = false;
	to_svm(vcpu)->vmcb->control.intercept_dr = 0xffffffff;
}

/**
 * svm_get_msr - MSRs in the VMCB save area: FS/GS bases, and the ones
 * VMLOAD/VMSAVE switch (APM 15.5.2), which the CPU holds only while the
 * guest runs.  Linux: svm_get_msr().
 */
static int svm_get_msr(struct kvm_vcpu *vcpu, struct msr_data *msr_info)
{
	struct vmcb_save_area *s = &to_svm(vcpu)->vmcb->save;
	u64 *data = &msr_info->data;

	switch (msr_info->index) {
	case MSR_FS_BASE:		*data = s->fs.base; return 0;
	case MSR_GS_BASE:		*data = s->gs.base; return 0;
	case MSR_KERNEL_GS_BASE:	*data = s->kernel_gs_base; return 0;
	case MSR_STAR:			*data = s->star; return 0;
	case MSR_LSTAR:			*data = s->lstar; return 0;
	case MSR_CSTAR:			*data = s->cstar; return 0;
	case MSR_SYSCALL_MASK:		*data = s->sfmask; return 0;
	case MSR_IA32_SYSENTER_CS:	*data = s->sysenter_cs; return 0;
	case MSR_IA32_SYSENTER_ESP:	*data = s->sysenter_esp; return 0;
	case MSR_IA32_SYSENTER_EIP:	*data = s->sysenter_eip; return 0;
	default:
		return kvm_get_msr_common(vcpu, msr_info);
	}
}

/** WRMSR of the MSRs svm_get_msr() reads.  Linux: svm_set_msr(). */
static int svm_set_msr(struct kvm_vcpu *vcpu, struct msr_data *msr_info)
{
	struct vmcb_save_area *s = &to_svm(vcpu)->vmcb->save;
	u64 data = msr_info->data;

	switch (msr_info->index) {
	case MSR_FS_BASE:		s->fs.base = data; return 0;
	case MSR_GS_BASE:		s->gs.base = data; return 0;
	case MSR_KERNEL_GS_BASE:	s->kernel_gs_base = data; return 0;
	case MSR_STAR:			s->star = data; return 0;
	case MSR_LSTAR:			s->lstar = data; return 0;
	case MSR_CSTAR:			s->cstar = data; return 0;
	/* Kept as written, like KVM: VMLOAD loads what it finds. */
	case MSR_SYSCALL_MASK:		s->sfmask = data; return 0;
	case MSR_IA32_SYSENTER_CS:	s->sysenter_cs = data; return 0;
	case MSR_IA32_SYSENTER_ESP:	s->sysenter_esp = data; return 0;
	case MSR_IA32_SYSENTER_EIP:	s->sysenter_eip = data; return 0;
	case MSR_IA32_CR_PAT:
		/* With nested paging the CPU uses the guest's PAT from the
		 * VMCB's g_pat while the guest runs (APM Vol. 2, 15.25.8);
		 * the common code checks the value and keeps it. */
		if (kvm_set_msr_common(vcpu, msr_info))
			return 1;
		s->g_pat = data;
		return 0;
	default:
		return kvm_set_msr_common(vcpu, msr_info);
	}
}

/** The guest's RDTSC returns the host TSC plus the VMCB's TSC_OFFSET
 *  (APM Vol. 2, 15.30.5).  Linux: svm_write_tsc_offset(). */
static void svm_write_tsc_offset(struct kvm_vcpu *vcpu, u64 offset)
{
	to_svm(vcpu)->vmcb->control.tsc_offset = offset;
}

/** IN/OUT: EXITINFO1 says port, size, direction (APM 15.10.2); string
 *  I/O waits for the emulator.  SVM_EXIT_IOIO.
 *  Linux: io_interception(). */
static int io_interception(struct kvm_vcpu *vcpu)
{
	u32 info = to_svm(vcpu)->vmcb->control.exit_info_1;
	int size = (info & SVM_IOIO_SIZE_MASK) >> SVM_IOIO_SIZE_SHIFT;
	int in = info & SVM_IOIO_TYPE_IN;

	if (info & SVM_IOIO_STR) {
		/* INS/OUTS need the guest's segments, address size and
		 * paging: the emulator's work (chapter 05).  Stop cleanly. */
		vcpu->run->exit_reason = KVM_EXIT_INTERNAL_ERROR;
		vcpu->run->internal.suberror = KVM_INTERNAL_ERROR_EMULATION;
		vcpu->run->internal.ndata = 0;
		return 0;
	}
	return kvm_fast_pio(vcpu, size, info >> SVM_IOIO_PORT_SHIFT, in);
}

/** RDMSR/WRMSR: EXITINFO1 is 0 for a read, 1 for a write (APM 15.11).
 *  SVM_EXIT_MSR.  Linux: msr_interception(). */
static int msr_interception(struct kvm_vcpu *vcpu)
{
	if (to_svm(vcpu)->vmcb->control.exit_info_1)
		return kvm_emulate_wrmsr(vcpu);
	return kvm_emulate_rdmsr(vcpu);
}

/** Print the VMCB fields that decide whether VMRUN accepts a state
 * (the consistency checks of APM 15.5.1).  Linux: dump_vmcb(). */
static void dump_vmcb(struct kvm_vcpu *vcpu)
{
	struct vmcb *v = to_svm(vcpu)->vmcb;
	struct vmcb_save_area *s = &v->save;

	pr_err("minikvm-amd: VMRUN failed (VMEXIT_INVALID), vcpu %d: the guest state breaks a consistency check of APM 15.5.1\n",
	       vcpu->vcpu_id);
	pr_err("  cr0 %016llx  cr3 %016llx  cr4 %016llx  efer %016llx\n",
	       s->cr0, s->cr3, s->cr4, s->efer);
	pr_err("  cs  sel %04x attr %03x limit %08x base %016llx (L=%d D=%d)\n",
	       s->cs.selector, s->cs.attrib, s->cs.limit, s->cs.base,
	       (s->cs.attrib >> SVM_SELECTOR_L_SHIFT) & 1,
	       (s->cs.attrib >> SVM_SELECTOR_DB_SHIFT) & 1);
	pr_err("  ss  sel %04x attr %03x limit %08x base %016llx  cpl %d\n",
	       s->ss.selector, s->ss.attrib, s->ss.limit, s->ss.base, s->cpl);
	pr_err("  rip %016llx  rsp %016llx  rflags %016llx  dr6 %llx dr7 %llx\n",
	       s->rip, s->rsp, s->rflags, s->dr6, s->dr7);
	pr_err("  asid %u  nested_ctl %llx  nested_cr3 %016llx  event_inj %08x  intercepts %08x %08x\n",
	       v->control.asid, v->control.nested_ctl, v->control.nested_cr3,
	       v->control.event_inj, v->control.intercept_misc1, v->control.intercept_misc2);
}

/**
 * svm_handle_exit - dispatch on the exit code.  Linux: svm_handle_exit()
 * and its svm_exit_handlers[] table.
 */
static int svm_handle_exit(struct kvm_vcpu *vcpu)
{
	struct vcpu_svm *svm = to_svm(vcpu);
	/*
	 * EXITCODE is 64 bits wide, but every code fits in 32 and
	 * VMEXIT_INVALID (-1) reaches us as 0xffffffff from QEMU, which
	 * writes the low half only; Linux 6.1 reads it as 32 bits too.
	 */
	u32 code = svm->vmcb->control.exit_code;

	switch (code) {
	case SVM_EXIT_ERR:
		dump_vmcb(vcpu);
		kvm_prepare_fail_entry(vcpu, code);
		return 0;
	case SVM_EXIT_INTR:
	case SVM_EXIT_NMI:
	case SVM_EXIT_SMI:
		return 1;	/* the host handled it when interrupts came back on */
	case SVM_EXIT_EXCP_BASE + AC_VECTOR:
		kvm_queue_exception_e(vcpu, AC_VECTOR, 0);
		return 1;
	case SVM_EXIT_EXCP_BASE + DB_VECTOR:
		return svm_db(vcpu);
	case SVM_EXIT_VINTR:
		return svm_vintr(vcpu);
	case SVM_EXIT_WRITE_CR8:
		/* No decode assists under QEMU: find the source register by
		 * decoding the MOV.  Linux: cr_interception(). */
		return kvm_emulate_cr8_write(vcpu);
	case SVM_EXIT_IRET:
		return svm_iret(vcpu);
	case SVM_EXIT_READ_DR0 ... SVM_EXIT_WRITE_DR7:
		return dr_interception(vcpu);
	case SVM_EXIT_RDPMC:
		return kvm_emulate_rdpmc(vcpu);
	case SVM_EXIT_CPUID:
		return kvm_emulate_cpuid(vcpu);
	case SVM_EXIT_HLT:
		return kvm_emulate_halt(vcpu);
	case SVM_EXIT_IOIO:
		return io_interception(vcpu);
	case SVM_EXIT_MSR:
		return msr_interception(vcpu);
	case SVM_EXIT_VMMCALL:
		return kvm_emulate_hypercall(vcpu);
	case SVM_EXIT_INVD:
		return kvm_skip_emulated_instruction(vcpu);	/* a no-op for a guest */
	case SVM_EXIT_NPF: {
		/* EXITINFO2 is the guest-physical address, EXITINFO1 a #PF-style
		 * error code (APM 15.25.6): bit 1 write, bit 3 a reserved bit
		 * set in our table (our bug: stop), bit 4 instruction fetch,
		 * bit 33 the CPU was walking the guest's page tables. */
		u64 err = svm->vmcb->control.exit_info_1;

		if (err & NPF_ERR_RSVD)
			return kvm_unexpected_exit(vcpu, code);
		return kvm_mmu_page_fault(vcpu, svm->vmcb->control.exit_info_2,
					  err & NPF_ERR_WRITE, err & NPF_ERR_FETCH,
					  err & NPF_ERR_GUEST_PT);
	}
	case SVM_EXIT_SHUTDOWN:
		/* The VMCB is undefined after SHUTDOWN (APM 15.12): reset the
		 * whole vCPU, as after power-on, then rebuild the VMCB from it.
		 * Linux: shutdown_interception() -> kvm_vcpu_reset(). */
		kvm_vcpu_reset_state(vcpu);
		init_vmcb(svm);
		svm->nmi_masked = false;
		svm->awaiting_iret_completion = false;
		svm->nmi_singlestep = false;
		vcpu->run->exit_reason = KVM_EXIT_SHUTDOWN;
		return 0;
	case SVM_EXIT_VMRUN:
	case SVM_EXIT_VMLOAD:
	case SVM_EXIT_VMSAVE:
	case SVM_EXIT_STGI:
	case SVM_EXIT_CLGI:
	case SVM_EXIT_SKINIT:
	case SVM_EXIT_INVLPGA:
	case SVM_EXIT_MONITOR:
	case SVM_EXIT_MWAIT:
		return kvm_handle_invalid_op(vcpu);
	default:
		return kvm_unexpected_exit(vcpu, code);
	}
}

/** Why the last exit happened: EXITCODE, EXITINFO1, EXITINFO2 (APM Vol. 2,
 *  15.6), for the kvm_exit tracepoint and the exit counters.
 *  Linux: svm_get_exit_info(). */
static void svm_get_exit_info(struct kvm_vcpu *vcpu, u32 *reason, u64 *info1, u64 *info2)
{
	struct vmcb_control_area *c = &to_svm(vcpu)->vmcb->control;

	*reason = c->exit_code;		/* 32 bits, see svm_handle_exit() */
	if (!info1)
		return;
	*info1 = c->exit_info_1;
	*info2 = c->exit_info_2;
}

/** What minikvm-amd gives the core.  Linux: svm_x86_ops. */
static struct kvm_x86_ops svm_x86_ops = {
	.name = "minikvm-amd",
	.isa = KVM_ISA_SVM,
	.owner = THIS_MODULE,
	.vcpu_size = sizeof(struct vcpu_svm),
	.hardware_enable = svm_hardware_enable,
	.hardware_disable = svm_hardware_disable,
	.vcpu_create = svm_vcpu_create,
	.vcpu_free = svm_vcpu_free,
	.vcpu_load = svm_vcpu_load,
	.vcpu_put = svm_vcpu_put,
	.get_segment = svm_get_segment,
	.set_segment = svm_set_segment,
	.get_idt = svm_get_idt,
	.set_idt = svm_set_idt,
	.get_gdt = svm_get_gdt,
	.set_gdt = svm_set_gdt,
	.set_cr0 = svm_set_cr0,
	.set_cr3 = svm_set_cr3,
	.set_cr4 = svm_set_cr4,
	.set_efer = svm_set_efer,
	.get_rflags = svm_get_rflags,
	.set_rflags = svm_set_rflags,
	.flush_tlb = svm_flush_tlb,
	.vcpu_run = svm_vcpu_run,
	.handle_exit = svm_handle_exit,
	.get_exit_info = svm_get_exit_info,
	.skip_emulated_instruction = svm_skip_emulated_instruction,
	.inject_exception = svm_inject_exception,
	.inject_irq = svm_inject_irq,
	.inject_nmi = svm_inject_nmi,
	.interrupt_allowed = svm_interrupt_allowed,
	.nmi_allowed = svm_nmi_allowed,
	.enable_irq_window = svm_enable_irq_window,
	.update_cr8_intercept = svm_update_cr8_intercept,
	.vcpu_reset = svm_vcpu_reset,
	.enable_nmi_window = svm_enable_nmi_window,
	.get_interrupt_shadow = svm_get_interrupt_shadow,
	.set_interrupt_shadow = svm_set_interrupt_shadow,
	.get_nmi_mask = svm_get_nmi_mask,
	.set_nmi_mask = svm_set_nmi_mask,
	.get_msr = svm_get_msr,
	.set_msr = svm_set_msr,
	.write_tsc_offset = svm_write_tsc_offset,
	.sync_dirty_debug_regs = svm_sync_dirty_debug_regs,
};

/** NPT entries are ordinary x86-64 page-table entries; guest accesses count
 * as user accesses, so U/S must be set at every level (APM 15.25.5). */
static const struct kvm_tdp_format npt_format = NPT_TDP_FORMAT;

/**
 * Can this CPU do what we need?  Each refusal is one dmesg line naming
 * the reason.  Linux: kvm_is_svm_supported().
 */
static int svm_check_processor(void)
{
	u64 vm_cr;

	if (boot_cpu_data.x86_vendor != X86_VENDOR_AMD &&
	    boot_cpu_data.x86_vendor != X86_VENDOR_HYGON) {
		pr_err("minikvm-amd: not an AMD CPU\n");
		return -ENODEV;
	}
	if (!(cpuid_ecx(0x80000001) & CPUID_8000_0001_ECX_SVM)) {
		pr_err("minikvm-amd: this CPU has no SVM (CPUID 8000_0001h ECX[2])\n");
		return -ENODEV;
	}
	rdmsrl(MSR_VM_CR, vm_cr);
	if (vm_cr & SVM_VM_CR_SVM_DISABLE) {
		pr_err("minikvm-amd: SVM is disabled by the firmware (VM_CR.SVMDIS)\n");
		return -ENODEV;
	}
	if (!(cpuid_edx(0x8000000a) & CPUID_8000_000A_EDX_NPT)) {
		pr_err("minikvm-amd: this CPU has no nested paging (CPUID 8000_000Ah EDX[0])\n");
		return -ENODEV;
	}
	nrips = cpuid_edx(0x8000000a) & CPUID_8000_000A_EDX_NRIPS;
	return 0;
}

/** Loading minikvm-amd.ko: check the CPU, build the permission maps,
 *  register with the core (which enables SVM on every CPU and creates the
 *  device).  Linux: svm_init(). */
static int __init svm_init(void)
{
	int r;

	r = svm_check_processor();
	if (r)
		return r;
	/* 12 KiB and 8 KiB, physically contiguous: orders 2 and 1. */
	iopm_pages = alloc_pages(GFP_KERNEL, get_order(IOPM_SIZE));
	msrpm_pages = alloc_pages(GFP_KERNEL, get_order(MSRPM_SIZE));
	if (!iopm_pages || !msrpm_pages) {
		r = -ENOMEM;
		goto err;
	}
	memset(page_address(iopm_pages), 0xff, PAGE_SIZE << get_order(IOPM_SIZE));
	memset(page_address(msrpm_pages), 0xff, PAGE_SIZE << get_order(MSRPM_SIZE));

	r = kvm_x86_vendor_init(&svm_x86_ops, &npt_format);
	if (r)
		goto err;
	pr_info("minikvm-amd: SVM with nested paging enabled (NRIP save: %s)\n",
		nrips ? "yes" : "no");
	return 0;
err:
	if (iopm_pages)
		__free_pages(iopm_pages, get_order(IOPM_SIZE));
	if (msrpm_pages)
		__free_pages(msrpm_pages, get_order(MSRPM_SIZE));
	return r;
}

/** Unloading minikvm-amd.ko.  Linux: svm_exit(). */
static void __exit svm_exit(void)
{
	kvm_x86_vendor_exit();
	__free_pages(iopm_pages, get_order(IOPM_SIZE));
	__free_pages(msrpm_pages, get_order(MSRPM_SIZE));
}

module_init(svm_init);
module_exit(svm_exit);
