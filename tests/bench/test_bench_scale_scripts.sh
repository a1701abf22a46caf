#!/usr/bin/env bash
# Tests of the host-side scripts of `make bench-scale` on saved samples
# (make bench-scale-scripts-test, run by make test before the boot):
#
#   bench-scale-sample.log (+ .status)  a real log of this kernel's boot
#                       of make bench-scale (`bench scale quick`), cut down
#                       to its start line, the whole runs of 1 and 8 clients
#                       on 256 MiB (their bench: and pgbench: lines as they
#                       were) and a skipped row; that boot was killed from
#                       outside (SIGTERM) in its 13th run, so its done line
#                       is written by hand (runs=36 failed=0 ms=0)
#   bench-scale-linux-sample.log (+ .status)  the same of the Linux boot,
#                       which finished (its done line is its own)
#   bench-scale-sample.txt  what scripts/bench-scale-report.sh made of them
#
# The report must reproduce bench-scale-sample.txt exactly; every run of
# both logs must be a kind=scale point of the right curve with the numbers
# of its startup line, and the same numbers in the tables (a changed log
# changes them); a skipped row must show its reason; a log cut short in a
# run (but with --partial it is reported as far as it went, the cut run
# marked, status 0), a failed run, a log without its done line, a log of make bench's
# matrix, a missing log and a panicked Linux boot must be rejected; the
# charts must come out as PNG files, one per buffer size, and fail
# without points; results-scale.sh must write the Scaling section once
# however often it runs, and results-page.sh must keep it.
#
# After a change to the report's format, regenerate the saved output with
#   scripts/bench-scale-report.sh tests/bench/bench-scale-sample.log \
#       tests/bench/bench-scale-linux-sample.log tests/bench/bench-scale-sample.txt
# and read the diff. Prints one ok/not ok line per case; exit status 1 if
# any failed.
set -u

here=$(cd "$(dirname "$0")" && pwd)
scripts=$here/../../scripts
# shellcheck source=scripts/test-lib.sh
. "$scripts/test-lib.sh"
log=$here/bench-scale-sample.log
linux=$here/bench-scale-linux-sample.log
report=$scripts/bench-scale-report.sh

# mangled NAME SRC SEDSCRIPT [STATUS]: a copy of log SRC changed by
# SEDSCRIPT, as $tmp/NAME, with SRC's status file (or STATUS).
mangled() {
	sed "$3" "$2" >"$tmp/$1"
	if [ $# -ge 4 ]; then echo "$4" >"$tmp/$1.status"; else cp "$2.status" "$tmp/$1.status"; fi
}

reproduces_the_saved_report() {
	"$report" "$log" "$linux" "$tmp/r.txt" >/dev/null && diff -u "$here/bench-scale-sample.txt" "$tmp/r.txt"
}

# Every run of LOG (linux: 1 for Linux's) is a point with its startup
# line's numbers, in the kind=scale line and in the startup tables.
points_agree() {
	local src=$1 is_linux=$2 txt=$3
	awk -v linux="$is_linux" -v txt="$txt" '
	function parse(line,    n, i, f, eq) {
		split("", kv)
		n = split(line, f, " ")
		for (i = 1; i <= n; i++)
			if ((eq = index(f[i], "=")) > 1)
				kv[substr(f[i], 1, eq - 1)] = substr(f[i], eq + 1)
	}
	/^bench: kind=run / {
		parse($0)
		if (linux) {
			curve = kv["large"] == 1 ? "linux_hugetlb" : "linux_4k"
			col = kv["large"] == 1 ? 3 : 2
		} else {
			curve = kv["large"] == 1 ? "2m_on" : kv["optimize"] == 0 ? "off" : "on"
			col = kv["large"] == 1 ? 6 : kv["optimize"] == 0 ? 4 : 5
		}
		mib = kv["shm_mib"]; cl = kv["clients"]
	}
	/^pgbench: phase=startup / {
		parse($0)
		ms = kv["ms"]; faults = kv["faults"]
	}
	/^bench: kind=status / {
		want = sprintf("bench: kind=scale kernel=%s curve=%s shm_mib=%s clients=%s startup_ms=%s ",
		    linux ? "linux" : "this", curve, mib, cl, ms)
		found = 0; table = ""
		while ((getline line < txt) > 0) {
			if (index(line, want) == 1 && line ~ (" startup_faults=" faults " "))
				found = 1
			if (line ~ "^" mib " MiB buffer: ")
				table = line
			if (table ~ /startup phase, ms$/ && line ~ "^ *" cl " [|]") {
				split(line, f, " ")
				if (f[col + 1] != ms) {
					print "table " table ", " cl " clients, " curve ": " f[col + 1] " not " ms
					bad = 1
				}
			}
		}
		close(txt)
		if (!found) {
			print "no point: " want "... startup_faults=" faults
			bad = 1
		}
		runs++
	}
	END { if (!runs) print "no runs in the log"; exit bad || !runs }' "$src"
}

both_logs_agree() {
	"$report" "$log" "$linux" "$tmp/a.txt" >/dev/null &&
	points_agree "$log" 0 "$tmp/a.txt" && points_agree "$linux" 1 "$tmp/a.txt"
}

# The check itself must fail when the log says otherwise: a startup time
# of the log changed after the report was made.
a_changed_log_disagrees() {
	"$report" "$log" "$linux" "$tmp/c.txt" >/dev/null || return 1
	mangled changed.log "$log" '0,/^pgbench: phase=startup /s/ ms=\([0-9]*\) / ms=9\1 /'
	! points_agree "$tmp/changed.log" 0 "$tmp/c.txt" >"$tmp/changed.out" &&
	grep -q "^no point: " "$tmp/changed.out" && grep -q "^table " "$tmp/changed.out"
}

skips_show_their_reason() {
	local reason
	reason=$(sed -n 's/^bench: kind=skip .* reason=\([a-z_]*\) .*/\1/p' "$log" | head -n 1)
	[ -n "$reason" ] || { echo "the sample has no skipped row"; return 1; }
	"$report" "$log" "$linux" "$tmp/s.txt" >/dev/null &&
	grep -q "^bench: kind=scale kernel=this .* skipped=$reason\$" "$tmp/s.txt" &&
	grep -qE "^ +[0-9]+ \|.* $reason( |\$)" "$tmp/s.txt"
}

cut_short_is_rejected() {
	# everything up to the second run's first pgbench line
	awk '/^bench: kind=run / { r++ } { print } r == 2 && /^pgbench: phase=startup / { exit }' \
	    "$log" >"$tmp/cut.log"
	cp "$log.status" "$tmp/cut.log.status"
	fails_saying "has no status line" "$report" "$tmp/cut.log" "$linux" "$tmp/x.txt"
}

cut_short_is_reported_with_partial() {
	awk '/^bench: kind=run / { r++ } { print } r == 2 && /^pgbench: phase=startup / { exit }' \
	    "$log" >"$tmp/cut.log"
	cp "$log.status" "$tmp/cut.log.status"
	"$report" --partial "$tmp/cut.log" "$linux" "$tmp/p.txt" >/dev/null 2>&1 || return 1
	grep -q "^Partial run: .*run 2 has no status line" "$tmp/p.txt" &&
	grep -q "^bench: kind=scale kernel=this .* skipped=cut\$" "$tmp/p.txt" &&
	grep -q "^bench: kind=scale kernel=linux " "$tmp/p.txt"
}

failed_run_is_rejected() {
	mangled failed.log "$log" '0,/^bench: kind=status /s/ status=0 / status=1 /'
	fails_saying "ended with status 1" "$report" "$tmp/failed.log" "$linux" "$tmp/x.txt"
}

no_done_is_rejected() {
	mangled nodone.log "$linux" '/^bench: kind=done /d'
	fails_saying "ends before bench finished" "$report" "$log" "$tmp/nodone.log" "$tmp/x.txt"
}

bench_matrix_is_rejected() {
	mangled full.log "$log" 's/ matrix=scale / matrix=full /'
	fails_saying "not a bench scale boot" "$report" "$tmp/full.log" "$linux" "$tmp/x.txt"
}

missing_log_is_rejected() {
	fails_saying "no log" "$report" "$log" "$tmp/nothing.log" "$tmp/x.txt"
}

linux_panic_is_rejected() {
	mangled panic.log "$linux" '' 0
	fails_saying "Linux panicked" "$report" "$log" "$tmp/panic.log" "$tmp/x.txt"
}

charts_are_drawn() {
	local m
	"$scripts/bench-scale-plots.sh" "$here/bench-scale-sample.txt" "$tmp/plots" >/dev/null || return 1
	for m in $(sed -n 's/^bench: kind=scale .* shm_mib=\([0-9]*\) .*/\1/p' \
	    "$here/bench-scale-sample.txt" | sort -u); do
		file "$tmp/plots/scale-$m.png" | grep -q "PNG image" || { echo "no scale-$m.png"; return 1; }
	done
}

charts_need_points() {
	grep -v '^bench: kind=scale ' "$here/bench-scale-sample.txt" >"$tmp/empty.txt"
	fails_saying "no kind=scale points" "$scripts/bench-scale-plots.sh" "$tmp/empty.txt" "$tmp/p2"
}

# results-scale.sh twice, then results-page.sh: one Scaling section, last.
scaling_section_is_kept() {
	local b=$tmp/build
	mkdir -p "$b/plots"
	cp "$here/bench-scale-sample.txt" "$b/bench-scale.txt"
	cp "$here/bench-sample.txt" "$b/bench.txt"
	"$scripts/bench-scale-plots.sh" "$b/bench-scale.txt" "$b/scale-plots" >/dev/null &&
	"$scripts/results-page.sh" "$b" "$tmp/results.md" "$tmp/img" >/dev/null &&
	"$scripts/results-scale.sh" "$b" "$tmp/results.md" "$tmp/img" >/dev/null &&
	"$scripts/results-scale.sh" "$b" "$tmp/results.md" "$tmp/img" >/dev/null &&
	"$scripts/results-page.sh" "$b" "$tmp/results.md" "$tmp/img" >/dev/null || return 1
	[ "$(grep -c '^## Scaling$' "$tmp/results.md")" = 1 ] || { echo "not one Scaling section"; return 1; }
	[ "$(grep '^## ' "$tmp/results.md" | tail -n 1)" = "## Scaling" ] || { echo "Scaling is not last"; return 1; }
	grep -q '^!\[scale-[0-9]*\](img/scale-[0-9]*\.png)$' "$tmp/results.md" &&
	ls "$tmp"/img/scale-*.png >/dev/null
}

check "the report reproduces the saved sample" reproduces_the_saved_report
check "every run of both logs is a point with its numbers, in the tables too" both_logs_agree
check "a changed log no longer agrees with the report" a_changed_log_disagrees
check "a skipped row shows its reason" skips_show_their_reason
check "a log cut short in a run is rejected" cut_short_is_rejected
check "with --partial, a log cut short is reported as far as it went" cut_short_is_reported_with_partial
check "a failed run is rejected" failed_run_is_rejected
check "a log without its done line is rejected" no_done_is_rejected
check "a log of make bench's matrix is rejected" bench_matrix_is_rejected
check "a missing log is rejected" missing_log_is_rejected
check "a Linux boot that powered off or panicked is rejected" linux_panic_is_rejected
check "the charts come out, one PNG per buffer size" charts_are_drawn
check "the charts need points" charts_need_points
check "the Scaling section is written once and kept by results-page.sh" scaling_section_is_kept
echo "bench-scale scripts: $((n - failed)) of $n passed"
[ "$failed" -eq 0 ]
