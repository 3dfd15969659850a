# SPDX-License-Identifier: GPL-2.0
# apic-timer-oneshot: the local APIC timer's one-shot mode (final/guests/
# apic-timer-oneshot.S, Intel SDM Vol. 3A, 11.5.4): one interrupt and no
# second, the current count at 0 after it; masked, the count runs down
# without an interrupt; a write of 0 stops the timer; divide by 2 takes
# twice as long (within 20 %).  The TSC cycles measured go to minivmm's
# "notes" line, printed here, and are not compared.
# since: 04-apic-pit
. /lab/scenarios/lib.sh
vmm --timeout 30 "$GUESTS/apic-timer-oneshot.bin"
echo "$OUT" | sed -n 's/^minivmm: vCPU 0 notes \([0-9]*\) \([0-9]*\) .*/TSC cycles: divide by 1 \1, divide by 2 \2/p'
OUT=$(echo "$OUT" | grep -v '^minivmm: vCPU 0 notes ')
expect_out "one-shot deliveries: 00000001
current count after it: 00000000
deliveries two periods later: 00000001
masked: the current count falls: 00000001
masked: current count at the end: 00000000
masked: deliveries: 00000001
stopped: current count: 00000000
stopped: deliveries: 00000001
divide configuration: 00000000
divide by 2: deliveries: 00000002
divide by 2 takes 2 x as long (+-20 %): 00000001"
expect_status 65 "EXIT_PASS"
