#!/usr/bin/env bash
# Curation: agreement and calibration aggregates over 1M rows, Dawid-Skene on
# 100k labels, binarize on 200k ratings; ratios against a count() floor and
# against numpy peers (test/ref/curation_bench.py) on data of the same shape.
source "$(dirname "$0")/../bench_lib.sh"
N=1000000
psql -X -q -v ON_ERROR_STOP=1 \
	-c "DROP TABLE IF EXISTS bench_agree, bench_ds, bench_rated" \
	-c "CREATE TABLE bench_agree AS SELECT g / 5 AS unit, 'k' || ((g * 2654435761) % 7) % 3 AS label,
	      ((g * 7919) % 11)::float8 AS val, 'k' || g % 3 AS a,
	      'k' || CASE WHEN g % 4 = 0 THEN (g + 1) % 3 ELSE g % 3 END AS b,
	      ((g * 7919) % 1000) / 1000.0::float8 AS p, (g * 104729) % 1000 < (g * 7919) % 1000 AS y
	    FROM generate_series(1, $N::bigint) g" \
	-c "CREATE TABLE bench_ds AS SELECT i AS item_id, 'ann' || a AS annotator,
	      CASE WHEN ((i * 5 + a) * 104729) % 100 < (ARRAY[5, 10, 20, 30, 45])[a + 1]
	           THEN (CASE WHEN i * 7919 % 10 < 6 THEN 'B' ELSE 'A' END)
	           ELSE (CASE WHEN i * 7919 % 10 < 6 THEN 'A' ELSE 'B' END) END AS label
	    FROM generate_series(0, 19999::bigint) i, generate_series(0, 4) a" \
	-c "CREATE TABLE bench_rated AS SELECT g / 5 AS prompt_id, g AS response_id, ((g * 7919) % 97)::float8 AS score
	    FROM generate_series(0, 199999::bigint) g" \
	-c "VACUUM ANALYZE bench_agree, bench_ds, bench_rated" >/dev/null 2>&1 || { echo "curation: setup failed"; exit 1; }
# settings go through PGOPTIONS: a SET in the timed string would add its own
# (near-zero) "Time:" line and pull the median down
export PGOPTIONS="-c max_parallel_workers_per_gather=0"
PEER="$($PY test/ref/curation_bench.py $N 2>/dev/null)"
peer() { printf '%s\n' "$PEER" | awk -v k="$1" '$1 == k {print $2}'; }

floor=$(median_ms "SELECT count(label) FROM bench_agree;" 3)
echo "curation: 1M rows floor count(label) ${floor} ms"
line() { # name sql peer-key
	local t
	t=$(median_ms "$2" 3)
	if [ -n "$3" ] && [ -n "$(peer "$3")" ]; then
		echo "curation: $1 ${t} ms (x$(ratio "$t" "$floor") floor, x$(ratio "$t" "$(peer "$3")") numpy $(peer "$3") ms)"
	else
		echo "curation: $1 ${t} ms (x$(ratio "$t" "$floor") floor)"
	fi
}
line "cohen_kappa(a, b)" "SELECT pref.cohen_kappa(a, b) FROM bench_agree;" cohen
line "fleiss_kappa(unit, label)" "SELECT pref.fleiss_kappa(unit, label) FROM bench_agree;" fleiss
line "krippendorff_alpha(unit, label)" "SELECT pref.krippendorff_alpha(unit, label) FROM bench_agree;" kalpha
line "krippendorff_alpha_interval(unit, val)" "SELECT pref.krippendorff_alpha_interval(unit, val) FROM bench_agree;"
line "calibration(p, y)" "SELECT pref.calibration(p, y) FROM bench_agree;" calibration
par=$(PGOPTIONS="-c max_parallel_workers_per_gather=2 -c parallel_setup_cost=0" median_ms "SELECT pref.fleiss_kappa(unit, label) FROM bench_agree;" 3)
echo "curation: fleiss_kappa 2 parallel workers ${par} ms (x$(ratio "$par" "$floor") floor)"

dsfloor=$(median_ms "SELECT count(label) FROM bench_ds;" 3)
ds=$(median_ms "SELECT count(*) FROM pref.dawid_skene('SELECT item_id, annotator, label FROM bench_ds', 50, 0);" 3)
echo "curation: dawid_skene 100k labels, 50 EM iterations ${ds} ms (x$(ratio "$ds" "$dsfloor") floor ${dsfloor} ms, x$(ratio "$ds" "$(peer dawid_skene)") numpy $(peer dawid_skene) ms)"

bfloor=$(median_ms "SELECT count(score) FROM bench_rated;" 3)
for s in best_vs_random all_pairs; do
	t=$(median_ms "SELECT count(*) FROM pref.binarize('SELECT * FROM bench_rated', '$s');" 3)
	echo "curation: binarize $s 200k ratings ${t} ms (x$(ratio "$t" "$bfloor") floor ${bfloor} ms)"
done
psql -X -q -c "DROP TABLE bench_agree, bench_ds, bench_rated" >/dev/null
