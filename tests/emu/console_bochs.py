"""console_bochs.py: the Bochs session of tests/emu/console_test.py.

Bochs corei7_skylake_x, 2 CPUs, VT-x: vmx/vmcs/guest/rdmsr/cpuid, bad input, line-editor
keys, self-virtualization, then poweroff (Bochs must exit by itself).
"""

import os
import re

from console_session import (CMD_TIMEOUT, HEX, PROMPT, ROOT, bad, boot, cpu_exact, expect_error,
                             expect_ok, poweroff, screen_read, show, want)

def c_help(s):
    r = s.cmd("help")
    expect_ok(r)
    want(len(r.out) >= 3, f"help printed {len(r.out)} lines")
    for usage in ("vmx on <cpus>", "vmcs write <cpus> FIELD VALUE", "poweroff"):
        want(any(re.match(re.escape(usage) + r"(\s{2,}\S.*)?$", l) for l in r.out),
             f"help does not list '{usage}': {r.out}")
    want(not any(re.match(r"^cpu\d+: ", l) for l in r.out), "cpu lines in help")


def c_cpus(s):
    r = s.cmd("cpus")
    expect_ok(r)
    cpu_exact(r, {i: rf"APIC ID \d+, online, not in VMX operation" for i in (0, 1)}, others=True)
    rest = [l for l in r.out if not re.match(r"^cpu\d+: ", l)]
    want(all(l.startswith("smp: ") for l in rest), f"lines besides smp:/cpuN: {rest}")


def c_bench_smp(s):
    r = s.cmd("bench smp")
    expect_ok(r)
    want(any(re.match(r"^smp: bring-up \d+ us from the first INIT to the last AP online \(1 APs, INIT wait 0 us, "
                      r"SIPI wait 10 us, \d+ second SIPIs\), \d+ us per AP$", l) for l in r.out),
         f"no bring-up line with the waits used and the time per AP: {r.out}")
    # the waits and why (vendor/family), in the boot's own words, once
    waits = "smp: start-up waits: INIT 0 us, SIPI 10 us (GenuineIntel family 0x6: no INIT wait, as Linux on Intel family >= 0x6)"
    want(r.out.count(waits) == 1, f"want the line {waits!r} once, saying why those waits: {r.out}")
    want(not [l for l in r.out if "chosen by" in l], f"the waits said twice: {r.out}")
    # where the bring-up time went, as the boot printed it (1 AP: one INIT, one first-round SIPI)
    want(any(re.match(r"^smp: IPI loops: INIT to 1 APs \d+ us \(\d+ us each, .*\), SIPI to 1 APs \d+ us \(\d+ us each\); "
                      r"last AP parked \d+ us after the last SIPI; boot CPU waited in (pause|hlt), \d+ sleeps$", l)
             for l in r.out), f"no IPI loops line: {r.out}")
    # each AP's start split at its first trampoline instruction (arch/x86_64/smp_stamps.c), as the boot printed it
    want(any(re.match(r"^smp: AP start: SIPI to the AP's first trampoline instruction median \d+ us \(\d+-\d+ us, 1 AP\), "
                      r"from there to parked median \d+ us \(\d+-\d+ us, 1 AP\)$", l) for l in r.out),
         f"no AP start line: {r.out}")


def c_vmx_on_all(s):
    r = s.cmd("vmx on all")
    ms = cpu_exact(r, {i: rf"VMXON ok \(region ({HEX})\)" for i in (0, 1)})
    expect_ok(r)
    s.ctx["region"] = {i: m.group(1) for i, m in ms.items()}
    want(s.ctx["region"][0] != s.ctx["region"][1], f"both CPUs got region {s.ctx['region'][0]}")


def status_in_vmx(s, current):
    r = s.cmd("vmx status")
    reg = s.ctx["region"]
    cpu_exact(r, {i: rf"in VMX operation \(region {reg[i]}\), current vmcs {current[i]}" for i in (0, 1)})
    expect_ok(r)


def c_vmx_status(s):
    status_in_vmx(s, {0: -1, 1: -1})


def c_vmx_on_again(s):
    r = s.cmd("vmx on 1")
    cpu_exact(r, {1: rf"already in VMX operation \(region {s.ctx['region'][1]}\); nothing done"})
    expect_ok(r)


def c_status_unchanged(s):
    status_in_vmx(s, {0: -1, 1: -1})


def c_vmcs_new(s):
    r = s.cmd("vmcs new 1")
    ms = cpu_exact(r, {1: rf"vmcs 0 at ({HEX}) \(revision id written, not yet cleared\)"})
    expect_ok(r)
    s.ctx["vmcs"] = ms[1].group(1)


def c_vmcs_load(s):
    r = s.cmd("vmcs load 1")
    cpu_exact(r, {1: r"VMPTRLD: ok"})
    expect_ok(r)


def c_vmcs_write(s):
    r = s.cmd("vmcs write 1 guest_cr3 0x1000")
    cpu_exact(r, {1: r"VMWRITE: ok"})
    expect_ok(r)


def c_vmcs_read(s):
    r = s.cmd("vmcs read 1 guest_cr3")
    cpu_exact(r, {1: r"VMREAD 0x6802: ok, 0x1000"})
    expect_ok(r)


def c_caps(s):
    r = s.cmd("caps raw 1")
    expect_ok(r)
    hits = [re.search(r"VMX_MISC (0x[0-9a-f]+):.*VMWRITE to read-only fields (allowed|not allowed)$", l)
            for l in r.out]
    hits = [h for h in hits if h]
    want(len(hits) == 1, f"{len(hits)} VMX_MISC lines with 'VMWRITE to read-only fields': {r.out}")
    misc, text = int(hits[0].group(1), 16), hits[0].group(2)
    want((text == "allowed") == bool(misc >> 29 & 1), f"VMX_MISC {misc:#x} bit 29 disagrees with '{text}'")
    s.ctx["ro_write"] = text == "allowed"
    s.ctx["misc"] = misc


def c_caps_named(s):
    """caps 1 misc: the named decode agrees with the raw MSR; caps 1 proc: Skylake-X's states."""
    r = s.cmd("caps 1 misc")
    expect_ok(r)
    want(r.out and r.out[0].startswith("miscellaneous data (IA32_VMX_MISC 0x485 "), f"group title: {r.out}")
    bit29 = "yes" if s.ctx["misc"] >> 29 & 1 else "no"
    want(f"  VMWRITE to any supported VMCS field: {bit29}" in r.out, f"MISC bit 29 line ({bit29}): {r.out}")
    cr3 = (s.ctx["misc"] >> 16) & 0x1ff
    want(f"  Number of CR3-target values: {cr3}" in r.out, f"CR3-target count {cr3}: {r.out}")
    r = s.cmd("caps 1 proc")
    expect_ok(r)
    for line in ("  Monitor trap flag: no", "  CR3-load exiting: default", "  HLT exiting: yes",
                 "  Activate secondary controls: yes"):
        want(line in r.out, f"{line!r} missing (Bochs corei7_skylake_x): {r.out}")
    r = s.cmd("caps 1 machine")
    expect_ok(r)
    want(any(re.match(r"^identity: GenuineIntel family 0x6 model 0x55 ", l) for l in r.out), f"identity: {r.out}")
    want(any(l.startswith("IA32_FEATURE_CONTROL 0x5: lock yes") for l in r.out), f"FEATURE_CONTROL: {r.out}")
    r = s.cmd("caps")
    expect_ok(r)
    titles = [l for l in r.out if not l.startswith("  ")]
    want(len(titles) == 14, f"{len(titles)} group titles in the full decode, expected 14: {titles}")


def c_caps_diff(s):
    """caps diff: Bochs's 2 CPUs are one kind; a single CPU has nothing to compare with; a bad selector
    is refused before anything is printed."""
    r = s.cmd("caps diff")
    expect_ok(r)
    want(r.out == ["no differences among CPUs 0-1"], f"caps diff on 2 identical CPUs: {r.out}")
    r = s.cmd("caps diff 1")
    expect_ok(r)
    want(r.out == ["cpu1 alone: nothing to compare it with"], f"caps diff 1: {r.out}")
    r = s.cmd("caps diff 0-5")
    expect_error(r, r"^error: no CPU 2 \(2 CPUs: 0-1\)$")


def c_vmcs_write_ro(s):
    r = s.cmd("vmcs write 1 exit_reason 1")
    if s.ctx["ro_write"]:
        cpu_exact(r, {1: r"VMWRITE: ok"})
        expect_ok(r)
    else:
        cpu_exact(r, {1: r"VMWRITE: VMfailValid 13 \(.*\)"})
        expect_error(r, r"1 of 1 CPUs did not do it", no_output=False)


def c_vmcs_store(s):
    r = s.cmd("vmcs store 1")
    cpu_exact(r, {1: rf"VMPTRST: ok, current VMCS {s.ctx['vmcs']}"})
    expect_ok(r)


def c_status_current(s):
    status_in_vmx(s, {0: -1, 1: 0})


def c_rdmsr_fc(s):
    r = s.cmd("rdmsr 0x3a 1")
    cpu_exact(r, {1: r"MSR 0x3a = 0x5"})
    expect_ok(r)


def c_rdmsr_gp(s):
    r = s.cmd("rdmsr 0xdeadbeef 0")
    cpu_exact(r, {0: r"RDMSR 0xdeadbeef: #GP \(vector 13\)"})
    expect_ok(r)


def c_after_gp(s):
    r = s.cmd("cpuid 1 0")
    cpu_exact(r, {0: r"CPUID 0x1\.0: eax=0x[0-9a-f]{8} ebx=0x[0-9a-f]{8} ecx=0x[0-9a-f]{8} edx=0x[0-9a-f]{8}"})
    expect_ok(r)


def c_vmx_off_all(s):
    r = s.cmd("vmx off all")
    cpu_exact(r, {i: r"VMXOFF ok; VMXON region and VMCSs freed" for i in (0, 1)})
    expect_ok(r)


def c_vmx_off_again(s):
    r = s.cmd("vmx off 0")
    cpu_exact(r, {0: r"not in VMX operation; VMXOFF not executed"})
    expect_ok(r)


def c_guest_run(s):
    r = s.cmd("guest run all 3", timeout=60)
    expect_ok(r)
    for i in (0, 1):
        n = [l for l in r.out if re.match(rf"^guest: cpu{i}: VMLAUNCH -> ", l)]
        want(len(n) == 1, f"{len(n)} 'guest: cpu{i}: VMLAUNCH ->' lines: {r.out}")
        want(re.search(r"-> done -> VMCLEAR -> VMXOFF$", n[0]), f"cpu{i} guest did not finish: {n[0]!r}")
    bad = [l for l in r.out if not l.startswith("guest: cpu")]
    want(not bad, f"other output lines: {bad}")

def c_too_long(s):
    r = s.cmd("a" * 300, echo="a" * 160)      # the editor stores and echoes 160, counts the rest
    expect_error(r, r"^error: line too long \(300 characters, at most 160\)$")


def c_control_byte(s):
    # le_feed drops control bytes other than BS/DEL/^U/^C/ESC/CR/LF: b"he\x01lp" is "help"
    r = s.cmd("help", send=b"he\x01lp\r", echo="help")
    expect_ok(r)
    want(any(l.startswith("vmx on <cpus>") for l in r.out), f"not the help text: {r.out}")


def c_ctrl_c(s):
    s.conn.send(b"vmx on al\x03")
    chunk = s.conn.until(PROMPT, CMD_TIMEOUT, "prompt after ^C")
    after = s.conn.quiet()
    want(chunk == b"vmx on al^C\r\n" + PROMPT and not after,
         f"expected b'vmx on al^C\\r\\nvmxboot> ', received {show(chunk + after)}")
    # the line is gone: typing 'l' now is the one-letter command 'l', not 'vmx on all'
    r = s.cmd("l")
    expect_error(r, r"^error: unknown command 'l' \(type help\)$")


def c_bad_input_no_action(s):
    r = s.cmd("vmx status")
    cpu_exact(r, {i: r"not in VMX operation" for i in (0, 1)})
    expect_ok(r)


def c_vmx_on_0(s):
    r = s.cmd("vmx on 0")
    cpu_exact(r, {0: rf"VMXON ok \(region {HEX}\)"})
    expect_ok(r)

def c_poweroff_bochs(s):
    poweroff(s, (1,))             # Bochs exits 1 whatever happened: its log says why
    blog = s.base + ".bochs.log"
    text = open(blog, "rb").read().decode("utf-8", "replace") if os.path.exists(blog) else ""
    panics = [l for l in text.splitlines() if ">>PANIC<<" in l]
    off = [l for l in panics if re.search(r"Shutdown port: shutdown requested|ACPI control: soft power off", l)]
    want(off, f"no guest power-off line in {os.path.relpath(blog, ROOT)}")
    others = [l for l in panics if l not in off]
    want(not others, f"Bochs panic lines: {others[:3]}")


# -- self-virtualization (vmx/virt*.c): both CPUs guests of vmxboot's VMM, then back out

def c_virt_on(s):
    r = s.cmd("virt on all")
    cpu_exact(r, {i: r"virtualized: now a guest of vmxboot's VMM \(EPT, MSR bitmap\)" for i in (0, 1)})
    expect_ok(r)


def c_virt_cpuid(s):
    r = s.cmd("cpuid 0x40000000 all")
    cpu_exact(r, {i: r"CPUID 0x40000000\.0: eax=0x40000000 ebx=0x42786d56 ecx=0x56746f6f edx=0x726f7369"
                  for i in (0, 1)})      # "VmxBootVisor"
    expect_ok(r)


def c_virt_status(s):
    r = s.cmd("virt status")
    cpu_exact(r, {i: r"virtualized" for i in (0, 1)}, others=True)
    for i in (0, 1):
        want(any(re.match(rf"^virt: cpu{i}: \d+ VM exits while virtualized \(.*CPUID \d+", l) for l in r.out),
             f"no exit counts for cpu{i}: {r.out}")
    expect_ok(r)


def c_virt_msrs(s):
    # the guest's view: FEATURE_CONTROL locked with VMX off (Bochs: 0x5 on bare metal), a VMX MSR #GPs,
    # an MSR outside the bitmap's ranges is executed by the VMM and its #GP injected; caps/fc keep boot's values
    r = s.cmd("rdmsr 0x3a all")
    cpu_exact(r, {i: r"MSR 0x3a = 0x1" for i in (0, 1)})
    expect_ok(r)
    r = s.cmd("fc")
    cpu_exact(r, {i: r"IA32_FEATURE_CONTROL 0x5: lock set, VMXON inside SMX disabled, VMXON outside SMX enabled "
                  r"\(read at boot: virtualized now\)" for i in (0, 1)})
    expect_ok(r)
    r = s.cmd("rdmsr 0x480 1")
    cpu_exact(r, {1: r"RDMSR 0x480: #GP \(vector 13\)"})
    expect_ok(r)
    r = s.cmd("rdmsr 0xdeadbeef 0")
    cpu_exact(r, {0: r"RDMSR 0xdeadbeef: #GP \(vector 13\)"})
    expect_ok(r)
    r = s.cmd("cpuid 1 0")
    m = cpu_exact(r, {0: r"CPUID 0x1\.0: eax=0x[0-9a-f]{8} ebx=0x[0-9a-f]{8} ecx=(0x[0-9a-f]{8}) edx=0x[0-9a-f]{8}"})
    ecx = int(m[0].group(1), 16)
    want(ecx & (1 << 31) and not ecx & (1 << 5), f"CPUID.1:ECX {ecx:#x}: want hypervisor set, VMX clear")
    expect_ok(r)


def c_virt_on_1(s):
    # left virtualized on purpose: the poweroff that follows must bring it out first and still end the run
    r = s.cmd("virt on 1")
    cpu_exact(r, {1: r"virtualized: now a guest of vmxboot's VMM \(EPT, MSR bitmap\)"})
    expect_ok(r)


def c_virt_vmx_refused(s):
    r = s.cmd("vmx on 0")
    cpu_exact(r, {0: r"refused: virtualized, VT-x belongs to vmxboot's VMM \(virt off 0 first\)"})
    expect_error(r, r"^error: 1 of 1 CPUs did not do it", no_output=False)


def c_virt_off(s):
    r = s.cmd("virt off all")
    cpu_exact(r, {i: r"devirtualized: out of VMX operation" for i in (0, 1)})
    expect_ok(r)
    r = s.cmd("virt status")
    cpu_exact(r, {i: r"not virtualized" for i in (0, 1)})
    expect_ok(r)


STEPS = [
    ("boot", [], boot),
    ("screen pty read", [], screen_read),
    ("help", [], c_help),
    ("cpus", [], c_cpus),
    ("bench smp", [], c_bench_smp),
    ("vmx on all", [], c_vmx_on_all),
    ("vmx status", ["vmx on all"], c_vmx_status),
    ("vmx on 1 again", ["vmx on all"], c_vmx_on_again),
    ("vmx status unchanged", ["vmx on all", "vmx on 1 again"], c_status_unchanged),
    ("vmcs new 1", ["vmx on all"], c_vmcs_new),
    ("vmcs load 1", ["vmcs new 1"], c_vmcs_load),
    ("vmcs write guest_cr3", ["vmcs load 1"], c_vmcs_write),
    ("vmcs read guest_cr3", ["vmcs write guest_cr3"], c_vmcs_read),
    ("caps 1", [], c_caps),
    ("caps 1 misc, proc, all", ["caps 1"], c_caps_named),
    ("bad: unknown caps group", [],
     bad("caps 1 nosuch", r"^error: unknown group 'nosuch' \(basic pin proc proc2 proc3 exit exit2 entry misc ept "
         r"vmfunc cr0 cr4 enum machine\)$")),
    ("caps diff", [], c_caps_diff),
    ("vmcs write read-only exit_reason", ["caps 1", "vmcs load 1"], c_vmcs_write_ro),
    ("vmcs store 1", ["vmcs load 1"], c_vmcs_store),
    ("vmx status current vmcs", ["vmcs load 1"], c_status_current),
    ("rdmsr 0x3a", [], c_rdmsr_fc),
    ("rdmsr 0xdeadbeef #GP", [], c_rdmsr_gp),
    ("cpuid after #GP", ["rdmsr 0xdeadbeef #GP"], c_after_gp),
    ("vmx off all", ["vmx on all"], c_vmx_off_all),
    ("vmx off 0 again", [], c_vmx_off_again),
    ("guest run all 3", [], c_guest_run),
    ("bad: unknown command", [], bad("xyzzy", r"^error: unknown command 'xyzzy' \(type help\)$")),
    ("bad: no cpu 7", [], bad("vmx on 7", r"^error: no CPU 7 \(2 CPUs: 0-1\)$")),
    ("bad: reversed range", [], bad("vmx on 1-0", r"^error: reversed range in CPU selector '1-0'")),
    ("bad: missing subcommand", [], bad("vmx", r"^error: vmx: missing subcommand \(one of: on, off, status\)$")),
    ("bad: value too large for 16-bit field", [],
     bad("vmcs write 1 guest_es_selector 0x10000",
         r"^error: value 0x10000 too large for 16-bit field guest_es_selector \(at most 0xffff\)$")),
    ("bad: unknown field", [], bad("vmcs read 1 no_such_field", r"^error: unknown VMCS field 'no_such_field'")),
    ("bad: line too long", [], c_too_long),
    ("editor: control byte dropped", [], c_control_byte),
    ("editor: ctrl-c drops the line", [], c_ctrl_c),
    ("bad input changed nothing", ["vmx off all"], c_bad_input_no_action),
    ("virt on all", ["vmx off all"], c_virt_on),
    ("virt: cpuid 0x40000000 all", ["virt on all"], c_virt_cpuid),
    ("virt status", ["virt on all"], c_virt_status),
    ("virt: rdmsr and cpuid as the guest sees them", ["virt on all"], c_virt_msrs),
    ("virt: vmx on 0 refused", ["virt on all"], c_virt_vmx_refused),
    ("virt off all", ["virt on all"], c_virt_off),
    ("vmx on 0", [], c_vmx_on_0),
    ("virt on 1, then poweroff", ["vmx on 0"], c_virt_on_1),
    ("poweroff", ["vmx on 0"], c_poweroff_bochs),
]
