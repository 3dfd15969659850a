/* SPDX-License-Identifier: GPL-2.0 */
/*
 * io-in - port input of every width.  Reads TEST_DATA_PORT with IN AL
 * (1 byte), IN AX (2 bytes) and IN EAX (4 bytes), echoes the 7 bytes to
 * COM1 in the order they sit in the registers (lowest byte first, the
 * order of KVM's I/O data in struct kvm_run), then a newline, and leaves
 * with the sum of the bytes modulo 128.  With --in-data ABCDEFG the line
 * is "ABCDEFG" and the status (0x5c << 1) | 1 = 185.
 *
 * Each IN is one KVM_EXIT_IO with io.size 1, 2 or 4 and io.count 1; a
 * width handled wrongly shifts or drops bytes of the echo.
 */
#include "guest.h"

	.code16
	.text
	.globl	_start
_start:
	xor	%bx, %bx		/* %bl: running sum */

	in	$TEST_DATA_PORT, %al	/* 1 byte, immediate port */
	call	echo8

	mov	$TEST_DATA_PORT, %dx	/* 2 bytes, port in DX */
	in	%dx, %ax
	call	echo16

	in	$TEST_DATA_PORT, %eax	/* 4 bytes, immediate port */
	push	%eax
	call	echo16
	pop	%eax
	shr	$16, %eax
	call	echo16

	mov	$'\n', %al
	call	putc16
	mov	%bl, %al
	and	$0x7f, %al
	out	%al, $DEBUG_EXIT_PORT
	hlt				/* not reached */

/* echo16: echo %al then %ah.  Clobbers %ax, %dx. */
echo16:
	push	%ax
	call	echo8
	pop	%ax
	mov	%ah, %al
	/* fall through */
/* echo8: echo %al and add it to %bl.  Clobbers %dx. */
echo8:
	add	%al, %bl
	jmp	putc16

#include "serial16.S"
