#!/usr/bin/env bash
# Exact KNN-Shapley at scale (issue 15 items 5 and 6): k = 5, default
# pgpref.max_memory (1GB) and work_mem, one backend.
#   N = 20,000 x d = 64 real[], M = 2,000 (medians of 3)
#   N = 100,000 and 1,000,000 x d = 128 real[], M validation rows
#     (PGPREF_BENCH_1M_M, default 1,000; the issue's goal is M = 10,000 in
#     under 3 minutes), one run each; PGPREF_BENCH_1M_ONLY=1 runs only the
#     N = 1,000,000 case
# With PGPREF_BENCH_OLD_SO=/path/to/an/older/pgpref.so the same calls run
# through that library's pref_knn_shapley as well (in their own sessions,
# pgpref.max_memory raised for it), timed in the same run, and the values of
# the two are compared (max |difference|).
# Long: runs only when asked for, PGPREF_BENCH=shapley_1m make bench.
source "$(dirname "$0")/../bench_lib.sh"
if [ "${PGPREF_BENCH:-}" != shapley_1m ]; then
	echo "shapley_1m: skipped (PGPREF_BENCH=shapley_1m make bench runs it)"
	exit 0
fi
M="${PGPREF_BENCH_1M_M:-1000}"
OLD="${PGPREF_BENCH_OLD_SO:-}"
rnd() { echo "ARRAY(SELECT (random() * 2 - 1)::real FROM generate_series(1, $1) WHERE i > 0)"; }
psql -X -q -v ON_ERROR_STOP=1 \
	-c "DROP TABLE IF EXISTS shap_1m, shap_1m_v, shap_20k, shap_20k_v" \
	-c "CREATE TABLE shap_1m AS SELECT i AS id, $(rnd 128) AS emb, (random() * 3)::int AS label FROM generate_series(1, 1000000) i" \
	-c "CREATE TABLE shap_1m_v AS SELECT i AS id, $(rnd 128) AS emb, (random() * 3)::int AS label FROM generate_series(1, $M) i" \
	-c "CREATE TABLE shap_20k AS SELECT i AS id, $(rnd 64) AS emb, (random() * 3)::int AS label FROM generate_series(1, 20000) i" \
	-c "CREATE TABLE shap_20k_v AS SELECT i AS id, $(rnd 64) AS emb, (random() * 3)::int AS label FROM generate_series(1, 2000) i" \
	-c "VACUUM ANALYZE shap_1m" -c "VACUUM ANALYZE shap_1m_v" -c "VACUUM ANALYZE shap_20k" -c "VACUUM ANALYZE shap_20k_v" \
	>/dev/null || { echo "shapley_1m: setup failed"; exit 1; }
if [ -n "$OLD" ]; then
	psql -X -q -v ON_ERROR_STOP=1 -c "CREATE FUNCTION public.knn_shapley_old(text, text, integer, text DEFAULT 'l2')
	  RETURNS TABLE (id bigint, value double precision, std_error double precision)
	  AS '$OLD', 'pref_knn_shapley' LANGUAGE C VOLATILE" >/dev/null || { echo "shapley_1m: old library failed"; exit 1; }
fi
BASE="-c max_parallel_workers_per_gather=0 -c client_min_messages=warning"
call() { echo "$1('SELECT id, emb, label FROM $2 WHERE id <= $3', 'SELECT emb, label FROM $4', 5)"; }
# run: name table n valid runs
run() {
	local name="$1" t="$2" n="$3" v="$4" runs="$5" ms old diff
	ms=$(PGOPTIONS="$BASE" median_ms "SELECT sum(value) FROM $(call pref.knn_shapley "$t" "$n" "$v");" "$runs")
	line="shapley_1m: $name knn_shapley ${ms} ms ($(ratio "$ms" "$(psql -X -At -c "SELECT count(*) FROM $v")") ms per validation row)"
	if [ -n "$OLD" ]; then
		old=$(PGOPTIONS="$BASE -c pgpref.max_memory=4GB" median_ms "SELECT sum(value) FROM $(call knn_shapley_old "$t" "$n" "$v");" "$runs")
		PGOPTIONS="$BASE" psql -X -q -c "CREATE TABLE ab_new AS SELECT * FROM $(call pref.knn_shapley "$t" "$n" "$v")" >/dev/null
		PGOPTIONS="$BASE -c pgpref.max_memory=4GB" psql -X -q -c "CREATE TABLE ab_old AS SELECT * FROM $(call knn_shapley_old "$t" "$n" "$v")" >/dev/null
		diff=$(psql -X -At -c "SELECT count(*) || ' rows, max |new - old| = ' || max(abs(a.value - b.value)) FROM ab_new a JOIN ab_old b USING (id)")
		psql -X -q -c "DROP TABLE ab_new, ab_old" >/dev/null
		line="$line; older library ${old} ms (old/new $(ratio "$old" "$ms")); $diff"
	fi
	echo "$line"
}
if [ -z "${PGPREF_BENCH_1M_ONLY:-}" ]; then
	run "N=20000 M=2000 d=64" shap_20k 20000 shap_20k_v 3
	run "N=100000 M=$M d=128" shap_1m 100000 shap_1m_v 1
fi
run "N=1000000 M=$M d=128" shap_1m 1000000 shap_1m_v 1
psql -X -q -c "DROP TABLE shap_1m, shap_1m_v, shap_20k, shap_20k_v" -c "DROP FUNCTION IF EXISTS public.knn_shapley_old(text, text, integer, text)" >/dev/null
