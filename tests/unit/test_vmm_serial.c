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

/* final/: bytes from minivmm's stdin (serial_receive()). */
static int line_level = -1;

static void record_irq(void *opaque, int level)
{
	(void)opaque;
	line_level = level;
}

Test(vmm_serial, received_bytes_raise_the_data_interrupt_and_come_in_order)
{
	const uint8_t in[] = "ok\n";

	s.set_irq = record_irq;
	wr(0x3f9, 0x01);			/* IER.ERBFI */
	cr_assert_eq(rd(0x3fd) & 0x01, 0, "LSR.DR: nothing yet");
	cr_assert_eq(serial_receive(&s, in, 3), 3);
	cr_assert_eq(line_level, 1, "IRQ 4 up");
	cr_assert_eq(rd(0x3fa), 0x04, "IIR: received data");
	cr_assert_eq(rd(0x3fd) & 0x01, 0x01, "LSR.DR");
	cr_assert_eq(rd(0x3f8), 'o');
	cr_assert_eq(rd(0x3f8), 'k');
	cr_assert_eq(line_level, 1, "still a byte to read");
	cr_assert_eq(rd(0x3f8), '\n');
	cr_assert_eq(line_level, 0, "drained: IRQ 4 down");
	cr_assert_eq(rd(0x3fa), 0x01, "IIR: no interrupt");
}

Test(vmm_serial, a_full_receive_ring_takes_what_fits)
{
	uint8_t in[SERIAL_FIFO_SIZE + 10];

	for (size_t i = 0; i < sizeof(in); i++)
		in[i] = i + 1;
	cr_assert_eq(serial_receive(&s, in, sizeof(in)), SERIAL_FIFO_SIZE);
	cr_assert_eq(rd(0x3f8), 1);
	cr_assert_eq(serial_receive(&s, in + SERIAL_FIFO_SIZE, 10), 1, "room for one");
	for (unsigned int i = 1; i < SERIAL_FIFO_SIZE; i++)
		cr_assert_eq(rd(0x3f8), (uint8_t)(i + 1));
	cr_assert_eq(rd(0x3f8), (uint8_t)(SERIAL_FIFO_SIZE + 1), "wrapped round the ring");
	cr_assert_eq(rd(0x3fd) & 0x01, 0);
}

Test(vmm_serial, in_data_comes_before_stdin)
{
	const char *data = "A";
	const uint8_t b = 'B';

	s.rx = &data;
	serial_receive(&s, &b, 1);
	cr_assert_eq(rd(0x3f8), 'A');
	cr_assert_eq(rd(0x3f8), 'B');
}
