#!/usr/bin/env bash
# Intransitivity: 1M comparisons (PGPREF_INTRANS_ROWS) over 200 items with a planted cycle;
# pref.tally vs a GROUP BY count floor, pref.preference_embedding (2k = 8) from the tally vs
# scipy L-BFGS-B on the same cell counts (the numpy implementation a user would otherwise run),
# and pref.intransitivity on the 200-item tally.
source "$(dirname "$0")/../bench_lib.sh"
ROWS=${PGPREF_INTRANS_ROWS:-1000000}
psql -X -q -v ON_ERROR_STOP=1 -c "DROP TABLE IF EXISTS bench_intrans" -c "CREATE TABLE bench_intrans AS
  SELECT CASE WHEN u < 1 / (1 + exp(-s)) THEN a ELSE b END::bigint AS w, CASE WHEN u < 1 / (1 + exp(-s)) THEN b ELSE a END::bigint AS l
  FROM (SELECT a, b, (hashint4(g + 55555555) & 2147483647) / 2147483648.0 AS u,
               1.5 * sin(6 * pi() * (a - b) / 200) + (a - b) / 100.0 AS s
        FROM (SELECT g, (hashint4(g) & 2147483647) % 200 AS a,
                     ((hashint4(g) & 2147483647) % 200 + 1 + (hashint4(g + 7777777) & 2147483647) % 199) % 200 AS b
              FROM generate_series(1, $ROWS) g) p) q" \
  -c "VACUUM ANALYZE bench_intrans" >/dev/null 2>&1 || { echo "intrans: setup failed"; exit 1; }
SET="SET max_parallel_workers_per_gather = 0;"
floor=$(median_ms "$SET SELECT count(*) FROM (SELECT w, l, count(*) FROM bench_intrans GROUP BY 1, 2) s;" 3)
tally=$(median_ms "$SET SELECT pref.tally(w, l) FROM bench_intrans;" 3)
psql -X -q -c "DROP TABLE IF EXISTS bench_intrans_t" -c "CREATE TABLE bench_intrans_t AS SELECT pref.tally(w, l) t FROM bench_intrans" >/dev/null
emb=$(median_ms "SELECT pref.preference_embedding(t, dim => 8, holdout => 0.2, restarts => 1) FROM bench_intrans_t;" 3)
both=$(median_ms "$SET SELECT pref.preference_embedding(pref.tally(w, l), dim => 8, holdout => 0.2, restarts => 1) FROM bench_intrans;" 3)
diag=$(median_ms "SELECT pref.intransitivity(t) FROM bench_intrans_t;" 5)
echo "intrans: $ROWS rows, 200 items: GROUP BY w, l count(*) ${floor} ms; pref.tally ${tally} ms (x$(ratio "$tally" "$floor") floor)"
psql -X -At -c "SELECT concat_ws('|', fit->>'iterations', round((fit->>'loglik')::numeric, 4), round((fit->>'bt_loglik')::numeric, 4))
  FROM (SELECT pref.preference_embedding(t, dim => 8, holdout => 0, restarts => 1) fit FROM bench_intrans_t) s" > /tmp/intrans_bench_fit.$$
psql -X -At -c "SELECT concat_ws('|', round((fit->>'heldout_log_loss')::numeric, 4), round((fit->>'bt_heldout_log_loss')::numeric, 4))
  FROM (SELECT pref.preference_embedding(t, dim => 8, holdout => 0.2, restarts => 1) fit FROM bench_intrans_t) s" > /tmp/intrans_bench_ho.$$
psql -X -At -c "SELECT item_a, item_b, a_wins, b_wins FROM bench_intrans_t, pref.tally_cells(t)" > /tmp/intrans_bench_cells.$$
py=$($PY - /tmp/intrans_bench_cells.$$ /tmp/intrans_bench_fit.$$ <<'PYEOF'
import sys, time, numpy as np
from scipy.optimize import minimize
c = np.loadtxt(sys.argv[1], delimiter='|')
ours = open(sys.argv[2]).read().strip().split('|')
a, b, wa, wb = c[:, 0].astype(int), c[:, 1].astype(int), c[:, 2], c[:, 3]
n, dim, prior = 200, 8, 0.01
def f(x):
    V = x.reshape(n, dim)
    va, vb = V[a], V[b]
    s = (va[:, 0::2] * vb[:, 1::2] - va[:, 1::2] * vb[:, 0::2]).sum(1)
    ll = -(wa * np.logaddexp(0, -s) + wb * np.logaddexp(0, s)).sum()
    g = (wa + wb) / (1 + np.exp(-s)) - wa
    Ga = np.empty_like(va); Gb = np.empty_like(vb)
    Ga[:, 0::2] = g[:, None] * vb[:, 1::2]; Ga[:, 1::2] = -g[:, None] * vb[:, 0::2]
    Gb[:, 0::2] = -g[:, None] * va[:, 1::2]; Gb[:, 1::2] = g[:, None] * va[:, 0::2]
    G = np.stack([np.bincount(a, Ga[:, d], n) + np.bincount(b, Gb[:, d], n) for d in range(dim)], 1)
    return -ll + 0.5 * prior * x @ x, G.ravel() + prior * x
rng = np.random.default_rng(1)
t0 = time.perf_counter()
best = None
for _ in range(3):
    r = minimize(f, rng.uniform(-0.5, 0.5, n * dim), jac=True, method='L-BFGS-B', options={'maxiter': 5000, 'ftol': 1e-15, 'gtol': 1e-6})
    best = r if best is None or r.fun < best.fun else best
ms = (time.perf_counter() - t0) / 3 * 1000
x = best.x
ll = -(best.fun - 0.5 * prior * x @ x)
print(f"{ms:.1f} {ll:.4f} {best.nit}")
PYEOF
)
IFS='|' read -r it ll btll < /tmp/intrans_bench_fit.$$
IFS='|' read -r ho btho < /tmp/intrans_bench_ho.$$
rm -f /tmp/intrans_bench_fit.$$ /tmp/intrans_bench_cells.$$ /tmp/intrans_bench_ho.$$
read -r pyms pyll pyit <<< "$py"
echo "intrans: preference_embedding 2k = 8 from the tally ${emb} ms (${it} L-BFGS iterations, loglik ${ll}); scipy L-BFGS-B on the counts ${pyms} ms per start (${pyit} iterations, loglik ${pyll}; scipy/pgpref x$(ratio "$pyms" "$emb"))"
echo "intrans: tally + embedding from the $ROWS rows in one statement ${both} ms; held-out log loss embedding ${ho} vs Bradley-Terry ${btho} (training loglik ${ll} vs ${btll})"
echo "intrans: pref.intransitivity of the 200-item tally ${diag} ms"
