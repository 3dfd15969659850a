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
#ifdef CONFIG_MINIKVM_MMU
		"       minivmm [options] --multiboot KERNEL [--cmdline STR] [--module FILE[,STR]]...\n"
#endif
#ifdef CONFIG_MINIKVM_FINAL
		"       minivmm [options] --linux BZIMAGE [--initrd FILE] [--cmdline STR] [--disk FILE]\n"
#endif
		"  --dev PATH      hypervisor device (default %s; /dev/kvm for the real KVM)\n"
		"  -m SIZE         guest RAM, e.g. 16M, 1G (default 16M)\n"
		"  --load ADDR     guest-physical load and real-mode entry address (default 0x10000)\n"
#ifdef CONFIG_MINIKVM_MMU
		"  --slot GPA:SIZE[:ro][:log]\n"
		"                  one more memory slot (KVM slot 1, 2, ... in order): SIZE bytes\n"
		"                  of minivmm's memory at guest-physical GPA; ro = read-only for\n"
		"                  the guest (KVM_MEM_READONLY; it starts out holding the test\n"
		"                  pattern), log = dirty-page logging (KVM_MEM_LOG_DIRTY_PAGES)\n"
		"  --no-thp        no transparent huge pages behind guest memory (MADV_NOHUGEPAGE)\n"
		"  --multiboot KERNEL  boot a Multiboot v1 kernel (ELF32, ELF64 or a.out kludge)\n"
		"                  in 32-bit protected mode, as QEMU's -kernel does\n"
		"  --cmdline STR   the multiboot kernel's command line\n"
		"  --module FILE[,STR]  a multiboot module and its string (default: FILE)\n"
#endif
#ifdef CONFIG_MINIKVM_FINAL
		"  --linux BZIMAGE boot a Linux bzImage (32-bit boot protocol); --cmdline\n"
		"                  is its command line\n"
		"  --initrd FILE   its initial RAM disk\n"
		"  --disk FILE     a virtio block device (PCI 00:01.0) whose sectors are FILE's\n"
		"                  bytes; the guest sees /dev/vda\n"
#endif
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
#ifdef CONFIG_MINIKVM_IRQCHIP
		"  --irqchip kernel|user|none\n"
		"                  the interrupt controllers (default kernel): kernel =\n"
		"                  KVM_CREATE_IRQCHIP (PIC pair, IOAPIC; HLT sleeps in the\n"
		"                  kernel), user = minivmm's own 8259 pair, injecting with\n"
		"                  KVM_INTERRUPT and the interrupt window, none = no\n"
		"                  controller (lines go nowhere, HLT exits to minivmm)\n"
		"  --tick HZ       pulse GSI 0 HZ times a second from a timer thread (1..10000),\n"
		"                  standing in for the PIT\n"
#endif
#ifdef CONFIG_MINIKVM_LAPIC
		"  --smp N         N vCPUs (1..%d, default 1), a thread each; vCPU 0 starts\n"
		"                  the guest, the others wait for its INIT-SIPI-SIPI (needs\n"
		"                  --irqchip kernel)\n"
		"  --pit, --no-pit the in-kernel i8254 PIT (KVM_CREATE_PIT2, ports 0x40-0x43\n"
		"                  and 0x61, IRQ 0): on by default with --irqchip kernel\n"
#endif
		"exit status: 0 guest halted, odd = (debug-exit value << 1) | 1,\n"
		"  2 usage, 4 KVM error, 6 unhandled exit, 8 interrupted\n"
		"devices (minivmm.h): COM1 at port 0x%x, debug exit 0x%x, time marks 0x%x\n",
		DEFAULT_DEV, TEST_DATA_PORT,
#ifdef CONFIG_MINIKVM_LAPIC
		VMM_MAX_VCPUS,
#endif
		COM1_BASE, DEBUG_EXIT_PORT, MARK_PORT);
#ifdef CONFIG_MINIKVM_MMU
	fprintf(out, "  control 0x%x/0x%x, test device at 0x%llx (MMIO); other MMIO reads "
		"give all ones\n", CTL_PORT, CTL_ARG_PORT, TESTDEV_BASE);
#endif
#ifdef CONFIG_MINIKVM_IRQCHIP
	fprintf(out, "  interrupt lines: OUT gsi to 0x%x raise, 0x%x lower, 0x%x pulse; "
		"COM1 on IRQ %d\n", IRQ_RAISE_PORT, IRQ_LOWER_PORT, IRQ_PULSE_PORT, COM1_IRQ);
#endif
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

#ifdef CONFIG_MINIKVM_MMU
/**
 * Do the --slot slots share a guest-physical address with RAM (slot 0,
 * at 0) or with each other?  KVM would refuse it (-EEXIST); minivmm says
 * which two first.  Returns 0, or -1 with the reason in @err.
 */
static int check_slots(const struct vmm_options *opt, char *err, size_t errlen)
{
	struct vmm_slot all[1 + VMM_MAX_SLOTS];
	unsigned int a, b;

	all[0] = (struct vmm_slot) { .gpa = 0, .size = opt->mem_size };
	memcpy(&all[1], opt->slot, opt->nr_slots * sizeof(opt->slot[0]));
	if (!vmm_slots_overlap(all, 1 + opt->nr_slots, &a, &b))
		return 0;
	snprintf(err, errlen, "slot %u (0x%llx..0x%llx) overlaps %s %u (0x%llx..0x%llx)",
		 b, (unsigned long long)all[b].gpa,
		 (unsigned long long)(all[b].gpa + all[b].size),
		 a ? "slot" : "RAM, slot", a, (unsigned long long)all[a].gpa,
		 (unsigned long long)(all[a].gpa + all[a].size));
	return -1;
}

#endif
/**
 * Fill @opt from the command line.  On error, returns -1 with a one-line
 * reason in @err; the caller prints it and exits with VMM_USAGE.
 */
int vmm_parse_args(int argc, char **argv, struct vmm_options *opt,
		   char *err, size_t errlen)
{
	enum { OPT_DEV = 256, OPT_LOAD, OPT_TIMEOUT, OPT_IN_DATA, OPT_INVALID_STATE,
	       OPT_TRACE,
#ifdef CONFIG_MINIKVM_MMU
	       OPT_SLOT, OPT_NO_THP, OPT_MULTIBOOT, OPT_CMDLINE, OPT_MODULE,
#endif
#ifdef CONFIG_MINIKVM_FINAL
	       OPT_LINUX, OPT_INITRD, OPT_DISK,
#endif
#ifdef CONFIG_MINIKVM_IRQCHIP
	       OPT_IRQCHIP, OPT_TICK,
#endif
#ifdef CONFIG_MINIKVM_LAPIC
	       OPT_SMP,
	       OPT_PIT, OPT_NO_PIT,
#endif
	};
	static const struct option longopts[] = {
		{ "dev",	required_argument, NULL, OPT_DEV },
		{ "load",	required_argument, NULL, OPT_LOAD },
		{ "timeout",	required_argument, NULL, OPT_TIMEOUT },
		{ "in-data",	required_argument, NULL, OPT_IN_DATA },
		{ "invalid-state", optional_argument, NULL, OPT_INVALID_STATE },
		{ "trace",	required_argument, NULL, OPT_TRACE },
#ifdef CONFIG_MINIKVM_MMU
		{ "slot",	required_argument, NULL, OPT_SLOT },
		{ "no-thp",	no_argument,	   NULL, OPT_NO_THP },
		{ "multiboot",	required_argument, NULL, OPT_MULTIBOOT },
		{ "cmdline",	required_argument, NULL, OPT_CMDLINE },
		{ "module",	required_argument, NULL, OPT_MODULE },
#endif
#ifdef CONFIG_MINIKVM_FINAL
		{ "linux",	required_argument, NULL, OPT_LINUX },
		{ "initrd",	required_argument, NULL, OPT_INITRD },
		{ "disk",	required_argument, NULL, OPT_DISK },
#endif
#ifdef CONFIG_MINIKVM_IRQCHIP
		{ "irqchip",	required_argument, NULL, OPT_IRQCHIP },
		{ "tick",	required_argument, NULL, OPT_TICK },
#endif
#ifdef CONFIG_MINIKVM_LAPIC
		{ "smp",	required_argument, NULL, OPT_SMP },
		{ "pit",	no_argument,	   NULL, OPT_PIT },
		{ "no-pit",	no_argument,	   NULL, OPT_NO_PIT },
#endif
		{ "help",	no_argument,	   NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
#ifdef CONFIG_MINIKVM_MMU
	int load_given = 0;	/* --load: a flat image's, never a kernel's */
#endif
	uint64_t v;
	int c;

	*opt = (struct vmm_options) {
		.dev = DEFAULT_DEV,
		.mem_size = DEFAULT_MEM_SIZE,
		.load_addr = DEFAULT_LOAD_ADDR,
#ifdef CONFIG_MINIKVM_LAPIC
		.smp = 1,
#endif
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
#ifdef CONFIG_MINIKVM_MMU
			load_given = 1;
#endif
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
#ifdef CONFIG_MINIKVM_MMU
		case OPT_SLOT:
			if (opt->nr_slots == VMM_MAX_SLOTS) {
				snprintf(err, errlen, "more than %d --slot options", VMM_MAX_SLOTS);
				return -1;
			}
			if (vmm_parse_slot(optarg, &opt->slot[opt->nr_slots], err, errlen))
				return -1;
			opt->nr_slots++;
			break;
		case OPT_NO_THP:
			opt->no_thp = 1;
			break;
		case OPT_MULTIBOOT:
			opt->multiboot = optarg;
			break;
		case OPT_CMDLINE:
			opt->cmdline = optarg;
			break;
		case OPT_MODULE: {
			struct vmm_module *m = &opt->module[opt->nr_modules];
			char *comma = strchr(optarg, ',');

			if (opt->nr_modules == VMM_MAX_MODULES) {
				snprintf(err, errlen, "more than %d --module options", VMM_MAX_MODULES);
				return -1;
			}
			/* FILE,STR: cut the argument at the comma, in place. */
			m->path = optarg;
			m->string = optarg;
			if (comma) {
				*comma = '\0';
				m->string = comma + 1;
			}
			if (!*m->path) {
				snprintf(err, errlen, "--module needs a file name");
				return -1;
			}
			opt->nr_modules++;
			break;
		}
#endif
#ifdef CONFIG_MINIKVM_FINAL
		case OPT_LINUX:
			opt->bzimage = optarg;
			break;
		case OPT_INITRD:
			opt->initrd = optarg;
			break;
		case OPT_DISK:
			opt->disk = optarg;
			break;
#endif
#ifdef CONFIG_MINIKVM_IRQCHIP
		case OPT_IRQCHIP:
			if (!strcmp(optarg, "kernel")) {
				opt->irqchip = IRQCHIP_KERNEL;
			} else if (!strcmp(optarg, "user")) {
				opt->irqchip = IRQCHIP_USER;
			} else if (!strcmp(optarg, "none")) {
				opt->irqchip = IRQCHIP_NONE;
			} else {
				snprintf(err, errlen, "bad --irqchip '%s' (kernel, user or none)", optarg);
				return -1;
			}
			break;
		case OPT_TICK:
			if (vmm_parse_size(optarg, &v) || v == 0 || v > TICK_MAX_HZ) {
				snprintf(err, errlen, "bad --tick '%s' (1..%d Hz)", optarg, TICK_MAX_HZ);
				return -1;
			}
			opt->tick_hz = (unsigned int)v;
			break;
#endif
#ifdef CONFIG_MINIKVM_LAPIC
		case OPT_SMP:
			if (vmm_parse_size(optarg, &v) || v == 0 || v > VMM_MAX_VCPUS) {
				snprintf(err, errlen, "bad --smp '%s' (1..%d vCPUs)", optarg,
					 VMM_MAX_VCPUS);
				return -1;
			}
			opt->smp = (unsigned int)v;
			break;
		case OPT_PIT:
			opt->pit = 1;
			break;
		case OPT_NO_PIT:
			opt->pit = -1;
			break;
#endif
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
#ifdef CONFIG_MINIKVM_LAPIC
	/* Only an in-kernel local APIC can start an AP (INIT-SIPI-SIPI). */
	if (opt->smp > 1 && opt->irqchip != IRQCHIP_KERNEL) {
		snprintf(err, errlen, "--smp %u needs --irqchip kernel", opt->smp);
		return -1;
	}
#endif
#ifdef CONFIG_MINIKVM_FINAL
	if (opt->bzimage) {
		if (opt->multiboot || optind != argc || load_given || opt->invalid_state ||
		    opt->nr_modules) {
			snprintf(err, errlen, "--linux takes --initrd and --cmdline, and no other "
				 "image, --load, --invalid-state or --module");
			return -1;
		}
		if (!opt->cmdline)
			opt->cmdline = "";
		/* The disk's interrupt is an irqfd: KVM's IOAPIC raises it. */
		if (opt->disk && opt->irqchip != IRQCHIP_KERNEL) {
			snprintf(err, errlen, "--disk needs --irqchip kernel");
			return -1;
		}
		return check_slots(opt, err, errlen);
	}
	if (opt->initrd || opt->disk) {
		snprintf(err, errlen, "%s needs --linux", opt->initrd ? "--initrd" : "--disk");
		return -1;
	}
#endif
#ifdef CONFIG_MINIKVM_MMU
	if (opt->multiboot) {
		if (optind != argc) {
			snprintf(err, errlen, "a guest image and --multiboot given: choose one");
			return -1;
		}
		if (load_given || opt->invalid_state) {
			snprintf(err, errlen, "--load and --invalid-state are for flat images, "
				 "not --multiboot");
			return -1;
		}
		if (!opt->cmdline)
			opt->cmdline = "";
		return check_slots(opt, err, errlen);
	}
	if (opt->cmdline || opt->nr_modules) {
		snprintf(err, errlen, "--cmdline and --module need --multiboot");
		return -1;
	}
#endif
	/* A flat image: the one argument left, and where it goes. */
	if (optind != argc - 1) {
		snprintf(err, errlen, optind == argc ? "no guest image given" :
			 "more than one guest image given");
		return -1;
	}
	opt->guest = argv[optind];
#ifdef CONFIG_MINIKVM_MMU
	if (check_slots(opt, err, errlen))
		return -1;
#endif
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
