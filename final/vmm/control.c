// SPDX-License-Identifier: GPL-2.0
/**
 * @file control.c
 * @brief The control port (protocol: minivmm.h, enum ctl_command): a test
 * guest asks minivmm to delete, re-add or move a memory slot, to fetch a
 * dirty log, or to check a slot's bytes from minivmm's side.
 *
 * Each request is a port write, so the vCPU is stopped in userspace, out
 * of KVM_RUN, while minivmm changes the memory map.  That is the moment a
 * VMM may change memory slots of a one-vCPU VM without any other care;
 * with more vCPUs, KVM itself makes the change atomic for running vCPUs
 * (Linux: kvm_swap_active_memslots() and SRCU).
 */
#include <errno.h>
#include <string.h>

#include "minivmm.h"

/** The commands' names, for messages. */
static const char *const ctl_names[] = {
	[CTL_SLOT_DELETE] = "delete", [CTL_SLOT_ADD] = "add",
	[CTL_SLOT_MOVE] = "move", [CTL_DIRTY_LOG] = "dirty log",
	[CTL_SLOT_CHECK] = "check",
};

/** CTL_SLOT_CHECK on slot @i with arguments (seed, offset, length). */
static int32_t ctl_check(struct vm *vm, unsigned int i, uint32_t seed,
			 uint64_t off, uint64_t len)
{
	const struct vmm_slot *s = &vm->slot[i];
	uint64_t bad, first = 0;

	if (!len && off < s->size)
		len = s->size - off;
	if (off % 4 || len % 4 || off >= s->size || len > s->size - off) {
		fprintf(vm->out, "minivmm: check slot %u: +0x%llx, 0x%llx bytes is not inside "
			"the slot's 0x%llx bytes in 32-bit words\n", i, (unsigned long long)off,
			(unsigned long long)len, (unsigned long long)s->size);
		return -EINVAL;
	}
	bad = vmm_pattern_check((const uint8_t *)s->host + off, s->gpa + off, len, seed, &first);
	if (!bad) {
		fprintf(vm->out, "minivmm: slot %u +0x%llx..+0x%llx holds the pattern of seed 0x%08x\n",
			i, (unsigned long long)off, (unsigned long long)(off + len), seed);
		return 0;
	}
	first += off;
	fprintf(vm->out, "minivmm: slot %u +0x%llx..+0x%llx: %llu of %llu words differ from the "
		"pattern of seed 0x%08x; the first, at +0x%llx, is 0x%08x (expected 0x%08x)\n",
		i, (unsigned long long)off, (unsigned long long)(off + len),
		(unsigned long long)bad, (unsigned long long)(len / 4), seed,
		(unsigned long long)first,
		*(const uint32_t *)((const uint8_t *)s->host + first),
		vmm_pattern(s->gpa + first, seed));
	return bad > INT32_MAX ? INT32_MAX : (int32_t)bad;
}

/** Run control command @cmd on the arguments given so far. */
static int32_t ctl_run(struct vm *vm, uint8_t cmd)
{
	const uint32_t *arg = vm->ctl_arg;
	unsigned int i = arg[0];
	struct vmm_slot *s;
	uint64_t old, gpa;
	int64_t n;
	int ret = -EINVAL;

	if (cmd == 0 || cmd >= sizeof(ctl_names) / sizeof(ctl_names[0])) {
		fprintf(vm->out, "minivmm: control: unknown command %u\n", cmd);
		return -EINVAL;
	}
	if (i >= vm->nr_slots) {
		fprintf(vm->out, "minivmm: control: %s: there is no slot %u\n", ctl_names[cmd], i);
		return -EINVAL;
	}
	s = &vm->slot[i];

	switch (cmd) {
	case CTL_SLOT_DELETE:
		if (!s->present) {
			fprintf(vm->out, "minivmm: slot %u: already deleted\n", i);
			return -ENOENT;
		}
		ret = vm_set_slot(vm, i, 0, 0);
		if (ret)
			break;
		fprintf(vm->out, "minivmm: slot %u deleted (0x%llx, 0x%llx bytes)\n", i,
			(unsigned long long)s->gpa, (unsigned long long)s->size);
		return 0;
	case CTL_SLOT_ADD:
		if (s->present) {
			fprintf(vm->out, "minivmm: slot %u: already there\n", i);
			return -EEXIST;
		}
		ret = vm_set_slot(vm, i, 1, s->gpa);
		if (ret)
			break;
		fprintf(vm->out, "minivmm: slot %u added again at 0x%llx\n", i,
			(unsigned long long)s->gpa);
		return 0;
	case CTL_SLOT_MOVE:
		if (!s->present) {
			fprintf(vm->out, "minivmm: slot %u: cannot move a deleted slot\n", i);
			return -ENOENT;
		}
		old = s->gpa;
		gpa = arg[1] | (uint64_t)arg[2] << 32;
		ret = vm_set_slot(vm, i, 1, gpa);
		if (ret)
			break;
		fprintf(vm->out, "minivmm: slot %u moved from 0x%llx to 0x%llx\n", i,
			(unsigned long long)old, (unsigned long long)gpa);
		return 0;
	case CTL_DIRTY_LOG:
		n = vm_dirty_log(vm, i);
		if (n < 0) {
			ret = (int)n;
			break;
		}
		return n > INT32_MAX ? INT32_MAX : (int32_t)n;
	case CTL_SLOT_CHECK:
		return ctl_check(vm, i, arg[1], arg[2], arg[3]);
	}
	fprintf(vm->out, "minivmm: slot %u: %s failed: %s\n", i, ctl_names[cmd], strerror(-ret));
	return ret;
}

/**
 * A port access of @size bytes: one of the control port's, or not.
 * Returns 0 when it was (for IN, @data holds the result), -1 when not.
 */
int control_io(struct vm *vm, uint16_t port, int is_write, int size, uint8_t *data)
{
	uint32_t v = 0;

	if (port == CTL_ARG_PORT && is_write) {
		memcpy(&v, data, size < 4 ? size : 4);
		if (vm->ctl_nargs < CTL_MAX_ARGS)
			vm->ctl_arg[vm->ctl_nargs++] = v;
		return 0;
	}
	if (port != CTL_PORT)
		return -1;
	if (is_write) {
#ifdef CONFIG_MINIKVM_FINAL
		if (data[0] >= CTL_IOEVENTFD)
			vm->ctl_result = eventfd_ctl_run(vm, data[0], vm->ctl_arg);
		else
#endif
#ifdef CONFIG_MINIKVM_LAPIC
		/* 0x16-0x1a: the local APIC's; the PIT's (0x1b-) are irqctl.c's. */
		if (data[0] >= CTL_LAPIC_SAVE && data[0] <= CTL_NOTE)
			vm->ctl_result = lapic_ctl_run(vm, data[0], vm->ctl_arg);
		else
#endif
#ifdef CONFIG_MINIKVM_IRQCHIP
		if (data[0] >= CTL_IRQ_LATER)
			vm->ctl_result = irq_ctl_run(vm, data[0], vm->ctl_arg);
		else
#endif
		vm->ctl_result = ctl_run(vm, data[0]);
		memset(vm->ctl_arg, 0, sizeof(vm->ctl_arg));
		vm->ctl_nargs = 0;
		fflush(vm->out);
	} else {
		memcpy(data, &vm->ctl_result, size < 4 ? size : 4);
	}
	return 0;
}
