"""Tests of tools/bench-smp.py's log parser on serial logs captured from real runs (tests/logs/).

Run from the top of the tree:  python3 -m unittest tests/test_bench_smp.py

  captured_qemu_smp4_stamps.log          mode=test, QEMU 7.2 TCG -smp 4 (SeaBIOS), every AP stamped and parked
  captured_qemu_smp4_stuckap_stamps.log  mode=test smp.stuckap=2: AP 2 entered the trampoline, never parked
No test here boots anything.
"""

import importlib.util
import os
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("bench_smp", os.path.join(HERE, "..", "tools", "bench-smp.py"))
bench_smp = importlib.util.module_from_spec(spec)
spec.loader.exec_module(bench_smp)


def logpath(name):
    return os.path.join(HERE, "logs", name)


class ApStart(unittest.TestCase):
    def test_medians_of_a_boot_where_every_ap_parked(self):
        fig = bench_smp.parse_log(logpath("captured_qemu_smp4_stamps.log"))
        # cpu0: smp: AP start: ... median 346 us (77-1092 us, 3 APs), from there to parked median 130 us (94-748 us, 3 APs)
        self.assertEqual((fig["to_entry"], fig["to_parked"], fig["stamped"]), (346, 130, 3))
        self.assertEqual(fig["park_us"], 131)   # the IPI loops line just before it is still read

    def test_an_ap_that_never_parked_leaves_the_parked_figure_to_the_others(self):
        fig = bench_smp.parse_log(logpath("captured_qemu_smp4_stuckap_stamps.log"))
        self.assertEqual((fig["to_entry"], fig["to_parked"], fig["stamped"]), (232, 185, 3))   # parked: 2 APs

    def parse_text(self, text):
        with tempfile.NamedTemporaryFile("wb", suffix=".log", delete=False) as f:
            f.write(text.encode())
        try:
            return bench_smp.parse_log(f.name)
        finally:
            os.unlink(f.name)

    def test_no_stamp_and_none_parked_give_no_figure(self):
        # the kernel's own words (tests/host/test_smp_stamps.c checks smp_stamp_describe gives them)
        fig = self.parse_text("cpu0: smp: AP start: none of the 3 APs has a trampoline entry stamp (a stamp counts "
                              "when one of the first 64 APs to enter did so within 1000 ms after its SIPI)\n")
        self.assertEqual((fig["to_entry"], fig["to_parked"], fig["stamped"]), (None, None, 0))
        fig = self.parse_text("cpu0: smp: AP start: SIPI to the AP's first trampoline instruction median 645 us "
                              "(645-645 us, 1 AP), from there to parked: none of them parked\n")
        self.assertEqual((fig["to_entry"], fig["to_parked"], fig["stamped"]), (645, None, 1))

    def test_a_log_without_the_line_gives_none(self):
        fig = self.parse_text("cpu0: smp: IPI loops: INIT to 1 APs 5 us (5 us each, no level de-assert: APIC "
                              "version 0x14), SIPI to 1 APs 3 us (3 us each); last AP parked 900 us after the last "
                              "SIPI; boot CPU waited in hlt, 2 sleeps\n")
        self.assertEqual(fig["park_us"], 900)
        self.assertEqual((fig["to_entry"], fig["to_parked"], fig["stamped"]), (None, None, None))


if __name__ == "__main__":
    unittest.main()
