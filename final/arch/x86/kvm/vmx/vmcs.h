/* SPDX-License-Identifier: GPL-2.0 */
/**
 * @file vmcs.h
 * @brief The Virtual Machine Control Structure: field encodings, control
 * bits, exit reasons.
 *
 * A VMCS is opaque: software reads and writes it only with VMREAD and
 * VMWRITE, naming each field by a 32-bit encoding (Intel SDM Vol. 3C,
 * 25.11.2 "VMREAD, VMWRITE, and Encodings of VMCS Fields").  The encoding
 * itself says the field's width (bits 14:13) and kind (bits 11:10:
 * control, read-only exit information, guest state, host state), which is
 * why the fields below are grouped exactly as the SDM's Appendix B lists
 * them.  Linux: arch/x86/include/asm/vmx.h.
 */
#ifndef MINIKVM_VMCS_H
#define MINIKVM_VMCS_H

/** Width of a field, from bits 14:13 of its encoding (SDM 25.11.2, Table 25-21). */
enum vmcs_field_width {
	VMCS_FIELD_WIDTH_U16 = 0,
	VMCS_FIELD_WIDTH_U64 = 1,
	VMCS_FIELD_WIDTH_U32 = 2,
	VMCS_FIELD_WIDTH_NATURAL = 3,
};

/** The width of a field, read from bits 14:13 of its encoding, so that no
 *  table has to say it twice. */
static inline enum vmcs_field_width vmcs_field_width(unsigned long field)
{
	return (field >> 13) & 3;
}

/** Field encodings.  Intel SDM Vol. 3C, Appendix B. */
enum vmcs_field {
	/* B.1.2 16-bit guest-state fields */
	GUEST_ES_SELECTOR		= 0x00000800,
	GUEST_CS_SELECTOR		= 0x00000802,
	GUEST_SS_SELECTOR		= 0x00000804,
	GUEST_DS_SELECTOR		= 0x00000806,
	GUEST_FS_SELECTOR		= 0x00000808,
	GUEST_GS_SELECTOR		= 0x0000080a,
	GUEST_LDTR_SELECTOR		= 0x0000080c,
	GUEST_TR_SELECTOR		= 0x0000080e,
	/* B.1.3 16-bit host-state fields */
	HOST_ES_SELECTOR		= 0x00000c00,
	HOST_CS_SELECTOR		= 0x00000c02,
	HOST_SS_SELECTOR		= 0x00000c04,
	HOST_DS_SELECTOR		= 0x00000c06,
	HOST_FS_SELECTOR		= 0x00000c08,
	HOST_GS_SELECTOR		= 0x00000c0a,
	HOST_TR_SELECTOR		= 0x00000c0c,
	/* B.2.1 64-bit control fields */
	IO_BITMAP_A			= 0x00002000,
	IO_BITMAP_B			= 0x00002002,
	MSR_BITMAP			= 0x00002004,
	VM_EXIT_MSR_STORE_ADDR		= 0x00002006,
	VM_EXIT_MSR_LOAD_ADDR		= 0x00002008,
	VM_ENTRY_MSR_LOAD_ADDR		= 0x0000200a,
	TSC_OFFSET			= 0x00002010,
	EPT_POINTER			= 0x0000201a,
	/* B.2.2 64-bit read-only data fields */
	GUEST_PHYSICAL_ADDRESS		= 0x00002400,
	/* B.2.3 64-bit guest-state fields */
	VMCS_LINK_POINTER		= 0x00002800,
	GUEST_IA32_DEBUGCTL		= 0x00002802,
	GUEST_IA32_PAT			= 0x00002804,
	GUEST_IA32_EFER			= 0x00002806,
	GUEST_PDPTR0			= 0x0000280a,
	GUEST_PDPTR1			= 0x0000280c,
	GUEST_PDPTR2			= 0x0000280e,
	GUEST_PDPTR3			= 0x00002810,
	/* B.2.4 64-bit host-state fields */
	HOST_IA32_PAT			= 0x00002c00,
	HOST_IA32_EFER			= 0x00002c02,
	/* B.3.1 32-bit control fields */
	PIN_BASED_VM_EXEC_CONTROL	= 0x00004000,
	CPU_BASED_VM_EXEC_CONTROL	= 0x00004002,
	EXCEPTION_BITMAP		= 0x00004004,
	PAGE_FAULT_ERROR_CODE_MASK	= 0x00004006,
	PAGE_FAULT_ERROR_CODE_MATCH	= 0x00004008,
	CR3_TARGET_COUNT		= 0x0000400a,
	VM_EXIT_CONTROLS		= 0x0000400c,
	VM_EXIT_MSR_STORE_COUNT		= 0x0000400e,
	VM_EXIT_MSR_LOAD_COUNT		= 0x00004010,
	VM_ENTRY_CONTROLS		= 0x00004012,
	VM_ENTRY_MSR_LOAD_COUNT		= 0x00004014,
	VM_ENTRY_INTR_INFO_FIELD	= 0x00004016,
	VM_ENTRY_EXCEPTION_ERROR_CODE	= 0x00004018,
	VM_ENTRY_INSTRUCTION_LEN	= 0x0000401a,
	TPR_THRESHOLD			= 0x0000401c,
	SECONDARY_VM_EXEC_CONTROL	= 0x0000401e,
#ifdef CONFIG_MINIKVM_LAPIC
	PLE_GAP				= 0x00004020,
	PLE_WINDOW			= 0x00004022,
#endif
	/* B.3.2 32-bit read-only data fields */
	VM_INSTRUCTION_ERROR		= 0x00004400,
	VM_EXIT_REASON			= 0x00004402,
	VM_EXIT_INTR_INFO		= 0x00004404,
	VM_EXIT_INTR_ERROR_CODE		= 0x00004406,
	IDT_VECTORING_INFO_FIELD	= 0x00004408,
	IDT_VECTORING_ERROR_CODE	= 0x0000440a,
	VM_EXIT_INSTRUCTION_LEN		= 0x0000440c,
	VMX_INSTRUCTION_INFO		= 0x0000440e,
	/* B.3.3 32-bit guest-state fields */
	GUEST_ES_LIMIT			= 0x00004800,
	GUEST_CS_LIMIT			= 0x00004802,
	GUEST_SS_LIMIT			= 0x00004804,
	GUEST_DS_LIMIT			= 0x00004806,
	GUEST_FS_LIMIT			= 0x00004808,
	GUEST_GS_LIMIT			= 0x0000480a,
	GUEST_LDTR_LIMIT		= 0x0000480c,
	GUEST_TR_LIMIT			= 0x0000480e,
	GUEST_GDTR_LIMIT		= 0x00004810,
	GUEST_IDTR_LIMIT		= 0x00004812,
	GUEST_ES_AR_BYTES		= 0x00004814,
	GUEST_CS_AR_BYTES		= 0x00004816,
	GUEST_SS_AR_BYTES		= 0x00004818,
	GUEST_DS_AR_BYTES		= 0x0000481a,
	GUEST_FS_AR_BYTES		= 0x0000481c,
	GUEST_GS_AR_BYTES		= 0x0000481e,
	GUEST_LDTR_AR_BYTES		= 0x00004820,
	GUEST_TR_AR_BYTES		= 0x00004822,
	GUEST_INTERRUPTIBILITY_INFO	= 0x00004824,
	GUEST_ACTIVITY_STATE		= 0x00004826,
	GUEST_SYSENTER_CS		= 0x0000482a,
	/* B.3.4 32-bit host-state field */
	HOST_IA32_SYSENTER_CS		= 0x00004c00,
	/* B.4.1 natural-width control fields */
	CR0_GUEST_HOST_MASK		= 0x00006000,
	CR4_GUEST_HOST_MASK		= 0x00006002,
	CR0_READ_SHADOW			= 0x00006004,
	CR4_READ_SHADOW			= 0x00006006,
	/* B.4.2 natural-width read-only data fields */
	EXIT_QUALIFICATION		= 0x00006400,
	GUEST_LINEAR_ADDRESS		= 0x0000640a,
	/* B.4.3 natural-width guest-state fields */
	GUEST_CR0			= 0x00006800,
	GUEST_CR3			= 0x00006802,
	GUEST_CR4			= 0x00006804,
	GUEST_ES_BASE			= 0x00006806,
	GUEST_CS_BASE			= 0x00006808,
	GUEST_SS_BASE			= 0x0000680a,
	GUEST_DS_BASE			= 0x0000680c,
	GUEST_FS_BASE			= 0x0000680e,
	GUEST_GS_BASE			= 0x00006810,
	GUEST_LDTR_BASE			= 0x00006812,
	GUEST_TR_BASE			= 0x00006814,
	GUEST_GDTR_BASE			= 0x00006816,
	GUEST_IDTR_BASE			= 0x00006818,
	GUEST_DR7			= 0x0000681a,
	GUEST_RSP			= 0x0000681c,
	GUEST_RIP			= 0x0000681e,
	GUEST_RFLAGS			= 0x00006820,
	GUEST_PENDING_DBG_EXCEPTIONS	= 0x00006822,
	GUEST_SYSENTER_ESP		= 0x00006824,
	GUEST_SYSENTER_EIP		= 0x00006826,
	/* B.4.4 natural-width host-state fields */
	HOST_CR0			= 0x00006c00,
	HOST_CR3			= 0x00006c02,
	HOST_CR4			= 0x00006c04,
	HOST_FS_BASE			= 0x00006c06,
	HOST_GS_BASE			= 0x00006c08,
	HOST_TR_BASE			= 0x00006c0a,
	HOST_GDTR_BASE			= 0x00006c0c,
	HOST_IDTR_BASE			= 0x00006c0e,
	HOST_IA32_SYSENTER_ESP		= 0x00006c10,
	HOST_IA32_SYSENTER_EIP		= 0x00006c12,
	HOST_RSP			= 0x00006c14,
	HOST_RIP			= 0x00006c16,
};

/** Pin-based VM-execution controls (SDM 25.6.1, Table 25-5). @{ */
#define PIN_BASED_EXT_INTR_MASK		BIT(0)	/**< host interrupts exit */
#define PIN_BASED_NMI_EXITING		BIT(3)	/**< host NMIs exit */
#ifdef CONFIG_MINIKVM_IRQCHIP
/** Virtual NMIs: the CPU tracks "blocking by NMI" for NMIs we inject,
 *  until the guest's IRET (SDM 26.3). */
#define PIN_BASED_VIRTUAL_NMIS		BIT(5)
#endif
/** @} */

/** Primary processor-based controls (SDM 25.6.2, Table 25-6). @{ */
#ifdef CONFIG_MINIKVM_IRQCHIP
#define CPU_BASED_INTR_WINDOW_EXITING	BIT(2)	/**< exit once the guest can take an interrupt */
#endif
#ifdef CONFIG_MINIKVM_LAPIC
#define CPU_BASED_USE_TSC_OFFSETTING	BIT(3)	/**< the guest's TSC is the host's + TSC_OFFSET */
#endif
#define CPU_BASED_HLT_EXITING		BIT(7)	/**< HLT exits */
#define CPU_BASED_INVLPG_EXITING	BIT(9)	/**< INVLPG exits */
#define CPU_BASED_MWAIT_EXITING		BIT(10)	/**< MWAIT exits */
#define CPU_BASED_RDPMC_EXITING		BIT(11)	/**< RDPMC exits */
#define CPU_BASED_CR3_LOAD_EXITING	BIT(15)	/**< MOV to CR3 exits */
#define CPU_BASED_CR3_STORE_EXITING	BIT(16)	/**< MOV from CR3 exits */
#define CPU_BASED_CR8_LOAD_EXITING	BIT(19)	/**< MOV to CR8 exits */
#define CPU_BASED_CR8_STORE_EXITING	BIT(20)	/**< MOV from CR8 exits */
#ifdef CONFIG_MINIKVM_IRQCHIP
#define CPU_BASED_NMI_WINDOW_EXITING	BIT(22)	/**< exit once NMIs are unblocked */
#endif
#define CPU_BASED_MOV_DR_EXITING	BIT(23)	/**< MOV to/from a debug register exits */
#define CPU_BASED_UNCOND_IO_EXITING	BIT(24)	/**< every IN/OUT exits (no I/O bitmaps) */
#define CPU_BASED_USE_MSR_BITMAPS	BIT(28)	/**< off: every RDMSR/WRMSR exits */
#define CPU_BASED_MONITOR_EXITING	BIT(29)	/**< MONITOR exits */
#define CPU_BASED_ACTIVATE_SECONDARY	BIT(31)	/**< use the secondary controls */
/** @} */

/** Secondary processor-based controls (SDM 25.6.2, Table 25-7). @{ */
#define SECONDARY_EXEC_ENABLE_EPT	BIT(1)	/**< EPT: guest-physical addresses go through the EPT */
#ifdef CONFIG_MINIKVM_FINAL
#define SECONDARY_EXEC_ENABLE_RDTSCP	BIT(3)	/**< RDTSCP and RDPID work (else #UD) */
#endif
#define SECONDARY_EXEC_UNRESTRICTED_GUEST BIT(7)	/**< the guest may run unpaged, even in real mode */
#ifdef CONFIG_MINIKVM_LAPIC
#define SECONDARY_EXEC_PAUSE_LOOP_EXITING BIT(10)	/**< a PAUSE loop longer than PLE_WINDOW exits */
#endif
#ifdef CONFIG_MINIKVM_FINAL
#define SECONDARY_EXEC_ENABLE_INVPCID	BIT(12)	/**< INVPCID works (else #UD) */
#endif
/** @} */

/** VM-exit controls (SDM 25.7.1, Table 25-13). @{ */
#define VM_EXIT_SAVE_DEBUG_CONTROLS	BIT(2)	/**< store the guest's DR7 and DEBUGCTL */
#define VM_EXIT_HOST_ADDR_SPACE_SIZE	BIT(9)	/**< the host is 64-bit */
#ifdef CONFIG_MINIKVM_LAPIC
#define VM_EXIT_LOAD_IA32_PAT		BIT(19)	/**< load PAT from HOST_IA32_PAT */
#endif
#define VM_EXIT_SAVE_IA32_EFER		BIT(20)	/**< store the guest's EFER in GUEST_IA32_EFER */
#define VM_EXIT_LOAD_IA32_EFER		BIT(21)	/**< load EFER from HOST_IA32_EFER */
/** @} */

/** VM-entry controls (SDM 25.8.1, Table 25-15). @{ */
#define VM_ENTRY_LOAD_DEBUG_CONTROLS	BIT(2)	/**< load DR7 and DEBUGCTL from the guest fields */
#define VM_ENTRY_IA32E_MODE		BIT(9)	/**< guest in IA-32e mode */
#ifdef CONFIG_MINIKVM_LAPIC
#define VM_ENTRY_LOAD_IA32_PAT		BIT(14)	/**< load PAT from GUEST_IA32_PAT */
#endif
#define VM_ENTRY_LOAD_IA32_EFER		BIT(15)	/**< load EFER from GUEST_IA32_EFER */
/** @} */

/** EPT pointer (SDM 25.6.11, Table 25-9). @{ */
#define VMX_EPTP_MT_WB			6ull	/**< bits 2:0: the EPT tables are write-back memory */
#define VMX_EPTP_PWL_4			(3ull << 3)	/**< bits 5:3: walk length - 1 (4 levels) */
/** @} */

/* The EPT entries themselves: include/minikvm/tdp.h (EPT_READABLE, ...). */

/** IA32_VMX_EPT_VPID_CAP (SDM Appendix A.10). @{ */
#define VMX_EPT_PAGE_WALK_4_BIT		BIT_ULL(6)	/**< a 4-level walk is supported */
#define VMX_EPTP_WB_BIT			BIT_ULL(14)	/**< write-back EPT tables are supported */
#ifdef CONFIG_MINIKVM_FINAL
#define VMX_EPT_2MB_PAGE_BIT		BIT_ULL(16)	/**< EPT PDEs may map 2 MiB */
#endif
#define VMX_EPT_INVEPT_BIT		BIT_ULL(20)	/**< INVEPT exists */
#define VMX_EPT_EXTENT_CONTEXT_BIT	BIT_ULL(25)	/**< single-context INVEPT exists */
#define VMX_EPT_EXTENT_GLOBAL_BIT	BIT_ULL(26)	/**< all-context INVEPT exists */
#define VMX_EPT_EXTENT_CONTEXT		1	/**< INVEPT type 1: one EPTP */
#define VMX_EPT_EXTENT_GLOBAL		2	/**< INVEPT type 2: every EPTP */
/** @} */

/** Interruption information (SDM 25.8.3 and 25.9.2, Tables 25-16, 25-19). @{ */
#define INTR_INFO_VECTOR_MASK		0xff	/**< bits 7:0: vector */
#define INTR_INFO_INTR_TYPE_MASK	(7u << 8)	/**< bits 10:8: event type */
#ifdef CONFIG_MINIKVM_IRQCHIP
#define INTR_TYPE_EXT_INTR		(0u << 8)	/**< type 0: external interrupt */
#define INTR_TYPE_SOFT_INTR		(4u << 8)	/**< type 4: INT n */
#endif
#define INTR_TYPE_NMI_INTR		(2u << 8)	/**< type 2: NMI */
#define INTR_TYPE_HARD_EXCEPTION	(3u << 8)	/**< type 3: hardware exception */
#define INTR_TYPE_PRIV_SW_EXCEPTION	(5u << 8)	/**< type 5: INT1 (ICEBP) */
#define INTR_TYPE_SOFT_EXCEPTION	(6u << 8)	/**< type 6: INT3, INTO */
#define INTR_INFO_DELIVER_CODE_MASK	BIT(11)	/**< bit 11: an error code is delivered */
#define VECTORING_INFO_NMI_UNBLOCK	BIT(12)	/**< bit 12: NMI unblocking by IRET (exits); must be 0 on entry */
#define INTR_INFO_VALID_MASK		BIT(31)	/**< bit 31: the field is valid */
/** @} */
#ifdef CONFIG_MINIKVM_IRQCHIP

/** Guest interruptibility state (SDM 25.4.2, Table 25-3). @{ */
#define GUEST_INTR_STATE_STI		BIT(0)	/**< blocking by STI: the instruction after STI */
#define GUEST_INTR_STATE_MOV_SS		BIT(1)	/**< blocking by MOV SS / POP SS */
#define GUEST_INTR_STATE_NMI		BIT(3)	/**< blocking by NMI: one is being handled */
/** @} */
#endif

/** Segment access rights (SDM 25.4.1, Table 25-2). @{ */
#define VMX_AR_TYPE_MASK		0x0f	/**< bits 3:0: segment type */
#define VMX_AR_S_SHIFT			4	/**< bit 4: S, code/data rather than system */
#define VMX_AR_DPL_SHIFT		5	/**< bits 6:5: DPL */
#define VMX_AR_P_SHIFT			7	/**< bit 7: present */
#define VMX_AR_AVL_SHIFT		12	/**< bit 12: available to software */
#define VMX_AR_L_SHIFT			13	/**< bit 13: 64-bit code */
#define VMX_AR_DB_SHIFT			14	/**< bit 14: D/B, default operand size */
#define VMX_AR_G_SHIFT			15	/**< bit 15: limit in 4 KiB units */
#define VMX_AR_UNUSABLE_MASK		BIT(16)	/**< bit 16: segment unusable */
/** @} */

/** Exit reasons (SDM Vol. 3D, Appendix C).  Bit 31 of the full exit reason
 * says that VM entry failed (SDM 28.8). @{ */
#define EXIT_REASON_EXCEPTION_NMI	0
#define EXIT_REASON_EXTERNAL_INTERRUPT	1
#define EXIT_REASON_TRIPLE_FAULT	2
#define EXIT_REASON_INTERRUPT_WINDOW	7
#define EXIT_REASON_NMI_WINDOW		8
#define EXIT_REASON_CPUID		10
#define EXIT_REASON_HLT			12
#define EXIT_REASON_INVD		13
#define EXIT_REASON_RDPMC		15
#define EXIT_REASON_VMCALL		18
#define EXIT_REASON_VMCLEAR		19
#define EXIT_REASON_VMLAUNCH		20
#define EXIT_REASON_VMPTRLD		21
#define EXIT_REASON_VMPTRST		22
#define EXIT_REASON_VMREAD		23
#define EXIT_REASON_VMRESUME		24
#define EXIT_REASON_VMWRITE		25
#define EXIT_REASON_VMOFF		26
#define EXIT_REASON_VMON		27
#define EXIT_REASON_CR_ACCESS		28
#define EXIT_REASON_DR_ACCESS		29
#define EXIT_REASON_IO_INSTRUCTION	30
#define EXIT_REASON_MSR_READ		31
#define EXIT_REASON_MSR_WRITE		32
#define EXIT_REASON_INVALID_STATE	33
#define EXIT_REASON_MWAIT_INSTRUCTION	36
#define EXIT_REASON_MONITOR_INSTRUCTION	39
#ifdef CONFIG_MINIKVM_LAPIC
#define EXIT_REASON_PAUSE_INSTRUCTION	40
#endif
#define EXIT_REASON_EPT_VIOLATION	48
#define EXIT_REASON_EPT_MISCONFIG	49
#define EXIT_REASON_INVEPT		50
#define EXIT_REASON_INVVPID		53
#define EXIT_REASON_XSETBV		55
#define VMX_EXIT_REASONS_FAILED_VMENTRY	BIT(31)	/**< bit 31 of the exit reason: VM entry failed */
/** @} */

/** I/O exit qualification (SDM 28.2.1, Table 28-5). @{ */
#define IO_QUAL_SIZE_MASK		7	/**< bits 2:0: size - 1 */
#define IO_QUAL_IN			BIT(3)	/**< bit 3: IN (else OUT) */
#define IO_QUAL_STRING			BIT(4)	/**< bit 4: INS/OUTS */
#define IO_QUAL_PORT_SHIFT		16	/**< bits 31:16: the port */
/** @} */

/** EPT-violation qualification (SDM 28.2.1, Table 28-7). @{ */
#define EPT_VIOLATION_ACC_READ		BIT(0)
#define EPT_VIOLATION_ACC_WRITE		BIT(1)
#define EPT_VIOLATION_ACC_INSTR		BIT(2)
#define EPT_VIOLATION_GVA_VALID		BIT(7)	/* a linear address is known */
#define EPT_VIOLATION_GVA_TRANSLATED	BIT(8)	/* ... and this was its translation */
/** @} */

/** Control-register access qualification (SDM 28.2.1, Table 28-3). @{ */
#define CR_QUAL_NUM_MASK		0xf	/**< bits 3:0: which control register */
#define CR_QUAL_TYPE_SHIFT		4	/**< bits 5:4: access type */
#define CR_QUAL_TYPE_MOV_TO_CR		0
#define CR_QUAL_TYPE_MOV_FROM_CR	1	/**< access type 0: MOV to CR */
#define CR_QUAL_REG_SHIFT		8	/**< bits 11:8: the general-purpose register */
/** @} */

#endif
