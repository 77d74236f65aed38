/*
 * ivf_core.c - cluster-pruned neighbour graphs and lazy greedy facility
 * location on them (see ivf_core.h).
 */
#include <float.h>
#include <math.h>
#include <string.h>

#include "ivf_core.h"
#include "knn_heap.h"
#include "kmeans_core.h"
#include "linalg.h"
#include "rng.h"

/* Query rows and member rows of one similarity block */
#define QB		64
#define MB		2048

/* Offsets of the pieces of ivf_build's work space */
typedef struct IvfLayout
{
	size_t		sample,
				xs,
				c,
				csq,
				newc,
				sums,
				counts,
				seedw,
				label,
				dist,
				awork,
				probe,
				moff,
				mem,
				qoff,
				qry,
				fill,
				qbuf,
				mbuf,
				qsq,
				msq,
				blk,
				cand,
				cexact,
				total;
} IvfLayout;

/* Sample size of the k-means training */
static int64_t
TrainRows(int64_t n, const IvfParams *p)
{
	return p->train_rows < n ? p->train_rows : n;
}

/* Lay out the work space */
static void
LayoutFor(int64_t n, int d, const IvfParams *p, IvfLayout *L)
{
	size_t		off = 0;
	double		m = (double) TrainRows(n, p);
	double		C = p->clusters;
	double		dn = (double) n;

	memset(L, 0, sizeof(*L));
	L->sample = subset_reserve(&off, 8.0 * m);
	L->xs = subset_reserve(&off, 8.0 * m * d);
	L->c = subset_reserve(&off, 8.0 * C * d);
	L->csq = subset_reserve(&off, 8.0 * C);
	L->newc = subset_reserve(&off, 8.0 * C * d);
	L->sums = subset_reserve(&off, 8.0 * C * d);
	L->counts = subset_reserve(&off, 8.0 * C);
	L->seedw = subset_reserve(&off, 8.0 * m);
	L->label = subset_reserve(&off, 4.0 * KMEANS_BLOCK_ROWS);
	L->dist = subset_reserve(&off, 8.0 * KMEANS_BLOCK_ROWS);
	L->awork = subset_reserve(&off, 8.0 * KMEANS_BLOCK_ROWS * C);
	L->probe = subset_reserve(&off, 4.0 * dn * p->n_probe);
	L->moff = subset_reserve(&off, 8.0 * (C + 1));
	L->mem = subset_reserve(&off, 4.0 * dn);
	L->qoff = subset_reserve(&off, 8.0 * (C + 1));
	L->qry = subset_reserve(&off, 4.0 * dn * p->n_probe);
	L->fill = subset_reserve(&off, 8.0 * C);
	L->qbuf = subset_reserve(&off, 8.0 * QB * d);
	L->mbuf = subset_reserve(&off, 8.0 * MB * d);
	L->qsq = subset_reserve(&off, 8.0 * QB);
	L->msq = subset_reserve(&off, 8.0 * MB);
	L->blk = subset_reserve(&off, 8.0 * QB * MB);
	L->cand = subset_reserve(&off, 8.0 * C);
	L->cexact = subset_reserve(&off, 8.0 * C);
	L->total = off;
}

/* Bytes of scratch space of ivf_build */
size_t
ivf_build_work(int64_t n, int d, const IvfParams *p)
{
	IvfLayout	L;

	LayoutFor(n, d, p, &L);
	return L.total;
}

/* Is candidate (ga, ia) better than (gb, ib): larger value, then smaller id */
static inline int
Better(double ga, int64_t ia, double gb, int64_t ib)
{
	return ga > gb || (ga == gb && ia < ib);
}

/* Squared norm of row i (0 under cosine: not needed) */
static inline double
SqNorm(const SubsetData *s, int64_t i)
{
	return s->sqnorm ? s->sqnorm[i] : 0.0;
}

/*
 * Bound on |BLAS similarity - exact similarity| of rows i and j (twice or
 * more what the rounding analysis gives): cosine, two inner products of
 * unit rows within about d roundings; l2, the norms trick within (4d + 16)
 * epsilons of sq_i + sq_j, moved at most gamma times by exp(-gamma t).
 */
static inline double
ScreenTol(const SubsetData *s, double sqi, double sqj)
{
	if (s->metric == SUBSET_COSINE)
		return 4.0 * (s->d + 4.0) * DBL_EPSILON;
	return s->gamma * (8.0 * s->d + 32.0) * DBL_EPSILON * (sqi + sqj) + 16.0 * DBL_EPSILON;
}

/*
 * Offer the mb member rows (indices mem[], or the contiguous rows m0.. when
 * mem is NULL) to the lists of the nq query rows q[]: one dgemm screens,
 * exact similarities decide.
 */
static void
SearchBlock(const SubsetData *s, int64_t nn, const int32_t *q, int nq, const int32_t *mem,
			int64_t m0, int mb, double *qbuf, double *mbuf, double *blk,
			double *val, int32_t *col, int32_t *cnt, int64_t list_of_q0, int contiguous_out)
{
	int			d = s->d;
	const double *B;

	for (int a = 0; a < nq; a++)
		memcpy(qbuf + (size_t) a * d, s->x + (size_t) q[a] * d, sizeof(double) * d);
	if (mem)
	{
		for (int b = 0; b < mb; b++)
			memcpy(mbuf + (size_t) b * d, s->x + (size_t) mem[b] * d, sizeof(double) * d);
		B = mbuf;
	}
	else
		B = s->x + (size_t) m0 * d;
	linalg_gemm_nt_ld(nq, mb, d, qbuf, d, B, d, blk, mb);
	for (int a = 0; a < nq; a++)
	{
		int64_t		row = contiguous_out ? list_of_q0 + a : q[a];
		double	   *v = val + (size_t) row * nn;
		int32_t    *c = col + (size_t) row * nn;
		int32_t    *h = cnt + row;
		double		sqa = SqNorm(s, q[a]);
		const double *brow = blk + (size_t) a * mb;

		for (int b = 0; b < mb; b++)
		{
			int32_t		cb = mem ? mem[b] : (int32_t) (m0 + b);
			double		sqb = SqNorm(s, cb);
			double		sim = brow[b];

			if (s->metric == SUBSET_L2)
			{
				double		t = sqa + sqb - 2.0 * sim;

				sim = exp(-s->gamma * (t > 0 ? t : 0));
			}
			KnnOffer(s, nn, q[a], cb, sim, ScreenTol(s, sqa, sqb), v, c, h);
		}
	}
}

/* The value of rank r (0-based) among a[0..n-1] (quickselect; a is reordered) */
static double
Select(double *a, int n, int r)
{
	int			lo = 0,
				hi = n - 1;

	while (lo < hi)
	{
		double		piv = a[lo + (hi - lo) / 2];
		int			i = lo,
					j = hi;

		while (i <= j)
		{
			while (a[i] < piv)
				i++;
			while (a[j] > piv)
				j--;
			if (i <= j)
			{
				double		t = a[i];

				a[i] = a[j];
				a[j] = t;
				i++;
				j--;
			}
		}
		if (r <= j)
			hi = j;
		else if (r >= i)
			lo = i;
		else
			return a[r];
	}
	return a[r];
}

/*
 * The P nearest centroids of each row of a block (x, n rows): BLAS
 * distances screen, every centroid within the rounding window of the P-th
 * gets its exact distance, which decides (ties to the lower centroid).
 */
static void
ProbeBlock(const SubsetData *s, int n, const double *x, int C, int P, const double *c,
		   const double *csq, double *G, double *cand, double *cexact, int32_t *probe)
{
	int			d = s->d;
	double		cmax = 0;

	for (int j = 0; j < C; j++)
		cmax = csq[j] > cmax ? csq[j] : cmax;
	linalg_gemm_nt_ld(n, C, d, x, d, c, d, G, C);
	for (int i = 0; i < n; i++)
	{
		const double *xi = x + (size_t) i * d;
		const double *g = G + (size_t) i * C;
		int32_t    *pr = probe + (size_t) i * P;
		double		xsq = 0,
					tP,
					tol;
		int			nc = 0;

		for (int t = 0; t < d; t++)
			xsq += xi[t] * xi[t];
		for (int j = 0; j < C; j++)
			cand[j] = csq[j] - 2.0 * g[j];
		tP = Select(cand, C, P - 1);
		tol = 4.0 * (d + 4.0) * DBL_EPSILON * (xsq + cmax);
		/* the window: exact distances, then the P best by (distance, centroid) */
		for (int j = 0; j < C; j++)
			if (csq[j] - 2.0 * g[j] <= tP + 2.0 * tol)
			{
				double		e = linalg_det_sqdist(d, xi, c + (size_t) j * d);
				int			pos = nc < P ? nc++ : P;

				if (pos == P && !(e < cexact[P - 1]))
					continue;
				if (pos == P)
					pos = P - 1;
				while (pos > 0 && e < cexact[pos - 1])
				{
					cexact[pos] = cexact[pos - 1];
					pr[pos] = pr[pos - 1];
					pos--;
				}
				cexact[pos] = e;
				pr[pos] = j;
			}
	}
}

/* Build the IVF graph */
int
ivf_build(const SubsetData *s, const IvfParams *p, IvfGraph *g, void *work)
{
	IvfLayout	L;
	char	   *w = (char *) work;
	int64_t		n = s->n;
	int			d = s->d;
	int			C = p->clusters;
	int			P = p->n_probe;
	int64_t		m = TrainRows(n, p);
	int64_t    *sample;
	double	   *xs,
			   *c,
			   *csq,
			   *newc,
			   *sums,
			   *seedw,
			   *dist,
			   *awork,
			   *qbuf,
			   *mbuf,
			   *blk,
			   *cand,
			   *cexact;
	int64_t    *counts,
			   *moff,
			   *qoff,
			   *fill;
	int		   *label;
	int32_t    *probe,
			   *mem,
			   *qry;
	PrefRng		rng;

	LayoutFor(n, d, p, &L);
	sample = (int64_t *) (w + L.sample);
	xs = (double *) (w + L.xs);
	c = (double *) (w + L.c);
	csq = (double *) (w + L.csq);
	newc = (double *) (w + L.newc);
	sums = (double *) (w + L.sums);
	counts = (int64_t *) (w + L.counts);
	seedw = (double *) (w + L.seedw);
	label = (int *) (w + L.label);
	dist = (double *) (w + L.dist);
	awork = (double *) (w + L.awork);
	probe = (int32_t *) (w + L.probe);
	moff = (int64_t *) (w + L.moff);
	mem = (int32_t *) (w + L.mem);
	qoff = (int64_t *) (w + L.qoff);
	qry = (int32_t *) (w + L.qry);
	fill = (int64_t *) (w + L.fill);
	qbuf = (double *) (w + L.qbuf);
	mbuf = (double *) (w + L.mbuf);
	blk = (double *) (w + L.blk);
	cand = (double *) (w + L.cand);
	cexact = (double *) (w + L.cexact);

	/* 1. k-means on a seeded sample (ascending rows: a partial shuffle, sorted) */
	pref_rng_seed(&rng, p->seed);
	if (m < n)
	{
		/* Floyd's algorithm would need a set; a selection sweep is simpler: each row kept with the right odds */
		int64_t		need = m;

		for (int64_t i = 0, k = 0; i < n && k < m; i++)
		{
			if (pref_rng_uniform(&rng) * (double) (n - i) < (double) need)
			{
				sample[k++] = i;
				need--;
			}
		}
	}
	else
		for (int64_t i = 0; i < m; i++)
			sample[i] = i;
	for (int64_t i = 0; i < m; i++)
		memcpy(xs + (size_t) i * d, s->x + (size_t) sample[i] * d, sizeof(double) * d);
	if (s->tick)
		s->tick(s->tick_arg);
	if (kmeans_pp_seed(m, d, C, KMEANS_L2, xs, pref_rng_next(&rng), c, seedw,
					   (kmeans_tick_fn) s->tick, s->tick_arg) != KMEANS_OK)
		return 1;
	for (int it = 0; it < p->train_iter; it++)
	{
		double		inertia = 0,
					shift;

		kmeans_sqnorms(C, d, c, csq);
		memset(sums, 0, sizeof(double) * (size_t) C * d);
		memset(counts, 0, sizeof(int64_t) * C);
		for (int64_t i = 0; i < m; i += KMEANS_BLOCK_ROWS)
		{
			int			b = (int) (m - i < KMEANS_BLOCK_ROWS ? m - i : KMEANS_BLOCK_ROWS);

			if (s->tick)
				s->tick(s->tick_arg);
			kmeans_assign_block(b, d, C, KMEANS_L2, xs + (size_t) i * d, c, csq, label, dist, awork);
			kmeans_accumulate(b, d, xs + (size_t) i * d, label, dist, sums, counts, &inertia);
		}
		if (s->progress)
			s->progress(s->tick_arg, "k-means passes", it + 1, p->train_iter);
		shift = kmeans_update(C, d, KMEANS_L2, c, sums, counts, newc);
		memcpy(c, newc, sizeof(double) * (size_t) C * d);
		if (shift == 0)
			break;
	}
	kmeans_sqnorms(C, d, c, csq);

	/* 2. the n_probe nearest clusters of every row; the first is its own */
	for (int64_t i = 0; i < n; i += KMEANS_BLOCK_ROWS)
	{
		int			b = (int) (n - i < KMEANS_BLOCK_ROWS ? n - i : KMEANS_BLOCK_ROWS);

		if (s->tick)
			s->tick(s->tick_arg);
		if (s->progress)
			s->progress(s->tick_arg, "nearest clusters", i, n);
		ProbeBlock(s, b, s->x + (size_t) i * d, C, P, c, csq, awork, cand, cexact,
				   probe + (size_t) i * P);
	}

	/* 3. members of each cluster and the rows probing it, ascending */
	memset(moff, 0, sizeof(int64_t) * (C + 1));
	memset(qoff, 0, sizeof(int64_t) * (C + 1));
	for (int64_t i = 0; i < n; i++)
	{
		moff[probe[(size_t) i * P] + 1]++;
		for (int t = 0; t < P; t++)
			qoff[probe[(size_t) i * P + t] + 1]++;
	}
	for (int j = 0; j < C; j++)
	{
		moff[j + 1] += moff[j];
		qoff[j + 1] += qoff[j];
	}
	memcpy(fill, moff, sizeof(int64_t) * C);
	for (int64_t i = 0; i < n; i++)
		mem[fill[probe[(size_t) i * P]]++] = (int32_t) i;
	memcpy(fill, qoff, sizeof(int64_t) * C);
	for (int64_t i = 0; i < n; i++)
		for (int t = 0; t < P; t++)
		{
			int32_t		j = probe[(size_t) i * P + t];

			qry[fill[j]++] = (int32_t) i;
		}

	/* 4. search: each cluster's members against the rows probing it */
	memset(g->cnt, 0, sizeof(int32_t) * n);
	for (int j = 0; j < C; j++)
	{
		int64_t		nm = moff[j + 1] - moff[j];
		int64_t		nq = qoff[j + 1] - qoff[j];

		if (s->progress)
			s->progress(s->tick_arg, "clusters searched", j, C);
		for (int64_t b0 = 0; b0 < nm; b0 += MB)
		{
			int			mb = (int) (nm - b0 < MB ? nm - b0 : MB);

			for (int64_t a0 = 0; a0 < nq; a0 += QB)
			{
				int			qb = (int) (nq - a0 < QB ? nq - a0 : QB);

				if (s->tick)
					s->tick(s->tick_arg);
				SearchBlock(s, g->nn, qry + qoff[j] + a0, qb, mem + moff[j] + b0, 0, mb,
							qbuf, mbuf, blk, g->val, g->col, g->cnt, 0, 0);
			}
		}
	}
	for (int64_t i = 0; i < n; i++)
		KnnSortByCol(g->val + (size_t) i * g->nn, g->col + (size_t) i * g->nn, g->cnt[i]);
	return 0;
}

/* Scratch of ivf_exact_lists: a similarity block, the query rows and their indices */
size_t
ivf_exact_work(int64_t n, int d)
{
	(void) n;
	return sizeof(double) * ((size_t) QB * MB + (size_t) QB * d) + sizeof(int32_t) * QB + 64;
}

/* Exact lists of the sampled rows: every row searched */
void
ivf_exact_lists(const SubsetData *s, int64_t nn, const int64_t *rows, int64_t nq,
				double *val, int32_t *col, int32_t *cnt, void *work)
{
	double	   *blk = (double *) work;
	double	   *qbuf = blk + (size_t) QB * MB;
	int32_t    *q = (int32_t *) (qbuf + (size_t) QB * s->d);
	int64_t		n = s->n;

	memset(cnt, 0, sizeof(int32_t) * nq);
	for (int64_t a0 = 0; a0 < nq; a0 += QB)
	{
		int			qb = (int) (nq - a0 < QB ? nq - a0 : QB);

		for (int a = 0; a < qb; a++)
			q[a] = (int32_t) rows[a0 + a];
		for (int64_t m0 = 0; m0 < n; m0 += MB)
		{
			int			mb = (int) (n - m0 < MB ? n - m0 : MB);

			if (s->tick)
				s->tick(s->tick_arg);
			SearchBlock(s, nn, q, qb, NULL, m0, mb, qbuf, NULL, blk, val, col, cnt, a0, 1);
		}
		if (s->progress)
			s->progress(s->tick_arg, "recall sample", a0 + qb, nq);
	}
	for (int64_t i = 0; i < nq; i++)
		KnnSortByCol(val + (size_t) i * nn, col + (size_t) i * nn, cnt[i]);
}

/* Scratch of ivf_greedy */
size_t
ivf_greedy_work(int64_t n)
{
	return (size_t) n * (2 * sizeof(double) + sizeof(int64_t)) + 64;
}

/* Marginal gain of row j under cover cur */
static inline double
Gain(const SubsetData *s, const IvfGraph *g, const double *cur, double lambda, int64_t j)
{
	const double *v = g->val + (size_t) j * g->nn;
	const int32_t *c = g->col + (size_t) j * g->nn;
	double		gain = 0.0;

	for (int64_t e = 0; e < g->cnt[j]; e++)
	{
		double		u = v[e] - cur[c[e]];

		gain += u > 0.0 ? u : 0.0;
	}
	if (s->quality)
		gain += lambda * s->quality[j];
	return gain;
}

/* Heap order: larger bound, then smaller id */
static inline int
HBetter(const SubsetData *s, const double *bound, int64_t a, int64_t b)
{
	return Better(bound[a], s->id[a], bound[b], s->id[b]);
}

/* Restore the heap below pos */
static void
HSiftDown(const SubsetData *s, const double *bound, int64_t *h, int64_t nh, int64_t pos)
{
	for (;;)
	{
		int64_t		l = 2 * pos + 1,
					r = l + 1,
					best = pos;

		if (l < nh && HBetter(s, bound, h[l], h[best]))
			best = l;
		if (r < nh && HBetter(s, bound, h[r], h[best]))
			best = r;
		if (best == pos)
			return;
		{
			int64_t		t = h[pos];

			h[pos] = h[best];
			h[best] = t;
		}
		pos = best;
	}
}

/*
 * Lazy greedy (Minoux): bounds only fall as the cover grows, so a
 * candidate whose fresh gain beats the best remaining bound (ties: smaller
 * id) is the exact greedy pick.
 */
void
ivf_greedy(const SubsetData *s, const IvfGraph *g, double lambda, int64_t k,
		   void *work, SubsetResult *out)
{
	int64_t		n = s->n;
	double	   *cur = (double *) work;
	double	   *bound = cur + n;
	int64_t    *h = (int64_t *) (bound + n);
	int64_t		nh = n;
	double		obj = 0.0;

	memset(cur, 0, sizeof(double) * n);
	for (int64_t j = 0; j < n; j++)
	{
		bound[j] = Gain(s, g, cur, lambda, j);
		h[j] = j;
	}
	for (int64_t pos = n / 2 - 1; pos >= 0; pos--)
		HSiftDown(s, bound, h, nh, pos);
	out->count = 0;
	out->start = 0.0;
	while (out->count < k && nh > 0)
	{
		int64_t		j = h[0];
		double		gj;

		if ((out->count & 63) == 0 && s->tick)
			s->tick(s->tick_arg);
		gj = Gain(s, g, cur, lambda, j);
		h[0] = h[--nh];
		HSiftDown(s, bound, h, nh, 0);
		if (nh > 0 && !Better(gj, s->id[j], bound[h[0]], s->id[h[0]]))
		{
			/* back in with its fresh bound */
			int64_t		p = nh++;

			bound[j] = gj;
			h[p] = j;
			while (p > 0 && HBetter(s, bound, h[p], h[(p - 1) / 2]))
			{
				int64_t		t = h[p];

				h[p] = h[(p - 1) / 2];
				h[(p - 1) / 2] = t;
				p = (p - 1) / 2;
			}
			continue;
		}
		/* pick j */
		{
			const double *v = g->val + (size_t) j * g->nn;
			const int32_t *c = g->col + (size_t) j * g->nn;

			for (int64_t e = 0; e < g->cnt[j]; e++)
				if (v[e] > cur[c[e]])
					cur[c[e]] = v[e];
		}
		obj += gj;
		out->pick[out->count] = j;
		out->gain[out->count] = gj;
		out->objective[out->count] = obj;
		out->count++;
		if (s->progress)
			s->progress(s->tick_arg, "greedy picks", out->count, k);
	}
}
