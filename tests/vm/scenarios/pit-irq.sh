# SPDX-License-Identifier: GPL-2.0
# pit-irq: PIT counter 0 -> GSI 0 -> the master 8259's IRQ 0, in a 32-bit
# guest (final/guests/pit-irq.S), with KVM's default reinject policy:
# mode 2 at 200 Hz wakes HLT and 4 ticks take 4 periods (counter 2 as the
# stopwatch), mode 3 ticks, modes 0, 1 and 4 tick once and mode 5 never,
# a masked IRQ 0 gets nothing and ticks again once unmasked, and with
# automatic EOI the INTA is the acknowledgement that lets the next tick
# go.  The PIT -> IOAPIC -> LAPIC half is pit-ioapic.
# since: 04-apic-pit
. /lab/scenarios/lib.sh
vmm --timeout 60 "$GUESTS/pit-irq.bin"
expect_out "4 ticks within 54.9 ms (in one of three tries): 00000000
4 ticks took at least 4 periods: 00000001
vector of IRQ 0: 00000020
mode 3 at 200 Hz ticks: 00000001
mode 0 ticks once: 00000001
mode 1 ticks once: 00000001
mode 4 ticks once: 00000001
mode 5 ticks in 40 ms: 00000000
ticks while IRQ 0 is masked: 00000000
ticks after unmasking: 00000001
AEOI: ticks keep coming: 00000001"
expect_status 65 "EXIT_PASS"
