"""Tests of tests/emu/bochs_screen.py: the pty Bochs's term display names is found in Bochs's
real output, a writer into such a pty that nobody reads blocks (the Bochs stall, caused here),
and with ScreenDrain reading it the same writer finishes and every byte is read."""

import os
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "emu"))
import bochs_screen  # noqa: E402

# What Debian's Bochs 2.7 printed in build/emu/idle15.emu.out (between its ALSA noise and the
# debugger's lines), and the line gui/term.cc prints it with.
BOCHS_OUT = (b"ALSA lib pcm.c:2666:(snd_pcm_open_noupdate) Unknown PCM default\n\n"
             b"Bochs connected to screen \"/dev/pts/0\"\n"
             b"00000000000i[      ] installing term module as the Bochs GUI\n")

# A stand-in for term.cc's specific_init and refreshes: open /dev/ptmx, unlock it, say its
# name on stderr like Bochs, make it raw like ncurses' cbreak/noecho, then write the screen
# with blocking writes, 79 bytes and a carriage return at a time (what strace showed Bochs write).
WRITER = r"""
import ctypes, os, sys, termios, time, tty
libc = ctypes.CDLL(None); libc.ptsname.restype = ctypes.c_char_p
fd = os.open("/dev/ptmx", os.O_RDWR)
libc.grantpt(fd); libc.unlockpt(fd)
sys.stderr.write('\nBochs connected to screen "%s"\n' % libc.ptsname(fd).decode()); sys.stderr.flush()
tty.setraw(fd)
total, want = 0, int(sys.argv[1])
while total < want:
    total += os.write(fd, b"\r" + b"x" * 79)
    if total % 8000 == 0:
        print(total, flush=True)
print("done", total, flush=True)
# keep the master open until the test has seen every byte read: closing it hangs up the pty, and
# Linux then drops what the reader has not taken yet (Bochs's last screen bytes do not matter)
release = sys.argv[2]
for _ in range(600):
    if os.path.exists(release):
        break
    time.sleep(0.05)
"""

SCREEN_BYTES = 200_000   # what a slow 15-CPU run writes at update_freq=60; far past the pty's room


class ScreenPathTest(unittest.TestCase):
    def test_finds_the_pty_in_bochs_output(self):
        self.assertEqual(bochs_screen.screen_path(BOCHS_OUT), "/dev/pts/0")

    def test_none_before_bochs_says(self):
        self.assertIsNone(bochs_screen.screen_path(BOCHS_OUT.split(b"Bochs connected")[0]))
        self.assertIsNone(bochs_screen.screen_path(b"Bochs connected to screen \"/tmp/x\"\n"))


class DrainTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="bochs-screen-test-")
        self.out = os.path.join(self.dir, "x.emu.out")
        self.stdout = os.path.join(self.dir, "x.writer")
        self.release = os.path.join(self.dir, "x.release")

    def writer(self):
        with open(self.stdout, "wb") as out, open(self.out, "wb") as err:
            return subprocess.Popen([sys.executable, "-c", WRITER, str(SCREEN_BYTES), self.release],
                                    stdin=subprocess.DEVNULL, stdout=out, stderr=err)

    def written(self):
        with open(self.stdout) as f:
            lines = f.read().split()
        return lines

    def test_writer_blocks_when_nobody_reads(self):
        p = self.writer()
        try:
            with self.assertRaises(subprocess.TimeoutExpired):
                p.wait(timeout=5)
        finally:
            p.kill()
            p.wait()
        lines = self.written()
        self.assertNotIn("done", lines, "the writer finished although nobody read its pty")
        self.assertTrue(lines, "the writer wrote nothing before it blocked")
        got = int(lines[-1])
        self.assertTrue(4096 < got < SCREEN_BYTES, f"{got} bytes written before the writer blocked")

    def test_drain_lets_the_writer_finish(self):
        keep = os.path.join(self.dir, "x.screen")
        drain = bochs_screen.ScreenDrain(self.out, keep).start()
        p = self.writer()
        try:
            end = time.monotonic() + 60
            while drain.read < SCREEN_BYTES and p.poll() is None and time.monotonic() < end:
                time.sleep(0.05)
            open(self.release, "w").close()   # every byte read (or given up): the writer may close its pty
            rc = p.wait(timeout=60)
        finally:
            if p.poll() is None:
                p.kill()
            p.wait()
            time.sleep(0.5)   # the last bytes, then EIO once the writer's master is closed
            drain.stop()
        self.assertEqual(rc, 0)
        self.assertEqual(self.written()[-2:], ["done", str(SCREEN_BYTES)])
        self.assertIsNone(drain.error, drain.summary())
        self.assertEqual(drain.read, SCREEN_BYTES, drain.summary())
        self.assertEqual(os.path.getsize(keep), SCREEN_BYTES)
        self.assertIn("read 200000 bytes", drain.summary())


if __name__ == "__main__":
    unittest.main()
