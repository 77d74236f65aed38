"""Shared by the bootstrap references bt_boot_ref.py and bt_poisson_ref.py:
the bt_rows fixture of test/ref/bt_fixture.sql as cell outcomes with
counts (as a tally holds them), the Bradley-Terry fit by Newton's method,
and the bootstrap summary on the Elo scale."""
import re
import numpy as np

N = 6


def read_rows(path='test/ref/bt_fixture.sql'):
    """Items a, b (0-based) and outcomes ('>', '<', '=') of the bt_rows rows"""
    src = open(path).read()
    rows = re.findall(r"\((\d+), (\d+), '([<>=])'\)", src.split('INSERT INTO bt_rows')[1].split(';')[0])
    A = np.array([int(a) - 1 for a, b, o in rows]); B = np.array([int(b) - 1 for a, b, o in rows])
    O = np.array([o for a, b, o in rows])
    return A, B, O


def fit(w, l, c):
    """Bradley-Terry MLE of weighted wins c[k] of w[k] over l[k] (Newton)"""
    th = np.zeros(N)
    for _ in range(50):
        d = th[w] - th[l]; p = 1 / (1 + np.exp(-d))
        g = np.bincount(w, c * (1 - p), N) - np.bincount(l, c * (1 - p), N)
        h = c * p * (1 - p)
        H = np.zeros((N, N))
        np.add.at(H, (w, w), h); np.add.at(H, (l, l), h)
        np.add.at(H, (w, l), -h); np.add.at(H, (l, w), -h)
        H[-1, :] = 0; H[:, -1] = 0; H[-1, -1] = 1; g[-1] = 0
        s = np.linalg.solve(H, g)
        th += s
        if abs(s).max() < 1e-12:
            break
    return th - th.mean()


def cell_counts(A, B, O):
    """All battles deduplicated to cell outcomes with counts, as a tally does:
    (winner, loser, 0) for decided battles, (a, b, 1) with a < b for ties;
    returns cells, counts and the mask of decided cells"""
    keep = O != '='
    W = np.where(O[keep] == '>', A[keep], B[keep]); L = np.where(O[keep] == '>', B[keep], A[keep])
    dec = np.stack([W, L, np.zeros_like(W)], 1)
    TA, TB = A[~keep], B[~keep]
    tie = np.stack([np.minimum(TA, TB), np.maximum(TA, TB), np.ones_like(TA)], 1)
    cells, counts = np.unique(np.concatenate([dec, tie]), axis=0, return_counts=True)
    return cells, counts, cells[:, 2] == 0


def elo_stats(boot):
    """Bootstrap standard errors and 95% percentile intervals of the fitted
    strengths (rounds x items), on the Elo scale (400 / ln 10, centred at 1000)"""
    elo = 400 / np.log(10)
    return (boot.std(axis=0, ddof=1) * elo, np.percentile(boot, 2.5, axis=0) * elo + 1000,
            np.percentile(boot, 97.5, axis=0) * elo + 1000)
