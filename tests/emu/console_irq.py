"""console_irq.py: the qemu-nmi session of tests/emu/console_test.py (arch/x86_64/irq.c).

QEMU TCG, 2 CPUs, the monitor on a unix socket (console_session.emu_command): the monitor's
`nmi` at the prompt must give exactly one "NMI received" line per CPU, each on a line of its
own, then the prompt again, and the next command must be answered; `nmi` while a line is half
typed must give the prompt and the half line back; `mce` on CPU 1 (QEMU raises it only when
CR4.MCE is set, else it resets the machine) must give the bank lines and the panic report.
The steps use console_session's helpers, passed in as ct (one copy of its Fail/Broken classes).
"""

import os
import re
import socket
import time

NMI_LINE_RE = re.compile(r"^cpu(\d+): NMI received on CPU (\d+) \(APIC ID \d+\) at RIP (0x[0-9a-f]+): "
                         r"(\d+) on this CPU so far; carrying on$")
MCE_STATUS = 0xbc00000000000136     # VAL UC EN MISCV ADDRV, MCA error code 0x136
NMI_WAIT_S = 10                     # for every CPU's NMI line after the monitor's `nmi`


ct = None   # the console_session module, set by steps()


def monitor(s, line, timeout=10):
    """One HMP command on the QEMU monitor socket; returns what the monitor printed."""
    path = s.base + ".monitor"
    end = time.monotonic() + timeout
    while not os.path.exists(path) and time.monotonic() < end:
        time.sleep(0.1)
    m = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        m.settimeout(timeout)
        m.connect(path)
        got = b""
        while b"(qemu) " not in got:          # the banner and the first prompt
            d = m.recv(4096)
            if not d:
                raise ct.Broken(f"the QEMU monitor closed: {ct.show(got)}")
            got += d
        m.sendall(line.encode() + b"\n")
        got = b""
        while got.count(b"(qemu) ") < 1:       # the echo, any output, the next prompt
            d = m.recv(4096)
            if not d:
                break
            got += d
        return got.decode("utf-8", "replace")
    except OSError as e:
        raise ct.Broken(f"QEMU monitor {path}: {e}")
    finally:
        m.close()


def nmi_lines(text):
    return [m for m in (NMI_LINE_RE.match(l) for l in text.split("\r\n")) if m]


def n_nmi_at_prompt(s, nth=1):
    out = monitor(s, "nmi")
    ct.want("error" not in out.lower(), f"the monitor said {out!r}")
    got = b""
    end = time.monotonic() + NMI_WAIT_S
    while time.monotonic() < end:         # the lines, then the prompt; a missing CPU's line never comes
        got += s.conn.quiet(0.3)
        if len(nmi_lines(got.decode("utf-8", "replace"))) >= 2 and got.endswith(ct.PROMPT):
            break
    got += s.conn.quiet(0.5)
    text = got.decode("utf-8", "replace")
    lines = nmi_lines(text)
    cpus_seen = sorted(int(m.group(2)) for m in lines)
    ct.want(cpus_seen == [0, 1], f"NMI lines for CPUs {cpus_seen}, expected exactly one each for 0 and 1: {ct.show(got)}")
    for m in lines:
        ct.want(int(m.group(4)) == nth, f"cpu{m.group(2)} counts {m.group(4)} NMIs, expected {nth}")
    ct.want(text.startswith("\r\ncpu"), f"the NMI lines do not start on a line of their own: {ct.show(got)}")
    ct.want(got.endswith(ct.PROMPT), f"no prompt after the NMI lines: {ct.show(got)}")


def n_cpus_after(s):
    r = s.cmd("cpus")
    ct.expect_ok(r)
    ct.cpu_exact(r, {i: r"APIC ID \d+, online, not in VMX operation" for i in (0, 1)}, others=True)


def n_typed_half_line(s):
    """An NMI while a line is half typed: the prompt and the half line come back, the line still works."""
    s.conn.send(b"cp")
    s.conn.until(b"cp", ct.CMD_TIMEOUT, "the echo of 'cp'")
    monitor(s, "nmi")
    got = s.conn.until(ct.PROMPT + b"cp", ct.CMD_TIMEOUT, "the prompt and 'cp' again after the NMI lines")
    got += s.conn.quiet(0.5)
    ct.want(len(nmi_lines(got.decode("utf-8", "replace"))) == 2, f"expected two NMI lines: {ct.show(got)}")
    ct.want(got.endswith(ct.PROMPT + b"cp"), f"the half line is not shown again at the end: {ct.show(got)}")
    r = s.cmd("us", echo="us")
    ct.expect_ok(r)
    ct.cpu_exact(r, {i: r"APIC ID \d+, online, not in VMX operation" for i in (0, 1)}, others=True)


def n_mce(s):
    """A machine check on CPU 1 (uncorrected, bank 1): the banks are printed, then the panic report.
    QEMU raises it only when CR4.MCE is set (else it resets the machine)."""
    out = monitor(s, f"mce 1 1 {MCE_STATUS:#x} 0x5 0x12345000 0x86")
    ct.want("triple fault" not in out.lower() and "disabled" not in out.lower(), f"the monitor said {out!r}")
    got = s.conn.until(re.compile(rb"halted after a panic[^\r]*\r\n"), ct.CMD_TIMEOUT, "the panic report")
    text = got.decode("utf-8", "replace")
    ct.want(re.search(r"cpu1: machine check on CPU 1 \(APIC ID \d+\): MCG_CAP 0x[0-9a-f]+ \(\d+ banks\), "
                      r"MCG_STATUS 0x5 \(RIPV MCIP\)", text), f"no MCG line: {ct.show(got, 3000)}")
    ct.want(re.search(rf"cpu1: machine check:   bank 1: MC1_STATUS {MCE_STATUS:#x} \(VAL UC EN MISCV ADDRV, "
                      r"MCA error code 0x136, model code 0x0\) MC1_ADDR 0x12345000 MC1_MISC 0x86", text),
            f"no bank 1 line with STATUS/ADDR/MISC: {ct.show(got, 3000)}")
    ct.want(re.search(r"cpu1: PANIC: unexpected exception #MC machine check \(vector 18\)", text),
            f"no PANIC line for #MC: {ct.show(got, 3000)}")
    ct.want(re.search(r"^vmxboot: summary result=FAIL .* nmis=4 ", text, re.M),
            f"no result=FAIL summary counting the 4 NMIs: {ct.show(got, 3000)}")


def steps(module):
    """The session's (name, needs, fn) list, console_test.SESSIONS style."""
    global ct
    ct = module
    return [
        ("boot", [], ct.boot),
        ("nmi at the prompt", [], n_nmi_at_prompt),
        ("cpus after the nmi", ["nmi at the prompt"], n_cpus_after),
        ("nmi while a line is half typed", ["nmi at the prompt"], n_typed_half_line),
        ("mce on cpu 1", ["nmi while a line is half typed"], n_mce),
    ]
