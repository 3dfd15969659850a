# SPDX-License-Identifier: GPL-2.0
# io-in: port input of 1, 2 and 4 bytes (IN AL, IN AX, IN EAX) from
# minivmm's test data port 0xf6 (--in-data).  The guest echoes the 7 bytes
# in register order, so the line shows that each width got the right bytes
# in the right (little-endian) order, and leaves with their sum modulo 128:
# 'A'+...+'G' = 476, 476 % 128 = 0x5c, status (0x5c << 1) | 1 = 185.
# Proves KVM_EXIT_IO for IN: size, direction, and that the data userspace
# puts in kvm_run reaches the guest's register.
# since: 01-vmx-on
# exercise: 01.3
. /lab/scenarios/lib.sh
vmm --in-data ABCDEFG "$GUESTS/io-in.bin"
expect_out "ABCDEFG"
expect_status 185 "sum of the bytes 0x5c"
