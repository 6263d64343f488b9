"""console_session.py: the plumbing of tests/emu/console_test.py's console sessions.

The emulator command for each session (COM1 on a 127.0.0.1 socket), the connection that
reads it (Conn), the reply grammar of kernel/console.h (parse_reply), the Session that
starts and stops one emulator, the checks the cases share (want, expect_ok, expect_error,
cpu_exact) and the steps every session has (boot, poweroff, bad). The cases themselves are
in console_bochs.py, console_qemu.py and console_irq.py; the runner is console_test.py.
"""

import os
import re
import select
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from emu import kill_group  # noqa: E402  (one way to stop an emulator)
import bochs_screen  # noqa: E402  (reads Bochs's term screen pty so Bochs never blocks on it)

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
OUTDIR = os.path.join(ROOT, "build", "emu")
CMDLINE = "mode=interactive"

PROMPT = b"vmxboot> "
FIRST_PROMPT = b"console: type 'help' for the commands\r\n" + PROMPT
BANNER_RE = re.compile(rb"vmxboot \S+: bare-metal VT-x bring-up")
FINAL_RE = re.compile(r"^(ok|error: \S.*)$")
QUIET_S = 0.25            # after a prompt: this long with no further byte
BOOT_TIMEOUT = 120        # boot to the first prompt (Bochs, 2 CPUs: 48 s on a quiet machine)
CMD_TIMEOUT = 30          # one command's reply (on_cpu itself gives up after 5 s per CPU)
EXIT_TIMEOUT = 20         # poweroff to the emulator's exit
# bochs-screen (console_screen.py): 1 CPU and the screen refreshed 60 times a second (the most
# Bochs 2.7 takes; bochsrc.in leaves the default 5), so its pty gets more than it holds in a minute
SCREEN_SESSION_RC = "vga: extension=vbe, update_freq=60\n"


class Fail(Exception):
    """One case failed; the session goes on."""


class Broken(Exception):
    """The session cannot go on (timeout, connection closed, emulator gone)."""


def show(b, limit=600):
    """bytes as a readable Python literal, cut in the middle when long."""
    if len(b) > limit:
        return repr(b[:limit // 2]) + f" ...({len(b) - limit} bytes)... " + repr(b[-limit // 2:])
    return repr(b)


# ---------------------------------------------------------------- the connection

class Conn:
    def __init__(self, sock, log, deadline):
        self.sock, self.log, self.deadline = sock, log, deadline
        self.buf = b""
        self.eof = False

    def left(self, timeout):
        return max(0.0, min(timeout, self.deadline - time.monotonic()))

    def _recv(self, wait):
        """Waits up to `wait` s for bytes; False when none came. Sets eof on close."""
        if self.eof:
            return False
        r, _, _ = select.select([self.sock], [], [], wait)
        if not r:
            return False
        try:
            d = self.sock.recv(65536)
        except OSError:
            d = b""
        if not d:
            self.eof = True
            return False
        self.log.write(d)
        self.log.flush()
        self.buf += d
        return True

    def send(self, data):
        try:
            self.sock.sendall(data)
        except OSError as e:
            raise Broken(f"send failed: {e}")

    def until(self, pat, timeout, what):
        """Bytes up to and including the first `pat` (a bytes or compiled regex)."""
        end = time.monotonic() + self.left(timeout)
        while True:
            if isinstance(pat, bytes):
                i = self.buf.find(pat)
                j = i + len(pat) if i >= 0 else -1
            else:
                m = pat.search(self.buf)
                j = m.end() if m else -1
            if j >= 0:
                out, self.buf = self.buf[:j], self.buf[j:]
                return out
            if self.eof:
                raise Broken(f"connection closed while waiting for {what}; received {show(self.buf)}")
            now = time.monotonic()
            if now >= end:
                why = "session time limit" if now >= self.deadline else f"{timeout:g} s"
                raise Broken(f"timed out ({why}) waiting for {what}; received {show(self.buf)}")
            self._recv(end - now)

    def until_eof(self, timeout):
        end = time.monotonic() + self.left(timeout)
        while not self.eof and time.monotonic() < end:
            self._recv(end - time.monotonic())
        out, self.buf = self.buf, b""
        return out, self.eof

    def quiet(self, secs=QUIET_S):
        """Whatever arrives within secs (should be nothing after a prompt)."""
        end = time.monotonic() + secs
        while time.monotonic() < end and self._recv(end - time.monotonic()):
            pass
        out, self.buf = self.buf, b""
        return out


# ---------------------------------------------------------------- reply grammar

class Reply:
    def __init__(self, line, out, final, raw):
        self.line, self.out, self.final, self.raw = line, out, final, raw

    @property
    def ok(self):
        return self.final == "ok"

    def cpu_lines(self):
        """{cpu: text} of the 'cpuN: text' output lines; a CPU twice is a failure."""
        got = {}
        for l in self.out:
            m = re.match(r"^cpu(\d+): (.*)$", l)
            if m:
                n = int(m.group(1))
                if n in got:
                    raise Fail(f"two lines for cpu{n}: {self.out}")
                got[n] = m.group(2)
        return got

    def __str__(self):
        return f"reply to {self.line!r}: out={self.out} final={self.final!r}"


def parse_reply(chunk, echo):
    """Splits the bytes of one command's reply (up to and including the prompt) and checks
    the grammar: echo line, output lines, exactly one final ok/error line, the prompt."""
    if not chunk.endswith(PROMPT):
        raise Fail(f"reply does not end with the prompt: {show(chunk)}")
    body = chunk[:-len(PROMPT)]
    if not body.endswith(b"\r\n"):
        raise Fail(f"the prompt does not start a line: {show(chunk)}")
    bad = sorted({c for c in body if not (0x20 <= c < 0x7f or c in (0x0d, 0x0a))})
    if bad:
        raise Fail(f"control or non-ASCII bytes {[hex(c) for c in bad]} in the reply: {show(chunk)}")
    lines = body[:-2].split(b"\r\n")
    for l in lines:
        if b"\r" in l or b"\n" in l:
            raise Fail(f"a line not ended by CR LF: {show(l)} in {show(chunk)}")
    lines = [l.decode("ascii") for l in lines]
    if lines[0] != echo:
        raise Fail(f"echo {lines[0]!r}, expected {echo!r}; reply {show(chunk)}")
    rest = lines[1:]
    if not rest:
        raise Fail(f"no final ok/error line: {show(chunk)}")
    final, out = rest[-1], rest[:-1]
    if not FINAL_RE.match(final):
        raise Fail(f"last line before the prompt is {final!r}, not ok/error: {show(chunk)}")
    extra = [l for l in out if FINAL_RE.match(l) or l.startswith("error:")]
    if extra:
        raise Fail(f"more than one final line ({extra + [final]}): {show(chunk)}")
    return Reply(echo, out, final, chunk)


# ---------------------------------------------------------------- emulators

def free_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def emu_command(emu, iso, port, base):
    """(argv, env) for one session."""
    env = dict(os.environ)
    if emu == "qemu-nmi":
        # the QEMU monitor on a unix socket: `nmi` reaches every CPU through its LINT1
        argv, env = emu_command("qemu", iso, port, base)
        argv[argv.index("-monitor") + 1] = f"unix:{base}.monitor,server=on,wait=off"
        return argv + ["-no-reboot"], env
    if emu in ("qemu", "qemu-pci"):
        # no -no-reboot: `reboot` must come back to a fresh boot on the same socket
        serial = ["-serial", f"tcp:127.0.0.1:{port},server=on,wait=on"]
        if emu == "qemu-pci":   # no COM1: the console is a PCI 16550 alone
            serial = ["-serial", "none", "-chardev", f"socket,id=u,host=127.0.0.1,port={port},server=on,wait=on",
                      "-device", "pci-serial,chardev=u"]
        return ["qemu-system-x86_64", "-machine", "pc", "-m", "256M", "-smp", "2", "-cpu", "max",
                "-cdrom", iso, "-boot", "d", "-display", "none"] + serial + [
                "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04", "-monitor", "none"], env
    with open(os.path.join(HERE, "bochsrc.in")) as f:
        rc = f.read()
    fill = {"MEGS": "256", "MODEL": "corei7_skylake_x", "COUNT": "1" if emu == "bochs-screen" else "2", "ISO": iso,
            "SERIAL_LOG": base + ".unused", "BOCHS_LOG": base + ".bochs.log"}
    for k, v in fill.items():
        rc = rc.replace(f"@{k}@", v)
    rc, n = re.subn(r"^com1:.*$", f"com1: enabled=1, mode=socket-server, dev=127.0.0.1:{port}", rc,
                    flags=re.M)
    if n != 1 or re.search(r"@[A-Z_]+@", rc):
        raise SystemExit("console_test: tests/emu/bochsrc.in: cannot make a socket bochsrc from it")
    if emu == "bochs-screen":
        rc += SCREEN_SESSION_RC
    with open(base + ".bochsrc", "w") as f:
        f.write(rc)
    with open(base + ".bochs-cmds", "w") as f:
        f.write("c\n")
    env["TERM"] = "dumb"      # display_library: term runs nothing without a TERM it knows
    return ["bochs", "-q", "-f", base + ".bochsrc", "-rc", base + ".bochs-cmds"], env


class Session:
    def __init__(self, emu, iso, limit, verbose):
        self.emu, self.iso, self.limit, self.verbose = emu, iso, limit, verbose
        self.base = os.path.join(OUTDIR, f"console-{emu}")
        self.p = None
        self.conn = None
        self.sock = None
        self.t0 = None
        self.ctx = {}
        self.timings = {}
        self.exit_status = None
        self.live = True          # print each case as it ends (False: the caller prints them)
        self.drain = None         # Bochs: the thread reading its term screen pty (bochs_screen.py)
        self.screen_drain = True  # False (--no-screen-drain): leave the pty unread, to show Bochs stop

    def _drain_stop(self):
        if self.drain:
            self.drain.stop()

    def start(self):
        self.t0 = time.monotonic()
        self.deadline = self.t0 + self.limit
        for f in (".serial.log", ".bochs.log", ".screen"):
            if os.path.exists(self.base + f):
                os.unlink(self.base + f)
        self.log = open(self.base + ".serial.log", "wb")
        last = None
        for attempt in range(3):         # another program may take the port between bind and use
            port = free_port()
            cmd, env = emu_command(self.emu, self.iso, port, self.base)
            if self.verbose:
                print("# " + " ".join(cmd), flush=True)
            self.out = open(self.base + ".emu.out", "wb")   # emptied: the drain must find this run's pty
            self._drain_stop()
            if self.emu.startswith("bochs") and self.screen_drain:
                self.drain = bochs_screen.ScreenDrain(self.base + ".emu.out", self.base + ".screen").start()
            self.p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=self.out, stderr=subprocess.STDOUT,
                                      cwd=ROOT, env=env, start_new_session=True)
            end = min(time.monotonic() + 30, self.deadline)
            while time.monotonic() < end and self.p.poll() is None:
                try:
                    self.sock = socket.create_connection(("127.0.0.1", port), timeout=1)
                    break
                except OSError:
                    time.sleep(0.1)
            if self.sock:
                self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                self.conn = Conn(self.sock, self.log, self.deadline)
                return
            last = f"could not connect to 127.0.0.1:{port} (emulator {self.status()})"
            kill_group(self.p)
            self.out.close()
        raise Broken(last + f"; see {os.path.relpath(self.base + '.emu.out', ROOT)}")

    def screen(self):
        """What became of Bochs's screen pty, in words; None for QEMU."""
        if self.drain:
            return self.drain.summary().replace(ROOT + "/", "")
        if self.emu.startswith("bochs"):
            return "left Bochs's screen pty unread (--no-screen-drain)"
        return None

    def status(self):
        rc = self.p.poll() if self.p else None
        return "running" if rc is None else f"exit status {rc}"

    def stop(self):
        if self.sock:
            try:
                self.sock.close()
            except OSError:
                pass
        kill_group(self.p)
        self._drain_stop()
        self.log.close()
        self.out.close()
        self.timings["session"] = time.monotonic() - self.t0

    # -- typing --

    def cmd(self, line, send=None, echo=None, timeout=CMD_TIMEOUT):
        """Types line (or the raw bytes send) and returns the parsed Reply."""
        data = send if send is not None else line.encode() + b"\r"
        self.conn.send(data)
        chunk = self.conn.until(PROMPT, timeout, f"prompt after {data!r}")
        after = self.conn.quiet()
        if self.verbose:
            print("# " + show(chunk + after, 4000), flush=True)
        if after:
            raise Fail(f"bytes after the prompt: {show(after)} (reply {show(chunk)})")
        return parse_reply(chunk, echo if echo is not None else line)


# ---------------------------------------------------------------- checks

def want(cond, msg):
    if not cond:
        raise Fail(msg)


def expect_ok(r):
    want(r.final == "ok", f"final line {r.final!r}, expected ok ({r})")


def expect_error(r, pattern=None, no_output=True):
    want(r.final.startswith("error: "), f"final line {r.final!r}, expected an error ({r})")
    if pattern:
        want(re.search(pattern, r.final), f"error {r.final!r} does not match /{pattern}/")
    if no_output:
        want(not r.out, f"output lines before the error: {r.out}")


def cpu_exact(r, pats, others=False):
    """The cpuN lines are exactly the CPUs of pats ({cpu: regex}), each matching (re.fullmatch);
    with others=False no other output line either. Returns {cpu: match}."""
    got = r.cpu_lines()
    want(sorted(got) == sorted(pats), f"cpu lines for CPUs {sorted(got)}, expected {sorted(pats)}: {r.out}")
    if not others:
        rest = [l for l in r.out if not re.match(r"^cpu\d+: ", l)]
        want(not rest, f"output lines besides the cpu lines: {rest}")
    order = [int(re.match(r"^cpu(\d+):", l).group(1)) for l in r.out if re.match(r"^cpu\d+: ", l)]
    want(order == sorted(order), f"cpu lines out of order: {order}")
    ms = {}
    for cpu, pat in pats.items():
        m = re.fullmatch(pat, got[cpu])
        want(m, f"cpu{cpu}: {got[cpu]!r} does not match /{pat}/")
        ms[cpu] = m
    return ms


HEX = r"0x[0-9a-f]+"


# ---- steps every session shares

def boot(s):
    t = time.monotonic()
    got = s.conn.until(FIRST_PROMPT, BOOT_TIMEOUT, "first prompt")
    s.timings["boot to first prompt"] = time.monotonic() - t
    s.ctx["boot"] = got
    want(BANNER_RE.search(got), "no 'vmxboot ...: bare-metal VT-x bring-up' banner before the first prompt")
    want(got.count(PROMPT) == 1, f"{got.count(PROMPT)} prompts in the boot output")
    after = s.conn.quiet(0.5)
    want(not after, f"bytes after the first prompt: {show(after)}")


def bad(line, pattern):
    def f(s):
        r = s.cmd(line)
        expect_error(r, pattern)
    return f


def poweroff(s, statuses):
    """Types poweroff: the reply ends with ok and no prompt, the connection closes and the
    emulator exits by itself within EXIT_TIMEOUT s."""
    t = time.monotonic()
    s.conn.send(b"poweroff\r")
    data, eof = s.conn.until_eof(EXIT_TIMEOUT)
    try:
        rc = s.p.wait(timeout=max(0.1, EXIT_TIMEOUT - (time.monotonic() - t)))
    except subprocess.TimeoutExpired:
        rc = None
    s.timings["poweroff to exit"] = time.monotonic() - t
    s.exit_status = rc
    if s.verbose:
        print("# " + show(data, 4000), flush=True)
    want(rc is not None, f"emulator still running {EXIT_TIMEOUT} s after poweroff (received {show(data)})")
    want(eof, "the serial connection stayed open")
    want(rc in statuses, f"emulator exit status {rc}, expected {' or '.join(map(str, statuses))}")
    want(data == b"poweroff\r\nevery CPU is out of VMX operation; powering off\r\nok\r\n",
         f"received {show(data)}, expected the echo, "
         "'every CPU is out of VMX operation; powering off', 'ok' and nothing else")


def screen_read(s):
    """Bochs named its screen pty and the session reads it (unread, Bochs stops once it holds ~20 KB)."""
    d = s.drain
    want(d is not None, "Bochs's screen pty is left unread (--no-screen-drain)")
    end = time.monotonic() + 5
    while not (d.read or d.error) and time.monotonic() < end:   # the reading thread may lag the prompt
        time.sleep(0.1)
    want(d.pty, f"Bochs named no screen pty in {os.path.relpath(d.out_path, ROOT)}")
    want(not d.error, d.summary())
    want(d.read > 0, f"nothing read from {d.pty} 5 s after the first prompt, though the boot report was drawn there")
