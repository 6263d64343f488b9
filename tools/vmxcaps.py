#!/usr/bin/env python3
"""vmxcaps.py: the VT-x capabilities in a vmxboot serial log, by SDM name, and what
one machine has that another lacks.

    python3 tools/vmxcaps.py LOG            every capability of each kind of CPU in LOG
    python3 tools/vmxcaps.py LOG1 LOG2      the capabilities whose state differs, and
                                            what each machine has that the other lacks

It reads the raw block the kernel prints at boot (`vmx: caps: raw CPUS: NAME MSR = VALUE`,
one per kind of CPU) and decodes it with the kernel's own table and code
(vmx/vmx_capnames.c, vmx/vmx_capdecode.c) compiled for the host as
build/tools/vmxcaps_decode: there is no second copy of the names to drift.
A capability is "had" when it may be 1 (yes, forced, default) and lacked when it must be 0.
Exit status 0, 1 when a log has no raw block, 2 on usage errors.
"""

import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DECODER = os.path.join(ROOT, "build", "tools", "vmxcaps_decode")
RAW_RE = re.compile(r"vmx: caps: raw ([0-9, .-]+): (\S+) (0x[0-9a-f]+) = (0x[0-9a-f]+)\s*$")
HAVE = {"yes", "forced", "default"}


def raw_blocks(path):
    """{cpus: {msr: value}} for each kind of CPU in the log, in log order."""
    kinds = {}
    with open(path, "rb") as f:
        for line in f.read().decode("utf-8", "replace").splitlines():
            m = RAW_RE.search(line.replace("\r", ""))
            if m:
                kinds.setdefault(m.group(1), {})[int(m.group(3), 16)] = int(m.group(4), 16)
    return kinds


def decoder():
    if not os.path.exists(DECODER) or os.path.getmtime(DECODER) < max(
            os.path.getmtime(os.path.join(ROOT, p)) for p in
            ("vmx/vmx_capnames.c", "vmx/vmx_capdecode.c", "vmx/vmx_caps.c", "tools/vmxcaps_decode.c")):
        subprocess.run(["make", "-s", "-C", ROOT, "build/tools/vmxcaps_decode"], check=True,
                       stdout=subprocess.DEVNULL)
    return DECODER


def decode(msrs):
    """[(group title, name, state)] in the kernel's order; the raw decode lines too."""
    inp = "".join(f"{m:x} {v:x}\n" for m, v in msrs.items() if m != 0x3a)
    out = subprocess.run([decoder()], input=inp, capture_output=True, text=True, check=True).stdout
    rows, title = [], None
    for line in out.splitlines():
        if not line.startswith("  "):
            title = re.sub(r" \(.*$", "", line.rstrip(":"))
            if line.endswith(": not present"):
                rows.append((title, "(group)", "not present"))
            continue
        name, _, state = line.strip().rpartition(": ")
        rows.append((title, name, state))
    return rows, out


def machine(path):
    kinds = raw_blocks(path)
    if not kinds:
        print(f"vmxcaps: {path}: no 'vmx: caps: raw' lines (a vmxboot log with VT-x?)", file=sys.stderr)
        sys.exit(1)
    return kinds


def show(path):
    for cpus, msrs in machine(path).items():
        print(f"== {path}: CPUs {cpus}")
        print(decode(msrs)[1], end="")


def compare(a, b):
    ka, kb = machine(a), machine(b)
    # the first kind of each: the boot CPU's (more kinds are listed, each compared on its own)
    ra, _ = decode(next(iter(ka.values())))
    rb, _ = decode(next(iter(kb.values())))
    sa = {(t, n): s for t, n, s in ra}
    sb = {(t, n): s for t, n, s in rb}
    keys = [k for k, _ in {**{k: 0 for k in sa}, **{k: 0 for k in sb}}.items()]
    diff = [(k, sa.get(k, "absent"), sb.get(k, "absent")) for k in keys if sa.get(k) != sb.get(k)]
    print(f"A = {a}" + (f" ({len(ka)} kinds of CPU; the first compared)" if len(ka) > 1 else ""))
    print(f"B = {b}" + (f" ({len(kb)} kinds of CPU; the first compared)" if len(kb) > 1 else ""))
    if not diff:
        print("identical: every capability has the same state")
        return
    print(f"{len(diff)} capabilities differ:")
    for (t, n), x, y in diff:
        print(f"  {t}: {n}: A {x}, B {y}")
    only_a = [f"{t}: {n}" for (t, n), x, y in diff if x in HAVE and y not in HAVE]
    only_b = [f"{t}: {n}" for (t, n), x, y in diff if y in HAVE and x not in HAVE]
    for who, lst in (("A", only_a), ("B", only_b)):
        print(f"only {who} has ({len(lst)}):")
        for l in lst:
            print(f"  {l}")


def main(argv):
    if len(argv) not in (2, 3) or argv[1] in ("-h", "--help"):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    if len(argv) == 2:
        show(argv[1])
    else:
        compare(argv[1], argv[2])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
