#!/usr/bin/python3
"""Python peers for test/bench.d/80_curation.sh: the same computations in
numpy on data of the same shape, median of 5 runs in milliseconds.
Prints lines "name ms"."""
import sys
import time
import numpy as np

N = int(sys.argv[1]) if len(sys.argv) > 1 else 1000000


def median_ms(f, runs=5):
    ts = []
    for _ in range(runs):
        t = time.perf_counter()
        f()
        ts.append((time.perf_counter() - t) * 1000)
    return sorted(ts)[runs // 2]


g = np.arange(1, N + 1, dtype=np.int64)
unit = g // 5
lab = (g * 2654435761 % 7) % 3
val = ((g * 7919) % 11).astype(float)
a = g % 3
b = np.where(g % 4 == 0, (g + 1) % 3, g % 3)
p = ((g * 7919) % 1000) / 1000.0
y = (g * 104729) % 1000 < (g * 7919) % 1000


def cohen():
    k = 3
    t = np.bincount(a * k + b, minlength=k * k).reshape(k, k).astype(float)
    n = t.sum()
    po = np.trace(t) / n
    pe = (t.sum(1) / n) @ (t.sum(0) / n)
    return (po - pe) / (1 - pe)


def counts_per_unit():
    u, inv = np.unique(unit, return_inverse=True)
    c = np.zeros((len(u), 3))
    np.add.at(c, (inv, lab), 1)
    return c


def fleiss():
    c = counts_per_unit()
    m = c.sum(1)
    c, m = c[m >= 2], m[m >= 2]
    pu = ((c * c).sum(1) - m) / (m * (m - 1))
    pj = c.sum(0) / m.sum()
    pe = (pj * pj).sum()
    return (pu.mean() - pe) / (1 - pe)


def kalpha_nominal():
    c = counts_per_unit()
    m = c.sum(1)
    c, m = c[m >= 2], m[m >= 2]
    n = m.sum()
    within = ((m * m - (c * c).sum(1)) / (m - 1)).sum()
    nc = c.sum(0)
    return 1 - (n - 1) * within / (n * n - (nc * nc).sum())


def calibration():
    B = 10
    idx = np.minimum((p * B).astype(int), B - 1)
    cnt = np.bincount(idx, minlength=B)
    sp = np.bincount(idx, weights=p, minlength=B)
    sy = np.bincount(idx, weights=y.astype(float), minlength=B)
    nz = cnt > 0
    gap = np.abs(sp[nz] / cnt[nz] - sy[nz] / cnt[nz])
    pc = np.clip(p, 1e-15, 1 - 1e-15)
    return (cnt[nz] / len(p) * gap).sum(), gap.max(), ((p - y) ** 2).mean(), -np.mean(np.where(y, np.log(pc), np.log(1 - pc)))


def dawid_skene_peer():
    sys.path.insert(0, "test/ref")
    from curation_ref_ds import dawid_skene
    I = 20000
    ii = np.repeat(np.arange(I), 5)
    aa = np.tile(np.arange(5), I)
    truth = (np.arange(I) * 7919 % 10 < 6).astype(int)
    noise = (np.arange(I * 5) * 104729 % 100) < np.array([5, 10, 20, 30, 45])[aa]
    ll = np.where(noise, 1 - truth[ii], truth[ii])
    return lambda: dawid_skene(ii, aa, ll, 2, max_iter=50, tol=0.0)


print("cohen %.1f" % median_ms(cohen))
print("fleiss %.1f" % median_ms(fleiss))
print("kalpha %.1f" % median_ms(kalpha_nominal))
print("calibration %.1f" % median_ms(calibration))
print("dawid_skene %.1f" % median_ms(dawid_skene_peer(), runs=3))
