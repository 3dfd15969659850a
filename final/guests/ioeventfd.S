/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ioeventfd - guest writes that signal an eventfd in the kernel instead of
 * exiting to the VMM (KVM_IOEVENTFD; final/virt/kvm/eventfd.c), in long
 * mode.  minivmm assigns them at the guest's request (CTL_IOEVENTFD):
 *   port 0x600, 1 byte, any value      port 0x602, 2 bytes
 *   port 0x604, 1 byte, value 0x12     port 0x604, 1 byte, value 0x13
 *   port 0x606, any length             0xd0010000, 4 bytes
 *   0xd0010008, 8 bytes, 0x12345678    0xd0010010, any length
 * and checks what KVM refuses: a length of 3, DATAMATCH without a length,
 * an unknown flag, a bad fd, an fd that is no eventfd, a second
 * assignment that a write could match too (EEXIST), a deassignment that
 * names none (ENOENT).  Then it writes: a write matches only when its
 * address is exact, its length is the assignment's (unless that is 0)
 * and its value the DATAMATCH value (if any); the others exit to minivmm
 * as before, which the trace shows.  The counts minivmm reads back:
 * one per matching write.  A read of the any-length MMIO address is
 * vendor-specific in KVM (counted on VMX, an exit on SVM): its count is
 * printed, not checked here.  1000 more writes to port 0x600 count 1000 and
 * make no exit at all; after a deassignment the same write exits again.
 * CHECKL64 lines; EXIT_PASS when all are as expected.
 */
#include "guest.h"
#include "macros.S"
#include "irqmacros.S"

#define P_ANY1		0x600
#define P_LEN2		0x602
#define P_MATCH		0x604
#define P_NOLEN		0x606
#define M_LEN4		0xd0010000
#define M_MATCH8	0xd0010008
#define M_NOLEN		0xd0010010
#define PIO		(IOEFD_PIO << 8)
#define DM		(IOEFD_DATAMATCH << 8)
#define DEASSIGN	(IOEFD_DEASSIGN << 8)
#define EINVAL		-22
#define EBADF		-9
#define EEXIST		-17
#define ENOENT		-2

	.code16
	.text
	.globl	_start
_start:
	jmp	enter_pm32

	.code32
main32:
	mov	$PT_AREA, %edi
	jmp	enter_lm64

/* ASSIGN addr, len_flags, datamatch, "name": a new ioeventfd; its index
 * goes to the next slot of efd[] (%r14 counts them). */
.macro ASSIGN addr, len_flags, datamatch, name
	CTL64	CTL_IOEVENTFD, $\addr, $\len_flags, $\datamatch
	mov	%eax, efd(,%r14,4)
	inc	%r14
	cmp	$0, %eax
	jge	.Lok\@
	CHECKL64 %eax, 0, "\name"
.Lok\@:
.endm

/* COUNT n, value, "name": eventfd efd[n] was signalled value times. */
.macro COUNTED n, value, name
	mov	efd + 4 * \n, %ebx
	CTL64	CTL_EVENTFD_READ, %ebx
	CHECKL64 %eax, \value, "\name"
.endm

	.code64
main64:
	xor	%r15, %r15
	xor	%r14, %r14
	PUTS64	"assign\n"
	ASSIGN	P_ANY1, 1 | PIO, 0, "port 0x600 len 1:"
	ASSIGN	P_LEN2, 2 | PIO, 0, "port 0x602 len 2:"
	ASSIGN	P_MATCH, 1 | PIO | DM, 0x12, "port 0x604 = 0x12:"
	ASSIGN	P_MATCH, 1 | PIO | DM, 0x13, "port 0x604 = 0x13:"
	ASSIGN	P_NOLEN, 0 | PIO, 0, "port 0x606 any length:"
	ASSIGN	M_LEN4, 4, 0, "mmio len 4:"
	ASSIGN	M_MATCH8, 8 | DM, 0x12345678, "mmio len 8 = 0x12345678:"
	ASSIGN	M_NOLEN, 0, 0, "mmio any length:"

	PUTS64	"refused\n"
	CTL64	CTL_IOEVENTFD, $0x700, $(3 | PIO)
	CHECKL64 %eax, EINVAL, "length 3:"
	CTL64	CTL_IOEVENTFD, $0x700, $(0 | PIO | DM)
	CHECKL64 %eax, EINVAL, "datamatch without a length:"
	CTL64	CTL_IOEVENTFD, $0x700, $(1 | PIO | (0x80 << 8))
	CHECKL64 %eax, EINVAL, "unknown flag:"
	CTL64	CTL_IOEVENTFD, $0x700, $(1 | PIO | (FD_BAD << 24))
	CHECKL64 %eax, EBADF, "bad fd:"
	CTL64	CTL_IOEVENTFD, $0x700, $(1 | PIO | (FD_NOT_EVENTFD << 24))
	CHECKL64 %eax, EINVAL, "not an eventfd:"
	CTL64	CTL_IOEVENTFD, $P_ANY1, $(1 | PIO)
	CHECKL64 %eax, EEXIST, "port 0x600 again:"
	CTL64	CTL_IOEVENTFD, $P_MATCH, $(1 | PIO)
	CHECKL64 %eax, EEXIST, "port 0x604, any value:"
	CTL64	CTL_IOEVENTFD, $M_LEN4, $0
	CHECKL64 %eax, EEXIST, "mmio len 4 again, any length:"
	mov	efd + 4, %esi
	inc	%esi
	CTL64	CTL_IOEVENTFD, $P_ANY1, $(2 | PIO | DEASSIGN), $0, %esi
	CHECKL64 %eax, ENOENT, "deassign what is not there:"

	PUTS64	"write\n"
	mov	$P_ANY1, %dx
	mov	$0x11, %al
	out	%al, %dx			/* match */
	mov	$0x2222, %ax
	out	%ax, %dx			/* length 2: exit */
	mov	$P_LEN2, %dx
	out	%al, %dx			/* length 1: exit */
	out	%ax, %dx			/* match */
	mov	$P_MATCH, %dx
	mov	$0x11, %al
	out	%al, %dx			/* no value matches: exit */
	mov	$0x12, %al
	out	%al, %dx			/* the first */
	mov	$0x13, %al
	out	%al, %dx			/* the second */
	mov	$P_NOLEN, %dx
	out	%al, %dx			/* any length: match */
	out	%ax, %dx
	out	%eax, %dx
	inc	%dx
	out	%al, %dx			/* the address must be exact: exit */
	mov	$M_LEN4, %edi
	movl	$0xaabbccdd, (%rdi)		/* match */
	movw	$0xeeff, (%rdi)			/* length 2: exit */
	movq	%rdi, (%rdi)			/* length 8: exit */
	mov	$M_MATCH8, %edi
	mov	$0x12345678, %eax
	mov	%rax, (%rdi)			/* match */
	inc	%eax
	mov	%rax, (%rdi)			/* another value: exit */
	mov	$M_NOLEN, %edi
	movb	$1, (%rdi)			/* any length: match */
	movq	%rdi, (%rdi)

	PUTS64	"count\n"
	COUNTED	0, 1, "port 0x600 len 1:"
	COUNTED	1, 1, "port 0x602 len 2:"
	COUNTED	2, 1, "port 0x604 = 0x12:"
	COUNTED	3, 1, "port 0x604 = 0x13:"
	COUNTED	4, 3, "port 0x606 any length:"
	COUNTED	5, 1, "mmio len 4:"
	COUNTED	6, 1, "mmio len 8 = 0x12345678:"
	COUNTED	7, 2, "mmio any length:"

	/* A read of the any-length doorbell: on SVM it exits (the data comes
	 * from minivmm); on VMX, KVM signals the eventfd before it decodes
	 * anything and skips the instruction (its fast MMIO path), so the
	 * read counts.  The scenario knows which to expect. */
	mov	$M_NOLEN, %edi
	mov	(%rdi), %eax
	mov	efd + 4 * 7, %ebx
	CTL64	CTL_EVENTFD_READ, %ebx
	PUTS64	"a read of the any-length address, counted: "
	mov	$8, %ecx
	call	putx64n
	PUTS64	"\n"

	PUTS64	"1000 writes\n"
	mov	$1000, %ecx
	mov	$P_ANY1, %dx
1:	out	%al, %dx
	loop	1b
	COUNTED	0, 1000, "port 0x600 len 1:"

	PUTS64	"deassign\n"
	mov	efd, %esi
	inc	%esi
	CTL64	CTL_IOEVENTFD, $P_ANY1, $(1 | PIO | DEASSIGN), $0, %esi
	CHECKL64 %eax, 0, "port 0x600:"
	mov	$P_ANY1, %dx
	out	%al, %dx			/* exit again */
	COUNTED	0, 0, "port 0x600 len 1:"
	jmp	exit64

	.balign	4
efd:	.fill	16, 4, 0			/* the eventfds' indexes, in order */

#include "pm.S"
#include "lm64.S"
#include "serial32.S"
#include "serial64.S"
#include "gdt.S"
