# SPDX-License-Identifier: GPL-2.0
# tree: chapters/04-apic-pit
# guest: apic-ipi
# vmm-args: --smp 2
"""Chapter 04's IPI walkthrough, as the lesson shows it
(chapters/04-apic-pit/README.md, section 15): from the start of a run,
the apic-ipi guest's BSP sends INIT (from its ICR write, kvm_lapic_mmio,
after kvm_lapic_unlock() dropped its lock; the AP still UNINITIALIZED),
two SIPIs with ap_tramp's page as vector, and a fixed IPI (0x50) to APIC
ID 1, which lapic_accept_irq() accepts into the AP's IRR; then, in the
next run, the AP taking the SIPI in its own thread
(kvm_vcpu_deliver_sipi_vector from kvm_apic_accept_events, in
INIT_RECEIVED): CS 0x1200, base 0x12000, RIP 0.

scripts/test-all runs it on the tree, guest and minivmm options of the
lines above; lib/walk.py runs the lesson's commands and checks every
line it shows."""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from walk import Walkthrough  # noqa: E402

w = Walkthrough("chapters/04-apic-pit/README.md")
w.run()
w.done()
