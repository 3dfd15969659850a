/* SPDX-License-Identifier: GPL-2.0 */
/*
 * emumacros.S - the definitions and the FORM macro of emucmp.S, the
 * RAM-versus-window comparison of the chapter-05 guests (#included at the
 * top, after macros.S: a macro must be defined before its first use).
 */

/* The comparison's variables, state areas and buffers (guest RAM). */
#define V_BODY		0x58000		/* the body's address */
#define V_BASE_S	0x58008		/* this run's source buffer */
#define V_BASE_D	0x58010		/* this run's destination buffer */
#define V_MASK		0x58018		/* RFLAGS bits compared */
#define V_NORM		0x58020		/* 1: rbx, 2: rsi, 4: rdi are offsets */
#define V_HASH		0x58028		/* the form's hash so far */
#define V_RSP		0x58030		/* run_once's stack pointer */
#define V_NAME		0x58038		/* the form's name */
#define V_CASES		0x58040		/* cases of the form so far */
#define V_FAIL		0x58048		/* non-zero: some case differed */
#define V_MEMLEN	0x58050		/* bytes of memory compared, multiple of 8 */
#define V_OFF_S		0x58058		/* source offset in the buffers */
#define V_OFF_D		0x58060		/* destination offset in the buffers */
#define V_PDE		0x58068		/* the ALIAS page's PDE in this run */
#define V_BAD		0x58070		/* differences printed for this form */
#define V_RAM_S		0x58080		/* the RAM run's source buffer (RAMBUF) */
#define V_RAM_D		0x58088		/* ... and destination (RAMBUF) */
#define V_WIN_S		0x58090		/* the window run's source (the window) */
#define V_WIN_D		0x58098		/* ... and destination (EMU_WINDOW_BASE) */
#define CUR		0x58100		/* a run's end state: 16 GPRs, RFLAGS, memory */
#define  ST_FLAGS	0x80
#define  ST_MEM		0x88
#define ST_SIZE		0x400		/* memory up to ST_SIZE - ST_MEM bytes */
#define SAVE_RAM	0x58500
#define SAVE_WIN	0x58900
#define IN_REGS		0x58d00		/* 16 GPRs (rsp ignored), RFLAGS at +0x80 */
#define IN_MEM		0x59000		/* the source buffer's first bytes */
#define IN_MEM_D	0x59400		/* the destination's, when it is another */
#define LOAD		0x59800		/* IN_REGS with the bases added */

#define RAMBUF		0x201000	/* RAM twin of the window: 2 pages */
#define RAMBUF2		0x204000	/* another 2 pages of RAM, for string copies */
#define ALIAS		0x40000000	/* the 2 MiB page that maps either */
#define ALIAS_PDE	(PT_AREA + 0x3000)	/* lm64.S's page directory for 1-2 GiB */
#define PDE_2M		(PTE_P + PTE_RW + PTE_PS)
#define MSR_FS_BASE	0xc0000100	/* Intel SDM Vol. 4, table 2-2 */
#define MSR_GS_BASE	0xc0000101

/* RFLAGS bits (Intel SDM Vol. 1, 3.4.3). */
#define FL_CF		0x001
#define FL_PF		0x004
#define FL_AF		0x010
#define FL_ZF		0x040
#define FL_SF		0x080
#define FL_DF		0x400
#define FL_OF		0x800
#define FL_ALL		(FL_CF | FL_PF | FL_AF | FL_ZF | FL_SF | FL_DF | FL_OF)
#define FL_NONE		0
#define FNV64_BASIS	0xcbf29ce484222325
#define FNV64_PRIME	0x100000001b3

/* Gas symbols for the bodies: cpp does not expand inside FORM's quoted
 * arguments.  abs_buf: the buffer through ALIAS, an absolute address. */
	.set	abs_buf, ALIAS + 0x1000
	.set	sel_data, SEL_DATA

/* FORM "name", mask, "insn" [, "insn" ...]: one form, a body of up to six
 * instructions, each quoted (so that its commas stay inside), which must
 * leave %rsp as they found it. */
.macro FORM name, mask, i1, i2="", i3="", i4="", i5="", i6=""
	jmp	.Lrun\@
.Lbody\@:
	\i1
	\i2
	\i3
	\i4
	\i5
	\i6
	ret
	.pushsection .rodata
.Lname\@: .asciz "\name"
	.popsection
.Lrun\@:
	movq	$.Lbody\@, V_BODY
	movq	$(\mask), V_MASK
	movq	$.Lname\@, V_NAME
	call	emu_driver
.endm

