# SPDX-License-Identifier: GPL-2.0
# pit-modes: the in-kernel i8254 PIT (KVM_CREATE_PIT2, minivmm's default
# with --irqchip kernel) through its ports, in a 32-bit guest with
# interrupts off (final/guests/pit-modes.S): the no-mode status after
# reset, port 0x61's GATE 2 / speaker / refresh bits, counter 2 in mode 0
# counting down with OUT 2 rising at terminal count, the counter latch and
# the read-back command (status before count), LSB-only and MSB-only
# access, the status byte of every mode (6 and 7 as 2 and 3) with KVM's
# OUT levels, mode 3's square wave, GATE restarting mode 2 and not mode
# 0, an initial count of 0, and KVM_GET_PIT2 + KVM_SET_PIT2 restarting a
# counter.  Every line is timing-free, so the differential oracle compares
# the whole run.
# since: 04-apic-pit
# exercise: 04.3
. /lab/scenarios/lib.sh
vmm --timeout 60 "$GUESTS/pit-modes.bin"
expect_out "counter 0 status after reset (no mode): 000000fe
port 61 gate and speaker after reset: 00000000
port 61 gate and speaker after writing 3: 00000003
port 61 refresh bit toggles: 00000001
mode 0 status after loading: 00000030
mode 0 count goes down: 00000001
OUT 2 rose at terminal count: 00000001
mode 0 status after terminal count: 000000b0
latched count stays, live count goes on: 00000001
read-back of both gives the status first: 00000030
then the count: 00000001
LSB-only status (access, mode): 00000010
MSB-only read is the high byte: 00000001
MSB-only status (access, mode): 00000020
mode 1 status: 000000b2
mode 2 status: 00000034
mode 3 status: 000000b6
mode 4 status: 00000038
mode 5 status: 0000003a
mode 6 status (mode 2): 00000034
mode 7 status (mode 3): 000000b6
BCD status: 00000031
mode 3 OUT 2 is high and low in turn: 00000001
rising GATE restarts mode 2: 00000001
rising GATE does not restart mode 0: 00000001
initial count 0 counts from 65536: 00000001
minivmm: KVM_GET_PIT2 and KVM_SET_PIT2 done
KVM_GET_PIT2 counter 2 mode and count: 0000ffff
counter 2 restarted by KVM_SET_PIT2: 00000001"
expect_status 65 "EXIT_PASS"
