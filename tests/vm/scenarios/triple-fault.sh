# SPDX-License-Identifier: GPL-2.0
# triple-fault: the guest loads an IDT with limit 0 and executes UD2; #UD,
# then #GP, then #DF cannot be delivered and the CPU shuts down.  The
# hypervisor reports KVM_EXIT_SHUTDOWN, which minivmm does not handle:
# status 6 with the exit named.  Proves the triple-fault/SHUTDOWN exit.
# Then the state a VMM reads after KVM_EXIT_SHUTDOWN (KVM_GET_REGS and
# KVM_GET_SREGS, which minivmm dumps), which differs by vendor in KVM:
#  - AMD: the VMCB is undefined after the SHUTDOWN intercept (APM Vol. 2,
#    15.12), so KVM INITs the vCPU before it exits (Linux:
#    shutdown_interception()): RIP 0xfff0, CS 0xf000 with base 0xffff0000;
#  - Intel: the triple-fault exit saves the guest's state (Linux:
#    handle_triple_fault() changes nothing): still the guest's real-mode
#    CS 0x1000, base 0x10000, and RIP at the UD2 whose #UD started it all
#    (offset 0xb of triple-fault.bin: a fault saves the RIP of the
#    faulting instruction, and so does the exit).
# The lab's differential oracle compares every register of the trace
# (minivmm --trace) with the real KVM's on top of this.
# since: 01-vmx-on
. /lab/scenarios/lib.sh
vmm "$GUESTS/triple-fault.bin"
expect_out "loading an empty IDT, then UD2"
expect_status 6 "an unhandled exit"
expect_err_contains "KVM_EXIT_SHUTDOWN"
grep -q "cannot read registers" /tmp/vmm.err &&
	fail "the registers cannot be read after KVM_EXIT_SHUTDOWN: $(grep 'cannot read' /tmp/vmm.err)"
case $ARCH in
svm)	expect_err_contains "rip=000000000000fff0 "
	expect_err_contains "cs=f000 base=ffff0000 " ;;
vmx)	expect_err_contains "rip=000000000000000b "
	expect_err_contains "cs=1000 base=10000 " ;;
esac
