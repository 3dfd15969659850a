# SPDX-License-Identifier: GPL-2.0
# ioctl-errors: misuse of the ioctl ABI - unknown ioctls and ioctls on the
# wrong fd, arguments where none is allowed, bad VM types, vCPU ids out of
# range or taken, invalid memslots (slot ids and address-space bits out of
# range, wrapping or oversized ranges, slots beyond MAXPHYADDR, changes to
# an existing slot), KVM_SET_CPUID2 with too many entries, bad pointers,
# mmap beyond kvm_run; from chapter 02 (KVM_CAP_READONLY_MEM) slot moves,
# every KVM_GET_DIRTY_LOG misuse and a 1 TiB slot - each answered with
# KVM's own errno (Linux 6.1 is the reference; the tool's comments name
# the deciding function).  Proves "never a crash, always KVM's error
# code" for everything the tree reaches; the lab's host-clean check then
# proves that none of it made the kernel warn.  The real KVM has every
# feature, so a row skipped there is a failure.
# since: 01-vmx-on
. /lab/scenarios/lib.sh
tool=$(dirname "$VMM")/ioctl-errors
[ -x "$tool" ] || skip "$tool missing: the lab must copy <tree>/build/tools/* to /lab/bin"
"$tool" "$DEV" >/tmp/ioctl-errors.out 2>&1
st=$?
cat /tmp/ioctl-errors.out
grep -q '^MISMATCH' /tmp/ioctl-errors.out &&
	fail "$(grep -c '^MISMATCH' /tmp/ioctl-errors.out) mismatch(es), first: $(grep -m1 '^MISMATCH' /tmp/ioctl-errors.out)"
[ "$st" = 0 ] || fail "ioctl-errors exited $st: $(tail -n1 /tmp/ioctl-errors.out)"
[ "$TARGET" = kvm ] && grep -q '^skip' /tmp/ioctl-errors.out &&
	fail "rows skipped on the real KVM: $(grep -m1 '^skip' /tmp/ioctl-errors.out)"
exit 0
