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
/** @var slot_rows
 *  The KVM_SET_USER_MEMORY_REGION rows, run in order. */

/** The setup failed at @what: say so, with errno; returns 2. */
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
	int dev, vm, vcpu, run_size, max_vcpu_id, nr_slots, got;
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
	buf = mmap(NULL, SLOT_SIZE, PROT_READ | PROT_WRITE,
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
			.userspace_addr = row->uaddr_abs ? row->uaddr_abs :
					  (uintptr_t)buf + row->uaddr_off,
		};
		check(row->name, res(ioctl(vm, KVM_SET_USER_MEMORY_REGION, &region)),
		      row->want);
	}

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
