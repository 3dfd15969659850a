// SPDX-License-Identifier: GPL-2.0
/**
 * @file ops.c
 * @brief The operations: one function per ioctl or group of ioctls.
 *
 * Each builds an argument that is valid most of the time (so the call
 * gets past the first checks into the code behind them), then now and
 * then breaks one thing: a pointer (arg_ptr()), a size or count at or
 * beyond its limit, a reserved bit, an id out of range, a wrong fd
 * (pick()).  Every ioctl minikvm implements is here, on the fd it
 * belongs to and on the others.
 *
 * In --diff mode the same seed must give the same calls on both
 * targets, so nothing here lets what a target answered change which
 * random numbers are drawn, and no description ("var") holds a pointer
 * or an fd number: only what a reader of the two logs can compare.
 * What an op remembers of its results (a VM's slots, vCPU count) is the
 * same on both targets as long as the results are.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fuzz.h"

/** x86 KVM's limits that the ABI names but the uapi does not export. @{ */
#define MAX_CPUID_ENTRIES	256
#define MAX_IO_MSRS		256
#define MAX_IRQ_ROUTES		4096
/** @} */
#define NR(a)	(sizeof(a) / sizeof((a)[0]))

/** A value that is usually small and valid, sometimes at an edge. */
static uint32_t small_or_edge(struct fz_ctx *c, uint32_t n)
{
	return chance(&c->rng, 85) ? rnd(&c->rng, n) : rnd_edge32(&c->rng);
}

/** A fresh VM fd went into the table: give it RAM and maybe devices. */
static void vm_setup(struct fz_ctx *c, struct fz_obj *vm);

/* ================================================ system fd (/dev/kvm) */

static void op_api_version(struct fz_ctx *c)
{
	struct fz_target t;
	unsigned long arg = chance(&c->rng, 90) ? 0 : rnd_edge64(&c->rng);

	pick(c, K_DEV, &t);
	if (arg)
		var(c, "arg=%#lx", arg);
	fz_ioctl(c, &t, "KVM_GET_API_VERSION", KVM_GET_API_VERSION, arg, RK_VALUE);
	put_target(&t);
}

static void op_check_extension(struct fz_ctx *c)
{
	struct fz_target t;
	unsigned long cap = chance(&c->rng, 85) ? rnd(&c->rng, 240) : rnd_edge64(&c->rng);

	pick(c, chance(&c->rng, 50) ? K_DEV : K_VM, &t);
	var(c, "cap=%lu", cap);
	fz_ioctl(c, &t, "KVM_CHECK_EXTENSION", KVM_CHECK_EXTENSION, cap, RK_VALUE);
	put_target(&t);
}

static void op_mmap_size(struct fz_ctx *c)
{
	struct fz_target t;
	unsigned long arg = chance(&c->rng, 90) ? 0 : rnd_edge64(&c->rng);

	pick(c, K_DEV, &t);
	if (arg)
		var(c, "arg=%#lx", arg);
	fz_ioctl(c, &t, "KVM_GET_VCPU_MMAP_SIZE", KVM_GET_VCPU_MMAP_SIZE, arg, RK_VALUE);
	put_target(&t);
}

/** A count for a variable-length array: small, at the limit, beyond it. */
static uint32_t count_arg(struct fz_ctx *c, uint32_t limit)
{
	switch (rnd(&c->rng, 8)) {
	case 0: var(c, "n=0"); return 0;
	case 1: var(c, "n=limit"); return limit;
	case 2: var(c, "n=limit+1"); return limit + 1;
	case 3: var(c, "n=max"); return 0xffffffffu;
	case 4: { uint32_t n = rnd_edge32(&c->rng); var(c, "n=%u", n); return n; }
	default: { uint32_t n = 1 + rnd(&c->rng, 100); var(c, "n=%u", n); return n; }
	}
}

static void op_supported_cpuid(struct fz_ctx *c)
{
	struct kvm_cpuid2 *cpuid = (struct kvm_cpuid2 *)c->buf;
	struct fz_target t;

	pick(c, K_DEV, &t);
	memset(cpuid, 0, sizeof(*cpuid));
	cpuid->nent = count_arg(c, MAX_CPUID_ENTRIES);
	fz_ioctl(c, &t, "KVM_GET_SUPPORTED_CPUID", KVM_GET_SUPPORTED_CPUID,
		 (unsigned long)arg_ptr(c, cpuid, sizeof(*cpuid), AP_WRITES), RK_PLAIN);
	put_target(&t);
}

static void op_msr_lists(struct fz_ctx *c)
{
	struct kvm_msr_list *list = (struct kvm_msr_list *)c->buf;
	int feature = chance(&c->rng, 40);
	struct fz_target t;
	uint32_t n;

	pick(c, K_DEV, &t);
	/* The buffer holds 16 K indices: a count above that the kernel
	 * checks against its own list before writing. */
	n = count_arg(c, 64);
	list->nmsrs = n > 16000 && n < 0x80000000u ? 16000 : n;
	if (feature)
		fz_ioctl(c, &t, "KVM_GET_MSR_FEATURE_INDEX_LIST", KVM_GET_MSR_FEATURE_INDEX_LIST,
			 (unsigned long)arg_ptr(c, list, sizeof(*list), AP_WRITES), RK_PLAIN);
	else
		fz_ioctl(c, &t, "KVM_GET_MSR_INDEX_LIST", KVM_GET_MSR_INDEX_LIST,
			 (unsigned long)arg_ptr(c, list, sizeof(*list), AP_WRITES), RK_PLAIN);
	put_target(&t);
}

/** struct kvm_msrs with @n entries of random MSRs at c->buf. */
static struct kvm_msrs *msrs_arg(struct fz_ctx *c, uint32_t *n_out)
{
	struct kvm_msrs *m = (struct kvm_msrs *)c->buf;
	/* --diff: one MSR at a time, so that a difference names its MSR
	 * (KVM_GET/SET_MSRS stop at the first one refused) */
	uint32_t n = chance(&c->rng, 85) ? (G.diff ? 1 : 1 + rnd(&c->rng, 6)) :
		     count_arg(c, MAX_IO_MSRS);
	uint32_t fill = n < 64 ? n : 64;

	if (n < 64)
		var(c, "n=%u", n);
	/* what the kernel may read: up to MAX_IO_MSRS entries (it refuses
	 * more before reading), all of them ours (--diff: no leftovers) */
	memset(m, 0, sizeof(*m) + MAX_IO_MSRS * sizeof(m->entries[0]));
	m->nmsrs = n;
	for (uint32_t i = 0; i < 6; i++) {	/* a fixed number of draws */
		/* --diff: a list of several holds only MSRs both implement,
		 * so that its count compares; one MSR at a time names a gap */
		uint32_t idx = G.diff && n > 1 ? common_msr(&c->rng) : guest_msr(&c->rng);
		uint64_t v = chance(&c->rng, 50) ? rnd_edge64(&c->rng) : rnd64(&c->rng) & 0xffff;

		if (i < fill) {
			m->entries[i].index = idx;
			m->entries[i].data = v;
			var(c, "%#x", idx);
		}
	}
	for (uint32_t i = 6; i < n && i < MAX_IO_MSRS; i++)	/* the rest of a long list */
		m->entries[i] = m->entries[i % 6];
	*n_out = fill;
	return m;
}

static void op_dev_get_msrs(struct fz_ctx *c)
{
	struct fz_target t;
	uint32_t fill;
	struct kvm_msrs *m;

	pick(c, K_DEV, &t);
	m = msrs_arg(c, &fill);
	fz_ioctl(c, &t, "KVM_GET_MSRS(dev)", KVM_GET_MSRS,
		 (unsigned long)arg_ptr(c, m, sizeof(*m) + fill * 16, AP_WRITES), RK_VALUE);
	put_target(&t);
}

static void op_create_vm(struct fz_ctx *c)
{
	struct fz_target t;
	unsigned long type = chance(&c->rng, 92) ? 0 : rnd_edge64(&c->rng);
	long fd;

	pick(c, K_DEV, &t);
	if (type)
		var(c, "type=%#lx", type);
	fd = fz_ioctl(c, &t, "KVM_CREATE_VM", KVM_CREATE_VM, type, RK_FD);
	put_target(&t);
	if (fd >= 0) {
		struct fz_obj *vm = add_obj(c, K_VM, (int)fd, NULL);

		if (vm) {
			vm_setup(c, vm);
			put_obj(vm);
		}
	}
}

static void op_dev_open(struct fz_ctx *c)
{
	int fd = open(G.dev, O_RDWR | O_CLOEXEC);
	struct fz_obj *o;

	fz_note(c, "open", "dev", fd >= 0 ? "0" : "error");
	if (fd < 0)
		return;
	o = add_obj(c, K_DEV, fd, NULL);
	put_obj(o);
}

/* =========================================================== VM fd */

/*
 * --diff: KVM 6.1 builds its map of APIC IDs (which vCPU an IPI, an MSI or
 * an IOAPIC entry reaches) while it creates a vCPU, before that vCPU is in
 * the VM's list, and rebuilds it only when an APIC changes: until then an
 * INIT, SIPI, NMI or fixed interrupt sent to the newest vCPU by physical
 * ID reaches no one on KVM (kvm_irq_delivery_to_apic_fast(): its slot in
 * the map is empty).  minikvm has no map and delivers it.  An MSI could
 * so start an AP on minikvm and not on KVM, and the two would part for
 * good (KVM_SET_CPUID2 after one of them entered the guest).  Writing the new vCPU's APIC back as it is
 * (KVM_GET_LAPIC, KVM_SET_LAPIC) makes KVM rebuild the map with it; on a
 * VM without an in-kernel APIC both fail alike.  Logged like any call.
 * (Until 2026-12-05 --diff turned such MSIs into fixed ones instead; this
 * also covers IOAPIC entries and any ICR write a guest's string store
 * may make, and the diff pass sends every mode.)
 */
static void diff_apic_map_refresh(struct fz_ctx *c, struct fz_obj *v)
{
	struct kvm_lapic_state *l = (void *)(c->buf + 0x2000);
	struct fz_target tv = { .fd = v->fd };

	snprintf(tv.desc, sizeof(tv.desc), "vcpu%d", v->name);
	if (fz_ioctl(c, &tv, "KVM_GET_LAPIC", KVM_GET_LAPIC, (unsigned long)l, RK_PLAIN) == 0)
		fz_ioctl(c, &tv, "KVM_SET_LAPIC", KVM_SET_LAPIC, (unsigned long)l, RK_PLAIN);
}

/** KVM_SET_USER_MEMORY_REGION through @t; the result (0 or errno). */
static int set_region(struct fz_ctx *c, struct fz_target *t, uint32_t slot, uint32_t flags,
		      uint64_t gpa, uint64_t size, uint64_t uaddr, int ptr_ok)
{
	struct kvm_userspace_memory_region *r = (void *)c->buf;
	void *p;

	memset(r, 0, sizeof(*r));
	r->slot = slot;
	r->flags = flags;
	r->guest_phys_addr = gpa;
	r->memory_size = size;
	r->userspace_addr = uaddr;
	p = ptr_ok ? (void *)r : arg_ptr(c, r, sizeof(*r), 0);
	return fz_ioctl(c, t, "KVM_SET_USER_MEMORY_REGION", KVM_SET_USER_MEMORY_REGION,
			(unsigned long)p, RK_PLAIN) < 0 ? errno : 0;
}

static void vm_setup(struct fz_ctx *c, struct fz_obj *vm)
{
	struct fz_target t = { .o = vm, .fd = vm->fd };

	snprintf(t.desc, sizeof(t.desc), "vm%d", vm->name);
	vm->ram = mmap(NULL, FZ_RAM_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (vm->ram == MAP_FAILED) {
		vm->ram = NULL;
		return;
	}
	guest_ram_init(vm->ram);
	if (chance(&c->rng, 90)) {
		var(c, "slot=0,ram");
		if (!set_region(c, &t, 0, 0, 0, FZ_RAM_SIZE, (uintptr_t)vm->ram, 1))
			vm->slots[0] = (struct fz_slot){ 0, 0, FZ_RAM_SIZE, (uintptr_t)vm->ram };
	}
	if ((G.features & F_IRQCHIP) && chance(&c->rng, 60)) {
		if (fz_ioctl(c, &t, "KVM_CREATE_IRQCHIP", KVM_CREATE_IRQCHIP, 0, RK_PLAIN) == 0)
			vm->irqchip = 1;
	}
	if ((G.features & F_LAPIC) && chance(&c->rng, 30)) {
		struct kvm_pit_config *pc = (void *)c->buf;

		memset(pc, 0, sizeof(*pc));
		pc->flags = KVM_PIT_SPEAKER_DUMMY;
		if (fz_ioctl(c, &t, "KVM_CREATE_PIT2", KVM_CREATE_PIT2, (unsigned long)pc,
			     RK_PLAIN) == 0)
			vm->pit = 1;
	}
}

static void op_create_vcpu(struct fz_ctx *c)
{
	struct fz_target t;
	struct fz_obj *vm;
	unsigned long id;
	uint32_t k = rnd(&c->rng, 100);
	long fd;

	pick(c, K_VM, &t);
	vm = t.o && t.o->kind == K_VM ? t.o : NULL;
	if (G.diff && vm && vm->nr_vcpus >= FZ_DIFF_VCPUS)
		k = 85;		/* a full VM of minikvm's (KVM_CAP_MAX_VCPUS 8)
				   refuses before it looks at the id: only
				   an id out of range answers alike */
	if (k < 70 && vm) {
		id = (unsigned long)vm->nr_vcpus;
		var(c, "id=next");
	} else if (k < 80 && !G.diff) {
		id = rnd(&c->rng, 16);
		var(c, "id=%lu", id);
	} else if (k < 85) {
		id = 0;
		var(c, "id=0");
	} else if (k < 90) {
		id = (unsigned long)G.max_vcpu_id;
		var(c, "id=MAX_VCPU_ID");
	} else if (k < 94 && !G.diff) {
		id = (unsigned long)G.max_vcpu_id - 1;
		var(c, "id=MAX_VCPU_ID-1");
	} else {
		id = chance(&c->rng, 50) ? rnd_edge64(&c->rng) | 1ull << 32 : 0xffffffffu;
		var(c, "id=huge");
	}
	fd = fz_ioctl(c, &t, "KVM_CREATE_VCPU", KVM_CREATE_VCPU, id, RK_FD);
	if (fd >= 0) {
		struct fz_obj *v = add_obj(c, K_VCPU, (int)fd, vm);

		if (v) {
			v->vcpu_id = (int)id;
			if (vm)
				v->vcpu_idx = vm->nr_vcpus++;
			v->run_size = (size_t)(G.run_size > 0 ? G.run_size : 4096);
			v->run = mmap(NULL, v->run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
				      (int)fd, 0);
			if (v->run == MAP_FAILED)
				v->run = NULL;
			if (G.qemu_tcg) {
				/* KVM's reset TR is a busy TSS: see G.qemu_tcg */
				struct kvm_sregs *s = (void *)(c->buf + 0x2000);
				struct fz_target tv = { .fd = (int)fd };

				snprintf(tv.desc, sizeof(tv.desc), "vcpu%d", v->name);
				memset(s, 0, sizeof(*s));
				fz_ioctl(c, &tv, "KVM_GET_SREGS", KVM_GET_SREGS, (unsigned long)s, RK_PLAIN);
				guest_tcg_fixup(s);
				var(c, "tr=available");
				fz_ioctl(c, &tv, "KVM_SET_SREGS", KVM_SET_SREGS, (unsigned long)s, RK_PLAIN);
			}
			if (G.diff)
				diff_apic_map_refresh(c, v);
			put_obj(v);
		}
	}
	put_target(&t);
}

/** A guest-physical address for a new memslot. */
static uint64_t slot_gpa(struct fz_ctx *c)
{
	switch (rnd(&c->rng, 8)) {
	case 0: var(c, "gpa=ram"); return rnd(&c->rng, FZ_RAM_SIZE >> 12) << 12;	/* overlaps slot 0 */
	case 1:
		if (G.diff && G.intel)	/* see G.intel */
			break;
		var(c, "gpa=apic");
		return 0xfee00000u;
	case 2: var(c, "gpa=4g"); return 0x100000000ull;
	case 3: var(c, "gpa=maxphy"); return (1ull << 40) - 0x10000;	/* the lab's CPUs: 40 bits */
	default:
		break;
	}
	uint64_t g = 0x100000u * (1 + rnd(&c->rng, 15));

	var(c, "gpa=%#llx", (unsigned long long)g);
	return g;
}

static void op_memslot(struct fz_ctx *c)
{
	struct fz_target t;
	struct fz_obj *vm;
	struct fz_slot *s, want;
	uint32_t slot, flags, k = rnd(&c->rng, 100);
	int bad = 0, r, mutate = chance(&c->rng, 15);

	pick(c, K_VM, &t);
	vm = t.o && t.o->kind == K_VM ? t.o : NULL;
	/* slot 0 (the guest's code) now and then, mostly the others */
	slot = chance(&c->rng, 8) ? 0 : 1 + rnd(&c->rng, FZ_MAX_SLOTS - 1);
	var(c, "slot=%u", slot);
	if (!vm) {
		set_region(c, &t, slot, 0, 0x200000, 0x1000, 0x2000, 0);
		put_target(&t);
		return;
	}
	/* The record is read and written under the VM's lock, the ioctl runs
	 * without it: two threads may change one VM's slots at once. */
	pthread_mutex_lock(&vm->lock);
	s = &vm->slots[slot];
	want = *s;
	pthread_mutex_unlock(&vm->lock);
	if (!want.size || k < 10) {		/* create (again) */
		want.gpa = slot_gpa(c);
		want.size = (uint64_t)(1 + rnd(&c->rng, 64)) << 12;
		if (slot == 0 && vm->ram) {
			want.gpa = 0;
			want.size = FZ_RAM_SIZE;
			want.uaddr = (uintptr_t)vm->ram;
		} else {
			want.uaddr = arena_addr(c, want.size, &bad);
		}
		want.flags = 0;
		if ((G.features & F_MMU) && chance(&c->rng, 30))
			want.flags |= chance(&c->rng, 50) ? KVM_MEM_READONLY : KVM_MEM_LOG_DIRTY_PAGES;
		var(c, "create,size=%#llx,flags=%u", (unsigned long long)want.size, want.flags);
	} else if (k < 45) {			/* delete */
		want.size = 0;
		var(c, "delete");
	} else if (k < 75) {			/* move */
		want.gpa = slot_gpa(c);
		var(c, "move");
	} else {				/* dirty logging on/off */
		want.flags ^= KVM_MEM_LOG_DIRTY_PAGES;
		var(c, "flags=%u", want.flags);
	}
	flags = want.flags;
	if (mutate) {
		bad = 1;
		switch (rnd(&c->rng, 9)) {
		case 0: want.gpa |= 0x800; var(c, "gpa+0x800"); break;
		case 1: want.size |= 0x10; var(c, "size+0x10"); break;
		case 2: flags |= 1u << (2 + rnd(&c->rng, 30)); var(c, "flags=%#x", flags); break;
		case 3: want.gpa = ~0ull << 12; var(c, "gpa=wrap"); break;
		case 4: want.size = (1ull << 31) << 12; var(c, "size=8t"); break;
		case 5: slot = (uint32_t)G.nr_memslots; var(c, "slot=NR_MEMSLOTS"); break;
		case 6: slot |= 1u << 16; var(c, "as=1"); break;
		case 7: slot = (uint32_t)G.nr_memslots - 1; var(c, "slot=NR_MEMSLOTS-1"); break;
		default: slot = 0xffff; var(c, "slot=0xffff"); break;
		}
	}
	r = set_region(c, &t, slot, flags, want.gpa, want.size, want.uaddr, 0);
	if (!r && !bad) {
		pthread_mutex_lock(&vm->lock);
		*s = want;
		pthread_mutex_unlock(&vm->lock);
	}
	put_target(&t);
}

static void op_dirty_log(struct fz_ctx *c)
{
	struct kvm_dirty_log *log = (void *)c->buf;
	uint8_t *bitmap = c->buf + 4096;
	struct fz_target t;
	uint32_t slot = rnd(&c->rng, FZ_MAX_SLOTS);

	pick(c, K_VM, &t);
	memset(log, 0, sizeof(*log));
	switch (rnd(&c->rng, 10)) {
	case 0: slot = (uint32_t)G.nr_memslots; var(c, "slot=NR_MEMSLOTS"); break;
	case 1: slot |= 1u << 16; var(c, "slot=%u,as=1", slot & 0xffff); break;
	default: var(c, "slot=%u", slot); break;
	}
	log->slot = slot;
	log->dirty_bitmap = arg_ptr(c, bitmap, 64, AP_WRITES);
	fz_ioctl(c, &t, "KVM_GET_DIRTY_LOG", KVM_GET_DIRTY_LOG,
		 (unsigned long)arg_ptr(c, log, sizeof(*log), 0), RK_PLAIN);
	put_target(&t);
}

/** An eventfd of the table (its fd), or a bad fd; says which. */
static int efd_arg(struct fz_ctx *c, const char *what, struct fz_obj **ref)
{
	struct fz_obj *o = chance(&c->rng, 85) ? pick_obj(c, K_EVENTFD) : NULL;

	*ref = o;
	if (o) {
		var(c, "%s=efd%d", what, o->name);
		return o->fd;
	}
	if (chance(&c->rng, 50)) {
		var(c, "%s=-1", what);
		return -1;
	}
	o = pick_obj(c, K_VM);		/* not an eventfd */
	*ref = o;
	var(c, "%s=%s", what, o ? "vm" : "-1");
	return o ? o->fd : -1;
}

static void op_irqfd(struct fz_ctx *c)
{
	struct kvm_irqfd *f = (void *)c->buf;
	struct fz_obj *e1, *e2 = NULL;
	struct fz_target t;
	uint32_t k = rnd(&c->rng, 10);

	pick(c, K_VM, &t);
	memset(f, 0, sizeof(*f));
	f->fd = (uint32_t)efd_arg(c, "fd", &e1);
	f->gsi = small_or_edge(c, 24);
	var(c, "gsi=%u", f->gsi);
	if (k < 3) {
		f->flags = KVM_IRQFD_FLAG_DEASSIGN;
	} else if (k < 5) {
		f->flags = KVM_IRQFD_FLAG_RESAMPLE;
		f->resamplefd = (uint32_t)efd_arg(c, "rfd", &e2);
	} else if (k < 6) {
		f->flags = rnd_edge32(&c->rng);
	}
	var(c, "flags=%#x", f->flags);
	fz_ioctl(c, &t, "KVM_IRQFD", KVM_IRQFD, (unsigned long)arg_ptr(c, f, sizeof(*f), 0),
		 RK_PLAIN);
	put_obj(e1);
	put_obj(e2);
	put_target(&t);
}

static void op_ioeventfd(struct fz_ctx *c)
{
	static const uint32_t lens[] = { 0, 1, 2, 4, 8, 3, 16 };
	struct kvm_ioeventfd *f = (void *)c->buf;
	struct fz_obj *e;
	struct fz_target t;
	int pio = chance(&c->rng, 50);

	pick(c, K_VM, &t);
	memset(f, 0, sizeof(*f));
	f->fd = efd_arg(c, "fd", &e);
	f->addr = pio ? guest_port(&c->rng) : guest_addr(&c->rng);
	f->len = lens[rnd(&c->rng, NR(lens))];
	f->datamatch = rnd(&c->rng, 4);
	f->flags = (pio ? KVM_IOEVENTFD_FLAG_PIO : 0) |
		   (chance(&c->rng, 30) ? KVM_IOEVENTFD_FLAG_DATAMATCH : 0) |
		   (chance(&c->rng, 30) ? KVM_IOEVENTFD_FLAG_DEASSIGN : 0);
	if (chance(&c->rng, 8))
		f->flags |= 1u << rnd(&c->rng, 32);
	if (chance(&c->rng, 5))
		f->addr = rnd_edge64(&c->rng);
	var(c, "addr=%#llx,len=%u,flags=%#x", (unsigned long long)f->addr, f->len, f->flags);
	fz_ioctl(c, &t, "KVM_IOEVENTFD", KVM_IOEVENTFD,
		 (unsigned long)arg_ptr(c, f, sizeof(*f), 0), RK_PLAIN);
	put_obj(e);
	put_target(&t);
}

static void op_coalesced(struct fz_ctx *c)
{
	struct kvm_coalesced_mmio_zone *z = (void *)c->buf;
	int reg = chance(&c->rng, 60);
	struct fz_target t;

	pick(c, K_VM, &t);
	memset(z, 0, sizeof(*z));
	z->pio = chance(&c->rng, 30);
	z->addr = z->pio ? guest_port(&c->rng) : guest_addr(&c->rng) & ~0xfffull;
	z->size = chance(&c->rng, 80) ? 1u << rnd(&c->rng, 13) : rnd_edge32(&c->rng);
	if (chance(&c->rng, 5))
		z->pio = rnd_edge32(&c->rng);
	var(c, "addr=%#llx,size=%#x,pio=%u", (unsigned long long)z->addr, z->size, z->pio);
	if (reg)
		fz_ioctl(c, &t, "KVM_REGISTER_COALESCED_MMIO", KVM_REGISTER_COALESCED_MMIO,
			 (unsigned long)arg_ptr(c, z, sizeof(*z), 0), RK_PLAIN);
	else
		fz_ioctl(c, &t, "KVM_UNREGISTER_COALESCED_MMIO", KVM_UNREGISTER_COALESCED_MMIO,
			 (unsigned long)arg_ptr(c, z, sizeof(*z), 0), RK_PLAIN);
	put_target(&t);
}

static void op_tss_identity(struct fz_ctx *c)
{
	struct fz_target t;
	uint64_t *addr = (uint64_t *)c->buf;

	pick(c, K_VM, &t);
	*addr = chance(&c->rng, 70) ? 0xfeffc000ull : rnd_edge64(&c->rng);
	if (!(G.features & F_LAPIC) || chance(&c->rng, 50)) {
		unsigned long a = chance(&c->rng, 70) ? 0xfffbd000ul : rnd_edge64(&c->rng);

		var(c, "addr=%#lx", a);
		fz_ioctl(c, &t, "KVM_SET_TSS_ADDR", KVM_SET_TSS_ADDR, a, RK_PLAIN);
	} else {
		var(c, "addr=%#llx", (unsigned long long)*addr);
		fz_ioctl(c, &t, "KVM_SET_IDENTITY_MAP_ADDR", KVM_SET_IDENTITY_MAP_ADDR,
			 (unsigned long)arg_ptr(c, addr, 8, 0), RK_PLAIN);
	}
	put_target(&t);
}

static void op_clock(struct fz_ctx *c)
{
	struct kvm_clock_data *d = (void *)c->buf;
	struct fz_target t;

	pick(c, K_VM, &t);
	memset(d, 0, sizeof(*d));
	if (chance(&c->rng, 50)) {
		fz_ioctl(c, &t, "KVM_GET_CLOCK", KVM_GET_CLOCK,
			 (unsigned long)arg_ptr(c, d, sizeof(*d), AP_WRITES), RK_PLAIN);
	} else {
		d->clock = chance(&c->rng, 70) ? rnd64(&c->rng) >> 20 : rnd_edge64(&c->rng);
		d->flags = chance(&c->rng, 70) ? 0 : chance(&c->rng, 50) ?
			   KVM_CLOCK_REALTIME : rnd_edge32(&c->rng);
		d->realtime = rnd64(&c->rng) >> 4;
		var(c, "flags=%#x", d->flags);
		fz_ioctl(c, &t, "KVM_SET_CLOCK", KVM_SET_CLOCK,
			 (unsigned long)arg_ptr(c, d, sizeof(*d), 0), RK_PLAIN);
	}
	put_target(&t);
}

static void op_pit(struct fz_ctx *c)
{
	struct fz_target t;
	void *p = c->buf;
	uint32_t k = rnd(&c->rng, 8);

	pick(c, K_VM, &t);
	memset(p, 0, 512);
	switch (k) {
	case 0: {
		struct kvm_pit_config *pc = p;

		pc->flags = chance(&c->rng, 80) ? KVM_PIT_SPEAKER_DUMMY : rnd_edge32(&c->rng);
		var(c, "flags=%#x", pc->flags);
		fz_ioctl(c, &t, "KVM_CREATE_PIT2", KVM_CREATE_PIT2,
			 (unsigned long)arg_ptr(c, pc, sizeof(*pc), 0), RK_PLAIN);
		break;
	}
	case 1:
		fz_ioctl(c, &t, "KVM_CREATE_PIT", KVM_CREATE_PIT, 0, RK_PLAIN);
		break;
	case 2:
		fz_ioctl(c, &t, "KVM_GET_PIT2", KVM_GET_PIT2,
			 (unsigned long)arg_ptr(c, p, sizeof(struct kvm_pit_state2), AP_WRITES), RK_PLAIN);
		break;
	case 3:
		fz_ioctl(c, &t, "KVM_GET_PIT", KVM_GET_PIT,
			 (unsigned long)arg_ptr(c, p, sizeof(struct kvm_pit_state), AP_WRITES), RK_PLAIN);
		break;
	case 4:
	case 5: {
		struct kvm_pit_state2 *s = p;

		rnd_fill(&c->rng, s, sizeof(*s));
		if (chance(&c->rng, 70)) {	/* mostly sane channels */
			for (int i = 0; i < 3; i++) {
				s->channels[i].mode = (uint8_t)rnd(&c->rng, 6);
				s->channels[i].rw_mode = (uint8_t)(1 + rnd(&c->rng, 3));
				s->channels[i].read_state = s->channels[i].rw_mode;
				s->channels[i].write_state = s->channels[i].rw_mode;
				s->channels[i].count = rnd(&c->rng, 0x10001);
			}
			s->flags = chance(&c->rng, 80) ? 0 : KVM_PIT_FLAGS_HPET_LEGACY;
		}
		if (k == 4) {
			fz_ioctl(c, &t, "KVM_SET_PIT2", KVM_SET_PIT2,
				 (unsigned long)arg_ptr(c, s, sizeof(*s), 0), RK_PLAIN);
		} else {
			fz_ioctl(c, &t, "KVM_SET_PIT", KVM_SET_PIT,
				 (unsigned long)arg_ptr(c, s, sizeof(struct kvm_pit_state), 0),
				 RK_PLAIN);
		}
		break;
	}
	default: {
		struct kvm_reinject_control *rc = p;

		rc->pit_reinject = (uint8_t)rnd(&c->rng, 3);
		var(c, "reinject=%u", rc->pit_reinject);
		fz_ioctl(c, &t, "KVM_REINJECT_CONTROL", KVM_REINJECT_CONTROL,
			 (unsigned long)arg_ptr(c, rc, sizeof(*rc), 0), RK_PLAIN);
		break;
	}
	}
	put_target(&t);
}

static void op_irqchip(struct fz_ctx *c)
{
	struct fz_target t;
	uint32_t k = rnd(&c->rng, 10);

	pick(c, K_VM, &t);
	switch (k) {
	case 0:
		fz_ioctl(c, &t, "KVM_CREATE_IRQCHIP", KVM_CREATE_IRQCHIP, 0, RK_PLAIN);
		break;
	case 1:
	case 2: {
		struct kvm_irqchip *chip = (void *)c->buf;
		uint32_t id = small_or_edge(c, 4);

		var(c, "chip=%u", id);
		if (k == 1) {
			memset(chip, 0, sizeof(*chip));
			chip->chip_id = id;
			fz_ioctl(c, &t, "KVM_GET_IRQCHIP", KVM_GET_IRQCHIP,
				 (unsigned long)arg_ptr(c, chip, sizeof(*chip), AP_WRITES), RK_PLAIN);
		} else {
			rnd_fill(&c->rng, chip, sizeof(*chip));
			chip->chip_id = id;
			chip->pad = chance(&c->rng, 80) ? 0 : 1;
			fz_ioctl(c, &t, "KVM_SET_IRQCHIP", KVM_SET_IRQCHIP,
				 (unsigned long)arg_ptr(c, chip, sizeof(*chip), 0), RK_PLAIN);
		}
		break;
	}
	case 3:
	case 4:
	case 5: {
		struct kvm_irq_level *l = (void *)c->buf;

		l->irq = small_or_edge(c, 26);
		l->level = chance(&c->rng, 90) ? rnd(&c->rng, 2) : rnd_edge32(&c->rng);
		var(c, "irq=%u,level=%u", l->irq, l->level);
		if (k == 5)
			fz_ioctl(c, &t, "KVM_IRQ_LINE_STATUS", KVM_IRQ_LINE_STATUS,
				 (unsigned long)arg_ptr(c, l, sizeof(*l), AP_WRITES), RK_PLAIN);
		else
			fz_ioctl(c, &t, "KVM_IRQ_LINE", KVM_IRQ_LINE,
				 (unsigned long)arg_ptr(c, l, sizeof(*l), 0), RK_PLAIN);
		break;
	}
	case 6:
	case 7: {
		struct kvm_irq_routing *rt = (void *)c->buf;
		uint32_t n = chance(&c->rng, 85) ? rnd(&c->rng, 30) : count_arg(c, MAX_IRQ_ROUTES);
		uint32_t fill = n < 64 ? n : 64;

		if (n < 64)
			var(c, "n=%u", n);
		/* the kernel reads up to MAX_IRQ_ROUTES entries: all ours */
		memset(rt, 0, sizeof(*rt) + MAX_IRQ_ROUTES * sizeof(rt->entries[0]));
		rt->nr = n;
		rt->flags = chance(&c->rng, 95) ? 0 : 1;
		for (uint32_t i = 0; i < 30; i++) {	/* a fixed number of draws */
			struct kvm_irq_routing_entry e = { 0 };

			e.gsi = small_or_edge(c, 24);
			e.type = chance(&c->rng, 90) ? 1 + rnd(&c->rng, 2) : rnd_edge32(&c->rng);
			e.flags = chance(&c->rng, 95) ? 0 : 1;
			if (e.type == KVM_IRQ_ROUTING_IRQCHIP) {
				e.u.irqchip.irqchip = small_or_edge(c, 3);
				e.u.irqchip.pin = small_or_edge(c, 24);
			} else {
				e.u.msi.address_lo = 0xfee00000u | rnd(&c->rng, 0x100000);
				e.u.msi.address_hi = chance(&c->rng, 90) ? 0 : rnd_edge32(&c->rng);
				e.u.msi.data = (uint32_t)rnd64(&c->rng) & 0xffff;
			}
			if (i < fill)
				rt->entries[i] = e;
		}
		fz_ioctl(c, &t, "KVM_SET_GSI_ROUTING", KVM_SET_GSI_ROUTING,
			 (unsigned long)arg_ptr(c, rt, sizeof(*rt) + fill * sizeof(rt->entries[0]), 0),
			 RK_PLAIN);
		break;
	}
	default: {
		struct kvm_msi *m = (void *)c->buf;

		memset(m, 0, sizeof(*m));
		m->address_lo = chance(&c->rng, 80) ? 0xfee00000u | rnd(&c->rng, 4) << 12 |
				rnd(&c->rng, 4) << 2 : (uint32_t)rnd_edge64(&c->rng);
		m->address_hi = chance(&c->rng, 90) ? 0 : rnd_edge32(&c->rng);
		m->data = chance(&c->rng, 80) ? (0x20 + rnd(&c->rng, 0xe0)) | rnd(&c->rng, 8) << 8 :
						rnd_edge32(&c->rng);
		m->flags = chance(&c->rng, 90) ? 0 : rnd_edge32(&c->rng);
		var(c, "addr=%#x,data=%#x,flags=%#x", m->address_lo, m->data, m->flags);
		fz_ioctl(c, &t, "KVM_SIGNAL_MSI", KVM_SIGNAL_MSI,
			 (unsigned long)arg_ptr(c, m, sizeof(*m), 0), RK_PLAIN);
		break;
	}
	}
	put_target(&t);
}

/** An ioctl number no KVM of 6.1 knows: an unused number, a known number
 *  with a size no KVM struct has, another type's; or, outside --diff
 *  mode, any number of KVM's type (KVM ioctls minikvm does not
 *  implement among them, with random arguments). */
static unsigned long unknown_cmd(struct fz_ctx *c)
{
	static const uint8_t unused[] = { 0x0b, 0x20, 0x3f, 0x49, 0x4f, 0x53, 0x5f, 0x6b,
					  0x7d, 0x7f, 0xd2, 0xdf, 0xe4, 0xf0, 0xff };

	switch (rnd(&c->rng, G.diff ? 3 : 4)) {
	case 0:
		return _IOC(rnd(&c->rng, 4), KVMIO, unused[rnd(&c->rng, NR(unused))],
			    rnd(&c->rng, 64));
	case 1:
		return _IOC(rnd(&c->rng, 4), KVMIO, rnd(&c->rng, 256), 0x3000 + rnd(&c->rng, 0x1000));
	case 2:
		/* Another type: 0xaf, which no driver behind our fds knows.
		 * Not 'T' (a low fd may be the console: TCSETS, TIOCSTI) nor
		 * the VFS's own (FS_IOC_*, FICLONE on the log file). */
		return _IOC(rnd(&c->rng, 4), 0xaf, rnd(&c->rng, 256), rnd(&c->rng, 64));
	default:
		return _IOC(rnd(&c->rng, 4), KVMIO, rnd(&c->rng, 256), rnd(&c->rng, 0x1100));
	}
}

static void op_unknown(struct fz_ctx *c)
{
	static const int kinds[] = { K_DEV, K_VM, K_VCPU, K_EVENTFD };
	struct fz_target t;
	unsigned long cmd;

	pick(c, kinds[rnd(&c->rng, NR(kinds))], &t);
	cmd = unknown_cmd(c);
	/* Random bytes behind the pointer: 64-bit words that would be user
	 * pointers into our own memory are made non-canonical, so that an
	 * ioctl following a pointer in them cannot write into the fuzzer. */
	rnd_fill(&c->rng, c->buf, 0x1100);
	for (uint64_t *w = (uint64_t *)c->buf; w < (uint64_t *)(c->buf + 0x1100); w++)
		if (*w >> 40 && *w < 0x800000000000ull)
			*w |= 0x8000000000000000ull;
	var(c, "cmd=%#lx", cmd);
	fz_ioctl(c, &t, "unknown", cmd, (unsigned long)arg_ptr(c, c->buf, 64, AP_WRITES), RK_PLAIN);
	put_target(&t);
}

/* ========================================================= vCPU fd */

/**
 * SIGUSR1 for this thread in @ns, then every @ns until disarm(): KVM_RUN
 * returns -EINTR.  Periodic, because the first signal may come before
 * the thread is in KVM_RUN (a slow emulated machine takes milliseconds
 * between two system calls), be handled in userspace, and leave a guest
 * that halts with interrupts off asleep in the kernel for good.
 */
static void arm(struct fz_ctx *c, uint64_t ns)
{
	struct itimerspec its = {
		.it_value = { (time_t)(ns / 1000000000u), (long)(ns % 1000000000u) },
		.it_interval = { (time_t)(ns / 1000000000u), (long)(ns % 1000000000u) },
	};

	if (c->have_timer)
		timer_settime(c->timer, 0, &its, NULL);
}

static void disarm(struct fz_ctx *c)
{
	struct itimerspec its = { 0 };

	if (c->have_timer)
		timer_settime(c->timer, 0, &its, NULL);
}

static void op_run(struct fz_ctx *c)
{
	static const char *const mode_name[] = { "real", "pm32", "lm64", "wild" };
	struct fz_target t, tv;
	struct fz_obj *v, *vm;
	struct kvm_run *run;
	unsigned long arg = chance(&c->rng, 97) ? 0 : rnd_edge64(&c->rng) | 1;

	pick(c, K_VCPU, &t);
	v = t.o && t.o->kind == K_VCPU ? t.o : NULL;
	vm = v ? v->vm : NULL;
	run = v ? v->run : NULL;
	/* A fresh program (and mode) most of the time, else run on. */
	if (v && vm && vm->ram && chance(&c->rng, 70)) {
		struct kvm_sregs *sregs = (void *)(c->buf + 0x2000);
		struct kvm_regs *regs = (void *)(c->buf + 0x3000);
		int mode = (int)rnd(&c->rng, 10);
		uint64_t gpa;

		mode = guest_mode(mode < 3 ? M_REAL : mode < 5 ? M_PM32 : mode < 9 ? M_LM64 : M_WILD);
		tv = t;
		tv.o = NULL;
		gpa = guest_code(c, vm->ram, v->vcpu_idx, mode);
		memset(sregs, 0, sizeof(*sregs));
		fz_ioctl(c, &tv, "KVM_GET_SREGS", KVM_GET_SREGS, (unsigned long)sregs, RK_PLAIN);
		var(c, "mode=%s", mode_name[mode]);
		guest_state(c, mode, gpa, v->vcpu_idx, sregs, regs);
		fz_ioctl(c, &tv, "KVM_SET_SREGS", KVM_SET_SREGS, (unsigned long)sregs, RK_PLAIN);
		fz_ioctl(c, &tv, "KVM_SET_REGS", KVM_SET_REGS, (unsigned long)regs, RK_PLAIN);
	}
	if (run) {
		/* What userspace may scribble on between two KVM_RUNs. */
		run->immediate_exit = chance(&c->rng, 6);
		run->request_interrupt_window = (uint8_t)chance(&c->rng, 10);
		if (chance(&c->rng, 5)) {
			run->cr8 = chance(&c->rng, 50) ? rnd(&c->rng, 16) : rnd_edge64(&c->rng);
			var(c, "cr8=%#llx", (unsigned long long)run->cr8);
		}
		if (chance(&c->rng, 5)) {	/* the exit's fields: KVM keeps its own copy */
			run->io.size = (uint8_t)rnd64(&c->rng);
			run->io.count = rnd_edge32(&c->rng);
			run->io.data_offset = rnd_edge64(&c->rng);
			run->mmio.len = rnd_edge32(&c->rng);
			var(c, "scribble");
		}
		if (run->immediate_exit)
			var(c, "immediate_exit");
	}
	if (arg)
		var(c, "arg=%#lx", arg);
	/* The timer ends a guest that does not exit by itself.  In --diff
	 * mode it is long, so that a short guest ends first on both. */
	arm(c, G.diff ? 20000000u : 1000000u + rnd(&c->rng, 8000000u));
	fz_ioctl(c, &t, "KVM_RUN", KVM_RUN, arg, RK_PLAIN);
	disarm(c);
	if (run && v) {
		uint32_t reason = run->exit_reason;

		__atomic_add_fetch(&G.runs, 1, __ATOMIC_RELAXED);
		__atomic_add_fetch(&G.exits[reason < 63 ? reason : 63], 1, __ATOMIC_RELAXED);
		/* Answers for an IN or an MMIO read, used on the next entry:
		 * from a stream of their own, as the exit is the target's
		 * (--diff: the thread's stream must not depend on it). */
		struct rng fill = { c->ioctls };

		if (reason == KVM_EXIT_IO && run->io.direction == KVM_EXIT_IO_IN &&
		    run->io.data_offset < v->run_size &&
		    (uint64_t)run->io.size * run->io.count <= v->run_size - run->io.data_offset)
			rnd_fill(&fill, (uint8_t *)run + run->io.data_offset,
				 (size_t)run->io.size * run->io.count);
		else if (reason == KVM_EXIT_MMIO && !run->mmio.is_write)
			rnd_fill(&fill, run->mmio.data, sizeof(run->mmio.data));
	}
	put_target(&t);
}

static void op_regs(struct fz_ctx *c)
{
	struct fz_target t;
	struct kvm_regs *r = (void *)c->buf;

	pick(c, K_VCPU, &t);
	if (chance(&c->rng, 50)) {
		fz_ioctl(c, &t, "KVM_GET_REGS", KVM_GET_REGS,
			 (unsigned long)arg_ptr(c, r, sizeof(*r), AP_WRITES), RK_PLAIN);
	} else {
		rnd_fill(&c->rng, r, sizeof(*r));
		if (chance(&c->rng, 70))
			r->rflags = 2 | (r->rflags & 0x3f7fd5);
		if (G.qemu_tcg) {	/* see G.qemu_tcg */
			r->rip &= 0xffffffffu;
			r->rflags &= ~0x20000ull;
		}
		fz_ioctl(c, &t, "KVM_SET_REGS", KVM_SET_REGS,
			 (unsigned long)arg_ptr(c, r, sizeof(*r), AP_NO_RANDOM), RK_PLAIN);
	}
	put_target(&t);
}

static void op_sregs(struct fz_ctx *c)
{
	struct fz_target t;
	struct kvm_sregs *s = (void *)c->buf;
	struct kvm_regs *r = (void *)(c->buf + 0x2000);
	uint32_t k = rnd(&c->rng, 10);

	pick(c, K_VCPU, &t);
	if (k < 4) {
		fz_ioctl(c, &t, "KVM_GET_SREGS", KVM_GET_SREGS,
			 (unsigned long)arg_ptr(c, s, sizeof(*s), AP_WRITES), RK_PLAIN);
	} else {
		int mode = guest_mode(k < 8 ? (int)rnd(&c->rng, 4) : M_WILD);

		/* the vCPU's own values first (APIC base, TR, LDT), then a mode */
		struct fz_target quiet = t;

		quiet.o = NULL;
		memset(s, 0, sizeof(*s));
		fz_ioctl(c, &quiet, "KVM_GET_SREGS", KVM_GET_SREGS, (unsigned long)s, RK_PLAIN);
		var(c, "mode=%d%s", mode, k == 9 ? ",random" : "");
		guest_state(c, mode, 0x20000, 0, s, r);
		if (k == 9 && !G.qemu_tcg) 	/* see G.qemu_tcg */
			rnd_fill(&c->rng, s, sizeof(*s));
		fz_ioctl(c, &t, "KVM_SET_SREGS", KVM_SET_SREGS,
			 (unsigned long)arg_ptr(c, s, sizeof(*s), AP_NO_RANDOM), RK_PLAIN);
	}
	put_target(&t);
}

/*
 * --diff: the entry of a "flipped" table whose bit changes.  The two
 * targets' tables differ in length and order (each lists what it
 * supports), so the N-th entry is another leaf on each: one target
 * refused its table (a flipped virtual-address width, 0x80000008) and the
 * other took it, or a flip hit a bit that KVM keeps up to date itself on
 * one target only (CPUID.1 EDX.APIC, ...), which a later KVM_SET_CPUID2
 * after KVM_RUN then did or did not count (2026-12-05: all 9 differences
 * left in the long diff pass).  Here the draw picks one of four leaves
 * that both tables hold, found by its number on each.  Leaf 0xD is left
 * out: a flipped dynamic XSAVE feature (AMX) is -EPERM on KVM for a
 * process that did not ask for it first, a matter of the host's FPU.
 */
static struct kvm_cpuid_entry2 *diff_cpuid_leaf(struct kvm_cpuid2 *cp, uint32_t draw)
{
	static const uint32_t leaves[] = { 0x1, 0x7, 0x80000001, 0x80000008 };
	uint32_t want = leaves[draw % NR(leaves)];

	for (uint32_t i = 0; i < cp->nent; i++)
		if (cp->entries[i].function == want && cp->entries[i].index == 0)
			return &cp->entries[i];
	return NULL;
}

static void op_cpuid2(struct fz_ctx *c)
{
	struct kvm_cpuid2 *cp = (void *)c->buf;
	struct fz_target t;
	uint32_t n = G.cpuid ? G.cpuid->nent : 0, k = rnd(&c->rng, 10);

	pick(c, K_VCPU, &t);
	if (n > MAX_CPUID_ENTRIES)
		n = MAX_CPUID_ENTRIES;
	/* the kernel reads up to MAX_CPUID_ENTRIES: all of them ours */
	memset(cp, 0, sizeof(*cp) + MAX_CPUID_ENTRIES * sizeof(cp->entries[0]));
	if (G.cpuid)
		memcpy(cp->entries, G.cpuid->entries, n * sizeof(cp->entries[0]));
	cp->nent = n;
	if (k < 5) {
		var(c, "supported");
	} else if (k < 8) {
		/* a few entries changed: a fixed number of draws */
		for (int i = 0; i < 3; i++) {
			/* rnd(n) from the draw's top half; --diff's leaf from it too */
			uint32_t d = (uint32_t)(rnd64(&c->rng) >> 32), e = (uint32_t)((uint64_t)d * n >> 32);
			uint32_t reg = rnd(&c->rng, 4), bit = rnd(&c->rng, 32);
			struct kvm_cpuid_entry2 *f = G.diff ? diff_cpuid_leaf(cp, d) :
						     n ? &cp->entries[e] : NULL;

			if (f)
				(&f->eax)[reg] ^= 1u << bit;
		}
		var(c, "flipped");
	} else if (k < 9) {
		uint8_t garbage[16];

		cp->nent = count_arg(c, MAX_CPUID_ENTRIES);
		/* garbage beyond the table, drawn whatever the table's length
		 * (the target's own: --diff's stream must not depend on it) */
		rnd_fill(&c->rng, garbage, sizeof(garbage));
		if (cp->nent > n && cp->nent <= MAX_CPUID_ENTRIES + 1)
			memcpy(cp->entries + n, garbage, sizeof(garbage));
	} else {
		cp->nent = rnd(&c->rng, 4);
		var(c, "n=%u,random", cp->nent);
		rnd_fill(&c->rng, cp->entries, 4 * sizeof(cp->entries[0]));
	}
	fz_ioctl(c, &t, "KVM_SET_CPUID2", KVM_SET_CPUID2,
		 (unsigned long)arg_ptr(c, cp, sizeof(*cp) + 40, 0), RK_PLAIN);
	put_target(&t);
}

static void op_vcpu_msrs(struct fz_ctx *c)
{
	struct fz_target t;
	uint32_t fill;
	struct kvm_msrs *m;
	int set = chance(&c->rng, 50);

	pick(c, K_VCPU, &t);
	m = msrs_arg(c, &fill);
	if (set)
		fz_ioctl(c, &t, "KVM_SET_MSRS", KVM_SET_MSRS,
			 (unsigned long)arg_ptr(c, m, sizeof(*m) + fill * 16, 0), RK_VALUE);
	else
		fz_ioctl(c, &t, "KVM_GET_MSRS", KVM_GET_MSRS,
			 (unsigned long)arg_ptr(c, m, sizeof(*m) + fill * 16, AP_WRITES), RK_VALUE);
	put_target(&t);
}

static void op_tsc_khz(struct fz_ctx *c)
{
	struct fz_target t;

	pick(c, K_VCPU, &t);
	if (chance(&c->rng, 60)) {
		fz_ioctl(c, &t, "KVM_GET_TSC_KHZ", KVM_GET_TSC_KHZ, 0, RK_VALUE);
	} else {
		unsigned long khz = chance(&c->rng, 50) ? 0 : rnd_edge64(&c->rng);

		/* A rate of 1 kHz (the ioctl reads a u32) hangs the real
		 * KVM on a CPU with TSC scaling, as the lab's Bochs CPU
		 * has: the host's rate scaled by 1/host_khz rounds to 0
		 * kHz, and kvm_get_time_scale() doubles 0 until it passes
		 * 10^9, for ever (6.1's kvm_guest_time_update(); reported
		 * with a patch on the kvm list on 2025-05-14).  Sent as 2 kHz on
		 * every target, so that minikvm and KVM see one sequence. */
		if ((uint32_t)khz == 1)
			khz++;
		var(c, "khz=%#lx", khz);
		fz_ioctl(c, &t, "KVM_SET_TSC_KHZ", KVM_SET_TSC_KHZ, khz, RK_PLAIN);
	}
	put_target(&t);
}

static void op_fpu(struct fz_ctx *c)
{
	struct fz_target t;
	struct kvm_fpu *f = (void *)c->buf;

	pick(c, K_VCPU, &t);
	if (chance(&c->rng, 50)) {
		fz_ioctl(c, &t, "KVM_GET_FPU", KVM_GET_FPU,
			 (unsigned long)arg_ptr(c, f, sizeof(*f), AP_WRITES), RK_PLAIN);
	} else {
		rnd_fill(&c->rng, f, sizeof(*f));
		if (chance(&c->rng, 60))
			f->mxcsr = 0x1f80;
		fz_ioctl(c, &t, "KVM_SET_FPU", KVM_SET_FPU,
			 (unsigned long)arg_ptr(c, f, sizeof(*f), 0), RK_PLAIN);
	}
	put_target(&t);
}

static void op_debugregs(struct fz_ctx *c)
{
	struct fz_target t;
	struct kvm_debugregs *d = (void *)c->buf;

	pick(c, K_VCPU, &t);
	if (chance(&c->rng, 40)) {
		fz_ioctl(c, &t, "KVM_GET_DEBUGREGS", KVM_GET_DEBUGREGS,
			 (unsigned long)arg_ptr(c, d, sizeof(*d), AP_WRITES), RK_PLAIN);
	} else {
		rnd_fill(&c->rng, d, sizeof(*d));
		if (chance(&c->rng, 60)) {
			d->dr6 = 0xffff0ff0 | (d->dr6 & 0xf);
			d->dr7 = 0x400 | (d->dr7 & 0xffff0ff);
			d->flags = 0;
			memset(d->reserved, 0, sizeof(d->reserved));
		}
		var(c, "dr6=%#llx,dr7=%#llx,flags=%#llx", (unsigned long long)d->dr6,
		    (unsigned long long)d->dr7, (unsigned long long)d->flags);
		fz_ioctl(c, &t, "KVM_SET_DEBUGREGS", KVM_SET_DEBUGREGS,
			 (unsigned long)arg_ptr(c, d, sizeof(*d), 0), RK_PLAIN);
	}
	put_target(&t);
}

static void op_xsave(struct fz_ctx *c)
{
	struct fz_target t;
	struct kvm_xsave *x = (void *)c->buf;
	struct kvm_xcrs *xc = (void *)(c->buf + 0x2000);

	pick(c, K_VCPU, &t);
	switch (rnd(&c->rng, 4)) {
	case 0:
		fz_ioctl(c, &t, "KVM_GET_XSAVE", KVM_GET_XSAVE,
			 (unsigned long)arg_ptr(c, x, sizeof(*x), AP_WRITES), RK_PLAIN);
		break;
	case 1: {
		struct fz_target quiet = t;
		uint64_t *hdr = (uint64_t *)((uint8_t *)x->region + 512);

		quiet.o = NULL;
		memset(x, 0, sizeof(*x));
		fz_ioctl(c, &quiet, "KVM_GET_XSAVE", KVM_GET_XSAVE, (unsigned long)x, RK_PLAIN);
		/* XSTATE_BV and XCOMP_BV in the header, MXCSR in the legacy area */
		/* only what we change goes in the description: the rest is
		 * the target's own (--diff) */
		if (chance(&c->rng, 40) || G.diff) {
			/* --diff: never the target's own XSTATE_BV, which says
			 * whether MXCSR is looked at */
			hdr[0] = chance(&c->rng, 60) ? rnd(&c->rng, 8) : rnd_edge64(&c->rng);
			var(c, "bv=%#llx", (unsigned long long)hdr[0]);
		}
		if (chance(&c->rng, 20)) {
			hdr[1] = rnd_edge64(&c->rng);
			var(c, "comp=%#llx", (unsigned long long)hdr[1]);
		} else if (G.diff) {
			hdr[1] = 0;
		}
		if (chance(&c->rng, 20)) {
			x->region[6] = rnd_edge32(&c->rng);
			var(c, "mxcsr=%#x", x->region[6]);
		}
		fz_ioctl(c, &t, "KVM_SET_XSAVE", KVM_SET_XSAVE,
			 (unsigned long)arg_ptr(c, x, sizeof(*x), 0), RK_PLAIN);
		break;
	}
	case 2:
		fz_ioctl(c, &t, "KVM_GET_XCRS", KVM_GET_XCRS,
			 (unsigned long)arg_ptr(c, xc, sizeof(*xc), AP_WRITES), RK_PLAIN);
		break;
	default:
		memset(xc, 0, sizeof(*xc));
		xc->nr_xcrs = chance(&c->rng, 80) ? 1 : small_or_edge(c, 20);
		xc->flags = chance(&c->rng, 90) ? 0 : rnd_edge32(&c->rng);
		for (int i = 0; i < KVM_MAX_XCRS; i++) {
			xc->xcrs[i].xcr = chance(&c->rng, 80) ? 0 : rnd(&c->rng, 4);
			xc->xcrs[i].value = chance(&c->rng, 50) ? 1 | rnd(&c->rng, 8) : rnd_edge64(&c->rng);
		}
		var(c, "nr=%u,xcr0=%#llx", xc->nr_xcrs, (unsigned long long)xc->xcrs[0].value);
		fz_ioctl(c, &t, "KVM_SET_XCRS", KVM_SET_XCRS,
			 (unsigned long)arg_ptr(c, xc, sizeof(*xc), 0), RK_PLAIN);
		break;
	}
	put_target(&t);
}

static void op_events(struct fz_ctx *c)
{
	struct fz_target t;
	struct kvm_vcpu_events *e = (void *)c->buf;
	uint32_t k = rnd(&c->rng, 10);

	pick(c, K_VCPU, &t);
	if (k < 3) {
		fz_ioctl(c, &t, "KVM_GET_VCPU_EVENTS", KVM_GET_VCPU_EVENTS,
			 (unsigned long)arg_ptr(c, e, sizeof(*e), AP_WRITES), RK_PLAIN);
	} else if (k < 5) {
		struct kvm_interrupt *i = (void *)c->buf;

		i->irq = small_or_edge(c, 300);
		var(c, "irq=%u", i->irq);
		fz_ioctl(c, &t, "KVM_INTERRUPT", KVM_INTERRUPT,
			 (unsigned long)arg_ptr(c, i, sizeof(*i), 0), RK_PLAIN);
	} else if (k < 6) {
		fz_ioctl(c, &t, "KVM_NMI", KVM_NMI, 0, RK_PLAIN);
	} else {
		memset(e, 0, sizeof(*e));
		e->exception.injected = (uint8_t)rnd(&c->rng, 2);
		e->exception.nr = (uint8_t)(chance(&c->rng, 80) ? rnd(&c->rng, 32) : rnd64(&c->rng));
		e->exception.has_error_code = (uint8_t)rnd(&c->rng, 2);
		e->exception.error_code = (uint32_t)rnd64(&c->rng);
		e->interrupt.injected = (uint8_t)chance(&c->rng, 30);
		e->interrupt.nr = (uint8_t)rnd64(&c->rng);
		e->interrupt.soft = (uint8_t)chance(&c->rng, 20);
		e->interrupt.shadow = (uint8_t)rnd(&c->rng, 4);
		e->nmi.injected = (uint8_t)chance(&c->rng, 20);
		e->nmi.pending = (uint8_t)chance(&c->rng, 20);
		e->nmi.masked = (uint8_t)rnd(&c->rng, 2);
		e->sipi_vector = rnd(&c->rng, 256);
		e->flags = chance(&c->rng, 70) ? (uint32_t)rnd(&c->rng, 8) :
			   rnd_edge32(&c->rng);	/* NMI_PENDING, SIPI_VECTOR, SHADOW, ... */
		if (chance(&c->rng, 10))
			e->exception.pending = 1;
		var(c, "flags=%#x,exc=%u/%u", e->flags, e->exception.injected, e->exception.nr);
		fz_ioctl(c, &t, "KVM_SET_VCPU_EVENTS", KVM_SET_VCPU_EVENTS,
			 (unsigned long)arg_ptr(c, e, sizeof(*e), 0), RK_PLAIN);
	}
	put_target(&t);
}

static void op_lapic(struct fz_ctx *c)
{
	struct fz_target t;
	struct kvm_lapic_state *l = (void *)c->buf;
	uint32_t k = rnd(&c->rng, 10);

	pick(c, K_VCPU, &t);
	if (k < 4) {
		fz_ioctl(c, &t, "KVM_GET_LAPIC", KVM_GET_LAPIC,
			 (unsigned long)arg_ptr(c, l, sizeof(*l), AP_WRITES), RK_PLAIN);
	} else {
		struct fz_target quiet = t;

		quiet.o = NULL;
		memset(l, 0, sizeof(*l));
		fz_ioctl(c, &quiet, "KVM_GET_LAPIC", KVM_GET_LAPIC, (unsigned long)l, RK_PLAIN);
		/* some registers changed: a fixed number of draws */
		for (int i = 0; i < 4; i++) {
			uint32_t reg = rnd(&c->rng, 0x40) * 0x10, v = rnd_edge32(&c->rng);

			if (i < (int)(k - 3))
				memcpy(l->regs + reg, &v, 4);
		}
		if (k == 9)
			rnd_fill(&c->rng, l, sizeof(*l));
		fz_ioctl(c, &t, "KVM_SET_LAPIC", KVM_SET_LAPIC,
			 (unsigned long)arg_ptr(c, l, sizeof(*l), 0), RK_PLAIN);
	}
	put_target(&t);
}

static void op_mp_state(struct fz_ctx *c)
{
	struct fz_target t;
	struct kvm_mp_state *m = (void *)c->buf;

	pick(c, K_VCPU, &t);
	if (chance(&c->rng, 40)) {
		fz_ioctl(c, &t, "KVM_GET_MP_STATE", KVM_GET_MP_STATE,
			 (unsigned long)arg_ptr(c, m, sizeof(*m), AP_WRITES), RK_PLAIN);
	} else {
		m->mp_state = small_or_edge(c, 11);
		var(c, "state=%u", m->mp_state);
		fz_ioctl(c, &t, "KVM_SET_MP_STATE", KVM_SET_MP_STATE,
			 (unsigned long)arg_ptr(c, m, sizeof(*m), 0), RK_PLAIN);
	}
	put_target(&t);
}

/** mmap of a vCPU fd at a random offset and length, every page touched:
 *  kvm_run, the PIO page and the coalesced-MMIO ring come back, beyond
 *  them SIGBUS. */
static void op_vcpu_mmap(struct fz_ctx *c)
{
	struct fz_obj *v = pick_obj(c, K_VCPU);
	uint32_t pages = 1 + rnd(&c->rng, 5), off = rnd(&c->rng, 5);
	int prot = chance(&c->rng, 80) ? PROT_READ | PROT_WRITE : PROT_READ;
	char res[64] = "", name[16];
	uint8_t *p;

	if (!v)
		return;
	snprintf(name, sizeof(name), "vcpu%d", v->name);
	var(c, "off=%u,pages=%u,prot=%d", off, pages, prot);
	p = mmap(NULL, pages * 4096ul, prot, MAP_SHARED, v->fd, off * 4096l);
	if (p == MAP_FAILED) {
		snprintf(res, sizeof(res), "%s", strerrorname_np(errno) ?: "error");
	} else {
		for (uint32_t i = 0; i < pages; i++) {
			int sig = touch(c, p + i * 4096ul, prot & PROT_WRITE && chance(&c->rng, 50));

			strcat(res, sig == SIGBUS ? "B" : sig ? "S" : "o");
		}
		munmap(p, pages * 4096ul);
	}
	fz_note(c, "mmap", name, res);
	put_obj(v);
}

/* ======================================================= lifecycle */

static void op_close(struct fz_ctx *c)
{
	static const int kinds[] = { K_VCPU, K_VCPU, K_VM, K_EVENTFD, K_DEV };
	int kind = kinds[rnd(&c->rng, NR(kinds))];
	struct fz_obj *o;
	char name[16];

	/* keep one system fd: CREATE_VM needs it */
	if (kind == K_DEV && count_kind(K_DEV) < 2)
		return;
	o = pick_obj(c, kind);
	if (!o)
		return;
	snprintf(name, sizeof(name), "%d", o->name);
	fz_note(c, "close", name, "0");
	obj_close(o);
	put_obj(o);
}

static void op_eventfd(struct fz_ctx *c)
{
	struct fz_obj *o;

	if (chance(&c->rng, 40) && (o = pick_obj(c, K_EVENTFD))) {
		uint64_t one = 1;

		/* a write signals an irqfd, a read consumes a resample/ioeventfd */
		if (chance(&c->rng, 70) && write(o->fd, &one, 8) < 0)
			one = 0;
		else if (read(o->fd, &one, 8) < 0)
			one = 0;
		put_obj(o);
		return;
	}
	o = add_obj(c, K_EVENTFD, eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK), NULL);
	fz_note(c, "eventfd", "-", o && o->fd >= 0 ? "0" : "error");
	put_obj(o);
}

/**
 * A child that inherited our fds uses them: KVM refuses VM and vCPU
 * ioctls from another mm (-EIO); the system fd works, and a VM the child
 * creates dies with it.  Its answers come back through a pipe.
 */
static void op_fork(struct fz_ctx *c)
{
	struct fz_obj *vm = pick_obj(c, K_VM), *v = pick_obj(c, K_VCPU), *d = pick_obj(c, K_DEV);
	int p[2], e[3] = { 0, 0, 0 };
	pid_t pid;

	if (pipe(p) == 0) {
		pid = fork();
		if (pid == 0) {
			int r[3];

			r[0] = vm && ioctl(vm->fd, KVM_CHECK_EXTENSION, KVM_CAP_USER_MEMORY) < 0 ? errno : 0;
			r[1] = v && ioctl(v->fd, KVM_RUN, 0) < 0 ? errno : 0;
			r[2] = d && ioctl(d->fd, KVM_CREATE_VM, 0) < 0 ? errno : 0;
			if (write(p[1], r, sizeof(r)) < 0)
				_exit(1);
			_exit(0);
		}
		if (pid > 0) {
			if (read(p[0], e, sizeof(e)) != sizeof(e))
				e[0] = e[1] = e[2] = -1;
			waitpid(pid, NULL, 0);
			__atomic_add_fetch(&G.forks, 1, __ATOMIC_RELAXED);
		}
		close(p[0]);
		close(p[1]);
	}
	for (int i = 0; i < 3; i++) {
		static const char *const what[] = { "child:vm", "child:vcpu", "child:dev" };
		const char *n = e[i] > 0 ? strerrorname_np(e[i]) : e[i] ? "?" : "0";
		struct fz_obj *o = i == 0 ? vm : i == 1 ? v : d;

		if (o)
			fz_note(c, what[i], "-", n ? n : "?");
	}
	put_obj(vm);
	put_obj(v);
	put_obj(d);
}

static void op_arena(struct fz_ctx *c)
{
	arena_churn(c);
}

static void op_pt_churn(struct fz_ctx *c)
{
	struct fz_obj *vm = pick_obj(c, K_VM);

	if (vm && vm->ram)
		guest_pt_churn(c, vm->ram);
	put_obj(vm);
}

/* ========================================================== the table */

/* weight[]: role 0 everything, 1 KVM_RUN, 2 memslots, 3 lifecycle */
const struct fz_op fz_ops[] = {
	{ "api_version",	op_api_version,		0,		{ 2, 0, 0, 1 }, 0 },
	{ "check_extension",	op_check_extension,	0,		{ 4, 1, 1, 2 }, 0 },
	{ "mmap_size",		op_mmap_size,		0,		{ 1, 0, 0, 1 }, 0 },
	{ "supported_cpuid",	op_supported_cpuid,	0,		{ 2, 0, 0, 1 }, 0 },
	{ "msr_lists",		op_msr_lists,		F_LAPIC,	{ 2, 0, 0, 1 }, 0 },
	{ "dev_get_msrs",	op_dev_get_msrs,	F_LAPIC,	{ 1, 0, 0, 1 }, 0 },
	{ "create_vm",		op_create_vm,		0,		{ 2, 1, 1, 8 }, 0 },
	{ "dev_open",		op_dev_open,		0,		{ 1, 0, 0, 2 }, 0 },
	{ "create_vcpu",	op_create_vcpu,		0,		{ 4, 3, 1, 10 }, 0 },
	{ "memslot",		op_memslot,		0,		{ 8, 2, 40, 4 }, 0 },
	{ "dirty_log",		op_dirty_log,		F_MMU,		{ 3, 0, 10, 1 }, 0 },
	{ "irqfd",		op_irqfd,		F_FINAL,	{ 3, 1, 1, 3 }, 0 },
	{ "ioeventfd",		op_ioeventfd,		F_FINAL,	{ 3, 1, 1, 3 }, 0 },
	{ "coalesced",		op_coalesced,		F_FINAL,	{ 2, 1, 1, 1 }, 0 },
	{ "tss_identity",	op_tss_identity,	0,		{ 1, 0, 0, 1 }, 0 },
	{ "clock",		op_clock,		F_FINAL,	{ 2, 0, 0, 1 }, 0 },
	{ "pit",		op_pit,			F_LAPIC,	{ 4, 1, 0, 2 }, 0 },
	{ "irqchip",		op_irqchip,		F_IRQCHIP,	{ 6, 2, 0, 3 }, 0 },
	{ "unknown",		op_unknown,		0,		{ 3, 0, 0, 2 }, 0 },
	{ "run",		op_run,			0,		{ 12, 60, 8, 6 }, 0 },
	{ "regs",		op_regs,		0,		{ 4, 2, 0, 1 }, 0 },
	{ "sregs",		op_sregs,		0,		{ 5, 3, 0, 1 }, 0 },
	{ "cpuid2",		op_cpuid2,		0,		{ 3, 1, 0, 2 }, 0 },
	{ "vcpu_msrs",		op_vcpu_msrs,		F_LAPIC,	{ 5, 3, 0, 1 }, 0 },
	{ "tsc_khz",		op_tsc_khz,		F_LAPIC,	{ 1, 0, 0, 1 }, 0 },
	{ "fpu",		op_fpu,			F_LAPIC,	{ 2, 1, 0, 1 }, 0 },
	{ "debugregs",		op_debugregs,		F_FINAL,	{ 2, 1, 0, 1 }, 0 },
	{ "xsave",		op_xsave,		F_FINAL,	{ 3, 1, 0, 1 }, 0 },
	{ "events",		op_events,		F_IRQCHIP,	{ 5, 3, 0, 1 }, 0 },
	{ "lapic",		op_lapic,		F_LAPIC,	{ 4, 2, 0, 1 }, 0 },
	{ "mp_state",		op_mp_state,		F_IRQCHIP,	{ 3, 2, 0, 1 }, 0 },
	{ "vcpu_mmap",		op_vcpu_mmap,		0,		{ 1, 0, 0, 1 }, 0 },
	{ "close",		op_close,		0,		{ 2, 1, 1, 8 }, 0 },
	{ "eventfd",		op_eventfd,		F_FINAL,	{ 2, 0, 0, 3 }, 0 },
	{ "fork",		op_fork,		0,		{ 0, 0, 0, 1 }, 0 },
	{ "arena",		op_arena,		0,		{ 0, 0, 4, 1 }, 0 },
	{ "pt_churn",		op_pt_churn,		0,		{ 1, 3, 0, 0 }, 0 },
};
const int fz_nops = NR(fz_ops);

void seed_world(struct fz_ctx *c)
{
	op_dev_open(c);
	op_dev_open(c);
	for (int i = 0; i < 2; i++) {
		struct fz_target t;
		long fd;

		pick(c, K_DEV, &t);
		fd = fz_ioctl(c, &t, "KVM_CREATE_VM", KVM_CREATE_VM, 0, RK_FD);
		put_target(&t);
		if (fd >= 0) {
			struct fz_obj *vm = add_obj(c, K_VM, (int)fd, NULL);

			if (vm) {
				vm_setup(c, vm);
				put_obj(vm);
			}
		}
		op_create_vcpu(c);
		op_create_vcpu(c);
	}
	if (G.features & F_FINAL) {
		op_eventfd(c);
		op_eventfd(c);
	}
}
