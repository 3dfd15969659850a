# SPDX-License-Identifier: GPL-2.0
# triple-fault: the guest loads an IDT with limit 0 and executes UD2; #UD,
# then #GP, then #DF cannot be delivered and the CPU shuts down.  The
# hypervisor reports KVM_EXIT_SHUTDOWN, which minivmm does not handle:
# status 6 with the exit named.  Proves the triple-fault/SHUTDOWN exit.
# (The registers minivmm dumps differ by vendor: KVM on AMD INITs the vCPU
# on SHUTDOWN, so they are not checked.)
# since: 01-vmx-on
. /lab/scenarios/lib.sh
vmm "$GUESTS/triple-fault.bin"
expect_out "loading an empty IDT, then UD2"
expect_status 6 "an unhandled exit"
expect_err_contains "KVM_EXIT_SHUTDOWN"
