/* SPDX-License-Identifier: GPL-2.0 */
/*
 * serial16.S - 16-bit COM1 output for the real-mode guests (#included).
 * Polls LSR.THRE before each byte, as a driver for a real 16550 must.
 * The 32-bit registers used below are fine in real mode on any CPU since
 * the 386: the assembler adds the operand-size prefix (0x66).
 */

/* putc16: send %al.  Clobbers %dx. */
putc16:
	push	%ax
	mov	$COM1_LSR, %dx
1:	in	%dx, %al
	test	$LSR_THRE, %al
	jz	1b
	pop	%ax
	mov	$COM1_THR, %dx
	out	%al, %dx
	ret

/* puts16: send the NUL-terminated string at %ds:%si.  Clobbers %ax, %dx, %si. */
puts16:
	lodsb
	test	%al, %al
	jz	2f
	call	putc16
	jmp	puts16
2:	ret

/* puthex32: send %eax as 8 lower-case hex digits.  Clobbers %dx. */
puthex32:
	push	%eax
	push	%cx
	mov	$8, %cx
3:	rol	$4, %eax		/* next nibble, most significant first */
	push	%ax
	and	$0x0f, %al
	add	$'0', %al
	cmp	$'9', %al
	jbe	4f
	add	$('a' - '9' - 1), %al
4:	call	putc16
	pop	%ax
	loop	3b
	pop	%cx
	pop	%eax
	ret
