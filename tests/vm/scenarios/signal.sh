# SPDX-License-Identifier: GPL-2.0
# signal: a signal gets minivmm out of KVM_RUN while the guest spins in
# "jmp ." without ever exiting.  First --timeout 0.2 (SIGALRM after 200
# ms: Bochs runs far slower than real time, and each second costs); then SIGTERM
# sent from here to a second spinning minivmm, which must exit promptly.
# Both times KVM_RUN returns -EINTR and minivmm exits 8.  Proves that a
# pending signal kicks the vCPU out of the guest.
# since: 01-vmx-on
. /lab/scenarios/lib.sh
vmm --timeout 0.2 "$GUESTS/spin.bin"
expect_out "spinning"
expect_status 8 "KVM_RUN interrupted by SIGALRM"
expect_err_contains "interrupted by signal 14"

vmm_bg spin "$GUESTS/spin.bin"
wait_for_out spin spinning
sleep 0.1			# well inside the guest's loop by now
t0=$(uptime_ms)
kill -TERM "$BG_PID"
wait "$BG_PID"
st=$?
t1=$(uptime_ms)
echo "SIGTERM: status $st after $((t1 - t0)) ms; $(cat /tmp/spin.err)"
[ "$st" = 8 ] || fail "SIGTERM: minivmm exited with $st, expected 8: $(tail -n1 /tmp/spin.err)"
grep -qF "interrupted by signal 15" /tmp/spin.err ||
	fail "SIGTERM: minivmm did not report signal 15: $(tail -n1 /tmp/spin.err)"
# "Promptly": ~70 ms on QEMU TCG; the bound leaves room for slow Bochs.
[ $((t1 - t0)) -lt 5000 ] || fail "SIGTERM: minivmm took $((t1 - t0)) ms to exit"
