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

/*
 * Relative slack of the bounds of kmeans_assign_bounded: (d + 16) epsilon,
 * over twice the relative error bound gamma_(d+6) of linalg_det_sqdist (a
 * sum of d non-negative terms, each of relative error 3u) plus a few
 * roundings of a bound
 */
static inline double
KmeansSlack(int d)
{
	return (d + 16.0) * DBL_EPSILON;
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
 * When lower is not NULL, lower[i] receives a lower bound on the exact
 * Euclidean distance of row i to every centroid but label[i] (see
 * the comment in the loop); the labels and distances do not depend on it.
 */
static void
AssignBlock(int n, int d, int k, int metric, const double *x,
			const double *c, const double *csq,
			int *label, double *dist, double *lower, double *work)
{
	double		cmax = 0;
	double		slack = KmeansSlack(d);

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
		if (lower != NULL)
		{
			/*
			 * Second pass over the block row: the smallest lower bound on
			 * |x - c_j|^2 over j != arg.  BLAS values give xsq + a - 2 tol
			 * (twice the margin the candidate test relies on); re-checked
			 * centroids give e (1 - slack) when that is larger.
			 */
			double		m = INFINITY;

			for (int j = 0; j < k; j++)
			{
				double		lb;

				if (j == arg)
					continue;
				lb = xsq + (csq[j] - 2.0 * g[j]) - 2.0 * tol;
				if (lb < m)
				{
					double		a = csq[j] - 2.0 * g[j];

					if (a <= best + 2.0 * tol)
					{
						double		e = linalg_det_sqdist(d, xi, c + (size_t) j * d) * (1.0 - slack);

						if (e > lb)
							lb = e;
					}
					if (lb < m)
						m = lb;
				}
			}
			lower[i] = m > 0 ? sqrt(m) * (1.0 - slack) : 0.0;
		}
	}
}

/* Plain blocked assignment (the aggregate's path) */
void
kmeans_assign_block(int n, int d, int k, int metric, const double *x,
					const double *c, const double *csq,
					int *label, double *dist, double *work)
{
	AssignBlock(n, d, k, metric, x, c, csq, label, dist, NULL, work);
}

/* Bounds scratch: KMEANS_BLOCK_ROWS x (k + d + 3) doubles and 2 k doubles */
size_t
kmeans_bounded_work(int k, int d)
{
	return (size_t) KMEANS_BLOCK_ROWS * (k + d + 3) + 2 * (size_t) k;
}

/*
 * Whether the n values are all within KMEANS_BOUNDS_MAX in magnitude, so
 * that no distance, norm or BLAS value of the bounds overflows
 */
int
kmeans_bounds_safe(int64_t n, const double *v)
{
	for (int64_t i = 0; i < n; i++)
		if (!(fabs(v[i]) <= KMEANS_BOUNDS_MAX))
			return 0;
	return 1;
}

/* Assign the gathered rows in full and scatter label, dist and lower */
static void
FlushGathered(int nb, int d, int k, int metric, const double *c, const double *csq,
			  const int64_t *idx, double *rows, int *label, double *dist, double *lower,
			  double *dots, double *bdist, double *blower, int *blabel)
{
	AssignBlock(nb, d, k, metric, rows, c, csq, blabel, bdist, blower, dots);
	for (int r = 0; r < nb; r++)
	{
		label[idx[r]] = blabel[r];
		dist[idx[r]] = bdist[r];
		lower[idx[r]] = blower[r];
	}
}

/*
 * Bounded assignment of all n rows (Hamerly 2010), see kmeans_core.h.
 * Exact Euclidean distances: delta(x, c) of the stored doubles.  After a
 * pass, lower[i] <= delta(x_i, c_j) for every j != label[i].  Centroid j
 * then moves by at most move[j] (an upper bound), so lower[i] minus the
 * largest move of another centroid bounds the new distances; a second bound
 * is sep[a] - delta(x_i, c_a), sep[a] being a lower bound on the distance
 * from c_a to the nearest other centroid.  With e = det_sqdist(x_i, c_a)
 * (the value the full path would compute and report), a row keeps a when
 * B^2 (1 - slack) > e for the larger bound B: then every other centroid's
 * deterministic distance exceeds e strictly (its relative error is below
 * slack / 2), so the full path would pick a too, ties included.  Every bound
 * is rounded towards safety by a factor 1 -/+ slack (KmeansSlack: (d + 16)
 * epsilon, more than twice the deterministic kernel's relative error bound
 * plus the rounding of the few operations on a bound).
 */
int64_t
kmeans_assign_bounded(int64_t n, int d, int k, int metric, const double *x,
					  const double *c, const double *csq, const double *c_old,
					  int *label, double *dist, double *lower, double *work,
					  int *iwork, kmeans_tick_fn tick, void *tick_arg)
{
	double	   *dots = work;
	double	   *rows = dots + (size_t) KMEANS_BLOCK_ROWS * k;
	double	   *bdist = rows + (size_t) KMEANS_BLOCK_ROWS * d;
	double	   *blower = bdist + KMEANS_BLOCK_ROWS;
	double	   *idxd = blower + KMEANS_BLOCK_ROWS;
	double	   *move = idxd + KMEANS_BLOCK_ROWS;
	double	   *sep = move + k;
	int64_t    *idx = (int64_t *) idxd;
	int		   *blabel = iwork;
	double		slack = KmeansSlack(d),
				move1 = 0,
				move2 = 0;
	int			jmove1 = -1,
				nb = 0;
	int64_t		nfull = 0;

	if (c_old != NULL && !(kmeans_bounds_safe((int64_t) k * d, c) &&
						   kmeans_bounds_safe((int64_t) k * d, c_old)))
		c_old = NULL;
	if (c_old == NULL)
	{
		/* no bounds yet: every row in full, in blocks */
		for (int64_t i = 0; i < n; i += KMEANS_BLOCK_ROWS)
		{
			int			b = (int) (n - i < KMEANS_BLOCK_ROWS ? n - i : KMEANS_BLOCK_ROWS);

			if (tick)
				tick(tick_arg);
			AssignBlock(b, d, k, metric, x + (size_t) i * d, c, csq, label + i,
						dist + i, lower + i, dots);
		}
		return n;
	}

	/* upper bounds on the moves: the largest and the second largest */
	for (int j = 0; j < k; j++)
	{
		double		m = sqrt(linalg_det_sqdist(d, c + (size_t) j * d, c_old + (size_t) j * d)) * (1.0 + slack);

		move[j] = m;
		if (m > move1)
		{
			move2 = move1;
			move1 = m;
			jmove1 = j;
		}
		else if (m > move2)
			move2 = m;
	}
	/* lower bounds on the distance from each centroid to its nearest other */
	for (int j = 0; j < k; j++)
		sep[j] = INFINITY;
	for (int j = 0; j < k; j++)
		for (int l = j + 1; l < k; l++)
		{
			double		s = sqrt(linalg_det_sqdist(d, c + (size_t) j * d, c + (size_t) l * d)) * (1.0 - slack);

			if (s < sep[j])
				sep[j] = s;
			if (s < sep[l])
				sep[l] = s;
		}

	for (int64_t i = 0; i < n; i++)
	{
		const double *xi = x + (size_t) i * d;
		int			a = label[i];
		double		shrink = a == jmove1 ? move2 : move1,
					lb = (lower[i] - shrink) * (1.0 - slack),
					e,
					sb;

		if (tick && (i & 4095) == 0)
			tick(tick_arg);
		if (!(lb > 0))
			lb = 0;
		e = linalg_det_sqdist(d, xi, c + (size_t) a * d);
		sb = (sep[a] - sqrt(e) * (1.0 + slack)) * (1.0 - slack);
		if (sb > lb)
			lb = sb;
		if (lb * lb * (1.0 - slack) > e)
		{
			dist[i] = MetricDist(metric, e);
			lower[i] = lb;
			continue;
		}
		/* the bounds cannot decide: assign in full with the next block */
		memcpy(rows + (size_t) nb * d, xi, sizeof(double) * d);
		idx[nb++] = i;
		nfull++;
		if (nb == KMEANS_BLOCK_ROWS)
		{
			FlushGathered(nb, d, k, metric, c, csq, idx, rows, label, dist, lower,
						  dots, bdist, blower, blabel);
			nb = 0;
		}
	}
	if (nb > 0)
		FlushGathered(nb, d, k, metric, c, csq, idx, rows, label, dist, lower,
					  dots, bdist, blower, blabel);
	return nfull;
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

/*
 * D^2 (in the metric's units) and owner of every row against the
 * candidates cand[from..to): chunks of at most KMEANS_BLOCK_ROWS
 * candidates, BLAS blocks with the exact re-check (kmeans_assign_block), a
 * row moving to a candidate only when strictly nearer (earlier wins ties)
 */
static void
ParUpdate(int64_t n, int d, int metric, const double *x, const int64_t *cand,
		  int64_t from, int64_t to, double *d2, int64_t *owner, KmeansParWork *w,
		  kmeans_tick_fn tick, void *tick_arg)
{
	for (int64_t j0 = from; j0 < to; j0 += KMEANS_BLOCK_ROWS)
	{
		int			kc = (int) (to - j0 < KMEANS_BLOCK_ROWS ? to - j0 : KMEANS_BLOCK_ROWS);

		for (int j = 0; j < kc; j++)
			memcpy(w->cx + (size_t) j * d, x + (size_t) cand[j0 + j] * d, sizeof(double) * d);
		kmeans_sqnorms(kc, d, w->cx, w->csq);
		for (int64_t i = 0; i < n; i += KMEANS_BLOCK_ROWS)
		{
			int			b = (int) (n - i < KMEANS_BLOCK_ROWS ? n - i : KMEANS_BLOCK_ROWS);

			if (tick)
				tick(tick_arg);
			kmeans_assign_block(b, d, kc, metric, x + (size_t) i * d, w->cx, w->csq,
								w->label, w->dist, w->dots);
			for (int r = 0; r < b; r++)
				if (w->dist[r] < d2[i + r])
				{
					d2[i + r] = w->dist[r];
					owner[i + r] = j0 + w->label[r];
				}
		}
	}
}

/*
 * k-means|| (Bahmani et al. 2012), see kmeans_core.h: one uniform row, then
 * rounds in which every row becomes a candidate independently with
 * probability min(1, 2k D^2 / sum D^2) (one uniform draw per row per round,
 * in row order), D^2 updated after each round; at least KMEANS_PAR_ROUNDS
 * rounds and until there are k candidates (or no row is left with D^2 > 0).
 * Each candidate is weighted by the rows nearest to it, and k-means++ on
 * the weighted candidates picks the k centroids.
 */
int
kmeans_par_seed(int64_t n, int d, int k, int metric, const double *x,
				uint64_t seed, double *c, KmeansParWork *w,
				kmeans_tick_fn tick, void *tick_arg)
{
	PrefRng		rng;
	int64_t		m = 0,
				first;
	double		ell = 2.0 * k;
	double	   *d2 = w->d2;
	int64_t    *owner = w->owner;
	int64_t    *cand = w->cand;
	double	   *wt = w->wt;
	int			chosen = 0;

	pref_rng_seed(&rng, seed);
	first = (int64_t) floor(pref_rng_uniform(&rng) * (double) n);
	if (first >= n)
		first = n - 1;
	cand[m++] = first;
	for (int64_t i = 0; i < n; i++)
		d2[i] = INFINITY;
	ParUpdate(n, d, metric, x, cand, 0, 1, d2, owner, w, tick, tick_arg);
	for (int round = 0; round < KMEANS_PAR_ROUNDS || m < k; round++)
	{
		double		psi = 0;
		int64_t		before = m;

		for (int64_t i = 0; i < n; i++)
			psi += d2[i];
		if (!(psi > 0) || round >= 4 * KMEANS_PAR_ROUNDS)
			break;
		for (int64_t i = 0; i < n; i++)
		{
			double		u = pref_rng_uniform(&rng);

			if (d2[i] > 0 && u * psi < ell * d2[i])
				cand[m++] = i;
		}
		ParUpdate(n, d, metric, x, cand, before, m, d2, owner, w, tick, tick_arg);
	}

	/* weights: rows per candidate */
	for (int64_t j = 0; j < m; j++)
		wt[j] = 0;
	for (int64_t i = 0; i < n; i++)
		wt[owner[i]] += 1.0;

	/* weighted k-means++ over the candidates (d2 reused for them) */
	for (int64_t j = 0; j < m; j++)
		d2[j] = INFINITY;
	for (;;)
	{
		double		total = 0,
					u,
					cum = 0;
		int64_t		pick = -1,
					last = -1;

		if (tick)
			tick(tick_arg);
		for (int64_t j = 0; j < m; j++)
		{
			double		p = chosen == 0 ? 1.0 : d2[j];

			total += wt[j] * p;
		}
		if (!(total > 0))
			return KMEANS_FEW_DISTINCT;
		u = pref_rng_uniform(&rng) * total;
		for (int64_t j = 0; j < m; j++)
		{
			double		p = wt[j] * (chosen == 0 ? 1.0 : d2[j]);

			if (!(p > 0))
				continue;
			last = j;
			cum += p;
			if (cum > u)
			{
				pick = j;
				break;
			}
		}
		if (pick < 0)
			pick = last;
		memcpy(c + (size_t) chosen * d, x + (size_t) cand[pick] * d, sizeof(double) * d);
		if (++chosen == k)
			return KMEANS_OK;
		for (int64_t j = 0; j < m; j++)
		{
			double		e = linalg_det_sqdist(d, x + (size_t) cand[j] * d, c + (size_t) (chosen - 1) * d);

			if (e < d2[j])
				d2[j] = e;
		}
	}
}
