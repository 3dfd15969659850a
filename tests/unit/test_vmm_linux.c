// SPDX-License-Identifier: GPL-2.0
/* The bzImage loader (final/vmm/linux.c) against the x86 boot protocol:
 * an image built here with the header fields boot.rst defines. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "minivmm.h"

#define RAM		(64u << 20)
#define SETUP_SECTS	3
#define PAYLOAD		5000		/* bytes of "protected-mode kernel" */

static char kpath[64], ipath[64];
static uint8_t *ram;

static void write_file(char *path, const void *data, size_t len)
{
	int fd;

	strcpy(path, "/tmp/minivmm-linux-XXXXXX");
	fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, data, len), (ssize_t)len);
	close(fd);
}

/** A bzImage of SETUP_SECTS setup sectors and PAYLOAD bytes of kernel
 *  (byte i = i * 7), with boot protocol @version and @loadflags. */
static void write_bzimage(uint16_t version, uint8_t loadflags, uint32_t init_size)
{
	size_t len = (SETUP_SECTS + 1) * 512 + PAYLOAD;
	uint8_t *f = calloc(1, len);
	uint32_t v;

	f[0x1f1] = SETUP_SECTS;
	f[0x1fe] = 0x55;
	f[0x1ff] = 0xaa;
	memcpy(f + 0x202, "HdrS", 4);
	memcpy(f + 0x206, &version, 2);
	f[0x211] = loadflags;
	v = 0x100000;
	memcpy(f + 0x214, &v, 4);		/* code32_start */
	v = 0x37ffffff;
	memcpy(f + 0x22c, &v, 4);		/* initrd_addr_max */
	v = 2047;
	memcpy(f + 0x238, &v, 4);		/* cmdline_size */
	memcpy(f + 0x260, &init_size, 4);
	for (size_t i = 0; i < PAYLOAD; i++)
		f[(SETUP_SECTS + 1) * 512 + i] = (uint8_t)(i * 7);
	write_file(kpath, f, len);
	free(f);
}

static void setup(void)
{
	ram = calloc(1, RAM);
	cr_assert_not_null(ram);
	kpath[0] = ipath[0] = '\0';
}

static void teardown(void)
{
	free(ram);
	if (kpath[0])
		unlink(kpath);
	if (ipath[0])
		unlink(ipath);
}

static uint32_t bp32(unsigned int off)
{
	uint32_t v;

	memcpy(&v, ram + LINUX_BOOT_PARAMS + off, 4);
	return v;
}

TestSuite(vmm_linux, .init = setup, .fini = teardown);

Test(vmm_linux, kernel_zero_page_command_line_and_memory_map)
{
	struct vmm_linux_entry l;
	char err[256];
	uint64_t addr, size;
	uint32_t type;

	write_bzimage(0x020f, 1, 0x400000);
	cr_assert_eq(vmm_linux_load(ram, RAM, kpath, NULL, "console=ttyS0", &l, err,
				    sizeof(err)), 0, "%s", err);
	/* The protected-mode part at 1 MiB, nothing after it. */
	for (unsigned int i = 0; i < PAYLOAD; i++)
		cr_assert_eq(ram[LINUX_KERNEL + i], (uint8_t)(i * 7), "byte %u", i);
	cr_assert_eq(ram[LINUX_KERNEL + PAYLOAD], 0);
	cr_assert_eq(l.kernel_end, LINUX_KERNEL + PAYLOAD);
	cr_assert_eq(l.entry, 0x100000);
	cr_assert_eq(l.boot_params, LINUX_BOOT_PARAMS);
	cr_assert_eq(l.version, 0x020f);
	/* The zero page: the header copied, the loader's fields set. */
	cr_assert_eq(bp32(0x202), 0x53726448);
	cr_assert_eq(ram[LINUX_BOOT_PARAMS + 0x210], 0xff);
	cr_assert_eq(bp32(0x228), LINUX_CMDLINE);
	cr_assert_str_eq((char *)ram + LINUX_CMDLINE, "console=ttyS0");
	cr_assert_eq(bp32(0x218), 0);		/* no initrd */
	/* Four e820 entries; the last is RAM from 1 MiB to the end. */
	cr_assert_eq(ram[LINUX_BOOT_PARAMS + 0x1e8], 4);
	memcpy(&addr, ram + LINUX_BOOT_PARAMS + 0x2d0 + 3 * 20, 8);
	memcpy(&size, ram + LINUX_BOOT_PARAMS + 0x2d0 + 3 * 20 + 8, 8);
	memcpy(&type, ram + LINUX_BOOT_PARAMS + 0x2d0 + 3 * 20 + 16, 4);
	cr_assert_eq(addr, 0x100000);
	cr_assert_eq(size, RAM - 0x100000);
	cr_assert_eq(type, 1);
}

Test(vmm_linux, the_initrd_goes_high_and_page_aligned)
{
	static uint8_t rd[10000];
	struct vmm_linux_entry l;
	char err[256];

	for (unsigned int i = 0; i < sizeof(rd); i++)
		rd[i] = (uint8_t)(i * 13 + 1);
	write_file(ipath, rd, sizeof(rd));
	write_bzimage(0x020f, 1, 0x400000);
	cr_assert_eq(vmm_linux_load(ram, RAM, kpath, ipath, "", &l, err, sizeof(err)), 0,
		     "%s", err);
	cr_assert_eq(l.initrd_size, sizeof(rd));
	cr_assert_eq(l.initrd_start, (RAM - sizeof(rd)) & ~0xfffull);
	cr_assert_arr_eq(ram + l.initrd_start, rd, sizeof(rd));
	cr_assert_eq(bp32(0x218), l.initrd_start);
	cr_assert_eq(bp32(0x21c), sizeof(rd));
	cr_assert_eq(ram[LINUX_KERNEL + PAYLOAD], 0);	/* the staging copy is gone */
}

Test(vmm_linux, what_it_refuses)
{
	struct vmm_linux_entry l;
	char err[256], longline[3000];

	write_bzimage(0x0205, 1, 0x400000);
	cr_assert_eq(vmm_linux_load(ram, RAM, kpath, NULL, "", &l, err, sizeof(err)), -1);
	cr_assert(strstr(err, "boot protocol 2.05"), "%s", err);
	unlink(kpath);

	write_bzimage(0x020f, 0, 0x400000);
	cr_assert_eq(vmm_linux_load(ram, RAM, kpath, NULL, "", &l, err, sizeof(err)), -1);
	cr_assert(strstr(err, "not LOADED_HIGH"), "%s", err);
	unlink(kpath);

	write_bzimage(0x020f, 1, RAM);
	cr_assert_eq(vmm_linux_load(ram, RAM, kpath, NULL, "", &l, err, sizeof(err)), -1);
	cr_assert(strstr(err, "more than the guest's RAM"), "%s", err);
	unlink(kpath);

	write_bzimage(0x020f, 1, 0x400000);
	memset(longline, 'x', sizeof(longline) - 1);
	longline[sizeof(longline) - 1] = '\0';
	cr_assert_eq(vmm_linux_load(ram, RAM, kpath, NULL, longline, &l, err, sizeof(err)), -1);
	cr_assert(strstr(err, "longer than the kernel's 2047 bytes"), "%s", err);

	write_file(ipath, "HdrS", 4);	/* not a bzImage: too short, no header */
	cr_assert_eq(vmm_linux_load(ram, RAM, ipath, NULL, "", &l, err, sizeof(err)), -1);
	cr_assert(strstr(err, "is not a bzImage"), "%s", err);
}
