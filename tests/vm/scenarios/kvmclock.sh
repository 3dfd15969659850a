# SPDX-License-Identifier: GPL-2.0
# kvmclock: KVM's paravirtual clock (final/guests/kvmclock.S; Linux's
# Documentation/virt/kvm/x86/msr.rst).  The guest finds the "KVMKVMKVM"
# signature and the kvm-clock features in CPUID 0x40000000-1, enables the
# wall clock and its clock page through the MSRs (versions even: odd
# while the hypervisor writes, even after), reads the clock from the page
# and the TSC without exits (1000 readings in order), and compares it
# with KVM_GET_CLOCK at once and after spinning 1 s of its own clock (the
# slope, to ~10 %); KVM_SET_CLOCK +5 s, and +3 s with KVM_CLOCK_REALTIME 3 s in the
# past, move the guest's clock by 5 and 6 s; an unknown flag is EINVAL.
# The page's flags (PVCLOCK_TSC_STABLE_BIT when the host keeps time with
# the TSC: the master clock) and slope (tsc_to_system_mul, tsc_shift) are
# printed: the same boot's KVM computes them from the same host, and the
# oracle compares.
# Last, the wall clock plus kvm-clock must be the host's time (to 2 s):
# the guest hands the seconds to minivmm's notes line.
# since: final
. /lab/scenarios/lib.sh
t0=$(date +%s)
vmm --timeout 60 "$GUESTS/kvmclock.bin"
t1=$(date +%s)
wall=$(echo "$OUT" | sed -n 's/^minivmm: vCPU 0 notes \([0-9]*\) .*/\1/p')
echo "wall time from the guest: $wall (host: $t0..$t1)"
echo "$OUT" | grep -e '^flags ' -e '^tsc_'
OUT=$(echo "$OUT" | grep -v -e '^minivmm: vCPU 0 notes ' -e '^flags ' -e '^tsc_to_system_mul ' -e '^tsc_shift ')
expect_out "CPUID
signature ebx (KVMK): 4b4d564b
signature ecx (VMKV): 564b4d56
signature edx (M): 0000004d
highest leaf at least 0x40000001: 00000001
kvm-clock features (bits 0, 3): 00000009
MSR_KVM_WALL_CLOCK_NEW
wall clock version: 00000002
MSR_KVM_SYSTEM_TIME_NEW
clock page version even, not 0: 00000001
readings out of order, of 1000: 00000000
KVM_GET_CLOCK
within 100 ms after the guest's reading: 00000001
and again 1 s later: 00000001
KVM_SET_CLOCK
minivmm: KVM_SET_CLOCK: ok
+5 s: 00000000
the guest's clock moved 5 s: 00000001
minivmm: KVM_SET_CLOCK: ok
+3 s, KVM_CLOCK_REALTIME 3 s ago: 00000000
the guest's clock moved 6 s: 00000001
minivmm: KVM_SET_CLOCK (unknown flag): Invalid argument
an unknown flag: ffffffea
wall time
wall clock version: 00000004"
expect_status 65 "EXIT_PASS"
case $wall in ''|*[!0-9]*) fail "no wall time in minivmm's notes" ;; esac
[ "$wall" -ge $((t0 - 2)) ] && [ "$wall" -le $((t1 + 2)) ] ||
	fail "the guest's wall time $wall is outside the host's $t0..$t1 (+-2 s)"
