# SPDX-License-Identifier: GPL-2.0
# memslots: guest memory from three memory slots at once: RAM (slot 0,
# 16 MiB at 0) and two --slot slots far from RAM and from each other,
# 64 KiB at 0x20000000 (slot 1) and 1 MiB at 0x40000000 (slot 2).  The
# guest (32-bit protected mode) writes the test pattern (guest-physical
# address XOR seed) into every word of 1 MiB of RAM and of both slots,
# with a seed per slot, reads all of it back after all was written, then
# has minivmm check each slot in minivmm's own mapping (control port,
# CTL_SLOT_CHECK).  Proves that each KVM_SET_USER_MEMORY_REGION slot maps
# its guest-physical range onto its own userspace memory, offset for
# offset, and that faults in one slot never land in another.
# since: 02-ept
. /lab/scenarios/lib.sh
vmm --slot 0x20000000:64K --slot 0x40000000:1M "$GUESTS/memslots.bin"
expect_out "memslots: writing the pattern
slot 0, words read back wrong: 00000000
slot 1, words read back wrong: 00000000
slot 2, words read back wrong: 00000000
minivmm: slot 0 +0x100000..+0x200000 holds the pattern of seed 0x5eed0000
slot 0, words minivmm found wrong: 00000000
minivmm: slot 1 +0x0..+0x10000 holds the pattern of seed 0x5eed0001
slot 1, words minivmm found wrong: 00000000
minivmm: slot 2 +0x0..+0x100000 holds the pattern of seed 0x5eed0002
slot 2, words minivmm found wrong: 00000000"
expect_status 65 "EXIT_PASS"
