# SPDX-License-Identifier: GPL-2.0
# tree: chapters/02-ept
# guest: mmio
"""Chapter 02's GDB walkthrough, as the lesson shows it
(chapters/02-ept/README.md, section 9): the first fetch of a run as a
nested page fault, the NPT before and after kvm_mmu_page_fault() maps the
page, then the mmio guest's first load from 0xd0000000: both dimensions
of its walk (minikvm-walk gva), run->mmio for minivmm, and
complete_mmio_read() putting "mkvmtest" into RAX on the next KVM_RUN.

scripts/test-all runs it on the tree and guest of the lines above;
lib/walk.py runs the lesson's commands and checks every line it shows."""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from walk import Walkthrough  # noqa: E402

w = Walkthrough("chapters/02-ept/README.md")
w.run()
w.done()
