/* SPDX-License-Identifier: GPL-2.0 */
/*
 * serial16.S - 16-bit COM1 output for the real-mode guests (#included).
 * Polls LSR.THRE before each byte, as a driver for a real 16550 must.
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
