/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The Xen/Linux "PVH" direct boot ABI, as far as the shim needs it.
 *
 * Sources: Xen's docs/misc/pvh.pandoc and public/arch-x86/hvm/start_info.h,
 * mirrored in Linux as arch/x86/include/xen/interface/hvm/start_info.h.
 *
 * A PVH-capable kernel advertises its 32-bit entry point in an ELF note
 * (owner "Xen", type XEN_ELFNOTE_PHYS32_ENTRY). The loader enters it in
 * 32-bit protected mode with paging off, flat 4 GiB CS (code) and DS/ES/SS
 * (data) segments, interrupts disabled, and EBX holding the physical address
 * of a struct hvm_start_info. Every structure below is to be 8-byte aligned.
 */
#ifndef PVH_SHIM_PVH_H
#define PVH_SHIM_PVH_H

#include <stdint.h>

/* Xen public/elfnote.h: note type whose payload is the 32-bit entry. */
#define XEN_ELFNOTE_PHYS32_ENTRY 18

#define HVM_START_MAGIC_VALUE 0x336ec578

/*
 * Version 0 ends at memmap_paddr; version 1 adds the memory map, which is
 * how a loader without Xen hypercalls tells the kernel where RAM is.
 */
struct hvm_start_info {
	uint32_t magic;          /* HVM_START_MAGIC_VALUE                      */
	uint32_t version;        /* 1                                          */
	uint32_t flags;          /* SIF_* flags; none apply here               */
	uint32_t nr_modules;     /* entries at modlist_paddr                   */
	uint64_t modlist_paddr;  /* struct hvm_modlist_entry[nr_modules]       */
	uint64_t cmdline_paddr;  /* NUL-terminated kernel command line         */
	uint64_t rsdp_paddr;     /* ACPI RSDP, or 0: the kernel searches       */
	uint64_t memmap_paddr;   /* struct hvm_memmap_table_entry[...] (v1)    */
	uint32_t memmap_entries; /* (v1)                                       */
	uint32_t reserved;
};

/* Linux takes the first module as its initial ramdisk. */
struct hvm_modlist_entry {
	uint64_t paddr;
	uint64_t size;
	uint64_t cmdline_paddr;
	uint64_t reserved;
};

/* 'type' uses the E820 numbering (1 RAM, 2 reserved, 3 ACPI, 4 NVS, 5 bad). */
struct hvm_memmap_table_entry {
	uint64_t addr;
	uint64_t size;
	uint32_t type;
	uint32_t reserved;
};

#define E820_RAM      1
#define E820_RESERVED 2
#define E820_UNUSABLE 5

/* The ABI fixes these layouts; -m32 aligns uint64_t to 4, so check. */
_Static_assert(sizeof(struct hvm_start_info) == 56, "hvm_start_info layout");
_Static_assert(__builtin_offsetof(struct hvm_start_info, modlist_paddr) == 16,
	       "hvm_start_info layout");
_Static_assert(sizeof(struct hvm_modlist_entry) == 32, "hvm_modlist_entry layout");
_Static_assert(sizeof(struct hvm_memmap_table_entry) == 24,
	       "hvm_memmap_table_entry layout");

#endif /* PVH_SHIM_PVH_H */
