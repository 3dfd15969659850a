# SPDX-License-Identifier: GPL-2.0
# slot-stress: memslots changed while two vCPUs fault in parallel
# (final/vmm/tools/slot-stress.c).  Two vCPU threads of one VM write and
# read back every page of a 256 KiB region each, pass after pass, while
# the main thread adds and deletes one slot, moves another, and every
# 10th round turns dirty logging on and off under them for their own RAM
# (slot 0), checking that a whole pass of both vCPUs is in the log.
# Neither vCPU may ever exit (its RAM must never look like MMIO while
# slot 0 is replaced), both must keep making progress, and their last
# pass must be in the VMM's memory.  For minikvm the object counters
# read 0 afterwards (no pinned page or page-table page left behind by
# two vCPUs pinning the same frame, or by the per-vCPU table caches).
# Host-clean then finds no kernel complaint (lockdep, sleeping under the
# MMU spinlock, RCU stalls).
# since: 04-apic-pit
. /lab/scenarios/lib.sh
# The vCPUs never exit: under Bochs only a periodic NMI gets the host
# back from them (lib.sh).
bochs_nmi_tick

need_files /lab/bin/slot-stress
/lab/bin/slot-stress --dev "$DEV" --rounds 200 >/tmp/slot-stress.out 2>/tmp/slot-stress.err
st=$?
cat /tmp/slot-stress.out
sed 's/^/  err: /' /tmp/slot-stress.err
case $st in
0) ;;
1) fail "$(grep -m1 'slot-stress: FAIL' /tmp/slot-stress.out)" ;;
*) fail "slot-stress could not run (status $st): $(tail -n1 /tmp/slot-stress.out)" ;;
esac
for line in "slot-stress: ok   200 rounds of slot add/delete/move, none refused" \
	"slot-stress: ok   20 dirty-log rounds: a whole pass of both vCPUs logged" \
	"slot-stress: ok   vCPU 0 ran until told to stop" \
	"slot-stress: ok   vCPU 0's pages hold its last pass: 0 wrong" \
	"slot-stress: ok   vCPU 1 ran until told to stop" \
	"slot-stress: ok   vCPU 1's pages hold its last pass: 0 wrong"; do
	grep -qxF -- "$line" /tmp/slot-stress.out || fail "slot-stress did not print '$line'"
done

if [ "$TARGET" != kvm ]; then	# the real KVM has no such counters
	objects=/sys/kernel/debug/minikvm/objects
	[ -r $objects ] || fail "$objects is missing"
	for what in vms vcpus pages; do
		n=$(awk -v w=$what '$1 == w { print $2 }' $objects)
		[ "$n" = 0 ] || fail "after slot-stress exited, minikvm still counts ${n:-no line for} $what"
	done
fi
exit 0
