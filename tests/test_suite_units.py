"""Which emulator suite tests share one boot (tests/emu/suite.py units()): the suite's own table."""
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "emu"))
import suite  # noqa: E402


def names(units):
    return sorted(sorted(t["name"] for t in u) for u in units)


class Units(unittest.TestCase):
    def test_tests_differing_only_in_log_checks_share_a_boot(self):
        by = {t["name"]: t for t in suite.TESTS}
        group = [by["bochs-skx-smp4-x2apic"], by["bochs-skx-vmx4"], by["bochs-skx-exits4"]]
        self.assertEqual(len({repr(t.get("expect_once")) for t in group}), 3)   # they do differ there
        self.assertEqual(names(suite.units(group, True)),
                         [["bochs-skx-exits4", "bochs-skx-smp4-x2apic", "bochs-skx-vmx4"]])

    def test_a_boot_setting_keeps_tests_apart(self):
        by = {t["name"]: t for t in suite.TESTS}
        pair = [by["qemu-smp4"], by["qemu-smp4-wait-pause"]]      # cmdline differs
        self.assertEqual(names(suite.units(pair, True)), [["qemu-smp4"], ["qemu-smp4-wait-pause"]])
        other = dict(by["qemu-smp4"], name="x", qemu_args=["-m 512M"])
        self.assertEqual(len(suite.units([by["qemu-smp4"], other], True)), 2)

    def test_no_merge_boots_each_test(self):
        self.assertEqual(len(suite.units(suite.TESTS, False)), len(suite.TESTS))

    def test_every_merged_test_differs_from_its_boot_only_in_check_keys(self):
        for u in suite.units(suite.TESTS, True):
            for t in u[1:]:
                diff = {k for k in set(t) | set(u[0]) if t.get(k) != u[0].get(k)}
                self.assertLessEqual(diff, suite.CHECK_KEYS | {"cmdline", "smp", "cpu", "expect_result"},
                                     f"{t['name']} shares {u[0]['name']}'s boot but differs in {diff}")


if __name__ == "__main__":
    unittest.main()
