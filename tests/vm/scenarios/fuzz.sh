# SPDX-License-Identifier: GPL-2.0
# fuzz: kvm-fuzz (tests/fuzz, docs/reliability.md), a short pass with
# fixed seeds.  (1) Random ioctls from 4 threads on every fd type, guests
# doing random things in KVM_RUN, memslots changed and fds closed under
# running vCPUs; then the kernel log must hold no complaint, and free
# pages, slab caches and (minikvm) the debugfs object counters must be
# back where they were.  (2) One deterministic thread whose every answer
# is logged; on the kvm target the log is compared with minikvm's from
# this boot, and every difference must be on tests/fuzz/errno-allow.
# fuzz-long.sh runs the same with make fuzz's counts (FUZZ_COUNT,
# FUZZ_DIFF_COUNT, FUZZ_SEED, FUZZ_DIFF_SEED).
# since: final
. /lab/scenarios/lib.sh
fz=$(dirname "$VMM")/kvm-fuzz
allow=/lab/fuzz/errno-allow
need_files "$fz" "$allow" /lab/kernel-complaints
# Random guests loop with interrupts off: under Bochs only a periodic NMI
# gets the host back from them (lib.sh).
bochs_nmi_tick
case $ARCH in
svm)	n=${FUZZ_COUNT:-8000} d=${FUZZ_DIFF_COUNT:-3000} ;;
*)	n=${FUZZ_COUNT:-3000} d=${FUZZ_DIFF_COUNT:-1000} ;;
esac
seed=${FUZZ_SEED:-0x5eed1} dseed=${FUZZ_DIFF_SEED:-0x5eed2}
out=/tmp/$SCENARIO.out

"$fz" --dev "$DEV" --seed "$seed" --count "$n" --threads 4 --check \
	--complaints /lab/kernel-complaints >"$out" 2>&1
st=$?
cat "$out"
[ "$st" = 0 ] || fail "random pass (seed $seed, $n ioctls): status $st: $(grep -m1 -E 'FAIL|HANG' "$out")"
sed -n -e 's/^kvm-fuzz: \([0-9]* ioctls in .*\)$/random pass: \1/p' \
	-e 's/^kvm-fuzz: check \([a-z].*\)$/random pass, check \1/p' "$out" |
	while IFS= read -r l; do figure "$l"; done

# The minikvm run's log stays in /tmp for the kvm run of this boot.
log=/tmp/$SCENARIO-diff.$TARGET mine=/tmp/$SCENARIO-diff.minikvm
from=
[ "$TARGET" = kvm ] && [ -f "$mine" ] && from="--features-from $mine"
# shellcheck disable=SC2086 # from is empty or two words
"$fz" --dev "$DEV" --seed "$dseed" --count "$d" --diff "$log" $from --check \
	--complaints /lab/kernel-complaints >"$out" 2>&1
st=$?
cat "$out"
[ "$st" = 0 ] || fail "diff pass (seed $dseed, $d ioctls): status $st: $(grep -m1 -E 'FAIL|HANG' "$out")"
sed -n 's/^kvm-fuzz: \([0-9]* ioctls in [0-9.]* s\).*$/diff pass: \1/p' "$out" |
	while IFS= read -r l; do figure "$l"; done
if [ "$TARGET" = kvm ]; then
	[ -f "$mine" ] || { echo "no minikvm log of this boot to compare with"; exit 0; }
	"$fz" --compare "$mine" "$log" --allow "$allow" >"$out" 2>&1
	st=$?
	cat "$out"
	if [ "$st" != 0 ]; then
		# The lab shows a failed scenario's last 20 lines: these first.
		echo "the first unexplained differences:"
		grep -E '^compare: MISMATCH|^compare:   ' "$out" | head -n 14
		fail "minikvm's answers differ from kvm's ($(tail -n1 "$out")); first: $(grep -m1 MISMATCH "$out")"
	fi
	figure "comparison: $(tail -n1 "$out")"
fi
exit 0
