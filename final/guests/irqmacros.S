/* SPDX-License-Identifier: GPL-2.0 */
/*
 * irqmacros.S - assembler macros of the chapter-03 guests (#included at
 * the top, after macros.S for 32/64-bit guests).  The port instructions
 * they expand to encode the same in 16-, 32- and 64-bit code.
 */

/* OUTB port, value: clobbers %al, and %dx for a port above 0xff. */
.macro OUTB port, val
	mov	$\val, %al
	.if	(\port) > 0xff
	mov	$\port, %dx
	out	%al, %dx
	.else
	out	%al, $\port
	.endif
.endm

/* INB port: %al = the byte; clobbers %dx for a port above 0xff. */
.macro INB port
	.if	(\port) > 0xff
	mov	$\port, %dx
	in	%dx, %al
	.else
	in	$\port, %al
	.endif
.endm

/* IRQ_PULSE/RAISE/LOWER gsi: minivmm's test lines (guest.h). */
.macro IRQ_PULSE gsi
	OUTB	IRQ_PULSE_PORT, \gsi
.endm
.macro IRQ_RAISE gsi
	OUTB	IRQ_RAISE_PORT, \gsi
.endm
.macro IRQ_LOWER gsi
	OUTB	IRQ_LOWER_PORT, \gsi
.endm

/*
 * PIC_INIT icw4: initialise both 8259s as a PC BIOS does (8259A
 * datasheet, "Initialization Command Words"): ICW1 0x11 (edge, cascade,
 * ICW4 follows), ICW2 the vector base (PIC_M_BASE, PIC_S_BASE), ICW3
 * (master: a slave on IR2; slave: its ID is 2), ICW4 (8086 mode, with
 * automatic EOI for ICW4_AEOI); then every input masked.  Clobbers %al.
 */
.macro PIC_INIT icw4=ICW4_8086
	OUTB	PIC_M_CMD, 0x11
	OUTB	PIC_M_DATA, PIC_M_BASE
	OUTB	PIC_M_DATA, 0x04
	OUTB	PIC_M_DATA, \icw4
	OUTB	PIC_S_CMD, 0x11
	OUTB	PIC_S_DATA, PIC_S_BASE
	OUTB	PIC_S_DATA, 0x02
	OUTB	PIC_S_DATA, \icw4
	OUTB	PIC_M_DATA, 0xff
	OUTB	PIC_S_DATA, 0xff
.endm

/* HOOK32 vector, routine: irq_hook[vector] = routine. */
.macro HOOK32 vector, routine
	movl	$\routine, IRQ_HOOKS + 4 * (\vector)
.endm

/* CHECKL64 src, value, "name": CHECK32 for 64-bit code: print "name" and
 * the 32-bit src in 8 hex digits as CHECK32 does (so the lines do not
 * depend on the mode), and " WRONG" with a failure mark in %r15 (exit64)
 * if it is not value. */
.macro CHECKL64 src, value, name
	PUTS64	"\name "
	push	%rax
	push	%rcx
	mov	\src, %eax
	mov	$8, %ecx
	call	putx64n
	cmp	$\value, %eax
	je	.Lok\@
	PUTS64	" WRONG"
	or	$1, %r15
.Lok\@:	PUTS64	"\n"
	pop	%rcx
	pop	%rax
.endm

/* SHOWD32 "text", src: print "text" and src (a 32-bit operand) in decimal, newline. */
.macro SHOWD32 s, src
	push	%eax
	PUTS32	"\s"
	mov	\src, %eax
	call	putd32
	PUTS32	"\n"
	pop	%eax
.endm

/* SHOWX32 "text", src: print "text" and the low byte of src in hex, newline. */
.macro SHOWX32 s, src
	push	%eax
	PUTS32	"\s"
	mov	\src, %eax
	call	putx8_32
	PUTS32	"\n"
	pop	%eax
.endm

/* COUNT(v): irq_count[v] as a memory operand. */
#define COUNT(v) (IRQ_COUNTS + 4 * (v))
#ifdef CONFIG_MINIKVM_FINAL

/* CTL64 cmd, a, b, c, d: a minivmm control command from 64-bit code, its
 * arguments in order (serial64.S's ctl64); the result in %eax.  Clobbers
 * %ebx, %ecx, %edx, %esi. */
.macro CTL64 cmd, a=$0, b=$0, c=$0, d=$0
	mov	\a, %ebx
	mov	\b, %ecx
	mov	\c, %edx
	mov	\d, %esi
	mov	$\cmd, %al
	call	ctl64
.endm

/* WAIT_IRQ v, n, "name": let interrupts in until one comes (HLT), then
 * check that vector v was taken n times in all. */
.macro WAIT_IRQ v, n, name
	sti
	hlt
	cli
	CHECKL64 COUNT(\v), \n, "\name"
.endm
#endif
