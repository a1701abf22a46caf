#!/usr/bin/env bash
# Turns build/bench-scale.txt into the PNG charts of `make bench-scale`.
#
#   scripts/bench-scale-plots.sh TXT DIR
#
# Writes into DIR, for each buffer size MIB of TXT's `bench: kind=scale`
# lines: scale-MIB.dat, one row per client count: clients, then the startup
# time (ms) and the page-table memory (KiB) of each curve in the order
# linux_4k, linux_hugetlb, off, on, 2m_on ("?" where the point was skipped
# or not run); then scripts/scale-plots.gnuplot draws scale-MIB.png: the
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
awk -v dir="$dir" '
function parse(line,    n, i, f, eq) {
	split("", kv)
	n = split(line, f, " ")
	for (i = 1; i <= n; i++)
		if ((eq = index(f[i], "=")) > 1)
			kv[substr(f[i], 1, eq - 1)] = substr(f[i], eq + 1)
}
/^bench: kind=scale / {
	parse($0)
	m = kv["shm_mib"]; n = kv["clients"] + 0
	if (!(m in SIZE)) { SIZE[m] = 1; SIZES[ns++] = m }
	if (!((m, n) in CL)) { CL[m, n] = 1; NCL[m]++; CLS[m, NCL[m]] = n }
	if (kv["skipped"] == "") {
		MS[kv["curve"], m, n] = kv["startup_ms"]
		PT[kv["curve"], m, n] = kv["pt_kib"]
		pts++
	}
}
END {
	if (!pts) {
		print "bench-scale-plots: no kind=scale points in " FILENAME > "/dev/stderr"
		exit 1
	}
	nc = split("linux_4k linux_hugetlb off on 2m_on", C, " ")
	for (s = 0; s < ns; s++) {
		m = SIZES[s]
		f = dir "/scale-" m ".dat"
		# client counts ascending
		for (i = 2; i <= NCL[m]; i++)
			for (j = i; j > 1 && CLS[m, j - 1] > CLS[m, j]; j--) {
				t = CLS[m, j]; CLS[m, j] = CLS[m, j - 1]; CLS[m, j - 1] = t
			}
		print "# clients, then startup ms and page-table KiB of linux_4k linux_hugetlb off on 2m_on" > f
		for (i = 1; i <= NCL[m]; i++) {
			n = CLS[m, i]
			line = n
			for (j = 1; j <= nc; j++)
				line = line " " ((C[j], m, n) in MS ? MS[C[j], m, n] : "?") \
				    " " ((C[j], m, n) in PT ? PT[C[j], m, n] : "?")
			print line > f
		}
		printf("%s%s", s ? " " : "", m) > (dir "/sizes")
	}
	print "" > (dir "/sizes")
}' "$txt"
for m in $(cat "$dir/sizes"); do
	gnuplot -e "dir='$dir'; mib='$m'" "$here/scale-plots.gnuplot"
	[ -s "$dir/scale-$m.png" ] || { echo "bench-scale-plots: gnuplot wrote no $dir/scale-$m.png" >&2; exit 1; }
	echo "$dir/scale-$m.png"
done
