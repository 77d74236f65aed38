/*
 * binomial.h - exact binomial and multinomial variates.
 *
 * Plain C, no postgres.h.  The caller supplies the uniform generator, so
 * every module keeps its own seeded stream.
 */
#ifndef PGPREF_BINOMIAL_H
#define PGPREF_BINOMIAL_H

#include <stdint.h>

/* Uniform double in [0, 1) from the caller's generator */
typedef double (*UniformFn) (void *state);

/* One Binomial(n, p) variate (n >= 0, 0 <= p <= 1) */
extern int64_t binomial_sample(int64_t n, double p, UniformFn unif, void *state);

/*
 * One Multinomial(n, weights / sum(weights)) draw over k cells into out[k]
 * by conditional binomials; weights >= 0, not all zero.  out sums to n.
 */
extern void multinomial_sample(int64_t n, const double *weights, int k,
							   int64_t *out, UniformFn unif, void *state);

#endif							/* PGPREF_BINOMIAL_H */
