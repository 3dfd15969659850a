# SPDX-License-Identifier: GPL-2.0
"""The batch GDB scenario (make test): stop in the vCPU run function, read
the VMCB through the helpers, and let the guest run on to a clean exit.

Run by `tests/vm/lab --gdb-batch tests/vm/gdb/stop-in-vcpu-run.py`: GDB is
attached to the lab's QEMU (svm path), the tree's modules' symbols are
loaded at their addresses, scripts/gdb/minikvm.py is sourced, and init runs
the hello guest in a loop.  Each step prints one "gdb-check:" line; the
first that fails prints "gdb-check: FAIL ..." and GDB exits 1.

  1. break svm_vcpu_run: a vCPU is about to VMRUN; its source line
     resolves to a file on disk; minikvm-vmcb shows nested paging on, with
     nested_cr3 the VM's NPT root (kvm->arch.tdp_root);
  2. finish: the guest ran and exited; exit_code is one that hello can
     cause, and minikvm-vmcb, minikvm-exit-reason and $minikvm_exit_name
     all name it alike;
  3. the guest writes 0x21 to the debug-exit port 0xf4 (kvm_fast_pio);
  4. minivmm closes the VM (kvm_destroy_vm);
  5. detached, that run of minivmm ends with status 67 = (0x21 << 1) | 1
     on the serial console: the guest exited cleanly under the debugger.
"""

import os
import re
import sys
import time

import gdb

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from gdbcheck import continue_to, fail, resume, run, say  # noqa: E402

LOG = os.environ.get("MINIKVM_LAB_LOG", "")
HELLO_EXIT = 0x21			# final/guests/guest.h: HELLO_EXIT_CODE
DEBUG_EXIT_PORT = 0xf4
# The exits the hello guest can cause on the svm path: its first touch of
# a page (nested page fault, chapter 02 on), its OUTs, and the host's
# timer interrupt.
HELLO_EXITS = {"SVM_EXIT_NPF", "SVM_EXIT_IOIO", "SVM_EXIT_INTR"}


def runs_logged():
    """The "@@ GDB-RUN n status s" lines init printed so far."""
    try:
        with open(LOG, errors="replace") as f:
            return re.findall(r"^@@ GDB-RUN (\d+) status (\d+)", f.read(), re.M)
    except OSError:
        return []


gdb.execute("set pagination off")

# 1. In svm_vcpu_run, before the VMRUN.
gdb.execute("break svm_vcpu_run", to_string=True)
continue_to("svm_vcpu_run", "1")
sal = gdb.selected_frame().find_sal()
if sal.symtab is None or not os.path.isfile(sal.symtab.fullname()):
    fail("1: no source file for svm_vcpu_run (%s)" % (sal.symtab and sal.symtab.fullname()))
say("1: stopped in svm_vcpu_run at %s:%d" % (sal.symtab.fullname(), sal.line))
out = run("minikvm-vmcb nested_ctl nested_cr3")
root = int(gdb.parse_and_eval("vcpu->kvm->arch.tdp_root"))
m = re.search(r"control\.nested_cr3\s+0x([0-9a-f]+)", out)
if not m or int(m.group(1), 16) != root or root == 0 or root & 0xfff:
    fail("1: minikvm-vmcb nested_cr3 is %s, the VM's NPT root is 0x%x"
         % (m and "0x" + m.group(1), root))
if "NP_ENABLE" not in out:
    fail("1: minikvm-vmcb does not show nested paging (SVM_NESTED_CTL_NP_ENABLE) on")
say("1: nested_cr3 = kvm->arch.tdp_root = 0x%x, NP_ENABLE" % root)

# 2. Let the guest run until it exits.
say("2: finish (VMRUN, the guest runs, #VMEXIT)")
resume("finish")
if gdb.selected_frame().name() != "vcpu_enter_guest":
    fail("2: finish did not return to vcpu_enter_guest (in %s)" % gdb.selected_frame().name())
out = run("minikvm-vmcb exit_code exit_info_1 exit_info_2")
m = re.search(r"control\.exit_code\s+0x([0-9a-f]+)\s+(\S+)", out)
if not m:
    fail("2: minikvm-vmcb printed no exit_code")
code, name = int(m.group(1), 16), m.group(2)
raw = int(gdb.parse_and_eval("$minikvm_vmcb()->control.exit_code"))
if code != raw:
    fail("2: minikvm-vmcb says exit_code 0x%x, the VMCB holds 0x%x" % (code, raw))
if name not in HELLO_EXITS:
    fail("2: exit code 0x%x decoded as %s, expected one of %s" % (code, name, sorted(HELLO_EXITS)))
by_func = gdb.parse_and_eval("$minikvm_exit_name(%d)" % code).string()
by_cmd = run("minikvm-exit-reason 0x%x" % code)
if by_func != name or name not in by_cmd:
    fail("2: names disagree: vmcb %s, $minikvm_exit_name %s, minikvm-exit-reason %s"
         % (name, by_func, by_cmd.strip()))
say("2: the guest exited with 0x%x = %s" % (code, name))

# 3. The guest leaves through the debug-exit port.
gdb.execute("delete", to_string=True)
gdb.execute("break kvm_fast_pio if port == %d" % DEBUG_EXIT_PORT, to_string=True)
continue_to("kvm_fast_pio", "3")
value = int(gdb.parse_and_eval("vcpu->arch.regs[VCPU_REGS_RAX]")) & 0xff
if value != HELLO_EXIT:
    fail("3: the guest wrote 0x%x to port 0x%x, expected 0x%x" % (value, DEBUG_EXIT_PORT, HELLO_EXIT))
say("3: the guest writes 0x%x to the debug-exit port 0x%x" % (value, DEBUG_EXIT_PORT))

# 4. minivmm closes the VM.
gdb.execute("delete", to_string=True)
gdb.execute("break kvm_destroy_vm", to_string=True)
continue_to("kvm_destroy_vm", "4")
say("4: minivmm closes the VM (kvm_destroy_vm)")

# 5. Detach; that minivmm run must end with the guest's status.
gdb.execute("delete", to_string=True)
before = len(runs_logged())
gdb.execute("detach", to_string=True)
deadline = time.time() + 20
while time.time() < deadline and len(runs_logged()) <= before:
    time.sleep(0.1)
runs = runs_logged()
if len(runs) <= before:
    fail("5: no minivmm run ended within 20 s of detaching (log: %s)" % LOG)
n, status = runs[before]
if int(status) != (HELLO_EXIT << 1 | 1):
    fail("5: run %s of minivmm ended with status %s, expected %d" % (n, status, HELLO_EXIT << 1 | 1))
say("5: run %s of minivmm ended with status %s: a clean guest exit" % (n, status))
say("PASS")
gdb.execute("quit 0")
