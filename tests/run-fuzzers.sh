#!/usr/bin/env bash
# Runs each libFuzzer binary for the given number of seconds; a crash or sanitizer report fails.
# FUZZ_JOBS=N runs N of them at a time (make test: 2, both cores); results print in the given order.
set -u
secs=$1; shift
jobs=${FUZZ_JOBS:-1}
pass=0 fail=0
one() {        # one BIN: runs it, leaves build/fuzz/NAME.rc
	local bin=$1 name corpus seeds
	name=$(basename "$bin")
	corpus=build/fuzz/corpus-$name; mkdir -p "$corpus"
	seeds=tests/fuzz/seeds/${name#fuzz_}
	"$bin" -max_total_time="$secs" -print_final_stats=0 "$corpus" $( [ -d "$seeds" ] && echo "$seeds") >build/fuzz/$name.log 2>&1
	echo $? > build/fuzz/$name.rc
}
for bin in "$@"; do
	rm -f "build/fuzz/$(basename "$bin").rc"
	while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n; done
	one "$bin" &
done
wait
for bin in "$@"; do
	name=$(basename "$bin")
	if [ "$(cat build/fuzz/$name.rc 2>/dev/null)" = 0 ]; then
		echo "fuzz: $name ran ${secs}s: $(grep -o 'Done [0-9]* runs' build/fuzz/$name.log | tail -1)"
		pass=$((pass + 1))
	else
		echo "fuzz: $name FAILED (exit status $(cat build/fuzz/$name.rc 2>/dev/null || echo none)):"; tail -40 build/fuzz/$name.log
		fail=$((fail + 1))
	fi
done
echo "fuzz: $pass passed, $fail failed"
echo "$pass $fail 0" > build/fuzz.count
[ "$fail" -eq 0 ]
