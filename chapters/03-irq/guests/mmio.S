/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mmio - round trips through minivmm's MMIO test device at TESTDEV_BASE
 * (minivmm.h), in 64-bit long mode so that 8-byte accesses are single
 * instructions.  Each access is one KVM_EXIT_MMIO: the hypervisor decodes
 * the instruction for its width and register, minivmm serves the access,
 * and the next KVM_RUN completes it.  The forms are the MOVs compilers
 * emit for device registers (Intel SDM Vol. 2B, MOV, MOVZX), with the
 * opcode bytes after each:
 *   loads  8B (32, 64 with REX.W, 16 with 66), 0F B6 / 0F B7 (movzx),
 *          REX.R destinations (r9, r10d)
 *   stores 89 (64, 16), 88 (8, and SIL, which needs a REX), C6 / C7
 *          immediates (8, 16, 32, and 64 sign-extended from 32)
 * and the results checked show that a 32-bit load zero-extends and a
 * 16-bit load leaves the register's upper bits alone, as the CPU does.
 * The guest prints each value; the scenario compares every line.
 */
#include "guest.h"
#include "macros.S"

	.code16
	.text
	.globl	_start
_start:
	jmp	enter_pm32

	.code32
main32:
	mov	$PT_AREA, %edi
	jmp	enter_lm64

	.code64
main64:
	xor	%r15, %r15
	mov	$TESTDEV_BASE, %ebx		/* zero-extended: 0x00000000d0000000 */

	/* ID: read-only "mkvmtest" */
	mov	(%rbx), %rax			/* 48 8B 03 */
	CHECK64	%rax, 0x747365746d766b6d, "id, 8-byte load:"
	mov	(%rbx), %eax			/* 8B 03 */
	CHECK64	%rax, 0x6d766b6d, "id, 4-byte load:"
	movzbl	1(%rbx), %ecx			/* 0F B6 4B 01 */
	CHECK64	%rcx, 0x6b, "id, movzx byte at +1:"
	movzwl	4(%rbx), %edx			/* 0F B7 53 04 */
	CHECK64	%rdx, 0x6574, "id, movzx word at +4:"
	movl	$0, (%rbx)			/* C7 03: ignored */
	mov	(%rbx), %r9			/* 4C 8B 0B */
	CHECK64	%r9, 0x747365746d766b6d, "id after a write:"

	/* SCRATCH: what is written reads back, at every width */
	movabs	$0x1122334455667788, %rax
	mov	%rax, TESTDEV_SCRATCH(%rbx)	/* 48 89 43 08 */
	mov	TESTDEV_SCRATCH(%rbx), %rdx	/* 48 8B 53 08 */
	CHECK64	%rdx, 0x1122334455667788, "scratch, 8-byte store and load:"
	movb	$0xa5, TESTDEV_SCRATCH(%rbx)	/* C6 43 08 A5 */
	movzbl	TESTDEV_SCRATCH(%rbx), %eax	/* 0F B6 43 08 */
	CHECK64	%rax, 0xa5, "scratch, byte immediate:"
	movw	$0xbeef, TESTDEV_SCRATCH + 2(%rbx)	/* 66 C7 43 0A EF BE */
	movzwl	TESTDEV_SCRATCH + 2(%rbx), %eax	/* 0F B7 43 0A */
	CHECK64	%rax, 0xbeef, "scratch, word immediate:"
	movl	$0xcafef00d, TESTDEV_SCRATCH + 4(%rbx)	/* C7 43 0C 0D F0 FE CA */
	mov	TESTDEV_SCRATCH + 4(%rbx), %r10d	/* 44 8B 53 0C */
	CHECK64	%r10, 0xcafef00d, "scratch, dword immediate:"
	mov	$0x5c, %esi
	mov	%sil, TESTDEV_SCRATCH + 1(%rbx)	/* 40 88 73 09: SIL, not DH */
	mov	TESTDEV_SCRATCH(%rbx), %r9	/* 4C 8B 4B 08 */
	CHECK64	%r9, 0xcafef00dbeef5ca5, "scratch, all 8 bytes:"
	mov	$0x7e57, %cx
	mov	%cx, TESTDEV_SCRATCH + 6(%rbx)	/* 66 89 4B 0E */
	mov	$-1, %rax
	mov	TESTDEV_SCRATCH + 4(%rbx), %eax	/* 8B 43 0C: zero-extends */
	CHECK64	%rax, 0x7e57f00d, "scratch, 4-byte load into rax:"
	movabs	$0x1111111111111111, %rax
	mov	TESTDEV_SCRATCH + 6(%rbx), %ax	/* 66 8B 43 0E: merges */
	CHECK64	%rax, 0x1111111111117e57, "scratch, 2-byte load into rax:"
	movq	$-2, TESTDEV_SCRATCH(%rbx)	/* 48 C7 43 08 FE FF FF FF */
	mov	TESTDEV_SCRATCH(%rbx), %rax
	CHECK64	%rax, 0xfffffffffffffffe, "scratch, sign-extended immediate:"

	/* COUNTER: each read counts one more */
	mov	TESTDEV_COUNTER(%rbx), %eax
	CHECK64	%rax, 1, "counter:"
	mov	TESTDEV_COUNTER(%rbx), %eax
	CHECK64	%rax, 2, "counter:"
	mov	TESTDEV_COUNTER(%rbx), %rax
	CHECK64	%rax, 3, "counter:"

	/* Not a register: minivmm reports it and reads all ones. */
	mov	0x100(%rbx), %eax
	CHECK64	%rax, 0xffffffff, "unassigned +0x100:"
	jmp	exit64

#include "pm.S"
#include "lm64.S"
#include "serial32.S"
#include "serial64.S"
#include "gdt.S"
