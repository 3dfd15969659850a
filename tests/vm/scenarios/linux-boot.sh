# SPDX-License-Identifier: GPL-2.0
# linux-boot: the lab's own kernel (a Debian bzImage, unmodified) boots on
# minivmm --linux with 2 vCPUs, the in-kernel irqchip and PIT, up to its
# init (tests/vm/linux/init), which reports and reboots.  On each target:
#   - both CPUs online: the MP table (vmm/mptable.c) read, the AP started
#     with INIT/SIPI;
#   - the UART's interrupts (and the PIT's, where the guest uses the PIT)
#     counted on the IO-APIC, not the XT-PIC: Linux took the IOAPIC the
#     MP table describes;
#   - the local APIC timer ticked on each CPU (LOC > 0 on both);
#   - the CMOS clock (vmm/rtc.c) said the host's time, to a few seconds;
#   - a line written to minivmm's stdin reached the guest's shell (the
#     UART's receive interrupt);
#   - the reboot reached the keyboard controller: minivmm status 10.
# lpj= spares the guest its delay-loop calibration, minutes of emulated
# time under two levels of emulation; nothing else departs from a normal
# command line (no noapic, nolapic).  No trace: a kernel's boot takes a
# different number of exits on every run, on any hypervisor, so the
# oracle here is that KVM passes the same checks in the same boot.
# since: final
# timeout: 240
. /lab/scenarios/lib.sh
# Bochs: see tests/vm/skip-allow.
[ "$ARCH" = vmx ] && skip "a Linux boot one level down is too slow under Bochs for make test"
unset TRACE_DIR
need_files /lab/linux/bzImage /lab/linux/initrd.cpio
t0=$(date +%s)
# minivmm's stdin is a FIFO the scenario writes a line into once the
# guest asks for it (the 8250 driver starts by draining its receiver).
rm -f /tmp/l2-in
mkfifo /tmp/l2-in
exec 3<>/tmp/l2-in
# Started here, not with vmm_bg: the shell gives a background command
# /dev/null as stdin unless the command itself redirects it.
"$VMM" --dev "$DEV" --smp 2 -m 256M --pit --timeout 200 --linux /lab/linux/bzImage \
	--initrd /lab/linux/initrd.cpio \
	--cmdline "console=ttyS0 panic=-1 lpj=2000000 loglevel=4" \
	<&3 >/tmp/linux.out 2>/tmp/linux.err &
BG_PID=$!
BG_PIDS=$BG_PID
# Until the guest asks, minivmm ends, or 190 s: then the guest's output
# is shown in full whatever happened (wait_for_out would fail first).
i=0
while ! grep -q "L2: type a line" /tmp/linux.out && kill -0 "$BG_PID" 2>/dev/null &&
	[ $i -lt 1900 ]; do
	sleep 0.1
	i=$((i + 1))
done
echo "typed-into-com1" >&3
wait "$BG_PID"
STATUS=$?
BG_PIDS=
exec 3>&-
OUT=$(cat /tmp/linux.out)
sed 's/^/  out: /' /tmp/linux.out
sed 's/^/  err: /' /tmp/linux.err
t1=$(date +%s)
expect_status 10 "the guest rebooted through the keyboard controller"
l2() { printf '%s\n' "$OUT" | sed -n "s/^L2: $1//p" | tr -d '\r' | head -n1; }
[ -n "$(l2 'init reached')" ] || fail "the guest never reached its init"
[ "$(l2 'read ')" = "'typed-into-com1'" ] || fail "the console read '$(l2 'read ')'"
[ "$(l2 'cpus online ')" = 0-1 ] || fail "CPUs online: '$(l2 'cpus online ')', expected 0-1"
# The UART's interrupt on the IO-APIC, counted.  The PIT's, if the guest
# uses it at all: under the real KVM it does not - KVM's paravirtual
# CPUID leaves (kvm-clock) and TSC-deadline let Linux do without - so
# the timer is checked only where it appears, and the local APIC timers
# (LOC) on both.
for irq in ttyS0 timer; do
	line=$(printf '%s\n' "$OUT" | tr -d '\r' | grep "^L2: irq .* $irq\$")
	[ -z "$line" ] && [ "$irq" = timer ] && continue
	echo "$line" | grep -q IO-APIC || fail "$irq not on the IO-APIC: '$line'"
	echo "$line" | awk '{ n = 0; for (i = 4; i <= 5; i++) n += $i } END { exit !(n > 0) }' ||
		fail "no $irq interrupts: '$line'"
done
loc=$(printf '%s\n' "$OUT" | tr -d '\r' | grep "^L2: irq *LOC:")
echo "$loc" | awk '{ exit !($4 > 0 && $5 > 0) }' || fail "a local APIC timer never ticked: '$loc'"
rtc=$(l2 'rtc ')
case $rtc in ''|*[!0-9]*) fail "no CMOS time: '$rtc'" ;; esac
[ "$rtc" -ge $((t0 - 2)) ] && [ "$rtc" -le $((t1 + 2)) ] ||
	fail "the CMOS clock said $rtc, outside $t0..$t1"
