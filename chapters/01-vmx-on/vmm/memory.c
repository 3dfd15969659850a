// SPDX-License-Identifier: GPL-2.0
/**
 * @file memory.c
 * @brief Guest memory: minivmm's anonymous mappings behind the memory
 * slots, and KVM_SET_USER_MEMORY_REGION (Documentation/virt/kvm/api.rst),
 * which shows them to the guest.  QEMU: kvm_set_user_memory_region() in
 * accel/kvm/kvm-all.c.
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
		.guest_phys_addr = s->gpa,
		.memory_size = size,
		.userspace_addr = (uintptr_t)s->host,
	};

	return ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &region) ? -errno : 0;
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
	}
	vm->mem = vm->slot[0].host;
	vm->mem_size = vm->slot[0].size;
	return 0;
}
