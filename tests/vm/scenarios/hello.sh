# SPDX-License-Identifier: GPL-2.0
# hello: a real-mode guest prints one line over COM1 and leaves through
# the debug-exit port with code 0x21, so minivmm exits (0x21 << 1) | 1 = 67.
# since: 01-vmx-on
. /lab/scenarios/lib.sh
vmm "$GUESTS/hello.bin"
expect_out "Hello from the minikvm guest!"
expect_status 67 "debug-exit code 0x21"
