# plots.gnuplot: the charts of `make plots`.
#
#   gnuplot -e "dir='build/plots'" scripts/plots.gnuplot
#
# Reads the data files scripts/bench-plotdata.awk wrote into dir and writes
# three PNG files there:
#   faults_per_client.png  startup page faults per client vs clients
#   page_tables.png        peak page-table memory vs clients
#   timeline.png           page faults per second during startup and restart,
#                          each run's total in the key
# each with sharing off (solid) and on (dashed), per buffer size; the first
# two also with Linux from the same make bench, when bench.txt has a Linux
# boot: on 4 KiB pages (dotted, large open triangles: Linux's values fall
# on sharing off's) and on 2 MiB SHM_HUGETLB pages (points alone: Linux runs
# them at one client count per size).

set terminal pngcairo size 900,560 font "sans,11"
set datafile missing "?"
set grid
set key box opaque
sizes = system("cat '" . dir . "/sizes'")
sweep(s) = dir . "/sweep-" . s . ".dat"

set logscale xy 2
set xtics (1, 2, 4, 8, 16, 32, 64)
set xrange [0.8:80]
set xlabel "clients (processes attached to the buffer)"
set format y "%.0f"

set output dir . "/faults_per_client.png"
set key bottom left
set title "Startup: page faults per client (pgbench, fork mode)"
set ylabel "page faults per client"
set logscale y 10
plot for [i = 1:words(sizes)] sweep(word(sizes, i)) using 1:2 with linespoints \
         lw 2 pt 7 lc i title word(sizes, i) . " MiB, sharing off", \
     for [i = 1:words(sizes)] sweep(word(sizes, i)) using 1:3 with linespoints \
         lw 2 pt 5 dt 2 lc i title word(sizes, i) . " MiB, sharing on", \
     for [i = 1:words(sizes)] sweep(word(sizes, i)) using 1:6 with linespoints \
         lw 1 pt 8 ps 2.5 dt 3 lc i title word(sizes, i) . " MiB, Linux 4 KiB", \
     for [i = 1:words(sizes)] sweep(word(sizes, i)) using 1:8 with points \
         pt 13 ps 2 lc i title word(sizes, i) . " MiB, Linux hugetlb"

set output dir . "/page_tables.png"
set key top left
set title "Peak page-table memory (private + object-owned), startup, fork mode"
set ylabel "page-table memory (KiB)"
plot for [i = 1:words(sizes)] sweep(word(sizes, i)) using 1:4 with linespoints \
         lw 2 pt 7 lc i title word(sizes, i) . " MiB, sharing off", \
     for [i = 1:words(sizes)] sweep(word(sizes, i)) using 1:5 with linespoints \
         lw 2 pt 5 dt 2 lc i title word(sizes, i) . " MiB, sharing on", \
     for [i = 1:words(sizes)] sweep(word(sizes, i)) using 1:7 with linespoints \
         lw 1 pt 8 ps 2.5 dt 3 lc i title word(sizes, i) . " MiB, Linux 4 KiB", \
     for [i = 1:words(sizes)] sweep(word(sizes, i)) using 1:9 with points \
         pt 13 ps 2 lc i title word(sizes, i) . " MiB, Linux hugetlb"

set output dir . "/timeline.png"
set multiplot layout 2,1 title "Page-fault rate, pgbench -T (faults counted by the kernel per 10 ms interval)"
unset logscale
set xrange [0:*]
set xtics autofreq
set format y "%.0f"
set xlabel "time since the clients were released (ms)"
set ylabel "page faults per second"
set key top right
tl(o, ph) = dir . "/timeline-" . o . "-" . ph . ".dat"
total(o, ph) = system("sed -n 's/^# total: //p' '" . tl(o, ph) . "'")
# No faults at all is the result to see (sharing on, restart: the second
# generation links the tables that outlived the first and takes none), and
# a line on y = 0 would lie under the x axis. A log scale cannot draw a
# zero, and a panel of its own would show nothing either, so zero is lifted
# off the axis instead: the y range starts a little below it (yfixmin
# keeps the autoscale from reaching down to a negative tic), sharing on
# carries a point every 50 ms, and each key gives the run's total and
# duration.
set yrange [*:*]
set autoscale yfixmin
set offsets 0, 0, graph 0.3, graph 0.06    # room for the key above the curves, and below zero
set title "startup: the first generation of clients touches every page"
plot tl("off", "startup") using 1:2 with fsteps lw 2 lc 1 \
         title "sharing off: " . total("off", "startup"), \
     tl("on", "startup") using 1:2 with fsteps lw 3 dt 2 lc 2 \
         title "sharing on: " . total("on", "startup"), \
     tl("on", "startup") using 1:2 every 5 with points pt 7 ps 0.8 lc 2 notitle
set title "restart: a second generation attaches the surviving segment"
plot tl("off", "restart") using 1:2 with fsteps lw 2 lc 1 \
         title "sharing off: " . total("off", "restart"), \
     tl("on", "restart") using 1:2 with fsteps lw 3 dt 2 lc 2 \
         title "sharing on: " . total("on", "restart"), \
     tl("on", "restart") using 1:2 every 5 with points pt 7 ps 0.8 lc 2 notitle
unset multiplot
