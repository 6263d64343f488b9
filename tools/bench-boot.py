#!/usr/bin/env python3
"""bench-boot.py: boot-to-summary wall time against a floor, in QEMU TCG and Bochs.

    python3 tools/bench-boot.py [--repeat N] [--rows bochs1,bochs4,bochs12,qemu4,qemu16,ovmf4]

For each row it boots, through tests/emu/emu.py and the same emulator settings,
  - the floor: firmware + GRUB + tools/floor/floor.S, a multiboot2 kernel that
    prints one line and ends the emulator at once (make floor);
  - vmxboot with the default `mode=test`;
N times each (default 3) and prints the medians of the emulator wall time, the
kernel's log size in bytes (from its first `vmxboot ` line), that log's UART
time at 115200 baud (10 bits a byte: 86.8 us), and two ratios: kernel / floor
and kernel / (floor + UART time). Bochs paces COM1 at the programmed baud rate
in emulated time as real hardware does; QEMU writes serial output at once, so
its UART column is what a real port would add, not what QEMU spent.
Then one more `mode=test bench.boot` boot per row gives the kernel's phase
table (TSC microseconds; under Bochs emulated instructions at ips, labelled so).
Last, the bytes of each row's first kernel log by section (boot lines, smp,
irq, the VT-x capability and machine lines, the VT-x table, guest, conformance,
KTAP, summary), so one sees where the UART time goes.
    python3 tools/bench-boot.py --sections LOG [LOG ...]
prints only that table, for serial logs already made (build/emu/NAME.serial.log).
Figures only: nothing here passes or fails on timing; the exit status is 1 only
when a boot gave no figures.
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
OUT = os.path.join(ROOT, "build", "bench")
FLOOR_ELF = os.path.join(ROOT, "build", "floor", "floor.elf")
ISOS = {"floor": os.path.join(OUT, "floor.iso"), "test": os.path.join(OUT, "bench-boot.iso"),
        "phases": os.path.join(OUT, "bench-boot-phases.iso")}
CMDLINES = {"floor": "floor", "test": "mode=test", "phases": "mode=test bench.boot"}
ROWS = {   # name: (label, emu.py arguments)
    "bochs1": ("Bochs skx x1", ["--emu", "bochs", "--smp", "1", "--cpu-model", "corei7_skylake_x"]),
    "bochs4": ("Bochs skx x4", ["--emu", "bochs", "--smp", "4", "--cpu-model", "corei7_skylake_x"]),
    "bochs12": ("Bochs skx x12", ["--emu", "bochs", "--smp", "12", "--cpu-model", "corei7_skylake_x"]),
    "qemu4": ("QEMU SeaBIOS x4", ["--emu", "qemu", "--smp", "4"]),
    "qemu16": ("QEMU SeaBIOS x16", ["--emu", "qemu", "--smp", "16"]),
    "ovmf4": ("QEMU OVMF x4", ["--emu", "qemu-uefi", "--smp", "4"]),
}
UART_US_PER_BYTE = 10 / 115200 * 1e6   # start bit, 8 data bits, stop bit
WALL_RE = re.compile(r"emulator wall time ([\d.]+) s")
FLOOR_LINE = b"vmxboot-floor: "
PHASE_RE = re.compile(r"bench: boot: .*")


def run(cmd):
    p = subprocess.run(cmd, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    return p.returncode, p.stdout.decode("utf-8", errors="replace")


def build():
    os.makedirs(OUT, exist_ok=True)
    for what, cmd in (("kernel", ["make", "-s", "all"]), ("floor", ["make", "-s", "floor"])):
        rc, out = run(cmd)
        if rc:
            raise SystemExit(f"bench-boot: building the {what} failed (exit status {rc}):\n{out}")
    for kind, iso in ISOS.items():
        elf = FLOOR_ELF if kind == "floor" else os.path.join(ROOT, "build", "vmxboot.elf")
        rc, out = run(["tools/mkiso.sh", elf, iso, CMDLINES[kind]])
        if rc:
            raise SystemExit(f"bench-boot: mkiso for {kind} failed (exit status {rc}):\n{out}")


def kernel_bytes(raw):
    """The kernel's part of a serial log: from its first 'vmxboot ' line (GRUB and firmware before it)."""
    m = re.search(rb"cpu\d+: vmxboot ", raw)   # not GRUB's "Booting `vmxboot (mode=test)'"
    i = m.start() if m else raw.find(b"vmxboot")
    if i < 0:
        return None
    i = raw.rfind(b"\n", 0, i) + 1
    return len(raw) - i


SECTIONS = ("boot", "smp", "irq", "vmx caps", "vmx table", "guest", "conformance", "other", "KTAP", "summary")
PREFIX_RE = re.compile(rb"^\r*cpu\d+: ([^:\r]+)(: caps:|: machine:)?")


def section_of(line):
    """Which part of the report one kernel line (bytes, CR LF included) belongs to."""
    if line.startswith(b"vmxboot: summary"):
        return "summary"
    m = PREFIX_RE.match(line)
    if not m:
        return "KTAP" if re.match(rb"^\s*(KTAP version|\d+\.\.\d+|ok |not ok |#)", line) else "other"
    area = m[1]
    if area == b"vmx":
        return "vmx caps" if m[2] else "vmx table"
    if area in (b"smp", b"guest", b"conformance"):
        return area.decode()
    if area == b"irq":
        return "irq"
    return "boot"   # every other kernel line: the boot story, timers, ACPI, report: lines


def log_sections(raw):
    """{section: bytes} of the kernel's part of a serial log (from its first 'vmxboot ' line)."""
    n = kernel_bytes(raw)
    sec = {k: 0 for k in SECTIONS}
    if n is None:
        return None
    for line in raw[len(raw) - n:].split(b"\n"):
        if line:
            sec[section_of(line)] += len(line) + 1
    return sec


def print_sections(named):
    """named: [(label, raw)]: one column of bytes per log, a row per section, then the total."""
    cols = [(label, log_sections(raw)) for label, raw in named]
    cols = [(label, s) for label, s in cols if s]
    if not cols:
        return
    w = max(12, max(len(label) for label, _ in cols) + 1)
    print("Log bytes by section (kernel part of the log; UART time = bytes x "
          f"{UART_US_PER_BYTE:.1f} us)")
    print(f"{'section':<12}" + "".join(f"{label:>{w}}" for label, _ in cols))
    for k in SECTIONS:
        print(f"{k:<12}" + "".join(f"{s[k]:>{w}}" for _, s in cols))
    print(f"{'total':<12}" + "".join(f"{sum(s.values()):>{w}}" for _, s in cols))
    print(f"{'UART s':<12}" + "".join(f"{sum(s.values()) * UART_US_PER_BYTE / 1e6:>{w}.2f}" for _, s in cols))


def boot(row, kind, i, timeout):
    name = f"bench-boot-{row}-{kind}-{i}"
    rc, out = run([sys.executable, EMU] + ROWS[row][1] + ["--iso", ISOS[kind], "--name", name,
                  "--cmdline", CMDLINES[kind], "--timeout", str(timeout), "--expect-result", "ANY"])
    m = WALL_RE.search(out)
    try:
        with open(os.path.join(ROOT, "build", "emu", name + ".serial.log"), "rb") as f:
            raw = f.read()
    except OSError:
        raw = b""
    ok = (FLOOR_LINE in raw) if kind == "floor" else (rc == 0)
    tail = out.rstrip().split("\n")[-1] if out.strip() else "(no output)"
    return dict(wall=float(m[1]) if m and ok else None, bytes=kernel_bytes(raw), raw=raw, tail=tail)


def med(vals):
    vals = [v for v in vals if v is not None]
    return statistics.median(vals) if vals else None


def fmt(v, spec):
    return "-" if v is None else spec.format(v)


def main(argv=None):
    ap = argparse.ArgumentParser(description="vmxboot's boot-to-summary time against a firmware+GRUB floor.")
    ap.add_argument("--rows", default=",".join(ROWS), help="rows to run (default %(default)s)")
    ap.add_argument("--repeat", type=int, default=3, help="boots per row and kind; medians (default %(default)s)")
    ap.add_argument("--timeout", type=float, default=300, help="seconds per boot (default %(default)s)")
    ap.add_argument("--no-phases", action="store_true", help="skip the bench.boot phase tables")
    ap.add_argument("--sections", nargs="+", metavar="LOG", help="only print the bytes by section of these logs")
    a = ap.parse_args(argv)
    if a.sections:
        named = []
        for path in a.sections:
            with open(path, "rb") as f:
                named.append((os.path.basename(path).replace(".serial.log", ""), f.read()))
        print_sections(named)
        return 0
    rows = [r for r in a.rows.split(",") if r]
    for r in rows:
        if r not in ROWS:
            raise SystemExit(f"bench-boot: unknown row {r!r} (rows: {', '.join(ROWS)})")
    build()
    results, phases, failed = {}, {}, []
    for r in rows:
        res = {}
        for kind in ("floor", "test"):
            runs = []
            for i in range(a.repeat):
                print(f"bench-boot: {ROWS[r][0]}: {kind} boot {i + 1} of {a.repeat}", flush=True)
                runs.append(boot(r, kind, i, a.timeout))
            res[kind] = dict(wall=med([x["wall"] for x in runs]), bytes=med([x["bytes"] for x in runs]),
                             tails=[x["tail"] for x in runs if x["wall"] is None], raw=runs[0]["raw"])
        results[r] = res
        if not a.no_phases:
            print(f"bench-boot: {ROWS[r][0]}: bench.boot boot", flush=True)
            b = boot(r, "phases", 0, a.timeout)
            text = b["raw"].decode("utf-8", errors="replace").replace("\r", "")
            phases[r] = [m[0] for m in PHASE_RE.finditer(text)]

    print()
    print(f"Boot to summary, wall seconds, medians of {a.repeat}; floor = firmware + GRUB + tools/floor "
          f"(ends at once); UART = the kernel log's bytes at 115200 baud ({UART_US_PER_BYTE:.1f} us a byte)")
    hdr = ("row", "floor s", "kernel s", "log bytes", "UART s", "x floor", "x (floor+UART)")
    print(f"{hdr[0]:<18} {hdr[1]:>8} {hdr[2]:>9} {hdr[3]:>10} {hdr[4]:>7} {hdr[5]:>8} {hdr[6]:>15}")
    for r in rows:
        fl, k = results[r]["floor"], results[r]["test"]
        uart = k["bytes"] * UART_US_PER_BYTE / 1e6 if k["bytes"] is not None else None
        x1 = k["wall"] / fl["wall"] if k["wall"] and fl["wall"] else None
        x2 = k["wall"] / (fl["wall"] + uart) if k["wall"] and fl["wall"] and uart is not None else None
        print(f"{ROWS[r][0]:<18} {fmt(fl['wall'], '{:.2f}'):>8} {fmt(k['wall'], '{:.2f}'):>9} "
              f"{fmt(k['bytes'], '{:.0f}'):>10} {fmt(uart, '{:.2f}'):>7} {fmt(x1, '{:.2f}'):>8} {fmt(x2, '{:.2f}'):>15}")
        for kind, v in (("floor", fl), ("kernel", k)):
            if v["wall"] is None:
                failed.append(f"{ROWS[r][0]} {kind}: no figures ({v['tails'][0] if v['tails'] else 'no boot'})")
    print("(QEMU does not pace its UART: its UART column is what a real 115200-baud port would add.)")
    for r in rows:
        if phases.get(r):
            print(f"\n{ROWS[r][0]}: phase table from one `mode=test bench.boot` boot (kernel's own TSC figures)")
            for line in phases[r]:
                print("  " + line)
        elif r in phases:
            failed.append(f"{ROWS[r][0]}: the bench.boot boot printed no phase table")
    print()
    print_sections([(ROWS[r][0], results[r]["test"]["raw"]) for r in rows])
    for f in failed:
        print(f"bench-boot: {f}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
