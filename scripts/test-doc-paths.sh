#!/usr/bin/env bash
# Tests of scripts/doc-paths.sh on small repositories made here: a check
# that passes everything would let a renamed file leave its citations
# behind, so it must reject a dangling path in a document and in a
# comment, a path outside the repository, a Markdown link to nothing, a
# file git does not track, a rule the cited document does not have (on
# one line or across two) and a rule that names no document, and it must
# accept a repository whose citations all hold, build outputs and paths of
# the booted system included.
#
#   scripts/test-doc-paths.sh
#
# Exit 0 when every case gets the expected verdict, 1 otherwise.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
check=$here/doc-paths.sh
# shellcheck source=scripts/test-lib.sh
. "$here/test-lib.sh"

# repo CASE: a small repository of its own for case CASE, whose every
# citation holds; the case then adds the file under test with `put`. Its
# files have the names of real ones (docs/correctness.md with two rules),
# so that the comments below, which `make check` reads here too, hold in
# both repositories.
repo() {
	local r=$tmp/$1
	mkdir -p "$r/docs" "$r/mm/pmap" "$r/user/bin" "$r/user/tests" "$r/scripts"
	printf '# Rules\n\n## 1. Key by offset\n\ntext\n\n## 2. Whole segments\n' >"$r/docs/correctness.md"
	printf '/* the verbs; rules 1-2 of docs/correctness.md */\n' >"$r/mm/pmap/pmap.h"
	printf 'int main(void) { return 0; }\n' >"$r/user/bin/init.c"
	printf 'int x;\n' >"$r/user/tests/vm_user.c"
	cat >"$r/mm/README.md" <<-'EOF'
	# mm
	`pmap/pmap.h` (see [the rules](../docs/correctness.md), rule 2 of
	docs/correctness.md), user/tests/*.c, user/tests/NAME.c, mm/pmap/ and mm/pmap,
	user/bin/init (the program of user/bin/init.c). Not paths: $(B)/user/bin/init,
	build/kernel.elf, /tests/vm_user, /bin/init, https://example.org/mm/x.c.
	EOF
	cat >"$r/scripts/run.sh" <<-'EOF'
	#!/bin/sh
	# Runs user/bin/init.c's program; see docs/correctness.md, rule 1.
	echo "# docs/gone.md is in a string, not a comment" # mm/README.md
	EOF
	cat >"$r/mm/vm.c" <<-'EOF'
	/*
	 * Rule 2 of
	 * docs/correctness.md, in mm/pmap/pmap.h.
	 */
	static const char *s = "mm/gone.c";    // code, not a comment
	EOF
}

# put CASE FILE TEXT: writes TEXT into FILE of CASE's repository.
put() {
	mkdir -p "$(dirname "$tmp/$1/$2")"
	printf '%s\n' "$3" >"$tmp/$1/$2"
}

# expect CASE VERDICT TEXT: runs the check on CASE's repository (as a git
# work tree with every file added, unless VERDICT is FAIL-UNTRACKED) and
# wants exit 0 (PASS) or 1 (FAIL), and TEXT in its output when failing.
expect() {
	local out rc want=$2
	if [ "$want" = FAIL-UNTRACKED ]; then
		want=FAIL
	else
		git -C "$tmp/$1" init -q && git -C "$tmp/$1" add -A
	fi
	if out=$("$check" -C "$tmp/$1" 2>&1); then rc=0; else rc=$?; fi
	verdict "$1" "$want" "$3" "$rc" "$out"
}

repo clean
expect clean PASS ''

repo clean_no_git
rm -rf "$tmp/clean_no_git/.git"
if out=$("$check" -C "$tmp/clean_no_git" 2>&1); then
	echo "ok clean_no_git"
else
	echo "not ok clean_no_git: outside git, the clean repository fails: $out"
	failed=1
fi

repo doc
put doc docs/guide.md '# Guide

The faults are taken in mm/vm_fault.c.'
expect doc FAIL 'docs/guide.md:3: mm/vm_fault.c: no such file or directory'

repo comment
put comment mm/pmap/pmap.c '/*
 * The walk of user/tests/vm.c.
 */'
expect comment FAIL 'mm/pmap/pmap.c:2: user/tests/vm.c: no such file or directory'

repo outside
put outside README.md 'As ../shared/DESIGN.md says.'
expect outside FAIL 'README.md:1: ../shared/DESIGN.md: outside the repository'

repo link
put link docs/guide.md 'See [the rules](rule.md).'
expect link FAIL 'docs/guide.md:1: rule.md: no such file or directory'

repo untracked
put untracked docs/guide.md 'See mm/new.c.'
put untracked mm/new.c 'int y;'
git -C "$tmp/untracked" init -q
git -C "$tmp/untracked" add -A
git -C "$tmp/untracked" rm -q --cached mm/new.c
expect untracked FAIL-UNTRACKED 'docs/guide.md:1: mm/new.c: no such file or directory'

repo rule
put rule mm/map.c '/* Eligible segments (rules 1-3 of docs/correctness.md). */'
expect rule FAIL 'mm/map.c:1: rule 3 of docs/correctness.md: no such rule'

repo rule_across
put rule_across mm/map.c '/*
 * Eligible segments, rule 9 of
 * docs/correctness.md.
 */'
expect rule_across FAIL 'mm/map.c:2: rule 9 of docs/correctness.md: no such rule'

repo rule_bare
put rule_bare scripts/map.awk '# Eligible segments (rule 2).'
expect rule_bare FAIL 'scripts/map.awk:1: rule 2: of which document?'

exit $failed
