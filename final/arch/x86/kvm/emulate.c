// SPDX-License-Identifier: GPL-2.0
/**
 * @file emulate.c
 * @brief The x86 instruction emulator: decode one guest instruction, then
 * execute it against a register context and a table of callbacks.
 * Linux: arch/x86/kvm/emulate.c.
 *
 * Why a hypervisor needs this at all: a nested-paging fault on MMIO, or a
 * string I/O intercept, tells the hypervisor *where* the guest touched,
 * not *what* the instruction wanted to do with it.  To finish the access
 * (and move RIP past the instruction) it must understand the instruction.
 *
 * Anatomy of an instruction (Intel SDM Vol. 2A, 2.1, Figure 2-1):
 *
 *   [legacy prefixes] [REX] opcode [ModRM] [SIB] [displacement] [immediate]
 *
 * The decoder reads those parts in order.  What an opcode does with them is
 * data, not code: every opcode has an entry in opcode_table[] (one-byte
 * map, SDM Vol. 2D, Appendix A, Table A-2) or twobyte_table[] (0F xx,
 * Table A-3) holding a flag word (which operand kinds it has, whether it
 * has a ModRM byte, works on bytes, is a string instruction...) and the
 * em_*() function that executes it.  ModRM-extended opcodes ("groups",
 * Table A-6) point to a sub-table of eight entries picked by ModRM.reg.
 *
 * Execution runs in three steps: read the operands (through the callbacks
 * for memory), compute (the em_*() function: results and flags), write
 * back.  Memory writes come last, after every read, so an instruction that
 * has to stop halfway (a fault, or an MMIO read answered by userspace)
 * stops before it has changed anything; registers are worked on in place
 * and restored from a snapshot when it stops.
 *
 * Undefined flags.  Where the SDM leaves a flag undefined we do what the
 * Intel and AMD CPUs we compared with do, or the simplest thing, and the
 * unit test does not compare it: AF is cleared by AND/OR/XOR/TEST and by
 * shifts; OF of a shift by more than 1 is computed as for a shift by 1;
 * CF of an 8/16-bit SHL/SHR by more than the width is 0; BT* leave OF, SF,
 * AF and PF alone.  MUL/DIV (whose undefined flags differ between vendors)
 * are not emulated.
 *
 * What we leave out, compared with Linux: everything that is not a data
 * access (branches, CALL/RET, MUL/DIV, system instructions, SSE/AVX, x87),
 * far pointers, task switches, POP/PUSH of segment registers, the
 * intercept checks for nested virtualization, the "fastop" trick (Linux
 * runs the host's own ALU instruction to get the flags; here every flag is
 * computed in C from the SDM's definition, which is what a reader wants to
 * see, and the unit test checks the result against the host CPU).
 */
#include <minikvm/kvm_emulate.h>

/* ------------------------------------------------------------------ */
/* Names for the bits we use                                          */
/* ------------------------------------------------------------------ */

/** RFLAGS bits (SDM Vol. 1, 3.4.3, Figure 3-8). @{ */
#define EFLG_CF		(1ull << 0)	/**< carry: unsigned overflow */
#define EFLG_PF		(1ull << 2)	/**< parity of the low result byte (even = 1) */
#define EFLG_AF		(1ull << 4)	/**< carry out of bit 3 (BCD) */
#define EFLG_ZF		(1ull << 6)	/**< result is zero */
#define EFLG_SF		(1ull << 7)	/**< sign: the result's top bit */
#define EFLG_DF		(1ull << 10)	/**< string direction: 1 = down */
#define EFLG_OF		(1ull << 11)	/**< signed overflow */
#define EFLG_AC		(1ull << 18)	/**< alignment check (with CR0.AM, CPL 3) */
#define EFLG_ARITH	(EFLG_CF | EFLG_PF | EFLG_AF | EFLG_ZF | EFLG_SF | EFLG_OF)
/** @} */

/** CR0.AM (SDM Vol. 3A, 2.5): enables #AC with EFLAGS.AC at CPL 3. */
#define CR0_AM	(1ull << 18)
#define CR4_LA57	(1ull << 12)	/**< CR4.LA57: 5-level paging, 57-bit addresses */

/* ------------------------------------------------------------------ */
/* The opcode table's flag word                                       */
/* ------------------------------------------------------------------ */

/**
 * Operand kinds: where an operand lives.  The flag word holds one for the
 * destination (bits 4:0) and one for the source (bits 9:5).  The letters in
 * the comments are the SDM's (Vol. 2D, A.2.1 and A.2.2).
 */
enum {
	OpNone,		/**< no operand */
	OpReg,		/**< G: ModRM.reg names a general register */
	OpRM,		/**< E: ModRM.rm, register or memory */
	OpAcc,		/**< AL/AX/EAX/RAX */
	OpDI,		/**< Y: ES:rDI (string destination) */
	OpSI,		/**< X: seg:rSI (string source; segment overridable) */
	OpDX,		/**< the port number in DX (INS/OUTS) */
	OpCL,		/**< CL (shift count) */
	OpOne,		/**< the constant 1 (D0/D1 shifts) */
	OpImm,		/**< Iz: imm8/16/32, sign-extended to a 64-bit operand */
	OpImmByte,	/**< Ib sign-extended to the operand size */
	OpImmU8,	/**< Ib zero-extended (shift counts, bit offsets) */
	OpImm64,	/**< Iv: B8+r, the only 64-bit immediate */
	OpMoffs,	/**< O: memory at an absolute offset (A0-A3) */
	OpOpcReg,	/**< Z: the register in the opcode's low 3 bits */
	OpSreg,		/**< S: ModRM.reg names a segment register */
	OpRM8,		/**< Eb whatever the operand size (MOVZX/MOVSX) */
	OpRM16,		/**< Ew whatever the operand size (MOVZX, MOV Sreg) */
	OpRM32,		/**< Ed (MOVSXD) */
	OpMem64,	/**< Mq or, with REX.W, Mdq: memory only (CMPXCHG8B/16B) */
	OpImmU16,	/**< Iw (RET imm16): only for the length */
};

/** The destination and source kinds (enum above) packed into an opcode's
 *  flags: 5 bits each, destination in bits 4:0, source in bits 9:5. @{ */
#define OpBits		5				/**< bits per operand kind */
#define OpMask		((1ull << OpBits) - 1)	/**< one kind's bits */
#define DstShift	0				/**< where the destination kind sits */
#define SrcShift	5				/**< where the source kind sits */
/** @} */
/** Destination and source kinds as flags: Dst<kind> / Src<kind> is
 *  Op<kind> in the destination / source field (Linux's names). @{ */
#define DstReg		((u64)OpReg << DstShift)
#define DstRM		((u64)OpRM << DstShift)
#define DstAcc		((u64)OpAcc << DstShift)
#define DstDI		((u64)OpDI << DstShift)
#define DstMoffs	((u64)OpMoffs << DstShift)
#define DstOpcReg	((u64)OpOpcReg << DstShift)
#define DstSreg		((u64)OpSreg << DstShift)
#define DstRM16		((u64)OpRM16 << DstShift)
#define DstMem64	((u64)OpMem64 << DstShift)
#define SrcReg		((u64)OpReg << SrcShift)
#define SrcRM		((u64)OpRM << SrcShift)
#define SrcAcc		((u64)OpAcc << SrcShift)
#define SrcSI		((u64)OpSI << SrcShift)
#define SrcDI		((u64)OpDI << SrcShift)
#define SrcDX		((u64)OpDX << SrcShift)
#define SrcCL		((u64)OpCL << SrcShift)
#define SrcOne		((u64)OpOne << SrcShift)
#define SrcImm		((u64)OpImm << SrcShift)
#define SrcImmByte	((u64)OpImmByte << SrcShift)
#define SrcImmU8	((u64)OpImmU8 << SrcShift)
#define SrcImm64	((u64)OpImm64 << SrcShift)
#define SrcImmU16	((u64)OpImmU16 << SrcShift)
#define SrcMoffs	((u64)OpMoffs << SrcShift)
#define SrcOpcReg	((u64)OpOpcReg << SrcShift)
#define SrcSreg		((u64)OpSreg << SrcShift)
#define SrcRM8		((u64)OpRM8 << SrcShift)
#define SrcRM16		((u64)OpRM16 << SrcShift)
#define SrcRM32		((u64)OpRM32 << SrcShift)
/** @} */

#define ByteOp		(1ull << 10)	/**< 8-bit operands (the opcode's w bit is 0) */
#define ModRM		(1ull << 11)	/**< a ModRM byte follows the opcode */
#define Mov		(1ull << 12)	/**< the destination is written, not read */
#define NoWrite		(1ull << 13)	/**< the destination is only read (CMP, TEST, BT) */
#define Lock		(1ull << 14)	/**< a LOCK prefix is allowed (memory destination) */
#define String		(1ull << 15)	/**< a string instruction: REP prefixes apply */
#define RepCond		(1ull << 16)	/**< REPE/REPNE test ZF (CMPS, SCAS) */
#define Stack		(1ull << 17)	/**< PUSH/POP: 64-bit operand by default in long mode */
#define Group		(1ull << 18)	/**< ModRM.reg picks an entry of u.group */
#define BitOp		(1ull << 19)	/**< BT*: a register bit offset reaches beyond the operand */
#define No64		(1ull << 20)	/**< invalid in 64-bit mode (#UD) */
#define Only64		(1ull << 21)	/**< this meaning only in 64-bit mode (63: MOVSXD) */
#define Undefined	(1ull << 22)	/**< #UD in every mode */
#define PortIO		(1ull << 23)	/**< INS/OUTS: at most 32-bit items; INS moves rDI/rCX itself */
#define NotEmul		(1ull << 24)	/**< length known, execution refused (see NE()) */
#define RegOnly		(1ull << 25)	/**< ModRM.mod is ignored: always a register (MOV CR/DR) */
#define CrSize		(1ull << 26)	/**< operand is 64-bit in long mode, else 32 (MOV CR) */

/**
 * One entry of an opcode table; its name is for fail_reason and the reader.
 * Linux: struct opcode.
 */
struct opcode {
	u64 flags;		/**< Dst/Src kinds and the flags above */
	/** What to do with it. */
	union {
		/** Execute the instruction (most entries). */
		int (*execute)(struct x86_emulate_ctxt *ctxt);
		/** Group: 8 entries, picked by ModRM.reg. */
		const struct opcode *group;
	} u;
	const char *name;	/**< mnemonic, for fail_reason and the reader */
};

/* ------------------------------------------------------------------ */
/* Registers                                                          */
/* ------------------------------------------------------------------ */

/** The mask of an n-byte quantity (n = 1, 2, 4, 8). */
static u64 size_mask(unsigned int bytes)
{
	return bytes >= 8 ? ~0ull : (1ull << (bytes * 8)) - 1;
}

/** Sign-extend the low @bytes bytes of @val to 64 bits. */
static u64 sign_extend(u64 val, unsigned int bytes)
{
	unsigned int shift = 64 - bytes * 8;

	return bytes >= 8 ? val : (u64)((s64)(val << shift) >> shift);
}

/**
 * read_reg - an operand-sized view of register @reg.  Byte registers 4-7
 * are AH, CH, DH, BH unless a REX prefix is present (SDM Vol. 2A, 3.7.2.1
 * and Table 3-2); @high_byte says which the decoder chose.
 */
static u64 read_reg(struct x86_emulate_ctxt *ctxt, int reg, bool high_byte, unsigned int bytes)
{
	if (high_byte)
		return (ctxt->regs[reg] >> 8) & 0xff;
	return ctxt->regs[reg] & size_mask(bytes);
}

/**
 * write_reg - store @val to an operand-sized part of register @reg.  An
 * 8- or 16-bit write leaves the other bits alone; a 32-bit write
 * zero-extends into bits 63:32 (SDM Vol. 1, 3.4.1.1).  Linux:
 * assign_register().
 */
static void write_reg(struct x86_emulate_ctxt *ctxt, int reg, bool high_byte,
		      unsigned int bytes, u64 val)
{
	u64 *r = &ctxt->regs[reg];

	if (high_byte)
		*r = (*r & ~0xff00ull) | ((val & 0xff) << 8);
	else if (bytes == 4)
		*r = (u32)val;
	else
		*r = (*r & ~size_mask(bytes)) | (val & size_mask(bytes));
}

/**
 * register_address_increment - add @inc to an address register (rSI, rDI,
 * rCX, rSP) at the address size @ad_bytes.  With a 16-bit address only
 * the low word moves (wrapping at 64K); a 32-bit one is written as a
 * 32-bit register, which clears bits 63:32 in 64-bit mode.
 */
static void register_address_increment(struct x86_emulate_ctxt *ctxt, int reg,
				       unsigned int ad_bytes, s64 inc)
{
	write_reg(ctxt, reg, false, ad_bytes, ctxt->regs[reg] + inc);
}

/* ------------------------------------------------------------------ */
/* Faults                                                              */
/* ------------------------------------------------------------------ */

/** emulate_exception - record a fault for the glue to inject. */
static int emulate_exception(struct x86_emulate_ctxt *ctxt, u8 vector, u16 error_code,
			     bool valid)
{
	ctxt->exception.vector = vector;
	ctxt->exception.error_code = error_code;
	ctxt->exception.error_code_valid = valid;
	ctxt->exception.address = 0;
	return X86EMUL_PROPAGATE_FAULT;
}

/** emulate_gp - #GP(@err).  Linux: emulate_gp(). */
static int emulate_gp(struct x86_emulate_ctxt *ctxt, u16 err)
{
	return emulate_exception(ctxt, GP_VECTOR, err, true);
}

/** emulate_ss - #SS(@err): a stack-segment fault.  Linux: emulate_ss(). */
static int emulate_ss(struct x86_emulate_ctxt *ctxt, u16 err)
{
	return emulate_exception(ctxt, SS_VECTOR, err, true);
}

/** emulate_ud - #UD, no error code.  Linux: emulate_ud(). */
static int emulate_ud(struct x86_emulate_ctxt *ctxt)
{
	return emulate_exception(ctxt, UD_VECTOR, 0, false);
}

/** emulate_fail - refuse the instruction, saying why. */
static int emulate_fail(struct x86_emulate_ctxt *ctxt, const char *why)
{
	ctxt->fail_reason = why;
	return X86EMUL_UNHANDLEABLE;
}

/* ------------------------------------------------------------------ */
/* Segmentation: effective address -> linear address                  */
/* ------------------------------------------------------------------ */

/** What an access does, for the segment's type check. */
enum access_kind { ACCESS_READ, ACCESS_WRITE, ACCESS_FETCH };

/**
 * is_canonical - bits 63:47 all equal, or bits 63:56 with 5-level paging
 * (SDM Vol. 1, 3.3.7.1).  A guest has 5-level paging where the host offers
 * LA57, and Linux puts its vmalloc area above 2^56 then: a 48-bit check
 * gave its MMIO accesses there a #GP (linux-hostile on the debug kernel,
 * which runs with 5-level paging).  Linux: emul_is_noncanonical_address(),
 * ctxt_virt_addr_bits().
 */
static bool is_canonical(struct x86_emulate_ctxt *ctxt, u64 la)
{
	unsigned int shift = 16;

	if (ctxt->ops->get_cr && (ctxt->ops->get_cr(ctxt, 4) & CR4_LA57))
		shift = 7;
	return (u64)((s64)(la << shift) >> shift) == la;
}

/**
 * segment_fault - the fault an address check raises: #SS(0) for the stack
 * segment, #GP(0) for the others (SDM Vol. 3A, 6.15, "Interrupt 12" and
 * "Interrupt 13").
 */
static int segment_fault(struct x86_emulate_ctxt *ctxt, int seg)
{
	return seg == VCPU_SREG_SS ? emulate_ss(ctxt, 0) : emulate_gp(ctxt, 0);
}

/**
 * check_segment_rights - may @kind be done through @s?  Type field bits
 * (SDM Vol. 3A, 3.4.5.1, Table 3-1): bit 3 code, bit 1 writable (data) or
 * readable (code).  Code segments are never writable through a data
 * access; execute-only code cannot be read.
 */
static bool check_segment_rights(const struct kvm_segment *s, enum access_kind kind)
{
	bool code = s->type & 8;

	if (kind == ACCESS_FETCH)
		return code;
	if (kind == ACCESS_WRITE)
		return !code && (s->type & 2);
	return !code || (s->type & 2);
}

/**
 * check_segment_limit - does [ea, ea + size - 1] lie inside the segment?
 * Expand-up: every byte at or below the limit.  Expand-down data segments
 * (type bit 2) hold the offsets *above* the limit, up to 0xffff or
 * 0xffffffff by the B bit (SDM Vol. 3A, 5.3).
 */
static bool check_segment_limit(const struct kvm_segment *s, u64 ea, unsigned int size)
{
	u64 last = ea + size - 1;

	if (!(s->type & 8) && (s->type & 4)) {
		u64 top = s->db ? 0xffffffffull : 0xffffull;

		return ea > s->limit && last <= top;
	}
	return last <= s->limit && last >= ea;
}

/**
 * check_alignment - #AC(0) for a misaligned data access when alignment
 * checking is on: CR0.AM, EFLAGS.AC and CPL 3 (SDM Vol. 3A, 6.15,
 * "Interrupt 17").  Implicit supervisor accesses are never checked.
 */
static int check_alignment(struct x86_emulate_ctxt *ctxt, u64 la, unsigned int size)
{
	if (size < 2 || !(la & (size - 1)) || !(ctxt->eflags & EFLG_AC))
		return X86EMUL_CONTINUE;
	if (!ctxt->ops->get_cr || !(ctxt->ops->get_cr(ctxt, 0) & CR0_AM))
		return X86EMUL_CONTINUE;
	if (!ctxt->ops->cpl || ctxt->ops->cpl(ctxt) != 3)
		return X86EMUL_CONTINUE;
	return emulate_exception(ctxt, AC_VECTOR, 0, true);
}

/**
 * linearize - seg:ea to a linear address, with the checks the CPU makes on
 * the way: in 64-bit mode only FS/GS have a base and the result must be
 * canonical; elsewhere the segment must be usable, allow the access, and
 * hold every byte (SDM Vol. 3A, 3.4 and 5.3).  Linux: __linearize().
 */
static int linearize(struct x86_emulate_ctxt *ctxt, int seg, u64 ea, unsigned int size,
		     enum access_kind kind, u64 *linear)
{
	struct kvm_segment s;
	u64 la;
	int rc;

	ctxt->ops->get_segment(ctxt, seg, &s);
	if (ctxt->mode == X86EMUL_MODE_PROT64) {
		la = ea;
		if (seg == VCPU_SREG_FS || seg == VCPU_SREG_GS)
			la += s.base;
		if (!is_canonical(ctxt, la) || !is_canonical(ctxt, la + size - 1))
			return segment_fault(ctxt, seg);
	} else {
		/*
		 * Real and VM86 mode have no null or absent segments, and keep
		 * whatever type bits the last protected-mode load left (a
		 * hypervisor may report them oddly): only the limit counts there.
		 */
		bool protected = ctxt->mode != X86EMUL_MODE_REAL &&
				 ctxt->mode != X86EMUL_MODE_VM86;

		if (protected && (s.unusable || !s.present))
			return segment_fault(ctxt, seg);
		if (protected && !check_segment_rights(&s, kind))
			return segment_fault(ctxt, seg);
		if (!check_segment_limit(&s, ea, size))
			return segment_fault(ctxt, seg);
		la = (u32)(s.base + ea);
	}
	if (kind != ACCESS_FETCH) {
		rc = check_alignment(ctxt, la, size);
		if (rc != X86EMUL_CONTINUE)
			return rc;
	}
	*linear = la;
	return X86EMUL_CONTINUE;
}

/* ------------------------------------------------------------------ */
/* Memory and port accesses, through the read caches                  */
/* ------------------------------------------------------------------ */

/**
 * read_cached - serve a read from @rc if an earlier run of this
 * instruction already got it, else call @fetch_new and append its answer.
 * This is what makes re-running an instruction after an I/O exit safe: an
 * MMIO read that userspace answered is not asked again (it could have
 * side effects, such as popping a FIFO).  @val NULL: leave the bytes in
 * the cache, at rc->data + rc->pos - size.  Linux: read_emulated() and
 * pio_in_emulated()'s use of struct read_cache.
 */
static int read_cached(struct read_cache *rc, void *val, unsigned int size,
		       int (*fetch_new)(struct x86_emulate_ctxt *, void *, void *),
		       struct x86_emulate_ctxt *ctxt, void *arg)
{
	int ret;

	if (rc->pos < rc->end) {
		if (val)
			memcpy(val, rc->data + rc->pos, size);
		rc->pos += size;
		return X86EMUL_CONTINUE;
	}
	if (rc->end + size > sizeof(rc->data))
		return emulate_fail(ctxt, "read cache full");
	ret = fetch_new(ctxt, rc->data + rc->end, arg);
	if (ret != X86EMUL_CONTINUE)
		return ret;
	rc->end += size;
	rc->pos = rc->end;
	if (val)
		memcpy(val, rc->data + rc->pos - size, size);
	return X86EMUL_CONTINUE;
}

/** The arguments of one read_emulated call, for read_cached(). */
struct mem_read_args {
	u64 linear;		/**< linear address */
	unsigned int size;	/**< bytes */
};

/** read_cached()'s way to ask for a data operand: ops->read_emulated(). */
static int mem_read_new(struct x86_emulate_ctxt *ctxt, void *buf, void *arg)
{
	struct mem_read_args *a = arg;

	return ctxt->ops->read_emulated(ctxt, a->linear, buf, a->size, &ctxt->exception);
}

/**
 * segmented_read - read @size bytes of data at seg:ea (RAM or MMIO).
 * Linux: segmented_read().
 */
static int segmented_read(struct x86_emulate_ctxt *ctxt, int seg, u64 ea, void *val,
			  unsigned int size)
{
	struct mem_read_args a = { .size = size };
	int rc;

	rc = linearize(ctxt, seg, ea, size, ACCESS_READ, &a.linear);
	if (rc != X86EMUL_CONTINUE)
		return rc;
	return read_cached(&ctxt->mem_read, val, size, mem_read_new, ctxt, &a);
}

/** segmented_write - write @size bytes of data at seg:ea.  Linux: segmented_write(). */
static int segmented_write(struct x86_emulate_ctxt *ctxt, int seg, u64 ea, const void *val,
			   unsigned int size)
{
	u64 la;
	int rc;

	rc = linearize(ctxt, seg, ea, size, ACCESS_WRITE, &la);
	if (rc != X86EMUL_CONTINUE)
		return rc;
	return ctxt->ops->write_emulated(ctxt, la, val, size, &ctxt->exception);
}

/**
 * segmented_cmpxchg - store @new at seg:ea if it still holds @old: the
 * write of a locked read-modify-write.  Linux: segmented_cmpxchg().
 */
static int segmented_cmpxchg(struct x86_emulate_ctxt *ctxt, int seg, u64 ea, const void *old,
			     const void *new, unsigned int size)
{
	u64 la;
	int rc;

	rc = linearize(ctxt, seg, ea, size, ACCESS_WRITE, &la);
	if (rc != X86EMUL_CONTINUE)
		return rc;
	return ctxt->ops->cmpxchg_emulated(ctxt, la, old, new, size, &ctxt->exception);
}

/** The arguments of one pio_in_emulated call, for read_cached(). */
struct pio_read_args {
	int size;		/**< bytes per item */
	u16 port;		/**< the port */
	unsigned int count;	/**< items */
};

/** read_cached()'s way to ask for port input: ops->pio_in_emulated(). */
static int pio_read_new(struct x86_emulate_ctxt *ctxt, void *buf, void *arg)
{
	struct pio_read_args *a = arg;

	return ctxt->ops->pio_in_emulated(ctxt, a->size, a->port, buf, a->count);
}

/* ------------------------------------------------------------------ */
/* Flags                                                               */
/* ------------------------------------------------------------------ */

/** The top bit of an n-byte value. */
static u64 msb(u64 val, unsigned int bytes)
{
	return (val >> (bytes * 8 - 1)) & 1;
}

/** parity_even - PF: an even number of 1s in the low byte (SDM Vol. 1, 3.4.3.1). */
static bool parity_even(u64 val)
{
	u8 b = val;

	b ^= b >> 4;
	b ^= b >> 2;
	b ^= b >> 1;
	return !(b & 1);
}

/** set_flag - set or clear one RFLAGS bit. */
static void set_flag(struct x86_emulate_ctxt *ctxt, u64 flag, bool on)
{
	if (on)
		ctxt->eflags |= flag;
	else
		ctxt->eflags &= ~flag;
}

/** set_szp - SF, ZF and PF from an n-byte result; every result sets these three. */
static void set_szp(struct x86_emulate_ctxt *ctxt, u64 res, unsigned int bytes)
{
	res &= size_mask(bytes);
	set_flag(ctxt, EFLG_SF, msb(res, bytes));
	set_flag(ctxt, EFLG_ZF, res == 0);
	set_flag(ctxt, EFLG_PF, parity_even(res));
}

/**
 * add_flags - the six flags of a + b + carry = res.  The carry *into* each
 * bit is a ^ b ^ res; the carry *out of* each bit is set where both inputs
 * are 1, or one is and the result bit is 0.  CF is the carry out of the top
 * bit, AF the carry out of bit 3, OF set when both inputs have the same
 * sign and the result the other (SDM Vol. 1, 3.4.3.1 and Appendix A).
 */
static void add_flags(struct x86_emulate_ctxt *ctxt, u64 a, u64 b, u64 res, unsigned int bytes)
{
	/* EXERCISE 05.1 BEGIN: the six flags of an addition */
	u64 carry_out = (a & b) | ((a | b) & ~res);

	set_flag(ctxt, EFLG_CF, msb(carry_out, bytes));
	set_flag(ctxt, EFLG_AF, ((a ^ b ^ res) >> 4) & 1);
	set_flag(ctxt, EFLG_OF, msb((a ^ res) & (b ^ res), bytes));
	set_szp(ctxt, res, bytes);
	/* EXERCISE 05.1 STUB: (void)ctxt; (void)a; (void)b; (void)res; (void)bytes; */
	/* EXERCISE END */
}

/**
 * sub_flags - the six flags of a - b - borrow = res.  A borrow leaves a
 * bit where a is 0 and b is 1, or they are equal and a borrow came in
 * (the result bit is then 1).  OF: the inputs differ in sign and the result
 * has b's sign.
 */
static void sub_flags(struct x86_emulate_ctxt *ctxt, u64 a, u64 b, u64 res, unsigned int bytes)
{
	/* EXERCISE 05.1 BEGIN: the six flags of a subtraction */
	u64 borrow_out = (~a & b) | (~(a ^ b) & res);

	set_flag(ctxt, EFLG_CF, msb(borrow_out, bytes));
	set_flag(ctxt, EFLG_AF, ((a ^ b ^ res) >> 4) & 1);
	set_flag(ctxt, EFLG_OF, msb((a ^ b) & (a ^ res), bytes));
	set_szp(ctxt, res, bytes);
	/* EXERCISE 05.1 STUB: (void)ctxt; (void)a; (void)b; (void)res; (void)bytes; */
	/* EXERCISE END */
}

/**
 * logic_flags - AND, OR, XOR, TEST: CF = OF = 0, SF/ZF/PF from the result.
 * AF is undefined (SDM); we clear it, as the Intel and AMD CPUs we tested do.
 */
static void logic_flags(struct x86_emulate_ctxt *ctxt, u64 res, unsigned int bytes)
{
	ctxt->eflags &= ~(EFLG_CF | EFLG_OF | EFLG_AF);
	set_szp(ctxt, res, bytes);
}

/* ------------------------------------------------------------------ */
/* Execution: ALU                                                      */
/* ------------------------------------------------------------------ */

/** The eight ALU operations in their encoding order (SDM Vol. 2D, Table A-6, group 1). */
enum alu_op { ALU_ADD, ALU_OR, ALU_ADC, ALU_SBB, ALU_AND, ALU_SUB, ALU_XOR, ALU_CMP };

/**
 * alu - dst = dst op src, with the flags.  One function for the eight,
 * because they differ only in the arithmetic: ADC/SBB add the incoming
 * carry, CMP is a SUB that does not write (NoWrite in its table entry).
 */
static int alu(struct x86_emulate_ctxt *ctxt, enum alu_op op)
{
	unsigned int bytes = ctxt->dst.bytes;
	u64 a = ctxt->dst.val, b = ctxt->src.val, cf = ctxt->eflags & EFLG_CF, res;

	switch (op) {
	case ALU_ADD:
	case ALU_ADC:
		res = a + b + (op == ALU_ADC ? cf : 0);
		add_flags(ctxt, a, b, res, bytes);
		break;
	case ALU_SUB:
	case ALU_SBB:
	case ALU_CMP:
		res = a - b - (op == ALU_SBB ? cf : 0);
		sub_flags(ctxt, a, b, res, bytes);
		break;
	case ALU_OR:
		res = a | b;
		logic_flags(ctxt, res, bytes);
		break;
	case ALU_AND:
		res = a & b;
		logic_flags(ctxt, res, bytes);
		break;
	default:
		res = a ^ b;
		logic_flags(ctxt, res, bytes);
		break;
	}
	ctxt->dst.val = res & size_mask(bytes);
	return X86EMUL_CONTINUE;
}

/** ADD (00-05, 80-83 /0).  Linux: em_add(). */
static int em_add(struct x86_emulate_ctxt *ctxt) { return alu(ctxt, ALU_ADD); }
/** OR (08-0D, 80-83 /1).  Linux: em_or(). */
static int em_or(struct x86_emulate_ctxt *ctxt) { return alu(ctxt, ALU_OR); }
/** ADC (10-15, 80-83 /2).  Linux: em_adc(). */
static int em_adc(struct x86_emulate_ctxt *ctxt) { return alu(ctxt, ALU_ADC); }
/** SBB (18-1D, 80-83 /3).  Linux: em_sbb(). */
static int em_sbb(struct x86_emulate_ctxt *ctxt) { return alu(ctxt, ALU_SBB); }
/** AND (20-25, 80-83 /4).  Linux: em_and(). */
static int em_and(struct x86_emulate_ctxt *ctxt) { return alu(ctxt, ALU_AND); }
/** SUB (28-2D, 80-83 /5).  Linux: em_sub(). */
static int em_sub(struct x86_emulate_ctxt *ctxt) { return alu(ctxt, ALU_SUB); }
/** XOR (30-35, 80-83 /6).  Linux: em_xor(). */
static int em_xor(struct x86_emulate_ctxt *ctxt) { return alu(ctxt, ALU_XOR); }
/** CMP (38-3D, 80-83 /7): a SUB without the write.  Linux: em_cmp(). */
static int em_cmp(struct x86_emulate_ctxt *ctxt) { return alu(ctxt, ALU_CMP); }
/** TEST (84/85, A8/A9, F6/F7 /0): an AND without the write.  Linux: em_test(). */
static int em_test(struct x86_emulate_ctxt *ctxt) { return alu(ctxt, ALU_AND); }

/**
 * em_inc - INC (FE/FF /0, 40+r outside 64-bit mode): an ADD of 1 that
 * leaves CF alone (SDM Vol. 2A, INC), so loops can carry a carry.
 */
static int em_inc(struct x86_emulate_ctxt *ctxt)
{
	u64 cf = ctxt->eflags & EFLG_CF, a = ctxt->dst.val;

	ctxt->dst.val = (a + 1) & size_mask(ctxt->dst.bytes);
	add_flags(ctxt, a, 1, a + 1, ctxt->dst.bytes);
	ctxt->eflags = (ctxt->eflags & ~EFLG_CF) | cf;
	return X86EMUL_CONTINUE;
}

/** em_dec - DEC (FE/FF /1, 48+r outside 64-bit mode): SUB 1, CF kept. */
static int em_dec(struct x86_emulate_ctxt *ctxt)
{
	u64 cf = ctxt->eflags & EFLG_CF, a = ctxt->dst.val;

	ctxt->dst.val = (a - 1) & size_mask(ctxt->dst.bytes);
	sub_flags(ctxt, a, 1, a - 1, ctxt->dst.bytes);
	ctxt->eflags = (ctxt->eflags & ~EFLG_CF) | cf;
	return X86EMUL_CONTINUE;
}

/** em_neg - NEG (F6/F7 /3): 0 - dst; CF = (dst != 0), which sub_flags gives. */
static int em_neg(struct x86_emulate_ctxt *ctxt)
{
	u64 a = ctxt->dst.val;

	ctxt->dst.val = (0 - a) & size_mask(ctxt->dst.bytes);
	sub_flags(ctxt, 0, a, 0 - a, ctxt->dst.bytes);
	return X86EMUL_CONTINUE;
}

/** em_not - NOT (F6/F7 /2): one's complement; no flag changes. */
static int em_not(struct x86_emulate_ctxt *ctxt)
{
	ctxt->dst.val = ~ctxt->dst.val & size_mask(ctxt->dst.bytes);
	return X86EMUL_CONTINUE;
}

/* ------------------------------------------------------------------ */
/* Execution: shifts and rotates (SDM Vol. 2B, "SAL/SAR/SHL/SHR" and   */
/* "RCL/RCR/ROL/ROR")                                                  */
/* ------------------------------------------------------------------ */

/**
 * shift_count - the count the CPU uses: masked to 5 bits, 6 with a 64-bit
 * operand.  A masked count of 0 changes nothing, not even flags.
 */
static unsigned int shift_count(struct x86_emulate_ctxt *ctxt)
{
	return ctxt->src.val & (ctxt->dst.bytes == 8 ? 0x3f : 0x1f);
}

/**
 * em_shl - SHL/SAL (group 2 /4 and /6).  CF is the last bit shifted out;
 * OF (defined for a count of 1) is CF XOR the result's top bit, which we
 * also give for larger counts, as Intel CPUs do.  AF is undefined: cleared.
 * A count at least the operand width (possible for 8/16-bit) leaves CF
 * undefined: we give the bit the shift would take from beyond the value (0).
 */
static int em_shl(struct x86_emulate_ctxt *ctxt)
{
	/* EXERCISE 05.2 BEGIN: SHL/SAL: the result, CF, OF and the rest */
	unsigned int n = shift_count(ctxt), bits = ctxt->dst.bytes * 8;
	u64 a = ctxt->dst.val, res;

	if (!n)
		return X86EMUL_CONTINUE;
	res = n < 64 ? (a << n) & size_mask(ctxt->dst.bytes) : 0;
	set_flag(ctxt, EFLG_CF, n <= bits && ((a >> (bits - n)) & 1));
	set_flag(ctxt, EFLG_OF, msb(res, ctxt->dst.bytes) ^ !!(ctxt->eflags & EFLG_CF));
	set_flag(ctxt, EFLG_AF, false);
	set_szp(ctxt, res, ctxt->dst.bytes);
	ctxt->dst.val = res;
	return X86EMUL_CONTINUE;
	/* EXERCISE 05.2 STUB: return emulate_fail(ctxt, "exercise 05.2: SHL/SAL not written yet"); */
	/* EXERCISE END */
}

/** em_shr - SHR (group 2 /5): logical right shift; OF (count 1) = the old top bit. */
static int em_shr(struct x86_emulate_ctxt *ctxt)
{
	/* EXERCISE 05.2 BEGIN: SHR: the result, CF, OF and the rest */
	unsigned int n = shift_count(ctxt), bits = ctxt->dst.bytes * 8;
	u64 a = ctxt->dst.val, res;

	if (!n)
		return X86EMUL_CONTINUE;
	res = n < bits ? a >> n : 0;
	set_flag(ctxt, EFLG_CF, n <= bits && ((a >> (n - 1)) & 1));
	set_flag(ctxt, EFLG_OF, msb(a, ctxt->dst.bytes));
	set_flag(ctxt, EFLG_AF, false);
	set_szp(ctxt, res, ctxt->dst.bytes);
	ctxt->dst.val = res;
	return X86EMUL_CONTINUE;
	/* EXERCISE 05.2 STUB: return emulate_fail(ctxt, "exercise 05.2: SHR not written yet"); */
	/* EXERCISE END */
}

/** em_sar - SAR (group 2 /7): arithmetic right shift, the sign copied in; OF = 0. */
static int em_sar(struct x86_emulate_ctxt *ctxt)
{
	/* EXERCISE 05.2 BEGIN: SAR: the result, CF, OF and the rest */
	unsigned int n = shift_count(ctxt), bits = ctxt->dst.bytes * 8;
	s64 a = sign_extend(ctxt->dst.val, ctxt->dst.bytes);
	u64 res;

	if (!n)
		return X86EMUL_CONTINUE;
	res = (u64)(a >> (n < bits ? n : bits - 1)) & size_mask(ctxt->dst.bytes);
	set_flag(ctxt, EFLG_CF, (a >> (n <= bits ? n - 1 : bits - 1)) & 1);
	set_flag(ctxt, EFLG_OF, false);
	set_flag(ctxt, EFLG_AF, false);
	set_szp(ctxt, res, ctxt->dst.bytes);
	ctxt->dst.val = res;
	return X86EMUL_CONTINUE;
	/* EXERCISE 05.2 STUB: return emulate_fail(ctxt, "exercise 05.2: SAR not written yet"); */
	/* EXERCISE END */
}

/**
 * em_rol - ROL (group 2 /0): only CF and OF change.  The rotation is by
 * count mod width, but CF and OF are set whenever the masked count is not
 * 0: CF = the result's low bit, OF = CF XOR the result's top bit.
 */
static int em_rol(struct x86_emulate_ctxt *ctxt)
{
	unsigned int n = shift_count(ctxt), bits = ctxt->dst.bytes * 8, r;
	u64 a = ctxt->dst.val, res;

	if (!n)
		return X86EMUL_CONTINUE;
	r = n % bits;
	res = r ? ((a << r) | (a >> (bits - r))) & size_mask(ctxt->dst.bytes) : a;
	set_flag(ctxt, EFLG_CF, res & 1);
	set_flag(ctxt, EFLG_OF, msb(res, ctxt->dst.bytes) ^ (res & 1));
	ctxt->dst.val = res;
	return X86EMUL_CONTINUE;
}

/** em_ror - ROR (group 2 /1): CF = the result's top bit, OF = XOR of its two top bits. */
static int em_ror(struct x86_emulate_ctxt *ctxt)
{
	unsigned int n = shift_count(ctxt), bits = ctxt->dst.bytes * 8, r;
	u64 a = ctxt->dst.val, res;

	if (!n)
		return X86EMUL_CONTINUE;
	r = n % bits;
	res = r ? ((a >> r) | (a << (bits - r))) & size_mask(ctxt->dst.bytes) : a;
	set_flag(ctxt, EFLG_CF, msb(res, ctxt->dst.bytes));
	set_flag(ctxt, EFLG_OF, msb(res, ctxt->dst.bytes) ^ ((res >> (bits - 2)) & 1));
	ctxt->dst.val = res;
	return X86EMUL_CONTINUE;
}

/**
 * rotate_through_carry - RCL/RCR: rotate the (width + 1)-bit value CF:dst.
 * For 8- and 16-bit operands the count is taken mod 9 or 17; done one bit
 * at a time, as the SDM's pseudo-code does, because that is the clearest.
 */
static int rotate_through_carry(struct x86_emulate_ctxt *ctxt, bool left)
{
	unsigned int n = shift_count(ctxt), bytes = ctxt->dst.bytes;
	u64 val = ctxt->dst.val, cf = !!(ctxt->eflags & EFLG_CF), out;

	if (bytes < 4)
		n %= bytes * 8 + 1;
	if (!n)
		return X86EMUL_CONTINUE;
	if (!left)	/* OF of RCR is taken before rotating */
		set_flag(ctxt, EFLG_OF, msb(val, bytes) ^ cf);
	while (n--) {
		if (left) {
			out = msb(val, bytes);
			val = ((val << 1) | cf) & size_mask(bytes);
		} else {
			out = val & 1;
			val = (val >> 1) | (cf << (bytes * 8 - 1));
		}
		cf = out;
	}
	set_flag(ctxt, EFLG_CF, cf);
	if (left)
		set_flag(ctxt, EFLG_OF, msb(val, bytes) ^ cf);
	ctxt->dst.val = val;
	return X86EMUL_CONTINUE;
}

/** em_rcl - RCL (group 2 /2). */
static int em_rcl(struct x86_emulate_ctxt *ctxt) { return rotate_through_carry(ctxt, true); }
/** em_rcr - RCR (group 2 /3). */
static int em_rcr(struct x86_emulate_ctxt *ctxt) { return rotate_through_carry(ctxt, false); }

/* ------------------------------------------------------------------ */
/* Execution: bit tests (SDM Vol. 2A, "BT")                            */
/* ------------------------------------------------------------------ */

/**
 * bit_op - copy the selected bit to CF, then set/clear/flip it (@op 0, 1,
 * 2, 3 for BT, BTS, BTR, BTC).  prepare_bit_operand() has already moved a
 * memory operand to the right unit, so the bit is src mod the width.  The
 * other flags are undefined and left as they were; ZF is unaffected.
 */
static int bit_op(struct x86_emulate_ctxt *ctxt, int op)
{
	/* EXERCISE 05.3 BEGIN: BT, BTS, BTR, BTC on the selected bit */
	u64 bit = 1ull << (ctxt->src.val & (ctxt->dst.bytes * 8 - 1));

	set_flag(ctxt, EFLG_CF, ctxt->dst.val & bit);
	if (op == 1)
		ctxt->dst.val |= bit;
	else if (op == 2)
		ctxt->dst.val &= ~bit;
	else if (op == 3)
		ctxt->dst.val ^= bit;
	return X86EMUL_CONTINUE;
	/* EXERCISE 05.3 STUB: (void)op; */
	/* EXERCISE 05.3 STUB: return emulate_fail(ctxt, "exercise 05.3: BT/BTS/BTR/BTC not written yet"); */
	/* EXERCISE END */
}

/** em_bt - BT (0F A3, 0F BA /4). */
static int em_bt(struct x86_emulate_ctxt *ctxt) { return bit_op(ctxt, 0); }
/** em_bts - BTS (0F AB, 0F BA /5). */
static int em_bts(struct x86_emulate_ctxt *ctxt) { return bit_op(ctxt, 1); }
/** em_btr - BTR (0F B3, 0F BA /6). */
static int em_btr(struct x86_emulate_ctxt *ctxt) { return bit_op(ctxt, 2); }
/** em_btc - BTC (0F BB, 0F BA /7). */
static int em_btc(struct x86_emulate_ctxt *ctxt) { return bit_op(ctxt, 3); }

/* ------------------------------------------------------------------ */
/* Execution: moves and exchanges                                      */
/* ------------------------------------------------------------------ */

/** em_mov - MOV (88-8B, A0-A3, B0-BF, C6/C7 /0): dst = src.  Linux: em_mov(). */
static int em_mov(struct x86_emulate_ctxt *ctxt)
{
	ctxt->dst.val = ctxt->src.val;
	return X86EMUL_CONTINUE;
}

/** em_movzx - MOVZX (0F B6/B7): the source, zero-extended (it was read at its own size). */
static int em_movzx(struct x86_emulate_ctxt *ctxt)
{
	ctxt->dst.val = ctxt->src.val & size_mask(ctxt->src.bytes);
	return X86EMUL_CONTINUE;
}

/** em_movsx - MOVSX (0F BE/BF) and MOVSXD (63 in 64-bit mode): sign-extended. */
static int em_movsx(struct x86_emulate_ctxt *ctxt)
{
	ctxt->dst.val = sign_extend(ctxt->src.val, ctxt->src.bytes) & size_mask(ctxt->dst.bytes);
	return X86EMUL_CONTINUE;
}

/**
 * em_xchg - XCHG (86/87, 90+r): the destination gets the source here; the
 * source register gets the old destination at once (registers are
 * restored if the memory write fails later).  With memory, XCHG is locked
 * whether or not a LOCK prefix is present (SDM Vol. 2B, XCHG), so
 * writeback goes through cmpxchg.  Linux: em_xchg().
 */
static int em_xchg(struct x86_emulate_ctxt *ctxt)
{
	write_reg(ctxt, ctxt->src.reg, ctxt->src.high_byte, ctxt->src.bytes, ctxt->dst.val);
	ctxt->dst.val = ctxt->src.val;
	ctxt->lock_prefix = ctxt->dst.type == OP_MEM;
	return X86EMUL_CONTINUE;
}

/**
 * em_cmpxchg - CMPXCHG (0F B0/B1): compare the accumulator with the
 * destination (flags as CMP); equal: destination = source; not equal:
 * accumulator = destination.  The SDM says the destination receives a
 * write cycle either way, the old value on a mismatch: so does a memory
 * destination here (a device sees the write, as KVM's emulator makes it).
 * A register destination is left alone on a mismatch: a 32-bit register
 * keeps bits 63:32 then (the host CPU shows it: no write happens).
 * Linux: em_cmpxchg().
 */
static int em_cmpxchg(struct x86_emulate_ctxt *ctxt)
{
	unsigned int bytes = ctxt->dst.bytes;
	u64 acc = read_reg(ctxt, VCPU_REGS_RAX, false, bytes);

	sub_flags(ctxt, acc, ctxt->dst.val, acc - ctxt->dst.val, bytes);
	if (ctxt->eflags & EFLG_ZF) {
		ctxt->dst.val = ctxt->src.val;
	} else {
		write_reg(ctxt, VCPU_REGS_RAX, false, bytes, ctxt->dst.val);
		if (ctxt->dst.type != OP_MEM)
			ctxt->dst.type = OP_NONE;
	}
	return X86EMUL_CONTINUE;
}

/**
 * em_cmpxchg8b - CMPXCHG8B / CMPXCHG16B (0F C7 /1): compare rDX:rAX with
 * the 8 (16) bytes in memory; equal: store rCX:rBX and set ZF; else load
 * the memory into rDX:rAX, clear ZF and write the memory back unchanged.  Only ZF changes.  The 16-byte
 * form needs 16-byte alignment, else #GP(0) (SDM Vol. 2A, CMPXCHG8B).
 * Linux: em_cmpxchg8b().
 */
static int em_cmpxchg8b(struct x86_emulate_ctxt *ctxt)
{
	unsigned int half = ctxt->dst.bytes / 2;
	u64 lo = ctxt->dst.val, hi = ctxt->dst.val_hi;
	u64 rax = read_reg(ctxt, VCPU_REGS_RAX, false, half);
	u64 rdx = read_reg(ctxt, VCPU_REGS_RDX, false, half);

	if (half == 4) {	/* one 8-byte value: split it into two halves */
		hi = lo >> 32;
		lo = (u32)lo;
	}
	if (lo == rax && hi == rdx) {
		set_flag(ctxt, EFLG_ZF, true);
		lo = read_reg(ctxt, VCPU_REGS_RBX, false, half);
		hi = read_reg(ctxt, VCPU_REGS_RCX, false, half);
		ctxt->dst.val = half == 4 ? lo | (hi << 32) : lo;
		ctxt->dst.val_hi = half == 4 ? 0 : hi;
		ctxt->lock_prefix = 1;	/* the write is a compare-exchange */
	} else {
		/* The memory still gets its write cycle, of its own value (SDM:
		 * "the destination operand is written back if the comparison
		 * fails"); a device sees it, as with KVM's emulator. */
		set_flag(ctxt, EFLG_ZF, false);
		write_reg(ctxt, VCPU_REGS_RAX, false, half, lo);
		write_reg(ctxt, VCPU_REGS_RDX, false, half, hi);
		ctxt->lock_prefix = 1;
	}
	return X86EMUL_CONTINUE;
}

/* ------------------------------------------------------------------ */
/* Execution: the stack                                                */
/* ------------------------------------------------------------------ */

/**
 * stack_size - the width of rSP: 8 in 64-bit mode, else SS.B picks 4 or
 * 2 (SDM Vol. 3A, 3.4.5: the B flag of a stack segment).
 */
static unsigned int stack_size(struct x86_emulate_ctxt *ctxt)
{
	struct kvm_segment ss;

	if (ctxt->mode == X86EMUL_MODE_PROT64)
		return 8;
	ctxt->ops->get_segment(ctxt, VCPU_SREG_SS, &ss);
	return ss.db ? 4 : 2;
}

/** stack_top - rSP at the stack's width. */
static u64 stack_top(struct x86_emulate_ctxt *ctxt)
{
	return ctxt->regs[VCPU_REGS_RSP] & size_mask(stack_size(ctxt));
}

/**
 * em_push - PUSH (50+r, 68, 6A, FF /6): rSP -= size, then store at SS:rSP.
 * The write is the instruction's last step, so a fault leaves rSP as it was.
 * Linux: em_push().
 */
static int em_push(struct x86_emulate_ctxt *ctxt)
{
	unsigned int sz = stack_size(ctxt);
	u64 rsp = (ctxt->regs[VCPU_REGS_RSP] - ctxt->op_bytes) & size_mask(sz);
	int rc;

	rc = segmented_write(ctxt, VCPU_SREG_SS, rsp, &ctxt->src.val, ctxt->op_bytes);
	if (rc != X86EMUL_CONTINUE)
		return rc;
	register_address_increment(ctxt, VCPU_REGS_RSP, sz, -(s64)ctxt->op_bytes);
	return X86EMUL_CONTINUE;
}

/**
 * em_pop - POP (58+r, 8F /0): load from SS:rSP, then rSP += size.  A POP
 * to memory addressed through rSP uses rSP *after* the increment (SDM
 * Vol. 2B, POP); decode_modrm() accounts for that.  Linux: em_pop().
 */
static int em_pop(struct x86_emulate_ctxt *ctxt)
{
	unsigned int sz = stack_size(ctxt);
	int rc;

	ctxt->dst.val = 0;
	rc = segmented_read(ctxt, VCPU_SREG_SS, stack_top(ctxt), &ctxt->dst.val, ctxt->op_bytes);
	if (rc != X86EMUL_CONTINUE)
		return rc;
	register_address_increment(ctxt, VCPU_REGS_RSP, sz, ctxt->op_bytes);
	return X86EMUL_CONTINUE;
}

/* ------------------------------------------------------------------ */
/* Execution: segment registers (MOV Sreg, 8C/8E)                      */
/* ------------------------------------------------------------------ */

/** em_mov_rm_sreg - MOV r/m16, Sreg (8C): the selector.  Linux: em_mov_rm_sreg(). */
static int em_mov_rm_sreg(struct x86_emulate_ctxt *ctxt)
{
	struct kvm_segment s;

	if ((ctxt->modrm_reg & 7) > VCPU_SREG_GS)
		return emulate_ud(ctxt);
	ctxt->ops->get_segment(ctxt, ctxt->modrm_reg & 7, &s);
	ctxt->dst.val = s.selector;
	/* Memory gets 16 bits; a register the whole operand, zero-extended. */
	if (ctxt->dst.type == OP_REG)
		ctxt->dst.bytes = ctxt->op_bytes;
	return X86EMUL_CONTINUE;
}

/**
 * read_descriptor - the 8-byte descriptor @sel names, from the GDT or (TI
 * set) the LDT, and its linear address in @addr.  #GP(selector) if it lies
 * beyond the table's limit (SDM Vol. 3A, 3.4.2).
 */
static int read_descriptor(struct x86_emulate_ctxt *ctxt, u16 sel, u64 *desc, u64 *addr)
{
	struct kvm_dtable dt;
	struct kvm_segment ldt;
	u64 index = sel & ~7u;

	if (sel & 4) {
		ctxt->ops->get_segment(ctxt, VCPU_SREG_LDTR, &ldt);
		if (ldt.unusable || !ldt.present)
			return emulate_gp(ctxt, sel & ~3u);
		dt.base = ldt.base;
		dt.limit = ldt.limit;
	} else {
		ctxt->ops->get_gdt(ctxt, &dt);
	}
	if (index + 7 > dt.limit)
		return emulate_gp(ctxt, sel & ~3u);
	*addr = dt.base + index;
	return ctxt->ops->read_std(ctxt, *addr, desc, 8, &ctxt->exception, true);
}

/**
 * descriptor_to_segment - unpack a segment descriptor (SDM Vol. 3A, 3.4.5,
 * Figure 3-8) into the KVM form: the limit scaled by G to bytes.
 */
static void descriptor_to_segment(u64 d, u16 sel, struct kvm_segment *s)
{
	u32 limit = (d & 0xffff) | ((d >> 32) & 0xf0000);

	memset(s, 0, sizeof(*s));
	s->selector = sel;
	s->base = ((d >> 16) & 0xffffff) | ((d >> 32) & 0xff000000);
	s->g = (d >> 55) & 1;
	s->limit = s->g ? (limit << 12) | 0xfff : limit;
	s->type = (d >> 40) & 0xf;
	s->s = (d >> 44) & 1;
	s->dpl = (d >> 45) & 3;
	s->present = (d >> 47) & 1;
	s->avl = (d >> 52) & 1;
	s->l = (d >> 53) & 1;
	s->db = (d >> 54) & 1;
}

/**
 * load_segment_descriptor - MOV to DS/ES/FS/GS/SS in protected mode, with
 * the checks of SDM Vol. 2B, MOV, "Operation": a null selector makes the
 * register unusable (SS: #GP(0), except in 64-bit mode below CPL 3); SS
 * needs a writable data segment with RPL = DPL = CPL (#GP(sel)), not
 * present #SS(sel); the others need data or readable code, with DPL at
 * least CPL and RPL unless conforming code, not present #NP(sel).  Sets the
 * descriptor's accessed bit as the CPU does.  Linux:
 * __load_segment_descriptor().
 */
static int load_segment_descriptor(struct x86_emulate_ctxt *ctxt, u16 sel, int seg)
{
	int cpl = ctxt->ops->cpl(ctxt), rpl = sel & 3, rc;
	struct kvm_segment s;
	u64 d, addr;
	u8 access;

	if (!(sel & ~3u)) {
		if (seg == VCPU_SREG_SS &&
		    (ctxt->mode != X86EMUL_MODE_PROT64 || cpl == 3))
			return emulate_gp(ctxt, 0);
		memset(&s, 0, sizeof(s));
		s.selector = sel;
		s.unusable = 1;
		ctxt->ops->set_segment(ctxt, seg, &s);
		return X86EMUL_CONTINUE;
	}
	rc = read_descriptor(ctxt, sel, &d, &addr);
	if (rc != X86EMUL_CONTINUE)
		return rc;
	descriptor_to_segment(d, sel, &s);
	if (!s.s)
		return emulate_gp(ctxt, sel & ~3u);
	if (seg == VCPU_SREG_SS) {
		if ((s.type & 8) || !(s.type & 2) || rpl != cpl || s.dpl != cpl)
			return emulate_gp(ctxt, sel & ~3u);
		if (!s.present)
			return emulate_exception(ctxt, SS_VECTOR, sel & ~3u, true);
	} else {
		bool code = s.type & 8, conforming = code && (s.type & 4);

		if (code && !(s.type & 2))
			return emulate_gp(ctxt, sel & ~3u);
		if (!conforming && (s.dpl < cpl || s.dpl < rpl))
			return emulate_gp(ctxt, sel & ~3u);
		if (!s.present)
			return emulate_exception(ctxt, NP_VECTOR, sel & ~3u, true);
	}
	if (!(s.type & 1)) {	/* the accessed bit: byte 5, bit 0 */
		s.type |= 1;
		access = (d >> 40) | 1;
		rc = ctxt->ops->write_std(ctxt, addr + 5, &access, 1, &ctxt->exception, true);
		if (rc != X86EMUL_CONTINUE)
			return rc;
	}
	ctxt->ops->set_segment(ctxt, seg, &s);
	return X86EMUL_CONTINUE;
}

/**
 * em_mov_sreg_rm - MOV Sreg, r/m16 (8E).  Real and VM86 mode: the base is
 * selector * 16 and nothing is checked.  Protected mode: a descriptor load.
 * MOV to CS is #UD; MOV to SS blocks interrupts until the next instruction
 * has run, so that MOV SS; MOV ESP pairs are safe (SDM Vol. 3A, 6.8.3).
 * Linux: em_mov_sreg_rm().
 */
static int em_mov_sreg_rm(struct x86_emulate_ctxt *ctxt)
{
	int seg = ctxt->modrm_reg & 7, rc = X86EMUL_CONTINUE;
	u16 sel = ctxt->src.val;
	struct kvm_segment s;

	if (seg == VCPU_SREG_CS || seg > VCPU_SREG_GS)
		return emulate_ud(ctxt);
	if (ctxt->mode == X86EMUL_MODE_REAL || ctxt->mode == X86EMUL_MODE_VM86) {
		ctxt->ops->get_segment(ctxt, seg, &s);
		s.selector = sel;
		s.base = (u64)sel << 4;
		ctxt->ops->set_segment(ctxt, seg, &s);
	} else {
		rc = load_segment_descriptor(ctxt, sel, seg);
	}
	if (rc == X86EMUL_CONTINUE && seg == VCPU_SREG_SS)
		ctxt->interruptibility = X86_SHADOW_INT_MOV_SS;
	ctxt->dst.type = OP_NONE;
	return rc;
}

/* ------------------------------------------------------------------ */
/* Execution: control registers (MOV CR, 0F 20/22)                     */
/* ------------------------------------------------------------------ */

/**
 * check_cr_access - MOV to/from CR needs CPL 0 (#GP(0)) and an existing
 * register: CR0, CR2, CR3, CR4, and CR8 in 64-bit mode; others are #UD
 * (SDM Vol. 2B, "MOV—Move to/from Control Registers", Exceptions).
 */
static int check_cr_access(struct x86_emulate_ctxt *ctxt)
{
	int cr = ctxt->modrm_reg;

	if (!(cr == 0 || cr == 2 || cr == 3 || cr == 4 ||
	      (cr == 8 && ctxt->mode == X86EMUL_MODE_PROT64)))
		return emulate_ud(ctxt);
	if (ctxt->mode == X86EMUL_MODE_VM86 || ctxt->ops->cpl(ctxt))
		return emulate_gp(ctxt, 0);
	return X86EMUL_CONTINUE;
}

/** em_cr_read - MOV r, CRn (0F 20).  Linux: em_cr_read(). */
static int em_cr_read(struct x86_emulate_ctxt *ctxt)
{
	int rc = check_cr_access(ctxt);

	if (rc == X86EMUL_CONTINUE)
		ctxt->dst.val = ctxt->ops->get_cr(ctxt, ctxt->modrm_reg) &
				size_mask(ctxt->dst.bytes);
	return rc;
}

/**
 * em_cr_write - MOV CRn, r (0F 22): the glue applies it (CR0/CR3/CR4 have
 * side effects on paging, CR8 is the TPR).  Linux: em_cr_write().
 */
static int em_cr_write(struct x86_emulate_ctxt *ctxt)
{
	int rc = check_cr_access(ctxt);

	if (rc != X86EMUL_CONTINUE)
		return rc;
	if (!ctxt->ops->set_cr)
		return emulate_fail(ctxt, "mov to cr: no set_cr");
	if (ctxt->ops->set_cr(ctxt, ctxt->modrm_reg, ctxt->src.val))
		return emulate_gp(ctxt, 0);
	return X86EMUL_CONTINUE;
}

/* ------------------------------------------------------------------ */
/* Execution: string instructions (SDM Vol. 2B, MOVS, STOS, ...; one    */
/* iteration per call, the loop in x86_emulate_insn())                 */
/* ------------------------------------------------------------------ */

/** em_nop - NOP (90) and PAUSE (F3 90): nothing but the next RIP. */
static int em_nop(struct x86_emulate_ctxt *ctxt)
{
	(void)ctxt;
	return X86EMUL_CONTINUE;
}

/** em_cmps - CMPS (A6/A7): flags of [rSI] - [rDI], nothing written. */
static int em_cmps(struct x86_emulate_ctxt *ctxt)
{
	u64 a = ctxt->src.val, b = ctxt->dst.val;

	sub_flags(ctxt, a, b, a - b, ctxt->dst.bytes);
	return X86EMUL_CONTINUE;
}

/** string_step - how far rSI/rDI move per item: +size, or -size with DF. */
static s64 string_step(struct x86_emulate_ctxt *ctxt, unsigned int size)
{
	return ctxt->eflags & EFLG_DF ? -(s64)size : (s64)size;
}

/** rep_count - rCX at the address size: the REP iteration count. */
static u64 rep_count(struct x86_emulate_ctxt *ctxt)
{
	return ctxt->regs[VCPU_REGS_RCX] & size_mask(ctxt->ad_bytes);
}

/**
 * ins_batch_count - how many items one REP INS asks the port for: all that
 * remain (rCX), but no more than the I/O cache holds, nor than the bytes
 * left in rDI's page towards the end (DF=0) or start (DF=1).  That last
 * bound compares bytes with items, as KVM does (its pio_in_emulated()):
 * we keep the quirk so that the VMM sees the very KVM_EXIT_IOs KVM gives
 * (the differential oracle compares them); a batch that runs past the
 * page is written through write_emulated(), which splits at the page.
 */
static unsigned int ins_batch_count(struct x86_emulate_ctxt *ctxt, u64 la, unsigned int size)
{
	u64 n = sizeof(ctxt->io_read.data) / size, in_page;
	u64 rdi = ctxt->regs[VCPU_REGS_RDI];

	(void)la;
	if (!ctxt->rep_prefix)
		return 1;
	if (ctxt->eflags & EFLG_DF)
		in_page = rdi & 0xfff;
	else
		in_page = 0x1000 - (rdi & 0xfff);
	if (in_page < n)
		n = in_page;
	if (rep_count(ctxt) < n)
		n = rep_count(ctxt);
	return n ? n : 1;
}

/**
 * em_ins - INS (6C/6D): read a batch of items from port DX, store them at
 * ES:rDI upwards (DF=0) or downwards (DF=1), move rDI and count rCX down.
 * The segment is checked at both ends of the batch before the port is
 * read.  Linux: em_in() with pio_in_emulated()'s batching.
 */
static int em_ins(struct x86_emulate_ctxt *ctxt)
{
	struct pio_read_args a = { .size = ctxt->dst.bytes };
	unsigned int size = ctxt->dst.bytes, i;
	u64 first = ctxt->dst.ea, low, la;
	s64 step = string_step(ctxt, size);
	const u8 *data;
	int rc;

	rc = linearize(ctxt, VCPU_SREG_ES, first, size, ACCESS_WRITE, &la);
	if (rc != X86EMUL_CONTINUE)
		return rc;
	a.count = ins_batch_count(ctxt, la, size);
	a.port = ctxt->regs[VCPU_REGS_RDX];
	low = (first + (step < 0 ? step * (a.count - 1) : 0)) & size_mask(ctxt->ad_bytes);
	rc = linearize(ctxt, VCPU_SREG_ES, low, size, ACCESS_WRITE, &la);
	if (rc != X86EMUL_CONTINUE)
		return rc;
	rc = read_cached(&ctxt->io_read, NULL, a.count * size, pio_read_new, ctxt, &a);
	if (rc != X86EMUL_CONTINUE)
		return rc;
	data = ctxt->io_read.data + ctxt->io_read.pos - a.count * size;
	if (step > 0) {		/* one write: the items in port order */
		rc = segmented_write(ctxt, VCPU_SREG_ES, low, data, a.count * size);
	} else {		/* going down: the first item lands highest */
		for (i = 0; i < a.count && rc == X86EMUL_CONTINUE; i++)
			rc = segmented_write(ctxt, VCPU_SREG_ES,
					     (first + step * i) & size_mask(ctxt->ad_bytes),
					     data + i * size, size);
	}
	if (rc != X86EMUL_CONTINUE)
		return rc;
	register_address_increment(ctxt, VCPU_REGS_RDI, ctxt->ad_bytes, step * a.count);
	if (ctxt->rep_prefix)
		register_address_increment(ctxt, VCPU_REGS_RCX, ctxt->ad_bytes, -(s64)a.count);
	ctxt->dst.type = OP_NONE;
	return X86EMUL_CONTINUE;
}

/**
 * em_outs - OUTS (6E/6F): one item from seg:rSI to port DX (one item per
 * iteration, as KVM does for OUTS).  Linux: em_out().
 */
static int em_outs(struct x86_emulate_ctxt *ctxt)
{
	return ctxt->ops->pio_out_emulated(ctxt, ctxt->src.bytes, ctxt->regs[VCPU_REGS_RDX],
					   &ctxt->src.val, 1);
}

/* ------------------------------------------------------------------ */
/* The opcode tables (SDM Vol. 2D, Appendix A)                          */
/* ------------------------------------------------------------------ */

/** An instruction: its flags, its em_*() function, its mnemonic. */
#define I(f, e, n)	{ .flags = (f), .u.execute = (e), .name = (n) }
/** A ModRM group: ModRM.reg picks one of the eight entries of @g. */
#define G(f, g)		{ .flags = (f) | Group | ModRM, .u.group = (g) }
/** Not implemented here (a real instruction we refuse): flags 0, no function. */
#define N		{ .flags = 0 }
/** Undefined opcode: #UD. */
#define UD		{ .flags = Undefined }
/**
 * An instruction we do not emulate but whose shape (ModRM, immediate) we
 * know, so that decoding gives its exact length: the glue steps over
 * intercepted instructions (HLT, CPUID, RDMSR, IN, VMMCALL...) with it on
 * SVM without NRIP save.  x86_emulate_insn() refuses it, naming it.
 */
#define NE(f, n)	{ .flags = (f) | NotEmul, .name = n }
/** Sixteen copies, for the Jcc rows. */
#define X16(x...)	X8(x), X8(x)

/**
 * The six classic forms of an ALU opcode row (00-05, 08-0D, ... 38-3D):
 * Eb,Gb  Ev,Gv  Gb,Eb  Gv,Ev  AL,Ib  rAX,Iz.  @f: Lock for the seven that
 * write (check_lock() then refuses LOCK unless the destination is
 * memory), NoWrite for CMP.
 */
#define ALU6(f, e, n)							\
	I(ByteOp | DstRM | SrcReg | ModRM | (f), e, n),			\
	I(DstRM | SrcReg | ModRM | (f), e, n),				\
	I(ByteOp | DstReg | SrcRM | ModRM | (f), e, n),			\
	I(DstReg | SrcRM | ModRM | (f), e, n),				\
	I(ByteOp | DstAcc | SrcImm | (f), e, n),			\
	I(DstAcc | SrcImm | (f), e, n)

/** Eight copies of one entry, for the +r opcode rows (40-4F, 50-5F, 90-97, B0-BF). */
#define X8(x...)	x, x, x, x, x, x, x, x

/** Group 1 (80-83): ALU op r/m, imm; CMP does not write. */
static const struct opcode group1[8] = {
	I(Lock, em_add, "add"), I(Lock, em_or, "or"),
	I(Lock, em_adc, "adc"), I(Lock, em_sbb, "sbb"),
	I(Lock, em_and, "and"), I(Lock, em_sub, "sub"),
	I(Lock, em_xor, "xor"), I(NoWrite, em_cmp, "cmp"),
};

/** Group 1A (8F): /0 POP r/m; the rest are XOP prefixes on AMD (refused). */
static const struct opcode group1a[8] = {
	I(DstRM | Mov | Stack, em_pop, "pop"), N, N, N, N, N, N, N,
};

/** Group 2 (C0/C1, D0-D3): shifts and rotates; /6 is an alias of SHL. */
static const struct opcode group2[8] = {
	I(0, em_rol, "rol"), I(0, em_ror, "ror"),
	I(0, em_rcl, "rcl"), I(0, em_rcr, "rcr"),
	I(0, em_shl, "shl"), I(0, em_shr, "shr"),
	I(0, em_shl, "sal"), I(0, em_sar, "sar"),
};

/** Group 3 (F6/F7): TEST imm (/1 an alias), NOT, NEG; MUL/DIV are not emulated. */
static const struct opcode group3[8] = {
	I(SrcImm | NoWrite, em_test, "test"), I(SrcImm | NoWrite, em_test, "test"),
	I(Lock, em_not, "not"), I(Lock, em_neg, "neg"),
	N, N, N, N,
};

/** Group 4 (FE): INC/DEC r/m8. */
static const struct opcode group4[8] = {
	I(Lock, em_inc, "inc"), I(Lock, em_dec, "dec"), UD, UD, UD, UD, UD, UD,
};

/** Group 5 (FF): INC/DEC r/m, PUSH r/m; CALL/JMP are not emulated. */
static const struct opcode group5[8] = {
	I(DstRM | Lock, em_inc, "inc"), I(DstRM | Lock, em_dec, "dec"), N, N, N, N,
	I(SrcRM | Stack | NoWrite, em_push, "push"), UD,
};

/** Group 8 (0F BA): BT/BTS/BTR/BTC r/m, imm8. */
static const struct opcode group8[8] = {
	UD, UD, UD, UD,
	I(NoWrite, em_bt, "bt"), I(Lock, em_bts, "bts"),
	I(Lock, em_btr, "btr"), I(Lock, em_btc, "btc"),
};

/** Group 9 (0F C7): /1 CMPXCHG8B m64 (CMPXCHG16B m128 with REX.W). */
static const struct opcode group9[8] = {
	UD, I(DstMem64 | Lock, em_cmpxchg8b, "cmpxchg8b"), UD, UD, UD, UD, N, N,
};

/** Group 11 (C6/C7): /0 MOV r/m, imm. */
static const struct opcode group11[8] = {
	I(Mov, em_mov, "mov"), UD, UD, UD, UD, UD, UD, UD,
};

/** PUSH/POP ES/CS/SS/DS and the BCD adjusts: one byte, invalid in 64-bit mode. */
#define SEG1	NE(No64, "push/pop seg, BCD: not emulated")

/**
 * The one-byte opcode map (SDM Vol. 2D, Table A-2).  Prefix bytes never
 * reach the table: x86_decode_insn() consumes them first.
 */
static const struct opcode opcode_table[256] = {
	/* 0x00 - 0x3f: the ALU rows; x6/x7/xE/xF are PUSH/POP seg and BCD
	 * (26/2E/36/3E are prefixes and 0F the escape: never looked up here) */
	ALU6(Lock, em_add, "add"), SEG1, SEG1, ALU6(Lock, em_or, "or"), SEG1, N,
	ALU6(Lock, em_adc, "adc"), SEG1, SEG1, ALU6(Lock, em_sbb, "sbb"), SEG1, SEG1,
	ALU6(Lock, em_and, "and"), N, SEG1, ALU6(Lock, em_sub, "sub"), N, SEG1,
	ALU6(Lock, em_xor, "xor"), N, SEG1, ALU6(NoWrite, em_cmp, "cmp"), N, SEG1,
	/* 0x40 - 0x4f: INC/DEC r (REX prefixes in 64-bit mode) */
	X8(I(DstOpcReg, em_inc, "inc")), X8(I(DstOpcReg, em_dec, "dec")),
	/* 0x50 - 0x5f: PUSH/POP r */
	X8(I(SrcOpcReg | Stack | NoWrite, em_push, "push")),
	X8(I(DstOpcReg | Mov | Stack, em_pop, "pop")),
	/* 0x60 - 0x6f: 63 MOVSXD (ARPL outside 64-bit mode), 68/6A PUSH imm, INS/OUTS */
	NE(No64, "pusha: not emulated"), NE(No64, "popa: not emulated"),
	N, I(DstReg | SrcRM32 | ModRM | Mov | Only64, em_movsx, "movsxd"),
	N, N, N, N,
	I(SrcImm | Stack | NoWrite, em_push, "push"),
	NE(DstReg | SrcImm | ModRM, "imul: not emulated"),
	I(SrcImmByte | Stack | NoWrite, em_push, "push"),
	NE(DstReg | SrcImmByte | ModRM, "imul: not emulated"),
	I(ByteOp | DstDI | SrcDX | Mov | String | PortIO, em_ins, "ins"),
	I(DstDI | SrcDX | Mov | String | PortIO, em_ins, "ins"),
	I(ByteOp | SrcSI | String | PortIO, em_outs, "outs"),
	I(SrcSI | String | PortIO, em_outs, "outs"),
	/* 0x70 - 0x7f: Jcc rel8 */
	X16(NE(SrcImmByte, "jcc: not emulated")),
	/* 0x80 - 0x8f: group 1, TEST, XCHG, MOV, LEA, group 1A */
	G(ByteOp | DstRM | SrcImm, group1), G(DstRM | SrcImm, group1),
	G(ByteOp | DstRM | SrcImm | No64, group1), G(DstRM | SrcImmByte, group1),
	I(ByteOp | DstRM | SrcReg | ModRM | NoWrite, em_test, "test"),
	I(DstRM | SrcReg | ModRM | NoWrite, em_test, "test"),
	I(ByteOp | DstRM | SrcReg | ModRM | Lock, em_xchg, "xchg"),
	I(DstRM | SrcReg | ModRM | Lock, em_xchg, "xchg"),
	I(ByteOp | DstRM | SrcReg | ModRM | Mov, em_mov, "mov"),
	I(DstRM | SrcReg | ModRM | Mov, em_mov, "mov"),
	I(ByteOp | DstReg | SrcRM | ModRM | Mov, em_mov, "mov"),
	I(DstReg | SrcRM | ModRM | Mov, em_mov, "mov"),
	I(DstRM16 | ModRM | Mov, em_mov_rm_sreg, "mov"), NE(ModRM, "lea: not emulated"),
	I(SrcRM16 | ModRM, em_mov_sreg_rm, "mov"), G(0, group1a),
	/* 0x90 - 0x9f: XCHG rAX, r (90 alone is NOP: handled in decode) */
	X8(I(DstOpcReg | SrcAcc, em_xchg, "xchg")),
	NE(0, "cbw: not emulated"), NE(0, "cwd: not emulated"), N /* CALLF ptr */,
	NE(0, "fwait: not emulated"), NE(0, "pushf: not emulated"), NE(0, "popf: not emulated"),
	NE(0, "sahf: not emulated"), NE(0, "lahf: not emulated"),
	/* 0xa0 - 0xaf: MOV moffs, MOVS, CMPS, TEST, STOS, LODS, SCAS */
	I(ByteOp | DstAcc | SrcMoffs | Mov, em_mov, "mov"),
	I(DstAcc | SrcMoffs | Mov, em_mov, "mov"),
	I(ByteOp | DstMoffs | SrcAcc | Mov, em_mov, "mov"),
	I(DstMoffs | SrcAcc | Mov, em_mov, "mov"),
	I(ByteOp | DstDI | SrcSI | Mov | String, em_mov, "movs"),
	I(DstDI | SrcSI | Mov | String, em_mov, "movs"),
	I(ByteOp | DstDI | SrcSI | NoWrite | String | RepCond, em_cmps, "cmps"),
	I(DstDI | SrcSI | NoWrite | String | RepCond, em_cmps, "cmps"),
	I(ByteOp | DstAcc | SrcImm | NoWrite, em_test, "test"),
	I(DstAcc | SrcImm | NoWrite, em_test, "test"),
	I(ByteOp | DstDI | SrcAcc | Mov | String, em_mov, "stos"),
	I(DstDI | SrcAcc | Mov | String, em_mov, "stos"),
	I(ByteOp | DstAcc | SrcSI | Mov | String, em_mov, "lods"),
	I(DstAcc | SrcSI | Mov | String, em_mov, "lods"),
	I(ByteOp | DstAcc | SrcDI | NoWrite | String | RepCond, em_cmp, "scas"),
	I(DstAcc | SrcDI | NoWrite | String | RepCond, em_cmp, "scas"),
	/* 0xb0 - 0xbf: MOV r, imm */
	X8(I(ByteOp | DstOpcReg | SrcImm | Mov, em_mov, "mov")),
	X8(I(DstOpcReg | SrcImm64 | Mov, em_mov, "mov")),
	/* 0xc0 - 0xcf: group 2 with imm8, RET, LES/LDS (VEX), group 11, ENTER... */
	G(ByteOp | DstRM | SrcImmU8, group2), G(DstRM | SrcImmU8, group2),
	NE(SrcImmU16, "ret: not emulated"), NE(0, "ret: not emulated"),
	N /* LES / VEX3 */, N /* LDS / VEX2 */,
	G(ByteOp | DstRM | SrcImm, group11), G(DstRM | SrcImm, group11),
	N /* ENTER */, NE(0, "leave: not emulated"),
	NE(SrcImmU16, "retf: not emulated"), NE(0, "retf: not emulated"),
	NE(0, "int3: not emulated"), NE(SrcImmU8, "int: not emulated"),
	NE(No64, "into: not emulated"), NE(0, "iret: not emulated"),
	/* 0xd0 - 0xdf: group 2 by 1 and by CL, BCD, x87 */
	G(ByteOp | DstRM | SrcOne, group2), G(DstRM | SrcOne, group2),
	G(ByteOp | DstRM | SrcCL, group2), G(DstRM | SrcCL, group2),
	NE(SrcImmU8 | No64, "aam: not emulated"), NE(SrcImmU8 | No64, "aad: not emulated"),
	UD, NE(0, "xlat: not emulated"),
	X8(NE(ModRM, "x87: not emulated")),
	/* 0xe0 - 0xef: loops, IN/OUT, CALL, JMP */
	NE(SrcImmByte, "loopne: not emulated"), NE(SrcImmByte, "loope: not emulated"),
	NE(SrcImmByte, "loop: not emulated"), NE(SrcImmByte, "jcxz: not emulated"),
	NE(SrcImmU8, "in: not emulated"), NE(SrcImmU8, "in: not emulated"),
	NE(SrcImmU8, "out: not emulated"), NE(SrcImmU8, "out: not emulated"),
	NE(SrcImm, "call: not emulated"), NE(SrcImm, "jmp: not emulated"),
	N /* JMPF ptr */, NE(SrcImmByte, "jmp: not emulated"),
	NE(0, "in: not emulated"), NE(0, "in: not emulated"),
	NE(0, "out: not emulated"), NE(0, "out: not emulated"),
	/* 0xf0 - 0xff: (prefixes), HLT, CMC, group 3, flag ops, groups 4 and 5 */
	N, NE(0, "int1: not emulated"), N, N,
	NE(0, "hlt: not emulated"), NE(0, "cmc: not emulated"),
	G(ByteOp | DstRM, group3), G(DstRM, group3),
	NE(0, "clc: not emulated"), NE(0, "stc: not emulated"),
	NE(0, "cli: not emulated"), NE(0, "sti: not emulated"),
	NE(0, "cld: not emulated"), NE(0, "std: not emulated"),
	G(ByteOp | DstRM, group4), G(0, group5),
};

/** The two-byte map, 0F xx (SDM Vol. 2D, Table A-3): only what we emulate. */
static const struct opcode twobyte_table[256] = {
	[0xa3] = I(DstRM | SrcReg | ModRM | NoWrite | BitOp, em_bt, "bt"),
	[0xab] = I(DstRM | SrcReg | ModRM | Lock | BitOp, em_bts, "bts"),
	[0xb0] = I(ByteOp | DstRM | SrcReg | ModRM | Lock, em_cmpxchg, "cmpxchg"),
	[0xb1] = I(DstRM | SrcReg | ModRM | Lock, em_cmpxchg, "cmpxchg"),
	[0xb3] = I(DstRM | SrcReg | ModRM | Lock | BitOp, em_btr, "btr"),
	[0xb6] = I(DstReg | SrcRM8 | ModRM | Mov, em_movzx, "movzx"),
	[0xb7] = I(DstReg | SrcRM16 | ModRM | Mov, em_movzx, "movzx"),
	[0xba] = G(DstRM | SrcImmU8, group8),
	[0xbb] = I(DstRM | SrcReg | ModRM | Lock | BitOp, em_btc, "btc"),
	[0xbe] = I(DstReg | SrcRM8 | ModRM | Mov, em_movsx, "movsx"),
	[0xbf] = I(DstReg | SrcRM16 | ModRM | Mov, em_movsx, "movsx"),
	[0xc7] = G(0, group9),
	[0x0b] = UD,	/* UD2 */
	/* Known shapes, not emulated: lengths for stepping over intercepts. */
	[0x00] = NE(ModRM, "group 6 (sldt, ltr...): not emulated"),
	[0x01] = NE(ModRM, "group 7 (lgdt, invlpg, vmmcall, xsetbv...): not emulated"),
	[0x05] = NE(0, "syscall: not emulated"), [0x06] = NE(0, "clts: not emulated"),
	[0x07] = NE(0, "sysret: not emulated"), [0x08] = NE(0, "invd: not emulated"),
	[0x09] = NE(0, "wbinvd: not emulated"), [0x0d] = NE(ModRM, "prefetch: not emulated"),
	[0x18 ... 0x1f] = NE(ModRM, "hint nop: not emulated"),
	[0x20] = I(DstRM | ModRM | RegOnly | CrSize | Mov, em_cr_read, "mov from cr"),
	[0x21] = NE(ModRM | RegOnly, "mov from dr: not emulated"),
	[0x22] = I(SrcRM | ModRM | RegOnly | CrSize, em_cr_write, "mov to cr"),
	[0x23] = NE(ModRM | RegOnly, "mov to dr: not emulated"),
	[0x30] = NE(0, "wrmsr: not emulated"), [0x31] = NE(0, "rdtsc: not emulated"),
	[0x32] = NE(0, "rdmsr: not emulated"), [0x33] = NE(0, "rdpmc: not emulated"),
	[0x34] = NE(0, "sysenter: not emulated"), [0x35] = NE(0, "sysexit: not emulated"),
	[0x40 ... 0x4f] = NE(ModRM, "cmovcc: not emulated"),
	[0x78] = NE(ModRM, "vmread: not emulated"), [0x79] = NE(ModRM, "vmwrite: not emulated"),
	[0x80 ... 0x8f] = NE(SrcImm, "jcc: not emulated"),
	[0x90 ... 0x9f] = NE(ModRM, "setcc: not emulated"),
	[0xa0] = NE(0, "push fs: not emulated"), [0xa1] = NE(0, "pop fs: not emulated"),
	[0xa2] = NE(0, "cpuid: not emulated"),
	[0xa4] = NE(ModRM | SrcImmU8, "shld: not emulated"), [0xa5] = NE(ModRM, "shld: not emulated"),
	[0xa8] = NE(0, "push gs: not emulated"), [0xa9] = NE(0, "pop gs: not emulated"),
	[0xac] = NE(ModRM | SrcImmU8, "shrd: not emulated"), [0xad] = NE(ModRM, "shrd: not emulated"),
	[0xae] = NE(ModRM, "group 15 (fences, fxsave...): not emulated"),
	[0xaf] = NE(ModRM, "imul: not emulated"),
	[0xbc] = NE(ModRM, "bsf: not emulated"), [0xbd] = NE(ModRM, "bsr: not emulated"),
	[0xc0] = NE(ModRM, "xadd: not emulated"), [0xc1] = NE(ModRM, "xadd: not emulated"),
	[0xc8 ... 0xcf] = NE(0, "bswap: not emulated"),
};

/* ------------------------------------------------------------------ */
/* Decoding                                                            */
/* ------------------------------------------------------------------ */

/**
 * insn_fetch - the next @size bytes of the instruction, little-endian,
 * into @val.  Bytes the caller did not supply are fetched through
 * ops->fetch now, only as many as needed: an instruction that ends just
 * before an unmapped page must not fault on it.  Longer than 15 bytes is
 * #GP(0) (SDM Vol. 2A, 2.3.11).  Linux: insn_fetch() / __do_insn_fetch_bytes().
 */
static int insn_fetch(struct x86_emulate_ctxt *ctxt, unsigned int size, u64 *val)
{
	unsigned int end = ctxt->insn_len + size, missing;
	u64 ea, la;
	int rc;

	if (end > X86_MAX_INSN_LEN)
		return emulate_gp(ctxt, 0);
	if (end > ctxt->fetched) {
		if (!ctxt->ops->fetch)
			return emulate_fail(ctxt, "instruction bytes missing");
		missing = end - ctxt->fetched;
		ea = ctxt->eip + ctxt->fetched;
		if (ctxt->mode != X86EMUL_MODE_PROT64)
			ea &= ctxt->mode == X86EMUL_MODE_PROT32 ? 0xffffffffull : 0xffffull;
		rc = linearize(ctxt, VCPU_SREG_CS, ea, missing, ACCESS_FETCH, &la);
		if (rc != X86EMUL_CONTINUE)
			return rc;
		rc = ctxt->ops->fetch(ctxt, la, ctxt->insn + ctxt->fetched, missing,
				      &ctxt->exception);
		if (rc != X86EMUL_CONTINUE)
			return rc;
		ctxt->fetched = end;
	}
	*val = 0;
	memcpy(val, ctxt->insn + ctxt->insn_len, size);
	ctxt->insn_len = end;
	return X86EMUL_CONTINUE;
}

/** fetch_signed - the next 1, 2 or 4 bytes, sign-extended (displacements, immediates). */
static int fetch_signed(struct x86_emulate_ctxt *ctxt, unsigned int size, u64 *val)
{
	int rc = insn_fetch(ctxt, size, val);

	*val = sign_extend(*val, size);
	return rc;
}

/**
 * decode_prefixes - legacy prefixes in any order (SDM Vol. 2A, 2.1.1), then
 * in 64-bit mode a REX prefix, which counts only right before the opcode
 * (2.2.1: a legacy prefix after REX cancels it).  Leaves the opcode byte in
 * @b.  Sets operand and address size (SDM Vol. 1, 3.6.1, Tables 3-3 and
 * 3-4: 66/67 toggle the default; REX.W makes 64-bit operands).
 */
static int decode_prefixes(struct x86_emulate_ctxt *ctxt, u8 *b)
{
	bool mode64 = ctxt->mode == X86EMUL_MODE_PROT64, op_prefix = false;
	unsigned int def = ctxt->mode == X86EMUL_MODE_PROT32 ? 4 : 2;
	u64 v;
	int rc;

	ctxt->ad_bytes = mode64 ? 8 : def;
	for (;;) {
		rc = insn_fetch(ctxt, 1, &v);
		if (rc != X86EMUL_CONTINUE)
			return rc;
		switch (v) {
		case 0x66:		/* operand-size override */
			op_prefix = true;
			break;
		case 0x67:		/* address-size override */
			ctxt->ad_bytes = mode64 ? (ctxt->ad_bytes ^ 12) : (ctxt->ad_bytes ^ 6);
			break;
		case 0x26: case 0x2e: case 0x36: case 0x3e:	/* ES CS SS DS */
			ctxt->seg_override = (v >> 3) & 3;
			break;
		case 0x64: case 0x65:				/* FS GS */
			ctxt->seg_override = v - 0x60;
			break;
		case 0xf0:
			ctxt->lock_prefix = 1;
			break;
		case 0xf2: case 0xf3:	/* the last of F2/F3 wins */
			ctxt->rep_prefix = v;
			break;
		default:
			if (mode64 && (v & 0xf0) == 0x40) {
				ctxt->rex_prefix = v;
				continue;	/* REX is kept only if the opcode follows */
			}
			goto done;
		}
		ctxt->rex_prefix = 0;
	}
done:
	*b = v;
	if (mode64)
		ctxt->op_bytes = (ctxt->rex_prefix & 8) ? 8 : op_prefix ? 2 : 4;
	else
		ctxt->op_bytes = op_prefix ? def ^ 6 : def;
	return X86EMUL_CONTINUE;
}

/** A memory operand as ModRM describes it, before the operands exist. */
struct modrm_mem {
	u64 ea;			/**< the effective address (offset in the segment) */
	int seg;		/**< the default segment: SS when rBP/rSP is the base */
	int base;		/**< base register, or -1 */
};

/**
 * decode_modrm16 - 16-bit addressing (SDM Vol. 2A, Table 2-1): eight fixed
 * base/index pairs; rm 6 with mod 0 is a bare disp16.
 */
static int decode_modrm16(struct x86_emulate_ctxt *ctxt, struct modrm_mem *m)
{
	static const s8 base[8] = { VCPU_REGS_RBX, VCPU_REGS_RBX, VCPU_REGS_RBP, VCPU_REGS_RBP,
				    VCPU_REGS_RSI, VCPU_REGS_RDI, VCPU_REGS_RBP, VCPU_REGS_RBX };
	static const s8 index[8] = { VCPU_REGS_RSI, VCPU_REGS_RDI, VCPU_REGS_RSI, VCPU_REGS_RDI,
				     -1, -1, -1, -1 };
	unsigned int rm = ctxt->modrm & 7, mod = ctxt->modrm_mod;
	u64 disp = 0;
	int rc = X86EMUL_CONTINUE;

	m->base = base[rm];
	if (mod == 0 && rm == 6) {
		m->base = -1;
		rc = insn_fetch(ctxt, 2, &disp);
	} else if (mod == 1) {
		rc = fetch_signed(ctxt, 1, &disp);
	} else if (mod == 2) {
		rc = insn_fetch(ctxt, 2, &disp);
	}
	m->ea = disp;
	if (m->base >= 0)
		m->ea += ctxt->regs[m->base];
	if (index[rm] >= 0)
		m->ea += ctxt->regs[index[rm]];
	m->ea &= 0xffff;
	m->seg = m->base == VCPU_REGS_RBP ? VCPU_SREG_SS : VCPU_SREG_DS;
	return rc;
}

/**
 * decode_modrm32 - 32/64-bit addressing (SDM Vol. 2A, Tables 2-2 and 2-3,
 * and 2.2.1.6 for RIP-relative): rm 4 means a SIB byte follows; mod 0 with
 * rm 5 is disp32 (RIP-relative in 64-bit mode); a SIB with base 5 and mod 0
 * has no base; index 4 (without REX.X) is no index.  REX.B and REX.X make
 * registers 8-15, but the special cases look at the low three bits only.
 */
static int decode_modrm32(struct x86_emulate_ctxt *ctxt, struct modrm_mem *m)
{
	unsigned int rm = ctxt->modrm & 7, mod = ctxt->modrm_mod, rex = ctxt->rex_prefix;
	u64 disp = 0, sib;
	int index = -1, rc;

	m->base = ctxt->modrm_rm;
	if (rm == 4) {
		rc = insn_fetch(ctxt, 1, &sib);
		if (rc != X86EMUL_CONTINUE)
			return rc;
		ctxt->sib = sib;
		index = ((sib >> 3) & 7) | ((rex & 2) << 2);
		if (index == 4)
			index = -1;
		m->base = (sib & 7) | ((rex & 1) << 3);
		if ((sib & 7) == 5 && mod == 0)
			m->base = -1;
	} else if (rm == 5 && mod == 0) {
		m->base = -1;
		ctxt->rip_relative = ctxt->mode == X86EMUL_MODE_PROT64;
	}
	if (mod == 1)
		rc = fetch_signed(ctxt, 1, &disp);
	else if (mod == 2 || m->base < 0)
		rc = fetch_signed(ctxt, 4, &disp);
	else
		rc = X86EMUL_CONTINUE;
	m->ea = disp;
	if (m->base >= 0)
		m->ea += ctxt->regs[m->base];
	if (index >= 0)
		m->ea += ctxt->regs[index] << ((sib >> 6) & 3);
	m->seg = (m->base == VCPU_REGS_RSP || m->base == VCPU_REGS_RBP) ?
		 VCPU_SREG_SS : VCPU_SREG_DS;
	return rc;
}

/**
 * decode_modrm - split the ModRM byte (SDM Vol. 2A, 2.1.5) and, for a
 * memory form, decode the address.  Linux: decode_modrm().
 */
static int decode_modrm(struct x86_emulate_ctxt *ctxt, struct modrm_mem *m)
{
	int rc;

	ctxt->modrm_mod = ctxt->modrm >> 6;
	ctxt->modrm_reg = ((ctxt->modrm >> 3) & 7) | ((ctxt->rex_prefix & 4) << 1);
	ctxt->modrm_rm = (ctxt->modrm & 7) | ((ctxt->rex_prefix & 1) << 3);
	if (ctxt->d & RegOnly)	/* MOV CR/DR: SDM Vol. 2B, "MOV—Move to/from Control Registers" */
		ctxt->modrm_mod = 3;
	if (ctxt->modrm_mod == 3)
		return X86EMUL_CONTINUE;
	if (ctxt->ad_bytes == 2)
		rc = decode_modrm16(ctxt, m);
	else
		rc = decode_modrm32(ctxt, m);
	/* POP r/m addressed through rSP sees rSP after the pop (SDM Vol. 2B, POP). */
	if (ctxt->opcode_len == 1 && ctxt->b == 0x8f && m->base == VCPU_REGS_RSP)
		m->ea += ctxt->op_bytes;
	return rc;
}

/**
 * decode_register_operand - a register operand; for bytes, registers 4-7
 * are AH-BH unless some REX prefix is present (SDM Vol. 2A, 3.7.2.1).
 */
static void decode_register_operand(struct x86_emulate_ctxt *ctxt, struct operand *op, int reg,
				    unsigned int bytes)
{
	op->type = OP_REG;
	op->bytes = bytes;
	op->reg = reg;
	op->high_byte = bytes == 1 && !ctxt->rex_prefix && reg >= 4 && reg < 8;
	if (op->high_byte)
		op->reg -= 4;
}

/** decode_rm_operand - the ModRM.rm operand: a register, or memory at @m. */
static void decode_rm_operand(struct x86_emulate_ctxt *ctxt, struct operand *op,
			      const struct modrm_mem *m, unsigned int bytes)
{
	if (ctxt->modrm_mod == 3) {
		decode_register_operand(ctxt, op, ctxt->modrm_rm, bytes);
		return;
	}
	op->type = OP_MEM;
	op->bytes = bytes;
	op->ea = m->ea;
	op->seg = ctxt->seg_override >= 0 ? ctxt->seg_override : m->seg;
}

/**
 * decode_operand - fill the static part of one operand from its kind in
 * the opcode table.  Immediates are fetched here, so decode_operand()
 * runs after the ModRM bytes, in the instruction's byte order.  Linux:
 * decode_operand().
 */
static int decode_operand(struct x86_emulate_ctxt *ctxt, struct operand *op, unsigned int kind,
			  const struct modrm_mem *m)
{
	unsigned int size = ctxt->d & ByteOp ? 1 : ctxt->op_bytes;
	u64 v;
	int rc = X86EMUL_CONTINUE;

	memset(op, 0, sizeof(*op));
	op->type = OP_NONE;
	op->bytes = size;
	switch (kind) {
	case OpReg:
		decode_register_operand(ctxt, op, ctxt->modrm_reg, size);
		break;
	case OpRM:
		decode_rm_operand(ctxt, op, m, size);
		break;
	case OpRM8:
		decode_rm_operand(ctxt, op, m, 1);
		break;
	case OpRM16:
		decode_rm_operand(ctxt, op, m, 2);
		break;
	case OpRM32:
		decode_rm_operand(ctxt, op, m, 4);
		break;
	case OpMem64:
		if (ctxt->modrm_mod == 3)
			return emulate_ud(ctxt);	/* CMPXCHG8B needs memory */
		decode_rm_operand(ctxt, op, m, ctxt->rex_prefix & 8 ? 16 : 8);
		break;
	case OpAcc:
		decode_register_operand(ctxt, op, VCPU_REGS_RAX, size);
		break;
	case OpOpcReg:
		decode_register_operand(ctxt, op, (ctxt->b & 7) | ((ctxt->rex_prefix & 1) << 3),
					size);
		break;
	case OpCL:
		decode_register_operand(ctxt, op, VCPU_REGS_RCX, 1);
		break;
	case OpSI:	/* the address is taken from rSI at each iteration */
		op->type = OP_MEM;
		op->seg = ctxt->seg_override >= 0 ? ctxt->seg_override : VCPU_SREG_DS;
		break;
	case OpDI:	/* ES:rDI; ES cannot be overridden */
		op->type = OP_MEM;
		op->seg = VCPU_SREG_ES;
		break;
	case OpOne:
		op->type = OP_IMM;
		op->val = 1;
		break;
	case OpImm:	/* Iz: at most 32 bits, sign-extended to a 64-bit operand */
		op->type = OP_IMM;
		rc = fetch_signed(ctxt, size > 4 ? 4 : size, &v);
		op->val = v & size_mask(size);
		break;
	case OpImmByte:
		op->type = OP_IMM;
		rc = fetch_signed(ctxt, 1, &v);
		op->val = v & size_mask(size);
		break;
	case OpImmU8:
		op->type = OP_IMM;
		rc = insn_fetch(ctxt, 1, &op->val);
		break;
	case OpImmU16:
		op->type = OP_IMM;
		rc = insn_fetch(ctxt, 2, &op->val);
		break;
	case OpImm64:	/* B8+r: the immediate is as wide as the operand */
		op->type = OP_IMM;
		rc = insn_fetch(ctxt, size, &op->val);
		break;
	case OpMoffs:	/* an offset as wide as the address size */
		op->type = OP_MEM;
		rc = insn_fetch(ctxt, ctxt->ad_bytes, &op->ea);
		op->seg = ctxt->seg_override >= 0 ? ctxt->seg_override : VCPU_SREG_DS;
		break;
	default:	/* OpNone, OpDX (em_ins/em_outs read DX themselves), OpSreg */
		break;
	}
	return rc;
}

/**
 * lookup_opcode - the table entry for the opcode byte(s); for a group the
 * ModRM byte is read now, since its reg field picks the entry.  The
 * entry's flags are the group's combined with the member's.
 */
static int lookup_opcode(struct x86_emulate_ctxt *ctxt, u8 b)
{
	const struct opcode *op;
	u64 v;
	int rc;

	if (b == 0x0f) {
		rc = insn_fetch(ctxt, 1, &v);
		if (rc != X86EMUL_CONTINUE)
			return rc;
		ctxt->b = v;
		ctxt->opcode_len = 2;
		op = &twobyte_table[ctxt->b];
	} else {
		ctxt->b = b;
		ctxt->opcode_len = 1;
		op = &opcode_table[b];
	}
	ctxt->d = op->flags;
	if (ctxt->d & ModRM) {
		rc = insn_fetch(ctxt, 1, &v);
		if (rc != X86EMUL_CONTINUE)
			return rc;
		ctxt->modrm = v;
	}
	if (ctxt->d & Group) {
		op = &op->u.group[(ctxt->modrm >> 3) & 7];
		ctxt->d = (ctxt->d & ~Group) | op->flags;
	}
	/* 90 is NOP (and F3 90 PAUSE), not XCHG eAX, eAX, unless REX.B names R8. */
	if (ctxt->opcode_len == 1 && b == 0x90 && !(ctxt->rex_prefix & 1)) {
		static const struct opcode nop = I(0, em_nop, "nop");

		op = &nop;
		ctxt->d = 0;
	}
	ctxt->op = op;
	return X86EMUL_CONTINUE;
}

/**
 * check_decoded - the refusals and #UDs that depend on the whole
 * decoded form: undefined opcodes, what is invalid in 64-bit mode, LOCK
 * where it is not allowed (SDM Vol. 2A, LOCK: only the listed
 * read-modify-write instructions, and only with a memory destination).
 */
static int check_decoded(struct x86_emulate_ctxt *ctxt)
{
	bool mode64 = ctxt->mode == X86EMUL_MODE_PROT64;

	if ((ctxt->d & Undefined) || ((ctxt->d & No64) && mode64))
		return emulate_ud(ctxt);
	/* No shape at all: the length is unknown too. */
	if (!ctxt->op->u.execute && !ctxt->d)
		return emulate_fail(ctxt, ctxt->opcode_len == 2 ?
				    "two-byte opcode not decoded" : "opcode not decoded");
	if ((ctxt->d & Only64) && !mode64)
		return emulate_fail(ctxt, "ARPL not emulated");
	return X86EMUL_CONTINUE;
}

/** check_lock - LOCK only on a lockable instruction with a memory destination. */
static int check_lock(struct x86_emulate_ctxt *ctxt)
{
	if (ctxt->lock_prefix && (!(ctxt->d & Lock) || ctxt->dst.type != OP_MEM))
		return emulate_ud(ctxt);
	return X86EMUL_CONTINUE;
}

/**
 * fixup_rip_relative - [RIP + disp32] counts from the *next* instruction,
 * whose address is known only once the immediates are decoded.
 */
static void fixup_rip_relative(struct x86_emulate_ctxt *ctxt, struct operand *op)
{
	if (op->type == OP_MEM && ctxt->rip_relative)
		op->ea += ctxt->eip + ctxt->insn_len;
	if (op->type == OP_MEM)
		op->ea &= size_mask(ctxt->ad_bytes);
}

/** emul_result - a decode/execute status as the x86_*_insn() return value. */
static int emul_result(int rc)
{
	switch (rc) {
	case X86EMUL_CONTINUE:
		return EMULATION_OK;
	case X86EMUL_PROPAGATE_FAULT:
		return EMULATION_FAULT;
	case X86EMUL_IO_NEEDED:
		return EMULATION_IO_NEEDED;
	default:
		return EMULATION_FAILED;
	}
}

/**
 * decode - the steps of x86_decode_insn(), each returning an X86EMUL_ code.
 */
static int decode(struct x86_emulate_ctxt *ctxt)
{
	struct modrm_mem m = { .seg = VCPU_SREG_DS, .base = -1 };
	u8 b;
	int rc;

	rc = decode_prefixes(ctxt, &b);
	if (rc == X86EMUL_CONTINUE)
		rc = lookup_opcode(ctxt, b);
	if (rc == X86EMUL_CONTINUE)
		rc = check_decoded(ctxt);
	if (rc != X86EMUL_CONTINUE)
		return rc;
	if ((ctxt->d & Stack) && ctxt->mode == X86EMUL_MODE_PROT64)
		ctxt->op_bytes = ctxt->op_bytes == 2 ? 2 : 8;
	if ((ctxt->d & PortIO) && ctxt->op_bytes == 8)
		ctxt->op_bytes = 4;
	if (ctxt->d & CrSize)	/* 66 and REX.W do not matter */
		ctxt->op_bytes = ctxt->mode == X86EMUL_MODE_PROT64 ? 8 : 4;
	if (ctxt->d & ModRM) {
		rc = decode_modrm(ctxt, &m);
		if (rc != X86EMUL_CONTINUE)
			return rc;
	}
	rc = decode_operand(ctxt, &ctxt->dst, (ctxt->d >> DstShift) & OpMask, &m);
	if (rc == X86EMUL_CONTINUE)
		rc = decode_operand(ctxt, &ctxt->src, (ctxt->d >> SrcShift) & OpMask, &m);
	if (rc != X86EMUL_CONTINUE)
		return rc;
	fixup_rip_relative(ctxt, &ctxt->dst);
	fixup_rip_relative(ctxt, &ctxt->src);
	return check_lock(ctxt);
}

void init_decode_cache(struct x86_emulate_ctxt *ctxt)
{
	const struct x86_emulate_ops *ops = ctxt->ops;
	u64 regs[NR_EMULATOR_GPRS], eip = ctxt->eip, eflags = ctxt->eflags;
	enum x86emul_mode mode = ctxt->mode;
	void *opaque = ctxt->opaque;

	memcpy(regs, ctxt->regs, sizeof(regs));
	memset(ctxt, 0, sizeof(*ctxt));
	ctxt->ops = ops;
	ctxt->opaque = opaque;
	ctxt->mode = mode;
	memcpy(ctxt->regs, regs, sizeof(regs));
	ctxt->eip = eip;
	ctxt->eflags = eflags;
	ctxt->seg_override = -1;
}

int x86_decode_insn(struct x86_emulate_ctxt *ctxt, const void *insn, int insn_len)
{
	if (insn_len > X86_MAX_INSN_LEN)
		insn_len = X86_MAX_INSN_LEN;
	if (insn_len > 0)
		memcpy(ctxt->insn, insn, insn_len);
	ctxt->fetched = insn_len > 0 ? insn_len : 0;
	ctxt->insn_len = 0;
	return emul_result(decode(ctxt));
}

/* ------------------------------------------------------------------ */
/* Execution                                                           */
/* ------------------------------------------------------------------ */

/** The operand kind the table gave the destination / source. */
static unsigned int dst_kind(struct x86_emulate_ctxt *ctxt)
{
	return (ctxt->d >> DstShift) & OpMask;
}

/** The source operand's kind (an Op* value) from the decode flags. */
static unsigned int src_kind(struct x86_emulate_ctxt *ctxt)
{
	return (ctxt->d >> SrcShift) & OpMask;
}

/**
 * prepare_bit_operand - BT/BTS/BTR/BTC with a register bit offset and a
 * memory operand address a bit string: the signed offset can reach any
 * operand-sized unit below or above the address (SDM Vol. 2A, BT, and
 * Vol. 1, 3.5.1 "bit string").  Move the operand to the unit that holds
 * the bit; bit_op() then takes the offset mod the width.
 */
static void prepare_bit_operand(struct x86_emulate_ctxt *ctxt)
{
	/* EXERCISE 05.3 BEGIN: a bit string in memory: move to the unit with the bit */
	unsigned int bits = ctxt->dst.bytes * 8;
	s64 offset = sign_extend(ctxt->src.val, ctxt->src.bytes);
	s64 unit = offset >> (bits == 16 ? 4 : bits == 32 ? 5 : 6);

	ctxt->dst.ea = (ctxt->dst.ea + unit * ctxt->dst.bytes) & size_mask(ctxt->ad_bytes);
	/* EXERCISE 05.3 STUB: (void)ctxt; */
	/* EXERCISE END */
}

/**
 * read_operand - give an operand its value for this run: registers read,
 * memory read through the cache (a destination the instruction only
 * writes is not read), string addresses taken from rSI/rDI now.
 */
static int read_operand(struct x86_emulate_ctxt *ctxt, struct operand *op, unsigned int kind,
			bool dst)
{
	u64 buf[2] = { 0, 0 };
	int rc;

	if (kind == OpSI)
		op->ea = ctxt->regs[VCPU_REGS_RSI] & size_mask(ctxt->ad_bytes);
	if (kind == OpDI)
		op->ea = ctxt->regs[VCPU_REGS_RDI] & size_mask(ctxt->ad_bytes);
	switch (op->type) {
	case OP_REG:
		op->val = read_reg(ctxt, op->reg, op->high_byte, op->bytes);
		break;
	case OP_MEM:
		if (dst && (ctxt->d & Mov))
			break;
		if (op->bytes == 16 && (op->ea & 15))	/* CMPXCHG16B */
			return emulate_gp(ctxt, 0);
		rc = segmented_read(ctxt, op->seg, op->ea, buf, op->bytes);
		if (rc != X86EMUL_CONTINUE)
			return rc;
		op->val = buf[0];
		op->val_hi = buf[1];
		break;
	default:
		break;
	}
	op->orig_val = op->val;
	op->orig_val_hi = op->val_hi;
	return X86EMUL_CONTINUE;
}

/**
 * writeback - store the destination: a register at once; memory through
 * write_emulated, or cmpxchg_emulated for a locked instruction (the old
 * value is what was read, so a change by another vCPU in between makes
 * the instruction run again).  Linux: writeback().
 */
static int writeback(struct x86_emulate_ctxt *ctxt)
{
	struct operand *op = &ctxt->dst;
	u64 val[2] = { op->val, op->val_hi }, old[2] = { op->orig_val, op->orig_val_hi };

	if (ctxt->d & NoWrite)
		return X86EMUL_CONTINUE;
	switch (op->type) {
	case OP_REG:
		write_reg(ctxt, op->reg, op->high_byte, op->bytes, op->val);
		return X86EMUL_CONTINUE;
	case OP_MEM:
		if (ctxt->lock_prefix)
			return segmented_cmpxchg(ctxt, op->seg, op->ea, old, val, op->bytes);
		return segmented_write(ctxt, op->seg, op->ea, val, op->bytes);
	default:
		return X86EMUL_CONTINUE;
	}
}

/**
 * string_advance - after one iteration of a string instruction, move rSI
 * and/or rDI by one item and count rCX down under a REP prefix.  INS moves
 * its own registers (it does a whole batch).
 */
static void string_advance(struct x86_emulate_ctxt *ctxt)
{
	s64 step = string_step(ctxt, ctxt->src.type == OP_MEM ? ctxt->src.bytes : ctxt->dst.bytes);

	if (ctxt->op->u.execute == em_ins)
		return;
	if (src_kind(ctxt) == OpSI)
		register_address_increment(ctxt, VCPU_REGS_RSI, ctxt->ad_bytes, step);
	if (dst_kind(ctxt) == OpDI || src_kind(ctxt) == OpDI)
		register_address_increment(ctxt, VCPU_REGS_RDI, ctxt->ad_bytes, step);
	if (ctxt->rep_prefix)
		register_address_increment(ctxt, VCPU_REGS_RCX, ctxt->ad_bytes, -1);
}

/**
 * string_done - does a REP string instruction stop after this iteration?
 * When rCX reaches 0; for CMPS/SCAS also when REPE sees ZF = 0 or REPNE
 * sees ZF = 1 (SDM Vol. 2B, REP/REPE/REPZ/REPNE/REPNZ, the table of
 * repeat conditions).
 */
static bool string_done(struct x86_emulate_ctxt *ctxt)
{
	bool zf = ctxt->eflags & EFLG_ZF;

	if (!ctxt->rep_prefix || rep_count(ctxt) == 0)
		return true;
	if (ctxt->d & RepCond)
		return ctxt->rep_prefix == 0xf3 ? !zf : zf;
	return false;
}

/** advance_rip - step over the instruction, wrapping at the code size. */
static void advance_rip(struct x86_emulate_ctxt *ctxt)
{
	u64 next = ctxt->eip + ctxt->insn_len;

	if (ctxt->mode == X86EMUL_MODE_PROT32)
		next = (u32)next;
	else if (ctxt->mode != X86EMUL_MODE_PROT64)
		next &= 0xffff;
	ctxt->eip = next;
}

/**
 * execute - one run of the decoded instruction: operands in, em_*(),
 * write back, string bookkeeping.  Sets *@restart when a REP string
 * instruction has iterations left.
 */
static int execute(struct x86_emulate_ctxt *ctxt, bool *restart)
{
	int rc;

	*restart = false;
	if (!ctxt->op->u.execute)
		return emulate_fail(ctxt, ctxt->op->name ? ctxt->op->name : "not emulated");
	if ((ctxt->d & String) && ctxt->rep_prefix && rep_count(ctxt) == 0) {
		advance_rip(ctxt);	/* REP with rCX = 0 does nothing */
		return X86EMUL_CONTINUE;
	}
	rc = read_operand(ctxt, &ctxt->src, src_kind(ctxt), false);
	if (rc != X86EMUL_CONTINUE)
		return rc;
	if ((ctxt->d & BitOp) && ctxt->dst.type == OP_MEM)
		prepare_bit_operand(ctxt);
	rc = read_operand(ctxt, &ctxt->dst, dst_kind(ctxt), true);
	if (rc != X86EMUL_CONTINUE)
		return rc;
	rc = ctxt->op->u.execute(ctxt);
	if (rc != X86EMUL_CONTINUE)
		return rc;
	rc = writeback(ctxt);
	if (rc != X86EMUL_CONTINUE)
		return rc;
	if (ctxt->d & String) {
		string_advance(ctxt);
		if (!string_done(ctxt)) {
			*restart = true;
			return X86EMUL_CONTINUE;
		}
	}
	advance_rip(ctxt);
	return X86EMUL_CONTINUE;
}

void x86_emulate_reset_read_caches(struct x86_emulate_ctxt *ctxt)
{
	ctxt->mem_read.pos = ctxt->mem_read.end = 0;
	ctxt->io_read.pos = ctxt->io_read.end = 0;
}

/**
 * x86_emulate_insn - run the decoded instruction (see kvm_emulate.h).  The
 * architectural state is snapshotted first and put back when the run does
 * not complete, and the decoded operands are put back always, so that the
 * glue can call again after an I/O exit or for the next REP iteration.
 */
int x86_emulate_insn(struct x86_emulate_ctxt *ctxt)
{
	u64 regs[NR_EMULATOR_GPRS], eflags = ctxt->eflags, eip = ctxt->eip;
	struct operand src = ctxt->src, dst = ctxt->dst;
	u8 lock = ctxt->lock_prefix;
	bool restart;
	int rc;

	memcpy(regs, ctxt->regs, sizeof(regs));
	ctxt->mem_read.pos = 0;
	ctxt->io_read.pos = 0;
	ctxt->interruptibility = 0;
	ctxt->fail_reason = NULL;
	rc = execute(ctxt, &restart);
	ctxt->src = src;
	ctxt->dst = dst;
	ctxt->lock_prefix = lock;
	if (rc != X86EMUL_CONTINUE) {
		memcpy(ctxt->regs, regs, sizeof(regs));
		ctxt->eflags = eflags;
		ctxt->eip = eip;
		ctxt->interruptibility = 0;
	}
	if (rc == X86EMUL_IO_NEEDED)
		return EMULATION_IO_NEEDED;
	x86_emulate_reset_read_caches(ctxt);
	if (rc == X86EMUL_CMPXCHG_FAILED)	/* memory changed under a locked op: again */
		return EMULATION_RESTART;
	if (rc == X86EMUL_CONTINUE && restart)
		return EMULATION_RESTART;
	return emul_result(rc);
}
