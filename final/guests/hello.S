/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hello - the first guest: real mode, prints one line on COM1, then leaves
 * through the debug-exit port.
 *
 * minivmm loads this flat binary at 0x10000 and starts it with every
 * segment register at 0x1000, IP = 0: real-address mode as after reset,
 * but already somewhere sensible.  (Intel SDM Vol. 3A, 20.1 "Real-address
 * mode operation".)
 */
#include "guest.h"

	.code16
	.text
	.globl	_start
_start:
	mov	$msg, %si
	call	puts16
	mov	$HELLO_EXIT_CODE, %al
	out	%al, $DEBUG_EXIT_PORT	/* minivmm exits with (0x21 << 1) | 1 = 67 */
	hlt				/* not reached */

#include "serial16.S"

msg:	.asciz	"Hello from the minikvm guest!\n"
