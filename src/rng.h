/*
 * rng.h - the seeded random numbers shared by the modules: splitmix64 (a
 * one-word generator, also the seed expander), xoshiro256** (four words),
 * uniform doubles, unbiased bounded integers, permutations and Poisson
 * draws.  Plain C: no postgres.h.  Every sequence is a pure function of the
 * seed, so results are reproducible across runs and platforms.
 */
#ifndef PGPREF_RNG_H
#define PGPREF_RNG_H

#include <stdint.h>

/* xoshiro256** state */
typedef struct PrefRng
{
	uint64_t	s[4];
} PrefRng;

/* One splitmix64 step: advance *state and return 64 well-mixed bits */
extern uint64_t pref_splitmix64(uint64_t *state);

/* Seed xoshiro256**: its four words are four splitmix64 steps from seed */
extern void pref_rng_seed(PrefRng *rng, uint64_t seed);

/* Next 64 random bits (xoshiro256**) */
extern uint64_t pref_rng_next(PrefRng *rng);

/* Uniform double in [0, 1) with 53 random bits */
extern double pref_rng_uniform(PrefRng *rng);

/* Uniform integer in [0, n), n > 0, without modulo bias (Lemire) */
extern uint32_t pref_rng_below(PrefRng *rng, uint32_t n);

/* Uniform random permutation of 0..n-1 into perm (Fisher-Yates) */
extern void pref_rng_permutation(PrefRng *rng, int n, int *perm);

/*
 * Poisson(mu) draws: multiplication method below mu = 10, PTRS (Hoermann
 * 1993) from 10 up.  pref_poisson_consts fills the PREF_POISSON_NCONST
 * PTRS constants of a mean >= 10 once; pref_rng_poisson_prepared draws with
 * them (c is not read when mu < 10); pref_rng_poisson computes them itself.
 * mu <= 0 (or NaN) gives 0.
 */
#define PREF_POISSON_NCONST 5
extern void pref_poisson_consts(double mu, double *c);
extern double pref_rng_poisson_prepared(PrefRng *rng, double mu, const double *c);
extern double pref_rng_poisson(PrefRng *rng, double mu);

#endif							/* PGPREF_RNG_H */
