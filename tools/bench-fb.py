#!/usr/bin/env python3
"""bench-fb.py: what drawing the log on the framebuffer costs (QEMU TCG + OVMF).

    python3 tools/bench-fb.py [--runs 3] [--smp 4]

Boots `mode=test` with and without `fb=off`, alternately, and prints per run
the whole emulator wall time and the kernel's own part: the wall time from
the kernel entering fbcon_start to entering platform_exit (gdb-stub
breakpoints, tests/emu/screen_test.py), then the medians. Figures, not a test.
"""
import argparse
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "emu"))
import screen_test as S  # noqa: E402


def one(cmdline, smp):
    base = os.path.join(S.OUT, "bench-fb")
    iso = base + ".iso"
    subprocess.run(["make", "-s", "iso", f"CMDLINE={cmdline}", f"ISO={iso}"], cwd=ROOT, check=True,
                   capture_output=True)
    for ext in (".mon", ".gdb"):
        if os.path.exists(base + ext):
            os.unlink(base + ext)
    t = dict(firmware="ovmf", machine="pc", serial=True, smp=smp)
    t0 = time.monotonic()
    p = subprocess.Popen(S.qemu_cmd(t, iso, base, True), cwd=ROOT, stdin=subprocess.DEVNULL,
                         stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        gdb = S.Gdb(base + ".gdb", time.monotonic() + 60)
        gdb.cmd("?")
        S.stop_at(gdb, "fbcon_start", 120)
        k0 = time.monotonic()
        S.stop_at(gdb, "platform_exit", 120)
        k1 = time.monotonic()
        gdb.cmd("D")
        rc = p.wait(timeout=60)
    finally:
        S.kill_group(p)
    if rc != S.QEMU_PASS:
        raise SystemExit(f"bench-fb: {cmdline}: QEMU exit status {rc}")
    return time.monotonic() - t0, k1 - k0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--smp", type=int, default=4)
    a = ap.parse_args()
    os.makedirs(S.OUT, exist_ok=True)
    subprocess.run(["make", "-s"], cwd=ROOT, check=True, capture_output=True)
    res = {"mode=test": [], "mode=test fb=off": []}
    for i in range(a.runs):
        for c in res:
            w, k = one(c, a.smp)
            res[c].append((w, k))
            print(f"bench-fb: run {i + 1} '{c}': emulator {w:.2f} s, kernel fbcon_start..platform_exit {k:.3f} s",
                  flush=True)
    for c, v in res.items():
        print(f"bench-fb: '{c}': median emulator {statistics.median(x[0] for x in v):.2f} s, "
              f"median kernel {statistics.median(x[1] for x in v):.3f} s ({a.runs} runs, {a.smp} CPUs)")


if __name__ == "__main__":
    main()
