// SPDX-License-Identifier: GPL-2.0
/* The instruction emulator (final/arch/x86/kvm/emulate.c) with the host CPU
 * as the oracle: every 64-bit form below runs natively (a generated stub
 * loads the registers and RFLAGS, runs the very same instruction bytes on a
 * data buffer mapped at a fixed address, and stores everything back) and
 * through the emulator, whose callbacks serve a byte array "mapped" at that
 * same linear address; registers, the defined flags and memory must match.
 * Random inputs from a fixed seed, with edge values mixed in.
 *
 * What cannot run natively on an x86-64 Linux host (16/32-bit modes,
 * segment limits, port I/O, faults, the decoder's lengths) is checked
 * against expectations worked out by hand from the Intel SDM (Vol. 2A
 * Tables 2-1/2-2/2-3 for ModRM/SIB, Vol. 2B for the instructions). */
#include <criterion/criterion.h>
#include <criterion/logging.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <minikvm/kvm_emulate.h>

/* ------------------------------------------------------------------ */
/* Addresses shared by the native run and the emulator                 */
/* ------------------------------------------------------------------ */

#define DATA_VA		0x30000000ull	/* the data buffer, both sides */
#define DATA_SIZE	0x4000ull
#define STATE_VA	0x20000000ull	/* the native stub's in/out state */
#define CODE_VA		0x00401000ull	/* RIP the emulator pretends to run at */
#define BASE		(DATA_VA + 0x1000)	/* RBX in memory forms */
#define STACK_TOP	(DATA_VA + 0x3000)	/* RSP in every case */

#define FLAGS_ARITH	0x8d5ull	/* OF SF ZF AF PF CF */
#define F_CF 0x1ull
#define F_PF 0x4ull
#define F_AF 0x10ull
#define F_ZF 0x40ull
#define F_SF 0x80ull
#define F_DF 0x400ull
#define F_OF 0x800ull

enum { RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI };

struct cpu_state {
	u64 regs[16];
	u64 flags;
};

/* The native stub's view (at STATE_VA): inputs, outputs, the host RSP. */
struct native_area {
	struct cpu_state in, out;
	u64 saved_rsp;
};

static struct native_area *area;	/* = STATE_VA */
static u8 *native_mem;			/* = DATA_VA */
static u8 *stub;			/* RWX page for the stub */
static u8 emu_mem[DATA_SIZE];		/* the emulator's memory at DATA_VA */

/* ------------------------------------------------------------------ */
/* The fake machine behind the emulator's callbacks                    */
/* ------------------------------------------------------------------ */

static bool mmio_mode;		/* read_emulated answers IO_NEEDED first, data next */
static bool mmio_pending;
static int io_exits;		/* IO_NEEDED answers given */
static int writes;		/* write_emulated calls */
static struct kvm_segment segs[8];
static enum x86emul_mode cur_mode;
static u64 cr0;
static u64 cr4;
static int cur_cpl;
static struct kvm_dtable gdt;
static u8 port_out[4096];	/* bytes OUTS sent */
static unsigned int port_out_len;
static unsigned int port_in_next;	/* INS reads 0x10, 0x11, ... */
static unsigned int pio_in_calls, pio_last_count;

static bool in_data(u64 la, unsigned int n)
{
	return la >= DATA_VA && la + n <= DATA_VA + DATA_SIZE;
}

static int page_fault(struct x86_exception *f, u64 la, u16 ec)
{
	f->vector = PF_VECTOR;
	f->error_code_valid = true;
	f->error_code = ec;
	f->address = la;
	return X86EMUL_PROPAGATE_FAULT;
}

static int fake_read(struct x86_emulate_ctxt *c, u64 la, void *val, unsigned int n,
		     struct x86_exception *f)
{
	(void)c;
	if (!in_data(la, n))
		return page_fault(f, la, 0);
	if (mmio_mode && !mmio_pending) {
		mmio_pending = true;
		io_exits++;
		return X86EMUL_IO_NEEDED;
	}
	mmio_pending = false;
	memcpy(val, emu_mem + (la - DATA_VA), n);
	return X86EMUL_CONTINUE;
}

static int fake_read_std(struct x86_emulate_ctxt *c, u64 la, void *val, unsigned int n,
			 struct x86_exception *f, bool system)
{
	(void)c; (void)system;
	if (!in_data(la, n))
		return page_fault(f, la, 0);
	memcpy(val, emu_mem + (la - DATA_VA), n);
	return X86EMUL_CONTINUE;
}

static int fake_write(struct x86_emulate_ctxt *c, u64 la, const void *val, unsigned int n,
		      struct x86_exception *f)
{
	(void)c;
	if (!in_data(la, n))
		return page_fault(f, la, 2);
	memcpy(emu_mem + (la - DATA_VA), val, n);
	writes++;
	return X86EMUL_CONTINUE;
}

static int fake_write_std(struct x86_emulate_ctxt *c, u64 la, const void *val, unsigned int n,
			  struct x86_exception *f, bool system)
{
	(void)system;
	return fake_write(c, la, val, n, f);
}

static int fake_cmpxchg(struct x86_emulate_ctxt *c, u64 la, const void *old, const void *new,
			unsigned int n, struct x86_exception *f)
{
	(void)c;
	if (!in_data(la, n))
		return page_fault(f, la, 2);
	if (memcmp(emu_mem + (la - DATA_VA), old, n))
		return X86EMUL_CMPXCHG_FAILED;
	memcpy(emu_mem + (la - DATA_VA), new, n);
	writes++;
	return X86EMUL_CONTINUE;
}

/* Instruction bytes for the fetch path live in the data buffer too. */
static int fake_fetch(struct x86_emulate_ctxt *c, u64 la, void *val, unsigned int n,
		      struct x86_exception *f)
{
	(void)c;
	if (!in_data(la, n))
		return page_fault(f, la, 0x10);
	memcpy(val, emu_mem + (la - DATA_VA), n);
	return X86EMUL_CONTINUE;
}

static int fake_pio_in(struct x86_emulate_ctxt *c, int size, u16 port, void *val,
		       unsigned int count)
{
	u8 *p = val;
	unsigned int i;

	(void)c; (void)port;
	pio_in_calls++;
	pio_last_count = count;
	if (mmio_mode && !mmio_pending) {
		mmio_pending = true;
		io_exits++;
		return X86EMUL_IO_NEEDED;
	}
	mmio_pending = false;
	for (i = 0; i < (unsigned int)size * count; i++)
		p[i] = 0x10 + port_in_next++;
	return X86EMUL_CONTINUE;
}

static int fake_pio_out(struct x86_emulate_ctxt *c, int size, u16 port, const void *val,
			unsigned int count)
{
	(void)c; (void)port;
	memcpy(port_out + port_out_len, val, size * count);
	port_out_len += size * count;
	return X86EMUL_CONTINUE;
}

static void fake_get_segment(struct x86_emulate_ctxt *c, int seg, struct kvm_segment *s)
{
	(void)c;
	*s = segs[seg];
}

static void fake_set_segment(struct x86_emulate_ctxt *c, int seg, const struct kvm_segment *s)
{
	(void)c;
	segs[seg] = *s;
}

static void fake_get_gdt(struct x86_emulate_ctxt *c, struct kvm_dtable *dt)
{
	(void)c;
	*dt = gdt;
}

static u64 fake_get_cr(struct x86_emulate_ctxt *c, int cr)
{
	(void)c;
	return cr == 0 ? cr0 : cr == 4 ? cr4 : 0;
}

static int fake_cpl(struct x86_emulate_ctxt *c)
{
	(void)c;
	return cur_cpl;
}

static const struct x86_emulate_ops fake_ops = {
	.read_std = fake_read_std, .write_std = fake_write_std, .fetch = fake_fetch,
	.read_emulated = fake_read, .write_emulated = fake_write,
	.cmpxchg_emulated = fake_cmpxchg, .pio_in_emulated = fake_pio_in,
	.pio_out_emulated = fake_pio_out, .get_segment = fake_get_segment,
	.set_segment = fake_set_segment, .get_gdt = fake_get_gdt, .get_cr = fake_get_cr,
	.cpl = fake_cpl,
};

/* Flat segments for @mode: base 0, 4 GiB (64 KiB in real mode). */
static void flat_segments(enum x86emul_mode mode)
{
	int i;

	memset(segs, 0, sizeof(segs));
	for (i = 0; i < 6; i++) {
		segs[i].limit = mode == X86EMUL_MODE_REAL ? 0xffff : 0xffffffff;
		segs[i].type = 3;	/* data, read/write, accessed */
		segs[i].s = 1;
		segs[i].present = 1;
		segs[i].db = mode == X86EMUL_MODE_PROT32 || mode == X86EMUL_MODE_PROT64;
		segs[i].g = mode != X86EMUL_MODE_REAL;
	}
	segs[VCPU_SREG_CS].type = 0xb;
	segs[VCPU_SREG_CS].l = mode == X86EMUL_MODE_PROT64;
	if (mode == X86EMUL_MODE_PROT64)
		segs[VCPU_SREG_CS].db = 0;
	segs[VCPU_SREG_TR].type = 0xb;
	segs[VCPU_SREG_TR].present = 1;
	segs[VCPU_SREG_LDTR].unusable = 1;
	cur_mode = mode;
}

static void reset_fake(enum x86emul_mode mode)
{
	flat_segments(mode);
	mmio_mode = mmio_pending = false;
	io_exits = writes = 0;
	cr0 = 0;
	cr4 = 0;
	cur_cpl = 0;
	port_out_len = port_in_next = pio_in_calls = pio_last_count = 0;
}

static struct x86_emulate_ctxt ctxt;

/* Decode @code at CODE_VA in @mode with the registers of @st. */
static int emu_decode(struct cpu_state *st, const u8 *code, int len)
{
	memset(&ctxt, 0x5a, sizeof(ctxt));	/* init must not rely on zeroes */
	ctxt.ops = &fake_ops;
	ctxt.opaque = NULL;
	ctxt.mode = cur_mode;
	memcpy(ctxt.regs, st->regs, sizeof(st->regs));
	ctxt.eip = CODE_VA;
	ctxt.eflags = st->flags;
	init_decode_cache(&ctxt);
	return x86_decode_insn(&ctxt, code, len);
}

/*
 * emu_exec - run the decoded instruction to completion, as the glue does:
 * again after each EMULATION_IO_NEEDED (the fake answers the second time)
 * and each EMULATION_RESTART (the next REP iteration).
 */
static int emu_exec(struct cpu_state *st, int *restarts)
{
	int rc, n = 0;

	for (;;) {
		rc = x86_emulate_insn(&ctxt);
		if (rc == EMULATION_RESTART && n++ < 100000)
			continue;
		if (rc == EMULATION_IO_NEEDED && n++ < 100000)
			continue;
		break;
	}
	if (restarts)
		*restarts = n;
	memcpy(st->regs, ctxt.regs, sizeof(st->regs));
	st->flags = ctxt.eflags;
	return rc;
}

/* Decode and run; both must succeed for the differential cases. */
static int emu_run(struct cpu_state *st, const u8 *code, int len)
{
	int rc = emu_decode(st, code, len);

	if (rc != EMULATION_OK)
		return rc;
	return emu_exec(st, NULL);
}

/* ------------------------------------------------------------------ */
/* The native side                                                     */
/* ------------------------------------------------------------------ */

static u8 *emit(u8 *p, const u8 *b, int n)
{
	memcpy(p, b, n);
	return p + n;
}

/* mov r64, [abs32] (load = true) or mov [abs32], r64: REX.W 8B/89, ModRM
 * mod 00 rm 100 with SIB 0x25 (no base, no index): a bare disp32. */
static u8 *emit_mov_abs(u8 *p, int reg, u64 addr, bool load)
{
	u8 b[8] = { 0x48 | (reg >= 8 ? 4 : 0), load ? 0x8b : 0x89,
		    (u8)(0x04 | ((reg & 7) << 3)), 0x25 };
	u32 a = addr;

	memcpy(b + 4, &a, 4);
	return emit(p, b, 8);
}

/*
 * build_stub - the native harness for one instruction: save the callee-saved
 * registers and RSP, load RFLAGS and all sixteen registers from area->in,
 * run the instruction, store all sixteen and RFLAGS to area->out, restore.
 */
static void build_stub(const u8 *insn, int len)
{
	static const u8 save[] = { 0x53, 0x55, 0x41, 0x54, 0x41, 0x55, 0x41, 0x56, 0x41, 0x57 };
	static const u8 restore[] = { 0x41, 0x5f, 0x41, 0x5e, 0x41, 0x5d, 0x41, 0x5c, 0x5d, 0x5b,
				      0xfc, 0xc3 };	/* ..., cld, ret */
	u64 in = STATE_VA + offsetof(struct native_area, in);
	u64 out = STATE_VA + offsetof(struct native_area, out);
	u64 saved = STATE_VA + offsetof(struct native_area, saved_rsp);
	u8 *p = stub, b[7];
	u32 a;
	int r;

	p = emit(p, save, sizeof(save));
	p = emit_mov_abs(p, RSP, saved, false);
	b[0] = 0xff; b[1] = 0x34; b[2] = 0x25;	/* push qword [in.flags] */
	a = in + offsetof(struct cpu_state, flags);
	memcpy(b + 3, &a, 4);
	p = emit(p, b, 7);
	*p++ = 0x9d;				/* popfq */
	for (r = 0; r < 16; r++)
		if (r != RSP)
			p = emit_mov_abs(p, r, in + 8 * r, true);
	p = emit_mov_abs(p, RSP, in + 8 * RSP, true);
	p = emit(p, insn, len);
	for (r = 0; r < 16; r++)
		p = emit_mov_abs(p, r, out + 8 * r, false);
	p = emit_mov_abs(p, RSP, saved, true);
	*p++ = 0x9c;				/* pushfq */
	*p++ = 0x58;				/* pop rax */
	p = emit_mov_abs(p, RAX, out + offsetof(struct cpu_state, flags), false);
	emit(p, restore, sizeof(restore));
}

static void native_run(struct cpu_state *st)
{
	area->in = *st;
	((void (*)(void))stub)();
	*st = area->out;
}

static void map_fixed(u64 va, size_t len, int prot)
{
	void *p = mmap((void *)va, len, prot, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE,
		       -1, 0);

	cr_assert_eq((u64)p, va, "cannot map the test buffer at 0x%llx", (unsigned long long)va);
}

static void setup_native(void)
{
	map_fixed(DATA_VA, DATA_SIZE, PROT_READ | PROT_WRITE);
	map_fixed(STATE_VA, 4096, PROT_READ | PROT_WRITE);
	native_mem = (u8 *)DATA_VA;
	area = (struct native_area *)STATE_VA;
	stub = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	cr_assert_neq(stub, MAP_FAILED);
	reset_fake(X86EMUL_MODE_PROT64);
}

static void teardown_native(void)
{
	munmap((void *)DATA_VA, DATA_SIZE);
	munmap((void *)STATE_VA, 4096);
	munmap(stub, 4096);
}

/* ------------------------------------------------------------------ */
/* Random inputs                                                       */
/* ------------------------------------------------------------------ */

static u64 rng_state;

static u64 rnd(void)
{
	/* xorshift64*: fixed seed, same cases every run */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ull;
}

/* A random value, an edge value one time in three. */
static u64 rnd_value(void)
{
	static const u64 edges[] = {
		0, 1, 2, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x10000,
		0x7fffffff, 0x80000000, 0xffffffff, 0x100000000ull, 0x7fffffffffffffffull,
		0x8000000000000000ull, ~0ull, 0xfffffffffffffffeull, 0x0f0f0f0f0f0f0f0full,
	};
	u64 r = rnd();

	if (r % 3 == 0)
		return edges[(r >> 8) % (sizeof(edges) / sizeof(edges[0]))];
	return rnd();
}

/* How a form's registers are set up, beyond random values. */
enum setup {
	S_MEM,		/* RBX = BASE + a small offset (misaligned too) */
	S_CMPX,		/* S_MEM, and half the time RAX (RDX:RAX) equals memory */
	S_CMPX16,	/* S_CMPX with a 16-byte aligned RBX */
	S_BITS,		/* S_MEM, RCX a signed bit offset reaching +-8 KiB */
	S_IDX,		/* S_MEM, and RSI a small index */
	S_STR,		/* RSI/RDI in the buffer, RCX 0-7, DF random */
	S_STR32,	/* S_STR with random upper halves (67: only ESI/EDI/ECX count) */
	S_SCAN,		/* S_STR, RAX from the buffer half the time (REPE/REPNE stops) */
};

static void random_state(struct cpu_state *st, enum setup s)
{
	int r;

	for (r = 0; r < 16; r++)
		st->regs[r] = rnd_value();
	st->flags = 0x2 | (rnd() & FLAGS_ARITH);
	st->regs[RSP] = STACK_TOP - 8 * (rnd() % 4);
	st->regs[RBX] = BASE + rnd() % 64;
	if (s == S_IDX)
		st->regs[RSI] = rnd() % 64;
	if (s == S_CMPX16)
		st->regs[RBX] &= ~15ull;
	if (s == S_BITS)
		st->regs[RCX] = (s64)(rnd() % 0x10000) - 0x8000;
	if (s == S_STR || s == S_STR32 || s == S_SCAN) {
		st->regs[RSI] = DATA_VA + 0x800 + rnd() % 0x100;
		st->regs[RDI] = DATA_VA + 0x2000 + rnd() % 0x100;
		st->regs[RCX] = rnd() % 8;
		if (rnd() & 1)
			st->flags |= F_DF;
	}
	if (s == S_STR32) {
		st->regs[RSI] |= rnd() << 32;
		st->regs[RDI] |= rnd() << 32;
		st->regs[RCX] |= rnd() << 32;
	}
}

/* Fill both memories with the same random bytes and finish the setup that
 * depends on them. */
static void random_memory(struct cpu_state *st, enum setup s)
{
	u64 i, off = st->regs[RBX] - DATA_VA;

	for (i = 0; i < DATA_SIZE; i += 8) {
		u64 v = rnd_value();

		memcpy(emu_mem + i, &v, 8);
	}
	if ((s == S_CMPX || s == S_CMPX16) && (rnd() & 1)) {
		memcpy(&st->regs[RAX], emu_mem + off, 8);
		memcpy(&st->regs[RDX], emu_mem + off + 8, 8);
		if (s == S_CMPX && (rnd() & 1))	/* CMPXCHG8B compares EDX:EAX */
			st->regs[RDX] = st->regs[RAX] >> 32;
	}
	if (s == S_SCAN && (rnd() & 1))
		memcpy(&st->regs[RAX], emu_mem + (st->regs[RDI] - DATA_VA) + 8 * (rnd() % 4), 8);
	if (s == S_SCAN && (rnd() & 1))	/* equal runs, for REPE */
		memcpy(emu_mem + (st->regs[RDI] - DATA_VA), emu_mem + (st->regs[RSI] - DATA_VA), 16);
	memcpy(native_mem, emu_mem, DATA_SIZE);
}

/* ------------------------------------------------------------------ */
/* The differential runner                                             */
/* ------------------------------------------------------------------ */

/* A form: instruction bytes; an immediate of imm_len bytes at imm_off is
 * random per case; @mask is the flags the SDM defines for it. */
struct form {
	const char *name;
	u8 bytes[15];
	int len;
	int imm_off, imm_len;
	enum setup setup;
	u64 mask;
};

static unsigned long total_cases, total_forms;

static void report_mismatch(const struct form *f, const u8 *code, const struct cpu_state *in,
			    const struct cpu_state *nat, const struct cpu_state *emu,
			    const char *what)
{
	int r, i;
	char hex[64] = "";

	for (i = 0; i < f->len; i++)
		sprintf(hex + 3 * i, "%02x ", code[i]);
	cr_log_error("%s [%s]: %s differs", f->name, hex, what);
	cr_log_error("  in  flags %#llx  out native %#llx emu %#llx",
		     (unsigned long long)in->flags, (unsigned long long)nat->flags,
		     (unsigned long long)emu->flags);
	for (r = 0; r < 16; r++)
		if (nat->regs[r] != emu->regs[r] || r < 8)
			cr_log_error("  r%-2d in %#018llx native %#018llx emu %#018llx", r,
				     (unsigned long long)in->regs[r],
				     (unsigned long long)nat->regs[r],
				     (unsigned long long)emu->regs[r]);
}

/*
 * run_form - @n random cases of one form: native and emulated results must
 * agree.  Every fourth case runs the emulator in "MMIO" mode, where each
 * memory read first answers IO_NEEDED, so the restart path is exercised
 * with the same expectations.
 */
static void run_form(const struct form *f, int n)
{
	struct cpu_state in, nat, emu;
	u8 code[15];
	int c, rc;
	u64 imm;

	for (c = 0; c < n; c++) {
		if (getenv("EMU_TRACE"))
			fprintf(stderr, "%s case %d\n", f->name, c);
		random_state(&in, f->setup);
		random_memory(&in, f->setup);
		memcpy(code, f->bytes, f->len);
		if (f->imm_len) {
			imm = rnd_value();
			memcpy(code + f->imm_off, &imm, f->imm_len);
		}
		build_stub(code, f->len);
		nat = in;
		native_run(&nat);
		emu = in;
		reset_fake(X86EMUL_MODE_PROT64);
		mmio_mode = (c % 4) == 3;
		rc = emu_run(&emu, code, f->len);
		if (rc != EMULATION_OK) {
			report_mismatch(f, code, &in, &nat, &emu, "return code");
			cr_assert_fail("%s: emulator returned %d (%s)", f->name, rc,
				       ctxt.fail_reason ? ctxt.fail_reason : "-");
		}
		if (memcmp(nat.regs, emu.regs, sizeof(nat.regs))) {
			report_mismatch(f, code, &in, &nat, &emu, "registers");
			cr_assert_fail("%s: registers differ (case %d)", f->name, c);
		}
		if ((nat.flags ^ emu.flags) & (f->mask | F_DF)) {
			report_mismatch(f, code, &in, &nat, &emu, "flags");
			cr_assert_fail("%s: flags differ: native %#llx emulated %#llx mask %#llx",
				       f->name, (unsigned long long)nat.flags,
				       (unsigned long long)emu.flags, (unsigned long long)f->mask);
		}
		if (memcmp(native_mem, emu_mem, DATA_SIZE)) {
			report_mismatch(f, code, &in, &nat, &emu, "memory");
			cr_assert_fail("%s: memory differs (case %d)", f->name, c);
		}
		cr_assert_eq(ctxt.eip, CODE_VA + f->len, "%s: RIP not past the instruction",
			     f->name);
	}
	total_cases += n;
	total_forms++;
}

static void run_forms(const struct form *forms, int nforms, int n)
{
	int i;

	for (i = 0; i < nforms; i++)
		run_form(&forms[i], n);
	cr_log_info("%lu forms, %lu cases, all equal to the host CPU", total_forms, total_cases);
	printf("emulate differential: %lu forms, %lu cases\n", total_forms, total_cases);
}

#define CASES	1000	/* random cases per form */

TestSuite(emulate_diff, .init = setup_native, .fini = teardown_native);

/* The eight ALU operations in every form, ModRM memory and register. */
/* exercise 05.1 */
Test(emulate_diff, alu_forms_match_the_cpu)
{
	static const char *const names[8] = { "add", "or", "adc", "sbb", "and", "sub", "xor", "cmp" };
	struct form forms[8 * 16];
	int op, k = 0;

	rng_state = 0x1234567;
	for (op = 0; op < 8; op++) {
		u8 b = op << 3;
		u64 m = (op == 1 || op == 4 || op == 6) ? FLAGS_ARITH & ~F_AF : FLAGS_ARITH;
		struct form t[16] = {
			{ "Eb,Gb [rbx],cl", { b, 0x0b }, 2, 0, 0, S_MEM, m },
			{ "Eb,Gb [rbx],ah", { b, 0x23 }, 2, 0, 0, S_MEM, m },
			{ "Ev,Gv [rbx],ecx", { b + 1, 0x0b }, 2, 0, 0, S_MEM, m },
			{ "Ev,Gv [rbx],rcx", { 0x48, b + 1, 0x0b }, 3, 0, 0, S_MEM, m },
			{ "Ev,Gv [rbx],cx", { 0x66, b + 1, 0x0b }, 3, 0, 0, S_MEM, m },
			{ "Gb,Eb cl,[rbx+8]", { b + 2, 0x4b, 0x08 }, 3, 0, 0, S_MEM, m },
			{ "Gv,Ev r9,[rbx+rsi*1-4] (SIB)", { 0x4c, b + 3, 0x4c, 0x33, 0xfc }, 5, 0, 0, S_IDX, m },
			{ "Gv,Ev edx,eax (reg)", { b + 3, 0xd0 }, 2, 0, 0, S_MEM, m },
			{ "AL,Ib", { b + 4, 0 }, 2, 1, 1, S_MEM, m },
			{ "rAX,Iz", { 0x48, b + 5, 0, 0, 0, 0 }, 6, 2, 4, S_MEM, m },
			{ "80 Eb,Ib", { 0x80, 0x03 | b, 0 }, 3, 2, 1, S_MEM, m },
			{ "81 Ev,Iz", { 0x81, 0x03 | b, 0, 0, 0, 0 }, 6, 2, 4, S_MEM, m },
			{ "48 81 Ev,Iz", { 0x48, 0x81, 0x03 | b, 0, 0, 0, 0 }, 7, 3, 4, S_MEM, m },
			{ "66 83 Ev,Ib", { 0x66, 0x83, 0x03 | b, 0 }, 4, 3, 1, S_MEM, m },
			{ "83 Ev,Ib r10 (reg)", { 0x49, 0x83, 0xc2 | b, 0 }, 4, 3, 1, S_MEM, m },
			{ "lock Ev,Gv", { 0xf0, b + 1, 0x0b }, 3, 0, 0, S_MEM, m },
		};
		int i;

		for (i = 0; i < 16; i++) {
			if (op == 7 && i == 15)	/* LOCK CMP is #UD */
				t[i] = t[2];
			forms[k] = t[i];
			forms[k++].name = names[op];
		}
	}
	run_forms(forms, k, CASES);
}

Test(emulate_diff, test_inc_dec_neg_not_match_the_cpu)
{
	static const struct form forms[] = {
		{ "test Eb,Gb", { 0x84, 0x0b }, 2, 0, 0, S_MEM, FLAGS_ARITH & ~F_AF },
		{ "test Ev,Gv 64", { 0x48, 0x85, 0x0b }, 3, 0, 0, S_MEM, FLAGS_ARITH & ~F_AF },
		{ "test Eb,Ib", { 0xf6, 0x03, 0 }, 3, 2, 1, S_MEM, FLAGS_ARITH & ~F_AF },
		{ "test Ev,Iz", { 0xf7, 0x03, 0, 0, 0, 0 }, 6, 2, 4, S_MEM, FLAGS_ARITH & ~F_AF },
		{ "test AL,Ib", { 0xa8, 0 }, 2, 1, 1, S_MEM, FLAGS_ARITH & ~F_AF },
		{ "inc Eb", { 0xfe, 0x03 }, 2, 0, 0, S_MEM, FLAGS_ARITH },
		{ "dec Eb", { 0xfe, 0x0b }, 2, 0, 0, S_MEM, FLAGS_ARITH },
		{ "inc Ev", { 0xff, 0x03 }, 2, 0, 0, S_MEM, FLAGS_ARITH },
		{ "dec Ev 64", { 0x48, 0xff, 0x0b }, 3, 0, 0, S_MEM, FLAGS_ARITH },
		{ "inc Ev 16", { 0x66, 0xff, 0x03 }, 3, 0, 0, S_MEM, FLAGS_ARITH },
		{ "lock dec Ev", { 0xf0, 0xff, 0x0b }, 3, 0, 0, S_MEM, FLAGS_ARITH },
		{ "inc r8d (reg)", { 0x41, 0xff, 0xc0 }, 3, 0, 0, S_MEM, FLAGS_ARITH },
		{ "not Eb", { 0xf6, 0x13 }, 2, 0, 0, S_MEM, FLAGS_ARITH },
		{ "neg Eb", { 0xf6, 0x1b }, 2, 0, 0, S_MEM, FLAGS_ARITH },
		{ "not Ev 64", { 0x48, 0xf7, 0x13 }, 3, 0, 0, S_MEM, FLAGS_ARITH },
		{ "neg Ev", { 0xf7, 0x1b }, 2, 0, 0, S_MEM, FLAGS_ARITH },
		{ "neg Ev 16", { 0x66, 0xf7, 0x1b }, 3, 0, 0, S_MEM, FLAGS_ARITH },
		{ "neg rax (reg)", { 0x48, 0xf7, 0xd8 }, 3, 0, 0, S_MEM, FLAGS_ARITH },
	};

	rng_state = 0x2345678;
	run_forms(forms, sizeof(forms) / sizeof(forms[0]), CASES);
}

/*
 * Shifts and rotates.  Defined flags: by 1 all of CF OF SF ZF PF for
 * shifts (AF undefined), CF and OF for rotates; by a variable count OF is
 * undefined (SDM Vol. 2B, SAL/SAR/SHL/SHR "Flags Affected"), and CF of
 * SHL/SHR is undefined for a count of at least the operand width — the
 * variable-count forms here are 32/64-bit, where the count mask keeps
 * the count below the width.
 */
/* exercise 05.2 */
Test(emulate_diff, shifts_and_rotates_match_the_cpu)
{
	struct form forms[8 * 9];
	int op, k = 0;

	rng_state = 0x3456789;
	for (op = 0; op < 8; op++) {
		u8 r = op << 3;
		bool rot = op < 4;
		u64 one = rot ? F_CF | F_OF : FLAGS_ARITH & ~F_AF;
		u64 var = rot ? F_CF : FLAGS_ARITH & ~F_AF & ~F_OF;
		struct form t[9] = {
			{ "D0 Eb,1", { 0xd0, 0x03 | r }, 2, 0, 0, S_MEM, one },
			{ "D1 Ev,1", { 0xd1, 0x03 | r }, 2, 0, 0, S_MEM, one },
			{ "48 D1 Ev,1", { 0x48, 0xd1, 0x03 | r }, 3, 0, 0, S_MEM, one },
			{ "66 D1 Ev,1", { 0x66, 0xd1, 0x03 | r }, 3, 0, 0, S_MEM, one },
			{ "C1 Ev,Ib", { 0xc1, 0x03 | r, 0 }, 3, 2, 1, S_MEM, var },
			{ "48 C1 Ev,Ib", { 0x48, 0xc1, 0x03 | r, 0 }, 4, 3, 1, S_MEM, var },
			{ "D3 Ev,CL", { 0xd3, 0x03 | r }, 2, 0, 0, S_MEM, var },
			{ "48 D3 rdx,CL (reg)", { 0x48, 0xd3, 0xc2 | r }, 3, 0, 0, S_MEM, var },
			{ "D1 esi,1 (reg)", { 0xd1, 0xc6 | r }, 2, 0, 0, S_MEM, one },
		};
		int i;

		for (i = 0; i < 9; i++)
			forms[k++] = t[i];
	}
	run_forms(forms, k, CASES);
}

/* 8/16-bit shifts by a variable count: only where every flag we compare
 * is defined is the host compared; the result is compared always. */
/* exercise 05.2 */
Test(emulate_diff, narrow_shifts_by_count_match_the_cpu)
{
	struct form forms[8 * 4];
	int op, k = 0;

	rng_state = 0x456789a;
	for (op = 0; op < 8; op++) {
		u8 r = op << 3;
		u64 m = op < 4 ? 0 : F_SF | F_ZF | F_PF;
		struct form t[4] = {
			{ "C0 Eb,Ib", { 0xc0, 0x03 | r, 0 }, 3, 2, 1, S_MEM, m },
			{ "D2 Eb,CL", { 0xd2, 0x03 | r }, 2, 0, 0, S_MEM, m },
			{ "66 C1 Ev,Ib", { 0x66, 0xc1, 0x03 | r, 0 }, 4, 3, 1, S_MEM, m },
			{ "66 D3 Ev,CL", { 0x66, 0xd3, 0x03 | r }, 3, 0, 0, S_MEM, m },
		};
		int i;

		for (i = 0; i < 4; i++)
			forms[k++] = t[i];
	}
	run_forms(forms, k, CASES);
}

/* BT*: only CF is defined (ZF unaffected); a register offset into memory
 * addresses a bit string reaching +-4 KiB around RBX. */
/* exercise 05.3 */
Test(emulate_diff, bit_tests_match_the_cpu)
{
	static const struct form forms[] = {
		{ "bt [rbx],ecx", { 0x0f, 0xa3, 0x0b }, 3, 0, 0, S_BITS, F_CF | F_ZF },
		{ "bts [rbx],rcx", { 0x48, 0x0f, 0xab, 0x0b }, 4, 0, 0, S_BITS, F_CF | F_ZF },
		{ "btr [rbx],cx", { 0x66, 0x0f, 0xb3, 0x0b }, 4, 0, 0, S_BITS, F_CF | F_ZF },
		{ "btc [rbx],ecx", { 0x0f, 0xbb, 0x0b }, 3, 0, 0, S_BITS, F_CF | F_ZF },
		{ "lock bts [rbx],ecx", { 0xf0, 0x0f, 0xab, 0x0b }, 4, 0, 0, S_BITS, F_CF | F_ZF },
		{ "bt eax,ecx (reg)", { 0x0f, 0xa3, 0xc8 }, 3, 0, 0, S_MEM, F_CF | F_ZF },
		{ "btc rax,rcx (reg)", { 0x48, 0x0f, 0xbb, 0xc8 }, 4, 0, 0, S_MEM, F_CF | F_ZF },
		{ "bt [rbx],imm8", { 0x0f, 0xba, 0x23, 0 }, 4, 3, 1, S_MEM, F_CF | F_ZF },
		{ "bts qword [rbx],imm8", { 0x48, 0x0f, 0xba, 0x2b, 0 }, 5, 4, 1, S_MEM, F_CF | F_ZF },
		{ "btr word [rbx],imm8", { 0x66, 0x0f, 0xba, 0x33, 0 }, 5, 4, 1, S_MEM, F_CF | F_ZF },
		{ "btc [rbx],imm8", { 0x0f, 0xba, 0x3b, 0 }, 4, 3, 1, S_MEM, F_CF | F_ZF },
	};

	rng_state = 0x56789ab;
	run_forms(forms, sizeof(forms) / sizeof(forms[0]), CASES);
}

Test(emulate_diff, moves_match_the_cpu)
{
	static const struct form forms[] = {
		{ "mov [rbx],cl", { 0x88, 0x0b }, 2, 0, 0, S_MEM, FLAGS_ARITH },
		{ "mov [rbx],ah", { 0x88, 0x23 }, 2, 0, 0, S_MEM, FLAGS_ARITH },
		{ "mov [rbx],spl (REX)", { 0x40, 0x88, 0x23 }, 3, 0, 0, S_MEM, FLAGS_ARITH },
		{ "mov [rbx],ecx", { 0x89, 0x0b }, 2, 0, 0, S_MEM, FLAGS_ARITH },
		{ "mov [rbx+rsi*8+0x10],r14", { 0x4c, 0x89, 0x74, 0xf3, 0x10 }, 5, 0, 0, S_IDX, FLAGS_ARITH },
		{ "mov [rbx],cx", { 0x66, 0x89, 0x0b }, 3, 0, 0, S_MEM, FLAGS_ARITH },
		{ "mov dh,[rbx]", { 0x8a, 0x33 }, 2, 0, 0, S_MEM, FLAGS_ARITH },
		{ "mov ecx,[rbx] (zero-extends)", { 0x8b, 0x0b }, 2, 0, 0, S_MEM, FLAGS_ARITH },
		{ "mov r11w,[rbx-0x80]", { 0x66, 0x44, 0x8b, 0x5b, 0x80 }, 5, 0, 0, S_MEM, FLAGS_ARITH },
		{ "mov rcx,[rbx+disp32]", { 0x48, 0x8b, 0x8b, 0x00, 0x01, 0, 0 }, 7, 0, 0, S_MEM, FLAGS_ARITH },
		{ "mov byte [rbx],imm", { 0xc6, 0x03, 0 }, 3, 2, 1, S_MEM, FLAGS_ARITH },
		{ "mov dword [rbx],imm", { 0xc7, 0x03, 0, 0, 0, 0 }, 6, 2, 4, S_MEM, FLAGS_ARITH },
		{ "mov qword [rbx],imm32", { 0x48, 0xc7, 0x03, 0, 0, 0, 0 }, 7, 3, 4, S_MEM, FLAGS_ARITH },
		{ "mov word [rbx],imm16", { 0x66, 0xc7, 0x03, 0, 0 }, 5, 3, 2, S_MEM, FLAGS_ARITH },
		{ "mov al,moffs64", { 0xa0, 0x10, 0x10, 0, 0x30, 0, 0, 0, 0 }, 9, 0, 0, S_MEM, FLAGS_ARITH },
		{ "mov rax,moffs64", { 0x48, 0xa1, 0x18, 0x10, 0, 0x30, 0, 0, 0, 0 }, 10, 0, 0, S_MEM,
		  FLAGS_ARITH },
		{ "mov moffs64,ax", { 0x66, 0xa3, 0x21, 0x10, 0, 0x30, 0, 0, 0, 0 }, 10, 0, 0, S_MEM,
		  FLAGS_ARITH },
		{ "mov moffs64,al", { 0xa2, 0x33, 0x10, 0, 0x30, 0, 0, 0, 0 }, 9, 0, 0, S_MEM, FLAGS_ARITH },
		{ "mov r13,imm64", { 0x49, 0xbd, 0, 0, 0, 0, 0, 0, 0, 0 }, 10, 2, 8, S_MEM, FLAGS_ARITH },
		{ "mov bh,imm8", { 0xb7, 0 }, 2, 1, 1, S_MEM, FLAGS_ARITH },
		{ "movzx ecx,byte [rbx]", { 0x0f, 0xb6, 0x0b }, 3, 0, 0, S_MEM, FLAGS_ARITH },
		{ "movzx rcx,word [rbx]", { 0x48, 0x0f, 0xb7, 0x0b }, 4, 0, 0, S_MEM, FLAGS_ARITH },
		{ "movzx cx,byte [rbx]", { 0x66, 0x0f, 0xb6, 0x0b }, 4, 0, 0, S_MEM, FLAGS_ARITH },
		{ "movsx ecx,byte [rbx]", { 0x0f, 0xbe, 0x0b }, 3, 0, 0, S_MEM, FLAGS_ARITH },
		{ "movsx rcx,word [rbx]", { 0x48, 0x0f, 0xbf, 0x0b }, 4, 0, 0, S_MEM, FLAGS_ARITH },
		{ "movsx cx,byte [rbx]", { 0x66, 0x0f, 0xbe, 0x0b }, 4, 0, 0, S_MEM, FLAGS_ARITH },
		{ "movsx eax,ah (reg)", { 0x0f, 0xbe, 0xc4 }, 3, 0, 0, S_MEM, FLAGS_ARITH },
		{ "movsxd rcx,[rbx]", { 0x48, 0x63, 0x0b }, 3, 0, 0, S_MEM, FLAGS_ARITH },
		{ "mov ecx,ss:[rbx] (override)", { 0x36, 0x8b, 0x0b }, 3, 0, 0, S_MEM, FLAGS_ARITH },
		{ "mov ecx,[ebx] (67)", { 0x67, 0x8b, 0x0b }, 3, 0, 0, S_MEM, FLAGS_ARITH },
		{ "mov [ebx+esi*2+1],dx (67 66 SIB)", { 0x67, 0x66, 0x89, 0x54, 0x73, 0x01 }, 6, 0, 0,
		  S_IDX, FLAGS_ARITH },
		{ "mov r8b,[rbx+rsi] (REX.R byte)", { 0x44, 0x8a, 0x04, 0x33 }, 4, 0, 0, S_IDX,
		  FLAGS_ARITH },
	};

	rng_state = 0x6789abc;
	run_forms(forms, sizeof(forms) / sizeof(forms[0]), CASES);
}

Test(emulate_diff, exchanges_match_the_cpu)
{
	static const struct form forms[] = {
		{ "xchg [rbx],cl", { 0x86, 0x0b }, 2, 0, 0, S_MEM, FLAGS_ARITH },
		{ "xchg [rbx],ecx", { 0x87, 0x0b }, 2, 0, 0, S_MEM, FLAGS_ARITH },
		{ "xchg [rbx],rcx", { 0x48, 0x87, 0x0b }, 3, 0, 0, S_MEM, FLAGS_ARITH },
		{ "lock xchg [rbx],cx", { 0xf0, 0x66, 0x87, 0x0b }, 4, 0, 0, S_MEM, FLAGS_ARITH },
		{ "xchg rax,rcx (reg)", { 0x48, 0x87, 0xc8 }, 3, 0, 0, S_MEM, FLAGS_ARITH },
		{ "xchg ah,al (reg)", { 0x86, 0xe0 }, 2, 0, 0, S_MEM, FLAGS_ARITH },
		{ "xchg ecx,eax (91)", { 0x91 }, 1, 0, 0, S_MEM, FLAGS_ARITH },
		{ "xchg r8,rax (49 90)", { 0x49, 0x90 }, 2, 0, 0, S_MEM, FLAGS_ARITH },
		{ "nop (90)", { 0x90 }, 1, 0, 0, S_MEM, FLAGS_ARITH },
		{ "pause (f3 90)", { 0xf3, 0x90 }, 2, 0, 0, S_MEM, FLAGS_ARITH },
		{ "cmpxchg [rbx],cl", { 0x0f, 0xb0, 0x0b }, 3, 0, 0, S_CMPX, FLAGS_ARITH },
		{ "cmpxchg [rbx],ecx", { 0x0f, 0xb1, 0x0b }, 3, 0, 0, S_CMPX, FLAGS_ARITH },
		{ "cmpxchg [rbx],rcx", { 0x48, 0x0f, 0xb1, 0x0b }, 4, 0, 0, S_CMPX, FLAGS_ARITH },
		{ "cmpxchg [rbx],cx", { 0x66, 0x0f, 0xb1, 0x0b }, 4, 0, 0, S_CMPX, FLAGS_ARITH },
		{ "lock cmpxchg [rbx],ecx", { 0xf0, 0x0f, 0xb1, 0x0b }, 4, 0, 0, S_CMPX, FLAGS_ARITH },
		{ "cmpxchg edx,ecx (reg)", { 0x0f, 0xb1, 0xca }, 3, 0, 0, S_CMPX, FLAGS_ARITH },
		{ "cmpxchg8b [rbx]", { 0x0f, 0xc7, 0x0b }, 3, 0, 0, S_CMPX, FLAGS_ARITH },
		{ "lock cmpxchg8b [rbx]", { 0xf0, 0x0f, 0xc7, 0x0b }, 4, 0, 0, S_CMPX, FLAGS_ARITH },
		{ "cmpxchg16b [rbx]", { 0x48, 0x0f, 0xc7, 0x0b }, 4, 0, 0, S_CMPX16, FLAGS_ARITH },
	};

	rng_state = 0x789abcd;
	run_forms(forms, sizeof(forms) / sizeof(forms[0]), CASES);
}

Test(emulate_diff, push_pop_match_the_cpu)
{
	static const struct form forms[] = {
		{ "push qword [rbx]", { 0xff, 0x33 }, 2, 0, 0, S_MEM, FLAGS_ARITH },
		{ "push word [rbx]", { 0x66, 0xff, 0x33 }, 3, 0, 0, S_MEM, FLAGS_ARITH },
		{ "pop qword [rbx]", { 0x8f, 0x03 }, 2, 0, 0, S_MEM, FLAGS_ARITH },
		{ "pop word [rbx]", { 0x66, 0x8f, 0x03 }, 3, 0, 0, S_MEM, FLAGS_ARITH },
		{ "pop qword [rsp+8] (rsp after pop)", { 0x8f, 0x44, 0x24, 0x08 }, 4, 0, 0, S_MEM, FLAGS_ARITH },
		{ "push rbx", { 0x53 }, 1, 0, 0, S_MEM, FLAGS_ARITH },
		{ "push r12", { 0x41, 0x54 }, 2, 0, 0, S_MEM, FLAGS_ARITH },
		{ "pop rcx", { 0x59 }, 1, 0, 0, S_MEM, FLAGS_ARITH },
		{ "pop r15w", { 0x66, 0x41, 0x5f }, 3, 0, 0, S_MEM, FLAGS_ARITH },
		{ "push imm32", { 0x68, 0, 0, 0, 0 }, 5, 1, 4, S_MEM, FLAGS_ARITH },
		{ "push imm8", { 0x6a, 0 }, 2, 1, 1, S_MEM, FLAGS_ARITH },
	};

	rng_state = 0x89abcde;
	run_forms(forms, sizeof(forms) / sizeof(forms[0]), CASES);
}

/* String instructions, with and without REP/REPE/REPNE, DF random, 64- and
 * 32-bit addresses (67: the upper halves of RSI/RDI/RCX are random). */
Test(emulate_diff, string_instructions_match_the_cpu)
{
	static const struct form forms[] = {
		{ "movsb", { 0xa4 }, 1, 0, 0, S_STR, FLAGS_ARITH },
		{ "movsq", { 0x48, 0xa5 }, 2, 0, 0, S_STR, FLAGS_ARITH },
		{ "rep movsb", { 0xf3, 0xa4 }, 2, 0, 0, S_STR, FLAGS_ARITH },
		{ "rep movsd", { 0xf3, 0xa5 }, 2, 0, 0, S_STR, FLAGS_ARITH },
		{ "rep movsw", { 0x66, 0xf3, 0xa5 }, 3, 0, 0, S_STR, FLAGS_ARITH },
		{ "rep movsq", { 0xf3, 0x48, 0xa5 }, 3, 0, 0, S_STR, FLAGS_ARITH },
		{ "rep movsb ss: (override)", { 0x36, 0xf3, 0xa4 }, 3, 0, 0, S_STR, FLAGS_ARITH },
		{ "rep movsd a32", { 0x67, 0xf3, 0xa5 }, 3, 0, 0, S_STR32, FLAGS_ARITH },
		{ "stosb", { 0xaa }, 1, 0, 0, S_STR, FLAGS_ARITH },
		{ "rep stosq", { 0xf3, 0x48, 0xab }, 3, 0, 0, S_STR, FLAGS_ARITH },
		{ "rep stosw a32", { 0x67, 0x66, 0xf3, 0xab }, 4, 0, 0, S_STR32, FLAGS_ARITH },
		{ "lodsb", { 0xac }, 1, 0, 0, S_STR, FLAGS_ARITH },
		{ "rep lodsd", { 0xf3, 0xad }, 2, 0, 0, S_STR, FLAGS_ARITH },
		{ "cmpsb", { 0xa6 }, 1, 0, 0, S_SCAN, FLAGS_ARITH },
		{ "repe cmpsb", { 0xf3, 0xa6 }, 2, 0, 0, S_SCAN, FLAGS_ARITH },
		{ "repne cmpsd", { 0xf2, 0xa7 }, 2, 0, 0, S_SCAN, FLAGS_ARITH },
		{ "repe cmpsq", { 0xf3, 0x48, 0xa7 }, 3, 0, 0, S_SCAN, FLAGS_ARITH },
		{ "scasb", { 0xae }, 1, 0, 0, S_SCAN, FLAGS_ARITH },
		{ "repne scasb", { 0xf2, 0xae }, 2, 0, 0, S_SCAN, FLAGS_ARITH },
		{ "repe scasq", { 0xf3, 0x48, 0xaf }, 3, 0, 0, S_SCAN, FLAGS_ARITH },
		{ "repe scasw a32", { 0x67, 0x66, 0xf3, 0xaf }, 4, 0, 0, S_STR32, FLAGS_ARITH },
	};

	rng_state = 0x9abcdef;
	run_forms(forms, sizeof(forms) / sizeof(forms[0]), CASES);
}

/* ------------------------------------------------------------------ */
/* Decoder: lengths and addresses worked out by hand from the SDM        */
/* ------------------------------------------------------------------ */

struct len_case {
	const char *what;
	enum x86emul_mode mode;
	u8 bytes[15];
	int n;
	int len;	/* exact length */
	s64 ea;		/* memory operand's effective address, or -1 */
	int seg;	/* its segment, or -1 */
};

/* Registers for the address checks: RAX=0x100, RCX=0x200, ..., i.e. 0x100 * (n + 1). */
static void len_regs(struct cpu_state *st)
{
	int r;

	for (r = 0; r < 16; r++)
		st->regs[r] = 0x100 * (r + 1);
	st->flags = 2;
}

#define R(n) (0x100 * ((n) + 1))	/* the value len_regs() gives register n */
#define P64 X86EMUL_MODE_PROT64
#define P32 X86EMUL_MODE_PROT32
#define P16 X86EMUL_MODE_PROT16
#define RM X86EMUL_MODE_REAL
#define DS_ VCPU_SREG_DS
#define SS_ VCPU_SREG_SS

static const struct len_case len_cases[] = {
	{ "mov [rbx],al", P64, { 0x88, 0x03 }, 2, 2, R(3), DS_ },
	{ "mov [rsp],rax (SIB, SS)", P64, { 0x48, 0x89, 0x04, 0x24 }, 4, 4, R(4), SS_ },
	{ "mov [disp32],eax (SIB no base, no index)", P64,
	  { 0x89, 0x04, 0x25, 0x78, 0x56, 0x34, 0x12 }, 7, 7, 0x12345678, DS_ },
	{ "mov eax,[rip+0x10] (RIP-relative)", P64, { 0x8b, 0x05, 0x10, 0, 0, 0 }, 6, 6,
	  CODE_VA + 6 + 0x10, DS_ },
	{ "mov dword [rip-4],imm32 (RIP-rel + imm)", P64,
	  { 0xc7, 0x05, 0xfc, 0xff, 0xff, 0xff, 1, 2, 3, 4 }, 10, 10, CODE_VA + 10 - 4, DS_ },
	{ "mov qword [rax+disp32],imm32", P64,
	  { 0x48, 0xc7, 0x80, 0, 1, 0, 0, 1, 2, 3, 4 }, 11, 11, R(0) + 0x100, DS_ },
	{ "mov word [rbx],imm16", P64, { 0x66, 0xc7, 0x03, 1, 2 }, 5, 5, R(3), DS_ },
	{ "mov rax,imm64", P64, { 0x48, 0xb8, 1, 2, 3, 4, 5, 6, 7, 8 }, 10, 10, -1, -1 },
	{ "mov eax,moffs64", P64, { 0xa1, 1, 2, 3, 4, 5, 6, 7, 0 }, 9, 9, 0x0007060504030201ll, DS_ },
	{ "mov eax,moffs32 (67)", P64, { 0x67, 0xa1, 1, 2, 3, 4 }, 6, 6, 0x04030201, DS_ },
	{ "66 67 f3 REX.W movs", P64, { 0x66, 0x67, 0xf3, 0x48, 0xa5 }, 5, 5, -1, -1 },
	{ "REX then 66: REX dropped", P64, { 0x48, 0x66, 0x89, 0x03 }, 4, 4, R(3), DS_ },
	{ "push [r12+8] (REX.B base needs SIB)", P64, { 0x41, 0xff, 0x74, 0x24, 0x08 }, 5, 5,
	  R(12) + 8, DS_ },
	{ "mov eax,[r13+0] (r13 base needs disp8)", P64, { 0x41, 0x8b, 0x45, 0x00 }, 4, 4, R(13), DS_ },
	{ "mov eax,[r12+r13] (REX.X index)", P64, { 0x43, 0x8b, 0x04, 0x2c }, 4, 4, R(12) + R(13), DS_ },
	{ "mov eax,[rbp+rsi*4-8] (SS)", P64, { 0x8b, 0x44, 0xb5, 0xf8 }, 4, 4, R(5) + 4 * R(6) - 8, SS_ },
	{ "mov eax,[rsp+rsp*1] is [rsp] (index 4 = none)", P64, { 0x8b, 0x04, 0x24 }, 3, 3, R(4), SS_ },
	{ "mov eax,[r12*2+rax] (REX.X: index 12 is real)", P64, { 0x42, 0x8b, 0x04, 0x60 }, 4, 4,
	  R(0) + 2 * R(12), DS_ },
	{ "lock cmpxchg8b [rbx]", P64, { 0xf0, 0x0f, 0xc7, 0x0b }, 4, 4, R(3), DS_ },
	{ "bt dword [rbx],imm8", P64, { 0x0f, 0xba, 0x23, 0x05 }, 4, 4, R(3), DS_ },
	{ "shl dword [rbx],imm8", P64, { 0xc1, 0x23, 0x04 }, 3, 3, R(3), DS_ },
	{ "cmp byte [rsp],-1", P64, { 0x80, 0x3c, 0x24, 0xff }, 4, 4, R(4), SS_ },
	{ "six segment prefixes, GS wins", P64, { 0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65, 0x88, 0x03 },
	  8, 8, R(3), VCPU_SREG_GS },
	{ "14 prefixes + nop = 15 bytes", P64,
	  { 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x90 },
	  15, 15, -1, -1 },
	{ "test byte [rbx],imm8", P64, { 0xf6, 0x03, 0x7f }, 3, 3, R(3), DS_ },
	{ "test dword [rbx],imm32", P64, { 0xf7, 0x03, 1, 2, 3, 4 }, 6, 6, R(3), DS_ },
	{ "test word [rbx],imm16", P64, { 0x66, 0xf7, 0x03, 1, 2 }, 5, 5, R(3), DS_ },
	{ "not byte [rbx] (no imm)", P64, { 0xf6, 0x13 }, 2, 2, R(3), DS_ },
	{ "push imm8", P64, { 0x6a, 0x80 }, 2, 2, -1, -1 },
	{ "push imm32", P64, { 0x68, 1, 2, 3, 4 }, 5, 5, -1, -1 },
	{ "push imm16 (66)", P64, { 0x66, 0x68, 1, 2 }, 4, 4, -1, -1 },
	{ "movsxd rax,[rbx]", P64, { 0x48, 0x63, 0x03 }, 3, 3, R(3), DS_ },
	/* Not emulated, but their lengths are known (stepping over intercepts) */
	{ "cpuid", P64, { 0x0f, 0xa2 }, 2, 2, -1, -1 },
	{ "hlt with redundant prefixes", P64, { 0x2e, 0x3e, 0xf4 }, 3, 3, -1, -1 },
	{ "rdmsr", P64, { 0x0f, 0x32 }, 2, 2, -1, -1 },
	{ "wrmsr", P64, { 0x0f, 0x30 }, 2, 2, -1, -1 },
	{ "vmmcall", P64, { 0x0f, 0x01, 0xd9 }, 3, 3, -1, -1 },
	{ "xsetbv", P64, { 0x0f, 0x01, 0xd1 }, 3, 3, -1, -1 },
	{ "invlpg [rax+8]", P64, { 0x0f, 0x01, 0x78, 0x08 }, 4, 4, -1, -1 },
	{ "mov cr3,rax", P64, { 0x0f, 0x22, 0xd8 }, 3, 3, -1, -1 },
	{ "mov cr3,rax with mod 0 (mod ignored)", P64, { 0x0f, 0x22, 0x18 }, 3, 3, -1, -1 },
	{ "mov rax,cr8 (REX.R)", P64, { 0x44, 0x0f, 0x20, 0xc0 }, 4, 4, -1, -1 },
	{ "jz rel32", P64, { 0x0f, 0x84, 1, 2, 3, 4 }, 6, 6, -1, -1 },
	{ "jnz rel8", P64, { 0x75, 0xfe }, 2, 2, -1, -1 },
	{ "call rel32", P64, { 0xe8, 1, 2, 3, 4 }, 5, 5, -1, -1 },
	{ "in al,imm8", P64, { 0xe4, 0x60 }, 2, 2, -1, -1 },
	{ "out dx,eax", P64, { 0xef }, 1, 1, -1, -1 },
	{ "ret imm16", P64, { 0xc2, 8, 0 }, 3, 3, -1, -1 },
	{ "int 0x80", P64, { 0xcd, 0x80 }, 2, 2, -1, -1 },
	{ "imul eax,[rbx+disp8],imm32", P64, { 0x69, 0x43, 0x10, 1, 2, 3, 4 }, 7, 7, -1, -1 },
	{ "div dword [rbx+rsi*4+disp32]", P64, { 0xf7, 0xb4, 0xb3, 1, 2, 3, 4 }, 7, 7, -1, -1 },
	{ "pause", P64, { 0xf3, 0x90 }, 2, 2, -1, -1 },
	{ "rdtsc", P32, { 0x0f, 0x31 }, 2, 2, -1, -1 },
	{ "in ax,dx (66)", RM, { 0xed }, 1, 1, -1, -1 },
	/* 16-bit addressing (SDM Vol. 2A, Table 2-1) */
	{ "mov al,[bp+si+8] (16, SS)", RM, { 0x8a, 0x42, 0x08 }, 3, 3, (R(5) + R(6) + 8) & 0xffff, SS_ },
	{ "mov [0x1234],ax (16, disp16)", RM, { 0x89, 0x06, 0x34, 0x12 }, 4, 4, 0x1234, DS_ },
	{ "mov ax,[bx+0x1234]", P16, { 0x8b, 0x87, 0x34, 0x12 }, 4, 4, R(3) + 0x1234, DS_ },
	{ "mov ax,[bp] needs disp8 (mod 1)", RM, { 0x8b, 0x46, 0x00 }, 3, 3, R(5), SS_ },
	{ "mov [bx+di-1],ax wraps at 64K", RM, { 0x89, 0x41, 0xff }, 3, 3, R(3) + R(7) - 1, DS_ },
	{ "mov [bx],eax (66)", RM, { 0x66, 0x89, 0x07 }, 3, 3, R(3), DS_ },
	{ "mov [esp],ax (67: 32-bit addressing)", RM, { 0x67, 0x89, 0x04, 0x24 }, 4, 4, R(4), SS_ },
	{ "mov word [0x1234],0x5678", RM, { 0xc7, 0x06, 0x34, 0x12, 0x78, 0x56 }, 6, 6, 0x1234, DS_ },
	{ "mov dword [0x1234],imm32 (66)", RM, { 0x66, 0xc7, 0x06, 0x34, 0x12, 1, 2, 3, 4 }, 9, 9,
	  0x1234, DS_ },
	{ "mov ax,moffs16", RM, { 0xa1, 0x34, 0x12 }, 3, 3, 0x1234, DS_ },
	{ "mov ax,moffs32 (67)", RM, { 0x67, 0xa1, 1, 2, 3, 4 }, 6, 6, 0x04030201, DS_ },
	/* 32-bit mode */
	{ "mov eax,[ecx*4+0x1000] (SIB no base)", P32, { 0x8b, 0x04, 0x8d, 0, 0x10, 0, 0 }, 7, 7,
	  4 * R(1) + 0x1000, DS_ },
	{ "mov eax,[disp32] is absolute outside 64-bit", P32, { 0x8b, 0x05, 0, 0x10, 0, 0 }, 6, 6,
	  0x1000, DS_ },
	{ "inc eax (40 is not REX)", P32, { 0x40 }, 1, 1, -1, -1 },
	{ "mov eax,[bp+8] (67: 16-bit addressing)", P32, { 0x67, 0x8b, 0x46, 0x08 }, 4, 4, R(5) + 8, SS_ },
	{ "mov ax,imm16 (66)", P32, { 0x66, 0xb8, 0x34, 0x12 }, 4, 4, -1, -1 },
	{ "mov eax,imm32", P32, { 0xb8, 1, 2, 3, 4 }, 5, 5, -1, -1 },
};

TestSuite(emulate, .init = NULL);

Test(emulate, decoder_lengths_and_addresses_match_the_sdm)
{
	unsigned int i;

	for (i = 0; i < sizeof(len_cases) / sizeof(len_cases[0]); i++) {
		const struct len_case *t = &len_cases[i];
		const struct operand *m;
		struct cpu_state st;
		int rc;

		reset_fake(t->mode);
		len_regs(&st);
		rc = emu_decode(&st, t->bytes, t->n);
		cr_assert_eq(rc, EMULATION_OK, "%s: decode returned %d (%s)", t->what, rc,
			     ctxt.fail_reason ? ctxt.fail_reason : "-");
		cr_expect_eq(ctxt.insn_len, t->len, "%s: length %d, expected %d", t->what,
			     ctxt.insn_len, t->len);
		if (t->ea < 0)
			continue;
		m = ctxt.dst.type == OP_MEM ? &ctxt.dst : &ctxt.src;
		cr_assert_eq(m->type, OP_MEM, "%s: no memory operand", t->what);
		cr_expect_eq(m->ea, (u64)t->ea, "%s: ea %#llx, expected %#llx", t->what,
			     (unsigned long long)m->ea, (unsigned long long)t->ea);
		cr_expect_eq(m->seg, t->seg, "%s: segment %d, expected %d", t->what, m->seg, t->seg);
	}
}

Test(emulate, decoder_refuses_16_bytes_with_gp)
{
	u8 b[15];
	struct cpu_state st;

	reset_fake(P64);
	len_regs(&st);
	memset(b, 0x66, sizeof(b));	/* 15 prefixes: the opcode would be byte 16 */
	cr_assert_eq(emu_decode(&st, b, 15), EMULATION_FAULT);
	cr_assert_eq(ctxt.exception.vector, GP_VECTOR);
	cr_assert_eq(ctxt.exception.error_code, 0);
}

/* With no bytes given, the decoder fetches only what the instruction needs:
 * a 2-byte instruction that ends at the last byte of a mapped page decodes;
 * one whose immediate lies on the next (unmapped) page gets #PF there. */
Test(emulate, fetch_stops_at_the_instruction_end_and_faults_across_a_page)
{
	struct cpu_state st;
	u64 end = DATA_VA + DATA_SIZE;

	reset_fake(P64);
	len_regs(&st);
	emu_mem[DATA_SIZE - 2] = 0x88;
	emu_mem[DATA_SIZE - 1] = 0x03;
	memset(&ctxt, 0, sizeof(ctxt));
	ctxt.ops = &fake_ops;
	ctxt.mode = P64;
	ctxt.eip = end - 2;
	init_decode_cache(&ctxt);
	cr_assert_eq(x86_decode_insn(&ctxt, NULL, 0), EMULATION_OK);
	cr_assert_eq(ctxt.insn_len, 2);
	cr_assert_eq(ctxt.insn[0], 0x88);

	emu_mem[DATA_SIZE - 2] = 0xc6;	/* mov byte [rbx], imm8: 3 bytes */
	init_decode_cache(&ctxt);
	cr_assert_eq(x86_decode_insn(&ctxt, NULL, 0), EMULATION_FAULT);
	cr_assert_eq(ctxt.exception.vector, PF_VECTOR);
	cr_assert_eq(ctxt.exception.address, end);
	cr_assert_eq(ctxt.exception.error_code, 0x10, "an instruction fetch (I/D bit)");
}

/* ------------------------------------------------------------------ */
/* Faults and refusals                                                 */
/* ------------------------------------------------------------------ */

/* Run @code (decode + execute) with @st; expect @vector and @ec (-1: none). */
static void expect_fault(const char *what, struct cpu_state *st, const u8 *code, int n,
			 int vector, int ec)
{
	struct cpu_state before = *st;
	u8 mem_before[256];
	int rc;

	memcpy(mem_before, emu_mem + 0x1000, sizeof(mem_before));
	writes = 0;
	rc = emu_decode(st, code, n);
	if (rc == EMULATION_OK)
		rc = emu_exec(st, NULL);
	cr_assert_eq(rc, EMULATION_FAULT, "%s: returned %d, expected a fault", what, rc);
	cr_assert_eq(ctxt.exception.vector, vector, "%s: vector %d, expected %d", what,
		     ctxt.exception.vector, vector);
	if (ec < 0) {
		cr_assert(!ctxt.exception.error_code_valid, "%s: no error code expected", what);
	} else {
		cr_assert(ctxt.exception.error_code_valid, "%s: error code expected", what);
		cr_assert_eq(ctxt.exception.error_code, ec, "%s: error code %#x, expected %#x",
			     what, ctxt.exception.error_code, ec);
	}
	cr_assert_eq(ctxt.eip, CODE_VA, "%s: RIP moved", what);
	cr_assert(!memcmp(st->regs, before.regs, sizeof(before.regs)), "%s: registers changed", what);
	cr_assert_eq(st->flags, before.flags, "%s: flags changed", what);
	cr_assert(!memcmp(mem_before, emu_mem + 0x1000, sizeof(mem_before)), "%s: memory changed",
		  what);
	cr_assert_eq(writes, 0, "%s: a write went out", what);
}

Test(emulate, non_canonical_address_is_gp_or_ss_in_64bit_mode)
{
	static const u8 mov_rbx[] = { 0x8b, 0x03 }, mov_rbp[] = { 0x8b, 0x45, 0x00 };
	struct cpu_state st;

	reset_fake(P64);
	len_regs(&st);
	st.regs[RBX] = 0x0000800000000000ull;
	expect_fault("mov eax,[non-canonical]", &st, mov_rbx, 2, GP_VECTOR, 0);
	st.regs[RBP] = 0xffff7fffffffffffull;
	expect_fault("mov eax,[rbp non-canonical] (SS)", &st, mov_rbp, 3, SS_VECTOR, 0);
	st.regs[RBX] = 0x00007ffffffffffeull;	/* the 4 bytes cross into non-canonical */
	expect_fault("mov eax,[last canonical - 1]", &st, mov_rbx, 2, GP_VECTOR, 0);
}

Test(emulate, five_level_paging_makes_57_bit_addresses_canonical)
{
	static const u8 mov_rbx[] = { 0x8b, 0x03 };
	struct cpu_state st;

	reset_fake(P64);
	cr4 = 1ull << 12;	/* CR4.LA57 */
	len_regs(&st);
	/* Canonical with 57 bits: the access goes on to the (fake) page
	 * walk, which maps nothing there: #PF, not #GP. */
	st.regs[RBX] = 0x0000800000000000ull;
	expect_fault("mov eax,[2^47] with LA57", &st, mov_rbx, 2, PF_VECTOR, 0);
	st.regs[RBX] = 0xff00000000000000ull;
	expect_fault("mov eax,[-2^56] with LA57", &st, mov_rbx, 2, PF_VECTOR, 0);
	st.regs[RBX] = 0x0100000000000000ull;	/* bit 56 set, 63:57 clear */
	expect_fault("mov eax,[2^56] with LA57", &st, mov_rbx, 2, GP_VECTOR, 0);
}

Test(emulate, segment_limits_and_rights_are_checked_outside_64bit_mode)
{
	static const u8 load[] = { 0x8b, 0x03 }, store[] = { 0x89, 0x03 }, push[] = { 0x50 };
	struct cpu_state st;
	int rc;

	reset_fake(P32);
	len_regs(&st);
	segs[VCPU_SREG_DS].base = DATA_VA;
	segs[VCPU_SREG_DS].limit = 0x1001;
	st.regs[RBX] = 0xffe;		/* bytes 0xffe-0x1001: inside */
	cr_assert_eq(emu_run(&st, load, 2), EMULATION_OK);
	st.regs[RBX] = 0xfff;		/* byte 0x1002 is beyond the limit */
	expect_fault("load across the DS limit", &st, load, 2, GP_VECTOR, 0);

	segs[VCPU_SREG_DS].type = 7;	/* expand-down: offsets above the limit */
	segs[VCPU_SREG_DS].limit = 0xfff;
	st.regs[RBX] = 0x800;
	expect_fault("expand-down, below the limit", &st, load, 2, GP_VECTOR, 0);
	st.regs[RBX] = 0x1000;
	rc = emu_run(&st, load, 2);
	cr_assert_eq(rc, EMULATION_OK, "expand-down, above the limit");

	segs[VCPU_SREG_DS].type = 1;	/* read-only data */
	segs[VCPU_SREG_DS].limit = 0xffffffff;
	st.regs[RBX] = 0x1000;
	expect_fault("store to a read-only segment", &st, store, 2, GP_VECTOR, 0);
	segs[VCPU_SREG_DS].unusable = 1;
	segs[VCPU_SREG_DS].type = 3;
	expect_fault("load through an unusable (null) DS", &st, load, 2, GP_VECTOR, 0);

	segs[VCPU_SREG_SS].base = DATA_VA;
	segs[VCPU_SREG_SS].limit = 0xfff;
	st.regs[RSP] = 0x1002;		/* the new top 0xffe-0x1001 crosses the limit */
	expect_fault("push across the SS limit", &st, push, 1, SS_VECTOR, 0);
}

Test(emulate, undefined_forms_raise_ud)
{
	static const struct { const char *what; u8 b[4]; int n; } ud[] = {
		{ "lock mov [rbx],al (not lockable)", { 0xf0, 0x88, 0x03 }, 3 },
		{ "lock add eax,ecx (register destination)", { 0xf0, 0x01, 0xc8 }, 3 },
		{ "lock cmp [rbx],eax (CMP does not write)", { 0xf0, 0x39, 0x03 }, 3 },
		{ "cmpxchg8b eax (register form)", { 0x0f, 0xc7, 0xc8 }, 3 },
		{ "mov cs,ax", { 0x8e, 0xc8 }, 2 },
		{ "ud2", { 0x0f, 0x0b }, 2 },
		{ "82 /0 in 64-bit mode", { 0x82, 0x03, 0x01 }, 3 },
		{ "fe /2 (group 4 has only INC/DEC)", { 0xfe, 0x13 }, 2 },
	};
	struct cpu_state st;
	unsigned int i;

	for (i = 0; i < sizeof(ud) / sizeof(ud[0]); i++) {
		reset_fake(P64);
		len_regs(&st);
		st.regs[RBX] = BASE;
		expect_fault(ud[i].what, &st, ud[i].b, ud[i].n, UD_VECTOR, -1);
	}
}

/* Instructions with a known shape decode (the glue can step over them by
 * the length) and are refused when executed; unknown shapes are refused by
 * the decoder.  Either way fail_reason names it. */
Test(emulate, unsupported_instructions_are_refused_with_a_reason)
{
	static const struct { u8 b[8]; int n, len; } no[] = {
		{ { 0xf7, 0x33 }, 2, 2 },		/* div dword [rbx] */
		{ { 0x0f, 0x05 }, 2, 2 },		/* syscall */
		{ { 0xff, 0x13 }, 2, 2 },		/* call [rbx] */
		{ { 0xe8, 0, 0, 0, 0 }, 5, 5 },		/* call rel32 */
		{ { 0x0f, 0x01, 0xd0 }, 3, 3 },		/* xgetbv */
		{ { 0x0f, 0xa2 }, 2, 2 },		/* cpuid */
	};
	static const struct { u8 b[8]; int n; } undecodable[] = {
		{ { 0x0f, 0x38, 0x00, 0xc1 }, 4 },	/* pshufb: the 0F 38 map */
		{ { 0xc5, 0xf9, 0x6f, 0xc1 }, 4 },	/* VEX vmovdqa */
		{ { 0x9a, 1, 2, 3, 4, 5, 6 }, 7 },	/* callf ptr16:32 */
	};
	struct cpu_state st;
	unsigned int i;

	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
		reset_fake(P64);
		len_regs(&st);
		st.regs[RBX] = BASE;
		cr_assert_eq(emu_decode(&st, no[i].b, no[i].n), EMULATION_OK, "case %u", i);
		cr_assert_eq(ctxt.insn_len, no[i].len, "case %u", i);
		cr_assert_eq(x86_emulate_insn(&ctxt), EMULATION_FAILED, "case %u", i);
		cr_assert_not_null(ctxt.fail_reason, "case %u: no reason given", i);
		cr_assert_eq(ctxt.eip, CODE_VA);
	}
	for (i = 0; i < sizeof(undecodable) / sizeof(undecodable[0]); i++) {
		reset_fake(P64);
		len_regs(&st);
		cr_assert_eq(emu_decode(&st, undecodable[i].b, undecodable[i].n), EMULATION_FAILED,
			     "undecodable %u", i);
		cr_assert_not_null(ctxt.fail_reason);
	}
}

/* #AC(0): CR0.AM, EFLAGS.AC, CPL 3 and a misaligned data access (SDM Vol. 3A 6.15). */
Test(emulate, misaligned_access_at_cpl3_with_am_and_ac_is_ac)
{
	static const u8 load[] = { 0x8b, 0x03 };
	struct cpu_state st;

	reset_fake(P64);
	len_regs(&st);
	st.flags |= 1 << 18;
	cr0 = 1 << 18;
	cur_cpl = 3;
	st.regs[RBX] = BASE + 2;
	expect_fault("misaligned at CPL 3", &st, load, 2, AC_VECTOR, 0);
	st.regs[RBX] = BASE + 4;
	cr_assert_eq(emu_run(&st, load, 2), EMULATION_OK, "aligned");
	st.regs[RBX] = BASE + 2;
	cur_cpl = 0;
	cr_assert_eq(emu_run(&st, load, 2), EMULATION_OK, "CPL 0 is not checked");
}

Test(emulate, cmpxchg16b_needs_16_byte_alignment)
{
	static const u8 c16[] = { 0x48, 0x0f, 0xc7, 0x0b };
	struct cpu_state st;

	reset_fake(P64);
	len_regs(&st);
	st.regs[RBX] = BASE + 8;
	expect_fault("cmpxchg16b [misaligned]", &st, c16, 4, GP_VECTOR, 0);
}

/* A MOVS whose store page-faults: #PF with the store's address and a
 * write error code, no register or memory changed, restartable. */
Test(emulate, page_fault_mid_instruction_changes_nothing)
{
	static const u8 movs[] = { 0xf3, 0x48, 0xa5 };
	struct cpu_state st;

	reset_fake(P64);
	len_regs(&st);
	st.regs[RSI] = BASE;
	st.regs[RDI] = DATA_VA + DATA_SIZE;	/* unmapped */
	st.regs[RCX] = 3;
	expect_fault("rep movsq into an unmapped page", &st, movs, 3, PF_VECTOR, 2);
	cr_assert_eq(ctxt.exception.address, DATA_VA + DATA_SIZE);
}

/* ------------------------------------------------------------------ */
/* MMIO round trips: IO_NEEDED stops with no side effect; re-runs replay  */
/* ------------------------------------------------------------------ */

static int reads;	/* read_emulated calls, counted by counting_read() */

static int counting_read(struct x86_emulate_ctxt *c, u64 la, void *val, unsigned int n,
			 struct x86_exception *f)
{
	reads++;
	return fake_read(c, la, val, n, f);
}

/* An ALU op on MMIO: the read goes to userspace; nothing changes until the
 * re-run, which finishes the instruction with one write. */
Test(emulate, io_needed_stops_without_side_effects_and_resumes)
{
	static const u8 add[] = { 0x01, 0x0b };	/* add [rbx], ecx */
	struct cpu_state st, before;
	u32 v = 0xfffffff0, got;

	reset_fake(P64);
	len_regs(&st);
	st.regs[RBX] = BASE;
	st.regs[RCX] = 0x20;
	memcpy(emu_mem + 0x1000, &v, 4);
	mmio_mode = true;
	cr_assert_eq(emu_decode(&st, add, 2), EMULATION_OK);
	before = st;
	cr_assert_eq(x86_emulate_insn(&ctxt), EMULATION_IO_NEEDED);
	cr_assert(!memcmp(ctxt.regs, before.regs, sizeof(before.regs)));
	cr_assert_eq(ctxt.eflags, before.flags);
	cr_assert_eq(ctxt.eip, CODE_VA);
	cr_assert_eq(writes, 0);
	cr_assert_eq(x86_emulate_insn(&ctxt), EMULATION_OK);
	memcpy(&got, emu_mem + 0x1000, 4);
	cr_assert_eq(got, 0x10);
	cr_assert_eq(writes, 1);
	cr_assert(ctxt.eflags & F_CF, "the carry of 0xfffffff0 + 0x20");
	cr_assert_eq(ctxt.eip, CODE_VA + 2);
}

/* CMPS reads twice: each read is asked of "userspace" once; the re-run
 * after the second exit replays the first from the cache. */
Test(emulate, two_reads_each_go_out_once)
{
	static const u8 cmps[] = { 0xa7 };	/* cmpsd */
	struct x86_emulate_ops ops = fake_ops;
	struct cpu_state st;

	reset_fake(P64);
	len_regs(&st);
	st.regs[RSI] = BASE;
	st.regs[RDI] = BASE + 0x100;
	memset(emu_mem + 0x1000, 0x11, 4);
	memset(emu_mem + 0x1100, 0x11, 4);
	mmio_mode = true;
	reads = 0;
	ops.read_emulated = counting_read;
	cr_assert_eq(emu_decode(&st, cmps, 1), EMULATION_OK);
	ctxt.ops = &ops;
	cr_assert_eq(x86_emulate_insn(&ctxt), EMULATION_IO_NEEDED);
	cr_assert_eq(x86_emulate_insn(&ctxt), EMULATION_IO_NEEDED);
	cr_assert_eq(x86_emulate_insn(&ctxt), EMULATION_OK);
	cr_assert_eq(reads, 4, "read 1 out, read 1 in + read 2 out, read 2 in: %d", reads);
	cr_assert_eq(io_exits, 2);
	cr_assert(ctxt.eflags & F_ZF);
	cr_assert_eq(ctxt.regs[RSI], BASE + 4);
	cr_assert_eq(ctxt.regs[RDI], BASE + 0x104);
}

/* ------------------------------------------------------------------ */
/* REP string behaviour (RCX, DF, termination, one iteration per call)   */
/* ------------------------------------------------------------------ */

Test(emulate, rep_runs_one_iteration_per_call_and_rcx_zero_does_nothing)
{
	static const u8 rep_stosb[] = { 0xf3, 0xaa };
	struct cpu_state st;
	int restarts;

	reset_fake(P64);
	len_regs(&st);
	st.regs[RDI] = BASE;
	st.regs[RCX] = 5;
	st.regs[RAX] = 0x77;
	cr_assert_eq(emu_decode(&st, rep_stosb, 2), EMULATION_OK);
	cr_assert_eq(x86_emulate_insn(&ctxt), EMULATION_RESTART);
	cr_assert_eq(ctxt.eip, CODE_VA, "RIP stays on the instruction");
	cr_assert_eq(ctxt.regs[RCX], 4);
	cr_assert_eq(ctxt.regs[RDI], BASE + 1);
	cr_assert_eq(emu_exec(&st, &restarts), EMULATION_OK);
	cr_assert_eq(restarts, 3);
	cr_assert_eq(st.regs[RCX], 0);
	cr_assert_eq(st.regs[RDI], BASE + 5);
	cr_assert_eq(emu_mem[0x1004], 0x77);
	cr_assert_eq(ctxt.eip, CODE_VA + 2);

	len_regs(&st);
	st.regs[RCX] = 0;
	writes = 0;
	cr_assert_eq(emu_run(&st, rep_stosb, 2), EMULATION_OK);
	cr_assert_eq(writes, 0);
	cr_assert_eq(st.regs[RDI], R(7));
	cr_assert_eq(ctxt.eip, CODE_VA + 2);
}

/* 16-bit addresses: SI/DI/CX wrap at 64K and the upper bits stay (SDM Vol. 1,
 * 3.3.7: the address size picks SI/ESI/RSI).  Real mode, DF = 1. */
Test(emulate, rep_movsw_with_16bit_addresses_wraps_and_goes_down)
{
	static const u8 rep_movsw[] = { 0xf3, 0xa5 };
	struct cpu_state st;

	reset_fake(RM);
	segs[VCPU_SREG_DS].base = DATA_VA;
	segs[VCPU_SREG_ES].base = DATA_VA + 0x1000;
	len_regs(&st);
	st.flags |= F_DF;
	st.regs[RSI] = 0xabcd0002;	/* SI = 2: items at 2, 0, then 0xfffe */
	st.regs[RDI] = 0x00000010;
	st.regs[RCX] = 0x55550002;	/* CX = 2 */
	emu_mem[2] = 0x11; emu_mem[3] = 0x22; emu_mem[0] = 0x33; emu_mem[1] = 0x44;
	cr_assert_eq(emu_run(&st, rep_movsw, 2), EMULATION_OK);
	cr_assert_eq(st.regs[RSI], 0xabcdfffe);
	cr_assert_eq(st.regs[RDI], 0x0000000c);
	cr_assert_eq(st.regs[RCX], 0x55550000);
	cr_assert_eq(emu_mem[0x1010], 0x11);
	cr_assert_eq(emu_mem[0x1011], 0x22);
	cr_assert_eq(emu_mem[0x100e], 0x33);
	cr_assert_eq(emu_mem[0x100f], 0x44);
}

Test(emulate, repe_cmpsb_stops_at_the_first_difference)
{
	static const u8 repe_cmpsb[] = { 0xf3, 0xa6 }, repne_scasb[] = { 0xf2, 0xae };
	struct cpu_state st;

	reset_fake(P64);
	len_regs(&st);
	memcpy(emu_mem + 0x1000, "abcdXf", 6);
	memcpy(emu_mem + 0x1100, "abcdef", 6);
	st.regs[RSI] = BASE;
	st.regs[RDI] = BASE + 0x100;
	st.regs[RCX] = 6;
	cr_assert_eq(emu_run(&st, repe_cmpsb, 2), EMULATION_OK);
	cr_assert_eq(st.regs[RCX], 1, "5 compared, the 5th differed");
	cr_assert_eq(st.regs[RSI], BASE + 5);
	cr_assert(!(st.flags & F_ZF));

	len_regs(&st);
	st.regs[RAX] = 'd';
	st.regs[RDI] = BASE + 0x100;
	st.regs[RCX] = 6;
	cr_assert_eq(emu_run(&st, repne_scasb, 2), EMULATION_OK);
	cr_assert_eq(st.regs[RCX], 2, "found at the 4th");
	cr_assert_eq(st.regs[RDI], BASE + 0x104);
	cr_assert(st.flags & F_ZF);
}

/* ------------------------------------------------------------------ */
/* INS / OUTS (port I/O: not runnable natively in user space)          */
/* ------------------------------------------------------------------ */

/* REP INSB asks the port for as many items as fit before the page end,
 * then the rest: two calls, counts 4 and 6, the bytes in order. */
Test(emulate, rep_insb_batches_up_to_the_page_end)
{
	static const u8 rep_insb[] = { 0xf3, 0x6c };
	struct cpu_state st;
	int i;

	reset_fake(P64);
	len_regs(&st);
	st.regs[RDI] = DATA_VA + 0x1ffc;
	st.regs[RCX] = 10;
	st.regs[RDX] = 0x3f8;
	cr_assert_eq(emu_decode(&st, rep_insb, 2), EMULATION_OK);
	cr_assert_eq(x86_emulate_insn(&ctxt), EMULATION_RESTART);
	cr_assert_eq(pio_last_count, 4);
	cr_assert_eq(ctxt.regs[RCX], 6);
	cr_assert_eq(ctxt.regs[RDI], DATA_VA + 0x2000);
	cr_assert_eq(x86_emulate_insn(&ctxt), EMULATION_OK);
	cr_assert_eq(pio_last_count, 6);
	cr_assert_eq(ctxt.regs[RCX], 0);
	cr_assert_eq(ctxt.regs[RDI], DATA_VA + 0x2006);
	for (i = 0; i < 10; i++)
		cr_assert_eq(emu_mem[0x1ffc + i], 0x10 + i, "byte %d", i);
	cr_assert_eq(ctxt.eip, CODE_VA + 2);
}

/* DF = 1: the first word read lands at RDI, the next below it. The port
 * first answers IO_NEEDED (a KVM_EXIT_IO); the re-run gets the data. */
Test(emulate, rep_insw_downwards_through_an_io_exit)
{
	static const u8 rep_insw[] = { 0x66, 0xf3, 0x6d };
	static const u8 want[6] = { 0x14, 0x15, 0x12, 0x13, 0x10, 0x11 };
	struct cpu_state st;

	reset_fake(P64);
	len_regs(&st);
	st.flags |= F_DF;
	st.regs[RDI] = DATA_VA + 0x1004;
	st.regs[RCX] = 5;
	mmio_mode = true;
	cr_assert_eq(emu_decode(&st, rep_insw, 3), EMULATION_OK);
	cr_assert_eq(x86_emulate_insn(&ctxt), EMULATION_IO_NEEDED);
	/* KVM's bound is the 4 BYTES down to the page start, compared with
	 * items: 4 items, one of them below the page (ins_batch_count()). */
	cr_assert_eq(pio_last_count, 4, "bytes down to the page start: %u", pio_last_count);
	cr_assert_eq(ctxt.regs[RCX], 5);
	cr_assert_eq(writes, 0);
	cr_assert_eq(x86_emulate_insn(&ctxt), EMULATION_RESTART);
	cr_assert(!memcmp(emu_mem + 0x1000, want, 6));
	cr_assert_eq(ctxt.regs[RCX], 1);
	cr_assert_eq(ctxt.regs[RDI], DATA_VA + 0xffc);
}

Test(emulate, ins_with_rex_w_moves_dwords)
{
	static const u8 insd[] = { 0x48, 0x6d };
	struct cpu_state st;

	reset_fake(P64);
	len_regs(&st);
	st.regs[RDI] = BASE;
	cr_assert_eq(emu_run(&st, insd, 2), EMULATION_OK);
	cr_assert_eq(st.regs[RDI], BASE + 4);
	cr_assert_eq(emu_mem[0x1003], 0x13);
	cr_assert_eq(emu_mem[0x1004], 0);
}

/* REP OUTSB: one item per call (as KVM), DF honoured. */
Test(emulate, rep_outsb_sends_one_item_per_iteration)
{
	static const u8 rep_outsb[] = { 0xf3, 0x6e };
	struct cpu_state st;
	int restarts;

	reset_fake(P64);
	len_regs(&st);
	memcpy(emu_mem + 0x1000, "xyz", 3);
	st.flags |= F_DF;
	st.regs[RSI] = BASE + 2;
	st.regs[RCX] = 3;
	cr_assert_eq(emu_decode(&st, rep_outsb, 2), EMULATION_OK);
	cr_assert_eq(emu_exec(&st, &restarts), EMULATION_OK);
	cr_assert_eq(restarts, 2);
	cr_assert_eq(port_out_len, 3);
	cr_assert(!memcmp(port_out, "zyx", 3));
	cr_assert_eq(st.regs[RSI], BASE - 1);
}

/* ------------------------------------------------------------------ */
/* 16- and 32-bit modes (hand-computed from the SDM)                    */
/* ------------------------------------------------------------------ */

/* [bp+si+disp8] is SS-relative and wraps at 64K (SDM Vol. 2A Table 2-1). */
Test(emulate, real_mode_bp_si_disp8_uses_ss_and_wraps)
{
	static const u8 mov[] = { 0x88, 0x42, 0x08 };	/* mov [bp+si+8], al */
	struct cpu_state st;

	reset_fake(RM);
	segs[VCPU_SREG_DS].base = DATA_VA;
	segs[VCPU_SREG_SS].base = DATA_VA + 0x2000;
	len_regs(&st);
	st.regs[RBP] = 0xfff0;
	st.regs[RSI] = 0x0020;		/* 0xfff0 + 0x20 + 8 = 0x10018: offset 0x18 */
	st.regs[RAX] = 0x5a;
	cr_assert_eq(emu_run(&st, mov, 3), EMULATION_OK);
	cr_assert_eq(emu_mem[0x2018], 0x5a);
	cr_assert_eq(ctxt.eip, (CODE_VA + 3) & 0xffff, "IP wraps at 64K");
}

/* 32-bit code on a 16-bit stack (SS.B = 0): PUSH moves SP only. */
Test(emulate, push_on_a_16bit_stack_moves_sp_only)
{
	static const u8 push_eax[] = { 0x50 }, pop_bx[] = { 0x66, 0x5b };
	struct cpu_state st;
	u32 v;

	reset_fake(P32);
	segs[VCPU_SREG_SS].base = DATA_VA;
	segs[VCPU_SREG_SS].db = 0;
	segs[VCPU_SREG_SS].limit = 0xffff;
	segs[VCPU_SREG_SS].g = 0;
	len_regs(&st);
	st.regs[RSP] = 0xabcd1004;
	st.regs[RAX] = 0xdeadbeef;
	cr_assert_eq(emu_run(&st, push_eax, 1), EMULATION_OK);
	cr_assert_eq(st.regs[RSP], 0xabcd1000);
	memcpy(&v, emu_mem + 0x1000, 4);
	cr_assert_eq(v, 0xdeadbeef);
	cr_assert_eq(emu_run(&st, pop_bx, 2), EMULATION_OK);
	cr_assert_eq(st.regs[RSP], 0xabcd1002);
	cr_assert_eq(st.regs[RBX] & 0xffff, 0xbeef);
	cr_assert_eq(st.regs[RBX] >> 16, R(3) >> 16, "BX written, the rest of EBX kept");
}

Test(emulate, mov_sreg_in_real_mode_sets_base_to_selector_times_16)
{
	static const u8 mov_ds_ax[] = { 0x8e, 0xd8 }, mov_ax_es[] = { 0x8c, 0xc0 };
	struct cpu_state st;

	reset_fake(RM);
	len_regs(&st);
	st.regs[RAX] = 0x1234;
	cr_assert_eq(emu_run(&st, mov_ds_ax, 2), EMULATION_OK);
	cr_assert_eq(segs[VCPU_SREG_DS].selector, 0x1234);
	cr_assert_eq(segs[VCPU_SREG_DS].base, 0x12340);
	segs[VCPU_SREG_ES].selector = 0xb800;
	cr_assert_eq(emu_run(&st, mov_ax_es, 2), EMULATION_OK);
	cr_assert_eq(st.regs[RAX] & 0xffff, 0xb800);
}

/* Protected mode: a descriptor load from the GDT (SDM Vol. 3A 3.4.5), the
 * accessed bit set in memory, #NP / #GP for bad selectors, MOV SS blocking
 * interrupts for one instruction. */
Test(emulate, mov_sreg_in_protected_mode_loads_the_descriptor)
{
	static const u8 mov_ds_ax[] = { 0x8e, 0xd8 }, mov_ss_ax[] = { 0x8e, 0xd0 };
	u64 data = 0x12cf92345000ffffull;	/* base 0x12345000, 4G, RW data, not accessed */
	u64 absent = 0x00cf12000000ffffull;	/* P = 0 */
	struct cpu_state st;

	reset_fake(P32);
	gdt.base = DATA_VA + 0x100;
	gdt.limit = 0x27;			/* 5 entries */
	memcpy(emu_mem + 0x110, &data, 8);	/* selector 0x10 */
	memcpy(emu_mem + 0x118, &absent, 8);	/* selector 0x18 */
	len_regs(&st);
	st.regs[RAX] = 0x10;
	cr_assert_eq(emu_run(&st, mov_ds_ax, 2), EMULATION_OK);
	cr_assert_eq(segs[VCPU_SREG_DS].base, 0x12345000);
	cr_assert_eq(segs[VCPU_SREG_DS].limit, 0xffffffff);
	cr_assert_eq(segs[VCPU_SREG_DS].type, 3);
	cr_assert_eq(segs[VCPU_SREG_DS].db, 1);
	cr_assert_eq(emu_mem[0x115], 0x93, "accessed bit written back");
	cr_assert_eq(ctxt.interruptibility, 0);

	cr_assert_eq(emu_run(&st, mov_ss_ax, 2), EMULATION_OK);
	cr_assert_eq(ctxt.interruptibility, X86_SHADOW_INT_MOV_SS);

	st.regs[RAX] = 0x18;
	expect_fault("not present", &st, mov_ds_ax, 2, NP_VECTOR, 0x18);
	st.regs[RAX] = 0x2b;			/* index 5, RPL 3: beyond the limit */
	expect_fault("beyond the GDT limit", &st, mov_ds_ax, 2, GP_VECTOR, 0x28);
	st.regs[RAX] = 0x13;			/* RPL 3 > DPL 0 */
	expect_fault("RPL above DPL", &st, mov_ds_ax, 2, GP_VECTOR, 0x10);
	st.regs[RAX] = 0;
	expect_fault("null SS", &st, mov_ss_ax, 2, GP_VECTOR, 0);
	cr_assert_eq(emu_run(&st, mov_ds_ax, 2), EMULATION_OK, "null DS is allowed");
	cr_assert(segs[VCPU_SREG_DS].unusable);
}

/* 40-4F are INC/DEC r outside 64-bit mode (REX prefixes inside it). */
Test(emulate, inc_dec_register_opcodes_outside_64bit_mode)
{
	static const u8 inc_eax[] = { 0x40 }, dec_di[] = { 0x66, 0x4f };
	struct cpu_state st;

	reset_fake(P32);
	len_regs(&st);
	st.regs[RAX] = 0x7fffffff;
	st.flags = 2 | F_CF;
	cr_assert_eq(emu_run(&st, inc_eax, 1), EMULATION_OK);
	cr_assert_eq(st.regs[RAX], 0x80000000);
	cr_assert_eq(st.flags & (F_OF | F_SF | F_CF | F_ZF), F_OF | F_SF | F_CF, "CF kept");
	st.regs[RDI] = 0x12340000;
	cr_assert_eq(emu_run(&st, dec_di, 2), EMULATION_OK);
	cr_assert_eq(st.regs[RDI], 0x1234ffff, "DI wraps, the upper half stays");
	cr_assert_eq(ctxt.eip, CODE_VA + 2);
}

static int cmpxchg_calls, cmpxchg_fail_left;

/* Another vCPU changed the memory between the read and the locked write. */
static int racing_cmpxchg(struct x86_emulate_ctxt *c, u64 la, const void *old, const void *new,
			  unsigned int n, struct x86_exception *f)
{
	cmpxchg_calls++;
	if (cmpxchg_fail_left-- > 0)
		return X86EMUL_CMPXCHG_FAILED;
	return fake_cmpxchg(c, la, old, new, n, f);
}

/* XCHG with memory is locked without a prefix: its write is a compare-
 * exchange, and a lost race undoes the run and asks for another. */
Test(emulate, xchg_with_memory_writes_by_cmpxchg_and_retries_a_lost_race)
{
	static const u8 xchg[] = { 0x87, 0x0b };	/* xchg [rbx], ecx */
	struct x86_emulate_ops ops = fake_ops;
	struct cpu_state st;
	u32 v = 0x11111111, got;

	reset_fake(P64);
	len_regs(&st);
	st.regs[RBX] = BASE;
	st.regs[RCX] = 0x22222222;
	memcpy(emu_mem + 0x1000, &v, 4);
	ops.cmpxchg_emulated = racing_cmpxchg;
	cmpxchg_calls = 0;
	cmpxchg_fail_left = 1;
	cr_assert_eq(emu_decode(&st, xchg, 2), EMULATION_OK);
	ctxt.ops = &ops;
	cr_assert_eq(x86_emulate_insn(&ctxt), EMULATION_RESTART);
	cr_assert_eq(ctxt.regs[RCX], 0x22222222, "the register swap was undone");
	cr_assert_eq(ctxt.eip, CODE_VA);
	cr_assert_eq(x86_emulate_insn(&ctxt), EMULATION_OK);
	cr_assert_eq(cmpxchg_calls, 2);
	cr_assert_eq(ctxt.regs[RCX], 0x11111111);
	memcpy(&got, emu_mem + 0x1000, 4);
	cr_assert_eq(got, 0x22222222);
	cr_assert_eq(writes, 1);
}

static int cr_written = -1;
static u64 cr_value;

static int fake_set_cr(struct x86_emulate_ctxt *c, int cr, u64 val)
{
	(void)c;
	cr_written = cr;
	cr_value = val;
	return cr == 4 && (val >> 32);	/* a reserved CR4 bit: refused */
}

/* MOV CR (0F 20/22): the ModRM mod field is ignored, REX.R reaches CR8,
 * CPL > 0 is #GP(0), CR1/CR5 are #UD; a refused value is #GP(0). */
Test(emulate, mov_to_and_from_control_registers)
{
	static const u8 to_cr8[] = { 0x44, 0x0f, 0x22, 0xc0 };	/* mov cr8, rax */
	static const u8 to_cr4_mod0[] = { 0x0f, 0x22, 0x21 };	/* mov cr4, rcx (mod 0) */
	static const u8 from_cr0[] = { 0x0f, 0x20, 0xc3 };	/* mov rbx, cr0 */
	static const u8 to_cr1[] = { 0x0f, 0x22, 0xc8 };
	struct x86_emulate_ops ops = fake_ops;
	struct cpu_state st;

	ops.set_cr = fake_set_cr;
	reset_fake(P64);
	len_regs(&st);
	st.regs[RAX] = 0x5;
	cr_assert_eq(emu_decode(&st, to_cr8, 4), EMULATION_OK);
	ctxt.ops = &ops;
	cr_assert_eq(emu_exec(&st, NULL), EMULATION_OK);
	cr_assert_eq(cr_written, 8);
	cr_assert_eq(cr_value, 5);
	cr_assert_eq(ctxt.eip, CODE_VA + 4);

	st.regs[RCX] = 0x1ull << 32;
	cr_assert_eq(emu_decode(&st, to_cr4_mod0, 3), EMULATION_OK);
	cr_assert_eq(ctxt.insn_len, 3, "no displacement: mod is ignored");
	ctxt.ops = &ops;
	cr_assert_eq(emu_exec(&st, NULL), EMULATION_FAULT);
	cr_assert_eq(ctxt.exception.vector, GP_VECTOR);
	cr_assert_eq(cr_written, 4);

	cr0 = 0x80050033;
	cr_assert_eq(emu_run(&st, from_cr0, 3), EMULATION_OK);
	cr_assert_eq(st.regs[RBX], 0x80050033);

	expect_fault("mov cr1", &st, to_cr1, 3, UD_VECTOR, -1);
	cur_cpl = 3;
	expect_fault("mov from cr0 at CPL 3", &st, from_cr0, 3, GP_VECTOR, 0);
}

/* Real mode has no null segments: a zero selector (unusable as a hypervisor
 * may report it) still addresses base 0 + offset, within the 64K limit. */
Test(emulate, real_mode_ignores_unusable_but_keeps_the_limit)
{
	static const u8 load[] = { 0x8b, 0x07 };	/* mov ax, [bx] */
	struct cpu_state st;

	reset_fake(RM);
	segs[VCPU_SREG_DS].base = DATA_VA;
	segs[VCPU_SREG_DS].unusable = 1;
	segs[VCPU_SREG_DS].present = 0;
	len_regs(&st);
	st.regs[RBX] = 0x1000;
	cr_assert_eq(emu_run(&st, load, 2), EMULATION_OK);
	st.regs[RBX] = 0xffff;		/* the word's second byte is at 0x10000 */
	expect_fault("word at the end of a real-mode segment", &st, load, 2, GP_VECTOR, 0);
}
