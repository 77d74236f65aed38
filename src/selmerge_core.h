/*
 * selmerge_core.h - selection at scale: near-duplicate groups that cannot
 * chain (representatives); cluster quotas are in quota_core.h.
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

#endif							/* PGPREF_SELMERGE_CORE_H */
