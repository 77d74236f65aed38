#!/usr/bin/env bash
# Groups: pref.reward_report over 1M (category, chosen, rejected) rows and its
# readers, pref.rejection_sample over 200k candidates (10,000 prompts x 20),
# pref.bt_compare of two 100-item models; ratios against a count() floor and
# a numpy peer (the same report computed with numpy on arrays already in memory).
source "$(dirname "$0")/../bench_lib.sh"
N=1000000
psql -X -q -v ON_ERROR_STOP=1 \
	-c "DROP TABLE IF EXISTS bench_rm, bench_cand, bench_cmp" \
	-c "CREATE TABLE bench_rm AS SELECT 'cat' || (g % 20) AS category, ((g * 7919) % 1000) / 100.0::float8 AS chosen,
	      ((g * 104729) % 1000) / 110.0::float8 AS rejected FROM generate_series(1, $N::bigint) g" \
	-c "CREATE TABLE bench_cand AS SELECT g / 20 AS prompt_id, g AS response_id, ((g * 7919) % 97) / 10.0::float8 AS reward
	    FROM generate_series(0, 199999::bigint) g" \
	-c "SELECT setseed(0.5)" \
	-c "CREATE TABLE bench_cmp AS SELECT grp, CASE WHEN random() < 1 / (1 + exp((i - j) / 30.0)) THEN i ELSE j END AS w,
	      CASE WHEN random() < 0.5 THEN 0 END AS unused, i, j
	    FROM (SELECT g % 2 AS grp, floor(random() * 100)::int AS i, floor(random() * 100)::int AS j
	          FROM generate_series(1, 200000) g) x WHERE i <> j" \
	-c "VACUUM ANALYZE bench_rm, bench_cand, bench_cmp" >/dev/null 2>&1 || { echo "groups: setup failed"; exit 1; }
export PGOPTIONS="-c max_parallel_workers_per_gather=0"
PEER="$($PY - $N <<'PY' 2>/dev/null
import sys, time
import numpy as np
n = int(sys.argv[1]); g = np.arange(1, n + 1)
cat = g % 20; c = ((g * 7919) % 1000) / 100.0; r = ((g * 104729) % 1000) / 110.0
ts = []
for _ in range(3):
    t = time.perf_counter()
    m = c - r; corr = np.where(m > 0, 1.0, np.where(m == 0, 0.5, 0.0))
    for k in range(20):
        sel = cat == k; a = corr[sel].mean(); q = np.quantile(m[sel], [0.1, 0.25, 0.5, 0.75, 0.9])
    ts.append((time.perf_counter() - t) * 1000)
print("report %.1f" % sorted(ts)[1])
PY
)"
peer() { printf '%s\n' "$PEER" | awk -v k="$1" '$1 == k {print $2}'; }
floor=$(median_ms "SELECT count(category), sum(chosen - rejected) FROM bench_rm;" 3)
echo "groups: 1M rows floor count()/sum() ${floor} ms"
t=$(median_ms "SELECT pref.reward_report(category, chosen, rejected) IS NULL FROM bench_rm;" 3)
echo "groups: reward_report aggregate 1M rows, 20 categories ${t} ms (x$(ratio "$t" "$floor") floor)"
t=$(median_ms "SELECT count(*) FROM pref.report_categories((SELECT pref.reward_report(category, chosen, rejected) FROM bench_rm));" 3)
echo "groups: reward_report + report_categories 1M rows ${t} ms (x$(ratio "$t" "$floor") floor, x$(ratio "$t" "$(peer report)") numpy $(peer report) ms)"
par=$(PGOPTIONS="-c max_parallel_workers_per_gather=2 -c parallel_setup_cost=0" median_ms "SELECT pref.reward_report(category, chosen, rejected) IS NULL FROM bench_rm;" 3)
echo "groups: reward_report aggregate 2 parallel workers ${par} ms (x$(ratio "$par" "$floor") floor)"
cfloor=$(median_ms "SELECT count(reward) FROM bench_cand;" 3)
t=$(median_ms "SELECT count(*) FROM pref.rejection_sample('SELECT * FROM bench_cand', 0.5, 4, 1);" 3)
echo "groups: rejection_sample 200k candidates, 4 per prompt ${t} ms (x$(ratio "$t" "$cfloor") floor ${cfloor} ms)"
t=$(median_ms "SELECT count(*) FROM pref.bt_compare((SELECT pref.bt_fit(w, i + j - w) FROM bench_cmp WHERE grp = 0), (SELECT pref.bt_fit(w, i + j - w) FROM bench_cmp WHERE grp = 1));" 3)
echo "groups: bt_compare of two 100-item fits on 100k comparisons each (fits included) ${t} ms"
psql -X -q -c "DROP TABLE bench_rm, bench_cand, bench_cmp" >/dev/null
