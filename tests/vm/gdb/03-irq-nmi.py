# SPDX-License-Identifier: GPL-2.0
# tree: chapters/03-irq
# guest: nmi
"""Chapter 03's NMI walkthrough, as the lesson shows it
(chapters/03-irq/README.md, section 15, after section 6's five steps):
from the start of a run (kvm_vm_ioctl_create_vcpu), the first NMI
injected with none waiting, its handler's IRET intercepted with the
second NMI waiting, the single step's #DB after the IRET, and the second
NMI in EVENTINJ.

scripts/test-all runs it on the tree and guest of the lines above;
lib/walk.py runs the lesson's commands and checks every line it shows."""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from walk import Walkthrough  # noqa: E402

w = Walkthrough("chapters/03-irq/README.md")
w.run()
w.done()
