#!/usr/bin/env bash
# Latent-class Bradley-Terry: pref.latent_class_bt over 1M comparisons from
# 2,000 annotators (500 each) over 100 items in 3 planted groups, K = 3,
# 5 restarts; time per EM iteration (total time over the EM iterations of all
# restarts, reading included); ratios against a count() floor and a numpy
# peer (the same EM, vectorised over per-annotator cells already in memory).
source "$(dirname "$0")/../bench_lib.sh"
psql -X -q -v ON_ERROR_STOP=1 \
	-c "DROP TABLE IF EXISTS bench_lc_rows" \
	-c "CREATE OR REPLACE FUNCTION pg_temp.r(a int, i int) RETURNS float8 LANGUAGE sql IMMUTABLE AS
	    'SELECT CASE a % 3 WHEN 0 THEN i / 25.0 WHEN 1 THEN -i / 25.0 ELSE ((i * 37) % 100) / 25.0 END'" \
	-c "SELECT setseed(0.25)" \
	-c "CREATE TABLE bench_lc_rows AS
	    SELECT a AS annotator, CASE WHEN won THEN i ELSE j END AS winner, CASE WHEN won THEN j ELSE i END AS loser
	    FROM (SELECT a, i, j, random() < 1 / (1 + exp(-(pg_temp.r(a, i) - pg_temp.r(a, j)))) AS won
	          FROM (SELECT g / 500 AS a, i, (i + d) % 100 AS j
	                FROM (SELECT g, floor(random() * 100)::int AS i, floor(random() * 99)::int + 1 AS d
	                      FROM generate_series(0, 999999) g) x) y) z" \
	-c "VACUUM ANALYZE bench_lc_rows" >/dev/null 2>&1 || { echo "lcbt: setup failed"; exit 1; }
export PGOPTIONS="-c max_parallel_workers_per_gather=0"
PEER="$($PY - <<'PY' 2>/dev/null
import time
import numpy as np
from scipy.special import log_expit
rng = np.random.default_rng(1)
nann, per, n, k = 2000, 500, 100, 3
a = np.repeat(np.arange(nann), per)
i = rng.integers(0, n, nann * per); j = (i + rng.integers(1, n, nann * per)) % n
g = a % 3; r = np.stack([np.arange(n) / 25, -np.arange(n) / 25, (np.arange(n) * 37 % 100) / 25])
win = rng.random(nann * per) < 1 / (1 + np.exp(-(r[g, i] - r[g, j])))
lo, hi = np.minimum(i, j), np.maximum(i, j); lo_won = np.where(win, i, j) == lo
# per-annotator cells (annotator, pair, lo wins, hi wins)
key = (a * n + lo) * n + hi
u, inv = np.unique(key, return_inverse=True)
wl = np.bincount(inv, lo_won); wh = np.bincount(inv, ~lo_won)
ca = u // (n * n); cp = u % (n * n); cl = cp // n; ch = cp % n
post = rng.dirichlet(np.ones(k), nann); theta = np.zeros((k, n))
def mstep(post, theta):
    for c in range(k):
        w = post[ca, c]
        A = (np.bincount(cl * n + ch, w * wl, n * n) + np.bincount(ch * n + cl, w * wh, n * n)).reshape(n, n)
        x = theta[c]
        for _ in range(20):
            d = x[:, None] - x[None, :]; p = 1 / (1 + np.exp(-d)); N = A + A.T
            gr = (A - N * p).sum(1); H = -(N * p * (1 - p)); H[np.diag_indices(n)] = -H.sum(1)
            s = np.zeros(n); s[:-1] = np.linalg.solve(H[:-1, :-1], gr[:-1]); x = x + s
            if np.abs(s).max() < 1e-10: break
        theta[c] = x - x.mean()
def estep(theta, share):
    L = np.log(share)[None, :].repeat(nann, 0)
    for c in range(k):
        d = theta[c, cl] - theta[c, ch]
        L[:, c] += np.bincount(ca, wl * log_expit(d) + wh * log_expit(-d), nann)
    m = L.max(1); p = np.exp(L - m[:, None]); s = p.sum(1)
    return p / s[:, None], (m + np.log(s)).sum()
mstep(post, theta); share = post.mean(0)
ts = []
for it in range(10):
    t = time.perf_counter()
    post, ll = estep(theta, share); share = post.mean(0); mstep(post, theta)
    ts.append((time.perf_counter() - t) * 1000)
print("iter %.1f" % sorted(ts)[len(ts) // 2])
PY
)"
peer() { printf '%s\n' "$PEER" | awk -v k="$1" '$1 == k {print $2}'; }
floor=$(median_ms "SELECT count(annotator), sum(winner - loser) FROM bench_lc_rows;" 3)
echo "lcbt: 1M comparisons floor count()/sum() ${floor} ms"
t=$(median_ms "SELECT pref.latent_class_bt('SELECT annotator, winner, loser FROM bench_lc_rows', 1, restarts => 1) IS NULL;" 3)
echo "lcbt: latent_class_bt K = 1 (read + cells + one Bradley-Terry fit) ${t} ms (x$(ratio "$t" "$floor") floor)"
out=$(psql -X -At -c "\timing on" -c "SELECT (f->>'total_iterations') || ' ' || (f->>'iterations') || ' ' || (f->>'converged')
        FROM (SELECT pref.latent_class_bt('SELECT annotator, winner, loser FROM bench_lc_rows', 3, restarts => 5, seed => 1) AS f) x;" 2>&1)
ms=$(printf '%s\n' "$out" | sed -nE 's/^Time: ([0-9.]+) ms.*/\1/p')
read -r total best conv <<<"$(printf '%s\n' "$out" | grep -v '^Tim' | head -1)"
echo "lcbt: latent_class_bt 1M comparisons, 2,000 annotators, 100 items, K = 3, 5 restarts ${ms} ms" \
	"(${total} EM iterations in all, best restart ${best}, converged ${conv}; $(awk -v a="$ms" -v b="$total" 'BEGIN { printf "%.1f", a / b }') ms per EM iteration with reading," \
	"$(awk -v a="$ms" -v r="$t" -v b="$total" 'BEGIN { printf "%.1f", (a - r) / b }') ms without (the K = 1 time taken off);" \
	"numpy peer $(peer iter) ms per EM iteration)"
psql -X -q -c "DROP TABLE bench_lc_rows" >/dev/null
