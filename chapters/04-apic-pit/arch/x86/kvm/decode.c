// SPDX-License-Identifier: GPL-2.0
/**
 * @file decode.c
 * @brief Just enough x86 decoding to complete an MMIO access: the MOV
 * forms compilers emit for device registers.
 *
 * A guest access to an address with no memslot exits to the hypervisor
 * with the guest-physical address, but not with the data or the size:
 * only the instruction knows those.  Neither EPT violations nor NPFs in
 * QEMU (no decode assists) hand us the instruction, so we fetch it and
 * decode it here.  Supported (Intel SDM Vol. 2B, MOV and MOVZX):
 *
 *   88 /r  mov r/m8, r8          8A /r  mov r8, r/m8
 *   89 /r  mov r/m, r            8B /r  mov r, r/m
 *   C6 /0  mov r/m8, imm8        C7 /0  mov r/m, imm16/32
 *   0F B6  movzx r, r/m8         0F B7  movzx r, r/m16
 *
 * with the operand-size (66), address-size (67) and segment prefixes and
 * REX.  Anything else is refused (-EINVAL) and the exit becomes
 * KVM_EXIT_INTERNAL_ERROR: never a guess.  Chapter 05 replaces this with
 * the instruction emulator, as Linux does everything with
 * arch/x86/kvm/emulate.c (x86_decode_insn()).
 */
#include <minikvm/decode.h>

#define PREFIX_OPSIZE	0x66	/**< operand-size override */
#define PREFIX_ADSIZE	0x67	/**< address-size override */

/** ES, CS, SS, DS, FS or GS override (SDM Vol. 2A, 2.1.1): no effect on
 *  what an MMIO access does, so skipped. */
static bool is_segment_prefix(u8 b)
{
	return b == 0x26 || b == 0x2e || b == 0x36 || b == 0x3e || b == 0x64 || b == 0x65;
}

/**
 * Bytes of ModRM + SIB + displacement for a memory operand, or -1 for a
 * register operand (which cannot be an MMIO access).  Intel SDM Vol. 2A,
 * 2.1.5, Tables 2-1 (16-bit addressing) and 2-2/2-3 (32/64-bit).
 */
static int modrm_bytes(const u8 *p, int avail, int addr_bytes)
{
	/* EXERCISE 02.2 BEGIN: the length of ModRM, SIB and displacement (SDM 2.1.5) */
	u8 modrm, mod, rm;

	if (avail < 1)
		return -1;
	modrm = p[0];
	mod = modrm >> 6;
	rm = modrm & 7;
	if (mod == 3)
		return -1;
	if (addr_bytes == 2) {
		if (mod == 0)
			return rm == 6 ? 3 : 1;		/* [disp16] */
		return mod == 1 ? 2 : 3;
	}
	if (rm == 4) {					/* SIB follows */
		if (avail < 2)
			return -1;
		if (mod == 0)
			return (p[1] & 7) == 5 ? 6 : 2;	/* SIB base 101: disp32 */
		return mod == 1 ? 3 : 6;
	}
	if (mod == 0)
		return rm == 5 ? 5 : 1;			/* [disp32] or [rip+disp32] */
	return mod == 1 ? 2 : 5;
	/* EXERCISE 02.2 STUB: (void)p; (void)avail; (void)addr_bytes; */
	/* EXERCISE 02.2 STUB: return -1; */
	/* EXERCISE END */
}

/** A little-endian immediate of @bytes bytes at @p. */
static u64 read_imm(const u8 *p, int bytes)
{
	u64 v = 0;
	int i;

	for (i = bytes - 1; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

/**
 * decode_moffs - MOV between AL/AX/EAX/RAX and a memory offset that the
 * instruction carries in place of a ModRM byte (opcodes A0-A3, SDM Vol.
 * 2B, MOV: "moffs").  The offset is as wide as the address size: 2, 4,
 * or 8 bytes in 64-bit mode (4 with an address-size prefix); @avail bytes
 * follow the opcode, which was byte @i - 1 of the instruction.  The
 * address itself does not matter: the exit says where the access went.
 */
static int decode_moffs(u8 op, int avail, int i, int op_bytes,
			int addr_bytes, struct x86_mmio_insn *out)
{
	if (avail < addr_bytes)
		return -EINVAL;
	out->size = (op & 1) ? op_bytes : 1;
	out->dst_size = out->size;
	out->is_write = op & 2;
	out->reg = 0;				/* AL / AX / EAX / RAX */
	out->len = i + addr_bytes;
	return 0;
}

/**
 * x86_decode_mmio - decode the MOV at @insn, behind an MMIO exit.
 * @insn: the instruction bytes, fetched from guest memory at CS:RIP
 * @avail: how many of them could be read
 * @mode_bytes: 2, 4 or 8 for 16-bit, 32-bit or 64-bit code (CS.D, CS.L)
 * @out: what the instruction does to memory
 *
 * Returns 0 and fills @out, or -EINVAL for anything we do not handle.
 * Linux: x86_decode_insn() in arch/x86/kvm/emulate.c, which decodes
 * every instruction.
 */
int x86_decode_mmio(const u8 *insn, int avail, int mode_bytes, struct x86_mmio_insn *out)
{
	int op_bytes = mode_bytes == 2 ? 2 : 4;
	int addr_bytes = mode_bytes;
	int i = 0, n, rex = 0;
	u8 op, modrm;

	if (avail > X86_MAX_INSN_LEN)
		avail = X86_MAX_INSN_LEN;

	/* Legacy prefixes, in any order. */
	for (; i < avail; i++) {
		if (insn[i] == PREFIX_OPSIZE)
			op_bytes = mode_bytes == 2 ? 4 : 2;
		else if (insn[i] == PREFIX_ADSIZE)
			addr_bytes = mode_bytes == 4 ? 2 : 4;
		else if (!is_segment_prefix(insn[i]))
			break;
	}
	/* REX, in 64-bit mode only, right before the opcode (SDM 2.2.1). */
	if (mode_bytes == 8 && i < avail && (insn[i] & 0xf0) == 0x40) {
		rex = insn[i++];
		if (rex & 8)
			op_bytes = 8;			/* REX.W */
	}
	if (i >= avail)
		return -EINVAL;

	*out = (struct x86_mmio_insn) { .reg = -1 };
	op = insn[i++];
	if (op == 0x0f) {				/* MOVZX */
		if (i >= avail || (insn[i] != 0xb6 && insn[i] != 0xb7))
			return -EINVAL;
		out->size = insn[i++] == 0xb6 ? 1 : 2;
		out->is_write = false;
		out->dst_size = op_bytes;
	} else {
		switch (op) {
		case 0x88: out->size = 1; out->is_write = true; break;
		case 0x89: out->size = op_bytes; out->is_write = true; break;
		case 0x8a: out->size = 1; out->is_write = false; break;
		case 0x8b: out->size = op_bytes; out->is_write = false; break;
		case 0xc6: out->size = 1; out->is_write = true; break;
		case 0xc7: out->size = op_bytes; out->is_write = true; break;
		case 0xa0: case 0xa1: case 0xa2: case 0xa3:
			return decode_moffs(op, avail - i, i, op_bytes,
					    addr_bytes, out);
		default:
			return -EINVAL;
		}
		out->dst_size = out->size;
	}

	n = modrm_bytes(insn + i, avail - i, addr_bytes);
	if (n < 0 || i + n > avail)
		return -EINVAL;
	modrm = insn[i];
	i += n;

	if (op == 0xc6 || op == 0xc7) {
		/* /0 only; the immediate is at most 32 bits, sign-extended
		 * for a 64-bit store (SDM Vol. 2B, MOV: "REX.W + C7 /0 id"). */
		int imm_bytes = out->size == 8 ? 4 : out->size;

		if (((modrm >> 3) & 7) != 0 || i + imm_bytes > avail)
			return -EINVAL;
		out->imm = read_imm(insn + i, imm_bytes);
		if (out->size == 8 && (out->imm & 0x80000000u))
			out->imm |= 0xffffffff00000000ull;
		i += imm_bytes;
	} else {
		out->reg = ((modrm >> 3) & 7) | ((rex & 4) ? 8 : 0);	/* REX.R */
		/* Byte registers 4-7 are AH, CH, DH, BH unless a REX is present. */
		if (out->dst_size == 1 && !rex && out->reg >= 4) {
			out->high_byte = true;
			out->reg -= 4;
		}
	}
	out->len = i;
	return 0;
}

/**
 * x86_mmio_merge_load - the register's new value after a load of @data.
 * 8- and 16-bit writes keep the other bits; a 32-bit write clears bits
 * 63:32 (Intel SDM Vol. 1, 3.4.1.1); MOVZX zero-extends first.
 */
u64 x86_mmio_merge_load(u64 old, u64 data, const struct x86_mmio_insn *d)
{
	if (d->size < 8)
		data &= (1ull << (d->size * 8)) - 1;	/* zero-extend (MOVZX) */
	switch (d->dst_size) {
	case 1:
		if (d->high_byte)
			return (old & ~0xff00ull) | (data << 8);
		return (old & ~0xffull) | data;
	case 2:
		return (old & ~0xffffull) | (data & 0xffff);
	case 4:
		return data & 0xffffffffull;
	default:
		return data;
	}
}

/**
 * x86_decode_mov_to_cr - decode MOV to a control register, 0F 22 /r
 * (Intel SDM Vol. 2B, "MOV-Move to/from Control Registers"): the CR is
 * ModRM.reg (+ 8 with REX.R: CR8), the source ModRM.rm (+ 8 with REX.B),
 * whatever ModRM.mod says.  Only 64-bit code has CR8, and REX.
 * @insn: the bytes at RIP
 * @avail: how many there are
 * @mode_bytes: the code size, 2, 4 or 8
 * @cr: the control register written
 * @gpr: the register it is written from (enum kvm_reg numbering)
 *
 * Returns the instruction's length, or -EINVAL if it is not that MOV.
 * For SVM without decode assists (QEMU's), which says that CR8 was
 * written but not from where.  Linux: the emulator's em_cr_write().
 */
int x86_decode_mov_to_cr(const u8 *insn, int avail, int mode_bytes, int *cr, int *gpr)
{
	int i = 0;
	u8 rex = 0;

	if (mode_bytes == 8 && i < avail && (insn[i] & 0xf0) == 0x40)
		rex = insn[i++];
	if (i + 3 > avail || insn[i] != 0x0f || insn[i + 1] != 0x22)
		return -EINVAL;
	*cr = ((insn[i + 2] >> 3) & 7) | (rex & 4 ? 8 : 0);
	*gpr = (insn[i + 2] & 7) | (rex & 1 ? 8 : 0);
	return i + 3;
}
