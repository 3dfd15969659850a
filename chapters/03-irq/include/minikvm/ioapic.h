/* SPDX-License-Identifier: GPL-2.0 */
/**
 * @file ioapic.h
 * @brief The I/O APIC (Intel 82093AA) as a plain-C device model (no
 * locking, no allocation, no kernel-only APIs): final/arch/x86/kvm/ioapic.c.
 *
 * The caller owns the lock: every function here expects the caller to hold
 * whatever lock protects the struct kvm_ioapic, as Linux holds
 * kvm_ioapic.lock.  Datasheet: Intel 82093AA I/O Advanced Programmable
 * Interrupt Controller (IOAPIC), order number 290566-001, section 3.
 */
#ifndef MINIKVM_IOAPIC_H
#define MINIKVM_IOAPIC_H

#include <minikvm/portable.h>
#include <linux/kvm.h>		/* struct kvm_ioapic_state, KVM_IOAPIC_NUM_PINS */

/** Interrupt input pins INTIN0-23 (datasheet 3.2.4: IOREDTBL[23:0]). */
#define IOAPIC_NUM_PINS		KVM_IOAPIC_NUM_PINS
/** IOAPICVER bits 7:0 of the 82093AA; version 0x20 would add an EOI register. */
#define IOAPIC_VERSION_ID	0x11

/** Where the PC puts the IOAPIC, and the bytes it decodes there.  Only
 *  IOREGSEL and IOWIN exist (datasheet 3.1); KVM claims 256 bytes. @{ */
#define IOAPIC_DEFAULT_BASE_ADDRESS	0xfec00000ull
#define IOAPIC_MEM_LENGTH	0x100
#define IOAPIC_REG_SELECT	0x00	/**< IOREGSEL (3.1.1): bits 7:0 pick a register */
#define IOAPIC_REG_WINDOW	0x10	/**< IOWIN (3.1.2): reads/writes the picked register */
/** @} */

/** The registers behind the window, by IOREGSEL value (datasheet 3.2). @{ */
#define IOAPIC_REG_APIC_ID	0x00	/**< IOAPICID (3.2.1): bits 27:24 */
#define IOAPIC_REG_VERSION	0x01	/**< IOAPICVER (3.2.2): 0x00170011, read-only */
#define IOAPIC_REG_ARB_ID	0x02	/**< IOAPICARB (3.2.3): bits 27:24, read-only */
#define IOAPIC_REG_REDIRTBL	0x10	/**< IOREDTBL n: 0x10 + 2n low dword, 0x11 + 2n high */
/** @} */

/** A redirection entry, low dword (datasheet 3.2.4; the same bits as the
 *  @c fields of struct kvm_ioapic_state's redirtbl). @{ */
#define IOAPIC_RTE_VECTOR	0x000000ffu	/**< 7:0 vector, 0x10-0xfe */
#define IOAPIC_RTE_DELIVERY_MODE 0x00000700u	/**< 10:8, IOAPIC_FIXED... */
#define IOAPIC_RTE_DEST_LOGICAL	(1u << 11)	/**< destination mode: 1 logical, 0 physical */
#define IOAPIC_RTE_DELIVERY_STATUS (1u << 12)	/**< DELIVS, read-only: 1 send pending */
#define IOAPIC_RTE_POLARITY_LOW	(1u << 13)	/**< INTPOL: 1 active low */
#define IOAPIC_RTE_REMOTE_IRR	(1u << 14)	/**< read-only: a level interrupt awaits its EOI */
#define IOAPIC_RTE_LEVEL	(1u << 15)	/**< trigger mode: 1 level, 0 edge */
#define IOAPIC_RTE_MASKED	(1u << 16)	/**< 1: the pin is ignored */
/** @} */

/** Delivery modes, bits 10:8 (datasheet 3.2.4; Linux: APIC_DM_* >> 8). @{ */
#define IOAPIC_FIXED		0
#define IOAPIC_LOWEST_PRIORITY	1
#define IOAPIC_SMI		2
#define IOAPIC_NMI		4
#define IOAPIC_INIT		5
#define IOAPIC_EXTINT		7
/** @} */

/** Trigger modes, bit 15. @{ */
#define IOAPIC_EDGE_TRIG	0
#define IOAPIC_LEVEL_TRIG	1
/** @} */

/**
 * The interrupt message the IOAPIC sends to the local APICs for one pin:
 * the redirection entry's routing fields.  Linux: struct kvm_lapic_irq.
 */
struct ioapic_irq {
	u8 vector;		/**< IDT vector */
	u8 delivery_mode;	/**< IOAPIC_FIXED, IOAPIC_LOWEST_PRIORITY, ... */
	u8 dest_mode;		/**< 0 physical (APIC ID), 1 logical (MDA) */
	u8 trig_mode;		/**< IOAPIC_EDGE_TRIG or IOAPIC_LEVEL_TRIG */
	u8 dest_id;		/**< bits 63:56 of the entry */
};

/**
 * Sends @p irq to the vCPUs it names; supplied by the kernel glue.  Runs
 * under the caller's lock, from inside the model: it must not call back
 * into the model.  Returns what Linux's kvm_irq_delivery_to_apic() does:
 * -1 if no vCPU matched the destination, otherwise how many accepted it
 * (0: matched but not accepted, i.e. coalesced).  @p opaque is what
 * ioapic_init() was given.
 */
typedef int (*ioapic_deliver_fn)(void *opaque, const struct ioapic_irq *irq);

/**
 * One IOAPIC, as KVM_CREATE_IRQCHIP creates it.  Linux: struct kvm_ioapic
 * in arch/x86/kvm/ioapic.h.
 *
 * @c state is exactly KVM's KVM_GET_IRQCHIP / KVM_SET_IRQCHIP layout.
 * Its @c irr holds the input lines' levels (bit n: INTINn asserted), which
 * is all the model needs to see an edge.  The one thing beyond the ABI is
 * @c irr_delivered: which asserted edge lines have already been delivered,
 * so that a saved state does not deliver them a second time on restore
 * (ioapic_get_state(), ioapic_set_state()).
 */
struct kvm_ioapic {
	struct kvm_ioapic_state state;	/**< registers and line levels, KVM's ABI */
	u32 irr_delivered;		/**< edge lines in @c state.irr already sent */
	ioapic_deliver_fn deliver;	/**< where messages go; NULL: nowhere */
	void *opaque;			/**< handed to @c deliver */
};

void ioapic_init(struct kvm_ioapic *s, ioapic_deliver_fn deliver, void *opaque);
void ioapic_reset(struct kvm_ioapic *s);
int ioapic_set_irq(struct kvm_ioapic *s, int pin, int level);
void ioapic_update_eoi(struct kvm_ioapic *s, int vector, int trigger_mode);
int ioapic_mmio_read(struct kvm_ioapic *s, u64 addr, int len, void *val);
int ioapic_mmio_write(struct kvm_ioapic *s, u64 addr, int len, const void *val);
void ioapic_get_state(const struct kvm_ioapic *s, struct kvm_ioapic_state *state);
void ioapic_set_state(struct kvm_ioapic *s, const struct kvm_ioapic_state *state);

#endif
