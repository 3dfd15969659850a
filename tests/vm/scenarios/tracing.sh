# SPDX-License-Identifier: GPL-2.0
# tracing: watching exits, the way docs/gdb.md shows it.  First the VM-exit
# tracepoint: enable it in tracefs (minikvm:kvm_exit for our modules,
# kvm:kvm_exit for the real KVM), run the cpuid and hello guests, and find
# their exits in the trace: CPUID, and I/O with COM1's port 0x3f8 in the
# exit information (bits 31:16 of SVM's EXITINFO1 and of VMX's exit
# qualification).  Then the per-VM counters in debugfs, read while a
# spinning guest keeps its VM alive: minikvm/<pid>-<fd>/exits has one line
# per exit reason ("IOIO 18"), KVM's kvm/<pid>-<fd>/ a file per counter
# (io_exits).  The spin guest prints "spinning\n" with 9 OUTs to COM1: at
# least 9 I/O exits.
# since: 01-vmx-on
. /lab/scenarios/lib.sh

tracefs=/sys/kernel/tracing
[ -d $tracefs/events ] || mount -t tracefs tracefs $tracefs 2>/dev/null
[ -d $tracefs/events ] || skip "this kernel has no tracefs"
sys=minikvm
[ "$TARGET" = kvm ] && sys=kvm
event=$tracefs/events/$sys/kvm_exit
[ -d "$event" ] || fail "no $sys:kvm_exit tracepoint in $event"

# Trace the two guests, and only them.
echo 0 >$tracefs/tracing_on
echo >$tracefs/trace
echo 1 >"$event/enable"
echo 1 >$tracefs/tracing_on
vmm "$GUESTS/cpuid.bin"
expect_status 97 "the cpuid guest's own exit code"
vmm "$GUESTS/hello.bin"
expect_status 67 "the hello guest's own exit code"
echo 0 >$tracefs/tracing_on
echo 0 >"$event/enable"
grep ' kvm_exit: ' $tracefs/trace >/tmp/exits.trace
echo "$sys:kvm_exit events: $(wc -l </tmp/exits.trace); the first ones:"
head -n 12 /tmp/exits.trace

# Exit names: ours are those of vmcb.h/vmcs.h (CPUID, IOIO,
# IO_INSTRUCTION), KVM's SVM names are lower case (cpuid, io).
grep -qiE 'reason cpuid\b' /tmp/exits.trace || fail "no CPUID exit in the $sys:kvm_exit trace"
io_re='reason (ioio|io|io_instruction)\b'
grep -qiE "$io_re" /tmp/exits.trace || fail "no I/O exit in the $sys:kvm_exit trace"
com1=0
for info1 in $(grep -iE "$io_re" /tmp/exits.trace | sed -n 's/.* info1 \(0x[0-9a-fA-F]*\).*/\1/p'); do
	[ $(((info1 >> 16) & 0xffff)) = $((0x3f8)) ] && com1=$((com1 + 1))
done
echo "I/O exits naming port 0x3f8 in info1: $com1"
[ "$com1" -ge 1 ] || fail "no I/O exit of the trace names port 0x3f8 in info1"

# The counters of a live VM.
vmm_bg spin "$GUESTS/spin.bin"
wait_for_out spin spinning
dir=$(ls -d /sys/kernel/debug/$sys/"$BG_PID"-* 2>/dev/null | head -n 1)
if [ -z "$dir" ] || [ ! -r "$dir/exits" ]; then
	kill -KILL "$BG_PID"
	fail "no /sys/kernel/debug/$sys/$BG_PID-<fd>/exits for the spinning minivmm"
fi
# io_count: the VM's I/O exits so far.  KVM keeps one file per counter
# (exits, io_exits, ...); ours has a line per exit reason.
io_count() {
	if [ "$TARGET" = kvm ]; then
		cat "$dir/io_exits"
	else
		awk '$1 == "IOIO" || $1 == "IO_INSTRUCTION" { print $2 }' "$dir/exits"
	fi
}
io=$(io_count)
[ "${io:-0}" -ge 9 ] || { sleep 1; io=$(io_count); }
echo "$dir/exits:"
sed 's/^/  /' "$dir/exits" | tee /tmp/exits.count
[ "$TARGET" = kvm ] && echo "$dir/io_exits: $io"
kill -KILL "$BG_PID"
wait "$BG_PID" 2>/dev/null
if [ "$TARGET" != kvm ]; then
	total=$(awk '$1 == "total" { print $2 }' /tmp/exits.count)
	sum=$(awk '$1 != "total" { s += $2 } END { print s + 0 }' /tmp/exits.count)
	[ "$sum" = "$total" ] || fail "the exit counts by reason add up to $sum, the total says $total"
fi
[ "${io:-0}" -ge 9 ] || fail "debugfs counted ${io:-no} I/O exits for the spin guest, expected at least 9"
[ -d "$dir" ] && fail "$dir is still there after its VM was closed"
echo "debugfs: $io I/O exits; the directory went with the VM"
