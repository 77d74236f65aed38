/*
 * groups_core.h - group comparisons and sampling helpers: two-sided normal
 * p-values, Holm and Benjamini-Hochberg adjustment, Wilson intervals, the
 * pooled two-proportion z-test, sample quantiles, and statistical rejection
 * sampling (RSO, Liu et al. 2023).  Plain C: no postgres.h; caller-provided
 * buffers.
 */
#ifndef PGPREF_GROUPS_CORE_H
#define PGPREF_GROUPS_CORE_H

#include <stdint.h>

#include "rng.h"

/* Two-sided p-value of a standard normal statistic: 2 * P(Z > |z|) */
extern double grp_pvalue(double z);

/*
 * Holm and Benjamini-Hochberg adjusted p-values of p[m] into holm[m] and
 * bh[m] (either may be NULL); NaN entries are left out of the family and
 * stay NaN.  iwork holds m ints.  Ties are ordered by index.
 */
extern void grp_adjust(const double *p, int m, double *holm, double *bh, int *iwork);

/*
 * Wilson score interval of a proportion phat observed on n (> 0,
 * possibly fractional: an effective size) trials, z the normal quantile.
 */
extern void grp_wilson(double phat, double n, double z, double *lo, double *hi);

/*
 * Pooled two-proportion z statistic of p1 on n1 against p2 on n2; *se
 * receives the pooled standard error of p1 - p2.  NaN when undefined (a
 * pooled proportion of 0 or 1, or an empty side).
 */
extern double grp_two_prop_z(double p1, double n1, double p2, double n2, double *se);

/*
 * Quantile q in [0, 1] of sorted x[n] (n > 0), linear interpolation
 * between order statistics (PostgreSQL's percentile_cont, numpy's default)
 */
extern double grp_quantile(const double *sorted, int64_t n, double q);

/*
 * Statistical rejection sampling of one prompt's n candidates with rewards
 * r[n] (in the caller's order, which should be a stable one: ids), as in
 * Algorithm 1 of Liu et al. (2023): in rounds, each remaining candidate is
 * accepted with probability exp((r - r_max) / beta), r_max the largest
 * remaining reward, until target candidates are accepted or none remain.
 * order[k] receives the index of the k-th accepted candidate and round[k]
 * its round (1-based); returns the number accepted, min(target, n).
 * removed holds n chars of work space.
 */
extern int	grp_rso_sample(const double *r, int n, double beta, int target, PrefRng *rng,
						   int *order, int *round, char *removed);

#endif							/* PGPREF_GROUPS_CORE_H */
