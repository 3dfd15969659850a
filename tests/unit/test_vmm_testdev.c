// SPDX-License-Identifier: GPL-2.0
/* The MMIO test device: what each register gives for each width, and what is not its. */
#include <criterion/criterion.h>
#include <string.h>

#include "minivmm.h"

static uint64_t rd(struct testdev *d, uint64_t off, unsigned int len)
{
	uint8_t data[8];
	uint64_t v = 0;

	memset(data, 0x5a, sizeof(data));
	cr_assert_eq(testdev_mmio(d, TESTDEV_BASE + off, 0, data, len), 0,
		     "read of %u at +0x%llx", len, (unsigned long long)off);
	memcpy(&v, data, len);
	return v;
}

static void wr(struct testdev *d, uint64_t off, unsigned int len, uint64_t v)
{
	cr_assert_eq(testdev_mmio(d, TESTDEV_BASE + off, 1, (uint8_t *)&v, len), 0);
}

Test(vmm_testdev, id_reads_mkvmtest_at_every_width_and_ignores_writes)
{
	struct testdev d = { 0 };

	cr_assert_eq(rd(&d, TESTDEV_ID, 8), 0x747365746d766b6dull, "\"mkvmtest\"");
	cr_assert_eq(rd(&d, TESTDEV_ID, 4), 0x6d766b6d, "\"mkvm\"");
	cr_assert_eq(rd(&d, TESTDEV_ID + 4, 2), 0x6574, "\"te\"");
	cr_assert_eq(rd(&d, TESTDEV_ID + 1, 1), 'k');
	wr(&d, TESTDEV_ID, 8, 0);
	cr_assert_eq(rd(&d, TESTDEV_ID, 8), TESTDEV_ID_VALUE);
}

Test(vmm_testdev, scratch_reads_back_each_width_and_merges_bytes)
{
	struct testdev d = { 0 };

	wr(&d, TESTDEV_SCRATCH, 8, 0x0123456789abcdefull);
	cr_assert_eq(rd(&d, TESTDEV_SCRATCH, 8), 0x0123456789abcdefull);
	wr(&d, TESTDEV_SCRATCH, 1, 0x11);
	wr(&d, TESTDEV_SCRATCH + 2, 2, 0x2233);
	wr(&d, TESTDEV_SCRATCH + 4, 4, 0x44556677);
	cr_assert_eq(rd(&d, TESTDEV_SCRATCH, 8), 0x445566772233cd11ull,
		     "bytes 0, 2-3 and 4-7 replaced, byte 1 kept");
	cr_assert_eq(rd(&d, TESTDEV_SCRATCH, 4), 0x2233cd11);
	cr_assert_eq(rd(&d, TESTDEV_SCRATCH + 6, 2), 0x4455);
	cr_assert_eq(rd(&d, TESTDEV_SCRATCH + 1, 1), 0xcd);
}

Test(vmm_testdev, each_counter_read_counts_one_more_whatever_its_width)
{
	struct testdev d = { 0 };

	cr_assert_eq(rd(&d, TESTDEV_COUNTER, 4), 1);
	cr_assert_eq(rd(&d, TESTDEV_COUNTER, 4), 2);
	cr_assert_eq(rd(&d, TESTDEV_COUNTER, 8), 3);
	cr_assert_eq(rd(&d, TESTDEV_COUNTER, 1), 4);
	wr(&d, TESTDEV_COUNTER, 4, 100);
	cr_assert_eq(rd(&d, TESTDEV_COUNTER, 2), 5, "writes are ignored and count nothing");
}

Test(vmm_testdev, accesses_outside_one_register_are_not_its)
{
	struct testdev d = { 0 };
	uint8_t data[8] = { 0 };

	cr_assert_eq(testdev_mmio(&d, TESTDEV_BASE + 0x06, 0, data, 4), -1, "ID|SCRATCH");
	cr_assert_eq(testdev_mmio(&d, TESTDEV_BASE + 0x0c, 1, data, 8), -1, "SCRATCH|COUNTER");
	cr_assert_eq(testdev_mmio(&d, TESTDEV_BASE + TESTDEV_END, 0, data, 4), -1);
	cr_assert_eq(testdev_mmio(&d, TESTDEV_BASE + 0xffc, 0, data, 4), -1);
	cr_assert_eq(testdev_mmio(&d, TESTDEV_BASE - 4, 0, data, 4), -1);
	cr_assert_eq(testdev_mmio(&d, 0x1000000, 0, data, 4), -1);
	cr_assert_eq(testdev_mmio(&d, TESTDEV_BASE + TESTDEV_SCRATCH, 0, data, 3), -1);
	cr_assert_eq(d.counter, 0);
}
