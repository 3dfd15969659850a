// SPDX-License-Identifier: GPL-2.0
/**
 * @file linux.c
 * @brief Load a Linux bzImage with the x86 boot protocol's 32-bit entry
 * (Linux: Documentation/arch/x86/boot.rst, "32-bit BOOT PROTOCOL").
 *
 * A bzImage is two programs in one file: a real-mode setup program of
 * (setup_sects + 1) sectors, which a BIOS boot loader runs to ask the BIOS
 * about the machine, and the protected-mode kernel after it (itself a
 * decompressor with the compressed kernel inside).  A VMM has no BIOS, so
 * it does what the setup program would have done: it fills in the "zero
 * page" (struct boot_params) itself - the memory map (e820), the command
 * line, the initrd - and enters the protected-mode kernel directly, in
 * flat 32-bit protected mode without paging, with ESI pointing to the
 * zero page.  Why 32-bit and not the 64-bit entry: it needs no page
 * tables from us (the decompressor builds its own and switches to long
 * mode itself), and the same entry serves 32- and 64-bit kernels.  QEMU's
 * -kernel does the same (hw/i386/x86.c).
 *
 * Guest-physical layout: the zero page at LINUX_BOOT_PARAMS, the command
 * line at LINUX_CMDLINE, the kernel at 1 MiB (code32_start), the initrd
 * as high in RAM as the kernel allows (initrd_addr_max).
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "minivmm.h"

/** Fields of the setup header, by offset in the file and in the zero page
 *  alike (boot.rst, "THE REAL-MODE KERNEL HEADER"). @{ */
#define HDR_SETUP_SECTS		0x1f1	/**< u8: setup sectors; 0 means 4 */
#define HDR_BOOT_FLAG		0x1fe	/**< u16: 0xaa55 */
#define HDR_HEADER		0x202	/**< u32: "HdrS" */
#define HDR_VERSION		0x206	/**< u16: protocol version */
#define HDR_TYPE_OF_LOADER	0x210	/**< u8: 0xff, "undefined" */
#define HDR_LOADFLAGS		0x211	/**< u8: bit 0 LOADED_HIGH */
#define HDR_CODE32_START	0x214	/**< u32: the 32-bit entry */
#define HDR_RAMDISK_IMAGE	0x218	/**< u32: initrd address */
#define HDR_RAMDISK_SIZE	0x21c	/**< u32: initrd size */
#define HDR_CMD_LINE_PTR	0x228	/**< u32: command line address */
#define HDR_INITRD_ADDR_MAX	0x22c	/**< u32: highest initrd byte */
#define HDR_CMDLINE_SIZE	0x238	/**< u32: longest command line, NUL excluded */
#define HDR_INIT_SIZE		0x260	/**< u32: memory the kernel needs from its start */
#define HDR_END			0x280	/**< where the header (2.15) ends */
/** @} */
/** The zero page's own fields (boot.rst, "THE ZERO PAGE"). @{ */
#define BP_E820_ENTRIES		0x1e8	/**< u8 */
#define BP_E820_TABLE		0x2d0	/**< 20-byte entries: addr, size, type */
/** @} */
#define HDRS_MAGIC		0x53726448	/**< "HdrS" */
#define LOADED_HIGH		0x01		/**< loadflags: the kernel runs at 1 MiB */
#define E820_RAM		1		/**< e820 type: usable RAM */
#define E820_RESERVED		2		/**< e820 type: reserved */
/** The oldest protocol we load: 2.06 has cmdline_size, 2.03
 *  initrd_addr_max, 2.02 cmd_line_ptr above 0xA0000. */
#define LINUX_MIN_VERSION	0x0206

/** The little-endian u32 at @p + @off (the header is not aligned). */
static uint32_t get32(const uint8_t *p, unsigned int off)
{
	uint32_t v;

	memcpy(&v, p + off, 4);
	return v;
}

/** Store @v as a little-endian u32 at @p + @off. */
static void put32(uint8_t *p, unsigned int off, uint32_t v)
{
	memcpy(p + off, &v, 4);
}

/** One e820 entry at index @i of the zero page. */
static void e820_add(uint8_t *bp, unsigned int i, uint64_t addr, uint64_t size, uint32_t type)
{
	uint8_t *e = bp + BP_E820_TABLE + 20 * i;

	memcpy(e, &addr, 8);
	memcpy(e + 8, &size, 8);
	memcpy(e + 16, &type, 4);
	bp[BP_E820_ENTRIES] = i + 1;
}

/** The whole of @path into @buf (at most @max bytes): its size, or -1. */
static long read_file(const char *path, void *buf, uint64_t max, char *err, size_t errlen)
{
	struct stat st;
	long done = 0;
	ssize_t n;
	int fd = open(path, O_RDONLY);

	if (fd < 0 || fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "cannot read %s: %s", path, fd < 0 ? strerror(errno) :
			 "not a regular file");
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if ((uint64_t)st.st_size > max) {
		snprintf(err, errlen, "%s (%lld bytes) does not fit in guest RAM", path,
			 (long long)st.st_size);
		close(fd);
		return -1;
	}
	while (done < st.st_size) {
		n = read(fd, (char *)buf + done, st.st_size - done);
		if (n <= 0) {
			snprintf(err, errlen, "cannot read %s: %s", path,
				 n ? strerror(errno) : "short read");
			close(fd);
			return -1;
		}
		done += n;
	}
	close(fd);
	return done;
}

/**
 * vmm_linux_load - load the bzImage @kernel (and @initrd, if not NULL)
 * into @mem, with command line @cmdline, and fill @out with the entry.
 * Returns 0, or -1 with a one-line reason in @err: not a bzImage, a boot
 * protocol older than 2.06, a kernel that does not load high, a command
 * line too long, or a kernel or initrd that does not fit.
 */
int vmm_linux_load(void *mem, uint64_t mem_size, const char *kernel, const char *initrd,
		   const char *cmdline, struct vmm_linux_entry *out, char *err, size_t errlen)
{
	uint8_t *ram = mem, *bp = ram + LINUX_BOOT_PARAMS, *img = ram + LINUX_KERNEL;
	unsigned int setup_sects;
	uint64_t payload, top;
	uint16_t version;
	long size;

	if (mem_size < LINUX_MIN_RAM) {
		snprintf(err, errlen, "Linux needs at least %u MiB of RAM", LINUX_MIN_RAM >> 20);
		return -1;
	}
	/* The file goes to 1 MiB first; the setup part is moved out below. */
	size = read_file(kernel, img, mem_size - LINUX_KERNEL, err, errlen);
	if (size < 0)
		return -1;
	if (size < HDR_END || get32(img, HDR_HEADER) != HDRS_MAGIC ||
	    img[HDR_BOOT_FLAG] != 0x55 || img[HDR_BOOT_FLAG + 1] != 0xaa) {
		snprintf(err, errlen, "%s is not a bzImage (no \"HdrS\" setup header)", kernel);
		return -1;
	}
	memcpy(&version, img + HDR_VERSION, 2);
	if (version < LINUX_MIN_VERSION || !(img[HDR_LOADFLAGS] & LOADED_HIGH)) {
		snprintf(err, errlen, "%s: boot protocol %u.%02u%s; minivmm needs 2.06 and a "
			 "kernel loaded at 1 MiB", kernel, version >> 8, version & 0xff,
			 img[HDR_LOADFLAGS] & LOADED_HIGH ? "" : ", not LOADED_HIGH");
		return -1;
	}
	setup_sects = img[HDR_SETUP_SECTS] ? img[HDR_SETUP_SECTS] : 4;
	payload = (setup_sects + 1) * 512ull;
	if ((uint64_t)size <= payload) {
		snprintf(err, errlen, "%s: no protected-mode kernel after the setup", kernel);
		return -1;
	}
	if (strlen(cmdline) > get32(img, HDR_CMDLINE_SIZE) ||
	    strlen(cmdline) >= LINUX_CMDLINE_MAX) {
		snprintf(err, errlen, "the command line is longer than the kernel's %u bytes",
			 get32(img, HDR_CMDLINE_SIZE));
		return -1;
	}
	if (LINUX_KERNEL + (uint64_t)get32(img, HDR_INIT_SIZE) > mem_size) {
		snprintf(err, errlen, "%s needs 0x%x bytes from 1 MiB: more than the guest's RAM",
			 kernel, get32(img, HDR_INIT_SIZE));
		return -1;
	}

	/* The zero page: empty, then the setup header as the file has it. */
	memset(bp, 0, 4096);
	memcpy(bp + HDR_SETUP_SECTS, img + HDR_SETUP_SECTS, HDR_END - HDR_SETUP_SECTS);
	bp[HDR_TYPE_OF_LOADER] = 0xff;
	strcpy((char *)ram + LINUX_CMDLINE, cmdline);
	put32(bp, HDR_CMD_LINE_PTR, LINUX_CMDLINE);
	/* The PC's memory map without a BIOS: low RAM below the EBDA, the
	 * BIOS area reserved, RAM from 1 MiB on. */
	e820_add(bp, 0, 0, 0x9fc00, E820_RAM);
	e820_add(bp, 1, 0x9fc00, 0x400, E820_RESERVED);
	e820_add(bp, 2, 0xf0000, 0x10000, E820_RESERVED);
	e820_add(bp, 3, LINUX_KERNEL, mem_size - LINUX_KERNEL, E820_RAM);

	/* The protected-mode kernel to 1 MiB, over the copy of the file. */
	memmove(img, img + payload, size - payload);
	memset(img + size - payload, 0, payload);
	out->kernel_end = LINUX_KERNEL + size - payload;

	out->initrd_start = out->initrd_size = 0;
	if (initrd) {
		top = (uint64_t)get32(bp, HDR_INITRD_ADDR_MAX) + 1;
		top = top < mem_size ? top : mem_size;
		size = read_file(initrd, ram + out->kernel_end,
				 top > out->kernel_end ? top - out->kernel_end : 0, err, errlen);
		if (size < 0)
			return -1;
		/* As high as allowed, page-aligned, as boot loaders place it. */
		out->initrd_start = (top - size) & ~0xfffull;
		if (out->initrd_start < LINUX_KERNEL + get32(bp, HDR_INIT_SIZE)) {
			snprintf(err, errlen, "%s does not fit between the kernel and 0x%llx",
				 initrd, (unsigned long long)top);
			return -1;
		}
		memmove(ram + out->initrd_start, ram + out->kernel_end, size);
		memset(ram + out->kernel_end, 0, out->initrd_start - out->kernel_end);
		out->initrd_size = size;
		put32(bp, HDR_RAMDISK_IMAGE, out->initrd_start);
		put32(bp, HDR_RAMDISK_SIZE, size);
	}
	out->entry = get32(bp, HDR_CODE32_START);
	out->boot_params = LINUX_BOOT_PARAMS;
	out->version = version;
	return 0;
}
