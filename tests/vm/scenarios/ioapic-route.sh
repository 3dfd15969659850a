# SPDX-License-Identifier: GPL-2.0
# ioapic-route: the IOAPIC's redirection table, edge-triggered, in a
# 32-bit guest (final/guests/ioapic-route.S) with both PICs masked: GSI
# 10 to vector 0x40 and APIC ID 0 arrives; masked it does not, and the
# edge is not latched for the unmask; the vector is the entry's (GSI 11
# -> 0x41); an entry aimed at APIC ID 1, which no vCPU has, goes nowhere;
# GSI 17, above the PICs' lines, arrives.  On the real KVM the guest
# enables its in-kernel local APIC (software-disabled at reset, it drops
# fixed interrupts) and EOIs it; minikvm's chapter 03 has no local APIC,
# so its APIC page is MMIO that minivmm reports: those report lines are
# left out of the comparison.
# since: 03-irq
# exercise: 03.3
. /lab/scenarios/lib.sh
vmm "$GUESTS/ioapic-route.bin"
OUT=$(echo "$OUT" | grep -v '^minivmm: mmio .* at 0xfee00')
expect_out "ioapic version: 00170011
GSI 10 -> vector 0x40: 00000001
masked, pulsed: 00000001
unmasked again: 00000001
pulsed again: 00000002
redir[10] low: 00000040
GSI 11 -> vector 0x41: 00000001
GSI 12 to APIC ID 1: 00000000
GSI 12 to APIC ID 0: 00000001
GSI 17 -> vector 0x43: 00000001"
expect_status 65 "EXIT_PASS"
