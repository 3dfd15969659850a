# SPDX-License-Identifier: GPL-2.0
# beyond-ram: a guest with 16 MiB of RAM reads and writes past its end:
# 4, 2 and 1 bytes at 0x1000000 (right after RAM), 0x1000ffe and
# 0x40000000, and 0x7ffff000.  No slot covers those addresses, so each
# access exits to minivmm as KVM_EXIT_MMIO; reads get all ones, writes are
# reported with their data, and the guest goes on, checks that RAM's last
# page is intact (nothing wrapped into RAM) and exits normally.  A
# second guest fetches its next instruction from there, and is stopped
# with KVM's emulation-failure exit.  Then a third guest runs.  Proves that a guest reaches nothing outside its
# slots - an access there is an exit, not a host page - and that the
# hypervisor survives it.
# since: 02-ept
. /lab/scenarios/lib.sh
vmm "$GUESTS/beyond-ram.bin"
expect_out "minivmm: mmio read of 4 bytes at 0x1000000
beyond-ram: read 4 bytes at 0x01000000: ffffffff
minivmm: mmio read of 2 bytes at 0x1000ffe
beyond-ram: read 2 bytes at 0x01000ffe: 0000ffff
minivmm: mmio read of 1 byte at 0x40000000
beyond-ram: read 1 byte at 0x40000000: 000000ff
minivmm: mmio write of 4 bytes at 0x1000000: 0x600dcafe
minivmm: mmio write of 2 bytes at 0x1000010: 0x1234
minivmm: mmio write of 1 byte at 0x7ffff000: 0x5a
beyond-ram: words changed in RAM's last page: 00000000
minivmm: slot 0 +0xfff000..+0x1000000 holds the pattern of seed 0x5eed0303
beyond-ram: words minivmm found changed: 00000000"
expect_status 65 "EXIT_PASS"

# An instruction fetched from there (fetch-beyond.S jumps to 0x40000000):
# nothing to emulate, since its bytes are what cannot be read, so the
# guest stops with KVM_EXIT_INTERNAL_ERROR, suberror 1
# (KVM_INTERNAL_ERROR_EMULATION), and the first data word - the flags of
# kvm_run's emulation_failure, which minivmm prints first - is 0: no
# instruction bytes.
vmm "$GUESTS/fetch-beyond.bin"
expect_status 6 "unhandled exit (KVM_EXIT_INTERNAL_ERROR)"
expect_err_contains "(KVM_EXIT_INTERNAL_ERROR): suberror 1 0 "

vmm "$GUESTS/hello.bin"
expect_out "Hello from the minikvm guest!"
expect_status 67 "hello after the accesses beyond RAM"
