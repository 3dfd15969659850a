# SPDX-License-Identifier: GPL-2.0
# irq-storm: hostile.  A minivmm thread changes GSI 5 a million times
# (KVM_IRQ_LINE back to back) while the guest spins with IF=0
# (final/guests/irq-storm.S, in long mode with idt64.S's 64-bit IDT).  The
# host must stay responsive (a 1 s sleep here returns on time), must not
# grow (MemAvailable and Slab before and after, within 8 MiB), and the
# guest must then receive the latched edge exactly once after STI.
# since: 03-irq
. /lab/scenarios/lib.sh
meminfo() { awk -v k="$1:" '$1 == k { print $2 }' /proc/meminfo; }
avail0=$(meminfo MemAvailable) slab0=$(meminfo Slab)
vmm_bg storm --timeout 120 "$GUESTS/irq-storm.bin"
wait_for_out storm "storm of 1000000" 30
t0=$(uptime_ms)
sleep 1
t1=$(uptime_ms)
wait "$BG_PID"
st=$?
avail1=$(meminfo MemAvailable) slab1=$(meminfo Slab)
cat /tmp/storm.out
echo "sleep 1 took $((t1 - t0)) ms; MemAvailable $avail0 -> $avail1 kB, Slab $slab0 -> $slab1 kB"
[ "$st" = 65 ] || fail "minivmm exited with $st, expected 65: $(tail -n1 /tmp/storm.err)"
[ "$(cat /tmp/storm.out)" = "minivmm: storm of 1000000 line changes on GSI 5 started
storm started: 00000000
minivmm: storm done, 0 failed KVM_IRQ_LINE calls
failed line changes: 00000000
irr after the storm: 00000020
deliveries with IF=0: 00000000
deliveries after sti: 00000001" ] || fail "unexpected output: $(tr '\n' '|' </tmp/storm.out)"
[ $((t1 - t0)) -lt 3000 ] || fail "a 1 s sleep took $((t1 - t0)) ms during the storm"
[ $((avail0 - avail1)) -lt 8192 ] || fail "MemAvailable fell by $((avail0 - avail1)) kB"
[ $((slab1 - slab0)) -lt 8192 ] || fail "Slab grew by $((slab1 - slab0)) kB"
