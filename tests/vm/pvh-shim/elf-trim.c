// SPDX-License-Identifier: GPL-2.0
/*
 * elf-trim: write a smaller copy of a vmlinux for the PVH shim (host tool).
 *
 * usage: elf-trim IN OUT
 *
 * Under Bochs, GRUB copies every byte of a module several times with byte
 * loops, so each megabyte of vmlinux costs boot time. A vmlinux stores
 * ~20 MiB of zeros (.bss, .brk and .init.scratch sit inside the last
 * PT_LOAD segment's file image), pads its segments to 2 MiB file offsets,
 * and carries section headers nobody needs to boot it. The copy keeps:
 *   - the ELF header, without section headers;
 *   - the program headers, with p_filesz cut to the last non-zero byte
 *     (the loader zeroes p_memsz - p_filesz anyway), packed one after the
 *     other from page boundaries (p_align becomes 4 KiB, and p_offset stays
 *     congruent to p_vaddr modulo p_align as ELF requires);
 *   - the PT_NOTE contents, copied after the segments.
 * Everything a PVH loader reads - p_paddr, p_memsz, the Xen notes - is
 * unchanged, so the trimmed file boots exactly like the original.
 */
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PAGE 4096u

static void die(const char *msg)
{
	fprintf(stderr, "elf-trim: %s\n", msg);
	exit(1);
}

static unsigned char *read_file(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf;
	long n;

	if (!f || fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET))
		die("cannot read input");
	buf = malloc(n ? n : 1);
	if (!buf || fread(buf, 1, n, f) != (size_t)n)
		die("cannot read input");
	fclose(f);
	*size = n;
	return buf;
}

int main(int argc, char **argv)
{
	unsigned char *in, *out;
	size_t in_size, out_max, out_size, off;
	Elf64_Ehdr *eh;
	Elf64_Phdr *ph;
	FILE *f;

	if (argc != 3)
		die("usage: elf-trim IN OUT");
	in = read_file(argv[1], &in_size);
	eh = (Elf64_Ehdr *)in;
	if (in_size < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) ||
	    eh->e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh->e_phentsize != sizeof(Elf64_Phdr) || eh->e_phoff > in_size ||
	    (in_size - eh->e_phoff) / sizeof(Elf64_Phdr) < eh->e_phnum)
		die("input is not an ELF64 file with program headers");
	ph = (Elf64_Phdr *)(in + eh->e_phoff);

	/* Room for the input plus alignment padding before each segment. */
	out_max = in_size + (eh->e_phnum + 1) * (size_t)PAGE;
	out = calloc(1, out_max);
	if (!out)
		die("out of memory");

	/* Headers first; segment data from the first page boundary after them. */
	off = sizeof(*eh) + eh->e_phnum * sizeof(Elf64_Phdr);
	for (int pass = 0; pass < 2; pass++) {
		/* pass 0: PT_LOAD, page aligned; pass 1: PT_NOTE, 4-byte aligned. */
		for (int i = 0; i < eh->e_phnum; i++) {
			Elf64_Phdr *p = &ph[i];
			size_t len = p->p_filesz;

			if (p->p_type != (pass ? PT_NOTE : PT_LOAD))
				continue;
			if (p->p_offset > in_size || len > in_size - p->p_offset)
				die("segment lies outside the file");
			if (pass == 0) {
				while (len && !in[p->p_offset + len - 1])
					len--;
				off = ((off + PAGE - 1) & ~(size_t)(PAGE - 1)) +
				      p->p_vaddr % PAGE;
				p->p_align = PAGE;
			} else {
				off = (off + 3) & ~(size_t)3;
			}
			if (len > out_max - off)
				die("segments overlap too much");
			memcpy(out + off, in + p->p_offset, len);
			p->p_offset = off;
			p->p_filesz = len;
			off += len;
		}
	}
	out_size = off;

	eh->e_shoff = 0;
	eh->e_shnum = 0;
	eh->e_shentsize = 0;
	eh->e_shstrndx = SHN_UNDEF;
	eh->e_phoff = sizeof(*eh);
	memcpy(out, eh, sizeof(*eh));
	memcpy(out + sizeof(*eh), ph, eh->e_phnum * sizeof(Elf64_Phdr));

	f = fopen(argv[2], "wb");
	if (!f || fwrite(out, 1, out_size, f) != out_size || fclose(f))
		die("cannot write output");
	return 0;
}
