"""bench_linux.py: Debian's Linux kernel as the SMP anchor of `make bench-smp LINUX=1`.

Used by tools/bench-smp.py --linux. It
  - finds the kernel image package that the meta package `linux-image-amd64` depends
    on (`apt-cache depends`, the candidate version: linux-image-6.1.0-N-amd64 on
    Debian 12), fetches it with `apt-get download` into build/linux/ and unpacks it
    with `dpkg-deb -x` into build/linux/root/ -- nothing is installed on this machine,
    and a second run uses the unpacked kernel without downloading;
  - boots build/linux/root/boot/vmlinuz-* with the same QEMU -machine/-m/-smp/-cpu
    as vmxboot's rows, no initrd, `console=ttyS0 panic=-1`, -no-reboot, and stops
    QEMU as soon as the serial log carries Linux's SMP figures (without a root file
    system the kernel would panic at the root mount a few seconds later anyway);
  - reads Linux's own printk timestamps (seconds since its clock started):
    `smp: Bringing up secondary CPUs ...` to `smp: Brought up N node(s), M CPU(s)`,
    and `smpboot: Total of M processors activated`.
parse_dmesg() is pure (text in, figures out) and host-tested by tests/test_bench_linux.py
on logs captured from real runs (tests/logs/captured_linux_*.log).
"""

import glob
import os
import re
import subprocess
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DIR = os.path.join(ROOT, "build", "linux")
UNPACKED = os.path.join(DIR, "root")
META = "linux-image-amd64"
APPEND = "console=ttyS0 printk.time=1 panic=-1"
QEMU = "qemu-system-x86_64"

TS = r"\[\s*(\d+\.\d+)\]\s+"
VERSION_RE = re.compile(TS + r"Linux version (\S+) .*?(Debian \S+)?(?: \(\d{4}-\d\d-\d\d\))?\s*$")
CPU0_RE = re.compile(TS + r"smpboot: CPU0: (.*)$")
BRINGING_RE = re.compile(TS + r"smp: Bringing up secondary CPUs")
BROUGHT_RE = re.compile(TS + r"smp: Brought up (\d+) nodes?, (\d+) CPUs?")
ACTIVATED_RE = re.compile(TS + r"smpboot: Total of (\d+) processors? activated")
PANIC_RE = re.compile(r"Kernel panic - not syncing: (.*)$")


def parse_depends(text):
    """The kernel image package named in `apt-cache depends linux-image-amd64` output, or None."""
    m = re.search(r"^\s*Depends:\s*(linux-image-\d\S*-amd64)\s*$", text, re.M)
    return m[1] if m else None


def parse_dmesg(text, cpus=None):
    """Linux's SMP figures from its serial log: a dict; times in microseconds of its printk clock.

    cpus: how many CPUs QEMU was given; when set, `problem` says if fewer came up.
    `problem` is None when the log has every figure, else the reason in plain words."""
    fig = dict(version=None, debian=None, cpu0=None, bringing_s=None, brought_s=None, nodes=None,
               cpus=None, activated=None, activated_s=None, panic=None)
    for raw in text.replace("\r", "").split("\n"):
        line = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", raw)   # firmware/EDD escapes before the first line
        if fig["version"] is None and (m := VERSION_RE.search(line)):
            fig["version"], fig["debian"] = m[2], m[3]
        elif fig["cpu0"] is None and (m := CPU0_RE.search(line)):
            fig["cpu0"] = m[2].strip()
        elif fig["bringing_s"] is None and (m := BRINGING_RE.search(line)):
            fig["bringing_s"] = float(m[1])
        elif fig["brought_s"] is None and (m := BROUGHT_RE.search(line)):
            fig.update(brought_s=float(m[1]), nodes=int(m[2]), cpus=int(m[3]))
        elif fig["activated"] is None and (m := ACTIVATED_RE.search(line)):
            fig.update(activated_s=float(m[1]), activated=int(m[2]))
        elif fig["panic"] is None and (m := PANIC_RE.search(line)):
            fig["panic"] = m[1].strip()
    fig["bringup_us"] = fig["per_ap_us"] = fig["kernel_us"] = None
    if fig["bringing_s"] is not None and fig["brought_s"] is not None:
        fig["bringup_us"] = round((fig["brought_s"] - fig["bringing_s"]) * 1e6)
        if fig["cpus"] and fig["cpus"] > 1:
            fig["per_ap_us"] = round(fig["bringup_us"] / (fig["cpus"] - 1))
    if fig["activated_s"] is not None:
        fig["kernel_us"] = round(fig["activated_s"] * 1e6)
    fig["problem"] = problem(fig, cpus)
    return fig


def problem(fig, cpus):
    """Why the figures are missing or wrong, in plain words; None when they are all there."""
    missing = [what for key, what in (("version", "'Linux version'"),
                                      ("bringing_s", "'smp: Bringing up secondary CPUs'"),
                                      ("brought_s", "'smp: Brought up N nodes, M CPUs'"),
                                      ("activated", "'smpboot: Total of M processors activated'"))
               if fig[key] is None]
    if missing:
        why = "the log has no " + ", no ".join(missing)
        return why + (f" (the kernel panicked first: {fig['panic']})" if fig["panic"] else "")
    if fig["activated"] != fig["cpus"]:
        return f"'Brought up' says {fig['cpus']} CPUs, 'Total of' says {fig['activated']} processors"
    if cpus is not None and fig["cpus"] != cpus:
        return f"Linux brought up {fig['cpus']} of the {cpus} CPUs QEMU was given"
    return None


def complete(text):
    """True once the log holds every SMP figure (or a panic): QEMU can be stopped."""
    return ACTIVATED_RE.search(text) is not None or PANIC_RE.search(text) is not None


def run(cmd, **kw):
    return subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, **kw)


def apt_update():
    """As tools/deps.sh does it: sudo when not root."""
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    p = run(sudo + ["apt-get", "update", "-qq"])
    if p.returncode != 0:
        raise SystemExit(f"bench-smp: apt-get update failed (exit status {p.returncode}): {p.stdout.strip()}")


def resolve():
    """The image package linux-image-amd64 depends on; runs apt-get update once if the index lacks it."""
    for attempt in range(2):
        p = run(["apt-cache", "depends", META])
        name = parse_depends(p.stdout) if p.returncode == 0 else None
        if name:
            return name
        if attempt == 0:
            print(f"bench-smp: apt-cache does not know {META} ({p.stdout.strip()[:200]}): apt-get update", flush=True)
            apt_update()
    raise SystemExit(f"bench-smp: `apt-cache depends {META}` names no linux-image-*-amd64 package: "
                     f"{p.stdout.strip()[:300]}")


def cached_kernels():
    return sorted(glob.glob(os.path.join(UNPACKED, "boot", "vmlinuz-*")))


def fetch():
    """Path of the unpacked vmlinuz, downloading and unpacking its package only when not cached."""
    try:
        name = resolve()
    except SystemExit as e:
        if cached_kernels():   # no usable index, but an earlier run left a kernel: use it
            print(f"{e}; using the cached {os.path.relpath(cached_kernels()[-1], ROOT)}", flush=True)
            return cached_kernels()[-1]
        raise
    release = name[len("linux-image-"):]
    vmlinuz = os.path.join(UNPACKED, "boot", f"vmlinuz-{release}")
    if os.path.isfile(vmlinuz):
        print(f"bench-smp: Linux: {name} already unpacked in {os.path.relpath(UNPACKED, ROOT)} (no download)",
              flush=True)
        return vmlinuz
    os.makedirs(DIR, exist_ok=True)
    debs = glob.glob(os.path.join(DIR, f"{name}_*.deb"))
    if not debs:
        print(f"bench-smp: Linux: apt-get download {name} (the package {META} depends on) into "
              f"{os.path.relpath(DIR, ROOT)}", flush=True)
        p = run(["apt-get", "download", name], cwd=DIR)
        if p.returncode != 0:   # an index older than the archive: refresh it once, as deps.sh would
            apt_update()
            p = run(["apt-get", "download", name], cwd=DIR)
        debs = glob.glob(os.path.join(DIR, f"{name}_*.deb"))
        if p.returncode != 0 or not debs:
            raise SystemExit(f"bench-smp: apt-get download {name} failed (exit status {p.returncode}): "
                             f"{p.stdout.strip()[-300:]}")
    deb = sorted(debs)[-1]
    print(f"bench-smp: Linux: dpkg-deb -x {os.path.basename(deb)} {os.path.relpath(UNPACKED, ROOT)}", flush=True)
    p = run(["dpkg-deb", "-x", deb, UNPACKED])
    if p.returncode != 0 or not os.path.isfile(vmlinuz):
        raise SystemExit(f"bench-smp: dpkg-deb -x {deb} gave no {vmlinuz} (exit status {p.returncode}): "
                         f"{p.stdout.strip()[-300:]}")
    return vmlinuz


def qemu_command(vmlinuz, cpus, serial, big=False, append=APPEND):
    """The QEMU settings of vmxboot's rows (tests/emu/emu.py): pc, 256 MiB, -smp N, -cpu max;
    --big: q35, 4 GiB, one socket of N cores."""
    machine, megs, smp = ("q35", 4096, f"{cpus},sockets=1,cores={cpus}") if big else ("pc", 256, str(cpus))
    return [QEMU, "-machine", machine, "-m", f"{megs}M", "-smp", smp, "-cpu", "max",
            "-kernel", vmlinuz, "-append", append, "-display", "none", "-serial", f"file:{serial}",
            "-monitor", "none", "-no-reboot"]


def boot(vmlinuz, cpus, serial, timeout, big=False, append=APPEND):
    """One Linux boot; QEMU is stopped once the log is complete. Returns parse_dmesg's dict plus
    wall (seconds from QEMU's start to the figures) and note (why QEMU ended, when not by us)."""
    if os.path.exists(serial):
        os.remove(serial)
    start = time.monotonic()
    proc = subprocess.Popen(qemu_command(vmlinuz, cpus, serial, big, append), stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    note, text = None, ""
    while True:
        try:
            with open(serial, "rb") as f:
                text = f.read().decode("utf-8", errors="replace")
        except OSError:
            pass
        if complete(text):
            break
        if proc.poll() is not None:
            note = f"QEMU ended first (exit status {proc.returncode}) {proc.stdout.read().strip()[:200]}".strip()
            break
        if time.monotonic() - start > timeout:
            note = f"no SMP figures after {timeout:.0f} s: QEMU stopped"
            break
        time.sleep(0.1)
    wall = time.monotonic() - start
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    with open(serial, "rb") as f:   # what arrived between the last read and the stop
        text = f.read().decode("utf-8", errors="replace")
    fig = parse_dmesg(text, cpus)
    fig["wall"], fig["note"] = wall, note
    return fig


def median(values):
    values = sorted(v for v in values if v is not None)
    if not values:
        return None
    mid = len(values) // 2
    return values[mid] if len(values) % 2 else (values[mid - 1] + values[mid]) / 2


def measure(counts, repeat, timeout, big_counts=(), extra=""):
    """Boots Linux `repeat` times per CPU count; {cpus: {figure: median, 'runs': [...], ...}}.
    extra: more kernel parameters after APPEND (e.g. lpj=N: no delay-loop calibration per AP)."""
    vmlinuz = fetch()
    append = (APPEND + " " + extra).strip()
    out = {}
    for cpus in list(counts) + list(big_counts):
        big = cpus in big_counts
        runs = []
        for i in range(repeat):
            print(f"bench-smp: Linux, QEMU TCG {cpus} CPUs{' q35' if big else ''}, boot {i + 1} of {repeat}",
                  flush=True)
            serial = os.path.join(DIR, f"linux-{cpus}cpu-{i + 1}.serial.log")
            runs.append(boot(vmlinuz, cpus, serial, timeout * (8 if big else 1), big, append))
        good = [r for r in runs if r["problem"] is None]
        row = {k: median([r[k] for r in good]) for k in ("bringup_us", "per_ap_us", "kernel_us", "wall")}
        row["runs"], row["good"], row["append"] = runs, len(good), append
        row["problems"] = [r["problem"] + (f" ({r['note']})" if r["note"] else "") for r in runs if r["problem"]]
        out[cpus] = row
    return out


def num(v):
    return "-" if v is None else f"{v:,.0f}"


def side_by_side(vmx_rows, linux, repeat):
    """Prints vmxboot's bring-up beside Linux's per CPU count; returns the lines that say what failed.

    vmx_rows: bench-smp.py's {(emu, cpus, legacy, pause): combined figures} ('bringup' us, 'aps')."""
    first = next((r for row in linux.values() for r in row["runs"] if r["version"]), None)
    print()
    if first:
        print(f"Linux {first['version']} ({first['debian'] or 'no Debian version in its banner'}, "
              f"Debian's {META} dependency), -append '{next(iter(linux.values()))['append']}', no initrd; "
              f"its CPU0: {first['cpu0'] or 'not printed'}")
    print(f"SMP bring-up side by side, QEMU TCG -cpu max, same -machine/-m/-smp for both, medians of {repeat}; "
          "vmxboot: its TSC, first INIT to the last AP online; "
          "Linux: its own printk clock, 'smp: Bringing up secondary CPUs' to 'smp: Brought up'")
    hdr = ("CPUs", "vmxboot us", "per AP", "Linux us", "per AP", "Linux/vmxboot",
           "Linux boot to 'Total of' us", "Linux wall s")
    print(f"{hdr[0]:>5} {hdr[1]:>11} {hdr[2]:>8} {hdr[3]:>11} {hdr[4]:>9} {hdr[5]:>13} {hdr[6]:>27} {hdr[7]:>12}")
    failed = []
    for cpus, row in linux.items():
        v = vmx_rows.get(("qemu", cpus, False, False)) or {}
        vb, aps = v.get("bringup"), v.get("aps")
        v_ap = vb / aps if vb is not None and aps else None
        ratio = f"{row['bringup_us'] / vb:.1f}x" if vb and row["bringup_us"] is not None else "-"
        wall = "-" if row["wall"] is None else f"{row['wall']:.1f}"
        print(f"{cpus:>5} {num(vb):>11} {num(v_ap):>8} {num(row['bringup_us']):>11} {num(row['per_ap_us']):>9} "
              f"{ratio:>13} {num(row['kernel_us']):>27} {wall:>12}")
        for p in row["problems"]:
            failed.append(f"Linux x{cpus}: {p}")
    print("Linux boot to 'Total of': printk time of 'smpboot: Total of M processors activated' (its clock "
          "starts at 0 before the TSC is set up); Linux wall: QEMU start to that line on the serial port")
    return failed
