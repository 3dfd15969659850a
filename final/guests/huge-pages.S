/* SPDX-License-Identifier: GPL-2.0 */
/*
 * huge-pages - a guest (minivmm -m 64M) writes one word into every 4 KiB
 * page of 32 MiB of its RAM, 2 MiB .. 34 MiB: sixteen whole 2 MiB blocks,
 * which a hypervisor may map with one large second-level entry each.  It
 * reads them back, has minivmm check two of them in its own mapping, says
 * so, and then spins without a single exit, so that the scenario can read
 * the VM's counters of mapped pages (debugfs pages_2m, pages_4k) while
 * the VM lives.  32-bit protected mode, no paging: guest-virtual is
 * guest-physical.
 */
#include "guest.h"
#include "macros.S"

#define TOUCH_START	0x00200000
#define TOUCH_END	0x02200000
#define SEED		0x2e6a0000

	.code16
	.text
	.globl	_start
_start:
	jmp	enter_pm32

	.code32
main32:
	xor	%ebp, %ebp
	mov	$TOUCH_START, %edi
1:	mov	%edi, %eax
	xor	$SEED, %eax
	mov	%eax, (%edi)
	add	$0x1000, %edi
	cmp	$TOUCH_END, %edi
	jne	1b

	mov	$TOUCH_START, %edi
	xor	%edx, %edx			/* pages that read back wrong */
2:	mov	(%edi), %eax
	xor	$SEED, %eax
	cmp	%edi, %eax
	je	3f
	inc	%edx
3:	add	$0x1000, %edi
	cmp	$TOUCH_END, %edi
	jne	2b
	CHECK32	%edx, 0, "huge-pages: pages wrong:"
	/* minivmm looks at the first and the last page in its own mapping. */
	mov	$TOUCH_START, %edx
	call	check_page
	mov	$(TOUCH_END - 0x1000), %edx
	call	check_page
	test	%ebp, %ebp
	jnz	exit32
	PUTS32	"huge-pages: touched, spinning\n"
	sti					/* see spin.S: IF 0 -> 1 for Bochs */
4:	jmp	4b

/* check_page: CTL_SLOT_CHECK of the word at %edx in RAM. */
check_page:
	SLOT_CHECK32 SEED, "huge-pages: minivmm saw a wrong word\n"
	ret

#include "pm.S"
#include "serial32.S"
#include "gdt.S"
