// SPDX-License-Identifier: GPL-2.0
/* kvm-clock's arithmetic (final/include/minikvm/pvclock.h): the slope
 * kvm_get_time_scale() picks for a TSC frequency, used the way the guest
 * uses it (pvclock_scale_delta()), must turn TSC cycles into nanoseconds
 * as exact arithmetic does (cycles * 10^9 / hz, in 128 bits), to within
 * the rounding of a 32-bit fraction: under 1 ns per second of cycles,
 * plus 1 for the truncations. */
#include <criterion/criterion.h>

#include <minikvm/pvclock.h>

#define NSEC_PER_SEC	1000000000ull

/* Exact nanoseconds of @cycles at @hz. */
static u64 exact_ns(u64 cycles, u64 hz)
{
	return (u64)((unsigned __int128)cycles * NSEC_PER_SEC / hz);
}

static void check_hz(u64 hz)
{
	s8 shift;
	u32 mul;
	/* 1 ms, 1 s, one hour, ten days of cycles. */
	static const u64 secs_x1000[] = { 1, 1000, 3600000, 864000000 };

	kvm_get_time_scale(NSEC_PER_SEC, hz, &shift, &mul);
	/* The fraction uses its top bit: at least 1/2, below 1. */
	cr_assert_geq(mul, 1u << 31, "%llu Hz: mul 0x%x has not its top bit", (unsigned long long)hz, mul);
	for (unsigned i = 0; i < sizeof(secs_x1000) / sizeof(secs_x1000[0]); i++) {
		u64 cycles = (u64)((unsigned __int128)hz * secs_x1000[i] / 1000);
		u64 want = exact_ns(cycles, hz);
		u64 got = pvclock_scale_delta(cycles, mul, shift);
		u64 err = got > want ? got - want : want - got;
		u64 allowed = secs_x1000[i] / 1000 + 2;

		cr_assert_leq(err, allowed, "%llu Hz, shift %d mul 0x%x: %llu cycles -> %llu ns, exact %llu",
			      (unsigned long long)hz, shift, mul, (unsigned long long)cycles,
			      (unsigned long long)got, (unsigned long long)want);
	}
}

Test(pvclock, slopes_of_common_tsc_rates)
{
	/* 100 MHz (an emulator's), 1 GHz exactly, 1.5, 2.4, 3.0, 3.7 GHz, 5.2 GHz. */
	static const u64 rates[] = { 100000000ull, 1000000000ull, 1500000000ull,
				     2400000000ull, 3000000000ull, 3700000000ull, 5200000000ull };

	for (unsigned i = 0; i < sizeof(rates) / sizeof(rates[0]); i++)
		check_hz(rates[i]);
}

Test(pvclock, slopes_of_odd_rates)
{
	/* Rates with low bits set lose one to the shift's truncation. */
	for (u64 hz = 1000003ull; hz < 8000000000ull; hz = hz * 3 + 12345)
		check_hz(hz);
}

Test(pvclock, worked_examples)
{
	s8 shift;
	u32 mul;

	/* The header's two examples. */
	kvm_get_time_scale(NSEC_PER_SEC, 3000000000ull, &shift, &mul);
	cr_assert_eq(shift, -1);
	cr_assert_eq(mul, 0xaaaaaaaa);		/* 2^32 * 2/3 */
	kvm_get_time_scale(NSEC_PER_SEC, 100000000ull, &shift, &mul);
	cr_assert_eq(shift, 4);
	cr_assert_eq(mul, 0xa0000000);		/* 2^32 * 10/16 */
	/* 1 GHz: one cycle is one ns; the fraction is 1/2 after a shift of 1. */
	kvm_get_time_scale(NSEC_PER_SEC, NSEC_PER_SEC, &shift, &mul);
	cr_assert_eq(shift, 1);
	cr_assert_eq(mul, 0x80000000);
	cr_assert_eq(pvclock_scale_delta(123456789, mul, shift), 123456789);
}

/* A rate of 0 (no TSC rate known) ends, with a clock that stands still;
 * the loop that doubles the rate would never end (KVM's hang,
 * docs/reliability.md).  The timeout turns such a hang into a failure. */
Test(pvclock, zero_rate_ends, .timeout = 10)
{
	s8 shift = 7;
	u32 mul = 7;

	kvm_get_time_scale(NSEC_PER_SEC, 0, &shift, &mul);
	cr_assert_eq(mul, 0);
	cr_assert_eq(pvclock_scale_delta(123456789, mul, shift), 0);
}
