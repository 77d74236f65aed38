#!/usr/bin/python3
"""numpy peer for the KNN-Shapley benchmark (test/bench.d/50_shapley.sh).

  shapley_peer.py gen DIR            write train.csv (40k x 64) and valid.csv (2k x 64)
  shapley_peer.py run DIR N K RUNS   time a vectorized numpy KNN-Shapley on the first
                                     N training rows; print the median ms and a checksum
The algorithm is the same as pref.knn_shapley: distances by the norms trick
in blocks of validation rows, a stable argsort per row, the Jia et al.
recursion by a reversed cumulative sum, accumulation with bincount.
"""
import sys
import time

import numpy as np


def gen(d):
    rng = np.random.default_rng(7)
    for name, n in (("train", 40000), ("valid", 2000)):
        X = rng.normal(size=(n, 64)).astype(np.float32)
        y = (X[:, 0] + X[:, 1] + rng.normal(size=n) > 0).astype(int) + (X[:, 2] > 1).astype(int)
        np.save(f"{d}/{name}_X.npy", X.astype(np.float64))
        np.save(f"{d}/{name}_y.npy", y)
        with open(f"{d}/{name}.csv", "w") as fh:
            for i in range(n):
                fh.write(f"{i + 1}\t{{{','.join(repr(float(v)) for v in X[i])}}}\t{y[i]}\n")


def knn_shapley(X, y, V, vy, K, block=256):
    N, M = X.shape[0], V.shape[0]
    xn = np.einsum("ij,ij->i", X, X)
    vals = np.zeros(N)
    pos = np.arange(1, N + 1)
    f = np.minimum(K, pos[:-1]) / (K * pos[:-1])
    for b0 in range(0, M, block):
        Vb = V[b0:b0 + block]
        D = np.einsum("ij,ij->i", Vb, Vb)[:, None] + xn[None, :] - 2.0 * (Vb @ X.T)
        np.maximum(D, 0, out=D)
        order = np.argsort(D, axis=1, kind="stable")
        a = (y[order] == vy[b0:b0 + block, None]).astype(np.float64)
        s = np.empty_like(a)
        s[:, -1] = a[:, -1] / N
        inc = (a[:, :-1] - a[:, 1:]) * f
        s[:, :-1] = s[:, [-1]] + np.cumsum(inc[:, ::-1], axis=1)[:, ::-1]
        vals += np.bincount(order.ravel(), weights=s.ravel(), minlength=N)
    return vals / M


def run(d, n, k, runs):
    X = np.load(f"{d}/train_X.npy")[:n]
    y = np.load(f"{d}/train_y.npy")[:n]
    V = np.load(f"{d}/valid_X.npy")
    vy = np.load(f"{d}/valid_y.npy")
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        vals = knn_shapley(X, y, V, vy, k)
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    print(f"{times[len(times) // 2]:.1f} {vals.sum():.12f}")


if __name__ == "__main__":
    if sys.argv[1] == "gen":
        gen(sys.argv[2])
    else:
        run(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]))
