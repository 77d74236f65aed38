/*
 * Shared helpers of the server-free unit tests (test/unit/, one per core): the
 * test's own uniform stream (splitmix64), TAP reporting with a counter and
 * the final plan line, exact binomial probabilities, and the chi-square
 * goodness-of-fit check of binned draws.  Header-only (static inline), as
 * test/unit.sh compiles one test source with the core named like it.
 */
#ifndef PGPREF_UNIT_TEST_H
#define PGPREF_UNIT_TEST_H

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>

static int	unit_ntest = 0;
static int	unit_nfail = 0;

/* splitmix64: the next 64 random bits of the stream in *state */
static inline uint64_t
unit_next(uint64_t *state)
{
	uint64_t	z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform in [0, 1) from a splitmix64 state (a uint64_t; binomial.h's UniformFn) */
static inline double
unit_unif(void *state)
{
	return (double) (unit_next(state) >> 11) * (1.0 / 9007199254740992.0);
}

/* Record one TAP result (printf-style description); returns ok */
static inline int unit_check(int ok, const char *fmt,...) __attribute__((format(printf, 2, 3)));

static inline int
unit_check(int ok, const char *fmt,...)
{
	va_list		ap;

	unit_ntest++;
	if (!ok)
		unit_nfail++;
	printf("%s %d - ", ok ? "ok" : "not ok", unit_ntest);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	return ok;
}

/* Print the TAP plan line; the exit status of the test (1 if any failed) */
static inline int
unit_done(void)
{
	printf("1..%d\n", unit_ntest);
	return unit_nfail ? 1 : 0;
}

/* Binomial(n, p) log probability of k (lgamma) */
static inline double
unit_log_binomial(int64_t n, double p, int64_t k)
{
	return lgamma((double) n + 1) - lgamma((double) k + 1) - lgamma((double) (n - k) + 1) +
		k * log(p) + (n - k) * log1p(-p);
}

/*
 * Count draw x in obs: obs[1 + x - lo] for lo <= x <= hi, the tails pooled
 * in obs[0] (below lo) and obs[hi - lo + 2] (above hi)
 */
static inline void
unit_bin(long *obs, int64_t x, int64_t lo, int64_t hi)
{
	if (x < lo)
		obs[0]++;
	else if (x > hi)
		obs[hi - lo + 2]++;
	else
		obs[x - lo + 1]++;
}

/* Upper 1e-6 quantile of chi-square on df degrees of freedom (Wilson-Hilferty, z = 4.753) */
static inline double
unit_chi2_crit(int df)
{
	return df * pow(1 - 2.0 / (9 * df) + 4.753 * sqrt(2.0 / (9 * df)), 3);
}

/*
 * Chi-square goodness of fit of draws binned by unit_bin (nb = hi - lo + 1
 * central bins) against expct[1..nb], the expected counts of the central
 * bins; the tails get what is left of draws (expct[0] and expct[nb + 1] are
 * overwritten).  Bins are pooled to an expected count of at least 5.  Sets
 * *chi and *df; true when df > 0 and chi is below unit_chi2_crit(df).
 */
static inline int
unit_chi_square(const long *obs, double *expct, int nb, double draws, double *chi, int *df)
{
	double		inside = 0,
				acc_o = 0,
				acc_e = 0;

	*chi = 0;
	*df = -1;
	for (int b = 1; b <= nb; b++)
		inside += expct[b];
	expct[0] = 0;
	expct[nb + 1] = draws - inside;
	for (int b = 0; b < nb + 2; b++)
	{
		acc_o += obs[b];
		acc_e += expct[b];
		if (acc_e >= 5 || b == nb + 1)
		{
			if (acc_e > 0)
			{
				*chi += (acc_o - acc_e) * (acc_o - acc_e) / acc_e;
				(*df)++;
			}
			acc_o = acc_e = 0;
		}
	}
	return *df > 0 && *chi < unit_chi2_crit(*df);
}

#endif							/* PGPREF_UNIT_TEST_H */
