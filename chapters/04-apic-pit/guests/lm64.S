/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lm64.S - 32-bit protected mode to 64-bit long mode (#included, with
 * gdt.S).  Jump to enter_lm64 with paging off and %edi pointing at 24 KiB
 * of page-aligned free memory; it builds an identity map of the first
 * 4 GiB there with 2 MiB pages (one PML4, one PDPT, four page
 * directories), enables PAE, loads CR3, sets EFER.LME, turns paging on
 * (which activates long mode, EFER.LMA) and far-jumps to a 64-bit code
 * segment, at main64, with the stack at STACK_TOP.
 * Intel SDM Vol. 3A, 10.8.5 "Initializing IA-32e Mode"; AMD APM Vol. 2,
 * 14.6 "Enabling and Activating Long Mode"; entry formats: SDM 4.5,
 * tables 4-15, 4-17 and 4-18.
 */
	.code32
enter_lm64:
	mov	%edi, %ebx		/* the PML4 */
	xor	%eax, %eax
	mov	$(6 * 4096 / 4), %ecx
	rep stosl			/* every entry not written below: not present */
	lea	(0x1000 + PTE_P + PTE_RW)(%ebx), %eax
	mov	%eax, (%ebx)		/* PML4[0] -> PDPT */
	lea	(0x2000 + PTE_P + PTE_RW)(%ebx), %eax
	mov	%eax, 0x1000(%ebx)	/* PDPT[0..3] -> the four page directories */
	add	$0x1000, %eax
	mov	%eax, 0x1008(%ebx)
	add	$0x1000, %eax
	mov	%eax, 0x1010(%ebx)
	add	$0x1000, %eax
	mov	%eax, 0x1018(%ebx)
	lea	0x2000(%ebx), %edi	/* PDE i maps i * 2 MiB, i = 0 .. 2047 */
	mov	$(PTE_P + PTE_RW + PTE_PS), %eax
	mov	$2048, %ecx
1:	mov	%eax, (%edi)
	add	$0x200000, %eax
	add	$8, %edi
	loop	1b

	mov	%cr4, %eax
	or	$CR4_PAE, %eax
	mov	%eax, %cr4
	mov	%ebx, %cr3
	mov	$MSR_EFER, %ecx
	rdmsr
	or	$EFER_LME, %eax
	wrmsr
	mov	%cr0, %eax
	or	$CR0_PG, %eax
	mov	%eax, %cr0		/* now in compatibility mode, EFER.LMA = 1 */
	ljmp	$SEL_CODE64, $1f
	.code64
1:	mov	$STACK_TOP, %esp	/* zero-extends: RSP's upper half was undefined */
	jmp	main64
