#!/usr/bin/env bash
# Tests of tests/uefi_check.sh, the judge of the UEFI boot of `make test`,
# on logs made from the KTAP logs of test_ktap_check.sh: each way the boot
# can go wrong must be rejected with its reason, and the good log pass.
#
#   tests/runner/test_uefi_check.sh
#
# UEFI_CHECK=path runs the cases against another checker (to see this
# script fail, e.g. UEFI_CHECK=/bin/true). Exit 0 when every case gives the
# expected verdict, 1 otherwise.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
logs=$here/logs
checker=${UEFI_CHECK:-$here/../uefi_check.sh}

# shellcheck source=scripts/test-lib.sh
. "$here/../../scripts/test-lib.sh"

fb="console: framebuffer 1024x768x32 at 0x80000000, 128x48 characters"
seen="quicktest: the framebuffer shows the console's text"
off="acpi: powering off (S5 through PM1a_CNT 0xb004)"

# make NAME STATUS KTAP_LOG [LINE...]: a log of the KTAP report KTAP_LOG
# between the console line and the LINEs (default: the screen check, then
# the power-off), with QEMU status STATUS.
make_log() {
	local name=$1 status=$2 ktap=$3
	shift 3
	[ $# -gt 0 ] || set -- "$seen" "$off"
	{
		echo "$fb"
		cat "$ktap"
		printf '%s\n' "$@"
	} >"$tmp/$name.log"
	echo "$status" >"$tmp/$name.log.status"
}

# expect NAME VERDICT TEXT: runs the checker on $tmp/NAME.log and wants
# VERDICT (PASS or FAIL) in exactly one line of output containing TEXT.
expect() {
	judge "$1" uefi_check "$2" "$3" "$checker" "$tmp/$1.log"
}

make_log good 0 "$logs/good.log"
expect good PASS "1024x768x32 at 0x80000000, 128x48 characters; 10 passed, 0 failed"
sed 's/$/\r/' "$tmp/good.log" >"$tmp/crlf.log"
cp "$tmp/good.log.status" "$tmp/crlf.log.status"
expect crlf PASS "10 passed, 0 failed"

# The screen.
sed 's/^console: framebuffer .*/console: VGA text 80x25/' "$tmp/good.log" >"$tmp/vga.log"
echo 0 >"$tmp/vga.log.status"
expect vga FAIL "not the framebuffer console: 'console: VGA text 80x25'"
grep -v '^console:' "$tmp/good.log" >"$tmp/no-console.log"
echo 0 >"$tmp/no-console.log.status"
expect no-console FAIL "no 'console:' line"
make_log screen-differs 35 "$logs/good.log" \
	"quicktest: 3 character cells of the framebuffer differ from the text"
expect screen-differs FAIL "did not find its text on the framebuffer (quicktest: 3 character cells"

# The self-test.
make_log notok 35 "$logs/notok.log"
expect notok FAIL "the self-test: not ok"
make_log truncated 124 "$logs/truncated.log" "$seen" "$off"
expect truncated FAIL "the self-test: report truncated"

# The power-off.
make_log no-poweroff 35 "$logs/good.log" "$seen"
expect no-poweroff FAIL "does not end with the ACPI power-off but with '$seen' (QEMU status 35)"
make_log poweroff-failed 35 "$logs/good.log" "$seen" "$off"
expect poweroff-failed FAIL "the ACPI power-off did not stop the machine"
make_log debug-exit 33 "$logs/good.log"
expect debug-exit FAIL "QEMU exited 33 after the ACPI power-off (expected 0)"
make_log timeout 124 "$logs/good.log"
expect timeout FAIL "timed out (124)"
cp "$tmp/timeout.log" "$tmp/no-status.log"
expect no-status FAIL "no QEMU exit status"
expect absent FAIL "no log file"

echo "uefi_check tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
