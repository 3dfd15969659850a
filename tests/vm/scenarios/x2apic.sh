# SPDX-License-Identifier: GPL-2.0
# x2apic: the local APIC in x2APIC mode, two vCPUs (minivmm --smp 2,
# final/guests/x2apic.S; Intel SDM Vol. 3A, 11.12): CPUID.1:ECX[21],
# x2APIC MSRs a #GP in xAPIC mode, IA32_APIC_BASE.EXTD, the 32-bit ID and
# the LDR derived from it on both vCPUs, the version, no DFR, SVR/TPR/PPR
# by MSR, the 64-bit ICR (a self IPI through IRR -> ISR -> EOI by MSR, and
# an IPI to x2APIC ID 1), the SELF IPI register, #GP on writes to
# read-only registers, on reserved ICR bits, on a non-zero ESR and on bits 63:32, the xAPIC page
# in x2APIC mode as KVM's LAPIC_MMIO_HOLE quirk shows it (all ones, stores
# ignored, no fault), and the IA32_APIC_BASE transitions: x2APIC to xAPIC
# is a #GP, x2APIC -> disabled -> xAPIC works.
# since: 04-apic-pit
. /lab/scenarios/lib.sh
vmm --smp 2 --timeout 30 "$GUESTS/x2apic.bin"
expect_out "CPUID.1:ECX x2APIC bit: 00200000
IA32_APIC_BASE, xAPIC: fee00900
GP on RDMSR 0x802 in xAPIC mode: 00000001
IA32_APIC_BASE, x2APIC: fee00d00
BSP ID: 00000000
BSP LDR: 00000001
AP ID: 00000001
AP LDR: 00000002
version: 00050014
GP on RDMSR DFR (0x80e): 00000001
SVR: 000001ff
TPR after writing 0x50: 00000050
PPR, none in service: 00000050
IRR[0x81] after the ICR write, IF=0: 00000002
ICR bits 63:32: 00000000
ICR bits 31:0: 00004081
ICR self IPI deliveries: 00000001
ISR[0x81] in the handler: 00000002
TMR[0x81] in the handler: 00000000
PPR in the handler: 00000080
ISR[0x81] after the EOI: 00000000
IRR[0x82] after SELF IPI, IF=0: 00000004
SELF IPI deliveries: 00000001
GP on RDMSR SELF IPI: 00000001
GP on SELF IPI with bit 8: 00000001
SELF IPI deliveries after it: 00000001
IPI to ID 1 deliveries: 00000001
IPI to ID 1 taken by ID: 00000001
GP on WRMSR ICR, bit 20: 00000001
GP on WRMSR ICR, bit 13: 00000001
GP on WRMSR ID: 00000001
GP on WRMSR version: 00000001
GP on WRMSR LDR: 00000001
GP on WRMSR PPR: 00000001
GP on WRMSR ESR 0: 00000000
GP on WRMSR ESR 1: 00000001
GP on WRMSR TPR, bit 32: 00000001
BSP ID after them: 00000000
TPR after them: 00000000
xAPIC page version load: ffffffff
xAPIC page TPR load: ffffffff
TPR after an xAPIC page store of 0x70: 00000000
GP on the xAPIC page: 00000000
GP on x2APIC to xAPIC: 00000001
GP on EN=0 EXTD=1: 00000001
IA32_APIC_BASE still: fee00d00
GP on x2APIC to disabled: 00000000
GP on disabled to x2APIC: 00000001
GP on disabled to xAPIC: 00000000
IA32_APIC_BASE, xAPIC again: fee00900
xAPIC page version load: 00050014
xAPIC page ID load: 00000000
GP on RDMSR 0x802 in xAPIC mode: 00000001"
expect_status 65 "EXIT_PASS"
