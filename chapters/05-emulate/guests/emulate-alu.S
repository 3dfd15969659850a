/* SPDX-License-Identifier: GPL-2.0 */
/*
 * emulate-alu - arithmetic, logic, shifts, bit tests, exchanges and
 * PUSH/POP with a memory operand on minivmm's MMIO window against RAM
 * (emucmp.S explains the comparison), in 64-bit long mode.
 *
 * Each form runs NVALS * NVALS * 2 cases: the memory operand takes each
 * value of vals[] (and the qword after it another), the register operands
 * each value too (%rax, %rdx, %rsi, %r9 different ones, %rcx the same as
 * %rax, so CL counts vary), the bit offset register %r8 0..127 (inside
 * the 16 compared bytes, beyond the operand's width too), and RFLAGS
 * enters with CF, PF, AF, ZF, SF and OF all clear, then all set (ADC, SBB,
 * RCL and RCR read CF; INC, DEC and the exchanges must keep them).
 *
 * The flags compared are those the SDM defines for the form (Intel SDM
 * Vol. 2A/2B, each instruction's "Flags Affected"; AMD APM Vol. 3 agrees
 * on these): logic instructions leave AF undefined; shifts by CL leave AF
 * and OF undefined (OF is defined for a count of 1 only) and keep every
 * flag for a count of 0; rotates by CL or by an immediate other than 1
 * define only CF; BT/BTS/BTR/BTC define only CF.  Counts are masked to 5
 * or 6 bits by the CPU, so shifts by CL use 32 and 64-bit operands, where
 * the masked count is always below the width (CF undefined otherwise).
 *
 * Not here: CMPXCHG16B.  The real KVM does not emulate it (Linux 6.1
 * em_cmpxchg8b() refuses a 16-byte operand: KVM_EXIT_INTERNAL_ERROR,
 * KVM_INTERNAL_ERROR_EMULATION), so no result of it on MMIO is KVM's.
 */
#include "guest.h"
#include "macros.S"
#include "emumacros.S"

#define NVALS		5
#define FL_LOGIC	(FL_ALL & ~FL_AF)		/* OR AND XOR TEST */
#define FL_SHIFT	(FL_CF | FL_PF | FL_ZF | FL_SF)	/* shift by CL or imm > 1 */
#define FL_SHIFT1	(FL_SHIFT | FL_OF)		/* shift by 1 */
#define FL_ROT1		(FL_CF | FL_OF)			/* rotate by 1 */
#define V_K		0x58078				/* the driver's case number */

	.code16
	.text
	.globl	_start
_start:
	jmp	enter_pm32

	.code32
main32:
	mov	$PT_AREA, %edi
	jmp	enter_lm64

	.code64
main64:
	call	emu_init
	/* the registers no operand takes: fixed */
	mov	$IN_REGS, %edi
	mov	$16, %ecx
	movabs	$0xa0a1a2a3a4a5a6a7, %rax
	movabs	$0x0101010101010101, %rdx
1:	mov	%rax, (%rdi)
	add	%rdx, %rax
	add	$8, %rdi
	loop	1b
	movq	$0, IN_REGS + 3 * 8		/* %rbx: the buffer, offset 0 */

	FORM	"01 add m64,r64",	FL_ALL, "add %rdx, (%rbx)"
	FORM	"03 add r32,m32",	FL_ALL, "add 4(%rbx), %edx"
	FORM	"80 add m8,imm8",	FL_ALL, "addb $0x81, 3(%rbx)"
	FORM	"66 83 add m16,simm8",	FL_ALL, "addw $-3, 6(%rbx)"
	FORM	"4c 01 add m64,r11",	FL_ALL, "add %r11, 8(%rbx)"
	FORM	"09 or m32,r32",	FL_LOGIC, "or %edx, 4(%rbx)"
	FORM	"48 81 or m64,simm32",	FL_LOGIC, "orq $-0x12345, (%rbx)"
	FORM	"48 11 adc m64,r64",	FL_ALL, "adc %rdx, (%rbx)"
	FORM	"10 adc m8,r8",		FL_ALL, "adc %dl, 7(%rbx)"
	FORM	"48 1b sbb r64,m64",	FL_ALL, "sbb (%rbx), %rdx"
	FORM	"81 sbb m32,imm32",	FL_ALL, "sbbl $0x80000000, (%rbx)"
	FORM	"66 21 and m16,r16",	FL_LOGIC, "and %dx, (%rbx)"
	FORM	"22 and dh,m8",		FL_LOGIC, "and 1(%rbx), %dh"
	FORM	"48 29 sub m64,r64",	FL_ALL, "sub %rax, (%rbx)"
	FORM	"f0 48 83 lock sub m64,imm8", FL_ALL, "lock subq $1, 8(%rbx)"
	FORM	"48 31 xor m64,r64",	FL_LOGIC, "xor %rdx, 8(%rbx)"
	FORM	"83 xor m32,simm8",	FL_LOGIC, "xorl $-1, 12(%rbx)"
	FORM	"48 39 cmp m64,r64",	FL_ALL, "cmp %rax, (%rbx)"
	FORM	"3b cmp r32,m32",	FL_ALL, "cmp 4(%rbx), %edx"
	FORM	"80 cmp m8,imm8",	FL_ALL, "cmpb $0x7f, (%rbx)"
	FORM	"48 85 test m64,r64",	FL_LOGIC, "test %rdx, (%rbx)"
	FORM	"66 f7 test m16,imm16",	FL_LOGIC, "testw $0x8001, 6(%rbx)"
	FORM	"48 ff inc m64",	FL_ALL, "incq (%rbx)"
	FORM	"fe inc m8",		FL_ALL, "incb 7(%rbx)"
	FORM	"ff dec m32",		FL_ALL, "decl 4(%rbx)"
	FORM	"f0 66 ff lock dec m16", FL_ALL, "lock decw 8(%rbx)"
	FORM	"48 f7 neg m64",	FL_ALL, "negq (%rbx)"
	FORM	"f6 neg m8",		FL_ALL, "negb 1(%rbx)"
	FORM	"f7 not m32",		FL_ALL, "notl (%rbx)"
	FORM	"48 f7 not m64",	FL_ALL, "notq 8(%rbx)"
	FORM	"48 d1 shl m64,1",	FL_SHIFT1, "shlq (%rbx)"
	FORM	"d3 shr m32,cl",	FL_SHIFT, "shrl %cl, (%rbx)"
	FORM	"48 d3 sar m64,cl",	FL_SHIFT, "sarq %cl, (%rbx)"
	FORM	"c0 shl m8,imm8",	FL_SHIFT, "shlb $3, 2(%rbx)"
	FORM	"66 c1 sar m16,imm8",	FL_SHIFT, "sarw $5, 6(%rbx)"
	FORM	"d0 shr m8,1",		FL_SHIFT1, "shrb 5(%rbx)"
	FORM	"48 d1 rol m64,1",	FL_ROT1, "rolq 8(%rbx)"
	FORM	"d3 ror m32,cl",	FL_CF, "rorl %cl, (%rbx)"
	FORM	"d0 rcl m8,1",		FL_ROT1, "rclb 3(%rbx)"
	FORM	"48 d3 rcr m64,cl",	FL_CF, "rcrq %cl, (%rbx)"
	FORM	"66 c1 rol m16,imm8",	FL_CF, "rolw $4, 2(%rbx)"
	FORM	"4c 0f a3 bt m64,r8",	FL_CF, "bt %r8, (%rbx)"
	FORM	"44 0f ab bts m32,r8d",	FL_CF, "bts %r8d, (%rbx)"
	FORM	"66 44 0f b3 btr m16,r8w", FL_CF, "btr %r8w, (%rbx)"
	FORM	"f0 4c 0f bb lock btc m64,r8", FL_CF, "lock btc %r8, (%rbx)"
	FORM	"0f ba /4 bt m32,imm8",	FL_CF, "btl $35, 4(%rbx)"
	FORM	"48 0f ba /5 bts m64,imm8", FL_CF, "btsq $63, 8(%rbx)"
	FORM	"66 0f ba /7 btc m16,imm8", FL_CF, "btcw $17, (%rbx)"
	FORM	"48 87 xchg m64,r64",	FL_ALL, "xchg %rdx, (%rbx)"
	FORM	"86 xchg m8,r8",	FL_ALL, "xchg %dl, 5(%rbx)"
	FORM	"66 44 87 xchg m16,r9w", FL_ALL, "xchg 2(%rbx), %r9w"
	FORM	"f0 48 0f b1 lock cmpxchg m64,r64", FL_ALL, "lock cmpxchg %rdx, (%rbx)"
	FORM	"0f b1 cmpxchg m32,r32", FL_ALL, "cmpxchg %edx, 8(%rbx)"
	FORM	"0f b0 cmpxchg m8,r8",	FL_ALL, "cmpxchg %dl, 1(%rbx)"
	/* CMPXCHG8B's new value is ECX:EBX, so the address goes to RSI */
	FORM	"f0 0f c7 /1 cmpxchg8b, unequal", FL_ALL, \
		"xchg %rbx, %rsi", "lock cmpxchg8b (%rsi)", "xchg %rbx, %rsi"
	FORM	"0f c7 /1 cmpxchg8b, equal", FL_ALL, "mov (%rbx), %eax", "mov 4(%rbx), %edx", \
		"xchg %rbx, %rsi", "cmpxchg8b (%rsi)", "xchg %rbx, %rsi"
	FORM	"ff /6 push m64 and 8f /0 pop m64", FL_ALL, \
		"pushq (%rbx)", "popq 8(%rbx)"
	FORM	"66 ff /6 push m16 and 66 8f /0 pop m16", FL_ALL, \
		"pushw 2(%rbx)", "popw 12(%rbx)"
	jmp	emu_exit

/*
 * emu_driver: the form's NVALS * NVALS * 2 cases; case k takes the memory
 * value i = k / (2 * NVALS), the register values from j = k / 2 % NVALS,
 * and the flags k % 2.  The case number lives in memory: run_case
 * clobbers every register.
 */
emu_driver:
	movq	$0, V_K
1:	mov	V_K, %rax
	xor	%edx, %edx
	mov	$(2 * NVALS), %ecx
	div	%rcx			/* %rax = i, %rdx = 2 * j + f */
	mov	%rax, %rsi
	mov	vals(, %rsi, 8), %rax
	mov	%rax, IN_MEM
	mov	%rsi, %rax
	call	next_val2
	mov	%rax, IN_MEM + 8
	mov	%rdx, %r8
	and	$1, %r8d		/* f */
	shr	$1, %rdx		/* j */
	mov	vals(, %rdx, 8), %rax
	mov	%rax, IN_REGS + 0 * 8	/* %rax */
	mov	%rax, IN_REGS + 1 * 8	/* %rcx */
	mov	%rax, %rdi
	and	$0x7f, %edi
	mov	%rdi, IN_REGS + 8 * 8	/* %r8: a bit offset 0..127 */
	mov	%rdx, %rax
	call	next_val
	mov	%rax, IN_REGS + 2 * 8	/* %rdx */
	mov	%rdx, %rax
	call	next_val2
	mov	%rax, IN_REGS + 6 * 8	/* %rsi */
	mov	%rdx, %rax
	add	$3, %rax
	call	next_val
	mov	%rax, IN_REGS + 9 * 8	/* %r9 */
	mov	flags_in(, %r8, 8), %rax
	mov	%rax, IN_REGS + ST_FLAGS
	call	run_case
	incq	V_K
	cmpq	$(2 * NVALS * NVALS), V_K
	jb	1b
	jmp	form_end

/* next_val: %rax = vals[(%rax + 1) % NVALS]; next_val2: vals[(%rax + 2) % NVALS]. */
next_val2:
	inc	%rax
next_val:
	push	%rdx
	push	%rcx
	inc	%rax
	xor	%edx, %edx
	mov	$NVALS, %ecx
	div	%rcx
	mov	vals(, %rdx, 8), %rax
	pop	%rcx
	pop	%rdx
	ret

	.p2align 3
/* The operands: zero, one, the largest positive values with sign bits set
 * lower down, the most negative ones, all ones. */
vals:
	.quad	0
	.quad	1
	.quad	0x7fffffff7fff7f7f
	.quad	0x8000000080008080
	.quad	0xffffffffffffffff
flags_in:
	.quad	0x002			/* bit 1 is always 1 */
	.quad	0x002 | FL_CF | FL_PF | FL_AF | FL_ZF | FL_SF | FL_OF

#include "pm.S"
#include "lm64.S"
#include "serial32.S"
#include "serial64.S"
#include "emucmp.S"
#include "gdt.S"
