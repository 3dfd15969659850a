/* SPDX-License-Identifier: GPL-2.0 */
/*
 * touch-1g - a 1 GiB guest (minivmm -m 1G) writes one word into every
 * 4 KiB page of its RAM - except the pages of its own image, which it is
 * running from - so that every page faults in for the first time, then
 * reads every one back.  Time marks (MARK_PORT): 0 before the writes, 1
 * after them, 2 after the reads; tests/vm/bench/first-touch.sh turns mark
 * 1 into the first-touch time of 1 GiB.  32-bit protected mode, no
 * paging: guest-virtual is guest-physical.
 */
#include "guest.h"
#include "macros.S"

#define TOUCH_SIZE	0x40000000
#define SEED		0x70c40000

	.code16
	.text
	.globl	_start
_start:
	jmp	enter_pm32

	.code32
main32:
	xor	%ebp, %ebp
	mov	$_end + 0xfff, %ebx		/* the first page after the image */
	and	$~0xfff, %ebx
	mov	$0, %al
	out	%al, $MARK_PORT
	xor	%edi, %edi
	xor	%ecx, %ecx
1:	cmp	$LOAD_ADDR, %edi
	jb	2f
	cmp	%ebx, %edi
	jb	3f				/* the image: skip */
2:	mov	%edi, %eax
	xor	$SEED, %eax
	mov	%eax, (%edi)
	inc	%ecx
3:	add	$0x1000, %edi
	cmp	$TOUCH_SIZE, %edi
	jne	1b
	mov	$1, %al
	out	%al, $MARK_PORT

	xor	%edi, %edi
	xor	%edx, %edx			/* pages that read back wrong */
4:	cmp	$LOAD_ADDR, %edi
	jb	5f
	cmp	%ebx, %edi
	jb	6f
5:	mov	(%edi), %eax
	xor	$SEED, %eax
	cmp	%edi, %eax
	je	6f
	inc	%edx
6:	add	$0x1000, %edi
	cmp	$TOUCH_SIZE, %edi
	jne	4b
	mov	$2, %al
	out	%al, $MARK_PORT

	PUTS32	"touch-1g: pages touched: "
	mov	%ecx, %eax
	call	putd32
	PUTS32	"\n"
	CHECK32	%edx, 0, "touch-1g: pages wrong:"
	/* minivmm looks at three of them in its own mapping. */
	mov	$0x100000, %edx
	call	check_page
	mov	$0x20000000, %edx
	call	check_page
	mov	$(TOUCH_SIZE - 0x1000), %edx
	call	check_page
	jmp	exit32

/* check_page: CTL_SLOT_CHECK of the word at %edx in RAM. */
check_page:
	SLOT_CHECK32 SEED, "touch-1g: minivmm saw a wrong word\n"
	ret

#include "pm.S"
#include "serial32.S"
#include "gdt.S"
