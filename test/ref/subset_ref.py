#!/usr/bin/python3
"""Independent numpy/scipy reference for pgpref subset selection.

Writes test/ref/subset_fixtures.sql: the input data as SQL VALUES (float8
printed with 17 significant digits, so the database reads the very same
numbers) and the expected picks, gains and objectives, computed here
without lazy evaluation, heaps or incremental Cholesky:

  facility location  plain greedy over the dense similarity matrix
  brute force        best facility-location value over all k-subsets
  k-center           farthest-first, radius from scipy cdist
  DPP                greedy over slogdet of every candidate submatrix
  MMR                direct formula
  near duplicates    all pairs + scipy connected_components
  Pareto fronts      repeated peeling of the non-dominated set
  sparse kNN FL      the same plain greedy over a dense matrix that keeps,
                     in row j (candidate j), only the n_neighbors largest
                     similarities (ties: smaller id) and zeros elsewhere

Run: /usr/bin/python3 test/ref/subset_ref.py  (from the repository root)
"""
import itertools
import math
import os

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial.distance import cdist

rng = np.random.default_rng(20240607)
N, D = 40, 5
X = rng.normal(size=(N, D))
Q = rng.uniform(0.2, 1.0, size=N)
IDS = np.array([100 + 3 * i for i in range(N)], dtype=np.int64)  # increasing with row order
GAMMA = 1.0 / D


def f17(x):
    return repr(float(x))


def cos_sim(x):
    xn = x / np.linalg.norm(x, axis=1, keepdims=True)
    return xn @ xn.T


def rbf_sim(x, gamma):
    return np.exp(-gamma * cdist(x, x, "sqeuclidean"))


def fl_greedy(S, k, q=None, lam=0.0, init=()):
    """Plain greedy; f(S) = sum_i max(0, max_j S_ij) + lam sum q."""
    n = S.shape[0]
    cur = np.zeros(n)
    chosen = np.zeros(n, bool)
    obj = 0.0
    for j in init:
        g = np.maximum(S[j] - cur, 0).sum() + (lam * q[j] if q is not None else 0)
        obj += g
        cur = np.maximum(cur, S[j])
        chosen[j] = True
    out = []
    for _ in range(k):
        gains = np.maximum(S - cur[None, :], 0).sum(axis=1)
        if q is not None:
            gains = gains + lam * q
        gains[chosen] = -np.inf
        j = int(np.argmax(gains))  # first maximum = smallest id (ids increase)
        obj += gains[j]
        cur = np.maximum(cur, S[j])
        chosen[j] = True
        out.append((j, gains[j], obj))
    return out


def knn_matrix(S, nn, ids):
    """Row j keeps its nn largest entries (ties: smaller id), zeros elsewhere."""
    out = np.zeros_like(S)
    for j in range(S.shape[0]):
        order = np.lexsort((ids, -S[j]))[:nn]
        out[j, order] = S[j, order]
    return out


def fl_value(S, subset, q=None, lam=0.0):
    v = np.maximum(S[list(subset)].max(axis=0), 0).sum()
    if q is not None:
        v += lam * q[list(subset)].sum()
    return v


def kcenter(x, k, metric):
    if metric == "l2":
        Dm = cdist(x, x)
    else:
        xn = x / np.linalg.norm(x, axis=1, keepdims=True)
        Dm = np.maximum(1 - xn @ xn.T, 0)
    chosen = [0]  # smallest id
    out = [(0, None, Dm[:, chosen].min(axis=1).max())]
    for _ in range(k - 1):
        mind = Dm[:, chosen].min(axis=1)
        mind[chosen] = -1
        j = int(np.argmax(mind))
        g = mind[j]
        chosen.append(j)
        radius = Dm[:, chosen].min(axis=1).max()
        out.append((j, g, radius))
    return out


def dpp_greedy(L, k, eps=1e-10):
    n = L.shape[0]
    chosen = []
    obj = 0.0
    out = []
    for _ in range(k):
        best, bestv = None, -np.inf
        for i in range(n):
            if i in chosen:
                continue
            idx = chosen + [i]
            sign, ld = np.linalg.slogdet(L[np.ix_(idx, idx)])
            v = ld if sign > 0 else -np.inf
            if v > bestv:
                best, bestv = i, v
        gain = bestv - obj
        if best is None or math.exp(gain) < eps:
            break
        chosen.append(best)
        obj = bestv
        out.append((best, gain, obj))
    return out


def mmr(S, q, k, lam):
    n = S.shape[0]
    chosen = []
    obj = 0.0
    out = []
    for _ in range(k):
        pen = S[:, chosen].max(axis=1) if chosen else np.zeros(n)
        sc = lam * q - (1 - lam) * pen
        sc[chosen] = -np.inf
        j = int(np.argmax(sc))
        obj += sc[j]
        chosen.append(j)
        out.append((j, sc[j], obj))
    return out


def groups(S, thr, ids):
    A = (S >= thr).astype(int)
    np.fill_diagonal(A, 0)
    nc, lab = connected_components(csr_matrix(A), directed=False)
    gid = {c: ids[lab == c].min() for c in range(nc)}
    return [gid[c] for c in lab]


def pareto_peel(P):
    n = P.shape[0]
    front = np.zeros(n, int)
    left = set(range(n))
    f = 0
    while left:
        f += 1
        cur = [i for i in left if not any(np.all(P[j] >= P[i]) and np.any(P[j] > P[i]) for j in left)]
        for i in cur:
            front[i] = f
        left -= set(cur)
    return front


rows = []  # (variant, pick, id, gain, objective)


def add(variant, res, offset=0):
    for t, (j, g, o) in enumerate(res):
        rows.append((variant, offset + t + 1, int(IDS[j]), g, o))


Sc = cos_sim(X)
Sr = rbf_sim(X, GAMMA)
add("fl_cosine", fl_greedy(Sc, 10))
add("fl_cosine_quality", fl_greedy(Sc, 10, Q, 2.0))
add("fl_l2", fl_greedy(Sr, 10))
add("fl_cosine_initial", fl_greedy(Sc, 4, init=(5, 17, 33)), offset=3)
add("fl_knn_cosine", fl_greedy(knn_matrix(Sc, 5, IDS), 10))
add("fl_knn_l2_quality", fl_greedy(knn_matrix(Sr, 8, IDS), 10, Q, 2.0))
add("fl_knn_cosine_initial", fl_greedy(knn_matrix(Sc, 5, IDS), 4, init=(5, 17, 33)), offset=3)
add("kcenter_l2", kcenter(X, 10, "l2"))
add("kcenter_cosine", kcenter(X, 10, "cosine"))
add("dpp_cosine_quality", dpp_greedy(Q[:, None] * Sc * Q[None, :], 8))
add("dpp_l2", dpp_greedy(Sr, 12))
add("mmr_cosine", mmr(Sc, Q, 10, 0.7))
add("mmr_l2", mmr(Sr, Q, 10, 0.3))

# brute force optimum on the first 12 rows
opt_rows = []
S12 = Sc[:12, :12]
for k in (2, 3, 4):
    best = max(fl_value(S12, c) for c in itertools.combinations(range(12), k))
    opt_rows.append(("fl_cosine_12", k, best))
S12r = Sr[:12, :12]
for k in (2, 3, 4):
    best = max(fl_value(S12r, c) for c in itertools.combinations(range(12), k))
    opt_rows.append(("fl_l2_12", k, best))

# near duplicates: 15 centres, each with 0-4 noisy copies
cent = rng.normal(size=(15, 8))
dup_x, dup_ids = [], []
nid = 1
for c in range(15):
    for r in range(int(rng.integers(1, 5))):
        dup_x.append(cent[c] + (0 if r == 0 else 0.05) * rng.normal(size=8))
        dup_ids.append(nid * 10 + int(rng.integers(0, 9)))
        nid += 1
dup_x = np.array(dup_x)
dup_ids = np.array(dup_ids, dtype=np.int64)
perm = rng.permutation(len(dup_ids))  # rows arrive in no particular order
dup_x, dup_ids = dup_x[perm], dup_ids[perm]
g_cos = groups(cos_sim(dup_x), 0.99, dup_ids)
g_l2 = groups(rbf_sim(dup_x, 0.5), 0.9, dup_ids)

# Pareto: 3 scores rounded to one decimal so that ties and duplicates occur
P = np.round(rng.uniform(0, 1, size=(80, 3)), 1)
fronts = pareto_peel(P)

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "subset_fixtures.sql")
with open(out, "w") as fh:
    w = fh.write
    w("-- generated by test/ref/subset_ref.py; do not edit\n")
    w("CREATE TABLE subset_emb (id bigint PRIMARY KEY, emb float8[], q float8);\n")
    w("INSERT INTO subset_emb VALUES\n" + ",\n".join(
        "(%d, ARRAY[%s]::float8[], %s)" % (IDS[i], ", ".join(f17(v) for v in X[i]), f17(Q[i]))
        for i in range(N)) + ";\n")
    w("CREATE TABLE subset_expect (variant text, pick int, id bigint, gain float8, objective float8);\n")
    w("INSERT INTO subset_expect VALUES\n" + ",\n".join(
        "('%s', %d, %d, %s, %s)" % (v, p, i, "NULL" if g is None else f17(g), f17(o))
        for v, p, i, g, o in rows) + ";\n")
    w("CREATE TABLE subset_opt (variant text, k int, opt float8);\n")
    w("INSERT INTO subset_opt VALUES\n" + ",\n".join(
        "('%s', %d, %s)" % (v, k, f17(o)) for v, k, o in opt_rows) + ";\n")
    w("CREATE TABLE subset_dup (id bigint, emb float8[], group_cos bigint, group_l2 bigint);\n")
    w("INSERT INTO subset_dup VALUES\n" + ",\n".join(
        "(%d, ARRAY[%s]::float8[], %d, %d)" % (dup_ids[i], ", ".join(f17(v) for v in dup_x[i]), g_cos[i], g_l2[i])
        for i in range(len(dup_ids))) + ";\n")
    w("CREATE TABLE subset_pareto (id bigint, scores float8[], front int);\n")
    w("INSERT INTO subset_pareto VALUES\n" + ",\n".join(
        "(%d, ARRAY[%s]::float8[], %d)" % (i + 1, ", ".join(f17(v) for v in P[i]), fronts[i])
        for i in range(len(P))) + ";\n")
print("wrote", out, len(rows), "expected picks,", len(set(g_cos)), "cosine groups,", fronts.max(), "fronts")
