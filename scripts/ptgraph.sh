#!/usr/bin/env bash
# Renders the page-table graph that `demo --dot` prints (make ptgraph).
#
#   scripts/ptgraph.sh LOG SVG
#
# LOG is the serial console of a boot with `ptgraph` on the kernel command
# line (init runs `demo --dot`, which runs `ptdump --dot` on two clients),
# or of any session that ran `ptdump --dot`. The graph is the text from the
# line `digraph ptables {` (which may follow the shell's prompt `$ `) to the
# next line `}`; it is saved beside SVG as a .dot file and drawn with
# `dot -Tsvg`. Exit status 1 if the log has no complete graph or dot
# rejects it.
set -eu

if [ $# -ne 2 ]; then
	echo "usage: scripts/ptgraph.sh LOG SVG" >&2
	exit 2
fi
log=$1 svg=$2
dotfile=${svg%.svg}.dot

[ -f "$log" ] || { echo "ptgraph: no log $log" >&2; exit 1; }
tr -d '\r' <"$log" |
	awk '/^(\$ )?digraph ptables \{$/ { on = 1; sub(/^\$ /, "") } on { print } on && /^\}$/ { exit }' \
	>"$dotfile"
if ! tail -n 1 "$dotfile" | grep -qx '}'; then
	echo "ptgraph: no complete 'digraph ptables' in $log" >&2
	exit 1
fi
dot -Tsvg "$dotfile" -o "$svg"
echo "$svg ($(grep -c -- '->' "$dotfile") edges; source $dotfile)"
