/* SPDX-License-Identifier: GPL-2.0 */
/**
 * @file soak.h
 * @brief The soak's guest (soak-guest.S) and its VMM (soak.c) agree on
 * this layout of guest-physical memory and on these ports.
 *
 * Slot 0, 2 MiB at GPA 0, with dirty logging most of the time:
 *   0x01000  GDT (guest.c, guest_ram_init()): 0x08 code32, 0x10 data
 *   0x04000  TSS (guest.c)
 *   0x05000  the soak's IDT: 256 32-bit interrupt gates
 *   0x06000  counters, SOAK_CTR_SIZE bytes per vCPU (below)
 *   0x06ff0  the number of vCPUs (written by the VMM)
 *   0x07000  string-input buffers, 64 bytes per vCPU
 *   0x20000  the code: soak-guest.S, copied as it is
 *   0x70000  stacks, 4 KiB per vCPU, growing down from here
 *   0x100000 .. 0x1fffff: 256 pages the loop writes one by one
 * Slot 1, SOAK_SLOT1_SIZE bytes, moved between SOAK_SLOT1_A and
 * SOAK_SLOT1_B, deleted and added again while the guest writes to
 * SOAK_SLOT1_A (RAM when it is there, MMIO when it is not).
 * No memslot at SOAK_MMIO: every access there is an MMIO exit.
 */
#ifndef SOAK_H
#define SOAK_H

#define SOAK_RAM_SIZE	0x200000	/**< slot 0 */
#define SOAK_IDT	0x5000
#define SOAK_COUNTERS	0x6000
#define SOAK_NR_VCPUS	0x6ff0
#define SOAK_INBUF	0x7000
#define SOAK_CODE	0x20000
#define SOAK_STACK	0x70000
#define SOAK_PAGES	0x100000	/**< 256 pages of slot 0 */
#define SOAK_SLOT1_A	0x400000
#define SOAK_SLOT1_B	0x600000
#define SOAK_SLOT1_SIZE	0x10000	/**< 16 pages */
#define SOAK_MMIO	0xd0000000	/**< no memslot: the VMM answers */
#define SOAK_APIC	0xfee00000	/**< the in-kernel local APIC */

/** A vCPU's counters at SOAK_COUNTERS + 64 * index (32-bit words). @{ */
#define SOAK_CTR_SIZE	64
#define C_LOOPS		0	/**< times round the loop */
#define C_TIMER		4	/**< LAPIC timer interrupts (SOAK_VEC_TIMER) */
#define C_IPI		8	/**< IPIs from the other vCPU (SOAK_VEC_IPI) */
#define C_MSI		12	/**< KVM_SIGNAL_MSI from the VMM (SOAK_VEC_MSI) */
#define C_NMI		16	/**< KVM_NMI from the VMM */
#define C_UD		20	/**< #UD from UD2, intercepted and reflected */
#define C_PIC		24	/**< IRQ 5 through the 8259 (vCPU 0: LINT0 is ExtINT) */
#define C_NCTR		7
/** @} */

/** Interrupt vectors. @{ */
#define SOAK_VEC_TIMER	0x30
#define SOAK_VEC_IPI	0x31
#define SOAK_VEC_MSI	0x32
#define SOAK_PIC_BASE	0x40	/**< the master 8259's vectors: ICW2 */
#define SOAK_PIC_IRQ	5	/**< the line the VMM pulses (KVM_IRQ_LINE) */
/** @} */

/** Ports: SOAK_PORT has no device (an exit to the VMM each time);
 *  the guest reports an unexpected vector on SOAK_FAIL_PORT. @{ */
#define SOAK_PORT	0xf8
#define SOAK_FAIL_PORT	0xf4
#define SOAK_IN_BYTE	0xa5	/**< what the VMM answers on SOAK_PORT */
/** @} */

/** The hypercall the loop makes: a number KVM does not know, which it
 *  answers with -KVM_ENOSYS in RAX (Documentation/virt/kvm/x86/hypercalls.rst). */
#define SOAK_HC_NR	0x1000

#define SOAK_STUB_SIZE	16

#ifndef __ASSEMBLER__
/* soak-guest.S, in the host's read-only data: the guest's code, and the
 * 256 stubs, SOAK_STUB_SIZE bytes each, that vectors without a handler of their own
 * enter (they report the vector on SOAK_FAIL_PORT). */
extern const unsigned char soak_guest[], soak_guest_end[];
extern const unsigned char soak_stubs[], soak_nmi[], soak_ud[];
extern const unsigned char soak_timer[], soak_ipi[], soak_msi[], soak_pic[];
#endif

#endif
