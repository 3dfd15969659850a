# SPDX-License-Identifier: GPL-2.0
# tree: chapters/03-irq
# guest: event-reinject
# vmm-args: -m 4M --no-thp --slot 0x400000:0x10000
"""Chapter 03's re-injection walkthrough, as the lesson shows it
(chapters/03-irq/README.md, section 15, after section 7): the
event-reinject guest's IRQ 3, whose delivery faults twice in the NPT
(the gate in the moved IDT, then the stack), each exit with EXITINTINFO
valid and the interrupt back in vcpu->arch.interrupt.

scripts/test-all runs it on the tree, guest and minivmm options of the
lines above; lib/walk.py runs the lesson's commands and checks every
line it shows."""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from walk import Walkthrough  # noqa: E402

w = Walkthrough("chapters/03-irq/README.md")
w.run()
w.done()
