/* SPDX-License-Identifier: GPL-2.0 */
/*
 * svm-prefix-skip - intercepted instructions with redundant prefixes: a
 * CS-override CPUID (2e 0f a2, 3 bytes) and a REP-prefixed, operand-size
 * RDMSR of IA32_APIC_BASE (f3 66 0f 32, 4 bytes; both prefixes are
 * ignored there).  The hypervisor must step over each exactly.  On SVM
 * without NRIP save (QEMU TCG) it must decode the instruction to know
 * its length (chapter 05: kvm_emulate_insn_len()); chapters 01-04 stepped
 * by the fixed length of the plain encoding and landed inside the
 * instruction.  On VMX the CPU reports the length (VM-exit instruction
 * length), so the same guest checks VMX's path too.
 */
#include "guest.h"
#include "macros.S"

	.code16
	.text
	.globl	_start
_start:
	jmp	enter_pm32

	.code32
main32:
	xor	%ebp, %ebp
	xor	%eax, %eax
	.byte	0x2e			/* CS override: no memory operand, ignored */
	cpuid
	PUTS32	"prefixed CPUID stepped over\n"
	mov	$0x1b, %ecx		/* IA32_APIC_BASE */
	.byte	0xf3, 0x66		/* REP and operand size: ignored by RDMSR */
	rdmsr
	PUTS32	"prefixed RDMSR stepped over: APIC base "
	call	putx32
	PUTS32	"\n"
	jmp	exit32

#include "pm.S"
#include "serial32.S"
#include "gdt.S"
