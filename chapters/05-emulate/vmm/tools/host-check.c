// SPDX-License-Identifier: GPL-2.0
/*
 * host-check - does the host keep its state when a guest changes
 * everything it can?  (The host-isolation scenario.)
 *
 * usage: host-check --dev DEV GUEST.bin
 *
 * This process gives itself the host state a careless hypervisor loses on
 * a VM exit:
 *   - an LDT (modify_ldt()) and GS loaded from it;
 *   - an I/O permission bitmap (ioperm()): the CPU finds it through the
 *     TSS limit, which a VMX exit cuts to 0x67;
 *   - a hardware watchpoint on one of its variables (perf_event_open()
 *     of a breakpoint: the same debug registers ptrace uses);
 *   - its PKRU, where the CPU has protection keys;
 * and notes every CPU's SYSCALL, SYSENTER and DEBUGCTL MSRs through the
 * msr driver (/dev/cpu/N/msr).  Then, pinned in turn to each CPU it may
 * run on (all of them, but where the lab keeps its VMMs off CPU 0: see
 * accel_pick in tests/vm/accel), it runs the guest
 * (guests/host-isolation.S, which changes all of those in the CPU) on DEV
 * with its own small KVM_RUN loop, and checks after each run that
 * everything above is still as it was.
 *
 * Prints one "ok" or "FAIL" line per check; exit status 0 if every check
 * passed, 1 if one failed, 2 on bad usage, 3 if something needed is
 * missing (a message says what).  A check the machine cannot do (no
 * breakpoint support, no PKU) says "skip" and does not fail.
 */
#define _GNU_SOURCE
#include <asm/ldt.h>
#include <cpuid.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/hw_breakpoint.h>
#include <linux/kvm.h>
#include <linux/perf_event.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/io.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#define GUEST_MEM	(16u << 20)	/* as minivmm -m 16M */
#define LOAD_ADDR	0x10000		/* guests/guest.h */
#define COM1_THR	0x3f8
#define COM1_LSR	0x3fd
#define DEBUG_EXIT_PORT	0xf4
#define IOPERM_PORT	0x80		/* POST codes: harmless to read */
#define LDT_MAGIC	0x6c64746c64746c64ULL	/* "ldtldtld" */
#define MAX_CPUS	64
#define RDPMC_FLAG	0x434d5052	/* RBX: the guest also tries RDPMC */

static int failures;

static void check(int ok, const char *what, const char *detail)
{
	printf("host-check: %s %s%s%s\n", ok ? "ok  " : "FAIL", what,
	       detail ? ": " : "", detail ? detail : "");
	if (!ok)
		failures++;
}

static void die(int status, const char *what)
{
	printf("host-check: cannot run: %s: %s\n", what, strerror(errno));
	exit(status);
}

/* ---- the MSRs of every CPU, through the msr driver -------------------- */

static const struct {
	uint32_t index;
	const char *name;
} msrs[] = {
	{ 0xc0000081, "STAR" }, { 0xc0000082, "LSTAR" },
	{ 0xc0000083, "CSTAR" }, { 0xc0000084, "SFMASK" },
	{ 0x174, "SYSENTER_CS" }, { 0x175, "SYSENTER_ESP" },
	{ 0x176, "SYSENTER_EIP" }, { 0x1d9, "DEBUGCTL" },
};
#define NR_MSRS (sizeof(msrs) / sizeof(msrs[0]))

/* Read MSR @m of CPU @cpu; 0 on success. */
static int read_msr(int cpu, uint32_t m, uint64_t *val)
{
	char path[64];
	int fd, r;

	snprintf(path, sizeof(path), "/dev/cpu/%d/msr", cpu);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	r = pread(fd, val, 8, m) == 8 ? 0 : -1;
	close(fd);
	return r;
}

static uint64_t msr_before[MAX_CPUS][NR_MSRS];
static int msr_ok[MAX_CPUS][NR_MSRS];

static void note_msrs(int ncpus)
{
	for (int c = 0; c < ncpus; c++)
		for (unsigned int i = 0; i < NR_MSRS; i++)
			msr_ok[c][i] = !read_msr(c, msrs[i].index, &msr_before[c][i]);
}

static void check_msrs(int ncpus)
{
	char what[64], detail[96];
	uint64_t now;

	for (int c = 0; c < ncpus; c++) {
		for (unsigned int i = 0; i < NR_MSRS; i++) {
			if (!msr_ok[c][i])
				continue;	/* the CPU has no such MSR */
			snprintf(what, sizeof(what), "cpu %d %s", c, msrs[i].name);
			if (read_msr(c, msrs[i].index, &now)) {
				check(0, what, "cannot be read any more");
				continue;
			}
			snprintf(detail, sizeof(detail), "0x%llx, was 0x%llx",
				 (unsigned long long)now,
				 (unsigned long long)msr_before[c][i]);
			check(now == msr_before[c][i], what,
			      now == msr_before[c][i] ? NULL : detail);
		}
	}
}

/* ---- this process's own state ----------------------------------------- */

/* Where the LDT's data segment points: below 4 GiB, as a descriptor's
 * base is 32 bits. */
static uint64_t *ldt_area;
static volatile uint64_t watched;
static int bp_fd = -1;
static sigjmp_buf fault_jmp;

static void on_fault(int sig)
{
	siglongjmp(fault_jmp, sig);
}

static int has_pku(void)
{
	unsigned int a, b, c, d;

	if (!__get_cpuid_count(7, 0, &a, &b, &c, &d))
		return 0;
	return c & (1u << 4);	/* OSPKE: the kernel enabled CR4.PKE */
}

static uint32_t read_pkru(void)
{
	uint32_t eax, edx;

	asm volatile("rdpkru" : "=a"(eax), "=d"(edx) : "c"(0));
	return eax;
}

static void setup_ldt_gs(void)
{
	struct user_desc d = {
		.entry_number = 0, .seg_32bit = 1, .limit = 0xfffff,
		.limit_in_pages = 1, .contents = 0, .useable = 1,
	};
	uint16_t sel = (0 << 3) | 4 | 3;	/* LDT entry 0, TI = 1, RPL 3 */

	ldt_area = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
	if (ldt_area == MAP_FAILED)
		die(3, "mmap below 4 GiB");
	*ldt_area = LDT_MAGIC;
	d.base_addr = (uintptr_t)ldt_area;
	if (syscall(SYS_modify_ldt, 1, &d, sizeof(d)))
		die(3, "modify_ldt");
	asm volatile("mov %0, %%gs" :: "r"(sel));
}

/* GS still selects the LDT's segment, and reading through it works. */
static void check_ldt_gs(void)
{
	uint16_t sel;
	uint64_t v = 0;
	char detail[64];

	asm volatile("mov %%gs, %0" : "=r"(sel));
	snprintf(detail, sizeof(detail), "gs is 0x%x, was 0x7", sel);
	check(sel == 7, "gs selector (from our LDT)", sel == 7 ? NULL : detail);
	if (sigsetjmp(fault_jmp, 1) == 0) {
		asm volatile("mov %%gs:0, %0" : "=r"(v));
		check(v == LDT_MAGIC, "read through gs (LDT segment)",
		      v == LDT_MAGIC ? NULL : "wrong data");
	} else {
		check(0, "read through gs (LDT segment)", "faulted: the LDT is gone");
	}
}

/* IN from a port ioperm() opened: faults if the TSS limit no longer
 * covers the I/O bitmap. */
static void check_ioperm(const char *when)
{
	char what[64];

	snprintf(what, sizeof(what), "ioperm() port access %s", when);
	if (sigsetjmp(fault_jmp, 1) == 0) {
		inb(IOPERM_PORT);
		check(1, what, NULL);
	} else {
		check(0, what, "the IN faulted: TSS limit cut below the I/O bitmap");
	}
}

/* A write watchpoint on `watched`: 0 if the CPU has working breakpoints. */
static int setup_breakpoint(void)
{
	struct perf_event_attr a = {
		.type = PERF_TYPE_BREAKPOINT, .size = sizeof(a),
		.bp_type = HW_BREAKPOINT_W, .bp_addr = (uintptr_t)&watched,
		.bp_len = HW_BREAKPOINT_LEN_8, .sample_period = 1,
		.exclude_kernel = 1, .exclude_hv = 1,
	};

	bp_fd = syscall(SYS_perf_event_open, &a, 0, -1, -1, 0);
	return bp_fd < 0 ? -1 : 0;
}

static uint64_t breakpoint_hits(void)
{
	uint64_t n = 0;

	if (read(bp_fd, &n, sizeof(n)) != sizeof(n))
		return ~0ull;
	return n;
}

/* One write to `watched` must count exactly one hit. */
static int breakpoint_fires(void)
{
	uint64_t before = breakpoint_hits();

	watched++;
	return breakpoint_hits() == before + 1;
}

/* ---- a minimal KVM_RUN loop for the guest ----------------------------- */

static int run_guest(const char *dev, const char *path, int *status)
{
	int kvm, vm, vcpu, r = -1;
	struct kvm_userspace_memory_region region = { 0 };
	struct kvm_cpuid2 *cpuid;
	struct kvm_sregs sregs;
	struct kvm_regs regs = { .rflags = 2, .rbx = RDPMC_FLAG };
	struct kvm_run *run;
	void *mem;
	FILE *f;
	long n;

	kvm = open(dev, O_RDWR | O_CLOEXEC);
	if (kvm < 0)
		die(3, dev);
	vm = ioctl(kvm, KVM_CREATE_VM, 0);
	if (vm < 0)
		die(3, "KVM_CREATE_VM");
	mem = mmap(NULL, GUEST_MEM, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	f = fopen(path, "rb");
	if (mem == MAP_FAILED || !f)
		die(3, path);
	n = fread((char *)mem + LOAD_ADDR, 1, GUEST_MEM - LOAD_ADDR, f);
	fclose(f);
	if (n <= 0)
		die(3, "reading the guest");
	region.memory_size = GUEST_MEM;
	region.userspace_addr = (uintptr_t)mem;
	if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &region))
		die(3, "KVM_SET_USER_MEMORY_REGION");
	vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	if (vcpu < 0)
		die(3, "KVM_CREATE_VCPU");
	/* The guest asks CPUID whether the CPU has protection keys. */
	cpuid = calloc(1, sizeof(*cpuid) + 256 * sizeof(cpuid->entries[0]));
	cpuid->nent = 256;
	if (ioctl(kvm, KVM_GET_SUPPORTED_CPUID, cpuid) ||
	    ioctl(vcpu, KVM_SET_CPUID2, cpuid))
		die(3, "KVM_GET_SUPPORTED_CPUID / KVM_SET_CPUID2");
	run = mmap(NULL, ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0),
		   PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	if (run == MAP_FAILED)
		die(3, "mmap kvm_run");
	/* Real mode at LOAD_ADDR:0, as minivmm starts a flat image. */
	if (ioctl(vcpu, KVM_GET_SREGS, &sregs))
		die(3, "KVM_GET_SREGS");
	sregs.cs.selector = sregs.ds.selector = sregs.es.selector =
		sregs.ss.selector = LOAD_ADDR >> 4;
	sregs.cs.base = sregs.ds.base = sregs.es.base = sregs.ss.base = LOAD_ADDR;
	if (ioctl(vcpu, KVM_SET_SREGS, &sregs) || ioctl(vcpu, KVM_SET_REGS, &regs))
		die(3, "KVM_SET_SREGS / KVM_SET_REGS");

	for (;;) {
		if (ioctl(vcpu, KVM_RUN, 0)) {
			printf("host-check: KVM_RUN: %s\n", strerror(errno));
			break;
		}
		if (run->exit_reason != KVM_EXIT_IO) {
			printf("host-check: unexpected exit reason %u\n", run->exit_reason);
			break;
		}
		uint8_t *data = (uint8_t *)run + run->io.data_offset;

		if (run->io.direction == KVM_EXIT_IO_IN && run->io.port == COM1_LSR) {
			*data = 0x20;		/* transmitter empty */
		} else if (run->io.direction == KVM_EXIT_IO_OUT && run->io.port == COM1_THR) {
			putchar(*data);
		} else if (run->io.direction == KVM_EXIT_IO_OUT && run->io.port == DEBUG_EXIT_PORT) {
			*status = (*data << 1) | 1;
			r = 0;
			break;
		} else {
			printf("host-check: unexpected port 0x%x\n", run->io.port);
			break;
		}
	}
	fflush(stdout);
	munmap(run, ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0));
	close(vcpu);
	close(vm);
	close(kvm);
	munmap(mem, GUEST_MEM);
	free(cpuid);
	return r;
}

int main(int argc, char **argv)
{
	int ncpus = sysconf(_SC_NPROCESSORS_ONLN), have_bp, have_pku, status;
	cpu_set_t allowed;
	uint32_t pkru = 0;
	char detail[96];

	if (argc != 4 || strcmp(argv[1], "--dev")) {
		fprintf(stderr, "usage: host-check --dev DEV GUEST.bin\n");
		return 2;
	}
	if (ncpus > MAX_CPUS)
		ncpus = MAX_CPUS;
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (sched_getaffinity(0, sizeof(allowed), &allowed))
		die(3, "sched_getaffinity");
	signal(SIGSEGV, on_fault);
	signal(SIGBUS, on_fault);

	if (access("/dev/cpu/0/msr", R_OK))
		die(3, "/dev/cpu/0/msr (modprobe msr)");
	note_msrs(ncpus);
	if (ioperm(IOPERM_PORT, 1, 1))
		die(3, "ioperm");
	check_ioperm("before this tool runs a guest");
	setup_ldt_gs();
	check_ldt_gs();
	have_bp = !setup_breakpoint() && breakpoint_fires();
	if (!have_bp)
		printf("host-check: skip hardware watchpoints: this CPU's do not fire even without a guest\n");
	have_pku = has_pku();
	if (have_pku)
		pkru = read_pkru();
	else
		printf("host-check: skip PKRU: the CPU has no protection keys\n");

	for (int cpu = 0; cpu < ncpus; cpu++) {
		cpu_set_t set;

		if (!CPU_ISSET(cpu, &allowed))
			continue;
		CPU_ZERO(&set);
		CPU_SET(cpu, &set);
		if (sched_setaffinity(0, sizeof(set), &set))
			die(3, "sched_setaffinity");
		printf("host-check: running the guest on CPU %d\n", cpu);
		status = -1;
		if (run_guest(argv[2], argv[3], &status))
			check(0, "the guest ran to its end", NULL);
		snprintf(detail, sizeof(detail), "status %d, expected 65", status);
		check(status == 65, "the guest passed its own checks",
		      status == 65 ? NULL : detail);

		check_ioperm("after the guest");
		check_ldt_gs();
		if (have_bp)
			check(breakpoint_fires(), "hardware watchpoint still fires", NULL);
		if (have_pku) {
			uint32_t now = read_pkru();

			snprintf(detail, sizeof(detail), "0x%08x, was 0x%08x", now, pkru);
			check(now == pkru, "PKRU", now == pkru ? NULL : detail);
		}
		check_msrs(ncpus);
	}
	printf("host-check: %d check(s) failed\n", failures);
	return failures ? 1 : 0;
}
