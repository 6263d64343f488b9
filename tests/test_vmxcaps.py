"""tools/vmxcaps.py on two real logs (Bochs corei7_skylake_x and corei7_icelake_u,
`mode=test vmx.caps=full`, saved in tests/logs/): its decode must equal the kernel's
own named lines in the same log, and the comparison must name what the MSRs differ in."""

import os
import re
import subprocess
import sys
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TOOL = os.path.join(ROOT, "tools", "vmxcaps.py")
SKX = os.path.join(ROOT, "tests", "logs", "captured_bochs_skx_caps_full.log")
ICX = os.path.join(ROOT, "tests", "logs", "captured_bochs_icx_caps_full.log")


def run(*args):
    p = subprocess.run([sys.executable, TOOL, *args], capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


def kernel_named_lines(path):
    """The named decode the kernel printed (vmx.caps=full), without the prefixes."""
    out = []
    for line in open(path, errors="replace").read().splitlines():
        m = re.match(r"^cpu0: vmx: caps: (?!raw |all |\d+ kinds)(.*)$", line.rstrip("\r"))
        if m and not re.match(r"(VMX_BASIC|VMX_MISC|CR0 fixed|EPT/VPID|\S+ +controls \(MSR)", m.group(1)):
            out.append(m.group(1))
    return out


class VmxcapsTool(unittest.TestCase):
    def test_decode_matches_the_kernels_own_lines(self):
        for log in (SKX, ICX):
            rc, out, err = run(log)
            self.assertEqual(rc, 0, err)
            tool = [l for l in out.splitlines() if not l.startswith("== ")]
            kern = kernel_named_lines(log)
            self.assertGreater(len(kern), 150)
            self.assertEqual(tool, kern)

    def test_compare_names_the_differences(self):
        rc, out, err = run(SKX, ICX)
        self.assertEqual(rc, 0, err)
        self.assertIn("primary processor-based VM-execution controls: Monitor trap flag: A no, B yes", out)
        self.assertIn("secondary processor-based VM-execution controls: Sub-page write permissions for EPT: A no, B yes", out)
        self.assertIn("CR4 bits in VMX operation: CR4.PKE: A no, B yes", out)
        self.assertIn("basic VMX information: VMCS revision identifier: A 43, B 4", out)
        self.assertIn("5 capabilities differ:", out)
        self.assertIn("only A has (0):", out)
        self.assertIn("only B has (4):", out)

    def test_same_log_twice_is_identical(self):
        rc, out, _ = run(SKX, SKX)
        self.assertEqual(rc, 0)
        self.assertIn("identical: every capability has the same state", out)

    def test_log_without_vtx_fails_clearly(self):
        log = os.path.join(ROOT, "tests", "logs", "captured_qemu_uefi.log")
        rc, _, err = run(log)
        self.assertEqual(rc, 1)
        self.assertIn("no 'vmx: caps: raw' lines", err)

    def test_usage(self):
        rc, _, err = run()
        self.assertEqual(rc, 2)
        self.assertIn("vmxcaps.py LOG", err)


if __name__ == "__main__":
    unittest.main()
