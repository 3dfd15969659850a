// SPDX-License-Identifier: GPL-2.0
/**
 * @file i8254.c
 * @brief The Intel 8254 programmable interval timer: three 16-bit
 * down-counters clocked at 1.193182 MHz.  See Intel 8254 Programmable
 * Interval Timer datasheet, order number 231164-005.
 *
 * On a PC, counter 0's OUT is wired to IRQ 0 (the system timer), counter
 * 1 once refreshed DRAM, and counter 2 drives the speaker; its GATE and
 * OUT are reachable through port 0x61, which is how Linux calibrates the
 * TSC against it (pit_calibrate_tsc()).
 *
 * A counter is programmed in two steps ("Write Operations"): a control
 * word to port 0x43 picks its mode (0-5), its access (LSB only, MSB only,
 * or LSB then MSB) and binary or BCD counting; then the initial count is
 * written to its port (0x40-0x42), one or two bytes.  The count starts
 * going down once loaded, one per input clock, and what OUT does meanwhile
 * is the mode ("Mode Definitions"):
 *   0 interrupt on terminal count: OUT low, rises when the count hits 0;
 *   1 hardware one-shot: OUT low for @c count clocks after a GATE trigger;
 *   2 rate generator: every @c count clocks, a one-clock low pulse;
 *   3 square wave: OUT high for half of @c count, low for the other half;
 *   4 software strobe: a one-clock low pulse @c count clocks after loading;
 *   5 hardware strobe: the same, after a GATE trigger.
 * Reading a counter while it runs gets the live count, or a snapshot
 * frozen by a counter latch command or the read-back command, which can
 * also latch a status byte (OUT, access, mode, BCD).
 *
 * How this model counts: KVM's way, so that a guest sees the same on
 * both.  Nothing ticks.  A counter remembers when it was loaded, and a
 * read computes the count and OUT at @c now from the clocks elapsed
 * since, d = elapsed * 1193182 / 10^9 (pit_get_count(), pit_get_out()).
 * Counter 0 additionally has a timer (the glue's hrtimer) that raises IRQ
 * 0 when the count runs out: once in modes 0, 1 and 4, every @c count
 * clocks in modes 2 and 3; its time base is the timer's start.
 *
 * Where KVM, and so this model, is simpler than the datasheet:
 *  - the GATE input only restarts counting on a rising edge in modes 1,
 *    2, 3 and 5 (the trigger); a low GATE never stops a counter, and
 *    modes 1 and 5 count from the load without waiting for a trigger;
 *  - writing a control word neither stops the counter nor sets OUT to
 *    its initial level: the new mode applies to the running count;
 *  - OUT in mode 2 reads high only at the instant the count reloads
 *    (the datasheet has it low there, high otherwise), modes 4 and 5
 *    likewise only at terminal count; mode 3 counts by two from @c count
 *    and is approximate for odd counts;
 *  - BCD is kept in the control word and status byte, but the counters
 *    count in binary;
 *  - the status byte's NULL COUNT bit (6) is always 0.
 *
 * Linux: arch/x86/kvm/i8254.c (the model half; timer.c is the glue).
 */
#include <minikvm/i8254.h>

/**
 * pit_ticks - input clocks in @ns nanoseconds, rounded down.
 * @ns: a time span; a negative one counts as 0
 *
 * ns * 1193182 / 10^9 without a 128-bit product: whole seconds and the
 * remainder separately, which is exact.  Linux: mul_u64_u32_div().
 */
static s64 pit_ticks(s64 ns)
{
	if (ns <= 0)
		return 0;
	return (ns / PIT_NSEC_PER_SEC) * KVM_PIT_FREQ +
	       (ns % PIT_NSEC_PER_SEC) * KVM_PIT_FREQ / PIT_NSEC_PER_SEC;
}

/**
 * pit_elapsed - nanoseconds counter @channel has counted at @now.
 * @ps: the PIT
 * @now: the present, ns
 * @channel: 0-2
 *
 * Counters 1 and 2: since the load (or the last GATE trigger).  Counter
 * 0: since its timer started, within the current period if periodic,
 * and 0 if it never ran, as KVM computes it from the hrtimer's remaining
 * time.  Linux: kpit_elapsed(), __kpit_elapsed().
 */
static s64 pit_elapsed(const struct kvm_kpit_state *ps, s64 now, int channel)
{
	s64 t;

	if (channel != 0)
		return now - ps->channels[channel].count_load_time;
	if (!ps->period)
		return 0;
	t = now - ps->timer_start;
	if (ps->timer_armed && ps->is_periodic && t > 0)
		t %= ps->period;
	return t;
}

/**
 * pit_get_count - the count counter @channel holds at @now.
 * @ps: the PIT
 * @now: the present, ns
 * @channel: 0-2
 *
 * Modes 0, 1, 4, 5 count down once and wrap past 0 to 0xffff ("the
 * Counter does not stop when it reaches zero", Mode 0); mode 2 reloads
 * @c count every @c count clocks; mode 3 goes down by two per clock, so
 * twice per period.  Any other mode (0xff after reset) counts like mode 2.
 * May return 0x10000 (reads as 0) right at a reload of 65536.
 * Linux: pit_get_count().
 */
int pit_get_count(const struct kvm_kpit_state *ps, s64 now, int channel)
{
	/* EXERCISE 04.3 BEGIN: the count a counter reads now, in every mode */
	const struct kvm_pit_channel_state *c = &ps->channels[channel];
	s64 d = pit_ticks(pit_elapsed(ps, now, channel));

	switch (c->mode) {
	case 0:
	case 1:
	case 4:
	case 5:
		return (c->count - d) & 0xffff;
	case 3:
		return c->count - (2 * d) % c->count;
	default:
		return c->count - d % c->count;
	}
	/* EXERCISE 04.3 STUB: (void)ps; (void)now; (void)channel; */
	/* EXERCISE 04.3 STUB: return 0; */
	/* EXERCISE END */
}

/**
 * pit_get_out - the level of counter @channel's OUT pin at @now.
 * @ps: the PIT
 * @now: the present, ns
 * @channel: 0-2
 *
 * KVM's formulas (see the top of the file for where they part from the
 * datasheet's waveforms): mode 0 rises at terminal count and stays high;
 * mode 1 is high until terminal count; mode 2 is high at each reload
 * instant; mode 3 is high for the first (count + 1) / 2 clocks of each
 * period; modes 4 and 5 are high exactly at terminal count.
 * Linux: pit_get_out().
 */
int pit_get_out(const struct kvm_kpit_state *ps, s64 now, int channel)
{
	const struct kvm_pit_channel_state *c = &ps->channels[channel];
	s64 d = pit_ticks(pit_elapsed(ps, now, channel));

	switch (c->mode) {
	default:
	case 0:
		return d >= c->count;
	case 1:
		return d < c->count;
	case 2:
		return d % c->count == 0 && d != 0;
	case 3:
		return d % c->count < (c->count + 1) / 2;
	case 4:
	case 5:
		return d == c->count;
	}
}

/**
 * pit_timer_expiry - when counter 0's timer fires next after @now.
 * @ps: the PIT
 * @now: the present, ns
 *
 * Returns the time in ns (for a one-shot timer that has fired already,
 * the past time it fired at), or -1 if the timer is not armed.  This is
 * when IRQ 0 is raised: counter 0 reaching terminal count.
 */
s64 pit_timer_expiry(const struct kvm_kpit_state *ps, s64 now)
{
	s64 periods;

	if (!ps->timer_armed)
		return -1;
	if (!ps->is_periodic || now < ps->timer_start)
		return ps->timer_start + ps->period;
	periods = (now - ps->timer_start) / ps->period + 1;
	return ps->timer_start + periods * ps->period;
}

/**
 * pit_arm_timer - start counter 0's timer for @val clocks from @now.
 * @ps: the PIT
 * @now: the present, ns
 * @val: the count, 1-0x10000 (or what KVM_SET_PIT2 loaded)
 * @periodic: fire every @val clocks, not just once
 *
 * A periodic timer is not allowed below KVM_PIT_MIN_PERIOD_NS: the host
 * would spend its time taking the guest's timer interrupts.  Under HPET
 * legacy replacement (the HPET drives IRQ 0 instead) the PIT's timer is
 * left as it is, as in KVM.  Linux: create_pit_timer().
 */
static void pit_arm_timer(struct kvm_kpit_state *ps, s64 now, u32 val, bool periodic)
{
	s64 interval = (s64)val * PIT_NSEC_PER_SEC / KVM_PIT_FREQ;

	if (ps->flags & KVM_PIT_FLAGS_HPET_LEGACY)
		return;
	if (periodic && interval < KVM_PIT_MIN_PERIOD_NS)
		interval = KVM_PIT_MIN_PERIOD_NS;
	ps->period = interval;
	ps->is_periodic = periodic;
	ps->timer_armed = interval > 0;
	ps->timer_start = now;
	ps->timer_changed = true;
}

/**
 * pit_stop_timer - counter 0 no longer interrupts (a mode other than
 * 0-4, or HPET legacy mode starting).
 * @ps: the PIT
 * @now: the present, ns
 *
 * Its count still reads as running on from the start of the last
 * period, as KVM's does with its cancelled hrtimer.
 * Linux: destroy_pit_timer().
 */
static void pit_stop_timer(struct kvm_kpit_state *ps, s64 now)
{
	if (ps->timer_armed && ps->is_periodic && now > ps->timer_start)
		ps->timer_start += (now - ps->timer_start) / ps->period * ps->period;
	ps->timer_armed = false;
	ps->timer_changed = true;
}

/**
 * pit_load_count - a new initial count for counter @channel.
 * @ps: the PIT
 * @now: the present, ns
 * @channel: 0-2
 * @val: the count written; 0 means 0x10000 (datasheet, "Mode 0": the
 *	largest initial count is 0, 2^16 in binary)
 *
 * The count starts over at once (KVM does not wait for the next clock).
 * Counter 0 also (re)arms its timer: once in modes 0, 1 and 4, periodic
 * in 2 and 3; in any other mode it stops.
 * Linux: pit_load_count().
 */
static void pit_load_count(struct kvm_kpit_state *ps, s64 now, int channel, u32 val)
{
	if (val == 0)
		val = 0x10000;
	ps->channels[channel].count = val;

	if (channel != 0) {
		ps->channels[channel].count_load_time = now;
		return;
	}
	switch (ps->channels[0].mode) {
	case 0:
	case 1:
	case 4:
		pit_arm_timer(ps, now, val, false);
		break;
	case 2:
	case 3:
		pit_arm_timer(ps, now, val, true);
		break;
	default:
		pit_stop_timer(ps, now);
		break;
	}
}

/**
 * pit_set_gate - counter @channel's GATE input goes to @val.
 * @ps: the PIT
 * @now: the present, ns
 * @channel: 0-2 (only counter 2's GATE is wired anywhere: port 0x61)
 * @val: 0 or 1
 *
 * A rising edge is the trigger of modes 1 and 5 and restarts modes 2 and
 * 3 (datasheet, "Gate"); in modes 0 and 4 GATE would only pause the count,
 * which KVM does not model.  Linux: pit_set_gate().
 */
static void pit_set_gate(struct kvm_kpit_state *ps, s64 now, int channel, u8 val)
{
	struct kvm_pit_channel_state *c = &ps->channels[channel];

	switch (c->mode) {
	case 1:
	case 2:
	case 3:
	case 5:
		if (c->gate < val)
			c->count_load_time = now;
		break;
	default:
		break;
	}
	c->gate = val;
}

/**
 * pit_latch_count - the counter latch command, or read-back's count part:
 * freeze the count for the next reads (datasheet, "Counter Latch
 * Command").  A second latch before the first was read is ignored.  The
 * latch is read with the access the counter was programmed with, which
 * is why @c count_latched stores the access mode.
 * Linux: pit_latch_count().
 */
static void pit_latch_count(struct kvm_kpit_state *ps, s64 now, int channel)
{
	struct kvm_pit_channel_state *c = &ps->channels[channel];

	if (!c->count_latched) {
		c->latched_count = pit_get_count(ps, now, channel);
		c->count_latched = c->rw_mode;
	}
}

/**
 * pit_latch_status - read-back's status part: OUT, RW, mode and BCD as a
 * byte that the next read returns, before any latched count (datasheet,
 * "Read-Back Command", "Status Byte").  Ignored while one is latched.
 * Linux: pit_latch_status().
 */
static void pit_latch_status(struct kvm_kpit_state *ps, s64 now, int channel)
{
	struct kvm_pit_channel_state *c = &ps->channels[channel];

	if (!c->status_latched) {
		c->status = (pit_get_out(ps, now, channel) << 7) | (c->rw_mode << 4) |
			    (c->mode << 1) | c->bcd;
		c->status_latched = 1;
	}
}

/**
 * pit_write_control - a control word to port 0x43.
 * @ps: the PIT
 * @now: the present, ns
 * @val: the byte
 *
 * SC = 3 is the read-back command (bits 3:1 pick the counters, bit 5 = 0
 * latches their counts, bit 4 = 0 their statuses).  Otherwise RW = 0 is
 * the counter latch command, and anything else programs the counter:
 * access, mode (6 and 7 are aliases of 2 and 3) and BCD.
 * Linux: the addr == 3 half of pit_ioport_write().
 */
static void pit_write_control(struct kvm_kpit_state *ps, s64 now, u8 val)
{
	int channel = val >> PIT_CW_SC_SHIFT;
	struct kvm_pit_channel_state *c;
	u8 access;

	if (channel == 3) {
		for (channel = 0; channel < PIT_NUM_CHANNELS; channel++) {
			if (!(val & PIT_RB_CHANNEL(channel)))
				continue;
			if (!(val & PIT_RB_NO_COUNT))
				pit_latch_count(ps, now, channel);
			if (!(val & PIT_RB_NO_STATUS))
				pit_latch_status(ps, now, channel);
		}
		return;
	}

	c = &ps->channels[channel];
	access = (val >> PIT_CW_RW_SHIFT) & 3;
	if (access == 0) {
		pit_latch_count(ps, now, channel);
		return;
	}
	c->rw_mode = access;
	c->read_state = access;
	c->write_state = access;
	c->mode = (val >> PIT_CW_MODE_SHIFT) & 7;
	if (c->mode > 5)
		c->mode -= 4;
	c->bcd = val & PIT_CW_BCD;
}

/**
 * pit_write_count - a byte of initial count to counter @channel's port.
 * With LSB-then-MSB access the first byte waits in @c write_latch and the
 * count loads with the second.  A counter never programmed (write state
 * 0) takes the byte as LSB.  Linux: the count half of pit_ioport_write().
 */
static void pit_write_count(struct kvm_kpit_state *ps, s64 now, int channel, u8 val)
{
	struct kvm_pit_channel_state *c = &ps->channels[channel];

	switch (c->write_state) {
	default:
	case RW_STATE_LSB:
		pit_load_count(ps, now, channel, val);
		break;
	case RW_STATE_MSB:
		pit_load_count(ps, now, channel, val << 8);
		break;
	case RW_STATE_WORD0:
		c->write_latch = val;
		c->write_state = RW_STATE_WORD1;
		break;
	case RW_STATE_WORD1:
		pit_load_count(ps, now, channel, c->write_latch | (val << 8));
		c->write_state = RW_STATE_WORD0;
		break;
	}
}

/** Is @p port one of 0x40-0x43?  Linux: pit_in_range(). */
static bool pit_in_range(u16 port)
{
	return port >= KVM_PIT_BASE_ADDRESS &&
	       port < KVM_PIT_BASE_ADDRESS + KVM_PIT_MEM_LENGTH;
}

/**
 * pit_ioport_write - an OUT to ports 0x40-0x43.
 * @ps: the PIT
 * @now: the present, ns
 * @port: the port
 * @len: access width in bytes; only the low byte counts (an 8-bit device)
 * @val: the @len bytes written
 *
 * Returns 0, or -EOPNOTSUPP for a port that is not the PIT's.
 * Linux: pit_ioport_write().
 */
int pit_ioport_write(struct kvm_kpit_state *ps, s64 now, u16 port, int len,
		     const void *val)
{
	u32 data = 0;

	if (!pit_in_range(port))
		return -EOPNOTSUPP;
	memcpy(&data, val, len < 4 ? len : 4);
	port &= KVM_PIT_CHANNEL_MASK;
	if (port == 3)
		pit_write_control(ps, now, data & 0xff);
	else
		pit_write_count(ps, now, port, data & 0xff);
	return 0;
}

/**
 * pit_read_counter - the byte an IN from counter @channel's port gets.
 * A latched status comes first, then a latched count (one or two bytes,
 * as the access mode says), and only then the live count, whose LSB and
 * MSB alternate in LSB-then-MSB access (datasheet, "Read Operations").
 * Linux: the body of pit_ioport_read().
 */
static u8 pit_read_counter(struct kvm_kpit_state *ps, s64 now, int channel)
{
	struct kvm_pit_channel_state *c = &ps->channels[channel];
	int count;

	if (c->status_latched) {
		c->status_latched = 0;
		return c->status;
	}
	if (c->count_latched) {
		switch (c->count_latched) {
		default:
		case RW_STATE_LSB:
			c->count_latched = 0;
			return c->latched_count & 0xff;
		case RW_STATE_MSB:
			c->count_latched = 0;
			return c->latched_count >> 8;
		case RW_STATE_WORD0:
			c->count_latched = RW_STATE_MSB;
			return c->latched_count & 0xff;
		}
	}

	count = pit_get_count(ps, now, channel);
	switch (c->read_state) {
	default:
	case RW_STATE_LSB:
		return count & 0xff;
	case RW_STATE_MSB:
		return (count >> 8) & 0xff;
	case RW_STATE_WORD0:
		c->read_state = RW_STATE_WORD1;
		return count & 0xff;
	case RW_STATE_WORD1:
		c->read_state = RW_STATE_WORD0;
		return (count >> 8) & 0xff;
	}
}

/**
 * pit_ioport_read - an IN from ports 0x40-0x43.
 * @ps: the PIT
 * @now: the present, ns
 * @port: the port
 * @len: access width in bytes; the byte comes zero-extended
 * @val: where the @len bytes go (little endian)
 *
 * Port 0x43 is write-only: KVM claims the read but supplies no data, so
 * @val is left as it is (the caller's buffer, zeros in minikvm).
 * Returns 0, or -EOPNOTSUPP for a port that is not the PIT's.
 * Linux: pit_ioport_read().
 */
int pit_ioport_read(struct kvm_kpit_state *ps, s64 now, u16 port, int len, void *val)
{
	u32 ret;

	if (!pit_in_range(port))
		return -EOPNOTSUPP;
	port &= KVM_PIT_CHANNEL_MASK;
	if (port == 3)
		return 0;
	ret = pit_read_counter(ps, now, port);
	memcpy(val, &ret, len < 4 ? len : 4);
	return 0;
}

/**
 * pit_speaker_write - an OUT to port 0x61: bit 0 drives counter 2's
 * GATE, bit 1 the speaker data (kept as KVM_PIT_FLAGS_SPEAKER_DATA_ON).
 * @ps: the PIT
 * @now: the present, ns
 * @port: the port; only 0x61 is answered
 * @len: access width in bytes
 * @val: the @len bytes written
 *
 * Returns 0, or -EOPNOTSUPP for another port.
 * Linux: speaker_ioport_write().
 */
int pit_speaker_write(struct kvm_kpit_state *ps, s64 now, u16 port, int len,
		      const void *val)
{
	u32 data = 0;

	if (port != KVM_SPEAKER_BASE_ADDRESS)
		return -EOPNOTSUPP;
	memcpy(&data, val, len < 4 ? len : 4);
	if (data & SPEAKER_DATA)
		ps->flags |= KVM_PIT_FLAGS_SPEAKER_DATA_ON;
	else
		ps->flags &= ~KVM_PIT_FLAGS_SPEAKER_DATA_ON;
	pit_set_gate(ps, now, 2, data & SPEAKER_GATE2);
	return 0;
}

/**
 * pit_speaker_read - an IN from port 0x61: GATE 2 (bit 0), speaker data
 * (bit 1), the refresh toggle (bit 4) and OUT 2 (bit 5).
 * @ps: the PIT
 * @now: the present, ns
 * @port: the port; only 0x61 is answered
 * @len: access width in bytes
 * @val: where the @len bytes go
 *
 * On a PC/AT bit 4 toggles with every DRAM refresh cycle, about every
 * 15 us, and old BIOS delay loops count its edges; KVM derives it from
 * the time, toggling every 2^14 ns, and so does this.  The other bits
 * (parity checks, NMI masks) read as 0.
 * Returns 0, or -EOPNOTSUPP for another port.
 * Linux: speaker_ioport_read().
 */
int pit_speaker_read(struct kvm_kpit_state *ps, s64 now, u16 port, int len, void *val)
{
	u32 ret;

	if (port != KVM_SPEAKER_BASE_ADDRESS)
		return -EOPNOTSUPP;
	ret = (ps->flags & KVM_PIT_FLAGS_SPEAKER_DATA_ON ? SPEAKER_DATA : 0) |
	      (ps->channels[2].gate ? SPEAKER_GATE2 : 0) |
	      (pit_get_out(ps, now, 2) ? SPEAKER_OUT2 : 0) |
	      (((u64)now >> 14) & 1 ? SPEAKER_REFRESH : 0);
	memcpy(val, &ret, len < 4 ? len : 4);
	return 0;
}

/**
 * pit_reset - the state KVM_CREATE_PIT2 leaves: every counter in "no
 * mode" (0xff, so counter 0 does not interrupt until programmed), count
 * 65536, GATE high except counter 2's (port 0x61 bit 0 starts at 0).
 * @ps: the PIT
 * @now: the present, ns
 *
 * Linux: kvm_pit_reset().
 */
void pit_reset(struct kvm_kpit_state *ps, s64 now)
{
	int i;

	ps->flags = 0;
	for (i = 0; i < PIT_NUM_CHANNELS; i++) {
		ps->channels[i].mode = 0xff;
		ps->channels[i].gate = (i != 2);
		pit_load_count(ps, now, i, 0);
	}
}

/**
 * pit_init - set up @ps from nothing, in its reset state.
 * @ps: the PIT
 * @now: the present, ns
 *
 * Linux: the model half of kvm_create_pit() (kzalloc, kvm_pit_reset()).
 */
void pit_init(struct kvm_kpit_state *ps, s64 now)
{
	memset(ps, 0, sizeof(*ps));
	pit_reset(ps, now);
}

/**
 * pit_get_state - KVM_GET_PIT2: the channels and flags as they are.
 * @ps: the PIT
 * @state: filled; @c reserved zeroed
 *
 * count_load_time is the glue's clock (ktime_get() ns in the kernel), so
 * values from minikvm and KVM compare.  Counter 0's stays at what was
 * last set, since its time base is its timer (see pit_elapsed()).
 * Linux: kvm_vm_ioctl_get_pit2().
 */
void pit_get_state(const struct kvm_kpit_state *ps, struct kvm_pit_state2 *state)
{
	memset(state, 0, sizeof(*state));
	memcpy(state->channels, ps->channels, sizeof(state->channels));
	state->flags = ps->flags;
}

/**
 * pit_set_channels - KVM_SET_PIT: take the channels as they are, then
 * load each one's count again, which restarts it at @now (and counter 0's
 * timer with it).  KVM checks no field.
 * @ps: the PIT
 * @now: the present, ns
 * @state: the channels
 *
 * Linux: kvm_vm_ioctl_set_pit().
 */
void pit_set_channels(struct kvm_kpit_state *ps, s64 now, const struct kvm_pit_state *state)
{
	int i;

	memcpy(ps->channels, state->channels, sizeof(ps->channels));
	for (i = 0; i < PIT_NUM_CHANNELS; i++)
		pit_load_count(ps, now, i, ps->channels[i].count);
}

/**
 * pit_set_state - KVM_SET_PIT2: as KVM_SET_PIT, plus the flags.  When the
 * HPET legacy flag goes on, counter 0 stops interrupting (the HPET has
 * taken IRQ 0 over).
 * @ps: the PIT
 * @now: the present, ns
 * @state: channels and flags, as pit_get_state() gives them
 *
 * Linux: kvm_vm_ioctl_set_pit2(), kvm_pit_load_count().
 */
void pit_set_state(struct kvm_kpit_state *ps, s64 now, const struct kvm_pit_state2 *state)
{
	bool legacy_start = !(ps->flags & KVM_PIT_FLAGS_HPET_LEGACY) &&
			    (state->flags & KVM_PIT_FLAGS_HPET_LEGACY);
	int i;

	memcpy(ps->channels, state->channels, sizeof(ps->channels));
	ps->flags = state->flags;
	for (i = 0; i < PIT_NUM_CHANNELS; i++) {
		if (i == 0 && legacy_start) {
			/* KVM loads it with mode 0xff for a moment: a stop. */
			ps->channels[0].count = ps->channels[0].count ? : 0x10000;
			pit_stop_timer(ps, now);
		} else {
			pit_load_count(ps, now, i, ps->channels[i].count);
		}
	}
}
