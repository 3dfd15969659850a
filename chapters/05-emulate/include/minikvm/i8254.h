/* SPDX-License-Identifier: GPL-2.0 */
/**
 * @file i8254.h
 * @brief The PC's Intel 8254 programmable interval timer as a plain-C
 * device model (no locking, no allocation, no clocks, no kernel-only
 * APIs): final/arch/x86/kvm/i8254.c.
 *
 * Time is an input: every function that looks at a counter takes @c now,
 * a monotonic time in nanoseconds (the kernel glue passes ktime_get(),
 * the unit tests pass whatever instant they want to look at).  The model
 * never runs by itself; it computes what the counters and OUT pins are at
 * @c now from when they were loaded, as KVM does.
 *
 * The caller owns the lock: every function here expects the caller to
 * hold whatever lock protects the struct kvm_kpit_state, as Linux holds
 * kvm_kpit_state.lock.  Datasheet: Intel 8254 Programmable Interval Timer,
 * order number 231164-005.
 */
#ifndef MINIKVM_I8254_H
#define MINIKVM_I8254_H

#include <minikvm/portable.h>
#include <linux/kvm.h>		/* struct kvm_pit_state2, KVM_PIT_FLAGS_* */

/** The counters' input clock on a PC, in Hz: 14.31818 MHz / 12.
 *  Linux: KVM_PIT_FREQ (and the guest's PIT_TICK_RATE). */
#define KVM_PIT_FREQ		1193182
/** Nanoseconds per second, for the tick <-> ns conversions. */
#define PIT_NSEC_PER_SEC	1000000000ll
/** Counters 0-2 (datasheet, "Block Diagram"). */
#define PIT_NUM_CHANNELS	3

/** The ports the PIT decodes on a PC: A1:A0 pick the register
 *  (datasheet, Table 1 "Read/Write Operations Summary"). @{ */
#define KVM_PIT_BASE_ADDRESS	0x40	/**< counter 0; 0x41 counter 1, 0x42 counter 2 */
#define KVM_PIT_MEM_LENGTH	4	/**< 0x40-0x43 */
#define KVM_PIT_CHANNEL_MASK	3	/**< A1:A0 of the port */
#define PIT_MODE_PORT		0x43	/**< the control word register (write only) */
/** @} */

/** Port 0x61, the PC/AT's "system control port B" (not part of the 8254):
 *  it drives counter 2's GATE and reads counter 2's OUT back.  KVM
 *  registers 4 ports there but answers only 0x61. @{ */
#define KVM_SPEAKER_BASE_ADDRESS 0x61
#define KVM_SPEAKER_MEM_LENGTH	4
#define SPEAKER_GATE2		0x01	/**< bit 0: GATE of counter 2 (read/write) */
#define SPEAKER_DATA		0x02	/**< bit 1: speaker data enable (read/write) */
#define SPEAKER_REFRESH		0x10	/**< bit 4: refresh request toggle (read) */
#define SPEAKER_OUT2		0x20	/**< bit 5: OUT of counter 2 (read) */
/** @} */

/** The control word written to port 0x43 (datasheet, "Control Word
 *  Format" and "Read-Back Command"). @{ */
#define PIT_CW_SC_SHIFT		6	/**< bits 7:6 select counter, 3: read-back */
#define PIT_CW_RW_SHIFT		4	/**< bits 5:4 read/write, 0: counter latch */
#define PIT_CW_MODE_SHIFT	1	/**< bits 3:1 mode; 6 and 7 are 2 and 3 */
#define PIT_CW_BCD		0x01	/**< bit 0: BCD counting */
#define PIT_RB_NO_COUNT		0x20	/**< read-back bit 5 = 0: latch the counts */
#define PIT_RB_NO_STATUS	0x10	/**< read-back bit 4 = 0: latch the statuses */
#define PIT_RB_CHANNEL(n)	(2 << (n))	/**< read-back bits 3:1: counters 2..0 */
/** @} */

/** Status byte bits (datasheet, "Status Byte"). @{ */
#define PIT_STATUS_OUT		0x80	/**< bit 7: the OUT pin */
#define PIT_STATUS_NULL_COUNT	0x40	/**< bit 6: not modelled (KVM neither) */
/** @} */

/** Read/write states: which byte an access hits next.  The values of
 *  RW bits 5:4, plus one for the second byte of a 16-bit access, as
 *  KVM's kvm_pit_channel_state stores them (Linux: RW_STATE_*). @{ */
#define RW_STATE_LSB		1	/**< least significant byte only */
#define RW_STATE_MSB		2	/**< most significant byte only */
#define RW_STATE_WORD0		3	/**< LSB then MSB: the LSB comes next */
#define RW_STATE_WORD1		4	/**< LSB then MSB: the MSB comes next */
/** @} */

/** KVM's floor on a periodic channel-0 timer (module parameter
 *  min_timer_period_us, 200 by default): a guest cannot make the host
 *  take an hrtimer interrupt more often than this. */
#define KVM_PIT_MIN_PERIOD_NS	200000ll

/**
 * The three counters, as KVM_CREATE_PIT2 creates them.  Linux: struct
 * kvm_kpit_state in arch/x86/kvm/i8254.h.
 *
 * @c channels and @c flags are exactly KVM's KVM_GET_PIT2 / KVM_SET_PIT2
 * layout (struct kvm_pit_state2), so saving is a copy.  A channel's
 * @c count is the loaded initial count (1-0x10000: a written 0 means
 * 65536), @c count_load_time the @c now of that load.
 *
 * Counter 0 is the one that interrupts (GSI 0): as in KVM, its time base
 * is its timer rather than @c count_load_time, the remaining fields.  The
 * glue arms an hrtimer from them whenever @c timer_changed is set.
 */
struct kvm_kpit_state {
	struct kvm_pit_channel_state channels[PIT_NUM_CHANNELS]; /**< KVM's ABI */
	u32 flags;		/**< KVM_PIT_FLAGS_HPET_LEGACY, _SPEAKER_DATA_ON */
	/** Counter 0's timer: armed in modes 0, 1, 4 (one shot) and 2, 3
	 *  (periodic).  Linux: kvm_kpit_state.period, .is_periodic and the
	 *  hrtimer's expiry. @{ */
	s64 period;		/**< ns between interrupts; 0: never armed */
	bool is_periodic;	/**< re-arms every @c period */
	bool timer_armed;	/**< an interrupt is due at pit_timer_expiry() */
	s64 timer_start;	/**< @c now when counting started */
	/** @} */
	/** Set when counter 0 was (re)loaded or stopped: the glue must cancel
	 *  its timer and arm it again from the fields above, then clear this. */
	bool timer_changed;
};

void pit_init(struct kvm_kpit_state *ps, s64 now);
void pit_reset(struct kvm_kpit_state *ps, s64 now);
int pit_get_count(const struct kvm_kpit_state *ps, s64 now, int channel);
int pit_get_out(const struct kvm_kpit_state *ps, s64 now, int channel);
s64 pit_timer_expiry(const struct kvm_kpit_state *ps, s64 now);
int pit_ioport_read(struct kvm_kpit_state *ps, s64 now, u16 port, int len, void *val);
int pit_ioport_write(struct kvm_kpit_state *ps, s64 now, u16 port, int len,
		     const void *val);
int pit_speaker_read(struct kvm_kpit_state *ps, s64 now, u16 port, int len, void *val);
int pit_speaker_write(struct kvm_kpit_state *ps, s64 now, u16 port, int len,
		      const void *val);
void pit_get_state(const struct kvm_kpit_state *ps, struct kvm_pit_state2 *state);
void pit_set_state(struct kvm_kpit_state *ps, s64 now, const struct kvm_pit_state2 *state);
void pit_set_channels(struct kvm_kpit_state *ps, s64 now, const struct kvm_pit_state *state);

#endif
