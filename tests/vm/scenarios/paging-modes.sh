# SPDX-License-Identifier: GPL-2.0
# paging-modes: one guest walks itself from real mode through 32-bit
# protected mode without paging, 32-bit paging, PAE paging and 4-level
# long mode (CR0, CR3, CR4, EFER writes, LGDT, far jumps; tables built by
# the guest).  At each step it writes a word through a virtual address that
# differs from the physical one (a segment base, then a 4 KiB page of each
# paging mode), reads it back, and has minivmm check that the word is at
# that physical address (CTL_SLOT_CHECK).  Proves that guest paging, in
# every mode, composes with the hypervisor's nested paging: the guest's
# translation gives guest-physical, the hypervisor's gives the right host
# page.  The real-mode step is the check DESIGN.md asks for on the svm path
# (QEMU before 9.1.2 used guest-physical as host-physical for a real-mode
# guest under NPT).
# since: 02-ept
. /lab/scenarios/lib.sh
vmm "$GUESTS/paging-modes.bin"
expect_out "real mode, es:0x0000 -> 0x00050000: 5ee80400
minivmm: slot 0 +0x50000..+0x50004 holds the pattern of seed 0x5eed0404
protected mode, fs:0x1000 -> 0x00201000: 5ecd1404
minivmm: slot 0 +0x201000..+0x201004 holds the pattern of seed 0x5eed0404
32-bit paging, 0x40000000 -> 0x00300000: 5edd0404
minivmm: slot 0 +0x300000..+0x300004 holds the pattern of seed 0x5eed0404
PAE paging, 0x80000000 -> 0x00400000: 5ead0404
minivmm: slot 0 +0x400000..+0x400004 holds the pattern of seed 0x5eed0404
4-level paging, 0xffff800000000000 -> 0x00500000: 000000005ebd0404
minivmm: slot 0 +0x500000..+0x500004 holds the pattern of seed 0x5eed0404"
expect_status 65 "EXIT_PASS"
