"""Tests of tests/emu/slots.py, make test's shared emulator job slots: never more holders than
slots, the largest estimate first, and a slot freed when its holder dies."""

import os
import subprocess
import sys
import tempfile
import threading
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "emu"))
import slots  # noqa: E402


class Peak:
    """Counts the threads inside `with peak:` and keeps the most there were at once."""

    def __init__(self):
        self.lock, self.now, self.most = threading.Lock(), 0, 0

    def __enter__(self):
        with self.lock:
            self.now += 1
            self.most = max(self.most, self.now)

    def __exit__(self, *exc):
        with self.lock:
            self.now -= 1


class SlotsTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="slots-test-")
        self.old = os.environ.get(slots.ENV)

    def tearDown(self):
        if self.old is None:
            os.environ.pop(slots.ENV, None)
        else:
            os.environ[slots.ENV] = self.old

    def use(self, n):
        os.environ[slots.ENV] = f"{self.dir}:{n}"

    def test_never_more_holders_than_slots(self):
        self.use(2)
        peak = Peak()

        def job(i):
            with slots.held(f"job{i}", 10), peak:
                time.sleep(0.2)
        ts = [threading.Thread(target=job, args=(i,)) for i in range(6)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        self.assertEqual(peak.most, 2)
        with open(os.path.join(self.dir, "held.tsv")) as f:
            self.assertEqual(len(f.readlines()), 6)

    def test_largest_estimate_first(self):
        self.use(1)
        order, started = [], threading.Event()

        def first():
            with slots.held("first", 1):
                started.set()
                time.sleep(0.5)        # the others queue meanwhile

        def job(est):
            with slots.held(f"est{est}", est):
                order.append(est)
        t0 = threading.Thread(target=first)
        t0.start()
        started.wait()
        ts = [threading.Thread(target=job, args=(e,)) for e in (10, 50, 30)]
        for t in ts:
            t.start()
            time.sleep(0.05)
        for t in [t0] + ts:
            t.join()
        self.assertEqual(order, [50, 30, 10])

    def test_a_dead_holder_frees_its_slot(self):
        self.use(1)
        code = ("import os, sys, time; sys.path.insert(0, %r); import slots\n"
                "with slots.held('child', 1):\n    print('holding', flush=True); time.sleep(60)\n"
                % os.path.dirname(slots.__file__))
        p = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, env=dict(os.environ))
        self.assertEqual(p.stdout.readline().strip(), b"holding")
        p.kill()
        p.wait()
        t0 = time.monotonic()
        with slots.held("after", 1) as waited:
            pass
        self.assertLess(time.monotonic() - t0, 5, "the killed holder's slot was not freed")
        self.assertLess(waited, 5)

    def test_exclusive_waits_for_every_slot_and_keeps_them(self):
        self.use(2)
        lock, log, go = threading.Lock(), [], threading.Event()

        def one():
            with slots.held("one", 100):
                go.set()
                time.sleep(0.4)
                with lock:
                    log.append("one done")

        def timing():
            with slots.held("timing", 5, exclusive=True):
                with lock:
                    log.append("timing in")
                time.sleep(0.4)
                with lock:
                    log.append("timing out")

        def later():
            with slots.held("later", 1):
                with lock:
                    log.append("later in")
        ts = [threading.Thread(target=one)]
        ts[0].start()
        go.wait()
        for f in (timing, later):
            ts.append(threading.Thread(target=f))
            ts[-1].start()
            time.sleep(0.1)
        for t in ts:
            t.join()
        # the exclusive run starts only once 'one' is out, and 'later' (a free slot was there all
        # along, but the exclusive ticket is ahead of it) only once the exclusive run is out
        self.assertEqual(log, ["one done", "timing in", "timing out", "later in"])

    def test_light_runs_beside_the_emulator_slots_one_at_a_time(self):
        self.use(2)
        lock, log, full = threading.Lock(), [], threading.Barrier(3)

        def heavy(i):
            with slots.held(f"heavy{i}", 10):
                full.wait()          # both emulator slots held at once
                time.sleep(0.5)
                with lock:
                    log.append(f"heavy{i} done")

        def light(i):
            with slots.held(f"light{i}", 10, light=True):
                with lock:
                    log.append(f"light{i} in")
                time.sleep(0.2)
                with lock:
                    log.append(f"light{i} out")
        ts = [threading.Thread(target=heavy, args=(i,)) for i in range(2)]
        for t in ts:
            t.start()
        full.wait()
        ts += [threading.Thread(target=light, args=(i,)) for i in range(2)]
        for t in ts[2:]:
            t.start()
        for t in ts:
            t.join()
        # both light runs went in while the two emulator slots were held, one after the other (2 // 2 = 1)
        self.assertEqual(sorted(log[:4]), ["light0 in", "light0 out", "light1 in", "light1 out"])
        self.assertIn(log[1], ("light0 out", "light1 out"))
        self.assertEqual(sorted(log[4:]), ["heavy0 done", "heavy1 done"])
        with open(os.path.join(self.dir, "held.tsv")) as f:
            self.assertEqual(sorted(l.split("\t")[0] for l in f), ["heavy0", "heavy1", "light0", "light1"])

    def test_a_group_runs_one_at_a_time_beside_other_runs(self):
        self.use(3)
        peak, other_in = Peak(), threading.Event()

        def member(i):
            with slots.held(f"big{i}", 10, group="big"), peak:
                time.sleep(0.3)

        def other():
            with slots.held("other", 1):
                other_in.set()
        ts = [threading.Thread(target=member, args=(i,)) for i in range(2)]
        for t in ts:
            t.start()
        time.sleep(0.1)
        ts.append(threading.Thread(target=other))
        ts[-1].start()
        # a free slot goes to the other run while a group member holds one and the next one waits its turn
        self.assertTrue(other_in.wait(0.25))
        for t in ts:
            t.join()
        self.assertEqual(peak.most, 1)

    def test_without_the_variable_nothing_waits(self):
        os.environ.pop(slots.ENV, None)
        with slots.held("x", 1) as waited:
            self.assertEqual(waited, 0.0)


if __name__ == "__main__":
    unittest.main()
