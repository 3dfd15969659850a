/* SPDX-License-Identifier: GPL-2.0 */
/*
 * serial32.S - COM1 output, minivmm's control port and the test pattern,
 * for 32-bit protected-mode guests (#included).  Every routine preserves
 * the registers it does not return in.
 */
	.code32

/* putc32: send %al, polling LSR.THRE as a 16550 driver must. */
putc32:
	push	%edx
	push	%eax
	mov	$COM1_LSR, %dx
1:	in	%dx, %al
	test	$LSR_THRE, %al
	jz	1b
	pop	%eax
	mov	$COM1_THR, %dx
	out	%al, %dx
	pop	%edx
	ret

/* puts32: send the NUL-terminated string at %esi. */
puts32:
	push	%esi
	push	%eax
1:	lodsb
	test	%al, %al
	jz	2f
	call	putc32
	jmp	1b
2:	pop	%eax
	pop	%esi
	ret

/* putx32: send %eax as 8 lower-case hex digits. */
putx32:
	push	%eax
	push	%ecx
	push	%edx
	mov	%eax, %edx
	mov	$8, %ecx
1:	rol	$4, %edx		/* next nibble, most significant first */
	mov	%dl, %al
	and	$0x0f, %al
	add	$'0', %al
	cmp	$'9', %al
	jbe	2f
	add	$('a' - '9' - 1), %al
2:	call	putc32
	loop	1b
	pop	%edx
	pop	%ecx
	pop	%eax
	ret

/* putd32: send %eax in decimal. */
putd32:
	push	%eax
	push	%ebx
	push	%ecx
	push	%edx
	mov	$10, %ebx
	xor	%ecx, %ecx
1:	xor	%edx, %edx
	div	%ebx			/* digits come out least significant first */
	push	%edx
	inc	%ecx
	test	%eax, %eax
	jnz	1b
2:	pop	%eax
	add	$'0', %al
	call	putc32
	loop	2b
	pop	%edx
	pop	%ecx
	pop	%ebx
	pop	%eax
	ret

/*
 * ctl32: minivmm control command %al with the arguments %ebx, %ecx, %edx,
 * %esi (four are always sent; a command ignores those it does not take).
 * Returns the command's result in %eax.
 */
ctl32:
	push	%eax
	mov	%ebx, %eax
	out	%eax, $CTL_ARG_PORT
	mov	%ecx, %eax
	out	%eax, $CTL_ARG_PORT
	mov	%edx, %eax
	out	%eax, $CTL_ARG_PORT
	mov	%esi, %eax
	out	%eax, $CTL_ARG_PORT
	pop	%eax
	out	%al, $CTL_PORT
	in	$CTL_PORT, %eax
	ret

/* exit32: leave through the debug-exit port: EXIT_FAIL if %ebp is non-zero
 * (a CHECK32 failed), else EXIT_PASS. */
exit32:
	mov	$EXIT_PASS, %al
	test	%ebp, %ebp
	jz	1f
	mov	$EXIT_FAIL, %al
1:	out	%al, $DEBUG_EXIT_PORT
	hlt

/*
 * fill32: write the test pattern of seed %edx into %ecx bytes (a non-zero
 * multiple of 4) at %edi, for guest-physical address %esi (the same as
 * %edi unless the memory is seen somewhere else).
 */
fill32:
	push	%eax
	push	%ecx
	push	%esi
	push	%edi
1:	mov	%esi, %eax
	xor	%edx, %eax
	mov	%eax, (%edi)
	add	$4, %edi
	add	$4, %esi
	sub	$4, %ecx
	jnz	1b
	pop	%edi
	pop	%esi
	pop	%ecx
	pop	%eax
	ret

/*
 * verify32: compare the %ecx bytes at %edi with the pattern fill32 wrote
 * (same %esi, %edx).  Returns in %eax how many words differ, and the
 * address of the first in %ebx (unchanged if none).  Reads with MOV only:
 * the memory may be MMIO.
 */
verify32:
	push	%ecx
	push	%esi
	push	%edi
	push	%ebp
	xor	%eax, %eax
1:	mov	(%edi), %ebp
	xor	%edx, %ebp
	cmp	%esi, %ebp
	je	3f
	test	%eax, %eax
	jnz	2f
	mov	%edi, %ebx
2:	inc	%eax
3:	add	$4, %edi
	add	$4, %esi
	sub	$4, %ecx
	jnz	1b
	pop	%ebp
	pop	%edi
	pop	%esi
	pop	%ecx
	ret
