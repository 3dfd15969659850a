// SPDX-License-Identifier: GPL-2.0
/**
 * @file lapic.c
 * @brief The local APIC of a vCPU: priorities, acknowledge and EOI, IPIs,
 * destination matching, the APIC timer, xAPIC MMIO and x2APIC MSRs.  See
 * Intel SDM Vol. 3A (253668), chapter 11 "Advanced Programmable Interrupt
 * Controller (APIC)" (chapter 10 in editions before 2023).
 *
 * Each CPU has one local APIC.  It takes interrupt messages (from the
 * IOAPIC, from other APICs' ICR, from its own LVT entries), sorts them by
 * vector into the 256-bit Interrupt Request Register, and offers the CPU
 * the highest one whose priority class (vector bits 7:4) beats the
 * Processor Priority (PPR: the larger of the Task Priority the OS writes
 * and the class of the highest interrupt in service).  When the CPU takes
 * it, the bit moves from IRR to ISR; the handler's write to EOI clears the
 * highest ISR bit, and if the interrupt was level-triggered (its TMR bit)
 * the IOAPIC hears of it so the pin can fire again (SDM 11.8).
 *
 * The registers live in a page (xAPIC, SDM 11.4.1) or in MSRs 0x800-0x8ff
 * (x2APIC, SDM 11.12).  The model keeps them in KVM's layout, the first
 * 1 KiB of that page, so KVM_GET_LAPIC is nearly a copy.
 *
 * What the guest sees follows Linux KVM, which the lab compares against,
 * even where KVM simplifies the SDM.  The simplifications, all KVM's:
 * - no Error Status: illegal vectors are accepted and ESR reads 0;
 * - no arbitration priority: APR reads 0, and the glue gives a
 *   lowest-priority message to one of the APICs it names by vector
 *   hashing (KVM's vector_hashing default), not by priority;
 * - messages are delivered at once: ICR Delivery Status always reads idle;
 * - a re-sent vector already in IRR still reports "accepted" (the IRR
 *   coalesces it silently);
 * - disabling the APIC in IA32_APIC_BASE keeps its registers (the SDM
 *   resets them); re-enabling sets the ID back to the vCPU's;
 * - the periodic timer's period is at least 200 us (min_timer_period_us);
 * - the x2APIC ID is the vcpu_id and read-only; 6 LVT entries (no CMCI).
 * Left out: APICv/AVIC, the PV EOI and Hyper-V SynIC, SMIs, the "hotplug"
 * x2APIC-format IDs, the timer advance tuning, and KVM_CAP_X2APIC_API.
 *
 * Linux: arch/x86/kvm/lapic.c.
 */
#include <minikvm/lapic.h>

/** Divisor of the APIC bus clock: KVM's bus runs at 1 GHz (APIC_BUS_CYCLE_NS 1). */
#define APIC_BUS_CYCLE_NS	1

/** The writable bits of the LVT entries (SDM 11.5.1, Figure 11-8); Delivery
 *  Status (bit 12) stays writable, as in KVM.  LVTT adds its mode bits. @{ */
#define LVT_MASK	(APIC_LVT_MASKED | APIC_SEND_PENDING | APIC_VECTOR_MASK)
#define LINT_MASK	(LVT_MASK | APIC_MODE_MASK | APIC_INPUT_POLARITY | \
			 APIC_LVT_REMOTE_IRR | APIC_LVT_LEVEL_TRIGGER)
/** @} */

/** x2APIC ICR bits that must be zero (SDM 11.12.9, Figure 11-28). */
#define X2APIC_ICR_RESERVED	(0xfff00000ull | 0x00030000ull | 0x00002000ull)

/** IA32_APIC_BASE bits 11:0 are flags; the rest is the page (SDM 11.4.4). */
#define APIC_BASE_FLAGS		0xfffull

/* ------------------------------------------------------------------ */
/* Register helpers                                                     */
/* ------------------------------------------------------------------ */

/** The 256-bit IRR/ISR/TMR are eight 32-bit registers 16 bytes apart (SDM 11.8.4). */
static u32 vec_reg(int vec)
{
	return (vec >> 5) << 4;
}

/** Is bit @vec of the 256-bit register at @base set?  Linux: apic_test_vector(). */
static bool apic_test_vector(struct kvm_lapic *s, u32 base, int vec)
{
	return lapic_get_reg(s, base + vec_reg(vec)) & (1u << (vec & 31));
}

/** Set bit @vec of the 256-bit register at @base.  Linux: kvm_lapic_set_vector(). */
static void apic_set_vector(struct kvm_lapic *s, u32 base, int vec)
{
	u32 r = base + vec_reg(vec);

	lapic_set_reg(s, r, lapic_get_reg(s, r) | (1u << (vec & 31)));
}

/** Clear bit @vec of the 256-bit register at @base.  Linux: kvm_lapic_clear_vector(). */
static void apic_clear_vector(struct kvm_lapic *s, u32 base, int vec)
{
	u32 r = base + vec_reg(vec);

	lapic_set_reg(s, r, lapic_get_reg(s, r) & ~(1u << (vec & 31)));
}

/**
 * apic_find_highest_vector - the highest bit set in the 256-bit register at
 * @base (IRR, ISR or TMR: eight 32-bit words 16 bytes apart, SDM 11.8.4),
 * or -1.  Linux: apic_find_highest_vector() (find_highest_vector() in older
 * kernels).
 */
static int apic_find_highest_vector(const struct kvm_lapic *s, u32 base)
{
	int word;
	u32 v;

	for (word = 7; word >= 0; word--) {
		v = lapic_get_reg(s, base + (word << 4));
		if (v)
			return word * 32 + 31 - __builtin_clz(v);
	}
	return -1;
}

/** The ICR as one 64-bit value (x2APIC mode keeps it so, as KVM does).
 *  Linux: kvm_lapic_get_reg64(). */
static u64 apic_get_icr64(struct kvm_lapic *s)
{
	return lapic_get_reg(s, APIC_ICR) | (u64)lapic_get_reg(s, APIC_ICR + 4) << 32;
}

/** Store the 64-bit x2APIC ICR.  Linux: kvm_lapic_set_reg64(). */
static void apic_set_icr64(struct kvm_lapic *s, u64 icr)
{
	lapic_set_reg(s, APIC_ICR, (u32)icr);
	lapic_set_reg(s, APIC_ICR + 4, (u32)(icr >> 32));
}

/** The x2APIC LDR, derived from the x2APIC ID (SDM 11.12.10.2):
 *  cluster ID (bits 31:4 of the ID) in 31:16, one bit of 16 in 15:0.
 *  Linux: kvm_apic_calc_x2apic_ldr(). */
static u32 x2apic_ldr(u32 id)
{
	return ((id >> 4) << 16) | (1u << (id & 0xf));
}

/** The 8-bit xAPIC ID, ID bits 31:24 (SDM 11.4.6).  Linux: kvm_xapic_id(). */
static u32 xapic_id(struct kvm_lapic *s)
{
	return lapic_get_reg(s, APIC_ID) >> 24;
}

/** Write the xAPIC ID.  Linux: kvm_apic_set_xapic_id(). */
static void set_xapic_id(struct kvm_lapic *s, u8 id)
{
	lapic_set_reg(s, APIC_ID, (u32)id << 24);
}

/** x2APIC mode: ID = the vCPU's x2APIC ID, LDR derived from it (SDM 11.12.2). */
static void set_x2apic_id(struct kvm_lapic *s)
{
	lapic_set_reg(s, APIC_ID, s->vcpu_id);
	lapic_set_reg(s, APIC_LDR, x2apic_ldr(s->vcpu_id));
}

/** The glue's clock in ns (0 without one). */
static u64 apic_now(struct kvm_lapic *s)
{
	return s->ops && s->ops->now_ns ? s->ops->now_ns(s->opaque) : 0;
}

/** Ask the glue to look at this vCPU's interrupts again. */
static void apic_kick(struct kvm_lapic *s)
{
	if (s->ops && s->ops->kick)
		s->ops->kick(s->opaque);
}

/* ------------------------------------------------------------------ */
/* Enable state (SDM 11.4.3, 11.4.7.2, 11.12.5)                         */
/* ------------------------------------------------------------------ */

/** Globally enabled: IA32_APIC_BASE bit 11.  Linux: kvm_apic_hw_enabled(). */
bool lapic_hw_enabled(struct kvm_lapic *s)
{
	return s->apic_base & MSR_IA32_APICBASE_ENABLE;
}

/** Software enabled: SVR bit 8 (SDM 11.4.7.2).  Linux: kvm_apic_sw_enabled(). */
bool lapic_sw_enabled(struct kvm_lapic *s)
{
	return s->sw_enabled;
}

/** Both: only then are fixed interrupts accepted.  Linux: apic_enabled(). */
bool lapic_enabled(struct kvm_lapic *s)
{
	return lapic_hw_enabled(s) && lapic_sw_enabled(s);
}

/** IA32_APIC_BASE bit 10 (EXTD).  Linux: apic_x2apic_mode(). */
bool lapic_x2apic_mode(struct kvm_lapic *s)
{
	return s->apic_base & X2APIC_ENABLE;
}

/** Linux: apic_set_spiv(). */
static void apic_set_spiv(struct kvm_lapic *s, u32 val)
{
	lapic_set_reg(s, APIC_SPIV, val);
	s->sw_enabled = val & APIC_SPIV_APIC_ENABLED;
}

/* ------------------------------------------------------------------ */
/* Priority (SDM 11.8.3.1)                                              */
/* ------------------------------------------------------------------ */

/**
 * lapic_find_highest_irr - the highest vector requested (IRR), whatever the
 * priorities say, or -1.
 * @s: the APIC
 *
 * Linux: kvm_lapic_find_highest_irr(), apic_find_highest_irr().
 */
int lapic_find_highest_irr(const struct kvm_lapic *s)
{
	return apic_find_highest_vector(s, APIC_IRR);
}

/**
 * lapic_find_highest_isr - the highest vector in service (ISR): the one the
 * next EOI ends, and whose class PPR holds at least (SDM 11.8.3.1), or -1.
 * @s: the APIC
 *
 * Linux: apic_find_highest_isr().
 */
int lapic_find_highest_isr(const struct kvm_lapic *s)
{
	return apic_find_highest_vector(s, APIC_ISR);
}

/**
 * apic_has_interrupt_for_ppr - the highest IRR vector whose class (bits
 * 7:4) is above @ppr's, or -1 (SDM 11.8.3.1).  Class 0 (vectors 0-15) is
 * never above any PPR.  Linux: apic_has_interrupt_for_ppr().
 */
static int apic_has_interrupt_for_ppr(const struct kvm_lapic *s, u32 ppr)
{
	int irr = lapic_find_highest_irr(s);

	if (irr == -1 || (u32)(irr & 0xf0) <= ppr)
		return -1;
	return irr;
}

/**
 * __apic_update_ppr - recompute PPR from TPR and the highest ISR vector:
 * PPR = TPR if TPR[7:4] >= ISRV[7:4], else ISRV[7:4] << 4 (SDM 11.8.3.1).
 * Returns true if PPR went down (something may now be deliverable).
 * Linux: __apic_update_ppr().
 */
static bool __apic_update_ppr(struct kvm_lapic *s, u32 *new_ppr)
{
	u32 old_ppr = lapic_get_reg(s, APIC_PROCPRI);
	u32 tpr = lapic_get_reg(s, APIC_TASKPRI);
	int isr = lapic_find_highest_isr(s);
	u32 isrv = isr == -1 ? 0 : isr;
	u32 ppr;

	if ((tpr & 0xf0) >= (isrv & 0xf0))
		ppr = tpr & 0xff;
	else
		ppr = isrv & 0xf0;
	lapic_set_reg(s, APIC_PROCPRI, ppr);
	*new_ppr = ppr;
	return ppr < old_ppr;
}

/** ...and kick the vCPU if a lower PPR lets an interrupt through.
 *  Linux: apic_update_ppr(). */
static void apic_update_ppr(struct kvm_lapic *s)
{
	u32 ppr;

	if (__apic_update_ppr(s, &ppr) && apic_has_interrupt_for_ppr(s, ppr) != -1)
		apic_kick(s);
}

/** Linux: apic_set_tpr(). */
static void apic_set_tpr(struct kvm_lapic *s, u32 tpr)
{
	lapic_set_reg(s, APIC_TASKPRI, tpr);
	apic_update_ppr(s);
}

/**
 * lapic_set_tpr - a MOV to CR8: TPR[7:4] = CR8[3:0], TPR[3:0] = 0
 * (SDM 11.8.6).
 * @s: the APIC
 * @cr8: the value written to CR8
 *
 * Linux: kvm_lapic_set_tpr().
 */
void lapic_set_tpr(struct kvm_lapic *s, u32 cr8)
{
	apic_set_tpr(s, (cr8 & 0x0f) << 4);
}

/** lapic_get_cr8 - CR8 as a MOV from CR8 reads it: TPR[7:4] (SDM 11.8.6).
 *  Linux: kvm_lapic_get_cr8(). */
u32 lapic_get_cr8(struct kvm_lapic *s)
{
	return (lapic_get_reg(s, APIC_TASKPRI) & 0xf0) >> 4;
}

/**
 * lapic_has_interrupt - the vector the CPU would take now, or -1: the
 * highest IRR bit whose class beats PPR (SDM 11.8.3.1).  A globally
 * disabled APIC offers nothing.  The CPU's own RFLAGS.IF and interrupt
 * shadow are the caller's business.
 * @s: the APIC
 *
 * Linux: kvm_apic_has_interrupt().
 */
int lapic_has_interrupt(struct kvm_lapic *s)
{
	u32 ppr;

	if (!lapic_hw_enabled(s))
		return -1;
	__apic_update_ppr(s, &ppr);
	return apic_has_interrupt_for_ppr(s, ppr);
}

/**
 * lapic_get_interrupt - the CPU acknowledges (INTA): the vector moves from
 * IRR to ISR and PPR rises to its class (SDM 11.8.4).
 * @s: the APIC
 *
 * Returns the vector to inject, or -1 if nothing is deliverable.
 * Linux: kvm_get_apic_interrupt(), kvm_apic_ack_interrupt().
 */
int lapic_get_interrupt(struct kvm_lapic *s)
{
	int vector = lapic_has_interrupt(s);
	u32 ppr;

	if (vector == -1)
		return -1;
	apic_clear_vector(s, APIC_IRR, vector);
	apic_set_vector(s, APIC_ISR, vector);
	__apic_update_ppr(s, &ppr);
	return vector;
}

/**
 * lapic_find_tpr_blocked - the IRR's highest vector if the task priority
 * alone holds it back: its class is above the in-service class (so no EOI
 * is needed for it) but not above TPR's (SDM 11.8.3.1).  Lowering TPR
 * below its class lets it in, so the glue must see the guest do that,
 * also where MOV to CR8 changes TPR without an exit (AMD APM 15.21.1).
 * @s: the APIC
 *
 * Returns the vector, or -1.  Linux: the max_irr and tpr that
 * update_cr8_intercept() hands the vendor, compared there.
 */
int lapic_find_tpr_blocked(const struct kvm_lapic *s)
{
	int isr = lapic_find_highest_isr(s);
	u32 tpr = lapic_get_reg(s, APIC_TASKPRI);
	int irr;

	/* What would be delivered if TPR were 0: PPR is then the ISR class. */
	irr = apic_has_interrupt_for_ppr(s, isr == -1 ? 0 : isr & 0xf0);
	if (irr == -1 || (u32)(irr & 0xf0) > (tpr & 0xf0))
		return -1;
	return irr;
}

/**
 * apic_set_eoi - a write to EOI: clear the highest ISR bit (SDM 11.8.5).
 *
 * The EOI goes on to the IOAPIC, with the vector's trigger mode (TMR):
 * a level entry clears its Remote IRR; edge or level, whoever waits for
 * the guest to acknowledge that input hears of it.  The value written is
 * ignored, as KVM does (the SDM asks for 0).  Linux: apic_set_eoi().
 */
static void apic_set_eoi(struct kvm_lapic *s)
{
	int vector = lapic_find_highest_isr(s);

	/* An EOI with nothing in service is harmless (Linux does it at boot). */
	if (vector == -1)
		return;
	apic_clear_vector(s, APIC_ISR, vector);
	apic_update_ppr(s);
	if (s->ops && s->ops->send_eoi)
		s->ops->send_eoi(s->opaque, vector, apic_test_vector(s, APIC_TMR, vector));
	/* A lower PPR may let a pending vector through. */
	apic_kick(s);
}

/* ------------------------------------------------------------------ */
/* Accepting messages (SDM 11.6.1, 11.8.1)                               */
/* ------------------------------------------------------------------ */

/**
 * lapic_accept_irq - this APIC accepts a message the glue has routed to it.
 * @s: the APIC
 * @irq: the message
 *
 * Fixed and lowest priority: into IRR, with TMR recording the trigger mode
 * for the EOI; dropped unless the APIC is hardware- and software-enabled
 * (SDM 11.4.7.2), and a level de-assert carries no interrupt.  NMI goes to
 * the glue; INIT (except a level de-assert, the old "INIT level de-assert"
 * IPI) and SIPI become pending events for lapic_test_and_clear_init() and
 * lapic_test_and_clear_sipi().  An INIT drops a SIPI that was still pending.
 * ExtINT is the PIC's, handled by the glue; SMI and remote read are not
 * supported.  Returns 1 if accepted, 0 if not.
 * Linux: __apic_accept_irq().
 */
int lapic_accept_irq(struct kvm_lapic *s, const struct lapic_irq *irq)
{
	int vector = irq->vector & 0xff;

	switch (irq->delivery_mode) {
	case APIC_DM_LOWEST:
	case APIC_DM_FIXED:
		if (irq->trig_mode && !irq->level)
			return 0;
		if (!lapic_enabled(s))
			return 0;
		if (irq->trig_mode)
			apic_set_vector(s, APIC_TMR, vector);
		else
			apic_clear_vector(s, APIC_TMR, vector);
		apic_set_vector(s, APIC_IRR, vector);
		apic_kick(s);
		return 1;
	case APIC_DM_NMI:
		if (s->ops && s->ops->nmi)
			s->ops->nmi(s->opaque);
		apic_kick(s);
		return 1;
	case APIC_DM_INIT:
		if (irq->trig_mode && !irq->level)
			return 0;
		s->pending_events = LAPIC_PENDING_INIT;
		apic_kick(s);
		return 1;
	case APIC_DM_STARTUP:
		s->sipi_vector = vector;
		s->pending_events |= LAPIC_PENDING_SIPI;
		apic_kick(s);
		return 1;
	default:
		return 0;
	}
}

/**
 * lapic_local_deliver - an LVT entry's interrupt source fires (timer,
 * LINT0/1, error...): send its vector and mode to this APIC, unless the
 * entry is masked or the APIC globally disabled (SDM 11.5.1).
 * @s: the APIC
 * @lvt_reg: APIC_LVTT ... APIC_LVTERR
 *
 * The timer's entry has no delivery-mode field: it is always fixed.
 * Returns what lapic_accept_irq() did, 0 if masked.
 * Linux: kvm_apic_local_deliver().
 */
int lapic_local_deliver(struct kvm_lapic *s, u32 lvt_reg)
{
	u32 lvt = lapic_get_reg(s, lvt_reg);
	struct lapic_irq irq = { 0 };

	if (!lapic_hw_enabled(s) || (lvt & APIC_LVT_MASKED))
		return 0;
	irq.vector = lvt & APIC_VECTOR_MASK;
	irq.delivery_mode = lvt_reg == APIC_LVTT ? APIC_DM_FIXED : lvt & APIC_MODE_MASK;
	irq.trig_mode = !!(lvt & APIC_LVT_LEVEL_TRIGGER);
	irq.level = 1;
	return lapic_accept_irq(s, &irq);
}

/**
 * lapic_accept_pic_intr - does the 8259's INTR reach this CPU?  Yes while
 * the APIC is globally disabled (the CPU's INTR pin is then wired straight
 * in, SDM 11.4.3), and in virtual-wire mode: LINT0 unmasked with delivery
 * mode ExtINT (SDM 11.5.1; MP Spec 3.6.2.2).
 * @s: the APIC
 *
 * Linux: kvm_apic_accept_pic_intr().
 */
bool lapic_accept_pic_intr(struct kvm_lapic *s)
{
	u32 lvt0 = lapic_get_reg(s, APIC_LVT0);

	if (!lapic_hw_enabled(s))
		return true;
	return !(lvt0 & APIC_LVT_MASKED) &&
	       GET_APIC_DELIVERY_MODE(lvt0) == APIC_MODE_EXTINT;
}

/* ------------------------------------------------------------------ */
/* Destinations (SDM 11.6.2)                                            */
/* ------------------------------------------------------------------ */

/** Is @mda the all-ones broadcast of this APIC's mode (SDM 11.6.2.1, 11.12.9)?
 *  Linux: kvm_apic_broadcast(). */
static bool apic_broadcast(struct kvm_lapic *s, u32 mda)
{
	return mda == (lapic_x2apic_mode(s) ? LAPIC_X2APIC_BROADCAST : LAPIC_BROADCAST);
}

/**
 * match_physical - physical mode (SDM 11.6.2.1): the destination is an
 * APIC ID, all ones is broadcast.  An x2APIC compares all 32 bits; an
 * xAPIC its 8-bit ID, except that a destination above 0xff can only mean
 * an x2APIC ID, which KVM then compares with the vCPU's.
 * Linux: kvm_apic_match_physical_addr().
 */
static bool match_physical(struct kvm_lapic *s, u32 mda)
{
	if (apic_broadcast(s, mda))
		return true;
	if (lapic_x2apic_mode(s) || mda > 0xff)
		return mda == s->vcpu_id;
	return mda == xapic_id(s);
}

/**
 * match_logical - logical mode (SDM 11.6.2.2): the destination is a
 * Message Destination Address compared with the LDR.  Flat model (DFR
 * 0xf...): any common bit of the 8-bit logical ID.  Cluster model (DFR
 * 0x0...): the same cluster (bits 7:4) and a common bit in 3:0.  x2APIC
 * (SDM 11.12.10): the same 16-bit cluster and a common bit in 15:0.
 * Linux: kvm_apic_match_logical_addr().
 */
static bool match_logical(struct kvm_lapic *s, u32 mda)
{
	/* EXERCISE 04.2 BEGIN: logical destinations: flat, cluster and x2APIC */
	u32 ldr = lapic_get_reg(s, APIC_LDR);
	u32 id;

	if (apic_broadcast(s, mda))
		return true;
	if (lapic_x2apic_mode(s))
		return (ldr >> 16) == (mda >> 16) && (ldr & mda & 0xffff);

	id = GET_APIC_LOGICAL_ID(ldr);
	switch (lapic_get_reg(s, APIC_DFR)) {
	case APIC_DFR_FLAT:
		return id & mda;
	case APIC_DFR_CLUSTER:
		return (id >> 4) == (mda >> 4) && (id & mda & 0xf);
	default:
		return false;
	}
	/* EXERCISE 04.2 STUB: (void)s; (void)mda; */
	/* EXERCISE 04.2 STUB: return false; */
	/* EXERCISE END */
}

/**
 * lapic_match_dest - is @target among the APICs a message names?
 * @target: the candidate
 * @src: the sending APIC for an IPI; NULL for the IOAPIC or an MSI
 * @shorthand: LAPIC_DEST_NOSHORT, APIC_DEST_SELF, APIC_DEST_ALLINC,
 *	APIC_DEST_ALLBUT (ICR bits 19:18 in place, SDM 11.6.1)
 * @dest_id: the destination field
 * @dest_mode: LAPIC_DEST_PHYSICAL_MODE or LAPIC_DEST_LOGICAL_MODE
 *
 * The caller skips globally disabled APICs.  KVM's one quirk is kept: a
 * message from the IOAPIC or an MSI (no @src) to 0xff is a broadcast for
 * an APIC in x2APIC mode too, as the IOAPIC cannot name anything wider.
 * Linux: kvm_apic_match_dest(), kvm_apic_mda().
 */
bool lapic_match_dest(struct kvm_lapic *target, struct kvm_lapic *src, u32 shorthand,
		      u32 dest_id, u32 dest_mode)
{
	u32 mda = dest_id;

	if (!src && dest_id == LAPIC_BROADCAST && lapic_x2apic_mode(target))
		mda = LAPIC_X2APIC_BROADCAST;

	switch (shorthand) {
	case LAPIC_DEST_NOSHORT:
		if (dest_mode == LAPIC_DEST_PHYSICAL_MODE)
			return match_physical(target, mda);
		return match_logical(target, mda);
	case APIC_DEST_SELF:
		return target == src;
	case APIC_DEST_ALLINC:
		return true;
	case APIC_DEST_ALLBUT:
		return target != src;
	default:
		return false;
	}
}

/**
 * lapic_icr_to_irq - decode an ICR value into a message (SDM 11.6.1,
 * Figure 11-12; x2APIC Figure 11-28).
 * @s: the sending APIC (its mode says how wide the destination is)
 * @icr_low: ICR bits 31:0
 * @icr_high: ICR bits 63:32: destination in 63:56 (xAPIC) or 63:32 (x2APIC)
 * @irq: filled in
 *
 * Linux: kvm_apic_send_ipi(), the decoding half.
 */
void lapic_icr_to_irq(struct kvm_lapic *s, u32 icr_low, u32 icr_high, struct lapic_irq *irq)
{
	/* EXERCISE 04.1 BEGIN: decode the ICR into an interrupt message */
	irq->vector = icr_low & APIC_VECTOR_MASK;
	irq->delivery_mode = icr_low & APIC_MODE_MASK;
	irq->dest_mode = (icr_low & LAPIC_DEST_MASK) ? LAPIC_DEST_LOGICAL_MODE
						     : LAPIC_DEST_PHYSICAL_MODE;
	irq->level = !!(icr_low & APIC_INT_ASSERT);
	irq->trig_mode = !!(icr_low & APIC_INT_LEVELTRIG);
	irq->shorthand = icr_low & LAPIC_SHORT_MASK;
	irq->dest_id = lapic_x2apic_mode(s) ? icr_high : GET_XAPIC_DEST_FIELD(icr_high);
	/* EXERCISE 04.1 STUB: (void)s; (void)icr_low; (void)icr_high; */
	/* EXERCISE 04.1 STUB: *irq = (struct lapic_irq){ 0 }; */
	/* EXERCISE END */
}

/** Send what the ICR says.  Linux: kvm_apic_send_ipi(). */
static void apic_send_ipi(struct kvm_lapic *s, u32 icr_low, u32 icr_high)
{
	struct lapic_irq irq;

	lapic_icr_to_irq(s, icr_low, icr_high, &irq);
	if (s->ops && s->ops->send_ipi)
		s->ops->send_ipi(s->opaque, s, &irq);
}

/* ------------------------------------------------------------------ */
/* Timer (SDM 11.5.4)                                                   */
/* ------------------------------------------------------------------ */

/** LVTT mode 00: one-shot.  Linux: apic_lvtt_oneshot(). */
static bool lvtt_oneshot(struct kvm_lapic *s)
{
	return s->lapic_timer.timer_mode == APIC_LVT_TIMER_ONESHOT;
}

/** LVTT mode 01: periodic.  Linux: apic_lvtt_period(). */
static bool lvtt_period(struct kvm_lapic *s)
{
	return s->lapic_timer.timer_mode == APIC_LVT_TIMER_PERIODIC;
}

/** LVTT mode 10: TSC-deadline.  Linux: apic_lvtt_tscdeadline(). */
static bool lvtt_tscdeadline(struct kvm_lapic *s)
{
	return s->lapic_timer.timer_mode == APIC_LVT_TIMER_TSCDEADLINE;
}

/** Ask the glue to (re)arm the host timer at @expire_ns. */
static void timer_arm(struct kvm_lapic *s, u64 expire_ns)
{
	if (s->ops && s->ops->timer_arm)
		s->ops->timer_arm(s->opaque, expire_ns);
}

/** Ask the glue to stop the host timer.  Linux: cancel_apic_timer(). */
static void cancel_apic_timer(struct kvm_lapic *s)
{
	if (s->ops && s->ops->timer_cancel)
		s->ops->timer_cancel(s->opaque);
}

/**
 * update_divide_count - TDCR bits 3,1:0 to a divisor (SDM Figure 11-10):
 * the three bits n give 2^(n+1), wrapping so that 0b111 means 1.
 * Linux: update_divide_count().
 */
static void update_divide_count(struct kvm_lapic *s)
{
	u32 tdcr = lapic_get_reg(s, APIC_TDCR);
	u32 n = (tdcr & 0x3) | ((tdcr & 0x8) >> 1);

	s->divide_count = 1u << ((n + 1) & 7);
}

/** Ticks of the divided clock to ns.  Linux: tmict_to_ns(). */
static u64 count_to_ns(struct kvm_lapic *s, u32 count)
{
	return (u64)count * APIC_BUS_CYCLE_NS * s->divide_count;
}

/**
 * limit_periodic_timer_frequency - a periodic timer fires at most every
 * 200 us, as KVM's min_timer_period_us: host timers are not throttled by
 * the scheduler, so a tiny period would be a denial of service.
 * Linux: limit_periodic_timer_frequency().
 */
static void limit_periodic_timer_frequency(struct kvm_lapic *s)
{
	if (lvtt_period(s) && s->lapic_timer.period &&
	    s->lapic_timer.period < LAPIC_MIN_TIMER_PERIOD_NS)
		s->lapic_timer.period = LAPIC_MIN_TIMER_PERIOD_NS;
}

/**
 * apic_update_lvtt - take the mode written to LVTT.  Switching between
 * TSC-deadline and the count-down modes stops the timer and clears the
 * initial count and the deadline (SDM 11.5.4.1); one-shot <-> periodic
 * keeps the count running.  Linux: apic_update_lvtt().
 */
static void apic_update_lvtt(struct kvm_lapic *s)
{
	u32 mode = lapic_get_reg(s, APIC_LVTT) & s->lapic_timer.timer_mode_mask;

	if (s->lapic_timer.timer_mode == mode)
		return;
	if (lvtt_tscdeadline(s) != (mode == APIC_LVT_TIMER_TSCDEADLINE)) {
		cancel_apic_timer(s);
		lapic_set_reg(s, APIC_TMICT, 0);
		s->lapic_timer.period = 0;
		s->lapic_timer.target_expiration = 0;
		s->lapic_timer.tscdeadline = 0;
	}
	s->lapic_timer.timer_mode = mode;
	limit_periodic_timer_frequency(s);
}

/**
 * apic_get_tmcct - the current count: the time left to the next expiry in
 * divided-clock ticks; 0 when the initial count is 0, after a one-shot
 * expired, and in TSC-deadline mode.  A periodic count wraps to the
 * (clamped) period.  Linux: apic_get_tmcct().
 */
static u32 apic_get_tmcct(struct kvm_lapic *s)
{
	u64 now, remaining;

	if (lvtt_tscdeadline(s) || !lapic_get_reg(s, APIC_TMICT) ||
	    !s->lapic_timer.period)
		return 0;
	now = apic_now(s);
	if (s->lapic_timer.target_expiration <= now)
		return 0;
	remaining = (s->lapic_timer.target_expiration - now) % s->lapic_timer.period;
	return remaining / (APIC_BUS_CYCLE_NS * s->divide_count);
}

/**
 * set_target_expiration - compute the period and the first expiry from the
 * initial count, or, on KVM_SET_LAPIC, from the saved current count
 * (@count_reg APIC_TMCCT).  Returns false if the count is 0: no timer.
 * Linux: set_target_expiration().
 */
static bool set_target_expiration(struct kvm_lapic *s, u32 count_reg)
{
	struct lapic_timer *t = &s->lapic_timer;
	u64 first;

	t->period = count_to_ns(s, lapic_get_reg(s, APIC_TMICT));
	if (!t->period) {
		t->target_expiration = 0;
		return false;
	}
	limit_periodic_timer_frequency(s);
	first = t->period;
	if (count_reg != APIC_TMICT) {
		first = count_to_ns(s, lapic_get_reg(s, count_reg));
		if (!first)
			first = lvtt_period(s) ? t->period : 0;
		else if (first > t->period)
			first = t->period;
	}
	t->target_expiration = apic_now(s) + first;
	return true;
}

/**
 * tsc_delta_to_ns - @cycles of a TSC running at @khz, in ns, without
 * overflowing: cycles * 10^6 / khz split into quotient and remainder.
 */
static u64 tsc_delta_to_ns(u64 cycles, u32 khz)
{
	u64 whole = cycles / khz, rest = cycles % khz;

	if (whole > ~0ull / 1000000)
		return ~0ull;
	return whole * 1000000 + rest * 1000000 / khz;
}

/** Linux: apic_timer_expired() + kvm_apic_inject_pending_timer_irqs(). */
static void apic_timer_fire(struct kvm_lapic *s)
{
	lapic_local_deliver(s, APIC_LVTT);
	if (lvtt_tscdeadline(s))
		s->lapic_timer.tscdeadline = 0;
	else if (lvtt_oneshot(s))
		s->lapic_timer.target_expiration = 0;
}

/**
 * start_sw_tscdeadline - arm for IA32_TSC_DEADLINE (SDM 11.5.4.1): the
 * deadline is in guest TSC cycles, the host timer in ns; a deadline
 * already passed fires at once.  Linux: start_sw_tscdeadline().
 */
static void start_sw_tscdeadline(struct kvm_lapic *s)
{
	u64 deadline = s->lapic_timer.tscdeadline, tsc, now, ns;

	if (!deadline || !s->tsc_khz)
		return;
	tsc = s->ops && s->ops->read_tsc ? s->ops->read_tsc(s->opaque) : 0;
	if (deadline <= tsc) {
		apic_timer_fire(s);
		return;
	}
	now = apic_now(s);
	ns = tsc_delta_to_ns(deadline - tsc, s->tsc_khz);
	timer_arm(s, ns > ~0ull - now ? ~0ull : now + ns);
}

/** Arm for target_expiration; a target already behind us fires now.
 *  Linux: start_sw_period(). */
static void start_sw_period(struct kvm_lapic *s)
{
	struct lapic_timer *t = &s->lapic_timer;

	if (!t->period)
		return;
	if (apic_now(s) > t->target_expiration) {
		apic_timer_fire(s);
		if (lvtt_oneshot(s))
			return;
		t->target_expiration += t->period;
	}
	timer_arm(s, t->target_expiration);
}

/** Linux: restart_apic_timer(), start_sw_timer(). */
static void restart_apic_timer(struct kvm_lapic *s)
{
	if (lvtt_period(s) || lvtt_oneshot(s))
		start_sw_period(s);
	else if (lvtt_tscdeadline(s))
		start_sw_tscdeadline(s);
}

/** Linux: __start_apic_timer(). */
static void start_apic_timer(struct kvm_lapic *s, u32 count_reg)
{
	if ((lvtt_period(s) || lvtt_oneshot(s)) && !set_target_expiration(s, count_reg))
		return;
	restart_apic_timer(s);
}

/**
 * apic_set_tdcr - a new divide value while counting: KVM scales the time
 * left by new/old divisor, so the count goes on from where it was at the
 * new rate.  Only a running timer is re-targeted here (KVM would also
 * re-fire a one-shot that has already expired).
 * Linux: the APIC_TDCR case of kvm_lapic_reg_write(), update_target_expiration().
 */
static void apic_set_tdcr(struct kvm_lapic *s, u32 val)
{
	struct lapic_timer *t = &s->lapic_timer;
	u32 old = s->divide_count;
	u64 now, left;

	lapic_set_reg(s, APIC_TDCR, val & 0xb);
	update_divide_count(s);
	if (s->divide_count == old || !t->period || !t->target_expiration ||
	    lvtt_tscdeadline(s))
		return;
	cancel_apic_timer(s);
	t->period = count_to_ns(s, lapic_get_reg(s, APIC_TMICT));
	limit_periodic_timer_frequency(s);
	now = apic_now(s);
	left = t->target_expiration > now ? t->target_expiration - now : 0;
	t->target_expiration = now + left * s->divide_count / old;
	restart_apic_timer(s);
}

/**
 * lapic_timer_expired - the glue's host timer fired.
 * @s: the APIC
 *
 * Delivers the LVTT vector (unless masked: the count still expires), then:
 * one-shot and TSC-deadline stop, periodic moves its target one period on
 * and re-arms (from the target, not from now, so the rate does not drift).
 * A stale call (the timer was re-programmed meanwhile, or is not running)
 * is ignored, re-arming a count-down timer that is not yet due.
 * Linux: apic_timer_fn(), apic_timer_expired(), kvm_inject_apic_timer_irqs().
 */
void lapic_timer_expired(struct kvm_lapic *s)
{
	struct lapic_timer *t = &s->lapic_timer;

	if (lvtt_tscdeadline(s)) {
		if (t->tscdeadline)
			apic_timer_fire(s);
		return;
	}
	if (!t->period || !t->target_expiration)
		return;
	if (apic_now(s) < t->target_expiration) {
		timer_arm(s, t->target_expiration);
		return;
	}
	apic_timer_fire(s);
	if (lvtt_period(s)) {
		t->target_expiration += t->period;
		timer_arm(s, t->target_expiration);
	}
}

/**
 * lapic_get_tscdeadline - IA32_TSC_DEADLINE as RDMSR reads it: the armed
 * deadline, 0 once it fired or outside TSC-deadline mode (SDM 11.5.4.1).
 * Linux: kvm_get_lapic_tscdeadline_msr().
 */
u64 lapic_get_tscdeadline(struct kvm_lapic *s)
{
	if (!lapic_hw_enabled(s) || !lvtt_tscdeadline(s))
		return 0;
	return s->lapic_timer.tscdeadline;
}

/**
 * lapic_set_tscdeadline - WRMSR IA32_TSC_DEADLINE: arm at guest TSC @tsc,
 * disarm with 0.  Ignored outside TSC-deadline mode (SDM 11.5.4.1).
 * Linux: kvm_set_lapic_tscdeadline_msr().
 */
void lapic_set_tscdeadline(struct kvm_lapic *s, u64 tsc)
{
	if (!lapic_hw_enabled(s) || !lvtt_tscdeadline(s))
		return;
	cancel_apic_timer(s);
	s->lapic_timer.tscdeadline = tsc;
	start_apic_timer(s, APIC_TMICT);
}

/* ------------------------------------------------------------------ */
/* Register reads and writes (SDM Table 11-1, 11.12.1.2)                */
/* ------------------------------------------------------------------ */

/** The bit of register @reg in a one-bit-per-register mask.  Linux: APIC_REG_MASK(). */
#define REG_BIT(reg)		(1ull << ((reg) >> 4))
/** The bits of @n consecutive registers from @first.  Linux: APIC_REGS_MASK(). */
#define REGS_BITS(first, n)	(REG_BIT(first) * ((1ull << (n)) - 1))

/**
 * readable_regs - one bit per 16-byte register that a read may return.
 * EOI and SELF IPI are write-only; ARBPRI, DFR and ICR2 do not exist in
 * x2APIC mode (SDM 11.12.1.2, Table 11-6).
 * Linux: kvm_lapic_readable_reg_mask().
 */
static u64 readable_regs(struct kvm_lapic *s)
{
	u64 mask = REG_BIT(APIC_ID) | REG_BIT(APIC_LVR) | REG_BIT(APIC_TASKPRI) |
		   REG_BIT(APIC_PROCPRI) | REG_BIT(APIC_LDR) | REG_BIT(APIC_SPIV) |
		   REGS_BITS(APIC_ISR, APIC_ISR_NR) | REGS_BITS(APIC_TMR, APIC_ISR_NR) |
		   REGS_BITS(APIC_IRR, APIC_ISR_NR) | REG_BIT(APIC_ESR) |
		   REG_BIT(APIC_ICR) | REG_BIT(APIC_LVTT) | REG_BIT(APIC_LVTTHMR) |
		   REG_BIT(APIC_LVTPC) | REG_BIT(APIC_LVT0) | REG_BIT(APIC_LVT1) |
		   REG_BIT(APIC_LVTERR) | REG_BIT(APIC_TMICT) | REG_BIT(APIC_TMCCT) |
		   REG_BIT(APIC_TDCR);

	if (!lapic_x2apic_mode(s))
		mask |= REG_BIT(APIC_ARBPRI) | REG_BIT(APIC_DFR) | REG_BIT(APIC_ICR2);
	return mask;
}

/** The value a read of register @reg returns.  Linux: __apic_read(). */
static u32 apic_read(struct kvm_lapic *s, u32 reg)
{
	switch (reg) {
	case APIC_ARBPRI:
		return 0;	/* APR is not modelled (P6-era register) */
	case APIC_TMCCT:
		return apic_get_tmcct(s);
	case APIC_PROCPRI:
		apic_update_ppr(s);
		return lapic_get_reg(s, reg);
	default:
		return lapic_get_reg(s, reg);
	}
}

/**
 * apic_reg_read - @len bytes at @offset, inside one 32-bit register.
 * Returns 1 for a read that straddles a register, of a reserved or
 * write-only register: the x2APIC MSR path turns that into #GP.
 * Linux: kvm_lapic_reg_read().
 */
static int apic_reg_read(struct kvm_lapic *s, u32 offset, int len, void *data)
{
	u32 align = offset & 0xf, val;

	if (len <= 0 || align + len > 4 || offset > 0x3f0 ||
	    !(readable_regs(s) & REG_BIT(offset)))
		return 1;
	val = apic_read(s, offset & ~0xfu);
	memcpy(data, (u8 *)&val + align, len);
	return 0;
}

/**
 * apic_write_lvt - the non-timer LVT entries: writable bits per entry
 * (SDM Figure 11-8); while software-disabled the mask bit sticks
 * (SDM 11.4.7.2).  Linux: the LVT cases of kvm_lapic_reg_write().
 */
static void apic_write_lvt(struct kvm_lapic *s, u32 reg, u32 val)
{
	u32 mask;

	switch (reg) {
	case APIC_LVT0:
	case APIC_LVT1:
		mask = LINT_MASK;
		break;
	case APIC_LVTTHMR:
	case APIC_LVTPC:
		mask = LVT_MASK | APIC_MODE_MASK;
		break;
	default:		/* APIC_LVTERR */
		mask = LVT_MASK;
		break;
	}
	if (reg == APIC_LVT0)
		s->lvt0_in_nmi_mode = (val & (APIC_MODE_MASK | APIC_LVT_MASKED)) == APIC_DM_NMI;
	if (!s->sw_enabled)
		val |= APIC_LVT_MASKED;
	lapic_set_reg(s, reg, val & mask);
}

/**
 * apic_write_spiv - SVR (SDM 11.9): vector, software enable (bit 8), focus
 * check (bit 9).  Clearing bit 8 masks every LVT entry (SDM 11.4.7.2);
 * setting it unmasks none.  Linux: the APIC_SPIV case of kvm_lapic_reg_write().
 */
static void apic_write_spiv(struct kvm_lapic *s, u32 val)
{
	u32 reg;

	apic_set_spiv(s, val & 0x3ff);
	if (val & APIC_SPIV_APIC_ENABLED)
		return;
	for (reg = APIC_LVTT; reg <= APIC_LVTERR; reg += 0x10)
		lapic_set_reg(s, reg, lapic_get_reg(s, reg) | APIC_LVT_MASKED);
	apic_update_lvtt(s);
}

/**
 * apic_reg_write - a 32-bit write to register @reg, in either mode.
 * Returns 1 where x2APIC raises #GP: read-only and reserved registers,
 * ID/LDR/DFR/ICR2 in x2APIC mode, a non-zero ESR write, SELF IPI outside
 * x2APIC mode or with bits above the vector (SDM 11.12.1.2); the xAPIC
 * page ignores such writes.  Linux: kvm_lapic_reg_write().
 */
static int apic_reg_write(struct kvm_lapic *s, u32 reg, u32 val)
{
	bool x2apic = lapic_x2apic_mode(s);

	switch (reg) {
	case APIC_ID:
		if (x2apic)
			return 1;
		set_xapic_id(s, val >> 24);
		return 0;
	case APIC_TASKPRI:
		apic_set_tpr(s, val & 0xff);
		return 0;
	case APIC_EOI:
		apic_set_eoi(s);
		return 0;
	case APIC_LDR:
		if (x2apic)
			return 1;
		lapic_set_reg(s, APIC_LDR, val & APIC_LDR_MASK);
		return 0;
	case APIC_DFR:
		if (x2apic)
			return 1;
		/* Only the model (bits 31:28) is writable; the rest reads 1s. */
		lapic_set_reg(s, APIC_DFR, val | 0x0fffffff);
		return 0;
	case APIC_SPIV:
		apic_write_spiv(s, val);
		return 0;
	case APIC_ICR:
		/* xAPIC only (x2APIC writes the 64-bit MSR).  No delay: never busy. */
		val &= ~APIC_ICR_BUSY;
		apic_send_ipi(s, val, lapic_get_reg(s, APIC_ICR2));
		lapic_set_reg(s, APIC_ICR, val);
		return 0;
	case APIC_ICR2:
		if (x2apic)
			return 1;
		lapic_set_reg(s, APIC_ICR2, val & 0xff000000);
		return 0;
	case APIC_LVT0:
	case APIC_LVTTHMR:
	case APIC_LVTPC:
	case APIC_LVT1:
	case APIC_LVTERR:
		apic_write_lvt(s, reg, val);
		return 0;
	case APIC_LVTT:
		if (!s->sw_enabled)
			val |= APIC_LVT_MASKED;
		lapic_set_reg(s, APIC_LVTT, val & (LVT_MASK | s->lapic_timer.timer_mode_mask));
		apic_update_lvtt(s);
		return 0;
	case APIC_TMICT:
		/* TSC-deadline mode ignores the initial count (SDM 11.5.4.1). */
		if (lvtt_tscdeadline(s))
			return 0;
		cancel_apic_timer(s);
		lapic_set_reg(s, APIC_TMICT, val);
		start_apic_timer(s, APIC_TMICT);
		return 0;
	case APIC_TDCR:
		apic_set_tdcr(s, val);
		return 0;
	case APIC_ESR:
		/* Errors are never recorded, so the write-to-latch has no effect. */
		return x2apic && val;
	case APIC_SELF_IPI:
		if (!x2apic || (val & ~APIC_VECTOR_MASK))
			return 1;
		apic_send_ipi(s, APIC_DEST_SELF | val, 0);
		return 0;
	default:
		return 1;
	}
}

/**
 * lapic_mmio_in_range - is @gpa inside this APIC's 4 KiB page (SDM 11.4.1)?
 * @s: the APIC
 * @gpa: guest-physical address
 *
 * The page is claimed in every mode: while the APIC is disabled or in
 * x2APIC mode, KVM (with its default LAPIC_MMIO_HOLE quirk) still answers
 * there, reads as all ones and ignores writes; see lapic_mmio_read().
 * Linux: apic_mmio_in_range().
 */
bool lapic_mmio_in_range(struct kvm_lapic *s, u64 gpa)
{
	return gpa >= s->base_address && gpa < s->base_address + LAPIC_MMIO_LENGTH;
}

/**
 * lapic_mmio_read - a guest load from the xAPIC page.
 * @s: the APIC
 * @offset: byte offset in the page (gpa - base)
 * @len: access width in bytes
 * @val: where the @len bytes go (little endian)
 *
 * Registers are read 32 bits at a time on 16-byte boundaries (SDM 11.4.1);
 * as KVM does, 1- and 2-byte reads inside one register also work.  Reads
 * of reserved or write-only registers, straddling reads and other widths
 * return zeros (KVM leaves the buffer untouched).  A disabled or x2APIC-
 * mode APIC reads all ones.  Returns 0, or -EOPNOTSUPP outside the page.
 * Linux: apic_mmio_read().
 */
int lapic_mmio_read(struct kvm_lapic *s, u32 offset, int len, void *val)
{
	if (offset >= LAPIC_MMIO_LENGTH)
		return -EOPNOTSUPP;
	if (len <= 0)
		return 0;
	if (!lapic_hw_enabled(s) || lapic_x2apic_mode(s)) {
		memset(val, 0xff, len);
		return 0;
	}
	if (apic_reg_read(s, offset, len, val))
		memset(val, 0, len);
	return 0;
}

/**
 * lapic_mmio_write - a guest store to the xAPIC page.
 * @s: the APIC
 * @offset: byte offset in the page
 * @len: access width in bytes
 * @val: the @len bytes stored
 *
 * Only aligned 32-bit stores reach a register (SDM 11.4.1); others are
 * dropped, as are all stores while disabled or in x2APIC mode.
 * Returns 0, or -EOPNOTSUPP outside the page.  Linux: apic_mmio_write().
 */
int lapic_mmio_write(struct kvm_lapic *s, u32 offset, int len, const void *val)
{
	u32 data;

	if (offset >= LAPIC_MMIO_LENGTH)
		return -EOPNOTSUPP;
	if (!lapic_hw_enabled(s) || lapic_x2apic_mode(s))
		return 0;
	if (len != 4 || (offset & 0xf))
		return 0;
	memcpy(&data, val, 4);
	apic_reg_write(s, offset & 0xff0, data);
	return 0;
}

/**
 * lapic_x2apic_msr_read - RDMSR of 0x800-0x8ff in x2APIC mode.
 * @s: the APIC
 * @msr: the MSR number
 * @data: the value read
 *
 * Register n is MSR 0x800 + n/16; the ICR is the single 64-bit MSR 0x830
 * (SDM 11.12.1.2, 11.12.9).  Returns 1 (#GP) outside x2APIC mode and for
 * reserved or write-only registers (EOI, SELF IPI).
 * Linux: kvm_x2apic_msr_read().
 */
int lapic_x2apic_msr_read(struct kvm_lapic *s, u32 msr, u64 *data)
{
	u32 reg = (msr - APIC_BASE_MSR) << 4, low;

	if (!lapic_x2apic_mode(s) || msr < LAPIC_X2APIC_MSR_FIRST ||
	    msr > LAPIC_X2APIC_MSR_LAST)
		return 1;
	if (reg == APIC_ICR) {
		*data = apic_get_icr64(s);
		return 0;
	}
	if (apic_reg_read(s, reg, 4, &low))
		return 1;
	*data = low;
	return 0;
}

/**
 * lapic_x2apic_msr_write - WRMSR of 0x800-0x8ff in x2APIC mode.
 * @s: the APIC
 * @msr: the MSR number
 * @data: the value written
 *
 * The ICR takes all 64 bits at once and sends (SDM 11.12.9); its reserved
 * bits must be 0.  Every other register has bits 63:32 reserved.  Returns
 * 1 (#GP) for those, outside x2APIC mode, and where apic_reg_write() says so.
 * Linux: kvm_x2apic_msr_write(), kvm_x2apic_icr_write().
 */
int lapic_x2apic_msr_write(struct kvm_lapic *s, u32 msr, u64 data)
{
	u32 reg = (msr - APIC_BASE_MSR) << 4;

	if (!lapic_x2apic_mode(s) || msr < LAPIC_X2APIC_MSR_FIRST ||
	    msr > LAPIC_X2APIC_MSR_LAST)
		return 1;
	if (reg == APIC_ICR) {
		if (data & X2APIC_ICR_RESERVED)
			return 1;
		data &= ~(u64)APIC_ICR_BUSY;
		apic_send_ipi(s, (u32)data, (u32)(data >> 32));
		apic_set_icr64(s, data);
		return 0;
	}
	if (data >> 32)
		return 1;
	return apic_reg_write(s, reg, (u32)data);
}

/* ------------------------------------------------------------------ */
/* IA32_APIC_BASE (SDM 11.4.4, 11.12.5)                                 */
/* ------------------------------------------------------------------ */

/** The APIC's mode as IA32_APIC_BASE bits 11:10 give it (SDM 11.12.5,
 *  Table 11-5).  Linux: enum lapic_mode. */
enum lapic_mode {
	LAPIC_MODE_DISABLED = 0,			/**< EN=0 EXTD=0 */
	LAPIC_MODE_INVALID = X2APIC_ENABLE,		/**< EN=0 EXTD=1 */
	LAPIC_MODE_XAPIC = MSR_IA32_APICBASE_ENABLE,	/**< EN=1 EXTD=0 */
	LAPIC_MODE_X2APIC = MSR_IA32_APICBASE_ENABLE | X2APIC_ENABLE, /**< EN=1 EXTD=1 */
};

/** Linux: kvm_apic_mode(). */
static enum lapic_mode apic_mode(u64 base)
{
	return base & (MSR_IA32_APICBASE_ENABLE | X2APIC_ENABLE);
}

/**
 * __lapic_set_base - take a valid IA32_APIC_BASE value.  Enabling sets the
 * xAPIC ID back to the vCPU's; entering x2APIC mode loads the x2APIC ID
 * and derived LDR (SDM 11.12.5.1).  Linux: __kvm_apic_set_base().
 */
static void __lapic_set_base(struct kvm_lapic *s, u64 value)
{
	u64 old = s->apic_base;

	s->apic_base = value;
	if (((old ^ value) & MSR_IA32_APICBASE_ENABLE) && (value & MSR_IA32_APICBASE_ENABLE))
		set_xapic_id(s, s->vcpu_id);
	if ((old ^ value) & X2APIC_ENABLE) {
		if (value & X2APIC_ENABLE)
			set_x2apic_id(s);
		else if (value & MSR_IA32_APICBASE_ENABLE)
			set_xapic_id(s, s->vcpu_id);
	}
	s->base_address = value & ~APIC_BASE_FLAGS;
}

/**
 * lapic_base_valid - may IA32_APIC_BASE go from @old to @value?  The
 * architectural rules, in one place for the in-kernel APIC
 * (lapic_set_base()) and for a VMM that models the APIC itself (x86.c).
 * @old: the value now
 * @value: the value written
 * @x2apic: the guest's CPUID has x2APIC (leaf 1 ECX bit 21)
 * @maxphyaddr: the guest's MAXPHYADDR (leaf 0x80000008 EAX 7:0)
 * @host_initiated: the VMM restores state (KVM_SET_MSRS, KVM_SET_SREGS):
 *	it may make any transition between valid modes
 *
 * Invalid: reserved bits set (7:0, 9, EXTD without x2APIC, bits
 * MAXPHYADDR and up; SDM 11.4.4, 11.12.1), EN=0 EXTD=1 (SDM Table 11-5),
 * and, for the guest, the transitions the SDM forbids (11.12.5, Figure
 * 11-27): x2APIC to xAPIC, disabled to x2APIC.  An unchanged value is
 * checked like any other, as Linux 6.1 (the lab's oracle) does; newer
 * kernels accept it before looking.
 * Linux: the checks of kvm_apic_set_base() (kvm_set_apic_base() before 6.13).
 */
bool lapic_base_valid(u64 old, u64 value, bool x2apic, u8 maxphyaddr, bool host_initiated)
{
	enum lapic_mode old_mode = apic_mode(old);
	enum lapic_mode new_mode = apic_mode(value);
	u64 reserved = 0x2ff;

	if (maxphyaddr < 64)
		reserved |= ~0ull << maxphyaddr;
	if (!x2apic)
		reserved |= X2APIC_ENABLE;
	if ((value & reserved) || new_mode == LAPIC_MODE_INVALID)
		return false;
	if (host_initiated)
		return true;
	if (old_mode == LAPIC_MODE_X2APIC && new_mode == LAPIC_MODE_XAPIC)
		return false;
	return !(old_mode == LAPIC_MODE_DISABLED && new_mode == LAPIC_MODE_X2APIC);
}

/**
 * lapic_set_base - WRMSR IA32_APIC_BASE (or KVM_SET_SREGS / KVM_SET_MSRS
 * with @host_initiated).
 * @s: the APIC
 * @value: the new value
 * @host_initiated: from userspace: the transition checks are skipped
 *
 * Takes @value if lapic_base_valid() says so, judged by the guest's CPUID
 * as lapic_update_cpuid() last gave it.  Returns 0, or 1 (#GP).
 * Linux: kvm_apic_set_base() (kvm_set_apic_base() before 6.13).
 */
int lapic_set_base(struct kvm_lapic *s, u64 value, bool host_initiated)
{
	if (!lapic_base_valid(s->apic_base, value, s->x2apic_allowed, s->maxphyaddr,
			      host_initiated))
		return 1;
	__lapic_set_base(s, value);
	return 0;
}

/** lapic_get_base - RDMSR IA32_APIC_BASE. */
u64 lapic_get_base(struct kvm_lapic *s)
{
	return s->apic_base;
}

/**
 * lapic_update_cpuid - what the guest's CPUID says about the APIC, after
 * KVM_SET_CPUID2: x2APIC (leaf 1 ECX bit 21) makes IA32_APIC_BASE.EXTD
 * writable, TSC-deadline (leaf 1 ECX bit 24) makes LVTT mode 2 writable,
 * MAXPHYADDR (leaf 0x80000008 EAX 7:0) bounds the base.
 * Linux: the APIC part of kvm_vcpu_after_set_cpuid().
 */
void lapic_update_cpuid(struct kvm_lapic *s, bool x2apic, bool tsc_deadline, u8 maxphyaddr)
{
	s->x2apic_allowed = x2apic;
	s->lapic_timer.timer_mode_mask = tsc_deadline ? 3u << 17 : 1u << 17;
	s->maxphyaddr = maxphyaddr;
}

/* ------------------------------------------------------------------ */
/* Reset, INIT, state                                                   */
/* ------------------------------------------------------------------ */

/**
 * lapic_reset - the APIC after RESET (@init_event false) or INIT.
 * @s: the APIC
 * @init_event: INIT keeps IA32_APIC_BASE and the APIC ID (SDM 11.4.7.3)
 *
 * SDM 11.4.7.1: IRR, ISR, TMR, ICR, LDR, TPR, timer counts and divide
 * zero; DFR all ones; every LVT masked; SVR 0xff (software-disabled).
 * RESET also sets IA32_APIC_BASE to 0xfee00000 enabled, BSP for the boot
 * vCPU, and the ID to the vCPU's.  As KVM (its LINT0_REENABLED quirk), the
 * BSP's LINT0 comes up unmasked in ExtINT mode, the virtual wire BIOSes
 * set up, so the 8259 reaches the boot CPU from the start.
 * Linux: kvm_lapic_reset().
 */
void lapic_reset(struct kvm_lapic *s, bool init_event)
{
	u32 reg;
	int i;

	if (!init_event) {
		__lapic_set_base(s, APIC_DEFAULT_PHYS_BASE | MSR_IA32_APICBASE_ENABLE |
				 (s->is_bsp ? MSR_IA32_APICBASE_BSP : 0));
		s->pending_events = 0;
		s->sipi_vector = 0;
	}
	cancel_apic_timer(s);
	if (!init_event)
		set_xapic_id(s, s->vcpu_id);
	lapic_set_reg(s, APIC_LVR, LAPIC_LVR_VALUE);
	for (reg = APIC_LVTT; reg <= APIC_LVTERR; reg += 0x10)
		lapic_set_reg(s, reg, APIC_LVT_MASKED);
	apic_update_lvtt(s);
	if (s->is_bsp)
		lapic_set_reg(s, APIC_LVT0, SET_APIC_DELIVERY_MODE(0, APIC_MODE_EXTINT));
	s->lvt0_in_nmi_mode = false;

	lapic_set_reg(s, APIC_DFR, 0xffffffffu);
	apic_set_spiv(s, 0xff);
	lapic_set_reg(s, APIC_TASKPRI, 0);
	if (!lapic_x2apic_mode(s))
		lapic_set_reg(s, APIC_LDR, 0);
	lapic_set_reg(s, APIC_ESR, 0);
	if (!lapic_x2apic_mode(s)) {
		lapic_set_reg(s, APIC_ICR, 0);
		lapic_set_reg(s, APIC_ICR2, 0);
	} else {
		apic_set_icr64(s, 0);
	}
	lapic_set_reg(s, APIC_TDCR, 0);
	lapic_set_reg(s, APIC_TMICT, 0);
	for (i = 0; i < 8; i++) {
		lapic_set_reg(s, APIC_IRR + 0x10 * i, 0);
		lapic_set_reg(s, APIC_ISR + 0x10 * i, 0);
		lapic_set_reg(s, APIC_TMR + 0x10 * i, 0);
	}
	update_divide_count(s);
	s->lapic_timer.period = 0;
	s->lapic_timer.target_expiration = 0;
	s->lapic_timer.tscdeadline = 0;
	apic_update_ppr(s);
}

/**
 * lapic_init - set up @s as a freshly created vCPU's APIC, in its RESET
 * state.
 * @s: the APIC
 * @ops: the glue's callbacks (may be NULL)
 * @opaque: handed to every callback
 * @apic_id: the vCPU's APIC ID (KVM: its vcpu_id); 0 is the BSP
 * @tsc_khz: the guest TSC rate, for TSC-deadline mode (0: unknown)
 *
 * Until lapic_update_cpuid(), x2APIC is not allowed (KVM: a guest without
 * CPUID has no X86_FEATURE_X2APIC), TSC-deadline is (if @tsc_khz), and
 * MAXPHYADDR is 36, KVM's default without CPUID leaf 0x80000008.
 * The RESET inside calls @ops->timer_cancel: set the host timer up first.
 * Linux: kvm_create_lapic(), less the allocation and the hrtimer.
 */
void lapic_init(struct kvm_lapic *s, const struct lapic_ops *ops, void *opaque,
		u32 apic_id, u32 tsc_khz)
{
	memset(s, 0, sizeof(*s));
	s->ops = ops;
	s->opaque = opaque;
	s->vcpu_id = apic_id;
	s->is_bsp = apic_id == 0;
	s->tsc_khz = tsc_khz;
	lapic_update_cpuid(s, false, tsc_khz != 0, 36);
	/* As KVM: enabled before the RESET value is stored, so RESET sets the ID. */
	s->apic_base = MSR_IA32_APICBASE_ENABLE;
	lapic_reset(s, false);
}

/**
 * lapic_test_and_clear_init - an INIT arrived since the last call?  The
 * glue then resets the vCPU (lapic_reset(s, true) among it) and puts it in
 * wait-for-SIPI (KVM_MP_STATE_INIT_RECEIVED).
 * Linux: the KVM_APIC_INIT half of kvm_apic_accept_events().
 */
bool lapic_test_and_clear_init(struct kvm_lapic *s)
{
	bool init = s->pending_events & LAPIC_PENDING_INIT;

	s->pending_events &= ~LAPIC_PENDING_INIT;
	return init;
}

/**
 * lapic_test_and_clear_sipi - a SIPI arrived since the last call?  Gives
 * its vector in @vector.  The glue starts the vCPU at @vector << 12
 * (CS = @vector << 8, IP = 0; SDM "Multiple-Processor (MP) Initialization")
 * only if it was waiting for SIPI, and drops the SIPI otherwise (SDM
 * 11.6.1: a SIPI outside wait-for-SIPI is ignored).  Linux: the KVM_APIC_SIPI half of kvm_apic_accept_events().
 */
bool lapic_test_and_clear_sipi(struct kvm_lapic *s, u8 *vector)
{
	bool sipi = s->pending_events & LAPIC_PENDING_SIPI;

	s->pending_events &= ~LAPIC_PENDING_SIPI;
	if (sipi && vector)
		*vector = s->sipi_vector;
	return sipi;
}

/**
 * lapic_get_state - KVM_GET_LAPIC.
 * @s: the APIC
 * @state: filled with the register page
 *
 * TMCCT holds the live current count.  In x2APIC mode, KVM's layout (for
 * userspace without KVM_CAP_X2APIC_API) puts the ID in bits 31:24 as for
 * an xAPIC and the ICR's high half in ICR2.
 * Linux: kvm_apic_get_state(), kvm_apic_state_fixup().
 */
void lapic_get_state(struct kvm_lapic *s, struct kvm_lapic_state *state)
{
	u32 v;

	memcpy(state->regs, s->regs, sizeof(state->regs));
	v = apic_read(s, APIC_TMCCT);
	memcpy(state->regs + APIC_TMCCT, &v, 4);
	if (lapic_x2apic_mode(s)) {
		v = s->vcpu_id << 24;
		memcpy(state->regs + APIC_ID, &v, 4);
		v = apic_get_icr64(s) >> 32;
		memcpy(state->regs + APIC_ICR2, &v, 4);
	}
}

/**
 * lapic_set_state - KVM_SET_LAPIC.
 * @s: the APIC
 * @state: a register page as lapic_get_state() gives it
 *
 * Takes the registers as they are, except the version (always KVM's) and,
 * in x2APIC mode, the ID and LDR (fixed by the vCPU's x2APIC ID) and the
 * ICR (ICR + ICR2 joined).  Then PPR is recomputed and the timer restarted
 * from the saved current count.  IA32_APIC_BASE is not in the page: set it
 * first (KVM_SET_SREGS / KVM_SET_MSRS).  Returns 0.
 * Linux: kvm_apic_set_state().
 */
int lapic_set_state(struct kvm_lapic *s, const struct kvm_lapic_state *state)
{
	u32 spiv, icr, icr2;

	memcpy(&spiv, state->regs + APIC_SPIV, 4);
	apic_set_spiv(s, spiv);
	memcpy(s->regs, state->regs, sizeof(s->regs));
	if (lapic_x2apic_mode(s)) {
		icr = lapic_get_reg(s, APIC_ICR);
		icr2 = lapic_get_reg(s, APIC_ICR2);
		set_x2apic_id(s);
		apic_set_icr64(s, icr | (u64)icr2 << 32);
	}
	lapic_set_reg(s, APIC_LVR, LAPIC_LVR_VALUE);
	apic_update_ppr(s);
	cancel_apic_timer(s);
	apic_update_lvtt(s);
	s->lvt0_in_nmi_mode =
		(lapic_get_reg(s, APIC_LVT0) & (APIC_MODE_MASK | APIC_LVT_MASKED)) == APIC_DM_NMI;
	update_divide_count(s);
	start_apic_timer(s, APIC_TMCCT);
	lapic_set_reg(s, APIC_TMCCT, 0);
	apic_kick(s);
	return 0;
}
