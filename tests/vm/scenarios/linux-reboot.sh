# SPDX-License-Identifier: GPL-2.0
# linux-reboot: the guest's reboot (l2=reboot: reboot -f from its init)
# ends minivmm with its own status, 10, and says why: Linux without ACPI
# resets a PC by pulsing the keyboard controller's reset line (command
# 0xFE to port 0x64, vmm/i8042.c), which a VMM turns into the end of the
# VM - there is no CPU reset to run the guest's BIOS again.
# The oracle is the real KVM passing the same checks in the same boot.
# since: final
# timeout: 240
. /lab/scenarios/lib.sh
# vmx: tests/vm/skip-allow, unless tests/vm/lab --vmx-linux.
[ "$ARCH" = vmx ] && [ "${VMX_LINUX:-}" != 1 ] && skip "minivmm's i8042 reset is the same on both vendors: run on svm; a Linux boot in Bochs costs a minute of make test's budget; tests/vm/lab --vmx-linux runs it"
unset TRACE_DIR
linux_start linux reboot
linux_finish linux
expect_reboot
expect_err_contains "the guest reset the machine (keyboard controller)"
[ -z "$(l2 'done')" ] || fail "the guest went on past its reboot"
