// SPDX-License-Identifier: GPL-2.0
/**
 * @file emudev.c
 * @brief Chapter 05's test devices: an MMIO "RAM window" and a port FIFO,
 * the targets the emulator guests run instructions against.
 *
 * A hypervisor only sees an MMIO access once it has decoded and executed
 * the instruction that made it (chapter 05's emulator; Linux:
 * arch/x86/kvm/emulate.c).  To test that, a guest needs device memory
 * whose right answer it knows.  The window is that memory: EMU_WINDOW_SIZE
 * bytes at EMU_WINDOW_BASE that no memory slot covers, so every access is
 * a KVM_EXIT_MMIO, and that minivmm serves from a buffer exactly as RAM
 * would (an access of 1, 2, 4 or 8 bytes at any offset reads what was
 * last written there).  The guest runs the same instruction once on its
 * own RAM and once on the window and compares registers, flags and
 * memory: the CPU itself is the oracle, and a correct hypervisor gives
 * identical results by construction.
 *
 * String I/O (INS/OUTS, Intel SDM Vol. 2B "INS/INSB/INSW/INSD" and
 * "OUTS/OUTSB/OUTSW/OUTSD") needs ports with a known stream of data in
 * both directions:
 *   EMU_FIFO_IN_PORT   IN of 1, 2 or 4 bytes: the next bytes of the
 *                      sequence emudev_fifo_byte(0), (1), ..., the first
 *                      one in the low byte (a word IN gives the same
 *                      memory as two byte INs); OUT dword: restart the
 *                      sequence at that index.
 *   EMU_FIFO_OUT_PORT  OUT of 1, 2 or 4 bytes: appended to a log, low
 *                      byte first; IN dword: how many bytes it holds.
 *   EMU_FIFO_SUM_PORT  IN dword: the FNV-1a hash of the log (which depends
 *                      on every byte and on their order); OUT: empty the
 *                      log.
 * KVM batches a REP INS/OUTS into one KVM_EXIT_IO with count > 1 (data at
 * kvm_run + io.data_offset); minivmm's exit handler calls these once per
 * item, so the device cannot tell a batch from single accesses.
 *
 * QEMU counterpart: a RAM-like MemoryRegionOps device, and
 * hw/misc/pc-testdev.c's ports for kvm-unit-tests.
 */
#include <string.h>

#include "minivmm.h"

/**
 * Byte @k of the input sequence: it changes from byte to byte and, past
 * 256 bytes, from round to round, so a byte that is lost, doubled or put
 * in the wrong place shows.  The guests compute the same.
 */
uint8_t emudev_fifo_byte(uint32_t k)
{
	return (uint8_t)(k * EMU_FIFO_MUL + EMU_FIFO_ADD + (k >> 8));
}

/** Empty the output log (its hash is then the FNV-1a offset basis). */
static void emudev_log_reset(struct emudev *d)
{
	d->log_len = 0;
	d->log_hash = EMU_FNV_BASIS;
}

/** The devices' state at power-on: window zeroed, sequence at 0, log empty. */
void emudev_init(struct emudev *d)
{
	memset(d->window, 0, sizeof(d->window));
	d->fifo_pos = 0;
	emudev_log_reset(d);
}

/**
 * An access of @len bytes at guest-physical @addr (kvm_run.mmio).  Returns
 * 0 when it lies inside the window (a read leaves the bytes in @data), -1
 * when it is not the window's.  Any length up to 8 is served: the window
 * is memory, not registers, so there are no widths it refuses.
 */
int emudev_mmio(struct emudev *d, uint64_t addr, int is_write,
		uint8_t *data, unsigned int len)
{
	uint64_t off;

	if (addr < EMU_WINDOW_BASE || len == 0 || len > 8)
		return -1;
	off = addr - EMU_WINDOW_BASE;
	if (off >= EMU_WINDOW_SIZE || off + len > EMU_WINDOW_SIZE)
		return -1;
	if (is_write)
		memcpy(d->window + off, data, len);
	else
		memcpy(data, d->window + off, len);
	return 0;
}

/** Append one byte to the log: FNV-1a, one byte at a time. */
static void emudev_log_byte(struct emudev *d, uint8_t c)
{
	d->log_hash = (d->log_hash ^ c) * EMU_FNV_PRIME;
	d->log_len++;
}

/**
 * One port access of @size (1, 2 or 4) bytes; @data as kvm_run's I/O data,
 * little-endian.  Returns 0 when the port is one of the FIFO's, -1 when not.
 */
int emudev_pio(struct emudev *d, uint16_t port, int is_write, int size, uint8_t *data)
{
	uint32_t value = 0;

	if (size < 1 || size > 4)
		return -1;
	memcpy(&value, data, size);
	switch (port) {
	case EMU_FIFO_IN_PORT:
		if (is_write) {
			d->fifo_pos = value;
			return 0;
		}
		for (int i = 0; i < size; i++)
			data[i] = emudev_fifo_byte(d->fifo_pos++);
		return 0;
	case EMU_FIFO_OUT_PORT:
		if (is_write) {
			for (int i = 0; i < size; i++)
				emudev_log_byte(d, data[i]);
			return 0;
		}
		value = d->log_len;
		break;
	case EMU_FIFO_SUM_PORT:
		if (is_write) {
			emudev_log_reset(d);
			return 0;
		}
		value = d->log_hash;
		break;
	default:
		return -1;
	}
	memcpy(data, &value, size);	/* a narrower IN gets the low bytes */
	return 0;
}
