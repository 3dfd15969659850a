/* SPDX-License-Identifier: GPL-2.0 */
/*
 * string-io - INS and OUTS, single and with REP, in real mode, 32-bit
 * protected mode and 64-bit long mode, on minivmm's FIFO ports (guest.h:
 * EMU_FIFO_IN_PORT gives the byte sequence k * 29 + 0x5a + (k >> 8), from
 * the k written to it; EMU_FIFO_OUT_PORT logs what it is sent and
 * EMU_FIFO_SUM_PORT gives the log's FNV-1a hash) and on COM1.
 *
 * Intel SDM Vol. 2A "INS/INSB/INSW/INSD", Vol. 2B "OUTS/OUTSB/OUTSW/
 * OUTSD" and "REP/REPE/REPZ/REPNE/REPNZ": the element size is the operand
 * size, RDI (INS, through ES) or RSI (OUTS, through DS) moves by it after
 * each element, up with RFLAGS.DF = 0 and down with DF = 1, and RCX counts
 * down to 0; the address size (16 bits in real mode, 32, 64) says which
 * part of those registers is used.  A hypervisor that intercepts the port
 * sees one exit per instruction, or per batch of a REP (KVM hands
 * userspace a KVM_EXIT_IO with count > 1, the data in the run page).
 *
 * The guest computes what each element must hold and checks it: for INS,
 * the bytes in memory (the destination was first filled with the
 * complement of what is expected, so an element not written shows); for
 * OUTS, the number of bytes logged and their hash against the hash of the
 * source elements in the order the instruction reads them.  It also checks
 * how far RDI/RSI moved and that RCX reached 0.  One 64-bit case crosses a
 * page boundary in each direction.
 */
#include "guest.h"
#include "macros.S"

#define RM_BUF		0xf000		/* real mode: ES:RM_BUF = 0x1f000 */
#define RM_K0		1000		/* its first sequence index */
#define PM_BUF		0x30000		/* 32-bit INSD destination */
#define PM_K0		2000
#define PM_OUT_SRC	0x220100	/* 32-bit OUTSW source */
#define PM_OUT_COUNT	13
#define IN_BUF		0x210000	/* 64-bit INS destinations */
#define OUT_SRC		0x220000	/* OUTS sources: OUT_SRC .. +0x4000 */
/* the page-crossing cases: 0x213f00 and 0x214040 cross 0x214000, 0x221e00
 * and 0x222020 cross 0x222000 */
/* what the 16- and 32-bit parts leave for the checks (DS:0xe000 in real mode) */
#define SAVED		0x1e000
#define  SV_RM_DI	(SAVED + 0)
#define  SV_RM_CX	(SAVED + 4)
#define  SV_PM_EDI	(SAVED + 8)
#define  SV_PM_ECX	(SAVED + 12)
#define  SV_PM_LEN	(SAVED + 16)
#define  SV_PM_HASH	(SAVED + 20)
#define  SV_PM_ESI	(SAVED + 24)

	.code16
	.text
	.globl	_start
_start:
	/* Real mode, 16-bit addresses: REP INSW to ES:DI, REP OUTSB from
	 * DS:SI to COM1.  DS = ES = LOAD_ADDR >> 4. */
	cld
	mov	$RM_K0, %eax
	out	%eax, $EMU_FIFO_IN_PORT
	mov	$RM_BUF, %di
	mov	$16, %cx
	mov	$EMU_FIFO_IN_PORT, %dx
	rep insw
	mov	%di, REAL(SV_RM_DI)
	mov	%cx, REAL(SV_RM_CX)
	jmp	rm_rest
rm_msg:	.ascii	"real mode: rep outsb to COM1\n"
rm_msg_end:
rm_rest:
	mov	$REAL(rm_msg), %si
	mov	$(rm_msg_end - rm_msg), %cx
	mov	$COM1_THR, %dx
	rep outsb
	jmp	enter_pm32

	.code32
main32:
	/* 32-bit addresses: REP INSD to ES:EDI, REP OUTSW from DS:ESI. */
	mov	$PM_K0, %eax
	out	%eax, $EMU_FIFO_IN_PORT
	mov	$PM_BUF, %edi
	mov	$25, %ecx
	mov	$EMU_FIFO_IN_PORT, %dx
	rep insl
	mov	%edi, SV_PM_EDI
	mov	%ecx, SV_PM_ECX
	call	fill_out_src32
	out	%al, $EMU_FIFO_SUM_PORT		/* empty the log */
	mov	$PM_OUT_SRC, %esi
	mov	$PM_OUT_COUNT, %ecx
	mov	$EMU_FIFO_OUT_PORT, %dx
	rep outsw
	mov	%esi, SV_PM_ESI
	in	$EMU_FIFO_OUT_PORT, %eax
	mov	%eax, SV_PM_LEN
	in	$EMU_FIFO_SUM_PORT, %eax
	mov	%eax, SV_PM_HASH
	mov	$PT_AREA, %edi
	jmp	enter_lm64

/* fill_out_src32: the OUTS sources: the byte at address A is A * 7 + 3. */
fill_out_src32:
	push	%eax
	push	%edi
	mov	$OUT_SRC, %edi
1:	lea	3(%edi, %edi, 2), %eax		/* 3 * A + 3 */
	lea	(%eax, %edi, 4), %eax		/* 7 * A + 3 */
	mov	%al, (%edi)
	inc	%edi
	cmp	$(OUT_SRC+0x4000), %edi
	jb	1b
	pop	%edi
	pop	%eax
	ret

/*
 * INS_TEST "name", insn, size, count, dest, df, k0: poison the count
 * elements the instruction will write, run it from RDI = dest, RCX =
 * count with DF = df and the sequence at k0, then check the elements,
 * how far RDI moved and RCX (rcx_after: 0 after a REP, count without).
 */
.macro INS_TEST name, insn, size, count, dest, df, k0, rcx_after=0
	mov	$\k0, %eax
	out	%eax, $EMU_FIFO_IN_PORT
	mov	$\dest, %edi
	mov	$\count, %ecx
	mov	$((\size) * (1 - 2 * (\df))), %r8
	mov	$\size, %r9d
	mov	$\k0, %edx
	mov	$1, %r10d
	call	walk_elems			/* poison */
	mov	$\dest, %edi
	mov	$\count, %ecx
	mov	$EMU_FIFO_IN_PORT, %dx
	.if	\df
	std
	.endif
	\insn
	cld
	mov	%rdi, %r12
	mov	%rcx, %r13
	mov	$\dest, %edi
	mov	$\count, %ecx
	mov	$\k0, %edx
	xor	%r10d, %r10d
	call	walk_elems			/* check: %rax = wrong bytes */
	CHECK64	%rax, 0, "\name: wrong bytes"
	sub	$\dest, %r12
	CHECK64	%r12, (\size)*(\count)*(1-2*(\df)), "\name: rdi moved by"
	CHECK64	%r13, \rcx_after, "\name: rcx"
.endm

/*
 * OUTS_TEST "name", insn, size, count, src, df: empty the log, run the
 * instruction from RSI = src, RCX = count, DF = df, then check the log's
 * length and hash against the source elements, RSI and RCX (rcx_after
 * as for INS_TEST).
 */
.macro OUTS_TEST name, insn, size, count, src, df, rcx_after=0
	out	%al, $EMU_FIFO_SUM_PORT
	mov	$\src, %esi
	mov	$\count, %ecx
	mov	$EMU_FIFO_OUT_PORT, %dx
	.if	\df
	std
	.endif
	\insn
	cld
	mov	%rsi, %r12
	mov	%rcx, %r13
	in	$EMU_FIFO_OUT_PORT, %eax
	CHECK64	%rax, (\size)*(\count), "\name: bytes logged"
	mov	$\src, %esi
	mov	$\count, %ecx
	mov	$((\size) * (1 - 2 * (\df))), %r8
	mov	$\size, %r9d
	call	fnv_elems
	mov	%eax, %edx
	in	$EMU_FIFO_SUM_PORT, %eax
	xor	%edx, %eax
	CHECK64	%rax, 0, "\name: log hash off by"
	sub	$\src, %r12
	CHECK64	%r12, (\size)*(\count)*(1-2*(\df)), "\name: rsi moved by"
	CHECK64	%r13, \rcx_after, "\name: rcx"
.endm

	.code64
main64:
	xor	%r15, %r15
	/* what the real-mode part did */
	mov	$(LOAD_ADDR + RM_BUF), %edi
	mov	$16, %ecx
	mov	$2, %r8
	mov	$2, %r9d
	mov	$RM_K0, %edx
	xor	%r10d, %r10d
	call	walk_elems
	CHECK64	%rax, 0, "real mode rep insw x16: wrong bytes"
	movzwl	SV_RM_DI, %eax
	CHECK64	%rax, RM_BUF+32, "real mode rep insw x16: di"
	movzwl	SV_RM_CX, %eax
	CHECK64	%rax, 0, "real mode rep insw x16: cx"
	/* what the 32-bit part did */
	mov	$PM_BUF, %edi
	mov	$25, %ecx
	mov	$4, %r8
	mov	$4, %r9d
	mov	$PM_K0, %edx
	xor	%r10d, %r10d
	call	walk_elems
	CHECK64	%rax, 0, "32-bit rep insd x25: wrong bytes"
	mov	SV_PM_EDI, %eax
	CHECK64	%rax, PM_BUF+100, "32-bit rep insd x25: edi"
	mov	SV_PM_ECX, %eax
	CHECK64	%rax, 0, "32-bit rep insd x25: ecx"
	mov	SV_PM_LEN, %eax
	CHECK64	%rax, 2*PM_OUT_COUNT, "32-bit rep outsw x13: bytes logged"
	mov	$PM_OUT_SRC, %esi
	mov	$PM_OUT_COUNT, %ecx
	mov	$2, %r8
	mov	$2, %r9d
	call	fnv_elems
	xor	SV_PM_HASH, %eax
	CHECK64	%rax, 0, "32-bit rep outsw x13: log hash off by"
	mov	SV_PM_ESI, %eax
	CHECK64	%rax, PM_OUT_SRC + 2*PM_OUT_COUNT, "32-bit rep outsw x13: esi"

	/* 64-bit: every size, both directions, single and REP, count 0 */
	INS_TEST "insb",		insb,		1, 1, IN_BUF, 0, 7, 1
	INS_TEST "insw",		insw,		2, 1, IN_BUF, 0, 300, 1
	INS_TEST "insd",		insl,		4, 1, IN_BUF, 0, 555, 1
	INS_TEST "rep insb x37",	"rep insb",	1, 37, IN_BUF+1, 0, 11
	INS_TEST "rep insw x20",	"rep insw",	2, 20, IN_BUF+0x100, 0, 200
	INS_TEST "rep insd x300 across a page", "rep insl", 4, 300, 0x213f00, 0, 4000
	INS_TEST "std rep insb x9",	"rep insb",	1, 9, IN_BUF+0x400, 1, 77
	INS_TEST "std rep insw x10",	"rep insw",	2, 10, IN_BUF+0x500, 1, 260
	INS_TEST "std rep insd x100 across a page", "rep insl", 4, 100, 0x214040, 1, 9000
	INS_TEST "rep insb x0",		"rep insb",	1, 0, IN_BUF+0x800, 0, 5

	OUTS_TEST "outsb",		outsb,		1, 1, OUT_SRC+3, 0, 1
	OUTS_TEST "outsw",		outsw,		2, 1, OUT_SRC+6, 0, 1
	OUTS_TEST "outsd",		outsl,		4, 1, OUT_SRC+9, 0, 1
	OUTS_TEST "rep outsb x50",	"rep outsb",	1, 50, OUT_SRC+0x10, 0
	OUTS_TEST "rep outsw x33",	"rep outsw",	2, 33, OUT_SRC+0x101, 0
	OUTS_TEST "rep outsd x700 across a page", "rep outsl", 4, 700, 0x221e00, 0
	OUTS_TEST "std rep outsb x17",	"rep outsb",	1, 17, OUT_SRC+0x300, 1
	OUTS_TEST "std rep outsd x64 across a page", "rep outsl", 4, 64, 0x222020, 1
	OUTS_TEST "rep outsw x0",	"rep outsw",	2, 0, OUT_SRC, 0

	/* REP OUTSB to COM1, 64-bit */
	mov	$msg64, %esi
	mov	$(msg64_end - msg64), %ecx
	mov	$COM1_THR, %dx
	rep outsb
	jmp	exit64

msg64:	.ascii	"long mode: rep outsb to COM1\n"
msg64_end:

/*
 * walk_elems: the %rcx elements of %r9 bytes that a string instruction
 * starting at %rdi with a step of %r8 (+size or -size) writes, element i
 * holding sequence bytes k0 + size * i .. (k0 = %edx), low byte first.
 * %r10 = 1: write the complement of each byte (poison); 0: count the bytes
 * that differ from the sequence, in %rax.  Clobbers %rcx, %rdx, %rdi, %r11.
 */
walk_elems:
	push	%rbx
	xor	%eax, %eax
	jrcxz	4f
1:	xor	%r11d, %r11d			/* byte in the element */
2:	mov	%edx, %ebx
	imul	$EMU_FIFO_MUL, %ebx, %ebx
	add	$EMU_FIFO_ADD, %ebx
	push	%rdx
	shr	$8, %edx
	add	%edx, %ebx			/* %bl = the sequence byte */
	pop	%rdx
	test	%r10d, %r10d
	jz	3f
	not	%bl
	mov	%bl, (%rdi, %r11)
	jmp	5f
3:	cmp	%bl, (%rdi, %r11)
	je	5f
	inc	%eax
5:	inc	%edx
	inc	%r11
	cmp	%r9, %r11
	jb	2b
	add	%r8, %rdi
	loop	1b
4:	pop	%rbx
	ret

/*
 * fnv_elems: %eax = FNV-1a of the %rcx elements of %r9 bytes read from
 * %rsi with a step of %r8, each low byte first: what EMU_FIFO_OUT_PORT
 * hashes when an OUTS sends them.  Clobbers %rcx, %rsi, %r11.
 */
fnv_elems:
	push	%rdx
	mov	$EMU_FNV_BASIS, %eax
	jrcxz	3f
1:	xor	%r11d, %r11d
2:	movzbl	(%rsi, %r11), %edx
	xor	%edx, %eax
	imul	$EMU_FNV_PRIME, %eax, %eax
	inc	%r11
	cmp	%r9, %r11
	jb	2b
	add	%r8, %rsi
	loop	1b
3:	pop	%rdx
	ret

#include "pm.S"
#include "lm64.S"
#include "serial32.S"
#include "serial64.S"
#include "gdt.S"
