# SPDX-License-Identifier: GPL-2.0
# host-isolation-pkru: the PKRU part of host-isolation, reported on its
# own because it needs a CPU with protection keys (CPUID.(7,0):ECX.PKU).
# The guest sets CR4.PKE and PKRU = 0x0c0c0c0c and reads it back; after
# it ran (under host-check, pinned to each CPU it may use in turn) the host process
# must still have its own PKRU: neither VM entry nor the FPU swap of
# KVM_RUN switches it, the hypervisor must (x86.c, kvm_load_host_pkru()).
# Skips, by tests/vm/skip-allow, where the emulated CPU has no PKU.
# since: 02-ept
. /lab/scenarios/lib.sh

vmm "$GUESTS/host-isolation.bin"
expect_status 65 "EXIT_PASS: the guest got every value it set"
if echo "$OUT" | grep -qx "pkru: no PKU"; then
	skip "the emulated CPU has no protection keys (CPUID.(7,0):ECX.PKU = 0)"
fi
echo "$OUT" | grep -qxF "pkru: 000000000c0c0c0c" || fail "the guest did not read back its PKRU"
grep -q '^msr ' /proc/modules || insmod /lab/modules/kvm/msr.ko ||
	fail "cannot load the msr driver (/lab/modules/kvm/msr.ko)"
/lab/bin/host-check --dev "$DEV" "$GUESTS/host-isolation.bin" >/tmp/host-check.out 2>&1
cat /tmp/host-check.out
grep -q "host-check: FAIL PKRU" /tmp/host-check.out &&
	fail "$(grep -m1 'host-check: FAIL PKRU' /tmp/host-check.out)"
grep -q "host-check: ok   PKRU" /tmp/host-check.out ||
	fail "host-check did not check PKRU: $(tail -n1 /tmp/host-check.out)"
exit 0
