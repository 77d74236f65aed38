/*
 * Unit test of src/poisson.c against exact probabilities (lgamma), without
 * a server: chi-square goodness of fit of Poisson draws for means on both
 * sides of the inversion / PTRS switch (with and without the log(k!)
 * table), alias-table frequencies, and the multinomial draw by
 * Poissonization: sums, zero-weight cells, and each cell's marginal
 * against its exact Binomial(n, p) law.  Deterministic seeds; prints TAP.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "poisson.h"
#include "unit_test.h"

/* Poisson log pmf */
static double
LogPoisson(double lam, int64_t k)
{
	return -lam + k * log(lam) - lgamma((double) k + 1);
}

/* Inversion tables for k means (a pool of cap entries, 0: the default) */
static PoissonTables *
NewTables(int k, int cap)
{
	PoissonTables *t = calloc(1, sizeof(PoissonTables));

	t->which = calloc(k, sizeof(int32_t));
	t->tab = calloc(poisson_tables_hash_size(k) / 2, sizeof(PoissonTable));
	t->cap = cap > 0 ? cap : poisson_tables_cap(k);
	t->cdf = calloc(t->cap, sizeof(double));
	t->guide = calloc(t->cap, sizeof(int32_t));
	t->hash = calloc(poisson_tables_hash_size(k), sizeof(int32_t));
	return t;
}

/* Free NewTables */
static void
FreeTables(PoissonTables *t)
{
	free(t->which);
	free(t->tab);
	free(t->cdf);
	free(t->guide);
	free(t->hash);
	free(t);
}

/*
 * Poisson(lam) draws against the pmf; table 0: PTRS or inversion with
 * lgamma, 1: with the log(k!) table, 2: by an inversion table
 */
static void
ChiPoisson(double lam, int table, uint64_t seed)
{
	const int	draws = 2000000;
	double		sd = sqrt(lam);
	int64_t		lo = (int64_t) fmax(0, floor(lam - 6 * sd - 2));
	int64_t		hi = (int64_t) ceil(lam + 6 * sd + 2);
	int			nb = (int) (hi - lo + 1);
	long	   *obs = calloc(nb + 2, sizeof(long));
	double	   *expct = calloc(nb + 2, sizeof(double));
	double		summ = 0,
				chi;
	int			df,
				ok;
	uint64_t	s = seed;
	PoissonConsts c;
	static double lf[4096];
	PoissonTables *tabs = NewTables(1, 0);

	poisson_logfact_table(lf, 4096);
	poisson_prepare(lam, &c);
	poisson_tables_prepare(&c, 1, tabs);
	if (table == 2 && tabs->which[0] != 0)
	{
		unit_check(0, "no inversion table built");
		return;
	}
	for (int i = 0; i < draws; i++)
	{
		int64_t		x = table == 2 ? poisson_table_sample(tabs, 0, unit_unif, &s) :
			poisson_sample(&c, table ? lf : NULL, 4096, unit_unif, &s);

		summ += x;
		if (x < 0)
		{
			unit_check(0, "negative draw");
			return;
		}
		unit_bin(obs, x, lo, hi);
	}
	for (int64_t k = lo; k <= hi; k++)
		expct[k - lo + 1] = draws * exp(LogPoisson(lam, k));
	ok = unit_chi_square(obs, expct, nb, draws, &chi, &df);
	unit_check(ok && fabs(summ / draws - lam) < 6 * sd / sqrt(draws),
			   "Poisson(%g)%s: chi2 %.1f on %d df; mean %.4f", lam,
			   table == 2 ? " by an inversion table" : table ? "" : " without the table",
			   chi, df, summ / draws);
	free(obs);
	free(expct);
	FreeTables(tabs);
}

/*
 * Cell 0 of Multinomial(n, w) by Poissonization against Binomial(n, w0 /
 * sum); cap -1: no inversion tables, 0: the default pool, else a pool of
 * cap entries
 */
static void
ChiMultinomial(int64_t n, const double *w, int k, uint64_t seed, int cap)
{
	const int	draws = k > 10 ? 40000 : 300000;
	PoissonConsts *c = calloc(k, sizeof(PoissonConsts));
	double	   *prob = calloc(k, sizeof(double));
	int32_t    *alias = calloc(k, sizeof(int32_t));
	int32_t    *scratch = calloc(k, sizeof(int32_t));
	int64_t    *out = calloc(k, sizeof(int64_t));
	double		tot = 0,
				p,
				sd,
				chi;
	int64_t		lo,
				hi;
	int			nb,
				df,
				ok,
				sums_ok = 1;
	long	   *obs;
	double	   *expct;
	uint64_t	s = seed;
	PoissonTables *tabs = cap >= 0 ? NewTables(k, cap) : NULL;
	double		t = poisson_multinomial_prepare(n, w, k, c, prob, alias, scratch, tabs);

	for (int i = 0; i < k; i++)
		tot += w[i];
	p = w[0] / tot;
	sd = sqrt(n * p * (1 - p));
	lo = (int64_t) fmax(0, floor(n * p - 6 * sd - 2));
	hi = (int64_t) fmin((double) n, ceil(n * p + 6 * sd + 2));
	nb = (int) (hi - lo + 1);
	obs = calloc(nb + 2, sizeof(long));
	expct = calloc(nb + 2, sizeof(double));
	for (int r = 0; r < draws; r++)
	{
		int64_t		sum = 0;

		poisson_multinomial_sample(n, k, c, prob, alias, NULL, 0, tabs, out, unit_unif, &s);
		for (int i = 0; i < k; i++)
		{
			sum += out[i];
			if (w[i] == 0 && out[i] != 0)
				sums_ok = 0;
		}
		if (sum != n)
			sums_ok = 0;
		unit_bin(obs, out[0], lo, hi);
	}
	for (int64_t x = lo; x <= hi; x++)
		expct[x - lo + 1] = draws * exp(unit_log_binomial(n, p, x));
	unit_check(sums_ok, "Multinomial(%lld, %d cells, Poisson total %.1f, %d inversion tables): draws sum to n, zero-weight cells 0",
			   (long long) n, k, t, tabs ? tabs->ntab : 0);
	ok = unit_chi_square(obs, expct, nb, draws, &chi, &df);
	unit_check(ok, "Multinomial(%lld, %d cells): cell 0 ~ Binomial(n, %.4f), chi2 %.1f on %d df",
			   (long long) n, k, p, chi, df);
	free(c);
	free(prob);
	free(alias);
	free(scratch);
	free(out);
	free(obs);
	free(expct);
	if (tabs)
		FreeTables(tabs);
}

int
main(void)
{
	static const double w5[5] = {3, 0, 1, 6, 10};
	double		w300[300];
	double		prob[5];
	int32_t		alias[5],
				scratch[5];
	long		cnt[5] = {0};
	uint64_t	s = 11;
	PoissonConsts z;

	ChiPoisson(0.3, 1, 1);			/* inversion */
	ChiPoisson(4.0, 1, 2);
	ChiPoisson(9.99, 1, 3);			/* just below the switch */
	ChiPoisson(10.0, 1, 4);			/* PTRS from here */
	ChiPoisson(37.5, 1, 5);
	ChiPoisson(37.5, 0, 6);			/* lgamma instead of the table */
	ChiPoisson(3000.0, 1, 7);		/* beyond the table */
	ChiPoisson(1e6, 1, 8);

	poisson_prepare(0, &z);
	unit_check(poisson_sample(&z, NULL, 0, unit_unif, &s) == 0, "Poisson(0) is 0");

	alias_build(w5, 5, prob, alias, scratch);
	for (int r = 0; r < 1000000; r++)
		cnt[alias_sample(prob, alias, 5, unit_unif, &s)]++;
	{
		int			ok = cnt[1] == 0;

		for (int i = 0; i < 5; i++)
		{
			double		p = w5[i] / 20.0;

			if (fabs(cnt[i] - 1e6 * p) > 6 * sqrt(1e6 * p * (1 - p)) + 1e-9)
				ok = 0;
		}
		unit_check(ok, "alias table: frequencies within 6 standard errors, zero weight never drawn");
	}

	ChiPoisson(0.3, 2, 31);			/* inversion tables */
	ChiPoisson(4.0, 2, 32);
	ChiPoisson(9.99, 2, 33);
	ChiPoisson(50.5, 2, 34);
	ChiPoisson(1024.0, 2, 35);		/* the largest mean with a table */

	/* tables: one per distinct mean, none above the largest or beyond the pool */
	{
		PoissonConsts c4[4];
		PoissonTables *tb = NewTables(4, 0),
				   *small = NewTables(4, 0);

		poisson_prepare(50, &c4[0]);
		poisson_prepare(1025, &c4[1]);
		poisson_prepare(50, &c4[2]);
		poisson_prepare(3, &c4[3]);
		poisson_tables_prepare(c4, 4, tb);
		unit_check(tb->ntab == 2 && tb->which[0] == 0 && tb->which[1] == -1 && tb->which[2] == 0 &&
				   tb->which[3] == 1, "inversion tables: shared by equal means, none above 1024");
		unit_check(tb->tab[0].len > 50 && tb->tab[0].len < 200 &&
				   tb->cdf[tb->tab[0].len - 1] == 1 &&
				   fabs(tb->cdf[50] - 0.537516691) < 1e-9 && fabs(tb->cdf[40] - 0.086070000) < 1e-9,
				   "inversion table of mean 50: ends at 1, P(X <= 50) and P(X <= 40) as scipy.stats.poisson.cdf");
		small->cap = tb->tab[0].len + 1;	/* room for the first table only */
		poisson_tables_prepare(c4, 4, small);
		unit_check(small->ntab == 1 && small->which[0] == 0 && small->which[2] == 0 && small->which[3] == -1,
				   "inversion tables: a mean without room in the pool has none");
		FreeTables(tb);
		FreeTables(small);
	}

	/* 300,000 distinct means: the pool and the hash stay bounded, the rest have no table */
	{
		const int	k = 300000;
		PoissonConsts *cm = calloc(k, sizeof(PoissonConsts));
		PoissonTables *tb = NewTables(k, 0);
		int			ok = 1,
					with = 0;
		int64_t		used = 0;

		for (int i = 0; i < k; i++)
			poisson_prepare(0.5 + i * (1000.0 / k), &cm[i]);
		poisson_tables_prepare(cm, k, tb);
		for (int i = 0; i < tb->ntab; i++)
			used += tb->tab[i].len;
		for (int i = 0; i < k; i++)
			if (tb->which[i] >= 0)
			{
				const PoissonTable *x = &tb->tab[tb->which[i]];

				with++;
				ok &= tb->which[i] < tb->ntab && x->len > cm[i].lam && tb->cdf[x->start + x->len - 1] == 1;
			}
		unit_check(ok && with == tb->ntab && with > 1000 && with < k && used <= tb->cap && tb->cap == 1 << 20 &&
				   tb->ntab <= poisson_tables_hash_size(k) / 2,
				   "inversion tables: 300,000 distinct means fill a pool of 2^20 entries, the others have none");
		free(cm);
		FreeTables(tb);
	}

	ChiMultinomial(1000, w5, 5, 21, -1);	/* Poisson total plus top-up */
	ChiMultinomial(1000, w5, 5, 24, 0); /* the same by inversion tables */
	ChiMultinomial(6, w5, 5, 22, 0);	/* few draws: categorical only */
	for (int i = 0; i < 300; i++)
		w300[i] = (i % 7 == 3) ? 0 : 1 + (i * 37) % 11;
	ChiMultinomial(50000, w300, 300, 23, -1);
	ChiMultinomial(50000, w300, 300, 25, 0);
	ChiMultinomial(50000, w300, 300, 26, 600);	/* some means by PTRS */
	ChiMultinomial(2000000, w300, 300, 27, 0);	/* means above 1024: PTRS */
	return unit_done();
}
