// SPDX-License-Identifier: GPL-2.0
/**
 * @file i8042.c
 * @brief The PC's keyboard controller (Intel 8042) at ports 0x60/0x64,
 * with nothing plugged in: enough for a guest to probe it and to reset
 * the machine through it.
 *
 * On a PC AT the 8042 sits between the CPU and the keyboard and mouse,
 * and one of its output pins drives the CPU's RESET line - which is why
 * "reboot" on a PC has long meant "ask the keyboard controller" (Linux:
 * reboot=k, the first method it tries after ACPI).  Port 0x64 reads
 * the status register and takes commands; port 0x60 reads the output
 * buffer and takes a command's data byte, or else a byte for the
 * keyboard.  The status bits (IBM PC AT Technical Reference, "Keyboard
 * Controller"; the same in every PS/2 chipset since):
 *
 *   bit 0 OBF   the output buffer holds a byte for the CPU
 *   bit 1 IBF   the controller has not taken the last byte yet (never
 *               here: every byte is taken at once)
 *   bit 2 SYS   the system flag, a copy of the command byte's bit 2
 *   bit 3 A2    the last byte written went to port 0x64 (a command)
 *   bit 4 INH   1: the keyboard is not inhibited (no key lock here)
 *   bit 5 AUX   the byte in the output buffer came from the mouse port
 *
 * The commands modelled: 0x20/0x60 read/write the command byte, 0xa7/
 * 0xa8/0xad/0xae disable/enable the mouse and keyboard ports, 0xa9/0xab
 * test their lines (0x00: fine), 0xaa the self-test (0x55), 0xd0/0xd1
 * read/write the output port (bit 0 low: RESET), 0xd2/0xd3 put a byte in
 * the output buffer as if the keyboard/mouse had sent it (Linux's i8042
 * driver uses 0xd3 to find out whether a mouse port exists), 0xf0-0xff
 * pulse output-port bits for 6 us (a 0 in bit 0 of the command pulses
 * RESET: 0xfe is the reboot command).  A byte for the keyboard or the
 * mouse gets no answer: no device is attached.  A byte in the output
 * buffer raises IRQ 1 (keyboard) or IRQ 12 (mouse) if the command byte
 * enables that interrupt, until the CPU reads it.
 *
 * A reset ends minivmm with status VMM_RESET: there is no BIOS to run
 * again, and a guest's "reboot" is a clean end of its run.
 *
 * QEMU counterpart: hw/input/pckbd.c.
 */
#include "minivmm.h"

/** Status register bits (port 0x64, read). @{ */
#define I8042_STR_OBF		0x01
#define I8042_STR_SYS		0x04
#define I8042_STR_CMD		0x08
#define I8042_STR_UNLOCKED	0x10
#define I8042_STR_AUXDATA	0x20
/** @} */

/** Command byte bits. @{ */
#define I8042_CTR_KBDINT	0x01	/**< IRQ 1 when keyboard data waits */
#define I8042_CTR_AUXINT	0x02	/**< IRQ 12 when mouse data waits */
#define I8042_CTR_SYS		0x04	/**< the system flag (POST passed) */
#define I8042_CTR_KBDDIS	0x10	/**< keyboard port disabled */
#define I8042_CTR_AUXDIS	0x20	/**< mouse port disabled */
/** @} */

/** Commands (port 0x64, write). @{ */
#define I8042_CMD_CTL_RCTR	0x20
#define I8042_CMD_CTL_WCTR	0x60
#define I8042_CMD_AUX_DISABLE	0xa7
#define I8042_CMD_AUX_ENABLE	0xa8
#define I8042_CMD_AUX_TEST	0xa9
#define I8042_CMD_CTL_TEST	0xaa
#define I8042_CMD_KBD_TEST	0xab
#define I8042_CMD_KBD_DISABLE	0xad
#define I8042_CMD_KBD_ENABLE	0xae
#define I8042_CMD_READ_OUTPORT	0xd0
#define I8042_CMD_WRITE_OUTPORT	0xd1
#define I8042_CMD_KBD_LOOP	0xd2
#define I8042_CMD_AUX_LOOP	0xd3
#define I8042_CMD_AUX_SEND	0xd4
#define I8042_CMD_PULSE		0xf0	/**< 0xf0-0xff: pulse the bits that are 0 */
/** @} */

#define I8042_OUTPORT_RESET	0x01	/**< output port bit 0: RESET, active low */
#define I8042_OUTPORT_A20	0x02	/**< output port bit 1: the A20 gate */
#define I8042_SELFTEST_OK	0x55	/**< the self-test's answer */

/** Reset the controller as firmware leaves it: keyboard interrupt on,
 *  system flag set, RESET high and A20 enabled. */
void i8042_init(struct i8042 *k)
{
	*k = (struct i8042) {
		.ctr = I8042_CTR_KBDINT | I8042_CTR_SYS,
		.outport = I8042_OUTPORT_RESET | I8042_OUTPORT_A20,
	};
}

/** Drive IRQ 1 and IRQ 12 from the output buffer and the command byte. */
static void i8042_update_irq(struct i8042 *k)
{
	int kbd = k->obf && !k->obf_aux && (k->ctr & I8042_CTR_KBDINT);
	int aux = k->obf && k->obf_aux && (k->ctr & I8042_CTR_AUXINT);

	if (!k->set_irq)
		return;
	if (kbd != k->irq1) {
		k->irq1 = kbd;
		k->set_irq(k->opaque, I8042_KBD_IRQ, kbd);
	}
	if (aux != k->irq12) {
		k->irq12 = aux;
		k->set_irq(k->opaque, I8042_AUX_IRQ, aux);
	}
}

/** A byte for the CPU, from the keyboard port or (@aux) the mouse port. */
static void i8042_queue(struct i8042 *k, uint8_t byte, int aux)
{
	k->out = byte;
	k->obf = 1;
	k->obf_aux = aux;
}

/** A write to the output port: RESET (bit 0) low resets the machine. */
static void i8042_write_outport(struct i8042 *k, uint8_t v)
{
	k->outport = v;
	if (!(v & I8042_OUTPORT_RESET))
		k->reset = 1;
}

/** A command written to port 0x64. */
static void i8042_command(struct i8042 *k, uint8_t cmd)
{
	k->pending = 0;
	switch (cmd) {
	case I8042_CMD_CTL_RCTR:	i8042_queue(k, k->ctr, 0); break;
	case I8042_CMD_AUX_DISABLE:	k->ctr |= I8042_CTR_AUXDIS; break;
	case I8042_CMD_AUX_ENABLE:	k->ctr &= ~I8042_CTR_AUXDIS; break;
	case I8042_CMD_AUX_TEST:	i8042_queue(k, 0x00, 0); break;
	case I8042_CMD_CTL_TEST:	i8042_queue(k, I8042_SELFTEST_OK, 0); break;
	case I8042_CMD_KBD_TEST:	i8042_queue(k, 0x00, 0); break;
	case I8042_CMD_KBD_DISABLE:	k->ctr |= I8042_CTR_KBDDIS; break;
	case I8042_CMD_KBD_ENABLE:	k->ctr &= ~I8042_CTR_KBDDIS; break;
	case I8042_CMD_READ_OUTPORT:	i8042_queue(k, k->outport, 0); break;
	/* These take a data byte on port 0x60 next. */
	case I8042_CMD_CTL_WCTR:
	case I8042_CMD_WRITE_OUTPORT:
	case I8042_CMD_KBD_LOOP:
	case I8042_CMD_AUX_LOOP:
	case I8042_CMD_AUX_SEND:
		k->pending = cmd;
		break;
	default:
		if (cmd >= I8042_CMD_PULSE && !(cmd & I8042_OUTPORT_RESET))
			k->reset = 1;	/* 0xfe: pulse RESET */
		break;			/* others: ignored, as unknown commands are */
	}
}

/** A data byte written to port 0x60: for the pending command, if any. */
static void i8042_data(struct i8042 *k, uint8_t v)
{
	uint8_t cmd = k->pending;

	k->pending = 0;
	switch (cmd) {
	case I8042_CMD_CTL_WCTR:	k->ctr = v; break;
	case I8042_CMD_WRITE_OUTPORT:	i8042_write_outport(k, v); break;
	case I8042_CMD_KBD_LOOP:	i8042_queue(k, v, 0); break;
	case I8042_CMD_AUX_LOOP:	i8042_queue(k, v, 1); break;
	default:	/* for the keyboard (or, after 0xd4, the mouse): none there */
		break;
	}
}

/**
 * A one-byte access to @port.  Returns 0 if the port is the controller's,
 * -1 if not.  After a write, k->reset says whether the guest reset the
 * machine.
 */
int i8042_io(struct i8042 *k, uint16_t port, int is_write, uint8_t *data)
{
	switch (port) {
	case I8042_DATA_PORT:
		if (is_write) {
			k->last_was_cmd = 0;
			i8042_data(k, *data);
		} else {
			*data = k->out;
			k->obf = 0;
		}
		break;
	case I8042_STATUS_PORT:
		if (is_write) {
			k->last_was_cmd = 1;
			i8042_command(k, *data);
		} else {
			*data = (k->obf ? I8042_STR_OBF : 0) |
				(k->ctr & I8042_CTR_SYS ? I8042_STR_SYS : 0) |
				(k->last_was_cmd ? I8042_STR_CMD : 0) |
				I8042_STR_UNLOCKED |
				(k->obf && k->obf_aux ? I8042_STR_AUXDATA : 0);
		}
		break;
	default:
		return -1;
	}
	i8042_update_irq(k);
	return 0;
}
