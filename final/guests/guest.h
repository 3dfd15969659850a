/* SPDX-License-Identifier: GPL-2.0 */
/*
 * guest.h - constants shared by the test guests and their scenarios.
 */
#ifndef GUEST_H
#define GUEST_H

#define COM1_THR		0x3f8	/* transmit holding register */
#define COM1_LSR		0x3fd	/* line status register */
#define  LSR_THRE		0x20	/* THR empty: ready for the next byte */
#define DEBUG_EXIT_PORT		0xf4	/* QEMU isa-debug-exit convention */
#define TEST_DATA_PORT		0xf6	/* minivmm --in-data */

#define HELLO_EXIT_CODE		0x21	/* hello's status: (0x21 << 1) | 1 = 67 */

#endif
