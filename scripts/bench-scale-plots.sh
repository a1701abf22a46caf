#!/usr/bin/env bash
# Turns build/bench-scale.txt into the PNG charts of `make bench-scale`.
#
#   scripts/bench-scale-plots.sh TXT DIR
#
# Writes into DIR, for each buffer size MIB of TXT's `bench: kind=scale`
# lines: scale-MIB.dat, one row per client count: clients, then the startup
# time (ms) and the page-table memory (KiB) of each curve in the order
# linux_4k, linux_hugetlb, off, on, 2m_on ("?" where the point was skipped
# or not run; scripts/bench-scale-plotdata.awk); then scripts/scale-plots.gnuplot draws scale-MIB.png: the
# startup time and the page-table memory against clients, every curve on
# the same axes. Exit status 1 if TXT has no points or gnuplot writes no
# chart, 2 on bad usage.
set -eu

if [ $# -ne 2 ]; then
	echo "usage: scripts/bench-scale-plots.sh TXT DIR" >&2
	exit 2
fi
txt=$1 dir=$2
here=$(dirname "$0")

[ -f "$txt" ] || { echo "bench-scale-plots: no $txt (run 'make bench-scale' first)" >&2; exit 1; }
rm -rf "$dir"
mkdir -p "$dir"
awk -v dir="$dir" -f "$here/kv.awk" -f "$here/bench-scale-plotdata.awk" "$txt"
for m in $(cat "$dir/sizes"); do
	gnuplot -e "dir='$dir'; mib='$m'" "$here/scale-plots.gnuplot"
	[ -s "$dir/scale-$m.png" ] || { echo "bench-scale-plots: gnuplot wrote no $dir/scale-$m.png" >&2; exit 1; }
	echo "$dir/scale-$m.png"
done
