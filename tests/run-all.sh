#!/usr/bin/env bash
# `make test`: host unit tests, fuzzers, the log checker's own tests, emulator boots.
# Prints one closing line "make test: N passed, N failed" (leaf tests of every part).
set -u
cd "$(dirname "$0")/.."
start=$(date +%s)
status=0
rm -f build/*.count
echo "== host unit tests (cmocka, ASan+UBSan)"
make -s host-tests || status=1
echo "== fuzzers (libFuzzer, ${FUZZ_SECONDS:-5} s each)"
make -s fuzz FUZZ_SECONDS="${FUZZ_SECONDS:-5}" || status=1
echo "== log checker and log tool tests"
if out=$(python3 -m unittest tests/test_ktapcheck.py tests/test_vmxcaps.py tests/test_bench_linux.py tests/test_bench_boot.py 2>&1); then kt_f=0; else kt_f=1; status=1; fi
printf '%s\n' "$out" | tail -3
kt_n=$(printf '%s\n' "$out" | sed -n 's/^Ran \([0-9]*\) test.*/\1/p')
kt_fail=$(printf '%s\n' "$out" | sed -n 's/^FAILED (\(failures\|errors\)=\([0-9]*\).*/\2/p')
kt_fail=${kt_fail:-$kt_f}
echo "$(( ${kt_n:-0} - kt_fail )) $kt_fail 0" > build/ktapcheck.count
echo "== emulator boots (QEMU TCG, OVMF, Bochs)"
# two boots at a time: both cores of the development machine (each test has its own files, no fixed port)
python3 tests/emu/suite.py -j "${EMU_JOBS:-2}" ${EMU_ONLY:+--only "$EMU_ONLY"} || status=1
echo "== console sessions (Bochs VT-x and QEMU TCG, COM1 on a 127.0.0.1 socket)"
# console_test.py writes build/console.count ("passed failed 0"); no file means it crashed
python3 tests/emu/console_test.py || status=1
echo "== console at the PS/2 keyboard (QEMU SeaBIOS, keys by QMP, the VGA text screen read back)"
python3 tests/emu/kbd_test.py || status=1
echo "== make run's exit status (tools/run.sh on a pseudo-terminal: poweroff, Ctrl-], an emulator crash)"
python3 tests/emu/run_test.py || status=1
echo "== timers without the PIT (QEMU TCG: pit=off, pit=off,hpet=off against a normal run's PIT figure)"
# timer_test.py writes build/timer.count ("passed failed 0")
python3 tests/emu/timer_test.py || status=1
echo "== screen tests (QEMU: the framebuffer and VGA text screen read back as text)"
python3 tests/emu/screen_test.py || status=1
echo "== Secure Boot (QEMU q35 + OVMF_CODE_4M.secboot.fd: the signed ISO runs, unsigned or changed ones are refused)"
# secboot_test.py writes build/secboot.count ("passed failed 0")
python3 tests/emu/secboot_test.py || status=1
pass=0 fail=0
for f in build/host-tests.count build/fuzz.count build/ktapcheck.count build/emu.count build/console.count build/kbd.count build/run.count build/timer.count build/screen.count build/secboot.count; do
	if [ -f "$f" ]; then
		read -r p q _ < "$f"; pass=$((pass + p)); fail=$((fail + q))
	else
		echo "make test: $f missing: that part did not run"; fail=$((fail + 1)); status=1
	fi
done
echo "make test: took $(( $(date +%s) - start )) s"
echo "make test: $pass passed, $fail failed"
exit $status
