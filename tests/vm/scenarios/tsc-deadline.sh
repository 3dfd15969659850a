# SPDX-License-Identifier: GPL-2.0
# tsc-deadline: the local APIC timer's TSC-deadline mode (final/guests/
# tsc-deadline.S, Intel SDM Vol. 3A, 11.5.4.1): CPUID.1:ECX[24] set (by
# minivmm, as QEMU does, when KVM has KVM_CAP_TSC_DEADLINE_TIMER and the
# APIC is in the kernel); IA32_TSC_DEADLINE reads back, fires once the TSC
# passed it and then reads 0; a past deadline fires at once; 0 disarms;
# the initial count ignores writes and the current count reads 0.
# since: 04-apic-pit
. /lab/scenarios/lib.sh
vmm --timeout 30 "$GUESTS/tsc-deadline.bin"
expect_out "CPUID TSC-deadline: 00000001
LVT timer, TSC-deadline: 00040041
deadline reads back: 00000001
deliveries: 00000001
arrived at or after the deadline: 00000001
deadline MSR after it fired: 00000000
deadline in the past: deliveries: 00000002
disarmed with 0: deliveries: 00000002
initial count after writing 1000: 00000000
current count: 00000000
deliveries after the initial-count write: 00000002"
expect_status 65 "EXIT_PASS"
