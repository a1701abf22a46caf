#!/usr/bin/env bash
# The Linux side of `make test-linux`: fetches Debian's cloud kernel and
# boots it in the same QEMU as the project's kernel.
#
#   scripts/linux-kernel.sh fetch DIR
#   scripts/linux-kernel.sh boot DIR INITRAMFS LOG [--smp N] [--mem SIZE] [--timeout S]
#                                [--append WORDS]
#
# fetch: makes DIR/vmlinuz, a link to DIR/vmlinuz-VERSION, the kernel of
# the package linux-image-cloud-amd64 depends on (apt-get download, then
# dpkg-deb; nothing is installed). That kernel has SysV IPC, hugetlbfs and
# the 8250 serial console built in, so it needs no modules. Quiet, and no
# network, when DIR/vmlinuz is there: delete DIR to fetch a newer kernel.
# The download needs no root, but empty package lists (a fresh machine) need
# an `apt-get update`, run as root or with password-less sudo, as
# scripts/deps.sh does, or else printed.
#
# boot: boots DIR/vmlinuz with INITRAMFS (whose /init runs the suites, see
# tests/linux/init.c) under TCG, with the machine run.sh gives the project's
# kernel for `make test` (CPU model, isa-debug-exit at 0xf4, no NIC, serial
# on stdio, -no-reboot; 1 CPU and 1 GiB unless told otherwise). The serial
# console goes to stdout and LOG, QEMU's exit status to LOG.status, as
# `run.sh --log` does, for tests/ktap_check.sh. Linux gets `panic=-1`, so a
# panic reboots, which -no-reboot makes a QEMU exit 0: never a pass, like a
# power-off. Linux also gets `hugepages=N`, N from $LINUX_HUGEPAGES (default
# 8, 16 MiB, the largest region of the largepage suite): the 2 MiB pages that
# SHM_HUGETLB and MAP_HUGETLB take, which the project's kernel takes from its
# free 2 MiB blocks, Linux only from this reserve. --append adds WORDS to
# Linux's command line: a word Linux does not know (such as `bench`, see
# tests/linux/bench.c) reaches /init as an argument.
# Exit status: QEMU's, or 124 on a timeout.
set -eu

die() {
	echo "linux-kernel.sh: $*" >&2
	exit 1
}

usage() {
	sed -n '5,7s/^# \{0,1\}//p' "$0" >&2
	exit 2
}

META=linux-image-cloud-amd64

# The kernel package the meta package points at (linux-image-6.1.0-N-cloud-amd64).
kernel_package() {
	apt-cache depends "$META" 2>/dev/null | awk '$1 == "Depends:" && $2 ~ /^linux-image-/ { print $2; exit }'
}

# Runs apt-get update as root, with sudo, or prints the command and fails.
apt_update() {
	local as_root
	if [ "$(id -u)" -eq 0 ]; then
		as_root=()
	elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null </dev/null; then
		as_root=(sudo)
	else
		die "no package $META in the package lists; run: sudo apt-get update"
	fi
	echo "linux-kernel.sh: apt-get update (to find $META)"
	"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -q -o DPkg::Lock::Timeout=120 \
		update </dev/null >/dev/null || die "apt-get update failed"
}

fetch() {
	local dir=$1 pkg tmp vmlinuz
	[ -e "$dir/vmlinuz" ] && return 0
	command -v apt-get >/dev/null 2>&1 || die "no apt-get here: put a Linux bzImage at $dir/vmlinuz"
	pkg=$(kernel_package)
	if [ -z "$pkg" ]; then
		apt_update
		pkg=$(kernel_package)
		[ -n "$pkg" ] || die "$META names no linux-image package (apt-cache depends $META)"
	fi
	echo "linux-kernel.sh: fetching $pkg into $dir"
	tmp=$(mktemp -d)
	# shellcheck disable=SC2064 # expand now: tmp is local
	trap "rm -rf '$tmp'" EXIT
	# apt-get download as root warns that its sandbox user cannot write
	# to our directory, and then downloads anyway: only a failure is shown.
	(cd "$tmp" && apt-get -q download "$pkg" >"$tmp/apt.log" 2>&1) ||
		{ cat "$tmp/apt.log" >&2; die "apt-get download $pkg failed"; }
	dpkg-deb --fsys-tarfile "$tmp"/*.deb | tar -x -C "$tmp" --wildcards './boot/vmlinuz-*' ||
		die "no /boot/vmlinuz-* in $pkg"
	vmlinuz=$(cd "$tmp/boot" && echo vmlinuz-*)
	mkdir -p "$dir"
	mv "$tmp/boot/$vmlinuz" "$dir/$vmlinuz"
	ln -sfn "$vmlinuz" "$dir/vmlinuz"
}

boot() {
	local dir=$1 initramfs=$2 log=$3 smp=1 mem=1G limit=600 words= status
	shift 3
	while [ $# -gt 0 ]; do
		[ $# -ge 2 ] || usage
		case $1 in
		--smp) smp=$2 ;;
		--mem) mem=$2 ;;
		--timeout) limit=$2 ;;
		--append) words=" $2" ;;
		*) usage ;;
		esac
		shift 2
	done
	[ -e "$dir/vmlinuz" ] || die "no $dir/vmlinuz: run '$0 fetch $dir' first"
	[ -f "$initramfs" ] || die "no initramfs $initramfs"
	echo "linux-kernel.sh: booting $(readlink "$dir/vmlinuz" || echo vmlinuz) with $initramfs"
	mkdir -p "$(dirname "$log")"
	rm -f "$log.status"
	set +e
	timeout --kill-after=10 "$limit" "${QEMU:-qemu-system-x86_64}" \
		-machine pc -m "$mem" -smp "$smp" -no-reboot \
		-device isa-debug-exit,iobase=0xf4,iosize=0x04 \
		-nic none -serial mon:stdio -display none \
		-accel tcg -cpu qemu64,+pdpe1gb \
		-kernel "$dir/vmlinuz" -initrd "$initramfs" \
		-append "console=ttyS0 quiet panic=-1 hugepages=${LINUX_HUGEPAGES:-8}$words" \
		</dev/null | tee "$log"
	status=${PIPESTATUS[0]}
	set -e
	echo "$status" >"$log.status"
	return "$status"
}

[ $# -ge 1 ] || usage
case $1 in
fetch)
	[ $# -eq 2 ] || usage
	fetch "$2"
	;;
boot)
	[ $# -ge 4 ] || usage
	shift
	boot "$@"
	;;
*) usage ;;
esac
