# SPDX-License-Identifier: GPL-2.0
# apic-timer-periodic: the local APIC timer's periodic mode (final/guests/
# apic-timer-periodic.S, Intel SDM Vol. 3A, 11.5.4): a one-shot measures
# 20 periods in TSC cycles, then the periodic timer with a twentieth of it
# gives 20 interrupts in 20 periods (16..24 accepted), the current count
# reloads, and a write of 0 stops it.  The period and the tick count go
# to minivmm's "notes" line, printed here, and are not compared.
# since: 04-apic-pit
. /lab/scenarios/lib.sh
vmm --timeout 30 "$GUESTS/apic-timer-periodic.bin"
echo "$OUT" | sed -n 's/^minivmm: vCPU 0 notes \([0-9]*\) \([0-9]*\) .*/20 periods: \1 TSC cycles; ticks in 20 periods: \2/p'
OUT=$(echo "$OUT" | grep -v '^minivmm: vCPU 0 notes ')
expect_out "one-shot deliveries: 00000001
LVT timer, periodic: 00020040
ticks in 20 periods within 16..24: 00000001
current count after 20 periods is not 0: 00000001
ticks in 3 periods after stopping: 00000000
current count after stopping: 00000000"
expect_status 65 "EXIT_PASS"
