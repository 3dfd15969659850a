/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fetch-beyond - a guest (16 MiB of RAM) jumps to 0x40000000, where no
 * memslot is: the CPU's fetch of the next instruction faults in the
 * second-level tables.  There is no instruction to emulate, since its
 * bytes are what cannot be read, so the hypervisor must stop the guest
 * with KVM_EXIT_INTERNAL_ERROR, suberror KVM_INTERNAL_ERROR_EMULATION and
 * no instruction bytes (flags 0), as KVM does.  beyond-ram.sh runs it.
 */
#include "guest.h"

	.code16
	.text
	.globl	_start
_start:
	jmp	enter_pm32

	.code32
main32:
	mov	$0x40000000, %eax
	jmp	*%eax

#include "pm.S"
#include "serial32.S"
#include "gdt.S"
