// SPDX-License-Identifier: GPL-2.0
/* The guest's CPUID: KVM's table with the hypervisor bit set and nested
 * virtualization (VMX, SVM and its feature leaf) taken out. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <linux/kvm.h>

#include "minivmm.h"

#define NENT 5

/* A table shaped like KVM_GET_SUPPORTED_CPUID's on a host with nested
 * virtualization: VMX and SVM both on, to see each cleared. */
static struct kvm_cpuid2 *table(void)
{
	struct kvm_cpuid2 *c = calloc(1, sizeof(*c) + NENT * sizeof(c->entries[0]));

	c->nent = NENT;
	c->entries[0] = (struct kvm_cpuid_entry2) { .function = 0, .eax = 0xd,
		.ebx = 0x68747541, .ecx = 0x444d4163, .edx = 0x69746e65 };
	c->entries[1] = (struct kvm_cpuid_entry2) { .function = 1, .eax = 0x830f10,
		.ebx = 0x800, .ecx = 0x7ed8322b, .edx = 0x178bfbff };
	c->entries[2] = (struct kvm_cpuid_entry2) { .function = 0x40000000,
		.eax = 0x40000001, .ebx = 0x4b4d564b, .ecx = 0x564b4d56, .edx = 0x4d };
	c->entries[3] = (struct kvm_cpuid_entry2) { .function = 0x80000001,
		.ecx = 0x000003f7, .edx = 0x2fd3fbff };
	c->entries[4] = (struct kvm_cpuid_entry2) { .function = 0x8000000a,
		.eax = 1, .ebx = 8, .edx = 0x1 };
	return c;
}

Test(vmm_cpuid, leaf_1_gets_hypervisor_and_loses_vmx_and_nothing_else)
{
	struct kvm_cpuid2 *c = table();

	vmm_cpuid_filter(c);
	/* 0x7ed8322b: bit 5 (VMX) cleared, bit 31 (hypervisor) set. */
	cr_assert_eq(c->entries[1].ecx, 0xfed8320b);
	cr_assert_eq(c->entries[1].eax, 0x830f10);
	cr_assert_eq(c->entries[1].ebx, 0x800);
	cr_assert_eq(c->entries[1].edx, 0x178bfbff);
	free(c);
}

Test(vmm_cpuid, svm_bit_and_svm_feature_leaf_are_cleared)
{
	struct kvm_cpuid2 *c = table();

	vmm_cpuid_filter(c);
	cr_assert_eq(c->entries[3].ecx, 0x000003f3);	/* bit 2 gone */
	cr_assert_eq(c->entries[3].edx, 0x2fd3fbff);
	cr_assert_eq(c->entries[4].eax, 0);
	cr_assert_eq(c->entries[4].ebx, 0);
	cr_assert_eq(c->entries[4].ecx, 0);
	cr_assert_eq(c->entries[4].edx, 0);
	cr_assert_eq(c->entries[4].function, 0x8000000a, "the leaf itself stays");
	free(c);
}

Test(vmm_cpuid, vendor_and_kvm_signature_leaves_are_untouched)
{
	struct kvm_cpuid2 *c = table(), *orig = table();

	cr_assert_eq(vmm_cpuid_filter(c), 3, "leaves 1, 0x80000001, 0x8000000a change");
	cr_assert_arr_eq(&c->entries[0], &orig->entries[0], sizeof(c->entries[0]));
	cr_assert_arr_eq(&c->entries[2], &orig->entries[2], sizeof(c->entries[2]));
	free(c);
	free(orig);
}

Test(vmm_cpuid, a_table_already_right_is_left_alone)
{
	struct kvm_cpuid2 *c = table();

	vmm_cpuid_filter(c);
	cr_assert_eq(vmm_cpuid_filter(c), 0);
	free(c);
}

Test(vmm_cpuid, apic_id_goes_to_leaf_1_ebx_bits_31_24_and_nothing_else)
{
	struct kvm_cpuid2 *c = table();

	cr_assert_eq(vmm_cpuid_set_apic_id(c, 3), 1);
	/* 0x800: CLFLUSH line size 8 (bits 15:8) stays; the ID is bits 31:24. */
	cr_assert_eq(c->entries[1].ebx, 0x03000800);
	cr_assert_eq(c->entries[1].eax, 0x830f10);
	cr_assert_eq(c->entries[1].ecx, 0x7ed8322b);
	cr_assert_eq(c->entries[0].ebx, 0x68747541);
	/* A second call replaces the ID, it does not OR into it. */
	vmm_cpuid_set_apic_id(c, 4);
	cr_assert_eq(c->entries[1].ebx, 0x04000800);
	free(c);
}

Test(vmm_cpuid, apic_id_is_the_x2apic_id_of_every_leaf_0xb_subleaf)
{
	struct kvm_cpuid2 *c = calloc(1, sizeof(*c) + 3 * sizeof(c->entries[0]));

	c->nent = 3;
	c->entries[0] = (struct kvm_cpuid_entry2) { .function = 0xb, .index = 0,
		.eax = 1, .ebx = 1, .ecx = 0x100 };
	c->entries[1] = (struct kvm_cpuid_entry2) { .function = 0xb, .index = 1,
		.eax = 4, .ebx = 4, .ecx = 0x201 };
	c->entries[2] = (struct kvm_cpuid_entry2) { .function = 0xd, .edx = 7 };
	cr_assert_eq(vmm_cpuid_set_apic_id(c, 5), 2);
	cr_assert_eq(c->entries[0].edx, 5);
	cr_assert_eq(c->entries[1].edx, 5);
	cr_assert_eq(c->entries[1].ecx, 0x201);
	cr_assert_eq(c->entries[2].edx, 7);
	free(c);
}

Test(vmm_cpuid, tsc_deadline_is_added_only_with_a_kernel_apic_and_the_capability)
{
	struct kvm_cpuid2 *c = table();

	/* 0x7ed8322b has x2APIC (bit 21) and TSC-deadline (bit 24) clear. */
	cr_assert_eq(vmm_cpuid_apic_features(c, 1, 1), 1);
	cr_assert_eq(c->entries[1].ecx, 0x7ed8322b | (1u << 24));
	free(c);
	c = table();
	cr_assert_eq(vmm_cpuid_apic_features(c, 1, 0), 0);
	cr_assert_eq(c->entries[1].ecx, 0x7ed8322b);
	free(c);
	c = table();
	c->entries[1].ecx |= 1u << 21 | 1u << 24;	/* as KVM reports x2APIC */
	cr_assert_eq(vmm_cpuid_apic_features(c, 0, 1), 1);
	cr_assert_eq(c->entries[1].ecx, 0x7ed8322b);
	free(c);
}
