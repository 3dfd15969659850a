/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvm-clock's arithmetic: the guest's clock is a line through one point,
 * (tsc_timestamp, system_time), with a slope of tsc_to_system_mul and
 * tsc_shift.  The hypervisor writes the point and the slope into guest
 * memory (struct pvclock_vcpu_time_info, <asm/pvclock-abi.h>); the guest
 * reads the TSC and computes
 *
 *	ns = system_time + pvclock_scale_delta(tsc - tsc_timestamp, mul, shift)
 *
 * without an exit.  Plain logic, compiled into the module and into the
 * unit tests (tests/unit/test_pvclock.c).
 *
 * Documentation: Linux's Documentation/virt/kvm/x86/msr.rst,
 * MSR_KVM_SYSTEM_TIME_NEW.  Linux: kvm_get_time_scale() in
 * arch/x86/kvm/x86.c, pvclock_scale_delta() in asm/pvclock.h.
 */
#ifndef MINIKVM_PVCLOCK_H
#define MINIKVM_PVCLOCK_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <minikvm/portable.h>
#endif

/**
 * pvclock_scale_delta - @delta TSC cycles in nanoseconds: shifted left by
 * @shift (right when negative), then multiplied by @mul / 2^32, with the
 * 96-bit product's top 64 bits kept - exactly what the guest computes.
 * Linux: pvclock_scale_delta().
 */
static inline u64 pvclock_scale_delta(u64 delta, u32 mul, s8 shift)
{
	if (shift < 0)
		delta >>= -shift;
	else
		delta <<= shift;
	return (u64)(((unsigned __int128)delta * mul) >> 32);
}

/**
 * kvm_get_time_scale - the slope for a clock of @base_hz ticks (TSC) read
 * as one of @scaled_hz (nanoseconds: 10^9): @shift and a 32-bit @mul with
 * scaled = ((ticks << shift) * mul) >> 32.
 *
 * mul is a fraction 0.mul < 1, so ticks are shifted until one tick is
 * worth less than one scaled unit but more than half of one: then mul =
 * 2^32 * scaled_hz / (base_hz << shift) uses all 32 bits.  A 3 GHz TSC
 * gives shift -1 and mul = 2^32 * 2/3; a 100 MHz TSC shift 4 and
 * 2^32 * 10/16.  Linux: kvm_get_time_scale().
 */
static inline void kvm_get_time_scale(u64 scaled_hz, u64 base_hz, s8 *shift, u32 *mul)
{
	u64 tps64 = base_hz;	/* ticks per second, after the shift */
	s8 s = 0;

	/* A clock of 0 Hz has no slope, and doubling 0 never passes
	 * scaled_hz: KVM's loop spins for good there when TSC scaling rounds
	 * a guest's rate down to 0 (docs/reliability.md).  Time stands still
	 * instead. */
	if (!base_hz) {
		*shift = 0;
		*mul = 0;
		return;
	}

	/* Too fast: one shifted tick must be at least half a scaled unit. */
	while (tps64 > scaled_hz * 2) {
		tps64 >>= 1;
		s--;
	}
	/* Too slow: at most one scaled unit per shifted tick. */
	while (tps64 <= scaled_hz) {
		tps64 <<= 1;
		s++;
	}
	*shift = s;
	/* scaled_hz < 2^32 (10^9 here): the dividend fits 64 bits. */
	*mul = (u32)((scaled_hz << 32) / tps64);
}

#endif /* MINIKVM_PVCLOCK_H */
