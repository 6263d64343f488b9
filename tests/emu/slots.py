"""slots.py: the emulator job slots that make test's runners share (tests/run-all.sh).

run-all.sh runs the emulator suite, the console sessions, the keyboard, `make run`, timer,
screen and Secure Boot tests at the same time, and sets VMXBOOT_SLOTS=DIR:N. Every
emulator run of every runner then happens inside `with slots.held(name, estimate):`, so at
most N emulators run at once on the whole machine (N = EMU_JOBS, 2 by default: both cores),
and a free slot goes to the waiting run with the largest estimate first (longest first, so
that no long run starts alone at the end). Without VMXBOOT_SLOTS (a runner started by hand)
held() does nothing and each runner paces itself as before.

A run that mostly waits (a 10 s wait the kernel sleeps through, a screen held for seconds) can ask for a light slot instead (held(light=True)): one of N // 2 (at least 1)
DIR/light.I files, beside the N emulator slots, so its idle seconds do not keep a CPU-bound run waiting.

Runs of one group (held(group=NAME)) run one at a time: each takes DIR/group.NAME before it queues
for its slot (the two 240-vCPU boots, which beside each other would fight for the cores).

A slot is an flock(2) on DIR/slot.I: the kernel drops it when the holder dies, so a killed
runner never keeps one. Waiters leave a ticket in DIR/queue/ (its name sorts by estimate,
then arrival; tickets of dead processes are ignored). Each run held appends "NAME<TAB>held
seconds<TAB>waited seconds<TAB>part" to DIR/held.tsv (part: VMXBOOT_PART, which run-all.sh sets
per runner), from which run-all.sh prints the slowest runs and each part's emulator time.
"""

import contextlib
import fcntl
import os
import threading
import time

ENV = "VMXBOOT_SLOTS"
POLL_S = 0.02
_here = threading.local()


def waited_in_thread():
    """Seconds this thread has spent waiting for slots so far (a runner subtracts it from a case's time)."""
    return getattr(_here, "waited", 0.0)


def config():
    """(directory, slot count) from VMXBOOT_SLOTS, or None when it is not set."""
    spec = os.environ.get(ENV, "")
    if not spec:
        return None
    d, _, n = spec.rpartition(":")
    if not d or not n.isdigit() or int(n) < 1:
        raise SystemExit(f"slots: {ENV}={spec!r} is not DIR:N with N >= 1")
    return d, int(n)


def _alive(pid):
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False
    except PermissionError:
        return True


def _ahead_of(qdir, mine, slots):
    """How many slots the live tickets that sort before mine ask for (an exclusive one: all)."""
    n = 0
    for t in os.listdir(qdir):
        if t >= mine:
            continue
        f = t.split("-")
        try:
            pid = int(f[2])
        except (IndexError, ValueError):
            continue
        if _alive(pid):
            n += slots if f[-1] == "x" else 1
    return n


def _take_light(d, n):
    """One open, flocked DIR/light.I file (I < max(1, n // 2)), or None when all are held."""
    for i in range(max(1, n // 2)):
        fd = os.open(os.path.join(d, f"light.{i}"), os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return [fd]
        except BlockingIOError:
            os.close(fd)
    return None


def _try_take(d, n, ahead, want=1):
    """Open, flocked slot files (want of them) when at least ahead+want slots are free, else None."""
    got = []
    for i in range(n):
        fd = os.open(os.path.join(d, f"slot.{i}"), os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            got.append(fd)
        except BlockingIOError:
            os.close(fd)
    keep = got[:want] if len(got) >= ahead + want else []
    for fd in got[len(keep):]:
        os.close(fd)            # closing drops the lock
    return keep or None


@contextlib.contextmanager
def held(name, estimate=60, exclusive=False, light=False, group=None):
    """Runs the body while holding one emulator slot (or at once without VMXBOOT_SLOTS).
    estimate: seconds the run is expected to take; larger ones get a free slot first.
    exclusive: hold every slot, for a run that measures time and needs the host otherwise idle.
    light: a light slot instead of an emulator slot, for a run that is idle most of its time.
    group: a name; runs of the same group hold their slots one at a time.
    Yields the seconds spent waiting."""
    cfg = config()
    if cfg is None:
        yield 0.0
        return
    d, n = cfg
    if group:
        with open(os.path.join(d, f"group.{group}"), "w") as g:
            t0 = time.monotonic()
            fcntl.flock(g, fcntl.LOCK_EX)      # dropped when g is closed, or when its holder dies
            before = time.monotonic() - t0
            _here.waited = waited_in_thread() + before
            with held(name, estimate, exclusive, light) as waited:
                yield before + waited
        return
    if light:
        t0 = time.monotonic()
        fd = _take_light(d, n)
        while fd is None:
            time.sleep(POLL_S)
            fd = _take_light(d, n)
        waited = time.monotonic() - t0
        _here.waited = waited_in_thread() + waited
        yield from _holding(d, name, fd, waited)
        return
    qdir = os.path.join(d, "queue")
    os.makedirs(qdir, exist_ok=True)
    mine = f"{max(0, 99999 - int(estimate)):05d}-{time.time_ns():020d}-{os.getpid()}-{threading.get_ident()}-{'x' if exclusive else '1'}"
    ticket = os.path.join(qdir, mine)
    open(ticket, "w").close()
    t0 = time.monotonic()
    fd = None
    try:
        while fd is None:
            fd = _try_take(d, n, _ahead_of(qdir, mine, n), n if exclusive else 1)
            if fd is None:
                time.sleep(POLL_S)
    finally:
        os.unlink(ticket)
    waited = time.monotonic() - t0
    _here.waited = waited_in_thread() + waited
    yield from _holding(d, name, fd, waited)


def _holding(d, name, fds, waited):
    """The body of held(): yields, then drops the slot files fds and appends the run to held.tsv."""
    t1 = time.monotonic()
    try:
        yield waited
    finally:
        for f in fds:
            os.close(f)
        line = f"{name}\t{time.monotonic() - t1:.1f}\t{waited:.1f}\t{os.environ.get('VMXBOOT_PART', '-')}\n"
        with open(os.path.join(d, "held.tsv"), "a") as f:
            f.write(line)
