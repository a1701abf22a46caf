#!/usr/bin/env bash
# The test of the gdb commands (scripts/gdb/ptgdb.py): `make gdb-test`.
#
#   scripts/gdb/test.sh [BUILD_DIR]     (default: build)
#
# Boots BUILD_DIR/kernel.elf with the demo under QEMU twice, once as it is
# and once with vm.largepages=2 (the demo's segment then made of 2 MiB
# pages, mapped through leaf mirrors), each time stopped at its first
# instruction with a gdb stub on a Unix socket of its own (so that runs of
# other work trees on this machine, or a `make debug` on port 1234, never
# meet it), and runs gdb in batch mode with ptgdb.py and the checks of
# scripts/gdb/ptgdb_test.py for that scenario. The verdict comes from the
# checks' report: the plan line, no "not ok", as many "ok" lines as
# planned and the closing "gdb-test: N of N checks passed"; gdb must exit
# 0; QEMU's exit status counts for nothing. Everything is bounded: QEMU by
# run.sh --timeout, gdb by timeout.
#
# Writes BUILD_DIR/gdb-test-SCENARIO.log (gdb's output) and
# BUILD_DIR/gdb-test-SCENARIO.serial (the console). Exit status 0 when
# both scenarios pass, 1 otherwise.
set -eu

root=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
GDB=${GDB:-gdb}

fail() {
	echo "gdb-test: FAIL: $*" >&2
	exit 1
}

command -v "$GDB" >/dev/null || fail "no $GDB (scripts/deps.sh installs it)"
"$GDB" -nx -batch -ex 'python import gdb' >/dev/null 2>&1 || fail "$GDB has no Python"
[ -f "$build/kernel.elf" ] || fail "no $build/kernel.elf: run make first"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/gdb-test.XXXXXX")
qemu=
stop_qemu() {
	# QEMU runs under run.sh's timeout, in a process group of its own: its
	# pid file names exactly the process to stop.
	if [ -s "$tmp/qemu.pid" ]; then
		kill "$(cat "$tmp/qemu.pid")" 2>/dev/null || true
	fi
	[ -z "$qemu" ] || wait "$qemu" 2>/dev/null || true
	rm -f "$tmp/qemu.pid" "$tmp/gdb.sock"
	qemu=
}
trap 'stop_qemu; rm -rf "$tmp"' EXIT

# scenario NAME CMDLINE: one boot, one gdb run, its verdict.
scenario() {
	local name=$1 cmdline=$2 sock=$tmp/gdb.sock status=0 plan
	local log=$build/gdb-test-$name.log serial=$build/gdb-test-$name.serial

	QEMU_EXTRA="-gdb unix:$sock,server=on,wait=off -S -pidfile $tmp/qemu.pid" \
		BUILD_DIR=$build "$root/run.sh" --smp 1 --timeout 240 --cmdline "$cmdline" \
		</dev/null >"$serial" 2>&1 &
	qemu=$!
	# run.sh makes an ISO first; the socket appears when QEMU starts.
	for _ in $(seq 300); do
		[ -S "$sock" ] && break
		kill -0 "$qemu" 2>/dev/null || fail "$name: QEMU ended before its gdb stub was up (see $serial)"
		sleep 0.1
	done
	[ -S "$sock" ] || fail "$name: no gdb stub after 30 s (see $serial)"

	# gdb detaches at the end rather than killing the target: on a kill
	# QEMU exits at once, and gdb, still reading its answer, could report
	# a broken pipe and end with status 1 after every check had passed.
	# stop_qemu ends QEMU.
	(cd "$root" && PTGDB_TEST=$name timeout --kill-after=10 180 "$GDB" -nx -q -batch \
		-ex 'set pagination off' -ex 'set confirm off' \
		-x scripts/gdb/ptgdb.py -ex "target remote $sock" \
		-x scripts/gdb/ptgdb_test.py -ex detach \
		"$build/kernel.elf") >"$log" 2>&1 || status=$?
	stop_qemu

	echo "gdb-test: scenario $name${cmdline:+ (boot: $cmdline)}"
	grep -E '^(not )?ok [0-9]+ |^# |^gdb-test:' "$log" || true
	[ "$status" = 0 ] || fail "$name: gdb exited with status $status (124: timed out; see $log)"
	plan=$(sed -n 's/^1\.\.\([0-9][0-9]*\)$/\1/p' "$log" | head -1)
	[ -n "$plan" ] || fail "$name: no plan line: the checks did not start (see $log)"
	! grep -q '^not ok ' "$log" || fail "$name: some checks failed (see $log)"
	[ "$(grep -c '^ok ' "$log")" = "$plan" ] ||
		fail "$name: $(grep -c '^ok ' "$log") of $plan checks ran (see $log)"
	grep -qx "gdb-test: $plan of $plan checks passed" "$log" ||
		fail "$name: no summary line (see $log)"
}

scenario links ""
scenario large vm.largepages=2
echo "gdb-test: PASS"
