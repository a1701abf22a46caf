#!/usr/bin/env bash
# Tests of tests/ktap_check.sh, the judge of `make test`, on saved serial logs.
#
#   tests/runner/test_ktap_check.sh
#
# A judge that passes everything would make every boot test green, so each
# way a run can go wrong (crash, hang, truncated report, one failing case,
# wrong plan, missing summary) has a log here that must be rejected, with the
# reason named, next to the good logs that must pass. The logs in logs/ are
# shaped like real runs: console noise between the KTAP lines, a failing
# case's diagnostic before its `not ok`.
#
# KTAP_CHECK=path runs the cases against another checker (to see this script
# fail, e.g. KTAP_CHECK=/bin/true). Exit 0 when every case gives the expected
# verdict, 1 otherwise.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
logs=$here/logs
checker=${KTAP_CHECK:-$here/../ktap_check.sh}

# shellcheck source=scripts/test-lib.sh
. "$here/../../scripts/test-lib.sh"

# expect NAME LOG STATUS VERDICT TEXT
# Runs the checker on LOG with QEMU status STATUS ("-": none given, so it is
# read from LOG.status) and wants VERDICT (PASS or FAIL) in exactly one line
# of output that contains TEXT.
expect() {
	local name=$1 log=$2 status=$3 verdict=$4 text=$5
	local args=("$log")
	[ "$status" = - ] || args+=("$status")
	judge "$name" ktap_check "$verdict" "$text" "$checker" "${args[@]}"
}

# Good reports pass, and only with QEMU's 33.
expect good_passes "$logs/good.log" 33 PASS "10 passed, 0 failed"
expect nested_good_passes "$logs/nested-good.log" 33 PASS "5 passed, 0 failed"
sed 's/$/\r/' "$logs/good.log" >"$tmp/crlf.log"
expect crlf_line_ends_pass "$tmp/crlf.log" 33 PASS "10 passed, 0 failed"
expect good_log_triple_fault_fails "$logs/good.log" 0 FAIL "QEMU exited 0 (triple fault or reset)"
expect good_log_timeout_fails "$logs/good.log" 124 FAIL "timed out (124)"
expect good_log_guest_failure_fails "$logs/good.log" 35 FAIL "guest reported failure (35)"
expect good_log_qemu_error_fails "$logs/good.log" 1 FAIL "QEMU exited 1 (expected 33)"

# User-space suites end with their count of results: the skipped cases are
# counted apart, and a count that disagrees with the results is an error.
# The verdict in words each suite prints flush left after its block
# (`proc: 2 passed, 0 failed, 1 skipped`) is not KTAP and changes nothing.
expect user_suites_are_counted "$logs/user-skip.log" 33 PASS \
	"7 passed, 0 failed; user space: 2 passed, 3 skipped in 2 suites"
expect user_count_mismatch_fails "$logs/user-count-mismatch.log" 33 FAIL \
	"subtest proc counts pass:3 fail:0 skip:0 total:3 but has pass:2 fail:0 skip:1 total:3"

# Broken reports fail whatever QEMU said.
expect truncated_fails "$logs/truncated.log" 33 FAIL "report truncated: plan 1..3 but 2 results"
expect truncated_timeout_fails "$logs/truncated.log" 124 FAIL "timed out (124); report truncated"
expect notok_is_named "$logs/notok.log" 35 FAIL \
	"guest reported failure (35); not ok: kmalloc: 2 free_then_reuse_returns_same_block"
expect notok_fails_even_with_33 "$logs/notok.log" 33 FAIL "not ok: kmalloc: 2 free_then_reuse_returns_same_block"
expect nested_notok_is_named "$logs/nested-notok.log" 35 FAIL "not ok: user/fork: 2 fork_cow_isolation"
expect plan_mismatch_fails "$logs/plan-mismatch.log" 33 FAIL "subtest pmm: plan 1..4 but 3 results"
expect out_of_order_fails "$logs/out-of-order.log" 33 FAIL "result 3 where 2 was expected in subtest cmdline"
expect no_summary_fails "$logs/no-summary.log" 33 FAIL "no summary line"
expect summary_failed_fails "$logs/summary-failed.log" 33 FAIL "summary says 1 failed"
expect no_report_fails "$logs/no-report.log" 0 FAIL "no \"KTAP version 1\" header"
expect missing_log_fails "$tmp/absent.log" 33 FAIL "no log file"

# The status recorded by run.sh next to the log (LOG.status).
cp "$logs/good.log" "$tmp/side.log"
echo 33 >"$tmp/side.log.status"
expect sidecar_status_passes "$tmp/side.log" - PASS "10 passed, 0 failed"
expect run_sh_exit_code_is_not_qemu_status "$tmp/side.log" 0 FAIL "differs from QEMU's status 33"
echo 0 >"$tmp/side.log.status"
expect sidecar_triple_fault_fails "$tmp/side.log" - FAIL "QEMU exited 0 (triple fault or reset)"
rm "$tmp/side.log.status"
expect no_status_anywhere_fails "$tmp/side.log" - FAIL "no QEMU exit status"

echo "ktap_check tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
