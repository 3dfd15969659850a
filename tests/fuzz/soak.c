// SPDX-License-Identifier: GPL-2.0
/**
 * @file soak.c
 * @brief kvm-fuzz --soak: many VMs at once, created and destroyed again
 * and again, and VMMs killed with SIGKILL at chosen moments.
 *
 * The parent keeps --vms VMM processes alive.  Each one is a small VMM
 * of its own (vmm_main()): it creates a VM with the in-kernel irqchip
 * and PIT, two memslots and --vcpus vCPUs, each run by a thread, and
 * runs soak-guest.S on them, which makes every kind of exit each time
 * round its loop.  Meanwhile the VMM's main thread moves, deletes and
 * adds slot 1, turns dirty logging of slot 0 on and off and reads its
 * log, sends MSIs and NMIs, pulses an interrupt line and kicks the vCPU
 * threads out of KVM_RUN with a signal.
 *
 * Every VMM ends in one of two ways:
 *  - a life: it runs until each vCPU has been round the guest's loop a
 *    few times, checks that, and tears the VM down itself, closing the
 *    fds in a random order (or leaving that to exit());
 *  - a kill: the parent sends SIGKILL once the VMM is where the kill is
 *    meant to land, as the VMM's own flags in shared memory say: inside
 *    KVM_RUN, inside KVM_SET_USER_MEMORY_REGION, inside KVM_GET_DIRTY_LOG,
 *    while it closes its fds at the end of a life, or at a random moment
 *    (starting, creating the VM, running).
 *    The kill is sent right after the flag was seen set; how often the
 *    victim was in fact still inside the call cannot be seen from
 *    userspace, so the report says "sent while the flag was set".
 * --soak N lives and --kills N kills, mixed; the report counts both, the
 * exits and the guest's interrupts, and fails when a kind of exit or
 * interrupt never happened (the soak would not have tested it).  A VMM
 * that fails prints why (an exit nobody asked for, a vector the guest
 * did not expect, an ioctl that failed, a guest that made no progress).
 * A killed VMM that does not go away within SOAK_REAP_S is a hang.
 * kvm-fuzz --check then compares the kernel's state with the start.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fuzz.h"
#include "soak.h"

#define SOAK_MAX_VMS	32
#define SOAK_MAX_VCPUS	8
#define SOAK_MIN_LOOPS	3	/**< guest loops per vCPU before a life may end */
#define SOAK_LIFE_S	60	/**< a life that makes no progress for this long fails */
#define SOAK_PHASE_S	20	/**< a kill waits this long for its moment */
#define SOAK_REAP_S	30	/**< a killed VMM must be gone by then */

/** Where a kill is meant to land. */
enum kill_kind { KILL_RUN, KILL_SLOT, KILL_DIRTY, KILL_TEARDOWN, KILL_ANY, KILL_KINDS };
static const char *const kill_names[KILL_KINDS] = {
	"inside KVM_RUN", "inside KVM_SET_USER_MEMORY_REGION", "inside KVM_GET_DIRTY_LOG",
	"while it closes its fds", "at a random moment",
};

/** What a VMM is doing. */
enum stage { ST_CREATING = 1, ST_RUNNING, ST_TEARDOWN, ST_NSTAGES };
static const char *const stage_names[ST_NSTAGES] = {
	"starting", "creating the VM", "running", "tearing down",
};

/** How a VMM ends: its own life, or the parent's SIGKILL while it runs
 *  (it never ends by itself), or in its teardown (it lives, then closes
 *  its fds slowly enough to be caught). */
enum victim { V_LIFE, V_RUNNING, V_TEARDOWN };

/** A VMM's flags, in memory shared with the parent. */
struct vm_flags {
	volatile int stage;	/**< enum stage */
	volatile int in_run;	/**< vCPU threads inside KVM_RUN */
	volatile int in_slot;	/**< inside KVM_SET_USER_MEMORY_REGION */
	volatile int in_dirty;	/**< inside KVM_GET_DIRTY_LOG */
	volatile int victim;	/**< enum victim */
};

/** Totals of the lives (a killed VMM reports nothing), added atomically. */
struct soak_totals {
	uint64_t ctr[C_NCTR];	/**< the guests' counters (soak.h) */
	uint64_t exits[64];	/**< KVM_RUN's exit reasons */
	uint64_t eintr;		/**< KVM_RUN ended by a signal (-EINTR) */
	uint64_t slot_ops;	/**< slot 1 moved, deleted or added; slot 0's flags */
	uint64_t dirty_reads;	/**< KVM_GET_DIRTY_LOG */
	uint64_t dirty_pages;	/**< pages those reads found dirty */
	uint64_t msis, nmis, irq_lines, kicks;	/**< what the VMM sent */
};

struct soak_shared {
	struct soak_totals t;
	struct vm_flags vm[SOAK_MAX_VMS];
};

static struct soak_shared *sh;
static struct soak_opts O;


#define ADD(field, n) __atomic_add_fetch(&(field), (n), __ATOMIC_RELAXED)

/* ============================================================ the VMM */

/** One VMM process: its VM and what its threads share. */
struct vmm {
	int idx;			/**< its entry in sh->vm */
	struct vm_flags *fl;
	struct rng rng;
	int dev, vm;
	int nvcpus;
	int vcpu_fd[SOAK_MAX_VCPUS];
	struct kvm_run *run[SOAK_MAX_VCPUS];
	pthread_t th[SOAK_MAX_VCPUS];
	volatile int nmi_req[SOAK_MAX_VCPUS];	/**< KVM_NMI before the next entry */
	volatile int stop;
	uint8_t *ram;			/**< slot 0 */
	uint8_t *slot1;			/**< slot 1's memory */
	uint64_t slot1_gpa;		/**< where slot 1 is; 0: deleted */
	uint32_t slot0_flags;		/**< KVM_MEM_LOG_DIRTY_PAGES or 0 */
	struct soak_totals t;		/**< this VMM's counts, added to sh->t at the end */
	pthread_mutex_t fail_lock;
	int failed;
};

static void on_kick(int sig)
{
	(void)sig;	/* only to end KVM_RUN with -EINTR (no SA_RESTART) */
}

/** A VMM's failure: one line on stdout, the VMM ends with status 1. */
static void __attribute__((format(printf, 2, 3))) vmm_fail(struct vmm *v, const char *fmt, ...)
{
	va_list ap;
	char msg[300];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pthread_mutex_lock(&v->fail_lock);
	if (!v->failed++)
		printf("kvm-fuzz: soak: FAIL: VMM %d (pid %d, %s): %s\n", v->idx, getpid(),
		       stage_names[v->fl->stage], msg);
	fflush(stdout);
	pthread_mutex_unlock(&v->fail_lock);
	v->stop = 1;
}

static uint32_t guest_ctr(struct vmm *v, int vcpu, int off)
{
	uint32_t x;

	memcpy(&x, v->ram + SOAK_COUNTERS + vcpu * SOAK_CTR_SIZE + off, 4);
	return x;
}

/** The exit KVM_RUN returned with: answered, or a failure. */
static void handle_exit(struct vmm *v, int i, struct kvm_run *run)
{
	uint32_t r = run->exit_reason;

	ADD(v->t.exits[r < 64 ? r : 63], 1);
	switch (r) {
	case KVM_EXIT_IO: {
		uint8_t *data = (uint8_t *)run + run->io.data_offset;

		if (run->io.port == SOAK_FAIL_PORT) {
			struct kvm_regs g = { 0 };

			ioctl(v->vcpu_fd[i], KVM_GET_REGS, &g);
			vmm_fail(v, "vCPU %d: the guest took vector %u, which it has no handler for "
				 "(on its stack: %#llx %#llx %#llx; DR6 %#llx)", i, data[0],
				 (unsigned long long)g.rbx, (unsigned long long)g.rcx,
				 (unsigned long long)g.rsi, (unsigned long long)g.rdi);
		} else if (run->io.port != SOAK_PORT) {
			vmm_fail(v, "vCPU %d: port %#x, which the guest never uses", i, run->io.port);
		} else if (run->io.direction == KVM_EXIT_IO_IN) {
			memset(data, SOAK_IN_BYTE, (size_t)run->io.size * run->io.count);
		}
		return;
	}
	case KVM_EXIT_MMIO: {
		uint64_t a = run->mmio.phys_addr;

		/* slot 1's place while it is elsewhere or deleted, or the window */
		if ((a >= SOAK_MMIO && a < SOAK_MMIO + 0x100) ||
		    (a >= SOAK_SLOT1_A && a < SOAK_SLOT1_A + SOAK_SLOT1_SIZE)) {
			if (!run->mmio.is_write)
				memset(run->mmio.data, 0, sizeof(run->mmio.data));
			return;
		}
		vmm_fail(v, "vCPU %d: MMIO at %#llx, where the guest never goes", i,
			 (unsigned long long)a);
		return;
	}
	case KVM_EXIT_INTR:
		return;
	default: {
		struct kvm_regs regs;
		unsigned long long rip = 0;

		if (!ioctl(v->vcpu_fd[i], KVM_GET_REGS, &regs))
			rip = regs.rip;
		vmm_fail(v, "vCPU %d: exit reason %u (hardware reason %#llx, suberror %u) at RIP %#llx",
			 i, r, (unsigned long long)run->hw.hardware_exit_reason,
			 r == KVM_EXIT_INTERNAL_ERROR ? run->internal.suberror : 0, rip);
	}
	}
}

struct vcpu_arg {
	struct vmm *v;
	int i;
};

static void *vcpu_thread(void *arg)
{
	struct vcpu_arg *a = arg;
	struct vmm *v = a->v;
	int i = a->i, fd = v->vcpu_fd[i];

	while (!v->stop) {
		int r, e;

		if (v->nmi_req[i]) {
			v->nmi_req[i] = 0;
			if (ioctl(fd, KVM_NMI, 0))
				vmm_fail(v, "vCPU %d: KVM_NMI: %s", i, strerror(errno));
			ADD(v->t.nmis, 1);
		}
		ADD(v->fl->in_run, 1);
		r = ioctl(fd, KVM_RUN, 0);
		e = errno;
		ADD(v->fl->in_run, -1);
		if (r < 0) {
			if (e == EINTR) {
				ADD(v->t.eintr, 1);
				v->run[i]->immediate_exit = 0;
				continue;
			}
			vmm_fail(v, "vCPU %d: KVM_RUN: %s", i, strerror(e));
			break;
		}
		handle_exit(v, i, v->run[i]);
	}
	return NULL;
}

/** An ioctl of the VM that must succeed; with a flag set around it. */
static int vm_call(struct vmm *v, volatile int *flag, const char *name, unsigned long req, void *arg)
{
	int r;

	if (flag)
		*flag = 1;
	r = ioctl(v->vm, req, arg);
	if (flag)
		*flag = 0;
	if (r < 0)
		vmm_fail(v, "%s: %s", name, strerror(errno));
	return r;
}

static int set_slot(struct vmm *v, uint32_t slot, uint32_t flags, uint64_t gpa, uint64_t size,
		    void *mem)
{
	struct kvm_userspace_memory_region m = {
		.slot = slot, .flags = flags, .guest_phys_addr = gpa,
		.memory_size = size, .userspace_addr = (uint64_t)(uintptr_t)mem,
	};

	v->t.slot_ops++;
	return vm_call(v, &v->fl->in_slot, "KVM_SET_USER_MEMORY_REGION", KVM_SET_USER_MEMORY_REGION,
		       &m);
}

static void put_gate(uint8_t *idt, int vec, uint32_t handler)
{
	/* SDM 6.11 / APM 8.2: a 32-bit interrupt gate, present, DPL 0 */
	uint64_t g = (handler & 0xffff) | (uint64_t)0x08 << 16 | 0x8e00ull << 32 |
		     (uint64_t)(handler >> 16) << 48;

	memcpy(idt + vec * 8, &g, 8);
}

/** RAM: guest.c's GDT and TSS, the soak's IDT, the code, the counters. */
static void vmm_ram(struct vmm *v)
{
	uint8_t *idt = v->ram + SOAK_IDT;
	uint32_t n = (uint32_t)v->nvcpus;

	guest_ram_init(v->ram);
	memcpy(v->ram + SOAK_CODE, soak_guest, (size_t)(soak_guest_end - soak_guest));
#define GPA(sym) (SOAK_CODE + (uint32_t)((sym) - soak_guest))
	for (int vec = 0; vec < 256; vec++)
		put_gate(idt, vec, GPA(soak_stubs) + (uint32_t)vec * SOAK_STUB_SIZE);
	put_gate(idt, 2, GPA(soak_nmi));
	put_gate(idt, 6, GPA(soak_ud));
	put_gate(idt, SOAK_VEC_TIMER, GPA(soak_timer));
	put_gate(idt, SOAK_VEC_IPI, GPA(soak_ipi));
	put_gate(idt, SOAK_VEC_MSI, GPA(soak_msi));
	put_gate(idt, SOAK_PIC_BASE + SOAK_PIC_IRQ, GPA(soak_pic));
#undef GPA
	memcpy(v->ram + SOAK_NR_VCPUS, &n, 4);
}

static int vmm_vcpu(struct vmm *v, int i)
{
	struct kvm_sregs sregs;
	struct kvm_regs regs = { 0 };
	int fd = ioctl(v->vm, KVM_CREATE_VCPU, i);

	if (fd < 0) {
		vmm_fail(v, "KVM_CREATE_VCPU %d: %s", i, strerror(errno));
		return -1;
	}
	v->vcpu_fd[i] = fd;
	v->run[i] = mmap(NULL, (size_t)G.run_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (v->run[i] == MAP_FAILED) {
		v->run[i] = NULL;
		vmm_fail(v, "mmap of vCPU %d: %s", i, strerror(errno));
		return -1;
	}
	if (G.cpuid && G.cpuid->nent && ioctl(fd, KVM_SET_CPUID2, G.cpuid)) {
		vmm_fail(v, "KVM_SET_CPUID2: %s", strerror(errno));
		return -1;
	}
	/* KVM_GET_SREGS first: APIC_BASE, which KVM_SET_SREGS sets too, stays */
	if (ioctl(fd, KVM_GET_SREGS, &sregs)) {
		vmm_fail(v, "KVM_GET_SREGS: %s", strerror(errno));
		return -1;
	}
	guest_flat_sregs(&sregs, 0, SOAK_IDT, 256 * 8 - 1);
	guest_tcg_fixup(&sregs);
	/* An AP waits for INIT and SIPI after reset: this one starts now. */
	{
		struct kvm_mp_state mp = { .mp_state = KVM_MP_STATE_RUNNABLE };

		if (ioctl(fd, KVM_SET_MP_STATE, &mp)) {
			vmm_fail(v, "KVM_SET_MP_STATE: %s", strerror(errno));
			return -1;
		}
	}
	regs.rip = SOAK_CODE;
	regs.rsp = SOAK_STACK - (uint64_t)i * 0x1000;
	regs.rbx = (uint64_t)i;
	regs.rflags = 2;
	if (ioctl(fd, KVM_SET_SREGS, &sregs) || ioctl(fd, KVM_SET_REGS, &regs)) {
		vmm_fail(v, "KVM_SET_SREGS/REGS: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/** The VM, its memory and its vCPUs; 0 or -1. */
static int vmm_create(struct vmm *v)
{
	v->dev = open(G.dev, O_RDWR | O_CLOEXEC);
	if (v->dev < 0) {
		vmm_fail(v, "%s: %s", G.dev, strerror(errno));
		return -1;
	}
	v->vm = ioctl(v->dev, KVM_CREATE_VM, 0);
	if (v->vm < 0) {
		vmm_fail(v, "KVM_CREATE_VM: %s", strerror(errno));
		return -1;
	}
	v->ram = mmap(NULL, SOAK_RAM_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	v->slot1 = mmap(NULL, SOAK_SLOT1_SIZE, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (v->ram == MAP_FAILED || v->slot1 == MAP_FAILED) {
		vmm_fail(v, "mmap: %s", strerror(errno));
		return -1;
	}
	vmm_ram(v);
	/* A VMX VM without unrestricted guest needs this; both accept it. */
	if (vm_call(v, NULL, "KVM_SET_TSS_ADDR", KVM_SET_TSS_ADDR, (void *)0xfffbd000ul) < 0 ||
	    vm_call(v, NULL, "KVM_CREATE_IRQCHIP", KVM_CREATE_IRQCHIP, NULL) < 0)
		return -1;
	{
		struct kvm_pit_config pit = { 0 };

		if (vm_call(v, NULL, "KVM_CREATE_PIT2", KVM_CREATE_PIT2, &pit) < 0)
			return -1;
	}
	v->slot0_flags = KVM_MEM_LOG_DIRTY_PAGES;
	v->slot1_gpa = SOAK_SLOT1_A;
	if (set_slot(v, 0, v->slot0_flags, 0, SOAK_RAM_SIZE, v->ram) < 0 ||
	    set_slot(v, 1, 0, v->slot1_gpa, SOAK_SLOT1_SIZE, v->slot1) < 0)
		return -1;
	for (int i = 0; i < v->nvcpus; i++)
		if (vmm_vcpu(v, i))
			return -1;
	return 0;
}

/** One step of the VMM's main thread: a memslot change, a dirty-log
 *  read, or interrupts, in turn; and often an NMI (the vCPU thread makes
 *  the KVM_NMI call, after a kick out of KVM_RUN). */
static void vmm_step(struct vmm *v, unsigned int step)
{
	struct rng *r = &v->rng;

	switch (step % 5) {
	case 0:	/* slot 1: move it to the other place, or add it back */
		if (v->slot1_gpa)
			v->slot1_gpa = v->slot1_gpa == SOAK_SLOT1_A ? SOAK_SLOT1_B : SOAK_SLOT1_A;
		else
			v->slot1_gpa = SOAK_SLOT1_A;
		set_slot(v, 1, 0, v->slot1_gpa, SOAK_SLOT1_SIZE, v->slot1);
		break;
	case 1:	/* slot 1: delete it, or add it */
		v->slot1_gpa = v->slot1_gpa ? 0 : SOAK_SLOT1_A;
		set_slot(v, 1, 0, v->slot1_gpa, v->slot1_gpa ? SOAK_SLOT1_SIZE : 0, v->slot1);
		break;
	case 2:
	case 3:	/* slot 0's dirty log, read; now and then logging off or on */
		if (v->slot0_flags) {
			uint64_t bitmap[SOAK_RAM_SIZE / 4096 / 64] = { 0 };
			struct kvm_dirty_log log = { .slot = 0, .dirty_bitmap = bitmap };

			v->t.dirty_reads++;
			if (vm_call(v, &v->fl->in_dirty, "KVM_GET_DIRTY_LOG", KVM_GET_DIRTY_LOG, &log) == 0)
				for (unsigned int k = 0; k < sizeof(bitmap) / 8; k++)
					v->t.dirty_pages += (uint64_t)__builtin_popcountll(bitmap[k]);
		}
		if (step % 5 == 3 && chance(r, 30)) {
			v->slot0_flags ^= KVM_MEM_LOG_DIRTY_PAGES;
			set_slot(v, 0, v->slot0_flags, 0, SOAK_RAM_SIZE, v->ram);
		}
		break;
	default: {	/* an MSI, an IRQ line pulse */
		int to = (int)rnd(r, (uint32_t)v->nvcpus);
		struct kvm_msi msi = {
			.address_lo = SOAK_APIC | (uint32_t)to << 12, .data = SOAK_VEC_MSI,
		};
		struct kvm_irq_level line = { .irq = SOAK_PIC_IRQ, .level = 1 };

		/* > 0 delivered, 0 blocked (the guest has not enabled its APIC yet) */
		if (ioctl(v->vm, KVM_SIGNAL_MSI, &msi) < 0)
			vmm_fail(v, "KVM_SIGNAL_MSI: %s", strerror(errno));
		v->t.msis++;
		vm_call(v, NULL, "KVM_IRQ_LINE", KVM_IRQ_LINE, &line);
		line.level = 0;
		vm_call(v, NULL, "KVM_IRQ_LINE", KVM_IRQ_LINE, &line);
		v->t.irq_lines++;
	}
	}
	/* An NMI, often: each one can meet an NMI handler still running, a
	 * shadow or an interrupt on its way in (SVM's NMI window). */
	if (chance(r, 40)) {
		int to = (int)rnd(r, (uint32_t)v->nvcpus);

		v->nmi_req[to] = 1;
		pthread_kill(v->th[to], SIGUSR1);
		v->t.kicks++;
	}
}

/** Every vCPU round the loop at least @n times. */
static int progressed(struct vmm *v, uint32_t n)
{
	for (int i = 0; i < v->nvcpus; i++)
		if (guest_ctr(v, i, C_LOOPS) < n)
			return 0;
	return 1;
}

/** Close the VM's fds in a random order, or leave them to exit(). */
static void vmm_teardown(struct vmm *v)
{
	int fds[SOAK_MAX_VCPUS + 2], n = 0;

	if (chance(&v->rng, 20))
		return;
	for (int i = 0; i < v->nvcpus; i++) {
		if (v->run[i])
			munmap(v->run[i], (size_t)G.run_size);
		fds[n++] = v->vcpu_fd[i];
	}
	fds[n++] = v->vm;
	fds[n++] = v->dev;
	for (int k = n - 1; k > 0; k--) {
		int j = (int)rnd(&v->rng, (uint32_t)k + 1), x = fds[k];

		fds[k] = fds[j];
		fds[j] = x;
	}
	for (int k = 0; k < n; k++) {
		close(fds[k]);
		usleep(rnd(&v->rng, 1000));	/* a window for KILL_TEARDOWN */
	}
}

/** A VMM process: never returns. */
static void __attribute__((noreturn)) vmm_main(int idx, uint64_t seed)
{
	struct vmm *v = calloc(1, sizeof(*v));
	struct vcpu_arg args[SOAK_MAX_VCPUS];
	struct sigaction sa = { .sa_handler = on_kick };
	uint64_t last_loops = 0, last_t = now_ns();
	int started = 0;

	if (!v)
		_exit(2);
	sigaction(SIGUSR1, &sa, NULL);
	v->idx = idx;
	v->fl = &sh->vm[idx];
	v->rng.s = seed;
	v->nvcpus = O.vcpus;
	v->dev = v->vm = -1;
	pthread_mutex_init(&v->fail_lock, NULL);
	v->fl->stage = ST_CREATING;
	if (!vmm_create(v)) {
		v->fl->stage = ST_RUNNING;
		for (int i = 0; i < v->nvcpus; i++) {
			args[i] = (struct vcpu_arg){ v, i };
			if (pthread_create(&v->th[i], NULL, vcpu_thread, &args[i])) {
				vmm_fail(v, "pthread_create");
				break;
			}
			started++;
		}
	}
	for (unsigned int step = 0; !v->stop; step++) {
		uint64_t now = now_ns(), loops = 0;

		vmm_step(v, step);
		usleep(200 + rnd(&v->rng, 1800));
		/* a life ends once every vCPU went round often enough; a
		 * VMM to be killed while running runs until its kill */
		if (v->fl->victim != V_RUNNING && step >= 10 && progressed(v, SOAK_MIN_LOOPS))
			break;
		for (int i = 0; i < v->nvcpus; i++)
			loops += guest_ctr(v, i, C_LOOPS);
		if (loops != last_loops) {
			last_loops = loops;
			last_t = now;
		} else if (now - last_t > SOAK_LIFE_S * 1000000000ull) {
			char what[160];
			int n = 0;

			for (int i = 0; i < v->nvcpus && n < (int)sizeof(what) - 24; i++)
				n += snprintf(what + n, sizeof(what) - (size_t)n, " vCPU %d: %u", i,
					      guest_ctr(v, i, C_LOOPS));
			vmm_fail(v, "no guest progress for %d s (loops:%s)", SOAK_LIFE_S, what);
		}
	}
	v->stop = 1;
	for (int i = 0; i < v->nvcpus; i++)
		if (v->run[i])
			v->run[i]->immediate_exit = 1;
	for (int i = 0; i < started; i++) {
		pthread_kill(v->th[i], SIGUSR1);
		pthread_join(v->th[i], NULL);
	}
	if (!v->failed && v->fl->victim == V_LIFE) {
		for (int i = 0; i < v->nvcpus; i++)
			for (int k = 0; k < C_NCTR; k++)
				ADD(sh->t.ctr[k], guest_ctr(v, i, k * 4));
		for (int k = 0; k < 64; k++)
			ADD(sh->t.exits[k], v->t.exits[k]);
		ADD(sh->t.eintr, v->t.eintr);
		ADD(sh->t.slot_ops, v->t.slot_ops);
		ADD(sh->t.dirty_reads, v->t.dirty_reads);
		ADD(sh->t.dirty_pages, v->t.dirty_pages);
		ADD(sh->t.msis, v->t.msis);
		ADD(sh->t.nmis, v->t.nmis);
		ADD(sh->t.irq_lines, v->t.irq_lines);
		ADD(sh->t.kicks, v->t.kicks);
	}
	v->fl->stage = ST_TEARDOWN;
	vmm_teardown(v);
	fflush(stdout);
	_exit(v->failed ? 1 : 0);
}

/* ========================================================= the parent */

/** A VMM process as the parent sees it. */
struct child {
	pid_t pid;		/**< 0: a free entry */
	int victim;		/**< enum victim */
	int kind;		/**< enum kill_kind */
	uint64_t born;		/**< fork time, ns */
	uint64_t not_before;	/**< the kill waits until then (ns) ... */
	uint64_t running_since;	/**< ... after the VM runs (0: not yet) */
	uint64_t killed_at;	/**< SIGKILL sent (ns), or 0 */
	int overdue;		/**< a life that did not end: killed, a failure */
};

/** What the parent counts. */
struct soak_count {
	uint64_t lives, kills, fails;
	uint64_t killed[KILL_KINDS];		/**< by kind */
	uint64_t killed_missed[KILL_KINDS];	/**< its moment never came */
	uint64_t killed_stage[ST_NSTAGES];	/**< KILL_ANY: what the VMM was doing */
	uint64_t max_reap_ns;			/**< longest SIGKILL-to-reaped */
	uint64_t escaped;			/**< KILL_TEARDOWN: ended first */
	uint64_t launched_lives, launched_kills;
};

/** The kernel stacks of a VMM's threads (@killed: a HANG report). */
static void report_stuck(pid_t pid, int killed)
{
	char path[64], line[256];

	if (killed)
		printf("kvm-fuzz: soak: HANG: VMM pid %d has not gone %d s after SIGKILL; its threads' stacks:\n",
		       pid, SOAK_REAP_S);
	for (int t = pid; t < pid + 64; t++) {
		FILE *f;

		snprintf(path, sizeof(path), "/proc/%d/task/%d/stack", pid, t);
		f = fopen(path, "r");
		if (!f)
			continue;
		printf("kvm-fuzz:   thread %d:\n", t);
		while (fgets(line, sizeof(line), f))
			printf("kvm-fuzz:     %s", line);
		fclose(f);
	}
	fflush(stdout);
}

/** Is the VMM where its kill should land?  (Its own flags say.) */
static int at_moment(struct child *c, struct vm_flags *fl, uint64_t now)
{
	if (c->kind == KILL_ANY)
		return now >= c->not_before;
	if (c->kind == KILL_TEARDOWN)
		return fl->stage == ST_TEARDOWN;
	if (fl->stage != ST_RUNNING)
		return 0;
	if (!c->running_since)
		c->running_since = now;
	if (now < c->running_since + c->not_before)
		return 0;
	switch (c->kind) {
	case KILL_RUN: return fl->in_run > 0;
	case KILL_SLOT: return fl->in_slot;
	default: return fl->in_dirty;
	}
}

static void start_child(struct child *c, int idx, int victim, int kind, struct rng *r)
{
	uint64_t seed = rnd64(r);

	memset((void *)&sh->vm[idx], 0, sizeof(sh->vm[idx]));
	sh->vm[idx].victim = victim;
	memset(c, 0, sizeof(*c));
	c->victim = victim;
	c->kind = kind;
	c->born = now_ns();
	/* a kill at a random moment: within 0-150 ms of the fork, which
	 * covers starting, creating the VM and running it (under the lab's
	 * emulators a VM takes about that to start); the kills inside a
	 * call: 0-50 ms into the run, then at their moment; a teardown
	 * kill: when the life's teardown begins */
	c->not_before = kind == KILL_ANY ? c->born + rnd(r, 150) * 1000000ull
					 : rnd(r, 50) * 1000000ull;
	fflush(stdout);
	c->pid = fork();
	if (c->pid == 0)
		vmm_main(idx, seed);
	if (c->pid < 0) {
		printf("kvm-fuzz: soak: fork: %s\n", strerror(errno));
		c->pid = 0;
	}
}

/** A VMM has ended: count it. */
static void child_ended(struct child *c, int st, struct soak_count *n, uint64_t now)
{
	if (c->overdue) {
		n->fails++;
	} else if (c->victim == V_TEARDOWN && WIFEXITED(st) && WEXITSTATUS(st) == 0) {
		/* it closed everything and exited before the kill (if one
		 * was sent, it came too late): another try */
		n->escaped++;
		n->launched_kills--;
		if (c->killed_at)
			n->killed[c->kind]--;
	} else if (c->killed_at) {
		if (WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL) {
			n->kills++;
			if (now - c->killed_at > n->max_reap_ns)
				n->max_reap_ns = now - c->killed_at;
		} else {
			/* it ended by itself first: only a failure does that */
			n->fails++;
			printf("kvm-fuzz: soak: FAIL: VMM pid %d, to be killed %s, ended with %s %d first\n",
			       c->pid, kill_names[c->kind], WIFSIGNALED(st) ? "signal" : "status",
			       WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
		}
	} else if (WIFEXITED(st) && WEXITSTATUS(st) == 0 && c->victim == V_LIFE) {
		n->lives++;
	} else {
		n->fails++;
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 1)	/* 1: it said why */
			printf("kvm-fuzz: soak: FAIL: VMM pid %d ended with %s %d\n", c->pid,
			       WIFSIGNALED(st) ? "signal" : "status",
			       WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
	}
	c->pid = 0;
}

/** The report, and the checks that the soak did what it is for. */
static int soak_report(struct soak_count *n, double secs)
{
	struct soak_totals *t = &sh->t;
	static const char *const ctr_names[C_NCTR] = {
		"loops", "timer interrupts", "IPIs", "MSIs", "NMIs", "#UDs", "8259 interrupts",
	};
	int bad = 0;

	printf("kvm-fuzz: soak: %llu VM lives ended by their VMM, %llu VMMs killed, %d VMs x %d vCPUs at a time, in %.1f s\n",
	       (unsigned long long)n->lives, (unsigned long long)n->kills, O.vms, O.vcpus, secs);
	for (int k = 0; k < KILL_KINDS; k++)
		printf("kvm-fuzz: soak: kills sent %s: %llu (its moment not seen in %d s: %llu)\n",
		       kill_names[k], (unsigned long long)n->killed[k], SOAK_PHASE_S,
		       (unsigned long long)n->killed_missed[k]);
	printf("kvm-fuzz: soak: the random moments: %s %llu, %s %llu, %s %llu; VMMs that closed "
	       "everything before their teardown kill (tried again): %llu; slowest SIGKILL to reaped %.3f s\n",
	       stage_names[0], (unsigned long long)n->killed_stage[0],
	       stage_names[1], (unsigned long long)n->killed_stage[1],
	       stage_names[2], (unsigned long long)n->killed_stage[2],
	       (unsigned long long)n->escaped, n->max_reap_ns / 1e9);
	printf("kvm-fuzz: soak: in the lives: guest");
	for (int k = 0; k < C_NCTR; k++)
		printf("%s %llu %s", k ? "," : "", (unsigned long long)t->ctr[k], ctr_names[k]);
	printf("\nkvm-fuzz: soak: in the lives: KVM_RUN exits io %llu, mmio %llu, intr %llu, -EINTR %llu; "
	       "memslot changes %llu, dirty-log reads %llu (%llu pages), MSIs %llu, NMIs %llu, IRQ pulses %llu, kicks %llu\n",
	       (unsigned long long)t->exits[KVM_EXIT_IO], (unsigned long long)t->exits[KVM_EXIT_MMIO],
	       (unsigned long long)t->exits[KVM_EXIT_INTR], (unsigned long long)t->eintr,
	       (unsigned long long)t->slot_ops, (unsigned long long)t->dirty_reads,
	       (unsigned long long)t->dirty_pages, (unsigned long long)t->msis,
	       (unsigned long long)t->nmis, (unsigned long long)t->irq_lines,
	       (unsigned long long)t->kicks);
	if (n->fails) {
		printf("kvm-fuzz: soak: FAIL: %llu VMMs failed (above)\n", (unsigned long long)n->fails);
		bad = 1;
	}
	/* What each life must have seen, when there were lives: otherwise
	 * the soak did not test it. */
	if (n->lives) {
		const char *missing = NULL;

		for (int k = 0; k < C_NCTR && !missing; k++)
			if (!t->ctr[k])
				missing = ctr_names[k];
		if (!missing && !t->exits[KVM_EXIT_IO])
			missing = "KVM_EXIT_IO";
		if (!missing && !t->exits[KVM_EXIT_MMIO])
			missing = "KVM_EXIT_MMIO";
		if (!missing && !t->eintr && !t->exits[KVM_EXIT_INTR])
			missing = "KVM_RUN ended by a signal";
		if (!missing && !t->dirty_pages)
			missing = "a dirty page in the dirty log";
		if (missing) {
			printf("kvm-fuzz: soak: FAIL: no %s in %llu lives: the soak did not exercise it\n",
			       missing, (unsigned long long)n->lives);
			bad = 1;
		}
	}
	if (n->lives < O.lives || n->kills < O.kills) {
		printf("kvm-fuzz: soak: FAIL: %llu of %llu lives and %llu of %llu kills done\n",
		       (unsigned long long)n->lives, (unsigned long long)O.lives,
		       (unsigned long long)n->kills, (unsigned long long)O.kills);
		bad = 1;
	}
	return bad;
}

int soak_run(const struct soak_opts *opts)
{
	struct child ch[SOAK_MAX_VMS] = { 0 };
	struct soak_count n = { 0 };
	struct rng r = { G.seed };
	uint64_t t0 = now_ns();
	int hung = 0;

	O = *opts;
	if (O.vms < 1 || O.vms > SOAK_MAX_VMS || O.vcpus < 1 || O.vcpus > SOAK_MAX_VCPUS) {
		printf("kvm-fuzz: soak: --vms 1..%d, --vcpus 1..%d\n", SOAK_MAX_VMS, SOAK_MAX_VCPUS);
		return 2;
	}
	if ((G.features & F_FINAL) != F_FINAL || (G.features & F_LAPIC) != F_LAPIC) {
		printf("kvm-fuzz: soak: needs the irqchip, the PIT, MSIs and dirty logging (final/)\n");
		return 2;
	}
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		return 2;
	printf("kvm-fuzz: soak: %llu lives and %llu kills, %d VMs x %d vCPUs at a time\n",
	       (unsigned long long)O.lives, (unsigned long long)O.kills, O.vms, O.vcpus);
	for (;;) {
		uint64_t now = now_ns();
		int alive = 0, st;
		pid_t pid;

		for (int i = 0; i < O.vms; i++) {
			struct child *c = &ch[i];

			if (!c->pid && !hung &&
			    (n.launched_lives < O.lives || n.launched_kills < O.kills)) {
				/* mix lives and kills, each kind of kill in turn */
				int kill_it = n.launched_kills < O.kills &&
					      (n.launched_lives >= O.lives || chance(&r, 50));
				int kind = (int)(n.launched_kills % KILL_KINDS);

				start_child(c, i, !kill_it ? V_LIFE :
					    kind == KILL_TEARDOWN ? V_TEARDOWN : V_RUNNING, kind, &r);
				if (c->pid) {
					if (kill_it)
						n.launched_kills++;
					else
						n.launched_lives++;
				}
				now = now_ns();	/* not before its birth */
			}
			if (!c->pid)
				continue;
			alive++;
			if (c->victim != V_LIFE && !c->killed_at) {
				struct vm_flags *fl = &sh->vm[i];
				int hit = at_moment(c, fl, now);
				uint64_t since = c->running_since ? c->running_since : c->born;

				/* a teardown comes when the life ends: no waiting limit */
				if (hit || (c->victim == V_RUNNING &&
					    now - since > SOAK_PHASE_S * 1000000000ull)) {
					int stage = fl->stage;

					kill(c->pid, SIGKILL);
					c->killed_at = now_ns();
					n.killed[c->kind]++;
					if (!hit)
						n.killed_missed[c->kind]++;
					if (c->kind == KILL_ANY && stage >= 0 && stage < ST_NSTAGES)
						n.killed_stage[stage]++;
				}
			}
			if (c->victim != V_RUNNING && !c->killed_at &&
			    now - c->born > 3 * SOAK_LIFE_S * 1000000000ull) {
				/* its own watch (SOAK_LIFE_S) should have ended it */
				printf("kvm-fuzz: soak: FAIL: VMM pid %d has not ended in %d s; its stacks, then SIGKILL:\n",
				       c->pid, 3 * SOAK_LIFE_S);
				report_stuck(c->pid, 0);
				kill(c->pid, SIGKILL);
				c->killed_at = now;
				c->overdue = 1;
			} else if (c->killed_at && now > c->killed_at &&
				   now - c->killed_at > SOAK_REAP_S * 1000000000ull &&
				   !hung) {
				report_stuck(c->pid, 1);
				hung = 1;
			}
		}
		while ((pid = waitpid(-1, &st, WNOHANG)) > 0)
			for (int i = 0; i < O.vms; i++)
				if (ch[i].pid == pid)
					child_ended(&ch[i], st, &n, now_ns());
		if (!alive && (hung || (n.launched_lives >= O.lives && n.launched_kills >= O.kills)))
			break;
		if (hung) {
			/* the others may still end; a stuck one never will */
			static uint64_t hung_at;

			if (!hung_at)
				hung_at = now;
			if (now - hung_at > 10000000000ull)
				break;
		}
		usleep(100);
	}
	if (soak_report(&n, (now_ns() - t0) / 1e9) || hung) {
		fflush(stdout);
		if (hung)
			_exit(3);
		return 1;
	}
	return 0;
}
