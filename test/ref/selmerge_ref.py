#!/usr/bin/python3
"""Independent numpy reference for pref.select_by_cluster (issue 15 item 3).

Writes test/ref/selmerge_fixture.sql: the input rows as SQL VALUES (float8
printed with 17 significant digits, so the database reads the very same
numbers) and, per case, the expected (id, cluster, pick, gain, objective).

  quotas     Hamilton's method written independently: exact fractions
             (fractions.Fraction) for fixed and proportional, the clusters
             sorted by (remainder descending, cluster id); capped clusters
             found by repeated passes; quality: size * exp((mean - max) / T)
  within     plain greedy facility location over the dense similarity matrix
             of each cluster (no lazy evaluation), k-center farthest-first
             from the smallest id with scipy cdist
  brute      best facility-location value of every cluster over all subsets
             of its quota: the greedy value is >= (1 - 1/e) of it (asserted
             here and checked again in SQL)

Run: /usr/bin/python3 test/ref/selmerge_ref.py  (from the repository root)
"""
import itertools
import math
import os
from fractions import Fraction

import numpy as np
from scipy.spatial.distance import cdist

rng = np.random.default_rng(20261207)
D = 4
SIZES = {10: 7, 20: 5, 30: 3, 40: 1, 50: 6}
rows = []
for c, m in SIZES.items():
    centre = rng.normal(size=D) * 2
    for _ in range(m):
        rows.append((c, centre + rng.normal(size=D)))
N = len(rows)
perm = rng.permutation(N)
IDS = [int(1000 + 7 * p) for p in perm]  # ids shuffled against the row order
Q = rng.uniform(0.0, 2.0, size=N)


def f17(x):
    return repr(float(x))


def quotas(k, rule, temperature=1.0):
    cl = sorted(SIZES)
    size = {c: SIZES[c] for c in cl}
    if rule == "fixed":
        w = {c: Fraction(1) for c in cl}
    elif rule == "proportional":
        w = {c: Fraction(size[c]) for c in cl}
    else:
        mean = {c: np.mean([Q[i] for i in range(N) if rows[i][0] == c]) for c in cl}
        mx = max(mean.values())
        w = {c: size[c] * math.exp((mean[c] - mx) / temperature) for c in cl}
    if k >= sum(size.values()):
        return dict(size)
    q = {}
    open_ = list(cl)
    kleft = k
    while True:
        W = sum(w[c] for c in open_)
        full = [c for c in open_ if kleft * w[c] / W >= size[c]]
        if not full:
            break
        for c in full:
            q[c] = size[c]
        kleft -= sum(size[c] for c in full)
        open_ = [c for c in open_ if c not in full]
        if not open_:
            return q
    W = sum(w[c] for c in open_)
    share = {c: kleft * w[c] / W for c in open_}
    for c in open_:
        q[c] = math.floor(share[c])
    rest = kleft - sum(q[c] for c in open_)
    by_rem = sorted(open_, key=lambda c: (-(share[c] - math.floor(share[c])), c))
    for c in by_rem[:rest]:
        q[c] += 1
    for c in cl:
        q.setdefault(c, 0)
    return q


def sim(x, metric, gamma):
    if metric == "cosine":
        xn = x / np.linalg.norm(x, axis=1, keepdims=True)
        return xn @ xn.T
    return np.exp(-gamma * cdist(x, x, "sqeuclidean"))


def fl_value(S, sel, q, lam):
    if not sel:
        return 0.0
    return np.maximum(S[:, list(sel)].max(axis=1), 0).sum() + lam * sum(q[j] for j in sel)


def fl_greedy(S, k, q, lam, ids):
    n = S.shape[0]
    cur = np.zeros(n)
    chosen = []
    out = []
    obj = 0.0
    for _ in range(k):
        best, bg = None, None
        for j in sorted(range(n), key=lambda j: ids[j]):
            if j in chosen:
                continue
            g = np.maximum(S[:, j] - cur, 0).sum() + lam * q[j]
            if bg is None or g > bg:
                best, bg = j, g
        chosen.append(best)
        cur = np.maximum(cur, S[:, best])
        obj += bg
        out.append((best, bg, obj))
    return out


def kcenter(x, k, ids, metric, gamma):
    if metric == "cosine":
        xn = x / np.linalg.norm(x, axis=1, keepdims=True)
        dist = 1 - xn @ xn.T
    else:
        dist = cdist(x, x)
    order = sorted(range(len(ids)), key=lambda j: ids[j])
    first = order[0]
    out = [(first, None, dist[:, first].max())]
    mind = dist[:, first].copy()
    chosen = [first]
    for _ in range(k - 1):
        best = max((j for j in order if j not in chosen), key=lambda j: (mind[j], -ids[j]))
        g = mind[best]
        chosen.append(best)
        mind = np.minimum(mind, dist[:, best])
        mind[chosen] = 0
        out.append((best, g, max(mind[j] for j in range(len(ids)) if j not in chosen) if len(chosen) < len(ids) else 0.0))
    return out


CASES = [
    # name, k, quota, method, metric, lambda, gamma, temperature, with quality
    ("prop_fl_cos", 6, "proportional", "facility_location", "cosine", 1.0, None, None, True),
    ("fixed_fl_cos", 9, "fixed", "facility_location", "cosine", 0.0, None, None, False),
    ("quality_fl_l2", 8, "quality", "facility_location", "l2", 0.5, 0.3, 0.5, True),
    ("prop_kc_l2", 7, "proportional", "k_center", "l2", None, None, None, False),
    ("fixed_all", 40, "fixed", "facility_location", "cosine", 0.0, None, None, False),
]

out_rows = []
quota_rows = []
for name, k, rule, method, metric, lam, gamma, temp, withq in CASES:
    qt = quotas(k, rule, temp or 1.0)
    for c in sorted(SIZES):
        quota_rows.append((name, c, qt[c]))
    for c in sorted(SIZES):
        idx = [i for i in range(N) if rows[i][0] == c]
        x = np.array([rows[i][1] for i in idx])
        ids = [IDS[i] for i in idx]
        q = [Q[i] for i in idx] if withq else [0.0] * len(idx)
        kc = qt[c]
        if kc == 0:
            continue
        g = gamma if gamma is not None else 1.0 / D
        if method == "facility_location":
            S = sim(x, metric, g)
            lam_eff = lam if withq else 0.0
            picks = fl_greedy(S, kc, q, lam_eff, ids)
            # brute force: greedy within (1 - 1/e) of the best kc-subset
            best = max(fl_value(S, sel, q, lam_eff) for sel in itertools.combinations(range(len(idx)), kc))
            assert picks[-1][2] >= (1 - 1 / math.e) * best - 1e-12, (name, c)
            assert picks[-1][2] <= best + 1e-12
            for t, (j, gain, obj) in enumerate(picks):
                out_rows.append((name, ids[j], c, t + 1, gain, obj, best))
        else:
            for t, (j, gain, obj) in enumerate(kcenter(x, kc, ids, metric, g)):
                out_rows.append((name, ids[j], c, t + 1, gain, obj, None))

here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "selmerge_fixture.sql"), "w") as f:
    f.write("-- generated by test/ref/selmerge_ref.py; do not edit\n")
    f.write("CREATE TABLE sbc_rows (id bigint, emb float8[], cluster bigint, quality float8);\n")
    f.write("INSERT INTO sbc_rows VALUES\n")
    f.write(",\n".join(
        "(%d, ARRAY[%s]::float8[], %d, %s)" % (IDS[i], ", ".join(f17(v) for v in rows[i][1]), rows[i][0], f17(Q[i]))
        for i in range(N)) + ";\n")
    f.write("CREATE TABLE sbc_quota (name text, cluster bigint, quota integer);\n")
    f.write("INSERT INTO sbc_quota VALUES\n")
    f.write(",\n".join("('%s', %d, %d)" % r for r in quota_rows) + ";\n")
    f.write("CREATE TABLE sbc_expected (name text, id bigint, cluster bigint, pick integer, gain float8, objective float8, brute float8);\n")
    f.write("INSERT INTO sbc_expected VALUES\n")
    f.write(",\n".join(
        "('%s', %d, %d, %d, %s, %s, %s)" % (n, i, c, p, "NULL" if g is None else f17(g), f17(o), "NULL" if b is None else f17(b))
        for n, i, c, p, g, o, b in out_rows) + ";\n")
print("wrote", len(out_rows), "expected picks")
for name, *_ in CASES:
    print(name, [(c, q) for n, c, q in quota_rows if n == name])
