#!/usr/bin/env python3
"""bench-smp.py: how long the SMP bring-up takes, in QEMU TCG and Bochs.

    python3 tools/bench-smp.py [--repeat N] [--no-bochs] [--qemu 1,2,4,8,16] [--bochs 1,2,4]
                               [--big] [--legacy] [--pause]

Builds one mode=test ISO, boots it through tests/emu/emu.py in each configuration
(QEMU TCG with SeaBIOS: -smp 1, 2, 4, 8, 16; Bochs corei7_skylake_x: count 1, 2, 4)
and reads from each serial log
  - `smp: bring-up N us from the first INIT to the last AP online (K APs, INIT wait
    I us, SIPI wait S us, M second SIPIs), P us per AP` (online = parked, waiting
    for work);
  - `smp: start-up waits: INIT I us, SIPI S us (WHY)`: the vendor/family rule used;
  - the per-CPU table (`smp: CPU APIC ID state ...`, an AP alone in its row, and the
    `smp: per AP ...` lines of the folded table): each AP's arrival, in us after
    the first INIT;
  - the summary line's cpus_online;
  - `smp: IPI loops: INIT to K APs N us (P us each, ...), SIPI to K APs N us (P us
    each); last AP parked N us after the last SIPI; boot CPU waited in hlt|pause, S sleeps`:
    where the bring-up time went (the boot CPU's INIT and SIPI loops per AP, then
    the wait for the last AP);
  - `smp: AP start: SIPI to the AP's first trampoline instruction median N us (A-B us,
    K APs), from there to parked median N us (A-B us, K APs)`: each AP's own start split
    at its first trampoline instruction (a TSC stamp, arch/x86_64/smp_stamps.c), i.e.
    the CPU's (the emulator's) start-up after the SIPI, then our code;
  - `wait: MODE (WHY...)`: how the kernel's waits sleep (arch/x86_64/wait.c).
It prints one table of figures and the ratio of the 16-CPU to the 2-CPU bring-up.
--big adds QEMU q35 with 240 CPUs (-smp 240,sockets=1,cores=240, 4 GiB); --legacy
adds each QEMU row again with the MP spec's waits forced (smp.init_delay_us=10000
smp.sipi_delay_us=200), so one run shows the old policy beside the new; --pause
adds each row again with wait=pause (every wait spins with pause, as before quiet
waiting), so one run on one loaded machine shows spinning beside sleeping.
--linux (`make bench-smp LINUX=1`) also boots Debian's Linux kernel in the QEMU rows
(same -machine/-m/-smp/-cpu; fetched once with apt-get download into build/linux/)
and prints its own bring-up figures beside ours (tools/bench_linux.py).
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
ISO_LEGACY = os.path.join(OUT, "bench-smp-legacy.iso")
CMDLINE = "mode=test"

LEGACY = "smp.init_delay_us=10000 smp.sipi_delay_us=200"
PAUSE = "wait=pause"
ISO_PAUSE = os.path.join(OUT, "bench-smp-pause.iso")
IPI_RE = re.compile(r"smp: IPI loops: INIT to (\d+) APs (\d+) us \((\d+) us each, [^)]*\), SIPI to (\d+) APs (\d+) us "
                    r"\((\d+) us each\); last AP parked (\d+) us after the last SIPI; boot CPU waited in (\w+), (\d+) sleeps")
WAIT_RE = re.compile(r"wait: (.*?) \(")
STAMPS_RE = re.compile(r"smp: AP start: SIPI to the AP's first trampoline instruction median (\d+) us \((\d+)-(\d+) us, "
                       r"(\d+) APs?\), from there to (?:parked median (\d+) us \((\d+)-(\d+) us, (\d+) APs?\)|parked: none)")
STAMPS_NONE_RE = re.compile(r"smp: AP start: none of the (\d+) APs? has a trampoline entry stamp")
BRINGUP_RE = re.compile(r"smp: bring-up (\d+) us from the first INIT to the last AP online "
                        r"\((\d+) APs, INIT wait (\d+) us, SIPI wait (\d+) us, (\d+) second SIPIs\)")
WAITS_RE = re.compile(r"smp: start-up waits: INIT (\d+) us, SIPI (\d+) us \((.*)\)$")
# smp_report.c print_table(): index, APIC ID, state, then "ARRIVAL (SIPI at T)" for an online AP
ROW_RE = re.compile(r"smp:\s+(\d+)\s+(\d+)\s+online\s+(\d+) \(SIPI at (\d+)\)")
# the table with ranges of identical CPUs (kernel/ranges.h): each AP's own times on "per AP" lines
PER_AP_RE = re.compile(r"smp: per AP \(us after the first INIT: arrived/SIPI sent\): (.*)$")
SUMMARY_RE = re.compile(r"vmxboot: summary .*\bcpus_online=(\S+)")
WALL_RE = re.compile(r"emulator wall time ([\d.]+) s")


def build_iso(cmdline=CMDLINE, iso=ISO):
    os.makedirs(OUT, exist_ok=True)
    cmd = ["make", "-s", "iso", f"CMDLINE={cmdline}", f"ISO={os.path.relpath(iso, ROOT)}"]
    p = subprocess.run(cmd, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT)
    if p.returncode != 0 or not os.path.isfile(iso):
        print(p.stdout.decode("utf-8", errors="replace").rstrip())
        raise SystemExit(f"bench-smp: `{' '.join(cmd)}` failed (exit status {p.returncode})")


def parse_log(path):
    """Figures from one serial log: a dict, with None for what the log does not say."""
    fig = dict(online=None, bringup=None, aps=None, init_us=None, sipi_us=None, second=None, arrivals=[],
               why=None, init_each=None, sipi_each=None, park_us=None, waited=None, wait_mode=None,
               to_entry=None, to_parked=None, stamped=None)
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
        m = IPI_RE.search(line)
        if m:
            fig.update(init_each=int(m[3]), sipi_each=int(m[6]), park_us=int(m[7]), waited=m[8])
            continue
        m = STAMPS_RE.search(line)
        if m:
            fig.update(to_entry=int(m[1]), to_parked=int(m[5]) if m[5] else None, stamped=int(m[4]))
            continue
        if STAMPS_NONE_RE.search(line):
            fig["stamped"] = 0
            continue
        m = WAIT_RE.search(line)
        if m and fig["wait_mode"] is None:
            fig["wait_mode"] = m[1]
            continue
        m = WAITS_RE.search(line)
        if m:
            fig["why"] = m[3]
            continue
        m = ROW_RE.search(line)
        if m:
            fig["arrivals"].append(int(m[3]))
            continue
        m = PER_AP_RE.search(line)
        if m:
            fig["arrivals"] += [int(x) for x in re.findall(r"\d+ (\d+)/\d+", m[1])]
            continue
        m = SUMMARY_RE.search(line)
        if m and m[1].isdigit():
            fig["online"] = int(m[1])
    return fig


def boot(emu, cpus, timeout, legacy=False, big=False, pause=False):
    name = f"bench-{emu}-{cpus}cpu" + ("-legacy" if legacy else "") + ("-pause" if pause else "")
    iso = ISO_LEGACY if legacy else ISO_PAUSE if pause else ISO
    extra = (" " + LEGACY if legacy else "") + (" " + PAUSE if pause else "")
    args = [sys.executable, EMU, "--emu", emu, "--iso", iso, "--name", name,
            "--cmdline", CMDLINE + extra, "--timeout", str(timeout),
            "--expect-result", "ANY"]
    if big:   # QEMU q35 with one socket of N cores (xAPIC IDs up to 254), 4 GiB
        args += ["--machine", "q35", "--qemu-smp", f"{cpus},sockets=1,cores={cpus}", "--megs", "4096"]
    else:
        args += ["--smp", str(cpus)]
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
    c = {k: median([r[k] for r in runs]) for k in ("online", "bringup", "wall", "init_each", "sipi_each", "park_us",
                                                   "to_entry", "to_parked")}
    c["waited"] = first["waited"]
    c["wait_mode"] = first["wait_mode"]
    c["arrival_median"] = median([median(r["arrivals"]) for r in runs])
    c["spread"] = median([max(r["arrivals"]) - min(r["arrivals"]) if r["arrivals"] else None for r in runs])
    for k in ("init_us", "sipi_us", "aps", "why"):
        c[k] = first[k]
    c["second"] = median([r["second"] for r in runs])
    c["problems"] = [r["emu_tail"] for r in runs if not r["emu_ok"]]
    return c


def fmt(v, spec="{:.0f}"):
    return "-" if v is None else spec.format(v)


def linux_side_by_side(a, rows):
    """--linux: Linux's bring-up in the same QEMU rows (CPU counts above 1), printed beside ours."""
    import bench_linux
    counts = [cpus for emu, cpus, legacy, pause in rows if emu == "qemu" and not legacy and not pause and 1 < cpus < 240]
    big = [240] if a.big else []
    linux = bench_linux.measure(counts, a.repeat, a.timeout, big, a.linux_append)
    return bench_linux.side_by_side(rows, linux, a.repeat)


def main(argv=None):
    ap = argparse.ArgumentParser(description="Time vmxboot's SMP bring-up in QEMU TCG and Bochs (figures only).")
    ap.add_argument("--qemu", default="1,2,4,8,16", help="QEMU -smp counts (default %(default)s)")
    ap.add_argument("--bochs", default="1,2,4", help="Bochs cpu counts (default %(default)s; at most 15)")
    ap.add_argument("--no-bochs", action="store_true", help="QEMU only")
    ap.add_argument("--big", action="store_true", help="also QEMU q35 with 240 CPUs (slow: minutes)")
    ap.add_argument("--legacy", action="store_true",
                    help=f"also each QEMU row with the MP spec's waits forced ({LEGACY})")
    ap.add_argument("--pause", action="store_true",
                    help=f"also each row with {PAUSE} (waits spin, as before quiet waiting)")
    ap.add_argument("--repeat", type=int, default=1, help="boots per configuration; figures are medians")
    ap.add_argument("--timeout", type=float, default=180, help="seconds per boot (default %(default)s)")
    ap.add_argument("--linux", action="store_true",
                    help="also boot Debian's Linux kernel (apt-get download, cached in build/linux/) in the same "
                         "QEMU rows and print its bring-up beside vmxboot's (tools/bench_linux.py)")
    ap.add_argument("--linux-append", default="", metavar="PARAMS",
                    help="more Linux kernel parameters for --linux, e.g. 'lpj=8000124' (no delay-loop "
                         "calibration on each AP)")
    a = ap.parse_args(argv)
    configs = [("qemu", int(n), False, False, False) for n in a.qemu.split(",") if n]
    if a.big:
        configs.append(("qemu", 240, False, True, False))
    if a.legacy:
        configs += [(e, n, True, b, False) for e, n, _, b, _ in list(configs)]
    if not a.no_bochs:
        configs += [("bochs", int(n), False, False, False) for n in a.bochs.split(",") if n]
    if a.pause:
        configs += [(e, n, lg, b, True) for e, n, lg, b, _ in list(configs) if not lg]

    print(f"bench-smp: building {os.path.relpath(ISO, ROOT)} (cmdline '{CMDLINE}')", flush=True)
    build_iso()
    if a.legacy:
        build_iso(CMDLINE + " " + LEGACY, ISO_LEGACY)
    if a.pause:
        build_iso(CMDLINE + " " + PAUSE, ISO_PAUSE)
    rows = {}
    # one boot of every configuration per round, so a change in the machine's load hits them alike
    runs = {cfg: [] for cfg in configs}
    for i in range(a.repeat):
        for emu, cpus, legacy, big, pause in configs:
            print(f"bench-smp: {emu} {cpus} CPU(s){' MP-spec waits' if legacy else ''}{' wait=pause' if pause else ''}, "
                  f"boot {i + 1} of {a.repeat}", flush=True)
            runs[(emu, cpus, legacy, big, pause)].append(boot(emu, cpus, a.timeout * (4 if big else 1), legacy, big, pause))
    for emu, cpus, legacy, big, pause in configs:
        rows[(emu, cpus, legacy, pause)] = combine(runs[(emu, cpus, legacy, big, pause)])

    print()
    print(f"SMP bring-up, cmdline '{CMDLINE}'" + (f", medians of {a.repeat} boots" if a.repeat > 1 else "")
          + "; times in us after the first INIT, from the guest's TSC")
    print("  per AP: bring-up / APs; INIT, SIPI: the boot CPU's loop per AP; park: last SIPI to last AP parked;"
          " waited: how the boot CPU waited for the APs")
    print("  SIPI->tramp: median over the APs of SIPI to the AP's first trampoline instruction (the CPU's or emulator's"
          " own start-up); tramp->park: from there to parked (our code)")
    hdr = ("config", "online", "bring-up us", "per AP us", "INIT us", "SIPI us", "park us", "waited",
           "median AP arrival us", "AP arrival spread us", "2nd SIPIs", "boot wall s", "SIPI->tramp us", "tramp->park us")
    print(f"{hdr[0]:<29} {hdr[1]:>6} {hdr[2]:>12} {hdr[3]:>9} {hdr[4]:>7} {hdr[5]:>7} {hdr[6]:>7} {hdr[7]:>6} "
          f"{hdr[8]:>21} {hdr[9]:>21} {hdr[10]:>9} {hdr[11]:>11} {hdr[12]:>14} {hdr[13]:>14}")
    delays = set()
    failed = []
    for (emu, cpus, legacy, pause), c in rows.items():
        cfg = (f"{'QEMU TCG' if emu == 'qemu' else 'Bochs skx'} x{cpus}" + (" MP-spec" if legacy else "")
               + (" wait=pause" if pause else ""))
        per_ap = c["bringup"] / c["aps"] if c["bringup"] is not None and c["aps"] else None
        print(f"{cfg:<29} {fmt(c['online']):>6} {fmt(c['bringup']):>12} {fmt(per_ap):>9} {fmt(c['init_each']):>7} "
              f"{fmt(c['sipi_each']):>7} {fmt(c['park_us']):>7} {c['waited'] or '-':>6} "
              f"{fmt(c['arrival_median']):>21} {fmt(c['spread']):>21} {fmt(c['second'] if cpus > 1 else None):>9} "
              f"{fmt(c['wall'], '{:.1f}'):>11} {fmt(c['to_entry']):>14} {fmt(c['to_parked']):>14}")
        if c["init_us"] is not None:
            delays.add((c["init_us"], c["sipi_us"], c["why"] or "no reason printed"))
        if c["online"] is None or (cpus > 1 and c["bringup"] is None):
            failed.append(f"{cfg}: no figures in the log" + (f" ({c['problems'][0]})" if c["problems"] else ""))
        elif c["problems"]:
            print(f"  note: {cfg}: {c['problems'][0]}")

    q2, q16 = rows.get(("qemu", 2, False, False)), rows.get(("qemu", 16, False, False))
    if q2 and q16 and q2["bringup"] and q16["bringup"]:
        print(f"ratio QEMU TCG 16-CPU / 2-CPU bring-up: {q16['bringup'] / q2['bringup']:.2f} "
              f"({fmt(q16['bringup'])} us / {fmt(q2['bringup'])} us)")
    for mode in sorted({(("QEMU" if e == "qemu" else "Bochs"), c["wait_mode"]) for (e, _, _, _), c in rows.items()
                        if c["wait_mode"]}):
        print(f"waits ({mode[0]}): {mode[1]}")
    for init_us, sipi_us, why in sorted(delays):
        print(f"delays used: INIT {init_us} us, SIPI {sipi_us} us (all APs in parallel): {why}")
    if a.linux:
        failed += linux_side_by_side(a, rows)
    for f in failed:
        print(f"bench-smp: {f}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
