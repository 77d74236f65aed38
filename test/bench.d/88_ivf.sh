#!/usr/bin/env bash
# IVF neighbour graphs: pref.select_subset_ivf (k-means, graph by searching
# the n_probe nearest clusters, lazy greedy facility location) against
# pref.select_subset(method => 'facility_location', n_neighbors) on the
# exact graph: time, neighbour recall (NOTICE, 1,000 sampled rows) and the
# IVF picks' objective evaluated on the exact graph (select_subset's
# initial => the IVF picks: objective - gain of one more pick) as a share of
# the exact-graph greedy's.  IVF_N (default 50000), IVF_D (64), IVF_K
# (1000 picks), IVF_PROBE (8), IVF_CLUSTERS (default sqrt N); IVF_EXACT=0
# skips the exact graph (for N = 1M); IVF_NOISE (2.0) the spread around the
# 500 centres (uniform in [-2, 2]^d; hashint4 pseudo-random numbers, uniform
# noise in [-NOISE, NOISE]).
source "$(dirname "$0")/../bench_lib.sh"
N=${IVF_N:-50000}
D=${IVF_D:-64}
K=${IVF_K:-1000}
P=${IVF_PROBE:-8}
NOISE=${IVF_NOISE:-2.0}
C=${IVF_CLUSTERS:-$(awk -v n="$N" 'BEGIN { printf "%d", sqrt(n) + 0.5 }')}
psql -X -q -v ON_ERROR_STOP=1 \
	-c "DROP TABLE IF EXISTS bench_ivf" \
	-c "CREATE TABLE bench_ivf AS SELECT g::bigint AS id, ARRAY(SELECT (((hashint4((g % 500) * 131 + t) & 65535) / 32768.0 - 1) * 2
	      + ((hashint4(g * 257 + t * 7919 + 1000003) & 65535) / 32768.0 - 1) * $NOISE)::real
	      FROM generate_series(1, $D) t) AS embedding FROM generate_series(1, $N) g" \
	-c "VACUUM ANALYZE bench_ivf" >/dev/null 2>&1 || { echo "ivf: setup failed"; exit 1; }
export PGOPTIONS="-c max_parallel_workers_per_gather=0 -c pgpref.max_memory=3GB -c work_mem=1GB"
floor=$(median_ms "SELECT count(embedding) FROM bench_ivf;" 3)
echo "ivf: N=$N d=$D floor count() ${floor} ms"
# one timed run (recall sample included) with the recall NOTICE and the
# backend's peak resident memory (VmHWM)
out=$(psql -X -At 2>&1 <<SQL
SELECT pg_backend_pid() AS bpid \gset
\setenv BPID :bpid
\timing on
SELECT count(*) FROM pref.select_subset_ivf('SELECT id, embedding FROM bench_ivf', $K, n_neighbors => 20, clusters => $C, n_probe => $P);
\! grep VmHWM /proc/\$BPID/status
SQL
)
notice=$(printf '%s\n' "$out" | grep -o 'neighbour recall [0-9.]*' | sed 's/^neighbour //')
peak=$(printf '%s\n' "$out" | awk '/VmHWM/ {printf "%.0f MB", $2 / 1024}')
t=$(printf '%s\n' "$out" | sed -nE 's/^Time: ([0-9.]+) ms.*/\1/p' | tail -1)
echo "ivf: select_subset_ivf $K picks, n_neighbors 20, clusters $C, n_probe $P: ${t} ms (k-means, graph, recall sample, greedy; x$(ratio "$t" "$floor") floor); neighbour $notice; backend peak memory $peak"
if [ "${IVF_EXACT:-1}" = 1 ]; then
	e=$(median_ms "SELECT max(objective) FROM pref.select_subset('SELECT id, embedding FROM bench_ivf', $K, method => 'facility_location', n_neighbors => 20);" 1)
	share=$(psql -X -At -c "WITH ivf AS (SELECT array_agg(id ORDER BY pick) AS picks FROM pref.select_subset_ivf('SELECT id, embedding FROM bench_ivf', $K, n_neighbors => 20, clusters => $C, n_probe => $P, recall_sample => 0)),
		exact AS (SELECT max(objective) AS f FROM pref.select_subset('SELECT id, embedding FROM bench_ivf', $K, method => 'facility_location', n_neighbors => 20)),
		onexact AS (SELECT s.objective - s.gain AS f FROM ivf, pref.select_subset('SELECT id, embedding FROM bench_ivf', $K + 1, method => 'facility_location', n_neighbors => 20, initial => ivf.picks) s WHERE s.pick = $K + 1)
		SELECT round((onexact.f / exact.f)::numeric, 4) FROM onexact, exact" 2>/dev/null)
	echo "ivf: exact-graph select_subset(n_neighbors 20) $K picks ${e} ms (x$(ratio "$e" "$t") the IVF time); IVF picks reach $share of the exact-graph greedy's objective (on the exact graph)"
fi
psql -X -q -c "DROP TABLE bench_ivf" >/dev/null
