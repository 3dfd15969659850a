// SPDX-License-Identifier: GPL-2.0
/**
 * @file kvm_main.c
 * @brief The generic core: the /dev/minikvm device and its system ioctls.
 *
 * Linux: virt/kvm/kvm_main.c.  Like KVM, the core knows nothing about
 * VMX or SVM; a vendor module registers its operations with it.
 */
#include <linux/kvm.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/fs.h>

/**
 * kvm_dev_ioctl - ioctls on the device itself ("system ioctls").
 *
 * Linux: kvm_dev_ioctl().  Anything we do not implement gets -EINVAL,
 * the answer KVM gives to an unknown system ioctl.
 */
static long kvm_dev_ioctl(struct file *filp, unsigned int ioctl, unsigned long arg)
{
	switch (ioctl) {
	case KVM_GET_API_VERSION:
		if (arg)
			return -EINVAL;
		return KVM_API_VERSION;
	case KVM_CHECK_EXTENSION:
		return 0;	/* nothing is implemented yet */
	default:
		return -EINVAL;
	}
}

static const struct file_operations kvm_chardev_ops = {
	.owner		= THIS_MODULE,
	.unlocked_ioctl	= kvm_dev_ioctl,
	.llseek		= noop_llseek,
};

static struct miscdevice kvm_dev = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= "minikvm",
	.fops	= &kvm_chardev_ops,
};

static int __init minikvm_init(void)
{
	return misc_register(&kvm_dev);
}

static void __exit minikvm_exit(void)
{
	misc_deregister(&kvm_dev);
}

module_init(minikvm_init);
module_exit(minikvm_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("minikvm: a teaching re-implementation of KVM");
