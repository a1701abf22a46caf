#!/usr/bin/env bash
# Turns build/bench.txt into the PNG charts of `make plots`.
#
#   scripts/bench-plots.sh TXT DIR
#
# scripts/bench-plotdata.awk extracts the data files into DIR and
# scripts/plots.gnuplot draws DIR/faults_per_client.png, DIR/page_tables.png
# and DIR/timeline.png. Exit status 1 if TXT lacks the data or gnuplot
# fails, 2 on bad usage.
set -eu

if [ $# -ne 2 ]; then
	echo "usage: scripts/bench-plots.sh TXT DIR" >&2
	exit 2
fi
txt=$1 dir=$2
here=$(dirname "$0")

[ -f "$txt" ] || { echo "bench-plots: no $txt (run 'make bench' first)" >&2; exit 1; }
rm -rf "$dir"
mkdir -p "$dir"
awk -v dir="$dir" -f "$here/kv.awk" -f "$here/bench-plotdata.awk" "$txt"
gnuplot -e "dir='$dir'" "$here/plots.gnuplot"
for f in faults_per_client page_tables timeline; do
	[ -s "$dir/$f.png" ] || { echo "bench-plots: gnuplot wrote no $dir/$f.png" >&2; exit 1; }
	echo "$dir/$f.png"
done
