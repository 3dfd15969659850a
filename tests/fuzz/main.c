// SPDX-License-Identifier: GPL-2.0
/**
 * @file main.c
 * @brief kvm-fuzz: random KVM ioctl sequences against /dev/minikvm or
 * /dev/kvm; the deterministic mode for the differential errno check.
 *
 * usage: kvm-fuzz [--dev DEV] [--seed N] [--count N] [--threads N]
 *                 [--check] [--complaints FILE] [--hang S] [--time S]
 *                 [--diff LOG [--features-from LOG]] [--qemu-tcg] [--trace-kmsg] [-v]
 *        kvm-fuzz --soak N [--kills N] [--vms N] [--vcpus N] [--seed N] [--check] ...
 *        kvm-fuzz --compare MINIKVM_LOG KVM_LOG --allow FILE [-v]
 *
 * --soak N: no random ioctls, but N VM lives and --kills N VMMs killed
 * with SIGKILL, --vms (default 8) VMs of --vcpus (default 2) vCPUs at a
 * time (soak.c).
 *
 * The first line printed is the seed: "kvm-fuzz: seed 0x1234 ...".
 * --count is the number of ioctls of the whole run (all threads); --time
 * a limit on the run's length, whichever comes first.  Several threads
 * make the interleaving the scheduler's, so a seed gives the same calls
 * per thread but not their order; --threads 1 (and --diff, always one
 * thread) replays a run exactly.
 *
 * --check: run the fuzzing in a child process and, once it has exited
 * and closed everything, compare the kernel's state with what it was
 * before: the kernel log (no line of --complaints, the lab's host-clean
 * list), free pages, slab caches and minikvm's debugfs object counters
 * (check.c).  Exit status 1 when a check fails.
 *
 * --diff LOG: one thread; every call and its answer goes to LOG, one a
 * line.  Run it on each target with the same seed and count, the kvm
 * run with --features-from the minikvm run's LOG (so that a chapter
 * tree's minikvm and the real KVM get the same calls), then --compare.
 *
 * --trace-kmsg writes each call to the kernel log before making it: when
 * a call takes the whole machine down, the serial console says which.
 *
 * A call that blocks longer than --hang seconds (default 30) is a hang:
 * reported with the thread's kernel stack, exit status 3.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fuzz.h"

struct fz_global G;

/** What a --check parent learns from its child through shared memory. */
struct shared {
	volatile int hang;	/**< the child saw a hang */
};
static struct shared *shared;

static int hang_s = 30;
static int time_s;

static void usage(void)
{
	fprintf(stderr,
		"usage: kvm-fuzz [--dev DEV] [--seed N] [--count N] [--threads N] [--check]\n"
		"                [--complaints FILE] [--hang S] [--time S] [--diff LOG\n"
		"                [--features-from LOG]] [--qemu-tcg] [--trace-kmsg] [-v]\n"
		"       kvm-fuzz --soak N [--kills N] [--vms N] [--vcpus N] [--seed N] [--check]\n"
		"       kvm-fuzz --compare MINIKVM_LOG KVM_LOG --allow FILE [-v]\n");
	exit(2);
}

static void on_usr1(int sig)
{
	(void)sig;	/* only to interrupt KVM_RUN (no SA_RESTART) */
}

/** KVM_CHECK_EXTENSION on the system fd, not counted. */
static int cap(int dev, long c)
{
	int r = ioctl(dev, KVM_CHECK_EXTENSION, c);

	return r < 0 ? 0 : r;
}

/** True under QEMU's TCG (CPUID 0x40000000: "TCGTCGTCGTCG"). */
static int under_tcg(void)
{
	unsigned int a = 0x40000000, b, c = 0, d;
	char sig[13];

	__asm__ volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
	memcpy(sig, &b, 4);
	memcpy(sig + 4, &c, 4);
	memcpy(sig + 8, &d, 4);
	sig[12] = 0;
	return !strcmp(sig, "TCGTCGTCGTCG");
}

/** True on an Intel CPU (CPUID 0: "GenuineIntel"). */
static int on_intel(void)
{
	unsigned int a = 0, b, c = 0, d;

	__asm__ volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
	return b == 0x756e6547 && d == 0x49656e69 && c == 0x6c65746e;
}

/** What the target offers, and its limits. */
static int probe(void)
{
	int dev = open(G.dev, O_RDWR | O_CLOEXEC);
	int f = 0;

	if (dev < 0) {
		fprintf(stderr, "kvm-fuzz: %s: %s\n", G.dev, strerror(errno));
		return -1;
	}
	if (cap(dev, KVM_CAP_READONLY_MEM))
		f |= F_MMU;
	if (cap(dev, KVM_CAP_IRQCHIP))
		f |= F_IRQCHIP;
	if (cap(dev, KVM_CAP_PIT2))
		f |= F_LAPIC;
	if (cap(dev, KVM_CAP_IRQFD))
		f |= F_FINAL;
	if (cap(dev, KVM_CAP_XSAVE))
		f |= F_XSAVE;
	G.nr_memslots = cap(dev, KVM_CAP_NR_MEMSLOTS);
	G.max_vcpu_id = cap(dev, KVM_CAP_MAX_VCPU_ID);
	G.max_vcpus = cap(dev, KVM_CAP_MAX_VCPUS);
	G.run_size = ioctl(dev, KVM_GET_VCPU_MMAP_SIZE, 0);
	G.cpuid = calloc(1, sizeof(*G.cpuid) + 256 * sizeof(G.cpuid->entries[0]));
	if (G.cpuid) {
		G.cpuid->nent = 256;
		if (ioctl(dev, KVM_GET_SUPPORTED_CPUID, G.cpuid) < 0)
			G.cpuid->nent = 0;
	}
	close(dev);
	return f;
}

/* ---------------------------------------------------------- threads */

static struct fz_ctx *ctxs;
/** Cumulative op weights per role, over the ops this run may use. */
static int cum[4][64];

static void build_weights(void)
{
	for (int role = 0; role < 4; role++) {
		int sum = 0;

		for (int i = 0; i < fz_nops; i++) {
			const struct fz_op *op = &fz_ops[i];

			if ((op->features & G.features) == op->features && !(G.diff && op->nodiff))
				sum += op->weight[role];
			cum[role][i] = sum;
		}
	}
}

static const struct fz_op *choose_op(struct fz_ctx *c)
{
	int total = cum[c->role][fz_nops - 1], x;

	if (total <= 0)
		return NULL;
	x = (int)rnd(&c->rng, (uint32_t)total);
	for (int i = 0; i < fz_nops; i++)
		if (x < cum[c->role][i])
			return &fz_ops[i];
	return NULL;
}

static void *worker(void *arg)
{
	struct fz_ctx *c = arg;
	struct sigevent sev = { 0 };

	c->ktid = (pid_t)syscall(SYS_gettid);
	sev.sigev_notify = SIGEV_THREAD_ID;
	sev.sigev_signo = SIGUSR1;
	sev._sigev_un._tid = c->ktid;
	c->have_timer = timer_create(CLOCK_MONOTONIC, &sev, &c->timer) == 0;
	if (c->tid == 0)
		seed_world(c);
	while (!G.stop) {
		const struct fz_op *op;

		if (__atomic_load_n(&G.issued, __ATOMIC_RELAXED) >= G.count)
			break;
		op = choose_op(c);
		if (!op)
			break;
		op->fn(c);
	}
	if (c->have_timer)
		timer_delete(c->timer);
	return NULL;
}

/** Print a hung thread's kernel stack (root only) and its last ops. */
static void report_hang(struct fz_ctx *c, uint64_t secs)
{
	char path[64], line[256];
	FILE *f;

	printf("kvm-fuzz: HANG: thread %d has been in %s for %llu s\n", c->tid,
	       c->busy_op ? (const char *)c->busy_op : "?", (unsigned long long)secs);
	snprintf(path, sizeof(path), "/proc/self/task/%d/stack", c->ktid);
	f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f))
		printf("kvm-fuzz:   %s", line);
	if (f)
		fclose(f);
	for (unsigned int i = 0; i < 8; i++) {
		const char *r = c->recent[(c->recent_n + i) % 8];

		if (*r)
			printf("kvm-fuzz:   recent: %s\n", r);
	}
	fflush(stdout);
}

static const char *exit_name(int r)
{
	static const char *const n[] = {
		[KVM_EXIT_UNKNOWN] = "unknown", [KVM_EXIT_EXCEPTION] = "exception",
		[KVM_EXIT_IO] = "io", [KVM_EXIT_HYPERCALL] = "hypercall",
		[KVM_EXIT_DEBUG] = "debug", [KVM_EXIT_HLT] = "hlt", [KVM_EXIT_MMIO] = "mmio",
		[KVM_EXIT_IRQ_WINDOW_OPEN] = "irq_window", [KVM_EXIT_SHUTDOWN] = "shutdown",
		[KVM_EXIT_FAIL_ENTRY] = "fail_entry", [KVM_EXIT_INTR] = "intr",
		[KVM_EXIT_SET_TPR] = "set_tpr", [KVM_EXIT_TPR_ACCESS] = "tpr_access",
		[KVM_EXIT_NMI] = "nmi", [KVM_EXIT_INTERNAL_ERROR] = "internal_error",
		[KVM_EXIT_SYSTEM_EVENT] = "system_event", [KVM_EXIT_X86_RDMSR] = "rdmsr",
		[KVM_EXIT_X86_WRMSR] = "wrmsr",
	};

	return r < (int)(sizeof(n) / sizeof(n[0])) && n[r] ? n[r] : "other";
}

static void summary(double secs)
{
	printf("kvm-fuzz: %llu ioctls in %.1f s (%.0f/s), %d thread%s; KVM_RUN on a vCPU %llu, forks %llu\n",
	       (unsigned long long)G.issued, secs, secs > 0 ? G.issued / secs : 0, G.threads,
	       G.threads == 1 ? "" : "s", (unsigned long long)G.runs,
	       (unsigned long long)G.forks);
	printf("kvm-fuzz: exits:");
	for (int i = 0; i < 64; i++)
		if (G.exits[i])
			printf(" %s %llu", exit_name(i), (unsigned long long)G.exits[i]);
	printf("\nkvm-fuzz: answers: success %llu", (unsigned long long)G.errnos[0]);
	for (int i = 1; i < 160; i++)
		if (G.errnos[i])
			printf(", %s %llu", strerrorname_np(i) ?: "?", (unsigned long long)G.errnos[i]);
	printf("\n");
}

/** The fuzzing itself; the process's exit status. */
static int fuzz(void)
{
	pthread_t *th = calloc((size_t)G.threads, sizeof(*th));
	struct sigaction sa = { .sa_handler = on_usr1 };
	uint64_t t0 = now_ns(), last = t0;
	int running = 1, hung = 0;
	char *joined = calloc((size_t)G.threads, 1);

	sigaction(SIGUSR1, &sa, NULL);
	ctxs = calloc((size_t)G.threads, sizeof(*ctxs));
	if (!th || !ctxs || !joined)
		return 2;
	world_init();
	build_weights();
	for (int i = 0; i < G.threads; i++) {
		struct fz_ctx *c = &ctxs[i];

		c->tid = i;
		/* thread 0 runs guests, 1 churns memslots, 2 makes and closes
		 * fds, 3 does everything; --diff mixes all in its one thread */
		c->role = G.diff ? 0 : (i + 1) % 4;
		c->rng.s = G.seed * 0x100000001b3ull + (uint64_t)i * 0x9e3779b97f4a7c15ull;
		c->buf = mmap(NULL, FZ_BUF_SIZE, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		c->odd = mmap(NULL, FZ_BUF_SIZE, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (c->buf == MAP_FAILED || c->odd == MAP_FAILED)
			return 2;
		if (pthread_create(&th[i], NULL, worker, c))
			return 2;
	}
	/* the watchdog: hangs, progress, --time */
	while (running) {
		uint64_t now;

		usleep(100000);
		now = now_ns();
		running = 0;
		for (int i = 0; i < G.threads; i++) {
			uint64_t since = ctxs[i].busy_since;

			if (!joined[i] && pthread_tryjoin_np(th[i], NULL) == EBUSY)
				running = 1;
			else
				joined[i] = 1;
			if (since && now > since && now - since > (uint64_t)hang_s * 1000000000ull &&
			    !hung) {
				hung = 1;
				report_hang(&ctxs[i], (now - since) / 1000000000ull);
				G.stop = 1;
				if (shared)
					shared->hang = 1;
			}
		}
		if (time_s && now - t0 > (uint64_t)time_s * 1000000000ull)
			G.stop = 1;
		if (now - last > 10000000000ull && !G.diff) {
			last = now;
			printf("kvm-fuzz: progress: %llu ioctls, %.0f/s\n",
			       (unsigned long long)G.issued,
			       G.issued / ((now - t0) / 1e9));
			fflush(stdout);
		}
		if (hung && now - t0 > 0) {
			/* give the others time to finish, then leave: a thread
			 * stuck in the kernel may keep us from exiting at all */
			static uint64_t hung_at;

			if (!hung_at)
				hung_at = now;
			if (now - hung_at > 10000000000ull)
				break;
		}
	}
	summary((now_ns() - t0) / 1e9);
	if (hung) {
		fflush(stdout);
		_exit(3);
	}
	world_fini();
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dev", 1, NULL, 'd' }, { "seed", 1, NULL, 's' }, { "count", 1, NULL, 'n' },
		{ "threads", 1, NULL, 't' }, { "diff", 1, NULL, 'D' },
		{ "features-from", 1, NULL, 'F' }, { "check", 0, NULL, 'c' },
		{ "complaints", 1, NULL, 'C' }, { "hang", 1, NULL, 'H' },
		{ "time", 1, NULL, 'T' }, { "compare", 0, NULL, 'P' },
		{ "allow", 1, NULL, 'A' }, { "verbose", 0, NULL, 'v' },
		{ "qemu-tcg", 0, NULL, '8' }, { "trace-kmsg", 0, NULL, 'K' },
		{ "soak", 1, NULL, 'S' }, { "kills", 1, NULL, 'k' }, { "vms", 1, NULL, 'm' },
		{ "vcpus", 1, NULL, 'u' }, { 0 },
	};
	const char *diff = NULL, *features_from = NULL, *complaints = NULL, *allow = NULL;
	int check = 0, compare = 0, soak = 0, o, f, st = 0;
	struct soak_opts so = { .vms = 8, .vcpus = 2 };
	struct fz_baseline *base = NULL;

	G.dev = "/dev/minikvm";
	G.kmsg_fd = -1;
	G.count = 10000;
	G.threads = 4;
	G.seed = (uint64_t)time(NULL) ^ (uint64_t)getpid() << 16;
	while ((o = getopt_long(argc, argv, "v", opts, NULL)) != -1) {
		switch (o) {
		case 'd': G.dev = optarg; break;
		case 's': G.seed = strtoull(optarg, NULL, 0); break;
		case 'n': G.count = strtoull(optarg, NULL, 0); break;
		case 't': G.threads = atoi(optarg); break;
		case 'D': diff = optarg; break;
		case 'F': features_from = optarg; break;
		case 'c': check = 1; break;
		case 'C': complaints = optarg; break;
		case 'H': hang_s = atoi(optarg); break;
		case 'T': time_s = atoi(optarg); break;
		case 'P': compare = 1; break;
		case 'A': allow = optarg; break;
		case 'v': G.verbose = 1; break;
		case '8': G.qemu_tcg = 1; break;
		case 'K': G.kmsg_fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC); break;
		case 'S': soak = 1; so.lives = strtoull(optarg, NULL, 0); break;
		case 'k': so.kills = strtoull(optarg, NULL, 0); break;
		case 'm': so.vms = atoi(optarg); break;
		case 'u': so.vcpus = atoi(optarg); break;
		default: usage();
		}
	}
	if (compare) {
		if (optind + 2 != argc || !allow)
			usage();
		return compare_logs(argv[optind], argv[optind + 1], allow, G.verbose ? 1000000 : 40);
	}
	if (optind != argc || G.threads < 1 || G.threads > 64)
		usage();
	f = probe();
	if (f < 0)
		return 2;
	G.features = f;
	if (features_from) {
		int want = log_features(features_from);

		if (want < 0) {
			fprintf(stderr, "kvm-fuzz: %s: no features line\n", features_from);
			return 2;
		}
		G.features = f & want;
	}
	if (diff && soak)
		usage();
	if (diff) {
		G.diff = 1;
		G.threads = 1;
		G.log = fopen(diff, "w");
		if (!G.log) {
			perror(diff);
			return 2;
		}
	}
	printf("kvm-fuzz: seed %#llx count %llu threads %d dev %s mode %s features %#x\n",
	       (unsigned long long)G.seed, (unsigned long long)G.count, G.threads, G.dev,
	       diff ? "diff" : soak ? "soak" : "random", G.features);
	if (under_tcg())
		G.qemu_tcg = 1;
	G.intel = on_intel();
	if (G.qemu_tcg)
		printf("kvm-fuzz: under QEMU TCG: guests write no CR8 and keep an available TSS in TR "
		       "(QEMU bugs: fuzz.h, qemu_tcg)\n");
	printf("kvm-fuzz: target: KVM_CAP_NR_MEMSLOTS %d, KVM_CAP_MAX_VCPU_ID %d, KVM_CAP_MAX_VCPUS %d, "
	       "mmap size %d, %u supported CPUID entries\n", G.nr_memslots, G.max_vcpu_id,
	       G.max_vcpus, G.run_size, G.cpuid ? G.cpuid->nent : 0);
	if (G.log)
		fprintf(G.log, "# kvm-fuzz diff log: seed %#llx count %llu\n# features %#x\n",
			(unsigned long long)G.seed, (unsigned long long)G.count, G.features);
	fflush(stdout);
	if (!check) {
		st = soak ? soak_run(&so) : fuzz();
		if (G.log)
			fclose(G.log);
		return st;
	}

	shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shared == MAP_FAILED)
		return 2;
	base = check_begin();
	if (!base)
		return 2;
	pid_t pid = fork();

	if (pid == 0) {
		st = soak ? soak_run(&so) : fuzz();
		if (G.log)
			fclose(G.log);
		fflush(stdout);
		_exit(st);
	}
	if (G.log)
		fclose(G.log);
	/* wait; a child that saw a hang may be unable to exit */
	for (uint64_t hung_at = 0;;) {
		pid_t w = waitpid(pid, &st, WNOHANG);

		if (w == pid)
			break;
		if (shared->hang && !hung_at)
			hung_at = now_ns();
		if (hung_at && now_ns() - hung_at > 20000000000ull) {
			printf("kvm-fuzz: FAIL: the fuzzing process cannot exit (a thread is stuck in the kernel)\n");
			check_end(base, complaints, 0);
			return 3;
		}
		usleep(50000);
	}
	if (WIFSIGNALED(st)) {
		printf("kvm-fuzz: FAIL: the fuzzing process died of signal %d\n", WTERMSIG(st));
		check_end(base, complaints, 10);
		return 1;
	}
	st = WEXITSTATUS(st);
	if (check_end(base, complaints, 10))
		return st ? st : 1;
	return st;
}
