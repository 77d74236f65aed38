/*
 * poisson.h - exact Poisson variates with per-mean constants prepared once
 * (inversion below mean 10, Hormann's transformed rejection "PTRS" above),
 * inversion tables with a guide for means drawn many times, Walker/Vose
 * alias tables for categorical draws, and an exact multinomial draw by
 * Poissonization (independent Poisson counts of total mean below n, topped
 * up by categorical draws) for many cells and many replicates.
 *
 * Plain C, no postgres.h.  The caller supplies the uniform generator
 * (binomial.h's UniformFn), so every module keeps its own seeded stream.
 */
#ifndef PGPREF_POISSON_H
#define PGPREF_POISSON_H

#include <stddef.h>
#include <stdint.h>

#include "binomial.h"

/* Constants of one Poisson mean (poisson_prepare) */
typedef struct PoissonConsts
{
	double		lam;			/* the mean; 0: always 0 */
	double		c0;				/* inversion: exp(-lam); PTRS: log(lam) */
	double		b,
				a,
				vr,
				inv_alpha;	/* PTRS constants (the last is 1 / alpha) */
} PoissonConsts;

/* Fill the constants of mean lam (lam >= 0, finite) */
extern void poisson_prepare(double lam, PoissonConsts *c);

/* log(k!) for k = 0 .. n - 1 (a table for poisson_sample) */
extern void poisson_logfact_table(double *lf, int n);

/* One Poisson(c->lam) variate; lf[nlf]: log(k!) table or NULL (lgamma) */
extern int64_t poisson_sample(const PoissonConsts *c, const double *lf, int nlf,
							  UniformFn unif, void *state);

/*
 * Alias table of k weights (>= 0, sum > 0): prob[k] doubles, alias[k]
 * ints; scratch holds k ints.
 */
extern void alias_build(const double *w, int k, double *prob, int32_t *alias, int32_t *scratch);

/* One category drawn from an alias table of k entries */
extern int	alias_sample(const double *prob, const int32_t *alias, int k, UniformFn unif, void *state);

/*
 * Inversion tables of Poisson means (the multinomial draw below): for a
 * mean lam up to POISSON_TABLE_MAX_MEAN, cdf[j] = P(X <= j) for j = 0 ..
 * len - 1, where len ends at the first j > lam whose probability is below
 * 1e-20 times the mode's (the mass beyond, below 1e-19, is far under the
 * 2^-53 steps of a uniform; the table is normalized to end at 1), and a
 * guide table (Chen and Asau) of len entries: guide[g] is
 * the least j with cdf[j] > g / len.  One draw is one uniform u and the
 * least j with u < cdf[j], searched from guide[floor(u len)]: about one
 * comparison.  Means of the same value
 * share one table.  The caller provides the arrays: which[k] (the table
 * of each mean, -1: none), the tables (start and length in the pools),
 * a pool of cap cdf doubles and cap guide ints (poisson_tables_cap) and
 * the hash of the preparation; the pool and the hash are bounded (2^20
 * entries, 2^16 distinct means), so means beyond them draw otherwise.
 */
#define POISSON_TABLE_MAX_MEAN 1024.0

typedef struct PoissonTable
{
	int32_t		start;			/* first entry of cdf and guide in the pools */
	int32_t		len;
} PoissonTable;

typedef struct PoissonTables
{
	int32_t    *which;			/* [k] table of mean i, -1: none */
	PoissonTable *tab;			/* [poisson_tables_hash_size(k) / 2] at most */
	double	   *cdf;			/* [cap] */
	int32_t    *guide;			/* [cap] */
	int32_t    *hash;			/* [poisson_tables_hash_size(k)] scratch */
	int			cap;
	int			ntab;
} PoissonTables;

/* Pool entries (cap) and ints of hash scratch to provide for k means */
extern int	poisson_tables_cap(int k);
extern int	poisson_tables_hash_size(int k);

/* Tables of the means consts[k] (see above) */
extern void poisson_tables_prepare(const PoissonConsts *consts, int k, PoissonTables *t);

/* One Poisson draw by a table's inversion (see above) */
extern int64_t poisson_table_sample(const PoissonTables *t, int table, UniformFn unif, void *state);

/*
 * Exact Multinomial(n, w / sum(w)) by Poissonization.  Prepared once per
 * (n, w): poisson_multinomial_prepare chooses the Poisson total mean t
 * (n - 4 sqrt(n), or 0 when n is small against k: categorical draws only),
 * fills consts[k] with the means t w_i / sum(w), the alias table
 * (prob[k], alias[k], scratch k ints) and, when tabs is not NULL, the
 * inversion tables of the means up to POISSON_TABLE_MAX_MEAN, in the
 * order of the means, while the pool has room (the other means draw by
 * PTRS or sequential inversion).  Each draw: independent Poisson counts (their sum m is
 * Poisson(t); given m they are Multinomial(m, .)), redrawn whole in the
 * rare case m > n, then n - m categorical draws added: the sum is
 * Multinomial(n, .) exactly.  Returns t.
 */
extern double poisson_multinomial_prepare(int64_t n, const double *w, int k, PoissonConsts *consts,
										  double *prob, int32_t *alias, int32_t *scratch,
										  PoissonTables *tabs);
extern void poisson_multinomial_sample(int64_t n, int k, const PoissonConsts *consts,
									   const double *prob, const int32_t *alias, const double *lf, int nlf,
									   const PoissonTables *tabs, int64_t *out, UniformFn unif, void *state);

#endif							/* PGPREF_POISSON_H */
