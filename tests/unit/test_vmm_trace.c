// SPDX-License-Identifier: GPL-2.0
/*
 * minivmm --trace: the exact lines the lab diffs between minikvm and KVM.
 * A change of format must show here first (and bump TRACE_VERSION).
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/kvm.h>

#include "minivmm.h"

static struct trace t;
static char *buf;
static size_t len;
static FILE *out;
/* kvm_run and the page after it, where KVM puts the data of port I/O. */
static union {
	struct kvm_run run;
	uint8_t bytes[2 * 4096];
} r;

static void setup(void)
{
	out = open_memstream(&buf, &len);
	trace_init(&t, out);
	memset(&r, 0, sizeof(r));
}

static void teardown(void)
{
	fclose(out);
	free(buf);
}

/* Everything written after the header line. */
static const char *lines(void)
{
	static const char header[] = "# minivmm trace 1\n";

	fflush(out);
	cr_assert(!strncmp(buf, header, strlen(header)), "no header: %s", buf);
	return buf + strlen(header);
}

TestSuite(vmm_trace, .init = setup, .fini = teardown);

static void io(uint8_t dir, uint16_t port, uint8_t size, uint32_t count, const void *data)
{
	r.run.exit_reason = KVM_EXIT_IO;
	r.run.io.direction = dir;
	r.run.io.port = port;
	r.run.io.size = size;
	r.run.io.count = count;
	r.run.io.data_offset = 4096;
	memcpy(r.bytes + 4096, data, (size_t)size * count);
}

Test(vmm_trace, the_header_names_the_format_version)
{
	fflush(out);
	cr_assert_str_eq(buf, "# minivmm trace 1\n");
}

Test(vmm_trace, port_io_exits_give_direction_port_size_and_data_as_wide_as_the_access)
{
	io(KVM_EXIT_IO_OUT, 0x3f8, 1, 1, "H");
	trace_exit(&t, &r.run);
	io(KVM_EXIT_IO_IN, 0x3fd, 1, 1, "\x60");
	trace_exit(&t, &r.run);
	io(KVM_EXIT_IO_OUT, 0xf9, 4, 1, "\x78\x56\x34\x12");
	trace_exit(&t, &r.run);
	io(KVM_EXIT_IO_IN, 0xf6, 2, 1, "\x01\x00");
	trace_exit(&t, &r.run);
	cr_assert_str_eq(lines(),
			 "exit 1 io out port=0x3f8 size=1 data=0x48\n"
			 "exit 2 io in port=0x3fd size=1 data=0x60\n"
			 "exit 3 io out port=0xf9 size=4 data=0x12345678\n"
			 "exit 4 io in port=0xf6 size=2 data=0x0001\n");
}

Test(vmm_trace, string_io_lists_every_access_of_the_exit)
{
	io(KVM_EXIT_IO_OUT, 0x3f8, 2, 3, "a\0b\0c\0");
	trace_exit(&t, &r.run);
	cr_assert_str_eq(lines(),
			 "exit 1 io out port=0x3f8 size=2 count=3 data=0x0061,0x0062,0x0063\n");
}

Test(vmm_trace, mmio_exits_give_address_length_direction_and_data)
{
	r.run.exit_reason = KVM_EXIT_MMIO;
	r.run.mmio.phys_addr = 0xd0000008;
	r.run.mmio.len = 8;
	r.run.mmio.is_write = 1;
	memcpy(r.run.mmio.data, "\xef\xcd\xab\x89\x67\x45\x23\x01", 8);
	trace_exit(&t, &r.run);
	r.run.mmio.phys_addr = 0x100000000ull;
	r.run.mmio.len = 2;
	r.run.mmio.is_write = 0;
	memcpy(r.run.mmio.data, "\xff\xff", 2);
	trace_exit(&t, &r.run);
	cr_assert_str_eq(lines(),
			 "exit 1 mmio write addr=0xd0000008 len=8 data=0x0123456789abcdef\n"
			 "exit 2 mmio read addr=0x100000000 len=2 data=0xffff\n");
}

Test(vmm_trace, fail_entry_gives_the_hardware_reason_but_not_the_host_cpu)
{
	r.run.exit_reason = KVM_EXIT_FAIL_ENTRY;
	r.run.fail_entry.hardware_entry_failure_reason = 0x80000021;
	r.run.fail_entry.cpu = 1;
	trace_exit(&t, &r.run);
	r.run.fail_entry.hardware_entry_failure_reason = 0xffffffff;
	r.run.fail_entry.cpu = 0;
	trace_exit(&t, &r.run);
	cr_assert_str_eq(lines(),
			 "exit 1 fail_entry reason=0x80000021\n"
			 "exit 2 fail_entry reason=0xffffffff\n");
}

Test(vmm_trace, hlt_shutdown_intr_and_unnamed_reasons)
{
	r.run.exit_reason = KVM_EXIT_HLT;
	trace_exit(&t, &r.run);
	r.run.exit_reason = KVM_EXIT_SHUTDOWN;
	trace_exit(&t, &r.run);
	r.run.exit_reason = KVM_EXIT_INTR;
	trace_exit(&t, &r.run);
	r.run.exit_reason = 1000;
	trace_exit(&t, &r.run);
	cr_assert_str_eq(lines(),
			 "exit 1 hlt\n"
			 "exit 2 shutdown\n"
			 "exit 3 intr\n"
			 "exit 4 reason=1000\n");
}

Test(vmm_trace, internal_error_data_words_sit_on_a_line_of_their_own)
{
	r.run.exit_reason = KVM_EXIT_INTERNAL_ERROR;
	r.run.internal.suberror = KVM_INTERNAL_ERROR_EMULATION;
	r.run.internal.ndata = 2;
	r.run.internal.data[0] = 0x30;
	r.run.internal.data[1] = 0xfeedface;
	trace_exit(&t, &r.run);
	r.run.internal.ndata = 0;
	trace_exit(&t, &r.run);
	cr_assert_str_eq(lines(),
			 "exit 1 internal_error suberror=1 ndata=2\n"
			 "exit 1 internal_error data=0x30,0xfeedface\n"
			 "exit 2 internal_error suberror=1 ndata=0\n");
}

Test(vmm_trace, msr_exception_and_unknown_exits_give_their_fields)
{
	r.run.exit_reason = KVM_EXIT_X86_RDMSR;
	r.run.msr.index = 0xc0000080;
	r.run.msr.data = 0x500;
	trace_exit(&t, &r.run);
	r.run.exit_reason = KVM_EXIT_EXCEPTION;
	r.run.ex.exception = 6;
	r.run.ex.error_code = 0;
	trace_exit(&t, &r.run);
	r.run.exit_reason = KVM_EXIT_UNKNOWN;
	r.run.hw.hardware_exit_reason = 0x7b;
	trace_exit(&t, &r.run);
	cr_assert_str_eq(lines(),
			 "exit 1 x86_rdmsr index=0xc0000080 data=0x0000000000000500\n"
			 "exit 2 exception exception=6 error_code=0x0\n"
			 "exit 3 unknown hardware_exit_reason=0x7b\n");
}

Test(vmm_trace, a_failed_kvm_run_is_numbered_like_an_exit)
{
	r.run.exit_reason = KVM_EXIT_HLT;
	trace_exit(&t, &r.run);
	trace_run_error(&t, EINTR);
	trace_run_error(&t, EFAULT);
	cr_assert_str_eq(lines(),
			 "exit 1 hlt\n"
			 "exit 2 error errno=EINTR\n"
			 "exit 3 error errno=EFAULT\n");
}

Test(vmm_trace, com1_text_follows_the_exit_that_ends_its_line)
{
	const char *s = "Hi\n";

	for (; *s; s++) {
		trace_com1(&t, (uint8_t)*s);
		io(KVM_EXIT_IO_OUT, 0x3f8, 1, 1, s);
		trace_exit(&t, &r.run);
	}
	cr_assert_str_eq(lines(),
			 "exit 1 io out port=0x3f8 size=1 data=0x48\n"
			 "exit 2 io out port=0x3f8 size=1 data=0x69\n"
			 "exit 3 io out port=0x3f8 size=1 data=0x0a\n"
			 "com1 \"Hi\\n\"\n");
}

Test(vmm_trace, com1_text_is_escaped_and_flushed_before_other_events)
{
	const char *s = "a\"\\\t\r\x01\xff";

	for (; *s; s++)
		trace_com1(&t, (uint8_t)*s);
	trace_vmm(&t, "set-state real-mode");
	trace_com1(&t, 'z');
	trace_end(&t, 67);
	cr_assert_str_eq(lines(),
			 "com1 \"a\\\"\\\\\\t\\r\\x01\\xff\"\n"
			 "vmm set-state real-mode\n"
			 "com1 \"z\"\n"
			 "end status=67\n");
}

Test(vmm_trace, a_long_com1_line_is_cut_every_TRACE_COM1_MAX_bytes)
{
	char want[2 * TRACE_COM1_MAX + 64];
	int n;

	for (int i = 0; i < TRACE_COM1_MAX + 1; i++)
		trace_com1(&t, 'x');
	trace_end(&t, 0);
	n = sprintf(want, "com1 \"");
	memset(want + n, 'x', TRACE_COM1_MAX);
	sprintf(want + n + TRACE_COM1_MAX, "\"\ncom1 \"x\"\nend status=0\n");
	cr_assert_str_eq(lines(), want);
}

Test(vmm_trace, no_file_means_no_output_and_no_crash)
{
	struct trace off;
	struct serial com1;
	uint8_t c = 'x';

	trace_init(&off, NULL);
	r.run.exit_reason = KVM_EXIT_HLT;
	trace_exit(&off, &r.run);
	trace_com1(&off, 'x');
	trace_com1(NULL, 'x');
	trace_end(&off, 0);
	trace_regs(&off, NULL, NULL, EBADF);
	cr_assert_eq(off.nr_exits, 0);
	serial_init(&com1, out);
	cr_assert_eq(serial_io(&com1, 0x3f8, 1, &c), 0);	/* com1.trace is NULL */
}

Test(vmm_trace, the_serial_model_hands_every_transmitted_byte_to_the_trace)
{
	struct serial com1;
	FILE *guest = fopen("/dev/null", "w");
	uint8_t v;

	serial_init(&com1, guest);
	com1.trace = &t;
	v = 0x80;
	serial_io(&com1, 0x3fb, 1, &v);		/* DLAB: divisor bytes are not output */
	v = 0x01;
	serial_io(&com1, 0x3f8, 1, &v);
	v = 0x03;
	serial_io(&com1, 0x3fb, 1, &v);
	v = 'k';
	serial_io(&com1, 0x3f8, 1, &v);
	serial_io(&com1, 0x3fd, 0, &v);		/* reads are not output either */
	trace_end(&t, 0);
	fclose(guest);
	cr_assert_str_eq(lines(), "com1 \"k\"\nend status=0\n");
}

Test(vmm_trace, final_state_is_every_gpr_rip_rflags_control_registers_and_segments)
{
	struct kvm_regs regs = {
		.rax = 0x21, .rbx = 1, .rcx = 2, .rdx = 3, .rsi = 4, .rdi = 5,
		.rsp = 0xfffe, .rbp = 6, .r8 = 8, .r9 = 9, .r10 = 10, .r11 = 11,
		.r12 = 12, .r13 = 13, .r14 = 14, .r15 = 0xffffffffffffffffull,
		.rip = 0x2a, .rflags = 0x2,
	};
	struct kvm_sregs sregs = {
		.cr0 = 0x60000010, .cr2 = 0xdead, .cr3 = 0x1000, .cr4 = 0x20, .efer = 0x500,
		.cs = { .selector = 0x1000, .base = 0x10000, .limit = 0xffff },
		.ds = { .selector = 0x1000, .base = 0x10000 },
		.es = { .selector = 0x1000, .base = 0x10000 },
		.fs = { .selector = 0x1000, .base = 0x10000 },
		.gs = { .selector = 0x1000, .base = 0x10000 },
		.ss = { .selector = 0x1000, .base = 0x10000 },
		.tr = { .selector = 0, .base = 0 },
		.ldt = { .selector = 0, .base = 0 },
		.gdt = { .base = 0, .limit = 0xffff },
		.idt = { .base = 0x12345, .limit = 0 },
	};

	trace_regs(&t, &regs, &sregs, 0);
	cr_assert_str_eq(lines(),
			 "reg rax=0x0000000000000021\n"
			 "reg rbx=0x0000000000000001\n"
			 "reg rcx=0x0000000000000002\n"
			 "reg rdx=0x0000000000000003\n"
			 "reg rsi=0x0000000000000004\n"
			 "reg rdi=0x0000000000000005\n"
			 "reg rsp=0x000000000000fffe\n"
			 "reg rbp=0x0000000000000006\n"
			 "reg r8=0x0000000000000008\n"
			 "reg r9=0x0000000000000009\n"
			 "reg r10=0x000000000000000a\n"
			 "reg r11=0x000000000000000b\n"
			 "reg r12=0x000000000000000c\n"
			 "reg r13=0x000000000000000d\n"
			 "reg r14=0x000000000000000e\n"
			 "reg r15=0xffffffffffffffff\n"
			 "reg rip=0x000000000000002a\n"
			 "reg rflags=0x0000000000000002\n"
			 "sreg cr0=0x0000000060000010\n"
			 "sreg cr3=0x0000000000001000\n"
			 "sreg cr4=0x0000000000000020\n"
			 "sreg efer=0x0000000000000500\n"
			 "seg cs selector=0x1000 base=0x0000000000010000\n"
			 "seg ds selector=0x1000 base=0x0000000000010000\n"
			 "seg es selector=0x1000 base=0x0000000000010000\n"
			 "seg fs selector=0x1000 base=0x0000000000010000\n"
			 "seg gs selector=0x1000 base=0x0000000000010000\n"
			 "seg ss selector=0x1000 base=0x0000000000010000\n"
			 "seg tr selector=0x0000 base=0x0000000000000000\n"
			 "seg ldt selector=0x0000 base=0x0000000000000000\n"
			 "dt gdt base=0x0000000000000000 limit=0xffff\n"
			 "dt idt base=0x0000000000012345 limit=0x0000\n");
}

Test(vmm_trace, registers_that_cannot_be_read_say_why)
{
	trace_regs(&t, NULL, NULL, EBADF);
	cr_assert_str_eq(lines(), "reg error errno=EBADF\nsreg error errno=EBADF\n");
}
