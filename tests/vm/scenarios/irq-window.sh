# SPDX-License-Identifier: GPL-2.0
# irq-window: the userspace irqchip's protocol (minivmm --irqchip user),
# real-mode guest final/guests/irq-window.S.  IRQ 3 pulsed with IF=0:
# minivmm cannot inject, sets kvm_run.request_interrupt_window, and the
# hypervisor exits with KVM_EXIT_IRQ_WINDOW_OPEN only after STI and the
# instruction in its shadow (the handler sees CX=2, set by that
# instruction); minivmm then injects with KVM_INTERRUPT.  Pulsed with
# IF=1, the interrupt is injected on the next entry, before the
# instruction after the OUT (CX=3).  minivmm -v lists the exits: the
# window exit comes right after the pulse's port exit, once.
# since: 03-irq
. /lab/scenarios/lib.sh
vmm -v --irqchip user "$GUESTS/irq-window.bin"
expect_out "pulse with IF=0, then sti: cx=00000002 count=00000001
pulse with IF=1: cx=00000003 count=00000002"
expect_status 65 "EXIT_PASS"
n=$(grep -c 'exit KVM_EXIT_IRQ_WINDOW_OPEN' /tmp/vmm.err)
[ "$n" = 1 ] || fail "$n KVM_EXIT_IRQ_WINDOW_OPEN exits, expected 1 (after the sti)"
