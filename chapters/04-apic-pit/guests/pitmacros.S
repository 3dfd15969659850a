/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pitmacros.S - the PIT constants and macros of the chapter-04 guests (#included at
 * the top, after irqmacros.S; their routines are in pit32.S, #included at
 * the end with serial32.S).
 * Intel 8254 datasheet (231164-005): ports 0x40-0x42 the counters, 0x43
 * the control word; port 0x61 (PC/AT port B) bit 0 drives counter 2's
 * GATE, bit 1 the speaker, bit 5 reads counter 2's OUT.
 */
#define PIT_CH0		0x40
#define PIT_CH1		0x41
#define PIT_CH2		0x42
#define PIT_CMD		0x43
#define PORT_B		0x61
#define  PORT_B_GATE2	0x01
#define  PORT_B_SPKR	0x02
#define  PORT_B_REFRESH	0x10
#define  PORT_B_OUT2	0x20
#define PIT_HZ		1193182
/* Control words: counter n, LSB then MSB, mode m (binary); the counter
 * latch command; read-back of counter n's status only, count only, both. */
#define PIT_CW(n, m)	(((n) << 6) | 0x30 | ((m) << 1))
#define PIT_LATCH(n)	((n) << 6)
#define PIT_RB_STATUS(n) (0xe0 | (2 << (n)))
#define PIT_RB_COUNT(n)	(0xd0 | (2 << (n)))
#define PIT_RB_BOTH(n)	(0xc0 | (2 << (n)))
#define MS_CLOCKS(ms)	((PIT_HZ * (ms)) / 1000)

/* PROGRAM n, m, count: load counter n in mode m with count (LSB then
 * MSB; pit_load32 in pit32.S). */
.macro PROGRAM n, m, count
	mov	$((\n) | ((\m) << 8)), %edx
	mov	$\count, %ecx
	call	pit_load32
.endm

/* TICKS_IN ms, vec: zero the count of interrupts on vector vec, take
 * interrupts for ms milliseconds (counter 2 busy-waits), then stop
 * taking them.  COUNT() is irqmacros.S's.  For "none come": a window
 * that says "at least n come" would undercount when the host deschedules
 * the vCPU inside it (the ticks then come late, all at once): TICKS_UNTIL
 * is for that. */
.macro TICKS_IN ms, vec
	movl	$0, COUNT(\vec)
	sti
	mov	$\ms, %ecx
	call	pit_wait_ms32
	cli
.endm

/* TICKS_UNTIL n, ms, vec: zero the count of interrupts on vector vec,
 * take interrupts until n have come or ms milliseconds passed, then stop
 * taking them.  A tick late because the vCPU did not run still counts;
 * a counter that never ticks ends the wait at ms. */
.macro TICKS_UNTIL n, ms, vec
	movl	$0, COUNT(\vec)
	mov	$\ms, %ecx
	sti
1:	cmpl	$\n, COUNT(\vec)
	jae	2f
	push	%ecx
	mov	$1, %ecx
	call	pit_wait_ms32
	pop	%ecx
	loop	1b
2:	cli
.endm

/* QUIET: stop counter 0 (mode 5 has no timer), then take interrupts
 * until 10 ms pass without a tick (quiet32, in the guest): a tick latched
 * in IRR, and those that reinject mode still has in hand (one per EOI),
 * are all taken before the next count starts. */
.macro QUIET
	PROGRAM	0, 5, 0
	call	quiet32
.endm
