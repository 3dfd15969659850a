// SPDX-License-Identifier: GPL-2.0
/* The IOAPIC model (final/arch/x86/kvm/ioapic.c) against the 82093AA
 * datasheet (290566-001, section 3) and Linux KVM's behaviour: the guest's
 * view through the MMIO window, the lines through ioapic_set_irq(), and the
 * messages a fake LAPIC side records. */
#include <criterion/criterion.h>
#include <string.h>

#include <minikvm/ioapic.h>

#define BASE	IOAPIC_DEFAULT_BASE_ADDRESS

static struct kvm_ioapic io;
static struct ioapic_irq sent[16];
static int nsent;
static int answer;	/* what the fake LAPIC side returns */

static int record(void *opaque, const struct ioapic_irq *irq)
{
	cr_assert_eq(opaque, &io);
	if (nsent < 16)
		sent[nsent] = *irq;
	nsent++;
	return answer;
}

static void setup(void)
{
	memset(sent, 0, sizeof(sent));
	nsent = 0;
	answer = 1;
	memset(&io, 0xa5, sizeof(io));	/* init must not rely on zeroed memory */
	ioapic_init(&io, record, &io);
}

static void mmio_w32(u64 off, u32 v)
{
	cr_assert_eq(ioapic_mmio_write(&io, BASE + off, 4, &v), 0);
}

static u32 mmio_r32(u64 off)
{
	u32 v = 0xdeadbeef;

	cr_assert_eq(ioapic_mmio_read(&io, BASE + off, 4, &v), 0);
	return v;
}

/* The two-step access through the window (datasheet 3.1). */
static void reg_w(u32 reg, u32 v)
{
	mmio_w32(IOAPIC_REG_SELECT, reg);
	mmio_w32(IOAPIC_REG_WINDOW, v);
}

static u32 reg_r(u32 reg)
{
	mmio_w32(IOAPIC_REG_SELECT, reg);
	return mmio_r32(IOAPIC_REG_WINDOW);
}

static u32 rte_lo(int pin) { return reg_r(IOAPIC_REG_REDIRTBL + 2 * pin); }
static u32 rte_hi(int pin) { return reg_r(IOAPIC_REG_REDIRTBL + 2 * pin + 1); }

/* Program pin @pin: low dword @lo, destination @dest. */
static void route(int pin, u32 lo, u8 dest)
{
	reg_w(IOAPIC_REG_REDIRTBL + 2 * pin + 1, (u32)dest << 24);
	reg_w(IOAPIC_REG_REDIRTBL + 2 * pin, lo);
}

#define LEVEL	IOAPIC_RTE_LEVEL
#define MASKED	IOAPIC_RTE_MASKED
#define RIRR	IOAPIC_RTE_REMOTE_IRR

TestSuite(ioapic, .init = setup);

Test(ioapic, version_id_and_arbitration_read_through_the_window)
{
	cr_assert_eq(reg_r(IOAPIC_REG_VERSION), 0x00170011);
	cr_assert_eq(reg_r(IOAPIC_REG_APIC_ID), 0);
	reg_w(IOAPIC_REG_APIC_ID, 0xffffffff);		/* only bits 27:24 exist */
	cr_assert_eq(reg_r(IOAPIC_REG_APIC_ID), 0x0f000000);
	reg_w(IOAPIC_REG_APIC_ID, 0x05000000);
	cr_assert_eq(reg_r(IOAPIC_REG_APIC_ID), 0x05000000);
	cr_assert_eq(reg_r(IOAPIC_REG_ARB_ID), 0x05000000, "a write to IOAPICID loads IOAPICARB");
	reg_w(IOAPIC_REG_VERSION, 0);			/* read-only */
	reg_w(IOAPIC_REG_ARB_ID, 0x0a000000);		/* read-only */
	cr_assert_eq(reg_r(IOAPIC_REG_VERSION), 0x00170011);
	cr_assert_eq(reg_r(IOAPIC_REG_ARB_ID), 0x05000000);
	cr_assert_eq(io.state.id, 5);
}

Test(ioapic, ioregsel_keeps_eight_bits)
{
	mmio_w32(IOAPIC_REG_SELECT, 0x12345612);
	cr_assert_eq(mmio_r32(IOAPIC_REG_SELECT), 0x12);
}

/* exercise 03.3 */
Test(ioapic, redirection_entry_low_and_high_dwords)
{
	reg_w(0x10 + 2 * 5 + 1, 0x03000000);
	reg_w(0x10 + 2 * 5, 0x0000a931);	/* level, low active, logical, lowest prio, 0x31 */
	cr_assert_eq(rte_hi(5), 0x03000000);
	cr_assert_eq(rte_lo(5), 0x0000a931);
	cr_assert_eq(io.state.redirtbl[5].bits, 0x030000000000a931ull);
	cr_assert_eq(io.state.redirtbl[5].fields.vector, 0x31);
	cr_assert_eq(io.state.redirtbl[5].fields.delivery_mode, IOAPIC_LOWEST_PRIORITY);
	cr_assert_eq(io.state.redirtbl[5].fields.dest_mode, 1);
	cr_assert_eq(io.state.redirtbl[5].fields.polarity, 1);
	cr_assert_eq(io.state.redirtbl[5].fields.trig_mode, IOAPIC_LEVEL_TRIG);
	cr_assert_eq(io.state.redirtbl[5].fields.dest_id, 3);
	/* The neighbours are untouched: 0x3e/0x3f is the last entry. */
	cr_assert_eq(rte_lo(4), MASKED);
	reg_w(0x3f, 0xff000000);
	cr_assert_eq(io.state.redirtbl[23].fields.dest_id, 0xff);
}

Test(ioapic, unimplemented_registers_read_all_ones_and_ignore_writes)
{
	static const u32 regs[] = { 0x03, 0x0f, 0x40, 0x80, 0xff };
	struct kvm_ioapic_state before;
	unsigned int i;

	memcpy(&before, &io.state, sizeof(before));
	for (i = 0; i < sizeof(regs) / sizeof(regs[0]); i++) {
		cr_assert_eq(reg_r(regs[i]), 0xffffffff, "register %#x", regs[i]);
		reg_w(regs[i], 0);
	}
	io.state.ioregsel = before.ioregsel;
	cr_assert_eq(memcmp(&before, &io.state, sizeof(before)), 0);
}

Test(ioapic, reset_masks_every_pin_and_clears_the_rest)
{
	int pin;

	for (pin = 0; pin < IOAPIC_NUM_PINS; pin++) {
		cr_assert_eq(rte_lo(pin), MASKED, "pin %d", pin);
		cr_assert_eq(rte_hi(pin), 0, "pin %d", pin);
	}
	cr_assert_eq(io.state.base_address, 0xfec00000);
	cr_assert_eq(io.state.id, 0);
	cr_assert_eq(io.state.irr, 0);
	cr_assert_eq(io.irr_delivered, 0);
	/* Reset again after use: the same state. */
	route(3, 0x40, 1);
	ioapic_set_irq(&io, 3, 1);
	ioapic_reset(&io);
	cr_assert_eq(io.state.irr, 0);
	cr_assert_eq(io.state.redirtbl[3].bits, MASKED);
	cr_assert_eq(io.state.ioregsel, 0);
}

Test(ioapic, addresses_outside_the_window_are_not_mine)
{
	u32 v = 0x11223344;

	cr_assert_eq(ioapic_mmio_read(&io, BASE - 4, 4, &v), -EOPNOTSUPP);
	cr_assert_eq(ioapic_mmio_read(&io, BASE + IOAPIC_MEM_LENGTH, 4, &v), -EOPNOTSUPP);
	cr_assert_eq(ioapic_mmio_write(&io, BASE + 0x1000, 4, &v), -EOPNOTSUPP);
	cr_assert_eq(v, 0x11223344, "a refused read leaves the buffer alone");
	/* Inside the window, other offsets read 0 and ignore writes. */
	cr_assert_eq(mmio_r32(0x20), 0);
	cr_assert_eq(mmio_r32(0xfc), 0);
	mmio_w32(0x40, 0x12);		/* the EOI register of version 0x20: absent */
	cr_assert_eq(io.state.ioregsel, 0);
}

Test(ioapic, access_widths_follow_kvm)
{
	u64 q = ~0ull;
	u16 w = 0;
	u8 b = 0;

	reg_w(IOAPIC_REG_APIC_ID, 0x0a000000);
	cr_assert_eq(ioapic_mmio_read(&io, BASE + 0x10, 8, &q), 0);
	cr_assert_eq(q, 0x0a000000ull, "an 8-byte read is the register zero-extended");
	mmio_w32(IOAPIC_REG_SELECT, IOAPIC_REG_VERSION);
	cr_assert_eq(ioapic_mmio_read(&io, BASE + 0x10, 2, &w), 0);
	cr_assert_eq(w, 0x0011);
	cr_assert_eq(ioapic_mmio_read(&io, BASE + 0x10, 1, &b), 0);
	cr_assert_eq(b, 0x11);
	/* A 1-byte store to IOREGSEL selects; one to IOWIN writes all 32 bits. */
	b = 0x11;
	cr_assert_eq(ioapic_mmio_write(&io, BASE + 0x00, 1, &b), 0);
	reg_w(0x11, 0x07000000);
	mmio_w32(IOAPIC_REG_SELECT, 0x11);
	b = 0x42;
	cr_assert_eq(ioapic_mmio_write(&io, BASE + 0x10, 1, &b), 0);
	cr_assert_eq(rte_hi(0), 0x42, "the byte is zero-extended into the register");
	/* Odd widths: writes ignored, reads give zeros. */
	q = 0x0100000000000000ull;
	mmio_w32(IOAPIC_REG_SELECT, 0x11);
	cr_assert_eq(ioapic_mmio_write(&io, BASE + 0x10, 3, &q), 0);
	cr_assert_eq(rte_hi(0), 0x42);
	q = ~0ull;
	cr_assert_eq(ioapic_mmio_read(&io, BASE + 0x10, 3, &q), 0);
	cr_assert_eq(q, 0xffffffffff000000ull);
}

Test(ioapic, edge_pin_fires_on_the_rising_edge_only)
{
	route(4, 0x24, 0);
	cr_assert_eq(ioapic_set_irq(&io, 4, 1), 1);
	cr_assert_eq(nsent, 1);
	cr_assert_eq(ioapic_set_irq(&io, 4, 1), 0, "high again: no edge, coalesced");
	cr_assert_eq(ioapic_set_irq(&io, 4, 0), 1, "lowering reports 1, as in KVM");
	cr_assert_eq(nsent, 1);
	cr_assert_eq(ioapic_set_irq(&io, 4, 1), 1);
	cr_assert_eq(nsent, 2);
	cr_assert_eq(sent[1].vector, 0x24);
	cr_assert_eq(sent[1].trig_mode, IOAPIC_EDGE_TRIG);
	cr_assert_eq(rte_lo(4) & RIRR, 0, "edge entries never set Remote IRR");
}

Test(ioapic, edge_on_a_masked_pin_is_lost)
{
	route(6, MASKED | 0x26, 0);
	cr_assert_eq(ioapic_set_irq(&io, 6, 1), -1);
	cr_assert_eq(nsent, 0);
	route(6, 0x26, 0);			/* unmask with the line still high */
	cr_assert_eq(nsent, 0, "an edge is not held pending (3.2.4, bit 16)");
	cr_assert_eq(ioapic_set_irq(&io, 6, 0), 1);
	cr_assert_eq(ioapic_set_irq(&io, 6, 1), 1);
	cr_assert_eq(nsent, 1);
}

/* exercise 03.3 */
Test(ioapic, level_line_held_high_fires_when_unmasked)
{
	route(10, MASKED | LEVEL | 0x5a, 2);
	cr_assert_eq(ioapic_set_irq(&io, 10, 1), -1);
	cr_assert_eq(nsent, 0);
	route(10, LEVEL | 0x5a, 2);
	cr_assert_eq(nsent, 1, "the level is still there to see");
	cr_assert_eq(sent[0].vector, 0x5a);
	cr_assert_eq(sent[0].trig_mode, IOAPIC_LEVEL_TRIG);
	cr_assert(rte_lo(10) & RIRR);
	/* A level that went away while masked is not delivered. */
	route(11, MASKED | LEVEL | 0x5b, 0);
	ioapic_set_irq(&io, 11, 1);
	ioapic_set_irq(&io, 11, 0);
	route(11, LEVEL | 0x5b, 0);
	cr_assert_eq(nsent, 1);
}

Test(ioapic, level_pin_sets_remote_irr_and_waits_for_eoi)
{
	route(9, LEVEL | 0x39, 0);
	cr_assert_eq(ioapic_set_irq(&io, 9, 1), 1);
	cr_assert_eq(nsent, 1);
	cr_assert_eq(rte_lo(9), LEVEL | RIRR | 0x39);
	cr_assert_eq(ioapic_set_irq(&io, 9, 1), -1, "Remote IRR set: nothing sent");
	cr_assert_eq(ioapic_set_irq(&io, 9, 0), 1);
	cr_assert_eq(ioapic_set_irq(&io, 9, 1), -1, "not even on a new rising edge");
	cr_assert_eq(nsent, 1);
	ioapic_update_eoi(&io, 0x39, IOAPIC_LEVEL_TRIG);
	cr_assert_eq(nsent, 2, "EOI with the line high: fires again");
	cr_assert(rte_lo(9) & RIRR);
}

Test(ioapic, eoi_clears_remote_irr_and_redelivers_only_while_asserted)
{
	route(9, LEVEL | 0x39, 0);
	ioapic_set_irq(&io, 9, 1);
	ioapic_update_eoi(&io, 0x38, IOAPIC_LEVEL_TRIG);	/* another vector */
	ioapic_update_eoi(&io, 0x39, IOAPIC_EDGE_TRIG);		/* an edge EOI */
	cr_assert(rte_lo(9) & RIRR);
	cr_assert_eq(nsent, 1);
	ioapic_set_irq(&io, 9, 0);
	ioapic_update_eoi(&io, 0x39, IOAPIC_LEVEL_TRIG);
	cr_assert_eq(rte_lo(9) & RIRR, 0);
	cr_assert_eq(nsent, 1, "line low at EOI: nothing more");
	cr_assert_eq(ioapic_set_irq(&io, 9, 1), 1);
	cr_assert_eq(nsent, 2);
}

Test(ioapic, eoi_reaches_every_entry_with_the_vector)
{
	route(16, LEVEL | 0x60, 0);
	route(17, LEVEL | 0x60, 1);
	ioapic_set_irq(&io, 16, 1);
	ioapic_set_irq(&io, 17, 1);
	cr_assert_eq(nsent, 2);
	ioapic_set_irq(&io, 17, 0);
	ioapic_update_eoi(&io, 0x60, IOAPIC_LEVEL_TRIG);
	cr_assert_eq(rte_lo(17) & RIRR, 0);
	cr_assert_eq(nsent, 3, "pin 16 still high fires again, pin 17 does not");
	cr_assert_eq(sent[2].dest_id, 0);
	/* A masked pin with the line high: Remote IRR cleared, nothing sent. */
	reg_w(0x10 + 2 * 16, MASKED | LEVEL | 0x60);
	ioapic_update_eoi(&io, 0x60, IOAPIC_LEVEL_TRIG);
	cr_assert_eq(rte_lo(16), MASKED | LEVEL | 0x60);
	cr_assert_eq(nsent, 3);
}

/* exercise 03.3 */
Test(ioapic, read_only_bits_ignore_writes)
{
	route(2, IOAPIC_RTE_DELIVERY_STATUS | RIRR | 0x22, 0);
	cr_assert_eq(rte_lo(2), 0x22);
	route(3, LEVEL | 0x23, 0);
	ioapic_set_irq(&io, 3, 1);
	reg_w(0x10 + 2 * 3, LEVEL | 0x24);	/* Remote IRR written as 0 */
	cr_assert_eq(rte_lo(3), LEVEL | RIRR | 0x24);
	cr_assert_eq(nsent, 1);
	/* Making it edge clears Remote IRR: Linux's EOI for version 0x11. */
	reg_w(0x10 + 2 * 3, MASKED | 0x24);
	cr_assert_eq(rte_lo(3), MASKED | 0x24);
	reg_w(0x10 + 2 * 3, MASKED | LEVEL | 0x24);
	cr_assert_eq(rte_lo(3) & RIRR, 0);
	cr_assert_eq(nsent, 1);
}

Test(ioapic, message_carries_destination_vector_and_modes)
{
	route(12, (IOAPIC_LOWEST_PRIORITY << 8) | IOAPIC_RTE_DEST_LOGICAL | 0xc1, 0x5a);
	cr_assert_eq(ioapic_set_irq(&io, 12, 1), 1);
	cr_assert_eq(nsent, 1);
	cr_assert_eq(sent[0].vector, 0xc1);
	cr_assert_eq(sent[0].delivery_mode, IOAPIC_LOWEST_PRIORITY);
	cr_assert_eq(sent[0].dest_mode, 1);
	cr_assert_eq(sent[0].dest_id, 0x5a);
	cr_assert_eq(sent[0].trig_mode, IOAPIC_EDGE_TRIG);
	route(13, (IOAPIC_NMI << 8) | IOAPIC_RTE_POLARITY_LOW, 7);
	cr_assert_eq(ioapic_set_irq(&io, 13, 1), 1, "level means asserted, whatever the polarity");
	cr_assert_eq(sent[1].delivery_mode, IOAPIC_NMI);
	cr_assert_eq(sent[1].dest_mode, 0);
	cr_assert_eq(sent[1].dest_id, 7);
}

Test(ioapic, irq_line_status_values_follow_kvm)
{
	route(1, 0x31, 0);
	answer = 3;
	cr_assert_eq(ioapic_set_irq(&io, 1, 1), 3, "three vCPUs accepted it");
	ioapic_set_irq(&io, 1, 0);
	answer = 0;
	cr_assert_eq(ioapic_set_irq(&io, 1, 1), 0, "destination did not accept: coalesced");
	ioapic_set_irq(&io, 1, 0);
	answer = -1;
	cr_assert_eq(ioapic_set_irq(&io, 1, 1), -1, "no vCPU matched");
	cr_assert_eq(ioapic_set_irq(&io, 0, 1), -1, "masked");
	cr_assert_eq(ioapic_set_irq(&io, 0, 0), 1);
	cr_assert_eq(ioapic_set_irq(&io, -1, 1), -EINVAL);
	cr_assert_eq(ioapic_set_irq(&io, IOAPIC_NUM_PINS, 1), -EINVAL);
	/* A level message not accepted leaves Remote IRR clear, so the
	 * next assertion tries again. */
	answer = 0;
	route(20, LEVEL | 0x70, 0);
	cr_assert_eq(ioapic_set_irq(&io, 20, 1), 0);
	cr_assert_eq(rte_lo(20) & RIRR, 0);
	answer = 1;
	cr_assert_eq(ioapic_set_irq(&io, 20, 1), 1);
	cr_assert(rte_lo(20) & RIRR);
}

Test(ioapic, saved_state_round_trips_without_double_delivery)
{
	struct kvm_ioapic_state st, again;

	reg_w(IOAPIC_REG_APIC_ID, 0x02000000);
	route(4, 0x24, 1);				/* edge, delivered */
	route(5, MASKED | 0x25, 1);			/* edge, masked: not delivered */
	route(9, LEVEL | 0x39, 1);			/* level, awaiting EOI */
	ioapic_set_irq(&io, 4, 1);
	ioapic_set_irq(&io, 5, 1);
	ioapic_set_irq(&io, 9, 1);
	cr_assert_eq(nsent, 2);
	ioapic_get_state(&io, &st);
	cr_assert_eq(st.irr, (1u << 5) | (1u << 9), "a delivered edge is not pending");
	cr_assert_eq(st.id, 2);

	ioapic_reset(&io);
	ioapic_set_state(&io, &st);
	cr_assert_eq(nsent, 2, "nothing delivered twice");
	ioapic_get_state(&io, &again);
	cr_assert_eq(memcmp(&st, &again, sizeof(st)), 0);
	cr_assert_eq(io.state.irr, (1u << 5) | (1u << 9));

	/* A restored state with the edge pin unmasked delivers it. */
	st.redirtbl[5].fields.mask = 0;
	ioapic_set_state(&io, &st);
	cr_assert_eq(nsent, 3);
	cr_assert_eq(sent[2].vector, 0x25);
}
