/* SPDX-License-Identifier: GPL-2.0 */
/*
 * host-isolation - a 64-bit guest that changes every piece of CPU state a
 * hypervisor must not let leak into its host, checks that it really got
 * each one (so the state is live in the CPU while it runs), and leaves it
 * all changed when it exits:
 *
 *   - its own GDT and an LDT (LLDT), FS loaded from the LDT;
 *   - the SYSCALL MSRs STAR, LSTAR, CSTAR, SFMASK, and FS_BASE, GS_BASE,
 *     KERNEL_GS_BASE (SWAPGS), then a SYSCALL into its own handler;
 *   - debug registers DR0-DR3 and DR7, with a write watchpoint that must
 *     fire (#DB) in the guest;
 *   - PKRU (WRPKRU), when CPUID says the CPU has protection keys;
 *   - RDPMC with CR4.PCE set (only when started with RBX = RDPMC_FLAG):
 *     the hypervisor intercepts it and, with no virtual PMU, injects #GP
 *     (vector 13) - the guest must not read the host's counters.  The
 *     real KVM gives an AMD guest a virtual PMU even with enable_pmu=0
 *     (measured, Linux 6.1), whose unprogrammed counter reads 0: the
 *     guest prints what happened and the scenario judges.
 *
 * The scenario runs it under minivmm (output and exit status, compared
 * with the real KVM) and under tools/host-check, which runs it in its own
 * process and then checks that the host still has its MSRs, its LDT and
 * segment selectors, its I/O permission bitmap (the TR limit), its
 * hardware breakpoints and its PKRU.
 * Manuals: Intel SDM Vol. 3A 5.8.8 (SYSCALL), 3.5.2 (LDT), 6.14 (64-bit
 * IDT), 4.6.2 (protection keys), Vol. 3B 18.2 (debug registers), Vol. 2B
 * RDPMC; AMD APM Vol. 2, 6.1.1, 4.6.2, 13.1.
 */
#include "guest.h"
#include "macros.S"

#define MAGIC_FS	0x0f5ba5e0f5ba5e00
#define MAGIC_GS	0x065ba5e065ba5e00
#define MAGIC_KGS	0x0c65ba5e0c65ba5e
#define FS_AREA		0x300000
#define GS_AREA		0x310000
#define KGS_AREA	0x320000
#define GUEST_STAR	0x0023001800000000	/* SYSCALL CS 0x18 (SS 0x20); SYSRET base 0x23 */
#define GUEST_CSTAR	0xffff800000c57a00
#define GUEST_SFMASK	0x0000000000004700	/* SYSCALL clears TF, IF, DF, NT */
#define GUEST_DR7	0x00000000000d0001	/* L0, RW0 = 01 (writes), LEN0 = 11 (4 bytes) */
#define GUEST_PKRU	0x0c0c0c0c		/* keys 1, 5, 9, 13: no access; key 0 free */
#define RDPMC_FLAG	0x434d5052		/* "RPMC": RBX from host-check */
#define SEL_LDT		0x28			/* gdt2: the LDT descriptor */
#define SEL_LDT_DATA	0x04			/* LDT entry 0, TI = 1, RPL 0 */
#define CR4_PCE		0x100			/* RDPMC at any CPL (SDM 2.5) */
#define CR4_PKE		0x400000		/* protection keys */
#define EFER_SCE	0x1
#define MSR_STAR	0xc0000081
#define MSR_LSTAR	0xc0000082
#define MSR_CSTAR	0xc0000083
#define MSR_SFMASK	0xc0000084
#define MSR_FS_BASE	0xc0000100
#define MSR_GS_BASE	0xc0000101
#define MSR_KGS_BASE	0xc0000102

/* WRMSR64 msr, value: write a 64-bit constant or label to an MSR. */
.macro WRMSR64 msr, value
	mov	$\msr, %ecx
	movabs	$\value, %rax
	mov	%rax, %rdx
	shr	$32, %rdx
	wrmsr
.endm

/* RDMSR64 msr: the MSR's value in %rax. */
.macro RDMSR64 msr
	mov	$\msr, %ecx
	rdmsr
	shl	$32, %rdx
	or	%rdx, %rax
.endm

	.code16
	.text
	.globl	_start
_start:
	/* tools/host-check starts us with RBX = RDPMC_FLAG: only then try
	 * RDPMC, whose answer differs between minikvm and the real KVM (see
	 * below), so that the run under minivmm stays comparable. */
	mov	%ebx, REAL(rdpmc_flag)
	jmp	enter_pm32

	.code32
main32:
	mov	$PT_AREA, %edi
	jmp	enter_lm64

	.code64
main64:
	xor	%r15, %r15
	call	setup_idt

	/* --- GDT and LDT ------------------------------------------------ */
	call	setup_gdt2
	lgdt	gdt2_desc
	mov	$SEL_LDT, %ax
	lldt	%ax
	mov	$SEL_LDT_DATA, %ax
	mov	%ax, %fs
	xor	%eax, %eax
	sldt	%ax
	CHECK64	%rax, SEL_LDT, "ldtr:"
	xor	%eax, %eax
	mov	%fs, %ax
	CHECK64	%rax, SEL_LDT_DATA, "fs selector:"

	/* --- MSRs --------------------------------------------------------- */
	movabs	$MAGIC_FS, %rax
	mov	%rax, FS_AREA
	movabs	$MAGIC_GS, %rax
	mov	%rax, GS_AREA
	movabs	$MAGIC_KGS, %rax
	mov	%rax, KGS_AREA
	WRMSR64	MSR_STAR, GUEST_STAR
	WRMSR64	MSR_LSTAR, syscall_entry
	WRMSR64	MSR_CSTAR, GUEST_CSTAR
	WRMSR64	MSR_SFMASK, GUEST_SFMASK
	WRMSR64	MSR_FS_BASE, FS_AREA
	WRMSR64	MSR_GS_BASE, GS_AREA
	WRMSR64	MSR_KGS_BASE, KGS_AREA
	RDMSR64	MSR_STAR
	CHECK64	%rax, GUEST_STAR, "star:"
	RDMSR64	MSR_LSTAR
	CHECK64	%rax, syscall_entry, "lstar:"
	RDMSR64	MSR_CSTAR
	CHECK64	%rax, GUEST_CSTAR, "cstar:"
	RDMSR64	MSR_SFMASK
	CHECK64	%rax, GUEST_SFMASK, "sfmask:"
	mov	%fs:0, %rax
	CHECK64	%rax, MAGIC_FS, "through fs:"
	mov	%gs:0, %rax
	CHECK64	%rax, MAGIC_GS, "through gs:"
	swapgs				/* GS base <-> KERNEL_GS_BASE */
	mov	%gs:0, %rax
	CHECK64	%rax, MAGIC_KGS, "through gs after swapgs:"
	RDMSR64	MSR_KGS_BASE
	CHECK64	%rax, GS_AREA, "kernel_gs_base after swapgs:"
	swapgs

	/* --- SYSCALL: through the guest's LSTAR, STAR and SFMASK ---------- */
	mov	$MSR_EFER, %ecx
	rdmsr
	or	$EFER_SCE, %eax		/* SYSCALL enable (SDM 2.2.1) */
	wrmsr
	pushfq
	orq	$0x400, (%rsp)		/* DF set: SFMASK must clear it */
	popfq
	syscall
	cld
	mov	syscall_count, %rax
	CHECK64	%rax, 1, "syscalls:"
	mov	syscall_cs, %rax
	CHECK64	%rax, 0x18, "cs in the syscall handler:"
	mov	syscall_rflags, %rax
	and	$GUEST_SFMASK, %rax
	CHECK64	%rax, 0, "masked rflags bits in the handler:"

	/* --- debug registers: a write watchpoint of the guest's own ------- */
	movabs	$watch, %rax
	mov	%rax, %dr0
	mov	$0x1111000, %eax
	mov	%rax, %dr1
	mov	$0x2222000, %eax
	mov	%rax, %dr2
	mov	$0x3333000, %eax
	mov	%rax, %dr3
	mov	$GUEST_DR7, %eax
	mov	%rax, %dr7
	/* An exit between arming and firing: the hypervisor must load DR0-3
	 * again on the next entry (the host may have had the CPU's). */
	xor	%eax, %eax
	cpuid
	movl	$1, watch		/* #DB, a trap after the write */
	mov	db_hits, %rax
	CHECK64	%rax, 1, "watchpoint hits:"
	mov	db_dr6, %rax
	and	$0xf, %eax
	CHECK64	%rax, 1, "dr6 b0-b3 in the #DB handler:"
	mov	%dr0, %rax
	CHECK64	%rax, watch, "dr0:"
	mov	%dr1, %rax
	CHECK64	%rax, 0x1111000, "dr1:"
	mov	%dr2, %rax
	CHECK64	%rax, 0x2222000, "dr2:"
	mov	%dr3, %rax
	CHECK64	%rax, 0x3333000, "dr3:"
	mov	%dr7, %rax
	and	$~0x400, %eax		/* bit 10 reads as 1 */
	CHECK64	%rax, GUEST_DR7, "dr7:"

	/* --- PKRU, where the CPU has protection keys ---------------------- */
	mov	$7, %eax
	xor	%ecx, %ecx
	cpuid
	/* Leave no CPUID answer in a register: the hypervisors' supported
	 * CPUID may differ, and the final registers are compared. */
	xor	%eax, %eax
	xor	%ebx, %ebx
	xor	%edx, %edx
	test	$(1 << 3), %ecx		/* CPUID.(7,0):ECX.PKU */
	mov	$0, %ecx
	jz	1f
	/* A whole value, not a read-modify-write: under SVM a guest reads
	 * the host's CR4.MCE, which a hypervisor keeps set (svm.c). */
	mov	$(CR4_PAE | CR4_PKE), %eax
	mov	%rax, %cr4
	mov	$GUEST_PKRU, %eax
	xor	%ecx, %ecx
	xor	%edx, %edx
	wrpkru
	xor	%ecx, %ecx
	rdpkru
	CHECK64	%rax, GUEST_PKRU, "pkru:"
	jmp	2f
1:	PUTS64	"pkru: no PKU\n"
2:
	/* --- RDPMC must fault ----------------------------------------------- */
	cmpl	$RDPMC_FLAG, rdpmc_flag
	jne	5f
	mov	%cr4, %rax
	and	$(CR4_PKE), %eax	/* keep PKE if set above, drop MCE */
	or	$(CR4_PAE | CR4_PCE), %eax
	mov	%rax, %cr4
	movq	$0, last_vector
	xor	%ecx, %ecx
	xor	%eax, %eax
	xor	%edx, %edx
	rdpmc				/* 0F 33: the handlers step over 2 bytes */
	cmpq	$0, last_vector
	je	3f
	PUTS64	"rdpmc raised vector: "
	mov	last_vector, %rax
	jmp	4f
	/* No fault: a virtual PMU answered (the real KVM gives AMD guests
	 * one).  The scenario decides whether that is allowed. */
3:	PUTS64	"rdpmc read without a fault: "
	shl	$32, %rdx
	or	%rdx, %rax
4:	call	putx64
	PUTS64	"\n"
5:

	/* Leave it all as it is: the host must not see any of it. */
	jmp	exit64

/* SYSCALL lands here (LSTAR): RCX = return RIP, R11 = RFLAGS before. */
syscall_entry:
	incq	syscall_count
	push	%rax
	xor	%eax, %eax
	mov	%cs, %ax
	mov	%rax, syscall_cs
	pushfq
	pop	%rax
	mov	%rax, syscall_rflags	/* what SFMASK left */
	pop	%rax
	push	%r11
	popfq
	jmp	*%rcx

/* #DB: count it, keep DR6, clear DR6's status bits (SDM 18.2.3). */
db_entry:
	push	%rax
	incq	db_hits
	mov	%dr6, %rax
	mov	%rax, db_dr6
	mov	$0xffff0ff0, %eax
	mov	%rax, %dr6
	pop	%rax
	iretq

/* #GP (with an error code) and #UD: note the vector, step over the
 * 2-byte instruction that faulted (RDPMC). */
gp_entry:
	add	$8, %rsp
	movq	$13, last_vector
	addq	$2, (%rsp)
	iretq
ud_entry:
	movq	$6, last_vector
	addq	$2, (%rsp)
	iretq

/* setup_idt: 64-bit interrupt gates (SDM 6.14.1) for #DB, #UD, #GP. */
setup_idt:
	mov	$1, %edi
	movabs	$db_entry, %rax
	call	set_gate
	mov	$6, %edi
	movabs	$ud_entry, %rax
	call	set_gate
	mov	$13, %edi
	movabs	$gp_entry, %rax
	call	set_gate
	lidt	idt_desc
	ret

/* set_gate: IDT entry %edi -> handler %rax, CS = SEL_CODE64, present,
 * DPL 0, type 0xE (64-bit interrupt gate). */
set_gate:
	shl	$4, %edi
	add	$idt, %rdi
	mov	%ax, (%rdi)		/* offset 15:0 */
	movw	$SEL_CODE64, 2(%rdi)
	movw	$0x8e00, 4(%rdi)	/* P, DPL 0, type 0xE, IST 0 */
	shr	$16, %rax
	mov	%ax, 6(%rdi)		/* offset 31:16 */
	shr	$16, %rax
	mov	%eax, 8(%rdi)		/* offset 63:32 */
	movl	$0, 12(%rdi)
	ret

/* setup_gdt2: gdt2 is gdt.S's GDT plus, at SEL_LDT, a 16-byte LDT
 * descriptor (SDM 3.5, 64-bit system descriptor, type 2) for ldt. */
setup_gdt2:
	mov	$gdt, %esi
	mov	$gdt2, %edi
	mov	$(gdt_end - gdt), %ecx
	rep movsb
	mov	$gdt2 + SEL_LDT, %edi
	mov	$ldt, %eax
	movw	$(ldt_end - ldt - 1), (%rdi)	/* limit 15:0 */
	mov	%ax, 2(%rdi)			/* base 15:0 */
	shr	$16, %eax
	mov	%al, 4(%rdi)			/* base 23:16 */
	movb	$0x82, 5(%rdi)			/* P, DPL 0, type 2: LDT */
	movb	$0, 6(%rdi)			/* limit 19:16, flags */
	mov	%ah, 7(%rdi)			/* base 31:24 */
	movq	$0, 8(%rdi)			/* base 63:32, reserved */
	ret

	.data
	.p2align 4
idt:	.fill	64, 8, 0		/* 32 gates of 16 bytes */
idt_end:
	.p2align 2
	.word	0
idt_desc:
	.word	idt_end - idt - 1
	.quad	idt
	.p2align 3
gdt2:	.fill	SEL_LDT + 16, 1, 0
gdt2_end:
	.p2align 2
	.word	0
gdt2_desc:
	.word	gdt2_end - gdt2 - 1
	.quad	gdt2
	.p2align 3
ldt:	.quad	0x00cf92000000ffff	/* entry 0: flat data, as SEL_DATA */
ldt_end:
	.p2align 3
watch:		.quad	0
db_hits:	.quad	0
db_dr6:		.quad	0
last_vector:	.quad	0
syscall_count:	.quad	0
syscall_cs:	.quad	0
syscall_rflags:	.quad	0
rdpmc_flag:	.long	0

	.text
#include "pm.S"
#include "lm64.S"
#include "serial32.S"
#include "serial64.S"
#include "gdt.S"
