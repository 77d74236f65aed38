#!/usr/bin/env bash
# BLAS aggregates and reward models: pref.gram over N rows of d = 256 real[]
# (GFLOP/s, vs numpy X.T @ X on the same-size matrix in memory, vs the scan
# floor sum(array_length(x, 1))), the text round trip of a 256 x 256
# pref.gram_state, and pref.reward_fit time per Newton iteration vs one scan
# of the pairs and vs the same Newton step in numpy.
# Sizes: PGPREF_BENCH_GRAM_ROWS (1000000), PGPREF_BENCH_PAIRS (250000).
source "$(dirname "$0")/../bench_lib.sh"
PY="${PY:-/usr/bin/python3}"
N="${PGPREF_BENCH_GRAM_ROWS:-1000000}"
NP="${PGPREF_BENCH_PAIRS:-250000}"
D=256
# 1000 distinct random vectors, repeated: generation stays fast, the scan is full size;
# pairs take chosen from the first half of the pool and rejected from the second,
# so the optimum is not w = 0
psql -X -q -v ON_ERROR_STOP=1 \
	-c "DROP TABLE IF EXISTS bench_emb, bench_pool, bench_rw" \
	-c "CREATE TABLE bench_pool AS SELECT i, ARRAY(SELECT (random() - 0.5)::real FROM generate_series(1, $D) WHERE i > 0) AS x FROM generate_series(1, 1000) i" \
	-c "CREATE TABLE bench_emb AS SELECT p.x FROM generate_series(1, $N) g JOIN bench_pool p ON p.i = 1 + g % 1000" \
	-c "CREATE TABLE bench_rw AS SELECT a.x AS chosen, b.x AS rejected FROM generate_series(1, $NP) g JOIN bench_pool a ON a.i = 1 + g % 500 JOIN bench_pool b ON b.i = 501 + (g * 7 + 3) % 500" \
	-c "VACUUM ANALYZE bench_emb" -c "VACUUM ANALYZE bench_rw" >/dev/null 2>&1 || { echo "gram: setup failed"; exit 1; }
# settings go through PGOPTIONS: median_ms times every statement it sends
SER="-c max_parallel_workers_per_gather=0 -c client_min_messages=error"
PAR="-c max_parallel_workers_per_gather=2 -c parallel_setup_cost=0 -c min_parallel_table_scan_size=0 -c client_min_messages=error"
floor=$(PGOPTIONS="$SER" median_ms "SELECT sum(array_length(x, 1)) FROM bench_emb;" 3)
gram=$(PGOPTIONS="$SER" median_ms "SELECT pref.gram(x) IS NULL FROM bench_emb;" 3)
gramp=$(PGOPTIONS="$PAR" median_ms "SELECT pref.gram(x) IS NULL FROM bench_emb;" 3)
# numpy: X.T @ X on an N x 256 float64 matrix already in memory (all cores), median of 3
npms=$($PY - "$N" "$D" <<'PYEOF'
import sys, time
import numpy as np
n, d = int(sys.argv[1]), int(sys.argv[2])
X = np.random.default_rng(1).random((n, d)) - 0.5
ts = []
for _ in range(3):
    t = time.perf_counter(); G = X.T @ X; ts.append((time.perf_counter() - t) * 1000)
print("%.1f" % sorted(ts)[1])
PYEOF
)
gf() { awk -v n="$N" -v d="$D" -v ms="$1" 'BEGIN { if (ms > 0) printf "%.1f", n * d * (d + 1) / (ms / 1000) / 1e9; else print "NaN" }'; }
slow=$(awk -v a="$floor" -v b="$npms" 'BEGIN { print (a > b ? a : b) }')
echo "gram: $N rows x d=$D real[]; scan floor sum(array_length) ${floor} ms; numpy X.T@X ${npms} ms ($(gf "$npms") GFLOP/s)"
echo "gram: pref.gram serial ${gram} ms ($(gf "$gram") GFLOP/s, x$(ratio "$gram" "$floor") floor, x$(ratio "$gram" "$npms") numpy, x$(ratio "$gram" "$slow") slower-of-the-two)"
echo "gram: pref.gram 2 workers ${gramp} ms ($(gf "$gramp") GFLOP/s, x$(ratio "$gramp" "$floor") floor, x$(ratio "$gramp" "$npms") numpy, x$(ratio "$gramp" "$slow") slower-of-the-two)"

# pref.gram_state: text round trip of a 256 x 256 state (what Citus moves per worker)
psql -X -q -v ON_ERROR_STOP=1 \
	-c "CREATE AGGREGATE bench_gram_part(real[]) (SFUNC = pref.gram_accum, STYPE = pref.gram_state)" \
	-c "CREATE TABLE bench_state AS SELECT bench_gram_part(x) AS s FROM (SELECT x FROM bench_emb LIMIT 5000) q" >/dev/null 2>&1 \
	|| { echo "gram: state setup failed"; exit 1; }
slen=$(psql -X -At -c "SELECT length(s::text) FROM bench_state")
sout=$(median_ms "SELECT length(s::text) FROM bench_state;" 5)
srt=$(median_ms "SELECT (s::text::pref.gram_state) IS NULL FROM bench_state;" 5)
echo "gram: pref.gram_state 256x256 as text (${slen} characters): output ${sout} ms, round trip (output + validated input) ${srt} ms"

# reward_fit: 3 Newton passes (max_iter => 3) timed as a whole, per iteration
rfloor=$(PGOPTIONS="$SER" median_ms "SELECT sum(array_length(chosen, 1) + array_length(rejected, 1)) FROM bench_rw;" 3)
rfit=$(PGOPTIONS="$SER" median_ms "SELECT (pref.reward_fit('SELECT chosen, rejected FROM bench_rw', max_iter => 3, tol => 1e-300)).iterations;" 1)
rfitp=$(PGOPTIONS="$PAR" median_ms "SELECT (pref.reward_fit('SELECT chosen, rejected FROM bench_rw', max_iter => 3, tol => 1e-300)).iterations;" 1)
periter=$(awk -v a="$rfit" 'BEGIN { printf "%.1f", a / 3 }')
periterp=$(awk -v a="$rfitp" 'BEGIN { printf "%.1f", a / 3 }')
pyit=$($PY - "$NP" "$D" <<'PYEOF'
import sys, time
import numpy as np
from scipy import special, optimize
n, d = int(sys.argv[1]), int(sys.argv[2])
rng = np.random.default_rng(2)
Z = (rng.random((n, d)) - 0.5) - (rng.random((n, d)) - 0.5)
w = np.zeros(d); lam = 1.0
t0 = time.perf_counter()
for _ in range(3):   # the same Newton iteration: margins, gradient, Hessian, Cholesky solve
    s = special.expit(Z @ w)
    g = Z.T @ (s - 1) + lam * w
    H = (Z * (s * (1 - s))[:, None]).T @ Z + lam * np.eye(d)
    w = w - np.linalg.solve(H, g)
newton = (time.perf_counter() - t0) * 1000 / 3
def f(w):
    m = Z @ w
    return np.sum(np.logaddexp(0, -m)) + 0.5 * lam * w @ w, Z.T @ (special.expit(m) - 1) + lam * w
t0 = time.perf_counter()
optimize.minimize(f, np.zeros(d), jac=True, method="L-BFGS-B", options={"maxiter": 200})
lbfgs = (time.perf_counter() - t0) * 1000
print("%.1f %.1f" % (newton, lbfgs))
PYEOF
)
pynewton=${pyit% *}
pylbfgs=${pyit#* }
echo "reward_fit: $NP pairs x d=$D; scan floor ${rfloor} ms; numpy Newton iteration ${pynewton} ms; scipy L-BFGS-B full fit ${pylbfgs} ms"
echo "reward_fit: serial ${periter} ms per Newton iteration (x$(ratio "$periter" "$rfloor") floor, x$(ratio "$periter" "$pynewton") numpy iteration)"
echo "reward_fit: 2 workers ${periterp} ms per Newton iteration (x$(ratio "$periterp" "$rfloor") floor, x$(ratio "$periterp" "$pynewton") numpy iteration)"
psql -X -q -c "DROP TABLE bench_emb, bench_pool, bench_rw, bench_state" -c "DROP AGGREGATE bench_gram_part(real[])" >/dev/null
