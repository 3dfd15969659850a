/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Multiboot v1 header and entry point of the PVH shim.
 *
 * GRUB ("multiboot /pvh-shim.elf ...") finds the header below, loads this
 * ELF at its physical addresses (0x100000, see link.ld) and jumps to _start
 * with (Multiboot 0.6.96, section 3.2):
 *   EAX = 0x2BADB002, EBX = physical address of the boot information,
 *   32-bit protected mode, paging off, flat CS/DS/ES/FS/GS/SS, IF = 0,
 *   but GDTR possibly pointing into loader memory that we may overwrite,
 *   and no stack.
 */
#include "multiboot.h"

#define MB_FLAGS (MULTIBOOT_PAGE_ALIGN | MULTIBOOT_MEMORY_INFO)

#define CODE_SEL 0x08
#define DATA_SEL 0x10

	/* Section 3.1.1: in the first 8 KiB of the file, 4-byte aligned. */
	.section .multiboot, "a"
	.balign 4
	.long MULTIBOOT_HEADER_MAGIC
	.long MB_FLAGS
	.long -(MULTIBOOT_HEADER_MAGIC + MB_FLAGS)	/* checksum: sum is 0 */

	.text
	.globl _start
_start:
	cli
	cld
	/*
	 * Use our own GDT: GRUB's may lie where the kernel is about to be
	 * copied. The descriptors are the same flat 4 GiB segments, so the
	 * PVH entry conditions (flat 32-bit CS, DS, ES, SS) keep holding.
	 */
	lgdt	gdt_desc
	ljmp	$CODE_SEL, $1f
1:	movl	$DATA_SEL, %ecx
	movl	%ecx, %ds
	movl	%ecx, %es
	movl	%ecx, %fs
	movl	%ecx, %gs
	movl	%ecx, %ss
	movl	$stack_top, %esp

	pushl	%ebx		/* struct mb_info * */
	pushl	%eax		/* loader magic     */
	call	shim_main	/* does not return  */
2:	hlt
	jmp	2b

/*
 * void pvh_enter(uint32_t entry, uint32_t start_info)
 * The PVH ABI needs nothing but EBX = start info; the CPU state set up
 * above already matches what it asks for.
 */
	.globl pvh_enter
pvh_enter:
	movl	4(%esp), %eax
	movl	8(%esp), %ebx
	cli
	cld
	jmp	*%eax

	.section .rodata
	.balign 8
gdt:
	.quad 0				/* null descriptor              */
	.quad 0x00cf9a000000ffff	/* 0x08: code, base 0, 4 GiB, 32-bit */
	.quad 0x00cf92000000ffff	/* 0x10: data, base 0, 4 GiB    */
gdt_end:
gdt_desc:
	.word gdt_end - gdt - 1
	.long gdt

	.bss
	.balign 16
	.skip 16384
stack_top:

	/* No executable stack needed (keeps the linker quiet). */
	.section .note.GNU-stack, "", @progbits
