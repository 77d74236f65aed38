/*
 * rng.c - seeded random numbers shared by the modules (see rng.h).
 * Plain C, no postgres.h.
 */
#include <math.h>

#include "rng.h"

/* splitmix64 step */
uint64_t
pref_splitmix64(uint64_t *state)
{
	uint64_t	z = (*state += UINT64_C(0x9E3779B97F4A7C15));

	z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
	return z ^ (z >> 31);
}

/* Ensure the generator state is a deterministic function of seed */
void
pref_rng_seed(PrefRng *rng, uint64_t seed)
{
	uint64_t	x = seed;

	for (int i = 0; i < 4; i++)
		rng->s[i] = pref_splitmix64(&x);
}

/* Rotate left */
static inline uint64_t
Rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

/* Next 64 random bits (xoshiro256**) */
uint64_t
pref_rng_next(PrefRng *rng)
{
	uint64_t   *s = rng->s;
	uint64_t	result = Rotl(s[1] * 5, 7) * 9;
	uint64_t	t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = Rotl(s[3], 45);
	return result;
}

/* Uniform in [0, 1) */
double
pref_rng_uniform(PrefRng *rng)
{
	return (double) (pref_rng_next(rng) >> 11) * 0x1.0p-53;
}

/* Uniform integer in [0, n) by Lemire's multiply-and-reject */
uint32_t
pref_rng_below(PrefRng *rng, uint32_t n)
{
	uint64_t	m = (pref_rng_next(rng) >> 32) * (uint64_t) n;
	uint32_t	l = (uint32_t) m;

	if (l < n)
	{
		uint32_t	t = (uint32_t) (-n) % n;

		while (l < t)
		{
			m = (pref_rng_next(rng) >> 32) * (uint64_t) n;
			l = (uint32_t) m;
		}
	}
	return (uint32_t) (m >> 32);
}

/* Uniform random permutation of 0..n-1 (Fisher-Yates) */
void
pref_rng_permutation(PrefRng *rng, int n, int *perm)
{
	for (int i = 0; i < n; i++)
		perm[i] = i;
	for (int i = n - 1; i > 0; i--)
	{
		int			j = (int) pref_rng_below(rng, (uint32_t) i + 1);
		int			t = perm[i];

		perm[i] = perm[j];
		perm[j] = t;
	}
}
