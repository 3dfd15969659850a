// SPDX-License-Identifier: GPL-2.0
/**
 * @file rtc.c
 * @brief The PC's CMOS real-time clock (Motorola MC146818A) at ports
 * 0x70/0x71, telling the guest the host's time.
 *
 * A PC reaches the chip's 64 bytes (128 on later chipsets, as here)
 * through two ports: OUT 0x70 selects a byte (bit 7 of that write is the
 * chipset's NMI mask, not the chip's), then 0x71 reads or writes it.
 * Bytes 0-9 are the clock, 0x0a-0x0d its registers A-D, the rest battery-
 * backed RAM (MC146818A datasheet, "Address Map"):
 *
 *   0x00 seconds  0x02 minutes  0x04 hours  0x06 day of week (Sunday = 1)
 *   0x07 date     0x08 month    0x09 year (two digits)
 *   (0x01, 0x03, 0x05: the alarm; 0x32: the century, an IBM PC AT custom)
 *
 * Register B chooses the format of those bytes - BCD or binary (DM),
 * 24- or 12-hour with bit 7 for PM (24/12) - and its SET bit stops the
 * updates so that software can write a new time; clearing SET starts the
 * clock again from what was written.  Register A's UIP bit warns that an
 * update is close: the chip changes the time bytes once a second, in a
 * cycle of 1984 us, and raises UIP 244 us before it starts, so a reader
 * that saw UIP = 0 has 244 us to read a consistent time.  Linux's
 * mc146818_get_time() waits for UIP = 0 first; with no RTC at all every
 * read floats to 0xff, UIP included, and the guest spins on the port.
 *
 * The model keeps no clock of its own: the guest's time is the host's
 * (CLOCK_REALTIME, so UTC, which is what Linux expects of a PC's RTC
 * unless told otherwise) plus an offset that changes only when the guest
 * sets the clock; UIP is derived from the host's fraction of a second.
 * The chip's interrupts (periodic, alarm, update-ended, on IRQ 8) are not
 * modelled: register C always reads 0 and IRQ 8 never rises.  A Linux
 * guest needs none of them to boot or to keep time.
 *
 * QEMU counterpart: hw/rtc/mc146818rtc.c.
 */
#include <string.h>

#include "minivmm.h"

/** Clock bytes and registers (MC146818A "Address Map"). @{ */
#define RTC_SECONDS	0x00
#define RTC_MINUTES	0x02
#define RTC_HOURS	0x04
#define RTC_WEEKDAY	0x06
#define RTC_DATE	0x07
#define RTC_MONTH	0x08
#define RTC_YEAR	0x09
#define RTC_REG_A	0x0a
#define  RTC_A_UIP	0x80	/**< update in progress (read-only) */
#define  RTC_A_DV_RUN	0x20	/**< DV2-0 = 010: the 32.768 kHz time base runs */
#define  RTC_A_DV_MASK	0x70
#define RTC_REG_B	0x0b
#define  RTC_B_SET	0x80	/**< updates stopped: software sets the time */
#define  RTC_B_DM	0x04	/**< data mode: 1 = binary, 0 = BCD */
#define  RTC_B_24H	0x02	/**< 1 = 24-hour, 0 = 12-hour with PM in bit 7 */
#define RTC_REG_C	0x0c
#define RTC_REG_D	0x0d
#define  RTC_D_VRT	0x80	/**< valid RAM and time: the battery is good */
#define RTC_CENTURY	0x32	/**< IBM PC AT: the century, same format */
/** @} */

#define RTC_UIP_BEFORE_NS	244000	/**< UIP rises this long before an update */
#define RTC_UPDATE_NS		1984000	/**< the update cycle (32.768 kHz base) */

/** The host's time, the clock a VM's RTC runs on. */
static struct timespec rtc_host_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts;
}

/** Reset the RTC: the host's time, BCD, 24-hour, the time base running. */
void rtc_init(struct rtc *r)
{
	memset(r, 0, sizeof(*r));
	r->now = rtc_host_now;
	r->ram[RTC_REG_A] = RTC_A_DV_RUN | 0x06;	/* RS = 0110: 1024 Hz */
	r->ram[RTC_REG_B] = RTC_B_24H;
}

/** A number 0..99 in the format register B chooses. */
static uint8_t rtc_to_reg(const struct rtc *r, unsigned int v)
{
	return (r->ram[RTC_REG_B] & RTC_B_DM) ? v : ((v / 10) << 4) | (v % 10);
}

/** The number a byte in register B's format holds. */
static unsigned int rtc_from_reg(const struct rtc *r, uint8_t v)
{
	return (r->ram[RTC_REG_B] & RTC_B_DM) ? v : (v >> 4) * 10 + (v & 0x0f);
}

/** The hours byte: 0-23, or 1-12 with bit 7 set after noon. */
static uint8_t rtc_hours_to_reg(const struct rtc *r, unsigned int h)
{
	if (r->ram[RTC_REG_B] & RTC_B_24H)
		return rtc_to_reg(r, h);
	return rtc_to_reg(r, h % 12 ? h % 12 : 12) | (h >= 12 ? 0x80 : 0);
}

/** The hour 0-23 an hours byte holds. */
static unsigned int rtc_hours_from_reg(const struct rtc *r, uint8_t v)
{
	unsigned int h;

	if (r->ram[RTC_REG_B] & RTC_B_24H)
		return rtc_from_reg(r, v);
	h = rtc_from_reg(r, v & 0x7f) % 12;
	return (v & 0x80) ? h + 12 : h;
}

/** Write the guest's time now (host time + offset) into bytes 0-9 and
 *  the century, in register B's format. */
static void rtc_latch(struct rtc *r)
{
	time_t t = r->now().tv_sec + r->offset;
	struct tm tm;

	gmtime_r(&t, &tm);
	r->ram[RTC_SECONDS] = rtc_to_reg(r, tm.tm_sec);
	r->ram[RTC_MINUTES] = rtc_to_reg(r, tm.tm_min);
	r->ram[RTC_HOURS] = rtc_hours_to_reg(r, tm.tm_hour);
	r->ram[RTC_WEEKDAY] = rtc_to_reg(r, tm.tm_wday + 1);
	r->ram[RTC_DATE] = rtc_to_reg(r, tm.tm_mday);
	r->ram[RTC_MONTH] = rtc_to_reg(r, tm.tm_mon + 1);
	r->ram[RTC_YEAR] = rtc_to_reg(r, (tm.tm_year + 1900) % 100);
	r->ram[RTC_CENTURY] = rtc_to_reg(r, (tm.tm_year + 1900) / 100);
}

/** The clock starts again from bytes 0-9 and the century: the offset
 *  becomes what they say minus the host's time.  The day of the week is
 *  not an input: like the chip, the model takes it as written, and
 *  recomputes it at the next latch. */
static void rtc_start_from_ram(struct rtc *r)
{
	struct tm tm = {
		.tm_sec = rtc_from_reg(r, r->ram[RTC_SECONDS]),
		.tm_min = rtc_from_reg(r, r->ram[RTC_MINUTES]),
		.tm_hour = rtc_hours_from_reg(r, r->ram[RTC_HOURS]),
		.tm_mday = rtc_from_reg(r, r->ram[RTC_DATE]),
		.tm_mon = rtc_from_reg(r, r->ram[RTC_MONTH]) - 1,
		.tm_year = rtc_from_reg(r, r->ram[RTC_CENTURY]) * 100 +
			   rtc_from_reg(r, r->ram[RTC_YEAR]) - 1900,
	};

	r->offset = timegm(&tm) - r->now().tv_sec;
}

/** Is the clock stopped, for SET or because the time base does not run? */
static int rtc_stopped(const struct rtc *r)
{
	return (r->ram[RTC_REG_B] & RTC_B_SET) ||
	       (r->ram[RTC_REG_A] & RTC_A_DV_MASK) != RTC_A_DV_RUN;
}

/** UIP: from 244 us before the second's update to the update's end. */
static int rtc_uip(const struct rtc *r)
{
	long ns = r->now().tv_nsec;

	if (rtc_stopped(r))
		return 0;
	return ns >= 1000000000L - RTC_UIP_BEFORE_NS || ns < RTC_UPDATE_NS;
}

/** Is @i one of the bytes the clock updates? */
static int rtc_is_time(unsigned int i)
{
	return i <= RTC_YEAR || i == RTC_CENTURY;
}

/** Read byte @i. */
static uint8_t rtc_read(struct rtc *r, unsigned int i)
{
	if (rtc_is_time(i) && !rtc_stopped(r))
		rtc_latch(r);
	switch (i) {
	case RTC_REG_A:
		return r->ram[i] | (rtc_uip(r) ? RTC_A_UIP : 0);
	case RTC_REG_C:
		return 0;		/* no interrupt flags: not modelled */
	case RTC_REG_D:
		return RTC_D_VRT;
	default:
		return r->ram[i];
	}
}

/** Write byte @i. */
static void rtc_write(struct rtc *r, unsigned int i, uint8_t v)
{
	int was_stopped = rtc_stopped(r);

	switch (i) {
	case RTC_REG_A:
		r->ram[i] = v & ~RTC_A_UIP;
		break;
	case RTC_REG_B:
		/* The time as it is when the clock stops stays readable. */
		if (!was_stopped)
			rtc_latch(r);
		r->ram[i] = v;
		break;
	case RTC_REG_C:
	case RTC_REG_D:
		return;			/* read-only */
	default:
		/* A time byte written while the clock runs changes the time
		 * at once: the other bytes are taken as they are now. */
		if (rtc_is_time(i) && !was_stopped)
			rtc_latch(r);
		r->ram[i] = v;
		if (rtc_is_time(i) && !was_stopped)
			rtc_start_from_ram(r);
		return;
	}
	if (was_stopped && !rtc_stopped(r))
		rtc_start_from_ram(r);
}

/**
 * A one-byte access to @port.  Returns 0 if the port is the RTC's, -1 if
 * not (so the caller can try another device).
 */
int rtc_io(struct rtc *r, uint16_t port, int is_write, uint8_t *data)
{
	switch (port) {
	case RTC_INDEX_PORT:
		if (is_write)
			r->index = *data & 0x7f;	/* bit 7: NMI mask, not ours */
		else
			*data = 0xff;			/* write-only on a PC */
		return 0;
	case RTC_DATA_PORT:
		if (is_write)
			rtc_write(r, r->index, *data);
		else
			*data = rtc_read(r, r->index);
		return 0;
	}
	return -1;
}
