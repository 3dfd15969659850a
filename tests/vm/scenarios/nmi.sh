# SPDX-License-Identifier: GPL-2.0
# nmi: KVM_NMI, asked for by a 32-bit guest (final/guests/nmi.S) through
# minivmm's control port with IF=0 (an NMI ignores IF).  Inside the NMI
# handler the guest asks for a second one: NMIs are blocked until IRET,
# so the count is still 1 in the handler, and the second arrives right
# after the IRET; a third KVM_NMI later arrives alone.  Shows NMI
# injection and NMI blocking (the NMI window) in the hypervisor.
# since: 03-irq
. /lab/scenarios/lib.sh
vmm "$GUESTS/nmi.bin"
expect_out "minivmm: KVM_NMI
minivmm: KVM_NMI
KVM_NMI result: 00000000
nmis taken: 00000002
count inside the first handler after a second KVM_NMI: 00000001
minivmm: KVM_NMI
nmis taken after a third KVM_NMI: 00000003"
expect_status 65 "EXIT_PASS"
