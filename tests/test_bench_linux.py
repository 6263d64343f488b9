"""Tests of tools/bench_linux.py's pure parts on logs captured from real runs (tests/logs/).

Run from the top of the tree:  python3 -m unittest tests/test_bench_linux.py

The logs are Debian's linux-image-6.1.0-57-amd64 (6.1.192-3) on QEMU 7.2 TCG -cpu max:
  captured_linux_qemu_smp4.log           -smp 4, run to the root-mount panic (SeaBIOS/EDD escapes first)
  captured_linux_qemu_smp4_maxcpus2.log  -smp 4 with maxcpus=2 (Linux brings up 2), stopped at 'Total of'
  captured_linux_qemu_mem6m_panic.log    -smp 1 with mem=6M: the kernel panics before its SMP bring-up
  captured_apt_cache_depends_linux_image_amd64.txt  `apt-cache depends linux-image-amd64` on Debian 12
No test here boots or downloads anything.
"""

import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "tools"))
import bench_linux  # noqa: E402

LOGS = os.path.join(HERE, "logs")


def log(name):
    with open(os.path.join(LOGS, name), "rb") as f:
        return f.read().decode("utf-8", errors="replace")


class Depends(unittest.TestCase):
    def test_names_the_image_package_of_the_meta_package(self):
        text = log("captured_apt_cache_depends_linux_image_amd64.txt")
        self.assertEqual(bench_linux.parse_depends(text), "linux-image-6.1.0-57-amd64")

    def test_no_package_when_apt_knows_none(self):
        self.assertIsNone(bench_linux.parse_depends("E: No packages found\n"))   # exit status 100 from apt-cache

    def test_the_meta_package_itself_is_not_taken_for_an_image(self):
        text = log("captured_apt_cache_depends_linux_image_amd64.txt")
        only_header = text.split("\n")[0] + "\n"   # 'linux-image-amd64' with no Depends line
        self.assertIsNone(bench_linux.parse_depends(only_header))


class FourCpus(unittest.TestCase):
    def setUp(self):
        self.fig = bench_linux.parse_dmesg(log("captured_linux_qemu_smp4.log"), cpus=4)

    def test_all_figures_from_the_printk_stamps(self):
        f = self.fig
        self.assertIsNone(f["problem"])
        self.assertEqual((f["bringing_s"], f["brought_s"], f["activated_s"]), (1.196435, 1.964594, 1.965273))
        self.assertEqual((f["nodes"], f["cpus"], f["activated"]), (1, 4, 4))
        self.assertEqual(f["bringup_us"], 768159)        # 1.964594 - 1.196435 s
        self.assertEqual(f["per_ap_us"], 256053)         # over 3 APs
        self.assertEqual(f["kernel_us"], 1965273)

    def test_version_despite_the_firmware_escapes_on_the_same_line(self):
        self.assertIn("\x1b[", log("captured_linux_qemu_smp4.log").split("Linux version")[0])
        self.assertEqual((self.fig["version"], self.fig["debian"]), ("6.1.0-57-amd64", "Debian 6.1.192-3"))
        self.assertEqual(self.fig["cpu0"], "AMD QEMU TCG CPU version 2.5+ (family: 0xf, model: 0x6b, stepping: 0x1)")

    def test_the_later_root_mount_panic_does_not_spoil_the_figures(self):
        self.assertEqual(self.fig["panic"], "VFS: Unable to mount root fs on unknown-block(0,0)")
        self.assertIsNone(self.fig["problem"])

    def test_complete_once_total_of_is_there(self):
        text = log("captured_linux_qemu_smp4.log")
        cut = text.index("smpboot: Total of")
        self.assertFalse(bench_linux.complete(text[:cut]))
        self.assertTrue(bench_linux.complete(text[:cut + len("smpboot: Total of 4 processors activated")]))


class Failures(unittest.TestCase):
    def test_fewer_cpus_than_qemu_was_given(self):
        f = bench_linux.parse_dmesg(log("captured_linux_qemu_smp4_maxcpus2.log"), cpus=4)
        self.assertEqual(f["problem"], "Linux brought up 2 of the 4 CPUs QEMU was given")
        self.assertEqual((f["cpus"], f["bringup_us"], f["per_ap_us"]), (2, 188826, 188826))

    def test_panic_before_the_bring_up_is_named(self):
        f = bench_linux.parse_dmesg(log("captured_linux_qemu_mem6m_panic.log"), cpus=1)
        self.assertEqual(f["problem"], "the log has no 'smp: Bringing up secondary CPUs', no 'smp: Brought up "
                         "N nodes, M CPUs', no 'smpboot: Total of M processors activated' (the kernel panicked "
                         "first: Attempted to kill the idle task!)")
        self.assertIsNone(f["bringup_us"])
        self.assertTrue(bench_linux.complete(log("captured_linux_qemu_mem6m_panic.log")))   # QEMU can stop

    def test_log_cut_during_the_bring_up(self):
        text = log("captured_linux_qemu_smp4.log")
        f = bench_linux.parse_dmesg(text[:text.index("smp: Brought up")], cpus=4)   # QEMU stopped there
        self.assertEqual(f["problem"], "the log has no 'smp: Brought up N nodes, M CPUs', "
                         "no 'smpboot: Total of M processors activated'")
        self.assertEqual(f["bringing_s"], 1.196435)
        self.assertEqual((f["bringup_us"], f["per_ap_us"], f["kernel_us"]), (None, None, None))

    def test_empty_log_of_a_boot_stopped_before_linux_printed(self):
        f = bench_linux.parse_dmesg("", cpus=2)   # a 4 s timeout gave exactly this: QEMU still loading
        self.assertTrue(f["problem"].startswith("the log has no 'Linux version', no 'smp: Bringing up"))
        self.assertFalse(bench_linux.complete(""))

    def test_brought_up_and_total_of_disagree(self):
        text = log("captured_linux_qemu_smp4.log").replace("Total of 4 processors", "Total of 3 processors")
        f = bench_linux.parse_dmesg(text, cpus=4)
        self.assertEqual(f["problem"], "'Brought up' says 4 CPUs, 'Total of' says 3 processors")


class Median(unittest.TestCase):
    def test_odd_even_and_missing(self):
        self.assertEqual(bench_linux.median([3, None, 1, 2]), 2)
        self.assertEqual(bench_linux.median([4, 1]), 2.5)
        self.assertIsNone(bench_linux.median([None]))


if __name__ == "__main__":
    unittest.main()
