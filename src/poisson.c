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

/* Pool entries for the tables of k means: room for a few hundred distinct means, at most 2^20 */
int
poisson_tables_cap(int k)
{
	return k < ((1 << 20) - 16384) / 4 ? 16384 + 4 * k : 1 << 20;
}

/* Slots of the hash of distinct means: a power of two at least 2 k, at most 2^17 */
int
poisson_tables_hash_size(int k)
{
	int			h = 16;

	while (h < 2 * k && h < (1 << 17))
		h *= 2;
	return h;
}

/*
 * Entries of the table of mean lam: up to the first j > lam whose
 * probability is below 1e-20 times the mode's
 */
static int
TableLen(double lam)
{
	int			j = (int) floor(lam);
	double		v = 1;

	while (!(j > lam && v < 1e-20))
	{
		j++;
		v *= lam / j;
	}
	return j + 1;
}

/*
 * Fill the cdf and guide of mean lam (len entries): the probabilities
 * relative to the mode's by the ratios p(j + 1) / p(j) = lam / (j + 1) out
 * from the mode (no exp or lgamma of large arguments, whose rounding
 * would reach 1e-14), normalized so that cdf[len - 1] is 1
 */
static void
TableBuild(double lam, int len, double *cdf, int32_t *guide)
{
	int			m = (int) floor(lam),
				j = 0;
	double		s = 0;

	cdf[m] = 1;
	for (int i = m + 1; i < len; i++)
		cdf[i] = cdf[i - 1] * (lam / i);
	for (int i = m - 1; i >= 0; i--)
		cdf[i] = cdf[i + 1] < 1e-300 ? 0 : cdf[i + 1] * ((i + 1) / lam);
	for (int i = 0; i < len; i++)
	{
		s += cdf[i];
		cdf[i] = s;
	}
	for (int i = 0; i < len; i++)
		cdf[i] /= s;
	for (int g = 0; g < len; g++)
	{
		double		u = (double) g / len;

		while (j < len - 1 && cdf[j] <= u)
			j++;
		guide[g] = j;
	}
}

/* Hash slot of a mean's bits */
static uint32_t
MeanSlot(double lam, int hsize)
{
	union
	{
		double		d;
		uint64_t	u;
	}			b;

	b.d = lam;
	b.u *= UINT64_C(0x9E3779B97F4A7C15);
	return (uint32_t) (b.u >> 33) & (uint32_t) (hsize - 1);
}

/* Tables of the means up to POISSON_TABLE_MAX_MEAN, in order, while the pool has room */
void
poisson_tables_prepare(const PoissonConsts *consts, int k, PoissonTables *t)
{
	int			hsize = poisson_tables_hash_size(k),
				used = 0,
				distinct = 0;

	t->ntab = 0;
	for (int h = 0; h < hsize; h++)
		t->hash[h] = -1;
	for (int i = 0; i < k; i++)
	{
		double		lam = consts[i].lam;
		uint32_t	h;
		int			len;

		t->which[i] = -1;
		if (!(lam > 0 && lam <= POISSON_TABLE_MAX_MEAN))
			continue;
		for (h = MeanSlot(lam, hsize); t->hash[h] >= 0; h = (h + 1) & (uint32_t) (hsize - 1))
			if (consts[t->hash[h]].lam == lam)
				break;
		if (t->hash[h] >= 0)
		{
			t->which[i] = t->which[t->hash[h]];
			continue;
		}
		if (distinct >= hsize / 2)
			continue;			/* the hash is half full: no more tables */
		t->hash[h] = i;
		distinct++;
		len = TableLen(lam);
		if (len > t->cap - used)
			continue;			/* no room: this mean draws by PTRS */
		t->tab[t->ntab].start = used;
		t->tab[t->ntab].len = len;
		TableBuild(lam, len, t->cdf + used, t->guide + used);
		used += len;
		t->which[i] = t->ntab++;
	}
}

/* One draw by inversion of a table, searched from its guide */
int64_t
poisson_table_sample(const PoissonTables *t, int table, UniformFn unif, void *state)
{
	const PoissonTable *tb = &t->tab[table];
	const double *cdf = t->cdf + tb->start;
	const int32_t *guide = t->guide + tb->start;
	int			len = tb->len;

	for (;;)
	{
		double		u = unif(state);
		int			g = (int) (u * len),
					j;

		j = guide[g < len ? g : len - 1];
		/* the least j with u < cdf[j], whatever the rounding of u * len */
		while (j > 0 && u < cdf[j - 1])
			j--;
		while (j < len && u >= cdf[j])
			j++;
		if (j < len)
			return j;
		/* u above the table's mass (rounding or the far tail): draw again */
	}
}

/* Choose the Poisson total, prepare the means, the alias table and the inversion tables */
double
poisson_multinomial_prepare(int64_t n, const double *w, int k, PoissonConsts *consts,
							double *prob, int32_t *alias, int32_t *scratch, PoissonTables *tabs)
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
	if (tabs)
		poisson_tables_prepare(consts, k, tabs);
	return t;
}

/* Exact Multinomial(n, .) draw: Poisson counts, then categorical top-up */
void
poisson_multinomial_sample(int64_t n, int k, const PoissonConsts *consts,
						   const double *prob, const int32_t *alias, const double *lf, int nlf,
						   const PoissonTables *tabs, int64_t *out, UniformFn unif, void *state)
{
	int64_t		m;

	for (;;)
	{
		m = 0;
		for (int i = 0; i < k; i++)
		{
			if (tabs && tabs->which[i] >= 0)
				out[i] = poisson_table_sample(tabs, tabs->which[i], unif, state);
			else
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
