/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pit32.S - the PIT routines of the 32-bit chapter-04 guests (#included
 * after their code, with serial32.S; the constants are in pitmacros.S).
 */
	.code32
/* pit_load32: counter %dl (0-2) in mode %dh (LSB then MSB) with count
 * %cx.  Clobbers %eax. */
pit_load32:
	push	%edx
	movzbl	%dl, %eax
	shl	$6, %eax
	or	$0x30, %al
	movzbl	%dh, %edx
	shl	$1, %edx
	or	%dl, %al
	out	%al, $PIT_CMD
	pop	%edx
	push	%edx
	movzbl	%dl, %edx
	add	$PIT_CH0, %edx
	mov	%cl, %al
	out	%al, %dx
	mov	%ch, %al
	out	%al, %dx
	pop	%edx
	ret

/* pit_count32: latch counter %dl and read it (LSB then MSB access):
 * %eax = the count.  Clobbers nothing else. */
pit_count32:
	push	%edx
	push	%ecx
	movzbl	%dl, %eax
	shl	$6, %eax		/* RW = 0: counter latch */
	out	%al, $PIT_CMD
	movzbl	%dl, %edx
	add	$PIT_CH0, %edx
	in	%dx, %al
	movzbl	%al, %ecx
	in	%dx, %al
	movzbl	%al, %eax
	shl	$8, %eax
	or	%ecx, %eax
	pop	%ecx
	pop	%edx
	ret

/* pit_wait32: busy-wait %ecx (1-65535) PIT clocks, as Linux's
 * pit_calibrate_tsc() does: GATE 2 on, speaker off, counter 2 in mode 0,
 * then poll OUT 2 until it rises at terminal count.  Clobbers %eax. */
pit_wait32:
	in	$PORT_B, %al
	and	$~PORT_B_SPKR, %al
	or	$PORT_B_GATE2, %al
	out	%al, $PORT_B
	mov	$PIT_CW(2, 0), %al
	out	%al, $PIT_CMD
	mov	%cl, %al
	out	%al, $PIT_CH2
	mov	%ch, %al
	out	%al, $PIT_CH2
1:	in	$PORT_B, %al
	test	$PORT_B_OUT2, %al
	jz	1b
	ret

/* pit_wait_ms32: busy-wait %ecx milliseconds in 50 ms steps and a rest
 * (counter 2 holds at most 65536 clocks, 54.9 ms).  Clobbers %eax. */
pit_wait_ms32:
	push	%ecx
	push	%ebx
	mov	%ecx, %ebx
1:	cmp	$50, %ebx
	jb	2f
	mov	$MS_CLOCKS(50), %ecx
	call	pit_wait32
	sub	$50, %ebx
	jmp	1b
2:	test	%ebx, %ebx
	jz	3f
	imul	$(PIT_HZ / 1000), %ebx, %ecx
	call	pit_wait32
3:	pop	%ebx
	pop	%ecx
	ret

/* clear_regs32: zero the registers a guest leaves behind, so that the
 * final registers the differential oracle compares do not depend on how
 * long a polling loop ran.  Keeps %ebp (exit32's failure mark) and %esp. */
clear_regs32:
	xor	%eax, %eax
	xor	%ebx, %ebx
	xor	%ecx, %ecx
	xor	%edx, %edx
	xor	%esi, %esi
	xor	%edi, %edi
	ret
