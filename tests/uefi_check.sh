#!/usr/bin/env bash
# The host's verdict on the UEFI boot of `make test`: the kernel booted by
# OVMF with `quicktest` (its own KTEST suites, then an ACPI power-off).
#
#   tests/uefi_check.sh LOGFILE
#
# LOGFILE is the serial console of `run.sh --uefi --cmdline quicktest --log
# LOGFILE`; QEMU's exit status is read from LOGFILE.status. The run passes
# only when all of these hold:
#   - the kernel drew its console on a framebuffer: a line `console:
#     framebuffer WxHxBPP ...`, and `quicktest: the framebuffer shows the
#     console's text` (the kernel read the pixels back against its text);
#   - the KTAP report is complete and passed, as tests/ktap_check.sh judges
#     it (QEMU's status aside, which means something else here);
#   - the ACPI power-off worked: the last kernel line is `acpi: powering
#     off ...`, written just before the S5 write, and QEMU exited 0. The
#     kernel's every failure, a failed power-off included, leaves through
#     isa-debug-exit with 35 instead, and a timeout is 124.
#
# Output: `uefi_check: PASS: <console line>; <ktap_check's summary>` and exit
# 0, or `uefi_check: FAIL: reason` and exit 1. Exit 2: bad usage.
set -eu

if [ $# -ne 1 ]; then
	echo "usage: tests/uefi_check.sh LOGFILE" >&2
	exit 2
fi
log=$1
here=$(cd "$(dirname "$0")" && pwd)

fail() {
	echo "uefi_check: FAIL: $*" >&2
	exit 1
}

[ -f "$log" ] || fail "no log file $log (did QEMU start?)"
[ -f "$log.status" ] || fail "no QEMU exit status in $log.status"
status=$(tr -d ' \r\n' <"$log.status")

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
tr -d '\r' <"$log" >"$tmp/log"

console=$(grep -m1 -E '^console: ' "$tmp/log" || true)
case $console in
"console: framebuffer "[0-9]*x[0-9]*x[0-9]*) ;;
"") fail "no 'console:' line: the kernel never chose a screen" ;;
*) fail "not the framebuffer console: '$console'" ;;
esac
grep -qx "quicktest: the framebuffer shows the console's text" "$tmp/log" ||
	fail "the kernel did not find its text on the framebuffer" \
		"($(grep -m1 '^quicktest:' "$tmp/log" || echo 'no quicktest line'))"

# The report alone: a copy without the status file, judged as if QEMU had
# exited 33, the status ktap_check.sh wants for a pass.
if ! ktap=$("$here/ktap_check.sh" "$tmp/log" 33 2>&1); then
	fail "the self-test: ${ktap#ktap_check: FAIL: }"
fi

last=$(grep -v '^[[:space:]]*$' "$tmp/log" | tail -n 1)
case $last in
"acpi: powering off "*) ;;
*) fail "the log does not end with the ACPI power-off but with '$last' (QEMU status $status)" ;;
esac
case $status in
0) ;;
35) fail "the guest reported a failure (35): the ACPI power-off did not stop the machine" ;;
124 | 137) fail "timed out ($status)" ;;
*) fail "QEMU exited $status after the ACPI power-off (expected 0)" ;;
esac

ktap=${ktap#ktap_check: PASS: }
echo "uefi_check: PASS: $console; ${ktap% (*}"
