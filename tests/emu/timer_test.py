#!/usr/bin/env python3
"""timer_test.py: the TSC calibration without the PIT, checked against the PIT.

    python3 tests/emu/timer_test.py [--repeat N]

Boots QEMU TCG (tests/emu/emu.py, `mode=test`) three times:
  normal               -M pc                  the PIT figure of this run is the reference
  pit-off              -M pc,pit=off          no 8254: the HPET must be used
  pit-off-hpet-off     -M pc,pit=off,hpet=off the ACPI PM timer must be used
and checks, from each serial log's `timer:` lines, that the run passed, that
the line names the expected source, that the absent counters are reported as
absent / not counting, and that the TSC kHz is within 2% of the normal run's
PIT figure. Every figure is printed. Also: in the normal run every counter
agrees with the PIT within 2%.

With --repeat N the three boots are done N times and every figure printed
with the spread (max - min) per source; the checks then use the first round.

Prints `timer-test: N passed, N failed` and writes build/timer.count
("passed failed 0"). Exit 1 when anything failed.
"""

import argparse
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
EMU = os.path.join(HERE, "emu.py")
TOLERANCE = 0.02
BOOTS = (("normal", "pc", "HPET"),
         ("pit-off", "pc,pit=off", "HPET"),
         ("pit-off-hpet-off", "pc,pit=off,hpet=off", "ACPI PM timer"))
CHOICE_RE = re.compile(r"timer: TSC (\d+) kHz, calibrated against the (HPET|ACPI PM timer|PIT);")
SOURCES_RE = re.compile(r"timer: sources: (.*)$")
FIGURE_RE = re.compile(r"(HPET|ACPI PM timer|PIT) (\d+) kHz \(")
STATE_RE = re.compile(r"(HPET|ACPI PM timer|PIT) (absent|not counting|stopped counting|unstable|implausible)")


def boot(name, machine, timeout=240):
    """One emu.py boot; returns (passed, emu.py's last line, the serial log text)."""
    test = f"timer-{name}"
    p = subprocess.run([sys.executable, EMU, "--emu", "qemu", "--machine", machine, "--name", test,
                        "--timeout", str(timeout), "--estimate", "5", "--exclusive"], cwd=ROOT, stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    out = p.stdout.decode("utf-8", errors="replace").rstrip().split("\n")
    log = os.path.join(ROOT, "build", "emu", f"{test}.serial.log")
    try:
        with open(log, "rb") as f:
            text = f.read().decode("utf-8", errors="replace")
    except OSError:
        text = ""
    if p.returncode != 0:
        for l in out[-25:]:
            print(f"  emu| {l}")
    return p.returncode == 0, out[-1] if out else "", text


def parse(text):
    """{'chosen': (kHz, source) or None, 'figures': {source: kHz}, 'states': {source: state}, 'lines': [...]}"""
    r = {"chosen": None, "figures": {}, "states": {}, "lines": []}
    for line in text.replace("\r", "").split("\n"):
        if "timer:" not in line:
            continue
        r["lines"].append(line.strip())
        m = CHOICE_RE.search(line)
        if m:
            r["chosen"] = (int(m.group(1)), m.group(2))
        m = SOURCES_RE.search(line)
        if m:
            r["figures"] = {s: int(k) for s, k in FIGURE_RE.findall(m.group(1))}
            r["states"] = dict(STATE_RE.findall(m.group(1)))
    return r


def off_by(a, ref):
    return abs(a - ref) / ref


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeat", type=int, default=1, help="boot each configuration N times, print the spread")
    a = ap.parse_args(argv)
    rounds = []
    for i in range(max(1, a.repeat)):
        res = {}
        for name, machine, _ in BOOTS:
            ok, last, text = boot(name, machine)
            res[name] = (ok, last, parse(text))
            print(f"timer-test: round {i + 1} {name} (-M {machine}): {last}")
            for l in res[name][2]["lines"]:
                print(f"  | {l}")
        rounds.append(res)

    passed = failed = 0

    def check(desc, cond, why):
        nonlocal passed, failed
        if cond:
            passed += 1
            print(f"timer-test: ok: {desc}")
        else:
            failed += 1
            print(f"timer-test: FAIL: {desc}: {why}")

    res = rounds[0]
    normal = res["normal"][2]
    ref = normal["figures"].get("PIT")
    check("normal boot passes and measures the PIT", res["normal"][0] and ref,
          f"boot: {res['normal'][1]!r}, PIT figure {ref}")
    print(f"timer-test: reference (normal run, PIT): {ref} kHz")
    if ref:
        for src, khz in sorted(normal["figures"].items()):
            print(f"timer-test: normal run: {src} {khz} kHz, {100 * off_by(khz, ref):.3f}% off the PIT")
        check("normal run: every counter within 2% of the PIT",
              len(normal["figures"]) == 3 and all(off_by(k, ref) <= TOLERANCE for k in normal["figures"].values()),
              f"figures {normal['figures']}")
    for name, machine, want in BOOTS:
        ok, last, r = res[name]
        chosen = r["chosen"]
        desc = f"{name} (-M {machine}): calibrated against the {want}"
        if not ok or not chosen:
            check(desc, False, f"boot: {last!r}, timer line {chosen}")
            continue
        khz, src = chosen
        pct = 100 * off_by(khz, ref) if ref else float("nan")
        print(f"timer-test: {name}: TSC {khz} kHz from the {src}, {pct:.3f}% off the normal run's PIT "
              f"figure {ref} kHz")
        check(desc, src == want, f"the line names the {src}")
        if name != "normal":
            check(f"{name}: within 2% of the normal run's PIT figure", ref and off_by(khz, ref) <= TOLERANCE,
                  f"{khz} kHz vs {ref} kHz ({pct:.3f}% off)")
            check(f"{name}: the PIT is reported as not counting", r["states"].get("PIT") == "not counting",
                  f"PIT state {r['states'].get('PIT')!r}")
        if name == "pit-off-hpet-off":
            check(f"{name}: the HPET is reported as absent", r["states"].get("HPET") == "absent",
                  f"HPET state {r['states'].get('HPET')!r}")

    if len(rounds) > 1:
        for name, _, _ in BOOTS:
            srcs = sorted({s for rd in rounds for s in rd[name][2]["figures"]})
            for s in srcs:
                v = [rd[name][2]["figures"][s] for rd in rounds if s in rd[name][2]["figures"]]
                print(f"timer-test: spread over {len(v)} rounds: {name} {s}: min {min(v)} max {max(v)} kHz, "
                      f"{100 * (max(v) - min(v)) / min(v):.3f}%")

    print(f"timer-test: {passed} passed, {failed} failed")
    os.makedirs(os.path.join(ROOT, "build"), exist_ok=True)
    with open(os.path.join(ROOT, "build", "timer.count"), "w") as f:
        f.write(f"{passed} {failed} 0\n")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
