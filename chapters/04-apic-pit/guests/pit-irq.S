/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pit-irq - counter 0 of the in-kernel PIT interrupting through the
 * master 8259's IRQ 0, in 32-bit protected mode (idt32.S), with KVM's
 * default lost-tick policy (reinject: a tick goes only once the previous
 * one was acknowledged).  Counter 2 serves as a stopwatch (mode 0, OUT 2
 * on port 0x61), as Linux uses it to calibrate.
 *   - mode 2 at 200 Hz wakes HLT; 4 ticks take 4 periods (20 ms; checked
 *     as 19-54.9 ms, the upper bound counter 2's range, in one of three
 *     tries) and arrive on vector 0x20;
 *   - mode 3 at 200 Hz ticks too;
 *   - modes 0, 1 and 4 interrupt once (KVM arms a one-shot timer for
 *     each), mode 5 never (no trigger on counter 0's GATE);
 *   - ticks while IRQ 0 is masked in the IMR do not arrive; after
 *     unmasking they do again;
 *   - with automatic EOI (ICW4 AEOI), where the guest never writes an
 *     EOI, the INTA itself is the acknowledgement reinject mode waits for.
 * The "at least" checks wait for their ticks (up to 1 s) rather than
 * count them in a fixed window: on a busy host the vCPU may not run for
 * tens of milliseconds, and reinject mode then sends the missed ticks
 * late.  CHECK32 lines, none depending on timing (relations print 1 or 0);
 * EXIT_PASS (status 65) when all are as expected.
 */
#include "guest.h"
#include "macros.S"
#include "irqmacros.S"
#include "pitmacros.S"

#define V0		PIC_M_BASE	/* IRQ 0 */
#define C200HZ		(PIT_HZ / 200)	/* 5965 clocks, 5 ms */

/* ONE_SHOT m: counter 0 in one-shot mode m, 10 ms: its tick comes
 * (however late the host runs the vCPU), and no other in the 40 ms after.
 * The backlog reinject mode may still have sent is cleared from the PIC
 * after the load. */
.macro ONE_SHOT m
	QUIET
	PROGRAM	0, \m, (PIT_HZ / 100)
	call	pic_fresh32
	TICKS_UNTIL 1, 1000, V0
	sti
	mov	$40, %ecx
	call	pit_wait_ms32
	cli
	CHECK32	COUNT(V0), 1, "mode \m ticks once:"
.endm

	.code16
	.text
	.globl	_start
_start:
	jmp	enter_pm32

	.code32
main32:
	xor	%ebp, %ebp
	cli
	call	idt_init32
	PIC_INIT
	HOOK32	V0, h_eoi
	OUTB	PIC_M_DATA, 0xfe	/* only IRQ 0 */

	/* Mode 2, 200 Hz; counter 2 times 4 ticks (20 ms of its 54.9).
	 * The stopwatch starts first, so it never reads short.  Up to three
	 * tries: a host that deschedules the vCPU stretches one past 54.9 ms
	 * however right the PIT is, but not three in a row; a PIT too slow
	 * fails all three. */
	mov	$3, %edi
0:	OUTB	PORT_B, PORT_B_GATE2
	PROGRAM	2, 0, 0xffff
	PROGRAM	0, 2, C200HZ
	call	pic_fresh32		/* nothing left of a try before */
	movl	$0, COUNT(V0)
	sti
1:	hlt
	cmpl	$4, COUNT(V0)
	jb	1b
	cli
	mov	$2, %dl
	call	pit_count32
	mov	%eax, %esi
	INB	PORT_B
	and	$PORT_B_OUT2, %eax	/* counter 2 ran out: over 54.9 ms */
	jz	2f
	dec	%edi
	jnz	0b
2:	CHECK32	%eax, 0, "4 ticks within 54.9 ms (in one of three tries):"
	mov	$0xffff, %eax
	sub	%esi, %eax
	cmp	$(4 * C200HZ * 95 / 100), %eax
	setae	%al
	movzbl	%al, %eax
	CHECK32	%eax, 1, "4 ticks took at least 4 periods:"
	CHECK32	IRQ_LAST, V0, "vector of IRQ 0:"

	QUIET
	PROGRAM	0, 3, C200HZ
	TICKS_UNTIL 2, 1000, V0
	cmpl	$2, COUNT(V0)
	setae	%al
	movzbl	%al, %eax
	CHECK32	%eax, 1, "mode 3 at 200 Hz ticks:"

	/* One-shot modes: 10 ms, then nothing. */
	ONE_SHOT 0
	ONE_SHOT 1
	ONE_SHOT 4
	QUIET
	PROGRAM	0, 5, (PIT_HZ / 100)
	call	pic_fresh32
	TICKS_IN 40, V0
	CHECK32	COUNT(V0), 0, "mode 5 ticks in 40 ms:"

	QUIET
	/* Masked in the IMR: nothing; unmasked: ticks again. */
	PROGRAM	0, 2, C200HZ
	OUTB	PIC_M_DATA, 0xff
	TICKS_IN 30, V0
	CHECK32	COUNT(V0), 0, "ticks while IRQ 0 is masked:"
	OUTB	PIC_M_DATA, 0xfe
	TICKS_UNTIL 3, 1000, V0
	cmpl	$3, COUNT(V0)
	setae	%al
	movzbl	%al, %eax
	CHECK32	%eax, 1, "ticks after unmasking:"

	/* Automatic EOI: no EOI written, the INTA acknowledges.  Were that
	 * not heard, reinject mode would send one tick and wait for ever. */
	QUIET
	PIC_INIT ICW4_AEOI
	HOOK32	V0, h_none
	OUTB	PIC_M_DATA, 0xfe
	PROGRAM	0, 2, C200HZ
	TICKS_UNTIL 5, 1000, V0
	cmpl	$5, COUNT(V0)
	setae	%al
	movzbl	%al, %eax
	CHECK32	%eax, 1, "AEOI: ticks keep coming:"

	PROGRAM	0, 5, 0			/* stop counter 0 */
	call	clear_regs32
	jmp	exit32

/* pic_fresh32: initialise the master and slave again (ICW1 clears IRR:
 * a tick still on its way when counter 0 was reprogrammed is dropped),
 * IRQ 0 unmasked.  Clobbers %eax. */
pic_fresh32:
	PIC_INIT
	OUTB	PIC_M_DATA, 0xfe
	ret

/* quiet32: take interrupts in 10 ms windows until one brings no tick
 * (at most 50 windows).  Clobbers %eax, %ebx, %ecx. */
quiet32:
	mov	$50, %ebx
1:	push	COUNT(V0)
	sti
	mov	$10, %ecx
	call	pit_wait_ms32
	cli
	pop	%eax
	cmp	COUNT(V0), %eax
	je	2f
	dec	%ebx
	jnz	1b
2:	ret

h_eoi:
	OUTB	PIC_M_CMD, OCW2_EOI
h_none:
	ret

#include "pit32.S"
#include "pm.S"
#include "serial32.S"
#include "idt32.S"
#include "gdt.S"
