# SPDX-License-Identifier: GPL-2.0
# debugregs: KVM_GET/SET_DEBUGREGS (final/guests/debugregs.S).  The guest
# loads DR0-DR3 and a DR7 that arms DR0 (its first MOV to a debug
# register exits, after which it owns them until the next exit);
# minivmm's KVM_GET_DEBUGREGS must show exactly what the guest left, and
# after KVM_SET_DEBUGREGS the guest's MOV from DR0-DR3 and DR7 must read
# what minivmm wrote.  A flag, DR6 bit 32 and DR7 bit 32 are refused with
# EINVAL and change nothing.
# since: final
. /lab/scenarios/lib.sh
vmm "$GUESTS/debugregs.bin"
expect_out "KVM_GET_DEBUGREGS, KVM_SET_DEBUGREGS
minivmm: KVM_GET_DEBUGREGS: dr0 0x1000 dr1 0x2000 dr2 0x3000 dr3 0x4000 dr6 0xffff0ff0 dr7 0x401
minivmm: KVM_SET_DEBUGREGS: ok
set: 00000000
dr0: 00011000
dr1: 00022000
dr2: 00033000
dr3: 00044000
dr7: 00000400
refused
minivmm: KVM_GET_DEBUGREGS: dr0 0x11000 dr1 0x22000 dr2 0x33000 dr3 0x44000 dr6 0xffff0ff0 dr7 0x400
minivmm: KVM_SET_DEBUGREGS (invalid): Invalid argument
a flag: ffffffea
minivmm: KVM_GET_DEBUGREGS: dr0 0x11000 dr1 0x22000 dr2 0x33000 dr3 0x44000 dr6 0xffff0ff0 dr7 0x400
minivmm: KVM_SET_DEBUGREGS (invalid): Invalid argument
dr6 bit 32: ffffffea
minivmm: KVM_GET_DEBUGREGS: dr0 0x11000 dr1 0x22000 dr2 0x33000 dr3 0x44000 dr6 0xffff0ff0 dr7 0x400
minivmm: KVM_SET_DEBUGREGS (invalid): Invalid argument
dr7 bit 32: ffffffea"
expect_status 65 "EXIT_PASS"
