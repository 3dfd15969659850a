// SPDX-License-Identifier: GPL-2.0
/**
 * @file msr-check.c
 * @brief The MSR ABI and the guest's TSC, checked from both sides: the
 * VMM's KVM_GET_MSRS / KVM_SET_MSRS and the guest's RDMSR / WRMSR.
 *
 * usage: msr-check DEVICE		(/dev/kvm or /dev/minikvm)
 *
 * A tiny real-mode guest (below, assembled into this file) runs commands
 * that the tool leaves at guest-physical CMD: WRMSR, RDMSR or RDTSC, then
 * OUT to port 0x80 with the result stored next to the command.  Its #GP
 * handler (IVT vector 13) stores "faulted" instead.  The tool checks:
 *   - KVM_GET_MSR_INDEX_LIST: -E2BIG with the count written back, then
 *     the list, which holds every MSR of EXPECTED (exactly those on
 *     minikvm; the real KVM lists more);
 *   - every MSR of EXPECTED, and the accepted-but-unlisted ones, round
 *     trips through KVM_SET_MSRS/KVM_GET_MSRS and through WRMSR/RDMSR;
 *   - an unknown MSR (and an x2APIC one, the xAPIC being on) is #GP in
 *     the guest, and KVM_GET/SET_MSRS stop at it;
 *   - a guest write to IA32_TSC is what the guest reads next (and the TSC
 *     counts up from it), IA32_TSC_ADJUST moves by the same amount, and a
 *     guest write to IA32_TSC_ADJUST moves the TSC (Intel SDM Vol. 3B,
 *     18.17.3);
 *   - the guest's TSC advances at about KVM_GET_TSC_KHZ: the ratio is
 *     printed and only a wide band is required (no timed test).
 * Expected values come from the SDM and Linux 6.1's KVM, never from
 * watching minikvm; the lab runs this on the real KVM too.
 *
 * Prints "ok NAME" or "FAIL NAME: ..." per check; exits 1 on any failure,
 * 2 if the setup fails.
 */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <linux/kvm.h>

/** Guest-physical layout. @{ */
#define GUEST_MEM	0x10000		/**< one 64 KiB slot at 0 */
#define CMD		0x500		/**< the command block, struct cmd */
#define CODE		0x1000		/**< the guest code */
/** @} */

/** MSR numbers (Intel SDM Vol. 4; AMD APM Vol. 2, Appendix A). @{ */
#define MSR_IA32_TSC		0x10
#define MSR_IA32_APICBASE	0x1b
#define MSR_IA32_TSC_ADJUST	0x3b
#define MSR_IA32_SYSENTER_CS	0x174
#define MSR_IA32_SYSENTER_ESP	0x175
#define MSR_IA32_SYSENTER_EIP	0x176
#define MSR_IA32_MCG_CAP	0x179
#define MSR_IA32_MCG_STATUS	0x17a
#define MSR_IA32_MISC_ENABLE	0x1a0
#define MSR_MTRRcap		0xfe
#define MSR_MTRRphysBase0	0x200
#define MSR_MTRRphysMask0	0x201
#define MSR_MTRRfix64K_00000	0x250
#define MSR_MTRRfix4K_F8000	0x26f
#define MSR_IA32_CR_PAT		0x277
#define MSR_MTRRdefType		0x2ff
#define MSR_IA32_TSC_DEADLINE	0x6e0
#define MSR_X2APIC_ID		0x802
#define MSR_EFER		0xc0000080
#define MSR_STAR		0xc0000081
#define MSR_LSTAR		0xc0000082
#define MSR_CSTAR		0xc0000083
#define MSR_SYSCALL_MASK	0xc0000084
#define MSR_FS_BASE		0xc0000100
#define MSR_GS_BASE		0xc0000101
#define MSR_KERNEL_GS_BASE	0xc0000102
/** No CPU or KVM has an MSR here. */
#define MSR_UNKNOWN		0x12345
/** @} */

/** The command block at CMD, shared with the guest code below. */
struct cmd {
	uint32_t op;		/**< +0: 1 WRMSR, 2 RDMSR, 3 RDTSC */
	uint32_t msr;		/**< +4: ECX */
	uint32_t lo;		/**< +8: EAX to write */
	uint32_t hi;		/**< +12: EDX to write */
	uint32_t faulted;	/**< +16: the guest took #GP */
	uint32_t out_lo;	/**< +20: EAX after the op */
	uint32_t out_hi;	/**< +24: EDX after the op */
	uint32_t start_lo;	/**< +28: OP_SPIN's first RDTSC, low half */
	uint32_t start_hi;	/**< +32: and its high half */
};

/** OP_SPIN: RDTSC, ECX loop iterations, RDTSC, all inside one KVM_RUN. */
enum { OP_WRMSR = 1, OP_RDMSR = 2, OP_RDTSC = 3, OP_SPIN = 4 };

/** The guest: real mode, CS = DS = SS = 0, loaded at CODE; it runs the
 *  command at struct cmd, reports, and waits for the next.  Its start,
 *  its #GP handler and its end. @{ */
extern const unsigned char guest_start[], guest_gp[], guest_end[];
/** @} */
/** @cond */
__asm__(
	".pushsection .rodata\n"
	".code16\n"
	"guest_start:\n"
	"1:	mov $0x8000, %sp\n"
	"	movl $0, 0x510\n"
	"	mov 0x504, %ecx\n"
	"	mov 0x508, %eax\n"
	"	mov 0x50c, %edx\n"
	"	cmpl $1, 0x500\n"
	"	je 2f\n"
	"	cmpl $2, 0x500\n"
	"	je 3f\n"
	"	cmpl $4, 0x500\n"
	"	je 6f\n"
	"	rdtsc\n"
	"	jmp 4f\n"
	"2:	wrmsr\n"
	"	jmp 4f\n"
	"3:	rdmsr\n"
	"4:	mov %eax, 0x514\n"
	"	mov %edx, 0x518\n"
	"5:	out %al, $0x80\n"
	"	jmp 1b\n"
	"6:	rdtsc\n"		/* spin ECX times between two RDTSCs */
	"	mov %eax, 0x51c\n"
	"	mov %edx, 0x520\n"
	"7:	dec %ecx\n"
	"	jnz 7b\n"
	"	rdtsc\n"
	"	jmp 4b\n"
	"guest_gp:\n"
	"	movl $1, 0x510\n"
	"	jmp 5b\n"
	"guest_end:\n"
	".code64\n"
	".popsection\n");
/** @endcond */

static int failures;		/**< checks that failed so far */
static int vcpu_fd;		/**< the one vCPU */
static struct kvm_run *run;	/**< its kvm_run */
static volatile struct cmd *cmd;	/**< the command block in guest memory */

/** Report one check. */
static void __attribute__((format(printf, 2, 3))) check(int ok, const char *fmt, ...)
{
	va_list ap;

	printf("%s ", ok ? "ok" : "FAIL");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!ok)
		failures++;
}

/** Report a failed system call and exit 2 (a broken tool, not a check). */
static void die(const char *what)
{
	printf("setup failed: %s: %s\n", what, strerror(errno));
	exit(2);
}

/** Run one guest command; returns 0, or 1 if the guest took #GP. */
static int guest(uint32_t op, uint32_t msr, uint64_t val, uint64_t *out)
{
	cmd->op = op;
	cmd->msr = msr;
	cmd->lo = (uint32_t)val;
	cmd->hi = val >> 32;
	if (ioctl(vcpu_fd, KVM_RUN, 0) < 0)
		die("KVM_RUN");
	if (run->exit_reason != KVM_EXIT_IO || run->io.port != 0x80) {
		printf("setup failed: unexpected exit %u\n", run->exit_reason);
		exit(2);
	}
	if (out)
		*out = cmd->out_lo | (uint64_t)cmd->out_hi << 32;
	return cmd->faulted;
}

/** KVM_GET_MSRS or KVM_SET_MSRS of @n entries; the ioctl's answer. */
static int msrs_io(unsigned long req, uint32_t n, const uint32_t *idx, uint64_t *data)
{
	struct {
		struct kvm_msrs hdr;
		struct kvm_msr_entry e[8];
	} m;
	uint32_t i;
	int r;

	memset(&m, 0, sizeof(m));
	m.hdr.nmsrs = n;
	for (i = 0; i < n; i++) {
		m.e[i].index = idx[i];
		m.e[i].data = data[i];
	}
	r = ioctl(vcpu_fd, req, &m);
	if (req == KVM_GET_MSRS)
		for (i = 0; i < n; i++)
			data[i] = m.e[i].data;
	return r < 0 ? -errno : r;
}

/** KVM_GET_MSRS of one MSR; 0 or -1. */
static int host_get(uint32_t msr, uint64_t *v)
{
	return msrs_io(KVM_GET_MSRS, 1, &msr, v) == 1 ? 0 : -1;
}

/** KVM_SET_MSRS of one MSR; 0 or -1. */
static int host_set(uint32_t msr, uint64_t v)
{
	return msrs_io(KVM_SET_MSRS, 1, &msr, &v) == 1 ? 0 : -1;
}

/**
 * What minikvm's KVM_GET_MSR_INDEX_LIST holds, each with two values to
 * write (one by the VMM, one by the guest) and how it reads back.
 */
enum readback {
	SAME,		/**< reads back what was written */
	ZERO,		/**< reads 0 */
	COUNTS,		/**< counts up from what was written (the TSC) */
};
/** One MSR to round-trip. */
struct msr_case {
	uint32_t index;		/**< the MSR */
	const char *name;	/**< its name, for the report */
	uint64_t host_val;	/**< written with KVM_SET_MSRS */
	uint64_t guest_val;	/**< written by the guest's WRMSR */
	enum readback rb;	/**< how it reads back */
	int listed;		/**< in minikvm's index list */
};

/** Every MSR checked, minikvm's index list first. */
static const struct msr_case cases[] = {
	{ MSR_IA32_SYSENTER_CS, "SYSENTER_CS", 0x10, 0x08, SAME, 1 },
	{ MSR_IA32_SYSENTER_ESP, "SYSENTER_ESP", 0x12345000, 0x23456000, SAME, 1 },
	{ MSR_IA32_SYSENTER_EIP, "SYSENTER_EIP", 0x34567000, 0x45678000, SAME, 1 },
	{ MSR_STAR, "STAR", 0x0023001000000000ull, 0x001b000800000000ull, SAME, 1 },
	{ MSR_CSTAR, "CSTAR", 0xffffffff81000100ull, 0xffffffff81000200ull, SAME, 1 },
	{ MSR_KERNEL_GS_BASE, "KERNEL_GS_BASE", 0xffff888000001000ull, 0x7f0000003000ull, SAME, 1 },
	{ MSR_SYSCALL_MASK, "SYSCALL_MASK", 0x47700, 0x700, SAME, 1 },
	{ MSR_LSTAR, "LSTAR", 0xffffffff81000000ull, 0xffffffff82000000ull, SAME, 1 },
	{ MSR_IA32_TSC, "TSC", 1ull << 40, 1ull << 41, COUNTS, 1 },
	{ MSR_IA32_CR_PAT, "PAT", 0x0007010600070106ull, 0x0000000600000006ull, SAME, 1 },
	{ MSR_IA32_TSC_ADJUST, "TSC_ADJUST", 0x1000, 0x2000, SAME, 1 },
	/* Reads 0 unless the LAPIC timer is in TSC-deadline mode (SDM
	 * 11.5.4.1), which nobody set up here. */
	{ MSR_IA32_TSC_DEADLINE, "TSC_DEADLINE", 0x1234, 0x5678, ZERO, 1 },
	/* Keeps BTS/PEBS unavailable (11, 12), which the guest may not flip. */
	{ MSR_IA32_MISC_ENABLE, "MISC_ENABLE", 0x1801, 0x1800, SAME, 1 },
	{ MSR_IA32_MCG_STATUS, "MCG_STATUS", 0x1, 0x0, SAME, 1 },
	/* Accepted, not listed (KVM does the same). */
	{ MSR_EFER, "EFER", 0x801, 0x001, SAME, 0 },
	{ MSR_FS_BASE, "FS_BASE", 0x7f0000001000ull, 0x7f0000004000ull, SAME, 0 },
	{ MSR_GS_BASE, "GS_BASE", 0x7f0000002000ull, 0x7f0000005000ull, SAME, 0 },
	{ MSR_MTRRdefType, "MTRRdefType", 0xc06, 0x806, SAME, 0 },
	{ MSR_MTRRphysBase0, "MTRRphysBase0", 0x80000006, 0xc0000000, SAME, 0 },
	{ MSR_MTRRphysMask0, "MTRRphysMask0", 0xf80000800ull, 0xfc0000800ull, SAME, 0 },
	{ MSR_MTRRfix64K_00000, "MTRRfix64K_00000", 0x0606060606060606ull, 0x0505050505050505ull, SAME, 0 },
	{ MSR_MTRRfix4K_F8000, "MTRRfix4K_F8000", 0x0404040404040404ull, 0x0000000000000000ull, SAME, 0 },
	{ MSR_IA32_APICBASE, "APIC_BASE", 0xfee00900, 0xfee00900, SAME, 0 },
};
/** How many cases[] has. */
#define NCASES (sizeof(cases) / sizeof(cases[0]))

/** Does @v read back as written @w should, by @rb? */
static int reads_back(enum readback rb, uint64_t w, uint64_t v)
{
	switch (rb) {
	case SAME:
		return v == w;
	case ZERO:
		return v == 0;
	case COUNTS:	/* counted on, but not by more than ~2^36 cycles */
		return v >= w && v - w < (1ull << 36);
	}
	return 0;
}

/** What the guest's RDMSR should find after its WRMSR of @c. */
static uint64_t guest_expects(const struct msr_case *c)
{
	return c->guest_val;
}

/** KVM_GET_MSR_INDEX_LIST: the protocol, and EXPECTED in it. */
static void index_list(int dev, int minikvm)
{
	struct kvm_msr_list hdr = { .nmsrs = 0 };
	struct kvm_msr_list *l;
	uint32_t i, j, n, listed = 0;
	int r;

	r = ioctl(dev, KVM_GET_MSR_INDEX_LIST, &hdr);
	check(r < 0 && errno == E2BIG && hdr.nmsrs > 0,
	      "KVM_GET_MSR_INDEX_LIST with room for 0: E2BIG and the count");
	n = hdr.nmsrs;
	l = calloc(1, sizeof(*l) + n * sizeof(uint32_t));
	l->nmsrs = n;
	r = ioctl(dev, KVM_GET_MSR_INDEX_LIST, l);
	check(r == 0 && l->nmsrs == n, "KVM_GET_MSR_INDEX_LIST with room: %u MSRs", n);
	for (i = 0; i < NCASES; i++) {
		int found = 0;

		if (!cases[i].listed)
			continue;
		listed++;
		for (j = 0; j < n; j++)
			found |= l->indices[j] == cases[i].index;
		check(found, "index list has %s", cases[i].name);
	}
	if (minikvm)
		check(n == listed, "minikvm lists exactly the %u documented MSRs (%u)", listed, n);
	free(l);
}

/** One VM, one vCPU: the index list, then every case both ways. */
int main(int argc, char **argv)
{
	struct kvm_userspace_memory_region mr;
	struct kvm_sregs sregs;
	struct kvm_regs regs;
	struct {
		struct kvm_cpuid2 hdr;
		struct kvm_cpuid_entry2 e[256];
	} cpuid;
	uint64_t v = 0, w = 0, t0 = 0, t1 = 0, a0 = 0, a1 = 0, vals[3];
	uint32_t idx[3];
	struct timespec ts0, ts1;
	uint8_t *mem;
	int dev, vm, khz, r, minikvm;
	unsigned int i;

	if (argc != 2) {
		fprintf(stderr, "usage: msr-check DEVICE\n");
		return 2;
	}
	minikvm = strstr(argv[1], "minikvm") != NULL;
	dev = open(argv[1], O_RDWR);
	if (dev < 0)
		die(argv[1]);
	index_list(dev, minikvm);

	vm = ioctl(dev, KVM_CREATE_VM, 0);
	if (vm < 0)
		die("KVM_CREATE_VM");
	/* An in-kernel irqchip, so that the real KVM has its local APIC
	 * (APIC_BASE as minikvm reports it) and keeps HLT to itself. */
	if (ioctl(vm, KVM_CREATE_IRQCHIP, 0) < 0)
		die("KVM_CREATE_IRQCHIP");
	mem = mmap(NULL, GUEST_MEM, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		die("mmap");
	mr = (struct kvm_userspace_memory_region) {
		.slot = 0, .guest_phys_addr = 0, .memory_size = GUEST_MEM,
		.userspace_addr = (uintptr_t)mem,
	};
	if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &mr) < 0)
		die("KVM_SET_USER_MEMORY_REGION");
	memcpy(mem + CODE, guest_start, guest_end - guest_start);
	/* IVT entry 13 (#GP): offset, segment 0 (Intel SDM Vol. 3A, 20.1.4). */
	*(uint16_t *)(mem + 13 * 4) = CODE + (guest_gp - guest_start);
	*(uint16_t *)(mem + 13 * 4 + 2) = 0;
	cmd = (volatile struct cmd *)(mem + CMD);

	vcpu_fd = ioctl(vm, KVM_CREATE_VCPU, 0);
	if (vcpu_fd < 0)
		die("KVM_CREATE_VCPU");
	r = ioctl(dev, KVM_GET_VCPU_MMAP_SIZE, 0);
	run = mmap(NULL, r, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu_fd, 0);
	if (run == MAP_FAILED)
		die("mmap kvm_run");
	cpuid.hdr.nent = 256;
	if (ioctl(dev, KVM_GET_SUPPORTED_CPUID, &cpuid) < 0 ||
	    ioctl(vcpu_fd, KVM_SET_CPUID2, &cpuid) < 0)
		die("CPUID");
	if (ioctl(vcpu_fd, KVM_GET_SREGS, &sregs) < 0)
		die("KVM_GET_SREGS");
	check((sregs.apic_base & ~0x400ull) == 0xfee00900,
	      "APIC_BASE after reset: 0xfee00000, enabled, BSP (%#llx)", sregs.apic_base);
	sregs.cs.selector = 0;
	sregs.cs.base = 0;
	if (ioctl(vcpu_fd, KVM_SET_SREGS, &sregs) < 0)
		die("KVM_SET_SREGS");
	memset(&regs, 0, sizeof(regs));
	regs.rip = CODE;
	regs.rflags = 2;
	if (ioctl(vcpu_fd, KVM_SET_REGS, &regs) < 0)
		die("KVM_SET_REGS");

	/* The VMM's round trips, then the guest's, for every MSR. */
	for (i = 0; i < NCASES; i++) {
		const struct msr_case *c = &cases[i];

		r = host_set(c->index, c->host_val);
		check(r == 0 && host_get(c->index, &v) == 0 && reads_back(c->rb, c->host_val, v),
		      "KVM_SET/GET_MSRS %s: wrote %#" PRIx64 ", read %#" PRIx64,
		      c->name, c->host_val, v);
		r = guest(OP_WRMSR, c->index, c->guest_val, NULL);
		r = r ?: guest(OP_RDMSR, c->index, 0, &v);
		check(r == 0 && reads_back(c->rb, guest_expects(c), v),
		      "WRMSR/RDMSR %s: wrote %#" PRIx64 ", read %#" PRIx64 "%s",
		      c->name, c->guest_val, v, r ? " (#GP)" : "");
		check(host_get(c->index, &w) == 0 && (c->rb == COUNTS ? w >= v : w == v),
		      "KVM_GET_MSRS %s sees the guest's write", c->name);
	}

	/* Read-only and absent MSRs. */
	check(guest(OP_RDMSR, MSR_MTRRcap, 0, &v) == 0 && v == 0x508,
	      "RDMSR MTRRcap: WC, fixed ranges, 8 variable (%#" PRIx64 ")", v);
	check(guest(OP_WRMSR, MSR_MTRRcap, 0, NULL) == 1, "WRMSR MTRRcap: #GP");
	check(guest(OP_RDMSR, MSR_IA32_MCG_CAP, 0, &v) == 0, "RDMSR MCG_CAP works");
	check(guest(OP_WRMSR, MSR_IA32_CR_PAT, 0x0000000000000002ull, NULL) == 1,
	      "WRMSR PAT with type 2 (reserved): #GP");
	check(guest(OP_WRMSR, MSR_MTRRdefType, 0x1000, NULL) == 1,
	      "WRMSR MTRRdefType with bit 12 (reserved): #GP");
	check(guest(OP_WRMSR, MSR_IA32_APICBASE, 0xfee00901, NULL) == 1,
	      "WRMSR APIC_BASE with reserved bit 0: #GP");
	check(guest(OP_RDMSR, MSR_UNKNOWN, 0, NULL) == 1, "RDMSR of an unknown MSR: #GP");
	check(guest(OP_WRMSR, MSR_UNKNOWN, 0, NULL) == 1, "WRMSR of an unknown MSR: #GP");
	check(guest(OP_RDMSR, MSR_X2APIC_ID, 0, NULL) == 1, "RDMSR x2APIC ID in xAPIC mode: #GP");
	idx[0] = MSR_STAR; idx[1] = MSR_UNKNOWN; idx[2] = MSR_LSTAR;
	vals[0] = vals[1] = vals[2] = 0;
	r = msrs_io(KVM_GET_MSRS, 3, idx, vals);
	check(r == 1, "KVM_GET_MSRS STAR, unknown, LSTAR: stops at the unknown (%d)", r);
	r = msrs_io(KVM_SET_MSRS, 3, idx, vals);
	check(r == 1, "KVM_SET_MSRS STAR, unknown, LSTAR: stops at the unknown (%d)", r);

	/* IA32_TSC and IA32_TSC_ADJUST from the guest (SDM 18.17.3). */
	guest(OP_RDMSR, MSR_IA32_TSC_ADJUST, 0, &a0);
	guest(OP_RDTSC, 0, 0, &t0);
	w = 1ull << 42;
	guest(OP_WRMSR, MSR_IA32_TSC, w, NULL);
	guest(OP_RDTSC, 0, 0, &t1);
	check(t1 >= w && t1 - w < (1ull << 36), "RDTSC after WRMSR TSC: counts on from it");
	guest(OP_RDMSR, MSR_IA32_TSC_ADJUST, 0, &a1);
	v = (a1 - a0) - (w - t0);	/* the cycles between the RDTSC and the WRMSR */
	check((int64_t)v <= 0 && -(int64_t)v < (1ll << 36),
	      "TSC_ADJUST moved by the TSC write (off by %" PRId64 " cycles)", -(int64_t)v);
	guest(OP_RDTSC, 0, 0, &t0);
	guest(OP_WRMSR, MSR_IA32_TSC_ADJUST, a1 + (1ull << 40), NULL);
	guest(OP_RDTSC, 0, 0, &t1);
	check(t1 - t0 >= (1ull << 40) && t1 - t0 - (1ull << 40) < (1ull << 36),
	      "WRMSR TSC_ADJUST moves the TSC by the change");
	/* Either way round: on a host whose TSC Linux marked unstable the
	 * real KVM stops the guest's TSC outside KVM_RUN and restarts it
	 * from its last value at each vcpu_load (kvm_arch_vcpu_load()). */
	host_get(MSR_IA32_TSC, &t0);
	host_set(MSR_IA32_TSC_ADJUST, 7);
	host_get(MSR_IA32_TSC, &t1);
	check(llabs((int64_t)(t1 - t0)) < (1ll << 36), "KVM_SET_MSRS TSC_ADJUST leaves the TSC alone");

	/* The rate: guest TSC cycles per host nanosecond, against tsc_khz. */
	khz = ioctl(vcpu_fd, KVM_GET_TSC_KHZ, 0);
	check(khz > 0, "KVM_GET_TSC_KHZ: %d", khz);
	/* Measured inside one KVM_RUN of the guest spinning (see above for
	 * why not across userspace): 1M iterations, a few ms of wall time
	 * under QEMU, enough for a ratio (and not minutes under Bochs,
	 * whose guest mode is slow). */
	clock_gettime(CLOCK_MONOTONIC, &ts0);
	guest(OP_SPIN, 0, 1000000, &t1);
	clock_gettime(CLOCK_MONOTONIC, &ts1);
	t0 = cmd->start_lo | (uint64_t)cmd->start_hi << 32;
	if (khz > 0) {
		double ns = (ts1.tv_sec - ts0.tv_sec) * 1e9 + (ts1.tv_nsec - ts0.tv_nsec);
		double ratio = (double)(t1 - t0) / (ns * khz / 1e6);

		printf("info: guest TSC rate / KVM_GET_TSC_KHZ = %.3f\n", ratio);
		check(ratio > 0.5 && ratio < 2.0, "guest TSC runs at about KVM_GET_TSC_KHZ");
	}
	printf("%s: %d failure(s)\n", failures ? "FAILED" : "PASSED", failures);
	return failures ? 1 : 0;
}
