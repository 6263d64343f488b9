#!/usr/bin/env python3
"""ktapcheck: check a vmxboot serial log against the output contract.

The log is: firmware/GRUB noise, human lines, ONE KTAP version 1 document
(Linux Documentation/dev-tools/ktap.rst), then exactly one summary line

    vmxboot: summary result=PASS cpus_found=1 cpus_online=1 vmx_ready=0 tests=12 passed=12 failed=0 skipped=0 xfail=0

(fixed keys in that order, more keys may follow).  The checker parses the KTAP
tree, checks plans, numbering, indentation and parent/child consistency,
counts the leaf results and cross-checks them against the summary.

    ktapcheck.py LOG [--expect KEY=VALUE ...] [--expect-result PASS|FAIL|ANY]
                     [--require PATH ...] [--require-skip PATH ...]
                     [--expect-line REGEX ...] [--tree] [--quiet]

Exit 0 when the log is well-formed and every expectation holds, else 1.
The expected result defaults to PASS.  With --expect-result FAIL (injected
faults) the log must still end with a summary line result=FAIL; a KTAP
document cut short by a panic is then accepted.

Importable: parse(text) -> Log (tree, summary, problems); check(text, ...) -> Report.
"""

import argparse
import re
import sys
from dataclasses import dataclass, field

SUMMARY_PREFIX = "vmxboot: summary"
FIXED_KEYS = ("result", "cpus_found", "cpus_online", "vmx_ready",
              "tests", "passed", "failed", "skipped", "xfail")
COUNT_KEYS = ("tests", "passed", "failed", "skipped", "xfail")
DIRECTIVES = ("SKIP", "XFAIL", "TIMEOUT", "ERROR")

# Problem kinds.  'error': the log is malformed or inconsistent, always a problem.
# 'incomplete': the KTAP was cut short, accepted when the kernel itself reported FAIL
# and FAIL (or ANY) was expected.  'failure': a test failed, a problem unless FAIL
# (or ANY) was expected.  'expect': an expectation from the command line.
ERROR, INCOMPLETE, FAILURE, EXPECT = "error", "incomplete", "failure", "expect"

ANSI_RE = re.compile(r"\x1b(\[[0-9;?<=>]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[()][0-9A-Za-z]|[@-Z\\-_])")
CTRL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
VERSION_RE = re.compile(r"^KTAP version (\S+)\s*$")
PLAN_RE = re.compile(r"^1\.\.(\d+)\s*(#.*)?$")
RESULT_START_RE = re.compile(r"^(not ok|ok)(\s|$)")
RESULT_RE = re.compile(r"^(not ok|ok) (\d+)(?: ([^#]*?))?\s*(?:#\s*(.*))?$")
NAME_RE = re.compile(r"^[a-z0-9_]+$")
PANIC_RE = re.compile(r"PANIC|[Ee]xception")
VALUE_RE = re.compile(r"^(-|\d+)$")


def clean_line(raw):
    """One serial line as a terminal would show it: no ANSI escapes, no \\r overwrites."""
    line = raw.rstrip("\r\n")
    line = ANSI_RE.sub("", line)
    if "\r" in line:
        # "abc\rdef": the terminal shows what came after the last carriage return
        parts = [p for p in line.split("\r") if p]
        line = parts[-1] if parts else ""
    return CTRL_RE.sub("", line)


@dataclass
class Problem:
    line: int          # 1-based line in the log, 0 when not tied to a line
    msg: str
    kind: str = ERROR
    details: list = field(default_factory=list)


@dataclass
class Test:
    """One KTAP result line; a parent has the subtests of the block printed before it."""
    name: str
    number: int
    ok: bool
    directive: str = ""      # SKIP, XFAIL, TIMEOUT, ERROR or ""
    reason: str = ""         # text after '#' (without the directive)
    line: int = 0
    depth: int = 0
    children: list = field(default_factory=list)
    plan: object = None      # plan of the child block, when there is one
    has_block: bool = False
    diag: list = field(default_factory=list)   # '# ...' lines just before the result
    path: str = ""
    unfinished: bool = False   # placeholder for a parent whose result line never came (log cut short)

    @property
    def status(self):
        """pass, fail, skip or xfail: what this result says of itself."""
        if self.directive in ("TIMEOUT", "ERROR"):
            return "fail"
        if self.directive == "XFAIL":
            return "xfail"
        if self.directive == "SKIP":
            return "skip"
        return "pass" if self.ok else "fail"

    def leaves(self):
        if not self.children:
            yield self
        for c in self.children:
            yield from c.leaves()

    def walk(self):
        yield self
        for c in self.children:
            yield from c.walk()

    def find(self, path):
        node = self
        for part in [p for p in path.strip("/").split("/") if p]:
            node = next((c for c in node.children if c.name == part), None)
            if node is None:
                return None
        return node

    def result_text(self):
        s = f"{'ok' if self.ok else 'not ok'} {self.number} {self.name}"
        if self.directive or self.reason:
            s += " # " + " ".join(x for x in (self.directive, self.reason) if x)
        return s


@dataclass
class Summary:
    line: int
    text: str
    values: dict             # every key=value in order of appearance (fixed keys and extras)
    extras: dict             # keys after the fixed ones

    def get(self, key):
        return self.values.get(key)

    def int(self, key):
        v = self.values.get(key)
        return int(v) if v is not None and v.isdigit() else None


@dataclass
class Log:
    tree: Test               # root: its children are the top-level tests
    summary: object          # Summary or None
    problems: list
    panic_lines: list        # (line number, text)
    lines: list              # the cleaned lines
    ktap_start: int = 0      # line of 'KTAP version 1', 0 when there is none
    truncated: bool = False  # the document was cut short (blocks left open at its end)


class _Block:
    def __init__(self, depth, line):
        self.depth = depth
        self.line = line
        self.plan = None
        self.plan_line = 0
        self.results = []
        self.names = set()      # the results' names, for the duplicate check
        self.pending = None     # a closed child block waiting for its parent's result line
        self.short = False      # closed with fewer results than its plan
        self.diag = []


class _Parser:
    def __init__(self):
        self.problems = []
        self.stack = []
        self.root = Test(name="", number=0, ok=True, depth=-1)
        self.started = False
        self.start_line = 0
        self.done = False
        self.truncated = False

    def problem(self, line, msg, kind=ERROR, details=None):
        self.problems.append(Problem(line, msg, kind, details or []))

    # -- blocks --
    def close_top(self, line, at_end):
        b = self.stack.pop()
        where = f"block at line {b.line} (depth {b.depth})"
        orphan = b.pending
        if orphan is not None:
            kind = INCOMPLETE if at_end else ERROR
            self.problem(orphan.line, f"subtest block at line {orphan.line} has no parent result line "
                         f"at depth {b.depth} (the block ends at line {line})", kind)
            if at_end:
                self.truncated = True
        if b.plan is None:
            kind = INCOMPLETE if at_end and not b.results else ERROR
            self.problem(b.line, f"{where} has no plan line '1..N'", kind)
            if kind == INCOMPLETE:
                self.truncated = True
        elif len(b.results) > b.plan:
            self.problem(b.plan_line, f"plan 1..{b.plan} but {len(b.results)} results", ERROR)
        elif len(b.results) < b.plan:
            if at_end:
                self.truncated = True
                self.problem(b.plan_line, f"plan 1..{b.plan} but only {len(b.results)} "
                             "results before the document ends (cut short?)", INCOMPLETE)
            else:
                b.short = True   # judged by the parent's result line: a TIMEOUT/ERROR parent may stop early
        if orphan is not None and at_end:
            # the document was cut inside this test: keep its subtests (the kernel counted them)
            # under a placeholder for the result line that never came
            b.results.append(Test(name="(unfinished)", number=len(b.results) + 1, ok=True, line=orphan.line,
                                  depth=b.depth, children=orphan.results, plan=orphan.plan, has_block=True,
                                  unfinished=True))
        if self.stack:
            parent = self.stack[-1]
            if parent.pending is not None:
                self.problem(parent.pending.line, f"subtest block at line {parent.pending.line} has no parent "
                             f"result line (another block starts at line {b.line})")
            parent.pending = b
        else:
            self.root.children = b.results
            self.root.plan = b.plan
            self.root.has_block = True

    def close_deeper(self, depth, line, at_end=False):
        while self.stack and self.stack[-1].depth > depth:
            self.close_top(line, at_end)

    def finish(self, line):
        if self.started and not self.done:
            while self.stack:
                self.close_top(line, at_end=True)
            self.done = True

    # -- lines --
    def feed(self, n, line):
        stripped = line.lstrip(" \t")
        indent = len(line) - len(stripped)
        tabbed = "\t" in line[:indent]
        is_version = VERSION_RE.match(stripped)
        is_plan = PLAN_RE.match(stripped)
        is_result = RESULT_START_RE.match(stripped)
        if not self.started:
            if is_version and indent == 0:
                self.start(n, is_version.group(1))
            return
        if self.done:
            if indent == 0 and is_version:
                self.problem(n, "a second KTAP document (only one is allowed)")
            elif indent == 0 and (is_plan or is_result):
                self.problem(n, f"KTAP line after the end of the document: {stripped!r}")
            return
        if stripped.startswith("#"):
            if self.stack:
                self.stack[-1].diag.append(stripped)
            return
        if not (is_version or is_plan or is_result):
            return   # unknown line: allowed anywhere
        if tabbed:
            self.problem(n, "KTAP line indented with a tab (two spaces per level)")
            return
        if indent % 2:
            self.problem(n, f"KTAP line indented by {indent} spaces (two spaces per level): {stripped!r}")
            return
        depth = indent // 2
        if is_version:
            self.version(n, depth, is_version.group(1))
        elif is_plan:
            self.plan(n, depth, int(is_plan.group(1)))
        else:
            self.result(n, depth, stripped)

    def start(self, n, version):
        self.started = True
        self.start_line = n
        if version != "1":
            self.problem(n, f"KTAP version {version}: only version 1 is understood")
        self.stack.append(_Block(0, n))

    def version(self, n, depth, version):
        if depth == 0:
            self.problem(n, "a second KTAP document (only one is allowed; the first ends here)")
            self.finish(n)
            return
        if version != "1":
            self.problem(n, f"KTAP version {version}: only version 1 is understood")
        self.close_deeper(depth - 1, n)
        top = self.stack[-1]
        if top.depth < depth - 1:
            self.problem(n, f"subtest block at depth {depth} inside a block at depth {top.depth} "
                         "(indent two spaces per level)")
        if top.pending is not None:
            self.problem(top.pending.line, f"subtest block at line {top.pending.line} has no parent result "
                         f"line (another block starts at line {n})")
            top.pending = None
        self.stack.append(_Block(depth, n))

    def block_for(self, n, depth, what):
        """The open block at this depth, closing deeper ones; opens an implicit one if missing."""
        self.close_deeper(depth, n)
        top = self.stack[-1]
        if top.depth < depth:
            self.problem(n, f"{what} indented to depth {depth} with no 'KTAP version 1' line opening the block")
            self.stack.append(_Block(depth, n))
        return self.stack[-1]

    def plan(self, n, depth, count):
        b = self.block_for(n, depth, "plan")
        if b.plan is not None:
            self.problem(n, f"second plan line in the block at line {b.line}")
            return
        b.plan, b.plan_line = count, n   # a trailing plan (after the results) is fine too

    def result(self, n, depth, text):
        b = self.block_for(n, depth, "result line")
        m = RESULT_RE.match(text)
        if not m:
            self.problem(n, f"malformed result line: {text!r}")
            return
        ok = m.group(1) == "ok"
        number = int(m.group(2))
        name = (m.group(3) or "").strip()
        comment = (m.group(4) or "").strip()
        directive, reason = "", comment
        if comment:
            word, _, rest = comment.partition(" ")
            if word.upper() in DIRECTIVES:
                directive, reason = word.upper(), rest.strip()
        t = Test(name=name, number=number, ok=ok, directive=directive, reason=reason, line=n, depth=depth,
                 diag=b.diag)
        b.diag = []
        expected = len(b.results) + 1
        if number != expected:
            self.problem(n, f"result numbered {number}, expected {expected}: {text!r}")
        if not NAME_RE.match(name):
            self.problem(n, f"test name {name!r} does not match [a-z0-9_]+: {text!r}")
        elif name in b.names:
            self.problem(n, f"duplicate test name {name!r} in the block at line {b.line}")
        if ok and directive in ("TIMEOUT", "ERROR"):
            self.problem(n, f"'ok' with a {directive} directive: {text!r}")
        if b.pending is not None:
            child = b.pending
            b.pending = None
            t.children, t.plan, t.has_block = child.results, child.plan, True
            if child.short and directive not in ("TIMEOUT", "ERROR"):
                self.problem(child.plan_line, f"plan 1..{child.plan} but "
                             f"{len(child.results)} results")
        b.results.append(t)
        b.names.add(name)


def parse(text):
    """Parse a serial log.  Returns a Log with the KTAP tree, the summary and the parse problems."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    lines = [clean_line(l) for l in text.split("\n")]
    if lines and lines[-1] == "":
        lines.pop()
    p = _Parser()
    summaries = []
    panic_lines = []
    for i, line in enumerate(lines):
        n = i + 1
        if line.startswith(SUMMARY_PREFIX):
            summaries.append(n)
            p.finish(n)
            continue
        if line.lstrip().startswith(SUMMARY_PREFIX):
            p.problem(n, "summary line not at column 0")
        if PANIC_RE.search(line):
            panic_lines.append((n, line))
        p.feed(n, line)
    ktap_start = p.start_line
    p.finish(len(lines) + 1)
    summary = None
    if not summaries:
        p.problem(0, "no summary line: the kernel hung, crashed or the log was cut")
    else:
        summary = parse_summary(summaries[0], lines[summaries[0] - 1], p.problems)
        for extra in summaries[1:]:
            p.problem(extra, f"more than one summary line (first at line {summaries[0]})")
    if not p.started:
        p.problem(0, "no KTAP document (no 'KTAP version 1' line at column 0)",
                  INCOMPLETE if summary is not None else ERROR)
        p.truncated = True
    if summaries and p.started and ktap_start > summaries[0]:
        p.problem(ktap_start, f"KTAP document starts after the summary line (line {summaries[0]})")
    _assign_paths(p.root)
    return Log(tree=p.root, summary=summary, problems=p.problems, panic_lines=panic_lines, lines=lines,
               ktap_start=ktap_start, truncated=p.truncated)


def parse_summary(n, line, problems):
    rest = line[len(SUMMARY_PREFIX):]
    values, extras = {}, {}
    if rest and not rest.startswith(" "):
        problems.append(Problem(n, f"malformed summary line: {line!r}"))
    for tok in rest.split():
        key, eq, value = tok.partition("=")
        if not eq or not re.match(r"^[a-z0-9_]+$", key) or not value:
            problems.append(Problem(n, f"summary: malformed field {tok!r} (want key=value)"))
            continue
        if key in values:
            problems.append(Problem(n, f"summary: key {key} given twice"))
            continue
        values[key] = value
        if key not in FIXED_KEYS:
            extras[key] = value
    keys = list(values)
    fixed_seen = [k for k in keys if k in FIXED_KEYS]
    missing = [k for k in FIXED_KEYS if k not in values]
    if missing:
        problems.append(Problem(n, "summary: missing key(s) " + " ".join(missing)))
    if keys[:len(fixed_seen)] != [k for k in FIXED_KEYS if k in values]:
        problems.append(Problem(n, "summary: keys out of order: got " + " ".join(keys[:len(FIXED_KEYS)]) +
                                "; want " + " ".join(FIXED_KEYS) + " first"))
    for k in FIXED_KEYS:
        v = values.get(k)
        if v is None:
            continue
        if k == "result":
            if v not in ("PASS", "FAIL"):
                problems.append(Problem(n, f"summary: result={v} (want PASS or FAIL)"))
        elif not VALUE_RE.match(v):
            problems.append(Problem(n, f"summary: {k}={v} is neither an integer nor '-'"))
    return Summary(line=n, text=line, values=values, extras=extras)


def _assign_paths(root):
    def rec(node, prefix):
        for c in node.children:
            c.path = f"{prefix}{c.name}"
            rec(c, c.path + "/")
    rec(root, "")


def count(tree):
    """Leaf counts of a parsed tree: dict tests/passed/failed/skipped/xfail."""
    c = dict(tests=0, passed=0, failed=0, skipped=0, xfail=0)
    key = {"pass": "passed", "fail": "failed", "skip": "skipped", "xfail": "xfail"}
    for t in tree.children:
        for leaf in t.leaves():
            c["tests"] += 1
            c[key[leaf.status]] += 1
    return c


@dataclass
class Report:
    log: Log
    problems: list          # what makes the check fail
    notes: list             # what is worth printing but does not (failed tests in a FAIL run, ...)
    counts: dict

    @property
    def ok(self):
        return not self.problems

    @property
    def summary(self):
        return self.log.summary

    @property
    def tree(self):
        return self.log.tree


def _fail_details(t):
    d = [t.result_text()]
    d += t.diag[-5:]
    return d


def check(text, expect=(), expect_result="PASS", require=(), require_skip=(), expect_lines=(), expect_once=()):
    """Check a serial log.  expect: iterable of 'key=value' (or 'key>=value', 'key<=value');
    expect_result: 'PASS', 'FAIL' or 'ANY'.  Returns a Report; report.ok tells the verdict."""
    log = parse(text)
    expect_result = expect_result.upper()
    probs = list(log.problems)
    s = log.summary
    tree = log.tree
    counts = count(tree)
    kfail = s is not None and s.get("result") == "FAIL"

    # parent/child consistency: a parent with a failed subtest must be 'not ok'
    for t in tree.walk():
        if t is tree or not t.children or t.unfinished:
            continue
        bad = [c for c in t.children if c.status == "fail"]
        if bad and t.ok and t.directive not in ("SKIP", "XFAIL"):
            probs.append(Problem(t.line, f"{t.path} is ok but subtest {bad[0].path} failed (line {bad[0].line})"))
    failed_leaves = [l for t in tree.children for l in t.leaves() if l.status == "fail"]
    failed_tests = [t for t in tree.walk() if t is not tree and t.status == "fail"]

    # the summary against the KTAP
    if s is not None:
        sv = {k: s.int(k) for k in COUNT_KEYS}
        mismatch = [f"{k}={s.get(k)} but the KTAP has {counts[k]}" for k in COUNT_KEYS
                    if sv[k] is not None and sv[k] != counts[k]]
        if mismatch:
            probs.append(Problem(s.line, "summary counts differ from the KTAP: " + ", ".join(mismatch),
                                 INCOMPLETE if log.truncated else ERROR))
        parts = [sv[k] for k in ("passed", "failed", "skipped", "xfail")]
        if sv["tests"] is not None and None not in parts and sum(parts) != sv["tests"]:
            probs.append(Problem(s.line, f"summary: tests={sv['tests']} but passed+failed+skipped+xfail="
                                 f"{sum(parts)}"))
        result = s.get("result")
        if result == "PASS":
            why = []
            if sv["failed"]:
                why.append(f"failed={sv['failed']}")
            if any(sv[k] is None for k in COUNT_KEYS):
                why.append("counts not known ('-')")
            if failed_tests:
                why.append(f"test {failed_tests[0].path} failed (line {failed_tests[0].line})")
            if log.truncated:
                why.append("the KTAP document is incomplete")
            if why:
                probs.append(Problem(s.line, "summary says result=PASS but " + "; ".join(why)))
        elif result == "FAIL":
            if not (sv["failed"] or failed_tests or log.panic_lines or log.truncated):
                probs.append(Problem(s.line, "summary says result=FAIL but no test failed, no panic line was "
                                     "found and the KTAP is complete"))

    # what happened, against what was expected
    if expect_result == "PASS":
        for t in failed_leaves:
            probs.append(Problem(t.line, f"test failed: {t.path}", FAILURE, _fail_details(t)))
        if kfail:
            probs.append(Problem(s.line, "kernel reported FAIL", FAILURE,
                                 [f"line {n}: {l}" for n, l in log.panic_lines[:20]]))
    elif expect_result == "FAIL":
        if s is not None and s.get("result") != "FAIL":
            probs.append(Problem(s.line, f"expected result=FAIL (injected fault), the summary says "
                                 f"result={s.get('result')}", EXPECT))
    elif expect_result != "ANY":
        raise ValueError(f"expect_result must be PASS, FAIL or ANY, not {expect_result!r}")

    notes = []
    tolerate = kfail and expect_result in ("FAIL", "ANY")
    kept = []
    for p in probs:
        if p.kind == INCOMPLETE and tolerate:
            notes.append(p)
        elif p.kind == FAILURE and expect_result != "PASS":
            notes.append(p)
        else:
            kept.append(p)
    probs = kept
    if expect_result != "PASS":
        for t in failed_leaves:
            notes.append(Problem(t.line, f"test failed: {t.path}", FAILURE, _fail_details(t)))
        if kfail:
            notes.append(Problem(s.line, "kernel reported FAIL", FAILURE,
                                 [f"line {n}: {l}" for n, l in log.panic_lines[:20]]))

    for e in expect:
        m = re.match(r"^([a-z0-9_]+)\s*(>=|<=|=)\s*(\S+)$", e)
        if not m:
            probs.append(Problem(0, f"bad --expect {e!r} (want key=value, key>=N or key<=N)", EXPECT))
            continue
        key, op, want = m.groups()
        if s is None:
            probs.append(Problem(0, f"expected {e}: no summary line", EXPECT))
            continue
        got = s.get(key)
        if got is None:
            probs.append(Problem(s.line, f"expected {e}: the summary has no key {key}", EXPECT))
            continue
        if op == "=":
            good = got == want
        else:
            good = got.isdigit() and want.isdigit() and (int(got) >= int(want) if op == ">=" else
                                                         int(got) <= int(want))
        if not good:
            probs.append(Problem(s.line, f"expected {key}{op}{want}, the summary says {key}={got}", EXPECT))

    for path in require:
        t = tree.find(path)
        if t is None:
            probs.append(Problem(0, f"required test {path} not found in the KTAP", EXPECT))
        elif t.status != "pass":
            probs.append(Problem(t.line, f"required test {path} is not ok: {t.result_text()}", EXPECT,
                                 _fail_details(t)[1:]))
    for path in require_skip:
        t = tree.find(path)
        if t is None:
            probs.append(Problem(0, f"test {path} (required to be skipped) not found in the KTAP", EXPECT))
        elif t.directive != "SKIP":
            probs.append(Problem(t.line, f"test {path} should be skipped: {t.result_text()}", EXPECT))
    for rx in expect_lines:
        try:
            r = re.compile(rx)
        except re.error as err:
            probs.append(Problem(0, f"bad --expect-line regex {rx!r}: {err}", EXPECT))
            continue
        if not any(r.search(l) for l in log.lines):
            probs.append(Problem(0, f"no line of the log matches {rx!r}", EXPECT))
    for rx in expect_once:   # a fact said once: exactly one line matches
        try:
            r = re.compile(rx)
        except re.error as err:
            probs.append(Problem(0, f"bad --expect-once regex {rx!r}: {err}", EXPECT))
            continue
        hits = [i + 1 for i, l in enumerate(log.lines) if r.search(l)]
        if len(hits) != 1:
            probs.append(Problem(hits[1] if len(hits) > 1 else 0, f"{len(hits)} lines of the log match {rx!r}, "
                                 f"want exactly 1" + (f" (lines {', '.join(map(str, hits[:5]))})" if hits else ""),
                                 EXPECT))

    probs.sort(key=lambda p: (p.line == 0, p.line))
    notes.sort(key=lambda p: (p.line == 0, p.line))
    return Report(log=log, problems=probs, notes=notes, counts=counts)


def describe(report):
    """'tests=.. passed=.. failed=.. skipped=.. xfail=.. result=.. cpus_found=..' for the final line."""
    parts = [f"{k}={report.counts[k]}" for k in COUNT_KEYS]
    s = report.summary
    if s is not None:
        parts += [f"{k}={s.get(k)}" for k in FIXED_KEYS if k not in COUNT_KEYS and s.get(k) is not None]
        parts += [f"{k}={v}" for k, v in s.extras.items()]
    return " ".join(parts)


def format_tree(tree):
    out = []
    for t in tree.walk():
        if t is tree:
            continue
        mark = "cut " if t.unfinished else {"pass": "ok  ", "fail": "FAIL", "skip": "skip", "xfail": "xfl "}[t.status]
        extra = f"  # {t.directive} {t.reason}".rstrip() if (t.directive or t.reason) else ""
        out.append(f"  {mark} {'  ' * t.depth}{t.name}{extra}")
    return out


def _print_problem(prefix, p, out):
    where = f"{prefix}:{p.line}: " if p.line else f"{prefix}: "
    print(f"ktapcheck: {where}{p.msg}", file=out)
    for d in p.details:
        print(f"    | {d}", file=out)


def main(argv=None):
    ap = argparse.ArgumentParser(description="Check a vmxboot serial log (KTAP + summary line).")
    ap.add_argument("log")
    ap.add_argument("--expect", action="append", default=[], metavar="KEY=VALUE",
                    help="a summary value that must hold (also KEY>=N, KEY<=N); repeatable")
    ap.add_argument("--expect-result", default="PASS", type=str.upper, choices=["PASS", "FAIL", "ANY"],
                    help="the result the kernel must report (default PASS)")
    ap.add_argument("--require", action="append", default=[], metavar="PATH",
                    help="a test path like smp/cpu3/ran_own_job that must exist and be ok; repeatable")
    ap.add_argument("--require-skip", action="append", default=[], metavar="PATH",
                    help="a test path that must exist with a SKIP directive; repeatable")
    ap.add_argument("--expect-line", action="append", default=[], metavar="REGEX",
                    help="a regex that must match some line of the log; repeatable")
    ap.add_argument("--expect-once", action="append", default=[], metavar="REGEX",
                    help="a regex that must match exactly one line of the log; repeatable")
    ap.add_argument("--tree", action="store_true", help="print the parsed test tree")
    ap.add_argument("--quiet", action="store_true", help="print only the problems and the final line")
    a = ap.parse_args(argv)
    try:
        with open(a.log, "rb") as f:
            data = f.read()
    except OSError as e:
        print(f"ktapcheck: {a.log}: cannot read: {e.strerror}")
        print(f"ktapcheck: {a.log} FAILED: 1 problems")
        return 1
    rep = check(data, expect=a.expect, expect_result=a.expect_result, require=a.require,
                require_skip=a.require_skip, expect_lines=a.expect_line, expect_once=a.expect_once)
    out = sys.stdout
    if a.tree:
        for l in format_tree(rep.tree):
            print(l, file=out)
    if not a.quiet:
        for n in rep.notes:
            n2 = Problem(n.line, "note: " + n.msg, n.kind, n.details)
            _print_problem(a.log, n2, out)
    for p in rep.problems:
        _print_problem(a.log, p, out)
    if rep.ok:
        tag = "" if a.expect_result == "PASS" else f"expected {a.expect_result}; "
        print(f"ktapcheck: {a.log} ok ({tag}{describe(rep)})", file=out)
        return 0
    print(f"ktapcheck: {a.log} FAILED: {len(rep.problems)} problems", file=out)
    return 1


if __name__ == "__main__":
    sys.exit(main())
