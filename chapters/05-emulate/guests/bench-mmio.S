/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bench-mmio - the emulated MMIO round trips of chapter 05, in 32-bit
 * protected mode, BENCH_LOOPS each, with a time mark (an OUT to MARK_PORT,
 * which minivmm timestamps) before, between and after:
 *
 *   a store to minivmm's MMIO window: an EPT/NPT exit, the emulator, then
 *     KVM_EXIT_MMIO to minivmm and KVM_RUN again;
 *   a load from it: the same, and the emulator runs the instruction a
 *     second time with minivmm's answer;
 *   a store to the local APIC's TPR: an exit and the emulator, answered
 *     in the kernel (kvm_lapic_mmio()), no trip to userspace.
 *
 * tests/vm/bench/mmio.sh turns the marks into nanoseconds per access.
 */
#include "guest.h"
#include "macros.S"

#define APIC_TPR_ADDR	0xfee00080

	.code16
	.text
	.globl	_start
_start:
	jmp	enter_pm32

	.code32
main32:
	xor	%ebp, %ebp
	mov	$0, %al
	out	%al, $MARK_PORT			/* mark 0 */
	mov	$BENCH_LOOPS, %ecx
1:	movl	%ecx, EMU_WINDOW_BASE		/* store to the window */
	loop	1b
	mov	$1, %al
	out	%al, $MARK_PORT			/* mark 1 */
	mov	$BENCH_LOOPS, %ecx
2:	movl	EMU_WINDOW_BASE, %eax		/* load from the window */
	loop	2b
	mov	$2, %al
	out	%al, $MARK_PORT			/* mark 2 */
	mov	$BENCH_LOOPS, %ecx
3:	movl	$0, APIC_TPR_ADDR		/* the LAPIC, in the kernel */
	loop	3b
	mov	$3, %al
	out	%al, $MARK_PORT			/* mark 3 */
	jmp	exit32

#include "pm.S"
#include "serial32.S"
#include "gdt.S"
