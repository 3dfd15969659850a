// SPDX-License-Identifier: GPL-2.0
/*
 * slot-stress - memslot changes while vCPUs fault (the slot-stress
 * scenario, chapter 04).
 *
 * usage: slot-stress --dev DEV [--rounds N]
 *
 * One VM, 1 MiB of RAM in slot 0, two vCPUs, each in a thread of its own
 * running KVM_RUN.  Each vCPU runs the same small real-mode loop (guest[]
 * below) over a region of 64 pages of its own: write the pass number into
 * the first word of every page, read it back, next page; at the start of
 * every pass it looks at a stop word.  Meanwhile the main thread, for N
 * rounds (default 200):
 *   - adds slot 1 (64 KiB at 2 MiB) and deletes it again;
 *   - moves slot 2 (64 KiB) between 3 MiB and 4 MiB;
 *   - every 10th round, turns dirty logging on for slot 0 (under the
 *     running vCPUs: every page they touch faults again), takes the log
 *     once to clear it, waits until both vCPUs have finished a full pass
 *     after that, takes the log again and checks that every page of both
 *     regions is in it, and turns logging off.
 * Then it sets the stop word and waits for both vCPUs to report their
 * pass count on port 0x500.
 *
 * Fails if any ioctl fails, if a vCPU exits for anything but its final
 * report (an MMIO exit would mean its RAM was missing for a moment while
 * slot 0 was being replaced: KVM replaces a slot atomically), if a vCPU
 * reads back something other than what it wrote (port 0x501), if a page
 * written during a whole pass is missing from the dirty log, if a vCPU
 * makes no progress for 30 s, or if the RAM does not hold the last pass's
 * numbers at the end.  The kernel's side (no warning, no leak) is the
 * lab's business: host-clean and the kill-rmmod object counters.
 *
 * Prints "slot-stress: ok ..." lines and "slot-stress: FAIL ..." lines;
 * exit status 0 if every check passed, 1 if one failed, 2 on bad usage,
 * 3 if the VM could not be set up.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define RAM_SIZE	(1u << 20)	/* slot 0, at guest-physical 0 */
#define PAGE		4096u
#define STOP_GPA	0x0f00		/* the stop word the guest polls */
#define CODE_GPA	0x1000		/* guest[] runs at 0100:0000 */
#define NR_VCPUS	2
#define REGION_GPA(i)	(0x10000u + (i) * 0x40000u)	/* vCPU i's pages */
#define REGION_PAGES	64
#define PORT_DONE	0x500		/* out: passes completed */
#define PORT_BAD	0x501		/* out: the segment that read back wrong */
#define SMALL_SLOT	0x10000u	/* slots 1 and 2: 64 KiB */
#define CHURN_GPA	0x200000u	/* slot 1, added and deleted */
#define MOVE_GPA_A	0x300000u	/* slot 2, moved between the two */
#define MOVE_GPA_B	0x400000u
#define LOG_EVERY	10		/* rounds between dirty-log checks */
#define PROGRESS_S	30		/* a vCPU that makes no pass for this long is stuck */

/*
 * The guest, 16-bit real mode, CS base CODE_GPA.  SI and DI hold the
 * segments of its first page and one past its last; BX counts passes.
 *
 *	start:	xor  %bx, %bx
 *	pass:	xor  %ax, %ax
 *		mov  %ax, %ds
 *		cmpw $0, 0x0f00		# stop word set?
 *		jne  done
 *		mov  %si, %ax
 *		mov  %ax, %ds
 *	page:	mov  %bx, 0		# the pass number into the page
 *		cmp  %bx, 0		# and back
 *		jne  bad
 *		mov  %ds, %ax
 *		add  $0x100, %ax	# next 4 KiB page
 *		mov  %ax, %ds
 *		cmp  %di, %ax
 *		jne  page
 *		inc  %bx
 *		jmp  pass
 *	done:	mov  %bx, %ax
 *		mov  $0x500, %dx
 *		out  %ax, %dx
 *		hlt
 *	bad:	mov  $0x501, %dx	# AX = DS, the page
 *		out  %ax, %dx
 *		hlt
 */
static const uint8_t guest[] = {
	0x31, 0xdb, 0x31, 0xc0, 0x8e, 0xd8, 0x83, 0x3e, 0x00, 0x0f, 0x00, 0x75,
	0x1c, 0x89, 0xf0, 0x8e, 0xd8, 0x89, 0x1e, 0x00, 0x00, 0x39, 0x1e, 0x00,
	0x00, 0x75, 0x15, 0x8c, 0xd8, 0x05, 0x00, 0x01, 0x8e, 0xd8, 0x39, 0xf8,
	0x75, 0xeb, 0x43, 0xeb, 0xd9, 0x89, 0xd8, 0xba, 0x00, 0x05, 0xef, 0xf4,
	0xba, 0x01, 0x05, 0xef, 0xf4,
};

/** One of the two vCPUs and the thread that runs it. */
struct vcpu {
	int id;				/**< 0 or 1 */
	int fd;				/**< the vCPU fd */
	struct kvm_run *run;		/**< its kvm_run */
	pthread_t thread;		/**< the thread that runs it */
	volatile int finished;		/**< the thread has returned */
	int passes;			/**< reported on PORT_DONE, or -1 */
	char failure[160];		/**< why it stopped, if not PORT_DONE */
};

static int vm_fd;
static uint8_t *ram;
static int failures;

static void check(int ok, const char *what)
{
	printf("slot-stress: %s %s\n", ok ? "ok  " : "FAIL", what);
	fflush(stdout);
	if (!ok)
		failures++;
}

static void die(const char *what)
{
	printf("slot-stress: cannot run: %s: %s\n", what, strerror(errno));
	exit(3);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* KVM_SET_USER_MEMORY_REGION; 0 or errno. */
static int set_slot(uint32_t slot, uint64_t gpa, void *mem, uint64_t size, uint32_t flags)
{
	struct kvm_userspace_memory_region r = {
		.slot = slot, .flags = flags, .guest_phys_addr = gpa,
		.memory_size = size, .userspace_addr = (uintptr_t)mem,
	};

	return ioctl(vm_fd, KVM_SET_USER_MEMORY_REGION, &r) ? errno : 0;
}

/* The first word of page @page of vCPU @i's region, as the guest left it. */
static uint16_t page_word(int i, int page)
{
	return *(volatile uint16_t *)(ram + REGION_GPA(i) + page * PAGE);
}

static void *vcpu_loop(void *arg)
{
	struct vcpu *v = arg;
	struct kvm_run *run = v->run;

	for (;;) {
		if (ioctl(v->fd, KVM_RUN, 0)) {
			if (errno == EINTR)
				continue;
			snprintf(v->failure, sizeof(v->failure), "KVM_RUN: %s", strerror(errno));
			break;
		}
		if (run->exit_reason == KVM_EXIT_IO && run->io.direction == KVM_EXIT_IO_OUT &&
		    run->io.size == 2 && (run->io.port == PORT_DONE || run->io.port == PORT_BAD)) {
			uint16_t val = *(uint16_t *)((uint8_t *)run + run->io.data_offset);

			if (run->io.port == PORT_DONE)
				v->passes = val;
			else
				snprintf(v->failure, sizeof(v->failure),
					 "read back wrong at 0x%x", val << 4);
			break;
		}
		if (run->exit_reason == KVM_EXIT_MMIO)
			snprintf(v->failure, sizeof(v->failure),
				 "MMIO exit at 0x%llx: its RAM was missing",
				 (unsigned long long)run->mmio.phys_addr);
		else if (run->exit_reason == KVM_EXIT_INTERNAL_ERROR)
			/* An instruction fetch from no RAM cannot be emulated. */
			snprintf(v->failure, sizeof(v->failure),
				 "internal error, suberror %u (its code page was missing?)",
				 run->internal.suberror);
		else
			snprintf(v->failure, sizeof(v->failure), "unexpected exit reason %u",
				 run->exit_reason);
		break;
	}
	v->finished = 1;
	return NULL;
}

static void setup_vcpu(int kvm, struct vcpu *v, int id)
{
	struct kvm_regs regs = {
		.rflags = 2,
		.rsi = REGION_GPA(id) >> 4,
		.rdi = (REGION_GPA(id) + REGION_PAGES * PAGE) >> 4,
	};
	struct kvm_sregs sregs;

	v->id = id;
	v->passes = -1;
	v->fd = ioctl(vm_fd, KVM_CREATE_VCPU, id);
	if (v->fd < 0)
		die("KVM_CREATE_VCPU");
	v->run = mmap(NULL, ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0), PROT_READ | PROT_WRITE,
		      MAP_SHARED, v->fd, 0);
	if (v->run == MAP_FAILED)
		die("mmap kvm_run");
	if (ioctl(v->fd, KVM_GET_SREGS, &sregs))
		die("KVM_GET_SREGS");
	sregs.cs.selector = CODE_GPA >> 4;
	sregs.cs.base = CODE_GPA;
	if (ioctl(v->fd, KVM_SET_SREGS, &sregs) || ioctl(v->fd, KVM_SET_REGS, &regs))
		die("KVM_SET_SREGS / KVM_SET_REGS");
}

/* Wait until the vCPUs have each finished a whole pass that started after
 * this call; 0 on success, -1 if one is stuck or gone. */
static int wait_full_pass(struct vcpu *vcpus)
{
	uint16_t start[NR_VCPUS];
	double t0 = now();
	int i;

	for (i = 0; i < NR_VCPUS; i++)
		start[i] = page_word(i, 0);
	for (i = 0; i < NR_VCPUS; i++) {
		/* The last page holds pass start + 1 once pass start + 1,
		 * begun after we looked, is complete. */
		while ((int16_t)(page_word(i, REGION_PAGES - 1) - start[i]) < 2) {
			if (vcpus[i].finished || now() - t0 > PROGRESS_S)
				return -1;
			usleep(1000);
		}
	}
	return 0;
}

/* Turn dirty logging on for slot 0, check that a whole pass of both vCPUs
 * is in the log, turn it off.  1 if the check passed. */
static int dirty_log_round(struct vcpu *vcpus, unsigned long *bitmap)
{
	struct kvm_dirty_log log = { .slot = 0, .dirty_bitmap = bitmap };
	int i, p, r;

	r = set_slot(0, 0, ram, RAM_SIZE, KVM_MEM_LOG_DIRTY_PAGES);
	if (!r && ioctl(vm_fd, KVM_GET_DIRTY_LOG, &log))
		r = errno;
	if (r) {
		printf("slot-stress: dirty logging on slot 0: %s\n", strerror(r));
		return 0;
	}
	if (wait_full_pass(vcpus)) {
		printf("slot-stress: a vCPU made no progress for %d s\n", PROGRESS_S);
		return 0;
	}
	if (ioctl(vm_fd, KVM_GET_DIRTY_LOG, &log)) {
		printf("slot-stress: KVM_GET_DIRTY_LOG: %s\n", strerror(errno));
		return 0;
	}
	for (i = 0; i < NR_VCPUS; i++) {
		for (p = 0; p < REGION_PAGES; p++) {
			unsigned long gfn = REGION_GPA(i) / PAGE + p;

			if (!(bitmap[gfn / (8 * sizeof(long))] & (1ul << (gfn % (8 * sizeof(long)))))) {
				printf("slot-stress: page 0x%lx, written by vCPU %d during a whole "
				       "pass, is not in the dirty log\n", gfn * PAGE, i);
				return 0;
			}
		}
	}
	r = set_slot(0, 0, ram, RAM_SIZE, 0);
	if (r) {
		printf("slot-stress: dirty logging off on slot 0: %s\n", strerror(r));
		return 0;
	}
	return 1;
}

int main(int argc, char **argv)
{
	unsigned long bitmap[RAM_SIZE / PAGE / (8 * sizeof(long))];
	int rounds = 200, round, logs = 0, logs_ok = 0, changes_failed = 0, i, p;
	struct vcpu vcpus[NR_VCPUS] = { 0 };
	const char *dev = NULL;
	void *small[2];
	char what[200];
	double t0;
	int kvm;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--dev") && i + 1 < argc)
			dev = argv[++i];
		else if (!strcmp(argv[i], "--rounds") && i + 1 < argc)
			rounds = atoi(argv[++i]);
		else
			dev = NULL, i = argc;
	}
	if (!dev || rounds <= 0) {
		fprintf(stderr, "usage: slot-stress --dev DEV [--rounds N]\n");
		return 2;
	}

	kvm = open(dev, O_RDWR | O_CLOEXEC);
	if (kvm < 0)
		die(dev);
	vm_fd = ioctl(kvm, KVM_CREATE_VM, 0);
	if (vm_fd < 0)
		die("KVM_CREATE_VM");
	ram = mmap(NULL, RAM_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	small[0] = mmap(NULL, SMALL_SLOT, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	small[1] = mmap(NULL, SMALL_SLOT, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (ram == MAP_FAILED || small[0] == MAP_FAILED || small[1] == MAP_FAILED)
		die("mmap guest memory");
	memcpy(ram + CODE_GPA, guest, sizeof(guest));
	errno = set_slot(0, 0, ram, RAM_SIZE, 0);
	if (errno)
		die("KVM_SET_USER_MEMORY_REGION slot 0");
	for (i = 0; i < NR_VCPUS; i++)
		setup_vcpu(kvm, &vcpus[i], i);
	for (i = 0; i < NR_VCPUS; i++)
		if (pthread_create(&vcpus[i].thread, NULL, vcpu_loop, &vcpus[i]))
			die("pthread_create");

	t0 = now();
	for (round = 0; round < rounds; round++) {
		changes_failed += !!set_slot(1, CHURN_GPA, small[0], SMALL_SLOT, 0);
		changes_failed += !!set_slot(1, CHURN_GPA, small[0], 0, 0);
		changes_failed += !!set_slot(2, round & 1 ? MOVE_GPA_B : MOVE_GPA_A, small[1],
					     SMALL_SLOT, 0);
		if (round % LOG_EVERY == LOG_EVERY / 2) {
			logs++;
			logs_ok += dirty_log_round(vcpus, bitmap);
		}
		for (i = 0; i < NR_VCPUS; i++)
			if (vcpus[i].finished)
				break;
		if (i < NR_VCPUS)
			break;
	}
	snprintf(what, sizeof(what), "%d rounds of slot add/delete/move, none refused", round);
	check(round == rounds && !changes_failed, what);
	snprintf(what, sizeof(what), "%d dirty-log rounds: a whole pass of both vCPUs logged",
		 logs);
	check(logs && logs_ok == logs, what);

	*(volatile uint16_t *)(ram + STOP_GPA) = 1;
	while (now() - t0 < rounds + PROGRESS_S &&
	       !(vcpus[0].finished && vcpus[1].finished))
		usleep(1000);
	for (i = 0; i < NR_VCPUS; i++) {
		struct vcpu *v = &vcpus[i];
		int wrong = 0;

		if (!v->finished) {
			snprintf(what, sizeof(what), "vCPU %d stopped: still running", i);
			check(0, what);
			continue;
		}
		pthread_join(v->thread, NULL);
		if (v->passes < 0) {
			snprintf(what, sizeof(what), "vCPU %d stopped: %s", i, v->failure);
			check(0, what);
			continue;
		}
		/* Printed to stderr: the count varies from run to run. */
		fprintf(stderr, "slot-stress: vCPU %d made %d passes\n", i, v->passes);
		snprintf(what, sizeof(what), "vCPU %d ran until told to stop", i);
		check(v->passes >= 2, what);
		for (p = 0; p < REGION_PAGES; p++)
			wrong += page_word(i, p) != (uint16_t)(v->passes - 1);
		snprintf(what, sizeof(what), "vCPU %d's pages hold its last pass: %d wrong", i,
			 wrong);
		check(!wrong, what);
	}
	return failures ? 1 : 0;
}
