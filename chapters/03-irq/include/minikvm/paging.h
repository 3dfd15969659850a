/* SPDX-License-Identifier: GPL-2.0 */
/**
 * @file paging.h
 * @brief Walking the guest's own page tables: guest-virtual to
 * guest-physical, in software.
 */
#ifndef MINIKVM_PAGING_H
#define MINIKVM_PAGING_H

#include <minikvm/portable.h>

/** The control registers that decide the paging mode (Intel SDM Vol. 3A, 4.1). */
struct guest_paging_regs {
	/** The guest's CR0, CR3, CR4 and EFER. @{ */
	u64 cr0, cr3, cr4, efer;
	/** @} */
};

/**
 * struct guest_walker - what a walk found: the guest-physical address
 * and, for the emulator's access checks, the rights of the whole path.
 * Linux: struct guest_walker in arch/x86/kvm/mmu/paging_tmpl.h.
 */
struct guest_walker {
	u64 gpa;		/**< the translation */
};

/** Reads @len bytes of guest-physical memory at @gpa; 0 or -EFAULT. */
typedef int (*read_guest_fn)(void *opaque, u64 gpa, void *buf, unsigned int len);

int guest_walk(const struct guest_paging_regs *regs, u64 gva,
	       read_guest_fn read, void *opaque, u64 *gpa);

#endif
