#!/usr/bin/env bash
# Subset selection (about 2 minutes): dense lazy facility location
# (N = 20,000, d = 128, k = 200) in double and single precision against
# numpy peers in float64 and float32; sparse k-nearest-neighbour and
# streamed stochastic facility location; greedy k-center (N = 100,000 and
# 1,000,000, d = 128, k = 100; medians of 3) against a scan floor and numpy
# on the same matrix, with its picks compared.  One BLAS thread on both sides.
source "$(dirname "$0")/../bench_lib.sh"
PY="${PY:-/usr/bin/python3}"
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1
SECONDS=0
P=(psql -X -q -v ON_ERROR_STOP=1)

# 1000 random base vectors; bigger tables repeat them with a varying last
# coordinate so every row is distinct
"${P[@]}" -c "DROP TABLE IF EXISTS bench_base, bench_fl, bench_kc" \
	-c "SELECT setseed(0.42)" \
	-c "CREATE TABLE bench_base AS SELECT b, ARRAY(SELECT (random() - 0.5)::real FROM generate_series(1, 128) WHERE b > 0) AS e FROM generate_series(1, 1000) b" \
	-c "CREATE TABLE bench_fl AS SELECT (c * 1000 + b)::bigint AS id, (e[1:127] || ((c + 1) * 0.05)::real) AS embedding FROM bench_base, generate_series(0, 19) c" \
	-c "VACUUM ANALYZE bench_fl" >/dev/null 2>&1 || { echo "subset: setup failed"; exit 1; }

# settings through PGOPTIONS: a SET inside median_ms's input would add its own
# "Time:" lines to the median
export PGOPTIONS="-c max_parallel_workers_per_gather=0 -c pgpref.max_memory=6GB -c pgpref.progress=0"
"${P[@]}" -At -F ' ' -c "SELECT id, array_to_string(embedding, ' ') FROM bench_fl ORDER BY id" > /tmp/pgpref_bench_fl.txt
"${P[@]}" -At -c "SELECT array_to_string(e, ' ') FROM bench_base ORDER BY b" > /tmp/pgpref_bench_base.txt

Q="SELECT id, embedding FROM bench_fl"
# timed "SQL" runs: run SQL runs times in one session; prints the median time
# in ms, then the output of the last run (one line)
timed() {
	local i out
	out=$({ echo '\timing on'; for i in $(seq 1 "$2"); do echo "$1"; done; } | "${P[@]}" -At 2>&1)
	sed -nE 's/^Time: ([0-9.]+) ms.*/\1/p' <<<"$out" | sort -n |
		awk '{a[NR]=$1} END {if (NR==0) print "NaN"; else if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'
	grep -v -E '^(Time:|Timing)' <<<"$out" | tail -1
}
shared() { comm -12 <(tr ',' '\n' <<<"$1" | sort) <(tr ',' '\n' <<<"$2" | sort) | wc -l; }
# base vectors (id mod 1000: the 20 near-copies of a base vector) two pick lists share
bases() { comm -12 <(tr ',' '\n' <<<"$1" | awk '{print $1 % 1000}' | sort -u) <(tr ',' '\n' <<<"$2" | awk '{print $1 % 1000}' | sort -u) | wc -l; }
PICKS="SELECT string_agg(id::text, ',' ORDER BY pick) FROM pref.select_subset"
floor=$(median_ms "SELECT sum(array_length(embedding, 1)) FROM bench_fl;" 3)
# the default keeps the matrix as real (same picks, gains and objectives as
# the double matrix of single_precision => false, which the last line checks)
{ read -r fl; read -r picks_pg; } <<<"$(timed "$PICKS('$Q', 200);" 3)"
{ read -r fl8; read -r picks_pg8; } <<<"$(timed "$PICKS('$Q', 200, single_precision => false);" 1)"
FULL="SELECT md5(string_agg(id || ' ' || gain::text || ' ' || objective::text, ',' ORDER BY pick)) FROM pref.select_subset"
same_all=no; [ "$("${P[@]}" -At -c "$FULL('$Q', 200);")" = "$("${P[@]}" -At -c "$FULL('$Q', 200, single_precision => false);")" ] && same_all=yes
fl4=$fl; picks_pg4=$picks_pg
{ read -r np picks_np; read -r np4 picks_np4; } <<<"$("$PY" - <<'PYEOF'
import heapq, time
import numpy as np
raw = np.loadtxt('/tmp/pgpref_bench_fl.txt')
ids, X = raw[:, 0].astype(np.int64), raw[:, 1:].astype(np.float32).astype(np.float64)
def run(dtype, reps):
    times = []
    for rep in range(reps):
        t0 = time.perf_counter()
        Xn = (X / np.linalg.norm(X, axis=1, keepdims=True)).astype(dtype)
        S = Xn @ Xn.T
        cur = np.zeros(len(X), dtype)
        gains = np.maximum(S, 0).sum(axis=1, dtype=np.float64)
        heap = [(-g, int(ids[i]), i) for i, g in enumerate(gains)]
        heapq.heapify(heap)
        picks = []
        while len(picks) < 200:
            ng, iid, i = heapq.heappop(heap)
            g = np.maximum(S[i] - cur, 0).sum(dtype=np.float64)
            if not heap or (g, -iid) >= (-heap[0][0], -heap[0][1]):
                picks.append(iid)
                cur = np.maximum(cur, S[i])
            else:
                heapq.heappush(heap, (-g, iid, i))
        times.append((time.perf_counter() - t0) * 1000)
        del S
    print("%.1f %s" % (sorted(times)[len(times) // 2], ",".join(map(str, picks))))
run(np.float64, 1)
run(np.float32, 1)
PYEOF
)"
same=no; [ "$picks_pg" = "$picks_np" ] && same=yes
same8=no; [ "$picks_pg8" = "$picks_np" ] && same8=yes
echo "subset: facility_location lazy dense (default: real matrix, exact decisions) N=20000 d=128 k=200 (median of 3): ${fl} ms (x$(ratio "$fl" "$floor") floor ${floor} ms); numpy float64 lazy greedy ${np} ms -> pgpref $(ratio "$np" "$fl")x faster; same 200 picks as numpy float64: ${same}"
echo "subset: facility_location lazy dense single_precision => false (double matrix, the 0.1.0 default; one run): ${fl8} ms -> numpy float64/pgpref $(ratio "$np" "$fl8")x; same 200 picks as numpy float64: ${same8}; picks, gains and objectives identical to the default: ${same_all}"
echo "subset: numpy float32 lazy greedy ${np4} ms (picks shared with the float64 greedy: $(shared "$picks_np4" "$picks_np")/200); pgpref default vs numpy float32 $(ratio "$np4" "$fl4")x faster"

# sparse k-nearest-neighbour and streamed stochastic (dense matrix refused at 1GB)
{ read -r kn; read -r picks_kn; } <<<"$(timed "$PICKS('$Q', 200, n_neighbors => 20);" 1)"
{ read -r st; read -r picks_st; } <<<"$(PGOPTIONS="$PGOPTIONS -c pgpref.max_memory=1GB" timed "$PICKS('$Q', 200, greedy => 'stochastic', epsilon => 0.1, seed => 1);" 1)"
echo "subset: facility_location n_neighbors=20 N=20000 k=200 (one run): ${kn} ms, base vectors shared with the dense picks $(bases "$picks_kn" "$picks_pg")/$(bases "$picks_pg" "$picks_pg"); stochastic streamed (epsilon 0.1, pgpref.max_memory 1GB so no matrix) ${st} ms, base vectors shared $(bases "$picks_st" "$picks_pg")/$(bases "$picks_pg" "$picks_pg")"
rm -f /tmp/pgpref_bench_fl.txt

# k-center, growth with N
for N in 100000 1000000; do
	t0=$SECONDS
	"${P[@]}" -c "DROP TABLE IF EXISTS bench_kc" \
		-c "CREATE TABLE bench_kc AS SELECT (c * 1000 + b)::bigint AS id, (e[1:127] || ((c % 997) * 0.001)::real) AS embedding FROM bench_base, generate_series(0, $((N / 1000 - 1))) c" \
		-c "VACUUM ANALYZE bench_kc" >/dev/null 2>&1 || { echo "subset: k-center setup failed"; exit 1; }
	runs=3
	kfloor=$(median_ms "SELECT sum(array_length(embedding, 1)) FROM bench_kc;" "$runs")
	# read only: the rows read into floats, sorted, one pick (the read path of k = 100)
	kread=$(median_ms "SELECT count(*) FROM pref.select_subset('SELECT id, embedding FROM bench_kc', 1, 'k_center', metric => 'l2');" "$runs")
	{ read -r kc; read -r picks_kc; } <<<"$(timed "SELECT string_agg(id::text, ',' ORDER BY pick) FROM pref.select_subset('SELECT id, embedding FROM bench_kc', 100, 'k_center', metric => 'l2');" "$runs")"
	{ read -r knp picks_knp; } <<<"$("$PY" - "$N" "$runs" <<'PYEOF'
import sys, time
import numpy as np
N, runs = int(sys.argv[1]), int(sys.argv[2])
base = np.loadtxt('/tmp/pgpref_bench_base.txt').astype(np.float32).astype(np.float64)  # the same rows
X = np.tile(base, (N // 1000, 1))
X[:, 127] = np.repeat(((np.arange(N // 1000) % 997) * 0.001).astype(np.float32), 1000)
ids = np.repeat(np.arange(N // 1000) * 1000, 1000) + np.tile(np.arange(1, 1001), N // 1000)  # row order = id order
times = []
for _ in range(runs):
    t0 = time.perf_counter()
    sq = np.einsum('ij,ij->i', X, X)
    mind = np.full(N, np.inf)
    j = 0
    picks = []
    for _ in range(100):
        picks.append(j)
        d2 = sq + sq[j] - 2.0 * (X @ X[j])
        np.minimum(mind, np.sqrt(np.maximum(d2, 0)), out=mind)
        j = int(np.argmax(mind))
    times.append((time.perf_counter() - t0) * 1000)
print("%.1f %s" % (sorted(times)[len(times) // 2], ",".join(str(ids[p]) for p in picks)))
PYEOF
)"
	same_kc=no; [ "$picks_kc" = "$picks_knp" ] && same_kc=yes
	echo "subset: k_center l2 N=${N} d=128 k=100 (medians of ${runs}): ${kc} ms (x$(ratio "$kc" "$kfloor") floor ${kfloor} ms; read + sort + one pick ${kread} ms); numpy on the same matrix (already in memory, no load) ${knp} ms, ratio pgpref/numpy $(ratio "$kc" "$knp"), numpy/pgpref $(ratio "$knp" "$kc")x; same 100 picks as numpy: ${same_kc} (section ${SECONDS}s so far)"
done
"${P[@]}" -c "DROP TABLE IF EXISTS bench_base, bench_fl, bench_kc" >/dev/null 2>&1
rm -f /tmp/pgpref_bench_base.txt
