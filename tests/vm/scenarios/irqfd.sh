# SPDX-License-Identifier: GPL-2.0
# irqfd: interrupts raised by writing an eventfd (KVM_IRQFD,
# final/virt/kvm/eventfd.c; guest final/guests/irqfd.S), into the
# in-kernel 8259 pair, with no KVM_IRQ_LINE from minivmm.  KVM's errnos
# for an unknown flag, a bad fd, an fd that is no eventfd and a second
# irqfd on one eventfd (EBUSY); an edge irqfd on GSI 5 waking the guest
# from HLT; an eventfd written before its assignment (the assignment
# injects); a deassignment (the count then stays in the eventfd: nobody
# consumed it); an assigned eventfd closed (the irqfd goes) and a new one
# on the same GSI; and level-triggered with KVM_IRQFD_FLAG_RESAMPLE: one
# interrupt per write, the resamplefd signalled once at each EOI, and no
# second delivery from a line still high after the EOI (the resampler
# lowers it before the PIC looks again); the same on an IOAPIC level pin,
# whose EOI comes from the local APIC (minikvm's IOAPIC tells the ack
# notifiers before it re-evaluates the pin, as KVM's does).
# since: final
. /lab/scenarios/lib.sh
vmm "$GUESTS/irqfd.bin"
expect_out "refused
minivmm: KVM_IRQFD gsi 5 flags 0x4 (eventfd 0): Invalid argument
unknown flag: ffffffea
minivmm: KVM_IRQFD gsi 5 flags 0x0 (eventfd 1): Bad file descriptor
bad fd: fffffff7
minivmm: KVM_IRQFD gsi 5 flags 0x0 (eventfd 2): Invalid argument
not an eventfd: ffffffea
edge
minivmm: KVM_IRQFD gsi 5 flags 0x0 (eventfd 3): ok
minivmm: KVM_IRQFD gsi 7 flags 0x0 (eventfd 3): Device or resource busy
the same eventfd again: fffffff0
minivmm: eventfd 3 written
written: IRQ 5 taken 00000001
written before assigned
minivmm: eventfd 4 written
minivmm: KVM_IRQFD gsi 5 flags 0x0 (eventfd 4): ok
assigned: 00000000
IRQ 5 taken 00000002
deassigned
minivmm: KVM_IRQFD gsi 5 flags 0x1 (eventfd 3): ok
deassign: 00000000
minivmm: eventfd 3 written
minivmm: eventfd 3 counted 1
a write stays in the eventfd: 00000001
minivmm: KVM_IRQFD gsi 5 flags 0x1 (eventfd 3): ok
deassign again (nothing to do): 00000000
closed
minivmm: KVM_IRQFD gsi 5 flags 0x0 (eventfd 5): ok
minivmm: eventfd 5 closed
close an assigned eventfd: 00000000
minivmm: KVM_IRQFD gsi 5 flags 0x0 (eventfd 6): ok
minivmm: eventfd 6 written
a new eventfd on GSI 5: IRQ 5 taken 00000003
level, resample
minivmm: KVM_IRQFD gsi 5 flags 0x1 (eventfd 6): ok
minivmm: KVM_IRQFD gsi 5 flags 0x2 (eventfd 7): ok
minivmm: eventfd 7 written
written: IRQ 5 taken 00000004
minivmm: eventfd 8 counted 1
resamplefd after the EOI: 00000001
minivmm: eventfd 7 written
written again: IRQ 5 taken 00000005
no second delivery after the EOI: 00000005
minivmm: eventfd 8 counted 1
resamplefd after the EOI: 00000001
minivmm: KVM_IRQFD gsi 5 flags 0x1 (eventfd 7): ok
deassign: 00000000
level, resample, IOAPIC
minivmm: KVM_IRQFD gsi 10 flags 0x2 (eventfd 9): ok
minivmm: eventfd 9 written
written: vector 0x3a taken 00000001
no second delivery after the EOI: 00000001
minivmm: eventfd 10 counted 1
resamplefd after the EOI: 00000001
minivmm: eventfd 9 written
written again: vector 0x3a taken 00000002"
expect_status 65 "EXIT_PASS"
