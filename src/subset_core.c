/*
 * subset_core.c - selection algorithms over embeddings (see subset_core.h).
 *
 * Plain C over caller buffers.  Similarity blocks come from BLAS through
 * src/linalg.h, fast but rounded differently by each OpenBLAS kernel; every
 * decision (greedy picks, neighbour lists, duplicate edges) is settled on
 * exact values from deterministic scalar code (linalg_det_*), recomputed
 * wherever BLAS's rounding bound leaves the outcome open.  Ties in exact
 * values are broken by the smaller id everywhere, so
 * results are deterministic.
 */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "linalg.h"
#include "subset_core.h"
#include "knn_heap.h"
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

/*
 * Ensure rows are unit length (cosine) or squared norms are known (l2), by
 * deterministic scalar code: the rows and norms feed the exact similarities.
 */
int64_t
subset_prepare(SubsetData *s)
{
	for (int64_t i = 0; i < s->n; i++)
	{
		double	   *xi = s->x + (size_t) i * s->d;
		double		sq = linalg_det_dot(s->d, xi, xi);

		if (s->metric == SUBSET_COSINE)
		{
			double		nrm = sqrt(sq);

			if (nrm == 0.0)
				return i;
			for (int c = 0; c < s->d; c++)
				xi[c] /= nrm;
		}
		else
			s->sqnorm[i] = sq;
	}
	return -1;
}

/* Exact similarity of rows i and j (deterministic scalar code; symmetric) */
double
subset_exact_sim(const SubsetData *s, int64_t i, int64_t j)
{
	const double *xi = s->x + (size_t) i * s->d;
	const double *xj = s->x + (size_t) j * s->d;

	if (s->metric == SUBSET_L2)
		return exp(-s->gamma * linalg_det_sqdist(s->d, xi, xj));
	return linalg_det_dot(s->d, xi, xj);
}

/* Exact similarities of row j to every row */
void
subset_exact_row(const SubsetData *s, int64_t j, double *out)
{
	for (int64_t i = 0; i < s->n; i++)
		out[i] = subset_exact_sim(s, i, j);
}

/*
 * Bound on |BLAS similarity - exact similarity| for a pair of rows:
 * e_abs + e_rel (sqnorm_i + sqnorm_j), sqnorms 0 under cosine.  Cosine:
 * two inner products of unit rows, each within about d roundings.  l2:
 * the squared distance by the norms trick against the scalar sum is within
 * (4d + 16) epsilons of (sq_i + sq_j) (see shapley_dist_tol), and
 * exp(-gamma t) moves by at most gamma times that; a few epsilons more
 * cover exp's own rounding.  single: the similarity is then stored as a
 * float (half a float epsilon, as similarities are at most 1).  Each term
 * is about twice what the analysis needs.
 */
static void
SimErr(const SubsetData *s, int single, double *e_abs, double *e_rel)
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
	if (single)
		*e_abs += FLT_EPSILON;
}

/* Squared norm of row i, 0 under cosine (for SimErr's bound) */
static inline double
SqNorm(const SubsetData *s, int64_t i)
{
	return s->metric == SUBSET_L2 ? s->sqnorm[i] : 0.0;
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

/* Exact distance row: |x_i - x_j| (l2) or 1 - cos (cosine), clamped at 0 */
static void
DistRow(const SubsetData *s, int64_t j, double *out)
{
	const double *xj = s->x + (size_t) j * s->d;

	for (int64_t i = 0; i < s->n; i++)
	{
		const double *xi = s->x + (size_t) i * s->d;
		double		v;

		if (s->metric == SUBSET_L2)
			out[i] = sqrt(linalg_det_sqdist(s->d, xi, xj));
		else
		{
			v = 1.0 - linalg_det_dot(s->d, xi, xj);
			out[i] = v > 0.0 ? v : 0.0;
		}
	}
}

/* ---- facility location ---------------------------------------------- */

/* Tile of a dense block-row mirrored at a time */
#define MIRROR_TILE 64
/* Rows and columns of one similarity block for neighbour lists and streaming */
#define KNN_ROWS 64
/* Rows of one double-precision panel rounded into the float matrix */
#define F4_ROWS 64
#define STREAM_ROWS 128
#define COL_BLOCK 4096

typedef struct FLState
{
	const SubsetData *s;
	const SubsetFLParams *p;
	int64_t		nn;				/* neighbours per row (SUBSET_FL_KNN) */
	double	   *S;				/* n x n similarities (SUBSET_FL_DENSE) */
	float	   *Sf;				/* n x n similarities (SUBSET_FL_DENSE_F4) */
	double	   *val;			/* n x nn neighbour similarities (SUBSET_FL_KNN) */
	int32_t    *col;			/* n x nn neighbour rows, ascending */
	double	   *blk;			/* similarity block buffer */
	double	   *xb;				/* gathered candidate rows (SUBSET_FL_STREAM) */
	double	   *sqb;			/* their squared norms */
	double	   *rowbuf;			/* one similarity row */
	double	   *gbuf;			/* gains of a candidate sample */
	double	   *cur;			/* best exact similarity to the chosen set, >= 0 */
	double	   *bound;			/* lazy upper bounds */
	double	   *xrow;			/* exact similarity row of xrow_of */
	int64_t    *heap;
	int64_t    *stamp;
	int64_t    *cand;
	int64_t    *band;			/* candidates whose gain may be the largest */
	double	   *bandg;			/* their approximate gains */
	double	   *bandt;			/* their tolerances */
	unsigned char *chosen;
	int64_t    *copy_of;		/* first row with the same embedding bits */
	int64_t    *slots;			/* hash table of 2n slots for finding copies */
	unsigned char *copy_chosen; /* by first row: a copy of it was picked */
	int64_t		xrow_of;		/* first row of the copies whose exact row xrow holds, or -1 */
	double		e_abs,
				e_rel;			/* per-entry similarity error bound (SimErr) */
	double		e_fac;			/* l2: bound on exp(e_rel (sq_i + sq_j)) */
	double		rho;			/* relative rounding of a cover sum */
	double		tau;			/* bound on |approximate - exact gain|, 0: exact */
} FLState;

/* Offsets of every piece of the facility-location work space */
typedef struct FLLayout
{
	size_t		S,
				Sf,
				val,
				col,
				blk,
				xb,
				sqb,
				rowbuf,
				gbuf,
				cur,
				bound,
				xrow,
				heap,
				stamp,
				cand,
				band,
				bandg,
				bandt,
				chosen,
				copy_of,
				slots,
				copy_chosen,
				total;
} FLLayout;

/* Reserve bytes at the running offset, 64-byte aligned; SIZE_MAX on overflow */
size_t
subset_reserve(size_t *off, double bytes)
{
	size_t		at = (*off + 63) & ~(size_t) 63;

	if (*off == SIZE_MAX || bytes > (double) (SIZE_MAX / 4) - (double) at)
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
		L->S = subset_reserve(&off, 8.0 * dn * dn);
	else if (p->storage == SUBSET_FL_DENSE_F4)
	{
		L->Sf = subset_reserve(&off, 4.0 * dn * dn);
		L->blk = subset_reserve(&off, 8.0 * (n < F4_ROWS ? dn : F4_ROWS) * dn);
	}
	else if (p->storage == SUBSET_FL_KNN)
	{
		L->val = subset_reserve(&off, 8.0 * dn * nn);
		L->col = subset_reserve(&off, 4.0 * dn * nn);
		L->blk = subset_reserve(&off, 8.0 * (n < KNN_ROWS ? dn : KNN_ROWS) * cw);
	}
	else
	{
		L->blk = subset_reserve(&off, 8.0 * (n < STREAM_ROWS ? dn : STREAM_ROWS) * cw);
		L->xb = subset_reserve(&off, 8.0 * STREAM_ROWS * d);
		L->sqb = subset_reserve(&off, 8.0 * STREAM_ROWS);
	}
	L->rowbuf = subset_reserve(&off, 8.0 * dn);
	L->gbuf = subset_reserve(&off, 8.0 * dn);
	L->cur = subset_reserve(&off, 8.0 * dn);
	L->bound = subset_reserve(&off, 8.0 * dn);
	L->xrow = subset_reserve(&off, 8.0 * dn);
	L->heap = subset_reserve(&off, 8.0 * dn);
	L->stamp = subset_reserve(&off, 8.0 * dn);
	L->cand = subset_reserve(&off, 8.0 * dn);
	L->band = subset_reserve(&off, 8.0 * dn);
	L->bandg = subset_reserve(&off, 8.0 * dn);
	L->bandt = subset_reserve(&off, 8.0 * dn);
	L->chosen = subset_reserve(&off, dn);
	if (p->storage != SUBSET_FL_KNN)
	{
		L->copy_of = subset_reserve(&off, 8.0 * dn);
		L->slots = subset_reserve(&off, 16.0 * dn);
		L->copy_chosen = subset_reserve(&off, dn);
	}
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

/*
 * Find rows whose embeddings are bit for bit the same (after scaling, for
 * cosine): their exact similarities are identical, so copy_of[i] names the
 * first of them (the smallest id) and exact rows are computed once per
 * group.  A hash table of 2n slots, probed linearly.
 */
static void
FLFindCopies(FLState *st)
{
	const SubsetData *s = st->s;
	int64_t		n = s->n;
	int64_t		m = 2 * n;
	size_t		bytes = sizeof(double) * (size_t) s->d;

	for (int64_t h = 0; h < m; h++)
		st->slots[h] = -1;
	for (int64_t i = 0; i < n; i++)
	{
		const double *xi = s->x + (size_t) i * s->d;
		uint64_t	h = UINT64_C(0x9E3779B97F4A7C15);
		int64_t		at;

		if ((i & 4095) == 0)
			Tick(s);
		for (int c = 0; c < s->d; c++)
		{
			uint64_t	bits;

			memcpy(&bits, &xi[c], sizeof(bits));
			h = (h ^ bits) * UINT64_C(0x100000001B3);
			h ^= h >> 29;
		}
		at = (int64_t) (h % (uint64_t) m);
		for (;;)
		{
			int64_t		r = st->slots[at];

			if (r < 0)
			{
				st->slots[at] = i;
				st->copy_of[i] = i;
				break;
			}
			if (memcmp(s->x + (size_t) r * s->d, xi, bytes) == 0)
			{
				st->copy_of[i] = r;
				break;
			}
			at = at + 1 == m ? 0 : at + 1;
		}
		st->copy_chosen[i] = 0;
	}
}

/* Exact similarity row of j into st->xrow (kept until another is asked for) */
static const double *
FLExactRow(FLState *st, int64_t j)
{
	int64_t		first = st->copy_of[j];

	if (st->xrow_of != first)
	{
		subset_exact_row(st->s, first, st->xrow);
		st->xrow_of = first;
	}
	return st->xrow;
}

/*
 * Exact marginal gain of row j: exact similarities against the exact
 * cover.  A copy of a picked row covers nothing new: every term is 0, and
 * the gain is what the sum would give, 0 + lambda q_j, without the sum.
 */
static double
FLExactGain(FLState *st, int64_t j)
{
	double		g;

	if (st->p->storage == SUBSET_FL_KNN)
		return FLGain(st, j);	/* neighbour lists hold exact similarities */
	g = st->copy_chosen[st->copy_of[j]] ? 0.0 : CoverSum(FLExactRow(st, j), st->cur, st->s->n);
	if (st->s->quality)
		g += st->p->lambda * st->s->quality[j];
	return g;
}

/*
 * Is candidate j settled: a copy of a picked row, whose exact gain is
 * lambda q_j now and at every later step (neighbour lists: every gain is
 * exact, nothing to settle)
 */
static inline int
Settled(const FLState *st, int64_t j)
{
	return st->p->storage != SUBSET_FL_KNN && st->copy_chosen[st->copy_of[j]];
}

/*
 * Add row j to the chosen set; returns its exact gain.  The cover is kept
 * exact (from scalar similarities), so it never depends on the BLAS kernel.
 */
static double
FLApply(FLState *st, int64_t j)
{
	int64_t		n = st->s->n;
	double	   *cur = st->cur;
	double		g = FLExactGain(st, j);
	int64_t		first;

	if (st->p->storage == SUBSET_FL_KNN)
		for (int64_t e = 0; e < st->nn; e++)
		{
			int32_t		c = st->col[(size_t) j * st->nn + e];
			double		v = st->val[(size_t) j * st->nn + e];

			if (v > cur[c])
				cur[c] = v;
		}
	else if (!st->copy_chosen[first = st->copy_of[j]])
	{
		const double *row = FLExactRow(st, j);

		for (int64_t i = 0; i < n; i++)
			cur[i] = row[i] > cur[i] ? row[i] : cur[i];
		st->copy_chosen[first] = 1;
	}
	st->chosen[j] = 1;
	return g;
}

/*
 * Tighter bound on |approximate - exact gain| of candidate j with
 * approximate gain g, from its stored row: only rows i whose approximate
 * similarity reaches the cover minus the entry's error bound can
 * contribute to either gain.  Under l2 the entry's bound also shrinks with
 * the similarity: exp(-gamma t) moves by at most gamma |dt| times its
 * value at the smaller t, that is at most the stored value times e_fac.
 */
static double
FLTightTol(const FLState *st, int64_t j, double g)
{
	const SubsetData *s = st->s;
	int64_t		n = s->n;
	double		sqj = SqNorm(s, j);
	double		a = 0.0;

	for (int64_t i = 0; i < n; i++)
	{
		double		v = st->p->storage == SUBSET_FL_DENSE_F4 ?
			(double) st->Sf[(size_t) j * n + i] : st->S[(size_t) j * n + i];
		double		f = v * st->e_fac;
		double		e = st->e_abs + st->e_rel * (SqNorm(s, i) + sqj) * (f < 1.0 ? f : 1.0);

		if (v > st->cur[i] - e)
			a += e;
	}
	return a + st->rho * (fabs(g) + (s->quality ? st->p->lambda * fabs(s->quality[j]) : 0.0) + a);
}

/*
 * Decide among the band: nb candidates rows[] with approximate gains g[]
 * (exact for settled ones) that contain every candidate whose exact gain
 * may be the largest.  Returns the position of the
 * candidate with the largest exact gain, ties to the smaller id.  With
 * exact gains (tau 0) the band is a tie already.  Otherwise tighter
 * per-candidate bounds (stored rows only) drop candidates that cannot
 * reach the best lower bound, and the rest get their exact gains.
 */
static int64_t
FLResolve(FLState *st, int64_t nb, const int64_t *rows, const double *g)
{
	const int64_t *id = st->s->id;
	double	   *tol = st->bandt;
	double		lo = -INFINITY,
				bestg = 0.0;
	int64_t		best = -1;
	int			stored = st->p->storage == SUBSET_FL_DENSE ||
		st->p->storage == SUBSET_FL_DENSE_F4;

	if (nb == 1)
		return 0;
	if (st->tau == 0.0)
	{
		for (int64_t b = 0; b < nb; b++)
			if (best < 0 || Better(g[b], id[rows[b]], g[best], id[rows[best]]))
				best = b;
		return best;
	}
	for (int64_t b = 0; b < nb; b++)
	{
		if (Settled(st, rows[b]))
			tol[b] = 0.0;		/* g[b] is its exact gain */
		else
			tol[b] = stored ? FLTightTol(st, rows[b], g[b]) : st->tau;
		lo = fmax(lo, g[b] - tol[b]);
	}
	for (int64_t b = 0; b < nb; b++)
	{
		double		ge;

		if (g[b] + tol[b] < lo)
			continue;			/* its exact gain is below another's */
		Tick(st->s);
		ge = FLExactGain(st, rows[b]);
		if (best < 0 || Better(ge, id[rows[b]], bestg, id[rows[best]]))
		{
			best = b;
			bestg = ge;
		}
	}
	return best;
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
 * Dense similarity matrix, upper block-triangle by dgemm and mirrored, so
 * the matrix is exactly symmetric and half the flops are spent.  Single
 * precision: each panel of F4_ROWS rows is computed in double and rounded
 * to float, so a stored similarity is within half a float ulp of the
 * double one (sgemm's own rounding would be about d times larger, and
 * every pick decided on exact gains would have to look at far more
 * candidates).  With pre, the first gains of each block-row are taken as
 * soon as the row is complete.
 */
static void
FLBuildDense(FLState *st, int pre)
{
	const SubsetData *s = st->s;
	int64_t		n = s->n;
	int			d = s->d;
	int			f4 = st->p->storage == SUBSET_FL_DENSE_F4;
	int			rows = f4 ? F4_ROWS : SIM_BLOCK;
	double		sq0[SIM_BLOCK];

	AdviseHuge(f4 ? (void *) st->Sf : (void *) st->S, (size_t) n * n * (f4 ? 4 : 8));
	for (int64_t r0 = 0; r0 < n; r0 += rows)
	{
		int			nr = (int) (n - r0 < rows ? n - r0 : rows);
		int			nc = (int) (n - r0);

		Tick(s);
		Progress(s, "similarity rows", r0, n);
		for (int a = 0; a < nr; a++)
			sq0[a] = s->sqnorm ? s->sqnorm[r0 + a] : 0.0;
		if (f4)
		{
			linalg_gemm_nt_ld(nr, nc, d, s->x + (size_t) r0 * d, d,
							  s->x + (size_t) r0 * d, d, st->blk, nc);
			InnerToSimLd(s, sq0, nr, r0, nc, st->blk, nc);
			for (int a = 0; a < nr; a++)
			{
				const double *b = st->blk + (size_t) a * nc;
				float	   *c = st->Sf + (size_t) (r0 + a) * n + r0;

				for (int t = 0; t < nc; t++)
					c[t] = (float) b[t];
			}
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

			/* the first block-row touches every row of the matrix: cancel between tiles */
			Tick(s);
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

/*
 * Neighbour lists: for every row the nn largest exact similarities (ties:
 * smaller id), found block by block with a bounded min-heap per row, then
 * sorted by row for cache-friendly gains.  The dgemm block only screens:
 * an entry whose BLAS similarity is below the heap's worst exact value by
 * more than the error bound cannot enter; every other entry is compared on
 * its exact similarity.  The heap holds exact values only, so the lists
 * and their similarities are the same under every BLAS kernel.
 */
static void
FLBuildKNN(FLState *st)
{
	const SubsetData *s = st->s;
	int64_t		n = s->n;
	int64_t		nn = st->nn;
	int			d = s->d;
	double		e_abs,
				e_rel;

	SimErr(s, 0, &e_abs, &e_rel);
	for (int64_t r0 = 0; r0 < n; r0 += KNN_ROWS)
	{
		int			nr = (int) (n - r0 < KNN_ROWS ? n - r0 : KNN_ROWS);
		int32_t		h[KNN_ROWS];

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

					KnnOffer(s, nn, r0 + a, cb, brow[b],
							 e_abs + e_rel * (SqNorm(s, r0 + a) + SqNorm(s, cb)), v, c, &h[a]);
				}
			}
		}
		for (int a = 0; a < nr; a++)
			KnnSortByCol(st->val + (size_t) (r0 + a) * nn, st->col + (size_t) (r0 + a) * nn, nn);
	}
}

/* Heap order: larger bound, then smaller id */
static inline int
HeapBetter(const FLState *st, int64_t a, int64_t b)
{
	return Better(st->bound[a], st->s->id[a], st->bound[b], st->s->id[b]);
}

/* Restore the heap property of h below position pos */
static void
SiftDown(const FLState *st, int64_t *h, int64_t nh, int64_t pos)
{
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

/* Smallest gain still in the band below the best approximate gain top */
static inline double
BandFloor(double top, double tau)
{
	double		f = top - 2.0 * tau;

	return f <= top ? f : -INFINITY;	/* an infinite top and tau: all */
}

/* Pop the top of heap h */
static void
HeapPop(const FLState *st, int64_t *h, int64_t *nh)
{
	h[0] = h[--(*nh)];
	SiftDown(st, h, *nh, 0);
}

/* Push row j onto heap h */
static void
HeapPush(const FLState *st, int64_t *h, int64_t *nh, int64_t j)
{
	int64_t		pos = (*nh)++;

	h[pos] = j;
	while (pos > 0)
	{
		int64_t		par = (pos - 1) / 2;

		if (!HeapBetter(st, h[pos], h[par]))
			break;
		h[pos] = h[par];
		h[par] = j;
		pos = par;
	}
}

/*
 * Bound tau on |approximate gain - exact gain| for any candidate at any
 * step (0 when the gains are exact, as with neighbour lists): n entries of
 * at most SimErr each, plus the rounding of two cover sums (eight partial
 * sums of n/8 terms, then blocks of columns when streamed) of at most
 * G = n (1 + error) + lambda max |q|.
 */
static void
FLTolerances(FLState *st)
{
	const SubsetData *s = st->s;
	int64_t		n = s->n;
	double		sqmax = 0.0,
				sqsum = 0.0,
				qmax = 0.0,
				amax,
				g;

	st->rho = ((double) n / 8.0 + 24.0) * DBL_EPSILON;
	if (st->p->storage == SUBSET_FL_KNN)
	{
		st->e_abs = st->e_rel = st->tau = 0.0;
		return;
	}
	SimErr(s, st->p->storage == SUBSET_FL_DENSE_F4, &st->e_abs, &st->e_rel);
	for (int64_t i = 0; i < n; i++)
	{
		sqmax = fmax(sqmax, SqNorm(s, i));
		sqsum += SqNorm(s, i);
		if (s->quality)
			qmax = fmax(qmax, fabs(s->quality[i]));
	}
	amax = n * st->e_abs + st->e_rel * (n * sqmax + sqsum);
	st->e_fac = exp(st->e_rel * 2.0 * sqmax) * (1.0 + 2.0 * FLT_EPSILON);
	g = n * (1.0 + st->e_abs + 2.0 * st->e_rel * sqmax) + st->p->lambda * qmax;
	st->tau = amax + st->rho * (g + amax);
}

/*
 * Greedy facility location: lazy, naive or stochastic over any storage.
 * Candidate gains come from the stored (BLAS) similarities; each pick is
 * decided on exact gains among the candidates within 2 tau of the best
 * (FLResolve), so picks, gains and objectives do not depend on the BLAS
 * kernel.  Lazy greedy gathers the same band as the naive scan: every
 * candidate whose bound reaches the band is refreshed.
 */
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
				ns = 0,
				nrem = 0,
				sample = 0;
	int64_t    *sheap = NULL;	/* lazy: settled candidates (in cand's space) */
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
	st.val = (double *) (w + L.val);
	st.col = (int32_t *) (w + L.col);
	st.blk = (double *) (w + L.blk);
	st.xb = (double *) (w + L.xb);
	st.sqb = (double *) (w + L.sqb);
	st.rowbuf = (double *) (w + L.rowbuf);
	st.gbuf = (double *) (w + L.gbuf);
	st.cur = (double *) (w + L.cur);
	st.bound = (double *) (w + L.bound);
	st.xrow = (double *) (w + L.xrow);
	st.heap = (int64_t *) (w + L.heap);
	st.stamp = (int64_t *) (w + L.stamp);
	st.cand = (int64_t *) (w + L.cand);
	st.band = (int64_t *) (w + L.band);
	st.bandg = (double *) (w + L.bandg);
	st.bandt = (double *) (w + L.bandt);
	st.chosen = (unsigned char *) (w + L.chosen);
	st.copy_of = (int64_t *) (w + L.copy_of);
	st.slots = (int64_t *) (w + L.slots);
	st.copy_chosen = (unsigned char *) (w + L.copy_chosen);
	st.xrow_of = -1;
	FLTolerances(&st);
	if (p->storage != SUBSET_FL_KNN)
		FLFindCopies(&st);

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
		obj += FLApply(&st, init[t]);
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
			SiftDown(&st, st.heap, nh, pos);
		sheap = st.cand;		/* the candidate list is not needed any more */
	}
	else if (greedy == SUBSET_STOCHASTIC)
	{
		double		sz = ceil((double) n / (double) k * log(1.0 / p->epsilon));

		sample = sz < 1.0 ? 1 : (sz > (double) n ? n : (int64_t) sz);
	}

	for (int64_t step = 0; step < k && nrem > 0; step++)
	{
		int64_t		best = -1,
					nb = 0,
					pick;
		double		top,
					low;

		Tick(s);
		Progress(s, "picks", step, k);
		if (greedy == SUBSET_LAZY)
		{
			int64_t		from_settled = -1;

			/*
			 * Refresh the top until it is fresh: its gain is the largest.
			 * Settled candidates move to their own heap (their exact gain
			 * never changes again), so copies of picked rows are not
			 * re-evaluated step after step.
			 */
			while (nh > 0)
			{
				int64_t		j = st.heap[0];

				if (Settled(&st, j))
				{
					HeapPop(&st, st.heap, &nh);
					st.bound[j] = FLExactGain(&st, j);
					HeapPush(&st, sheap, &ns, j);
				}
				else if (st.stamp[j] == step)
					break;
				else
				{
					st.bound[j] = FLGain(&st, j);
					st.stamp[j] = step;
					SiftDown(&st, st.heap, nh, 0);
				}
			}
			/* pop every candidate whose current gain is within 2 tau of it */
			if (nh > 0)
			{
				top = st.bound[st.heap[0]];
				low = BandFloor(top, st.tau);
				while (nh > 0 && st.bound[st.heap[0]] >= low)
				{
					int64_t		j = st.heap[0];

					HeapPop(&st, st.heap, &nh);
					if (Settled(&st, j))
					{
						st.bound[j] = FLExactGain(&st, j);
						HeapPush(&st, sheap, &ns, j);
						continue;
					}
					if (st.stamp[j] != step)
					{
						st.bound[j] = FLGain(&st, j);
						st.stamp[j] = step;
						HeapPush(&st, st.heap, &nh, j);
						continue;
					}
					st.band[nb] = j;
					st.bandg[nb++] = st.bound[j];
				}
			}
			/* the best settled candidate competes with its exact gain */
			if (ns > 0)
			{
				from_settled = nb;
				st.band[nb] = sheap[0];
				st.bandg[nb++] = st.bound[sheap[0]];
			}
			pick = FLResolve(&st, nb, st.band, st.bandg);
			best = st.band[pick];
			if (pick == from_settled)
				HeapPop(&st, sheap, &ns);
			for (int64_t b = 0; b < nb; b++)
				if (b != pick && b != from_settled)
					HeapPush(&st, st.heap, &nh, st.band[b]);
			nrem--;
		}
		else
		{
			int64_t		m = greedy == SUBSET_NAIVE ? nrem : (sample < nrem ? sample : nrem);
			int64_t    *pos = st.heap;	/* band positions in cand (no heap here) */

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
					if (!Settled(&st, st.cand[c]))
						st.gbuf[c] = FLGain(&st, st.cand[c]);
				}
			/* settled candidates compete with their exact gains */
			for (int64_t c = 0; c < m; c++)
				if (Settled(&st, st.cand[c]))
					st.gbuf[c] = FLExactGain(&st, st.cand[c]);
			top = -INFINITY;
			for (int64_t c = 0; c < m; c++)
				top = fmax(top, st.gbuf[c]);
			low = BandFloor(top, st.tau);
			for (int64_t c = 0; c < m; c++)
				if (st.gbuf[c] >= low)
				{
					pos[nb] = c;
					st.band[nb] = st.cand[c];
					st.bandg[nb++] = st.gbuf[c];
				}
			pick = pos[FLResolve(&st, nb, st.band, st.bandg)];
			best = st.cand[pick];
			/* remove from candidates, keeping the order of the rest stable for naive */
			if (greedy == SUBSET_NAIVE)
				for (int64_t c = pick; c + 1 < nrem; c++)
					st.cand[c] = st.cand[c + 1];
			else
				st.cand[pick] = st.cand[nrem - 1];
			nrem--;
		}
		out->gain[out->count] = FLApply(&st, best);
		obj += out->gain[out->count];
		out->pick[out->count] = best;
		out->objective[out->count] = obj;
		out->count++;
	}
	return SUBSET_OK;
}

/* ---- k-center --------------------------------------------------------- */

/* Bytes of scratch space k-center needs */
size_t
subset_kcenter_work(int64_t n, int d)
{
	return sizeof(double) * (2 * (size_t) n + (size_t) d) + (size_t) n;
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

/*
 * |x - y|^2 of float rows in double, in the fixed order of
 * linalg_det_sqdist (eight partial sums, combined pairwise): for rows whose
 * doubles are floats, the same bits.
 */
static inline double
SqDistF(int n, const float *x, const float *y)
{
	double		s0 = 0.0,
				s1 = 0.0,
				s2 = 0.0,
				s3 = 0.0,
				s4 = 0.0,
				s5 = 0.0,
				s6 = 0.0,
				s7 = 0.0;
	int			i = 0;

	for (; i + 8 <= n; i += 8)
	{
		const float *a = x + i,
				   *b = y + i;
		double		d0 = (double) a[0] - (double) b[0],
					d1 = (double) a[1] - (double) b[1],
					d2 = (double) a[2] - (double) b[2],
					d3 = (double) a[3] - (double) b[3],
					d4 = (double) a[4] - (double) b[4],
					d5 = (double) a[5] - (double) b[5],
					d6 = (double) a[6] - (double) b[6],
					d7 = (double) a[7] - (double) b[7];

		s0 += d0 * d0;
		s1 += d1 * d1;
		s2 += d2 * d2;
		s3 += d3 * d3;
		s4 += d4 * d4;
		s5 += d5 * d5;
		s6 += d6 * d6;
		s7 += d7 * d7;
	}
	for (; i < n; i++)
	{
		double		t = (double) x[i] - (double) y[i];

		s0 += t * t;
	}
	return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
}

/*
 * Under l2, can the rows be held as floats without changing any distance:
 * is every coordinate a float (as real[] embeddings are)
 */
static int
KCFloatRows(const SubsetData *s)
{
	size_t		nd = (size_t) s->n * s->d;

	if (s->metric != SUBSET_L2)
		return 0;
	for (size_t i = 0; i < nd; i++)
		if ((double) (float) s->x[i] != s->x[i])
			return 0;
	return 1;
}

/*
 * Pack the rows into floats in place (the float array is the first half of
 * the double one; element i is written after doubles 0..i were read)
 */
static float *
KCPackFloats(SubsetData *s)
{
	size_t		nd = (size_t) s->n * s->d;
	float	   *xf = (float *) s->x;

	for (size_t i = 0; i < nd; i++)
	{
		double		v;
		float		f;

		/* byte copies: the two views of the buffer alias */
		memcpy(&v, (char *) s->x + i * sizeof(double), sizeof(v));
		f = (float) v;
		memcpy((char *) s->x + i * sizeof(float), &f, sizeof(f));
	}
	return xf;
}

/* Fold the distances of rows [i0, i1) to row xj into mind (portable code) */
static void
KCFoldRange(int d, const float *xf, int64_t i0, int64_t i1, const float *xj, double *mind)
{
	for (int64_t i = i0; i < i1; i++)
	{
		double		v = sqrt(SqDistF(d, xf + (size_t) i * d, xj));

		if (v < mind[i])
			mind[i] = v;
	}
}

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>

/*
 * The same sums with AVX2 lanes: partial sums 0-3 and 4-7 of SqDistF in two
 * vectors, each lane adding the same terms in the same order (no FMA), so
 * the distances are the same bits as the portable code's.  xjd is row j
 * in double (converted once per pick); two rows share each load of it.
 */
__attribute__((target("avx2")))
static void
KCFoldRangeAvx2(int d, const float *xf, int64_t i0, int64_t i1, const double *xjd, double *mind)
{
	int64_t		i = i0;

	for (; i + 2 <= i1; i += 2)
	{
		const float *a = xf + (size_t) i * d;
		const float *b = a + d;
		__m256d		a0 = _mm256_setzero_pd(),
					a1 = _mm256_setzero_pd(),
					b0 = _mm256_setzero_pd(),
					b1 = _mm256_setzero_pd();
		double		p[8],
					q[8],
					v,
					w;
		int			c = 0;

		for (; c + 8 <= d; c += 8)
		{
			__m256d		x0 = _mm256_loadu_pd(xjd + c),
						x1 = _mm256_loadu_pd(xjd + c + 4);
			__m256d		da0 = _mm256_sub_pd(_mm256_cvtps_pd(_mm_loadu_ps(a + c)), x0);
			__m256d		da1 = _mm256_sub_pd(_mm256_cvtps_pd(_mm_loadu_ps(a + c + 4)), x1);
			__m256d		db0 = _mm256_sub_pd(_mm256_cvtps_pd(_mm_loadu_ps(b + c)), x0);
			__m256d		db1 = _mm256_sub_pd(_mm256_cvtps_pd(_mm_loadu_ps(b + c + 4)), x1);

			a0 = _mm256_add_pd(a0, _mm256_mul_pd(da0, da0));
			a1 = _mm256_add_pd(a1, _mm256_mul_pd(da1, da1));
			b0 = _mm256_add_pd(b0, _mm256_mul_pd(db0, db0));
			b1 = _mm256_add_pd(b1, _mm256_mul_pd(db1, db1));
		}
		_mm256_storeu_pd(p, a0);
		_mm256_storeu_pd(p + 4, a1);
		_mm256_storeu_pd(q, b0);
		_mm256_storeu_pd(q + 4, b1);
		for (; c < d; c++)
		{
			double		t = (double) a[c] - xjd[c],
						u = (double) b[c] - xjd[c];

			p[0] += t * t;
			q[0] += u * u;
		}
		v = sqrt(((p[0] + p[1]) + (p[2] + p[3])) + ((p[4] + p[5]) + (p[6] + p[7])));
		w = sqrt(((q[0] + q[1]) + (q[2] + q[3])) + ((q[4] + q[5]) + (q[6] + q[7])));
		if (v < mind[i])
			mind[i] = v;
		if (w < mind[i + 1])
			mind[i + 1] = w;
	}
	for (; i < i1; i++)
	{
		const float *a = xf + (size_t) i * d;
		__m256d		a0 = _mm256_setzero_pd(),
					a1 = _mm256_setzero_pd();
		double		p[8],
					v;
		int			c = 0;

		for (; c + 8 <= d; c += 8)
		{
			__m256d		da0 = _mm256_sub_pd(_mm256_cvtps_pd(_mm_loadu_ps(a + c)), _mm256_loadu_pd(xjd + c));
			__m256d		da1 = _mm256_sub_pd(_mm256_cvtps_pd(_mm_loadu_ps(a + c + 4)), _mm256_loadu_pd(xjd + c + 4));

			a0 = _mm256_add_pd(a0, _mm256_mul_pd(da0, da0));
			a1 = _mm256_add_pd(a1, _mm256_mul_pd(da1, da1));
		}
		_mm256_storeu_pd(p, a0);
		_mm256_storeu_pd(p + 4, a1);
		for (; c < d; c++)
		{
			double		t = (double) a[c] - xjd[c];

			p[0] += t * t;
		}
		v = sqrt(((p[0] + p[1]) + (p[2] + p[3])) + ((p[4] + p[5]) + (p[6] + p[7])));
		if (v < mind[i])
			mind[i] = v;
	}
}
#endif

/*
 * Fold row j into the distance-to-set array from float rows: the exact
 * distances of DistRow (same bits), reading half the bytes; AVX2 where the
 * CPU has it, the same sums either way
 */
static void
KCApplyF(const SubsetData *s, const float *xf, int64_t j, double *mind, double *xjd,
		 unsigned char *chosen)
{
	const float *xj = xf + (size_t) j * s->d;
	int64_t		n = s->n;

	/* (double) xj[c] once per pick: the same values the sums subtract */
	for (int c = 0; c < s->d; c++)
		xjd[c] = (double) xj[c];

	/* blocks of rows, so that a cancel is seen within a pick over many rows */
	for (int64_t i0 = 0; i0 < n; i0 += 65536)
	{
		int64_t		i1 = n - i0 < 65536 ? n : i0 + 65536;

		Tick(s);
#if defined(__x86_64__) && defined(__GNUC__)
		if (__builtin_cpu_supports("avx2"))
			KCFoldRangeAvx2(s->d, xf, i0, i1, xjd, mind);
		else
#endif
			KCFoldRange(s->d, xf, i0, i1, xj, mind);
	}
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

/*
 * Greedy k-center: repeatedly pick the row farthest from the chosen set.
 * Under l2 with float coordinates (real[] embeddings) the rows are packed
 * into floats in place first: the same exact distances, half the memory
 * read per pick.
 */
int
subset_kcenter(SubsetData *s, int64_t start, const int64_t *init, int64_t ninit,
			   int64_t k, void *work, SubsetResult *out)
{
	int64_t		n = s->n;
	double	   *mind = (double *) work;
	double	   *row = mind + n;
	double	   *xjd = row + n;
	unsigned char *chosen = (unsigned char *) (xjd + s->d);
	int64_t		far;
	double		radius;
	const float *xf = s->xf != NULL ? s->xf : (KCFloatRows(s) ? KCPackFloats(s) : NULL);

	for (int64_t i = 0; i < n; i++)
		mind[i] = INFINITY;
	for (int64_t i = 0; i < n; i++)
		chosen[i] = 0;
	out->count = 0;
	for (int64_t t = 0; t < ninit; t++)
	{
		Tick(s);
		if (xf)
			KCApplyF(s, xf, init[t], mind, xjd, chosen);
		else
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
		if (xf)
			KCApplyF(s, xf, j, mind, xjd, chosen);
		else
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

		/*
		 * new Cholesky column e = (L_j. - C^T c_j) / sqrt(d2_j), by scalar
		 * code in a fixed order (exact similarities; C^T c_j summed over the
		 * earlier columns in turn), so d2 is the same under every kernel
		 */
		dj = sqrt(d2[j]);
		subset_exact_row(s, j, row);
		if (q)
			for (int64_t i = 0; i < n; i++)
				row[i] *= q[j] * q[i];
		if (T > 0)
		{
			for (int64_t u = 0; u < T; u++)
				cj[u] = C[(size_t) u * n + j];
			for (int64_t i = 0; i < n; i++)
				v[i] = 0.0;
			for (int64_t u = 0; u < T; u++)
			{
				const double *cu = C + (size_t) u * n;
				double		cju = cj[u];

				for (int64_t i = 0; i < n; i++)
					v[i] += cu[i] * cju;
			}
			for (int64_t i = 0; i < n; i++)
				row[i] -= v[i];
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
		subset_exact_row(s, j, row);
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

/*
 * Groups of rows connected by exact similarity >= threshold.  The dgemm
 * block screens the pairs; a pair whose BLAS similarity is within the
 * error bound of the threshold is decided on its exact similarity.
 */
void
subset_near_duplicates(const SubsetData *s, double threshold, int block,
					   double *blockbuf, int64_t *parent, int64_t *group)
{
	int64_t		n = s->n;
	double		e_abs,
				e_rel;

	SimErr(s, 0, &e_abs, &e_rel);
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
			{
				double		e = e_abs + e_rel * (SqNorm(s, r0 + a) + SqNorm(s, r0 + b));
				int64_t		ra,
							rb;

				if (brow[b] < threshold - e)
					continue;	/* the exact similarity is below too */
				if (brow[b] < threshold + e &&
					!(subset_exact_sim(s, r0 + a, r0 + b) >= threshold))
					continue;
				ra = Find(parent, r0 + a);
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
