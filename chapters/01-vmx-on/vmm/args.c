// SPDX-License-Identifier: GPL-2.0
/**
 * @file args.c
 * @brief minivmm's command line.  Kept apart from the KVM code so the unit
 * tests can check it on a machine without any hypervisor.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "minivmm.h"

#define DEFAULT_DEV		"/dev/minikvm"	/**< --dev */
#define DEFAULT_MEM_SIZE	(16ull << 20)	/**< -m: 16 MiB */
#define DEFAULT_LOAD_ADDR	0x10000ull	/**< --load: segment 0x1000, offset 0 */
#define MAX_MEM_SIZE		(64ull << 30)	/**< largest -m: 64 GiB */

/** Print the usage text. */
void vmm_usage(FILE *out)
{
	fprintf(out,
		"usage: minivmm [options] GUEST.bin\n"
		"  --dev PATH      hypervisor device (default %s; /dev/kvm for the real KVM)\n"
		"  -m SIZE         guest RAM, e.g. 16M, 1G (default 16M)\n"
		"  --load ADDR     guest-physical load and real-mode entry address (default 0x10000)\n"
		"  --timeout SECS  stop the guest after SECS seconds, a fraction allowed\n"
		"                  (KVM_RUN sees a signal)\n"
		"  --in-data BYTES bytes the guest reads with IN from port 0x%x\n"
		"  --invalid-state[=retry]\n"
		"                  start in 64-bit mode with CS.L=1 and CS.D=1, a state\n"
		"                  KVM_SET_SREGS accepts and VM entry refuses (a test); with\n"
		"                  =retry, after KVM_EXIT_FAIL_ENTRY set the guest's normal\n"
		"                  entry state and run it again\n"
		"  --trace FILE    write every exit, the COM1 output and the final registers\n"
		"                  to FILE, one event a line, to diff two hypervisors\n"
		"  -v              print every exit, and the registers at the end\n"
		"exit status: 0 guest halted, odd = (debug-exit value << 1) | 1,\n"
		"  2 usage, 4 KVM error, 6 unhandled exit, 8 interrupted\n"
		"devices (minivmm.h): COM1 at port 0x%x, debug exit 0x%x, time marks 0x%x\n",
		DEFAULT_DEV, TEST_DATA_PORT,
		COM1_BASE, DEBUG_EXIT_PORT, MARK_PORT);
}

/**
 * Parse a size with an optional K, M or G suffix (powers of two).
 * Returns 0, or -EINVAL for anything else, including overflow.
 */
int vmm_parse_size(const char *s, uint64_t *out)
{
	unsigned long long v;
	char *end;
	int shift = 0;

	if (!s || !*s || *s == '-')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s)
		return -EINVAL;
	switch (*end) {
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	}
	if (*end || (shift && v > (~0ull >> shift)))
		return -EINVAL;
	*out = (uint64_t)v << shift;
	return 0;
}

/**
 * Fill @opt from the command line.  On error, returns -1 with a one-line
 * reason in @err; the caller prints it and exits with VMM_USAGE.
 */
int vmm_parse_args(int argc, char **argv, struct vmm_options *opt,
		   char *err, size_t errlen)
{
	enum { OPT_DEV = 256, OPT_LOAD, OPT_TIMEOUT, OPT_IN_DATA, OPT_INVALID_STATE,
	       OPT_TRACE,
	};
	static const struct option longopts[] = {
		{ "dev",	required_argument, NULL, OPT_DEV },
		{ "load",	required_argument, NULL, OPT_LOAD },
		{ "timeout",	required_argument, NULL, OPT_TIMEOUT },
		{ "in-data",	required_argument, NULL, OPT_IN_DATA },
		{ "invalid-state", optional_argument, NULL, OPT_INVALID_STATE },
		{ "trace",	required_argument, NULL, OPT_TRACE },
		{ "help",	no_argument,	   NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	uint64_t v;
	int c;

	*opt = (struct vmm_options) {
		.dev = DEFAULT_DEV,
		.mem_size = DEFAULT_MEM_SIZE,
		.load_addr = DEFAULT_LOAD_ADDR,
	};
	optind = 0;	/* restart getopt: the tests call us repeatedly */
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":m:vh", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_DEV:
			opt->dev = optarg;
			break;
		case 'm':
			if (vmm_parse_size(optarg, &v) || v < 4096 ||
			    v > MAX_MEM_SIZE || v % 4096) {
				snprintf(err, errlen, "bad memory size '%s' (4K..64G, a multiple of 4K)", optarg);
				return -1;
			}
			opt->mem_size = v;
			break;
		case OPT_LOAD:
			/* Real mode reaches it as segment:0, so 16-byte aligned, < 1M. */
			if (vmm_parse_size(optarg, &v) || v % 16 || v >= 0x100000) {
				snprintf(err, errlen, "bad load address '%s' (16-byte aligned, below 1M)", optarg);
				return -1;
			}
			opt->load_addr = v;
			break;
		case OPT_TIMEOUT: {
			char *end;
			double secs = strtod(optarg, &end);

			if (end == optarg || *end || !(secs >= 0.001 && secs <= 86400)) {
				snprintf(err, errlen, "bad timeout '%s' (0.001..86400 seconds)", optarg);
				return -1;
			}
			opt->timeout_ms = (unsigned int)(secs * 1000 + 0.5);
			break;
		}
		case OPT_IN_DATA:
			opt->in_data = optarg;
			break;
		case OPT_INVALID_STATE:
			if (!optarg) {
				opt->invalid_state = INVALID_STATE_STOP;
			} else if (!strcmp(optarg, "retry")) {
				opt->invalid_state = INVALID_STATE_RETRY;
			} else {
				snprintf(err, errlen, "bad --invalid-state '%s' (only =retry)", optarg);
				return -1;
			}
			break;
		case OPT_TRACE:
			if (!*optarg) {
				snprintf(err, errlen, "--trace needs a file name");
				return -1;
			}
			opt->trace = optarg;
			break;
		case 'v':
			opt->verbose = 1;
			break;
		case 'h':
			return 1;
		case ':':
			snprintf(err, errlen, "option '%s' needs a value", argv[optind - 1]);
			return -1;
		default:
			snprintf(err, errlen, "unknown option '%s'", argv[optind - 1]);
			return -1;
		}
	}
	/* A flat image: the one argument left, and where it goes. */
	if (optind != argc - 1) {
		snprintf(err, errlen, optind == argc ? "no guest image given" :
			 "more than one guest image given");
		return -1;
	}
	opt->guest = argv[optind];
	if (opt->load_addr >= opt->mem_size) {
		snprintf(err, errlen, "load address 0x%llx is beyond guest RAM",
			 (unsigned long long)opt->load_addr);
		return -1;
	}
	/* The page tables go below the image (so they also fit in RAM). */
	if (opt->invalid_state && opt->load_addr < LM_PT_BASE + LM_PT_SIZE) {
		snprintf(err, errlen, "--invalid-state keeps page tables at 0x%llx..0x%llx: "
			 "load the guest above them",
			 LM_PT_BASE, LM_PT_BASE + LM_PT_SIZE - 1);
		return -1;
	}
	return 0;
}
