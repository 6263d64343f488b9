#!/usr/bin/env python3
"""screen_test.py: what a person sees on the screen, read back as text.

    python3 tests/emu/screen_test.py [--list] [--only REGEX] [--keep]

Each test boots the real ISO in QEMU TCG with `-vga std`, a monitor on a unix
socket and, when the screen must be read at a given moment, QEMU's gdb stub
(`-S`): a breakpoint on a kernel function (address from build/vmxboot.elf)
freezes the guest there, the screen is read, the guest goes on.  That makes
the readings deterministic, and a mode=test run still ends as it always does
(isa-debug-exit, exit status 33).

- OVMF: the framebuffer, from the monitor's `screendump`, read by matching
  every 8x16 cell exactly against the kernel's font (tests/emu/fbtext.py);
  a lit cell that is no glyph fails the test.
- SeaBIOS: VGA text mode, from the monitor's `xp /2000hx 0xb8000`.

With a serial log, each reading must equal the tail of the kernel's serial
output so far (lines wrapped at the screen width), line for line. Without one
(`-serial none`) the summary line must be on screen.  The hold tests take the
real-hardware path (`x-oem-id=DELL`, no serial port): the verdict must stay on
screen until a key (`sendkey`) or `hold=SECONDS`, and then QEMU exits 0 (ACPI S5).

Prints one line per test, `screen: NAME PASS|FAIL ...`, then
`screen-tests: N passed, N failed`, and writes build/screen.count.
"""
import argparse
import os
import re
import socket
import struct
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import fbtext  # noqa: E402
from emu import OVMF_ARGS, QEMU, QEMU_PASS, cached_iso, kill_group  # noqa: E402
import slots  # noqa: E402  (make test's shared emulator job slots)

ELF = os.path.join(ROOT, "build", "vmxboot.elf")
OUT = os.path.join(ROOT, "build", "screen")
SUMMARY_RE = re.compile(r"^vmxboot: summary result=(PASS|FAIL) cpus_found=\S+ cpus_online=\S+ vmx_ready=\S+ "
                        r"tests=\d+ passed=\d+ failed=\d+ skipped=\d+ xfail=\d+")
ANSI_RE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")

# firmware: ovmf | seabios; serial: a serial log to compare with, or -serial none;
# breaks: kernel functions to stop at and read the screen; wait_for: poll the screen
# until this text shows (no breakpoints), then press `key` if given
TESTS = [
    dict(name="screen-ovmf-pc", firmware="ovmf", machine="pc", serial=True, breaks=["smp_init", "platform_exit"]),
    dict(name="screen-ovmf-q35", firmware="ovmf", machine="q35", serial=True, breaks=["smp_init", "platform_exit"]),
    dict(name="screen-seabios", firmware="seabios", machine="pc", serial=True, breaks=["smp_init", "platform_exit"]),
    dict(name="screen-ovmf-serial-none", firmware="ovmf", machine="pc", serial=False, breaks=["platform_exit"]),
    dict(name="screen-ovmf-q35-serial-none", firmware="ovmf", machine="q35", serial=False, breaks=["platform_exit"]),
    dict(name="screen-seabios-serial-none", firmware="seabios", machine="pc", serial=False, breaks=["platform_exit"]),
    dict(name="screen-ovmf-hold-key", firmware="ovmf", machine="pc,x-oem-id=DELL", serial=False,
         wait_for="the run is over (PASS): press a key to power off", key="ret", expect_exit=0),
    dict(name="screen-seabios-hold-key", firmware="seabios", machine="pc,x-oem-id=DELL", serial=False,
         wait_for="the run is over (PASS): press a key to power off", key="ret", expect_exit=0),
    # the kernel sleeps through most of the 8 s: a light slot (tests/emu/slots.py)
    dict(name="screen-ovmf-hold-seconds", firmware="ovmf", machine="pc,x-oem-id=DELL", serial=False,
         cmdline="mode=test hold=8", wait_for="the run is over (PASS): powering off in 8 s, or press a key",
         expect_exit=0, light=True),
    # a panic reaches the screen too (and the run still ends with QEMU's FAIL status)
    dict(name="screen-ovmf-panic", firmware="ovmf", machine="pc", serial=True, cmdline="mode=test inject=ud2",
         breaks=["report_panic_end", "platform_exit"], expect_result="FAIL", expect_exit=35,
         expect_screen=[r"^cpu0: PANIC: unexpected exception #UD invalid opcode \(vector 6\)", r"^cpu0:   RIP [0-9a-f]{16}"]),
    # the reader's failure path: with fb=off nothing is drawn, so the screen check must fail
    dict(name="screen-ovmf-fb-off-fails", firmware="ovmf", machine="pc", serial=True, cmdline="mode=test fb=off",
         breaks=["platform_exit"], expect_fail=r"the screen is blank|no glyph of the font|screen row \d+ is"),
]


class Fail(Exception):
    pass


# ---- the kernel image: symbol addresses and the bytes loaded there ----

def symbol(name):
    out = subprocess.run(["nm", ELF], capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        f = line.split()
        if len(f) == 3 and f[2] == name and f[1] in "tT":
            return int(f[0], 16)
    raise Fail(f"no text symbol {name} in {ELF}")


def elf_bytes(addr, n):
    """n bytes of the ELF's loadable segments at physical address addr."""
    with open(ELF, "rb") as f:
        data = f.read()
    phoff, = struct.unpack_from("<Q", data, 0x20)
    phentsize, phnum = struct.unpack_from("<HH", data, 0x36)
    for i in range(phnum):
        p_type, _, off, _, paddr, filesz, _, _ = struct.unpack_from("<IIQQQQQQ", data, phoff + i * phentsize)
        if p_type == 1 and paddr <= addr and addr + n <= paddr + filesz:
            return data[off + addr - paddr: off + addr - paddr + n]
    raise Fail(f"0x{addr:x} is in no loadable segment of {ELF}")


# ---- QEMU's gdb stub (remote serial protocol) and its human monitor ----

def connect_unix(path, deadline):
    while True:
        try:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.connect(path)
            return s
        except OSError:
            s.close()
            if time.monotonic() > deadline:
                raise Fail(f"cannot connect to {path}")
            time.sleep(0.1)


class Gdb:
    def __init__(self, path, deadline):
        self.s = connect_unix(path, deadline)
        self.buf = b""

    def _read_packet(self, timeout):
        self.s.settimeout(timeout)
        while True:
            m = re.search(rb"\$([^#]*)#[0-9a-fA-F]{2}", self.buf)
            if m:
                self.buf = self.buf[m.end():]
                try:
                    self.s.sendall(b"+")
                except OSError:
                    pass   # QEMU may exit right after its reply to D (detach)
                return m.group(1).decode()
            try:
                chunk = self.s.recv(4096)
            except socket.timeout:
                raise Fail(f"gdb stub: no reply within {timeout:.0f} s")
            if not chunk:
                raise Fail("gdb stub: connection closed (QEMU exited?)")
            self.buf += chunk   # '+' acks between packets are skipped by the search

    def cmd(self, payload, timeout=30, reply=True):
        data = payload.encode()
        self.s.sendall(b"$" + data + b"#" + f"{sum(data) & 0xff:02x}".encode())
        return self._read_packet(timeout) if reply else None

    def wait_stop(self, timeout):
        return self._read_packet(timeout)


class Monitor:
    def __init__(self, path, deadline):
        self.s = connect_unix(path, deadline)
        self._until_prompt(30)

    def _until_prompt(self, timeout):
        self.s.settimeout(timeout)
        data = b""
        while not data.endswith(b"(qemu) "):
            chunk = self.s.recv(65536)
            if not chunk:
                raise Fail("monitor: connection closed (QEMU exited?)")
            data += chunk
        return ANSI_RE.sub("", data.decode("utf-8", errors="replace"))

    def cmd(self, line, timeout=60):
        self.s.sendall(line.encode() + b"\n")
        return self._until_prompt(timeout)


# ---- one test ----

def wrap(lines, cols):
    out = []
    for line in lines:
        out += [line[i:i + cols].rstrip() for i in range(0, max(len(line), 1), cols)]   # blanks do not show
    return out


def unwrap(lines, cols):
    """Screen rows back into lines: a full row continues on the next one."""
    out, cur = [], ""
    for row in lines:
        cur += row
        if len(row) < cols:
            out.append(cur)
            cur = ""
    return out + ([cur] if cur else [])


def summaries(lines, cols):
    return [l for l in unwrap(lines, cols) if SUMMARY_RE.match(l)]


def kernel_lines(serial_path):
    with open(serial_path, "rb") as f:
        text = f.read().decode("utf-8", errors="replace").replace("\r", "")
    lines = text.split("\n")
    start = next((i for i, l in enumerate(lines) if l.startswith("cpu0: vmxboot ")), None)
    if start is None:
        raise Fail(f"{serial_path}: no 'cpu0: vmxboot' line")
    return lines[start:]   # the last element is the unfinished line ('' after a newline)


class Screen:
    def __init__(self, t, mon, base):
        self.t, self.mon, self.base, self.n = t, mon, base, 0

    def read(self):
        """(lines, columns) of the screen now."""
        self.n += 1
        if self.t["firmware"] == "seabios":
            out = self.mon.cmd("xp /2000hx 0xb8000")
            return fbtext.vga_lines(out), 80
        path = f"{self.base}.{self.n}.ppm"
        self.mon.cmd(f"screendump {path}")
        lines = fbtext.screen_lines(path)
        w, _, _ = fbtext.read_ppm(path)
        return lines, w // 8

    def check(self, lines, cols, serial_path, where):
        while lines and not lines[-1]:
            lines = lines[:-1]
        shown = "\n".join(lines[-8:])
        if not lines:
            raise Fail(f"{where}: the screen is blank")
        if self.t["firmware"] == "ovmf" and any("?" in l for l in lines):
            bad = next(l for l in lines if "?" in l)
            raise Fail(f"{where}: a lit cell on screen is no glyph of the font: {bad!r}")
        if serial_path:
            log = kernel_lines(serial_path)
            if log[-1] != "":
                raise Fail(f"{where}: the serial log ends inside a line: {log[-1]!r}")
            want = wrap(log[:-1], cols)
            if len(lines) < min(len(want), 20):
                raise Fail(f"{where}: {len(lines)} lines on screen, the serial log has {len(want)}")
            tail = want[-len(lines):]
            for i, (got, exp) in enumerate(zip(lines, tail)):
                if got != exp:
                    raise Fail(f"{where}: screen row {i} is {got!r}, the serial log has {exp!r}")
        return shown


def qemu_cmd(t, iso, base, with_gdb):
    cmd = [QEMU, "-machine", t["machine"], "-m", "256M", "-smp", str(t.get("smp", 2)), "-cpu", "max",
           "-cdrom", iso, "-boot", "d", "-display", "none", "-vga", "std", "-no-reboot",
           "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
           "-serial", f"file:{base}.serial.log" if t["serial"] else "none",
           "-monitor", f"unix:{base}.mon,server=on,wait=off"]
    if t["firmware"] == "ovmf":
        cmd += OVMF_ARGS
    if with_gdb:
        cmd += ["-gdb", f"unix:{base}.gdb,server=on,wait=off", "-S"]
    return cmd


def stop_at(gdb, name, timeout):
    """Continue until the kernel's function `name` is entered (a stop anywhere
    else, or before GRUB loaded the kernel there, is continued)."""
    addr = symbol(name)
    want = elf_bytes(addr, 16)
    if gdb.cmd(f"Z0,{addr:x},1") != "OK":
        raise Fail(f"gdb stub refused a breakpoint at {name} (0x{addr:x})")
    deadline = time.monotonic() + timeout
    while True:
        gdb.cmd("c", reply=False)
        stop = gdb.wait_stop(max(1, deadline - time.monotonic()))
        if not stop.startswith(("T05", "S05")):
            raise Fail(f"guest stopped with {stop!r} on the way to {name}")
        mem = gdb.cmd(f"m{addr:x},{len(want):x}")
        if not mem.startswith("E") and bytes.fromhex(mem) == want:
            break
    gdb.cmd(f"z0,{addr:x},1")


def run(t, keep):
    name = t["name"]
    base = os.path.join(OUT, name)
    for ext in (".serial.log", ".mon", ".gdb"):
        if os.path.exists(base + ext):
            os.unlink(base + ext)
    iso, err = cached_iso(t.get("cmdline", "mode=test"))    # one ISO per command line, shared
    if err:
        raise Fail(err)
    timeout = t.get("timeout", 240)
    deadline = time.monotonic() + timeout
    breaks = t.get("breaks", [])
    p = subprocess.Popen(qemu_cmd(t, iso, base, bool(breaks)), cwd=ROOT, stdin=subprocess.DEVNULL,
                         stdout=open(base + ".qemu.out", "wb"), stderr=subprocess.STDOUT, start_new_session=True)
    notes = []
    try:
        mon = Monitor(base + ".mon", deadline)
        screen = Screen(t, mon, base)
        serial = base + ".serial.log" if t["serial"] else None
        if breaks:
            gdb = Gdb(base + ".gdb", deadline)
            gdb.cmd("?")
            for fn in breaks:
                stop_at(gdb, fn, deadline - time.monotonic())
                lines, cols = screen.read()
                shown = screen.check(lines, cols, serial, f"at {fn}")
                if fn == "report_panic_end":
                    for rx in t.get("expect_screen", []):
                        if not any(re.search(rx, l) for l in unwrap(lines, cols)):
                            raise Fail(f"at {fn}: no line on screen matches /{rx}/; screen ends:\n{shown}")
                    notes.append("panic report on screen")
                if fn == "platform_exit":
                    summary = summaries(lines, cols)
                    want = "result=" + t.get("expect_result", "PASS")
                    if len(summary) != 1 or want not in summary[0]:
                        raise Fail(f"at {fn}: want one summary line with {want} on screen, got {summary}; "
                                   f"screen ends:\n{shown}")
                    notes.append("summary on screen")
                notes.append(f"{len([l for l in lines if l])} lines read at {fn}")
            gdb.cmd("D", reply=True)
        else:
            while True:
                lines, cols = screen.read()
                if any(t["wait_for"] in l for l in unwrap(lines, cols)):
                    break
                if p.poll() is not None or time.monotonic() > deadline:
                    raise Fail(f"{t['wait_for']!r} never showed on screen; it ends:\n" +
                               "\n".join(l for l in lines if l)[-800:])
                time.sleep(2)
            screen.check(lines, cols, None, "holding")
            summary = summaries(lines, cols)
            if len(summary) != 1 or "result=PASS" not in summary[0]:
                raise Fail(f"holding: want the summary line with result=PASS above the prompt, got {summary}")
            notes.append("verdict held on screen")
            time.sleep(1)   # still holding a second later
            if p.poll() is not None:
                raise Fail(f"QEMU exited ({p.returncode}) a second after the verdict showed")
            if "key" in t:
                mon.cmd(f"sendkey {t['key']}")
                notes.append(f"sendkey {t['key']}")
        try:
            rc = p.wait(timeout=max(1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            raise Fail(f"QEMU did not exit within {timeout} s")
        want = t.get("expect_exit", QEMU_PASS)
        if rc != want:
            raise Fail(f"QEMU exit status {rc}, want {want}")
        notes.append(f"exit {rc}")
        return ", ".join(notes)
    finally:
        kill_group(p)
        if not keep:
            for f in os.listdir(OUT):
                if f.startswith(name + ".") and f.endswith((".iso", ".ppm")):
                    os.unlink(os.path.join(OUT, f))


def main(argv=None):
    ap = argparse.ArgumentParser(description="Read vmxboot's screen back as text under QEMU.")
    ap.add_argument("--list", action="store_true")
    ap.add_argument("--only", metavar="REGEX")
    ap.add_argument("--keep", action="store_true", help="keep ISOs and screendumps in build/screen/")
    a = ap.parse_args(argv)
    tests = [t for t in TESTS if not a.only or re.search(a.only, t["name"])]
    if a.list:
        for t in tests:
            print(t["name"])
        return 0
    os.makedirs(OUT, exist_ok=True)
    mk = subprocess.run(["make", "-s"], cwd=ROOT, capture_output=True, text=True)
    passed = failed = 0
    if mk.returncode:
        print(f"screen: make failed:\n{mk.stdout}{mk.stderr}")
        failed = len(tests)
        tests = []
    for t in tests:
        t0 = time.monotonic()
        try:
            try:
                with slots.held(f"screen/{t['name']}", 10, light=t.get("light", False)):
                    note = run(t, a.keep)
            except Fail as e:
                if not t.get("expect_fail") or not re.search(t["expect_fail"], str(e)):
                    raise
                note = f"failed as it must: {e}"
            else:
                if t.get("expect_fail"):
                    raise Fail(f"passed, but it must fail with /{t['expect_fail']}/: {note}")
            print(f"screen: {t['name']} PASS: {note} ({time.monotonic() - t0:.1f}s)", flush=True)
            passed += 1
        except (Fail, OSError, ValueError) as e:
            print(f"screen: {t['name']} FAIL: {e} ({time.monotonic() - t0:.1f}s)", flush=True)
            failed += 1
    print(f"screen-tests: {passed} passed, {failed} failed")
    with open(os.path.join(ROOT, "build", "screen.count"), "w") as f:
        f.write(f"{passed} {failed} 0\n")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
