// SPDX-License-Identifier: GPL-2.0
/**
 * @file timer.c
 * @brief The in-kernel PIT of a VM (KVM_CREATE_PIT2): the i8254 model
 * given a lock, a clock, ports on the I/O bus and an hrtimer that raises
 * IRQ 0; its ioctls; and the lost-tick policy.
 *
 * The model (i8254.c) computes counts and OUT levels from a time it is
 * handed; here that time is ktime_get(), the host's monotonic clock, so
 * that count_load_time in KVM_GET_PIT2 means what it means in KVM.  The
 * model also says when counter 0 runs out; an hrtimer fires then (and
 * every period after, in modes 2 and 3) and the line is pulsed.
 *
 * Why a worker thread: an hrtimer callback runs in hard interrupt
 * context, but raising GSI 0 takes the PIC's and the IOAPIC's locks,
 * which vCPUs take with interrupts on; taking them from an interrupt
 * would deadlock against a vCPU holding one on the same CPU.  So the
 * callback only counts the tick and queues work on a kthread_worker
 * ("kvm-pit/<pid>"), which raises the line from process context.
 *
 * Lost ticks.  A tick the guest has not taken yet when the next one comes
 * would merge with it in the PIC (an edge already in IRR), and a guest
 * that counts ticks to keep time (older Linux, Windows) would fall
 * behind.  KVM's default, reinject mode: each expiry adds one to
 * @c pending; a tick is only sent once the previous one was acknowledged
 * (the PIC's EOI, or the IOAPIC's through the LAPIC), and each
 * acknowledgement sends the next pending one.  The guest gets every tick,
 * late but none lost.  A guest that masks IRQ 0 would pile up ticks it
 * will never take: unmasking starts the count afresh (mask notifier).
 * KVM_REINJECT_CONTROL with pit_reinject = 0 switches to plain pulses on
 * every expiry, the real hardware's behaviour, which is what a guest that
 * reads the time from a clock source (TSC, kvmclock) wants.
 *
 * Locks: @c lock (a spinlock, since the I/O bus calls devices under
 * rcu_read_lock()) covers the model, arming the hrtimer and sending a
 * tick; the timer callback does not take it.  @c reinject_lock (a mutex)
 * serialises registering the notifiers, which sleeps.  KVM uses one
 * mutex for both, and when counter 0 is reprogrammed it waits for the
 * worker to finish a tick already queued (kthread_flush_work()), so that
 * no tick of the old count comes after the new one started.  minikvm
 * cannot sleep under its spinlock: it sends that tick itself instead
 * (pit_send_queued_tick()), and the worker, finding it gone, sends
 * nothing.
 *
 * Linux: arch/x86/kvm/i8254.c (the kvm_pit half) and the PIT cases of
 * kvm_arch_vm_ioctl() in x86.c.  Linux had an arch/x86/kvm/timer.c for
 * its hrtimer helpers until 2.6.36.
 */
#include <linux/hrtimer.h>
#include <linux/kthread.h>
#include <linux/kvm.h>
#include <linux/pid.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>
#include <linux/version.h>

#include <minikvm/kvm_host.h>
#include <minikvm/i8254.h>

/**
 * The PIT of a VM.  Linux: struct kvm_pit with its struct kvm_kpit_state.
 */
struct kvm_pit {
	spinlock_t lock;		/**< the model and the timer's arming */
	struct kvm_kpit_state ps;	/**< the model (i8254.c) */
	struct kvm *kvm;		/**< the VM it belongs to */
	struct kvm_io_device dev;	/**< ports 0x40-0x43 */
	struct kvm_io_device speaker_dev; /**< port 0x61, with KVM_PIT_SPEAKER_DUMMY */
	bool speaker;			/**< speaker_dev is on the bus */

	/** Counter 0's timer and what it needs without the lock. @{ */
	struct hrtimer timer;
	s64 period;			/**< ns; re-arm by this much if @c periodic */
	bool periodic;
	/** @} */
	struct kthread_worker *worker;	/**< raises the line: pit_do_work() */
	struct kthread_work expired;	/**< queued by each expiry */
	atomic_t tick_queued;		/**< 1: a tick is on its way to the worker */

	/** Reinject mode (see the top of the file). @{ */
	struct mutex reinject_lock;	/**< turning it on and off */
	atomic_t reinject;		/**< 1: count ticks, one per ack */
	atomic_t pending;		/**< expiries not yet delivered */
	atomic_t irq_ack;		/**< 1: the last tick sent was acked */
	struct kvm_irq_ack_notifier irq_ack_notifier;	/**< GSI 0's acks */
	struct kvm_irq_mask_notifier mask_notifier;	/**< GSI 0's unmasking */
	/** @} */
};

/** The present, in the model's unit.  Linux: ktime_get(). */
static s64 pit_now(void)
{
	return ktime_to_ns(ktime_get());
}

/**
 * Forget the ticks counted so far: none pending, the next one may go.
 * Linux: kvm_pit_reset_reinject().
 */
static void kvm_pit_reset_reinject(struct kvm_pit *pit)
{
	atomic_set(&pit->pending, 0);
	atomic_set(&pit->irq_ack, 1);
}

/**
 * pit_send_tick - pulse GSI 0 (an edge for the PIC's IRQ 0 and the
 * IOAPIC pin the routing names); in reinject mode only once the previous
 * tick was acknowledged.  Called with @c lock held.
 * @pit: the PIT
 */
static void pit_send_tick(struct kvm_pit *pit)
{
	if (atomic_read(&pit->reinject) && !atomic_xchg(&pit->irq_ack, 0))
		return;
	kvm_set_irq(pit->kvm, KVM_PIT_IRQ_SOURCE_ID, 0, 1, false);
	kvm_set_irq(pit->kvm, KVM_PIT_IRQ_SOURCE_ID, 0, 0, false);
}

/**
 * pit_queue_tick - have the worker send a tick (pit_do_work()).  Any
 * context: the hrtimer callback calls it in hard interrupt context.
 * @pit: the PIT
 */
static void pit_queue_tick(struct kvm_pit *pit)
{
	atomic_set(&pit->tick_queued, 1);
	kthread_queue_work(pit->worker, &pit->expired);
}

/**
 * pit_send_queued_tick - send the tick on its way to the worker, if it
 * is still on its way.  Called with @c lock held, by the worker and when
 * counter 0 is reprogrammed (pit_sync_timer()): the lock makes the tick
 * go exactly once, by whichever comes first.
 * @pit: the PIT
 */
static void pit_send_queued_tick(struct kvm_pit *pit)
{
	if (atomic_xchg(&pit->tick_queued, 0))
		pit_send_tick(pit);
}

/**
 * pit_sync_timer - make the hrtimer follow counter 0 after the model
 * changed it (@c ps.timer_changed): stop it, and start it again if the
 * counter interrupts, its first expiry one period from the load.
 * @pit: the PIT, locked
 *
 * hrtimer_cancel() waits for a running callback, which never takes the
 * lock, so this may hold it.  A fresh count also starts the tick
 * bookkeeping afresh, as in KVM.  Linux: create_pit_timer(),
 * destroy_pit_timer().
 */
static void pit_sync_timer(struct kvm_pit *pit)
{
	struct kvm_kpit_state *ps = &pit->ps;

	if (!ps->timer_changed)
		return;
	ps->timer_changed = false;
	hrtimer_cancel(&pit->timer);
	/* A tick of the old count still queued goes now, before the new
	 * count starts: a worker starved of CPU time could otherwise send it
	 * many milliseconds into the new one (pit-irq saw that on a busy
	 * host).  KVM waits for the worker instead (kthread_flush_work()). */
	pit_send_queued_tick(pit);
	/* Without the irqchip there is nothing to interrupt (KVM:
	 * create_pit_timer() returns early; its count then reads as
	 * stopped, where the model's runs on). */
	if (!ps->timer_armed || !irqchip_in_kernel(pit->kvm))
		return;
	pit->period = ps->period;
	pit->periodic = ps->is_periodic;
	kvm_pit_reset_reinject(pit);
	hrtimer_start(&pit->timer, ns_to_ktime(ps->timer_start + ps->period),
		      HRTIMER_MODE_ABS);
}

/**
 * pit_timer_fn - counter 0 ran out: count the tick, have the worker
 * deliver it, and come back a period later in modes 2 and 3.
 * @data: the PIT's hrtimer
 *
 * Hard interrupt context: nothing here takes a lock.
 * Linux: pit_timer_fn().
 */
static enum hrtimer_restart pit_timer_fn(struct hrtimer *data)
{
	struct kvm_pit *pit = container_of(data, struct kvm_pit, timer);

	if (atomic_read(&pit->reinject))
		atomic_inc(&pit->pending);
	pit_queue_tick(pit);

	if (!pit->periodic)
		return HRTIMER_NORESTART;
	hrtimer_add_expires_ns(&pit->timer, pit->period);
	return HRTIMER_RESTART;
}

/**
 * pit_do_work - the worker: send the queued tick, unless a
 * reprogramming of counter 0 sent it already (pit_sync_timer()).  The
 * acknowledgement of a tick queues this again for one still pending
 * (kvm_pit_ack_irq()).
 * @work: the PIT's work item
 *
 * Linux: pit_do_work() (less the NMI watchdog through LVT0, which needs
 * the LAPIC).
 */
static void pit_do_work(struct kthread_work *work)
{
	struct kvm_pit *pit = container_of(work, struct kvm_pit, expired);

	spin_lock(&pit->lock);
	pit_send_queued_tick(pit);
	spin_unlock(&pit->lock);
}

/**
 * kvm_pit_ack_irq - the guest acknowledged GSI 0: the next tick may go,
 * and if one is pending already, it goes now.
 * @kian: the PIT's ack notifier
 *
 * @c pending counts the tick in flight too: one left after the decrement
 * means another is waiting.  Linux: kvm_pit_ack_irq().
 */
static void kvm_pit_ack_irq(struct kvm_irq_ack_notifier *kian)
{
	struct kvm_pit *pit = container_of(kian, struct kvm_pit, irq_ack_notifier);

	atomic_set(&pit->irq_ack, 1);
	/* irq_ack before pending: pairs with pit_send_tick()'s xchg. */
	smp_mb();
	if (atomic_dec_if_positive(&pit->pending) > 0)
		pit_queue_tick(pit);
}

/**
 * pit_mask_notifier - GSI 0 was masked or unmasked.  Ticks that came while
 * it was masked were never going to be taken: on unmasking, start counting
 * afresh.  Linux: pit_mask_notifer().
 */
static void pit_mask_notifier(struct kvm_irq_mask_notifier *kimn, bool mask)
{
	struct kvm_pit *pit = container_of(kimn, struct kvm_pit, mask_notifier);

	if (!mask)
		kvm_pit_reset_reinject(pit);
}

/**
 * kvm_pit_set_reinject - turn reinject mode on (KVM's default) or off.
 * @pit: the PIT
 * @reinject: the new mode
 *
 * On, the PIT listens to GSI 0's acknowledgements and unmasking; off, it
 * stops listening and every expiry is a pulse.
 * Linux: kvm_pit_set_reinject().
 */
static void kvm_pit_set_reinject(struct kvm_pit *pit, bool reinject)
{
	struct kvm *kvm = pit->kvm;

	mutex_lock(&pit->reinject_lock);
	if (atomic_read(&pit->reinject) == reinject)
		goto out;
	if (reinject) {
		kvm_pit_reset_reinject(pit);
		kvm_register_irq_ack_notifier(kvm, &pit->irq_ack_notifier);
		kvm_register_irq_mask_notifier(kvm, 0, &pit->mask_notifier);
	} else {
		kvm_unregister_irq_ack_notifier(kvm, &pit->irq_ack_notifier);
		kvm_unregister_irq_mask_notifier(kvm, 0, &pit->mask_notifier);
	}
	atomic_set(&pit->reinject, reinject);
out:
	mutex_unlock(&pit->reinject_lock);
}

/* ---------------------------------------------------------------------- */
/* Ports                                                                    */
/* ---------------------------------------------------------------------- */

/** An IN from 0x40-0x43.  Linux: pit_ioport_read(). */
static int pit_dev_read(struct kvm_vcpu *vcpu, struct kvm_io_device *dev,
			gpa_t addr, int len, void *val)
{
	struct kvm_pit *pit = container_of(dev, struct kvm_pit, dev);
	int r;

	spin_lock(&pit->lock);
	r = pit_ioport_read(&pit->ps, pit_now(), addr, len, val);
	spin_unlock(&pit->lock);
	return r;
}

/** An OUT to 0x40-0x43; a new count for counter 0 re-arms its timer.
 *  Linux: pit_ioport_write(). */
static int pit_dev_write(struct kvm_vcpu *vcpu, struct kvm_io_device *dev,
			 gpa_t addr, int len, const void *val)
{
	struct kvm_pit *pit = container_of(dev, struct kvm_pit, dev);
	int r;

	spin_lock(&pit->lock);
	r = pit_ioport_write(&pit->ps, pit_now(), addr, len, val);
	pit_sync_timer(pit);
	spin_unlock(&pit->lock);
	return r;
}

/** The counters' ops. */
static const struct kvm_io_device_ops pit_dev_ops = {
	.read = pit_dev_read,
	.write = pit_dev_write,
};

/** An IN from 0x61.  Linux: speaker_ioport_read(). */
static int speaker_dev_read(struct kvm_vcpu *vcpu, struct kvm_io_device *dev,
			    gpa_t addr, int len, void *val)
{
	struct kvm_pit *pit = container_of(dev, struct kvm_pit, speaker_dev);
	int r;

	spin_lock(&pit->lock);
	r = pit_speaker_read(&pit->ps, pit_now(), addr, len, val);
	spin_unlock(&pit->lock);
	return r;
}

/** An OUT to 0x61.  Linux: speaker_ioport_write(). */
static int speaker_dev_write(struct kvm_vcpu *vcpu, struct kvm_io_device *dev,
			     gpa_t addr, int len, const void *val)
{
	struct kvm_pit *pit = container_of(dev, struct kvm_pit, speaker_dev);
	int r;

	spin_lock(&pit->lock);
	r = pit_speaker_write(&pit->ps, pit_now(), addr, len, val);
	spin_unlock(&pit->lock);
	return r;
}

/** Port 0x61's ops. */
static const struct kvm_io_device_ops speaker_dev_ops = {
	.read = speaker_dev_read,
	.write = speaker_dev_write,
};

/* ---------------------------------------------------------------------- */
/* Life                                                                     */
/* ---------------------------------------------------------------------- */

/**
 * pit_timer_worker_init - the hrtimer and the worker thread, with the API
 * of the kernel built against.  Linux 6.13 split "create a worker" from
 * "create and start it" (kthread_run_worker(); kthread_create_worker() no
 * longer wakes the thread) and replaced hrtimer_init() with
 * hrtimer_setup(); the lab's 6.1 and bookworm's 6.12 have the old ones.
 * @pit: the PIT being created
 *
 * Returns 0 or the worker's ERR_PTR() value.
 */
static int pit_timer_worker_init(struct kvm_pit *pit)
{
	pid_t pid = task_pid_nr(current);

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 13, 0)
	pit->worker = kthread_run_worker(0, "kvm-pit/%d", pid);
	hrtimer_setup(&pit->timer, pit_timer_fn, CLOCK_MONOTONIC, HRTIMER_MODE_ABS);
#else
	pit->worker = kthread_create_worker(0, "kvm-pit/%d", pid);
	hrtimer_init(&pit->timer, CLOCK_MONOTONIC, HRTIMER_MODE_ABS);
	pit->timer.function = pit_timer_fn;
#endif
	return PTR_ERR_OR_ZERO(pit->worker);
}

/**
 * kvm_create_pit - the PIT, reset, in reinject mode, on the bus at
 * 0x40-0x43 and, with KVM_PIT_SPEAKER_DUMMY in @flags, at 0x61 too
 * (without it, port 0x61 is the VMM's: QEMU's speaker device reads
 * counter 2 through KVM_GET_PIT2).
 * @kvm: the VM
 * @flags: struct kvm_pit_config's flags; other bits are ignored, as in KVM
 *
 * Returns the PIT or an ERR_PTR().  Linux: kvm_create_pit().
 */
static struct kvm_pit *kvm_create_pit(struct kvm *kvm, u32 flags)
{
	struct kvm_pit *pit;
	int r;

	pit = kzalloc(sizeof(*pit), GFP_KERNEL_ACCOUNT);
	if (!pit)
		return ERR_PTR(-ENOMEM);
	spin_lock_init(&pit->lock);
	mutex_init(&pit->reinject_lock);
	pit->kvm = kvm;

	r = pit_timer_worker_init(pit);
	if (r)
		goto out_free;
	kthread_init_work(&pit->expired, pit_do_work);
	pit->irq_ack_notifier.gsi = 0;
	pit->irq_ack_notifier.irq_acked = kvm_pit_ack_irq;
	pit->mask_notifier.func = pit_mask_notifier;

	pit_init(&pit->ps, pit_now());
	pit->ps.timer_changed = false;	/* reset arms nothing */
	kvm_pit_set_reinject(pit, true);

	mutex_lock(&kvm->slots_lock);
	kvm_iodevice_init(&pit->dev, &pit_dev_ops);
	r = kvm_io_bus_register_dev(kvm, KVM_PIO_BUS, KVM_PIT_BASE_ADDRESS,
				    KVM_PIT_MEM_LENGTH, &pit->dev);
	if (r)
		goto out_unlock;
	if (flags & KVM_PIT_SPEAKER_DUMMY) {
		kvm_iodevice_init(&pit->speaker_dev, &speaker_dev_ops);
		r = kvm_io_bus_register_dev(kvm, KVM_PIO_BUS, KVM_SPEAKER_BASE_ADDRESS,
					    KVM_SPEAKER_MEM_LENGTH, &pit->speaker_dev);
		if (r)
			goto out_unreg_pit;
		pit->speaker = true;
	}
	mutex_unlock(&kvm->slots_lock);
	return pit;

out_unreg_pit:
	kvm_io_bus_unregister_dev(kvm, KVM_PIO_BUS, &pit->dev);
out_unlock:
	mutex_unlock(&kvm->slots_lock);
	kvm_pit_set_reinject(pit, false);
	kthread_destroy_worker(pit->worker);
out_free:
	kfree(pit);
	return ERR_PTR(r);
}

/**
 * kvm_pit_destroy - take the PIT off the bus, stop its timer and worker,
 * free it.
 * @kvm: the VM being destroyed; its vCPUs still exist
 *
 * Linux: kvm_free_pit().
 */
void kvm_pit_destroy(struct kvm *kvm)
{
	struct kvm_pit *pit = kvm->arch.vpit;

	if (!pit)
		return;
	mutex_lock(&kvm->slots_lock);
	kvm_io_bus_unregister_dev(kvm, KVM_PIO_BUS, &pit->dev);
	if (pit->speaker)
		kvm_io_bus_unregister_dev(kvm, KVM_PIO_BUS, &pit->speaker_dev);
	mutex_unlock(&kvm->slots_lock);
	kvm_pit_set_reinject(pit, false);
	hrtimer_cancel(&pit->timer);
	/* Runs what is queued, then stops: no tick after this. */
	kthread_destroy_worker(pit->worker);
	kvm->arch.vpit = NULL;
	kfree(pit);
}

/* ---------------------------------------------------------------------- */
/* ioctls                                                                   */
/* ---------------------------------------------------------------------- */

/** The PIT, or NULL before KVM_CREATE_PIT2; pairs with its release. */
static struct kvm_pit *kvm_vpit(struct kvm *kvm)
{
	return smp_load_acquire(&kvm->arch.vpit);
}

/**
 * KVM_CREATE_PIT2 (and the old KVM_CREATE_PIT, which means
 * KVM_PIT_SPEAKER_DUMMY): -EEXIST for a second PIT.  As in Linux 6.1 (the
 * lab's oracle) a PIT may come before KVM_CREATE_IRQCHIP; it then has no
 * line to raise and its timer is not armed (pit_sync_timer()).  Newer
 * kernels refuse that case with -ENOENT.
 * Linux: the KVM_CREATE_PIT2 case of kvm_arch_vm_ioctl().
 */
static int kvm_vm_ioctl_create_pit(struct kvm *kvm, u32 flags)
{
	struct kvm_pit *pit;
	int r;

	mutex_lock(&kvm->lock);
	r = -EEXIST;
	if (kvm->arch.vpit)
		goto out;
	pit = kvm_create_pit(kvm, flags);
	r = PTR_ERR_OR_ZERO(pit);
	if (!r)
		smp_store_release(&kvm->arch.vpit, pit);
out:
	mutex_unlock(&kvm->lock);
	return r;
}

/**
 * The channels (and flags) in and out, under the PIT's lock.  A loaded
 * state restarts the counters now, and counter 0's timer with them.
 * Linux: kvm_vm_ioctl_get_pit(), kvm_vm_ioctl_set_pit(),
 * kvm_vm_ioctl_get_pit2(), kvm_vm_ioctl_set_pit2().
 */
static void kvm_pit_copy_state(struct kvm_pit *pit, struct kvm_pit_state2 *st, bool set, bool v2)
{
	spin_lock(&pit->lock);
	if (!set) {
		pit_get_state(&pit->ps, st);
	} else if (v2) {
		pit_set_state(&pit->ps, pit_now(), st);
	} else {
		struct kvm_pit_state old;

		memcpy(old.channels, st->channels, sizeof(old.channels));
		pit_set_channels(&pit->ps, pit_now(), &old);
	}
	pit_sync_timer(pit);
	spin_unlock(&pit->lock);
}

/**
 * KVM_GET_PIT / KVM_SET_PIT (@v2 false: struct kvm_pit_state, channels
 * only) and KVM_GET_PIT2 / KVM_SET_PIT2 (struct kvm_pit_state2, with
 * flags).  KVM's order: KVM_GET_PIT and both SETs copy in first
 * (-EFAULT), then want a PIT (-ENXIO); KVM_GET_PIT2 copies nothing in.
 * Linux: those cases of kvm_arch_vm_ioctl().
 */
static int kvm_vm_ioctl_pit_state(struct kvm *kvm, void __user *argp, bool set, bool v2)
{
	size_t size = v2 ? sizeof(struct kvm_pit_state2) : sizeof(struct kvm_pit_state);
	struct kvm_pit_state2 st = {};
	struct kvm_pit *pit;

	if ((set || !v2) && copy_from_user(&st, argp, size))
		return -EFAULT;
	if (set)
		mutex_lock(&kvm->lock);		/* as KVM: against a second SET */
	pit = kvm_vpit(kvm);
	if (pit)
		kvm_pit_copy_state(pit, &st, set, v2);
	if (set)
		mutex_unlock(&kvm->lock);
	if (!pit)
		return -ENXIO;
	if (!set && copy_to_user(argp, &st, size))
		return -EFAULT;
	return 0;
}

/**
 * KVM_REINJECT_CONTROL: pit_reinject nonzero is reinject mode, 0 plain
 * pulses.  Linux: that case of kvm_arch_vm_ioctl(), kvm_vm_ioctl_reinject().
 */
static int kvm_vm_ioctl_reinject(struct kvm *kvm, void __user *argp)
{
	struct kvm_reinject_control control;
	struct kvm_pit *pit;

	if (copy_from_user(&control, argp, sizeof(control)))
		return -EFAULT;
	pit = kvm_vpit(kvm);
	if (!pit)
		return -ENXIO;
	kvm_pit_set_reinject(pit, control.pit_reinject);
	return 0;
}

/**
 * kvm_vm_ioctl_pit - the PIT ioctls of a VM fd.
 * @kvm: the VM
 * @ioctl: the ioctl number
 * @argp: its argument, a user pointer
 *
 * Returns the ioctl's result, or -ENOTTY for any other ioctl.
 * Linux: the PIT cases of kvm_arch_vm_ioctl().
 */
long kvm_vm_ioctl_pit(struct kvm *kvm, unsigned int ioctl, void __user *argp)
{
	struct kvm_pit_config config;

	switch (ioctl) {
	case KVM_CREATE_PIT:
		return kvm_vm_ioctl_create_pit(kvm, KVM_PIT_SPEAKER_DUMMY);
	case KVM_CREATE_PIT2:
		if (copy_from_user(&config, argp, sizeof(config)))
			return -EFAULT;
		return kvm_vm_ioctl_create_pit(kvm, config.flags);
	case KVM_GET_PIT:
		return kvm_vm_ioctl_pit_state(kvm, argp, false, false);
	case KVM_SET_PIT:
		return kvm_vm_ioctl_pit_state(kvm, argp, true, false);
	case KVM_GET_PIT2:
		return kvm_vm_ioctl_pit_state(kvm, argp, false, true);
	case KVM_SET_PIT2:
		return kvm_vm_ioctl_pit_state(kvm, argp, true, true);
	case KVM_REINJECT_CONTROL:
		return kvm_vm_ioctl_reinject(kvm, argp);
	default:
		return -ENOTTY;
	}
}
