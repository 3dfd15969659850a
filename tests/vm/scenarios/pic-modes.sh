# SPDX-License-Identifier: GPL-2.0
# pic-modes: the 8259A's other modes, in a 32-bit guest
# (final/guests/pic-modes.S): automatic EOI (ISR clear in the handler, no
# EOI needed), special mask mode (kept but not applied by KVM: a
# lower-priority IRQ 6 waits for IRQ 5's EOI even with IRQ 5 masked in
# SMM, unlike the 8259A datasheet; minikvm follows KVM), poll (4 for IRQ 4, 7 with
# nothing pending, the request consumed; KVM sets no bit 7 and no ISR bit,
# where the datasheet does),
# set-priority and rotate-on-EOI orders, and a spurious IRQ 15 (a slave
# request masked after the master latched the cascade: vector 0x2f with
# no slave ISR bit).  Run with the in-kernel PIC and with minivmm's copy
# of the same model (--irqchip user): both must agree.
# since: 03-irq
# exercise: 03.1
. /lab/scenarios/lib.sh
expected="aeoi: isr in the handler: 00000000
aeoi: deliveries without an EOI: 00000002
order: 23 23
smm: irq 6 inside irq 5, fully nested: 00000000
smm: irq 6 inside irq 5, special mask (KVM ignores it): 00000000
smm: irq 6 deliveries: 00000001
smm: isr at the end: 00000000
poll with IRQ 4 pending: 00000004
poll: irr afterwards: 00000000
poll: isr afterwards: 00000000
poll with nothing pending: 00000007
poll: IRQ 4 deliveries: 00000000
set priority, IR3 lowest: order: 25 23
rotate on EOI: order: 23 25 23
spurious: order: 2f
spurious: slave isr in the handler: 00000000
spurious: master isr in the handler: 00000004
spurious: IRQ 12 deliveries: 00000000"
vmm "$GUESTS/pic-modes.bin"
expect_out "$expected"
expect_status 65 "EXIT_PASS"
vmm --irqchip user "$GUESTS/pic-modes.bin"
expect_out "$expected"
expect_status 65 "EXIT_PASS, --irqchip user"
