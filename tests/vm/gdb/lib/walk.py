# SPDX-License-Identifier: GPL-2.0
"""A lesson's GDB walkthrough, run as written.

A lesson shows a GDB session in fenced blocks marked `gdb`:

    ```gdb
    make gdb TREE=chapters/03-irq GUEST=pic-edge
    Thread ... hit Breakpoint 1, svm_vcpu_run (vcpu=...) at .../svm.c:...
    (gdb) break svm_inject_irq
    (gdb) continue
    Thread ... hit Breakpoint 2, svm_inject_irq (vcpu=...) at ...
    (gdb) p vcpu->arch.interrupt.nr
    $1 = 35
    ```

A `make gdb` line starts a walkthrough: the boot it names (TREE, GUEST,
VMM_ARGS, as the Makefile takes them), stopped in svm_vcpu_run() as
`make gdb` stops (tests/vm/gdb-session).  Every `(gdb) ` line is a command,
run as the student types it; the lines under it are what GDB prints.  The
walkthrough goes on through the next `gdb` blocks, until the next
`make gdb` line.

The lesson shows only the lines that matter: each shown line must be
printed, in that order, others may come between.  In a shown line, `...`
stands for any text (an address, a line number, what differs from run to
run), and runs of blanks count as one.

A batch script (tests/vm/gdb/*.py) runs the walkthrough of its boot:

    w = Walkthrough("chapters/03-irq/README.md")
    w.run_to("p vcpu->arch.interrupt.nr")   # optional: stop after a command
    ...checks of its own (gdbcheck.value(), ...)
    w.run()                                 # the rest
    w.done()                                # gdb-check: PASS, quit 0

Each command prints a "gdb-check: FILE:LINE: (gdb) COMMAND" line, then
GDB's output; a shown line GDB did not print fails the test with the
lesson's line number.  The commands that resume the machine (continue,
finish, next, ...) are stopped after gdbcheck.WAIT seconds, so a
breakpoint that is never hit fails rather than hangs."""

import glob
import os
import re
import shlex
import sys

try:
    import gdb
    from gdbcheck import STUCK_RETRIES, WAIT, _resume_once, fail, say, where
except ImportError:		# a program, outside GDB: the --check below
    gdb = None

TOP = os.path.realpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../../.."))

# GDB commands that let the machine run.
RESUME = {"c", "cont", "continue", "fin", "finish", "n", "next", "s", "step", "ni", "nexti",
          "si", "stepi", "advance", "u", "until"}
# How `make gdb` starts (tests/vm/gdb-session, interactive.gdb).
START = ["break svm_vcpu_run", "continue"]


class Step:
    """One `(gdb) ` line of the lesson and the lines shown under it."""

    def __init__(self, cmd, line):
        self.cmd, self.line, self.shown = cmd, line, []


def _pattern(shown):
    """A shown line as a regular expression over a printed line."""
    parts = [re.escape(p) for p in re.split(r"\s*\.\.\.\s*", _blanks(shown))]
    return re.compile(".*".join(parts))


def _blanks(s):
    return " ".join(s.split())


class LessonError(Exception):
    pass


def parse(path):
    """The walkthroughs of a lesson: [(make gdb Step, [Step...])]."""
    walks, fence, cur = [], False, None
    with open(path) as f:
        for n, raw in enumerate(f, 1):
            text = raw.rstrip("\n")
            if not fence:
                fence = text.strip() == "```gdb"
                continue
            if text.strip() == "```":
                fence = False
            elif text.startswith("make gdb"):
                cur = Step(text, n)
                walks.append((cur, []))
            elif text.startswith("(gdb) "):
                if not walks:
                    raise LessonError("%s:%d: a (gdb) command before any `make gdb` line"
                                      % (os.path.relpath(path, TOP), n))
                cur = Step(text[len("(gdb) "):].strip(), n)
                walks[-1][1].append(cur)
            elif text.strip():
                if cur is None:
                    raise LessonError("%s:%d: a line to check before any command"
                                      % (os.path.relpath(path, TOP), n))
                cur.shown.append((n, text))
    return walks


def boot(make_line):
    """(tree, guest, vmm_args) of a `make gdb` line, with the Makefile's
    defaults."""
    words = shlex.split(make_line)
    args = {"TREE": "final", "GUEST": "hello", "VMM_ARGS": ""}
    for w in words[2:]:
        key, eq, val = w.partition("=")
        if not eq or key not in args:
            return None
        args[key] = val
    return (os.path.realpath(os.path.join(TOP, args["TREE"])), args["GUEST"],
            " ".join(args["VMM_ARGS"].split()))


class Walkthrough:
    """The walkthrough of a lesson whose `make gdb` line names this boot."""

    def __init__(self, lesson):
        self.path = lesson
        here = (os.path.realpath(gdb.parameter("minikvm-tree")),
                os.environ.get("MINIKVM_GDB_GUEST", "hello"),
                " ".join(os.environ.get("MINIKVM_GDB_VMM_ARGS", "").split()))
        try:
            walks = parse(os.path.join(TOP, lesson))
        except LessonError as e:
            fail(str(e))
        found = [w for w in walks if boot(w[0].cmd) == here]
        if not found:
            fail("%s has no `make gdb` line for this boot (tree %s, guest %s, minivmm %s);"
                 " it has: %s" % (lesson, os.path.relpath(here[0], TOP), here[1],
                                  here[2] or "-", "; ".join(w[0].cmd for w in walks) or "none"))
        self.make, self.steps = found[0]
        self.next = 0
        self.out = os.readlink("/proc/self/fd/1")
        if not os.path.isfile(self.out):
            fail("GDB's output is not a file (%s): run through tests/vm/lab --gdb-batch" % self.out)
        gdb.execute("set pagination off")
        # The start of `make gdb`, checked against the lines under it.
        self._execute(Step(START[0], self.make.line))
        self._execute(Step(START[1], self.make.line), self.make.shown)

    def _printed(self, cmd, resume):
        """Run @cmd as typed at the prompt; what GDB printed."""
        gdb.flush()
        sys.stdout.flush()
        pos = os.path.getsize(self.out)
        error = None
        try:
            if resume:
                _resume_once(cmd, WAIT, to_string=False)
            else:
                gdb.execute(cmd, from_tty=True)
        except gdb.error as e:
            error = str(e)
        gdb.flush()
        sys.stdout.flush()
        with open(self.out, errors="replace") as f:
            f.seek(pos)
            return f.read(), error

    def _missing(self, shown, printed):
        """The first shown line (n, text) that GDB did not print, in order."""
        lines = [_blanks(l) for l in printed.splitlines()]
        i = 0
        for n, text in shown:
            pat = _pattern(text)
            while i < len(lines) and not pat.fullmatch(lines[i]):
                i += 1
            if i == len(lines):
                return n, text
            i += 1
        return None

    def _execute(self, step, shown=None):
        shown = step.shown if shown is None else shown
        say("%s:%d: (gdb) %s" % (self.path, step.line, step.cmd))
        resume = step.cmd.split()[0] in RESUME
        before = where() if resume else None
        printed, error = self._printed(step.cmd, resume)
        # QEMU's gdbstub sometimes reports the step over a breakpoint
        # without the CPU having moved (gdbcheck.resume()): GDB is back at
        # the same breakpoint at once.  Resume again while that is so and
        # the lesson's lines are not there.
        for _ in range(STUCK_RETRIES):
            if not resume or where() != before or not self._missing(shown, printed):
                break
            say("(stopped again where %s began, pc 0x%x: the step over the breakpoint did not"
                " move; resuming)" % (step.cmd, before[1]))
            printed, error = self._printed(step.cmd, resume)
        if error:
            fail("%s:%d: `(gdb) %s` fails: %s" % (self.path, step.line, step.cmd, error))
        # A breakpoint on a function the modules do not have is no error
        # to GDB: it offers to make it pending, and batch mode says no.
        if "Make breakpoint pending" in printed:
            fail("%s:%d: `(gdb) %s`: %s" % (self.path, step.line, step.cmd,
                                          printed.strip().splitlines()[0]))
        miss = self._missing(shown, printed)
        if miss:
            fail("%s:%d: the lesson shows `%s` after `(gdb) %s`; GDB printed:\n%s"
                 % (self.path, miss[0], miss[1].strip(), step.cmd,
                    "\n".join("    " + l for l in printed.rstrip("\n").splitlines())))
        return printed

    def run_to(self, cmd):
        """Run the lesson's steps up to and including the next `(gdb) cmd`;
        its output."""
        while self.next < len(self.steps):
            step = self.steps[self.next]
            self.next += 1
            printed = self._execute(step)
            if step.cmd == cmd:
                return printed
        if cmd is not None:
            fail("%s: no `(gdb) %s` left in the walkthrough" % (self.path, cmd))
        return None

    def run(self):
        """Run the rest of the lesson's steps."""
        self.run_to(None)

    def done(self):
        """Every step ran and printed what the lesson shows."""
        if self.next != len(self.steps):
            fail("%s: %d steps of the walkthrough not run" % (self.path, len(self.steps) - self.next))
        say("PASS")
        gdb.execute("quit 0")


# ---------------------------------------------------------------------
# --check, outside GDB: every walkthrough of a lesson has its script.

LESSONS = ["docs/*.md", "chapters/*/README.md", "chapters/*/exercises/*.md"]


def script_boot(path):
    """(lesson, (tree, guest, vmm_args)) of a tests/vm/gdb/*.py, from its
    Walkthrough("...") and its "# tree:", "# guest:", "# vmm-args:"
    lines, with scripts/test-all's defaults."""
    text = open(path).read()
    head = dict(re.findall(r"^# (tree|guest|vmm-args): (.*)$", text, re.M))
    m = re.search(r'Walkthrough\("([^"]+)"\)', text)
    return (m and m.group(1), (os.path.realpath(os.path.join(TOP, head.get("tree", "final"))),
                               head.get("guest", "hello"), " ".join(head.get("vmm-args", "").split())))


def check():
    """Print each lesson walkthrough with the script that runs it; 1 if
    one has none, or a script names a walkthrough no lesson has."""
    scripts = {}
    for path in sorted(glob.glob(os.path.join(TOP, "tests/vm/gdb/*.py"))):
        lesson, b = script_boot(path)
        if lesson:
            scripts.setdefault((lesson, b), []).append(os.path.relpath(path, TOP))
    bad, seen = 0, set()
    for pattern in LESSONS:
        for path in sorted(glob.glob(os.path.join(TOP, pattern))):
            lesson = os.path.relpath(path, TOP)
            try:
                walks = parse(path)
            except LessonError as e:
                print("walkthrough: %s" % e)
                bad += 1
                continue
            for make, steps in walks:
                key = (lesson, boot(make.cmd))
                where_ = "%s:%d: %s (%d commands)" % (lesson, make.line, make.cmd, len(steps))
                if key[1] is None:
                    print("walkthrough: %s: not a make gdb line this check knows" % where_)
                    bad += 1
                elif key in seen:
                    print("walkthrough: %s: the same boot as an earlier walkthrough of the lesson"
                          % where_)
                    bad += 1
                elif key not in scripts:
                    print("walkthrough: %s: no tests/vm/gdb/*.py runs it" % where_)
                    bad += 1
                else:
                    print("walkthrough: %s: %s" % (where_, ", ".join(scripts[key])))
                seen.add(key)
    for (lesson, b), paths in sorted(scripts.items()):
        if (lesson, b) not in seen:
            print("walkthrough: %s: %s has no make gdb line for its boot" % (", ".join(paths), lesson))
            bad += 1
    return 1 if bad else 0


if __name__ == "__main__" and gdb is None:
    sys.exit(check())
