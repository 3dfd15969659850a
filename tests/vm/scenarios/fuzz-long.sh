# SPDX-License-Identifier: GPL-2.0
# fuzz-long: make fuzz's pass of kvm-fuzz (docs/reliability.md): the
# fuzz scenario with a million random ioctls per target on svm and
# 100,000 on vmx, and a longer differential pass.  Not part of make test
# (no "since:" line): make fuzz names it.
# timeout: 20000
case $ARCH in
svm)	FUZZ_COUNT=1000000 FUZZ_DIFF_COUNT=100000 ;;
*)	FUZZ_COUNT=100000 FUZZ_DIFF_COUNT=20000 ;;
esac
FUZZ_SEED=0x1006 FUZZ_DIFF_SEED=0x10d1f
# The kernel's warnings (level 4 and up: a soft lockup's stack, a WARN's)
# on the serial console too: a pass that never ends, as one did when
# khugepaged locked up CPU 1 (2026-12-04), still leaves them in the log.
dmesg -n 5
. /lab/scenarios/fuzz.sh
