// SPDX-License-Identifier: GPL-2.0
/**
 * @file ioapic.c
 * @brief The I/O APIC: 24 interrupt pins in, interrupt messages to the
 * local APICs out.  See Intel 82093AA I/O Advanced Programmable Interrupt
 * Controller (IOAPIC) datasheet, order number 290566-001, section 3.
 *
 * Where the 8259A (i8259.c) has eight priority-ordered inputs and one wire
 * to one CPU, the IOAPIC has no priorities of its own: each pin has a
 * redirection entry (3.2.4) that turns "INTINn went active" into a message
 * (vector, delivery mode, destination) for the local APICs, and the vector
 * gives the priority there.
 *
 * The registers sit behind an indirect window (3.1): the CPU sees only two
 * 32-bit registers, IOREGSEL at +0x00 and IOWIN at +0x10.  It writes a
 * register number to IOREGSEL, then reads or writes IOWIN.  This keeps the
 * device's footprint small however many pins it has; the price is that
 * every access takes two MMIO exits, and that the select/access pair is
 * not atomic: a guest with several CPUs must lock around it.
 *
 * Edge vs level (3.2.4, bits 15 and 14).  An edge-triggered pin sends one
 * message per rising edge; the device (ISA style) pulses its line.  A
 * level-triggered pin is shared, PCI style: the line stays active until
 * every device on it has been serviced.  Sending a message for as long as
 * the line is high would flood the CPU, so the IOAPIC sets the entry's
 * Remote IRR bit when a local APIC accepts the message and sends nothing
 * more for that pin until the local APIC's EOI message for that vector
 * clears the bit.  If the line is still high then, a device still wants
 * service, and the pin fires again.  Version 0x11 has no EOI register:
 * EOI arrives only as that message, here ioapic_update_eoi().
 *
 * Chapter 03 has no local APIC: the glue hands a message straight to the
 * target vCPU's pending interrupt (fixed delivery), and nothing sends an
 * EOI, so a level-triggered entry fires once and then keeps Remote IRR
 * set.  Chapter 04 puts the LAPIC in between, and its EOI register calls
 * ioapic_update_eoi(): the level path comes alive there.
 *
 * Simplifications, all as Linux KVM does them: messages are delivered at
 * once, so Delivery Status always reads 0 (idle); the polarity bit is kept
 * and read back but the @c level given to ioapic_set_irq() already means
 * "asserted"; the arbitration ID is not modelled (it reads as the APIC ID).
 * Left to the caller: OR-ing several sources of one line (Linux's
 * irq_states[] and irq_source_id), KVM's RTC (GSI 8) coalescing, ack
 * notifiers, and the throttle KVM applies to a level pin that re-fires on
 * thousands of successive EOIs.
 *
 * A redirection entry is the ABI's union of a 64-bit @c bits and the same
 * bits as @c fields; <linux/kvm.h> leaves that union unnamed (Linux names
 * its own copy union kvm_ioapic_redirect_entry), so pointers to one are
 * declared with GNU C's __auto_type.
 *
 * Linux: arch/x86/kvm/ioapic.c.
 */
#include <minikvm/ioapic.h>

/**
 * ioapic_service - send pin @pin's message, if the entry lets it go.
 * @s: the IOAPIC
 * @pin: the pin, 0-23
 *
 * A masked pin sends nothing (3.2.4, bit 16), nor does a level pin whose
 * previous message has not been EOI'd yet (Remote IRR).  Returns -1 then,
 * else what the glue's deliver callback returned.
 * Linux: ioapic_service().
 */
static int ioapic_service(struct kvm_ioapic *s, int pin)
{
	__auto_type e = &s->state.redirtbl[pin];
	struct ioapic_irq irq;
	int ret;

	if (e->fields.mask ||
	    (e->fields.trig_mode == IOAPIC_LEVEL_TRIG && e->fields.remote_irr))
		return -1;

	irq.vector = e->fields.vector;
	irq.delivery_mode = e->fields.delivery_mode;
	irq.dest_mode = e->fields.dest_mode;
	irq.trig_mode = e->fields.trig_mode;
	irq.dest_id = e->fields.dest_id;

	if (irq.trig_mode == IOAPIC_EDGE_TRIG)
		s->irr_delivered |= 1u << pin;
	ret = s->deliver ? s->deliver(s->opaque, &irq) : -1;
	/*
	 * Remote IRR: set when a local APIC accepted the level interrupt.
	 * Like KVM, any answer but "coalesced" (0) sets it, even -1 (no
	 * vCPU matched): the pin then waits for an EOI, as the guest asked.
	 */
	if (ret && irq.trig_mode == IOAPIC_LEVEL_TRIG)
		e->fields.remote_irr = 1;
	return ret;
}

/**
 * ioapic_set_irq - a device drives input pin @pin to @level.
 * @s: the IOAPIC
 * @pin: the pin (a GSI of the default routing), 0-23
 * @level: nonzero: asserted, whatever the entry's polarity
 *
 * Returns the status KVM_IRQ_LINE_STATUS reports, as Linux computes it:
 * 1 when the line was lowered (always) or the message was accepted;
 * 0 when coalesced: an edge line that was already high (no new edge), or
 * a message the destination did not accept; -1 when nothing was sent:
 * the pin is masked, a level pin awaits its EOI, or no vCPU matched.
 * Above 1: that many vCPUs accepted it.  -EINVAL for a bad @pin.
 * Linux: kvm_ioapic_set_irq(), ioapic_set_irq().
 */
int ioapic_set_irq(struct kvm_ioapic *s, int pin, int level)
{
	u32 bit, old_irr;

	if (pin < 0 || pin >= IOAPIC_NUM_PINS)
		return -EINVAL;
	bit = 1u << pin;
	if (!level) {
		s->state.irr &= ~bit;
		return 1;
	}

	old_irr = s->state.irr;
	s->state.irr |= bit;
	if (s->state.redirtbl[pin].fields.trig_mode == IOAPIC_EDGE_TRIG) {
		/* A new assertion is not yet delivered, even when coalesced. */
		s->irr_delivered &= ~bit;
		/*
		 * Only a rising edge fires.  An edge while masked is lost,
		 * not held pending (3.2.4, bit 16): ioapic_service() drops it
		 * and unmasking does not bring it back.
		 */
		if (old_irr & bit)
			return 0;
	}
	return ioapic_service(s, pin);
}

/**
 * ioapic_update_eoi - a local APIC's EOI message for @vector arrived.
 * @s: the IOAPIC
 * @vector: the vector the guest EOI'd
 * @trigger_mode: IOAPIC_LEVEL_TRIG if the LAPIC had taken @vector as level
 *	(its TMR bit); an edge vector's EOI is not broadcast to the IOAPIC
 *
 * Clears Remote IRR of every level entry with that vector; a pin whose
 * line is still high (and unmasked) is a new interrupt and fires again.
 * Edge entries are skipped (Remote IRR means nothing for them; KVM only
 * asserts that they are not there).
 * Nothing calls this in chapter 03; chapter 04's LAPIC does.
 * Linux: kvm_ioapic_update_eoi(), kvm_ioapic_update_eoi_one().
 */
void ioapic_update_eoi(struct kvm_ioapic *s, int vector, int trigger_mode)
{
	int pin;

	if (trigger_mode != IOAPIC_LEVEL_TRIG)
		return;
	for (pin = 0; pin < IOAPIC_NUM_PINS; pin++) {
		__auto_type e = &s->state.redirtbl[pin];

		if (e->fields.vector != vector || e->fields.trig_mode != IOAPIC_LEVEL_TRIG)
			continue;
		e->fields.remote_irr = 0;
		if (!e->fields.mask && (s->state.irr & (1u << pin)))
			ioapic_service(s, pin);
	}
}

/**
 * ioapic_read_indirect - the register IOREGSEL selects, as IOWIN reads it.
 * @s: the IOAPIC
 *
 * Unimplemented register numbers (0x03-0x0f, 0x40-0xff) read as all ones,
 * as in KVM.
 * Linux: ioapic_read_indirect().
 */
static u32 ioapic_read_indirect(const struct kvm_ioapic *s)
{
	u32 sel = s->state.ioregsel, pin;
	u64 rte;

	switch (sel) {
	case IOAPIC_REG_VERSION:
		/* 3.2.2: bits 23:16 the highest entry (23), 7:0 the version. */
		return ((IOAPIC_NUM_PINS - 1) << 16) | IOAPIC_VERSION_ID;
	case IOAPIC_REG_APIC_ID:
	case IOAPIC_REG_ARB_ID:
		/* 3.2.3: a write to IOAPICID loads IOAPICARB too. */
		return (s->state.id & 0xf) << 24;
	}
	pin = (sel - IOAPIC_REG_REDIRTBL) / 2;
	if (sel < IOAPIC_REG_REDIRTBL || pin >= IOAPIC_NUM_PINS)
		return ~0u;
	rte = s->state.redirtbl[pin].bits;
	return (sel & 1) ? (u32)(rte >> 32) : (u32)rte;
}

/**
 * ioapic_write_rte - a write of @val to one dword of pin @pin's entry.
 * @s: the IOAPIC
 * @pin: the pin, 0-23
 * @high: the high dword (destination) rather than the low one
 * @val: the 32-bit value
 *
 * Delivery Status and Remote IRR are read-only (3.2.4), except that making
 * the entry edge-triggered clears Remote IRR: Linux and Xen rely on that
 * as the EOI of an IOAPIC without an EOI register.  Unmasking a level pin
 * whose line is high delivers it (the level is still there to see); an
 * edge is never replayed.
 * Linux: ioapic_write_indirect().
 */
static void ioapic_write_rte(struct kvm_ioapic *s, u32 pin, bool high, u32 val)
{
	/* EXERCISE 03.3 BEGIN: a write to a redirection entry, read-only bits and all */
	const u64 ro = IOAPIC_RTE_DELIVERY_STATUS | IOAPIC_RTE_REMOTE_IRR;
	__auto_type e = &s->state.redirtbl[pin];
	u64 old = e->bits;

	if (high)
		e->bits = (old & 0xffffffffull) | ((u64)val << 32);
	else
		e->bits = (old & ~0xffffffffull) | val;
	e->bits = (e->bits & ~ro) | (old & ro);
	if (e->fields.trig_mode == IOAPIC_EDGE_TRIG)
		e->fields.remote_irr = 0;

	if (e->fields.trig_mode == IOAPIC_LEVEL_TRIG && !e->fields.mask &&
	    !e->fields.remote_irr && (s->state.irr & (1u << pin)))
		ioapic_service(s, pin);
	/* EXERCISE 03.3 STUB: (void)s; (void)pin; (void)high; (void)val; */
	/* EXERCISE END */
}

/**
 * ioapic_write_indirect - a write of @val to IOWIN.
 * @s: the IOAPIC
 * @val: the 32-bit value
 *
 * IOAPICID keeps bits 27:24; IOAPICVER and IOAPICARB are read-only, and
 * unimplemented registers ignore writes.
 * Linux: ioapic_write_indirect().
 */
static void ioapic_write_indirect(struct kvm_ioapic *s, u32 val)
{
	u32 sel = s->state.ioregsel;
	u32 pin = (sel - IOAPIC_REG_REDIRTBL) / 2;

	if (sel == IOAPIC_REG_APIC_ID)
		s->state.id = (val >> 24) & 0xf;
	else if (sel >= IOAPIC_REG_REDIRTBL && pin < IOAPIC_NUM_PINS)
		ioapic_write_rte(s, pin, sel & 1, val);
}

/**
 * ioapic_in_range - does @addr fall in the IOAPIC's MMIO window?
 * @s: the IOAPIC
 * @addr: guest-physical address
 *
 * Linux: ioapic_in_range().
 */
static bool ioapic_in_range(const struct kvm_ioapic *s, u64 addr)
{
	return addr >= s->state.base_address &&
	       addr < s->state.base_address + IOAPIC_MEM_LENGTH;
}

/**
 * ioapic_mmio_read - a guest load from the IOAPIC's window.
 * @s: the IOAPIC
 * @addr: guest-physical address
 * @len: access width in bytes
 * @val: where the @len bytes go (little endian)
 *
 * The registers are 32 bits wide, meant for 32-bit accesses (3.1); as KVM
 * does: a 1-, 2- or 4-byte read gets the low bytes of the register, an
 * 8-byte read gets it zero-extended, and offsets other than 0x00 and 0x10
 * (unaligned ones too) read 0.  KVM leaves the buffer of any other width
 * untouched; here it reads as zeros.
 * Returns 0, or -EOPNOTSUPP for an address outside the window ("not mine",
 * as a kvm_io_device's read op).
 * Linux: ioapic_mmio_read().
 */
int ioapic_mmio_read(struct kvm_ioapic *s, u64 addr, int len, void *val)
{
	u32 result = 0;
	u64 wide;

	if (!ioapic_in_range(s, addr))
		return -EOPNOTSUPP;

	switch (addr & 0xff) {
	case IOAPIC_REG_SELECT:
		result = s->state.ioregsel;
		break;
	case IOAPIC_REG_WINDOW:
		result = ioapic_read_indirect(s);
		break;
	}

	switch (len) {
	case 8:
		wide = result;
		memcpy(val, &wide, 8);
		break;
	case 4:
	case 2:
	case 1:
		memcpy(val, &result, len);
		break;
	default:
		if (len > 0)
			memset(val, 0, len);
		break;
	}
	return 0;
}

/**
 * ioapic_mmio_write - a guest store to the IOAPIC's window.
 * @s: the IOAPIC
 * @addr: guest-physical address
 * @len: access width in bytes
 * @val: the @len bytes stored (little endian)
 *
 * As KVM does: an 8-byte store writes its low 32 bits, a 1- or 2-byte
 * store writes the whole register with the value zero-extended, other
 * widths and other offsets are ignored.  IOREGSEL keeps bits 7:0 (3.1.1).
 * Returns 0, or -EOPNOTSUPP for an address outside the window.
 * Linux: ioapic_mmio_write().
 */
int ioapic_mmio_write(struct kvm_ioapic *s, u64 addr, int len, const void *val)
{
	u32 data = 0;

	if (!ioapic_in_range(s, addr))
		return -EOPNOTSUPP;

	switch (len) {
	case 8:
	case 4:
		memcpy(&data, val, 4);
		break;
	case 2:
	case 1:
		memcpy(&data, val, len);
		break;
	default:
		return 0;
	}

	switch (addr & 0xff) {
	case IOAPIC_REG_SELECT:
		s->state.ioregsel = data & 0xff;
		break;
	case IOAPIC_REG_WINDOW:
		ioapic_write_indirect(s, data);
		break;
	}
	return 0;
}

/**
 * ioapic_reset - the state after RESET: every pin masked (3.2.4, default
 * value xxx1 xxxx xxxx xxxxh; the undefined bits are zero here), ID 0,
 * IOREGSEL 0, all lines low, the window at 0xfec00000.
 * @s: the IOAPIC
 *
 * Linux: kvm_ioapic_reset().
 */
void ioapic_reset(struct kvm_ioapic *s)
{
	int pin;

	memset(&s->state, 0, sizeof(s->state));
	for (pin = 0; pin < IOAPIC_NUM_PINS; pin++)
		s->state.redirtbl[pin].fields.mask = 1;
	s->state.base_address = IOAPIC_DEFAULT_BASE_ADDRESS;
	s->irr_delivered = 0;
}

/**
 * ioapic_init - set up @s in its reset state.
 * @s: the IOAPIC
 * @deliver: how messages reach vCPUs (may be NULL: nothing accepts them)
 * @opaque: handed to @deliver
 *
 * Linux: kvm_ioapic_init(), less the allocation and the bus registration,
 * which the kernel glue does.
 */
void ioapic_init(struct kvm_ioapic *s, ioapic_deliver_fn deliver, void *opaque)
{
	s->deliver = deliver;
	s->opaque = opaque;
	ioapic_reset(s);
}

/**
 * ioapic_get_state - KVM_GET_IRQCHIP for the IOAPIC.
 * @s: the IOAPIC
 * @state: filled with the registers and line levels
 *
 * An edge line that is high and already delivered is left out of @c irr,
 * so that restoring the state does not deliver it again.
 * Linux: kvm_get_ioapic().
 */
void ioapic_get_state(const struct kvm_ioapic *s, struct kvm_ioapic_state *state)
{
	memcpy(state, &s->state, sizeof(*state));
	state->irr &= ~s->irr_delivered;
}

/**
 * ioapic_set_state - KVM_SET_IRQCHIP for the IOAPIC.
 * @s: the IOAPIC
 * @state: registers and line levels, as ioapic_get_state() gives them
 *
 * Takes the registers as they are, then raises each line @c irr says is
 * high, so that what was pending is delivered now: an undelivered edge,
 * a level line without Remote IRR.  @c base_address is taken too; moving
 * the window on the bus is the caller's business (KVM does not).
 * Linux: kvm_set_ioapic(), kvm_ioapic_inject_all().
 */
void ioapic_set_state(struct kvm_ioapic *s, const struct kvm_ioapic_state *state)
{
	int pin;

	memcpy(&s->state, state, sizeof(*state));
	s->state.irr = 0;
	s->irr_delivered = 0;
	for (pin = 0; pin < IOAPIC_NUM_PINS; pin++)
		if (state->irr & (1u << pin))
			ioapic_set_irq(s, pin, 1);
}
