#!/usr/bin/env bash
# Selection at scale (issue 15, about 2 minutes): pref.select_greedi at
# N = 50,000, d = 64, k = 50 (one state, streaming reductions; and 8
# partitions built as partial states and combined, as parallel workers or
# Citus shards would) against the single-machine lazy greedy (numpy, exact
# gains from blocks, float64), objective ratio and time; select_by_cluster
# over 50 clusters; near_duplicates component vs representative at
# N = 20,000.  One backend, one BLAS thread on both sides.
source "$(dirname "$0")/../bench_lib.sh"
PY="${PY:-/usr/bin/python3}"
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1
SECONDS=0
P=(psql -X -q -v ON_ERROR_STOP=1)

# 500 centres in 64 dimensions, 100 noisy rows around each
"${P[@]}" -c "DROP TABLE IF EXISTS bench_gd_c, bench_gd" \
	-c "SELECT setseed(0.15)" \
	-c "CREATE TABLE bench_gd_c AS SELECT c, ARRAY(SELECT (random() - 0.5)::float8 FROM generate_series(1, 64) WHERE c >= 0) AS e FROM generate_series(0, 499) c" \
	-c "CREATE TABLE bench_gd AS SELECT (r * 500 + c)::bigint AS id, c AS cluster, ARRAY(SELECT (e[j] + 0.15 * (random() - 0.5))::real FROM generate_series(1, 64) j WHERE r >= 0) AS embedding FROM bench_gd_c, generate_series(0, 99) r" \
	-c "VACUUM ANALYZE bench_gd" >/dev/null 2>&1 || { echo "selmerge: setup failed"; exit 1; }
export PGOPTIONS="-c max_parallel_workers_per_gather=0 -c pgpref.max_memory=4GB -c pgpref.progress=0"
"${P[@]}" -At -F ' ' -c "SELECT id, array_to_string(embedding, ' ') FROM bench_gd ORDER BY id" > /tmp/pgpref_bench_gd.txt

timed() {
	local i out
	out=$({ echo '\timing on'; for i in $(seq 1 "$2"); do echo "$1"; done; } | "${P[@]}" -At 2>&1)
	sed -nE 's/^Time: ([0-9.]+) ms.*/\1/p' <<<"$out" | sort -n |
		awk '{a[NR]=$1} END {if (NR==0) print "NaN"; else if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'
	grep -v -E '^(Time:|Timing)' <<<"$out" | tail -1
}
# partial states of 8 partitions (bench_gd_part), folded by the combine function (bench_gd_merge)
"${P[@]}" -c "DROP AGGREGATE IF EXISTS bench_gd_part(bigint, real[], integer)" \
	-c "DROP AGGREGATE IF EXISTS bench_gd_merge(pref.greedi_state)" \
	-c "CREATE AGGREGATE bench_gd_part(bigint, real[], integer) (SFUNC = pref.select_greedi_accum, STYPE = pref.greedi_state)" \
	-c "CREATE AGGREGATE bench_gd_merge(pref.greedi_state) (SFUNC = pref.select_greedi_combine, STYPE = pref.greedi_state)" >/dev/null
floor=$(median_ms "SELECT sum(array_length(embedding, 1)) FROM bench_gd;" 3)
{ read -r t1; read -r picks1; } <<<"$(timed "SELECT array_to_string(pref.select_greedi(id, embedding, 50), ',') FROM bench_gd;" 3)"
{ read -r t8; read -r picks8; } <<<"$(timed "SELECT array_to_string(pref.select_greedi_final(s), ',') FROM (SELECT bench_gd_merge(st::text::pref.greedi_state) s FROM (SELECT bench_gd_part(id, embedding, 50) AS st FROM bench_gd GROUP BY id % 8) p) q;" 3)"
{ read -r tc; read -r _ ; } <<<"$(timed "SELECT count(*) FROM pref.select_by_cluster('SELECT id, embedding, cluster % 50 FROM bench_gd', 500);" 1)"
{ read -r tnc; read -r ncomp; } <<<"$(timed "SELECT count(DISTINCT group_id) FROM pref.near_duplicates('SELECT id, embedding FROM bench_gd WHERE id < 20000', 0.9);" 1)"
{ read -r tnr; read -r nrep; } <<<"$(timed "SELECT count(DISTINCT group_id) FROM pref.near_duplicates('SELECT id, embedding FROM bench_gd WHERE id < 20000', 0.9, method => 'representative');" 1)"

out=$("$PY" - "$picks1" "$picks8" <<'PYEOF'
import heapq, sys, time
import numpy as np
raw = np.loadtxt('/tmp/pgpref_bench_gd.txt')
ids, X = raw[:, 0].astype(np.int64), raw[:, 1:]
Xn = X / np.linalg.norm(X, axis=1, keepdims=True)
n, k, B = len(X), 50, 4096
row = {int(v): i for i, v in enumerate(ids)}
def value(picks):
    cover = np.zeros(n)
    for j in picks:
        cover = np.maximum(cover, Xn @ Xn[j])
    return np.maximum(cover, 0).sum()
t0 = time.perf_counter()
gains = np.empty(n)
for r0 in range(0, n, B):
    gains[r0:r0 + B] = np.maximum(Xn[r0:r0 + B] @ Xn.T, 0).sum(axis=1)
heap = [(-g, int(ids[i]), i) for i, g in enumerate(gains)]
heapq.heapify(heap)
cur = np.zeros(n)
picks = []
while len(picks) < k:
    g, _, j = heapq.heappop(heap)
    fresh = np.maximum(Xn @ Xn[j] - cur, 0).sum()
    if not heap or fresh >= -heap[0][0]:
        picks.append(j)
        cur = np.maximum(cur, Xn @ Xn[j])
    else:
        heapq.heappush(heap, (-fresh, int(ids[j]), j))
t = time.perf_counter() - t0
f = value(picks)
r1 = value([row[int(v)] for v in sys.argv[1].split(',')]) / f
r8 = value([row[int(v)] for v in sys.argv[2].split(',')]) / f
print("%.0f %.4f %.4f" % (t * 1000, r1, r8))
PYEOF
)
read -r tnp ratio1 ratio8 <<<"$out"
echo "selmerge: select_greedi N=50000 d=64 k=50: one state (streaming, B=2048) ${t1} ms, objective ${ratio1} of the single-machine lazy greedy (numpy, ${tnp} ms); 8 partitions combined ${t8} ms, objective ${ratio8}; scan floor ${floor} ms"
echo "selmerge: select_by_cluster N=50000, 50 clusters of 1000, k=500 (proportional, facility location): ${tc} ms"
echo "selmerge: near_duplicates N=20000 d=64 threshold 0.9: component ${tnc} ms (${ncomp} groups), representative ${tnr} ms (${nrep} groups)"
"${P[@]}" -c "DROP AGGREGATE IF EXISTS bench_gd_part(bigint, real[], integer)" -c "DROP AGGREGATE IF EXISTS bench_gd_merge(pref.greedi_state)" -c "DROP TABLE IF EXISTS bench_gd_c, bench_gd" >/dev/null
rm -f /tmp/pgpref_bench_gd.txt
echo "selmerge: done in ${SECONDS} s"
