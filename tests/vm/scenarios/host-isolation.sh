# SPDX-License-Identifier: GPL-2.0
# host-isolation: a guest changes every piece of CPU state a hypervisor
# must not let leak into its host (final/guests/host-isolation.S): its own
# GDT and LDT and FS from it, STAR/LSTAR/CSTAR/SFMASK and a SYSCALL into
# its own handler, FS/GS base and KERNEL_GS_BASE (SWAPGS), DR0-DR3 and DR7
# with a watchpoint that fires in the guest, PKRU where the CPU has
# protection keys, and (under host-check) RDPMC, which must raise #GP.
#   1. Under minivmm: every value the guest reads back is its own.
#   2. Under tools/host-check, which runs the same guest in its own
#      process pinned to each CPU it may use in turn: afterwards the host
#      still has every CPU's SYSCALL/SYSENTER/DEBUGCTL MSRs (read with the msr
#      driver), the process's LDT and GS selector, its ioperm() bitmap
#      (the TR limit), its hardware watchpoint and its PKRU.
# Passing on the real KVM too is what shows the checks are right.  Where
# the emulated CPU has no protection keys the PKRU part cannot run; its
# result is reported by host-isolation-pkru.
# since: 02-ept
. /lab/scenarios/lib.sh

vmm "$GUESTS/host-isolation.bin"
expect_status 65 "EXIT_PASS: the guest got every value it set"
# The lines every CPU prints alike; the PKRU line depends on the CPU.
for line in "ldtr: 0000000000000028" "fs selector: 0000000000000004" \
	"star: 0023001800000000" "cstar: ffff800000c57a00" \
	"sfmask: 0000000000004700" "through fs: 0f5ba5e0f5ba5e00" \
	"through gs: 065ba5e065ba5e00" "through gs after swapgs: 0c65ba5e0c65ba5e" \
	"kernel_gs_base after swapgs: 0000000000310000" "syscalls: 0000000000000001" \
	"cs in the syscall handler: 0000000000000018" \
	"masked rflags bits in the handler: 0000000000000000" \
	"watchpoint hits: 0000000000000001" "dr6 b0-b3 in the #DB handler: 0000000000000001" \
	"dr1: 0000000001111000" "dr7: 00000000000d0001"; do
	echo "$OUT" | grep -qxF -- "$line" || fail "the guest did not print '$line'"
done
grep -q '^msr ' /proc/modules || insmod /lab/modules/kvm/msr.ko ||
	fail "cannot load the msr driver (/lab/modules/kvm/msr.ko)"
/lab/bin/host-check --dev "$DEV" "$GUESTS/host-isolation.bin" >/tmp/host-check.out 2>&1
st=$?
cat /tmp/host-check.out
# RDPMC (only under host-check, which starts the guest with RBX =
# RDPMC_FLAG, see host-isolation.S): minikvm has no virtual PMU and
# injects #GP.  The real KVM gives an AMD guest a virtual PMU (the 4
# legacy counters, even with enable_pmu=0: measured on Linux 6.1), so
# there an unprogrammed counter reading 0 is right too.  #UD (QEMU's
# answer when RDPMC is not intercepted) or any other value means the
# guest reached the host's counters.
grep '^rdpmc ' /tmp/host-check.out | sort -u | while read -r rdpmc; do
	case "$TARGET:$rdpmc" in
	*:"rdpmc raised vector: 000000000000000d") ;;
	kvm:"rdpmc read without a fault: 0000000000000000") ;;
	*) echo "reason: RDPMC in the guest: '$rdpmc', expected #GP (vector 0d)"; exit 1 ;;
	esac
done || exit 1
grep -q '^rdpmc ' /tmp/host-check.out || fail "the guest under host-check never tried RDPMC"
case $st in
0) ;;
1) fail "$(grep -m1 'host-check: FAIL' /tmp/host-check.out)" ;;
*) fail "host-check could not run (status $st): $(tail -n1 /tmp/host-check.out)" ;;
esac
grep -q "skip hardware watchpoints" /tmp/host-check.out &&
	fail "the emulated CPU's hardware watchpoints do not fire even without a guest"
# PKRU has a scenario of its own, host-isolation-pkru, which can skip
# where the CPU has no protection keys; a broken PKRU fails here too.
exit 0
