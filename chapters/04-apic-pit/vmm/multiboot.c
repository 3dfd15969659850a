// SPDX-License-Identifier: GPL-2.0
/**
 * @file multiboot.c
 * @brief A Multiboot v1 loader, the one QEMU's -kernel runs for a kernel
 * that is not a Linux bzImage.
 *
 * "The Multiboot Specification version 0.6.96" (GNU GRUB) says what a
 * kernel asks for and what a boot loader gives it:
 *  - 3.1: a header in the first 8192 bytes of the file, 32-bit aligned,
 *    whose magic, flags and checksum add up to zero (mod 2^32);
 *  - the image is an ELF file, loaded by its program headers, unless
 *    header flag 16 is set: then the header's own address fields say
 *    which bytes of the file go where (the "a.out kludge", 3.1.4);
 *  - 3.3: the boot information (memory sizes, a memory map, the command
 *    line, the modules), all below 4 GiB;
 *  - 3.2: the entry state: 32-bit protected mode, paging off, flat
 *    segments, EAX = 0x2BADB002, EBX = the boot information's address.
 *    main.c sets that state (vmm_flat32_sregs() in entry.c).
 *
 * Simplifying assumptions, stated up front: no video mode (a kernel that
 * requires one, header flag 2, is refused), no boot device, no symbol
 * tables; ELF kernels load at their segments' physical addresses
 * (p_paddr), as GRUB does.  Everything is copied into guest RAM (slot 0),
 * which must hold it, below 4 GiB.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "multiboot.h"

#define FOUR_GIB	(1ull << 32)	/**< the boot information uses 32-bit addresses */
#define MAX_SEGMENTS	32		/**< PT_LOAD entries minivmm loads */
#define MAX_KERNEL_SIZE	(256ull << 20)	/**< a sanity bound on the file */

/** The little-endian 32-bit word at @p, aligned or not. */
static uint32_t get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/** @v rounded up to a multiple of @align, a power of two. */
static uint64_t round_up(uint64_t v, uint64_t align)
{
	return (v + align - 1) & ~(align - 1);
}

/**
 * Find the multiboot header of the image @img (@len bytes): the first
 * 32-bit aligned MULTIBOOT_HEADER_MAGIC in the first MULTIBOOT_SEARCH
 * bytes whose checksum is right (3.1, 3.1.2).  Copies the header into
 * @hdr (fields past the end of the file read as 0) and its file offset
 * into @offset.  Returns 0, or -1 with the reason in @err.
 */
int mb_find_header(const uint8_t *img, size_t len, struct multiboot_header *hdr,
		   size_t *offset, char *err, size_t errlen)
{
	size_t end = len < MULTIBOOT_SEARCH ? len : MULTIBOOT_SEARCH;
	size_t bad_sum = 0;
	int seen = 0;

	for (size_t off = 0; off + MULTIBOOT_HEADER_MIN <= end; off += MULTIBOOT_HEADER_ALIGN) {
		uint32_t magic = get32(img + off);

		if (magic != MULTIBOOT_HEADER_MAGIC)
			continue;
		/* A magic with a wrong sum is just data; GRUB searches on. */
		if ((uint32_t)(magic + get32(img + off + 4) + get32(img + off + 8))) {
			if (!seen++)
				bad_sum = off;
			continue;
		}
		memset(hdr, 0, sizeof(*hdr));
		memcpy(hdr, img + off, len - off < sizeof(*hdr) ? len - off : sizeof(*hdr));
		*offset = off;
		return 0;
	}
	if (seen)
		snprintf(err, errlen, "the multiboot header at offset 0x%zx has a bad checksum "
			 "(magic + flags + checksum must be 0 mod 2^32)", bad_sum);
	else
		snprintf(err, errlen, "no multiboot header (magic 0x%08x) in the first %d bytes",
			 MULTIBOOT_HEADER_MAGIC, MULTIBOOT_SEARCH);
	return -1;
}

/** Is [addr, addr + len) inside guest RAM and below 4 GiB? */
static int fits(uint64_t mem_size, uint64_t addr, uint64_t len)
{
	uint64_t limit = mem_size < FOUR_GIB ? mem_size : FOUR_GIB;

	return len <= limit && addr <= limit - len;
}

/** 3.1.4: load by the header's address fields (flag 16). */
static int load_aout_kludge(void *mem, uint64_t mem_size, const uint8_t *img, size_t len,
			    const struct multiboot_header *h, size_t off,
			    struct vmm_multiboot_entry *out, char *err, size_t errlen)
{
	uint64_t load_end, bss_end, file_off;

	if (off + MULTIBOOT_HEADER_AOUT > len) {
		snprintf(err, errlen, "the multiboot header sets flag 16 but the file ends "
			 "inside its address fields");
		return -1;
	}
	/* The header's own position in the file ties file offsets to addresses. */
	if (h->load_addr > h->header_addr || h->header_addr - h->load_addr > off) {
		snprintf(err, errlen, "a.out kludge: load_addr 0x%x is not in the file "
			 "before header_addr 0x%x", h->load_addr, h->header_addr);
		return -1;
	}
	file_off = off - (h->header_addr - h->load_addr);
	load_end = h->load_end_addr ? h->load_end_addr : h->load_addr + (len - file_off);
	if (load_end < h->load_addr || load_end - h->load_addr > len - file_off) {
		snprintf(err, errlen, "a.out kludge: load_end_addr 0x%llx is beyond the end "
			 "of the file", (unsigned long long)load_end);
		return -1;
	}
	bss_end = h->bss_end_addr ? h->bss_end_addr : load_end;
	if (bss_end < load_end) {
		snprintf(err, errlen, "a.out kludge: bss_end_addr 0x%x is below load_end_addr 0x%llx",
			 h->bss_end_addr, (unsigned long long)load_end);
		return -1;
	}
	if (!fits(mem_size, h->load_addr, bss_end - h->load_addr)) {
		snprintf(err, errlen, "a.out kludge: the image (0x%x..0x%llx) is outside guest "
			 "RAM (0..0x%llx)", h->load_addr, (unsigned long long)bss_end,
			 (unsigned long long)mem_size);
		return -1;
	}
	if (h->entry_addr < h->load_addr || h->entry_addr >= load_end) {
		snprintf(err, errlen, "a.out kludge: entry_addr 0x%x is outside the loaded "
			 "image (0x%x..0x%llx)", h->entry_addr, h->load_addr,
			 (unsigned long long)load_end);
		return -1;
	}
	memcpy((uint8_t *)mem + h->load_addr, img + file_off, load_end - h->load_addr);
	memset((uint8_t *)mem + load_end, 0, bss_end - load_end);
	out->entry = h->entry_addr;
	out->kernel_start = h->load_addr;
	out->kernel_end = bss_end;
	return 0;
}

/** One program header, whatever the ELF class. */
struct segment {
	uint32_t type;		/**< p_type: PT_LOAD is loaded */
	uint64_t offset;	/**< p_offset: where its bytes are in the file */
	uint64_t vaddr;		/**< p_vaddr: where it is linked */
	uint64_t paddr;		/**< p_paddr: where it is loaded */
	uint64_t filesz;	/**< p_filesz: bytes from the file */
	uint64_t memsz;		/**< p_memsz: bytes in memory, the rest zeroed */
};

/** ELF's program headers, in <elf.h>'s structures (System V ABI, "Program Header"). */
static void get_phdr(const uint8_t *p, int is64, struct segment *s)
{
	if (is64) {
		Elf64_Phdr ph;

		memcpy(&ph, p, sizeof(ph));
		*s = (struct segment) { ph.p_type, ph.p_offset, ph.p_vaddr, ph.p_paddr,
					ph.p_filesz, ph.p_memsz };
	} else {
		Elf32_Phdr ph;

		memcpy(&ph, p, sizeof(ph));
		*s = (struct segment) { ph.p_type, ph.p_offset, ph.p_vaddr, ph.p_paddr,
					ph.p_filesz, ph.p_memsz };
	}
}

/**
 * Load an ELF32 (EM_386) or ELF64 (EM_X86_64) executable: each PT_LOAD
 * segment's p_filesz bytes at p_paddr, the rest of p_memsz zeroed.  The
 * entry point e_entry is a virtual address; it is turned into a physical
 * one through the segment that holds it, since paging is off at entry.
 */
static int load_elf(void *mem, uint64_t mem_size, const uint8_t *img, size_t len,
		    struct vmm_multiboot_entry *out, char *err, size_t errlen)
{
	struct segment seg[MAX_SEGMENTS];
	uint64_t entry, phoff, start = ~0ull, end = 0;
	unsigned int n = 0, phnum, phentsize;
	int is64, found = 0;
	uint16_t type, machine;

	is64 = img[EI_CLASS] == ELFCLASS64;
	if ((img[EI_CLASS] != ELFCLASS32 && !is64) || img[EI_DATA] != ELFDATA2LSB ||
	    len < (is64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr))) {
		snprintf(err, errlen, "not a little-endian ELF32 or ELF64 file");
		return -1;
	}
	if (is64) {
		Elf64_Ehdr eh;

		memcpy(&eh, img, sizeof(eh));
		type = eh.e_type, machine = eh.e_machine, entry = eh.e_entry;
		phoff = eh.e_phoff, phnum = eh.e_phnum, phentsize = eh.e_phentsize;
	} else {
		Elf32_Ehdr eh;

		memcpy(&eh, img, sizeof(eh));
		type = eh.e_type, machine = eh.e_machine, entry = eh.e_entry;
		phoff = eh.e_phoff, phnum = eh.e_phnum, phentsize = eh.e_phentsize;
	}
	if (type != ET_EXEC || machine != (is64 ? EM_X86_64 : EM_386)) {
		snprintf(err, errlen, "not an x86 ELF%d executable (e_type %u, e_machine %u)",
			 is64 ? 64 : 32, type, machine);
		return -1;
	}
	if (phentsize != (is64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr)) ||
	    phoff > len || (uint64_t)phnum * phentsize > len - phoff) {
		snprintf(err, errlen, "bad ELF program header table (%u entries of %u bytes at 0x%llx)",
			 phnum, phentsize, (unsigned long long)phoff);
		return -1;
	}

	/* First check every segment, so that a bad one leaves RAM untouched. */
	for (unsigned int i = 0; i < phnum; i++) {
		struct segment s;

		get_phdr(img + phoff + (uint64_t)i * phentsize, is64, &s);
		if (s.type != PT_LOAD || !s.memsz)
			continue;
		if (n == MAX_SEGMENTS) {
			snprintf(err, errlen, "more than %d loadable ELF segments", MAX_SEGMENTS);
			return -1;
		}
		if (s.filesz > s.memsz || s.offset > len || s.filesz > len - s.offset) {
			snprintf(err, errlen, "ELF segment %u: bad sizes (file 0x%llx bytes at 0x%llx, "
				 "memory 0x%llx bytes)", i, (unsigned long long)s.filesz,
				 (unsigned long long)s.offset, (unsigned long long)s.memsz);
			return -1;
		}
		if (!fits(mem_size, s.paddr, s.memsz)) {
			snprintf(err, errlen, "ELF segment %u (0x%llx..0x%llx) is outside guest RAM "
				 "(0..0x%llx, and below 4 GiB)", i, (unsigned long long)s.paddr,
				 (unsigned long long)(s.paddr + s.memsz), (unsigned long long)mem_size);
			return -1;
		}
		if (!found && entry >= s.vaddr && entry - s.vaddr < s.memsz) {
			out->entry = (uint32_t)(s.paddr + (entry - s.vaddr));
			found = 1;
		}
		if (s.paddr < start)
			start = s.paddr;
		if (s.paddr + s.memsz > end)
			end = s.paddr + s.memsz;
		seg[n++] = s;
	}
	if (!n) {
		snprintf(err, errlen, "no loadable ELF segment");
		return -1;
	}
	if (!found) {
		snprintf(err, errlen, "the ELF entry point 0x%llx is in no loadable segment",
			 (unsigned long long)entry);
		return -1;
	}
	for (unsigned int i = 0; i < n; i++) {
		memcpy((uint8_t *)mem + seg[i].paddr, img + seg[i].offset, seg[i].filesz);
		memset((uint8_t *)mem + seg[i].paddr + seg[i].filesz, 0,
		       seg[i].memsz - seg[i].filesz);
	}
	out->kernel_start = start;
	out->kernel_end = end;
	return 0;
}

/**
 * Load the multiboot kernel image @img (@len bytes) into guest RAM @mem:
 * find its header, refuse what minivmm cannot give, then load it by the
 * header's address fields (flag 16) or as ELF.  Fills @out's entry,
 * kernel_start and kernel_end.  Returns 0, or -1 with the reason in @err;
 * on error RAM is left untouched.
 */
int mb_load_kernel(void *mem, uint64_t mem_size, const uint8_t *img, size_t len,
		   struct vmm_multiboot_entry *out, char *err, size_t errlen)
{
	struct multiboot_header h;
	uint32_t unknown;
	size_t off;

	if (mb_find_header(img, len, &h, &off, err, errlen))
		return -1;
	/* 3.1.3: a requirement the loader cannot meet must stop the boot. */
	if (h.flags & MULTIBOOT_VIDEO_MODE) {
		snprintf(err, errlen, "the kernel requires a video mode (multiboot header "
			 "flag 2); minivmm has no display");
		return -1;
	}
	unknown = h.flags & MULTIBOOT_REQUIRED_MASK &
		  ~(MULTIBOOT_PAGE_ALIGN | MULTIBOOT_MEMORY_INFO);
	if (unknown) {
		snprintf(err, errlen, "the kernel requires features minivmm does not know "
			 "(multiboot header flags 0x%04x)", unknown);
		return -1;
	}
	if (h.flags & MULTIBOOT_AOUT_KLUDGE)
		return load_aout_kludge(mem, mem_size, img, len, &h, off, out, err, errlen);
	if (len < SELFMAG || memcmp(img, ELFMAG, SELFMAG)) {
		snprintf(err, errlen, "neither an ELF file nor an a.out-kludge image "
			 "(multiboot header flag 16)");
		return -1;
	}
	return load_elf(mem, mem_size, img, len, out, err, errlen);
}

/** One memory map entry: [@addr, @addr + @len) is of @type. */
static void put_mmap(struct multiboot_mmap_entry *e, uint64_t addr, uint64_t len,
		     uint32_t type)
{
	*e = (struct multiboot_mmap_entry) {
		.size = sizeof(*e) - sizeof(e->size),
		.addr = addr, .len = len, .type = type,
	};
}

/** Fill @map (MB_MAX_MMAP entries) for @mem_size bytes of RAM, which must
 *  be more than 1 MiB; see multiboot.h.  Returns the number of entries. */
unsigned int mb_memory_map(uint64_t mem_size, struct multiboot_mmap_entry *map)
{
	put_mmap(&map[0], 0, MB_LOWER_END, MULTIBOOT_MEMORY_AVAILABLE);
	put_mmap(&map[1], MB_LOWER_END, MB_EBDA_END - MB_LOWER_END, MULTIBOOT_MEMORY_RESERVED);
	put_mmap(&map[2], MB_BIOS_START, MB_UPPER_START - MB_BIOS_START,
		 MULTIBOOT_MEMORY_RESERVED);
	put_mmap(&map[3], MB_UPPER_START, mem_size - MB_UPPER_START, MULTIBOOT_MEMORY_AVAILABLE);
	return 4;
}

/**
 * Write the multiboot information area (layout: multiboot.h) at @addr in
 * guest RAM @mem: the info structure with memory sizes, memory map,
 * command line @cmdline, the @nr_mods modules @mods and the boot loader's
 * name.  Returns the number of bytes used, or -1 if it does not fit in
 * RAM below 4 GiB, RAM is 1 MiB or less, or there are too many modules.
 */
int64_t mb_build_info(void *mem, uint64_t mem_size, uint32_t addr,
		      const char *cmdline, const struct mb_module *mods,
		      unsigned int nr_mods)
{
	struct multiboot_mmap_entry map[MB_MAX_MMAP];
	struct multiboot_info info = { 0 };
	uint8_t *base = (uint8_t *)mem + addr;
	uint64_t size = MBI_STRINGS_OFF + strlen(cmdline) + 1, str;
	unsigned int nr_map;

	if (mem_size <= MB_UPPER_START || nr_mods > VMM_MAX_MODULES)
		return -1;
	for (unsigned int i = 0; i < nr_mods; i++)
		size += strlen(mods[i].string) + 1;
	if (!fits(mem_size, addr, size))
		return -1;
	memset(base, 0, size);

	nr_map = mb_memory_map(mem_size, map);
	memcpy(base + MBI_MMAP_OFF, map, nr_map * sizeof(map[0]));
	memcpy(base + MBI_NAME_OFF, MBI_NAME, sizeof(MBI_NAME));
	str = MBI_STRINGS_OFF;
	strcpy((char *)base + str, cmdline);
	info.cmdline = addr + str;
	str += strlen(cmdline) + 1;
	for (unsigned int i = 0; i < nr_mods; i++) {
		struct multiboot_mod_list m = {
			.mod_start = mods[i].start,
			.mod_end = mods[i].end,
			.cmdline = addr + str,
		};

		memcpy(base + MBI_MODS_OFF + i * sizeof(m), &m, sizeof(m));
		strcpy((char *)base + str, mods[i].string);
		str += strlen(mods[i].string) + 1;
	}

	/* GRUB and QEMU set the module flag even for no modules; so do we. */
	info.flags = MULTIBOOT_INFO_MEMORY | MULTIBOOT_INFO_CMDLINE | MULTIBOOT_INFO_MODS |
		     MULTIBOOT_INFO_MEM_MAP | MULTIBOOT_INFO_BOOT_LOADER_NAME;
	info.mem_lower = MB_LOWER_END / 1024;
	info.mem_upper = (mem_size - MB_UPPER_START) / 1024 > UINT32_MAX ?
			 UINT32_MAX : (uint32_t)((mem_size - MB_UPPER_START) / 1024);
	info.mods_count = nr_mods;
	info.mods_addr = addr + MBI_MODS_OFF;
	info.mmap_length = nr_map * sizeof(map[0]);
	info.mmap_addr = addr + MBI_MMAP_OFF;
	info.boot_loader_name = addr + MBI_NAME_OFF;
	memcpy(base + MBI_INFO_OFF, &info, sizeof(info));
	return (int64_t)size;
}

/** Read all of @path (1 .. @max bytes) into a new buffer. */
static uint8_t *read_file(const char *path, size_t max, size_t *len,
			  char *err, size_t errlen)
{
	struct stat st;
	uint8_t *buf = NULL;
	size_t done = 0;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY);
	if (fd < 0) {
		snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_size == 0 ||
	    (uint64_t)st.st_size > max) {
		snprintf(err, errlen, "%s is not a regular file of 1 byte to %zu MiB",
			 path, max >> 20);
		goto out;
	}
	buf = malloc(st.st_size);
	if (!buf) {
		snprintf(err, errlen, "%s: out of memory", path);
		goto out;
	}
	while (done < (size_t)st.st_size) {
		n = read(fd, buf + done, st.st_size - done);
		if (n <= 0) {
			snprintf(err, errlen, "cannot read %s: %s", path,
				 n ? strerror(errno) : "short read");
			free(buf);
			buf = NULL;
			goto out;
		}
		done += n;
	}
	*len = done;
out:
	close(fd);
	return buf;
}

/**
 * Load the multiboot kernel @kernel and its @nr_mods modules into guest
 * RAM, and write the boot information for @cmdline.  Memory use, from
 * the kernel up (as QEMU places them):
 *	the kernel, where its headers say
 *	each module, page-aligned (3.1.3 flag 0; always done), from the end
 *	  of the kernel or 1 MiB, whichever is higher
 *	the information area (multiboot.h), on the next page
 * Fills @out; returns 0, or -1 with the reason in @err.
 */
int vmm_multiboot_load(void *mem, uint64_t mem_size, const char *kernel,
		       const char *cmdline, const struct vmm_module *mods,
		       unsigned int nr_mods, struct vmm_multiboot_entry *out,
		       char *err, size_t errlen)
{
	struct mb_module loaded[VMM_MAX_MODULES];
	char why[192];
	uint64_t at, limit = mem_size < FOUR_GIB ? mem_size : FOUR_GIB;
	uint8_t *img;
	size_t len;
	int ret;

	if (mem_size <= MB_UPPER_START || nr_mods > VMM_MAX_MODULES) {
		snprintf(err, errlen, "multiboot needs more than 1 MiB of RAM and at most %d modules",
			 VMM_MAX_MODULES);
		return -1;
	}
	img = read_file(kernel, MAX_KERNEL_SIZE, &len, err, errlen);
	if (!img)
		return -1;
	ret = mb_load_kernel(mem, mem_size, img, len, out, why, sizeof(why));
	free(img);
	if (ret) {
		snprintf(err, errlen, "%s: %s", kernel, why);
		return -1;
	}

	at = round_up(out->kernel_end > MB_UPPER_START ? out->kernel_end : MB_UPPER_START,
		      VMM_PAGE_SIZE);
	for (unsigned int i = 0; i < nr_mods; i++) {
		int n = at < limit ? vmm_load_flat(mem, limit, at, mods[i].path, why, sizeof(why)) : -1;

		if (n < 0) {
			snprintf(err, errlen, "module %s: %s", mods[i].path,
				 at < limit ? why : "no room left in RAM below 4 GiB");
			return -1;
		}
		loaded[i] = (struct mb_module) { at, at + n, mods[i].string };
		at = round_up(at + n, VMM_PAGE_SIZE);
	}
	if (at >= limit || mb_build_info(mem, mem_size, at, cmdline, loaded, nr_mods) < 0) {
		snprintf(err, errlen, "no room for the multiboot information at 0x%llx "
			 "(RAM ends at 0x%llx)", (unsigned long long)at,
			 (unsigned long long)mem_size);
		return -1;
	}
	out->info = at;
	return 0;
}
