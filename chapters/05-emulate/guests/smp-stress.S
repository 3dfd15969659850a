/* SPDX-License-Identifier: GPL-2.0 */
/*
 * smp-stress - four vCPUs (minivmm --smp 4 -m 128M) at once, in 32-bit
 * protected mode: each CPU, the BSP included, runs ROUNDS rounds of
 *   - writing one word into a page of memory it has not touched before
 *     (CPU n's 16 MiB at 16 MiB * (n + 1)), so that the hypervisor maps
 *     guest memory on four vCPUs concurrently (nested page faults), and
 *   - a fixed IPI to the next CPU in the ring (APIC ID (n + 1) mod 4).
 * An IPI whose vector is still requested at the target merges with it
 * (one IRR bit per vector, Intel SDM Vol. 3A, 11.8.4), so a sender waits
 * until the target's handler has taken its previous IPI (the target
 * clears its "pending" word) before it sends the next: then every IPI
 * sent must arrive, and sent == received.  A wait that lasts more than
 * 2^31 TSC cycles counts the IPI as lost and goes on.  The BSP waits for
 * all four and for their last IPIs (as long, at most, for each), then
 * prints each CPU's counts and checks the memory written.
 * EXIT_PASS (status 65) when every CHECK32 holds.
 */
#include "guest.h"
#include "macros.S"
#include "irqmacros.S"

#define SMP_IDT
#define NR_CPUS		4
#define ROUNDS		1000
#define V_RING		0x60
#define MEM_BASE	0x1000000	/* CPU n's pages: MEM_BASE * (n + 1) .. */

	.code16
	.text
	.globl	_start
_start:
	jmp	enter_pm32

	.code32
main32:
	xor	%ebp, %ebp
	call	idt_init32
	PIC_INIT
	HOOK32	V_RING, h_ring
	LAPIC_SW_ENABLE
	call	start_aps32
	mov	$(NR_CPUS - 1), %eax
	call	wait_aps32
	call	stress
1:	cmpl	$NR_CPUS, done
	jae	2f
	pause
	jmp	1b
	/* The last IPIs of the ring may still be on their way (the BSP's
	 * own included: IF is still 1): wait until none is pending, each
	 * as long as a sender waits, or count it lost by its sender (the
	 * CPU before in the ring) - a hang would tell nothing. */
2:	xor	%ebx, %ebx
6:	rdtsc
	mov	%eax, %esi		/* the wait's start */
8:	cmpl	$0, pending(, %ebx, 4)
	je	7f
	pause
	rdtsc
	sub	%esi, %eax
	cmp	$0x80000000, %eax
	jb	8b
	lea	(NR_CPUS - 1)(%ebx), %eax
	and	$(NR_CPUS - 1), %eax
	lock incl lost(, %eax, 4)
7:	inc	%ebx
	cmp	$NR_CPUS, %ebx
	jb	6b
	/* The TSC's bits are not for the final registers the oracle compares. */
	xor	%edx, %edx
	xor	%esi, %esi
	cli
	xor	%ebx, %ebx
3:	PUTS32	"CPU "
	mov	%ebx, %eax
	call	putd32
	PUTS32	": sent "
	mov	sent(, %ebx, 4), %eax
	call	putd32
	PUTS32	", received "
	mov	recv(, %ebx, 4), %eax
	call	putd32
	PUTS32	", lost "
	mov	lost(, %ebx, 4), %eax
	call	putd32
	PUTS32	", pages written "
	mov	%ebx, %eax
	call	check_pages
	call	putd32
	PUTS32	"\n"
	mov	sent(, %ebx, 4), %eax
	cmp	recv(, %ebx, 4), %eax
	jne	4f
	cmp	$ROUNDS, %eax
	jne	4f
	cmpl	$0, lost(, %ebx, 4)
	je	5f
4:	or	$1, %ebp
5:	inc	%ebx
	cmp	$NR_CPUS, %ebx
	jb	3b
	jmp	exit32

ap_main32:
	LAPIC_SW_ENABLE
	call	stress
1:	sti			/* keep taking the ring's IPIs */
	hlt
	jmp	1b

/* stress: this CPU's ROUNDS rounds; then done++.  Every CPU waits here
 * until all have come this far: ap_up counts an AP before its ap_main32
 * has software-enabled its APIC, and an APIC that is not yet enabled
 * drops a fixed IPI (SDM Vol. 3A, 11.4.7.2), so without this barrier the
 * first IPI of the ring could be lost by the guest's own doing. */
stress:
	lock incl ready
1:	cmpl	$NR_CPUS, ready
	jae	2f
	pause
	jmp	1b
2:	call	lapic_id32
	mov	%eax, %esi		/* my ID */
	lea	1(%eax), %edi
	and	$(NR_CPUS - 1), %edi	/* the next CPU */
	mov	%esi, %ebx
	inc	%ebx
	shl	$24, %ebx		/* MEM_BASE * (n + 1) */
	xor	%ecx, %ecx
	sti
1:	mov	%ecx, (%ebx)		/* a fresh page */
	add	$0x1000, %ebx
	rdtsc
	push	%eax			/* the wait's start (RDTSC sets EDX too) */
2:	cmpl	$0, pending(, %edi, 4)
	je	3f
	pause
	rdtsc
	sub	(%esp), %eax
	cmp	$0x80000000, %eax
	jb	2b
	lock incl lost(, %esi, 4)
3:	add	$4, %esp
	movl	$1, pending(, %edi, 4)
	incl	sent(, %esi, 4)
	mov	%edi, %edx
	shl	$24, %edx
	mov	$(ICR_ASSERT | V_RING), %eax
	call	icr_send32
	inc	%ecx
	cmp	$ROUNDS, %ecx
	jb	1b
	lock incl done
	ret

/* h_ring: count an IPI of the ring for this CPU, clear its pending word. */
h_ring:
	call	lapic_id32
	lock incl recv(, %eax, 4)
	movl	$0, pending(, %eax, 4)
	movl	$0, LAPIC_BASE + LAPIC_EOI
	ret

/* check_pages: %eax = how many of CPU %eax's ROUNDS pages hold their round. */
check_pages:
	push	%ebx
	push	%ecx
	push	%edx
	lea	1(%eax), %ebx
	shl	$24, %ebx
	xor	%ecx, %ecx
	xor	%edx, %edx
1:	cmp	%ecx, (%ebx)
	jne	2f
	inc	%edx
2:	add	$0x1000, %ebx
	inc	%ecx
	cmp	$ROUNDS, %ecx
	jb	1b
	mov	%edx, %eax
	pop	%edx
	pop	%ecx
	pop	%ebx
	ret

	.p2align 2
done:		.long	0
ready:		.long	0	/* CPUs whose APIC is enabled */
sent:		.fill	NR_CPUS, 4, 0
recv:		.fill	NR_CPUS, 4, 0
lost:		.fill	NR_CPUS, 4, 0
pending:	.fill	NR_CPUS, 4, 0

#include "pm.S"
#include "serial32.S"
#include "idt32.S"
#include "smp32.S"
#include "gdt.S"
