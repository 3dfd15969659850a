# SPDX-License-Identifier: GPL-2.0
# tree: chapters/05-emulate
# guest: emulate-string
"""Chapter 05's REP MOVSQ walkthrough, as the lesson shows it
(chapters/05-emulate/README.md, section 15): from the start of a run,
the emulate-string guest's RAM-to-window REP MOVSQ enters the emulator
(kvm_emulate_instruction, the eighth instruction with RCX 20, RDI the
window, RSI in RAM), one element returns EMULATION_RESTART with the
write queued, and complete_emulated_write() runs the next iteration;
then the window-to-RAM REP MOVSQ returns EMULATION_IO_NEEDED with the
read pending, and complete_emulated_read() brings minivmm's answer for
the element to finish.

scripts/test-all runs it on the tree and guest of the lines above;
lib/walk.py runs the lesson's commands and checks every line it shows."""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from walk import Walkthrough  # noqa: E402

w = Walkthrough("chapters/05-emulate/README.md")
w.run()
w.done()
