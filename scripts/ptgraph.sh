#!/usr/bin/env bash
# Renders the page-table graph that `demo --dot` prints (make ptgraph).
#
#   scripts/ptgraph.sh LOG SVG
#
# LOG is the serial console of a boot with `ptgraph` on the kernel command
# line (init runs `demo --dot`, which runs `ptdump --dot` on two clients),
# or of any session that ran `ptdump --dot`. The graph is the text from the
# line `digraph ptables {` (which may follow the shell's prompt `$ `) to the
# next line `}`. A legend is added to it: a small tree drawn the way the
# graph draws its own, one sample of each kind of node and edge that the
# graph has, each saying what it stands for. The whole is saved beside SVG
# as a .dot file and drawn by `dot` twice: as SVG, and as a PNG beside it
# (the same name, .png). The last two lines of output name both files and
# say how to look at them.
#
# The kinds are those of print_graph() in user/bin/ptdump.c, told apart by
# their Graphviz attributes (KINDS below). A graph that draws something
# else fails here rather than go out with a legend that does not explain
# it: change KINDS with ptdump.c. Exit status 1 if the log has no complete
# graph, the graph draws an unknown kind or dot fails; 2 on bad usage.
set -eu

if [ $# -ne 2 ]; then
	echo "usage: scripts/ptgraph.sh LOG SVG" >&2
	exit 2
fi
log=$1 svg=$2
dotfile=${svg%.svg}.dot png=${svg%.svg}.png

# KINDS, one per line, fields separated by |:
#   node|NAME|ATTRIBUTES|WORDS    a node drawn with ATTRIBUTES (what
#       follows its label; "pid" for a process, whose name says it);
#   edge|TARGETS|ATTRIBUTES|WORDS an edge drawn with ATTRIBUTES (plus
#       " ro" when its label ends in ro, "cr3" for a process's root),
#       drawn in the legend to the first node of TARGETS that the graph
#       has (else the first), from the process for cr3, else from the
#       private table; "below" is a second private table.
# WORDS is the legend's text ("\n" starts a line).
KINDS="
node|process|pid|a process
node|private||a page-table page of\nthe process's own (private)
node|shared|style=filled, fillcolor=orange|a shared table: a PT or PD page\nowned by a VM object, or linked\nfrom several entries; drawn once
node|page|shape=ellipse|a 2 MiB page: a leaf,\nno table below it
node|shared_page|shape=ellipse, style=filled, fillcolor=lightblue|a 2 MiB page mapped\nby several entries
edge|private|cr3|cr3: the process's\ntop table (PML4)
edge|below||[i]: entry i points at\na private table
edge|shared|color=red, penwidth=2|[i]: entry i links a\nshared table (thick, red)
edge|shared|color=red, penwidth=2 ro|[i] ro: a read-only link (R/W\nclear in the process's entry)
edge|page shared_page|style=dashed|[i] PS: entry i maps a 2 MiB\npage (page-size bit; dashed)
edge|page shared_page|style=dashed ro|[i] PS ro: a read-only\n2 MiB mapping
"

[ -f "$log" ] || { echo "ptgraph: no log $log" >&2; exit 1; }
tr -d '\r' <"$log" |
	awk '/^(\$ )?digraph ptables \{$/ { on = 1; sub(/^\$ /, "") } on { print } on && /^\}$/ { exit }' \
	>"$dotfile"
if ! tail -n 1 "$dotfile" | grep -qx '}'; then
	echo "ptgraph: no complete 'digraph ptables' in $log" >&2
	exit 1
fi
edges=$(grep -c -- '->' "$dotfile")

# The graph, less its closing brace, then the legend (a cluster) and the
# brace. KINDS goes through the environment: awk -v would turn its \n
# into newlines.
graph=$(KINDS="$KINDS" awk '
	# The attributes of a node or edge line of ptdump --dot, after its label.
	function attributes(s) {
		sub(/^[^"]*"([^"\\]|\\.)*"(, )?/, "", s)
		sub(/\];$/, "", s)
		return s
	}

	function use(key) {
		if (!(key in words)) {
			print "ptgraph: the legend does not know this drawing: " $0 > "/dev/stderr"
			bad = 1
		}
		used[key] = 1
	}

	# Prints the sample of node NAME once; "below" is a private table.
	function sample(name,    key) {
		if (name in printed)
			return
		printed[name] = 1
		key = name == "below" ? "node|" : node_key[name]
		printf "\t\tlegend_%s [label=\"%s\"%s];\n", name,
		    name == "below" ? "a private table\\na level down" : words[key],
		    look[key] == "" ? "" : ", " look[key]
	}

	BEGIN {
		n = split(ENVIRON["KINDS"], line, "\n")
		for (i = 1; i <= n; i++) {
			if (split(line[i], f, "|") != 4)
				continue
			key = f[1] "|" f[3]
			order[++nkinds] = key
			words[key] = f[4]
			look[key] = f[3] == "pid" ? "shape=ellipse" : f[3]
			sub(/ ?(ro|cr3)$/, "", look[key])
			if (f[1] == "node") {
				node_key[f[2]] = key
				name_of[key] = f[2]
			} else {
				targets[key] = f[2]
			}
		}
	}
	/^\tpid[0-9]+ \[label=/ { use("node|pid") }
	/^\t[a-z0-9]+ \[label=/ && !/^\tpid/ { use("node|" attributes($0)) }
	/^\t[a-z0-9]+ -> [a-z0-9]+ \[label=/ {
		if (/label="cr3"/)
			use("edge|cr3")
		else
			use("edge|" attributes($0) (/label="[^"]* ro"/ ? " ro" : ""))
	}
	/^\}$/ { next }
	{ print }
	END {
		if (bad)
			exit 1
		print "\tsubgraph cluster_legend {"
		print "\t\tlabel=\"legend\"; fontname=\"sans\"; fontsize=12; color=gray;"
		print "\t\tnode [fontname=\"sans\", fontsize=9];"
		print "\t\tedge [fontname=\"sans\", fontsize=9];"
		for (i = 1; i <= nkinds; i++)
			if (order[i] in used && order[i] ~ /^node/)
				sample(name_of[order[i]])
		for (i = 1; i <= nkinds; i++) {
			key = order[i]
			if (!(key in used) || key ~ /^node/)
				continue
			split(targets[key], t, " ")
			to = t[1]
			for (j = length(t); j >= 1; j--)
				if (node_key[t[j]] in used)
					to = t[j]
			from = key == "edge|cr3" ? "process" : "private"
			sample(from)
			sample(to)
			printf "\t\tlegend_%s -> legend_%s [label=\"%s\"%s];\n", from, to, words[key],
			    look[key] == "" ? "" : ", " look[key]
		}
		print "\t}"
		print "}"
	}' "$dotfile") || exit 1
printf '%s\n' "$graph" >"$dotfile"
dot -Tsvg "$dotfile" -o "$svg"
dot -Tpng "$dotfile" -o "$png"
echo "ptgraph: $svg and $png ($edges edges, with a legend; source $dotfile)"
echo "ptgraph: open the PNG in any image viewer, or the SVG in a web browser (it zooms without blurring)"
