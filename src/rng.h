/*
 * rng.h - the seeded random numbers shared by the modules: splitmix64 (a
 * one-word generator, also the seed expander), xoshiro256** (four words),
 * uniform doubles, unbiased bounded integers and permutations (binomial
 * and multinomial draws: binomial.h).  Plain C: no postgres.h.  Every sequence is a pure function of the
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

#endif							/* PGPREF_RNG_H */
