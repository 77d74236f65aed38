/*
 * subset_core.c - selection algorithms over embeddings (see subset_core.h).
 *
 * Plain C over caller buffers; similarity blocks and rows come from BLAS
 * through src/linalg.h.  Ties are broken by the smaller id everywhere, so
 * results are deterministic.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "linalg.h"
#include "subset_core.h"
#include "rng.h"

/* Rows per similarity block while building a dense matrix */
#define SIM_BLOCK 256

/* Call the tick callback if there is one */
static inline void
Tick(const SubsetData *s)
{
	if (s->tick)
		s->tick(s->tick_arg);
}

/* Report progress (the callback decides whether it is time to say so) */
static inline void
Progress(const SubsetData *s, const char *phase, int64_t done, int64_t total)
{
	if (s->progress)
		s->progress(s->tick_arg, phase, done, total);
}

/* Is candidate (ga, ia) better than (gb, ib): larger value, then smaller id */
static inline int
Better(double ga, int64_t ia, double gb, int64_t ib)
{
	return ga > gb || (ga == gb && ia < ib);
}

/* Ensure rows are unit length (cosine) or squared norms are known (l2) */
int64_t
subset_prepare(SubsetData *s)
{
	for (int64_t i = 0; i < s->n; i++)
	{
		double	   *xi = s->x + (size_t) i * s->d;
		double		nrm = linalg_nrm2(s->d, xi);

		if (s->metric == SUBSET_COSINE)
		{
			if (nrm == 0.0)
				return i;
			for (int c = 0; c < s->d; c++)
				xi[c] /= nrm;
		}
		else
			s->sqnorm[i] = linalg_dot(s->d, xi, xi);
	}
	return -1;
}

/* Turn inner products of rows r0.. with rows c0.. into similarities */
static void
InnerToSim(const SubsetData *s, int64_t r0, int nr, int64_t c0, int nc, double *out)
{
	if (s->metric != SUBSET_L2)
		return;
	for (int a = 0; a < nr; a++)
	{
		double		sa = s->sqnorm[r0 + a];
		double	   *row = out + (size_t) a * nc;

		for (int b = 0; b < nc; b++)
		{
			double		d2 = sa + s->sqnorm[c0 + b] - 2.0 * row[b];

			row[b] = exp(-s->gamma * (d2 > 0.0 ? d2 : 0.0));
		}
	}
}

/* Similarity block by dgemm (norms trick for l2) */
void
subset_sim_block(const SubsetData *s, int64_t r0, int nr, int64_t c0, int nc, double *out)
{
	linalg_gemm(0, 1, nr, nc, s->d, 1.0, s->x + (size_t) r0 * s->d,
				s->x + (size_t) c0 * s->d, 0.0, out);
	InnerToSim(s, r0, nr, c0, nc, out);
}

/* Similarity row by dgemv (norms trick for l2) */
void
subset_sim_row(const SubsetData *s, int64_t j, double *out)
{
	linalg_gemv(0, (int) s->n, s->d, 1.0, s->x, s->x + (size_t) j * s->d, 0.0, out);
	InnerToSim(s, j, 1, 0, (int) s->n, out);
}

/* Distance row: |x_i - x_j| (l2) or 1 - cos (cosine) */
static void
DistRow(const SubsetData *s, int64_t j, double *out)
{
	linalg_gemv(0, (int) s->n, s->d, 1.0, s->x, s->x + (size_t) j * s->d, 0.0, out);
	for (int64_t i = 0; i < s->n; i++)
	{
		double		v;

		if (s->metric == SUBSET_L2)
		{
			v = s->sqnorm[i] + s->sqnorm[j] - 2.0 * out[i];
			out[i] = v > 0.0 ? sqrt(v) : 0.0;
		}
		else
		{
			v = 1.0 - out[i];
			out[i] = v > 0.0 ? v : 0.0;
		}
	}
}

/* ---- facility location ---------------------------------------------- */

/* Tile of a dense block-row mirrored at a time */
#define MIRROR_TILE 64
/* Rows and columns of one similarity block for neighbour lists and streaming */
#define KNN_ROWS 64
#define STREAM_ROWS 128
#define COL_BLOCK 4096

typedef struct FLState
{
	const SubsetData *s;
	const SubsetFLParams *p;
	int64_t		nn;				/* neighbours per row (SUBSET_FL_KNN) */
	double	   *S;				/* n x n similarities (SUBSET_FL_DENSE) */
	float	   *Sf;				/* n x n similarities (SUBSET_FL_DENSE_F4) */
	float	   *xf;				/* n x d rows as float (SUBSET_FL_DENSE_F4) */
	double	   *val;			/* n x nn neighbour similarities (SUBSET_FL_KNN) */
	int32_t    *col;			/* n x nn neighbour rows, ascending */
	double	   *blk;			/* similarity block buffer */
	double	   *xb;				/* gathered candidate rows (SUBSET_FL_STREAM) */
	double	   *sqb;			/* their squared norms */
	double	   *rowbuf;			/* one similarity row */
	double	   *gbuf;			/* gains of a candidate sample */
	double	   *cur;			/* best similarity to the chosen set, >= 0 */
	double	   *bound;			/* lazy upper bounds */
	int64_t    *heap;
	int64_t    *stamp;
	int64_t    *cand;
	unsigned char *chosen;
} FLState;

/* Offsets of every piece of the facility-location work space */
typedef struct FLLayout
{
	size_t		S,
				Sf,
				xf,
				val,
				col,
				blk,
				xb,
				sqb,
				rowbuf,
				gbuf,
				cur,
				bound,
				heap,
				stamp,
				cand,
				chosen,
				total;
} FLLayout;

/* Reserve bytes at the running offset, 64-byte aligned; SIZE_MAX on overflow */
static size_t
Reserve(size_t *off, double bytes)
{
	size_t		at = (*off + 63) & ~(size_t) 63;

	if (*off == SIZE_MAX || bytes > (double) (SIZE_MAX / 2) - (double) at)
	{
		*off = SIZE_MAX;
		return 0;
	}
	*off = at + (size_t) bytes;
	return at;
}

/* Lay out the work space of a storage mode */
static void
FLLayoutFor(int64_t n, int d, const SubsetFLParams *p, FLLayout *L)
{
	size_t		off = 0;
	double		dn = (double) n;
	double		nn = p->n_neighbors < n ? p->n_neighbors : (double) n;
	double		cw = n < COL_BLOCK ? dn : COL_BLOCK;

	memset(L, 0, sizeof(*L));
	if (p->storage == SUBSET_FL_DENSE)
		L->S = Reserve(&off, 8.0 * dn * dn);
	else if (p->storage == SUBSET_FL_DENSE_F4)
	{
		L->Sf = Reserve(&off, 4.0 * dn * dn);
		L->xf = Reserve(&off, 4.0 * dn * d);
	}
	else if (p->storage == SUBSET_FL_KNN)
	{
		L->val = Reserve(&off, 8.0 * dn * nn);
		L->col = Reserve(&off, 4.0 * dn * nn);
		L->blk = Reserve(&off, 8.0 * (n < KNN_ROWS ? dn : KNN_ROWS) * cw);
	}
	else
	{
		L->blk = Reserve(&off, 8.0 * (n < STREAM_ROWS ? dn : STREAM_ROWS) * cw);
		L->xb = Reserve(&off, 8.0 * STREAM_ROWS * d);
		L->sqb = Reserve(&off, 8.0 * STREAM_ROWS);
	}
	L->rowbuf = Reserve(&off, 8.0 * dn);
	L->gbuf = Reserve(&off, 8.0 * dn);
	L->cur = Reserve(&off, 8.0 * dn);
	L->bound = Reserve(&off, 8.0 * dn);
	L->heap = Reserve(&off, 8.0 * dn);
	L->stamp = Reserve(&off, 8.0 * dn);
	L->cand = Reserve(&off, 8.0 * dn);
	L->chosen = Reserve(&off, dn);
	L->total = off;
}

/* Bytes of scratch space facility location needs (SIZE_MAX: too large) */
size_t
subset_fl_work(int64_t n, int d, const SubsetFLParams *p)
{
	FLLayout	L;

	FLLayoutFor(n, d, p, &L);
	return L.total;
}

/* Similarities from inner products of rows with squared norms sa (l2), ld-aware */
static void
InnerToSimLd(const SubsetData *s, const double *sa, int nr, int64_t c0, int nc,
			 double *out, int ldo)
{
	if (s->metric != SUBSET_L2)
		return;
	for (int a = 0; a < nr; a++)
	{
		double	   *row = out + (size_t) a * ldo;

		for (int b = 0; b < nc; b++)
		{
			double		d2 = sa[a] + s->sqnorm[c0 + b] - 2.0 * row[b];

			row[b] = exp(-s->gamma * (d2 > 0.0 ? d2 : 0.0));
		}
	}
}

/* Same for a float block */
static void
InnerToSimF(const SubsetData *s, const double *sa, int nr, int64_t c0, int nc,
			float *out, size_t ldo)
{
	if (s->metric != SUBSET_L2)
		return;
	for (int a = 0; a < nr; a++)
	{
		float	   *row = out + (size_t) a * ldo;

		for (int b = 0; b < nc; b++)
		{
			double		d2 = sa[a] + s->sqnorm[c0 + b] - 2.0 * (double) row[b];

			row[b] = (float) exp(-s->gamma * (d2 > 0.0 ? d2 : 0.0));
		}
	}
}

/*
 * Sum over i of max(0, row_i - cur_i) with eight partial sums in named
 * locals (kept in registers, vectorised), combined pairwise.  ROWT is the
 * element type of the row (double or float).
 */
#define COVER_SUM_BODY(ROWT) \
	double		a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0, a5 = 0, a6 = 0, a7 = 0; \
	int64_t		i = 0; \
	for (; i + 8 <= n; i += 8) \
	{ \
		const ROWT *r = row + i; \
		const double *c = cur + i; \
		double		v0 = (double) r[0] - c[0], v1 = (double) r[1] - c[1], \
					v2 = (double) r[2] - c[2], v3 = (double) r[3] - c[3], \
					v4 = (double) r[4] - c[4], v5 = (double) r[5] - c[5], \
					v6 = (double) r[6] - c[6], v7 = (double) r[7] - c[7]; \
		a0 += v0 > 0.0 ? v0 : 0.0; a1 += v1 > 0.0 ? v1 : 0.0; \
		a2 += v2 > 0.0 ? v2 : 0.0; a3 += v3 > 0.0 ? v3 : 0.0; \
		a4 += v4 > 0.0 ? v4 : 0.0; a5 += v5 > 0.0 ? v5 : 0.0; \
		a6 += v6 > 0.0 ? v6 : 0.0; a7 += v7 > 0.0 ? v7 : 0.0; \
	} \
	for (; i < n; i++) \
	{ \
		double		v = (double) row[i] - cur[i]; \
		a0 += v > 0.0 ? v : 0.0; \
	} \
	return ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7))

/* Cover sum over a double row */
static inline double
CoverSum(const double *row, const double *cur, int64_t n)
{
	COVER_SUM_BODY(double);
}

/* Cover sum over a float row */
static inline double
CoverSumF(const float *row, const double *cur, int64_t n)
{
	COVER_SUM_BODY(float);
}

/* Marginal gain of adding row j (streaming storage: one dgemv) */
static double
FLGain(const FLState *st, int64_t j)
{
	const SubsetData *s = st->s;
	int64_t		n = s->n;
	double		g = 0.0;

	switch (st->p->storage)
	{
		case SUBSET_FL_DENSE:
			g = CoverSum(st->S + (size_t) j * n, st->cur, n);
			break;
		case SUBSET_FL_DENSE_F4:
			g = CoverSumF(st->Sf + (size_t) j * n, st->cur, n);
			break;
		case SUBSET_FL_KNN:
			{
				const double *v = st->val + (size_t) j * st->nn;
				const int32_t *c = st->col + (size_t) j * st->nn;

				for (int64_t e = 0; e < st->nn; e++)
				{
					double		u = v[e] - st->cur[c[e]];

					g += u > 0.0 ? u : 0.0;
				}
				break;
			}
		default:
			subset_sim_row(s, j, st->rowbuf);
			g = CoverSum(st->rowbuf, st->cur, n);
			break;
	}
	if (s->quality)
		g += st->p->lambda * s->quality[j];
	return g;
}

/* Add row j to the chosen set */
static void
FLApply(FLState *st, int64_t j)
{
	int64_t		n = st->s->n;
	double	   *cur = st->cur;

	switch (st->p->storage)
	{
		case SUBSET_FL_DENSE:
			{
				const double *row = st->S + (size_t) j * n;

				for (int64_t i = 0; i < n; i++)
					cur[i] = row[i] > cur[i] ? row[i] : cur[i];
				break;
			}
		case SUBSET_FL_DENSE_F4:
			{
				const float *row = st->Sf + (size_t) j * n;

				for (int64_t i = 0; i < n; i++)
					cur[i] = (double) row[i] > cur[i] ? (double) row[i] : cur[i];
				break;
			}
		case SUBSET_FL_KNN:
			for (int64_t e = 0; e < st->nn; e++)
			{
				int32_t		c = st->col[(size_t) j * st->nn + e];
				double		v = st->val[(size_t) j * st->nn + e];

				if (v > cur[c])
					cur[c] = v;
			}
			break;
		default:
			subset_sim_row(st->s, j, st->rowbuf);
			for (int64_t i = 0; i < n; i++)
				cur[i] = st->rowbuf[i] > cur[i] ? st->rowbuf[i] : cur[i];
			break;
	}
	st->chosen[j] = 1;
}

/*
 * Gains of candidates idx[0..m) without a stored matrix: candidate rows are
 * gathered STREAM_ROWS at a time and multiplied (dgemm) against column
 * blocks of all rows.
 */
static void
FLStreamGains(FLState *st, const int64_t *idx, int64_t m, double *gains,
			  int64_t step, int64_t k)
{
	const SubsetData *s = st->s;
	int64_t		n = s->n;
	int			d = s->d;

	for (int64_t a0 = 0; a0 < m; a0 += STREAM_ROWS)
	{
		int			na = (int) (m - a0 < STREAM_ROWS ? m - a0 : STREAM_ROWS);

		Tick(s);
		Progress(s, "picks", step, k);
		for (int a = 0; a < na; a++)
		{
			memcpy(st->xb + (size_t) a * d, s->x + (size_t) idx[a0 + a] * d, sizeof(double) * d);
			st->sqb[a] = s->sqnorm ? s->sqnorm[idx[a0 + a]] : 0.0;
			gains[a0 + a] = 0.0;
		}
		for (int64_t c0 = 0; c0 < n; c0 += COL_BLOCK)
		{
			int			nc = (int) (n - c0 < COL_BLOCK ? n - c0 : COL_BLOCK);

			linalg_gemm_nt_ld(na, nc, d, st->xb, d, s->x + (size_t) c0 * d, d, st->blk, nc);
			InnerToSimLd(s, st->sqb, na, c0, nc, st->blk, nc);
			for (int a = 0; a < na; a++)
				gains[a0 + a] += CoverSum(st->blk + (size_t) a * nc, st->cur + c0, nc);
		}
		if (s->quality)
			for (int a = 0; a < na; a++)
				gains[a0 + a] += st->p->lambda * s->quality[idx[a0 + a]];
	}
}

/* Ask for transparent huge pages over a large fresh buffer (fewer page faults) */
static void
AdviseHuge(void *p, size_t bytes)
{
#ifdef MADV_HUGEPAGE
	uintptr_t	a = ((uintptr_t) p + ((uintptr_t) 1 << 21) - 1) & ~(((uintptr_t) 1 << 21) - 1);
	uintptr_t	e = ((uintptr_t) p + bytes) & ~(((uintptr_t) 1 << 21) - 1);

	if (e > a)
		(void) madvise((void *) a, e - a, MADV_HUGEPAGE);
#else
	(void) p;
	(void) bytes;
#endif
}

/*
 * Dense similarity matrix (double or float), upper block-triangle by gemm
 * and mirrored, so the matrix is exactly symmetric and half the flops are
 * spent.  With pre, the first gains of each block-row are taken as soon as
 * the row is complete.
 */
static void
FLBuildDense(FLState *st, int pre)
{
	const SubsetData *s = st->s;
	int64_t		n = s->n;
	int			d = s->d;
	int			f4 = st->p->storage == SUBSET_FL_DENSE_F4;
	double		sq0[SIM_BLOCK];

	AdviseHuge(f4 ? (void *) st->Sf : (void *) st->S, (size_t) n * n * (f4 ? 4 : 8));
	if (f4)
		for (size_t i = 0; i < (size_t) n * d; i++)
			st->xf[i] = (float) s->x[i];
	for (int64_t r0 = 0; r0 < n; r0 += SIM_BLOCK)
	{
		int			nr = (int) (n - r0 < SIM_BLOCK ? n - r0 : SIM_BLOCK);
		int			nc = (int) (n - r0);

		Tick(s);
		Progress(s, "similarity rows", r0, n);
		for (int a = 0; a < nr; a++)
			sq0[a] = s->sqnorm ? s->sqnorm[r0 + a] : 0.0;
		if (f4)
		{
			float	   *c = st->Sf + (size_t) r0 * n + r0;

			linalg_sgemm_nt_ld(nr, nc, d, st->xf + (size_t) r0 * d, d,
							   st->xf + (size_t) r0 * d, d, c, (int) n);
			InnerToSimF(s, sq0, nr, r0, nc, c, (size_t) n);
		}
		else
		{
			double	   *c = st->S + (size_t) r0 * n + r0;

			linalg_gemm_nt_ld(nr, nc, d, s->x + (size_t) r0 * d, d,
							  s->x + (size_t) r0 * d, d, c, (int) n);
			InnerToSimLd(s, sq0, nr, r0, nc, c, (int) n);
		}
		/* mirror the diagonal block's upper triangle and the block-row beyond it */
		for (int64_t c0 = r0; c0 < n; c0 += MIRROR_TILE)
		{
			int			w = (int) (n - c0 < MIRROR_TILE ? n - c0 : MIRROR_TILE);

			for (int b = 0; b < w; b++)
			{
				int64_t		cj = c0 + b;

				for (int a = 0; a < nr; a++)
				{
					int64_t		ri = r0 + a;

					if (cj <= ri)
						continue;
					if (f4)
						st->Sf[(size_t) cj * n + ri] = st->Sf[(size_t) ri * n + cj];
					else
						st->S[(size_t) cj * n + ri] = st->S[(size_t) ri * n + cj];
				}
			}
		}
		if (pre)
			for (int64_t j = r0; j < r0 + nr; j++)
				st->bound[j] = FLGain(st, j);
	}
}

/* Is (va, ia) a worse neighbour than (vb, ib): smaller value, then larger id */
static inline int
KWorse(const SubsetData *s, double va, int32_t ia, double vb, int32_t ib)
{
	return Better(vb, s->id[ib], va, s->id[ia]);
}

/* Restore a min-heap (worst neighbour on top) of h entries below pos */
static void
KSiftDown(const SubsetData *s, double *v, int32_t *c, int64_t h, int64_t pos)
{
	for (;;)
	{
		int64_t		l = 2 * pos + 1,
					r = l + 1,
					w = pos;

		if (l < h && KWorse(s, v[l], c[l], v[w], c[w]))
			w = l;
		if (r < h && KWorse(s, v[r], c[r], v[w], c[w]))
			w = r;
		if (w == pos)
			return;
		{
			double		tv = v[pos];
			int32_t		tc = c[pos];

			v[pos] = v[w];
			c[pos] = c[w];
			v[w] = tv;
			c[w] = tc;
		}
		pos = w;
	}
}

/* Sort one neighbour list by row (insertion sort after heap sort order is irrelevant) */
static void
KSortByCol(double *v, int32_t *c, int64_t h)
{
	/* shell sort with Ciura gaps: lists are short, no allocation */
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

/*
 * Neighbour lists: for every row the nn largest similarities (ties: smaller
 * id), found block by block (dgemm) with a bounded min-heap per row, then
 * sorted by row for cache-friendly gains.
 */
static void
FLBuildKNN(FLState *st)
{
	const SubsetData *s = st->s;
	int64_t		n = s->n;
	int64_t		nn = st->nn;
	int			d = s->d;

	for (int64_t r0 = 0; r0 < n; r0 += KNN_ROWS)
	{
		int			nr = (int) (n - r0 < KNN_ROWS ? n - r0 : KNN_ROWS);
		int64_t		h[KNN_ROWS];

		for (int a = 0; a < nr; a++)
			h[a] = 0;
		for (int64_t c0 = 0; c0 < n; c0 += COL_BLOCK)
		{
			int			nc = (int) (n - c0 < COL_BLOCK ? n - c0 : COL_BLOCK);

			Tick(s);
			Progress(s, "neighbour rows", r0, n);
			linalg_gemm_nt_ld(nr, nc, d, s->x + (size_t) r0 * d, d,
							  s->x + (size_t) c0 * d, d, st->blk, nc);
			InnerToSimLd(s, s->sqnorm ? s->sqnorm + r0 : NULL, nr, c0, nc, st->blk, nc);
			for (int a = 0; a < nr; a++)
			{
				double	   *v = st->val + (size_t) (r0 + a) * nn;
				int32_t    *c = st->col + (size_t) (r0 + a) * nn;
				const double *brow = st->blk + (size_t) a * nc;

				for (int b = 0; b < nc; b++)
				{
					int32_t		cb = (int32_t) (c0 + b);

					if (h[a] < nn)
					{
						/* sift up */
						int64_t		pos = h[a]++;

						v[pos] = brow[b];
						c[pos] = cb;
						while (pos > 0)
						{
							int64_t		par = (pos - 1) / 2;

							if (!KWorse(s, v[pos], c[pos], v[par], c[par]))
								break;
							{
								double		tv = v[pos];
								int32_t		tc = c[pos];

								v[pos] = v[par];
								c[pos] = c[par];
								v[par] = tv;
								c[par] = tc;
							}
							pos = par;
						}
					}
					else if (brow[b] >= v[0] && KWorse(s, v[0], c[0], brow[b], cb))
					{
						v[0] = brow[b];
						c[0] = cb;
						KSiftDown(s, v, c, nn, 0);
					}
				}
			}
		}
		for (int a = 0; a < nr; a++)
			KSortByCol(st->val + (size_t) (r0 + a) * nn, st->col + (size_t) (r0 + a) * nn, nn);
	}
}

/* Heap order: larger bound, then smaller id */
static inline int
HeapBetter(const FLState *st, int64_t a, int64_t b)
{
	return Better(st->bound[a], st->s->id[a], st->bound[b], st->s->id[b]);
}

/* Restore the heap property below position pos */
static void
SiftDown(FLState *st, int64_t nh, int64_t pos)
{
	int64_t    *h = st->heap;

	for (;;)
	{
		int64_t		l = 2 * pos + 1,
					r = l + 1,
					best = pos;

		if (l < nh && HeapBetter(st, h[l], h[best]))
			best = l;
		if (r < nh && HeapBetter(st, h[r], h[best]))
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

/* Greedy facility location: lazy, naive or stochastic over any storage */
int
subset_facility_location(const SubsetData *s, const SubsetFLParams *p,
						 const int64_t *init, int64_t ninit, int64_t k,
						 void *work, SubsetResult *out)
{
	int64_t		n = s->n;
	FLState		st;
	FLLayout	L;
	char	   *w = (char *) work;
	double		obj = 0.0;
	int64_t		nh = 0,
				nrem = 0,
				sample = 0;
	uint64_t	rng = p->seed;
	int			greedy = p->greedy;
	int			pre;

	FLLayoutFor(n, s->d, p, &L);
	memset(&st, 0, sizeof(st));
	st.s = s;
	st.p = p;
	st.nn = p->n_neighbors < n ? p->n_neighbors : n;
	st.S = (double *) (w + L.S);
	st.Sf = (float *) (w + L.Sf);
	st.xf = (float *) (w + L.xf);
	st.val = (double *) (w + L.val);
	st.col = (int32_t *) (w + L.col);
	st.blk = (double *) (w + L.blk);
	st.xb = (double *) (w + L.xb);
	st.sqb = (double *) (w + L.sqb);
	st.rowbuf = (double *) (w + L.rowbuf);
	st.gbuf = (double *) (w + L.gbuf);
	st.cur = (double *) (w + L.cur);
	st.bound = (double *) (w + L.bound);
	st.heap = (int64_t *) (w + L.heap);
	st.stamp = (int64_t *) (w + L.stamp);
	st.cand = (int64_t *) (w + L.cand);
	st.chosen = (unsigned char *) (w + L.chosen);

	for (int64_t i = 0; i < n; i++)
	{
		st.cur[i] = 0.0;
		st.chosen[i] = 0;
	}
	/* first lazy gains taken while the dense block-rows are in cache */
	pre = ninit == 0 && greedy == SUBSET_LAZY &&
		(p->storage == SUBSET_FL_DENSE || p->storage == SUBSET_FL_DENSE_F4);
	if (p->storage == SUBSET_FL_DENSE || p->storage == SUBSET_FL_DENSE_F4)
		FLBuildDense(&st, pre);
	else if (p->storage == SUBSET_FL_KNN)
		FLBuildKNN(&st);

	for (int64_t t = 0; t < ninit; t++)
	{
		Tick(s);
		obj += FLGain(&st, init[t]);
		FLApply(&st, init[t]);
	}
	out->start = obj;
	out->count = 0;

	for (int64_t j = 0; j < n; j++)
		if (!st.chosen[j])
			st.cand[nrem++] = j;

	if (greedy == SUBSET_LAZY)
	{
		for (int64_t c = 0; c < nrem; c++)
		{
			int64_t		j = st.cand[c];

			if ((c & 255) == 0)
			{
				Tick(s);
				Progress(s, "first gains", c, nrem);
			}
			if (!pre)
				st.bound[j] = FLGain(&st, j);
			st.stamp[j] = 0;
			st.heap[nh++] = j;
		}
		for (int64_t pos = nh / 2 - 1; pos >= 0; pos--)
			SiftDown(&st, nh, pos);
	}
	else if (greedy == SUBSET_STOCHASTIC)
	{
		double		sz = ceil((double) n / (double) k * log(1.0 / p->epsilon));

		sample = sz < 1.0 ? 1 : (sz > (double) n ? n : (int64_t) sz);
	}

	for (int64_t step = 0; step < k && nrem > 0; step++)
	{
		int64_t		best = -1;
		double		bestgain = 0.0;

		Tick(s);
		Progress(s, "picks", step, k);
		if (greedy == SUBSET_LAZY)
		{
			for (;;)
			{
				int64_t		j = st.heap[0];

				if (st.stamp[j] == step)
				{
					best = j;
					bestgain = st.bound[j];
					st.heap[0] = st.heap[--nh];
					SiftDown(&st, nh, 0);
					break;
				}
				st.bound[j] = FLGain(&st, j);
				st.stamp[j] = step;
				SiftDown(&st, nh, 0);
			}
			nrem--;
		}
		else
		{
			int64_t		m = greedy == SUBSET_NAIVE ? nrem : (sample < nrem ? sample : nrem);
			int64_t		bestpos = -1;

			if (greedy == SUBSET_STOCHASTIC)
				for (int64_t c = 0; c < m; c++)
				{
					int64_t		r = c + (int64_t) (pref_splitmix64(&rng) % (uint64_t) (nrem - c));
					int64_t		t = st.cand[c];

					st.cand[c] = st.cand[r];
					st.cand[r] = t;
				}
			if (p->storage == SUBSET_FL_STREAM)
				FLStreamGains(&st, st.cand, m, st.gbuf, step, k);
			else
				for (int64_t c = 0; c < m; c++)
				{
					if ((c & 255) == 255)
						Tick(s);
					st.gbuf[c] = FLGain(&st, st.cand[c]);
				}
			for (int64_t c = 0; c < m; c++)
				if (bestpos < 0 || Better(st.gbuf[c], s->id[st.cand[c]], bestgain, s->id[best]))
				{
					bestpos = c;
					best = st.cand[c];
					bestgain = st.gbuf[c];
				}
			/* remove from candidates, keeping the order of the rest stable for naive */
			if (greedy == SUBSET_NAIVE)
				for (int64_t c = bestpos; c + 1 < nrem; c++)
					st.cand[c] = st.cand[c + 1];
			else
				st.cand[bestpos] = st.cand[nrem - 1];
			nrem--;
		}
		obj += bestgain;
		FLApply(&st, best);
		out->pick[out->count] = best;
		out->gain[out->count] = bestgain;
		out->objective[out->count] = obj;
		out->count++;
	}
	return SUBSET_OK;
}

/* ---- k-center --------------------------------------------------------- */

/* Bytes of scratch space k-center needs */
size_t
subset_kcenter_work(int64_t n)
{
	return sizeof(double) * 2 * (size_t) n + (size_t) n;
}

/* Fold row j into the distance-to-set array */
static void
KCApply(const SubsetData *s, int64_t j, double *mind, double *row, unsigned char *chosen)
{
	DistRow(s, j, row);
	for (int64_t i = 0; i < s->n; i++)
		if (row[i] < mind[i])
			mind[i] = row[i];
	mind[j] = 0.0;
	chosen[j] = 1;
}

/* Covering radius: largest distance of an unchosen row to the set */
static double
KCRadius(const SubsetData *s, const double *mind, const unsigned char *chosen, int64_t *arg)
{
	double		r = 0.0;

	*arg = -1;
	for (int64_t i = 0; i < s->n; i++)
		if (!chosen[i] && (*arg < 0 || Better(mind[i], s->id[i], r, s->id[*arg])))
		{
			r = mind[i];
			*arg = i;
		}
	return r;
}

/* Greedy k-center: repeatedly pick the row farthest from the chosen set */
int
subset_kcenter(const SubsetData *s, int64_t start, const int64_t *init, int64_t ninit,
			   int64_t k, void *work, SubsetResult *out)
{
	int64_t		n = s->n;
	double	   *mind = (double *) work;
	double	   *row = mind + n;
	unsigned char *chosen = (unsigned char *) (row + n);
	int64_t		far;
	double		radius;

	for (int64_t i = 0; i < n; i++)
		mind[i] = INFINITY;
	for (int64_t i = 0; i < n; i++)
		chosen[i] = 0;
	out->count = 0;
	for (int64_t t = 0; t < ninit; t++)
	{
		Tick(s);
		KCApply(s, init[t], mind, row, chosen);
	}
	radius = KCRadius(s, mind, chosen, &far);
	out->start = ninit > 0 ? radius : NAN;

	for (int64_t step = 0; step < k; step++)
	{
		int64_t		j;
		double		g;

		Tick(s);
		Progress(s, "picks", step, k);
		if (ninit == 0 && step == 0)
		{
			j = start;
			g = NAN;
		}
		else
		{
			if (far < 0)
				break;
			j = far;
			g = radius;
		}
		KCApply(s, j, mind, row, chosen);
		radius = KCRadius(s, mind, chosen, &far);
		out->pick[out->count] = j;
		out->gain[out->count] = g;
		out->objective[out->count] = radius;
		out->count++;
	}
	return SUBSET_OK;
}

/* ---- DPP greedy MAP --------------------------------------------------- */

/* Bytes of scratch space the DPP greedy needs for up to kmax picks */
size_t
subset_dpp_work(int64_t n, int64_t kmax)
{
	return sizeof(double) * ((size_t) kmax * n + 3 * (size_t) n + (size_t) kmax) + (size_t) n;
}

/* Greedy MAP inference by incremental Cholesky (Chen, Zhang, Zhou 2018) */
int
subset_dpp(const SubsetData *s, double epsilon, const int64_t *init, int64_t ninit,
		   int64_t k, void *work, SubsetResult *out)
{
	int64_t		n = s->n;
	int64_t		kmax = ninit + k;
	double	   *C = (double *) work;	/* row t: t-th Cholesky column, n entries */
	double	   *d2 = C + (size_t) kmax * n;
	double	   *row = d2 + n;
	double	   *v = row + n;
	double	   *cj = v + n;
	unsigned char *chosen = (unsigned char *) (cj + kmax);
	const double *q = s->quality;
	int64_t		T = 0;
	double		obj = 0.0;

	/* diagonal of L: q_i^2 s_ii, and s_ii = 1 for both similarities */
	for (int64_t i = 0; i < n; i++)
		d2[i] = q ? q[i] * q[i] : 1.0;
	for (int64_t i = 0; i < n; i++)
		chosen[i] = 0;
	out->count = 0;

	for (int64_t t = 0; t < ninit + k; t++)
	{
		int64_t		j = -1;
		double		dj;

		Tick(s);
		Progress(s, "picks", t, ninit + k);
		if (t < ninit)
		{
			j = init[t];
			if (!(d2[j] >= epsilon))
				return SUBSET_SINGULAR;
		}
		else
		{
			for (int64_t i = 0; i < n; i++)
				if (!chosen[i] && (j < 0 || Better(d2[i], s->id[i], d2[j], s->id[j])))
					j = i;
			if (j < 0 || !(d2[j] >= epsilon))
				break;
		}
		obj += log(d2[j]);
		if (t >= ninit)
		{
			out->pick[out->count] = j;
			out->gain[out->count] = log(d2[j]);
			out->objective[out->count] = obj;
			out->count++;
		}
		else
			out->start = obj;
		chosen[j] = 1;
		if (t == ninit + k - 1)
			break;

		/* new Cholesky column e = (L_j. - C^T c_j) / sqrt(d2_j) */
		dj = sqrt(d2[j]);
		subset_sim_row(s, j, row);
		if (q)
			for (int64_t i = 0; i < n; i++)
				row[i] *= q[j] * q[i];
		if (T > 0)
		{
			for (int64_t u = 0; u < T; u++)
				cj[u] = C[(size_t) u * n + j];
			linalg_gemv(1, (int) T, (int) n, 1.0, C, cj, 0.0, v);
			linalg_axpy((int) n, -1.0, v, row);
		}
		for (int64_t i = 0; i < n; i++)
		{
			double		e = row[i] / dj;

			C[(size_t) T * n + i] = e;
			d2[i] -= e * e;
		}
		T++;
	}
	if (ninit == 0)
		out->start = 0.0;
	return SUBSET_OK;
}

/* ---- MMR -------------------------------------------------------------- */

/* Bytes of scratch space MMR needs */
size_t
subset_mmr_work(int64_t n)
{
	return sizeof(double) * 2 * (size_t) n + (size_t) n;
}

/* Maximal marginal relevance */
int
subset_mmr(const SubsetData *s, double lambda, const int64_t *init, int64_t ninit,
		   int64_t k, void *work, SubsetResult *out)
{
	int64_t		n = s->n;
	double	   *maxsim = (double *) work;
	double	   *row = maxsim + n;
	unsigned char *chosen = (unsigned char *) (row + n);
	const double *q = s->quality;
	int			any = 0;
	double		obj = 0.0;

	for (int64_t i = 0; i < n; i++)
		chosen[i] = 0;
	out->count = 0;
	out->start = 0.0;
	for (int64_t t = 0; t < ninit + k; t++)
	{
		int64_t		j = -1;
		double		best = 0.0;

		Tick(s);
		Progress(s, "picks", t, ninit + k);
		if (t < ninit)
			j = init[t];
		else
		{
			for (int64_t i = 0; i < n; i++)
			{
				double		sc;

				if (chosen[i])
					continue;
				sc = lambda * (q ? q[i] : 0.0) - (1.0 - lambda) * (any ? maxsim[i] : 0.0);
				if (j < 0 || Better(sc, s->id[i], best, s->id[j]))
				{
					j = i;
					best = sc;
				}
			}
			if (j < 0)
				break;
			obj += best;
			out->pick[out->count] = j;
			out->gain[out->count] = best;
			out->objective[out->count] = obj;
			out->count++;
		}
		chosen[j] = 1;
		subset_sim_row(s, j, row);
		for (int64_t i = 0; i < n; i++)
			if (!any || row[i] > maxsim[i])
				maxsim[i] = row[i];
		any = 1;
	}
	return SUBSET_OK;
}

/* ---- near-duplicate groups ------------------------------------------- */

/* Root of i's set, halving paths */
static int64_t
Find(int64_t *parent, int64_t i)
{
	while (parent[i] != i)
	{
		parent[i] = parent[parent[i]];
		i = parent[i];
	}
	return i;
}

/* Groups of rows connected by similarity >= threshold */
void
subset_near_duplicates(const SubsetData *s, double threshold, int block,
					   double *blockbuf, int64_t *parent, int64_t *group)
{
	int64_t		n = s->n;

	for (int64_t i = 0; i < n; i++)
		parent[i] = i;
	for (int64_t r0 = 0; r0 < n; r0 += block)
	{
		int			nr = (int) (n - r0 < block ? n - r0 : block);
		int			nc = (int) (n - r0);

		Tick(s);
		Progress(s, "rows compared", r0, n);
		/* upper triangle only: rows r0.. against rows r0..n */
		subset_sim_block(s, r0, nr, r0, nc, blockbuf);
		for (int a = 0; a < nr; a++)
		{
			const double *brow = blockbuf + (size_t) a * nc;

			for (int b = a + 1; b < nc; b++)
				if (brow[b] >= threshold)
				{
					int64_t		ra = Find(parent, r0 + a),
								rb = Find(parent, r0 + b);

					if (ra != rb)
						parent[ra < rb ? rb : ra] = ra < rb ? ra : rb;
				}
		}
	}
	for (int64_t i = 0; i < n; i++)
	{
		parent[i] = Find(parent, i);
		group[i] = INT64_MAX;
	}
	for (int64_t i = 0; i < n; i++)
		if (s->id[i] < group[parent[i]])
			group[parent[i]] = s->id[i];
	for (int64_t i = 0; i < n; i++)
		group[i] = group[parent[i]];
}

/* ---- Pareto fronts ---------------------------------------------------- */

static const double *pareto_scores;
static int	pareto_m;

/* Lexicographically descending scores, then row index */
static int
ParetoCmp(const void *pa, const void *pb)
{
	int64_t		a = *(const int64_t *) pa,
				b = *(const int64_t *) pb;
	const double *x = pareto_scores + (size_t) a * pareto_m;
	const double *y = pareto_scores + (size_t) b * pareto_m;

	for (int c = 0; c < pareto_m; c++)
		if (x[c] != y[c])
			return x[c] > y[c] ? -1 : 1;
	return a < b ? -1 : (a > b ? 1 : 0);
}

/* Does x dominate y (>= everywhere, > somewhere) */
static int
Dominates(const double *x, const double *y, int m)
{
	int			strict = 0;

	for (int c = 0; c < m; c++)
	{
		if (x[c] < y[c])
			return 0;
		if (x[c] > y[c])
			strict = 1;
	}
	return strict;
}

/* Bytes of scratch space non-dominated sorting needs */
size_t
subset_pareto_work(int64_t n)
{
	return sizeof(int64_t) * 4 * (size_t) n;
}

/*
 * Efficient non-dominated sort, sequential search (Zhang et al. 2015):
 * after a lexicographic sort only earlier points can dominate later ones,
 * so each point joins the first front with no member dominating it.
 */
void
subset_pareto(int64_t n, int m, const double *scores, int32_t *front,
			  void *work, subset_tick_fn tick, subset_progress_fn progress,
			  void *tick_arg)
{
	int64_t    *order = (int64_t *) work;
	int64_t    *next = order + n;
	int64_t    *head = next + n;
	int64_t    *tail = head + n;
	int64_t		nf = 0;

	for (int64_t i = 0; i < n; i++)
		order[i] = i;
	pareto_scores = scores;
	pareto_m = m;
	qsort(order, n, sizeof(int64_t), ParetoCmp);

	for (int64_t t = 0; t < n; t++)
	{
		int64_t		p = order[t];
		const double *xp = scores + (size_t) p * m;
		int64_t		f;

		if ((t & 1023) == 0)
		{
			if (tick)
				tick(tick_arg);
			if (progress)
				progress(tick_arg, "points sorted", t, n);
		}
		for (f = 0; f < nf; f++)
		{
			int			dominated = 0;

			for (int64_t q = head[f]; q >= 0; q = next[q])
				if (Dominates(scores + (size_t) q * m, xp, m))
				{
					dominated = 1;
					break;
				}
			if (!dominated)
				break;
		}
		next[p] = -1;
		if (f == nf)
		{
			head[nf] = tail[nf] = p;
			nf++;
		}
		else
		{
			next[tail[f]] = p;
			tail[f] = p;
		}
		front[p] = (int32_t) (f + 1);
	}
}
