/*
 * bt_boot.c - seeded random numbers (xoshiro256**), Poisson draws and the
 * Poisson bootstrap of tally cells.  Plain C, no postgres.h.
 *
 * Resampling the rows of a tally with replacement only changes how often
 * each cell outcome is seen, so a replicate is drawn over the cells without
 * a pass over the rows.  With Poisson(1) weights per row (the Poisson
 * bootstrap), the count of an outcome seen n times is Poisson(n),
 * independently across cells; conditioned on the total it is exactly the
 * multinomial draw of the classic bootstrap.
 */
#include <math.h>
#include <string.h>

#include "bt_boot.h"

/* splitmix64 step */
static uint64_t
SplitMix(uint64_t *x)
{
	uint64_t	z = (*x += 0x9E3779B97F4A7C15ULL);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

/* Seed the generator */
void
bt_rng_seed(BtRng *rng, uint64_t seed)
{
	for (int i = 0; i < 4; i++)
		rng->s[i] = SplitMix(&seed);
}

/* Rotate left */
static inline uint64_t
Rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

/* Next 64 random bits (xoshiro256**) */
static uint64_t
Next(BtRng *rng)
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
bt_rng_uniform(BtRng *rng)
{
	return (double) (Next(rng) >> 11) * 0x1.0p-53;
}

/* PTRS constants for mean mu (Hoermann 1993), c[5]: b, a, invalpha, vr, log(mu) */
static void
PtrsConstants(double mu, double *c)
{
	double		b = 0.931 + 2.53 * sqrt(mu);

	c[0] = b;
	c[1] = -0.059 + 0.02483 * b;
	c[2] = 1.1239 + 1.1328 / (b - 3.4);
	c[3] = 0.9277 - 3.6224 / (b - 2);
	c[4] = log(mu);
}

/* Poisson(mu) with mu >= 10 by PTRS, constants from PtrsConstants */
static double
PoissonPtrs(BtRng *rng, double mu, const double *c)
{
	double		b = c[0],
				a = c[1];

	for (;;)
	{
		double		U = bt_rng_uniform(rng) - 0.5,
					V = bt_rng_uniform(rng),
					us = 0.5 - fabs(U),
					k = floor((2 * a / us + b) * U + mu + 0.43);

		if (us >= 0.07 && V <= c[3])
			return k;
		if (k < 0 || (us < 0.013 && V > us))
			continue;
		if (log(V * c[2] / (a / (us * us) + b)) <= -mu + k * c[4] - lgamma(k + 1))
			return k;
	}
}

/* Poisson(mu) for mu < 10: multiplication method */
static double
PoissonSmall(BtRng *rng, double mu)
{
	double		limit = exp(-mu),
				prod = 1.0,
				k = 0;

	for (;;)
	{
		prod *= bt_rng_uniform(rng);
		if (prod <= limit)
			return k;
		k++;
	}
}

/* Poisson(mu) */
double
bt_rng_poisson(BtRng *rng, double mu)
{
	double		c[5];

	if (!(mu > 0))
		return 0;
	if (mu < 10)
		return PoissonSmall(rng, mu);
	PtrsConstants(mu, c);
	return PoissonPtrs(rng, mu, c);
}

/* Constants reused by every replicate: 5 doubles per cell outcome */
size_t
bt_resample_consts_size(int ncells)
{
	return (size_t) ncells * 15;
}

/* Fill the per-cell PTRS constants (outcomes with mean >= 10) */
void
bt_resample_prepare(const BtCell *in, int ncells, double *consts)
{
	for (int k = 0; k < ncells; k++)
	{
		double		mu[3] = {in[k].na, in[k].nb, in[k].nt};

		for (int o = 0; o < 3; o++)
			if (mu[o] >= 10)
				PtrsConstants(mu[o], consts + (size_t) k * 15 + o * 5);
	}
}

/* One Poisson draw for a cell outcome */
static inline double
Draw(BtRng *rng, double mu, const double *c)
{
	if (!(mu > 0))
		return 0;
	if (mu < 10)
		return PoissonSmall(rng, mu);
	return PoissonPtrs(rng, mu, c);
}

/* Poisson bootstrap replicate of the cells */
void
bt_resample(const BtCell *in, BtCell *out, int ncells, const double *consts, BtRng *rng)
{
	for (int k = 0; k < ncells; k++)
	{
		const BtCell *c = &in[k];
		const double *ck = consts + (size_t) k * 15;
		BtCell	   *o = &out[k];
		double		r;

		*o = *c;
		r = Draw(rng, c->na, ck);
		o->wa = c->na > 0 ? c->wa * r / c->na : 0;
		o->na = r;
		r = Draw(rng, c->nb, ck + 5);
		o->wb = c->nb > 0 ? c->wb * r / c->nb : 0;
		o->nb = r;
		r = Draw(rng, c->nt, ck + 10);
		o->t = c->nt > 0 ? c->t * r / c->nt : 0;
		o->nt = r;
	}
}

/* Quantile q of sorted x with linear interpolation */
double
bt_quantile_sorted(const double *x, int n, double q)
{
	double		h = q * (n - 1);
	int			lo = (int) floor(h);

	if (n <= 0)
		return NAN;
	if (lo >= n - 1)
		return x[n - 1];
	if (lo < 0)
		return x[0];
	return x[lo] + (h - lo) * (x[lo + 1] - x[lo]);
}
