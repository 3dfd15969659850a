# SPDX-License-Identifier: GPL-2.0
# guest: apic-ipi
# vmm-args: --smp 2
"""The batch GDB scenario of chapter 04's IPI path, as the lesson's
walkthrough does it (chapters/04-apic-pit/README.md, section 15).

Run by `tests/vm/lab --gdb-batch tests/vm/gdb/apic-ipi-deliver.py --guest
apic-ipi --vmm-args "--smp 2"` (scripts/test-all reads both from the
"# guest:" and "# vmm-args:" lines above).  The apic-ipi guest's BSP
starts the AP with INIT, SIPI, SIPI to all but itself (smp32.S), then
sends a fixed IPI, vector 0x50, to APIC ID 1, and more.  Each step prints
one "gdb-check:" line; the first that fails prints "gdb-check: FAIL ..."
and GDB exits 1.

  1. break kvm_apic_deliver if src != 0 (not the IOAPIC's messages): the
     BSP's INIT to all but itself (delivery mode 0x500, shorthand
     0xc0000), sent from its ICR write (kvm_lapic_mmio, kvm_lapic_unlock)
     after the sender's lock was dropped; vCPU 1 is UNINITIALIZED;
  2. the two SIPIs: delivery mode 0x600, vector = the page of the guest's
     ap_tramp; and break kvm_vcpu_deliver_sipi_vector: vCPU 1, in its own
     thread (kvm_apic_accept_events), takes that vector in INIT_RECEIVED,
     once.  (vCPU 1's mp_state at a SIPI's stop is not checked: it may be
     UNINITIALIZED, INIT_RECEIVED, or RUNNABLE while its CPU runs the
     INIT's kvm_vcpu_reset());
  3. the fixed IPI: vector 0x50, physical destination 1;
  4. break lapic_accept_irq for it: the target is APIC 1, which accepts
     it (returns 1) and has vector 0x50 in its IRR.
"""

import os
import re
import subprocess
import sys

import gdb

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from gdbcheck import continue_to, fail, resume, run, say, value  # noqa: E402

V_FIXED = 0x50			# final/guests/apic-ipi.S
LOAD_ADDR = 0x10000		# final/guests/guest.h: where minivmm loads the guest
APIC_DM_FIXED, APIC_DM_INIT, APIC_DM_STARTUP = 0x000, 0x500, 0x600	# ICR bits 10:8
APIC_DEST_ALLBUT = 0xc0000	# ICR bits 19:18 = 11 (Intel SDM Vol. 3A, 11.6.1)
KVM_MP_STATE_UNINITIALIZED, KVM_MP_STATE_INIT_RECEIVED = 1, 2	# <linux/kvm.h>
APIC_IRR = 0x200


def sipi_vector():
    """The STARTUP vector the guest sends: ap_tramp's page (smp32.S), from
    the guest's object file in the tree GDB was given."""
    obj = os.path.join(gdb.parameter("minikvm-tree"), "build/guests/apic-ipi.o64")
    out = subprocess.run(["nm", obj], capture_output=True, text=True).stdout
    m = re.search(r"^([0-9a-f]+) t ap_tramp$", out, re.M)
    if not m:
        fail("no ap_tramp in %s" % obj)
    return (LOAD_ADDR + int(m.group(1), 16)) >> 12


def irq():
    """The message of the kvm_apic_deliver() or lapic_accept_irq() frame."""
    return {f: value("irq->" + f) for f in
            ("vector", "delivery_mode", "dest_mode", "shorthand", "dest_id")}


gdb.execute("set pagination off")
sipi = sipi_vector()

# 1. The INIT.  GDB may attach in the middle of a run: skip that run's
#    IPIs until the next run's first one (the guest sends 9 a run).
gdb.execute("break kvm_apic_deliver if src != 0", to_string=True)
for skipped in range(12):
    continue_to("kvm_apic_deliver", "1")
    if irq()["delivery_mode"] == APIC_DM_INIT:
        break
else:
    fail("1: no INIT among 12 IPIs")
m = irq()
out = run("bt 6")
src_id = value("src->vcpu->vcpu_id")
ap_state = value("kvm->vcpus[1]->arch.mp_state")
lock = value("src->lock.rlock.raw_lock.val.counter")
run("p/x *irq")
if m["shorthand"] != APIC_DEST_ALLBUT or src_id != 0:
    fail("1: INIT with shorthand 0x%x from vCPU %d; expected 0x%x (all but self) from vCPU 0"
         % (m["shorthand"], src_id, APIC_DEST_ALLBUT))
if ap_state != KVM_MP_STATE_UNINITIALIZED:
    fail("1: vCPU 1's mp_state is %d before the INIT, expected UNINITIALIZED (%d)"
         % (ap_state, KVM_MP_STATE_UNINITIALIZED))
if "kvm_lapic_unlock" not in out or "kvm_lapic_mmio" not in out:
    fail("1: the INIT not sent by kvm_lapic_unlock() after an xAPIC MMIO write")
if lock != 0:
    fail("1: the sender's lock is held (0x%x) while it delivers" % lock)
say("1: INIT (0x%x), shorthand 0x%x, from vCPU 0's ICR write, its lock dropped; vCPU 1"
    " UNINITIALIZED (%d IPIs of an earlier run skipped)" % (m["delivery_mode"], m["shorthand"], skipped))

# 2. The two SIPIs, and the AP taking the first in its own thread.  The
#    AP's stop may come before or after the second SIPI's.
gdb.execute("break kvm_vcpu_deliver_sipi_vector", to_string=True)
sipis, started = 0, False
while sipis < 2 or not started:
    resume("continue", may_stay=True)  # two SIPIs: the same place twice
    where = gdb.selected_frame().name()
    if where == "kvm_apic_deliver":
        m = irq()
        sipis += 1
        if sipis > 2 or m["delivery_mode"] != APIC_DM_STARTUP or m["vector"] != sipi or \
                m["shorthand"] != APIC_DEST_ALLBUT:
            fail("2: IPI %d after the INIT: mode 0x%x vector 0x%x shorthand 0x%x; expected a SIPI"
                 " (0x%x), vector 0x%x, shorthand 0x%x" % (sipis, m["delivery_mode"], m["vector"],
                                                           m["shorthand"], APIC_DM_STARTUP, sipi,
                                                           APIC_DEST_ALLBUT))
        say("2: SIPI %d: mode 0x%x, vector 0x%x (ap_tramp at 0x%x)"
            % (sipis, m["delivery_mode"], m["vector"], m["vector"] << 12))
    elif where == "kvm_vcpu_deliver_sipi_vector":
        out = run("bt 4")
        vcpu_id, vector, state = value("vcpu->vcpu_id"), value("vector"), value("vcpu->arch.mp_state")
        if started or sipis == 0 or vcpu_id != 1 or vector != sipi or \
                state != KVM_MP_STATE_INIT_RECEIVED or "kvm_apic_accept_events" not in out:
            fail("2: kvm_vcpu_deliver_sipi_vector for vCPU %d, vector 0x%x, mp_state %d (after %d"
                 " SIPIs); expected once, vCPU 1, 0x%x, INIT_RECEIVED (%d), from"
                 " kvm_apic_accept_events" % (vcpu_id, vector, state, sipis, sipi,
                                              KVM_MP_STATE_INIT_RECEIVED))
        started = True
        say("2: vCPU 1, in its own thread, takes SIPI vector 0x%x in INIT_RECEIVED: CS:IP = 0x%x:0"
            % (vector, vector << 8))
    else:
        fail("2: stopped in %s, expected kvm_apic_deliver or kvm_vcpu_deliver_sipi_vector" % where)
gdb.execute("delete 2", to_string=True)

# 3. The fixed IPI to APIC ID 1.
continue_to("kvm_apic_deliver", "3")
m = irq()
run("p/x *irq")
if (m["delivery_mode"], m["vector"], m["dest_mode"], m["dest_id"], m["shorthand"]) != \
        (APIC_DM_FIXED, V_FIXED, 0, 1, 0):
    fail("3: %s; expected fixed, vector 0x%x, physical destination 1, no shorthand"
         % (", ".join("%s 0x%x" % kv for kv in m.items()), V_FIXED))
say("3: fixed IPI, vector 0x%x, dest_mode 0 (physical), dest_id 1" % m["vector"])

# 4. The target accepts it.  (The breakpoint on kvm_apic_deliver goes
#    first: `finish` returns through a momentary breakpoint on this CPU.)
gdb.execute("delete", to_string=True)
gdb.execute("break lapic_accept_irq if irq->vector == %d" % V_FIXED, to_string=True)
continue_to("lapic_accept_irq", "4")
out = run("bt 3")
target_id, target = value("s->vcpu_id"), value("s")
if "kvm_apic_deliver" not in out or target_id != 1:
    fail("4: lapic_accept_irq for APIC %d, expected APIC 1, from kvm_apic_deliver" % target_id)
gdb.execute("delete", to_string=True)
resume("finish")
if gdb.selected_frame().name() != "kvm_apic_deliver":
    fail("4: finish did not return to kvm_apic_deliver (in %s)" % gdb.selected_frame().name())
accepted = value("$")
irr = value("*(unsigned int *)&((struct kvm_lapic *)0x%x)->regs[0x%x]"
            % (target, APIC_IRR + (V_FIXED // 32) * 0x10))
if accepted != 1 or not irr & (1 << V_FIXED % 32):
    fail("4: lapic_accept_irq returned %d, APIC 1's IRR word 0x%x; expected 1 and bit %d"
         % (accepted, irr, V_FIXED % 32))
say("4: APIC 1 accepted it (returned %d), IRR word 0x%x: vector 0x%x" % (accepted, irr, V_FIXED))
say("PASS")
gdb.execute("quit 0")
