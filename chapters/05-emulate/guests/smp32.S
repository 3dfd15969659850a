/* SPDX-License-Identifier: GPL-2.0 */
/*
 * smp32.S - the multiprocessor library of the chapter-04 guests, 32-bit
 * protected mode without paging (#included after pm.S, serial32.S).
 *
 * Starting the APs (Intel SDM Vol. 3A, 9.4.4.1 "Typical BSP
 * Initialization Sequence" and 11.6.1; the MultiProcessor Specification
 * 1.4, B.4): start_aps32 sends an INIT IPI and then two STARTUP IPIs to
 * all processors but itself.  A STARTUP IPI's vector v makes the AP start
 * in real mode at CS:IP = (v << 8):0, physical address v * 4 KiB, so the
 * real-mode trampoline ap_tramp below sits on a 4 KiB boundary under
 * 1 MiB (inside the guest image, at LOAD_ADDR + n * 4 KiB).  A hypervisor
 * needs none of the MP spec's 10 ms and 200 us delays, and KVM takes the
 * second STARTUP only from a processor still waiting for one, so the
 * guest sends both back to back.
 *
 * ap_tramp switches to protected mode with pm.S's GDT, takes the next AP
 * stack (AP_STACKS) with a LOCK XADD on ap_next, loads the IDT when the
 * guest has one (idt_desc32 from idt32.S, if included) and calls the
 * guest's ap_main32; an AP whose ap_main32 returns stops in CLI; HLT.
 *
 * plock32/punlock32: a spinlock in guest memory around a line of output,
 * so that two processors' lines do not mix on COM1.
 */
	.code32

/* lapic_id32: %eax = this processor's APIC ID (xAPIC ID register 31:24). */
lapic_id32:
	mov	LAPIC_BASE + LAPIC_ID, %eax
	shr	$24, %eax
	ret

/* icr_send32: send the IPI %eax (ICR low) to the xAPIC destination %edx
 * (ICR high, bits 31:24 = destination), then wait for the delivery
 * status to read idle (SDM 11.6.1: write the high half first, the low
 * half sends). */
icr_send32:
	mov	%edx, LAPIC_BASE + LAPIC_ICR_HI
	mov	%eax, LAPIC_BASE + LAPIC_ICR_LO
	push	%eax
1:	mov	LAPIC_BASE + LAPIC_ICR_LO, %eax		/* MOV only: see LAPIC_SW_ENABLE */
	test	$ICR_PENDING, %eax
	jz	2f
	pause
	jmp	1b
2:	pop	%eax
	ret

/* start_aps32: INIT-SIPI-SIPI to all but self (see above). */
start_aps32:
	push	%eax
	push	%edx
	xor	%edx, %edx
	mov	$(ICR_ALL_BUT_SELF | ICR_ASSERT | ICR_INIT), %eax
	call	icr_send32
	mov	$ap_tramp, %eax
	shr	$12, %eax		/* the STARTUP vector: the page number */
	or	$(ICR_ALL_BUT_SELF | ICR_ASSERT | ICR_STARTUP), %eax
	call	icr_send32
	call	icr_send32
	pop	%edx
	pop	%eax
	ret

/* wait_aps32: wait until ap_up reaches %eax (APs that reached ap_main32). */
wait_aps32:
1:	cmp	%eax, ap_up
	jae	2f
	pause
	jmp	1b
2:	ret

/* plock32: take the output lock; punlock32: give it back. */
plock32:
	push	%eax
1:	mov	$1, %eax
	xchg	%eax, print_lock	/* XCHG with memory is locked (SDM 9.1.2.1) */
	test	%eax, %eax
	jz	2f
	pause
	jmp	1b
2:	pop	%eax
	ret
punlock32:
	movl	$0, print_lock		/* a store releases: x86 keeps stores in order */
	ret

	.code16
	.p2align 12
ap_tramp:
	cli
	mov	$(LOAD_ADDR >> 4), %ax	/* REAL() offsets are from LOAD_ADDR */
	mov	%ax, %ds
	lgdtl	REAL(gdt_desc)
	mov	%cr0, %eax
	or	$CR0_PE, %eax
	mov	%eax, %cr0
	ljmpl	$SEL_CODE32, $ap_pm32
	.code32
ap_pm32:
	mov	$SEL_DATA, %ax
	mov	%ax, %ds
	mov	%ax, %es
	mov	%ax, %fs
	mov	%ax, %gs
	mov	%ax, %ss
	mov	$1, %eax
	lock xadd %eax, ap_next		/* 0, 1, 2, ... in arrival order */
	inc	%eax
	shl	$12, %eax
	add	$AP_STACKS, %eax
	mov	%eax, %esp
	xor	%ebp, %ebp
#ifdef SMP_IDT
	lidt	idt_desc32
#endif
	lock incl ap_up
	call	ap_main32
1:	cli
	hlt
	jmp	1b

	.p2align 2
ap_next:	.long	0	/* stacks handed out */
ap_up:		.long	0	/* APs that reached ap_main32 */
print_lock:	.long	0
