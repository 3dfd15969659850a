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
#if defined(CONFIG_MINIKVM_IRQCHIP) || defined(CONFIG_MINIKVM_LAPIC)
#include <pthread.h>
#endif
#ifdef CONFIG_MINIKVM_FINAL
#include <sys/uio.h>
#include <linux/virtio_blk.h>
#include <linux/virtio_ring.h>
#endif

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
#ifdef CONFIG_MINIKVM_FINAL
	VMM_RESET	= 10,	/**< the guest reset the machine (i8042.c: reboot) */
#endif
};

/** Ports of the devices minivmm emulates. */
#define COM1_BASE	0x3f8	/**< first 8250 UART, 8 registers */
#define DEBUG_EXIT_PORT	0xf4	/**< QEMU isa-debug-exit, iobase=0xf4 */
#define TEST_DATA_PORT	0xf6	/**< bytes of --in-data, read by IN */
#define MARK_PORT	0xf5	/**< OUT n: note the time as mark n (benchmarks) */
#define NR_MARKS	8	/**< marks 0 .. 7 */
#ifdef CONFIG_MINIKVM_IRQCHIP
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
#endif

#ifdef CONFIG_MINIKVM_MMU
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
#ifdef CONFIG_MINIKVM_IRQCHIP
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
#endif
#ifdef CONFIG_MINIKVM_LAPIC
	/*
	 * Chapter 04's commands (lapicctl.c).  Each acts on the vCPU that
	 * executed the OUT, "the calling vCPU".
	 */
	/** (): KVM_GET_LAPIC of the calling vCPU into minivmm's memory,
	 *  printed (ID, TPR, SVR, LVT timer, initial count, divide, the
	 *  vectors set in ISR, TMR and IRR); then KVM_SET_LAPIC with a
	 *  clobbered copy: ISR, TMR and IRR empty, the timer stopped (initial
	 *  count 0, LVT timer masked).  In-kernel irqchip only (-ENXIO). */
	CTL_LAPIC_SAVE	= 0x16,
	/** (): KVM_SET_LAPIC of the calling vCPU with what CTL_LAPIC_SAVE
	 *  saved.  -ENOENT if nothing is saved. */
	CTL_LAPIC_RESTORE = 0x17,
	/** (): note the calling vCPU thread's CPU time and the wall clock. */
	CTL_CPU_MARK	= 0x18,
	/** (): print the calling vCPU thread's CPU time since CTL_CPU_MARK
	 *  ("minivmm: vCPU N used U us of CPU in M ms (P.p %)"); result: the
	 *  percentage, rounded down; -ENOENT without a mark. */
	CTL_CPU_REPORT	= 0x19,
	/** (a, b, c, d): print "minivmm: vCPU N notes a b c d" (decimal):
	 *  numbers a guest measured, which vary from run to run, so they go
	 *  to minivmm's output and not the guest's COM1 output (compared by
	 *  the differential oracle).  Result 0. */
	CTL_NOTE	= 0x1a,
	/** (): KVM_GET_TSC_KHZ on the vCPU, printed ("minivmm: KVM_GET_TSC_KHZ:
	 *  N"); result N or -errno.  What the guest's own TSC calibration
	 *  against the PIT should find. */
	CTL_TSC_KHZ	= 0x1b,
	/** (): KVM_GET_PIT2 then KVM_SET_PIT2 with what it gave (a migration
	 *  of the PIT in place: every counter restarts from its count);
	 *  result: counter 2's mode << 24 | its count, or -errno. */
	CTL_PIT_RELOAD	= 0x1c,
	/** (on): KVM_REINJECT_CONTROL with pit_reinject = @on; result 0 or
	 *  -errno. */
	CTL_PIT_REINJECT = 0x1d,
#endif
#ifdef CONFIG_MINIKVM_FINAL
	/* final/ (eventfd.c): the eventfd ABI.  The eventfds are minivmm's,
	 * named by an index that commands return and take. */
	/** (addr, len | flags << 8 | kind << 24, datamatch, index + 1):
	 *  KVM_IOEVENTFD with those flags (DATAMATCH 1, PIO 2, DEASSIGN 4).
	 *  Without DEASSIGN and with index + 1 = 0, on a new eventfd.  kind:
	 *  0 the eventfd, 1 a bad fd (-1), 2 an fd that is not an eventfd.
	 *  Result: the eventfd's index, or -errno. */
	CTL_IOEVENTFD	= 0x20,
	/** (gsi, flags, kind, index + 1): KVM_IRQFD, the same way; with
	 *  RESAMPLE a new eventfd at the next index is the resamplefd. */
	CTL_IRQFD	= 0x21,
	/** (index): read the eventfd (non-blocking); result its count. */
	CTL_EVENTFD_READ = 0x22,
	/** (index): write 1 to the eventfd. */
	CTL_EVENTFD_SIGNAL = 0x23,
	/** (index): close the eventfd. */
	CTL_EVENTFD_CLOSE = 0x24,
	/** (addr, size, pio, unregister): KVM_(UN)REGISTER_COALESCED_MMIO;
	 *  minivmm replays the ring before it handles each exit. */
	CTL_COALESCED	= 0x25,
	/** (): a new eventfd, not assigned; result its index. */
	CTL_EVENTFD_NEW	= 0x26,
	/** (address_lo, data, flags): KVM_SIGNAL_MSI; result its return
	 *  value (APICs that took it) or -errno. */
	CTL_SIGNAL_MSI	= 0x27,
	/** (gsi, address_lo, data, flags): KVM's default routing with @gsi
	 *  sent as that MSI instead (flags bit 31: keep its IOAPIC pin too). */
	CTL_MSI_ROUTE	= 0x28,
	/** (): KVM_GET_XCRS; result XCR0 (low half) or -errno. */
	CTL_GET_XCR0	= 0x29,
	/** (value, xcr, flags): KVM_SET_XCRS of one register. */
	CTL_SET_XCR	= 0x2a,
	/** (clobber_only): KVM_GET_XSAVE, KVM_SET_FPU of zeros, then
	 *  KVM_SET_XSAVE of the saved state unless @clobber_only. */
	CTL_XSAVE_CYCLE	= 0x2b,
	/** (mode): KVM_GET_DEBUGREGS, printed, then KVM_SET_DEBUGREGS with
	 *  DR0-DR3 = 0x11000 * (n + 1) and DR7 = 0x400; modes 1-3 make it
	 *  invalid (a flag, DR6 bit 32, DR7 bit 32). */
	CTL_DEBUGREGS	= 0x2c,
	/** (mode, a, b): the VM's kvm-clock.  Mode 0: KVM_GET_CLOCK, result
	 *  1 if it lies within 2 s after the guest's reading a | b << 32 (ns);
	 *  1: KVM_SET_CLOCK to it plus @a ms; 2: the same with
	 *  KVM_CLOCK_REALTIME and a realtime @a ms in the past (the clock
	 *  moves by that much more); 3: an unknown flag (-EINVAL). */
	CTL_CLOCK	= 0x2d,
#endif
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
#ifndef CONFIG_MINIKVM_IRQCHIP
#define TESTDEV_END	0x18	/**< first offset that is no register */
#else
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
#endif

/** The test device's state. */
struct testdev {
	uint64_t scratch;	/**< TESTDEV_SCRATCH */
	uint64_t counter;	/**< TESTDEV_COUNTER: reads so far */
#ifdef CONFIG_MINIKVM_IRQCHIP
	/** Changes a line: (opaque, gsi, level); NULL: the lines go nowhere. */
	void (*set_irq)(void *opaque, unsigned int gsi, int level);
	void *opaque;		/**< handed to set_irq */
#endif
};

int testdev_mmio(struct testdev *d, uint64_t addr, int is_write,
		 uint8_t *data, unsigned int len);
#ifdef CONFIG_MINIKVM_IRQCHIP
int testdev_irq(struct testdev *d, enum testdev_irq_op op, uint64_t gsi);
int testdev_pio(struct testdev *d, uint16_t port, int is_write, uint8_t *data);
#endif
#endif /* CONFIG_MINIKVM_MMU */

#ifdef CONFIG_MINIKVM_EMULATE
/**
 * Chapter 05's test devices (emudev.c): the MMIO "RAM window", right after
 * the test device's page, and the string-I/O FIFO ports.  The window is
 * two pages, so that an access or a string instruction can cross a page
 * boundary inside it; any access of 1 to 8 bytes at any offset reads
 * what was written there, like RAM, and the window starts out zeroed.
 */
#define EMU_WINDOW_BASE		0xd0001000ull	/**< after TESTDEV_BASE's page */
#define EMU_WINDOW_SIZE		0x2000ull	/**< two 4 KiB pages */
#define EMU_FIFO_IN_PORT	0xe0	/**< IN: the sequence; OUT dword: restart at index */
#define EMU_FIFO_OUT_PORT	0xe4	/**< OUT: append to the log; IN dword: its length */
#define EMU_FIFO_SUM_PORT	0xe8	/**< IN dword: FNV-1a of the log; OUT: empty it */
/** Byte k of the IN sequence is (k * EMU_FIFO_MUL + EMU_FIFO_ADD + (k >> 8)) mod 256. @{ */
#define EMU_FIFO_MUL		29
#define EMU_FIFO_ADD		0x5a
/** @} */
/** 32-bit FNV-1a (Fowler, Noll, Vo; IETF draft-eastlake-fnv): the log's hash. @{ */
#define EMU_FNV_BASIS		0x811c9dc5u
#define EMU_FNV_PRIME		0x01000193u
/** @} */

/** The state of the window and the FIFO. */
struct emudev {
	uint8_t window[EMU_WINDOW_SIZE];	/**< the window's bytes */
	uint32_t fifo_pos;	/**< index of the next byte EMU_FIFO_IN_PORT gives */
	uint32_t log_len;	/**< bytes written to EMU_FIFO_OUT_PORT since the reset */
	uint32_t log_hash;	/**< their FNV-1a hash */
};

void emudev_init(struct emudev *d);
uint8_t emudev_fifo_byte(uint32_t k);
int emudev_mmio(struct emudev *d, uint64_t addr, int is_write,
		uint8_t *data, unsigned int len);
int emudev_pio(struct emudev *d, uint16_t port, int is_write, int size, uint8_t *data);
#endif

#ifndef CONFIG_MINIKVM_MMU
#define VMM_MAX_SLOTS	0	/**< RAM (KVM slot 0) is the only slot until chapter 02 */
#else
/** Extra memory slots (--slot) are KVM slots 1..VMM_MAX_SLOTS; 0 is RAM. */
#define VMM_MAX_SLOTS	8	/**< the most --slot options */
#endif
#define VMM_PAGE_SIZE	4096ull	/**< the unit of slots and of the dirty log */

/** A memory slot: where the guest sees it, and minivmm's memory behind it. */
struct vmm_slot {
	uint64_t gpa;		/**< guest-physical base, page-aligned */
	uint64_t size;		/**< bytes, a multiple of VMM_PAGE_SIZE */
	void *host;		/**< minivmm's mapping; NULL until created */
#ifdef CONFIG_MINIKVM_MMU
	int readonly;		/**< KVM_MEM_READONLY: guest writes exit as MMIO */
	int log;		/**< KVM_MEM_LOG_DIRTY_PAGES */
	int present;		/**< registered with the hypervisor right now */
#endif
};

#ifdef CONFIG_MINIKVM_MMU
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
#endif

/** --invalid-state[=retry]: a vCPU state VM entry must refuse (entry.c). */
enum vmm_invalid_state {
	INVALID_STATE_OFF = 0,	/**< the guest's normal entry state */
	INVALID_STATE_STOP,	/**< --invalid-state: KVM_EXIT_FAIL_ENTRY ends the run */
	INVALID_STATE_RETRY,	/**< --invalid-state=retry: after the FAIL_ENTRY, set
				 *   the normal entry state and KVM_RUN again */
};

#ifdef CONFIG_MINIKVM_IRQCHIP
/** --irqchip: who models the interrupt controllers (irq.c). */
enum vmm_irqchip {
	IRQCHIP_KERNEL = 0,	/**< KVM_CREATE_IRQCHIP; lines are KVM_IRQ_LINE */
	IRQCHIP_USER,		/**< minivmm's 8259 pair; KVM_INTERRUPT + the window */
	IRQCHIP_NONE,		/**< none: lines go nowhere, HLT exits to userspace */
};
#define TICK_MAX_HZ	10000	/**< the fastest --tick */

#endif
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
#ifdef CONFIG_MINIKVM_MMU
	struct vmm_slot slot[VMM_MAX_SLOTS];	/**< the --slot options: KVM slots 1, 2, ... */
	unsigned int nr_slots;	/**< how many */
	int no_thp;		/**< --no-thp: MADV_NOHUGEPAGE on guest memory */
	const char *multiboot;	/**< --multiboot kernel, or NULL */
	const char *cmdline;	/**< the kernel's command line ("" by default) */
	struct vmm_module module[VMM_MAX_MODULES];	/**< its modules, in order */
	unsigned int nr_modules;	/**< how many */
#endif
#ifdef CONFIG_MINIKVM_FINAL
	const char *bzimage;	/**< --linux bzImage, or NULL */
	const char *initrd;	/**< --initrd, or NULL */
	const char *disk;	/**< --disk, or NULL */
#endif
#ifdef CONFIG_MINIKVM_IRQCHIP
	int irqchip;		/**< enum vmm_irqchip, --irqchip */
	unsigned int tick_hz;	/**< --tick: pulses of GSI 0 a second, 0 = none */
#endif
#ifdef CONFIG_MINIKVM_LAPIC
	unsigned int smp;	/**< --smp: vCPUs, 1..VMM_MAX_VCPUS (default 1) */
	/** --pit (1) / --no-pit (-1); 0: the default, an in-kernel PIT
	 *  with --irqchip kernel and none otherwise. */
	int pit;
#endif
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

#ifdef CONFIG_MINIKVM_MMU
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
#endif

#ifdef CONFIG_MINIKVM_FINAL
/** Where linux.c puts a bzImage's parts (guest-physical). @{ */
#define LINUX_BOOT_PARAMS	0x10000u	/**< the zero page (struct boot_params) */
#define LINUX_CMDLINE		0x20000u	/**< the command line */
#define LINUX_CMDLINE_MAX	0x10000u	/**< ... and the room for it */
#define LINUX_KERNEL		0x100000u	/**< the protected-mode kernel (code32_start) */
#define LINUX_MIN_RAM		(32u << 20)	/**< what minivmm asks for at least */
/** @} */

/** Where vmm_linux_load() left a bzImage, for the entry. */
struct vmm_linux_entry {
	uint32_t entry;		/**< EIP: code32_start */
	uint32_t boot_params;	/**< ESI: the zero page */
	uint64_t kernel_end;	/**< end of the protected-mode kernel */
	uint64_t initrd_start;	/**< the initrd, or 0 */
	uint64_t initrd_size;	/**< its size */
	uint16_t version;	/**< the boot protocol, e.g. 0x020f */
};

int vmm_linux_load(void *mem, uint64_t mem_size, const char *kernel, const char *initrd,
		   const char *cmdline, struct vmm_linux_entry *out, char *err, size_t errlen);
#endif

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
#ifdef CONFIG_MINIKVM_LAPIC
void trace_flush(struct trace *t);
void trace_vcpu_section(FILE *f, unsigned int id, const char *buf, size_t len);
#endif

#ifdef CONFIG_MINIKVM_FINAL
#define SERIAL_FIFO_SIZE	256	/**< bytes from stdin COM1 can hold */
#endif
#ifndef CONFIG_MINIKVM_IRQCHIP
/** The 8250 UART model: transmitter only, always ready. */
#else
/** The 8250 UART model: a transmitter that is always ready, a receiver
 *  fed by --in-data, and its interrupt (IRQ 4 on a PC). */
#endif
struct serial {
	FILE *out;		/**< where the guest's bytes go */
	struct trace *trace;	/**< also told every byte sent, when not NULL */
	uint8_t lcr;		/**< line control register (for DLAB) */
#ifndef CONFIG_MINIKVM_IRQCHIP
	uint8_t ier;		/**< interrupt enable (kept, never raised) */
#else
	uint8_t ier;		/**< interrupt enable */
	uint8_t mcr;		/**< modem control (kept) */
	int thr_ipending;	/**< a THR-empty interrupt waits for IIR or THR */
	int irq_level;		/**< what the UART drives on its line now */
	const char **rx;	/**< bytes received: *rx, to its NUL; NULL: none */
	/** Drives the UART's interrupt line (opaque, level); may be NULL. */
	void (*set_irq)(void *opaque, int level);
	void *opaque;		/**< handed to set_irq */
#endif
#ifdef CONFIG_MINIKVM_FINAL
	/** Bytes received from minivmm's stdin (serial_receive()), after
	 *  rx's: a ring of SERIAL_FIFO_SIZE. @{ */
	uint8_t fifo[SERIAL_FIFO_SIZE];
	unsigned int fifo_head, fifo_len;
	/** @} */
#endif
	uint8_t scr;		/**< scratch register, guests probe with it */
	/** Divisor latch, low and high byte (LCR.DLAB = 1). @{ */
	uint8_t dll, dlm;
	/** @} */
};

void serial_init(struct serial *s, FILE *out);
int serial_io(struct serial *s, uint16_t port, int is_write, uint8_t *data);
#ifdef CONFIG_MINIKVM_FINAL
size_t serial_receive(struct serial *s, const uint8_t *buf, size_t n);

/** The CMOS real-time clock's ports (rtc.c). @{ */
#define RTC_INDEX_PORT	0x70	/**< OUT: which byte (bit 7: the NMI mask) */
#define RTC_DATA_PORT	0x71	/**< that byte */
/** @} */
#define POST_CODE_PORT	0x80	/**< BIOS progress codes; Linux's I/O delay */

/** The MC146818A real-time clock and CMOS RAM (rtc.c). */
struct rtc {
	uint8_t index;		/**< the byte port 0x71 reaches */
	/** Bytes 0x00-0x7f: the time as last latched or written, registers
	 *  A and B, RAM.  Registers C and D are computed. */
	uint8_t ram[128];
	/** The guest's time minus the host's, in seconds (set by the guest). */
	int64_t offset;
	/** The host's clock: CLOCK_REALTIME (a unit test puts its own). */
	struct timespec (*now)(void);
};

void rtc_init(struct rtc *r);
int rtc_io(struct rtc *r, uint16_t port, int is_write, uint8_t *data);

/** The keyboard controller's ports and lines (i8042.c). @{ */
#define I8042_DATA_PORT		0x60	/**< output buffer / data byte */
#define I8042_STATUS_PORT	0x64	/**< status (read) / command (write) */
#define I8042_KBD_IRQ		1	/**< keyboard port's interrupt */
#define I8042_AUX_IRQ		12	/**< mouse port's interrupt */
/** @} */

/** The 8042 keyboard controller, no keyboard or mouse attached (i8042.c). */
struct i8042 {
	uint8_t ctr;		/**< the command byte */
	uint8_t outport;	/**< the output port (bit 0: RESET, active low) */
	uint8_t out;		/**< the output buffer */
	uint8_t pending;	/**< a command waiting for its data byte, or 0 */
	int obf;		/**< the output buffer is full */
	int obf_aux;		/**< ... with a byte from the mouse port */
	int last_was_cmd;	/**< status bit 3: the last write was a command */
	/** What the controller drives on IRQ 1 and IRQ 12. @{ */
	int irq1, irq12;
	/** @} */
	int reset;		/**< the guest reset the machine */
	/** Drives an interrupt line (opaque, irq, level); may be NULL. */
	void (*set_irq)(void *opaque, unsigned int irq, int level);
	void *opaque;		/**< handed to set_irq */
};

void i8042_init(struct i8042 *k);

int i8042_io(struct i8042 *k, uint16_t port, int is_write, uint8_t *data);

/** PCI configuration mechanism #1's ports (pci.c). @{ */
#define PCI_CONFIG_ADDRESS_PORT	0xcf8	/**< CONFIG_ADDRESS: which dword */
#define PCI_CONFIG_DATA_PORT	0xcfc	/**< CONFIG_DATA: that dword */
#define PCI_CONFIG_ENABLE	0x80000000u	/**< CONFIG_ADDRESS bit 31 */
/** @} */
#define PCI_MAX_SLOTS		4	/**< bus 0's slots minivmm has */
/** The IOAPIC input slot @slot's INTA# is wired to, which is also its GSI
 *  (mptable.c says so to the guest): above the 16 ISA lines, as on PCs. */
#define PCI_INTX_GSI(slot)	(16 + (slot))

/** One PCI function's configuration space (pci.c). */
struct pci_device {
	uint8_t cfg[256];	/**< as the guest reads it */
	uint8_t wmask[256];	/**< the bits of each byte the guest can write */
	uint32_t bar_size[6];	/**< each BAR's window, bytes; 0: no BAR */
	/** Called after each guest write to the space (the device may have
	 *  moved or turned decoding on or off); may be NULL. */
	void (*config_written)(struct pci_device *d);
};

/** Bus 0: configuration mechanism #1 and the devices in its slots. */
struct pci_bus {
	uint32_t config_address;	/**< CONFIG_ADDRESS as last written */
	struct pci_device *slot[PCI_MAX_SLOTS];	/**< function 0 of each, or NULL */
	struct pci_device host_bridge;	/**< slot 0 */
};

void pci_init(struct pci_bus *b);
int pci_register(struct pci_bus *b, unsigned int slot, struct pci_device *d);
int pci_io(struct pci_bus *b, uint16_t port, int is_write, int size, uint8_t *data);
void pci_device_init(struct pci_device *d, uint16_t vendor, uint16_t device, uint32_t class);
void pci_set_io_bar(struct pci_device *d, unsigned int bar, uint16_t base, uint32_t size);
uint16_t pci_io_bar(const struct pci_device *d, unsigned int bar);
void pci_set(struct pci_device *d, unsigned int off, unsigned int n, uint32_t v);
uint32_t pci_get(const struct pci_device *d, unsigned int off, unsigned int n);

/** Where the MP table goes: the BIOS ROM area a guest scans (mptable.c). */
#define LINUX_MPTABLE	0xf0000u
size_t vmm_mptable_write(void *mem, uint64_t mem_size, uint32_t addr, unsigned int nr_cpus,
			 const struct pci_bus *pci);

#define VIRTIO_QUEUE_SIZE	128	/**< entries of a virtqueue (virtio.c) */
#define VIRTIO_PCI_IO_SIZE	64	/**< the legacy register block's I/O BAR */

/** One split virtqueue, legacy layout, as the device sees it (virtio.c). */
struct virtqueue {
	uint16_t num;		/**< entries (VIRTIO_QUEUE_SIZE) */
	uint32_t pfn;		/**< QueueAddress: the rings' guest page; 0: none */
	uint16_t last_avail;	/**< the next available-ring entry to take */
	uint16_t used_idx;	/**< the used ring's next entry (the device's copy) */
	/** The rings, in guest RAM (host pointers); NULL without a pfn. @{ */
	struct vring_desc *desc;
	struct vring_avail *avail;
	struct vring_used *used;
	/** @} */
};

/** One request taken from a virtqueue: its head and its buffers. */
struct vring_chain {
	uint16_t head;		/**< the first descriptor, for the used ring */
	unsigned int nr_out;	/**< iov[0 .. nr_out): device-readable */
	unsigned int nr_in;	/**< then nr_in device-writable ones */
	struct iovec iov[VIRTIO_QUEUE_SIZE];	/**< host addresses in guest RAM */
};

/** A virtio device on the PCI bus with the legacy register block (virtio.c). */
struct virtio_dev {
	struct pci_device pci;	/**< first: the bus hands back this pointer */
	const char *name;	/**< for messages */
	/** Guest RAM, where the rings and buffers are. @{ */
	void *mem;
	uint64_t mem_size;
	/** @} */
	int vm_fd;		/**< for KVM_IOEVENTFD when the BAR moves */
	/** Between the vCPU threads (the registers) and the I/O thread. */
	pthread_mutex_t lock;
	/** The registers (<linux/virtio_pci.h>, VIRTIO_PCI_*). @{ */
	uint32_t host_features, guest_features;
	uint16_t queue_sel;
	uint8_t status, isr;
	/** @} */
	struct virtqueue vq;	/**< queue 0, the only one */
	int broken;		/**< the driver broke the ring: queue stopped */
	/** The device's configuration, after the registers (read-only). @{ */
	const uint8_t *config;
	unsigned int config_len;
	/** @} */
	/** Does one request; returns the bytes it wrote into the chain. */
	uint32_t (*handle)(struct virtio_dev *vd, struct vring_chain *c);
	/** The eventfds: the kick (KVM_IOEVENTFD), the interrupt and its
	 *  resample (KVM_IRQFD). @{ */
	int notify_fd, irq_fd, resample_fd;
	/** @} */
	uint16_t notify_port;	/**< where the ioeventfd is now; 0: nowhere */
	/** For -v: requests done, kicks seen, kicks that were exits after
	 *  all, interrupts raised. @{ */
	uint64_t requests, kicks, notify_exits, interrupts;
	/** @} */
};

int virtio_init(struct virtio_dev *vd, void *mem, uint64_t mem_size);
void *virtio_gpa(const struct virtio_dev *vd, uint64_t gpa, uint64_t len);
int vq_set_pfn(struct virtio_dev *vd, struct virtqueue *vq, uint32_t pfn);
int vq_pop(struct virtio_dev *vd, struct virtqueue *vq, struct vring_chain *c);
void vq_push(struct virtqueue *vq, uint16_t head, uint32_t len);
void virtio_process(struct virtio_dev *vd);
int virtio_pci_io(struct virtio_dev *vd, uint16_t port, int is_write, int size, uint8_t *data);
void virtio_report(struct virtio_dev *vd);
void vmm_block_stop_signals(void);

/** --disk: a virtio block device (virtio_blk.c). */
struct virtio_blk {
	struct virtio_dev vdev;	/**< first: virtio.c hands back this pointer */
	int fd;			/**< the disk file */
	uint64_t sectors;	/**< its size in 512-byte sectors */
	struct virtio_blk_config config;	/**< what the driver reads */
};

/** Where minivmm plugs the disk, and its I/O BAR. @{ */
#define VIRTIO_BLK_SLOT		1
#define VIRTIO_BLK_PORT		0xc000
/** @} */
struct virtio_blk *virtio_blk_create(const char *path, uint16_t port, unsigned int gsi,
				     char *err, size_t errlen);
uint32_t virtio_blk_handle(struct virtio_dev *vd, struct vring_chain *c);

#endif
#ifdef CONFIG_MINIKVM_IRQCHIP
#define COM1_IRQ	4	/**< COM1's ISA interrupt line */
#endif

#ifndef CONFIG_MINIKVM_LAPIC
#define VMM_MAX_VCPUS	1	/**< one vCPU until chapter 04 */
#else
#define VMM_MAX_VCPUS	8	/**< the largest --smp */
#endif

struct vm;

/** One vCPU: its file descriptor, its kvm_run, and where its exits are traced. */
struct vcpu {
	struct vm *vm;		/**< the VM it belongs to */
	unsigned int id;	/**< KVM_CREATE_VCPU's id, which is also its APIC ID */
	int fd;			/**< the vCPU fd, -1 until created */
	struct kvm_run *run;	/**< shared with the kernel, see KVM_GET_VCPU_MMAP_SIZE */
	struct trace *trace;	/**< vCPU 0: &vm->trace; an AP: ap_trace */
#ifdef CONFIG_MINIKVM_LAPIC
	pthread_t thread;	/**< the thread that runs its KVM_RUN loop */
	struct trace ap_trace;	/**< an AP's trace, kept in memory until the end */
	char *trace_buf;	/**< ... in this buffer (open_memstream()) */
	size_t trace_len;	/**< ... of this many bytes */
	uint64_t cpu_mark_ns;	/**< CTL_CPU_MARK: thread CPU time, 0 = none */
	uint64_t wall_mark_ns;	/**< CTL_CPU_MARK: CLOCK_MONOTONIC */
#endif
};

#ifdef CONFIG_MINIKVM_FINAL
/** Accesses to addresses without a device that minivmm reports, one line
 *  each; the rest it only counts. */
#define MMIO_REPORT_MAX	100
/** The eventfds a VM's control commands can make (eventfd.c). */
#define VMM_MAX_EVENTFDS	32

/** One of them: its fd, -1 once closed. */
struct vmm_eventfd {
	int fd;		/**< from eventfd(2) */
};
#endif

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
#ifdef CONFIG_MINIKVM_MMU
	struct testdev testdev;	/**< the MMIO device at TESTDEV_BASE */
	uint32_t ctl_arg[CTL_MAX_ARGS];	/**< control-port arguments so far */
	unsigned int ctl_nargs;	/**< how many */
	int32_t ctl_result;	/**< the last command's result */
#endif
#ifdef CONFIG_MINIKVM_EMULATE
	struct emudev emudev;	/**< the RAM window and the FIFO ports (emudev.c) */
#endif
#ifdef CONFIG_MINIKVM_IRQCHIP
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
#endif
#ifdef CONFIG_MINIKVM_FINAL
	struct rtc rtc;		/**< the CMOS clock at RTC_INDEX_PORT (rtc.c) */
	struct i8042 i8042;	/**< the keyboard controller (i8042.c) */
	struct pci_bus pci;	/**< bus 0 (pci.c) */
	unsigned long unknown_mmio;	/**< MMIO exits no device took */
	struct virtio_blk *disk;	/**< --disk (virtio_blk.c), or NULL */
	struct vmm_eventfd efd[VMM_MAX_EVENTFDS];	/**< eventfd.c's, by index */
	unsigned int nr_efds;	/**< entries of efd[] made so far */
	/** The coalesced-MMIO ring (page KVM_COALESCED_MMIO_PAGE_OFFSET of
	 *  vCPU 0's mapping), once a zone was registered; else NULL. */
	struct kvm_coalesced_mmio_ring *coalesced_ring;
	unsigned long coalesced_replayed;	/**< writes taken from it */
#endif
#ifdef CONFIG_MINIKVM_LAPIC
	/** The "big lock": one vCPU at a time handles an exit in userspace,
	 *  so the devices above need no lock of their own (QEMU: the BQL). */
	pthread_mutex_t io_lock;
	int stopping;		/**< a vCPU ended the VM: the others stop too */
	int stop_status;	/**< ... with this process exit status */
	struct lapic_saved *lapic_saved;	/**< CTL_LAPIC_SAVE's state, or NULL */
#endif
};

int vm_create_memory(struct vm *vm, const struct vmm_options *opt);
#ifdef CONFIG_MINIKVM_MMU
int vm_set_slot(struct vm *vm, unsigned int i, int present, uint64_t gpa);
int64_t vm_dirty_log(struct vm *vm, unsigned int i);
int vm_slot_of(const struct vm *vm, uint64_t gpa);
/* control.c: the control port. */
int control_io(struct vm *vm, uint16_t port, int is_write, int size, uint8_t *data);
#endif
#ifdef CONFIG_MINIKVM_FINAL
/* eventfd.c: the eventfd control commands. */
int32_t eventfd_ctl_run(struct vm *vm, uint8_t cmd, const uint32_t *arg);
/* virtio.c: a virtio device's eventfds and I/O thread. */
int virtio_start(struct vm *vm, struct virtio_dev *vd, unsigned int gsi);
#endif
#ifdef CONFIG_MINIKVM_IRQCHIP

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
#ifdef CONFIG_MINIKVM_LAPIC

/* smp.c: --smp, the application processors' threads. */
int vmm_cpuid_set_apic_id(struct kvm_cpuid2 *cpuid, uint32_t apic_id);
int vmm_cpuid_apic_features(struct kvm_cpuid2 *cpuid, int kernel_apic, int tsc_deadline);
int smp_start(struct vm *vm, const struct vmm_options *opt);
int smp_finish(struct vm *vm, int status);
int smp_stopping(struct vm *vm, int *status);
void smp_trace_aps(struct vm *vm);
int vcpu_run_loop(struct vcpu *v, const struct vmm_options *opt);
/* lapicctl.c: chapter 04's control commands. */
int32_t lapic_ctl_run(struct vm *vm, uint8_t cmd, const uint32_t *arg);
#endif

#endif
