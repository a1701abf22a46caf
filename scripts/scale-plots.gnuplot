# scale-plots.gnuplot: one chart of `make bench-scale`, for one buffer size.
#
#   gnuplot -e "dir='build/scale-plots'; mib='256'" scripts/scale-plots.gnuplot
#
# Reads dir/scale-MIB.dat (scripts/bench-scale-plots.sh) and writes
# dir/scale-MIB.png: two panels against clients, log-log, every curve on
# the same axes: the startup phase's time, and the page-table memory at
# its peak. Linux (4 KiB and hugetlb) dotted, this kernel solid; sharing
# off stops at the fault cap. A page-table memory of 0 (Linux hugetlb at
# a few clients: its PageTables did not move) cannot be drawn on a log axis
# and is left out.

set terminal pngcairo size 1200,600 font "sans,11"
set datafile missing "?"
f = dir . "/scale-" . mib . ".dat"
set output dir . "/scale-" . mib . ".png"
set multiplot layout 1,2 title sprintf("pgbench, fork mode, %s MiB buffer, 1 CPU: how each curve grows with clients", mib)
set grid
set key below font ",9" maxrows 3
set logscale xy 2
set xtics (1, 2, 4, 8, 16, 32, 64, 128, 256)
set xrange [0.8:320]
set xlabel "clients"
set format y "%.0f"
set logscale y 10

set title "startup phase (ms)"
set ylabel "ms"
plot f using 1:2 with linespoints lw 2 dt 3 pt 8 ps 1.5 lc rgb "#d62728" title "Linux, 4 KiB", \
     f using 1:4 with linespoints lw 2 dt 3 pt 12 ps 1.5 lc rgb "#9467bd" title "Linux, hugetlb 2 MiB", \
     f using 1:6 with linespoints lw 2 pt 7 lc rgb "#ff7f0e" title "this kernel, 4 KiB, sharing off", \
     f using 1:8 with linespoints lw 2 pt 5 lc rgb "#1f77b4" title "this kernel, 4 KiB, sharing on", \
     f using 1:10 with linespoints lw 2 pt 9 lc rgb "#2ca02c" title "this kernel, 2 MiB, sharing on"

set title "peak page-table memory at startup (KiB)"
set ylabel "KiB"
plot f using 1:($3 > 0 ? $3 : 1/0) with linespoints lw 2 dt 3 pt 8 ps 1.5 lc rgb "#d62728" title "Linux, 4 KiB", \
     f using 1:($5 > 0 ? $5 : 1/0) with linespoints lw 2 dt 3 pt 12 ps 1.5 lc rgb "#9467bd" title "Linux, hugetlb 2 MiB", \
     f using 1:($7 > 0 ? $7 : 1/0) with linespoints lw 2 pt 7 lc rgb "#ff7f0e" title "this kernel, 4 KiB, sharing off", \
     f using 1:($9 > 0 ? $9 : 1/0) with linespoints lw 2 pt 5 lc rgb "#1f77b4" title "this kernel, 4 KiB, sharing on", \
     f using 1:($11 > 0 ? $11 : 1/0) with linespoints lw 2 pt 9 lc rgb "#2ca02c" title "this kernel, 2 MiB, sharing on"
unset multiplot
