// SPDX-License-Identifier: GPL-2.0
/* The local APIC model (final/arch/x86/kvm/lapic.c) against Intel SDM
 * Vol. 3A chapter 11 and Linux KVM's guest-visible behaviour: the guest's
 * view through the xAPIC page and the x2APIC MSRs, messages through
 * lapic_accept_irq(), and what a fake glue (settable clock and TSC,
 * recorded IPIs, EOIs, kicks, NMIs and timer arming) saw. */
#include <criterion/criterion.h>
#include <string.h>

#include <minikvm/lapic.h>

static struct kvm_lapic apic;

/* The fake glue. */
static u64 now, tsc;
static struct lapic_irq ipis[8];
static struct kvm_lapic *ipi_src;
static int nipis, neoi, eoi_vec, neoi_edge, nkick, nnmi, narm, ncancel;
static bool armed;
static u64 armed_at;

static void f_send_ipi(void *o, struct kvm_lapic *src, const struct lapic_irq *irq)
{
	cr_assert_eq(o, &apic);
	if (nipis < 8)
		ipis[nipis] = *irq;
	ipi_src = src;
	nipis++;
}

static void f_send_eoi(void *o, int vector, int trig)
{
	(void)o;
	eoi_vec = vector;
	if (trig)
		neoi++;
	else
		neoi_edge++;
}
static void f_kick(void *o) { (void)o; nkick++; }
static void f_nmi(void *o) { (void)o; nnmi++; }
static u64 f_now(void *o) { (void)o; return now; }
static u64 f_tsc(void *o) { (void)o; return tsc; }
static void f_arm(void *o, u64 t) { (void)o; narm++; armed = true; armed_at = t; }
static void f_cancel(void *o) { (void)o; ncancel++; armed = false; }

static const struct lapic_ops ops = {
	.send_ipi = f_send_ipi, .send_eoi = f_send_eoi, .kick = f_kick, .nmi = f_nmi,
	.now_ns = f_now, .read_tsc = f_tsc, .timer_arm = f_arm, .timer_cancel = f_cancel,
};

static void clear_log(void)
{
	memset(ipis, 0, sizeof(ipis));
	ipi_src = NULL;
	nipis = neoi = eoi_vec = neoi_edge = nkick = nnmi = narm = ncancel = 0;
	armed = false;
	armed_at = 0;
}

/* A BSP (APIC ID 0) with a 2 GHz TSC, clock at 1 ms. */
static void setup_id(u32 id, u32 khz)
{
	now = 1000000;
	tsc = 0;
	memset(&apic, 0xa5, sizeof(apic));	/* init must not rely on zeroed memory */
	lapic_init(&apic, &ops, &apic, id, khz);
	/* The guest's CPUID, as minivmm sets it: x2APIC, MAXPHYADDR 36. */
	lapic_update_cpuid(&apic, true, khz != 0, 36);
	clear_log();
}

static void setup(void) { setup_id(0, 2000000); }

static void w(u32 off, u32 v)
{
	cr_assert_eq(lapic_mmio_write(&apic, off, 4, &v), 0);
}

static u32 r(u32 off)
{
	u32 v = 0xdeadbeef;

	cr_assert_eq(lapic_mmio_read(&apic, off, 4, &v), 0);
	return v;
}

static void sw_enable(void) { w(APIC_SPIV, 0x1ff); }

static int fixed(u8 vector, bool level)
{
	struct lapic_irq irq = { .vector = vector, .delivery_mode = APIC_DM_FIXED,
				 .level = 1, .trig_mode = level };

	return lapic_accept_irq(&apic, &irq);
}

static bool irr(int v) { return r(APIC_IRR + (v / 32) * 0x10) & (1u << (v % 32)); }
static bool isr(int v) { return r(APIC_ISR + (v / 32) * 0x10) & (1u << (v % 32)); }
static bool tmr(int v) { return r(APIC_TMR + (v / 32) * 0x10) & (1u << (v % 32)); }

static void to_x2apic(void)
{
	cr_assert_eq(lapic_set_base(&apic, lapic_get_base(&apic) | X2APIC_ENABLE, false), 0);
}

static u64 msr_r(u32 reg)
{
	u64 v = 0;

	cr_assert_eq(lapic_x2apic_msr_read(&apic, APIC_BASE_MSR + reg / 16, &v), 0,
		     "rdmsr of register %#x", reg);
	return v;
}

static int msr_w(u32 reg, u64 v)
{
	return lapic_x2apic_msr_write(&apic, APIC_BASE_MSR + reg / 16, v);
}

TestSuite(lapic, .init = setup);

/* ---- RESET, INIT, enable (SDM 11.4.7) ---- */

Test(lapic, reset_values_of_the_bsp)
{
	cr_assert_eq(lapic_get_base(&apic), 0xfee00900, "enabled, BSP, at 0xfee00000");
	cr_assert_eq(r(APIC_ID), 0);
	cr_assert_eq(r(APIC_LVR), 0x00050014, "KVM's version 0x14, max LVT 5");
	cr_assert_eq(r(APIC_SPIV), 0xff, "software-disabled");
	cr_assert_eq(r(APIC_DFR), 0xffffffff);
	cr_assert_eq(r(APIC_LDR), 0);
	cr_assert_eq(r(APIC_TASKPRI), 0);
	cr_assert_eq(r(APIC_LVTT), APIC_LVT_MASKED);
	cr_assert_eq(r(APIC_LVT1), APIC_LVT_MASKED);
	cr_assert_eq(r(APIC_LVTERR), APIC_LVT_MASKED);
	cr_assert_eq(r(APIC_LVT0), 0x700, "the BSP's LINT0 is the virtual wire (ExtINT)");
	cr_assert(lapic_accept_pic_intr(&apic));
	cr_assert_not(lapic_enabled(&apic));
	cr_assert(lapic_hw_enabled(&apic));
}

Test(lapic, reset_values_of_an_ap)
{
	setup_id(3, 0);
	cr_assert_eq(lapic_get_base(&apic), 0xfee00800);
	cr_assert_eq(r(APIC_ID), 0x03000000);
	cr_assert_eq(r(APIC_LVT0), APIC_LVT_MASKED);
	cr_assert_not(lapic_accept_pic_intr(&apic));
}

Test(lapic, init_keeps_id_and_base_but_clears_the_rest)
{
	sw_enable();
	w(APIC_ID, 0x07000000);
	w(APIC_TASKPRI, 0x20);
	fixed(0x40, false);
	cr_assert_eq(lapic_set_base(&apic, 0xfed00900, false), 0);
	lapic_reset(&apic, true);
	cr_assert_eq(lapic_get_base(&apic), 0xfed00900);
	cr_assert_eq(lapic_mmio_read(&apic, APIC_ID, 4, &(u32){0}), 0);
	cr_assert_eq(r(APIC_ID), 0x07000000, "INIT keeps the APIC ID");
	cr_assert_eq(r(APIC_SPIV), 0xff);
	cr_assert_eq(r(APIC_TASKPRI), 0);
	cr_assert_not(irr(0x40));
	lapic_reset(&apic, false);
	cr_assert_eq(r(APIC_ID), 0, "RESET sets it back");
	cr_assert_eq(lapic_get_base(&apic), 0xfee00900);
}

Test(lapic, read_only_and_write_only_registers_in_the_xapic_page)
{
	w(APIC_LVR, 0);
	w(APIC_PROCPRI, 0xff);
	w(APIC_TMCCT, 5);
	cr_assert_eq(r(APIC_LVR), 0x00050014);
	cr_assert_eq(r(APIC_PROCPRI), 0);
	cr_assert_eq(r(APIC_TMCCT), 0);
	cr_assert_eq(r(APIC_EOI), 0, "EOI is write-only: reads as 0 here");
	cr_assert_eq(r(APIC_SELF_IPI), 0, "no SELF IPI register in xAPIC mode");
	cr_assert_eq(r(APIC_ARBPRI), 0, "APR is not modelled (KVM)");
	cr_assert_eq(r(0x40), 0, "reserved");
}

Test(lapic, xapic_page_access_widths)
{
	u8 b = 0;
	u16 h = 0;
	u32 v = 0x12345678;

	w(APIC_ID, 0xab000000);
	cr_assert_eq(lapic_mmio_read(&apic, APIC_ID + 3, 1, &b), 0);
	cr_assert_eq(b, 0xab, "a byte read inside a register");
	cr_assert_eq(lapic_mmio_read(&apic, APIC_ID + 2, 2, &h), 0);
	cr_assert_eq(h, 0xab00);
	cr_assert_eq(lapic_mmio_read(&apic, APIC_ID + 2, 4, &v), 0);
	cr_assert_eq(v, 0, "a read across the register's end");
	v = 0x11000000;
	cr_assert_eq(lapic_mmio_write(&apic, APIC_ID, 2, &v), 0);
	cr_assert_eq(lapic_mmio_write(&apic, APIC_ID + 4, 4, &v), 0);
	cr_assert_eq(r(APIC_ID), 0xab000000, "only aligned 32-bit stores land");
	cr_assert_eq(lapic_mmio_read(&apic, 0x1000, 4, &v), -EOPNOTSUPP);
	cr_assert_eq(lapic_mmio_write(&apic, 0x1000, 4, &v), -EOPNOTSUPP);
	cr_assert_eq(lapic_mmio_read(&apic, 0xff0, 4, &v), 0);
	cr_assert_eq(v, 0, "beyond the registers");
}

Test(lapic, ldr_and_dfr_writable_bits)
{
	w(APIC_LDR, 0x12345678);
	cr_assert_eq(r(APIC_LDR), 0x12000000);
	w(APIC_DFR, 0);
	cr_assert_eq(r(APIC_DFR), 0x0fffffff, "cluster model; bits 27:0 read as ones");
	w(APIC_ICR2, 0x12345678);
	cr_assert_eq(r(APIC_ICR2), 0x12000000);
}

/* ---- software disable (SDM 11.4.7.2) ---- */

Test(lapic, software_disabled_drops_fixed_but_takes_nmi_and_init)
{
	struct lapic_irq nmi = { .delivery_mode = APIC_DM_NMI, .level = 1 };
	struct lapic_irq init = { .delivery_mode = APIC_DM_INIT, .level = 1 };

	cr_assert_eq(fixed(0x40, false), 0);
	cr_assert_not(irr(0x40));
	cr_assert_eq(lapic_accept_irq(&apic, &nmi), 1);
	cr_assert_eq(nnmi, 1);
	cr_assert_eq(lapic_accept_irq(&apic, &init), 1);
	cr_assert(lapic_test_and_clear_init(&apic));
	sw_enable();
	cr_assert_eq(fixed(0x40, false), 1);
	cr_assert(irr(0x40));
}

Test(lapic, clearing_svr_enable_masks_every_lvt_and_keeps_them_masked)
{
	sw_enable();
	w(APIC_LVTT, 0x30);
	w(APIC_LVT0, 0x700);
	w(APIC_LVT1, 0x400);
	w(APIC_LVTERR, 0xfe);
	cr_assert_eq(r(APIC_LVT1), 0x400);
	w(APIC_SPIV, 0xff);
	cr_assert_eq(r(APIC_LVTT), 0x10030);
	cr_assert_eq(r(APIC_LVT0), 0x10700);
	cr_assert_eq(r(APIC_LVT1), 0x10400);
	cr_assert_eq(r(APIC_LVTERR), 0x100fe);
	w(APIC_LVT1, 0x400);
	cr_assert_eq(r(APIC_LVT1), 0x10400, "unmask ignored while disabled");
	sw_enable();
	cr_assert_eq(r(APIC_LVT1), 0x10400, "enabling unmasks nothing");
	w(APIC_LVT1, 0x400);
	cr_assert_eq(r(APIC_LVT1), 0x400);
}

Test(lapic, lvt_writable_bits)
{
	sw_enable();
	w(APIC_LVT0, 0xffffffff);
	cr_assert_eq(r(APIC_LVT0), 0x1f7ff, "LINT: vector, mode, status, pol, rirr, trig, mask");
	w(APIC_LVTERR, 0xffffffff);
	cr_assert_eq(r(APIC_LVTERR), 0x110ff);
	w(APIC_LVTPC, 0xffffffff);
	cr_assert_eq(r(APIC_LVTPC), 0x117ff);
	w(APIC_LVTT, 0xffffffff);
	cr_assert_eq(r(APIC_LVTT), 0x710ff, "timer: mode bits 18:17 with TSC-deadline");
	setup_id(0, 0);
	sw_enable();
	w(APIC_LVTT, 0xffffffff);
	cr_assert_eq(r(APIC_LVTT), 0x310ff, "no TSC-deadline: bit 18 does not exist");
}

/* ---- priority, acknowledge, EOI (SDM 11.8) ---- */

Test(lapic, accepted_vector_moves_from_irr_to_isr_on_acknowledge)
{
	sw_enable();
	cr_assert_eq(lapic_has_interrupt(&apic), -1);
	cr_assert_eq(fixed(0x41, false), 1);
	cr_assert_geq(nkick, 1, "a new IRR bit kicks the vCPU");
	cr_assert(irr(0x41));
	cr_assert_eq(lapic_has_interrupt(&apic), 0x41);
	cr_assert_eq(lapic_get_interrupt(&apic), 0x41);
	cr_assert_not(irr(0x41));
	cr_assert(isr(0x41));
	cr_assert_eq(r(APIC_PROCPRI), 0x40, "PPR is the in-service class");
	cr_assert_eq(lapic_get_interrupt(&apic), -1);
}

Test(lapic, highest_vector_first)
{
	sw_enable();
	fixed(0x31, false);
	fixed(0x9f, false);
	fixed(0x50, false);
	cr_assert_eq(lapic_get_interrupt(&apic), 0x9f);
	cr_assert_eq(lapic_has_interrupt(&apic), -1, "0x50 and 0x31 are below class 9");
}

Test(lapic, ppr_is_tpr_or_isr_class_whichever_is_higher)
{
	sw_enable();
	fixed(0x51, false);
	lapic_get_interrupt(&apic);
	w(APIC_TASKPRI, 0x35);
	cr_assert_eq(r(APIC_PROCPRI), 0x50);
	w(APIC_TASKPRI, 0x65);
	cr_assert_eq(r(APIC_PROCPRI), 0x65, "PPR takes all of TPR when its class wins");
	w(APIC_TASKPRI, 0x5f);
	cr_assert_eq(r(APIC_PROCPRI), 0x5f, "same class: TPR");
	w(APIC_TASKPRI, 0x123);
	cr_assert_eq(r(APIC_TASKPRI), 0x23, "TPR keeps 8 bits");
}

Test(lapic, tpr_masks_its_class_and_below)
{
	sw_enable();
	w(APIC_TASKPRI, 0x40);
	fixed(0x4f, false);
	cr_assert_eq(lapic_has_interrupt(&apic), -1, "class 4 <= PPR 0x40");
	fixed(0x50, false);
	cr_assert_eq(lapic_has_interrupt(&apic), 0x50);
}

Test(lapic, same_class_as_in_service_waits)
{
	sw_enable();
	fixed(0x51, false);
	lapic_get_interrupt(&apic);
	fixed(0x5f, false);
	cr_assert_eq(lapic_has_interrupt(&apic), -1);
	fixed(0x60, false);
	cr_assert_eq(lapic_has_interrupt(&apic), 0x60, "a higher class nests");
}

Test(lapic, lowering_tpr_with_a_pending_vector_kicks)
{
	sw_enable();
	w(APIC_TASKPRI, 0xf0);
	fixed(0x80, false);
	nkick = 0;
	w(APIC_TASKPRI, 0x10);
	cr_assert_eq(nkick, 1);
	w(APIC_TASKPRI, 0x90);
	cr_assert_eq(nkick, 1, "PPR went up: no kick");
	w(APIC_TASKPRI, 0x80);
	cr_assert_eq(nkick, 1, "0x80 is still masked: no kick");
}

Test(lapic, highest_irr_and_isr_search_all_eight_words)
{
	sw_enable();
	cr_assert_eq(lapic_find_highest_irr(&apic), -1, "empty IRR");
	cr_assert_eq(lapic_find_highest_isr(&apic), -1, "empty ISR");
	fixed(0x00, false);
	cr_assert_eq(lapic_find_highest_irr(&apic), 0x00, "bit 0 of word 0");
	fixed(0x3f, false);
	fixed(0x21, false);
	cr_assert_eq(lapic_find_highest_irr(&apic), 0x3f, "bit 31 of word 1");
	fixed(0xff, false);
	cr_assert_eq(lapic_find_highest_irr(&apic), 0xff, "bit 31 of word 7");
	cr_assert_eq(lapic_get_interrupt(&apic), 0xff);
	cr_assert_eq(lapic_find_highest_isr(&apic), 0xff);
	cr_assert_eq(lapic_find_highest_irr(&apic), 0x3f, "0xff left the IRR");
	w(APIC_EOI, 0);
	cr_assert_eq(lapic_find_highest_isr(&apic), -1);
}

Test(lapic, tpr_blocked_is_the_vector_only_tpr_holds_back)
{
	sw_enable();
	cr_assert_eq(lapic_find_tpr_blocked(&apic), -1, "nothing requested");
	w(APIC_TASKPRI, 0x50);
	fixed(0x51, false);
	cr_assert_eq(lapic_has_interrupt(&apic), -1);
	cr_assert_eq(lapic_find_tpr_blocked(&apic), 0x51, "same class as TPR: blocked");
	fixed(0x4f, false);
	cr_assert_eq(lapic_find_tpr_blocked(&apic), 0x51, "the highest IRR vector counts");
	w(APIC_TASKPRI, 0x4f);
	cr_assert_eq(lapic_has_interrupt(&apic), 0x51);
	cr_assert_eq(lapic_find_tpr_blocked(&apic), -1, "class above TPR: deliverable");
}

Test(lapic, tpr_blocked_ignores_what_the_isr_holds_back)
{
	sw_enable();
	fixed(0x61, false);
	cr_assert_eq(lapic_get_interrupt(&apic), 0x61);
	fixed(0x62, false);
	w(APIC_TASKPRI, 0xf0);
	cr_assert_eq(lapic_find_tpr_blocked(&apic), -1,
		     "same class as in service: an EOI, not CR8, lets it in");
	fixed(0x71, false);
	cr_assert_eq(lapic_find_tpr_blocked(&apic), 0x71, "above the ISR class, under TPR");
	w(APIC_TASKPRI, 0);
	cr_assert_eq(lapic_find_tpr_blocked(&apic), -1);
	cr_assert_eq(lapic_has_interrupt(&apic), 0x71);
}

Test(lapic, tpr_blocked_never_names_class_0)
{
	sw_enable();
	fixed(0x0f, false);
	w(APIC_TASKPRI, 0x10);
	cr_assert_eq(lapic_find_tpr_blocked(&apic), -1, "vectors 0-15 are never deliverable");
}

Test(lapic, cr8_is_tpr_bits_7_4)
{
	lapic_set_tpr(&apic, 0x5);
	cr_assert_eq(r(APIC_TASKPRI), 0x50);
	w(APIC_TASKPRI, 0x7f);
	cr_assert_eq(lapic_get_cr8(&apic), 7);
	lapic_set_tpr(&apic, 0x1f);
	cr_assert_eq(lapic_get_cr8(&apic), 0xf);
}

Test(lapic, globally_disabled_offers_nothing)
{
	sw_enable();
	fixed(0x40, false);
	cr_assert_eq(lapic_set_base(&apic, 0, false), 0);
	cr_assert_eq(lapic_has_interrupt(&apic), -1);
	cr_assert_eq(fixed(0x41, false), 0);
	cr_assert(lapic_accept_pic_intr(&apic), "the PIC's INTR reaches the CPU directly");
}

Test(lapic, eoi_clears_the_highest_in_service_vector)
{
	sw_enable();
	fixed(0x40, false);
	lapic_get_interrupt(&apic);
	fixed(0x80, false);
	lapic_get_interrupt(&apic);
	cr_assert_eq(r(APIC_PROCPRI), 0x80);
	w(APIC_EOI, 0);
	cr_assert_not(isr(0x80));
	cr_assert(isr(0x40));
	cr_assert_eq(r(APIC_PROCPRI), 0x40);
	w(APIC_EOI, 0);
	cr_assert_not(isr(0x40));
	cr_assert_eq(r(APIC_PROCPRI), 0);
	w(APIC_EOI, 0);		/* nothing in service: harmless */
	cr_assert_eq(neoi, 0, "edge vectors are not level EOIs");
	cr_assert_eq(neoi_edge, 2, "both edge EOIs reach the IOAPIC as edge");
	cr_assert_eq(eoi_vec, 0x40);
}

Test(lapic, eoi_of_a_level_vector_goes_to_the_ioapic)
{
	sw_enable();
	cr_assert_eq(fixed(0x61, true), 1);
	cr_assert(tmr(0x61));
	lapic_get_interrupt(&apic);
	w(APIC_EOI, 0);
	cr_assert_eq(neoi, 1);
	cr_assert_eq(eoi_vec, 0x61);
	cr_assert_eq(fixed(0x61, false), 1);
	cr_assert_not(tmr(0x61), "an edge acceptance clears TMR");
	lapic_get_interrupt(&apic);
	w(APIC_EOI, 0);
	cr_assert_eq(neoi, 1);
}

Test(lapic, level_deassert_is_not_an_interrupt)
{
	struct lapic_irq irq = { .vector = 0x70, .delivery_mode = APIC_DM_FIXED,
				 .level = 0, .trig_mode = 1 };

	sw_enable();
	cr_assert_eq(lapic_accept_irq(&apic, &irq), 0);
	cr_assert_not(irr(0x70));
}

/* ---- messages (SDM 11.6.1) ---- */

/* exercise 04.1 */
Test(lapic, icr_write_sends_a_decoded_ipi)
{
	sw_enable();
	w(APIC_ICR2, 0x03000000);
	w(APIC_ICR, 0x00004041);	/* fixed, physical, assert, edge, vector 0x41 */
	cr_assert_eq(nipis, 1);
	cr_assert_eq(ipi_src, &apic);
	cr_assert_eq(ipis[0].vector, 0x41);
	cr_assert_eq(ipis[0].delivery_mode, APIC_DM_FIXED);
	cr_assert_eq(ipis[0].dest_mode, LAPIC_DEST_PHYSICAL_MODE);
	cr_assert_eq(ipis[0].level, 1);
	cr_assert_eq(ipis[0].trig_mode, 0);
	cr_assert_eq(ipis[0].shorthand, LAPIC_DEST_NOSHORT);
	cr_assert_eq(ipis[0].dest_id, 3);
	w(APIC_ICR, 0x00005041);	/* busy bit set by the guest */
	cr_assert_eq(r(APIC_ICR), 0x00004041, "delivery status always reads idle");
}

/* exercise 04.1 */
Test(lapic, icr_delivery_modes_trigger_and_destination_mode)
{
	static const struct { u32 icr, mode, dm, level, trig; } t[] = {
		{ 0x00000130, APIC_DM_LOWEST, 0, 0, 0 },
		{ 0x00000200, APIC_DM_SMI, 0, 0, 0 },
		{ 0x00000c00, APIC_DM_NMI, 1, 0, 0 },
		{ 0x0000c500, APIC_DM_INIT, 0, 1, 1 },
		{ 0x00008500, APIC_DM_INIT, 0, 0, 1 },	/* INIT level de-assert */
		{ 0x00004612, APIC_DM_STARTUP, 0, 1, 0 },
		{ 0x00000700, APIC_DM_EXTINT, 0, 0, 0 },
	};
	unsigned int i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		clear_log();
		w(APIC_ICR, t[i].icr);
		cr_assert_eq(ipis[0].delivery_mode, t[i].mode, "icr %#x", t[i].icr);
		cr_assert_eq(ipis[0].dest_mode, t[i].dm, "icr %#x", t[i].icr);
		cr_assert_eq(ipis[0].level, t[i].level, "icr %#x", t[i].icr);
		cr_assert_eq(ipis[0].trig_mode, t[i].trig, "icr %#x", t[i].icr);
		cr_assert_eq(ipis[0].vector, t[i].icr & 0xff, "icr %#x", t[i].icr);
	}
}

/* exercise 04.1 */
Test(lapic, icr_shorthands)
{
	w(APIC_ICR, APIC_DEST_SELF | 0x50);
	w(APIC_ICR, APIC_DEST_ALLINC | 0x51);
	w(APIC_ICR, APIC_DEST_ALLBUT | 0x52);
	cr_assert_eq(nipis, 3);
	cr_assert_eq(ipis[0].shorthand, APIC_DEST_SELF);
	cr_assert_eq(ipis[1].shorthand, APIC_DEST_ALLINC);
	cr_assert_eq(ipis[2].shorthand, APIC_DEST_ALLBUT);
}

Test(lapic, nmi_message_reaches_the_glue)
{
	struct lapic_irq irq = { .delivery_mode = APIC_DM_NMI, .level = 1 };

	cr_assert_eq(lapic_accept_irq(&apic, &irq), 1);
	cr_assert_eq(nnmi, 1);
	cr_assert_geq(nkick, 1);
}

Test(lapic, init_then_sipi_are_pending_events)
{
	struct lapic_irq init = { .delivery_mode = APIC_DM_INIT, .level = 1, .trig_mode = 1 };
	struct lapic_irq deassert = { .delivery_mode = APIC_DM_INIT, .level = 0, .trig_mode = 1 };
	struct lapic_irq sipi = { .delivery_mode = APIC_DM_STARTUP, .vector = 0x9a };
	u8 v = 0;

	cr_assert_eq(lapic_accept_irq(&apic, &deassert), 0, "INIT level de-assert is ignored");
	cr_assert_not(lapic_test_and_clear_init(&apic));
	cr_assert_eq(lapic_accept_irq(&apic, &init), 1);
	cr_assert_eq(lapic_accept_irq(&apic, &sipi), 1);
	cr_assert(lapic_test_and_clear_init(&apic));
	cr_assert_not(lapic_test_and_clear_init(&apic), "consumed");
	cr_assert(lapic_test_and_clear_sipi(&apic, &v));
	cr_assert_eq(v, 0x9a);
	cr_assert_not(lapic_test_and_clear_sipi(&apic, &v));
	lapic_accept_irq(&apic, &sipi);
	lapic_accept_irq(&apic, &init);
	cr_assert_not(lapic_test_and_clear_sipi(&apic, &v), "an INIT drops a SIPI still pending");
}

Test(lapic, extint_smi_are_not_taken_by_the_apic)
{
	struct lapic_irq ext = { .delivery_mode = APIC_DM_EXTINT, .level = 1 };
	struct lapic_irq smi = { .delivery_mode = APIC_DM_SMI, .level = 1 };

	sw_enable();
	cr_assert_eq(lapic_accept_irq(&apic, &ext), 0);
	cr_assert_eq(lapic_accept_irq(&apic, &smi), 0);
	cr_assert_eq(lapic_has_interrupt(&apic), -1);
}

Test(lapic, lowest_priority_message_is_taken_as_fixed)
{
	struct lapic_irq irq = { .vector = 0x40, .delivery_mode = APIC_DM_LOWEST,
				 .level = 1, .trig_mode = 1 };

	cr_assert_eq(lapic_accept_irq(&apic, &irq), 0, "software-disabled: dropped");
	cr_assert_not(irr(0x40));
	sw_enable();
	cr_assert_eq(lapic_accept_irq(&apic, &irq), 1);
	cr_assert(irr(0x40));
	cr_assert(tmr(0x40), "level-triggered: TMR set for the EOI");
}

/* ---- destinations (SDM 11.6.2) ---- */

Test(lapic, physical_destination_and_broadcast)
{
	setup_id(2, 0);
	cr_assert(lapic_match_dest(&apic, NULL, LAPIC_DEST_NOSHORT, 2, LAPIC_DEST_PHYSICAL_MODE));
	cr_assert_not(lapic_match_dest(&apic, NULL, LAPIC_DEST_NOSHORT, 3, LAPIC_DEST_PHYSICAL_MODE));
	cr_assert(lapic_match_dest(&apic, NULL, LAPIC_DEST_NOSHORT, 0xff, LAPIC_DEST_PHYSICAL_MODE));
	w(APIC_ID, 0x09000000);
	cr_assert(lapic_match_dest(&apic, NULL, LAPIC_DEST_NOSHORT, 9, LAPIC_DEST_PHYSICAL_MODE),
		  "the written xAPIC ID counts");
	cr_assert_not(lapic_match_dest(&apic, NULL, LAPIC_DEST_NOSHORT, 2, LAPIC_DEST_PHYSICAL_MODE));
}

/* exercise 04.2 */
Test(lapic, logical_flat_destination)
{
	w(APIC_LDR, 0x24000000);		/* logical ID bits 2 and 5 */
	cr_assert(lapic_match_dest(&apic, NULL, LAPIC_DEST_NOSHORT, 0x04, LAPIC_DEST_LOGICAL_MODE));
	cr_assert(lapic_match_dest(&apic, NULL, LAPIC_DEST_NOSHORT, 0x21, LAPIC_DEST_LOGICAL_MODE));
	cr_assert_not(lapic_match_dest(&apic, NULL, LAPIC_DEST_NOSHORT, 0x03, LAPIC_DEST_LOGICAL_MODE));
	cr_assert(lapic_match_dest(&apic, NULL, LAPIC_DEST_NOSHORT, 0xff, LAPIC_DEST_LOGICAL_MODE));
	w(APIC_LDR, 0);
	cr_assert_not(lapic_match_dest(&apic, NULL, LAPIC_DEST_NOSHORT, 0x7f, LAPIC_DEST_LOGICAL_MODE),
		      "LDR 0 matches no logical destination but broadcast");
}

/* exercise 04.2 */
Test(lapic, logical_cluster_destination)
{
	w(APIC_DFR, 0x0fffffff);
	w(APIC_LDR, 0x32000000);		/* cluster 3, member bit 1 */
	cr_assert(lapic_match_dest(&apic, NULL, LAPIC_DEST_NOSHORT, 0x32, LAPIC_DEST_LOGICAL_MODE));
	cr_assert(lapic_match_dest(&apic, NULL, LAPIC_DEST_NOSHORT, 0x3f, LAPIC_DEST_LOGICAL_MODE));
	cr_assert_not(lapic_match_dest(&apic, NULL, LAPIC_DEST_NOSHORT, 0x22, LAPIC_DEST_LOGICAL_MODE),
		      "another cluster");
	cr_assert_not(lapic_match_dest(&apic, NULL, LAPIC_DEST_NOSHORT, 0x31, LAPIC_DEST_LOGICAL_MODE));
	cr_assert(lapic_match_dest(&apic, NULL, LAPIC_DEST_NOSHORT, 0xff, LAPIC_DEST_LOGICAL_MODE));
}

/* exercise 04.2 */
Test(lapic, x2apic_physical_and_cluster_destinations)
{
	setup_id(0x23, 0);
	to_x2apic();
	cr_assert(lapic_match_dest(&apic, &apic, LAPIC_DEST_NOSHORT, 0x23, LAPIC_DEST_PHYSICAL_MODE));
	cr_assert(lapic_match_dest(&apic, &apic, LAPIC_DEST_NOSHORT, 0xffffffff,
				   LAPIC_DEST_PHYSICAL_MODE));
	cr_assert_not(lapic_match_dest(&apic, &apic, LAPIC_DEST_NOSHORT, 0xff,
				       LAPIC_DEST_PHYSICAL_MODE), "0xff is an ID in x2APIC");
	/* LDR = cluster 2 << 16 | 1 << 3 (SDM 11.12.10.2) */
	cr_assert(lapic_match_dest(&apic, &apic, LAPIC_DEST_NOSHORT, 0x20008, LAPIC_DEST_LOGICAL_MODE));
	cr_assert(lapic_match_dest(&apic, &apic, LAPIC_DEST_NOSHORT, 0x2ffff, LAPIC_DEST_LOGICAL_MODE));
	cr_assert_not(lapic_match_dest(&apic, &apic, LAPIC_DEST_NOSHORT, 0x10008,
				       LAPIC_DEST_LOGICAL_MODE));
	cr_assert_not(lapic_match_dest(&apic, &apic, LAPIC_DEST_NOSHORT, 0x20004,
				       LAPIC_DEST_LOGICAL_MODE));
}

Test(lapic, ioapic_broadcast_reaches_an_x2apic)
{
	to_x2apic();
	cr_assert(lapic_match_dest(&apic, NULL, LAPIC_DEST_NOSHORT, 0xff, LAPIC_DEST_PHYSICAL_MODE),
		  "KVM's quirk: 0xff from the IOAPIC is a broadcast");
	cr_assert_not(lapic_match_dest(&apic, &apic, LAPIC_DEST_NOSHORT, 0xff,
				       LAPIC_DEST_PHYSICAL_MODE));
}

Test(lapic, xapic_matches_a_wide_destination_by_vcpu_id)
{
	setup_id(0x123, 0);
	cr_assert(lapic_match_dest(&apic, NULL, LAPIC_DEST_NOSHORT, 0x123, LAPIC_DEST_PHYSICAL_MODE));
	cr_assert_not(lapic_match_dest(&apic, NULL, LAPIC_DEST_NOSHORT, 0x124,
				       LAPIC_DEST_PHYSICAL_MODE));
	cr_assert(lapic_match_dest(&apic, NULL, LAPIC_DEST_NOSHORT, 0x23, LAPIC_DEST_PHYSICAL_MODE),
		  "8-bit destinations see the xAPIC ID, the low byte");
}

Test(lapic, shorthands_self_all_all_but_self)
{
	static struct kvm_lapic other;

	lapic_init(&other, &ops, &apic, 1, 0);
	cr_assert(lapic_match_dest(&apic, &apic, APIC_DEST_SELF, 0x55, 0));
	cr_assert_not(lapic_match_dest(&other, &apic, APIC_DEST_SELF, 0x55, 0));
	cr_assert(lapic_match_dest(&apic, &apic, APIC_DEST_ALLINC, 0, 0));
	cr_assert(lapic_match_dest(&other, &apic, APIC_DEST_ALLINC, 0, 0));
	cr_assert_not(lapic_match_dest(&apic, &apic, APIC_DEST_ALLBUT, 0, 0));
	cr_assert(lapic_match_dest(&other, &apic, APIC_DEST_ALLBUT, 0, 0));
}

/* ---- timer (SDM 11.5.4) ---- */

Test(lapic, divide_configuration_encoding)
{
	static const struct { u32 tdcr, div; } t[] = {
		{ APIC_TDR_DIV_2, 2 }, { APIC_TDR_DIV_4, 4 }, { APIC_TDR_DIV_8, 8 },
		{ APIC_TDR_DIV_16, 16 }, { APIC_TDR_DIV_32, 32 }, { APIC_TDR_DIV_64, 64 },
		{ APIC_TDR_DIV_128, 128 }, { APIC_TDR_DIV_1, 1 },
	};
	unsigned int i;

	sw_enable();
	w(APIC_LVTT, 0x30);
	for (i = 0; i < 8; i++) {
		w(APIC_TDCR, t[i].tdcr | 0xf4);		/* bits other than 3,1:0 ignored */
		cr_assert_eq(r(APIC_TDCR), t[i].tdcr);
		w(APIC_TMICT, 1000);
		cr_assert_eq(armed_at, now + 1000ull * t[i].div, "divide %u", t[i].div);
	}
}

Test(lapic, one_shot_counts_down_fires_once_and_reads_zero)
{
	sw_enable();
	w(APIC_LVTT, 0x30);
	w(APIC_TDCR, APIC_TDR_DIV_16);
	w(APIC_TMICT, 100);
	cr_assert(armed);
	cr_assert_eq(armed_at, now + 1600);
	now += 16;
	cr_assert_eq(r(APIC_TMCCT), 99);
	now += 800;
	cr_assert_eq(r(APIC_TMCCT), 49);
	now = armed_at;
	lapic_timer_expired(&apic);
	cr_assert(irr(0x30));
	cr_assert_eq(r(APIC_TMCCT), 0);
	cr_assert_eq(r(APIC_TMICT), 100, "the initial count stays");
	narm = 0;
	lapic_timer_expired(&apic);
	cr_assert_eq(narm, 0, "a one-shot does not re-arm");
	lapic_get_interrupt(&apic);
	w(APIC_EOI, 0);
	lapic_timer_expired(&apic);
	cr_assert_not(irr(0x30), "and does not fire twice");
}

Test(lapic, periodic_wraps_and_rearms_from_the_target)
{
	u64 first;

	sw_enable();
	w(APIC_LVTT, APIC_LVT_TIMER_PERIODIC | 0x31);
	w(APIC_TDCR, APIC_TDR_DIV_1);
	w(APIC_TMICT, 300000);
	first = armed_at;
	cr_assert_eq(first, now + 300000);
	now = first + 5;		/* the host timer was a little late */
	lapic_timer_expired(&apic);
	cr_assert(irr(0x31));
	cr_assert_eq(armed_at, first + 300000, "no drift: the next target is one period on");
	now = first + 100000;
	cr_assert_eq(r(APIC_TMCCT), 200000, "wrapped to the period");
}

Test(lapic, periodic_period_is_at_least_200us)
{
	sw_enable();
	w(APIC_LVTT, APIC_LVT_TIMER_PERIODIC | 0x31);
	w(APIC_TDCR, APIC_TDR_DIV_1);
	w(APIC_TMICT, 1000);
	cr_assert_eq(armed_at, now + 200000, "KVM's min_timer_period_us");
	w(APIC_LVTT, 0x31);
	w(APIC_TMICT, 1000);
	cr_assert_eq(armed_at, now + 1000, "one-shot is not clamped");
}

Test(lapic, zero_initial_count_stops_the_timer)
{
	sw_enable();
	w(APIC_LVTT, 0x30);
	w(APIC_TMICT, 1000);
	cr_assert(armed);
	w(APIC_TMICT, 0);
	cr_assert_not(armed);
	cr_assert_eq(r(APIC_TMCCT), 0);
	lapic_timer_expired(&apic);
	cr_assert_not(irr(0x30));
}

Test(lapic, masked_timer_expires_without_an_interrupt)
{
	sw_enable();
	w(APIC_LVTT, APIC_LVT_TIMER_PERIODIC | APIC_LVT_MASKED | 0x30);
	w(APIC_TDCR, APIC_TDR_DIV_1);
	w(APIC_TMICT, 300000);
	now = armed_at;
	lapic_timer_expired(&apic);
	cr_assert_not(irr(0x30));
	cr_assert_eq(armed_at, now + 300000, "still counting");
}

Test(lapic, early_or_stale_expiry_is_ignored)
{
	sw_enable();
	w(APIC_LVTT, 0x30);
	w(APIC_TMICT, 5000);
	now += 10;
	lapic_timer_expired(&apic);
	cr_assert_not(irr(0x30));
	cr_assert(armed);
}

Test(lapic, new_divide_rescales_the_time_left)
{
	sw_enable();
	w(APIC_LVTT, 0x30);
	w(APIC_TDCR, APIC_TDR_DIV_2);
	w(APIC_TMICT, 1000);			/* 2000 ns */
	now += 1000;				/* half done: 500 ticks left */
	w(APIC_TDCR, APIC_TDR_DIV_8);
	cr_assert_eq(armed_at, now + 4000, "500 ticks at 8 ns each");
	cr_assert_eq(r(APIC_TMCCT), 500);
	now += 8;
	cr_assert_eq(r(APIC_TMCCT), 499);
}

Test(lapic, tsc_deadline_converts_cycles_to_ns)
{
	sw_enable();
	w(APIC_LVTT, APIC_LVT_TIMER_TSCDEADLINE | 0x32);
	tsc = 1000;
	lapic_set_tscdeadline(&apic, 1000 + 4000);	/* 4000 cycles at 2 GHz */
	cr_assert(armed);
	cr_assert_eq(armed_at, now + 2000);
	cr_assert_eq(lapic_get_tscdeadline(&apic), 5000);
	w(APIC_TMICT, 77);
	cr_assert_eq(r(APIC_TMICT), 0, "TMICT is ignored in TSC-deadline mode");
	cr_assert_eq(r(APIC_TMCCT), 0);
	now += 2000;
	lapic_timer_expired(&apic);
	cr_assert(irr(0x32));
	cr_assert_eq(lapic_get_tscdeadline(&apic), 0, "reads 0 once it fired");
}

Test(lapic, tsc_deadline_in_the_past_fires_at_once_and_zero_disarms)
{
	sw_enable();
	w(APIC_LVTT, APIC_LVT_TIMER_TSCDEADLINE | 0x32);
	tsc = 100000;
	lapic_set_tscdeadline(&apic, 99999);
	cr_assert(irr(0x32));
	cr_assert_not(armed);
	lapic_set_tscdeadline(&apic, 200000);
	cr_assert(armed);
	lapic_set_tscdeadline(&apic, 0);
	cr_assert_not(armed);
	cr_assert_eq(lapic_get_tscdeadline(&apic), 0);
}

Test(lapic, tsc_deadline_needs_its_mode)
{
	sw_enable();
	w(APIC_LVTT, 0x32);
	lapic_set_tscdeadline(&apic, 5000);
	cr_assert_not(armed);
	cr_assert_eq(lapic_get_tscdeadline(&apic), 0);
	w(APIC_TMICT, 1000);
	w(APIC_LVTT, APIC_LVT_TIMER_TSCDEADLINE | 0x32);
	cr_assert_not(armed, "switching to TSC-deadline stops the count-down");
	cr_assert_eq(r(APIC_TMICT), 0);
}

Test(lapic, huge_tsc_deadline_does_not_wrap)
{
	setup_id(0, 3);					/* 3 kHz */
	sw_enable();
	w(APIC_LVTT, APIC_LVT_TIMER_TSCDEADLINE | 0x32);
	lapic_set_tscdeadline(&apic, 1ull << 62);
	cr_assert(armed);
	cr_assert_gt(armed_at, now + (1ull << 50), "far in the future, not wrapped");
}

/* ---- IA32_APIC_BASE (SDM 11.4.4, 11.12.5) ---- */

Test(lapic, base_msr_reserved_bits_and_invalid_mode)
{
	u64 b = lapic_get_base(&apic);

	cr_assert_eq(lapic_set_base(&apic, b | 1, false), 1);
	cr_assert_eq(lapic_set_base(&apic, b | 0x200, false), 1);
	cr_assert_eq(lapic_set_base(&apic, 0xfee00400, false), 1, "EXTD without EN");
	cr_assert_eq(lapic_set_base(&apic, 0x1000000800ull, false), 1, "above MAXPHYADDR 36");
	lapic_update_cpuid(&apic, true, true, 40);
	cr_assert_eq(lapic_set_base(&apic, 0x1000000800ull, false), 0);
	cr_assert_eq(lapic_get_base(&apic), 0x1000000800ull);
	cr_assert(lapic_mmio_in_range(&apic, 0x1000000000ull));
	cr_assert_not(lapic_mmio_in_range(&apic, 0xfee00000ull));
	cr_assert_eq(lapic_set_base(&apic, 0xfee00800, false), 0);
	cr_assert(lapic_mmio_in_range(&apic, 0xfee00fffull));
	cr_assert_not(lapic_mmio_in_range(&apic, 0xfee01000ull));
}

Test(lapic, base_msr_mode_transitions)
{
	setup_id(1, 0);
	cr_assert_eq(lapic_set_base(&apic, 0xfee00c00, false), 0, "xAPIC -> x2APIC");
	cr_assert(lapic_x2apic_mode(&apic));
	cr_assert_eq(lapic_set_base(&apic, 0xfee00800, false), 1, "x2APIC -> xAPIC: #GP");
	cr_assert_eq(lapic_set_base(&apic, 0xfee00000, false), 0, "x2APIC -> disabled");
	cr_assert_eq(lapic_set_base(&apic, 0xfee00c00, false), 1, "disabled -> x2APIC: #GP");
	cr_assert_eq(lapic_set_base(&apic, 0xfee00800, false), 0, "disabled -> xAPIC");
	cr_assert_eq(r(APIC_ID), 0x01000000, "enabling sets the xAPIC ID");
	cr_assert_eq(lapic_set_base(&apic, 0xfee00c00, false), 0);
	cr_assert_eq(lapic_set_base(&apic, 0xfee00800, true), 0, "the host may");
	cr_assert_not(lapic_x2apic_mode(&apic));
	lapic_update_cpuid(&apic, false, false, 36);
	cr_assert_eq(lapic_set_base(&apic, 0xfee00c00, false), 1, "no x2APIC in CPUID");
}

Test(lapic, base_msr_without_cpuid_has_no_x2apic)
{
	lapic_init(&apic, &ops, &apic, 0, 0);
	cr_assert_eq(lapic_set_base(&apic, 0xfee00c00, false), 1, "EXTD reserved");
	cr_assert_eq(lapic_set_base(&apic, 0xfee00c00, true), 1, "for the host too");
	cr_assert_not(lapic_x2apic_mode(&apic));
}

Test(lapic, base_msr_unchanged_value_is_checked_too)
{
	to_x2apic();
	lapic_update_cpuid(&apic, false, false, 36);
	cr_assert_eq(lapic_set_base(&apic, lapic_get_base(&apic), false), 1,
		     "EXTD is reserved now, even if it is already set (Linux 6.1)");
	cr_assert(lapic_x2apic_mode(&apic));
}

Test(lapic, base_valid_rules)
{
	const u64 dis = 0xfee00000, xa = 0xfee00800, x2 = 0xfee00c00;

	cr_assert(lapic_base_valid(xa, xa | 0x100, true, 36, false), "BSP is writable");
	cr_assert_not(lapic_base_valid(xa, xa | 0x80, true, 36, false), "bit 7");
	cr_assert_not(lapic_base_valid(xa, xa | 0x200, true, 36, true), "bit 9, host too");
	cr_assert_not(lapic_base_valid(xa, 0xfee00400, true, 36, true), "EN=0 EXTD=1");
	cr_assert_not(lapic_base_valid(xa, x2, false, 36, true), "EXTD without x2APIC");
	cr_assert_not(lapic_base_valid(xa, xa | 1ull << 36, true, 36, false));
	cr_assert(lapic_base_valid(xa, xa | 1ull << 35, true, 36, false));
	cr_assert(lapic_base_valid(xa, xa | 1ull << 63, true, 64, false), "MAXPHYADDR 64");
	cr_assert_not(lapic_base_valid(x2, xa, true, 36, false), "x2APIC -> xAPIC");
	cr_assert(lapic_base_valid(x2, xa, true, 36, true), "... the host may");
	cr_assert_not(lapic_base_valid(dis, x2, true, 36, false), "disabled -> x2APIC");
	cr_assert(lapic_base_valid(dis, x2, true, 36, true), "... the host may");
	cr_assert(lapic_base_valid(x2, dis, true, 36, false), "x2APIC -> disabled");
	cr_assert(lapic_base_valid(dis, xa, true, 36, false), "disabled -> xAPIC");
}

Test(lapic, disabled_apic_page_reads_ones_and_ignores_writes)
{
	cr_assert_eq(lapic_set_base(&apic, 0xfee00000, false), 0);
	cr_assert_eq(r(APIC_LVR), 0xffffffff);
	w(APIC_TASKPRI, 0x50);
	cr_assert_eq(lapic_set_base(&apic, 0xfee00800, false), 0);
	cr_assert_eq(r(APIC_TASKPRI), 0);
	cr_assert_eq(r(APIC_LVR), 0x00050014);
}

/* ---- x2APIC MSRs (SDM 11.12.1.2) ---- */

Test(lapic, x2apic_msrs_need_x2apic_mode)
{
	u64 v;

	cr_assert_eq(lapic_x2apic_msr_read(&apic, 0x802, &v), 1);
	cr_assert_eq(lapic_x2apic_msr_write(&apic, 0x808, 0), 1);
	to_x2apic();
	cr_assert_eq(lapic_x2apic_msr_read(&apic, 0x803, &v), 0);
	cr_assert_eq(v, 0x00050014);
	cr_assert_eq(r(APIC_LVR), 0xffffffff, "the page reads ones in x2APIC mode");
}

Test(lapic, x2apic_id_and_ldr_are_derived_and_read_only)
{
	setup_id(0x23, 0);
	to_x2apic();
	cr_assert_eq(msr_r(APIC_ID), 0x23, "the full 32-bit ID, not in bits 31:24");
	cr_assert_eq(msr_r(APIC_LDR), 0x20008);
	cr_assert_eq(msr_w(APIC_ID, 5), 1);
	cr_assert_eq(msr_w(APIC_LDR, 5), 1);
	cr_assert_eq(msr_r(APIC_LDR), 0x20008);
}

Test(lapic, x2apic_registers_that_raise_gp)
{
	u64 v;

	to_x2apic();
	cr_assert_eq(lapic_x2apic_msr_read(&apic, 0x80e, &v), 1, "DFR");
	cr_assert_eq(lapic_x2apic_msr_read(&apic, 0x831, &v), 1, "ICR2");
	cr_assert_eq(lapic_x2apic_msr_read(&apic, 0x809, &v), 1, "ARBPRI");
	cr_assert_eq(lapic_x2apic_msr_read(&apic, 0x80b, &v), 1, "EOI is write-only");
	cr_assert_eq(lapic_x2apic_msr_read(&apic, 0x83f, &v), 1, "SELF IPI is write-only");
	cr_assert_eq(lapic_x2apic_msr_read(&apic, 0x804, &v), 1, "reserved");
	cr_assert_eq(lapic_x2apic_msr_read(&apic, 0x8ff, &v), 1);
	cr_assert_eq(msr_w(APIC_DFR, 0), 1);
	cr_assert_eq(msr_w(APIC_ICR2, 0), 1);
	cr_assert_eq(msr_w(APIC_LVR, 0), 1);
	cr_assert_eq(msr_w(APIC_PROCPRI, 0), 1);
	cr_assert_eq(msr_w(APIC_ISR, 0), 1);
	cr_assert_eq(msr_w(APIC_IRR, 0), 1);
	cr_assert_eq(msr_w(APIC_TMCCT, 0), 1);
	cr_assert_eq(msr_w(APIC_TASKPRI, 1ull << 32), 1, "bits 63:32 reserved");
	cr_assert_eq(msr_w(APIC_ESR, 1), 1);
	cr_assert_eq(msr_w(APIC_ESR, 0), 0);
	cr_assert_eq(msr_w(APIC_TASKPRI, 0x30), 0);
	cr_assert_eq(msr_r(APIC_TASKPRI), 0x30);
}

/* exercise 04.1 */
Test(lapic, x2apic_icr_is_one_64bit_msr)
{
	to_x2apic();
	cr_assert_eq(msr_w(APIC_ICR, 0x0000012300004041ull), 0);
	cr_assert_eq(nipis, 1);
	cr_assert_eq(ipis[0].dest_id, 0x123, "a 32-bit destination");
	cr_assert_eq(ipis[0].vector, 0x41);
	cr_assert_eq(msr_r(APIC_ICR), 0x0000012300004041ull);
	cr_assert_eq(msr_w(APIC_ICR, 0x00100041ull), 1, "reserved bit 20");
	cr_assert_eq(msr_w(APIC_ICR, 0x00002041ull), 1, "reserved bit 13");
	cr_assert_eq(nipis, 1);
}

Test(lapic, x2apic_self_ipi)
{
	to_x2apic();
	cr_assert_eq(msr_w(APIC_SELF_IPI, 0x66), 0);
	cr_assert_eq(nipis, 1);
	cr_assert_eq(ipis[0].shorthand, APIC_DEST_SELF);
	cr_assert_eq(ipis[0].vector, 0x66);
	cr_assert_eq(ipis[0].delivery_mode, APIC_DM_FIXED);
	cr_assert_eq(msr_w(APIC_SELF_IPI, 0x166), 1, "bits above the vector are reserved");
}

Test(lapic, x2apic_eoi_and_timer_through_msrs)
{
	to_x2apic();
	sw_enable();		/* ignored: the page is dead in x2APIC mode */
	cr_assert_not(lapic_sw_enabled(&apic));
	cr_assert_eq(msr_w(APIC_SPIV, 0x1ff), 0);
	cr_assert(lapic_sw_enabled(&apic));
	fixed(0x61, true);
	lapic_get_interrupt(&apic);
	cr_assert_eq(msr_w(APIC_EOI, 0), 0);
	cr_assert_eq(neoi, 1);
	cr_assert_eq(msr_w(APIC_LVTT, 0x30), 0);
	cr_assert_eq(msr_w(APIC_TMICT, 50), 0);
	cr_assert_eq(armed_at, now + 100, "divide by 2 after reset");
}

/* ---- KVM_GET_LAPIC / KVM_SET_LAPIC ---- */

Test(lapic, state_round_trip_xapic)
{
	static struct kvm_lapic_state st, st2;

	sw_enable();
	w(APIC_TASKPRI, 0x20);
	fixed(0x45, true);
	fixed(0x81, false);
	lapic_get_interrupt(&apic);
	w(APIC_LVTT, 0x30);
	w(APIC_TDCR, APIC_TDR_DIV_1);
	w(APIC_TMICT, 10000);
	now += 4000;
	lapic_get_state(&apic, &st);
	cr_assert_eq(*(u32 *)(st.regs + APIC_TMCCT), 6000, "the live current count");
	cr_assert_eq(*(u32 *)(st.regs + APIC_LVR), 0x00050014);

	setup();
	now += 50;
	cr_assert_eq(lapic_set_state(&apic, &st), 0);
	cr_assert(lapic_sw_enabled(&apic));
	cr_assert(isr(0x81));
	cr_assert(irr(0x45));
	cr_assert(tmr(0x45));
	cr_assert_eq(r(APIC_PROCPRI), 0x80);
	cr_assert_eq(r(APIC_TMICT), 10000);
	cr_assert(armed);
	cr_assert_eq(armed_at, now + 6000, "restarted from the saved count");
	now += 1;
	cr_assert_eq(r(APIC_TMCCT), 5999);
	lapic_get_state(&apic, &st2);
	*(u32 *)(st.regs + APIC_TMCCT) = 0;
	*(u32 *)(st2.regs + APIC_TMCCT) = 0;
	cr_assert_eq(memcmp(st.regs, st2.regs, sizeof(st.regs)), 0);
}

Test(lapic, state_in_x2apic_mode_uses_kvms_layout)
{
	static struct kvm_lapic_state st;

	setup_id(5, 0);
	to_x2apic();
	cr_assert_eq(msr_w(APIC_ICR, 0x0000000700000400ull), 0);
	lapic_get_state(&apic, &st);
	cr_assert_eq(*(u32 *)(st.regs + APIC_ID), 5u << 24, "x2APIC ID shifted as xAPIC");
	cr_assert_eq(*(u32 *)(st.regs + APIC_ICR), 0x400);
	cr_assert_eq(*(u32 *)(st.regs + APIC_ICR2), 7, "ICR high half in ICR2");
	cr_assert_eq(*(u32 *)(st.regs + APIC_LDR), 0x20);

	*(u32 *)(st.regs + APIC_ID) = 0x99;
	*(u32 *)(st.regs + APIC_LDR) = 0x1234;
	*(u32 *)(st.regs + APIC_ICR2) = 9;
	cr_assert_eq(lapic_set_state(&apic, &st), 0);
	cr_assert_eq(msr_r(APIC_ID), 5, "the x2APIC ID is the vCPU's");
	cr_assert_eq(msr_r(APIC_LDR), 0x20);
	cr_assert_eq(msr_r(APIC_ICR), 0x0000000900000400ull);
}

Test(lapic, pic_reaches_the_cpu_through_lint0_extint_only)
{
	setup_id(1, 0);
	sw_enable();
	cr_assert_not(lapic_accept_pic_intr(&apic));
	w(APIC_LVT0, 0x700);
	cr_assert(lapic_accept_pic_intr(&apic));
	w(APIC_LVT0, 0x10700);
	cr_assert_not(lapic_accept_pic_intr(&apic));
	w(APIC_LVT0, 0x400);
	cr_assert_not(lapic_accept_pic_intr(&apic));
	cr_assert(apic.lvt0_in_nmi_mode);
}

Test(lapic, lint1_nmi_through_local_deliver)
{
	sw_enable();
	w(APIC_LVT1, 0x400);
	cr_assert_eq(lapic_local_deliver(&apic, APIC_LVT1), 1);
	cr_assert_eq(nnmi, 1);
	w(APIC_LVT1, 0x10400);
	cr_assert_eq(lapic_local_deliver(&apic, APIC_LVT1), 0);
	cr_assert_eq(nnmi, 1);
}
