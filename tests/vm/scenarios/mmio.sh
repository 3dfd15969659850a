# SPDX-License-Identifier: GPL-2.0
# mmio: round trips through minivmm's userspace test device at 0xd0000000
# (minivmm.h): a read-only ID register, a scratch register and a counter,
# 8 bytes each.  The guest runs in 64-bit long mode, so 8-byte accesses
# are single instructions, and uses the MOV forms compilers emit for
# device registers (listed in final/guests/mmio.S): loads and stores of
# 1, 2, 4 and 8 bytes, immediates (8/16/32, and 32 sign-extended to 64),
# MOVZX of a byte and a word, REX.R registers and SIL.  Every access is a
# KVM_EXIT_MMIO; each value the guest prints shows that the hypervisor
# decoded width, direction and register right, that minivmm's read data
# reached the register on the next KVM_RUN (a 4-byte load zero-extends,
# a 2-byte load keeps the upper bits), and that an address the device
# does not own reads all ones.
# since: 02-ept
# exercise: 02.1 02.2
. /lab/scenarios/lib.sh
vmm "$GUESTS/mmio.bin"
expect_out "id, 8-byte load: 747365746d766b6d
id, 4-byte load: 000000006d766b6d
id, movzx byte at +1: 000000000000006b
id, movzx word at +4: 0000000000006574
id after a write: 747365746d766b6d
scratch, 8-byte store and load: 1122334455667788
scratch, byte immediate: 00000000000000a5
scratch, word immediate: 000000000000beef
scratch, dword immediate: 00000000cafef00d
scratch, all 8 bytes: cafef00dbeef5ca5
scratch, 4-byte load into rax: 000000007e57f00d
scratch, 2-byte load into rax: 1111111111117e57
scratch, sign-extended immediate: fffffffffffffffe
counter: 0000000000000001
counter: 0000000000000002
counter: 0000000000000003
minivmm: mmio read of 4 bytes at 0xd0000100
unassigned +0x100: 00000000ffffffff"
expect_status 65 "EXIT_PASS"
