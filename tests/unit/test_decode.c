// SPDX-License-Identifier: GPL-2.0
/* The MMIO instruction decoder (final/arch/x86/kvm/decode.c) against a
 * table of encodings, checked by hand against the Intel SDM Vol. 2B. */
#include <criterion/criterion.h>

#include <minikvm/decode.h>

struct decode_case {
	const char *what;
	int mode;			/* 2, 4, 8 */
	u8 bytes[15];
	int nbytes;
	int len, size, reg, dst_size;
	bool is_write, high_byte;
	u64 imm;
};

static const struct decode_case cases[] = {
	/* what                          mode bytes                              n  len size reg dst  wr  hi   imm */
	{ "mov [bx], al (16-bit)",        2, { 0x88, 0x07 },                       2, 2, 1, 0, 1, true, false, 0 },
	{ "mov [0x1234], ax (16-bit)",    2, { 0x89, 0x06, 0x34, 0x12 },           4, 4, 2, 0, 2, true, false, 0 },
	{ "mov eax, [bx+si] (66, 16-bit)",2, { 0x66, 0x8b, 0x00 },                 3, 3, 4, 0, 4, false, false, 0 },
	{ "mov ah, [di+8] (16-bit)",      2, { 0x8a, 0x65, 0x08 },                 3, 3, 1, 0, 1, false, true, 0 },
	{ "mov [bx+si+0x1234], ax (16-bit disp16)", 2, { 0x89, 0x80, 0x34, 0x12 }, 4, 4, 2, 0, 2, true, false, 0 },
	{ "mov [si], dx (16-bit: r/m 4, no SIB)", 2, { 0x89, 0x14 },               2, 2, 2, 2, 2, true, false, 0 },
	{ "mov [ebx], ecx (67, 16-bit)",  2, { 0x67, 0x66, 0x89, 0x0b },           4, 4, 4, 1, 4, true, false, 0 },
	{ "mov [eax], edx (32-bit)",      4, { 0x89, 0x10 },                       2, 2, 4, 2, 4, true, false, 0 },
	{ "mov ebx, [0xd0000010]",        4, { 0x8b, 0x1d, 0x10, 0x00, 0x00, 0xd0 }, 6, 6, 4, 3, 4, false, false, 0 },
	{ "mov [ebx+0x10000], eax (disp32)", 4, { 0x89, 0x83, 0x00, 0x00, 0x01, 0x00 }, 6, 6, 4, 0, 4, true, false, 0 },
	{ "mov [esp+4], esi (SIB+disp8)", 4, { 0x89, 0x74, 0x24, 0x04 },           4, 4, 4, 6, 4, true, false, 0 },
	{ "mov [ebp*2+0x10], di (SIB no base)", 4, { 0x66, 0x89, 0x3c, 0x6d, 0x10, 0, 0, 0 }, 8, 8, 2, 7, 2, true, false, 0 },
	{ "mov byte [eax], 0x5a",         4, { 0xc6, 0x00, 0x5a },                 3, 3, 1, -1, 1, true, false, 0x5a },
	{ "mov word [eax+0x100], 0xbeef", 4, { 0x66, 0xc7, 0x80, 0x00, 0x01, 0, 0, 0xef, 0xbe }, 9, 9, 2, -1, 2, true, false, 0xbeef },
	{ "mov dword [eax], 0x12345678",  4, { 0xc7, 0x00, 0x78, 0x56, 0x34, 0x12 }, 6, 6, 4, -1, 4, true, false, 0x12345678 },
	{ "movzx eax, byte [ecx]",        4, { 0x0f, 0xb6, 0x01 },                 3, 3, 1, 0, 4, false, false, 0 },
	{ "movzx edx, word [esi]",        4, { 0x0f, 0xb7, 0x16 },                 3, 3, 2, 2, 4, false, false, 0 },
	{ "mov rax, [rdi] (REX.W)",       8, { 0x48, 0x8b, 0x07 },                 3, 3, 8, 0, 8, false, false, 0 },
	{ "mov [r9], r10d (REX.RB)",      8, { 0x45, 0x89, 0x11 },                 3, 3, 4, 10, 4, true, false, 0 },
	{ "mov sil, [rax] (REX, no AH)",  8, { 0x40, 0x8a, 0x30 },                 3, 3, 1, 6, 1, false, false, 0 },
	{ "mov qword [rax], -1 (imm32 sx)", 8, { 0x48, 0xc7, 0x00, 0xff, 0xff, 0xff, 0xff }, 7, 7, 8, -1, 8, true, false, ~0ull },
	{ "mov eax, [rip+0x100]",         8, { 0x8b, 0x05, 0x00, 0x01, 0, 0 },     6, 6, 4, 0, 4, false, false, 0 },
	{ "mov fs:[rax], ecx (segment)",  8, { 0x64, 0x89, 0x08 },                 3, 3, 4, 1, 4, true, false, 0 },
	{ "mov eax, [moffs32]",           4, { 0xa1, 0x10, 0x00, 0xc0, 0xfe },    5, 5, 4, 0, 4, false, false, 0 },
	{ "mov [moffs16], al (16-bit)",   2, { 0xa2, 0x34, 0x12 },                 3, 3, 1, 0, 1, true, false, 0 },
	{ "mov rax, [moffs64] (REX.W)",   8, { 0x48, 0xa1, 0x10, 0, 0xc0, 0xfe, 0, 0, 0, 0 }, 10, 10, 8, 0, 8, false, false, 0 },
	{ "mov [moffs32], ax (66 67, 64-bit)", 8, { 0x66, 0x67, 0xa3, 0x00, 0x00, 0xc0, 0xfe }, 7, 7, 2, 0, 2, true, false, 0 },
};

/* exercise 02.2 */
Test(decode, mov_forms_give_length_size_direction_and_operand)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct decode_case *c = &cases[i];
		struct x86_mmio_insn d;

		cr_assert_eq(x86_decode_mmio(c->bytes, c->nbytes, c->mode, &d), 0, "%s: refused", c->what);
		cr_expect_eq(d.len, c->len, "%s: len %d", c->what, d.len);
		cr_expect_eq(d.size, c->size, "%s: size %d", c->what, d.size);
		cr_expect_eq(d.is_write, c->is_write, "%s: direction", c->what);
		cr_expect_eq(d.reg, c->reg, "%s: reg %d", c->what, d.reg);
		cr_expect_eq(d.high_byte, c->high_byte, "%s: high byte", c->what);
		cr_expect_eq(d.dst_size, c->dst_size, "%s: dst size %d", c->what, d.dst_size);
		cr_expect_eq(d.imm, c->imm, "%s: imm %llx", c->what, (unsigned long long)d.imm);
	}
}

Test(decode, anything_else_is_refused_not_guessed)
{
	static const struct { const char *what; int mode; u8 bytes[8]; int n; } bad[] = {
		{ "add [eax], ecx",         4, { 0x01, 0x08 }, 2 },
		{ "mov eax, ecx (register)",4, { 0x8b, 0xc1 }, 2 },
		{ "movsd (string)",         4, { 0xa5 }, 1 },
		{ "mov [eax], 1 with /1",   4, { 0xc7, 0x08, 1, 0, 0, 0 }, 6 },
		{ "rep prefix",             4, { 0xf3, 0x89, 0x08 }, 3 },
		{ "truncated disp32",       4, { 0x8b, 0x05, 0x00 }, 3 },
		{ "truncated imm",          4, { 0xc7, 0x00, 0x78 }, 3 },
		{ "truncated moffs32",      4, { 0xa1, 0x10, 0x00 }, 3 },
		{ "0f without movzx",       4, { 0x0f, 0xbe, 0x00 }, 3 },
		{ "empty",                  4, { 0 }, 0 },
	};
	struct x86_mmio_insn d;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_expect_eq(x86_decode_mmio(bad[i].bytes, bad[i].n, bad[i].mode, &d), -EINVAL,
			     "%s was accepted", bad[i].what);
}

Test(decode, loads_merge_into_the_register_as_the_cpu_does)
{
	struct x86_mmio_insn d = { .size = 1, .dst_size = 1 };

	cr_expect_eq(x86_mmio_merge_load(0x1122334455667788ull, 0xab, &d), 0x11223344556677abull);
	d.high_byte = true;
	cr_expect_eq(x86_mmio_merge_load(0x1122334455667788ull, 0xab, &d), 0x112233445566ab88ull);
	d = (struct x86_mmio_insn) { .size = 2, .dst_size = 2 };
	cr_expect_eq(x86_mmio_merge_load(0x1122334455667788ull, 0xbeef, &d), 0x112233445566beefull);
	d = (struct x86_mmio_insn) { .size = 4, .dst_size = 4 };
	cr_expect_eq(x86_mmio_merge_load(0x1122334455667788ull, 0xdeadbeef, &d), 0xdeadbeefull,
		     "a 32-bit load clears bits 63:32");
	d = (struct x86_mmio_insn) { .size = 1, .dst_size = 4 };	/* movzx eax, byte */
	cr_expect_eq(x86_mmio_merge_load(~0ull, 0xffffff80, &d), 0x80);
	d = (struct x86_mmio_insn) { .size = 8, .dst_size = 8 };
	cr_expect_eq(x86_mmio_merge_load(0, 0x8000000000000001ull, &d), 0x8000000000000001ull);
}

#ifdef CONFIG_MINIKVM_LAPIC
/* MOV to CR8, 0F 22 /r with REX.R (Intel SDM Vol. 2B, "MOV-Move to/from
 * Control Registers"): the forms the tpr-cr8 guest writes CR8 with, which
 * SVM without decode assists leaves to x86_decode_mov_to_cr(). */
Test(decode, mov_to_cr8_names_the_source_register)
{
	static const struct {
		const char *what;
		u8 bytes[4];
		int gpr;
	} ok[] = {
		{ "mov %rax, %cr8", { 0x44, 0x0f, 0x22, 0xc0 }, 0 },
		{ "mov %rdx, %cr8", { 0x44, 0x0f, 0x22, 0xc2 }, 2 },
		{ "mov %rbx, %cr8", { 0x44, 0x0f, 0x22, 0xc3 }, 3 },
		{ "mov %r9, %cr8 (REX.RB)", { 0x45, 0x0f, 0x22, 0xc1 }, 9 },
		{ "mov %r14, %cr8 (REX.RB)", { 0x45, 0x0f, 0x22, 0xc6 }, 14 },
		{ "mov %rsp, %cr8 (mod ignored)", { 0x44, 0x0f, 0x22, 0x04 }, 4 },
	};
	int cr, gpr;

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		cr = gpr = -1;
		cr_expect_eq(x86_decode_mov_to_cr(ok[i].bytes, 4, 8, &cr, &gpr), 4,
			     "%s: length", ok[i].what);
		cr_expect_eq(cr, 8, "%s: CR", ok[i].what);
		cr_expect_eq(gpr, ok[i].gpr, "%s: source", ok[i].what);
	}
}

Test(decode, mov_to_cr_refuses_what_it_is_not)
{
	static const u8 cr0[] = { 0x0f, 0x22, 0xc0 };		/* mov %eax, %cr0 */
	static const u8 from_cr8[] = { 0x44, 0x0f, 0x20, 0xc0 };	/* mov %cr8, %rax */
	static const u8 rex32[] = { 0x44, 0x0f, 0x22, 0xc0 };	/* 0x44 is INC %esp in 32-bit code */
	int cr = -1, gpr = -1;

	cr_expect_eq(x86_decode_mov_to_cr(cr0, 3, 4, &cr, &gpr), 3);
	cr_expect_eq(cr, 0, "no REX.R: CR0, which the caller refuses as a CR8 write");
	cr_expect_eq(x86_decode_mov_to_cr(from_cr8, 4, 8, &cr, &gpr), -EINVAL);
	cr_expect_eq(x86_decode_mov_to_cr(rex32, 4, 4, &cr, &gpr), -EINVAL);
	cr_expect_eq(x86_decode_mov_to_cr(rex32, 3, 8, &cr, &gpr), -EINVAL, "truncated");
}
#endif
