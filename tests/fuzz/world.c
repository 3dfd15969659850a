// SPDX-License-Identifier: GPL-2.0
/**
 * @file world.c
 * @brief What a fuzz run owns: the random streams, the table of fds
 * (system, VM, vCPU, eventfd), the memory arena behind memslots, the bad
 * pointers, and the ioctl wrapper that counts and logs every call.
 *
 * Threads share the table.  An op takes a reference on the object it
 * uses, so the object's memory (a vCPU's kvm_run mapping, a VM's RAM)
 * stays while the op runs, but its fd may be closed under it by another
 * thread at any time: that is one of the things being tested.  A closed
 * fd's number is kept in a short list and used again on purpose, when it
 * may by then belong to another object (a wrong-type fd) or to nothing.
 * The fuzzer closes only fds it opened, each exactly once.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "fuzz.h"

/* ---------------------------------------------------------------- RNG */

uint64_t rnd64(struct rng *r)
{
	/* splitmix64: a Weyl sequence, then a 64-bit finaliser. */
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

uint32_t rnd(struct rng *r, uint32_t n)
{
	return n ? (uint32_t)((rnd64(r) >> 32) * n >> 32) : 0;
}

int chance(struct rng *r, unsigned int pct)
{
	return rnd(r, 100) < pct;
}

uint64_t rnd_edge64(struct rng *r)
{
	uint64_t v = 1ull << rnd(r, 64);

	switch (rnd(r, 10)) {
	case 0: return 0;
	case 1: return 1;
	case 2: return ~0ull;
	case 3: return v;
	case 4: return v - 1;
	case 5: return v + 1;
	case 6: return rnd(r, 256);
	case 7: return -(uint64_t)rnd(r, 256);
	case 8: return (uint64_t)rnd(r, 1u << 31) << 12;	/* page aligned */
	default: return rnd64(r);
	}
}

uint32_t rnd_edge32(struct rng *r)
{
	return (uint32_t)rnd_edge64(r) ^ (chance(r, 50) ? 0 : (uint32_t)(rnd_edge64(r) >> 32));
}

void rnd_fill(struct rng *r, void *p, size_t len)
{
	uint8_t *b = p;
	uint64_t v = 0;

	for (size_t i = 0; i < len; i++) {
		if (!(i & 7))
			v = rnd64(r);
		b[i] = (uint8_t)v;
		v >>= 8;
	}
}

uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/* ------------------------------------------------------------ objects */

static pthread_mutex_t table_lock = PTHREAD_MUTEX_INITIALIZER;
static struct fz_obj *table[FZ_MAX_OBJS];
/** The most live objects of each kind: more are made by replacing one
 *  (closing it), which is how VMs and vCPUs get closed in mid-use. */
static const int kind_max[K_NKINDS] = {
	[K_DEV] = 3, [K_VM] = 5, [K_VCPU] = 20, [K_EVENTFD] = 8,
};
static const char *const kind_name[K_NKINDS] = {
	[K_NONE] = "none", [K_DEV] = "dev", [K_VM] = "vm", [K_VCPU] = "vcpu",
	[K_EVENTFD] = "efd",
};
/** Numbers of recently closed fds. */
static int stale[8] = { -1, -1, -1, -1, -1, -1, -1, -1 };
static unsigned int stale_n;
/** The next name of each kind. */
static int next_name[K_NKINDS];

/* Pages for bad pointers, set up by world_init(). */
static uint8_t *page_none;	/* PROT_NONE */
static uint8_t *page_ro;	/* read-only, random bytes */
static uint8_t *page_edge;	/* read-write, then a PROT_NONE page */

/* The arena: userspace memory for memslots other than slot 0.  Pieces of
 * it are remapped at random (arena_churn()); the fuzzer never reads or
 * writes it itself, so a piece may change under a running guest. */
#define ARENA_SIZE	(16u << 20)
#define ARENA_PIECE	(256u << 10)
static uint8_t *arena;

void get_obj(struct fz_obj *o)
{
	pthread_mutex_lock(&table_lock);
	o->refs++;
	pthread_mutex_unlock(&table_lock);
}

/* Free what the object holds; called with refs at 0. */
static void obj_free(struct fz_obj *o)
{
	if (o->run)
		munmap(o->run, o->run_size);
	if (o->ram)
		munmap(o->ram, FZ_RAM_SIZE);
	if (o->vm)
		put_obj(o->vm);
	pthread_mutex_destroy(&o->lock);
	free(o);
}

void put_obj(struct fz_obj *o)
{
	int last;

	if (!o)
		return;
	pthread_mutex_lock(&table_lock);
	last = --o->refs == 0;
	pthread_mutex_unlock(&table_lock);
	if (last)
		obj_free(o);
}

void put_target(struct fz_target *t)
{
	put_obj(t->o);
	t->o = NULL;
}

/* Close entry @i's fd and drop the table's reference; table_lock held.
 * Returns the object if that was its last reference (to free unlocked). */
static struct fz_obj *close_slot(int i)
{
	struct fz_obj *o = table[i];

	table[i] = NULL;
	close(o->fd);
	stale[stale_n++ % 8] = o->fd;
	return --o->refs == 0 ? o : NULL;
}

void obj_close(struct fz_obj *o)
{
	struct fz_obj *dead = NULL;

	pthread_mutex_lock(&table_lock);
	for (int i = 0; i < FZ_MAX_OBJS; i++) {
		if (table[i] == o) {
			dead = close_slot(i);
			break;
		}
	}
	pthread_mutex_unlock(&table_lock);
	if (dead)
		obj_free(dead);
}

void close_all(void)
{
	for (int i = 0; i < FZ_MAX_OBJS; i++) {
		struct fz_obj *dead = NULL;

		pthread_mutex_lock(&table_lock);
		if (table[i])
			dead = close_slot(i);
		pthread_mutex_unlock(&table_lock);
		if (dead)
			obj_free(dead);
	}
}

int count_kind(int kind)
{
	int n = 0;

	pthread_mutex_lock(&table_lock);
	for (int i = 0; i < FZ_MAX_OBJS; i++)
		n += table[i] && table[i]->kind == kind;
	pthread_mutex_unlock(&table_lock);
	return n;
}

struct fz_obj *add_obj(struct fz_ctx *c, int kind, int fd, struct fz_obj *vm)
{
	struct fz_obj *o = calloc(1, sizeof(*o)), *dead = NULL;
	int n = 0, victim = -1, free_i = -1, seen = 0;

	if (!o) {
		close(fd);
		return NULL;
	}
	o->kind = kind;
	o->fd = fd;
	o->refs = 2;		/* the table's and the caller's */
	o->vm = vm;
	if (vm)
		get_obj(vm);
	pthread_mutex_init(&o->lock, NULL);
	pthread_mutex_lock(&table_lock);
	o->name = next_name[kind]++;
	for (int i = 0; i < FZ_MAX_OBJS; i++) {
		if (!table[i]) {
			if (free_i < 0)
				free_i = i;
		} else if (table[i]->kind == kind) {
			n++;
			/* reservoir sampling: a random one of them */
			if (rnd(&c->rng, ++seen) == 0)
				victim = i;
		}
	}
	if (n < kind_max[kind] && free_i >= 0)
		victim = free_i;
	else if (victim < 0)	/* table full of other kinds */
		victim = (int)rnd(&c->rng, FZ_MAX_OBJS);
	if (table[victim])
		dead = close_slot(victim);
	table[victim] = o;
	pthread_mutex_unlock(&table_lock);
	if (dead)
		obj_free(dead);
	return o;
}

/* A random live object of @kind (any kind if @kind is K_NONE, any other
 * kind if @other), with a reference; table_lock held. */
static struct fz_obj *choose(struct fz_ctx *c, int kind, int other)
{
	struct fz_obj *o = NULL;
	int seen = 0;

	for (int i = 0; i < FZ_MAX_OBJS; i++) {
		struct fz_obj *x = table[i];

		if (!x)
			continue;
		if (kind != K_NONE && (other ? x->kind == kind : x->kind != kind))
			continue;
		if (rnd(&c->rng, ++seen) == 0)
			o = x;
	}
	if (o)
		o->refs++;
	return o;
}

struct fz_obj *pick_obj(struct fz_ctx *c, int kind)
{
	struct fz_obj *o;

	pthread_mutex_lock(&table_lock);
	o = choose(c, kind, 0);
	pthread_mutex_unlock(&table_lock);
	return o;
}

void pick(struct fz_ctx *c, int kind, struct fz_target *t)
{
	uint32_t r = rnd(&c->rng, 100), i;
	struct fz_obj *o = NULL;

	t->o = NULL;
	pthread_mutex_lock(&table_lock);
	if (r < 88) {
		o = choose(c, kind, 0);
		if (!o)
			o = choose(c, K_NONE, 0);
	} else if (r < 93) {
		o = choose(c, kind, 1);
	}
	if (o) {
		t->o = o;
		t->fd = o->fd;
		snprintf(t->desc, sizeof(t->desc), "%s%d", kind_name[o->kind], o->name);
	} else if (G.diff && r >= 93) {
		/* --diff: fd numbers are the target's business (an earlier
		 * difference shifts them all), so no closed or random ones */
		t->fd = -1;
		snprintf(t->desc, sizeof(t->desc), "fd-1");
	} else if (r < 96 && stale[(i = rnd(&c->rng, 8))] >= 0) {
		/* a closed fd's number: nothing, or by now another object */
		t->fd = stale[i];
		snprintf(t->desc, sizeof(t->desc), "closed");
	} else if (r < 98) {
		t->fd = -1;
		snprintf(t->desc, sizeof(t->desc), "fd-1");
	} else {
		/* any low fd: stdio, the log, our own objects */
		t->fd = (int)rnd(&c->rng, 24);
		snprintf(t->desc, sizeof(t->desc), "fd%d", t->fd);
	}
	pthread_mutex_unlock(&table_lock);
}

/* ----------------------------------------------------------- pointers */

void var(struct fz_ctx *c, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (c->var_len >= sizeof(c->var) - 1)
		return;
	if (c->var_len)
		c->var[c->var_len++] = ',';
	va_start(ap, fmt);
	n = vsnprintf(c->var + c->var_len, sizeof(c->var) - c->var_len, fmt, ap);
	va_end(ap);
	if (n > 0)
		c->var_len += (size_t)n;
	if (c->var_len >= sizeof(c->var))
		c->var_len = sizeof(c->var) - 1;
}

void *arg_ptr(struct fz_ctx *c, void *good, size_t len, int flags)
{
	uint32_t k;
	uint8_t *p;

	if (!chance(&c->rng, 12))
		return good;
	k = rnd(&c->rng, 9);
	if (k == 3 && (flags & AP_NO_RANDOM))
		k = 2;
	switch (k) {
	case 0:
		var(c, "ptr=null");
		return NULL;
	case 1:
		/* below mmap_min_addr: never mapped */
		var(c, "ptr=unmapped");
		return (void *)0x1000ul;
	case 2:
		var(c, "ptr=none");
		return page_none;
	case 3:
		/* random bytes the kernel may read but not write */
		var(c, "ptr=ro");
		return page_ro + rnd(&c->rng, 64) * 8 % (4096 - (len < 4096 ? len : 0) + 1);
	case 4:
		/* the struct runs into a PROT_NONE page half-way */
		var(c, "ptr=cut");
		if (len < 2 || len > 4096)
			return page_none;
		p = page_edge + 4096 - len / 2;
		if (good)
			memcpy(p, good, len / 2);
		return p;
	case 5:
		var(c, "ptr=kernel");
		return (void *)(chance(&c->rng, 50) ? 0xffff888000000000ul : 0xffffffff81000000ul);
	case 6:
		var(c, "ptr=noncanon");
		return (void *)(chance(&c->rng, 50) ? 0x0000800000000000ul : 0x8000000000000000ul);
	case 7:
		/* the same bytes, one byte off alignment (in a buffer of
		 * their own: c->buf + 1 overwrote the op's other arguments,
		 * the dirty log's slot under its bitmap's copy, and the diff
		 * pass found the two targets answering for different slots) */
		var(c, "ptr=odd");
		if (!good || len > FZ_BUF_SIZE - 1)
			return good;
		p = c->odd + 1;
		memcpy(p, good, len);
		return p;
	default:
		/* the top of the user half: the end lies beyond it */
		var(c, "ptr=top");
		return (void *)(0x7ffffffff000ul - (len & ~7ul) / 2);
	}
}

uint64_t arena_addr(struct fz_ctx *c, uint64_t size, int *bad)
{
	uint64_t off;

	*bad = 0;
	switch (rnd(&c->rng, 20)) {
	case 0:
		*bad = 1;
		var(c, "uaddr=kernel");
		return 0xffff888000000000ull;
	case 1:
		*bad = 1;
		var(c, "uaddr=odd");
		return (uint64_t)(uintptr_t)arena + 0x800;
	case 2:
		*bad = 1;
		var(c, "uaddr=top");
		return 0x7fffffffe000ull;
	case 3:
		/* mapped at creation, gone when a vCPU faults */
		var(c, "uaddr=unmapped");
		return 0x2000;
	default:
		if (size >= ARENA_SIZE)
			return (uint64_t)(uintptr_t)arena;
		off = (uint64_t)rnd(&c->rng, (uint32_t)((ARENA_SIZE - size) >> 12)) << 12;
		return (uint64_t)(uintptr_t)arena + off;
	}
}

void arena_churn(struct fz_ctx *c)
{
	uint8_t *p = arena + rnd(&c->rng, ARENA_SIZE / ARENA_PIECE) * ARENA_PIECE;
	int fd;

	switch (rnd(&c->rng, 5)) {
	case 0:
		mmap(p, ARENA_PIECE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
		break;
	case 1:
		mmap(p, ARENA_PIECE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
		break;
	case 2:
		/* shared memory, as a VMM with memory backends has */
		fd = memfd_create("kvm-fuzz", MFD_CLOEXEC);
		if (fd >= 0 && !ftruncate(fd, ARENA_PIECE))
			mmap(p, ARENA_PIECE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd, 0);
		if (fd >= 0)
			close(fd);
		break;
	case 3:
		madvise(p, ARENA_PIECE, MADV_DONTNEED);
		break;
	default:
		mmap(p, ARENA_PIECE, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
		break;
	}
}

/* ---------------------------------------------------------- the calls */

/** The calling thread's context, for the fault handler. */
static __thread struct fz_ctx *self;

static void on_fault(int sig)
{
	if (self && self->in_touch) {
		self->in_touch = 0;
		siglongjmp(self->fault_jmp, sig);
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

int touch(struct fz_ctx *c, volatile uint8_t *p, int write)
{
	int sig;

	self = c;
	sig = sigsetjmp(c->fault_jmp, 1);
	if (sig)
		return sig;
	c->in_touch = 1;
	if (write)
		*p = *p;
	else
		(void)*p;
	c->in_touch = 0;
	return 0;
}

/** The name of an answer: "0", "=N", "fd" or an errno name.  The C
 *  library turns a kernel answer of -4095..-1 into -1 and errno; any other
 *  negative answer (an int the kernel made of a large unsigned value)
 *  comes back as it is, and is a value, "=-N". */
static void result_name(long r, int e, int rk, char *buf, size_t len)
{
	const char *n;

	if (r == -1) {
		n = strerrorname_np(e);
		if (n)
			snprintf(buf, len, "%s", n);
		else
			snprintf(buf, len, "errno%d", e);
	} else if (rk == RK_FD) {
		snprintf(buf, len, "fd");
	} else if (r == 0 && rk == RK_PLAIN) {
		snprintf(buf, len, "0");
	} else {
		snprintf(buf, len, "=%ld", r);
	}
}

static void record(struct fz_ctx *c, const char *what, const char *target, const char *res)
{
	snprintf(c->recent[c->recent_n++ % 8], sizeof(c->recent[0]), "%s %s %s = %s",
		 what, target, c->var_len ? c->var : "-", res);
	if (G.diff)
		fprintf(G.log, "%llu %s %s %s = %s\n", (unsigned long long)G.seq++, what,
			target, c->var_len ? c->var : "-", res);
	if (G.verbose)
		fprintf(stderr, "[%d] %s %s %s = %s\n", c->tid, what, target,
			c->var_len ? c->var : "-", res);
	c->var_len = 0;
	c->var[0] = 0;
}

long fz_ioctl(struct fz_ctx *c, struct fz_target *t, const char *name,
	      unsigned long req, unsigned long arg, int rk)
{
	char res[32];
	long r;
	int e;

	c->busy_op = name;
	c->busy_since = now_ns();
	if (G.kmsg_fd >= 0) {
		/* before the call: if it takes the machine down, the serial
		 * console has said what it was */
		char line[256];
		int n = snprintf(line, sizeof(line), "kvm-fuzz[%d]: %s %s %s\n", c->tid, name,
				 t->desc, c->var_len ? c->var : "-");

		if (write(G.kmsg_fd, line, (size_t)n) < 0)
			G.kmsg_fd = -1;
	}
	/* the system call itself: ioctl() returns an int, and an answer
	 * above 2^31 (a TSC rate, say) would read as an error */
	r = syscall(SYS_ioctl, t->fd, req, arg);
	e = errno;
	c->busy_since = 0;
	c->ioctls++;
	__atomic_add_fetch(&G.issued, 1, __ATOMIC_RELAXED);
	__atomic_add_fetch(&G.errnos[r < 0 ? (e > 0 && e < 160 ? e : 0) : 0], 1,
			   __ATOMIC_RELAXED);
	result_name(r, e, rk, res, sizeof(res));
	record(c, name, t->desc, res);
	errno = e;
	return r;
}

void fz_note(struct fz_ctx *c, const char *what, const char *target, const char *result)
{
	record(c, what, target, result);
}

/* -------------------------------------------------------------- setup */

static void *map_or_die(size_t len, int prot)
{
	void *p = mmap(NULL, len, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		perror("kvm-fuzz: mmap");
		exit(2);
	}
	return p;
}

void world_init(void)
{
	struct sigaction sa = { .sa_handler = on_fault };
	struct rng r = { G.seed ^ 0x5eed };

	sigaction(SIGBUS, &sa, NULL);
	sigaction(SIGSEGV, &sa, NULL);
	page_none = map_or_die(4096, PROT_NONE);
	page_ro = map_or_die(4096, PROT_READ | PROT_WRITE);
	rnd_fill(&r, page_ro, 4096);
	mprotect(page_ro, 4096, PROT_READ);
	page_edge = map_or_die(2 * 4096, PROT_READ | PROT_WRITE);
	mprotect(page_edge + 4096, 4096, PROT_NONE);
	arena = map_or_die(ARENA_SIZE, PROT_READ | PROT_WRITE);
}

void world_fini(void)
{
	close_all();
	munmap(arena, ARENA_SIZE);
	munmap(page_none, 4096);
	munmap(page_ro, 4096);
	munmap(page_edge, 2 * 4096);
}
