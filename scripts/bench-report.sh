#!/usr/bin/env bash
# Turns the serial log of a `make bench` boot into the results file and
# prints the comparison table.
#
#   scripts/bench-report.sh LOG TXT
#
# Writes TXT (build/bench.txt): the table, then every result as a
# `bench: kind=... key=value` line (scripts/bench-report.awk says which).
# Prints the table (TXT without those lines) on stdout.
#
# Exit status 0 when QEMU ended by a poweroff (status 0, or 33 through
# isa-debug-exit; read from LOG.status, written by run.sh --log) and the log
# is complete with no failed run; 1 otherwise, after printing what there is;
# 2 on bad usage.
set -eu

if [ $# -ne 2 ]; then
	echo "usage: scripts/bench-report.sh LOG TXT" >&2
	exit 2
fi
log=$1 txt=$2
here=$(dirname "$0")

[ -f "$log" ] || { echo "bench-report: no log $log (run 'make bench')" >&2; exit 1; }
rc=0
awk -f "$here/bench-report.awk" "$log" >"$txt" || rc=1
sed '/^bench: /d' "$txt"

status=$(tr -d ' \r\n' <"$log.status" 2>/dev/null || echo missing)
case $status in
0 | 33) ;;
35) echo "bench-report: the kernel panicked or reported a failure (QEMU status 35); see $log" >&2; rc=1 ;;
124 | 137) echo "bench-report: the benchmark timed out; see $log" >&2; rc=1 ;;
*) echo "bench-report: QEMU exit status $status; see $log" >&2; rc=1 ;;
esac
echo "results: $txt (log: $log)"
exit $rc
