# SPDX-License-Identifier: GPL-2.0
# linux-hostile: a guest kernel module (tests/vm/linux/hostile/hostile.c)
# spams the hypervisor from inside the Linux guest, one boot per mode:
# 20000 random port accesses (PIC, PIT, PCI configuration, the virtio
# disk's registers, every port without a device), 20000 random MMIO
# accesses (the IOAPIC's and the local APIC's pages: the hypervisor's own
# devices; no-device addresses: the VMM's exits), 20000 random RDMSR and
# WRMSR (every range hypervisors handle), then resets the machine.  The
# host must not mind: minivmm ends with the guest's reset (status 10)
# after the module's report, is never killed by a signal, and the same
# device then runs a hello guest as if nothing happened; the lab's
# host-clean, after the last scenario, finds no oops, BUG or WARNING in
# the host's log.  The oracle is the real KVM passing the same checks in
# the same boot.
# since: final
# timeout: 300
. /lab/scenarios/lib.sh
# vmx: tests/vm/skip-allow, unless tests/vm/lab --vmx-linux.
[ "$ARCH" = vmx ] && [ "${VMX_LINUX:-}" != 1 ] && skip "a Linux boot in Bochs costs minutes of make test's budget: both targets passed it in a lone run (2026-12-03); tests/vm/lab --vmx-linux runs it"
unset TRACE_DIR
disk=/tmp/hostile.img
dd if=/dev/zero of=$disk bs=1M count=1 2>/dev/null || fail "cannot make $disk"
for mode in io mmio msr; do
	linux_start linux "hostile-$mode" --smp 2 --disk $disk
	linux_finish linux
	[ "$STATUS" -lt 128 ] || fail "mode $mode: minivmm was killed by signal $((STATUS - 128))"
	printf '%s\n' "$OUT" | grep -q '^L2: hostile.ko came back' &&
		fail "mode $mode: the module did not load: $(l2 'hostile.ko came back: ')"
	printf '%s\n' "$OUT" | grep -q 'hostile: done, resetting' ||
		fail "mode $mode: the guest never finished its spam (status $STATUS)"
	expect_status 10 "mode $mode: the module's reset"
done
rm -f $disk
vmm "$GUESTS/hello.bin"
expect_out "Hello from the minikvm guest!"
expect_status 67 "a guest after the hostile ones"
