# SPDX-License-Identifier: GPL-2.0
# hlt-wakeup: with the irqchip in the kernel, a guest's STI; HLT sleeps in
# the kernel instead of exiting to userspace (final/guests/hlt-wakeup.S, a
# long-mode guest: the interrupt comes through its 64-bit IDT, idt64.S).
# Another minivmm thread raises IRQ 3 one second later (CTL_IRQ_LATER);
# KVM_IRQ_LINE wakes the vCPU and the interrupt arrives.  That thread
# prints the CPU time the vCPU thread used during the second (its
# thread CPU clock, as getrusage(RUSAGE_THREAD) counts it): a vCPU that
# really sleeps uses next to nothing; more than 5 % fails.
# since: 03-irq
. /lab/scenarios/lib.sh
t0=$(uptime_ms)
vmm --timeout 30 "$GUESTS/hlt-wakeup.bin"
t1=$(uptime_ms)
expect_status 65 "EXIT_PASS"
guest=$(echo "$OUT" | grep -v '^minivmm: during')
[ "$guest" = "minivmm: GSI 3 will be raised in 1000 ms from another thread
raise later: 00000000
halting
minivmm: raising GSI 3 from another thread
woken by IRQ 3, deliveries: 00000001
vector: 00000023" ] || fail "unexpected output: $(echo "$OUT" | tr '\n' '|')"
line=$(echo "$OUT" | grep '^minivmm: during')
pct=$(echo "$line" | sed -n 's/.*(\([0-9]*\)\.[0-9] %)$/\1/p')
[ -n "$pct" ] || fail "no CPU time reported: $line"
echo "vCPU thread CPU during the halt: $pct % (run took $((t1 - t0)) ms)"
[ "$pct" -lt 5 ] || fail "the halted vCPU thread used $pct % of a CPU: $line"
