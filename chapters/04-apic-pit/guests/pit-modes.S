/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pit-modes - the in-kernel i8254 PIT as a guest sees it through its
 * ports, in 32-bit protected mode with interrupts off (Intel 8254
 * datasheet, 231164-005; KVM's arch/x86/kvm/i8254.c is the oracle):
 *   - after KVM_CREATE_PIT2 counter 0 has no mode: its read-back status
 *     is 0xfe (mode 0xff shifted into the byte, as KVM builds it);
 *   - port 0x61 bits 0 and 1 (GATE 2, speaker) read back what was
 *     written; bit 4 (refresh) toggles by itself;
 *   - counter 2 in mode 0: status 0x30 after loading, the count goes
 *     down, OUT 2 (port 0x61 bit 5) rises at terminal count and the
 *     status then says so (0xb0);
 *   - the counter latch freezes a count while the counter runs on;
 *     read-back of count and status gives the status byte first;
 *   - LSB-only and MSB-only access; modes 1-5 and the aliases 6 and 7
 *     in the status byte, with KVM's OUT levels right after loading;
 *     the BCD bit is kept;
 *   - mode 3's OUT is a square wave (both levels seen on port 0x61);
 *   - a rising GATE restarts mode 2 but not mode 0;
 *   - an initial count of 0 counts from 65536;
 *   - KVM_GET_PIT2 + KVM_SET_PIT2 (minivmm's CTL_PIT_RELOAD) give back
 *     counter 2's mode and count and restart it.
 * CHECK32 lines; EXIT_PASS (status 65) when all are as expected.  No
 * line depends on timing: relations are printed as 1 (true) or 0.
 */
#include "guest.h"
#include "macros.S"
#include "irqmacros.S"
#include "pitmacros.S"

#define CTL_PIT_RELOAD	0x1c

/* STATUS n: %eax = counter n's status byte (read-back). */
.macro STATUS n
	mov	$PIT_RB_STATUS(\n), %al
	out	%al, $PIT_CMD
	in	$(PIT_CH0 + \n), %al
	movzbl	%al, %eax
.endm

/* BOOL cc: %eax = 1 if the flags say cc, else 0. */
.macro BOOL cc
	set\cc	%al
	movzbl	%al, %eax
.endm

	.code16
	.text
	.globl	_start
_start:
	jmp	enter_pm32

	.code32
main32:
	xor	%ebp, %ebp
	cli
	STATUS	0
	CHECK32	%eax, 0xfe, "counter 0 status after reset (no mode):"
	INB	PORT_B
	and	$(PORT_B_GATE2 | PORT_B_SPKR), %eax
	CHECK32	%eax, 0, "port 61 gate and speaker after reset:"
	OUTB	PORT_B, 0x03
	INB	PORT_B
	and	$(PORT_B_GATE2 | PORT_B_SPKR), %eax
	CHECK32	%eax, 3, "port 61 gate and speaker after writing 3:"
	OUTB	PORT_B, PORT_B_GATE2

	/* Refresh toggle: both levels of bit 4 within a bounded poll. */
	mov	$0, %ebx
	mov	$2000000, %ecx
1:	in	$PORT_B, %al
	test	$PORT_B_REFRESH, %al
	setnz	%dl
	inc	%dl
	or	%dl, %bl		/* 1: saw low, 2: saw high */
	cmp	$3, %bl
	je	2f
	loop	1b
2:	cmp	$3, %bl
	BOOL	e
	CHECK32	%eax, 1, "port 61 refresh bit toggles:"

	/* Mode 0 on counter 2 (55 ms): status and two counts a few port
	 * reads apart, then print. */
	PROGRAM	2, 0, 0xffff
	STATUS	2
	mov	%eax, %ebx
	mov	$2, %dl
	call	pit_count32
	mov	%eax, %esi
	mov	$10, %ecx
3:	in	$PORT_B, %al
	loop	3b
	call	pit_count32
	mov	%eax, %edi
	CHECK32	%ebx, 0x30, "mode 0 status after loading:"
	xor	%eax, %eax
	cmp	$0x8000, %esi		/* not wrapped past 0 yet */
	setae	%al
	cmp	%esi, %edi
	setb	%cl
	and	%cl, %al
	CHECK32	%eax, 1, "mode 0 count goes down:"
	mov	$50000000, %ecx
4:	in	$PORT_B, %al
	test	$PORT_B_OUT2, %al
	jnz	5f
	loop	4b
5:	test	$PORT_B_OUT2, %al
	BOOL	nz
	CHECK32	%eax, 1, "OUT 2 rose at terminal count:"
	STATUS	2
	CHECK32	%eax, 0xb0, "mode 0 status after terminal count:"

	/* The latch holds a count while the counter runs on; read-back
	 * gives status then count.  Ports first, printing after: a line of
	 * output takes long enough for counter 2 to run out.  An unlatched
	 * 16-bit read may be torn (the MSB read a clock after the LSB), so
	 * counts are compared only across the 100 port reads in between,
	 * thousands of clocks under emulation. */
	PROGRAM	2, 0, 0xffff
	mov	$PIT_LATCH(2), %al
	out	%al, $PIT_CMD
	mov	$100, %ecx
6:	in	$PORT_B, %al
	loop	6b
	in	$PIT_CH2, %al		/* the latched count */
	movzbl	%al, %esi
	in	$PIT_CH2, %al
	movzbl	%al, %eax
	shl	$8, %eax
	or	%eax, %esi
	in	$PIT_CH2, %al		/* the live one */
	movzbl	%al, %edi
	in	$PIT_CH2, %al
	movzbl	%al, %eax
	shl	$8, %eax
	or	%eax, %edi
	mov	$PIT_RB_BOTH(2), %al
	out	%al, $PIT_CMD
	in	$PIT_CH2, %al
	movzbl	%al, %ebx		/* the status */
	in	$PIT_CH2, %al
	movzbl	%al, %edx
	in	$PIT_CH2, %al
	movzbl	%al, %eax
	shl	$8, %eax
	or	%eax, %edx		/* the count, read back */
	xor	%eax, %eax
	cmp	%esi, %edi
	setb	%al
	CHECK32	%eax, 1, "latched count stays, live count goes on:"
	CHECK32	%ebx, 0x30, "read-back of both gives the status first:"
	xor	%eax, %eax
	cmp	%esi, %edx		/* later than the latched count */
	setb	%al
	CHECK32	%eax, 1, "then the count:"

	/* Access modes. */
	OUTB	PIT_CMD, 0x90		/* counter 2, LSB only, mode 0 */
	OUTB	PIT_CH2, 0xff
	STATUS	2
	and	$0x3f, %eax
	CHECK32	%eax, 0x10, "LSB-only status (access, mode):"
	OUTB	PIT_CMD, 0xa0		/* counter 2, MSB only, mode 0 */
	OUTB	PIT_CH2, 0x10		/* 0x1000 */
	OUTB	PIT_CMD, PIT_LATCH(2)
	in	$PIT_CH2, %al		/* one byte: the MSB */
	movzbl	%al, %eax
	cmp	$0x10, %eax
	BOOL	be
	CHECK32	%eax, 1, "MSB-only read is the high byte:"
	STATUS	2
	and	$0x3f, %eax
	CHECK32	%eax, 0x20, "MSB-only status (access, mode):"

	/* Modes in the status byte, OUT as KVM has it just after loading. */
	PROGRAM	2, 1, 0xffff
	STATUS	2
	CHECK32	%eax, 0xb2, "mode 1 status:"
	PROGRAM	2, 2, 0xffff
	STATUS	2
	CHECK32	%eax, 0x34, "mode 2 status:"
	PROGRAM	2, 3, 0xffff
	STATUS	2
	CHECK32	%eax, 0xb6, "mode 3 status:"
	PROGRAM	2, 4, 0xffff
	STATUS	2
	CHECK32	%eax, 0x38, "mode 4 status:"
	PROGRAM	2, 5, 0xffff
	STATUS	2
	CHECK32	%eax, 0x3a, "mode 5 status:"
	PROGRAM	2, 6, 0xffff
	STATUS	2
	CHECK32	%eax, 0x34, "mode 6 status (mode 2):"
	PROGRAM	2, 7, 0xffff
	STATUS	2
	CHECK32	%eax, 0xb6, "mode 7 status (mode 3):"
	OUTB	PIT_CMD, (PIT_CW(2, 0) | 1)
	OUTB	PIT_CH2, 0
	OUTB	PIT_CH2, 0x10
	STATUS	2
	CHECK32	%eax, 0x31, "BCD status:"

	/* Mode 3: a square wave of 1000 clocks (0.84 ms). */
	PROGRAM	2, 3, 1000
	mov	$0, %ebx
	mov	$20000000, %ecx
7:	in	$PORT_B, %al
	test	$PORT_B_OUT2, %al
	setnz	%dl
	inc	%dl
	or	%dl, %bl
	cmp	$3, %bl
	je	8f
	loop	7b
8:	cmp	$3, %bl
	BOOL	e
	CHECK32	%eax, 1, "mode 3 OUT 2 is high and low in turn:"

	/* GATE: a rising edge restarts mode 2, not mode 0. */
	mov	$2, %dl
	PROGRAM	2, 2, 0xffff
	call	wait_below_8000
	OUTB	PORT_B, 0
	OUTB	PORT_B, PORT_B_GATE2
	call	pit_count32
	cmp	$0xc000, %eax
	BOOL	a
	CHECK32	%eax, 1, "rising GATE restarts mode 2:"
	PROGRAM	2, 0, 0xffff
	call	wait_below_8000
	OUTB	PORT_B, 0
	OUTB	PORT_B, PORT_B_GATE2
	call	pit_count32
	cmp	$0x8000, %eax
	BOOL	b
	CHECK32	%eax, 1, "rising GATE does not restart mode 0:"

	/* 0 is 65536: right after loading, OUT is still low (a count of 0
	 * taken as 0 would be at terminal count at once) and the count is in
	 * the upper half (or 0, read within the very first clock). */
	PROGRAM	2, 0, 0
	STATUS	2
	mov	%eax, %ebx
	call	pit_count32
	cmp	$0x8000, %eax
	seta	%cl
	test	%eax, %eax
	setz	%al
	or	%cl, %al
	cmp	$0x30, %ebx
	sete	%cl
	and	%cl, %al
	movzbl	%al, %eax
	CHECK32	%eax, 1, "initial count 0 counts from 65536:"

	/* KVM_GET_PIT2 + KVM_SET_PIT2 restart counter 2 from its count. */
	PROGRAM	2, 0, 0xffff
	call	wait_below_8000
	call	clear_regs32		/* ctl32 sends them as arguments */
	mov	$CTL_PIT_RELOAD, %al
	call	ctl32
	mov	%eax, %esi
	mov	$2, %dl
	call	pit_count32		/* before minivmm's line is printed */
	cmp	$0xc000, %eax
	BOOL	a
	mov	%eax, %edi
	CHECK32	%esi, 0x0000ffff, "KVM_GET_PIT2 counter 2 mode and count:"
	CHECK32	%edi, 1, "counter 2 restarted by KVM_SET_PIT2:"

	call	clear_regs32
	jmp	exit32

/* Poll counter 2 until its count is below 0x8000 (27 ms at most). */
wait_below_8000:
	mov	$2, %dl
1:	call	pit_count32
	cmp	$0x8000, %eax
	jae	1b
	ret

#include "pit32.S"
#include "pm.S"
#include "serial32.S"
#include "idt32.S"
#include "gdt.S"
