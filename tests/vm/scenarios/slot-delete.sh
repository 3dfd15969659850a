# SPDX-License-Identifier: GPL-2.0
# slot-delete: a slot deleted, added again and moved while the guest runs.
# The guest fills slot 1 (64 KiB at 0x20000000) with the test pattern and
# asks minivmm, through the control port, to delete it
# (KVM_SET_USER_MEMORY_REGION, memory_size 0): a read there is now an MMIO
# exit that minivmm answers with all ones, and a write one that goes
# nowhere.  Added again with the same memory, the slot shows the pattern
# (and not the write).  Moved to 0x28000000 (same slot, same size, new
# base: KVM's KVM_MR_MOVE), the same bytes are there, and the old address
# is MMIO again.  Proves that deleting and moving a slot drops the old
# second-level mappings (no stale translation survives), and that the
# slot's memory is the VMM's, kept across the changes.
# since: 02-ept
. /lab/scenarios/lib.sh
vmm --slot 0x20000000:64K "$GUESTS/slot-delete.bin"
expect_out "slot-delete: pattern written
minivmm: slot 1 deleted (0x20000000, 0x10000 bytes)
delete: 00000000
minivmm: mmio read of 4 bytes at 0x20000000 (deleted slot 1)
deleted, read 0x20000000: ffffffff
minivmm: mmio write of 4 bytes at 0x20000040 (deleted slot 1): 0xdeadbeef
minivmm: mmio read of 4 bytes at 0x2000fffc (deleted slot 1)
deleted, read 0x2000fffc: ffffffff
minivmm: slot 1 added again at 0x20000000
add: 00000000
added again, words wrong: 00000000
minivmm: slot 1 +0x0..+0x10000 holds the pattern of seed 0x5eed0101
added again, words minivmm found wrong: 00000000
minivmm: slot 1 moved from 0x20000000 to 0x28000000
move: 00000000
moved, words wrong at 0x28000000: 00000000
minivmm: mmio read of 4 bytes at 0x20000080
moved, read 0x20000080: ffffffff"
expect_status 65 "EXIT_PASS"
