# Dashboard picture for the curation demo (test/demo.d/80_curation.sql):
# left, the Bradley-Terry leaderboard with 95% intervals; right, a reliability diagram.
dir = system("printf %s \"$PGPREF_CURATION_DATA\"")
set terminal svg size 960,420 dynamic font "sans,12" background rgb "white"
set output "docs/img/curation_dashboard.svg"
set multiplot layout 1,2
set title "Leaderboard: Bradley-Terry rating, 95% interval"
set ylabel "Elo-scale rating"
set xrange [-0.6:5.6]
set grid ytics
set offsets 0, 0, 40, 40
plot 1000 with lines dt 2 lc rgb "#888888" notitle, \
     dir."/leaderboard.dat" using 1:3:4:5:xtic(2) with yerrorbars lc rgb "#4c72b0" pt 7 ps 1.2 lw 2 notitle
set offsets 0, 0, 0, 0
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
