#!/usr/bin/env bash
# Issue 15 item 6 scan-bound targets, serial, one run of medians of 3:
#   pref.tally over 10M battles (200 items) <= 0.25 x the GROUP BY w, l floor
#   pref.dpo_metrics over 10M rows          <= 1.1 x the 4 x sum() floor
#   pref.gram over 200,000 real[256] rows   <= 1.3 x max(scan floor, numpy Y.T @ Y
#                                              on one BLAS thread)
# Rows: PGPREF_BENCH_SCAN_ROWS (10,000,000), PGPREF_BENCH_GRAM_ROWS (200,000).
# Long (table generation ~1 minute): runs only with PGPREF_BENCH=issue15_scan.
source "$(dirname "$0")/../bench_lib.sh"
if [ "${PGPREF_BENCH:-}" != issue15_scan ]; then
	echo "issue15_scan: skipped (PGPREF_BENCH=issue15_scan make bench runs it)"
	exit 0
fi
PY="${PY:-/usr/bin/python3}"
N="${PGPREF_BENCH_SCAN_ROWS:-10000000}"
NG="${PGPREF_BENCH_GRAM_ROWS:-200000}"
psql -X -q -v ON_ERROR_STOP=1 \
	-c "DROP TABLE IF EXISTS s15_bt, s15_dpo, s15_pool, s15_emb" \
	-c "CREATE TABLE s15_bt AS SELECT w, CASE WHEN l >= w THEN l + 1 ELSE l END AS l FROM
	      (SELECT (hashint4(g) & 2147483647) % 200 AS w, (hashint4(g + 7777777) & 2147483647) % 199 AS l
	         FROM generate_series(1, $N) g) s" \
	-c "CREATE TABLE s15_dpo AS SELECT -(20 + random() * 300) AS pc, -(20 + random() * 300) AS pr,
	      -(20 + random() * 300) AS rc, -(20 + random() * 300) AS rr FROM generate_series(1, $N) g" \
	-c "CREATE TABLE s15_pool AS SELECT i, ARRAY(SELECT (random() - 0.5)::real FROM generate_series(1, 256) WHERE i > 0) AS x FROM generate_series(1, 1000) i" \
	-c "CREATE TABLE s15_emb AS SELECT p.x FROM generate_series(1, $NG) g JOIN s15_pool p ON p.i = 1 + g % 1000" \
	-c "VACUUM ANALYZE s15_bt" -c "VACUUM ANALYZE s15_dpo" -c "VACUUM ANALYZE s15_emb" >/dev/null 2>&1 \
	|| { echo "issue15_scan: setup failed"; exit 1; }
export PGOPTIONS="-c max_parallel_workers_per_gather=0 -c client_min_messages=warning"
gb=$(median_ms "SELECT count(*) FROM (SELECT w, l, count(*) FROM s15_bt GROUP BY 1, 2) s;" 3)
scan=$(median_ms "SELECT count(w), count(l) FROM s15_bt;" 3)
tally=$(median_ms "SELECT pref.tally(w::bigint, l::bigint) IS NULL FROM s15_bt;" 3)
tally4=$(median_ms "SELECT pref.tally(w, l) IS NULL FROM s15_bt;" 3)
echo "issue15_scan: $N battles, 200 items, serial: GROUP BY floor ${gb} ms; count() scan ${scan} ms ($(ratio "$scan" "$gb") x GROUP BY)"
echo "issue15_scan: pref.tally(w::bigint, l::bigint) ${tally} ms ($(ratio "$tally" "$gb") x GROUP BY, target 0.25); pref.tally(int, int) ${tally4} ms ($(ratio "$tally4" "$gb") x)"
dfloor=$(median_ms "SELECT sum(pc), sum(pr), sum(rc), sum(rr) FROM s15_dpo;" 3)
met=$(median_ms "SELECT pref.dpo_metrics(pc, pr, rc, rr, 0.1, 'sigmoid') IS NULL FROM s15_dpo;" 3)
echo "issue15_scan: $N rows, serial: 4 x sum() floor ${dfloor} ms; pref.dpo_metrics ${met} ms ($(ratio "$met" "$dfloor") x floor, target 1.1)"
gfloor=$(median_ms "SELECT sum(array_length(x, 1)) FROM s15_emb;" 3)
gram=$(median_ms "SELECT pref.gram(x) IS NULL FROM s15_emb;" 3)
npms=$(OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 "$PY" - "$NG" <<'PYEOF'
import sys, time
import numpy as np
n = int(sys.argv[1])
Y = (np.random.default_rng(1).random((n, 256)) - 0.5).astype(np.float32).astype(np.float64)
ts = []
for _ in range(3):
    t = time.perf_counter(); G = Y.T @ Y; ts.append((time.perf_counter() - t) * 1000)
print("%.1f" % sorted(ts)[1])
PYEOF
)
slow=$(awk -v a="$gfloor" -v b="$npms" 'BEGIN { print (a > b ? a : b) }')
echo "issue15_scan: $NG x real[256], serial: scan floor ${gfloor} ms; numpy Y.T @ Y (float64, 1 thread) ${npms} ms; pref.gram ${gram} ms ($(ratio "$gram" "$slow") x max(floor, numpy), target 1.3)"
psql -X -q -c "DROP TABLE s15_bt, s15_dpo, s15_pool, s15_emb" >/dev/null
