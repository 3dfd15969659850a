# SPDX-License-Identifier: GPL-2.0
# event-reinject: an interrupt delivered through an IDT and a stack in
# pages the guest never touched (final/guests/event-reinject.S): the
# guest's IDT goes into memory slot 1, which minivmm then moves to a new
# address, so the hypervisor holds no EPT/NPT mapping for it.  Delivery
# faults on the gate and on the stack (an exit during event delivery:
# VMX IDT-vectoring information, SVM EXITINTINFO); the hypervisor maps
# the page and re-injects the same event.  The handler must run exactly
# once, on the expected stack.  --no-thp: 4 KiB host pages, so no huge
# mapping covers the slot at once.
# since: 03-irq
. /lab/scenarios/lib.sh
vmm -m 4M --no-thp --slot 0x400000:0x10000 "$GUESTS/event-reinject.bin"
expect_out "minivmm: slot 1 moved from 0x400000 to 0x600000
slot 1 moved: 00000000
IRQ 3 deliveries through untouched pages: 00000001
esp in the hook (frame 12, stub 8, pushal 32, call 4 below the top): 0060ffc8"
expect_status 65 "EXIT_PASS"
