#!/usr/bin/env python3
"""emu.py: boot vmxboot in an emulator with a given command line and check its serial log.

    python3 tests/emu/emu.py --emu qemu|qemu-uefi|bochs [--smp N | --qemu-smp SPEC]
        [--cpu-model MODEL | --qemu-cpu CPU] --cmdline 'mode=test ...' [--timeout 90]
        [--expect KEY=VALUE ...] [--require PATH ...] [--require-skip PATH ...]
        [--expect-result PASS|FAIL|ANY] [--expect-line REGEX ...] [--name NAME] [--keep]
        [--iso PATH]

1. builds build/emu/NAME.iso with `make -s iso CMDLINE=... ISO=...` (or boots --iso PATH as is);
2. runs the emulator headless, its serial port to build/emu/NAME.serial.log, under a hard
   timeout (the whole process group is killed);
   - qemu / qemu-uefi: TCG, the kernel ends the run through isa-debug-exit: exit status 33
     means the kernel wrote 0x10 (PASS), 35 means 0x11 (FAIL); 0 is a triple fault or an
     ACPI power-off (with -no-reboot), anything else a QEMU error;
   - bochs: a bochsrc made from tests/emu/bochsrc.in; Bochs exits 1 whatever happened, so
     only the serial log (and the Bochs log's panic lines) decide;
3. checks the log with tests/ktapcheck.py and the expectations, prints the tail of the
   serial log on failure, the emulator wall time, and one final line
   `emu: NAME PASS (Xs)` or `emu: NAME FAIL: reason (Xs)` (X = emulator wall time); exit 0/1.
"""

import argparse
import contextlib
import fcntl
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.dirname(HERE))
import ktapcheck  # noqa: E402
import slots  # noqa: E402  (make test's shared emulator job slots)
import bochs_screen  # noqa: E402  (reads Bochs's term screen pty so Bochs never blocks on it)

OVMF = "/usr/share/ovmf/OVMF.fd"
# OVMF with no NIC: with QEMU's default e1000 it starts the iPXE driver from the NIC's option ROM before
# it boots the CD, 0.6 s of TCG per boot here (median 4.99 s -> 4.41 s to the end of a 1-CPU run, 5 each)
OVMF_ARGS = ["-bios", OVMF, "-nic", "none"]
NIC_ARGS = ("-nic", "-net", "-netdev")
QEMU = "qemu-system-x86_64"
BOCHS = "bochs"
BOCHS_MAX_CPUS = 15          # count=16 crashes Debian's Bochs 2.7 at start (FACTS.md)
QEMU_PASS, QEMU_FAIL = (0x10 << 1) | 1, (0x11 << 1) | 1   # isa-debug-exit: (value << 1) | 1
TAIL_LINES = 60
# Bochs logs every way it stops as a panic line: a guest power-off too ('panic: action=fatal')
BOCHS_PANIC_RE = re.compile(r">>PANIC<<")
BOCHS_POWER_OFF_RE = re.compile(r"Shutdown port: shutdown requested|ACPI control: soft power off")


def slug(text):
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_") or "default"


def default_name(a):
    cpus = a.qemu_smp.split(",")[0] if a.qemu_smp else str(a.smp)
    return f"{a.emu}-{cpus}cpu-{slug(a.cmdline)}"


def qemu_command(a, iso, serial):
    smp = a.qemu_smp or str(a.smp)
    fill = {"serial": serial, "base": os.path.splitext(serial)[0].removesuffix(".serial")}
    com1 = a.com1.format(**fill)
    cmd = [QEMU, "-machine", a.machine, "-m", f"{a.megs}M", "-smp", smp, "-cpu", a.qemu_cpu,
           "-cdrom", iso, "-boot", "d", "-display", "none", "-serial", com1, "-no-reboot"]
    if a.iso_drive == "virtio-mmio":   # microvm: no IDE, the ISO is a virtio-mmio disk
        cmd[cmd.index("-cdrom"):cmd.index("-boot") + 2] = [
            "-drive", f"id=iso,file={iso},format=raw,if=none,readonly=on", "-device", "virtio-blk-device,drive=iso"]
    if not a.no_debug_exit:
        cmd += ["-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]
    if not any(x.startswith("-monitor") for x in a.qemu_arg):
        cmd += ["-monitor", "none"]
    if a.emu == "qemu-uefi":
        # a test that brings its own network device keeps it
        own_nic = any(w in NIC_ARGS for extra in a.qemu_arg for w in shlex.split(extra))
        cmd += ["-bios", OVMF] if own_nic else OVMF_ARGS
    for extra in a.qemu_arg:   # {serial} and {base} name this test's files
        cmd += [w.format(**fill) for w in shlex.split(extra)]
    return cmd


def bochs_files(a, iso, serial, base):
    """Writes the bochsrc and the debugger command file; returns (command, bochs log path)."""
    with open(os.path.join(HERE, "bochsrc.in")) as f:
        rc = f.read()
    blog = base + ".bochs.log"
    fill = {"MEGS": str(a.megs), "MODEL": a.cpu_model, "COUNT": str(a.smp), "ISO": iso,
            "SERIAL_LOG": serial, "BOCHS_LOG": blog}
    for k, v in fill.items():
        rc = rc.replace(f"@{k}@", v)
    left = re.findall(r"@[A-Z_]+@", rc)
    if left:
        raise SystemExit(f"emu: bochsrc.in has unfilled placeholders {left}")
    rcpath, cmds = base + ".bochsrc", base + ".bochs-cmds"
    with open(rcpath, "w") as f:
        f.write(rc)
    with open(cmds, "w") as f:
        f.write("c\n")
    return [BOCHS, "-q", "-f", rcpath, "-rc", cmds], blog


def run_limited(cmd, timeout, out_path, env=None):
    """Runs cmd in its own process group with stdin closed and output to out_path.
    Returns (exit status, or None when it was killed at the timeout; wall seconds)."""
    with open(out_path, "wb") as out:
        t0 = time.monotonic()
        p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                             cwd=ROOT, env=env, start_new_session=True)
        try:
            rc = p.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            rc = None
            kill_group(p)
        wall = time.monotonic() - t0
    return rc, wall


def kill_group(p):
    """SIGTERM to the emulator's process group, SIGKILL if it is still there 3 s later."""
    if p is None:
        return
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(p.pid, sig)
        except ProcessLookupError:
            break
        try:
            p.wait(timeout=3)
            break
        except subprocess.TimeoutExpired:
            continue
    try:
        p.wait(timeout=5)
    except subprocess.TimeoutExpired:
        pass


def tail(path, n, clean=True):
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError:
        return None
    lines = data.decode("utf-8", errors="replace").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if clean:
        lines = [ktapcheck.clean_line(l) for l in lines]
    return lines[-n:]


def bochs_panic_lines(blog):
    """(the guest's power-off line or None, the real panic lines) from the Bochs log."""
    lines = [l for l in tail(blog, 1000000) or [] if BOCHS_PANIC_RE.search(l)]
    off = next((l for l in lines if BOCHS_POWER_OFF_RE.search(l)), None)
    return off, [l for l in lines if not BOCHS_POWER_OFF_RE.search(l)]


def stuck_fifo(path):
    """FIFOs path.in and path.out; path.out is held open here (never read) with a 4 KiB pipe."""
    for p in (path + ".in", path + ".out"):
        if os.path.exists(p):
            os.unlink(p)
        os.mkfifo(p)
    fd = os.open(path + ".out", os.O_RDWR | os.O_NONBLOCK)
    fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, 4096)
    return fd


def kernel_lines(path):
    """The kernel's lines of a serial log: from the first 'vmxboot ' line to the summary line."""
    lines = tail(path, 10000000) or []
    start = next((i for i, l in enumerate(lines) if re.match(r"^cpu\d+: vmxboot ", l)), None)
    end = next((i for i, l in enumerate(lines) if l.startswith("vmxboot: summary ")), None)
    return None if start is None or end is None else lines[start:end + 1]


def same_kernel_log(main_log, other):
    """None when other holds the very kernel lines of main_log, else why not."""
    want, got = kernel_lines(main_log), kernel_lines(other)
    rel = os.path.relpath(other, ROOT)
    if got is None:
        return f"{rel}: no kernel log (first 'vmxboot ' line to summary line) in it"
    if want != got:
        i = next((i for i, (x, y) in enumerate(zip(want or [], got)) if x != y), min(len(want or []), len(got)))
        return (f"{rel}: differs from the main serial log at kernel line {i + 1} "
                f"({len(got)} lines vs {len(want or [])}): {got[i] if i < len(got) else '(end)'!r}")
    return None


ISO_CACHE = os.path.join(ROOT, "build", "emu", "iso-cache")


def cached_iso(cmdline, cache=ISO_CACHE):
    """The ISO for cmdline, built once for every test (and runner) with that command line, in
    CACHE/K/C.iso: K is a hash of the kernel ELF and tools/mkiso.sh (other kernels' directories are
    removed), C one of the command line. (path, None) or (None, why it failed)."""
    import hashlib
    h = hashlib.sha256()
    for path in (os.path.join(ROOT, "build", "vmxboot.elf"), os.path.join(ROOT, "tools", "mkiso.sh")):
        try:
            with open(path, "rb") as f:
                h.update(f.read())
        except OSError as e:
            return None, f"cannot read {os.path.relpath(path, ROOT)} for the ISO cache: {e.strerror}"
    kdir = os.path.join(cache, h.hexdigest()[:16])
    os.makedirs(kdir, exist_ok=True)
    for old in os.listdir(cache):
        if old != os.path.basename(kdir):
            shutil.rmtree(os.path.join(cache, old), ignore_errors=True)
    iso = os.path.join(kdir, hashlib.sha256(cmdline.encode()).hexdigest()[:16] + ".iso")
    with open(iso + ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)       # a test with the same command line may be building it
        if os.path.isfile(iso):
            print(f"emu: {os.path.relpath(iso, ROOT)} (cmdline: {cmdline}) already built: booting it", flush=True)
            return iso, None
        tmp = iso + ".part"
        err = patched_iso(kdir, cmdline, tmp)
        if err:
            return None, err
        os.rename(tmp, iso)
    return iso, None


SLOT_BYTES = 4096
SLOT_MARK = b"#vmxboot-entry-slot "


def patched_iso(kdir, cmdline, iso):
    """Make iso for cmdline from the kernel's slot ISO (tools/mkiso.sh MKISO_SLOT=): a copy whose
    grub.cfg comment slot holds the menu entry mkiso.sh prints for cmdline (MKISO_ENTRY=), padded
    with '#' to the same length, so the files on the disc keep their sizes and places. Its grub.cfg
    is byte for byte what `make iso CMDLINE=...` writes, plus one comment line of '#'. A command
    line too long for the slot gets an ISO of its own (build_iso). None, or why it failed."""
    p = subprocess.run(["tools/mkiso.sh", "-", "-", cmdline], cwd=ROOT, env=dict(os.environ, MKISO_ENTRY="1"),
                       stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    entry = p.stdout
    if not cmdline or p.returncode != 0 or len(entry) > SLOT_BYTES - 2:
        return build_iso(cmdline, iso)
    slot = os.path.join(kdir, "slot.iso")
    with open(slot + ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not os.path.isfile(slot):
            err = build_iso("", slot + ".part", ["MKISO_SLOT=%d" % SLOT_BYTES])   # no entry: the slot
            if err:
                return err
            os.rename(slot + ".part", slot)
    with open(slot, "rb") as f:
        data = bytearray(f.read())
    at = data.find(SLOT_MARK)
    if at < 0 or data.find(SLOT_MARK, at + 1) >= 0 or data[at + SLOT_BYTES - 1] != ord("\n"):
        return f"{os.path.relpath(slot, ROOT)}: the grub.cfg slot is not there exactly once"
    data[at:at + SLOT_BYTES] = entry + b"#" * (SLOT_BYTES - 1 - len(entry)) + b"\n"
    with open(iso, "wb") as f:
        f.write(data)
    print(f"emu: made {os.path.relpath(iso, ROOT)} from {os.path.relpath(slot, ROOT)} (cmdline: {cmdline})",
          flush=True)
    return None


def build_iso(cmdline, iso, more=()):
    cmd = ["make", "-s", "iso", f"CMDLINE={cmdline}", f"ISO={os.path.relpath(iso, ROOT)}"]
    if more:
        cmd = ["env", *more] + cmd
    print("emu: " + " ".join(shlex.quote(c) for c in cmd), flush=True)
    t0 = time.monotonic()
    p = subprocess.run(cmd, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT)
    out = p.stdout.decode("utf-8", errors="replace").rstrip()
    if p.returncode != 0:
        for l in out.split("\n")[-30:]:
            print(f"  make| {l}")
        return f"ISO build failed (make exit status {p.returncode})"
    if not os.path.isfile(iso):
        return f"ISO build made no {os.path.relpath(iso, ROOT)}"
    print(f"emu: built {os.path.relpath(iso, ROOT)} in {time.monotonic() - t0:.1f} s", flush=True)
    return None


def parse_args(argv):
    ap = argparse.ArgumentParser(description="Boot vmxboot in an emulator and check its serial log.")
    ap.add_argument("--emu", required=True, choices=["qemu", "qemu-uefi", "bochs"])
    ap.add_argument("--smp", type=int, default=1, help="number of CPUs (QEMU -smp N, Bochs cpu count)")
    ap.add_argument("--qemu-smp", help="a full QEMU -smp value, e.g. '8,sockets=2,cores=4'")
    ap.add_argument("--cpu-model", default="corei7_skylake_x", help="Bochs cpu model (default %(default)s)")
    ap.add_argument("--qemu-cpu", default="max", help="QEMU -cpu value (default %(default)s)")
    ap.add_argument("--machine", default="pc", help="QEMU -machine value, e.g. 'pc,pit=off' (default %(default)s)")
    ap.add_argument("--com1", default="file:{serial}",
                    help="QEMU -serial value for COM1: 'none' when the test wires its own UART to {serial}")
    ap.add_argument("--qemu-arg", action="append", default=[], metavar="ARGS",
                    help="more QEMU arguments (shell words; {serial} and {base} are this test's files)")
    ap.add_argument("--no-debug-exit", action="store_true",
                    help="no isa-debug-exit device: the kernel must end the run the real-hardware way")
    ap.add_argument("--expect-exit", type=int, action="append", default=[], metavar="STATUS",
                    help="QEMU exit statuses accepted instead of the isa-debug-exit ones")
    ap.add_argument("--same-log", action="append", default=[], metavar="PATH",
                    help="another serial log ({base}: this test's files) that must hold the same kernel "
                         "lines, first to summary, as the main one (a second UART)")
    ap.add_argument("--stuck-fifo", action="append", default=[], metavar="PATH",
                    help="make FIFOs PATH.in and PATH.out ({base}: this test's files) for a QEMU "
                         "'-chardev pipe,path=PATH': nobody reads PATH.out and its pipe holds 4 KiB, "
                         "so that UART stops draining")
    ap.add_argument("--iso-drive", default="cdrom", choices=["cdrom", "virtio-mmio"],
                    help="how QEMU gets the ISO: an IDE CD-ROM (default) or a virtio-mmio disk (microvm)")
    ap.add_argument("--megs", type=int, default=256, help="guest memory in MiB (default %(default)s)")
    ap.add_argument("--cmdline", default="mode=test", help="the kernel command line (default %(default)s)")
    ap.add_argument("--timeout", type=float, default=90, help="hard limit for the emulator run, seconds")
    ap.add_argument("--exclusive", action="store_true",
                    help="under make test's job slots, hold all of them: a run that measures time "
                         "(timer_test.py) needs the host otherwise idle")
    ap.add_argument("--light", action="store_true",
                    help="under make test's job slots, a light slot (tests/emu/slots.py): the run is idle "
                         "most of its time (a wait the kernel sleeps through)")
    ap.add_argument("--slot-group", metavar="NAME",
                    help="under make test's job slots, runs of the same group hold theirs one at a time")
    ap.add_argument("--estimate", type=float, metavar="SECONDS",
                    help="how long the run should take (default: --timeout): under make test's shared job "
                         "slots (tests/emu/slots.py) the longest runs start first")
    ap.add_argument("--name", help="test name: files are build/emu/NAME.* (default from emu and cmdline)")
    ap.add_argument("--iso", help="boot this ISO as is instead of building one (plumbing tests)")
    ap.add_argument("--iso-cache", metavar="DIR",
                    help="build the ISO into DIR once per command line (and kernel) and boot it from there, "
                         "shared by the tests with the same command line (suite.py passes it)")
    ap.add_argument("--keep", action="store_true", help="keep the ISO, bochsrc and emulator output")
    ap.add_argument("--reuse-boot", metavar="NAME",
                    help="boot nothing: check the serial log (and exit status) that test NAME's run of the same "
                         "configuration left in build/emu/NAME.* (suite.py merges identical boots this way)")
    ap.add_argument("--expect", action="append", default=[], metavar="KEY=VALUE")
    ap.add_argument("--expect-result", default="PASS", type=str.upper, choices=["PASS", "FAIL", "ANY"])
    ap.add_argument("--require", action="append", default=[], metavar="PATH")
    ap.add_argument("--require-skip", action="append", default=[], metavar="PATH")
    ap.add_argument("--expect-line", action="append", default=[], metavar="REGEX",
                    help="a regex that must match some line of the serial log")
    ap.add_argument("--expect-once", action="append", default=[], metavar="REGEX",
                    help="a regex that must match exactly one line of the serial log")
    a = ap.parse_args(argv)
    if a.emu == "bochs" and (a.qemu_smp or a.qemu_arg or a.machine != "pc" or a.com1 != "file:{serial}"):
        ap.error("--qemu-smp, --machine, --com1 and --qemu-arg are for QEMU; use --smp N with Bochs")
    if a.smp < 1:
        ap.error("--smp must be at least 1")
    return a


def main(argv=None):
    a = parse_args(argv)
    name = a.name or default_name(a)
    outdir = os.path.join(ROOT, "build", "emu")
    os.makedirs(outdir, exist_ok=True)
    base = os.path.join(outdir, name)
    serial = base + ".serial.log"
    emu_out = base + ".emu.out"
    wall = 0.0

    def finish(reason):
        if reason is None:
            print(f"emu: {name} PASS ({wall:.1f}s)")
            return 0
        print(f"emu: {name} FAIL: {reason} ({wall:.1f}s)")
        return 1

    if a.reuse_boot:
        # another test's boot of the same configuration: check its log against this test's expectations
        other = os.path.join(outdir, a.reuse_boot)
        try:
            with open(other + ".run") as f:
                rec = json.load(f)
        except (OSError, ValueError) as e:
            return finish(f"the boot of {a.reuse_boot} left no record in {os.path.relpath(other + '.run', ROOT)} "
                          f"({e.__class__.__name__}): it did not run")
        rc, wall, a.timeout = rec["rc"], rec["wall"], rec["timeout"]
        print(f"emu: {name} checks the serial log of {a.reuse_boot}'s boot (the same configuration, "
              f"one emulator run for both; {rec['status']})", flush=True)
        serial, emu_out = other + ".serial.log", other + ".emu.out"
        blog = other + ".bochs.log" if a.emu == "bochs" else None
        return verdict(a, name, base, serial, emu_out, blog, rc, wall, None, finish)

    if os.path.exists(base + ".run"):
        os.unlink(base + ".run")
    # -- the ISO, before the job slot: its copy or build overlaps the runs that hold the slots --
    if a.iso:
        iso = os.path.abspath(a.iso)
        if not os.path.isfile(iso):
            return finish(f"ISO not found: {a.iso}")
    elif a.iso_cache:
        iso, err = cached_iso(a.cmdline, os.path.abspath(a.iso_cache))
        if err:
            return finish(err)
    else:
        iso = base + ".iso"
        if os.path.exists(iso):
            os.unlink(iso)
        err = build_iso(a.cmdline, iso)
        if err:
            return finish(err)
    # under make test: one of the shared emulator job slots, for the run
    hold = contextlib.ExitStack()
    waited = hold.enter_context(slots.held(name, a.estimate or a.timeout, a.exclusive, a.light,
                                                a.slot_group))
    if waited >= 0.1:
        print(f"emu: {name} waited {waited:.1f} s for an emulator job slot", flush=True)
    try:
        # -- the emulator --
        if os.path.exists(serial):
            os.unlink(serial)
        blog = None
        env = dict(os.environ)
        if a.emu in ("qemu", "qemu-uefi"):
            if shutil.which(QEMU) is None:
                return finish(f"{QEMU} not found (apt-get install qemu-system-x86)")
            if a.emu == "qemu-uefi" and not os.path.isfile(OVMF):
                return finish(f"{OVMF} not found (apt-get install ovmf)")
            cmd = qemu_command(a, iso, serial)
        else:
            if shutil.which(BOCHS) is None:
                return finish(f"{BOCHS} not found (apt-get install bochs bochs-term bochsbios vgabios)")
            if a.smp > BOCHS_MAX_CPUS:
                return finish(f"Bochs 2.7 crashes with more than {BOCHS_MAX_CPUS} CPUs (asked {a.smp})")
            cmd, blog = bochs_files(a, iso, serial, base)
            if os.path.exists(blog):
                os.unlink(blog)
            env["TERM"] = "dumb"   # display_library: term runs nothing without a TERM it knows
        print("emu: " + " ".join(shlex.quote(c) for c in cmd), flush=True)
        held = [stuck_fifo(p.format(base=base)) for p in a.stuck_fifo]
        drain = None
        if a.emu == "bochs":   # its term display writes into a pty: read it, or Bochs blocks once it is full
            if os.path.exists(emu_out):
                os.unlink(emu_out)   # so the drain finds this run's pty name, not the last run's
            drain = bochs_screen.ScreenDrain(emu_out, base + ".screen").start()
        rc, wall = run_limited(cmd, a.timeout, emu_out, env)
        if drain:
            drain.stop()
            print(f"emu: {name} {drain.summary()}", flush=True)
        for fd in held:
            os.close(fd)
    finally:
        hold.close()
    status = "killed" if rc is None else f"exit status {rc}"
    print(f"emu: {name} emulator wall time {wall:.2f} s ({status})", flush=True)
    with open(base + ".run", "w") as f:       # for --reuse-boot
        json.dump({"rc": rc, "wall": wall, "timeout": a.timeout, "status": status}, f)
    return verdict(a, name, base, serial, emu_out, blog, rc, wall, iso, finish)


def verdict(a, name, base, serial, emu_out, blog, rc, wall, iso, finish):
    """Checks one run (exit status, Bochs log, serial log, other logs) against a's expectations."""
    reasons = []
    if rc is None:
        reasons.append(f"timed out after {a.timeout:g}s")
    elif a.emu in ("qemu", "qemu-uefi"):
        want = tuple(a.expect_exit) or \
            {"PASS": (QEMU_PASS,), "FAIL": (QEMU_FAIL,), "ANY": (QEMU_PASS, QEMU_FAIL)}[a.expect_result]
        if rc not in want:
            meaning = {QEMU_PASS: "the kernel wrote PASS (0x10) to isa-debug-exit",
                       QEMU_FAIL: "the kernel wrote FAIL (0x11) to isa-debug-exit",
                       0: "triple fault or ACPI power-off, not isa-debug-exit"}.get(rc, "QEMU error")
            reasons.append(f"QEMU exit status {rc} ({meaning}), expected "
                           + " or ".join(str(w) for w in want))
    bochs_panics = []
    if blog:
        off, bochs_panics = bochs_panic_lines(blog)
        if off:
            print(f"emu: {name} Bochs ended by the guest: {off.split('<<', 1)[-1].strip()}")
        if bochs_panics:
            reasons.append(f"Bochs: {bochs_panics[0].split('<<', 1)[-1].strip()}")

    if not os.path.exists(serial):
        reasons.append("no serial log was written")
        rep = None
    else:
        with open(serial, "rb") as f:
            rep = ktapcheck.check(f.read(), expect=a.expect, expect_result=a.expect_result, require=a.require,
                                  require_skip=a.require_skip, expect_lines=a.expect_line,
                                  expect_once=a.expect_once)
        rel = os.path.relpath(serial, ROOT)
        for p in rep.notes:
            ktapcheck._print_problem(rel, ktapcheck.Problem(p.line, "note: " + p.msg, p.kind, p.details),
                                     sys.stdout)
        for p in rep.problems:
            ktapcheck._print_problem(rel, p, sys.stdout)
        if rep.ok:
            print(f"ktapcheck: {rel} ok ({ktapcheck.describe(rep)})")
        else:
            print(f"ktapcheck: {rel} FAILED: {len(rep.problems)} problems")
            # a timeout explains a missing summary; keep the first other problem as the reason
            first = rep.problems[0].msg
            if rc is None and first.startswith("no summary line"):
                first = None
            if first:
                more = f" (+{len(rep.problems) - 1} more)" if len(rep.problems) > 1 else ""
                reasons.append(first + more)

    for other in a.same_log:
        why = same_kernel_log(serial, other.format(base=base))
        if why:
            reasons.append(why)
        else:
            print(f"emu: {name} {os.path.relpath(other.format(base=base), ROOT)} holds the same kernel log")

    if reasons:
        out = tail(emu_out, 15)
        if out:
            print(f"---- {a.emu} output (last {len(out)} lines of {os.path.relpath(emu_out, ROOT)})")
            for l in out:
                print(f"  | {l}")
        lines = tail(serial, TAIL_LINES)
        if lines is not None:
            print(f"---- serial log (last {len(lines)} lines of {os.path.relpath(serial, ROOT)})")
            for l in lines:
                print(f"  | {l}")
        if bochs_panics:
            print(f"---- Bochs log panic lines ({os.path.relpath(blog, ROOT)})")
            for l in bochs_panics[:20]:
                print(f"  | {l}")
    if not a.keep and not a.reuse_boot:
        # the ISO is big (~20 MB) and rebuilt every run; the rest is kept when the test failed
        junk = [] if a.iso or a.iso_cache else [iso]
        if not reasons:
            junk += [emu_out] + ([base + ".bochsrc", base + ".bochs-cmds"] if blog else [])
        for path in junk:
            if os.path.exists(path):
                os.unlink(path)
    return finish("; ".join(reasons) if reasons else None)


if __name__ == "__main__":
    sys.exit(main())
