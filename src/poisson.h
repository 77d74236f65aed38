/*
 * poisson.h - exact Poisson variates with per-mean constants prepared once
 * (inversion below mean 10, Hormann's transformed rejection "PTRS" above),
 * Walker/Vose alias tables for categorical draws, and an exact multinomial
 * draw by Poissonization (independent Poisson counts of total mean below n,
 * topped up by categorical draws) for many cells and many replicates.
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
 * Exact Multinomial(n, w / sum(w)) by Poissonization.  Prepared once per
 * (n, w): poisson_multinomial_prepare chooses the Poisson total mean t
 * (n - 4 sqrt(n), or 0 when n is small against k: categorical draws only),
 * fills consts[k] with the means t w_i / sum(w) and the alias table
 * (prob[k], alias[k], scratch k ints).  Each draw: independent Poisson
 * counts (their sum m is Poisson(t); given m they are Multinomial(m, .)),
 * redrawn whole in the rare case m > n, then n - m categorical draws
 * added: the sum is Multinomial(n, .) exactly.  Returns t.
 */
extern double poisson_multinomial_prepare(int64_t n, const double *w, int k, PoissonConsts *consts,
										  double *prob, int32_t *alias, int32_t *scratch);
extern void poisson_multinomial_sample(int64_t n, int k, const PoissonConsts *consts,
									   const double *prob, const int32_t *alias, const double *lf, int nlf,
									   int64_t *out, UniformFn unif, void *state);

#endif							/* PGPREF_POISSON_H */
