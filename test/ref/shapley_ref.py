#!/usr/bin/python3
"""Reference values for pgpref's data valuation (run with /usr/bin/python3).

Writes test/ref/shapley_fixtures.sql: small training/validation sets and,
for each, values computed independently of the C code:
  * brute force: the exact Shapley / Beta(16,1) Shapley / Banzhaf value by
    enumerating every coalition (N <= 10) with the KNN utility of Jia et
    al. (2019), U(S) = 1/(M K) sum_m sum_{j <= min(K,|S|)} match(m, j-th
    nearest of S), ties in distance broken by the smaller id (data full of
    ties: test/ref/shapley_ties_ref.py);
  * the Jia et al. recursion, vectorized in numpy (method 'recursion');
  * leave-one-out U(all) - U(all without i) computed directly;
  * the logistic utility (L2-regularized logistic regression fitted by
    scipy.optimize to 1e-12, validation accuracy) brute-forced the same way;
  * preference pairs: KNN on difference vectors with symmetric augmentation,
    each pair counted once in the orientation nearer the validation pair;
  * preference pairs, reward utility (data set R): the Bradley-Terry reward
    model w = argmin sum log(1 + exp(-w.z)) + lambda/2 |w|^2 on the
    coalition's difference vectors (scipy trust-exact, then numpy Newton
    polish), U = share of validation pairs with w.z_v > 0, a zero margin
    counting 1/2, U(empty) = 1/2 (w = 0).
"""
import itertools
import math
import os

import numpy as np
from scipy.optimize import minimize
from scipy.special import betaln, gammaln

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "shapley_fixtures.sql")


def knn_tables(X, y, V, vy, metric, pairs=False):
    """dist (M x N) and match (M x N) computed directly (no norms trick)."""
    if metric == "cosine":
        X = X / np.linalg.norm(X, axis=1, keepdims=True)
        V = V / np.linalg.norm(V, axis=1, keepdims=True)
    M, N = V.shape[0], X.shape[0]
    dist = np.zeros((M, N))
    match = np.zeros((M, N))
    for m in range(M):
        for i in range(N):
            if pairs:
                dp = V[m] - X[i]
                dn = V[m] + X[i]
                if metric == "l2":
                    a, b = dp @ dp, dn @ dn
                else:
                    a, b = 1 - V[m] @ X[i], 1 + V[m] @ X[i]
                dist[m, i] = min(a, b)
                g = V[m] @ X[i]
                match[m, i] = 1.0 if g > 0 else (0.0 if g < 0 else 0.5)
            else:
                diff = V[m] - X[i]
                dist[m, i] = diff @ diff if metric == "l2" else 1 - V[m] @ X[i]
                match[m, i] = 1.0 if y[i] == vy[m] else 0.0
    return dist, match


def knn_utility(S, dist, match, K, ids):
    if not S:
        return 0.0
    M = dist.shape[0]
    tot = 0.0
    for m in range(M):
        near = sorted(S, key=lambda i: (dist[m, i], ids[i]))[:K]
        tot += sum(match[m, i] for i in near)
    return tot / (M * K)


def all_utilities(N, util):
    return {S: util(list(S)) for r in range(N + 1) for S in itertools.combinations(range(N), r)}


def semivalue(N, U, weight):
    """weight(s): weight of a marginal on a coalition of size s (excluding i)."""
    val = np.zeros(N)
    for i in range(N):
        others = [j for j in range(N) if j != i]
        for r in range(N):
            for S in itertools.combinations(others, r):
                T = tuple(sorted(S + (i,)))
                val[i] += weight(r) * (U[T] - U[S])
    return val


def shapley_w(N):
    return lambda s: math.factorial(s) * math.factorial(N - 1 - s) / math.factorial(N)


def beta_w(N, alpha, beta):
    # Kwon & Zou (2022): psi = (1/N) sum_j w(j) mean_{|S|=j-1} Delta,
    # w(j) = N B(j+beta-1, N-j+alpha)/B(alpha, beta); per coalition of size s = j-1
    # that is B(s+beta, N-1-s+alpha)/B(alpha, beta).
    return lambda s: math.exp(betaln(s + beta, N - 1 - s + alpha) - betaln(alpha, beta))


def banzhaf_w(N):
    return lambda s: 1.0 / 2 ** (N - 1)


def jia_recursion(dist, match, K, ids):
    """Vectorized numpy version of Theorem 1 of Jia et al. (2019)."""
    M, N = dist.shape
    idx = np.tile(np.asarray(ids), (M, 1))
    order = np.lexsort((idx, dist), axis=1)
    a = np.take_along_axis(match, order, axis=1)
    pos = np.arange(1, N + 1)
    f = np.minimum(K, pos) / (K * pos)
    s = np.zeros((M, N))
    s[:, N - 1] = a[:, N - 1] / N
    inc = (a[:, :-1] - a[:, 1:]) * f[:-1]
    s[:, :-1] = s[:, [N - 1]] + np.cumsum(inc[:, ::-1], axis=1)[:, ::-1]
    val = np.zeros(N)
    np.add.at(val, order.ravel(), s.ravel() / M)
    return val


def logistic_utility(S, X, y01, V, vy01, lam):
    if len(S) == 0:
        return 0.0
    ys = y01[S]
    if ys.min() == ys.max():
        return float(np.mean(vy01 == ys[0]))
    Xs = np.hstack([X[S], np.ones((len(S), 1))])
    d1 = Xs.shape[1]

    def f(w):
        z = Xs @ w
        loss = np.sum(np.logaddexp(0, z) - ys * z) + 0.5 * lam * w[:-1] @ w[:-1]
        p = 1 / (1 + np.exp(-z))
        g = Xs.T @ (p - ys)
        g[:-1] += lam * w[:-1]
        return loss, g

    r = minimize(f, np.zeros(d1), jac=True, method="BFGS", options={"gtol": 1e-12, "maxiter": 10000})
    w = r.x
    pred = (np.hstack([V, np.ones((V.shape[0], 1))]) @ w > 0).astype(float)
    return float(np.mean(pred == vy01))


def bt_reward_fit(Z, lam):
    """Bradley-Terry reward weights on difference rows Z (no intercept)."""
    d = Z.shape[1]
    if Z.shape[0] == 0:
        return np.zeros(d)

    def f(w):
        t = Z @ w
        return np.sum(np.logaddexp(0, -t)) + 0.5 * lam * w @ w

    def grad(w):
        t = Z @ w
        return -Z.T @ (1 / (1 + np.exp(t))) + lam * w

    def hess(w):
        t = Z @ w
        s = 1 / (1 + np.exp(-t))
        return (Z * (s * (1 - s))[:, None]).T @ Z + lam * np.eye(d)

    w = minimize(f, np.zeros(d), jac=grad, hess=hess, method="trust-exact", options={"gtol": 1e-13}).x
    for _ in range(5):  # Newton polish
        w = w - np.linalg.solve(hess(w), grad(w))
    assert np.linalg.norm(grad(w)) < 1e-12, np.linalg.norm(grad(w))
    return w


def reward_utility(S, Z, V, lam, margins):
    w = bt_reward_fit(Z[list(S)], lam)
    m = V @ w
    if len(S) > 0:
        margins.append(np.min(np.abs(m)))
    return float(np.mean(np.where(m > 0, 1.0, np.where(m == 0, 0.5, 0.0))))


def sql_array(row):
    return "'{" + ",".join(repr(float(x)) for x in row) + "}'"


def main():
    lines = ["-- generated by test/ref/shapley_ref.py; do not edit", ""]
    rng = np.random.default_rng(20240607)

    def emit_set(name, ids, X, y, V, vy):
        lines.append(f"CREATE TEMP TABLE {name}_train (id bigint, features float8[], label bigint);")
        lines.append(f"INSERT INTO {name}_train VALUES")
        lines.append(",\n".join(f"  ({ids[i]}, {sql_array(X[i])}, {int(y[i])})" for i in range(len(ids))) + ";")
        lines.append(f"CREATE TEMP TABLE {name}_valid (features float8[], label bigint);")
        lines.append(f"INSERT INTO {name}_valid VALUES")
        lines.append(",\n".join(f"  ({sql_array(V[m])}, {int(vy[m])})" for m in range(len(vy))) + ";")

    def emit_pairs(name, ids, C, R, vids, VC, VR):
        lines.append(f"CREATE TEMP TABLE {name}_train (id bigint, chosen float8[], rejected float8[]);")
        lines.append(f"INSERT INTO {name}_train VALUES")
        lines.append(",\n".join(f"  ({ids[i]}, {sql_array(C[i])}, {sql_array(R[i])})" for i in range(len(ids))) + ";")
        lines.append(f"CREATE TEMP TABLE {name}_valid (id bigint, chosen float8[], rejected float8[]);")
        lines.append(f"INSERT INTO {name}_valid VALUES")
        lines.append(",\n".join(f"  ({vids[m]}, {sql_array(VC[m])}, {sql_array(VR[m])})" for m in range(len(vids))) + ";")

    expect = []  # (dataset, method, k, metric, id, value)

    def add(ds, method, k, metric, ids, vals):
        for i, v in zip(ids, vals):
            expect.append((ds, method, k, metric, ids[list(ids).index(i)], float(v)))

    # A: integer grid points (ties in distance), 3 classes, N = 8; rows 7 and 8
    # duplicate rows 1 and 2 (symmetric players)
    XA = np.array([[0, 0], [1, 0], [0, 2], [2, 2], [3, 1], [1, 3], [0, 0], [1, 0]], float)
    yA = np.array([1, 1, 2, 2, 3, 1, 1, 1])
    VA = np.array([[0, 1], [2, 1], [1, 1], [3, 3], [1, 2]], float)
    vyA = np.array([1, 2, 1, 3, 2])
    idsA = [101, 102, 103, 104, 105, 106, 107, 108]
    emit_set("shap_a", idsA, XA, yA, VA, vyA)
    # B: random floats, 2 classes, N = 10
    XB = rng.normal(size=(10, 3))
    yB = (XB[:, 0] + 0.8 * rng.normal(size=10) > 0).astype(int)
    VB = rng.normal(size=(7, 3))
    vyB = (VB[:, 0] + 0.8 * rng.normal(size=7) > 0).astype(int)
    idsB = list(range(1, 11))
    emit_set("shap_b", idsB, XB, yB, VB, vyB)
    # P: preference pairs, N = 8 training, 6 validation, d = 3
    CP = rng.normal(size=(8, 3)) + np.array([0.7, 0, 0])
    RP = rng.normal(size=(8, 3))
    VCP = rng.normal(size=(6, 3)) + np.array([0.7, 0, 0])
    VRP = rng.normal(size=(6, 3))
    idsP = [11, 12, 13, 14, 15, 16, 17, 18]
    emit_pairs("shap_p", idsP, CP, RP, list(range(1, 7)), VCP, VRP)

    for ds, ids, X, y, V, vy, pairs in (("a", idsA, XA, yA, VA, vyA, False),
                                        ("b", idsB, XB, yB, VB, vyB, False),
                                        ("p", idsP, CP - RP, None, VCP - VRP, None, True)):
        N = len(ids)
        for metric in ("l2", "cosine"):
            if ds == "a" and metric == "cosine":
                continue  # zero vector in A
            for K in ((1, 3, N) if ds == "a" else (3,)):
                dist, match = knn_tables(X, y, V, vy, metric, pairs)
                U = all_utilities(N, lambda S: knn_utility(S, dist, match, K, ids))
                full = tuple(range(N))
                add(ds, "shapley", K, metric, ids, semivalue(N, U, shapley_w(N)))
                add(ds, "recursion", K, metric, ids, jia_recursion(dist, match, K, ids))
                add(ds, "utility_all", K, metric, [0], [U[full]])
                if metric == "l2" and K == 3:
                    add(ds, "beta16_1", K, metric, ids, semivalue(N, U, beta_w(N, 16.0, 1.0)))
                    add(ds, "beta4_4", K, metric, ids, semivalue(N, U, beta_w(N, 4.0, 4.0)))
                    add(ds, "banzhaf", K, metric, ids, semivalue(N, U, banzhaf_w(N)))
                    loo = [U[full] - U[tuple(j for j in range(N) if j != i)] for i in range(N)]
                    add(ds, "loo", K, metric, ids, loo)
    # P plus pair 99 = pair 11 reversed (a contradicting copy), l2, K = 3
    Xc = np.vstack([CP - RP, RP[0] - CP[0]])
    dist, match = knn_tables(Xc, None, VCP - VRP, None, "l2", True)
    Uc = all_utilities(len(Xc), lambda S: knn_utility(S, dist, match, 3, idsP + [99]))
    add("p", "shapley_contra", 3, "l2", idsP + [99], semivalue(len(Xc), Uc, shapley_w(len(Xc))))
    # logistic utility on B (two classes), lambda = 1
    NB = len(idsB)
    UL = all_utilities(NB, lambda S: logistic_utility(np.array(S, int), XB, yB.astype(float), VB, vyB.astype(float), 1.0))
    full = tuple(range(NB))
    add("b", "logistic_shapley", 0, "l2", idsB, semivalue(NB, UL, shapley_w(NB)))
    add("b", "logistic_banzhaf", 0, "l2", idsB, semivalue(NB, UL, banzhaf_w(NB)))
    add("b", "logistic_loo", 0, "l2", idsB, [UL[full] - UL[tuple(j for j in range(NB) if j != i)] for i in range(NB)])
    add("b", "logistic_utility_all", 0, "l2", [0], [UL[full]])

    # R: preference pairs for the reward utility, N = 8, d = 3, 12 validation
    # pairs; labels follow w* = (1, -0.5, 0.3) with noise, pairs 25 and 28
    # reversed on purpose
    rr = np.random.default_rng(20240611)
    wstar = np.array([1.0, -0.5, 0.3])

    def labelled(n):
        A, B = rr.normal(size=(n, 3)), rr.normal(size=(n, 3))
        first = (A - B) @ wstar + 0.3 * rr.normal(size=n) > 0
        return np.where(first[:, None], A, B), np.where(first[:, None], B, A)

    CR, RR = labelled(8)
    CR[[4, 7]], RR[[4, 7]] = RR[[4, 7]].copy(), CR[[4, 7]].copy()
    VCR, VRR = labelled(12)
    idsR = [21, 22, 23, 24, 25, 26, 27, 28]
    emit_pairs("shap_r", idsR, CR, RR, list(range(1, 13)), VCR, VRR)
    NR = len(idsR)
    margins = []
    UR = all_utilities(NR, lambda S: reward_utility(S, CR - RR, VCR - VRR, 1.0, margins))
    full = tuple(range(NR))
    add("r", "reward_shapley", 0, "l2", idsR, semivalue(NR, UR, shapley_w(NR)))
    add("r", "reward_beta16_1", 0, "l2", idsR, semivalue(NR, UR, beta_w(NR, 16.0, 1.0)))
    add("r", "reward_banzhaf", 0, "l2", idsR, semivalue(NR, UR, banzhaf_w(NR)))
    add("r", "reward_loo", 0, "l2", idsR, [UR[full] - UR[tuple(j for j in range(NR) if j != i)] for i in range(NR)])
    add("r", "reward_utility_all", 0, "l2", [0], [UR[full]])
    add("r", "reward_utility_empty", 0, "l2", [0], [UR[()]])
    # accuracies depend on margin signs only: keep every margin far from 0
    print("reward utility: smallest |validation margin| over non-empty coalitions", min(margins))
    assert min(margins) > 1e-6

    lines.append("CREATE TEMP TABLE shap_expect (dataset text, method text, k int, metric text, id bigint, value float8);")
    lines.append("INSERT INTO shap_expect VALUES")
    lines.append(",\n".join(f"  ('{d}', '{m}', {k}, '{mt}', {i}, {v!r})" for d, m, k, mt, i, v in expect) + ";")
    with open(OUT, "w") as fh:
        fh.write("\n".join(lines) + "\n")
    print("wrote", OUT, len(expect), "expected values")


if __name__ == "__main__":
    main()
