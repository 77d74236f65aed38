/*
 * selmerge_core.h - selection at scale: near-duplicate groups that cannot
 * chain (representatives), per-cluster quotas for cluster-quota selection.
 *
 * Plain C: no postgres.h.  Works on the SubsetData of subset_core.h (rows
 * sorted by id, unit rows under cosine, squared norms under l2).  Every
 * decision is settled on exact similarities (subset_exact_sim); BLAS blocks
 * only screen out pairs that cannot reach the threshold.
 */
#ifndef PGPREF_SELMERGE_CORE_H
#define PGPREF_SELMERGE_CORE_H

#include <stddef.h>
#include <stdint.h>

#include "subset_core.h"

/*
 * Near-duplicate groups by representatives ("leader" clustering): rows are
 * visited in id order; a row whose exact similarity to some representative
 * is >= threshold joins the most similar one (ties: the smaller id), else
 * it becomes a representative itself.  Every member is within the
 * threshold of its representative, so groups cannot chain.  rep[i]
 * receives the row index of row i's representative (its own index for a
 * representative).  blockbuf holds block * n doubles, repx n * d doubles,
 * reps n int64.
 */
extern void selmerge_representatives(const SubsetData *s, double threshold, int block,
									 double *blockbuf, double *repx, int64_t *reps,
									 int64_t *rep);

/* Quota rules of cluster-quota selection */
#define SELMERGE_QUOTA_FIXED		0	/* equal shares */
#define SELMERGE_QUOTA_PROPORTIONAL	1	/* shares proportional to size */
#define SELMERGE_QUOTA_QUALITY		2	/* size * exp(mean quality / temperature) */

/*
 * Split k picks among c clusters (in cluster order) of sizes size[] with
 * weights weight[] (> 0): a cluster whose share k_rest * w / sum(w) reaches
 * its size gets all its rows, repeatedly; the rest is apportioned by the
 * largest remainder (Hamilton's method), equal remainders to the earlier
 * cluster (the smaller cluster id).  quota[] receives the counts; they sum
 * to min(k, sum(size)).  work holds c int64.
 */
extern void selmerge_quotas(int64_t c, const int64_t *size, const double *weight,
							int64_t k, int64_t *quota, int64_t *work);

#endif							/* PGPREF_SELMERGE_CORE_H */
