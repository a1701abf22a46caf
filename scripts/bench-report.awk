# bench-report.awk: the serial log of `make bench` -> build/bench.txt.
#
#   awk -f scripts/bench-report.awk build/bench.log > build/bench.txt
#
# The log holds the `bench: kind=...` lines of /bin/bench (user/bin/bench.c)
# and, between a `kind=run` line and its `kind=status` line, the `pgbench:`
# lines of that run. The output has two parts:
#
#   1. the comparison table: each pgbench run with sharing on beside the run
#      with the same mode, clients, size and segment kind with sharing off,
#      phase by phase, with the ratios off/on; the headline of the issue
#      (fork mode, most clients, 256 MiB, startup phase) against its goals;
#      fork() latency and 1 GiB teardown;
#   2. every result as one `bench: kind=KIND key=value ...` line:
#      bench's own lines as they were, `kind=phase` for each pgbench phase
#      line and `kind=timeline` for each -T sample (with the configuration
#      of its run added), `kind=ratio` for each table row and
#      `kind=headline` for the headline.
#
# Tools read only the lines that start with "bench: " (scripts/bench-plots.sh).
# A ratio is off/on with one decimal, "inf" when only "on" is 0, "-" when
# both are. Exit status 1 (after printing everything) when the log has no
# results, no `kind=done` line, or a failed run.

# Splits a line's key=value words into kv[].
function parse(line,    n, i, f, eq) {
	split("", kv)
	n = split(line, f, " ")
	for (i = 1; i <= n; i++)
		if ((eq = index(f[i], "=")) > 1)
			kv[substr(f[i], 1, eq - 1)] = substr(f[i], eq + 1)
}

function ratio(off, on) {
	if (off == "" || on == "")
		return "?"
	if (on + 0 > 0 && off + 0 >= 0)
		return sprintf("%.1f", off / on)
	return off + 0 > 0 ? "inf" : "-"
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
	if (C[r, "timeline"] == 1) v = v "-T,"
	return v == "" ? "-" : substr(v, 1, length(v) - 1)
}

# The run with sharing off to compare run r with.
function off_run(r) {
	return OFF[C[r, "mode"], C[r, "clients"], C[r, "shm_mib"], C[r, "shm_use_phys"]]
}

function mib(pages) {
	return sprintf("%.1f MiB", pages * 4 / 1024)
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

{ sub(/\r$/, "") }

/^bench: kind=/ {
	parse($0)
	kind = kv["kind"]
	M[nm++] = $0
	if (kind == "run") {
		run = kv["run"]
		order[nruns++] = run
		for (k in kv)
			C[run, k] = kv[k]
		if (kv["optimize"] == 0)
			OFF[kv["mode"], kv["clients"], kv["shm_mib"], kv["shm_use_phys"]] = run
	} else if (kind == "status") {
		status[kv["run"]] = kv["status"]
	} else if (kind == "start") {
		max_clients = kv["max_clients"]
	} else if (kind == "done") {
		done = 1
		failed = kv["failed"]
		total_ms = kv["ms"]
	} else if (kind == "fork_latency") {
		FL[nfl++] = $0
	} else if (kind == "teardown") {
		TD[ntd++] = $0
	}
	next
}

/^pgbench: phase=/ {
	parse($0)
	for (k in kv)
		R[run, kv["phase"], k] = kv[k]
	M[nm++] = "bench: kind=phase run=" run " " substr($0, 10)
	nphases++
	next
}

/^pgbench: timeline t_ms=/ {
	parse($0)
	M[nm++] = sprintf("bench: kind=timeline run=%s mode=%s clients=%s shm_mib=%s " \
	    "optimize=%s share_pd=%s prelink=%s phase=%s t_ms=%s faults=%s", run,
	    C[run, "mode"], C[run, "clients"], C[run, "shm_mib"], C[run, "optimize"],
	    C[run, "share_pd"], C[run, "prelink"], kv["phase"], kv["t_ms"], kv["faults"])
	next
}

END {
	nph = split("startup run restart teardown", phases, " ")
	print "Shared page tables: make bench results"
	print ""
	print "pgbench, sharing off -> on; x = off/on; cl: clients. At the peak, with every"
	print "client attached: page-table pages (private ones the phase added, plus the"
	print "object-owned ones) and the PV entries the phase added; \".\" in the run and"
	print "teardown phases, which attach nothing. ms: the phase's wall time."
	print "Variants: share_pd=0 (no 1 GiB links), prelink=0 (links made by faults),"
	print "anon (kern.ipc.shm_use_phys=0), -T (with the fault-rate timeline)."
	print ""
	printf("%-6s %3s %5s %-17s %-8s | %-26s | %-21s | %-26s | %s\n", "", "", "", "",
	    "", "page faults", "page-table pages", "PV entries", "ms")
	printf("%-6s %3s %5s %-17s %-8s | %9s %9s %6s | %7s %6s %6s | %9s %9s %6s | %7s %7s\n",
	    "mode", "cl", "MiB", "variant", "phase", "off", "on", "x", "off", "on", "x",
	    "off", "on", "x", "off", "on")
	for (i = 0; i < nruns; i++) {
		r = order[i]
		if (C[r, "optimize"] != 1 || (o = off_run(r)) == "")
			continue
		for (p = 1; p <= nph; p++) {
			ph = phases[p]
			if (R[r, ph, "phase"] == "" || R[o, ph, "phase"] == "")
				continue
			fx = ratio(R[o, ph, "faults"], R[r, ph, "faults"])
			line = sprintf("bench: kind=ratio run_off=%s run_on=%s mode=%s " \
			    "clients=%s shm_mib=%s variant=%s phase=%s faults_off=%s " \
			    "faults_on=%s faults_ratio=%s ms_off=%s ms_on=%s", o, r,
			    C[r, "mode"], C[r, "clients"], C[r, "shm_mib"], variant(r), ph,
			    R[o, ph, "faults"], R[r, ph, "faults"], fx, R[o, ph, "ms"],
			    R[r, ph, "ms"])
			# pgbench's peaks mean something only while clients attach
			to = tn = tx = po = pn = px = "."
			if (ph == "startup" || ph == "restart") {
				to = tables(o, ph); tn = tables(r, ph); tx = ratio(to, tn)
				po = R[o, ph, "pv_entries"]; pn = R[r, ph, "pv_entries"]
				px = ratio(po, pn)
				line = line sprintf(" tables_off=%s tables_on=%s tables_ratio=%s " \
				    "pv_off=%s pv_on=%s pv_ratio=%s", to, tn, tx, po, pn, px)
			}
			printf("%-6s %3s %5s %-17s %-8s | %9s %9s %6s | %7s %6s %6s | %9s %9s %6s | %7s %7s\n",
			    C[r, "mode"], C[r, "clients"], C[r, "shm_mib"], variant(r), ph,
			    R[o, ph, "faults"], R[r, ph, "faults"], fx, to, tn, tx, po, pn, px,
			    R[o, ph, "ms"], R[r, ph, "ms"])
			M[nm++] = line
		}
	}

	# The headline: the plain fork run with the most clients on 256 MiB.
	hr = ""
	for (i = 0; i < nruns; i++) {
		r = order[i]
		if (C[r, "optimize"] == 1 && C[r, "mode"] == "fork" && C[r, "shm_mib"] == 256 &&
		    variant(r) == "-" && R[r, "startup", "phase"] != "" && off_run(r) != "" &&
		    (hr == "" || C[r, "clients"] + 0 > C[hr, "clients"] + 0))
			hr = r
	}
	print ""
	if (hr == "") {
		print "Headline: no fork-mode 256 MiB pair of runs in the log."
	} else {
		o = off_run(hr)
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
		M[nm++] = sprintf("bench: kind=headline run_off=%s run_on=%s clients=%s " \
		    "shm_mib=256 faults_ratio=%s tables_ratio=%s pv_ratio=%s goals=%s", o, hr,
		    C[hr, "clients"], fx, tx, px, missed ? "missed" : "met")
	}

	print ""
	print "fork() of a process with a populated shared mapping: mean time of fork()"
	print "in the parent, of fork + exit + waitpid, and of the same with a child that"
	print "reads every page of the mapping before it exits (and that child's faults):"
	for (i = 0; i < nfl; i++) {
		parse(FL[i])
		printf("  %4s MiB mapped, optimize=%s share_pd=%s: fork %6s us, round trip " \
		    "%6s us", kv["map_mib"], kv["optimize"], kv["share_pd"], kv["fork_us"],
		    kv["roundtrip_us"])
		if (kv["map_mib"] > 0)
			printf(", reader %8s us (%s faults)", kv["reader_roundtrip_us"],
			    kv["reader_faults"])
		printf("\n")
	}
	print ""
	print "Teardown of a populated 1 GiB segment (shmdt, then IPC_RMID destroying it):"
	for (i = 0; i < ntd; i++) {
		parse(TD[i])
		printf("  optimize=%s share_pd=%s: shmdt %8s us (%s flushes, %s invlpg), " \
		    "IPC_RMID %8s us\n", kv["optimize"], kv["share_pd"], kv["detach_us"],
		    kv["detach_tlb_flushes"], kv["detach_invlpg"], kv["rmid_us"])
	}
	print ""
	for (i = 0; i < nruns; i++)
		if (status[order[i]] != "0")
			bad = bad " " order[i]
	printf("%d pgbench runs%s, %s failed%s; total %s s\n", nruns,
	    max_clients != "" ? " (up to " max_clients " clients)" : "",
	    failed == "" ? "?" : failed, bad != "" ? " (runs" bad ")" : "",
	    total_ms == "" ? "?" : int(total_ms / 1000))
	print ""
	print "# Every result as bench: key=value lines (the plots read these):"
	for (i = 0; i < nm; i++)
		print M[i]
	if (!nphases || !done || failed != 0 || bad != "") {
		print "bench-report: " (!nphases ? "no pgbench results" : !done ? \
		    "the log ends before bench finished" : "some runs failed") > "/dev/stderr"
		exit 1
	}
}
