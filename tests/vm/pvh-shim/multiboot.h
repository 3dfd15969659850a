/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The parts of Multiboot version 1 that the PVH shim uses.
 *
 * Source: "Multiboot Specification version 0.6.96", section 3.1.1 (the
 * header a kernel image carries), 3.2 (machine state at entry) and 3.3
 * (the boot information structure the loader passes in EBX).
 */
#ifndef PVH_SHIM_MULTIBOOT_H
#define PVH_SHIM_MULTIBOOT_H

/* 3.1.1: the kernel's header magic; 3.2: the value the loader leaves in EAX. */
#define MULTIBOOT_HEADER_MAGIC     0x1BADB002
#define MULTIBOOT_BOOTLOADER_MAGIC 0x2BADB002

/* 3.1.2: header flags we ask for. */
#define MULTIBOOT_PAGE_ALIGN (1 << 0) /* load modules on 4 KiB boundaries */
#define MULTIBOOT_MEMORY_INFO (1 << 1) /* fill mem_lower/upper and mmap   */

#ifndef __ASSEMBLER__
#include <stdint.h>

/* 3.3: which fields of struct mb_info are valid. */
#define MB_INFO_MEMORY  (1u << 0)
#define MB_INFO_CMDLINE (1u << 2)
#define MB_INFO_MODS    (1u << 3)
#define MB_INFO_MMAP    (1u << 6)

/* 3.3: the boot information structure (only the fields up to mmap_addr). */
struct mb_info {
	uint32_t flags;
	uint32_t mem_lower;   /* KiB of RAM from 0       (MB_INFO_MEMORY)  */
	uint32_t mem_upper;   /* KiB of RAM from 1 MiB   (MB_INFO_MEMORY)  */
	uint32_t boot_device;
	uint32_t cmdline;     /* physical address of a C string            */
	uint32_t mods_count;
	uint32_t mods_addr;   /* physical address of struct mb_module[]    */
	uint32_t syms[4];
	uint32_t mmap_length; /* bytes of memory map at mmap_addr          */
	uint32_t mmap_addr;
};

/* 3.3: one entry of the module list; the module occupies [mod_start, mod_end). */
struct mb_module {
	uint32_t mod_start;
	uint32_t mod_end;
	uint32_t string;
	uint32_t reserved;
};

/*
 * 3.3: one entry of the memory map. 'size' does not count itself, so the next
 * entry starts at (char *)entry + entry->size + 4. The types are the BIOS
 * E820 ones: 1 available, 3 ACPI reclaimable, 4 ACPI NVS, 5 bad RAM,
 * anything else reserved.
 */
struct mb_mmap_entry {
	uint32_t size;
	uint64_t base_addr;
	uint64_t length;
	uint32_t type;
} __attribute__((packed));

#define MB_MEMORY_AVAILABLE 1

#endif /* !__ASSEMBLER__ */
#endif /* PVH_SHIM_MULTIBOOT_H */
