/* SPDX-License-Identifier: GPL-2.0 */
/*
 * emulate-string - the string instructions MOVS, STOS, LODS, CMPS and SCAS,
 * single and with REP/REPE/REPNE, byte to qword, with DF = 0 and DF = 1,
 * between RAM and minivmm's MMIO window in each direction and inside the
 * window, also across its page boundary (emucmp.S explains the
 * comparison; here RSI and RDI hold addresses and are compared as offsets
 * from their buffers).  Intel SDM Vol. 2B "MOVS", "STOS", "LODS", "CMPS",
 * "SCAS" and "REP/REPE/REPZ/REPNE/REPNZ": each element moves RSI and/or
 * RDI by its size, up or down by DF; REP counts RCX down to 0; REPE stops
 * after the first element that compares unequal, REPNE after the first
 * equal one, with the flags of that last comparison.
 *
 * Each form runs two cases from RCX = 20: DF = 0 from the start of the
 * buffers, DF = 1 from 160 bytes in.  The source holds byte i = 37 i + 11
 * (mod 256) and the destination the same except at bytes 9 and 150, so
 * REPE CMPS stops early in both directions; RAX holds the destination's
 * bytes 16..23, which REPNE SCAS finds going up.  168 bytes of the
 * destination are compared.
 */
#include "guest.h"
#include "macros.S"
#include "emumacros.S"

#define MEMLEN		168
#define DF1_START	160
#define V_DIRNAME	0x580a0		/* the direction, printed before its forms */

	.code16
	.text
	.globl	_start
_start:
	jmp	enter_pm32

	.code32
main32:
	mov	$PT_AREA, %edi
	jmp	enter_lm64

/* DIRECTION "name", ram_s, ram_d, win_s, win_d, off_s, off_d: the buffers
 * of the RAM run and of the window run for the forms that follow. */
.macro DIRECTION name, ram_s, ram_d, win_s, win_d, off_s, off_d
	PUTS64	"\name\n"
	mov	$\ram_s, %eax
	mov	%rax, V_RAM_S
	mov	$\ram_d, %eax
	mov	%rax, V_RAM_D
	mov	$\win_s, %eax
	mov	%rax, V_WIN_S
	mov	$\win_d, %eax
	mov	%rax, V_WIN_D
	movq	$\off_s, V_OFF_S
	movq	$\off_d, V_OFF_D
.endm

	.code64
main64:
	call	emu_init
	movq	$7, V_NORM			/* rbx, rsi, rdi: addresses */
	movq	$MEMLEN, V_MEMLEN
	/* the buffers' contents */
	xor	%ecx, %ecx
1:	imul	$37, %ecx, %eax
	add	$11, %eax
	mov	%al, IN_MEM(%rcx)
	mov	%al, IN_MEM_D(%rcx)
	inc	%ecx
	cmp	$MEMLEN, %ecx
	jb	1b
	xorb	$0x55, IN_MEM_D + 9
	xorb	$0x55, IN_MEM_D + 150
	/* the registers */
	mov	$IN_REGS, %edi
	mov	$16, %ecx
	movabs	$0xa0a1a2a3a4a5a6a7, %rax
	movabs	$0x0101010101010101, %rdx
2:	mov	%rax, (%rdi)
	add	%rdx, %rax
	add	$8, %rdi
	loop	2b
	mov	IN_MEM_D + 16, %rax
	mov	%rax, IN_REGS + 0 * 8		/* rax: what SCAS looks for */
	movq	$20, IN_REGS + 1 * 8		/* rcx: the count */
	movq	$0, IN_REGS + 3 * 8		/* rbx: the source buffer */

	DIRECTION "RAM to window", RAMBUF2, RAMBUF, RAMBUF2, EMU_WINDOW_BASE, 0, 0
	FORM	"a4 movsb",		FL_ALL, "movsb"
	FORM	"66 a5 movsw",		FL_ALL, "movsw"
	FORM	"a5 movsd",		FL_ALL, "movsl"
	FORM	"48 a5 movsq",		FL_ALL, "movsq"
	FORM	"f3 a4 rep movsb",	FL_ALL, "rep movsb"
	FORM	"f3 66 a5 rep movsw",	FL_ALL, "rep movsw"
	FORM	"f3 a5 rep movsd",	FL_ALL, "rep movsl"
	FORM	"f3 48 a5 rep movsq",	FL_ALL, "rep movsq"
	FORM	"aa stosb",		FL_ALL, "stosb"
	FORM	"f3 aa rep stosb",	FL_ALL, "rep stosb"
	FORM	"f3 66 ab rep stosw",	FL_ALL, "rep stosw"
	FORM	"f3 48 ab rep stosq",	FL_ALL, "rep stosq"
	FORM	"a6 cmpsb",		FL_ALL, "cmpsb"
	FORM	"f3 a6 repe cmpsb",	FL_ALL, "repe cmpsb"
	FORM	"f2 a6 repne cmpsb",	FL_ALL, "repne cmpsb"
	FORM	"f3 48 a7 repe cmpsq",	FL_ALL, "repe cmpsq"
	FORM	"ae scasb",		FL_ALL, "scasb"
	FORM	"f2 ae repne scasb",	FL_ALL, "repne scasb"
	FORM	"f3 ae repe scasb",	FL_ALL, "repe scasb"
	FORM	"f2 48 af repne scasq",	FL_ALL, "repne scasq"

	DIRECTION "window to RAM", RAMBUF, RAMBUF2, EMU_WINDOW_BASE, RAMBUF2, 0, 0
	FORM	"a4 movsb",		FL_ALL, "movsb"
	FORM	"f3 a4 rep movsb",	FL_ALL, "rep movsb"
	FORM	"f3 66 a5 rep movsw",	FL_ALL, "rep movsw"
	FORM	"f3 a5 rep movsd",	FL_ALL, "rep movsl"
	FORM	"f3 48 a5 rep movsq",	FL_ALL, "rep movsq"
	FORM	"ac lodsb",		FL_ALL, "lodsb"
	FORM	"48 ad lodsq",		FL_ALL, "lodsq"
	FORM	"f3 66 ad rep lodsw",	FL_ALL, "rep lodsw"
	FORM	"f3 a6 repe cmpsb",	FL_ALL, "repe cmpsb"
	FORM	"f3 66 a7 repe cmpsw",	FL_ALL, "repe cmpsw"

	DIRECTION "window to window", RAMBUF, RAMBUF, EMU_WINDOW_BASE, EMU_WINDOW_BASE, 0x100, 0x400
	FORM	"48 a5 movsq",		FL_ALL, "movsq"
	FORM	"f3 a4 rep movsb",	FL_ALL, "rep movsb"
	FORM	"f3 a5 rep movsd",	FL_ALL, "rep movsl"
	FORM	"f3 48 a5 rep movsq",	FL_ALL, "rep movsq"
	FORM	"67 f3 a4 addr32 rep movsb", FL_ALL, "addr32 rep movsb"
	FORM	"f3 a5 rep stosd",	FL_ALL, "rep stosl"
	FORM	"ad lodsd",		FL_ALL, "lodsl"
	FORM	"f3 a6 repe cmpsb",	FL_ALL, "repe cmpsb"
	FORM	"f2 a6 repne cmpsb",	FL_ALL, "repne cmpsb"
	FORM	"f3 48 a7 repe cmpsq",	FL_ALL, "repe cmpsq"
	FORM	"f2 ae repne scasb",	FL_ALL, "repne scasb"

	DIRECTION "window to window, destination across the page", \
		RAMBUF, RAMBUF, EMU_WINDOW_BASE, EMU_WINDOW_BASE, 0x800, 0xfa0
	FORM	"f3 a4 rep movsb",	FL_ALL, "rep movsb"
	FORM	"f3 66 a5 rep movsw",	FL_ALL, "rep movsw"
	FORM	"f3 48 a5 rep movsq",	FL_ALL, "rep movsq"
	FORM	"f3 48 ab rep stosq",	FL_ALL, "rep stosq"
	FORM	"f3 48 a7 repe cmpsq",	FL_ALL, "repe cmpsq"
	FORM	"f2 ae repne scasb",	FL_ALL, "repne scasb"

	DIRECTION "window to window, source across the page", \
		RAMBUF, RAMBUF, EMU_WINDOW_BASE, EMU_WINDOW_BASE, 0xfa4, 0x1400
	FORM	"f3 a4 rep movsb",	FL_ALL, "rep movsb"
	FORM	"f3 a5 rep movsd",	FL_ALL, "rep movsl"
	FORM	"f3 48 a5 rep movsq",	FL_ALL, "rep movsq"
	FORM	"f3 a6 repe cmpsb",	FL_ALL, "repe cmpsb"
	FORM	"f3 66 ad rep lodsw",	FL_ALL, "rep lodsw"
	jmp	emu_exit

/* Two cases a form: DF = 0 from the buffers' start, DF = 1 from DF1_START. */
emu_driver:
	mov	V_OFF_S, %rax
	mov	%rax, IN_REGS + 6 * 8		/* rsi */
	mov	V_OFF_D, %rax
	mov	%rax, IN_REGS + 7 * 8		/* rdi */
	movq	$0x002, IN_REGS + ST_FLAGS
	call	run_case
	mov	V_OFF_S, %rax
	add	$DF1_START, %rax
	mov	%rax, IN_REGS + 6 * 8
	mov	V_OFF_D, %rax
	add	$DF1_START, %rax
	mov	%rax, IN_REGS + 7 * 8
	movq	$(0x002 | FL_DF), IN_REGS + ST_FLAGS
	call	run_case
	jmp	form_end

#include "pm.S"
#include "lm64.S"
#include "serial32.S"
#include "serial64.S"
#include "emucmp.S"
#include "gdt.S"
