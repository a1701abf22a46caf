#!/usr/bin/env bash
# Tests of the benchmark's host-side scripts on saved samples
# (make bench-scripts-test, run by make test before the boot):
#
#   bench-sample.log (+ .status)  the serial log of the one-CPU boot of a
#                                 real `make bench`
#   bench-smp4-sample.log (+ .status)  the log of its 4-CPU boot
#   bench-linux-sample.log (+ .status)  the log of a real Linux boot of
#                                 `make bench` (tests/linux/bench.c)
#   bench-sample.txt              what scripts/bench-report.sh made of the three
#   ptgraph-sample.log            the serial log of a real `make ptgraph`
#   ptgraph-large-sample.log      a real shell session: `pgbench -L -c 2
#                                 -s 8 -t 400000000 &` (a buffer on 2 MiB
#                                 pages), then `ptdump 4 5` and `ptdump
#                                 --dot 4 5` on its two clients
#
# The report must reproduce bench-sample.txt exactly, its tables must parse
# and agree with its key=value lines (the 4-CPU one with its IPI columns),
# every 4-CPU result must be tagged cpus=4, the teardown verdict must say
# O(1) for the sample and NOT O(1) when the 1 GiB teardown's IPIs grow, the
# fork table must show the forks with 64 MiB, 1 GiB and 4 GiB mapped with
# the log's numbers, within twice the empty fork's round trip with sharing
# on, and flag one that grows (and a log without the 4 GiB fork must be
# caught), the profile table (where the headline's startup went) must hold
# the log's profile lines and their total, and it must reject incomplete or failed logs of either boot; the runs on
# 2 MiB pages (pgbench -L) must be in the report, off -> on and beside the
# 4 KiB runs, with ratios in the right direction (a check that must fail
# on a log without them or with their numbers turned around); every Linux
# run must be beside this kernel's same runs, with the numbers of the Linux
# log (a changed log changes the table), every Linux result tagged
# kernel=linux, and an incomplete, failed or panicked Linux boot rejected;
# the plots must come out as PNG files from the one-CPU results and
# Linux's (4 KiB pages, plus Linux's SHM_HUGETLB points) and fail without
# data; the graph must render, as SVG and PNG, with each shared table
# drawn once and each 2 MiB leaf (PS) as a page, never as a table, and a
# legend of exactly the kinds of node and edge it draws (a kind the legend
# does not know must be refused).
#
# After a change to the report's format, regenerate the saved output with
#   scripts/bench-report.sh --linux tests/bench/bench-linux-sample.log \
#       tests/bench/bench-sample.log tests/bench/bench-sample.txt \
#       tests/bench/bench-smp4-sample.log
# and read the diff. Prints one ok/not ok line per case; exit status 1 if
# any failed.
set -u

here=$(cd "$(dirname "$0")" && pwd)
scripts=$here/../../scripts
# shellcheck source=scripts/test-lib.sh
. "$scripts/test-lib.sh"

smp=$here/bench-smp4-sample.log
linux=$here/bench-linux-sample.log

# The awk function of every program below that reads a line's key=value
# pairs: kvs() fills kv with those of the current line (its first word,
# "bench:" or "pgbench:", is not one). Split by hand, so that it works
# whatever the program's field separator.
kv_awk='function kvs(    i, n, f, w) {
	split("", kv)
	n = split($0, f, " ")
	for (i = 2; i <= n; i++) { split(f[i], w, "="); kv[w[1]] = w[2] }
}
'

# An awk function for the programs below that match a run's lines by its
# configuration (of the key=value pairs in kv): mode, clients, buffer MiB
# and 2 MiB pages, the mode written as the report writes it, with
# "+backing" where the buffer is not SysV (fork+posix).
run_key_awk='function run_key() {
	return kv["mode"] (kv["backing"] != "" && kv["backing"] != "sysv" ? "+" kv["backing"] : "") \
	    " " kv["clients"] " " kv["shm_mib"] " " kv["large"]
}
'

# A copy of a sample log (default: the one-CPU one) changed by a sed
# script, with its status file.
mangled_log() {
	local src=${3:-$here/bench-sample.log}
	sed "$1" "$src" >"$tmp/$2.log"
	cp "$src.status" "$tmp/$2.log.status"
	echo "$tmp/$2.log"
}

# The report of the one-CPU sample and a (possibly mangled) 4-CPU log.
report_with_smp() {
	"$scripts/bench-report.sh" "$here/bench-sample.log" "$tmp/t.txt" "$1"
}

# The report of the one-CPU and 4-CPU samples and a (possibly mangled) Linux
# log, into $tmp/l.txt.
report_with_linux() {
	"$scripts/bench-report.sh" --linux "$1" "$here/bench-sample.log" "$tmp/l.txt" "$smp"
}

report_matches_saved_txt() {
	"$scripts/bench-report.sh" --linux "$linux" "$here/bench-sample.log" "$tmp/bench.txt" \
		"$smp" >/dev/null && diff -u "$here/bench-sample.txt" "$tmp/bench.txt"
}

# Every row of the one-CPU table has its 16 columns and every row of the
# 4-CPU table its 14 (faults, IPIs, shootdowns, ms), numbers where numbers
# belong, and each table has exactly one row per kind=ratio line of its
# boot (the 4-CPU ones tagged cpus=4).
table_parses() {
	awk -F'|' '
		/^pgbench on [0-9]+ CPUs/ { smp = 1 }
		/^2 MiB pages / { large = 1 }
		/^fork\(\) on / { large = 0 }
		/^Linux .* beside this kernel/ { lx = 1 }
		/^Beside Linux/ { lx = 0 }
		lx { next }
		/^bench: kind=ratio cpus=4 / { ratios4++; next }
		/^bench: kind=ratio / { ratios1++ }
		NF == 5 && $1 !~ /^mode / && $1 ~ /^[a-z]/ && !large {
			split($1, a, " "); split($2, f, " "); split($3, t, " ")
			split($4, p, " "); split($5, m, " ")
			if (length(a) != 5 || length(f) != 3 || length(m) != 2 ||
			    length(t) != (smp ? 2 : 3) || length(p) != (smp ? 2 : 3)) {
				print "bad row: " $0; bad++
			}
			if (a[2] !~ /^[0-9]+$/ || f[1] !~ /^[0-9]+$/ || f[3] !~ /^([0-9.]+|inf|-)$/ ||
			    m[1] !~ /^[0-9]+$/ || m[2] !~ /^[0-9]+$/) {
				print "bad values: " $0; bad++
			}
			if (smp) {
				rows4++
				if (t[1] !~ /^[0-9]+$/ || t[2] !~ /^[0-9]+$/ ||
				    p[1] !~ /^[0-9]+$/ || p[2] !~ /^[0-9]+$/) {
					print "bad IPI columns: " $0; bad++
				}
			} else {
				rows1++
				if (t[1] !~ /^([0-9]+|\.)$/ || p[3] !~ /^([0-9.]+|inf|-|\.)$/) {
					print "bad values: " $0; bad++
				}
			}
		}
		END {
			if (rows1 == 0 || rows1 != ratios1) { print rows1 " rows, " ratios1 " ratio lines"; bad++ }
			if (rows4 == 0 || rows4 != ratios4) {
				print rows4 " 4-CPU rows, " ratios4 " 4-CPU ratio lines"; bad++
			}
			exit bad ? 1 : 0
		}' "$tmp/bench.txt"
}

# The IPI counts of each 4-CPU ratio line are those of its two phase lines,
# which are those of the pgbench lines of the log.
smp_ipis_consistent() {
	awk "$kv_awk"'
		{ sub(/\r$/, "") }
		FNR == 1 { file++ }
		file == 1 && /^bench: kind=run / { kvs(); run = kv["run"] }
		file == 1 && /^pgbench: phase=/ { kvs(); L[run, kv["phase"]] = kv["ipis"] " " kv["shootdowns"] }
		file == 2 && /^bench: kind=phase cpus=4 / {
			kvs(); P[kv["run"], kv["phase"]] = kv["ipis"] " " kv["shootdowns"]
			if (P[kv["run"], kv["phase"]] != L[kv["run"], kv["phase"]]) { print "phase: " $0; bad++ }
			phases++
		}
		file == 2 && /^bench: kind=ratio cpus=4 / {
			kvs()
			if (kv["ipis_off"] " " kv["shootdowns_off"] != P[kv["run_off"], kv["phase"]] ||
			    kv["ipis_on"] " " kv["shootdowns_on"] != P[kv["run_on"], kv["phase"]] ||
			    kv["ipis_off"] !~ /^[0-9]+$/) { print "ratio: " $0; bad++ }
			seen++
		}
		END { if (!seen || !phases) print "no 4-CPU ratio or phase lines"; exit (bad || !seen || !phases) ? 1 : 0 }' \
		"$smp" "$tmp/bench.txt"
}

# A 4-CPU log whose fork 8 x 64 MiB startup phases sent IPIs (11 and 13
# shootdowns off, 7 and 5 on): the table row and the ratio line show them
# in the right columns.
smp_ipi_columns() {
	local log
	log=$(mangled_log '/^pgbench: phase=startup mode=fork backing=sysv clients=8 shm_mib=64 optimize=0 /s/ipis=[0-9]* shootdowns=[0-9]*/ipis=11 shootdowns=13/
/^pgbench: phase=startup mode=fork backing=sysv clients=8 shm_mib=64 optimize=1 /s/ipis=[0-9]* shootdowns=[0-9]*/ipis=7 shootdowns=5/' ipis "$smp")
	report_with_smp "$log" >/dev/null || return 1
	awk -F'|' '/^pgbench on 4 CPUs/ { on = 1 } on && /^fork +8 +64 +- +startup / { print $3 "|" $4 }' \
		"$tmp/t.txt" | tr -s ' ' | grep -qx ' 11 7 | 13 5 ' &&
		grep -q '^bench: kind=ratio cpus=4 .* mode=fork clients=8 shm_mib=64 .* phase=startup .* ipis_off=11 ipis_on=7 shootdowns_off=13 shootdowns_on=5$' \
			"$tmp/t.txt"
}

# Every bench: and pgbench phase line of the 4-CPU log is in bench.txt with
# cpus=4, and every line of the one-CPU log without it.
smp_lines_tagged() {
	local raw='^(bench: kind=|pgbench: phase=)'
	local kinds='^bench: kind=(start|run|status|skip|phase|timeline|fork_latency|populate|teardown|truncate|done) '
	local want4 got4 want1 got1
	want4=$(grep -cE "$raw" "$smp")
	got4=$(grep -E "$kinds" "$tmp/bench.txt" | grep -c ' cpus=4\( \|$\)')
	want1=$(grep -cE "$raw|^pgbench: timeline " "$here/bench-sample.log")
	got1=$(grep -E "$kinds" "$tmp/bench.txt" | grep -v ' kernel=linux ' | grep -vc ' cpus=4\( \|$\)')
	[ "$want4" -gt 0 ] && [ "$want4" -eq "$got4" ] && [ "$want1" -eq "$got1" ] ||
		{ echo "4-CPU lines: $want4 in the log, $got4 tagged; one-CPU: $want1, $got1"; return 1; }
}

# The 4-CPU teardown table shows 64 MiB and 1 GiB side by side with their
# IPIs, and the verdict on the sample is O(1).
teardown_o1() {
	grep -qE '^bench: kind=teardown_ipis cpus=4 optimize=1 share_pd=1 small_mib=64 small_ipis=[1-9][0-9]* large_mib=1024 large_ipis=[0-9]+ .*verdict=constant$' \
		"$tmp/bench.txt" &&
		grep -q '^  O(1): the IPIs do not grow with the segment$' "$tmp/bench.txt" &&
		awk -F'|' '
			/^Teardown on 4 CPUs/ { on = 1 }
			on && /^  optimize=/ {
				split($2, s, " "); split($3, l, " ")
				if (s[4] !~ /^[0-9]+$/ || l[4] !~ /^[0-9]+$/) { print "bad: " $0; bad++ }
				rows++
			}
			on && /^$/ { on = 0 }
			END { exit (rows == 3 && !bad) ? 0 : 1 }' "$tmp/bench.txt"
}

# The same log with the 1 GiB sharing-on teardown needing 16 times the IPIs:
# the verdict must say so.
teardown_growth_detected() {
	local log
	log=$(mangled_log '/kind=teardown optimize=1 share_pd=1 seg_mib=1024 /s/ ipis=\([0-9]*\)/ ipis=\1\1\1/' \
		grows "$smp")
	grep -qE 'seg_mib=1024 .* ipis=([0-9]+)\1\1 ' "$log" || { echo "the sed script missed"; return 1; }
	report_with_smp "$log" >"$tmp/grows.out" || return 1
	grep -q '^bench: kind=teardown_ipis cpus=4 optimize=1 share_pd=1 .*verdict=grows$' "$tmp/t.txt" &&
		grep -q '^  NOT O(1): the IPIs grow with the segment$' "$tmp/grows.out"
}

# The fork table of the one-CPU boot in REPORT (default: bench.txt) made
# from LOG (default: the one-CPU sample): the fork with nothing mapped,
# then for each sharing setting the 64 MiB, 1 GiB and 4 GiB (2 MiB pages)
# columns with the numbers of LOG's kind=fork_latency lines and x, the
# round trip over the empty fork's, one decimal; a kind=fork_growth line
# with the same numbers for each cell, and nothing else in the table.
fork_table_ok() {
	local report=${1:-$tmp/bench.txt} log=${2:-$here/bench-sample.log}
	awk "$kv_awk"'
		function trim(v) { gsub(/^ +| +$/, "", v); gsub(/ +/, " ", v); return v }
		{ sub(/\r$/, "") }
		FNR == 1 { file++ }
		file == 1 && /^bench: kind=fork_latency / {
			kvs()
			if (kv["map_mib"] == 0) { empty = kv["roundtrip_us"]; next }
			cell = kv["map_mib"] " MiB" (kv["large"] == 1 ? " 2M" : "")
			L[kv["optimize"] " " kv["share_pd"], cell] = kv["fork_us"] " " kv["roundtrip_us"] " " \
			    sprintf("%.1f", kv["roundtrip_us"] / empty)
			nl++
		}
		file == 2 && /^fork\(\) on 1 CPU / { on = 1; next }
		file == 2 && on && /^A child/ { on = 0 }
		file == 2 && on && /^ +\| [0-9]+ MiB/ {
			n = split($0, h, "|")
			for (j = 2; j <= n; j++) size[j] = trim(h[j])
		}
		file == 2 && on && /^  optimize=[01] share_pd=[01] +\|/ {
			n = split($0, c, "|")
			split(trim(c[1]), k, /[ =]/)
			for (j = 2; j <= n; j++)
				if (trim(c[j]) != "- - -") { T[k[2] " " k[4], size[j]] = trim(c[j]); nt++ }
		}
		file == 2 && /^bench: kind=fork_growth optimize=/ {
			kvs()
			cell = kv["map_mib"] " MiB" (kv["large"] == 1 ? " 2M" : "")
			G[kv["optimize"] " " kv["share_pd"], cell] = kv["fork_us"] " " kv["roundtrip_us"] " " \
			    kv["ratio"]
			ng++
		}
		END {
			for (key in L) {
				if (T[key] != L[key]) { print "table: " key ": " T[key] ", log: " L[key]; bad++ }
				if (G[key] != L[key]) { print "fork_growth: " key ": " G[key] ", log: " L[key]; bad++ }
			}
			split("64 MiB|1024 MiB|4096 MiB 2M", want, "|")
			for (j = 1; j <= 3; j++)
				for (o = 0; o <= 1; o++)
					if (!(((o " 1"), want[j]) in L)) { print "no " want[j] " with optimize=" o; bad++ }
			if (nt != nl || ng != nl) { print nl " log lines, " nt " cells, " ng " fork_growth"; bad++ }
			exit bad ? 1 : 0
		}' "$log" "$report"
}

# The floor line of REPORT (default: bench.txt) against the report's own
# kind=phase lines: for each run the Linux headline names, its startup and
# floor times (the floor is in every log: no "?"), and each goal a verdict.
floor_line_ok() {
	local report=${1:-$tmp/bench.txt}
	awk "$kv_awk"'
		/^bench: kind=phase / {
			kvs()
			k = ($0 ~ / kernel=linux /) ? "linux " kv["run"] : kv["run"]
			if ($0 !~ / cpus=/) MS[k, kv["phase"]] = kv["ms"]
		}
		/^bench: kind=linux_headline / { kvs(); for (x in kv) H[x] = kv[x] }
		/^bench: kind=floor / { kvs(); for (x in kv) F[x] = kv[x]; nf++ }
		END {
			if (nf != 1) { print nf " floor lines"; exit 1 }
			split("linux_4k linux_2m off on on_2m", names, " ")
			for (i = 1; i <= 5; i++) {
				r = H["run_" names[i]]
				k = names[i] ~ /^linux/ ? "linux " r : r
				if (F["ms_" names[i]] != MS[k, "startup"] || F["floor_" names[i]] != MS[k, "floor"] ||
				    MS[k, "floor"] !~ /^[0-9]+$/) {
					print names[i] ": floor line " F["ms_" names[i]] "/" F["floor_" names[i]] \
					    ", phases " MS[k, "startup"] "/" MS[k, "floor"]
					bad++
				}
			}
			if (F["goal_4k_vs_linux_2m"] !~ /^(met|over)$/ || F["goal_2m_vs_linux_2m"] !~ /^(met|over)$/ ||
			    F["goal_vs_linux_4k"] !~ /^(met|over),(met|over)$/) { print "goals: " $0; bad++ }
			exit bad ? 1 : 0
		}' "$report"
}

# A Linux log whose hugetlb startup took 1 ms: this kernel cannot beat it,
# and the floor line says so.
floor_goal_over_detected() {
	local log
	log=$(mangled_log '/^pgbench: phase=startup .* large=1 /s/ ms=[0-9]* / ms=1 /' slowfloor "$linux")
	grep -q '^pgbench: phase=startup .* ms=1 .* large=1 ' "$log" || { echo "the sed script missed"; return 1; }
	report_with_linux "$log" >/dev/null || return 1
	floor_line_ok "$tmp/l.txt" &&
		grep -q '^bench: kind=floor .* goal_4k_vs_linux_2m=over goal_2m_vs_linux_2m=' "$tmp/l.txt" &&
		grep -q '^  goal: 4 KiB sharing on <= Linux 2 MiB  *over$' "$tmp/l.txt"
}

# The verdict on the fork of the one-CPU REPORT (default: bench.txt) for
# sharing SETTING ("optimize=1 share_pd=1"): WORDS ("goal met" or "over the
# goal of x2"), and goal=met or goal=over in its kind=fork_growth lines.
fork_verdict() {
	local setting=$1 words=$2 report=${3:-$tmp/bench.txt} goal
	goal=$([ "$words" = "goal met" ] && echo met || echo over)
	awk '/^fork\(\) on 1 CPU / { on = 1 } on && /^$/ { exit } on' "$report" |
		grep -q "^  $setting: round trip at most x[0-9.]* the empty one (.*): $words\$" &&
		grep "^bench: kind=fork_growth $setting " "$report" | grep -q " goal=$goal\$"
}

# The sample with sharing on's 4 GiB round trip 40 times the empty fork's:
# the table shows the log's numbers, and the verdict is over the goal.
fork_growth_detected() {
	local log empty
	empty=$(sed -n 's/^bench: kind=fork_latency .* map_mib=0 .* roundtrip_us=\([0-9]*\) .*/\1/p' \
		"$here/bench-sample.log")
	log=$(mangled_log "/kind=fork_latency optimize=1 share_pd=1 map_mib=4096 large=1 /s/ roundtrip_us=[0-9]*/ roundtrip_us=$((empty * 40))/" \
		forkgrows)
	grep -q "map_mib=4096 large=1 .* roundtrip_us=$((empty * 40)) " "$log" ||
		{ echo "the sed script missed"; return 1; }
	"$scripts/bench-report.sh" "$log" "$tmp/fg.txt" >/dev/null || return 1
	fork_table_ok "$tmp/fg.txt" "$log" &&
		fork_verdict "optimize=1 share_pd=1" "over the goal of x2" "$tmp/fg.txt" &&
		grep -q "^bench: kind=fork_growth optimize=1 share_pd=1 map_mib=4096 large=1 .* ratio=40.0 goal=over$" \
			"$tmp/fg.txt"
}

# The profile table (where the headline's startup went): each part's row
# holds the startup profile of the runs sharing off, on and on 2 MiB pages
# and the floor phase of the last, as their kind=profile lines say, and
# the total row is their sum.
profile_table_ok() {
	local report=${1:-$tmp/bench.txt}
	awk "$kv_awk"'
		/^bench: kind=linux_headline / { kvs(); for (x in kv) H[x] = kv[x] }
		/^bench: kind=profile run=/ && !/ cpus=4 / && !/ kernel=linux / {
			kvs()
			for (x in kv) P[kv["run"], kv["phase"], x] = kv[x]
		}
		/^Where that startup.s time went/ { table = 1; next }
		table && /^  total / { total = $0; table = 0; next }
		table && /^  [a-z]+ +[0-9.?]+ / { rows[++nrows] = $0 }
		END {
			split(H["run_off"] " " H["run_on"] " " H["run_on_2m"] " " H["run_on_2m"], r, " ")
			split("startup startup startup floor", ph, " ")
			if (nrows < 10 || total == "") { print nrows " rows, total: " total; exit 1 }
			for (i = 1; i <= nrows; i++) {
				split(rows[i], f, " ")
				for (c = 1; c <= 4; c++) {
					want = P[r[c], ph[c], f[1]]
					if (want == "" || f[c + 1] != want) { print "row " f[1] " column " c ": " f[c + 1] ", log " want; bad++ }
					sum[c] += f[c + 1]
				}
			}
			split(total, t, " ")
			for (c = 1; c <= 4; c++)
				if (t[c + 1] - sum[c] > 0.2 || sum[c] - t[c + 1] > 0.2) { print "total " c ": " t[c + 1] " != " sum[c]; bad++ }
			exit bad ? 1 : 0
		}' "$report"
}

# A changed profile line changes the table.
profile_table_follows_the_log() {
	local log
	log=$(mangled_log '/^pgbench: profile phase=startup cpus=1 /s/ fault=\([0-9]*\)\./ fault=9\1./' prof)
	"$scripts/bench-report.sh" --linux "$linux" "$log" "$tmp/pm.txt" "$smp" >/dev/null &&
		profile_table_ok "$tmp/pm.txt" && ! diff -q "$tmp/pm.txt" "$here/bench-sample.txt" >/dev/null
}

# A log without the 4 GiB fork (as before it was measured) fails the table check.
fork_without_4gib() {
	local log
	log=$(mangled_log '/kind=fork_latency .* map_mib=4096 /d' fork4g)
	"$scripts/bench-report.sh" "$log" "$tmp/f4.txt" >/dev/null || return 1
	fork_table_ok "$tmp/f4.txt" "$log"
}

# The plots read only the one-CPU results: the 4-CPU lines change nothing.
plots_ignore_smp() {
	mkdir -p "$tmp/pd1" "$tmp/pd2"
	awk -v dir="$tmp/pd1" -f "$scripts/kv.awk" -f "$scripts/bench-plotdata.awk" "$tmp/bench.txt" &&
		grep -v ' cpus=4 ' "$tmp/bench.txt" >"$tmp/one-cpu.txt" &&
		awk -v dir="$tmp/pd2" -f "$scripts/kv.awk" -f "$scripts/bench-plotdata.awk" "$tmp/one-cpu.txt" &&
		diff -r "$tmp/pd1" "$tmp/pd2" &&
		[ "$(grep -c ' cpus=4 ' "$tmp/bench.txt")" -gt 0 ]
}

report_rejects_smp_panic() {
	local log
	log=$(mangled_log '' smppanic "$smp")
	echo 35 >"$log.status"
	fails report_with_smp "$log"
}

# The runs on 2 MiB pages in report TXT (default: the sample's): for each
# of 64 MiB (32 clients), 256 MiB and 1 GiB (8 clients), fork mode, the
# startup phase off -> on (kind=ratio, variant 2M) takes fewer faults and
# fewer PV entries with sharing on; page-table pages: fewer for the GiB
# (its GiB link replaces each client's PD page), and below a GiB at most
# the object's one PD page more (the baseline's private leaves need no
# page-table page but the PD that the clients' copies need too); and the
# 2 MiB table (kind=large, one row per line, its numbers those of the line)
# shows 2 MiB pages with fewer faults and fewer page-table pages than 4 KiB
# pages, both shared. A ratio in the right direction is > 1 or inf.
large_rows_ok() {
	awk -F'|' "$kv_awk"'
		function more(x) { return x == "inf" || (x ~ /^[0-9.]+$/ && x + 0 > 1) }
		function want(c, mib) { return (mib == 64 && c == 32) || mib == 256 || (mib == 1024 && c == 8) }
		/^2 MiB pages / { on = 1 }
		/^fork\(\) on / { on = 0 }
		on && $1 ~ /^fork / {
			split($1, a, " "); split($2, f, " "); split($3, t, " "); split($4, p, " ")
			row[a[2], a[3]] = f[1] " " f[2] " " f[3] " " t[1] " " t[2] " " t[3] " " p[1] " " p[2]
			rows++
		}
		/^bench: kind=ratio .* variant=2M phase=startup / {
			kvs()
			if (kv["mode"] != "fork" || !want(kv["clients"], kv["shm_mib"])) next
			if (kv["shm_mib"] >= 1024)
				fewer_tables = more(kv["tables_ratio"])
			else
				fewer_tables = kv["tables_on"] <= kv["tables_off"] + 1
			if (!more(kv["faults_ratio"]) || !more(kv["pv_ratio"]) || !fewer_tables) {
				print "off -> on in the wrong direction: " $0; bad++
			}
			ratio[kv["shm_mib"]]++
		}
		/^bench: kind=large / {
			kvs()
			lines++
			if (row[kv["clients"], kv["shm_mib"]] != kv["faults_4k"] " " kv["faults_2m"] " " \
			    kv["faults_ratio"] " " kv["tables_4k"] " " kv["tables_2m"] " " \
			    kv["tables_ratio"] " " kv["pv_4k"] " " kv["pv_2m"]) {
				print "table row and line differ: " $0; bad++
			}
			if (kv["mode"] != "fork" || !want(kv["clients"], kv["shm_mib"])) next
			if (!more(kv["faults_ratio"]) || !more(kv["tables_ratio"]) || kv["pv_2m"] != 0) {
				print "4 KiB -> 2 MiB in the wrong direction: " $0; bad++
			}
			large[kv["shm_mib"]]++
		}
		END {
			for (i = 1; i <= 3; i++) {
				mib = i == 1 ? 64 : i == 2 ? 256 : 1024
				if (ratio[mib] != 1 || large[mib] != 1) {
					print mib " MiB on 2 MiB pages: " ratio[mib] + 0 " off/on rows, " \
					    large[mib] + 0 " rows beside 4 KiB"; bad++
				}
			}
			if (rows != lines) { print rows " rows in the 2 MiB table, " lines " kind=large lines"; bad++ }
			exit bad ? 1 : 0
		}' "${1:-$tmp/bench.txt}"
}

# The report of a one-CPU log changed by a sed script, with the sample
# 4-CPU log; prints the report's file.
large_report() {
	"$scripts/bench-report.sh" "$(mangled_log "$1" "$2")" "$tmp/$2.txt" "$smp" >/dev/null
	echo "$tmp/$2.txt"
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

# Every bench: and pgbench phase line of the Linux log is in bench.txt,
# tagged kernel=linux right after the kind.
linux_lines_tagged() {
	local want got
	want=$(grep -cE '^(bench: kind=|pgbench: phase=)' "$linux")
	got=$(grep -cE '^bench: kind=[a-z_]+ kernel=linux ' "$tmp/bench.txt")
	[ "$want" -gt 0 ] && [ "$want" -eq "$got" ] ||
		{ echo "Linux lines: $want in the log, $got tagged in bench.txt"; return 1; }
}

# The Linux table of report TXT (default: the sample's): one row per
# kind=linux line, with its numbers; the Linux numbers of each line are
# those of its Linux run's phase line, the off and on ones those of the
# one-CPU runs it names, which have the Linux run's mode, clients, size and
# page size; every phase with clients attaching (startup, restart) of
# every Linux run is there.
linux_table_ok() {
	awk -F'|' "$kv_awk$run_key_awk"'
		/^Linux .* beside this kernel/ { on = 1 }
		/^Beside Linux/ { on = 0 }
		on && $1 ~ /^[a-z+]+ +[0-9]/ {
			split($1, a, " "); split($2, f, " "); split($3, t, " "); split($4, m, " ")
			key = a[1] " " a[2] " " a[3] " " (a[4] == "2M") " " a[5]
			row[key] = f[1] " " f[2] " " f[3] " " f[4] " " t[1] " " t[2] " " t[3] " " t[4] \
			    " " m[1] " " m[2] " " m[3]
			rows++
		}
		/^bench: kind=run kernel=linux / { kvs(); LRUN[kv["run"]] = run_key() }
		/^bench: kind=run run=/ { kvs(); KRUN[kv["run"]] = run_key() }
		/^bench: kind=phase kernel=linux / {
			kvs()
			LP[kv["run"], kv["phase"]] = kv["faults"] " " kv["pt_pages"] " " kv["ms"]
			if (kv["phase"] == "startup" || kv["phase"] == "restart") want++
		}
		/^bench: kind=phase run=/ {
			kvs()
			KP[kv["run"], kv["phase"]] = kv["faults"] " " \
			    (kv["pt_pages"] + kv["obj_pt_pages"] + kv["obj_pd_pages"]) " " kv["ms"]
		}
		/^bench: kind=linux / {
			kvs()
			lines++
			key = kv["mode"] " " kv["clients"] " " kv["shm_mib"] " " kv["large"] " " kv["phase"]
			if (row[key] != kv["faults_linux"] " " kv["faults_off"] " " kv["faults_on"] " " \
			    kv["faults_ratio"] " " kv["tables_linux"] " " kv["tables_off"] " " \
			    kv["tables_on"] " " kv["tables_ratio"] " " kv["ms_linux"] " " kv["ms_off"] \
			    " " kv["ms_on"]) { print "table row and line differ: " $0; bad++ }
			run = kv["mode"] " " kv["clients"] " " kv["shm_mib"] " " kv["large"]
			if (LRUN[kv["run_linux"]] != run || KRUN[kv["run_off"]] != run ||
			    KRUN[kv["run_on"]] != run) { print "runs of another configuration: " $0; bad++ }
			if (LP[kv["run_linux"], kv["phase"]] != kv["faults_linux"] " " kv["tables_linux"] \
			    " " kv["ms_linux"] || KP[kv["run_off"], kv["phase"]] != kv["faults_off"] " " \
			    kv["tables_off"] " " kv["ms_off"] || KP[kv["run_on"], kv["phase"]] != \
			    kv["faults_on"] " " kv["tables_on"] " " kv["ms_on"]) {
				print "numbers not those of the runs: " $0; bad++
			}
		}
		END {
			if (!lines || rows != lines || lines != want) {
				print rows + 0 " rows, " lines + 0 " kind=linux lines, " want + 0 " Linux phases"; bad++
			}
			exit bad ? 1 : 0
		}' "${1:-$tmp/bench.txt}"
}

# The headline beside Linux (fork, 64 clients, 256 MiB, startup) shows the
# faults and page-table pages of the Linux log's runs on 4 KiB and 2 MiB
# pages (read here from LOG, default the sample) and the ratio Linux 4 KiB /
# sharing on, in report TXT.
linux_headline_from_log() {
	local log=${1:-$linux} txt=${2:-$tmp/bench.txt} want
	want=$(tr -d '\r' <"$log" | awk "$kv_awk$run_key_awk"'
		/^bench: kind=run / { kvs(); run = run_key() }
		/^pgbench: phase=startup / { kvs(); F[run] = kv["faults"]; T[run] = kv["pt_pages"] }
		END {
			printf("clients=64 shm_mib=256 faults_linux_4k=%s tables_linux_4k=%s faults_linux_2m=%s tables_linux_2m=%s ",
			    F["fork 64 256 0"], T["fork 64 256 0"], F["fork 64 256 1"], T["fork 64 256 1"])
		}')
	grep -q "^bench: kind=linux_headline .* $want" "$txt" ||
		{ echo "want: $want"; grep '^bench: kind=linux_headline' "$txt"; return 1; }
	awk '/^bench: kind=linux_headline / {
		for (i = 3; i <= NF; i++) { split($i, w, "="); kv[w[1]] = w[2] }
		x = sprintf("%.1f", kv["faults_linux_4k"] / kv["faults_on"])
		exit (x == kv["faults_ratio"] && x + 0 > 1) ? 0 : 1
	}' "$txt" && grep -q '^  Linux, 4 KiB pages  ' "$txt" && grep -q '^  Linux, 2 MiB pages (SHM_HUGETLB)  ' "$txt"
}

# A Linux log whose 64 x 256 MiB startup on 4 KiB pages reported other
# numbers: the table and the headline show those numbers.
linux_numbers_from_log() {
	local log
	log=$(mangled_log '/^pgbench: phase=startup mode=fork backing=sysv clients=64 shm_mib=256 .* large=0 /s/ faults=[0-9]* \(.*\) pt_pages=[0-9]* / faults=1234567 \1 pt_pages=4321 /' \
		changed "$linux")
	grep -q ' faults=1234567 .* pt_pages=4321 ' "$log" || { echo "the sed script missed"; return 1; }
	report_with_linux "$log" >/dev/null || return 1
	linux_headline_from_log "$log" "$tmp/l.txt" && linux_table_ok "$tmp/l.txt" &&
		grep -qE '^  Linux, 4 KiB pages +1234567 +16\.9 MiB$' "$tmp/l.txt"
}

report_rejects_linux_status() {
	local log
	log=$(mangled_log '' "linuxstatus$1" "$linux")
	echo "$1" >"$log.status"
	fails report_with_linux "$log"
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

# The 64 and 256 MiB sweeps have the four client counts, every value of
# this kernel and of Linux on 4 KiB pages present, and Linux's SHM_HUGETLB
# point where Linux ran one (32 clients on 64 MiB, 64 on 256 MiB).
sweep_complete() {
	local mib
	for mib in 64 256; do
		awk -v huge=$((mib == 64 ? 32 : 64)) '
			!/^#/ {
				rows++
				if (NF != 9) bad++
				for (i = 2; i <= 7; i++) if ($i !~ /^[0-9]+$/) bad++
				if (($1 == huge) != ($8 ~ /^[0-9]+$/ && $9 ~ /^[0-9]+$/)) bad++
			}
			END { exit (rows == 4 && !bad) ? 0 : 1 }' "$tmp/plots/sweep-$mib.dat" ||
			{ cat "$tmp/plots/sweep-$mib.dat"; return 1; }
	done
}

plots_need_timeline() {
	grep -v '^bench: kind=timeline ' "$here/bench-sample.txt" >"$tmp/no-timeline.txt"
	fails "$scripts/bench-plots.sh" "$tmp/no-timeline.txt" "$tmp/plots2"
}

# In the graph of ptgraph-large-sample.log (or LOG, from ptgraph.sh), every
# 2 MiB leaf of the text dump (a PD line with PS) is a page node p<pa>, an
# ellipse labelled "2 MiB page", with one dashed edge labelled PS from each
# process's PD and no edge out; no table node t<pa> has its address; no
# table is labelled as a page.
graph_pages_are_leaves() {
	local log=${1:-$here/ptgraph-large-sample.log}
	"$scripts/ptgraph.sh" "$log" "$tmp/large.svg" || return 1
	tr -d '\r' <"$log" | awk '
		FNR == 1 { file++ }
		file == 1 && /^ *PD\[ *[0-9]+\] va=.* -> 0x[0-9a-f]+ .* PS( |$)/ {
			pa = $0; sub(/.* -> 0x0*/, "", pa); sub(/ .*/, "", pa)
			leaves[pa]++; nleaves++
		}
		file == 2 && /^\tp[0-9a-f]+ \[label="2 MiB page 0x/ && /shape=ellipse/ {
			pages[substr($1, 2)]++
		}
		file == 2 && /^\tt[0-9a-f]+ \[label=/ {
			tables[substr($1, 2)]++
			if (/page of object/) { print "a table labelled as a page: " $0; bad++ }
		}
		file == 2 && / -> / {
			if ($1 ~ /^p[0-9a-f]+$/) { print "an edge out of a page: " $0; bad++ }
			if ($3 ~ /^p[0-9a-f]+$/) {
				if (!/label="\[[0-9]+\] PS/ || !/style=dashed/) { print "bad page edge: " $0; bad++ }
				into[substr($3, 2)]++
			}
		}
		END {
			for (pa in leaves) {
				if (pages[pa] != 1 || (pa in tables) || into[pa] != leaves[pa]) {
					print "leaf 0x" pa ": " pages[pa] + 0 " page nodes, " \
					    ((pa in tables) ? "a table node, " : "") into[pa] + 0 " edges for " \
					    leaves[pa] " PS entries"; bad++
				}
				if (leaves[pa] >= 2) shared++
			}
			if (!nleaves || !shared) { print nleaves + 0 " PS entries, " shared + 0 " shared pages"; bad++ }
			exit bad ? 1 : 0
		}' - "$tmp/large.dot"
}

# The same graph as ptdump drew it before it knew PS: each 2 MiB page a PT
# table node t<pa>, with plain edges. The check must fail on it.
graph_pages_as_tables_caught() {
	sed -e 's/\tp\([0-9a-f]*\) \[label="2 MiB page /\tt\1 [label="PT /' \
	    -e 's/ -> p\([0-9a-f]*\) \[label="\(\[[0-9]*\]\) PS", style=dashed\]/ -> t\1 [label="\2", color=red, penwidth=2]/' \
	    "$here/ptgraph-large-sample.log" >"$tmp/pages-as-tables.log"
	grep -q 'label="PT 0x.*of object' "$tmp/pages-as-tables.log" || { echo "the sed script missed"; return 1; }
	fails graph_pages_are_leaves "$tmp/pages-as-tables.log"
}

# Shared tables are declared once each, filled, and linked from two tables
# (in the graph: the legend, indented twice, has a sample of each).
graph_renders() {
	"$scripts/ptgraph.sh" "$here/ptgraph-sample.log" "$tmp/graph.svg" || return 1
	grep -q '<svg' "$tmp/graph.svg" || return 1
	awk '
		/^\t\t/ { next }
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

# The graph of LOG (default ptgraph-sample.log) comes out as SVG and PNG,
# both named by the output, and its legend (the lines of cluster_legend)
# draws exactly the kinds of node and edge that the graph draws: the same
# attributes, with the label's cr3 and ro (in the legend, a label that
# begins "cr3", "[i] ro" or "[i] PS ro").
graph_legend() {
	local log=${1:-$here/ptgraph-sample.log} out
	out=$("$scripts/ptgraph.sh" "$log" "$tmp/legend.svg") || return 1
	grep -q '<svg' "$tmp/legend.svg" || { echo "no SVG"; return 1; }
	head -c 8 "$tmp/legend.png" | od -An -tx1 | grep -q '89 50 4e 47 0d 0a 1a 0a' ||
		{ echo "legend.png is not a PNG"; return 1; }
	grep -qF "$tmp/legend.svg and $tmp/legend.png" <<<"$out" || { echo "paths not named: $out"; return 1; }
	awk '
		function kind(s, legend,    label, a) {
			label = s
			sub(/^[^"]*"/, "", label)
			sub(/".*/, "", label)
			a = s
			sub(/^[^"]*"([^"\\]|\\.)*"(, )?/, "", a)
			sub(/\];$/, "", a)
			if (s !~ / -> /)
				return "node [" a "]"
			if (legend)
				return "edge [" a "]" (label ~ /^cr3/ ? " cr3" : "") \
				    (label ~ /^\[i\] (PS )?ro/ ? " ro" : "")
			return "edge [" a "]" (label == "cr3" ? " cr3" : "") (label ~ / ro$/ ? " ro" : "")
		}
		/cluster_legend/ { on = 1; next }
		on && /^\t\t[a-z_0-9]+ (-> [a-z_0-9]+ )?\[label=/ { legend[kind($0, 1)] = 1; next }
		!on && /^\t[a-z0-9]+ (-> [a-z0-9]+ )?\[label=/ { graph[kind($0, 0)] = 1; drawn++ }
		END {
			for (k in graph)
				if (!(k in legend)) { print "not in the legend: " k; bad++ }
			for (k in legend)
				if (!(k in graph)) { print "in the legend only: " k; bad++ }
			exit bad || !drawn ? 1 : 0
		}' "$tmp/legend.dot"
}

# A graph that draws a kind the legend does not know (a shared table filled
# green) is refused, naming the line.
graph_unknown_drawing_refused() {
	local out status=0
	sed 's/fillcolor=orange/fillcolor=green/' "$here/ptgraph-sample.log" >"$tmp/green.log"
	grep -q 'fillcolor=green' "$tmp/green.log" || { echo "the sed script missed"; return 1; }
	out=$("$scripts/ptgraph.sh" "$tmp/green.log" "$tmp/green.svg" 2>&1) || status=$?
	[ "$status" -eq 1 ] && grep -q 'the legend does not know this drawing: .*fillcolor=green' <<<"$out" ||
		{ echo "status $status: $out"; return 1; }
}

check "report accepts the sample and reproduces bench-sample.txt" report_matches_saved_txt
check "report table parses, one row per ratio line" table_parses
check "report ratios agree with their off and on values" ratios_consistent
check "report headline goals met in the sample" headline_met
check "2 MiB pages: off -> on and beside 4 KiB, right direction" large_rows_ok
check "2 MiB pages: a log without the -L runs is caught" fails large_rows_ok \
	"$(large_report '/kind=run .* large=1 /,/kind=status/d' nolarge)"
check "2 MiB pages: sharing making -L faults grow is caught" fails large_rows_ok \
	"$(large_report '/^pgbench: phase=startup .* optimize=1 .* large=1 /s/ faults=[0-9]*/ faults=99999999/' largeworse)"
check "2 MiB pages: 4 KiB pages beating 2 MiB ones is caught" fails large_rows_ok \
	"$(large_report '/^pgbench: phase=startup .* optimize=1 .* large=1 /s/ obj_pd_pages=[0-9]*/ obj_pd_pages=9999/' largetables)"
check "4-CPU IPI counts agree with the pgbench lines" smp_ipis_consistent
check "4-CPU table shows each phase's IPIs in its columns" smp_ipi_columns
check "4-CPU results are all in bench.txt, tagged cpus=4" smp_lines_tagged
check "4-CPU teardown: 64 MiB and 1 GiB side by side, O(1) IPIs" teardown_o1
check "4-CPU teardown: IPIs growing with the segment are flagged" teardown_growth_detected
check "profile: the startup table holds the log's profile lines, and their total" profile_table_ok
check "profile: a changed profile line changes the table" profile_table_follows_the_log
check "profile: a table that does not hold the log's numbers is caught" fails profile_table_ok \
	<(sed '/^Where that startup/,/^  total/s/^\(  fault  *\)[0-9]/\19/' "$here/bench-sample.txt")
check "floor: startup and floor times of the headline's runs, with verdicts" floor_line_ok
check "floor: a goal this kernel misses is reported as over" floor_goal_over_detected
check "fork: 64 MiB, 1 GiB and 4 GiB side by side, the log's numbers" fork_table_ok
check "fork: with sharing on, the round trip within x2 of the empty fork" fork_verdict \
	"optimize=1 share_pd=1" "goal met"
check "fork: a round trip growing with the mapping is flagged" fork_growth_detected
check "fork: a log without the 4 GiB fork is caught" fails fork_without_4gib
check "report rejects a truncated log" fails "$scripts/bench-report.sh" \
	"$(mangled_log '60,$d' truncated)" "$tmp/t.txt"
check "report rejects a failed pgbench run" fails "$scripts/bench-report.sh" \
	"$(mangled_log 's/kind=status run=3 status=0/kind=status run=3 status=1/' failedrun)" "$tmp/t.txt"
check "report rejects a panic (QEMU status 35)" report_rejects_panic
check "report rejects a truncated 4-CPU log" fails report_with_smp \
	"$(mangled_log '/kind=fork_latency/,$d' smptruncated "$smp")"
check "report rejects a failed 4-CPU pgbench run" fails report_with_smp \
	"$(mangled_log 's/kind=status run=2 status=0/kind=status run=2 status=1/' smpfailed "$smp")"
check "report rejects a 4-CPU panic (QEMU status 35)" report_rejects_smp_panic
check "report rejects a missing 4-CPU log" fails report_with_smp "$tmp/none.log"
check "Linux results are all in bench.txt, tagged kernel=linux" linux_lines_tagged
check "Linux table: each Linux run beside the same runs, with their numbers" linux_table_ok
check "Linux headline: 64 x 256 MiB, the faults and tables Linux reported" linux_headline_from_log
check "Linux numbers come from the log: a changed log changes the table" linux_numbers_from_log
check "report rejects a truncated Linux log" fails report_with_linux \
	"$(mangled_log '/kind=run run=8 /,$d' linuxtruncated "$linux")"
check "report rejects a failed Linux pgbench run" fails report_with_linux \
	"$(mangled_log 's/kind=status run=3 status=0/kind=status run=3 status=1/' linuxfailed "$linux")"
check "report rejects a Linux panic or power-off (QEMU status 0)" report_rejects_linux_status 0
check "report rejects a Linux boot that reported a failure (status 35)" report_rejects_linux_status 35
check "report rejects a missing Linux log" fails report_with_linux "$tmp/none.log"
check "plots are written as PNG files" plots_written
check "plot data has the 64 and 256 MiB sweeps, Linux's too" sweep_complete
check "plots fail without a timeline" plots_need_timeline
check "plot data ignores the 4-CPU results" plots_ignore_smp
check "graph renders, shared tables drawn once" graph_renders
check "graph legend: every kind the graph draws, and only those; SVG and PNG" graph_legend
check "graph legend: the kinds of 2 MiB pages" graph_legend "$here/ptgraph-large-sample.log"
check "graph with a drawing the legend does not know is refused" graph_unknown_drawing_refused
check "graph draws 2 MiB leaves (PS) as pages, not tables" graph_pages_are_leaves
check "graph check catches 2 MiB leaves drawn as tables" graph_pages_as_tables_caught
check "graph fails on a log without a graph" fails "$scripts/ptgraph.sh" \
	"$here/bench-sample.log" "$tmp/none.svg"

echo "bench scripts: $((n - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]
