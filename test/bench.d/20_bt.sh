#!/usr/bin/env bash
# Bradley-Terry: pref.tally over 2M battles (PGPREF_BT_ROWS; 200 items) vs GROUP BY count,
# and the fit vs scipy L-BFGS-B on the deduplicated counts.
source "$(dirname "$0")/../bench_lib.sh"
psql -X -q -v ON_ERROR_STOP=1 -c "DROP TABLE IF EXISTS bench_bt" -c "CREATE TABLE bench_bt AS
  SELECT w, CASE WHEN l >= w THEN l + 1 ELSE l END AS l FROM
  (SELECT (hashint4(g) & 2147483647) % 200 AS w, (hashint4(g + 7777777) & 2147483647) % 199 AS l FROM generate_series(1, ${PGPREF_BT_ROWS:-2000000}) g) s" \
  -c "VACUUM ANALYZE bench_bt" >/dev/null 2>&1 || { echo "bt: setup failed"; exit 1; }
SET="SET max_parallel_workers_per_gather = 0;"
floor=$(median_ms "$SET SELECT count(*) FROM (SELECT w, l, count(*) FROM bench_bt GROUP BY 1, 2) s;" 3)
tally=$(median_ms "$SET SELECT pref.tally(w::bigint, l::bigint) FROM bench_bt;" 3)
par=$(median_ms "SET max_parallel_workers_per_gather = 2; SELECT pref.tally(w::bigint, l::bigint) FROM bench_bt;" 3)
echo "bt: ${PGPREF_BT_ROWS:-2000000} rows, 200 items: GROUP BY w, l count(*) ${floor} ms"
echo "bt: pref.tally ${tally} ms (x$(ratio "$tally" "$floor") floor); 2 workers ${par} ms (x$(ratio "$par" "$floor") floor)"
psql -X -q -c "CREATE TABLE bench_bt_t AS SELECT pref.tally(w::bigint, l::bigint) t FROM bench_bt" >/dev/null
fit=$(median_ms "SELECT pref.bt_summary(pref.bradley_terry(t)) FROM bench_bt_t;" 5)
psql -X -At -c "SELECT item_a, item_b, a_wins, b_wins FROM bench_bt_t, pref.tally_cells(t)" > /tmp/bt_bench_cells.$$
psql -X -At -c "SELECT item, rating FROM bench_bt_t, pref.ratings(pref.bradley_terry(t), 'logit')" > /tmp/bt_bench_ours.$$
py=$($PY - /tmp/bt_bench_cells.$$ /tmp/bt_bench_ours.$$ <<'PYEOF'
import sys, time, numpy as np
from scipy.optimize import minimize
c = np.loadtxt(sys.argv[1], delimiter='|'); o = np.loadtxt(sys.argv[2], delimiter='|')
a, b, wa, wb = c[:, 0].astype(int), c[:, 1].astype(int), c[:, 2], c[:, 3]
n = 200
def f(x):
    th = np.concatenate([x, [0.0]]); d = th[a] - th[b]
    l = wa * np.logaddexp(0, -d) + wb * np.logaddexp(0, d)
    p = 1 / (1 + np.exp(-d)); g = -(wa - (wa + wb) * p)
    G = np.bincount(a, g, n) - np.bincount(b, g, n)
    return l.sum(), G[:-1]
t0 = time.perf_counter()
for _ in range(3):
    r = minimize(f, np.zeros(n - 1), jac=True, method='L-BFGS-B', options={'ftol': 1e-15, 'gtol': 1e-10, 'maxiter': 10000})
ms = (time.perf_counter() - t0) / 3 * 1000
th = np.concatenate([r.x, [0.0]]); th -= th.mean()
ours = dict(zip(o[:, 0].astype(int), o[:, 1]))
err = max(abs(th[i] - ours[i]) for i in range(n))
print(f"{ms:.1f} {err:.2e}")
PYEOF
)
rm -f /tmp/bt_bench_cells.$$ /tmp/bt_bench_ours.$$
pyms=${py%% *}; err=${py##* }
echo "bt: fit 200 items from the tally ${fit} ms; scipy L-BFGS-B on the counts ${pyms} ms (scipy/pgpref x$(ratio "$pyms" "$fit")), max |rating diff| ${err}"
# ---- second half: covariance only when read, MM, bootstrap, Elo -----------
rat=$(median_ms "SELECT count(*) FROM bench_bt_t, pref.ratings(pref.bradley_terry(t));" 5)
mm=$(median_ms "SELECT pref.bt_summary(pref.bradley_terry(t, 'mm')) FROM bench_bt_t;" 5)
mmerr=$(psql -X -At -c "SELECT max(abs(a.rating - b.rating)) FROM bench_bt_t, pref.ratings(pref.bradley_terry(t, 'mm'), 'logit') a JOIN pref.ratings(pref.bradley_terry(t), 'logit') b USING (item)")
echo "bt: fit + model standard errors (pref.ratings) ${rat} ms; MM fit ${mm} ms (max |MM - Newton| ${mmerr})"
boot=$(median_ms "SELECT count(*) FROM bench_bt_t, pref.bt_bootstrap(t, 1000, 1, ties => 'half');" 3)
pois=$(median_ms "SELECT count(*) FROM bench_bt_t, pref.bt_bootstrap(t, 1000, 1, ties => 'half', resample => 'poisson');" 3)
psql -X -At -c "SELECT item, std_error FROM bench_bt_t, pref.bt_bootstrap(t, 1000, 1, scale => 'logit')" > /tmp/bt_bench_boot.$$
psql -X -At -c "SELECT item_a, item_b, a_wins, b_wins FROM bench_bt_t, pref.tally_cells(t)" > /tmp/bt_bench_cells.$$
pyb=$($PY - /tmp/bt_bench_cells.$$ /tmp/bt_bench_boot.$$ <<'PYEOF'
import sys, time, numpy as np
from scipy.optimize import minimize
c = np.loadtxt(sys.argv[1], delimiter='|'); o = np.loadtxt(sys.argv[2], delimiter='|')
a, b, wa, wb = c[:, 0].astype(int), c[:, 1].astype(int), c[:, 2], c[:, 3]
n = 200
# the public pipeline: battles deduplicated to counts, weighted logistic loss, L-BFGS-B,
# multinomial bootstrap over the counts, each round warm-started from the full fit
A = np.concatenate([a, b]); B = np.concatenate([b, a]); cnt = np.concatenate([wa, wb])
def fit(w, x0):
    def f(x):
        th = np.concatenate([x, [0.0]]); d = th[A] - th[B]
        p = 1 / (1 + np.exp(-d)); g = -w * (1 - p)
        G = np.bincount(A, g, n) - np.bincount(B, g, n)
        return (w * np.logaddexp(0, -d)).sum(), G[:-1]
    return minimize(f, x0, jac=True, method='L-BFGS-B', options={'ftol': 1e-15, 'gtol': 1e-10, 'maxiter': 10000}).x
R = 100
times = []
for rep in range(3):  # median of 3 runs of the fit + 100 rounds
    t0 = time.perf_counter()
    x = fit(cnt, np.zeros(n - 1))
    rng = np.random.default_rng(1); N = int(cnt.sum()); boot = []
    for _ in range(R):
        w = rng.multinomial(N, cnt / N).astype(float)
        th = np.concatenate([fit(w, x), [0.0]]); boot.append(th - th.mean())
    times.append((time.perf_counter() - t0) * 1000)
ms = sorted(times)[1]
se = np.array(boot).std(axis=0, ddof=1)
ours = dict(zip(o[:, 0].astype(int), o[:, 1]))
rel = np.median([abs(ours[i] / se[i] - 1) for i in range(n)])
print(f"{ms:.0f} {ms / R:.2f} {rel:.3f}")
PYEOF
)
rm -f /tmp/bt_bench_cells.$$ /tmp/bt_bench_boot.$$
read -r pyms pyper pyrel <<<"$pyb"
proj=$(awk -v p="$pyper" 'BEGIN { printf "%.0f", p * 1000 }')
echo "bt: fit + 1,000 Poisson bootstrap rounds (resample => 'poisson') ${pois} ms (scipy multinomial pipeline/pgpref x$(ratio "$proj" "$pois"))"
echo "bt: fit + 1,000 bootstrap rounds (exact multinomial, median of 3) ${boot} ms ($(awk -v b="$boot" 'BEGIN { printf "%.2f", b / 1000 }') ms/round); scipy pipeline ${pyms} ms for fit + 100 rounds (median of 3; ${pyper} ms/round, 1,000 rounds ~ ${proj} ms: scipy/pgpref x$(ratio "$proj" "$boot")); median |bootstrap SE ratio - 1| ${pyrel}"
elo=$(median_ms "$SET SELECT pref.elo(w::bigint, l::bigint) FROM bench_bt;" 3)
echo "bt: pref.elo over 2M rows (table order) ${elo} ms (x$(ratio "$elo" "$floor") floor)"
psql -X -q -c "DROP TABLE bench_bt" -c "DROP TABLE bench_bt_t" >/dev/null
