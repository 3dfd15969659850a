# SPDX-License-Identifier: GPL-2.0
# linux-smp: the lab's kernel on minivmm --linux --smp 2 (l2=smp).
#   - both CPUs online: the MP table (vmm/mptable.c) read, the AP started
#     with INIT/SIPI;
#   - the UART's interrupts (and the PIT's, where the guest uses the PIT)
#     counted on the IO-APIC, not the XT-PIC: Linux took the IOAPIC the
#     MP table describes;
#   - the local APIC timer ticked on each CPU (LOC > 0 on both).
# The oracle is the real KVM passing the same checks in the same boot.
# since: final
# timeout: 240
. /lab/scenarios/lib.sh
# vmx: tests/vm/skip-allow, unless tests/vm/lab --vmx-linux.
[ "$ARCH" = vmx ] && [ "${VMX_LINUX:-}" != 1 ] && skip "a Linux boot in Bochs costs minutes of make test's budget: both targets passed it in a lone run (2026-12-03); tests/vm/lab --vmx-linux runs it"
unset TRACE_DIR
linux_start linux smp --smp 2
linux_finish linux
expect_reboot
[ "$(l2 'cpus online ')" = 0-1 ] || fail "CPUs online: '$(l2 'cpus online ')', expected 0-1"
# The UART's interrupt on the IO-APIC, counted.  The PIT's, if the guest
# uses it at all: under the real KVM it does not - KVM's paravirtual
# CPUID leaves (kvm-clock) and TSC-deadline let Linux do without - so
# the timer is checked only where it appears, and the local APIC timers
# (LOC) on both.
for irq in ttyS0 timer; do
	line=$(printf '%s\n' "$OUT" | grep "^L2: irq .* $irq\$")
	[ -z "$line" ] && [ "$irq" = timer ] && continue
	echo "$line" | grep -q IO-APIC || fail "$irq not on the IO-APIC: '$line'"
	echo "$line" | awk '{ n = 0; for (i = 4; i <= 5; i++) n += $i } END { exit !(n > 0) }' ||
		fail "no $irq interrupts: '$line'"
done
loc=$(printf '%s\n' "$OUT" | grep "^L2: irq *LOC:")
echo "$loc" | awk '{ exit !($4 > 0 && $5 > 0) }' || fail "a local APIC timer never ticked: '$loc'"
