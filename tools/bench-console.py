#!/usr/bin/env python3
"""bench-console.py: how fast the serial console answers, with waits that sleep and with wait=pause.

    python3 tools/bench-console.py [--emu qemu,bochs] [--repeat N] [--no-pause]

Builds two mode=interactive ISOs (the default, whose console sleeps in hlt between
looks at the UART and keyboard, and one with wait=pause, which spins as before quiet
waiting), boots each in the sessions of tests/emu/console_test.py (COM1 on a
127.0.0.1 socket; QEMU TCG -cpu max with 2 CPUs, Bochs corei7_skylake_x with 2 CPUs),
and for each command types the words, waits for their echo, then times the newline:
from the '\\r' sent to the `vmxboot> ` prompt received. It prints the median and the
slowest of N answers per command, and the time to the first prompt.
Figures only: nothing here passes or fails on timing (and on a loaded machine the
wall times are noisy: run both ISOs in one go, as this script does, to compare them).
"""

import argparse
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "tests", "emu"))
import console_test as ct  # noqa: E402  (the session plumbing of the console tests)

OUT = os.path.join(ROOT, "build", "bench")
COMMANDS = ("help", "cpus", "cpuid 0", "cpuid 1 all")


def build_iso(cmdline, iso):
    os.makedirs(OUT, exist_ok=True)
    cmd = ["make", "-s", "iso", f"CMDLINE={cmdline}", f"ISO={os.path.relpath(iso, ROOT)}"]
    p = subprocess.run(cmd, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if p.returncode != 0:
        raise SystemExit(f"bench-console: `{' '.join(cmd)}` failed:\n{p.stdout.decode(errors='replace')}")


def one_session(emu, iso, repeat, timeout):
    """{command: [seconds...]}, boot seconds; or raises ct.Broken."""
    s = ct.Session(emu, iso, timeout, False)
    times = {c: [] for c in COMMANDS}
    try:
        s.start()
        s.conn.until(ct.FIRST_PROMPT, ct.BOOT_TIMEOUT * (3 if emu == "bochs" else 1), "the first prompt")
        boot = time.monotonic() - s.t0
        s.conn.quiet()
        for _ in range(repeat):
            for c in COMMANDS:
                s.conn.send(c.encode())
                s.conn.until(c.encode(), ct.CMD_TIMEOUT, f"the echo of {c!r}")
                t0 = time.monotonic()
                s.conn.send(b"\r")
                s.conn.until(ct.PROMPT, ct.CMD_TIMEOUT, f"the prompt after {c!r}")
                times[c].append(time.monotonic() - t0)
                s.conn.quiet(0.05)
        s.conn.send(b"poweroff\r")
        s.conn.until_eof(ct.EXIT_TIMEOUT)
    finally:
        s.stop()
    return times, boot


def main(argv=None):
    ap = argparse.ArgumentParser(description="Time the serial console's answers (figures only).")
    ap.add_argument("--emu", default="qemu,bochs", help="sessions: qemu, bochs (default %(default)s)")
    ap.add_argument("--repeat", type=int, default=5, help="answers per command (default %(default)s)")
    ap.add_argument("--no-pause", action="store_true", help="only the default ISO, no wait=pause one")
    ap.add_argument("--timeout", type=float, default=600, help="seconds per session (default %(default)s)")
    a = ap.parse_args(argv)
    isos = [("default", "mode=interactive", os.path.join(OUT, "console-bench.iso"))]
    if not a.no_pause:
        isos.append(("wait=pause", "mode=interactive wait=pause", os.path.join(OUT, "console-bench-pause.iso")))
    for _, cmdline, iso in isos:
        build_iso(cmdline, iso)
    rows, failed = [], 0
    for emu in [e for e in a.emu.split(",") if e]:
        for label, _, iso in isos:
            print(f"bench-console: {emu} {label}", flush=True)
            try:
                times, boot = one_session(emu, iso, a.repeat, a.timeout)
            except (ct.Broken, ct.Fail) as e:
                print(f"bench-console: {emu} {label}: {e}")
                failed += 1
                continue
            rows.append((emu, label, boot, times))
    print()
    print(f"console answers: newline sent to prompt received, ms (median / slowest of {a.repeat})")
    print(f"{'session':<20} {'first prompt s':>14} " + " ".join(f"{c:>16}" for c in COMMANDS))
    for emu, label, boot, times in rows:
        cells = " ".join(f"{statistics.median(times[c]) * 1000:7.1f} /{max(times[c]) * 1000:7.1f}" for c in COMMANDS)
        print(f"{emu + ' ' + label:<20} {boot:>14.1f} {cells}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
