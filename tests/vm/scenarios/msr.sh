# SPDX-License-Identifier: GPL-2.0
# msr: the MSR ABI and the guest's TSC (tools/msr-check.c runs a small
# real-mode guest of its own).  KVM_GET_MSR_INDEX_LIST answers -E2BIG with
# the count, then a list that holds every MSR minikvm documents (exactly
# those on minikvm; the real KVM lists more); each of them, and the MSRs
# accepted but not listed (EFER, FS/GS base, MTRRs, APIC_BASE), round-trips
# through KVM_SET_MSRS/KVM_GET_MSRS and through the guest's WRMSR/RDMSR;
# reserved values, read-only MSRs, an unknown MSR and an x2APIC MSR in
# xAPIC mode are #GP in the guest, and KVM_GET/SET_MSRS stop at the first
# MSR that fails; a guest write to IA32_TSC is what it reads next and moves
# IA32_TSC_ADJUST by the same amount, a write to IA32_TSC_ADJUST moves the
# TSC (Intel SDM Vol. 3B, 18.17.3); the guest's TSC runs at about
# KVM_GET_TSC_KHZ (the ratio is printed, a wide band accepted).
# since: 04-apic-pit
. /lab/scenarios/lib.sh
tool=$(dirname "$VMM")/msr-check
[ -x "$tool" ] || fail "$tool missing: the lab must copy <tree>/build/tools/* to /lab/bin"
"$tool" "$DEV" >/tmp/msr-check.out 2>&1
st=$?
cat /tmp/msr-check.out
grep -q '^FAIL' /tmp/msr-check.out &&
	fail "$(grep -c '^FAIL' /tmp/msr-check.out) failed check(s), first: $(grep -m1 '^FAIL' /tmp/msr-check.out)"
[ "$st" = 0 ] || fail "msr-check exited $st: $(tail -n1 /tmp/msr-check.out)"
exit 0
