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
#include <pthread.h>

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
/**
 * The test device's interrupt registers as ports, for guests that cannot
 * reach TESTDEV_BASE (real mode): OUT byte = a GSI (0..IRQ_MAX_GSI) to
 * raise, lower or pulse (raise then lower: one edge) its line, exactly as
 * the MMIO registers TESTDEV_IRQ_RAISE/LOWER/PULSE do.  IN reads 0.
 */
#define IRQ_RAISE_PORT	0xfa	/**< OUT gsi: line high (stays high) */
#define IRQ_LOWER_PORT	0xfb	/**< OUT gsi: line low */
#define IRQ_PULSE_PORT	0xfc	/**< OUT gsi: line high, then low */
#define IRQ_MAX_GSI	23	/**< KVM's default routing: 0-15 PIC + IOAPIC, 16-23 IOAPIC */

/*
 * Chapter 02's devices: the control port, through which a guest changes
 * its own memory slots, and the MMIO test device, the far end of the
 * MMIO exits the MMU now makes.
 */
#define CTL_PORT	0xf7	/**< control: OUT byte = command, IN dword = result */
#define CTL_ARG_PORT	0xf9	/**< control: OUT dword = the next argument */

/**
 * The control port: how a guest asks minivmm to change its VM while the
 * vCPU is stopped in userspace, on the exit of an OUT.  It is all port
 * I/O, so it works the same in every guest mode and on every hypervisor,
 * and it never reads or writes the vCPU's registers.
 *
 *   OUT dword to CTL_ARG_PORT   append an argument (CTL_MAX_ARGS at most;
 *                               more are ignored, missing ones are 0)
 *   OUT byte to CTL_PORT        run that command on the arguments; the
 *                               list is empty again afterwards
 *   IN dword from CTL_PORT      the last command's result: >= 0 on
 *                               success, a negative errno on failure
 *
 * Slot numbers are KVM's: 0 is RAM (-m), 1..n the --slot options in
 * order.  Each command prints one "minivmm: ..." line on stdout, so that
 * it falls in order among the guest's own COM1 lines.
 */
enum ctl_command {
	/** (slot): KVM_SET_USER_MEMORY_REGION with memory_size 0.  minivmm
	 *  keeps the memory, so CTL_SLOT_ADD brings the same bytes back. */
	CTL_SLOT_DELETE	= 1,
	/** (slot): register a deleted slot again: same memory, address, flags. */
	CTL_SLOT_ADD	= 2,
	/** (slot, gpa_lo, gpa_hi): the same memory at another guest-physical
	 *  address (KVM's KVM_MR_MOVE: same slot, same size, new base). */
	CTL_SLOT_MOVE	= 3,
	/** (slot): KVM_GET_DIRTY_LOG; prints the numbers of the pages written
	 *  since the previous call (0 = the slot's first page); result: how
	 *  many there are. */
	CTL_DIRTY_LOG	= 4,
	/** (slot, seed, offset, length): check in minivmm's own mapping that
	 *  the slot's bytes offset .. offset + length (length 0: to the end of
	 *  the slot) hold vmm_pattern(@seed) for the slot's current address;
	 *  result: the number of 32-bit words that differ. */
	CTL_SLOT_CHECK	= 5,
	/*
	 * Chapter 03's commands (irqctl.c).  Numbered apart from the slot
	 * commands, which all take a slot number first.
	 */
	/** (gsi, delay_ms): from another minivmm thread, after delay_ms,
	 *  pulse the line of @gsi; that thread first prints how much CPU time
	 *  the vCPU thread used meanwhile ("minivmm: during the N ms before
	 *  the raise, the vCPU thread used M us of CPU (P %)"), which is the
	 *  cost of a halt when the guest executed HLT.  Result 0 at once. */
	CTL_IRQ_LATER	= 0x10,
	/** (): KVM_NMI on the vCPU; result 0 or -errno. */
	CTL_NMI		= 0x11,
	/** (): KVM_GET_IRQCHIP (both PICs, the IOAPIC) and KVM_GET_VCPU_EVENTS
	 *  into minivmm's memory, printed; then KVM_SET_IRQCHIP with a
	 *  clobbered state (PIC: IMR 0xff, IRR/ISR 0, vector base 0x70;
	 *  IOAPIC: every pin masked).  Kernel irqchip only (-ENXIO). */
	CTL_IRQCHIP_SAVE = 0x12,
	/** (): KVM_SET_IRQCHIP and KVM_SET_VCPU_EVENTS with what
	 *  CTL_IRQCHIP_SAVE saved.  -ENOENT if nothing is saved. */
	CTL_IRQCHIP_RESTORE = 0x13,
	/** (gsi, toggles): start a thread that sets the line of @gsi high and
	 *  low alternately, @toggles line changes in all (even: it ends low). */
	CTL_IRQ_STORM	= 0x14,
	/** (): wait for CTL_IRQ_STORM's thread; result: the number of failed
	 *  line changes (0). */
	CTL_IRQ_STORM_WAIT = 0x15,
};
#define CTL_MAX_ARGS	4	/**< arguments a command can take */

/**
 * The userspace test device at TESTDEV_BASE, served on KVM_EXIT_MMIO (see
 * testdev.c).  Three 8-byte little-endian registers; an access of 1, 2, 4
 * or 8 bytes that lies inside one register reads or writes those bytes of
 * it.  Any other access to the page is not the device's.
 */
#define TESTDEV_BASE	0xd0000000ull	/**< outside RAM for -m up to 3.25 GiB */
#define TESTDEV_SIZE	0x1000ull	/**< one page */
#define TESTDEV_ID	0x00	/**< read-only, TESTDEV_ID_VALUE; writes are ignored */
#define  TESTDEV_ID_VALUE	0x747365746d766b6dull	/**< "mkvmtest" in memory order */
#define TESTDEV_SCRATCH	0x08	/**< reads back what was written */
#define TESTDEV_COUNTER	0x10	/**< read-only: a read counts one more, from 1 */
/*
 * Interrupt lines (chapter 03): a write of a GSI (0..IRQ_MAX_GSI) to
 * one of these changes that line, through the VM's interrupt controller
 * (minivmm --irqchip): KVM_IRQ_LINE for the in-kernel one, minivmm's own
 * 8259 pair for --irqchip user; nothing with --irqchip none.  Reads give
 * 0; a GSI out of range is ignored.  IRQ_RAISE_PORT.. do the same.
 */
#define TESTDEV_IRQ_RAISE 0x18	/**< write gsi: line high (level: stays high) */
#define TESTDEV_IRQ_LOWER 0x20	/**< write gsi: line low */
#define TESTDEV_IRQ_PULSE 0x28	/**< write gsi: high then low, one edge */
#define TESTDEV_END	0x30	/**< first offset that is no register */

/** What the test device's interrupt registers and ports do. */
enum testdev_irq_op {
	TESTDEV_OP_LOWER = 0,	/**< line low */
	TESTDEV_OP_RAISE = 1,	/**< line high */
	TESTDEV_OP_PULSE = 2,	/**< high, then low */
};

/** The test device's state. */
struct testdev {
	uint64_t scratch;	/**< TESTDEV_SCRATCH */
	uint64_t counter;	/**< TESTDEV_COUNTER: reads so far */
	/** Changes a line: (opaque, gsi, level); NULL: the lines go nowhere. */
	void (*set_irq)(void *opaque, unsigned int gsi, int level);
	void *opaque;		/**< handed to set_irq */
};

int testdev_mmio(struct testdev *d, uint64_t addr, int is_write,
		 uint8_t *data, unsigned int len);
int testdev_irq(struct testdev *d, enum testdev_irq_op op, uint64_t gsi);
int testdev_pio(struct testdev *d, uint16_t port, int is_write, uint8_t *data);

/** Extra memory slots (--slot) are KVM slots 1..VMM_MAX_SLOTS; 0 is RAM. */
#define VMM_MAX_SLOTS	8	/**< the most --slot options */
#define VMM_PAGE_SIZE	4096ull	/**< the unit of slots and of the dirty log */

/** A memory slot: where the guest sees it, and minivmm's memory behind it. */
struct vmm_slot {
	uint64_t gpa;		/**< guest-physical base, page-aligned */
	uint64_t size;		/**< bytes, a multiple of VMM_PAGE_SIZE */
	void *host;		/**< minivmm's mapping; NULL until created */
	int readonly;		/**< KVM_MEM_READONLY: guest writes exit as MMIO */
	int log;		/**< KVM_MEM_LOG_DIRTY_PAGES */
	int present;		/**< registered with the hypervisor right now */
};

int vmm_parse_slot(const char *s, struct vmm_slot *slot, char *err, size_t errlen);
int vmm_slots_overlap(const struct vmm_slot *slots, unsigned int n,
		      unsigned int *a, unsigned int *b);

/**
 * The test pattern: the 32-bit word at guest-physical address @gpa (a
 * multiple of 4) holds the low 32 bits of @gpa XOR @seed.  It changes
 * from word to word and from seed to seed, so a word that lands at the
 * wrong address or in the wrong slot shows.  The guests compute the same
 * (final/guests/guest.h); read-only slots start out holding it.
 */
static inline uint32_t vmm_pattern(uint64_t gpa, uint32_t seed)
{
	return (uint32_t)gpa ^ seed;
}
#define RO_FILL_SEED	0x524f4d30u	/**< the seed of read-only slots' content */

void vmm_pattern_fill(void *host, uint64_t gpa, uint64_t len, uint32_t seed);
uint64_t vmm_pattern_check(const void *host, uint64_t gpa, uint64_t len,
			   uint32_t seed, uint64_t *first_bad);
uint64_t vmm_dirty_pages(const uint64_t *bitmap, uint64_t npages,
			 char *buf, size_t len);

/** A --module: a file loaded next to a multiboot kernel, and its string. */
struct vmm_module {
	const char *path;	/**< the file */
	const char *string;	/**< what the kernel sees; the path by default */
};
#define VMM_MAX_MODULES	16	/**< the most --module options */

/** --invalid-state[=retry]: a vCPU state VM entry must refuse (entry.c). */
enum vmm_invalid_state {
	INVALID_STATE_OFF = 0,	/**< the guest's normal entry state */
	INVALID_STATE_STOP,	/**< --invalid-state: KVM_EXIT_FAIL_ENTRY ends the run */
	INVALID_STATE_RETRY,	/**< --invalid-state=retry: after the FAIL_ENTRY, set
				 *   the normal entry state and KVM_RUN again */
};

/** --irqchip: who models the interrupt controllers (irq.c). */
enum vmm_irqchip {
	IRQCHIP_KERNEL = 0,	/**< KVM_CREATE_IRQCHIP; lines are KVM_IRQ_LINE */
	IRQCHIP_USER,		/**< minivmm's 8259 pair; KVM_INTERRUPT + the window */
	IRQCHIP_NONE,		/**< none: lines go nowhere, HLT exits to userspace */
};
#define TICK_MAX_HZ	10000	/**< the fastest --tick */

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
	struct vmm_slot slot[VMM_MAX_SLOTS];	/**< the --slot options: KVM slots 1, 2, ... */
	unsigned int nr_slots;	/**< how many */
	int no_thp;		/**< --no-thp: MADV_NOHUGEPAGE on guest memory */
	const char *multiboot;	/**< --multiboot kernel, or NULL */
	const char *cmdline;	/**< the kernel's command line ("" by default) */
	struct vmm_module module[VMM_MAX_MODULES];	/**< its modules, in order */
	unsigned int nr_modules;	/**< how many */
	int irqchip;		/**< enum vmm_irqchip, --irqchip */
	unsigned int tick_hz;	/**< --tick: pulses of GSI 0 a second, 0 = none */
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

/* Chapter 02: multiboot kernels, entered in flat 32-bit protected mode. */
void vmm_flat32_sregs(struct kvm_sregs *sregs);

/** Where vmm_multiboot_load() left the kernel, for the entry. */
struct vmm_multiboot_entry {
	uint32_t entry;		/**< physical entry point (EIP) */
	uint32_t info;		/**< the multiboot information structure (EBX) */
	uint64_t kernel_start;	/**< lowest byte the kernel occupies */
	uint64_t kernel_end;	/**< one past its highest byte, bss included */
};

int vmm_multiboot_load(void *mem, uint64_t mem_size, const char *kernel,
		       const char *cmdline, const struct vmm_module *mods,
		       unsigned int nr_mods, struct vmm_multiboot_entry *out,
		       char *err, size_t errlen);

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

/** The 8250 UART model: a transmitter that is always ready, a receiver
 *  fed by --in-data, and its interrupt (IRQ 4 on a PC). */
struct serial {
	FILE *out;		/**< where the guest's bytes go */
	struct trace *trace;	/**< also told every byte sent, when not NULL */
	uint8_t lcr;		/**< line control register (for DLAB) */
	uint8_t ier;		/**< interrupt enable */
	uint8_t mcr;		/**< modem control (kept) */
	int thr_ipending;	/**< a THR-empty interrupt waits for IIR or THR */
	int irq_level;		/**< what the UART drives on its line now */
	const char **rx;	/**< bytes received: *rx, to its NUL; NULL: none */
	/** Drives the UART's interrupt line (opaque, level); may be NULL. */
	void (*set_irq)(void *opaque, int level);
	void *opaque;		/**< handed to set_irq */
	uint8_t scr;		/**< scratch register, guests probe with it */
	/** Divisor latch, low and high byte (LCR.DLAB = 1). @{ */
	uint8_t dll, dlm;
	/** @} */
};

void serial_init(struct serial *s, FILE *out);
int serial_io(struct serial *s, uint16_t port, int is_write, uint8_t *data);
#define COM1_IRQ	4	/**< COM1's ISA interrupt line */

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
	struct testdev testdev;	/**< the MMIO device at TESTDEV_BASE */
	uint32_t ctl_arg[CTL_MAX_ARGS];	/**< control-port arguments so far */
	unsigned int ctl_nargs;	/**< how many */
	int32_t ctl_result;	/**< the last command's result */
	int irqchip;		/**< enum vmm_irqchip */
	pthread_t vcpu_thread;	/**< the thread that runs KVM_RUN */
	pthread_mutex_t irq_lock;	/**< the userspace PIC and the fields below */
	pthread_cond_t irq_cond;	/**< the PIC's output rose (a halted vCPU waits) */
	struct kvm_pic *upic;	/**< --irqchip user: minivmm's 8259 pair */
	struct irq_saved *saved;	/**< CTL_IRQCHIP_SAVE's state, or NULL */
	pthread_t storm_thread;	/**< CTL_IRQ_STORM's thread ... */
	int storm_running;	/**< ... while this is 1 */
	unsigned long storm_errors;	/**< its failed KVM_IRQ_LINE calls */
	int tick_fd;		/**< --tick's timerfd */
};

int vm_create_memory(struct vm *vm, const struct vmm_options *opt);
int vm_set_slot(struct vm *vm, unsigned int i, int present, uint64_t gpa);
int64_t vm_dirty_log(struct vm *vm, unsigned int i);
int vm_slot_of(const struct vm *vm, uint64_t gpa);
/* control.c: the control port. */
int control_io(struct vm *vm, uint16_t port, int is_write, int size, uint8_t *data);

/* irq.c: the interrupt controllers and the lines into them. */
int irq_create_chip(struct vm *vm);
int irq_start(struct vm *vm, const struct vmm_options *opt);
void vm_set_irq(struct vm *vm, unsigned int gsi, int level);
void irq_set_line(void *opaque, unsigned int gsi, int level);
int irq_pre_run(struct vm *vm);
int irq_pio(struct vm *vm, uint16_t port, int is_write, int size, uint8_t *data);
int irq_halted(struct vm *vm);
int irq_kicked(void);
int irq_stop_requested(void);
const char *irqchip_name(int mode);
/* irqctl.c: chapter 03's control commands. */
int32_t irq_ctl_run(struct vm *vm, uint8_t cmd, const uint32_t *arg);
void irq_kick_init(struct kvm_run *run);
void irq_kick(pthread_t t);

#endif
