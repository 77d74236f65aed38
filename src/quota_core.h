/*
 * quota_core.h - split k picks among clusters for cluster-quota selection
 * (pref.select_by_cluster).  Plain C: no postgres.h.
 */
#ifndef PGPREF_QUOTA_CORE_H
#define PGPREF_QUOTA_CORE_H

#include <stdint.h>

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

#endif							/* PGPREF_QUOTA_CORE_H */
