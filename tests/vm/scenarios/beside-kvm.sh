# SPDX-License-Identifier: GPL-2.0
# beside-kvm: minikvm and the real KVM never share the machine, and the
# kernel says why in one dmesg line.  minikvm.ko exports the same symbols
# as Linux's kvm.ko (Linux's names, kvm_init() and friends), so the module
# loader refuses whichever of the two comes second:
#   "minikvm: exports duplicate symbol kvm_... (owned by kvm)"
# before any of minikvm's code runs.  docs/real-hardware.md quotes these
# lines; this checks them.
#   target kvm:     the real KVM is loaded: minikvm.ko must not load, nor
#                   minikvm-<vendor>.ko on its own (its calls would land
#                   in the real kvm.ko: modversions must refuse them);
#                   the real KVM still runs hello.
#   target minikvm: the real kvm.ko must not load next to minikvm.ko;
#                   minikvm still runs hello.
# Either way only the target's own modules are loaded at the end.
# since: 01-vmx-on
. /lab/scenarios/lib.sh

case $ARCH in
svm) ours=minikvm-amd ;;
vmx) ours=minikvm-intel ;;
esac
loaded() { grep -q "^$(echo "$1" | tr - _) " /proc/modules; }

restore() {
	local m
	for m in $ours minikvm kvm irqbypass; do
		case " $(target_modules) " in *" $m "*) continue ;; esac
		loaded "$m" && rmmod "$m"
	done
	for m in $(target_modules); do
		loaded "$m" || insmod "$MODDIR/$m.ko" 2>/dev/null
	done
}
trap restore EXIT

# refused FILE PATTERN: insmod FILE fails and a new dmesg line matches
# PATTERN (grep -E).
refused() {
	local n
	n=$(dmesg | wc -l)
	if insmod "$1" 2>/tmp/insmod.err; then
		fail "insmod $1 succeeded next to the other KVM"
	fi
	echo "insmod $1: refused: $(cat /tmp/insmod.err)"
	dmesg | tail -n +$((n + 1)) >/tmp/dmesg.new
	sed 's/^/  dmesg: /' /tmp/dmesg.new
	grep -qE -- "$2" /tmp/dmesg.new ||
		fail "insmod $1: no dmesg line matching '$2': $(tail -n1 /tmp/dmesg.new)"
}

if [ "$TARGET" = kvm ]; then
	refused /lab/modules/minikvm/minikvm.ko \
		'minikvm: exports duplicate symbol [a-z0-9_]+ \(owned by kvm\)'
	refused "/lab/modules/minikvm/$ours.ko" \
		"$(echo "$ours" | tr - _): (disagrees about version of|Unknown) symbol"
	[ ! -e /dev/minikvm ] || fail "/dev/minikvm exists"
else
	# kvm.ko needs irqbypass.ko, which minikvm does not replace.
	insmod /lab/modules/kvm/irqbypass.ko 2>/tmp/insmod.err ||
		fail "insmod irqbypass: $(cat /tmp/insmod.err)"
	refused /lab/modules/kvm/kvm.ko \
		'kvm: exports duplicate symbol [a-z0-9_]+ \(owned by minikvm\)'
	rmmod irqbypass || fail "rmmod irqbypass"
fi

vmm "$GUESTS/hello.bin"
expect_out "Hello from the minikvm guest!"
expect_status 67 "hello on $DEV afterwards"
