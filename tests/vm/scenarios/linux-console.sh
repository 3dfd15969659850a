# SPDX-License-Identifier: GPL-2.0
# linux-console: commands typed into minivmm's stdin reach the guest's
# shell (l2=console: an interactive sh on ttyS0) through the 8250's
# receive interrupt (vmm/serial.c, the stdin thread of vmm/main.c), and
# the shell's output comes back: "echo console-$((6*7))" must print
# console-42 - the guest computed it, the echo of the typed line alone
# would not contain it.  Then the typed "reboot -f" ends the guest.
# The oracle is the real KVM passing the same checks in the same boot.
# since: final
# timeout: 240
. /lab/scenarios/lib.sh
# vmx: tests/vm/skip-allow, unless tests/vm/lab --vmx-linux.
[ "$ARCH" = vmx ] && [ "${VMX_LINUX:-}" != 1 ] && skip "minivmm's UART receive path is the same on both vendors: run on svm; a Linux boot in Bochs costs a minute of make test's budget; tests/vm/lab --vmx-linux runs it"
unset TRACE_DIR
linux_start linux console
# The 8250 driver drains its receiver when the port opens, and the shell
# sets the terminal's mode before its prompt: type only after the prompt.
linux_wait_for linux "L2: shell ready" && linux_wait_for linux "/ # "
linux_type 'echo console-$((6*7))'
# A second or two when it works; a minute is plenty.
linux_wait_for linux console-42 60
linux_type 'reboot -f'
linux_finish linux
expect_reboot
printf '%s\n' "$OUT" | grep -qx 'console-42' || fail "the shell never printed console-42"
