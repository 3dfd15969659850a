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
 * Chapter 04: minivmm's local-APIC commands (final/vmm/minivmm.h), on
 * the vCPU that executes the OUT.
 * @{
 */
#define CTL_LAPIC_SAVE		0x16	/**< (): KVM_GET_LAPIC, then clobber */
#define CTL_LAPIC_RESTORE	0x17	/**< (): KVM_SET_LAPIC with the saved state */
#define CTL_CPU_MARK		0x18	/**< (): note the vCPU thread's CPU time */
#define CTL_CPU_REPORT		0x19	/**< (): print its CPU use since -> percent */
#define CTL_NOTE		0x1a	/**< (a, b, c, d): minivmm prints them */
/** @} */

/**
 * The local APIC's registers, offsets in its 4 KiB page at LAPIC_BASE
 * (Intel SDM Vol. 3A, 11.4.1, Table 11-1; AMD APM Vol. 2, 16.3); in
 * x2APIC mode the MSR 0x800 + offset / 16 (SDM 11.12.1.2).
 * @{
 */
#define LAPIC_ID		0x20	/**< xAPIC: the ID in bits 31:24 */
#define LAPIC_TPR		0x80	/**< task priority */
#define LAPIC_APR		0x90	/**< arbitration priority */
#define LAPIC_PPR		0xa0	/**< processor priority */
#define LAPIC_LDR		0xd0	/**< logical destination */
#define LAPIC_DFR		0xe0	/**< destination format (xAPIC only) */
#define  SVR_ENABLE		0x100	/**< SVR bit 8: APIC software-enabled */
#define LAPIC_ISR		0x100	/**< in-service, 8 registers 16 bytes apart */
#define LAPIC_TMR		0x180	/**< trigger mode, likewise */
#define LAPIC_IRR		0x200	/**< interrupt request, likewise */
#define LAPIC_ESR		0x280	/**< error status */
#define  ESR_SEND_ILLEGAL	0x20	/**< bit 5: send illegal vector */
#define  ESR_RECV_ILLEGAL	0x40	/**< bit 6: receive illegal vector */
#define LAPIC_ICR_LO		0x300	/**< interrupt command, bits 31:0 */
#define LAPIC_ICR_HI		0x310	/**< interrupt command, bits 63:32 (xAPIC destination) */
#define  ICR_FIXED		0x000	/**< delivery mode, bits 10:8 */
#define  ICR_NMI		0x400
#define  ICR_INIT		0x500
#define  ICR_STARTUP		0x600
#define  ICR_LOGICAL		0x800	/**< bit 11: logical destination mode */
#define  ICR_PENDING		0x1000	/**< bit 12: delivery status, send pending */
#define  ICR_ASSERT		0x4000	/**< bit 14: level assert */
#define  ICR_LEVEL		0x8000	/**< bit 15: trigger mode level */
#define  ICR_SELF		0x40000	/**< shorthand, bits 19:18: self */
#define  ICR_ALL		0x80000	/**< all including self */
#define  ICR_ALL_BUT_SELF	0xc0000	/**< all excluding self */
#define LAPIC_LVTT		0x320	/**< LVT timer */
#define  LVTT_PERIODIC		0x20000	/**< timer mode bits 18:17 = 01 */
#define  LVTT_TSC_DEADLINE	0x40000	/**< timer mode bits 18:17 = 10 */
#define  LVT_MASKED		0x10000	/**< bit 16 */
#define LAPIC_LVT_LINT0		0x350
#define LAPIC_LVT_LINT1		0x360
#define LAPIC_LVT_ERROR		0x370
#define LAPIC_TMICT		0x380	/**< timer initial count */
#define LAPIC_TMCCT		0x390	/**< timer current count */
#define LAPIC_TDCR		0x3e0	/**< timer divide configuration */
#define MSR_APIC_BASE		0x1b	/**< IA32_APIC_BASE (SDM 11.4.4) */
#define  APIC_BASE_BSP		0x100	/**< bit 8: this is the bootstrap processor */
#define  APIC_BASE_EXTD		0x400	/**< bit 10: x2APIC mode */
#define  APIC_BASE_EN		0x800	/**< bit 11: APIC global enable */
#define MSR_X2APIC(off)		(0x800 + (off) / 16)	/**< x2APIC MSR of an xAPIC offset */
#define MSR_X2APIC_SELF_IPI	0x83f	/**< x2APIC SELF IPI (SDM 11.12.11) */
#define MSR_TSC_DEADLINE	0x6e0	/**< IA32_TSC_DEADLINE (SDM 11.5.4.1) */
#define CPUID_1_ECX_X2APIC	0x200000	/**< leaf 1 ECX bit 21: x2APIC (SDM Vol. 2A, CPUID) */
/** @} */

/**
 * The IOAPIC's redirection entry, low dword (82093AA datasheet, 3.2.4):
 * the trigger mode and the read-only Remote IRR of a level-triggered
 * input, whose EOI arrives from the local APIC from chapter 04 on.
 * @{
 */
#define IOAPIC_LEVEL		0x8000	/**< bit 15: level-triggered */
#define IOAPIC_REMOTE_IRR	0x4000	/**< bit 14: accepted, EOI not yet seen */
/** @} */

/**
 * The SMP guests (smp32.S): where the APs' stacks go, 4 KiB each, and
 * the per-CPU words the guests count in (8 CPUs at most, minivmm --smp).
 * @{
 */
#define AP_STACKS		0x60000	/**< AP n's stack: 0x60000 + n * 0x1000 .. */
#define PERCPU			0x53000	/**< per-CPU words: PERCPU + 64 * id + ... */
/** @} */

/**
 * Chapter 05: minivmm's emulator test devices (final/vmm/minivmm.h,
 * emudev.c).  The window is two pages that behave like RAM but that no
 * memory slot covers, so every access to it is emulated; the FIFO ports
 * give and take known byte streams for string I/O.
 * @{
 */
#define EMU_WINDOW_BASE		0xd0001000	/**< 2 pages, zeroed at start */
#define EMU_WINDOW_SIZE		0x2000
/** IN: byte k of the sequence, k * 29 + 0x5a + (k >> 8); OUT dword: restart at k */
#define EMU_FIFO_IN_PORT	0xe0
#define EMU_FIFO_OUT_PORT	0xe4	/**< OUT: append to the log; IN dword: its length */
#define EMU_FIFO_SUM_PORT	0xe8	/**< IN dword: FNV-1a of the log; OUT: empty it */
#define EMU_FIFO_MUL		29
#define EMU_FIFO_ADD		0x5a
#define EMU_FNV_BASIS		0x811c9dc5
#define EMU_FNV_PRIME		0x01000193
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
