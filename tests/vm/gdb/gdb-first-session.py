# SPDX-License-Identifier: GPL-2.0
# tree: final
# guest: hello
"""docs/gdb.md's first session, as the guide shows it: from the start of
a run of the hello guest on final/, the VMCB before the first VMRUN
(nested paging on, real-mode CS at 0x10000, the reset's RIP), the first
exit (an NPF on the code page, not mapped yet), the first I/O exit and
the page now mapped, then the debug-exit OUT and the next run's first NPF
found with breakpoint conditions, and the helpers naming exit codes.

scripts/test-all runs it on the tree and guest of the lines above;
lib/walk.py runs the guide's commands and checks every line it shows.
Two checks no shown line can make: minikvm-vmcb's nested_cr3 is the VM's
NPT root (kvm->arch.tdp_root), and, GDB detached, that run of minivmm
ends with the guest's status 67 = (0x21 << 1) | 1: the guest ran on
cleanly under the debugger."""

import os
import re
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
import gdb  # noqa: E402
from gdbcheck import fail, say  # noqa: E402
from walk import Walkthrough  # noqa: E402

HELLO_STATUS = 0x21 << 1 | 1		# final/guests/guest.h: HELLO_EXIT_CODE
LOG = os.environ.get("MINIKVM_LAB_LOG", "")


def runs_logged():
    """The "@@ GDB-RUN n status s" lines init printed so far."""
    try:
        with open(LOG, errors="replace") as f:
            return re.findall(r"^@@ GDB-RUN (\d+) status (\d+)", f.read(), re.M)
    except OSError:
        return []


w = Walkthrough("docs/gdb.md")
vmcb = w.run_to("minikvm-vmcb")
root = w.run_to("p/x vcpu->kvm->arch.tdp_root")
m = re.search(r"control\.nested_cr3\s+0x([0-9a-f]+)", vmcb)
r = re.search(r"= (0x[0-9a-f]+)", root)
if not m or not r or int(m.group(1), 16) != int(r.group(1), 16):
    fail("minikvm-vmcb's nested_cr3 (%s) is not kvm->arch.tdp_root (%s)"
         % (m and m.group(1), r and r.group(1)))
say("nested_cr3 = kvm->arch.tdp_root = %s" % r.group(1))
w.run()

# Detach: the run GDB stopped in must end as the guest asks.
before = len(runs_logged())
gdb.execute("delete", to_string=True)
gdb.execute("detach", to_string=True)
deadline = time.time() + 20
while time.time() < deadline and len(runs_logged()) <= before:
    time.sleep(0.1)
runs = runs_logged()
if len(runs) <= before:
    fail("no minivmm run ended within 20 s of detaching (log: %s)" % LOG)
n, status = runs[before]
if int(status) != HELLO_STATUS:
    fail("run %s of minivmm ended with status %s after GDB detached, expected %d"
         % (n, status, HELLO_STATUS))
say("detached: run %s of minivmm ended with status %s, a clean guest exit" % (n, status))
w.done()
