#!/usr/bin/env python3
"""suite.py: the emulator tests of vmxboot, and a runner for them.

    python3 tests/emu/suite.py [--list] [--only REGEX] [-j 1|2] [--keep]

Each entry of TESTS is one boot of the real ISO through tests/emu/emu.py.  Keys:
  name           unique; files are build/emu/NAME.*
  emu            qemu (SeaBIOS), qemu-uefi (OVMF) or bochs (the only one with VT-x here)
  smp            number of CPUs (default 1; Bochs at most 15)
  qemu_smp       a full QEMU -smp value instead, e.g. '8,sockets=2,cores=4'
  cpu            Bochs cpu model (default corei7_skylake_x) or QEMU -cpu (default max)
  cmdline        kernel command line (default 'mode=test')
  timeout        seconds for the emulator run (default 90)
  expect_result  PASS (default), FAIL (injected faults) or ANY
  expect         list of summary values that must hold: 'cpus_online=4', 'vmx_ready>=1'
  require        list of test paths that must be ok: 'smp/cpu3/ran_own_job'
  require_skip   list of test paths that must be skipped
  expect_line    list of regexes each matching some line of the serial log
  machine        QEMU -machine value (default 'pc'), e.g. 'pc,pit=off', 'q35,x-oem-id=DELL'
  com1           QEMU -serial value for COM1 (default 'file:{serial}'; 'none' with a UART of the test's own)
  qemu_args      list of extra QEMU argument strings ({serial}, {base}: this test's files)
  no_debug_exit  True: no isa-debug-exit device (the real-hardware way of ending a run)
  expect_exit    list of QEMU exit statuses accepted instead of the isa-debug-exit ones

Prints every test's output, then `emu-tests: N passed, N failed`, and writes
build/emu.count ("passed failed 0").  Exit 1 when any test failed.
"""

import argparse
import os
import re
import shlex
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
EMU = os.path.join(HERE, "emu.py")

def cpu_jobs(n):
    """--require paths: each of CPUs 0..n-1 is online and its on_each_cpu job answered as itself."""
    return [f"smp/cpu{i}/{leaf}" for i in range(n)
            for leaf in ("ran_job", "job_returned_own_apic_id", "own_gs_base_gdt_tss")]


def vmx_ok(n):
    """--require paths: each of CPUs 0..n-1 completed the VT-x lifecycle, ran the guest and the
    conformance suite, and was left out of VMX operation each time."""
    out = []
    for i in range(n):
        out += [f"vmx/cpu{i}/vtx_usable", f"vmx/cpu{i}/caps_sane", f"vmx/cpu{i}/all_rounds_completed",
                f"vmx/cpu{i}/cr0_cr4_restored_out_of_vmx",
                f"guest/cpu{i}/vmlaunch_enters_guest", f"guest/cpu{i}/exits_in_expected_order",
                f"guest/cpu{i}/guest_reaches_done", f"guest/cpu{i}/second_vmlaunch_fails_error_4",
                f"guest/cpu{i}/vmresume_after_vmclear_fails_error_5",
                f"guest/cpu{i}/vmlaunch_after_vmclear_runs_again",
                f"guest/cpu{i}/left_out_of_vmx_with_cr0_cr4_restored",
                f"conformance/cpu{i}/vmxon_wrong_revision_fail_invalid",
                f"conformance/cpu{i}/vmptrld_wrong_revision_error_11",
                f"conformance/cpu{i}/every_readable_field_roundtrips",
                f"conformance/cpu{i}/left_out_of_vmx_with_cr0_cr4_restored"]
    return out + ["vmx/caps_identical_on_all_cpus", "vmx/no_pages_leaked",
                  "guest/no_pages_leaked", "conformance/no_pages_leaked"]


def no_vmx(n, reason):
    """No usable VT-x: every CPU says why, the #UD cases run for real, the run passes."""
    return dict(expect=[f"vmx_ready=0"], expect_line=[reason],
                require_skip=[f"vmx/cpu{i}/vtx_usable" for i in range(n)],
                require=[f"conformance/cpu{i}/{c}" for i in range(n)
                         for c in ("vmxon_with_cr4_vmxe_clear_ud", "vmptrld_outside_vmx_ud", "vmread_outside_vmx_ud")])


def smp_expect(found, online):
    return [f"cpus_found={found}", f"cpus_online={online}"]


TESTS = [
    # -- one CPU, each firmware --
    dict(name="qemu-bios-1cpu", emu="qemu", smp=1, cpu="max", cmdline="mode=test", timeout=60,
         expect=smp_expect(1, 1), require=cpu_jobs(1)),
    dict(name="qemu-uefi-1cpu", emu="qemu-uefi", smp=1, cpu="max", cmdline="mode=test", timeout=90,
         expect=smp_expect(1, 1), require=cpu_jobs(1)),
    dict(name="bochs-skx-1cpu", emu="bochs", smp=1, cpu="corei7_skylake_x", cmdline="mode=test", timeout=180,
         expect=smp_expect(1, 1), require=cpu_jobs(1)),
    # -- injected faults: the kernel must catch them, report and end the run itself --
    dict(name="qemu-inject-ud2", emu="qemu", smp=1, cpu="max", cmdline="mode=test inject=ud2", timeout=60,
         expect_result="FAIL", expect_line=[r"#UD"]),

    # -- SMP bring-up: QEMU TCG (SeaBIOS, xAPIC) --
    dict(name="qemu-smp2", emu="qemu", smp=2, timeout=60, expect=smp_expect(2, 2), require=cpu_jobs(2)),
    dict(name="qemu-smp4", emu="qemu", smp=4, timeout=60, expect=smp_expect(4, 4), require=cpu_jobs(4),
         expect_line=[r"apic: xAPIC mode", r"smp: bring-up \d+ us from the first INIT"]),
    dict(name="qemu-smp8-2sockets", emu="qemu", qemu_smp="8,sockets=2,cores=4", timeout=60,
         expect=smp_expect(8, 8), require=cpu_jobs(8)),
    # two sockets of 3 cores: the second socket starts at APIC ID 4, so the IDs are 0-2 and 4-6
    dict(name="qemu-smp6-sparse-apicid", emu="qemu", qemu_smp="6,sockets=2,cores=3", timeout=60,
         expect=smp_expect(6, 6), require=cpu_jobs(6),
         expect_line=[rf"smp:\s+{i}\s+{a}\s+online\s+\d+ \(SIPI at" for i, a in ((3, 4), (4, 5), (5, 6))]),
    # -- SMP under OVMF: no legacy RSDP, XSDT (slow firmware: keep it to one config) --
    dict(name="qemu-uefi-smp4", emu="qemu-uefi", smp=4, timeout=90, expect=smp_expect(4, 4),
         require=cpu_jobs(4)),
    # -- SMP in Bochs: x2APIC on Intel models, and up to 15 CPUs (count=16 crashes Bochs 2.7) --
    dict(name="bochs-skx-smp4-x2apic", emu="bochs", smp=4, cpu="corei7_skylake_x", timeout=180,
         expect=smp_expect(4, 4), require=cpu_jobs(4), expect_line=[r"apic: x2APIC mode"]),
    dict(name="bochs-skx-smp4-xapic", emu="bochs", smp=4, cpu="corei7_skylake_x", cmdline="mode=test apic=xapic",
         timeout=180, expect=smp_expect(4, 4), require=cpu_jobs(4), expect_line=[r"apic: xAPIC mode"]),
    dict(name="bochs-skx-smp15", emu="bochs", smp=15, cpu="corei7_skylake_x", timeout=240,
         expect=smp_expect(15, 15), require=cpu_jobs(15)),
    # -- command-line options: fewer CPUs on purpose, a CPU that never gets its SIPI, a bad value --
    dict(name="qemu-smp4-smp-off", emu="qemu", smp=4, cmdline="mode=test smp=off", timeout=60,
         expect=smp_expect(4, 1), require=cpu_jobs(1), expect_line=[r"smp: 4 CPUs listed, starting 1 \(smp=off\)"]),
    dict(name="qemu-smp4-cpus2", emu="qemu", smp=4, cmdline="mode=test cpus=2", timeout=60,
         expect=smp_expect(4, 2), require=cpu_jobs(2), expect_line=[r"smp: 4 CPUs listed, starting 2 \(cpus=N\)"]),
    dict(name="qemu-smp4-nosipi", emu="qemu", smp=4, cmdline="mode=test smp.nosipi=2", timeout=60,
         expect_result="FAIL", expect=smp_expect(4, 3),
         require=[p for p in cpu_jobs(4) if not p.startswith("smp/cpu2/")],
         expect_line=[r"APIC ID 2 .*did not start", r"^  not ok \d+ all_started_cpus_online"]),
    # a bad value: the kernel boots on its defaults, names the option, and boot/cmdline_valid fails the run
    dict(name="qemu-cmdline-bad-cpus", emu="qemu", smp=2, cmdline="mode=test cpus=abc", timeout=60,
         expect_result="FAIL", expect=smp_expect(2, 2), require=cpu_jobs(2),
         expect_line=[r"cmdline: cpus: .*abc", r"^not ok \d+ boot$", r"^  not ok \d+ cmdline_valid$"]),

    # -- VT-x (Bochs is the only emulator with VMX here) --
    dict(name="bochs-skx-vmx1", emu="bochs", smp=1, cpu="corei7_skylake_x", timeout=180,
         expect=smp_expect(1, 1) + ["vmx_ready=1"], require=vmx_ok(1)),
    dict(name="bochs-skx-vmx2", emu="bochs", smp=2, cpu="corei7_skylake_x", timeout=180,
         expect=smp_expect(2, 2) + ["vmx_ready=2"], require=vmx_ok(2)),
    dict(name="bochs-skx-vmx4", emu="bochs", smp=4, cpu="corei7_skylake_x", timeout=180,
         expect=smp_expect(4, 4) + ["vmx_ready=4"], require=vmx_ok(4),
         expect_line=[r"vmx: +3 +3 +0x5 .*VMXON -> VMCS lifecycle -> VMXOFF ok",
                      r"guest: cpu3: VMLAUNCH -> \d+ exits .* -> done -> VMCLEAR -> VMXOFF"]),
    dict(name="bochs-icx-vmx1", emu="bochs", smp=1, cpu="corei7_icelake_u", timeout=180,
         expect=smp_expect(1, 1) + ["vmx_ready=1"], require=vmx_ok(1)),
    dict(name="bochs-icx-vmx4", emu="bochs", smp=4, cpu="corei7_icelake_u", timeout=180,
         expect=smp_expect(4, 4) + ["vmx_ready=4"], require=vmx_ok(4)),
    dict(name="bochs-ryzen-novmx", emu="bochs", smp=2, cpu="ryzen", timeout=180,
         **no_vmx(2, r"AMD CPU: this machine has AMD-V \(SVM\), not VT-x")),
    dict(name="qemu-max-novmx", emu="qemu", smp=2, cpu="max", timeout=60,
         **no_vmx(2, r"AMD CPU: this machine has AMD-V \(SVM\), not VT-x")),
    dict(name="qemu-skylake-client-novmx", emu="qemu", smp=2, cpu="Skylake-Client", timeout=60,
         **no_vmx(2, r"running under a hypervisor that does not expose VT-x")),
    dict(name="bochs-vmx-off", emu="bochs", smp=1, cmdline="mode=test vmx=off", timeout=180,
         expect=["vmx_ready=0"], require_skip=["vmx", "guest", "conformance"]),
    dict(name="bochs-vmx-cpus-rounds", emu="bochs", smp=2, cmdline="mode=test vmx.cpus=1 vmx.rounds=5 vmx.guest=off",
         timeout=180, expect=["vmx_ready=1"], require=["vmx/cpu1/all_rounds_completed"],
         require_skip=["guest"], expect_line=[r"vmx: +1 .*\(5/5 rounds"]),
    dict(name="bochs-vmx-exits0", emu="bochs", smp=1, cmdline="mode=test vmx.exits=0", timeout=180,
         expect=["vmx_ready=1"], require=["guest/cpu0/guest_reaches_done", "guest/cpu0/exits_in_expected_order"]),
    # one broken VMCS field each: VM entry fails, the diagnosis names the field, the CPU ends clean
    *[dict(name=f"bochs-break-{b}", emu="bochs", smp=1, cmdline=f"mode=test vmx.break={b} vmx.rounds=1",
           timeout=180, require=(["guest/cpu0/vm_entry_fails_with_broken_field"] if b != "guest_rip" else [])
                                + ["guest/cpu0/entry_failure_diagnosis_names_field",
                                 "guest/cpu0/left_out_of_vmx_with_cr0_cr4_restored"],
           expect_line=[rf"likely cause: {field} ="])
      for b, field in (("guest_cr0", "guest_cr0"), ("guest_rip", "guest_rip"), ("host_rip", "host_rip"),
                       ("control", "primary_proc_based_controls"), ("link_pointer", "vmcs_link_pointer"))],
    # framebuffer console and paging_map_phys (the screen itself: tests/emu/screen_test.py)
    dict(name="qemu-uefi-fbcon-5g", emu="qemu-uefi", smp=2, qemu_args=["-m 5G -vga std"], timeout=180,
         require=["boot/map_phys_above_4g_2m_wb", "boot/map_phys_above_4g_4k_wc",
                  "boot/map_phys_past_address_width_refused", "boot/pat_entry4_write_combining"],
         expect_line=[r"fbcon: 1280x800, 32 bpp \(red 16:8 green 8:8 blue 0:8\), pitch 5120, at 0x[0-9a-f]+, "
                      r"write-combining \(PAT\); 160x50 text cells"]),
    dict(name="qemu-bios-5g-ega-text", emu="qemu", smp=1, qemu_args=["-m 5G"], timeout=120,
         require=["boot/map_phys_above_4g_2m_wb", "boot/map_phys_above_4g_4k_wc"]),
]

KEYS = {"name", "emu", "smp", "qemu_smp", "cpu", "cmdline", "timeout", "expect_result", "expect", "require",
        "require_skip", "expect_line", "machine", "com1", "qemu_args", "no_debug_exit", "expect_exit"}
LIST_KEYS = ("expect", "require", "require_skip", "expect_line")


def validate(tests):
    names = set()
    for t in tests:
        bad = set(t) - KEYS
        if bad:
            raise SystemExit(f"suite: test {t.get('name')!r} has unknown keys {sorted(bad)}")
        if "name" not in t or "emu" not in t:
            raise SystemExit(f"suite: every test needs a name and an emu: {t}")
        if not re.match(r"^[A-Za-z0-9_.-]+$", t["name"]):
            raise SystemExit(f"suite: bad test name {t['name']!r}")
        if t["name"] in names:
            raise SystemExit(f"suite: two tests named {t['name']!r}")
        names.add(t["name"])
        if t["emu"] not in ("qemu", "qemu-uefi", "bochs"):
            raise SystemExit(f"suite: test {t['name']!r}: unknown emu {t['emu']!r}")
        for k in LIST_KEYS:
            if isinstance(t.get(k), str):
                raise SystemExit(f"suite: test {t['name']!r}: {k} must be a list")


def emu_args(t, keep=False):
    """The emu.py argument list for one test."""
    a = ["--emu", t["emu"], "--name", t["name"], "--cmdline", t.get("cmdline", "mode=test"),
         "--timeout", str(t.get("timeout", 90)), "--expect-result", t.get("expect_result", "PASS")]
    if "qemu_smp" in t:
        a += ["--qemu-smp", t["qemu_smp"]]
    else:
        a += ["--smp", str(t.get("smp", 1))]
    if "cpu" in t:
        a += ["--cpu-model" if t["emu"] == "bochs" else "--qemu-cpu", t["cpu"]]
    for k in LIST_KEYS:
        for v in t.get(k, []):
            a += ["--" + k.replace("_", "-"), v]
    for k in ("machine", "com1"):
        if k in t:
            a += ["--" + k, t[k]]
    for v in t.get("qemu_args", []):
        a += ["--qemu-arg", v]
    for v in t.get("expect_exit", []):
        a += ["--expect-exit", str(v)]
    if t.get("no_debug_exit"):
        a.append("--no-debug-exit")
    if keep:
        a.append("--keep")
    return a


def run_one(t, keep):
    t0 = time.monotonic()
    p = subprocess.run([sys.executable, EMU] + emu_args(t, keep), cwd=ROOT, stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    return t, p.returncode, p.stdout.decode("utf-8", errors="replace"), time.monotonic() - t0


def build_kernel():
    """Builds the ELF once, so that parallel `make iso` runs do not race to build it."""
    p = subprocess.run(["make", "-s"], cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT)
    if p.returncode != 0:
        print(p.stdout.decode("utf-8", errors="replace").rstrip())
        print(f"suite: make failed (exit status {p.returncode})")
    return p.returncode == 0


def write_count(passed, failed):
    os.makedirs(os.path.join(ROOT, "build"), exist_ok=True)
    with open(os.path.join(ROOT, "build", "emu.count"), "w") as f:
        f.write(f"{passed} {failed} 0\n")


def main(argv=None):
    ap = argparse.ArgumentParser(description="Run vmxboot's emulator tests.")
    ap.add_argument("--list", action="store_true", help="list the tests and their emu.py command lines")
    ap.add_argument("--only", metavar="REGEX", help="run only the tests whose name matches REGEX (re.search)")
    ap.add_argument("-j", "--jobs", type=int, default=1, choices=[1, 2],
                    help="tests run at once (default 1: wall times are figures we report)")
    ap.add_argument("--keep", action="store_true", help="pass --keep to emu.py (keep ISOs and outputs)")
    a = ap.parse_args(argv)
    validate(TESTS)
    tests = [t for t in TESTS if not a.only or re.search(a.only, t["name"])]
    if a.list:
        for t in tests:
            print(f"{t['name']:24} python3 tests/emu/emu.py {shlex.join(emu_args(t))}")
        return 0
    if not tests:
        print(f"suite: no test matches {a.only!r}")
        print("emu-tests: 0 passed, 0 failed")
        write_count(0, 0)
        return 1
    if not build_kernel():
        print(f"emu-tests: 0 passed, {len(tests)} failed")
        write_count(0, len(tests))
        return 1
    passed, failed = [], []
    t0 = time.monotonic()
    with ThreadPoolExecutor(max_workers=a.jobs) as pool:
        for t, rc, out, secs in pool.map(lambda t: run_one(t, a.keep), tests):
            print(f"==== {t['name']} ({secs:.1f} s)")
            print(out.rstrip(), flush=True)
            (passed if rc == 0 else failed).append(t["name"])
    print(f"suite: {len(tests)} tests in {time.monotonic() - t0:.1f} s"
          + (f"; failed: {' '.join(failed)}" if failed else ""))
    print(f"emu-tests: {len(passed)} passed, {len(failed)} failed")
    write_count(len(passed), len(failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
