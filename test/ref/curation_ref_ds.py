"""numpy reference EM for Dawid-Skene (shared by curation_ref.py and curation_bench.py)."""
import numpy as np


def dawid_skene(items, annots, labels, K, max_iter=100, tol=1e-6, s=0.01):
    I, A = items.max() + 1, annots.max() + 1
    T = np.zeros((I, K))
    np.add.at(T, (items, labels), 1.0)
    T /= T.sum(1, keepdims=True)
    onehot = np.eye(K)[labels]  # obs x K

    def mstep(T):
        prior = (T.sum(0) + s) / (I + K * s)
        conf = np.full((A, K, K), s)
        for a in range(A):
            sel = annots == a
            conf[a] += T[items[sel]].T @ onehot[sel]
        conf /= conf.sum(2, keepdims=True)
        return prior, conf

    it, conv = 0, False
    while it < max_iter:
        prior, conf = mstep(T)
        logp = np.tile(np.log(prior), (I, 1))
        np.add.at(logp, items, np.log(conf[annots, :, labels]))
        mx = logp.max(1, keepdims=True)
        ll = float((mx[:, 0] + np.log(np.exp(logp - mx).sum(1))).sum())
        Tn = np.exp(logp - mx)
        Tn /= Tn.sum(1, keepdims=True)
        delta = np.abs(Tn - T).max()
        T = Tn
        it += 1
        if delta < tol:
            conv = True
            break
    prior, conf = mstep(T)
    return T, conf, prior, it, conv, ll
