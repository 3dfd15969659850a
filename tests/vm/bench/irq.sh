# SPDX-License-Identifier: GPL-2.0
# irq: the interrupt round trip, in nanoseconds of the emulated machine,
# measured by final/guests/bench-irq.S (see there): the guest asks
# minivmm for an edge on GSI 5 (an exit to userspace and KVM_IRQ_LINE),
# halts, is woken and injected the interrupt, and its handler's EOI goes
# to the in-kernel PIC.  Best of three runs of BENCH_LOOPS round trips.
# Prints a "BENCH name value unit" line.
# since: 03-irq
. /lab/scenarios/lib.sh
loops=5000	# BENCH_LOOPS in final/guests/guest.h
best=
for run in 1 2 3; do
	vmm "$GUESTS/bench-irq.bin"
	expect_status 67 "bench-irq guest (status 3: an interrupt was lost)"
	m1=$(sed -n 's/^minivmm: mark 1 +\([0-9]*\) ns$/\1/p' /tmp/vmm.err)
	[ -n "$m1" ] || fail "minivmm printed no mark 1"
	ns=$((m1 / loops))
	[ -z "$best" ] || [ "$ns" -lt "$best" ] && best=$ns
done
echo "BENCH irq-round-trip $best ns"
