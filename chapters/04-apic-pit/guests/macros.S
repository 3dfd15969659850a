/* SPDX-License-Identifier: GPL-2.0 */
/*
 * macros.S - assembler macros of the chapter-02 guests, #included at the
 * top (a macro must be defined before its first use; the routines it
 * calls come from serial32.S and serial64.S, #included at the end).
 * CHECK32 and CHECK64 print a line the scenario compares, and note a
 * failure that exit32/exit64 turn into EXIT_FAIL.
 */

/* PUTS32 "text": print a string literal. */
.macro PUTS32 s
	.pushsection .rodata
.Lstr\@: .asciz "\s"
	.popsection
	push	%esi
	mov	$.Lstr\@, %esi
	call	puts32
	pop	%esi
.endm

/* CHECK32 reg, value, "name": print "name reg-in-hex", and " WRONG" with
 * a failure mark in %ebp if it is not value. */
.macro CHECK32 reg, value, name
	PUTS32	"\name "
	push	%eax
	mov	\reg, %eax
	call	putx32
	cmp	$\value, %eax
	je	.Lok\@
	PUTS32	" WRONG"
	or	$1, %ebp
.Lok\@:	PUTS32	"\n"
	pop	%eax
.endm

/* SLOT_CHECK32 seed, "text": ask minivmm (CTL_SLOT_CHECK) whether the 4
 * bytes of slot 0 at guest-physical %edx hold the test pattern of seed,
 * as minivmm sees them in its own mapping; if not, print text and put a
 * failure mark in %ebp.  Keeps the other registers. */
.macro SLOT_CHECK32 seed, text
	push	%eax
	push	%ebx
	push	%ecx
	push	%esi
	xor	%ebx, %ebx
	mov	$\seed, %ecx
	mov	$4, %esi
	mov	$CTL_SLOT_CHECK, %al
	call	ctl32
	test	%eax, %eax
	jz	.Lok\@
	PUTS32	"\text"
	or	$1, %ebp
.Lok\@:	pop	%esi
	pop	%ecx
	pop	%ebx
	pop	%eax
.endm

/* PUTS64 "text": print a string literal. */
.macro PUTS64 s
	.pushsection .rodata
.Lstr\@: .asciz "\s"
	.popsection
	push	%rsi
	mov	$.Lstr\@, %esi
	call	puts64
	pop	%rsi
.endm

/* CHECK64 reg, value, "name": print "name reg-in-hex" (16 digits), and
 * " WRONG" with a failure mark in %r15 if it is not value (64-bit). */
.macro CHECK64 reg, value, name
	PUTS64	"\name "
	push	%rax
	push	%rdx
	mov	\reg, %rax
	call	putx64
	movabs	$\value, %rdx
	cmp	%rdx, %rax
	je	.Lok\@
	PUTS64	" WRONG"
	or	$1, %r15
.Lok\@:	PUTS64	"\n"
	pop	%rdx
	pop	%rax
.endm

/* LAPIC_SW_ENABLE: set SVR bit 8, the local APIC's software enable
 * (Intel SDM Vol. 3A, 11.4.7.2), as a load and a store: until chapter 05
 * brings the instruction emulator, minikvm's MMIO exits decode MOV only,
 * so a guest meant for every chapter touches the APIC page with MOV. */
.macro LAPIC_SW_ENABLE
	pushl	%eax
	movl	LAPIC_BASE + LAPIC_SVR, %eax
	orl	$SVR_ENABLE, %eax
	movl	%eax, LAPIC_BASE + LAPIC_SVR
	popl	%eax
.endm

