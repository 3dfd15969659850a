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

/* Chapter 02: minivmm's control port and MMIO test device, and the
 * protected- and long-mode guests' layout. */
#define CTL_PORT		0xf7	/**< minivmm control: OUT command, IN result */
#define CTL_ARG_PORT		0xf9	/**< minivmm control: OUT an argument */

/**
 * minivmm's control commands (final/vmm/minivmm.h, enum ctl_command),
 * with their arguments and result.
 * @{
 */
#define CTL_SLOT_DELETE		1	/**< (slot) */
#define CTL_SLOT_ADD		2	/**< (slot) */
#define CTL_SLOT_MOVE		3	/**< (slot, gpa_lo, gpa_hi) */
#define CTL_DIRTY_LOG		4	/**< (slot) -> number of dirty pages */
#define CTL_SLOT_CHECK		5	/**< (slot, seed, offset, length) -> words that differ */
/** @} */

/**
 * The test pattern (minivmm.h, vmm_pattern()): the 32-bit word at
 * guest-physical address A holds A ^ seed.  Read-only slots start out
 * holding it for RO_FILL_SEED.
 */
#define RO_FILL_SEED		0x524f4d30

/** minivmm's MMIO test device (minivmm.h). @{ */
#define TESTDEV_BASE		0xd0000000
#define TESTDEV_ID		0x00	/**< read-only "mkvmtest" */
#define TESTDEV_SCRATCH		0x08	/**< reads back what was written */
#define TESTDEV_COUNTER		0x10	/**< read-only, each read counts one more */
/** @} */

/**
 * The guests of chapter 02 start in real mode like the others, then run
 * in 32-bit protected mode (pm.S) or long mode (lm64.S).  They are linked
 * at their load address, LOAD_ADDR, so that 32- and 64-bit code uses
 * plain absolute addresses; the few real-mode instructions before the
 * switch take offsets from the segment base instead: REAL(x).
 * @{
 */
#define LOAD_ADDR		0x10000	/**< minivmm's default --load */
#define REAL(x)			((x) - LOAD_ADDR)
#define STACK_TOP		0x70000	/**< 32/64-bit stack, grows down */
#define PT_AREA			0x80000	/**< page tables: 0x80000 .. 0x8ffff */
#define SEL_CODE32		0x08	/**< pm.S's GDT: flat 32-bit code */
#define SEL_DATA		0x10	/**< flat data */
#define SEL_CODE64		0x18	/**< 64-bit code */
#define SEL_DATA_2M		0x20	/**< data based at 0x200000 (paging-modes) */
/** @} */

/** Exit codes of the chapter-02 guests: every check passed, or one
 *  failed and the guest printed which. @{ */
#define EXIT_PASS		0x20	/**< status 65 */
#define EXIT_FAIL		0x3f	/**< status 127 */
/** @} */

/** Control registers and EFER: Intel SDM Vol. 3A, 2.5 and 2.2.1. @{ */
#define CR0_PE			0x00000001
#define CR0_PG			0x80000000
#define CR4_PAE			0x00000020
#define MSR_EFER		0xc0000080
#define EFER_LME		0x00000100
/** @} */
/** Page-table entry bits: Intel SDM Vol. 3A, 4.3 (32-bit paging), 4.4
 *  (PAE), 4.5 (4-level). @{ */
#define PTE_P			0x001	/**< present */
#define PTE_RW			0x002	/**< writable (not in a PAE PDPTE) */
#define PTE_PS			0x080	/**< in a PDE: a large page */
/** @} */

/**
 * Chapter 03: minivmm's interrupt lines and interrupt commands
 * (final/vmm/minivmm.h).  OUT a GSI (byte) to a port: that line goes
 * high (and stays high), low, or high then low (one edge), through the
 * interrupt controller minivmm --irqchip chose.  The test device at
 * TESTDEV_BASE has the same three as MMIO registers (write the GSI).
 * @{
 */
#define IRQ_RAISE_PORT		0xfa
#define IRQ_LOWER_PORT		0xfb
#define IRQ_PULSE_PORT		0xfc
#define TESTDEV_IRQ_RAISE	0x18
#define TESTDEV_IRQ_LOWER	0x20
#define TESTDEV_IRQ_PULSE	0x28
#define CTL_IRQ_LATER		0x10	/**< (gsi, delay_ms): pulse it from another thread */
#define CTL_NMI			0x11	/**< (): KVM_NMI */
#define CTL_IRQCHIP_SAVE	0x12	/**< (): save irqchip + vCPU events, clobber the irqchip */
#define CTL_IRQCHIP_RESTORE	0x13	/**< (): restore them */
#define CTL_IRQ_STORM		0x14	/**< (gsi, toggles): line changes from a thread */
#define CTL_IRQ_STORM_WAIT	0x15	/**< (): wait for it -> failed changes */
/** @} */

/** The 8259 pair (8259A datasheet; PC/AT ports) and the ELCR (PIIX4 3.1). @{ */
#define PIC_M_CMD		0x20
#define PIC_M_DATA		0x21
#define PIC_S_CMD		0xa0
#define PIC_S_DATA		0xa1
#define PIC_ELCR_M		0x4d0
#define PIC_ELCR_S		0x4d1
#define OCW2_EOI		0x20	/**< non-specific EOI */
#define OCW2_SEOI		0x60	/**< specific EOI, | level */
#define OCW2_SET_PRIO		0xc0	/**< set priority: | the level to be lowest */
#define OCW2_ROT_EOI		0xa0	/**< rotate on non-specific EOI */
#define OCW3_READ_IRR		0x0a
#define OCW3_READ_ISR		0x0b
#define OCW3_POLL		0x0c
#define OCW3_SMM_ON		0x68	/**< special mask mode on */
#define OCW3_SMM_OFF		0x48	/**< special mask mode off */
#define ICW4_8086		0x01
#define ICW4_AEOI		0x03	/**< 8086 mode, automatic EOI */
#define PIC_M_BASE		0x20	/**< the guests' vectors: IRQ n -> 0x20 + n */
#define PIC_S_BASE		0x28
/** @} */

/** The IOAPIC (82093AA datasheet) and the local APIC page (SDM Vol. 3A, 11.4.1). @{ */
#define IOAPIC_BASE		0xfec00000
#define IOAPIC_IOWIN		0x10
#define IOAPIC_REDTBL(n)	(0x10 + 2 * (n))	/**< low dword; +1 the high one */
#define IOAPIC_MASKED		0x10000
#define LAPIC_BASE		0xfee00000
#define LAPIC_VERSION		0x30
#define LAPIC_EOI		0xb0
#define LAPIC_SVR		0xf0
/** @} */

/**
 * The interrupt library of the chapter-03 guests (idt32.S, idt64.S): an
 * IDT at IDT_AREA whose every vector counts in irq_count[vector] (32-bit
 * words at IRQ_COUNTS) and then calls irq_hook[vector] (IRQ_HOOKS, 32-bit
 * addresses) if it is not 0.  An exception without a hook ends the guest.
 * @{
 */
#define IDT_AREA		0x50000	/**< 256 gates, 8 or 16 bytes each */
#define IRQ_COUNTS		0x52000
#define IRQ_HOOKS		0x52400
#define IRQ_LAST		0x52800	/**< the last vector taken */
#define IRQ_SCRATCH		0x52804	/**< words the hooks note things in */
/** @} */

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
