# SPDX-License-Identifier: GPL-2.0
# svm-prefix-skip: intercepted instructions with redundant prefixes
# (final/guests/svm-prefix-skip.S: 2e CPUID, f3 66 RDMSR) are stepped over
# exactly.  On SVM without NRIP save (QEMU TCG) that takes decoding the
# instruction (kvm_emulate_insn_len(), as KVM's EMULTYPE_SKIP); stepping
# by the plain encoding's length, as chapters 01-04 do, lands inside the
# instruction and the guest goes astray.  On VMX the CPU gives the length.
# since: 05-emulate
. /lab/scenarios/lib.sh
vmm "$GUESTS/svm-prefix-skip.bin"
expect_out "prefixed CPUID stepped over
prefixed RDMSR stepped over: APIC base fee00900"
expect_status 65 "EXIT_PASS"
