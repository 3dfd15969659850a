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
	bool writable;		/**< R/W set at every level */
	bool user;		/**< U/S set at every level */
	bool nx;		/**< XD set at some level (EFER.NXE on) */
};

/** The access kinds, and the page-fault error code bits they become
 *  (Intel SDM Vol. 3A, 4.7, Figure 4-12).  Linux: PFERR_*_MASK. @{ */
#define PFERR_PRESENT_MASK	(1u << 0)	/**< P: a rights violation, not a missing page */
#define PFERR_WRITE_MASK	(1u << 1)	/**< W/R: a write */
#define PFERR_USER_MASK		(1u << 2)	/**< U/S: a user-mode (CPL 3) access */
#define PFERR_RSVD_MASK		(1u << 3)	/**< RSVD: a reserved bit set (not checked) */
#define PFERR_FETCH_MASK	(1u << 4)	/**< I/D: an instruction fetch */
/** Not an error-code bit: RFLAGS.AC = 1 lets this explicit supervisor
 *  access reach user pages under SMAP (SDM 4.6.1). */
#define PFERR_SMAP_OK		(1u << 31)
/** @} */

/** Reads @len bytes of guest-physical memory at @gpa; 0 or -EFAULT. */
typedef int (*read_guest_fn)(void *opaque, u64 gpa, void *buf, unsigned int len);

int guest_walk(const struct guest_paging_regs *regs, u64 gva,
	       read_guest_fn read, void *opaque, u64 *gpa);
int guest_walk_access(const struct guest_paging_regs *regs, u64 gva, u32 access,
		      read_guest_fn read, void *opaque, u64 *gpa, u32 *error_code);

#endif
