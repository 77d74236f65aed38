# Helpers for test/bench.d/*.sh (sourced).
# median_ms "SQL" [runs]: run SQL runs times (default 5) in one psql session
# with \timing, print the median in milliseconds of the LAST statement of
# each run (so "SET ...; SELECT ..." times the SELECT only).  BENCH_SETUP
# runs once before timing starts.
median_ms() {
	local sql="$1" runs="${2:-5}" i
	{
		[ -n "${BENCH_SETUP:-}" ] && echo "$BENCH_SETUP"
		echo '\timing on'
		for i in $(seq 1 "$runs"); do echo "$sql"; done
	} | psql -X -q -At -v ON_ERROR_STOP=1 -o /dev/null 2>&1 | sed -nE 's/^Time: ([0-9.]+) ms.*/\1/p' |
		awk -v runs="$runs" '
			{ t[NR] = $1 }
			END {
				# several statements per run (e.g. "SET ...; SELECT ..."): time only the last of each run
				if (NR == 0 || NR % runs) { print "NaN"; exit }
				m = NR / runs
				n = runs
				for (i = 1; i <= n; i++) {
					v = t[i * m]
					for (j = i - 1; j >= 1 && a[j] > v; j--) a[j + 1] = a[j]
					a[j + 1] = v
				}
				if (n % 2) print a[(n + 1) / 2]; else print (a[n / 2] + a[n / 2 + 1]) / 2
			}'
}
# ratio A B: A/B with two decimals
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "NaN" }'; }
