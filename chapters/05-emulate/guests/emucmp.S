/* SPDX-License-Identifier: GPL-2.0 */
/*
 * emucmp.S - the RAM-versus-window comparison of the chapter-05 guests
 * (#included after serial64.S; 64-bit long mode, lm64.S's identity map;
 * emumacros.S, #included at the top, has its definitions and FORM).
 *
 * minivmm's window (guest.h, EMU_WINDOW_BASE) behaves like RAM but is no
 * memory slot, so the hypervisor must emulate every instruction that
 * touches it.  A "case" runs one snippet of code (the body) twice from the
 * same registers, flags and memory contents: once with its memory operands
 * in RAM (RAMBUF, executed by the CPU alone) and once in the window
 * (executed by the hypervisor's emulator, with a KVM_EXIT_MMIO for each
 * access).  The CPU is the oracle: both runs must end with the same
 * registers, the same flags (those the instruction defines: each form
 * gives a mask, since the SDM leaves some flags undefined) and the same
 * memory.  So the guest needs no table of expected results, and the real
 * KVM passes by construction; the scenario still checks a hash of every
 * result, so that a run where both sides are wrong in the same way (say,
 * a window that is not reached at all) cannot pass either.
 *
 * How a body finds its memory, the same way in both runs:
 *   %rbx = base_s, FS.base = GS.base = base_s (the "source" buffer)
 *   %rsi = base_s + its input, %rdi = base_d + its input when V_NORM says
 *   (string instructions), else plain values
 *   ALIAS (0x40000000 + offset): a 2 MiB page that maps RAMBUF's page in
 *   the RAM run and the window's in the window run, for addresses coded
 *   into the instruction (RIP-relative, 64-bit moffs)
 * Registers that hold addresses (V_NORM: %rbx, %rsi, %rdi) are compared
 * as offsets from their buffer.
 *
 * A guest defines emu_driver, which fills IN_REGS/IN_MEM for each case of
 * a form and calls run_case, then form_end; the FORM macro defines a body
 * and calls emu_driver.  Each form prints one line:
 *   "NAME: N cases, hash H"       every case equal in both runs
 *   "NAME: case C differs at +O: ram R window W WRONG" for a difference
 * H is a 64-bit FNV-1a over the window run's final state, qword by qword
 * (16 registers, RFLAGS masked, the compared memory).
 */

	.code64

/* emu_init: the comparison's variables (V_NORM 1, 16 bytes compared, offsets
 * 0, both buffers RAMBUF in the RAM run and the window in the other). */
emu_init:
	movq	$0, V_FAIL
	movq	$1, V_NORM
	movq	$16, V_MEMLEN
	movq	$0, V_OFF_S
	movq	$0, V_OFF_D
	movq	$0, V_CASES
	movq	$0, V_BAD
	movabs	$FNV64_BASIS, %rax
	mov	%rax, V_HASH
	movq	$RAMBUF, V_RAM_S
	movq	$RAMBUF, V_RAM_D
	mov	$EMU_WINDOW_BASE, %eax
	mov	%rax, V_WIN_S
	mov	%rax, V_WIN_D
	ret

/* copy_qwords: %rcx bytes (a multiple of 8) from %rsi to %rdi with MOVs
 * (not MOVS: on the window only the MOV forms every chapter decodes). */
copy_qwords:
	push	%rax
	shr	$3, %rcx
	jz	2f
1:	mov	(%rsi), %rax
	mov	%rax, (%rdi)
	add	$8, %rsi
	add	$8, %rdi
	loop	1b
2:	pop	%rax
	ret

/* run_once: run the body once on V_BASE_S/V_BASE_D; its final state goes
 * to CUR.  Clobbers every register but %rsp. */
run_once:
	/* the buffers' input: IN_MEM at the source, IN_MEM_D at the destination */
	mov	V_BASE_S, %rdi
	add	V_OFF_S, %rdi
	mov	$IN_MEM, %esi
	mov	V_MEMLEN, %rcx
	call	copy_qwords
	mov	V_BASE_S, %rax
	add	V_OFF_S, %rax
	mov	V_BASE_D, %rdi
	add	V_OFF_D, %rdi
	cmp	%rax, %rdi
	je	1f
	mov	$IN_MEM_D, %esi
	mov	V_MEMLEN, %rcx
	call	copy_qwords
1:	/* ALIAS maps this run's buffer page */
	mov	V_PDE, %rax
	mov	%rax, ALIAS_PDE
	invlpg	ALIAS
	/* FS and GS at the source buffer */
	mov	V_BASE_S, %rax
	mov	%rax, %rdx
	shr	$32, %rdx
	mov	$MSR_FS_BASE, %ecx
	wrmsr
	mov	$MSR_GS_BASE, %ecx
	wrmsr
	/* the registers, with the buffers' bases added where V_NORM says */
	mov	$IN_REGS, %esi
	mov	$LOAD, %edi
	mov	$0x88, %ecx
	call	copy_qwords
	mov	V_BASE_S, %rax
	testb	$1, V_NORM
	jz	2f
	add	%rax, LOAD + 3 * 8
2:	testb	$2, V_NORM
	jz	3f
	add	%rax, LOAD + 6 * 8
3:	mov	V_BASE_D, %rax
	testb	$4, V_NORM
	jz	4f
	add	%rax, LOAD + 7 * 8
4:	mov	%rsp, V_RSP
	pushq	LOAD + ST_FLAGS
	popfq
	mov	LOAD + 0 * 8, %rax
	mov	LOAD + 1 * 8, %rcx
	mov	LOAD + 2 * 8, %rdx
	mov	LOAD + 3 * 8, %rbx
	mov	LOAD + 5 * 8, %rbp
	mov	LOAD + 6 * 8, %rsi
	mov	LOAD + 7 * 8, %rdi
	mov	LOAD + 8 * 8, %r8
	mov	LOAD + 9 * 8, %r9
	mov	LOAD + 10 * 8, %r10
	mov	LOAD + 11 * 8, %r11
	mov	LOAD + 12 * 8, %r12
	mov	LOAD + 13 * 8, %r13
	mov	LOAD + 14 * 8, %r14
	mov	LOAD + 15 * 8, %r15
	call	*V_BODY
	pushfq
	popq	CUR + ST_FLAGS
	mov	%rax, CUR + 0 * 8
	mov	%rcx, CUR + 1 * 8
	mov	%rdx, CUR + 2 * 8
	mov	%rbx, CUR + 3 * 8
	mov	%rsp, CUR + 4 * 8
	mov	%rbp, CUR + 5 * 8
	mov	%rsi, CUR + 6 * 8
	mov	%rdi, CUR + 7 * 8
	mov	%r8, CUR + 8 * 8
	mov	%r9, CUR + 9 * 8
	mov	%r10, CUR + 10 * 8
	mov	%r11, CUR + 11 * 8
	mov	%r12, CUR + 12 * 8
	mov	%r13, CUR + 13 * 8
	mov	%r14, CUR + 14 * 8
	mov	%r15, CUR + 15 * 8
	mov	V_RSP, %rsp
	cld
	/* addresses as offsets, the flags the form defines */
	mov	V_BASE_S, %rax
	testb	$1, V_NORM
	jz	5f
	sub	%rax, CUR + 3 * 8
5:	testb	$2, V_NORM
	jz	6f
	sub	%rax, CUR + 6 * 8
6:	mov	V_BASE_D, %rax
	testb	$4, V_NORM
	jz	7f
	sub	%rax, CUR + 7 * 8
7:	mov	V_MASK, %rax
	and	%rax, CUR + ST_FLAGS
	/* the destination's memory */
	mov	V_BASE_D, %rsi
	add	V_OFF_D, %rsi
	mov	$(CUR + ST_MEM), %edi
	mov	V_MEMLEN, %rcx
	call	copy_qwords
	ret

/* run_case: one case, IN_REGS and IN_MEM(_D) ready: run it on RAM and on
 * the window, compare, hash.  Clobbers every register but %rsp. */
run_case:
	mov	V_RAM_S, %rax
	mov	%rax, V_BASE_S
	mov	V_RAM_D, %rax
	mov	%rax, V_BASE_D
	movq	$(RAMBUF - 0x1000 + PDE_2M), V_PDE
	call	run_once
	mov	$CUR, %esi
	mov	$SAVE_RAM, %edi
	mov	$ST_SIZE, %ecx
	call	copy_qwords
	mov	V_WIN_S, %rax
	mov	%rax, V_BASE_S
	mov	V_WIN_D, %rax
	mov	%rax, V_BASE_D
	/* above 2 GiB: no imm32 store to memory */
	mov	$(EMU_WINDOW_BASE - 0x1000 + PDE_2M), %eax
	mov	%rax, V_PDE
	call	run_once
	mov	$CUR, %esi
	mov	$SAVE_WIN, %edi
	mov	$ST_SIZE, %ecx
	call	copy_qwords
	/* compare and hash, qword by qword */
	mov	V_MEMLEN, %rcx
	add	$ST_MEM, %rcx
	shr	$3, %rcx
	xor	%ebx, %ebx
	mov	V_HASH, %rdx
	movabs	$FNV64_PRIME, %r8
1:	mov	SAVE_WIN(, %rbx, 8), %rax
	xor	%rax, %rdx
	imul	%r8, %rdx
	cmp	SAVE_RAM(, %rbx, 8), %rax
	je	2f
	call	report_diff
2:	inc	%rbx
	loop	1b
	mov	%rdx, V_HASH
	incq	V_CASES
	ret

/* report_diff: qword %rbx of the state differs; print it (3 a form at most). */
report_diff:
	push	%rax
	push	%rsi
	movq	$1, V_FAIL
	cmpq	$3, V_BAD
	jae	1f
	incq	V_BAD
	mov	V_NAME, %rsi
	call	puts64
	PUTS64	": case "
	mov	V_CASES, %rax
	call	putd64
	PUTS64	" differs at +"
	lea	(, %rbx, 8), %rax
	call	putd64
	PUTS64	": ram "
	mov	SAVE_RAM(, %rbx, 8), %rax
	call	putx64
	PUTS64	" window "
	mov	SAVE_WIN(, %rbx, 8), %rax
	call	putx64
	PUTS64	" WRONG\n"
1:	pop	%rsi
	pop	%rax
	ret

/* form_end: print "NAME: N cases, hash H", start the next form. */
form_end:
	push	%rax
	push	%rsi
	mov	V_NAME, %rsi
	call	puts64
	PUTS64	": "
	mov	V_CASES, %rax
	call	putd64
	PUTS64	" cases, hash "
	mov	V_HASH, %rax
	call	putx64
	PUTS64	"\n"
	movq	$0, V_CASES
	movq	$0, V_BAD
	movabs	$FNV64_BASIS, %rax
	mov	%rax, V_HASH
	pop	%rsi
	pop	%rax
	ret

/* emu_exit: EXIT_PASS when every case of every form was equal. */
emu_exit:
	mov	V_FAIL, %r15
	jmp	exit64
