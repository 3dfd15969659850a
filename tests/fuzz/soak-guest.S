/* SPDX-License-Identifier: GPL-2.0 */
/*
 * soak-guest.S - the soak's guest (docs/reliability.md, kvm-fuzz --soak).
 *
 * 32-bit protected-mode code, no paging, that the VMM (soak.c) copies to
 * SOAK_CODE and enters with EBX = the vCPU's index (= its APIC ID).  It
 * sits in the host program's read-only data and is never run there.  It
 * uses relative jumps and calls only, and absolute addresses that are
 * guest-physical constants (soak.h), so it runs wherever it is copied.
 *
 * Each time round its loop it makes every kind of exit a VMM and KVM
 * see, in this order (the exit it causes on SVM / VMX in brackets):
 *   port I/O to a port without a device, IN and OUT  [IOIO / IO_INSTRUCTION:
 *     KVM_EXIT_IO]; REP OUTSB and REP INSB  [the same, emulated as strings];
 *   loads and stores where no memslot is  [NPF / EPT_MISCONFIG or
 *     EPT_VIOLATION, the emulator: KVM_EXIT_MMIO], and REP MOVSB there;
 *   CPUID  [CPUID]; RDMSR/WRMSR of APIC_BASE and SYSENTER_CS  [MSR /
 *     MSR_READ, MSR_WRITE]; a write of CR0  [CR0_WRITE / CR_ACCESS];
 *   a hypercall, VMMCALL on AMD and VMCALL on Intel  [VMMCALL / VMCALL];
 *   the in-kernel PIC and PIT  [IOIO, answered in the kernel];
 *   UD2  [the #UD intercept, reflected into the guest: C_UD];
 *   stores into 256 pages of slot 0 that dirty logging write-protects
 *     again and again, and into slot 1, which the VMM moves and deletes
 *     under it  [NPF / EPT_VIOLATION];
 *   an IPI to the next vCPU through the ICR  [an APIC access, answered in
 *     the kernel, and an interrupt on the other vCPU: C_IPI];
 *   the LAPIC timer armed, then STI; HLT until an interrupt  [HLT, the
 *     timer, the interrupt injected: C_TIMER; and whatever the VMM sent
 *     meanwhile: KVM_SIGNAL_MSI, C_MSI, KVM_NMI, C_NMI, and on vCPU 0
 *     KVM_IRQ_LINE through the 8259, C_PIC].
 * Register use: EBP = vCPU index, EDI = 1 on AMD (for the hypercall).
 * Vectors without a handler here go to a stub that OUTs the vector to
 * SOAK_FAIL_PORT, and the VMM fails the run.
 */
#include "soak.h"

#define APIC(reg)	(SOAK_APIC + (reg))
#define APIC_ID		0x20
#define APIC_EOI	0xb0
#define APIC_SVR	0xf0
#define APIC_ICR	0x300
#define APIC_ICR2	0x310
#define APIC_LVTT	0x320
#define APIC_TMICT	0x380
#define APIC_TDCR	0x3e0

	.section .rodata, "a"
	.code32
	.globl soak_guest, soak_guest_end, soak_stubs
	.globl soak_nmi, soak_ud, soak_timer, soak_ipi, soak_msi, soak_pic
	.balign 16
soak_guest:
	mov	%ebx, %ebp
	/* SDM 11.9 / APM 16.4.7: software-enable the APIC, spurious vector 0xff */
	movl	$0x1ff, APIC(APIC_SVR)
	/* the vendor, for the hypercall: "AuthenticAMD" has EBX "Auth" */
	/* vCPU 0, whose LINT0 is ExtINT after reset, sets the master 8259
	 * up (8259A data sheet: ICW1-ICW4, then OCW1): vectors from
	 * SOAK_PIC_BASE, every line masked but SOAK_PIC_IRQ, which the VMM
	 * pulses.  (At reset its vector base is 0: IRQ 5 would be vector 5.) */
	test	%ebp, %ebp
	jnz	1f
	mov	$0x11, %al		/* ICW1: edge, cascade, ICW4 follows */
	out	%al, $0x20
	mov	$SOAK_PIC_BASE, %al	/* ICW2 */
	out	%al, $0x21
	mov	$0x04, %al		/* ICW3: a slave on IR2 */
	out	%al, $0x21
	mov	$0x01, %al		/* ICW4: 8086 mode, normal EOI */
	out	%al, $0x21
	mov	$~(1 << SOAK_PIC_IRQ) & 0xff, %al	/* OCW1 */
	out	%al, $0x21
1:
	xor	%eax, %eax
	cpuid
	xor	%edi, %edi
	cmp	$0x68747541, %ebx
	jne	.Lloop
	inc	%edi

.Lloop:
	mov	%ebp, %eax
	shl	$6, %eax
	incl	SOAK_COUNTERS + C_LOOPS(%eax)

	/* port I/O to the VMM: OUT, IN, then the string forms */
	mov	$SOAK_PORT, %edx
	mov	%ebp, %eax
	out	%al, %dx
	in	%dx, %al
	mov	$SOAK_CODE, %esi
	mov	$8, %ecx
	rep outsb
	push	%edi
	mov	%ebp, %edi
	shl	$6, %edi
	add	$SOAK_INBUF, %edi
	mov	$4, %ecx
	rep insb
	pop	%edi

	/* MMIO to the VMM: a store, a load, a string move */
	mov	%ebp, SOAK_MMIO
	mov	SOAK_MMIO + 4, %eax
	push	%edi
	mov	$SOAK_CODE, %esi
	mov	$SOAK_MMIO + 0x10, %edi
	mov	$4, %ecx
	rep movsb
	pop	%edi

	/* instructions the hypervisor intercepts and answers itself */
	mov	$1, %eax
	xor	%ecx, %ecx
	cpuid
	mov	$0x1b, %ecx		/* IA32_APIC_BASE: read, write back */
	rdmsr
	wrmsr
	mov	$0x174, %ecx		/* IA32_SYSENTER_CS */
	mov	%ebp, %eax
	xor	%edx, %edx
	wrmsr
	rdmsr
	mov	%cr0, %eax
	mov	%eax, %cr0
	mov	$SOAK_HC_NR, %eax
	xor	%ebx, %ebx
	xor	%ecx, %ecx
	xor	%edx, %edx
	xor	%esi, %esi
	test	%edi, %edi
	jz	1f
	vmmcall
	jmp	2f
1:	vmcall
2:
	/* the in-kernel 8259 (IMR) and 8254 (latch counter 0, read it) */
	in	$0x21, %al
	xor	%al, %al
	out	%al, $0x43
	in	$0x40, %al
	in	$0x40, %al
	ud2				/* soak_ud skips it */

	/* a store into one of 256 pages of slot 0, one into slot 1 */
	mov	%ebp, %ebx
	shl	$6, %ebx
	mov	SOAK_COUNTERS + C_LOOPS(%ebx), %eax
	and	$255, %eax
	shl	$12, %eax
	mov	%ebp, SOAK_PAGES(%eax,%ebp,4)
	mov	SOAK_COUNTERS + C_LOOPS(%ebx), %eax
	and	$15, %eax
	shl	$12, %eax
	mov	%ebp, SOAK_SLOT1_A(%eax,%ebp,4)

	/* an IPI to vCPU (index + 1) mod n, when there is another */
	mov	SOAK_NR_VCPUS, %ecx
	cmp	$1, %ecx
	jbe	1f
	lea	1(%ebp), %eax
	xor	%edx, %edx
	div	%ecx
	shl	$24, %edx
	mov	%edx, APIC(APIC_ICR2)
	movl	$SOAK_VEC_IPI, APIC(APIC_ICR)	/* fixed, physical, edge */
1:
	/* SDM 11.5.4: the timer, one-shot, divide by 1, then wait for it */
	movl	$SOAK_VEC_TIMER, APIC(APIC_LVTT)
	movl	$0xb, APIC(APIC_TDCR)
	movl	$2000, APIC(APIC_TMICT)
	sti
	hlt
	cli
	jmp	.Lloop

/* \reg = the offset of this vCPU's counters from SOAK_COUNTERS: its
 * APIC ID (= its index) times SOAK_CTR_SIZE (64). */
.macro vcpu_ctrs reg
	mov	APIC(APIC_ID), \reg
	shr	$24, \reg
	shl	$6, \reg
.endm

/* Interrupt handlers: count on the vCPU's own counters, EOI, return. */
soak_timer:
	push	$C_TIMER
	jmp	.Lirq
soak_ipi:
	push	$C_IPI
	jmp	.Lirq
soak_msi:
	push	$C_MSI
.Lirq:
	push	%eax
	push	%ebx
	vcpu_ctrs %eax
	mov	8(%esp), %ebx
	incl	SOAK_COUNTERS(%eax,%ebx)
	movl	$0, APIC(APIC_EOI)
	pop	%ebx
	pop	%eax
	add	$4, %esp
	iret

/* IRQ 5 from the 8259: count it, non-specific EOI (OCW2) */
soak_pic:
	push	%eax
	vcpu_ctrs %eax
	incl	SOAK_COUNTERS + C_PIC(%eax)
	mov	$0x20, %al
	out	%al, $0x20
	pop	%eax
	iret

soak_nmi:
	push	%eax
	vcpu_ctrs %eax
	incl	SOAK_COUNTERS + C_NMI(%eax)
	pop	%eax
	iret

/* #UD: count it, and step over the two bytes of UD2 */
soak_ud:
	push	%eax
	vcpu_ctrs %eax
	incl	SOAK_COUNTERS + C_UD(%eax)
	pop	%eax
	addl	$2, (%esp)
	iret

/* Any other vector: report it to the VMM, then stop.  The VMM prints
 * EAX = the vector, EBX, ECX and ESI = the three words the exception left
 * on the stack (EIP, CS, EFLAGS; error code, EIP, CS for those with one),
 * EDI = DR6. */
.Lunexpected:
	pop	%eax
	mov	(%esp), %ebx
	mov	4(%esp), %ecx
	mov	8(%esp), %esi
	mov	%dr6, %edi
	mov	$SOAK_FAIL_PORT, %edx
	out	%al, %dx
	cli
3:	hlt
	jmp	3b

/* 16 bytes a stub (PUSH imm32 and JMP rel32 fit), vector v's at
 * soak_stubs + 16 * v */
	.balign 16
soak_stubs:
	.set	vec, 0
	.rept	256
	.balign 16
	push	$vec
	jmp	.Lunexpected
	.set	vec, vec + 1
	.endr
soak_guest_end:

	/* the host's stack stays non-executable */
	.section .note.GNU-stack, "", @progbits
