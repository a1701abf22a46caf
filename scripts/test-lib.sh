# Shared by the tests of the project's checkers (scripts/test-*.sh), which
# source it: a scratch directory $tmp (removed at exit), failed=0, verdict,
# and for the checkers of objects (set $check, $cc and $obj_flags first)
# obj and expect.

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

# obj CASE FILE CODE: compiles CODE as FILE of case CASE, with $cc and
# $obj_flags.
obj() {
	mkdir -p "$tmp/$1"
	printf '%s\n' "$3" > "$tmp/$1/$2"
	# shellcheck disable=SC2086 # $obj_flags holds several words
	"$cc" -c -O1 $obj_flags -o "$tmp/$1/${2%.c}.o" "$tmp/$1/$2"
}

# expect CASE VERDICT TEXT: runs $check on CASE's objects and wants exit
# 0 (PASS) or 1 (FAIL), and TEXT in its output when failing.
expect() {
	local out rc
	if out=$("$check" "$tmp/$1"/*.o 2>&1); then rc=0; else rc=$?; fi
	verdict "$1" "$2" "$3" "$rc" "$out"
}
