/* SPDX-License-Identifier: GPL-2.0 */
/*
 * emulate-modes - MMIO instructions on minivmm's window against RAM in
 * 32-bit protected mode and in real mode, the modes the long-mode guests
 * (emulate-mov, emulate-alu, emulate-string) leave out.  The emulator
 * decodes with other defaults there: 32-bit operands and addresses in
 * protected mode; 16-bit ones in real mode, where the 66 and 67 prefixes
 * select 32 bits (Intel SDM Vol. 2A, 2.1.1 and Vol. 1, 3.6 "Operand-size
 * and address-size attributes").
 *
 * The window (0xd0001000) lies far above what a real-mode segment reaches,
 * so the real-mode part runs in "unreal" mode: DS, ES and SS keep the
 * 4 GiB limit they were given in protected mode after CR0.PE is cleared
 * (the limit lives in the hidden part of the segment register, which a
 * real-mode load does not change: SDM Vol. 3A, 3.4.3 and 10.9.2), and the
 * instructions address the window with 67 (32-bit addresses).
 *
 * Each form is one case, run once with EBX (and ESI/EDI, as offsets) at
 * a RAM buffer and once at the window, from the same registers, EFLAGS
 * and 16 bytes of memory; the 8 registers, the flags and the memory must
 * be equal.  Each line prints "equal" and an FNV-1a hash of the result,
 * or the first difference with WRONG.
 */
#include "guest.h"
#include "macros.S"

#define RAMBUF		0x201000
#define SEL_CODE16	0x28		/* GDT2: 16-bit code based at LOAD_ADDR */
#define GDT2		0x5d000
#define NFORMS16	8
/* variables (guest RAM, under 1 MiB so that real mode reaches them with DS = 0) */
#define V_BODY		0x5a000		/* the body: 32-bit address / 16-bit offset */
#define V_BASE		0x5a004
#define V_ESP		0x5a008
#define V_MASK		0x5a00c
#define V_FAILED	0x5a010
#define V_K		0x5a014		/* 16-bit forms: which one */
#define V_ESP16		0x5a018		/* run16's stack pointer */
/* real mode: SS = 0 and a stack below 64 KiB, whether the CPU uses SP or ESP */
#define RM_STACK	0xfff0
#define IN_REGS		0x5a100		/* eax ecx edx ebx esp ebp esi edi, eflags */
#define IN_MEM		0x5a140		/* 16 bytes */
#define CUR		0x5a200		/* a run's result: 9 dwords, then 16 bytes */
#define RES_LEN		(13 * 4)
#define RES_RAM		0x5a300
#define RES_WIN		0x5a400
/* form k's results: the RAM run's at RES16 + 0x80 k, the window run's 0x40 above */
#define RES16		0x5b000
#define FL_ALL32	0x8d5		/* CF PF AF ZF SF OF */
#define FL_LOGIC32	0x8c5		/* without AF */

	.code16
	.text
	.globl	_start
_start:
	jmp	enter_pm32

	.code32
/* FORM32 "name", mask, "insn"...: a 32-bit body, run and compared. */
.macro FORM32 name, mask, i1, i2="", i3=""
	jmp	.Lrun\@
.Lbody\@:
	\i1
	\i2
	\i3
	ret
	.pushsection .rodata
.Lname\@: .asciz "\name"
	.popsection
.Lrun\@:
	movl	$.Lbody\@, V_BODY
	movl	$(\mask), V_MASK
	mov	$.Lname\@, %esi
	call	case32
.endm

main32:
	movl	$0, V_FAILED
	movl	$0x33221100, IN_MEM
	movl	$0x77665544, IN_MEM + 4
	movl	$0xbbaa9988, IN_MEM + 8
	movl	$0xffeeddcc, IN_MEM + 12
	movl	$0x89abcdef, IN_REGS + 0	/* eax */
	movl	$3, IN_REGS + 4			/* ecx: counts, bit offsets */
	movl	$0x01234567, IN_REGS + 8	/* edx */
	movl	$0, IN_REGS + 12		/* ebx: offset 0 */
	movl	$0x55aa55aa, IN_REGS + 20	/* ebp */
	movl	$0, IN_REGS + 24		/* esi: offset 0 */
	movl	$8, IN_REGS + 28		/* edi: offset 8 */
	movl	$0x003, IN_REGS + 32		/* eflags: CF */

	FORM32	"32-bit: 89 mov m32,r32",	FL_ALL32, "mov %ecx, 4(%ebx)"
	FORM32	"32-bit: 66 8b mov r16,m16",	FL_ALL32, "mov 2(%ebx), %dx"
	FORM32	"32-bit: 8a mov ah,m8",		FL_ALL32, "mov 5(%ebx), %ah"
	FORM32	"32-bit: 0f bf movsx r32,m16",	FL_ALL32, "movswl 14(%ebx), %eax"
	FORM32	"32-bit: 81 add m32,imm32",	FL_ALL32, "addl $0x7fffffff, (%ebx)"
	FORM32	"32-bit: 19 sbb m32,r32",	FL_ALL32, "sbb %edx, 8(%ebx)"
	FORM32	"32-bit: 0f ab bts m32,r32",	1, "bts %ecx, (%ebx)"
	FORM32	"32-bit: d3 shl m32,cl",	0xc5, "shll %cl, 12(%ebx)"
	FORM32	"32-bit: f0 0f b1 lock cmpxchg", FL_ALL32, "lock cmpxchg %ecx, 8(%ebx)"
	FORM32	"32-bit: 0f c7 cmpxchg8b",	FL_ALL32, \
		"xchg %ebx, %ebp", "cmpxchg8b (%ebp)", "xchg %ebx, %ebp"
	FORM32	"32-bit: 87 xchg m32,r32",	FL_ALL32, "xchg %edx, 4(%ebx)"
	FORM32	"32-bit: a5 movsd",		FL_ALL32, "movsl"
	FORM32	"32-bit: f3 a4 rep movsb",	FL_ALL32, "rep movsb"
	FORM32	"32-bit: f3 ab rep stosd",	FL_ALL32, "rep stosl"

	/* to unreal mode and back (run16 stores every result) */
	call	to_unreal
	mov	$forms16, %ebx
	movl	$0, V_K
1:	mov	V_K, %eax
	shl	$7, %eax
	lea	RES16(%eax), %esi
	mov	$RES_RAM, %edi
	mov	$(RES_LEN / 4), %ecx
	rep movsl			/* the RAM run's result */
	lea	RES16 + 0x40(%eax), %esi
	mov	$RES_WIN, %edi
	mov	$(RES_LEN / 4), %ecx
	rep movsl			/* the window run's */
	mov	V_K, %eax
	mov	names16(, %eax, 4), %esi
	call	compare
	incl	V_K
	cmpl	$NFORMS16, V_K
	jb	1b
	mov	V_FAILED, %ebp
	jmp	exit32

/* case32: run the body at RAMBUF, then at the window; compare (name %esi). */
case32:
	push	%esi
	movl	$RAMBUF, V_BASE
	call	run32
	mov	$CUR, %esi
	mov	$RES_RAM, %edi
	mov	$(RES_LEN / 4), %ecx
	rep movsl
	movl	$EMU_WINDOW_BASE, V_BASE
	call	run32
	mov	$CUR, %esi
	mov	$RES_WIN, %edi
	mov	$(RES_LEN / 4), %ecx
	rep movsl
	pop	%esi
	jmp	compare

/* run32: one run at V_BASE; the result in CUR.  Clobbers all but %esp. */
run32:
	mov	V_BASE, %edi
	mov	$IN_MEM, %esi
	mov	$4, %ecx
1:	mov	(%esi), %eax		/* MOV, not MOVS: the copy is not under test */
	mov	%eax, (%edi)
	add	$4, %esi
	add	$4, %edi
	loop	1b
	mov	%esp, V_ESP
	pushl	IN_REGS + 32
	popfl
	mov	IN_REGS + 0, %eax
	mov	IN_REGS + 4, %ecx
	mov	IN_REGS + 8, %edx
	mov	V_BASE, %ebx
	mov	IN_REGS + 20, %ebp
	mov	IN_REGS + 24, %esi
	lea	(%esi, %ebx), %esi	/* LEA: the flags are already loaded */
	mov	IN_REGS + 28, %edi
	lea	(%edi, %ebx), %edi
	call	*V_BODY
	pushfl
	popl	CUR + 32
	mov	%eax, CUR + 0
	mov	%ecx, CUR + 4
	mov	%edx, CUR + 8
	mov	%ebx, CUR + 12
	mov	%esp, CUR + 16
	mov	%ebp, CUR + 20
	mov	%esi, CUR + 24
	mov	%edi, CUR + 28
	mov	V_ESP, %esp
	cld
	mov	V_BASE, %eax
	sub	%eax, CUR + 12		/* addresses as offsets */
	sub	%eax, CUR + 24
	sub	%eax, CUR + 28
	mov	V_MASK, %eax
	and	%eax, CUR + 32
	mov	V_BASE, %esi
	mov	$(CUR + 36), %edi
	mov	$4, %ecx
2:	mov	(%esi), %eax
	mov	%eax, (%edi)
	add	$4, %esi
	add	$4, %edi
	loop	2b
	ret

/* compare: RES_RAM against RES_WIN; print "NAME: equal, hash H" or the
 * first difference (name at %esi). */
compare:
	call	puts32
	xor	%ecx, %ecx
	mov	$EMU_FNV_BASIS, %edx
1:	mov	RES_WIN(, %ecx, 4), %eax
	cmp	RES_RAM(, %ecx, 4), %eax
	jne	3f
	mov	$4, %ebx
2:	xor	%al, %dl		/* FNV-1a, byte by byte */
	imul	$EMU_FNV_PRIME, %edx, %edx
	shr	$8, %eax
	dec	%ebx
	jnz	2b
	inc	%ecx
	cmp	$(RES_LEN / 4), %ecx
	jb	1b
	PUTS32	": equal, hash "
	mov	%edx, %eax
	call	putx32
	PUTS32	"\n"
	ret
3:	movl	$1, V_FAILED
	PUTS32	": differs at +"
	lea	(, %ecx, 4), %eax
	call	putd32
	PUTS32	": ram "
	mov	RES_RAM(, %ecx, 4), %eax
	call	putx32
	PUTS32	" window "
	mov	RES_WIN(, %ecx, 4), %eax
	call	putx32
	PUTS32	" WRONG\n"
	inc	%ecx
	cmp	$(RES_LEN / 4), %ecx
	jae	4f
	PUTS32	"  "
	jmp	1b
4:	ret

/* to_unreal: a 16-bit code segment, protected mode off with DS/ES/SS
 * limits of 4 GiB, the 16-bit forms, and back. */
to_unreal:
	mov	$gdt, %esi
	mov	$GDT2, %edi
	mov	$10, %ecx
	rep movsl
	movl	$0x0000ffff, GDT2 + SEL_CODE16		/* limit 0xffff, base 15:0 = 0 */
	/* base 23:16, P, DPL 0, code r/x, 16-bit (D = 0), byte-granular */
	movl	$(0x00009a00 | (LOAD_ADDR >> 16)), GDT2 + SEL_CODE16 + 4
	lgdt	gdt2_desc
	mov	%esp, V_ESP
	ljmp	$SEL_CODE16, $REAL(pm16)
	.code16
pm16:
	mov	%cr0, %eax
	and	$~CR0_PE, %eax
	mov	%eax, %cr0
	ljmp	$(LOAD_ADDR >> 4), $REAL(rm16)
rm16:
	xor	%ax, %ax
	mov	%ax, %ds		/* base 0; the limit stays 4 GiB */
	mov	%ax, %es
	mov	%ax, %ss
	mov	$RM_STACK, %esp
	call	run_forms16
	mov	%cr0, %eax
	or	$CR0_PE, %eax
	mov	%eax, %cr0
	ljmpl	$SEL_CODE32, $1f
	.code32
1:	mov	$SEL_DATA, %ax
	mov	%ax, %ds
	mov	%ax, %es
	mov	%ax, %ss
	mov	V_ESP, %esp
	ret

/* The 16-bit forms: 16-bit operands by default, 67 for the 32-bit
 * addresses that reach the window. */
	.code16
.macro FORM16 i1, i2=""
.Lb16\@:
	\i1
	\i2
	ret
	.pushsection .rodata
	.word	REAL(.Lb16\@)
	.popsection
.endm
	.pushsection .rodata
	.p2align 1
forms16:				/* the bodies' offsets in CS (LOAD_ADDR based) */
	.popsection
	FORM16	"addr32 mov %cx, 2(%ebx)"
	FORM16	"addr32 mov 4(%ebx), %edx"
	FORM16	"addr32 movzbw 5(%ebx), %dx"
	FORM16	"addr32 addw $0x8001, (%ebx)"
	FORM16	"addr32 adc %dx, 6(%ebx)"
	FORM16	"addr32 negw 10(%ebx)"
	FORM16	"addr32 movsw"
	FORM16	"addr32 rep movsb"
names16:
	.long	1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f
	.pushsection .rodata
1:	.asciz	"real mode: 67 89 mov m16,r16"
2:	.asciz	"real mode: 67 66 8b mov r32,m32"
3:	.asciz	"real mode: 67 0f b6 movzx r16,m8"
4:	.asciz	"real mode: 67 81 add m16,imm16"
5:	.asciz	"real mode: 67 11 adc m16,r16"
6:	.asciz	"real mode: 67 f7 neg m16"
7:	.asciz	"real mode: 67 a5 movsw (esi, edi)"
8:	.asciz	"real mode: 67 f3 a4 rep movsb (ecx 3)"
	.popsection

/* run_forms16: each 16-bit form at RAMBUF and at the window; the results
 * to RES16 (compared later in 32-bit code). */
run_forms16:
	addr32 movl $0, V_K
1:	addr32 mov V_K, %ebx
	addr32 movzwl forms16(, %ebx, 2), %eax	/* DS = 0: linear addresses */
	addr32 mov %eax, V_BODY
	addr32 movl $RAMBUF, V_BASE
	call	run16
	addr32 mov V_K, %ebx
	shl	$7, %ebx
	addr32 lea RES16(%ebx), %edi
	call	save16
	addr32 movl $EMU_WINDOW_BASE, V_BASE
	call	run16
	addr32 mov V_K, %ebx
	shl	$7, %ebx
	addr32 lea RES16 + 0x40(%ebx), %edi
	call	save16
	addr32 incl V_K
	addr32 cmpl $NFORMS16, V_K
	jb	1b
	ret

/* save16: CUR's RES_LEN bytes to %edi. */
save16:
	mov	$CUR, %esi
	mov	$(RES_LEN / 4), %ecx
	addr32 rep movsl
	ret

/* run16: as run32, in 16-bit code; the flags compared are all six. */
run16:
	addr32 mov V_BASE, %edi
	mov	$IN_MEM, %esi
	mov	$4, %ecx
1:	addr32 mov (%esi), %eax
	addr32 mov %eax, (%edi)
	add	$4, %esi
	add	$4, %edi
	loop	1b
	addr32 mov %esp, V_ESP16
	addr32 pushl IN_REGS + 32
	popfl
	addr32 mov IN_REGS + 0, %eax
	addr32 mov IN_REGS + 4, %ecx
	addr32 mov IN_REGS + 8, %edx
	addr32 mov V_BASE, %ebx
	addr32 mov IN_REGS + 20, %ebp
	addr32 mov IN_REGS + 24, %esi
	addr32 lea (%esi, %ebx), %esi
	addr32 mov IN_REGS + 28, %edi
	addr32 lea (%edi, %ebx), %edi
	addr32 call *V_BODY
	pushfl
	addr32 popl CUR + 32
	addr32 mov %eax, CUR + 0
	addr32 mov %ecx, CUR + 4
	addr32 mov %edx, CUR + 8
	addr32 mov %ebx, CUR + 12
	addr32 mov %esp, CUR + 16
	addr32 mov %ebp, CUR + 20
	addr32 mov %esi, CUR + 24
	addr32 mov %edi, CUR + 28
	addr32 mov V_ESP16, %esp
	cld
	addr32 mov V_BASE, %eax
	addr32 sub %eax, CUR + 12
	addr32 sub %eax, CUR + 24
	addr32 sub %eax, CUR + 28
	addr32 andl $FL_ALL32, CUR + 32
	addr32 mov V_BASE, %esi
	mov	$(CUR + 36), %edi
	mov	$4, %ecx
2:	addr32 mov (%esi), %eax
	addr32 mov %eax, (%edi)
	add	$4, %esi
	add	$4, %edi
	loop	2b
	ret

	.code32
	.p2align 2
	.word	0
gdt2_desc:
	.word	SEL_CODE16 + 8 - 1
	.long	GDT2

#include "pm.S"
#include "serial32.S"
#include "gdt.S"
