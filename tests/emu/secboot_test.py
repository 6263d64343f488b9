#!/usr/bin/env python3
"""secboot_test.py: vmxboot under UEFI Secure Boot (QEMU q35 + OVMF_CODE_4M.secboot.fd).

    python3 tests/emu/secboot_test.py [--only REGEX] [--list] [--timeout SECONDS]

Builds, in build/emu/secboot/: the signed ISO (`make iso-signed` with Debian's snakeoil db key,
whose password 'snakeoil' is documented in /usr/share/doc/ovmf/README.Debian), the plain ISO
(`make iso`), an ISO signed with a fresh key that no firmware has in db, and copies of the
signed ISO whose kernel was changed after signing. Then each case boots one of them:

  signed_boots_secure_boot      signed ISO, Secure Boot on (snakeoil PK/KEK/db): the kernel runs
                                (emu.py: isa-debug-exit PASS, ktapcheck, cpus_online=2)
  signed_boots_usb_stick        the same image as a USB stick's whole disk (as `dd` writes it)
  signed_boots_bios             the same ISO under SeaBIOS (its BIOS half is mkiso.sh's)
  signed_boots_uefi_sb_off      the same ISO under OVMF without Secure Boot
  plain_refused_snakeoil        plain ISO, Secure Boot on: OVMF refuses GRUB ("Access Denied")
  plain_refused_microsoft       the same with Microsoft's keys (OVMF_VARS_4M.ms.fd)
  other_key_refused             signed with a key not in db: "Access Denied"
  tampered_kernel_refused       kernel changed after signing: GRUB says "bad signature"
  prompt_cannot_unsign          at the GRUB prompt, `set check_signatures=no` still does not
                                load the changed kernel (lockdown: "... nobody cares")
  prompt_own_cmdline_runs       at the prompt of the unchanged signed ISO, the signed kernel with a
                                command line of one's own (`mode=test cpus=1`) runs to PASS
  mismatched_key_cert_refused   `make iso-signed` with a KEY that is not CERT's fails and says so
  enrolled_own_key_boots        the README's steps: the db.cer that `make iso-signed` made (no KEY/CERT)
                                is enrolled into db through OVMF's setup screens (keys typed with the
                                monitor's sendkey); then the ISO signed with it boots to PASS

A refusal case passes when the refusal line is in the serial log and no kernel line follows
until OVMF says it waits for a key for good ("No bootable option or device was found" and
"Press any key to enter the Boot Manager Menu") or, where no such line is known (GRUB's
refusal), for SETTLE_S seconds; QEMU is then stopped. Every run is killed (its process group) after --timeout seconds. Prints
`ok - NAME` or `not ok - NAME: why` per case, then `secboot-tests: N passed, N failed`;
writes build/secboot.count ("passed failed 0").
"""

import argparse
import functools
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
from emu import cached_iso, kill_group, ktapcheck, QEMU, QEMU_PASS, QEMU_FAIL  # noqa: E402
import slots  # noqa: E402  (make test's shared emulator job slots)
from secboot_screens import ENROL_STEPS, Monitor, clean, setup_screens  # noqa: E402

OUT = os.path.join(ROOT, "build", "emu", "secboot")
CODE = "/usr/share/OVMF/OVMF_CODE_4M.secboot.fd"
VARS = {"snakeoil": "/usr/share/OVMF/OVMF_VARS_4M.snakeoil.fd", "ms": "/usr/share/OVMF/OVMF_VARS_4M.ms.fd"}
SNAKEOIL_KEY, SNAKEOIL_PEM = "/usr/share/ovmf/PkKek-1-snakeoil.key", "/usr/share/ovmf/PkKek-1-snakeoil.pem"
MACHINE = "q35,smm=on"
SETTLE_S = 5
BANNER_RE = re.compile(rb"bare-metal VT-x bring-up", re.I)   # the kernel's first line
SUMMARY_RE = re.compile(rb"vmxboot: summary ")
# after every boot option failed, OVMF waits for a key for good: nothing after this line can run
BDS_WAITS_RE = rb"BdsDxe: No bootable option or device was found\.\s+BdsDxe: Press any key to enter the Boot Manager Menu\."
DENIED_RE = rb'BdsDxe: failed to load Boot\d+ "UEFI QEMU DVD-ROM[^"]*" from \S+: Access Denied'
GRUB_RE = rb"Welcome to GRUB"
BAD_SIG_RE = rb"error: bad signature"
NOBODY_RE = rb"error: verification requested but nobody cares: /boot/vmxboot\.elf"
NO_KERNEL_RE = rb"error: you need to load the kernel first"


def secure_args(vars_copy):
    """QEMU arguments for Secure Boot firmware with its own writable copy of a variable store."""
    return ["-global", "driver=cfi.pflash01,property=secure,value=on",
            "-drive", f"if=pflash,format=raw,unit=0,readonly=on,file={CODE}",
            "-drive", f"if=pflash,format=raw,unit=1,file={vars_copy}"]


def tail_text(b, n=25):
    lines = [l.rstrip() for l in clean(b).replace("\r", "\n").split("\n") if l.strip()]
    return "\n".join("  | " + l[:160] for l in lines[-n:])


def run(cmd, env=None):
    p = subprocess.run(cmd, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, env=env)
    out = p.stdout.decode("utf-8", errors="replace").rstrip()
    if p.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed (exit status {p.returncode}):\n{out}")
    return out


def tamper(src_iso, dst_iso):
    """A copy of a signed ISO whose kernel differs from the signed one in one word."""
    elf = os.path.join(OUT, "tampered.elf")
    with open(os.path.join(ROOT, "build", "vmxboot.elf"), "rb") as f:
        data = f.read()
    i = data.find(b"bare-metal VT-x bring-up")
    if i < 0:
        raise RuntimeError("build/vmxboot.elf has no 'bare-metal VT-x bring-up' string to change")
    with open(elf, "wb") as f:
        f.write(data[:i] + b"BARE-METAL" + data[i + 10:])
    if os.path.exists(dst_iso):
        os.unlink(dst_iso)
    run(["xorriso", "-indev", src_iso, "-outdev", dst_iso, "-boot_image", "any", "replay",
         "-map", elf, "/boot/vmxboot.elf"])


def build_isos():
    """Returns {kind: path}; raises RuntimeError with make's output when a build fails."""
    if os.path.isdir(OUT):
        shutil.rmtree(OUT)
    os.makedirs(OUT)
    key = os.path.join(OUT, "snakeoil.key")
    run(["openssl", "pkey", "-in", SNAKEOIL_KEY, "-passin", "pass:snakeoil", "-out", key])
    isos = {k: os.path.join(OUT, k + ".iso") for k in ("signed", "plain", "otherkey", "tampered", "menu", "menu-tampered")}
    run(["make", "-s", "all"])
    signed = ["make", "-s", "iso-signed", f"KEY={key}", f"CERT={SNAKEOIL_PEM}"]
    run(signed + ["CMDLINE=mode=test", f"SIGNED_ISO={isos['signed']}"])
    run(signed + [f"SIGNED_ISO={isos['menu']}"])
    isos["plain"], err = cached_iso("mode=test")     # the suite's own mode=test ISO, built once
    if err:
        raise RuntimeError(err)
    env = dict(os.environ, SECBOOT_KEYDIR=os.path.join(OUT, "otherkey"))
    run(["make", "-s", "iso-signed", "CMDLINE=mode=test", f"SIGNED_ISO={isos['otherkey']}"], env=env)
    tamper(isos["signed"], isos["tampered"])
    tamper(isos["menu"], isos["menu-tampered"])
    return isos


def vars_copy(name, which):
    path = os.path.join(OUT, f"{name}.vars")
    shutil.copyfile(VARS[which], path)
    return path


EMU_WAITED = threading.local()     # .s: seconds this thread's emu.py boots waited for a job slot
EMU_WAITED_RE = re.compile(r"^emu: \S+ waited ([0-9.]+) s for an emulator job slot$", re.M)


def waited():
    """Seconds this thread waited for make test's job slots, in this process and in emu.py."""
    return slots.waited_in_thread() + getattr(EMU_WAITED, "s", 0.0)


def emu_case(name, iso, emu, timeout, extra):
    """A boot that must run the kernel to PASS, checked by emu.py (GRUB's own line included)."""
    cmd = [sys.executable, os.path.join(HERE, "emu.py"), "--emu", emu, "--iso", iso, "--name", name,
           "--timeout", str(timeout), "--estimate", "12", "--expect-line", "Booting `vmxboot \\(mode=test\\)'"] + extra
    p = subprocess.run(cmd, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    out = p.stdout.decode("utf-8", errors="replace").rstrip()
    EMU_WAITED.s = getattr(EMU_WAITED, "s", 0.0) + sum(float(w) for w in EMU_WAITED_RE.findall(out))
    last = out.split("\n")[-1] if out else "emu.py printed nothing"
    return None if p.returncode == 0 else f"{last}\n" + "\n".join("  " + l for l in out.split("\n")[-40:])


def qemu_cmd(iso, vars_path, serial, usb=False):
    """Secure Boot QEMU with the ISO as a CD, or (usb=True) as the whole disk of a USB stick, as dd writes it."""
    media = ["-cdrom", iso, "-boot", "d"] if not usb else \
        ["-device", "qemu-xhci", "-drive", f"if=none,id=stick,format=raw,file={iso}", "-device", "usb-storage,drive=stick"]
    return [QEMU, "-machine", MACHINE, "-m", "256M", "-smp", "1", "-cpu", "max"] + media + [
            "-display", "none", "-serial", serial, "-no-reboot", "-monitor", "none", "-nic", "none",
            "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"] + secure_args(vars_path)


def in_slot(fn, estimate=12):
    """A case that runs QEMU itself holds one of make test's emulator job slots meanwhile (the
    cases that boot through emu.py get theirs there); estimate: its seconds, for the slots' order."""
    def case(name, *args, **kw):
        with slots.held(f"secboot/{name}", estimate):
            return fn(name, *args, **kw)
    return case


@in_slot
def usb_case(name, iso, timeout):
    """The signed image written to a USB stick boots under Secure Boot and the kernel's run passes."""
    stick, log = os.path.join(OUT, f"{name}.img"), os.path.join(OUT, f"{name}.serial.log")
    shutil.copyfile(iso, stick)    # QEMU writes to a raw drive: never hand it the ISO itself
    with open(os.path.join(OUT, f"{name}.emu.out"), "wb") as out:
        p = subprocess.Popen(qemu_cmd(stick, vars_copy(name, "snakeoil"), f"file:{log}", usb=True), cwd=ROOT,
                             stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        rc = p.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        rc = None
    kill_group(p)
    os.unlink(stick)
    data = open(log, "rb").read() if os.path.exists(log) else b""
    rep = ktapcheck.check(data, expect=[], expect_result="PASS", require=[], require_skip=[],
                          expect_lines=[r'BdsDxe: starting Boot\d+ "UEFI QEMU QEMU USB HARDDRIVE'])
    why = [] if rc == QEMU_PASS else [f"QEMU exit status {rc} (killed at the {timeout:g} s limit)" if rc is None
                                      else f"QEMU exit status {rc}, expected {QEMU_PASS} (the kernel's PASS)"]
    why += [pr.msg for pr in rep.problems]
    return None if not why else "; ".join(why) + f"\n  serial log {os.path.relpath(log, ROOT)}:\n" + tail_text(data)


@in_slot
def refused_case(name, iso, which, timeout, want, also=(), waits=None):
    """A boot that must stop before the kernel: `want` appears, `also` too, the kernel never speaks.
    waits: what the firmware prints once it waits for a key for good after `want` (the run ends
    there); without it the run ends SETTLE_S seconds after `want`."""
    log = os.path.join(OUT, f"{name}.serial.log")
    cmd = qemu_cmd(iso, vars_copy(name, which), f"file:{log}")
    with open(os.path.join(OUT, f"{name}.emu.out"), "wb") as out:
        p = subprocess.Popen(cmd, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                             start_new_session=True)
    t0, seen, rc = time.monotonic(), None, None
    data = b""
    while time.monotonic() - t0 < timeout:
        rc = p.poll()
        if os.path.exists(log):
            with open(log, "rb") as f:
                data = f.read()
        m = re.search(want, data)
        if seen is None and m:
            seen = time.monotonic()
        if rc is not None or (seen is not None and time.monotonic() - seen >= SETTLE_S):
            break
        if m and waits is not None and re.search(waits, data[m.end():]):
            break
        time.sleep(0.1)
    kill_group(p)
    with open(log, "rb") as f:
        data = f.read()
    why = []
    if seen is None:
        why.append(f"no line matching {want.decode()!r} within {timeout:g} s")
    for a in also:
        if not re.search(a, data):
            why.append(f"no line matching {a.decode()!r}")
    if BANNER_RE.search(data) or SUMMARY_RE.search(data):
        why.append("the kernel ran (its banner or summary line is in the log)")
    if rc is not None:
        meaning = {QEMU_PASS: "the kernel wrote PASS", QEMU_FAIL: "the kernel wrote FAIL"}.get(rc, "")
        why.append(f"QEMU exited by itself with status {rc} {meaning}".rstrip())
    return None if not why else "; ".join(why) + f"\n  serial log {os.path.relpath(log, ROOT)}:\n" + tail_text(data)


class Serial:
    """COM1 on a TCP socket: read until a pattern, type a key at a time (GRUB drops fast serial input)."""

    def __init__(self, sock, deadline):
        self.sock, self.deadline, self.buf = sock, deadline, b""

    def until(self, pat, start=0, limit=None):
        end = self.deadline if limit is None else min(self.deadline, time.monotonic() + limit)
        while time.monotonic() < end:
            m = re.search(pat, self.buf[start:])
            if m:
                return start + m.end()
            self.sock.settimeout(max(0.01, min(0.5, end - time.monotonic())))
            try:
                d = self.sock.recv(65536)
            except socket.timeout:
                continue
            if not d:
                break
            self.buf += d
        raise TimeoutError(f"no {pat.decode()!r} " + ("before the deadline" if limit is None else
                                                      f"within {limit:g} s"))

    def settle(self, quiet=0.5, limit=5.0):
        """Reads until COM1 has been silent for `quiet` seconds (at most `limit`): GRUB prints its
        prompt once per terminal ("grub>grub>"), and a key typed before the second one is out
        can be taken for its own echo (the 'b' of "grub>") and lose its order (a run typed
        "boot" and GRUB got "obot")."""
        end = min(self.deadline, time.monotonic() + limit)
        while time.monotonic() < end:
            self.sock.settimeout(quiet)
            try:
                d = self.sock.recv(65536)
            except socket.timeout:
                return
            if not d:
                return
            self.buf += d

    def type(self, line):
        """One key at a time, each once GRUB has echoed the one before (it drops keys typed faster)."""
        self.settle()
        for ch in line.encode():
            start = len(self.buf)
            self.sock.sendall(bytes([ch]))
            try:
                self.until(re.escape(bytes([ch])), start, ECHO_S)
            except TimeoutError:
                raise TimeoutError(f"GRUB did not echo {chr(ch)!r} of {line!r} within {ECHO_S:g} s")
        self.sock.sendall(b"\r")


ECHO_S = 10          # for GRUB's echo of one typed key
UNSIGN_STEPS = [("multiboot2 /boot/vmxboot.elf mode=test", BAD_SIG_RE), ("set check_signatures=no", None),
                ("multiboot2 /boot/vmxboot.elf mode=test", NOBODY_RE), ("boot", NO_KERNEL_RE)]
CMDLINE_STEPS = [("multiboot2 /boot/vmxboot.elf mode=test cpus=1", None), ("boot", None)]


@in_slot
def prompt_case(name, iso, timeout, steps, kernel_runs):
    """Types steps (line, regex its reply must match) at the GRUB prompt ('c' at the menu) of a signed ISO.
    kernel_runs: the last step boots the signed kernel, which must run to PASS; else the kernel must never run."""
    port = random.randint(20000, 45000)
    log = os.path.join(OUT, f"{name}.serial.log")
    cmd = qemu_cmd(iso, vars_copy(name, "snakeoil"), f"tcp:127.0.0.1:{port},server=on,wait=on")
    with open(os.path.join(OUT, f"{name}.emu.out"), "wb") as out:
        p = subprocess.Popen(cmd, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                             start_new_session=True)
    deadline = time.monotonic() + timeout
    s, why = None, None
    try:
        while s is None and time.monotonic() < deadline and p.poll() is None:
            try:
                s = socket.create_connection(("127.0.0.1", port), timeout=1)
            except OSError:
                time.sleep(0.2)
        if s is None:
            raise TimeoutError(f"QEMU's COM1 socket 127.0.0.1:{port} never accepted a connection")
        con = Serial(s, deadline)
        at = con.until(rb"Press enter to boot")
        con.sock.sendall(b"c")
        at = con.until(rb"grub>", at)
        for n, (line, want) in enumerate(steps):
            con.type(line)
            if want is not None:
                at = con.until(want, at)
            if not (kernel_runs and n == len(steps) - 1):
                at = con.until(rb"grub>", at)
        if kernel_runs:
            con.until(rb"vmxboot: summary result=PASS [^\r\n]*\r\n", at)
            try:
                rc = p.wait(timeout=max(1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                rc = None
            want_line = rb'multiboot2: .*cmdline "' + re.escape(steps[0][0].split(None, 2)[2].encode()) + rb'"'
            if not re.search(want_line, con.buf):
                why = f"no line matching {want_line.decode()!r}"
            elif rc != QEMU_PASS:
                why = f"QEMU exit status {rc}, expected {QEMU_PASS} (the kernel's PASS)"
        else:
            # GRUB has printed its prompt again after the last step: it waits for a key, so no
            # kernel can start from here; what it printed up to that prompt is what is checked
            s.settimeout(0.5)
            try:
                con.buf += s.recv(65536)
            except socket.timeout:
                pass
            if BANNER_RE.search(con.buf):
                why = "the changed kernel ran"
    except (TimeoutError, OSError) as e:
        why = str(e)
    finally:
        data = con.buf if s is not None else b""
        if s is not None:
            s.close()
        kill_group(p)
        with open(log, "wb") as f:
            f.write(data)
    if why:
        return why + f"\n  serial log {os.path.relpath(log, ROOT)}:\n" + tail_text(data)
    return None


# the longest run of make test (36-40 s), a third of it CPU (12 s here): OVMF's screens are driven key by
# key, each after COM1 has been quiet for 1.5 s. Not a light slot (tests/emu/slots.py): as one, beside two
# emulators and the host builds, OVMF drew too slowly for that quiet rule and a fresh-clone run lost the
# keys of step 2 ("no 'Secure Boot Configuration' on COM1 within 30 s"); so an emulator slot, started early
@functools.partial(in_slot, estimate=300)
def enrol_setup(name, stick, log, mon_path, vars_path, timeout):
    """OVMF's setup screens with the key stick attached: db.cer into db. None, or why it failed."""
    cmd = [QEMU, "-machine", MACHINE, "-m", "256M", "-cpu", "max", "-display", "none", "-serial", f"file:{log}",
           "-no-reboot", "-nic", "none", "-monitor", f"unix:{mon_path},server=on,wait=off",
           "-device", "qemu-xhci", "-drive", f"if=none,id=keys,format=raw,file={stick}",
           "-device", "usb-storage,drive=keys"] + secure_args(vars_path)
    with open(os.path.join(OUT, f"{name}.setup.emu.out"), "wb") as out:
        p = subprocess.Popen(cmd, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                             start_new_session=True)
    why = None
    try:
        t0, data = time.monotonic(), b""
        while not re.search(rb"Press any key to enter the Boot Manager Menu", data):
            if time.monotonic() - t0 > timeout or p.poll() is not None:
                raise TimeoutError("OVMF never offered the Boot Manager Menu "
                                   + (f"(QEMU exited with {p.returncode})" if p.poll() is not None else
                                      f"within {timeout:g} s"))
            time.sleep(0.5)
            data = open(log, "rb").read() if os.path.exists(log) else b""
        mon = Monitor(mon_path)
        try:
            setup_screens(mon, log, ENROL_STEPS)
        finally:
            mon(f"screendump {os.path.join(OUT, name + '.setup.ppm')}")
            mon("quit")
        p.wait(timeout=30)
    except (TimeoutError, OSError, subprocess.TimeoutExpired) as e:
        why = f"enrolment through the setup screens failed: {e}"
    kill_group(p)
    return why


def enrol_case(name, iso, cer, timeout):
    """The user's steps: db.cer on a FAT stick, enrolled into db through OVMF's setup screens with Secure
    Boot on; then the ISO signed with that key (make iso-signed without KEY/CERT) boots to PASS."""
    stick, log, mon_path = (os.path.join(OUT, f"{name}{x}") for x in (".keys.img", ".setup.serial.log", ".mon"))
    run(["dd", "if=/dev/zero", f"of={stick}", "bs=1M", "count=4", "status=none"])
    run(["mformat", "-i", stick, "::"])
    run(["mcopy", "-i", stick, cer, "::/db.cer"])
    vars_path = vars_copy(name, "snakeoil")
    why = enrol_setup(name, stick, log, mon_path, vars_path, timeout)
    os.unlink(stick)
    if why:
        return why
    with open(cer, "rb") as f, open(vars_path, "rb") as g:
        if f.read() not in g.read():
            return (f"after the setup key sequence {os.path.relpath(cer, ROOT)} is not in the variable store "
                    f"(the last screen: {os.path.relpath(os.path.join(OUT, name + '.setup.ppm'), ROOT)})")
    return emu_case(name, iso, "qemu", timeout, ["--machine", MACHINE, "--expect-line", "Welcome to GRUB",
                                                 "--qemu-arg", " ".join(secure_args(vars_path))])


def mismatch_case():
    """A KEY that is not CERT's key: make iso-signed must fail, say so, and leave no ISO behind."""
    iso = os.path.join(OUT, "mismatch.iso")
    p = subprocess.run(["make", "-s", "iso-signed", f"KEY={os.path.join(OUT, 'otherkey', 'db.key')}",
                        f"CERT={SNAKEOIL_PEM}", f"SIGNED_ISO={iso}"], cwd=ROOT, stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    out = p.stdout.decode("utf-8", errors="replace")
    why = []
    if p.returncode == 0:
        why.append("make iso-signed succeeded")
    if "KEY does not match CERT" not in out:
        why.append("no 'KEY does not match CERT' in its output")
    if os.path.exists(iso):
        why.append(f"{os.path.relpath(iso, ROOT)} was made")
    return None if not why else "; ".join(why) + "\n" + "\n".join("  | " + l for l in out.split("\n")[-8:])


def cases(timeout):
    sb = ["--machine", MACHINE, "--smp", "2", "--expect", "cpus_online=2"]
    return [
        ("signed_boots_secure_boot", lambda i: emu_case(
            "secboot-signed-snakeoil", i["signed"], "qemu", timeout,
            sb + ["--expect-line", "Welcome to GRUB",
                  "--qemu-arg", " ".join(secure_args(vars_copy("secboot-signed-snakeoil", "snakeoil")))])),
        ("signed_boots_usb_stick", lambda i: usb_case("usb-stick", i["signed"], timeout)),
        ("signed_boots_bios", lambda i: emu_case("secboot-signed-bios", i["signed"], "qemu", timeout, [])),
        ("signed_boots_uefi_sb_off", lambda i: emu_case("secboot-signed-uefi", i["signed"], "qemu-uefi", timeout, [])),
        ("plain_refused_snakeoil", lambda i: refused_case("plain-snakeoil", i["plain"], "snakeoil", timeout, DENIED_RE, waits=BDS_WAITS_RE)),
        ("plain_refused_microsoft", lambda i: refused_case("plain-ms", i["plain"], "ms", timeout, DENIED_RE, waits=BDS_WAITS_RE)),
        ("other_key_refused", lambda i: refused_case("otherkey", i["otherkey"], "snakeoil", timeout, DENIED_RE, waits=BDS_WAITS_RE)),
        ("tampered_kernel_refused", lambda i: refused_case("tampered", i["tampered"], "snakeoil", timeout,
                                                           BAD_SIG_RE, also=(GRUB_RE,))),
        ("prompt_cannot_unsign", lambda i: prompt_case("prompt", i["menu-tampered"], timeout, UNSIGN_STEPS, False)),
        ("prompt_own_cmdline_runs", lambda i: prompt_case("prompt-cmdline", i["menu"], timeout, CMDLINE_STEPS, True)),
        ("mismatched_key_cert_refused", lambda i: mismatch_case()),
        ("enrolled_own_key_boots", lambda i: enrol_case("enrolled", i["otherkey"],
                                                        os.path.join(OUT, "otherkey", "db.cer"), timeout)),
    ]


def write_count(passed, failed):
    os.makedirs(os.path.join(ROOT, "build"), exist_ok=True)
    with open(os.path.join(ROOT, "build", "secboot.count"), "w") as f:
        f.write(f"{passed} {failed} 0\n")


def main(argv=None):
    ap = argparse.ArgumentParser(description="vmxboot under UEFI Secure Boot")
    ap.add_argument("--only", metavar="REGEX")
    ap.add_argument("--list", action="store_true")
    ap.add_argument("--timeout", type=float, default=240, help="hard limit per boot, seconds (default %(default)s)")
    ap.add_argument("-j", "--jobs", type=int, default=1, choices=[1, 2],
                    help="cases at a time (default 1; make test uses 2: each case has its own files and port)")
    a = ap.parse_args(argv)
    todo = [c for c in cases(a.timeout) if not a.only or re.search(a.only, c[0])]
    if a.list:
        for n, _ in todo:
            print(n)
        return 0
    need = [CODE, VARS["snakeoil"], VARS["ms"], SNAKEOIL_KEY, SNAKEOIL_PEM]
    missing = [f for f in need if not os.path.isfile(f)]
    try:
        if missing:
            raise RuntimeError(f"missing {' '.join(missing)} (apt-get install ovmf)")
        t0 = time.monotonic()
        isos = build_isos()
        print(f"secboot: built {len(isos)} ISOs in {os.path.relpath(OUT, ROOT)} in {time.monotonic() - t0:.1f} s",
              flush=True)
    except RuntimeError as e:
        print(f"secboot: could not build the ISOs: {e}")
        for n, _ in todo:
            print(f"not ok - {n}: no ISOs")
        print(f"secboot-tests: 0 passed, {len(todo)} failed")
        write_count(0, len(todo))
        return 1
    passed = failed = 0

    def one(case):
        """(why it failed or None, seconds without the waits for make test's job slots)."""
        t0, w0 = time.monotonic(), waited()
        why = case[1](isos)
        return why, time.monotonic() - t0 - (waited() - w0)
    # the enrolment first (the longest case by far: started last, it was the end of make test), the
    # rest in the list's order; printed in the list's order
    order = sorted(todo, key=lambda c: not c[0].startswith("enrolled"))   # stable: the rest keep theirs
    with ThreadPoolExecutor(max_workers=a.jobs) as pool:
        done = dict(zip([c[0] for c in order], pool.map(one, order)))
    results = [done[n] for n, _ in todo]
    for (n, _), (why, secs) in zip(todo, results):
        if why is None:
            passed += 1
            print(f"ok - {n} ({secs:.1f} s)", flush=True)
        else:
            failed += 1
            print(f"not ok - {n}: {why} ({secs:.1f} s)", flush=True)
    print(f"secboot-tests: {passed} passed, {failed} failed")
    write_count(passed, failed)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
