/* SPDX-License-Identifier: GPL-2.0 */
/*
 * serial64.S - COM1 output and minivmm's control port for 64-bit guests
 * (#included).  Every routine preserves the registers it does not return
 * in.  Addresses are below 4 GiB, so 32-bit immediates hold them.
 */
	.code64

/* putc64: send %al. */
putc64:
	push	%rdx
	push	%rax
	mov	$COM1_LSR, %dx
1:	in	%dx, %al
	test	$LSR_THRE, %al
	jz	1b
	pop	%rax
	mov	$COM1_THR, %dx
	out	%al, %dx
	pop	%rdx
	ret

/* puts64: send the NUL-terminated string at %rsi. */
puts64:
	push	%rsi
	push	%rax
1:	lodsb
	test	%al, %al
	jz	2f
	call	putc64
	jmp	1b
2:	pop	%rax
	pop	%rsi
	ret

/* putsn64: send the string at %rsi, at most %rcx bytes, up to a NUL or
 * newline. */
putsn64:
	push	%rsi
	push	%rcx
	push	%rax
	jrcxz	2f
1:	lodsb
	test	%al, %al
	jz	2f
	cmp	$'\n', %al
	je	2f
	call	putc64
	loop	1b
2:	pop	%rax
	pop	%rcx
	pop	%rsi
	ret

/* putx64: send %rax as 16 hex digits; putx64n: as %cl digits (the
 * low ones). */
putx64:
	push	%rcx
	mov	$16, %ecx
	call	putx64n
	pop	%rcx
	ret
putx64n:
	push	%rax
	push	%rcx
	push	%rdx
	mov	%rax, %rdx
	push	%rcx
	shl	$2, %ecx
	neg	%ecx
	add	$64, %ecx
	shl	%cl, %rdx		/* the first digit to the top nibble */
	pop	%rcx
1:	rol	$4, %rdx
	mov	%dl, %al
	and	$0x0f, %al
	add	$'0', %al
	cmp	$'9', %al
	jbe	2f
	add	$('a' - '9' - 1), %al
2:	call	putc64
	loop	1b
	pop	%rdx
	pop	%rcx
	pop	%rax
	ret

/* putd64: send %rax in decimal. */
putd64:
	push	%rax
	push	%rbx
	push	%rcx
	push	%rdx
	mov	$10, %ebx
	xor	%ecx, %ecx
1:	xor	%edx, %edx
	div	%rbx
	push	%rdx
	inc	%ecx
	test	%rax, %rax
	jnz	1b
2:	pop	%rax
	add	$'0', %al
	call	putc64
	loop	2b
	pop	%rdx
	pop	%rcx
	pop	%rbx
	pop	%rax
	ret

/* ctl64: as ctl32 (serial32.S): command %al, arguments %ebx, %ecx, %edx,
 * %esi; the result in %eax. */
ctl64:
	push	%rax
	mov	%ebx, %eax
	out	%eax, $CTL_ARG_PORT
	mov	%ecx, %eax
	out	%eax, $CTL_ARG_PORT
	mov	%edx, %eax
	out	%eax, $CTL_ARG_PORT
	mov	%esi, %eax
	out	%eax, $CTL_ARG_PORT
	pop	%rax
	out	%al, $CTL_PORT
	in	$CTL_PORT, %eax
	ret

/* exit64: EXIT_FAIL if %r15 is non-zero (a CHECK64 failed), else EXIT_PASS. */
exit64:
	mov	$EXIT_PASS, %al
	test	%r15, %r15
	jz	1f
	mov	$EXIT_FAIL, %al
1:	out	%al, $DEBUG_EXIT_PORT
	hlt
