// SPDX-License-Identifier: GPL-2.0
/**
 * @file eventfd.c
 * @brief The control commands that show final/'s additions to the ABI
 * from the VMM's side (protocol: minivmm.h, CTL_IOEVENTFD ...):
 * ioeventfds, irqfds, the coalesced-MMIO ring, MSIs, XCR0 and the XSAVE
 * area, the debug registers - set up and observed at a guest's request.
 *
 * A test guest asks for an ioeventfd on a port or an address, writes
 * there, and asks how often the eventfd was signalled: the writes that
 * matched never became exits (the trace shows it), the others did.  It
 * asks for an irqfd on a GSI and for the eventfd to be written, and
 * takes the interrupt without minivmm calling KVM_IRQ_LINE.  It registers
 * a coalesced zone, writes to it, and its writes reach minivmm's device
 * only when the ring is replayed - before the handling of any later exit,
 * as every VMM must (coalesced_replay()).  And MSIs: KVM_SIGNAL_MSI, and
 * a GSI routed to an MSI (KVM_SET_GSI_ROUTING), which an irqfd raises the
 * way a virtio-pci device's interrupts reach a guest.  And the vCPU state
 * a Linux guest adds: XCR0 (KVM_GET/SET_XCRS), the XSAVE area
 * (KVM_GET/SET_XSAVE) and the debug registers (KVM_GET/SET_DEBUGREGS).
 * And the VM's kvm-clock (KVM_GET/SET_CLOCK), which the guest reads.
 *
 * The eventfds are minivmm's own; each command result is an index into
 * vm->efd[] (or a negative errno), which later commands take.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <linux/kvm.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "minivmm.h"

/** A new eventfd in vm->efd[]: its index, or -errno. */
static int efd_new(struct vm *vm)
{
	int fd;

	if (vm->nr_efds >= VMM_MAX_EVENTFDS)
		return -ENOSPC;
	fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (fd < 0)
		return -errno;
	vm->efd[vm->nr_efds] = (struct vmm_eventfd) { .fd = fd };
	return vm->nr_efds++;
}

/** The index @i names an eventfd (not closed). */
static struct vmm_eventfd *efd_get(struct vm *vm, uint32_t i)
{
	return i < vm->nr_efds && vm->efd[i].fd >= 0 ? &vm->efd[i] : NULL;
}

/** The fd an assignment passes: @kind 0 the eventfd @e itself, 1 a bad
 *  fd (-1), 2 an fd that is not an eventfd (the VM's). */
static int efd_fd(const struct vm *vm, const struct vmm_eventfd *e, uint32_t kind)
{
	return kind == 1 ? -1 : kind == 2 ? vm->vm_fd : e->fd;
}

/** The eventfd an assignment command names: @index_plus_1 - 1, or for
 *  0 a new one (none for a deassignment).  Its index, or -errno. */
static int efd_pick(struct vm *vm, uint32_t index_plus_1, int deassign)
{
	int i = (int)index_plus_1 - 1;

	if (i < 0 && !deassign)
		i = efd_new(vm);
	if (i < 0)
		return i;
	return efd_get(vm, i) ? i : -EBADF;
}

/** The result of an ioctl, printed: 0 or -errno. */
static int32_t efd_result(struct vm *vm, int r, const char *what)
{
	if (r < 0) {
		fprintf(vm->out, "minivmm: %s: %s\n", what, strerror(errno));
		return -errno;
	}
	fprintf(vm->out, "minivmm: %s: ok\n", what);
	return 0;
}

/**
 * CTL_IOEVENTFD (addr, len | flags << 8 | kind << 24, datamatch, index):
 * KVM_IOEVENTFD with the flags given (DATAMATCH, PIO, DEASSIGN).  Without
 * DEASSIGN a new eventfd is made unless @index + 1 names one already
 * (0: none); the result is its index.  With DEASSIGN @index + 1 names it,
 * and the result is 0.
 */
static int32_t ctl_ioeventfd(struct vm *vm, const uint32_t *arg)
{
	struct kvm_ioeventfd io = {
		.addr = arg[0], .len = arg[1] & 0xff, .flags = (arg[1] >> 8) & 0xffff,
		.datamatch = arg[2],
	};
	char what[96];
	int i = efd_pick(vm, arg[3], io.flags & KVM_IOEVENTFD_FLAG_DEASSIGN), r;

	if (i < 0)
		return i;
	io.fd = efd_fd(vm, &vm->efd[i], arg[1] >> 24);
	snprintf(what, sizeof(what), "KVM_IOEVENTFD %s 0x%llx len %u flags 0x%x (eventfd %d)",
		 io.flags & KVM_IOEVENTFD_FLAG_PIO ? "port" : "mmio",
		 (unsigned long long)io.addr, io.len, io.flags, i);
	r = efd_result(vm, ioctl(vm->vm_fd, KVM_IOEVENTFD, &io), what);
	return r < 0 || (io.flags & KVM_IOEVENTFD_FLAG_DEASSIGN) ? r : i;
}

/**
 * CTL_IRQFD (gsi, flags, kind, index): KVM_IRQFD.  Without DEASSIGN a new
 * eventfd is made unless @index + 1 names one; with RESAMPLE a second one,
 * at the next index, is its resamplefd.  Result: the eventfd's index (0
 * after a DEASSIGN).
 */
static int32_t ctl_irqfd(struct vm *vm, const uint32_t *arg)
{
	struct kvm_irqfd irqfd = { .gsi = arg[0], .flags = arg[1] };
	char what[80];
	int i = efd_pick(vm, arg[3], irqfd.flags & KVM_IRQFD_FLAG_DEASSIGN), r;

	if (i < 0)
		return i;
	irqfd.fd = efd_fd(vm, &vm->efd[i], arg[2]);
	if (irqfd.flags & KVM_IRQFD_FLAG_RESAMPLE) {
		r = efd_new(vm);
		if (r < 0)
			return r;
		irqfd.resamplefd = vm->efd[r].fd;
	}
	snprintf(what, sizeof(what), "KVM_IRQFD gsi %u flags 0x%x (eventfd %d)", irqfd.gsi,
		 irqfd.flags, i);
	r = efd_result(vm, ioctl(vm->vm_fd, KVM_IRQFD, &irqfd), what);
	return r < 0 || (irqfd.flags & KVM_IRQFD_FLAG_DEASSIGN) ? r : i;
}

/** CTL_EVENTFD_READ (index): take the eventfd's count (0 if none). */
static int32_t ctl_eventfd_read(struct vm *vm, const uint32_t *arg)
{
	struct vmm_eventfd *e = efd_get(vm, arg[0]);
	uint64_t n = 0;

	if (!e)
		return -EBADF;
	if (read(e->fd, &n, sizeof(n)) != sizeof(n) && errno != EAGAIN)
		return -errno;
	fprintf(vm->out, "minivmm: eventfd %u counted %llu\n", arg[0], (unsigned long long)n);
	return n > INT32_MAX ? INT32_MAX : (int32_t)n;
}

/** CTL_EVENTFD_SIGNAL (index): write 1 to it, as a device thread would. */
static int32_t ctl_eventfd_signal(struct vm *vm, const uint32_t *arg)
{
	struct vmm_eventfd *e = efd_get(vm, arg[0]);
	uint64_t one = 1;

	if (!e)
		return -EBADF;
	if (write(e->fd, &one, sizeof(one)) != sizeof(one))
		return -errno;
	fprintf(vm->out, "minivmm: eventfd %u written\n", arg[0]);
	return 0;
}

/** CTL_EVENTFD_CLOSE (index): close it; an irqfd on it goes away. */
static int32_t ctl_eventfd_close(struct vm *vm, const uint32_t *arg)
{
	struct vmm_eventfd *e = efd_get(vm, arg[0]);

	if (!e)
		return -EBADF;
	close(e->fd);
	e->fd = -1;
	fprintf(vm->out, "minivmm: eventfd %u closed\n", arg[0]);
	return 0;
}

/**
 * CTL_COALESCED (addr, size, pio, unregister): KVM_(UN)REGISTER_COALESCED_MMIO.
 * The ring is page KVM_COALESCED_MMIO_PAGE_OFFSET of a vCPU's mapping.
 */
static int32_t ctl_coalesced(struct vm *vm, const uint32_t *arg)
{
	struct kvm_coalesced_mmio_zone zone = { .addr = arg[0], .size = arg[1], .pio = arg[2] };
	int off = ioctl(vm->dev_fd, KVM_CHECK_EXTENSION, KVM_CAP_COALESCED_MMIO);
	char what[80];

	if (off <= 0 || (size_t)(off + 1) * 4096 > vm->run_size) {
		fprintf(vm->out, "minivmm: no coalesced MMIO (KVM_CAP_COALESCED_MMIO %d)\n", off);
		return -ENOTTY;
	}
	vm->coalesced_ring = (struct kvm_coalesced_mmio_ring *)((char *)vm->vcpu[0].run + off * 4096);
	snprintf(what, sizeof(what), "KVM_%sREGISTER_COALESCED_MMIO %s 0x%llx size 0x%x",
		 arg[3] ? "UN" : "", arg[2] ? "port" : "mmio", (unsigned long long)zone.addr,
		 zone.size);
	return efd_result(vm, ioctl(vm->vm_fd, arg[3] ? KVM_UNREGISTER_COALESCED_MMIO :
				    KVM_REGISTER_COALESCED_MMIO, &zone), what);
}

/** CTL_SIGNAL_MSI (address_lo, data, flags): KVM_SIGNAL_MSI.  Result: what
 *  the ioctl returned (APICs that accepted it), or -errno. */
static int32_t ctl_signal_msi(struct vm *vm, const uint32_t *arg)
{
	struct kvm_msi msi = { .address_lo = arg[0], .data = arg[1], .flags = arg[2] };
	int r = ioctl(vm->vm_fd, KVM_SIGNAL_MSI, &msi);

	fprintf(vm->out, "minivmm: KVM_SIGNAL_MSI address 0x%x data 0x%x flags 0x%x: %d%s%s\n",
		arg[0], arg[1], arg[2], r, r < 0 ? ", " : "", r < 0 ? strerror(errno) : "");
	return r < 0 ? -errno : r;
}

/**
 * CTL_MSI_ROUTE (gsi, address_lo, data, flags): KVM_SET_GSI_ROUTING with
 * KVM's default table (GSI n: IOAPIC pin n, and PIC input n for n < 16)
 * in which @gsi's entries become one MSI entry with @flags; bit 31 of
 * @flags keeps the IOAPIC entry next to it (which KVM refuses).
 */
static int32_t ctl_msi_route(struct vm *vm, const uint32_t *arg)
{
	struct {
		struct kvm_irq_routing r;
		struct kvm_irq_routing_entry e[2 * 24 + 1];
	} t = { 0 };
	struct kvm_irq_routing_entry *e = t.e;
	char what[96];

	for (uint32_t gsi = 0; gsi < 24; gsi++) {
		if (gsi == arg[0] && !(arg[3] & 0x80000000u))
			continue;
		*e++ = (struct kvm_irq_routing_entry) { .gsi = gsi, .type = KVM_IRQ_ROUTING_IRQCHIP,
			.u.irqchip = { .irqchip = KVM_IRQCHIP_IOAPIC, .pin = gsi } };
		if (gsi < 16)
			*e++ = (struct kvm_irq_routing_entry) { .gsi = gsi,
				.type = KVM_IRQ_ROUTING_IRQCHIP, .u.irqchip = {
				.irqchip = gsi < 8 ? KVM_IRQCHIP_PIC_MASTER : KVM_IRQCHIP_PIC_SLAVE,
				.pin = gsi % 8 } };
	}
	*e++ = (struct kvm_irq_routing_entry) { .gsi = arg[0], .type = KVM_IRQ_ROUTING_MSI,
		.flags = arg[3] & ~0x80000000u,
		.u.msi = { .address_lo = arg[1], .data = arg[2] } };
	t.r.nr = e - t.e;
	snprintf(what, sizeof(what), "KVM_SET_GSI_ROUTING gsi %u -> MSI 0x%x data 0x%x%s", arg[0],
		 arg[1], arg[2], arg[3] & 0x80000000u ? " (and its IOAPIC pin)" : "");
	return efd_result(vm, ioctl(vm->vm_fd, KVM_SET_GSI_ROUTING, &t), what);
}

/** CTL_GET_XCR0 (): KVM_GET_XCRS on the calling vCPU; result XCR0's low
 *  half, or -errno. */
static int32_t ctl_get_xcr0(struct vm *vm)
{
	struct kvm_xcrs x;

	if (ioctl(vm->cur->fd, KVM_GET_XCRS, &x))
		return efd_result(vm, -1, "KVM_GET_XCRS");
	fprintf(vm->out, "minivmm: KVM_GET_XCRS: %u register(s), XCR%u = 0x%llx\n", x.nr_xcrs,
		x.xcrs[0].xcr, (unsigned long long)x.xcrs[0].value);
	return x.nr_xcrs == 1 && x.xcrs[0].xcr == 0 ? (int32_t)x.xcrs[0].value : -EPROTO;
}

/** CTL_SET_XCR (value, xcr, flags): KVM_SET_XCRS of one register. */
static int32_t ctl_set_xcr(struct vm *vm, const uint32_t *arg)
{
	struct kvm_xcrs x = { .nr_xcrs = 1, .flags = arg[2],
			      .xcrs[0] = { .xcr = arg[1], .value = arg[0] } };
	char what[64];

	snprintf(what, sizeof(what), "KVM_SET_XCRS XCR%u = 0x%x flags 0x%x", arg[1], arg[0], arg[2]);
	return efd_result(vm, ioctl(vm->cur->fd, KVM_SET_XCRS, &x), what);
}

/**
 * CTL_XSAVE_CYCLE (clobber_only): what a migration does to the FPU state,
 * on the calling vCPU: KVM_GET_XSAVE, then KVM_SET_FPU of zeros (x87 and
 * XMM registers cleared), then - unless @clobber_only - KVM_SET_XSAVE of
 * what was saved.  Result 0 or -errno.
 */
static int32_t ctl_xsave_cycle(struct vm *vm, const uint32_t *arg)
{
	static struct kvm_xsave saved;
	struct kvm_fpu zero = { .fcw = 0x37f, .mxcsr = 0x1f80 };
	int fd = vm->cur->fd;

	if (ioctl(fd, KVM_GET_XSAVE, &saved))
		return efd_result(vm, -1, "KVM_GET_XSAVE");
	if (ioctl(fd, KVM_SET_FPU, &zero))
		return efd_result(vm, -1, "KVM_SET_FPU");
	if (arg[0])
		return efd_result(vm, 0, "KVM_GET_XSAVE, KVM_SET_FPU of zeros");
	return efd_result(vm, ioctl(fd, KVM_SET_XSAVE, &saved),
			  "KVM_GET_XSAVE, KVM_SET_FPU of zeros, KVM_SET_XSAVE");
}

/**
 * CTL_DEBUGREGS (mode): KVM_GET_DEBUGREGS on the calling vCPU, printed;
 * then KVM_SET_DEBUGREGS with DR0-DR3 = 0x11000 * (n + 1), DR7 = 0x400
 * (nothing enabled) and DR6 as read - mode 0 - or with a flag (mode 1),
 * DR6 bit 32 (mode 2), DR7 bit 32 (mode 3), each of which KVM refuses.
 * Result 0 or -errno.
 */
static int32_t ctl_debugregs(struct vm *vm, const uint32_t *arg)
{
	struct kvm_debugregs d;
	int fd = vm->cur->fd;

	if (ioctl(fd, KVM_GET_DEBUGREGS, &d))
		return efd_result(vm, -1, "KVM_GET_DEBUGREGS");
	fprintf(vm->out, "minivmm: KVM_GET_DEBUGREGS: dr0 0x%llx dr1 0x%llx dr2 0x%llx dr3 0x%llx "
		"dr6 0x%llx dr7 0x%llx\n", (unsigned long long)d.db[0], (unsigned long long)d.db[1],
		(unsigned long long)d.db[2], (unsigned long long)d.db[3],
		(unsigned long long)d.dr6, (unsigned long long)d.dr7);
	for (int i = 0; i < 4; i++)
		d.db[i] = 0x11000ull * (i + 1);
	d.dr7 = 0x400;
	if (arg[0] == 1)
		d.flags = 1;
	else if (arg[0] == 2)
		d.dr6 |= 1ull << 32;
	else if (arg[0] == 3)
		d.dr7 |= 1ull << 32;
	return efd_result(vm, ioctl(fd, KVM_SET_DEBUGREGS, &d), arg[0] ?
			  "KVM_SET_DEBUGREGS (invalid)" : "KVM_SET_DEBUGREGS");
}

/**
 * CTL_CLOCK (mode, a, b): the VM's kvm-clock.  Mode 0: KVM_GET_CLOCK,
 * result 1 if it is at or after the guest's own reading @a | @b << 32
 * (ns, taken just before the call) and less than 2 s after it, else 0 -
 * a yes or no, so that the trace does not carry the time.  Mode 1:
 * KVM_SET_CLOCK to what it read plus @a ms; mode 2: the same with
 * KVM_CLOCK_REALTIME and a realtime @a ms ago, so that KVM adds those ms
 * once more; mode 3: a flag KVM does not know (-EINVAL).  Result 0 or
 * -errno for the sets.
 */
static int32_t ctl_clock(struct vm *vm, const uint32_t *arg)
{
	struct kvm_clock_data c = { 0 };
	uint64_t ms = arg[1], guest_ns = arg[1] | (uint64_t)arg[2] << 32;
	struct timespec now;

	if (ioctl(vm->vm_fd, KVM_GET_CLOCK, &c))
		return efd_result(vm, -1, "KVM_GET_CLOCK");
	if (arg[0] == 0)
		return c.clock >= guest_ns && c.clock - guest_ns < 2000000000ull;
	c.clock += ms * 1000000;
	if (arg[0] == 2) {
		clock_gettime(CLOCK_REALTIME, &now);
		c.flags = KVM_CLOCK_REALTIME;
		c.realtime = (uint64_t)now.tv_sec * 1000000000 + now.tv_nsec - ms * 1000000;
	} else if (arg[0] == 3) {
		c.flags = 1u << 31;
	}
	return efd_result(vm, ioctl(vm->vm_fd, KVM_SET_CLOCK, &c), arg[0] == 3 ?
			  "KVM_SET_CLOCK (unknown flag)" : "KVM_SET_CLOCK");
}

/** Run eventfd command @cmd (CTL_IOEVENTFD ... CTL_CLOCK). */
int32_t eventfd_ctl_run(struct vm *vm, uint8_t cmd, const uint32_t *arg)
{
	switch (cmd) {
	case CTL_IOEVENTFD:
		return ctl_ioeventfd(vm, arg);
	case CTL_IRQFD:
		return ctl_irqfd(vm, arg);
	case CTL_EVENTFD_READ:
		return ctl_eventfd_read(vm, arg);
	case CTL_EVENTFD_SIGNAL:
		return ctl_eventfd_signal(vm, arg);
	case CTL_EVENTFD_CLOSE:
		return ctl_eventfd_close(vm, arg);
	case CTL_COALESCED:
		return ctl_coalesced(vm, arg);
	case CTL_EVENTFD_NEW:
		return efd_new(vm);
	case CTL_SIGNAL_MSI:
		return ctl_signal_msi(vm, arg);
	case CTL_MSI_ROUTE:
		return ctl_msi_route(vm, arg);
	case CTL_GET_XCR0:
		return ctl_get_xcr0(vm);
	case CTL_SET_XCR:
		return ctl_set_xcr(vm, arg);
	case CTL_XSAVE_CYCLE:
		return ctl_xsave_cycle(vm, arg);
	case CTL_DEBUGREGS:
		return ctl_debugregs(vm, arg);
	case CTL_CLOCK:
		return ctl_clock(vm, arg);
	}
	fprintf(vm->out, "minivmm: control: unknown command %u\n", cmd);
	return -EINVAL;
}
