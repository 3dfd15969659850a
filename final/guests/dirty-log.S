/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dirty-log - dirty-page logging on a 32-page slot (minivmm --slot
 * 0x20000000:128K:log, KVM_MEM_LOG_DIRTY_PAGES).  The guest writes pages
 * 0, 1, 5, 17 and 31 (one byte to four bytes, anywhere in the page) and
 * asks minivmm for the dirty log (CTL_DIRTY_LOG: KVM_GET_DIRTY_LOG):
 * exactly those five.  Then it reads page 10 and writes pages 2, 5 and
 * 30: exactly 2, 5 and 30, since KVM_GET_DIRTY_LOG clears the log (a read
 * dirties nothing).  A third call, with nothing written since: none.
 * minivmm prints each list; the guest checks each count.
 */
#include "guest.h"
#include "macros.S"

#define LOG_GPA		0x20000000
#define PAGE(n)		((n) * 0x1000)

	.code16
	.text
	.globl	_start
_start:
	jmp	enter_pm32

	.code32
main32:
	xor	%ebp, %ebp
	mov	$LOG_GPA, %edi
	movb	$1, PAGE(0) + 0x10(%edi)
	movb	$1, PAGE(1)(%edi)
	movl	$5, PAGE(5) + 0xffc(%edi)	/* the page's last word */
	movw	$17, PAGE(17) + 0x800(%edi)
	mov	%edi, PAGE(31) + 0x7f0(%edi)
	call	dirty_log
	CHECK32	%eax, 5, "dirty-log: pages written:"

	mov	PAGE(10)(%edi), %eax		/* a read */
	movb	$2, PAGE(2)(%edi)
	movb	$2, PAGE(5)(%edi)
	movl	$30, PAGE(30)(%edi)
	call	dirty_log
	CHECK32	%eax, 3, "dirty-log: pages written since:"

	call	dirty_log
	CHECK32	%eax, 0, "dirty-log: pages written since:"
	jmp	exit32

/* dirty_log: CTL_DIRTY_LOG for slot 1; the number of dirty pages in %eax. */
dirty_log:
	push	%ebx
	mov	$1, %ebx
	mov	$CTL_DIRTY_LOG, %al
	call	ctl32
	pop	%ebx
	ret

#include "pm.S"
#include "serial32.S"
#include "gdt.S"
