#!/usr/bin/python3
"""Reference computations for the curation module (run with /usr/bin/python3).

Writes test/ref/curation_fixtures.sql: input tables and the expected answers,
computed independently of the C code:
  - binarize: brute-force enumeration of every pair per prompt (the random
    choice reproduces the documented splitmix64 stream);
  - Dawid-Skene: a numpy EM with the documented initialisation, smoothing
    and stopping rule, on a small set; plus a simulated set with known
    annotator confusion;
  - calibration: numpy binning (np.digitize) and sklearn-style log loss;
  - agreement: exact rational arithmetic (fractions) on textbook examples.

Usage: /usr/bin/python3 test/ref/curation_ref.py > test/ref/curation_fixtures.sql
"""
from fractions import Fraction as F
import itertools
import os
import sys
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from curation_ref_ds import dawid_skene  # noqa: E402
from rng_ref import M64, splitmix64  # noqa: E402
out = []


def emit(stmt):
    # loaded by several tests in one database: recreate tables each time
    if stmt.startswith("CREATE TABLE "):
        out.append("DROP TABLE IF EXISTS %s;" % stmt.split()[2])
    out.append(stmt)


def sqlf(x):
    return "NULL" if x is None else repr(float(x))


# ---- binarize ---------------------------------------------------------------
rng = np.random.default_rng(8)
ratings = []  # (prompt, response, score or None, attrs)
rid = 100
for p in range(1, 41):
    n = int(rng.integers(1, 7))  # 1..6 responses; some prompts have one
    for _ in range(n):
        rid += 1
        attrs = [int(v) for v in rng.integers(1, 6, size=3)]
        score = float(rng.integers(1, 11)) / 2  # coarse: ties happen
        if rng.random() < 0.05:
            score = None
        ratings.append((p, rid, score, attrs))
emit("CREATE TABLE ref_ratings (prompt_id bigint, response_id bigint, score float8, attrs float8[]);")
emit("INSERT INTO ref_ratings VALUES " + ",\n".join(
    "(%d, %d, %s, '{%s}')" % (p, r, sqlf(s), ",".join(str(a) for a in at)) for p, r, s, at in ratings) + ";")

WEIGHTS = [0.5, 0.25, 0.25]  # exact in binary: ties do not depend on summation order


def brute(strategy, min_margin, seed, weighted=False):
    res = []
    prompts = sorted({p for p, *_ in ratings})
    for p in prompts:
        rows = [(r, (sum(w * a for w, a in zip(WEIGHTS, at)) if weighted else s))
                for q, r, s, at in ratings if q == p and (weighted or s is not None)]
        if len(rows) < 2:
            continue
        # every ordered pair (a beats b) with margin above min_margin
        beats = [(a, b, sa - sb) for (a, sa), (b, sb) in itertools.permutations(rows, 2) if sa - sb > min_margin]
        top = max(s for _, s in rows)
        best = min(r for r, s in rows if s == top)
        if strategy == "all_pairs":
            res += [(p, a, b, m) for a, b, m in beats]
            continue
        cand = sorted([(b, m) for a, b, m in beats if a == best], key=lambda t: (t[1], t[0]))
        # candidates in the documented order: score descending (margin ascending), response ascending
        if not cand:
            continue
        if strategy == "best_vs_all":
            res += [(p, best, b, m) for b, m in cand]
        elif strategy == "best_vs_worst":
            worst = max(cand, key=lambda t: (t[1], t[0]))
            res.append((p, best, worst[0], worst[1]))
        elif strategy == "best_vs_random":
            st = (seed + p * 0xD1B54A32D192ED03) & M64
            st, r = splitmix64(st)
            b, m = cand[r % len(cand)]
            res.append((p, best, b, m))
    return res


emit("CREATE TABLE ref_binarize (strategy text, min_margin float8, seed bigint, weighted boolean, prompt_id bigint, chosen bigint, rejected bigint, margin float8);")
rows = []
for strategy in ["best_vs_random", "best_vs_worst", "all_pairs", "best_vs_all"]:
    for mm in [0.0, 1.0]:
        for seed in ([0, 42] if strategy == "best_vs_random" else [0]):
            for wt in [False, True]:
                for p, a, b, m in brute(strategy, mm, seed, wt):
                    rows.append("('%s', %r, %d, %s, %d, %d, %d, %r)" % (strategy, mm, seed, "true" if wt else "false", p, a, b, m))
emit("INSERT INTO ref_binarize VALUES " + ",\n".join(rows) + ";")


# ---- Dawid-Skene --------------------------------------------------------------
LAB = ["<", "=", ">"]  # bytewise order, as the C code sorts labels
ANN = ["ann", "bob", "cyd", "dee"]
rng = np.random.default_rng(3)
truth = rng.choice(3, size=20, p=[0.45, 0.1, 0.45])
true_conf = np.array([[[.9, .05, .05], [.1, .8, .1], [.05, .05, .9]],
                      [[.7, .1, .2], [.2, .6, .2], [.2, .1, .7]],
                      [[.6, .2, .2], [.3, .4, .3], [.2, .2, .6]],
                      [[.4, .2, .4], [.3, .4, .3], [.4, .2, .4]]])
obs = []
for i in range(20):
    for a in range(4):
        if rng.random() < 0.85:
            obs.append((i, a, int(rng.choice(3, p=true_conf[a, truth[i]]))))
obs = np.array(obs)
T, conf, prior, it, conv, ll = dawid_skene(obs[:, 0], obs[:, 1], obs[:, 2], 3)
emit("CREATE TABLE ref_ds_labels (item_id bigint, annotator text, label text);")
emit("INSERT INTO ref_ds_labels VALUES " + ",\n".join("(%d, '%s', '%s')" % (1000 + i, ANN[a], LAB[l]) for i, a, l in obs) + ";")
emit("CREATE TABLE ref_ds_post (item_id bigint, probabilities float8[]);")
emit("INSERT INTO ref_ds_post VALUES " + ",\n".join("(%d, '{%s}')" % (1000 + i, ",".join(repr(float(v)) for v in T[i])) for i in range(20)) + ";")
emit("CREATE TABLE ref_ds_conf (annotator text, confusion float8[], accuracy float8);")
emit("INSERT INTO ref_ds_conf VALUES " + ",\n".join(
    "('%s', '{%s}', %r)" % (ANN[a], ",".join("{%s}" % ",".join(repr(float(v)) for v in row) for row in conf[a]),
                            float((prior * np.diag(conf[a])).sum())) for a in range(4)) + ";")
emit("CREATE TABLE ref_ds_fit (iterations int, converged boolean, log_likelihood float8, class_prior float8[]);")
emit("INSERT INTO ref_ds_fit VALUES (%d, %s, %r, '{%s}');" % (it, "true" if conv else "false", ll, ",".join(repr(float(v)) for v in prior)))

# simulated set with known confusion (binary labels): recovery within tolerance
rng = np.random.default_rng(11)
sim_conf = {"good": [[.95, .05], [.05, .95]], "ok": [[.8, .2], [.25, .75]],
            "biased": [[.9, .1], [.6, .4]], "noise": [[.5, .5], [.5, .5]]}
truth = rng.choice(2, size=600, p=[0.4, 0.6])
emit("CREATE TABLE ref_ds_sim (item_id bigint, annotator text, label text, truth text);")
vals = []
for i in range(600):
    for a, c in sim_conf.items():
        vals.append("(%d, '%s', '%s', '%s')" % (i + 1, a, "AB"[rng.choice(2, p=c[truth[i]])], "AB"[truth[i]]))
emit("INSERT INTO ref_ds_sim VALUES " + ",\n".join(vals) + ";")
emit("CREATE TABLE ref_ds_sim_conf (annotator text, confusion float8[]);")
emit("INSERT INTO ref_ds_sim_conf VALUES " + ",\n".join(
    "('%s', '{{%r,%r},{%r,%r}}')" % (a, c[0][0], c[0][1], c[1][0], c[1][1]) for a, c in sim_conf.items()) + ";")

# ---- calibration -------------------------------------------------------------
rng = np.random.default_rng(5)
p = rng.random(1000) ** 1.3
p[:5] = [0.0, 1.0, 0.5, 0.1, 0.9]
y = rng.random(1000) < np.clip(p * 0.8 + 0.1, 0, 1)
emit("CREATE TABLE ref_calib (probability float8, outcome boolean);")
emit("INSERT INTO ref_calib VALUES " + ",\n".join("(%r, %s)" % (float(a), "true" if b else "false") for a, b in zip(p, y)) + ";")
emit("CREATE TABLE ref_calib_expected (bins int, ece float8, mce float8, brier float8, log_loss float8);")
emit("CREATE TABLE ref_calib_bins (bins int, bin int, mean_predicted float8, observed_frequency float8, count bigint);")
for B in [10, 15]:
    idx = np.clip(np.digitize(p, np.arange(1, B) / B), 0, B - 1)
    ece, mce = 0.0, 0.0
    for b in range(B):
        m = idx == b
        if m.sum():
            gap = abs(p[m].mean() - y[m].mean())
            ece += m.sum() / len(p) * gap
            mce = max(mce, gap)
            emit("INSERT INTO ref_calib_bins VALUES (%d, %d, %r, %r, %d);" % (B, b + 1, float(p[m].mean()), float(y[m].mean()), int(m.sum())))
        else:
            emit("INSERT INTO ref_calib_bins VALUES (%d, %d, NULL, NULL, 0);" % (B, b + 1))
    pc = np.clip(p, 1e-15, 1 - 1e-15)
    ll = float(-np.mean(np.where(y, np.log(pc), np.log(1 - pc))))
    emit("INSERT INTO ref_calib_expected VALUES (%d, %r, %r, %r, %r);" % (B, ece, mce, float(np.mean((p - y) ** 2)), ll))

# ---- agreement: textbook examples, exact fractions ---------------------------
# Cohen (Wikipedia "Cohen's kappa"): 20 yes/yes, 5 yes/no, 10 no/yes, 15 no/no -> 0.4
n = 50
po = F(35, n)
pe = F(25, n) * F(30, n) + F(25, n) * F(20, n)
emit("CREATE TABLE ref_agree_expected (statistic text, value float8, exact text);")
emit("INSERT INTO ref_agree_expected VALUES ('cohen', %r, '%s');" % (float((po - pe) / (1 - pe)), (po - pe) / (1 - pe)))

# Fleiss (Wikipedia "Fleiss' kappa"): 10 subjects, 14 raters, 5 categories -> 0.210
FLEISS = [[0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0], [2, 2, 8, 1, 1],
          [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0], [0, 2, 2, 3, 7]]
N, nr = len(FLEISS), 14
P = [F(sum(c * c for c in row) - nr, nr * (nr - 1)) for row in FLEISS]
Pbar = sum(P) / N
pj = [F(sum(row[j] for row in FLEISS), N * nr) for j in range(5)]
Pe = sum(x * x for x in pj)
kf = (Pbar - Pe) / (1 - Pe)
emit("INSERT INTO ref_agree_expected VALUES ('fleiss', %r, '%s');" % (float(kf), kf))
emit("CREATE TABLE ref_fleiss (unit bigint, label text);")
emit("INSERT INTO ref_fleiss VALUES " + ",\n".join(
    "(%d, 'c%d')" % (u + 1, j + 1) for u, row in enumerate(FLEISS) for j, c in enumerate(row) for _ in range(c)) + ";")

# Krippendorff (2011), "Computing Krippendorff's alpha-reliability", 4 coders x 12 units with
# missing values: nominal 0.743, interval 0.849
K = {"A": [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
     "B": [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
     "C": [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
     "D": [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None]}
units = [[K[c][u] for c in K if K[c][u] is not None] for u in range(12)]
pair_units = [u for u in units if len(u) >= 2]
allv = [v for u in pair_units for v in u]
nn = len(allv)


def kalpha(delta):
    do = sum(F(sum(delta(a, b) for i, a in enumerate(u) for j, b in enumerate(u) if i != j), len(u) - 1) for u in pair_units)
    de = sum(delta(a, b) for i, a in enumerate(allv) for j, b in enumerate(allv) if i != j)
    return 1 - (nn - 1) * do / de


kn = kalpha(lambda a, b: 0 if a == b else 1)
ki = kalpha(lambda a, b: (a - b) ** 2)
emit("INSERT INTO ref_agree_expected VALUES ('krippendorff_nominal', %r, '%s');" % (float(kn), kn))
emit("INSERT INTO ref_agree_expected VALUES ('krippendorff_interval', %r, '%s');" % (float(ki), ki))
emit("CREATE TABLE ref_kripp (coder text, unit bigint, value float8);")
emit("INSERT INTO ref_kripp VALUES " + ",\n".join(
    "('%s', %d, %s)" % (c, u + 1, sqlf(K[c][u])) for c in K for u in range(12)) + ";")

print("-- generated by test/ref/curation_ref.py; do not edit")
print("\n".join(out))
