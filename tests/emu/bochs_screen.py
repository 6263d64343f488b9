"""Reads the screen of Bochs's `term` display while Bochs runs, so Bochs never blocks on it.

Debian's Bochs 2.7 has the internal debugger, and then its term display (gui/term.cc,
specific_init) opens a new pseudo-terminal, points ncurses at its master side and prints
`Bochs connected to screen "/dev/pts/N"` for a person to attach to (`cat /dev/pts/N`).
In a test nobody attaches: every screen refresh is written into a pty that nobody reads,
and once about 16-20 KB are queued (the slave's 4 KB input buffer plus the kernel's
flip buffers) Bochs's write() blocks for good: the emulator sleeps (state S, wchan
n_tty_write), the serial log stops mid-line, the run ends at its timeout. The refresh
runs on host time (`vga: update_freq`, 5 Hz), so a slow run (15 CPUs on a loaded host)
writes the most and is the one that stops.

ScreenDrain waits for that line in the emulator's output file, opens the slave side and
reads it until Bochs closes the master; what it read is kept in a file.
"""

import errno
import os
import re
import select
import threading
import time

SCREEN_RE = re.compile(rb'Bochs connected to screen "(/dev/pts/[0-9]+)"')


def screen_path(out_bytes):
    """The pty Bochs's term display draws into, from Bochs's output; None before it says."""
    m = SCREEN_RE.search(out_bytes)
    return m.group(1).decode() if m else None


class ScreenDrain:
    """A thread that reads Bochs's screen pty (named in out_path) into keep_path."""

    def __init__(self, out_path, keep_path, poll=0.05):
        self.out_path, self.keep_path, self.poll = out_path, keep_path, poll
        self.pty = None          # the slave's path, once Bochs named it
        self.read = 0            # bytes read from it
        self.error = None        # why it could not be read, if it could not
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self):
        self._thread.start()
        return self

    def stop(self, timeout=5):
        self._stop.set()
        self._thread.join(timeout)

    def summary(self):
        if self.error:
            return f"could not read Bochs's screen {self.pty or '(no pty named)'}: {self.error}"
        if not self.pty:
            return "Bochs named no screen pty"
        return f"read {self.read} bytes of Bochs's screen from {self.pty} into {self.keep_path}"

    def _find(self):
        while not self._stop.is_set():
            try:
                with open(self.out_path, "rb") as f:
                    path = screen_path(f.read(65536))
                if path:
                    return path
            except FileNotFoundError:
                pass
            time.sleep(self.poll)
        return None

    def _run(self):
        self.pty = self._find()
        if not self.pty:
            return
        try:
            fd = os.open(self.pty, os.O_RDONLY | os.O_NOCTTY | os.O_NONBLOCK)
        except OSError as e:
            self.error = f"open: {e}"
            return
        try:
            with open(self.keep_path, "wb") as keep:
                while True:
                    r, _, _ = select.select([fd], [], [], 0.2)
                    if not r:
                        if self._stop.is_set():
                            break
                        continue
                    try:
                        data = os.read(fd, 65536)
                    except OSError as e:
                        if e.errno == errno.EAGAIN:
                            continue
                        break            # EIO: Bochs closed the master (it exited)
                    if not data:
                        break
                    self.read += len(data)
                    keep.write(data)
        finally:
            os.close(fd)
