# SPDX-License-Identifier: GPL-2.0
# ioeventfd: guest writes that signal an eventfd in the kernel instead of
# exiting (KVM_IOEVENTFD, final/virt/kvm/eventfd.c; guest
# final/guests/ioeventfd.S, minivmm's eventfd commands in
# final/vmm/eventfd.c).  Eight assignments on ports and MMIO addresses -
# lengths 1, 2, 4, 8 and 0 (any), with and without DATAMATCH - and what
# KVM refuses (length 3, DATAMATCH without a length, an unknown flag, a
# bad fd, an fd that is no eventfd, three collisions, a deassignment of
# nothing), each with KVM's errno.  Then writes: only those with the exact
# address, the assigned length (unless 0) and the DATAMATCH value (if
# any) count; the others exit to minivmm as before (its "mmio write"
# lines, and the exits the differential oracle compares with the real
# KVM's).  1000 more writes to one port count 1000 and make no exit;
# after its deassignment the port exits again.  A read of the
# any-length MMIO address counts on VMX and exits on SVM, as in KVM.  The count of each
# eventfd is what minivmm reads back from it.
# since: final
. /lab/scenarios/lib.sh
# A read of a length-0 MMIO ioeventfd: KVM on VMX signals it and skips the
# instruction before decoding it (handle_ept_misconfig(), the fast MMIO
# bus), so it counts; on SVM it is emulated and exits to minivmm.
if [ "$ARCH" = vmx ]; then
	read_lines="minivmm: eventfd 7 counted 1
a read of the any-length address, counted: 00000001"
else
	read_lines="minivmm: mmio read of 4 bytes at 0xd0010010
minivmm: eventfd 7 counted 0
a read of the any-length address, counted: 00000000"
fi
vmm "$GUESTS/ioeventfd.bin"
expect_out "assign
minivmm: KVM_IOEVENTFD port 0x600 len 1 flags 0x2 (eventfd 0): ok
minivmm: KVM_IOEVENTFD port 0x602 len 2 flags 0x2 (eventfd 1): ok
minivmm: KVM_IOEVENTFD port 0x604 len 1 flags 0x3 (eventfd 2): ok
minivmm: KVM_IOEVENTFD port 0x604 len 1 flags 0x3 (eventfd 3): ok
minivmm: KVM_IOEVENTFD port 0x606 len 0 flags 0x2 (eventfd 4): ok
minivmm: KVM_IOEVENTFD mmio 0xd0010000 len 4 flags 0x0 (eventfd 5): ok
minivmm: KVM_IOEVENTFD mmio 0xd0010008 len 8 flags 0x1 (eventfd 6): ok
minivmm: KVM_IOEVENTFD mmio 0xd0010010 len 0 flags 0x0 (eventfd 7): ok
refused
minivmm: KVM_IOEVENTFD port 0x700 len 3 flags 0x2 (eventfd 8): Invalid argument
length 3: ffffffea
minivmm: KVM_IOEVENTFD port 0x700 len 0 flags 0x3 (eventfd 9): Invalid argument
datamatch without a length: ffffffea
minivmm: KVM_IOEVENTFD port 0x700 len 1 flags 0x82 (eventfd 10): Invalid argument
unknown flag: ffffffea
minivmm: KVM_IOEVENTFD port 0x700 len 1 flags 0x2 (eventfd 11): Bad file descriptor
bad fd: fffffff7
minivmm: KVM_IOEVENTFD port 0x700 len 1 flags 0x2 (eventfd 12): Invalid argument
not an eventfd: ffffffea
minivmm: KVM_IOEVENTFD port 0x600 len 1 flags 0x2 (eventfd 13): File exists
port 0x600 again: ffffffef
minivmm: KVM_IOEVENTFD port 0x604 len 1 flags 0x2 (eventfd 14): File exists
port 0x604, any value: ffffffef
minivmm: KVM_IOEVENTFD mmio 0xd0010000 len 0 flags 0x0 (eventfd 15): File exists
mmio len 4 again, any length: ffffffef
minivmm: KVM_IOEVENTFD port 0x600 len 2 flags 0x6 (eventfd 1): No such file or directory
deassign what is not there: fffffffe
write
minivmm: mmio write of 2 bytes at 0xd0010000: 0xeeff
minivmm: mmio write of 8 bytes at 0xd0010000: 0x00000000d0010000
minivmm: mmio write of 8 bytes at 0xd0010008: 0x0000000012345679
count
minivmm: eventfd 0 counted 1
port 0x600 len 1: 00000001
minivmm: eventfd 1 counted 1
port 0x602 len 2: 00000001
minivmm: eventfd 2 counted 1
port 0x604 = 0x12: 00000001
minivmm: eventfd 3 counted 1
port 0x604 = 0x13: 00000001
minivmm: eventfd 4 counted 3
port 0x606 any length: 00000003
minivmm: eventfd 5 counted 1
mmio len 4: 00000001
minivmm: eventfd 6 counted 1
mmio len 8 = 0x12345678: 00000001
minivmm: eventfd 7 counted 2
mmio any length: 00000002
$read_lines
1000 writes
minivmm: eventfd 0 counted 1000
port 0x600 len 1: 000003e8
deassign
minivmm: KVM_IOEVENTFD port 0x600 len 1 flags 0x6 (eventfd 0): ok
port 0x600: 00000000
minivmm: eventfd 0 counted 0
port 0x600 len 1: 00000000"
expect_status 65 "EXIT_PASS"
# The writes that matched made no exit; those that did not, did (in the
# trace the lab records for the oracle).  On the ports: 0x600 twice (the
# 2-byte write, and after the deassignment; not the 1001 that matched),
# 0x602 once (1 byte), 0x604 once (0x11), 0x606 never, 0x607 once.
trace=${TRACE_DIR:-}/$TARGET/$SCENARIO.1
[ -f "$trace" ] || fail "no trace of this run at $trace"
for p in 600:2 602:1 604:1 606:0 607:1; do
	n=$(grep -c " out port=0x${p%:*} " "$trace")
	[ "$n" = "${p#*:}" ] || fail "the trace has $n exits for port 0x${p%:*}, expected ${p#*:}"
done
exit 0
