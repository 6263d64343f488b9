#!/usr/bin/env bash
# run-bochs.sh ISO: Bochs with VT-x CPUs; COM1 is a TCP socket on 127.0.0.1 that
# this script connects to your terminal. Leave with Ctrl-] (Ctrl-C goes to the console).
set -euo pipefail
iso=$(readlink -f "$1")
dir=$(mktemp -d)
port=${PORT:-$((20000 + RANDOM % 20000))}
model=${MODEL:-corei7_skylake_x}
smp=${SMP:-4}
sed -e "s|@ISO@|$iso|; s|@MODEL@|$model|; s|@COUNT@|$smp|; s|@MEGS@|256|; s|@BOCHS_LOG@|$dir/bochs.log|" \
	-e "s|^com1:.*|com1: enabled=1, mode=socket-server, dev=127.0.0.1:$port|" \
	"$(dirname "$0")/../tests/emu/bochsrc.in" > "$dir/bochsrc"
printf 'c\n' > "$dir/cmds"
echo "run: Bochs, $smp x $model, COM1 on 127.0.0.1:$port; leave with Ctrl-]"
TERM=dumb bochs -q -f "$dir/bochsrc" -rc "$dir/cmds" </dev/null >"$dir/bochs.out" 2>&1 &
bx=$!
stop_bochs() {
	kill "$bx" 2>/dev/null || return 0
	for _ in $(seq 10); do kill -0 "$bx" 2>/dev/null || return 0; sleep 0.1; done
	kill -9 "$bx" 2>/dev/null || true
}
trap 'stop_bochs; rm -rf "$dir"' EXIT
# Bochs 2.7 exits 1 after a power-off too: what ended the run is in its log
powered_off() { grep -qE 'Shutdown port: shutdown requested|ACPI control: soft power off' "$dir/bochs.log" 2>/dev/null; }
panics() { grep -a '>>PANIC<<' "$dir/bochs.log" 2>/dev/null | grep -vE 'Shutdown port: shutdown requested|ACPI control: soft power off' || true; }
# wait until Bochs listens; never connect to probe (Bochs serves exactly one client)
listening=no
for _ in $(seq 100); do
	ss -ltn 2>/dev/null | grep -q "127.0.0.1:$port " && { listening=yes; break; }
	kill -0 "$bx" 2>/dev/null || break
	sleep 0.2
done
if [ $listening = no ] && kill -0 "$bx" 2>/dev/null; then
	echo "run: Bochs did not open COM1 on 127.0.0.1:$port within 20 s; stopping it" >&2
	tail -5 "$dir/bochs.out" | sed 's/^/run: Bochs output: /' >&2
	exit 1
fi
if [ -t 0 ]; then
	socat -,raw,echo=0,escape=0x1d TCP:127.0.0.1:$port || true
else
	socat -u TCP:127.0.0.1:$port STDOUT || true   # no terminal: show the log only
fi
# The session is over: Bochs closed COM1 (it exited, or is exiting), or you pressed Ctrl-].
if kill -0 "$bx" 2>/dev/null && ! powered_off && [ -z "$(panics)" ]; then
	echo "run: you left the session; Bochs stopped"
	exit 0
fi
for _ in $(seq 50); do kill -0 "$bx" 2>/dev/null || break; sleep 0.2; done   # let it finish exiting
stop_bochs
rc=0
wait "$bx" || rc=$?
if powered_off; then
	echo "run: the kernel powered the machine off (Bochs exit status $rc, which Bochs gives every power-off)"
	exit 0
fi
bad=$(panics)
if [ -n "$bad" ] || [ "$rc" -ne 0 ]; then
	if [ "$rc" -gt 128 ]; then why="killed by signal $((rc - 128))"; else why="exit status $rc"; fi
	echo "run: Bochs failed ($why) without a power-off by the kernel" >&2
	[ -n "$bad" ] && printf 'run: Bochs log: %s\n' "$bad" | head -5 >&2
	tail -5 "$dir/bochs.out" | sed 's/^/run: Bochs output: /' >&2
	exit 1
fi
echo "run: Bochs exited (status 0)"
