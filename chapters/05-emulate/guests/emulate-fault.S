/* SPDX-License-Identifier: GPL-2.0 */
/*
 * emulate-fault - the faults an emulated access must raise, in 64-bit long
 * mode.  With nested paging the CPU itself checks the guest's page tables
 * for the access that leaves to the hypervisor; everything else the
 * instruction touches is checked by the hypervisor's emulator, which walks
 * the guest's tables (Linux: paging_tmpl.h walk_addr_generic(), through
 * emulate.c linearize() for the canonical check) and must inject exactly
 * the fault the CPU would have raised.  So each case here is a MOVS whose
 * source is minivmm's MMIO window, which makes the hypervisor emulate the
 * whole instruction, and whose destination is wrong:
 *   T1 not present               #PF, error code W (0x2), CR2 = RDI
 *   T2 read-only, CR0.WP = 1     #PF, error code P | W (0x3)
 *   T3 non-canonical             #GP(0)
 *   T4 an 8-byte store that starts in the window and ends in a
 *      not-present page          #PF, CR2 = the first byte of that page,
 *                                and nothing written into the window
 *   T5 REP MOVSB that reaches a not-present page after 8 bytes: #PF with
 *      RCX, RSI and RDI as they were at that element; the handler maps
 *      the page and returns to the same instruction, which finishes the
 *      copy (a fault leaves a string instruction restartable)
 *   T6 at CPL 3, from a user page of the window to a supervisor page
 *                                #PF, error code P | W | U (0x7)
 *   T7 at CPL 3, from the window to a user RAM page: no fault (control)
 * and two baselines that the CPU raises by itself before any exit: a
 * store through a read-only PTE of the window (T0a, 0x3) and a load
 * through a not-present one (T0b, 0x0).  Error code bits: Intel SDM Vol.
 * 3A, 4.7 "Page-Fault Exceptions"; #GP for a non-canonical address: 3.3.7.1;
 * REP restart: Vol. 2B "REP/REPE/REPZ/REPNE/REPNZ" (a fault leaves RCX,
 * RSI and RDI at the faulting iteration).
 *
 * The page tables: lm64.S's identity map, plus a page table for the 2 MiB
 * at VA 0x40000000 (FAULT_VA) whose 4 KiB entries point into the window:
 *   +0x0000 window page 0, supervisor, writable
 *   +0x1000 window page 1, supervisor, writable
 *   +0x2000 not present (T5 maps it to RAM)
 *   +0x3000 window page 0, read-only
 *   +0x4000 window page 1, supervisor
 *   +0x5000 window page 0, user, writable
 *   +0x6000 RAM (USER_RAM), user, writable
 * and the U bit on the tables above them and on the first 2 MiB (code,
 * stacks), so that CPL 3 code runs and only the PTE decides.  CPL 3 needs
 * a user code and data segment and a TSS whose RSP0 the CPU switches to on
 * a fault (SDM Vol. 3A, 8.7 "Task Management in 64-bit Mode").
 */
#include "guest.h"
#include "macros.S"
#include "irqmacros.S"

#define FAULT_VA	0x40000000
#define PD_1G		(PT_AREA + 0x3000)	/* lm64.S: the page directory of 1..2 GiB */
#define PT_FAULT	0x5c000			/* the page table of FAULT_VA */
#define GDT2		0x5d000			/* lm64's GDT + user segments + TSS */
#define TSS		0x5e000
#define USER_RAM	0x206000		/* +0x6000 */
#define FIX_RAM		0x205000		/* T5 maps +0x2000 here */
#define USER_STACK	0x68000
#define FAULT_STACK	0x6c000			/* TSS.RSP0 */
#define PTE_U		0x004
#define CR0_WP		0x00010000
#define SEL_UDATA	0x28			/* DPL 3 data; RPL 3: 0x2b */
#define SEL_UCODE	0x30			/* DPL 3 64-bit code; RPL 3: 0x33 */
#define SEL_TSS		0x38
#define WIN0		EMU_WINDOW_BASE		/* window page 0, identity-mapped */
#define WIN1		(EMU_WINDOW_BASE + 0x1000)
#define MARK		0x5555555555555555

/* What the fault handler records, and how it returns (guest RAM, user-writable). */
#define F_VEC		0x5a000
#define F_ERR		0x5a008
#define F_CR2		0x5a010
#define F_RIP		0x5a018
#define F_RCX		0x5a020
#define F_RSI		0x5a028
#define F_RDI		0x5a030
#define F_COUNT		0x5a038
/* F_MODE 0: resume at F_RESUME, 1: map +0x2000 and retry, 2: back to CPL 0 */
#define F_MODE		0x5a040
#define F_RESUME	0x5a048
#define F_KRIP		0x5a050		/* mode 2: where CPL 0 goes on */
#define F_KRSP		0x5a058
#define U_T7_RDI	0x5a060		/* what the CPL 3 code notes */
#define U_T6_VEC	0x5a068
#define U_T6_ERR	0x5a070
#define U_T6_CR2	0x5a078

/* EXPECT src, value, "name": print src (through %rax) and check it. */
.macro EXPECT src, value, name
	mov	\src, %rax
	CHECK64	%rax, \value, "\name"
.endm

/* CLEAR_FAULT: forget the last fault. */
.macro CLEAR_FAULT
	movq	$0, F_VEC
	movq	$0, F_ERR
	movq	$0, F_CR2
	movq	$0, F_RIP
	movq	$0, F_COUNT
.endm

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
	xor	%r15, %r15
	call	idt_init64
	HOOK32	13, fault_hook
	HOOK32	14, fault_hook
	call	setup_paging
	call	setup_cpl3
	/* the window's contents: page 0 bytes 0..0x1ff = 3 j + 0x40; a mark at
	 * the end of page 1 */
	mov	$WIN0, %ebx			/* above 2 GiB: no disp32 */
	xor	%ecx, %ecx
1:	lea	0x40(%rcx, %rcx, 2), %eax
	mov	%al, (%rbx, %rcx)
	inc	%ecx
	cmp	$0x200, %ecx
	jb	1b
	movabs	$MARK, %rax
	mov	%rax, 0x1ff8(%rbx)		/* WIN1 + 0xff8 */

	/* T0a: a store through a read-only PTE: the CPU's own #PF */
	CLEAR_FAULT
	movq	$1f, F_RESUME
t0a:	movl	$1, FAULT_VA + 0x3000
1:	EXPECT	F_VEC, 14, "T0a store to a read-only page of the window: vector"
	EXPECT	F_ERR, 3, "T0a error code"
	EXPECT	F_CR2, FAULT_VA+0x3000, "T0a cr2"
	/* T0b: a load through a not-present PTE */
	CLEAR_FAULT
	movq	$1f, F_RESUME
	mov	FAULT_VA + 0x2000, %eax
1:	EXPECT	F_VEC, 14, "T0b load from a not-present page: vector"
	EXPECT	F_ERR, 0, "T0b error code"
	EXPECT	F_CR2, FAULT_VA+0x2000, "T0b cr2"

	/* T1: MOVSQ from the window to a not-present page */
	CLEAR_FAULT
	movq	$1f, F_RESUME
	mov	$FAULT_VA, %esi
	mov	$(FAULT_VA + 0x2000), %edi
t1:	movsq
1:	EXPECT	F_VEC, 14, "T1 movsq window to a not-present page: vector"
	EXPECT	F_ERR, 2, "T1 error code"
	EXPECT	F_CR2, FAULT_VA+0x2000, "T1 cr2"
	mov	F_RIP, %rax
	sub	$t1, %rax
	CHECK64	%rax, 0, "T1 rip minus the movsq"
	EXPECT	F_RSI, FAULT_VA, "T1 rsi"
	EXPECT	F_RDI, FAULT_VA+0x2000, "T1 rdi"

	/* T2: MOVSL from the window to a read-only page */
	CLEAR_FAULT
	movq	$1f, F_RESUME
	mov	$(FAULT_VA + 8), %esi
	mov	$(FAULT_VA + 0x3010), %edi
	movsl
1:	EXPECT	F_VEC, 14, "T2 movsl window to a read-only page: vector"
	EXPECT	F_ERR, 3, "T2 error code"
	EXPECT	F_CR2, FAULT_VA+0x3010, "T2 cr2"
	EXPECT	0x10(%rbx), 0x85827f7c79767370, "T2 window page 0 at +0x10, untouched"

	/* T3: MOVSB from the window to a non-canonical address */
	CLEAR_FAULT
	movq	$1f, F_RESUME
	mov	$FAULT_VA, %esi
	movabs	$0x0000800000000000, %rdi
t3:	movsb
1:	EXPECT	F_VEC, 13, "T3 movsb window to a non-canonical address: vector"
	EXPECT	F_ERR, 0, "T3 error code"
	mov	F_RIP, %rax
	sub	$t3, %rax
	CHECK64	%rax, 0, "T3 rip minus the movsb"

	/* T4: MOVSQ whose 8-byte store starts 4 bytes before a not-present page */
	CLEAR_FAULT
	movq	$1f, F_RESUME
	mov	$FAULT_VA, %esi
	mov	$(FAULT_VA + 0x1ffc), %edi
	movsq
1:	EXPECT	F_VEC, 14, "T4 movsq across into a not-present page: vector"
	EXPECT	F_ERR, 2, "T4 error code"
	EXPECT	F_CR2, FAULT_VA+0x2000, "T4 cr2"
	EXPECT	0x1ff8(%rbx), MARK, "T4 window page 1 at +0xff8, untouched"

	/* T5: REP MOVSB of 16 bytes that reaches the not-present page after 8;
	 * the handler maps it and retries */
	CLEAR_FAULT
	movq	$1, F_MODE
	movq	$0, FIX_RAM
	mov	$(FAULT_VA + 0x100), %esi
	mov	$(FAULT_VA + 0x1ff8), %edi
	mov	$16, %ecx
t5:	rep movsb
	movq	$0, F_MODE
	mov	%rcx, %r12
	mov	%rsi, %r13
	mov	%rdi, %r14
	EXPECT	F_COUNT, 1, "T5 rep movsb into a not-present page: faults"
	EXPECT	F_VEC, 14, "T5 vector"
	EXPECT	F_ERR, 2, "T5 error code"
	EXPECT	F_CR2, FAULT_VA+0x2000, "T5 cr2"
	mov	F_RIP, %rax
	sub	$t5, %rax
	CHECK64	%rax, 0, "T5 rip minus the rep movsb"
	EXPECT	F_RCX, 8, "T5 rcx at the fault"
	EXPECT	F_RSI, FAULT_VA+0x108, "T5 rsi at the fault"
	EXPECT	F_RDI, FAULT_VA+0x2000, "T5 rdi at the fault"
	CHECK64	%r12, 0, "T5 rcx at the end"
	CHECK64	%r13, FAULT_VA+0x110, "T5 rsi at the end"
	CHECK64	%r14, FAULT_VA+0x2008, "T5 rdi at the end"
	EXPECT	0x1ff8(%rbx), 0x55524f4c49464340, "T5 window page 1 at +0xff8"
	EXPECT	FIX_RAM, 0x6d6a6764615e5b58, "T5 the page mapped by the handler"

	/* T6, T7: at CPL 3 */
	CLEAR_FAULT
	movq	$0xffff, U_T7_RDI
	movq	$2f, F_KRIP
	mov	%rsp, F_KRSP
	pushq	$(SEL_UDATA | 3)		/* SS */
	pushq	$USER_STACK			/* RSP */
	pushq	$0x002				/* RFLAGS: IF = 0 */
	pushq	$(SEL_UCODE | 3)		/* CS */
	pushq	$user_code			/* RIP */
	iretq
2:	mov	$WIN0, %ebx
	EXPECT	F_COUNT, 2, "T6/T7 faults at CPL 3 (T6, then the HLT that ends it)"
	EXPECT	U_T6_VEC, 14, \
		"T6 movsb user window page to a supervisor page at CPL 3: vector"
	EXPECT	U_T6_ERR, 7, "T6 error code"
	EXPECT	U_T6_CR2, FAULT_VA+0x4000, "T6 cr2"
	EXPECT	U_T7_RDI, FAULT_VA+0x6004, "T7 movsl window to a user RAM page at CPL 3: rdi"
	EXPECT	USER_RAM, 0x49464340, "T7 the user page"
	jmp	exit64

/* The CPL 3 part: T6 (its fault resumes at CPL 3), T7, then HLT, whose
 * #GP the handler (F_MODE 2) turns into a return to CPL 0 at F_KRIP. */
user_code:
	movq	$1f, F_RESUME
	mov	$(FAULT_VA + 0x5000), %esi
	mov	$(FAULT_VA + 0x4000), %edi
	movsb
1:	mov	F_VEC, %rax
	mov	%rax, U_T6_VEC
	mov	F_ERR, %rax
	mov	%rax, U_T6_ERR
	mov	F_CR2, %rax
	mov	%rax, U_T6_CR2
	mov	$(FAULT_VA + 0x5000), %esi
	mov	$(FAULT_VA + 0x6000), %edi
	movsl
	mov	%rdi, U_T7_RDI
	movq	$2, F_MODE
	hlt

/*
 * fault_hook: #GP and #PF (idt64.S calls it with the vector in %eax; the
 * saved registers, the vector, the error code and the CPU's frame lie
 * above its return address).  Records the fault, then returns as F_MODE
 * says.
 */
#define FR_RCX		104
#define FR_RSI		88
#define FR_RDI		80
#define FR_ERR		136
#define FR_RIP		144
#define FR_CS		152
#define FR_RFLAGS	160
#define FR_RSP		168
#define FR_SS		176
fault_hook:
	mov	%rax, F_VEC
	mov	FR_ERR(%rsp), %rdx
	mov	%rdx, F_ERR
	mov	%cr2, %rdx
	mov	%rdx, F_CR2
	mov	FR_RIP(%rsp), %rdx
	mov	%rdx, F_RIP
	mov	FR_RCX(%rsp), %rdx
	mov	%rdx, F_RCX
	mov	FR_RSI(%rsp), %rdx
	mov	%rdx, F_RSI
	mov	FR_RDI(%rsp), %rdx
	mov	%rdx, F_RDI
	incq	F_COUNT
	cmpq	$1, F_MODE
	je	1f
	cmpq	$2, F_MODE
	je	2f
	mov	F_RESUME, %rdx			/* skip the instruction */
	mov	%rdx, FR_RIP(%rsp)
	ret
1:	movq	$(FIX_RAM + PTE_P + PTE_RW), PT_FAULT + 2 * 8	/* map +0x2000, retry */
	invlpg	FAULT_VA + 0x2000
	ret
2:	movq	$0, F_MODE			/* back to CPL 0 */
	mov	F_KRIP, %rdx
	mov	%rdx, FR_RIP(%rsp)
	movq	$SEL_CODE64, FR_CS(%rsp)
	movq	$0x002, FR_RFLAGS(%rsp)
	mov	F_KRSP, %rdx
	mov	%rdx, FR_RSP(%rsp)
	movq	$SEL_DATA, FR_SS(%rsp)
	ret

/* setup_paging: FAULT_VA's page table, the U bits, CR0.WP. */
setup_paging:
	mov	$PT_FAULT, %edi
	xor	%eax, %eax
	mov	$512, %ecx
	rep stosq
	mov	$(WIN0 + PTE_P + PTE_RW), %eax
	mov	%rax, PT_FAULT + 0 * 8
	mov	$(WIN1 + PTE_P + PTE_RW), %eax
	mov	%rax, PT_FAULT + 1 * 8
	mov	$(WIN0 + PTE_P), %eax
	mov	%rax, PT_FAULT + 3 * 8
	mov	$(WIN1 + PTE_P + PTE_RW), %eax
	mov	%rax, PT_FAULT + 4 * 8
	mov	$(WIN0 + PTE_P + PTE_RW + PTE_U), %eax
	mov	%rax, PT_FAULT + 5 * 8
	movq	$(USER_RAM + PTE_P + PTE_RW + PTE_U), PT_FAULT + 6 * 8
	movq	$(PT_FAULT + PTE_P + PTE_RW + PTE_U), PD_1G	/* FAULT_VA: 4 KiB pages */
	orq	$PTE_U, PT_AREA			/* PML4[0] */
	orq	$PTE_U, PT_AREA + 0x1000	/* PDPT[0] */
	orq	$PTE_U, PT_AREA + 0x1008	/* PDPT[1] */
	orq	$PTE_U, PT_AREA + 0x2000	/* PD[0]: the first 2 MiB */
	mov	%cr0, %rax
	or	$CR0_WP, %eax
	mov	%rax, %cr0
	mov	%cr3, %rax
	mov	%rax, %cr3			/* flush the TLB */
	ret

/* setup_cpl3: GDT2 = gdt.S's five descriptors + user data, user code and a
 * 64-bit TSS (SDM Vol. 3A, 8.2.3, figure 8-4) whose RSP0 is FAULT_STACK. */
setup_cpl3:
	mov	$gdt, %esi
	mov	$GDT2, %edi
	mov	$5, %ecx
	rep movsq
	movabs	$0x00cff2000000ffff, %rax	/* 0x28: base 0, 4 GiB, P DPL 3, data r/w */
	mov	%rax, GDT2 + SEL_UDATA
	movabs	$0x00affa000000ffff, %rax	/* 0x30: L, P DPL 3, code r/x */
	mov	%rax, GDT2 + SEL_UCODE
	/* TSS: limit 0x67, base TSS, type 9 (available 64-bit TSS), P */
	mov	$TSS, %eax
	shl	$16, %rax
	or	$0x67, %rax
	mov	$0x89, %edx
	shl	$40, %rdx
	or	%rdx, %rax
	mov	%rax, GDT2 + SEL_TSS
	movq	$0, GDT2 + SEL_TSS + 8		/* base 63:32 = 0 */
	mov	$TSS, %edi
	xor	%eax, %eax
	mov	$13, %ecx
	rep stosq
	movq	$FAULT_STACK, TSS + 4		/* RSP0 */
	movw	$0x68, TSS + 0x66		/* I/O map base beyond the limit: no bitmap */
	lgdt	gdt2_desc
	mov	$SEL_TSS, %ax
	ltr	%ax
	ret

	.p2align 3
	.word	0, 0, 0
gdt2_desc:
	.word	SEL_TSS + 16 - 1
	.quad	GDT2

#include "pm.S"
#include "lm64.S"
#include "serial32.S"
#include "serial64.S"
#include "idt64.S"
#include "gdt.S"
