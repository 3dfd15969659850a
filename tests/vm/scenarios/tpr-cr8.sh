# SPDX-License-Identifier: GPL-2.0
# tpr-cr8: the task priority as CR8 and as the local APIC's TPR, in long
# mode (final/guests/tpr-cr8.S): MOV to CR8 sets TPR[7:4] and clears
# TPR[3:0], MOV from CR8 reads TPR[7:4], a TPR written through the APIC
# page reads back as CR8 (Intel SDM Vol. 3A, 11.8.6, 11.8.6.1), and the
# task priority gates fixed interrupts by class (11.8.3.1): self IPIs
# 0x45 (class 4) and 0x62 (class 6) under CR8 = 5, 4, 0, 15, 4 and TPR 0.
# Lowering the priority below a waiting interrupt's class lets it in on
# the very next instruction boundary.  On SVM that needs the hypervisor
# to intercept CR8 writes while an interrupt waits behind the TPR (a MOV
# to CR8 otherwise changes V_TPR without an exit) and, without decode
# assists, to decode the MOV's REX forms (mov %rax/%rbx/%rdx/%r9/%r14
# to %cr8).  The handlers note the vectors in taking order, a byte each.
# since: 04-apic-pit
. /lab/scenarios/lib.sh
vmm --timeout 30 "$GUESTS/tpr-cr8.bin"
expect_out "TPR after CR8 = 5: 00000050
PPR: 00000050
self IPIs 0x45 then 0x62 under CR8 = 5 taken: 00000062
IRR with 0x45: 00000020
CR8: 00000005
CR8 = 4 by mov %r9 to cr8 taken: 00000062
TPR: 00000040
IRR with 0x45: 00000020
CR8 = 0 by mov %rbx to cr8 taken right after: 00006245
IRR with 0x45: 00000000
TPR: 00000000
CR8 after TPR = 0x30 through the page: 00000003
self IPIs 0x62 and 0x45 under CR8 = 15 taken: 00000000
TPR: 000000f0
IRR with 0x62: 00000004
IRR with 0x45: 00000020
CR8 = 4 by mov %r14 to cr8 taken right after: 00000062
IRR with 0x45: 00000020
TPR = 0 through the page taken right after: 00006245
CR8: 00000000
0x45 deliveries: 00000002
0x62 deliveries: 00000002"
expect_status 65 "EXIT_PASS"
