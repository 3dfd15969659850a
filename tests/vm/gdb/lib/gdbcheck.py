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


def resume(cmd, wait=WAIT):
    """Run a command that resumes the machine (continue, finish); if it
    is not back within @wait seconds, stop the machine (the caller then
    finds itself in the wrong place and fails)."""
    running = [True]

    def interrupt():
        if running[0]:
            gdb.execute("interrupt")
    timer = threading.Timer(wait, lambda: gdb.post_event(interrupt))
    timer.start()
    try:
        gdb.execute(cmd, to_string=True)
    finally:
        running[0] = False
        timer.cancel()


def continue_to(func, step, wait=WAIT):
    """continue, and check that the stop is in func."""
    say("%s: continue to %s" % (step, func))
    t0 = time.time()
    resume("continue", wait)
    name = gdb.selected_frame().name()
    if name != func:
        fail("%s: not stopped in %s after %.0f s (in %s instead)" % (step, func, time.time() - t0, name))


def value(expr):
    """A C expression of the stopped frame, as a Python int."""
    return int(gdb.parse_and_eval(expr))
