# SPDX-License-Identifier: GPL-2.0
# tree: chapters/01-vmx-on
"""Chapter 01's GDB walkthrough, "one character of Hello", as the lesson
shows it (chapters/01-vmx-on/README.md, section 7): the OUT of the H
through kvm_fast_pio() (the tail calls that hide svm_handle_exit() and
io_interception()), the IOIO exit's EXITINFO1 and EXITINFO2, run->io for
minivmm, and complete_fast_pio_out() stepping RIP on the next KVM_RUN.

scripts/test-all runs it on the tree of the "# tree:" line above
(tests/vm/lab --tree chapters/01-vmx-on --gdb-batch THIS); lib/walk.py
runs the lesson's commands and checks every line the lesson shows."""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from walk import Walkthrough  # noqa: E402

w = Walkthrough("chapters/01-vmx-on/README.md")
w.run()
w.done()
