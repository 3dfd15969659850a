// SPDX-License-Identifier: GPL-2.0
/**
 * @file memory.c
 * @brief Guest memory: minivmm's anonymous mappings behind the memory
 * slots, and KVM_SET_USER_MEMORY_REGION (Documentation/virt/kvm/api.rst),
 * which shows them to the guest.  QEMU: kvm_set_user_memory_region() in
 * accel/kvm/kvm-all.c.
 */
/*
 * Chapter 02: the same ioctl also moves a slot and takes it away, told
 * apart by what changes for the slot number:
 *	new slot number, size > 0	create
 *	same slot, size 0		delete
 *	same slot and size, new base	move (KVM_MR_MOVE)
 *	same slot, base and size	change flags
 * The memory stays minivmm's through all of it: a deleted slot keeps its
 * bytes, and adding it again shows the guest the same content.  And
 * KVM_GET_DIRTY_LOG reads a slot's dirty log (QEMU:
 * kvm_physical_sync_dirty_bitmap()).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <linux/kvm.h>

#include "minivmm.h"

/** Transparent huge pages are 2 MiB on x86 (Intel SDM Vol. 3A, 4.5:
 *  a PDE with PS=1 maps 2 MiB). */
#define HUGE_PAGE_SIZE	(2ull << 20)

/**
 * Map @size bytes of anonymous memory for a slot, aligned to 2 MiB.
 * KVM can map a guest page with a 2 MiB NPT/EPT entry only where the
 * host page is a 2 MiB page too, which needs guest-physical and host
 * addresses to agree modulo 2 MiB; QEMU aligns its RAM for the same
 * reason.  MAP_NORESERVE: untouched guest memory costs nothing.
 */
static void *map_guest_memory(uint64_t size)
{
	uint64_t len = size + HUGE_PAGE_SIZE;
	uint8_t *p, *aligned;

	p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	aligned = (uint8_t *)(((uintptr_t)p + HUGE_PAGE_SIZE - 1) & ~(HUGE_PAGE_SIZE - 1));
	if (aligned > p)
		munmap(p, aligned - p);
	if (aligned + size < p + len)
		munmap(aligned + size, p + len - (aligned + size));
	return aligned;
}

/** Tell the hypervisor about slot @i as it now is (KVM_SET_USER_MEMORY_REGION). */
static int set_region(struct vm *vm, unsigned int i, uint64_t size)
{
	const struct vmm_slot *s = &vm->slot[i];
	struct kvm_userspace_memory_region region = {
		.slot = i,
		.flags = (s->readonly ? KVM_MEM_READONLY : 0) |
			 (s->log ? KVM_MEM_LOG_DIRTY_PAGES : 0),
		.guest_phys_addr = s->gpa,
		.memory_size = size,
		.userspace_addr = (uintptr_t)s->host,
	};

	return ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &region) ? -errno : 0;
}

/**
 * Take the --slot slots after RAM, as KVM slots 1, 2, ..., once the
 * hypervisor says it has as many slots and, if one is read-only,
 * KVM_CAP_READONLY_MEM.  Returns 0 or a VMM_* status, after saying why.
 */
static int add_slots(struct vm *vm, const struct vmm_options *opt)
{
	int nr_memslots, need_ro = 0;

	for (unsigned int i = 0; i < opt->nr_slots; i++) {
		vm->slot[vm->nr_slots++] = opt->slot[i];
		need_ro |= opt->slot[i].readonly;
	}

	/*
	 * KVM_CHECK_EXTENSION on the VM fd: the answer can be per VM.
	 * KVM_CAP_NR_MEMSLOTS is how many slots one address space has
	 * (Linux: KVM_USER_MEM_SLOTS); KVM_CAP_READONLY_MEM says that
	 * KVM_SET_USER_MEMORY_REGION takes KVM_MEM_READONLY
	 * (Documentation/virt/kvm/api.rst).
	 */
	nr_memslots = ioctl(vm->vm_fd, KVM_CHECK_EXTENSION, KVM_CAP_NR_MEMSLOTS);
	if (vm->nr_slots > 1 && nr_memslots < (int)vm->nr_slots) {
		fprintf(stderr, "minivmm: %u memory slots asked for, the hypervisor has %d "
			"(KVM_CAP_NR_MEMSLOTS)\n", vm->nr_slots, nr_memslots);
		return VMM_KVM_ERROR;
	}
	if (need_ro && ioctl(vm->vm_fd, KVM_CHECK_EXTENSION, KVM_CAP_READONLY_MEM) <= 0) {
		fprintf(stderr, "minivmm: the hypervisor has no read-only slots "
			"(KVM_CAP_READONLY_MEM)\n");
		return VMM_KVM_ERROR;
	}
	return 0;
}

/**
 * Create the guest's memory: RAM (slot 0, -m) and any other slots, each
 * mapped and registered.  Returns 0 or a VMM_* status, after saying why.
 */
int vm_create_memory(struct vm *vm, const struct vmm_options *opt)
{
	int ret;

	vm->nr_slots = 1;
	vm->slot[0] = (struct vmm_slot) { .gpa = 0, .size = opt->mem_size };
	ret = add_slots(vm, opt);
	if (ret)
		return ret;

	for (unsigned int i = 0; i < vm->nr_slots; i++) {
		struct vmm_slot *s = &vm->slot[i];

		s->host = map_guest_memory(s->size);
		if (!s->host) {
			fprintf(stderr, "minivmm: mmap of %llu bytes for slot %u: %s\n",
				(unsigned long long)s->size, i, strerror(errno));
			return VMM_KVM_ERROR;
		}
		ret = set_region(vm, i, s->size);
		if (ret) {
			fprintf(stderr, "minivmm: KVM_SET_USER_MEMORY_REGION, slot %u "
				"(0x%llx, 0x%llx bytes): %s\n", i,
				(unsigned long long)s->gpa, (unsigned long long)s->size,
				strerror(-ret));
			return VMM_KVM_ERROR;
		}
		s->present = 1;
		/*
		 * Untouched memory still (the guest has not run): no
		 * transparent huge pages if --no-thp asks (otherwise the
		 * host's THP policy decides, as for QEMU), and a read-only
		 * slot's pattern.
		 */
		if (opt->no_thp)
			madvise(s->host, s->size, MADV_NOHUGEPAGE);
		if (s->readonly)
			vmm_pattern_fill(s->host, s->gpa, s->size, RO_FILL_SEED);
	}
	vm->mem = vm->slot[0].host;
	vm->mem_size = vm->slot[0].size;
	return 0;
}

/**
 * Make slot @i present at @gpa, or absent (@present = 0; @gpa ignored).
 * Present to present at another address is a move.  Returns 0 or
 * -errno from the ioctl; the slot is unchanged on failure.
 */
int vm_set_slot(struct vm *vm, unsigned int i, int present, uint64_t gpa)
{
	struct vmm_slot *s = &vm->slot[i];
	uint64_t old = s->gpa;
	int ret;

	if (!present) {
		/* Delete: size 0; KVM still checks the address's alignment. */
		ret = set_region(vm, i, 0);
		if (!ret)
			s->present = 0;
		return ret;
	}
	s->gpa = gpa;
	ret = set_region(vm, i, s->size);
	if (ret)
		s->gpa = old;
	else
		s->present = 1;
	return ret;
}

/**
 * KVM_GET_DIRTY_LOG for slot @i, printed on vm->out as the numbers of
 * the dirty pages.  KVM fills one bit per page of the slot, in unsigned
 * longs (Linux: kvm_get_dirty_log_protect(); the bitmap's size is
 * kvm_dirty_bitmap_bytes(): the page count rounded up to a multiple of
 * 64 bits), and, unless userspace enabled KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2,
 * clears the log and write-protects the pages again: the next call
 * reports only pages written after this one.  Returns the number of
 * dirty pages, or -errno.
 */
int64_t vm_dirty_log(struct vm *vm, unsigned int i)
{
	const struct vmm_slot *s = &vm->slot[i];
	uint64_t npages = s->size / VMM_PAGE_SIZE, count;
	struct kvm_dirty_log log = { .slot = i };
	uint64_t *bitmap;
	char list[512];

	bitmap = calloc((npages + 63) / 64, sizeof(uint64_t));
	if (!bitmap)
		return -ENOMEM;
	log.dirty_bitmap = bitmap;
	if (ioctl(vm->vm_fd, KVM_GET_DIRTY_LOG, &log)) {
		int err = errno;

		free(bitmap);
		return -err;
	}
	count = vmm_dirty_pages(bitmap, npages, list, sizeof(list));
	fprintf(vm->out, "minivmm: dirty pages of slot %u: %s\n", i, count ? list : "none");
	free(bitmap);
	return (int64_t)count;
}

/**
 * The slot whose range holds @gpa, or -1: for the MMIO report.  A present
 * slot first; else a deleted one (it keeps its last address).
 */
int vm_slot_of(const struct vm *vm, uint64_t gpa)
{
	int deleted = -1;

	for (unsigned int i = 0; i < vm->nr_slots; i++) {
		const struct vmm_slot *s = &vm->slot[i];

		if (gpa < s->gpa || gpa - s->gpa >= s->size)
			continue;
		if (s->present)
			return (int)i;
		if (deleted < 0)
			deleted = (int)i;
	}
	return deleted;
}
