#!/usr/bin/env bash
# `make test`: host unit tests, fuzzers, the log checker's own tests, emulator boots.
# Prints one closing line "make test: N passed, N failed" (leaf tests of every part).
# Every emulator-based part starts at once, sharing EMU_JOBS (2) emulator job slots
# (tests/emu/slots.py), longest run first; meanwhile the host parts run in the foreground (builds
# with make -j2, two fuzzers at a time), so both cores stay busy; each emulator part's output is
# printed whole, in the usual order, once all of them are done. Closing lines: each part's wall
# time and the ten longest emulator runs.
set -u
cd "$(dirname "$0")/.."
start=$(date +%s)
status=0
jobs=${EMU_JOBS:-2}
rm -f build/*.count
mkdir -p build
parts=build/parts
rm -rf "$parts"
mkdir -p "$parts/slots"
times=()      # "NAME SECONDS" in the order the parts are listed

timed() {     # timed NAME CMD...: runs CMD in the foreground, notes its wall time
	local name=$1 t0 rc
	shift
	t0=$(date +%s)
	"$@"
	rc=$?
	times+=("$name $(( $(date +%s) - t0 ))")
	return $rc
}

run_logged() {   # run_logged NAME CMD...: CMD's output to the terminal and to build/parts/NAME.out
	local name=$1
	shift
	"$@" 2>&1 | tee "$parts/$name.out"
	return "${PIPESTATUS[0]}"
}

# the names of the failed tests in every part's output (each runner's own failure line)
failed_names() {
	local out=("$parts"/*.out)
	{ sed -n 's/^suite: .*; failed: //p' "${out[@]}" | tr ' ' '\n'
	  sed -n -e 's/^not ok - \([^:]*\).*/\1/p' \
		-e 's/^timer-test: FAIL: \([^:]*\):.*/timer: \1/p' \
		-e 's/^screen: \([^ ]*\) FAIL.*/screen: \1/p' \
		-e 's/^\[  FAILED  \] \([^0-9 ][^ ]*\)$/host: \1/p' \
		-e 's/^host-tests: \([^ ]*\) exited .*/host: \1/p' \
		-e 's/^fuzz: \([^ ]*\) FAILED.*/fuzz: \1/p' \
		-e 's/^\(FAIL\|ERROR\): [^ ]* (\(.*\))$/python: \2/p' "${out[@]}"
	} 2>/dev/null | sed '/^$/d' | awk '!seen[$0]++' | paste -sd ',' - | sed 's/,/, /g'
}

# -- the emulator-based parts, all at once, sharing the job slots --
# the ISOs the runners build need the kernel: build it once here, before they start
make -s -j"$(nproc)" all || status=1
export VMXBOOT_SLOTS="$parts/slots:$jobs"
names=() heads=()
part() {      # part NAME 'HEADING' CMD...: starts CMD in the background, output to build/parts/NAME.out
	local name=$1 head=$2
	shift 2
	names+=("$name"); heads+=("$head")
	( export VMXBOOT_PART=$name; t0=$(date +%s); "$@" >"$parts/$name.out" 2>&1; rc=$?
	  echo "$(( $(date +%s) - t0 ))" >"$parts/$name.secs"; echo "$rc" >"$parts/$name.rc" ) &
}
echo "== emulator-based parts: started, all at once, $jobs emulator runs at a time (their output follows the host parts)"
# twice as many suite tests at once as job slots (at most 4): the slots still allow $jobs
# emulators, and one test's ISO copy, log checks and Python start overlap another's run
part emu "emulator boots (QEMU TCG, OVMF, Bochs)" \
	python3 tests/emu/suite.py -j "$(( jobs * 2 > 4 ? 4 : jobs * 2 ))" ${EMU_ONLY:+--only "$EMU_ONLY"}
# console_test.py writes build/console.count ("passed failed 0"); no file means it crashed
part console "console sessions (Bochs VT-x and QEMU TCG, COM1 on a 127.0.0.1 socket)" \
	python3 tests/emu/console_test.py -j "$jobs"
part kbd "console at the PS/2 keyboard (QEMU SeaBIOS, keys by QMP, the VGA text screen read back)" \
	python3 tests/emu/kbd_test.py
part run "make run's exit status (tools/run.sh on a pseudo-terminal: poweroff, Ctrl-], an emulator crash)" \
	python3 tests/emu/run_test.py
# timer_test.py writes build/timer.count ("passed failed 0")
part timer "timers without the PIT (QEMU TCG: pit=off, pit=off,hpet=off against a normal run's PIT figure)" \
	python3 tests/emu/timer_test.py
part screen "screen tests (QEMU: the framebuffer and VGA text screen read back as text)" \
	python3 tests/emu/screen_test.py
# secboot_test.py writes build/secboot.count ("passed failed 0")
part secboot "Secure Boot (QEMU q35 + OVMF_CODE_4M.secboot.fd: the signed ISO runs, unsigned or changed ones are refused)" \
	python3 tests/emu/secboot_test.py -j "$jobs"
# -- meanwhile the host parts, in the foreground (they fill the cores while emulator runs wait on I/O) --
echo "== host unit tests (cmocka, ASan+UBSan)"
timed host-tests run_logged host-tests make -s -j2 host-tests || status=1
echo "== fuzzers (libFuzzer, ${FUZZ_SECONDS:-5} s each)"
timed fuzz run_logged fuzz env FUZZ_JOBS=2 make -s -j2 fuzz FUZZ_SECONDS="${FUZZ_SECONDS:-5}" || status=1
echo "== log checker and log tool tests"
t0=$(date +%s)
if out=$(python3 -m unittest tests/test_ktapcheck.py tests/test_vmxcaps.py tests/test_slots.py tests/test_bench_linux.py tests/test_bench_boot.py tests/test_bochs_screen.py tests/test_suite_units.py tests/test_iso_slot.py tests/test_bench_smp.py 2>&1); then kt_f=0; else kt_f=1; status=1; fi
printf '%s\n' "$out" | tail -3
printf '%s\n' "$out" > "$parts/ktapcheck.out"
kt_n=$(printf '%s\n' "$out" | sed -n 's/^Ran \([0-9]*\) test.*/\1/p')
kt_fail=$(printf '%s\n' "$out" | sed -n 's/^FAILED (\(failures\|errors\)=\([0-9]*\).*/\2/p')
kt_fail=${kt_fail:-$kt_f}
echo "$(( ${kt_n:-0} - kt_fail )) $kt_fail 0" > build/ktapcheck.count
times+=("ktapcheck $(( $(date +%s) - t0 ))")

wait
rm -rf build/emu/iso-cache     # the ISOs every runner shared (about 20 MB each)
for i in "${!names[@]}"; do
	n=${names[$i]}
	echo "== ${heads[$i]}"
	cat "$parts/$n.out"
	rc=$(cat "$parts/$n.rc" 2>/dev/null || echo "?")
	[ "$rc" = 0 ] || { status=1; echo "make test: part $n ended with exit status $rc"; }
	times+=("$n $(cat "$parts/$n.secs" 2>/dev/null || echo '?')")
done

pass=0 fail=0
for f in build/host-tests.count build/fuzz.count build/ktapcheck.count build/emu.count build/console.count build/kbd.count build/run.count build/timer.count build/screen.count build/secboot.count; do
	if [ -f "$f" ]; then
		read -r p q _ < "$f"; pass=$((pass + p)); fail=$((fail + q))
	else
		echo "make test: $f missing: that part did not run"; fail=$((fail + 1)); status=1
	fi
done
held=$parts/slots/held.tsv
for t in "${times[@]}"; do
	n=${t% *}
	# an emulator part's wall time includes its waits for a slot: also say how long its runs held one
	more=$( [ -s "$held" ] && awk -F '\t' -v p="$n" '$4 == p { n++; h += $2 } END { if (n) printf "; its %d emulator runs held a job slot for %.0f s", n, h }' "$held")
	echo "make test: part $n took ${t##* } s$more"
done
if [ -s "$held" ]; then
	echo "make test: slowest emulator runs (seconds holding a job slot): $(sort -t "$(printf '\t')" -k2,2 -rn "$held" \
		| head -10 | awk -F '\t' '{printf "%s%s %s s", (NR > 1 ? ", " : ""), $1, $2}')"
fi
bad=$(failed_names)
# just above the closing line, so that the end of a CI log names what failed
[ "$fail" = 0 ] || echo "make test: failed: ${bad:-no failing test is named in the output of the parts, see above}"
echo "make test: took $(( $(date +%s) - start )) s"
echo "make test: $pass passed, $fail failed"
exit $status
