# SPDX-License-Identifier: GPL-2.0
# linux-boot: the lab's own kernel (a Debian bzImage, unmodified) boots on
# minivmm --linux with one vCPU, the in-kernel irqchip and PIT, up to its
# init (tests/vm/linux/init, l2=boot), which prints a marker, reads the
# CMOS clock (vmm/rtc.c) and its clock source, and reboots: minivmm status
# 10.  The clock must say the host's time, to a few seconds; kvm-clock
# must be among the guest's clock sources (CPUID 0x40000000, x86.c), as on
# the real KVM (with an invariant TSC Linux then prefers the TSC: it says
# which, not checked); and the writes to the CMOS index port
# must have gone through KVM's coalesced ring, not exits (minivmm's
# coalesce_linux_ports(): its count at exit).  No trace: a kernel's boot takes
# a different number of exits on every run, on any hypervisor, so the
# oracle here is that KVM passes the same checks in the same boot.
# since: final
# timeout: 240
. /lab/scenarios/lib.sh
# vmx: tests/vm/skip-allow, unless tests/vm/lab --vmx-linux.
[ "$ARCH" = vmx ] && [ "${VMX_LINUX:-}" != 1 ] && skip "a Linux boot in Bochs costs minutes of make test's budget: both targets passed it in a lone run (2026-12-03); tests/vm/lab --vmx-linux runs it"
unset TRACE_DIR
t0=$(date +%s)
linux_start linux boot
linux_finish linux
t1=$(date +%s)
expect_reboot
# The guest is the lab kernel (GUEST_KREL), the host's own unless the
# lab booted another one (LAB_KERNEL, the debug kernel).
[ "$(l2 'init reached, kernel ')" = "${GUEST_KREL:-$(uname -r)}, test boot" ] ||
	fail "init reached, but said '$(l2 'init reached')'"
rtc=$(l2 'rtc ')
case $rtc in ''|*[!0-9]*) fail "no CMOS time: '$rtc'" ;; esac
[ "$rtc" -ge $((t0 - 2)) ] && [ "$rtc" -le $((t1 + 2)) ] ||
	fail "the CMOS clock said $rtc, outside $t0..$t1"
case " $(l2 'clocksources ') " in
*" kvm-clock "*) echo "clock source: $(l2 'clocksource ')" ;;
*) fail "no kvm-clock among the guest's clock sources: '$(l2 'clocksources ')'" ;;
esac
n=$(sed -n 's/^minivmm: coalesced: \([0-9]*\) .*/\1/p' /tmp/vmm.err)
[ "${n:-0}" -gt 0 ] || fail "no port write was coalesced: '$(grep coalesced /tmp/vmm.err)'"
