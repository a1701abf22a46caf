# Shared by the tests of the project's checkers (scripts/test-*.sh), which
# source it: a scratch directory $tmp (removed at exit), failed=0, and
# verdict.

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0

#
# verdict CASE WANT TEXT RC OUT: prints "ok CASE"; or "not ok CASE ..." and
# sets failed=1 when a check meant to PASS exited non-zero, or one meant to
# FAIL did not exit 1 with TEXT in its output OUT.
verdict() {
	local name=$1 want=$2 text=$3 rc=$4 out=$5
	if { [ "$want" = PASS ] && [ "$rc" -ne 0 ]; } ||
	   { [ "$want" = FAIL ] && { [ "$rc" -ne 1 ] || ! grep -qF -- "$text" <<<"$out"; }; }; then
		echo "not ok $name: exit $rc, expected $want ${text:+with \"$text\"}: $out"
		failed=1
	else
		echo "ok $name"
	fi
}
