# Shared by the tests of the project's checkers and scripts (scripts/test-*.sh,
# tests/runner/test_*.sh, tests/bench/test_*.sh), which source it: a scratch
# directory $tmp (removed at exit), the counts n, passed and failed, and
#   verdict          one case of a checker that must PASS or FAIL
#   check, fails, fails_saying   numbered cases of a script's behaviour
#   judge            one case of a boot judge (ktap_check.sh, uefi_check.sh)
#   obj, expect      the checkers of objects (set $check, $cc and $obj_flags
#                    first)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0 passed=0 n=0

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

# check NAME COMMAND...: case number n, passing when COMMAND succeeds; a
# failing one shows the first 20 lines of what COMMAND printed.
check() {
	local name=$1
	shift
	n=$((n + 1))
	if "$@" >"$tmp/check.out" 2>&1; then
		echo "ok $n $name"
		passed=$((passed + 1))
	else
		echo "not ok $n $name"
		sed 's/^/# /' "$tmp/check.out" | head -n 20
		failed=$((failed + 1))
	fi
}

# fails COMMAND...: succeeds when COMMAND fails with status 1, not a crash.
fails() {
	local status=0
	"$@" || status=$?
	[ "$status" -eq 1 ]
}

# fails_saying TEXT COMMAND...: succeeds when COMMAND exits 1 saying TEXT.
fails_saying() {
	local text=$1 status=0
	shift
	"$@" >"$tmp/fails.out" 2>&1 || status=$?
	[ "$status" -eq 1 ] && grep -qF -- "$text" "$tmp/fails.out"
}

# judge NAME PREFIX VERDICT TEXT CHECKER ARGS...: runs the boot judge
# CHECKER on ARGS and wants VERDICT (PASS: exit 0, FAIL: exit 1) in exactly
# one line of output, "PREFIX: VERDICT: ...TEXT...".
judge() {
	local name=$1 prefix=$2 verdict=$3 text=$4 out rc want problem=
	shift 4
	if out=$("$@" 2>&1); then rc=0; else rc=$?; fi
	case $verdict in PASS) want=0 ;; *) want=1 ;; esac
	if [ "$rc" -ne "$want" ]; then
		problem="exit status $rc, expected $want"
	elif [ "$(printf '%s\n' "$out" | wc -l)" -ne 1 ]; then
		problem="expected one line of output"
	else
		case $out in
		"$prefix: $verdict: "*"$text"*) ;;
		*) problem="output lacks '$verdict: ...$text'" ;;
		esac
	fi
	if [ -z "$problem" ]; then
		passed=$((passed + 1))
		echo "ok   $name"
	else
		failed=$((failed + 1))
		echo "FAIL $name: $problem"
		printf '%s\n' "$out" | sed 's/^/       | /'
	fi
}
