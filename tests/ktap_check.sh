#!/usr/bin/env bash
# The host's verdict on a boot self-test: did the kernel really run every test
# and pass them all?
#
#   tests/ktap_check.sh LOGFILE [QEMU_EXIT_STATUS]
#
# LOGFILE is the serial console captured by `run.sh --test --log LOGFILE`.
# QEMU_EXIT_STATUS is QEMU's own exit status (33 = the guest wrote 0x10 to
# isa-debug-exit), not run.sh's exit code; when it is left out it is read from
# LOGFILE.status, which run.sh writes next to every --log file.
#
# A run passes only when all of these hold, because each one alone can be
# faked by a kernel that crashed or stopped early:
#   - QEMU exited 33 (0 is a triple fault or reset, 124 a timeout, 35 the
#     guest's own failure report);
#   - the log has `KTAP version 1` and a top-level plan `1..N`, then exactly N
#     results numbered 1..N in order;
#   - every nested subtest block (4 more spaces of indentation, its own
#     `KTAP version 1`, `# Subtest: name`, `1..M`) has its M results and is
#     closed by its result line in the parent;
#   - no result is `not ok`;
#   - after the report, `selftest: P passed, F failed` with F = 0 and P > 0;
#   - a subtest block's count of its own results, KUnit's
#     `# NAME: pass:P fail:F skip:S total:T` (the user-space test runner,
#     user/lib/utest.c, ends each suite with one), agrees with its results.
# A result `ok N name # SKIP reason` is a skipped case: it passes.
# Lines that are not KTAP (console messages, a user-space suite's verdict in
# words, `proc: 14 passed, 0 failed`) may appear anywhere; `\r` is
# ignored, so logs with CRLF line ends are read like any other.
#
# Output: `ktap_check: PASS: P passed, 0 failed (LOGFILE)` and exit 0, where
# P counts every ok, skipped cases too, as the summary line does; when the
# log has user-space suites (the blocks with a count), `; user space: U
# passed, S skipped in K suites` comes before the log's name (here U does
# not count the skipped cases). Or one line `ktap_check: FAIL: reason[;
# reason...]` and exit 1. Exit 2: bad usage.
set -eu

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
	echo "usage: tests/ktap_check.sh LOGFILE [QEMU_EXIT_STATUS]" >&2
	exit 2
fi
log=$1
sidecar=$log.status

fail() {
	echo "ktap_check: FAIL: $*" >&2
	exit 1
}

[ -f "$log" ] || fail "no log file $log (did QEMU start?)"

recorded=
if [ -f "$sidecar" ]; then
	recorded=$(tr -d ' \r\n' <"$sidecar")
fi
if [ $# -eq 2 ]; then
	status=$2
	# run.sh maps QEMU's 33 to its own exit code 0: passing that here would
	# read as "QEMU exited 0" (a triple fault), a confusing false failure.
	if [ -n "$recorded" ] && [ "$recorded" != "$status" ]; then
		fail "status argument $status differs from QEMU's status $recorded recorded in $sidecar" \
			"(pass QEMU's raw status, or omit it; run.sh's exit code is not QEMU's)"
	fi
else
	[ -n "$recorded" ] || fail "no QEMU exit status given and no $sidecar"
	status=$recorded
fi
case $status in
'' | *[!0-9]*)
	echo "ktap_check: QEMU_EXIT_STATUS must be a number, not '$status'" >&2
	exit 2
	;;
esac

# What QEMU's exit status says on its own.
case $status in
33) why_status= ;;
35) why_status="guest reported failure (35)" ;;
0) why_status="QEMU exited 0 (triple fault or reset)" ;;
124) why_status="timed out (124)" ;;
137) why_status="timed out and had to be killed (137)" ;;
*) why_status="QEMU exited $status (expected 33)" ;;
esac

# The parser keeps one frame per open KTAP level: level 0 is the whole report,
# level d+1 a subtest block inside level d. A frame is closed by the result
# line one level up (`ok 2 kmalloc` closes the kmalloc block), which is where
# its result count is checked against its plan. Only the first structural
# error is kept: after one, the rest of the report is not trustworthy.
# It prints "PASS P passed, 0 failed[; user space: ...]" or the reasons the
# log is bad, joined by "; ".
# (No single quotes in here: the program is a single-quoted shell string.)
# shellcheck disable=SC2016 # awk's $1 and friends, not the shell's
prog='
function structural(msg) {
	if (err == "")
		err = msg " (log line " NR ")"
}

# "pmm" or "user/fork" for a result at level d; "" at the top level.
function suite(d,    i, s) {
	s = ""
	for (i = 1; i <= d; i++)
		s = s (s == "" ? "" : "/") (name[i] == "" ? "?" : name[i])
	return s
}

function open_level(d) {
	depth = d
	plan[d] = -1
	cnt[d] = 0
	bad[d] = 0
	npass[d] = 0
	nskip[d] = 0
	nfail[d] = 0
	name[d] = pending[d]
	pending[d] = ""
}

BEGIN {
	seen = 0; done = 0; depth = -1; err = ""; nbad = 0; badlist = ""
	have_summary = 0
	user_suites = 0; user_pass = 0; user_skip = 0
}

{
	gsub(/\r/, "")
	line = $0
	sub(/[ \t]+$/, "", line)
	match(line, /^ */)
	ind = RLENGTH
	body = substr(line, ind + 1)
}

# The summary counts only after the whole report: one printed earlier would
# come from a run that had not finished.
ind == 0 && body ~ /^selftest: [0-9]+ passed, [0-9]+ failed$/ {
	if (done) {
		split(body, w, " ")
		sum_p = w[2] + 0
		sum_f = w[4] + 0
		have_summary = 1
	}
	next
}

# KTAP lines are indented by whole steps of 4 spaces; anything else is noise.
ind % 4 != 0 { next }
{ lvl = ind / 4 }

body == "KTAP version 1" {
	if (lvl == 0) {
		if (seen)
			structural("second top-level KTAP header: the report restarted")
		else {
			seen = 1
			open_level(0)
		}
	} else if (!seen) {
		# a nested header before any report: noise
	} else if (lvl == depth + 1) {
		if (plan[depth] < 0)
			structural("subtest starts before the plan of " (depth ? "subtest " name[depth] : "the report"))
		open_level(lvl)
	} else if (lvl <= depth) {
		structural("subtest " (name[depth] == "" ? "?" : name[depth]) \
		    " ended without its result line (" cnt[depth] " of " plan[depth] " results)")
	} else {
		structural("KTAP header indented " ind " spaces inside level " depth)
	}
	next
}

!seen { next }

body ~ /^# Subtest: / {
	n = substr(body, 12)
	if (lvl == depth && name[depth] == "")
		name[depth] = n
	else if (lvl == depth + 1)
		pending[lvl] = n	# older KUnit style: name before the header
	next
}

# A block counting its own results (KUnit style), inside the block.
body ~ /^# [^ ]+: pass:[0-9]+ fail:[0-9]+ skip:[0-9]+ total:[0-9]+$/ && lvl == depth && depth > 0 {
	split(body, w, /[ :]+/)
	if (w[4] != npass[depth] || w[6] != nfail[depth] || w[8] != nskip[depth] || w[10] != cnt[depth])
		structural("subtest " name[depth] " counts pass:" w[4] " fail:" w[6] " skip:" w[8] \
		    " total:" w[10] " but has pass:" npass[depth] " fail:" nfail[depth] \
		    " skip:" nskip[depth] " total:" cnt[depth])
	user_suites++
	user_pass += npass[depth]
	user_skip += nskip[depth]
	next
}

# Other diagnostics
body ~ /^#/ { next }

body ~ /^1\.\.[0-9]+$/ {
	if (lvl != depth)
		structural("plan " body " at indentation " ind " inside level " depth)
	else if (plan[depth] >= 0)
		structural("second plan " body " in " (depth ? "subtest " name[depth] : "the report"))
	else if (cnt[depth] > 0)
		structural("plan " body " after results in " (depth ? "subtest " name[depth] : "the report"))
	else
		plan[depth] = substr(body, 4) + 0
	next
}

body ~ /^(not )?ok [0-9]+( |$)/ {
	notok = (substr(body, 1, 4) == "not ")
	rest = substr(body, notok ? 8 : 4)
	match(rest, /^[0-9]+/)
	num = substr(rest, 1, RLENGTH) + 0
	tname = substr(rest, RLENGTH + 1)
	sub(/^ +(- )?/, "", tname)

	# A failed subtest block has named its failing cases already; its own
	# "not ok" line in the parent would only repeat them.
	child_bad = 0
	if (lvl == depth - 1) {
		sname = (name[depth] == "" ? tname : name[depth])
		if (plan[depth] < 0)
			structural("subtest " sname " has no plan")
		else if (cnt[depth] != plan[depth])
			structural("subtest " sname ": plan 1.." plan[depth] " but " cnt[depth] " results")
		child_bad = bad[depth]
		depth--
		if (child_bad)
			bad[depth] = 1
	} else if (lvl != depth) {
		structural("result \"" body "\" at indentation " ind " inside level " depth)
		next
	}

	where = (depth ? "subtest " name[depth] : "the report")
	if (plan[depth] < 0)
		structural("result before the plan in " where)
	else if (num != cnt[depth] + 1)
		structural("result " num " where " cnt[depth] + 1 " was expected in " where)
	else if (cnt[depth] + 1 > plan[depth])
		structural(where ": plan 1.." plan[depth] " but a result " num)
	cnt[depth]++
	if (notok)
		nfail[depth]++
	else if (tname ~ /(^| )# SKIP( |$)/)
		nskip[depth]++
	else
		npass[depth]++

	if (notok) {
		bad[depth] = 1
		if (!child_bad) {
			s = suite(depth)
			nbad++
			if (nbad <= 10)
				badlist = badlist (nbad > 1 ? ", " : "") (s == "" ? "" : s ": ") num " " tname
		}
	}
	if (depth == 0 && cnt[0] == plan[0])
		done = 1
	next
}

END {
	out = ""
	if (!seen) {
		print "no \"KTAP version 1\" header: the self-test report never started"
		exit
	}
	if (nbad)
		out = "not ok: " badlist (nbad > 10 ? ", and " nbad - 10 " more" : "")
	if (err == "" && plan[0] < 0)
		err = "no top-level plan after the KTAP header"
	if (err == "" && !done) {
		err = "report truncated: plan 1.." plan[0] " but " cnt[0] " results"
		if (depth > 0)
			err = err ", stopped inside subtest " suite(depth) \
			    (plan[depth] < 0 ? "" : " (" cnt[depth] " of " plan[depth] ")")
	}
	if (err != "")
		out = out (out == "" ? "" : "; ") err
	else if (!have_summary)
		out = out (out == "" ? "" : "; ") "no summary line \"selftest: P passed, F failed\" after the report"
	else if (nbad == 0 && sum_f != 0)
		out = "summary says " sum_f " failed"
	else if (nbad == 0 && sum_p == 0)
		out = "summary says 0 passed"
	if (out == "")
		print "PASS " sum_p " passed, 0 failed" (user_suites ? "; user space: " user_pass \
		    " passed, " user_skip " skipped in " user_suites " suites" : "")
	else
		print out
}
'

verdict=$(awk "$prog" "$log")
case $verdict in
"PASS "*)
	if [ -z "$why_status" ]; then
		echo "ktap_check: PASS: ${verdict#PASS } ($log)"
		exit 0
	fi
	fail "$why_status"
	;;
*)
	fail "${why_status:+$why_status; }$verdict"
	;;
esac
