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

# target_modules: the modules of $TARGET on $ARCH, in insmod order.  The
# same lists as target_modules() in tests/vm/init: keep the two in step.
target_modules() {
	case "$TARGET/$ARCH" in
	kvm/svm)	echo "irqbypass kvm ccp kvm-amd" ;;
	kvm/vmx)	echo "irqbypass kvm kvm-intel" ;;
	minikvm/svm)	echo "minikvm minikvm-amd" ;;
	minikvm/vmx)	echo "minikvm minikvm-intel" ;;
	esac
}

# uptime_ms: milliseconds since boot, for "did it happen promptly?".
uptime_ms() { awk '{ printf "%d\n", $1 * 1000 }' /proc/uptime; }

# vmm_bg NAME ARGS...: start minivmm in the background, its stdout in
# /tmp/NAME.out and stderr in /tmp/NAME.err; its pid is left in $BG_PID.
vmm_bg() {
	local name=$1
	shift
	"$VMM" --dev "$DEV" "$@" >"/tmp/$name.out" 2>"/tmp/$name.err" &
	BG_PID=$!
	echo "minivmm $* &: pid $BG_PID"
}

# wait_for_out NAME TEXT [SECONDS]: wait until the guest of vmm_bg NAME
# has printed TEXT (default: up to 10 s); fail if it never does.
wait_for_out() {
	local i=0 n=$(( ${3:-10} * 10 ))
	while ! grep -qF -- "$2" "/tmp/$1.out" 2>/dev/null; do
		i=$((i + 1))
		[ $i -le $n ] || fail "the guest of '$1' did not print '$2' in ${3:-10} s: $(cat "/tmp/$1.err")"
		sleep 0.1
	done
}
