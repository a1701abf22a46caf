#!/usr/bin/env bash
# Turns the serial logs of a `make bench-scale` run into the results file
# and prints its tables.
#
#   scripts/bench-scale-report.sh [--partial] LOG LINUXLOG TXT
#
# LOG is this kernel's boot (build/bench-scale.log), LINUXLOG Linux's
# (build/bench-scale-linux.log). Writes TXT (build/bench-scale.txt): the
# tables of startup time, page-table memory and faults against clients per
# buffer size, then every point as a `bench: kind=scale ...` line
# (scripts/bench-scale-report.awk says which). Prints the tables on stdout.
#
# Exit status 0 when QEMU ended this kernel's boot by a poweroff (status 0
# or 33, from LOG.status, written by run.sh --log) and Linux's through
# isa-debug-exit with a pass (33; from LINUXLOG.status, written by
# scripts/linux-kernel.sh), and both logs are complete scale runs with no
# failed run; 1 otherwise, after printing what there is; 2 on bad usage.
# --partial reports a run cut short (or with failed runs) as far as it went:
# TXT says what is missing ("Partial run: ..." above the tables) and the
# status is 0 when there is any point.
set -eu

partial=0
if [ $# -ge 1 ] && [ "$1" = --partial ]; then
	partial=1
	shift
fi
if [ $# -ne 3 ]; then
	echo "usage: scripts/bench-scale-report.sh [--partial] LOG LINUXLOG TXT" >&2
	exit 2
fi
log=$1 linux=$2 txt=$3
here=$(dirname "$0")
for l in "$log" "$linux"; do
	[ -f "$l" ] || { echo "bench-scale-report: no log $l (run 'make bench-scale')" >&2; exit 1; }
done
rc=0
awk -v partial="$partial" -f "$here/kv.awk" -f "$here/bench-scale-report.awk" "$log" "$linux" >"$txt" || rc=1
sed '/^bench: /d' "$txt"

status=$(tr -d ' \r\n' <"$log.status" 2>/dev/null || echo missing)
case $status in
0 | 33) ;;
124 | 137) echo "bench-scale-report: the benchmark timed out; see $log" >&2; rc=1 ;;
*) echo "bench-scale-report: QEMU exit status $status; see $log" >&2; rc=1 ;;
esac
status=$(tr -d ' \r\n' <"$linux.status" 2>/dev/null || echo missing)
case $status in
33) ;;
0) echo "bench-scale-report: Linux panicked or powered off (QEMU status 0); see $linux" >&2; rc=1 ;;
*) echo "bench-scale-report: the Linux boot ended with QEMU status $status; see $linux" >&2; rc=1 ;;
esac
echo "results: $txt (logs: $log $linux)"
[ "$partial" = 1 ] && [ -s "$txt" ] && grep -q '^bench: kind=scale ' "$txt" && exit 0
exit $rc
