# SPDX-License-Identifier: GPL-2.0
# pic-edge: edge-triggered interrupts through the master 8259, in a
# real-mode guest with its handlers in the interrupt vector table
# (final/guests/pic-edge.S): a pulse with IF=0 waits in IRR and arrives
# once after STI with its ISR bit set inside the handler and cleared by
# the EOI; a line held high is one edge; two pulses are one request; a
# pulse while masked is latched and arrives on unmask; COM1 raises IRQ 4
# for received data (--in-data) and for THR empty, IIR naming each; with
# --tick, IRQ 0 wakes HLT.  The same guest runs with the in-kernel
# irqchip (KVM_IRQ_LINE; HLT sleeps in the kernel) and with minivmm's own
# 8259 (--irqchip user: KVM_INTERRUPT and the interrupt window), and
# must see the same.  Shows the path device line -> PIC -> IDT.
# since: 03-irq
# exercise: 03.2
. /lab/scenarios/lib.sh
expected="imr after unmasking IRQ 3: f7
irr of IRQ 3-7 after a pulse with IF=0: 08
IRQ 3 deliveries after sti: 01
isr inside the handler: 08
isr after the EOI: 00
deliveries after a line held high: 02
deliveries after two pulses with IF=0: 03
deliveries after a pulse while masked: 03
deliveries after unmasking: 04
COM1 IRQ 4 deliveries: 02
IIR in the first: 04
IIR in the second: 02
received: ab"
vmm --in-data nab "$GUESTS/pic-edge.bin"
expect_out "$expected"
expect_status 65 "EXIT_PASS"

vmm --irqchip user --in-data nab "$GUESTS/pic-edge.bin"
expect_out "$expected"
expect_status 65 "EXIT_PASS, --irqchip user"

vmm --tick 100 --timeout 30 --in-data tab "$GUESTS/pic-edge.bin"
expect_out "$expected
ticks that woke HLT: 03"
expect_status 65 "EXIT_PASS with --tick"
