// SPDX-License-Identifier: GPL-2.0
/* The CMOS clock (final/vmm/rtc.c): what a guest reads through ports
 * 0x70/0x71 for a host time the test chooses, in each of register B's
 * formats, UIP around the update, and setting the clock with SET.
 * Expected bytes are worked out by hand from the MC146818A's formats. */
#include <criterion/criterion.h>

#include "minivmm.h"

static struct rtc r;
static struct timespec host;	/* the host clock the RTC sees */

static struct timespec fake_now(void)
{
	return host;
}

static void setup(void)
{
	rtc_init(&r);
	r.now = fake_now;
	/* Thursday 2026-12-03 09:38:07.5 UTC */
	host = (struct timespec) { .tv_sec = 1796290687, .tv_nsec = 500000000 };
}

static uint8_t rd(uint8_t index)
{
	uint8_t v = index;

	cr_assert_eq(rtc_io(&r, 0x70, 1, &v), 0);
	v = 0x5a;
	cr_assert_eq(rtc_io(&r, 0x71, 0, &v), 0);
	return v;
}

static void wr(uint8_t index, uint8_t v)
{
	cr_assert_eq(rtc_io(&r, 0x70, 1, &index), 0);
	cr_assert_eq(rtc_io(&r, 0x71, 1, &v), 0);
}

TestSuite(vmm_rtc, .init = setup);

Test(vmm_rtc, reads_the_host_time_in_bcd_24_hour_by_default)
{
	cr_assert_eq(rd(0x00), 0x07);	/* seconds */
	cr_assert_eq(rd(0x02), 0x38);	/* minutes */
	cr_assert_eq(rd(0x04), 0x09);	/* hours */
	cr_assert_eq(rd(0x06), 5);	/* Thursday: Sunday is 1 */
	cr_assert_eq(rd(0x07), 0x03);	/* date */
	cr_assert_eq(rd(0x08), 0x12);	/* month */
	cr_assert_eq(rd(0x09), 0x26);	/* year */
	cr_assert_eq(rd(0x32), 0x20);	/* century */
}

Test(vmm_rtc, the_clock_follows_the_host)
{
	host.tv_sec += 60 * 60 + 61;	/* 10:39:08 */
	cr_assert_eq(rd(0x00), 0x08);
	cr_assert_eq(rd(0x02), 0x39);
	cr_assert_eq(rd(0x04), 0x10);
}

Test(vmm_rtc, binary_mode_and_12_hour_mode)
{
	wr(0x0b, 0x06);			/* DM = binary, 24-hour */
	cr_assert_eq(rd(0x00), 7);
	cr_assert_eq(rd(0x02), 38);
	cr_assert_eq(rd(0x08), 12);
	cr_assert_eq(rd(0x09), 26);
	wr(0x0b, 0x00);			/* BCD, 12-hour */
	cr_assert_eq(rd(0x04), 0x09);	/* 9 AM */
	host.tv_sec = 1796331900;	/* 21:05:00 */
	cr_assert_eq(rd(0x04), 0x89);	/* 9 PM: bit 7 */
	host.tv_sec -= 21 * 3600;	/* 00:05: 12 AM */
	cr_assert_eq(rd(0x04), 0x12);
}

Test(vmm_rtc, uip_is_set_from_244_us_before_the_update_to_its_end)
{
	cr_assert_eq(rd(0x0a) & 0x80, 0);
	host.tv_nsec = 1000000000 - 244000;
	cr_assert_eq(rd(0x0a) & 0x80, 0x80);
	host.tv_nsec = 1000000000 - 244001;
	cr_assert_eq(rd(0x0a) & 0x80, 0);
	host.tv_nsec = 1983999;		/* inside the 1984 us update */
	cr_assert_eq(rd(0x0a) & 0x80, 0x80);
	host.tv_nsec = 1984000;
	cr_assert_eq(rd(0x0a) & 0x80, 0);
	/* The rest of register A is what the guest wrote; UIP is read-only. */
	cr_assert_eq(rd(0x0a), 0x26);
	wr(0x0a, 0xa6);
	cr_assert_eq(rd(0x0a), 0x26);
}

Test(vmm_rtc, set_stops_the_clock_and_starts_it_from_what_was_written)
{
	wr(0x0b, 0x82);			/* SET, BCD, 24-hour */
	wr(0x00, 0x00);
	wr(0x02, 0x00);
	wr(0x04, 0x00);
	wr(0x07, 0x01);
	wr(0x08, 0x01);
	wr(0x09, 0x30);
	wr(0x32, 0x20);			/* 2030-01-01 00:00:00 */
	host.tv_sec += 100;		/* stopped: no time passes */
	cr_assert_eq(rd(0x00), 0x00);
	cr_assert_eq(rd(0x0a) & 0x80, 0, "no UIP while SET");
	wr(0x0b, 0x02);			/* run again */
	host.tv_sec += 5;
	cr_assert_eq(rd(0x00), 0x05);
	cr_assert_eq(rd(0x09), 0x30);
	cr_assert_eq(rd(0x06), 3);	/* 2030-01-01 was a Tuesday */
	cr_assert_eq(r.offset, 1893456000 - (1796290687 + 100));
}

Test(vmm_rtc, the_time_read_while_set_is_the_time_it_stopped_at)
{
	wr(0x0b, 0x82);
	host.tv_sec += 30;
	cr_assert_eq(rd(0x00), 0x07);
	cr_assert_eq(rd(0x02), 0x38);
}

Test(vmm_rtc, a_time_byte_written_while_running_changes_the_time_at_once)
{
	wr(0x02, 0x10);			/* 09:10:07 */
	cr_assert_eq(rd(0x02), 0x10);
	cr_assert_eq(rd(0x04), 0x09);
	host.tv_sec += 60;
	cr_assert_eq(rd(0x02), 0x11);
	cr_assert_eq(rd(0x00), 0x07);
}

Test(vmm_rtc, the_century_carries_the_year_over)
{
	host.tv_sec = 946684799;	/* 1999-12-31 23:59:59 */
	cr_assert_eq(rd(0x09), 0x99);
	cr_assert_eq(rd(0x32), 0x19);
	host.tv_sec++;
	cr_assert_eq(rd(0x09), 0x00);
	cr_assert_eq(rd(0x32), 0x20);
}

Test(vmm_rtc, registers_c_and_d_ram_and_the_nmi_bit)
{
	cr_assert_eq(rd(0x0c), 0x00, "no interrupt flags: not modelled");
	cr_assert_eq(rd(0x0d), 0x80, "VRT: the battery is good");
	wr(0x0d, 0x00);
	cr_assert_eq(rd(0x0d), 0x80, "register D is read-only");
	wr(0x40, 0xa5);
	cr_assert_eq(rd(0x40), 0xa5, "CMOS RAM keeps what is written");
	cr_assert_eq(rd(0x80 | 0x40), 0xa5, "bit 7 of the index is the NMI mask");
	uint8_t v = 0;
	cr_assert_eq(rtc_io(&r, 0x70, 0, &v), 0);
	cr_assert_eq(v, 0xff, "the index port is write-only");
	cr_assert_eq(rtc_io(&r, 0x72, 0, &v), -1, "not the RTC's port");
}
