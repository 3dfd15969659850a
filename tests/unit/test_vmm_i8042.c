// SPDX-License-Identifier: GPL-2.0
/* The keyboard controller (final/vmm/i8042.c): the probe Linux's i8042
 * driver makes, its interrupts, and the two ways to reset the machine. */
#include <criterion/criterion.h>

#include "minivmm.h"

static struct i8042 k;
static int irq_level[16];
static int irq_changes;

static void set_irq(void *opaque, unsigned int irq, int level)
{
	cr_assert_eq(opaque, &k);
	cr_assert_lt(irq, 16);
	irq_level[irq] = level;
	irq_changes++;
}

static void setup(void)
{
	i8042_init(&k);
	k.set_irq = set_irq;
	k.opaque = &k;
	memset(irq_level, 0, sizeof(irq_level));
	irq_changes = 0;
}

static uint8_t rd(uint16_t port)
{
	uint8_t v = 0x5a;

	cr_assert_eq(i8042_io(&k, port, 0, &v), 0);
	return v;
}

static void wr(uint16_t port, uint8_t v)
{
	cr_assert_eq(i8042_io(&k, port, 1, &v), 0);
}

TestSuite(vmm_i8042, .init = setup);

Test(vmm_i8042, status_after_reset_has_nothing_to_read)
{
	uint8_t st = rd(0x64);

	cr_assert_eq(st & 0x01, 0, "OBF");
	cr_assert_eq(st & 0x02, 0, "IBF: ready for a byte");
	cr_assert_eq(st & 0x04, 0x04, "the system flag");
	cr_assert_eq(st & 0x10, 0x10, "keyboard not inhibited");
}

Test(vmm_i8042, self_test_and_port_tests_answer_in_the_output_buffer)
{
	wr(0x64, 0xaa);
	cr_assert_eq(rd(0x64) & 0x09, 0x09, "OBF, and the last write was a command");
	cr_assert_eq(rd(0x60), 0x55);
	cr_assert_eq(rd(0x64) & 0x01, 0, "reading the buffer empties it");
	wr(0x64, 0xab);
	cr_assert_eq(rd(0x60), 0x00);
	wr(0x64, 0xa9);
	cr_assert_eq(rd(0x60), 0x00);
}

Test(vmm_i8042, the_command_byte_round_trips_and_gates_irq_1)
{
	wr(0x64, 0x20);
	cr_assert_eq(rd(0x60), 0x05, "keyboard interrupt and system flag");
	cr_assert_eq(irq_level[1], 0, "read before a byte waited long");
	wr(0x64, 0x60);
	wr(0x60, 0x04);			/* interrupts off */
	cr_assert_eq(rd(0x64) & 0x08, 0, "the last write was data");
	wr(0x64, 0x20);
	cr_assert_eq(irq_level[1], 0, "keyboard interrupt disabled");
	cr_assert_eq(rd(0x60), 0x04);
	wr(0x64, 0xad);			/* disable the keyboard port */
	wr(0x64, 0xa7);			/* and the mouse port */
	wr(0x64, 0x20);
	cr_assert_eq(rd(0x60), 0x34);
	wr(0x64, 0xae);
	wr(0x64, 0xa8);
	wr(0x64, 0x20);
	cr_assert_eq(rd(0x60), 0x04);
}

Test(vmm_i8042, a_byte_waiting_raises_irq_1_until_it_is_read)
{
	wr(0x64, 0xd2);			/* as if the keyboard sent 0x1c */
	wr(0x60, 0x1c);
	cr_assert_eq(irq_level[1], 1);
	cr_assert_eq(irq_level[12], 0);
	cr_assert_eq(rd(0x64) & 0x21, 0x01, "OBF, keyboard data");
	cr_assert_eq(rd(0x60), 0x1c);
	cr_assert_eq(irq_level[1], 0);
	cr_assert_eq(irq_changes, 2);
}

Test(vmm_i8042, the_mouse_loopback_is_aux_data_on_irq_12)
{
	wr(0x64, 0x60);
	wr(0x60, 0x07);			/* both interrupts on */
	wr(0x64, 0xd3);			/* Linux's i8042_check_aux() */
	wr(0x60, 0x5a);
	cr_assert_eq(rd(0x64) & 0x21, 0x21, "OBF, mouse data");
	cr_assert_eq(irq_level[12], 1);
	cr_assert_eq(irq_level[1], 0);
	cr_assert_eq(rd(0x60), 0x5a);
	cr_assert_eq(irq_level[12], 0);
}

Test(vmm_i8042, a_byte_for_the_absent_keyboard_gets_no_answer)
{
	wr(0x60, 0xff);			/* keyboard reset */
	cr_assert_eq(rd(0x64) & 0x01, 0);
	cr_assert_eq(k.reset, 0);
}

Test(vmm_i8042, command_0xfe_pulses_reset)
{
	wr(0x64, 0xff);			/* pulses nothing */
	cr_assert_eq(k.reset, 0);
	wr(0x64, 0xfe);
	cr_assert_eq(k.reset, 1);
}

Test(vmm_i8042, writing_the_output_port_with_bit_0_low_resets)
{
	wr(0x64, 0xd0);
	cr_assert_eq(rd(0x60), 0x03, "RESET high, A20 on");
	wr(0x64, 0xd1);
	wr(0x60, 0x03);
	cr_assert_eq(k.reset, 0);
	wr(0x64, 0xd1);
	wr(0x60, 0x02);
	cr_assert_eq(k.reset, 1);
}

Test(vmm_i8042, other_ports_are_not_the_controllers)
{
	uint8_t v = 0;

	cr_assert_eq(i8042_io(&k, 0x61, 0, &v), -1);
	cr_assert_eq(i8042_io(&k, 0x62, 1, &v), -1);
}
