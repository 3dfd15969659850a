/* SPDX-License-Identifier: GPL-2.0 */
/**
 * @file minivmm.h
 * @brief minivmm, the userspace half of the hypervisor (QEMU's role).
 *
 * minivmm drives a hypervisor only through KVM's ioctl ABI, so the same
 * binary runs on our /dev/minikvm and on the real /dev/kvm (`--dev`).
 * It owns guest memory, loads the guest image, emulates the few devices
 * that live in userspace (a COM1 UART, QEMU's isa-debug-exit port) and
 * turns every exit it cannot handle into a precise report.
 */
#ifndef MINIVMM_H
#define MINIVMM_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/**
 * Process exit statuses.  A guest leaving through the debug-exit port
 * ends minivmm with (value << 1) | 1, always odd, exactly as QEMU's
 * isa-debug-exit device does; minivmm's own statuses are therefore even.
 */
enum vmm_status {
	VMM_HALTED	= 0,	/**< the guest executed HLT (KVM_EXIT_HLT) */
	VMM_USAGE	= 2,	/**< bad arguments or an unreadable file */
	VMM_KVM_ERROR	= 4,	/**< opening the device or an ioctl failed */
	VMM_BAD_EXIT	= 6,	/**< an exit minivmm does not handle */
	VMM_INTERRUPTED	= 8,	/**< KVM_RUN returned -EINTR (signal, --timeout) */
};

/** Ports of the devices minivmm emulates. */
#define COM1_BASE	0x3f8	/**< first 8250 UART, 8 registers */
#define DEBUG_EXIT_PORT	0xf4	/**< QEMU isa-debug-exit, iobase=0xf4 */
#define TEST_DATA_PORT	0xf6	/**< bytes of --in-data, read by IN */
#define MARK_PORT	0xf5	/**< OUT n: note the time as mark n (benchmarks) */
#define NR_MARKS	8	/**< marks 0 .. 7 */

#define VMM_MAX_SLOTS	0	/**< RAM (KVM slot 0) is the only slot until chapter 02 */
#define VMM_PAGE_SIZE	4096ull	/**< the unit of slots and of the dirty log */

/** A memory slot: where the guest sees it, and minivmm's memory behind it. */
struct vmm_slot {
	uint64_t gpa;		/**< guest-physical base, page-aligned */
	uint64_t size;		/**< bytes, a multiple of VMM_PAGE_SIZE */
	void *host;		/**< minivmm's mapping; NULL until created */
};

/** --invalid-state[=retry]: a vCPU state VM entry must refuse (entry.c). */
enum vmm_invalid_state {
	INVALID_STATE_OFF = 0,	/**< the guest's normal entry state */
	INVALID_STATE_STOP,	/**< --invalid-state: KVM_EXIT_FAIL_ENTRY ends the run */
	INVALID_STATE_RETRY,	/**< --invalid-state=retry: after the FAIL_ENTRY, set
				 *   the normal entry state and KVM_RUN again */
};

/** What the command line asked for. */
struct vmm_options {
	const char *dev;	/**< hypervisor device, /dev/minikvm by default */
	const char *guest;	/**< the flat binary to load; NULL for a kernel */
	uint64_t mem_size;	/**< guest RAM at guest-physical 0, bytes */
	uint64_t load_addr;	/**< where the flat binary goes; real-mode entry */
	unsigned int timeout_ms; /**< ms before SIGALRM ends KVM_RUN, 0 = none */
	const char *in_data;	/**< bytes served on TEST_DATA_PORT */
	int invalid_state;	/**< enum vmm_invalid_state: bad-state's entry */
	int verbose;		/**< print every exit, and the registers at the end */
	const char *trace;	/**< --trace FILE, or NULL */
};

int vmm_parse_args(int argc, char **argv, struct vmm_options *opt,
		   char *err, size_t errlen);
void vmm_usage(FILE *out);
int vmm_parse_size(const char *s, uint64_t *out);

int vmm_load_flat(void *mem, uint64_t mem_size, uint64_t addr,
		  const char *path, char *err, size_t errlen);

struct kvm_cpuid2;
struct kvm_sregs;

int vmm_cpuid_filter(struct kvm_cpuid2 *cpuid);

/**
 * Where --invalid-state builds its page tables: PML4, PDPT and one page
 * directory, 4 KiB each, above the real-mode interrupt vector table and
 * BIOS data area (0 .. 0x4ff) and below the default load address.
 */
#define LM_PT_BASE	0x1000ull
#define LM_PT_SIZE	0x3000ull	/**< three 4 KiB tables */
#define LM_MAP_SIZE	(1ull << 30)	/**< identity-mapped: the first GiB */

int vmm_build_identity_map(void *mem, uint64_t mem_size, uint64_t base,
			   uint64_t *cr3);
void vmm_long_mode_sregs(struct kvm_sregs *sregs, uint64_t cr3);
const char *vmm_fail_entry_reason(uint64_t reason, char *buf, size_t len);

/**
 * --trace FILE: what userspace observed on the KVM_RUN loop, one event a
 * line, for diffing two hypervisors (the format is in trace.c).
 */
#define TRACE_VERSION	1	/**< the number on the header line; bump on a format change */
#define TRACE_COM1_MAX	128	/**< COM1 bytes on one `com1` line at most */

/** The state of a trace. */
struct trace {
	FILE *f;		/**< the trace file; NULL when tracing is off */
	unsigned long nr_exits;	/**< KVM_RUN returns so far: the N of `exit N` */
	uint8_t com1[TRACE_COM1_MAX];	/**< COM1 bytes not written yet */
	size_t com1_len;	/**< how many */
};

struct kvm_run;
struct kvm_regs;

void trace_init(struct trace *t, FILE *f);
void trace_com1(struct trace *t, uint8_t c);
void trace_exit(struct trace *t, const struct kvm_run *run);
void trace_run_error(struct trace *t, int err);
void trace_vmm(struct trace *t, const char *what);
void trace_end(struct trace *t, int status);
void trace_regs(struct trace *t, const struct kvm_regs *r, const struct kvm_sregs *s,
		int err);

/** The 8250 UART model: transmitter only, always ready. */
struct serial {
	FILE *out;		/**< where the guest's bytes go */
	struct trace *trace;	/**< also told every byte sent, when not NULL */
	uint8_t lcr;		/**< line control register (for DLAB) */
	uint8_t ier;		/**< interrupt enable (kept, never raised) */
	uint8_t scr;		/**< scratch register, guests probe with it */
	/** Divisor latch, low and high byte (LCR.DLAB = 1). @{ */
	uint8_t dll, dlm;
	/** @} */
};

void serial_init(struct serial *s, FILE *out);
int serial_io(struct serial *s, uint16_t port, int is_write, uint8_t *data);

#define VMM_MAX_VCPUS	1	/**< one vCPU until chapter 04 */

struct vm;

/** One vCPU: its file descriptor, its kvm_run, and where its exits are traced. */
struct vcpu {
	struct vm *vm;		/**< the VM it belongs to */
	unsigned int id;	/**< KVM_CREATE_VCPU's id, which is also its APIC ID */
	int fd;			/**< the vCPU fd, -1 until created */
	struct kvm_run *run;	/**< shared with the kernel, see KVM_GET_VCPU_MMAP_SIZE */
	struct trace *trace;	/**< vCPU 0: &vm->trace; an AP: ap_trace */
};

/** One VM: its vCPUs and all the state the run loops and the devices need. */
struct vm {
	/** The device and VM file descriptors, -1 until opened. @{ */
	int dev_fd, vm_fd;
	/** @} */
	struct vcpu vcpu[VMM_MAX_VCPUS];	/**< vCPU 0 is the boot vCPU */
	unsigned int nr_vcpus;	/**< how many were asked for (--smp, 1 by default) */
	/** The vCPU whose exit is being handled: the one a control command acts on. */
	struct vcpu *cur;
	size_t run_size;	/**< bytes mapped at each kvm_run (kvm_run + PIO page) */
	void *mem;		/**< guest RAM, guest-physical 0 .. mem_size (slot 0) */
	uint64_t mem_size;	/**< bytes of guest RAM */
	struct vmm_slot slot[1 + VMM_MAX_SLOTS];	/**< [0] RAM (-m), then the others */
	unsigned int nr_slots;	/**< RAM included */
	FILE *out;		/**< stdout: the guest's COM1 and minivmm's reports */
	struct serial com1;	/**< the UART at COM1_BASE */
	struct trace trace;	/**< --trace; trace.f is NULL without it */
	const char *in_data;	/**< what TEST_DATA_PORT still has to give */
	uint64_t marks[NR_MARKS];	/**< MARK_PORT times, ns; 0 = not reached */
};

int vm_create_memory(struct vm *vm, const struct vmm_options *opt);

#endif
