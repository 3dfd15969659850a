/* SPDX-License-Identifier: GPL-2.0 */
/*
 * slot-delete - a memory slot deleted, added again and moved while the
 * guest runs (minivmm --slot 0x20000000:64K, KVM slot 1), each change made
 * by minivmm on the guest's request through the control port, with the
 * vCPU stopped in userspace:
 *  1. the guest fills the slot with the test pattern;
 *  2. delete: the slot's addresses are no memory any more, so a read and
 *     a write there exit to minivmm as MMIO (the read gives all ones);
 *  3. add again, with the same memory: the pattern is back, and the write
 *     made while it was gone did not land;
 *  4. move to 0x28000000: the same bytes appear there, and the old
 *     address is MMIO again.
 * All accesses that may be MMIO are MOVs through a register (serial32.S).
 */
#include "guest.h"
#include "macros.S"

#define SEED		0x5eed0101
#define SLOT1_GPA	0x20000000
#define SLOT1_SIZE	0x10000
#define MOVED_GPA	0x28000000

	.code16
	.text
	.globl	_start
_start:
	jmp	enter_pm32

	.code32
main32:
	xor	%ebp, %ebp
	mov	$SLOT1_GPA, %edi
	mov	%edi, %esi
	mov	$SLOT1_SIZE, %ecx
	mov	$SEED, %edx
	call	fill32
	PUTS32	"slot-delete: pattern written\n"

	mov	$1, %ebx
	mov	$CTL_SLOT_DELETE, %al
	call	ctl32
	CHECK32	%eax, 0, "delete:"
	mov	$SLOT1_GPA, %edi
	mov	(%edi), %eax			/* MMIO read */
	CHECK32	%eax, 0xffffffff, "deleted, read 0x20000000:"
	mov	$0xdeadbeef, %eax
	mov	%eax, 0x40(%edi)		/* MMIO write, to nowhere */
	mov	0xfffc(%edi), %eax		/* the slot's last word */
	CHECK32	%eax, 0xffffffff, "deleted, read 0x2000fffc:"

	mov	$1, %ebx
	mov	$CTL_SLOT_ADD, %al
	call	ctl32
	CHECK32	%eax, 0, "add:"
	mov	$SLOT1_GPA, %edi
	mov	%edi, %esi
	mov	$SLOT1_SIZE, %ecx
	mov	$SEED, %edx
	call	verify32
	CHECK32	%eax, 0, "added again, words wrong:"
	mov	$1, %ebx
	mov	$SEED, %ecx
	xor	%edx, %edx
	xor	%esi, %esi
	mov	$CTL_SLOT_CHECK, %al
	call	ctl32
	CHECK32	%eax, 0, "added again, words minivmm found wrong:"

	mov	$1, %ebx
	mov	$MOVED_GPA, %ecx
	xor	%edx, %edx
	mov	$CTL_SLOT_MOVE, %al
	call	ctl32
	CHECK32	%eax, 0, "move:"
	mov	$MOVED_GPA, %edi		/* the same bytes, written for SLOT1_GPA */
	mov	$SLOT1_GPA, %esi
	mov	$SLOT1_SIZE, %ecx
	mov	$SEED, %edx
	call	verify32
	CHECK32	%eax, 0, "moved, words wrong at 0x28000000:"
	mov	$SLOT1_GPA, %edi
	mov	0x80(%edi), %eax		/* MMIO again */
	CHECK32	%eax, 0xffffffff, "moved, read 0x20000080:"
	jmp	exit32

#include "pm.S"
#include "serial32.S"
#include "gdt.S"
