/* SPDX-License-Identifier: GPL-2.0 */
/**
 * @file i8259.h
 * @brief The PC's two cascaded 8259A programmable interrupt controllers,
 * as a plain-C device model (no locking, no allocation, no kernel-only
 * APIs): final/arch/x86/kvm/i8259.c.
 *
 * The caller owns the lock: every function here expects the caller to hold
 * whatever lock protects the struct kvm_pic, as Linux holds kvm_pic.lock.
 */
#ifndef MINIKVM_I8259_H
#define MINIKVM_I8259_H

#include <minikvm/portable.h>
#include <linux/kvm.h>		/* struct kvm_pic_state, KVM_IRQCHIP_PIC_* */

/** Interrupt request inputs of the pair: IRQ 0-7 on the master, 8-15 on the slave. */
#define PIC_NUM_PINS		16

/** The I/O ports the pair decodes on a PC (IBM PC/AT; Intel 82371AB PIIX4
 *  datasheet, 3.1, for the ELCR). @{ */
#define PIC_MASTER_CMD		0x20	/**< master, A0=0: ICW1, OCW2, OCW3; IRR/ISR */
#define PIC_MASTER_DATA		0x21	/**< master, A0=1: ICW2-4, OCW1 (IMR) */
#define PIC_SLAVE_CMD		0xa0	/**< slave, A0=0 */
#define PIC_SLAVE_DATA		0xa1	/**< slave, A0=1 */
#define PIC_ELCR_MASTER		0x4d0	/**< edge/level control, IRQ 0-7 */
#define PIC_ELCR_SLAVE		0x4d1	/**< edge/level control, IRQ 8-15 */
/** @} */

/**
 * Called when the INT output of the master (the pair's only wire to the
 * CPU) changes level.  It runs under the caller's lock, from inside the
 * model: it may record the change or kick a vCPU, but must not call back
 * into the model.  @p opaque is what i8259_init() was given.
 */
typedef void (*i8259_output_fn)(void *opaque, bool level);

/**
 * The master/slave pair, as KVM_CREATE_IRQCHIP creates it.
 *
 * Each chip's state is exactly KVM's KVM_GET_IRQCHIP / KVM_SET_IRQCHIP
 * layout, so saving and restoring it is a copy (i8259_get_state(),
 * i8259_set_state()).  Linux: struct kvm_pic in arch/x86/kvm/irq.h.
 */
struct kvm_pic {
	/** [KVM_IRQCHIP_PIC_MASTER] at 0x20, [KVM_IRQCHIP_PIC_SLAVE] at 0xa0. */
	struct kvm_pic_state pics[2];
	/** The master's INT pin: an interrupt awaits an INTA cycle
	 *  (i8259_read_irq()).  Without a local APIC it is the vCPU's
	 *  ExtINT input, as LINT0 in virtual-wire mode.  Read-only for callers. */
	bool output;
	i8259_output_fn output_changed;	/**< told of every change of @c output; may be NULL */
	void *opaque;			/**< handed to @c output_changed */
};

void i8259_init(struct kvm_pic *s, i8259_output_fn output_changed, void *opaque);
void i8259_reset(struct kvm_pic *s);
int i8259_set_irq(struct kvm_pic *s, int irq, int level);
int i8259_read_irq(struct kvm_pic *s);
void i8259_update_irq(struct kvm_pic *s);
int i8259_ioport_read(struct kvm_pic *s, u16 port, int len, void *val);
int i8259_ioport_write(struct kvm_pic *s, u16 port, int len, const void *val);
int i8259_get_state(const struct kvm_pic *s, int chip, struct kvm_pic_state *state);
int i8259_set_state(struct kvm_pic *s, int chip, const struct kvm_pic_state *state);

#endif
