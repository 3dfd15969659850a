/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pit-calibrate - the guest measures its TSC frequency against the PIT as
 * Linux's pit_calibrate_tsc() does (arch/x86/kernel/tsc.c): GATE 2 on and
 * the speaker off through port 0x61, counter 2 in mode 0 with a 50 ms
 * count, read the TSC, poll port 0x61 until OUT 2 rises, read the TSC
 * again.  TSC cycles per ms is the frequency in kHz; the smallest of five
 * tries (a try the host interrupted only comes out larger) is printed as
 * "tsc khz by the PIT: N".  Then it asks minivmm for KVM_GET_TSC_KHZ
 * (CTL_TSC_KHZ), which minivmm prints; the scenario wants the two within
 * 1 %.  32-bit protected mode, interrupts off; EXIT_PASS (status 65).
 */
#include "guest.h"
#include "macros.S"
#include "irqmacros.S"
#include "pitmacros.S"

#define CTL_TSC_KHZ	0x1b
#define CAL_MS		50
#define TRIES		5

	.code16
	.text
	.globl	_start
_start:
	jmp	enter_pm32

	.code32
main32:
	xor	%ebp, %ebp
	cli
	mov	$0xffffffff, %edi	/* the smallest TSC delta so far */
	mov	$TRIES, %ebx
1:	in	$PORT_B, %al
	and	$~PORT_B_SPKR, %al
	or	$PORT_B_GATE2, %al
	out	%al, $PORT_B
	mov	$PIT_CW(2, 0), %al
	out	%al, $PIT_CMD
	mov	$(MS_CLOCKS(CAL_MS) & 0xff), %al
	out	%al, $PIT_CH2
	mov	$(MS_CLOCKS(CAL_MS) >> 8), %al
	out	%al, $PIT_CH2
	rdtsc
	mov	%eax, %esi
2:	in	$PORT_B, %al
	test	$PORT_B_OUT2, %al
	jz	2b
	rdtsc
	sub	%esi, %eax		/* 50 ms of TSC: fits 32 bits below 85 GHz */
	cmp	%edi, %eax
	jae	3f
	mov	%eax, %edi
3:	dec	%ebx
	jnz	1b

	mov	%edi, %eax
	xor	%edx, %edx
	mov	$CAL_MS, %ecx
	div	%ecx
	PUTS32	"tsc khz by the PIT: "
	call	putd32
	PUTS32	"\n"
	mov	$CTL_TSC_KHZ, %al
	call	ctl32
	call	clear_regs32
	jmp	exit32

#include "pit32.S"
#include "pm.S"
#include "serial32.S"
#include "idt32.S"
#include "gdt.S"
