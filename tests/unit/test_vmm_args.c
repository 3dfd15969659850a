// SPDX-License-Identifier: GPL-2.0
/* minivmm's command line: defaults, sizes, and every error it must refuse. */
#include <criterion/criterion.h>
#include <stdlib.h>
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
	cr_assert_eq(o.timeout_ms, 0);
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
	cr_assert_eq(o.timeout_ms, 3000);
	cr_assert_str_eq(o.in_data, "abc");
	cr_assert_eq(o.verbose, 1);
}

Test(vmm_args, timeout_takes_a_fraction_of_a_second)
{
	struct vmm_options o;
	char err[256];

	cr_assert_eq(parse(&o, err, "--timeout", "0.25", "x.bin", NULL), 0, "%s", err);
	cr_assert_eq(o.timeout_ms, 250);
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
		{ { "--timeout", "0.0001", "a.bin" }, "bad timeout '0.0001'" },
		{ { "--timeout", "2s", "a.bin" }, "bad timeout '2s'" },
		{ { "--timeout", "86401", "a.bin" }, "bad timeout '86401'" },
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

Test(vmm_args, invalid_state_retry_asks_for_a_second_entry_and_nothing_else_is_taken)
{
	struct vmm_options o;
	char err[256];

	cr_assert_eq(parse(&o, err, "--invalid-state=retry", "g.bin", NULL), 0, "%s", err);
	cr_assert_eq(o.invalid_state, INVALID_STATE_RETRY);
	cr_assert_eq(parse(&o, err, "--invalid-state", "g.bin", NULL), 0, "%s", err);
	cr_assert_eq(o.invalid_state, INVALID_STATE_STOP);
	cr_assert_eq(parse(&o, err, "--invalid-state=again", "g.bin", NULL), -1);
	cr_assert(strstr(err, "bad --invalid-state 'again'"), "%s", err);
	/* The optional value only comes with '=': this is the guest image. */
	cr_assert_eq(parse(&o, err, "--invalid-state", "retry", NULL), 0, "%s", err);
	cr_assert_eq(o.invalid_state, INVALID_STATE_STOP);
	cr_assert_str_eq(o.guest, "retry");
}

Test(vmm_args, trace_takes_a_file_and_is_off_by_default)
{
	struct vmm_options o;
	char err[256];

	cr_assert_eq(parse(&o, err, "g.bin", NULL), 0, "%s", err);
	cr_assert_null(o.trace);
	cr_assert_eq(parse(&o, err, "--trace", "/tmp/trace/kvm/hello.1", "g.bin", NULL), 0,
		     "%s", err);
	cr_assert_str_eq(o.trace, "/tmp/trace/kvm/hello.1");
	cr_assert_eq(parse(&o, err, "--trace", "", "g.bin", NULL), -1);
	cr_assert(strstr(err, "--trace needs a file name"), "%s", err);
	cr_assert_eq(parse(&o, err, "g.bin", "--trace", NULL), -1);
	cr_assert(strstr(err, "needs a value"), "%s", err);
}

Test(vmm_args, help_lists_trace_for_the_lab_to_find)
{
	char *text = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&text, &n);

	vmm_usage(f);
	fclose(f);
	cr_assert(strstr(text, "--trace FILE"), "%s", text);
	cr_assert(strstr(text, "--invalid-state[=retry]"), "%s", text);
	free(text);
}

Test(vmm_args, slots_are_numbered_in_order_with_their_flags)
{
	struct vmm_options o;
	char err[256];

	cr_assert_eq(parse(&o, err, "--slot", "0x20000000:64K", "--slot", "1G:2M:ro",
			   "--slot", "0x30000000:0x3000:log:ro", "g.bin", NULL), 0, "%s", err);
	cr_assert_eq(o.nr_slots, 3);
	cr_assert_eq(o.slot[0].gpa, 0x20000000);
	cr_assert_eq(o.slot[0].size, 0x10000);
	cr_assert_eq(o.slot[0].readonly, 0);
	cr_assert_eq(o.slot[0].log, 0);
	cr_assert_eq(o.slot[1].gpa, 1ull << 30);
	cr_assert_eq(o.slot[1].size, 2ull << 20);
	cr_assert_eq(o.slot[1].readonly, 1);
	cr_assert_eq(o.slot[1].log, 0);
	cr_assert_eq(o.slot[2].size, 0x3000);
	cr_assert_eq(o.slot[2].readonly, 1);
	cr_assert_eq(o.slot[2].log, 1);
	cr_assert_null(o.slot[2].host);
	cr_assert_eq(o.slot[2].present, 0);
}

Test(vmm_args, multiboot_takes_cmdline_and_modules_instead_of_an_image)
{
	struct vmm_options o;
	char err[256];
	char m1[] = "/lab/a.txt,the a module", m2[] = "b.bin";

	cr_assert_eq(parse(&o, err, "--multiboot", "k.elf", NULL), 0, "%s", err);
	cr_assert_str_eq(o.multiboot, "k.elf");
	cr_assert_null(o.guest);
	cr_assert_str_eq(o.cmdline, "", "no --cmdline: an empty command line");
	cr_assert_eq(o.nr_modules, 0);

	cr_assert_eq(parse(&o, err, "--multiboot", "k.elf", "--cmdline", "a b=c", "--module", m1,
			   "--module", m2, "-m", "32M", NULL), 0, "%s", err);
	cr_assert_str_eq(o.cmdline, "a b=c");
	cr_assert_eq(o.nr_modules, 2);
	cr_assert_str_eq(o.module[0].path, "/lab/a.txt");
	cr_assert_str_eq(o.module[0].string, "the a module");
	cr_assert_str_eq(o.module[1].path, "b.bin");
	cr_assert_str_eq(o.module[1].string, "b.bin", "the string defaults to the path");
	cr_assert_eq(o.no_thp, 0);
	cr_assert_eq(parse(&o, err, "--no-thp", "g.bin", NULL), 0, "%s", err);
	cr_assert_eq(o.no_thp, 1);
}

Test(vmm_args, bad_slots_and_multiboot_options_are_refused_with_a_reason)
{
	static const struct bad_case cases[] = {
		{ { "--slot", "0x20000000", "a.bin" }, "bad slot '0x20000000' (GPA:SIZE" },
		{ { "--slot", "0x20000000:0", "a.bin" }, "non-zero multiples of 4K" },
		{ { "--slot", "0x20000800:4K", "a.bin" }, "4K-aligned" },
		{ { "--slot", "0x20000000:5000", "a.bin" }, "non-zero multiples of 4K" },
		{ { "--slot", "0x20000000:4K:rw", "a.bin" }, "unknown flag 'rw'" },
		{ { "--slot", "0x20000000:4K:ro:ro", "a.bin" }, "unknown flag 'ro'" },
		{ { "--slot", "0x20000000:4K:", "a.bin" }, "unknown flag ''" },
		{ { "--slot", "0x20000000::4K", "a.bin" }, "bad slot '0x20000000::4K' (GPA:SIZE" },
		{ { "--slot", "0x20000000:65G", "a.bin" }, "at most 64G" },
		{ { "--slot", "0xffffffffffff000:8K", "a.bin" }, "ending below 2^52" },
		{ { "--slot", "8M:4K", "a.bin" }, "slot 1 (0x800000..0x801000) overlaps RAM, slot 0" },
		{ { "--multiboot", "k", "a.bin" }, "a guest image and --multiboot given" },
		{ { "--multiboot", "k", "--load", "0x8000" }, "--load and --invalid-state are for flat" },
		{ { "--cmdline", "x", "a.bin" }, "--cmdline and --module need --multiboot" },
		{ { "--module", "m", "a.bin" }, "--cmdline and --module need --multiboot" },
		{ { "--multiboot", "k", "--module", ",x" }, "--module needs a file name" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *argv[6] = { "minivmm" };
		char copy[4][64];
		struct vmm_options o;
		char err[256] = "";
		int argc = 1;

		/* --module cuts its argument in place: give it writable copies. */
		for (int j = 0; j < 4 && cases[i].args[j]; j++)
			argv[argc++] = strcpy(copy[j], cases[i].args[j]);
		cr_assert_eq(vmm_parse_args(argc, argv, &o, err, sizeof(err)), -1,
			     "case %zu accepted", i);
		cr_assert(strstr(err, cases[i].reason), "case %zu: got '%s', want '%s'",
			  i, err, cases[i].reason);
	}
}

Test(vmm_args, two_extra_slots_may_not_overlap_either)
{
	struct vmm_options o;
	char err[256];

	cr_assert_eq(parse(&o, err, "--slot", "0x20000000:64K", "--slot", "0x2000f000:4K",
			   "g.bin", NULL), -1);
	cr_assert_str_eq(err, "slot 2 (0x2000f000..0x20010000) overlaps slot 1 "
			 "(0x20000000..0x20010000)");
	cr_assert_eq(parse(&o, err, "--slot", "0x20000000:64K", "--slot", "0x20010000:4K",
			   "g.bin", NULL), 0, "adjacent slots are fine: %s", err);
	cr_assert_eq(parse(&o, err, "-m", "16M", "--slot", "16M:4K", "g.bin", NULL), 0,
		     "a slot right after RAM is fine: %s", err);
}

Test(vmm_args, smp_defaults_to_one_vcpu_and_takes_up_to_eight)
{
	struct vmm_options o;
	char err[256];

	cr_assert_eq(parse(&o, err, "g.bin", NULL), 0, "%s", err);
	cr_assert_eq(o.smp, 1);
	cr_assert_eq(parse(&o, err, "--smp", "4", "g.bin", NULL), 0, "%s", err);
	cr_assert_eq(o.smp, 4);
	cr_assert_eq(parse(&o, err, "--smp", "8", "--irqchip", "kernel", "g.bin", NULL), 0,
		     "%s", err);
	cr_assert_eq(o.smp, 8);
	cr_assert_eq(parse(&o, err, "--smp", "1", "--irqchip", "user", "g.bin", NULL), 0,
		     "%s", err);
	cr_assert_eq(o.smp, 1);
}

Test(vmm_args, smp_out_of_range_or_without_kernel_irqchip_is_refused)
{
	static const struct bad_case cases[] = {
		{ { "--smp", "0", "a.bin" }, "bad --smp '0' (1..8 vCPUs)" },
		{ { "--smp", "9", "a.bin" }, "bad --smp '9'" },
		{ { "--smp", "two", "a.bin" }, "bad --smp 'two'" },
		{ { "--smp", "-1", "a.bin" }, "bad --smp '-1'" },
		{ { "--smp", "2", "--irqchip", "user" }, "--smp 2 needs --irqchip kernel" },
		{ { "--irqchip", "none", "--smp", "3" }, "--smp 3 needs --irqchip kernel" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *argv[7] = { "minivmm" };
		struct vmm_options o;
		char err[256] = "";
		int argc = 1;

		for (int j = 0; j < 4 && cases[i].args[j]; j++)
			argv[argc++] = (char *)cases[i].args[j];
		if (argc == 5)
			argv[argc++] = "a.bin";
		cr_assert_eq(vmm_parse_args(argc, argv, &o, err, sizeof(err)), -1,
			     "case %zu accepted", i);
		cr_assert(strstr(err, cases[i].reason), "case %zu: got '%s', want '%s'",
			  i, err, cases[i].reason);
	}
}

#ifdef CONFIG_MINIKVM_LAPIC
Test(vmm_args, pit_follows_the_irqchip_unless_told)
{
	struct vmm_options o;
	char err[256];

	cr_assert_eq(parse(&o, err, "g.bin", NULL), 0);
	cr_assert_eq(o.pit, 0, "default: a PIT with the in-kernel irqchip");
	cr_assert_eq(parse(&o, err, "--no-pit", "g.bin", NULL), 0, "%s", err);
	cr_assert_eq(o.pit, -1);
	cr_assert_eq(parse(&o, err, "--no-pit", "--pit", "g.bin", NULL), 0, "%s", err);
	cr_assert_eq(o.pit, 1, "the last one wins");
}
#endif
