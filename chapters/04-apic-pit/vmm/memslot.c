// SPDX-License-Identifier: GPL-2.0
/**
 * @file memslot.c
 * @brief The plain logic behind minivmm's memory slots: the --slot option,
 * the overlap rule, the test pattern, and the dirty bitmap turned into page
 * numbers.  No ioctl here (memory.c does those), so the unit tests check
 * all of it on the host.
 *
 * A memory slot is KVM's unit of guest memory: a range of guest-physical
 * addresses backed by a range of the VMM's own virtual memory
 * (struct kvm_userspace_memory_region, Documentation/virt/kvm/api.rst,
 * KVM_SET_USER_MEMORY_REGION).  QEMU's counterpart is kvm_set_phys_mem()
 * in accel/kvm/kvm-all.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "minivmm.h"

/** The most one slot may hold: as much as -m allows for RAM. */
#define MAX_SLOT_SIZE	(64ull << 30)
/** Guest-physical addresses minivmm accepts: the 52 bits x86 can ever
 *  have (Intel SDM Vol. 3A, 4.1.4 "Enumeration of Paging Features by
 *  CPUID": MAXPHYADDR is at most 52). */
#define MAX_GPA		(1ull << 52)

/**
 * Parse "GPA:SIZE[:ro][:log]" into @slot (its host and present fields are
 * cleared).  GPA and SIZE take vmm_parse_size()'s syntax (0x.., K/M/G)
 * and must be page-aligned, SIZE non-zero, and the range must end below
 * 2^52.  "ro" asks for KVM_MEM_READONLY, "log" for KVM_MEM_LOG_DIRTY_PAGES.
 * Returns 0, or -1 with the reason in @err.
 */
int vmm_parse_slot(const char *s, struct vmm_slot *slot, char *err, size_t errlen)
{
	char buf[128], *rest = buf, *field;
	uint64_t v[2];
	int n = 0;

	if (!s || strlen(s) >= sizeof(buf)) {
		snprintf(err, errlen, "bad slot '%s' (GPA:SIZE[:ro][:log])", s ? s : "");
		return -1;
	}
	strcpy(buf, s);
	*slot = (struct vmm_slot) { 0 };
	/* strsep, not strtok: "A::B" has an empty field, and is wrong. */
	while ((field = strsep(&rest, ":"))) {
		if (n < 2) {
			if (vmm_parse_size(field, &v[n]))
				goto bad;
			n++;
		} else if (!strcmp(field, "ro") && !slot->readonly) {
			slot->readonly = 1;
		} else if (!strcmp(field, "log") && !slot->log) {
			slot->log = 1;
		} else {
			snprintf(err, errlen, "bad slot '%s': unknown flag '%s' (ro or log)", s, field);
			return -1;
		}
	}
	if (n < 2)
		goto bad;
	if (v[0] % VMM_PAGE_SIZE || v[1] % VMM_PAGE_SIZE || !v[1]) {
		snprintf(err, errlen, "bad slot '%s': address and size must be "
			 "non-zero multiples of 4K (size) and 4K-aligned (address)", s);
		return -1;
	}
	if (v[1] > MAX_SLOT_SIZE || v[0] >= MAX_GPA || v[1] > MAX_GPA - v[0]) {
		snprintf(err, errlen, "bad slot '%s': at most 64G, ending below 2^52", s);
		return -1;
	}
	slot->gpa = v[0];
	slot->size = v[1];
	return 0;
bad:
	snprintf(err, errlen, "bad slot '%s' (GPA:SIZE[:ro][:log])", s);
	return -1;
}

/**
 * Do two of the @n slots share a guest-physical address?  KVM refuses
 * that with -EEXIST; minivmm says which two first.  Returns 1 with their
 * indexes in @a < @b, or 0.
 */
int vmm_slots_overlap(const struct vmm_slot *slots, unsigned int n,
		      unsigned int *a, unsigned int *b)
{
	for (unsigned int i = 0; i < n; i++)
		for (unsigned int j = i + 1; j < n; j++)
			if (slots[i].gpa < slots[j].gpa + slots[j].size &&
			    slots[j].gpa < slots[i].gpa + slots[i].size) {
				*a = i;
				*b = j;
				return 1;
			}
	return 0;
}

/** Write the pattern of @seed into @len bytes at @host, which the guest
 *  sees at @gpa.  @gpa and @len are multiples of 4. */
void vmm_pattern_fill(void *host, uint64_t gpa, uint64_t len, uint32_t seed)
{
	uint32_t *w = host;

	for (uint64_t off = 0; off < len; off += 4)
		*w++ = vmm_pattern(gpa + off, seed);
}

/**
 * Count the 32-bit words of @len bytes at @host (seen by the guest at
 * @gpa) that do not hold the pattern of @seed.  The offset of the first
 * one goes to @first_bad (left alone when all match).
 */
uint64_t vmm_pattern_check(const void *host, uint64_t gpa, uint64_t len,
			   uint32_t seed, uint64_t *first_bad)
{
	const uint32_t *w = host;
	uint64_t bad = 0;

	for (uint64_t off = 0; off < len; off += 4, w++) {
		if (*w == vmm_pattern(gpa + off, seed))
			continue;
		if (!bad++)
			*first_bad = off;
	}
	return bad;
}

/**
 * Turn KVM's dirty bitmap of a slot of @npages pages into "3 17 200": the
 * numbers of the set bits, in order, separated by spaces, written to @buf
 * (cut short, ending in "...", if @len is too small).  Returns how many
 * bits are set.
 *
 * The layout is KVM_GET_DIRTY_LOG's (Documentation/virt/kvm/api.rst): bit
 * i stands for page i of the slot, in an array of 64-bit words, bit 0 of
 * word 0 first - the little-endian unsigned longs of the kernel's bitmap
 * helpers.  Bits past @npages are ignored.
 */
uint64_t vmm_dirty_pages(const uint64_t *bitmap, uint64_t npages,
			 char *buf, size_t len)
{
	uint64_t count = 0;
	size_t used = 0;
	int full = 0;

	if (len)
		buf[0] = '\0';
	for (uint64_t i = 0; i < npages; i++) {
		char num[24];
		int n;

		if (!(bitmap[i / 64] & (1ull << (i % 64))))
			continue;
		count++;
		if (full)
			continue;
		n = snprintf(num, sizeof(num), "%s%llu", count > 1 ? " " : "",
			     (unsigned long long)i);
		if (used + n + 4 >= len) {
			/* Each number left room for " ..." and the NUL. */
			if (len >= used + 5)
				strcpy(buf + used, " ...");
			full = 1;
			continue;
		}
		memcpy(buf + used, num, n + 1);
		used += n;
	}
	return count;
}
