# SPDX-License-Identifier: GPL-2.0
# ioctl-errors: misuse of the ioctl ABI - unknown ioctls and ioctls on the
# wrong fd, arguments where none is allowed, bad VM types, vCPU ids out of
# range or taken, invalid memslots, bad pointers, mmap beyond kvm_run -
# each answered with KVM's own errno (Linux 6.1 is the reference; the
# tool's comments name the deciding function).  Proves "never a crash,
# always KVM's error code" for everything chapter 01 reaches.
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
