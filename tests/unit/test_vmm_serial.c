// SPDX-License-Identifier: GPL-2.0
/* The COM1 model: what a polling guest driver sees and what comes out. */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "minivmm.h"

static struct serial s;
static char *buf;
static size_t len;
static FILE *out;

static void setup(void)
{
	out = open_memstream(&buf, &len);
	serial_init(&s, out);
}

static void teardown(void)
{
	fclose(out);
	free(buf);
}

static uint8_t rd(uint16_t port)
{
	uint8_t v = 0x5a;

	cr_assert_eq(serial_io(&s, port, 0, &v), 0);
	return v;
}

static void wr(uint16_t port, uint8_t v)
{
	cr_assert_eq(serial_io(&s, port, 1, &v), 0);
}

TestSuite(vmm_serial, .init = setup, .fini = teardown);

Test(vmm_serial, bytes_written_to_thr_come_out_in_order)
{
	wr(0x3f8, 'h');
	wr(0x3f8, 'i');
	fflush(out);
	cr_assert_eq(len, 2);
	cr_assert_eq(buf[0], 'h');
	cr_assert_eq(buf[1], 'i');
}

Test(vmm_serial, lsr_always_says_the_transmitter_is_empty)
{
	cr_assert_eq(rd(0x3fd), 0x60);
	wr(0x3f8, 'x');
	cr_assert_eq(rd(0x3fd), 0x60);
}

Test(vmm_serial, dlab_turns_registers_0_and_1_into_the_divisor_latch)
{
	wr(0x3fb, 0x80);		/* LCR.DLAB = 1 */
	wr(0x3f8, 0x01);		/* divisor 1: 115200 baud */
	wr(0x3f9, 0x00);
	cr_assert_eq(rd(0x3f8), 0x01);
	cr_assert_eq(rd(0x3fb), 0x80);
	wr(0x3fb, 0x03);		/* 8N1, DLAB = 0 */
	fflush(out);
	cr_assert_eq(len, 0, "a divisor write must not be printed");
}

Test(vmm_serial, scratch_register_keeps_its_value_and_iir_says_no_interrupt)
{
	wr(0x3ff, 0xa5);
	cr_assert_eq(rd(0x3ff), 0xa5);
	cr_assert_eq(rd(0x3fa), 0x01);
}

Test(vmm_serial, ports_outside_com1_are_not_ours)
{
	uint8_t v = 0;

	cr_assert_eq(serial_io(&s, 0x3f7, 0, &v), -1);
	cr_assert_eq(serial_io(&s, 0x400, 1, &v), -1);
	cr_assert_eq(serial_io(&s, 0x2f8, 1, &v), -1);
}
