#!/usr/bin/python3
"""Exact reference for pgpref's KNN valuation on data full of ties.

Writes test/ref/shapley_ties_fixtures.sql.  pgpref orders the training rows
of each validation row by the exact distance, computed by its own scalar
code, and breaks remaining ties by the smaller id (never by row order or by
BLAS rounding).  Everything here is computed with exact arithmetic
(integers and fractions), independently of the C code:

  T   integer points on a 3 x 3 grid, every point repeated, three labels;
      ids shuffled against the row order; validation points on the grid and
      half-way between (squared distances are multiples of 1/4)
  C   the 24 vectors of Z^4 with norm 2 (the 24-cell) plus copies, cosine
      metric: cosines are 0, +-1/2 or +-1, so the distances are exact
  P   preference pairs with integer difference vectors, some orthogonal to
      a validation pair (match 1/2) and some reversed copies
  G   the 30-row grid of sql/curation_valuation.sql (coordinates such as
      1.2 or 3.3 that doubles do not hold exactly); its squared distances
      are taken as IEEE doubles, (v1 - x1)^2 + (v2 - x2)^2, which is what
      pgpref's scalar code computes in two dimensions; the rest is exact.
      The BLAS norms trick makes ties out of some of these distances and
      splits others, differently on each OpenBLAS kernel.

For each: exact KNN-Shapley (Jia et al. 2019, Theorem 1, in fractions),
checked against brute-force enumeration of every coalition on a 9-row
subset, and leave-one-out values of the KNN utility.  The script also
checks that breaking ties by row order instead of id would change the
values, so the tests can fail.

Run: /usr/bin/python3 test/ref/shapley_ties_ref.py  (from the repository root)
"""
import itertools
import math
import os
import random
from fractions import Fraction

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "shapley_ties_fixtures.sql")


def sqdist(v, x):
    return sum((Fraction(a) - Fraction(b)) ** 2 for a, b in zip(v, x))


def dot(v, x):
    return sum(Fraction(a) * Fraction(b) for a, b in zip(v, x))


def float_sqdist(v, x):
    """IEEE doubles, left to right: pgpref's scalar sum for d < 8."""
    s = 0.0
    for a, b in zip(v, x):
        e = a - b
        s = s + e * e
    return s


def tables(X, y, V, vy, metric, pairs=False):
    """dist[m][i] and match[m][i] (Fractions, or floats for metric 'float')."""
    dist, match = [], []
    for m, v in enumerate(V):
        drow, mrow = [], []
        for i, x in enumerate(X):
            if pairs:
                g = dot(v, x)
                dm = sqdist(v, x)
                dp = sqdist(v, [-c for c in x])
                drow.append(min(dm, dp))
                mrow.append(Fraction(1) if g > 0 else (Fraction(0) if g < 0 else Fraction(1, 2)))
            else:
                if metric == "l2":
                    drow.append(sqdist(v, x))
                elif metric == "float":
                    drow.append(Fraction(float_sqdist(v, x)))
                else:  # cosine of vectors whose norms are exact
                    nv = math.isqrt(int(dot(v, v)))
                    nx = math.isqrt(int(dot(x, x)))
                    assert nv * nv == dot(v, v) and nx * nx == dot(x, x)
                    drow.append(1 - dot(v, x) / (nv * nx))
                mrow.append(Fraction(int(y[i] == vy[m])))
        dist.append(drow)
        match.append(mrow)
    return dist, match


def orders(dist, key):
    return [sorted(range(len(row)), key=lambda i: (row[i], key[i])) for row in dist]


def recursion(order, match, K):
    """Exact KNN-Shapley by the recursion, averaged over validation rows."""
    N = len(order[0])
    val = [Fraction(0)] * N
    for ordm, mt in zip(order, match):
        s = [Fraction(0)] * N
        s[N - 1] = mt[ordm[N - 1]] / N
        for r in range(N - 2, -1, -1):
            pos = r + 1
            s[r] = s[r + 1] + (mt[ordm[r]] - mt[ordm[r + 1]]) * Fraction(min(pos, K), K * pos)
        for r in range(N):
            val[ordm[r]] += s[r]
    return [v / len(order) for v in val]


def utility(S, order, match, K):
    Sset = set(S)
    tot = Fraction(0)
    for ordm, mt in zip(order, match):
        near = [i for i in ordm if i in Sset][:K]
        tot += sum(mt[i] for i in near)
    return tot / (len(order) * K)


def brute_shapley(N, order, match, K):
    U = {}
    for r in range(N + 1):
        for S in itertools.combinations(range(N), r):
            U[S] = utility(S, order, match, K)
    val = [Fraction(0)] * N
    for i in range(N):
        others = [j for j in range(N) if j != i]
        for r in range(N):
            w = Fraction(math.factorial(r) * math.factorial(N - 1 - r), math.factorial(N))
            for S in itertools.combinations(others, r):
                val[i] += w * (U[tuple(sorted(S + (i,)))] - U[S])
    return val


def loo(N, order, match, K):
    full = utility(range(N), order, match, K)
    return [full - utility([j for j in range(N) if j != i], order, match, K) for i in range(N)]


rng = random.Random(20241207)
sets = {}  # name -> dict(ids, X, y, V, vy, metric, pairs)

# T: a 3 x 3 integer grid, each point two or three times, ids shuffled
pts = [(a, b) for a in range(3) for b in range(3)]
XT = [p for p in pts for _ in range(2)] + rng.sample(pts, 6)
rng.shuffle(XT)
yT = [rng.randrange(3) for _ in XT]
idsT = rng.sample(range(100, 1000), len(XT))
VT = [(0, 0), (1, 1), (2, 0), (0.5, 0.5), (1.5, 1), (2, 1.5), (1, 2)]
vyT = [rng.randrange(3) for _ in VT]
sets["t"] = dict(ids=idsT, X=XT, y=yT, V=VT, vy=vyT, metric="l2")

# C: the 24-cell (norm 2 in Z^4) plus copies, cosine
cell = [tuple(2 * s if j == k else 0 for j in range(4)) for k in range(4) for s in (1, -1)]
cell += [tuple(s) for s in itertools.product((1, -1), repeat=4)]
XC = cell + rng.sample(cell, 10)
rng.shuffle(XC)
yC = [rng.randrange(2) for _ in XC]
idsC = rng.sample(range(1000, 5000), len(XC))
VC = [(2, 0, 0, 0), (1, 1, 1, 1), (0, 4, 0, 0), (1, -1, 1, -1), (-2, -2, -2, -2), (0, 0, 0, 2)]
vyC = [rng.randrange(2) for _ in VC]
sets["c"] = dict(ids=idsC, X=XC, y=yC, V=VC, vy=vyC, metric="cosine")

# P: pairs with integer difference vectors (chosen - rejected), reversed copies
base = [(1, 0), (0, 1), (1, 1), (2, -1), (-1, 2), (1, -1), (0, 2), (2, 0)]
chosen, rejected = [], []
for d in base + [(-a, -b) for a, b in base[:3]] + base[:2]:
    r = (rng.randrange(-2, 3), rng.randrange(-2, 3))
    chosen.append((r[0] + d[0], r[1] + d[1]))
    rejected.append(r)
order_p = list(range(len(chosen)))
rng.shuffle(order_p)
chosen = [chosen[i] for i in order_p]
rejected = [rejected[i] for i in order_p]
XP = [(c[0] - r[0], c[1] - r[1]) for c, r in zip(chosen, rejected)]
idsP = rng.sample(range(10, 100), len(XP))
VPc = [(1, 0), (0, 0), (2, 2), (1, 3)]
VPr = [(0, 1), (1, 1), (1, 2), (2, 2)]  # differences (1,-1), (-1,-1), (1,0), (-1,1)
VP = [(c[0] - r[0], c[1] - r[1]) for c, r in zip(VPc, VPr)]
sets["p"] = dict(ids=idsP, X=XP, y=None, V=VP, vy=None, metric="l2", pairs=True,
                 chosen=chosen, rejected=rejected, vchosen=VPc, vrejected=VPr)

# G: the curation_valuation grid, as the database computes its numbers
XG = [(float(g % 6), float(g // 6) + [0.0, 0.1, 0.2][g % 3]) for g in range(30)]
yG = [int((g % 6) > (g // 6)) for g in range(30)]
for g in (3, 11, 19, 27):
    yG[g] = 1 - yG[g]
idsG = rng.sample(range(1, 100000), 30)
VG = [(x + 0.5, float("%d.3" % y)) for x in range(5) for y in range(4)]
vyG = [int(x + 0.5 > y + 0.3) for x in range(5) for y in range(4)]
sets["g"] = dict(ids=idsG, X=XG, y=yG, V=VG, vy=vyG, metric="float")

expect = []  # (dataset, method, k, id, value)
for name, s in sets.items():
    ids, X, V = s["ids"], s["X"], s["V"]
    N = len(X)
    assert len(set(ids)) == N and ids != sorted(ids)
    dist, match = tables(X, s["y"], V, s["vy"], s["metric"], s.get("pairs", False))
    ordr = orders(dist, ids)
    by_row = orders(dist, list(range(N)))
    ties = sum(1 for row in dist for i in range(N) for j in range(i) if row[i] == row[j])
    for K in (1, 3, 5):
        val = recursion(ordr, match, K)
        old = recursion(by_row, match, K)
        assert max(abs(a - b) for a, b in zip(val, old)) > Fraction(1, 10 ** 6), (name, K)
        for i, v in zip(ids, val):
            expect.append((name, "shapley", K, i, v))
        if K == 3:
            for i, v in zip(ids, loo(N, ordr, match, K)):
                expect.append((name, "loo", K, i, v))
    # brute force on the first 9 rows confirms the recursion under ties
    sub = list(range(9))
    d9 = [[row[i] for i in sub] for row in dist]
    m9 = [[row[i] for i in sub] for row in match]
    o9 = orders(d9, [ids[i] for i in sub])
    for K in (1, 3):
        assert brute_shapley(9, o9, m9, K) == recursion(o9, m9, K), (name, K)
    print(name, N, "training rows,", len(V), "validation rows,", ties, "tied distance pairs")


def arr(v):
    return "'{" + ",".join(repr(float(c)) for c in v) + "}'"


lines = ["-- generated by test/ref/shapley_ties_ref.py; do not edit"]
for name, s in sets.items():
    if s.get("pairs"):
        lines.append(f"CREATE TEMP TABLE tie_{name}_train (id bigint, chosen float8[], rejected float8[]);")
        lines.append(f"INSERT INTO tie_{name}_train VALUES\n" + ",\n".join(
            f"  ({i}, {arr(c)}, {arr(r)})" for i, c, r in zip(s["ids"], s["chosen"], s["rejected"])) + ";")
        lines.append(f"CREATE TEMP TABLE tie_{name}_valid (id bigint, chosen float8[], rejected float8[]);")
        lines.append(f"INSERT INTO tie_{name}_valid VALUES\n" + ",\n".join(
            f"  ({m + 1}, {arr(c)}, {arr(r)})" for m, (c, r) in enumerate(zip(s["vchosen"], s["vrejected"]))) + ";")
    else:
        lines.append(f"CREATE TEMP TABLE tie_{name}_train (id bigint, features float8[], label bigint);")
        lines.append(f"INSERT INTO tie_{name}_train VALUES\n" + ",\n".join(
            f"  ({i}, {arr(x)}, {y})" for i, x, y in zip(s["ids"], s["X"], s["y"])) + ";")
        lines.append(f"CREATE TEMP TABLE tie_{name}_valid (features float8[], label bigint);")
        lines.append(f"INSERT INTO tie_{name}_valid VALUES\n" + ",\n".join(
            f"  ({arr(v)}, {y})" for v, y in zip(s["V"], s["vy"])) + ";")
lines.append("CREATE TEMP TABLE tie_expect (dataset text, method text, k int, id bigint, value float8);")
lines.append("INSERT INTO tie_expect VALUES\n" + ",\n".join(
    f"  ('{d}', '{m}', {k}, {i}, {float(v)!r})" for d, m, k, i, v in expect) + ";")
with open(OUT, "w") as fh:
    fh.write("\n".join(lines) + "\n")
print("wrote", OUT, len(expect), "expected values")
