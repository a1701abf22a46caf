#!/usr/bin/env bash
# The layering check of mm/pmap/ (issue 18): each file may call, or use the
# data of, only files of LOWER layers, so the calls run one way, from the
# verbs of pmap.h down to the entries, and no circle can form.
#
#   scripts/pmap-layers.sh [-v] OBJ...
#
# OBJ are the compiled files of mm/pmap/ (make check passes the host build's).
# The calls between files are read from the objects themselves with nm: a
# symbol one object needs (U) and another defines is a use of the second
# file by the first. Static functions are the file's own business and are
# not seen. -v also prints every use that is allowed. NM=... picks nm.
# Exit 0 when every use runs down; 1 with one line per use that does not
# (or per object that is in no layer); 2 on a usage error.
#
# THE ORDER, bottom first; one line per layer: a name, then its files. A
# file may use only files of the lines above its own (files of one line may
# not use each other). mm/pmap/README.md draws it and cites this list.
LAYERS='
entries  pte.h
tlb      pmap_tlb.c
tables   pmap_table.c kernel_map.c
pv       pmap_pv.c
objects  pmap_object.c
copies   pmap_leaf.c
links    pmap_link.c
verbs    pmap.c
readers  pmap_query.c pmap_dump.c pmap_verify.c
'
set -eu

verbose=0
if [ "${1:-}" = -v ]; then
	verbose=1
	shift
fi
if [ $# -eq 0 ]; then
	echo "usage: $0 [-v] OBJ..." >&2
	exit 2
fi
nm=${NM:-nm}

# One line per symbol: "D file symbol" for a global definition, "U file
# symbol" for a use, file being the source name (pmap_tlb.o -> pmap_tlb.c).
symbols() {
	for obj in "$@"; do
		src=$(basename "$obj" .o).c
		"$nm" "$obj" | awk -v src="$src" '
			$1 == "U" { print "U", src, $2; next }
			NF == 3 && $2 ~ /^[TDBRCGSV]$/ { print "D", src, $3 }'
	done
}

symbols "$@" | awk -v layers="$LAYERS" -v verbose="$verbose" '
	BEGIN {
		n = split(layers, line, "\n")
		rank = 0
		for (i = 1; i <= n; i++) {
			if (split(line[i], w, " ") < 2)
				continue
			rank++
			for (j = 2; j in w; j++) {
				layer_of[w[j]] = w[1]
				rank_of[w[j]] = rank
			}
		}
	}
	$1 == "D" { def[$3] = $2; files[$2] = 1; next }
	{ uses[++nuse] = $2 " " $3; files[$2] = 1 }
	END {
		bad = 0
		for (f in files)
			if (!(f in rank_of)) {
				printf "pmap-layers: %s is in no layer of scripts/pmap-layers.sh\n", f
				bad = 1
			}
		for (i = 1; i <= nuse; i++) {
			split(uses[i], u, " ")
			from = u[1]; sym = u[2]
			if (!(sym in def) || def[sym] == from)
				continue
			to = def[sym]
			if (!(from in rank_of) || !(to in rank_of))
				continue
			if (rank_of[to] < rank_of[from]) {
				if (verbose)
					printf "ok: %s (%s) -> %s (%s): %s\n", from, layer_of[from],
					       to, layer_of[to], sym
				continue
			}
			printf "pmap-layers: %s (%s) uses %s of %s (%s): %s\n", from,
			       layer_of[from], sym, to, layer_of[to],
			       rank_of[to] == rank_of[from] ? "the same layer" : "a higher layer"
			bad = 1
		}
		exit bad
	}'
