# bench-report.awk: the serial logs of `make bench` -> build/bench.txt.
#
#   awk [-v linux=build/bench-linux.log] -f scripts/bench-report.awk \
#       build/bench.log [build/bench-smp4.log] [build/bench-linux.log] > build/bench.txt
#
# Each log is one boot, a section of the report: the one-CPU boot (`bench`,
# the full matrix), the 4-CPU boot (`bench smp`, the short matrix) and the
# Linux boot (the log named by -v linux, also given as a file); bench's
# `kind=start` line says how many CPUs a boot had (1 if it does not).
# A log holds the `bench: kind=...` lines of /bin/bench (user/bin/bench.c;
# on Linux those of /init's bench mode, tests/linux/bench.c) and, between a
# `kind=run` line and its `kind=status` line, the `pgbench:` lines of that
# run. The output has two parts:
#
#   1. for each section, the comparison table: each pgbench run with sharing
#      on beside the run with the same mode, clients, size and segment kind
#      with sharing off, phase by phase, with the ratios off/on (on several
#      CPUs with the shootdown IPIs and requests of each phase); for the
#      one-CPU section the headline of the issue (fork mode, most clients,
#      256 MiB, startup phase) against its goals; if the section has runs on
#      2 MiB pages (pgbench -L, `large=1` in their kind=run line), the
#      table of 2 MiB pages beside 4 KiB pages, both shared; fork() latency
#      with 64 MiB, 1 GiB and 4 GiB mapped side by side, each against the
#      fork with nothing mapped (the goal: at most twice its round trip); the
#      teardown of a 64 MiB and a 1 GiB segment side by side, and on several
#      CPUs whether the IPIs of the 1 GiB teardown stay constant (O(1)); with
#      a Linux boot, after the one-CPU headline, each Linux run (on 4 KiB or
#      2 MiB pages) beside this kernel's runs of the same mode, clients, size
#      and page size with sharing off and on, and the headline's workload on
#      both kernels and both page sizes, with its floor and where the time
#      of its startup went on this kernel (pgbench's profile lines);
#   2. every result as one `bench: kind=KIND key=value ...` line: bench's own
#      lines as they were, `kind=phase` for each pgbench phase line and
#      `kind=timeline` for each -T interval (with the configuration of its run
#      added), `kind=profile` for each pgbench profile line (the time of
#      a phase by part, ms of all CPUs), `kind=ratio` for each table row, `kind=headline` for the
#      headline, `kind=large` for each row of the 2 MiB table (4 KiB -> 2 MiB,
#      ratios 4 KiB / 2 MiB), `kind=fork_growth` for each sharing setting and
#      size of the fork table (ratio: round trip / the empty fork's; goal=met
#      when at most 2), `kind=teardown_ipis` for each sharing setting of the
#      teardown, `kind=linux` for each row of the Linux table (ratios Linux /
#      sharing on) and `kind=linux_headline` for its headline. The lines of a
#      boot with several CPUs carry `cpus=N` right after the kind (`bench:
#      kind=phase cpus=4 run=1 ...`), those of the Linux boot `kernel=linux`;
#      the one-CPU lines have no such key (except kind=start).
#
# Tools read only the lines that start with "bench: " (scripts/bench-plots.sh,
# which plots the one-CPU lines and Linux's). A ratio is off/on (kind=large:
# 4 KiB / 2 MiB; kind=linux: Linux / on) with one decimal, "inf" when only
# the divisor is 0, "-" when both are. Exit status 1 (after printing everything) when a log has no results,
# no `kind=done` line, or a failed run.

# prof_parts(line): the parts of a profile line (every key after ms=, in
# pgbench's order, which is uapi/vmstat.h's), as one string.
function prof_parts(line,    n, w, i, after, parts) {
	n = split(line, w, " ")
	for (i = 1; i <= n; i++) {
		if (after)
			parts = parts (parts == "" ? "" : " ") substr(w[i], 1, index(w[i], "=") - 1)
		if (w[i] ~ /^ms=/)
			after = 1
	}
	return parts
}

function ratio(off, on) {
	if (off == "" || on == "")
		return "?"
	if (on + 0 > 0 && off + 0 >= 0)
		return sprintf("%.1f", off / on)
	return off + 0 > 0 ? "inf" : "-"
}

# A result line of section s, with `kernel=linux` after the kind when it is
# the Linux boot's, and `cpus=N` when the section's boot had several CPUs.
function out(line, s) {
	if (CPUS[s] > 1 && line !~ / cpus=/)
		sub(/^bench: kind=[^ ]+/, "& cpus=" CPUS[s], line)
	if (LINUX[s] && line !~ / kernel=linux/)
		sub(/^bench: kind=[^ ]+/, "& kernel=linux", line)
	M[nm++] = line
}

# Page-table pages of a phase: private plus object-owned (PT and PD).
function tables(r, ph) {
	return R[r, ph, "pt_pages"] + R[r, ph, "obj_pt_pages"] + R[r, ph, "obj_pd_pages"]
}

# The settings that make a run differ from the plain ones, as a short word.
function variant(r,    v) {
	v = ""
	if (C[r, "share_pd"] == 0) v = v "share_pd=0,"
	if (C[r, "prelink"] == 0) v = v "prelink=0,"
	if (C[r, "shm_use_phys"] == 0) v = v "anon,"
	if (C[r, "fault_around"] == 1) v = v "around,"
	if (C[r, "timeline"] == 1) v = v "-T,"
	if (C[r, "large"] == 1) v = v "2M,"
	return v == "" ? "-" : substr(v, 1, length(v) - 1)
}

# The run with sharing off to compare run r (of section s) with: same mode,
# clients, size, segment kind and page size.
function off_run(s, r) {
	return OFF[s, C[r, "mode"], C[r, "clients"], C[r, "shm_mib"], C[r, "shm_use_phys"],
	    C[r, "large"]]
}

# The run of section s with vm.fault_around=1 and sharing on, on 4 KiB
# pages, of run r's mode, clients and size, or "".
function around_run(s, r,    i, q) {
	for (i = 0; i < NRUNS[s]; i++) {
		q = ORDER[s, i]
		if (C[q, "fault_around"] == 1 && C[q, "optimize"] == 1 && C[q, "large"] == 0 &&
		    C[q, "mode"] == C[r, "mode"] && C[q, "clients"] == C[r, "clients"] &&
		    C[q, "shm_mib"] == C[r, "shm_mib"])
			return q
	}
	return ""
}

# The run of section s with plain settings, sharing `optimize` (0 off, 1 on)
# and pages `large` (0: 4 KiB, 1: 2 MiB), to compare run r with (a run on
# 2 MiB pages, or one of the Linux boot): same mode, clients and size, a
# run without -T if there is one.
function plain_run(s, r, optimize, large,    i, q, best) {
	best = ""
	for (i = 0; i < NRUNS[s]; i++) {
		q = ORDER[s, i]
		if (C[q, "large"] == large && C[q, "optimize"] == optimize && C[q, "mode"] == C[r, "mode"] &&
		    C[q, "clients"] == C[r, "clients"] && C[q, "shm_mib"] == C[r, "shm_mib"] &&
		    C[q, "share_pd"] == 1 && C[q, "prelink"] == 1 && C[q, "shm_use_phys"] == 1 &&
		    C[q, "fault_around"] != 1 && (best == "" || C[best, "timeline"] == 1))
			best = q
	}
	return best
}

function mib(pages) {
	return sprintf("%.1f MiB", pages * 4 / 1024)
}

function cpu_words(n) {
	return n == 1 ? "1 CPU" : n " CPUs"
}

# A result of run r (none: "") in phase ph, or "?".
function value(r, ph, k) {
	return r == "" || R[r, ph, k] == "" ? "?" : R[r, ph, k]
}

# Page-table pages of run r (none: "") in phase ph, or "?".
function tables_of(r, ph) {
	return r == "" || R[r, ph, "phase"] == "" ? "?" : tables(r, ph)
}

# Page-table memory of a number of pages ("?": unknown), in KiB below 1 MiB.
function size_of(pages) {
	return pages == "?" ? "?" : pages * 4 < 1024 ? pages * 4 " KiB" : mib(pages)
}

# One line of the headline: what, off, on, ratio, goal; counts failures.
function goal(what, off, on, shown_off, shown_on, want,    x, ok) {
	x = ratio(off, on)
	ok = (x == "inf" || (x != "-" && x != "?" && x + 0 >= want))
	if (!ok)
		missed++
	printf("  %-24s %12s -> %-12s %7s  (goal >= %dx)  %s\n", what, shown_off,
	    shown_on, x == "inf" ? "inf" : x "x", want, ok ? "met" : "NOT MET")
	return x
}

# The comparison table of section s. On several CPUs its columns are page
# faults, shootdown IPIs and requests and ms; on one CPU (where there is
# nothing to shoot down) page faults, page-table pages, PV entries and ms.
function table(s,    smp, fmt, i, p, r, o, ph, fx, line, to, tn, tx, po, pn, px, io, in_, so, sn) {
	smp = CPUS[s] > 1
	# one format for the column heads and the rows, so they stay aligned
	fmt = smp ? "%-10s %3s %5s %-17s %-8s | %9s %9s %6s | %7s %7s | %7s %7s | %7s %7s\n" : \
	    "%-10s %3s %5s %-17s %-8s | %9s %9s %6s | %7s %6s %6s | %9s %9s %6s | %7s %7s\n"
	print ""
	if (!smp) {
		print "pgbench on 1 CPU, sharing off -> on; x = off/on; cl: clients. At the peak,"
		print "with every client attached: page-table pages (private ones the phase added,"
		print "plus the object-owned ones) and the PV entries the phase added; \".\" in the"
		print "run and teardown phases, which attach nothing. ms: the phase's wall time."
		print "Variants: share_pd=0 (no 1 GiB links), prelink=0 (links made by faults),"
		print "anon (kern.ipc.shm_use_phys=0), around (vm.fault_around=1: a segment's"
		print "first fault fills its whole object PT), -T (with the fault-rate timeline),"
		print "2M (pgbench -L: the buffer on 2 MiB pages, off and on)."
		print ""
		printf("%-10s %3s %5s %-17s %-8s | %-26s | %-21s | %-26s | %s\n", "", "", "",
		    "", "", "page faults", "page-table pages", "PV entries", "ms")
		printf(fmt, "mode", "cl", "MiB", "variant", "phase", "off", "on", "x", "off", "on",
		    "x", "off", "on", "x", "off", "on")
	} else {
		printf("pgbench on %s (a second boot, `bench smp`), sharing off -> on;\n",
		    cpu_words(CPUS[s]))
		print "x = off/on; cl: clients, which run on every CPU at once. TLB shootdowns"
		print "during the phase, all CPUs together: IPIs sent, and requests served. A"
		print "phase that only adds mappings (attach, faults) needs none: a new entry"
		print "cannot be stale in any TLB. ms: the phase's wall time."
		print ""
		printf("%-10s %3s %5s %-17s %-8s | %-26s | %-15s | %-15s | %s\n", "", "", "",
		    "", "", "page faults", "shootdown IPIs", "shootdowns", "ms")
		printf(fmt, "mode", "cl", "MiB", "variant", "phase", "off", "on", "x", "off", "on",
		    "off", "on", "off", "on")
	}
	for (i = 0; i < NRUNS[s]; i++) {
		r = ORDER[s, i]
		if (C[r, "optimize"] != 1 || (o = off_run(s, r)) == "")
			continue
		for (p = 1; p <= nph; p++) {
			ph = phases[p]
			if (R[r, ph, "phase"] == "" || R[o, ph, "phase"] == "")
				continue
			fx = ratio(R[o, ph, "faults"], R[r, ph, "faults"])
			line = sprintf("bench: kind=ratio run_off=%s run_on=%s mode=%s " \
			    "clients=%s shm_mib=%s variant=%s phase=%s faults_off=%s " \
			    "faults_on=%s faults_ratio=%s ms_off=%s ms_on=%s", C[o, "run"],
			    C[r, "run"], C[r, "mode"], C[r, "clients"], C[r, "shm_mib"],
			    variant(r), ph, R[o, ph, "faults"], R[r, ph, "faults"], fx,
			    R[o, ph, "ms"], R[r, ph, "ms"])
			# pgbench's peaks mean something only while clients attach
			to = tn = tx = po = pn = px = "."
			if (ph == "startup" || ph == "restart") {
				to = tables(o, ph); tn = tables(r, ph); tx = ratio(to, tn)
				po = R[o, ph, "pv_entries"]; pn = R[r, ph, "pv_entries"]
				px = ratio(po, pn)
				line = line sprintf(" tables_off=%s tables_on=%s tables_ratio=%s " \
				    "pv_off=%s pv_on=%s pv_ratio=%s", to, tn, tx, po, pn, px)
			}
			io = R[o, ph, "ipis"]; in_ = R[r, ph, "ipis"]
			so = R[o, ph, "shootdowns"]; sn = R[r, ph, "shootdowns"]
			if (io != "" && in_ != "")
				line = line sprintf(" ipis_off=%s ipis_on=%s shootdowns_off=%s " \
				    "shootdowns_on=%s", io, in_, so, sn)
			if (!smp)
				printf(fmt, C[r, "mode"], C[r, "clients"], C[r, "shm_mib"], variant(r), ph,
				    R[o, ph, "faults"], R[r, ph, "faults"], fx, to, tn, tx, po, pn,
				    px, R[o, ph, "ms"], R[r, ph, "ms"])
			else
				printf(fmt, C[r, "mode"], C[r, "clients"], C[r, "shm_mib"], variant(r), ph,
				    R[o, ph, "faults"], R[r, ph, "faults"], fx,
				    io == "" ? "?" : io, in_ == "" ? "?" : in_,
				    so == "" ? "?" : so, sn == "" ? "?" : sn,
				    R[o, ph, "ms"], R[r, ph, "ms"])
			out(line, s)
		}
	}
}

# The headline: the plain fork run with the most clients on 256 MiB.
function headline(s,    i, r, hr, o, fx, tx, px) {
	hr = ""
	for (i = 0; i < NRUNS[s]; i++) {
		r = ORDER[s, i]
		if (C[r, "optimize"] == 1 && C[r, "mode"] == "fork" && C[r, "shm_mib"] == 256 &&
		    variant(r) == "-" && R[r, "startup", "phase"] != "" && off_run(s, r) != "" &&
		    (hr == "" || C[r, "clients"] + 0 > C[hr, "clients"] + 0))
			hr = r
	}
	print ""
	if (hr == "") {
		print "Headline: no fork-mode 256 MiB pair of runs in the log."
		return
	}
	o = off_run(s, hr)
	printf("Headline: fork mode, %d clients, 256 MiB, startup phase, sharing off -> on\n",
	    C[hr, "clients"])
	if (C[hr, "clients"] < 64)
		printf("  (the issue asks for 64 clients; the kernel's process table " \
		    "let bench run %d)\n", C[hr, "clients"])
	fx = goal("startup faults", R[o, "startup", "faults"], R[hr, "startup", "faults"],
	    R[o, "startup", "faults"], R[hr, "startup", "faults"], 50)
	tx = goal("peak page-table memory", tables(o, "startup"), tables(hr, "startup"),
	    mib(tables(o, "startup")), mib(tables(hr, "startup")), 20)
	px = goal("peak PV entries", R[o, "startup", "pv_entries"],
	    R[hr, "startup", "pv_entries"], R[o, "startup", "pv_entries"],
	    R[hr, "startup", "pv_entries"], 50)
	printf("  %s\n", missed ? "GOALS NOT MET" : "all three goals met")
	out(sprintf("bench: kind=headline run_off=%s run_on=%s clients=%s " \
	    "shm_mib=256 faults_ratio=%s tables_ratio=%s pv_ratio=%s goals=%s", C[o, "run"],
	    C[hr, "run"], C[hr, "clients"], fx, tx, px, missed ? "missed" : "met"), s)
}

# The Linux boot beside section s (the one-CPU boot): each Linux run, startup
# and restart, with this kernel's runs of the same mode, clients, size and
# page size, sharing off and on.
function linux_table(s,    fmt, i, l, o, n, p, ph, f, t, fx, tx) {
	fmt = "%-10s %3s %5s %-5s %-8s | %9s %9s %9s %6s | %6s %6s %6s %6s | %7s %7s %7s\n"
	print ""
	printf("Linux %s beside this kernel: the same pgbench binary, run by a\n", KREL[LSEC])
	printf("third boot of `make bench` (same QEMU and memory, %s) of Linux, which\n",
	    cpu_words(CPUS[LSEC]))
	print "has no sharing switch. pages 4K: SysV shm on 4 KiB pages; 2M: on 2 MiB"
	print "pages (Linux: SHM_HUGETLB, from the pages reserved at boot; this kernel:"
	print "pgbench -L). Counted as in the table above: Linux's faults are its"
	print "/proc/vmstat pgfault, its page-table pages its /proc/meminfo PageTables,"
	print "both read by pgbench at the same points. x = Linux / sharing on."
	print ""
	printf("%-10s %3s %5s %-5s %-8s | %-36s | %-27s | %s\n", "", "", "", "", "",
	    "page faults", "page-table pages", "ms")
	printf(fmt, "mode", "cl", "MiB", "pages", "phase", "Linux", "off", "on", "x",
	    "Linux", "off", "on", "x", "Linux", "off", "on")
	split("startup restart", lph, " ")
	for (i = 0; i < NRUNS[LSEC]; i++) {
		l = ORDER[LSEC, i]
		o = plain_run(s, l, 0, C[l, "large"])
		n = plain_run(s, l, 1, C[l, "large"])
		for (p = 1; p <= 2; p++) {
			ph = lph[p]
			if (R[l, ph, "phase"] == "")
				continue
			f = R[l, ph, "faults"]; t = tables(l, ph)
			fx = ratio(f, R[n, ph, "faults"])
			tx = ratio(t, tables_of(n, ph) == "?" ? "" : tables(n, ph))
			printf(fmt, C[l, "mode"], C[l, "clients"], C[l, "shm_mib"],
			    C[l, "large"] ? "2M" : "4K", ph, f, value(o, ph, "faults"),
			    value(n, ph, "faults"), fx, t, tables_of(o, ph), tables_of(n, ph), tx,
			    R[l, ph, "ms"], value(o, ph, "ms"), value(n, ph, "ms"))
			out(sprintf("bench: kind=linux run_linux=%s run_off=%s run_on=%s mode=%s " \
			    "clients=%s shm_mib=%s large=%s phase=%s faults_linux=%s faults_off=%s " \
			    "faults_on=%s faults_ratio=%s tables_linux=%s tables_off=%s tables_on=%s " \
			    "tables_ratio=%s ms_linux=%s ms_off=%s ms_on=%s", C[l, "run"],
			    o == "" ? "?" : C[o, "run"], n == "" ? "?" : C[n, "run"], C[l, "mode"],
			    C[l, "clients"], C[l, "shm_mib"], C[l, "large"], ph, f,
			    value(o, ph, "faults"), value(n, ph, "faults"), fx, t, tables_of(o, ph),
			    tables_of(n, ph), tx, R[l, ph, "ms"], value(o, ph, "ms"),
			    value(n, ph, "ms")), s)
		}
	}
}

# A ratio as a factor: "62.2x", or "inf", "-", "?" as they are.
function times(x) {
	return x ~ /^[0-9.]+$/ ? x "x" : x
}

# The headline's workload (fork mode, the most clients Linux ran on 256 MiB
# pages, startup) on Linux and on this kernel (section s), on both page sizes.
function linux_headline(s,    fmt, i, l, l4, l2, o, n, n2, na, fx, tx, hx) {
	l4 = l2 = ""
	for (i = 0; i < NRUNS[LSEC]; i++) {
		l = ORDER[LSEC, i]
		if (C[l, "mode"] == "fork" && C[l, "shm_mib"] == 256 && C[l, "large"] == 0 &&
		    R[l, "startup", "phase"] != "" &&
		    (l4 == "" || C[l, "clients"] + 0 > C[l4, "clients"] + 0))
			l4 = l
	}
	print ""
	if (l4 == "") {
		print "Beside Linux: no fork-mode 256 MiB run on 4 KiB pages in the Linux log."
		return
	}
	for (i = 0; i < NRUNS[LSEC]; i++) {
		l = ORDER[LSEC, i]
		if (C[l, "mode"] == "fork" && C[l, "shm_mib"] == 256 && C[l, "large"] == 1 &&
		    C[l, "clients"] == C[l4, "clients"] && R[l, "startup", "phase"] != "")
			l2 = l
	}
	o = plain_run(s, l4, 0, 0); n = plain_run(s, l4, 1, 0); n2 = plain_run(s, l4, 1, 1)
	na = around_run(s, l4)
	fmt = "  %-40s %12s %12s\n"
	printf("Beside Linux: fork mode, %d clients, 256 MiB, startup phase\n", C[l4, "clients"])
	printf(fmt, "", "page faults", "page tables")
	printf(fmt, "Linux, 4 KiB pages", R[l4, "startup", "faults"], mib(tables(l4, "startup")))
	printf(fmt, "Linux, 2 MiB pages (SHM_HUGETLB)", value(l2, "startup", "faults"),
	    size_of(tables_of(l2, "startup")))
	printf(fmt, "this kernel, 4 KiB pages, sharing off", value(o, "startup", "faults"),
	    size_of(tables_of(o, "startup")))
	printf(fmt, "this kernel, 4 KiB pages, sharing on", value(n, "startup", "faults"),
	    size_of(tables_of(n, "startup")))
	printf(fmt, "this kernel, 2 MiB pages, sharing on", value(n2, "startup", "faults"),
	    size_of(tables_of(n2, "startup")))
	fx = ratio(R[l4, "startup", "faults"], R[n, "startup", "faults"])
	tx = ratio(tables(l4, "startup"), tables_of(n, "startup") == "?" ? "" : tables(n, "startup"))
	hx = ratio(R[l2, "startup", "faults"], R[n2, "startup", "faults"])
	printf(fmt, "Linux 4 KiB / this kernel 4 KiB sharing on", times(fx), times(tx))
	printf("  %-40s %12s\n", "Linux 2 MiB / this kernel 2 MiB sharing on", times(hx))
	floor_table(s, l4, l2, o, n, n2, na)
	profile_table(o, n, n2)
	out(sprintf("bench: kind=linux_headline run_linux_4k=%s run_linux_2m=%s run_off=%s " \
	    "run_on=%s run_on_2m=%s clients=%s shm_mib=256 faults_linux_4k=%s tables_linux_4k=%s " \
	    "faults_linux_2m=%s tables_linux_2m=%s faults_off=%s tables_off=%s faults_on=%s " \
	    "tables_on=%s faults_on_2m=%s tables_on_2m=%s faults_ratio=%s tables_ratio=%s " \
	    "faults_ratio_2m=%s",
	    C[l4, "run"], l2 == "" ? "?" : C[l2, "run"], o == "" ? "?" : C[o, "run"],
	    n == "" ? "?" : C[n, "run"], n2 == "" ? "?" : C[n2, "run"], C[l4, "clients"],
	    R[l4, "startup", "faults"], tables(l4, "startup"), value(l2, "startup", "faults"),
	    tables_of(l2, "startup"), value(o, "startup", "faults"), tables_of(o, "startup"),
	    value(n, "startup", "faults"), tables_of(n, "startup"),
	    value(n2, "startup", "faults"), tables_of(n2, "startup"), fx, tx, hx), s)
}

# One row of the floor table: the startup's time of run r, its floor's (the
# same run's), and the first over the second.
function floor_row(what, r,    st, fl) {
	st = value(r, "startup", "ms"); fl = value(r, "floor", "ms")
	printf("  %-40s %10s %10s %8s\n", what, st, fl,
	    st == "?" || fl == "?" ? "?" : times(ratio(st, fl)))
}

# "met" when a <= want * b (numbers), "over" when not, "?" when unknown.
function at_most(a, b, want) {
	if (a == "?" || b == "?" || a == "" || b == "")
		return "?"
	return a + 0 <= want * b ? "met" : "over"
}

# The time of the Linux headline's startup phase (runs l4, l2 of Linux, o,
# n, n2 of this kernel's section s) beside each run's floor, and the goals
# of issue 22: this kernel's 4 KiB pages with sharing on no slower than
# Linux's 2 MiB pages; its 2 MiB pages at most 0.8 times Linux's, or within
# 10 % of their own floor; both at most 1/25 of Linux's 4 KiB pages.
function floor_table(s, l4, l2, o, n, n2, na,    t4, t2, tn, tn2, fn2, g1, g2, g3, g4, ga) {
	print ""
	print "Time of that startup phase (ms), and its floor: pgbench itself touching the"
	print "same populated buffer once per client, in the same run (no fork, exec, exit"
	print "or faults); x floor = startup / floor."
	printf("  %-40s %10s %10s %8s\n", "", "startup", "floor", "x floor")
	floor_row("Linux, 4 KiB pages", l4)
	floor_row("Linux, 2 MiB pages (SHM_HUGETLB)", l2)
	floor_row("this kernel, 4 KiB pages, sharing off", o)
	floor_row("this kernel, 4 KiB pages, sharing on", n)
	if (na != "")
		floor_row("  the same with vm.fault_around=1", na)
	floor_row("this kernel, 2 MiB pages, sharing on", n2)
	t4 = value(l4, "startup", "ms"); t2 = value(l2, "startup", "ms")
	tn = value(n, "startup", "ms"); tn2 = value(n2, "startup", "ms")
	fn2 = value(n2, "floor", "ms")
	g1 = at_most(tn, t2, 1)
	g2 = at_most(tn2, t2, 0.8)
	if (g2 != "met" && at_most(tn2, fn2, 1.1) == "met")
		g2 = "met"
	g3 = at_most(tn, t4, 1 / 25)
	g4 = at_most(tn2, t4, 1 / 25)
	printf("  %-62s %s\n", "goal: 4 KiB sharing on <= Linux 2 MiB", g1)
	if (na != "") {
		ga = at_most(value(na, "startup", "ms"), t2, 1)
		printf("  %-62s %s\n", "  the same with vm.fault_around=1", ga)
	}
	printf("  %-62s %s\n", "goal: 2 MiB sharing on <= 0.8 x Linux 2 MiB, or 1.1 x its floor", g2)
	printf("  %-62s %s, %s\n", "goal: 4 KiB and 2 MiB sharing on <= Linux 4 KiB / 25", g3, g4)
	out(sprintf("bench: kind=floor clients=%s shm_mib=256 ms_linux_4k=%s floor_linux_4k=%s " \
	    "ms_linux_2m=%s floor_linux_2m=%s ms_off=%s floor_off=%s ms_on=%s floor_on=%s " \
	    "ms_on_2m=%s floor_on_2m=%s goal_4k_vs_linux_2m=%s goal_2m_vs_linux_2m=%s " \
	    "goal_vs_linux_4k=%s,%s ms_on_around=%s floor_on_around=%s goal_4k_around_vs_linux_2m=%s",
	    C[l4, "clients"], t4, value(l4, "floor", "ms"), t2,
	    value(l2, "floor", "ms"), value(o, "startup", "ms"), value(o, "floor", "ms"), tn,
	    value(n, "floor", "ms"), tn2, fn2, g1, g2, g3, g4,
	    na == "" ? "?" : value(na, "startup", "ms"), na == "" ? "?" : value(na, "floor", "ms"),
	    ga == "" ? "?" : ga), s)
}

# Where the time of that startup phase went on this kernel (pgbench's
# profile lines: kernel/profile.h charges every cycle of every CPU to one
# part), runs o, n and n2, and n2's floor; one row per part, in ms of all
# CPUs together, then the total and the phase's wall time.
function profile_table(o, n, n2,    np, parts, i, fmt, r, have) {
	have = 0
	r[1] = o; r[2] = n; r[3] = n2
	for (i = 1; i <= 3; i++)
		if (r[i] != "" && P[r[i], "startup", "ms"] != "")
			have++
	print ""
	if (!have) {
		print "Where the startup's time went: no pgbench profile lines in this log."
		return
	}
	print "Where that startup's time went on this kernel (ms of all CPUs; every cycle is"
	print "charged to one part, see kernel/profile.h), and the 2 MiB run's floor phase:"
	fmt = "  %-10s %12s %12s %12s %14s\n"
	printf(fmt, "", "4 KiB off", "4 KiB on", "2 MiB on", "floor (2 MiB)")
	np = split(PROF_PARTS, parts, " ")
	for (i = 1; i <= np; i++)
		printf(fmt, parts[i], pvalue(o, "startup", parts[i]), pvalue(n, "startup", parts[i]),
		    pvalue(n2, "startup", parts[i]), pvalue(n2, "floor", parts[i]))
	printf(fmt, "total", ptotal(o, "startup"), ptotal(n, "startup"), ptotal(n2, "startup"),
	    ptotal(n2, "floor"))
	printf(fmt, "wall x cpus", pwall(o, "startup"), pwall(n, "startup"), pwall(n2, "startup"),
	    pwall(n2, "floor"))
}

# A part of run r's profile in phase ph, or "?".
function pvalue(r, ph, part) {
	return r == "" || P[r, ph, part] == "" ? "?" : P[r, ph, part]
}

# The sum of the parts of run r's profile in phase ph, or "?".
function ptotal(r, ph,    np, parts, i, t) {
	if (r == "" || P[r, ph, "ms"] == "")
		return "?"
	np = split(PROF_PARTS, parts, " ")
	for (i = 1; i <= np; i++)
		t += P[r, ph, parts[i]]
	return sprintf("%.1f", t)
}

# The wall time of run r's phase ph times its CPUs, or "?".
function pwall(r, ph) {
	return r == "" || P[r, ph, "ms"] == "" ? "?" : P[r, ph, "ms"] * P[r, ph, "cpus"]
}

# The runs on 2 MiB pages of section s beside the same runs on 4 KiB pages,
# both with sharing on, startup phase (nothing when s has no -L run).
function large_pages(s,    fmt, i, r, q, n, f4, f2, t4, t2, p4, p2, fx, tx, px) {
	fmt = "%-10s %3s %5s | %9s %9s %6s | %7s %6s %6s | %7s %7s | %7s %7s\n"
	n = 0
	for (i = 0; i < NRUNS[s]; i++) {
		r = ORDER[s, i]
		if (C[r, "large"] != 1 || C[r, "optimize"] != 1 || R[r, "startup", "phase"] == "")
			continue
		if (!n++) {
			print ""
			print "2 MiB pages (pgbench -L: the buffer on SHM_HUGETLB pages) beside 4 KiB"
			print "pages, both with sharing on, startup phase; x = 4 KiB / 2 MiB. One fault"
			print "fills a 2 MiB leaf in the object's PD page, the one table the segment"
			print "needs. Each client copies the leaves into its own PD or, when the segment"
			print "is 1 GiB-aligned, links the object's PD page from its PDPT: no PT page at"
			print "all. Counted as in the table above, whose 2M rows compare 2 MiB pages"
			print "with sharing off and on."
			print ""
			printf("%-10s %3s %5s | %-26s | %-21s | %-15s | %s\n", "", "", "",
			    "page faults", "page-table pages", "PV entries", "ms")
			printf(fmt, "mode", "cl", "MiB", "4 KiB", "2 MiB", "x", "4 KiB", "2 MiB", "x",
			    "4 KiB", "2 MiB", "4 KiB", "2 MiB")
		}
		q = plain_run(s, r, 1, 0)
		f2 = R[r, "startup", "faults"]; t2 = tables(r, "startup")
		p2 = R[r, "startup", "pv_entries"]
		f4 = t4 = p4 = ""
		if (q != "" && R[q, "startup", "phase"] != "") {
			f4 = R[q, "startup", "faults"]; t4 = tables(q, "startup")
			p4 = R[q, "startup", "pv_entries"]
		}
		fx = ratio(f4, f2); tx = ratio(t4, t2); px = ratio(p4, p2)
		printf(fmt, C[r, "mode"], C[r, "clients"], C[r, "shm_mib"], f4 == "" ? "?" : f4, f2, fx,
		    t4 == "" ? "?" : t4, t2, tx, p4 == "" ? "?" : p4, p2,
		    q == "" ? "?" : R[q, "startup", "ms"], R[r, "startup", "ms"])
		out(sprintf("bench: kind=large run_4k=%s run_2m=%s mode=%s clients=%s shm_mib=%s " \
		    "phase=startup faults_4k=%s faults_2m=%s faults_ratio=%s tables_4k=%s " \
		    "tables_2m=%s tables_ratio=%s pv_4k=%s pv_2m=%s pv_ratio=%s ms_4k=%s ms_2m=%s",
		    q == "" ? "?" : C[q, "run"], C[r, "run"], C[r, "mode"], C[r, "clients"],
		    C[r, "shm_mib"], f4 == "" ? "?" : f4, f2, fx, t4 == "" ? "?" : t4, t2, tx,
		    p4 == "" ? "?" : p4, p2, px, q == "" ? "?" : R[q, "startup", "ms"],
		    R[r, "startup", "ms"]), s)
	}
}

# The goal of a fork with a mapping, whose round trip is x times the
# empty fork's: "met" when x is at most 2, "over" when more, "?" unknown.
function fork_goal(x) {
	if (x !~ /^[0-9.]+$/)
		return x == "inf" ? "over" : "?"
	return x + 0 <= 2 ? "met" : "over"
}

# The sizes of fork latency lines, in F[] (see fork_latency): a column
# name, "2M" added for a segment on 2 MiB pages.
function fork_size(    m) {
	m = kv["map_mib"] " MiB"
	return kv["large"] == 1 ? m " 2M" : m
}

# The header of the fork tables: the sizes[1..n] as columns.
function fork_sizes(sizes, n,    j, line) {
	line = sprintf("  %-22s", "")
	for (j = 1; j <= n; j++)
		line = line sprintf(" | %-23s", sizes[j])
	sub(/ +$/, "", line)
	return line
}

# fork() latency of section s: the fork with nothing mapped, then one row
# per sharing setting with the sizes mapped side by side (smallest first),
# each with fork() in the parent, the round trip and x, the round trip
# over the empty fork's; then the same for the children that read every
# page first; then, per setting, the largest x against the goal (at most
# 2: fork and exit do not grow with the size mapped). A kind=fork_growth
# line for each setting and size.
function fork_latency(s,    i, j, key, keys, nkeys, size, sizes, nsizes, mibs, seen, F,
    w, x, worst, worst_size, empty_fork, empty_rt, ipis, line, tmp) {
	split("", F); split("", seen); split("", keys); split("", sizes); split("", mibs)
	nkeys = nsizes = 0
	empty_fork = empty_rt = ""
	for (i = 0; i < NFL[s]; i++) {
		parse(FL[s, i])
		if (kv["map_mib"] == "")
			continue
		if (kv["map_mib"] == 0) {
			empty_fork = kv["fork_us"]
			empty_rt = kv["roundtrip_us"]
			continue
		}
		key = kv["optimize"] " " kv["share_pd"]
		if (!((key) in seen)) { seen[key] = 1; keys[++nkeys] = key }
		size = fork_size()
		if (!(("size " size) in seen)) {
			seen["size " size] = 1
			sizes[++nsizes] = size
			mibs[nsizes] = kv["map_mib"] + (kv["large"] == 1 ? 0.5 : 0)
			for (j = nsizes; j > 1 && mibs[j - 1] > mibs[j]; j--) {
				tmp = sizes[j]; sizes[j] = sizes[j - 1]; sizes[j - 1] = tmp
				tmp = mibs[j]; mibs[j] = mibs[j - 1]; mibs[j - 1] = tmp
			}
		}
		for (j in kv)
			F[key, size, j] = kv[j]
	}
	print ""
	printf("fork() on %s of a process with a populated shared mapping, mean of the\n",
	    cpu_words(CPUS[s]))
	print "forks: fork, the time of fork() in the parent; round trip, of fork + exit +"
	print "waitpid (the child exits at once); x, that round trip over the one with"
	print "nothing mapped (goal: at most 2, whatever the size). 2M: on 2 MiB pages."
	printf("  nothing mapped: fork %s us, round trip %s us\n", empty_fork == "" ? "?" : empty_fork,
	    empty_rt == "" ? "?" : empty_rt)
	if (!nkeys) {
		print "  (no fork with a mapping in the log)"
		return
	}
	printf("%s\n  %-22s", line = fork_sizes(sizes, nsizes), "")
	for (j = 1; j <= nsizes; j++)
		printf(" | %7s %8s %6s", "fork us", "round us", "x")
	printf("\n")
	for (i = 1; i <= nkeys; i++) {
		key = keys[i]
		split(key, w, " ")
		printf("  %-22s", "optimize=" w[1] " share_pd=" w[2])
		for (j = 1; j <= nsizes; j++) {
			size = sizes[j]
			if (F[key, size, "map_mib"] == "") {
				printf(" | %7s %8s %6s", "-", "-", "-")
				continue
			}
			x = ratio(F[key, size, "roundtrip_us"], empty_rt)
			printf(" | %7s %8s %6s", F[key, size, "fork_us"], F[key, size, "roundtrip_us"], x)
			out(sprintf("bench: kind=fork_growth optimize=%s share_pd=%s map_mib=%s large=%s " \
			    "fork_us=%s roundtrip_us=%s empty_fork_us=%s empty_roundtrip_us=%s ratio=%s " \
			    "goal=%s", w[1], w[2], F[key, size, "map_mib"],
			    F[key, size, "large"] == 1 ? 1 : 0, F[key, size, "fork_us"],
			    F[key, size, "roundtrip_us"], empty_fork == "" ? "?" : empty_fork,
			    empty_rt == "" ? "?" : empty_rt, x, fork_goal(x)), s)
		}
		printf("\n")
	}
	print "A child that reads every page of the mapping before it exits: round trip"
	print "(and its faults):"
	print line
	for (i = 1; i <= nkeys; i++) {
		key = keys[i]
		split(key, w, " ")
		printf("  %-22s", "optimize=" w[1] " share_pd=" w[2])
		for (j = 1; j <= nsizes; j++) {
			size = sizes[j]
			if (F[key, size, "reader_roundtrip_us"] == "")
				printf(" | %23s", "-")
			else
				printf(" | %23s", sprintf("%s us (%s)", F[key, size, "reader_roundtrip_us"],
				    F[key, size, "reader_faults"]))
		}
		printf("\n")
	}
	for (i = 1; i <= nkeys; i++) {
		key = keys[i]
		split(key, w, " ")
		worst = worst_size = ""
		for (j = 1; j <= nsizes; j++) {
			x = ratio(F[key, sizes[j], "roundtrip_us"], empty_rt)
			if (x ~ /^[0-9.]+$/ && (worst == "" || x + 0 > worst + 0)) {
				worst = x
				worst_size = sizes[j]
			}
		}
		if (worst == "")
			continue
		if (w[1] == 1 && w[2] == 0)
			printf("  optimize=1 share_pd=0: round trip up to x%s the empty one (%s): " \
			    "no GiB links,\n    a link or a leaf copy per 2 MiB, so it grows with " \
			    "the size by design\n", worst, worst_size)
		else
			printf("  optimize=%s share_pd=%s: round trip at most x%s the empty one " \
			    "(%s): %s\n", w[1], w[2], worst, worst_size,
			    fork_goal(worst) == "met" ? "goal met" : "over the goal of x2")
	}
	if (CPUS[s] > 1) {
		ipis = 0
		for (i = 0; i < NFL[s]; i++) {
			parse(FL[s, i])
			ipis += kv["ipis"]
		}
		printf("  Shootdown IPIs of all these forks and children, all CPUs together: %d\n",
		    ipis)
	}
}

# The teardown of section s: one row per sharing setting, the segment sizes
# side by side (smallest first); on several CPUs the verdict on the IPIs.
function teardown(s,    i, j, n, key, nkeys, keys, size, sizes, nsizes, seen, T,
    small, large, x, busy, verdict, w, tmp) {
	split("", T); split("", seen); split("", keys); split("", sizes)
	nkeys = nsizes = busy = 0
	for (i = 0; i < NTD[s]; i++) {
		parse(TD[s, i])
		if (kv["seg_mib"] == "")
			continue
		key = kv["optimize"] " " kv["share_pd"]
		if (!((key) in seen)) { seen[key] = 1; keys[++nkeys] = key }
		if (!(("mib" kv["seg_mib"]) in seen)) {
			seen["mib" kv["seg_mib"]] = 1
			sizes[++nsizes] = kv["seg_mib"]
			for (j = nsizes; j > 1 && sizes[j - 1] + 0 > sizes[j] + 0; j--) {
				tmp = sizes[j]; sizes[j] = sizes[j - 1]; sizes[j - 1] = tmp
			}
		}
		for (n in kv)
			T[key, kv["seg_mib"], n] = kv[n]
		if (kv["busy_threads"] + 0 > busy)
			busy = kv["busy_threads"]
	}
	print ""
	printf("Teardown on %s of a populated segment: shmdt, then IPC_RMID destroying it.\n",
	    cpu_words(CPUS[s]))
	if (!nkeys) {
		print "  (no teardown in the log)"
		return
	}
	if (CPUS[s] > 1)
		printf("%d threads of the process keep running on the other CPUs, so shmdt must\n" \
		    "shoot their TLBs down: IPIs sent, all CPUs together.\n", busy)
	else
		print "IPIs: shootdown IPIs sent (none on one CPU: no other TLB to flush)."
	printf("  %-22s", "")
	for (j = 1; j <= nsizes; j++)
		printf(" | %-35s", sizes[j] " MiB")
	printf("%s\n", nsizes > 1 ? " | IPIs" : "")
	printf("  %-22s", "")
	for (j = 1; j <= nsizes; j++)
		printf(" | %9s %8s %11s %4s", "shmdt us", "flushes", "IPC_RMID us", "IPIs")
	printf("%s\n", nsizes > 1 ? sprintf(" | %4s/%s", sizes[nsizes], sizes[1]) : "")
	small = sizes[1]; large = sizes[nsizes]
	for (i = 1; i <= nkeys; i++) {
		key = keys[i]
		split(key, w, " ")
		printf("  %-22s", "optimize=" w[1] " share_pd=" w[2])
		for (j = 1; j <= nsizes; j++) {
			size = sizes[j]
			if (T[key, size, "seg_mib"] == "")
				printf(" | %9s %8s %11s %4s", "-", "-", "-", "-")
			else
				printf(" | %9s %8s %11s %4s", T[key, size, "detach_us"],
				    T[key, size, "detach_tlb_flushes"], T[key, size, "rmid_us"],
				    T[key, size, "ipis"] == "" ? "?" : T[key, size, "ipis"])
		}
		x = ratio(T[key, large, "ipis"], T[key, small, "ipis"])
		printf("%s\n", nsizes > 1 ? sprintf(" | %s", x) : "")
		if (CPUS[s] <= 1 || nsizes < 2 || T[key, small, "seg_mib"] == "" ||
		    T[key, large, "seg_mib"] == "")
			continue
		# constant: the large segment needs at most twice the IPIs of the
		# small one (proportional would be large/small times as many)
		if (T[key, large, "busy_threads"] + 0 == 0 || T[key, small, "ipis"] + 0 == 0)
			verdict = "untested"
		else if (T[key, large, "ipis"] + 0 <= 2 * T[key, small, "ipis"])
			verdict = "constant"
		else
			verdict = "grows"
		V[key] = verdict
		VX[key] = x
		VS[key] = T[key, small, "ipis"]
		VL[key] = T[key, large, "ipis"]
		out(sprintf("bench: kind=teardown_ipis optimize=%s share_pd=%s small_mib=%s " \
		    "small_ipis=%s large_mib=%s large_ipis=%s busy_threads=%s ipis_ratio=%s " \
		    "verdict=%s", w[1], w[2], small, T[key, small, "ipis"], large,
		    T[key, large, "ipis"], T[key, large, "busy_threads"], x, verdict), s)
	}
	if (CPUS[s] <= 1 || nsizes < 2)
		return
	key = "1 1"
	if (!(key in V)) {
		print "  Sharing on: no pair of 64 MiB and 1 GiB teardowns to compare."
		return
	}
	if (V[key] == "constant")
		verdict = "O(1): the IPIs do not grow with the segment"
	else if (V[key] == "grows")
		verdict = "NOT O(1): the IPIs grow with the segment"
	else
		verdict = "not measured (no IPIs: no busy thread on another CPU)"
	printf("  Sharing on, %s MiB: %s IPIs against %s for %s MiB (x%s; proportional " \
	    "would be x%d):\n  %s\n", large, VL[key], VS[key], small, VX[key],
	    large / small, verdict)
}

# The truncations of section s: a mapped file shrunk to 0, the IPIs it
# sent; on several CPUs the verdict: at most one IPI (the one CPU running
# the process that maps the file) with sharing on, whatever the size.
function truncation(s,    i, n, verdict, worst) {
	print ""
	printf("Truncation on %s: ftruncate to 0 of a populated file of /dev/shm that one\n" \
	    "other process maps and keeps running%s.\n", cpu_words(CPUS[s]),
	    CPUS[s] > 1 ? " (on its own CPU: the only TLB to shoot down)" : "")
	if (!NTR[s]) {
		print "  (no truncation in the log)"
		return
	}
	printf("  %-10s %8s %12s %8s %8s %6s %12s\n", "sharing", "file MiB", "ftruncate us",
	    "flushes", "invlpg", "IPIs", "pages freed")
	worst = -1
	for (i = 0; i < NTR[s]; i++) {
		parse(TR[s, i])
		if (kv["file_mib"] == "")
			continue
		printf("  %-10s %8s %12s %8s %8s %6s %12s\n", kv["optimize"] == 1 ? "on" : "off",
		    kv["file_mib"], kv["truncate_us"], kv["tlb_flushes"], kv["invlpg"], kv["ipis"],
		    kv["file_pages_freed"])
		if (kv["optimize"] == 1 && kv["ipis"] + 0 > worst)
			worst = kv["ipis"] + 0
		n++
	}
	if (CPUS[s] <= 1 || worst < 0)
		return
	verdict = worst <= 1 ? "met" : "NOT met"
	printf("  Sharing on: at most %d IPI per truncation, whatever the size (goal: at most 1): %s\n",
	    worst, verdict)
	out(sprintf("bench: kind=truncate_ipis cpus=%s max_ipis=%d verdict=%s", CPUS[s], worst,
	    worst <= 1 ? "met" : "not_met"), s)
}

function summary(s,    i, bad) {
	bad = ""
	for (i = 0; i < NRUNS[s]; i++)
		if (STATUS[ORDER[s, i]] != "0")
			bad = bad " " C[ORDER[s, i], "run"]
	BAD[s] = bad
	printf("%s: %d pgbench runs%s, %s failed%s; total %s s\n",
	    (LINUX[s] ? "Linux " KREL[s] ", " : "") cpu_words(CPUS[s]),
	    NRUNS[s], MAXCL[s] != "" ? " (up to " MAXCL[s] " clients)" : "",
	    FAILED[s] == "" ? "?" : FAILED[s], bad != "" ? " (runs" bad ")" : "",
	    TOTAL[s] == "" ? "?" : int(TOTAL[s] / 1000))
}

{ sub(/\r$/, "") }

FNR == 1 {
	sec++
	run = ""
	CPUS[sec] = 1
	LOG[sec] = FILENAME
	if (FILENAME == linux) {
		LINUX[sec] = 1
		LSEC = sec
	}
}

/^bench: kind=/ {
	parse($0)
	kind = kv["kind"]
	if (kind == "start" && kv["cpus"] != "")
		CPUS[sec] = kv["cpus"]
	if (kind == "start" && LINUX[sec])
		KREL[sec] = kv["release"]
	out($0, sec)
	if (kind == "run") {
		run = sec ":" kv["run"]
		# A buffer in a file is its own row: mode fork+posix, fork+file.
		if (kv["backing"] != "" && kv["backing"] != "sysv")
			kv["mode"] = kv["mode"] "+" kv["backing"]
		ORDER[sec, NRUNS[sec]++] = run
		for (k in kv)
			C[run, k] = kv[k]
		C[run, "large"] = kv["large"] == 1 ? 1 : 0   # no large= in older logs
		if (!LINUX[sec] && kv["optimize"] == 0)
			OFF[sec, kv["mode"], kv["clients"], kv["shm_mib"], kv["shm_use_phys"],
			    C[run, "large"]] = run
	} else if (kind == "status") {
		STATUS[sec ":" kv["run"]] = kv["status"]
	} else if (kind == "start") {
		MAXCL[sec] = kv["max_clients"]
	} else if (kind == "done") {
		DONE[sec] = 1
		FAILED[sec] = kv["failed"]
		TOTAL[sec] = kv["ms"]
	} else if (kind == "fork_latency") {
		FL[sec, NFL[sec]++] = $0
	} else if (kind == "teardown") {
		TD[sec, NTD[sec]++] = $0
	} else if (kind == "truncate") {
		TR[sec, NTR[sec]++] = $0
	}
	next
}

/^pgbench: phase=/ {
	parse($0)
	for (k in kv)
		R[run, kv["phase"], k] = kv[k]
	out("bench: kind=phase run=" C[run, "run"] " " substr($0, 10), sec)
	NPHASES[sec]++
	next
}

/^pgbench: profile phase=/ {
	parse($0)
	if (PROF_PARTS == "")
		PROF_PARTS = prof_parts($0)
	for (k in kv)
		P[run, kv["phase"], k] = kv[k]
	out("bench: kind=profile run=" C[run, "run"] " " substr($0, 18), sec)
	next
}

/^pgbench: timeline t_ms=/ {
	parse($0)
	out(sprintf("bench: kind=timeline run=%s mode=%s clients=%s shm_mib=%s " \
	    "optimize=%s share_pd=%s prelink=%s phase=%s t_ms=%s faults=%s", C[run, "run"],
	    C[run, "mode"], C[run, "clients"], C[run, "shm_mib"], C[run, "optimize"],
	    C[run, "share_pd"], C[run, "prelink"], kv["phase"], kv["t_ms"], kv["faults"]), sec)
	next
}

END {
	nph = split("startup run restart teardown", phases, " ")
	print "Shared page tables: make bench results"
	for (s = 1; s <= sec; s++) {
		if (LINUX[s])
			continue
		if (s > 1) {
			print ""
			print "================================================================" \
			    "================"
		}
		table(s)
		if (CPUS[s] <= 1)
			headline(s)
		if (CPUS[s] <= 1 && LSEC && !linux_done++) {
			linux_table(s)
			linux_headline(s)
		}
		large_pages(s)
		fork_latency(s)
		teardown(s)
		truncation(s)
	}
	print ""
	for (s = 1; s <= sec; s++)
		summary(s)
	print ""
	print "# Every result as bench: key=value lines (the plots read these):"
	for (i = 0; i < nm; i++)
		print M[i]
	err = ""
	for (s = 1; s <= sec; s++)
		if (!NPHASES[s] || !DONE[s] || FAILED[s] != 0 || BAD[s] != "")
			err = err sprintf("bench-report: %s: %s\n", LOG[s], !NPHASES[s] ? \
			    "no pgbench results" : !DONE[s] ? "the log ends before bench finished" : \
			    "some runs failed")
	if (sec < ARGC - 1)
		err = err "bench-report: an empty log\n"
	if (err != "") {
		printf("%s", err) > "/dev/stderr"
		exit 1
	}
}
