// SPDX-License-Identifier: GPL-2.0
/**
 * @file i8259.c
 * @brief The PC's 8259A interrupt controller pair, as KVM emulates it in
 * the kernel: IRQ lines in, one INT wire and an interrupt vector out.
 *
 * Source: Intel, "8259A Programmable Interrupt Controller (8259A/8259A-2)",
 * order number 231468-003 (1988); the section names below are that
 * datasheet's.  The ELCR is the Intel 82371AB (PIIX4) datasheet's, 3.1.
 *
 * A PC has two 8259As.  The master's INT pin goes to the CPU; the slave's
 * INT pin is the master's IR2 input ("Cascade Mode"), so IRQ 8-15 reach
 * the CPU through IRQ 2, and the master, on the INTA cycle for IR2, lets
 * the slave put its vector on the bus.  Each chip has three 8-bit registers
 * (bit n = input IRn):
 *
 *   IRR  interrupt request: the inputs asking for service
 *   ISR  in service: acknowledged by the CPU, not yet ended by an EOI
 *   IMR  mask: inputs the chip ignores
 *
 * The CPU's INTA cycle (i8259_read_irq()) moves the highest-priority
 * unmasked request from IRR to ISR and returns its vector, irq_base + n.
 * In-service levels hold off requests of the same and lower priority
 * until software ends them with an EOI command ("Fully Nested Mode").
 *
 * Simplifying assumptions, as in KVM: always cascaded (ICW1.SNGL and the
 * slave address in ICW3 are ignored), always 8086 mode, always edge
 * triggered unless the ELCR says level (ICW1.LTIM is ignored, as PIIX
 * does).  Where KVM departs from the datasheet in a way a guest can see
 * (the poll byte, special mask mode, special fully nested mode, what ICW1
 * clears), this model does what KVM does, and the place says so: the lab
 * runs every guest on the real KVM too and compares.  Linux:
 * arch/x86/kvm/i8259.c, where each function here has its counterpart named.
 */
#include <minikvm/i8259.h>

#define BIT8(n)		((u8)(1u << (n)))	/**< the register bit of input IRn */
#define CASCADE_IRQ	2			/**< the master input the slave drives */
#define SPURIOUS_IRQ	7			/**< what an INTA without a request returns */

/** Command port (A0=0) writes, told apart by bits 4 and 3 ("Operation
 *  Command Words", Figure 8). @{ */
#define ICW1_INIT	0x10	/**< D4=1: ICW1, start initialisation */
#define  ICW1_IC4	0x01	/**< an ICW4 follows */
#define OCW3_SEL	0x08	/**< D4=0, D3=1: OCW3; D4=0, D3=0: OCW2 */
#define  OCW3_RIS	0x01	/**< with RR: read ISR (1) or IRR (0) at A0=0 */
#define  OCW3_RR	0x02	/**< change the register read at A0=0 */
#define  OCW3_POLL	0x04	/**< the next read is a poll */
#define  OCW3_SMM	0x20	/**< with ESMM: special mask mode on (1) or off (0) */
#define  OCW3_ESMM	0x40	/**< change special mask mode */
/** @} */

/** ICW4 bits ("Initialization Command Words", Figure 7). @{ */
#define ICW4_AEOI	0x02	/**< automatic EOI */
#define ICW4_SFNM	0x10	/**< special fully nested mode */
/** @} */

/** OCW2 commands, bits 7:5 = R SL EOI; bits 2:0 are the level L. @{ */
#define OCW2_ROTATE_AEOI_CLEAR	0	/**< rotate in automatic EOI mode: off */
#define OCW2_EOI		1	/**< non-specific EOI */
#define OCW2_NOP		2	/**< no operation */
#define OCW2_SPECIFIC_EOI	3	/**< specific EOI of level L */
#define OCW2_ROTATE_AEOI_SET	4	/**< rotate in automatic EOI mode: on */
#define OCW2_ROTATE_EOI		5	/**< rotate on non-specific EOI */
#define OCW2_SET_PRIORITY	6	/**< set priority: L becomes the lowest */
#define OCW2_ROTATE_SPECIFIC	7	/**< rotate on specific EOI of L */
/** @} */

/** The state of chip @p i; 0 is the master. */
#define CHIP(s, i)	(&(s)->pics[i])

/*
 * Priorities.  Eight levels, 0 the highest.  Input IRn has priority level
 * (n - priority_add) mod 8: at reset priority_add is 0, so IR0 is the
 * highest and IR7 the lowest.  "Rotating" makes one input the lowest by
 * setting priority_add to that input + 1, which turns the order into a
 * ring: for priority_add = 5, IR5 IR6 IR7 IR0 ... IR4.  Rotation is for
 * equal-priority devices: after each is serviced it goes to the back of
 * the queue, so none starves ("Automatic Rotation", "Specific Rotation").
 */

/** The priority level of input @p irq, 0 highest (Linux: get_priority()). */
static int prio(const struct kvm_pic_state *c, int irq)
{
	return (irq - c->priority_add) & 7;
}

/** The input in @p bits with the highest priority, or -1 if none. */
static int highest(const struct kvm_pic_state *c, u8 bits)
{
	int level;

	for (level = 0; level < 8; level++) {
		int irq = (level + c->priority_add) & 7;

		if (bits & BIT8(irq))
			return irq;
	}
	return -1;
}

/**
 * The in-service bits that hold requests off, as KVM counts them.
 *
 * Special fully nested mode ("The Special Fully Nested Mode") is for a
 * master whose IR2 is a slave: the slave resolves priorities among its own
 * inputs, so while a slave interrupt is in service the master must still
 * let a higher request of that slave through its IR2.  KVM (and QEMU)
 * simply leave IS2 out of the master's count in this mode, which also lets
 * lower master levels (IR3-IR7) in; the datasheet would hold those off.
 *
 * Special mask mode ("Special Mask Mode") is kept in the register but
 * changes nothing here, as in KVM: the datasheet lets a handler that masks
 * its own level accept lower levels meanwhile (a masked in-service level
 * stops blocking).  The lab compares guests with the real KVM, so its
 * behaviour wins where a guest could see the difference.
 * Linux: the ISR part of pic_get_irq().
 */
static u8 blocking_isr(const struct kvm_pic_state *c, int i)
{
	if (i == KVM_IRQCHIP_PIC_MASTER && c->special_fully_nested_mode)
		return c->isr & ~BIT8(CASCADE_IRQ);
	return c->isr;
}

/**
 * The input chip @p i would interrupt with now, or -1: the highest
 * unmasked request, if its priority beats every level in service.
 * Linux: pic_get_irq().
 */
static int chip_pending(const struct kvm_pic *s, int i)
{
	/* EXERCISE 03.2 BEGIN: the priority resolver: which request interrupts now */
	const struct kvm_pic_state *c = CHIP(s, i);
	int req = highest(c, c->irr & ~c->imr);
	int cur = highest(c, blocking_isr(c, i));

	if (req < 0)
		return -1;
	if (cur < 0 || prio(c, req) < prio(c, cur))
		return req;
	return -1;
	/* EXERCISE 03.2 STUB: (void)s; (void)i; (void)prio; (void)highest; (void)blocking_isr; */
	/* EXERCISE 03.2 STUB: return -1; */
	/* EXERCISE END */
}

/**
 * Drive input @p irq of chip @p c to @p level ("Edge and Level Triggered
 * Modes").  Edge: a rising edge latches the request in IRR, and the line
 * must go low and high again for another one; last_irr is the line's
 * level, to see the edge.  Level (ELCR bit set): IRR follows the line, so
 * a line still high after the EOI asks again.  Returns what
 * KVM_IRQ_LINE_STATUS reports: -1 masked, 0 coalesced (a request was
 * pending already, so this one merges with it), 1 otherwise.
 * Linux: pic_set_irq1().
 */
static int chip_set_irq(struct kvm_pic_state *c, int irq, int level)
{
	u8 bit = BIT8(irq);
	int ret = 1;

	if (level) {
		/* Level mode: every assertion is a request; edge: only the rise. */
		if ((c->elcr & bit) || !(c->last_irr & bit)) {
			ret = !(c->irr & bit);
			c->irr |= bit;
		}
		c->last_irr |= bit;
	} else {
		if (c->elcr & bit)
			c->irr &= ~bit;	/* the request goes away with the line */
		c->last_irr &= ~bit;
	}
	return (c->imr & bit) ? -1 : ret;
}

/**
 * i8259_update_irq - recompute the cascade and the INT output.
 * @s: the pair
 *
 * Call after anything that may change which interrupt is pending; the
 * model does so itself after every operation, and i8259_set_state() too.
 * A slave with an interrupt to give pulses the master's IR2 each time, as
 * a fresh edge on that input: the master's request is consumed by its
 * INTA even when the slave still has more to give (e.g. in automatic EOI
 * mode).  KVM recomputes only after some operations (not after ICW1-4,
 * OCW3 or an ELCR write, nor after a master poll that finds IR2), which
 * can leave its INT output stale until the next one; here every operation
 * recomputes, as the hardware's INT pin follows its registers.  A guest
 * would see the difference only by taking an interrupt in between, with
 * IF set in the middle of an initialisation sequence.
 * Linux: pic_update_irq(), kvm_pic_update_irq().
 */
void i8259_update_irq(struct kvm_pic *s)
{
	bool out;

	/* A pulse on IR2, as KVM gives it: an edge only if the master's
	 * edge detector for IR2 was low (and nothing if ELCR made IR2 level). */
	if (chip_pending(s, KVM_IRQCHIP_PIC_SLAVE) >= 0) {
		chip_set_irq(CHIP(s, KVM_IRQCHIP_PIC_MASTER), CASCADE_IRQ, 1);
		chip_set_irq(CHIP(s, KVM_IRQCHIP_PIC_MASTER), CASCADE_IRQ, 0);
	}
	out = chip_pending(s, KVM_IRQCHIP_PIC_MASTER) >= 0;
	if (out != s->output) {
		s->output = out;
		if (s->output_changed)
			s->output_changed(s->opaque, out);
	}
}

/**
 * i8259_set_irq - drive IRQ line @irq (0-15) of the pair to @level.
 * @s: the pair
 * @irq: 0-7 the master's inputs, 8-15 the slave's
 * @level: 1 asserted, 0 deasserted
 *
 * Several sources sharing one line (KVM's irq_source_id) are OR-ed by the
 * caller.  Returns KVM_IRQ_LINE_STATUS's status: 1 delivered, 0 coalesced
 * with a pending request, -1 masked; -EINVAL for a line out of range.
 * Linux: kvm_pic_set_irq().
 */
int i8259_set_irq(struct kvm_pic *s, int irq, int level)
{
	int ret;

	if (irq < 0 || irq >= PIC_NUM_PINS)
		return -EINVAL;
	ret = chip_set_irq(CHIP(s, irq >> 3), irq & 7, level);
	i8259_update_irq(s);
	return ret;
}

/**
 * Acknowledge input @p irq: IRR to ISR ("Interrupt Sequence").  A level
 * request stays in IRR while its line is high.  In automatic EOI mode
 * the chip ends the interrupt itself at the INTA, for software that never
 * nests interrupts and would rather not write EOIs ("Automatic End of
 * Interrupt (AEOI) Mode"); with rotation on, the level also goes to the
 * back of the queue.  Linux: pic_intack().
 */
static void chip_intack(struct kvm_pic_state *c, int irq)
{
	c->isr |= BIT8(irq);
	if (!(c->elcr & BIT8(irq)))
		c->irr &= ~BIT8(irq);
	if (c->auto_eoi) {
		if (c->rotate_on_auto_eoi)
			c->priority_add = (irq + 1) & 7;
		c->isr &= ~BIT8(irq);
	}
}

/**
 * i8259_read_irq - the CPU's interrupt acknowledge cycle.
 * @s: the pair
 *
 * Returns the vector (0-255) of the interrupt the pair delivers now and
 * moves it to service.  A request for IR2 is the slave's: the master
 * acknowledges IR2 and the slave supplies the vector.  If no request is
 * left (it went away between INT and INTA, the case the datasheet calls a
 * default IR7), the chip answers with its IR7 vector and sets no ISR bit:
 * the "spurious interrupt" 7, or 15 when the master's IR2 had been latched
 * but the slave has nothing; software recognises it by the clear ISR bit.
 * Linux: kvm_pic_read_irq().
 */
int i8259_read_irq(struct kvm_pic *s)
{
	struct kvm_pic_state *master = CHIP(s, KVM_IRQCHIP_PIC_MASTER);
	struct kvm_pic_state *slave = CHIP(s, KVM_IRQCHIP_PIC_SLAVE);
	int irq = chip_pending(s, KVM_IRQCHIP_PIC_MASTER);
	int vector;

	if (irq < 0) {
		vector = master->irq_base + SPURIOUS_IRQ;
	} else if (irq != CASCADE_IRQ) {
		chip_intack(master, irq);
		vector = master->irq_base + irq;
	} else {
		chip_intack(master, CASCADE_IRQ);
		irq = chip_pending(s, KVM_IRQCHIP_PIC_SLAVE);
		if (irq >= 0)
			chip_intack(slave, irq);
		else
			irq = SPURIOUS_IRQ;
		vector = slave->irq_base + irq;
	}
	i8259_update_irq(s);
	return vector & 0xff;
}

/**
 * An OCW2 (command port, D4=D3=0): end an interrupt and/or change the
 * priorities ("Operation Command Words", "End of Interrupt").  A
 * non-specific EOI ends the highest-priority level in service, which in
 * fully nested mode is the handler now running.  (The datasheet passes
 * over masked levels in special mask mode; KVM does not, nor do we.)  A
 * specific EOI names the level, for the modes where the highest is not
 * the right one.  Linux: part of pic_ioport_write().
 */
static void chip_write_ocw2(struct kvm_pic_state *c, u8 val)
{
	/* EXERCISE 03.1 BEGIN: the OCW2 commands: EOIs, rotation, set priority */
	int level = val & 7;
	int irq;

	switch (val >> 5) {
	case OCW2_ROTATE_AEOI_CLEAR:
	case OCW2_ROTATE_AEOI_SET:
		c->rotate_on_auto_eoi = (val >> 5) == OCW2_ROTATE_AEOI_SET;
		break;
	case OCW2_EOI:
	case OCW2_ROTATE_EOI:
		irq = highest(c, c->isr);
		if (irq < 0)
			break;
		c->isr &= ~BIT8(irq);
		if ((val >> 5) == OCW2_ROTATE_EOI)
			c->priority_add = (irq + 1) & 7;
		break;
	case OCW2_SPECIFIC_EOI:
		c->isr &= ~BIT8(level);
		break;
	case OCW2_ROTATE_SPECIFIC:
		c->isr &= ~BIT8(level);
		c->priority_add = (level + 1) & 7;
		break;
	case OCW2_SET_PRIORITY:
		c->priority_add = (level + 1) & 7;
		break;
	case OCW2_NOP:
		break;
	}
	/* EXERCISE 03.1 STUB: (void)c; (void)val; */
	/* EXERCISE END */
}

/**
 * A write to the command port (A0=0): ICW1, OCW2 or OCW3.
 *
 * ICW1 starts initialisation: the datasheet resets the edge detectors (a
 * line already high must fall and rise again), clears the IMR and special
 * mask mode, makes IR7 the lowest priority, selects IRR for reads and, if
 * no ICW4 will follow, clears what ICW4 sets.  Level requests stay in IRR,
 * as in KVM: their lines are still high.  One thing the datasheet does
 * not do: KVM ends the in-service level of every edge request it drops
 * (its ack notifiers must hear of them), so ISR loses those bits too.
 * (KVM does that only when some vCPU takes the PIC's interrupts, i.e.
 * whenever the VM has its boot vCPU.)  Linux: pic_ioport_write(),
 * kvm_pic_reset().
 */
static void chip_write_cmd(struct kvm_pic_state *c, u8 val)
{
	if (val & ICW1_INIT) {
		c->init4 = val & ICW1_IC4;
		c->isr &= ~(c->irr & ~c->elcr);
		c->last_irr = 0;
		c->irr &= c->elcr;
		c->imr = 0;
		c->priority_add = 0;
		c->special_mask = 0;
		c->read_reg_select = 0;
		if (!c->init4) {
			c->special_fully_nested_mode = 0;
			c->auto_eoi = 0;
		}
		c->init_state = 1;
	} else if (val & OCW3_SEL) {
		if (val & OCW3_POLL)
			c->poll = 1;
		if (val & OCW3_RR)
			c->read_reg_select = val & OCW3_RIS;
		if (val & OCW3_ESMM)
			c->special_mask = !!(val & OCW3_SMM);
	} else {
		chip_write_ocw2(c, val);
	}
}

/**
 * A write to the data port (A0=1): the next ICW of an initialisation
 * sequence (init_state 1-3), otherwise OCW1, the IMR.  ICW2 holds the
 * vector base (bits 7:3, 8086 mode); ICW3 says how the pair is wired,
 * which is fixed on a PC; ICW4 selects AEOI and special fully nested mode.
 * Linux: pic_ioport_write().
 */
static void chip_write_data(struct kvm_pic_state *c, u8 val)
{
	switch (c->init_state) {
	case 0:
		c->imr = val;
		break;
	case 1:
		c->irq_base = val & 0xf8;
		c->init_state = 2;
		break;
	case 2:
		c->init_state = c->init4 ? 3 : 0;
		break;
	case 3:
		c->special_fully_nested_mode = !!(val & ICW4_SFNM);
		c->auto_eoi = !!(val & ICW4_AEOI);
		c->init_state = 0;
		break;
	}
}

/**
 * The poll command's read ("The Poll Command"): software that runs with
 * interrupts off asks the chip which input wants service.  Returns what
 * KVM returns, which is not the datasheet's byte: the bare level of the
 * highest request (the datasheet: 0x80 | level), or 7 when there is none
 * (the datasheet: 0x00).  KVM also takes the request away without putting
 * it in service: the IRR bit is cleared (a level line's too) and the ISR
 * bit stays clear, where the datasheet's poll is an INTA that sets ISR
 * and so wants an EOI.  Polling the slave also takes back the cascade
 * request it had made on the master's IR2, IS2 included.
 * Linux: pic_poll_read().
 */
static u8 chip_poll(struct kvm_pic *s, int i)
{
	struct kvm_pic_state *c = CHIP(s, i);
	int irq = chip_pending(s, i);

	if (irq < 0)
		return SPURIOUS_IRQ;
	if (i == KVM_IRQCHIP_PIC_SLAVE) {
		CHIP(s, KVM_IRQCHIP_PIC_MASTER)->isr &= ~BIT8(CASCADE_IRQ);
		CHIP(s, KVM_IRQCHIP_PIC_MASTER)->irr &= ~BIT8(CASCADE_IRQ);
	}
	c->irr &= ~BIT8(irq);
	c->isr &= ~BIT8(irq);
	return irq;
}

/** Whether @p port is one of the pair's six: 0x20/0x21, 0xa0/0xa1, 0x4d0/0x4d1. */
static bool pic_port(u16 port)
{
	return (port & ~0x81) == PIC_MASTER_CMD || (port & ~1) == PIC_ELCR_MASTER;
}

/**
 * i8259_ioport_read - an IN from one of the pair's ports.
 * @s: the pair
 * @port: the I/O port
 * @len: access size in bytes; only 1 is meaningful
 * @val: where the data goes (@len bytes)
 *
 * Returns 0, or -EOPNOTSUPP for a port that is not the PIC's, so that the
 * I/O bus tries the next device.  A read at A0=0 returns the IRR or the
 * ISR as OCW3 last chose; at A0=1 the IMR; after a poll command, either
 * returns the poll byte ("Reading the 8259A Status").  The ELCR ports
 * return the ELCR.  Other widths read 0, as in KVM.  Linux: picdev_read().
 */
int i8259_ioport_read(struct kvm_pic *s, u16 port, int len, void *val)
{
	struct kvm_pic_state *c = CHIP(s, (port >> 7) & 1);	/* for 0x20-0xa1 */
	u8 data;

	if (!pic_port(port))
		return -EOPNOTSUPP;
	if (len != 1) {
		memset(val, 0, len);
		return 0;
	}
	if (port == PIC_ELCR_MASTER || port == PIC_ELCR_SLAVE) {
		data = CHIP(s, port & 1)->elcr;
	} else if (c->poll) {
		c->poll = 0;
		data = chip_poll(s, port >> 7);
		i8259_update_irq(s);
	} else if (port & 1) {
		data = c->imr;
	} else {
		data = c->read_reg_select ? c->isr : c->irr;
	}
	*(u8 *)val = data;
	return 0;
}

/**
 * i8259_ioport_write - an OUT to one of the pair's ports.
 * @s: the pair
 * @port: the I/O port
 * @len: access size in bytes; other than 1 is ignored, as in KVM
 * @val: the data (@len bytes)
 *
 * Returns 0, or -EOPNOTSUPP for a port that is not the PIC's.  The ELCR
 * takes only the bits elcr_mask allows: IRQ 0, 1, 2 (timer, keyboard,
 * cascade) and 8, 13 (RTC, FPU error) are edge-only on PIIX, so KVM's
 * masks are 0xf8 and 0xde.  Linux: picdev_write(), elcr_ioport_write().
 */
int i8259_ioport_write(struct kvm_pic *s, u16 port, int len, const void *val)
{
	u8 data;

	if (!pic_port(port))
		return -EOPNOTSUPP;
	if (len != 1)
		return 0;
	data = *(const u8 *)val;
	if (port == PIC_ELCR_MASTER || port == PIC_ELCR_SLAVE)
		CHIP(s, port & 1)->elcr = data & CHIP(s, port & 1)->elcr_mask;
	else if (port & 1)
		chip_write_data(CHIP(s, port >> 7), data);
	else
		chip_write_cmd(CHIP(s, port >> 7), data);
	i8259_update_irq(s);
	return 0;
}

/**
 * i8259_reset - the pair as KVM_CREATE_IRQCHIP leaves it.
 * @s: the pair
 *
 * Every register zero (vector base 0, nothing masked, not initialised),
 * all lines edge triggered, and the ELCR masks of PIIX.  The 8259A has no
 * reset pin; the guest's ICW1 is what really initialises it.
 * Linux: kvm_pic_init().
 */
void i8259_reset(struct kvm_pic *s)
{
	memset(s->pics, 0, sizeof(s->pics));
	CHIP(s, KVM_IRQCHIP_PIC_MASTER)->elcr_mask = 0xf8;
	CHIP(s, KVM_IRQCHIP_PIC_SLAVE)->elcr_mask = 0xde;
	i8259_update_irq(s);
}

/**
 * i8259_init - set up a pair and reset it.
 * @s: the pair
 * @output_changed: called whenever the INT output changes; may be NULL
 * @opaque: handed to @output_changed
 *
 * Linux: kvm_pic_init().
 */
void i8259_init(struct kvm_pic *s, i8259_output_fn output_changed, void *opaque)
{
	s->output = false;
	s->output_changed = output_changed;
	s->opaque = opaque;
	i8259_reset(s);
}

/**
 * i8259_get_state - one chip's state for KVM_GET_IRQCHIP.
 * @s: the pair
 * @chip: KVM_IRQCHIP_PIC_MASTER or KVM_IRQCHIP_PIC_SLAVE
 * @state: filled with the chip's registers
 *
 * Returns 0, or -EINVAL for another chip id.
 * Linux: kvm_vm_ioctl_get_irqchip().
 */
int i8259_get_state(const struct kvm_pic *s, int chip, struct kvm_pic_state *state)
{
	if (chip != KVM_IRQCHIP_PIC_MASTER && chip != KVM_IRQCHIP_PIC_SLAVE)
		return -EINVAL;
	memcpy(state, CHIP(s, chip), sizeof(*state));
	return 0;
}

/**
 * i8259_set_state - one chip's state from KVM_SET_IRQCHIP.
 * @s: the pair
 * @chip: KVM_IRQCHIP_PIC_MASTER or KVM_IRQCHIP_PIC_SLAVE
 * @state: the registers, taken as they are (KVM checks none of them)
 *
 * The output is recomputed, and the callback told if it changed.
 * Returns 0, or -EINVAL for another chip id.
 * Linux: kvm_vm_ioctl_set_irqchip().
 */
int i8259_set_state(struct kvm_pic *s, int chip, const struct kvm_pic_state *state)
{
	if (chip != KVM_IRQCHIP_PIC_MASTER && chip != KVM_IRQCHIP_PIC_SLAVE)
		return -EINVAL;
	memcpy(CHIP(s, chip), state, sizeof(*state));
	i8259_update_irq(s);
	return 0;
}
