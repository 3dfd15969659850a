/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pitmacros.S - the PIT constants of the chapter-04 guests (#included at
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

