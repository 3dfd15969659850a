# SPDX-License-Identifier: GPL-2.0
# apic-ipi: interprocessor interrupts between two vCPUs (minivmm --smp 2,
# final/guests/apic-ipi.S; Intel SDM Vol. 3A, 11.6): a fixed IPI to APIC
# ID 1, a self IPI, all-excluding-self, logical flat destinations 0x02
# (the AP) and 0x03 (both), and an NMI IPI; each counted per CPU by the
# receiving handler.
# since: 04-apic-pit
# exercise: 04.1 04.2
. /lab/scenarios/lib.sh
vmm --smp 2 --timeout 30 "$GUESTS/apic-ipi.bin"
expect_out "fixed to APIC ID 1: AP: 00000001
fixed to APIC ID 1: BSP: 00000000
self: BSP: 00000001
self: AP: 00000000
all but self: AP: 00000001
all but self: BSP: 00000000
logical 0x02: AP: 00000001
logical 0x02: BSP: 00000000
logical 0x03: AP: 00000001
logical 0x03: BSP: 00000001
NMI to APIC ID 1: AP: 00000001
NMI to APIC ID 1: BSP: 00000000"
expect_status 65 "EXIT_PASS"
