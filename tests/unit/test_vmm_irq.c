// SPDX-License-Identifier: GPL-2.0
/* Chapter 03's plain parts of minivmm: --irqchip and --tick, COM1's
 * interrupt (8250 IIR, LSR, the line), the test device's IRQ registers. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>

#include "minivmm.h"

/* main.c's, which the unit tests do not link. */
int irq_stop_requested(void)
{
	return 0;
}

static int parse(struct vmm_options *o, int argc, char **argv)
{
	char err[256];

	return vmm_parse_args(argc, argv, o, err, sizeof(err));
}

Test(vmm_irq_args, irqchip_defaults_to_kernel_and_takes_user_and_none)
{
	struct vmm_options o;
	char *a[] = { "minivmm", "g.bin" };
	char *u[] = { "minivmm", "--irqchip", "user", "g.bin" };
	char *n[] = { "minivmm", "--irqchip", "none", "--tick", "100", "g.bin" };
	char *bad[] = { "minivmm", "--irqchip", "apic", "g.bin" };
	char *badtick[] = { "minivmm", "--tick", "0", "g.bin" };

	cr_assert_eq(parse(&o, 2, a), 0);
	cr_assert_eq(o.irqchip, IRQCHIP_KERNEL);
	cr_assert_eq(o.tick_hz, 0);
	cr_assert_eq(parse(&o, 4, u), 0);
	cr_assert_eq(o.irqchip, IRQCHIP_USER);
	cr_assert_eq(parse(&o, 6, n), 0);
	cr_assert_eq(o.irqchip, IRQCHIP_NONE);
	cr_assert_eq(o.tick_hz, 100);
	cr_assert_lt(parse(&o, 4, bad), 0);
	cr_assert_lt(parse(&o, 4, badtick), 0);
}

Test(vmm_irq_args, help_names_the_irqchip_modes_and_the_default)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	vmm_usage(f);
	fclose(f);
	cr_assert(strstr(buf, "--irqchip kernel|user|none"));
	cr_assert(strstr(buf, "(default kernel)"));
	free(buf);
}

/* COM1 with its line recorded. */
static struct serial s;
static FILE *out;
static char *obuf;
static size_t olen;
static int level, edges;
static const char *rx;

static void set_irq(void *opaque, int l)
{
	(void)opaque;
	if (l && !level)
		edges++;
	level = l;
}

static void setup(void)
{
	out = open_memstream(&obuf, &olen);
	serial_init(&s, out);
	s.set_irq = set_irq;
	s.rx = &rx;
	level = edges = 0;
	rx = NULL;
}

static void teardown(void)
{
	fclose(out);
	free(obuf);
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

TestSuite(vmm_serial_irq, .init = setup, .fini = teardown);

Test(vmm_serial_irq, no_interrupt_until_ier_enables_one)
{
	rx = "ab";
	wr(0x3f8, 'x');
	cr_assert_eq(level, 0);
	cr_assert_eq(rd(0x3fa), 0x01, "IIR: no interrupt pending");
	cr_assert_eq(rd(0x3fd) & 0x01, 0x01, "LSR.DR: a byte is waiting");
}

Test(vmm_serial_irq, received_data_raises_the_line_until_rbr_is_empty)
{
	rx = "ab";
	wr(0x3f9, 0x01);		/* ERBFI */
	cr_assert_eq(level, 1);
	cr_assert_eq(rd(0x3fa), 0x04, "IIR: received data available");
	cr_assert_eq(rd(0x3f8), 'a');
	cr_assert_eq(level, 1, "one byte still waiting");
	cr_assert_eq(rd(0x3f8), 'b');
	cr_assert_eq(level, 0);
	cr_assert_eq(rd(0x3fd) & 0x01, 0, "LSR.DR clear");
	cr_assert_eq(rd(0x3fa), 0x01);
}

Test(vmm_serial_irq, enabling_etbei_with_thr_empty_interrupts_and_iir_read_acks_it)
{
	wr(0x3f9, 0x02);		/* ETBEI */
	cr_assert_eq(level, 1);
	cr_assert_eq(rd(0x3fa), 0x02, "IIR: THR empty");
	cr_assert_eq(level, 0, "reading IIR acknowledged it");
	cr_assert_eq(rd(0x3fa), 0x01);
}

Test(vmm_serial_irq, each_byte_sent_is_one_more_thr_empty_edge)
{
	wr(0x3f9, 0x02);
	rd(0x3fa);
	wr(0x3f8, 'x');
	wr(0x3f8, 'y');
	cr_assert_eq(edges, 3, "enable + two bytes");
	cr_assert_eq(level, 1);
}

Test(vmm_serial_irq, received_data_outranks_thr_empty)
{
	rx = "z";
	wr(0x3f9, 0x03);
	cr_assert_eq(rd(0x3fa), 0x04);
	rd(0x3f8);
	cr_assert_eq(rd(0x3fa), 0x02);
	cr_assert_eq(level, 0);
}

/* The test device's lines. */
static unsigned int calls, last_gsi[4];
static int last_level[4];

static void dev_irq(void *opaque, unsigned int gsi, int l)
{
	(void)opaque;
	if (calls < 4) {
		last_gsi[calls] = gsi;
		last_level[calls] = l;
	}
	calls++;
}

Test(vmm_testdev_irq, mmio_registers_raise_lower_and_pulse_a_gsi)
{
	struct testdev d = { .set_irq = dev_irq };
	uint32_t v;

	calls = 0;
	v = 10;
	cr_assert_eq(testdev_mmio(&d, TESTDEV_BASE + TESTDEV_IRQ_RAISE, 1, (uint8_t *)&v, 4), 0);
	v = 11;
	cr_assert_eq(testdev_mmio(&d, TESTDEV_BASE + TESTDEV_IRQ_LOWER, 1, (uint8_t *)&v, 4), 0);
	v = 17;
	cr_assert_eq(testdev_mmio(&d, TESTDEV_BASE + TESTDEV_IRQ_PULSE, 1, (uint8_t *)&v, 1), 0);
	cr_assert_eq(calls, 4);
	cr_assert(last_gsi[0] == 10 && last_level[0] == 1);
	cr_assert(last_gsi[1] == 11 && last_level[1] == 0);
	cr_assert(last_gsi[2] == 17 && last_level[2] == 1 && last_gsi[3] == 17 && last_level[3] == 0,
		  "a pulse is high then low");
}

Test(vmm_testdev_irq, ports_do_the_same_and_a_gsi_out_of_range_does_nothing)
{
	struct testdev d = { .set_irq = dev_irq };
	uint8_t b = 3;

	calls = 0;
	cr_assert_eq(testdev_pio(&d, IRQ_PULSE_PORT, 1, &b), 0);
	cr_assert_eq(calls, 2);
	b = IRQ_MAX_GSI + 1;
	cr_assert_eq(testdev_pio(&d, IRQ_RAISE_PORT, 1, &b), 0);
	cr_assert_eq(calls, 2);
	cr_assert_eq(testdev_pio(&d, IRQ_PULSE_PORT + 1, 1, &b), -1, "not the device's port");
	cr_assert_eq(testdev_irq(&d, TESTDEV_OP_RAISE, 24), -EINVAL);
}

Test(vmm_testdev_irq, irq_registers_read_zero)
{
	struct testdev d = { .set_irq = dev_irq };
	uint64_t v = ~0ull;

	cr_assert_eq(testdev_mmio(&d, TESTDEV_BASE + TESTDEV_IRQ_PULSE, 0, (uint8_t *)&v, 8), 0);
	cr_assert_eq(v, 0);
}
