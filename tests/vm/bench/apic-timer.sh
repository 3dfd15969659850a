# SPDX-License-Identifier: GPL-2.0
# apic-timer: the local APIC timer's latency, in nanoseconds of the
# emulated machine, measured by final/guests/bench-apic-timer.S (see
# there): BENCH_LOOPS one-shots of 1000 bus cycles (1 us at KVM's 1 GHz
# APIC bus), each from the write of the initial count, through HLT and
# the host timer's expiry, to the guest's handler; the programmed 1 us
# included.  The guest sums those intervals in TSC cycles and notes the
# sum and the TSC cycles between marks 0 and 1 (CTL_NOTE: sum low, high,
# total low, high); mark 1 converts them to ns.  Best of three runs.
# Prints a "BENCH name value unit" line.
# since: 04-apic-pit
. /lab/scenarios/lib.sh
loops=5000	# BENCH_LOOPS in final/guests/guest.h
best=
for run in 1 2 3; do
	vmm --timeout 120 "$GUESTS/bench-apic-timer.bin"
	expect_status 65 "bench-apic-timer guest (status 127: a one-shot was lost or came twice)"
	m1=$(sed -n 's/^minivmm: mark 1 +\([0-9]*\) ns$/\1/p' /tmp/vmm.err)
	[ -n "$m1" ] || fail "minivmm printed no mark 1"
	note=$(sed -n 's/^minivmm: vCPU 0 notes //p' /tmp/vmm.out)
	[ -n "$note" ] || fail "the guest noted no TSC counts"
	# 64-bit products do not fit the shell's arithmetic: awk's doubles.
	ns=$(echo "$note" | awk -v m1="$m1" -v loops="$loops" '{
		sum = $2 * 4294967296 + $1; total = $4 * 4294967296 + $3
		if (total > 0) printf "%d", m1 * sum / total / loops }')
	[ -n "$ns" ] || fail "no TSC total in '$note'"
	[ -z "$best" ] || [ "$ns" -lt "$best" ] && best=$ns
done
echo "BENCH apic-timer-latency $best ns"
