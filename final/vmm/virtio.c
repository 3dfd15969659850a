// SPDX-License-Identifier: GPL-2.0
/**
 * @file virtio.c
 * @brief The virtio device model every virtio device here shares: the
 * split virtqueue in guest memory, the legacy virtio-over-PCI register
 * block, and the I/O thread that a KVM_IOEVENTFD wakes and a KVM_IRQFD
 * lets interrupt the guest - the way real VMMs use the eventfd ABI.
 *
 * A virtio device and its driver talk through rings in guest RAM (virtio
 * 1.2, 2.7 "Split Virtqueues"; the legacy layout of 2.7.2 and 4.1.5):
 *
 *   descriptor table  num x {addr, len, flags, next}: guest buffers,
 *                     chained with NEXT; WRITE marks the device's to fill
 *   available ring    {flags, idx, ring[num]}: heads of chains the driver
 *                     offers, idx counting up forever (mod 2^16)
 *   used ring         {flags, idx, ring[num] of {id, len}}: chains the
 *                     device is done with; starts at the next 4 KiB
 *
 * The driver adds a chain and writes the queue's number to QueueNotify
 * ("kick"); the device takes chains from the available ring, does the
 * work, puts them in the used ring and raises its interrupt.  Nothing
 * else passes between them: the data never crosses the register block.
 *
 * The kick is a port write, which would be an exit to minivmm each time.
 * With KVM_IOEVENTFD, KVM turns a write to that port into a signal on an
 * eventfd, in the kernel, and resumes the guest at once; minivmm's I/O
 * thread, asleep in poll(), wakes and serves the queue while the vCPU runs
 * on.  The completion interrupt goes the other way through KVM_IRQFD: the
 * thread writes an eventfd and KVM raises the GSI, no KVM_IRQ_LINE, no
 * vCPU thread involved.  The line is a PCI INTx: level-triggered, up for
 * as long as the device's ISR says an interrupt is pending.  A plain
 * irqfd can only pulse a line, so this one is a resampling irqfd
 * (KVM_IRQFD_FLAG_RESAMPLE): KVM holds the line up until the guest's EOI,
 * then lowers it and signals a second eventfd, the resamplefd, so that
 * the thread can raise it again if the ISR is still set.  QEMU does the
 * same for its INTx devices (hw/vfio/pci.c); kvmtool's virtio/pci.c and
 * QEMU's hw/virtio/virtio-pci.c are the legacy transport of VMMs.
 *
 * Locking: the vCPU threads reach the registers with the VM's big lock
 * held; the I/O thread never takes it (disk I/O must not stall every
 * vCPU's exits), so the device has a lock of its own, taken by both.
 * Every guest address is checked against guest RAM before it is used: a
 * guest that breaks its rings stops its queue, never minivmm.
 */
#define _GNU_SOURCE	/**< pthread_sigmask() */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/kvm.h>
#include <linux/pci_regs.h>
#include <linux/virtio_config.h>
#include <linux/virtio_pci.h>

#include "minivmm.h"

/** ISR bit 0: a queue was used (virtio 1.2, 4.1.4.5; bit 1,
 *  VIRTIO_PCI_ISR_CONFIG, would be a configuration change). */
#define VIRTIO_PCI_ISR_QUEUE	0x1

/** The host pointer to @len bytes of guest RAM at @gpa, or NULL if any of
 *  them lies outside it. */
void *virtio_gpa(const struct virtio_dev *vd, uint64_t gpa, uint64_t len)
{
	if (gpa > vd->mem_size || len > vd->mem_size - gpa)
		return NULL;
	return (uint8_t *)vd->mem + gpa;
}

/**
 * Place the queue's rings at guest page @pfn (the legacy QueueAddress
 * register), or take them away (@pfn 0).  The legacy layout is fixed by
 * the queue size alone: the descriptors, then the available ring, then -
 * from the next 4 KiB boundary (VIRTIO_PCI_VRING_ALIGN) - the used ring.
 * Returns 0, or -1 if the rings do not lie in guest RAM.
 */
int vq_set_pfn(struct virtio_dev *vd, struct virtqueue *vq, uint32_t pfn)
{
	uint64_t base = (uint64_t)pfn << VIRTIO_PCI_QUEUE_ADDR_SHIFT;
	uint64_t avail = base + sizeof(struct vring_desc) * vq->num;
	uint64_t used = (avail + 2 * (2 + vq->num + 1) + VIRTIO_PCI_VRING_ALIGN - 1) &
			~(uint64_t)(VIRTIO_PCI_VRING_ALIGN - 1);
	uint64_t end = used + 2 * 2 + sizeof(struct vring_used_elem) * vq->num + 2;

	vq->pfn = pfn;
	vq->last_avail = 0;
	vq->used_idx = 0;
	vq->desc = NULL;
	vq->avail = NULL;
	vq->used = NULL;
	if (!pfn)
		return 0;
	if (!virtio_gpa(vd, base, end - base))
		return -1;
	vq->desc = virtio_gpa(vd, base, 0);
	vq->avail = virtio_gpa(vd, avail, 0);
	vq->used = virtio_gpa(vd, used, 0);
	return 0;
}

/**
 * Take the next chain the driver offers into @c: its head and its buffers
 * as host iovecs, the device-readable ones first (c->nr_out), then the
 * device-writable ones (c->nr_in), as the spec requires them (2.7.4.2).
 * Returns 1 if one was taken, 0 if the ring is empty, -1 if the driver
 * broke the rules: an index past the table, a loop, a buffer outside its
 * RAM, a readable buffer after a writable one, an indirect table (a
 * feature not offered).
 */
int vq_pop(struct virtio_dev *vd, struct virtqueue *vq, struct vring_chain *c)
{
	struct vring_desc d;
	uint16_t idx, i;
	unsigned int n = 0;

	if (!vq->avail)
		return 0;
	idx = __atomic_load_n(&vq->avail->idx, __ATOMIC_ACQUIRE);
	if (idx == vq->last_avail)
		return 0;
	/* The acquire above orders it: the ring entry and the descriptors
	 * are read after the index that published them. */
	c->head = vq->avail->ring[vq->last_avail % vq->num];
	c->nr_out = c->nr_in = 0;
	for (i = c->head;; i = d.next) {
		void *buf;

		if (i >= vq->num || n++ >= vq->num)
			return -1;
		/* A copy: the guest may change the table while we look. */
		d = vq->desc[i];
		if (d.flags & VRING_DESC_F_INDIRECT)
			return -1;
		buf = virtio_gpa(vd, d.addr, d.len);
		if (!buf)
			return -1;
		if (d.flags & VRING_DESC_F_WRITE) {
			c->iov[c->nr_out + c->nr_in++] = (struct iovec) { buf, d.len };
		} else {
			if (c->nr_in)
				return -1;
			c->iov[c->nr_out++] = (struct iovec) { buf, d.len };
		}
		if (!(d.flags & VRING_DESC_F_NEXT))
			break;
	}
	vq->last_avail++;
	return 1;
}

/** Give chain @head back through the used ring, @len bytes written into
 *  it.  The index is the device's own copy: the ring is guest memory,
 *  which the guest may scribble on.  The release store publishes the
 *  entry (and the data the device wrote) before the index the driver
 *  polls. */
void vq_push(struct virtqueue *vq, uint16_t head, uint32_t len)
{
	vq->used->ring[vq->used_idx % vq->num] = (struct vring_used_elem) { .id = head, .len = len };
	vq->used_idx++;
	__atomic_store_n(&vq->used->idx, vq->used_idx, __ATOMIC_RELEASE);
}

/** Raise the device's interrupt: ISR bit 0 ("a queue has news") and the
 *  line, through the irqfd.  Called with vd->lock held. */
static void virtio_raise(struct virtio_dev *vd)
{
	uint64_t one = 1;

	vd->isr |= VIRTIO_PCI_ISR_QUEUE;
	if (write(vd->irq_fd, &one, sizeof(one)) == sizeof(one))
		vd->interrupts++;
}

/**
 * Serve the queue: every chain the driver offered goes to the device's
 * handler, then back through the used ring; then one interrupt for all of
 * them, unless the driver asked for none (VRING_AVAIL_F_NO_INTERRUPT).
 * A broken ring stops the queue until the driver resets the device (the
 * legacy interface has no DEVICE_NEEDS_RESET to tell it).
 */
void virtio_process(struct virtio_dev *vd)
{
	struct vring_chain c;
	int done = 0, r;

	pthread_mutex_lock(&vd->lock);
	while (!vd->broken && (vd->status & VIRTIO_CONFIG_S_DRIVER_OK) &&
	       (r = vq_pop(vd, &vd->vq, &c)) != 0) {
		if (r < 0) {
			fprintf(stderr, "minivmm: %s: a broken descriptor chain; queue stopped "
				"until the driver resets the device\n", vd->name);
			vd->broken = 1;
			break;
		}
		vq_push(&vd->vq, c.head, vd->handle(vd, &c));
		vd->requests++;
		done = 1;
	}
	/* A full barrier between the used index stored above and the flags
	 * loaded here (even x86 may let the load pass the store): the
	 * driver does the mirror image - clears NO_INTERRUPT, barrier,
	 * reads the used index - so one of the two always sees the other,
	 * and no completion goes without an interrupt. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (done && !(__atomic_load_n(&vd->vq.avail->flags, __ATOMIC_RELAXED) &
		      VRING_AVAIL_F_NO_INTERRUPT))
		virtio_raise(vd);
	pthread_mutex_unlock(&vd->lock);
}

/** The driver wrote 0 to the status register: the device forgets the
 *  driver - features, queue, pending interrupt (virtio 1.2, 2.1). */
static void virtio_reset(struct virtio_dev *vd)
{
	vd->status = 0;
	vd->isr = 0;
	vd->guest_features = 0;
	vd->queue_sel = 0;
	vd->broken = 0;
	vq_set_pfn(vd, &vd->vq, 0);
}

/** A register write of @v at @off of the legacy block. */
static void virtio_write(struct virtio_dev *vd, unsigned int off, uint32_t v)
{
	uint64_t one = 1;

	switch (off) {
	case VIRTIO_PCI_GUEST_FEATURES:
		vd->guest_features = v & vd->host_features;
		break;
	case VIRTIO_PCI_QUEUE_PFN:
		if (vd->queue_sel == 0 && vq_set_pfn(vd, &vd->vq, v)) {
			fprintf(stderr, "minivmm: %s: queue at 0x%llx is outside guest RAM\n",
				vd->name, (unsigned long long)v << VIRTIO_PCI_QUEUE_ADDR_SHIFT);
			vd->broken = 1;
		}
		break;
	case VIRTIO_PCI_QUEUE_SEL:
		vd->queue_sel = v;
		break;
	case VIRTIO_PCI_QUEUE_NOTIFY:
		/* Here only when the ioeventfd did not take it: not in place
		 * yet, or another queue's number.  Same road all the same. */
		if (v == 0 && write(vd->notify_fd, &one, sizeof(one)) == sizeof(one))
			vd->notify_exits++;
		break;
	case VIRTIO_PCI_STATUS:
		if (!(v & 0xff))
			virtio_reset(vd);
		else
			vd->status = v;
		break;
	}
}

/** A register read at @off; the ISR read also clears it (the driver's
 *  acknowledgement; the resampler lowers the line at the EOI). */
static uint32_t virtio_read(struct virtio_dev *vd, unsigned int off)
{
	uint32_t v;

	switch (off) {
	case VIRTIO_PCI_HOST_FEATURES:
		return vd->host_features;
	case VIRTIO_PCI_GUEST_FEATURES:
		return vd->guest_features;
	case VIRTIO_PCI_QUEUE_PFN:
		return vd->queue_sel == 0 ? vd->vq.pfn : 0;
	case VIRTIO_PCI_QUEUE_NUM:
		return vd->queue_sel == 0 ? vd->vq.num : 0;
	case VIRTIO_PCI_QUEUE_SEL:
		return vd->queue_sel;
	case VIRTIO_PCI_STATUS:
		return vd->status;
	case VIRTIO_PCI_ISR:
		v = vd->isr;
		vd->isr = 0;
		return v;
	}
	return 0;
}

/**
 * Port @port, if the device's I/O BAR decodes it: 0, else -1.  The
 * registers sit at their offsets (VIRTIO_PCI_*, <linux/virtio_pci.h>),
 * then the device's configuration at VIRTIO_PCI_CONFIG_OFF(0) - no MSI-X.
 * Accesses go by their offset alone; the driver uses the sizes the
 * register table gives.
 */
int virtio_pci_io(struct virtio_dev *vd, uint16_t port, int is_write, int size, uint8_t *data)
{
	uint16_t base = pci_io_bar(&vd->pci, 0);
	unsigned int off = port - base, cfg = VIRTIO_PCI_CONFIG_OFF(0);
	uint32_t v = 0;

	if (!base || port < base || off + size > vd->pci.bar_size[0])
		return -1;
	pthread_mutex_lock(&vd->lock);
	if (off >= cfg) {
		/* The device's configuration: read-only here. */
		for (int i = 0; !is_write && i < size; i++)
			data[i] = off - cfg + i < vd->config_len ? vd->config[off - cfg + i] : 0;
	} else if (is_write) {
		memcpy(&v, data, size);
		virtio_write(vd, off, v);
	} else {
		v = virtio_read(vd, off);
		memcpy(data, &v, size);
	}
	pthread_mutex_unlock(&vd->lock);
	return 0;
}

/**
 * The kick port moves with the BAR (a guest may reassign it, and turns
 * decoding off while it sizes it): KVM_IOEVENTFD is told where it is
 * now, with DATAMATCH 0 - queue 0's number - so that a write of any
 * other value still exits, to be seen and ignored.  The PCI bus calls
 * this after every configuration write.
 */
static void virtio_place_notify(struct pci_device *pci)
{
	struct virtio_dev *vd = (struct virtio_dev *)pci;
	uint16_t base = pci_io_bar(pci, 0), port = base ? base + VIRTIO_PCI_QUEUE_NOTIFY : 0;
	struct kvm_ioeventfd io = {
		.len = 2, .fd = vd->notify_fd, .datamatch = 0,
		.flags = KVM_IOEVENTFD_FLAG_PIO | KVM_IOEVENTFD_FLAG_DATAMATCH,
	};

	if (port == vd->notify_port)
		return;
	if (vd->notify_port) {
		io.addr = vd->notify_port;
		io.flags |= KVM_IOEVENTFD_FLAG_DEASSIGN;
		ioctl(vd->vm_fd, KVM_IOEVENTFD, &io);
		io.flags &= ~KVM_IOEVENTFD_FLAG_DEASSIGN;
	}
	vd->notify_port = 0;
	io.addr = port;
	if (port && !ioctl(vd->vm_fd, KVM_IOEVENTFD, &io))
		vd->notify_port = port;
}

/** What the vCPU threads' stop signals must not interrupt: every thread
 *  of minivmm but the vCPUs' blocks them, so that they reach a vCPU. */
void vmm_block_stop_signals(void)
{
	sigset_t stop;

	sigemptyset(&stop);
	sigaddset(&stop, SIGALRM);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);
}

/** The I/O thread: asleep in poll() until a kick (the ioeventfd) or an
 *  EOI (the resamplefd); never holds the VM's big lock. */
static void *virtio_io_thread(void *arg)
{
	struct virtio_dev *vd = arg;
	struct pollfd p[2] = { { .fd = vd->notify_fd, .events = POLLIN },
			       { .fd = vd->resample_fd, .events = POLLIN } };
	uint64_t n;

	vmm_block_stop_signals();
	while (poll(p, 2, -1) >= 0 || errno == EINTR) {
		if ((p[0].revents & POLLIN) && read(vd->notify_fd, &n, sizeof(n)) == sizeof(n)) {
			/* n: the kicks since the last read, each of them one
			 * guest write that KVM did not turn into an exit. */
			__atomic_add_fetch(&vd->kicks, n, __ATOMIC_RELAXED);
			virtio_process(vd);
		}
		if ((p[1].revents & POLLIN) && read(vd->resample_fd, &n, sizeof(n)) == sizeof(n)) {
			pthread_mutex_lock(&vd->lock);
			if (vd->isr)
				virtio_raise(vd);
			pthread_mutex_unlock(&vd->lock);
		}
	}
	return NULL;
}

/** The device's state before its first driver: queue 0 of
 *  VIRTIO_QUEUE_SIZE entries, not placed; its lock and eventfds (the
 *  ioctls that join them to KVM are virtio_start()'s).  0, or -1. */
int virtio_init(struct virtio_dev *vd, void *mem, uint64_t mem_size)
{
	vd->mem = mem;
	vd->mem_size = mem_size;
	vd->vq.num = VIRTIO_QUEUE_SIZE;
	pthread_mutex_init(&vd->lock, NULL);
	vd->pci.config_written = virtio_place_notify;
	vd->notify_fd = eventfd(0, EFD_CLOEXEC);
	vd->irq_fd = eventfd(0, EFD_CLOEXEC);
	vd->resample_fd = eventfd(0, EFD_CLOEXEC);
	return vd->notify_fd < 0 || vd->irq_fd < 0 || vd->resample_fd < 0 ? -1 : 0;
}

/**
 * Start virtio device @vd of @vm: its eventfds, its resampling irqfd on
 * @gsi, its kick ioeventfd (once the guest enables the BAR) and its I/O
 * thread.  The caller has filled in the PCI header, host_features,
 * config and handle.  Returns 0, or VMM_KVM_ERROR with the reason said.
 */
int virtio_start(struct vm *vm, struct virtio_dev *vd, unsigned int gsi)
{
	struct kvm_irqfd irqfd = { .gsi = gsi, .flags = KVM_IRQFD_FLAG_RESAMPLE };
	pthread_t t;

	vd->vm_fd = vm->vm_fd;
	if (virtio_init(vd, vm->mem, vm->mem_size)) {
		fprintf(stderr, "minivmm: %s: eventfd: %s\n", vd->name, strerror(errno));
		return VMM_KVM_ERROR;
	}
	irqfd.fd = vd->irq_fd;
	irqfd.resamplefd = vd->resample_fd;
	if (ioctl(vm->vm_fd, KVM_IRQFD, &irqfd)) {
		fprintf(stderr, "minivmm: %s: KVM_IRQFD on GSI %u: %s\n", vd->name, gsi,
			strerror(errno));
		return VMM_KVM_ERROR;
	}
	virtio_place_notify(&vd->pci);
	if (pthread_create(&t, NULL, virtio_io_thread, vd)) {
		fprintf(stderr, "minivmm: %s: cannot start the I/O thread\n", vd->name);
		return VMM_KVM_ERROR;
	}
	pthread_detach(t);
	return 0;
}

/** -v: what the device did, and how many exits the eventfds saved. */
void virtio_report(struct virtio_dev *vd)
{
	pthread_mutex_lock(&vd->lock);
	fprintf(stderr, "minivmm: %s: %llu requests; %llu kicks through the ioeventfd (no exit), "
		"%llu as port exits; %llu interrupts through the irqfd\n", vd->name,
		(unsigned long long)vd->requests,
		(unsigned long long)(vd->kicks - vd->notify_exits),
		(unsigned long long)vd->notify_exits, (unsigned long long)vd->interrupts);
	pthread_mutex_unlock(&vd->lock);
}
