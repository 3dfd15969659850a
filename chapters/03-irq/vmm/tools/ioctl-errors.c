// SPDX-License-Identifier: GPL-2.0
/**
 * @file ioctl-errors.c
 * @brief Misuse KVM's ioctl ABI on purpose, one row at a time, and check
 * that every answer is KVM's.
 *
 * usage: ioctl-errors DEVICE		(/dev/kvm or /dev/minikvm)
 *
 * DESIGN.md promises that whatever minikvm does not do "fails with KVM's
 * error code, never a crash".  Each row below does one wrong thing, with
 * every other argument valid, and compares the answer with what Linux 6.1
 * gives; the comment on each row names the kernel function that decides
 * (virt/kvm/kvm_main.c, arch/x86/kvm/x86.c).  The lab runs the tool on the
 * real KVM too, so an expectation that is wrong fails there first.
 *
 * Prints "ok NAME: ANSWER" or "MISMATCH NAME: got X want Y" for each row;
 * exits 1 on any mismatch, 2 if the setup itself fails.
 */
#include <cpuid.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/kvm.h>

/** No ioctl in <linux/kvm.h> uses number 0xff. */
#define KVM_UNKNOWN_IOCTL	_IO(KVMIO, 0xff)
/** The answer "the access raised SIGBUS"; errno values are positive. */
#define RES_SIGBUS		(-SIGBUS)

/** The memslot the KVM_SET_USER_MEMORY_REGION rows start from. @{ */
#define SLOT_GPA		0x100000ull	/**< its guest-physical address */
#define SLOT_SIZE		0x10000ull	/**< its size */
/** @} */
/** Stands for "the first slot number KVM_CAP_NR_MEMSLOTS says is invalid". */
#define SLOT_FIRST_INVALID	0xffffffffu
/** A page-aligned address in the kernel's half of x86-64 (the direct map). */
#define KERNEL_HALF_ADDR	0xffff888000000000ull
/** Stands for "the last page of the user half", which depends on the
 *  host's paging (user_half_last_page()); no row uses address 1. */
#define USER_HALF_LAST_PAGE	1ull
/** A user address with 8 TiB of user half above it (no mapping needed:
 *  KVM looks only at the numbers when a slot is created). */
#define USER_ADDR_16T		0x100000000000ull
/** Linux's KVM_MEM_MAX_NR_PAGES (include/linux/kvm_host.h), not in the
 *  uapi: the largest slot, in 4 KiB pages. */
#define KVM_MEM_MAX_NR_PAGES	((1ull << 31) - 1)
/** x86 KVM's KVM_MAX_CPUID_ENTRIES (arch/x86/include/asm/kvm_host.h). */
#define KVM_MAX_CPUID_ENTRIES	256
/** 1 TiB: a slot this large must be accepted without a kernel warning. */
#define SIZE_1T			(1ull << 40)
/** A slot number nothing else uses, for a slot that is created and
 *  deleted again within one group of rows. */
#define SLOT_SCRATCH		5

/** Rows whose answer was not KVM's. */
static int mismatches;

/** Names of the errors a KVM ioctl can answer with. */
static const char *const errno_names[] = {
#define E(x) [x] = #x
	E(EPERM), E(ENOENT), E(EINTR), E(EIO), E(ENXIO), E(E2BIG), E(EBADF),
	E(EAGAIN), E(ENOMEM), E(EACCES), E(EFAULT), E(EBUSY), E(EEXIST),
	E(ENODEV), E(EINVAL), E(ENFILE), E(EMFILE), E(ENOTTY), E(ENOSPC),
	E(ERANGE), E(ENOSYS), E(EOPNOTSUPP),
#undef E
};
/** @def E
 *  One entry of errno_names: [EINVAL] = "EINVAL". */

/** Name of an answer: "success", an errno name, or "SIGBUS". */
static const char *answer_name(int res, char *buf, size_t len)
{
	if (res == 0)
		return "success";
	if (res == RES_SIGBUS)
		return "SIGBUS";
	if (res > 0 && (size_t)res < sizeof(errno_names) / sizeof(errno_names[0]) &&
	    errno_names[res])
		return errno_names[res];
	snprintf(buf, len, "errno %d", res);
	return buf;
}

/** One row of the report. */
static void check(const char *name, int got, int want)
{
	char b1[32], b2[32];

	if (got == want) {
		printf("ok %s: %s\n", name, answer_name(got, b1, sizeof(b1)));
		return;
	}
	printf("MISMATCH %s: got %s want %s\n", name, answer_name(got, b1, sizeof(b1)),
	       answer_name(want, b2, sizeof(b2)));
	mismatches++;
}

/** The answer of an ioctl: 0 for success (whatever it returned), else errno. */
static int res(long r)
{
	return r < 0 ? errno : 0;
}

/** The same for an ioctl that creates an fd: one made by mistake is closed. */
static int res_fd(int r)
{
	if (r < 0)
		return errno;
	close(r);
	return 0;
}

/** Where on_sigbus() jumps back to, in touch(). */
static sigjmp_buf sigbus_jmp;

/** A SIGBUS from touch(): return there with 1. */
static void on_sigbus(int sig)
{
	(void)sig;
	siglongjmp(sigbus_jmp, 1);
}

/** Read one byte at @p: 0, or RES_SIGBUS if the read raised SIGBUS. */
static int touch(const volatile uint8_t *p)
{
	struct sigaction sa = { .sa_handler = on_sigbus }, old;
	int ret = 0;

	sigaction(SIGBUS, &sa, &old);
	if (sigsetjmp(sigbus_jmp, 1) == 0)
		(void)*p;
	else
		ret = RES_SIGBUS;
	sigaction(SIGBUS, &old, NULL);
	return ret;
}

/**
 * KVM_SET_USER_MEMORY_REGION rows.  Each is slot 1 at SLOT_GPA, SLOT_SIZE
 * bytes of the tool's buffer, no flags, with one field wrong.  Linux:
 * kvm_vm_ioctl_set_memory_region() checks the slot against
 * KVM_USER_MEM_SLOTS, then __kvm_set_memory_region() checks flags
 * (check_memory_region_flags()), alignment of size, guest and userspace
 * address, access_ok() of the userspace range, and finally overlap.
 */
static const struct slot_row {
	const char *name;	/**< what the row does wrong, printed */
	uint32_t slot;		/**< kvm_userspace_memory_region.slot */
	uint32_t flags;		/**< .flags */
	uint64_t gpa;		/**< .guest_phys_addr */
	uint64_t size;		/**< .memory_size */
	uint64_t uaddr_off;	/**< from the start of the buffer */
	uint64_t uaddr_abs;	/**< if non-zero: this address, not the buffer */
	int want;		/**< KVM's answer: 0 or an errno */
} slot_rows[] = {
	{ "vm: memslot with a guest address not 4K-aligned",
	  1, 0, SLOT_GPA + 0x800, SLOT_SIZE, 0, 0, EINVAL },
	{ "vm: memslot with a size not a multiple of 4K",
	  1, 0, SLOT_GPA, SLOT_SIZE + 0x800, 0, 0, EINVAL },
	{ "vm: memslot with a userspace address not 4K-aligned",
	  1, 0, SLOT_GPA, SLOT_SIZE, 0x800, 0, EINVAL },
	/* 6.1 knows LOG_DIRTY_PAGES (bit 0) and READONLY (bit 1) on x86. */
	{ "vm: memslot with an unknown flag (bit 2)",
	  1, 1u << 2, SLOT_GPA, SLOT_SIZE, 0, 0, EINVAL },
	{ "vm: memslot number KVM_CAP_NR_MEMSLOTS (out of range)",
	  SLOT_FIRST_INVALID, 0, SLOT_GPA, SLOT_SIZE, 0, 0, EINVAL },
	/*
	 * The slot field is two numbers: bits 15:0 the slot, bits 31:16 the
	 * address space (x86 has two in 6.1, the second for SMM).
	 * kvm_vm_ioctl_set_memory_region() checks the low 16 bits against
	 * KVM_USER_MEM_SLOTS, __kvm_set_memory_region() the address space
	 * against KVM_ADDRESS_SPACE_NUM.
	 */
	{ "vm: memslot number 0xffff (bits 15:0 out of range)",
	  0xffff, 0, SLOT_GPA, SLOT_SIZE, 0, 0, EINVAL },
	{ "vm: memslot 1 in address space 0x8000 (bit 31 of the slot field)",
	  0x80000001u, 0, SLOT_GPA, SLOT_SIZE, 0, 0, EINVAL },
	/* __kvm_set_memory_region(): guest_phys_addr + memory_size wraps. */
	{ "vm: memslot whose guest range wraps past 2^64",
	  1, 0, 0xfffffffffffff000ull, 0x2000, 0, 0, EINVAL },
	/* access_ok() of [userspace_addr, + memory_size): the end counts. */
	{ "vm: memslot whose userspace range leaves the user half",
	  1, 0, SLOT_GPA, 0x2000, 0, USER_HALF_LAST_PAGE, EINVAL },
	/* KVM_MEM_MAX_NR_PAGES + 1 pages = 8 TiB, at a user address with
	 * room for it: only the page count is wrong. */
	{ "vm: memslot of KVM_MEM_MAX_NR_PAGES + 1 pages (8 TiB)",
	  1, 0, 0, (KVM_MEM_MAX_NR_PAGES + 1) * 4096, 0, USER_ADDR_16T, EINVAL },
	{ "vm: memslot with a userspace address in the kernel half",
	  1, 0, SLOT_GPA, SLOT_SIZE, 0, KERNEL_HALF_ADDR, EINVAL },
	/* Size 0 deletes a slot; there is nothing to delete in slot 3. */
	{ "vm: delete a memslot that does not exist",
	  3, 0, SLOT_GPA, 0, 0, 0, EINVAL },
	/* The control row: the same region with nothing wrong is accepted. */
	{ "vm: memslot 1, every field valid",
	  1, 0, SLOT_GPA, SLOT_SIZE, 0, 0, 0 },
	/* kvm_check_memslot_overlap(): guest ranges of two slots must not meet. */
	{ "vm: memslot 2 overlapping memslot 1",
	  2, 0, SLOT_GPA + SLOT_SIZE / 2, SLOT_SIZE, 0, 0, EEXIST },
};
/**
 * user_half_last_page - the last page below TASK_SIZE_MAX, where the
 * user half of x86-64 ends: 0x7ffffffff000 with 4-level paging,
 * 0xfffffffffff000 with 5-level paging (CR4.LA57), which Linux turns on
 * where the CPU has it (QEMU's -cpu max does, for a kernel booted from
 * its bzImage).  The answer of a fixed mapping at 2^47, which only a
 * 5-level user half holds.
 */
static uint64_t user_half_last_page(void)
{
	void *probe = (void *)(1ull << 47);
	void *p = mmap(probe, 4096, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);

	if (p == MAP_FAILED)
		return 0x7fffffffe000ull;
	munmap(p, 4096);
	return p == probe ? 0xffffffffffe000ull : 0x7fffffffe000ull;
}

/** @var slot_rows
 *  The KVM_SET_USER_MEMORY_REGION rows, run in order. */

/** KVM_SET_USER_MEMORY_REGION on @vm with these fields: 0 or errno. */
static int set_slot(int vm, uint32_t slot, uint32_t flags, uint64_t gpa,
		    uint64_t size, const void *uaddr)
{
	struct kvm_userspace_memory_region region = {
		.slot = slot, .flags = flags, .guest_phys_addr = gpa,
		.memory_size = size, .userspace_addr = (uintptr_t)uaddr,
	};

	return res(ioctl(vm, KVM_SET_USER_MEMORY_REGION, &region));
}

/** KVM_GET_DIRTY_LOG of @slot into @bitmap: 0 or errno. */
static int get_dirty_log(int vm, uint32_t slot, void *bitmap)
{
	struct kvm_dirty_log log = { .slot = slot, .dirty_bitmap = bitmap };

	return res(ioctl(vm, KVM_GET_DIRTY_LOG, &log));
}

/**
 * The host's physical-address width, CPUID 0x80000008 EAX[7:0] (AMD APM
 * Vol. 3, E.4.7; Intel SDM Vol. 2A, CPUID): x86 KVM refuses a memslot
 * that ends above it (kvm_arch_prepare_memory_region(), kvm_mmu_max_gfn():
 * with EPT/NPT it is the host's width that counts, not the guest's).
 */
static unsigned int host_phys_bits(void)
{
	unsigned int eax, ebx, ecx, edx;

	if (!__get_cpuid(0x80000000, &eax, &ebx, &ecx, &edx) || eax < 0x80000008)
		return 36;	/* the architectural default */
	__get_cpuid(0x80000008, &eax, &ebx, &ecx, &edx);
	return eax & 0xff;
}

/**
 * The rows of chapter 02 (the MMU): moving a slot, dirty logging, and
 * slots too large to pin at creation.  A hypervisor without
 * KVM_CAP_READONLY_MEM (minikvm's chapter 01, which pins and maps every
 * page of a slot when it is created and has no KVM_GET_DIRTY_LOG) skips
 * them, saying so; the real KVM always runs them.
 *
 * On entry slot 1 is SLOT_GPA, SLOT_SIZE bytes of @buf, no flags, and
 * slot 2 is SLOT_GPA + 2 * SLOT_SIZE, SLOT_SIZE bytes at @buf + SLOT_SIZE.
 */
static void mmu_rows(int dev, int vm, uint8_t *buf, void *bad, int nr_slots,
		     int as_count, unsigned int phys_bits)
{
	uint64_t max_gpa = 1ull << phys_bits;
	uint64_t moved = SLOT_GPA + 4 * SLOT_SIZE;
	size_t big_bitmap = SIZE_1T / 4096 / 8;
	uint64_t bitmap[SLOT_SIZE / 4096 / 64 + 1];
	void *big, *big_log;
	int vm2;

	/*
	 * __kvm_set_memory_region() on an existing slot: the userspace
	 * address, the size and KVM_MEM_READONLY must stay (checked above);
	 * a new guest address is KVM_MR_MOVE, checked for overlap like a new
	 * slot (-EEXIST) and against MAXPHYADDR; only the dirty-logging flag
	 * may change (KVM_MR_FLAGS_ONLY).
	 */
	check("vm: memslot 1 moved onto memslot 2",
	      set_slot(vm, 1, 0, SLOT_GPA + 2 * SLOT_SIZE + SLOT_SIZE / 2, SLOT_SIZE, buf),
	      EEXIST);
	check("vm: memslot 1 moved to end one page beyond MAXPHYADDR",
	      set_slot(vm, 1, 0, max_gpa - SLOT_SIZE + 4096, SLOT_SIZE, buf), EINVAL);
	check("vm: memslot 1 moved to a free range",
	      set_slot(vm, 1, 0, moved, SLOT_SIZE, buf), 0);
	check("vm: memslot 1 with dirty logging turned on",
	      set_slot(vm, 1, KVM_MEM_LOG_DIRTY_PAGES, moved, SLOT_SIZE, buf), 0);

	/*
	 * kvm_vm_ioctl() copies struct kvm_dirty_log in (-EFAULT);
	 * kvm_get_dirty_log_protect() checks the address space and the slot
	 * number (-EINVAL), wants a slot that logs (-ENOENT), and copies
	 * the bitmap out last (-EFAULT).
	 */
	check("vm: KVM_GET_DIRTY_LOG from a bad pointer",
	      res(ioctl(vm, KVM_GET_DIRTY_LOG, bad)), EFAULT);
	check("vm: KVM_GET_DIRTY_LOG of slot KVM_CAP_NR_MEMSLOTS",
	      get_dirty_log(vm, nr_slots, bitmap), EINVAL);
	check("vm: KVM_GET_DIRTY_LOG of slot 1 in address space KVM_CAP_MULTI_ADDRESS_SPACE",
	      get_dirty_log(vm, (uint32_t)as_count << 16 | 1, bitmap), EINVAL);
	check("vm: KVM_GET_DIRTY_LOG of a memslot that does not exist",
	      get_dirty_log(vm, 3, bitmap), ENOENT);
	check("vm: KVM_GET_DIRTY_LOG of a memslot without dirty logging",
	      get_dirty_log(vm, 2, bitmap), ENOENT);
	check("vm: KVM_GET_DIRTY_LOG to a bad bitmap pointer",
	      get_dirty_log(vm, 1, bad), EFAULT);
	check("vm: KVM_GET_DIRTY_LOG of memslot 1, every field valid",
	      get_dirty_log(vm, 1, bitmap), 0);
	check("vm: memslot 1 with dirty logging turned off",
	      set_slot(vm, 1, 0, moved, SLOT_SIZE, buf), 0);
	check("vm: KVM_GET_DIRTY_LOG of memslot 1 once logging is off",
	      get_dirty_log(vm, 1, bitmap), ENOENT);

	/*
	 * A 1 TiB slot, in a VM of its own.  The memory behind it is
	 * reserved, never touched: KVM allocates nothing per page of a slot
	 * up front (its rmaps wait for shadow paging), so this must succeed
	 * without a kernel warning, and dirty logging costs one bit per page
	 * (32 MiB here, kvzalloc()'d).  Where the host's MAXPHYADDR is below
	 * 40 bits the slot ends beyond it, and KVM says -EINVAL.
	 */
	vm2 = ioctl(dev, KVM_CREATE_VM, 0);
	big = mmap(NULL, SIZE_1T, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	big_log = mmap(NULL, big_bitmap, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (vm2 < 0 || big == MAP_FAILED || big_log == MAP_FAILED) {
		printf("MISMATCH vm2: setup for the 1 TiB rows failed: %s\n", strerror(errno));
		mismatches++;
		return;
	}
	if (SIZE_1T > max_gpa) {
		check("vm2: memslot of 1 TiB, beyond this host's MAXPHYADDR",
		      set_slot(vm2, 0, 0, 0, SIZE_1T, big), EINVAL);
	} else {
		check("vm2: memslot of 1 TiB", set_slot(vm2, 0, 0, 0, SIZE_1T, big), 0);
		check("vm2: 1 TiB memslot with dirty logging turned on",
		      set_slot(vm2, 0, KVM_MEM_LOG_DIRTY_PAGES, 0, SIZE_1T, big), 0);
		check("vm2: KVM_GET_DIRTY_LOG of the 1 TiB memslot (32 MiB)",
		      get_dirty_log(vm2, 0, big_log), 0);
		check("vm2: delete the 1 TiB memslot", set_slot(vm2, 0, 0, 0, 0, big), 0);
	}
	close(vm2);
	munmap(big, SIZE_1T);
	munmap(big_log, big_bitmap);
}

/**
 * KVM_SET_CPUID2 rows.  kvm_arch_vcpu_ioctl() copies the header in
 * (-EFAULT); kvm_vcpu_ioctl_set_cpuid2() refuses more than
 * KVM_MAX_CPUID_ENTRIES (-E2BIG) before it copies the entries
 * (vmemdup_user(): -EFAULT).  The vCPU has not run, so any table is
 * accepted; the last row leaves it empty again.
 */
static void cpuid_rows(int vcpu, void *bad)
{
	size_t len = sizeof(struct kvm_cpuid2) +
		     (KVM_MAX_CPUID_ENTRIES + 1) * sizeof(struct kvm_cpuid_entry2);
	struct kvm_cpuid2 *cpuid = calloc(1, len), *edge;
	uint8_t *pages;

	/* A header that ends where a PROT_NONE page begins: its entries
	 * cannot be read. */
	pages = mmap(NULL, 2 * 4096, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!cpuid || pages == MAP_FAILED || mprotect(pages + 4096, 4096, PROT_NONE)) {
		printf("MISMATCH vcpu: setup for the KVM_SET_CPUID2 rows failed: %s\n",
		       strerror(errno));
		mismatches++;
		return;
	}
	edge = (struct kvm_cpuid2 *)(pages + 4096 - sizeof(*edge));
	edge->nent = 1;

	check("vcpu: KVM_SET_CPUID2 from a bad pointer",
	      res(ioctl(vcpu, KVM_SET_CPUID2, bad)), EFAULT);
	cpuid->nent = KVM_MAX_CPUID_ENTRIES + 1;
	check("vcpu: KVM_SET_CPUID2 with KVM_MAX_CPUID_ENTRIES + 1 entries",
	      res(ioctl(vcpu, KVM_SET_CPUID2, cpuid)), E2BIG);
	cpuid->nent = 0xffffffffu;
	check("vcpu: KVM_SET_CPUID2 with 0xffffffff entries",
	      res(ioctl(vcpu, KVM_SET_CPUID2, cpuid)), E2BIG);
	check("vcpu: KVM_SET_CPUID2 with its entries at a bad pointer",
	      res(ioctl(vcpu, KVM_SET_CPUID2, edge)), EFAULT);
	cpuid->nent = KVM_MAX_CPUID_ENTRIES;
	check("vcpu: KVM_SET_CPUID2 with KVM_MAX_CPUID_ENTRIES entries",
	      res(ioctl(vcpu, KVM_SET_CPUID2, cpuid)), 0);
	cpuid->nent = 0;
	check("vcpu: KVM_SET_CPUID2 with no entries",
	      res(ioctl(vcpu, KVM_SET_CPUID2, cpuid)), 0);
	munmap(pages, 2 * 4096);
	free(cpuid);
}

/**
 * KVM_SET_SREGS against the CPU's features (kvm_is_valid_sregs()).
 * CR4.SMEP (bit 20): reserved where the host lacks SMEP
 * (cr4_reserved_bits), and where the vCPU's CPUID table does not show it
 * (CPUID.(7,0):EBX bit 7; cr4_guest_rsvd_bits, computed by each
 * KVM_SET_CPUID2: before the first, only the host counts).  In long mode
 * CR3 is a physical address: a bit above the guest's MAXPHYADDR (36
 * without leaf 0x80000008) is -EINVAL (kvm_vcpu_is_illegal_gpa()).  CR0
 * may not set NW without CD (kvm_is_valid_cr0()).
 * kvm-fuzz --diff found minikvm taking such states (vmx, 2026-12-05;
 * docs/reliability.md).
 */
static void cr4_cpuid_rows(int dev)
{
	struct {
		struct kvm_cpuid2 hdr;
		struct kvm_cpuid_entry2 e[1];
	} t = { .hdr.nent = 1 };
	unsigned int a, b = 0, c = 0, d;
	struct kvm_sregs sregs, lm, x;
	int vm, vcpu, host_smep, host_la57;
	/* SMXE, bit 15, KL, CET, PKS, bit 32: never a guest's */
	static const int never[] = { 14, 15, 19, 23, 24, 32 };

	host_smep = __get_cpuid_count(7, 0, &a, &b, &c, &d) && (b & (1u << 7));
	host_la57 = (c >> 16) & 1;
	vm = ioctl(dev, KVM_CREATE_VM, 0);
	vcpu = vm < 0 ? -1 : ioctl(vm, KVM_CREATE_VCPU, 0);
	if (vcpu < 0 || ioctl(vcpu, KVM_GET_SREGS, &sregs)) {
		printf("MISMATCH cr4-cpuid: setup failed: %s\n", strerror(errno));
		mismatches++;
		return;
	}
	lm = sregs;
	sregs.cr4 |= 1u << 20;			/* SMEP */
	check("vcpu: KVM_SET_SREGS with CR4.SMEP, no CPUID table yet",
	      res(ioctl(vcpu, KVM_SET_SREGS, &sregs)), host_smep ? 0 : EINVAL);
	t.e[0].function = 7;
	t.e[0].flags = KVM_CPUID_FLAG_SIGNIFCANT_INDEX;
	check("vcpu: KVM_SET_CPUID2 without SMEP", res(ioctl(vcpu, KVM_SET_CPUID2, &t)), 0);
	check("vcpu: KVM_SET_SREGS with CR4.SMEP, CPUID without SMEP",
	      res(ioctl(vcpu, KVM_SET_SREGS, &sregs)), EINVAL);
	t.e[0].ebx = 1u << 7;			/* SMEP */
	check("vcpu: KVM_SET_CPUID2 with SMEP", res(ioctl(vcpu, KVM_SET_CPUID2, &t)), 0);
	check("vcpu: KVM_SET_SREGS with CR4.SMEP, CPUID with SMEP",
	      res(ioctl(vcpu, KVM_SET_SREGS, &sregs)), host_smep ? 0 : EINVAL);
	/* CR4 bits no guest may set, whatever its CPUID (KVM: they are in
	 * CR4_RESERVED_BITS). */
	for (unsigned int i = 0; i < sizeof(never) / sizeof(never[0]); i++) {
		char what[64];

		x = lm;
		x.cr4 |= 1ull << never[i];
		snprintf(what, sizeof(what), "vcpu: KVM_SET_SREGS with CR4 bit %d", never[i]);
		check(what, res(ioctl(vcpu, KVM_SET_SREGS, &x)), EINVAL);
	}
	/* LA57 (5-level paging) with a CPUID that offers it: only where the
	 * host's CPU has it too. */
	t.e[0].ecx = 1u << 16;
	check("vcpu: KVM_SET_CPUID2 with LA57", res(ioctl(vcpu, KVM_SET_CPUID2, &t)), 0);
	x = lm;
	x.cr4 |= 1u << 12;
	check("vcpu: KVM_SET_SREGS with CR4.LA57, CPUID with LA57",
	      res(ioctl(vcpu, KVM_SET_SREGS, &x)), host_la57 ? 0 : EINVAL);
	/* Long mode: PE and PG, PAE, LME and LMA, a 64-bit CS. */
	lm.cr0 |= 0x80000001;
	lm.cr4 |= 1u << 5;
	lm.efer |= 0x500;
	lm.cs.l = 1;
	lm.cs.db = 0;
	lm.cr3 = 1ull << 36;			/* MAXPHYADDR 36: no leaf 0x80000008 */
	check("vcpu: KVM_SET_SREGS in long mode, CR3 above MAXPHYADDR",
	      res(ioctl(vcpu, KVM_SET_SREGS, &lm)), EINVAL);
	lm.cr3 = 0x1000;
	check("vcpu: KVM_SET_SREGS in long mode, CR3 below MAXPHYADDR",
	      res(ioctl(vcpu, KVM_SET_SREGS, &lm)), 0);
	/* Not-write-through without cache-disable: #GP on a CPU's MOV to
	 * CR0 (Intel SDM Vol. 3A, 2.5), -EINVAL here (kvm_is_valid_cr0()). */
	lm.cr0 = (lm.cr0 | 1u << 29) & ~(1u << 30);	/* the reset value has both */
	check("vcpu: KVM_SET_SREGS with CR0.NW but not CR0.CD",
	      res(ioctl(vcpu, KVM_SET_SREGS, &lm)), EINVAL);
	lm.cr0 |= 1u << 30;
	check("vcpu: KVM_SET_SREGS with CR0.NW and CR0.CD",
	      res(ioctl(vcpu, KVM_SET_SREGS, &lm)), 0);
	close(vcpu);
	close(vm);
}

/**
 * KVM_SET_CPUID2 once the vCPU has run (kvm_set_cpuid(): only the same
 * table again, else -EINVAL) and KVM's one check of any table
 * (kvm_check_cpuid(): CPUID 0x80000008 may give a virtual-address width
 * of 48, 57 or 0 bits only).  In a VM of its own: one page of RAM at 0
 * holding a HLT, which the vCPU runs in real mode from 0000:0000 and
 * exits on (no irqchip: KVM_EXIT_HLT).  Both found by kvm-fuzz --diff
 * (docs/reliability.md), where minikvm answered 0.
 */
static void cpuid_run_rows(int dev)
{
	struct {
		struct kvm_cpuid2 hdr;
		struct kvm_cpuid_entry2 e[3];
	} t = { .hdr.nent = 3 };
	struct kvm_sregs sregs;
	struct kvm_regs regs = { .rflags = 2 };
	uint8_t *ram;
	int vm, vcpu;

	vm = ioctl(dev, KVM_CREATE_VM, 0);
	vcpu = vm < 0 ? -1 : ioctl(vm, KVM_CREATE_VCPU, 0);
	ram = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (vcpu < 0 || ram == MAP_FAILED || set_slot(vm, 0, 0, 0, 4096, ram) ||
	    ioctl(vcpu, KVM_GET_SREGS, &sregs)) {
		printf("MISMATCH cpuid-run: setup failed: %s\n", strerror(errno));
		mismatches++;
		return;
	}
	ram[0] = 0xf4;				/* hlt */
	sregs.cs.selector = 0;
	sregs.cs.base = 0;
	t.e[0].function = 0;
	t.e[0].eax = 0x80000008;
	t.e[1].function = 0x80000008;
	t.e[1].eax = 0x2028;			/* 40-bit physical, 32-bit virtual */
	t.e[2].function = 1;
	t.e[2].edx = 1u << 9;			/* APIC */
	check("vcpu: KVM_SET_CPUID2 with a virtual-address width of 32 bits",
	      res(ioctl(vcpu, KVM_SET_CPUID2, &t)), EINVAL);
	t.e[1].eax = 0x3028;			/* 48-bit virtual */
	check("vcpu: KVM_SET_CPUID2 with 48 bits", res(ioctl(vcpu, KVM_SET_CPUID2, &t)), 0);
	check("vcpu: KVM_RUN to a HLT", ioctl(vcpu, KVM_SET_SREGS, &sregs) ||
	      ioctl(vcpu, KVM_SET_REGS, &regs) ? errno : res(ioctl(vcpu, KVM_RUN, 0)), 0);
	check("vcpu: KVM_SET_CPUID2 after KVM_RUN, the same table",
	      res(ioctl(vcpu, KVM_SET_CPUID2, &t)), 0);
	/* CPUID.1:EDX.APIC follows APIC_BASE, whatever a table says
	 * (__kvm_update_cpuid_runtime()): no difference. */
	t.e[2].edx = 0;
	check("vcpu: KVM_SET_CPUID2 after KVM_RUN, the same but CPUID.1:EDX.APIC",
	      res(ioctl(vcpu, KVM_SET_CPUID2, &t)), 0);
	t.e[2].edx = 1u << 9;
	t.e[1].eax = 0x3027;
	check("vcpu: KVM_SET_CPUID2 after KVM_RUN, another table",
	      res(ioctl(vcpu, KVM_SET_CPUID2, &t)), EINVAL);
	t.hdr.nent = 2;
	check("vcpu: KVM_SET_CPUID2 after KVM_RUN, one entry fewer",
	      res(ioctl(vcpu, KVM_SET_CPUID2, &t)), EINVAL);
	close(vcpu);
	close(vm);
	munmap(ram, 4096);
}

/** Linux's KVM_MAX_IRQ_ROUTES (include/linux/kvm_host.h), not in the
 *  uapi: the most entries, and the GSI bound, of KVM_SET_GSI_ROUTING. */
#define KVM_MAX_IRQ_ROUTES	4096
/** A chip id beyond KVM_IRQCHIP_IOAPIC (x86 has three chips). */
#define IRQCHIP_BAD_ID		3

/** A routing table of @p nr entries, for KVM_SET_GSI_ROUTING. */
struct routing {
	struct kvm_irq_routing hdr;	/**< nr and flags */
	struct kvm_irq_routing_entry e[];	/**< the entries */
};

/** KVM_SET_GSI_ROUTING of @p nr entries @p e, with @p flags: 0 or errno. */
static int set_routing(int vm, const struct kvm_irq_routing_entry *e, uint32_t nr,
		       uint32_t flags)
{
	struct routing *rt = calloc(1, sizeof(*rt) + nr * sizeof(rt->e[0]));
	int r;

	if (!rt)
		return ENOMEM;
	rt->hdr.nr = nr;
	rt->hdr.flags = flags;
	if (nr)
		memcpy(rt->e, e, nr * sizeof(rt->e[0]));
	r = res(ioctl(vm, KVM_SET_GSI_ROUTING, rt));
	free(rt);
	return r;
}

/** An irqchip routing entry: GSI @p gsi drives input @p pin of @p chip. */
static struct kvm_irq_routing_entry route(uint32_t gsi, uint32_t chip, uint32_t pin)
{
	return (struct kvm_irq_routing_entry) {
		.gsi = gsi, .type = KVM_IRQ_ROUTING_IRQCHIP,
		.u.irqchip = { .irqchip = chip, .pin = pin },
	};
}

/** KVM_GET_IRQCHIP or KVM_SET_IRQCHIP of chip @p id through @p chip: 0 or errno. */
static int irqchip(int vm, unsigned long req, struct kvm_irqchip *chip, uint32_t id)
{
	chip->chip_id = id;
	return res(ioctl(vm, req, chip));
}

/**
 * One KVM_IRQ_LINE_STATUS row: GSI @p gsi to @p level, and the status KVM
 * reports for it.  The status is the sum over the pins the GSI is routed
 * to of each pin's answer (1 taken, 0 coalesced with a request still
 * pending), leaving out the pins that ignored it (-1: masked); -1 if all
 * did, or if nothing is routed there (virt/kvm/irqchip.c kvm_set_irq(),
 * i8259.c pic_set_irq1(), ioapic.c ioapic_set_irq()).
 */
static void check_line_status(const char *name, int vm, uint32_t gsi, uint32_t level, int want)
{
	struct kvm_irq_level ev = { .irq = gsi, .level = level };

	if (ioctl(vm, KVM_IRQ_LINE_STATUS, &ev) < 0) {
		printf("MISMATCH %s: %s, want status %d\n", name, strerror(errno), want);
		mismatches++;
	} else if (ev.status != want) {
		printf("MISMATCH %s: got status %d want status %d\n", name, ev.status, want);
		mismatches++;
	} else {
		printf("ok %s: status %d\n", name, ev.status);
	}
}

/**
 * The irqchip rows, on @p vm (which has vCPU 0 and no irqchip) and on a VM
 * of their own.  x86.c kvm_arch_vm_ioctl() decides KVM_CREATE_IRQCHIP
 * (kvm->lock: -EEXIST if there is one, -EINVAL once vCPUs exist) and
 * KVM_GET/SET_IRQCHIP (memdup_user() first: -EFAULT, then -ENXIO without
 * an irqchip, -EINVAL for a chip id other than 0-2, copy_to_user() last);
 * kvm_main.c kvm_vm_ioctl() decides KVM_IRQ_LINE(_STATUS) (copy in, -ENXIO
 * without an irqchip, status copied out last) and KVM_SET_GSI_ROUTING
 * (header copied in; -EINVAL without an irqchip, with more than
 * KVM_MAX_IRQ_ROUTES entries or any flag; entries copied in; then
 * virt/kvm/irqchip.c kvm_set_irq_routing() and x86's
 * kvm_set_routing_entry() refuse each bad entry with -EINVAL).
 */
static void irqchip_rows(int dev, int vm, void *bad)
{
	struct kvm_irq_routing_entry e[3], *many;
	struct kvm_irq_level line = { .irq = 4, .level = 1 };
	struct kvm_irq_routing hdr = { 0 };
	struct kvm_irqchip chip;
	struct routing *edge;
	uint8_t *pages, *ro;
	int vm3;

	/* A routing header that ends where a PROT_NONE page begins, and a
	 * page the kernel may read but not write. */
	pages = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	many = calloc(KVM_MAX_IRQ_ROUTES, sizeof(*many));
	vm3 = ioctl(dev, KVM_CREATE_VM, 0);
	if (pages == MAP_FAILED || !many || vm3 < 0 ||
	    mprotect(pages + 4096, 4096, PROT_NONE) || mprotect(pages + 2 * 4096, 4096, PROT_READ)) {
		printf("MISMATCH vm3: setup for the irqchip rows failed: %s\n", strerror(errno));
		mismatches++;
		return;
	}
	edge = (struct routing *)(pages + 4096 - sizeof(edge->hdr));
	edge->hdr.nr = 1;
	ro = pages + 2 * 4096;
	memset(&chip, 0, sizeof(chip));

	/* No irqchip yet, and vCPU 0 exists. */
	check("vm: KVM_IRQ_LINE without an irqchip", res(ioctl(vm, KVM_IRQ_LINE, &line)), ENXIO);
	check("vm: KVM_IRQ_LINE_STATUS without an irqchip",
	      res(ioctl(vm, KVM_IRQ_LINE_STATUS, &line)), ENXIO);
	check("vm: KVM_IRQ_LINE from a bad pointer", res(ioctl(vm, KVM_IRQ_LINE, bad)), EFAULT);
	check("vm: KVM_GET_IRQCHIP without an irqchip",
	      irqchip(vm, KVM_GET_IRQCHIP, &chip, KVM_IRQCHIP_PIC_MASTER), ENXIO);
	check("vm: KVM_SET_IRQCHIP without an irqchip",
	      irqchip(vm, KVM_SET_IRQCHIP, &chip, KVM_IRQCHIP_PIC_MASTER), ENXIO);
	check("vm: KVM_GET_IRQCHIP from a bad pointer (no irqchip)",
	      res(ioctl(vm, KVM_GET_IRQCHIP, bad)), EFAULT);
	e[0] = route(4, KVM_IRQCHIP_IOAPIC, 4);
	check("vm: KVM_SET_GSI_ROUTING without an irqchip", set_routing(vm, e, 1, 0), EINVAL);
	check("vm: KVM_SET_GSI_ROUTING from a bad pointer",
	      res(ioctl(vm, KVM_SET_GSI_ROUTING, bad)), EFAULT);
	check("vm: KVM_CREATE_IRQCHIP after KVM_CREATE_VCPU",
	      res(ioctl(vm, KVM_CREATE_IRQCHIP, 0)), EINVAL);

	/* vm3: no vCPU, so the irqchip can be made. */
	check("vm3: KVM_CREATE_IRQCHIP", res(ioctl(vm3, KVM_CREATE_IRQCHIP, 0)), 0);
	check("vm3: KVM_CREATE_IRQCHIP again", res(ioctl(vm3, KVM_CREATE_IRQCHIP, 0)), EEXIST);
	check("vm3: KVM_GET_IRQCHIP of chip 3", irqchip(vm3, KVM_GET_IRQCHIP, &chip, IRQCHIP_BAD_ID),
	      EINVAL);
	check("vm3: KVM_SET_IRQCHIP of chip 3", irqchip(vm3, KVM_SET_IRQCHIP, &chip, IRQCHIP_BAD_ID),
	      EINVAL);
	check("vm3: KVM_GET_IRQCHIP from a bad pointer", res(ioctl(vm3, KVM_GET_IRQCHIP, bad)),
	      EFAULT);
	check("vm3: KVM_SET_IRQCHIP from a bad pointer", res(ioctl(vm3, KVM_SET_IRQCHIP, bad)),
	      EFAULT);
	check("vm3: KVM_GET_IRQCHIP to a read-only page", res(ioctl(vm3, KVM_GET_IRQCHIP, ro)),
	      EFAULT);
	check("vm3: KVM_GET_IRQCHIP of the master PIC",
	      irqchip(vm3, KVM_GET_IRQCHIP, &chip, KVM_IRQCHIP_PIC_MASTER), 0);
	check("vm3: KVM_SET_IRQCHIP of the master PIC, as read",
	      irqchip(vm3, KVM_SET_IRQCHIP, &chip, KVM_IRQCHIP_PIC_MASTER), 0);
	check("vm3: KVM_GET_IRQCHIP of the IOAPIC",
	      irqchip(vm3, KVM_GET_IRQCHIP, &chip, KVM_IRQCHIP_IOAPIC), 0);
	check("vm3: KVM_SET_IRQCHIP of the IOAPIC, as read",
	      irqchip(vm3, KVM_SET_IRQCHIP, &chip, KVM_IRQCHIP_IOAPIC), 0);

	/*
	 * Line statuses under KVM's default routing: GSI 4 is IOAPIC pin 4
	 * (masked at reset) and master PIC input 4 (unmasked, edge); no vCPU
	 * ever acknowledges anything here.
	 */
	check_line_status("vm3: raise GSI 4 (PIC takes it, IOAPIC masked)", vm3, 4, 1, 1);
	check_line_status("vm3: raise GSI 4 again (no new edge)", vm3, 4, 1, 1);
	check_line_status("vm3: lower GSI 4 (both pins)", vm3, 4, 0, 2);
	check_line_status("vm3: raise GSI 4 with its PIC request still pending", vm3, 4, 1, 0);
	check_line_status("vm3: lower GSI 4 once more", vm3, 4, 0, 2);
	check_line_status("vm3: raise GSI 16 (IOAPIC only, masked)", vm3, 16, 1, -1);
	check_line_status("vm3: lower GSI 16", vm3, 16, 0, 1);
	check_line_status("vm3: raise GSI 24 (routed nowhere)", vm3, 24, 1, -1);
	check_line_status("vm3: raise GSI 0xffffffff", vm3, 0xffffffffu, 1, -1);
	line.irq = 4;
	line.level = 0;
	check("vm3: KVM_IRQ_LINE", res(ioctl(vm3, KVM_IRQ_LINE, &line)), 0);
	check("vm3: KVM_IRQ_LINE_STATUS from a bad pointer",
	      res(ioctl(vm3, KVM_IRQ_LINE_STATUS, bad)), EFAULT);
	/* The page reads as GSI 0, level 0: the line is lowered, and only
	 * then does copying the status out fail. */
	check("vm3: KVM_IRQ_LINE_STATUS with its answer to a read-only page",
	      res(ioctl(vm3, KVM_IRQ_LINE_STATUS, ro)), EFAULT);

	/* KVM_SET_GSI_ROUTING: the header, then each entry. */
	e[0] = route(4, KVM_IRQCHIP_IOAPIC, 4);
	check("vm3: KVM_SET_GSI_ROUTING from a bad pointer",
	      res(ioctl(vm3, KVM_SET_GSI_ROUTING, bad)), EFAULT);
	/* Refused on the header alone: the entries are never read. */
	hdr.nr = KVM_MAX_IRQ_ROUTES + 1;
	check("vm3: KVM_SET_GSI_ROUTING with KVM_MAX_IRQ_ROUTES + 1 entries",
	      res(ioctl(vm3, KVM_SET_GSI_ROUTING, &hdr)), EINVAL);
	check("vm3: KVM_SET_GSI_ROUTING with flags 1", set_routing(vm3, e, 1, 1), EINVAL);
	check("vm3: KVM_SET_GSI_ROUTING with its entries at a bad pointer",
	      res(ioctl(vm3, KVM_SET_GSI_ROUTING, &edge->hdr)), EFAULT);
	e[0] = route(KVM_MAX_IRQ_ROUTES, KVM_IRQCHIP_IOAPIC, 4);
	check("vm3: routing entry for GSI KVM_MAX_IRQ_ROUTES", set_routing(vm3, e, 1, 0), EINVAL);
	e[0] = route(4, KVM_IRQCHIP_IOAPIC, 4);
	e[0].flags = 1;
	check("vm3: routing entry with flags 1", set_routing(vm3, e, 1, 0), EINVAL);
	e[0] = route(4, KVM_IRQCHIP_IOAPIC, 4);
	e[0].type = 0;
	check("vm3: routing entry of type 0", set_routing(vm3, e, 1, 0), EINVAL);
	e[0].type = KVM_IRQ_ROUTING_S390_ADAPTER;
	check("vm3: routing entry of type S390_ADAPTER (not on x86)", set_routing(vm3, e, 1, 0),
	      EINVAL);
	e[0] = route(4, KVM_IRQCHIP_PIC_MASTER, 8);
	check("vm3: routing entry to master PIC pin 8", set_routing(vm3, e, 1, 0), EINVAL);
	e[0] = route(4, KVM_IRQCHIP_PIC_SLAVE, 8);
	check("vm3: routing entry to slave PIC pin 8", set_routing(vm3, e, 1, 0), EINVAL);
	e[0] = route(4, KVM_IRQCHIP_IOAPIC, KVM_IOAPIC_NUM_PINS);
	check("vm3: routing entry to IOAPIC pin 24", set_routing(vm3, e, 1, 0), EINVAL);
	e[0] = route(4, IRQCHIP_BAD_ID, 0);
	check("vm3: routing entry to chip 3", set_routing(vm3, e, 1, 0), EINVAL);
	e[0] = route(5, KVM_IRQCHIP_IOAPIC, 5);
	e[1] = route(5, KVM_IRQCHIP_IOAPIC, 6);
	check("vm3: two routing entries of GSI 5 to the IOAPIC", set_routing(vm3, e, 2, 0), EINVAL);
	e[1] = route(5, KVM_IRQCHIP_PIC_MASTER, 5);
	e[2] = route(5, KVM_IRQCHIP_PIC_SLAVE, 5);
	check("vm3: GSI 5 to the IOAPIC and both PICs", set_routing(vm3, e, 3, 0), 0);
	check_line_status("vm3: raise GSI 4, now routed nowhere", vm3, 4, 1, -1);
	check_line_status("vm3: raise GSI 5 (two PICs, IOAPIC masked)", vm3, 5, 1, 2);
	for (uint32_t i = 0; i < KVM_MAX_IRQ_ROUTES; i++)
		many[i] = route(i, KVM_IRQCHIP_IOAPIC, i % KVM_IOAPIC_NUM_PINS);
	check("vm3: KVM_SET_GSI_ROUTING with KVM_MAX_IRQ_ROUTES entries",
	      set_routing(vm3, many, KVM_MAX_IRQ_ROUTES, 0), 0);
	check_line_status("vm3: raise GSI 4095 (IOAPIC pin 15, masked)", vm3, 4095, 1, -1);
	check("vm3: KVM_SET_GSI_ROUTING with no entries", set_routing(vm3, e, 0, 0), 0);
	check_line_status("vm3: raise GSI 5 with no routes", vm3, 5, 1, -1);

	close(vm3);
	free(many);
	munmap(pages, 3 * 4096);
}

/**
 * The vCPU's interrupt ioctls, on @p vcpu of a VM without an irqchip.
 * x86.c: KVM_INTERRUPT (copy in, a vector below KVM_NR_INTERRUPTS = 256),
 * KVM_GET/SET_VCPU_EVENTS (copy in first; unknown flags, a payload
 * without KVM_CAP_EXCEPTION_PAYLOAD, an exception vector above 31 or the
 * NMI vector are -EINVAL), KVM_GET/SET_MP_STATE (without an in-kernel
 * local APIC only "runnable" is accepted), as kvm_arch_vcpu_ioctl() does.
 */
static void event_rows(int vcpu, void *bad)
{
	struct kvm_interrupt irq = { .irq = 256 };
	struct kvm_vcpu_events ev;
	struct kvm_mp_state mp = { .mp_state = KVM_MP_STATE_HALTED };

	check("vcpu: KVM_INTERRUPT of vector 256", res(ioctl(vcpu, KVM_INTERRUPT, &irq)), EINVAL);
	check("vcpu: KVM_INTERRUPT from a bad pointer", res(ioctl(vcpu, KVM_INTERRUPT, bad)), EFAULT);
	check("vcpu: KVM_GET_VCPU_EVENTS to a bad pointer",
	      res(ioctl(vcpu, KVM_GET_VCPU_EVENTS, bad)), EFAULT);
	check("vcpu: KVM_SET_VCPU_EVENTS from a bad pointer",
	      res(ioctl(vcpu, KVM_SET_VCPU_EVENTS, bad)), EFAULT);
	memset(&ev, 0, sizeof(ev));
	check("vcpu: KVM_GET_VCPU_EVENTS", res(ioctl(vcpu, KVM_GET_VCPU_EVENTS, &ev)), 0);
	check("vcpu: KVM_SET_VCPU_EVENTS, as read", res(ioctl(vcpu, KVM_SET_VCPU_EVENTS, &ev)), 0);
	ev.flags = 0x80000000u;
	check("vcpu: KVM_SET_VCPU_EVENTS with an unknown flag",
	      res(ioctl(vcpu, KVM_SET_VCPU_EVENTS, &ev)), EINVAL);
	ev.flags = KVM_VCPUEVENT_VALID_PAYLOAD;
	check("vcpu: KVM_SET_VCPU_EVENTS with a payload (no KVM_CAP_EXCEPTION_PAYLOAD)",
	      res(ioctl(vcpu, KVM_SET_VCPU_EVENTS, &ev)), EINVAL);
	ev.flags = 0;
	ev.exception.injected = 1;
	ev.exception.nr = 32;
	check("vcpu: KVM_SET_VCPU_EVENTS with exception vector 32",
	      res(ioctl(vcpu, KVM_SET_VCPU_EVENTS, &ev)), EINVAL);
	ev.exception.nr = 2;
	check("vcpu: KVM_SET_VCPU_EVENTS with the NMI vector as an exception",
	      res(ioctl(vcpu, KVM_SET_VCPU_EVENTS, &ev)), EINVAL);
	ev.exception.injected = 0;
	ev.exception.nr = 0;
	check("vcpu: KVM_SET_VCPU_EVENTS with nothing queued",
	      res(ioctl(vcpu, KVM_SET_VCPU_EVENTS, &ev)), 0);
	check("vcpu: KVM_GET_MP_STATE to a bad pointer",
	      res(ioctl(vcpu, KVM_GET_MP_STATE, bad)), EFAULT);
	check("vcpu: KVM_SET_MP_STATE halted, no irqchip",
	      res(ioctl(vcpu, KVM_SET_MP_STATE, &mp)), EINVAL);
	mp.mp_state = KVM_MP_STATE_RUNNABLE;
	check("vcpu: KVM_SET_MP_STATE runnable", res(ioctl(vcpu, KVM_SET_MP_STATE, &mp)), 0);
}

/** The setup failed at @what: say so, with errno; returns 2. */

/** Report a failed call the tool needed (not a row) and return 2. */
static int die(const char *what)
{
	fprintf(stderr, "ioctl-errors: %s: %s\n", what, strerror(errno));
	return 2;
}

/** ioctl-errors DEVICE: set up a VM and a vCPU, run every row, exit 1 on
 *  a mismatch. */
int main(int argc, char **argv)
{
	struct kvm_userspace_memory_region region;
	int dev, vm, vcpu, run_size, max_vcpu_id, nr_slots, as_count, ro_mem, got;
	unsigned int phys_bits = host_phys_bits();
	uint8_t *buf, *bad, *beyond;

	if (argc != 2) {
		fprintf(stderr, "usage: ioctl-errors /dev/kvm|/dev/minikvm\n");
		return 2;
	}
	/* The valid objects the rows misuse: a VM with vCPU 0. */
	dev = open(argv[1], O_RDWR | O_CLOEXEC);
	if (dev < 0)
		return die(argv[1]);
	vm = ioctl(dev, KVM_CREATE_VM, 0);
	if (vm < 0)
		return die("KVM_CREATE_VM");
	vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	if (vcpu < 0)
		return die("KVM_CREATE_VCPU");
	run_size = ioctl(dev, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (run_size <= 0)
		return die("KVM_GET_VCPU_MMAP_SIZE");
	/* Two slots' worth: slot 1 is the first half, slot 2 the second. */
	buf = mmap(NULL, 2 * SLOT_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	/* A user address that faults: where KVM must copy from or to. */
	bad = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED || bad == MAP_FAILED)
		return die("mmap");

	/*
	 * The limits the rows need.  A hypervisor that does not report them
	 * leaves userspace guessing, so a missing one is a mismatch too.
	 */
	max_vcpu_id = ioctl(vm, KVM_CHECK_EXTENSION, KVM_CAP_MAX_VCPU_ID);
	nr_slots = ioctl(vm, KVM_CHECK_EXTENSION, KVM_CAP_NR_MEMSLOTS);
	if (max_vcpu_id > 0 && nr_slots > 0) {
		printf("ok KVM_CAP_MAX_VCPU_ID %d, KVM_CAP_NR_MEMSLOTS %d\n",
		       max_vcpu_id, nr_slots);
	} else {
		printf("MISMATCH KVM_CAP_MAX_VCPU_ID %d, KVM_CAP_NR_MEMSLOTS %d: "
		       "both must be positive\n", max_vcpu_id, nr_slots);
		mismatches++;
	}
	/* How many address spaces the slot field's bits 31:16 may name;
	 * 0 (not advertised) means one. */
	as_count = ioctl(vm, KVM_CHECK_EXTENSION, KVM_CAP_MULTI_ADDRESS_SPACE);
	if (as_count < 1)
		as_count = 1;
	ro_mem = ioctl(vm, KVM_CHECK_EXTENSION, KVM_CAP_READONLY_MEM) > 0;
	printf("# host MAXPHYADDR %u bits, %d address space(s), KVM_CAP_READONLY_MEM %d\n",
	       phys_bits, as_count, ro_mem);

	/*
	 * The system fd.  kvm_dev_ioctl() answers KVM_GET_API_VERSION,
	 * KVM_CREATE_VM, KVM_CHECK_EXTENSION and KVM_GET_VCPU_MMAP_SIZE; the
	 * rest goes to kvm_arch_dev_ioctl(), whose default is -EINVAL.
	 */
	check("system: unknown ioctl", res(ioctl(dev, KVM_UNKNOWN_IOCTL, 0)), EINVAL);
	check("system: KVM_CREATE_VCPU (a VM ioctl)",
	      res_fd(ioctl(dev, KVM_CREATE_VCPU, 1)), EINVAL);
	region = (struct kvm_userspace_memory_region) {
		.slot = 1, .guest_phys_addr = SLOT_GPA, .memory_size = SLOT_SIZE,
		.userspace_addr = (uintptr_t)buf,
	};
	check("system: KVM_SET_USER_MEMORY_REGION (a VM ioctl)",
	      res(ioctl(dev, KVM_SET_USER_MEMORY_REGION, &region)), EINVAL);
	check("system: KVM_RUN (a vCPU ioctl)", res(ioctl(dev, KVM_RUN, 0)), EINVAL);
	/* kvm_dev_ioctl(): these two take no argument, and say so. */
	check("system: KVM_GET_API_VERSION with argument 1",
	      res(ioctl(dev, KVM_GET_API_VERSION, 1)), EINVAL);
	check("system: KVM_GET_VCPU_MMAP_SIZE with argument 1",
	      res(ioctl(dev, KVM_GET_VCPU_MMAP_SIZE, 1)), EINVAL);
	/* kvm_arch_init_vm(): x86 in 6.1 has one VM type, 0. */
	check("system: KVM_CREATE_VM with type 1",
	      res_fd(ioctl(dev, KVM_CREATE_VM, 1ul)), EINVAL);
	check("system: KVM_CREATE_VM with type ~0",
	      res_fd(ioctl(dev, KVM_CREATE_VM, ~0ul)), EINVAL);

	/*
	 * The VM fd.  kvm_vm_ioctl() passes what it does not know to
	 * kvm_arch_vm_ioctl(), whose default is -ENOTTY (not -EINVAL as on
	 * the other two fds).
	 */
	check("vm: unknown ioctl", res(ioctl(vm, KVM_UNKNOWN_IOCTL, 0)), ENOTTY);
	check("vm: KVM_RUN (a vCPU ioctl)", res(ioctl(vm, KVM_RUN, 0)), ENOTTY);
	check("vm: KVM_GET_API_VERSION (a system ioctl)",
	      res(ioctl(vm, KVM_GET_API_VERSION, 0)), ENOTTY);
	/*
	 * kvm_vm_ioctl_create_vcpu(): ids run 0 .. KVM_CAP_MAX_VCPU_ID - 1
	 * (-EINVAL beyond); an id already taken is found only after the new
	 * vCPU is built, and gives -EEXIST.
	 */
	check("vm: KVM_CREATE_VCPU with id KVM_CAP_MAX_VCPU_ID",
	      res_fd(ioctl(vm, KVM_CREATE_VCPU, (unsigned long)max_vcpu_id)), EINVAL);
	check("vm: KVM_CREATE_VCPU with id 0 again",
	      res_fd(ioctl(vm, KVM_CREATE_VCPU, 0)), EEXIST);
	/* kvm_vm_ioctl_create_vcpu() takes a u32: 1 << 32 is id 0 again
	 * (kvm-fuzz --diff found minikvm answering -EINVAL). */
	check("vm: KVM_CREATE_VCPU with id 1 << 32 (id 0 again)",
	      res_fd(ioctl(vm, KVM_CREATE_VCPU, 1ul << 32)), EEXIST);
	/* kvm_vm_ioctl(): the struct is copied in first. */
	check("vm: KVM_SET_USER_MEMORY_REGION from a bad pointer",
	      res(ioctl(vm, KVM_SET_USER_MEMORY_REGION, bad)), EFAULT);
	for (size_t i = 0; i < sizeof(slot_rows) / sizeof(slot_rows[0]); i++) {
		const struct slot_row *row = &slot_rows[i];

		region = (struct kvm_userspace_memory_region) {
			.slot = row->slot == SLOT_FIRST_INVALID ? (uint32_t)nr_slots : row->slot,
			.flags = row->flags,
			.guest_phys_addr = row->gpa,
			.memory_size = row->size,
			.userspace_addr = row->uaddr_abs == USER_HALF_LAST_PAGE ?
						  user_half_last_page() :
					  row->uaddr_abs ? row->uaddr_abs :
					  (uintptr_t)buf + row->uaddr_off,
		};
		check(row->name, res(ioctl(vm, KVM_SET_USER_MEMORY_REGION, &region)),
		      row->want);
	}
	check("vm: memslot 1 in address space KVM_CAP_MULTI_ADDRESS_SPACE",
	      set_slot(vm, (uint32_t)as_count << 16 | 1, 0, SLOT_GPA, SLOT_SIZE, buf), EINVAL);
	/*
	 * kvm_arch_prepare_memory_region() (KVM_MR_CREATE): the last frame
	 * must not lie above the host's MAXPHYADDR (kvm_mmu_max_gfn()).
	 * (minikvm's 4-level tables stop at 48 bits: on a host with more,
	 * the "exactly at MAXPHYADDR" row would differ.  The lab's emulated
	 * CPUs have 40.)
	 */
	check("vm: memslot ending one page beyond MAXPHYADDR",
	      set_slot(vm, SLOT_SCRATCH, 0, (1ull << phys_bits) - 4096, 0x2000, buf), EINVAL);
	check("vm: memslot ending exactly at MAXPHYADDR",
	      set_slot(vm, SLOT_SCRATCH, 0, (1ull << phys_bits) - SLOT_SIZE, SLOT_SIZE, buf), 0);
	check("vm: delete that memslot",
	      set_slot(vm, SLOT_SCRATCH, 0, (1ull << phys_bits) - SLOT_SIZE, 0, buf), 0);
	/*
	 * __kvm_set_memory_region() on the existing slot 1: the same region
	 * again changes nothing and succeeds; a new size, a new userspace
	 * address or a new KVM_MEM_READONLY is -EINVAL.
	 */
	check("vm: memslot 1 again, unchanged", set_slot(vm, 1, 0, SLOT_GPA, SLOT_SIZE, buf), 0);
	check("vm: memslot 1 resized", set_slot(vm, 1, 0, SLOT_GPA, 2 * SLOT_SIZE, buf), EINVAL);
	check("vm: memslot 1 at another userspace address",
	      set_slot(vm, 1, 0, SLOT_GPA, SLOT_SIZE, buf + 4096), EINVAL);
	check("vm: memslot 1 made read-only",
	      set_slot(vm, 1, KVM_MEM_READONLY, SLOT_GPA, SLOT_SIZE, buf), EINVAL);
	check("vm: memslot 2 next to memslot 1",
	      set_slot(vm, 2, 0, SLOT_GPA + 2 * SLOT_SIZE, SLOT_SIZE, buf + SLOT_SIZE), 0);
	if (ro_mem)
		mmu_rows(dev, vm, buf, bad, nr_slots, as_count, phys_bits);
	else
		printf("skip vm: memslot moves, dirty logging and the 1 TiB memslot: "
		       "no KVM_CAP_READONLY_MEM (no MMU chapter yet)\n");

	/*
	 * The vCPU fd.  kvm_vcpu_ioctl() refuses an ioctl of another type
	 * than KVMIO with -EINVAL before anything else; unknown KVMIO ones go
	 * to kvm_arch_vcpu_ioctl(), whose default is -EINVAL too.
	 */
	check("vcpu: unknown ioctl", res(ioctl(vcpu, KVM_UNKNOWN_IOCTL, 0)), EINVAL);
	check("vcpu: TCGETS (not a KVM ioctl at all)",
	      res(ioctl(vcpu, TCGETS, bad)), EINVAL);
	check("vcpu: KVM_CREATE_VCPU (a VM ioctl)",
	      res_fd(ioctl(vcpu, KVM_CREATE_VCPU, 1)), EINVAL);
	/* kvm_vcpu_ioctl(): KVM_RUN takes no argument. */
	check("vcpu: KVM_RUN with argument 1", res(ioctl(vcpu, KVM_RUN, 1)), EINVAL);
	/* kvm_vcpu_ioctl(): memdup_user() in, copy_to_user() out. */
	check("vcpu: KVM_SET_REGS from a bad pointer",
	      res(ioctl(vcpu, KVM_SET_REGS, bad)), EFAULT);
	check("vcpu: KVM_GET_SREGS to a bad pointer",
	      res(ioctl(vcpu, KVM_GET_SREGS, bad)), EFAULT);
	cpuid_rows(vcpu, bad);
	cpuid_run_rows(dev);
	cr4_cpuid_rows(dev);
	irqchip_rows(dev, vm, bad);
	event_rows(vcpu, bad);

	/*
	 * kvm_vcpu_mmap() checks no size or offset: any mapping is accepted.
	 * It is kvm_vcpu_fault() that finds nothing behind page
	 * KVM_GET_VCPU_MMAP_SIZE / 4K (kvm_run, the PIO page and the
	 * coalesced-MMIO ring come before it) and answers VM_FAULT_SIGBUS
	 * (kvm_arch_vcpu_fault() on x86).
	 */
	beyond = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, run_size);
	got = beyond == MAP_FAILED ? errno : 0;
	check("vcpu: mmap at offset KVM_GET_VCPU_MMAP_SIZE", got, 0);
	check("vcpu: reading that mapping", beyond == MAP_FAILED ? got : touch(beyond),
	      RES_SIGBUS);
	if (beyond != MAP_FAILED)
		munmap(beyond, 4096);

	printf("%d mismatch%s\n", mismatches, mismatches == 1 ? "" : "es");
	return mismatches ? 1 : 0;
}
