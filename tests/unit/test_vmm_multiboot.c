// SPDX-License-Identifier: GPL-2.0
/*
 * The multiboot loader: ELF32, ELF64 and a.out-kludge kernels land where
 * they say, bad kernels are refused with a reason and leave RAM alone, and
 * the boot information and memory map are exactly these bytes.
 */
#include <criterion/criterion.h>
#include <elf.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "multiboot.h"

#define RAM	(4ull << 20)
static uint8_t *mem;
static char err[256];

static void setup(void)
{
	mem = malloc(RAM);
	memset(mem, 0xaa, RAM);
}

static void teardown(void)
{
	free(mem);
}

TestSuite(vmm_multiboot, .init = setup, .fini = teardown);

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

/* A multiboot header with the right checksum at @p. */
static void header(uint8_t *p, uint32_t flags)
{
	put32(p, MULTIBOOT_HEADER_MAGIC);
	put32(p + 4, flags);
	put32(p + 8, -(MULTIBOOT_HEADER_MAGIC + flags));
}

/*
 * An ELF64 kernel: one PT_LOAD of the whole 0x100-byte file, linked at
 * the higher-half address 0xffffffff80100000 and loaded at physical
 * 0x100000, with 0x80 bytes of bss; the header at 0x78, code after it.
 */
static size_t elf64(uint8_t *img, uint64_t paddr, uint64_t memsz)
{
	Elf64_Ehdr eh = {
		.e_ident = { ELFMAG0, ELFMAG1, ELFMAG2, ELFMAG3, ELFCLASS64, ELFDATA2LSB, EV_CURRENT },
		.e_type = ET_EXEC, .e_machine = EM_X86_64, .e_version = EV_CURRENT,
		.e_entry = 0xffffffff80100090ull, .e_phoff = sizeof(Elf64_Ehdr),
		.e_ehsize = sizeof(Elf64_Ehdr), .e_phentsize = sizeof(Elf64_Phdr), .e_phnum = 1,
	};
	Elf64_Phdr ph = {
		.p_type = PT_LOAD, .p_offset = 0, .p_vaddr = 0xffffffff80100000ull,
		.p_paddr = paddr, .p_filesz = 0x100, .p_memsz = memsz, .p_flags = PF_R | PF_X,
	};

	memset(img, 0, 0x100);
	memcpy(img, &eh, sizeof(eh));
	memcpy(img + sizeof(eh), &ph, sizeof(ph));
	header(img + 0x78, MULTIBOOT_PAGE_ALIGN | MULTIBOOT_MEMORY_INFO);
	for (int i = 0x90; i < 0x100; i++)
		img[i] = i;
	return 0x100;
}

/* An ELF32 kernel: two PT_LOADs (text at 0x200000, data + bss at 0x201000)
 * and a note, linked where it loads; the header right after the program
 * headers (52 + 3 * 32 bytes = 0x94), code from 0xa0. */
static size_t elf32(uint8_t *img)
{
	Elf32_Ehdr eh = {
		.e_ident = { ELFMAG0, ELFMAG1, ELFMAG2, ELFMAG3, ELFCLASS32, ELFDATA2LSB, EV_CURRENT },
		.e_type = ET_EXEC, .e_machine = EM_386, .e_version = EV_CURRENT,
		.e_entry = 0x2000a0, .e_phoff = sizeof(Elf32_Ehdr),
		.e_ehsize = sizeof(Elf32_Ehdr), .e_phentsize = sizeof(Elf32_Phdr), .e_phnum = 3,
	};
	Elf32_Phdr ph[3] = {
		{ .p_type = PT_LOAD, .p_offset = 0, .p_vaddr = 0x200000, .p_paddr = 0x200000,
		  .p_filesz = 0x100, .p_memsz = 0x100 },
		{ .p_type = PT_NOTE, .p_offset = 0x100, .p_vaddr = 0x900000, .p_paddr = 0x900000,
		  .p_filesz = 0x10, .p_memsz = 0x10 },	/* not loaded, even outside RAM */
		{ .p_type = PT_LOAD, .p_offset = 0x100, .p_vaddr = 0x201000, .p_paddr = 0x201000,
		  .p_filesz = 0x40, .p_memsz = 0x1000 },
	};

	memset(img, 0, 0x140);
	memcpy(img, &eh, sizeof(eh));
	memcpy(img + sizeof(eh), ph, sizeof(ph));
	header(img + 0x94, 0);
	for (int i = 0xa0; i < 0x140; i++)
		img[i] = i;
	return 0x140;
}

/* An a.out-kludge kernel: a flat 0x200-byte file loaded at 0x300000, the
 * header at file offset 0x20, 0x1000 bytes of bss, entry at 0x300040. */
static size_t aout(uint8_t *img)
{
	memset(img, 0x90, 0x200);
	header(img + 0x20, MULTIBOOT_AOUT_KLUDGE | MULTIBOOT_MEMORY_INFO);
	put32(img + 0x2c, 0x300020);	/* header_addr */
	put32(img + 0x30, 0x300000);	/* load_addr */
	put32(img + 0x34, 0);		/* load_end_addr: the whole file */
	put32(img + 0x38, 0x301200);	/* bss_end_addr */
	put32(img + 0x3c, 0x300040);	/* entry_addr */
	return 0x200;
}

Test(vmm_multiboot, elf64_loads_at_paddr_with_bss_zeroed_and_a_physical_entry)
{
	struct vmm_multiboot_entry e;
	uint8_t img[0x100];
	size_t n = elf64(img, 0x100000, 0x180);

	cr_assert_eq(mb_load_kernel(mem, RAM, img, n, &e, err, sizeof(err)), 0, "%s", err);
	cr_assert_arr_eq(mem + 0x100000, img, 0x100);
	for (int i = 0x100; i < 0x180; i++)
		cr_assert_eq(mem[0x100000 + i], 0, "bss byte 0x%x", i);
	cr_assert_eq(mem[0x100180], 0xaa, "nothing past p_memsz");
	cr_assert_eq(mem[0x0fffff], 0xaa);
	cr_assert_eq(e.entry, 0x100090, "e_entry 0xffffffff80100090 through the segment");
	cr_assert_eq(e.kernel_start, 0x100000);
	cr_assert_eq(e.kernel_end, 0x100180);
}

Test(vmm_multiboot, elf32_loads_every_pt_load_and_nothing_else)
{
	struct vmm_multiboot_entry e;
	uint8_t img[0x140];
	size_t n = elf32(img);

	cr_assert_eq(mb_load_kernel(mem, RAM, img, n, &e, err, sizeof(err)), 0, "%s", err);
	cr_assert_arr_eq(mem + 0x200000, img, 0x100);
	cr_assert_eq(mem[0x200100], 0xaa, "the gap between the segments is untouched");
	cr_assert_arr_eq(mem + 0x201000, img + 0x100, 0x40);
	cr_assert_eq(mem[0x201040], 0);
	cr_assert_eq(mem[0x201fff], 0);
	cr_assert_eq(mem[0x202000], 0xaa);
	cr_assert_eq(e.entry, 0x2000a0);
	cr_assert_eq(e.kernel_start, 0x200000);
	cr_assert_eq(e.kernel_end, 0x202000);
}

Test(vmm_multiboot, aout_kludge_loads_by_the_header_address_fields)
{
	struct vmm_multiboot_entry e;
	uint8_t img[0x200];
	size_t n = aout(img);

	cr_assert_eq(mb_load_kernel(mem, RAM, img, n, &e, err, sizeof(err)), 0, "%s", err);
	cr_assert_arr_eq(mem + 0x300000, img, 0x200);
	for (int i = 0x200; i < 0x1200; i++)
		cr_assert_eq(mem[0x300000 + i], 0, "bss byte 0x%x", i);
	cr_assert_eq(mem[0x301200], 0xaa);
	cr_assert_eq(e.entry, 0x300040);
	cr_assert_eq(e.kernel_start, 0x300000);
	cr_assert_eq(e.kernel_end, 0x301200);
}

Test(vmm_multiboot, aout_kludge_with_load_end_loads_only_that_much)
{
	struct vmm_multiboot_entry e;
	uint8_t img[0x200];
	size_t n = aout(img);

	put32(img + 0x34, 0x300100);	/* load_end_addr */
	put32(img + 0x38, 0);		/* no bss */
	header(img + 0x20, MULTIBOOT_AOUT_KLUDGE);
	cr_assert_eq(mb_load_kernel(mem, RAM, img, n, &e, err, sizeof(err)), 0, "%s", err);
	cr_assert_arr_eq(mem + 0x300000, img, 0x100);
	cr_assert_eq(mem[0x300100], 0xaa);
	cr_assert_eq(e.kernel_end, 0x300100);
}

struct bad_kernel { const char *what; void (*spoil)(uint8_t *img, size_t *n); const char *reason; };

static void no_header(uint8_t *img, size_t *n)
{
	/* The only header starts at 8192: past the search. */
	memset(img, 0, 0x2100);
	header(img + 0x2000, 0);
	*n = 0x2100;
}
static void bad_checksum(uint8_t *img, size_t *n)
{
	*n = elf32(img);
	put32(img + 0x94 + 8, 0x12345678);
}
static void misaligned_header(uint8_t *img, size_t *n)
{
	*n = elf32(img);
	memmove(img + 0x96, img + 0x94, 12);
	memset(img + 0x94, 0, 2);
}
static void video_mode(uint8_t *img, size_t *n)
{
	*n = elf32(img);
	header(img + 0x94, MULTIBOOT_VIDEO_MODE);
}
static void unknown_required_flag(uint8_t *img, size_t *n)
{
	*n = elf32(img);
	header(img + 0x94, 1u << 5);
}
static void not_elf(uint8_t *img, size_t *n)
{
	*n = elf32(img);
	img[1] = 'X';
}
static void segment_past_ram(uint8_t *img, size_t *n)
{
	*n = elf64(img, RAM - 0x100, 0x180);
}
static void segment_above_4g(uint8_t *img, size_t *n)
{
	*n = elf64(img, 0x100000000ull, 0x100);
}
static void segment_past_file(uint8_t *img, size_t *n)
{
	*n = elf32(img);
	*n = 0xf0;	/* the first segment's 0x100 bytes are cut */
}
static void entry_outside(uint8_t *img, size_t *n)
{
	Elf32_Ehdr *eh = (Elf32_Ehdr *)img;

	*n = elf32(img);
	eh->e_entry = 0x400000;
}
static void wrong_machine(uint8_t *img, size_t *n)
{
	Elf32_Ehdr *eh = (Elf32_Ehdr *)img;

	*n = elf32(img);
	eh->e_machine = EM_X86_64;	/* an ELF32 must be i386 */
}
static void aout_bss_past_ram(uint8_t *img, size_t *n)
{
	*n = aout(img);
	put32(img + 0x38, RAM + 0x1000);
}
static void aout_load_after_header(uint8_t *img, size_t *n)
{
	*n = aout(img);
	put32(img + 0x30, 0x300040);	/* load_addr above header_addr */
}
static void aout_entry_in_bss(uint8_t *img, size_t *n)
{
	*n = aout(img);
	put32(img + 0x3c, 0x301000);
}

Test(vmm_multiboot, bad_kernels_are_refused_with_a_reason_and_ram_untouched)
{
	static const struct bad_kernel cases[] = {
		{ "no header in 8 KiB", no_header, "no multiboot header (magic 0x1badb002) in the first 8192 bytes" },
		{ "bad checksum", bad_checksum, "the multiboot header at offset 0x94 has a bad checksum" },
		{ "misaligned header", misaligned_header, "no multiboot header" },
		{ "video mode", video_mode, "requires a video mode (multiboot header flag 2)" },
		{ "unknown requirement", unknown_required_flag, "(multiboot header flags 0x0020)" },
		{ "not ELF", not_elf, "neither an ELF file nor an a.out-kludge image" },
		{ "segment past RAM", segment_past_ram, "ELF segment 0 (0x3fff00..0x400080) is outside guest RAM" },
		{ "segment above 4G", segment_above_4g, "is outside guest RAM (0..0x400000, and below 4 GiB)" },
		{ "segment past file", segment_past_file, "ELF segment 0: bad sizes" },
		{ "entry outside", entry_outside, "the ELF entry point 0x400000 is in no loadable segment" },
		{ "wrong machine", wrong_machine, "not an x86 ELF32 executable (e_type 2, e_machine 62)" },
		{ "a.out bss past RAM", aout_bss_past_ram, "a.out kludge: the image (0x300000..0x401000) is outside guest RAM" },
		{ "a.out load after header", aout_load_after_header, "a.out kludge: load_addr 0x300040 is not in the file" },
		{ "a.out entry in bss", aout_entry_in_bss, "a.out kludge: entry_addr 0x301000 is outside the loaded image" },
	};
	static uint8_t img[0x2100];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct vmm_multiboot_entry e;
		size_t n;

		cases[i].spoil(img, &n);
		err[0] = '\0';
		cr_assert_eq(mb_load_kernel(mem, RAM, img, n, &e, err, sizeof(err)), -1,
			     "%s: accepted", cases[i].what);
		cr_assert(strstr(err, cases[i].reason), "%s: got '%s', want '%s'",
			  cases[i].what, err, cases[i].reason);
		for (uint64_t a = 0; a < RAM; a += 0x1000)
			cr_assert_eq(mem[a], 0xaa, "%s: RAM written at 0x%llx", cases[i].what,
				     (unsigned long long)a);
	}
}

/* The memory map of a 32 MiB guest, byte for byte (multiboot.h). */
static const uint8_t mmap_32m[96] = {
	/* size 20, base 0, length 0x9fc00, type 1 (available) */
	0x14, 0, 0, 0,  0, 0, 0, 0, 0, 0, 0, 0,  0x00, 0xfc, 0x09, 0, 0, 0, 0, 0,  1, 0, 0, 0,
	/* size 20, base 0x9fc00, length 0x400, type 2 (reserved: EBDA) */
	0x14, 0, 0, 0,  0x00, 0xfc, 0x09, 0, 0, 0, 0, 0,  0x00, 0x04, 0, 0, 0, 0, 0, 0,  2, 0, 0, 0,
	/* size 20, base 0xf0000, length 0x10000, type 2 (reserved: BIOS) */
	0x14, 0, 0, 0,  0x00, 0x00, 0x0f, 0, 0, 0, 0, 0,  0x00, 0x00, 0x01, 0, 0, 0, 0, 0,  2, 0, 0, 0,
	/* size 20, base 0x100000, length 0x1f00000, type 1 */
	0x14, 0, 0, 0,  0x00, 0x00, 0x10, 0, 0, 0, 0, 0,  0x00, 0x00, 0xf0, 0x01, 0, 0, 0, 0,  1, 0, 0, 0,
};

Test(vmm_multiboot, the_memory_map_has_the_pc_hole_below_1m)
{
	struct multiboot_mmap_entry map[MB_MAX_MMAP];

	cr_assert_eq(mb_memory_map(32ull << 20, map), 4);
	cr_assert_arr_eq(map, mmap_32m, sizeof(mmap_32m));
}

Test(vmm_multiboot, the_boot_information_is_exactly_these_bytes)
{
	static const uint8_t info[0x74] = {
		0x4d, 0x02, 0, 0,	/* +0x00 flags: MEMORY CMDLINE MODS MEM_MAP BOOT_LOADER_NAME */
		0x7f, 0x02, 0, 0,	/* +0x04 mem_lower 639 KiB */
		0x00, 0x7c, 0, 0,	/* +0x08 mem_upper 31744 KiB (32 MiB - 1 MiB) */
		0, 0, 0, 0,		/* +0x0c boot_device: none */
		0x10, 0x02, 0x20, 0,	/* +0x10 cmdline 0x200210 */
		2, 0, 0, 0,		/* +0x14 mods_count */
		0x00, 0x01, 0x20, 0,	/* +0x18 mods_addr 0x200100 */
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,	/* +0x1c syms */
		0x60, 0, 0, 0,		/* +0x2c mmap_length 96 */
		0x80, 0x00, 0x20, 0,	/* +0x30 mmap_addr 0x200080 */
		0, 0, 0, 0, 0, 0, 0, 0,	/* +0x34 drives */
		0, 0, 0, 0,		/* +0x3c config_table */
		0x00, 0x02, 0x20, 0,	/* +0x40 boot_loader_name 0x200200 */
		/* +0x44 .. +0x73: APM, VBE, framebuffer: all zero */
	};
	static const uint8_t mods[32] = {
		0x00, 0x00, 0x11, 0,  0x05, 0x00, 0x11, 0,  0x1e, 0x02, 0x20, 0,  0, 0, 0, 0,
		0x00, 0x10, 0x11, 0,  0x00, 0x11, 0x11, 0,  0x27, 0x02, 0x20, 0,  0, 0, 0, 0,
	};
	static const char strings[] = "console=ttyS0\0mod0 arg\0second";
	const struct mb_module m[2] = {
		{ 0x110000, 0x110005, "mod0 arg" },
		{ 0x111000, 0x111100, "second" },
	};
	const uint64_t ram = 32ull << 20;
	uint8_t *big = malloc(ram);

	memset(big, 0xaa, ram);
	cr_assert_eq(mb_build_info(big, ram, 0x200000, "console=ttyS0", m, 2), 0x22e);
	cr_assert_arr_eq(big + 0x200000, info, sizeof(info));
	for (int i = 0x74; i < 0x80; i++)
		cr_assert_eq(big[0x200000 + i], 0, "padding +0x%x", i);
	cr_assert_arr_eq(big + 0x200080, mmap_32m, sizeof(mmap_32m));
	cr_assert_arr_eq(big + 0x200100, mods, sizeof(mods));
	cr_assert_str_eq((char *)big + 0x200200, "minivmm");
	cr_assert_arr_eq(big + 0x200210, strings, sizeof(strings));
	cr_assert_eq(big[0x20022e], 0xaa, "nothing past the last string");
	cr_assert_eq(big[0x1fffff], 0xaa);
	free(big);
}

Test(vmm_multiboot, the_boot_information_must_fit_below_the_end_of_ram)
{
	cr_assert_eq(mb_build_info(mem, RAM, RAM - 0x100, "", NULL, 0), -1);
	cr_assert_eq(mb_build_info(mem, RAM, RAM - 0x211, "", NULL, 0), 0x211, "just fits");
	cr_assert_eq(mb_build_info(mem, 1ull << 20, 0x1000, "", NULL, 0), -1, "1 MiB of RAM");
}

static char kpath[64], mpath[2][64];

static void write_file(char *path, const void *data, size_t len)
{
	int fd;

	strcpy(path, "/tmp/minivmm-mb-XXXXXX");
	fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, data, len), (ssize_t)len);
	close(fd);
}

static void remove_files(void)
{
	unlink(kpath);
	unlink(mpath[0]);
	unlink(mpath[1]);
}

Test(vmm_multiboot, modules_and_information_follow_the_kernel_page_aligned,
     .fini = remove_files)
{
	struct vmm_multiboot_entry e;
	struct vmm_module mods[2];
	const struct multiboot_info *info;
	const struct multiboot_mod_list *ml;
	uint8_t img[0x100];

	write_file(kpath, img, elf64(img, 0x100000, 0x1800));
	write_file(mpath[0], "first module", 12);
	write_file(mpath[1], "2", 1);
	mods[0] = (struct vmm_module) { mpath[0], "one" };
	mods[1] = (struct vmm_module) { mpath[1], mpath[1] };
	cr_assert_eq(vmm_multiboot_load(mem, RAM, kpath, "quiet", mods, 2, &e, err, sizeof(err)),
		     0, "%s", err);
	cr_assert_eq(e.entry, 0x100090);
	cr_assert_eq(e.info, 0x104000, "kernel to 0x101800, modules at 0x102000 and 0x103000");
	cr_assert_arr_eq(mem + 0x102000, "first module", 12);
	cr_assert_eq(mem[0x103000], '2');
	info = (const struct multiboot_info *)(mem + 0x104000);
	cr_assert_eq(info->mods_count, 2);
	ml = (const struct multiboot_mod_list *)(mem + info->mods_addr);
	cr_assert_eq(ml[0].mod_start, 0x102000);
	cr_assert_eq(ml[0].mod_end, 0x10200c);
	cr_assert_str_eq((char *)mem + ml[0].cmdline, "one");
	cr_assert_eq(ml[1].mod_start, 0x103000);
	cr_assert_eq(ml[1].mod_end, 0x103001);
	cr_assert_str_eq((char *)mem + ml[1].cmdline, mpath[1]);
	cr_assert_str_eq((char *)mem + info->cmdline, "quiet");
	cr_assert_eq(info->mem_upper, 3 * 1024);
}

Test(vmm_multiboot, a_kernel_below_1m_still_gets_its_modules_above_1m, .fini = remove_files)
{
	struct vmm_multiboot_entry e;
	uint8_t img[0x100];

	write_file(kpath, img, elf64(img, 0x8000, 0x100));
	cr_assert_eq(vmm_multiboot_load(mem, RAM, kpath, "", NULL, 0, &e, err, sizeof(err)),
		     0, "%s", err);
	cr_assert_eq(e.info, 0x100000);
}

Test(vmm_multiboot, files_that_cannot_be_loaded_are_named, .fini = remove_files)
{
	struct vmm_multiboot_entry e;
	struct vmm_module mod = { "/nonexistent/m", "m" };
	uint8_t img[0x100];

	cr_assert_eq(vmm_multiboot_load(mem, RAM, "/nonexistent/k", "", NULL, 0, &e, err,
					sizeof(err)), -1);
	cr_assert(strstr(err, "cannot open /nonexistent/k"), "%s", err);
	write_file(kpath, img, elf64(img, 0x100000, 0x100));
	cr_assert_eq(vmm_multiboot_load(mem, RAM, kpath, "", &mod, 1, &e, err, sizeof(err)), -1);
	cr_assert(strstr(err, "module /nonexistent/m: cannot open"), "%s", err);
	img[0x78] = 0;			/* no magic any more */
	write_file(kpath, img, 0x100);
	cr_assert_eq(vmm_multiboot_load(mem, RAM, kpath, "", NULL, 0, &e, err, sizeof(err)), -1);
	cr_assert(strstr(err, ": no multiboot header"), "%s", err);
	cr_assert_eq(vmm_multiboot_load(mem, 1ull << 20, kpath, "", NULL, 0, &e, err,
					sizeof(err)), -1);
	cr_assert(strstr(err, "more than 1 MiB of RAM"), "%s", err);
}
