# SPDX-License-Identifier: GPL-2.0
# smp-boot: four vCPUs (minivmm --smp 4).  The BSP, vCPU 0, starts the
# three APs with INIT-SIPI-SIPI through its local APIC (final/guests/
# smp-boot.S, smp32.S; Intel SDM Vol. 3A, 9.4.4.1); KVM holds them in
# wait-for-SIPI until then.  Each AP reports the APIC ID of its local APIC
# and the initial APIC ID of its CPUID (leaf 1 EBX[31:24], which minivmm
# sets per vCPU: both are the vCPU id) and its IA32_APIC_BASE (enabled,
# at 0xfee00000, BSP bit clear); the BSP waits for all three, then checks
# its own (BSP bit set).  The APs' lines come in the order they ran, so
# they are sorted before the comparison.
# since: 04-apic-pit
. /lab/scenarios/lib.sh
vmm --smp 4 --timeout 30 "$GUESTS/smp-boot.bin"
expect_status 65 "EXIT_PASS"
aps=$(echo "$OUT" | grep '^AP: ' | sort)
[ "$aps" = "AP: APIC ID 01, CPUID initial APIC ID 01, IA32_APIC_BASE fee00800
AP: APIC ID 02, CPUID initial APIC ID 02, IA32_APIC_BASE fee00800
AP: APIC ID 03, CPUID initial APIC ID 03, IA32_APIC_BASE fee00800" ] ||
	fail "the APs said: $(echo "$aps" | tr '\n' '|')"
OUT=$(echo "$OUT" | grep -v '^AP: ')
expect_out "BSP APIC ID: 00000000
BSP CPUID initial APIC ID: 00000000
APs done: 00000003
APs that failed a check: 00000000
BSP IA32_APIC_BASE: fee00900"
