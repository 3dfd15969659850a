# SPDX-License-Identifier: GPL-2.0
# tree: chapters/05-emulate
# guest: mmio
"""Chapter 05's first GDB walkthrough, as the lesson shows it
(chapters/05-emulate/README.md, section 15): the mmio guest's
`mov (%rbx), %rax` through the emulator - decoded (3 bytes, PROT64, RAX,
0xd0000000, the table entry DstReg|SrcRM|ModRM|Mov), its read going out
(emulator_read_write returns X86EMUL_IO_NEEDED, the read pending), and
back with the next KVM_RUN (complete_emulated_read with "mkvmtest", the
instruction run again without a new decode, EMULATION_OK).

scripts/test-all runs it on the tree and guest of the lines above;
lib/walk.py runs the lesson's commands and checks every line it shows."""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from walk import Walkthrough  # noqa: E402

w = Walkthrough("chapters/05-emulate/README.md")
w.run()
w.done()
