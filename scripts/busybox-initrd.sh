#!/usr/bin/env bash
# The shell and the everyday tools of the initrd (user/user.mk): Debian's
# busybox-static, or the project's own shell when it cannot be had.
#
#   scripts/busybox-initrd.sh ROOT CACHE LIST PROGRAM...
#
# ROOT is the initrd's tree ($(B)/initrd), CACHE the directory
# `scripts/deps.sh busybox CACHE` fetches busybox into, PROGRAM... the names
# of the project's programs (of /usr/bin). LIST gets the paths made under
# ROOT, relative to it, one a line (the archive takes them; the next run
# removes them first).
#
# With busybox: ROOT/bin/busybox, the package's own binary unchanged, and
# one symbolic link to /bin/busybox for each applet, at the path
# `busybox --list-full` gives it (bin/, sbin/, usr/bin/, usr/sbin/; busybox
# picks the applet by the name it is run as). Two applets are left out:
# init and linuxrc, because process 1 is the project's /usr/bin/init (which
# runs the tests and restarts the shell; busybox's init wants an inittab).
# Debian's busybox-static runs an applet typed at ash by its name before
# any PATH search, so a program of the project with an applet's name could
# be run only by its path: that is refused, the program must be renamed
# (the project's ps became vmps, sysctl ksysctl, true nop). The one
# exception is init, which the kernel starts by its path and nobody types.
#
# Without busybox (NO_BUSYBOX=1 in the environment, or the fetch failed, which
# deps.sh explains in one line): one link, ROOT/bin/sh to /usr/bin/ownsh,
# the project's own shell, and one line saying so.
#
# Exit status 0, or 1 on a clash or a failure to write ROOT.
set -eu

[ $# -ge 3 ] || { echo "usage: scripts/busybox-initrd.sh ROOT CACHE LIST PROGRAM..." >&2; exit 2; }
root=$1 cache=$2 list=$3
shift 3

# What the last run made goes first, so that switching modes leaves nothing.
if [ -f "$list" ]; then
	while read -r path; do
		[ -d "$root/$path" ] && [ ! -L "$root/$path" ] || rm -f "$root/$path"
	done <"$list"
fi
: >"$list.tmp"

# made PATH: records PATH (relative to ROOT) for the archive.
made() {
	echo "$1" >>"$list.tmp"
}

# The directories come first, then what is in them.
if [ -z "${NO_BUSYBOX:-}" ] && scripts/deps.sh busybox "$cache"; then
	applets=$("$cache/busybox" --list-full | grep -vxE 'sbin/init|linuxrc')
	names=$("$cache/busybox" --list)
	clash=0
	for p in "$@"; do
		if [ "$p" != init ] && printf '%s\n' "$names" | grep -qxF "$p"; then
			echo "busybox-initrd: the project's /usr/bin/$p has the name of busybox's" \
				"applet $p, which ash runs instead: rename the program" >&2
			clash=1
		fi
	done
	[ $clash -eq 0 ] || exit 1
	for d in $(printf '%s\n' "$applets" | sed 's|/[^/]*$||' | sort -u); do
		mkdir -p "$root/$d"
		made "$d"
	done
	cp "$cache/busybox" "$root/bin/busybox"
	made bin/busybox
	for a in $applets; do
		[ "$a" = bin/busybox ] && continue
		ln -sfn /bin/busybox "$root/$a"
		made "$a"
	done
	echo "busybox-initrd: /bin/busybox and $(printf '%s\n' "$applets" | grep -vc '^bin/busybox$') applets"
else
	[ -n "${NO_BUSYBOX:-}" ] && why="NO_BUSYBOX is set" || why="busybox-static could not be had"
	echo "busybox-initrd: no busybox ($why): /bin/sh is the project's own shell, /usr/bin/ownsh"
	mkdir -p "$root/bin"
	ln -sfn /usr/bin/ownsh "$root/bin/sh"
	made bin/sh
fi
mv "$list.tmp" "$list"
