# Helpers for test/bench.d/*.sh (sourced).
# median_ms "SQL" [runs]: run SQL runs times (default 5) in one psql session
# with \timing, print the median in milliseconds.  Settings go in
# BENCH_SETUP (run before timing starts) so they are not timed.
median_ms() {
	local sql="$1" runs="${2:-5}" i
	{
		[ -n "${BENCH_SETUP:-}" ] && echo "$BENCH_SETUP"
		echo '\timing on'
		for i in $(seq 1 "$runs"); do echo "$sql"; done
	} | psql -X -q -At -v ON_ERROR_STOP=1 -o /dev/null 2>&1 | sed -nE 's/^Time: ([0-9.]+) ms.*/\1/p' |
		sort -n | awk '{a[NR]=$1} END {if (NR==0) print "NaN"; else if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'
}
# ratio A B: A/B with two decimals
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "NaN" }'; }
