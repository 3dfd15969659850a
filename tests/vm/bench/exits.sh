# SPDX-License-Identifier: GPL-2.0
# exits: the cost of one exit round trip, in nanoseconds of the emulated
# machine, measured by final/guests/bench.S (see there):
#   cpuid-exit   CPUID, handled in the kernel: exit + handler + entry
#   pio-exit     OUT to a port no device owns: exit, back to minivmm,
#                KVM_RUN again, entry
# Best of three runs.  Prints "BENCH name value unit" lines; the lab puts
# minikvm's next to the real KVM's from the same boot, as a ratio.
. /lab/scenarios/lib.sh
loops=5000	# BENCH_LOOPS in final/guests/guest.h
best_cpuid= best_pio=
for run in 1 2 3; do
	vmm "$GUESTS/bench.bin"
	expect_status 67 "bench guest"
	m1=$(sed -n 's/^minivmm: mark 1 +\([0-9]*\) ns$/\1/p' /tmp/vmm.err)
	m2=$(sed -n 's/^minivmm: mark 2 +\([0-9]*\) ns$/\1/p' /tmp/vmm.err)
	[ -n "$m1" ] && [ -n "$m2" ] || fail "minivmm printed no marks"
	cpuid=$((m1 / loops)) pio=$(((m2 - m1) / loops))
	[ -z "$best_cpuid" ] || [ "$cpuid" -lt "$best_cpuid" ] && best_cpuid=$cpuid
	[ -z "$best_pio" ] || [ "$pio" -lt "$best_pio" ] && best_pio=$pio
done
echo "BENCH cpuid-exit $best_cpuid ns"
echo "BENCH pio-exit $best_pio ns"
