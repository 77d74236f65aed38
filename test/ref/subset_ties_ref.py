#!/usr/bin/python3
"""Reference for pgpref subset selection on data full of exact ties.

Writes test/ref/subset_ties_fixtures.sql.  pgpref decides every pick on
exact values from its own scalar code and gives remaining ties to the
smaller id.  Two data sets:

  C4  the 24 vectors of Z^4 with norm 2 (the 24-cell) plus 12 copies, ids
      shuffled against the row order, qualities in {1/4, 1/2, 3/4, 1}.
      Cosines are 0, +-1/2 or +-1 and squared distances 0, 4, 8, 12 or 16,
      so every gain, score and determinant below is computed exactly here
      (fractions and integers): facility location (plain greedy; and with
      neighbour lists of 8), k-center (cosine and l2), DPP, MMR (cosine and
      l2, whose exp(-gamma d^2) scores are ordered by their exact keys),
      near-duplicate groups at thresholds equal to a similarity level.
  G   the 30-row grid of sql/curation_valuation.sql, whose coordinates
      (1.2, 3.3, ...) doubles do not hold exactly, l2 metric: the expected
      greedy runs in IEEE doubles on the values pgpref's scalar code
      defines (squared distance (a1 - b1)^2 + (a2 - b2)^2, similarity
      exp(-gamma d^2), a gain as the sum of max(0, s_i - cover_i) over the
      rows in id order in eight partial sums i mod 8 combined pairwise),
      so near-ties that BLAS rounding decides differently on each OpenBLAS
      kernel are decided here as pgpref decides them.

The script checks that the C4 runs really meet ties that the id decides
(ties broken by row order would pick differently), so the tests can fail.

Run: /usr/bin/python3 test/ref/subset_ties_ref.py  (from the repository root)
"""
import itertools
import math
import os
import random
from fractions import Fraction

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "subset_ties_fixtures.sql")
rng = random.Random(20241208)

# ---- C4: the 24-cell with copies ---------------------------------------
cell = [tuple(2 * s if j == k else 0 for j in range(4)) for k in range(4) for s in (1, -1)]
cell += [tuple(s) for s in itertools.product((1, -1), repeat=4)]
X = cell + rng.sample(cell, 12)
rng.shuffle(X)
N = len(X)
IDS = rng.sample(range(1, 10000), N)
Q = [Fraction(rng.randrange(1, 5), 4) for _ in range(N)]


def ip(a, b):
    return sum(x * y for x, y in zip(a, b))


COS = [[Fraction(ip(X[i], X[j]), 4) for j in range(N)] for i in range(N)]
D2 = [[ip(X[i], X[i]) + ip(X[j], X[j]) - 2 * ip(X[i], X[j]) for j in range(N)] for i in range(N)]


def better(key_a, id_a, key_b, id_b):
    return key_a > key_b or (key_a == key_b and id_a < id_b)


def argbest(cands, key, tiebreak):
    best = None
    for i in cands:
        if best is None or better(key(i), tiebreak[i], key(best), tiebreak[best]):
            best = i
    return best


def fl(S, k, q=None, lam=Fraction(0), tiebreak=IDS):
    cur = [Fraction(0)] * N
    chosen, out, obj = [], [], Fraction(0)
    for _ in range(k):
        def gain(j):
            g = sum(max(Fraction(0), S[j][i] - cur[i]) for i in range(N))
            return g + (lam * q[j] if q else 0)
        j = argbest([i for i in range(N) if i not in chosen], gain, tiebreak)
        g = gain(j)
        obj += g
        for i in range(N):
            cur[i] = max(cur[i], S[j][i])
        chosen.append(j)
        out.append((j, g, obj))
    return out


def knn_lists(S, nn):
    """Row j keeps its nn largest similarities (ties: smaller id), zero elsewhere."""
    out = []
    for j in range(N):
        keep = sorted(range(N), key=lambda i: (-S[j][i], IDS[i]))[:nn]
        out.append([S[j][i] if i in keep else Fraction(0) for i in range(N)])
    return out


def kcenter(D, k, tiebreak=IDS):
    """D: a monotone key of the distance; returns (row, key)."""
    start = min(range(N), key=lambda i: tiebreak[i])
    chosen = [start]
    mind = [D[start][i] for i in range(N)]
    out = [(start, None, None)]
    for _ in range(k - 1):
        j = argbest([i for i in range(N) if i not in chosen], lambda i: mind[i], tiebreak)
        out.append((j, mind[j], None))
        chosen.append(j)
        mind = [min(mind[i], D[j][i]) for i in range(N)]
    return out


def det(M):
    """Exact determinant by fraction Gaussian elimination."""
    M = [row[:] for row in M]
    n = len(M)
    d = Fraction(1)
    for c in range(n):
        p = next((r for r in range(c, n) if M[r][c] != 0), None)
        if p is None:
            return Fraction(0)
        if p != c:
            M[c], M[p] = M[p], M[c]
            d = -d
        d *= M[c][c]
        for r in range(c + 1, n):
            f = M[r][c] / M[c][c]
            for cc in range(c, n):
                M[r][cc] -= f * M[c][cc]
    return d


def dpp(S, k, eps=Fraction(1, 10 ** 10), tiebreak=IDS):
    chosen, out, prev = [], [], Fraction(1)
    for _ in range(k):
        def cond(i):  # det(L_{S+i}) / det(L_S) = d^2 of i
            idx = chosen + [i]
            return det([[S[a][b] for b in idx] for a in idx]) / prev
        j = argbest([i for i in range(N) if i not in chosen], cond, tiebreak)
        dj = cond(j)
        if dj < eps:
            break
        prev *= dj
        chosen.append(j)
        out.append((j, dj, prev))
    return out


def mmr(sim, q, k, lam, tiebreak=IDS):
    """sim(i, j): exact similarity (a Fraction); score lam q - (1 - lam) max sim."""
    chosen, out = [], []

    def score(i):
        return lam * q[i] - (1 - lam) * max((sim(i, j) for j in chosen), default=Fraction(0))
    for _ in range(k):
        j = argbest([i for i in range(N) if i not in chosen], score, tiebreak)
        out.append((j, score(j), None))
        chosen.append(j)
    return out


def groups(adj):
    parent = list(range(N))

    def find(i):
        while parent[i] != i:
            i = parent[i]
        return i
    for i in range(N):
        for j in range(i):
            if adj(i, j):
                a, b = find(i), find(j)
                if a != b:
                    parent[max(a, b)] = min(a, b)
    comp = {}
    for i in range(N):
        comp.setdefault(find(i), []).append(i)
    gid = {}
    for members in comp.values():
        for i in members:
            gid[i] = min(IDS[m] for m in members)
    return [gid[i] for i in range(N)]


rows = []  # (variant, pick, id, gain, objective)


def add(variant, res, gain=lambda g: g, objective=lambda o: o):
    for t, (j, g, o) in enumerate(res):
        rows.append((variant, t + 1, IDS[j], None if g is None else float(gain(g)),
                     None if o is None else float(objective(o))))


def picks(res):
    return [j for j, _, _ in res]


ROWORDER = list(range(N))
fl_plain = fl(COS, 12)
assert picks(fl_plain) != picks(fl(COS, 12, tiebreak=ROWORDER))
add("fl", fl_plain)
fl_q = fl(COS, 12, Q, Fraction(1))
assert picks(fl_q) != picks(fl(COS, 12, Q, Fraction(1), tiebreak=ROWORDER))
add("fl_q", fl_q)
# every row, copies of picked rows included (their gains are exactly 0 or lambda q)
fl_all = fl(COS, N, Q, Fraction(1))
assert picks(fl_all) != picks(fl(COS, N, Q, Fraction(1), tiebreak=ROWORDER))
add("fl_all", fl_all)
K8 = knn_lists(COS, 8)
fl_knn = fl(K8, 12)
add("fl_knn8", fl_knn)
kc_cos = kcenter([[1 - COS[i][j] for j in range(N)] for i in range(N)], 10)
assert picks(kc_cos) != picks(kcenter([[1 - COS[i][j] for j in range(N)] for i in range(N)], 10, ROWORDER))
add("kc_cos", kc_cos)
kc_l2 = kcenter(D2, 10)
add("kc_l2", kc_l2, gain=lambda d2: math.sqrt(d2))
dp = dpp(COS, 8)
assert picks(dp) != picks(dpp(COS, 8, tiebreak=ROWORDER))
add("dpp", dp, gain=lambda g: math.log(g), objective=lambda o: math.log(o))


# MMR, lambda 1/2: cosine scores are exact fractions; l2 similarities
# exp(-d2/4) are taken as the doubles both sides compute (equal d2, equal
# double), and distinct scores are far apart (checked), so only equal
# (q, similarity) pairs tie
mmr_cos = mmr(lambda i, j: COS[i][j], Q, 12, Fraction(1, 2))
assert picks(mmr_cos) != picks(mmr(lambda i, j: COS[i][j], Q, 12, Fraction(1, 2), ROWORDER))
add("mmr_cos", mmr_cos)
RBF = {d2: Fraction(math.exp(-0.25 * d2)) for d2 in (0, 4, 8, 12, 16)}
vals = sorted({q / 2 - s / 2 for q in set(Q) for s in list(RBF.values()) + [Fraction(0)]})
assert min(b - a for a, b in zip(vals, vals[1:])) > Fraction(1, 10 ** 6)
mmr_l2 = mmr(lambda i, j: RBF[D2[i][j]], Q, 12, Fraction(1, 2))
assert picks(mmr_l2) != picks(mmr(lambda i, j: RBF[D2[i][j]], Q, 12, Fraction(1, 2), ROWORDER))
add("mmr_l2", mmr_l2)
assert all(g == 1 for _, g, _ in dp) and len(dp) == 4  # orthogonal picks: the DPP stays exact

dup_cos_half = groups(lambda i, j: COS[i][j] >= Fraction(1, 2))
dup_cos_one = groups(lambda i, j: COS[i][j] >= 1)
dup_l2 = groups(lambda i, j: D2[i][j] <= 4)  # exp(-d2/4) >= exp(-1)
assert len(set(dup_cos_one)) < N and len(set(dup_cos_half)) < len(set(dup_cos_one))


# ---- G: the curation grid, pgpref's scalar arithmetic in doubles --------
def cover_sum(row, cur):
    a = [0.0] * 8
    n = len(row)
    i = 0
    while i + 8 <= n:
        for c in range(8):
            v = row[i + c] - cur[i + c]
            a[c] += v if v > 0.0 else 0.0
        i += 8
    while i < n:
        v = row[i] - cur[i]
        a[0] += v if v > 0.0 else 0.0
        i += 1
    return ((a[0] + a[1]) + (a[2] + a[3])) + ((a[4] + a[5]) + (a[6] + a[7]))


def sq2(a, b):
    e0 = a[0] - b[0]
    e1 = a[1] - b[1]
    return e0 * e0 + e1 * e1


GX = [(float(g % 6), float(g // 6) + [0.0, 0.1, 0.2][g % 3]) for g in range(30)]
GIDS = rng.sample(range(1, 100000), 30)
GQ = [1.0 + (g % 7) / 8.0 for g in range(30)]
srt = sorted(range(30), key=lambda g: GIDS[g])  # pgpref works in id order
inv = {g: t for t, g in enumerate(srt)}
gx = [GX[g] for g in srt]
gid = [GIDS[g] for g in srt]
gq = [GQ[g] for g in srt]
GAMMA = 1.0 / 2
GS = [[math.exp(-GAMMA * sq2(gx[i], gx[j])) for j in range(30)] for i in range(30)]


def g_fl(k, q=None):
    n = len(gx)
    cur = [0.0] * n
    chosen, out, obj = set(), [], 0.0
    for _ in range(k):
        best, bestg = None, None
        for j in range(n):
            if j in chosen:
                continue
            g = cover_sum(GS[j], cur)
            if q:
                g += 1.0 * q[j]
            if best is None or g > bestg or (g == bestg and gid[j] < gid[best]):
                best, bestg = j, g
        obj += bestg
        chosen.add(best)
        cur = [GS[best][i] if GS[best][i] > cur[i] else cur[i] for i in range(n)]
        out.append((best, bestg, obj))
    return out


def g_kcenter(k):
    n = len(gx)
    mind = [math.inf] * n
    chosen, out = [], []
    j = 0  # smallest id
    for t in range(k):
        if t:
            j = None
            for i in range(n):
                if i not in chosen and (j is None or mind[i] > mind[j] or (mind[i] == mind[j] and gid[i] < gid[j])):
                    j = i
        g = None if t == 0 else mind[j]
        chosen.append(j)
        mind = [min(mind[i], math.sqrt(sq2(gx[i], gx[j]))) for i in range(n)]
        mind[j] = 0.0
        out.append((j, g, None))
    return out


# near-duplicate groups at the similarity of grid neighbours 1 apart: as
# doubles, 20 pairs are exactly 1 apart, 2 at 1 - 9e-16 (in) and 2 at
# 1 + 4e-16 (out)
G_THR = math.exp(-GAMMA * 1.0)
par = list(range(30))


def gfind(i):
    while par[i] != i:
        i = par[i]
    return i


for i in range(30):
    for j in range(i):
        if GS[i][j] >= G_THR:
            a, b = gfind(i), gfind(j)
            par[max(a, b)] = min(a, b)
g_dup = [min(gid[m] for m in range(30) if gfind(m) == gfind(i)) for i in range(30)]
assert 1 < len(set(g_dup)) < 30
g_rows = []
for variant, res in (("g_fl", g_fl(10)), ("g_fl_q", g_fl(10, gq)), ("g_kc", g_kcenter(10))):
    for t, (j, g, o) in enumerate(res):
        g_rows.append((variant, t + 1, gid[j], g, o))


def arr(v):
    return "ARRAY[" + ", ".join(repr(float(c)) for c in v) + "]::float8[]"


def num(x):
    return "NULL" if x is None else repr(float(x))


perm = list(range(30))
rng.shuffle(perm)  # the grid rows arrive in no particular order
with open(OUT, "w") as fh:
    w = fh.write
    w("-- generated by test/ref/subset_ties_ref.py; do not edit\n")
    w("CREATE TABLE ties_c4 (id bigint, emb float8[], q float8, dup_half bigint, dup_one bigint, dup_l2 bigint);\n")
    w("INSERT INTO ties_c4 VALUES\n" + ",\n".join(
        "(%d, %s, %s, %d, %d, %d)" % (IDS[i], arr(X[i]), num(Q[i]), dup_cos_half[i], dup_cos_one[i], dup_l2[i])
        for i in range(N)) + ";\n")
    w("CREATE TABLE ties_grid (id bigint, emb float8[], q float8, dup bigint);\n")
    w("INSERT INTO ties_grid VALUES\n" + ",\n".join(
        "(%d, %s, %s, %d)" % (GIDS[g], arr(GX[g]), num(GQ[g]), g_dup[inv[g]]) for g in perm) + ";\n")
    w("CREATE TABLE ties_grid_threshold (threshold float8);\n")
    w("INSERT INTO ties_grid_threshold VALUES (%r);\n" % G_THR)
    w("CREATE TABLE ties_expect (variant text, pick int, id bigint, gain float8, objective float8);\n")
    w("INSERT INTO ties_expect VALUES\n" + ",\n".join(
        "('%s', %d, %d, %s, %s)" % (v, p, i, num(g), num(o)) for v, p, i, g, o in rows + g_rows) + ";\n")
print("wrote", OUT, len(rows) + len(g_rows), "expected picks;", len(set(dup_cos_half)), len(set(dup_cos_one)),
      len(set(dup_l2)), len(set(g_dup)), "near-duplicate groups")
