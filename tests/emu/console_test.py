#!/usr/bin/env python3
"""console_test.py: scripted sessions on vmxboot's serial console (mode=interactive).

    python3 tests/emu/console_test.py [--emu bochs|qemu] [--only REGEX] [--list]
        [--iso PATH] [--timeout SECONDS] [--verbose] [--self-test]

Boots the real ISO (`make -s iso CMDLINE='mode=interactive'`, once, in emu.py's ISO cache)
with COM1 on a TCP socket bound to 127.0.0.1 (a free port picked per run: Bochs cannot
rebind a port in TIME_WAIT), waits for the first prompt, types commands and parses every
reply strictly against the contract of kernel/console.h:

    <echo of the typed line>\\r\\n
    <output lines>\\r\\n ...          none of them "ok" or "error: ..."
    ok\\r\\n | error: <reason>\\r\\n  exactly one final line
    vmxboot>                        the prompt, then nothing more

Sessions:
  bochs  Bochs corei7_skylake_x, 2 CPUs, VT-x: vmx/vmcs/guest/rdmsr/cpuid, bad input,
         line-editor keys, then poweroff (Bochs must exit by itself)
  qemu   QEMU TCG -cpu max, 2 CPUs, no VT-x: the no-VMX replies, reboot (a fresh boot
         report and prompt on the same socket), poweroff (exit status 0 or 33)
  qemu-pci  the same QEMU with no COM1 and a PCI 16550 on the socket: the boot report
         (replayed to it after ACPI), cpuid, poweroff
  qemu-nmi  QEMU TCG, 2 CPUs, with a monitor socket: `nmi` at the prompt gives one
         "NMI received" line per CPU and the console goes on; then `mce` on CPU 1 gives
         the machine-check bank lines and a panic report
  bochs-screen  (only with --emu bochs-screen: about a minute) Bochs, 1 CPU, the screen
         refreshed at 60 Hz: `log` replays until more of the screen pty was read than an
         unread pty holds (console_screen.py); --no-screen-drain shows Bochs stop without it

Each check is one case: `ok - NAME` or `not ok - NAME: why`; at the end
`console-tests: N passed, N failed`; build/console.count gets "passed failed 0".
--only REGEX runs the matching cases plus the earlier cases they depend on (the
session state they need). Hard limits: each session is killed (its whole process group)
after --timeout seconds (default 240); a hung kernel fails the cases left, never hangs
the run. Files: build/emu/console-EMU.serial.log (every byte received), .emu.out, and for
Bochs .screen (its term display's pty, read while it runs so that Bochs never blocks on it).

The parts: console_session.py (emulator commands, the connection, the reply grammar, the
checks), console_bochs.py and console_qemu.py (the cases), console_irq.py (qemu-nmi),
console_screen.py (bochs-screen) and this runner.
"""

import argparse
import os
import re
import shutil
import sys
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from emu import cached_iso  # noqa: E402  (the shared ISOs)
import slots  # noqa: E402  (make test's shared emulator job slots)
import console_bochs  # noqa: E402  (the Bochs session's cases)
import console_qemu  # noqa: E402  (the QEMU sessions' cases)
import console_screen  # noqa: E402  (bochs-screen: Bochs's screen pty read past what it holds)
# the session plumbing; tools/bench-console.py reaches it as console_test.NAME
from console_session import (BOOT_TIMEOUT, CMD_TIMEOUT, CMDLINE, EXIT_TIMEOUT, FIRST_PROMPT,  # noqa: E402,F401
                             OUTDIR, PROMPT, ROOT, Broken, Fail, Session, parse_reply)

SESSIONS = {"bochs": console_bochs.STEPS, **console_qemu.SESSIONS, "bochs-screen": console_screen.STEPS}
DEFAULT = ["bochs", "qemu", "qemu-pci", "qemu-nmi"]     # bochs-screen takes a minute: only when named


def select_steps(emu, only):
    steps = SESSIONS[emu]
    if not only:
        return steps
    byname = {n: (n, d, f) for n, d, f in steps}
    keep = {"boot"}
    todo = [n for n, _, _ in steps if re.search(only, f"{emu}/{n}")]
    while todo:
        n = todo.pop()
        if n not in keep:
            keep.add(n)
            todo += byname[n][1]
    return [st for st in steps if st[0] in keep]


def run_session(emu, iso, only, limit, verbose, results, live=True, drain=True):
    steps = select_steps(emu, only)
    if len(steps) == 1 and only and not re.search(only, f"{emu}/boot"):
        return None
    with slots.held(f"console/{emu}", SESSION_ESTIMATE.get(emu, 20)):
        s = Session(emu, iso, limit, verbose)
        s.live = live
        s.screen_drain = drain
        return run_steps(emu, steps, s, results)


SESSION_ESTIMATE = {"bochs": 90, "bochs-screen": 70}     # seconds, for the order of make test's job slots


def run_steps(emu, steps, s, results):
    broken = None
    try:
        s.start()
    except Broken as e:
        broken = f"session did not start: {e}"
    try:
        for name, _, fn in steps:
            full = f"{emu}/{name}"
            if broken:
                results.append((full, f"not run: {broken}"))
            else:
                try:
                    fn(s)
                    results.append((full, None))
                except Fail as e:
                    results.append((full, str(e)))
                except Broken as e:
                    broken = f"the session broke at '{name}'"
                    results.append((full, f"{e} (emulator {s.status()})"))
            if s.live:
                r = results[-1]
                print(f"ok - {r[0]}" if r[1] is None else f"not ok - {r[0]}: {r[1]}", flush=True)
    finally:
        if s.p:
            s.stop()
    return s.timings, s.exit_status, s.screen()


def self_test():
    """The grammar checker on made-up replies (no emulator): each must be taken or refused."""
    cases = [
        (b"help\r\nx\r\nok\r\nvmxboot> ", "help", True),
        (b"help\r\nok\r\nvmxboot> ", "help", True),
        (b"help\r\nerror: no\r\nvmxboot> ", "help", True),
        (b"help\r\nx\r\nok\r\nok\r\nvmxboot> ", "help", False),          # two final lines
        (b"help\r\nerror: a\r\nok\r\nvmxboot> ", "help", False),
        (b"help\r\nx\r\nvmxboot> ", "help", False),                       # no final line
        (b"help\r\nvmxboot> ", "help", False),
        (b"help\r\nok\r\n", "help", False),                               # no prompt
        (b"help\r\nok\nvmxboot> ", "help", False),                         # bare LF
        (b"help\r\nok\r\nvmxboot> ", "hel", False),                        # wrong echo
        (b"help\r\nx\x01\r\nok\r\nvmxboot> ", "help", False),               # control byte
        (b"help\r\nerror: \r\nvmxboot> ", "help", False),                  # empty reason
    ]
    bad = 0
    for chunk, echo, good in cases:
        try:
            parse_reply(chunk, echo)
            took = True
        except Fail:
            took = False
        if took != good:
            bad += 1
            print(f"self-test: {chunk!r} was {'taken' if took else 'refused'}")
    print(f"self-test: {len(cases) - bad} of {len(cases)} made-up replies judged right")
    return 1 if bad else 0


def write_count(passed, failed):
    os.makedirs(os.path.join(ROOT, "build"), exist_ok=True)
    with open(os.path.join(ROOT, "build", "console.count"), "w") as f:
        f.write(f"{passed} {failed} 0\n")


def main(argv=None):
    ap = argparse.ArgumentParser(description="Scripted sessions on vmxboot's serial console.")
    ap.add_argument("--emu", choices=sorted(SESSIONS), action="append",
                    help="run only this session (may be given more than once; default: all but bochs-screen)")
    ap.add_argument("--only", metavar="REGEX",
                    help="run the cases whose 'emu/name' matches REGEX (re.search), plus the cases they need")
    ap.add_argument("--list", action="store_true", help="list the cases")
    ap.add_argument("--iso", help="boot this ISO as is (built with CMDLINE='mode=interactive')")
    ap.add_argument("--timeout", type=float, default=240, help="hard limit per session, seconds (default 240)")
    ap.add_argument("-j", "--jobs", type=int, default=1, choices=[1, 2],
                    help="sessions at a time (default 1; make test uses 2: each has its own port and files); "
                         "with 2 each session's cases print when it ends")
    ap.add_argument("-v", "--verbose", action="store_true", help="print every reply as received")
    ap.add_argument("--no-screen-drain", action="store_true",
                    help="leave Bochs's screen pty unread (to see Bochs stop once it is full: --emu bochs-screen)")
    ap.add_argument("--self-test", action="store_true", help="check the reply parser on made-up replies, no emulator")
    a = ap.parse_args(argv)
    if a.self_test:
        return self_test()
    emus = a.emu or DEFAULT
    if a.list:
        for emu in emus:
            for name, needs, _ in select_steps(emu, a.only):
                print(f"{emu}/{name}" + (f"  (needs: {', '.join(needs)})" if needs else ""))
        return 0

    results, timings = [], {}
    missing = [t for t, e in (("bochs", "bochs"), ("bochs-screen", "bochs"), ("qemu", "qemu-system-x86_64"),
                                                 ("qemu-pci", "qemu-system-x86_64"), ("qemu-nmi", "qemu-system-x86_64")) if t in emus and not shutil.which(e)]
    os.makedirs(OUTDIR, exist_ok=True)
    iso = os.path.abspath(a.iso) if a.iso else None
    err = None
    if not a.iso:
        iso, err = cached_iso(CMDLINE)      # the one mode=interactive ISO every runner shares
    elif not os.path.isfile(iso):
        err = f"ISO not found: {a.iso}"
    todo = []
    for emu in emus:
        if err or emu in missing:
            why = err or f"{emu} not installed"
            for name, _, _ in select_steps(emu, a.only):
                results.append((f"{emu}/{name}", f"not run: {why}"))
                print(f"not ok - {emu}/{name}: not run: {why}", flush=True)
        else:
            todo.append(emu)

    def one(emu):
        mine = []
        return mine, run_session(emu, iso, a.only, a.timeout, a.verbose, mine, live=a.jobs == 1,
                                 drain=not a.no_screen_drain)
    with ThreadPoolExecutor(max_workers=a.jobs) as pool:
        done = list(pool.map(one, todo))          # in the sessions' order
    for emu, (mine, t) in zip(todo, done):
        if a.jobs > 1:
            for full, e in mine:
                print(f"ok - {full}" if e is None else f"not ok - {full}: {e}", flush=True)
        results += mine
        if t is not None:
            timings[emu] = t
    for emu, (t, rc, screen) in timings.items():
        print(f"console: {emu} session " + ", ".join(f"{k} {v:.1f} s" for k, v in sorted(t.items()))
              + (f"; exit status {rc} after poweroff" if rc is not None else ""))
        if screen:
            print(f"console: {emu} {screen}")
    passed = sum(1 for _, e in results if e is None)
    failed = len(results) - passed
    print(f"console-tests: {passed} passed, {failed} failed")
    write_count(passed, failed)
    return 1 if failed or not results else 0


if __name__ == "__main__":
    sys.exit(main())
