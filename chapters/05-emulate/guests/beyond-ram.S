/* SPDX-License-Identifier: GPL-2.0 */
/*
 * beyond-ram - accesses past the end of a 16 MiB RAM (minivmm -m 16M, the
 * only slot).  Nothing backs those addresses, so every access exits to
 * minivmm as KVM_EXIT_MMIO: reads of 4, 2 and 1 bytes (minivmm answers
 * all ones), writes of 4, 2 and 1 bytes (minivmm reports the data).  The
 * guest goes on after each, checks that the last page of RAM kept its
 * pattern (nothing wrapped around into RAM) and exits normally.
 */
#include "guest.h"
#include "macros.S"

#define RAM_END		0x1000000
#define SEED		0x5eed0303

	.code16
	.text
	.globl	_start
_start:
	jmp	enter_pm32

	.code32
main32:
	xor	%ebp, %ebp
	mov	$(RAM_END - 0x1000), %edi
	mov	%edi, %esi
	mov	$0x1000, %ecx
	mov	$SEED, %edx
	call	fill32

	mov	$RAM_END, %edi
	mov	(%edi), %eax
	CHECK32	%eax, 0xffffffff, "beyond-ram: read 4 bytes at 0x01000000:"
	movzwl	0xffe(%edi), %eax
	CHECK32	%eax, 0x0000ffff, "beyond-ram: read 2 bytes at 0x01000ffe:"
	mov	$0x40000000, %esi
	movzbl	(%esi), %eax
	CHECK32	%eax, 0x000000ff, "beyond-ram: read 1 byte at 0x40000000:"
	movl	$0x600dcafe, (%edi)
	mov	$0x1234, %ax
	mov	%ax, 0x10(%edi)
	mov	$0x7ffff000, %esi
	movb	$0x5a, (%esi)

	mov	$(RAM_END - 0x1000), %edi
	mov	%edi, %esi
	mov	$0x1000, %ecx
	mov	$SEED, %edx
	call	verify32
	CHECK32	%eax, 0, "beyond-ram: words changed in RAM's last page:"
	xor	%ebx, %ebx
	mov	$SEED, %ecx
	mov	$(RAM_END - 0x1000), %edx
	mov	$0x1000, %esi
	mov	$CTL_SLOT_CHECK, %al
	call	ctl32
	CHECK32	%eax, 0, "beyond-ram: words minivmm found changed:"
	jmp	exit32

#include "pm.S"
#include "serial32.S"
#include "gdt.S"
