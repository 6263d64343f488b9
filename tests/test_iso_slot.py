"""The tests' ISO cache (tests/emu/emu.py patched_iso): an ISO made from the slot ISO boots the
same grub.cfg as one grub-mkrescue made for the command line, plus one comment line of '#'.
Needs the kernel (build/vmxboot.elf), grub-mkrescue and xorriso, as make test has them."""
import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(HERE, "emu"))
import emu  # noqa: E402

CMDLINE = "mode=test cpus=2 vmx.rounds=3"


def grub_cfg(iso, out):
    subprocess.run(["xorriso", "-osirrox", "on", "-indev", iso, "-extract", "/boot/grub/grub.cfg", out],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with open(out, "rb") as f:
        return f.read()


@unittest.skipUnless(os.path.isfile(os.path.join(ROOT, "build", "vmxboot.elf")), "no kernel built")
class SlotIso(unittest.TestCase):
    def test_patched_iso_holds_mkiso_grub_cfg_and_padding(self):
        with tempfile.TemporaryDirectory() as d:
            self.assertIsNone(emu.patched_iso(d, CMDLINE, os.path.join(d, "patched.iso")))
            self.assertIsNone(emu.build_iso(CMDLINE, os.path.join(d, "whole.iso")))
            patched = grub_cfg(os.path.join(d, "patched.iso"), os.path.join(d, "p.cfg"))
            whole = grub_cfg(os.path.join(d, "whole.iso"), os.path.join(d, "w.cfg"))
            self.assertIn(b"multiboot2 /boot/vmxboot.elf " + CMDLINE.encode() + b"\n", whole)
            self.assertTrue(patched.startswith(whole), "the patched grub.cfg does not start with mkiso.sh's")
            pad = patched[len(whole):]
            self.assertEqual(len(patched), len(grub_cfg(os.path.join(d, "slot.iso"), os.path.join(d, "s.cfg"))))
            self.assertRegex(pad, rb"^#+\n$")
            # a second command line from the same slot: only the slot's bytes differ
            self.assertIsNone(emu.patched_iso(d, "mode=test", os.path.join(d, "other.iso")))
            with open(os.path.join(d, "patched.iso"), "rb") as a, open(os.path.join(d, "other.iso"), "rb") as b:
                x, y = a.read(), b.read()
            diff = [i for i in range(0, len(x), 4096) if x[i:i + 4096] != y[i:i + 4096]]
            self.assertEqual(len(x), len(y))
            self.assertLessEqual(len(diff), 2, "more than the slot's blocks differ")

    def test_too_long_a_command_line_gets_its_own_iso(self):
        with tempfile.TemporaryDirectory() as d:
            long = "mode=test " + "x" * emu.SLOT_BYTES
            self.assertIsNone(emu.patched_iso(d, long, os.path.join(d, "long.iso")))
            self.assertFalse(os.path.exists(os.path.join(d, "slot.iso")))
            self.assertIn(long.encode(), grub_cfg(os.path.join(d, "long.iso"), os.path.join(d, "l.cfg")))


if __name__ == "__main__":
    unittest.main()
