# SPDX-License-Identifier: GPL-2.0
# pit-ioapic: PIT counter 0 -> GSI 0 -> IOAPIC pin 0 -> the local APIC,
# in a 32-bit guest (final/guests/pit-ioapic.S), the other half of
# pit-irq.  minivmm installs no routing table, so KVM's default one holds:
# GSI 0 drives the 8259's IRQ 0 (masked here) and IOAPIC pin 0 (not pin
# 2, the ISA override that QEMU's own table applies).  Entry 0 sends
# vector 0x40 to APIC ID 0, edge; the guest's EOI to the local APIC is
# the acknowledgement KVM's default reinject policy waits for before the
# next tick.  Checked: HLT is woken, 4 ticks take at least 4 periods and
# come on 0x40 (none on the 8259's 0x20 nor on pin 2's 0x42); a masked
# entry 0 gets nothing and ticks again once unmasked (the PIT's mask
# notifier); ticks missed with IF=0 come afterwards one per EOI: without
# an EOI the next one is not even in the local APIC's IRR.
# since: 04-apic-pit
. /lab/scenarios/lib.sh
# 30 s, under the lab's 60 s per scenario: a guest left waiting for a tick
# (no ack, no route) ends as a minivmm timeout, not a killed scenario.
vmm --timeout 30 "$GUESTS/pit-ioapic.bin"
expect_out "4 ticks took at least 4 periods: 00000001
vector of the ticks: 00000040
ticks on the 8259's vector 0x20: 00000000
ticks on IOAPIC pin 2's vector 0x42: 00000000
ticks while entry 0 is masked: 00000000
ticks after unmasking: 00000001
ticks taken with IF=0: 00000000
no EOI: ticks taken: 00000001
no EOI: ISR[0x40]: 00000001
no EOI: IRR[0x40]: 00000000
one EOI, IF=0: ISR[0x40]: 00000000
one EOI, IF=0: IRR[0x40]: 00000001
missed ticks taken afterwards, at least 4: 00000001
ticks on the 8259's vector 0x20 at the end: 00000000"
expect_status 65 "EXIT_PASS"
