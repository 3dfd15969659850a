// SPDX-License-Identifier: GPL-2.0
/**
 * @file guest.c
 * @brief What KVM_RUN runs: short random x86 programs.
 *
 * Each program is a string of "items", each an instruction or two with
 * their operands set up first: port I/O (single and string, to ports of
 * the in-kernel devices, of minivmm's, or anywhere), loads, stores,
 * locked and string operations on RAM, on MMIO (local APIC, IOAPIC,
 * HPET, no device at all), RDMSR/WRMSR of MSRs KVM knows or not, CPUID,
 * writes to CR0/CR3/CR4/CR8 and the debug registers, descriptor-table
 * loads, system instructions that exit or fault (HLT, INVLPG, XSETBV,
 * VMCALL/VMMCALL, MONITOR/MWAIT, RDPMC, INVD, ...), writes into the
 * guest's own page tables followed by a CR3 reload, and random bytes.
 * The program runs in real mode, 32-bit protected mode or long mode,
 * or with random control-register bits, which VM entry may refuse.
 *
 * In --diff mode a guest changes no state that ioctls report
 * or act on later, so that the two targets' answers stay comparable: no
 * WRMSR, no stores to the local APIC or IOAPIC, no port I/O to the
 * in-kernel PIC, PIT or ELCR.  (An IPI or an APIC_BASE write there led
 * to answers that differed because the guests had, not the ioctls.)
 *
 * Simplifying assumptions: one RAM layout for every VM (below); the
 * same encodings for 32-bit and 64-bit code (operand size 32, [rBX]
 * addressing), with 0x66/0x67 prefixes in real mode; a fault goes
 * through an IDT whose handlers halt, or with no IDT to a triple fault
 * (KVM_EXIT_SHUTDOWN).  Nothing checks what the guest computes: the
 * point is the hypervisor's paths, not the guest's results.
 *
 * RAM (slot 0, 1 MiB at GPA 0):
 *   0x00000  real-mode IVT, every vector to 0000:0500
 *   0x00500  real-mode handler (hlt; jmp back)
 *   0x00600  protected/long-mode handler (the same bytes)
 *   0x01000  GDT: null, 0x08 code32, 0x10 data, 0x18 code64, 0x20 code16
 *   0x02000  32-bit IDT, 256 gates to 0x08:0x600
 *   0x03000  64-bit IDT, 256 gates to 0x18:0x600
 *   0x04000  TSS (32-bit and 64-bit layouts share ESP0/RSP0 at +4):
 *            the stack for an exception taken at CPL > 0
 *   0x08000  stacks, 1 KiB per vCPU
 *   0x10000  PML4, 0x11000 PDPT, 0x12000-0x15fff four PDs: 4 GiB
 *            identity-mapped with 2 MiB pages
 *   0x20000  code, 4 KiB per vCPU (index mod 32)
 *   0x40000  data the programs read and write
 */
#include <string.h>

#include "fuzz.h"

#define GDT_GPA		0x1000u
#define IDT32_GPA	0x2000u
#define IDT64_GPA	0x3000u
#define TSS_GPA		0x4000u
#define TSS_LIMIT	0x67u	/* 104 bytes, no I/O bitmap */
#define HANDLER_RM	0x0500u
#define HANDLER_PM	0x0600u
#define STACK_GPA	0x8000u
#define PML4_GPA	0x10000u
#define PDPT_GPA	0x11000u
#define PD_GPA		0x12000u
#define CODE_GPA	0x20000u
#define DATA_GPA	0x40000u
#define CODE_MAX	240u	/* bytes of items per program */

/** Selectors of the GDT above. @{ */
#define SEL_CODE32	0x08
#define SEL_DATA	0x10
#define SEL_CODE64	0x18
/** @} */

/** Register numbers in ModRM and opcode+reg encodings. */
enum { EAX, ECX, EDX, EBX, ESP, EBP, ESI, EDI };

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static void put64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, 8);
}

void guest_ram_init(uint8_t *ram)
{
	/* The handlers: hlt; jmp back to the hlt. */
	static const uint8_t halt_loop[] = { 0xf4, 0xeb, 0xfd };
	/* code32, data, code64, code16: base 0, limit 4G (code16: 64K) */
	static const uint64_t gdt[] = {
		0,
		0x00cf9b000000ffffull,	/* 0x08: 32-bit code, accessed */
		0x00cf93000000ffffull,	/* 0x10: data, accessed */
		0x00af9b000000ffffull,	/* 0x18: 64-bit code (L=1) */
		0x00009b000000ffffull,	/* 0x20: 16-bit code */
	};

	memset(ram, 0, FZ_RAM_SIZE);
	for (int v = 0; v < 256; v++) {
		uint64_t gate32 = (HANDLER_PM & 0xffff) | (uint64_t)SEL_CODE32 << 16 |
				  0x8e00ull << 32;	/* P, DPL 0, 32-bit interrupt gate */

		put32(ram + v * 4, HANDLER_RM);		/* IVT: 0000:0500 */
		put64(ram + IDT32_GPA + v * 8, gate32);
		put64(ram + IDT64_GPA + v * 16,
		      (HANDLER_PM & 0xffff) | (uint64_t)SEL_CODE64 << 16 | 0x8e00ull << 32);
		put64(ram + IDT64_GPA + v * 16 + 8, 0);
	}
	/* TSS: ESP0 (RSP0) and SS0, and an I/O map base beyond the limit */
	put32(ram + TSS_GPA + 4, STACK_GPA - 0x10);
	put32(ram + TSS_GPA + 8, SEL_DATA);
	put32(ram + TSS_GPA + 0x64, (TSS_LIMIT + 1) << 16);
	memcpy(ram + HANDLER_RM, halt_loop, sizeof(halt_loop));
	memcpy(ram + HANDLER_PM, halt_loop, sizeof(halt_loop));
	memcpy(ram + GDT_GPA, gdt, sizeof(gdt));
	/* 4 GiB identity map: PML4[0] -> PDPT, PDPT[0..3] -> PDs of 2 MiB pages */
	put64(ram + PML4_GPA, PDPT_GPA | 3);
	for (int i = 0; i < 4; i++) {
		put64(ram + PDPT_GPA + i * 8, (PD_GPA + i * 0x1000u) | 3);
		for (int j = 0; j < 512; j++)
			put64(ram + PD_GPA + i * 0x1000u + j * 8,
			      ((uint64_t)(i * 512 + j) << 21) | 0x83);	/* P, RW, PS */
	}
}

void guest_pt_churn(struct fz_ctx *c, uint8_t *ram)
{
	struct rng *r = &c->rng;
	int n = 1 + (int)rnd(r, 4);

	while (n--) {
		uint32_t i = rnd(r, 4), j = rnd(r, 512);
		uint64_t *e = (uint64_t *)(ram + PD_GPA + i * 0x1000u + j * 8);
		uint64_t ident = ((uint64_t)(i * 512 + j) << 21) | 0x83;

		switch (rnd(r, 5)) {
		case 0: *e = 0; break;				/* not present */
		case 1: *e = ident | 1ull << (52 + rnd(r, 11)); break;	/* reserved/high bits */
		case 2: *e = (rnd64(r) & 0x000ffffffff00000ull) | 0x83; break;	/* elsewhere */
		case 3: *e = ident & ~2ull; break;		/* read-only */
		default: *e = ident; break;			/* back to normal */
		}
	}
}

uint16_t guest_port(struct rng *r)
{
	static const uint16_t ports[] = {
		0x20, 0x21, 0xa0, 0xa1,			/* PICs */
		0x40, 0x41, 0x42, 0x43, 0x61,		/* PIT, port B */
		0x4d0, 0x4d1,				/* ELCR */
		0x70, 0x71, 0x80, 0x92, 0x60, 0x64,	/* CMOS, POST, A20, i8042 */
		0x3f8, 0x3f9, 0x3fa, 0x3fb, 0x3fd,	/* COM1 */
		0xcf8, 0xcfc, 0xf4, 0xf7, 0xf9, 0xfa,	/* PCI, minivmm's ports */
		0x510, 0x1000, 0x1234,
	};

	if (chance(r, 20))
		return (uint16_t)rnd64(r);
	return ports[rnd(r, sizeof(ports) / sizeof(ports[0]))];
}

uint32_t guest_msr(struct rng *r)
{
	static const uint32_t msrs[] = {
		0x10, 0x1b, 0x3a, 0x3b, 0x48, 0x8b, 0xc1, 0xe7, 0xe8, 0xfe,
		0x174, 0x175, 0x176, 0x179, 0x17a, 0x186, 0x1a0, 0x1d9,
		0x200, 0x201, 0x250, 0x258, 0x277, 0x2ff, 0x400, 0x480, 0x6e0,
		0x802, 0x803, 0x808, 0x80b, 0x80d, 0x80f, 0x828, 0x830, 0x832,
		0x838, 0x839, 0x83e, 0x83f,			/* x2APIC */
		0xc0000080, 0xc0000081, 0xc0000082, 0xc0000083, 0xc0000084,
		0xc0000100, 0xc0000101, 0xc0000102, 0xc0000103,
		0xc0010000, 0xc0010004, 0xc0010010, 0xc0010015, 0xc0010114,
		0xc0010117, 0xc0011029,				/* AMD: perf, HWCR, VM_CR, HSAVE */
		0x4b564d00, 0x4b564d01, 0x4b564d02, 0x4b564d03, 0x4b564d04,
		0x11, 0x12, 0x40000000, 0x40000001,		/* KVM's old ones, Hyper-V */
	};

	switch (rnd(r, 10)) {
	case 0: return (uint32_t)rnd64(r);
	case 1: return 0x800 + rnd(r, 0x100);
	default: return msrs[rnd(r, sizeof(msrs) / sizeof(msrs[0]))];
	}
}

uint32_t common_msr(struct rng *r)
{
	static const uint32_t msrs[] = {
		0x10, 0x174, 0x175, 0x176, 0x277,		/* TSC, SYSENTER, PAT */
		0xc0000081, 0xc0000082, 0xc0000083, 0xc0000084,	/* STAR .. SFMASK */
		0xc0000100, 0xc0000101, 0xc0000102,		/* FS, GS, KERNEL_GS base */
	};

	return msrs[rnd(r, sizeof(msrs) / sizeof(msrs[0]))];
}

uint64_t guest_addr(struct rng *r)
{
	switch (rnd(r, 12)) {
	case 0: case 1: return DATA_GPA + rnd(r, FZ_RAM_SIZE - DATA_GPA - 64);
	case 2: return rnd(r, FZ_RAM_SIZE);				/* anywhere in RAM */
	case 3: return 0x100000u * (1 + rnd(r, 15)) + rnd(r, 0x100000);	/* other slots */
	case 4: return PD_GPA + rnd(r, 0x4000) * 8 % 0x4000;		/* page tables */
	case 5: case 6: return 0xfee00000u + rnd(r, 0x40) * 0x10;	/* local APIC */
	case 7: return 0xfec00000u + (chance(r, 50) ? 0x10 : 0);	/* IOAPIC */
	case 8: return 0xd0000000u + rnd(r, 0x1000);			/* no device */
	case 9: return 0xfed00000u + rnd(r, 0x400);			/* HPET (none) */
	case 10: return 0xfffff000u + rnd(r, 0x1000);			/* top of 4G */
	default: return (uint32_t)rnd64(r);
	}
}

/* ------------------------------------------------------- the emitter */

/** A program being written. */
struct gen {
	uint8_t *p, *end;	/**< next byte, end of the room */
	int mode;		/**< M_* */
	struct rng *r;		/**< the thread's stream */
	int diff;		/**< --diff: no loop whose length is time, and
				     the restrictions at the top */
};

static void b(struct gen *g, uint8_t v)
{
	if (g->p < g->end)
		*g->p++ = v;
}

static void bytes(struct gen *g, const uint8_t *v, size_t n)
{
	while (n--)
		b(g, *v++);
}

static void d32(struct gen *g, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		b(g, (uint8_t)(v >> (8 * i)));
}

/** 32-bit operand size: a prefix in real mode. */
static void o32(struct gen *g)
{
	if (g->mode == M_REAL)
		b(g, 0x66);
}

/** 16-bit operand size: a prefix outside real mode. */
static void o16(struct gen *g)
{
	if (g->mode != M_REAL)
		b(g, 0x66);
}

/** 32-bit addressing: a prefix in real mode. */
static void a32(struct gen *g)
{
	if (g->mode == M_REAL)
		b(g, 0x67);
}

/** mov reg, imm32 (in long mode zero-extended to 64 bits). */
static void mov_imm(struct gen *g, int reg, uint32_t v)
{
	o32(g);
	b(g, 0xb8 + reg);
	d32(g, v);
}

/** Point rBX at @addr (a 64-bit address in long mode). */
static void set_rbx(struct gen *g, uint64_t addr)
{
	if (g->mode == M_LM64 && addr >> 32) {
		b(g, 0x48);
		b(g, 0xbb);
		d32(g, (uint32_t)addr);
		d32(g, (uint32_t)(addr >> 32));
	} else {
		mov_imm(g, EBX, (uint32_t)addr);
	}
}

/** A memory operation at @addr through [rBX]: size 1, 2 or 4. */
static void mem_op(struct gen *g, uint64_t addr)
{
	static const uint8_t ops[] = {
		0x89, 0x8b, 0x87, 0x01, 0x31, 0x85, 0xc7, 0xf7,
	};
	uint8_t op = ops[rnd(g->r, sizeof(ops))];
	int size = (int)rnd(g->r, 3);

	set_rbx(g, addr);
	mov_imm(g, EAX, (uint32_t)rnd64(g->r));
	if (chance(g->r, 10) && op != 0x8b && op != 0xc7 && op != 0xf7 && op != 0x85)
		b(g, 0xf0);		/* lock */
	a32(g);
	if (size == 0) {		/* byte form: opcode - 1 (c6/f6 for c7/f7) */
		b(g, op - 1);
	} else {
		if (size == 1)
			o16(g);
		else
			o32(g);
		b(g, op);
	}
	if (op == 0xc7) {		/* mov [rbx], imm8/16/32 */
		b(g, 0x03);
		b(g, (uint8_t)rnd64(g->r));
		if (size >= 1)
			b(g, (uint8_t)rnd64(g->r));
		if (size == 2)
			b(g, (uint8_t)rnd64(g->r)), b(g, (uint8_t)rnd64(g->r));
	} else if (op == 0xf7) {	/* not [rbx] */
		b(g, 0x13);
	} else {
		b(g, 0x03);		/* [rbx], eax */
	}
}

/** A string instruction on memory: movs/stos/lods/cmps/scas, maybe rep. */
static void string_op(struct gen *g)
{
	static const uint8_t ops[] = { 0xa4, 0xa5, 0xaa, 0xab, 0xac, 0xad, 0xa6, 0xae };

	mov_imm(g, ESI, (uint32_t)guest_addr(g->r));
	mov_imm(g, EDI, (uint32_t)guest_addr(g->r));
	mov_imm(g, ECX, rnd(g->r, 70));
	if (chance(g->r, 20))
		b(g, 0xfd);		/* std */
	a32(g);
	if (chance(g->r, 70))
		b(g, chance(g->r, 80) ? 0xf3 : 0xf2);
	if (chance(g->r, 30))
		o16(g);
	b(g, ops[rnd(g->r, sizeof(ops))]);
	b(g, 0xfc);			/* cld */
}

/** Port I/O: in or out, byte/word/dword, by DX or immediate, or string. */
static void io_op(struct gen *g)
{
	uint16_t port = guest_port(g->r);

	/* --diff: not the ports of the in-kernel PIC, PIT and ELCR; COM1 instead,
	 * which goes to userspace (see the top) */
	if (g->diff && (port < 0x100 || (port & ~1) == 0x4d0))
		port = 0x3f8 + (port & 7);
	int size = (int)rnd(g->r, 3);

	switch (rnd(g->r, 4)) {
	case 0:				/* out/in imm8, al */
		mov_imm(g, EAX, (uint32_t)rnd64(g->r));
		b(g, chance(g->r, 50) ? 0xe6 : 0xe4);
		b(g, (uint8_t)port);
		return;
	case 1:				/* rep outs/ins */
		o32(g), b(g, 0xba), d32(g, port);	/* mov edx, port */
		mov_imm(g, ESI, (uint32_t)guest_addr(g->r));
		mov_imm(g, EDI, (uint32_t)guest_addr(g->r));
		mov_imm(g, ECX, rnd(g->r, 40));
		a32(g);
		if (chance(g->r, 70))
			b(g, 0xf3);
		if (size == 1)
			o16(g);
		else if (size == 2)
			o32(g);
		b(g, (chance(g->r, 50) ? 0x6e : 0x6c) + (size ? 1 : 0));
		return;
	default:			/* out/in dx */
		o32(g), b(g, 0xba), d32(g, port);
		mov_imm(g, EAX, (uint32_t)rnd64(g->r));
		if (size == 1)
			o16(g);
		else if (size == 2)
			o32(g);
		b(g, (chance(g->r, 50) ? 0xee : 0xec) + (size ? 1 : 0));
		return;
	}
}

/** A value for a control register: near what the mode has, a bit off. */
static uint32_t cr_value(struct gen *g, int cr)
{
	uint32_t v;

	switch (cr) {
	case 0:
		v = g->mode == M_REAL ? 0x10 : g->mode == M_LM64 ? 0x80000011u : 0x11;
		break;
	case 3:
		v = chance(g->r, 70) ? PML4_GPA : (uint32_t)guest_addr(g->r) & ~0xfffu;
		break;
	case 4:
		v = g->mode == M_LM64 ? 0x20 : 0;
		break;
	default:
		v = rnd(g->r, 16);	/* CR8: a priority */
		break;
	}
	if (chance(g->r, 60))
		v ^= 1u << rnd(g->r, 32);
	return v;
}

/** One item of the program. */
static void item(struct gen *g)
{
	uint32_t k = rnd(g->r, 100);
	uint64_t a;

	if (k < 16) {
		io_op(g);
	} else if (k < 36) {
		a = guest_addr(g->r);
		/* --diff: the guest leaves the in-kernel APIC and IOAPIC alone
		 * (see the top) */
		if (g->diff && (a >> 20) == 0xfee)
			a = DATA_GPA;
		if (g->diff && (a >> 12) == 0xfec00)
			a = DATA_GPA + 0x1000;
		mem_op(g, a);
	} else if (k < 42) {
		string_op(g);
	} else if (k < 52) {			/* rdmsr / wrmsr */
		mov_imm(g, ECX, guest_msr(g->r));
		mov_imm(g, EAX, chance(g->r, 50) ? (uint32_t)rnd64(g->r) : rnd_edge32(g->r));
		mov_imm(g, EDX, chance(g->r, 70) ? 0 : rnd_edge32(g->r));
		/* --diff: RDMSR only (see the top) */
		b(g, 0x0f), b(g, chance(g->r, 50) && !g->diff ? 0x30 : 0x32);
	} else if (k < 56) {			/* cpuid */
		mov_imm(g, EAX, chance(g->r, 80) ? rnd(g->r, 0x20) | (chance(g->r, 30) ?
			0x80000000u : chance(g->r, 20) ? 0x40000000u : 0) : (uint32_t)rnd64(g->r));
		mov_imm(g, ECX, rnd(g->r, 4));
		b(g, 0x0f), b(g, 0xa2);
	} else if (k < 63) {			/* mov crN, eax */
		static const uint8_t crs[] = { 0, 3, 4, 8 };
		int cr = crs[rnd(g->r, 4)];

		mov_imm(g, EAX, cr_value(g, cr));
		if (cr == 8) {
			if (g->mode != M_LM64 || G.qemu_tcg)
				return;
			b(g, 0x44);		/* REX.R: CR8 */
			cr = 0;
		}
		b(g, 0x0f), b(g, chance(g->r, 80) ? 0x22 : 0x20), b(g, 0xc0 | cr << 3);
	} else if (k < 66) {			/* mov drN, eax */
		mov_imm(g, EAX, rnd_edge32(g->r));
		b(g, 0x0f), b(g, chance(g->r, 80) ? 0x23 : 0x21), b(g, 0xc0 | rnd(g->r, 8) << 3);
	} else if (k < 72) {			/* page-table write, then a flush */
		a = PD_GPA + rnd(g->r, 0x800) * 8;
		set_rbx(g, a);
		mov_imm(g, EAX, chance(g->r, 50) ? (uint32_t)(((a - PD_GPA) / 8) << 21 | 0x83) :
				(uint32_t)rnd64(g->r));
		a32(g), o32(g), b(g, 0x89), b(g, 0x03);
		if (chance(g->r, 50)) {		/* mov eax, cr3; mov cr3, eax */
			b(g, 0x0f), b(g, 0x20), b(g, 0xd8);
			b(g, 0x0f), b(g, 0x22), b(g, 0xd8);
		} else {			/* invlpg [rbx] */
			set_rbx(g, guest_addr(g->r));
			a32(g), b(g, 0x0f), b(g, 0x01), b(g, 0x3b);
		}
	} else if (k < 86) {			/* a system instruction */
		static const uint8_t sys[][3] = {
			{ 1, 0xf4 },			/* hlt */
			{ 1, 0xfa }, { 1, 0xfb },	/* cli, sti */
			{ 2, 0xf3, 0x90 },		/* pause */
			{ 1, 0xcc },			/* int3 */
			{ 2, 0x0f, 0x0b },		/* ud2 */
			{ 2, 0x0f, 0x31 },		/* rdtsc */
			{ 2, 0x0f, 0x33 },		/* rdpmc */
			{ 2, 0x0f, 0x09 },		/* wbinvd */
			{ 2, 0x0f, 0x08 },		/* invd */
			{ 2, 0x0f, 0x06 },		/* clts */
			{ 2, 0x0f, 0x34 },		/* sysenter */
			{ 2, 0x0f, 0x05 },		/* syscall */
			{ 2, 0x0f, 0xaa },		/* rsm */
			{ 1, 0xcf },			/* iret */
			{ 1, 0xf1 },			/* int1 (icebp) */
		};
		static const uint8_t grp7[] = {
			0xd1, 0xd0,	/* xsetbv, xgetbv */
			0xc1, 0xd9,	/* vmcall, vmmcall */
			0xc8, 0xc9,	/* monitor, mwait */
			0xf9, 0xf8,	/* rdtscp, swapgs */
			0xd8, 0xda,	/* vmrun, vmload */
			0xdc, 0xdd,	/* stgi, clgi */
			0xca, 0xcb,	/* clac, stac */
		};
		uint32_t which = rnd(g->r, 3);

		mov_imm(g, ECX, rnd(g->r, 3));
		mov_imm(g, EAX, chance(g->r, 50) ? 7 : (uint32_t)rnd64(g->r));
		mov_imm(g, EDX, 0);
		if (which == 0) {
			const uint8_t *s = sys[rnd(g->r, sizeof(sys) / sizeof(sys[0]))];

			bytes(g, s + 1, s[0]);
		} else if (which == 1) {
			b(g, 0x0f), b(g, 0x01), b(g, grp7[rnd(g->r, sizeof(grp7))]);
		} else {			/* int n, lgdt/lidt/lldt/ltr, mov sreg */
			switch (rnd(g->r, 4)) {
			case 0:
				b(g, 0xcd), b(g, (uint8_t)rnd64(g->r));
				break;
			case 1:
				set_rbx(g, guest_addr(g->r));
				a32(g), b(g, 0x0f), b(g, 0x01), b(g, chance(g->r, 50) ? 0x13 : 0x1b);
				break;
			case 2:
				mov_imm(g, EAX, rnd(g->r, 0x40));
				b(g, 0x0f), b(g, 0x00), b(g, chance(g->r, 50) ? 0xd0 : 0xd8);
				break;
			default:
				/* mov es/ss/ds/fs/gs, ax */
				mov_imm(g, EAX, rnd(g->r, 0x40));
				{
					static const uint8_t sreg[] = { 0xc0, 0xd0, 0xd8, 0xe0, 0xe8 };

					b(g, 0x8e), b(g, sreg[rnd(g->r, sizeof(sreg))]);
				}
				break;
			}
		}
	} else if (k < 90) {			/* pushf/popf with random flags */
		mov_imm(g, EAX, 0x2 | (rnd(g->r, 1u << 22) & ~0x2u & (chance(g->r, 50) ?
			0x4300u : ~0u)));
		o32(g), b(g, 0x50);		/* push eax */
		o32(g), b(g, 0x9d);		/* popf */
	} else if (k < 93 && !g->diff) {	/* a counted loop: time for the timer */
		mov_imm(g, ECX, rnd(g->r, 200000));
		a32(g), b(g, 0xe2), b(g, 0xfe);	/* loop . */
	} else {				/* random bytes */
		int n = 1 + (int)rnd(g->r, 10);

		while (n--) {
			uint8_t x = (uint8_t)rnd64(g->r);

			/* 0f 22 /r with REX.R is MOV CR8 (see G.qemu_tcg) */
			if (G.qemu_tcg && x == 0x22 && g->p > g->end - CODE_MAX && g->p[-1] == 0x0f)
				x = 0x20;
			/* 0f 30 is WRMSR (see the top) */
			if (g->diff && x == 0x30 && g->p > g->end - CODE_MAX && g->p[-1] == 0x0f)
				x = 0x32;
			b(g, x);
		}
	}
}

/**
 * Under QEMU TCG: no 8E /6 or 8E /7 (MOV to a segment register that does
 * not exist) anywhere in the program, its immediates included, since a
 * jump may land inside one: real mode's translation of it kills QEMU
 * (see G.qemu_tcg).  Such a pair becomes 8B /r, MOV r16, r/m.
 */
static void tcg_scrub_mov_sreg(uint8_t *code, size_t len)
{
	for (size_t i = 0; i + 1 < len; i++)
		if (code[i] == 0x8e && ((code[i + 1] >> 3) & 7) >= 6)
			code[i] = 0x8b;
}

uint64_t guest_code(struct fz_ctx *c, uint8_t *ram, int idx, int mode)
{
	uint64_t gpa = CODE_GPA + (uint64_t)(idx % 32) * 0x1000;
	struct gen g = {
		.p = ram + gpa, .end = ram + gpa + CODE_MAX,
		.mode = mode == M_WILD ? M_PM32 : mode, .r = &c->rng, .diff = G.diff,
	};
	int n = 1 + (int)rnd(&c->rng, 12);

	memset(ram + gpa, 0, 0x1000);
	while (n-- && g.p + 24 < g.end)
		item(&g);
	g.end = ram + gpa + 0x1000;
	switch (rnd(&c->rng, 10)) {
	case 0: case 1:
		b(&g, 0xe6), b(&g, 0xf4), b(&g, 0xf4);	/* out 0xf4, al; hlt */
		break;
	case 2:
		b(&g, 0xeb), b(&g, 0xfe);		/* jmp . */
		break;
	case 3:
		break;					/* on into the zeros */
	default:
		b(&g, 0xf4);				/* hlt */
		break;
	}
	if (G.qemu_tcg)
		tcg_scrub_mov_sreg(ram + gpa, (size_t)(g.p - (ram + gpa)));
	return gpa;
}

/** A segment as KVM's struct wants it. */
static void seg(struct kvm_segment *s, uint16_t sel, uint64_t base, uint32_t limit,
		uint8_t type, int db, int l, int g)
{
	memset(s, 0, sizeof(*s));
	s->selector = sel;
	s->base = base;
	s->limit = limit;
	s->type = type;
	s->present = 1;
	s->s = 1;
	s->db = (uint8_t)db;
	s->l = (uint8_t)l;
	s->g = (uint8_t)g;
}

int guest_mode(int mode)
{
	if (G.qemu_tcg && (mode == M_WILD || mode == M_REAL))	/* see G.qemu_tcg */
		return M_PM32;
	return mode;
}

void guest_tcg_fixup(struct kvm_sregs *sregs)
{
	if (G.qemu_tcg) {	/* see G.qemu_tcg */
		sregs->tr.type = 9;
		sregs->tr.present = 1;
		sregs->tr.s = 0;
		sregs->tr.unusable = 0;
		sregs->cs.dpl = 0;
		sregs->ss.dpl = 0;
	}
}

void guest_flat_sregs(struct kvm_sregs *sregs, int lm, uint64_t idt, uint16_t idt_limit)
{
	seg(&sregs->cs, lm ? SEL_CODE64 : SEL_CODE32, 0, 0xffffffff, 0xb, !lm, lm, 1);
	seg(&sregs->ds, SEL_DATA, 0, 0xffffffff, 3, 1, 0, 1);
	sregs->es = sregs->fs = sregs->gs = sregs->ss = sregs->ds;
	seg(&sregs->tr, 0, TSS_GPA, TSS_LIMIT, 11, 0, 0, 0);	/* busy TSS */
	sregs->tr.s = 0;
	sregs->cr0 = lm ? 0x80000011u : 0x11;
	sregs->cr3 = PML4_GPA;
	sregs->cr4 = lm ? 0x20 : 0;
	sregs->efer = lm ? 0x500 : 0;
	sregs->gdt.base = GDT_GPA;
	sregs->gdt.limit = 0x27;
	sregs->idt.base = idt;
	sregs->idt.limit = idt_limit;
}

void guest_state(struct fz_ctx *c, int mode, uint64_t gpa, int idx,
		 struct kvm_sregs *sregs, struct kvm_regs *regs)
{
	struct rng *r = &c->rng;
	uint32_t big = chance(r, 20);	/* big real mode: 4G data limits */

	rnd_fill(r, regs, sizeof(*regs));
	regs->rsp = STACK_GPA + (uint64_t)(idx % 32) * 0x400 + 0x3f0;
	regs->rflags = 2;
	if (chance(r, 15))
		regs->rflags |= rnd(r, 1u << 22) & (chance(r, 50) ? 0x300 : 0x3f7fd5);
	memset(&sregs->interrupt_bitmap, 0, sizeof(sregs->interrupt_bitmap));
	if (mode == M_REAL) {
		seg(&sregs->cs, (uint16_t)(gpa >> 4), gpa, 0xffff, 0xb, 0, 0, 0);
		seg(&sregs->ds, 0, 0, big ? 0xffffffff : 0xffff, 3, 0, 0, big);
		sregs->cr0 = 0x60000010;
		sregs->cr4 = 0;
		sregs->efer = 0;
		regs->rip = 0;
		sregs->es = sregs->fs = sregs->gs = sregs->ss = sregs->ds;
	} else {
		int lm = mode == M_LM64;

		guest_flat_sregs(sregs, lm, lm ? IDT64_GPA : IDT32_GPA,
				 chance(r, 20) ? 0 : lm ? 0xfff : 0x7ff);
		regs->rip = gpa;
	}
	if (mode == M_WILD) {
		/* Bits VM entry or KVM_SET_SREGS may refuse; each change is
		 * named in the call's description. */
		uint32_t bit = rnd(r, 32);

		sregs->cr0 ^= 1u << bit;
		var(c, "cr0^%u", bit);
		if (chance(r, 50)) {
			bit = rnd(r, 24);
			/* not UMIP and VMXE in an Intel diff pass: see G.intel */
			if (!(G.diff && G.intel && (bit == 11 || bit == 13))) {
				sregs->cr4 ^= 1u << bit;
				var(c, "cr4^%u", bit);
			}
		}
		if (chance(r, 50)) {
			bit = chance(r, 50) ? 8 + rnd(r, 8) : rnd(r, 64);
			sregs->efer ^= 1ull << bit;
			var(c, "efer^%u", bit);
		}
		if (chance(r, 30)) {
			sregs->cr3 = rnd_edge64(r);
			var(c, "cr3=%#llx", (unsigned long long)sregs->cr3);
		}
		if (chance(r, 40)) {
			static const char *const names[] = { "cs", "ds", "ss", "tr", "ldt" };
			struct kvm_segment *s[] = { &sregs->cs, &sregs->ds, &sregs->ss,
						    &sregs->tr, &sregs->ldt };
			uint32_t which = rnd(r, G.qemu_tcg ? 3 : 5);
			struct kvm_segment *x = s[which];

			x->type = (uint8_t)rnd(r, 16);
			x->s = (uint8_t)rnd(r, 2);
			x->present = (uint8_t)rnd(r, 2);
			x->dpl = (uint8_t)rnd(r, 4);
			x->unusable = (uint8_t)rnd(r, 2);
			var(c, "%s=t%u/s%u/p%u/dpl%u/u%u", names[which], x->type, x->s,
			    x->present, x->dpl, x->unusable);
			if (chance(r, 30)) {
				x->limit = rnd_edge32(r);
				var(c, "lim=%#x", x->limit);
			}
		}
		if (chance(r, 10)) {
			sregs->cr8 = rnd_edge64(r);
			var(c, "cr8=%#llx", (unsigned long long)sregs->cr8);
		}
		if (chance(r, 10)) {
			bit = rnd(r, 64);
			sregs->apic_base ^= 1ull << bit;
			var(c, "apic_base^%u", bit);
		}
		if (chance(r, 10)) {
			bit = rnd(r, 4);
			sregs->interrupt_bitmap[bit] = 1ull << rnd(r, 64);
			var(c, "pending_irq");
		}
		if (chance(r, 50)) {
			regs->rip = rnd_edge64(r);
			var(c, "rip=%#llx", (unsigned long long)regs->rip);
		} else {
			regs->rip = gpa;
		}
	}
	guest_tcg_fixup(sregs);
	if (G.qemu_tcg) {
		regs->rip &= 0xffffffffu;
		regs->rflags &= ~0x20000ull;		/* VM */
	}
	if (regs->rflags != 2)
		var(c, "rflags=%#llx", (unsigned long long)regs->rflags);
}
