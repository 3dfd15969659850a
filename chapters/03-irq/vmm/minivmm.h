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

/** What the command line asked for. */
struct vmm_options {
	const char *dev;	/**< hypervisor device, /dev/minikvm by default */
	const char *guest;	/**< flat binary to load */
	uint64_t mem_size;	/**< guest RAM at guest-physical 0, bytes */
	uint64_t load_addr;	/**< where the flat binary goes; real-mode entry */
	unsigned int timeout;	/**< seconds before SIGALRM ends KVM_RUN, 0 = none */
	const char *in_data;	/**< bytes served on TEST_DATA_PORT */
	int invalid_state;	/**< enter a state VM entry must refuse (bad-state) */
	int verbose;		/**< print every exit, and the registers at the end */
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

/** The 8250 UART model: transmitter only, always ready. */
struct serial {
	FILE *out;		/**< where the guest's bytes go */
	uint8_t lcr;		/**< line control register (for DLAB) */
	uint8_t ier;		/**< interrupt enable (kept, never raised) */
	uint8_t scr;		/**< scratch register, guests probe with it */
	/** Divisor latch, low and high byte (LCR.DLAB = 1). @{ */
	uint8_t dll, dlm;
	/** @} */
};

void serial_init(struct serial *s, FILE *out);
int serial_io(struct serial *s, uint16_t port, int is_write, uint8_t *data);

#endif
