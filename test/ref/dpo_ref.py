#!/usr/bin/python3
"""Independent numpy/scipy reference for pgpref's DPO family (test/ref).

Writes the fixtures the pgTAP suite test/pgtap/dpo.sql loads with \\copy:
  dpo_fixtures.csv     per-row losses of every kind (dpo_loss), with a
                       rounding scale and, for moderate inputs, a
                       finite-difference margin derivative (Richardson)
  dpo_extra.csv        simpo / cpo / orpo / listwise losses
  dpo_batch.csv        one batch of pairs (with NULL rows) for the aggregates
  dpo_batch_expected.csv  trainer metrics of that batch per loss spec,
                       KTO and ranking-accuracy figures

The formulas are written from the papers and the way TRL's DPOTrainer,
CPOTrainer, ORPOTrainer and KTOTrainer compute them, with scipy's
log_expit / expit and numpy's logaddexp, not from the C code.
Run: /usr/bin/python3 test/ref/dpo_ref.py   (deterministic, seed 20240604)
"""
import csv
import math
import os

import numpy as np
from scipy.special import expit, log_expit

HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(20240604)


def sp(x):
    """softplus = log(1 + e^x) = -log_expit(-x)"""
    return np.logaddexp(0.0, x)


def logits_of(p, div, alpha):
    pc, pr, rc, rr = p["pc"], p["pr"], p["rc"], p["rr"]
    rw, rl = pc - rc, pr - rr
    if div in ("alpha_divergence", "forward_kl"):
        a = 1.0 if div == "forward_kl" else alpha
        return (np.exp(rl * -a) - np.exp(rw * -a)) / a, None
    g = (pc - pr) - (rc - rr)
    if div == "js_divergence":
        return g - (sp(rw) - sp(rl)), None
    return g, None


def term(kind, p, o):
    """(loss, scale) of one kind; scale bounds the rounding of the formula."""
    beta, ls = o["beta"], o["label_smoothing"]
    pc, pr, rc, rr = p["pc"], p["pr"], p["rc"], p["rr"]
    rw, rl = pc - rc, pr - rr
    if kind in ("sigmoid", "robust", "exo_pair", "hinge", "ipo"):
        g, _ = logits_of(p, o["divergence"], o["alpha"])
        z = beta * g
    if kind == "sigmoid":
        a, b = -log_expit(z) * (1 - ls), -log_expit(-z) * ls
        return a + b, abs(a) + abs(b)
    if kind == "robust":
        a, b = -log_expit(z) * (1 - ls), log_expit(-z) * ls
        return (a + b) / (1 - 2 * ls), (abs(a) + abs(b)) / (1 - 2 * ls)
    if kind == "exo_pair":
        eps = o["epsilon"]
        a = expit(z) * (log_expit(z) - math.log(1 - eps))
        b = expit(-z) * (log_expit(-z) - math.log(eps))
        s = expit(z) * (abs(log_expit(z)) + abs(math.log(1 - eps))) + \
            expit(-z) * (abs(log_expit(-z)) + abs(math.log(eps)))
        return a + b, s
    if kind == "hinge":
        v = max(0.0, 1 - z)
        return v, abs(v)
    if kind == "ipo":
        v = (g - 1 / (2 * beta)) ** 2
        return v, v
    if kind == "nca_pair":
        cw, cl = rw * beta, rl * beta
        v = -log_expit(cw) - 0.5 * log_expit(-cw) - 0.5 * log_expit(-cl)
        return v, v
    if kind == "sppo_hard":
        v = (rw - 0.5 / beta) ** 2 + (rl + 0.5 / beta) ** 2
        return v, v
    if kind == "bco_pair":
        d = o["reward_mean"]
        v = -log_expit(beta * rw - d) - log_expit(-(beta * rl - d))
        return v, v
    if kind == "apo_zero":
        v = expit(-beta * rw) + expit(beta * rl)      # (1 - sigma(b rw)) + sigma(b rl)
        return v, v
    if kind == "apo_down":
        v = expit(beta * rw) + expit(-beta * (rw - rl))  # sigma(b rw) + 1 - sigma(b (rw - rl))
        return v, v
    if kind == "discopop":
        tau = o["tau"]
        z = beta * ((pc - pr) - (rc - rr))
        # -log sigma(z) (1 - sigma(z/tau)) + exp(-z) sigma(z/tau), exp term in the log domain
        v = -log_expit(z) * expit(-z / tau) + math.exp(-z + log_expit(z / tau))
        return v, v
    if kind == "sigmoid_norm":
        v = -log_expit(beta * (rw / p["len_c"] - rl / p["len_r"]))
        return v, v
    if kind == "sft":
        L = p["len_c"] if p["len_c"] > 0 else 1.0
        v = -pc / L
        return v, abs(v)
    raise ValueError(kind)


def parse(spec):
    out = []
    for t in spec.replace(",", "+").split("+"):
        t = t.strip()
        if "*" in t:
            w, k = t.split("*")
            out.append((float(w), k.strip()))
        else:
            out.append((1.0, t))
    return out


def loss(spec, p, o):
    tot, sc = 0.0, 0.0
    for w, k in parse(spec):
        v, s = term(k, p, o)
        tot += w * v
        sc += w * s
    return tot, sc


def fd_grad(spec, p, o):
    """d loss / d t along pc += t/2, pr -= t/2; Richardson-extrapolated central differences"""
    def g(t):
        q = dict(p)
        q["pc"] = p["pc"] + t / 2
        q["pr"] = p["pr"] - t / 2
        return loss(spec, q, o)[0]
    h = 1e-3 * max(1.0, 1.0 / o["beta"]) * 0.1
    d1 = (g(h) - g(-h)) / (2 * h)
    d2 = (g(h / 2) - g(-h / 2)) / h
    return (4 * d2 - d1) / 3


def logp(lo, hi):
    """-10^U(lo, hi)"""
    return -10.0 ** rng.uniform(lo, hi)


def draw_row(regime):
    if regime == "extreme":     # margins up to about +-2e6
        return dict(pc=logp(-3, 6.3), pr=logp(-3, 6.3), rc=logp(-3, 6.3), rr=logp(-3, 6.3))
    if regime == "moderate":
        return dict(pc=-rng.uniform(1, 300), pr=-rng.uniform(1, 300),
                    rc=-rng.uniform(1, 300), rr=-rng.uniform(1, 300))
    # near tie: policy margin close to the reference margin
    rc, rr = -rng.uniform(5, 300), -rng.uniform(5, 300)
    d = 10.0 ** rng.uniform(-6, 1) * rng.choice([-1, 1])
    e = rng.uniform(-2, 2)
    pc = min(rc + e + d / 2, 0.0)
    pr = min(rr + e - d / 2, 0.0)
    return dict(pc=pc, pr=pr, rc=rc, rr=rr)


KINDS = ["sigmoid", "robust", "hinge", "ipo", "exo_pair", "nca_pair", "sppo_hard",
         "bco_pair", "apo_zero", "apo_down", "discopop", "sigmoid_norm", "sft"]
MIXES = ["0.8*sigmoid + 0.2*bco_pair", "sigmoid, sft", "0.5*ipo+0.25*nca_pair+0.25*apo_zero"]
DIVS = ["forward_kl", "js_divergence", "alpha_divergence"]


def options(kind, div="reverse_kl"):
    return dict(beta=float(rng.choice([0.01, 0.1, 0.5, 2.0])),
                label_smoothing=float(rng.choice([0.0, 0.1, 0.3])) if kind in ("sigmoid", "robust") or "sigmoid" in kind else 0.0,
                divergence=div, alpha=float(rng.choice([0.5, 1.0, 1.5])),
                epsilon=float(rng.choice([1e-3, 1e-2, 0.2])), tau=float(rng.choice([0.05, 0.5])),
                reward_mean=float(rng.uniform(-1, 1)))


def fixtures():
    rows = []
    specs = [(k, "reverse_kl") for k in KINDS] + [(m, "reverse_kl") for m in MIXES] + \
            [(k, d) for d in DIVS for k in ("sigmoid", "robust", "hinge", "ipo", "exo_pair")]
    for spec, div in specs:
        for i in range(36):
            regime = ["extreme", "moderate", "near"][i % 3]
            p = draw_row(regime)
            o = options(spec, div)
            if div in ("alpha_divergence", "forward_kl"):
                # keep alpha * log-ratio inside exp's range (no capping)
                a_eff = 1.0 if div == "forward_kl" else o["alpha"]
                while max(abs(p["pc"] - p["rc"]), abs(p["pr"] - p["rr"])) * a_eff > 300:
                    p = draw_row(["moderate", "near"][i % 2])
            if "discopop" in spec and o["tau"] >= 1:
                o["tau"] = 0.05
            p["len_c"] = float(rng.integers(1, 2000)) if ("norm" in spec or i % 2) else 0.0
            p["len_r"] = float(rng.integers(1, 2000)) if ("norm" in spec or i % 2) else 0.0
            v, s = loss(spec, p, o)
            fd = ""
            if regime != "extreme":
                ok = True
                if "hinge" in spec:
                    g, _ = logits_of(p, div, o["alpha"])
                    ok = abs(o["beta"] * g - 1) > 1e-2
                if ok:
                    fd = repr(fd_grad(spec, p, o))
            rows.append([len(rows) + 1, spec, div, o["beta"], o["label_smoothing"], o["alpha"],
                         o["epsilon"], o["tau"], o["reward_mean"], p["pc"], p["pr"], p["rc"], p["rr"],
                         p["len_c"], p["len_r"], repr(v), repr(s), fd])
    with open(os.path.join(HERE, "dpo_fixtures.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "loss", "divergence", "beta", "label_smoothing", "alpha", "epsilon", "tau",
                    "reward_mean", "pc", "pr", "rc", "rr", "len_c", "len_r", "expected", "scale", "fd_grad"])
        for r in rows:
            w.writerow([repr(x) if isinstance(x, float) else x for x in r])
    return len(rows)


def extra():
    rows = []
    for i in range(60):
        regime = ["extreme", "moderate", "near"][i % 3]
        p = draw_row(regime)
        lc, lr = float(rng.integers(1, 3000)), float(rng.integers(1, 3000))
        beta = float(rng.choice([0.1, 2.0, 2.5]))
        gamma = float(rng.choice([0.0, 0.5, 1.4]))
        ls = float(rng.choice([0.0, 0.1]))
        logits = (p["pc"] / lc - p["pr"] / lr) - gamma / beta
        a, b = -log_expit(beta * logits) * (1 - ls), -log_expit(-beta * logits) * ls
        rows.append([len(rows) + 1, "simpo", p["pc"], p["pr"], lc, lr, beta, gamma, ls, 0.0, 0.0,
                     repr(a + b), repr(abs(a) + abs(b))])
    for i in range(60):
        p = draw_row(["extreme", "moderate", "near"][i % 3])
        beta = float(rng.choice([0.1, 0.5]))
        nll = float(rng.choice([0.0, rng.uniform(0.1, 5)]))
        alpha = float(rng.choice([1.0, 0.5]))
        ls = float(rng.choice([0.0, 0.2]))
        z = beta * (p["pc"] - p["pr"])
        a, b = -log_expit(z) * (1 - ls), -log_expit(-z) * ls
        rows.append([len(rows) + 1, "cpo", p["pc"], p["pr"], 0.0, 0.0, beta, 0.0, ls, nll, alpha,
                     repr(a + b + alpha * nll), repr(abs(a) + abs(b) + alpha * nll)])
    for i in range(60):
        # average log-probs per token: from -1e-12 to -50
        pc, pr = -10.0 ** rng.uniform(-12, 1.7), -10.0 ** rng.uniform(-12, 1.7)
        beta = float(rng.choice([0.1, 0.25, 1.0]))
        nll = float(rng.choice([0.0, -pc]))

        def l1m(x):
            return np.log1p(-np.exp(x)) if x < -math.log(2) else np.log(-np.expm1(x))
        lo = (pc - pr) - (l1m(pc) - l1m(pr))
        v = nll - beta * log_expit(lo)
        s = nll + beta * (sp(-lo) + abs(pc - pr) + abs(l1m(pc)) + abs(l1m(pr)))
        rows.append([len(rows) + 1, "orpo", pc, pr, 0.0, 0.0, beta, 0.0, 0.0, nll, 0.0, repr(v), repr(s)])
    with open(os.path.join(HERE, "dpo_extra.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "fn", "pc", "pr", "len_c", "len_r", "beta", "gamma", "label_smoothing",
                    "nll", "alpha", "expected", "scale"])
        for r in rows:
            w.writerow([repr(x) if isinstance(x, float) else x for x in r])
    # listwise: Plackett-Luce through suffix log-sum-exp (an O(n) formulation)
    lists = []
    for i in range(40):
        n = int(rng.integers(2, 9))
        big = i % 4 == 0
        pol = [logp(0, 6) if big else -rng.uniform(1, 200) for _ in range(n)]
        ref = [logp(0, 6) if big else -rng.uniform(1, 200) for _ in range(n)]
        beta = float(rng.choice([0.1, 0.5, 2.0]))
        r = beta * (np.array(pol) - np.array(ref))
        lse = np.logaddexp.accumulate(r[::-1])[::-1]
        v = float(np.sum(lse[:-1] - r[:-1]))
        s = float(np.sum(np.abs(lse[:-1]) + np.abs(r[:-1])))
        lists.append([i + 1, "{" + ",".join(repr(x) for x in pol) + "}",
                      "{" + ",".join(repr(x) for x in ref) + "}", beta, repr(v), repr(s)])
    with open(os.path.join(HERE, "dpo_listwise.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "policy", "ref", "beta", "expected", "scale"])
        w.writerows(lists)


def batch():
    """A batch of 64 pairs (+ 3 NULL rows) and TRL-style metrics per loss spec."""
    n = 64
    ref_c = -rng.uniform(20, 200, n)
    ref_r = ref_c - rng.normal(0.5, 6, n)
    pol_c = ref_c + rng.normal(1.0, 4, n)
    pol_r = ref_r + rng.normal(-1.0, 4, n)
    ref_r, pol_r = np.minimum(ref_r, 0), np.minimum(pol_r, 0)
    wts = rng.uniform(0.5, 2.0, n)
    kl_p = -rng.uniform(20, 200, n)
    kl_r = kl_p + rng.normal(-1.0, 2, n)
    kl_r = np.minimum(kl_r, 0)
    desirable = rng.random(n) < 0.6
    prob = rng.choice([1.0, 0.9, 0.75, 0.6, 0.5, 0.3], n)
    with open(os.path.join(HERE, "dpo_batch.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "grp", "pc", "pr", "rc", "rr", "w", "kl_pc", "kl_rc", "desirable", "prob"])
        for i in range(n):
            w.writerow([i + 1, i % 2, repr(pol_c[i]), repr(pol_r[i]), repr(ref_c[i]), repr(ref_r[i]),
                        repr(wts[i]), repr(kl_p[i]), repr(kl_r[i]), "t" if desirable[i] else "f", repr(prob[i])])
        w.writerow([n + 1, 0, "", -1.0, -1.0, -1.0, 1.0, -1.0, -1.0, "t", 1.0])
        w.writerow([n + 2, 1, "", -2.0, "", -1.0, 1.0, -1.0, "", "f", 1.0])
        w.writerow([n + 3, 0, "", -2.0, -1.0, -1.0, "", "", -1.0, "", ""])
    out = []

    def metrics(name, beta, spec, weights, o):
        wv = np.ones(n) if weights is None else wts
        losses = np.array([loss(spec, dict(pc=pol_c[i], pr=pol_r[i], rc=ref_c[i], rr=ref_r[i],
                                           len_c=0.0, len_r=0.0), o)[0]
                           if spec not in ("aot", "aot_unpaired") else 0.0 for i in range(n)])
        L = float(np.sum(wv * losses) / np.sum(wv))
        if spec in ("aot", "aot_unpaired"):
            if spec == "aot":
                a, b = np.sort(pol_c - pol_r), np.sort(ref_c - ref_r)
            else:
                a, b = np.sort(pol_c - ref_c), np.sort(pol_r - ref_r)
            d = beta * (a - b)
            ls = o["label_smoothing"]
            L = float(np.mean(-log_expit(d) * (1 - ls) - log_expit(-d) * ls))
        ch = beta * (pol_c - ref_c)
        rj = beta * (pol_r - ref_r)
        m = ch - rj
        mean = lambda x: float(np.sum(wv * x) / np.sum(wv))
        mm = mean(m)
        var = float(np.sum(wv * (m - mm) ** 2) / (np.sum(wv) * (n - 1) / n))
        out.append([name, n, 3, repr(L), repr(mean(ch)), repr(mean(rj)), repr(mean((ch > rj).astype(float))),
                    repr(mm), repr(mean(pol_c)), repr(mean(pol_r)), repr(math.sqrt(var))])

    base = dict(beta=0.1, label_smoothing=0.0, divergence="reverse_kl", alpha=1.0, epsilon=1e-3,
                tau=0.05, reward_mean=0.0)
    metrics("sigmoid", 0.1, "sigmoid", None, base)
    metrics("ipo_b0.5", 0.5, "ipo", None, dict(base, beta=0.5))
    metrics("mix", 0.1, "0.8*sigmoid + 0.2*bco_pair", None, base)
    metrics("weighted", 0.1, "sigmoid", "w", base)
    metrics("robust_js", 0.1, "robust", None, dict(base, label_smoothing=0.1, divergence="js_divergence"))
    metrics("aot", 0.1, "aot", None, base)
    metrics("aot_unpaired", 0.1, "aot_unpaired", None, dict(base, label_smoothing=0.2))
    # KTO (TRL KTOTrainer): KL from mismatched pairs, mean, clamped at 0
    for beta, dw, uw, swap in ((0.1, 1.0, 1.0, False), (0.5, 1.0, 1.33, False), (0.1, 1.0, 1.0, True)):
        # swap: the KL columns exchanged, so the raw estimate is negative and clamps to 0
        kl = max(float(np.mean(kl_r - kl_p) if swap else np.mean(kl_p - kl_r)), 0.0)
        lr = pol_c - ref_c
        cl = dw * (1 - expit(beta * (lr[desirable] - kl)))
        rl = uw * (1 - expit(beta * (kl - lr[~desirable])))
        L = float(np.mean(np.concatenate([cl, rl])))
        out.append(["kto_%g_%g%s" % (beta, uw, "_swapped" if swap else ""), n, 3, repr(L), repr(float(np.mean(beta * lr[desirable]))),
                    repr(float(np.mean(beta * lr[~desirable]))), repr(kl),
                    repr(float(np.mean(beta * lr[desirable]) - np.mean(beta * lr[~desirable]))),
                    repr(float(np.mean(pol_c[desirable]))), repr(float(np.mean(pol_c[~desirable]))),
                    repr(int(desirable.sum()))])
    # ranking accuracy (Chen et al. 2024), beta 0.1
    beta = 0.1
    ideal = (ref_c - ref_r) + np.where(prob < 1, (np.log(prob) - np.log1p(-prob)) / beta, np.inf) > 0
    out.append(["ranking", n, 3, repr(float(np.mean(pol_c > pol_r))), repr(float(np.mean(ref_c > ref_r))),
                repr(float(np.mean((pol_c - ref_c) > (pol_r - ref_r)))), repr(float(np.mean(ideal))),
                "", "", "", ""])
    with open(os.path.join(HERE, "dpo_batch_expected.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["name", "n", "skipped", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8"])
        w.writerows(out)


if __name__ == "__main__":
    k = fixtures()
    extra()
    batch()
    print("wrote %d per-row fixtures" % k)
