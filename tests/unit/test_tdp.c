// SPDX-License-Identifier: GPL-2.0
/* The EPT and NPT entries the MMU writes, byte for byte, and memslot
 * ranges (include/minikvm/tdp.h, used by mmu.c and kvm_main.c). */
#include <criterion/criterion.h>

#include <minikvm/tdp.h>

static const struct kvm_tdp_format ept = EPT_TDP_FORMAT;
static const struct kvm_tdp_format npt = NPT_TDP_FORMAT;

Test(tdp, ept_entries_are_rwx_and_write_back_leaves)
{
	/* Table: R|W|X, no memory type (Intel SDM Vol. 3C, Table 29-2). */
	cr_assert_eq(tdp_table_entry(&ept, 0x1234000), 0x1234007ull);
	/* Leaf: R|W|X and memory type 6 in bits 5:3 (Table 29-6). */
	cr_assert_eq(tdp_leaf_entry(&ept, 0xabcde, true), 0xabcde037ull);
	/* Read-only: bit 1 clear, still readable and executable. */
	cr_assert_eq(tdp_leaf_entry(&ept, 0xabcde, false), 0xabcde035ull);
}

Test(tdp, npt_entries_are_present_writable_user_everywhere)
{
	/* Ordinary page-table entries: P|R/W|U/S (AMD APM Vol. 2, 15.25.5). */
	cr_assert_eq(tdp_table_entry(&npt, 0x1234000), 0x1234007ull);
	cr_assert_eq(tdp_leaf_entry(&npt, 0xabcde, true), 0xabcde007ull);
	cr_assert_eq(tdp_leaf_entry(&npt, 0xabcde, false), 0xabcde005ull);
}

Test(tdp, addresses_stay_in_bits_51_to_12)
{
	/* A page frame above 52 bits of address must not leak into the
	 * high bits (NX on NPT, ignored/suppress-#VE on EPT). */
	cr_assert_eq(tdp_leaf_entry(&npt, 0xffffffffffffull, true) & ~TDP_ADDR_MASK, 0x7ull);
	cr_assert_eq(tdp_table_entry(&ept, 0x1234fff) & ~0xfffull, 0x1234000ull,
		     "an unaligned table address keeps only its frame");
}

Test(tdp, each_level_takes_nine_bits_of_the_address)
{
	u64 gpa = (3ull << 39) | (5ull << 30) | (7ull << 21) | (9ull << 12) | 0xabc;

	cr_assert_eq(tdp_index(gpa, 4), 3);
	cr_assert_eq(tdp_index(gpa, 3), 5);
	cr_assert_eq(tdp_index(gpa, 2), 7);
	cr_assert_eq(tdp_index(gpa, 1), 9);
	cr_assert_eq(tdp_index(0xfffffffffffull, 1), 511);
}

Test(tdp, memslot_lookup_and_overlap_at_the_edges)
{
	/* Slot of 16 pages at gfn 0x100. */
	cr_assert(!memslot_contains(0x100, 16, 0xff));
	cr_assert(memslot_contains(0x100, 16, 0x100));
	cr_assert(memslot_contains(0x100, 16, 0x10f));
	cr_assert(!memslot_contains(0x100, 16, 0x110));
	cr_assert(!memslot_contains(0x100, 0, 0x100), "an empty slot holds nothing");
	/* Far above: no wrap-around when gfn - base is huge. */
	cr_assert(!memslot_contains(0x100, 16, ~0ull));
	/* Adjacent slots do not overlap; one shared frame does. */
	cr_assert(!memslot_ranges_overlap(0x100, 16, 0x110, 16));
	cr_assert(!memslot_ranges_overlap(0x110, 16, 0x100, 16));
	cr_assert(memslot_ranges_overlap(0x100, 16, 0x10f, 1));
	cr_assert(memslot_ranges_overlap(0x100, 16, 0x0, 0x101));
	cr_assert(memslot_ranges_overlap(0x0, 0x1000, 0x100, 16), "containment is overlap");
}

Test(tdp, memslots_end_at_the_hosts_maxphyaddr)
{
	/* QEMU's TCG CPUs have 40 address bits: 1 TiB of guest-physical
	 * space, frames 0 .. 2^28 - 1. */
	cr_assert_eq(tdp_max_gfn(40), (1ull << 28) - 1);
	cr_assert(memslot_below(0, 1ull << 28, tdp_max_gfn(40)), "a 1 TiB slot at 0 fits");
	cr_assert(!memslot_below(1, 1ull << 28, tdp_max_gfn(40)), "one frame higher does not");
	cr_assert(memslot_below((1ull << 28) - 1, 1, tdp_max_gfn(40)), "the last frame alone fits");
	cr_assert(!memslot_below(1ull << 28, 1, tdp_max_gfn(40)));
	/* 4-level tables translate 48 bits, whatever the host has. */
	cr_assert_eq(tdp_max_gfn(52), (1ull << 36) - 1);
	cr_assert_eq(tdp_max_gfn(48), (1ull << 36) - 1);
	cr_assert_eq(tdp_max_gfn(36), (1ull << 24) - 1);
}

Test(tdp, large_leaves_add_bit_7_to_a_leaf)
{
	struct kvm_tdp_format e = EPT_TDP_FORMAT, n = NPT_TDP_FORMAT;

	e.large_bit = EPT_LARGE_PAGE;
	n.large_bit = NPT_LARGE_PAGE;
	/* EPT 2 MiB PDE: R|W|X, memory type 6, bit 7 (SDM Vol. 3C Table 29-4). */
	cr_assert_eq(tdp_large_leaf_entry(&e, 0x12200, true), 0x122000b7ull);
	cr_assert_eq(tdp_large_leaf_entry(&e, 0x12200, false), 0x122000b5ull);
	/* NPT 2 MiB PDE: P|R/W|U/S and PS (APM Vol. 2, 5.3.4). */
	cr_assert_eq(tdp_large_leaf_entry(&n, 0x12200, true), 0x12200087ull);
	cr_assert(tdp_is_large(&n, tdp_large_leaf_entry(&n, 0x12200, true)));
	cr_assert(!tdp_is_large(&n, tdp_table_entry(&n, 0x1234000)), "a table pointer is not a leaf");
	cr_assert(!tdp_is_large(&n, 0), "nor is an empty entry");
	/* A CPU without 2 MiB pages: nothing is ever large. */
	n.large_bit = 0;
	cr_assert(!tdp_is_large(&n, 0x12200087ull));
}

Test(tdp, a_huge_block_must_lie_in_the_slot_at_the_same_offset_as_the_host)
{
	/* 64 MiB at gfn 0 from a 2 MiB-aligned host address: every block fits. */
	cr_assert(tdp_huge_block_fits(0, 0x4000, 0x7f0000000000ull, 0));
	cr_assert(tdp_huge_block_fits(0, 0x4000, 0x7f0000000000ull, 0x3fff), "the last block");
	/* The host address 4 KiB off the 2 MiB grid: no block fits. */
	cr_assert(!tdp_huge_block_fits(0, 0x4000, 0x7f0000001000ull, 0x200));
	/* A slot from gfn 0x100 (1 MiB) and host address 0x...100000: they
	 * agree modulo 2 MiB, but the first block starts below the slot. */
	cr_assert(!tdp_huge_block_fits(0x100, 0x1000, 0x7f0000100000ull, 0x150));
	cr_assert(tdp_huge_block_fits(0x100, 0x1000, 0x7f0000100000ull, 0x200));
	/* ... and the last one ends beyond it (slot ends at 0x1100). */
	cr_assert(tdp_huge_block_fits(0x100, 0x1000, 0x7f0000100000ull, 0xfff));
	cr_assert(!tdp_huge_block_fits(0x100, 0x1000, 0x7f0000100000ull, 0x1000));
	/* A slot smaller than 2 MiB never holds a block. */
	cr_assert(!tdp_huge_block_fits(0x200, 0x1ff, 0x7f0000000000ull, 0x200));
}
