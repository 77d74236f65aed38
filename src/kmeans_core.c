/*
 * kmeans_core.c - k-means numeric core: seeding, blocked assignment with
 * exact re-check of near ties, Lloyd updates (see kmeans_core.h).
 */
#include <float.h>
#include <math.h>
#include <string.h>

#include "kmeans_core.h"
#include "linalg.h"
#include "rng.h"

/* Ensure a distance in the metric's units from a squared L2 distance */
static inline double
MetricDist(int metric, double sq)
{
	return metric == KMEANS_COSINE ? 0.5 * sq : sq;
}

/* Squared norms of the rows of c */
void
kmeans_sqnorms(int k, int d, const double *c, double *csq)
{
	for (int j = 0; j < k; j++)
		csq[j] = linalg_det_dot(d, c + (size_t) j * d, c + (size_t) j * d);
}

/* Scale x to unit length; 0 for a zero row */
int
kmeans_normalize(int d, double *x)
{
	double		nrm = sqrt(linalg_det_dot(d, x, x));

	if (!(nrm > 0))
		return 0;
	for (int i = 0; i < d; i++)
		x[i] /= nrm;
	return 1;
}

/* Scratch of kmeans_assign_block: the block of dot products */
size_t
kmeans_assign_work(int k)
{
	return (size_t) KMEANS_BLOCK_ROWS * k;
}

/*
 * Blocked assignment: BLAS distances, then the deterministic kernel on
 * every centroid within twice the rounding bound of the BLAS minimum.  The
 * bound: |fl(x.c) - x.c| <= d u |x| |c| <= d u (|x|^2 + |c|^2) / 2, so the
 * BLAS value csq - 2 x.c is within (d + 2) u (|x|^2 + max |c|^2) of the
 * exact one; we use four times that (and the scalar kernel's own error is
 * of the same order), so the exact nearest centroid is always re-checked.
 */
void
kmeans_assign_block(int n, int d, int k, int metric, const double *x,
					const double *c, const double *csq,
					int *label, double *dist, double *work)
{
	double		cmax = 0;

	for (int j = 0; j < k; j++)
		if (csq[j] > cmax)
			cmax = csq[j];
	linalg_gemm_nt_ld(n, k, d, x, d, c, d, work, k);
	for (int i = 0; i < n; i++)
	{
		const double *xi = x + (size_t) i * d;
		const double *g = work + (size_t) i * k;
		double		xsq = 0,
					best = INFINITY,
					tol,
					exact_best = INFINITY;
		int			arg = 0;

		for (int t = 0; t < d; t++)
			xsq += xi[t] * xi[t];
		for (int j = 0; j < k; j++)
		{
			double		a = csq[j] - 2.0 * g[j];

			if (a < best)
				best = a;
		}
		tol = 4.0 * (d + 4.0) * DBL_EPSILON * (xsq + cmax);
		for (int j = 0; j < k; j++)
		{
			double		a = csq[j] - 2.0 * g[j];

			if (a <= best + 2.0 * tol)
			{
				double		e = linalg_det_sqdist(d, xi, c + (size_t) j * d);

				if (e < exact_best)
				{
					exact_best = e;
					arg = j;
				}
			}
		}
		label[i] = arg;
		dist[i] = MetricDist(metric, exact_best);
	}
}

/* One row against every centroid with the deterministic kernel */
int
kmeans_nearest(int d, int k, int metric, const double *x, const double *c, double *dist)
{
	double		best = INFINITY;
	int			arg = 0;

	for (int j = 0; j < k; j++)
	{
		double		e = linalg_det_sqdist(d, x, c + (size_t) j * d);

		if (e < best)
		{
			best = e;
			arg = j;
		}
	}
	*dist = MetricDist(metric, best);
	return arg;
}

/* Per-centroid sums and counts of a block, in row order */
void
kmeans_accumulate(int n, int d, const double *x, const int *label,
				  const double *dist, double *sums, int64_t *counts, double *inertia)
{
	for (int i = 0; i < n; i++)
	{
		const double *xi = x + (size_t) i * d;
		double	   *s = sums + (size_t) label[i] * d;

		for (int t = 0; t < d; t++)
			s[t] += xi[t];
		counts[label[i]]++;
		*inertia += dist[i];
	}
}

/* Lloyd update with empty centroids kept; total squared shift */
double
kmeans_update(int k, int d, int metric, const double *c, const double *sums,
			  const int64_t *counts, double *newc)
{
	double		shift = 0;

	for (int j = 0; j < k; j++)
	{
		const double *cj = c + (size_t) j * d;
		double	   *nj = newc + (size_t) j * d;

		if (counts[j] == 0)
		{
			memcpy(nj, cj, sizeof(double) * d);
			continue;
		}
		for (int t = 0; t < d; t++)
			nj[t] = sums[(size_t) j * d + t] / (double) counts[j];
		if (metric == KMEANS_COSINE && !kmeans_normalize(d, nj))
		{
			memcpy(nj, cj, sizeof(double) * d);
			continue;
		}
		shift += linalg_det_sqdist(d, nj, cj);
	}
	return shift;
}

/* k-means++: first centroid uniform, then D^2 sampling */
int
kmeans_pp_seed(int64_t n, int d, int k, int metric, const double *x,
			   uint64_t seed, double *c, double *work,
			   kmeans_tick_fn tick, void *tick_arg)
{
	PrefRng		rng;
	int64_t		pick;

	(void) metric;
	pref_rng_seed(&rng, seed);
	pick = (int64_t) floor(pref_rng_uniform(&rng) * (double) n);
	if (pick >= n)
		pick = n - 1;
	memcpy(c, x + (size_t) pick * d, sizeof(double) * d);
	for (int64_t i = 0; i < n; i++)
		work[i] = INFINITY;
	for (int j = 1; j < k; j++)
	{
		const double *cj = c + (size_t) (j - 1) * d;
		double		total = 0,
					u,
					cum = 0;
		int64_t		last = -1;

		/* distances to the newest centroid */
		for (int64_t i = 0; i < n; i++)
		{
			double		e;

			if (tick && (i & 4095) == 0)
				tick(tick_arg);
			e = linalg_det_sqdist(d, x + (size_t) i * d, cj);
			if (e < work[i])
				work[i] = e;
			total += work[i];
		}
		if (!(total > 0))
			return KMEANS_FEW_DISTINCT;
		u = pref_rng_uniform(&rng) * total;
		pick = -1;
		for (int64_t i = 0; i < n; i++)
		{
			if (work[i] <= 0)
				continue;
			last = i;
			cum += work[i];
			if (cum > u)
			{
				pick = i;
				break;
			}
		}
		if (pick < 0)
			pick = last;
		memcpy(c + (size_t) j * d, x + (size_t) pick * d, sizeof(double) * d);
	}
	return KMEANS_OK;
}
