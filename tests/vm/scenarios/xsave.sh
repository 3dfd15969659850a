# SPDX-License-Identifier: GPL-2.0
# xsave: XCR0 and the XSAVE state (final/guests/xsave.S), which every Linux
# guest sets up: CPUID.1:ECX.OSXSAVE follows CR4.OSXSAVE; XCR0 is 1 at
# reset; XSETBV (an exit on both vendors) takes 3 and XGETBV and
# KVM_GET_XCRS read it back, so the guest's XCR0 is loaded at each entry;
# XSETBV of an invalid value (no x87, AVX without SSE, XCR1, a component
# the guest's CPUID lacks) is #GP(0) and changes nothing; KVM_SET_XCRS
# refuses a bad value and a flag (EINVAL), ignores other XCRs and takes
# XCR0 = 1; XMM0 survives KVM_GET_XSAVE + KVM_SET_FPU of zeros +
# KVM_SET_XSAVE, and is gone without the last step.
# since: final
. /lab/scenarios/lib.sh
vmm "$GUESTS/xsave.bin"
# Under Bochs the lab kernel runs without XSAVE (its X86_FEATURE_XSAVE is
# off), so neither KVM nor minikvm offers it to a guest (both mask the
# supported CPUID with the kernel's own view): allowed in
# tests/vm/skip-allow for vmx only.
if grep -q "^no XSAVE in CPUID" /tmp/vmm.out; then
	expect_status 65 "EXIT_PASS"
	skip "no XSAVE in the guest's CPUID: the host kernel has it off"
fi
expect_out "OSXSAVE
CPUID XSAVE: 00000001
CPUID OSXSAVE, CR4.OSXSAVE clear: 00000000
CPUID OSXSAVE, CR4.OSXSAVE set: 00000001
XSETBV
XCR0 at reset: 00000001
XCR0 after XSETBV 3: 00000003
minivmm: KVM_GET_XCRS: 1 register(s), XCR0 = 0x3
KVM_GET_XCRS: 00000003
no x87: #GP 00000001
AVX without SSE: #GP 00000002
XCR1: #GP 00000003
bit 32: #GP 00000004
XCR0 after them: 00000003
KVM_SET_XCRS
minivmm: KVM_SET_XCRS XCR0 = 0x2 flags 0x0: Invalid argument
XCR0 = 2: ffffffea
minivmm: KVM_SET_XCRS XCR0 = 0x1 flags 0x1: Invalid argument
a flag: ffffffea
minivmm: KVM_SET_XCRS XCR1 = 0x1 flags 0x0: ok
XCR1 (ignored): 00000000
XCR0: 00000003
minivmm: KVM_SET_XCRS XCR0 = 0x1 flags 0x0: ok
XCR0 = 1: 00000000
XCR0: 00000001
KVM_GET_XSAVE / KVM_SET_XSAVE
minivmm: KVM_GET_XSAVE, KVM_SET_FPU of zeros, KVM_SET_XSAVE: ok
save, clobber, restore: 00000000
XMM0: 55667788
minivmm: KVM_GET_XSAVE, KVM_SET_FPU of zeros: ok
save, clobber: 00000000
XMM0: 00000000"
expect_status 65 "EXIT_PASS"
