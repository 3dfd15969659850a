# SPDX-License-Identifier: GPL-2.0
# msi: message-signalled interrupts into the local APIC (final/guests/msi.S):
# KVM_SIGNAL_MSI to a physical and a logical destination (the ioctl's
# value is the number of APICs that took it), to an APIC ID no vCPU has
# (0), with an unknown flag (EINVAL); a GSI routed to an MSI with
# KVM_SET_GSI_ROUTING, raised by KVM_IRQ_LINE and then by an irqfd - the
# path a virtio-pci device's interrupts take with kvmtool or QEMU; and
# the routes KVM refuses (an unknown flag on an MSI entry, an MSI entry
# next to an IOAPIC pin on one GSI), after which the last table stands.
# since: final
. /lab/scenarios/lib.sh
vmm "$GUESTS/msi.bin"
expect_out "KVM_SIGNAL_MSI
minivmm: KVM_SIGNAL_MSI address 0xfee00000 data 0x41 flags 0x0: 1
to APIC 0, vector 0x41: APICs that took it 00000001
vector 0x41 taken 00000001
minivmm: KVM_SIGNAL_MSI address 0xfee01004 data 0x43 flags 0x0: 1
to logical 1, vector 0x43: APICs that took it 00000001
vector 0x43 taken 00000001
minivmm: KVM_SIGNAL_MSI address 0xfee05000 data 0x41 flags 0x0: 0
to APIC 5, which is not there: APICs that took it 00000000
minivmm: KVM_SIGNAL_MSI address 0xfee00000 data 0x41 flags 0x2: -1, Invalid argument
unknown flag: ffffffea
vector 0x41 taken 00000001
GSI 23 routed to an MSI
minivmm: KVM_SET_GSI_ROUTING gsi 23 -> MSI 0xfee00000 data 0x42: ok
route: 00000000
KVM_IRQ_LINE: vector 0x42 taken 00000001
minivmm: KVM_IRQFD gsi 23 flags 0x0 (eventfd 0): ok
minivmm: eventfd 0 written
irqfd: vector 0x42 taken 00000002
routes refused
minivmm: KVM_SET_GSI_ROUTING gsi 23 -> MSI 0xfee00000 data 0x42: Invalid argument
an unknown flag: ffffffea
minivmm: KVM_SET_GSI_ROUTING gsi 23 -> MSI 0xfee00000 data 0x42 (and its IOAPIC pin): Invalid argument
an MSI and an IOAPIC pin on one GSI: ffffffea
minivmm: eventfd 0 written
irqfd: vector 0x42 taken 00000003"
expect_status 65 "EXIT_PASS"
