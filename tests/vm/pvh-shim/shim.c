// SPDX-License-Identifier: GPL-2.0
/*
 * pvh-shim: start a Linux vmlinux through its PVH entry point from a
 * Multiboot v1 loader (GRUB), for emulators that have no -kernel option.
 *
 * Why: in Bochs, booting the compressed bzImage spends most of its time
 * decompressing inside the emulated CPU. The uncompressed vmlinux has a
 * 32-bit "PVH" entry point (the Xen/Linux direct boot ABI, see pvh.h), but
 * GRUB cannot use it. GRUB can load a Multiboot kernel plus modules, so:
 *
 *   grub.cfg:  multiboot /pvh-shim.elf console=ttyS0 ...   (this program)
 *              module    /vmlinux                          (module 0)
 *              module    /initrd                           (module 1, optional)
 *
 * and this program does what a PVH loader would:
 *   1. find the entry point in the vmlinux ELF note Xen/PHYS32_ENTRY;
 *   2. copy each PT_LOAD segment to its p_paddr and zero the rest of it,
 *      after moving any module that lies in the way;
 *   3. describe command line, initrd and memory map in a hvm_start_info;
 *   4. jump to the entry with EBX pointing at it.
 *
 * Everything the kernel reads from us (start info, memory map, module list,
 * command line) lives in this program's .bss, just above 1 MiB and below the
 * kernel's 16 MiB load address: the kernel copies all of it before it starts
 * allocating memory, and reserves the initrd itself.
 *
 * The shim runs with paging off and identity addressing, so a physical
 * address is a pointer. It only handles addresses below 4 GiB.
 */
#include <stddef.h>
#include <stdint.h>

#include "multiboot.h"
#include "pvh.h"

/* ---- ELF64 (System V ABI), just what loading needs ---------------------- */

struct elf64_ehdr {
	unsigned char e_ident[16]; /* "\177ELF", class, data, ...          */
	uint16_t e_type;
	uint16_t e_machine;
	uint32_t e_version;
	uint64_t e_entry;
	uint64_t e_phoff;          /* file offset of the program headers   */
	uint64_t e_shoff;
	uint32_t e_flags;
	uint16_t e_ehsize;
	uint16_t e_phentsize;
	uint16_t e_phnum;
	uint16_t e_shentsize;
	uint16_t e_shnum;
	uint16_t e_shstrndx;
};

struct elf64_phdr {
	uint32_t p_type;
	uint32_t p_flags;
	uint64_t p_offset;         /* where the bytes are in the file      */
	uint64_t p_vaddr;          /* where the kernel runs them (virtual) */
	uint64_t p_paddr;          /* where they must be put (physical)    */
	uint64_t p_filesz;
	uint64_t p_memsz;          /* > p_filesz: the rest is zero (.bss)  */
	uint64_t p_align;
};

/* An ELF note: header, then name and descriptor, each padded to 4 bytes. */
struct elf_note {
	uint32_t n_namesz;
	uint32_t n_descsz;
	uint32_t n_type;
};

_Static_assert(sizeof(struct elf64_ehdr) == 64, "ELF64 header layout");
_Static_assert(sizeof(struct elf64_phdr) == 56, "ELF64 program header layout");

#define ELFCLASS64 2
#define EM_X86_64  62
#define PT_LOAD    1
#define PT_NOTE    4

/* ---- the little C library a freestanding program needs ------------------ */

/* gcc may emit calls to these even for plain loops and struct copies. */
void *memset(void *dst, int c, size_t n)
{
	void *d = dst;

	asm volatile("rep stosb" : "+D"(d), "+c"(n) : "a"(c) : "memory");
	return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
	void *d = dst;
	const void *s = src;

	if ((uintptr_t)dst - (uintptr_t)src >= n) {
		/* dst is below src or past its end: copy upwards, 4 bytes a step. */
		size_t words = n / 4, bytes = n % 4;

		asm volatile("rep movsl\n\t"
			     "movl %3, %%ecx\n\t"
			     "rep movsb"
			     : "+D"(d), "+S"(s), "+c"(words)
			     : "r"(bytes)
			     : "memory");
	} else {
		/* dst overlaps the end of src: copy downwards (rare, so bytewise). */
		d = (char *)dst + n - 1;
		s = (const char *)src + n - 1;
		asm volatile("std\n\t"
			     "rep movsb\n\t"
			     "cld"
			     : "+D"(d), "+S"(s), "+c"(n)
			     :
			     : "memory");
	}
	return dst;
}

void *memcpy(void *dst, const void *src, size_t n)
{
	return memmove(dst, src, n);
}

static int memeq(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	while (n--)
		if (*x++ != *y++)
			return 0;
	return 1;
}

/* ---- COM1 output, so that a failed boot says why ------------------------ */

#define COM1 0x3f8

static inline void outb(uint16_t port, uint8_t v)
{
	asm volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;

	asm volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

/* GRUB's serial terminal has programmed the UART already; just send. */
static void putc_serial(char c)
{
	if (c == '\n')
		putc_serial('\r');
	while (!(inb(COM1 + 5) & 0x20)) /* line status: transmitter empty */
		;
	outb(COM1, (uint8_t)c);
}

static void puts_serial(const char *s)
{
	while (*s)
		putc_serial(*s++);
}

static void puthex(uint32_t v)
{
	int shift = 28;

	puts_serial("0x");
	while (shift > 0 && !(v >> shift)) /* skip leading zeros */
		shift -= 4;
	for (; shift >= 0; shift -= 4)
		putc_serial("0123456789abcdef"[(v >> shift) & 0xf]);
}

static __attribute__((noreturn)) void fail(const char *why)
{
	const char *s = "Shutdown";

	puts_serial("pvh-shim: error: ");
	puts_serial(why);
	puts_serial("\n");
	/*
	 * Bochs exits when "Shutdown" is written to port 0x8900, which saves a
	 * test run from waiting for its timeout. Elsewhere the port is unused.
	 */
	while (*s)
		outb(0x8900, (uint8_t)*s++);
	for (;;)
		asm volatile("cli; hlt");
}

/* ---- what we hand to the kernel (all 8-byte aligned, see pvh.h) --------- */

#define MAX_MEMMAP 128 /* what Linux's boot_params can hold */
#define CMDLINE_MAX 4096

static struct hvm_start_info start_info __attribute__((aligned(8)));
static struct hvm_modlist_entry initrd_entry __attribute__((aligned(8)));
static struct hvm_memmap_table_entry memmap[MAX_MEMMAP] __attribute__((aligned(8)));
static char cmdline[CMDLINE_MAX] __attribute__((aligned(8)));

extern char _shim_start[], _shim_end[]; /* link.ld */

/* A range of physical memory, [start, end), below 4 GiB. */
struct range {
	uint32_t start, end;
};

static int overlap(struct range a, struct range b)
{
	return a.start < b.end && b.start < a.end;
}

#define ALIGN_UP(x, a) (((x) + (a) - 1) & ~(uint32_t)((a) - 1))

/* ---- step 0: save what GRUB told us before anything gets overwritten ---- */

/*
 * GRUB starts the Multiboot command line with the shim's own path
 * ("/pvh-shim.elf console=ttyS0 ..."); that word is not for Linux. A kernel
 * parameter never starts with '/' or '(' (a GRUB device), so drop such a word.
 */
static void save_cmdline(const struct mb_info *mbi)
{
	const char *s = "";
	size_t n = 0;

	if (mbi->flags & MB_INFO_CMDLINE)
		s = (const char *)(uintptr_t)mbi->cmdline;
	if (*s == '/' || *s == '(') {
		while (*s && *s != ' ')
			s++;
	}
	while (*s == ' ')
		s++;
	while (s[n]) {
		if (n == CMDLINE_MAX - 1)
			fail("command line too long");
		cmdline[n] = s[n];
		n++;
	}
	cmdline[n] = '\0';
}

/* The Multiboot memory map uses E820 types already; copy it over. */
static uint32_t save_memmap(const struct mb_info *mbi)
{
	uint32_t n = 0;

	if (mbi->flags & MB_INFO_MMAP) {
		uint32_t p = mbi->mmap_addr, end = p + mbi->mmap_length;

		while (p < end && n < MAX_MEMMAP) {
			const struct mb_mmap_entry *e = (const void *)(uintptr_t)p;
			uint32_t type = e->type;

			if (type < E820_RAM || type > E820_UNUSABLE)
				type = E820_RESERVED;
			memmap[n].addr = e->base_addr;
			memmap[n].size = e->length;
			memmap[n].type = type;
			memmap[n].reserved = 0;
			n++;
			p += e->size + 4; /* 'size' does not count itself */
		}
	} else if (mbi->flags & MB_INFO_MEMORY) {
		/* No map: make one from the two sizes (in KiB). */
		memmap[0] = (struct hvm_memmap_table_entry){
			0, (uint64_t)mbi->mem_lower << 10, E820_RAM, 0 };
		memmap[1] = (struct hvm_memmap_table_entry){
			1 << 20, (uint64_t)mbi->mem_upper << 10, E820_RAM, 0 };
		n = 2;
	} else {
		fail("the boot loader passed no memory information");
	}
	return n;
}

/* Is all of r inside one RAM entry of the memory map? */
static int is_ram(struct range r, uint32_t entries)
{
	for (uint32_t i = 0; i < entries; i++) {
		uint64_t start = memmap[i].addr, end = start + memmap[i].size;

		if (memmap[i].type == E820_RAM && start <= r.start && r.end <= end)
			return 1;
	}
	return 0;
}

/* ---- step 1: understand the kernel image -------------------------------- */

static const struct elf64_phdr *phdr(const struct elf64_ehdr *eh, unsigned int i)
{
	return (const void *)((const char *)eh + (uint32_t)eh->e_phoff +
			      i * eh->e_phentsize);
}

/*
 * Check the ELF header and program headers against the module's size, and
 * return the physical range [lowest p_paddr, highest p_paddr + p_memsz) the
 * PT_LOAD segments will occupy.
 */
static struct range kernel_extent(const struct elf64_ehdr *eh, uint32_t size)
{
	struct range r = { 0xffffffff, 0 };

	if (size < sizeof(*eh) || !memeq(eh->e_ident, "\177ELF", 4))
		fail("module 0 is not an ELF file (want the uncompressed vmlinux)");
	if (eh->e_ident[4] != ELFCLASS64 || eh->e_machine != EM_X86_64)
		fail("module 0 is not an x86-64 ELF64 file");
	if (eh->e_phentsize != sizeof(struct elf64_phdr) || eh->e_phoff > size ||
	    size - eh->e_phoff < (uint32_t)eh->e_phnum * sizeof(struct elf64_phdr))
		fail("bad ELF program headers");

	for (unsigned int i = 0; i < eh->e_phnum; i++) {
		const struct elf64_phdr *ph = phdr(eh, i);

		if (ph->p_type != PT_LOAD && ph->p_type != PT_NOTE)
			continue;
		if (ph->p_offset > size || ph->p_filesz > size - ph->p_offset ||
		    ph->p_filesz > ph->p_memsz)
			fail("ELF segment lies outside the file");
		if (ph->p_type != PT_LOAD || ph->p_memsz == 0)
			continue;
		if (ph->p_paddr + ph->p_memsz > 0xffffffffull)
			fail("ELF segment above 4 GiB");
		if (ph->p_paddr < r.start)
			r.start = (uint32_t)ph->p_paddr;
		if (ph->p_paddr + ph->p_memsz > r.end)
			r.end = (uint32_t)(ph->p_paddr + ph->p_memsz);
	}
	if (r.end == 0)
		fail("the kernel ELF has no PT_LOAD segment");
	return r;
}

/* Walk the PT_NOTE segments for owner "Xen", type XEN_ELFNOTE_PHYS32_ENTRY. */
static uint32_t pvh_entry(const struct elf64_ehdr *eh)
{
	for (unsigned int i = 0; i < eh->e_phnum; i++) {
		const struct elf64_phdr *ph = phdr(eh, i);
		const char *p = (const char *)eh + (uint32_t)ph->p_offset;
		const char *end = p + (uint32_t)ph->p_filesz;

		if (ph->p_type != PT_NOTE)
			continue;
		while (end - p >= (ptrdiff_t)sizeof(struct elf_note)) {
			const struct elf_note *n = (const void *)p;
			const char *name = p + sizeof(*n);
			const char *desc = name + ALIGN_UP(n->n_namesz, 4);

			p = desc + ALIGN_UP(n->n_descsz, 4);
			if (p > end || p < desc)
				break; /* truncated note */
			/* The payload is 4 or 8 bytes; the entry is its low 32 bits. */
			if (n->n_namesz == 4 && memeq(name, "Xen", 4) &&
			    n->n_type == XEN_ELFNOTE_PHYS32_ENTRY && n->n_descsz >= 4)
				return *(const uint32_t *)desc;
		}
	}
	fail("vmlinux has no Xen PHYS32_ENTRY note (kernel built without CONFIG_PVH?)");
}

/* ---- step 2: put the kernel where it wants to be ------------------------ */

static void load_segments(const struct elf64_ehdr *eh)
{
	for (unsigned int i = 0; i < eh->e_phnum; i++) {
		const struct elf64_phdr *ph = phdr(eh, i);
		char *dst = (char *)(uintptr_t)ph->p_paddr;

		if (ph->p_type != PT_LOAD)
			continue;
		memmove(dst, (const char *)eh + (uint32_t)ph->p_offset,
			(uint32_t)ph->p_filesz);
		memset(dst + (uint32_t)ph->p_filesz, 0,
		       (uint32_t)(ph->p_memsz - ph->p_filesz));
	}
}

/* ---- the whole sequence -------------------------------------------------- */

void __attribute__((noreturn)) pvh_enter(uint32_t entry, uint32_t start_info);
void __attribute__((noreturn)) shim_main(uint32_t magic, const struct mb_info *mbi);

void shim_main(uint32_t magic, const struct mb_info *mbi)
{
	struct range mod[2], kernel, shim;
	uint32_t nmods, entries, entry, top;
	const struct elf64_ehdr *eh;

	if (magic != MULTIBOOT_BOOTLOADER_MAGIC)
		fail("not started by a Multiboot loader");

	/* Copy out the loader's data first: it may sit where the kernel goes. */
	save_cmdline(mbi);
	entries = save_memmap(mbi);
	if (!(mbi->flags & MB_INFO_MODS) || mbi->mods_count == 0)
		fail("no modules: want 'module /vmlinux' [and 'module /initrd']");
	nmods = mbi->mods_count > 2 ? 2 : mbi->mods_count; /* ignore extras */
	for (uint32_t i = 0; i < nmods; i++) {
		const struct mb_module *m =
			(const void *)(uintptr_t)(mbi->mods_addr + i * sizeof(*m));

		mod[i].start = m->mod_start;
		mod[i].end = m->mod_end;
		if (mod[i].end < mod[i].start)
			fail("bad module list");
	}

	/* Step 1: where does the kernel go, and where does it start? */
	eh = (const void *)(uintptr_t)mod[0].start;
	kernel = kernel_extent(eh, mod[0].end - mod[0].start);
	entry = pvh_entry(eh);
	if (!is_ram(kernel, entries))
		fail("the kernel's load address is not in RAM");
	shim = (struct range){ (uint32_t)(uintptr_t)_shim_start,
			       (uint32_t)(uintptr_t)_shim_end };
	if (overlap(shim, kernel))
		fail("the kernel would overwrite the shim: link it elsewhere");

	/*
	 * Step 2a: GRUB puts modules just above the shim, typically right where
	 * the kernel goes (vmlinux alone is ~60 MiB from 16 MiB up). Move each
	 * module that is in the way to fresh memory above the kernel, the shim
	 * and every module, so that a move overwrites nothing still needed.
	 */
	top = kernel.end;
	for (uint32_t i = 0; i < nmods; i++)
		if (mod[i].end > top)
			top = mod[i].end;
	if (shim.end > top)
		top = shim.end;
	top = ALIGN_UP(top, 4096);
	for (uint32_t i = 0; i < nmods; i++) {
		uint32_t size = mod[i].end - mod[i].start;
		struct range to = { top, top + size };

		if (!overlap(mod[i], kernel))
			continue;
		if (to.end < to.start || !is_ram(to, entries))
			fail("not enough RAM to move a module out of the kernel's way");
		memmove((void *)(uintptr_t)to.start,
			(const void *)(uintptr_t)mod[i].start, size);
		mod[i] = to;
		top = ALIGN_UP(to.end, 4096);
	}

	/* Step 2b: copy the segments (the ELF headers moved with module 0). */
	eh = (const void *)(uintptr_t)mod[0].start;
	load_segments(eh);

	/* Step 3: the start info. rsdp_paddr 0: Linux scans the BIOS area. */
	start_info.magic = HVM_START_MAGIC_VALUE;
	start_info.version = 1;
	start_info.cmdline_paddr = (uintptr_t)cmdline;
	start_info.memmap_paddr = (uintptr_t)memmap;
	start_info.memmap_entries = entries;
	if (nmods > 1) {
		initrd_entry.paddr = mod[1].start;
		initrd_entry.size = mod[1].end - mod[1].start;
		start_info.nr_modules = 1;
		start_info.modlist_paddr = (uintptr_t)&initrd_entry;
	}

	puts_serial("pvh-shim: entry ");
	puthex(entry);
	if (nmods > 1) {
		puts_serial(", initrd at ");
		puthex(mod[1].start);
		puts_serial(" (");
		puthex(mod[1].end - mod[1].start);
		puts_serial(" bytes)");
	} else {
		puts_serial(", no initrd");
	}
	puts_serial(", jumping\n");

	/* Step 4. */
	pvh_enter(entry, (uint32_t)(uintptr_t)&start_info);
}
