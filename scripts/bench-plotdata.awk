# bench-plotdata.awk: build/bench.txt -> the data files of scripts/plots.gnuplot.
#
#   awk -v dir=DIR -f scripts/bench-plotdata.awk build/bench.txt
#
# Reads the `bench: kind=phase` and `bench: kind=timeline` lines of the
# one-CPU boot and the phase lines of the Linux boot (scripts/bench-report.awk;
# the lines of the 4-CPU boot, which carry cpus=4, are left out) and writes
# into DIR:
#   sweep-MIB.dat   for each buffer size with fork-mode runs at two or more
#                   client counts (plain settings: share_pd=1, prelink=1,
#                   shm_use_phys=1, 4 KiB pages; on Linux, kernel=linux, on
#                   4 KiB or 2 MiB pages), startup phase, one row per client
#                   count: clients, faults per client off, on, page-table
#                   memory in KiB (private + object) off, on, then Linux's
#                   faults per client and page-table KiB on 4 KiB pages and
#                   on 2 MiB pages (SHM_HUGETLB); "?" where a run is missing
#   sizes           those sizes, on one line
#   timeline-{off,on}-{startup,restart}.dat   the startup and restart
#                   phases of the first -T run with sharing off and on: ms
#                   since the phase began, and page faults per second over
#                   the interval (dt_ms: 10, the last one shorter); the
#                   last line, "# total: N faults in T ms", sums the phase
#                   for the key of the chart
# Exit status 1 if there is no client sweep or no timeline to plot.

# Sorts the numbers a[1..n] in place (insertion sort: a handful of values).
function sort_numbers(a, n,    i, j, v) {
	for (i = 2; i <= n; i++) {
		v = a[i]
		for (j = i - 1; j > 0 && a[j] + 0 > v + 0; j--)
			a[j + 1] = a[j]
		a[j + 1] = v
	}
}

# n with a comma between each group of three digits: 2097152 -> 2,097,152.
function thousands(n,    s, out) {
	s = n ""
	out = ""
	while (length(s) > 3) {
		out = "," substr(s, length(s) - 2) out
		s = substr(s, 1, length(s) - 3)
	}
	return s out
}

function value(k) {
	return (k in V) ? V[k] : "?"
}

# Adds client count c to the sweep of size s.
function sweep_point(s, c) {
	if (!((s, c) in seen)) {
		seen[s, c] = 1
		ncl[s]++
		if (ncl[s] == 1)
			size_list[++nsizes] = s
		clients[s, ncl[s]] = c
	}
}

/^bench: kind=phase kernel=linux / {
	parse($0)
	if (kv["cpus"] > 1 || kv["phase"] != "startup" || kv["mode"] != "fork")
		next
	s = kv["shm_mib"]; c = kv["clients"]; o = "linux" (kv["large"] == 1 ? "2m" : "4k")
	sweep_point(s, c)
	V[s, c, o, "faults"] = kv["faults_per_client"]
	V[s, c, o, "kib"] = kv["pt_pages"] * 4
	next
}

/^bench: kind=phase / {
	parse($0)
	if (kv["cpus"] > 1 || kv["phase"] != "startup" || kv["mode"] != "fork" || kv["share_pd"] != 1 ||
	    kv["prelink"] != 1 || kv["shm_use_phys"] != 1 || kv["large"] == 1 ||
	    kv["fault_around"] == 1)
		next
	s = kv["shm_mib"]; c = kv["clients"]; o = kv["optimize"]
	sweep_point(s, c)
	V[s, c, o, "faults"] = kv["faults_per_client"]
	V[s, c, o, "kib"] = (kv["pt_pages"] + kv["obj_pt_pages"] + kv["obj_pd_pages"]) * 4
	next
}

/^bench: kind=timeline / {
	parse($0)
	if (kv["cpus"] > 1)
		next
	o = kv["optimize"]
	ph = kv["phase"]
	if ((ph != "startup" && ph != "restart") || ((o in trun) && trun[o] != kv["run"]))
		next
	trun[o] = kv["run"]
	file = dir "/timeline-" (o == 1 ? "on" : "off") "-" ph ".dat"
	dt = kv["t_ms"] - last_t[o, ph]
	last_t[o, ph] = kv["t_ms"]
	if (dt <= 0)
		next
	# the rate holds over the interval that ends at t_ms (gnuplot fsteps)
	if (!ntimeline[o, ph]++)
		print 0, kv["faults"] * 1000 / dt > file
	print kv["t_ms"], kv["faults"] * 1000 / dt > file
	timeline_faults[o, ph] += kv["faults"]
}

END {
	sort_numbers(size_list, nsizes)
	for (i = 1; i <= nsizes; i++) {
		s = size_list[i]
		if (ncl[s] < 2)
			continue
		sizes = sizes (sizes == "" ? "" : " ") s
		for (j = 1; j <= ncl[s]; j++)
			list[j] = clients[s, j]
		sort_numbers(list, ncl[s])
		file = dir "/sweep-" s ".dat"
		print "# clients faults_per_client_off on page_table_kib_off on " \
		    "linux_4k_faults_per_client linux_4k_page_table_kib " \
		    "linux_2m_faults_per_client linux_2m_page_table_kib" > file
		for (j = 1; j <= ncl[s]; j++) {
			c = list[j]
			print c, value(s SUBSEP c SUBSEP 0 SUBSEP "faults"),
			    value(s SUBSEP c SUBSEP 1 SUBSEP "faults"),
			    value(s SUBSEP c SUBSEP 0 SUBSEP "kib"),
			    value(s SUBSEP c SUBSEP 1 SUBSEP "kib"),
			    value(s SUBSEP c SUBSEP "linux4k" SUBSEP "faults"),
			    value(s SUBSEP c SUBSEP "linux4k" SUBSEP "kib"),
			    value(s SUBSEP c SUBSEP "linux2m" SUBSEP "faults"),
			    value(s SUBSEP c SUBSEP "linux2m" SUBSEP "kib") > file
		}
		close(file)
	}
	# each timeline ends with its total, which the key of the chart shows
	for (o = 0; o <= 1; o++)
		for (i = 1; i <= 2; i++) {
			ph = i == 1 ? "startup" : "restart"
			file = dir "/timeline-" (o == 1 ? "on" : "off") "-" ph ".dat"
			if (ntimeline[o, ph])
				print "# total: " thousands(timeline_faults[o, ph]) " faults in " \
				    thousands(last_t[o, ph]) " ms" > file
		}
	print sizes > (dir "/sizes")
	if (sizes == "" || !ntimeline[0, "startup"] || !ntimeline[1, "startup"] ||
	    !ntimeline[0, "restart"] || !ntimeline[1, "restart"]) {
		print "bench-plotdata: no " (sizes == "" ? "fork-mode client sweep" : \
		    "timeline (-T run with sharing off and on)") " in the input" > "/dev/stderr"
		exit 1
	}
}
