# SPDX-License-Identifier: GPL-2.0
# kill-rmmod: kill -9 a minivmm whose guest spins inside KVM_RUN, then
# unload the target's modules in reverse order: every rmmod must succeed,
# i.e. the killed VMM's VM, vCPU and memory were all released and dropped
# their module references.  For minikvm, its debugfs object counters must
# also read 0 first.  The modules are loaded again at the end, and hello
# runs, so the later scenarios find the target as they expect.
# since: 01-vmx-on
. /lab/scenarios/lib.sh

# Whatever happens below, leave the target loaded for the next scenarios.
reload_missing() {
	for m in $(target_modules); do
		grep -q "^$(echo "$m" | tr - _) " /proc/modules ||
			insmod "$MODDIR/$m.ko" 2>/dev/null
	done
}
trap reload_missing EXIT

oops_before=$(dmesg | grep -cE 'BUG:|WARNING:|general protection')

vmm_bg spin "$GUESTS/spin.bin"
wait_for_out spin spinning
sleep 0.5			# the guest loops in "jmp .": the thread is in KVM_RUN
kill -KILL "$BG_PID"
wait "$BG_PID"
st=$?
[ "$st" = 137 ] || fail "kill -9: minivmm exited with $st, expected 137 (SIGKILL)"

if [ "$TARGET" != kvm ]; then	# the real KVM has no such counters
	objects=/sys/kernel/debug/minikvm/objects
	[ -r $objects ] || fail "$objects is missing"
	echo "$objects:"; sed 's/^/  /' $objects
	for what in vms vcpus pages; do
		n=$(awk -v w=$what '$1 == w { print $2 }' $objects)
		[ "$n" = 0 ] || fail "after kill -9, minikvm still counts ${n:-no line for} $what"
	done
fi

rev=
for m in $(target_modules); do rev="$m $rev"; done
for m in $rev; do
	rmmod "$m" 2>/tmp/rmmod.err || fail "rmmod $m after kill -9: $(cat /tmp/rmmod.err)"
	echo "rmmod $m: ok"
done
for m in $(target_modules); do
	insmod "$MODDIR/$m.ko" 2>/tmp/insmod.err || fail "insmod $m again: $(cat /tmp/insmod.err)"
done
echo "modules loaded again: $(target_modules)"

oops_after=$(dmesg | grep -cE 'BUG:|WARNING:|general protection')
[ "$oops_after" = "$oops_before" ] ||
	fail "the kernel logged: $(dmesg | grep -E 'BUG:|WARNING:|general protection' | tail -n1)"

vmm "$GUESTS/hello.bin"
expect_out "Hello from the minikvm guest!"
expect_status 67 "hello with the modules loaded again"
