# bench-scale-report.awk: the serial logs of `make bench-scale` ->
# build/bench-scale.txt.
#
#   awk -f scripts/bench-scale-report.awk build/bench-scale.log \
#       build/bench-scale-linux.log > build/bench-scale.txt
#
# The first log is this kernel's boot (`bench scale`, user/bin/bench.c),
# the second Linux's (/init's `bench scale`, tests/linux/bench.c). Each
# holds `bench: kind=...` lines and, between a run's `kind=run` and
# `kind=status` lines, that run's `pgbench:` lines. Every run and every
# skipped row is a point of one curve:
#   linux_4k       Linux, SysV shm on 4 KiB pages (each client fills its own
#                  page tables)
#   linux_hugetlb  Linux, SHM_HUGETLB (2 MiB pages, pgbench -L)
#   off            this kernel, 4 KiB pages, sharing off (private tables)
#   on             this kernel, 4 KiB pages, sharing on
#   2m_on          this kernel, 2 MiB pages (pgbench -L), sharing on
# The output: for each buffer size, the tables of startup time, peak
# page-table memory and startup faults against clients (a skipped point
# shows its reason: cap, quick, procs, memory, ...; a run cut short or
# failed shows cut or failed), the growth of each
# curve from its first to its last point, then every result as a line:
#   bench: kind=start kernel=this|linux ...    each boot's start line
#   bench: kind=scale kernel=K curve=C shm_mib=M clients=N startup_ms=...
#          restart_ms=... run_ms=... floor_ms=... startup_faults=...
#          pt_kib=...      a point (pt_kib: page-table memory at the startup
#          peak, private plus object-owned; Linux's /proc/meminfo
#          PageTables); a skipped one has skipped=REASON instead
#   bench: kind=scale_growth curve=C shm_mib=M from_clients=A to_clients=B
#          startup_x=... pt_x=... faults_x=...   last point / first point
# Exit status 1 (after printing everything) when a log is not a complete
# scale run: no start line of the scale matrix, no done line, a failed or
# unfinished run (a kind=run line without its status, or a status other
# than 0), a run without its startup line, or no points at all. With
# -v partial=1 such a run is reported as far as it went: its problems
# head the tables, each on a line "Partial run: ...", and the status is 0
# if there is a point at all.

function curve_of(linux, large, optimize) {
	if (linux)
		return large == 1 ? "linux_hugetlb" : "linux_4k"
	if (large == 1)
		return "2m_on"
	return optimize == 0 ? "off" : "on"
}

function bad(msg) {
	BAD = BAD sprintf("bench-scale-report: %s: %s\n", file, msg)
}

# The open run did not end well (why: cut, failed): its point shows why
# instead of numbers that no finished run stands behind.
function drop_open(why,    ph) {
	for (ph in PHASES)
		delete P[cur, curm, curn, ph]
	SKIP[cur, curm, curn] = why
	open_run = ""
}

# A point seen: remembers its size and client count for the tables.
function point(c, m, n) {
	if (!((m) in SIZE)) {
		SIZE[m] = 1
		SIZES[nsizes++] = m
	}
	if (!((m, n) in CL)) {
		CL[m, n] = 1
		NCL[m]++
	}
	SEEN[c, m, n] = 1
}

# The serial console ends lines with CR LF.
{ sub(/\r$/, "") }

FNR == 1 {
	if (sec && open_run != "") {
		bad("run " open_run " has no status line (the log is cut short)")
		drop_open("cut")
	}
	sec++
	linux = sec == 2
	open_run = ""
	file = FILES[sec] = FILENAME
}

/^bench: kind=/ {
	parse($0)
	k = kv["kind"]
	if (k == "start") {
		if (kv["matrix"] != "scale")
			bad("not a bench scale boot (its start line has no matrix=scale)")
		STARTED[sec] = 1
		START[sec] = $0
		if (kv["fault_cap"] != "")
			CAP = kv["fault_cap"]
		if (kv["quick"] == 1)
			QUICK = 1
	} else if (k == "run") {
		if (open_run != "") {
			bad("run " open_run " has no status line")
			drop_open("cut")
		}
		open_run = kv["run"]
		cur = curve_of(linux, kv["large"], kv["optimize"])
		curm = kv["shm_mib"]
		curn = kv["clients"]
		point(cur, curm, curn)
		RAN[cur, curm, curn] = 1
	} else if (k == "status") {
		if (kv["run"] != open_run) {
			bad("a status line for run " kv["run"] " that did not start")
		} else if (kv["status"] != 0) {
			bad("run " open_run " ended with status " kv["status"] " " kv["reason"])
			drop_open("failed")
		} else if (!((cur, curm, curn, "startup") in P)) {
			bad("run " open_run " printed no startup line")
		}
		open_run = ""
	} else if (k == "skip") {
		c = curve_of(linux, kv["large"], kv["optimize"])
		point(c, kv["shm_mib"], kv["clients"])
		SKIP[c, kv["shm_mib"], kv["clients"]] = kv["reason"]
	} else if (k == "done") {
		DONE[sec] = 1
		if (kv["failed"] != 0)
			bad(kv["failed"] " runs failed")
	}
	next
}

/^pgbench: phase=/ {
	if (open_run == "")
		next
	parse($0)
	ph = kv["phase"]
	PHASES[ph] = 1
	P[cur, curm, curn, ph] = 1
	MS[cur, curm, curn, ph] = kv["ms"]
	if (ph == "startup") {
		FAULTS[cur, curm, curn] = kv["faults"]
		PT[cur, curm, curn] = (kv["pt_pages"] + kv["obj_pt_pages"] + kv["obj_pd_pages"]) * 4
	}
}

function cell(c, m, n, what) {
	if ((c, m, n) in SKIP)
		return SKIP[c, m, n]
	if (!((c, m, n, "startup") in P))
		return "-"
	if (what == "ms")
		return MS[c, m, n, "startup"]
	if (what == "pt")
		return PT[c, m, n]
	return FAULTS[c, m, n]
}

# The client counts of size m, ascending, into cls[1..]; returns how many.
function clients_of(m, cls,    key, parts, n, i, j, t) {
	n = 0
	for (key in CL) {
		split(key, parts, SUBSEP)
		if (parts[1] == m)
			cls[++n] = parts[2] + 0
	}
	for (i = 2; i <= n; i++)
		for (j = i; j > 1 && cls[j - 1] > cls[j]; j--) {
			t = cls[j]; cls[j] = cls[j - 1]; cls[j - 1] = t
		}
	return n
}

function table(m, what, title,    cls, n, i, j) {
	printf("\n%s MiB buffer: %s\n", m, title)
	printf("%7s |", "clients")
	for (j = 1; j <= ncurves; j++)
		printf(" %13s", HEAD[j])
	printf("\n")
	n = clients_of(m, cls)
	for (i = 1; i <= n; i++) {
		printf("%7d |", cls[i])
		for (j = 1; j <= ncurves; j++)
			printf(" %13s", cell(CURVE[j], m, cls[i], what))
		printf("\n")
	}
}

function x(a, b) {
	return b > 0 ? sprintf("%.1f", a / b) : "-"
}

END {
	if (sec && open_run != "") {
		bad("run " open_run " has no status line (the log is cut short)")
		drop_open("cut")
	}
	if (sec != 2)
		BAD = BAD "bench-scale-report: want two logs (this kernel's, Linux's), got " sec "\n"
	for (s = 1; s <= sec; s++) {
		file = FILES[s]
		if (!STARTED[s])
			bad("no start line")
		if (!DONE[s])
			bad("the log ends before bench finished")
	}
	ncurves = split("linux_4k linux_hugetlb off on 2m_on", CURVE, " ")
	split("Linux-4K Linux-hugetlb off on 2M-on", HEAD, " ")
	print "Scaling: make bench-scale results"
	print ""
	print "pgbench, fork mode, writing, 1 CPU, against clients. Curves: Linux 4 KiB"
	print "pages (SysV shm) and Linux hugetlb (SHM_HUGETLB, 2 MiB) from the Linux"
	print "boot; this kernel on 4 KiB pages with sharing off and on, and on 2 MiB"
	print "pages (pgbench -L) with sharing on. Sharing off and Linux 4 KiB stop at"
	printf("%s startup faults (clients x 4 KiB pages of the buffer): beyond, a\n", CAP)
	print "point shows \"cap\" (it would take minutes per run under TCG); \"quick\":"
	print "left out by make bench-scale BENCH_SCALE_WORDS=quick; \"procs\": more"
	print "clients than the process table holds; \"-\": no such run."
	print "Page tables: the peak of the startup phase, private plus object-owned"
	print "(Linux: /proc/meminfo PageTables), KiB."
	if (partial && BAD != "") {
		print ""
		n = split(BAD, lines, "\n")
		for (i = 1; i < n; i++) {
			sub(/^bench-scale-report: /, "", lines[i])
			sub(/^[^: ]*\//, "", lines[i])    # the log's name without its directory
			print "Partial run: " lines[i]
		}
	}
	for (s = 0; s < nsizes; s++) {
		m = SIZES[s]
		table(m, "ms", "startup phase, ms")
		table(m, "pt", "peak page-table memory at startup, KiB")
		table(m, "faults", "startup page faults")
	}
	print ""
	print "Growth of each curve from its first to its last measured point"
	print "(x = last / first):"
	printf("%-14s %6s %10s %9s %9s %9s\n", "curve", "MiB", "clients", "startup", "tables", "faults")
	for (s = 0; s < nsizes; s++) {
		m = SIZES[s]
		n = clients_of(m, cls)
		for (j = 1; j <= ncurves; j++) {
			c = CURVE[j]
			first = last = 0
			for (i = 1; i <= n; i++)
				if ((c, m, cls[i], "startup") in P) {
					if (!first)
						first = cls[i]
					last = cls[i]
				}
			if (!first)
				continue
			sx = x(MS[c, m, last, "startup"], MS[c, m, first, "startup"])
			px = x(PT[c, m, last], PT[c, m, first])
			fx = x(FAULTS[c, m, last], FAULTS[c, m, first])
			printf("%-14s %6s %4d->%-5d %9s %9s %9s\n", c, m, first, last, sx (sx == "-" ? "" : "x"),
			    px (px == "-" ? "" : "x"), fx (fx == "-" ? "" : "x"))
			G[ng++] = sprintf("bench: kind=scale_growth curve=%s shm_mib=%s from_clients=%d " \
			    "to_clients=%d startup_x=%s pt_x=%s faults_x=%s", c, m, first, last, sx, px, fx)
		}
	}
	print ""
	print "# Every result as bench: key=value lines (the charts read these):"
	for (s = 1; s <= sec; s++)
		if (START[s] != "") {
			line = START[s]
			sub(/^bench: kind=start/, "& kernel=" (s == 2 ? "linux" : "this"), line)
			print line
		}
	npts = 0
	for (s = 0; s < nsizes; s++) {
		m = SIZES[s]
		n = clients_of(m, cls)
		for (j = 1; j <= ncurves; j++)
			for (i = 1; i <= n; i++) {
				c = CURVE[j]
				nn = cls[i]
				if (!((c, m, nn) in SEEN))
					continue
				head = sprintf("bench: kind=scale kernel=%s curve=%s shm_mib=%s clients=%d",
				    c ~ /^linux/ ? "linux" : "this", c, m, nn)
				if ((c, m, nn) in SKIP) {
					print head " skipped=" SKIP[c, m, nn]
					continue
				}
				if (!((c, m, nn, "startup") in P))
					continue
				npts++
				printf("%s startup_ms=%s restart_ms=%s run_ms=%s floor_ms=%s " \
				    "startup_faults=%s pt_kib=%s\n", head, MS[c, m, nn, "startup"],
				    MS[c, m, nn, "restart"], MS[c, m, nn, "run"], MS[c, m, nn, "floor"],
				    FAULTS[c, m, nn], PT[c, m, nn])
			}
	}
	for (i = 0; i < ng; i++)
		print G[i]
	if (!npts)
		BAD = BAD "bench-scale-report: no pgbench results\n"
	if (BAD != "") {
		printf("%s", BAD) > "/dev/stderr"
		exit !partial || !npts
	}
}
