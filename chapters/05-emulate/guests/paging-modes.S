/* SPDX-License-Identifier: GPL-2.0 */
/*
 * paging-modes - the guest walks itself through x86's address translation
 * modes, from reset-like real mode to 64-bit long mode, with the writes
 * to CR0, CR3, CR4 and EFER, LGDT and far jumps an OS makes:
 *
 *   real mode            es:0x0000, ES = 0x5000      -> 0x00050000
 *   protected, no paging fs:0x1000, FS base 2 MiB    -> 0x00201000
 *   32-bit paging        0x40000000, 4 KiB page      -> 0x00300000
 *   PAE paging           0x80000000, 4 KiB page      -> 0x00400000
 *   4-level (long mode)  0xffff800000000000, 4 KiB   -> 0x00500000
 *
 * At each step it writes the test pattern word of the physical address
 * through the virtual one, reads it back and prints it, and asks minivmm
 * (CTL_SLOT_CHECK) whether that word is where it should be in guest
 * physical memory.  The real-mode step is also the check DESIGN.md asks
 * for: a real-mode guest's memory under nested paging (a QEMU before
 * 9.1.2 used guest-physical as host-physical there).  Paging goes off
 * between steps (CR0.PG = 0), as the SDM requires for changing CR4.PAE
 * and EFER.LME; the code, stack and tables are identity-mapped in every
 * step.  Intel SDM Vol. 3A, chapter 4 "Paging" (4.3 32-bit, 4.4 PAE, 4.5
 * 4-level) and 10.8.5; AMD APM Vol. 2, chapter 5 "Page Translation and
 * Protection" and 14.6.
 */
#include "guest.h"
#include "macros.S"

#define SEED		0x5eed0404
#define PAT(pa)		((pa)^SEED)	/* no spaces: also a macro argument */

/* The page tables, in PT_AREA (0x80000 .. 0x8efff), 4 KiB each. */
#define P32_PD		0x80000		/* 32-bit: page directory */
#define P32_PT_ID	0x81000		/*   page table: identity 0 .. 4 MiB */
#define P32_PT_1G	0x82000		/*   page table for 0x40000000 */
#define PAE_PDPT	0x83000		/* PAE: 4 PDPTEs */
#define PAE_PD0		0x84000		/*   page directory for 0 .. 1 GiB */
#define PAE_PT_ID	0x85000		/*   page table: identity 0 .. 2 MiB */
#define PAE_PD2		0x86000		/*   page directory for 2 .. 3 GiB */
#define PAE_PT_2G	0x87000		/*   page table for 0x80000000 */
#define LM_PML4		0x88000		/* 4-level */
#define LM_PDPT0	0x89000
#define LM_PD0		0x8a000
#define LM_PT_ID	0x8b000		/*   page table: identity 0 .. 2 MiB */
#define LM_PDPT256	0x8c000		/*   PML4 entry 256: 0xffff800000000000 */
#define LM_PD		0x8d000
#define LM_PT		0x8e000
#define PT_END		0x8f000

	.code16
	.text
	.globl	_start
_start:
	mov	$0x5000, %ax
	mov	%ax, %es
	movl	$PAT(0x50000), %es:0
	mov	%es:0, %eax
	cmp	$PAT(0x50000), %eax
	jne	1f
	mov	$REAL(msg_real), %si
	call	puts16
	call	puthex32
	mov	$REAL(msg_nl), %si
	call	puts16
	/* CTL_SLOT_CHECK(slot 0, SEED, 0x50000, 4), as ctl32 does it */
	xor	%eax, %eax
	out	%eax, $CTL_ARG_PORT
	mov	$SEED, %eax
	out	%eax, $CTL_ARG_PORT
	mov	$0x50000, %eax
	out	%eax, $CTL_ARG_PORT
	mov	$4, %eax
	out	%eax, $CTL_ARG_PORT
	mov	$CTL_SLOT_CHECK, %al
	out	%al, $CTL_PORT
	in	$CTL_PORT, %eax
	test	%eax, %eax
	jnz	1f
	jmp	enter_pm32
1:	mov	$REAL(msg_wrong), %si
	call	puts16
	mov	$EXIT_FAIL, %al
	out	%al, $DEBUG_EXIT_PORT
	hlt

#include "serial16.S"

	.code32
main32:
	xor	%ebp, %ebp
	mov	$PT_AREA, %edi			/* every table empty */
	xor	%eax, %eax
	mov	$((PT_END - PT_AREA) / 4), %ecx
	rep stosl

	/* Protected mode, no paging: a segment base is the only translation. */
	mov	$SEL_DATA_2M, %ax
	mov	%ax, %fs
	movl	$PAT(0x201000), %fs:0x1000
	mov	%fs:0x1000, %eax
	CHECK32	%eax, PAT(0x201000), "protected mode, fs:0x1000 -> 0x00201000:"
	mov	$0x201000, %edx
	call	check_phys

	/* 32-bit paging (CR4.PAE = 0): PD -> PT -> 4 KiB page, 4-byte entries. */
	movl	$(P32_PT_ID + PTE_P + PTE_RW), P32_PD
	movl	$(P32_PT_1G + PTE_P + PTE_RW), P32_PD + (0x40000000 >> 22) * 4
	mov	$P32_PT_ID, %edi
	mov	$(PTE_P + PTE_RW), %eax
	mov	$1024, %ecx
1:	mov	%eax, (%edi)
	add	$0x1000, %eax
	add	$4, %edi
	loop	1b
	movl	$(0x300000 + PTE_P + PTE_RW), P32_PT_1G
	mov	$P32_PD, %eax
	mov	%eax, %cr3
	mov	%cr0, %eax
	or	$CR0_PG, %eax
	mov	%eax, %cr0
	mov	$0x40000000, %edi
	movl	$PAT(0x300000), (%edi)
	mov	(%edi), %eax
	CHECK32	%eax, PAT(0x300000), "32-bit paging, 0x40000000 -> 0x00300000:"
	mov	$0x300000, %edx
	call	check_phys
	call	paging_off

	/* PAE: PDPTE -> PD -> PT -> 4 KiB page, 8-byte entries.  A PDPTE has
	 * no R/W bit: only P (SDM 4.4.1, table 4-8). */
	movl	$(PAE_PD0 + PTE_P), PAE_PDPT
	movl	$(PAE_PD2 + PTE_P), PAE_PDPT + 2 * 8
	movl	$(PAE_PT_ID + PTE_P + PTE_RW), PAE_PD0
	movl	$(PAE_PT_2G + PTE_P + PTE_RW), PAE_PD2
	mov	$PAE_PT_ID, %edi
	call	identity_2m
	movl	$(0x400000 + PTE_P + PTE_RW), PAE_PT_2G
	mov	%cr4, %eax
	or	$CR4_PAE, %eax
	mov	%eax, %cr4
	mov	$PAE_PDPT, %eax
	mov	%eax, %cr3
	mov	%cr0, %eax
	or	$CR0_PG, %eax
	mov	%eax, %cr0
	mov	$0x80000000, %edi
	movl	$PAT(0x400000), (%edi)
	mov	(%edi), %eax
	CHECK32	%eax, PAT(0x400000), "PAE paging, 0x80000000 -> 0x00400000:"
	mov	$0x400000, %edx
	call	check_phys
	call	paging_off

	/* 4-level paging: PML4E -> PDPTE -> PDE -> PTE, 8-byte entries. */
	movl	$(LM_PDPT0 + PTE_P + PTE_RW), LM_PML4
	movl	$(LM_PDPT256 + PTE_P + PTE_RW), LM_PML4 + 256 * 8
	movl	$(LM_PD0 + PTE_P + PTE_RW), LM_PDPT0
	movl	$(LM_PT_ID + PTE_P + PTE_RW), LM_PD0
	mov	$LM_PT_ID, %edi
	call	identity_2m
	movl	$(LM_PD + PTE_P + PTE_RW), LM_PDPT256
	movl	$(LM_PT + PTE_P + PTE_RW), LM_PD
	movl	$(0x500000 + PTE_P + PTE_RW), LM_PT
	mov	$LM_PML4, %eax			/* CR4.PAE is still set */
	mov	%eax, %cr3
	mov	$MSR_EFER, %ecx
	rdmsr
	or	$EFER_LME, %eax
	wrmsr
	mov	%cr0, %eax
	or	$CR0_PG, %eax
	mov	%eax, %cr0			/* EFER.LMA = 1: compatibility mode */
	ljmp	$SEL_CODE64, $long_mode

/* paging_off: CR0.PG = 0.  Runs from identity-mapped code. */
paging_off:
	mov	%cr0, %eax
	and	$~CR0_PG, %eax
	mov	%eax, %cr0
	ret

/* identity_2m: fill the PAE/4-level page table at %edi with 512 entries
 * mapping 0 .. 2 MiB onto itself. */
identity_2m:
	mov	$(PTE_P + PTE_RW), %eax
	mov	$512, %ecx
1:	mov	%eax, (%edi)
	add	$0x1000, %eax
	add	$8, %edi
	loop	1b
	ret

/* check_phys: ask minivmm whether RAM at %edx holds PAT(%edx). */
check_phys:
	SLOT_CHECK32 SEED, "WRONG: minivmm found another word there\n"
	ret

	.code64
long_mode:
	mov	%ebp, %r15d
	mov	$STACK_TOP, %esp
	movabs	$0xffff800000000000, %rbx
	movl	$PAT(0x500000), (%rbx)
	mov	(%rbx), %eax
	CHECK64	%rax, PAT(0x500000), "4-level paging, 0xffff800000000000 -> 0x00500000:"
	xor	%ebx, %ebx
	mov	$SEED, %ecx
	mov	$0x500000, %edx
	mov	$4, %esi
	mov	$CTL_SLOT_CHECK, %al
	call	ctl64
	test	%eax, %eax
	jz	1f
	PUTS64	"WRONG: minivmm found another word there\n"
	or	$1, %r15
1:	jmp	exit64

	.section .rodata
msg_real:	.asciz	"real mode, es:0x0000 -> 0x00050000: "
msg_nl:		.asciz	"\n"
msg_wrong:	.asciz	"real mode: WRONG\n"
	.text

#include "pm.S"
#include "serial32.S"
#include "serial64.S"
#include "gdt.S"
