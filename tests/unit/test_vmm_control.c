// SPDX-License-Identifier: GPL-2.0
/* The control port's protocol: arguments, commands, results and reports. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "minivmm.h"

static struct vm vm;
static uint32_t slot1[1024];	/* 4 KiB of "guest memory" */
static char *buf;
static size_t len;

static void setup(void)
{
	memset(&vm, 0, sizeof(vm));
	vm.vm_fd = -1;		/* no hypervisor: every ioctl fails with EBADF */
	vm.out = open_memstream(&buf, &len);
	vm.nr_slots = 2;
	vm.slot[0] = (struct vmm_slot) { .gpa = 0, .size = 0x1000, .host = slot1, .present = 1 };
	vm.slot[1] = (struct vmm_slot) { .gpa = 0x20000000, .size = sizeof(slot1),
					 .host = slot1, .present = 1 };
}

static void teardown(void)
{
	fclose(vm.out);
	free(buf);
}

/* The guest's side: OUT each argument, OUT the command, IN the result. */
static int32_t ctl(uint8_t cmd, unsigned int nargs, const uint32_t *args)
{
	int32_t result;

	for (unsigned int i = 0; i < nargs; i++)
		cr_assert_eq(control_io(&vm, CTL_ARG_PORT, 1, 4, (uint8_t *)&args[i]), 0);
	cr_assert_eq(control_io(&vm, CTL_PORT, 1, 1, &cmd), 0);
	cr_assert_eq(control_io(&vm, CTL_PORT, 0, 4, (uint8_t *)&result), 0);
	fflush(vm.out);
	return result;
}

TestSuite(vmm_control, .init = setup, .fini = teardown);

Test(vmm_control, check_reports_a_slot_that_holds_the_pattern)
{
	const uint32_t args[] = { 1, 0xabcd0000, 0, 0 };

	vmm_pattern_fill(slot1, 0x20000000, sizeof(slot1), 0xabcd0000);
	cr_assert_eq(ctl(CTL_SLOT_CHECK, 4, args), 0);
	cr_assert_str_eq(buf, "minivmm: slot 1 +0x0..+0x1000 holds the pattern of seed 0xabcd0000\n");
}

Test(vmm_control, check_counts_and_shows_the_first_difference)
{
	const uint32_t args[] = { 1, 7, 0x100, 0x20 };

	vmm_pattern_fill(slot1, 0x20000000, sizeof(slot1), 7);
	slot1[0x108 / 4] = 0xdeadbeef;
	slot1[0x10c / 4] = 0;
	slot1[0x200 / 4] = 0;		/* outside the range checked */
	cr_assert_eq(ctl(CTL_SLOT_CHECK, 4, args), 2);
	cr_assert_str_eq(buf, "minivmm: slot 1 +0x100..+0x120: 2 of 8 words differ from the "
			 "pattern of seed 0x00000007; the first, at +0x108, is 0xdeadbeef "
			 "(expected 0x2000010f)\n");
}

Test(vmm_control, missing_arguments_are_zero_and_extra_ones_are_ignored)
{
	const uint32_t five[] = { 1, 0, 0, 0, 99 };

	vmm_pattern_fill(slot1, 0x20000000, sizeof(slot1), 0);
	cr_assert_eq(ctl(CTL_SLOT_CHECK, 1, five), 0, "seed 0, offset 0, whole slot");
	cr_assert_eq(ctl(CTL_SLOT_CHECK, 5, five), 0, "the fifth argument is dropped");
	cr_assert_eq(vm.ctl_nargs, 0, "a command empties the list");
}

Test(vmm_control, bad_commands_slots_and_ranges_give_einval)
{
	const uint32_t no_slot[] = { 2 }, bad_range[] = { 1, 0, 0xffc, 8 };

	cr_assert_eq(ctl(0x42, 0, NULL), -EINVAL);
	cr_assert_eq(ctl(CTL_SLOT_DELETE, 1, no_slot), -EINVAL);
	cr_assert_eq(ctl(CTL_SLOT_CHECK, 4, bad_range), -EINVAL);
	cr_assert_str_eq(buf, "minivmm: control: unknown command 66\n"
			 "minivmm: control: delete: there is no slot 2\n"
			 "minivmm: check slot 1: +0xffc, 0x8 bytes is not inside the slot's "
			 "0x1000 bytes in 32-bit words\n");
}

Test(vmm_control, slot_changes_report_the_hypervisors_error)
{
	const uint32_t one[] = { 1 };

	cr_assert_eq(ctl(CTL_SLOT_DELETE, 1, one), -EBADF);
	cr_assert_eq(vm.slot[1].present, 1, "a failed delete leaves the slot present");
	cr_assert_eq(ctl(CTL_SLOT_ADD, 1, one), -EEXIST, "it is still there");
	cr_assert_eq(ctl(CTL_DIRTY_LOG, 1, one), -EBADF);
	vm.slot[1].present = 0;
	cr_assert_eq(ctl(CTL_SLOT_MOVE, 1, one), -ENOENT);
	cr_assert_str_eq(buf, "minivmm: slot 1: delete failed: Bad file descriptor\n"
			 "minivmm: slot 1: already there\n"
			 "minivmm: slot 1: dirty log failed: Bad file descriptor\n"
			 "minivmm: slot 1: cannot move a deleted slot\n");
}

Test(vmm_control, other_ports_are_not_the_control_ports)
{
	uint8_t b = 1;

	cr_assert_eq(control_io(&vm, 0xf8, 1, 1, &b), -1);
	cr_assert_eq(control_io(&vm, CTL_ARG_PORT, 0, 1, &b), -1, "the argument port is write-only");
}
