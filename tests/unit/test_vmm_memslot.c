// SPDX-License-Identifier: GPL-2.0
/* Memory slots' plain logic: the test pattern and the dirty bitmap as page numbers. */
#include <criterion/criterion.h>
#include <string.h>

#include "minivmm.h"

Test(vmm_memslot, the_pattern_is_the_address_xor_the_seed)
{
	uint32_t w[4];

	vmm_pattern_fill(w, 0x20000ff8, sizeof(w), 0x11111111);
	cr_assert_eq(w[0], 0x31111ee9);
	cr_assert_eq(w[1], 0x31111eed);
	cr_assert_eq(w[2], 0x31110111, "the next page");
	cr_assert_eq(w[3], 0x31110115);
	cr_assert_eq(vmm_pattern(0x120000000ull, 0), 0x20000000, "low 32 bits of the address");
}

Test(vmm_memslot, a_check_counts_the_words_that_differ_and_finds_the_first)
{
	uint32_t w[1024];
	uint64_t first = 77;

	vmm_pattern_fill(w, 0x30000000, sizeof(w), RO_FILL_SEED);
	cr_assert_eq(vmm_pattern_check(w, 0x30000000, sizeof(w), RO_FILL_SEED, &first), 0);
	cr_assert_eq(first, 77, "left alone when everything matches");
	cr_assert_neq(vmm_pattern_check(w, 0x30001000, sizeof(w), RO_FILL_SEED, &first), 0,
		      "the same bytes at another address do not match");
	cr_assert_eq(vmm_pattern_check(w, 0x30000000, sizeof(w), 0x1234, &first), 1024,
		     "nor with another seed");
	w[700] ^= 1;
	w[5] = 0;
	cr_assert_eq(vmm_pattern_check(w, 0x30000000, sizeof(w), RO_FILL_SEED, &first), 2);
	cr_assert_eq(first, 5 * 4);
}

Test(vmm_memslot, dirty_bitmap_bit_i_is_page_i_in_64_bit_words)
{
	uint64_t bitmap[2] = { 0x8000000000020023ull, 0x40000001ull };
	char buf[128];

	cr_assert_eq(vmm_dirty_pages(bitmap, 128, buf, sizeof(buf)), 7);
	cr_assert_str_eq(buf, "0 1 5 17 63 64 94");
	cr_assert_eq(vmm_dirty_pages(bitmap, 94, buf, sizeof(buf)), 6, "pages 0..93 only");
	cr_assert_str_eq(buf, "0 1 5 17 63 64");
}

Test(vmm_memslot, dirty_bits_past_the_slot_are_ignored_and_none_gives_empty)
{
	uint64_t bitmap[1] = { 0xff00ull };
	char buf[16] = "junk";

	cr_assert_eq(vmm_dirty_pages(bitmap, 8, buf, sizeof(buf)), 0);
	cr_assert_str_eq(buf, "");
	cr_assert_eq(vmm_dirty_pages(bitmap, 10, buf, sizeof(buf)), 2);
	cr_assert_str_eq(buf, "8 9");
}

Test(vmm_memslot, a_long_dirty_list_is_cut_short_but_counted_in_full)
{
	uint64_t bitmap[4] = { ~0ull, ~0ull, ~0ull, ~0ull };
	char buf[24];

	cr_assert_eq(vmm_dirty_pages(bitmap, 256, buf, sizeof(buf)), 256);
	cr_assert_str_eq(buf, "0 1 2 3 4 5 6 7 8 9 ...");
	cr_assert_lt(strlen(buf), sizeof(buf));
}

Test(vmm_memslot, overlap_names_the_two_slots)
{
	struct vmm_slot s[3] = {
		{ .gpa = 0, .size = 0x1000000 },
		{ .gpa = 0x20000000, .size = 0x10000 },
		{ .gpa = 0x1000000, .size = 0x1000 },
	};
	unsigned int a = 9, b = 9;

	cr_assert_eq(vmm_slots_overlap(s, 3, &a, &b), 0, "touching is not overlapping");
	s[2].gpa = 0x2000f000;
	cr_assert_eq(vmm_slots_overlap(s, 3, &a, &b), 1);
	cr_assert_eq(a, 1);
	cr_assert_eq(b, 2);
}
