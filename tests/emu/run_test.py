#!/usr/bin/env python3
"""run_test.py: `make run`'s exit status, as a person at a terminal gets it.

    python3 tests/emu/run_test.py [--only REGEX] [--timeout SECONDS]

Runs tools/run.sh (and once `make run` itself) on a pseudo-terminal, as a person in a
terminal would: waits for the console prompt, types, and checks how the command ends.

  bochs-poweroff     `poweroff` at the Bochs console: exit status 0 (Bochs itself exits 1)
  bochs-leave        Ctrl-] (leaving the session): exit status 0, Bochs stopped
  bochs-crash        Bochs killed with SIGSEGV mid-session: a non-zero status and a 'run:
                     Bochs failed' line (a crash is never hidden)
  qemu-poweroff      `poweroff` at the QEMU console: exit status 0
  qemu-reboot        `reboot` at the QEMU console (run.sh passes -no-reboot): exit status 0
  qemu-crash         QEMU killed with SIGSEGV: non-zero and 'run: QEMU failed'
  make-run-poweroff  `make run` (KVM if usable, else Bochs), `poweroff`: exit status 0

SMP=1 throughout, to keep it cheap. Each case prints `ok - NAME` or `not ok - NAME: why`;
at the end `run-tests: N passed, N failed`; build/run.count gets "passed failed 0". Each
run is killed (its process group) after --timeout seconds (default 180). The transcript of
each run is build/emu/run-NAME.tty.log.
"""

import argparse
import os
import re
import select
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import slots  # noqa: E402  (make test's shared emulator job slots)

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
OUTDIR = os.path.join(ROOT, "build", "emu")
ISO = os.path.join(OUTDIR, "run.iso")
PROMPT = b"vmxboot> "
BOOT_TIMEOUT = 120
EXIT_TIMEOUT = 40


class Fail(Exception):
    pass


class Tty:
    """A command on a new pseudo-terminal, in its own process group."""

    def __init__(self, name, argv, limit, env=None):
        self.log = open(os.path.join(OUTDIR, f"run-{name}.tty.log"), "wb")
        master, slave = os.openpty()
        e = dict(os.environ, SMP="1", **(env or {}))
        self.p = subprocess.Popen(argv, cwd=ROOT, stdin=slave, stdout=slave, stderr=slave, env=e,
                                  start_new_session=True, close_fds=True)
        os.close(slave)
        self.fd = master
        self.buf = b""
        self.deadline = time.monotonic() + limit

    def read(self, wait):
        r, _, _ = select.select([self.fd], [], [], wait)
        if not r:
            return False
        try:
            d = os.read(self.fd, 65536)
        except OSError:       # EIO: every process on the terminal is gone
            d = b""
        if not d:
            return None
        self.log.write(d)
        self.log.flush()
        self.buf += d
        return True

    def until(self, pat, timeout, what):
        end = min(time.monotonic() + timeout, self.deadline)
        while pat not in self.buf:
            left = end - time.monotonic()
            if left <= 0:
                raise Fail(f"timed out ({timeout} s) waiting for {what}; output ends {self.buf[-300:]!r}")
            if self.read(min(left, 1.0)) is None:
                raise Fail(f"the terminal closed waiting for {what}; status {self.p.poll()}; "
                           f"output ends {self.buf[-300:]!r}")
        self.buf = self.buf[self.buf.index(pat) + len(pat):]

    def type(self, data):
        os.write(self.fd, data)

    def wait_exit(self, timeout):
        """The exit status; the output read until then is in self.buf."""
        end = min(time.monotonic() + timeout, self.deadline)
        while time.monotonic() < end:
            if self.read(0.2) is None or self.p.poll() is not None:
                break
        try:
            rc = self.p.wait(timeout=max(0.1, end - time.monotonic()))
        except subprocess.TimeoutExpired:
            raise Fail(f"still running {timeout} s later; output ends {self.buf[-300:]!r}")
        while self.read(0.1):
            pass
        return rc

    def close(self):
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(self.p.pid, sig)
            except ProcessLookupError:
                break
            try:
                self.p.wait(timeout=3)
                break
            except subprocess.TimeoutExpired:
                pass
        os.close(self.fd)
        self.log.close()


def descendants(pid):
    """PIDs below pid (children first), from /proc."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/task/{p}/children") as f:
                kids = [int(x) for x in f.read().split()]
        except OSError:
            kids = []
        out += kids
        todo += kids
    return out


def comm(pid):
    try:
        with open(f"/proc/{pid}/comm") as f:
            return f.read().strip()
    except OSError:
        return ""


def emulator_pid(t, name):
    for _ in range(50):
        for pid in descendants(t.p.pid):
            if comm(pid).startswith(name):
                return pid
        time.sleep(0.1)
    raise Fail(f"no {name} process below the run")


def want(cond, msg):
    if not cond:
        raise Fail(msg)


def poweroff(t, what):
    t.until(PROMPT, BOOT_TIMEOUT, "the console prompt")
    t.type(b"poweroff\r")
    rc = t.wait_exit(EXIT_TIMEOUT)
    want(rc == 0, f"{what} exited {rc} after poweroff, not 0; output ends {t.buf[-400:]!r}")
    return rc


def c_bochs_poweroff(t):
    poweroff(t, "tools/run.sh bochs")
    want(b"run: the kernel powered the machine off" in t.buf, f"no power-off line: {t.buf[-300:]!r}")


def c_bochs_leave(t):
    t.until(PROMPT, BOOT_TIMEOUT, "the console prompt")
    t.type(b"\x1d")
    rc = t.wait_exit(EXIT_TIMEOUT)
    want(rc == 0, f"exit status {rc} after Ctrl-], not 0; output ends {t.buf[-300:]!r}")
    want(b"run: you left the session; Bochs stopped" in t.buf, f"no 'you left' line: {t.buf[-300:]!r}")


def crash(t, name, line):
    t.until(PROMPT, BOOT_TIMEOUT, "the console prompt")
    pid = emulator_pid(t, name)
    os.kill(pid, signal.SIGSEGV)
    rc = t.wait_exit(EXIT_TIMEOUT)
    want(rc != 0, f"exit status 0 after {name} (pid {pid}) was killed with SIGSEGV; output ends {t.buf[-300:]!r}")
    want(re.search(line, t.buf), f"no {line!r} line; output ends {t.buf[-400:]!r}")


def c_bochs_crash(t):
    crash(t, "bochs", rb"run: Bochs failed \(killed by signal 11\)")


def c_qemu_poweroff(t):
    poweroff(t, "tools/run.sh qemu")


def c_qemu_reboot(t):
    t.until(PROMPT, BOOT_TIMEOUT, "the console prompt")
    t.type(b"reboot\r")
    rc = t.wait_exit(EXIT_TIMEOUT)
    want(rc == 0, f"tools/run.sh qemu exited {rc} after reboot (-no-reboot), not 0; output ends {t.buf[-300:]!r}")


def c_qemu_crash(t):
    crash(t, "qemu-system", rb"run: QEMU failed \(killed by signal 11\)")


def c_make_run(t):
    poweroff(t, "make run")
    want(not re.search(rb"make: \*\*\* .*Error", t.buf), f"make reported an error: {t.buf[-300:]!r}")


CASES = [
    ("bochs-poweroff", ["tools/run.sh", "bochs", ISO], c_bochs_poweroff),
    ("bochs-leave", ["tools/run.sh", "bochs", ISO], c_bochs_leave),
    ("bochs-crash", ["tools/run.sh", "bochs", ISO], c_bochs_crash),
    ("qemu-poweroff", ["tools/run.sh", "qemu", ISO], c_qemu_poweroff),
    ("qemu-reboot", ["tools/run.sh", "qemu", ISO], c_qemu_reboot),
    ("qemu-crash", ["tools/run.sh", "qemu", ISO], c_qemu_crash),
    ("make-run-poweroff", ["make", "-s", "run", f"ISO={ISO}", "CMDLINE=mode=interactive"], c_make_run),
]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", help="run the cases whose name matches REGEX")
    ap.add_argument("--timeout", type=float, default=180.0)
    a = ap.parse_args()
    os.makedirs(OUTDIR, exist_ok=True)
    passed = failed = 0
    r = subprocess.run(["make", "-s", "iso", "CMDLINE=mode=interactive", f"ISO={ISO}"], cwd=ROOT)
    if r.returncode:
        print(f"not ok - build: make iso exited {r.returncode}")
        failed = 1
    for name, argv, fn in CASES if not failed else []:
        if a.only and not re.search(a.only, name):
            continue
        with slots.held(f"run/{name}", 5):
            t0 = time.monotonic()
            t = Tty(name, argv, a.timeout)
            try:
                fn(t)
                print(f"ok - {name} ({time.monotonic() - t0:.1f} s)")
                passed += 1
            except Fail as e:
                print(f"not ok - {name}: {e}")
                failed += 1
            finally:
                t.close()
    print(f"run-tests: {passed} passed, {failed} failed")
    with open(os.path.join(ROOT, "build", "run.count"), "w") as f:
        f.write(f"{passed} {failed} 0\n")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
