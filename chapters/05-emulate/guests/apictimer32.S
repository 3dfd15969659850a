/* SPDX-License-Identifier: GPL-2.0 */
/*
 * apictimer32.S - routines of the chapter-04 local-APIC timer guests,
 * 32-bit protected mode (#included after idt32.S).  The guests do not
 * know the APIC timer's clock or the TSC's frequency; they measure one
 * against the other.  Every time is in TSC cycles (low 32 bits: the
 * intervals here stay far below 2^32 cycles).  The timer's vector is
 * V_TIMER; h_timer notes the TSC when it arrives and EOIs.
 * Intel SDM Vol. 3A, 11.5.4 "APIC Timer".
 */
	.code32

/* h_timer: the timer's hook: the TSC of the arrival in timer_tsc, EOI. */
h_timer:
	rdtsc
	mov	%eax, timer_tsc
	movl	$0, LAPIC_BASE + LAPIC_EOI
	ret

/*
 * oneshot32: arm the one-shot timer with the initial count %ebx (LVT
 * timer = V_TIMER, divide as TDCR says), sleep in HLT until it arrives,
 * and return in %eax the TSC cycles from the write of the initial count
 * to the handler.  STI; HLT: STI's one-instruction shadow keeps the
 * interrupt from arriving before HLT, so it cannot be missed (SDM Vol. 2,
 * STI).
 */
oneshot32:
	push	%ecx
	push	%edx
	mov	COUNT(V_TIMER), %ecx
	movl	$V_TIMER, LAPIC_BASE + LAPIC_LVTT
	rdtsc
	mov	%eax, t_start
	mov	%ebx, LAPIC_BASE + LAPIC_TMICT
1:	sti
	hlt
	cli
	cmp	COUNT(V_TIMER), %ecx
	je	1b
	mov	timer_tsc, %eax
	sub	t_start, %eax
	pop	%edx
	pop	%ecx
	ret

/* spin32: spin for %eax TSC cycles, interrupts as they are. */
spin32:
	push	%eax
	push	%ebx
	push	%ecx
	push	%edx
	mov	%eax, %ebx
	rdtsc
	mov	%eax, %ecx
1:	pause
	rdtsc
	sub	%ecx, %eax
	cmp	%ebx, %eax
	jb	1b
	pop	%edx
	pop	%ecx
	pop	%ebx
	pop	%eax
	ret

/* note32: minivmm prints %ebx %ecx %edx %esi (CTL_NOTE): measured
 * numbers, kept out of the guest's own output, which the oracle compares. */
note32:
	push	%eax
	mov	$CTL_NOTE, %al
	call	ctl32
	pop	%eax
	ret

/* in_range32: %eax = 1 if %ebx <= %eax <= %ecx, else 0. */
in_range32:
	cmp	%ebx, %eax
	jb	1f
	cmp	%ecx, %eax
	ja	1f
	mov	$1, %eax
	ret
1:	xor	%eax, %eax
	ret

	.p2align 2
timer_tsc:	.long	0
t_start:	.long	0
