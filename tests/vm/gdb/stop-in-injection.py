# SPDX-License-Identifier: GPL-2.0
# guest: pic-edge
"""The batch GDB scenario of chapter 03: stop in the injection path, as
the lesson's walkthrough does (chapters/03-irq/README.md, section 15).

Run by `tests/vm/lab --gdb-batch tests/vm/gdb/stop-in-injection.py --guest
pic-edge` (scripts/test-all reads the guest from the "# guest:" line
above).  The pic-edge guest masks every PIC input but IRQ 3, pulses IRQ 3
with IF = 0, then executes STI.  Each step prints one "gdb-check:" line;
the first that fails prints "gdb-check: FAIL ..." and GDB exits 1.

  1. break svm_enable_irq_window: the PIC's INT output is high but the
     guest has IF = 0, so kvm_inject_pending_event() opens a window; the
     master's IRR has bit 3, its ISR nothing yet;
  2. break svm_inject_irq: after the STI the window exit came, and the
     interrupt goes in: vcpu->arch.interrupt is injected, vector 0x23
     (PIC_M_BASE + 3), and the INTA has moved IRQ 3 into the master's ISR;
  3. break svm_vcpu_run: at the VMRUN, the VMCB's EVENTINJ holds it
     (valid, type 0, vector 0x23);
  4. break picdev_write on the master's command port: the handler's EOI
     (0x20) is served in the kernel, on the I/O bus; at the next VMRUN the
     master's ISR is clear.
"""

import os
import sys

import gdb

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from gdbcheck import continue_to, fail, run, say, value  # noqa: E402

VECTOR = 0x23			# PIC_M_BASE (0x20) + IRQ 3, final/guests/guest.h


gdb.execute("set pagination off")
PIC = "vcpu->kvm->arch.vpic->pic.pics[0]"

# 1. The window: an interrupt waits, the guest cannot take it.
gdb.execute("break svm_enable_irq_window", to_string=True)
continue_to("svm_enable_irq_window", "1")
rflags = value("$minikvm_vmcb()->save.rflags")
irr, isr = value(PIC + ".irr"), value(PIC + ".isr")
output = value("vcpu->kvm->arch.vpic->pic.output")
run("bt 4")
if rflags & 0x200:
    fail("1: the window opened with IF set (rflags 0x%x)" % rflags)
if not output or not irr & 0x08 or isr & 0x08:
    fail("1: expected the INT output high, IRR bit 3 set and ISR bit 3 clear: output %d irr 0x%x isr 0x%x"
         % (output, irr, isr))
say("1: IF = 0 (rflags 0x%x), INT high, master irr 0x%x isr 0x%x: a window is opened" % (rflags, irr, isr))

# 2. The injection, after STI.
gdb.execute("delete", to_string=True)
gdb.execute("break svm_inject_irq", to_string=True)
continue_to("svm_inject_irq", "2")
out = run("bt 4")
if "kvm_inject_pending_event" not in out and "vcpu_enter_guest" not in out:
    fail("2: svm_inject_irq not called from the event queue's commit")
injected, nr = value("vcpu->arch.interrupt.injected"), value("vcpu->arch.interrupt.nr")
isr = value(PIC + ".isr")
if not injected or nr != VECTOR or not isr & 0x08:
    fail("2: interrupt.injected %d nr 0x%x, master isr 0x%x; expected 1, 0x%x, bit 3"
         % (injected, nr, isr, VECTOR))
say("2: vcpu->arch.interrupt = { injected, 0x%x }, master isr 0x%x: the INTA happened" % (nr, isr))

# 3. What the VMCB got, at the VMRUN that delivers it.  (A breakpoint
#    rather than `finish`: with QEMU's gdbstub the momentary breakpoint of
#    `finish` is bound to one CPU, and the breakpoint above may fire first.)
gdb.execute("delete", to_string=True)
gdb.execute("break svm_vcpu_run", to_string=True)
continue_to("svm_vcpu_run", "3")
inj = value("$minikvm_vmcb()->control.event_inj") & 0xffffffff
run("minikvm-vmcb event_inj")
if inj != (0x80000000 | VECTOR):
    fail("3: EVENTINJ is 0x%x, expected 0x%x (valid, external interrupt)" % (inj, 0x80000000 | VECTOR))
say("3: EVENTINJ = 0x%x: valid, type 0 (external interrupt), vector 0x%x" % (inj, VECTOR))

# 4. The handler's EOI, served by the kernel's PIC.
gdb.execute("delete", to_string=True)
gdb.execute("break picdev_write if addr == 0x20 && *(unsigned char *)val == 0x20", to_string=True)
continue_to("picdev_write", "4")
out = run("bt 6")
if "kvm_io_bus_write" not in out or "kvm_fast_pio" not in out:
    fail("4: the EOI did not come through kvm_fast_pio() and kvm_io_bus_write()")
gdb.execute("delete", to_string=True)
gdb.execute("break svm_vcpu_run", to_string=True)
continue_to("svm_vcpu_run", "4")	# the entry after the EOI's exit
isr = value(PIC + ".isr")
if isr & 0x08:
    fail("4: the master's ISR is 0x%x after the EOI" % isr)
say("4: the EOI went kvm_fast_pio -> kvm_io_bus_write -> picdev_write; master isr now 0x%x" % isr)
say("PASS")
gdb.execute("quit 0")
