/* SPDX-License-Identifier: GPL-2.0 */
/**
 * @file vmcb.h
 * @brief The Virtual Machine Control Block: one 4 KiB page per vCPU that
 * VMRUN reads the guest from and #VMEXIT writes it back to.
 *
 * AMD64 Architecture Programmer's Manual Vol. 2 (pub. 24593), Appendix B,
 * "Layout of VMCB": Table B-1 (control area, offsets 0x000-0x3ff) and
 * Table B-2 (state save area, from 0x400).  Byte offsets in the comments
 * are from the start of the VMCB; the static_asserts check them.
 * Linux: arch/x86/include/asm/svm.h.
 */
#ifndef MINIKVM_VMCB_H
#define MINIKVM_VMCB_H

#include <linux/build_bug.h>
#include <linux/types.h>

/**
 * Control area: what to intercept, and what the exit reports.
 * APM Vol. 2, Appendix B, Table B-1.  Linux: struct vmcb_control_area.
 */
struct vmcb_control_area {
	u32 intercept_cr;		/**< +0x000 reads 15:0, writes 31:16 */
	u32 intercept_dr;		/**< +0x004 reads 15:0, writes 31:16 */
	u32 intercept_exceptions;	/**< +0x008 one bit per vector */
	u32 intercept_misc1;		/**< +0x00c intercept vector 3: INTERCEPT_* below */
#define  INTERCEPT_INTR		BIT(0)	/**< physical maskable interrupt */
#define  INTERCEPT_NMI		BIT(1)	/**< physical NMI */
#define  INTERCEPT_SMI		BIT(2)	/**< physical SMI */
#define  INTERCEPT_INIT		BIT(3)	/**< INIT */
#define  INTERCEPT_VINTR	BIT(4)	/**< the guest would take our V_IRQ: an interrupt window */
#define  INTERCEPT_IRET		BIT(20)	/**< IRET: the end of an NMI handler */
#define  INTERCEPT_CPUID	BIT(18)	/**< CPUID */
#define  INTERCEPT_RDPMC	BIT(15)	/**< RDPMC */
#define  INTERCEPT_INVD		BIT(22)	/**< INVD */
#define  INTERCEPT_HLT		BIT(24)	/**< HLT */
#define  INTERCEPT_INVLPGA	BIT(26)	/**< INVLPGA */
#define  INTERCEPT_IOIO_PROT	BIT(27)	/**< IN/OUT, filtered by the I/O permission map */
#define  INTERCEPT_MSR_PROT	BIT(28)	/**< RDMSR/WRMSR, filtered by the MSR permission map */
#define  INTERCEPT_TASK_SWITCH	BIT(29)	/**< task switch */
#define  INTERCEPT_SHUTDOWN	BIT(31)	/**< shutdown (triple fault) */
	u32 intercept_misc2;		/**< +0x010 intercept vector 4: INTERCEPT_* below */
#define  INTERCEPT_VMRUN	BIT(0)	/**< must be set, or VMRUN fails */
#define  INTERCEPT_VMMCALL	BIT(1)	/**< VMMCALL */
#define  INTERCEPT_VMLOAD	BIT(2)	/**< VMLOAD */
#define  INTERCEPT_VMSAVE	BIT(3)	/**< VMSAVE */
#define  INTERCEPT_STGI		BIT(4)	/**< STGI */
#define  INTERCEPT_CLGI		BIT(5)	/**< CLGI */
#define  INTERCEPT_SKINIT	BIT(6)	/**< SKINIT */
#define  INTERCEPT_RDTSCP	BIT(7)	/**< RDTSCP */
#define  INTERCEPT_MONITOR	BIT(10)	/**< MONITOR/MONITORX */
#define  INTERCEPT_MWAIT	BIT(11)	/**< MWAIT/MWAITX, unconditionally */
#define  INTERCEPT_XSETBV	BIT(13)	/**< XSETBV */
	u32 intercept_misc3;		/**< +0x014 intercept vector 5 (INVLPGB, ...): none used */
	u8 reserved_1[0x3c - 0x18];	/**< +0x018 reserved */
	u16 pause_filter_thresh;	/**< +0x03c PAUSE filter threshold */
	u16 pause_filter_count;		/**< +0x03e PAUSE filter count */
	u64 iopm_base_pa;		/**< +0x040 I/O permission map, 12 KiB */
	u64 msrpm_base_pa;		/**< +0x048 MSR permission map, 8 KiB */
	u64 tsc_offset;			/**< +0x050 added to the TSC the guest reads */
	u32 asid;			/**< +0x058 guest address-space ID, never 0 */
	u8 tlb_ctl;			/**< +0x05c TLB_CONTROL: flush on this VMRUN */
#define  TLB_CONTROL_DO_NOTHING		0	/**< keep the TLB */
#define  TLB_CONTROL_FLUSH_ALL_ASID	1	/**< every ASID: always supported */
	u8 reserved_2[3];		/**< +0x05d reserved */
	u32 int_ctl;			/**< +0x060 virtual interrupt control: V_TPR, V_IRQ, V_INTR_MASKING, ... */
#define  V_TPR_MASK		0x0f	/**< bits 3:0: the guest's TPR, what it reads and writes as CR8 */
#define  V_IRQ_MASK		BIT(8)	/**< a virtual interrupt is pending */
#define  V_INTR_PRIO_SHIFT	16	/**< bits 19:16: its priority, against V_TPR */
#define  V_INTR_PRIO_MASK	(0xf << V_INTR_PRIO_SHIFT)	/**< the priority field */
#define  V_IGN_TPR_MASK		BIT(20)	/**< take the V_IRQ whatever V_TPR says */
#define  V_INTR_MASKING_MASK	BIT(24)	/**< host RFLAGS.IF masks physical interrupts */
	u32 int_vector;			/**< +0x064 V_INTR_VECTOR, for a V_IRQ */
	u32 int_state;			/**< +0x068 bit 0: the guest is in an interrupt shadow (STI, MOV SS) */
#define  SVM_INTERRUPT_SHADOW_MASK	BIT(0)	/**< int_state bit 0: the shadow */
	u8 reserved_3[4];		/**< +0x06c reserved */
	u64 exit_code;			/**< +0x070 EXITCODE: SVM_EXIT_* below */
	u64 exit_info_1;		/**< +0x078 EXITINFO1: depends on the exit code */
	u64 exit_info_2;		/**< +0x080 EXITINFO2: depends on the exit code */
	u32 exit_int_info;		/**< +0x088 EXITINTINFO: event being delivered at exit (15.7.2) */
	u32 exit_int_info_err;		/**< +0x08c its error code */
	u64 nested_ctl;			/**< +0x090 NP_ENABLE, SEV, SEV-ES */
#define  SVM_NESTED_CTL_NP_ENABLE	BIT(0)	/**< nested paging on */
	u64 avic_vapic_bar;		/**< +0x098 AVIC APIC backing page: unused */
	u64 ghcb_gpa;			/**< +0x0a0 SEV-ES GHCB: unused */
	u32 event_inj;			/**< +0x0a8 EVENTINJ: event to inject at VMRUN (15.20) */
#define  SVM_EVTINJ_VEC_MASK		0xff	/**< bits 7:0: the vector */
#define  SVM_EVTINJ_TYPE_MASK		(7 << 8)	/**< bits 10:8: the type; EXITINTINFO has the same layout */
#define  SVM_EVTINJ_TYPE_INTR		(0 << 8)	/**< type 0: an external interrupt */
#define  SVM_EVTINJ_TYPE_NMI		(2 << 8)	/**< type 2: NMI */
#define  SVM_EVTINJ_TYPE_SOFT		(4 << 8)	/**< type 4: INT n */
#define  SVM_EVTINJ_TYPE_EXEPT		(3 << 8)	/**< bits 10:8 = 3: an exception */
#define  SVM_EVTINJ_VALID_ERR		BIT(11)	/**< push the error code in event_inj_err */
#define  SVM_EVTINJ_VALID		BIT(31)	/**< inject it */
	u32 event_inj_err;		/**< +0x0ac its error code */
	u64 nested_cr3;			/**< +0x0b0 N_CR3: root of the NPT (15.25) */
	u64 virt_ext;			/**< +0x0b8 LBR virtualization, virtual VMLOAD/VMSAVE: unused */
	u32 clean;			/**< +0x0c0 VMCB clean bits: 0 = reload all */
	u32 reserved_5;			/**< +0x0c4 reserved */
	u64 next_rip;			/**< +0x0c8 nRIP: next RIP, only with NRIP save (15.7.1) */
	u8 insn_len;			/**< +0x0d0 bytes fetched, only with decode assists (15.33) */
	u8 insn_bytes[15];		/**< +0x0d1 the guest instruction bytes */
	u8 reserved_6[0x400 - 0x0e0];	/**< +0x0e0 reserved, then the AVIC and SEV fields */
} __packed;

/** A segment in the save area, with its hidden part (attributes, limit,
 *  base) spelled out.  APM Vol. 2, 15.5.1 and Table B-2.
 *  Linux: struct vmcb_seg. */
struct vmcb_seg {
	u16 selector;			/**< +0x0 */
	u16 attrib;			/**< +0x2 descriptor bits 47:40 and 55:52, packed */
#define  SVM_SELECTOR_TYPE_MASK		0x00f	/**< bits 3:0: segment type */
#define  SVM_SELECTOR_S_SHIFT		4	/**< S: code/data, not system */
#define  SVM_SELECTOR_DPL_SHIFT		5	/**< bits 6:5: DPL */
#define  SVM_SELECTOR_P_SHIFT		7	/**< P: present */
#define  SVM_SELECTOR_AVL_SHIFT		8	/**< AVL: available to software */
#define  SVM_SELECTOR_L_SHIFT		9	/**< L: 64-bit code */
#define  SVM_SELECTOR_DB_SHIFT		10	/**< D/B: default operand size */
#define  SVM_SELECTOR_G_SHIFT		11	/**< G: limit in 4 KiB units */
	u32 limit;			/**< +0x4 */
	u64 base;			/**< +0x8 */
} __packed;

/** State save area: the guest state VMRUN loads and #VMEXIT stores.
 *  APM Vol. 2, Table B-2 (offsets from the VMCB start).
 *  Linux: struct vmcb_save_area. */
struct vmcb_save_area {
	struct vmcb_seg es;		/**< +0x400 ES */
	struct vmcb_seg cs;		/**< +0x410 CS */
	struct vmcb_seg ss;		/**< +0x420 SS */
	struct vmcb_seg ds;		/**< +0x430 DS */
	struct vmcb_seg fs;		/**< +0x440 FS */
	struct vmcb_seg gs;		/**< +0x450 GS */
	struct vmcb_seg gdtr;		/**< +0x460 GDTR (base and limit only) */
	struct vmcb_seg ldtr;		/**< +0x470 LDTR */
	struct vmcb_seg idtr;		/**< +0x480 IDTR (base and limit only) */
	struct vmcb_seg tr;		/**< +0x490 TR */
	u8 reserved_1[0x4cb - 0x4a0];	/**< +0x4a0 reserved */
	u8 cpl;				/**< +0x4cb current privilege level (15.5.1) */
	u8 reserved_2[4];		/**< +0x4cc reserved */
	u64 efer;			/**< +0x4d0 SVME must be set */
	u8 reserved_3[0x548 - 0x4d8];	/**< +0x4d8 reserved */
	u64 cr4;			/**< +0x548 CR4 */
	u64 cr3;			/**< +0x550 CR3 (the guest's own page tables) */
	u64 cr0;			/**< +0x558 CR0 */
	u64 dr7;			/**< +0x560 DR7 */
	u64 dr6;			/**< +0x568 DR6 */
	u64 rflags;			/**< +0x570 RFLAGS */
	u64 rip;			/**< +0x578 RIP */
	u8 reserved_4[0x5d8 - 0x580];	/**< +0x580 reserved */
	u64 rsp;			/**< +0x5d8 RSP */
	u8 reserved_5[0x5f8 - 0x5e0];	/**< +0x5e0 reserved */
	u64 rax;			/**< +0x5f8 RAX (VMRUN switches RAX, RSP, RIP; not the other GPRs) */
	u64 star;			/**< +0x600 STAR (VMSAVE/VMLOAD) */
	u64 lstar;			/**< +0x608 LSTAR (VMSAVE/VMLOAD) */
	u64 cstar;			/**< +0x610 CSTAR (VMSAVE/VMLOAD) */
	u64 sfmask;			/**< +0x618 SFMASK (VMSAVE/VMLOAD) */
	u64 kernel_gs_base;		/**< +0x620 KernelGsBase (VMSAVE/VMLOAD) */
	u64 sysenter_cs;		/**< +0x628 SYSENTER_CS (VMSAVE/VMLOAD) */
	u64 sysenter_esp;		/**< +0x630 SYSENTER_ESP (VMSAVE/VMLOAD) */
	u64 sysenter_eip;		/**< +0x638 SYSENTER_EIP (VMSAVE/VMLOAD) */
	u64 cr2;			/**< +0x640 CR2 */
	u8 reserved_6[0x668 - 0x648];	/**< +0x648 reserved */
	u64 g_pat;			/**< +0x668 guest PAT, used with NPT */
	u64 dbgctl;			/**< +0x670 DebugCtl, with LBR virtualization */
	u8 reserved_7[0x1000 - 0x678];	/**< +0x678 reserved */
} __packed;

/** The whole VMCB: one naturally aligned page.  Linux: struct vmcb. */
struct vmcb {
	struct vmcb_control_area control;	/**< +0x000 */
	struct vmcb_save_area save;		/**< +0x400 */
} __packed;

static_assert(sizeof(struct vmcb_control_area) == 0x400);
static_assert(sizeof(struct vmcb_seg) == 16);
static_assert(sizeof(struct vmcb) == 0x1000);
static_assert(offsetof(struct vmcb, control.exit_code) == 0x070);
static_assert(offsetof(struct vmcb, control.nested_cr3) == 0x0b0);
static_assert(offsetof(struct vmcb, control.next_rip) == 0x0c8);
static_assert(offsetof(struct vmcb, save.efer) == 0x4d0);
static_assert(offsetof(struct vmcb, save.cr4) == 0x548);
static_assert(offsetof(struct vmcb, save.rsp) == 0x5d8);
static_assert(offsetof(struct vmcb, save.rax) == 0x5f8);
static_assert(offsetof(struct vmcb, save.cr2) == 0x640);
static_assert(offsetof(struct vmcb, save.g_pat) == 0x668);

/** #VMEXIT codes, in vmcb_control_area.exit_code.  APM Vol. 2, Appendix C,
 *  Table C-1.  @{ */
#define SVM_EXIT_READ_CR0	0x000
#define SVM_EXIT_READ_DR0	0x020	/**< + n: MOV from DRn */
#define SVM_EXIT_READ_DR7	0x027	/**< MOV from DR7 */
#define SVM_EXIT_WRITE_DR0	0x030	/**< + n: MOV to DRn */
#define SVM_EXIT_WRITE_DR7	0x037	/**< MOV to DR7, the last of them */
#define SVM_EXIT_EXCP_BASE	0x040	/**< + vector */
#define SVM_EXIT_INTR		0x060
#define SVM_EXIT_NMI		0x061
#define SVM_EXIT_SMI		0x062
#define SVM_EXIT_INIT		0x063
#define SVM_EXIT_VINTR		0x064
#define SVM_EXIT_RDPMC		0x06f
#define SVM_EXIT_IRET		0x074
#define SVM_EXIT_CPUID		0x072
#define SVM_EXIT_INVD		0x076
#define SVM_EXIT_HLT		0x078
#define SVM_EXIT_INVLPGA	0x07a
#define SVM_EXIT_IOIO		0x07b
#define SVM_EXIT_MSR		0x07c
#define SVM_EXIT_TASK_SWITCH	0x07d
#define SVM_EXIT_SHUTDOWN	0x07f
#define SVM_EXIT_VMRUN		0x080
#define SVM_EXIT_VMMCALL	0x081
#define SVM_EXIT_VMLOAD		0x082
#define SVM_EXIT_VMSAVE		0x083
#define SVM_EXIT_STGI		0x084
#define SVM_EXIT_CLGI		0x085
#define SVM_EXIT_SKINIT		0x086
#define SVM_EXIT_RDTSCP		0x087
#define SVM_EXIT_MONITOR	0x08a
#define SVM_EXIT_MWAIT		0x08b
#define SVM_EXIT_XSETBV		0x08d
#define SVM_EXIT_NPF		0x400
#define  NPF_ERR_WRITE		BIT_ULL(1)	/* EXITINFO1 of an NPF (APM 15.25.6) */
#define  NPF_ERR_RSVD		BIT_ULL(3)
#define  NPF_ERR_FETCH		BIT_ULL(4)
#define  NPF_ERR_GUEST_PT	BIT_ULL(33)	/* fault while walking the guest's tables */
#define SVM_EXIT_ERR		0xffffffffu	/**< VMEXIT_INVALID (-1), as its low 32 bits */
/** @} */

/** IOIO exit_info_1.  APM Vol. 2, 15.10.2, Figure 15-2. @{ */
#define SVM_IOIO_TYPE_IN	BIT(0)	/**< IN (else OUT) */
#define SVM_IOIO_STR		BIT(2)	/**< INS/OUTS */
#define SVM_IOIO_REP		BIT(3)	/**< with a REP prefix */
#define SVM_IOIO_SIZE_SHIFT	4	/**< bits 6:4: 1, 2 or 4 bytes, one-hot */
#define SVM_IOIO_SIZE_MASK	(7 << SVM_IOIO_SIZE_SHIFT)	/**< the size bits */
#define SVM_IOIO_PORT_SHIFT	16	/**< bits 31:16: the port */
/** @} */

/** Sizes of the permission maps.  APM Vol. 2, 15.10.1 and 15.11. @{ */
#define IOPM_SIZE		(3 * PAGE_SIZE)	/**< one bit per port: 8 KiB used, 12 KiB required */
#define MSRPM_SIZE		(2 * PAGE_SIZE)	/**< two bits (read, write) per MSR */
/** @} */

#endif
