#!/usr/bin/env bash
# Boots the kernel in QEMU with its serial console on this terminal.
#
#   ./run.sh [--test] [--bench] [--kvm] [--uefi] [--smp N] [--mem SIZE]
#            [--cmdline "..."] [--timeout SECONDS] [--log FILE] [--gdb]
#            [--iso FILE]
#
#   --test           boot self-test: kernel command line `selftest`, no window,
#                    900 s limit, exit status judged (see below)
#   --bench          benchmarks: command line `bench`, no window, 1500 s limit
#   --kvm            hardware virtualisation (-accel kvm -cpu host) instead of
#                    TCG emulation; fails if /dev/kvm is not usable
#   --uefi           boot the same ISO through UEFI firmware (OVMF, Debian's
#                    ovmf package) instead of the BIOS: GRUB's EFI half, a
#                    framebuffer instead of VGA text; serial as always. The
#                    firmware's variables are a fresh copy of OVMF_VARS.fd in
#                    the build directory, so no run changes the next one's
#                    boot order
#   --smp N          CPUs (default $SMP or 1)
#   --mem SIZE       RAM in QEMU's syntax, e.g. 512M, 2G (default $MEM or 1G)
#   --cmdline "..."  kernel command line (replaces the --test/--bench default)
#   --timeout S      kill QEMU after S seconds (0: never; default 3600, or the
#                    --test/--bench limit above)
#   --log FILE       also copy the serial output to FILE, and QEMU's own exit
#                    status to FILE.status (what tests/ktap_check.sh reads)
#   --gdb            start paused with a gdb stub on :1234 (`make gdb` attaches
#                    gdb with the page-table commands of scripts/gdb/ptgdb.py)
#   --iso FILE       boot FILE instead of an ISO made from build/kernel.elf
#                    and build/initrd.tar
#
# Quit an interactive run with Ctrl-A X (Ctrl-A C: QEMU monitor), or Ctrl-C.
#
# Exit status with --test or --bench, from QEMU's isa-debug-exit device:
#   0    the guest wrote 0x10 (QEMU 33): pass
#   1    the guest wrote 0x11 (QEMU 35): the guest reported a failure
#   2    QEMU exited 0: triple fault or reset, never a pass
#   124  timed out
#   other: QEMU's (or timeout's) own status, explained on stderr
# Without them QEMU's status is passed through, except that a guest poweroff
# gives 0 however QEMU ended: machine_poweroff() asks ACPI for S5 (QEMU exits
# 0) and then writes the isa-debug-exit pass code, which sometimes wins the
# race (QEMU exits 33).
# run.sh's own errors: 64 bad usage, 3 nothing to boot or the ISO failed.
#
# Environment: SMP and MEM give the defaults above (so `make run SMP=4`
# works); QEMU names the emulator binary; QEMU_EXTRA adds arguments (split on
# spaces), e.g. QEMU_EXTRA="-d int,cpu_reset -D build/qemu.log";
# BUILD_DIR=DIR boots DIR/kernel.elf and DIR/initrd.tar (with make B=DIR).
# OVMF_CODE and OVMF_VARS name other firmware files for --uefi (defaults
# /usr/share/OVMF/OVMF_CODE.fd and OVMF_VARS.fd).
# RUN_SH_DRY=1 prints the GRUB menu entry and the command instead of running.
set -eu

root=$(cd "$(dirname "$0")" && pwd)
# BUILD_DIR lets several work trees or engineers share one checkout
# (make B=DIR builds there).
build=${BUILD_DIR:-$root/build}

usage() {
	sed -n '2,/^set -eu/{/^set -eu/d;s/^# \{0,1\}//;p}' "$0"
}

usage_error() {
	echo "run.sh: $*" >&2
	echo "usage: ./run.sh [--test] [--bench] [--kvm] [--uefi] [--smp N] [--mem SIZE] [--cmdline \"...\"]" \
		"[--timeout SECONDS] [--log FILE] [--gdb] [--iso FILE]   (--help for more)" >&2
	exit 64
}

die() {
	echo "run.sh: $*" >&2
	exit 3
}

mode=run
kvm=0
uefi=0
gdb=0
smp=${SMP:-1}
mem=${MEM:-1G}
cmdline=
cmdline_set=0
limit=
log=
iso=

while [ $# -gt 0 ]; do
	opt=$1
	# Options with a value take it as the next word or after '='.
	case $opt in
	--smp=* | --mem=* | --cmdline=* | --timeout=* | --log=* | --iso=*)
		val=${opt#*=}
		opt=${opt%%=*}
		;;
	--smp | --mem | --cmdline | --timeout | --log | --iso)
		[ $# -ge 2 ] || usage_error "$opt needs a value"
		val=$2
		shift
		;;
	esac
	case $opt in
	--test | --bench)
		[ "$mode" = run ] || [ "$mode" = "${opt#--}" ] ||
			usage_error "--test and --bench exclude each other"
		mode=${opt#--}
		;;
	--kvm) kvm=1 ;;
	--uefi) uefi=1 ;;
	--gdb) gdb=1 ;;
	--smp) smp=$val ;;
	--mem) mem=$val ;;
	--cmdline)
		cmdline=$val
		cmdline_set=1
		;;
	--timeout) limit=$val ;;
	--log) log=$val ;;
	--iso) iso=$val ;;
	-h | --help)
		usage
		exit 0
		;;
	*) usage_error "unknown option '$opt'" ;;
	esac
	shift
done

case $smp in '' | *[!0-9]* | 0) usage_error "--smp wants a positive number, not '$smp'" ;; esac
[[ $mem =~ ^[0-9]+[KMGT]?$ ]] || usage_error "--mem wants a size like 512M or 2G, not '$mem'"
# GRUB's parser would treat quotes, '$', ';', '\' and the like as its own
# syntax and pass something else to the kernel: refuse them rather than boot
# with a silently different command line.
[[ $cmdline =~ ^[A-Za-z0-9_.,:=/+@%\ -]*$ ]] ||
	usage_error "--cmdline may hold only letters, digits, spaces and _.,:=/+@%- (got '$cmdline')"
if [ "$cmdline_set" = 0 ]; then
	case $mode in
	test) cmdline=selftest ;;
	bench) cmdline=bench ;;
	esac
fi
if [ -z "$limit" ]; then
	case $mode in
	test) limit=900 ;;
	bench) limit=1500 ;;
	run) limit=3600 ;;
	esac
fi
case $limit in '' | *[!0-9]*) usage_error "--timeout wants whole seconds, not '$limit'" ;; esac

dry=${RUN_SH_DRY:-0}
[ "$dry" = 0 ] || dry=1

# CI may start us with stdin closed. QEMU's stdio console would then take
# fd 0 for whatever file it opens first, so give it /dev/null instead.
{ true <&0; } 2>/dev/null || exec </dev/null

menuentry="multiboot2 /boot/kernel.elf${cmdline:+ $cmdline}"

if [ -n "$iso" ]; then
	[ "$dry" = 1 ] || [ -f "$iso" ] || die "--iso: no such file: $iso"
elif [ "$dry" = 0 ]; then
	[ -f "$build/kernel.elf" ] || die "build/kernel.elf not found: run 'make' first"
	initrd=1
	if [ ! -f "$build/initrd.tar" ]; then
		echo "run.sh: warning: build/initrd.tar not found, booting without an initrd" >&2
		initrd=0
	fi

	# A fresh ISO each run, because the kernel command line lives in its
	# grub.cfg. It is written beside and renamed into place, so a QEMU that
	# is still running from the previous build/run.iso keeps a whole image.
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/run.sh.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	mkdir -p "$tmp/iso/boot/grub" "$build"
	cp "$build/kernel.elf" "$tmp/iso/boot/"
	[ "$initrd" = 0 ] || cp "$build/initrd.tar" "$tmp/iso/boot/"
	# The screen as in boot/grub.cfg, whose comments say why.
	{
		echo "set timeout=0"
		echo "set default=0"
		echo 'if [ "$grub_platform" = efi ]; then insmod all_video; fi'
		echo 'menuentry "kernel" {'
		echo "	$menuentry"
		[ "$initrd" = 0 ] || echo "	module2 /boot/initrd.tar initrd"
		echo '	if [ "$grub_platform" = pc ]; then set gfxpayload=text; fi'
		echo "	boot"
		echo "}"
	} >"$tmp/iso/boot/grub/grub.cfg"
	if ! grub-mkrescue -o "$build/run.iso.$$" "$tmp/iso" >"$tmp/mkrescue.log" 2>&1; then
		cat "$tmp/mkrescue.log" >&2
		rm -f "$build/run.iso.$$"
		die "grub-mkrescue failed (scripts/deps.sh installs grub-pc-bin, xorriso, mtools)"
	fi
	# grub-mkrescue leaves out the UEFI GRUB without a word when its
	# modules are missing; OVMF would then find nothing to boot.
	if [ "$uefi" = 1 ] && ! xorriso -indev "$build/run.iso.$$" -report_el_torito plain 2>/dev/null |
		grep -q 'boot img.* UEFI '; then
		rm -f "$build/run.iso.$$"
		die "--uefi: the ISO has no UEFI boot image (scripts/deps.sh installs grub-efi-amd64-bin)"
	fi
	mv -f "$build/run.iso.$$" "$build/run.iso"
	iso=$build/run.iso
else
	iso=$build/run.iso
fi

qemu=${QEMU:-qemu-system-x86_64}
args=(
	"$qemu" -machine pc -m "$mem" -smp "$smp" -no-reboot
	-device "isa-debug-exit,iobase=0xf4,iosize=0x04"
	-cdrom "$iso" -boot d
	# no network device: the kernel has no driver, and it saves the NIC ROM
	-nic none
	-serial mon:stdio
)
if [ "$uefi" = 1 ]; then
	ovmf_code=${OVMF_CODE:-/usr/share/OVMF/OVMF_CODE.fd}
	ovmf_vars=${OVMF_VARS:-/usr/share/OVMF/OVMF_VARS.fd}
	if [ "$dry" = 0 ]; then
		[ -f "$ovmf_code" ] && [ -f "$ovmf_vars" ] ||
			die "--uefi: no $ovmf_code or $ovmf_vars (scripts/deps.sh installs ovmf)"
		mkdir -p "$build"
		cp "$ovmf_vars" "$build/OVMF_VARS.fd"
	fi
	# The firmware as two flash chips: its code read-only, its variable
	# store writable (OVMF keeps the boot order and its settings there).
	args+=(-drive "if=pflash,format=raw,unit=0,readonly=on,file=$ovmf_code"
		-drive "if=pflash,format=raw,unit=1,file=$build/OVMF_VARS.fd")
fi
if [ "$kvm" = 1 ]; then
	if [ "$dry" = 0 ] && ! { [ -r /dev/kvm ] && [ -w /dev/kvm ]; }; then
		die "--kvm: /dev/kvm is missing or not accessible (run without --kvm for TCG)"
	fi
	args+=(-accel kvm -cpu host)
else
	# qemu64 is a plain x86-64 the kernel must run on anywhere; 1 GiB pages
	# are added because TCG emulates them and the direct map may use them.
	args+=(-accel tcg -cpu "qemu64,+pdpe1gb")
fi
# A window (whose VGA mirrors the console) only for interactive runs on a
# desktop, and only if this QEMU was built with a GUI: without one QEMU would
# quietly start a VNC server instead.
display=none
if [ "$mode" = run ] && [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ "$dry" = 0 ] &&
	"$qemu" -display help 2>/dev/null | grep -qE '^(gtk|sdl)$'; then
	display=
fi
[ -z "$display" ] || args+=(-display none)
[ "$gdb" = 0 ] || args+=(-s -S)
# shellcheck disable=SC2206 # splitting QEMU_EXTRA into words is the point
[ -z "${QEMU_EXTRA:-}" ] || args+=(${QEMU_EXTRA})

# timeout puts QEMU in a background process group of its own, where reading
# the terminal would stop it; --foreground keeps an interactive console.
timeout_cmd=(timeout --kill-after=10)
[ ! -t 0 ] || timeout_cmd+=(--foreground)
timeout_cmd+=("$limit")

if [ "$dry" = 1 ]; then
	echo "$menuentry"
	for word in "${timeout_cmd[@]}" "${args[@]}"; do
		# quoted only where a shell would need it, for copy and paste
		if [[ $word =~ ^[A-Za-z0-9_.,:=/+@%-]+$ ]]; then
			printf '%s ' "$word"
		else
			printf "'%s' " "$word"
		fi
	done
	echo
	exit 0
fi

if [ "$gdb" = 1 ]; then
	echo "run.sh: QEMU waits for gdb; in another terminal, make gdb (B=DIR for another build), or:" >&2
	echo "  gdb -x $root/scripts/gdb/ptgdb.py $build/kernel.elf -ex 'target remote :1234'" >&2
fi

if [ -n "$log" ]; then
	mkdir -p "$(dirname "$log")"
	rm -f "$log.status"
	set +e
	"${timeout_cmd[@]}" "${args[@]}" | tee "$log"
	status=${PIPESTATUS[0]}
	set -e
	echo "$status" >"$log.status"
else
	status=0
	"${timeout_cmd[@]}" "${args[@]}" || status=$?
fi

case $status in
124)
	echo "run.sh: timed out after $limit s" >&2
	exit 124
	;;
137)
	echo "run.sh: timed out after $limit s, and QEMU had to be killed" >&2
	exit 137
	;;
125 | 126 | 127)
	echo "run.sh: could not run $qemu (status $status from timeout)" >&2
	exit "$status"
	;;
esac
if [ "$mode" = run ]; then
	[ "$status" != 33 ] || exit 0
	exit "$status"
fi
case $status in
33) exit 0 ;;
35)
	echo "run.sh: guest reported failure" >&2
	exit 1
	;;
0)
	echo "run.sh: QEMU exited 0: the guest triple-faulted or reset (never a pass)" >&2
	exit 2
	;;
*)
	echo "run.sh: QEMU exited $status (expected 33 for a pass)" >&2
	exit "$status"
	;;
esac
