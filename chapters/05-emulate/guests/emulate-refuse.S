/* SPDX-License-Identifier: GPL-2.0 */
/*
 * emulate-refuse - an MMIO access by an instruction the emulator does not
 * know: an x87 load (FLD m32, D9 /0) from minivmm's window.  Neither
 * minikvm's emulator nor KVM's has it, so both stop the guest with
 * KVM_EXIT_INTERNAL_ERROR, suberror KVM_INTERNAL_ERROR_EMULATION, and the
 * instruction's bytes in kvm_run's emulation_failure (flag
 * KVM_INTERNAL_ERROR_EMULATION_FLAG_INSTRUCTION_BYTES, KVM's ABI): a VMM
 * must be told what could not be done, never see a guessed result.
 * CR0.EM = CR0.TS = 0, so the CPU itself raises no #NM and the access
 * reaches the window.
 */
#include "guest.h"
#include "macros.S"

	.code16
	.text
	.globl	_start
_start:
	jmp	enter_pm32

	.code32
main32:
	xor	%ebp, %ebp
	PUTS32	"refuse: FLD m32 from the MMIO window\n"
	flds	EMU_WINDOW_BASE		/* d9 05 00 10 00 d0 */
	PUTS32	"FLD went through\n"
	or	$1, %ebp
	jmp	exit32

#include "pm.S"
#include "serial32.S"
#include "gdt.S"
