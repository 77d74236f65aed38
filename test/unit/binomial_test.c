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

/* splitmix64: an independent uniform stream for the test */
static double
Unif(void *state)
{
	uint64_t   *s = state;
	uint64_t	z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	z ^= z >> 31;
	return (double) (z >> 11) * (1.0 / 9007199254740992.0);
}

static double
LogPmf(int64_t n, double p, int64_t k)
{
	return lgamma((double) n + 1) - lgamma((double) k + 1) - lgamma((double) (n - k) + 1) +
		k * log(p) + (n - k) * log1p(-p);
}

static int	ntest = 0;
static int	nfail = 0;

static void
Check(int ok, const char *what)
{
	ntest++;
	if (!ok)
		nfail++;
	printf("%s %d - %s\n", ok ? "ok" : "not ok", ntest, what);
}

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
	double		inside = 0,
				chi = 0,
				acc_o = 0,
				acc_e = 0,
				summ = 0;
	int			df = -1;
	char		msg[200];
	uint64_t	s = seed;

	for (int i = 0; i < draws; i++)
	{
		int64_t		x = binomial_sample(n, p, Unif, &s);

		summ += x;
		if (x < 0 || x > n)
		{
			Check(0, "draw out of range");
			return;
		}
		if (x < lo)
			obs[0]++;
		else if (x > hi)
			obs[nb + 1]++;
		else
			obs[x - lo + 1]++;
	}
	for (int64_t k = lo; k <= hi; k++)
	{
		expct[k - lo + 1] = draws * exp(LogPmf(n, p, k));
		inside += expct[k - lo + 1];
	}
	expct[0] = 0;
	expct[nb + 1] = draws - inside;
	/* pool bins until each expected count is at least 5 */
	for (int b = 0; b < nb + 2; b++)
	{
		acc_o += obs[b];
		acc_e += expct[b];
		if (acc_e >= 5 || b == nb + 1)
		{
			if (acc_e > 0)
			{
				chi += (acc_o - acc_e) * (acc_o - acc_e) / acc_e;
				df++;
			}
			acc_o = acc_e = 0;
		}
	}
	{
		/* Wilson-Hilferty: upper 1e-6 quantile, z = 4.753 */
		double		crit = df * pow(1 - 2.0 / (9 * df) + 4.753 * sqrt(2.0 / (9 * df)), 3);

		snprintf(msg, sizeof(msg), "Binomial(%lld, %g): chi2 %.1f on %d df < %.1f; mean %.4f vs %.4f",
				 (long long) n, p, chi, df, crit, summ / draws, mean);
		Check(df > 0 && chi < crit && fabs(summ / draws - mean) < 6 * sd / sqrt(draws) + 1e-12, msg);
	}
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

	Check(binomial_sample(0, 0.3, Unif, &s) == 0 && binomial_sample(9, 0, Unif, &s) == 0 &&
		  binomial_sample(9, 1, Unif, &s) == 9, "edge cases n = 0, p = 0, p = 1");

	for (int r = 0; r < 20000; r++)
	{
		int64_t		tot = 0;

		multinomial_sample(1000, w, 5, out, Unif, &s);
		for (int i = 0; i < 5; i++)
		{
			tot += out[i];
			sums[i] += out[i];
		}
		if (tot != 1000 || out[1] != 0)
			sum_ok = 0;
	}
	Check(sum_ok, "multinomial draws always sum to n and skip zero-weight cells");
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
		Check(ok, "multinomial cell means equal n * p within 6 standard errors");
	}
	printf("1..%d\n", ntest);
	return nfail ? 1 : 0;
}
