# SPDX-License-Identifier: GPL-2.0
# hypercall: VMCALL (Intel) / VMMCALL (AMD) from real mode with a hypercall
# number KVM does not know (0x6d6b).  KVM answers in the guest, without an
# exit to userspace: RAX = -KVM_ENOSYS (-1000), truncated to 32 bits
# because the guest is not in 64-bit mode (Linux: kvm_emulate_hypercall()),
# i.e. RAX = 0x00000000fffffc18.  The guest prints EAX and leaves with 0x42
# (status 133) when it is 0xfffffc18; a second run halts right after the
# call and the whole RAX is read from minivmm -v's register dump.
# since: 01-vmx-on
# exercise: 01.2
. /lab/scenarios/lib.sh
case $ARCH in
svm)	insn=vmmcall ;;
vmx)	insn=vmcall ;;
esac
vmm "$GUESTS/hypercall.bin"
expect_out "$insn 0x00006d6b: eax=fffffc18"
expect_status 133 "HYPERCALL_EXIT_OK: EAX = -KVM_ENOSYS"

# HLT must exit to userspace: no in-kernel irqchip (chapter 03 on).
# shellcheck disable=SC2046 # empty or two words
vmm $(no_irqchip) -v --in-data h "$GUESTS/hypercall.bin"
expect_status 0 "the guest halts right after the hypercall"
expect_err_contains "rax=00000000fffffc18"
