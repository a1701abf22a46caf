#!/usr/bin/env bash
# Turns the serial logs of a `make bench` run into the results file and
# prints the comparison tables.
#
#   scripts/bench-report.sh [--linux LINUXLOG] LOG TXT [SMPLOG]
#
# LOG is the one-CPU boot (build/bench.log), SMPLOG the optional 4-CPU boot
# (build/bench-smp4.log), a second section of the report, and LINUXLOG the
# optional Linux boot (build/bench-linux.log), whose runs the report sets
# beside the one-CPU ones. Writes TXT (build/bench.txt): the tables, then
# every result of every boot as a `bench: kind=... key=value` line
# (scripts/bench-report.awk says which; the 4-CPU ones carry cpus=4, the
# Linux ones kernel=linux). Prints the tables (TXT without those lines) on
# stdout.
#
# Exit status 0 when QEMU ended each boot of this kernel by a poweroff
# (status 0, or 33 through isa-debug-exit; read from LOG.status, written by
# run.sh --log or scripts/linux-kernel.sh) and the Linux boot through
# isa-debug-exit with a pass (33: Linux's power-off or panic is a 0), and
# each log is complete with no failed run; 1 otherwise, after printing what
# there is; 2 on bad usage.
set -eu

linux=
if [ $# -ge 2 ] && [ "$1" = --linux ]; then
	linux=$2
	shift 2
fi
if [ $# -ne 2 ] && [ $# -ne 3 ]; then
	echo "usage: scripts/bench-report.sh [--linux LINUXLOG] LOG TXT [SMPLOG]" >&2
	exit 2
fi
log=$1 txt=$2
logs=("$log")
[ $# -eq 3 ] && logs+=("$3")
[ -z "$linux" ] || logs+=("$linux")
here=$(dirname "$0")

for l in "${logs[@]}"; do
	[ -f "$l" ] || { echo "bench-report: no log $l (run 'make bench')" >&2; exit 1; }
done
rc=0
awk -v linux="$linux" -f "$here/kv.awk" -f "$here/bench-report.awk" "${logs[@]}" >"$txt" || rc=1
sed '/^bench: /d' "$txt"

for l in "${logs[@]}"; do
	status=$(tr -d ' \r\n' <"$l.status" 2>/dev/null || echo missing)
	if [ "$l" = "$linux" ]; then
		case $status in
		33) continue ;;
		0) echo "bench-report: Linux panicked or powered off (QEMU status 0); see $l" >&2; rc=1; continue ;;
		35) echo "bench-report: the Linux boot reported a failure (QEMU status 35); see $l" >&2; rc=1; continue ;;
		esac
	fi
	case $status in
	0 | 33) ;;
	35) echo "bench-report: the kernel panicked or reported a failure (QEMU status 35); see $l" >&2; rc=1 ;;
	124 | 137) echo "bench-report: the benchmark timed out; see $l" >&2; rc=1 ;;
	*) echo "bench-report: QEMU exit status $status; see $l" >&2; rc=1 ;;
	esac
done
echo "results: $txt (log: ${logs[*]})"
exit $rc
