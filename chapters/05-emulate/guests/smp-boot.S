/* SPDX-License-Identifier: GPL-2.0 */
/*
 * smp-boot - start the application processors (minivmm --smp 4), in
 * 32-bit protected mode.  The BSP software-enables its local APIC (SVR
 * bit 8), reads its APIC ID and checks it against CPUID leaf 1 EBX[31:24]
 * (the initial APIC ID, Intel SDM Vol. 2A, CPUID; minivmm gives vCPU n
 * the ID n), then wakes the APs with INIT-SIPI-SIPI (smp32.S).  Each AP
 * prints its APIC ID from the APIC and from CPUID under the output lock
 * and checks that IA32_APIC_BASE says it is no BSP (bit 8, SDM 11.4.4),
 * then counts itself in ap_done.  The BSP waits for all three, checks
 * its own IA32_APIC_BASE (BSP bit set, enabled, base 0xfee00000) and
 * exits.  The APs print in whatever order they run; the scenario sorts
 * their lines.
 * EXIT_PASS (status 65) when every check holds.
 */
#include "guest.h"
#include "macros.S"

#define NR_APS	3

	.code16
	.text
	.globl	_start
_start:
	jmp	enter_pm32

	.code32
main32:
	xor	%ebp, %ebp
	LAPIC_SW_ENABLE
	call	lapic_id32
	CHECK32	%eax, 0, "BSP APIC ID:"
	mov	$1, %eax
	cpuid
	shr	$24, %ebx
	CHECK32	%ebx, 0, "BSP CPUID initial APIC ID:"
	call	start_aps32
1:	cmpl	$NR_APS, ap_done
	jae	2f
	pause
	jmp	1b
2:	call	plock32
	CHECK32	ap_done, NR_APS, "APs done:"
	CHECK32	ap_bad, 0, "APs that failed a check:"
	mov	$MSR_APIC_BASE, %ecx
	rdmsr
	CHECK32	%eax, (LAPIC_BASE | APIC_BASE_EN | APIC_BASE_BSP), "BSP IA32_APIC_BASE:"
	call	punlock32
	jmp	exit32

/* Each AP, on its own stack. */
ap_main32:
	LAPIC_SW_ENABLE
	call	lapic_id32
	mov	%eax, %esi
	mov	$1, %eax
	cpuid
	shr	$24, %ebx
	mov	$MSR_APIC_BASE, %ecx
	rdmsr
	mov	%eax, %edi
	call	plock32
	PUTS32	"AP: APIC ID "
	mov	%esi, %eax
	call	putx8_32
	PUTS32	", CPUID initial APIC ID "
	mov	%ebx, %eax
	call	putx8_32
	PUTS32	", IA32_APIC_BASE "
	mov	%edi, %eax
	call	putx32
	PUTS32	"\n"
	call	punlock32
	cmp	%esi, %ebx
	jne	1f
	cmp	$(LAPIC_BASE | APIC_BASE_EN), %edi
	je	2f
1:	lock incl ap_bad
2:	lock incl ap_done
	ret

/* putx8_32: %al as two hex digits. */
putx8_32:
	push	%eax
	push	%ecx
	mov	$2, %ecx
	shl	$24, %eax
1:	rol	$4, %eax
	push	%eax
	and	$0x0f, %al
	add	$'0', %al
	cmp	$'9', %al
	jbe	2f
	add	$('a' - '9' - 1), %al
2:	call	putc32
	pop	%eax
	loop	1b
	pop	%ecx
	pop	%eax
	ret

	.p2align 2
ap_done:	.long	0
ap_bad:		.long	0

#include "pm.S"
#include "serial32.S"
#include "smp32.S"
#include "gdt.S"
