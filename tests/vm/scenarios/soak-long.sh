# SPDX-License-Identifier: GPL-2.0
# soak-long: make soak's pass of kvm-fuzz --soak (docs/reliability.md):
# the soak scenario with 1,000 VM lives and 1,000 VMMs killed per target.
# Not part of make test (no "since:" line): make soak names it.
# timeout: 20000
# On vmx (make soak ARCH=vmx, Bochs): 100 and 100, hours of wall time.
case $ARCH in
svm)	SOAK_LIVES=1000 SOAK_KILLS=1000 ;;
*)	SOAK_LIVES=100 SOAK_KILLS=100 SOAK_VMX=1 ;;
esac
SOAK_SEED=0x50a10
. /lab/scenarios/soak.sh
