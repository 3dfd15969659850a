// SPDX-License-Identifier: GPL-2.0
/**
 * @file cpuid.c
 * @brief The CPUID minivmm shows its guest.
 *
 * A vCPU starts with an empty CPUID table: every leaf reads as zero until
 * userspace fills it with KVM_SET_CPUID2.  Like QEMU, minivmm asks the
 * hypervisor what it can virtualize (KVM_GET_SUPPORTED_CPUID) and gives
 * the guest that, adjusted for what minivmm itself offers.  This file
 * holds the adjustment, which is plain logic; main.c does the ioctls.
 */
#include <linux/kvm.h>

#include "minivmm.h"

/** CPUID leaf 1, ECX: Intel SDM Vol. 2A, CPUID, "Feature Information
 * Returned in the ECX Register"; AMD APM Vol. 3, E.3.2. @{ */
#define CPUID_1_ECX_VMX			(1u << 5)	/**< Virtual Machine Extensions */
#define CPUID_1_ECX_HYPERVISOR		(1u << 31)	/**< "not used" by CPUs, set by hypervisors */
/** @} */
/** CPUID Fn8000_0001 ECX: AMD APM Vol. 3, E.4.2. */
#define CPUID_80000001_ECX_SVM		(1u << 2)	/**< Secure Virtual Machine */
/** CPUID Fn8000_000A, the SVM feature leaf: AMD APM Vol. 3, appendix E.
 * It is defined only when Fn8000_0001_ECX[SVM] = 1. */
#define CPUID_SVM_FEATURES		0x8000000au

/**
 * Turn KVM_GET_SUPPORTED_CPUID's table into the guest's CPUID:
 *  - set the hypervisor bit (leaf 1 ECX bit 31).  KVM leaves it clear
 *    (Linux 6.1 masks it out of CPUID_1_ECX in kvm_set_cpu_caps()), and
 *    QEMU sets it itself (kvm_arch_get_supported_cpuid()).  It tells the
 *    guest it runs virtualized, and to look at leaf 0x40000000, where
 *    KVM's table already has its "KVMKVMKVM" signature.
 *  - clear VMX (leaf 1 ECX bit 5) and SVM (leaf 0x80000001 ECX bit 2),
 *    and empty the SVM feature leaf 0x8000000a as KVM does when it has
 *    no SVM to offer (Linux: __do_cpuid_func()).  kvm-intel and kvm-amd
 *    can run nested guests, so KVM advertises one of them; minivmm
 *    cannot (it would have to save and restore the nested state), and a
 *    guest that saw the bit would try.  QEMU, too, offers them only when
 *    asked ("-cpu ...,+vmx" or "+svm").
 *
 * Returns the number of entries changed.
 */
int vmm_cpuid_filter(struct kvm_cpuid2 *cpuid)
{
	int changed = 0;

	for (uint32_t i = 0; i < cpuid->nent; i++) {
		struct kvm_cpuid_entry2 *e = &cpuid->entries[i];
		struct kvm_cpuid_entry2 before = *e;

		switch (e->function) {
		case 1:
			e->ecx |= CPUID_1_ECX_HYPERVISOR;
			e->ecx &= ~CPUID_1_ECX_VMX;
			break;
		case 0x80000001u:
			e->ecx &= ~CPUID_80000001_ECX_SVM;
			break;
		case CPUID_SVM_FEATURES:
			e->eax = e->ebx = e->ecx = e->edx = 0;
			break;
		}
		if (e->eax != before.eax || e->ebx != before.ebx ||
		    e->ecx != before.ecx || e->edx != before.edx)
			changed++;
	}
	return changed;
}

/** CPUID leaf 1 EBX bits 31:24, "Initial APIC ID" (Intel SDM Vol. 2A,
 *  CPUID, Table 3-8; AMD APM Vol. 3, E.3.2 "LocalApicId"). */
#define CPUID_1_EBX_APIC_ID_SHIFT	24
/** CPUID leaf 0xB, "Extended Topology Enumeration": EDX of every subleaf
 *  is the x2APIC ID of the logical processor (Intel SDM Vol. 2A, CPUID). */
#define CPUID_EXT_TOPOLOGY		0xbu
/** CPUID leaf 0x1F, "V2 Extended Topology Enumeration": EDX likewise. */
#define CPUID_EXT_TOPOLOGY_V2		0x1fu

/**
 * Make @cpuid the table of the vCPU whose APIC ID is @apic_id: the
 * initial APIC ID in leaf 1 EBX[31:24], and the x2APIC ID in EDX of
 * each subleaf of leaves 0xB and 0x1F that the table has.  KVM's
 * supported table says 0 there, for no vCPU in particular; a guest reads
 * its own processor's ID here before its APIC is even enabled (Linux's
 * early boot, the MP spec's "which CPU am I").  QEMU: cpu_x86_cpuid()
 * (leaf 1, "cpu->apic_id << 24"); kvmtool: kvm_cpu__setup_cpuid().
 * minivmm gives vCPU n the APIC ID n, which is what KVM gives its local
 * APIC (Linux: kvm_lapic_reset() sets the ID register from vcpu_id).
 *
 * Returns the number of entries changed.
 */
int vmm_cpuid_set_apic_id(struct kvm_cpuid2 *cpuid, uint32_t apic_id)
{
	int changed = 0;

	for (uint32_t i = 0; i < cpuid->nent; i++) {
		struct kvm_cpuid_entry2 *e = &cpuid->entries[i];

		switch (e->function) {
		case 1:
			e->ebx = (e->ebx & ((1u << CPUID_1_EBX_APIC_ID_SHIFT) - 1)) |
				 (apic_id & 0xff) << CPUID_1_EBX_APIC_ID_SHIFT;
			changed++;
			break;
		case CPUID_EXT_TOPOLOGY:
		case CPUID_EXT_TOPOLOGY_V2:
			e->edx = apic_id;
			changed++;
			break;
		}
	}
	return changed;
}

/** CPUID leaf 1 ECX, local APIC features (Intel SDM Vol. 2A, CPUID). @{ */
#define CPUID_1_ECX_X2APIC		(1u << 21)	/**< x2APIC mode available */
#define CPUID_1_ECX_TSC_DEADLINE	(1u << 24)	/**< the APIC timer's TSC-deadline mode */
/** @} */

/**
 * The local APIC's CPUID bits, which KVM_GET_SUPPORTED_CPUID does not
 * settle by itself: the APIC is KVM's only when the irqchip is in the
 * kernel (@kernel_apic).  Then TSC-deadline mode is offered if KVM has
 * KVM_CAP_TSC_DEADLINE_TIMER (@tsc_deadline): KVM emulates it in
 * software but leaves it out of the supported table, for the VMM to
 * add.  Without a kernel APIC, x2APIC is taken away: KVM reports it
 * because it can emulate it, but no userspace APIC of minivmm's could.
 * QEMU does the same in kvm_arch_get_supported_cpuid().
 *
 * Returns the number of entries changed.
 */
int vmm_cpuid_apic_features(struct kvm_cpuid2 *cpuid, int kernel_apic, int tsc_deadline)
{
	int changed = 0;

	for (uint32_t i = 0; i < cpuid->nent; i++) {
		struct kvm_cpuid_entry2 *e = &cpuid->entries[i];
		uint32_t before = e->ecx;

		if (e->function != 1)
			continue;
		if (kernel_apic && tsc_deadline)
			e->ecx |= CPUID_1_ECX_TSC_DEADLINE;
		if (!kernel_apic)
			e->ecx &= ~(CPUID_1_ECX_X2APIC | CPUID_1_ECX_TSC_DEADLINE);
		changed += e->ecx != before;
	}
	return changed;
}
