/* SPDX-License-Identifier: GPL-2.0 */
/*
 * emulate-mov - every MOV form on minivmm's MMIO window against RAM
 * (emucmp.S explains the comparison), in 64-bit long mode.  Each form is
 * one case from one fixed set of registers and 32 bytes of memory; the
 * opcode bytes follow each form (Intel SDM Vol. 2B, MOV, MOVZX, MOVSX,
 * MOVSXD; Vol. 2A, 2.1 and 2.2 for prefixes, REX, ModRM, SIB and
 * RIP-relative addressing):
 *   88/89/8A/8B at 8, 16 (66), 32 and 64 (REX.W) bits, AH and the
 *   REX-only byte registers (SIL, R12B), REX.R/REX.B registers;
 *   C6/C7 immediates (8, 16, 32, 64 sign-extended from 32);
 *   A0-A3 with 64-bit moffs (and 66 for 16 bits);
 *   MOVZX/MOVSX (0F B6/B7/BE/BF, with 66 and REX.W), MOVSXD (REX.W 63);
 *   8C/8E (segment register to and from memory);
 *   addressing: disp8/disp32, SIB with scale and index (REX.X too),
 *   index without base, base R13 (which needs a disp8), 67 (32-bit
 *   addresses), RIP-relative loads and stores (with an immediate after
 *   the displacement), FS and GS overrides (their bases are the buffer),
 *   and an 8-byte access across the window's page boundary.
 */
#include "guest.h"
#include "macros.S"
#include "emumacros.S"

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
/* The buffer through ALIAS (emucmp.S), as a section-relative symbol so
 * that RIP-relative operands get the right displacement. */
	.set	alias_buf, _start + (ALIAS + 0x1000 - LOAD_ADDR)

main64:
	call	emu_init
	movq	$32, V_MEMLEN
	/* the inputs: distinct bytes, some with the top bit set */
	mov	$IN_MEM, %edi
	movabs	$0x8877665544332211, %rax
	mov	%rax, 0(%rdi)
	movabs	$0xf0debc9a78563412, %rax
	mov	%rax, 8(%rdi)
	movabs	$0x0123456789abcdef, %rax
	mov	%rax, 16(%rdi)
	movabs	$0xfedcba9876543210, %rax
	mov	%rax, 24(%rdi)
	mov	$IN_REGS, %edi
	mov	$16, %ecx
	movabs	$0xa0a1a2a3a4a5a6a7, %rax
	movabs	$0x0101010101010101, %rdx
1:	mov	%rax, (%rdi)
	add	%rdx, %rax
	add	$8, %rdi
	loop	1b
	movq	$3, IN_REGS + 1 * 8		/* %rcx: an index */
	movq	$0, IN_REGS + 3 * 8		/* %rbx: the buffer, offset 0 */
	movq	$2, IN_REGS + 13 * 8		/* %r13: an index */
	movq	$0x2, IN_REGS + ST_FLAGS

	FORM	"88 mov m8,al",		FL_ALL, "mov %al, 3(%rbx)"
	FORM	"88 mov m8,ah",		FL_ALL, "mov %ah, 5(%rbx)"
	FORM	"40 88 mov m8,sil",	FL_ALL, "mov %sil, 1(%rbx)"
	FORM	"44 88 mov m8,r12b",	FL_ALL, "mov %r12b, 7(%rbx)"
	FORM	"66 89 mov m16,dx",	FL_ALL, "mov %dx, 6(%rbx)"
	FORM	"89 mov m32,ebp unaligned", FL_ALL, "mov %ebp, 9(%rbx)"
	FORM	"4c 89 mov m64,r9",	FL_ALL, "mov %r9, 16(%rbx)"
	FORM	"8a mov dl,m8",		FL_ALL, "mov 9(%rbx), %dl"
	FORM	"8a mov ah,m8",		FL_ALL, "mov 10(%rbx), %ah"
	FORM	"44 8a mov r10b,m8",	FL_ALL, "mov 11(%rbx), %r10b"
	FORM	"66 44 8b mov r11w,m16", FL_ALL, "mov 2(%rbx), %r11w"
	FORM	"44 8b mov r13d,m32",	FL_ALL, "mov 12(%rbx), %r13d"
	FORM	"48 8b mov rdi,m64",	FL_ALL, "mov 8(%rbx), %rdi"
	FORM	"c6 mov m8,imm8",	FL_ALL, "movb $0x9c, 13(%rbx)"
	FORM	"66 c7 mov m16,imm16",	FL_ALL, "movw $0x8765, 14(%rbx)"
	FORM	"c7 mov m32,imm32",	FL_ALL, "movl $0xdeadbeef, 17(%rbx)"
	FORM	"48 c7 mov m64,simm32",	FL_ALL, "movq $-0x12345678, 24(%rbx)"
	FORM	"a0 mov al,moffs64",	FL_ALL, "movabs abs_buf + 5, %al"
	FORM	"66 a1 mov ax,moffs64",	FL_ALL, ".byte 0x66, 0xa1", ".quad abs_buf + 6"
	FORM	"48 a1 mov rax,moffs64", FL_ALL, "movabs abs_buf + 8, %rax"
	FORM	"a2 mov moffs64,al",	FL_ALL, "movabs %al, abs_buf + 17"
	FORM	"a3 mov moffs64,eax",	FL_ALL, ".byte 0xa3", ".quad abs_buf + 20"
	FORM	"48 a3 mov moffs64,rax", FL_ALL, "movabs %rax, abs_buf + 24"
	FORM	"0f b6 movzx ecx,m8",	FL_ALL, "movzbl 7(%rbx), %ecx"
	FORM	"66 0f b6 movzx dx,m8",	FL_ALL, "movzbw 15(%rbx), %dx"
	FORM	"4c 0f b6 movzx r8,m8",	FL_ALL, "movzbq 1(%rbx), %r8"
	FORM	"0f b7 movzx edx,m16",	FL_ALL, "movzwl 14(%rbx), %edx"
	FORM	"48 0f be movsx rax,m8", FL_ALL, "movsbq 7(%rbx), %rax"
	FORM	"66 0f be movsx si,m8",	FL_ALL, "movsbw 15(%rbx), %si"
	FORM	"44 0f bf movsx r9d,m16", FL_ALL, "movswl 14(%rbx), %r9d"
	FORM	"48 0f bf movsx rbp,m16", FL_ALL, "movswq 6(%rbx), %rbp"
	FORM	"4c 63 movsxd r14,m32",	FL_ALL, "movslq 12(%rbx), %r14"
	FORM	"48 63 movsxd rdx,m32 positive", FL_ALL, "movslq 16(%rbx), %rdx"
	FORM	"8e mov es,m16 and 8c mov m16,ds", FL_ALL, \
		"movw $sel_data, 20(%rbx)", "mov 20(%rbx), %es", "mov %ds, 22(%rbx)"
	FORM	"8b sib base+index*8",	FL_ALL, "mov (%rbx,%rcx,8), %rdx"
	FORM	"89 sib disp8+index*4",	FL_ALL, "mov %r11d, 4(%rbx,%rcx,4)"
	FORM	"8a sib disp8 -1+index*2", FL_ALL, "mov -1(%rbx,%rcx,2), %al"
	FORM	"42 8b sib index r13*4", FL_ALL, "mov 8(%rbx,%r13,4), %esi"
	FORM	"8b sib no base, disp32+index*8", FL_ALL, "mov abs_buf(,%rcx,8), %rax"
	FORM	"41 8b base r13, disp8 0", FL_ALL, \
		"mov %rbx, %r13", "mov (%r13), %rax", "xor %r13d, %r13d"
	FORM	"67 8b addr32",		FL_ALL, "addr32 mov 4(%ebx), %eax"
	FORM	"48 8b rip-relative load", FL_ALL, "mov alias_buf + 8(%rip), %rax"
	FORM	"89 rip-relative store", FL_ALL, "mov %r8d, alias_buf + 20(%rip)"
	FORM	"66 c7 rip-relative imm16", FL_ALL, "movw $0x1234, alias_buf + 2(%rip)"
	FORM	"c6 rip-relative imm8",	FL_ALL, "movb $0xa5, alias_buf + 31(%rip)"
	FORM	"64 48 8b fs:disp32",	FL_ALL, "mov %fs:8, %rax"
	FORM	"65 48 89 gs:disp32",	FL_ALL, "mov %rdx, %gs:16"
	FORM	"64 8a fs:(rcx)",	FL_ALL, "mov %fs:(%rcx), %al"
	FORM	"65 0f b7 gs:disp8(,rcx,2)", FL_ALL, "movzwl %gs:2(,%rcx,2), %eax"

	/* Across the window's page boundary: KVM splits it in two. */
	movq	$0xff0, V_OFF_S
	movq	$0xff0, V_OFF_D
	FORM	"48 8b load across a page",	FL_ALL, "mov 0xffc(%rbx), %rax"
	FORM	"48 89 store across a page",	FL_ALL, "mov %rdx, 0xffa(%rbx)"
	FORM	"66 89 store across a page",	FL_ALL, "mov %dx, 0xfff(%rbx)"
	jmp	emu_exit

/* One case per form: the inputs never change. */
emu_driver:
	call	run_case
	jmp	form_end

#include "pm.S"
#include "lm64.S"
#include "serial32.S"
#include "serial64.S"
#include "emucmp.S"
#include "gdt.S"
