#!/usr/bin/env bash
# Tests of scripts/programs.sh on small repositories made here: a check
# that passes everything would let the list of programs drift from the
# programs and from README.md, so it must reject a program without a line,
# a line without a program, a stale or missing README copy and a malformed
# line, and accept a list that matches; `readme` must bring README.md back
# in line, and the C header must keep a description's quotes and
# backslashes.
#
#   scripts/test-programs.sh     (HOST_CC=... picks the compiler)
#
# Exit 0 when every case gets the expected verdict, 1 otherwise.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
tool=$here/programs.sh
cc=${HOST_CC:-gcc}
# shellcheck source=scripts/test-lib.sh
. "$here/test-lib.sh"

# repo CASE: a repository with two programs, one test and a list and
# README.md that match.
repo() {
	local r=$tmp/$1
	mkdir -p "$r/user/bin" "$r/user/tests" "$r/user/etc"
	touch "$r/user/bin/sh.c" "$r/user/bin/ps.c" "$r/user/tests/proc.c"
	cat >"$r/user/etc/programs" <<'LIST'
# a comment, then a blank line

/usr/bin/ps     lists the processes
/usr/bin/sh     the shell
/tests/proc processes and exec
LIST
	printf '# Title\n\n<!-- programs: generated from user/etc/programs by `make readme`; edit that file, not this list -->\n<!-- programs: end -->\n\nmore\n' \
		>"$r/README.md"
	"$tool" readme "$r" >/dev/null
}

# expect CASE VERDICT TEXT [REPO]: runs the check on repository REPO
# (default CASE) and wants exit 0 (PASS) or 1 (FAIL), and TEXT in its
# output when failing.
expect() {
	local out rc
	if out=$("$tool" check "$tmp/${4:-$1}" 2>&1); then rc=0; else rc=$?; fi
	verdict "$1" "$2" "$3" "$rc" "$out"
}

repo good
expect good PASS ''
if ! grep -qxF '| `/usr/bin/ps` | lists the processes |' "$tmp/good/README.md" ||
   [ "$(tail -1 "$tmp/good/README.md")" != more ]; then
	echo "not ok readme_writes_the_table: $(cat "$tmp/good/README.md")"
	failed=1
else
	echo "ok readme_writes_the_table"
fi

repo no_line
touch "$tmp/no_line/user/bin/vmstat.c"
expect no_line FAIL '/usr/bin/vmstat (user/bin/vmstat.c) has no line in user/etc/programs'

repo local_needs_no_line
mkdir -p "$tmp/local_needs_no_line/user/local"
touch "$tmp/local_needs_no_line/user/local/hello.c"
expect local_needs_no_line PASS ''

repo no_source
rm "$tmp/no_source/user/tests/proc.c"
expect no_source FAIL 'lists /tests/proc, which has no source user/tests/proc.c'

repo stale_readme
sed -i 's/the shell/the shell, renamed/' "$tmp/stale_readme/user/etc/programs"
expect stale_readme FAIL "README.md's list of programs differs from user/etc/programs: run make readme"
"$tool" readme "$tmp/stale_readme" >/dev/null
expect stale_readme_after_make_readme PASS '' stale_readme

repo no_markers
sed -i '/<!-- programs/d' "$tmp/no_markers/README.md"
expect no_markers FAIL 'needs one line'

repo bad_path
echo '/bin/ls  lists files' >>"$tmp/bad_path/user/etc/programs"
expect bad_path FAIL '"/bin/ls" is not /usr/bin/NAME or /tests/NAME'

repo no_description
sed -i 's|^/usr/bin/sh .*|/usr/bin/sh|' "$tmp/no_description/user/etc/programs"
expect no_description FAIL '/usr/bin/sh: no description'

repo too_long
sed -i "s|^/usr/bin/sh .*|/usr/bin/sh $(printf 'x%.0s' {1..62})|" "$tmp/too_long/user/etc/programs"
expect too_long FAIL '/usr/bin/sh: description of 62 characters (at most 61)'

repo out_of_order
sed -i 's|^/usr/bin/ps |/usr/bin/zz |' "$tmp/out_of_order/user/etc/programs"
expect out_of_order FAIL '/usr/bin/sh: out of order (after /usr/bin/zz)'

repo twice
echo '/tests/proc again' >>"$tmp/twice/user/etc/programs"
expect twice FAIL '/tests/proc: listed twice (also line 5)'

# The header, compiled: a description with a quote and a backslash, and
# a motd of two lines, come out as they are in the files.
repo header
sed -i 's|^/usr/bin/sh .*|/usr/bin/sh     the "shell" \\ builtins|' "$tmp/header/user/etc/programs"
printf 'Type "help".\nTwo\\lines\n' >"$tmp/header/motd"
"$tool" header "$tmp/header/user/etc/programs" "$tmp/header/motd" >"$tmp/header/etc_text.h"
cat >"$tmp/header/main.c" <<'C'
#include <stdio.h>
#include "etc_text.h"
#define PROGRAM(path, what) printf("%s|%s\n", path, what);
int main(void) { ETC_PROGRAMS printf("%s", ETC_MOTD); return 0; }
C
want='/usr/bin/ps|lists the processes
/usr/bin/sh|the "shell" \ builtins
/tests/proc|processes and exec
Type "help".
Two\lines'
if "$cc" -Werror -o "$tmp/header/main" "$tmp/header/main.c" -I"$tmp/header" &&
   [ "$("$tmp/header/main")" = "$want" ]; then
	echo "ok header_keeps_the_text"
else
	echo "not ok header_keeps_the_text: $("$tmp/header/main" 2>&1 || true)"
	failed=1
fi

exit $failed
