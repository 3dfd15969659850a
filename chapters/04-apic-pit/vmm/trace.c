// SPDX-License-Identifier: GPL-2.0
/**
 * @file trace.c
 * @brief minivmm --trace FILE: everything userspace observes on the
 * KVM_RUN loop, one event a line, in a text format that `diff` can compare
 * between two hypervisors.
 *
 * The lab runs each scenario on minikvm and on the real KVM with the same
 * minivmm and the same guest, then diffs the two traces (after dropping the
 * lines a per-scenario allow-list names).  Two correct KVMs must give the
 * same trace, so the format holds only what the KVM ABI makes observable
 * and deterministic, and nothing that legitimately differs between two
 * runs or two hosts: no times, no host addresses or file descriptors, no
 * host CPU number (kvm_run.fail_entry.cpu), no device path.  What KVM
 * itself leaves open (the debug words of KVM_EXIT_INTERNAL_ERROR) sits on
 * a line of its own, so an allow-list can drop it alone.
 *
 * The lines, in order (TRACE_VERSION 1):
 *
 *	# minivmm trace 1
 *	exit N <reason> [fields]	one for every KVM_RUN, N = 1, 2, ...
 *	exit N error errno=NAME		a KVM_RUN that failed (EINTR, ...)
 *	com1 "text"			COM1 output, escaped like C
 *	vmm <action>			something minivmm did to the vCPU
 *	end status=S			minivmm's exit status
 *	reg rax=0x...			KVM_GET_REGS: 16 GPRs, rip, rflags
 *	sreg cr0=0x...			KVM_GET_SREGS: cr0, cr3, cr4 (without MCE), efer
 *	seg cs selector=0x.. base=0x..	cs ds es fs gs ss tr ldt
 *	dt gdt base=0x.. limit=0x..	gdt, idt
 *	vcpu ID				--smp: the exit and com1 lines of the
 *					vCPU ID (1, 2, ...) follow
 *
 * An exit line is written after minivmm handled the exit, so for an IN or
 * an MMIO read its data is what the guest is given.  The guest's COM1
 * bytes are collected and written as one `com1` line when the guest
 * writes a newline, when TRACE_COM1_MAX bytes are waiting, or before any
 * line that is not an exit line; so a `com1` line follows the exit line of
 * its last byte, and the split depends only on the guest's bytes.
 *
 * Every number is hexadecimal with a 0x prefix, except counts (exit
 * numbers, size, len, count, ndata), the status and suberrors; register
 * values are 16 digits wide and port or MMIO data as wide as the access,
 * so equal values always look equal.
 */
#define _GNU_SOURCE	/**< for strerrorname_np() (glibc 2.32) */
#include <errno.h>
#include <string.h>
#include <linux/kvm.h>

#include "minivmm.h"

/** CR4.MCE, machine-check enable (Intel SDM Vol. 3A, 2.5). */
#define TRACE_CR4_MCE	(1ull << 6)

/** Names of the exit reasons in the trace: KVM's, in lower case. */
static const char *const trace_exit_names[] = {
#define N(x, name) [KVM_EXIT_##x] = name
	N(UNKNOWN, "unknown"), N(EXCEPTION, "exception"), N(IO, "io"),
	N(HYPERCALL, "hypercall"), N(DEBUG, "debug"), N(HLT, "hlt"),
	N(MMIO, "mmio"), N(IRQ_WINDOW_OPEN, "irq_window_open"),
	N(SHUTDOWN, "shutdown"), N(FAIL_ENTRY, "fail_entry"), N(INTR, "intr"),
	N(SET_TPR, "set_tpr"), N(TPR_ACCESS, "tpr_access"), N(NMI, "nmi"),
	N(INTERNAL_ERROR, "internal_error"), N(SYSTEM_EVENT, "system_event"),
	N(X86_RDMSR, "x86_rdmsr"), N(X86_WRMSR, "x86_wrmsr"),
#undef N
};
/** @def N
 *  One entry of trace_exit_names: [KVM_EXIT_x] = "name". */

/** Start a trace on @f (NULL: tracing off) and write its header line. */
void trace_init(struct trace *t, FILE *f)
{
	*t = (struct trace) { .f = f };
	if (f)
		fprintf(f, "# minivmm trace %d\n", TRACE_VERSION);
}

/** Write the COM1 bytes collected so far as one `com1 "..."` line. */
static void trace_flush_com1(struct trace *t)
{
	if (!t->com1_len)
		return;
	fputs("com1 \"", t->f);
	for (size_t i = 0; i < t->com1_len; i++) {
		uint8_t c = t->com1[i];

		switch (c) {
		case '\n': fputs("\\n", t->f); break;
		case '\r': fputs("\\r", t->f); break;
		case '\t': fputs("\\t", t->f); break;
		case '"':  fputs("\\\"", t->f); break;
		case '\\': fputs("\\\\", t->f); break;
		default:
			if (c >= 0x20 && c < 0x7f)
				fputc(c, t->f);
			else
				fprintf(t->f, "\\x%02x", c);
		}
	}
	fputs("\"\n", t->f);
	t->com1_len = 0;
}

/**
 * A byte the guest wrote to COM1's transmitter.  Kept until its line is
 * complete (see the file comment); the serial model calls this.
 */
void trace_com1(struct trace *t, uint8_t c)
{
	if (!t || !t->f)
		return;
	if (t->com1_len == TRACE_COM1_MAX)
		trace_flush_com1(t);
	t->com1[t->com1_len++] = c;
}

/** Print @size bytes of @p as one little-endian number, 2 * @size digits. */
static void trace_data(FILE *f, const uint8_t *p, unsigned int size)
{
	fputs("0x", f);
	for (unsigned int i = size; i-- > 0; )
		fprintf(f, "%02x", p[i]);
}

/** The fields of a KVM_EXIT_IO: direction, port, size, count, data. */
static void trace_io(FILE *f, const struct kvm_run *run)
{
	const uint8_t *data = (const uint8_t *)run + run->io.data_offset;

	fprintf(f, " %s port=0x%x size=%u", run->io.direction == KVM_EXIT_IO_OUT ?
		"out" : "in", run->io.port, run->io.size);
	/* A string instruction can bring several accesses in one exit. */
	if (run->io.count != 1)
		fprintf(f, " count=%u", run->io.count);
	fputs(" data=", f);
	for (uint32_t i = 0; i < run->io.count; i++) {
		if (i)
			fputc(',', f);
		trace_data(f, data + i * run->io.size, run->io.size);
	}
}

/**
 * The exit that KVM_RUN just returned, after minivmm handled it: writes
 * `exit N <reason> ...`, numbering the exits from 1.
 */
void trace_exit(struct trace *t, const struct kvm_run *run)
{
	FILE *f = t->f;
	unsigned int reason = run->exit_reason;
	unsigned long n;

	if (!f)
		return;
	n = ++t->nr_exits;
	fprintf(f, "exit %lu ", n);
	if (reason < sizeof(trace_exit_names) / sizeof(trace_exit_names[0]) &&
	    trace_exit_names[reason])
		fputs(trace_exit_names[reason], f);
	else
		fprintf(f, "reason=%u", reason);

	switch (reason) {
	case KVM_EXIT_IO:
		trace_io(f, run);
		break;
	case KVM_EXIT_MMIO: {
		unsigned int len = run->mmio.len > 8 ? 8 : run->mmio.len;

		fprintf(f, " %s addr=0x%llx len=%u data=", run->mmio.is_write ? "write" : "read",
			(unsigned long long)run->mmio.phys_addr, run->mmio.len);
		trace_data(f, run->mmio.data, len);
		break;
	}
	case KVM_EXIT_FAIL_ENTRY:
		/* Not fail_entry.cpu: which host CPU ran it is the scheduler's choice. */
		fprintf(f, " reason=0x%llx",
			(unsigned long long)run->fail_entry.hardware_entry_failure_reason);
		break;
	case KVM_EXIT_INTERNAL_ERROR: {
		unsigned int ndata = run->internal.ndata > 16 ? 16 : run->internal.ndata;

		fprintf(f, " suberror=%u ndata=%u", run->internal.suberror, run->internal.ndata);
		if (!ndata)
			break;
		/*
		 * The data words are KVM's debugging aid, not ABI (they hold
		 * exit reasons, vectoring information, even the host CPU): a
		 * line of their own, which an allow-list can drop.
		 */
		fprintf(f, "\nexit %lu internal_error data=", n);
		for (unsigned int i = 0; i < ndata; i++)
			fprintf(f, "%s0x%llx", i ? "," : "",
				(unsigned long long)run->internal.data[i]);
		break;
	}
	case KVM_EXIT_UNKNOWN:
		fprintf(f, " hardware_exit_reason=0x%llx",
			(unsigned long long)run->hw.hardware_exit_reason);
		break;
	case KVM_EXIT_EXCEPTION:
		fprintf(f, " exception=%u error_code=0x%x", run->ex.exception,
			run->ex.error_code);
		break;
	case KVM_EXIT_DEBUG:
		fprintf(f, " exception=%u pc=0x%llx dr6=0x%llx dr7=0x%llx",
			run->debug.arch.exception, (unsigned long long)run->debug.arch.pc,
			(unsigned long long)run->debug.arch.dr6,
			(unsigned long long)run->debug.arch.dr7);
		break;
	case KVM_EXIT_HYPERCALL:
		fprintf(f, " nr=0x%llx args=0x%llx,0x%llx,0x%llx,0x%llx,0x%llx,0x%llx",
			(unsigned long long)run->hypercall.nr,
			(unsigned long long)run->hypercall.args[0],
			(unsigned long long)run->hypercall.args[1],
			(unsigned long long)run->hypercall.args[2],
			(unsigned long long)run->hypercall.args[3],
			(unsigned long long)run->hypercall.args[4],
			(unsigned long long)run->hypercall.args[5]);
		break;
	case KVM_EXIT_SYSTEM_EVENT:
		fprintf(f, " type=%u", run->system_event.type);
		break;
	case KVM_EXIT_X86_RDMSR:
	case KVM_EXIT_X86_WRMSR:
		fprintf(f, " index=0x%x data=0x%016llx", run->msr.index,
			(unsigned long long)run->msr.data);
		break;
	}
	fputc('\n', f);
	/* A com1 line follows the exit of its last byte. */
	if (t->com1_len && t->com1[t->com1_len - 1] == '\n')
		trace_flush_com1(t);
}

/** Name of @err as in <errno.h> ("EINTR"), or its number if unknown. */
static const char *trace_errno(int err, char *buf, size_t len)
{
	const char *name = strerrorname_np(err);

	if (name)
		return name;
	snprintf(buf, len, "%d", err);
	return buf;
}

/**
 * A KVM_RUN that returned -1 with errno @err: it counts as an exit (the
 * next one is N + 1) and writes `exit N error errno=NAME`.
 */
void trace_run_error(struct trace *t, int err)
{
	char buf[16];

	if (!t->f)
		return;
	fprintf(t->f, "exit %lu error errno=%s\n", ++t->nr_exits,
		trace_errno(err, buf, sizeof(buf)));
}

/** Something minivmm itself did to the vCPU between two KVM_RUNs: `vmm @what`. */
void trace_vmm(struct trace *t, const char *what)
{
	if (!t->f)
		return;
	trace_flush_com1(t);
	fprintf(t->f, "vmm %s\n", what);
}

/** The end of the run: the COM1 bytes still waiting, then `end status=S`. */
void trace_end(struct trace *t, int status)
{
	if (!t->f)
		return;
	trace_flush_com1(t);
	fprintf(t->f, "end status=%d\n", status);
}

/** One segment register: `seg NAME selector=0xSSSS base=0x...`. */
static void trace_seg(FILE *f, const char *name, const struct kvm_segment *s)
{
	fprintf(f, "seg %s selector=0x%04x base=0x%016llx\n", name, s->selector,
		(unsigned long long)s->base);
}

/**
 * The vCPU's state as the VMM reads it at the end (KVM_GET_REGS into @r,
 * KVM_GET_SREGS into @s): every GPR, RIP and RFLAGS; CR0, CR3, CR4 and
 * EFER; the selector and base of each segment register; GDTR and IDTR.
 * Not the segments' limits and attributes, which KVM leaves partly to
 * the vendor (VMX's unusable bit, the accessed bit), nor CR2, CR8 and
 * APIC_BASE.  Either pointer may be NULL when its ioctl failed with
 * errno @err: the line then says so.
 */
void trace_regs(struct trace *t, const struct kvm_regs *r, const struct kvm_sregs *s,
		int err)
{
	FILE *f = t->f;
	char buf[16];

	if (!f)
		return;
	if (r) {
		const struct { const char *name; uint64_t v; } gpr[] = {
			{ "rax", r->rax }, { "rbx", r->rbx }, { "rcx", r->rcx },
			{ "rdx", r->rdx }, { "rsi", r->rsi }, { "rdi", r->rdi },
			{ "rsp", r->rsp }, { "rbp", r->rbp }, { "r8", r->r8 },
			{ "r9", r->r9 }, { "r10", r->r10 }, { "r11", r->r11 },
			{ "r12", r->r12 }, { "r13", r->r13 }, { "r14", r->r14 },
			{ "r15", r->r15 }, { "rip", r->rip }, { "rflags", r->rflags },
		};

		for (size_t i = 0; i < sizeof(gpr) / sizeof(gpr[0]); i++)
			fprintf(f, "reg %s=0x%016llx\n", gpr[i].name,
				(unsigned long long)gpr[i].v);
	} else {
		fprintf(f, "reg error errno=%s\n", trace_errno(err, buf, sizeof(buf)));
	}
	if (!s) {
		fprintf(f, "sreg error errno=%s\n", trace_errno(err, buf, sizeof(buf)));
		return;
	}
	/*
	 * CR4.MCE (bit 6) is left out.  A hypervisor runs every guest with
	 * the host's CR4.MCE, since a machine check with it clear shuts the
	 * CPU down; whether the guest then reads back 1 or its own bit
	 * depends on how CR4 reads reach it: KVM emulates them on SVM and
	 * uses the read shadow on VMX; minikvm on SVM lets the guest read
	 * the CPU's CR4 until its emulator (chapter 05) can take CR4 reads,
	 * a known difference (README).  So a guest's read-modify-write of
	 * CR4 ends with MCE set on one and clear on the other.
	 */
	fprintf(f, "sreg cr0=0x%016llx\nsreg cr3=0x%016llx\nsreg cr4=0x%016llx\n"
		"sreg efer=0x%016llx\n", (unsigned long long)s->cr0,
		(unsigned long long)s->cr3,
		(unsigned long long)(s->cr4 & ~TRACE_CR4_MCE),
		(unsigned long long)s->efer);
	trace_seg(f, "cs", &s->cs);
	trace_seg(f, "ds", &s->ds);
	trace_seg(f, "es", &s->es);
	trace_seg(f, "fs", &s->fs);
	trace_seg(f, "gs", &s->gs);
	trace_seg(f, "ss", &s->ss);
	trace_seg(f, "tr", &s->tr);
	trace_seg(f, "ldt", &s->ldt);
	fprintf(f, "dt gdt base=0x%016llx limit=0x%04x\n", (unsigned long long)s->gdt.base,
		s->gdt.limit);
	fprintf(f, "dt idt base=0x%016llx limit=0x%04x\n", (unsigned long long)s->idt.base,
		s->idt.limit);
}

/** Write the COM1 bytes still waiting (before an AP's trace is closed). */
void trace_flush(struct trace *t)
{
	if (t->f)
		trace_flush_com1(t);
}

/**
 * --smp: the trace of application processor @id, @len bytes at @buf (its
 * own exit and com1 lines, numbered from 1), as a `vcpu ID` line and the
 * lines, after vCPU 0's whole trace.  Each vCPU's lines are in the order
 * that vCPU saw them; how two vCPUs' exits interleave in time is left
 * out, because it is not the guest's doing but the host scheduler's.
 */
void trace_vcpu_section(FILE *f, unsigned int id, const char *buf, size_t len)
{
	if (!f)
		return;
	fprintf(f, "vcpu %u\n", id);
	fwrite(buf, 1, len, f);
}
