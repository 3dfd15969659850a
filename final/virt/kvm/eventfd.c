// SPDX-License-Identifier: GPL-2.0
/**
 * @file eventfd.c
 * @brief irqfd and ioeventfd: interrupts in and doorbells out, as eventfds,
 * without a trip through the vCPU's KVM_RUN loop.
 *
 * A VMM's device model often lives in a thread (or another process) of
 * its own.  Without this file each of its interrupts is a KVM_IRQ_LINE
 * ioctl on the VM fd, and each of the guest's doorbell writes ("there are
 * new requests in the queue") is a KVM_EXIT_IO or KVM_EXIT_MMIO that
 * stops the vCPU, goes to the VMM's vCPU thread, and is passed on to the
 * device thread.  An eventfd (eventfd(2): a 64-bit counter; write adds,
 * read takes it and zeroes it, poll says whether it is nonzero) replaces
 * both with something any thread can wait on or signal:
 *
 * - **irqfd** (KVM_IRQFD): writing the eventfd raises a GSI.  We hang a
 *   wait-queue entry on the eventfd, as poll() would; eventfd_signal()
 *   calls it (irqfd_wakeup()) in whatever context the writer is, with the
 *   eventfd's lock held and interrupts off, so it only takes the count and
 *   queues the injection on a workqueue.  With KVM_IRQFD_FLAG_RESAMPLE the
 *   line is level-triggered: it stays high until the guest acknowledges
 *   the interrupt (an ack notifier, irq.h), is lowered then, and the
 *   second eventfd, the resamplefd, tells the VMM it may raise it again if
 *   its device still wants service (how VFIO passes on a real device's
 *   INTx line).
 * - **ioeventfd** (KVM_IOEVENTFD): a device on the in-kernel I/O bus
 *   (iodev.h) at one port or address; a guest write that matches it
 *   signals the eventfd and completes at once, in the kernel.  The VMM
 *   never sees the exit; its I/O thread wakes from poll().
 *
 * Simpler than KVM: no MSI fast path from the wait-queue callback (every
 * injection goes through the workqueue), irqfds are not bypassed to
 * posted interrupts, and the resampler and the VMM's KVM_IRQ_LINE drive
 * one line without being OR-ed (irq.h: the sources are not combined).
 *
 * Linux: virt/kvm/eventfd.c.
 */
#include <linux/eventfd.h>
#include <linux/file.h>
#include <linux/kvm.h>
#include <linux/list.h>
#include <linux/poll.h>
#include <linux/rculist.h>
#include <linux/slab.h>
#include <linux/version.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include <minikvm/kvm_host.h>
#include <minikvm/iodev.h>
#include <minikvm/irq.h>

/** Shuts irqfds down.  Its own queue, so that kvm_irqfd_release() can
 *  wait for exactly these works.  Linux: irqfd_cleanup_wq. */
static struct workqueue_struct *irqfd_cleanup_wq;

/** Add one to @ctx's count, waking its readers (the signature changed in
 *  Linux 6.8, which dropped the count argument). */
static void kvm_eventfd_signal(struct eventfd_ctx *ctx)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 8, 0)
	eventfd_signal(ctx);
#else
	eventfd_signal(ctx, 1);
#endif
}

/* ---------------------------------------------------------------------- */
/* irqfd                                                                    */
/* ---------------------------------------------------------------------- */

/**
 * The irqfds with KVM_IRQFD_FLAG_RESAMPLE on one GSI share one of these:
 * one ack notifier, one source of the level.  Linux: struct
 * kvm_kernel_irqfd_resampler.
 */
struct kvm_kernel_irqfd_resampler {
	struct kvm *kvm;		/**< the VM */
	struct list_head list;		/**< its irqfds (resampler_link); RCU */
	struct kvm_irq_ack_notifier notifier;	/**< the GSI's EOIs */
	struct list_head link;		/**< on kvm->irqfds.resampler_list */
};

/** One KVM_IRQFD assignment.  Linux: struct kvm_kernel_irqfd. */
struct kvm_kernel_irqfd {
	struct kvm *kvm;		/**< the VM (no reference: the VM fd's release ends us) */
	wait_queue_entry_t wait;	/**< on the eventfd's wait queue */
	u32 gsi;			/**< the line it raises */
	struct work_struct inject;	/**< kvm_set_irq(), which may not run in wait */
	struct kvm_kernel_irqfd_resampler *resampler;	/**< level mode, or NULL */
	struct eventfd_ctx *resamplefd;	/**< signalled at each EOI in level mode */
	struct list_head resampler_link; /**< on resampler->list */
	struct eventfd_ctx *eventfd;	/**< what the VMM writes */
	struct list_head list;		/**< on kvm->irqfds.items while active */
	poll_table pt;			/**< how vfs_poll() hands us the wait queue */
	struct work_struct shutdown;	/**< irqfd_shutdown() */
};

/** The injection: a pulse (edge), or the line raised until the guest's
 *  EOI (resample).  Linux: irqfd_inject(). */
static void irqfd_inject(struct work_struct *work)
{
	struct kvm_kernel_irqfd *irqfd = container_of(work, struct kvm_kernel_irqfd, inject);
	struct kvm *kvm = irqfd->kvm;

	if (!irqfd->resampler) {
		kvm_set_irq(kvm, KVM_USERSPACE_IRQ_SOURCE_ID, irqfd->gsi, 1, false);
		kvm_set_irq(kvm, KVM_USERSPACE_IRQ_SOURCE_ID, irqfd->gsi, 0, false);
	} else {
		kvm_set_irq(kvm, KVM_IRQFD_RESAMPLE_IRQ_SOURCE_ID, irqfd->gsi, 1, false);
	}
}

/** The guest acknowledged the GSI: lower the level, and tell every
 *  resamplefd.  Under RCU, from the interrupt controller's EOI (irq.h).
 *  Linux: irqfd_resampler_ack(). */
static void irqfd_resampler_ack(struct kvm_irq_ack_notifier *kian)
{
	struct kvm_kernel_irqfd_resampler *resampler =
		container_of(kian, struct kvm_kernel_irqfd_resampler, notifier);
	struct kvm_kernel_irqfd *irqfd;

	kvm_set_irq(resampler->kvm, KVM_IRQFD_RESAMPLE_IRQ_SOURCE_ID, kian->gsi, 0, false);
	list_for_each_entry_rcu(irqfd, &resampler->list, resampler_link)
		kvm_eventfd_signal(irqfd->resamplefd);
}

/** Join the GSI's resampler, creating it (and its ack notifier) for the
 *  first.  Linux: the KVM_IRQFD_FLAG_RESAMPLE part of kvm_irqfd_assign(). */
static int irqfd_resampler_attach(struct kvm_kernel_irqfd *irqfd)
{
	struct kvm *kvm = irqfd->kvm;
	struct kvm_kernel_irqfd_resampler *resampler;

	mutex_lock(&kvm->irqfds.resampler_lock);
	list_for_each_entry(resampler, &kvm->irqfds.resampler_list, link)
		if (resampler->notifier.gsi == irqfd->gsi)
			goto found;
	resampler = kzalloc(sizeof(*resampler), GFP_KERNEL_ACCOUNT);
	if (!resampler) {
		mutex_unlock(&kvm->irqfds.resampler_lock);
		return -ENOMEM;
	}
	resampler->kvm = kvm;
	INIT_LIST_HEAD(&resampler->list);
	resampler->notifier.gsi = irqfd->gsi;
	resampler->notifier.irq_acked = irqfd_resampler_ack;
	list_add(&resampler->link, &kvm->irqfds.resampler_list);
	kvm_register_irq_ack_notifier(kvm, &resampler->notifier);
found:
	irqfd->resampler = resampler;
	list_add_rcu(&irqfd->resampler_link, &resampler->list);
	mutex_unlock(&kvm->irqfds.resampler_lock);
	return 0;
}

/** Leave the resampler; the last one out lowers the line and frees it.
 *  Linux: irqfd_resampler_shutdown(). */
static void irqfd_resampler_detach(struct kvm_kernel_irqfd *irqfd)
{
	struct kvm_kernel_irqfd_resampler *resampler = irqfd->resampler;
	struct kvm *kvm = resampler->kvm;

	mutex_lock(&kvm->irqfds.resampler_lock);
	list_del_rcu(&irqfd->resampler_link);
	synchronize_rcu();	/* no irqfd_resampler_ack() still sees it */
	if (list_empty(&resampler->list)) {
		list_del(&resampler->link);
		kvm_unregister_irq_ack_notifier(kvm, &resampler->notifier);
		kvm_set_irq(kvm, KVM_IRQFD_RESAMPLE_IRQ_SOURCE_ID, resampler->notifier.gsi, 0, false);
		kfree(resampler);
	}
	mutex_unlock(&kvm->irqfds.resampler_lock);
}

/**
 * The last act of an irqfd, on irqfd_cleanup_wq: off the eventfd's wait
 * queue (after which no wakeup can queue an injection), the last
 * injection finished, the references dropped.  Linux: irqfd_shutdown().
 */
static void irqfd_shutdown(struct work_struct *work)
{
	struct kvm_kernel_irqfd *irqfd = container_of(work, struct kvm_kernel_irqfd, shutdown);
	u64 cnt;

	eventfd_ctx_remove_wait_queue(irqfd->eventfd, &irqfd->wait, &cnt);
	flush_work(&irqfd->inject);
	if (irqfd->resampler) {
		irqfd_resampler_detach(irqfd);
		eventfd_ctx_put(irqfd->resamplefd);
	}
	eventfd_ctx_put(irqfd->eventfd);
	kfree(irqfd);
}

/** Still on kvm->irqfds.items?  Caller holds kvm->irqfds.lock. */
static bool irqfd_is_active(struct kvm_kernel_irqfd *irqfd)
{
	return !list_empty(&irqfd->list);
}

/** Take it off the list and have it shut down.  Caller holds
 *  kvm->irqfds.lock.  Linux: irqfd_deactivate(). */
static void irqfd_deactivate(struct kvm_kernel_irqfd *irqfd)
{
	list_del_init(&irqfd->list);
	queue_work(irqfd_cleanup_wq, &irqfd->shutdown);
}

/**
 * irqfd_wakeup - the eventfd's wait queue calls this when it is written
 * (EPOLLIN) or closed (EPOLLHUP), with the eventfd's spinlock held and
 * interrupts off: nothing that sleeps here.  Linux: irqfd_wakeup().
 */
static int irqfd_wakeup(wait_queue_entry_t *wait, unsigned int mode, int sync, void *key)
{
	struct kvm_kernel_irqfd *irqfd = container_of(wait, struct kvm_kernel_irqfd, wait);
	__poll_t flags = key_to_poll(key);
	struct kvm *kvm = irqfd->kvm;
	unsigned long iflags;

	if (flags & EPOLLIN) {
		u64 cnt;

		/* Take the count: several writes before the injection ran
		 * are one interrupt, as several pulses of an edge line are. */
		eventfd_ctx_do_read(irqfd->eventfd, &cnt);
		schedule_work(&irqfd->inject);
	}
	if (flags & EPOLLHUP) {
		/* The VMM closed the eventfd: the irqfd goes with it. */
		spin_lock_irqsave(&kvm->irqfds.lock, iflags);
		if (irqfd_is_active(irqfd))
			irqfd_deactivate(irqfd);
		spin_unlock_irqrestore(&kvm->irqfds.lock, iflags);
	}
	return 0;
}

/** vfs_poll() hands us the eventfd's wait queue here: join it.
 *  Linux: irqfd_ptable_queue_proc(). */
static void irqfd_ptable_queue_proc(struct file *file, wait_queue_head_t *wqh, poll_table *pt)
{
	struct kvm_kernel_irqfd *irqfd = container_of(pt, struct kvm_kernel_irqfd, pt);

	add_wait_queue(wqh, &irqfd->wait);
}

/** KVM_IRQFD without DEASSIGN.  The errors in KVM's order: no irqchip,
 *  the eventfd, the resamplefd, an eventfd already assigned (-EBUSY).
 *  Linux: kvm_irqfd_assign(). */
static int kvm_irqfd_assign(struct kvm *kvm, const struct kvm_irqfd *args)
{
	struct kvm_kernel_irqfd *irqfd, *tmp;
	struct eventfd_ctx *eventfd;
	struct file *file;
	__poll_t events;
	int ret;

	if (!irqchip_in_kernel(kvm))	/* Linux: kvm_arch_irqfd_allowed() */
		return -EINVAL;
	irqfd = kzalloc(sizeof(*irqfd), GFP_KERNEL_ACCOUNT);
	if (!irqfd)
		return -ENOMEM;
	irqfd->kvm = kvm;
	irqfd->gsi = args->gsi;
	INIT_LIST_HEAD(&irqfd->list);
	INIT_WORK(&irqfd->inject, irqfd_inject);
	INIT_WORK(&irqfd->shutdown, irqfd_shutdown);

	file = fget(args->fd);
	if (!file) {
		ret = -EBADF;
		goto out_free;
	}
	eventfd = eventfd_ctx_fileget(file);
	if (IS_ERR(eventfd)) {
		ret = PTR_ERR(eventfd);		/* not an eventfd: -EINVAL */
		goto out_fput;
	}
	irqfd->eventfd = eventfd;

	if (args->flags & KVM_IRQFD_FLAG_RESAMPLE) {
		irqfd->resamplefd = eventfd_ctx_fdget(args->resamplefd);
		if (IS_ERR(irqfd->resamplefd)) {
			ret = PTR_ERR(irqfd->resamplefd);
			goto out_put;
		}
		ret = irqfd_resampler_attach(irqfd);
		if (ret)
			goto out_put_resample;
	}

	init_waitqueue_func_entry(&irqfd->wait, irqfd_wakeup);
	init_poll_funcptr(&irqfd->pt, irqfd_ptable_queue_proc);

	spin_lock_irq(&kvm->irqfds.lock);
	list_for_each_entry(tmp, &kvm->irqfds.items, list) {
		if (tmp->eventfd == eventfd) {
			spin_unlock_irq(&kvm->irqfds.lock);
			ret = -EBUSY;
			goto out_detach;
		}
	}
	list_add_tail(&irqfd->list, &kvm->irqfds.items);
	spin_unlock_irq(&kvm->irqfds.lock);

	/* Join the eventfd's wait queue; if it was written before, the
	 * interrupt is due now. */
	events = vfs_poll(file, &irqfd->pt);
	if (events & EPOLLIN)
		schedule_work(&irqfd->inject);
	fput(file);
	return 0;

out_detach:
	if (irqfd->resampler)
		irqfd_resampler_detach(irqfd);
out_put_resample:
	if (irqfd->resamplefd)
		eventfd_ctx_put(irqfd->resamplefd);
out_put:
	eventfd_ctx_put(eventfd);
out_fput:
	fput(file);
out_free:
	kfree(irqfd);
	return ret;
}

/**
 * KVM_IRQFD with DEASSIGN: every irqfd of this eventfd and GSI goes.
 * Finding none is not an error.  When this returns, none of them injects
 * any more.  Linux: kvm_irqfd_deassign().
 */
static int kvm_irqfd_deassign(struct kvm *kvm, const struct kvm_irqfd *args)
{
	struct kvm_kernel_irqfd *irqfd, *tmp;
	struct eventfd_ctx *eventfd;

	eventfd = eventfd_ctx_fdget(args->fd);
	if (IS_ERR(eventfd))
		return PTR_ERR(eventfd);
	spin_lock_irq(&kvm->irqfds.lock);
	list_for_each_entry_safe(irqfd, tmp, &kvm->irqfds.items, list)
		if (irqfd->eventfd == eventfd && irqfd->gsi == args->gsi)
			irqfd_deactivate(irqfd);
	spin_unlock_irq(&kvm->irqfds.lock);
	eventfd_ctx_put(eventfd);
	flush_workqueue(irqfd_cleanup_wq);
	return 0;
}

/**
 * kvm_irqfd - KVM_IRQFD on a VM fd.  Unknown flags are -EINVAL.
 * Linux: kvm_irqfd().
 */
int kvm_irqfd(struct kvm *kvm, const struct kvm_irqfd *args)
{
	if (args->flags & ~(KVM_IRQFD_FLAG_DEASSIGN | KVM_IRQFD_FLAG_RESAMPLE))
		return -EINVAL;
	if (args->flags & KVM_IRQFD_FLAG_DEASSIGN)
		return kvm_irqfd_deassign(kvm, args);
	return kvm_irqfd_assign(kvm, args);
}

/**
 * kvm_irqfd_release - the VM fd is closed: every irqfd goes, and is gone
 * when this returns (their works touch the irqchip, which the VM's
 * destruction frees).  Linux: kvm_irqfd_release().
 */
void kvm_irqfd_release(struct kvm *kvm)
{
	struct kvm_kernel_irqfd *irqfd, *tmp;

	spin_lock_irq(&kvm->irqfds.lock);
	list_for_each_entry_safe(irqfd, tmp, &kvm->irqfds.items, list)
		irqfd_deactivate(irqfd);
	spin_unlock_irq(&kvm->irqfds.lock);
	flush_workqueue(irqfd_cleanup_wq);
}

/* ---------------------------------------------------------------------- */
/* ioeventfd                                                                */
/* ---------------------------------------------------------------------- */

/** One KVM_IOEVENTFD assignment: a write-only device on a bus.  (The
 *  name with the underscore is Linux's: struct kvm_ioeventfd is the
 *  ioctl's argument, in <linux/kvm.h>.)  Linux: struct _ioeventfd. */
struct _ioeventfd {
	struct list_head list;		/**< on kvm->ioeventfds */
	u64 addr;			/**< the port or guest-physical address */
	int length;			/**< 1, 2, 4, 8, or 0: any length */
	struct eventfd_ctx *eventfd;	/**< signalled on a match */
	u64 datamatch;			/**< the value that matches, unless wildcard */
	struct kvm_io_device dev;	/**< on bus_idx */
	u8 bus_idx;			/**< KVM_MMIO_BUS, KVM_PIO_BUS, ... */
	bool wildcard;			/**< no KVM_IOEVENTFD_FLAG_DATAMATCH */
};

/** Does a write of @len bytes at @addr, value @val, match @p?  The address
 *  must be @p's exactly; then the length, unless @p's is 0; then the
 *  value, unless @p is a wildcard.  Linux: ioeventfd_in_range(). */
static bool ioeventfd_in_range(const struct _ioeventfd *p, gpa_t addr, int len,
			       const void *val)
{
	u64 v = 0;

	if (addr != p->addr)
		return false;
	if (!p->length)
		return true;
	if (len != p->length)
		return false;
	if (p->wildcard)
		return true;
	memcpy(&v, val, len);		/* little-endian, as the guest wrote it */
	return v == p->datamatch;
}

/** A guest write reached us on the bus: signal, and the write is done.
 *  Linux: ioeventfd_write(). */
static int ioeventfd_write(struct kvm_vcpu *vcpu, struct kvm_io_device *this, gpa_t addr,
			   int len, const void *val)
{
	struct _ioeventfd *p = container_of(this, struct _ioeventfd, dev);

	if (!ioeventfd_in_range(p, addr, len, val))
		return -EOPNOTSUPP;
	kvm_eventfd_signal(p->eventfd);
	return 0;
}

/** An ioeventfd's device on the bus: write-only, so a read goes on to
 *  the next device, or userspace. */
static const struct kvm_io_device_ops ioeventfd_ops = {
	.write	= ioeventfd_write,
};

/** The bus the flags name.  Linux: ioeventfd_bus_from_flags(). */
static enum kvm_bus ioeventfd_bus_from_flags(u32 flags)
{
	if (flags & KVM_IOEVENTFD_FLAG_PIO)
		return KVM_PIO_BUS;
	if (flags & KVM_IOEVENTFD_FLAG_VIRTIO_CCW_NOTIFY)
		return KVM_VIRTIO_CCW_NOTIFY_BUS;
	return KVM_MMIO_BUS;
}

/** Would @p answer a write that an existing ioeventfd answers?  Same bus
 *  and address, and either length 0, or the same length and either a
 *  wildcard or the same value.  Caller holds slots_lock.
 *  Linux: ioeventfd_check_collision(). */
static bool ioeventfd_check_collision(struct kvm *kvm, const struct _ioeventfd *p)
{
	struct _ioeventfd *q;

	list_for_each_entry(q, &kvm->ioeventfds, list)
		if (q->bus_idx == p->bus_idx && q->addr == p->addr &&
		    (!q->length || !p->length ||
		     (q->length == p->length &&
		      (q->wildcard || p->wildcard || q->datamatch == p->datamatch))))
			return true;
	return false;
}

/** One assignment on @bus_idx.  Linux: kvm_assign_ioeventfd_idx(). */
static int kvm_assign_ioeventfd_idx(struct kvm *kvm, enum kvm_bus bus_idx,
				    const struct kvm_ioeventfd *args)
{
	struct eventfd_ctx *eventfd;
	struct _ioeventfd *p;
	int ret;

	eventfd = eventfd_ctx_fdget(args->fd);
	if (IS_ERR(eventfd))
		return PTR_ERR(eventfd);
	p = kzalloc(sizeof(*p), GFP_KERNEL_ACCOUNT);
	if (!p) {
		ret = -ENOMEM;
		goto out_put;
	}
	p->addr = args->addr;
	p->length = args->len;
	p->eventfd = eventfd;
	p->bus_idx = bus_idx;
	p->wildcard = !(args->flags & KVM_IOEVENTFD_FLAG_DATAMATCH);
	if (!p->wildcard)
		p->datamatch = args->datamatch;
	kvm_iodevice_init(&p->dev, &ioeventfd_ops);

	mutex_lock(&kvm->slots_lock);
	if (ioeventfd_check_collision(kvm, p)) {
		ret = -EEXIST;
		goto out_unlock;
	}
	ret = kvm_io_bus_register_dev(kvm, p->bus_idx, p->addr, p->length, &p->dev);
	if (ret < 0)
		goto out_unlock;
	list_add_tail(&p->list, &kvm->ioeventfds);
	mutex_unlock(&kvm->slots_lock);
	return 0;

out_unlock:
	mutex_unlock(&kvm->slots_lock);
	kfree(p);
out_put:
	eventfd_ctx_put(eventfd);
	return ret;
}

/** The assignment on @bus_idx with the same eventfd, address, length and
 *  (if any) value goes; -ENOENT if there is none.
 *  Linux: kvm_deassign_ioeventfd_idx(). */
static int kvm_deassign_ioeventfd_idx(struct kvm *kvm, enum kvm_bus bus_idx,
				      const struct kvm_ioeventfd *args)
{
	bool wildcard = !(args->flags & KVM_IOEVENTFD_FLAG_DATAMATCH);
	struct eventfd_ctx *eventfd;
	struct _ioeventfd *p;
	int ret = -ENOENT;

	eventfd = eventfd_ctx_fdget(args->fd);
	if (IS_ERR(eventfd))
		return PTR_ERR(eventfd);
	mutex_lock(&kvm->slots_lock);
	list_for_each_entry(p, &kvm->ioeventfds, list) {
		if (p->bus_idx != bus_idx || p->eventfd != eventfd || p->addr != args->addr ||
		    p->length != args->len || p->wildcard != wildcard)
			continue;
		if (!p->wildcard && p->datamatch != args->datamatch)
			continue;
		/* Returns when no vCPU is inside our ops any more. */
		kvm_io_bus_unregister_dev(kvm, bus_idx, &p->dev);
		list_del(&p->list);
		eventfd_ctx_put(p->eventfd);
		kfree(p);
		ret = 0;
		break;
	}
	mutex_unlock(&kvm->slots_lock);
	eventfd_ctx_put(eventfd);
	return ret;
}

/**
 * KVM_IOEVENTFD without DEASSIGN: the arguments checked in KVM's order,
 * then the assignment; an MMIO one of any length goes on the fast MMIO
 * bus as well.  Linux: kvm_assign_ioeventfd().
 */
static int kvm_assign_ioeventfd(struct kvm *kvm, const struct kvm_ioeventfd *args)
{
	enum kvm_bus bus_idx = ioeventfd_bus_from_flags(args->flags);
	int ret;

	switch (args->len) {		/* a natural size, or 0: any */
	case 0: case 1: case 2: case 4: case 8:
		break;
	default:
		return -EINVAL;
	}
	if (args->addr + args->len < args->addr)
		return -EINVAL;
	if (args->flags & ~KVM_IOEVENTFD_VALID_FLAG_MASK)
		return -EINVAL;
	if (!args->len && (args->flags & KVM_IOEVENTFD_FLAG_DATAMATCH))
		return -EINVAL;		/* a value needs a length */

	ret = kvm_assign_ioeventfd_idx(kvm, bus_idx, args);
	if (ret || args->len || bus_idx != KVM_MMIO_BUS)
		return ret;
	ret = kvm_assign_ioeventfd_idx(kvm, KVM_FAST_MMIO_BUS, args);
	if (ret)
		kvm_deassign_ioeventfd_idx(kvm, bus_idx, args);
	return ret;
}

/** KVM_IOEVENTFD with DEASSIGN (and its twin on the fast MMIO bus).
 *  Linux: kvm_deassign_ioeventfd(). */
static int kvm_deassign_ioeventfd(struct kvm *kvm, const struct kvm_ioeventfd *args)
{
	enum kvm_bus bus_idx = ioeventfd_bus_from_flags(args->flags);
	int ret = kvm_deassign_ioeventfd_idx(kvm, bus_idx, args);

	if (!args->len && bus_idx == KVM_MMIO_BUS)
		kvm_deassign_ioeventfd_idx(kvm, KVM_FAST_MMIO_BUS, args);
	return ret;
}

/** kvm_ioeventfd - KVM_IOEVENTFD on a VM fd.  Linux: kvm_ioeventfd(). */
int kvm_ioeventfd(struct kvm *kvm, const struct kvm_ioeventfd *args)
{
	if (args->flags & KVM_IOEVENTFD_FLAG_DEASSIGN)
		return kvm_deassign_ioeventfd(kvm, args);
	return kvm_assign_ioeventfd(kvm, args);
}

/** A VM being destroyed (no vCPU left, its buses about to be freed):
 *  drop its ioeventfds.  Linux: ioeventfd_release(), the bus's
 *  destructor of each. */
void kvm_ioeventfd_release(struct kvm *kvm)
{
	struct _ioeventfd *p, *tmp;

	list_for_each_entry_safe(p, tmp, &kvm->ioeventfds, list) {
		list_del(&p->list);
		eventfd_ctx_put(p->eventfd);
		kfree(p);
	}
}

/* ---------------------------------------------------------------------- */

/** A new VM's lists.  Linux: kvm_eventfd_init(). */
void kvm_eventfd_init(struct kvm *kvm)
{
	spin_lock_init(&kvm->irqfds.lock);
	INIT_LIST_HEAD(&kvm->irqfds.items);
	INIT_LIST_HEAD(&kvm->irqfds.resampler_list);
	mutex_init(&kvm->irqfds.resampler_lock);
	INIT_LIST_HEAD(&kvm->ioeventfds);
}

/** Loading minikvm.ko.  Linux: kvm_irqfd_init(). */
int kvm_irqfd_init(void)
{
	irqfd_cleanup_wq = alloc_workqueue("minikvm-irqfd-cleanup", 0, 0);
	return irqfd_cleanup_wq ? 0 : -ENOMEM;
}

/** Unloading it: every VM is gone, so is every work.  Linux: kvm_irqfd_exit(). */
void kvm_irqfd_exit(void)
{
	destroy_workqueue(irqfd_cleanup_wq);
}
