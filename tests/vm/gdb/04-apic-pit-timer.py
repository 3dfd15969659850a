# SPDX-License-Identifier: GPL-2.0
# tree: chapters/04-apic-pit
# guest: halt-timer
"""Chapter 04's timer walkthrough, as the lesson shows it
(chapters/04-apic-pit/README.md, section 15): the halt-timer guest's
one-shot LVT timer (vector 0x40) fires as the host's hrtimer
(apic_timer_fn, in the host's interrupt, the vCPU halted and outside
guest mode), which only counts it; the vCPU's own thread, woken in
vcpu_block(), puts vector 0x40 into the IRR
(kvm_inject_apic_timer_irqs), and svm_inject_irq() injects it after the
INTA moved it to the ISR.

scripts/test-all runs it on the tree and guest of the lines above;
lib/walk.py runs the lesson's commands and checks every line it shows.
What no shown line can check, this script does: the lesson says the
callback runs on another stack than the vCPU thread (its two `p $sp`)."""

import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from gdbcheck import fail, say  # noqa: E402
from walk import Walkthrough  # noqa: E402

STACK = 16 << 10		# THREAD_SIZE of x86-64 with KASAN off, and IRQ_STACK_SIZE


def sp(printed):
    m = re.search(r"\(void \*\) (0x[0-9a-f]+)", printed)
    if not m:
        fail("no stack pointer in %r" % printed)
    return int(m.group(1), 16)


w = Walkthrough("chapters/04-apic-pit/README.md")
irq_sp = sp(w.run_to("p $sp"))
thread_sp = sp(w.run_to("p $sp"))
if irq_sp // STACK == thread_sp // STACK:
    fail("the hrtimer callback (sp 0x%x) and the vCPU thread (sp 0x%x) share a 16 KiB stack"
         % (irq_sp, thread_sp))
say("the callback's stack (sp 0x%x) is not the vCPU thread's (sp 0x%x)" % (irq_sp, thread_sp))
w.run()
w.done()
