// SPDX-License-Identifier: GPL-2.0
/**
 * @file entry.c
 * @brief VM entry: the 64-bit state behind --invalid-state, and what a
 * failed entry's hardware reason means.  Plain logic, so the unit tests
 * can check every byte.
 *
 * --invalid-state asks for a state that KVM_SET_SREGS accepts but that
 * the processor's own VM-entry checks refuse, on both vendors: 64-bit
 * mode (CR0.PE|PG, CR4.PAE, EFER.LME|LMA, real page tables) with a code
 * segment that has both L and D set.  Everything else about the state is
 * valid, so the entry fails for that one reason:
 *  - Intel SDM Vol. 3C, 26.3.1.2 "Checks on Guest Segment Registers"
 *    (the number moves between editions; the title does not): "If the
 *    guest will be in IA-32e mode and the L bit (bit 13) in the
 *    access-rights field is 1, the D/B bit (bit 14) must be 0."
 *  - AMD APM Vol. 2, 15.5.1 "Basic Operation", the VMRUN consistency
 *    checks: "EFER.LME, CR0.PG, CR4.PAE, CS.L, and CS.D are all
 *    non-zero" makes the state illegal, and VMRUN exits VMEXIT_INVALID.
 * KVM checks neither (kvm_is_valid_sregs() in arch/x86/kvm/x86.c looks at
 * the control registers only) and reports the hardware's refusal as
 * KVM_EXIT_FAIL_ENTRY.
 */
#include <stdio.h>
#include <string.h>
#include <linux/kvm.h>

#include "minivmm.h"

/** Control-register and EFER bits: Intel SDM Vol. 3A, 2.5 "Control
 * Registers" and 2.2.1 "Extended Feature Enable Register"; AMD APM Vol. 2,
 * 3.1 "System-Control Registers". @{ */
#define X86_CR0_PE	(1ull << 0)	/**< protection enable */
#define X86_CR0_MP	(1ull << 1)	/**< monitor coprocessor */
#define X86_CR0_ET	(1ull << 4)	/**< extension type, always 1 */
#define X86_CR0_NE	(1ull << 5)	/**< native x87 error reporting */
#define X86_CR0_WP	(1ull << 16)	/**< write protect in ring 0 */
#define X86_CR0_PG	(1ull << 31)	/**< paging */
#define X86_CR4_PAE	(1ull << 5)	/**< physical address extension */
#define EFER_LME	(1ull << 8)	/**< long mode enable */
#define EFER_LMA	(1ull << 10)	/**< long mode active */
/** @} */

/** 4-level paging entries: Intel SDM Vol. 3A, 4.5 "4-Level Paging and
 * 5-Level Paging", tables 4-15 (PML4E), 4-17 (PDPTE), 4-18 (PDE that
 * maps a 2-MByte page); AMD APM Vol. 2, 5.3 "Long-Mode Page Translation". @{ */
#define PTE_P		(1ull << 0)	/**< present */
#define PTE_RW		(1ull << 1)	/**< writable */
#define PTE_PS		(1ull << 7)	/**< in a PDE: maps a 2-MiB page */
#define PAGE_SIZE_4K	0x1000ull	/**< a page, and a table */
#define PAGE_SIZE_2M	0x200000ull	/**< what one PDE maps */
#define PT_ENTRIES	512		/**< entries in a table */
/** @} */
_Static_assert(LM_MAP_SIZE / PAGE_SIZE_2M == PT_ENTRIES, "LM_MAP_SIZE is one page directory");

/** Segment access-rights types: Intel SDM Vol. 3A, 3.4.5.1 "Code- and
 * Data-Segment Descriptor Types". @{ */
#define SEG_TYPE_CODE_XRA	0xb	/**< execute/read, accessed */
#define SEG_TYPE_DATA_RWA	0x3	/**< read/write, accessed */
/** @} */

/** Store @v at @p, in the guest's byte order. */
static void put64(void *p, uint64_t v)
{
	memcpy(p, &v, sizeof(v));	/* x86 host: little-endian, like the guest */
}

/**
 * Identity-map the first LM_MAP_SIZE bytes of guest-physical memory with
 * 2-MiB pages, in three tables at @base in guest RAM @mem:
 *	base + 0x0000  PML4: entry 0 -> the PDPT
 *	base + 0x1000  PDPT: entry 0 -> the page directory
 *	base + 0x2000  PD:   entry i maps i * 2 MiB, for i = 0..511
 * Every other entry is zero (not present).  On success stores the CR3
 * value in @cr3 (just the PML4 address: PCD = PWT = 0) and returns 0;
 * returns -1 if the tables do not fit in RAM or @base is not 4K-aligned.
 */
int vmm_build_identity_map(void *mem, uint64_t mem_size, uint64_t base,
			   uint64_t *cr3)
{
	uint8_t *pml4, *pdpt, *pd;

	if (base % PAGE_SIZE_4K || base > mem_size || mem_size - base < LM_PT_SIZE)
		return -1;
	pml4 = (uint8_t *)mem + base;
	pdpt = pml4 + PAGE_SIZE_4K;
	pd = pdpt + PAGE_SIZE_4K;
	memset(pml4, 0, LM_PT_SIZE);

	put64(pml4, (base + PAGE_SIZE_4K) | PTE_P | PTE_RW);
	put64(pdpt, (base + 2 * PAGE_SIZE_4K) | PTE_P | PTE_RW);
	for (uint64_t i = 0; i < LM_MAP_SIZE / PAGE_SIZE_2M; i++)
		put64(pd + 8 * i, i * PAGE_SIZE_2M | PTE_P | PTE_RW | PTE_PS);
	*cr3 = base;
	return 0;
}

/**
 * Put @sregs into a valid 64-bit state: protected mode with paging,
 * CR4.PAE, EFER.LME and LMA, CR3 = @cr3, a flat 64-bit ring-0 code
 * segment (L=1, D=0, selector 0x08) and flat data segments (selector
 * 0x10).  TR, LDTR, GDTR and IDTR are left as they are: KVM's reset
 * values (a busy TSS, an unusable LDT) pass the entry checks, and nothing
 * here loads a selector.  The caller breaks one thing to make it invalid.
 */
void vmm_long_mode_sregs(struct kvm_sregs *sregs, uint64_t cr3)
{
	const struct kvm_segment code = {
		.base = 0, .limit = 0xffffffff, .selector = 0x08,
		.type = SEG_TYPE_CODE_XRA, .present = 1, .dpl = 0,
		.db = 0, .s = 1, .l = 1, .g = 1,
	};
	const struct kvm_segment data = {
		.base = 0, .limit = 0xffffffff, .selector = 0x10,
		.type = SEG_TYPE_DATA_RWA, .present = 1, .dpl = 0,
		.db = 1, .s = 1, .l = 0, .g = 1,
	};

	sregs->cr0 = X86_CR0_PE | X86_CR0_MP | X86_CR0_ET | X86_CR0_NE |
		     X86_CR0_WP | X86_CR0_PG;
	sregs->cr3 = cr3;
	sregs->cr4 = X86_CR4_PAE;
	sregs->efer = EFER_LME | EFER_LMA;
	sregs->cs = code;
	sregs->ds = sregs->es = sregs->fs = sregs->gs = sregs->ss = data;
}

/** SVM: AMD APM Vol. 2, 15.5.1 and appendix C "SVM Intercept Exit Codes".
 * Linux 6.1 keeps the VMCB's EXITCODE as two u32 halves and reports only
 * the low one (0xffffffff); kernels with a u64 exit_code report all 64
 * bits.  Either way it cannot be a VMX reason (basic reason 65535). @{ */
#define SVM_EXIT_INVALID	0xffffffffffffffffull	/**< VMEXIT_INVALID, -1 */
#define SVM_EXIT_INVALID_LO	0xffffffffull	/**< its low 32 bits */
/** @} */
/** VMX: Intel SDM Vol. 3C, "Basic VM-Exit Information" (exit reason bit
 * 31) and appendix C "VMX Basic Exit Reasons". @{ */
#define VMX_EXIT_REASONS_FAILED_VMENTRY	0x80000000u	/**< bit 31: VM entry failed */
#define VMX_EXIT_INVALID_GUEST_STATE	33	/**< invalid guest state */
#define VMX_EXIT_MSR_LOAD_FAIL		34	/**< MSR loading failed */
#define VMX_EXIT_MCE_DURING_VMENTRY	41	/**< machine check during VM entry */
/** @} */

/**
 * Say in words what KVM_EXIT_FAIL_ENTRY's hardware_entry_failure_reason
 * @reason means.  KVM puts there the SVM exit code on AMD (always
 * VMEXIT_INVALID) and the full VMX exit reason on Intel (bit 31 set, basic
 * reason in bits 15:0); when VMLAUNCH/VMRESUME itself fails, Intel's KVM
 * reports the VM-instruction error number instead (Linux: svm_handle_exit(),
 * __vmx_handle_exit()).  Writes into @buf and returns it.
 */
const char *vmm_fail_entry_reason(uint64_t reason, char *buf, size_t len)
{
	if (reason == SVM_EXIT_INVALID || reason == SVM_EXIT_INVALID_LO) {
		snprintf(buf, len, "SVM VMEXIT_INVALID: the VMCB failed VMRUN's "
			 "consistency checks (AMD APM Vol. 2, 15.5.1)");
	} else if (reason >> 32 == 0 && (reason & VMX_EXIT_REASONS_FAILED_VMENTRY)) {
		unsigned int basic = reason & 0xffff;

		snprintf(buf, len, "VMX VM-entry failure, basic exit reason %u%s", basic,
			 basic == VMX_EXIT_INVALID_GUEST_STATE ? ": invalid guest state" :
			 basic == VMX_EXIT_MSR_LOAD_FAIL ? ": MSR loading" :
			 basic == VMX_EXIT_MCE_DURING_VMENTRY ? ": machine-check event" : "");
	} else {
		snprintf(buf, len, "VMX VM-instruction error %llu (Intel SDM Vol. 3C, "
			 "\"VM Instruction Error Numbers\")", (unsigned long long)reason);
	}
	return buf;
}
