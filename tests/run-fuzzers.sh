#!/usr/bin/env bash
# Runs each libFuzzer binary for the given number of seconds; a crash or sanitizer report fails.
set -u
secs=$1; shift
pass=0 fail=0
for bin in "$@"; do
	name=$(basename "$bin")
	corpus=build/fuzz/corpus-$name; mkdir -p "$corpus"
	seeds=tests/fuzz/seeds/${name#fuzz_}
	if "$bin" -max_total_time="$secs" -print_final_stats=0 "$corpus" $( [ -d "$seeds" ] && echo "$seeds") >build/fuzz/$name.log 2>&1; then
		echo "fuzz: $name ran ${secs}s: $(grep -o 'Done [0-9]* runs' build/fuzz/$name.log | tail -1)"
		pass=$((pass + 1))
	else
		echo "fuzz: $name FAILED:"; tail -40 build/fuzz/$name.log
		fail=$((fail + 1))
	fi
done
echo "fuzz: $pass passed, $fail failed"
echo "$pass $fail 0" > build/fuzz.count
[ "$fail" -eq 0 ]
