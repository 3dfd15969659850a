/* SPDX-License-Identifier: GPL-2.0 */
/**
 * @file decode.h
 * @brief Decoding the one instruction behind an MMIO exit.
 */
#ifndef MINIKVM_DECODE_H
#define MINIKVM_DECODE_H

#include <minikvm/portable.h>

/** The longest x86 instruction (Intel SDM Vol. 2A, 2.3.11). */
#define X86_MAX_INSN_LEN	15

/** What a memory-accessing MOV does, as far as MMIO cares. */
struct x86_mmio_insn {
	int len;		/**< instruction length, to step over it */
	int size;		/**< bytes accessed in memory: 1, 2, 4 or 8 */
	bool is_write;		/**< a store to memory */
	int reg;		/**< register operand (0-15), or -1 for an immediate */
	bool high_byte;		/**< reg is AH, CH, DH or BH */
	u64 imm;		/**< the immediate of a store, sign-extended to size */
	int dst_size;		/**< a load's register width: movzx widens */
};

int x86_decode_mmio(const u8 *insn, int avail, int mode_bytes, struct x86_mmio_insn *out);
int x86_decode_mov_to_cr(const u8 *insn, int avail, int mode_bytes, int *cr, int *gpr);
u64 x86_mmio_merge_load(u64 old, u64 data, const struct x86_mmio_insn *d);

#endif
