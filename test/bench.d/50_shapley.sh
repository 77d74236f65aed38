#!/usr/bin/env bash
# Data valuation: exact KNN-Shapley, N = 20k training rows, M = 2k validation
# rows, d = 64, k = 5, against a count() floor and a vectorized numpy peer of
# the same algorithm (test/ref/shapley_peer.py); growth for N = 5k..40k;
# Monte-Carlo cost per permutation.
source "$(dirname "$0")/../bench_lib.sh"
PY="${PY:-/usr/bin/python3}"
DIR="$(mktemp -d "${TMPDIR:-/tmp}/pgpref-shap.XXXXXX")"
chmod 755 "$DIR"
trap 'rm -rf "$DIR"' EXIT
"$PY" test/ref/shapley_peer.py gen "$DIR" || { echo "shapley: data generation failed"; exit 1; }
psql -X -q -v ON_ERROR_STOP=1 \
  -c "DROP TABLE IF EXISTS shap_bt, shap_bv" \
  -c "CREATE TABLE shap_bt (id bigint, emb real[], label bigint)" \
  -c "CREATE TABLE shap_bv (emb real[], label bigint)" \
  -c "\\copy shap_bt FROM '$DIR/train.csv'" \
  -c "\\copy shap_bv (emb, label) FROM PROGRAM 'cut -f2,3 $DIR/valid.csv'" \
  -c "VACUUM ANALYZE shap_bt" -c "VACUUM ANALYZE shap_bv" >/dev/null || { echo "shapley: setup failed"; exit 1; }
# settings through PGOPTIONS: a SET inside the timed string would add its own
# "Time:" line to the median
export PGOPTIONS="-c max_parallel_workers_per_gather=0 -c client_min_messages=warning"
q() { echo "SELECT sum(value) FROM pref.knn_shapley('SELECT id, emb, label FROM shap_bt WHERE id <= $1', 'SELECT emb, label FROM shap_bv', 5);"; }
floor=$(median_ms "SELECT count(emb), sum(label) FROM shap_bt WHERE id <= 20000;" 5)
ms=$(median_ms "$(q 20000)" 3)
read -r py pysum < <("$PY" test/ref/shapley_peer.py run "$DIR" 20000 5 3)
sqlsum=$(psql -X -At -c "SELECT round(sum(value)::numeric, 12) FROM pref.knn_shapley('SELECT id, emb, label FROM shap_bt WHERE id <= 20000', 'SELECT emb, label FROM shap_bv', 5)" | tail -1)
echo "shapley: floor count()+sum() of 20k embeddings ${floor} ms"
echo "shapley: knn_shapley N=20000 M=2000 d=64 k=5 ${ms} ms (x$(ratio "$ms" "$floor") floor); numpy peer ${py} ms; numpy/pgpref = $(ratio "$py" "$ms")"
echo "shapley: sum of values pgpref ${sqlsum}, numpy ${pysum}"
for n in 5000 10000 40000; do
	t=$(median_ms "$(q $n)" 1)
	read -r p _ < <("$PY" test/ref/shapley_peer.py run "$DIR" $n 5 1)
	echo "shapley: growth N=$n knn_shapley ${t} ms, numpy ${p} ms"
done
tmc=$(median_ms "SELECT sum(value) FROM pref.data_shapley('SELECT id, emb, label FROM shap_bt WHERE id <= 2000', 'SELECT emb, label FROM shap_bv WHERE label = label LIMIT 200', permutations => 20, tol => 0, truncation => 0);" 3)
echo "shapley: data_shapley tmc knn N=2000 M=200, 20 permutations ${tmc} ms ($(ratio "$tmc" 20) ms per permutation)"
psql -X -q -c "DROP TABLE shap_bt, shap_bv" >/dev/null
