#!/usr/bin/env bash
# Types: parse, print and expand 1M pairs / rankings against a count() floor.
source "$(dirname "$0")/../bench_lib.sh"
psql -X -q -v ON_ERROR_STOP=1 -c "DROP TABLE IF EXISTS bench_pairs" -c "CREATE TABLE bench_pairs AS
  SELECT (g % 1000) AS a, (g % 1000) + 1 + (g % 7) AS b, ((g % 1000)::text || '>' || ((g % 1000) + 1 + (g % 7))::text) AS t
  FROM generate_series(1, 1000000) g" -c "VACUUM ANALYZE bench_pairs" >/dev/null 2>&1 || { echo "types: setup failed"; exit 1; }
export BENCH_SETUP="SET max_parallel_workers_per_gather = 0;"
SET=""
floor=$(median_ms "$SET SELECT count(t) FROM bench_pairs;")
parse=$(median_ms "$SET SELECT count(t::pref.pair) FROM bench_pairs;")
make=$(median_ms "$SET SELECT count(pref.pair(a, b)) FROM bench_pairs;")
out=$(median_ms "$SET SELECT sum(length(pref.pair(a, b)::text)) FROM bench_pairs;")
echo "types: 1M rows floor count(text) ${floor} ms"
echo "types: parse text->pair ${parse} ms (x$(ratio "$parse" "$floor") floor)"
echo "types: pref.pair(a,b) ${make} ms (x$(ratio "$make" "$floor") floor)"
echo "types: pair->text ${out} ms (x$(ratio "$out" "$floor") floor)"
rk=$(median_ms "$SET SELECT count(*) FROM (SELECT pref.pairs(pref.ranking(ARRAY(SELECT generate_series(1, 1000))::bigint[]))) s;")
echo "types: pairs() of a 1000-item ranking (499500 pairs) ${rk} ms"
psql -X -q -c "DROP TABLE bench_pairs" >/dev/null
