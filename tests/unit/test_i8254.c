// SPDX-License-Identifier: GPL-2.0
/* The i8254 PIT model (final/arch/x86/kvm/i8254.c) against the Intel 8254
 * datasheet (231164-005) and Linux KVM's behaviour (arch/x86/kvm/i8254.c),
 * which is the oracle: where the two differ, the test says so and expects
 * KVM's answer.  Time is an input: each test picks the instants it looks at. */
#include <criterion/criterion.h>
#include <string.h>

#include <minikvm/i8254.h>

#define T0	1000000000ll	/* an arbitrary "boot time" of 1 s, in ns */

static struct kvm_kpit_state pit;

/* The first ns at which exactly @ticks input clocks have elapsed. */
static s64 ns_of(s64 ticks)
{
	return (ticks * PIT_NSEC_PER_SEC + KVM_PIT_FREQ - 1) / KVM_PIT_FREQ;
}

/* The instant @ticks clocks after @start. */
static s64 at(s64 start, s64 ticks)
{
	return start + ns_of(ticks);
}

static void setup(void)
{
	memset(&pit, 0xa5, sizeof(pit));	/* init must not rely on zeroed memory */
	pit_init(&pit, T0);
}

static void out8(s64 now, u16 port, u8 v)
{
	if (port == KVM_SPEAKER_BASE_ADDRESS)
		cr_assert_eq(pit_speaker_write(&pit, now, port, 1, &v), 0);
	else
		cr_assert_eq(pit_ioport_write(&pit, now, port, 1, &v), 0);
}

static u8 in8(s64 now, u16 port)
{
	u8 v = 0xee;

	if (port == KVM_SPEAKER_BASE_ADDRESS)
		cr_assert_eq(pit_speaker_read(&pit, now, port, 1, &v), 0);
	else
		cr_assert_eq(pit_ioport_read(&pit, now, port, 1, &v), 0);
	return v;
}

/* Control word: counter @sc, access @rw (1 LSB, 2 MSB, 3 both), @mode. */
static u8 cw(int sc, int rw, int mode)
{
	return (sc << 6) | (rw << 4) | (mode << 1);
}

/* Program counter @ch in @mode with 16-bit @count (LSB then MSB) at @now. */
static void program(s64 now, int ch, int mode, u16 count)
{
	out8(now, PIT_MODE_PORT, cw(ch, 3, mode));
	out8(now, 0x40 + ch, count & 0xff);
	out8(now, 0x40 + ch, count >> 8);
}

/* A 16-bit read, LSB then MSB, as a guest does with access 3. */
static u16 read16(s64 now, int ch)
{
	u16 lo = in8(now, 0x40 + ch);

	return lo | (in8(now, 0x40 + ch) << 8);
}

static u8 read_back_status(s64 now, int ch)
{
	out8(now, PIT_MODE_PORT, 0xc0 | PIT_RB_NO_COUNT | PIT_RB_CHANNEL(ch));
	return in8(now, 0x40 + ch);
}

TestSuite(i8254, .init = setup);

/* ---- reset and loading ---- */

Test(i8254, reset_leaves_no_mode_65536_and_gate2_low)
{
	for (int i = 0; i < 3; i++) {
		cr_assert_eq(pit.channels[i].mode, 0xff, "channel %d", i);
		cr_assert_eq(pit.channels[i].count, 0x10000, "channel %d", i);
		cr_assert_eq(pit.channels[i].gate, i != 2, "channel %d", i);
	}
	cr_assert_eq(pit.channels[0].count_load_time, 0, "ch0 counts by its timer");
	cr_assert_eq(pit.channels[2].count_load_time, T0);
	cr_assert_eq(pit.flags, 0);
	cr_assert_not(pit.timer_armed, "no mode: counter 0 does not interrupt");
	cr_assert_eq(pit_timer_expiry(&pit, T0), -1);
}

Test(i8254, lsb_only_access_loads_with_one_byte)
{
	out8(T0, PIT_MODE_PORT, cw(2, 1, 0));
	out8(T0, 0x42, 0x34);
	cr_assert_eq(pit.channels[2].count, 0x34);
	cr_assert_eq(pit.channels[2].rw_mode, RW_STATE_LSB);
}

Test(i8254, msb_only_access_loads_the_high_byte)
{
	out8(T0, PIT_MODE_PORT, cw(2, 2, 0));
	out8(T0, 0x42, 0x12);
	cr_assert_eq(pit.channels[2].count, 0x1200);
}

Test(i8254, lsb_then_msb_loads_on_the_second_byte)
{
	pit.channels[1].count = 777;
	out8(T0, PIT_MODE_PORT, cw(1, 3, 2));
	out8(T0, 0x41, 0x34);
	cr_assert_eq(pit.channels[1].count, 777, "LSB alone loads nothing");
	cr_assert_eq(pit.channels[1].write_state, RW_STATE_WORD1);
	out8(T0 + 5000, 0x41, 0x12);
	cr_assert_eq(pit.channels[1].count, 0x1234);
	cr_assert_eq(pit.channels[1].count_load_time, T0 + 5000);
	cr_assert_eq(pit.channels[1].write_state, RW_STATE_WORD0);
}

Test(i8254, initial_count_0_means_65536)
{
	program(T0, 2, 0, 0);
	cr_assert_eq(pit.channels[2].count, 0x10000);
	cr_assert_eq(read16(at(T0, 1), 2), 0xffff, "65536 - 1");
}

Test(i8254, modes_6_and_7_are_2_and_3)
{
	out8(T0, PIT_MODE_PORT, cw(1, 3, 6));
	cr_assert_eq(pit.channels[1].mode, 2);
	out8(T0, PIT_MODE_PORT, cw(1, 3, 7));
	cr_assert_eq(pit.channels[1].mode, 3);
}

Test(i8254, wide_accesses_use_and_return_one_byte)
{
	u32 v = 0xabcd0110;	/* cw(0, 1, 0) in the low byte */
	u32 r = 0xffffffff;

	cr_assert_eq(pit_ioport_write(&pit, T0, PIT_MODE_PORT, 4, &v), 0);
	cr_assert_eq(pit.channels[0].rw_mode, RW_STATE_LSB);
	cr_assert_eq(pit.channels[0].mode, 0);
	v = 0xffff0050;
	cr_assert_eq(pit_ioport_write(&pit, T0, 0x40, 2, &v), 0);
	cr_assert_eq(pit.channels[0].count, 0x50);
	cr_assert_eq(pit_ioport_read(&pit, T0, 0x40, 4, &r), 0);
	cr_assert_eq(r, 0x50, "the byte, zero-extended");
}

Test(i8254, ports_outside_are_not_the_pits)
{
	u32 v = 0;

	cr_assert_eq(pit_ioport_read(&pit, T0, 0x44, 1, &v), -EOPNOTSUPP);
	cr_assert_eq(pit_ioport_write(&pit, T0, 0x3f, 1, &v), -EOPNOTSUPP);
	cr_assert_eq(pit_speaker_read(&pit, T0, 0x62, 1, &v), -EOPNOTSUPP);
	cr_assert_eq(pit_speaker_write(&pit, T0, 0x64, 1, &v), -EOPNOTSUPP);
}

Test(i8254, port_0x43_read_is_claimed_but_gives_no_data)
{
	u8 v = 0x5a;

	cr_assert_eq(pit_ioport_read(&pit, T0, PIT_MODE_PORT, 1, &v), 0);
	cr_assert_eq(v, 0x5a);
}

/* ---- counting ---- */

/* exercise 04.3 */
Test(i8254, mode0_count_goes_down_one_per_clock)
{
	program(T0, 2, 0, 1000);
	cr_assert_eq(read16(T0, 2), 1000);
	cr_assert_eq(read16(at(T0, 1), 2), 999);
	cr_assert_eq(read16(at(T0, 100), 2), 900);
	cr_assert_eq(read16(at(T0, 999), 2), 1);
}

/* exercise 04.3 */
Test(i8254, mode0_count_wraps_past_zero_to_ffff)
{
	program(T0, 2, 0, 10);
	cr_assert_eq(read16(at(T0, 10), 2), 0);
	cr_assert_eq(read16(at(T0, 11), 2), 0xffff);
	cr_assert_eq(read16(at(T0, 15), 2), 0xfffb);
}

/* Modes 1, 4 and 5 count as mode 0 does: down once, then on past 0 to
 * 0xffff ("the Counter does not stop when it reaches zero"). */
/* exercise 04.3 */
Test(i8254, modes_1_4_5_count_down_once_and_wrap_as_mode_0)
{
	static const int modes[] = { 1, 4, 5 };
	unsigned int i;

	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		program(T0, 1, modes[i], 100);
		cr_assert_eq(read16(at(T0, 40), 1), 60, "mode %d", modes[i]);
		cr_assert_eq(read16(at(T0, 101), 1), 0xffff, "mode %d wraps", modes[i]);
	}
}

Test(i8254, lsb_only_reads_give_the_low_byte_every_time)
{
	out8(T0, PIT_MODE_PORT, cw(2, 1, 0));
	out8(T0, 0x42, 0xf0);
	cr_assert_eq(in8(at(T0, 0x10), 0x42), 0xe0);
	cr_assert_eq(in8(at(T0, 0x10), 0x42), 0xe0, "no byte flip-flop");
}

Test(i8254, msb_only_reads_give_the_high_byte_every_time)
{
	out8(T0, PIT_MODE_PORT, cw(2, 2, 0));
	out8(T0, 0x42, 0x30);			/* 0x3000 */
	cr_assert_eq(in8(at(T0, 0x100), 0x42), 0x2f);
	cr_assert_eq(in8(at(T0, 0x100), 0x42), 0x2f);
}

Test(i8254, word_reads_alternate_lsb_and_msb)
{
	program(T0, 2, 0, 0x1234);
	cr_assert_eq(in8(at(T0, 0x34), 0x42), 0x00);
	cr_assert_eq(pit.channels[2].read_state, RW_STATE_WORD1);
	/* Unlatched, the MSB is of the count at its own read. */
	cr_assert_eq(in8(at(T0, 0x35), 0x42), 0x11);
	cr_assert_eq(pit.channels[2].read_state, RW_STATE_WORD0);
}

/* exercise 04.3 */
Test(i8254, mode2_reloads_every_count_clocks)
{
	program(T0, 1, 2, 100);
	cr_assert_eq(read16(at(T0, 30), 1), 70);
	cr_assert_eq(read16(at(T0, 250), 1), 50);
	cr_assert_eq(read16(at(T0, 300), 1), 100, "reloaded");
}

/* exercise 04.3 */
Test(i8254, mode3_counts_down_by_two_twice_per_period)
{
	program(T0, 1, 3, 100);
	cr_assert_eq(read16(at(T0, 10), 1), 80);
	cr_assert_eq(read16(at(T0, 60), 1), 80, "second half of the period");
}

Test(i8254, bcd_is_kept_but_counting_is_binary_as_in_kvm)
{
	out8(T0, PIT_MODE_PORT, cw(2, 3, 0) | PIT_CW_BCD);
	out8(T0, 0x42, 0x00);
	out8(T0, 0x42, 0x01);			/* BCD 0100 = 100, binary 256 */
	cr_assert_eq(pit.channels[2].bcd, 1);
	cr_assert_eq(read16(at(T0, 1), 2), 0xff);
	cr_assert_eq(read_back_status(at(T0, 1), 2) & 1, 1, "BCD bit in the status");
}

Test(i8254, control_word_neither_reloads_nor_stops_the_counter)
{
	program(T0, 2, 0, 1000);
	out8(at(T0, 100), PIT_MODE_PORT, cw(2, 3, 0));
	cr_assert_eq(read16(at(T0, 200), 2), 800, "KVM: still counting from the load");
}

/* ---- latch and read-back ---- */

/* exercise 04.3 */
Test(i8254, counter_latch_freezes_the_count)
{
	program(T0, 2, 0, 1000);
	out8(at(T0, 100), PIT_MODE_PORT, cw(2, 0, 0));
	cr_assert_eq(read16(at(T0, 500), 2), 900);
	cr_assert_eq(read16(at(T0, 500), 2), 500, "read out: live again");
}

Test(i8254, a_second_latch_before_reading_is_ignored)
{
	program(T0, 2, 0, 1000);
	out8(at(T0, 100), PIT_MODE_PORT, cw(2, 0, 0));
	out8(at(T0, 200), PIT_MODE_PORT, cw(2, 0, 0));
	cr_assert_eq(read16(at(T0, 300), 2), 900);
}

Test(i8254, latch_with_lsb_access_is_one_byte)
{
	out8(T0, PIT_MODE_PORT, cw(2, 1, 0));
	out8(T0, 0x42, 200);
	out8(at(T0, 50), PIT_MODE_PORT, cw(2, 0, 0));
	cr_assert_eq(in8(at(T0, 90), 0x42), 150);
	cr_assert_eq(in8(at(T0, 90), 0x42), 110, "latch used up");
}

Test(i8254, latch_survives_a_word_read_split_in_time)
{
	program(T0, 2, 0, 0x1234);
	out8(at(T0, 0x34), PIT_MODE_PORT, cw(2, 0, 0));	/* latches 0x1200 */
	cr_assert_eq(in8(at(T0, 0x40), 0x42), 0x00);
	cr_assert_eq(in8(at(T0, 0x300), 0x42), 0x12, "MSB of the latch, not live");
}

Test(i8254, read_back_status_has_out_access_mode_bcd)
{
	program(T0, 2, 0, 100);
	cr_assert_eq(read_back_status(at(T0, 10), 2), 0x30, "OUT low, rw 3, mode 0");
	cr_assert_eq(read_back_status(at(T0, 100), 2), 0xb0, "OUT high at terminal count");
	out8(T0, PIT_MODE_PORT, cw(1, 1, 3));
	cr_assert_eq(read_back_status(T0, 1), (0 << 7) | 0x10 | (3 << 1) | 0 |
		     (pit_get_out(&pit, T0, 1) << 7));
}

Test(i8254, read_back_status_comes_before_the_count)
{
	program(T0, 2, 0, 1000);
	out8(at(T0, 10), PIT_MODE_PORT, 0xc0 | PIT_RB_CHANNEL(2));	/* both */
	cr_assert_eq(in8(at(T0, 20), 0x42), 0x30);
	cr_assert_eq(read16(at(T0, 30), 2), 990);
}

Test(i8254, read_back_names_several_counters_at_once)
{
	program(T0, 1, 2, 500);
	program(T0, 2, 0, 1000);
	out8(at(T0, 100), PIT_MODE_PORT,
	     0xc0 | PIT_RB_NO_STATUS | PIT_RB_CHANNEL(1) | PIT_RB_CHANNEL(2));
	cr_assert_eq(read16(at(T0, 300), 1), 400);
	cr_assert_eq(read16(at(T0, 300), 2), 900);
	cr_assert_eq(pit.channels[0].count_latched, 0, "counter 0 not named");
}

Test(i8254, read_back_without_count_latches_status_only)
{
	program(T0, 2, 0, 1000);
	cr_assert_eq(read_back_status(at(T0, 5), 2), 0x30);
	cr_assert_eq(read16(at(T0, 100), 2), 900, "live, nothing latched");
}

Test(i8254, a_latched_status_is_not_replaced)
{
	program(T0, 2, 0, 100);
	out8(at(T0, 10), PIT_MODE_PORT, 0xc0 | PIT_RB_NO_COUNT | PIT_RB_CHANNEL(2));
	out8(at(T0, 200), PIT_MODE_PORT, 0xc0 | PIT_RB_NO_COUNT | PIT_RB_CHANNEL(2));
	cr_assert_eq(in8(at(T0, 300), 0x42), 0x30, "OUT still the first status's");
}

/* ---- OUT waveforms (KVM's) ---- */

Test(i8254, mode0_out_rises_at_terminal_count_and_stays)
{
	program(T0, 2, 0, 50);
	cr_assert_eq(pit_get_out(&pit, T0, 2), 0);
	cr_assert_eq(pit_get_out(&pit, at(T0, 49), 2), 0);
	cr_assert_eq(pit_get_out(&pit, at(T0, 50), 2), 1);
	cr_assert_eq(pit_get_out(&pit, at(T0, 5000), 2), 1);
}

Test(i8254, mode1_out_high_until_terminal_count_in_kvm)
{
	program(T0, 2, 1, 50);
	cr_assert_eq(pit_get_out(&pit, at(T0, 1), 2), 1);
	cr_assert_eq(pit_get_out(&pit, at(T0, 49), 2), 1);
	cr_assert_eq(pit_get_out(&pit, at(T0, 50), 2), 0);
}

Test(i8254, mode2_out_high_only_at_each_reload_in_kvm)
{
	program(T0, 2, 2, 10);
	cr_assert_eq(pit_get_out(&pit, T0, 2), 0, "d = 0 excluded");
	cr_assert_eq(pit_get_out(&pit, at(T0, 5), 2), 0);
	cr_assert_eq(pit_get_out(&pit, at(T0, 10), 2), 1);
	cr_assert_eq(pit_get_out(&pit, at(T0, 11), 2), 0);
	cr_assert_eq(pit_get_out(&pit, at(T0, 30), 2), 1);
}

Test(i8254, mode3_square_wave_high_first_half)
{
	program(T0, 2, 3, 10);
	cr_assert_eq(pit_get_out(&pit, T0, 2), 1);
	cr_assert_eq(pit_get_out(&pit, at(T0, 4), 2), 1);
	cr_assert_eq(pit_get_out(&pit, at(T0, 5), 2), 0);
	cr_assert_eq(pit_get_out(&pit, at(T0, 9), 2), 0);
	cr_assert_eq(pit_get_out(&pit, at(T0, 10), 2), 1, "next period");
}

Test(i8254, mode3_odd_count_high_one_clock_longer)
{
	program(T0, 2, 3, 5);
	cr_assert_eq(pit_get_out(&pit, at(T0, 2), 2), 1);
	cr_assert_eq(pit_get_out(&pit, at(T0, 3), 2), 0);
}

Test(i8254, mode4_and_mode5_out_strobe_at_terminal_count)
{
	program(T0, 1, 4, 20);
	cr_assert_eq(pit_get_out(&pit, at(T0, 19), 1), 0);
	cr_assert_eq(pit_get_out(&pit, at(T0, 20), 1), 1);
	cr_assert_eq(pit_get_out(&pit, at(T0, 21), 1), 0);
	program(T0, 2, 5, 20);
	cr_assert_eq(pit_get_out(&pit, at(T0, 20), 2), 1);
	cr_assert_eq(pit_get_out(&pit, at(T0, 25), 2), 0);
}

/* ---- GATE and port 0x61 ---- */

Test(i8254, port61_bit0_is_gate2_and_reads_back)
{
	out8(T0, KVM_SPEAKER_BASE_ADDRESS, 0x01);
	cr_assert_eq(pit.channels[2].gate, 1);
	cr_assert_eq(in8(T0, KVM_SPEAKER_BASE_ADDRESS) & 0x03, 0x01);
	out8(T0, KVM_SPEAKER_BASE_ADDRESS, 0x00);
	cr_assert_eq(pit.channels[2].gate, 0);
}

Test(i8254, port61_bit1_is_speaker_data_kept_in_flags)
{
	out8(T0, KVM_SPEAKER_BASE_ADDRESS, 0x02);
	cr_assert_eq(pit.flags, KVM_PIT_FLAGS_SPEAKER_DATA_ON);
	cr_assert_eq(in8(T0, KVM_SPEAKER_BASE_ADDRESS) & 0x03, 0x02);
	out8(T0, KVM_SPEAKER_BASE_ADDRESS, 0x01);
	cr_assert_eq(pit.flags, 0);
}

Test(i8254, port61_bit5_follows_out2_as_linux_calibration_polls_it)
{
	/* pit_calibrate_tsc(): gate on, speaker off; mode 0, LSB+MSB. */
	out8(T0, KVM_SPEAKER_BASE_ADDRESS, (in8(T0, 0x61) & ~0x02) | 0x01);
	out8(T0, PIT_MODE_PORT, 0xb0);
	out8(T0, 0x42, 11931 & 0xff);
	out8(T0, 0x42, 11931 >> 8);
	cr_assert_eq(in8(at(T0, 11930), 0x61) & 0x20, 0);
	cr_assert_eq(in8(at(T0, 11931), 0x61) & 0x20, 0x20);
}

Test(i8254, port61_bit4_toggles_every_16384_ns)
{
	s64 t = 1ll << 30;			/* bit 14 of the time clear */

	cr_assert_eq(in8(t, 0x61) & 0x10, 0);
	cr_assert_eq(in8(t + 16383, 0x61) & 0x10, 0);
	cr_assert_eq(in8(t + 16384, 0x61) & 0x10, 0x10);
	cr_assert_eq(in8(t + 32768, 0x61) & 0x10, 0);
}

Test(i8254, gate_rising_edge_restarts_mode2)
{
	s64 trig = at(T0, 30);

	program(T0, 2, 2, 100);
	out8(trig, 0x61, 0x01);			/* 0 -> 1: a trigger */
	cr_assert_eq(read16(at(trig, 10), 2), 90);
}

Test(i8254, gate_rising_edge_triggers_mode1_and_mode5)
{
	s64 trig = at(T0, 150);

	program(T0, 2, 1, 100);
	out8(trig, 0x61, 0x01);
	cr_assert_eq(pit_get_out(&pit, at(trig, 50), 2), 1, "retriggered one-shot");
	cr_assert_eq(pit_get_out(&pit, at(trig, 100), 2), 0);
	out8(at(T0, 300), 0x61, 0x00);
	program(at(T0, 300), 2, 5, 100);
	trig = at(T0, 350);
	out8(trig, 0x61, 0x01);
	cr_assert_eq(pit_get_out(&pit, at(trig, 99), 2), 0);
	cr_assert_eq(pit_get_out(&pit, at(trig, 100), 2), 1, "strobe 100 after trigger");
}

Test(i8254, gate_does_nothing_to_mode0_in_kvm)
{
	program(T0, 2, 0, 100);
	out8(at(T0, 30), 0x61, 0x01);
	cr_assert_eq(read16(at(T0, 40), 2), 60, "no restart");
	out8(at(T0, 50), 0x61, 0x00);
	cr_assert_eq(read16(at(T0, 60), 2), 40, "a low GATE does not pause it");
}

Test(i8254, gate_high_to_high_is_no_trigger)
{
	out8(T0, 0x61, 0x01);
	program(T0, 2, 2, 100);
	out8(at(T0, 30), 0x61, 0x01);
	cr_assert_eq(read16(at(T0, 40), 2), 60);
}

/* ---- counter 0's timer ---- */

Test(i8254, mode2_on_counter0_arms_a_periodic_timer)
{
	pit.timer_changed = false;
	program(T0, 0, 2, 11932);		/* ~10 ms */
	cr_assert(pit.timer_changed);
	cr_assert(pit.timer_armed);
	cr_assert(pit.is_periodic);
	cr_assert_eq(pit.period, 11932ll * PIT_NSEC_PER_SEC / KVM_PIT_FREQ);
	cr_assert_eq(pit_timer_expiry(&pit, T0), T0 + pit.period);
	cr_assert_eq(pit_timer_expiry(&pit, T0 + 5 * pit.period + 1), T0 + 6 * pit.period);
}

Test(i8254, mode0_on_counter0_arms_a_one_shot_timer)
{
	program(T0, 0, 0, 1193);
	cr_assert(pit.timer_armed);
	cr_assert_not(pit.is_periodic);
	cr_assert_eq(pit_timer_expiry(&pit, T0 + 10 * pit.period), T0 + pit.period);
}

Test(i8254, counter0_counts_from_its_timer_not_count_load_time)
{
	program(T0, 0, 2, 1000);
	cr_assert_eq(pit.channels[0].count_load_time, 0, "as KVM_GET_PIT2 shows it");
	cr_assert_eq(read16(at(T0, 300), 0), 700);
	/* Three periods on: the count is within the period again. */
	cr_assert_eq(read16(T0 + 3 * pit.period + ns_of(300), 0), 700);
}

Test(i8254, counter0_before_any_timer_reads_its_full_count)
{
	out8(T0, PIT_MODE_PORT, cw(0, 3, 5));
	out8(T0, 0x40, 100);
	out8(T0, 0x40, 0);
	cr_assert_not(pit.timer_armed, "mode 5 does not interrupt");
	cr_assert_eq(read16(at(T0, 50), 0), 100, "KVM: elapsed 0 without a period");
}

Test(i8254, loading_counter0_in_mode5_stops_its_timer)
{
	program(T0, 0, 2, 1000);
	pit.timer_changed = false;
	program(at(T0, 2500), 0, 5, 1000);
	cr_assert(pit.timer_changed);
	cr_assert_not(pit.timer_armed);
	cr_assert_eq(pit_timer_expiry(&pit, at(T0, 2600)), -1);
	/* It reads on from the start of the period it stopped in. */
	cr_assert_eq(read16(T0 + 2 * pit.period + ns_of(700), 0), 300);
}

Test(i8254, short_periodic_timer_is_held_to_200us)
{
	program(T0, 0, 2, 10);
	cr_assert_eq(pit.period, KVM_PIT_MIN_PERIOD_NS);
	program(T0, 0, 0, 10);
	cr_assert_eq(pit.period, 10ll * PIT_NSEC_PER_SEC / KVM_PIT_FREQ, "one-shot kept");
}

Test(i8254, hpet_legacy_mode_keeps_counter0_from_arming)
{
	struct kvm_pit_state2 st;

	pit_get_state(&pit, &st);
	st.flags = KVM_PIT_FLAGS_HPET_LEGACY;
	pit_set_state(&pit, T0, &st);
	program(T0, 0, 2, 1000);
	cr_assert_not(pit.timer_armed);
}

/* ---- KVM_GET_PIT2 / KVM_SET_PIT2 ---- */

Test(i8254, get_state_is_kvms_layout)
{
	struct kvm_pit_state2 st;

	memset(&st, 0xff, sizeof(st));
	program(T0, 2, 3, 0x1234);
	out8(T0, 0x61, 0x03);
	pit_get_state(&pit, &st);
	cr_assert_eq(st.channels[2].count, 0x1234);
	cr_assert_eq(st.channels[2].mode, 3);
	cr_assert_eq(st.channels[2].rw_mode, 3);
	cr_assert_eq(st.channels[2].gate, 1);
	cr_assert_eq(st.channels[2].count_load_time, T0);
	cr_assert_eq(st.flags, KVM_PIT_FLAGS_SPEAKER_DATA_ON);
	for (int i = 0; i < 9; i++)
		cr_assert_eq(st.reserved[i], 0);
}

Test(i8254, state_round_trip_restarts_the_counters_at_restore)
{
	struct kvm_pit_state2 st, again;
	s64 t1 = T0 + 5 * PIT_NSEC_PER_SEC;

	program(T0, 0, 2, 5000);
	program(T0, 2, 0, 3000);
	out8(T0, PIT_MODE_PORT, cw(1, 1, 4));
	out8(at(T0, 10), PIT_MODE_PORT, cw(2, 0, 0));	/* a latch pending */
	pit_get_state(&pit, &st);

	pit_init(&pit, t1);
	pit_set_state(&pit, t1, &st);
	pit_get_state(&pit, &again);
	cr_assert_eq(again.channels[2].count_load_time, t1, "reloaded now");
	again.channels[2].count_load_time = st.channels[2].count_load_time;
	again.channels[1].count_load_time = st.channels[1].count_load_time;
	cr_assert_eq(memcmp(&st, &again, sizeof(st)), 0);
	cr_assert(pit.timer_armed && pit.is_periodic);
	cr_assert_eq(pit.timer_start, t1);
	cr_assert_eq(read16(at(t1, 20), 2), 2990, "latched 10 clocks in");
	cr_assert_eq(read16(at(t1, 20), 2), 2980, "then live from the restore");
}

Test(i8254, set_pit_keeps_the_flags)
{
	struct kvm_pit_state st;

	out8(T0, 0x61, 0x02);
	memcpy(st.channels, pit.channels, sizeof(st.channels));
	st.channels[1].mode = 2;
	st.channels[1].count = 0;
	pit_set_channels(&pit, T0 + 7, &st);
	cr_assert_eq(pit.flags, KVM_PIT_FLAGS_SPEAKER_DATA_ON);
	cr_assert_eq(pit.channels[1].count, 0x10000, "0 loads as 65536");
	cr_assert_eq(pit.channels[1].count_load_time, T0 + 7);
}

Test(i8254, counter0_held_period_restarts_its_count_each_period)
{
	/* 10 clocks asked, 200 us (238.6 clocks) granted: KVM counts from
	 * the start of each 200 us period, where the count restarts. */
	program(T0, 0, 2, 10);
	cr_assert_eq(read16(at(T0, 5), 0), 5);
	cr_assert_eq(read16(T0 + KVM_PIT_MIN_PERIOD_NS + ns_of(5), 0), 5);
	cr_assert_eq(read16(T0 + 7 * KVM_PIT_MIN_PERIOD_NS + ns_of(3), 0), 7);
}
