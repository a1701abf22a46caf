#!/usr/bin/env bash
# The path check of the documentation and the comments (issue 19), run by
# `make check`: every file or directory of the repository that a document
# or a comment cites must exist, and every numbered rule it cites must be
# a rule of the document it names. A student follows these pointers in the
# first hour; one that leads nowhere teaches them to stop following.
#
#   scripts/doc-paths.sh [-C ROOT] [FILE...]
#
# ROOT (default: the repository holding this script) is where cited paths
# are looked up. FILE... are the files to read (relative to ROOT); by
# default every file of ROOT that is read (below). Exit 0 when every
# citation holds; 1 with one line per dangling one, "FILE:LINE: ...";
# 2 on a usage error. `make check` runs it; scripts/test-doc-paths.sh
# shows that it fails on a dangling path and on a missing rule.
#
# WHAT IS READ. All of a Markdown file (*.md: docs/, README.md and the
# README.md of every directory), code blocks included; only the comments
# of the sources: /* */ and // in .c .h .S .ld, ; in .asm, # in .sh .awk
# .gnuplot, Makefile, .mk and scripts that start with #!. Code is left to
# the compiler and to make, which fail on a missing file by themselves.
#
# THE REPOSITORY is what git tracks (git ls-files; a new file counts once
# it is added), or, outside a git work tree, every file of ROOT but .git/,
# build/ and cache/.
#
# WHAT IS A PATH, in the text read:
#  - a word that begins with the name of a top-level directory of the
#    repository (boot/ docs/ kernel/ mm/ ... as the repository has them),
#    or of a directory beside the file that cites it (a README.md may say
#    `pmap/pmap.h` for its own mm/pmap/pmap.h), then a slash: letters,
#    digits and _ . - * / up to the first other character, less a final
#    full stop. It is looked up beside the citing file first, then at
#    ROOT. It names a file (mm/vm_map.c), a directory (mm/pmap/ or
#    mm/pmap), a glob that must match something (user/tests/*.c), or a
#    program built from the source of the same name plus .c (user/bin/init
#    is user/bin/init.c);
#  - a file name ending in .md without a directory (README.md): a
#    document beside the citing file or at ROOT;
#  - a word that begins with ../: it must stay inside the repository;
#  - the target of a Markdown link [text](target), looked up beside the
#    Markdown file (a URL, or a link within the page, is not a path).
# NAME, FILE and OUT stand for any name (user/tests/NAME.c,
# mm/pmap/FILE, OUT.md) and must match something, as a * does.
#
# WHAT IS NOT, deliberately:
#  - build outputs, $(B)/..., build/..., cache/...: build/ and cache/ are
#    git-ignored, so no directories of the repository, and the user/ of
#    $(B)/user/bin/demo follows a slash (a word that follows a letter, a
#    digit or one of _ . / $ ~ - is never a path of its own);
#  - paths inside the booted system or the host, /bin/demo, /tests/vm_user,
#    /etc/motd, /usr/bin/env: they begin with a slash;
#  - another project's files, written with the project's name joined
#    (linux/mm/hugetlb.c) or as a URL;
#  - bare names without .md (vm_map.c, kernel.elf): which directory they
#    mean is left to the reader;
#  - the words of NOT_PATHS below, which look like paths and are not.
#
# RULE REFERENCES: "rule 6 of docs/correctness.md", "Rules 1-3 of
# docs/correctness.md", "docs/correctness.md, rule 6", "rules 1, 2 and 5
# of docs/correctness.md", on one line or across two: each number must be
# the number of a heading of that document ("## 6. ..."). A "rule N" that
# names no document fails, except in a document that numbers its own
# rules, where it means its own.

# Words of the text read that look like paths and are not: the
# user/kernel boundary (prose), and a KTAP test path that
# tests/ktap_check.sh prints (the suite user, its subtest fork).
NOT_PATHS='user/kernel user/fork'

set -eu

usage() {
	echo "usage: $0 [-C ROOT] [FILE...]" >&2
	exit 2
}
root=$(cd "$(dirname "$0")/.." && pwd)
if [ "${1:-}" = -C ]; then
	[ $# -ge 2 ] || usage
	root=$2
	shift 2
fi
case ${1:-} in -*) usage ;; esac
cd "$root"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if [ "$(git rev-parse --show-toplevel 2>/dev/null)" = "$(pwd -P)" ]; then
	# the tracked files that the work tree still has
	git ls-files --deleted | sort >"$tmp/deleted"
	git ls-files | sort | comm -23 - "$tmp/deleted" >"$tmp/paths"
else
	find . \( -path ./.git -o -path ./build -o -path ./cache \) -prune -o -type f -print |
		sed 's|^\./||' | sort >"$tmp/paths"
fi

if [ $# -eq 0 ]; then
	while IFS= read -r f; do
		case $f in
		*.md | *.c | *.h | *.S | *.ld | *.asm | *.sh | *.awk | *.gnuplot | *.mk | Makefile | */Makefile)
			set -- "$@" "$f" ;;
		*)	if head -c 2 "$f" | grep -q '^#!'; then set -- "$@" "$f"; fi ;;
		esac
	done <"$tmp/paths"
fi
for f in "$@"; do
	[ -f "$f" ] || { echo "doc-paths: no file $f in $root" >&2; exit 2; }
done

# The report, in the order of the files and of their lines (a rule reference
# is checked with the line after it, so it comes out a line late).
status=0
awk -v list="$tmp/paths" -v not_paths="$NOT_PATHS" '
# ---- the repository: have[p] for every file and directory ("d/") ----

function add_path(p,    c, n, i, d, parent) {
	have[p] = 1
	all[++nall] = p
	n = split(p, c, "/")
	d = ""
	for (i = 1; i < n; i++) {
		parent = d
		d = d c[i] "/"
		if (!(d in have)) {
			have[d] = 1
			all[++nall] = d
			children[parent] = children[parent] "|" quote(c[i])
		}
	}
}

# s with the characters that a dynamic regex reads specially escaped.
function quote(s,    out, ch, i) {
	out = ""
	for (i = 1; i <= length(s); i++) {
		ch = substr(s, i, 1)
		out = out (index(".[]()*+?^$|\\{}/", ch) ? "\\" ch : ch)
	}
	return out
}

# The directory of file f: "" at the root, else a path ending in "/".
function dir_of(f) {
	return substr(f, 1, match(f, /[^\/]*$/) - 1)
}

# Is p (relative to the root) there? "d/" must be a directory, "d" may be
# a file or a directory.
function exists(p) {
	return (p in have) || (p !~ /\/$/ && ((p "/") in have))
}

# Does the glob g (a * within one name) match a file or a directory?
function glob_matches(g,    re, i, p) {
	re = quote(g)
	gsub(/\\\*/, "[^/]*", re)
	re = "^" re "$"
	for (i = 1; i <= nall; i++) {
		p = all[i]
		if (g !~ /\/$/)
			sub(/\/$/, "", p)
		if (p ~ re)
			return 1
	}
	return 0
}

# p, relative to the root, with its "." and "d/.." taken out: "" for the
# root itself, ".." when it climbs out of the repository.
function normalize(p,    c, n, i, k, s, out) {
	n = split(p, c, "/")
	k = 0
	for (i = 1; i <= n; i++) {
		if (c[i] == "." || c[i] == "")
			continue
		if (c[i] == "..") {
			if (k == 0)
				return ".."
			k--
		} else {
			s[++k] = c[i]
		}
	}
	out = ""
	for (i = 1; i <= k; i++)
		out = out (i > 1 ? "/" : "") s[i]
	return out (p ~ /\/$/ && out != "" ? "/" : "")
}

# p with its metavariables (NAME, FILE, OUT) turned into globs.
function unplaceholder(p,    c, n, i, stem, out) {
	n = split(p, c, "/")
	out = ""
	for (i = 1; i <= n; i++) {
		stem = c[i]
		sub(/\..*/, "", stem)
		if (stem == "NAME" || stem == "FILE" || stem == "OUT")
			c[i] = "*" substr(c[i], length(stem) + 1)
		out = out (i > 1 ? "/" : "") c[i]
	}
	return out
}

# Is the cited path p there, looked up in each directory of bases (a list
# of directories ending in "/", "-" for the root)?
function found(p, bases,    b, n, i, g) {
	n = split(bases, b, " ")
	g = unplaceholder(p)
	for (i = 1; i <= n; i++) {
		if (b[i] == "-")
			b[i] = ""
		if (g ~ /\*/ ? glob_matches(b[i] g) : exists(b[i] p))
			return 1
		# a program, named after its source
		if (p !~ /\/$/ && p !~ /\.[A-Za-z0-9]+$/ && exists(b[i] p ".c"))
			return 1
	}
	return 0
}

# Reports one dangling citation of line `line` of the file read, once.
function dangling(line, what,    msg) {
	msg = "doc-paths: " cur ":" line ": " what
	if (!(msg in said)) {
		said[msg] = 1
		print msg
	}
	bad = 1
}

function check_path(p, bases) {
	sub(/\.+$/, "", p)
	if (p == "" || index(" " not_paths " ", " " p " "))
		return
	if (!found(p, bases))
		dangling(FNR, p ": no such file or directory in the repository")
}

# A path relative to the file read, which must stay in the repository.
function check_relative(p,    n) {
	sub(/\.+$/, "", p)
	n = normalize(fdir p)
	if (n == "..")
		dangling(FNR, p ": outside the repository")
	else if (n != "" && !found(n, "-"))
		dangling(FNR, p ": no such file or directory in the repository")
}

# ---- the text that is read of a line ----

# The comments of a C line; in_block carries a /* comment across lines.
function c_comments(s,    out, i, q) {
	out = ""
	while (s != "") {
		if (in_block) {
			if (!(i = index(s, "*/")))
				return out " " s
			out = out " " substr(s, 1, i - 1)
			s = substr(s, i + 2)
			in_block = 0
			continue
		}
		if (!match(s, /\/\*|\/\/|"|\047/))
			return out
		if (substr(s, RSTART, 2) == "//")
			return out " " substr(s, RSTART + 2)
		if (substr(s, RSTART, 2) == "/*") {
			in_block = 1
			s = substr(s, RSTART + 2)
			continue
		}
		# a string or character literal: skip to its end
		q = substr(s, RSTART, 1)
		s = substr(s, RSTART + 1)
		if (q == "\"" ? !match(s, /^([^"\\]|\\.)*"/) : !match(s, /^([^\047\\]|\\.)*\047/))
			return out
		s = substr(s, RLENGTH + 1)
	}
	return out
}

# The comment of a line in a language whose comments begin with c (# or
# ;) at the start of the line or after a blank, outside quotes.
function line_comment(s, c,    q, ch, i) {
	q = ""
	for (i = 1; i <= length(s); i++) {
		ch = substr(s, i, 1)
		if (q != "") {
			if (ch == "\\" && q == "\"")
				i++
			else if (ch == q)
				q = ""
		} else if (ch == "\"" || ch == "\047") {
			q = ch
		} else if (ch == c && (i == 1 || substr(s, i - 1, 1) ~ /[ \t]/)) {
			return substr(s, i + 1)
		}
	}
	return ""
}

function text_of(s) {
	if (kind == "md")
		return s
	if (kind == "c")
		return c_comments(s)
	return line_comment(s, kind == "asm" ? ";" : "#")
}

# ---- the citations of a text ----

function check_text(s,    rest, p) {
	rest = s
	while (match(rest, token_re)) {
		p = substr(rest, RSTART, RLENGTH)
		rest = substr(rest, RSTART + RLENGTH)
		sub(/^[^A-Za-z0-9_.]/, "", p)
		check_path(p, fdir " -")
	}
	rest = s
	while (match(rest, /(^|[^A-Za-z0-9_.\/$~-])\.\.\/[A-Za-z0-9_.*\/-]*/)) {
		p = substr(rest, RSTART, RLENGTH)
		rest = substr(rest, RSTART + RLENGTH)
		sub(/^[^.]/, "", p)
		check_relative(p)
	}
	rest = s
	while (match(rest, /(^|[^A-Za-z0-9_.\/$~-])[A-Za-z0-9_-]+\.md([^A-Za-z0-9_.\/-]|\.?$)/)) {
		p = substr(rest, RSTART, RLENGTH)
		rest = substr(rest, RSTART + RLENGTH)
		sub(/^[^A-Za-z0-9_-]/, "", p)
		sub(/\.md.*/, ".md", p)
		check_path(p, fdir " -")
	}
	if (kind != "md")
		return
	rest = s
	while (match(rest, /\]\([^) ]+\)/)) {
		p = substr(rest, RSTART + 2, RLENGTH - 3)
		rest = substr(rest, RSTART + RLENGTH)
		if (p ~ /^[a-z]+:/ || p ~ /^#/)
			continue
		sub(/#.*/, "", p)
		check_relative(p)
	}
}

# The numbered rules of document doc (relative to the root): rule_in[doc, n].
function load_rules(doc,    line, n) {
	if (doc in loaded)
		return
	loaded[doc] = 1
	while ((getline line < doc) > 0)
		if (line ~ /^#+ +[0-9]+\. /) {
			n = line
			sub(/^#+ +/, "", n)
			sub(/\..*/, "", n)
			rule_in[doc, n + 0] = 1
			nrules[doc]++
		}
	close(doc)
}

# The rule references that begin in the first len characters of s, line
# `line` of the file read; the rest of s is the next line, for a reference
# broken across two lines.
function check_rules(s, len, line,    low, rest, off, at, m, after, before, doc, nums, n, i, r, a, b) {
	low = tolower(s)
	rest = low
	off = 0
	while (match(rest, /(^|[^a-z])rules? [0-9]+(-[0-9]+)?((, | and |, and | or )[0-9]+(-[0-9]+)?)*/)) {
		at = off + RSTART
		m = substr(rest, RSTART, RLENGTH)
		before = substr(low, 1, at)
		after = substr(rest, RSTART + RLENGTH)
		off += RSTART + RLENGTH - 1
		rest = substr(rest, RSTART + RLENGTH)
		if (at > len)
			break
		sub(/^[^r]/, "", m)
		doc = ""
		if (match(after, /^ of (the )?[[`]?[a-z0-9_.\/-]*[a-z0-9_-]\.md/))
			doc = substr(after, RSTART, RLENGTH)
		else if (match(before, /[a-z0-9_.\/-]*[a-z0-9_-]\.md[`\]]?\)?[,:;]? *[(]?$/))
			doc = substr(before, RSTART, RLENGTH)
		sub(/^ of (the )?[[`]?/, "", doc)
		sub(/\.md.*/, ".md", doc)
		if (doc == "") {
			load_rules(cur)
			if (!nrules[cur]) {
				dangling(line, m ": of which document? (say \"" m " of docs/correctness.md\")")
				continue
			}
			doc = cur
		} else if (exists(fdir doc)) {
			doc = fdir doc
		} else if (!exists(doc)) {
			continue    # the path check reports the document
		}
		load_rules(doc)
		sub(/^rules? /, "", m)
		gsub(/ and | or |, /, " ", m)
		n = split(m, nums, " ")
		for (i = 1; i <= n; i++) {
			a = b = nums[i]
			if (split(nums[i], r, "-") == 2) {
				a = r[1]
				b = r[2]
			}
			for (; a + 0 <= b + 0; a++)
				if (!((doc, a + 0) in rule_in))
					dangling(line, "rule " a " of " doc ": no such rule (no heading \"## " \
					    a ". ...\" there)")
		}
	}
}

# ---- each file, each line ----

# Checks the rule references of the last line read of the current file.
function flush_rules() {
	if (pending != "")
		check_rules(pending, length(pending), pending_line)
	pending = ""
}

function start_file(f,    tops) {
	cur = f
	fdir = dir_of(f)
	in_block = 0
	if (f ~ /\.md$/)
		kind = "md"
	else if (f ~ /\.(c|h|S|ld)$/)
		kind = "c"
	else if (f ~ /\.asm$/)
		kind = "asm"
	else
		kind = "hash"
	tops = children[""] (fdir != "" ? children[fdir] : "")
	token_re = "(^|[^A-Za-z0-9_./$~-])(" substr(tops, 2) ")/[A-Za-z0-9_.*/-]*"
}

BEGIN {
	while ((getline p < list) > 0)
		add_path(p)
	close(list)
	endash = "\342\200\223"
}
FNR == 1 {
	flush_rules()
	start_file(FILENAME)
}
{
	t = text_of($0)
	gsub(endash, "-", t)
	check_text(t)
	# the next line of a comment, less its leading " * ", continues this one
	cont = t
	sub(/^[ \t]*(\*[ \t]+)?/, "", cont)
	if (pending != "")
		check_rules(pending " " cont, length(pending), pending_line)
	pending = t
	pending_line = FNR
}
END {
	flush_rules()
	exit bad
}' "$@" >"$tmp/report" || status=$?
sort -t: -s -k2,2 -k3,3n "$tmp/report"
exit $status
