/*
 * groups_core.c - group comparisons and sampling helpers (see groups_core.h).
 * Plain C, no postgres.h.
 */
#include <math.h>
#include <stdlib.h>

#include "groups_core.h"

/* Two-sided p-value of a standard normal statistic */
double
grp_pvalue(double z)
{
	if (isnan(z))
		return NAN;
	return erfc(fabs(z) / sqrt(2.0));
}

/* Sort the indices of the finite p-values by (p, index) */
static int
SortedIndices(const double *p, int m, int *idx)
{
	int			k = 0;

	for (int i = 0; i < m; i++)
		if (!isnan(p[i]))
			idx[k++] = i;
	/* shell sort: no comparator state, ties by index */
	for (int gap = k / 2; gap > 0; gap /= 2)
		for (int i = gap; i < k; i++)
		{
			int			v = idx[i];
			int			j = i;

			while (j >= gap && (p[idx[j - gap]] > p[v] ||
								(p[idx[j - gap]] == p[v] && idx[j - gap] > v)))
			{
				idx[j] = idx[j - gap];
				j -= gap;
			}
			idx[j] = v;
		}
	return k;
}

/* Holm (step-down) and Benjamini-Hochberg (step-up) adjusted p-values */
void
grp_adjust(const double *p, int m, double *holm, double *bh, int *iwork)
{
	int			k = SortedIndices(p, m, iwork);

	for (int i = 0; i < m; i++)
	{
		if (holm)
			holm[i] = NAN;
		if (bh)
			bh[i] = NAN;
	}
	if (holm)
	{
		double		run = 0;

		for (int r = 0; r < k; r++)
		{
			double		v = fmin(1.0, (double) (k - r) * p[iwork[r]]);

			run = fmax(run, v);
			holm[iwork[r]] = run;
		}
	}
	if (bh)
	{
		double		run = 1.0;

		for (int r = k - 1; r >= 0; r--)
		{
			double		v = fmin(1.0, (double) k / (double) (r + 1) * p[iwork[r]]);

			run = fmin(run, v);
			bh[iwork[r]] = run;
		}
	}
}

/* Wilson score interval */
void
grp_wilson(double phat, double n, double z, double *lo, double *hi)
{
	double		z2 = z * z;
	double		denom = 1.0 + z2 / n;
	double		centre = (phat + z2 / (2.0 * n)) / denom;
	double		half = z / denom * sqrt(fmax(phat * (1.0 - phat), 0.0) / n + z2 / (4.0 * n * n));

	*lo = fmax(0.0, centre - half);
	*hi = fmin(1.0, centre + half);
}

/* Pooled two-proportion z statistic */
double
grp_two_prop_z(double p1, double n1, double p2, double n2, double *se)
{
	double		pool,
				s;

	*se = NAN;
	if (!(n1 > 0) || !(n2 > 0))
		return NAN;
	pool = (p1 * n1 + p2 * n2) / (n1 + n2);
	s = sqrt(pool * (1.0 - pool) * (1.0 / n1 + 1.0 / n2));
	if (!(s > 0))
		return NAN;
	*se = s;
	return (p1 - p2) / s;
}

/* Linear-interpolation quantile of sorted data */
double
grp_quantile(const double *sorted, int64_t n, double q)
{
	double		h = q * (double) (n - 1);
	int64_t		lo = (int64_t) floor(h);
	int64_t		hi = lo + 1 < n ? lo + 1 : n - 1;

	if (lo < 0)
		lo = 0;
	if (lo >= n)
		lo = n - 1;
	return sorted[lo] + (h - (double) lo) * (sorted[hi] - sorted[lo]);
}

/* RSO rejection sampling of one prompt's candidates */
int
grp_rso_sample(const double *r, int n, double beta, int target, PrefRng *rng,
			   int *order, int *round, char *removed)
{
	int			k = 0;
	int			left = n;
	int			rd = 0;

	for (int i = 0; i < n; i++)
		removed[i] = 0;
	while (k < target && left > 0)
	{
		double		rmax = -INFINITY;
		int			taken = 0;

		rd++;
		for (int i = 0; i < n; i++)
			if (!removed[i] && r[i] > rmax)
				rmax = r[i];
		for (int i = 0; i < n && k < target; i++)
		{
			double		u;

			if (removed[i])
				continue;
			u = pref_rng_uniform(rng);
			if (u >= exp((r[i] - rmax) / beta))
				continue;
			order[k] = i;
			round[k] = rd;
			k++;
			taken++;
		}
		/* remove after the pass, as the paper's algorithm does */
		for (int j = k - taken; j < k; j++)
			removed[order[j]] = 1;
		left -= taken;
	}
	return k;
}
