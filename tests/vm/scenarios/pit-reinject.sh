# SPDX-License-Identifier: GPL-2.0
# pit-reinject: the lost-tick policy (final/guests/pit-reinject.S).  PIT
# counter 0 runs at 50 Hz while the guest spends 400 ms with interrupts
# off and then 400 ms with them on.  By default (reinject) KVM keeps the
# ~20 ticks the guest could not take and delivers them one per EOI: about
# 40 in all.  With KVM_REINJECT_CONTROL pit_reinject = 0 each tick is a
# plain pulse and the missed ones merge into one PIC request: about 21.
# Emulation makes the counts vary, so the runs are not traced for the
# differential oracle and the counts are checked against ranges:
# reinject at least 33, pulses at most 28 (the two differ by ~19).
# since: 04-apic-pit
. /lab/scenarios/lib.sh

# untraced ARGS...: vmm without --trace (the output holds a count).
untraced() {
	local saved=${TRACE_DIR:-}
	TRACE_DIR=
	vmm "$@"
	TRACE_DIR=$saved
}

# ticks: the number after "ticks: " in the guest's output.
ticks() { echo "$OUT" | sed -n 's/^ticks: \([0-9]*\)$/\1/p'; }

untraced --timeout 60 --in-data r "$GUESTS/pit-reinject.bin"
expect_status 65 "EXIT_PASS, reinject"
n=$(ticks)
[ -n "$n" ] || fail "reinject: no tick count in the output"
echo "reinject: $n ticks"
echo "$OUT" | grep -qx "ticks taken with IF=0: 00000000" || fail "reinject: ticks taken with IF=0"
[ "$n" -ge 33 ] || fail "reinject: $n ticks, expected at least 33 (missed ticks not reinjected)"
[ "$n" -le 50 ] || fail "reinject: $n ticks, expected at most 50"

untraced --timeout 60 --in-data p "$GUESTS/pit-reinject.bin"
expect_status 65 "EXIT_PASS, pit_reinject=0"
echo "$OUT" | grep -qx "minivmm: KVM_REINJECT_CONTROL pit_reinject=0" || fail "no KVM_REINJECT_CONTROL"
m=$(ticks)
[ -n "$m" ] || fail "pit_reinject=0: no tick count in the output"
echo "pit_reinject=0: $m ticks"
[ "$m" -ge 10 ] || fail "pit_reinject=0: $m ticks, expected at least 10"
[ "$m" -le 28 ] || fail "pit_reinject=0: $m ticks, expected at most 28 (ticks reinjected)"
