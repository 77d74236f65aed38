/*
 * Unit test of src/binomial.c against exact probabilities (lgamma), without
 * a server: chi-square goodness of fit of 2,000,000 draws for several (n, p),
 * each against a critical value at the 1e-6 level, plus multinomial sums and
 * means.  Deterministic seeds; prints TAP.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "binomial.h"
#include "unit_test.h"

/* chi-square of draws vs the pmf over the central range, tails pooled */
static void
ChiSquare(int64_t n, double p, uint64_t seed)
{
	const int	draws = 2000000;
	double		mean = n * p,
				sd = sqrt(n * p * (1 - p));
	int64_t		lo = (int64_t) fmax(0, floor(mean - 6 * sd - 2));
	int64_t		hi = (int64_t) fmin((double) n, ceil(mean + 6 * sd + 2));
	int			nb = (int) (hi - lo + 1);
	long	   *obs = calloc(nb + 2, sizeof(long));
	double	   *expct = calloc(nb + 2, sizeof(double));
	double		chi,
				summ = 0;
	int			df,
				ok;
	uint64_t	s = seed;

	for (int i = 0; i < draws; i++)
	{
		int64_t		x = binomial_sample(n, p, unit_unif, &s);

		summ += x;
		if (x < 0 || x > n)
		{
			unit_check(0, "draw out of range");
			return;
		}
		unit_bin(obs, x, lo, hi);
	}
	for (int64_t k = lo; k <= hi; k++)
		expct[k - lo + 1] = draws * exp(unit_log_binomial(n, p, k));
	ok = unit_chi_square(obs, expct, nb, draws, &chi, &df);
	unit_check(ok && fabs(summ / draws - mean) < 6 * sd / sqrt(draws) + 1e-12,
			   "Binomial(%lld, %g): chi2 %.1f on %d df < %.1f; mean %.4f vs %.4f",
			   (long long) n, p, chi, df, unit_chi2_crit(df), summ / draws, mean);
	free(obs);
	free(expct);
}

int
main(void)
{
	uint64_t	s = 7;
	int64_t		out[5];
	const double w[5] = {3, 0, 1, 6, 10};
	double		sums[5] = {0};
	int			sum_ok = 1;

	ChiSquare(20, 0.3, 1);			/* inversion */
	ChiSquare(30, 0.01, 2);			/* inversion, small p */
	ChiSquare(1000, 0.3, 3);		/* BTRS */
	ChiSquare(100000, 0.02, 4);		/* BTRS, large n */
	ChiSquare(50, 0.9, 5);			/* p > 1/2 by symmetry */
	ChiSquare(10000000, 0.4, 6);	/* 10 million battles */
	ChiSquare(21, 0.5, 7);			/* n p just above 10 */

	unit_check(binomial_sample(0, 0.3, unit_unif, &s) == 0 && binomial_sample(9, 0, unit_unif, &s) == 0 &&
			   binomial_sample(9, 1, unit_unif, &s) == 9, "edge cases n = 0, p = 0, p = 1");

	for (int r = 0; r < 20000; r++)
	{
		int64_t		tot = 0;

		multinomial_sample(1000, w, 5, out, unit_unif, &s);
		for (int i = 0; i < 5; i++)
		{
			tot += out[i];
			sums[i] += out[i];
		}
		if (tot != 1000 || out[1] != 0)
			sum_ok = 0;
	}
	unit_check(sum_ok, "multinomial draws always sum to n and skip zero-weight cells");
	{
		int			ok = 1;

		for (int i = 0; i < 5; i++)
		{
			double		p = w[i] / 20.0;
			double		m = sums[i] / 20000.0;
			double		se = sqrt(1000 * p * (1 - p) / 20000.0);

			if (fabs(m - 1000 * p) > 6 * se + 1e-12)
				ok = 0;
		}
		unit_check(ok, "multinomial cell means equal n * p within 6 standard errors");
	}
	return unit_done();
}
