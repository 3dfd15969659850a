// SPDX-License-Identifier: GPL-2.0
/**
 * @file cpuid.c
 * @brief What the guest sees when it executes CPUID.
 *
 * CPUID always exits on VMX and we intercept it on SVM, so the guest sees
 * exactly the table the VMM gave with KVM_SET_CPUID2.  The VMM builds that
 * table from KVM_GET_SUPPORTED_CPUID: the host's values with what we
 * cannot virtualize taken out.  Linux: arch/x86/kvm/cpuid.c.
 */
#include <linux/kvm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <asm/processor.h>

#include <minikvm/kvm_host.h>

/** Feature bits (Intel SDM Vol. 2A, CPUID, Tables 3-10/3-11; AMD APM Vol. 3,
 * appendix E.4.2). @{ */
#define CPUID1_ECX_MONITOR	BIT(3)	/**< leaf 1 ECX: MONITOR/MWAIT */
/** Leaf 1 EDX: the processor serial number, debug store, thermal monitor
 *  and clock control (ACPI), thermal monitor, pending break enable: each
 *  comes with MSRs we do not have. */
#define CPUID1_EDX_HOST_ONLY	(BIT(18) | BIT(21) | BIT(22) | BIT(29) | BIT(31))
#define CPUID1_ECX_VMX		BIT(5)	/**< leaf 1 ECX: VMX */
#define CPUID1_ECX_HYPERVISOR	BIT(31)	/**< leaf 1 ECX: reserved by the CPU for us */
#define CPUID_8000_0001_ECX_SVM	BIT(2)	/**< leaf 0x80000001 ECX: SVM */
/** @} */

/** Basic leaves we pass through; above this a guest sees zeros.  That
 *  includes the TSC and core-crystal frequencies of leaves 0x15 and 0x16:
 *  KVM reports them as zeros too, and a VMM that knows the rate
 *  (KVM_GET_TSC_KHZ) fills them in itself. */
#define MAX_BASIC_LEAF		0x0d
/** Leaves whose ECX selects a sub-leaf, and how many we report. */
static const struct { u32 leaf, nr_subleaves; } indexed_leaves[] = {
	{ 0x04, 4 },	/* deterministic cache parameters */
	{ 0x07, 1 },	/* structured extended features */
	{ 0x0b, 2 },	/* extended topology */
	{ 0x0d, 2 },	/* XSAVE state */
};

/**
 * The host kernel's view first: a feature the kernel turned off (a boot
 * option, a CPU erratum, an XSAVE layout it did not trust) stays off for
 * the guest, because the host does not manage its state - the guest
 * would find XSAVE, say, and the host would not switch its XCR0.  KVM
 * starts from the same words (boot_cpu_data.x86_capability, in
 * kvm_set_cpu_caps()).  Only the feature leaves; the others describe the
 * CPU, not what the kernel enabled.
 */
static void mask_with_host_caps(struct kvm_cpuid_entry2 *e)
{
	const u32 *caps = boot_cpu_data.x86_capability;

	if (e->function == 0x01) {
		e->ecx &= caps[CPUID_1_ECX];
		e->edx &= caps[CPUID_1_EDX];
	} else if (e->function == 0x07 && e->index == 0) {
		e->ebx &= caps[CPUID_7_0_EBX];
		e->ecx &= caps[CPUID_7_ECX];
		e->edx &= caps[CPUID_7_EDX];
	} else if (e->function == 0x0d && !cpu_feature_enabled(X86_FEATURE_XSAVE)) {
		e->eax = e->ebx = e->ecx = e->edx = 0;	/* no XSAVE state at all */
	}
}

/**
 * Take out what we do not virtualize: VMX and SVM (no nested guests),
 * MONITOR/MWAIT (intercepted), features whose MSRs we lack,
 * and say "you are a guest" with the hypervisor bit.
 * Linux: kvm_set_cpu_caps() + __do_cpuid_func().
 */
static void filter_entry(struct kvm_cpuid_entry2 *e)
{
	mask_with_host_caps(e);
	switch (e->function) {
	case 0x01:
		/* MONITOR and MWAIT exit on both vendors and are #UD for the
		 * guest (a guest's MWAIT must not idle the host's CPU): do not
		 * offer them.  Linux's intel_idle used them after init and
		 * died of the #UD.  KVM leaves the bit out as well. */
		e->ecx &= ~(CPUID1_ECX_VMX | CPUID1_ECX_MONITOR);
		/* Linux read IA32_THERM_INTERRUPT because of ACPI, and took
		 * the #GP.  KVM takes the same five out (kvm_set_cpu_caps()). */
		e->edx &= ~CPUID1_EDX_HOST_ONLY;
		e->ecx |= CPUID1_ECX_HYPERVISOR;
		break;
	case 0x80000001:
		e->ecx &= ~CPUID_8000_0001_ECX_SVM;
		break;
	case 0x8000000a:	/* SVM features: none for the guest */
		e->eax = e->ebx = e->ecx = e->edx = 0;
		break;
	}
}

/** How many sub-leaves of @leaf we report; 0 if ECX does not matter. */
static u32 subleaves_of(u32 leaf)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(indexed_leaves); i++)
		if (indexed_leaves[i].leaf == leaf)
			return indexed_leaves[i].nr_subleaves;
	return 0;
}

/** Append leaf/subleaf, filtered; false when @max entries are used up. */
static bool add_entry(struct kvm_cpuid_entry2 *out, u32 *n, u32 max, u32 leaf, u32 index, u32 flags)
{
	struct kvm_cpuid_entry2 *e;

	if (*n >= max)
		return false;
	e = &out[(*n)++];
	memset(e, 0, sizeof(*e));
	e->function = leaf;
	e->index = index;
	e->flags = flags;
	cpuid_count(leaf, index, &e->eax, &e->ebx, &e->ecx, &e->edx);
	filter_entry(e);
	return true;
}

/** Fill @out with the supported leaves; -E2BIG when @max is too small.
 *  Linux: kvm_dev_ioctl_get_cpuid() -> get_cpuid_func(). */
static int fill_supported_cpuid(struct kvm_cpuid_entry2 *out, u32 max, u32 *n)
{
	u32 leaf, sub, nsub, max_basic, max_ext;

	*n = 0;
	max_basic = min_t(u32, cpuid_eax(0), MAX_BASIC_LEAF);
	max_ext = cpuid_eax(0x80000000);

	for (leaf = 0; leaf <= max_basic; leaf++) {
		nsub = subleaves_of(leaf);
		if (!nsub) {
			if (!add_entry(out, n, max, leaf, 0, 0))
				return -E2BIG;
			continue;
		}
		for (sub = 0; sub < nsub; sub++)
			if (!add_entry(out, n, max, leaf, sub,
				       KVM_CPUID_FLAG_SIGNIFCANT_INDEX))
				return -E2BIG;
	}
	/* Basic leaf 0 must admit to no more than we give. */
	out[0].eax = max_basic;

	for (leaf = 0x80000000; leaf <= max_ext && leaf <= 0x80000021; leaf++)
		if (!add_entry(out, n, max, leaf, 0, 0))
			return -E2BIG;
	return 0;
}

/**
 * kvm_dev_ioctl_get_cpuid - KVM_GET_SUPPORTED_CPUID.
 * The caller says in nent how many entries fit; too few is -E2BIG, as in
 * KVM, and on success nent says how many were written.
 * Linux: kvm_dev_ioctl_get_cpuid().
 */
int kvm_dev_ioctl_get_cpuid(struct kvm_cpuid2 __user *ucpuid)
{
	struct kvm_cpuid2 hdr;
	struct kvm_cpuid_entry2 *entries;
	u32 n;
	int r;

	if (copy_from_user(&hdr, ucpuid, sizeof(hdr)))
		return -EFAULT;
	if (hdr.nent < 1)
		return -E2BIG;
	hdr.nent = min_t(u32, hdr.nent, KVM_MAX_CPUID_ENTRIES);

	entries = kvcalloc(hdr.nent, sizeof(*entries), GFP_KERNEL);
	if (!entries)
		return -ENOMEM;
	r = fill_supported_cpuid(entries, hdr.nent, &n);
	if (r)
		goto out;
	r = -EFAULT;
	hdr.nent = n;
	if (copy_to_user(ucpuid, &hdr, sizeof(hdr)) ||
	    copy_to_user(ucpuid->entries, entries, n * sizeof(*entries)))
		goto out;
	r = 0;
out:
	kvfree(entries);
	return r;
}

/**
 * kvm_check_cpuid - what KVM refuses in any CPUID table: a virtual-address
 * width (CPUID 0x80000008 EAX[15:8], AMD APM Vol. 3, E.4.7) other than 48
 * or 57 bits (or 0, not said), which its canonical-address checks could
 * not follow.  -EINVAL then.  Linux: kvm_check_cpuid() (which also turns on
 * the dynamic XSAVE features a table offers: we offer none).
 */
static int kvm_check_cpuid(const struct kvm_cpuid_entry2 *e, int nent)
{
	int i, vaddr_bits;

	for (i = 0; i < nent; i++) {
		if (e[i].function != 0x80000008)
			continue;
		vaddr_bits = (e[i].eax >> 8) & 0xff;
		if (vaddr_bits != 48 && vaddr_bits != 57 && vaddr_bits != 0)
			return -EINVAL;
		break;
	}
	return 0;
}

/**
 * cpuid_runtime_bits - the bits of entry @e that KVM keeps up to date
 * itself while the guest runs, so that a VMM's table never decides them:
 * CPUID.1 EDX.APIC (APIC_BASE's enable bit), ECX.OSXSAVE (CR4.OSXSAVE, on
 * a host with XSAVE), CPUID.7.0 ECX.OSPKE (CR4.PKE, on a host with
 * protection keys), and the XSAVE area sizes of CPUID.0xD.0 EBX and, if
 * XSAVEC or XSAVES, CPUID.0xD.1 EBX (XCR0).  KVM writes its current
 * values into a new table before comparing it (KVM_SET_CPUID2 after
 * KVM_RUN), so these bits never make two tables differ.  Their masks go
 * into @m, one per register EAX..EDX.
 * Linux: __kvm_update_cpuid_runtime() (the bits it changes).
 */
static void cpuid_runtime_bits(const struct kvm_cpuid_entry2 *e, u32 m[4])
{
	m[0] = m[1] = m[2] = m[3] = 0;
	if (e->function == 1) {
		m[3] = BIT(9);				/* EDX.APIC */
		if (boot_cpu_has(X86_FEATURE_XSAVE))
			m[2] = BIT(27);			/* ECX.OSXSAVE */
	} else if (e->function == 7 && e->index == 0 && boot_cpu_has(X86_FEATURE_PKU)) {
		m[2] = BIT(4);				/* ECX.OSPKE */
	} else if (e->function == 0xd && e->index == 0) {
		m[1] = ~0u;				/* EBX: size for XCR0 */
	} else if (e->function == 0xd && e->index == 1 && (e->eax & (BIT(1) | BIT(3)))) {
		m[1] = ~0u;				/* EBX: compacted size */
	}
}

/** Is @e (@nent entries) the vCPU's table, entry for entry (padding and
 *  the bits of cpuid_runtime_bits() aside)?  Linux: kvm_cpuid_check_equal(). */
static bool cpuid_equal(struct kvm_vcpu *vcpu, const struct kvm_cpuid_entry2 *e, int nent)
{
	const struct kvm_cpuid_entry2 *o = vcpu->arch.cpuid_entries;
	u32 m[4];
	int i;

	if (nent != vcpu->arch.cpuid_nent)
		return false;
	for (i = 0; i < nent; i++) {
		cpuid_runtime_bits(&e[i], m);
		if (e[i].function != o[i].function || e[i].index != o[i].index ||
		    e[i].flags != o[i].flags || (e[i].eax ^ o[i].eax) & ~m[0] ||
		    (e[i].ebx ^ o[i].ebx) & ~m[1] || (e[i].ecx ^ o[i].ecx) & ~m[2] ||
		    (e[i].edx ^ o[i].edx) & ~m[3])
			return false;
	}
	return true;
}

/**
 * kvm_vcpu_ioctl_set_cpuid2 - KVM_SET_CPUID2: the table this vCPU's
 * CPUID answers from.  Linux: kvm_vcpu_ioctl_set_cpuid2().
 */
int kvm_vcpu_ioctl_set_cpuid2(struct kvm_vcpu *vcpu, struct kvm_cpuid2 __user *ucpuid)
{
	struct kvm_cpuid2 hdr;
	struct kvm_cpuid_entry2 *entries = NULL;
	int r;

	if (copy_from_user(&hdr, ucpuid, sizeof(hdr)))
		return -EFAULT;
	if (hdr.nent > KVM_MAX_CPUID_ENTRIES)
		return -E2BIG;
	if (hdr.nent) {
		entries = vmemdup_user(ucpuid->entries, hdr.nent * sizeof(*entries));
		if (IS_ERR(entries))
			return PTR_ERR(entries);
	}
	/*
	 * Once the guest has run it may have acted on what CPUID told it
	 * (its physical-address width, the XSAVE area's size, the features
	 * it enabled): a new table now would contradict it.  KVM takes only
	 * the same table again, entry for entry (a VMM that reuses a vCPU for
	 * a CPU plugged back in sends it once more), and refuses any other
	 * with -EINVAL; so do we.  (The fuzzer's --diff found minikvm taking
	 * any table at any time.)  Linux: kvm_set_cpuid(),
	 * kvm_cpuid_check_equal().
	 */
	if (kvm_vcpu_has_run(vcpu)) {
		r = cpuid_equal(vcpu, entries, hdr.nent) ? 0 : -EINVAL;
		kvfree(entries);
		return r;
	}
	r = kvm_check_cpuid(entries, hdr.nent);
	if (r) {
		kvfree(entries);
		return r;
	}
	kvfree(vcpu->arch.cpuid_entries);
	vcpu->arch.cpuid_entries = entries;
	vcpu->arch.cpuid_nent = hdr.nent;
	kvm_update_cr4_guest_rsvd_bits(vcpu);
	return 0;
}

/** The entry of the vCPU's table for @function/@index, or NULL.  The index
 *  counts only for leaves flagged KVM_CPUID_FLAG_SIGNIFCANT_INDEX.
 *  Linux: kvm_find_cpuid_entry_index(). */
struct kvm_cpuid_entry2 *kvm_find_cpuid_entry(struct kvm_vcpu *vcpu, u32 function, u32 index)
{
	/* EXERCISE 01.1 BEGIN: find the CPUID leaf the guest asked for */
	int i;

	for (i = 0; i < vcpu->arch.cpuid_nent; i++) {
		struct kvm_cpuid_entry2 *e = &vcpu->arch.cpuid_entries[i];

		if (e->function == function &&
		    (!(e->flags & KVM_CPUID_FLAG_SIGNIFCANT_INDEX) || e->index == index))
			return e;
	}
	return NULL;
	/* EXERCISE 01.1 STUB: return NULL; */
	/* EXERCISE END */
}

/**
 * kvm_emulate_cpuid - the guest executed CPUID: answer from the table.
 * A leaf the table lacks reads as zeros.  (KVM goes further and, as Intel
 * CPUs do, answers an out-of-range leaf with the highest basic leaf.)
 * Linux: kvm_emulate_cpuid() + kvm_cpuid().
 */
int kvm_emulate_cpuid(struct kvm_vcpu *vcpu)
{
	/* EXERCISE 01.1 BEGIN: answer CPUID from the table: EAX, EBX, ECX, EDX */
	u32 function = kvm_register_read(vcpu, VCPU_REGS_RAX);
	u32 index = kvm_register_read(vcpu, VCPU_REGS_RCX);
	struct kvm_cpuid_entry2 *e = kvm_find_cpuid_entry(vcpu, function, index);

	/* CPUID writes 32-bit registers, clearing bits 63:32. */
	kvm_register_write(vcpu, VCPU_REGS_RAX, e ? e->eax : 0);
	kvm_register_write(vcpu, VCPU_REGS_RBX, e ? e->ebx : 0);
	kvm_register_write(vcpu, VCPU_REGS_RCX, e ? e->ecx : 0);
	kvm_register_write(vcpu, VCPU_REGS_RDX, e ? e->edx : 0);
	return kvm_skip_emulated_instruction(vcpu);
	/* EXERCISE 01.1 STUB: return -EOPNOTSUPP; */
	/* EXERCISE END */
}
EXPORT_SYMBOL_GPL(kvm_emulate_cpuid);
