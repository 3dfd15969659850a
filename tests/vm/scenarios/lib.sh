# SPDX-License-Identifier: GPL-2.0
# Helpers for scenario scripts (sourced).  A scenario runs inside the lab
# with DEV (the device to use), TARGET (minikvm or kvm), ARCH (svm or vmx),
# GUESTS, VMM, MODDIR and SCENARIO (its own name) set, and TRACE_DIR when the
# lab's differential oracle records traces.  It exits 0 to pass, 77 to skip, anything
# else to fail; `fail` and `skip` print the one-line reason the lab reports.
# Lines it prints that begin "figure: " (what it measured) are shown under
# its PASS line, as "   = ...".
figure() { echo "figure: $*"; }

fail() { echo "reason: $*"; kill_bg; exit 1; }
skip() { echo "reason: $*"; exit 77; }

# trace_args: "--trace FILE" for the next run of minivmm when the lab
# records traces for the differential oracle (TRACE_DIR set) and this
# minivmm has the option; nothing otherwise.  The runs of one scenario are
# numbered in order, so that tests/vm/init can pair run n on minikvm with
# run n on the real KVM: $TRACE_DIR/$TARGET/$SCENARIO.n.
trace_args() {
	local n
	[ -n "${TRACE_DIR:-}" ] && [ -n "${SCENARIO:-}" ] || return 0
	if [ -z "${TRACE_SUPPORTED:-}" ]; then
		TRACE_SUPPORTED=no
		"$VMM" --help 2>&1 | grep -q -- '--trace' && TRACE_SUPPORTED=yes
	fi
	[ "$TRACE_SUPPORTED" = yes ] || return 0
	mkdir -p "$TRACE_DIR/$TARGET"
	# A file, not a variable: a run inside $(...) or a subshell counts too.
	n=$(( $(cat "$TRACE_DIR/$TARGET/$SCENARIO.count" 2>/dev/null || echo 0) + 1 ))
	echo "$n" >"$TRACE_DIR/$TARGET/$SCENARIO.count"
	echo "--trace $TRACE_DIR/$TARGET/$SCENARIO.$n"
}

# bochs_nmi_tick: under Bochs (vmx), load nmi-tick.ko for the rest of
# this scenario (tests/vm/init unloads it after): a guest that loops with
# IF = 0 after its VM entry is deaf there to the host's interrupts, and the
# periodic NMI gets the host back (tests/vm/nmi-tick/nmi-tick.c says why).
# For the scenarios whose guests spin with interrupts off or whose VMMs
# are killed while their vCPUs run; nothing elsewhere.
bochs_nmi_tick() {
	[ "$ARCH" = vmx ] || return 0
	need_files /lab/modules/nmi-tick.ko
	insmod /lab/modules/nmi-tick.ko || fail "cannot load nmi-tick.ko"
}

# need_files FILE...: fail unless each exists.  A missing minivmm, tool or
# guest binary is a broken lab, not a reason to skip.
need_files() {
	local f
	for f in "$@"; do
		[ -e "$f" ] || fail "$f is missing from the lab's initramfs"
	done
}

# check_vmm_args ARGS...: the arguments of a minivmm command line that name
# files of the lab (guests, modules): those must exist.
check_vmm_args() {
	local a
	need_files "$VMM"
	for a in "$@"; do
		case $a in
		"$GUESTS"/*) need_files "${a%%,*}" ;;
		esac
	done
}

# vmm ARGS...: run minivmm, keeping its stdout in $OUT, stderr in $ERR and
# its exit status in $STATUS.  Never fails by itself, except when a file
# it is given is missing.
vmm() {
	check_vmm_args "$@"
	# shellcheck disable=SC2046 # trace_args is empty or two words
	"$VMM" --dev "$DEV" $(trace_args) "$@" >/tmp/vmm.out 2>/tmp/vmm.err
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
	local d
	[ "$OUT" = "$1" ] && return 0
	# The first line that differs, for the one-line reason.
	d=$(printf '%s\n' "$1" | awk -v out="$OUT" 'BEGIN { n = split(out, o, "\n") }
		{ if (NR > n || o[NR] != $0) { printf "line %d: got \"%s\", expected \"%s\"", NR, (NR > n ? "(end)" : o[NR]), $0; f = 1; exit } }
		END { if (!f && n > NR) printf "line %d: got \"%s\", expected the end", NR + 1, o[NR + 1] }')
	fail "guest printed '$(echo "$OUT" | head -c 80)', expected '$(echo "$1" | head -c 80)'; $d"
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
	local name=$1 targs
	shift
	check_vmm_args "$@"
	# The trace arguments first: a command substitution inside the
	# background command would make the shell fork a subshell for it, and
	# $! would then be that subshell, not minivmm (tracing looks up the
	# VM's debugfs directory by minivmm's pid).
	targs=$(trace_args)
	# Empty the output files here, in this shell, before the fork: the
	# child's own ">" runs later, and until then wait_for_out would read
	# what the same scenario's run on the other target left there.
	: >"/tmp/$name.out"
	: >"/tmp/$name.err"
	# shellcheck disable=SC2086 # targs is empty or two words
	"$VMM" --dev "$DEV" $targs "$@" >"/tmp/$name.out" 2>"/tmp/$name.err" &
	BG_PID=$!
	BG_PIDS="$BG_PIDS $BG_PID"
	echo "minivmm $* &: pid $BG_PID"
}

# kill_bg: kill -9 every minivmm vmm_bg started that still runs, and reap
# it, so that a scenario that fails halfway leaves no VM behind to hold
# the modules (the lab unloads them after the last scenario).
kill_bg() {
	local p
	for p in ${BG_PIDS:-}; do
		kill -KILL "$p" 2>/dev/null && wait "$p" 2>/dev/null
	done
	BG_PIDS=
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

# no_irqchip: "--irqchip none" when this tree's minivmm has the option
# (chapter 03 on, where its default puts the irqchip in the kernel and a
# HLT with IF=0 sleeps there for ever); nothing before.  For scenarios
# that need HLT to exit to userspace.
no_irqchip() {
	"$VMM" --help 2>&1 | grep -q -- '--irqchip' && echo "--irqchip none"
	return 0
}

# The linux-* scenarios: the lab's own kernel (/lab/linux/bzImage) with
# tests/vm/linux/init in its initramfs, booted by minivmm --linux.
# linux_start NAME TEST ARGS...: start it in the background with the
# guest's test TEST (its l2= parameter), the in-kernel irqchip and PIT,
# and minivmm's ARGS; its stdin is the FIFO on fd 3 (linux_type), its
# output in /tmp/NAME.out and .err.  Not vmm_bg: the shell gives a
# background command /dev/null as stdin unless it redirects it itself.
# lpj= spares the guest its delay-loop calibration, minutes of emulated
# time under two levels of emulation; nothing else departs from a normal
# command line (no noapic, nolapic).
linux_start() {
	local name=$1 test=$2
	shift 2
	need_files "$VMM" /lab/linux/bzImage /lab/linux/initrd.cpio
	rm -f "/tmp/$name.in"
	mkfifo "/tmp/$name.in"
	exec 3<>"/tmp/$name.in"
	: >"/tmp/$name.out"
	: >"/tmp/$name.err"
	"$VMM" --dev "$DEV" -m 256M --pit --timeout 200 --linux /lab/linux/bzImage \
		--initrd /lab/linux/initrd.cpio \
		--cmdline "console=ttyS0 panic=-1 lpj=2000000 loglevel=4 l2=$test" "$@" \
		<&3 >"/tmp/$name.out" 2>"/tmp/$name.err" &
	BG_PID=$!
	BG_PIDS="$BG_PIDS $BG_PID"
	echo "minivmm --linux (l2=$test) $* &: pid $BG_PID"
}

# linux_wait_for NAME TEXT [SECONDS]: until the guest printed TEXT (0), or
# minivmm ended or SECONDS (default 190) went by (1).
linux_wait_for() {
	local i=0
	while ! grep -qF -- "$2" "/tmp/$1.out"; do
		kill -0 "$BG_PID" 2>/dev/null && [ $i -lt $(( ${3:-190} * 10 )) ] || return 1
		sleep 0.1
		i=$((i + 1))
	done
}

# linux_type TEXT: a line into the guest's console (minivmm's stdin).
linux_type() { printf '%s\n' "$1" >&3; }

# linux_finish NAME: wait for minivmm; its status in $STATUS, the guest's
# output in $OUT, and both streams shown in full (the lab keeps the log).
linux_finish() {
	wait "$BG_PID"
	STATUS=$?
	BG_PIDS=
	exec 3>&-
	OUT=$(tr -d '\r' <"/tmp/$1.out")
	cp "/tmp/$1.err" /tmp/vmm.err
	echo "minivmm: status $STATUS"
	sed 's/^/  out: /' "/tmp/$1.out"
	sed 's/^/  err: /' "/tmp/$1.err"
}

# l2 KEY: the rest of the guest's first "L2: KEY..." line.
l2() { printf '%s\n' "$OUT" | sed -n "s/^L2: $1//p" | head -n1; }

# expect_reboot: the guest reached its init, then rebooted through the
# keyboard controller (minivmm status 10).
expect_reboot() {
	[ -n "$(l2 'init reached')" ] || fail "the guest never reached its init"
	expect_status 10 "the guest rebooted through the keyboard controller"
}
