# SPDX-License-Identifier: GPL-2.0
# coalesced-mmio: guest writes queued in the coalesced-MMIO ring instead
# of exiting (KVM_REGISTER_COALESCED_MMIO, final/virt/kvm/coalesced_mmio.c;
# guest final/guests/coalesced-mmio.S) on minivmm's RAM-like MMIO window,
# which minivmm replays before it handles each exit
# (final/vmm/main.c: coalesced_replay()).  Three writes and a read that
# sees them; 400 writes, more than the ring's 169 free slots, all read
# back right (a write that finds the ring full exits as usual); a port
# zone (pio = 1) on the FIFO's log port; pio = 2 refused (EINVAL); after
# the zone is unregistered a write exits again.  The differential oracle
# compares minivmm's trace with the real KVM's, so each replayed write
# ("vmm coalesced ...") and each exit must come at the same place; here
# the trace also shows how many exits the ring saved.
# since: final
. /lab/scenarios/lib.sh
vmm "$GUESTS/coalesced-mmio.bin"
expect_out "minivmm: KVM_REGISTER_COALESCED_MMIO mmio 0xd0001000 size 0x2000: ok
register the window: 00000000
minivmm: KVM_REGISTER_COALESCED_MMIO port 0xe4 size 0x4: Invalid argument
pio = 2: ffffffea
three writes, one read
read back: 11111111
read back: 00000033
more writes than the ring holds
words that read back wrong: 00000000
a port zone
minivmm: KVM_REGISTER_COALESCED_MMIO port 0xe4 size 0x4: ok
register port 0xe4: 00000000
bytes in the log: 00000010
unregistered
minivmm: KVM_UNREGISTER_COALESCED_MMIO mmio 0xd0001000 size 0x2000: ok
unregister the window: 00000000
read back: 44444444"
expect_status 65 "EXIT_PASS"
# 403 window writes went to a registered zone.  The ring holds 169
# (KVM_COALESCED_MMIO_MAX, 170, less the slot kept empty): the loop's
# 400 writes fill it twice, and each time the write that finds it full
# exits instead (minivmm replays the 169 before it).  So 401 were
# replayed from the ring, the 4 port writes too, and 3 window writes
# exited: those two, and the one after the zone went.
trace=${TRACE_DIR:-}/$TARGET/$SCENARIO.1
[ -f "$trace" ] || fail "no trace of this run at $trace"
n=$(grep -c '^vmm coalesced mmio ' "$trace")
[ "$n" = 401 ] || fail "$n writes replayed from the ring, expected 401"
n=$(grep -c '^vmm coalesced port 0xe4 ' "$trace")
[ "$n" = 4 ] || fail "$n port writes replayed from the ring, expected 4"
n=$(grep -c ' write addr=0xd000' "$trace")
[ "$n" = 3 ] || fail "$n window writes exited, expected 3 (two that found the ring full, one after the zone went)"
exit 0
