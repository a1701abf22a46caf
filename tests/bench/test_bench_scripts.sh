#!/usr/bin/env bash
# Tests of the benchmark's host-side scripts on saved samples
# (make bench-scripts-test, run by make test before the boot):
#
#   bench-sample.log (+ .status)  the serial log of a real `make bench`
#   bench-sample.txt              what scripts/bench-report.sh made of it
#   ptgraph-sample.log            the serial log of a real `make ptgraph`
#
# The report must reproduce bench-sample.txt exactly, its table must parse
# and agree with its key=value lines, and it must reject incomplete or
# failed logs; the plots must come out as PNG files and fail without data;
# the graph must render, with each shared table drawn once.
#
# After a change to the report's format, regenerate the saved output with
#   scripts/bench-report.sh tests/bench/bench-sample.log tests/bench/bench-sample.txt
# and read the diff. Prints one ok/not ok line per case; exit status 1 if
# any failed.
set -u

here=$(cd "$(dirname "$0")" && pwd)
scripts=$here/../../scripts
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0
n=0

# check NAME COMMAND...: one case, passing when COMMAND succeeds.
check() {
	local name=$1
	shift
	n=$((n + 1))
	if "$@" >"$tmp/out" 2>&1; then
		echo "ok $n $name"
	else
		echo "not ok $n $name"
		sed 's/^/# /' "$tmp/out" | head -n 20
		failed=$((failed + 1))
	fi
}

# fails COMMAND...: succeeds when COMMAND fails (status 1, not a crash).
fails() {
	local status=0
	"$@" || status=$?
	[ "$status" -eq 1 ]
}

# A copy of the sample log changed by a sed script, with its status file.
mangled_log() {
	sed "$1" "$here/bench-sample.log" >"$tmp/$2.log"
	cp "$here/bench-sample.log.status" "$tmp/$2.log.status"
	echo "$tmp/$2.log"
}

report_matches_saved_txt() {
	"$scripts/bench-report.sh" "$here/bench-sample.log" "$tmp/bench.txt" >/dev/null &&
		diff -u "$here/bench-sample.txt" "$tmp/bench.txt"
}

# Every table row has its 16 columns, numbers where numbers belong, and
# there is exactly one row per kind=ratio line.
table_parses() {
	awk -F'|' '
		/^bench: kind=ratio / { ratios++ }
		NF == 5 && $1 !~ /^mode / && $1 ~ /^[a-z]/ {
			rows++
			split($1, a, " "); split($2, f, " "); split($3, t, " ")
			split($4, p, " "); split($5, m, " ")
			if (length(a) != 5 || length(f) != 3 || length(t) != 3 ||
			    length(p) != 3 || length(m) != 2) { print "bad row: " $0; bad++ }
			if (a[2] !~ /^[0-9]+$/ || f[1] !~ /^[0-9]+$/ || f[3] !~ /^([0-9.]+|inf|-)$/ ||
			    t[1] !~ /^([0-9]+|\.)$/ || p[3] !~ /^([0-9.]+|inf|-|\.)$/) {
				print "bad values: " $0; bad++
			}
		}
		END {
			if (rows == 0 || rows != ratios) { print rows " rows, " ratios " ratio lines"; bad++ }
			exit bad ? 1 : 0
		}' "$tmp/bench.txt"
}

# Each kind=ratio line's ratios are its own off/on values divided.
ratios_consistent() {
	awk '
		function x(off, on) {
			return on > 0 ? sprintf("%.1f", off / on) : off > 0 ? "inf" : "-"
		}
		/^bench: kind=ratio / {
			split("", kv)
			for (i = 3; i <= NF; i++) { split($i, w, "="); kv[w[1]] = w[2] }
			if (x(kv["faults_off"], kv["faults_on"]) != kv["faults_ratio"] ||
			    (("tables_ratio" in kv) &&
			     x(kv["tables_off"], kv["tables_on"]) != kv["tables_ratio"]) ||
			    (("pv_ratio" in kv) &&
			     x(kv["pv_off"], kv["pv_on"]) != kv["pv_ratio"])) { print; bad++ }
			seen++
		}
		END { exit (bad || !seen) ? 1 : 0 }' "$tmp/bench.txt"
}

# A complete log whose QEMU ended with the failure status (a panic).
report_rejects_panic() {
	local log
	log=$(mangled_log '' panic)
	echo 35 >"$log.status"
	fails "$scripts/bench-report.sh" "$log" "$tmp/t.txt"
}

headline_met() {
	grep -q '^bench: kind=headline .* goals=met$' "$tmp/bench.txt" &&
		grep -q '^  all three goals met$' "$tmp/bench.txt"
}

plots_written() {
	local f
	"$scripts/bench-plots.sh" "$here/bench-sample.txt" "$tmp/plots" || return 1
	for f in faults_per_client page_tables timeline; do
		head -c 8 "$tmp/plots/$f.png" | od -An -tx1 | grep -q '89 50 4e 47 0d 0a 1a 0a' ||
			{ echo "$f.png is not a PNG"; return 1; }
		[ "$(wc -c <"$tmp/plots/$f.png")" -gt 10000 ] || { echo "$f.png is tiny"; return 1; }
	done
}

# The 64 MiB sweep has the four client counts, every value present.
sweep_complete() {
	awk '!/^#/ { rows++; if (NF != 5 || /\?/) bad++ } END { exit (rows == 4 && !bad) ? 0 : 1 }' \
		"$tmp/plots/sweep-64.dat"
}

plots_need_timeline() {
	grep -v '^bench: kind=timeline ' "$here/bench-sample.txt" >"$tmp/no-timeline.txt"
	fails "$scripts/bench-plots.sh" "$tmp/no-timeline.txt" "$tmp/plots2"
}

# Shared tables are declared once each, filled, and linked from two tables.
graph_renders() {
	"$scripts/ptgraph.sh" "$here/ptgraph-sample.log" "$tmp/graph.svg" || return 1
	grep -q '<svg' "$tmp/graph.svg" || return 1
	awk '
		/fillcolor=orange/ { shared[$1]++ }
		/^\tpid[0-9]+ \[/ { pids++ }
		/ -> / { into[$3]++ }
		END {
			for (t in shared) {
				if (shared[t] != 1) { print t " declared " shared[t] " times"; bad++ }
				if (into[t] >= 2) linked++
			}
			if (pids != 2 || !linked) { print pids " processes, " linked " shared links"; bad++ }
			exit bad ? 1 : 0
		}' "$tmp/graph.dot"
}

check "report accepts the sample and reproduces bench-sample.txt" report_matches_saved_txt
check "report table parses, one row per ratio line" table_parses
check "report ratios agree with their off and on values" ratios_consistent
check "report headline goals met in the sample" headline_met
check "report rejects a truncated log" fails "$scripts/bench-report.sh" \
	"$(mangled_log '60,$d' truncated)" "$tmp/t.txt"
check "report rejects a failed pgbench run" fails "$scripts/bench-report.sh" \
	"$(mangled_log 's/kind=status run=3 status=0/kind=status run=3 status=1/' failedrun)" "$tmp/t.txt"
check "report rejects a panic (QEMU status 35)" report_rejects_panic
check "plots are written as PNG files" plots_written
check "plot data has the whole 64 MiB client sweep" sweep_complete
check "plots fail without a timeline" plots_need_timeline
check "graph renders, shared tables drawn once" graph_renders
check "graph fails on a log without a graph" fails "$scripts/ptgraph.sh" \
	"$here/bench-sample.log" "$tmp/none.svg"

echo "bench scripts: $((n - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]
