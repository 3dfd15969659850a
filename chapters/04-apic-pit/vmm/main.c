// SPDX-License-Identifier: GPL-2.0
/**
 * @file main.c
 * @brief minivmm: create a VM through KVM's ioctl ABI, load a guest, and
 * run it, handling the exits that belong to userspace.
 *
 * The sequence is the one every KVM client follows (Documentation/virt/kvm/api.rst):
 *   open the device -> KVM_CREATE_VM -> KVM_SET_USER_MEMORY_REGION
 *   -> KVM_CREATE_VCPU -> mmap struct kvm_run -> KVM_SET_SREGS/REGS
 *   -> loop { KVM_RUN; look at run->exit_reason }.
 * QEMU's counterpart of the loop is kvm_cpu_exec() in accel/kvm/kvm-all.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <unistd.h>
#include <linux/kvm.h>

#include "minivmm.h"
#include "multiboot.h"

/** Where KVM_SET_TSS_ADDR puts the three pages real-mode emulation needs
 *  on Intel CPUs without unrestricted guest: just below the BIOS area under
 *  4G, where QEMU puts them too. */
#define TSS_ADDR	0xfeffd000ul

/**
 * The vCPU's special registers as KVM_CREATE_VCPU left them (the
 * architectural reset state).  Every entry state below starts from a copy
 * of them, so that setting a state again after a run, as
 * --invalid-state=retry does, gives exactly the state a first run gets.
 */
static struct kvm_sregs reset_sregs;

/** The signal that asked us to stop, 0 if none (set by on_signal()). */
static volatile sig_atomic_t stop_signal;
/** kvm_run of the vCPU, for the signal handler (NULL until mapped). */
static struct kvm_run *volatile signal_run;

/**
 * A signal that must stop the guest.  One arriving while the thread is in
 * KVM_RUN makes KVM leave the guest and return -EINTR.  One arriving just
 * before KVM_RUN would be missed, and the guest would run on, so the
 * handler also sets kvm_run.immediate_exit, which makes the next KVM_RUN
 * return -EINTR at once (KVM_CAP_IMMEDIATE_EXIT, Documentation/virt/kvm/
 * api.rst; QEMU: kvm_cpu_kick()).
 */
static void on_signal(int sig)
{
	stop_signal = sig;
	if (signal_run)
		signal_run->immediate_exit = 1;
}

/** A signal asked minivmm to stop (for the userspace irqchip's HLT wait). */
int irq_stop_requested(void)
{
	return stop_signal != 0;
}

/** Names of the KVM_EXIT_* reasons, for messages. */
static const char *const exit_names[] = {
#define N(x) [KVM_EXIT_##x] = "KVM_EXIT_" #x
	N(UNKNOWN), N(EXCEPTION), N(IO), N(HYPERCALL), N(DEBUG), N(HLT),
	N(MMIO), N(IRQ_WINDOW_OPEN), N(SHUTDOWN), N(FAIL_ENTRY), N(INTR),
	N(SET_TPR), N(TPR_ACCESS), N(NMI), N(INTERNAL_ERROR),
	N(SYSTEM_EVENT), N(X86_RDMSR), N(X86_WRMSR),
#undef N
};
/** @def N
 *  One entry of exit_names: [KVM_EXIT_x] = "KVM_EXIT_x". */

/** Name of a KVM exit reason, for messages. */
static const char *exit_name(unsigned int reason)
{
	if (reason < sizeof(exit_names) / sizeof(exit_names[0]) && exit_names[reason])
		return exit_names[reason];
	return "KVM_EXIT_?";
}

/** Report a failed call, @what, with errno; returns VMM_KVM_ERROR. */
static int kvm_error(const char *what)
{
	fprintf(stderr, "minivmm: %s: %s\n", what, strerror(errno));
	return VMM_KVM_ERROR;
}

/** Print the vCPU's registers, for a report about an exit we cannot handle. */
static void dump_vcpu(struct vcpu *v)
{
	struct kvm_regs r;
	struct kvm_sregs s;

	if (v->vm->nr_vcpus > 1)
		fprintf(stderr, "  vCPU %u:\n", v->id);
	if (ioctl(v->fd, KVM_GET_REGS, &r) || ioctl(v->fd, KVM_GET_SREGS, &s)) {
		fprintf(stderr, "minivmm: cannot read registers: %s\n", strerror(errno));
		return;
	}
	fprintf(stderr,
		"  rip=%016llx rsp=%016llx rflags=%016llx\n"
		"  rax=%016llx rbx=%016llx rcx=%016llx rdx=%016llx\n"
		"  rsi=%016llx rdi=%016llx rbp=%016llx\n"
		"  cs=%04x base=%llx  ds=%04x ss=%04x\n"
		"  cr0=%llx cr3=%llx cr4=%llx efer=%llx\n",
		r.rip, r.rsp, r.rflags, r.rax, r.rbx, r.rcx, r.rdx,
		r.rsi, r.rdi, r.rbp, s.cs.selector, s.cs.base,
		s.ds.selector, s.ss.selector, s.cr0, s.cr3, s.cr4, s.efer);
}

/**
 * The instruction an emulation failure names, on stderr (no newline):
 * KVM_INTERNAL_ERROR_EMULATION with KVM_INTERNAL_ERROR_EMULATION_FLAG_
 * INSTRUCTION_BYTES carries them in kvm_run's emulation_failure (KVM's
 * ABI; a hypervisor may fetch more bytes than the instruction has).
 */
static void print_emulation_failure(const struct kvm_run *run)
{
	const typeof(run->emulation_failure) *e = &run->emulation_failure;

	if (e->suberror != KVM_INTERNAL_ERROR_EMULATION || e->ndata < 3 ||
	    !(e->flags & KVM_INTERNAL_ERROR_EMULATION_FLAG_INSTRUCTION_BYTES))
		return;
	fprintf(stderr, "; instruction bytes:");
	for (unsigned int i = 0; i < e->insn_size && i < sizeof(e->insn_bytes); i++)
		fprintf(stderr, " %02x", e->insn_bytes[i]);
}

/** Describe KVM_EXIT_FAIL_ENTRY's hardware reason on stderr (no newline). */
static void print_fail_entry(const struct kvm_run *run)
{
	char why[160];

	fprintf(stderr, "hardware entry failure reason 0x%llx on cpu %u (%s)",
		(unsigned long long)run->fail_entry.hardware_entry_failure_reason,
		run->fail_entry.cpu,
		vmm_fail_entry_reason(run->fail_entry.hardware_entry_failure_reason,
				      why, sizeof(why)));
}

/** Report an exit minivmm has no handler for, and say how it ended. */
static int bad_exit(struct vcpu *v)
{
	struct kvm_run *run = v->run;

	fprintf(stderr, "minivmm: unhandled exit %u (%s)", run->exit_reason,
		exit_name(run->exit_reason));
	switch (run->exit_reason) {
	case KVM_EXIT_FAIL_ENTRY:
		fputs(": ", stderr);
		print_fail_entry(run);
		break;
	case KVM_EXIT_SHUTDOWN:
		/*
		 * A triple fault.  The registers below are not the guest's
		 * last state on AMD: KVM INITs the vCPU on the SHUTDOWN
		 * intercept, whose VMCB is undefined (Linux:
		 * shutdown_interception()).
		 */
		fprintf(stderr, ": the guest shut down (triple fault)");
		break;
	case KVM_EXIT_INTERNAL_ERROR:
		fprintf(stderr, ": suberror %u", run->internal.suberror);
		for (unsigned int i = 0; i < run->internal.ndata && i < 16; i++)
			fprintf(stderr, " %llx", (unsigned long long)run->internal.data[i]);
		print_emulation_failure(run);
		break;
	case KVM_EXIT_MMIO:
		fprintf(stderr, ": %s of %u bytes at 0x%llx",
			run->mmio.is_write ? "write" : "read", run->mmio.len,
			(unsigned long long)run->mmio.phys_addr);
		break;
	case KVM_EXIT_IO:
		fprintf(stderr, ": %s port 0x%x", run->io.direction ? "out" : "in",
			run->io.port);
		break;
	}
	fputc('\n', stderr);
	dump_vcpu(v);
	return VMM_BAD_EXIT;
}

/**
 * One port access of @size bytes.  Returns -1 to keep running, or the
 * process exit status when the guest asked to stop.
 */
static int port_io(struct vm *vm, uint16_t port, int is_write, int size, uint8_t *data)
{
	if (size == 1 && serial_io(&vm->com1, port, is_write, data) == 0)
		return -1;
	if (control_io(vm, port, is_write, size, data) == 0)
		return -1;
	if (irq_pio(vm, port, is_write, size, data) == 0)
		return -1;
	if (!is_write)
		memset(data, 0, size);
	if (testdev_pio(&vm->testdev, port, is_write, data) == 0)
		return -1;

	if (port == DEBUG_EXIT_PORT && is_write) {
		uint32_t value = 0;

		memcpy(&value, data, size);
		return (int)(((value << 1) | 1) & 0xff);
	}
	if (port == MARK_PORT && is_write) {
		struct timespec ts;

		clock_gettime(CLOCK_MONOTONIC, &ts);
		if (data[0] < NR_MARKS)
			vm->marks[data[0]] = ts.tv_sec * 1000000000ull + ts.tv_nsec;
		return -1;
	}
	if (port == TEST_DATA_PORT && !is_write) {
		for (int i = 0; i < size; i++)
			data[i] = (vm->in_data && *vm->in_data) ? (uint8_t)*vm->in_data++ : 0;
		return -1;
	}
	/* No device: reads float high, writes vanish, as on a PC's ISA bus. */
	if (!is_write)
		memset(data, 0xff, size);
	return -1;
}

/** KVM_EXIT_IO: the data of count accesses sits at data_offset in kvm_run. */
static int handle_io(struct vcpu *v)
{
	struct vm *vm = v->vm;
	struct kvm_run *run = v->run;
	uint8_t *data = (uint8_t *)run + run->io.data_offset;
	int ret = -1;

	for (uint32_t i = 0; i < run->io.count && ret < 0; i++, data += run->io.size)
		ret = port_io(vm, run->io.port, run->io.direction == KVM_EXIT_IO_OUT,
			      run->io.size, data);
	return ret;
}

/**
 * KVM_EXIT_MMIO: the guest touched a guest-physical address that no
 * memory slot covers, or wrote to a read-only slot.  kvm_run.mmio holds
 * the address, the length (1 to 8 bytes), the direction and, for a
 * write, the data; for a read, what minivmm leaves in mmio.data is what
 * the guest's instruction gets when the next KVM_RUN completes it
 * (Documentation/virt/kvm/api.rst; QEMU: address_space_rw() from
 * kvm_cpu_exec()).  The test device takes its registers; anything else
 * is reported on vm->out, in order with the guest's output, and reads
 * all ones, like a PC bus with nothing behind the address.
 */
static void mmio_access(struct vm *vm, uint64_t addr, int is_write, uint8_t *data,
			unsigned int len)
{
	char where[48] = "";
	int i;

	if (testdev_mmio(&vm->testdev, addr, is_write, data, len) == 0)
		return;
	i = vm_slot_of(vm, addr);
	if (i >= 0)
		snprintf(where, sizeof(where), " (%s slot %d)",
			 vm->slot[i].present ? (vm->slot[i].readonly ? "read-only" : "present")
					     : "deleted", i);
	fprintf(vm->out, "minivmm: mmio %s of %u byte%s at 0x%llx%s", is_write ?
		"write" : "read", len, len == 1 ? "" : "s", (unsigned long long)addr, where);
	if (is_write) {
		uint64_t value = 0;

		memcpy(&value, data, len);
		fprintf(vm->out, ": 0x%0*llx", (int)len * 2, (unsigned long long)value);
	} else {
		memset(data, 0xff, len);
	}
	fputc('\n', vm->out);
	fflush(vm->out);
}

/** KVM_EXIT_MMIO (above). */
static void handle_mmio(struct vcpu *v)
{
	struct kvm_run *run = v->run;

	mmio_access(v->vm, run->mmio.phys_addr, run->mmio.is_write, run->mmio.data,
		    run->mmio.len > 8 ? 8 : run->mmio.len);
}

/** The times of the MARK_PORT writes, relative to mark 0, one line each:
 * "minivmm: mark N +T ns".  The benchmarks read these. */
static void print_marks(const struct vm *vm)
{
	for (int i = 1; i < NR_MARKS; i++)
		if (vm->marks[0] && vm->marks[i])
			fprintf(stderr, "minivmm: mark %d +%llu ns\n", i,
				(unsigned long long)(vm->marks[i] - vm->marks[0]));
}

static int setup_real_mode(struct vcpu *v, uint64_t addr);

/**
 * --invalid-state=retry, after the KVM_EXIT_FAIL_ENTRY it asked for: do
 * what a VMM that repairs its state does, and set the state the flat
 * guest is normally entered in (setup_real_mode(), from the reset
 * state), so that the next KVM_RUN runs the guest from its start.  KVM
 * allows it: a failed entry leaves the vCPU as it was, to be fixed and
 * run again (on VMX the VMCS stays "clear", so the next entry is a
 * VMLAUNCH; Linux: vmx_vcpu_run() sets vmx->loaded_vmcs->launched only
 * once the entry succeeded).
 */
static int retry_entry(struct vcpu *v, uint64_t addr)
{
	fputs("minivmm: KVM_EXIT_FAIL_ENTRY: ", stderr);
	print_fail_entry(v->run);
	fputs("; --invalid-state=retry: setting the real-mode entry state and "
	      "running again\n", stderr);
	trace_vmm(v->trace, "set-state real-mode");
	return setup_real_mode(v, addr);
}

/**
 * What an exit of vCPU @v asks of minivmm: handle it and return -1 to run
 * on, or return the process exit status.
 */
static int handle_exit_locked(struct vcpu *v)
{
	struct vm *vm = v->vm;

	vm->cur = v;
	switch (v->run->exit_reason) {
	case KVM_EXIT_IO:
		return handle_io(v);
	case KVM_EXIT_MMIO:
		handle_mmio(v);
		return -1;
	case KVM_EXIT_HLT:
		if (irq_halted(vm) < 0)
			return -1;
		fprintf(stderr, "minivmm: guest halted\n");
		return VMM_HALTED;
	case KVM_EXIT_IRQ_WINDOW_OPEN:
		/* --irqchip user asked for it: irq_pre_run() injects now. */
		return -1;
	case KVM_EXIT_INTR:
		/* A signal arrived between two entries: same as -EINTR. */
		fprintf(stderr, "minivmm: KVM_RUN interrupted by signal %d\n",
			(int)stop_signal);
		return VMM_INTERRUPTED;
	default:
		return bad_exit(v);
	}
}

/**
 * handle_exit_locked() under the VM's big lock, when there is more than
 * one vCPU: the devices minivmm emulates see one exit at a time, as
 * QEMU's devices do under its big QEMU lock.  COM1's trace is the
 * exiting vCPU's.
 */
static int handle_exit(struct vcpu *v)
{
	struct vm *vm = v->vm;
	int ret;

	pthread_mutex_lock(&vm->io_lock);
	vm->com1.trace = vm->trace.f ? v->trace : NULL;
	ret = handle_exit_locked(v);
	pthread_mutex_unlock(&vm->io_lock);
	return ret;
}

/**
 * The run loop of vCPU @v: returns the process exit status.  Each exit
 * goes to the vCPU's trace after it was handled, so that the data of an
 * IN or an MMIO read there is what the guest gets.  vCPU 0 runs on
 * minivmm's main thread and takes the signals that stop minivmm; each
 * other vCPU has a thread of its own (smp.c), and stops when another
 * vCPU ended the VM.
 */
int vcpu_run_loop(struct vcpu *v, const struct vmm_options *opt)
{
	int retry = opt->invalid_state == INVALID_STATE_RETRY && v->id == 0;
	int ret, err;

	for (;;) {
		if (smp_stopping(v->vm, &ret))
			return ret;
		if (stop_signal && v->id == 0) {
			fprintf(stderr, "minivmm: interrupted by signal %d before KVM_RUN\n",
				(int)stop_signal);
			return VMM_INTERRUPTED;
		}
		ret = irq_pre_run(v->vm);
		if (ret)
			return ret;
		if (ioctl(v->fd, KVM_RUN, 0) < 0) {
			err = errno;
			/* A kick from a line raised by another thread, or from a
			 * vCPU that ended the VM: not traced, its timing is not
			 * the guest's doing. */
			if (err == EINTR && (v->id || !stop_signal) && irq_kicked())
				continue;
			/*
			 * An AP woken in wait-for-SIPI (an INIT or a STARTUP
			 * arrived, or a kick) returns -EAGAIN: "run me again",
			 * to recheck its state (Linux: kvm_arch_vcpu_ioctl_run()
			 * after kvm_vcpu_block() in KVM_MP_STATE_UNINITIALIZED;
			 * QEMU's kvm_cpu_exec() loops on it too).  Not traced:
			 * how often it happens depends on timing.
			 */
			if (err == EAGAIN)
				continue;
			trace_run_error(v->trace, err);
			errno = err;
			if (errno == EINTR || errno == EAGAIN) {
				fprintf(stderr, "minivmm: KVM_RUN interrupted by signal %d\n",
					(int)stop_signal);
				return VMM_INTERRUPTED;
			}
			return kvm_error("KVM_RUN");
		}
		if (opt->verbose)
			fprintf(stderr, "minivmm: exit %s\n", exit_name(v->run->exit_reason));

		/* Once: a second failed entry is a failure like any other. */
		if (v->run->exit_reason == KVM_EXIT_FAIL_ENTRY && retry) {
			retry = 0;
			trace_exit(v->trace, v->run);
			ret = retry_entry(v, opt->load_addr);
			if (ret)
				return ret;
			continue;
		}
		ret = handle_exit(v);
		trace_exit(v->trace, v->run);
		if (ret >= 0)
			return ret;
	}
}

/**
 * Give the vCPU its CPUID: what KVM can virtualize, as filtered by
 * vmm_cpuid_filter().  Must come before KVM_SET_SREGS, which checks CR4
 * and CR3 against the guest's CPUID (Linux: kvm_is_valid_sregs()).
 * QEMU: kvm_arch_init_vcpu().
 */
static int setup_cpuid(struct vm *vm, struct vcpu *v)
{
	struct kvm_cpuid2 *cpuid;
	uint32_t nent = 64;

	/* KVM says E2BIG until the array is large enough; it then sets nent. */
	for (;;) {
		cpuid = calloc(1, sizeof(*cpuid) + nent * sizeof(cpuid->entries[0]));
		if (!cpuid)
			return kvm_error("calloc");
		cpuid->nent = nent;
		if (ioctl(vm->dev_fd, KVM_GET_SUPPORTED_CPUID, cpuid) == 0)
			break;
		free(cpuid);
		if (errno != E2BIG || nent >= 4096)
			return kvm_error("KVM_GET_SUPPORTED_CPUID");
		nent *= 2;
	}
	vmm_cpuid_filter(cpuid);
	vmm_cpuid_set_apic_id(cpuid, v->id);
	vmm_cpuid_apic_features(cpuid, vm->irqchip == IRQCHIP_KERNEL,
				ioctl(vm->vm_fd, KVM_CHECK_EXTENSION, KVM_CAP_TSC_DEADLINE_TIMER) > 0);
	if (ioctl(v->fd, KVM_SET_CPUID2, cpuid)) {
		free(cpuid);
		return kvm_error("KVM_SET_CPUID2");
	}
	free(cpuid);
	return 0;
}

/**
 * --invalid-state: a 64-bit state (see entry.c) that is valid except for
 * a code segment with both L and D set, entered at @addr.  KVM_SET_SREGS
 * takes it; the first KVM_RUN must end in KVM_EXIT_FAIL_ENTRY.
 */
static int setup_invalid_state(struct vm *vm, struct vcpu *v, uint64_t addr)
{
	struct kvm_sregs sregs;
	struct kvm_regs regs = { .rip = addr, .rsp = addr, .rflags = 0x2 };
	uint64_t cr3;

	if (vmm_build_identity_map(vm->mem, vm->mem_size, LM_PT_BASE, &cr3)) {
		fprintf(stderr, "minivmm: no room for page tables at 0x%llx\n", LM_PT_BASE);
		return VMM_USAGE;
	}
	sregs = reset_sregs;
	vmm_long_mode_sregs(&sregs, cr3);
	/* The one invalid thing: a 64-bit code segment cannot also be 32-bit. */
	sregs.cs.db = 1;
	if (ioctl(v->fd, KVM_SET_SREGS, &sregs))
		return kvm_error("KVM_SET_SREGS");
	if (ioctl(v->fd, KVM_SET_REGS, &regs))
		return kvm_error("KVM_SET_REGS");
	return 0;
}

/**
 * Point the vCPU at the flat image: the reset state (real mode), every
 * segment at @addr, IP 0.  Sets every register, so it also repairs
 * whatever state the vCPU had before.
 */
static int setup_real_mode(struct vcpu *v, uint64_t addr)
{
	struct kvm_sregs sregs = reset_sregs;
	struct kvm_regs regs = { .rip = 0, .rsp = 0xfffe, .rflags = 0x2 };
	struct kvm_segment *segs[] = { &sregs.cs, &sregs.ds, &sregs.es,
				       &sregs.fs, &sregs.gs, &sregs.ss };

	for (unsigned int i = 0; i < sizeof(segs) / sizeof(segs[0]); i++) {
		segs[i]->selector = addr >> 4;
		segs[i]->base = addr;
	}
	if (ioctl(v->fd, KVM_SET_SREGS, &sregs))
		return kvm_error("KVM_SET_SREGS");
	if (ioctl(v->fd, KVM_SET_REGS, &regs))
		return kvm_error("KVM_SET_REGS");
	return 0;
}

/** A flat image: load it at --load and enter it there in real mode, or
 *  in --invalid-state's state. */
static int boot_flat(struct vm *vm, const struct vmm_options *opt)
{
	char err[256];

	if (vmm_load_flat(vm->mem, vm->mem_size, opt->load_addr, opt->guest,
			  err, sizeof(err)) < 0) {
		fprintf(stderr, "minivmm: %s\n", err);
		return VMM_USAGE;
	}
	if (opt->invalid_state)
		return setup_invalid_state(vm, &vm->vcpu[0], opt->load_addr);
	return setup_real_mode(&vm->vcpu[0], opt->load_addr);
}

/**
 * Flat 32-bit protected mode without paging (vmm_flat32_sregs()) and the
 * general registers a boot protocol hands a kernel.
 * @param v     the vCPU to set up
 * @param regs  the protocol's registers: entry point, magic, info pointer
 */
static int enter_flat32(struct vcpu *v, const struct kvm_regs *regs)
{
	struct kvm_sregs sregs = reset_sregs;

	vmm_flat32_sregs(&sregs);
	if (ioctl(v->fd, KVM_SET_SREGS, &sregs))
		return kvm_error("KVM_SET_SREGS");
	if (ioctl(v->fd, KVM_SET_REGS, regs))
		return kvm_error("KVM_SET_REGS");
	return 0;
}

/**
 * Enter a multiboot kernel as "The Multiboot Specification version
 * 0.6.96", 3.2 "Machine state" says: 32-bit protected mode without paging
 * and flat segments (vmm_flat32_sregs()), EAX = the boot loader's magic
 * 0x2BADB002, EBX = the physical address of the boot information,
 * EFLAGS with VM and IF clear.  ESP is the kernel's business.
 */
static int setup_multiboot(struct vcpu *v, const struct vmm_multiboot_entry *mb)
{
	struct kvm_regs regs = {
		.rax = MULTIBOOT_BOOTLOADER_MAGIC,
		.rbx = mb->info,
		.rip = mb->entry,
		.rflags = 0x2,		/* bit 1 is always 1 */
	};

	return enter_flat32(v, &regs);
}

/** --multiboot: load the kernel and its modules, and set the entry state. */
static int boot_multiboot(struct vm *vm, const struct vmm_options *opt)
{
	struct vmm_multiboot_entry mb;
	char err[256];

	if (vmm_multiboot_load(vm->mem, vm->mem_size, opt->multiboot, opt->cmdline,
			       opt->module, opt->nr_modules, &mb, err, sizeof(err))) {
		fprintf(stderr, "minivmm: %s\n", err);
		return VMM_USAGE;
	}
	if (opt->verbose)
		fprintf(stderr, "minivmm: multiboot kernel at 0x%llx..0x%llx, entry 0x%x, "
			"information at 0x%x\n", (unsigned long long)mb.kernel_start,
			(unsigned long long)mb.kernel_end, mb.entry, mb.info);
	return setup_multiboot(&vm->vcpu[0], &mb);
}

/**
 * Create vCPU @id (KVM_CREATE_VCPU takes the id, which KVM also makes the
 * vCPU's APIC ID), map its kvm_run and give it its CPUID.
 */
static int create_vcpu(struct vm *vm, unsigned int id)
{
	struct vcpu *v = &vm->vcpu[id];

	v->vm = vm;
	v->id = id;
	v->trace = &vm->trace;
	v->fd = ioctl(vm->vm_fd, KVM_CREATE_VCPU, id);
	if (v->fd < 0)
		return kvm_error("KVM_CREATE_VCPU");
	v->run = mmap(NULL, vm->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, v->fd, 0);
	if (v->run == MAP_FAILED)
		return kvm_error("mmap kvm_run");
	return setup_cpuid(vm, v);
}

/** Open the device, create the VM, its memory and its vCPUs. */
static int create_vm(struct vm *vm, const struct vmm_options *opt)
{
	int api, mmap_size, ret;

	vm->dev_fd = open(opt->dev, O_RDWR | O_CLOEXEC);
	if (vm->dev_fd < 0)
		return kvm_error(opt->dev);
	api = ioctl(vm->dev_fd, KVM_GET_API_VERSION, 0);
	if (api != KVM_API_VERSION) {
		fprintf(stderr, "minivmm: %s speaks KVM API %d, not %d\n",
			opt->dev, api, KVM_API_VERSION);
		return VMM_KVM_ERROR;
	}
	vm->vm_fd = ioctl(vm->dev_fd, KVM_CREATE_VM, 0);
	if (vm->vm_fd < 0)
		return kvm_error("KVM_CREATE_VM");
	if (ioctl(vm->vm_fd, KVM_SET_TSS_ADDR, TSS_ADDR))
		return kvm_error("KVM_SET_TSS_ADDR");

	ret = vm_create_memory(vm, opt);
	if (ret)
		return ret;
	vm->irqchip = opt->irqchip;
	ret = irq_create_chip(vm);
	if (ret)
		return ret;

	mmap_size = ioctl(vm->dev_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (mmap_size < (int)sizeof(struct kvm_run))
		return kvm_error("KVM_GET_VCPU_MMAP_SIZE");
	vm->run_size = mmap_size;
	/*
	 * With the irqchip in the kernel, KVM makes vCPU 0 the bootstrap
	 * processor and holds every other vCPU in wait-for-SIPI
	 * (KVM_MP_STATE_UNINITIALIZED): its KVM_RUN sleeps until the guest
	 * starts it with INIT-SIPI-SIPI, as a real AP waits (Linux:
	 * kvm_arch_vcpu_create(), kvm_vcpu_is_reset_bsp()).
	 */
	for (unsigned int id = 0; id < vm->nr_vcpus; id++) {
		ret = create_vcpu(vm, id);
		if (ret)
			return ret;
	}
	signal_run = vm->vcpu[0].run;
	if (ioctl(vm->vcpu[0].fd, KVM_GET_SREGS, &reset_sregs))
		return kvm_error("KVM_GET_SREGS");
	ret = irq_start(vm, opt);
	if (ret)
		return ret;
	return 0;
}

/**
 * --trace: the end of the run, status @status, and the vCPU's state as a
 * VMM reads it afterwards (also after KVM_EXIT_SHUTDOWN, where what KVM
 * leaves in the registers is part of its ABI); then close the file.
 */
static void finish_trace(struct vm *vm, int status)
{
	struct kvm_regs regs;
	struct kvm_sregs sregs;
	int regs_err = 0, sregs_err = 0;

	if (!vm->trace.f)
		return;
	trace_end(&vm->trace, status);
	if (vm->vcpu[0].fd >= 0) {
		if (ioctl(vm->vcpu[0].fd, KVM_GET_REGS, &regs))
			regs_err = errno;
		if (ioctl(vm->vcpu[0].fd, KVM_GET_SREGS, &sregs))
			sregs_err = errno;
		trace_regs(&vm->trace, regs_err ? NULL : &regs, sregs_err ? NULL : &sregs,
			   regs_err ? regs_err : sregs_err);
	}
	smp_trace_aps(vm);
	if (ferror(vm->trace.f) | fclose(vm->trace.f))
		fprintf(stderr, "minivmm: cannot write the trace: %s\n", strerror(errno));
	vm->trace.f = NULL;
}

/** minivmm [options] GUEST.bin: parse, create the VM, load the guest, set
 *  up the vCPU, run it; the exit status says how it ended (enum vmm_status,
 *  or the guest's debug-exit value). */
int main(int argc, char **argv)
{
	struct vmm_options opt;
	struct vm vm = { .dev_fd = -1, .vm_fd = -1, .nr_vcpus = 1, .vcpu[0].fd = -1 };
	struct sigaction sa = { .sa_handler = on_signal };
	const char *image;
	char err[256];
	int ret;

	ret = vmm_parse_args(argc, argv, &opt, err, sizeof(err));
	if (ret > 0) {
		vmm_usage(stdout);
		return 0;
	}
	if (ret < 0) {
		fprintf(stderr, "minivmm: %s (try --help)\n", err);
		return VMM_USAGE;
	}
	/* Fail on an unreadable image before touching the hypervisor. */
	image = opt.guest;
	if (opt.multiboot)
		image = opt.multiboot;
	if (access(image, R_OK)) {
		fprintf(stderr, "minivmm: cannot read %s: %s\n", image, strerror(errno));
		return VMM_USAGE;
	}

	vm.out = stdout;
	serial_init(&vm.com1, stdout);
	vm.in_data = opt.in_data;
	if (opt.trace) {
		FILE *f = fopen(opt.trace, "w");

		if (!f) {
			fprintf(stderr, "minivmm: cannot write %s: %s\n", opt.trace,
				strerror(errno));
			return VMM_USAGE;
		}
		trace_init(&vm.trace, f);
		vm.com1.trace = &vm.trace;
	}

	/* No SA_RESTART: the point of the handler is that KVM_RUN gets -EINTR. */
	sigaction(SIGALRM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	vm.nr_vcpus = opt.smp;
	pthread_mutex_init(&vm.io_lock, NULL);
	ret = create_vm(&vm, &opt);
	if (ret)
		goto out;
	if (opt.guest)
		ret = boot_flat(&vm, &opt);
	else if (opt.multiboot)
		ret = boot_multiboot(&vm, &opt);
	if (ret)
		goto out;
	if (opt.timeout_ms) {
		struct itimerval t = { .it_value = { .tv_sec = opt.timeout_ms / 1000,
					.tv_usec = opt.timeout_ms % 1000 * 1000 } };

		setitimer(ITIMER_REAL, &t, NULL);	/* SIGALRM, as alarm() */
	}
	ret = smp_start(&vm, &opt);
	if (ret)
		goto out;
	ret = vcpu_run_loop(&vm.vcpu[0], &opt);
	ret = smp_finish(&vm, ret);
	print_marks(&vm);
	/* bad_exit() has dumped them already; KVM errors leave nothing to show. */
	if (opt.verbose && ret != VMM_BAD_EXIT && ret != VMM_KVM_ERROR) {
		fprintf(stderr, "minivmm: registers at exit:\n");
		dump_vcpu(&vm.vcpu[0]);
	}
out:
	finish_trace(&vm, ret);
	/* Everything is released by the kernel when the fds close at exit. */
	return ret;
}
