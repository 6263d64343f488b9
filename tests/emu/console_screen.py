"""console_screen.py: the bochs-screen session of tests/emu/console_test.py (not run by default).

Bochs's term display draws the screen into a pty (tests/emu/bochs_screen.py); unread, that
pty takes about 16-20 KB and then Bochs blocks in write() for good. The session reads it, as
emu.py does. This session shows that it must: Bochs with 1 CPU and the screen refreshed 60
times a second (console_session.SCREEN_SESSION_RC) replays the boot report with `log` until
more than an unread pty holds has been read from the screen, every replay checked line for
line against the boot. With --no-screen-drain the same replays stop at the command's time
limit. It takes about a minute (measured: boot 26-33 s, a replay 10-14 s, three replays), so
make test leaves it out:

    python3 tests/emu/console_test.py --emu bochs-screen
    python3 tests/emu/console_test.py --emu bochs-screen --no-screen-drain     # fails: Bochs stops
"""

import time

from console_bochs import c_poweroff_bochs
from console_session import Broken, boot, expect_ok, screen_read, want

PTY_ROOM = 20 * 1024       # what an unread pty takes before Bochs's write() blocks (16-20 KB measured)
WANT_READ = PTY_ROOM + 4096
MAX_LOGS = 8               # replays before the case gives up on reaching WANT_READ
LOG_TIMEOUT = 90           # one replay (31 KB of serial at 115200 baud in emulated time: 10-14 s measured)


def boot_report(got):
    """The boot's lines from the banner to the summary line: what `log` replays."""
    i = got.find(b"cpu0: vmxboot ")
    want(i >= 0, "no banner line in the boot output")
    lines = got[i:].decode("ascii", "replace").split("\r\n")
    ends = [n for n, l in enumerate(lines) if l.startswith("vmxboot: summary ")]
    want(len(ends) == 1, f"{len(ends)} summary lines in the boot output")
    return lines[:ends[0] + 1]


def where(pid):
    """The emulator's scheduler state and wait channel (a Bochs stuck on its pty: S, n_tty_write)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            state = f.read().rsplit(")", 1)[1].split()[0]
        with open(f"/proc/{pid}/wchan") as f:
            return f"state {state}, wchan {f.read().strip() or '0'}"
    except OSError as e:
        return f"no /proc/{pid} ({e.strerror})"


def s_log_past_pty(s):
    d = s.drain                # None with --no-screen-drain: then Bochs should stop within a replay or two
    want_lines = boot_report(s.ctx["boot"])
    start = d.read if d else 0
    t = time.monotonic()
    for n in range(1, MAX_LOGS + 1):
        try:
            r = s.cmd("log", timeout=LOG_TIMEOUT)
        except Broken as e:
            raise Broken(f"replay {n}: {e}; Bochs (pid {s.p.pid}): {where(s.p.pid)}; "
                         + (f"{d.read} bytes of screen read" if d else "its screen pty unread"))
        expect_ok(r)
        if r.out != want_lines:
            k = next((k for k, (a, b) in enumerate(zip(r.out, want_lines)) if a != b), min(len(r.out), len(want_lines)))
            want(False, f"replay {n}: {len(r.out)} lines, the boot had {len(want_lines)}; first difference at line {k}: "
                        f"{r.out[k] if k < len(r.out) else None!r} vs {want_lines[k] if k < len(want_lines) else None!r}")
        if d and d.read >= WANT_READ:
            break
    s.timings[f"{n} log replays"] = time.monotonic() - t
    want(d is not None, f"{n} replays answered with Bochs's screen pty unread")
    want(d.read >= WANT_READ, f"only {d.read} bytes of screen read after {n} replays (boot {start}): "
                              f"not past the {PTY_ROOM} an unread pty holds, so this shows nothing")


STEPS = [
    ("boot", [], boot),
    ("screen pty read", [], screen_read),
    ("log replays past what an unread screen pty holds", [], s_log_past_pty),
    ("poweroff", [], c_poweroff_bochs),
]
