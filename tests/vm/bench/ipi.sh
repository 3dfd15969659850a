# SPDX-License-Identifier: GPL-2.0
# ipi: the interprocessor-interrupt round trip between two vCPUs
# (minivmm --smp 2), in nanoseconds of the emulated machine, measured by
# final/guests/bench-ipi.S (see there): vCPU 0 sends a fixed IPI to
# vCPU 1 and halts; vCPU 1 wakes, its handler EOIs and sends one back;
# vCPU 0 wakes and takes it.  Best of three runs of BENCH_LOOPS round
# trips.  Prints a "BENCH name value unit" line.
# since: 04-apic-pit
. /lab/scenarios/lib.sh
loops=5000	# BENCH_LOOPS in final/guests/guest.h
best=
for run in 1 2 3; do
	vmm --smp 2 --timeout 120 "$GUESTS/bench-ipi.bin"
	expect_status 65 "bench-ipi guest (status 127: an IPI was lost or came twice)"
	m1=$(sed -n 's/^minivmm: mark 1 +\([0-9]*\) ns$/\1/p' /tmp/vmm.err)
	[ -n "$m1" ] || fail "minivmm printed no mark 1"
	ns=$((m1 / loops))
	[ -z "$best" ] || [ "$ns" -lt "$best" ] && best=$ns
done
echo "BENCH ipi-round-trip $best ns"
