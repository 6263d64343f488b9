"""console_qemu.py: the QEMU sessions of tests/emu/console_test.py (TCG -cpu max, 2 CPUs, no VT-x).

  qemu      the no-VMX replies, reboot (a fresh boot report and prompt on the same socket),
            poweroff (exit status 0 or 33)
  qemu-pci  no COM1 and a PCI 16550 on the socket: the boot report (replayed to it after
            ACPI), cpuid, poweroff
  qemu-nmi  the monitor on a unix socket: NMIs at the prompt and a machine check (console_irq.py)
"""

import time

import console_irq  # the qemu-nmi session's steps
import console_session
from console_session import (BANNER_RE, BOOT_TIMEOUT, CMD_TIMEOUT, FIRST_PROMPT, PROMPT, boot, cpu_exact,
                             expect_error, expect_ok, poweroff, show, want)

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
    "qemu-nmi": console_irq.steps(console_session),   # tests/emu/console_irq.py
}
