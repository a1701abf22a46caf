#!/usr/bin/env bash
# Installs what building, booting and testing the kernel needs, on Debian.
#
#   scripts/deps.sh [CHECK:PACKAGE ...]
#   scripts/deps.sh busybox DIR
#
# Each CHECK is a command that must be on PATH, or an absolute path that must
# exist (for files that no command stands for, like GRUB's BIOS modules);
# PACKAGE is the Debian package that provides it. Extra pairs on the command
# line add to the built-in list, e.g. `scripts/deps.sh gnuplot:gnuplot-nox`.
#
# The Makefile calls this before every run, test and bench, so when nothing is
# missing it must cost no more than a few `command -v` lookups and print
# nothing. It never reads stdin (CI has none).
#
# Exit status: 0 when everything is present (possibly after installing it),
# 1 when something is missing and could not be installed, 2 on a bad argument.
#
# `busybox DIR` fetches Debian's busybox-static, the shell and everyday tools
# of the initrd (user/user.mk), into DIR (the git-ignored cache/busybox/):
# `apt-get download` of the package, then its /bin/busybox taken out with
# dpkg-deb into DIR/busybox; nothing is installed and no root is needed.
# Quiet, and no network, when DIR/busybox is there (delete DIR for a newer
# one). When the package cannot be had (no apt-get, no network, no such
# package in the lists) it says why in one line and exits 1: the build then
# falls back to the project's own shell.
set -eu

# busybox DIR (see above).
fetch_busybox() {
	local dir=$1 tmp
	[ -x "$dir/busybox" ] && return 0
	command -v apt-get >/dev/null 2>&1 || { echo "deps.sh: no apt-get to fetch busybox-static" >&2; return 1; }
	command -v dpkg-deb >/dev/null 2>&1 || { echo "deps.sh: no dpkg-deb to unpack busybox-static" >&2; return 1; }
	tmp=$(mktemp -d)
	# shellcheck disable=SC2064 # expand now: tmp is local
	trap "rm -rf '$tmp'" RETURN
	# As root, apt-get download warns that its sandbox user cannot write
	# here and downloads anyway: only a failure's last line is shown.
	if ! (cd "$tmp" && apt-get -q download busybox-static >"$tmp/apt.log" 2>&1 </dev/null); then
		echo "deps.sh: apt-get download busybox-static failed: $(grep -v '^W:' "$tmp/apt.log" | tail -1)" >&2
		return 1
	fi
	dpkg-deb -x "$tmp"/busybox-static_*.deb "$tmp/x" && [ -x "$tmp/x/bin/busybox" ] ||
		{ echo "deps.sh: no /bin/busybox in busybox-static" >&2; return 1; }
	mkdir -p "$dir"
	mv "$tmp/x/bin/busybox" "$dir/busybox"
	echo "deps.sh: fetched busybox-static $(dpkg-deb -f "$tmp"/busybox-static_*.deb Version) into $dir"
}

if [ "${1:-}" = busybox ]; then
	[ $# -eq 2 ] || { echo "usage: scripts/deps.sh busybox DIR" >&2; exit 2; }
	fetch_busybox "$2"
	exit
fi

# grub-mkrescue alone is not enough for a BIOS-bootable ISO: it also needs the
# i386-pc modules (grub-pc-bin), xorriso to write the image and mtools
# (mformat) for the embedded FAT image, and it fails late and cryptically
# without them, so all three are checked here.
required=(
	gcc:gcc
	make:make
	nasm:nasm
	grub-mkrescue:grub-common
	/usr/lib/grub/i386-pc:grub-pc-bin
	/usr/lib/grub/x86_64-efi:grub-efi-amd64-bin  # the UEFI half of the same ISO
	/usr/share/OVMF/OVMF_CODE.fd:ovmf            # UEFI firmware for run.sh --uefi
	xorriso:xorriso
	mformat:mtools
	qemu-system-x86_64:qemu-system-x86
	musl-gcc:musl-tools
	timeout:coreutils
	gdb:gdb  # with Python: make gdb and make gdb-test (scripts/gdb/)
	python3:python3  # make console-test types at the shell (tests/console/)
)

present() {
	case $1 in
	/*) [ -e "$1" ] ;;
	*) command -v "$1" >/dev/null 2>&1 ;;
	esac
}

# Fills $missing (what is absent) and $pkgs (the packages for it, each once).
scan() {
	missing=() pkgs=()
	local pair what pkg
	for pair in "${required[@]}" "$@"; do
		what=${pair%%:*} pkg=${pair#*:}
		if [ "$what" = "$pair" ] || [ -z "$what" ] || [ -z "$pkg" ]; then
			echo "deps.sh: bad argument '$pair': expected COMMAND:PACKAGE" >&2
			exit 2
		fi
		present "$what" && continue
		case " ${missing[*]} " in *" $what "*) ;; *) missing+=("$what") ;; esac
		case " ${pkgs[*]} " in *" $pkg "*) ;; *) pkgs+=("$pkg") ;; esac
	done
}

scan "$@"
[ ${#missing[@]} -eq 0 ] && exit 0

# The command a person would type, printed when we may not run it ourselves.
manual="sudo apt-get update && sudo apt-get install -y --no-install-recommends ${pkgs[*]}"

if ! command -v apt-get >/dev/null 2>&1; then
	echo "deps.sh: missing ${missing[*]}; no apt-get here, install the equivalent of: ${pkgs[*]}" >&2
	exit 1
fi

if [ "$(id -u)" -eq 0 ]; then
	as_root=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null </dev/null; then
	as_root=(sudo)
else
	echo "deps.sh: missing ${missing[*]}; run:" >&2
	echo "  $manual" >&2
	exit 1
fi

echo "deps.sh: installing ${pkgs[*]} (missing: ${missing[*]})"

# A fresh machine may have empty package lists, so update once before the
# install. The lock timeout makes us wait for a concurrent apt (for example an
# unattended upgrade at boot) instead of failing at once.
apt_opts=(-q -o DPkg::Lock::Timeout=120)
log=$(mktemp)
trap 'rm -f "$log"' EXIT
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get "${apt_opts[@]}" update \
	</dev/null >/dev/null ||
	echo "deps.sh: apt-get update failed; trying the install anyway" >&2
if ! "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get "${apt_opts[@]}" \
	install -y --no-install-recommends "${pkgs[@]}" </dev/null >"$log" 2>&1; then
	cat "$log" >&2
	echo "deps.sh: apt-get install failed; to retry by hand: $manual" >&2
	exit 1
fi

# A package name that exists but does not provide the command (a wrong pair on
# the command line) would otherwise fail much later and far from here.
scan "$@"
if [ ${#missing[@]} -ne 0 ]; then
	echo "deps.sh: still missing after the install: ${missing[*]}" >&2
	exit 1
fi
