# SPDX-License-Identifier: GPL-2.0
# tree: chapters/03-irq
# guest: pic-edge
"""Chapter 03's first GDB walkthrough, as the lesson shows it
(chapters/03-irq/README.md, section 15): the pic-edge guest's IRQ 3 with
IF = 0 opens the interrupt window (svm_enable_irq_window: the PIC's IRR,
ISR and INT output, V_IRQ and INTERCEPT_VINTR), the STI lets it in
(svm_inject_irq: the queue, the INTA, EVENTINJ after the VINTR exit),
and the handler's EOI is served in the kernel (kvm_fast_pio ->
kvm_io_bus_write -> picdev_write), clearing the ISR.

scripts/test-all runs it on the tree and guest of the lines above;
lib/walk.py runs the lesson's commands and checks every line it shows."""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from walk import Walkthrough  # noqa: E402

w = Walkthrough("chapters/03-irq/README.md")
w.run()
w.done()
