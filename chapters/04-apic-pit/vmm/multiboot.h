/* SPDX-License-Identifier: GPL-2.0 */
/**
 * @file multiboot.h
 * @brief Multiboot v1: the structures a boot loader and an OS kernel share.
 *
 * From "The Multiboot Specification version 0.6.96" (GNU GRUB), the
 * section of each structure cited with it.  All fields are little-endian
 * and the structures are packed: byte offsets are the specification's,
 * shown after each field and checked at compile time.
 */
#ifndef MINIVMM_MULTIBOOT_H
#define MINIVMM_MULTIBOOT_H

#include <stddef.h>
#include <stdint.h>

#include "minivmm.h"

#define MULTIBOOT_HEADER_MAGIC		0x1badb002u	/**< 3.1.2: the header's magic */
#define MULTIBOOT_BOOTLOADER_MAGIC	0x2badb002u	/**< 3.2: EAX at the kernel's entry */
#define MULTIBOOT_SEARCH		8192	/**< 3.1: the header is in the first 8192 bytes, */
#define MULTIBOOT_HEADER_ALIGN		4	/**< ... 32-bit aligned */

#ifndef __packed
#define __packed __attribute__((packed))	/**< no padding: as the kernel spells it */
#endif

/**
 * 3.1.1 "The layout of Multiboot header".  The address fields are there
 * only when flags bit 16 is set, the video fields when bit 2 is.
 */
struct multiboot_header {
	uint32_t magic;			/**< +0x00 MULTIBOOT_HEADER_MAGIC */
	uint32_t flags;			/**< +0x04 what the kernel asks for: */
/* 3.1.3 "The flags fields of Multiboot header": bits 0-15 are
 * requirements, bits 16-31 optional features. */
#define  MULTIBOOT_PAGE_ALIGN		(1u << 0)	/**< modules on 4 KiB boundaries */
#define  MULTIBOOT_MEMORY_INFO		(1u << 1)	/**< mem_* and mmap_* wanted */
#define  MULTIBOOT_VIDEO_MODE		(1u << 2)	/**< a video mode table wanted */
#define  MULTIBOOT_REQUIRED_MASK	0x0000ffffu	/**< a loader must honour these or refuse */
#define  MULTIBOOT_AOUT_KLUDGE		(1u << 16)	/**< the address fields below are valid */
	uint32_t checksum;		/**< +0x08 magic + flags + checksum == 0 */
	/* 3.1.4 "The address fields of Multiboot header", physical addresses */
	uint32_t header_addr;		/**< +0x0c where this header's magic goes */
	uint32_t load_addr;		/**< +0x10 start of the text segment */
	uint32_t load_end_addr;		/**< +0x14 end of the data segment; 0: end of file */
	uint32_t bss_end_addr;		/**< +0x18 end of bss (zeroed); 0: no bss */
	uint32_t entry_addr;		/**< +0x1c where to jump */
	/* 3.1.5 "The graphics fields of Multiboot header" */
	uint32_t mode_type;		/**< +0x20 0: linear graphics, 1: EGA text */
	uint32_t width;			/**< +0x24 pixels or columns */
	uint32_t height;		/**< +0x28 pixels or lines */
	uint32_t depth;			/**< +0x2c bits per pixel */
} __packed;
_Static_assert(sizeof(struct multiboot_header) == 0x30, "3.1.1");
#define MULTIBOOT_HEADER_MIN	0x0c	/**< bytes of magic, flags, checksum */
#define MULTIBOOT_HEADER_AOUT	0x20	/**< ... and of the address fields */

/** 3.3 "Boot information format": what EBX points to. */
struct multiboot_info {
	uint32_t flags;			/**< +0x00 which fields below are valid */
#define  MULTIBOOT_INFO_MEMORY		(1u << 0)	/**< mem_lower, mem_upper */
#define  MULTIBOOT_INFO_BOOTDEV		(1u << 1)	/**< boot_device */
#define  MULTIBOOT_INFO_CMDLINE		(1u << 2)	/**< cmdline */
#define  MULTIBOOT_INFO_MODS		(1u << 3)	/**< mods_count, mods_addr */
#define  MULTIBOOT_INFO_MEM_MAP		(1u << 6)	/**< mmap_length, mmap_addr */
#define  MULTIBOOT_INFO_BOOT_LOADER_NAME (1u << 9)	/**< boot_loader_name */
	uint32_t mem_lower;		/**< +0x04 KiB from 0, at most 640 */
	uint32_t mem_upper;		/**< +0x08 KiB from 1 MiB to the first hole */
	uint32_t boot_device;		/**< +0x0c BIOS disk and partitions (flag 1) */
	uint32_t cmdline;		/**< +0x10 physical address of a C string */
	uint32_t mods_count;		/**< +0x14 number of modules */
	uint32_t mods_addr;		/**< +0x18 array of struct multiboot_mod_list */
	uint32_t syms[4];		/**< +0x1c a.out or ELF symbols (flags 4, 5) */
	uint32_t mmap_length;		/**< +0x2c bytes of memory map */
	uint32_t mmap_addr;		/**< +0x30 first struct multiboot_mmap_entry */
	uint32_t drives_length;		/**< +0x34 BIOS drive list (flag 7) */
	uint32_t drives_addr;		/**< +0x38 */
	uint32_t config_table;		/**< +0x3c BIOS configuration table (flag 8) */
	uint32_t boot_loader_name;	/**< +0x40 physical address of a C string */
	uint32_t apm_table;		/**< +0x44 APM table (flag 10) */
	uint32_t vbe_control_info;	/**< +0x48 VBE information, +0x48 .. +0x57 (flag 11) */
	uint32_t vbe_mode_info;		/**< +0x4c */
	uint16_t vbe_mode;		/**< +0x50 */
	uint16_t vbe_interface_seg;	/**< +0x52 */
	uint16_t vbe_interface_off;	/**< +0x54 */
	uint16_t vbe_interface_len;	/**< +0x56 */
	uint64_t framebuffer_addr;	/**< +0x58 framebuffer, +0x58 .. +0x73 (flag 12) */
	uint32_t framebuffer_pitch;	/**< +0x60 */
	uint32_t framebuffer_width;	/**< +0x64 */
	uint32_t framebuffer_height;	/**< +0x68 */
	uint8_t framebuffer_bpp;	/**< +0x6c */
	uint8_t framebuffer_type;	/**< +0x6d */
	uint8_t color_info[6];		/**< +0x6e */
} __packed;
_Static_assert(sizeof(struct multiboot_info) == 0x74, "3.3");
_Static_assert(offsetof(struct multiboot_info, mmap_length) == 0x2c, "3.3");
_Static_assert(offsetof(struct multiboot_info, boot_loader_name) == 0x40, "3.3");
_Static_assert(offsetof(struct multiboot_info, framebuffer_addr) == 0x58, "3.3");

/**
 * 3.3, the memory map: a buffer of entries, each a size field that counts
 * the bytes after it (20 here), then the range.  mmap_addr points at the
 * first entry's size field, as GRUB and QEMU give it and kernels read it.
 */
struct multiboot_mmap_entry {
	uint32_t size;			/**< +0x00 bytes that follow: 20 */
	uint64_t addr;			/**< +0x04 first byte of the range */
	uint64_t len;			/**< +0x0c its length in bytes */
	uint32_t type;			/**< +0x14 what it is: */
#define  MULTIBOOT_MEMORY_AVAILABLE	1	/**< RAM the OS may use */
#define  MULTIBOOT_MEMORY_RESERVED	2	/**< anything else is reserved */
} __packed;
_Static_assert(sizeof(struct multiboot_mmap_entry) == 24, "3.3");

/** 3.3, one boot module: [mod_start, mod_end) and its string. */
struct multiboot_mod_list {
	uint32_t mod_start;		/**< +0x00 its first byte */
	uint32_t mod_end;		/**< +0x04 one past the last byte */
	uint32_t cmdline;		/**< +0x08 physical address of a C string */
	uint32_t pad;			/**< +0x0c reserved, 0 */
} __packed;
_Static_assert(sizeof(struct multiboot_mod_list) == 16, "3.3");

/**
 * The memory map minivmm gives: RAM as a PC with that much memory shows
 * it (and as QEMU's firmware reports it), with the hole below 1 MiB:
 *	[0, 0x9fc00)		available (conventional memory)
 *	[0x9fc00, 0xa0000)	reserved  (extended BIOS data area)
 *	[0xf0000, 0x100000)	reserved  (system BIOS)
 *	[0x100000, RAM end)	available
 * (0xa0000 - 0xf0000, VGA memory and option ROMs, is in no entry.)  The
 * guest's RAM slot really covers the hole too; the map is what a kernel
 * may use.  Extra --slot memory is not in it.
 */
#define MB_LOWER_END	0x9fc00ull	/**< end of conventional memory */
#define MB_EBDA_END	0xa0000ull	/**< end of the extended BIOS data area */
#define MB_BIOS_START	0xf0000ull	/**< start of the system BIOS */
#define MB_UPPER_START	0x100000ull	/**< 1 MiB: upper memory */
#define MB_MAX_MMAP	4		/**< entries in the map */

/**
 * The multiboot information area minivmm writes, at a page-aligned
 * address above the kernel and its modules; offsets from its start.
 */
#define MBI_INFO_OFF	0x000	/**< struct multiboot_info */
#define MBI_MMAP_OFF	0x080	/**< MB_MAX_MMAP memory map entries */
#define MBI_MODS_OFF	0x100	/**< VMM_MAX_MODULES struct multiboot_mod_list */
#define MBI_NAME_OFF	0x200	/**< the boot loader's name, MBI_NAME */
#define MBI_STRINGS_OFF	0x210	/**< the command line, then the modules' strings */
#define MBI_NAME	"minivmm"	/**< boot_loader_name */
_Static_assert(MBI_MMAP_OFF >= sizeof(struct multiboot_info), "layout");
_Static_assert(MBI_MMAP_OFF + MB_MAX_MMAP * sizeof(struct multiboot_mmap_entry) <= MBI_MODS_OFF, "layout");
_Static_assert(MBI_MODS_OFF + VMM_MAX_MODULES * sizeof(struct multiboot_mod_list) <= MBI_NAME_OFF, "layout");

/** A module as loaded: its range in guest memory, and its string. */
struct mb_module {
	uint32_t start;		/**< guest-physical address of its first byte */
	uint32_t end;		/**< one past its last byte */
	const char *string;	/**< its string (--module FILE,STRING) */
};

int mb_find_header(const uint8_t *img, size_t len, struct multiboot_header *hdr,
		   size_t *offset, char *err, size_t errlen);
int mb_load_kernel(void *mem, uint64_t mem_size, const uint8_t *img, size_t len,
		   struct vmm_multiboot_entry *out, char *err, size_t errlen);
unsigned int mb_memory_map(uint64_t mem_size, struct multiboot_mmap_entry *map);
int64_t mb_build_info(void *mem, uint64_t mem_size, uint32_t addr,
		      const char *cmdline, const struct mb_module *mods,
		      unsigned int nr_mods);

#endif
