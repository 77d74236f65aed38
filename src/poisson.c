/*
 * poisson.c - exact Poisson variates, alias tables and the multinomial
 * draw by Poissonization (see poisson.h).  Plain C, no postgres.h.
 */
#include <math.h>
#include <stdint.h>

#include "poisson.h"

/* Means below this use inversion, the rest transformed rejection */
#define PTRS_MIN_MEAN 10.0

/* Fill the constants of mean lam (Hormann 1993, "PTRS", for lam >= 10) */
void
poisson_prepare(double lam, PoissonConsts *c)
{
	double		slam;

	c->lam = lam > 0 ? lam : 0;
	c->b = c->a = c->vr = c->inv_alpha = 0;
	if (c->lam < PTRS_MIN_MEAN)
	{
		c->c0 = exp(-c->lam);
		return;
	}
	slam = sqrt(c->lam);
	c->c0 = log(c->lam);
	c->b = 0.931 + 2.53 * slam;
	c->a = -0.059 + 0.02483 * c->b;
	c->vr = 0.9277 - 3.6224 / (c->b - 2.0);
	c->inv_alpha = 1.1239 + 1.1328 / (c->b - 3.4);
}

/* log(k!) for k = 0 .. n - 1 into lf */
void
poisson_logfact_table(double *lf, int n)
{
	double		s = 0;

	for (int k = 0; k < n; k++)
	{
		if (k > 1)
			s += log((double) k);
		lf[k] = s;
	}
}

/* Inversion by sequential search from 0 (mean below 10) */
static int64_t
PoissonInversion(const PoissonConsts *c, UniformFn unif, void *state)
{
	for (;;)
	{
		double		u = unif(state);
		double		p = c->c0;
		int64_t		k = 0;

		while (u > p)
		{
			u -= p;
			k++;
			p *= c->lam / (double) k;
			if (k > 1000)
				break;
		}
		if (k <= 1000)
			return k;
		/* rounding left u above the total mass: draw again */
	}
}

/* Transformed rejection with squeeze (mean at least 10) */
static int64_t
PoissonPtrs(const PoissonConsts *c, const double *lf, int nlf, UniformFn unif, void *state)
{
	/* beyond lam + 64 sqrt(lam) + 1000 the mass is far below 1e-300 */
	double		kmax = c->lam + 64.0 * sqrt(c->lam) + 1000.0;

	for (;;)
	{
		double		u = unif(state) - 0.5;
		double		v = unif(state);
		double		us = 0.5 - fabs(u);
		double		kd;

		if (us <= 0.0)
			continue;
		kd = floor((2.0 * c->a / us + c->b) * u + c->lam + 0.43);
		if (us >= 0.07 && v <= c->vr)
			return (int64_t) kd;	/* the box where the hat is tight */
		if (kd < 0.0 || kd > kmax || (us < 0.013 && v > us))
			continue;
		/* v / (alpha (a / us^2 + b)) <= the Poisson probability of kd */
		if (v * c->inv_alpha / (c->a / (us * us) + c->b) <=
			exp(-c->lam + kd * c->c0 - (kd < nlf ? lf[(int64_t) kd] : lgamma(kd + 1.0))))
			return (int64_t) kd;
	}
}

/* One Poisson(c->lam) variate */
int64_t
poisson_sample(const PoissonConsts *c, const double *lf, int nlf, UniformFn unif, void *state)
{
	if (c->lam <= 0)
		return 0;
	if (c->lam < PTRS_MIN_MEAN)
		return PoissonInversion(c, unif, state);
	return PoissonPtrs(c, lf, lf ? nlf : 0, unif, state);
}

/* Vose's alias method: small entries from the front of scratch, large from the back */
void
alias_build(const double *w, int k, double *prob, int32_t *alias, int32_t *scratch)
{
	double		total = 0;
	int			ns = 0,
				nl = 0,
				some = -1;

	for (int i = 0; i < k; i++)
	{
		total += w[i] > 0 ? w[i] : 0;
		if (w[i] > 0 && some < 0)
			some = i;
	}
	for (int i = 0; i < k; i++)
	{
		prob[i] = w[i] > 0 ? w[i] * (double) k / total : 0;
		alias[i] = i;
		if (prob[i] < 1.0)
			scratch[ns++] = i;
		else
			scratch[k - 1 - nl++] = i;
	}
	while (ns > 0 && nl > 0)
	{
		int			s = scratch[--ns];
		int			l = scratch[k - nl];

		alias[s] = l;
		prob[l] -= 1.0 - prob[s];
		if (prob[l] < 1.0)
		{
			/* l moves from the large end to the small end */
			nl--;
			scratch[ns++] = l;
		}
	}
	/* what is left is 1 up to rounding; a zero weight never stays */
	for (int i = 0; i < ns; i++)
	{
		int			s = scratch[i];

		prob[s] = w[s] > 0 ? 1.0 : 0.0;
		alias[s] = w[s] > 0 ? s : some;
	}
	for (int i = 0; i < nl; i++)
		prob[scratch[k - 1 - i]] = 1.0;
}

/* One category from an alias table */
int
alias_sample(const double *prob, const int32_t *alias, int k, UniformFn unif, void *state)
{
	double		u = unif(state) * (double) k;
	int			i = (int) u;

	if (i >= k)
		i = k - 1;
	return u - (double) i < prob[i] ? i : alias[i];
}

/* Choose the Poisson total, prepare the means and the alias table */
double
poisson_multinomial_prepare(int64_t n, const double *w, int k, PoissonConsts *consts,
							double *prob, int32_t *alias, int32_t *scratch)
{
	double		total = 0,
				t;

	for (int i = 0; i < k; i++)
		total += w[i] > 0 ? w[i] : 0;
	/* few draws against many cells: categorical draws only */
	t = (double) n <= 2.0 * k ? 0.0 : (double) n - 4.0 * sqrt((double) n);
	if (t < 0)
		t = 0;
	for (int i = 0; i < k; i++)
		poisson_prepare(w[i] > 0 && total > 0 ? t * (w[i] / total) : 0, &consts[i]);
	if (total > 0)
		alias_build(w, k, prob, alias, scratch);
	return t;
}

/* Exact Multinomial(n, .) draw: Poisson counts, then categorical top-up */
void
poisson_multinomial_sample(int64_t n, int k, const PoissonConsts *consts,
						   const double *prob, const int32_t *alias, const double *lf, int nlf,
						   int64_t *out, UniformFn unif, void *state)
{
	int64_t		m;

	for (;;)
	{
		m = 0;
		for (int i = 0; i < k; i++)
		{
			out[i] = poisson_sample(&consts[i], lf, nlf, unif, state);
			m += out[i];
		}
		if (m <= n)
			break;
		/* total above n (probability about 3e-5): redraw the whole replicate */
	}
	for (; m < n; m++)
		out[alias_sample(prob, alias, k, unif, state)]++;
}
