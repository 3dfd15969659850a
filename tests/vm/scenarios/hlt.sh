# SPDX-License-Identifier: GPL-2.0
# hlt: a guest that executes HLT with interrupts disabled.  minivmm creates
# no in-kernel interrupt controller (--irqchip none from chapter 03 on,
# where the default irqchip in the kernel would keep the vCPU asleep
# there), so the hypervisor gives the halt to userspace as KVM_EXIT_HLT:
# minivmm says "guest halted" and exits 0.
# Proves the HLT intercept and its exit to userspace.
# since: 01-vmx-on
. /lab/scenarios/lib.sh
# shellcheck disable=SC2046 # empty or two words
vmm $(no_irqchip) "$GUESTS/hlt.bin"
expect_out "halting with interrupts disabled"
expect_status 0 "KVM_EXIT_HLT"
expect_err_contains "guest halted"
