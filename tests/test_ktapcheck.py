"""Tests of tests/ktapcheck.py on hand-written logs (tests/logs/) and inline ones.

Run from the top of the tree:  python3 -m unittest tests/test_ktapcheck.py
"""

import contextlib
import io
import os
import sys
import tempfile
import textwrap
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import ktapcheck  # noqa: E402

LOGS = os.path.join(HERE, "logs")
PASS_SUMMARY = "vmxboot: summary result=PASS cpus_found=1 cpus_online=1 vmx_ready=0 "


def log(name):
    with open(os.path.join(LOGS, name), "rb") as f:
        return f.read()


def inline(s):
    return textwrap.dedent(s).lstrip("\n")


class Base(unittest.TestCase):
    def assertClean(self, rep):
        self.assertEqual([p.msg for p in rep.problems], [])
        self.assertTrue(rep.ok)

    def assertProblem(self, rep, fragment, count=None):
        msgs = [p.msg for p in rep.problems]
        hits = [m for m in msgs if fragment in m]
        self.assertTrue(hits, f"no problem containing {fragment!r} in {msgs}")
        if count is not None:
            self.assertEqual(len(hits), count, msgs)
        self.assertFalse(rep.ok)


class GoodLogs(Base):
    def test_flat(self):
        rep = ktapcheck.check(log("good_flat.log"))
        self.assertClean(rep)
        self.assertEqual(rep.counts, dict(tests=4, passed=3, failed=0, skipped=1, xfail=0))
        self.assertEqual([t.name for t in rep.tree.children],
                         ["multiboot2_magic", "memory_map", "idt_loaded", "vmx_detect"])
        self.assertEqual(rep.summary.get("cpus_online"), "1")

    def test_nested_per_cpu(self):
        rep = ktapcheck.check(log("good_nested.log"), expect=["cpus_online=2", "vmx_ready>=2"],
                              require=["smp/cpu1/ran_own_job", "boot", "vmx/cpu0/vmxon"])
        self.assertClean(rep)
        self.assertEqual(rep.counts, dict(tests=12, passed=10, failed=0, skipped=0, xfail=2))
        t = rep.tree.find("vmx/cpu1/vmxoff_twice_ud")
        self.assertEqual((t.directive, t.status, t.depth), ("XFAIL", "xfail", 2))
        self.assertEqual(rep.tree.find("smp").plan, 2)
        self.assertEqual(rep.tree.find("vmx/cpu0/vmptrld").diag, ["# vmcs revision id 0x4 expected, 0x4 read"])

    def test_ovmf_noise_with_ansi_and_cr(self):
        data = log("ovmf_noise.log")
        self.assertIn(b"\x1b[", data)
        self.assertIn(b"\r\n", data)
        rep = ktapcheck.check(data, require=["boot/multiboot2_magic", "acpi_rsdp_from_tag"])
        self.assertClean(rep)
        self.assertEqual(rep.counts["tests"], 2)

    def test_skip_and_xfail_counting(self):
        rep = ktapcheck.check(log("skip_xfail.log"), require_skip=["smp", "conformance/fixed_bits"])
        self.assertClean(rep)
        self.assertEqual(rep.counts, dict(tests=6, passed=1, failed=0, skipped=3, xfail=2))
        smp = rep.tree.find("smp")
        self.assertEqual((smp.children, smp.status), ([], "skip"))
        # 'not ok ... # XFAIL' and 'ok ... # XFAIL' both count as xfail, not as failures
        self.assertEqual(rep.tree.find("conformance/vmxon_outside_smx").status, "xfail")
        self.assertEqual(rep.tree.find("vmx/vmcall_in_root").status, "xfail")

    def test_extra_keys_after_fixed_ones(self):
        rep = ktapcheck.check(log("extra_keys.log"), expect=["boot_ms=412", "firmware=bios"])
        self.assertClean(rep)
        self.assertEqual(rep.summary.extras, {"boot_ms": "412", "smp_ms": "-", "firmware": "bios"})
        self.assertIn("boot_ms=412 smp_ms=- firmware=bios", ktapcheck.describe(rep))


class BadLogs(Base):
    def test_wrong_plan_count(self):
        rep = ktapcheck.check(log("wrong_plan.log"))
        self.assertProblem(rep, "plan 1..3 but 2 results")
        self.assertEqual(rep.problems[0].line, 2)

    def test_too_many_results_for_plan(self):
        rep = ktapcheck.check(inline("""
            KTAP version 1
            1..1
            ok 1 boot
            ok 2 smp
            """) + PASS_SUMMARY + "tests=2 passed=2 failed=0 skipped=0 xfail=0\n")
        self.assertProblem(rep, "plan 1..1 but 2 results", count=1)

    def test_wrong_numbering(self):
        rep = ktapcheck.check(log("wrong_numbering.log"))
        self.assertProblem(rep, "result numbered 3, expected 2", count=1)
        self.assertEqual(len(rep.problems), 1)

    def test_nested_numbering_restarts_at_one(self):
        rep = ktapcheck.check(inline("""
            KTAP version 1
            1..1
              KTAP version 1
              1..2
              ok 2 a
              ok 3 b
            ok 1 boot
            """) + PASS_SUMMARY + "tests=2 passed=2 failed=0 skipped=0 xfail=0\n")
        self.assertProblem(rep, "result numbered 2, expected 1")
        self.assertProblem(rep, "result numbered 3, expected 2")

    def test_bad_indentation(self):
        rep = ktapcheck.check(log("bad_indent.log"))
        self.assertProblem(rep, "indented by 3 spaces")
        p = next(p for p in rep.problems if "3 spaces" in p.msg)
        self.assertEqual(p.line, 6)

    def test_block_indented_two_levels_at_once(self):
        rep = ktapcheck.check(inline("""
            KTAP version 1
            1..1
                KTAP version 1
                1..1
                ok 1 a
            ok 1 boot
            """) + PASS_SUMMARY + "tests=1 passed=1 failed=0 skipped=0 xfail=0\n")
        self.assertProblem(rep, "subtest block at depth 2 inside a block at depth 0")

    def test_nested_block_without_version_line(self):
        rep = ktapcheck.check(inline("""
            KTAP version 1
            1..1
              1..1
              ok 1 a
            ok 1 boot
            """) + PASS_SUMMARY + "tests=1 passed=1 failed=0 skipped=0 xfail=0\n")
        self.assertProblem(rep, "no 'KTAP version 1' line opening the block")
        self.assertEqual(rep.counts["tests"], 1)   # still parsed as boot/a

    def test_tab_indentation(self):
        rep = ktapcheck.check("KTAP version 1\n1..1\n\tKTAP version 1\nok 1 boot\n" +
                              PASS_SUMMARY + "tests=1 passed=1 failed=0 skipped=0 xfail=0\n")
        self.assertProblem(rep, "tab")

    def test_subtests_without_parent_result_line(self):
        rep = ktapcheck.check(inline("""
            KTAP version 1
            1..2
              KTAP version 1
              1..1
              ok 1 a
              KTAP version 1
              1..1
              ok 1 b
            ok 1 boot
            ok 2 smp
            """) + PASS_SUMMARY + "tests=2 passed=2 failed=0 skipped=0 xfail=0\n")
        self.assertProblem(rep, "subtest block at line 3 has no parent result line")

    def test_parent_ok_while_child_failed(self):
        rep = ktapcheck.check(log("parent_ok_child_failed.log"), expect_result="ANY")
        self.assertProblem(rep, "smp/cpu1 is ok but subtest smp/cpu1/ran_own_job failed", count=1)
        self.assertEqual(rep.counts["failed"], 1)

    def test_parent_with_skipped_child_is_ok(self):
        rep = ktapcheck.check(inline("""
            KTAP version 1
            1..1
              KTAP version 1
              1..2
              ok 1 a
              ok 2 b # SKIP not here
            ok 1 boot
            """) + PASS_SUMMARY + "tests=2 passed=1 failed=0 skipped=1 xfail=0\n")
        self.assertClean(rep)

    def test_summary_counts_mismatch(self):
        rep = ktapcheck.check(log("summary_mismatch.log"), expect_result="FAIL")
        self.assertProblem(rep, "summary counts differ from the KTAP: passed=2 but the KTAP has 1, "
                                "failed=0 but the KTAP has 1")

    def test_summary_sum_mismatch(self):
        rep = ktapcheck.check("KTAP version 1\n1..1\nok 1 boot\n" + PASS_SUMMARY +
                              "tests=2 passed=1 failed=0 skipped=0 xfail=0\n")
        self.assertProblem(rep, "tests=2 but passed+failed+skipped+xfail=1")

    def test_summary_missing(self):
        rep = ktapcheck.check(log("summary_missing.log"))
        self.assertProblem(rep, "no summary line: the kernel hung, crashed or the log was cut")
        # also not accepted as an expected failure: a FAIL run must still end with its summary
        rep = ktapcheck.check(log("summary_missing.log"), expect_result="FAIL")
        self.assertProblem(rep, "no summary line")

    def test_keys_out_of_order(self):
        rep = ktapcheck.check(log("keys_out_of_order.log"))
        self.assertProblem(rep, "summary: keys out of order", count=1)

    def test_summary_missing_key_and_bad_value(self):
        rep = ktapcheck.check("KTAP version 1\n1..1\nok 1 boot\n"
                              "vmxboot: summary result=MAYBE cpus_found=1 cpus_online=x tests=1 passed=1 "
                              "failed=0 skipped=0 xfail=0\n")
        self.assertProblem(rep, "missing key(s) vmx_ready")
        self.assertProblem(rep, "result=MAYBE")
        self.assertProblem(rep, "cpus_online=x is neither an integer nor '-'")

    def test_two_summaries(self):
        s = PASS_SUMMARY + "tests=1 passed=1 failed=0 skipped=0 xfail=0\n"
        rep = ktapcheck.check("KTAP version 1\n1..1\nok 1 boot\n" + s + s)
        self.assertProblem(rep, "more than one summary line", count=1)

    def test_summary_not_at_column_0(self):
        rep = ktapcheck.check("KTAP version 1\n1..1\nok 1 boot\n  " + PASS_SUMMARY +
                              "tests=1 passed=1 failed=0 skipped=0 xfail=0\n")
        self.assertProblem(rep, "summary line not at column 0")
        self.assertProblem(rep, "no summary line")

    def test_ktap_after_summary_and_second_document(self):
        s = PASS_SUMMARY + "tests=1 passed=1 failed=0 skipped=0 xfail=0\n"
        rep = ktapcheck.check("KTAP version 1\n1..1\nok 1 boot\n" + s + "ok 2 late\nKTAP version 1\n")
        self.assertProblem(rep, "KTAP line after the end of the document")
        self.assertProblem(rep, "a second KTAP document")

    def test_no_ktap_document(self):
        rep = ktapcheck.check("hello\n" + PASS_SUMMARY + "tests=0 passed=0 failed=0 skipped=0 xfail=0\n")
        self.assertProblem(rep, "no KTAP document")

    def test_bad_names_and_duplicates(self):
        rep = ktapcheck.check("KTAP version 1\n1..3\nok 1 Boot\nok 2 smp\nok 3 smp\n" + PASS_SUMMARY +
                              "tests=3 passed=3 failed=0 skipped=0 xfail=0\n")
        self.assertProblem(rep, "test name 'Boot' does not match")
        self.assertProblem(rep, "duplicate test name 'smp'")

    def test_ok_with_timeout_directive(self):
        rep = ktapcheck.check("KTAP version 1\n1..1\nok 1 boot # TIMEOUT\n"
                              "vmxboot: summary result=FAIL cpus_found=1 cpus_online=1 vmx_ready=0 "
                              "tests=1 passed=0 failed=1 skipped=0 xfail=0\n", expect_result="FAIL")
        self.assertProblem(rep, "'ok' with a TIMEOUT directive")

    def test_result_pass_with_a_failure(self):
        rep = ktapcheck.check("KTAP version 1\n1..1\nnot ok 1 boot\n" + PASS_SUMMARY +
                              "tests=1 passed=0 failed=1 skipped=0 xfail=0\n", expect_result="ANY")
        self.assertProblem(rep, "summary says result=PASS but failed=1")

    def test_result_fail_without_reason(self):
        rep = ktapcheck.check("KTAP version 1\n1..1\nok 1 boot\nvmxboot: summary result=FAIL cpus_found=1 "
                              "cpus_online=1 vmx_ready=0 tests=1 passed=1 failed=0 skipped=0 xfail=0\n",
                              expect_result="FAIL")
        self.assertProblem(rep, "summary says result=FAIL but no test failed")


class Failures(Base):
    def test_failed_test_is_a_problem_when_pass_expected(self):
        rep = ktapcheck.check(log("failed_test.log"))
        self.assertProblem(rep, "test failed: vmx/cpu0/vmptrld_bad_address")
        self.assertProblem(rep, "kernel reported FAIL")
        p = next(p for p in rep.problems if p.msg.startswith("test failed"))
        self.assertIn("# expected VMfailInvalid, got VMfailValid error 9", p.details)

    def test_failed_test_is_fine_when_fail_expected(self):
        rep = ktapcheck.check(log("failed_test.log"), expect_result="FAIL")
        self.assertClean(rep)
        self.assertTrue(any("vmptrld_bad_address" in n.msg for n in rep.notes))

    def test_timeout_parent_may_stop_its_subtests_early(self):
        text = inline("""
            KTAP version 1
            1..1
              KTAP version 1
              1..3
              ok 1 a
              not ok 2 b # TIMEOUT cpu2 did not answer in 1000 ms
            not ok 1 smp # TIMEOUT
            vmxboot: summary result=FAIL cpus_found=1 cpus_online=1 vmx_ready=0 tests=2 passed=1 failed=1 skipped=0 xfail=0
            """)
        rep = ktapcheck.check(text, expect_result="FAIL")
        self.assertClean(rep)
        # the same short block under a plain 'not ok' parent is a plan error
        rep = ktapcheck.check(text.replace("not ok 1 smp # TIMEOUT", "not ok 1 smp"), expect_result="FAIL")
        self.assertProblem(rep, "plan 1..3 but 2 results")


class Panic(Base):
    def test_panic_log_fails_when_pass_expected(self):
        rep = ktapcheck.check(log("panic.log"))
        self.assertProblem(rep, "kernel reported FAIL")
        p = next(p for p in rep.problems if p.msg == "kernel reported FAIL")
        self.assertEqual(len(p.details), 1)
        self.assertIn("PANIC: exception #UD", p.details[0])
        self.assertProblem(rep, "before the document ends")
        self.assertEqual(rep.log.panic_lines[0][0], 8)

    def test_panic_log_is_a_good_expected_failure(self):
        rep = ktapcheck.check(log("panic.log"), expect_result="FAIL", expect_lines=[r"#UD"])
        self.assertClean(rep)
        # the subtests printed before the panic still count, under a placeholder parent
        self.assertEqual(rep.counts, dict(tests=2, passed=2, failed=0, skipped=0, xfail=0))
        self.assertTrue(rep.tree.children[0].unfinished)

    def test_failure_inside_a_test_cut_by_the_panic(self):
        text = inline("""
            KTAP version 1
            1..2
              KTAP version 1
              1..3
              ok 1 a
              not ok 2 b
            cpu0: PANIC: unexpected exception #PF
            vmxboot: summary result=FAIL cpus_found=1 cpus_online=1 vmx_ready=0 tests=2 passed=1 failed=1 skipped=0 xfail=0
            """)
        rep = ktapcheck.check(text, expect_result="FAIL")
        self.assertClean(rep)   # the placeholder parent is not blamed for being 'ok' over a failure
        self.assertEqual(rep.counts["failed"], 1)

    def test_expected_line_missing(self):
        rep = ktapcheck.check(log("panic.log"), expect_result="FAIL", expect_lines=[r"#GP"])
        self.assertProblem(rep, "no line of the log matches '#GP'")

    def test_expect_once_holds_for_one_line_and_fails_for_two_or_none(self):
        once = r"smp: start-up waits: INIT 0 us, SIPI 10 us \(GenuineIntel family 0x6"
        body = inline("""
            cpu0: smp: start-up waits: INIT 0 us, SIPI 10 us (GenuineIntel family 0x6: no INIT wait, as Linux on Intel family >= 0x6)
            KTAP version 1
            1..1
            ok 1 boot
            """) + PASS_SUMMARY + "tests=1 passed=1 failed=0 skipped=0 xfail=0\n"
        self.assertClean(ktapcheck.check(body, expect_once=[once]))
        # the line said twice (as the smp table once repeated it): a problem naming both lines
        twice = body.replace("KTAP version 1", body.split("\n")[0] + "\nKTAP version 1", 1)
        rep = ktapcheck.check(twice, expect_once=[once])
        self.assertProblem(rep, "2 lines of the log match", count=1)
        self.assertIn("(lines 1, 2)", rep.problems[0].msg)
        rep = ktapcheck.check(body, expect_once=[r"smp: bring-up"])
        self.assertProblem(rep, "0 lines of the log match 'smp: bring-up', want exactly 1")
        self.assertProblem(ktapcheck.check(body, expect_once=["("]), "bad --expect-once regex")

    def test_malformed_ktap_before_panic_still_fails(self):
        text = log("panic.log").decode().replace("  ok 2 memory_map", "  ok 3 memory_map")
        rep = ktapcheck.check(text, expect_result="FAIL")
        self.assertProblem(rep, "result numbered 3, expected 2")

    def test_expected_fail_but_passed(self):
        rep = ktapcheck.check(log("good_flat.log"), expect_result="FAIL")
        self.assertProblem(rep, "expected result=FAIL (injected fault), the summary says result=PASS")


class Expectations(Base):
    def test_expect_values(self):
        rep = ktapcheck.check(log("good_nested.log"), expect=["cpus_online=4", "cpus_found>=3", "nosuch=1",
                                                               "garbage"])
        self.assertProblem(rep, "expected cpus_online=4, the summary says cpus_online=2")
        self.assertProblem(rep, "expected cpus_found>=3, the summary says cpus_found=2")
        self.assertProblem(rep, "the summary has no key nosuch")
        self.assertProblem(rep, "bad --expect 'garbage'")

    def test_require(self):
        rep = ktapcheck.check(log("skip_xfail.log"), require=["smp/cpu3/ran_own_job", "smp",
                                                               "conformance/vmxon_outside_smx"])
        self.assertProblem(rep, "required test smp/cpu3/ran_own_job not found")
        self.assertProblem(rep, "required test smp is not ok: ok 2 smp # SKIP smp=off")
        self.assertProblem(rep, "required test conformance/vmxon_outside_smx is not ok")

    def test_require_skip(self):
        rep = ktapcheck.check(log("skip_xfail.log"), require_skip=["conformance/cpuid_vendor", "nope"])
        self.assertProblem(rep, "test conformance/cpuid_vendor should be skipped")
        self.assertProblem(rep, "test nope (required to be skipped) not found")


class CapturedLogs(Base):
    """Serial logs captured from the real kernel (QEMU 7.2), kept as they came."""

    def test_ovmf_capture(self):
        data = log("captured_qemu_uefi.log")
        self.assertIn(b"BdsDxe", data)          # firmware and GRUB text with ANSI escapes and \r
        rep = ktapcheck.check(data, expect=["cpus_online=1"], require=["boot/cr0_ne_set"])
        self.assertClean(rep)

    def test_inject_ud2_capture(self):
        data = log("captured_qemu_inject_ud2.log")
        rep = ktapcheck.check(data, expect_result="FAIL", expect_lines=[r"#UD"])
        self.assertClean(rep)
        rep = ktapcheck.check(data)
        self.assertProblem(rep, "kernel reported FAIL")
        panic = next(p for p in rep.problems if p.msg == "kernel reported FAIL")
        self.assertTrue(any("PANIC: unexpected exception #UD" in d for d in panic.details))


class CapturedBriefLogs(Base):
    """report=brief from the real kernel (QEMU 7.2): CPUs folded into cpus_like_cpuN groups is valid KTAP."""

    def test_brief_240_cpus(self):
        rep = ktapcheck.check(log("captured_qemu_q35_smp240_brief.log"),
                              expect=["cpus_online=240", "report=brief"],
                              require=["smp/cpus_like_cpu0/ran_job", "conformance/cpus_like_cpu0/vmptrld_outside_vmx_ud"],
                              require_skip=["vmx/cpus_like_cpu0/vtx_usable"])
        self.assertClean(rep)
        self.assertEqual(rep.tree.find("smp").plan, 3)
        self.assertEqual(rep.tree.find("smp/cpus_like_cpu0").diag, ["# cpus_like_cpu0: 240 CPUs: 0-239"])

    def test_brief_keeps_the_failing_cpu(self):
        rep = ktapcheck.check(log("captured_qemu_brief_nosipi.log"), expect_result="FAIL",
                              expect=["cpus_online=3", "failed=2"], require=["smp/cpus_like_cpu0/ran_job"])
        self.assertClean(rep)
        self.assertEqual(rep.tree.find("smp/cpu2/online").status, "fail")
        self.assertIsNone(rep.tree.find("smp/cpu1"))
        rep = ktapcheck.check(log("captured_qemu_brief_nosipi.log"), expect_result="FAIL",
                              require=["smp/cpu1/ran_job"])
        self.assertProblem(rep, "smp/cpu1/ran_job")


class EmuDriverArgs(unittest.TestCase):
    """The suite table turns into emu.py command lines that emu.py accepts (no emulator is run)."""

    def setUp(self):
        sys.path.insert(0, os.path.join(HERE, "emu"))
        import emu
        import suite
        self.emu, self.suite = emu, suite

    def test_suite_table_is_valid_and_parses(self):
        self.suite.validate(self.suite.TESTS)
        for t in self.suite.TESTS:
            a = self.emu.parse_args(self.suite.emu_args(t))
            self.assertEqual((a.emu, a.cmdline), (t["emu"], t.get("cmdline", "mode=test")))

    def test_qemu_command(self):
        a = self.emu.parse_args(["--emu", "qemu-uefi", "--qemu-smp", "8,sockets=2,cores=4", "--qemu-cpu", "max"])
        cmd = self.emu.qemu_command(a, "x.iso", "x.log")
        line = " ".join(cmd)
        for part in ("-smp 8,sockets=2,cores=4", "-cpu max", "-cdrom x.iso", "-serial file:x.log", "-no-reboot",
                     "-device isa-debug-exit,iobase=0xf4,iosize=0x04", "-monitor none", "-bios " + self.emu.OVMF):
            self.assertIn(part, line)
        self.assertNotIn("kvm", line)

    def test_bochsrc_template(self):
        a = self.emu.parse_args(["--emu", "bochs", "--smp", "4", "--cpu-model", "corei7_icelake_u"])
        with tempfile.TemporaryDirectory() as d:
            cmd, blog = self.emu.bochs_files(a, "/x.iso", "/x.serial.log", os.path.join(d, "t"))
            with open(os.path.join(d, "t.bochsrc")) as f:
                rc = f.read()
            with open(os.path.join(d, "t.bochs-cmds")) as f:
                self.assertEqual(f.read(), "c\n")
        self.assertIn("cpu: model=corei7_icelake_u, count=4,", rc)
        self.assertIn("path=/x.iso,", rc)
        self.assertIn("com1: enabled=1, mode=file, dev=/x.serial.log", rc)
        self.assertIn(f"log: {blog}", rc)
        self.assertNotRegex(rc, r"@[A-Z_]+@")
        self.assertEqual(cmd[:2], ["bochs", "-q"])

    def test_suite_rejects_typos(self):
        with self.assertRaises(SystemExit):
            self.suite.validate([dict(name="x", emu="qemu", expct=["cpus_online=1"])])


class Lines(unittest.TestCase):
    def test_clean_line(self):
        self.assertEqual(ktapcheck.clean_line("\x1b[0m\x1b[37m\x1b[40mKTAP version 1\r"), "KTAP version 1")
        self.assertEqual(ktapcheck.clean_line("Loading...\rok 1 boot"), "ok 1 boot")
        self.assertEqual(ktapcheck.clean_line("\x1b[=3h\x1b(Bok 1 x\x00"), "ok 1 x")


class Cli(unittest.TestCase):
    def run_cli(self, *args):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            rc = ktapcheck.main(list(args))
        return rc, out.getvalue().splitlines()

    def test_ok_line(self):
        path = os.path.join(LOGS, "good_flat.log")
        rc, lines = self.run_cli(path, "--expect", "cpus_online=1", "--require", "memory_map")
        self.assertEqual(rc, 0)
        self.assertEqual(lines[-1], f"ktapcheck: {path} ok (tests=4 passed=3 failed=0 skipped=1 xfail=0 "
                                    "result=PASS cpus_found=1 cpus_online=1 vmx_ready=0)")

    def test_failed_line_counts_problems(self):
        path = os.path.join(LOGS, "keys_out_of_order.log")
        rc, lines = self.run_cli(path, "--quiet")
        self.assertEqual(rc, 1)
        self.assertEqual(lines, [f"ktapcheck: {path}:4: summary: keys out of order: got result cpus_online "
                                 "cpus_found vmx_ready tests passed failed skipped xfail; want result cpus_found "
                                 "cpus_online vmx_ready tests passed failed skipped xfail first",
                                 f"ktapcheck: {path} FAILED: 1 problems"])

    def test_expected_fail(self):
        path = os.path.join(LOGS, "panic.log")
        rc, lines = self.run_cli(path, "--expect-result", "FAIL", "--expect-line", "#UD", "--quiet")
        self.assertEqual(rc, 0)
        self.assertEqual(len(lines), 1)
        self.assertTrue(lines[0].startswith(f"ktapcheck: {path} ok (expected FAIL; tests=2"))

    def test_missing_file(self):
        with tempfile.TemporaryDirectory() as d:
            rc, lines = self.run_cli(os.path.join(d, "nope.log"))
        self.assertEqual(rc, 1)
        self.assertIn("cannot read", lines[0])


if __name__ == "__main__":
    unittest.main()
