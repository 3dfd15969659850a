/* SPDX-License-Identifier: GPL-2.0 */
/*
 * debugregs - the debug registers through KVM_GET/SET_DEBUGREGS (Intel
 * SDM Vol. 3B, 18.2), in long mode: the guest loads DR0-DR3 and a DR7
 * that arms DR0 (an execution breakpoint at 0x1000, which never runs);
 * minivmm reads them with KVM_GET_DEBUGREGS (the values the guest left,
 * although the guest used the registers directly), writes other values
 * with KVM_SET_DEBUGREGS, and the guest reads those back with MOV from
 * DR; a flag, and bit 32 of DR6 or of DR7, are refused (EINVAL).
 * CHECKL64 lines; EXIT_PASS when all are as expected.
 */
#include "guest.h"
#include "macros.S"
#include "irqmacros.S"

	.code16
	.text
	.globl	_start
_start:
	jmp	enter_pm32

	.code32
main32:
	mov	$PT_AREA, %edi
	jmp	enter_lm64

/* DR_IS n, value: MOV from DRn reads value (low 32 bits printed). */
.macro DR_IS n, value
	mov	%dr\n, %rax
	CHECKL64 %eax, \value, "dr\n:"
.endm

	.code64
main64:
	xor	%r15, %r15
	mov	$0x1000, %eax
	mov	%rax, %dr0
	mov	$0x2000, %eax
	mov	%rax, %dr1
	mov	$0x3000, %eax
	mov	%rax, %dr2
	mov	$0x4000, %eax
	mov	%rax, %dr3
	mov	$0x401, %eax			/* L0: DR0 armed, execute, 1 byte */
	mov	%rax, %dr7

	PUTS64	"KVM_GET_DEBUGREGS, KVM_SET_DEBUGREGS\n"
	CTL64	CTL_DEBUGREGS, $0
	CHECKL64 %eax, 0, "set:"
	DR_IS	0, 0x11000
	DR_IS	1, 0x22000
	DR_IS	2, 0x33000
	DR_IS	3, 0x44000
	DR_IS	7, 0x400

	PUTS64	"refused\n"
	CTL64	CTL_DEBUGREGS, $1
	CHECKL64 %eax, -22, "a flag:"
	CTL64	CTL_DEBUGREGS, $2
	CHECKL64 %eax, -22, "dr6 bit 32:"
	CTL64	CTL_DEBUGREGS, $3
	CHECKL64 %eax, -22, "dr7 bit 32:"
	jmp	exit64

#include "pm.S"
#include "lm64.S"
#include "serial32.S"
#include "serial64.S"
#include "gdt.S"
