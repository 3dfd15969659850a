# SPDX-License-Identifier: GPL-2.0
"""What every batch GDB scenario (tests/vm/gdb/*.py) needs: one
"gdb-check:" line per step, FAIL ending GDB with status 1, commands whose
output goes to the log, and resuming the machine with a time limit (a
breakpoint that is never hit must not hang `make test`).  Kept in lib/,
where scripts/test-all does not take it for a scenario."""

import threading
import time

import gdb

WAIT = 30			# seconds a breakpoint may take to be hit


def say(msg):
    print("gdb-check: " + msg, flush=True)


def fail(msg):
    say("FAIL " + msg)
    gdb.execute("quit 1")


def run(cmd):
    """A GDB command's output, echoed for the log."""
    out = gdb.execute(cmd, to_string=True)
    for line in out.rstrip("\n").splitlines():
        print("    " + line)
    return out


def where():
    """(thread, PC, SP) of the stop: the same triple again after a resume
    means the machine did not move."""
    return (gdb.selected_thread().num, int(gdb.parse_and_eval("$pc")),
            int(gdb.parse_and_eval("$sp")))


def _resume_once(cmd, wait, to_string=True):
    """Run @cmd, interrupting the machine after @wait seconds.  Without
    @to_string, as typed at the prompt: GDB prints what it prints there."""
    running = [True]

    def interrupt():
        if running[0]:
            gdb.execute("interrupt")
    timer = threading.Timer(wait, lambda: gdb.post_event(interrupt))
    timer.start()
    try:
        gdb.execute(cmd, from_tty=not to_string, to_string=to_string)
    finally:
        running[0] = False
        timer.cancel()


STUCK_RETRIES = 3


def resume(cmd, wait=WAIT, may_stay=False):
    """Run a command that resumes the machine (continue, finish); if it
    is not back within @wait seconds, stop the machine (the caller then
    finds itself in the wrong place and fails).

    To resume from a breakpoint GDB removes it, single-steps that CPU
    over it and puts it back.  Seen in CI (twice in one run, never here):
    QEMU's TCG gdbstub reported that step without the CPU having moved,
    so GDB met the same breakpoint again at once, on the same thread with
    the same PC and SP.  A finish can never come back to its own frame,
    and a continue to another place (@may_stay False) does not want to
    stop there either: resume again, at most STUCK_RETRIES times, saying
    so in the log."""
    before = where()
    for tries in range(STUCK_RETRIES + 1):
        _resume_once(cmd, wait)
        if may_stay or where() != before:
            return
        if tries < STUCK_RETRIES:
            say("(stopped again where %s began, pc 0x%x: the step over the "
                "breakpoint did not move; resuming)" % (cmd, before[1]))


def continue_to(func, step, wait=WAIT):
    """continue, and check that the stop is in func."""
    say("%s: continue to %s" % (step, func))
    t0 = time.time()
    # A continue from func to func may meet the same place again legally
    # (the next KVM_RUN has the same stack): no retry then.
    resume("continue", wait, may_stay=gdb.selected_frame().name() == func)
    name = gdb.selected_frame().name()
    if name != func:
        fail("%s: not stopped in %s after %.0f s (in %s instead)" % (step, func, time.time() - t0, name))


def value(expr):
    """A C expression of the stopped frame, as a Python int."""
    return int(gdb.parse_and_eval(expr))
