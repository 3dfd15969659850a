/* SPDX-License-Identifier: GPL-2.0 */
/**
 * @file lapic.h
 * @brief The local APIC of one vCPU as a plain-C device model (no locking,
 * no allocation, no timers of its own, no kernel-only APIs):
 * final/arch/x86/kvm/lapic.c.
 *
 * The caller owns the lock: every function here expects the caller to hold
 * whatever lock protects the struct kvm_lapic.  What the model cannot do
 * itself (reach other vCPUs, kick this one, read the clock, run a host
 * timer, tell the IOAPIC of an EOI) it asks of the glue through struct
 * lapic_ops, from inside the call, under that same lock.
 *
 * How the glue uses it (Linux's split between lapic.c and x86.c/irq.c):
 * - vCPU creation: lapic_init(); KVM_SET_CPUID2: lapic_update_cpuid();
 *   vCPU RESET: lapic_reset(s, false); an accepted INIT: lapic_reset(s, true).
 * - MMIO exits inside lapic_mmio_in_range(): lapic_mmio_read/write() with
 *   offset = gpa - s->base_address; RDMSR/WRMSR 0x800-0x8ff:
 *   lapic_x2apic_msr_read/write() (1: inject #GP); IA32_APIC_BASE:
 *   lapic_get_base()/lapic_set_base(); IA32_TSC_DEADLINE:
 *   lapic_get/set_tscdeadline(); CR8: lapic_set_tpr()/lapic_get_cr8().
 * - Messages (IOAPIC, MSI, ops->send_ipi): for each vCPU with
 *   lapic_hw_enabled() and lapic_match_dest(): lapic_accept_irq()
 *   (lowest priority: to one of them only, which the glue picks).
 * - Before entry: the PIC if lapic_accept_pic_intr(), else
 *   lapic_has_interrupt() / lapic_get_interrupt() for the vector to inject;
 *   lapic_find_tpr_blocked() says whether the vendor must see CR8 writes;
 *   lapic_test_and_clear_init()/_sipi() drive the MP state.
 *
 * Intel SDM Vol. 3A (order number 253668), chapter 11 "Advanced
 * Programmable Interrupt Controller (APIC)"; chapter 10 in editions before
 * 2023.  Linux: arch/x86/kvm/lapic.h.
 */
#ifndef MINIKVM_LAPIC_H
#define MINIKVM_LAPIC_H

#include <minikvm/portable.h>
#include <linux/kvm.h>		/* struct kvm_lapic_state, KVM_APIC_REG_SIZE */

#ifdef __KERNEL__
#include <asm/apicdef.h>
#include <asm/msr-index.h>
#else
/*
 * The kernel build takes these from <asm/apicdef.h> and <asm/msr-index.h>;
 * the host's unit tests get the same names with the same values here.
 * Register offsets in the 4 KiB xAPIC page (SDM Table 11-1); in x2APIC
 * mode register @c off is MSR 0x800 + off / 16 (SDM Table 11-6).
 */
#define APIC_DEFAULT_PHYS_BASE	0xfee00000
#define APIC_ID		0x20		/* ID, bits 31:24 (xAPIC) */
#define APIC_LVR	0x30		/* version, read-only */
#define		APIC_LVR_DIRECTED_EOI	(1 << 24)
#define APIC_TASKPRI	0x80		/* TPR */
#define APIC_ARBPRI	0x90		/* APR (xAPIC only) */
#define APIC_PROCPRI	0xA0		/* PPR, read-only */
#define APIC_EOI	0xB0		/* write-only */
#define APIC_LDR	0xD0		/* logical destination */
#define		APIC_LDR_MASK		(0xFFu << 24)
#define		GET_APIC_LOGICAL_ID(x)	(((x) >> 24) & 0xFFu)
#define APIC_DFR	0xE0		/* destination format (xAPIC only) */
#define		APIC_DFR_CLUSTER	0x0FFFFFFFul
#define		APIC_DFR_FLAT		0xFFFFFFFFul
#define APIC_SPIV	0xF0		/* spurious-interrupt vector */
#define		APIC_SPIV_DIRECTED_EOI		(1 << 12)
#define		APIC_SPIV_FOCUS_DISABLED	(1 << 9)
#define		APIC_SPIV_APIC_ENABLED		(1 << 8)
#define APIC_ISR	0x100		/* in-service, 8 x 32 bits */
#define APIC_ISR_NR	0x8
#define APIC_TMR	0x180		/* trigger mode, 8 x 32 bits */
#define APIC_IRR	0x200		/* interrupt request, 8 x 32 bits */
#define APIC_ESR	0x280		/* error status */
#define APIC_LVTCMCI	0x2f0
#define APIC_ICR	0x300		/* interrupt command, low half */
#define		APIC_DEST_SELF		0x40000
#define		APIC_DEST_ALLINC	0x80000
#define		APIC_DEST_ALLBUT	0xC0000
#define		APIC_INT_LEVELTRIG	0x08000
#define		APIC_INT_ASSERT		0x04000
#define		APIC_ICR_BUSY		0x01000
#define		APIC_DEST_LOGICAL	0x00800
#define		APIC_DEST_PHYSICAL	0x00000
#define		APIC_DM_FIXED		0x00000
#define		APIC_DM_LOWEST		0x00100
#define		APIC_DM_SMI		0x00200
#define		APIC_DM_REMRD		0x00300
#define		APIC_DM_NMI		0x00400
#define		APIC_DM_INIT		0x00500
#define		APIC_DM_STARTUP		0x00600
#define		APIC_DM_EXTINT		0x00700
#define		APIC_VECTOR_MASK	0x000FF
#define APIC_ICR2	0x310		/* interrupt command, high half (xAPIC) */
#define		GET_XAPIC_DEST_FIELD(x)	(((x) >> 24) & 0xFF)
#define		SET_XAPIC_DEST_FIELD(x)	((x) << 24)
#define APIC_LVTT	0x320		/* LVT timer */
#define APIC_LVTTHMR	0x330		/* LVT thermal sensor */
#define APIC_LVTPC	0x340		/* LVT performance counter */
#define APIC_LVT0	0x350		/* LVT LINT0 */
#define		APIC_LVT_TIMER_ONESHOT		(0 << 17)
#define		APIC_LVT_TIMER_PERIODIC		(1 << 17)
#define		APIC_LVT_TIMER_TSCDEADLINE	(2 << 17)
#define		APIC_LVT_MASKED			(1 << 16)
#define		APIC_LVT_LEVEL_TRIGGER		(1 << 15)
#define		APIC_LVT_REMOTE_IRR		(1 << 14)
#define		APIC_INPUT_POLARITY		(1 << 13)
#define		APIC_SEND_PENDING		(1 << 12)
#define		APIC_MODE_MASK			0x700
#define		GET_APIC_DELIVERY_MODE(x)	(((x) >> 8) & 0x7)
#define		SET_APIC_DELIVERY_MODE(x, y)	(((x) & ~0x700) | ((y) << 8))
#define			APIC_MODE_FIXED		0x0
#define			APIC_MODE_NMI		0x4
#define			APIC_MODE_EXTINT	0x7
#define APIC_LVT1	0x360		/* LVT LINT1 */
#define APIC_LVTERR	0x370		/* LVT error */
#define APIC_TMICT	0x380		/* timer initial count */
#define APIC_TMCCT	0x390		/* timer current count, read-only */
#define APIC_TDCR	0x3E0		/* timer divide configuration */
#define APIC_SELF_IPI	0x3F0		/* x2APIC only, write-only */
#define		APIC_TDR_DIV_1		0xB
#define		APIC_TDR_DIV_2		0x0
#define		APIC_TDR_DIV_4		0x1
#define		APIC_TDR_DIV_8		0x2
#define		APIC_TDR_DIV_16		0x3
#define		APIC_TDR_DIV_32		0x8
#define		APIC_TDR_DIV_64		0x9
#define		APIC_TDR_DIV_128	0xA
#define APIC_BASE_MSR	0x800
#define X2APIC_ENABLE	(1UL << 10)

/* IA32_APIC_BASE (SDM 11.4.4, Figure 11-5). */
#define MSR_IA32_APICBASE		0x0000001b
#define MSR_IA32_APICBASE_BSP		(1<<8)
#define MSR_IA32_APICBASE_ENABLE	(1<<11)
#define MSR_IA32_APICBASE_BASE		(0xfffff<<12)
#endif /* !__KERNEL__ */

/** Names apicdef.h does not have (Linux keeps them in arch/x86/kvm/lapic.h). @{ */
#define LAPIC_MMIO_LENGTH	0x1000	/**< the xAPIC page (SDM 11.4.1) */
#define LAPIC_DEST_NOSHORT	0x00000	/**< ICR bits 19:18 = 00: use the destination field */
#define LAPIC_SHORT_MASK	0xC0000	/**< ICR bits 19:18, destination shorthand */
#define LAPIC_DEST_MASK		0x00800	/**< ICR bit 11, destination mode */
#define LAPIC_BROADCAST		0xff	/**< xAPIC physical broadcast (SDM 11.6.2.1) */
#define LAPIC_X2APIC_BROADCAST	0xffffffffu /**< x2APIC broadcast (SDM 11.12.9) */
#define LAPIC_X2APIC_MSR_FIRST	0x800	/**< x2APIC register MSRs 0x800-0x8ff (SDM 11.12.1.2) */
#define LAPIC_X2APIC_MSR_LAST	0x8ff
#define LAPIC_NR_LVT		6	/**< LVTT..LVTERR; no CMCI (KVM without MCG_CMCI_P) */
/** The version register KVM reports: version 0x14 (an integrated xAPIC,
 *  SDM 11.4.8), max LVT entry 5 in bits 23:16, no directed EOI (the
 *  in-kernel IOAPIC has no EOI register). */
#define LAPIC_LVR_VALUE		(0x14 | ((LAPIC_NR_LVT - 1) << 16))
/** Shortest periodic timer period KVM lets a guest program: its
 *  min_timer_period_us module parameter, 200 us by default. */
#define LAPIC_MIN_TIMER_PERIOD_NS	200000ull
/** @} */

/** Destination modes of struct lapic_irq (ICR bit 11, SDM 11.6.2). @{ */
#define LAPIC_DEST_PHYSICAL_MODE 0
#define LAPIC_DEST_LOGICAL_MODE	1
/** @} */

/** Bits of kvm_lapic.pending_events.  Linux: KVM_APIC_INIT, KVM_APIC_SIPI. @{ */
#define LAPIC_PENDING_INIT	(1u << 0)
#define LAPIC_PENDING_SIPI	(1u << 1)
/** @} */

struct kvm_lapic;

/**
 * One interrupt message (an IPI from the ICR, an IOAPIC redirection, an
 * MSI, an LVT entry firing).  Linux: struct kvm_lapic_irq.
 */
struct lapic_irq {
	u32 vector;		/**< IDT vector, 0-255 (SIPI: the start page) */
	u32 delivery_mode;	/**< APIC_DM_FIXED ... APIC_DM_EXTINT: ICR bits 10:8 in place */
	u32 dest_mode;		/**< LAPIC_DEST_PHYSICAL_MODE (0) or LAPIC_DEST_LOGICAL_MODE (1) */
	u32 level;		/**< 1 assert, 0 de-assert (ICR bit 14) */
	u32 trig_mode;		/**< 0 edge, 1 level (ICR bit 15) */
	u32 shorthand;		/**< LAPIC_DEST_NOSHORT, APIC_DEST_SELF, _ALLINC, _ALLBUT */
	u32 dest_id;		/**< 8-bit xAPIC or 32-bit x2APIC destination */
};

/**
 * What the model asks of the glue.  Every callback runs under the caller's
 * lock, from inside the model; none may call back into this APIC's model
 * except send_ipi, which may call lapic_accept_irq() on @p src itself (a
 * self-IPI).  @p opaque is what lapic_init() was given.  A NULL member is
 * skipped (now_ns/read_tsc then read as 0).
 */
struct lapic_ops {
	/** ICR write: deliver @p irq from @p src to every APIC it names
	 *  (lapic_match_dest(), then lapic_accept_irq()). */
	void (*send_ipi)(void *opaque, struct kvm_lapic *src, const struct lapic_irq *irq);
	/** EOI of @p vector, level-triggered (@p trig_mode 1: its TMR bit
	 *  was set) or edge (0): tell the IOAPIC, which clears a level
	 *  entry's Remote IRR and tells who waits for the acknowledge of
	 *  either (the PIT's reinject mode).  Linux: kvm_ioapic_send_eoi(). */
	void (*send_eoi)(void *opaque, int vector, int trig_mode);
	/** Something new may need the vCPU (an IRR bit, a lower PPR, INIT,
	 *  SIPI): request an event check and kick it.  Linux:
	 *  kvm_make_request(KVM_REQ_EVENT) + kvm_vcpu_kick(). */
	void (*kick)(void *opaque);
	/** An NMI was accepted (delivery mode NMI).  Linux: kvm_inject_nmi(). */
	void (*nmi)(void *opaque);
	/** Monotonic host time in ns (Linux: ktime_get()). */
	u64 (*now_ns)(void *opaque);
	/** The guest's TSC now (Linux: kvm_read_l1_tsc(vcpu, rdtsc())). */
	u64 (*read_tsc)(void *opaque);
	/** (Re)start the APIC's one host timer to fire at @p expire_ns
	 *  (absolute, now_ns's clock; may be in the past: fire at once).
	 *  Replaces any earlier arming.  When it fires, call
	 *  lapic_timer_expired() under the lock, e.g. from the vCPU thread
	 *  after the hrtimer set a pending flag and kicked (as KVM's
	 *  lapic_timer.pending); a late or stale call is harmless. */
	void (*timer_arm)(void *opaque, u64 expire_ns);
	/** Stop the host timer (it may already have stopped). */
	void (*timer_cancel)(void *opaque);
};

/** The APIC timer (SDM 11.5.4).  Linux: struct kvm_timer. */
struct lapic_timer {
	u32 timer_mode;		/**< LVTT bits 18:17 in place: APIC_LVT_TIMER_ONESHOT... */
	u32 timer_mode_mask;	/**< which LVTT mode bits exist: 1<<17, or 3<<17 with TSC-deadline */
	u64 period;		/**< TMICT * divide in ns (periodic: at least the 200 us clamp) */
	u64 target_expiration;	/**< absolute ns of the next expiry; 0: not running */
	u64 tscdeadline;	/**< IA32_TSC_DEADLINE; 0: disarmed */
};

/**
 * The local APIC of one vCPU.  Linux: struct kvm_lapic
 * (arch/x86/kvm/lapic.h), with vcpu->arch.apic_base and the vcpu_id
 * folded in, since the model has no vCPU.
 *
 * @c regs is the register page in KVM's KVM_GET_LAPIC layout (the first
 * 1 KiB of the 4 KiB xAPIC page: SDM Table 11-1 offsets), so the glue
 * and the ioctls can read a register with lapic_get_reg().  In x2APIC
 * mode the ID register holds the 32-bit x2APIC ID and the ICR is one
 * 64-bit value at APIC_ICR (as KVM keeps it).
 */
struct kvm_lapic {
	u8 regs[KVM_APIC_REG_SIZE];	/**< the register page (read with lapic_get_reg()) */
	u64 apic_base;		/**< IA32_APIC_BASE (Linux: vcpu->arch.apic_base) */
	u64 base_address;	/**< apic_base bits 51:12: where the xAPIC page is */
	u32 vcpu_id;		/**< the x2APIC ID and the xAPIC ID at RESET */
	bool is_bsp;		/**< RESET sets IA32_APIC_BASE.BSP and LINT0 = ExtINT */
	bool sw_enabled;	/**< SVR bit 8 (Linux: apic->sw_enabled) */
	bool lvt0_in_nmi_mode;	/**< LINT0 unmasked with delivery mode NMI (the PIT's NMI watchdog) */
	u32 divide_count;	/**< TDCR as a divisor, 1-128 */
	struct lapic_timer lapic_timer;	/**< the timer's state */
	u32 tsc_khz;		/**< guest TSC rate, for TSC-deadline; 0: unknown */
	u32 pending_events;	/**< LAPIC_PENDING_INIT / _SIPI (Linux: apic->pending_events) */
	u8 sipi_vector;		/**< vector of the latest SIPI (Linux: apic->sipi_vector) */
	bool x2apic_allowed;	/**< guest CPUID has x2APIC: IA32_APIC_BASE bit 10 writable */
	u8 maxphyaddr;		/**< guest MAXPHYADDR: IA32_APIC_BASE bits above it are reserved */
	const struct lapic_ops *ops;	/**< the glue's callbacks; may be NULL */
	void *opaque;		/**< handed to every @c ops callback */
};

/** A 32-bit register of the page.  Linux: kvm_lapic_get_reg(). */
static inline u32 lapic_get_reg(const struct kvm_lapic *s, u32 reg)
{
	u32 v;

	memcpy(&v, s->regs + reg, sizeof(v));
	return v;
}

/** Set a 32-bit register of the page, no side effects.  Linux: kvm_lapic_set_reg(). */
static inline void lapic_set_reg(struct kvm_lapic *s, u32 reg, u32 val)
{
	memcpy(s->regs + reg, &val, sizeof(val));
}

/* Life cycle, IA32_APIC_BASE, CPUID (SDM 11.4) */
void lapic_init(struct kvm_lapic *s, const struct lapic_ops *ops, void *opaque,
		u32 apic_id, u32 tsc_khz);
void lapic_reset(struct kvm_lapic *s, bool init_event);
void lapic_update_cpuid(struct kvm_lapic *s, bool x2apic, bool tsc_deadline, u8 maxphyaddr);
bool lapic_base_valid(u64 old, u64 value, bool x2apic, u8 maxphyaddr, bool host_initiated);
int lapic_set_base(struct kvm_lapic *s, u64 value, bool host_initiated);
u64 lapic_get_base(struct kvm_lapic *s);
bool lapic_hw_enabled(struct kvm_lapic *s);
bool lapic_sw_enabled(struct kvm_lapic *s);
bool lapic_enabled(struct kvm_lapic *s);
bool lapic_x2apic_mode(struct kvm_lapic *s);

/* Guest register access: the xAPIC page, the x2APIC MSRs (SDM 11.4.1, 11.12.1) */
bool lapic_mmio_in_range(struct kvm_lapic *s, u64 gpa);
int lapic_mmio_read(struct kvm_lapic *s, u32 offset, int len, void *val);
int lapic_mmio_write(struct kvm_lapic *s, u32 offset, int len, const void *val);
int lapic_x2apic_msr_read(struct kvm_lapic *s, u32 msr, u64 *data);
int lapic_x2apic_msr_write(struct kvm_lapic *s, u32 msr, u64 data);

/* Messages in and out (SDM 11.6) */
void lapic_icr_to_irq(struct kvm_lapic *s, u32 icr_low, u32 icr_high, struct lapic_irq *irq);
int lapic_accept_irq(struct kvm_lapic *s, const struct lapic_irq *irq);
bool lapic_match_dest(struct kvm_lapic *target, struct kvm_lapic *src, u32 shorthand,
		      u32 dest_id, u32 dest_mode);
int lapic_local_deliver(struct kvm_lapic *s, u32 lvt_reg);

/* Priority, acknowledge, the PIC's path (SDM 11.8) */
int lapic_find_highest_irr(const struct kvm_lapic *s);
int lapic_find_highest_isr(const struct kvm_lapic *s);
int lapic_find_tpr_blocked(const struct kvm_lapic *s);
int lapic_has_interrupt(struct kvm_lapic *s);
int lapic_get_interrupt(struct kvm_lapic *s);
bool lapic_accept_pic_intr(struct kvm_lapic *s);
void lapic_set_tpr(struct kvm_lapic *s, u32 cr8);
u32 lapic_get_cr8(struct kvm_lapic *s);

/* Timer (SDM 11.5.4) */
void lapic_timer_expired(struct kvm_lapic *s);
u64 lapic_get_tscdeadline(struct kvm_lapic *s);
void lapic_set_tscdeadline(struct kvm_lapic *s, u64 tsc);

/* INIT and SIPI (SDM 11.6.1, 9.4) */
bool lapic_test_and_clear_init(struct kvm_lapic *s);
bool lapic_test_and_clear_sipi(struct kvm_lapic *s, u8 *vector);

/* KVM_GET_LAPIC / KVM_SET_LAPIC */
void lapic_get_state(struct kvm_lapic *s, struct kvm_lapic_state *state);
int lapic_set_state(struct kvm_lapic *s, const struct kvm_lapic_state *state);

#endif
