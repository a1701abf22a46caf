# The data files of scripts/bench-scale-plots.sh (see there): for each
# buffer size MIB of the `bench: kind=scale` lines, DIR/scale-MIB.dat, and
# the sizes in DIR/sizes. Run with -v dir=DIR after scripts/kv.awk.
/^bench: kind=scale / {
	parse($0)
	m = kv["shm_mib"]; n = kv["clients"] + 0
	if (!(m in SIZE)) { SIZE[m] = 1; SIZES[ns++] = m }
	if (!((m, n) in CL)) { CL[m, n] = 1; NCL[m]++; CLS[m, NCL[m]] = n }
	if (kv["skipped"] == "") {
		MS[kv["curve"], m, n] = kv["startup_ms"]
		PT[kv["curve"], m, n] = kv["pt_kib"]
		pts++
	}
}
END {
	if (!pts) {
		print "bench-scale-plots: no kind=scale points in " FILENAME > "/dev/stderr"
		exit 1
	}
	nc = split("linux_4k linux_hugetlb off on 2m_on", C, " ")
	for (s = 0; s < ns; s++) {
		m = SIZES[s]
		f = dir "/scale-" m ".dat"
		# client counts ascending
		for (i = 2; i <= NCL[m]; i++)
			for (j = i; j > 1 && CLS[m, j - 1] > CLS[m, j]; j--) {
				t = CLS[m, j]; CLS[m, j] = CLS[m, j - 1]; CLS[m, j - 1] = t
			}
		print "# clients, then startup ms and page-table KiB of linux_4k linux_hugetlb off on 2m_on" > f
		for (i = 1; i <= NCL[m]; i++) {
			n = CLS[m, i]
			line = n
			for (j = 1; j <= nc; j++)
				line = line " " ((C[j], m, n) in MS ? MS[C[j], m, n] : "?") \
				    " " ((C[j], m, n) in PT ? PT[C[j], m, n] : "?")
			print line > f
		}
		printf("%s%s", s ? " " : "", m) > (dir "/sizes")
	}
	print "" > (dir "/sizes")
}
