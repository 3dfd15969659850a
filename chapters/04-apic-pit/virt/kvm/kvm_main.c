// SPDX-License-Identifier: GPL-2.0
/**
 * @file kvm_main.c
 * @brief The generic core: /dev/minikvm, VM and vCPU file descriptors,
 * memslots, vCPU loading and requests.
 *
 * Linux: virt/kvm/kvm_main.c.  Like KVM, this file knows nothing about
 * VMX or SVM.  The file-descriptor tree is KVM's:
 *
 *   /dev/minikvm --KVM_CREATE_VM--> VM fd --KVM_CREATE_VCPU--> vCPU fd
 *      (system ioctls)              (VM ioctls)                (vCPU ioctls,
 *                                                               mmap kvm_run)
 *
 * A VM lives as long as any of its fds: each vCPU fd holds a reference
 * on the VM, and the last release frees everything (kvm_destroy_vm()),
 * which is what makes `kill -9` of the VMM safe.
 */
#include <linux/anon_inodes.h>
#include <linux/cpu.h>
#include <linux/debugfs.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/kvm.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/namei.h>
#include <linux/reboot.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/syscore_ops.h>
#include <linux/uaccess.h>
#include <linux/xarray.h>

#include <minikvm/kvm_host.h>

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("minikvm: a teaching re-implementation of KVM (core)");

/** The name of our misc device: /dev/minikvm, or /dev/kvm (devname=kvm)
 *  so that unmodified KVM clients find us when the real KVM is unloaded. */
static char *devname = "minikvm";
module_param(devname, charp, 0444);
MODULE_PARM_DESC(devname, "device name: minikvm (default), or kvm to serve unmodified KVM clients");

/**
 * Object counters, read through debugfs (minikvm/objects).  After the last
 * VMM exits they must all read zero: the kill-rmmod scenario checks it.
 * @{
 */
static atomic_long_t kvm_stat_vms, kvm_stat_vcpus;
/** @} */
atomic_long_t kvm_stat_pages;	/**< pinned guest pages + page-table pages */
EXPORT_SYMBOL_GPL(kvm_stat_pages);

/** /sys/kernel/debug/minikvm/: "objects" here, the vendors add theirs. */
struct dentry *kvm_debugfs_dir;
EXPORT_SYMBOL_GPL(kvm_debugfs_dir);

/** sizeof the vendor's vCPU struct (vcpu_vmx, vcpu_svm), from kvm_init(). */
static unsigned int kvm_vcpu_size;
/** The vendor module, pinned by every VM (try_module_get()). */
static struct module *kvm_vendor_module;
/** Our CPU-hotplug state, from cpuhp_setup_state(). */
static int kvm_cpuhp_state;

/** /dev/minikvm's file operations (the owner is set in kvm_init()). */
static struct file_operations kvm_chardev_ops;
/** The misc device, named after devname.  Linux: kvm_dev. */
static struct miscdevice kvm_dev;

/* ---------------------------------------------------------------------- */
/* Loading a vCPU onto a physical CPU                                       */
/* ---------------------------------------------------------------------- */

/** The vCPU a preempt notifier is embedded in.
 *  Linux: preempt_notifier_to_vcpu(). */
static inline struct kvm_vcpu *preempt_notifier_to_vcpu(struct preempt_notifier *pn)
{
	return container_of(pn, struct kvm_vcpu, preempt_notifier);
}

/**
 * The scheduler tells us when the thread of a loaded vCPU is switched out
 * and back in, possibly on another CPU.  That is how the VMCS "follows"
 * the vCPU: put on sched-out (VMX keeps it cached), load on sched-in
 * (VMCLEAR on the old CPU, VMPTRLD on the new one).  Linux: kvm_sched_in().
 */
static void kvm_sched_in(struct preempt_notifier *pn, int cpu)
{
	struct kvm_vcpu *vcpu = preempt_notifier_to_vcpu(pn);

	kvm_arch_vcpu_load(vcpu, cpu);
}

/** The thread of a loaded vCPU is switched out: let the vendor put it.
 *  Linux: kvm_sched_out(). */
static void kvm_sched_out(struct preempt_notifier *pn, struct task_struct *next)
{
	kvm_arch_vcpu_put(preempt_notifier_to_vcpu(pn));
}

/** Our scheduler hooks.  Linux: kvm_preempt_ops. */
static struct preempt_ops kvm_preempt_ops = {
	.sched_in = kvm_sched_in,
	.sched_out = kvm_sched_out,
};

/**
 * vcpu_load - make this CPU the vCPU's home until vcpu_put().
 * Linux: vcpu_load().
 */
static void vcpu_load(struct kvm_vcpu *vcpu)
{
	int cpu = get_cpu();

	preempt_notifier_register(&vcpu->preempt_notifier);
	kvm_arch_vcpu_load(vcpu, cpu);
	put_cpu();
}

/** The vCPU leaves this CPU: the reverse of vcpu_load().  Linux: vcpu_put(). */
static void vcpu_put(struct kvm_vcpu *vcpu)
{
	preempt_disable();
	kvm_arch_vcpu_put(vcpu);
	preempt_notifier_unregister(&vcpu->preempt_notifier);
	preempt_enable();
}

/*
 * Code that uses VMX/SVM instructions on behalf of a vCPU (a vCPU ioctl
 * between vcpu_load() and vcpu_put(), KVM_RUN included, and the creation
 * of a vCPU) counts itself here, so that kvm_reboot() can wait for it to
 * finish before turning VMX/SVM off under it.  KVM needs no such count:
 * its VMX and SVM instructions carry exception-table entries, and a fault
 * while kvm_rebooting is set is ignored (kvm_spurious_fault()); ours
 * would oops instead.
 */

/** Threads between kvm_hardware_use_begin() and kvm_hardware_use_end(). */
static atomic_t kvm_hardware_users = ATOMIC_INIT(0);
/** kvm_reboot() waits here for kvm_hardware_users to reach 0. */
static DECLARE_WAIT_QUEUE_HEAD(kvm_hardware_users_wq);

/**
 * kvm_hardware_use_begin - about to use VMX/SVM for a vCPU: count us, or
 * say no (false) once the machine is going down.  The pairing with
 * kvm_reboot() is the usual one: we count ourselves, then (after a full
 * barrier) read kvm_rebooting; it sets kvm_rebooting, then (after a full
 * barrier) reads the count.  Either we see the reboot and back out, or it
 * sees us and waits.
 */
static bool kvm_hardware_use_begin(void)
{
	atomic_inc(&kvm_hardware_users);
	smp_mb__after_atomic();
	if (likely(!READ_ONCE(kvm_rebooting)))
		return true;
	if (atomic_dec_and_test(&kvm_hardware_users))
		wake_up(&kvm_hardware_users_wq);
	return false;
}

/** Done with VMX/SVM for now; the last one out wakes kvm_reboot(). */
static void kvm_hardware_use_end(void)
{
	if (atomic_dec_and_test(&kvm_hardware_users) && READ_ONCE(kvm_rebooting))
		wake_up(&kvm_hardware_users_wq);
}

/* ---------------------------------------------------------------------- */
/* Requests: work for a vCPU, done before its next VM entry                 */
/* ---------------------------------------------------------------------- */

/** The IPI of kvm_make_all_cpus_request(): the interrupt itself forced
 *  the VM exit.  Linux: ack_kick(). */
static void ack_kick(void *info)
{
	/* Nothing: the IPI itself forced the VM exit. */
}

/**
 * kvm_make_all_cpus_request - post @req to every vCPU and wait until none
 * of them can still be running in the guest without having seen it.
 *
 * The pairing is with vcpu_enter_guest(): it sets vcpu->mode to
 * IN_GUEST_MODE, then (after a full barrier) checks the requests.  We set
 * the request, then (after a full barrier) read the mode.  Either the vCPU
 * sees our request before entering, or we see it in guest mode and send
 * an IPI, which forces a VM exit; waiting for the IPI means waiting for
 * that exit.  Linux: kvm_make_all_cpus_request() + kvm_vcpu_kick().
 */
void kvm_make_all_cpus_request(struct kvm *kvm, unsigned int req)
{
	int i, me = get_cpu();
	int n = READ_ONCE(kvm->created_vcpus);

	smp_rmb();	/* the count before the pointers: kvm_vm_ioctl_create_vcpu() */
	for (i = 0; i < n; i++) {
		struct kvm_vcpu *vcpu = kvm->vcpus[i];

		set_bit(req, &vcpu->requests);
		smp_mb__after_atomic();
		if (READ_ONCE(vcpu->mode) == IN_GUEST_MODE && vcpu->cpu != me &&
		    vcpu->cpu >= 0)
			smp_call_function_single(vcpu->cpu, ack_kick, NULL, 1);
	}
	put_cpu();
}
EXPORT_SYMBOL_GPL(kvm_make_all_cpus_request);

/** Test and clear a request.  A plain read first: the locked
 *  test-and-clear is paid only when the request is there, which on most
 *  entries it is not.  Linux: kvm_check_request(). */
bool kvm_check_request(unsigned int req, struct kvm_vcpu *vcpu)
{
	if (!test_bit(req, &vcpu->requests))
		return false;
	clear_bit(req, &vcpu->requests);
	/* The request before the work it asks for (pairs with the
	 * smp_wmb() of whoever posted it). */
	smp_mb__after_atomic();
	return true;
}
EXPORT_SYMBOL_GPL(kvm_check_request);

/** Post @req to @vcpu; the caller kicks it if it must act soon.
 *  The barrier orders whatever the request is about (an IRR bit, a queued
 *  NMI) before the bit.  Linux: kvm_make_request(). */
void kvm_make_request(unsigned int req, struct kvm_vcpu *vcpu)
{
	smp_wmb();
	set_bit(req, &vcpu->requests);
}
EXPORT_SYMBOL_GPL(kvm_make_request);

/** Wake @vcpu if it sleeps in kvm_vcpu_block(); true if it did.
 *  Linux: kvm_vcpu_wake_up(). */
bool kvm_vcpu_wake_up(struct kvm_vcpu *vcpu)
{
	if (!rcuwait_wake_up(&vcpu->wait))
		return false;
	vcpu->stat_halt_wakeup++;
	return true;
}
EXPORT_SYMBOL_GPL(kvm_vcpu_wake_up);

/**
 * kvm_vcpu_kick - make @vcpu look at its requests soon: wake it if it
 * sleeps in HLT, or, if it is running guest code on another CPU, send
 * that CPU an IPI.  Any interrupt forces a VM exit (we run guests with
 * external-interrupt exiting), after which vcpu_enter_guest() sees the
 * request before it enters again.  The reschedule IPI is the cheapest
 * interrupt there is; its handler has nothing to do.  A vCPU that is
 * neither asleep nor in the guest checks its requests before entering
 * (the mode/requests pairing of kvm_make_all_cpus_request()).
 * Linux: kvm_vcpu_kick().
 */
void kvm_vcpu_kick(struct kvm_vcpu *vcpu)
{
	int me, cpu;

	if (kvm_vcpu_wake_up(vcpu))
		return;
	me = get_cpu();
	smp_mb();	/* the request (set by the caller) before the mode */
	/* The mode first, then where: a vCPU in guest mode stays on its CPU
	 * (it runs with interrupts off from the mode switch to the entry). */
	if (READ_ONCE(vcpu->mode) == IN_GUEST_MODE) {
		cpu = READ_ONCE(vcpu->cpu);
		if (cpu != me && cpu >= 0)
			smp_send_reschedule(cpu);
	}
	put_cpu();
}
EXPORT_SYMBOL_GPL(kvm_vcpu_kick);

/**
 * kvm_vcpu_block - the vCPU halted: sleep until it can run
 * (kvm_arch_vcpu_runnable()) or a signal is pending.  A request alone
 * does not end the sleep: KVM_REQ_EVENT for an interrupt the guest
 * cannot take yet (RFLAGS.IF = 0) must not wake it, or it would spin.
 * (KVM_REQ_NMI is the one exception, as in KVM: the entry it leads to
 * clears it; see kvm_vcpu_has_events().)  While
 * the thread sleeps, the scheduler's preempt notifier puts the vCPU away
 * (kvm_sched_out()), and brings it back when it wakes up.  There is no
 * halt polling: a wake-up costs a real context switch, and a halted
 * vCPU costs no CPU time at all.
 * Linux: kvm_vcpu_block() (kvm_vcpu_halt() adds the polling).
 */
void kvm_vcpu_block(struct kvm_vcpu *vcpu)
{
	struct rcuwait *wait = &vcpu->wait;

	prepare_to_rcuwait(wait);
	for (;;) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (kvm_arch_vcpu_runnable(vcpu) || signal_pending(current))
			break;
		schedule();
	}
	finish_rcuwait(wait);
}
EXPORT_SYMBOL_GPL(kvm_vcpu_block);

/**
 * kvm_vcpu_on_spin - @me spins in the guest, waiting for another vCPU
 * (a PAUSE-loop exit): give the CPU away for a moment.  KVM picks a vCPU
 * of the same VM whose thread was preempted while it ran, the likely lock
 * holder, and yields to that thread (yield_to()); minikvm lets the
 * scheduler pick, which is enough to run a vCPU that waits for this CPU.
 * Linux: kvm_vcpu_on_spin().
 */
void kvm_vcpu_on_spin(struct kvm_vcpu *me)
{
	yield();
}
EXPORT_SYMBOL_GPL(kvm_vcpu_on_spin);

/** The vCPU with id @id (KVM_CREATE_VCPU's argument), or NULL.
 *  Linux: kvm_get_vcpu_by_id(). */
struct kvm_vcpu *kvm_get_vcpu_by_id(struct kvm *kvm, int id)
{
	int i, n = READ_ONCE(kvm->created_vcpus);

	smp_rmb();	/* the count before the pointers */
	for (i = 0; i < n; i++)
		if (kvm->vcpus[i]->vcpu_id == id)
			return kvm->vcpus[i];
	return NULL;
}
EXPORT_SYMBOL_GPL(kvm_get_vcpu_by_id);

/* ---------------------------------------------------------------------- */
/* The in-kernel I/O bus (include/minikvm/iodev.h)                          */
/* ---------------------------------------------------------------------- */

/** One device's range on a bus.  Linux: struct kvm_io_range. */
struct kvm_io_range {
	gpa_t addr;			/**< first port or address */
	int len;			/**< how many */
	struct kvm_io_device *dev;	/**< who answers */
};

/**
 * A bus: an array of ranges, never changed in place.  Registering a
 * device builds a new array and publishes it (RCU), so the vCPUs that
 * look devices up on every exit take no lock at all.
 * Linux: struct kvm_io_bus (read under kvm->srcu there).
 */
struct kvm_io_bus {
	struct rcu_head rcu;		/**< the old array is freed after a grace period */
	int dev_count;			/**< entries in range[] */
	struct kvm_io_range range[];	/**< in registration order */
};

/**
 * kvm_io_bus_register_dev - @dev answers [@addr, @addr + @len) on @bus_idx
 * from now on.  The caller holds kvm->slots_lock, as every change of the
 * VM's address map.  Linux: kvm_io_bus_register_dev().
 */
int kvm_io_bus_register_dev(struct kvm *kvm, enum kvm_bus bus_idx, gpa_t addr,
			    int len, struct kvm_io_device *dev)
{
	struct kvm_io_bus *old, *bus;
	int n;

	lockdep_assert_held(&kvm->slots_lock);
	old = rcu_dereference_protected(kvm->buses[bus_idx], lockdep_is_held(&kvm->slots_lock));
	n = old ? old->dev_count : 0;
	if (n >= NR_IOBUS_DEVS)
		return -ENOSPC;
	bus = kzalloc(struct_size(bus, range, n + 1), GFP_KERNEL_ACCOUNT);
	if (!bus)
		return -ENOMEM;
	if (old)
		memcpy(bus->range, old->range, n * sizeof(bus->range[0]));
	bus->range[n] = (struct kvm_io_range) { .addr = addr, .len = len, .dev = dev };
	bus->dev_count = n + 1;
	rcu_assign_pointer(kvm->buses[bus_idx], bus);
	if (old)
		kfree_rcu(old, rcu);
	return 0;
}
EXPORT_SYMBOL_GPL(kvm_io_bus_register_dev);

/**
 * kvm_io_bus_unregister_dev - take every range of @dev off @bus_idx.
 * When this returns no vCPU can still be inside one of @dev's ops, so the
 * caller may free it.  kvm->slots_lock is held.
 * Linux: kvm_io_bus_unregister_dev().
 */
void kvm_io_bus_unregister_dev(struct kvm *kvm, enum kvm_bus bus_idx,
			       struct kvm_io_device *dev)
{
	struct kvm_io_bus *old, *bus;
	int i, j = 0;

	lockdep_assert_held(&kvm->slots_lock);
	old = rcu_dereference_protected(kvm->buses[bus_idx], lockdep_is_held(&kvm->slots_lock));
	if (!old)
		return;
	/* At worst the same size; if this fails we still must not keep a
	 * pointer to @dev: publish an empty bus rather than fail. */
	bus = kzalloc(struct_size(bus, range, old->dev_count), GFP_KERNEL_ACCOUNT | __GFP_NOFAIL);
	for (i = 0; i < old->dev_count; i++)
		if (old->range[i].dev != dev)
			bus->range[j++] = old->range[i];
	bus->dev_count = j;
	rcu_assign_pointer(kvm->buses[bus_idx], bus);
	synchronize_rcu();	/* no reader still sees @dev */
	kfree(old);
}
EXPORT_SYMBOL_GPL(kvm_io_bus_unregister_dev);

/** Free the buses of a VM being destroyed (its devices are gone). */
static void kvm_io_bus_destroy(struct kvm *kvm)
{
	int i;

	for (i = 0; i < KVM_NR_BUSES; i++)
		kfree(rcu_dereference_protected(kvm->buses[i], 1));
}

/** Does @range take an access of @len bytes at @addr?  When the access
 *  lies inside it; a range of length 0 takes any access that starts at
 *  its address.  Linux: kvm_io_bus_cmp(). */
static bool kvm_io_range_holds(const struct kvm_io_range *range, gpa_t addr, int len)
{
	if (!range->len)
		return addr == range->addr;
	return addr >= range->addr && addr + len <= range->addr + range->len;
}

/**
 * kvm_io_bus_access - offer an access to the devices whose range holds
 * all of it, in registration order, until one takes it.  0 when one did,
 * -EOPNOTSUPP when none (then the access goes to userspace).
 * Linux: __kvm_io_bus_read() / __kvm_io_bus_write().
 */
static int kvm_io_bus_access(struct kvm_vcpu *vcpu, enum kvm_bus bus_idx, gpa_t addr,
			     int len, void *val, bool write)
{
	struct kvm_io_bus *bus;
	int i, r = -EOPNOTSUPP;

	rcu_read_lock();
	bus = rcu_dereference(vcpu->kvm->buses[bus_idx]);
	for (i = 0; bus && i < bus->dev_count; i++) {
		struct kvm_io_range *range = &bus->range[i];
		struct kvm_io_device *dev = range->dev;

		if (!kvm_io_range_holds(range, addr, len))
			continue;
		if (write)
			r = dev->ops->write(vcpu, dev, addr, len, val);
		else if (dev->ops->read)
			r = dev->ops->read(vcpu, dev, addr, len, val);
		else
			continue;	/* write-only: not its (Linux: kvm_iodevice_read()) */
		if (!r)
			break;
	}
	rcu_read_unlock();
	return r ? -EOPNOTSUPP : 0;
}

/** A guest read of @len bytes at port or address @addr: 0 and @val
 *  filled if a kernel device answered.  Linux: kvm_io_bus_read(). */
int kvm_io_bus_read(struct kvm_vcpu *vcpu, enum kvm_bus bus_idx, gpa_t addr,
		    int len, void *val)
{
	return kvm_io_bus_access(vcpu, bus_idx, addr, len, val, false);
}
EXPORT_SYMBOL_GPL(kvm_io_bus_read);

/** A guest write of @len bytes from @val: 0 if a kernel device took it.
 *  Linux: kvm_io_bus_write(). */
int kvm_io_bus_write(struct kvm_vcpu *vcpu, enum kvm_bus bus_idx, gpa_t addr,
		     int len, const void *val)
{
	return kvm_io_bus_access(vcpu, bus_idx, addr, len, (void *)val, true);
}
EXPORT_SYMBOL_GPL(kvm_io_bus_write);

/* ---------------------------------------------------------------------- */
/* Memslots                                                                 */
/* ---------------------------------------------------------------------- */

/**
 * kvm_memslot_array - the VM's slots, by id: those of the memslots
 * current when called.  A reader (inside kvm->srcu) calls it once and
 * keeps the pointer, so that it sees one generation throughout, never
 * half of a change.  Linux: kvm_memslots().
 */
static struct kvm_memory_slot **kvm_memslot_array(struct kvm *kvm)
{
	return kvm_memslots(kvm)->slots;
}

/** The slot containing @gfn, or NULL.  The caller is inside kvm->srcu or
 *  holds slots_lock; the slot stays valid until it leaves.
 *  Linux: gfn_to_memslot(). */
struct kvm_memory_slot *gfn_to_memslot(struct kvm *kvm, gfn_t gfn)
{
	struct kvm_memory_slot **slots = kvm_memslot_array(kvm);
	int i;

	for (i = 0; i < KVM_USER_MEM_SLOTS; i++) {
		struct kvm_memory_slot *s = slots[i];

		if (s && memslot_contains(s->base_gfn, s->npages, gfn))
			return s;
	}
	return NULL;
}
EXPORT_SYMBOL_GPL(gfn_to_memslot);

/**
 * kvm_read_guest - copy guest-physical memory, through the VMM's mapping
 * of the memslot (we run in the VMM's process).  The copy may fault in
 * the VMM's page and sleep, so the slot is kept alive by SRCU, not RCU.
 * SRCU read sections nest, so a caller already inside one (the fault
 * path) may call this too.  Linux: kvm_read_guest(), whose callers hold
 * kvm->srcu already (the vCPU holds it for the whole of KVM_RUN).
 */
int kvm_read_guest(struct kvm *kvm, gpa_t gpa, void *data, unsigned long len)
{
	int r = 0;
	int srcu_idx = srcu_read_lock(&kvm->srcu);

	while (len) {
		struct kvm_memory_slot *slot = gfn_to_memslot(kvm, gpa >> PAGE_SHIFT);
		unsigned long off = offset_in_page(gpa);
		unsigned long n = min(len, PAGE_SIZE - off);
		unsigned long hva;

		r = -EFAULT;
		if (!slot)
			break;
		hva = slot->userspace_addr + ((gpa >> PAGE_SHIFT) - slot->base_gfn) * PAGE_SIZE + off;
		if (copy_from_user(data, (void __user *)hva, n))
			break;
		r = 0;
		gpa += n;
		data += n;
		len -= n;
	}
	srcu_read_unlock(&kvm->srcu, srcu_idx);
	return r;
}
EXPORT_SYMBOL_GPL(kvm_read_guest);

/**
 * The slot field of KVM_SET_USER_MEMORY_REGION and KVM_GET_DIRTY_LOG is
 * two numbers: bits 15:0 the slot, bits 31:16 the address space.  x86 KVM
 * has a second address space for System Management Mode
 * (KVM_CAP_MULTI_ADDRESS_SPACE); minikvm has no SMM, so only address
 * space 0 exists.  Linux: KVM_ADDRESS_SPACE_NUM.
 */
#define KVM_ADDRESS_SPACE_NUM	1

/** Unmap, unpin and free a slot.  Linux: kvm_free_memslot(). */
static void kvm_free_memslot(struct kvm *kvm, struct kvm_memory_slot *slot)
{
	kvm_arch_flush_memslot(kvm, slot);
	kvm_arch_free_memslot(kvm, slot);
	kvfree(slot->dirty_bitmap);
	kfree(slot);
}

/** Does [@base, @base + @npages) overlap a slot other than @id?
 *  Linux: kvm_check_memslot_overlap(). */
static bool kvm_slot_overlaps(struct kvm *kvm, int id, gfn_t base, unsigned long npages)
{
	struct kvm_memory_slot **slots = kvm_memslot_array(kvm);
	int i;

	for (i = 0; i < KVM_USER_MEM_SLOTS; i++) {
		struct kvm_memory_slot *s = slots[i];

		if (s && i != id &&
		    memslot_ranges_overlap(base, npages, s->base_gfn, s->npages))
			return true;
	}
	return false;
}

/** Flags a slot may have: KVM_CAP_READONLY_MEM and dirty logging. */
#define KVM_VALID_MEM_FLAGS	(KVM_MEM_LOG_DIRTY_PAGES | KVM_MEM_READONLY)

/** Bytes of a slot's dirty bitmap: whole longs, as KVM_GET_DIRTY_LOG
 *  copies.  The only allocation in proportion to a slot's size, made only
 *  for dirty logging: 32 MiB for 1 TiB, at most 256 MiB for the largest
 *  slot (KVM_MEM_MAX_NR_PAGES), so kvzalloc() never meets its INT_MAX
 *  limit.  Linux: kvm_dirty_bitmap_bytes(). */
static unsigned long kvm_dirty_bitmap_bytes(const struct kvm_memory_slot *slot)
{
	return ALIGN(slot->npages, BITS_PER_LONG) / 8;
}

/**
 * kvm_alloc_memslot - a new slot @id for @mem at @base_gfn, @npages
 * long, with its dirty bitmap if @mem asks for one; nothing pinned yet.
 * NULL when out of memory.
 */
static struct kvm_memory_slot *kvm_alloc_memslot(const struct kvm_userspace_memory_region *mem,
						 int id, gfn_t base_gfn, unsigned long npages)
{
	struct kvm_memory_slot *slot = kzalloc(sizeof(*slot), GFP_KERNEL_ACCOUNT);

	if (!slot)
		return NULL;
	*slot = (struct kvm_memory_slot) {
		.base_gfn = base_gfn,
		.npages = npages,
		.userspace_addr = mem->userspace_addr,
		.flags = mem->flags,
		.id = id,
	};
	xa_init(&slot->pages);
	if (mem->flags & KVM_MEM_LOG_DIRTY_PAGES) {
		slot->dirty_bitmap = kvzalloc(kvm_dirty_bitmap_bytes(slot), GFP_KERNEL_ACCOUNT);
		if (!slot->dirty_bitmap) {
			kfree(slot);
			return NULL;
		}
	}
	return slot;
}

/**
 * kvm_replace_memslot - put @new in slot @id in place of @old (either
 * may be NULL: a slot created, or deleted).  Called with slots_lock held,
 * which keeps writers in line; readers take no lock, so the change is
 * made on a copy of the memslots, published whole:
 *
 *  1. copy the current memslots, put @new in, bump the generation;
 *  2. publish the copy (rcu_assign_pointer(): a reader that finds it
 *     sees it complete);
 *  3. wait until every reader that may still use the old copy has left
 *     its SRCU read section (synchronize_srcu_expedited(): a memslot
 *     change stalls the VMM, so it pays for a faster grace period);
 *  4. only now unmap @old's pages under mmu_lock, flush every vCPU's
 *     TLB, and unpin them: no fault can map one of them again.
 *
 * -ENOMEM (nothing changed) if the copy cannot be allocated.
 * Linux: kvm_replace_memslot(), kvm_swap_active_memslots(),
 * kvm_commit_memory_region() (kvm_arch_flush_shadow_memslot() for a
 * deleted or moved slot).
 */
static int kvm_replace_memslot(struct kvm *kvm, int id, struct kvm_memory_slot *old,
			       struct kvm_memory_slot *new)
{
	struct kvm_memslots *slots, *old_slots = kvm_memslots(kvm);

	lockdep_assert_held(&kvm->slots_lock);
	slots = kmemdup(old_slots, sizeof(*slots), GFP_KERNEL_ACCOUNT);
	if (!slots)
		return -ENOMEM;
	slots->slots[id] = new;
	slots->generation++;
	rcu_assign_pointer(kvm->memslots, slots);
	synchronize_srcu_expedited(&kvm->srcu);
	kfree(old_slots);
	if (old)
		kvm_free_memslot(kvm, old);
	return 0;
}

/**
 * kvm_change_memslot - KVM_SET_USER_MEMORY_REGION on an existing slot:
 * move it to another guest-physical address, or change its dirty-logging
 * flag.  The memory behind it must stay the same, and so must the
 * read-only flag.
 *
 * A published slot is never changed in place (a fault on another vCPU
 * may be reading it), so the change is a new slot put in the old one's
 * place: the old slot's pages are unmapped and unpinned once no fault can
 * use them any more (kvm_replace_memslot()), and the guest's next touches
 * pin them again for the new slot.  Turning dirty logging on so starts
 * from a clean log with nothing mapped writable.  Linux:
 * __kvm_set_memory_region(), KVM_MR_MOVE (which also zaps and faults
 * back) and KVM_MR_FLAGS_ONLY (which keeps the mappings and
 * write-protects them instead).
 */
static int kvm_change_memslot(struct kvm *kvm, struct kvm_memory_slot *old,
			      const struct kvm_userspace_memory_region *mem,
			      gfn_t base_gfn, unsigned long npages)
{
	struct kvm_memory_slot *new;
	int r;

	if (mem->userspace_addr != old->userspace_addr || npages != old->npages ||
	    ((mem->flags ^ old->flags) & KVM_MEM_READONLY))
		return -EINVAL;
	if (base_gfn == old->base_gfn && mem->flags == old->flags)
		return 0;
	if (base_gfn != old->base_gfn) {
		if (kvm_slot_overlaps(kvm, old->id, base_gfn, npages))
			return -EEXIST;
		r = kvm_arch_prepare_memory_region(kvm, base_gfn, npages);
		if (r)
			return r;
	}
	new = kvm_alloc_memslot(mem, old->id, base_gfn, npages);
	if (!new)
		return -ENOMEM;
	r = kvm_replace_memslot(kvm, old->id, old, new);
	if (r)
		kvm_free_memslot(kvm, new);
	return r;
}

/**
 * kvm_set_memory_region - KVM_SET_USER_MEMORY_REGION.
 *
 * The checks, their order and the error each gives are KVM's: unknown
 * flags, misaligned sizes and addresses, a userspace range outside the
 * user half, an address space or slot number out of range, a guest range
 * that wraps, and more than KVM_MEM_MAX_NR_PAGES pages: -EINVAL; then
 * size 0 deletes; a new or moved slot must not overlap another (-EEXIST)
 * nor end beyond MAXPHYADDR (-EINVAL, kvm_arch_prepare_memory_region()).
 * Nothing is allocated in proportion to the slot's size (except a dirty
 * bitmap, when asked for), so a slot of 1 TiB costs a few bytes until
 * the guest touches it.  Linux: __kvm_set_memory_region().
 */
static int kvm_set_memory_region(struct kvm *kvm,
				 const struct kvm_userspace_memory_region *mem)
{
	struct kvm_memory_slot *old, *slot;
	unsigned long npages = mem->memory_size >> PAGE_SHIFT;
	gfn_t base_gfn = mem->guest_phys_addr >> PAGE_SHIFT;
	int as_id = mem->slot >> 16, id = (u16)mem->slot, r;

	if (mem->flags & ~KVM_VALID_MEM_FLAGS)
		return -EINVAL;
	if ((mem->memory_size & (PAGE_SIZE - 1)) ||
	    (mem->guest_phys_addr & (PAGE_SIZE - 1)) ||
	    (mem->userspace_addr & (PAGE_SIZE - 1)) ||
	    !access_ok((void __user *)(unsigned long)mem->userspace_addr, mem->memory_size))
		return -EINVAL;
	if (as_id >= KVM_ADDRESS_SPACE_NUM || id >= KVM_USER_MEM_SLOTS)
		return -EINVAL;
	if (mem->guest_phys_addr + mem->memory_size < mem->guest_phys_addr)
		return -EINVAL;
	if (npages > KVM_MEM_MAX_NR_PAGES)
		return -EINVAL;

	old = kvm_memslot_array(kvm)[id];
	if (!mem->memory_size) {		/* delete */
		if (!old)
			return -EINVAL;
		return kvm_replace_memslot(kvm, id, old, NULL);
	}
	if (old)
		return kvm_change_memslot(kvm, old, mem, base_gfn, npages);
	if (kvm_slot_overlaps(kvm, id, base_gfn, npages))
		return -EEXIST;
	r = kvm_arch_prepare_memory_region(kvm, base_gfn, npages);
	if (r)
		return r;

	slot = kvm_alloc_memslot(mem, id, base_gfn, npages);
	if (!slot)
		return -ENOMEM;
	r = kvm_arch_commit_memory_region(kvm, slot);
	if (!r)
		r = kvm_replace_memslot(kvm, id, NULL, slot);
	if (r)
		kvm_free_memslot(kvm, slot);
	return r;
}

/**
 * kvm_vm_ioctl_get_dirty_log - KVM_GET_DIRTY_LOG: the pages of a slot the
 * guest wrote since the last call, one bit per page, and a fresh start:
 * the log is cleared and the pages are write-protected again.
 * Linux: kvm_vm_ioctl_get_dirty_log() -> kvm_get_dirty_log_protect().
 */
static int kvm_vm_ioctl_get_dirty_log(struct kvm *kvm, struct kvm_dirty_log *log)
{
	int as_id = log->slot >> 16, id = (u16)log->slot;
	struct kvm_memory_slot *slot;
	unsigned long *snapshot, n;
	unsigned long i;
	int r;

	if (as_id >= KVM_ADDRESS_SPACE_NUM || id >= KVM_USER_MEM_SLOTS)
		return -EINVAL;
	mutex_lock(&kvm->slots_lock);
	slot = kvm_memslot_array(kvm)[id];
	r = -ENOENT;
	if (!slot || !slot->dirty_bitmap)
		goto out;
	n = kvm_dirty_bitmap_bytes(slot);
	r = -ENOMEM;
	/* KVM keeps a second bitmap per slot for this copy; we allocate it
	 * per call instead, so a slot that logs costs one bitmap, not two. */
	snapshot = kvmalloc(n, GFP_KERNEL_ACCOUNT);
	if (!snapshot)
		goto out;
	/* EXERCISE 02.3 BEGIN: take the log, clear it, write-protect the pages again */
	/* Faults on running vCPUs set bits meanwhile (under mmu_lock, not
	 * slots_lock): take each word and clear it in one atomic step, so
	 * that no bit set in between is lost.  A page dirtied after its word
	 * was taken stays writable, with its bit set for the next call.
	 * Linux: kvm_get_dirty_log_protect(), the same xchg(). */
	for (i = 0; i < n / sizeof(long); i++)
		snapshot[i] = xchg(&slot->dirty_bitmap[i], 0);
	/* Before the VMM sees the log, the logged pages are read-only again:
	 * a write that lands after this call is in the next log. */
	kvm_mmu_write_protect_pages(kvm, slot, snapshot);
	/* EXERCISE 02.3 STUB: memset(snapshot, 0, n); */
	/* EXERCISE END */
	r = copy_to_user(log->dirty_bitmap, snapshot, n) ? -EFAULT : 0;
	kvfree(snapshot);
out:
	mutex_unlock(&kvm->slots_lock);
	return r;
}

/* ---------------------------------------------------------------------- */
/* The VM's life                                                            */
/* ---------------------------------------------------------------------- */

/**
 * kvm_create_vm_debugfs - /sys/kernel/debug/minikvm/<pid>-<fd>/, named
 * like KVM's kvm/<pid>-<fd>/, with the x86 files in it (the exit
 * counters).  debugfs is best effort: a failure leaves the VM without
 * the directory.  Linux: kvm_create_vm_debugfs().
 */
static void kvm_create_vm_debugfs(struct kvm *kvm, int fd)
{
	char name[32];

	snprintf(name, sizeof(name), "%d-%d", task_pid_nr(current), fd);
	kvm->debugfs_dentry = debugfs_create_dir(name, kvm_debugfs_dir);
	if (!IS_ERR(kvm->debugfs_dentry))
		kvm_arch_create_vm_debugfs(kvm);
}

/** Free a vCPU: the vendor's state, kvm_run, the struct.
 *  Linux: kvm_vcpu_destroy(). */
static void kvm_vcpu_destroy(struct kvm_vcpu *vcpu)
{
	kvm_arch_vcpu_destroy(vcpu);
	free_page((unsigned long)vcpu->run);
	kfree(vcpu);
	atomic_long_dec(&kvm_stat_vcpus);
}

/**
 * kvm_destroy_vm - free everything a VM owns, in reverse order of creation.
 * Runs when the last fd of the VM is released.  Linux: kvm_destroy_vm().
 */
static void kvm_destroy_vm(struct kvm *kvm)
{
	struct kvm_memory_slot **slots = kvm_memslot_array(kvm);
	struct mm_struct *mm = kvm->mm;
	int i;

	/* First: waits for a reader of its files to finish. */
	debugfs_remove_recursive(kvm->debugfs_dentry);
	kvm_arch_sync_events(kvm);	/* no timer kicks a vCPU from here on */
	for (i = 0; i < kvm->created_vcpus; i++)
		kvm_vcpu_destroy(kvm->vcpus[i]);
	kvm->created_vcpus = 0;		/* no vCPU left to flush for */
	for (i = 0; i < KVM_USER_MEM_SLOTS; i++)
		if (slots[i])
			kvm_free_memslot(kvm, slots[i]);
	/* No reader is left: no vCPU, no fd. */
	kfree(rcu_dereference_protected(kvm->memslots, 1));
	cleanup_srcu_struct(&kvm->srcu);
	kvm_arch_destroy_vm(kvm);
	kvm_io_bus_destroy(kvm);
	kfree(kvm);
	mmdrop(mm);
	atomic_long_dec(&kvm_stat_vms);
	module_put(kvm_vendor_module);
}

/** Take a reference on the VM.  Linux: kvm_get_kvm(). */
static void kvm_get_kvm(struct kvm *kvm)
{
	refcount_inc(&kvm->users_count);
}

/** Drop a reference; the last one destroys the VM.  Linux: kvm_put_kvm(). */
static void kvm_put_kvm(struct kvm *kvm)
{
	if (refcount_dec_and_test(&kvm->users_count))
		kvm_destroy_vm(kvm);
}

/* ---------------------------------------------------------------------- */
/* vCPU fd                                                                  */
/* ---------------------------------------------------------------------- */

/** The vCPU fd is closed: drop its reference on the VM (the vCPU lives
 *  as long as the VM).  Linux: kvm_vcpu_release(). */
static int kvm_vcpu_release(struct inode *inode, struct file *filp)
{
	struct kvm_vcpu *vcpu = filp->private_data;

	kvm_put_kvm(vcpu->kvm);
	return 0;
}

/**
 * kvm_vcpu_fault - the VMM touches its mapping of the vCPU fd.
 * Page 0 is struct kvm_run, page 1 the PIO data page
 * (KVM_PIO_PAGE_OFFSET); anything beyond is SIGBUS.  Linux: kvm_vcpu_fault().
 */
static vm_fault_t kvm_vcpu_fault(struct vm_fault *vmf)
{
	struct kvm_vcpu *vcpu = vmf->vma->vm_file->private_data;
	struct page *page;

	if (vmf->pgoff == 0)
		page = virt_to_page(vcpu->run);
	else if (vmf->pgoff == KVM_PIO_PAGE_OFFSET)
		page = virt_to_page(vcpu->arch.pio_data);
	else
		return VM_FAULT_SIGBUS;
	get_page(page);
	vmf->page = page;
	return 0;
}

/** The VMM's mapping of a vCPU fd.  Linux: kvm_vcpu_vm_ops. */
static const struct vm_operations_struct kvm_vcpu_vm_ops = {
	.fault = kvm_vcpu_fault,
};

/** mmap of a vCPU fd: pages arrive on fault (kvm_vcpu_fault()).
 *  Linux: kvm_vcpu_mmap(). */
static int kvm_vcpu_mmap(struct file *file, struct vm_area_struct *vma)
{
	vma->vm_ops = &kvm_vcpu_vm_ops;
	return 0;
}

/**
 * kvm_vcpu_ioctl - ioctls on a vCPU fd.  Only the thread-safe part is
 * here; the x86 ioctls (registers, CPUID, KVM_RUN) are in x86.c.
 * Linux: kvm_vcpu_ioctl().
 */
static long kvm_vcpu_ioctl(struct file *filp, unsigned int ioctl, unsigned long arg)
{
	struct kvm_vcpu *vcpu = filp->private_data;
	long r;

	/* A vCPU belongs to the process that created its VM (KVM: -EIO). */
	if (vcpu->kvm->mm != current->mm)
		return -EIO;
	if (ioctl == KVM_RUN && arg)
		return -EINVAL;
	if (mutex_lock_killable(&vcpu->mutex))
		return -EINTR;
	/* Going down: VMX/SVM is off, or about to be (kvm_reboot()). */
	r = -EIO;
	if (!kvm_hardware_use_begin())
		goto out_unlock;
	vcpu_load(vcpu);
	if (ioctl == KVM_RUN)
		r = kvm_arch_vcpu_ioctl_run(vcpu);
	else
		r = kvm_arch_vcpu_ioctl(filp, ioctl, arg);
	vcpu_put(vcpu);
	kvm_hardware_use_end();
out_unlock:
	mutex_unlock(&vcpu->mutex);
	return r;
}

/** What a vCPU fd does; the owner is set in kvm_init().
 *  Linux: kvm_vcpu_fops. */
static struct file_operations kvm_vcpu_fops = {
	.release	= kvm_vcpu_release,
	.unlocked_ioctl	= kvm_vcpu_ioctl,
	.mmap		= kvm_vcpu_mmap,
	.llseek		= noop_llseek,
};

/**
 * kvm_vm_ioctl_create_vcpu - KVM_CREATE_VCPU: a vCPU and its fd.
 * noinline: the GDB walkthroughs start a run with a breakpoint here and
 * print its arguments, which an inlined copy would show as optimized out
 * (GCC 12 does inline it into kvm_vm_ioctl()).
 * Linux: kvm_vm_ioctl_create_vcpu().
 */
static noinline int kvm_vm_ioctl_create_vcpu(struct kvm *kvm, u32 id)
{
	struct kvm_vcpu *vcpu;
	char name[24];
	int i, r;

	if (id >= KVM_MAX_VCPU_IDS)
		return -EINVAL;

	mutex_lock(&kvm->lock);
	if (kvm->created_vcpus >= KVM_MAX_VCPUS) {
		r = -EINVAL;
		goto out_unlock;
	}
	for (i = 0; i < kvm->created_vcpus; i++) {
		if (kvm->vcpus[i]->vcpu_id == id) {
			r = -EEXIST;
			goto out_unlock;
		}
	}

	vcpu = kzalloc(kvm_vcpu_size, GFP_KERNEL_ACCOUNT);
	if (!vcpu) {
		r = -ENOMEM;
		goto out_unlock;
	}
	vcpu->kvm = kvm;
	vcpu->vcpu_id = id;
	vcpu->vcpu_idx = kvm->created_vcpus;
	vcpu->cpu = -1;
	mutex_init(&vcpu->mutex);
	preempt_notifier_init(&vcpu->preempt_notifier, &kvm_preempt_ops);
	rcuwait_init(&vcpu->wait);
	vcpu->run = (void *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	if (!vcpu->run) {
		r = -ENOMEM;
		goto out_free_vcpu;
	}
	/* The vendor loads the new VMCS to fill it in. */
	r = -EIO;
	if (!kvm_hardware_use_begin())
		goto out_free_run;
	r = kvm_arch_vcpu_create(vcpu);
	kvm_hardware_use_end();
	if (r)
		goto out_free_run;

	/*
	 * The fd first, then publish: kvm_make_all_cpus_request() walks
	 * kvm->vcpus without kvm->lock, so a vCPU may appear there only once
	 * it can no longer be taken back.  Its mutex is held until then, so
	 * no ioctl can run on the new fd before the vCPU is published.
	 * Linux: kvm_vm_ioctl_create_vcpu(), same order.
	 */
	mutex_lock(&vcpu->mutex);
	kvm_get_kvm(kvm);
	snprintf(name, sizeof(name), "kvm-vcpu:%u", id);
	r = anon_inode_getfd(name, &kvm_vcpu_fops, vcpu, O_RDWR | O_CLOEXEC);
	if (r < 0) {
		mutex_unlock(&vcpu->mutex);
		/* Cannot be the last reference: the caller's VM fd holds one. */
		refcount_dec(&kvm->users_count);
		kvm_arch_vcpu_destroy(vcpu);
		goto out_free_run;
	}
	kvm->vcpus[kvm->created_vcpus] = vcpu;
	smp_wmb();	/* the pointer before the count */
	WRITE_ONCE(kvm->created_vcpus, kvm->created_vcpus + 1);
	atomic_long_inc(&kvm_stat_vcpus);
	mutex_unlock(&vcpu->mutex);
	mutex_unlock(&kvm->lock);
	return r;

out_free_run:
	free_page((unsigned long)vcpu->run);
out_free_vcpu:
	kfree(vcpu);
out_unlock:
	mutex_unlock(&kvm->lock);
	return r;
}

/* ---------------------------------------------------------------------- */
/* VM fd                                                                    */
/* ---------------------------------------------------------------------- */

/** The VM fd is closed: drop its reference.  Linux: kvm_vm_release(). */
static int kvm_vm_release(struct inode *inode, struct file *filp)
{
	kvm_put_kvm(filp->private_data);
	return 0;
}

/**
 * kvm_vm_ioctl - ioctls on a VM fd.  Unknown ones go to x86.c, which
 * answers -ENOTTY like KVM.  Linux: kvm_vm_ioctl().
 */
static long kvm_vm_ioctl(struct file *filp, unsigned int ioctl, unsigned long arg)
{
	struct kvm *kvm = filp->private_data;
	void __user *argp = (void __user *)arg;
	long r;

	if (kvm->mm != current->mm)
		return -EIO;

	switch (ioctl) {
	case KVM_CREATE_VCPU:
		/* The id is 32 bits wide, as KVM takes it: the upper half of
		 * the argument is ignored (kvm-fuzz --diff found 1 << 32
		 * refused here where KVM makes vCPU 0, or finds it taken). */
		return kvm_vm_ioctl_create_vcpu(kvm, (u32)arg);
	case KVM_SET_USER_MEMORY_REGION: {
		struct kvm_userspace_memory_region mem;

		if (copy_from_user(&mem, argp, sizeof(mem)))
			return -EFAULT;
		/* Linux: kvm_vm_ioctl_set_memory_region(), before the rest. */
		if ((u16)mem.slot >= KVM_USER_MEM_SLOTS)
			return -EINVAL;
		mutex_lock(&kvm->slots_lock);
		r = kvm_set_memory_region(kvm, &mem);
		mutex_unlock(&kvm->slots_lock);
		return r;
	}
	case KVM_GET_DIRTY_LOG: {
		struct kvm_dirty_log log;

		if (copy_from_user(&log, argp, sizeof(log)))
			return -EFAULT;
		return kvm_vm_ioctl_get_dirty_log(kvm, &log);
	}
	case KVM_CHECK_EXTENSION:
		return kvm_vm_ioctl_check_extension(kvm, arg);
	default:
		return kvm_arch_vm_ioctl(filp, ioctl, arg);
	}
}

/** What a VM fd does; the owner is set in kvm_init().
 *  Linux: kvm_vm_fops. */
static struct file_operations kvm_vm_fops = {
	.release	= kvm_vm_release,
	.unlocked_ioctl	= kvm_vm_ioctl,
	.llseek		= noop_llseek,
};

/**
 * kvm_dev_ioctl_create_vm - KVM_CREATE_VM.  Linux: kvm_dev_ioctl_create_vm().
 */
static int kvm_dev_ioctl_create_vm(unsigned long type)
{
	struct file *file;
	struct kvm *kvm;
	int r, fd;

	if (type)	/* only the default VM type exists on x86 here */
		return -EINVAL;
	if (!try_module_get(kvm_vendor_module))
		return -ENODEV;

	kvm = kzalloc(sizeof(*kvm), GFP_KERNEL_ACCOUNT);
	if (!kvm) {
		r = -ENOMEM;
		goto out_put_module;
	}
	mutex_init(&kvm->lock);
	mutex_init(&kvm->slots_lock);
	mutex_init(&kvm->irq_lock);
	spin_lock_init(&kvm->mmu_lock);
	r = -ENOMEM;
	/* Generation 0, no slot: what readers find until the first change. */
	RCU_INIT_POINTER(kvm->memslots, kzalloc(sizeof(struct kvm_memslots),
						GFP_KERNEL_ACCOUNT));
	if (!rcu_access_pointer(kvm->memslots))
		goto out_free_kvm;
	r = init_srcu_struct(&kvm->srcu);
	if (r)
		goto out_free_memslots;
	refcount_set(&kvm->users_count, 1);
	kvm->mm = current->mm;
	mmgrab(kvm->mm);
	r = kvm_arch_init_vm(kvm, type);
	if (r)
		goto out_free;
	atomic_long_inc(&kvm_stat_vms);

	/* The debugfs directory is named after the fd, so the fd is
	 * reserved first and installed last: once installed, the VMM may
	 * close it at once.  Linux does the same. */
	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0) {
		kvm_put_kvm(kvm);	/* frees it, and drops the module */
		return fd;
	}
	file = anon_inode_getfile("kvm-vm", &kvm_vm_fops, kvm, O_RDWR);
	if (IS_ERR(file)) {
		put_unused_fd(fd);
		kvm_put_kvm(kvm);
		return PTR_ERR(file);
	}
	kvm_create_vm_debugfs(kvm, fd);
	fd_install(fd, file);
	return fd;

out_free:
	mmdrop(kvm->mm);
	cleanup_srcu_struct(&kvm->srcu);
out_free_memslots:
	kfree(rcu_access_pointer(kvm->memslots));
out_free_kvm:
	kfree(kvm);
out_put_module:
	module_put(kvm_vendor_module);
	return r;
}

/**
 * kvm_dev_ioctl - ioctls on /dev/minikvm itself ("system ioctls").
 * Linux: kvm_dev_ioctl().
 */
static long kvm_dev_ioctl(struct file *filp, unsigned int ioctl, unsigned long arg)
{
	switch (ioctl) {
	case KVM_GET_API_VERSION:
		if (arg)
			return -EINVAL;
		return KVM_API_VERSION;
	case KVM_CREATE_VM:
		return kvm_dev_ioctl_create_vm(arg);
	case KVM_CHECK_EXTENSION:
		return kvm_vm_ioctl_check_extension(NULL, arg);
	case KVM_GET_VCPU_MMAP_SIZE:
		if (arg)
			return -EINVAL;
		/* struct kvm_run, then the PIO data page. */
		return 2 * PAGE_SIZE;
	default:
		return kvm_arch_dev_ioctl(filp, ioctl, arg);
	}
}

static struct file_operations kvm_chardev_ops = {
	.unlocked_ioctl	= kvm_dev_ioctl,
	.llseek		= noop_llseek,
};

static struct miscdevice kvm_dev = {
	.minor	= MISC_DYNAMIC_MINOR,
	.fops	= &kvm_chardev_ops,
};

/* ---------------------------------------------------------------------- */
/* Bringing the hardware up and down                                        */
/* ---------------------------------------------------------------------- */

/*
 * VMX or SVM is on in every online CPU from the vendor module's load to
 * its unload (KVM turns it on only while a VM exists).  Four paths turn
 * it off and on: CPU hotplug, module unload, reboot (and kexec, which goes
 * through the same notifier), and suspend/resume.  Each CPU remembers
 * whether it is on, so that the paths can cross without turning it on
 * twice (VMXON would fail) or off twice.
 */

/** Is VMX/SVM on in this CPU?  Linux: hardware_enabled. */
static DEFINE_PER_CPU(bool, hardware_enabled);

/**
 * The machine is going down: VMX/SVM is off everywhere and must stay
 * off.  Vendor code that finds a VMX/SVM instruction failing may test it
 * to tell a reboot from a bug, as KVM's kvm_spurious_fault() does.
 * Linux: kvm_rebooting.
 */
bool kvm_rebooting;
EXPORT_SYMBOL_GPL(kvm_rebooting);

/** Serialises the CPU-hotplug callbacks with kvm_reboot(). */
static DEFINE_MUTEX(kvm_hardware_lock);

/** Turn VMX/SVM on in this CPU, unless it is on already.
 *  Linux: hardware_enable_nolock(). */
static int hardware_enable_nolock(void)
{
	int r;

	if (__this_cpu_read(hardware_enabled))
		return 0;
	r = kvm_arch_hardware_enable();
	if (!r)
		__this_cpu_write(hardware_enabled, true);
	return r;
}

/** Turn VMX/SVM off in this CPU, if it is on; the vendor VMCLEARs the
 *  VMCSs loaded here first.  Runs in an IPI from kvm_reboot().
 *  Linux: hardware_disable_nolock(). */
static void hardware_disable_nolock(void *unused)
{
	if (!__this_cpu_read(hardware_enabled))
		return;
	kvm_arch_hardware_disable();
	__this_cpu_write(hardware_enabled, false);
}

/** cpuhp callbacks run on the CPU concerned, for every online CPU at
 * registration and for every CPU that comes online later: enable VMX/SVM
 * there (not once the machine is going down).  Linux: kvm_online_cpu(). */
static int kvm_online_cpu(unsigned int cpu)
{
	int r = 0;

	mutex_lock(&kvm_hardware_lock);
	if (!kvm_rebooting)
		r = hardware_enable_nolock();
	mutex_unlock(&kvm_hardware_lock);
	return r;
}

/** A CPU goes offline (or we unload): disable VMX/SVM there.
 *  Linux: kvm_offline_cpu(). */
static int kvm_offline_cpu(unsigned int cpu)
{
	mutex_lock(&kvm_hardware_lock);
	hardware_disable_nolock(NULL);
	mutex_unlock(&kvm_hardware_lock);
	return 0;
}

/**
 * kvm_reboot - the machine reboots, powers off, halts or kexecs into a
 * new kernel (kernel_kexec() runs the reboot notifiers too): leave VMX/SVM
 * on every CPU first.  A CPU left in VMX operation blocks INIT, so the
 * next kernel could not start the other CPUs; VMCSs still active in a CPU
 * could be written back over memory the next kernel owns; Intel TXT and
 * some firmware hang on reboot in VMX operation.  The vendor's disable
 * VMCLEARs every VMCS loaded on the CPU, then VMXOFF; SVM clears
 * EFER.SVME.  (A crash kexec runs no notifier: that path is the vendor
 * module's.)
 *
 * A VMM may still be running a guest (reboot -f, kexec -e): first every
 * vCPU is made to leave.  With kvm_rebooting set, a vCPU ioctl starts no
 * more (kvm_hardware_use_begin()) and KVM_RUN enters no more (x86.c);
 * an IPI to every CPU forces the guests out (a VM exit); then we wait,
 * a second at most, for the threads already inside to be done with
 * VMX/SVM.  Only then is it turned off.  Linux: kvm_reboot(), which
 * instead lets late VMX/SVM instructions fault (see above).
 */
static int kvm_reboot(struct notifier_block *nb, unsigned long code, void *unused)
{
	pr_info("minikvm: leaving hardware virtualization\n");
	mutex_lock(&kvm_hardware_lock);
	WRITE_ONCE(kvm_rebooting, true);
	smp_mb();	/* pairs with kvm_hardware_use_begin() */
	on_each_cpu(ack_kick, NULL, 1);
	if (!wait_event_timeout(kvm_hardware_users_wq,
				!atomic_read(&kvm_hardware_users), HZ))
		pr_warn("minikvm: vCPUs still running; turning hardware virtualization off anyway\n");
	on_each_cpu(hardware_disable_nolock, NULL, 1);
	mutex_unlock(&kvm_hardware_lock);
	return NOTIFY_OK;
}

/** Our reboot notifier.  Linux: kvm_reboot_notifier. */
static struct notifier_block kvm_reboot_notifier = {
	.notifier_call = kvm_reboot,
};

/**
 * kvm_suspend - suspend to RAM or hibernation, last step: the other CPUs
 * are offline already (their cpuhp callback disabled them); this one, the
 * boot CPU, runs with interrupts off.  Firmware resumes the CPU with
 * VMX/SVM off, so we turn it off ourselves and say so in the per-CPU
 * flag.  Vendors' tasks are frozen outside KVM_RUN, so no VMCS is in use.
 * Linux: kvm_suspend().
 */
static int kvm_suspend(void)
{
	hardware_disable_nolock(NULL);
	return 0;
}

/** Back from suspend, first step, on the boot CPU: VMX/SVM on again.  The
 *  other CPUs come back through kvm_online_cpu().  Linux: kvm_resume(). */
static void kvm_resume(void)
{
	if (!kvm_rebooting && hardware_enable_nolock())
		pr_err("minikvm: cannot enable hardware virtualization after resume\n");
}

/** Our suspend/resume hooks.  Linux: kvm_syscore_ops. */
static struct syscore_ops kvm_syscore_ops = {
	.suspend = kvm_suspend,
	.resume = kvm_resume,
};

/** debugfs minikvm/objects: live VMs, vCPUs and pinned or page-table pages. */
static int objects_show(struct seq_file *m, void *v)
{
	seq_printf(m, "vms %ld\nvcpus %ld\npages %ld\n",
		   atomic_long_read(&kvm_stat_vms),
		   atomic_long_read(&kvm_stat_vcpus),
		   atomic_long_read(&kvm_stat_pages));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(objects);

/** Refuse a device name that is already registered (e.g. the real KVM's
 * /dev/kvm): misc_register() would fail with a sysfs warning instead. */
static bool kvm_devname_taken(const char *name)
{
	char buf[64];
	struct path path;

	snprintf(buf, sizeof(buf), "/sys/class/misc/%s", name);
	if (kern_path(buf, 0, &path))
		return false;
	path_put(&path);
	return true;
}

/**
 * kvm_init - called by the vendor module once its checks passed: enable
 * the hardware on every CPU, then open for business.  The device appears
 * only now, so it never exists without a vendor behind it.
 * Linux: kvm_init().
 */
int kvm_init(unsigned int vcpu_size, struct module *module)
{
	int r;

	if (kvm_devname_taken(devname)) {
		pr_err("minikvm: /dev/%s already exists (is the real KVM loaded?)\n", devname);
		return -EBUSY;
	}
	kvm_vcpu_size = vcpu_size;
	kvm_vendor_module = module;

	r = cpuhp_setup_state(CPUHP_AP_ONLINE_DYN, "minikvm:online",
			      kvm_online_cpu, kvm_offline_cpu);
	if (r < 0)
		return r;
	kvm_cpuhp_state = r;
	register_reboot_notifier(&kvm_reboot_notifier);
	register_syscore_ops(&kvm_syscore_ops);

	/*
	 * Every fd we hand out holds a reference on the vendor module, which
	 * holds minikvm.ko in turn (it uses our symbols): the VFS takes it
	 * at open (fops_get()) and drops it after ->release() has returned
	 * (__fput()).  So neither module can go while an fd is open, and the
	 * release of the last fd of a VM, which destroys it and drops the
	 * VM's own reference on the vendor (kvm_destroy_vm()), runs with the
	 * file's reference still held: no code of ours is left to run when
	 * the last reference goes.  THIS_MODULE (minikvm.ko) would not be
	 * enough: the vendor's ops must stay too.  Linux: kvm_init(), which
	 * sets the same three owners.
	 */
	kvm_chardev_ops.owner = module;
	kvm_vm_fops.owner = module;
	kvm_vcpu_fops.owner = module;
	kvm_dev.name = devname;
	r = misc_register(&kvm_dev);
	if (r) {
		pr_err("minikvm: cannot register /dev/%s: %d\n", devname, r);
		goto out_unregister;
	}
	return 0;

out_unregister:
	unregister_syscore_ops(&kvm_syscore_ops);
	unregister_reboot_notifier(&kvm_reboot_notifier);
	cpuhp_remove_state(kvm_cpuhp_state);
	return r;
}
EXPORT_SYMBOL_GPL(kvm_init);

/** The reverse of kvm_init().  Linux: kvm_exit(). */
void kvm_exit(void)
{
	misc_deregister(&kvm_dev);
	unregister_syscore_ops(&kvm_syscore_ops);
	unregister_reboot_notifier(&kvm_reboot_notifier);
	cpuhp_remove_state(kvm_cpuhp_state);
}
EXPORT_SYMBOL_GPL(kvm_exit);

/** Loading minikvm.ko: no device yet (that waits for a vendor module,
 *  kvm_init()), only the preempt notifiers and debugfs. */
static int __init minikvm_core_init(void)
{
	/* Turn the scheduler's preempt-notifier hooks on (a static key). */
	preempt_notifier_inc();
	kvm_debugfs_dir = debugfs_create_dir("minikvm", NULL);
	debugfs_create_file("objects", 0444, kvm_debugfs_dir, NULL, &objects_fops);
	return 0;
}

/** Unloading minikvm.ko: the vendor modules, which use it, are gone. */
static void __exit minikvm_core_exit(void)
{
	debugfs_remove_recursive(kvm_debugfs_dir);
	preempt_notifier_dec();
}

module_init(minikvm_core_init);
module_exit(minikvm_core_exit);
