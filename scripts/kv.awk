# parse(line): splits a line's key=value words into the global kv[]
# (emptied first); words without '=' are skipped. Shared by the awk
# programs of the benchmark reports and charts, which load it first:
#   awk -f scripts/kv.awk -f scripts/bench-report.awk ...
function parse(line,    n, i, f, eq) {
	split("", kv)
	n = split(line, f, " ")
	for (i = 1; i <= n; i++)
		if ((eq = index(f[i], "=")) > 1)
			kv[substr(f[i], 1, eq - 1)] = substr(f[i], eq + 1)
}
