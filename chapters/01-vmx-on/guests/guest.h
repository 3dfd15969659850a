/* SPDX-License-Identifier: GPL-2.0 */
/**
 * @file guest.h
 * @brief Constants shared by the test guests (assembly, through cpp) and
 * their scenarios: ports, debug-exit codes, CPUID bits.
 */
#ifndef GUEST_H
#define GUEST_H

#define COM1_THR		0x3f8	/**< transmit holding register */
#define COM1_LSR		0x3fd	/**< line status register */
#define  LSR_THRE		0x20	/**< THR empty: ready for the next byte */
#define DEBUG_EXIT_PORT		0xf4	/**< QEMU isa-debug-exit convention */
#define TEST_DATA_PORT		0xf6	/**< minivmm --in-data */
#define MARK_PORT		0xf5	/**< minivmm notes the time: mark n */
#define NULL_PORT		0xf8	/**< no device: every OUT is an exit to userspace */
#define BENCH_LOOPS		5000	/**< exits per benchmark loop */

/**
 * Debug-exit codes.  minivmm exits with (code << 1) | 1, so a code must
 * fit in 7 bits; the scenario's expected status is given after each.
 * @{
 */
#define HELLO_EXIT_CODE		0x21	/**< hello: 67 */
#define CPUID_EXIT_CODE		0x30	/**< cpuid: 97 when hypervisor=1 vmx=0 svm=0 */
#define  CPUID_BAD_HYPERVISOR	0x01	/**< or'ed in: CPUID.1:ECX.HYPERVISOR is 0 */
#define  CPUID_BAD_VMX		0x02	/**< or'ed in: CPUID.1:ECX.VMX is 1 */
#define  CPUID_BAD_SVM		0x04	/**< or'ed in: CPUID.80000001h:ECX.SVM is 1 */
#define HYPERCALL_EXIT_OK	0x42	/**< hypercall: 133, EAX came back as -KVM_ENOSYS */
#define HYPERCALL_EXIT_BAD	0x43	/**< hypercall: 135, anything else */
/** @} */
/* io-in leaves with the sum of the bytes it read, modulo 128 */

/** CPUID bits the cpuid guest looks at (see cpuid.S for the manuals' tables) @{ */
#define CPUID_1_ECX_VMX_BIT		5	/**< leaf 1 ECX: VMX */
#define CPUID_1_ECX_HYPERVISOR_BIT	31	/**< leaf 1 ECX: running under a hypervisor */
#define CPUID_80000001_ECX_SVM_BIT	2	/**< leaf 0x80000001 ECX: SVM */
/** @} */

/** Vendor strings as CPUID leaf 0 returns them in EBX: "Genu", "Auth" @{ */
#define CPUID_VENDOR_INTEL_EBX	0x756e6547	/**< "Genu"(ineIntel) */
#define CPUID_VENDOR_AMD_EBX	0x68747541	/**< "Auth"(enticAMD) */
/** @} */

/**
 * A hypercall number KVM does not know (Linux 6.1 knows 1..12, see
 * `<linux/kvm_para.h>`): KVM answers it with -KVM_ENOSYS.
 */
#define HC_UNKNOWN		0x6d6b	/* "mk" */
#define KVM_ENOSYS		1000	/**< the error, from `<linux/kvm_para.h>` */

#endif
