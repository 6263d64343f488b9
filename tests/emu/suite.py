#!/usr/bin/env python3
"""suite.py: the emulator tests of vmxboot, and a runner for them.

    python3 tests/emu/suite.py [--list] [--only REGEX] [-j 1|2] [--keep]

make test (tests/run-all.sh) runs two boots at a time (-j 4 under its two shared job slots,
EMU_JOBS= to change) and the
runner prints the ten slowest tests at the end.

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
  same_log       list of other serial logs ({base}) that must hold the same kernel lines
  stuck_fifo     list of FIFO paths ({base}) for '-chardev pipe' UARTs that stop draining after 4 KiB
  iso_drive      'virtio-mmio': the ISO as a virtio-mmio disk instead of a CD-ROM (QEMU microvm)
  megs           guest memory in MiB (default 256)
  group          a name: runs of the same group hold their job slots one at a time (emu.py --slot-group)
  light          True: a light slot (emu.py --light) for a run that is idle most of its time
  estimate       seconds the run is expected to hold its slot (default: estimate() from the emulator
                 and CPU count); longer ones get a free slot first

Prints every test's output, then `emu-tests: N passed, N failed`, and writes
build/emu.count ("passed failed 0").  Exit 1 when any test failed.
"""

import argparse
import os
import re
import shlex
import shutil
import subprocess
import sys
import time
import spcr
import slots
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


VIRT_CHECKS = ["virtualized", "cpuid_signature", "cpuid_vmx_hidden", "vmx_instruction_in_guest_ud",
               "feature_control_shows_vmx_locked_off", "vmx_msr_read_gp", "ept_violation_on_vmm_page_gp",
               "interrupts_still_delivered", "exits_counted", "devirtualized"]


def conf_table(i):
    """--require paths: CPU i ran the VM-entry case table, one case of each category passing."""
    return [f"conformance/cpu{i}/{c}" for c in (
        "entry_good_vmcs_enters_guest", "entry_good_vmcs_enters_guest_after_cases",
        "entry_ctl_pin_bit_7_set_error_7", "entry_ctl_exit_bit_0_clear_error_7",
        "entry_ctl_vpid_zero_error_7", "entry_ctl_inject_nmi_vector_3_error_7",
        "entry_host_cr4_vmxe_clear_error_8", "entry_host_tr_selector_zero_error_8", "entry_host_ss_selector_zero_accepted",
        "entry_guest_tr_unusable_exit_33", "entry_guest_link_ptr_current_vmcs_exit_33_qual_4",
        "entry_guest_link_ptr_other_vmcs_accepted", "entry_msr_load_x2apic_msr_second_exit_34_qual_2")]


def smp_expect(found, online):
    return [f"cpus_found={found}", f"cpus_online={online}"]


def ap_start_line(entered, parked=None):
    """The trampoline entry stamps' line (arch/x86_64/smp_stamps.c): APs with a stamp, and of those parked."""
    return (r"^cpu0: smp: AP start: SIPI to the AP's first trampoline instruction median \d+ us \(\d+-\d+ us, "
            rf"{entered} APs?\), from there to parked median \d+ us \(\d+-\d+ us, {entered if parked is None else parked} "
            r"APs?\)$")


def exit_case_names():
    """The exit_ rows of vmx/conf_exit_cases.c, read from the source so the list cannot drift."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "vmx", "conf_exit_cases.c")
    with open(path) as f:
        src = f.read()
    return re.findall(r'"(exit_[a-z0-9_]+)"', src)


TESTS = [
    # -- one CPU, each firmware --
    dict(name="qemu-bios-1cpu", emu="qemu", smp=1, cpu="max", cmdline="mode=test", timeout=60,
         expect=smp_expect(1, 1), require=cpu_jobs(1)),
    dict(name="qemu-uefi-1cpu", emu="qemu-uefi", smp=1, cpu="max", cmdline="mode=test", timeout=90,
         expect=smp_expect(1, 1), require=cpu_jobs(1),
         expect_line=[r"^cpu0: console: COM1 0x3f8, framebuffer \d+x\d+x32 at 0x[0-9a-f]+, PS/2 keyboard$"]),
    dict(name="bochs-skx-1cpu", emu="bochs", smp=1, cpu="corei7_skylake_x", cmdline="mode=test", timeout=180,
         expect=smp_expect(1, 1), require=cpu_jobs(1)),
    # -- injected faults: the kernel must catch them, report and end the run itself --
    dict(name="qemu-inject-ud2", emu="qemu", smp=1, cpu="max", cmdline="mode=test inject=ud2", timeout=60,
         expect_result="FAIL", expect_line=[r"#UD"]),

    # -- SMP bring-up: QEMU TCG (SeaBIOS, xAPIC) --
    dict(name="qemu-smp2", emu="qemu", smp=2, timeout=60, expect=smp_expect(2, 2), require=cpu_jobs(2)),
    dict(name="qemu-smp4", emu="qemu", smp=4, timeout=60, expect=smp_expect(4, 4), require=cpu_jobs(4),
         expect_line=[r"apic: xAPIC mode", r"smp: bring-up \d+ us from the first INIT",
                      r"smp: bring-up \d+ us .*second SIPIs\), \d+ us per AP$",
                      r"smp: start-up waits: INIT 0 us, SIPI 10 us \(AuthenticAMD family 0xf: no INIT wait",
                      ap_start_line(3)],
         expect_once=[r"smp: start-up waits", r"^cpu0: smp: +1-3 +1-3 +online +\d+(-\d+)? \(3 CPUs\)$"]),
    dict(name="qemu-smp8-2sockets", emu="qemu", qemu_smp="8,sockets=2,cores=4", timeout=60,
         expect=smp_expect(8, 8), require=cpu_jobs(8)),
    # two sockets of 3 cores: the second socket starts at APIC ID 4, so the IDs are 0-2 and 4-6
    dict(name="qemu-smp6-sparse-apicid", emu="qemu", qemu_smp="6,sockets=2,cores=3", timeout=60,
         expect=smp_expect(6, 6), require=cpu_jobs(6),
         expect_line=[r"^cpu0: smp: +1-5 +1-2, 4-6 +online +\d+(-\d+)? \(5 CPUs\)$"] +   # CPUs 3-5 are APIC IDs 4-6
                     [rf"^cpu0: smp: per AP \(us after the first INIT: arrived/SIPI sent\): .*\b{i} \d+/\d+" for i in (3, 4, 5)]),
    # -- SMP under OVMF: no legacy RSDP, XSDT (slow firmware: keep it to one config) --
    dict(name="qemu-uefi-smp4", emu="qemu-uefi", smp=4, timeout=90, expect=smp_expect(4, 4),
         require=cpu_jobs(4)),
    # -- SMP in Bochs: x2APIC on Intel models, and up to 15 CPUs (count=16 crashes Bochs 2.7) --
    dict(name="bochs-skx-smp4-x2apic", emu="bochs", smp=4, cpu="corei7_skylake_x", timeout=180,
         expect=smp_expect(4, 4), require=cpu_jobs(4), expect_line=[r"apic: x2APIC mode",
         r"smp: start-up waits: INIT 0 us, SIPI 10 us \(GenuineIntel family 0x6: no INIT wait",
         ap_start_line(3)],
         expect_once=[r"smp: start-up waits"]),
    dict(name="bochs-skx-smp4-xapic", emu="bochs", smp=4, cpu="corei7_skylake_x", cmdline="mode=test apic=xapic",
         timeout=180, expect=smp_expect(4, 4), require=cpu_jobs(4), expect_line=[r"apic: xAPIC mode"]),
    # 15 CPUs in the brief form: the full form's 363 KB are 31 s of emulated UART time, and Bochs pays
    # every emulated second on all 15 CPUs (60 s of make test's slot time); the folded group still
    # says that every CPU had the same results, and the full form is checked on 4 CPUs
    dict(name="bochs-skx-smp15", emu="bochs", smp=15, cpu="corei7_skylake_x", cmdline="mode=test report=brief",
         timeout=480, expect=smp_expect(15, 15) + ["vmx_ready=15", "report=brief"],
         require=["smp/cpus_like_cpu0/ran_job", "smp/cpus_like_cpu0/job_returned_own_apic_id",
                  "vmx/cpus_like_cpu0/all_rounds_completed", "guest/cpus_like_cpu0/guest_reaches_done",
                  "conformance/cpus_like_cpu0/every_readable_field_roundtrips", "vmx/caps_identical_on_all_cpus",
                  "vmx/no_pages_leaked", "conformance/no_pages_leaked"],
         expect_line=[r"^  # cpus_like_cpu0: 15 CPUs: 0-14$", r"^cpu0: smp: +1-14 +1-14 +online +\d+-\d+ \(14 CPUs\)$",
                      r"^cpu0: vmx: +0-14 +0-14 +FEATURE_CONTROL 0x5  VMXON -> VMCS lifecycle -> VMXOFF ok \(3/3 rounds\)"]),
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
         expect_line=[r"^cpu0: vmx: caps: all 4 CPUs identical$",
                      r"^cpu0: vmx: caps: raw 0-3: IA32_VMX_BASIC 0x480 = 0x00d810000000002b$",
                      r"^cpu0: vmx: caps: raw 0-3: IA32_VMX_TRUE_PROCBASED_CTLS 0x48e = 0xf7f9fffe04006172$",
                      # CPU 3 inside the folded rows, its own pages and time on the per-CPU line
                      r"^cpu0: vmx: +0-3 +0-3 +FEATURE_CONTROL 0x5  VMXON -> VMCS lifecycle -> VMXOFF ok \(3/3 rounds\) "
                      r"\(\d+(-\d+)? us\)$",
                      r"^cpu0: vmx: per CPU \(VMXON region, VMCS, lifecycle time\): .*\b3 0x[0-9a-f]+ 0x[0-9a-f]+ \d+ us$",
                      r"^cpu0: guest: cpus 0-3: VMLAUNCH -> \d+ exits .* -> done -> VMCLEAR -> VMXOFF$",
                      r"^cpu0: guest: cpus 0-3: round trip in TSC cycles over 100 runs: CPUID exit min \d+ median \d+, "
                      r"VMCALL exit min \d+ median \d+, native CPUID min \d+ median \d+$"],
         expect_once=[r"VMRESUME after VMXOFF/VMXON without VMCLEAR",
                      r"^cpu0: conformance: cpus 0-3: VMRESUME after VMXOFF/VMXON without VMCLEAR: entered the guest",
                      r"^cpu0: conformance: cpus 0-3: the VM-entry case table took \d+(-\d+)? us",
                      r"smp: start-up waits", r"^cpu0: vmx: +0-3 ", r"guest: .*VMLAUNCH"]),
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
    # every capability by SDM name: the states that tell Skylake-X and Icelake apart (FACTS.md MSR values)
    dict(name="bochs-skx-caps-full", emu="bochs", smp=1, cpu="corei7_skylake_x",
         cmdline="mode=test vmx.caps=full vmx.guest=off", timeout=180, expect=["vmx_ready=1"],
         expect_line=[r"^cpu0: vmx: caps: primary processor-based VM-execution controls \(IA32_VMX_PROCBASED_CTLS 0x482 "
                      r"0xf7f9fffe0401e172, TRUE 0x48e 0xf7f9fffe04006172\):$",
                      r"^cpu0: vmx: caps:   Monitor trap flag: no$", r"^cpu0: vmx: caps:   CR3-load exiting: default$",
                      r"^cpu0: vmx: caps:   Unrestricted guest: yes$", r"^cpu0: vmx: caps:   Process posted interrupts: no$",
                      r"^cpu0: vmx: caps: tertiary processor-based VM-execution controls .*: not present$",
                      r"^cpu0: vmx: caps:   VMCS revision identifier: 43$",
                      r"^cpu0: vmx: machine: identity: GenuineIntel family 0x6 model 0x55 stepping \d+, \"Intel\(R\) Core",
                      r"^cpu0: vmx: machine: IA32_FEATURE_CONTROL 0x5: lock yes, VMXON in SMX no, VMXON outside SMX yes",
                      r"^cpu0: vmx: machine: VMXON region 0x[0-9a-f]+: MTRR WB, PAT entry 0 WB: write-back"]),
    dict(name="bochs-icx-caps-full", emu="bochs", smp=1, cpu="corei7_icelake_u",
         cmdline="mode=test vmx.caps=full vmx.guest=off", timeout=180, expect=["vmx_ready=1"],
         expect_line=[r"^cpu0: vmx: caps:   Monitor trap flag: yes$",
                      r"^cpu0: vmx: caps:   Sub-page write permissions for EPT: yes$",
                      r"^cpu0: vmx: caps:   CR4\.PKE: yes$", r"^cpu0: vmx: caps:   VMCS revision identifier: 4$"]),
    # one broken VMCS field each: VM entry fails, the diagnosis names the field, the CPU ends clean
    *[dict(name=f"bochs-break-{b}", emu="bochs", smp=1, cmdline=f"mode=test vmx.break={b} vmx.rounds=1",
           timeout=180, require=(["guest/cpu0/vm_entry_fails_with_broken_field"] if b != "guest_rip" else [])
                                + ["guest/cpu0/entry_failure_diagnosis_names_field",
                                 "guest/cpu0/left_out_of_vmx_with_cr0_cr4_restored"],
           expect_line=[rf"likely cause: {field} ="])
      for b, field in (("guest_cr0", "guest_cr0"), ("guest_rip", "guest_rip"), ("host_rip", "host_rip"),
                       ("control", "primary_proc_based_controls"), ("link_pointer", "vmcs_link_pointer"))],
    # -- every UART the machine describes (issue 10): with no COM1, the whole log (first line to
    #    summary) arrives on the one port there is; COM1 + COM2 both get all of it --
    *[dict(name=f"qemu-uart-{n}", emu="qemu", smp=1, com1="none", timeout=90,
           qemu_args=["-chardev file,id=u,path={serial} " + dev] + extra,
           expect_line=[r"^cpu0: vmxboot \d", rf"^cpu0: console: {console}, VGA text, PS/2 keyboard$"] + lines)
      for n, dev, extra, console, lines in (
          ("com2-spcr", "-device isa-serial,chardev=u,iobase=0x2f8,irq=3",
           ["-acpitable sig=SPCR,rev=2,data=" + spcr.write(os.path.join(ROOT, "build/emu/spcr-com2.bin"), address=0x2f8)],
           r"COM2 0x2f8 \(SPCR\)",
           [r"serial log on COM2 115200 8N1", r"serial: SPCR rev 2 type 0x00 I/O 0x2f8: 115200 baud"]),
          # a port the loopback probe never looks at: only the SPCR names it, so it gets the replay
          ("spcr-only", "-device isa-serial,chardev=u,iobase=0x2e0,irq=4",
           ["-acpitable sig=SPCR,rev=2,data=" + spcr.write(os.path.join(ROOT, "build/emu/spcr-2e0.bin"), address=0x2e0, baud_code=0)],
           r"I/O 0x2e0 \(SPCR\)",
           [r"serial log on no legacy COM port", r"SPCR rev 2 type 0x00 I/O 0x2e0: baud as configured",
            r"SPCR rev 2 type 0x00 I/O 0x2e0: attached; [1-9]\d* bytes of earlier log replayed"]),
          ("com2", "-device isa-serial,chardev=u,iobase=0x2f8,irq=3", [], r"COM2 0x2f8",
           [r"serial: no valid ACPI SPCR table"]),
          ("pci", "-device pci-serial,chardev=u", [], r"I/O 0x[0-9a-f]+ \(PCI 00:[0-9a-f]{2}\.0\)",
           [r"serial: PCI 00:[0-9a-f]{2}\.0 \[1b36:0002\] 16550 BAR0 I/O 0x[0-9a-f]+: attached; [1-9]\d* bytes",
            r"serial: PCI: \d+ functions, 1 of them 16550 UARTs \(class 07h/00h prog-if 02h\); scan of buses 0-255 took \d+ us"]))],
    dict(name="qemu-uart-com1-com2", emu="qemu", smp=2, timeout=90,
         qemu_args=["-chardev file,id=c2,path={base}.com2.log -device isa-serial,chardev=c2,iobase=0x2f8,irq=3"],
         expect_line=[r"^cpu0: console: COM1 0x3f8, COM2 0x2f8, VGA text, PS/2 keyboard$"], same_log=["{base}.com2.log"]),
    # SPCR tables this kernel must name and not use; COM1 carries the run
    dict(name="qemu-uart-spcr-not-16550", emu="qemu", smp=1, timeout=90,
         qemu_args=["-acpitable sig=SPCR,rev=2,data=" + spcr.write(os.path.join(ROOT, "build/emu/spcr-pl011.bin"),
                                                                   space=0, address=0x9000000, access_size=3, iface=0x03)],
         expect_line=[r"^cpu0: serial: SPCR rev 2 type 0x03 MMIO 0x9000000: not used: its interface type is not a "
                      r"16550 \(0x00, 0x01 or 0x12\)", r"^cpu0: console: COM1 0x3f8, VGA text, PS/2 keyboard$"]),
    dict(name="qemu-uart-spcr-mmio-high", emu="qemu", smp=1, timeout=90,
         qemu_args=["-acpitable sig=SPCR,rev=2,data=" + spcr.write(os.path.join(ROOT, "build/emu/spcr-high.bin"),
                                                                   space=0, address=0x100000000, access_size=3,
                                                                   iface=0x12)],
         expect_line=[r"^cpu0: serial: SPCR rev 2 type 0x12 MMIO 0x100000000: 115200 baud \(divisor 1\), 4-byte "
                      r"registers every 4 bytes$",
                      # mapped on demand above 4 GiB; nothing answers there, so the port is dropped, bounded
                      r"^cpu0: serial: SPCR rev 2 type 0x12 MMIO 0x100000000: it stopped draining during the "
                      r"replay: dropped$",
                      r"^cpu0: console: COM1 0x3f8, MMIO 0x100000000 \(SPCR\) \(dropped: stopped draining\), "
                      r"VGA text, PS/2 keyboard$"]),
    # COM2 stops draining once its 4 KiB pipe is full: dropped after 8 bounded waits, the run goes on
    dict(name="qemu-uart-com2-stuck", emu="qemu", smp=4, timeout=90, stuck_fifo=["{base}.stuck"],
         qemu_args=["-chardev pipe,id=d,path={base}.stuck -device isa-serial,chardev=d,iobase=0x2f8,irq=3"],
         expect_line=[r"^cpu0: console: COM1 0x3f8, COM2 0x2f8, VGA text, PS/2 keyboard$",
                      r"^cpu0: serial: COM2 0x2f8 stopped draining after \d+ bytes \(8 waits of 10000 us in a "
                      r"row gave up, LSR 0x[0-9a-f]+, \d+ us lost\): no more output to it$"]),
    # -- interrupts, NMIs and machine checks (arch/x86_64/irq.c; the console's NMI/#MC session is
    #    tests/emu/console_test.py qemu-nmi) --
    # SeaBIOS leaves the 8259 at base 0x08 with IRQ0 open and LINT0 ExtINT: after the remap the boot
    # CPU takes interrupts for 10 ms and must see none (no timer dressed up as a #DF)
    dict(name="qemu-irq-sti-after-remap", emu="qemu", smp=1, timeout=90,
         expect=["nmis=0", "unexpected_irqs=0"],
         require=["boot/pic_8259_masked", "boot/unhandled_vector_acknowledged_and_counted",
                  "boot/lint_pins_as_planned_on_every_cpu", "boot/cr4_mce_set_on_every_cpu"],
         require_skip=["boot/nmi_ipi_survived_by_every_other_cpu"],
         expect_line=[r"^cpu0: irq: 8259 remapped to vectors 0x20/0x28, every line masked \(masks read back 0xffff\)",
                      r"^cpu0: irq: interrupts enabled on the boot CPU for 10 ms after the 8259 remap: "
                      r"0 unexpected interrupt\(s\)$",
                      r"^cpu0: irq: cpu0 \(ACPI UID 0\): LINT0 masked ExtINT, .*\(masked: firmware left ExtINT",
                      r"LINT1 NMI, edge, active high \(LVT 0x400\) \(from the MADT NMI entry\)$"]),
    # NMIs in the middle of a mode=test run: each CPU says so, the run passes and counts them
    dict(name="qemu-smp2-inject-nmi", emu="qemu", smp=2, cmdline="mode=test inject=nmi", timeout=90,
         expect=smp_expect(2, 2) + ["nmis=2"], require=["boot/nmi_ipi_survived_by_every_other_cpu"],
         expect_line=[r"^cpu\d+: NMI received on CPU 0 \(APIC ID 0\) at RIP 0x[0-9a-f]+: 1 on this CPU so far; carrying on$",
                      r"^cpu\d+: NMI received on CPU 1 \(APIC ID 1\) at RIP 0x[0-9a-f]+: 1 on this CPU so far; carrying on$",
                      r"^cpu0: inject: 2 of 2 CPUs reported the NMI within 200 ms$",
                      r"^cpu0: irq: 2 NMI\(s\) during this run \(cpu0 1, cpu1 1\): reported and survived, not a failure$"]),
    # the same in Bochs, x2APIC, after the VT-x stages (NMI exiting was on in the guests)
    dict(name="bochs-skx-smp2-inject-nmi", emu="bochs", smp=2, cpu="corei7_skylake_x",
         cmdline="mode=test inject=nmi vmx.exits=10", timeout=300,
         expect=smp_expect(2, 2) + ["nmis=2", "vmx_ready=2"], require=["boot/nmi_ipi_survived_by_every_other_cpu"],
         expect_line=[r"^cpu0: inject: 2 of 2 CPUs reported the NMI within 200 ms$",
                      r"^cpu0: irq: 2 NMI\(s\) during this run \(cpu0 1, cpu1 1\)"]),
    # a vector with no handler, twice: acknowledged (no longer in service), one report line, counted twice
    dict(name="qemu-inject-irq", emu="qemu", smp=1, cmdline="mode=test inject=irq", timeout=90,
         expect=["unexpected_irqs=2", "nmis=0"],
         expect_line=[r"^cpu0: irq: unexpected interrupt vector 0x42 \(no handler for this vector\) on CPU 0 "
                      r"at RIP 0x[0-9a-f]+: local APIC EOI; carrying on",
                      r"^cpu0: inject: 2 unexpected interrupt\(s\) counted, vector 0x42 no longer in service$"]),

    # -- timers: Bochs Icelake's CPUID 0x15 claims 1497.6 MHz while its TSC runs at ips (5 MHz, tests/emu/bochsrc.in):
    #    the HPET wins and the line says so; every counter is measured (pit=off runs: timer_test.py)
    dict(name="bochs-icx-timer-cpuid15-overruled", emu="bochs", smp=1, cpu="corei7_icelake_u", timeout=300,
         expect=smp_expect(1, 1),
         expect_line=[r"timer: TSC (49|50)\d\d kHz, calibrated against the HPET; CPUID 0x15 claims \d+ kHz, "
                      r"\d+\.\d% off: the HPET wins$",
                      r"timer: sources: HPET \d+ kHz \(\d+/\d+ runs.*, ACPI PM timer \d+ kHz .*, PIT \d+ kHz "]),

    # -- ending a run everywhere (issue 11): QEMU without any ACPI table is still QEMU (fw_cfg), and
    #    QEMU with another ACPI OEM ID is real hardware: ACPI mode through SMI_CMD, then S5 by the book --
    dict(name="qemu-acpi-off", emu="qemu", smp=2, machine="pc,acpi=off", timeout=90,
         expect=smp_expect(1, 1), require=cpu_jobs(1),
         expect_line=[r"acpi: no valid RSDP", r"platform: QEMU \(no ACPI tables: recognised by fw_cfg\)"]),
    dict(name="qemu-oem-dell-s5", emu="qemu", smp=2, machine="pc,x-oem-id=DELL", no_debug_exit=True,
         expect_exit=[0], timeout=90, expect=smp_expect(2, 2), require=cpu_jobs(2),
         expect_line=[r"acpi: RSDP rev 0 OEM 'DELL\?\?'", r"platform: hardware",
                      r"platform: ACPI mode: SCI_EN was clear \(PM1a_CNT 0x0\): SMI_CMD 0xb2 <- 0xf1, SCI_EN set",
                      r"platform: ACPI S5 \(SLP_TYPa 0, SLP_TYPb 0\): PM1a_CNT <- SLP_TYPa \(0x604 = 0x1\), "
                      r"PM1a_CNT <- SLP_TYPa \| SLP_EN \(0x604 = 0x2001\)$"]),
    dict(name="qemu-q35-oem-lenovo-s5", emu="qemu", smp=1, machine="q35,x-oem-id=LENOVO", no_debug_exit=True,
         expect_exit=[0], timeout=90, expect=smp_expect(1, 1), require=cpu_jobs(1),
         expect_line=[r"acpi: RSDP rev 0 OEM 'LENOVO'", r"platform: hardware",
                      r"platform: ACPI mode: SCI_EN was clear \(PM1a_CNT 0x0\): SMI_CMD 0xb2 <- 0x2, SCI_EN set",
                      r"platform: ACPI S5 \(SLP_TYPa 0, SLP_TYPb 0\): .*\(0x604 = 0x2001\)$"]),
    # the reset sequence on the hardware path (-no-reboot: a reset ends QEMU with status 0): the pc FADT is
    # revision 1, so 0xCF9 comes first; q35's FADT (revision 3, flags bit 10) has RESET_REG 0xCF9 <- 0x0f
    dict(name="qemu-oem-dell-reset-cf9", emu="qemu", smp=1, machine="pc,x-oem-id=DELL", no_debug_exit=True,
         cmdline="mode=test test.end=reboot", expect_exit=[0], timeout=90, expect=smp_expect(1, 1),
         expect_line=[r"platform: reset: RESET_REG not used: FADT revision < 2",
                      r"platform: reset: 0xCF9 <- SYS_RST \(0xcf9 = 0x2\)$"]),
    dict(name="qemu-q35-oem-lenovo-reset-reg", emu="qemu", smp=1, machine="q35,x-oem-id=LENOVO", no_debug_exit=True,
         cmdline="mode=test test.end=reboot", expect_exit=[0], timeout=90, expect=smp_expect(1, 1),
         expect_line=[r"platform: reset: RESET_REG <- RESET_VALUE \(0xcf9 = 0xf\)$"]),
    # hardware-reduced ACPI (FADT flags bit 20, no PM1 blocks): microvm's FADT has the sleep registers
    # in memory at 0xfea00200/1 and its \_S5 is 5; SeaBIOS for microvm boots the ISO from virtio-mmio
    dict(name="qemu-microvm-hw-reduced-s5", emu="qemu", smp=1, machine="microvm,acpi=on,pit=on,pic=on,rtc=on,x-oem-id=ACME",
         iso_drive="virtio-mmio", qemu_args=["-bios /usr/share/seabios/bios-microvm.bin"], no_debug_exit=True,
         expect_exit=[0], timeout=120, expect=smp_expect(1, 1), require=cpu_jobs(1),
         expect_line=[r"acpi: FADT rev 5: PM1a_CNT 0x0, .*\\_S5 found \(SLP_TYPa 5\)", r"platform: hardware",
                      r"platform: ACPI S5 \(SLP_TYPa 5, SLP_TYPb 0\): SLEEP_STATUS_REG <- WAK_STS \(0xfea00201 = 0x80\), "
                      r"SLEEP_CONTROL_REG <- SLP_TYP \| SLP_EN \(0xfea00200 = 0x34\)$"]),
    dict(name="qemu-microvm-reset-reg-mmio", emu="qemu", smp=1, machine="microvm,acpi=on,pit=on,pic=on,rtc=on,x-oem-id=ACME",
         iso_drive="virtio-mmio", qemu_args=["-bios /usr/share/seabios/bios-microvm.bin"], no_debug_exit=True,
         cmdline="mode=test test.end=reboot", expect_exit=[0], timeout=120, expect=smp_expect(1, 1),
         expect_line=[r"platform: reset: RESET_REG <- RESET_VALUE \(0xfea00202 = 0x42\)$"]),

    # -- big SMP: any CPU count the firmware lists (KTAP tree, CPU sets and per-CPU data sized from it) --
    # 240 is the most QEMU 7.2 TCG starts with xAPIC IDs; 12-35 s wall here, the limit is generous.
    # More than 64 CPUs: the brief form by default, every CPU folded into one group per suite
    # The two run one at a time (group q240), each in one job slot beside one other emulator: a 240-vCPU
    # boot keeps about one core busy (13.8 s of CPU in 13 s), so holding both slots (as until issue 15's
    # sixth session) left a core idle for ~40 s of make test. Beside a looping 4-CPU Bochs boot both
    # passed twice in 11-22 s, no AP restarted. (Session 3's flake beside the host builds was the stale
    # SIPI fixed in session 5, qemu-smp4-stalesipi.) Estimate 10: after the host builds, before the tail
    dict(name="qemu-q35-smp240", emu="qemu", machine="q35", qemu_smp="240,sockets=1,cores=240", megs=4096,
         timeout=600, group="q240", estimate=10, expect=smp_expect(240, 240) + ["report=brief"],
         require=[f"smp/cpus_like_cpu0/{t}" for t in ("online", "ran_job", "job_returned_own_apic_id")],
         require_skip=["vmx/cpus_like_cpu0/vtx_usable"],
         expect_line=[r"smp: bring-up \d+ us from the first INIT to the last AP online \(239 APs",
                      r"^  # cpus_like_cpu0: 240 CPUs: 0-239$",
                      r"^cpu0: smp: +1-239 +1-239 +online +\d+-\d+ \(239 CPUs\)$",
                      r"^cpu0: vmx: cpus 0-239: AMD CPU: this machine has AMD-V \(SVM\), not VT-x"]),
    dict(name="qemu-q35-smp240-full", emu="qemu", machine="q35", qemu_smp="240,sockets=1,cores=240", megs=4096,
         cmdline="mode=test report=full", timeout=600, group="q240", estimate=10, expect=smp_expect(240, 240),
         require=cpu_jobs(1) + [f"smp/cpu{i}/online" for i in (1, 128, 239)] + ["smp/cpu239/ran_job"]),
    # report=brief on a VT-x machine: the 4 CPUs fold into one group per suite, aggregate paths checked
    dict(name="bochs-skx-smp4-brief", emu="bochs", smp=4, cpu="corei7_skylake_x", cmdline="mode=test report=brief",
         timeout=300, expect=smp_expect(4, 4) + ["vmx_ready=4", "report=brief"],
         require=["smp/cpus_like_cpu0/ran_job", "vmx/cpus_like_cpu0/all_rounds_completed",
                  "guest/cpus_like_cpu0/guest_reaches_done", "guest/cpus_like_cpu0/vmlaunch_after_vmclear_runs_again",
                  "conformance/cpus_like_cpu0/vmptrld_wrong_revision_error_11", "vmx/no_pages_leaked",
                  "conformance/no_pages_leaked"],
         expect_line=[r"^  # cpus_like_cpu0: 4 CPUs: 0-3$", r"^cpu0: report: brief form \(4 CPUs online\)",
                      r"^cpu0: smp: +1-3 +1-3 +online +\d+-\d+ \(3 CPUs\)$",
                      r"^cpu0: vmx: +0-3 +0-3 +FEATURE_CONTROL 0x5  VMXON -> VMCS lifecycle -> VMXOFF ok \(3/3 rounds\)",
                      r"^cpu0: guest: cpus 0-3: VMLAUNCH -> \d+ exits .* -> done -> VMCLEAR -> VMXOFF$"]),
    # brief with a failing CPU: it stays in full (cpu2, not started), the others fold around it
    dict(name="qemu-smp4-brief-nosipi", emu="qemu", smp=4, cmdline="mode=test report=brief smp.nosipi=2",
         timeout=60, expect_result="FAIL", expect=smp_expect(4, 3) + ["report=brief", "failed=2"],
         require=["smp/cpus_like_cpu0/ran_job"],
         expect_line=[r"^  # cpus_like_cpu0: 3 CPUs: 0-1,3$", r"^  not ok \d+ cpu2$", r"^    # online: APIC ID 2 did not start$"]),
    # CPU lists are checked against the MADT once it is read: both fail boot/cmdline_valid, the boot goes on
    dict(name="qemu-smp4-cpu-lists-past-madt", emu="qemu", smp=4, cmdline="mode=test vmx.cpus=1,4-5 cpus=9",
         timeout=60, expect_result="FAIL", expect=smp_expect(4, 4), require=cpu_jobs(4),
         expect_line=[r"^cpu0: cmdline: cpus=9: this machine lists 4 CPUs; starting all of them$",
                      r"^cpu0: cmdline: vmx\.cpus=1,4-5: no CPU 4 \(4 CPUs: 0-3\); every CPU runs VT-x$",
                      r"^  not ok 2 cmdline_valid$"]),
    # framebuffer console and paging_map_phys (the screen itself: tests/emu/screen_test.py)
    dict(name="qemu-uefi-fbcon-5g", emu="qemu-uefi", smp=2, qemu_args=["-m 5G -vga std"], timeout=180,
         require=["boot/map_phys_above_4g_2m_wb", "boot/map_phys_above_4g_4k_wc",
                  "boot/map_phys_past_address_width_refused", "boot/pat_entry4_write_combining"],
         expect_line=[r"fbcon: 1280x800, 32 bpp \(red 16:8 green 8:8 blue 0:8\), pitch 5120, at 0x[0-9a-f]+, "
                      r"write-combining \(PAT\); 160x50 text cells"]),
    dict(name="qemu-bios-5g-ega-text", emu="qemu", smp=1, qemu_args=["-m 5G"], timeout=120,
         require=["boot/map_phys_above_4g_2m_wb", "boot/map_phys_above_4g_4k_wc"]),
    # -- self-virtualization (vmx.virtualize): every CPU a guest of vmxboot's own VMM, checked, brought out --
    dict(name="bochs-skx-virt1", emu="bochs", smp=1, cpu="corei7_skylake_x", cmdline="mode=test vmx.virtualize",
         timeout=300, expect=smp_expect(1, 1) + ["vmx_ready=1", "virt_ready=1"],
         require=vmx_ok(1) + [f"virt/cpu0/{c}" for c in VIRT_CHECKS] + ["virt/no_pages_leaked"],
         require_skip=["virt/cpu0/ept_violation_on_other_cpu_vmcs_gp",   # one CPU: no other VMCS
                       "virt/cpu0/nmi_in_vmm_reaches_guest"],
         expect_line=[r"virt: cpu0: CPUID exit round trip inside the virtualized kernel over 100 runs: min \d+ median \d+"]),
    dict(name="bochs-skx-virt4", emu="bochs", smp=4, cpu="corei7_skylake_x", cmdline="mode=test vmx.virtualize",
         timeout=400, expect=smp_expect(4, 4) + ["vmx_ready=4", "virt_ready=4"],
         require=vmx_ok(4) + [f"virt/cpu{i}/{c}" for i in range(4) for c in VIRT_CHECKS]
         + [f"virt/cpu{i}/ept_violation_on_other_cpu_vmcs_gp" for i in range(4)] + ["virt/no_pages_leaked"]
         + [f"virt/cpu{i}/{c}" for i in range(4) for c in ("xsetbv_in_guest_keeps_xcr0",
                                                           "invd_in_guest_exits_and_keeps_memory")],
         expect_line=[r"virt: 4 CPU\(s\) virtualized in parallel"]),
    dict(name="bochs-icx-virt2", emu="bochs", smp=2, cpu="corei7_icelake_u", cmdline="mode=test vmx.virtualize",
         timeout=400, expect=smp_expect(2, 2) + ["vmx_ready=2", "virt_ready=2"],
         require=vmx_ok(2) + [f"virt/cpu{i}/{c}" for i in range(2) for c in VIRT_CHECKS]
         + [f"virt/cpu{i}/ept_violation_on_other_cpu_vmcs_gp" for i in range(2)]
         + [f"virt/cpu{i}/{c}" for i in range(2) for c in ("xsetbv_in_guest_keeps_xcr0",
                                                           "invd_in_guest_exits_and_keeps_memory")]),
    # a fatal exit caused on purpose (a reserved EPT memory type on a page the checks read first): the boot
    # CPU is brought out, CPU 1 is parked as dead, both groups fail with the reason, and the run still ends
    dict(name="bochs-skx-virt2-ept-misconfig", emu="bochs", smp=2, cpu="corei7_skylake_x",
         cmdline="mode=test vmx.virtualize virt.break=ept_misconfig", timeout=400, expect_result="FAIL",
         expect=smp_expect(2, 2) + ["vmx_ready=2", "virt_ready=0"],
         expect_line=[r"virt: cpu0: 1 VM exits while virtualized \(EPT misconfiguration 1\); fatal exit 49 "
                      r"\(EPT misconfiguration\) at guest RIP 0x[0-9a-f]+",
                      r"# answered: CPU 1 did not finish its virt job in time: fatal exit 49 \(EPT misconfiguration\)"]),
    # a panic on a virtualized CPU (ud2 in the boot CPU's virt checks): it leaves VMX before the report
    dict(name="bochs-skx-virt2-panic", emu="bochs", smp=2, cpu="corei7_skylake_x",
         cmdline="mode=test vmx.virtualize virt.break=panic", timeout=400, expect_result="FAIL",
         expect=smp_expect(2, 2) + ["virt_ready=0"],
         expect_line=[r"PANIC: unexpected exception #UD invalid opcode \(vector 6\)",
                      r"virt: cpu0 was virtualized: brought out of VMX operation before the report \(CR4 0x[0-9a-f]+\)$",
                      r"^not ok \d+ panic"]),
    # no VT-x: the virt suite is one SKIP with the reason, and virt_ready=0
    dict(name="qemu-virt-skip", emu="qemu", smp=2, cpu="max", cmdline="mode=test vmx.virtualize", timeout=90,
         expect=smp_expect(2, 2) + ["vmx_ready=0", "virt_ready=0"], require_skip=["virt"],
         expect_line=[r"^ok \d+ virt # SKIP VT-x not usable: AMD CPU"]),
    dict(name="bochs-ryzen-virt-skip", emu="bochs", smp=1, cpu="ryzen", cmdline="mode=test vmx.virtualize",
         timeout=300, expect=smp_expect(1, 1) + ["vmx_ready=0", "virt_ready=0"], require_skip=["virt"]),
    # -- performance (issue 15): the start-up IPI waits by Linux's vendor/family rule, and their overrides --
    dict(name="qemu-smp4-legacy-delays", emu="qemu", smp=4,
         cmdline="mode=test smp.init_delay_us=10000 smp.sipi_delay_us=200", timeout=90,
         expect=smp_expect(4, 4), require=cpu_jobs(4),
         expect_line=[r"smp: trampoline at 0x[0-9a-f]+ \(SIPI vector 0x[0-9a-f]+\); INIT, 10000 us, SIPI, 200 us, SIPI",
                      r"smp: start-up waits: INIT 10000 us, SIPI 200 us \(AuthenticAMD family 0xf: .*; "
                      r"overridden: smp.init_delay_us smp.sipi_delay_us\)",
                      r"smp: bring-up \d{5,} us from the first INIT .*INIT wait 10000 us, SIPI wait 200 us"]),
    # bench.boot: the phase table after the summary line (figures only: any value passes)
    dict(name="qemu-smp4-bench-boot", emu="qemu", smp=4, cmdline="mode=test bench.boot", timeout=90,
         expect=smp_expect(4, 4),
         expect_line=[rf"^cpu0: bench: boot: {p:<13} +\d+ us +\d+\.\d%$" for p in
                      ("boot", "acpi", "timer", "console", "smp", "irq", "vmx_lifecycle", "guest", "conformance",
                       "bench_vmx", "virt", "report")]
                     + [r"^cpu0: bench: boot: phase +us on the boot CPU's TSC \(\d+ kHz\)$",
                        r"^cpu0: bench: boot: total +\d+ us \(kmain to the end of the report"]),


    # -- VM-entry conformance case table (issue 12): each broken VMCS goes to VMLAUNCH and to the software
    # model; entry_ctl_ cases come from the capability MSRs, Bochs deviations are XFAILs from vmx/deviations.c --
    dict(name="bochs-skx-conf-table1", emu="bochs", smp=1, cpu="corei7_skylake_x", timeout=300,
         expect=smp_expect(1, 1) + ["vmx_ready=1", "failed=0"], require=vmx_ok(1) + conf_table(0),
         expect_line=[r"conformance: cpu0: the VM-entry case table took \d+ us",
                      r"^    ok \d+ entry_ctl_entry_to_smm_outside_smm_error_7 # XFAIL SDM 27\.2\.1\.3: Bochs 2\.7",
                      r"^    ok \d+ entry_guest_rip_noncanonical_exit_33 # XFAIL SDM 27\.3\.1\.4: Bochs 2\.7"]),
    dict(name="bochs-icl-conf-table2", emu="bochs", smp=2, cpu="corei7_icelake_u", timeout=300,
         expect=smp_expect(2, 2) + ["vmx_ready=2", "failed=0"], require=vmx_ok(2) + conf_table(0) + conf_table(1),
         expect_line=[r"^cpu0: conformance: cpus 0-1: the VM-entry case table took \d+(-\d+)? us"]),
    # QEMU TCG has no VT-x: the table does not run, and the #UD cases still do
    dict(name="qemu-conf-table-no-vmx", emu="qemu", smp=2, timeout=90,
         **{**no_vmx(2, r"vmx_cases # SKIP AMD CPU: this machine has AMD-V \(SVM\), not VT-x"), "require_skip": no_vmx(2, "")["require_skip"] +
            ["conformance/cpu0/vmx_cases", "conformance/cpu1/vmx_cases"]}),

    # insn_ instruction faults (issue 12, vmx/conf_fault.c, vmx/conf_migrate.c): each VMX instruction
    # at CPL 3 and in compatibility mode, bad memory operands, MOV-SS blocking, VMCLEAR migration
    dict(name="bochs-skx-insn2", emu="bochs", smp=2, cpu="corei7_skylake_x", timeout=300,
         expect=smp_expect(2, 2) + ["vmx_ready=2", "failed=0"], require=vmx_ok(2),
         expect_line=[r"^    ok \d+ insn_vmxoff_cpl3_gp0$", r"^    ok \d+ insn_invvpid_compat_mode_ud$",
                      r"^    ok \d+ insn_vmptrst_noncanonical_rbp_operand_ss0$",
                      r"^    ok \d+ insn_invept_noncanonical_operand_gp0$", r"^    ok \d+ insn_invvpid_noncanonical_operand_gp0$",
                      r"^    ok \d+ insn_vmptrst_unmapped_operand_pf_write$",
                      r"^    ok \d+ insn_vmlaunch_launched_vmcs_in_mov_ss_shadow_error_26$",
                      r"^    ok \d+ insn_vmclear_flushes_data_for_another_cpu$",
                      r"^    ok \d+ insn_vmresume_migrated_vmcs_error_5$",
                      r"^    ok \d+ insn_vmlaunch_migrated_vmcs_runs_guest$"]),
    # -- self-virtualization, the remaining gaps (issue 14): a triple fault in the guest parks that CPU
    #    (virt.break=triple on CPU 1); the boot CPU passes every check, virt_ready=1 --
    dict(name="bochs-skx-virt2-triple", emu="bochs", smp=2, cpu="corei7_skylake_x",
         cmdline="mode=test vmx.virtualize virt.break=triple", timeout=400, expect_result="FAIL",
         expect=smp_expect(2, 2) + ["vmx_ready=2", "virt_ready=1", "failed=1"],
         require=[f"virt/cpu0/{c}" for c in VIRT_CHECKS] + ["virt/cpu0/ept_violation_on_other_cpu_vmcs_gp",
                  "virt/cpu0/xsetbv_in_guest_keeps_xcr0", "virt/cpu0/invd_in_guest_exits_and_keeps_memory",
                  "virt/no_pages_leaked"],
         expect_line=[r"^    # answered: CPU 1 did not finish its virt job in time: fatal exit 2 \(triple fault\) "
                      r"at guest RIP 0x[0-9a-f]+"]),
    # the VMM's own IDT: a #UD in CPU 1's VMM (virt.break=vmm_fault) is reported by name and the CPU brought out
    dict(name="bochs-skx-virt2-vmm-fault", emu="bochs", smp=2, cpu="corei7_skylake_x",
         cmdline="mode=test vmx.virtualize virt.break=vmm_fault", timeout=400, expect_result="FAIL",
         expect=smp_expect(2, 2) + ["vmx_ready=2", "virt_ready=1"],
         require=[f"virt/cpu0/{c}" for c in VIRT_CHECKS] + ["virt/no_pages_leaked"],
         expect_line=[r"virt: cpu1: \d+ VM exits while virtualized \(.*\); exception #UD invalid opcode \(vector 6\) "
                      r"in the VMM at RIP 0x[0-9a-f]+, error code 0x0, handling exit 18 \(VMCALL\) at guest RIP "
                      r"0x[0-9a-f]+: brought out$",
                      r"^    # virtualized: ping VMCALL gave vector 6 "]),
    # an NMI taken in each CPU's VMM (virt.break=vmm_nmi) reaches the guest kernel's NMI handler: nmis=2
    dict(name="bochs-skx-virt2-vmm-nmi", emu="bochs", smp=2, cpu="corei7_skylake_x",
         cmdline="mode=test vmx.virtualize virt.break=vmm_nmi", timeout=400,
         expect=smp_expect(2, 2) + ["vmx_ready=2", "virt_ready=2", "nmis=2"],
         require=[f"virt/cpu{i}/{c}" for i in range(2) for c in VIRT_CHECKS + ["nmi_in_vmm_reaches_guest"]]),
    # -- core VM-exit cases (exit_, vmx/conf_exit*.c): every row of the table ok on every CPU, none skipped --
    dict(name="bochs-skx-exits4", emu="bochs", smp=4, cpu="corei7_skylake_x", timeout=420,
         expect=smp_expect(4, 4) + ["vmx_ready=4", "failed=0"],
         require=[f"conformance/cpu{i}/{n}" for i in range(4) for n in exit_case_names()],
         expect_line=[r"^cpu0: conformance: cpus 0-3: the VM-exit cases took \d+(-\d+)? us"]
         + [rf"^    ok \d+ {n}$" for n in exit_case_names()]),
    # -- the human tables print ranges of identical CPUs (kernel/ranges.c); the KTAP keeps every CPU --
    # two sockets of 6: APIC IDs 0-5 and 8-13, so the ID list breaks while the CPU list does not
    dict(name="qemu-smp12-ranges-sparse-ids", emu="qemu", qemu_smp="12,sockets=2,cores=6", timeout=90,
         expect=smp_expect(12, 12), require=cpu_jobs(12),
         expect_line=[r"^cpu0: smp: +1-11 +1-5, 8-13 +online +\d+(-\d+)? \(11 CPUs\)$",
                      r"^cpu0: smp: per AP \(us after the first INIT: arrived/SIPI sent\): 1 \d+/\d+, .*, 11 \d+/\d+$",
                      r"^cpu0: irq: cpus 1-11 \(ACPI UIDs 1-11\): LINT0 masked fixed",
                      r"^cpu0: vmx: +0-11 +0-5, 8-13 +FEATURE_CONTROL -  no VT-x: AMD CPU"],
         expect_once=[r"^cpu0: smp: +1-11 ", r"^cpu0: irq: cpus 1-11 ", r"^cpu0: vmx: cpus 0-11: AMD CPU"]),
    # VT-x on CPUs 0, 2 and 3 only: a kind that is not contiguous, CPU 1 alone in its own row
    dict(name="bochs-skx-smp4-ranges-gap", emu="bochs", smp=4, cpu="corei7_skylake_x", cmdline="mode=test vmx.cpus=0,2-3",
         timeout=400, expect=smp_expect(4, 4) + ["vmx_ready=3", "failed=0"],
         require=[p for p in vmx_ok(4) if "/cpu1/" not in p],
         expect_line=[r"^cpu0: vmx: +0, 2-3 +0, 2-3 +FEATURE_CONTROL 0x5  VMXON -> VMCS lifecycle -> VMXOFF ok \(3/3 rounds\)",
                      r"^cpu0: vmx: +1 +1 +not selected \(vmx\.cpus\)$",
                      r"^cpu0: vmx: per CPU \(VMXON region, VMCS, lifecycle time\): 0 0x[0-9a-f]+ 0x[0-9a-f]+ \d+ us, "
                      r"2 0x[0-9a-f]+ 0x[0-9a-f]+ \d+ us, 3 0x[0-9a-f]+ 0x[0-9a-f]+ \d+ us$",
                      r"^cpu0: guest: cpus 0, 2-3: VMLAUNCH -> \d+ exits .* -> done -> VMCLEAR -> VMXOFF$",
                      r"^cpu0: conformance: cpus 0, 2-3: the VM-entry case table took \d+(-\d+)? us"],
         expect_once=[r"^cpu0: guest: .*VMLAUNCH", r"VMRESUME after VMXOFF/VMXON without VMCLEAR", r"smp: start-up waits"]),

    # -- quiet waiting (issue 15): waits sleep in hlt behind the local APIC timer (arch/x86_64/wait.c); the
    # mode each CPU model gets, each forced one, and no timer interrupt counted as unexpected --
    dict(name="qemu-smp4-wait-oneshot", emu="qemu", smp=4, timeout=120,
         expect=smp_expect(4, 4) + ["unexpected_irqs=0"], require=cpu_jobs(4),
         expect_line=[r"^cpu0: wait: hlt, woken by the local APIC one-shot timer \(no TSC-deadline timer \(CPUID\.1:ECX "
                      r"bit 24 clear\).*; one-shot timer \d+ kHz; self-check: woken \d+ us after a 100 us timer\)$",
                      r"smp: IPI loops: INIT to 3 APs \d+ us \(\d+ us each, no level de-assert: APIC version 0x14\), "
                      r"SIPI to 3 APs .*boot CPU waited in hlt, \d+ sleeps$"]),
    dict(name="qemu-smp4-wait-pause", emu="qemu", smp=4, cmdline="mode=test wait=pause", timeout=120,
         expect=smp_expect(4, 4) + ["unexpected_irqs=0"], require=cpu_jobs(4),
         expect_line=[r"^cpu0: wait: pause with back-off \(wait=pause on the command line; CPUID\.1:ECX 0x[0-9a-f]+\)$",
                      r"smp: IPI loops: .*boot CPU waited in pause, 0 sleeps$"]),
    dict(name="bochs-skx-smp4-wait-deadline", emu="bochs", smp=4, cpu="corei7_skylake_x",
         cmdline="mode=test vmx=off wait=tsc_deadline",
         timeout=400, expect=smp_expect(4, 4) + ["unexpected_irqs=0"], require=cpu_jobs(4),
         expect_line=[r"apic: x2APIC mode", r"^cpu0: wait: hlt, woken by the local APIC timer in TSC-deadline mode "
                      r"\(wait=tsc_deadline on the command line; CPUID\.1:ECX 0x77faf3bf; self-check: woken \d+ us after a "
                      r"100 us timer\)$"]),
    # Bochs by default: waits spin (a 15-CPU run stalled with every CPU in hlt), and it says so
    dict(name="bochs-skx-1cpu-wait-auto-pause", emu="bochs", smp=1, cpu="corei7_skylake_x", cmdline="mode=test vmx=off",
         timeout=400, expect=smp_expect(1, 1) + ["unexpected_irqs=0"],
         expect_line=[r"^cpu0: wait: pause with back-off \(Bochs: with every CPU in hlt a 15-CPU run stalled"]),
    dict(name="bochs-skx-smp2-wait-lapic-xapic", emu="bochs", smp=2, cpu="corei7_skylake_x",
         cmdline="mode=test vmx=off wait=lapic apic=xapic", timeout=400,
         expect=smp_expect(2, 2) + ["unexpected_irqs=0"], require=cpu_jobs(2),
         expect_line=[r"apic: xAPIC mode", r"^cpu0: wait: hlt, woken by the local APIC one-shot timer \(wait=lapic on the "
                      r"command line; CPUID\.1:ECX 0x77faf3bf; one-shot timer \d+ kHz; self-check: woken \d+ us"]),
    # -- a lost start-up IPI (smp.lostsipi=2: no SIPI in the first round): the second INIT-SIPI-SIPI
    #    after the 1000 ms arrival timeout brings the AP online, and the run passes --
    dict(name="qemu-smp4-lostsipi", emu="qemu", smp=4, cmdline="mode=test smp.lostsipi=2", timeout=90,
         expect=smp_expect(4, 4), require=cpu_jobs(4),
         expect_line=[r"^cpu0: smp: test: no SIPI to APIC ID 2 in the first start-up \(smp\.lostsipi\)$",
                      r"^cpu0: smp: 1 AP not online 1000 ms after the start-up IPIs \(APIC ID 2\): INIT, 10000 us, "
                      r"SIPI, 200 us, SIPI to it again$"]),
    # -- self-virtualization memory: the per-CPU VMM block and the shared part as the 'VMM pages' line
    #    prints them, checked against the allocator (vmm_pages_as_printed), and each CPU's deepest VMM
    #    stack use within half its size; the same boots as bochs-skx-virt1/virt4/virt2-vmm-nmi/triple --
    dict(name="bochs-skx-virt1-vmm-memory", emu="bochs", smp=1, cpu="corei7_skylake_x",
         cmdline="mode=test vmx.virtualize", timeout=300, expect=["virt_ready=1"],
         require=["virt/vmm_pages_as_printed", "virt/vmm_stacks_used_at_most_half"],
         expect_line=[r"virt: VMM pages: \d+ bytes per CPU \(VMXON region, VMCS, GDT and TSS, \d+ KiB stack, 3 IST "
                      r"stacks of \d+ KiB\) x 1 CPUs, \d+ bytes shared \(1 EPT map\(s\) of \d+ pages, MSR bitmap, IDT, "
                      r"\d+ VMM page-table pages\), \d+ bytes of lists: \d+ bytes in all$",
                      r"virt: cpu0: VMM stacks at their deepest: \d+ of \d+ bytes; IST #DF \d+, NMI \d+, #MC \d+ of "
                      r"\d+ bytes each$"]),
    dict(name="bochs-skx-virt4-vmm-memory", emu="bochs", smp=4, cpu="corei7_skylake_x",
         cmdline="mode=test vmx.virtualize", timeout=400, expect=["virt_ready=4"],
         require=["virt/vmm_pages_as_printed", "virt/vmm_stacks_used_at_most_half"],
         expect_line=[r"virt: VMM pages: \d+ bytes per CPU .* x 4 CPUs, \d+ bytes shared \(1 EPT map\(s\) of "]
         + [rf"virt: cpu{i}: VMM stacks at their deepest: \d+ of \d+ bytes" for i in range(4)]),
    dict(name="bochs-skx-virt2-vmm-nmi-stacks", emu="bochs", smp=2, cpu="corei7_skylake_x",
         cmdline="mode=test vmx.virtualize virt.break=vmm_nmi", timeout=400,
         require=["virt/vmm_pages_as_printed", "virt/vmm_stacks_used_at_most_half"],
         expect_line=[r"virt: cpu1: VMM stacks at their deepest: \d+ of \d+ bytes; IST #DF \d+, NMI [1-9]\d*, "]),
    # a parked CPU (virt.break=triple) keeps every VMM page, per CPU and shared, counted as kept
    dict(name="bochs-skx-virt2-triple-vmm-memory", emu="bochs", smp=2, cpu="corei7_skylake_x",
         cmdline="mode=test vmx.virtualize virt.break=triple", timeout=400, expect_result="FAIL",
         require=["virt/vmm_pages_as_printed", "virt/vmm_stacks_used_at_most_half", "virt/no_pages_leaked"]),
    # the stack check's failure, caused: CPU 1's VMM writes 5 KiB of its stack on the ping VMCALL
    # (virt.break=vmm_stack); every other check passes, the run fails on that one and names the CPU
    dict(name="bochs-skx-virt2-vmm-stack", emu="bochs", smp=2, cpu="corei7_skylake_x",
         cmdline="mode=test vmx.virtualize virt.break=vmm_stack", timeout=400, expect_result="FAIL",
         expect=smp_expect(2, 2) + ["vmx_ready=2", "virt_ready=2", "failed=1"],
         require=[f"virt/cpu{i}/{c}" for i in range(2) for c in VIRT_CHECKS]
         + ["virt/vmm_pages_as_printed", "virt/no_pages_leaked"],
         expect_line=[r"virt: cpu1: VMM stacks at their deepest: [5-9]\d{3} of \d+ bytes",
                      r"^  # vmm_stacks_used_at_most_half: deepest VMM stack use [5-9]\d{3} of \d+ bytes \(cpu1\), "
                      r"IST \d+ of \d+ bytes"]),
    # the most memory Bochs 2.7 takes (megs is 1 to 2048 there: no RAM above 4 GiB under VT-x)
    dict(name="bochs-skx-virt1-megs2048", emu="bochs", smp=1, cpu="corei7_skylake_x", megs=2048,
         cmdline="mode=test vmx.virtualize", timeout=300, expect=smp_expect(1, 1) + ["vmx_ready=1", "virt_ready=1"],
         require=[f"virt/cpu0/{c}" for c in VIRT_CHECKS]
         + ["virt/vmm_pages_as_printed", "virt/vmm_stacks_used_at_most_half", "virt/no_pages_leaked"]),
    # -- AP arrival (arch/x86_64/smp_arrival.c): smp.slowap=2 reaches C, then takes 1500 ms to come online;
    #    it showed life, so the restart point (1000 ms) spares it and the wait goes on until it arrives --
    dict(name="qemu-smp4-slowap", emu="qemu", smp=4, cmdline="mode=test smp.slowap=2", timeout=120,
         expect=smp_expect(4, 4), require=cpu_jobs(4),
         expect_line=[r"^cpu0: smp: 1 AP not online 1000 ms after the start-up IPIs showed life \(APIC ID 2\): not sent "
                      r"INIT again; waiting up to 10000 ms for it$",
                      r"^cpu0: smp: 1 AP was slow to arrive \(APIC ID 2\): the last online 1\d\d\d ms after the start-up "
                      r"IPIs, waited 1\d\d\d ms; none was restarted$"]),
    # smp.lostsipi=2 smp.stalesipi=2: a SIPI right after the second start-up's INIT, as QEMU's INIT keeps a
    #    first-round SIPI still pending; AP 2 reaches C during the 10 ms INIT wait and must wait it out, not halt
    dict(name="qemu-smp4-stalesipi", emu="qemu", smp=4, cmdline="mode=test smp.lostsipi=2 smp.stalesipi=2", timeout=90,
         expect=smp_expect(4, 4), require=cpu_jobs(4),
         expect_line=[r"^cpu0: smp: 1 AP not online 1000 ms after the start-up IPIs \(APIC ID 2\): INIT, 10000 us, "
                      r"SIPI, 200 us, SIPI to it again$",
                      r"^cpu0: smp: arrival: waited 10\d\d ms after the start-up IPIs; slow 0, restarted 1 \(APIC ID 2\), "
                      r"never answered 0, showed life but not online 0$",
                      ap_start_line(2)]),   # AP 2 entered on the stale SIPI, before its own: no figure
    # smp.stuckap=2 halts once it reached C: alive but never online, so it is waited for up to the 10 s cap,
    # never sent INIT again, then reported as such (and fails its online test). The boot CPU sleeps through
    # most of those 10 s (1.5 s of CPU in 10.8 s here): a light slot
    dict(name="qemu-smp4-stuckap", emu="qemu", smp=4, cmdline="mode=test smp.stuckap=2", timeout=180, estimate=12,
         light=True,
         expect_result="FAIL", expect=smp_expect(4, 3),
         require=[p for p in cpu_jobs(4) if not p.startswith("smp/cpu2/")],
         expect_line=[r"^cpu0: smp: APIC ID 2 \(CPU 2\) showed life \(reached C \d+ ms after the start-up IPIs\) but was "
                      r"not online within 10000 ms; carrying on without it$",
                      r"^cpu0: smp: arrival: waited 100\d\d ms after the start-up IPIs; slow 0, restarted 0, never answered 0, "
                      r"showed life but not online 1 \(APIC ID 2\)$", r"^  not ok \d+ all_started_cpus_online",
                      ap_start_line(3, 2)]),   # AP 2 entered, never parked
]

KEYS = {"name", "emu", "smp", "qemu_smp", "cpu", "cmdline", "timeout", "expect_result", "expect", "require",
        "require_skip", "expect_line", "machine", "com1", "qemu_args", "no_debug_exit", "expect_exit",
        "same_log", "stuck_fifo", "iso_drive", "megs"}
LIST_KEYS = ("expect", "require", "require_skip", "expect_line", "same_log", "stuck_fifo")
KEYS.add("expect_once")             # regexes that must match exactly one line (a fact said once)
KEYS |= {"estimate", "light", "group"}   # how the run takes the job slots (emu.py --estimate, --light, --slot-group)
LIST_KEYS += ("expect_once",)


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


def estimate(t):
    """Seconds the test's run should hold its job slot, for the slots' longest-first order (emu.py
    --estimate; without one it would be the timeout, which put every suite run before every other
    runner's): the `estimate` key, else a rough figure from the emulator and the CPU count (make
    test on the 2-core machine: Bochs 2-25 s, OVMF 5-6 s, QEMU SeaBIOS 1-2 s)."""
    if "estimate" in t:
        return t["estimate"]
    n = int(str(t.get("qemu_smp", t.get("smp", 1))).split(",")[0])
    if t["emu"] == "bochs":
        return round(4 + 1.3 * n, 1)
    return 8 if t["emu"] == "qemu-uefi" else round(2 + n / 16, 1)


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
    if "iso_drive" in t:
        a += ["--iso-drive", t["iso_drive"]]
    for v in t.get("qemu_args", []):
        a += ["--qemu-arg", v]
    if "megs" in t:
        a += ["--megs", str(t["megs"])]
    for v in t.get("expect_exit", []):
        a += ["--expect-exit", str(v)]
    if t.get("no_debug_exit"):
        a.append("--no-debug-exit")
    if t.get("light"):
        a.append("--light")
    if t.get("group"):
        a += ["--slot-group", t["group"]]
    a += ["--estimate", f"{estimate(t):g}"]
    if keep:
        a.append("--keep")
    return a


# keys that only say what to check in a run's log: tests that differ in nothing else boot the
# same configuration, so they share one emulator run (suite.py --no-merge: one boot each)
CHECK_KEYS = {"name", "timeout", "expect", "require", "require_skip", "expect_line"}
CHECK_KEYS.add("expect_once")      # a log check too (added after the set): its tests boot no differently
ISO_CACHE = os.path.join(ROOT, "build", "emu", "iso-cache")
WAITED_RE = re.compile(r"^emu: \S+ waited ([0-9.]+) s for an emulator job slot$", re.M)


def boot_key(t):
    """What the emulator run of t depends on (defaults filled in): equal keys, equal runs."""
    d = {k: v for k, v in t.items() if k not in CHECK_KEYS}
    d.setdefault("cmdline", "mode=test")
    d.setdefault("expect_result", "PASS")
    if "qemu_smp" not in d:
        d.setdefault("smp", 1)
    d.setdefault("cpu", "corei7_skylake_x" if t["emu"] == "bochs" else "max")
    return repr(sorted((k, repr(v)) for k, v in d.items()))


def units(tests, merge):
    """Lists of tests, each list one emulator run (the first test boots, the others check its log)."""
    groups = {}
    for t in tests:
        groups.setdefault(boot_key(t) if merge else t["name"], []).append(t)
    return list(groups.values())


def run_unit(unit, keep, iso_cache):
    """Runs one boot for the unit's first test and checks the same log for the others.
    Returns [(test, exit status, output, seconds)]; a test's seconds leave out the wait for a slot."""
    out = []
    boot = unit[0]
    for t in unit:
        args = emu_args(t, keep)
        if t is boot:
            if len(unit) > 1:
                args[args.index("--timeout") + 1] = str(max(u.get("timeout", 90) for u in unit))
            if iso_cache:
                args += ["--iso-cache", iso_cache]
        else:
            args += ["--reuse-boot", boot["name"]]
        t0 = time.monotonic()
        p = subprocess.run([sys.executable, EMU] + args, cwd=ROOT, stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        text = p.stdout.decode("utf-8", errors="replace")
        waited = sum(float(w) for w in WAITED_RE.findall(text))
        out.append((t, p.returncode, text, time.monotonic() - t0 - waited))
    return out


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
    ap.add_argument("-j", "--jobs", type=int, default=1, choices=[1, 2, 3, 4],
                    help="tests run at once (default 1; each test has its own files and no fixed port, and no "
                         "assertion depends on wall time). make test uses 4 with its 2 shared job slots "
                         "(VMXBOOT_SLOTS): still 2 emulators at a time, but one test's ISO copy, checks and "
                         "Python start overlap another's emulator run")
    ap.add_argument("--keep", action="store_true", help="pass --keep to emu.py (keep ISOs and outputs)")
    ap.add_argument("--no-merge", action="store_true",
                    help="one emulator run per test, even where tests differ only in what they check")
    ap.add_argument("--no-iso-cache", action="store_true",
                    help="build every test's ISO itself instead of once per command line")
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
    passed, failed, took = [], [], []
    t0 = time.monotonic()
    todo = units(tests, not a.no_merge)
    iso_cache = None if a.no_iso_cache else ISO_CACHE
    with ThreadPoolExecutor(max_workers=a.jobs) as pool:
        # with two at a time the long boots (largest estimate: Bochs) start first, so that one of
        # them does not run alone at the end; output still comes in the list's order
        order = sorted(todo, key=lambda u: -max(estimate(t) for t in u)) if a.jobs > 1 else todo
        futures = {id(u[0]): pool.submit(run_unit, u, a.keep, iso_cache) for u in order}
        unit_of = {t["name"]: u for u in todo for t in u}
        for t in tests:
            u = unit_of[t["name"]]
            res = {r[0]["name"]: r for r in futures[id(u[0])].result()}
            t, rc, out, secs = res[t["name"]]
            shared = f", the boot of {u[0]['name']}" if t is not u[0] else \
                (f", its boot checked by {len(u) - 1} more" if len(u) > 1 else "")
            print(f"==== {t['name']} ({secs:.1f} s{shared})")
            print(out.rstrip(), flush=True)
            (passed if rc == 0 else failed).append(t["name"])
            took.append((secs, t["name"]))
    if iso_cache and not a.keep and not slots.config() and os.path.isdir(iso_cache):
        shutil.rmtree(iso_cache)      # under make test the other runners may still boot from it: run-all.sh removes it
    boots = len(todo)
    print(f"suite: {len(tests)} tests ({boots} emulator runs) in {time.monotonic() - t0:.1f} s, {a.jobs} at a time"
          + (f"; failed: {' '.join(failed)}" if failed else ""))
    slowest = sorted(took, reverse=True)[:10]
    print("suite: slowest: " + ", ".join(f"{n} {s:.1f} s" for s, n in slowest))
    print(f"emu-tests: {len(passed)} passed, {len(failed)} failed")
    write_count(len(passed), len(failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
