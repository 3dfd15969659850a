# SPDX-License-Identifier: GPL-2.0
# pit-kill: kill -9 a minivmm while its in-kernel PIT ticks at 1 kHz
# (final/guests/pit-kill.S), once with the guest halted and taking every
# tick, once with it spinning with interrupts off while reinject mode
# piles ticks up.  Tearing the VM down must stop the PIT's hrtimer and
# its "kvm-pit/<pid>" worker thread before the vCPUs go: the thread is
# gone, minikvm's object counters read 0, every module unloads, and the
# kernel logged nothing.  The modules are loaded again at the end.
# since: 04-apic-pit
. /lab/scenarios/lib.sh
# The second guest spins with interrupts off: under Bochs only a periodic
# NMI gets the host back from it (lib.sh).
bochs_nmi_tick

reload_missing() {
	for m in $(target_modules); do
		grep -q "^$(echo "$m" | tr - _) " /proc/modules ||
			insmod "$MODDIR/$m.ko" 2>/dev/null
	done
}
trap reload_missing EXIT

oops_before=$(dmesg | grep -cE 'BUG:|WARNING:|general protection')

for how in t c; do
	vmm_bg "pit-kill-$how" --in-data "$how" "$GUESTS/pit-kill.bin"
	wait_for_out "pit-kill-$how" ticking
	pid=$BG_PID
	grep -qs "^kvm-pit/$pid\$" /proc/[0-9]*/comm ||
		fail "no kvm-pit/$pid thread while the PIT ticks ($how)"
	sleep 0.5
	kill -KILL "$pid"
	wait "$pid"
	st=$?
	[ "$st" = 137 ] || fail "kill -9 ($how): minivmm exited with $st, expected 137"
	sleep 0.2
	grep -qs "^kvm-pit/$pid\$" /proc/[0-9]*/comm &&
		fail "kvm-pit/$pid still runs after its VM was killed ($how)"
	echo "killed while ticking ($how): the kvm-pit thread is gone"
done

if [ "$TARGET" != kvm ]; then
	objects=/sys/kernel/debug/minikvm/objects
	for what in vms vcpus pages; do
		n=$(awk -v w=$what '$1 == w { print $2 }' $objects)
		[ "$n" = 0 ] || fail "after kill -9, minikvm still counts ${n:-no line for} $what"
	done
fi

rev=
for m in $(target_modules); do rev="$m $rev"; done
for m in $rev; do
	rmmod "$m" 2>/tmp/rmmod.err || fail "rmmod $m: $(cat /tmp/rmmod.err)"
done
for m in $(target_modules); do
	insmod "$MODDIR/$m.ko" 2>/tmp/insmod.err || fail "insmod $m again: $(cat /tmp/insmod.err)"
done
echo "modules unloaded and loaded again: $(target_modules)"

oops_after=$(dmesg | grep -cE 'BUG:|WARNING:|general protection')
[ "$oops_after" = "$oops_before" ] ||
	fail "the kernel logged: $(dmesg | grep -E 'BUG:|WARNING:|general protection' | tail -n1)"
