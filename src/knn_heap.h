/*
 * knn_heap.h - the bounded neighbour lists shared by the exact k-nearest-
 * neighbour graph of facility location (subset_core.c) and the IVF graph
 * (ivf_core.c): a min-heap of nn exact similarities per row (worst on
 * top), screened by a BLAS similarity and settled on the exact one, ties
 * to the smaller id, and the final sort of a list by row.
 *
 * Plain C, inline (the offer runs once per candidate pair): no postgres.h,
 * no allocation.
 */
#ifndef PGPREF_KNN_HEAP_H
#define PGPREF_KNN_HEAP_H

#include <stdint.h>

#include "subset_core.h"

/* Is neighbour (va, ia) worse than (vb, ib): smaller value, then larger id */
static inline int
KnnWorse(const SubsetData *s, double va, int32_t ia, double vb, int32_t ib)
{
	return va < vb || (va == vb && s->id[ia] > s->id[ib]);
}

/* Swap entries a and b of a list */
static inline void
KnnSwap(double *v, int32_t *c, int64_t a, int64_t b)
{
	double		tv = v[a];
	int32_t		tc = c[a];

	v[a] = v[b];
	c[a] = c[b];
	v[b] = tv;
	c[b] = tc;
}

/* Restore a min-heap (worst neighbour on top) of h entries below pos */
static inline void
KnnSiftDown(const SubsetData *s, double *v, int32_t *c, int64_t h, int64_t pos)
{
	for (;;)
	{
		int64_t		l = 2 * pos + 1,
					r = l + 1,
					w = pos;

		if (l < h && KnnWorse(s, v[l], c[l], v[w], c[w]))
			w = l;
		if (r < h && KnnWorse(s, v[r], c[r], v[w], c[w]))
			w = r;
		if (w == pos)
			return;
		KnnSwap(v, c, pos, w);
		pos = w;
	}
}

/*
 * Offer candidate cb, whose BLAS similarity to row q is approx (within
 * tol of the exact one), to the list (v, c) of *h of nn entries: an
 * unfilled list takes it on its exact similarity; a full one compares the
 * exact similarity only when approx does not rule it out
 */
static inline void
KnnOffer(const SubsetData *s, int64_t nn, int64_t q, int32_t cb, double approx, double tol,
		 double *v, int32_t *c, int32_t *h)
{
	if (*h < nn)
	{
		int64_t		pos = (*h)++;

		v[pos] = subset_exact_sim(s, q, cb);
		c[pos] = cb;
		while (pos > 0)
		{
			int64_t		par = (pos - 1) / 2;

			if (!KnnWorse(s, v[pos], c[pos], v[par], c[par]))
				break;
			KnnSwap(v, c, pos, par);
			pos = par;
		}
	}
	else if (approx >= v[0] - tol)
	{
		double		ex = subset_exact_sim(s, q, cb);

		if (KnnWorse(s, v[0], c[0], ex, cb))
		{
			v[0] = ex;
			c[0] = cb;
			KnnSiftDown(s, v, c, nn, 0);
		}
	}
}

/* Sort one neighbour list of h entries by row: shell sort, lists are short */
static inline void
KnnSortByCol(double *v, int32_t *c, int64_t h)
{
	static const int64_t gaps[] = {701, 301, 132, 57, 23, 10, 4, 1};

	for (int g = 0; g < 8; g++)
		for (int64_t i = gaps[g]; i < h; i++)
		{
			double		tv = v[i];
			int32_t		tc = c[i];
			int64_t		j = i;

			for (; j >= gaps[g] && c[j - gaps[g]] > tc; j -= gaps[g])
			{
				v[j] = v[j - gaps[g]];
				c[j] = c[j - gaps[g]];
			}
			v[j] = tv;
			c[j] = tc;
		}
}

#endif							/* PGPREF_KNN_HEAP_H */
