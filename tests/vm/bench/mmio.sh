# SPDX-License-Identifier: GPL-2.0
# mmio: the emulated MMIO round trips of chapter 05, in nanoseconds of the
# emulated machine per access, measured by final/guests/bench-mmio.S:
#   mmio-store-user    a store to minivmm's MMIO window (exit, emulator,
#                      KVM_EXIT_MMIO, KVM_RUN again)
#   mmio-load-user     a load from it (the same, and the instruction runs
#                      again in the emulator with minivmm's answer)
#   mmio-store-kernel  a store to the local APIC's TPR (exit and emulator,
#                      answered in the kernel)
# Best of three runs.  Prints "BENCH name value unit" lines; the lab puts
# minikvm's next to the real KVM's from the same boot, as a ratio.
# since: 05-emulate
. /lab/scenarios/lib.sh
loops=5000	# BENCH_LOOPS in final/guests/guest.h
best_st= best_ld= best_k=
mark() { sed -n "s/^minivmm: mark $1 +\([0-9]*\) ns\$/\1/p" /tmp/vmm.err; }
for run in 1 2 3; do
	vmm "$GUESTS/bench-mmio.bin"
	expect_status 65 "EXIT_PASS"
	m1=$(mark 1) m2=$(mark 2) m3=$(mark 3)
	[ -n "$m1" ] && [ -n "$m2" ] && [ -n "$m3" ] || fail "minivmm printed no marks"
	st=$((m1 / loops)) ld=$(((m2 - m1) / loops)) k=$(((m3 - m2) / loops))
	[ -z "$best_st" ] || [ "$st" -lt "$best_st" ] && best_st=$st
	[ -z "$best_ld" ] || [ "$ld" -lt "$best_ld" ] && best_ld=$ld
	[ -z "$best_k" ] || [ "$k" -lt "$best_k" ] && best_k=$k
done
echo "BENCH mmio-store-user $best_st ns"
echo "BENCH mmio-load-user $best_ld ns"
echo "BENCH mmio-store-kernel $best_k ns"
