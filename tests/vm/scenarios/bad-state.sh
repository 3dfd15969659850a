# SPDX-License-Identifier: GPL-2.0
# bad-state: minivmm --invalid-state sets, through KVM_SET_SREGS, a 64-bit
# state with real page tables whose only fault is a code segment with L=1
# and D=1.  KVM_SET_SREGS accepts it; the processor's VM-entry checks do
# not (Intel SDM Vol. 3C 26.3.1.2, AMD APM Vol. 2 15.5.1), so the first
# KVM_RUN ends in KVM_EXIT_FAIL_ENTRY with the hardware's reason, and no
# guest instruction runs.  The reason is VMEXIT_INVALID (-1) on AMD, which
# Linux 6.1 reports as 0xffffffff (its VMCB exit_code is two u32 halves;
# kernels with a u64 exit_code give 0xffffffffffffffff), and exit reason
# 0x80000021 (entry failure, invalid guest state) on Intel.
# Then the same, with --invalid-state=retry: after the FAIL_ENTRY minivmm
# sets the guest's normal real-mode entry state (KVM_SET_SREGS/REGS) and
# runs the same vCPU again, which must succeed, as on KVM: a failed entry
# leaves the vCPU repairable (on VMX the VMCS must not count as launched,
# or the second entry is a VMRESUME of a VMCS never launched and fails
# too).  Then hello runs in a fresh VM, to show that a failed entry left
# the hypervisor and host working.
# (The state is otherwise valid: with CS.D=0 the same state enters 64-bit
# mode and runs.  The registers read back after the failure are not
# checked: on QEMU TCG the VMCB's RIP holds junk after VMEXIT_INVALID.)
# since: 01-vmx-on
. /lab/scenarios/lib.sh
case $ARCH in
svm)	reason='0xffffffff|0xffffffffffffffff' ;;
vmx)	reason='0x80000021' ;;
esac
# Not compared by the differential oracle: what a VMM reads back after a
# failed VMRUN is the emulator's (QEMU TCG leaves junk in the VMCB, which
# KVM copies out; minikvm keeps the registers it was given, as the VMCB
# holds on hardware).  The retry run below is compared.
TRACE_DIR= vmm --invalid-state "$GUESTS/hello.bin"
expect_status 6 "an unhandled exit"
expect_err_contains "KVM_EXIT_FAIL_ENTRY"
grep -qE -- "hardware entry failure reason ($reason) " /tmp/vmm.err ||
	fail "minivmm did not report reason $reason: $(head -n1 /tmp/vmm.err)"
expect_out ""

vmm --invalid-state=retry "$GUESTS/hello.bin"
[ "$STATUS" = 67 ] || fail "the run entered again after the failed entry ended with status" \
	"$STATUS, expected 67: $(grep '^minivmm:' /tmp/vmm.err | tail -n1)"
expect_out "Hello from the minikvm guest!"
grep -qE -- "KVM_EXIT_FAIL_ENTRY: hardware entry failure reason ($reason) .*running again" \
	/tmp/vmm.err || fail "the first entry of the retry did not fail with reason $reason: $(head -n1 /tmp/vmm.err)"
[ "$(grep -c FAIL_ENTRY /tmp/vmm.err)" = 1 ] ||
	fail "more than one KVM_EXIT_FAIL_ENTRY in the retry: $(tail -n1 /tmp/vmm.err)"

vmm "$GUESTS/hello.bin"
expect_out "Hello from the minikvm guest!"
expect_status 67 "hello after the failed entry"

# Ours must also explain the failure in dmesg, naming the fields.
if [ "$TARGET" = minikvm ]; then
	dmesg | grep -qE 'minikvm-(amd: VMRUN failed|intel: VM entry failed)' ||
		fail "no failed-entry report in dmesg"
	dmesg | grep -qE '^(\[ *[0-9.]+\] )? +cs +sel [0-9a-f]{4} ' ||
		fail "the dmesg report does not name the CS fields"
fi
