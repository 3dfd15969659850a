// SPDX-License-Identifier: GPL-2.0
/* The 8259A pair (final/arch/x86/kvm/i8259.c) driven through its I/O ports
 * with the sequences of the Intel 8259A datasheet (231468-003) and of a
 * PC BIOS, as a guest would; IRQ lines as KVM_IRQ_LINE_STATUS drives them. */
#include <criterion/criterion.h>

#include <minikvm/i8259.h>

static struct kvm_pic pic;
static int changes;		/* calls of the output callback */
static bool cb_level;		/* the level it was last told */

static void on_output(void *opaque, bool level)
{
	cr_assert_eq(opaque, &changes);
	changes++;
	cb_level = level;
}

static void out8(u16 port, u8 v)
{
	cr_assert_eq(i8259_ioport_write(&pic, port, 1, &v), 0, "out %#x", port);
}

static u8 in8(u16 port)
{
	u8 v = 0x5a;

	cr_assert_eq(i8259_ioport_read(&pic, port, 1, &v), 0, "in %#x", port);
	return v;
}

static int line(int irq, int level)
{
	return i8259_set_irq(&pic, irq, level);
}

static void pulse(int irq)
{
	line(irq, 1);
	line(irq, 0);
}

static int inta(void)
{
	return i8259_read_irq(&pic);
}

#define M	(&pic.pics[KVM_IRQCHIP_PIC_MASTER])
#define S	(&pic.pics[KVM_IRQCHIP_PIC_SLAVE])

/* OCW2 and OCW3 commands, as a guest writes them to 0x20 / 0xa0. */
#define EOI		0x20	/* non-specific EOI */
#define SEOI(l)		(0x60 | (l))	/* specific EOI */
#define ROT_EOI		0xa0	/* rotate on non-specific EOI */
#define ROT_SEOI(l)	(0xe0 | (l))	/* rotate on specific EOI */
#define SET_PRIO(l)	(0xc0 | (l))	/* set priority: l lowest */
#define ROT_AEOI_ON	0x80
#define ROT_AEOI_OFF	0x00
#define READ_IRR	0x0a
#define READ_ISR	0x0b
#define POLL		0x0c
#define SMM_ON		0x68
#define SMM_OFF		0x48

/* The PC BIOS / Linux sequence: ICW1 edge, cascade, ICW4; vectors 0x08
 * and 0x70; the slave on IR2; 8086 mode. */
static void pc_init_icw4(u8 icw4_master, u8 icw4_slave)
{
	out8(0x20, 0x11);
	out8(0x21, 0x08);
	out8(0x21, 0x04);
	out8(0x21, icw4_master);
	out8(0xa0, 0x11);
	out8(0xa1, 0x70);
	out8(0xa1, 0x02);
	out8(0xa1, icw4_slave);
}

static void setup(void)
{
	i8259_init(&pic, on_output, &changes);
	pc_init_icw4(0x01, 0x01);
	changes = 0;
}

TestSuite(i8259, .init = setup);

Test(i8259, pc_initialisation_sets_vector_bases_and_leaves_all_unmasked)
{
	cr_assert_eq(M->init_state, 0);
	cr_assert_eq(S->init_state, 0);
	cr_assert_eq(M->irq_base, 0x08);
	cr_assert_eq(S->irq_base, 0x70);
	cr_assert_eq(M->init4, 1);
	cr_assert_eq(in8(0x21), 0);
	cr_assert_eq(in8(0xa1), 0);
	cr_assert_not(pic.output);
	pulse(0);
	cr_assert(pic.output);
	cr_assert_eq(inta(), 0x08);
	out8(0x20, EOI);
	pulse(14);
	cr_assert_eq(inta(), 0x76);
}

Test(i8259, icw2_takes_only_vector_bits_7_to_3)
{
	out8(0x20, 0x11);
	out8(0x21, 0x27);
	out8(0x21, 0x04);
	out8(0x21, 0x01);
	pulse(1);
	cr_assert_eq(inta(), 0x21);
}

Test(i8259, without_ic4_the_write_after_icw3_is_the_mask_and_icw4_modes_are_cleared)
{
	pc_init_icw4(0x03, 0x01);		/* master AEOI */
	cr_assert_eq(M->auto_eoi, 1);
	out8(0x20, 0x10);			/* ICW1 without IC4 */
	out8(0x21, 0x08);
	out8(0x21, 0x04);
	cr_assert_eq(M->init_state, 0);
	cr_assert_eq(M->auto_eoi, 0);
	out8(0x21, 0xfe);			/* OCW1, not ICW4 */
	cr_assert_eq(in8(0x21), 0xfe);
}

Test(i8259, icw1_clears_mask_priority_and_edge_requests_but_keeps_level_requests)
{
	out8(0x4d0, 0x20);			/* IRQ 5 level */
	out8(0x21, 0xff);
	out8(0x20, SET_PRIO(3));
	out8(0x20, SMM_ON);
	out8(0x20, READ_ISR);
	line(5, 1);
	pulse(3);
	line(4, 1);				/* held high across the ICW1 */
	cr_assert_eq(M->irr, 0x38);
	out8(0x20, 0x11);
	cr_assert_eq(M->imr, 0);
	cr_assert_eq(M->priority_add, 0);
	cr_assert_eq(M->special_mask, 0);
	cr_assert_eq(M->read_reg_select, 0);
	cr_assert_eq(M->irr, 0x20, "irr %#x", M->irr);
	/* The edge detector was reset: line 4, still high, counts as a new edge. */
	cr_assert_eq(line(4, 1), 1);
	cr_assert_eq(M->irr, 0x30);
}

/* KVM's ICW1 also ends the in-service level of each edge request it
 * drops; the datasheet leaves ISR alone. */
Test(i8259, icw1_ends_in_service_levels_whose_edge_request_it_drops_as_in_kvm)
{
	out8(0x4d0, 0x40);			/* IRQ 6 level */
	line(6, 1);
	cr_assert_eq(inta(), 0x0e);
	pulse(3);
	cr_assert_eq(inta(), 0x0b, "IR3 nests above IS6");
	pulse(3);				/* a new edge while IS3 is set */
	cr_assert_eq(M->isr, 0x48);
	cr_assert_eq(M->irr, 0x48);
	out8(0x20, 0x11);
	cr_assert_eq(M->irr, 0x40, "the edge request goes, the level one stays");
	cr_assert_eq(M->isr, 0x40, "IS3 went with its edge request, IS6 stays");
}

/* exercise 03.2 */
Test(i8259, lower_irq_number_wins_at_reset_priorities)
{
	pulse(5);
	pulse(3);
	pulse(6);
	cr_assert_eq(inta(), 0x0b);
	out8(0x20, EOI);
	cr_assert_eq(inta(), 0x0d);
	out8(0x20, EOI);
	cr_assert_eq(inta(), 0x0e);
	out8(0x20, EOI);
	cr_assert_not(pic.output);
}

/* exercise 03.2 */
Test(i8259, masked_lines_are_latched_but_not_delivered_until_unmasked)
{
	out8(0x21, 0x08);
	cr_assert_eq(line(3, 1), -1);
	cr_assert_not(pic.output);
	cr_assert_eq(in8(0x20), 0x08, "IRR shows the masked request");
	pulse(4);
	cr_assert_eq(inta(), 0x0c);
	out8(0x20, EOI);
	cr_assert_not(pic.output);
	out8(0x21, 0x00);
	cr_assert(pic.output);
	cr_assert_eq(inta(), 0x0b);
}

/* exercise 03.2 */
Test(i8259, level_in_service_holds_off_same_and_lower_but_not_higher)
{
	pulse(3);
	cr_assert_eq(inta(), 0x0b);
	cr_assert_not(pic.output);
	pulse(5);
	cr_assert_not(pic.output, "lower priority waits for the EOI");
	pulse(1);
	cr_assert(pic.output, "higher priority nests");
	cr_assert_eq(inta(), 0x09);
	cr_assert_eq(M->isr, 0x0a);
	cr_assert_not(pic.output);
}

/* exercise 03.1 */
Test(i8259, non_specific_eoi_ends_the_highest_priority_level_in_service)
{
	pulse(3);
	inta();
	pulse(1);
	inta();
	cr_assert_eq(M->isr, 0x0a);
	out8(0x20, EOI);
	cr_assert_eq(M->isr, 0x08);
	out8(0x20, EOI);
	cr_assert_eq(M->isr, 0x00);
	out8(0x20, EOI);			/* nothing in service: no effect */
	cr_assert_eq(M->isr, 0x00);
}

/* exercise 03.1 */
Test(i8259, specific_eoi_ends_the_named_level_only)
{
	pulse(3);
	inta();
	pulse(1);
	inta();
	out8(0x20, SEOI(3));
	cr_assert_eq(M->isr, 0x02);
	out8(0x20, SEOI(6));			/* not in service: no effect */
	cr_assert_eq(M->isr, 0x02);
	out8(0x20, SEOI(1));
	cr_assert_eq(M->isr, 0x00);
}

/* exercise 03.1 */
Test(i8259, rotate_on_non_specific_eoi_makes_the_ended_level_lowest)
{
	pulse(3);
	inta();
	out8(0x20, ROT_EOI);
	cr_assert_eq(M->isr, 0);
	cr_assert_eq(M->priority_add, 4);
	/* Order now 4 5 6 7 0 1 2 3: IR5 beats IR1 and IR3. */
	pulse(1);
	pulse(3);
	pulse(5);
	cr_assert_eq(inta(), 0x0d);
	out8(0x20, ROT_EOI);			/* now 6 7 0 1 2 3 4 5 */
	cr_assert_eq(M->priority_add, 6);
	cr_assert_eq(inta(), 0x09);
	out8(0x20, EOI);
	cr_assert_eq(inta(), 0x0b);
}

/* exercise 03.1 */
Test(i8259, rotate_on_specific_eoi_ends_and_demotes_the_named_level)
{
	pulse(3);
	inta();
	pulse(1);
	inta();
	out8(0x20, ROT_SEOI(3));
	cr_assert_eq(M->isr, 0x02);
	cr_assert_eq(M->priority_add, 4);
	/* IR1 (priority 5) stays in service: IR5 (priority 1) nests. */
	pulse(5);
	cr_assert_eq(inta(), 0x0d);
}

/* exercise 03.1 */
Test(i8259, set_priority_makes_the_named_level_lowest_without_an_eoi)
{
	out8(0x20, SET_PRIO(4));		/* order 5 6 7 0 1 2 3 4 */
	cr_assert_eq(M->priority_add, 5);
	pulse(4);
	pulse(0);
	pulse(7);
	cr_assert_eq(inta(), 0x0f);
	out8(0x20, EOI);
	cr_assert_eq(inta(), 0x08);
	out8(0x20, EOI);
	cr_assert_eq(inta(), 0x0c);
	out8(0x20, 0x40);			/* OCW2 no-op */
	cr_assert_eq(M->isr, 0x10);
	cr_assert_eq(M->priority_add, 5);
}

Test(i8259, automatic_eoi_ends_the_interrupt_at_inta)
{
	pc_init_icw4(0x03, 0x01);
	pulse(3);
	cr_assert_eq(inta(), 0x0b);
	cr_assert_eq(M->isr, 0);
	pulse(5);
	cr_assert(pic.output, "no EOI needed before a lower level");
	cr_assert_eq(inta(), 0x0d);
	cr_assert_eq(M->priority_add, 0, "no rotation unless asked");
}

Test(i8259, automatic_eoi_on_both_chips_delivers_slave_requests_back_to_back)
{
	pc_init_icw4(0x03, 0x03);
	pulse(10);
	pulse(9);
	cr_assert_eq(inta(), 0x71);
	cr_assert(pic.output, "the slave still asks: the master's IR2 is latched again");
	cr_assert_eq(inta(), 0x72);
	cr_assert_not(pic.output);
	cr_assert_eq(M->isr | S->isr, 0);
}

/* exercise 03.1 */
Test(i8259, rotate_in_automatic_eoi_mode_round_robins_equal_devices)
{
	pc_init_icw4(0x03, 0x01);
	out8(0x20, ROT_AEOI_ON);
	cr_assert_eq(M->rotate_on_auto_eoi, 1);
	line(4, 1);
	line(5, 1);
	line(6, 1);
	cr_assert_eq(inta(), 0x0c);
	cr_assert_eq(M->priority_add, 5);
	line(4, 0);
	line(4, 1);				/* 4 asks again: now last in line */
	cr_assert_eq(inta(), 0x0d);
	cr_assert_eq(inta(), 0x0e);
	cr_assert_eq(inta(), 0x0c);
	out8(0x20, ROT_AEOI_OFF);
	cr_assert_eq(M->rotate_on_auto_eoi, 0);
	line(3, 0);
	pulse(3);
	inta();
	cr_assert_eq(M->priority_add, 5);
}

/* KVM keeps the special mask bit but does not act on it (the datasheet
 * would let IR5 in below the masked IS3, and skip IS3 at the EOI). */
Test(i8259, special_mask_mode_is_kept_but_changes_no_priority_as_in_kvm)
{
	pulse(3);
	cr_assert_eq(inta(), 0x0b);
	out8(0x21, 0x08);			/* the handler masks its own level */
	pulse(5);
	cr_assert_not(pic.output, "fully nested: IS3 blocks IR5");
	out8(0x20, SMM_ON);
	cr_assert_eq(M->special_mask, 1);
	cr_assert_not(pic.output, "KVM: IS3 still blocks IR5 in special mask mode");
	/* A non-specific EOI ends the highest level in service, masked or not. */
	out8(0x20, EOI);
	cr_assert_eq(M->isr, 0);
	cr_assert(pic.output);
	cr_assert_eq(inta(), 0x0d);
	out8(0x20, SMM_OFF);
	cr_assert_eq(M->special_mask, 0);
}

/* KVM's poll: the bare level (not 0x80 | level), 7 when idle (not 0), and
 * the request leaves IRR without entering ISR (the datasheet's poll is an
 * INTA). */
Test(i8259, poll_returns_the_bare_level_and_takes_the_request_as_in_kvm)
{
	pulse(6);
	pulse(4);
	out8(0x20, POLL);
	cr_assert_eq(in8(0x20), 0x04);
	cr_assert_eq(M->isr, 0);
	cr_assert_eq(M->irr, 0x40);
	cr_assert_eq(M->poll, 0);
	cr_assert(pic.output, "IR6 still asks");
	cr_assert_eq(in8(0x20), 0x40, "one read per poll command: IRR again");
	out8(0x20, POLL);
	cr_assert_eq(in8(0x21), 0x06, "the poll read works at either port");
	cr_assert_eq(M->irr | M->isr, 0);
	cr_assert_not(pic.output);
	out8(0x20, POLL);
	cr_assert_eq(in8(0x20), 0x07, "nothing to poll");
}

Test(i8259, poll_skips_requests_held_off_by_a_level_in_service)
{
	pulse(4);
	cr_assert_eq(inta(), 0x0c);
	pulse(6);
	out8(0x20, POLL);
	cr_assert_eq(in8(0x20), 0x07, "IR6 is held off by IS4");
	cr_assert_eq(M->irr, 0x40);
	out8(0x20, EOI);
	out8(0x20, POLL);
	cr_assert_eq(in8(0x20), 0x06);
}

Test(i8259, polling_the_cascade_finds_the_slave_request)
{
	pulse(11);
	out8(0x20, POLL);
	cr_assert_eq(in8(0x20), 0x02);
	out8(0xa0, POLL);
	cr_assert_eq(in8(0xa0), 0x03);
	cr_assert_eq(M->isr | S->isr | M->irr | S->irr, 0);
	cr_assert_not(pic.output);
}

Test(i8259, level_request_polled_away_comes_back_with_the_next_assertion)
{
	out8(0x4d0, 0x20);			/* IRQ 5 level */
	line(5, 1);
	out8(0x20, POLL);
	cr_assert_eq(in8(0x20), 0x05);
	cr_assert_eq(M->irr, 0, "KVM clears a level request too");
	cr_assert_not(pic.output);
	cr_assert_eq(line(5, 1), 1);
	cr_assert(pic.output);
}

Test(i8259, irq_8_to_15_cascade_through_irq_2)
{
	cr_assert_eq(line(10, 1), 1);
	cr_assert_eq(M->irr, 0x04);
	cr_assert(pic.output);
	cr_assert_eq(inta(), 0x72);
	cr_assert_eq(M->isr, 0x04);
	cr_assert_eq(S->isr, 0x04);
	pulse(9);
	cr_assert_not(pic.output, "IS2 on the master holds the slave off");
	out8(0xa0, EOI);
	cr_assert_not(pic.output);
	out8(0x20, EOI);
	cr_assert(pic.output);
	cr_assert_eq(inta(), 0x71);
}

/* exercise 03.2 */
Test(i8259, slave_interrupt_ranks_as_irq_2_among_master_levels)
{
	pulse(12);
	pulse(3);
	cr_assert_eq(inta(), 0x74, "IR2 beats IR3");
	cr_assert_not(pic.output, "IR3 waits for the cascade's EOI");
	pulse(1);
	cr_assert_eq(inta(), 0x09, "IR1 beats IR2: nests");
	out8(0x20, EOI);
	cr_assert_eq(M->isr, 0x04);
	cr_assert_not(pic.output);
	out8(0xa0, EOI);
	out8(0x20, EOI);
	cr_assert_eq(inta(), 0x0b);
}

Test(i8259, masking_irq_2_masks_the_whole_slave)
{
	out8(0x21, 0x04);
	pulse(8);
	cr_assert_not(pic.output);
	out8(0x21, 0x00);
	cr_assert_eq(inta(), 0x70);
}

Test(i8259, special_fully_nested_mode_lets_a_higher_slave_request_nest)
{
	pc_init_icw4(0x11, 0x01);		/* master SFNM */
	pulse(12);
	cr_assert_eq(inta(), 0x74);
	pulse(13);
	cr_assert_not(pic.output, "lower slave level: held off by the slave's IS4");
	pulse(9);
	cr_assert(pic.output, "higher slave level: through IR2 again");
	cr_assert_eq(inta(), 0x71);
	cr_assert_eq(S->isr, 0x12);
	cr_assert_eq(M->isr, 0x04);
}

/* KVM leaves IS2 out of the master's priorities altogether in SFNM; the
 * datasheet would still hold IR3-IR7 off while IS2 is set. */
Test(i8259, special_fully_nested_mode_ignores_is2_for_master_levels_as_in_kvm)
{
	pc_init_icw4(0x11, 0x01);
	pulse(12);
	cr_assert_eq(inta(), 0x74);
	pulse(5);
	cr_assert(pic.output, "KVM: IS2 does not hold IR5 off in SFNM");
	cr_assert_eq(inta(), 0x0d);
	cr_assert_eq(M->isr, 0x24);
}

Test(i8259, without_special_fully_nested_mode_the_slave_cannot_nest)
{
	pulse(12);
	inta();
	pulse(9);
	cr_assert_not(pic.output);
}

Test(i8259, level_line_held_high_is_delivered_again_after_eoi)
{
	out8(0x4d0, 0x20);			/* IRQ 5 level triggered */
	cr_assert_eq(line(5, 1), 1);
	cr_assert_eq(inta(), 0x0d);
	cr_assert_eq(M->irr, 0x20, "a level request stays while the line is high");
	cr_assert_not(pic.output);
	out8(0x20, EOI);
	cr_assert(pic.output);
	cr_assert_eq(inta(), 0x0d);
	line(5, 0);
	out8(0x20, EOI);
	cr_assert_not(pic.output);
	cr_assert_eq(M->irr, 0);
}

Test(i8259, level_line_on_the_slave_is_delivered_again_after_both_eois)
{
	out8(0x4d1, 0x08);			/* IRQ 11 level triggered */
	line(11, 1);
	cr_assert_eq(inta(), 0x73);
	out8(0xa0, EOI);
	out8(0x20, EOI);
	cr_assert(pic.output);
	cr_assert_eq(inta(), 0x73);
}

Test(i8259, edge_line_held_high_is_not_delivered_again)
{
	cr_assert_eq(line(3, 1), 1);
	cr_assert_eq(inta(), 0x0b);
	out8(0x20, EOI);
	cr_assert_not(pic.output);
	cr_assert_eq(line(3, 1), 1, "no edge: nothing new, nothing coalesced");
	cr_assert_not(pic.output);
	line(3, 0);
	line(3, 1);
	cr_assert(pic.output);
	cr_assert_eq(inta(), 0x0b);
}

Test(i8259, inta_with_nothing_pending_gives_spurious_irq_7)
{
	cr_assert_eq(inta(), 0x0f);
	cr_assert_eq(M->isr, 0, "a spurious interrupt sets no ISR bit");
	cr_assert_eq(S->isr, 0);
}

Test(i8259, level_request_gone_before_inta_gives_spurious_irq_7)
{
	out8(0x4d0, 0x10);			/* IRQ 4 level */
	line(4, 1);
	cr_assert(pic.output);
	line(4, 0);
	cr_assert_not(pic.output);
	cr_assert_eq(inta(), 0x0f);
	cr_assert_eq(M->isr, 0);
}

Test(i8259, slave_request_gone_before_inta_gives_spurious_irq_15)
{
	out8(0x4d1, 0x04);			/* IRQ 10 level */
	line(10, 1);
	line(10, 0);
	cr_assert(pic.output, "the master latched its IR2 edge");
	cr_assert_eq(inta(), 0x77);
	cr_assert_eq(M->isr, 0x04, "the master acknowledged IR2: it needs an EOI");
	cr_assert_eq(S->isr, 0, "the slave's spurious IR7 sets no ISR bit");
}

Test(i8259, elcr_keeps_only_the_bits_piix_allows)
{
	cr_assert_eq(M->elcr_mask, 0xf8);
	cr_assert_eq(S->elcr_mask, 0xde);
	out8(0x4d0, 0xff);
	out8(0x4d1, 0xff);
	cr_assert_eq(in8(0x4d0), 0xf8);
	cr_assert_eq(in8(0x4d1), 0xde);
	out8(0x4d0, 0x07);
	cr_assert_eq(in8(0x4d0), 0x00, "IRQ 0, 1, 2 are edge only");
}

Test(i8259, ocw3_selects_irr_or_isr_for_reads_and_data_port_reads_imr)
{
	pulse(3);
	inta();
	pulse(5);
	cr_assert_eq(in8(0x20), 0x20, "IRR by default");
	out8(0x20, READ_ISR);
	cr_assert_eq(in8(0x20), 0x08);
	cr_assert_eq(in8(0x20), 0x08, "the choice stays");
	out8(0x20, 0x08);			/* OCW3 without RR: no change */
	cr_assert_eq(in8(0x20), 0x08);
	out8(0x20, READ_IRR);
	cr_assert_eq(in8(0x20), 0x20);
	out8(0x21, 0xa5);
	out8(0xa1, 0x5a);
	cr_assert_eq(in8(0x21), 0xa5);
	cr_assert_eq(in8(0xa1), 0x5a);
}

Test(i8259, line_status_reports_delivered_coalesced_and_masked)
{
	cr_assert_eq(line(3, 1), 1);
	line(3, 0);
	cr_assert_eq(line(3, 1), 0, "edge while the last one is still in IRR");
	line(3, 0);
	out8(0x4d0, 0x40);			/* IRQ 6 level */
	cr_assert_eq(line(6, 1), 1);
	cr_assert_eq(line(6, 1), 0);
	cr_assert_eq(line(6, 0), 1);
	out8(0xa1, 0x01);
	cr_assert_eq(line(8, 1), -1);
	cr_assert_eq(line(8, 0), -1);
	cr_assert_eq(line(16, 1), -EINVAL);
	cr_assert_eq(line(-1, 1), -EINVAL);
}

Test(i8259, output_callback_is_told_each_change_once)
{
	pulse(3);
	cr_assert_eq(changes, 1);
	cr_assert(cb_level);
	pulse(4);
	cr_assert_eq(changes, 1, "already high");
	inta();
	cr_assert_eq(changes, 2);
	cr_assert_not(cb_level);
	out8(0x20, EOI);
	cr_assert_eq(changes, 3);
	cr_assert(cb_level);
}

Test(i8259, other_ports_are_not_the_pics_and_wide_accesses_are_ignored)
{
	u16 ports[] = { 0x22, 0x60, 0xa2, 0x4d2, 0x1f };
	u32 v = 0xffffffff;

	for (unsigned int i = 0; i < sizeof(ports) / sizeof(ports[0]); i++) {
		cr_assert_eq(i8259_ioport_read(&pic, ports[i], 1, &v), -EOPNOTSUPP);
		cr_assert_eq(i8259_ioport_write(&pic, ports[i], 1, &v), -EOPNOTSUPP);
	}
	cr_assert_eq(i8259_ioport_write(&pic, 0x21, 2, &v), 0);
	cr_assert_eq(in8(0x21), 0, "a word write does not reach the IMR");
	cr_assert_eq(i8259_ioport_read(&pic, 0x21, 2, &v), 0);
	cr_assert_eq(v & 0xffff, 0);
}

Test(i8259, state_round_trips_through_the_kvm_irqchip_layout)
{
	struct kvm_pic_state st;

	cr_assert_eq(sizeof(struct kvm_pic_state), 16);
	pulse(12);
	cr_assert_eq(i8259_get_state(&pic, KVM_IRQCHIP_PIC_SLAVE, &st), 0);
	cr_assert_eq(st.irr, 0x10);
	cr_assert_eq(st.irq_base, 0x70);
	i8259_reset(&pic);
	cr_assert_not(pic.output);
	cr_assert_eq(changes, 2);
	cr_assert_eq(i8259_set_state(&pic, KVM_IRQCHIP_PIC_SLAVE, &st), 0);
	cr_assert(pic.output, "the restored request cascades at once");
	cr_assert_eq(changes, 3);
	cr_assert_eq(inta(), 0x74, "the slave's vector, through the reset master");
	cr_assert_eq(i8259_get_state(&pic, 2, &st), -EINVAL);
	cr_assert_eq(i8259_set_state(&pic, 2, &st), -EINVAL);
}
