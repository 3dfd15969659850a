# SPDX-License-Identifier: GPL-2.0
# emulate-refuse: an MMIO access by an instruction no emulator here knows
# (FLD m32 from minivmm's window, final/guests/emulate-refuse.S).  The
# guest must be stopped with KVM_EXIT_INTERNAL_ERROR, suberror
# KVM_INTERNAL_ERROR_EMULATION (1), and the instruction's bytes in
# kvm_run's emulation_failure, as KVM's ABI has them (flags bit 0,
# insn_size, insn_bytes; minivmm prints them).  A hypervisor may fetch
# more bytes than the instruction has (KVM fetches ahead), so only the
# instruction's own six are checked.
# since: 05-emulate
. /lab/scenarios/lib.sh
vmm "$GUESTS/emulate-refuse.bin"
expect_out "refuse: FLD m32 from the MMIO window"
expect_status 6 "unhandled exit (KVM_EXIT_INTERNAL_ERROR)"
expect_err_contains "(KVM_EXIT_INTERNAL_ERROR): suberror 1 "
expect_err_contains "; instruction bytes: d9 05 00 10 00 d0"
