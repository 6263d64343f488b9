"""secboot_screens.py: OVMF's setup screens driven through QEMU's monitor, for the enrolment case of
tests/emu/secboot_test.py (enrolled_own_key_boots): the key sequence from the boot manager to "Enroll
Signature Using File", each step sent once COM1 has been quiet (the screen is drawn) and checked by
the text the next screen shows on COM1.
"""

import os
import re
import socket
import time


def clean(b):
    return re.sub(rb"\x1b\[[0-9;?=]*[A-Za-z]", b"", b).decode("utf-8", errors="replace")


# OVMF 2022.11's setup screens (Debian 12), from "Press any key to enter the Boot Manager Menu":
# front page -> Device Manager -> Secure Boot Configuration -> Secure Boot Mode <Custom Mode> ->
# Custom Secure Boot Options -> DB Options -> Enroll Signature -> Enroll Signature Using File ->
# the USB stick's volume -> db.cer -> Commit Changes and Exit.  Each step: the keys, then a text
# the next screen shows on COM1 (OVMF draws its setup screens there too).
ENROL_STEPS = [(["ret"], "Boot Maintenance Manager"), (["down", "ret"], "Secure Boot Configuration"),
               (["down", "down", "ret"], "Attempt Secure Boot"), (["down", "down", "ret"], "Custom Mode"),
               (["down", "ret"], "Custom Secure Boot Options"), (["down", "ret"], "PK Options"),
               (["down", "down", "ret"], "Delete Signature"), (["ret"], "Enroll Signature Using File"),
               (["ret"], "File Explorer"), (["ret"], "NEW FOLDER"),
               (["down", "down", "down", "ret"], "Commit Changes and Exit"), (["down", "down", "ret"], "PK Options")]
STEP_S = 30
QUIET_S = 1.5        # a screen is drawn when COM1 has been quiet this long; keys sent earlier can get lost


class Monitor:
    """QEMU's monitor on a unix socket: one command at a time."""

    def __init__(self, path):
        self.m = socket.socket(socket.AF_UNIX)
        self.m.connect(path)
        self.m.settimeout(5)
        self.m.recv(4096)                      # the banner and prompt

    def __call__(self, command):
        self.m.sendall(command.encode() + b"\n")
        time.sleep(0.3)
        try:
            self.m.recv(4096)
        except OSError:
            if command != "quit":          # quit closes the socket
                raise


def wait_quiet(log, limit):
    size, since = -1, time.monotonic()
    while time.monotonic() < limit:
        now = os.path.getsize(log)
        if now != size:
            size, since = now, time.monotonic()
        elif time.monotonic() - since >= QUIET_S:
            return
        time.sleep(0.25)


def setup_screens(mon, log, steps):
    """Types each step's keys once the screen is drawn and waits for the next screen's text. The first key
    (any key leaves "Press any key") is sent again every 10 s until the front page shows."""
    for n, (keys, text) in enumerate(steps):
        wait_quiet(log, time.monotonic() + STEP_S)
        start = os.path.getsize(log)
        end = time.monotonic() + STEP_S
        sent = 0.0
        while True:
            if time.monotonic() - sent > (10 if n == 0 else STEP_S):
                for k in keys:
                    mon(f"sendkey {k}")
                sent = time.monotonic()
            with open(log, "rb") as f:
                f.seek(start)
                if text in clean(f.read()):
                    break
            if time.monotonic() > end:
                raise TimeoutError(f"step {n + 1} ({' '.join(keys)}): no {text!r} on COM1 within {STEP_S} s")
            time.sleep(0.5)
