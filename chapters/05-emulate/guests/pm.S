/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pm.S - real mode to 32-bit protected mode (#included by guests linked at
 * LOAD_ADDR).  Jump to enter_pm32 from real mode with DS = LOAD_ADDR >> 4
 * (as minivmm starts a flat image); it loads the GDT (gdt.S), sets CR0.PE,
 * far-jumps to a 32-bit code segment, loads flat data segments and a
 * stack, and jumps to main32.  Intel SDM Vol. 3A, 10.9.1 "Switching to
 * Protected Mode"; AMD APM Vol. 2, 14.4 "Enabling Protected Mode".
 */
	.code16
enter_pm32:
	cli
	lgdtl	REAL(gdt_desc)		/* DS-relative: DS base = LOAD_ADDR */
	mov	%cr0, %eax
	or	$CR0_PE, %eax
	mov	%eax, %cr0
	ljmpl	$SEL_CODE32, $1f	/* serializes, and loads CS from the GDT */
	.code32
1:	mov	$SEL_DATA, %ax
	mov	%ax, %ds
	mov	%ax, %es
	mov	%ax, %fs
	mov	%ax, %gs
	mov	%ax, %ss
	mov	$STACK_TOP, %esp
	jmp	main32
