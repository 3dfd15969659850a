# SPDX-License-Identifier: GPL-2.0
# pit-calibrate: a Linux-style TSC calibration against the in-kernel PIT
# (final/guests/pit-calibrate.S, as pit_calibrate_tsc(): counter 2 in mode
# 0 for 50 ms, GATE through port 0x61, OUT 2 polled on port 0x61 bit 5,
# the smallest of five tries).  The guest's TSC frequency must agree with
# what KVM_GET_TSC_KHZ reports within 1 %.  The frequency is the host's,
# measured under emulation, so the run is not traced for the differential
# oracle; the numbers are printed.
# since: 04-apic-pit
. /lab/scenarios/lib.sh

untraced() {
	local saved=${TRACE_DIR:-}
	TRACE_DIR=
	vmm "$@"
	TRACE_DIR=$saved
}

untraced --timeout 60 "$GUESTS/pit-calibrate.bin"
expect_status 65 "EXIT_PASS"
guest=$(echo "$OUT" | sed -n 's/^tsc khz by the PIT: \([0-9]*\)$/\1/p')
kvm=$(echo "$OUT" | sed -n 's/^minivmm: KVM_GET_TSC_KHZ: \([0-9]*\)$/\1/p')
[ -n "$guest" ] || fail "the guest printed no TSC frequency"
[ -n "$kvm" ] || fail "no KVM_GET_TSC_KHZ: $(echo "$OUT" | grep KVM_GET_TSC_KHZ)"
diff=$((guest > kvm ? guest - kvm : kvm - guest))
echo "guest measured $guest kHz, KVM_GET_TSC_KHZ $kvm kHz, difference $diff kHz"
[ $((diff * 100)) -le "$kvm" ] || fail "guest's $guest kHz and KVM_GET_TSC_KHZ's $kvm kHz differ by more than 1 %"
