/* SPDX-License-Identifier: GPL-2.0 */
/*
 * coalesced-mmio - guest writes queued in the coalesced-MMIO ring instead
 * of exiting (KVM_REGISTER_COALESCED_MMIO; final/virt/kvm/coalesced_mmio.c),
 * in long mode, on minivmm's RAM-like MMIO window (emudev.c).  minivmm
 * registers the window as a zone at the guest's request and replays the
 * ring before it handles any exit, as a VMM must; the trace shows each
 * replayed write ("vmm coalesced ...") where its exit would have been.
 *   - three writes, then a read of the first: the writes make no exit,
 *     the read does, and it sees them (replayed first);
 *   - 400 writes of 4 bytes, more than the ring holds: the write that
 *     finds it full exits as usual (minivmm empties the ring first, so
 *     the order holds); all 400 read back right;
 *   - a port zone on the FIFO's log port: four OUTs make no exit, and
 *     the IN of the log's length sees 16 bytes;
 *   - after the zone is unregistered, a write exits again.
 * CHECKL64 lines; EXIT_PASS when all are as expected.
 */
#include "guest.h"
#include "macros.S"
#include "irqmacros.S"

#define NWRITES		400

	.code16
	.text
	.globl	_start
_start:
	jmp	enter_pm32

	.code32
main32:
	mov	$PT_AREA, %edi
	jmp	enter_lm64

	.code64
main64:
	xor	%r15, %r15
	CTL64	CTL_COALESCED, $EMU_WINDOW_BASE, $EMU_WINDOW_SIZE, $0
	CHECKL64 %eax, 0, "register the window:"
	CTL64	CTL_COALESCED, $EMU_FIFO_OUT_PORT, $4, $2
	CHECKL64 %eax, -22, "pio = 2:"

	PUTS64	"three writes, one read\n"
	mov	$EMU_WINDOW_BASE, %edi
	movl	$0x11111111, (%rdi)
	movl	$0x22222222, 4(%rdi)
	movb	$0x33, 8(%rdi)
	mov	(%rdi), %eax
	CHECKL64 %eax, 0x11111111, "read back:"
	movzbl	8(%rdi), %eax
	CHECKL64 %eax, 0x33, "read back:"

	PUTS64	"more writes than the ring holds\n"
	xor	%ecx, %ecx
1:	lea	0x5a000000(%rcx), %eax
	mov	%eax, 16(%rdi,%rcx,4)
	inc	%ecx
	cmp	$NWRITES, %ecx
	jb	1b
	xor	%ecx, %ecx
	xor	%edx, %edx			/* words that differ */
2:	lea	0x5a000000(%rcx), %eax
	cmp	%eax, 16(%rdi,%rcx,4)
	je	3f
	inc	%edx
3:	inc	%ecx
	cmp	$NWRITES, %ecx
	jb	2b
	CHECKL64 %edx, 0, "words that read back wrong:"

	PUTS64	"a port zone\n"
	xor	%eax, %eax
	out	%eax, $EMU_FIFO_SUM_PORT	/* empty the log */
	CTL64	CTL_COALESCED, $EMU_FIFO_OUT_PORT, $4, $1
	CHECKL64 %eax, 0, "register port 0xe4:"
	mov	$0x04030201, %eax
	out	%eax, $EMU_FIFO_OUT_PORT
	out	%eax, $EMU_FIFO_OUT_PORT
	out	%eax, $EMU_FIFO_OUT_PORT
	out	%eax, $EMU_FIFO_OUT_PORT
	in	$EMU_FIFO_OUT_PORT, %eax
	CHECKL64 %eax, 16, "bytes in the log:"

	PUTS64	"unregistered\n"
	CTL64	CTL_COALESCED, $EMU_WINDOW_BASE, $EMU_WINDOW_SIZE, $0, $1
	CHECKL64 %eax, 0, "unregister the window:"
	mov	$EMU_WINDOW_BASE, %edi
	movl	$0x44444444, (%rdi)		/* exits again */
	mov	(%rdi), %eax
	CHECKL64 %eax, 0x44444444, "read back:"
	jmp	exit64

#include "pm.S"
#include "lm64.S"
#include "serial32.S"
#include "serial64.S"
#include "gdt.S"
