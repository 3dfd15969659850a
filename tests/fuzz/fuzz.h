/* SPDX-License-Identifier: GPL-2.0 */
/**
 * @file fuzz.h
 * @brief kvm-fuzz: random sequences of KVM ioctls against /dev/minikvm
 * or /dev/kvm, and a deterministic mode whose log is compared between
 * the two (docs/reliability.md).
 *
 * The pieces:
 *   main.c     options, the threads, the watchdog, the summary
 *   world.c    the objects a run owns (fds of the system, VMs, vCPUs,
 *              eventfds), the memory arena, bad pointers, the RNG
 *   ops.c      one function per ioctl (or group of ioctls): builds a
 *              mostly valid argument, mutates it now and then, calls
 *   guest.c    what KVM_RUN runs: random x86 code, modes, page tables
 *   soak.c     --soak: many VMs created, run and destroyed, VMMs killed
 *              (soak-guest.S is their guest, soak.h the layout)
 *   check.c    after a run: dmesg, free pages, slab caches, minikvm's
 *              object counters, each against its baseline
 *   compare.c  the differential check of two deterministic logs against
 *              tests/fuzz/errno-allow
 */
#ifndef FUZZ_H
#define FUZZ_H

#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <linux/kvm.h>

/* ---------------------------------------------------------------- RNG */

/** A random stream: splitmix64 (Steele, Lea, Flood, "Fast splittable
 *  pseudorandom number generators", OOPSLA 2014), one per thread. */
struct rng {
	uint64_t s;
};

uint64_t rnd64(struct rng *r);
/** A number below @n (n > 0). */
uint32_t rnd(struct rng *r, uint32_t n);
/** True with probability @pct percent. */
int chance(struct rng *r, unsigned int pct);
/** A boundary-biased 64-bit value: 0, 1, all ones, powers of two and
 *  their neighbours, small numbers, or anything. */
uint64_t rnd_edge64(struct rng *r);
/** The same for 32 bits. */
uint32_t rnd_edge32(struct rng *r);
/** Fill @len bytes with random bytes. */
void rnd_fill(struct rng *r, void *p, size_t len);

/* ----------------------------------------------------------- features */

/** What the hypervisor under test offers, from KVM_CHECK_EXTENSION.  An
 *  op that needs a feature is not chosen without it, so that a chapter
 *  tree's minikvm and the real KVM get the same sequence in --diff mode
 *  (the minikvm run's features are passed to the kvm run). @{ */
#define F_MMU		0x01	/**< KVM_CAP_READONLY_MEM: chapter 02 */
#define F_IRQCHIP	0x02	/**< KVM_CAP_IRQCHIP: chapter 03 */
#define F_LAPIC		0x04	/**< KVM_CAP_PIT2: chapter 04 */
#define F_FINAL		0x08	/**< KVM_CAP_IRQFD: final/ */
#define F_XSAVE		0x10	/**< KVM_CAP_XSAVE (not under Bochs's lab kernel) */
/** @} */

/* ------------------------------------------------------------ objects */

/** What an entry of the object table holds. */
enum fz_kind {
	K_NONE,		/**< a free entry */
	K_DEV,		/**< an fd of the device (/dev/minikvm, /dev/kvm) */
	K_VM,		/**< a VM fd */
	K_VCPU,		/**< a vCPU fd */
	K_EVENTFD,	/**< an eventfd, for KVM_IRQFD and KVM_IOEVENTFD */
	K_NKINDS
};

#define FZ_MAX_OBJS	48	/**< entries in the object table */
#define FZ_MAX_SLOTS	8	/**< memslots a VM's record tracks (ids 0..7) */
#define FZ_RAM_SIZE	0x100000u	/**< slot 0 of every VM: 1 MiB at GPA 0 */
#define FZ_DIFF_VCPUS	8	/**< vCPUs per VM in --diff mode (minikvm's
				     KVM_CAP_MAX_VCPUS; KVM allows 1024) */

/** A memslot as the fuzzer believes it is (set when a call succeeded). */
struct fz_slot {
	uint32_t flags;		/**< KVM_MEM_* */
	uint64_t gpa;		/**< guest-physical address */
	uint64_t size;		/**< 0: no such slot */
	uint64_t uaddr;		/**< userspace address */
};

/** One object: an fd and what the fuzzer knows about it. */
struct fz_obj {
	int kind;		/**< enum fz_kind */
	int fd;			/**< closed once, by obj_close() */
	int refs;		/**< the table's reference + one per user */
	int name;		/**< "vm3": a number per kind, for the logs */
	struct fz_obj *vm;	/**< a vCPU's VM (a reference is held) */
	/* K_VM */
	uint8_t *ram;		/**< slot 0's memory: code and page tables */
	int nr_vcpus;		/**< vCPUs created so far */
	int irqchip;		/**< KVM_CREATE_IRQCHIP succeeded */
	int pit;		/**< KVM_CREATE_PIT2 succeeded */
	struct fz_slot slots[FZ_MAX_SLOTS];
	pthread_mutex_t lock;	/**< slots[], ram's page tables */
	/* K_VCPU */
	struct kvm_run *run;	/**< the mmap of the vCPU fd, or NULL */
	size_t run_size;	/**< its length */
	int vcpu_id;		/**< KVM_CREATE_VCPU's argument */
	int vcpu_idx;		/**< 0, 1, ... within its VM */
};

/** What pick() returns: an fd to use, the object it belongs to (with a
 *  reference, or NULL), and a name for the log. */
struct fz_target {
	struct fz_obj *o;	/**< put_obj() when done; NULL for a bad fd */
	int fd;			/**< what the ioctl gets */
	char desc[20];		/**< "vcpu4", "closed", "fd-1", "fd7" */
};

/* ---------------------------------------------------------- a thread */

/** Per-thread state. */
struct fz_ctx {
	int tid;		/**< 0, 1, ... */
	int role;		/**< which ops this thread favours (main.c) */
	pid_t ktid;		/**< gettid(), for the watchdog and the timer */
	struct rng rng;		/**< this thread's stream */
	timer_t timer;		/**< ends KVM_RUN: SIGUSR1 to this thread */
	int have_timer;		/**< timer_create() worked */
	char var[160];		/**< the argument's description, for --diff */
	size_t var_len;		/**< its length */
	uint8_t *buf;		/**< FZ_BUF_SIZE bytes for arguments */
	/** FZ_BUF_SIZE bytes more, for arg_ptr()'s copies one byte off
	 *  alignment: a copy into buf itself would overwrite the op's other
	 *  arguments there. */
	uint8_t *odd;
	/** In an ioctl since (CLOCK_MONOTONIC ns), or 0; with the op. */
	volatile uint64_t busy_since;
	volatile const char *busy_op;	/**< the ioctl's name */
	uint64_t ioctls;	/**< calls made by this thread */
	sigjmp_buf fault_jmp;	/**< touch(): where SIGBUS/SIGSEGV return */
	volatile int in_touch;	/**< a fault now is expected */
	/** The last ops, for a report when something goes wrong. */
	char recent[8][256];
	unsigned int recent_n;	/**< entries written, mod 8 */
};

#define FZ_BUF_SIZE	(256 * 1024)	/**< fz_ctx.buf: room for 4096 routing entries */

/* ------------------------------------------------------------- globals */

/** Options and shared counters (main.c). */
struct fz_global {
	const char *dev;	/**< --dev */
	uint64_t seed;		/**< --seed */
	uint64_t count;		/**< --count: ioctls, all threads together */
	int threads;		/**< --threads */
	int diff;		/**< --diff FILE: deterministic, logged */
	FILE *log;		/**< --diff's file */
	int features;		/**< F_* */
	int verbose;		/**< -v: every op on stderr */
	/**
	 * Spare QEMU's TCG four of its bugs (the lab's svm path runs under
	 * it; set when CPUID says QEMU TCG, or by --qemu-tcg):
	 *  - a nested guest's write to CR8 while a virtual interrupt is
	 *    pending makes QEMU 10.0 abort ("tcg_handle_interrupt: assertion
	 *    failed: (bql_locked())": helper_write_crN() raises
	 *    CPU_INTERRUPT_VIRQ without the big QEMU lock): guests write no
	 *    CR8;
	 *  - an exception or interrupt taken at CPL > 0 makes QEMU abort
	 *    ("qemu: fatal: invalid tss type") when TR holds a busy TSS type
	 *    (3 or 11), which is what hardware and KVM keep there: QEMU
	 *    expects the available type its own LTR leaves.  Guests get TR
	 *    type 9 (available 32-bit TSS), which VMRUN accepts as well;
	 *  - the emulated CPU stops for good, deaf even to NMIs, so that the
	 *    whole lab machine stalls (RCU stall reports, then nothing),
	 *    after entering a guest in an unusual but valid state: seen with
	 *    RIP bits 63:32 set outside 64-bit mode (VMRUN does not check
	 *    them), at CPL > 0 (SS.DPL, virtual-8086 mode), and with EFER.LME
	 *    and a reserved CR0 bit set in 32-bit protected mode without
	 *    paging (3 of 3 lab boots stalled within seconds, with minikvm
	 *    and with the real kvm-amd alike).  So under TCG there is no
	 *    M_WILD state and no KVM_SET_SREGS of random bytes; guests get
	 *    32-bit RIPs, no RFLAGS.VM, and SS and CS keep DPL 0.  The Bochs
	 *    lab (vmx) gets all of it;
	 *  - MOV to a segment register that does not exist (8E with ModRM.reg
	 *    6 or 7), translated in real or virtual-8086 mode, makes QEMU 10.0
	 *    die of SIGSEGV in its TCG optimizer (tcg_optimize(), from
	 *    tb_gen_code()): the real-mode path indexes the segment-base
	 *    table with the bad number instead of raising \#UD.  A boot
	 *    sector holding only 8E F4 kills it, no hypervisor needed.  Under
	 *    TCG there are no real-mode programs (guest_mode()), and
	 *    guest_code() turns every such byte pair of a program into MOV
	 *    r16, r/m (8B) for a program that clears CR0.PE itself.  The
	 *    scrub alone was not enough: a real-mode guest ran on into other
	 *    memory and met 00 35 8E 30 there.
	 */
	int qemu_tcg;
	/**
	 * An Intel CPU (CPUID vendor "GenuineIntel"): the diff pass puts no
	 * memslot at the local APIC's page.  kvm-intel maps its APIC-access
	 * page (Intel SDM Vol. 3C, chapter 30) through a memslot of its own at
	 * 0xfee00000, made when the first vCPU of a VM with the in-kernel
	 * LAPIC is created; a user memslot already there makes that
	 * KVM_CREATE_VCPU fail with EEXIST.  minikvm-intel has no APIC-access
	 * page (its LAPIC's MMIO exits as EPT violations), so the VM gets
	 * its vCPU and the two sequences part for good.  Nor does the diff
	 * pass flip CR4.UMIP or CR4.VMXE in a wild state: kvm-intel emulates
	 * UMIP on a CPU without it and offers nested VMX (nested=1), so it
	 * takes both bits where minikvm, which does neither, refuses them;
	 * an entry on errno-allow would excuse whatever else that state got
	 * wrong.  The random pass still does all of it.
	 */
	int intel;
	int kmsg_fd;		/**< --trace-kmsg: each call into the kernel log first, or -1 */
	/* limits read from the target, for boundary arguments */
	int nr_memslots;	/**< KVM_CAP_NR_MEMSLOTS */
	int max_vcpu_id;	/**< KVM_CAP_MAX_VCPU_ID */
	int max_vcpus;		/**< KVM_CAP_MAX_VCPUS */
	int run_size;		/**< KVM_GET_VCPU_MMAP_SIZE */
	struct kvm_cpuid2 *cpuid;	/**< KVM_GET_SUPPORTED_CPUID, for SET_CPUID2 */
	/* counters */
	volatile uint64_t issued;	/**< ioctls so far, all threads */
	volatile int stop;		/**< the count is reached, or a hang */
	uint64_t seq;			/**< --diff: the ioctl's number */
	uint64_t exits[64];		/**< KVM_RUN exit reasons seen */
	uint64_t errnos[160];		/**< answers: [0] success, else errno */
	uint64_t runs;			/**< KVM_RUN calls on real vCPUs */
	uint64_t forks;			/**< children that used our fds */
};

extern struct fz_global G;

/* ------------------------------------------------------------ world.c */

void world_init(void);
void world_fini(void);
/** An fd of @kind (most of the time), or a wrong one, for an ioctl. */
void pick(struct fz_ctx *c, int kind, struct fz_target *t);
/** A live object of @kind with a reference, or NULL. */
struct fz_obj *pick_obj(struct fz_ctx *c, int kind);
void put_target(struct fz_target *t);
void get_obj(struct fz_obj *o);
void put_obj(struct fz_obj *o);
/** Put a new object in the table (replacing, closing, a random one when
 *  it is full); returns it with the caller's reference. */
struct fz_obj *add_obj(struct fz_ctx *c, int kind, int fd, struct fz_obj *vm);
/** Close @o's fd and take it out of the table (no-op if gone). */
void obj_close(struct fz_obj *o);
/** Take every object out of the table, closing its fd. */
void close_all(void);
/** Number of live objects of @kind. */
int count_kind(int kind);

/** A pointer for an argument of @len bytes whose good value is @good:
 *  @good most of the time, else NULL, an unmapped, PROT_NONE or
 *  read-only page (of random bytes), a struct cut short by a PROT_NONE
 *  page, a kernel or non-canonical address.  Says which in the
 *  argument's description.  @flags: AP_*. */
void *arg_ptr(struct fz_ctx *c, void *good, size_t len, int flags);
/** arg_ptr() flags. @{ */
#define AP_WRITES	1	/**< the kernel writes there */
#define AP_NO_RANDOM	2	/**< no page of random bytes: they could be a
				     state that breaks the emulator (G.qemu_tcg) */
/** @} */
/** A userspace address for a memslot of @size bytes: in the arena
 *  (mapped, read-only, PROT_NONE, unmapped, shared), or a bad one. */
uint64_t arena_addr(struct fz_ctx *c, uint64_t size, int *bad);
/** Remap a random piece of the arena (no ioctl). */
void arena_churn(struct fz_ctx *c);
/** Append to the argument's description (for --diff logs). */
void var(struct fz_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/** How the result of an ioctl is logged and counted. @{ */
#define RK_PLAIN	0	/**< 0 or an errno */
#define RK_VALUE	1	/**< its value (KVM_CHECK_EXTENSION, ...) */
#define RK_FD		2	/**< an fd: "fd" */
/** @} */
/** The ioctl wrapper: counts, logs (--diff), records the op for the
 *  watchdog.  Returns what ioctl() returned, errno kept. */
long fz_ioctl(struct fz_ctx *c, struct fz_target *t, const char *name,
	      unsigned long req, unsigned long arg, int rk);
/** Log a result that is not an ioctl's (mmap, a child's answers). */
void fz_note(struct fz_ctx *c, const char *what, const char *target, const char *result);
/** Read a byte at @p: 0, or the signal it raised (SIGBUS, SIGSEGV). */
int touch(struct fz_ctx *c, volatile uint8_t *p, int write);
uint64_t now_ns(void);

/* -------------------------------------------------------------- ops.c */

/** An operation: one or a few related ioctls. */
struct fz_op {
	const char *name;	/**< for the statistics */
	void (*fn)(struct fz_ctx *c);
	int features;		/**< F_* it needs */
	int weight[4];		/**< how often, per role (main.c) */
	int nodiff;		/**< not in --diff mode (timing-dependent) */
};

extern const struct fz_op fz_ops[];
extern const int fz_nops;
/** Build a VM (and its first vCPU) the way a VMM would: used at start so
 *  that the first ops find something to work on. */
void seed_world(struct fz_ctx *c);

/* ------------------------------------------------------------ guest.c */

/** Guest modes. @{ */
#define M_REAL	0	/**< real mode (big real mode now and then) */
#define M_PM32	1	/**< 32-bit protected, flat, no paging */
#define M_LM64	2	/**< long mode, identity-mapped 4 GiB */
#define M_WILD	3	/**< random bits in the control registers */
/** @} */
/** Lay out a VM's RAM: GDT, page tables, IDT (once per VM). */
void guest_ram_init(uint8_t *ram);
/** Write fresh random code for vCPU @idx in @mode into @ram; returns
 *  the guest-physical address of its first byte. */
uint64_t guest_code(struct fz_ctx *c, uint8_t *ram, int idx, int mode);
/** Random writes into the page tables (page-table churn from outside). */
void guest_pt_churn(struct fz_ctx *c, uint8_t *ram);
/** Flat 32-bit protected mode (@lm: 64-bit long mode on the identity
 *  map) on guest_ram_init()'s GDT and TSS, the IDT at @idt; segments,
 *  descriptor tables, CR0, CR3, CR4 and EFER (nothing else of @sregs). */
void guest_flat_sregs(struct kvm_sregs *sregs, int lm, uint64_t idt, uint16_t idt_limit);
/** The mode a program may run in: @mode, but under QEMU TCG neither
 *  M_WILD nor M_REAL, which become M_PM32 (see G.qemu_tcg). */
int guest_mode(int mode);
/** Under QEMU TCG, give TR an available TSS type (see G.qemu_tcg). */
void guest_tcg_fixup(struct kvm_sregs *sregs);
/** Set up @sregs and @regs for @mode (already through guest_mode(), as
 *  guest_code()'s was), code at @gpa (vCPU @idx's stack). */
void guest_state(struct fz_ctx *c, int mode, uint64_t gpa, int idx,
		 struct kvm_sregs *sregs, struct kvm_regs *regs);
/** A port, an MSR index, a guest-physical address worth trying. @{ */
uint16_t guest_port(struct rng *r);
uint32_t guest_msr(struct rng *r);
/** An MSR both KVM and minikvm implement alike (--diff lists of several). */
uint32_t common_msr(struct rng *r);
uint64_t guest_addr(struct rng *r);
/** @} */

/* ------------------------------------------------------------ check.c */

/** Memory and kernel-log state before a run, compared after it. */
struct fz_baseline;
struct fz_baseline *check_begin(void);
/** After the run: wait until the numbers come back (up to @wait_s), print
 *  them, return the number of failed checks. */
int check_end(struct fz_baseline *b, const char *complaints, int wait_s);

/* ------------------------------------------------------------- soak.c */

/** kvm-fuzz --soak: what to do. */
struct soak_opts {
	uint64_t lives;		/**< --soak N: VMs that end by their VMM's choice */
	uint64_t kills;		/**< --kills N: VMMs killed with SIGKILL */
	int vms;		/**< --vms: VMMs at a time */
	int vcpus;		/**< --vcpus: vCPUs per VM */
};
/** The soak; the process's exit status (3: a VMM stuck after SIGKILL). */
int soak_run(const struct soak_opts *o);

/* ---------------------------------------------------------- compare.c */

/** --compare MINIKVM_LOG KVM_LOG --allow FILE: 0 when every difference is
 *  allowed, 1 otherwise, 2 on unusable input.  Prints the first
 *  @max_print unexplained differences. */
int compare_logs(const char *mine, const char *theirs, const char *allow, int max_print);
/** The features line of a --diff log (for the kvm run): F_* or -1. */
int log_features(const char *path);

#endif
