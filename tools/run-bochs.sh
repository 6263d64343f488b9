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
trap 'kill $bx 2>/dev/null; sleep 0.5; kill -9 $bx 2>/dev/null; rm -rf "$dir"; exit 0' EXIT
# wait until Bochs listens; never connect to probe (Bochs serves exactly one client)
for _ in $(seq 100); do
	ss -ltn 2>/dev/null | grep -q "127.0.0.1:$port " && break
	sleep 0.2
done
if [ -t 0 ]; then
	socat -,raw,echo=0,escape=0x1d TCP:127.0.0.1:$port || true
else
	socat -u TCP:127.0.0.1:$port STDOUT || true   # no terminal: show the log only
fi
