# Dashboard picture for the curation demo (test/demo.d/80_curation.sql):
# left, model win rates with 95% intervals; right, a reliability diagram.
dir = system("printf %s \"$PGPREF_CURATION_DATA\"")
set terminal svg size 960,420 dynamic font "sans,12" background rgb "white"
set output "docs/img/curation_dashboard.svg"
set multiplot layout 1,2
set title "Leaderboard: pairwise win rate, 95% Wilson interval"
set yrange [0:1]
set ylabel "win rate"
set xrange [-0.6:3.6]
set grid ytics
set style fill solid 0.35
set boxwidth 0.6
plot dir."/leaderboard.dat" using 1:3:xtic(2) with boxes lc rgb "#4c72b0" notitle, \
     "" using 1:3:4:5 with yerrorbars lc rgb "#1b1b1b" pt 7 ps 0.6 notitle
set title "Reward model calibration (reliability diagram)"
set xrange [0:1]
set yrange [0:1]
set xlabel "mean predicted probability"
set ylabel "observed frequency"
set key bottom right
set size square
plot x with lines dt 2 lc rgb "#888888" title "perfect calibration", \
     dir."/reliability.dat" using 1:2 with linespoints pt 7 lc rgb "#dd8452" lw 2 title "reward model"
unset multiplot
