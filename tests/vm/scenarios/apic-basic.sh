# SPDX-License-Identifier: GPL-2.0
# apic-basic: the local APIC's registers in the xAPIC page, one vCPU
# (final/guests/apic-basic.S): the reset values KVM gives the BSP's APIC
# (LINT0 as ExtINT, everything else masked, SVR 0xff), LVT masking while
# software-disabled and on disabling, the writable bits of TPR, LDR and
# DFR, PPR against TPR and the class in service (Intel SDM Vol. 3A,
# 11.8.3.1), IRR -> ISR -> EOI of a self IPI, and the ESR after a self
# IPI with an illegal vector (the real KVM drops it and records no error).
# TPR sub-classes are 0: kvm-amd keeps only TPR[7:4] (see the guest).
# since: 04-apic-pit
. /lab/scenarios/lib.sh
vmm --timeout 30 "$GUESTS/apic-basic.bin"
expect_out "IA32_APIC_BASE: fee00900
ID: 00000000
version: 00050014
SVR at reset: 000000ff
DFR at reset: ffffffff
LDR at reset: 00000000
TPR at reset: 00000000
LVT timer at reset: 00010000
LVT LINT0 at reset: 00000700
LVT LINT1 at reset: 00010000
LVT error at reset: 00010000
LVT error unmasked while disabled: 00010033
SVR enabled: 000001ff
LVT error unmasked while enabled: 00000033
LVT error after disabling: 00010033
LVT LINT0 after disabling: 00010700
LVT error after enabling again: 00010033
TPR after writing 0x12f0: 000000f0
LDR after writing 0x12345678: 12000000
DFR after writing 0 (cluster): 0fffffff
DFR after writing all ones (flat): ffffffff
PPR, TPR 0x50, none in service: 00000050
APR: 00000000
IRR[0x81] with IF=0: 00000002
ISR[0x81] with IF=0: 00000000
self IPI deliveries: 00000001
ISR[0x81] in the handler: 00000002
IRR[0x81] in the handler: 00000000
PPR in the handler, TPR 0x00: 00000080
PPR in the handler, TPR 0x50: 00000080
PPR in the handler, TPR 0x80: 00000080
PPR in the handler, TPR 0x90: 00000090
ISR[0x81] after EOI: 00000000
PPR after EOI, TPR 0: 00000000
ESR before: 00000000
ESR after a self IPI of vector 3: 00000000
vector 3 deliveries: 00000000"
expect_status 65 "EXIT_PASS"
