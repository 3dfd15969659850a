/* SPDX-License-Identifier: GPL-2.0 */
/*
 * multiboot - a 64-bit kernel booted the Multiboot v1 way (minivmm
 * --multiboot, as QEMU's -kernel): it has a multiboot header, is entered
 * in 32-bit protected mode as the specification's section 3.2 "Machine
 * state" says, checks that state, switches itself to long mode (lm64.S)
 * and prints what the boot information (section 3.3) holds: command line,
 * boot loader name, memory sizes, each module's string, size and first
 * line, and the memory map.
 *
 * Built three ways from this one file (Makefile): an ELF64 executable; the
 * same converted to ELF32 by objcopy (the 64-bit code is just bytes to a
 * loader); and, with AOUT_KLUDGE, a flat image whose header has flag 16
 * and the address fields that tell the loader where it goes.  All three
 * load at 1 MiB (multiboot.ld) and must print the same.
 */
#include "guest.h"
#include "macros.S"

/* "The Multiboot Specification version 0.6.96", 3.1.2 and 3.1.3. */
#define MB_HEADER_MAGIC		0x1badb002
#define MB_BOOTLOADER_MAGIC	0x2badb002
#define MB_PAGE_ALIGN		0x00000001
#define MB_MEMORY_INFO		0x00000002
#define MB_AOUT_KLUDGE		0x00010000
#ifdef AOUT_KLUDGE
#define MB_FLAGS		(MB_PAGE_ALIGN | MB_MEMORY_INFO | MB_AOUT_KLUDGE)
#else
#define MB_FLAGS		(MB_PAGE_ALIGN | MB_MEMORY_INFO)
#endif
/* Boot information fields (3.3) and flags */
#define MBI_FLAGS		0
#define MBI_MEM_LOWER		4
#define MBI_MEM_UPPER		8
#define MBI_CMDLINE		16
#define MBI_MODS_COUNT		20
#define MBI_MODS_ADDR		24
#define MBI_MMAP_LENGTH		44
#define MBI_MMAP_ADDR		48
#define MBI_BOOT_LOADER_NAME	64
#define MBI_F_MEMORY		0
#define MBI_F_CMDLINE		2
#define MBI_F_MODS		3
#define MBI_F_MMAP		6
#define MBI_F_LOADER_NAME	9

	.text
	.code32
	.globl	_start
	.p2align 2
mb_header:				/* 3.1.1 */
	.long	MB_HEADER_MAGIC
	.long	MB_FLAGS
	.long	-(MB_HEADER_MAGIC + MB_FLAGS)
#ifdef AOUT_KLUDGE
	.long	mb_header		/* header_addr */
	.long	__image_start		/* load_addr: the file's first byte */
	.long	__load_end		/* load_end_addr: end of .data */
	.long	__bss_end		/* bss_end_addr: the loader zeroes .bss */
	.long	_start			/* entry_addr */
#endif

_start:
	mov	$STACK_TOP, %esp	/* 3.2: ESP is ours to set */
	mov	%ebx, mbi
	xor	%ebp, %ebp
	CHECK32	%eax, MB_BOOTLOADER_MAGIC, "multiboot: eax"
	mov	%cr0, %eax
	and	$(CR0_PG | CR0_PE), %eax
	CHECK32	%eax, CR0_PE, "multiboot: cr0.pg|pe"
	pushf
	pop	%eax
	and	$0x20200, %eax		/* EFLAGS.VM (bit 17), IF (bit 9) */
	CHECK32	%eax, 0, "multiboot: eflags.vm|if"
	lgdt	gdt_desc		/* 3.2: GDTR may be invalid: load ours */
	mov	$page_tables, %edi
	jmp	enter_lm64

	.code64
main64:
	mov	%ebp, %r15d
	mov	mbi, %ebx
	PUTS64	"multiboot: now in long mode\n"

	btl	$MBI_F_CMDLINE, MBI_FLAGS(%rbx)
	jnc	1f
	PUTS64	"cmdline: "
	mov	MBI_CMDLINE(%rbx), %esi
	call	puts64
	PUTS64	"\n"
1:	btl	$MBI_F_LOADER_NAME, MBI_FLAGS(%rbx)
	jnc	1f
	PUTS64	"boot loader: "
	mov	MBI_BOOT_LOADER_NAME(%rbx), %esi
	call	puts64
	PUTS64	"\n"
1:	btl	$MBI_F_MEMORY, MBI_FLAGS(%rbx)
	jnc	1f
	PUTS64	"mem_lower "
	mov	MBI_MEM_LOWER(%rbx), %eax
	call	putd64
	PUTS64	" KiB, mem_upper "
	mov	MBI_MEM_UPPER(%rbx), %eax
	call	putd64
	PUTS64	" KiB\n"

1:	btl	$MBI_F_MODS, MBI_FLAGS(%rbx)
	jnc	3f
	mov	MBI_MODS_COUNT(%rbx), %r12d
	mov	MBI_MODS_ADDR(%rbx), %r13d	/* struct multiboot_mod_list[] */
	xor	%r14d, %r14d
2:	cmp	%r12d, %r14d
	je	3f
	PUTS64	"module "
	mov	%r14, %rax
	call	putd64
	PUTS64	": "
	mov	8(%r13), %esi		/* its string */
	call	puts64
	PUTS64	", "
	mov	4(%r13), %eax		/* mod_end - mod_start */
	sub	(%r13), %eax
	call	putd64
	PUTS64	" bytes: "
	mov	(%r13), %esi
	mov	4(%r13), %ecx
	sub	%esi, %ecx
	cmp	$40, %ecx
	jbe	4f
	mov	$40, %ecx
4:	call	putsn64
	PUTS64	"\n"
	add	$16, %r13
	inc	%r14d
	jmp	2b

3:	btl	$MBI_F_MMAP, MBI_FLAGS(%rbx)
	jnc	6f
	mov	MBI_MMAP_ADDR(%rbx), %r12d	/* each entry: size, then base, length, type */
	mov	MBI_MMAP_LENGTH(%rbx), %r13d
	add	%r12, %r13
5:	cmp	%r13, %r12
	jae	6f
	PUTS64	"mmap 0x"
	mov	4(%r12), %rax
	call	putx64
	PUTS64	" +0x"
	mov	12(%r12), %rax
	call	putx64
	PUTS64	" type "
	mov	20(%r12), %eax
	call	putd64
	PUTS64	"\n"
	mov	(%r12), %eax		/* the size field counts the bytes after it */
	lea	4(%r12, %rax), %r12
	jmp	5b
6:	jmp	exit64

#include "lm64.S"
#include "serial32.S"
#include "serial64.S"
#include "gdt.S"

	.bss
	.p2align 12
page_tables:
	.skip	6 * 4096		/* lm64.S: PML4, PDPT, 4 page directories */
mbi:
	.skip	4
