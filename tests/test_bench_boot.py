"""Tests of tools/bench-boot.py's byte counts: which part of a serial log each byte belongs to.

Run from the top of the tree:  python3 -m unittest tests/test_bench_boot.py
"""

import importlib.util
import os
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("bench_boot", os.path.join(HERE, "..", "tools", "bench-boot.py"))
bench_boot = importlib.util.module_from_spec(spec)
spec.loader.exec_module(bench_boot)


def log(name):
    with open(os.path.join(HERE, "logs", name), "rb") as f:
        return f.read()


class Sections(unittest.TestCase):
    def test_kernel_part_starts_at_the_kernels_first_line_not_grubs(self):
        raw = log("captured_bochs_skx_caps_full.log")
        self.assertIn(b"Booting `vmxboot (mode=test", raw)   # GRUB names the kernel first
        n = bench_boot.kernel_bytes(raw)
        self.assertTrue(raw[len(raw) - n:].lstrip(b"\r").startswith(b"cpu0: vmxboot 0.1: "), raw[len(raw) - n:][:40])

    def test_every_byte_of_a_real_log_is_in_one_section(self):
        raw = log("captured_bochs_skx_caps_full.log")
        sec = bench_boot.log_sections(raw)
        self.assertEqual(sum(sec.values()), bench_boot.kernel_bytes(raw))
        self.assertEqual(list(sec), list(bench_boot.SECTIONS))
        # vmx.caps=full: the named decode is most of the human part; blank or CR-only lines are "other"
        self.assertGreater(sec["vmx caps"], 10000)
        self.assertLess(sec["other"], 40)
        for k in ("boot", "smp", "irq", "vmx table", "conformance", "KTAP", "summary"):
            self.assertGreater(sec[k], 0, k)

    def test_lines_go_to_their_sections(self):
        cases = {
            b"cpu0: smp: bring-up 38 us from the first INIT\r": "smp",
            b"cpu0: vmx: caps: raw 0-3: IA32_VMX_BASIC 0x480 = 0x00d810000000002b\r": "vmx caps",
            b"cpu0: vmx: machine: PAT 0x0007040100070406\r": "vmx caps",
            b"cpu0: vmx:       0-3        0-3  FEATURE_CONTROL 0x5  VMXON ok\r": "vmx table",
            b"cpu0: guest: cpus 0-3: VMLAUNCH -> 204 exits\r": "guest",
            b"cpu2: conformance: VMRESUME after VMXOFF/VMXON\r": "conformance",
            b"cpu0: irq: cpus 0-3 (ACPI UIDs 0-3): LINT0 masked\r": "irq",
            b"\rcpu0: mode=test\r": "boot",
            b"cpu0: timer: TSC 50000 kHz\r": "boot",
            b"    ok 318 entry_ctl_entry_bit_27_set_error_7\r": "KTAP",
            b"  # cpus_like_cpu0: 3 CPUs: 0-1,3\r": "KTAP",
            b"KTAP version 1\r": "KTAP",
            b"1..5\r": "KTAP",
            b"vmxboot: summary result=PASS cpus_found=4\r": "summary",
            b"\r": "other",
        }
        for line, want in cases.items():
            self.assertEqual(bench_boot.section_of(line), want, line)

    def test_a_log_without_the_kernel_has_no_sections(self):
        self.assertIsNone(bench_boot.log_sections(b"GRUB loading.\r\nerror: no such device\r\n"))


if __name__ == "__main__":
    unittest.main()
