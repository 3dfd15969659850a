# SPDX-License-Identifier: GPL-2.0
# readonly: a read-only slot (--slot 0x20000000:64K:ro, KVM_MEM_READONLY,
# after minivmm checked KVM_CAP_READONLY_MEM), which minivmm fills with the
# test pattern before the guest starts.  The guest reads it all: plain
# memory, minivmm's bytes.  It writes 4 bytes (mov imm32), 1 byte (mov r8)
# and 2 bytes (mov r16, the slot's last word): each write leaves KVM_RUN as
# KVM_EXIT_MMIO with is_write = 1, the guest-physical address, the length
# and the data, and the guest goes on.  The memory is unchanged, as seen by
# the guest and by minivmm.  Proves that a read-only slot is mapped
# readable but not writable, and that the write is decoded and handed to
# userspace instead of being dropped or done.
# since: 02-ept
. /lab/scenarios/lib.sh
vmm --slot 0x20000000:64K:ro "$GUESTS/readonly.bin"
expect_out "readonly: words not as minivmm filled them: 00000000
minivmm: mmio write of 4 bytes at 0x20000100 (read-only slot 1): 0x12345678
minivmm: mmio write of 1 byte at 0x20000203 (read-only slot 1): 0xab
minivmm: mmio write of 2 bytes at 0x2000fffe (read-only slot 1): 0xc0de
read 0x20000100 after the write: 724f4c30
words changed by the writes: 00000000
minivmm: slot 1 +0x0..+0x10000 holds the pattern of seed 0x524f4d30
words minivmm found changed: 00000000"
expect_status 65 "EXIT_PASS"
