# SPDX-License-Identifier: GPL-2.0
# halt-timer: a vCPU halted with STI; HLT and woken by its own local APIC
# timer, half a second later (final/guests/halt-timer.S).  With the APIC
# in the kernel the halted vCPU sleeps in the kernel until the timer
# fires; minivmm reports the CPU time its vCPU thread used from the
# guest's CTL_CPU_MARK to its CTL_CPU_REPORT: more than 5 % fails, and so
# does a halt shorter than 200 ms (a timer that fired at once would prove
# nothing).
# since: 04-apic-pit
. /lab/scenarios/lib.sh
vmm --timeout 30 "$GUESTS/halt-timer.bin"
expect_status 65 "EXIT_PASS"
line=$(echo "$OUT" | grep '^minivmm: vCPU 0 used ')
OUT=$(echo "$OUT" | grep -v '^minivmm: vCPU 0 used ')
expect_out "minivmm: vCPU 0: CPU mark
woken by the timer, deliveries: 00000001
vector: 00000040"
pct=$(echo "$line" | sed -n 's/.*(\([0-9]*\)\.[0-9] %)$/\1/p')
ms=$(echo "$line" | sed -n 's/.* in \([0-9]*\) ms .*/\1/p')
[ -n "$pct" ] && [ -n "$ms" ] || fail "no CPU time reported: $line"
echo "vCPU thread CPU during the halt: $pct % of $ms ms"
[ "$ms" -ge 200 ] || fail "the halt lasted only $ms ms: $line"
[ "$pct" -lt 5 ] || fail "the halted vCPU thread used $pct % of a CPU: $line"
