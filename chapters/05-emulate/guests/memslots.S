/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memslots - guest memory from three memory slots: a part of RAM (slot 0)
 * and two extra slots at addresses far from RAM and from each other
 * (minivmm --slot 0x20000000:64K --slot 0x40000000:1M, KVM slots 1, 2).
 *
 * In 32-bit protected mode, the guest writes the test pattern into every
 * 32-bit word of each region, each with its own seed, then reads all of
 * them back - after all were written, so that a write that landed in
 * another slot's memory shows - and finally asks minivmm (control port,
 * CTL_SLOT_CHECK) to look at its own mapping of each slot: the bytes must
 * be in the memory that backs that slot, at the right offset.
 */
#include "guest.h"
#include "macros.S"

#define SEED(slot)	(0x5eed0000 + (slot))
#define RAM_TEST	0x100000	/* slot 0: 1 MiB .. 2 MiB */
#define RAM_TEST_SIZE	0x100000
#define SLOT1_GPA	0x20000000
#define SLOT1_SIZE	0x10000
#define SLOT2_GPA	0x40000000
#define SLOT2_SIZE	0x100000

	.code16
	.text
	.globl	_start
_start:
	jmp	enter_pm32

	.code32
main32:
	xor	%ebp, %ebp			/* no failure yet */
	PUTS32	"memslots: writing the pattern\n"
	mov	$RAM_TEST, %edi
	mov	%edi, %esi
	mov	$RAM_TEST_SIZE, %ecx
	mov	$SEED(0), %edx
	call	fill32
	mov	$SLOT1_GPA, %edi
	mov	%edi, %esi
	mov	$SLOT1_SIZE, %ecx
	mov	$SEED(1), %edx
	call	fill32
	mov	$SLOT2_GPA, %edi
	mov	%edi, %esi
	mov	$SLOT2_SIZE, %ecx
	mov	$SEED(2), %edx
	call	fill32

	/* Read back everything, then ask minivmm. */
	mov	$RAM_TEST, %edi
	mov	%edi, %esi
	mov	$RAM_TEST_SIZE, %ecx
	mov	$SEED(0), %edx
	call	verify32
	CHECK32	%eax, 0, "slot 0, words read back wrong:"
	mov	$SLOT1_GPA, %edi
	mov	%edi, %esi
	mov	$SLOT1_SIZE, %ecx
	mov	$SEED(1), %edx
	call	verify32
	CHECK32	%eax, 0, "slot 1, words read back wrong:"
	mov	$SLOT2_GPA, %edi
	mov	%edi, %esi
	mov	$SLOT2_SIZE, %ecx
	mov	$SEED(2), %edx
	call	verify32
	CHECK32	%eax, 0, "slot 2, words read back wrong:"

	mov	$0, %ebx			/* slot */
	mov	$SEED(0), %ecx			/* seed */
	mov	$RAM_TEST, %edx			/* offset */
	mov	$RAM_TEST_SIZE, %esi		/* length */
	mov	$CTL_SLOT_CHECK, %al
	call	ctl32
	CHECK32	%eax, 0, "slot 0, words minivmm found wrong:"
	mov	$1, %ebx
	mov	$SEED(1), %ecx
	xor	%edx, %edx
	xor	%esi, %esi			/* the whole slot */
	mov	$CTL_SLOT_CHECK, %al
	call	ctl32
	CHECK32	%eax, 0, "slot 1, words minivmm found wrong:"
	mov	$2, %ebx
	mov	$SEED(2), %ecx
	mov	$CTL_SLOT_CHECK, %al
	call	ctl32
	CHECK32	%eax, 0, "slot 2, words minivmm found wrong:"
	jmp	exit32

#include "pm.S"
#include "serial32.S"
#include "gdt.S"
