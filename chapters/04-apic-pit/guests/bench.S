/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bench - the exit micro-benchmark: BENCH_LOOPS CPUIDs, then BENCH_LOOPS
 * OUTs to a port no device owns, with a time mark (an OUT to MARK_PORT,
 * which minivmm timestamps) before, between and after.
 *
 *   CPUID is handled in the kernel: the cost of one exit and entry.
 *   The OUT goes all the way to minivmm and back: exit, return from
 *   KVM_RUN, ioctl again, entry.
 *
 * tests/vm/bench/exits.sh turns the marks into nanoseconds per exit.
 */
#include "guest.h"

	.code16
	.text
	.globl	_start
_start:
	mov	$0, %al
	out	%al, $MARK_PORT			/* mark 0 */

	mov	$BENCH_LOOPS, %cx
1:	push	%cx
	xor	%eax, %eax			/* CPUID leaf 0: EAX..EDX change */
	cpuid
	pop	%cx
	loop	1b

	mov	$1, %al
	out	%al, $MARK_PORT			/* mark 1 */

	mov	$BENCH_LOOPS, %cx
2:	out	%al, $NULL_PORT
	loop	2b

	mov	$2, %al
	out	%al, $MARK_PORT			/* mark 2 */

	mov	$HELLO_EXIT_CODE, %al
	out	%al, $DEBUG_EXIT_PORT
	hlt
