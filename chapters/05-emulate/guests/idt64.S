/* SPDX-License-Identifier: GPL-2.0 */
/*
 * idt64.S - the interrupt library of the long-mode chapter-03 guests
 * (#included after serial64.S), the 64-bit twin of idt32.S with the same
 * API: idt_init64 fills an IDT of 256 interrupt gates at IDT_AREA and
 * loads IDTR; every vector enters a 16-byte stub that pushes an
 * error-code stand-in (unless the CPU pushes one) and its vector, then
 * irq_common64, which counts the vector in irq_count[vector] (IRQ_COUNTS),
 * notes it in IRQ_LAST, calls the vector's hook (IRQ_HOOKS, 0 = none)
 * with the vector in %eax, and returns with IRETQ.  The counters and the
 * hooks are 32-bit words as in idt32.S (every address is below 4 GiB), so
 * HOOK32 and COUNT() of irqmacros.S serve 64-bit code too.  The hook may
 * use every register: irq_common64 saves them all.  An exception vector
 * (0-31, except NMI) without a hook prints its vector and ends the guest
 * with EXIT_FAIL.
 *
 * What long mode changes (Intel SDM Vol. 3A, 6.14 "Exception and
 * Interrupt Handling in 64-bit Mode"; AMD APM Vol. 2, 8.9):
 *   - a gate is 16 bytes (6.14.1, figure 6-8): offset 15:0 | selector,
 *     then offset 31:16 | P DPL 0 type | IST, then offset 63:32, then a
 *     reserved dword.  Type 0xE is now the 64-bit interrupt gate (P=1,
 *     DPL=0, IST=0 -> 0x8e00); it clears IF on entry as in 32-bit mode;
 *   - the CPU aligns RSP to 16 bytes and always pushes SS:RSP, even
 *     without a privilege change (6.14.2), so IRETQ always pops them;
 *   - every push is 8 bytes, and there is no PUSHA: the registers are
 *     saved one by one.
 * Simplifications: IST 0 everywhere (the guests run at CPL 0 on one
 * stack), and idt32.S's recording hook (h_record32, print_order32) has
 * no twin yet: no long-mode guest needs it.
 */
	.code64

/* The vectors for which the CPU pushes an error code (SDM 6.13). */
#define HAS_ERRCODE64(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || (v) == 21)

/* The registers irq_common64 saves, and where the stub's words lie above them. */
#define IRQ64_SAVED	15
#define IRQ64_VECTOR	(8 * IRQ64_SAVED)

	.p2align 4
irq_stubs64:
	.set	vec, 0
	.rept	256
	.p2align 4
	.if	!HAS_ERRCODE64(vec)
	push	$0
	.endif
	push	$vec			/* 8 bytes, sign-extended: vec < 2^31 */
	jmp	irq_common64
	.set	vec, vec + 1
	.endr

irq_common64:
	push	%rax
	push	%rbx
	push	%rcx
	push	%rdx
	push	%rsi
	push	%rdi
	push	%rbp
	push	%r8
	push	%r9
	push	%r10
	push	%r11
	push	%r12
	push	%r13
	push	%r14
	push	%r15
	mov	IRQ64_VECTOR(%rsp), %rax	/* the vector */
	incl	IRQ_COUNTS(, %rax, 4)
	mov	%eax, IRQ_LAST
	mov	IRQ_HOOKS(, %rax, 4), %ebx	/* zero-extends into %rbx */
	test	%rbx, %rbx
	jz	1f
	call	*%rbx
	jmp	2f
1:	cmp	$32, %eax		/* an exception nobody expected */
	jae	2f
	cmp	$2, %eax
	je	2f
	PUTS64	"unexpected exception "
	call	putd64
	PUTS64	"\n"
	mov	$EXIT_FAIL, %al
	out	%al, $DEBUG_EXIT_PORT
2:	pop	%r15
	pop	%r14
	pop	%r13
	pop	%r12
	pop	%r11
	pop	%r10
	pop	%r9
	pop	%r8
	pop	%rbp
	pop	%rdi
	pop	%rsi
	pop	%rdx
	pop	%rcx
	pop	%rbx
	pop	%rax
	add	$16, %rsp		/* vector and error code */
	iretq

/* idt_init64: the IDT, IDTR, zero counts and hooks. */
idt_init64:
	push	%rax
	push	%rcx
	push	%rsi
	push	%rdi
	mov	$IDT_AREA, %edi
	mov	$irq_stubs64, %esi
	mov	$256, %ecx
1:	mov	%esi, %eax
	and	$0xffff, %eax
	or	$(SEL_CODE64 << 16), %eax
	mov	%eax, (%rdi)		/* selector | offset 15:0 */
	mov	%esi, %eax
	and	$0xffff0000, %eax
	or	$0x8e00, %eax
	mov	%eax, 4(%rdi)		/* offset 31:16 | P, DPL 0, type 0xE, IST 0 */
	movq	$0, 8(%rdi)		/* offset 63:32 (the stubs are below 4 GiB), reserved */
	add	$16, %rdi
	add	$16, %rsi
	loop	1b
	mov	$IRQ_COUNTS, %edi
	xor	%eax, %eax
	mov	$(0x1000 / 4), %ecx
	rep stosl
	lidt	idt_desc64
	pop	%rdi
	pop	%rsi
	pop	%rcx
	pop	%rax
	ret

	.p2align 3
	.word	0, 0, 0			/* puts the base on an 8-byte boundary */
idt_desc64:
	.word	256 * 16 - 1
	.quad	IDT_AREA

/* pic_reg64: as pic_reg32 (idt32.S): %al = OCW3 read command
 * (OCW3_READ_IRR/ISR) -> %al = the master's register, %ah = the slave's. */
pic_reg64:
	out	%al, $PIC_M_CMD
	out	%al, $PIC_S_CMD
	in	$PIC_S_CMD, %al
	mov	%al, %ah
	in	$PIC_M_CMD, %al
	ret
