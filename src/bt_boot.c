/*
 * bt_boot.c - the Poisson bootstrap of tally cells (random numbers and
 * Poisson draws from rng.c).  Plain C, no postgres.h.
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
#include "rng.h"

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
				pref_poisson_consts(mu[o], consts + (size_t) k * 15 + o * PREF_POISSON_NCONST);
	}
}

/* Poisson bootstrap replicate of the cells */
void
bt_resample(const BtCell *in, BtCell *out, int ncells, const double *consts, PrefRng *rng)
{
	for (int k = 0; k < ncells; k++)
	{
		const BtCell *c = &in[k];
		const double *ck = consts + (size_t) k * 15;
		BtCell	   *o = &out[k];
		double		r;

		*o = *c;
		r = pref_rng_poisson_prepared(rng, c->na, ck);
		o->wa = c->na > 0 ? c->wa * r / c->na : 0;
		o->na = r;
		r = pref_rng_poisson_prepared(rng, c->nb, ck + 5);
		o->wb = c->nb > 0 ? c->wb * r / c->nb : 0;
		o->nb = r;
		r = pref_rng_poisson_prepared(rng, c->nt, ck + 10);
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
