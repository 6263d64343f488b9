#!/usr/bin/env bash
# Runs every host unit-test binary given, prints each one's cmocka output and a total.
# Exit status 1 when any test fails or any binary crashes.
set -u
pass=0 fail=0 bad=0
for bin in "$@"; do
	out=$("$bin" 2>&1); rc=$?
	printf '%s\n' "$out"
	p=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | awk '{s+=$1} END {print s+0}')
	f=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' | awk '{s+=$1} END {print s+0}')
	pass=$((pass + p)); fail=$((fail + f))
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "host-tests: $bin exited $rc without a cmocka failure line (crash or sanitizer report)"
		bad=$((bad + 1)); fail=$((fail + 1))
	fi
done
echo "host-tests: $pass passed, $fail failed"
mkdir -p build && echo "$pass $fail 0" > build/host-tests.count
[ "$fail" -eq 0 ]
