# SPDX-License-Identifier: GPL-2.0
# exit-stat: minikvm-stat (final/tools/kvm/minikvm-stat), the kvm_stat of
# this project, counts a live VM's exits by reason: on minikvm from its
# debugfs exits file, on the real KVM from the kvm:kvm_exit tracepoint
# (a histogram trigger).  Checked against what it does not read:
# minivmm's own --trace, which sees every exit that reaches userspace.
# The spin guest prints "spinning\n", an IN of COM1's line status and an
# OUT for each of its 9 bytes (18 I/O exits, every one handled by
# minivmm), then spins, exiting only for the host's interrupts.  While it
# spins, `minikvm-stat --once` must find in its VM as many IOIO exits
# (VMX: IO_INSTRUCTION) as the trace has io exits, none of them new in
# its interval, and reasons that add up to the VM's total in debugfs
# (KVM's own exits counter there) give or take the exits between the two
# readings.  On minikvm, --from trace (the tracepoint's histogram) must
# agree with debugfs too.
# since: 01-vmx-on
. /lab/scenarios/lib.sh

need_files /lab/bin/minikvm-stat "$GUESTS/spin.bin"
io=IOIO
[ "$ARCH" = vmx ] && io=IO_INSTRUCTION

# Count with the tracepoint from before the VM exists: its first exits too.
minikvm-stat --hist on || fail "minikvm-stat --hist on failed"
trap 'minikvm-stat --hist off' EXIT

# Not vmm_bg: this run's trace is ours, not the oracle's.
: >/tmp/stat.out
"$VMM" --dev "$DEV" --timeout 30 --trace /tmp/stat.trace "$GUESTS/spin.bin" \
	>/tmp/stat.out 2>/tmp/stat.err &
BG_PID=$!
BG_PIDS=$BG_PID
wait_for_out stat spinning
minikvm-stat --once -d 0.3 >/tmp/stat.once 2>&1
[ "$TARGET" = minikvm ] && minikvm-stat --once -d 0.1 --from trace >/tmp/stat.hist 2>&1
# SIGTERM: minivmm stops the guest and writes its trace.
kill -TERM "$BG_PID"
wait "$BG_PID"
BG_PIDS=
cat /tmp/stat.once
[ "$TARGET" = minikvm ] && cat /tmp/stat.hist

# col FILE REASON N: column N (2 rate, 3 count) of REASON in the table of
# our VM (its pid is the first half of the VM's name).
col() {
	awk -v vm="$BG_PID" -v r="$2" -v n="$3" '
		$1 == "VM" { mine = (index($2, vm "-") == 1) }
		mine && $1 == r { print $n; exit }' "$1"
}
grep -q "^VM $BG_PID-" /tmp/stat.once || fail "minikvm-stat --once did not list the VM of minivmm $BG_PID"
user=$(grep -c '^exit [0-9]* io ' /tmp/stat.trace)
seen=$(col /tmp/stat.once "$io" 3)
echo "I/O exits: minikvm-stat $io ${seen:-none}, minivmm's trace $user"
[ "$user" = 18 ] || fail "minivmm's trace has $user io exits, the spin guest makes 18"
[ "${seen:-0}" = "$user" ] ||
	fail "minikvm-stat counted ${seen:-no} $io exits, minivmm handled $user"
rate=$(col /tmp/stat.once "$io" 2)
[ "$rate" = 0 ] || fail "minikvm-stat says $rate $io exits/s while the guest spins without I/O"

# The reasons against the VM's total: the histogram and debugfs's
# counter on KVM, two readings of debugfs on minikvm.
awk -v vm="$BG_PID" '
	$1 == "VM" { mine = (index($2, vm "-") == 1); next }
	!mine || $1 == "exit" { next }
	$1 == "total" { total = $3; next }
	{ sum += $3 }
	END {
		d = sum - total; if (d < 0) d = -d
		printf "reasons add up to %d, total %d\n", sum, total
		exit !(total > 0 && d <= total / 5 + 20)
	}' /tmp/stat.once || fail "the VM's exit reasons do not add up to its total: $(tail -n1 /tmp/stat.once)"

if [ "$TARGET" = minikvm ]; then
	hist=$(col /tmp/stat.hist "$io" 3)
	echo "minikvm:kvm_exit histogram: $io ${hist:-none}"
	[ "${hist:-0}" = "$user" ] ||
		fail "minikvm-stat --from trace counted ${hist:-no} $io exits, debugfs $seen"
fi
