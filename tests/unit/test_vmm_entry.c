// SPDX-License-Identifier: GPL-2.0
/* --invalid-state's 64-bit state, byte for byte, and the words minivmm
 * prints for a failed VM entry. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <linux/kvm.h>

#include "minivmm.h"

static uint64_t get64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

Test(vmm_entry, page_tables_identity_map_the_first_gib_with_2m_pages)
{
	size_t size = 0x10000;
	uint8_t *mem = malloc(size);
	uint64_t cr3 = 0;

	memset(mem, 0xaa, size);
	cr_assert_eq(vmm_build_identity_map(mem, size, 0x1000, &cr3), 0);
	cr_assert_eq(cr3, 0x1000);
	/* PML4[0] -> PDPT at 0x2000, present + writable. */
	cr_assert_eq(get64(mem + 0x1000), 0x2003);
	/* PDPT[0] -> PD at 0x3000, present + writable. */
	cr_assert_eq(get64(mem + 0x2000), 0x3003);
	/* PD[i] maps i * 2 MiB: present + writable + PS (bit 7). */
	cr_assert_eq(get64(mem + 0x3000), 0x83);
	cr_assert_eq(get64(mem + 0x3008), 0x200083);
	cr_assert_eq(get64(mem + 0x3000 + 8 * 511), 0x3fe00083);
	/* The exact bytes of the first PDE, little-endian. */
	cr_assert_arr_eq(mem + 0x3008, ((uint8_t[]){ 0x83, 0, 0x20, 0, 0, 0, 0, 0 }), 8);
	free(mem);
}

Test(vmm_entry, page_tables_have_no_other_entries_and_stay_in_their_pages)
{
	size_t size = 0x10000;
	uint8_t *mem = malloc(size);
	uint64_t cr3;

	memset(mem, 0xaa, size);
	cr_assert_eq(vmm_build_identity_map(mem, size, 0x1000, &cr3), 0);
	for (int i = 1; i < 512; i++) {
		cr_assert_eq(get64(mem + 0x1000 + 8 * i), 0, "PML4[%d]", i);
		cr_assert_eq(get64(mem + 0x2000 + 8 * i), 0, "PDPT[%d]", i);
	}
	cr_assert_eq(mem[0x0fff], 0xaa, "below the tables");
	cr_assert_eq(mem[0x4000], 0xaa, "above the tables");
	free(mem);
}

Test(vmm_entry, page_tables_that_do_not_fit_or_are_misaligned_are_refused)
{
	uint8_t mem[0x4000];
	uint64_t cr3 = 0x55;

	cr_assert_eq(vmm_build_identity_map(mem, sizeof(mem), 0x1001, &cr3), -1);
	cr_assert_eq(vmm_build_identity_map(mem, sizeof(mem), 0x2000, &cr3), -1);
	cr_assert_eq(vmm_build_identity_map(mem, sizeof(mem), 0x5000, &cr3), -1);
	cr_assert_eq(cr3, 0x55, "cr3 untouched on failure");
	cr_assert_eq(vmm_build_identity_map(mem, sizeof(mem), 0x1000, &cr3), 0,
		     "the tables end exactly at the end of RAM");
}

Test(vmm_entry, long_mode_sregs_are_a_valid_64_bit_state)
{
	struct kvm_sregs s;

	memset(&s, 0, sizeof(s));
	s.tr.type = 11;		/* KVM's reset TR: a busy TSS, kept as is */
	vmm_long_mode_sregs(&s, 0x1000);
	cr_assert_eq(s.cr0, 0x80010033, "PG WP NE ET MP PE");
	cr_assert_eq(s.cr3, 0x1000);
	cr_assert_eq(s.cr4, 0x20, "PAE");
	cr_assert_eq(s.efer, 0x500, "LMA LME");
	cr_assert_eq(s.cs.selector, 0x08);
	cr_assert_eq(s.cs.type, 0xb);
	cr_assert_eq(s.cs.l, 1);
	cr_assert_eq(s.cs.db, 0, "L=1 with D=1 is the invalid combination");
	cr_assert_eq(s.cs.s, 1);
	cr_assert_eq(s.cs.present, 1);
	cr_assert_eq(s.cs.dpl, 0);
	cr_assert_eq(s.ss.selector, 0x10);
	cr_assert_eq(s.ss.type, 0x3);
	cr_assert_eq(s.ss.l, 0);
	cr_assert_eq(s.ss.db, 1);
	cr_assert_arr_eq(&s.ds, &s.ss, sizeof(s.ss));
	cr_assert_arr_eq(&s.es, &s.ss, sizeof(s.ss));
	cr_assert_arr_eq(&s.fs, &s.ss, sizeof(s.ss));
	cr_assert_arr_eq(&s.gs, &s.ss, sizeof(s.ss));
	cr_assert_eq(s.tr.type, 11, "TR is left alone");
}

Test(vmm_entry, failed_entry_reasons_are_named)
{
	char buf[160];

	cr_assert(strstr(vmm_fail_entry_reason(0xffffffffull, buf, sizeof(buf)),
			 "SVM VMEXIT_INVALID"), "%s", buf);
	cr_assert(strstr(vmm_fail_entry_reason(~0ull, buf, sizeof(buf)),
			 "SVM VMEXIT_INVALID"), "%s", buf);
	cr_assert(strstr(vmm_fail_entry_reason(0x80000021, buf, sizeof(buf)),
			 "basic exit reason 33: invalid guest state"), "%s", buf);
	cr_assert(strstr(vmm_fail_entry_reason(0x80000022, buf, sizeof(buf)),
			 "basic exit reason 34: MSR loading"), "%s", buf);
	cr_assert(strstr(vmm_fail_entry_reason(7, buf, sizeof(buf)),
			 "VM-instruction error 7"), "%s", buf);
}

Test(vmm_entry, multiboot_entry_is_flat_32_bit_protected_mode_without_paging)
{
	struct kvm_sregs s;

	memset(&s, 0x55, sizeof(s));
	vmm_flat32_sregs(&s);
	cr_assert_eq(s.cr0, 0x11, "PE and ET only: PG clear (Multiboot 3.2)");
	cr_assert_eq(s.cr3, 0);
	cr_assert_eq(s.cr4, 0);
	cr_assert_eq(s.efer, 0, "no long mode");
	cr_assert_eq(s.cs.base, 0);
	cr_assert_eq(s.cs.limit, 0xffffffff);
	cr_assert_eq(s.cs.selector, 0x08);
	cr_assert_eq(s.cs.type, 0xb, "execute/read");
	cr_assert_eq(s.cs.db, 1, "32-bit");
	cr_assert_eq(s.cs.l, 0);
	cr_assert_eq(s.cs.g, 1);
	cr_assert_eq(s.cs.present, 1);
	cr_assert_eq(s.ds.base, 0);
	cr_assert_eq(s.ds.limit, 0xffffffff);
	cr_assert_eq(s.ds.selector, 0x10);
	cr_assert_eq(s.ds.type, 0x3, "read/write");
	cr_assert_eq(s.ds.db, 1);
	cr_assert_arr_eq(&s.es, &s.ds, sizeof(s.ds));
	cr_assert_arr_eq(&s.fs, &s.ds, sizeof(s.ds));
	cr_assert_arr_eq(&s.gs, &s.ds, sizeof(s.ds));
	cr_assert_arr_eq(&s.ss, &s.ds, sizeof(s.ds));
}
