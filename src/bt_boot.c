/*
 * bt_boot.c - the bootstrap of tally cells (random numbers from rng.c,
 * exact multinomial draws from binomial.c).  Plain C, no postgres.h.
 *
 * Resampling the N battles of a tally with replacement only changes how
 * often each cell outcome is seen, so a replicate is one multinomial draw of
 * N over the cell outcomes (probabilities count / N), without a pass over
 * the rows.  Weights scale with the count.
 */
#include <math.h>
#include <string.h>

#include "binomial.h"
#include "bt_boot.h"
#include "rng.h"

/* Work space: 3 outcome counts per cell, their total, 3 draws per cell */
size_t
bt_resample_consts_size(int ncells)
{
	return (size_t) ncells * 6 + 1;
}

/* Record each cell outcome's count and the total number of battles */
void
bt_resample_prepare(const BtCell *in, int ncells, double *work)
{
	double		total = 0;

	for (int k = 0; k < ncells; k++)
	{
		work[3 * k] = in[k].na;
		work[3 * k + 1] = in[k].nb;
		work[3 * k + 2] = in[k].nt;
		total += in[k].na + in[k].nb + in[k].nt;
	}
	work[(size_t) ncells * 3] = total;
}

/* Uniform draws from the caller's xoshiro stream */
static double
Uniform(void *state)
{
	return pref_rng_uniform((PrefRng *) state);
}

/* Scale a weight by the ratio of new to old count */
static double
Scaled(double w, double n_old, int64_t n_new)
{
	return n_old > 0 ? w * (double) n_new / n_old : 0;
}

/* Multinomial bootstrap replicate of the cells */
void
bt_resample(const BtCell *in, BtCell *out, int ncells, double *work, PrefRng *rng)
{
	size_t		n3 = (size_t) ncells * 3;
	int64_t    *draw = (int64_t *) (work + n3 + 1);

	multinomial_sample((int64_t) llround(work[n3]), work, (int) n3, draw, Uniform, rng);
	for (int k = 0; k < ncells; k++)
	{
		const BtCell *c = &in[k];
		BtCell	   *o = &out[k];

		*o = *c;
		o->wa = Scaled(c->wa, c->na, draw[3 * k]);
		o->na = (double) draw[3 * k];
		o->wb = Scaled(c->wb, c->nb, draw[3 * k + 1]);
		o->nb = (double) draw[3 * k + 1];
		o->t = Scaled(c->t, c->nt, draw[3 * k + 2]);
		o->nt = (double) draw[3 * k + 2];
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
