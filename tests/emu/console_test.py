#!/usr/bin/env python3
"""console_test.py: scripted sessions on vmxboot's serial console (mode=interactive).

    python3 tests/emu/console_test.py [--emu bochs|qemu] [--only REGEX] [--list]
        [--iso PATH] [--timeout SECONDS] [--verbose] [--self-test]

Boots the real ISO (`make -s iso CMDLINE='mode=interactive'`, once, in emu.py's ISO cache)
with COM1 on a TCP socket bound to 127.0.0.1 (a free port picked per run: Bochs cannot
rebind a port in TIME_WAIT), waits for the first prompt, types commands and parses every
reply strictly against the contract of kernel/console.h:

    <echo of the typed line>\\r\\n
    <output lines>\\r\\n ...          none of them "ok" or "error: ..."
    ok\\r\\n | error: <reason>\\r\\n  exactly one final line
    vmxboot>                        the prompt, then nothing more

Sessions:
  bochs  Bochs corei7_skylake_x, 2 CPUs, VT-x: vmx/vmcs/guest/rdmsr/cpuid, bad input,
         line-editor keys, then poweroff (Bochs must exit by itself)
  qemu   QEMU TCG -cpu max, 2 CPUs, no VT-x: the no-VMX replies, reboot (a fresh boot
         report and prompt on the same socket), poweroff (exit status 0 or 33)
  qemu-pci  the same QEMU with no COM1 and a PCI 16550 on the socket: the boot report
         (replayed to it after ACPI), cpuid, poweroff
  qemu-nmi  QEMU TCG, 2 CPUs, with a monitor socket: `nmi` at the prompt gives one
         "NMI received" line per CPU and the console goes on; then `mce` on CPU 1 gives
         the machine-check bank lines and a panic report

Each check is one case: `ok - NAME` or `not ok - NAME: why`; at the end
`console-tests: N passed, N failed`; build/console.count gets "passed failed 0".
--only REGEX runs the matching cases plus the earlier cases they depend on (the
session state they need). Hard limits: each session is killed (its whole process group)
after --timeout seconds (default 240); a hung kernel fails the cases left, never hangs
the run. Files: build/emu/console-EMU.serial.log (every byte received), .emu.out.
"""

import argparse
import os
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from emu import cached_iso, kill_group  # noqa: E402  (one way to stop an emulator; the shared ISOs)
import console_irq  # noqa: E402  (the qemu-nmi session's steps)
import slots  # noqa: E402  (make test's shared emulator job slots)

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
    fill = {"MEGS": "256", "MODEL": "corei7_skylake_x", "COUNT": "2", "ISO": iso,
            "SERIAL_LOG": base + ".unused", "BOCHS_LOG": base + ".bochs.log"}
    for k, v in fill.items():
        rc = rc.replace(f"@{k}@", v)
    rc, n = re.subn(r"^com1:.*$", f"com1: enabled=1, mode=socket-server, dev=127.0.0.1:{port}", rc,
                    flags=re.M)
    if n != 1 or re.search(r"@[A-Z_]+@", rc):
        raise SystemExit("console_test: tests/emu/bochsrc.in: cannot make a socket bochsrc from it")
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

    def start(self):
        self.t0 = time.monotonic()
        self.deadline = self.t0 + self.limit
        for f in (".serial.log", ".bochs.log"):
            if os.path.exists(self.base + f):
                os.unlink(self.base + f)
        self.log = open(self.base + ".serial.log", "wb")
        last = None
        for attempt in range(3):         # another program may take the port between bind and use
            port = free_port()
            cmd, env = emu_command(self.emu, self.iso, port, self.base)
            if self.verbose:
                print("# " + " ".join(cmd), flush=True)
            self.out = open(self.base + ".emu.out", "wb")
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
        raise Broken(last + f"; see {os.path.relpath(self.base + '.emu.out', ROOT)}")

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


# ---- session steps: (name, needs, fn(session)); names are prefixed with the emulator

def boot(s):
    t = time.monotonic()
    got = s.conn.until(FIRST_PROMPT, BOOT_TIMEOUT, "first prompt")
    s.timings["boot to first prompt"] = time.monotonic() - t
    want(BANNER_RE.search(got), "no 'vmxboot ...: bare-metal VT-x bring-up' banner before the first prompt")
    want(got.count(PROMPT) == 1, f"{got.count(PROMPT)} prompts in the boot output")
    after = s.conn.quiet(0.5)
    want(not after, f"bytes after the first prompt: {show(after)}")


def c_help(s):
    r = s.cmd("help")
    expect_ok(r)
    want(len(r.out) >= 3, f"help printed {len(r.out)} lines")
    for usage in ("vmx on <cpus>", "vmcs write <cpus> FIELD VALUE", "poweroff"):
        want(any(re.match(re.escape(usage) + r"(\s{2,}\S.*)?$", l) for l in r.out),
             f"help does not list '{usage}': {r.out}")
    want(not any(re.match(r"^cpu\d+: ", l) for l in r.out), "cpu lines in help")


def c_cpus(s):
    r = s.cmd("cpus")
    expect_ok(r)
    cpu_exact(r, {i: rf"APIC ID \d+, online, not in VMX operation" for i in (0, 1)}, others=True)
    rest = [l for l in r.out if not re.match(r"^cpu\d+: ", l)]
    want(all(l.startswith("smp: ") for l in rest), f"lines besides smp:/cpuN: {rest}")


def c_bench_smp(s):
    r = s.cmd("bench smp")
    expect_ok(r)
    want(any(re.match(r"^smp: bring-up \d+ us from the first INIT to the last AP online \(1 APs, INIT wait 0 us, "
                      r"SIPI wait 10 us, \d+ second SIPIs\), \d+ us per AP$", l) for l in r.out),
         f"no bring-up line with the waits used and the time per AP: {r.out}")
    # the waits and why (vendor/family), in the boot's own words, once
    waits = "smp: start-up waits: INIT 0 us, SIPI 10 us (GenuineIntel family 0x6: no INIT wait, as Linux on Intel family >= 0x6)"
    want(r.out.count(waits) == 1, f"want the line {waits!r} once, saying why those waits: {r.out}")
    want(not [l for l in r.out if "chosen by" in l], f"the waits said twice: {r.out}")


def c_vmx_on_all(s):
    r = s.cmd("vmx on all")
    ms = cpu_exact(r, {i: rf"VMXON ok \(region ({HEX})\)" for i in (0, 1)})
    expect_ok(r)
    s.ctx["region"] = {i: m.group(1) for i, m in ms.items()}
    want(s.ctx["region"][0] != s.ctx["region"][1], f"both CPUs got region {s.ctx['region'][0]}")


def status_in_vmx(s, current):
    r = s.cmd("vmx status")
    reg = s.ctx["region"]
    cpu_exact(r, {i: rf"in VMX operation \(region {reg[i]}\), current vmcs {current[i]}" for i in (0, 1)})
    expect_ok(r)


def c_vmx_status(s):
    status_in_vmx(s, {0: -1, 1: -1})


def c_vmx_on_again(s):
    r = s.cmd("vmx on 1")
    cpu_exact(r, {1: rf"already in VMX operation \(region {s.ctx['region'][1]}\); nothing done"})
    expect_ok(r)


def c_status_unchanged(s):
    status_in_vmx(s, {0: -1, 1: -1})


def c_vmcs_new(s):
    r = s.cmd("vmcs new 1")
    ms = cpu_exact(r, {1: rf"vmcs 0 at ({HEX}) \(revision id written, not yet cleared\)"})
    expect_ok(r)
    s.ctx["vmcs"] = ms[1].group(1)


def c_vmcs_load(s):
    r = s.cmd("vmcs load 1")
    cpu_exact(r, {1: r"VMPTRLD: ok"})
    expect_ok(r)


def c_vmcs_write(s):
    r = s.cmd("vmcs write 1 guest_cr3 0x1000")
    cpu_exact(r, {1: r"VMWRITE: ok"})
    expect_ok(r)


def c_vmcs_read(s):
    r = s.cmd("vmcs read 1 guest_cr3")
    cpu_exact(r, {1: r"VMREAD 0x6802: ok, 0x1000"})
    expect_ok(r)


def c_caps(s):
    r = s.cmd("caps raw 1")
    expect_ok(r)
    hits = [re.search(r"VMX_MISC (0x[0-9a-f]+):.*VMWRITE to read-only fields (allowed|not allowed)$", l)
            for l in r.out]
    hits = [h for h in hits if h]
    want(len(hits) == 1, f"{len(hits)} VMX_MISC lines with 'VMWRITE to read-only fields': {r.out}")
    misc, text = int(hits[0].group(1), 16), hits[0].group(2)
    want((text == "allowed") == bool(misc >> 29 & 1), f"VMX_MISC {misc:#x} bit 29 disagrees with '{text}'")
    s.ctx["ro_write"] = text == "allowed"
    s.ctx["misc"] = misc


def c_caps_named(s):
    """caps 1 misc: the named decode agrees with the raw MSR; caps 1 proc: Skylake-X's states."""
    r = s.cmd("caps 1 misc")
    expect_ok(r)
    want(r.out and r.out[0].startswith("miscellaneous data (IA32_VMX_MISC 0x485 "), f"group title: {r.out}")
    bit29 = "yes" if s.ctx["misc"] >> 29 & 1 else "no"
    want(f"  VMWRITE to any supported VMCS field: {bit29}" in r.out, f"MISC bit 29 line ({bit29}): {r.out}")
    cr3 = (s.ctx["misc"] >> 16) & 0x1ff
    want(f"  Number of CR3-target values: {cr3}" in r.out, f"CR3-target count {cr3}: {r.out}")
    r = s.cmd("caps 1 proc")
    expect_ok(r)
    for line in ("  Monitor trap flag: no", "  CR3-load exiting: default", "  HLT exiting: yes",
                 "  Activate secondary controls: yes"):
        want(line in r.out, f"{line!r} missing (Bochs corei7_skylake_x): {r.out}")
    r = s.cmd("caps 1 machine")
    expect_ok(r)
    want(any(re.match(r"^identity: GenuineIntel family 0x6 model 0x55 ", l) for l in r.out), f"identity: {r.out}")
    want(any(l.startswith("IA32_FEATURE_CONTROL 0x5: lock yes") for l in r.out), f"FEATURE_CONTROL: {r.out}")
    r = s.cmd("caps")
    expect_ok(r)
    titles = [l for l in r.out if not l.startswith("  ")]
    want(len(titles) == 14, f"{len(titles)} group titles in the full decode, expected 14: {titles}")


def c_caps_diff(s):
    """caps diff: Bochs's 2 CPUs are one kind; a single CPU has nothing to compare with; a bad selector
    is refused before anything is printed."""
    r = s.cmd("caps diff")
    expect_ok(r)
    want(r.out == ["no differences among CPUs 0-1"], f"caps diff on 2 identical CPUs: {r.out}")
    r = s.cmd("caps diff 1")
    expect_ok(r)
    want(r.out == ["cpu1 alone: nothing to compare it with"], f"caps diff 1: {r.out}")
    r = s.cmd("caps diff 0-5")
    expect_error(r, r"^error: no CPU 2 \(2 CPUs: 0-1\)$")


def c_vmcs_write_ro(s):
    r = s.cmd("vmcs write 1 exit_reason 1")
    if s.ctx["ro_write"]:
        cpu_exact(r, {1: r"VMWRITE: ok"})
        expect_ok(r)
    else:
        cpu_exact(r, {1: r"VMWRITE: VMfailValid 13 \(.*\)"})
        expect_error(r, r"1 of 1 CPUs did not do it", no_output=False)


def c_vmcs_store(s):
    r = s.cmd("vmcs store 1")
    cpu_exact(r, {1: rf"VMPTRST: ok, current VMCS {s.ctx['vmcs']}"})
    expect_ok(r)


def c_status_current(s):
    status_in_vmx(s, {0: -1, 1: 0})


def c_rdmsr_fc(s):
    r = s.cmd("rdmsr 0x3a 1")
    cpu_exact(r, {1: r"MSR 0x3a = 0x5"})
    expect_ok(r)


def c_rdmsr_gp(s):
    r = s.cmd("rdmsr 0xdeadbeef 0")
    cpu_exact(r, {0: r"RDMSR 0xdeadbeef: #GP \(vector 13\)"})
    expect_ok(r)


def c_after_gp(s):
    r = s.cmd("cpuid 1 0")
    cpu_exact(r, {0: r"CPUID 0x1\.0: eax=0x[0-9a-f]{8} ebx=0x[0-9a-f]{8} ecx=0x[0-9a-f]{8} edx=0x[0-9a-f]{8}"})
    expect_ok(r)


def c_vmx_off_all(s):
    r = s.cmd("vmx off all")
    cpu_exact(r, {i: r"VMXOFF ok; VMXON region and VMCSs freed" for i in (0, 1)})
    expect_ok(r)


def c_vmx_off_again(s):
    r = s.cmd("vmx off 0")
    cpu_exact(r, {0: r"not in VMX operation; VMXOFF not executed"})
    expect_ok(r)


def c_guest_run(s):
    r = s.cmd("guest run all 3", timeout=60)
    expect_ok(r)
    for i in (0, 1):
        n = [l for l in r.out if re.match(rf"^guest: cpu{i}: VMLAUNCH -> ", l)]
        want(len(n) == 1, f"{len(n)} 'guest: cpu{i}: VMLAUNCH ->' lines: {r.out}")
        want(re.search(r"-> done -> VMCLEAR -> VMXOFF$", n[0]), f"cpu{i} guest did not finish: {n[0]!r}")
    bad = [l for l in r.out if not l.startswith("guest: cpu")]
    want(not bad, f"other output lines: {bad}")


def bad(line, pattern):
    def f(s):
        r = s.cmd(line)
        expect_error(r, pattern)
    return f


def c_too_long(s):
    r = s.cmd("a" * 300, echo="a" * 160)      # the editor stores and echoes 160, counts the rest
    expect_error(r, r"^error: line too long \(300 characters, at most 160\)$")


def c_control_byte(s):
    # le_feed drops control bytes other than BS/DEL/^U/^C/ESC/CR/LF: b"he\x01lp" is "help"
    r = s.cmd("help", send=b"he\x01lp\r", echo="help")
    expect_ok(r)
    want(any(l.startswith("vmx on <cpus>") for l in r.out), f"not the help text: {r.out}")


def c_ctrl_c(s):
    s.conn.send(b"vmx on al\x03")
    chunk = s.conn.until(PROMPT, CMD_TIMEOUT, "prompt after ^C")
    after = s.conn.quiet()
    want(chunk == b"vmx on al^C\r\n" + PROMPT and not after,
         f"expected b'vmx on al^C\\r\\nvmxboot> ', received {show(chunk + after)}")
    # the line is gone: typing 'l' now is the one-letter command 'l', not 'vmx on all'
    r = s.cmd("l")
    expect_error(r, r"^error: unknown command 'l' \(type help\)$")


def c_bad_input_no_action(s):
    r = s.cmd("vmx status")
    cpu_exact(r, {i: r"not in VMX operation" for i in (0, 1)})
    expect_ok(r)


def c_vmx_on_0(s):
    r = s.cmd("vmx on 0")
    cpu_exact(r, {0: rf"VMXON ok \(region {HEX}\)"})
    expect_ok(r)


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


def c_poweroff_bochs(s):
    poweroff(s, (1,))             # Bochs exits 1 whatever happened: its log says why
    blog = s.base + ".bochs.log"
    text = open(blog, "rb").read().decode("utf-8", "replace") if os.path.exists(blog) else ""
    panics = [l for l in text.splitlines() if ">>PANIC<<" in l]
    off = [l for l in panics if re.search(r"Shutdown port: shutdown requested|ACPI control: soft power off", l)]
    want(off, f"no guest power-off line in {os.path.relpath(blog, ROOT)}")
    others = [l for l in panics if l not in off]
    want(not others, f"Bochs panic lines: {others[:3]}")


# -- self-virtualization (vmx/virt*.c): both CPUs guests of vmxboot's VMM, then back out

def c_virt_on(s):
    r = s.cmd("virt on all")
    cpu_exact(r, {i: r"virtualized: now a guest of vmxboot's VMM \(EPT, MSR bitmap\)" for i in (0, 1)})
    expect_ok(r)


def c_virt_cpuid(s):
    r = s.cmd("cpuid 0x40000000 all")
    cpu_exact(r, {i: r"CPUID 0x40000000\.0: eax=0x40000000 ebx=0x42786d56 ecx=0x56746f6f edx=0x726f7369"
                  for i in (0, 1)})      # "VmxBootVisor"
    expect_ok(r)


def c_virt_status(s):
    r = s.cmd("virt status")
    cpu_exact(r, {i: r"virtualized" for i in (0, 1)}, others=True)
    for i in (0, 1):
        want(any(re.match(rf"^virt: cpu{i}: \d+ VM exits while virtualized \(.*CPUID \d+", l) for l in r.out),
             f"no exit counts for cpu{i}: {r.out}")
    expect_ok(r)


def c_virt_msrs(s):
    # the guest's view: FEATURE_CONTROL locked with VMX off (Bochs: 0x5 on bare metal), a VMX MSR #GPs,
    # an MSR outside the bitmap's ranges is executed by the VMM and its #GP injected; caps/fc keep boot's values
    r = s.cmd("rdmsr 0x3a all")
    cpu_exact(r, {i: r"MSR 0x3a = 0x1" for i in (0, 1)})
    expect_ok(r)
    r = s.cmd("fc")
    cpu_exact(r, {i: r"IA32_FEATURE_CONTROL 0x5: lock set, VMXON inside SMX disabled, VMXON outside SMX enabled "
                  r"\(read at boot: virtualized now\)" for i in (0, 1)})
    expect_ok(r)
    r = s.cmd("rdmsr 0x480 1")
    cpu_exact(r, {1: r"RDMSR 0x480: #GP \(vector 13\)"})
    expect_ok(r)
    r = s.cmd("rdmsr 0xdeadbeef 0")
    cpu_exact(r, {0: r"RDMSR 0xdeadbeef: #GP \(vector 13\)"})
    expect_ok(r)
    r = s.cmd("cpuid 1 0")
    m = cpu_exact(r, {0: r"CPUID 0x1\.0: eax=0x[0-9a-f]{8} ebx=0x[0-9a-f]{8} ecx=(0x[0-9a-f]{8}) edx=0x[0-9a-f]{8}"})
    ecx = int(m[0].group(1), 16)
    want(ecx & (1 << 31) and not ecx & (1 << 5), f"CPUID.1:ECX {ecx:#x}: want hypervisor set, VMX clear")
    expect_ok(r)


def c_virt_on_1(s):
    # left virtualized on purpose: the poweroff that follows must bring it out first and still end the run
    r = s.cmd("virt on 1")
    cpu_exact(r, {1: r"virtualized: now a guest of vmxboot's VMM \(EPT, MSR bitmap\)"})
    expect_ok(r)


def c_virt_vmx_refused(s):
    r = s.cmd("vmx on 0")
    cpu_exact(r, {0: r"refused: virtualized, VT-x belongs to vmxboot's VMM \(virt off 0 first\)"})
    expect_error(r, r"^error: 1 of 1 CPUs did not do it", no_output=False)


def c_virt_off(s):
    r = s.cmd("virt off all")
    cpu_exact(r, {i: r"devirtualized: out of VMX operation" for i in (0, 1)})
    expect_ok(r)
    r = s.cmd("virt status")
    cpu_exact(r, {i: r"not virtualized" for i in (0, 1)})
    expect_ok(r)


# -- QEMU TCG: no VT-x

def q_vmx_on(s):
    r = s.cmd("vmx on all")
    cpu_exact(r, {i: r"no usable VT-x on this CPU: .+" for i in (0, 1)})
    expect_error(r, r"^error: 2 of 2 CPUs did not do it", no_output=False)


def q_fc(s):
    r = s.cmd("fc")
    cpu_exact(r, {i: r"no VMX \(CPUID\.1:ECX bit 5 clear\): IA32_FEATURE_CONTROL not read" for i in (0, 1)})
    expect_ok(r)


def q_caps_diff(s):
    """caps diff with no VT-x: each CPU says why it was not compared, and the command fails"""
    r = s.cmd("caps diff")
    cpu_exact(r, {i: r"not compared: AMD CPU: this machine has AMD-V \(SVM\), not VT-x" for i in (0, 1)})
    expect_error(r, r"^error: nothing to compare: none of the 2 selected CPUs has its VMX capabilities read$",
                 no_output=False)


def q_cpuid(s):
    r = s.cmd("cpuid 0 all")
    ms = cpu_exact(r, {i: r"CPUID 0x0\.0: eax=(0x[0-9a-f]{8}) ebx=(0x[0-9a-f]{8}) ecx=(0x[0-9a-f]{8}) "
                       r"edx=(0x[0-9a-f]{8})" for i in (0, 1)})
    expect_ok(r)
    want(ms[0].groups() == ms[1].groups(), f"CPUID 0 differs between the CPUs: {r.out}")


def q_reboot(s):
    t = time.monotonic()
    s.conn.send(b"reboot\r")
    head = s.conn.until(b"ok\r\n", CMD_TIMEOUT, "ok after reboot")
    want(head == b"reboot\r\nevery CPU is out of VMX operation; rebooting\r\nok\r\n",
         f"reply {show(head)}, expected the echo, 'every CPU is out of VMX operation; rebooting', 'ok'")
    rest = s.conn.until(FIRST_PROMPT, BOOT_TIMEOUT, "the fresh boot report and its first prompt")
    s.timings["reboot to first prompt"] = time.monotonic() - t
    m = BANNER_RE.search(rest)
    want(m, f"no banner line in the output after reboot: {show(rest)}")
    want(PROMPT not in rest[:m.start()], f"a prompt before the new banner: {show(rest[:m.start()])}")
    want(rest.count(PROMPT) == 1, f"{rest.count(PROMPT)} prompts after reboot")
    want(s.p.poll() is None, f"QEMU exited ({s.status()}) instead of rebooting")
    after = s.conn.quiet(0.5)
    want(not after, f"bytes after the new first prompt: {show(after)}")


def q_fresh(s):
    r = s.cmd("cpus")
    expect_ok(r)
    cpu_exact(r, {i: r"APIC ID \d+, online, not in VMX operation" for i in (0, 1)}, others=True)


def q_poweroff(s):
    poweroff(s, (0, 33))          # ACPI S5 or isa-debug-exit (0x10 << 1 | 1)


SESSIONS = {
    "bochs": [
        ("boot", [], boot),
        ("help", [], c_help),
        ("cpus", [], c_cpus),
        ("bench smp", [], c_bench_smp),
        ("vmx on all", [], c_vmx_on_all),
        ("vmx status", ["vmx on all"], c_vmx_status),
        ("vmx on 1 again", ["vmx on all"], c_vmx_on_again),
        ("vmx status unchanged", ["vmx on all", "vmx on 1 again"], c_status_unchanged),
        ("vmcs new 1", ["vmx on all"], c_vmcs_new),
        ("vmcs load 1", ["vmcs new 1"], c_vmcs_load),
        ("vmcs write guest_cr3", ["vmcs load 1"], c_vmcs_write),
        ("vmcs read guest_cr3", ["vmcs write guest_cr3"], c_vmcs_read),
        ("caps 1", [], c_caps),
        ("caps 1 misc, proc, all", ["caps 1"], c_caps_named),
        ("bad: unknown caps group", [],
         bad("caps 1 nosuch", r"^error: unknown group 'nosuch' \(basic pin proc proc2 proc3 exit exit2 entry misc ept "
             r"vmfunc cr0 cr4 enum machine\)$")),
        ("caps diff", [], c_caps_diff),
        ("vmcs write read-only exit_reason", ["caps 1", "vmcs load 1"], c_vmcs_write_ro),
        ("vmcs store 1", ["vmcs load 1"], c_vmcs_store),
        ("vmx status current vmcs", ["vmcs load 1"], c_status_current),
        ("rdmsr 0x3a", [], c_rdmsr_fc),
        ("rdmsr 0xdeadbeef #GP", [], c_rdmsr_gp),
        ("cpuid after #GP", ["rdmsr 0xdeadbeef #GP"], c_after_gp),
        ("vmx off all", ["vmx on all"], c_vmx_off_all),
        ("vmx off 0 again", [], c_vmx_off_again),
        ("guest run all 3", [], c_guest_run),
        ("bad: unknown command", [], bad("xyzzy", r"^error: unknown command 'xyzzy' \(type help\)$")),
        ("bad: no cpu 7", [], bad("vmx on 7", r"^error: no CPU 7 \(2 CPUs: 0-1\)$")),
        ("bad: reversed range", [], bad("vmx on 1-0", r"^error: reversed range in CPU selector '1-0'")),
        ("bad: missing subcommand", [], bad("vmx", r"^error: vmx: missing subcommand \(one of: on, off, status\)$")),
        ("bad: value too large for 16-bit field", [],
         bad("vmcs write 1 guest_es_selector 0x10000",
             r"^error: value 0x10000 too large for 16-bit field guest_es_selector \(at most 0xffff\)$")),
        ("bad: unknown field", [], bad("vmcs read 1 no_such_field", r"^error: unknown VMCS field 'no_such_field'")),
        ("bad: line too long", [], c_too_long),
        ("editor: control byte dropped", [], c_control_byte),
        ("editor: ctrl-c drops the line", [], c_ctrl_c),
        ("bad input changed nothing", ["vmx off all"], c_bad_input_no_action),
        ("virt on all", ["vmx off all"], c_virt_on),
        ("virt: cpuid 0x40000000 all", ["virt on all"], c_virt_cpuid),
        ("virt status", ["virt on all"], c_virt_status),
        ("virt: rdmsr and cpuid as the guest sees them", ["virt on all"], c_virt_msrs),
        ("virt: vmx on 0 refused", ["virt on all"], c_virt_vmx_refused),
        ("virt off all", ["virt on all"], c_virt_off),
        ("vmx on 0", [], c_vmx_on_0),
        ("virt on 1, then poweroff", ["vmx on 0"], c_virt_on_1),
        ("poweroff", ["vmx on 0"], c_poweroff_bochs),
    ],
    "qemu": [
        ("boot", [], boot),
        ("vmx on all: no VT-x", [], q_vmx_on),
        ("fc: no VMX", [], q_fc),
        ("caps diff: no VT-x", [], q_caps_diff),
        ("cpuid 0 all", [], q_cpuid),
        ("reboot", [], q_reboot),
        ("after reboot: cpus", ["reboot"], q_fresh),
        ("poweroff", [], q_poweroff),
    ],
    # the whole boot report replayed to a PCI UART found after ACPI, and typing on it
    "qemu-pci": [
        ("boot", [], boot),
        ("cpuid 0 all", [], q_cpuid),
        ("poweroff", [], q_poweroff),
    ],
    "qemu-nmi": console_irq.steps(sys.modules[__name__]),   # tests/emu/console_irq.py
}


def select_steps(emu, only):
    steps = SESSIONS[emu]
    if not only:
        return steps
    byname = {n: (n, d, f) for n, d, f in steps}
    keep = {"boot"}
    todo = [n for n, _, _ in steps if re.search(only, f"{emu}/{n}")]
    while todo:
        n = todo.pop()
        if n not in keep:
            keep.add(n)
            todo += byname[n][1]
    return [st for st in steps if st[0] in keep]


def run_session(emu, iso, only, limit, verbose, results, live=True):
    steps = select_steps(emu, only)
    if len(steps) == 1 and only and not re.search(only, f"{emu}/boot"):
        return None
    with slots.held(f"console/{emu}", SESSION_ESTIMATE.get(emu, 20)):
        s = Session(emu, iso, limit, verbose)
        s.live = live
        return run_steps(emu, steps, s, results)


SESSION_ESTIMATE = {"bochs": 90}     # seconds, for the order of make test's job slots


def run_steps(emu, steps, s, results):
    broken = None
    try:
        s.start()
    except Broken as e:
        broken = f"session did not start: {e}"
    try:
        for name, _, fn in steps:
            full = f"{emu}/{name}"
            if broken:
                results.append((full, f"not run: {broken}"))
            else:
                try:
                    fn(s)
                    results.append((full, None))
                except Fail as e:
                    results.append((full, str(e)))
                except Broken as e:
                    broken = f"the session broke at '{name}'"
                    results.append((full, f"{e} (emulator {s.status()})"))
            if s.live:
                r = results[-1]
                print(f"ok - {r[0]}" if r[1] is None else f"not ok - {r[0]}: {r[1]}", flush=True)
    finally:
        if s.p:
            s.stop()
    return s.timings, s.exit_status


def self_test():
    """The grammar checker on made-up replies (no emulator): each must be taken or refused."""
    cases = [
        (b"help\r\nx\r\nok\r\nvmxboot> ", "help", True),
        (b"help\r\nok\r\nvmxboot> ", "help", True),
        (b"help\r\nerror: no\r\nvmxboot> ", "help", True),
        (b"help\r\nx\r\nok\r\nok\r\nvmxboot> ", "help", False),          # two final lines
        (b"help\r\nerror: a\r\nok\r\nvmxboot> ", "help", False),
        (b"help\r\nx\r\nvmxboot> ", "help", False),                       # no final line
        (b"help\r\nvmxboot> ", "help", False),
        (b"help\r\nok\r\n", "help", False),                               # no prompt
        (b"help\r\nok\nvmxboot> ", "help", False),                         # bare LF
        (b"help\r\nok\r\nvmxboot> ", "hel", False),                        # wrong echo
        (b"help\r\nx\x01\r\nok\r\nvmxboot> ", "help", False),               # control byte
        (b"help\r\nerror: \r\nvmxboot> ", "help", False),                  # empty reason
    ]
    bad = 0
    for chunk, echo, good in cases:
        try:
            parse_reply(chunk, echo)
            took = True
        except Fail:
            took = False
        if took != good:
            bad += 1
            print(f"self-test: {chunk!r} was {'taken' if took else 'refused'}")
    print(f"self-test: {len(cases) - bad} of {len(cases)} made-up replies judged right")
    return 1 if bad else 0


def write_count(passed, failed):
    os.makedirs(os.path.join(ROOT, "build"), exist_ok=True)
    with open(os.path.join(ROOT, "build", "console.count"), "w") as f:
        f.write(f"{passed} {failed} 0\n")


def main(argv=None):
    ap = argparse.ArgumentParser(description="Scripted sessions on vmxboot's serial console.")
    ap.add_argument("--emu", choices=sorted(SESSIONS), action="append",
                    help="run only this session (may be given more than once; default: all three)")
    ap.add_argument("--only", metavar="REGEX",
                    help="run the cases whose 'emu/name' matches REGEX (re.search), plus the cases they need")
    ap.add_argument("--list", action="store_true", help="list the cases")
    ap.add_argument("--iso", help="boot this ISO as is (built with CMDLINE='mode=interactive')")
    ap.add_argument("--timeout", type=float, default=240, help="hard limit per session, seconds (default 240)")
    ap.add_argument("-j", "--jobs", type=int, default=1, choices=[1, 2],
                    help="sessions at a time (default 1; make test uses 2: each has its own port and files); "
                         "with 2 each session's cases print when it ends")
    ap.add_argument("-v", "--verbose", action="store_true", help="print every reply as received")
    ap.add_argument("--self-test", action="store_true", help="check the reply parser on made-up replies, no emulator")
    a = ap.parse_args(argv)
    if a.self_test:
        return self_test()
    emus = a.emu or ["bochs", "qemu", "qemu-pci", "qemu-nmi"]
    if a.list:
        for emu in emus:
            for name, needs, _ in select_steps(emu, a.only):
                print(f"{emu}/{name}" + (f"  (needs: {', '.join(needs)})" if needs else ""))
        return 0

    results, timings = [], {}
    missing = [t for t, e in (("bochs", "bochs"), ("qemu", "qemu-system-x86_64"),
                                                 ("qemu-pci", "qemu-system-x86_64"), ("qemu-nmi", "qemu-system-x86_64")) if t in emus and not shutil.which(e)]
    os.makedirs(OUTDIR, exist_ok=True)
    iso = os.path.abspath(a.iso) if a.iso else None
    err = None
    if not a.iso:
        iso, err = cached_iso(CMDLINE)      # the one mode=interactive ISO every runner shares
    elif not os.path.isfile(iso):
        err = f"ISO not found: {a.iso}"
    todo = []
    for emu in emus:
        if err or emu in missing:
            why = err or f"{emu} not installed"
            for name, _, _ in select_steps(emu, a.only):
                results.append((f"{emu}/{name}", f"not run: {why}"))
                print(f"not ok - {emu}/{name}: not run: {why}", flush=True)
        else:
            todo.append(emu)

    def one(emu):
        mine = []
        return mine, run_session(emu, iso, a.only, a.timeout, a.verbose, mine, live=a.jobs == 1)
    with ThreadPoolExecutor(max_workers=a.jobs) as pool:
        done = list(pool.map(one, todo))          # in the sessions' order
    for emu, (mine, t) in zip(todo, done):
        if a.jobs > 1:
            for full, e in mine:
                print(f"ok - {full}" if e is None else f"not ok - {full}: {e}", flush=True)
        results += mine
        if t is not None:
            timings[emu] = t
    for emu, (t, rc) in timings.items():
        print(f"console: {emu} session " + ", ".join(f"{k} {v:.1f} s" for k, v in sorted(t.items()))
              + (f"; exit status {rc} after poweroff" if rc is not None else ""))
    passed = sum(1 for _, e in results if e is None)
    failed = len(results) - passed
    print(f"console-tests: {passed} passed, {failed} failed")
    write_count(passed, failed)
    return 1 if failed or not results else 0


if __name__ == "__main__":
    sys.exit(main())
