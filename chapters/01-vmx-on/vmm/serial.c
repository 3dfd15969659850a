// SPDX-License-Identifier: GPL-2.0
/**
 * @file serial.c
 * @brief The COM1 UART, just enough 8250/16550 for a guest to print.
 *
 * Register map: National Semiconductor PC16550D datasheet, table 2.
 * The transmitter is always empty (we write each byte out at once), so LSR
 * always reports THRE|TEMT and a guest polling it never waits.
 *
 * QEMU counterpart: hw/char/serial.c.
 */
#include "minivmm.h"

/* Nothing is ever received, and no interrupt is ever raised. */

#define UART_RBR_THR	0	/**< receive buffer (read) / transmit holding (write) */
#define UART_IER	1	/**< interrupt enable */
#define UART_IIR_FCR	2	/**< interrupt identification (read) / FIFO control (write) */
#define  UART_IIR_NO_INT	0x01	/**< no interrupt pending */
#define UART_LCR	3	/**< line control */
#define  UART_LCR_DLAB		0x80	/**< registers 0 and 1 are the divisor latch */
#define UART_MCR	4	/**< modem control */
#define UART_LSR	5	/**< line status */
#define  UART_LSR_THRE		0x20	/**< transmit holding register empty */
#define  UART_LSR_TEMT		0x40	/**< transmitter empty */
#define UART_MSR	6	/**< modem status */
#define UART_SCR	7	/**< scratch */

/** Reset the UART and send its output to @out. */
void serial_init(struct serial *s, FILE *out)
{
	*s = (struct serial) { .out = out };
}

/**
 * Handle a one-byte access to @port.  Returns 0 if the port is ours,
 * -1 if it is not (so the caller can try another device).
 */
int serial_io(struct serial *s, uint16_t port, int is_write, uint8_t *data)
{
	int dlab = s->lcr & UART_LCR_DLAB;

	if (port < COM1_BASE || port >= COM1_BASE + 8)
		return -1;

	switch (port - COM1_BASE) {
	case UART_RBR_THR:
		if (dlab) {
			if (is_write) s->dll = *data; else *data = s->dll;
		} else if (is_write) {
			fputc(*data, s->out);
			fflush(s->out);
			trace_com1(s->trace, *data);
		} else {
			*data = 0;	/* nothing ever received */
		}
		break;
	case UART_IER:
		if (dlab) {
			if (is_write) s->dlm = *data; else *data = s->dlm;
		} else {
			if (is_write) s->ier = *data & 0x0f; else *data = s->ier;
		}
		break;
	case UART_IIR_FCR:
		if (!is_write)
			*data = UART_IIR_NO_INT;
		break;
	case UART_LCR:
		if (is_write) s->lcr = *data; else *data = s->lcr;
		break;
	case UART_LSR:
		if (!is_write)
			*data = UART_LSR_THRE | UART_LSR_TEMT;
		break;
	case UART_SCR:
		if (is_write) s->scr = *data; else *data = s->scr;
		break;
	default:	/* MCR, MSR: accepted and read as zero */
		if (!is_write)
			*data = 0;
		break;
	}
	return 0;
}
