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

#ifndef CONFIG_MINIKVM_IRQCHIP
/* Nothing is ever received, and no interrupt is ever raised. */
#else
/*
 * The receiver is fed by --in-data (the bytes TEST_DATA_PORT also
 * serves: one cursor for both), and the UART drives its interrupt line
 * (IRQ 4 on a PC) as the datasheet's section "Interrupt Identification
 * Register" says: the line is high while an enabled source is active,
 * and IIR names the one of highest priority:
 *
 *   receiver line status (IIR 0x06)  never here: no errors, no breaks
 *   received data available (0x04)   LSR.DR and IER.ERBFI; reading RBR
 *                                    until it is empty clears it
 *   THR empty (0x02)                 IER.ETBEI, set when THR empties
 *                                    (at once here: each byte leaves as
 *                                    it is written) and when ETBEI is
 *                                    enabled with THR empty; reading IIR
 *                                    while it is the source, or writing
 *                                    THR, clears it
 *   modem status (0x00)              never here
 *
 * A write to THR therefore takes the line low and, the byte sent, high
 * again: one edge per byte, what an interrupt-driven transmitter waits
 * for.  MCR.OUT2, which gates the UART's interrupt to the ISA bus on a
 * real PC, is kept but not used, as QEMU's model does.
 */
#endif

#define UART_RBR_THR	0	/**< receive buffer (read) / transmit holding (write) */
#define UART_IER	1	/**< interrupt enable */
#ifdef CONFIG_MINIKVM_IRQCHIP
#define  UART_IER_ERBFI		0x01	/**< received data available */
#define  UART_IER_ETBEI		0x02	/**< transmitter holding register empty */
#endif
#define UART_IIR_FCR	2	/**< interrupt identification (read) / FIFO control (write) */
#define  UART_IIR_NO_INT	0x01	/**< no interrupt pending */
#ifdef CONFIG_MINIKVM_IRQCHIP
#define  UART_IIR_RDI		0x04	/**< received data available */
#define  UART_IIR_THRI		0x02	/**< THR empty */
#endif
#define UART_LCR	3	/**< line control */
#define  UART_LCR_DLAB		0x80	/**< registers 0 and 1 are the divisor latch */
#define UART_MCR	4	/**< modem control */
#define UART_LSR	5	/**< line status */
#ifdef CONFIG_MINIKVM_IRQCHIP
#define  UART_LSR_DR		0x01	/**< data ready: RBR holds a byte */
#endif
#define  UART_LSR_THRE		0x20	/**< transmit holding register empty */
#define  UART_LSR_TEMT		0x40	/**< transmitter empty */
#define UART_MSR	6	/**< modem status */
#define UART_SCR	7	/**< scratch */

/** Reset the UART and send its output to @out. */
void serial_init(struct serial *s, FILE *out)
{
	*s = (struct serial) { .out = out };
}
#ifdef CONFIG_MINIKVM_IRQCHIP

/** A byte is waiting in RBR. */
static int rx_ready(const struct serial *s)
{
#ifdef CONFIG_MINIKVM_FINAL
	if (s->fifo_len)
		return 1;	/* from stdin (serial_receive()) */
#endif
	return s->rx && *s->rx && **s->rx;
}
#ifdef CONFIG_MINIKVM_FINAL

/** Take the byte in RBR: --in-data's first, then stdin's; 0 if none. */
static uint8_t rx_take(struct serial *s)
{
	uint8_t c;

	if (s->rx && *s->rx && **s->rx)
		return (uint8_t)*(*s->rx)++;
	if (!s->fifo_len)
		return 0;
	c = s->fifo[s->fifo_head];
	s->fifo_head = (s->fifo_head + 1) % SERIAL_FIFO_SIZE;
	s->fifo_len--;
	return c;
}
#endif

/** The IIR value: the active enabled source of highest priority. */
static uint8_t serial_iir(const struct serial *s)
{
	if ((s->ier & UART_IER_ERBFI) && rx_ready(s))
		return UART_IIR_RDI;
	if ((s->ier & UART_IER_ETBEI) && s->thr_ipending)
		return UART_IIR_THRI;
	return UART_IIR_NO_INT;
}

/** Drive the interrupt line as IIR says (QEMU: serial_update_irq()). */
static void serial_update_irq(struct serial *s)
{
	int level = serial_iir(s) != UART_IIR_NO_INT;

	if (level == s->irq_level)
		return;
	s->irq_level = level;
	if (s->set_irq)
		s->set_irq(s->opaque, level);
}
#endif

#ifdef CONFIG_MINIKVM_FINAL
/**
 * Bytes arrived on the line (minivmm's stdin): as many of @n as the
 * receive ring has room for go in, and the received-data interrupt rises
 * if enabled.  Returns how many were taken; the caller offers the rest
 * again once the guest has read some (a UART would lose them: overrun).
 */
size_t serial_receive(struct serial *s, const uint8_t *buf, size_t n)
{
	size_t i;

	for (i = 0; i < n && s->fifo_len < SERIAL_FIFO_SIZE; i++, s->fifo_len++)
		s->fifo[(s->fifo_head + s->fifo_len) % SERIAL_FIFO_SIZE] = buf[i];
	serial_update_irq(s);
	return i;
}
#endif

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
#ifdef CONFIG_MINIKVM_IRQCHIP
			s->thr_ipending = 0;
			serial_update_irq(s);
#endif
			fputc(*data, s->out);
			fflush(s->out);
			trace_com1(s->trace, *data);
#ifdef CONFIG_MINIKVM_IRQCHIP
			s->thr_ipending = 1;	/* sent: THR is empty again */
#endif
		} else {
#ifndef CONFIG_MINIKVM_IRQCHIP
			*data = 0;	/* nothing ever received */
#else
#ifdef CONFIG_MINIKVM_FINAL
			*data = rx_take(s);
#else
			*data = rx_ready(s) ? (uint8_t)*(*s->rx)++ : 0;
#endif
#endif
		}
		break;
	case UART_IER:
		if (dlab) {
			if (is_write) s->dlm = *data; else *data = s->dlm;
		} else {
#ifdef CONFIG_MINIKVM_IRQCHIP
			/* Enabling ETBEI with THR empty is a THR-empty event. */
			if (is_write && (*data & ~s->ier & UART_IER_ETBEI))
				s->thr_ipending = 1;
#endif
			if (is_write) s->ier = *data & 0x0f; else *data = s->ier;
		}
		break;
	case UART_IIR_FCR:
#ifndef CONFIG_MINIKVM_IRQCHIP
		if (!is_write)
			*data = UART_IIR_NO_INT;
#else
		if (!is_write) {
			*data = serial_iir(s);
			/* Reading IIR is what acknowledges a THR-empty interrupt. */
			if (*data == UART_IIR_THRI)
				s->thr_ipending = 0;
		}
#endif
		break;
	case UART_LCR:
		if (is_write) s->lcr = *data; else *data = s->lcr;
		break;
	case UART_LSR:
		if (!is_write)
			*data = UART_LSR_THRE | UART_LSR_TEMT;
#ifdef CONFIG_MINIKVM_IRQCHIP
		if (!is_write && rx_ready(s))
			*data |= UART_LSR_DR;
#endif
		break;
	case UART_SCR:
		if (is_write) s->scr = *data; else *data = s->scr;
		break;
#ifdef CONFIG_MINIKVM_IRQCHIP
	case UART_MCR:
		if (is_write) s->mcr = *data & 0x1f; else *data = s->mcr;
		break;
#endif
	default:	/* MCR, MSR: accepted and read as zero */
		if (!is_write)
			*data = 0;
		break;
	}
#ifdef CONFIG_MINIKVM_IRQCHIP
	serial_update_irq(s);
#endif
	return 0;
}
