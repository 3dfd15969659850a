/* SPDX-License-Identifier: GPL-2.0 */
/*
 * readonly - a read-only memory slot (minivmm --slot 0x20000000:64K:ro,
 * KVM_MEM_READONLY), which minivmm fills with the test pattern of
 * RO_FILL_SEED before the guest starts.  Reads are plain memory reads: the
 * guest sees minivmm's bytes.  Writes do not change the memory: each one
 * exits to minivmm as KVM_EXIT_MMIO, a write with its address, length
 * and data, and the guest goes on after it.
 */
#include "guest.h"
#include "macros.S"

#define RO_GPA		0x20000000
#define RO_SIZE		0x10000

	.code16
	.text
	.globl	_start
_start:
	jmp	enter_pm32

	.code32
main32:
	xor	%ebp, %ebp
	mov	$RO_GPA, %edi
	mov	%edi, %esi
	mov	$RO_SIZE, %ecx
	mov	$RO_FILL_SEED, %edx
	call	verify32
	CHECK32	%eax, 0, "readonly: words not as minivmm filled them:"

	movl	$0x12345678, 0x100(%edi)	/* C7 /0: 4-byte immediate */
	mov	$0xab, %al
	mov	%al, 0x203(%edi)		/* 88 /r: 1-byte register */
	mov	$0xc0de, %ax
	mov	%ax, 0xfffe(%edi)		/* 66 89 /r: 2 bytes, the slot's last */

	mov	0x100(%edi), %eax
	CHECK32	%eax, ((RO_GPA+0x100)^RO_FILL_SEED), "read 0x20000100 after the write:"
	mov	$RO_GPA, %edi
	mov	%edi, %esi
	mov	$RO_SIZE, %ecx
	mov	$RO_FILL_SEED, %edx
	call	verify32
	CHECK32	%eax, 0, "words changed by the writes:"
	mov	$1, %ebx
	mov	$RO_FILL_SEED, %ecx
	xor	%edx, %edx
	xor	%esi, %esi
	mov	$CTL_SLOT_CHECK, %al
	call	ctl32
	CHECK32	%eax, 0, "words minivmm found changed:"
	jmp	exit32

#include "pm.S"
#include "serial32.S"
#include "gdt.S"
