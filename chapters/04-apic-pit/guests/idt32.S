/* SPDX-License-Identifier: GPL-2.0 */
/*
 * idt32.S - the interrupt library of the 32-bit chapter-03 guests
 * (#included after serial32.S).  idt_init32 fills an IDT of 256 interrupt
 * gates at IDT_AREA and loads IDTR; every vector enters a 16-byte stub
 * that pushes an error-code stand-in (unless the CPU pushes one) and its
 * vector, then irq_common32, which counts the vector in
 * irq_count[vector], notes it in IRQ_LAST, calls the vector's hook
 * (IRQ_HOOKS, 0 = none) with the vector in %eax, and IRETs.  The hook
 * may use every register: irq_common32 saves them all.  An exception
 * vector (0-31, except NMI) without a hook prints its vector and ends
 * the guest with EXIT_FAIL.
 * Gate format: Intel SDM Vol. 3A, 6.11 "IDT Descriptors" (32-bit
 * interrupt gate: type 0xE; P=1, DPL=0 -> 0x8e00); an interrupt gate
 * clears IF on entry (6.12.1.3), so a handler runs with interrupts off.
 */
	.code32

/* The vectors for which the CPU pushes an error code (SDM 6.13). */
#define HAS_ERRCODE(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || (v) == 21)

	.p2align 4
irq_stubs32:
	.set	vec, 0
	.rept	256
	.p2align 4
	.if	!HAS_ERRCODE(vec)
	push	$0
	.endif
	push	$vec
	jmp	irq_common32
	.set	vec, vec + 1
	.endr

irq_common32:
	pushal
	mov	32(%esp), %eax		/* the vector */
	incl	IRQ_COUNTS(, %eax, 4)
	mov	%eax, IRQ_LAST
	mov	IRQ_HOOKS(, %eax, 4), %ebx
	test	%ebx, %ebx
	jz	1f
	call	*%ebx
	jmp	2f
1:	cmp	$32, %eax		/* an exception nobody expected */
	jae	2f
	cmp	$2, %eax
	je	2f
	PUTS32	"unexpected exception "
	call	putd32
	PUTS32	"\n"
	mov	$EXIT_FAIL, %al
	out	%al, $DEBUG_EXIT_PORT
2:	popal
	add	$8, %esp		/* vector and error code */
	iret

/* idt_init32: the IDT, IDTR, zero counts and hooks. */
idt_init32:
	pushal
	mov	$IDT_AREA, %edi
	mov	$irq_stubs32, %esi
	mov	$256, %ecx
1:	mov	%esi, %eax
	and	$0xffff, %eax
	or	$(SEL_CODE32 << 16), %eax
	mov	%eax, (%edi)
	mov	%esi, %eax
	and	$0xffff0000, %eax
	or	$0x8e00, %eax
	mov	%eax, 4(%edi)
	add	$8, %edi
	add	$16, %esi
	loop	1b
	mov	$IRQ_COUNTS, %edi
	xor	%eax, %eax
	mov	$(0x1000 / 4), %ecx
	rep stosl
	lidt	idt_desc32
	popal
	ret

	.p2align 2
	.word	0
idt_desc32:
	.word	256 * 8 - 1
	.long	IDT_AREA

/* putx8_32: %al as two hex digits. */
putx8_32:
	push	%eax
	push	%ecx
	mov	$2, %ecx
	shl	$24, %eax
1:	rol	$4, %eax
	push	%eax
	and	$0x0f, %al
	add	$'0', %al
	cmp	$'9', %al
	jbe	2f
	add	$('a' - '9' - 1), %al
2:	call	putc32
	pop	%eax
	loop	1b
	pop	%ecx
	pop	%eax
	ret

/* pic_reg32: %al = OCW3 read command (OCW3_READ_IRR/ISR) -> %al = the
 * master's register, %ah = the slave's. */
pic_reg32:
	out	%al, $PIC_M_CMD
	out	%al, $PIC_S_CMD
	in	$PIC_S_CMD, %al
	mov	%al, %ah
	in	$PIC_M_CMD, %al
	ret

/*
 * The recording hook, for guests that look at the order of deliveries:
 * h_record32 appends the vector to rec_order (rec_n of them), notes both
 * ISRs as the handler sees them (rec_misr, rec_sisr), then ends the
 * interrupt: for a slave vector the slave's EOI if its ISR shows one in
 * service (a spurious IRQ 15 has none), then the master's, with the
 * command in rec_eoi (OCW2_EOI unless the guest changes it).
 */
h_record32:
	mov	rec_n, %ecx
	mov	%al, rec_order(%ecx)
	incl	rec_n
	mov	%eax, %ebx
	mov	$OCW3_READ_ISR, %al
	call	pic_reg32
	mov	%al, rec_misr
	mov	%ah, rec_sisr
	cmp	$PIC_S_BASE, %ebx
	jb	1f
	test	%ah, %ah
	jz	1f
	OUTB	PIC_S_CMD, OCW2_EOI
1:	mov	rec_eoi, %al
	out	%al, $PIC_M_CMD
	ret

/* print_order32: "order:" and the recorded vectors, then forget them. */
print_order32:
	push	%eax
	push	%ecx
	PUTS32	"order:"
	xor	%ecx, %ecx
1:	cmp	rec_n, %ecx
	jae	2f
	mov	$' ', %al
	call	putc32
	mov	rec_order(%ecx), %al
	call	putx8_32
	inc	%ecx
	jmp	1b
2:	PUTS32	"\n"
	movl	$0, rec_n
	pop	%ecx
	pop	%eax
	ret

/* hook_all32: h_record32 on every PIC vector. */
hook_all32:
	push	%eax
	mov	$PIC_M_BASE, %eax
1:	movl	$h_record32, IRQ_HOOKS(, %eax, 4)
	inc	%eax
	cmp	$(PIC_S_BASE + 8), %eax
	jb	1b
	pop	%eax
	ret

	.p2align 2
rec_n:		.long	0
rec_order:	.fill	32, 1, 0
rec_misr:	.byte	0
rec_sisr:	.byte	0
rec_eoi:	.byte	OCW2_EOI
