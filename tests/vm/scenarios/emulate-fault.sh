# SPDX-License-Identifier: GPL-2.0
# emulate-fault: faults that the hypervisor's emulator must raise itself.
# Each case is a MOVS whose source is minivmm's MMIO window (through the
# guest's own 4 KiB page table), so the whole instruction is emulated and
# the destination is checked by the emulator's walk of the guest's page
# tables, not by the CPU: a not-present page (#PF, error code 0x2, CR2),
# a read-only one with CR0.WP (0x3), a non-canonical address (#GP(0)), an
# 8-byte store that starts in the window and ends in a not-present page
# (#PF with CR2 at that page, nothing written), a REP MOVSB that faults
# after 8 bytes (RCX/RSI/RDI at that element) and finishes after the
# handler maps the page (restartable), and at CPL 3 a user page of the
# window copied to a supervisor page (0x7) and, as a control, to a user
# page (no fault).  Two baselines (T0a/T0b) are faults the CPU raises by
# itself.  Expected values: Intel SDM Vol. 3A 4.7 (error codes), 3.3.7.1
# (canonical addresses), Vol. 2B REP; the guest checks each and the real
# KVM produces them all.
# since: 05-emulate
. /lab/scenarios/lib.sh
vmm "$GUESTS/emulate-fault.bin"
expect_out "T0a store to a read-only page of the window: vector 000000000000000e
T0a error code 0000000000000003
T0a cr2 0000000040003000
T0b load from a not-present page: vector 000000000000000e
T0b error code 0000000000000000
T0b cr2 0000000040002000
T1 movsq window to a not-present page: vector 000000000000000e
T1 error code 0000000000000002
T1 cr2 0000000040002000
T1 rip minus the movsq 0000000000000000
T1 rsi 0000000040000000
T1 rdi 0000000040002000
T2 movsl window to a read-only page: vector 000000000000000e
T2 error code 0000000000000003
T2 cr2 0000000040003010
T2 window page 0 at +0x10, untouched 85827f7c79767370
T3 movsb window to a non-canonical address: vector 000000000000000d
T3 error code 0000000000000000
T3 rip minus the movsb 0000000000000000
T4 movsq across into a not-present page: vector 000000000000000e
T4 error code 0000000000000002
T4 cr2 0000000040002000
T4 window page 1 at +0xff8, untouched 5555555555555555
T5 rep movsb into a not-present page: faults 0000000000000001
T5 vector 000000000000000e
T5 error code 0000000000000002
T5 cr2 0000000040002000
T5 rip minus the rep movsb 0000000000000000
T5 rcx at the fault 0000000000000008
T5 rsi at the fault 0000000040000108
T5 rdi at the fault 0000000040002000
T5 rcx at the end 0000000000000000
T5 rsi at the end 0000000040000110
T5 rdi at the end 0000000040002008
T5 window page 1 at +0xff8 55524f4c49464340
T5 the page mapped by the handler 6d6a6764615e5b58
T6/T7 faults at CPL 3 (T6, then the HLT that ends it) 0000000000000002
T6 movsb user window page to a supervisor page at CPL 3: vector 000000000000000e
T6 error code 0000000000000007
T6 cr2 0000000040004000
T7 movsl window to a user RAM page at CPL 3: rdi 0000000040006004
T7 the user page 0000000049464340"
expect_status 65 "EXIT_PASS"
