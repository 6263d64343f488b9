#!/usr/bin/env python3
"""bench-smp.py: how long the SMP bring-up takes, in QEMU TCG and Bochs.

    python3 tools/bench-smp.py [--repeat N] [--no-bochs] [--qemu 1,2,4,8,16] [--bochs 1,2,4]

Builds one mode=test ISO, boots it through tests/emu/emu.py in each configuration
(QEMU TCG with SeaBIOS: -smp 1, 2, 4, 8, 16; Bochs corei7_skylake_x: count 1, 2, 4)
and reads from each serial log
  - `smp: bring-up N us from the first INIT to the last AP online (K APs, INIT wait
    I us, SIPI wait S us, M second SIPIs)`;
  - the per-CPU table (`smp: CPU APIC ID state ...`): each AP's arrival, in us after
    the first INIT;
  - the summary line's cpus_online.
It prints one table of figures and the ratio of the 16-CPU to the 2-CPU bring-up.
Figures only: nothing here passes or fails on timing. A boot that does not give
its figures is shown as such, and the exit status is 1 only then.

The times are the guest's own (TSC calibrated against the HPET, ACPI PM timer or PIT): in QEMU TCG they
follow the host clock, in Bochs the emulated one (FACTS.md: 'Time in Bochs'), so
the two emulators' columns are not comparable with each other or with hardware.
"""

import argparse
import os
import re
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
EMU = os.path.join(ROOT, "tests", "emu", "emu.py")
sys.path.insert(0, os.path.join(ROOT, "tests"))
import ktapcheck  # noqa: E402  (clean_line: strips firmware escapes from serial lines)

OUT = os.path.join(ROOT, "build", "bench")
ISO = os.path.join(OUT, "bench-smp.iso")
CMDLINE = "mode=test"

BRINGUP_RE = re.compile(r"smp: bring-up (\d+) us from the first INIT to the last AP online "
                        r"\((\d+) APs, INIT wait (\d+) us, SIPI wait (\d+) us, (\d+) second SIPIs\)")
# smp_report.c print_table(): index, APIC ID, state, then "ARRIVAL (SIPI at T)" for an online AP
ROW_RE = re.compile(r"smp:\s+(\d+)\s+(\d+)\s+online\s+(\d+) \(SIPI at (\d+)\)")
SUMMARY_RE = re.compile(r"vmxboot: summary .*\bcpus_online=(\S+)")
WALL_RE = re.compile(r"emulator wall time ([\d.]+) s")


def build_iso():
    os.makedirs(OUT, exist_ok=True)
    cmd = ["make", "-s", "iso", f"CMDLINE={CMDLINE}", f"ISO={os.path.relpath(ISO, ROOT)}"]
    p = subprocess.run(cmd, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT)
    if p.returncode != 0 or not os.path.isfile(ISO):
        print(p.stdout.decode("utf-8", errors="replace").rstrip())
        raise SystemExit(f"bench-smp: `{' '.join(cmd)}` failed (exit status {p.returncode})")


def parse_log(path):
    """Figures from one serial log: a dict, with None for what the log does not say."""
    fig = dict(online=None, bringup=None, aps=None, init_us=None, sipi_us=None, second=None, arrivals=[])
    try:
        with open(path, "rb") as f:
            raw = f.read().decode("utf-8", errors="replace")
    except OSError:
        return fig
    for line in raw.split("\n"):
        line = ktapcheck.clean_line(line)
        m = BRINGUP_RE.search(line)
        if m:
            fig.update(bringup=int(m[1]), aps=int(m[2]), init_us=int(m[3]), sipi_us=int(m[4]),
                       second=int(m[5]))
            continue
        m = ROW_RE.search(line)
        if m:
            fig["arrivals"].append(int(m[3]))
            continue
        m = SUMMARY_RE.search(line)
        if m and m[1].isdigit():
            fig["online"] = int(m[1])
    return fig


def boot(emu, cpus, timeout):
    name = f"bench-{emu}-{cpus}cpu"
    args = [sys.executable, EMU, "--emu", emu, "--smp", str(cpus), "--iso", ISO, "--name", name,
            "--cmdline", CMDLINE, "--timeout", str(timeout), "--expect-result", "ANY"]
    p = subprocess.run(args, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT)
    out = p.stdout.decode("utf-8", errors="replace")
    fig = parse_log(os.path.join(ROOT, "build", "emu", name + ".serial.log"))
    m = WALL_RE.search(out)
    fig["wall"] = float(m[1]) if m else None
    fig["emu_ok"] = p.returncode == 0
    fig["emu_tail"] = out.rstrip().split("\n")[-1] if out.strip() else "(no output)"
    return fig


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def combine(runs):
    """The median of each figure over repeated boots of one configuration."""
    first = runs[0]
    c = {k: median([r[k] for r in runs]) for k in ("online", "bringup", "wall")}
    c["arrival_median"] = median([median(r["arrivals"]) for r in runs])
    c["spread"] = median([max(r["arrivals"]) - min(r["arrivals"]) if r["arrivals"] else None for r in runs])
    for k in ("init_us", "sipi_us", "aps"):
        c[k] = first[k]
    c["second"] = median([r["second"] for r in runs])
    c["problems"] = [r["emu_tail"] for r in runs if not r["emu_ok"]]
    return c


def fmt(v, spec="{:.0f}"):
    return "-" if v is None else spec.format(v)


def main(argv=None):
    ap = argparse.ArgumentParser(description="Time vmxboot's SMP bring-up in QEMU TCG and Bochs (figures only).")
    ap.add_argument("--qemu", default="1,2,4,8,16", help="QEMU -smp counts (default %(default)s)")
    ap.add_argument("--bochs", default="1,2,4", help="Bochs cpu counts (default %(default)s; at most 15)")
    ap.add_argument("--no-bochs", action="store_true", help="QEMU only")
    ap.add_argument("--repeat", type=int, default=1, help="boots per configuration; figures are medians")
    ap.add_argument("--timeout", type=float, default=180, help="seconds per boot (default %(default)s)")
    a = ap.parse_args(argv)
    configs = [("qemu", int(n)) for n in a.qemu.split(",") if n]
    if not a.no_bochs:
        configs += [("bochs", int(n)) for n in a.bochs.split(",") if n]

    print(f"bench-smp: building {os.path.relpath(ISO, ROOT)} (cmdline '{CMDLINE}')", flush=True)
    build_iso()
    rows = {}
    for emu, cpus in configs:
        runs = []
        for i in range(a.repeat):
            print(f"bench-smp: {emu} {cpus} CPU(s), boot {i + 1} of {a.repeat}", flush=True)
            runs.append(boot(emu, cpus, a.timeout))
        rows[(emu, cpus)] = combine(runs)

    print()
    print(f"SMP bring-up, cmdline '{CMDLINE}'" + (f", medians of {a.repeat} boots" if a.repeat > 1 else "")
          + "; times in us after the first INIT, from the guest's TSC")
    hdr = ("config", "online", "bring-up us", "median AP arrival us", "AP arrival spread us", "2nd SIPIs",
           "boot wall s")
    print(f"{hdr[0]:<16} {hdr[1]:>6} {hdr[2]:>12} {hdr[3]:>21} {hdr[4]:>21} {hdr[5]:>9} {hdr[6]:>11}")
    delays = set()
    failed = []
    for (emu, cpus), c in rows.items():
        cfg = f"{'QEMU TCG' if emu == 'qemu' else 'Bochs skx'} x{cpus}"
        print(f"{cfg:<16} {fmt(c['online']):>6} {fmt(c['bringup']):>12} {fmt(c['arrival_median']):>21} "
              f"{fmt(c['spread']):>21} {fmt(c['second'] if cpus > 1 else None):>9} {fmt(c['wall'], '{:.1f}'):>11}")
        if c["init_us"] is not None:
            delays.add((c["init_us"], c["sipi_us"]))
        if c["online"] is None or (cpus > 1 and c["bringup"] is None):
            failed.append(f"{cfg}: no figures in the log" + (f" ({c['problems'][0]})" if c["problems"] else ""))
        elif c["problems"]:
            print(f"  note: {cfg}: {c['problems'][0]}")

    q2, q16 = rows.get(("qemu", 2)), rows.get(("qemu", 16))
    if q2 and q16 and q2["bringup"] and q16["bringup"]:
        print(f"ratio QEMU TCG 16-CPU / 2-CPU bring-up: {q16['bringup'] / q2['bringup']:.2f} "
              f"({fmt(q16['bringup'])} us / {fmt(q2['bringup'])} us)")
    for init_us, sipi_us in sorted(delays):
        print(f"delays used: INIT, wait {init_us} us, SIPI, wait {sipi_us} us, SIPI (all APs in parallel)")
    for f in failed:
        print(f"bench-smp: {f}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
