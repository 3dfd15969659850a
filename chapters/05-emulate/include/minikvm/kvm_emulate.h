/* SPDX-License-Identifier: GPL-2.0 */
/**
 * @file kvm_emulate.h
 * @brief The x86 instruction emulator's interface: final/arch/x86/kvm/emulate.c
 * decodes and executes one guest instruction against a context of registers
 * and a table of callbacks (memory, port I/O, segments) that the kernel glue
 * (x86.c) or a unit test supplies.  Linux: arch/x86/kvm/kvm_emulate.h.
 *
 * The emulator is plain logic: no locking, no allocation, no kernel-only
 * API.  It never touches guest memory itself; every access is a callback,
 * with the linear address already formed and checked against the segment
 * (limit, rights, canonical form).  Paging, access rights of pages, MMIO and
 * port I/O belong to the glue.
 *
 * One instruction's life (Linux: x86_emulate_instruction()):
 *
 *   init_decode_cache(ctxt);          fresh per-instruction state
 *   fill ctxt->regs, eip, eflags, mode
 *   x86_decode_insn(ctxt, bytes, n);  n = 0: fetch through ops->fetch
 *   rc = x86_emulate_insn(ctxt);
 *     EMULATION_OK          copy regs, eip, eflags back; done
 *     EMULATION_RESTART     copy regs back (eip unchanged); call again
 *     EMULATION_IO_NEEDED   no state changed: exit to userspace, then call
 *                           x86_emulate_insn() again on the same ctxt (do
 *                           not re-decode); the callback that asked for I/O
 *                           is asked again with the same arguments and now
 *                           answers with the data
 *     EMULATION_FAULT       no state changed; inject ctxt->exception
 *     EMULATION_FAILED      ctxt->fail_reason says why; ctxt->insn[] and
 *                           insn_len (when decoding got that far) hold
 *                           the bytes for KVM_INTERNAL_ERROR_EMULATION
 *
 * Notes for the glue:
 * - struct x86_emulate_ctxt is over 2 KiB (the read caches): keep it in
 *   the vCPU (Linux: vcpu->arch.emulate_ctxt), not on the stack.
 * - x86_decode_insn() can return EMULATION_FAULT too: a fetch that
 *   faulted (#PF from ops->fetch, #GP for a CS limit or a 16th byte) or a
 *   #UD found while decoding (LOCK where not allowed, CMPXCHG8B with a
 *   register).  Instructions the emulator does not execute but whose
 *   shape it knows (HLT, CPUID, RDMSR/WRMSR, IN/OUT, VMMCALL, MOV DR,
 *   Jcc, CALL...) decode with their exact length, so ctxt->insn_len is
 *   how far to step over an intercepted instruction; x86_emulate_insn()
 *   then refuses them (EMULATION_FAILED, "cpuid: not emulated").
 * - The read caches are emptied by x86_emulate_insn() itself on every
 *   return other than EMULATION_IO_NEEDED, and by init_decode_cache().
 * - A locked read-modify-write (LOCK prefix, XCHG with memory, CMPXCHG8B)
 *   writes through cmpxchg_emulated; X86EMUL_CMPXCHG_FAILED from it makes
 *   x86_emulate_insn() undo the run and return EMULATION_RESTART.
 * - REP INS writes its whole batch with one write_emulated() call of
 *   count * size bytes when DF = 0 (within one page), item by item when
 *   DF = 1.  REP OUTS and the other string instructions do one item per
 *   call, returning EMULATION_RESTART until rCX runs out (or REPE/REPNE
 *   stops): the glue may re-enter the guest in between, or call again.
 * - ctxt->eip wraps at 16 bits outside protected 32/64-bit modes.
 */
#ifndef MINIKVM_KVM_EMULATE_H
#define MINIKVM_KVM_EMULATE_H

#include <minikvm/portable.h>
#include <linux/kvm.h>		/* struct kvm_segment, struct kvm_dtable */

#ifdef __KERNEL__
#include <minikvm/kvm_host.h>	/* enum kvm_reg, enum kvm_seg */
#else
/** The host unit tests' copies of kvm_host.h's enum kvm_reg and enum
 *  kvm_seg (that header is kernel-only): the ModRM register numbering and
 *  the segment register encoding (SDM Vol. 2D, Appendix B, Table B-6 "sreg"). @{ */
enum kvm_reg {
	VCPU_REGS_RAX = 0, VCPU_REGS_RCX = 1, VCPU_REGS_RDX = 2,
	VCPU_REGS_RBX = 3, VCPU_REGS_RSP = 4, VCPU_REGS_RBP = 5,
	VCPU_REGS_RSI = 6, VCPU_REGS_RDI = 7,
	VCPU_REGS_R8, VCPU_REGS_R9, VCPU_REGS_R10, VCPU_REGS_R11,
	VCPU_REGS_R12, VCPU_REGS_R13, VCPU_REGS_R14, VCPU_REGS_R15,
	VCPU_REGS_RIP,
	NR_VCPU_REGS
};
enum kvm_seg {
	VCPU_SREG_ES, VCPU_SREG_CS, VCPU_SREG_SS, VCPU_SREG_DS,
	VCPU_SREG_FS, VCPU_SREG_GS, VCPU_SREG_TR, VCPU_SREG_LDTR,
};
/** @} */
#endif

/** The general-purpose registers the emulator sees: RAX..R15. */
#define NR_EMULATOR_GPRS	16

/** The longest x86 instruction (Intel SDM Vol. 2A, 2.3.11). */
#define X86_MAX_INSN_LEN	15

/**
 * What the callbacks return (Linux's values, kvm_emulate.h). @{
 */
#define X86EMUL_CONTINUE	0	/**< done, go on */
#define X86EMUL_UNHANDLEABLE	1	/**< the glue cannot do it: fail the instruction */
#define X86EMUL_PROPAGATE_FAULT	2	/**< *fault is filled: raise it in the guest */
#define X86EMUL_CMPXCHG_FAILED	4	/**< cmpxchg_emulated: memory != old, *old is updated */
#define X86EMUL_IO_NEEDED	5	/**< the data comes from userspace: ask again later */
/** @} */

/**
 * What x86_decode_insn() and x86_emulate_insn() return.  OK, FAILED and
 * RESTART have Linux's values; Linux reports I/O and faults through
 * ctxt fields, minikvm through two more codes. @{
 */
#define EMULATION_FAILED	-1	/**< refused: ctxt->fail_reason */
#define EMULATION_OK		0	/**< done: regs, eip, eflags hold the result */
#define EMULATION_RESTART	1	/**< one REP iteration done, more remain */
#define EMULATION_IO_NEEDED	3	/**< a callback returned X86EMUL_IO_NEEDED */
#define EMULATION_FAULT		4	/**< raise ctxt->exception */
/** @} */

/* The exception vectors raised (UD_VECTOR, SS_VECTOR, GP_VECTOR, PF_VECTOR,
 * NP_VECTOR, AC_VECTOR: SDM Vol. 3A, Table 6-1) come from <linux/kvm.h>
 * (asm/kvm.h), as in Linux. */

/**
 * A fault to inject into the guest.  Linux: struct x86_exception.
 */
struct x86_exception {
	u8 vector;		/**< IDT vector: GP_VECTOR, PF_VECTOR, ... */
	bool error_code_valid;	/**< the vector pushes an error code */
	u16 error_code;		/**< #PF: SDM Vol. 3A 4.7; others: selector or 0 */
	u64 address;		/**< #PF only: the linear address, for CR2 */
};

/** The CPU mode the instruction runs in (Linux: enum x86emul_mode). */
enum x86emul_mode {
	X86EMUL_MODE_REAL,	/**< CR0.PE = 0 */
	X86EMUL_MODE_VM86,	/**< EFLAGS.VM = 1 */
	X86EMUL_MODE_PROT16,	/**< protected, CS.D = 0 */
	X86EMUL_MODE_PROT32,	/**< protected, CS.D = 1 */
	X86EMUL_MODE_PROT64,	/**< IA-32e, CS.L = 1 */
};

struct x86_emulate_ctxt;

/**
 * The callbacks the emulator calls; the glue (or a test) supplies them.
 * Every one takes the context first; ctxt->opaque leads back to the vCPU.
 * Addresses are linear: the segment is applied and checked by the
 * emulator, paging by the callback.  Linux: struct x86_emulate_ops.
 */
struct x86_emulate_ops {
	/**
	 * read_std - read guest RAM that the CPU reads implicitly (descriptor
	 * tables) or as a plain data access that cannot be MMIO.  @system:
	 * an implicit supervisor access (GDT/LDT), whatever the CPL.
	 * Returns X86EMUL_CONTINUE, _PROPAGATE_FAULT (*fault) or _UNHANDLEABLE.
	 */
	int (*read_std)(struct x86_emulate_ctxt *ctxt, u64 linear, void *val,
			unsigned int bytes, struct x86_exception *fault, bool system);
	/** write_std - the write side of read_std (e.g. the accessed bit). */
	int (*write_std)(struct x86_emulate_ctxt *ctxt, u64 linear, const void *val,
			 unsigned int bytes, struct x86_exception *fault, bool system);
	/**
	 * fetch - read instruction bytes at a linear address (an execute
	 * access: NX applies).  Called only when x86_decode_insn() got no bytes.
	 */
	int (*fetch)(struct x86_emulate_ctxt *ctxt, u64 linear, void *val,
		     unsigned int bytes, struct x86_exception *fault);
	/**
	 * read_emulated - read a data operand: RAM or MMIO, possibly split
	 * across pages.  May return X86EMUL_IO_NEEDED: the emulator stops with
	 * EMULATION_IO_NEEDED and asks again, same arguments, next time.
	 */
	int (*read_emulated)(struct x86_emulate_ctxt *ctxt, u64 linear, void *val,
			     unsigned int bytes, struct x86_exception *fault);
	/**
	 * write_emulated - write a data operand: RAM or MMIO.  Called only
	 * once every read of the instruction has succeeded (writes are the
	 * commit); an MMIO write is queued by the glue for userspace.
	 */
	int (*write_emulated)(struct x86_emulate_ctxt *ctxt, u64 linear, const void *val,
			      unsigned int bytes, struct x86_exception *fault);
	/**
	 * cmpxchg_emulated - atomically: if memory == *old, store *new and
	 * return X86EMUL_CONTINUE; else return X86EMUL_CMPXCHG_FAILED.  The
	 * emulator has already read the memory (read_emulated), so on MMIO the
	 * glue may treat it as a plain write.  Used by LOCK-prefixed and
	 * implicitly locked read-modify-write instructions (XCHG, CMPXCHG...).
	 */
	int (*cmpxchg_emulated)(struct x86_emulate_ctxt *ctxt, u64 linear,
				const void *old, const void *new, unsigned int bytes,
				struct x86_exception *fault);
	/**
	 * pio_in_emulated - read @count items of @size bytes from @port into
	 * @val (a REP INS asks for a batch).  Returns X86EMUL_CONTINUE with the
	 * data, or X86EMUL_IO_NEEDED (exit to userspace; asked again later).
	 */
	int (*pio_in_emulated)(struct x86_emulate_ctxt *ctxt, int size, u16 port,
			       void *val, unsigned int count);
	/** pio_out_emulated - write @count items of @size bytes to @port. */
	int (*pio_out_emulated)(struct x86_emulate_ctxt *ctxt, int size, u16 port,
				const void *val, unsigned int count);
	/** get_segment - the hidden part of segment register @seg (VCPU_SREG_*):
	 *  limit byte-granular as KVM_GET_SREGS gives it. */
	void (*get_segment)(struct x86_emulate_ctxt *ctxt, int seg, struct kvm_segment *var);
	/** set_segment - load segment register @seg (MOV Sreg / POP Sreg). */
	void (*set_segment)(struct x86_emulate_ctxt *ctxt, int seg,
			    const struct kvm_segment *var);
	/** get_gdt - the GDTR, for descriptor loads in protected mode. */
	void (*get_gdt)(struct x86_emulate_ctxt *ctxt, struct kvm_dtable *dt);
	/** get_cr - control register @cr (0, 2, 3, 4, 8); CR0.AM for #AC, MOV from CR. */
	u64 (*get_cr)(struct x86_emulate_ctxt *ctxt, int cr);
	/**
	 * set_cr - MOV to CR @cr (0, 2, 3, 4, 8), already checked for CPL 0:
	 * 0 if accepted, nonzero for a value the CPU refuses (#GP(0)).  May be
	 * NULL: MOV to CR is then refused (EMULATION_FAILED).  Linux: set_cr.
	 */
	int (*set_cr)(struct x86_emulate_ctxt *ctxt, int cr, u64 val);
	/** cpl - the current privilege level (SS.DPL; 0 in real mode). */
	int (*cpl)(struct x86_emulate_ctxt *ctxt);
};

/**
 * Data that came from outside during the instruction (MMIO reads, IN),
 * kept so that a re-run after an I/O exit replays the reads already done
 * instead of repeating them.  Linux: struct read_cache.
 */
struct read_cache {
	u8 data[1024];		/**< the bytes, in the order they were read */
	unsigned int pos;	/**< next byte a re-run replays */
	unsigned int end;	/**< bytes held */
};

/** What an operand is (Linux: enum { OP_REG, OP_MEM, ... } in struct operand). */
enum x86_operand_type {
	OP_NONE,		/**< no operand */
	OP_REG,			/**< a general-purpose register */
	OP_MEM,			/**< memory at seg:ea */
	OP_IMM,			/**< an immediate (or an implied constant) */
};

/**
 * One operand of the decoded instruction.  Decoding fills the static part
 * (type, bytes, register number or segment:offset, immediate); execution
 * fills val/orig_val on each run, so a re-run after EMULATION_IO_NEEDED or
 * EMULATION_RESTART starts from the decoded state.  Linux: struct operand.
 */
struct operand {
	enum x86_operand_type type;	/**< register, memory, immediate or none */
	unsigned int bytes;	/**< operand size: 1, 2, 4, 8 (16: CMPXCHG16B) */
	int reg;		/**< OP_REG: register number 0-15 */
	bool high_byte;		/**< OP_REG, byte: AH, CH, DH or BH */
	int seg;		/**< OP_MEM: segment register, VCPU_SREG_* */
	u64 ea;			/**< OP_MEM: effective address (offset in seg) */
	u64 val;		/**< value (after execution: the result) */
	u64 orig_val;		/**< value as read, before the operation */
	u64 val_hi;		/**< CMPXCHG16B: upper 8 bytes of val */
	u64 orig_val_hi;	/**< CMPXCHG16B: upper 8 bytes of orig_val */
};

struct opcode;

/**
 * The emulator's state for one instruction: the vCPU state it works on
 * (filled by the glue), and what decoding found.  Linux: struct
 * x86_emulate_ctxt (with its decode cache inlined).
 */
struct x86_emulate_ctxt {
	const struct x86_emulate_ops *ops; /**< the callbacks */
	void *opaque;			/**< the glue's: its struct kvm_vcpu */
	enum x86emul_mode mode;		/**< CPU mode the instruction runs in */

	/* Architectural state: in before decode, out after EMULATION_OK. */
	u64 regs[NR_EMULATOR_GPRS];	/**< RAX..R15 (enum kvm_reg order) */
	u64 eip;			/**< RIP: of the instruction; after OK, the next one */
	u64 eflags;			/**< RFLAGS */
	/** After OK: the instruction blocks interrupts for one instruction
	 *  (MOV SS / POP SS: SDM Vol. 3A 6.8.3).  KVM_X86_SHADOW_INT_MOV_SS. */
	u8 interruptibility;

	/* Decoded instruction (x86_decode_insn()). */
	u8 insn[X86_MAX_INSN_LEN];	/**< its bytes (for error reports) */
	u8 insn_len;			/**< its exact length */
	u8 fetched;			/**< bytes of insn[] valid */
	u8 b;				/**< opcode byte (after 0F for two-byte) */
	u8 opcode_len;			/**< 1 or 2 (0F xx) */
	u64 d;				/**< the opcode table's flags (decode flags) */
	const struct opcode *op;	/**< the table entry found */
	u8 op_bytes;			/**< operand size: 2, 4, 8 */
	u8 ad_bytes;			/**< address size: 2, 4, 8 */
	u8 rex_prefix;			/**< 0x40-0x4f, or 0 */
	u8 lock_prefix;			/**< 0xf0 seen */
	u8 rep_prefix;			/**< 0xf2 (REPNE) or 0xf3 (REP/REPE), or 0 */
	int seg_override;		/**< VCPU_SREG_* from a prefix, or -1 */
	u8 modrm;			/**< the ModRM byte (if any) */
	/** Its fields, REX-extended. @{ */
	u8 modrm_mod, modrm_reg, modrm_rm;
	/** @} */
	u8 sib;				/**< the SIB byte (if any) */
	bool rip_relative;		/**< [RIP + disp32] (64-bit mode) */
	struct operand src;		/**< source operand */
	struct operand src2;		/**< second source (shift count, ...) */
	struct operand dst;		/**< destination operand */

	/* Execution. */
	struct x86_exception exception;	/**< valid after EMULATION_FAULT */
	struct read_cache mem_read;	/**< read_emulated results this instruction */
	struct read_cache io_read;	/**< pio_in_emulated results this instruction */
	const char *fail_reason;	/**< why EMULATION_FAILED */
};

/** Interrupt shadow bit of ctxt->interruptibility (KVM_X86_SHADOW_INT_MOV_SS). */
#define X86_SHADOW_INT_MOV_SS	1

/**
 * init_decode_cache - forget the previous instruction (decode state, read
 * caches, exception, fail reason); the architectural fields are kept.
 * Call before x86_decode_insn().  Linux: init_decode_cache().
 */
void init_decode_cache(struct x86_emulate_ctxt *ctxt);

/**
 * x86_decode_insn - decode the instruction at ctxt->eip (CS-relative).
 * @insn, @insn_len: bytes already known (e.g. from the VMCB's decode
 * assists); with @insn_len == 0 they are fetched with ops->fetch, only as
 * many as the instruction needs (so one that ends just before an
 * unmapped page does not fault).  Returns EMULATION_OK,
 * EMULATION_FAILED (fail_reason) or EMULATION_FAULT (the fetch faulted,
 * or #UD/#GP found while decoding).  Linux: x86_decode_insn().
 */
int x86_decode_insn(struct x86_emulate_ctxt *ctxt, const void *insn, int insn_len);

/**
 * x86_emulate_insn - execute the decoded instruction.  Returns
 * EMULATION_OK, EMULATION_RESTART, EMULATION_IO_NEEDED, EMULATION_FAULT or
 * EMULATION_FAILED (see the file comment).  On every return other than
 * EMULATION_IO_NEEDED the read caches are emptied, ready for the next
 * iteration or instruction.  Linux: x86_emulate_insn().
 */
int x86_emulate_insn(struct x86_emulate_ctxt *ctxt);

/**
 * x86_emulate_reset_read_caches - empty mem_read and io_read: for a glue
 * that abandons an instruction halfway (e.g. the VM is being reset).
 */
void x86_emulate_reset_read_caches(struct x86_emulate_ctxt *ctxt);

#endif
