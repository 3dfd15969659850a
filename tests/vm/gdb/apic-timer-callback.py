# SPDX-License-Identifier: GPL-2.0
# guest: halt-timer
"""The batch GDB scenario of chapter 04's timer path, as the lesson's
walkthrough does it (chapters/04-apic-pit/README.md, section 15).

Run by `tests/vm/lab --gdb-batch tests/vm/gdb/apic-timer-callback.py
--guest halt-timer` (scripts/test-all reads the guest from the "# guest:"
line above).  The halt-timer guest software-enables its APIC, sets the
divide to 1, programs LVT timer = 0x40 (one-shot), an initial count of
500,000,000 (half a second at KVM's 1 GHz bus) and halts (STI; HLT).
Each step prints one "gdb-check:" line; the first that fails prints
"gdb-check: FAIL ..." and GDB exits 1.

  1. break apic_timer_fn: the host's hrtimer fired, outside the vCPU:
     the vCPU is halted (KVM_MP_STATE_HALTED) and outside guest mode,
     LVT timer reads 0x40, vector 0x40 is not in the IRR, nothing is
     pending; at the callback's return, pending_timer is 1;
  2. break kvm_inject_apic_timer_irqs (with a count pending): the same
     vCPU, now in its own thread (kvm_arch_vcpu_ioctl_run, from the HLT's
     vcpu_block), on another stack than the callback's;
  3. finish: vector 0x40 is in the IRR (bit 0 of its third word), the
     count is taken, and the one-shot stopped (target_expiration 0);
  4. break svm_inject_irq: vcpu->arch.interrupt = { injected, 0x40 },
     the INTA moved it from the IRR to the ISR, and PPR is 0x40.
"""

import os
import sys

import gdb

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from gdbcheck import continue_to, fail, resume, run, say, value  # noqa: E402

VECTOR = 0x40			# final/guests/halt-timer.S: V_TIMER
KVM_MP_STATE_HALTED = 3		# <linux/kvm.h>
# The xAPIC registers (Intel SDM Vol. 3A, Table 11-1): vector v is bit
# v % 32 of the word at base + (v / 32) * 0x10.
APIC_PROCPRI, APIC_ISR, APIC_IRR, APIC_LVTT = 0xa0, 0x100, 0x200, 0x320
WORD, BIT = (VECTOR // 32) * 0x10, 1 << (VECTOR % 32)


def reg(apic, off):
    """A 32-bit register of the APIC page of struct kvm_vlapic @apic."""
    return value("*(unsigned int *)&(%s)->lapic.regs[0x%x]" % (apic, off))


gdb.execute("set pagination off")

# 1. The hrtimer callback, in the host's timer interrupt.
gdb.execute("break apic_timer_fn", to_string=True)
continue_to("apic_timer_fn", "1")
run("bt 6")
irq_sp = value("$sp")
vcpu = value("a->vcpu")
vcpu_id, mp_state, mode = value("a->vcpu->vcpu_id"), value("a->vcpu->arch.mp_state"), value("a->vcpu->mode")
lvtt, irr, pending = reg("a", APIC_LVTT), reg("a", APIC_IRR + WORD), value("a->pending_timer.counter")
run("p a->lapic.lapic_timer")
if vcpu_id != 0 or mp_state != KVM_MP_STATE_HALTED or mode != value("OUTSIDE_GUEST_MODE"):
    fail("1: vCPU %d, mp_state %d, mode %d; expected vCPU 0, halted (%d), outside guest mode"
         % (vcpu_id, mp_state, mode, KVM_MP_STATE_HALTED))
if lvtt != VECTOR or irr & BIT or pending != 0:
    fail("1: LVT timer 0x%x, IRR word 0x%x, pending_timer %d; expected 0x%x, bit %d clear, 0"
         % (lvtt, irr, pending, VECTOR, VECTOR % 32))
say("1: apic_timer_fn for vCPU %d: halted, outside guest mode; LVT timer 0x%x, vector 0x%x not in the IRR"
    % (vcpu_id, lvtt, VECTOR))
# Run the callback to its return: it runs with interrupts off, so on this
# CPU alone; `advance` to its last line.
sal = gdb.selected_frame().find_sal()
lines = open(sal.symtab.fullname()).read().splitlines()
start = next(i for i, l in enumerate(lines) if l.startswith("static enum hrtimer_restart apic_timer_fn("))
ret = next(i for i in range(start, len(lines)) if "return HRTIMER_NORESTART;" in lines[i]) + 1
resume("advance %s:%d" % (sal.symtab.fullname(), ret))
if gdb.selected_frame().name() != "apic_timer_fn":
    fail("1: advance to line %d left apic_timer_fn (in %s)" % (ret, gdb.selected_frame().name()))
pending = value("a->pending_timer.counter")
if pending != 1:
    fail("1: pending_timer is %d at the callback's return, expected 1" % pending)
say("1: at the return: pending_timer = 1, the vCPU kicked")

# 2. The vCPU thread takes the count.
gdb.execute("delete", to_string=True)
gdb.execute("break kvm_inject_apic_timer_irqs if vcpu->arch.apic->pending_timer.counter != 0",
            to_string=True)
continue_to("kvm_inject_apic_timer_irqs", "2")
out = run("bt 6")
if value("vcpu") != vcpu:
    fail("2: another vCPU (0x%x) took the expiry of vCPU 0x%x" % (value("vcpu"), vcpu))
if "kvm_arch_vcpu_ioctl_run" not in out or "vcpu_block" not in out:
    fail("2: kvm_inject_apic_timer_irqs not called by the halted vCPU's vcpu_block, in KVM_RUN")
thread_sp = value("$sp")
if thread_sp >> 14 == irq_sp >> 14:
    fail("2: the same 16 KiB stack as the hrtimer callback (sp 0x%x and 0x%x)" % (thread_sp, irq_sp))
say("2: kvm_inject_apic_timer_irqs in the vCPU thread (vcpu_block <- kvm_arch_vcpu_ioctl_run),"
    " sp 0x%x, the callback's 0x%x" % (thread_sp, irq_sp))

# 3. The count becomes an IRR bit.  (The breakpoint goes first: `finish`
#    returns through a momentary breakpoint on this CPU only.)
gdb.execute("delete", to_string=True)
resume("finish")
if gdb.selected_frame().name() not in ("vcpu_block", "vcpu_enter_guest"):
    fail("3: finish did not return to the run loop (in %s)" % gdb.selected_frame().name())
APIC = "vcpu->arch.apic"
irr, isr = reg(APIC, APIC_IRR + WORD), reg(APIC, APIC_ISR + WORD)
pending = value(APIC + "->pending_timer.counter")
target = value(APIC + "->lapic.lapic_timer.target_expiration")
if not irr & BIT or isr & BIT or pending != 0 or target != 0:
    fail("3: IRR word 0x%x, ISR word 0x%x, pending_timer %d, target_expiration %d;"
         " expected bit %d in the IRR only, 0, 0" % (irr, isr, pending, target, VECTOR % 32))
say("3: back in %s: IRR word 0x%x (vector 0x%x), pending_timer 0, one-shot stopped"
    % (gdb.selected_frame().name(), irr, VECTOR))

# 4. The injection: the INTA moves the vector from the IRR to the ISR.
gdb.execute("break svm_inject_irq", to_string=True)
continue_to("svm_inject_irq", "4")
injected, nr = value("vcpu->arch.interrupt.injected"), value("vcpu->arch.interrupt.nr")
irr, isr, ppr = reg(APIC, APIC_IRR + WORD), reg(APIC, APIC_ISR + WORD), reg(APIC, APIC_PROCPRI)
if not injected or nr != VECTOR:
    fail("4: interrupt.injected %d nr 0x%x; expected 1, 0x%x" % (injected, nr, VECTOR))
if irr & BIT or not isr & BIT or ppr != VECTOR:
    fail("4: IRR word 0x%x, ISR word 0x%x, PPR 0x%x; expected bit %d in the ISR only, PPR 0x%x"
         % (irr, isr, ppr, VECTOR % 32, VECTOR))
say("4: vcpu->arch.interrupt = { injected, 0x%x }, ISR word 0x%x, PPR 0x%x: the INTA happened"
    % (nr, isr, ppr))
say("PASS")
gdb.execute("quit 0")
