// SPDX-License-Identifier: GPL-2.0
/* minivmm's command line: defaults, sizes, and every error it must refuse. */
#include <criterion/criterion.h>
#include <string.h>

#include "minivmm.h"

static int parse(struct vmm_options *opt, char *err, ...)
{
	char *argv[16] = { "minivmm" };
	int argc = 1;
	va_list ap;

	va_start(ap, err);
	while ((argv[argc] = va_arg(ap, char *)))
		argc++;
	va_end(ap);
	return vmm_parse_args(argc, argv, opt, err, 256);
}

Test(vmm_args, defaults_are_minikvm_16M_at_0x10000)
{
	struct vmm_options o;
	char err[256];

	cr_assert_eq(parse(&o, err, "g.bin", NULL), 0);
	cr_assert_str_eq(o.dev, "/dev/minikvm");
	cr_assert_str_eq(o.guest, "g.bin");
	cr_assert_eq(o.mem_size, 16ull << 20);
	cr_assert_eq(o.load_addr, 0x10000);
	cr_assert_eq(o.timeout, 0);
	cr_assert_null(o.in_data);
}

Test(vmm_args, dev_memory_load_timeout_and_data_are_taken)
{
	struct vmm_options o;
	char err[256];

	cr_assert_eq(parse(&o, err, "--dev", "/dev/kvm", "-m", "1G", "--load", "0x7c00",
			   "--timeout", "3", "--in-data", "abc", "-v", "x.bin", NULL), 0, "%s", err);
	cr_assert_str_eq(o.dev, "/dev/kvm");
	cr_assert_eq(o.mem_size, 1ull << 30);
	cr_assert_eq(o.load_addr, 0x7c00);
	cr_assert_eq(o.timeout, 3);
	cr_assert_str_eq(o.in_data, "abc");
	cr_assert_eq(o.verbose, 1);
}

Test(vmm_args, help_asks_for_usage)
{
	struct vmm_options o;
	char err[256];

	cr_assert_eq(parse(&o, err, "--help", NULL), 1);
}

struct bad_case { const char *args[4]; const char *reason; };

Test(vmm_args, bad_arguments_are_refused_with_a_reason)
{
	static const struct bad_case cases[] = {
		{ { NULL }, "no guest image given" },
		{ { "a.bin", "b.bin" }, "more than one guest image given" },
		{ { "--bogus", "a.bin" }, "unknown option '--bogus'" },
		{ { "a.bin", "-m" }, "option '-m' needs a value" },
		{ { "-m", "12345", "a.bin" }, "bad memory size '12345'" },
		{ { "-m", "-4K", "a.bin" }, "bad memory size '-4K'" },
		{ { "-m", "65G", "a.bin" }, "bad memory size '65G'" },
		{ { "-m", "99999999999999999999G", "a.bin" }, "bad memory size" },
		{ { "--load", "0x7c01", "a.bin" }, "bad load address '0x7c01'" },
		{ { "--load", "1M", "a.bin" }, "bad load address '1M'" },
		{ { "-m", "64K", "a.bin" }, "load address 0x10000 is beyond guest RAM" },
		{ { "--timeout", "0", "a.bin" }, "bad timeout '0'" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *argv[6] = { "minivmm" };
		struct vmm_options o;
		char err[256] = "";
		int argc = 1;

		for (int j = 0; j < 4 && cases[i].args[j]; j++)
			argv[argc++] = (char *)cases[i].args[j];
		cr_assert_eq(vmm_parse_args(argc, argv, &o, err, sizeof(err)), -1,
			     "case %zu accepted", i);
		cr_assert(strstr(err, cases[i].reason), "case %zu: got '%s', want '%s'",
			  i, err, cases[i].reason);
	}
}

Test(vmm_args, sizes_take_k_m_g_suffixes)
{
	uint64_t v;

	cr_assert_eq(vmm_parse_size("4K", &v), 0);
	cr_assert_eq(v, 4096);
	cr_assert_eq(vmm_parse_size("2m", &v), 0);
	cr_assert_eq(v, 2u << 20);
	cr_assert_eq(vmm_parse_size("0x1000", &v), 0);
	cr_assert_eq(v, 0x1000);
	cr_assert_neq(vmm_parse_size("4KB", &v), 0);
	cr_assert_neq(vmm_parse_size("", &v), 0);
	cr_assert_neq(vmm_parse_size("K", &v), 0);
}

Test(vmm_args, invalid_state_is_off_by_default_and_needs_room_for_page_tables)
{
	struct vmm_options o;
	char err[256];

	cr_assert_eq(parse(&o, err, "g.bin", NULL), 0);
	cr_assert_eq(o.invalid_state, 0);
	cr_assert_eq(parse(&o, err, "--invalid-state", "g.bin", NULL), 0, "%s", err);
	cr_assert_eq(o.invalid_state, 1);
	cr_assert_eq(parse(&o, err, "--invalid-state", "--load", "0x4000", "g.bin", NULL), 0,
		     "%s", err);
	cr_assert_eq(parse(&o, err, "--invalid-state", "--load", "0x3ff0", "g.bin", NULL), -1);
	cr_assert(strstr(err, "page tables"), "%s", err);
}
