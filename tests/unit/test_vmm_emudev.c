// SPDX-License-Identifier: GPL-2.0
/* Chapter 05's test devices: the MMIO RAM window and the string-I/O FIFO ports. */
#include <criterion/criterion.h>
#include <string.h>

#include "minivmm.h"

static struct emudev dev;

static void setup(void)
{
	memset(&dev, 0xaa, sizeof(dev));	/* emudev_init() must clear it all */
	emudev_init(&dev);
}

static uint64_t win_rd(uint64_t off, unsigned int len)
{
	uint8_t data[8];
	uint64_t v = 0;

	memset(data, 0x5a, sizeof(data));
	cr_assert_eq(emudev_mmio(&dev, EMU_WINDOW_BASE + off, 0, data, len), 0,
		     "read of %u at +0x%llx", len, (unsigned long long)off);
	memcpy(&v, data, len);
	return v;
}

static void win_wr(uint64_t off, unsigned int len, uint64_t v)
{
	cr_assert_eq(emudev_mmio(&dev, EMU_WINDOW_BASE + off, 1, (uint8_t *)&v, len), 0,
		     "write of %u at +0x%llx", len, (unsigned long long)off);
}

static uint32_t pio(uint16_t port, int is_write, int size, uint32_t v)
{
	uint8_t data[4];

	memcpy(data, &v, sizeof(data));
	cr_assert_eq(emudev_pio(&dev, port, is_write, size, data), 0, "port 0x%x", port);
	v = 0;
	memcpy(&v, data, size);
	return v;
}

TestSuite(vmm_emudev, .init = setup);

Test(vmm_emudev, window_starts_zeroed_and_reads_back_like_ram_at_every_width)
{
	cr_assert_eq(win_rd(0, 8), 0);
	cr_assert_eq(win_rd(EMU_WINDOW_SIZE - 8, 8), 0);
	win_wr(0x10, 8, 0x0123456789abcdefull);
	win_wr(0x11, 1, 0x11);
	win_wr(0x13, 2, 0x2233);		/* unaligned */
	win_wr(0x15, 4, 0x44556677);		/* unaligned, across 8 bytes */
	cr_assert_eq(win_rd(0x10, 8), 0x5566772233ab11efull);
	cr_assert_eq(win_rd(0x18, 1), 0x44, "the dword's top byte landed at +0x18");
	cr_assert_eq(win_rd(0x12, 4), 0x772233ab);
	cr_assert_eq(win_rd(0x17, 2), 0x4455);
}

Test(vmm_emudev, window_keeps_bytes_across_its_page_boundary)
{
	win_wr(0xffc, 8, 0x8877665544332211ull);
	cr_assert_eq(win_rd(0xffc, 4), 0x44332211);
	cr_assert_eq(win_rd(0x1000, 4), 0x88776655);
	cr_assert_eq(win_rd(0xffe, 4), 0x66554433);
}

Test(vmm_emudev, accesses_outside_the_window_are_not_its)
{
	uint8_t data[8] = { 0 };

	cr_assert_eq(emudev_mmio(&dev, EMU_WINDOW_BASE - 1, 0, data, 1), -1);
	cr_assert_eq(emudev_mmio(&dev, EMU_WINDOW_BASE - 4, 0, data, 8), -1, "starts before");
	cr_assert_eq(emudev_mmio(&dev, EMU_WINDOW_BASE + EMU_WINDOW_SIZE, 1, data, 1), -1);
	cr_assert_eq(emudev_mmio(&dev, EMU_WINDOW_BASE + EMU_WINDOW_SIZE - 4, 1, data, 8), -1,
		     "runs past the end");
	cr_assert_eq(emudev_mmio(&dev, TESTDEV_BASE, 0, data, 8), -1, "the test device's");
	cr_assert_eq(emudev_mmio(&dev, EMU_WINDOW_BASE, 0, data, 0), -1, "no bytes");
	cr_assert_eq(emudev_mmio(&dev, EMU_WINDOW_BASE, 0, data, 16), -1, "wider than kvm_run");
	cr_assert_eq(emudev_pio(&dev, 0x3f8, 0, 1, data), -1);
	cr_assert_eq(emudev_pio(&dev, EMU_FIFO_IN_PORT + 1, 0, 1, data), -1);
}

Test(vmm_emudev, fifo_sequence_is_the_documented_one_whatever_the_width)
{
	/* k * 29 + 0x5a + (k >> 8), mod 256: 0x5a, 0x77, 0x94, 0xb1, 0xce ... */
	cr_assert_eq(pio(EMU_FIFO_IN_PORT, 0, 1, 0), 0x5a);
	cr_assert_eq(pio(EMU_FIFO_IN_PORT, 0, 2, 0), 0x9477, "bytes 1 and 2, low first");
	cr_assert_eq(pio(EMU_FIFO_IN_PORT, 0, 4, 0), 0x08ebceb1, "bytes 3..6");
	pio(EMU_FIFO_IN_PORT, 1, 4, 256);
	cr_assert_eq(pio(EMU_FIFO_IN_PORT, 0, 1, 0), (uint8_t)(256 * 29 + 0x5a + 1),
		     "restarted at 256, where the round adds 1");
	pio(EMU_FIFO_IN_PORT, 1, 4, 0);
	cr_assert_eq(pio(EMU_FIFO_IN_PORT, 0, 1, 0), 0x5a, "restarted at 0");
	for (uint32_t k = 0; k < 1000; k++)
		cr_assert_eq(emudev_fifo_byte(k), (uint8_t)(k * 29 + 0x5a + (k >> 8)));
}

Test(vmm_emudev, log_counts_bytes_and_hashes_them_in_order)
{
	cr_assert_eq(pio(EMU_FIFO_OUT_PORT, 0, 4, 0), 0, "empty");
	cr_assert_eq(pio(EMU_FIFO_SUM_PORT, 0, 4, 0), EMU_FNV_BASIS);
	/* FNV-1a of "a" is 0xe40c292c (the published test vector). */
	pio(EMU_FIFO_OUT_PORT, 1, 1, 'a');
	cr_assert_eq(pio(EMU_FIFO_SUM_PORT, 0, 4, 0), 0xe40c292c);
	cr_assert_eq(pio(EMU_FIFO_OUT_PORT, 0, 4, 0), 1);
	/* "foobar" as a word, a dword and nothing: 0xbf9cf968 */
	pio(EMU_FIFO_SUM_PORT, 1, 1, 0);
	pio(EMU_FIFO_OUT_PORT, 1, 2, 'f' | 'o' << 8);
	pio(EMU_FIFO_OUT_PORT, 1, 4, 'o' | 'b' << 8 | 'a' << 16 | (uint32_t)'r' << 24);
	cr_assert_eq(pio(EMU_FIFO_OUT_PORT, 0, 4, 0), 6);
	cr_assert_eq(pio(EMU_FIFO_SUM_PORT, 0, 4, 0), 0xbf9cf968);
	cr_assert_eq(pio(EMU_FIFO_SUM_PORT, 0, 2, 0), 0xf968, "a word IN: the low half");
	/* the same bytes in another order hash differently */
	pio(EMU_FIFO_SUM_PORT, 1, 1, 0);
	pio(EMU_FIFO_OUT_PORT, 1, 2, 'o' | 'f' << 8);
	pio(EMU_FIFO_OUT_PORT, 1, 4, 'o' | 'b' << 8 | 'a' << 16 | (uint32_t)'r' << 24);
	cr_assert_neq(pio(EMU_FIFO_SUM_PORT, 0, 4, 0), 0xbf9cf968);
}
