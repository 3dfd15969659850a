# SPDX-License-Identifier: GPL-2.0
# Helpers for scenario scripts (sourced).  A scenario runs inside the lab
# with DEV (the device to use), TARGET (minikvm or kvm), ARCH (svm or vmx),
# GUESTS, VMM and MODDIR set.  It exits 0 to pass, 77 to skip, anything
# else to fail; `fail` and `skip` print the one-line reason the lab reports.

fail() { echo "reason: $*"; exit 1; }
skip() { echo "reason: $*"; exit 77; }

# vmm ARGS...: run minivmm, keeping its stdout in $OUT, stderr in $ERR and
# its exit status in $STATUS.  Never fails by itself.
vmm() {
	"$VMM" --dev "$DEV" "$@" >/tmp/vmm.out 2>/tmp/vmm.err
	STATUS=$?
	OUT=$(cat /tmp/vmm.out)
	ERR=$(cat /tmp/vmm.err)
	echo "minivmm $*: status $STATUS"
	sed 's/^/  out: /' /tmp/vmm.out
	sed 's/^/  err: /' /tmp/vmm.err
}

expect_status() {
	[ "$STATUS" = "$1" ] || fail "minivmm exited with $STATUS, expected $1${2:+ ($2)}: $(tail -n1 /tmp/vmm.err)"
}

expect_out() {
	[ "$OUT" = "$1" ] || fail "guest printed '$(echo "$OUT" | head -c 80)', expected '$1'"
}

expect_err_contains() {
	grep -qF -- "$1" /tmp/vmm.err || fail "minivmm did not report '$1': $(tail -n1 /tmp/vmm.err)"
}
