#!/usr/bin/env bash
# The test of the gdb commands (scripts/gdb/ptgdb.py): `make gdb-test`.
#
#   scripts/gdb/test.sh [BUILD_DIR]     (default: build)
#
# Boots BUILD_DIR/kernel.elf with the demo under QEMU, stopped at its first
# instruction with a gdb stub on a Unix socket of its own (so that runs of
# other work trees on this machine, or a `make debug` on port 1234, never
# meet it), and runs gdb in batch mode with ptgdb.py and the checks of
# scripts/gdb/ptgdb_test.py. The verdict comes from the checks' report: the
# plan line, no "not ok", and the closing "gdb-test: N of N checks passed";
# never from QEMU's exit status, and gdb must exit 0. Everything is bounded:
# QEMU by run.sh --timeout, gdb by timeout.
#
# Writes BUILD_DIR/gdb-test.log (gdb's output) and BUILD_DIR/gdb-test.serial
# (the console). Exit status 0 on a pass, 1 on a failure.
set -eu

root=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
log=$build/gdb-test.log
serial=$build/gdb-test.serial
GDB=${GDB:-gdb}

fail() {
	echo "gdb-test: FAIL: $*" >&2
	exit 1
}

command -v "$GDB" >/dev/null || fail "no $GDB (scripts/deps.sh installs it)"
"$GDB" -nx -batch -ex 'python import gdb' >/dev/null 2>&1 || fail "$GDB has no Python"
[ -f "$build/kernel.elf" ] || fail "no $build/kernel.elf: run make first"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/gdb-test.XXXXXX")
sock=$tmp/gdb.sock
qemu=
cleanup() {
	# QEMU runs under run.sh's timeout, in a process group of its own: its
	# pid file names exactly the process to stop.
	if [ -s "$tmp/qemu.pid" ]; then
		kill "$(cat "$tmp/qemu.pid")" 2>/dev/null || true
	fi
	[ -z "$qemu" ] || wait "$qemu" 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT

QEMU_EXTRA="-gdb unix:$sock,server=on,wait=off -S -pidfile $tmp/qemu.pid" \
	BUILD_DIR=$build "$root/run.sh" --timeout 240 </dev/null >"$serial" 2>&1 &
qemu=$!

# run.sh makes an ISO first; the socket appears when QEMU starts.
for _ in $(seq 300); do
	[ -S "$sock" ] && break
	kill -0 "$qemu" 2>/dev/null || fail "QEMU ended before its gdb stub was up (see $serial)"
	sleep 0.1
done
[ -S "$sock" ] || fail "no gdb stub after 30 s (see $serial)"

status=0
(cd "$root" && timeout --kill-after=10 180 "$GDB" -nx -q -batch \
	-ex 'set pagination off' -ex 'set confirm off' \
	-x scripts/gdb/ptgdb.py -ex "target remote $sock" \
	-x scripts/gdb/ptgdb_test.py -ex kill \
	"$build/kernel.elf") >"$log" 2>&1 || status=$?

grep -E '^(not )?ok [0-9]+ |^# |^gdb-test:' "$log" || true
[ "$status" = 0 ] || fail "gdb exited with status $status (124: timed out; see $log)"
plan=$(sed -n 's/^1\.\.\([0-9][0-9]*\)$/\1/p' "$log" | head -1)
[ -n "$plan" ] || fail "no plan line: the checks did not start (see $log)"
! grep -q '^not ok ' "$log" || fail "some checks failed (see $log)"
[ "$(grep -c '^ok ' "$log")" = "$plan" ] || fail "$(grep -c '^ok ' "$log") of $plan checks ran"
grep -qx "gdb-test: $plan of $plan checks passed" "$log" || fail "no summary line (see $log)"
echo "gdb-test: PASS ($plan checks)"
