#!/usr/bin/env python3
"""kbd_test.py: the console at the PS/2 keyboard, read back from the VGA text screen.

    python3 tests/emu/kbd_test.py [--only REGEX] [--iso PATH] [--timeout SECONDS] [--no-build]

Boots the real ISO (`make -s iso CMDLINE='mode=interactive' ISO=build/emu/kbd.iso`) in
QEMU TCG with SeaBIOS (2 CPUs, `-M pc`), with QMP on a unix socket. Keys are typed with
the monitor's `sendkey` (through QMP `human-monitor-command`: real make and break codes
through QEMU's i8042); the screen is read with the monitor's `xp /2000hx 0xb8000` (the 80x25
VGA text buffer: the low byte of each cell is the character).

Sessions:
  screen     -serial none: the prompt on screen; `cpus` typed and answered on screen;
             Shift (`Help`), Backspace, Up (history), Ctrl-C, Ctrl-U
  serial     COM1 into a file as well: keys typed at the keyboard are echoed and answered
             on COM1 too (one output path to every output)
  ovmf-screen, ovmf-q35-screen   OVMF, -serial none -vga std, pc and q35: the report's end,
             the summary and the prompt on the framebuffer, `cpus` typed and answered there
             (the screen read from the monitor's screendump, cell by cell against the font)
  no-i8042   -M pc,i8042=off -serial none: no serial port and no keyboard controller: the
             halt message on screen and no prompt
  no-i8042-serial  -M pc,i8042=off with COM1: the console runs on COM1 alone and says so

Each check is one case: `ok - NAME` or `not ok - NAME: why`; at the end
`kbd-tests: N passed, N failed`; build/kbd.count gets "passed failed 0". Every wait is
bounded; each QEMU is killed (its process group) after --timeout seconds (default 180).
Files: build/emu/kbd-SESSION.screen.txt (the last screen), .serial.log, .emu.out.
"""

import argparse
import json
import os
import re
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from emu import cached_iso, kill_group, OVMF_ARGS  # noqa: E402
import slots  # noqa: E402  (make test's shared emulator job slots)
import fbtext  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
OUTDIR = os.path.join(ROOT, "build", "emu")
CMDLINE = "mode=interactive"
PROMPT = "vmxboot>"           # a screen line is compared with trailing blanks removed
BOOT_TIMEOUT = 120            # BIOS, GRUB and the boot report under a loaded machine
CMD_TIMEOUT = 40
KEY_GAP = 0.12                # between keys: QEMU holds each key 100 ms by default


class Fail(Exception):
    pass


class Broken(Exception):
    """The session cannot go on."""


class QMP:
    def __init__(self, path, deadline):
        self.deadline = deadline
        self.sock = socket.socket(socket.AF_UNIX)
        self.sock.settimeout(10)
        self.sock.connect(path)
        self.buf = b""
        self._read()                                   # the greeting
        self.call("qmp_capabilities")

    def _read(self):
        while True:
            i = self.buf.find(b"\n")
            if i >= 0:
                line, self.buf = self.buf[:i], self.buf[i + 1:]
                msg = json.loads(line)
                if "event" in msg:
                    continue
                return msg
            if time.monotonic() > self.deadline:
                raise Broken("session time limit waiting for QMP")
            try:
                d = self.sock.recv(65536)
            except OSError as e:
                raise Broken(f"QMP: {e}")
            if not d:
                raise Broken("QMP connection closed (QEMU exited?)")
            self.buf += d

    def call(self, cmd, **args):
        self.sock.sendall(json.dumps({"execute": cmd, "arguments": args}).encode() + b"\n")
        r = self._read()
        if "error" in r:
            raise Broken(f"QMP {cmd} {args}: {r['error']}")
        return r.get("return")

    def hmp(self, line):
        return self.call("human-monitor-command", **{"command-line": line})

    ppm = None   # set for a framebuffer boot (OVMF): the screen is read from a screendump

    def screen(self):
        """The screen lines, trailing blanks removed. VGA text (SeaBIOS): the 25 lines of the
        text buffer, non-printable cells as '.'. Framebuffer (OVMF): the monitor's screendump
        read back as text by matching each cell against the kernel's own font (fbtext.py)."""
        if self.ppm:
            if os.path.exists(self.ppm):
                os.unlink(self.ppm)
            self.hmp(f"screendump {self.ppm}")
            for _ in range(50):
                if os.path.exists(self.ppm) and os.path.getsize(self.ppm) > 0:
                    break
                time.sleep(0.1)
            try:
                return fbtext.screen_lines(self.ppm)
            except (OSError, SystemExit, ValueError) as e:
                raise Broken(f"screendump {self.ppm} could not be read: {e}")
        out = self.hmp("xp /2000hx 0xb8000")
        cells = []
        for l in out.splitlines():
            if ":" in l:
                cells += [int(x, 16) & 0xff for x in l.split(":", 1)[1].split()]
        if len(cells) != 2000:
            raise Broken(f"xp gave {len(cells)} cells, not 2000: {out[:200]!r}")
        text = "".join(chr(c) if 0x20 <= c < 0x7f else ("." if c else " ") for c in cells)
        return [text[i:i + 80].rstrip() for i in range(0, 2000, 80)]

    def keys(self, *names):
        """Each name as for the monitor's sendkey: 'c', 'shift-h', 'ret', 'up', 'ctrl-c'."""
        for n in names:
            self.hmp("sendkey " + n)
            time.sleep(KEY_GAP)


def word_keys(text):
    """sendkey names for a string of lowercase letters, digits, blanks and capitals."""
    out = []
    for ch in text:
        if ch == " ":
            out.append("spc")
        elif ch.isupper():
            out.append("shift-" + ch.lower())
        else:
            out.append(ch)
    return out


class Session:
    def __init__(self, name, machine, serial, iso, limit):
        self.name = name
        base = os.path.join(OUTDIR, f"kbd-{name}")
        self.screen_file, self.serial_log = base + ".screen.txt", base + ".serial.log"
        self.sock_path = base + ".qmp"
        for f in (self.sock_path, self.serial_log):
            if os.path.exists(f):
                os.unlink(f)
        serial_args = ["-serial", f"file:{self.serial_log}"] if serial else ["-serial", "none"]
        ovmf = name.startswith("ovmf")   # UEFI: the framebuffer console, read by screendump
        self.cmd = ["qemu-system-x86_64", "-machine", machine, "-m", "256M", "-smp", "2",
                    "-cpu", "max", "-cdrom", iso, "-boot", "d", "-display", "none", *serial_args,
                    "-no-reboot", "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
                    "-qmp", f"unix:{self.sock_path},server=on,wait=off"] + \
                   (OVMF_ARGS + ["-vga", "std"] if ovmf else [])
        self.deadline = time.monotonic() + limit
        self.out = open(base + ".emu.out", "wb")
        self.p = subprocess.Popen(self.cmd, stdin=subprocess.DEVNULL, stdout=self.out,
                                  stderr=subprocess.STDOUT, start_new_session=True)
        self.last = []
        for _ in range(100):
            if os.path.exists(self.sock_path) or self.p.poll() is not None:
                break
            time.sleep(0.1)
        if self.p.poll() is not None:
            raise Broken(f"QEMU exited with status {self.p.returncode} at start: {' '.join(self.cmd)}")
        self.q = QMP(self.sock_path, self.deadline)
        if ovmf:
            self.q.ppm = base + ".ppm"

    def stop(self):
        kill_group(self.p)
        self.out.close()
        with open(self.screen_file, "w") as f:
            f.write("\n".join(self.last) + "\n")
        if os.path.exists(self.sock_path):
            os.unlink(self.sock_path)

    def wait_screen(self, pred, timeout, what):
        """Polls the screen until pred(lines) is true; returns the lines."""
        end = min(time.monotonic() + timeout, self.deadline)
        while True:
            self.last = self.q.screen()
            if pred(self.last):
                return self.last
            if self.p.poll() is not None:
                raise Broken(f"QEMU exited (status {self.p.returncode}) waiting for {what}; screen:\n"
                             + shown(self.last))
            if time.monotonic() >= end:
                raise Fail(f"timed out ({timeout} s) waiting for {what}; screen:\n" + shown(self.last))
            time.sleep(0.3)

    def command(self, keys, echo, timeout=CMD_TIMEOUT):
        """Types keys (the last one 'ret'), waits for the reply to end in a fresh prompt and
        returns the screen lines after the line 'vmxboot> ECHO' (the last such line) up to
        the final prompt. Fails when the echo line is not on screen."""
        before = prompts(self.q.screen())
        self.q.keys(*keys)

        def done(lines):
            return nonblank(lines) and nonblank(lines)[-1] == PROMPT and prompts(lines) != before \
                and f"{PROMPT} {echo}" in lines

        try:
            lines = self.wait_screen(done, timeout, f"the reply to {echo!r} and a new prompt")
        except Fail as e:
            raise Fail(str(e))
        lines = nonblank(lines)
        i = max(k for k, l in enumerate(lines) if l == f"{PROMPT} {echo}")
        return lines[i + 1:-1]


def nonblank(lines):
    return [l for l in lines if l]


def prompts(lines):
    """A fingerprint of the screen that changes with every new prompt line: the text."""
    return "\n".join(lines)


def shown(lines):
    return "\n".join("    |" + l for l in lines)


def want(cond, msg):
    if not cond:
        raise Fail(msg)


def final_ok(reply):
    want(reply and reply[-1] == "ok", f"last reply line is not 'ok': {reply}")


def check_cpus(reply):
    final_ok(reply)
    for n in (0, 1):
        want(any(re.match(rf"^cpu{n}: APIC ID {n}, online, not in VMX operation$", l) for l in reply),
             f"no 'cpu{n}: APIC ID {n}, online, ...' line in the reply: {reply}")


# ---------------------------------------------------------------- cases

def c_prompt_on_screen(s):
    lines = s.wait_screen(lambda l: nonblank(l) and nonblank(l)[-1] == PROMPT, BOOT_TIMEOUT,
                          "the first 'vmxboot>' prompt on screen")
    text = "".join(nonblank(lines))      # lines wrap at 80 columns
    want("console: input from the PS/2 keyboard" in text,
         "no 'console: input from the PS/2 keyboard' on screen:\n" + shown(lines))
    want(re.search(r"kbd: i8042 keyboard, configuration byte 0x[0-9a-f]{2} -> 0x[0-9a-f]{2}", text),
         "no 'kbd: i8042 keyboard, configuration byte ...' line on screen:\n" + shown(lines))
    want("no keyboard acknowledged" not in text,
         "QEMU's keyboard did not ACK 'enable scanning' (0xf4):\n" + shown(lines))


def c_cpus_typed(s):
    check_cpus(s.command(word_keys("cpus") + ["ret"], "cpus"))


def c_shift(s):
    r = s.command(word_keys("Help") + ["ret"], "Help")
    want(r == ["error: unknown command 'Help' (type help)"], f"reply to 'Help': {r}")


def c_backspace(s):
    check_cpus(s.command(word_keys("cpux") + ["backspace", "s", "ret"], "cpus"))


def c_history_up(s):
    # history now: cpus, Help, cpus; up twice recalls 'Help' (typed with Shift above)
    r = s.command(["up", "up", "ret"], "Help")
    want(r == ["error: unknown command 'Help' (type help)"], f"reply to the recalled 'Help': {r}")
    # now cpus, Help, cpus, Help: up, up, up, down is the second newest, cpus
    check_cpus(s.command(["up", "up", "up", "down", "ret"], "cpus"))


def c_ctrl_c(s):
    s.q.keys("c", "p", "ctrl-c")
    lines = s.wait_screen(lambda l: len(nonblank(l)) >= 2 and nonblank(l)[-2] == f"{PROMPT} cp^C"
                          and nonblank(l)[-1] == PROMPT, CMD_TIMEOUT, "'cp^C' and a new prompt")
    want(lines, "no screen")


def c_ctrl_u(s):
    # xyz, Ctrl-U erases it on screen too ("\b \b" each), then cpus
    check_cpus(s.command(["x", "y", "z", "ctrl-u"] + word_keys("cpus") + ["ret"], "cpus"))


def c_serial_echo(s):
    c_prompt_on_screen_serial(s)
    check_cpus(s.command(word_keys("cpus") + ["ret"], "cpus"))
    end = time.monotonic() + 10
    log = b""
    while time.monotonic() < end:
        with open(s.serial_log, "rb") as f:
            log = f.read()
        if log.endswith(b"ok\r\nvmxboot> "):
            break
        time.sleep(0.3)
    want(b"vmxboot> cpus\r\n" in log, f"the keyboard's 'cpus' is not echoed on COM1: ...{log[-400:]!r}")
    tail = log[log.rindex(b"vmxboot> cpus\r\n"):]
    want(re.search(rb"\r\ncpu1: APIC ID 1, online, not in VMX operation\r\nok\r\nvmxboot> $", tail),
         f"the reply on COM1 does not end in the cpu1 line, ok and the prompt: {tail[-300:]!r}")


def c_prompt_on_screen_serial(s):
    lines = s.wait_screen(lambda l: nonblank(l) and nonblank(l)[-1] == PROMPT, BOOT_TIMEOUT,
                          "the first prompt on screen")
    want("console: input from COM1 and the PS/2 keyboard" in "".join(nonblank(lines)),
         "no 'console: input from COM1 and the PS/2 keyboard' on screen:\n" + shown(lines))


def c_no_input_halts(s):
    msg = "console: no serial port and no keyboard controller: nothing to type on; halted"
    lines = s.wait_screen(lambda l: msg in "".join(nonblank(l)), BOOT_TIMEOUT, repr(msg))
    text = "".join(nonblank(lines))
    want("kbd: no i8042 keyboard controller (status port 0x64 reads 0xff)" in text,
         "no 'kbd: no i8042 keyboard controller (status port 0x64 reads 0xff)' on screen:\n" + shown(lines))
    time.sleep(2)
    lines = s.q.screen()
    want(PROMPT not in "".join(lines), "a prompt appeared after the halt message:\n" + shown(lines))
    want(s.p.poll() is None, f"QEMU exited (status {s.p.returncode}) instead of the kernel halting")


def c_serial_only(s):
    end = time.monotonic() + BOOT_TIMEOUT
    log = b""
    while time.monotonic() < end and not log.endswith(b"vmxboot> "):
        time.sleep(0.5)
        if os.path.exists(s.serial_log):
            with open(s.serial_log, "rb") as f:
                log = f.read()
    want(log.endswith(b"vmxboot> "), f"no prompt on COM1 within {BOOT_TIMEOUT} s: ...{log[-300:]!r}")
    want(b"kbd: no i8042 keyboard controller (status port 0x64 reads 0xff)\r\n" in log,
         "COM1 lacks the 'kbd: no i8042 keyboard controller' line")
    want(b"console: input from COM1\r\n" in log, "COM1 lacks 'console: input from COM1'")


def c_report_on_screen(s):
    """UEFI: the end of the boot report is on the framebuffer above the prompt."""
    lines = s.wait_screen(lambda l: nonblank(l) and nonblank(l)[-1] == PROMPT, BOOT_TIMEOUT,
                          "the first 'vmxboot>' prompt on screen")
    text = "\n".join(nonblank(lines))
    want(re.search(r"vmxboot: summary result=PASS cpus_found=2 cpus_online=2 ", text),
         "no summary line with result=PASS on screen:\n" + shown(lines))
    want(re.search(r"^ok \d+ conformance$", text, re.M), "no KTAP 'ok N conformance' line on screen:\n" + shown(lines))


SESSIONS = [
    # name, machine, serial, cases
    ("screen", "pc", False, [("prompt_on_screen", c_prompt_on_screen), ("cpus_typed", c_cpus_typed),
                             ("shift_h", c_shift), ("backspace", c_backspace),
                             ("history_up_down", c_history_up), ("ctrl_c", c_ctrl_c),
                             ("ctrl_u", c_ctrl_u)]),
    ("serial", "pc", True, [("keyboard_echo_and_reply_on_com1", c_serial_echo)]),
    # UEFI, -serial none -vga std: the framebuffer console, pc and q35
    ("ovmf-screen", "pc", False, [("report_on_screen", c_report_on_screen), ("prompt_on_screen", c_prompt_on_screen),
                                  ("cpus_typed", c_cpus_typed), ("backspace", c_backspace)]),
    ("ovmf-q35-screen", "q35", False, [("report_on_screen", c_report_on_screen),
                                       ("prompt_on_screen", c_prompt_on_screen), ("cpus_typed", c_cpus_typed)]),
    ("no-i8042", "pc,i8042=off", False, [("no_input_halts_on_screen", c_no_input_halts)]),
    ("no-i8042-serial", "pc,i8042=off", True, [("com1_only", c_serial_only)]),
]


# sessions that wait more than they run (tests/emu/slots.py light slots): SeaBIOS's typing session
# (1.5 s of CPU in 5.6 s here, between keys and screen reads) and the halt with no keyboard
LIGHT = {"screen", "no-i8042"}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", help="run the sessions whose name matches REGEX")
    ap.add_argument("--iso", help="boot this ISO (default: the shared mode=interactive one from emu.py's cache)")
    ap.add_argument("--timeout", type=float, default=180.0)
    ap.add_argument("--no-build", action="store_true", help="use --iso as it is")
    a = ap.parse_args()
    os.makedirs(OUTDIR, exist_ok=True)
    if not a.iso:
        a.iso, err = cached_iso(CMDLINE)
        if err:
            print(f"kbd-tests: building the ISO failed: {err}")
            write_count(0, 1)
            return 1
    elif not a.no_build:
        r = subprocess.run(["make", "-s", "iso", f"CMDLINE={CMDLINE}", f"ISO={a.iso}"], cwd=ROOT)
        if r.returncode:
            print(f"kbd-tests: building the ISO failed (make exit {r.returncode})")
            write_count(0, 1)
            return 1
    passed = failed = 0
    for name, machine, serial, cases in SESSIONS:
        if a.only and not re.search(a.only, name):
            continue
        with slots.held(f"kbd/{name}", 6, light=name in LIGHT):
            p, f = run_session(a, name, machine, serial, cases)
        passed, failed = passed + p, failed + f
    print(f"kbd-tests: {passed} passed, {failed} failed")
    write_count(passed, failed)
    return 1 if failed else 0


def run_session(a, name, machine, serial, cases):
    """One QEMU session and its cases; returns (passed, failed)."""
    passed = failed = 0
    s = None
    try:
        s = Session(name, machine, serial, a.iso, a.timeout)
        broken = None
        for cname, fn in cases:
            full = f"{name}/{cname}"
            if broken:
                print(f"not ok - {full}: not run: {broken}")
                failed += 1
                continue
            t0 = time.monotonic()
            try:
                fn(s)
                print(f"ok - {full} ({time.monotonic() - t0:.1f} s)")
                passed += 1
            except Fail as e:
                print(f"not ok - {full}: {e}")
                failed += 1
            except Broken as e:
                print(f"not ok - {full}: {e}")
                failed += 1
                broken = str(e)
    except (Broken, OSError) as e:
        print(f"not ok - {name}: the session did not start: {e}")
        failed += len(cases)
    finally:
        if s:
            s.stop()
    return passed, failed


def write_count(passed, failed):
    os.makedirs(os.path.join(ROOT, "build"), exist_ok=True)
    with open(os.path.join(ROOT, "build", "kbd.count"), "w") as f:
        f.write(f"{passed} {failed} 0\n")


if __name__ == "__main__":
    sys.exit(main())
