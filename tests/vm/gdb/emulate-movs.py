# SPDX-License-Identifier: GPL-2.0
# guest: emulate-string
"""The batch GDB scenario of chapter 05: one REP MOVSQ through the
instruction emulator, as the lesson's walkthrough does it
(chapters/05-emulate/README.md, section 15).

Run by `tests/vm/lab --gdb-batch tests/vm/gdb/emulate-movs.py --guest
emulate-string` (scripts/test-all reads the guest from the "# guest:"
line above).  The emulate-string guest runs `rep movsq` (F3 48 A5) with
RCX = 20 from RAM to minivmm's MMIO window (EMU_WINDOW_BASE), then from
the window to RAM.  Each step prints one "gdb-check:" line; the first
that fails prints "gdb-check: FAIL ..." and GDB exits 1.

  1. break x86_emulate_insn for the RAM-to-window REP MOVSQ's first
     iteration: it came from the nested page fault (kvm_emulate_instruction
     in the backtrace), decoded as 3 bytes F3 48 A5, "movs", 8-byte
     operands, REP;
  2. finish: EMULATION_RESTART (1), one element done: RCX 19, RSI and RDI
     8 bytes on, and one 8-byte write to the window queued for userspace;
  3. break complete_emulated_write: the next KVM_RUN, after minivmm took
     that write, runs the next iteration with the same decoded
     instruction (not through kvm_emulate_instruction again);
  4. the window-to-RAM REP MOVSQ: finish gives EMULATION_IO_NEEDED (3),
     no register moved, and an 8-byte read of RSI's address pending;
  5. break complete_emulated_read: the next KVM_RUN brings minivmm's
     answer (a KVM_EXIT_MMIO read of that address); the instruction runs
     again and this time finishes its element: EMULATION_RESTART, RCX 19.
"""

import os
import sys

import gdb

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from gdbcheck import continue_to, fail, resume, run, say, value  # noqa: E402

WINDOW = 0xd0001000		# final/guests/guest.h: EMU_WINDOW_BASE
COUNT = 20			# final/guests/emulate-string.S: RCX of every form
RCX, RSI, RDI = 1, 6, 7		# ctxt->regs[] (enum kvm_reg order)
EMULATION_RESTART, EMULATION_IO_NEEDED = 1, 3	# include/minikvm/kvm_emulate.h
REP_MOVSQ = "ctxt->b == 0xa5 && ctxt->rep_prefix == 0xf3 && ctxt->op_bytes == 8"


def regs():
    return [value("ctxt->regs[%d]" % r) for r in (RCX, RSI, RDI)]


def finish_insn(step):
    """finish x86_emulate_insn(): its return value."""
    resume("finish")
    if gdb.selected_frame().name() != "x86_emulate_run":
        fail("%s: finish did not return to x86_emulate_run (in %s)"
             % (step, gdb.selected_frame().name()))
    return value("$")


def first_rep_movsq(step, src_in_window):
    """Stop in x86_emulate_insn() at the first iteration of a REP MOVSQ
    with RCX = 20 whose source (or, !src_in_window, destination) is the
    start of the window, the other operand in RAM.  A condition on x86_emulate_insn() itself would be evaluated
    at each of the hundreds of iterations before it, each a round trip to
    QEMU's gdbstub: stop instead where an instruction enters the emulator
    (kvm_emulate_instruction, once per instruction), with the guest's
    registers as the condition, and look at what it decodes."""
    win, other = (RSI, RDI) if src_in_window else (RDI, RSI)
    gdb.execute("break kvm_emulate_instruction if vcpu->arch.regs[%d] == %d && "
                "vcpu->arch.regs[%d] == 0x%x && vcpu->arch.regs[%d] < 0x%x"
                % (RCX, COUNT, win, WINDOW, other, WINDOW), to_string=True)
    for tries in range(40):
        continue_to("kvm_emulate_instruction", step, wait=60)
        gdb.execute("tbreak x86_emulate_insn", to_string=True)
        continue_to("x86_emulate_insn", step)
        if value(REP_MOVSQ):
            gdb.execute("delete", to_string=True)
            return
        say("%s: not yet: %s" % (step, " ".join("%02x" % value("ctxt->insn[%d]" % i)
                                               for i in range(value("ctxt->insn_len")))))
    fail("%s: no rep movsq among 40 instructions" % step)


def direction():
    """+8 or -8: where RSI and RDI go (DF, RFLAGS bit 10)."""
    return -8 if value("ctxt->eflags") & 0x400 else 8


gdb.execute("set pagination off")

# 1. The first iteration of the RAM-to-window REP MOVSQ.
first_rep_movsq("1", False)
out = run("bt 5")
insn = [value("ctxt->insn[%d]" % i) for i in range(3)]
length, name = value("ctxt->insn_len"), gdb.parse_and_eval("ctxt->op->name").string()
rcx, rsi, rdi = regs()
step = direction()
run("p/x ctxt->regs[1]@7")
if "kvm_emulate_instruction" not in out:
    fail("1: x86_emulate_insn not called from kvm_emulate_instruction (the NPF's path)")
if insn != [0xf3, 0x48, 0xa5] or length != 3 or name != "movs":
    fail("1: decoded %s, %d bytes, \"%s\"; expected f3 48 a5, 3 bytes, \"movs\""
         % (" ".join("%02x" % b for b in insn), length, name))
say("1: rep movsq (f3 48 a5, %d bytes, \"%s\") from kvm_emulate_instruction: RCX %d, RSI 0x%x,"
    " RDI 0x%x" % (length, name, rcx, rsi, rdi))

# 2. One element: RESTART, the registers moved, the write queued.
r = finish_insn("2")
rcx2, rsi2, rdi2 = regs()
writes = value("((struct kvm_vcpu *)ctxt->opaque)->arch.emu_mmio.nr_writes")
w_gpa = value("((struct kvm_vcpu *)ctxt->opaque)->arch.emu_mmio.writes[0].gpa")
w_len = value("((struct kvm_vcpu *)ctxt->opaque)->arch.emu_mmio.writes[0].len")
if r != EMULATION_RESTART or (rcx2, rsi2, rdi2) != (rcx - 1, rsi + step, rdi + step):
    fail("2: returned %d with RCX %d, RSI 0x%x, RDI 0x%x; expected %d (EMULATION_RESTART) with"
         " %d, 0x%x, 0x%x" % (r, rcx2, rsi2, rdi2, EMULATION_RESTART, rcx - 1, rsi + step,
                              rdi + step))
if writes != 1 or w_gpa != rdi or w_len != 8:
    fail("2: %d writes queued, the first to 0x%x, %d bytes; expected 1 to 0x%x, 8 bytes"
         % (writes, w_gpa, w_len, rdi))
say("2: EMULATION_RESTART: RCX %d, RSI 0x%x, RDI 0x%x; an 8-byte write to 0x%x queued"
    % (rcx2, rsi2, rdi2, w_gpa))

# 3. The next iteration, after minivmm took the write: the next KVM_RUN
#    calls complete_emulated_write(), which runs the instruction again
#    (a tail call: x86_emulate_run() then sits right under
#    kvm_arch_vcpu_ioctl_run(), no page fault in between).
gdb.execute("break complete_emulated_write", to_string=True)
continue_to("complete_emulated_write", "3")
gdb.execute("delete", to_string=True)
gdb.execute("break x86_emulate_insn", to_string=True)
continue_to("x86_emulate_insn", "3")
out = run("bt 4")
rcx3 = value("ctxt->regs[%d]" % RCX)
if "kvm_emulate_instruction" in out or rcx3 != rcx - 1 or value("ctxt->insn_len") != 3:
    fail("3: the next iteration with RCX %d, insn_len %d; expected RCX %d, 3, not decoded again"
         " (no kvm_emulate_instruction)" % (rcx3, value("ctxt->insn_len"), rcx - 1))
say("3: after the write exit, complete_emulated_write runs the next iteration: RCX %d" % rcx3)

# 4. The window-to-RAM REP MOVSQ: its read goes to userspace first.
gdb.execute("delete", to_string=True)
first_rep_movsq("4", True)
rcx, rsi, rdi = regs()
step = direction()
r = finish_insn("4")
pend = "((struct kvm_vcpu *)ctxt->opaque)->arch.emu_mmio."
p_read, p_gpa, p_len = value(pend + "pending_read"), value(pend + "pending.gpa"), \
    value(pend + "pending.len")
if r != EMULATION_IO_NEEDED or regs() != [rcx, rsi, rdi]:
    fail("4: returned %d, registers %s; expected %d (EMULATION_IO_NEEDED), unchanged"
         % (r, regs(), EMULATION_IO_NEEDED))
if not p_read or p_gpa != rsi or p_len != 8:
    fail("4: pending read %d of 0x%x, %d bytes; expected a read of 0x%x, 8 bytes"
         % (p_read, p_gpa, p_len, rsi))
say("4: window to RAM: EMULATION_IO_NEEDED, an 8-byte read of 0x%x for minivmm" % p_gpa)

# 5. minivmm's answer comes back with the next KVM_RUN.
gdb.execute("break complete_emulated_read", to_string=True)
continue_to("complete_emulated_read", "5")
is_write, addr = value("vcpu->run->mmio.is_write"), value("vcpu->run->mmio.phys_addr")
if is_write or addr != rsi:
    fail("5: kvm_run.mmio is_write %d, phys_addr 0x%x; expected the read of 0x%x"
         % (is_write, addr, rsi))
gdb.execute("delete", to_string=True)
gdb.execute("break x86_emulate_insn", to_string=True)
continue_to("x86_emulate_insn", "5")
gdb.execute("delete", to_string=True)
r = finish_insn("5")
if r != EMULATION_RESTART or regs() != [rcx - 1, rsi + step, rdi + step]:
    fail("5: returned %d, registers %s; expected %d, RCX %d" % (r, regs(), EMULATION_RESTART,
                                                               rcx - 1))
say("5: minivmm answered the read of 0x%x; the element is done: EMULATION_RESTART, RCX %d"
    % (addr, rcx - 1))
say("PASS")
gdb.execute("quit 0")
