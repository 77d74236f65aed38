/*
 * selmerge_core.c - near-duplicate representatives and cluster quotas (see
 * selmerge_core.h).  Plain C over caller buffers; BLAS through src/linalg.h
 * only to screen pairs, decisions on exact scalar similarities.
 */
#include <float.h>
#include <math.h>
#include <string.h>

#include "linalg.h"
#include "selmerge_core.h"

/*
 * Bound on |BLAS similarity - exact similarity| of a pair of rows,
 * e_abs + e_rel (sqnorm_i + sqnorm_j): the bound subset_core.c uses for its
 * screens (cosine: about d roundings of a unit inner product; l2: the norms
 * trick within (4d + 16) epsilons of the norms, times gamma for exp).
 */
static void
PairErr(const SubsetData *s, double *e_abs, double *e_rel)
{
	double		d = s->d;

	if (s->metric == SUBSET_L2)
	{
		*e_abs = 4.0 * DBL_EPSILON;
		*e_rel = s->gamma * (4.0 * d + 16.0) * DBL_EPSILON;
	}
	else
	{
		*e_abs = (d + 8.0) * DBL_EPSILON;
		*e_rel = 0.0;
	}
}

/* Squared norm of row i under l2, 0 under cosine */
static inline double
SqNorm(const SubsetData *s, int64_t i)
{
	return s->metric == SUBSET_L2 ? s->sqnorm[i] : 0.0;
}

/* Leader clustering in id order, every decision on exact similarities */
void
selmerge_representatives(const SubsetData *s, double threshold, int block,
						 double *blockbuf, double *repx, int64_t *reps, int64_t *rep)
{
	int64_t		n = s->n;
	int			d = s->d;
	int64_t		nrep = 0;
	double		e_abs,
				e_rel;

	PairErr(s, &e_abs, &e_rel);
	for (int64_t r0 = 0; r0 < n; r0 += block)
	{
		int			nr = (int) (n - r0 < block ? n - r0 : block);
		int64_t		r_start = nrep;

		if (s->tick)
			s->tick(s->tick_arg);
		if (s->progress)
			s->progress(s->tick_arg, "rows grouped", r0, n);
		/* screen: rows of this block against the representatives so far */
		if (r_start > 0)
		{
			linalg_gemm(0, 1, nr, (int) r_start, d, 1.0, s->x + (size_t) r0 * d,
						repx, 0.0, blockbuf);
			if (s->metric == SUBSET_L2)
				for (int a = 0; a < nr; a++)
				{
					double	   *row = blockbuf + (size_t) a * r_start;
					double		sa = s->sqnorm[r0 + a];

					for (int64_t b = 0; b < r_start; b++)
					{
						double		d2 = sa + s->sqnorm[reps[b]] - 2.0 * row[b];

						row[b] = exp(-s->gamma * (d2 > 0.0 ? d2 : 0.0));
					}
				}
		}
		for (int a = 0; a < nr; a++)
		{
			int64_t		i = r0 + a;
			int64_t		best = -1;
			double		bestsim = -INFINITY;

			for (int64_t b = 0; b < nrep; b++)
			{
				double		ex;

				if (b < r_start)
				{
					double		e = e_abs + e_rel * (SqNorm(s, i) + SqNorm(s, reps[b]));

					if (blockbuf[(size_t) a * r_start + b] < threshold - e)
						continue;	/* the exact similarity is below too */
				}
				ex = subset_exact_sim(s, i, reps[b]);
				/* representatives are in id order: the first of equals wins */
				if (ex >= threshold && ex > bestsim)
				{
					bestsim = ex;
					best = b;
				}
			}
			if (best < 0)
			{
				reps[nrep] = i;
				memcpy(repx + (size_t) nrep * d, s->x + (size_t) i * d, sizeof(double) * d);
				nrep++;
				rep[i] = i;
			}
			else
				rep[i] = reps[best];
		}
	}
}
