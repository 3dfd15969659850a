# SPDX-License-Identifier: GPL-2.0
# pic-cascade: IRQ 8-15 through the slave 8259 on the master's IR2, in a
# 32-bit guest (final/guests/pic-cascade.S).  A slave request shows in
# both IRRs (the slave's, and the cascade bit on the master) and both
# ISRs inside the handler; ten requests at once arrive in fully nested
# order, the slave's eight between IRQ 1 and IRQ 3.  The "order:" lines
# are the vectors as the handlers saw them.
# since: 03-irq
. /lab/scenarios/lib.sh
vmm "$GUESTS/pic-cascade.bin"
expect_out "irr after pulsing IRQ 10 (slave, master): 00000404
order: 2a
master isr in the handler: 00000004
slave isr in the handler: 00000004
isr after both EOIs: 00000000
irr with ten requests (slave, master): 0000ff0e
order: 21 28 29 2a 2b 2c 2d 2e 2f 23
IRQ 15 deliveries so far: 00000001"
expect_status 65 "EXIT_PASS"
