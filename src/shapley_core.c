/*
 * shapley_core.c - numeric core of data valuation (see shapley_core.h).
 * No postgres.h: the SQL glue is src/shapley.c.
 */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "knn_sort.h"
#include "linalg.h"
#include "reward_core.h"
#include "shapley_core.h"

/* ---- distances ---------------------------------------------------------- */

/* Squared norms of the rows of x (deterministic scalar code) */
void
shapley_sq_norms(int n, int d, const double *x, double *out)
{
	for (int i = 0; i < n; i++)
		out[i] = linalg_det_dot(d, x + (size_t) i * d, x + (size_t) i * d);
}

/*
 * Ensure every row has unit length (cosine metric).  The norm comes from
 * deterministic scalar code: the scaled rows are the input of the exact
 * distances, so they must not depend on the BLAS kernel.
 */
int
shapley_normalize_rows(int n, int d, double *x, int *bad)
{
	for (int i = 0; i < n; i++)
	{
		double	   *row = x + (size_t) i * d;
		double		nrm = sqrt(linalg_det_dot(d, row, row));

		if (!(nrm > 0.0))
		{
			*bad = i;
			return SHAPLEY_ZERO_VECTOR;
		}
		for (int j = 0; j < d; j++)
			row[j] /= nrm;
	}
	return SHAPLEY_OK;
}

/*
 * Bound on |BLAS distance - exact distance| for rows with squared norms vn
 * and xn (both 1 under cosine): the gemm inner product, the norms trick and
 * the scalar sum each err by at most about d units of rounding times
 * (vn + xn); (4d + 16) machine epsilons leave a factor of two to spare.
 * The tiny absolute term covers underflow.
 */
double
shapley_dist_tol(int d, double vn, double xn)
{
	return (4.0 * d + 16.0) * DBL_EPSILON * (vn + xn) + 1e-300 * d;
}

/*
 * One gemm for the inner products, then approximate distances and matches
 * elementwise.  A pair's match whose sign the gemm cannot settle (|dot|
 * within the rounding bound) is flagged -1 for shapley_order_row.
 */
void
shapley_dist_block(int metric, int pairs, int b, int n, int d,
				   const double *v, const double *vn,
				   const double *x, const double *xn,
				   const int64_t *vlabel, const int64_t *xlabel,
				   double *dist, double *match)
{
	shapley_dist_block_ld(metric, pairs, b, n, d, v, vn, x, xn, vlabel, xlabel,
						  dist, match, n);
}

/* shapley_dist_block into rows of stride ldd */
void
shapley_dist_block_ld(int metric, int pairs, int b, int n, int d,
					  const double *v, const double *vn,
					  const double *x, const double *xn,
					  const int64_t *vlabel, const int64_t *xlabel,
					  double *dist, double *match, size_t ldd)
{
	linalg_gemm_nt_ld(b, n, d, v, d, x, d, dist, (int) ldd);
	for (int r = 0; r < b; r++)
	{
		double	   *drow = dist + (size_t) r * ldd;
		double	   *mrow = match + (size_t) r * ldd;

		for (int i = 0; i < n; i++)
		{
			double		g = drow[i];
			double		ag = pairs ? fabs(g) : g;
			double		dd;

			if (metric == SHAPLEY_L2)
				dd = vn[r] + xn[i] - 2.0 * ag;
			else
				dd = 1.0 - ag;
			drow[i] = dd > 0.0 ? dd : 0.0;	/* also turns -0 into +0 */
			if (pairs)
			{
				double		tol = metric == SHAPLEY_L2 ?
					shapley_dist_tol(d, vn[r], xn[i]) : shapley_dist_tol(d, 1.0, 1.0);

				mrow[i] = g > tol ? 1.0 : (g < -tol ? 0.0 : -1.0);
			}
			else
				mrow[i] = vlabel[r] == xlabel[i] ? 1.0 : 0.0;
		}
	}
}

/*
 * Exact distance of query row v to reference row x by deterministic scalar
 * code: |v - x|^2 (l2) or 1 - v.x (cosine, unit rows), clamped at 0.  For
 * pairs the distance to the nearer of +x and -x, chosen by the sign of the
 * scalar v.x, and *match = 1 (+x), 0 (-x) or 0.5 (v.x = 0).
 */
double
shapley_exact_dist(int metric, int pairs, int d, const double *v, const double *x,
				   double *match)
{
	double		dd;

	if (!pairs)
		dd = metric == SHAPLEY_L2 ? linalg_det_sqdist(d, v, x) : 1.0 - linalg_det_dot(d, v, x);
	else
	{
		double		g = linalg_det_dot(d, v, x);

		*match = g > 0.0 ? 1.0 : (g < 0.0 ? 0.0 : 0.5);
		if (metric == SHAPLEY_L2)
			dd = g >= 0.0 ? linalg_det_sqdist(d, v, x) : linalg_det_sqsum(d, v, x);
		else
			dd = 1.0 - fabs(g);
	}
	return dd > 0.0 ? dd : 0.0;
}

/* Row i of the training rows as doubles (see ShapleyRows) */
const double *
shapley_row(const ShapleyRows *rows, int i, double *buf)
{
	const float *src;

	if (rows->x)
		return rows->x + (size_t) i * rows->d;
	src = rows->xf + (size_t) i * rows->d;
	if (rows->xnorm)
		for (int j = 0; j < rows->d; j++)
			buf[j] = (double) src[j] / rows->xnorm[i];
	else
		for (int j = 0; j < rows->d; j++)
			buf[j] = (double) src[j];
	return buf;
}

/* Rows i0 .. i0 + cnt - 1 as doubles into buf (cnt x d) */
void
shapley_rows_tile(const ShapleyRows *rows, int i0, int cnt, double *buf)
{
	for (int t = 0; t < cnt; t++)
	{
		double	   *dst = buf + (size_t) t * rows->d;
		const double *row = shapley_row(rows, i0 + t, dst);

		if (row != dst)
			memcpy(dst, row, sizeof(double) * rows->d);
	}
}

/*
 * Norms of float rows for cosine: the norm the double path computes from
 * the same values (shapley_normalize_rows), so that dividing by it gives the
 * same normalized doubles; SHAPLEY_ZERO_VECTOR (row in *bad) if zero.
 * buf: d doubles.
 */
int
shapley_single_norms(int n, int d, const float *xf, double *xnorm, double *buf, int *bad)
{
	for (int i = 0; i < n; i++)
	{
		const float *src = xf + (size_t) i * d;

		for (int j = 0; j < d; j++)
			buf[j] = (double) src[j];
		xnorm[i] = sqrt(linalg_det_dot(d, buf, buf));
		if (!(xnorm[i] > 0.0))
		{
			*bad = i;
			return SHAPLEY_ZERO_VECTOR;
		}
	}
	return SHAPLEY_OK;
}

/* Squared norms of float rows (l2), as shapley_sq_norms of their doubles */
void
shapley_single_sq_norms(int n, int d, const float *xf, double *out, double *buf)
{
	for (int i = 0; i < n; i++)
	{
		const float *src = xf + (size_t) i * d;

		for (int j = 0; j < d; j++)
			buf[j] = (double) src[j];
		out[i] = linalg_det_dot(d, buf, buf);
	}
}

/* Order tie entries by exact distance, then id */
static int
CmpTie(const void *pa, const void *pb)
{
	const ShapleyTie *a = pa;
	const ShapleyTie *b = pb;

	if (a->key != b->key)
		return a->key < b->key ? -1 : 1;
	return a->id < b->id ? -1 : (a->id > b->id ? 1 : 0);
}

/*
 * Order of the training rows for one validation row: argsort of the BLAS
 * distances, then every run of neighbours whose BLAS distances lie within
 * twice the rounding bound of each other (where BLAS may have swapped or
 * split a tie) is re-sorted by the exact scalar distance, ties by id.  Two
 * rows in different runs are more than the bound apart, so their order is
 * the exact one as well: the result is the order by (exact distance, id),
 * whatever kernel computed the gemm.  Returns the number of exact distances
 * computed.
 */
int64_t
shapley_order_row(int metric, int pairs, int n, const double *v, double vn,
				  const ShapleyRows *rows, double xnmax, const int64_t *id,
				  const double *dist, double *match, int *order,
				  double *sorted, int *ibuf, KnnSortEntry *ebuf, ShapleyTie *tbuf,
				  double *rowbuf)
{
	int			d = rows->d;
	double		tol2 = 2.0 * (metric == SHAPLEY_L2 ?
							  shapley_dist_tol(d, vn, xnmax) : shapley_dist_tol(d, 1.0, 1.0));
	int64_t		exact = 0;
	int			t0 = 0;
	double		prev;

	knn_argsort(n, dist, order, sorted, ibuf, ebuf);
	prev = sorted[0];
	while (t0 < n)
	{
		int			t1 = t0 + 1;

		/* extend the run while neighbours are within twice the bound */
		for (; t1 < n; t1++)
		{
			double		cur = sorted[t1];

			if (cur - prev > tol2)
			{
				prev = cur;
				break;
			}
			prev = cur;
		}
		if (t1 - t0 > 1)
		{
			for (int t = t0; t < t1; t++)
			{
				int			i = order[t];
				double		mt = match[i];

				tbuf[t - t0].key = shapley_exact_dist(metric, pairs, d, v,
													  shapley_row(rows, i, rowbuf), &mt);
				tbuf[t - t0].id = id[i];
				tbuf[t - t0].idx = i;
				if (pairs)
					match[i] = mt;
			}
			exact += t1 - t0;
			qsort(tbuf, t1 - t0, sizeof(ShapleyTie), CmpTie);
			for (int t = t0; t < t1; t++)
				order[t] = tbuf[t - t0].idx;
		}
		t0 = t1;
	}
	/* matches of pairs the gemm could not settle, outside the runs */
	if (pairs)
		for (int i = 0; i < n; i++)
			if (match[i] < 0.0)
			{
				(void) shapley_exact_dist(metric, pairs, d, v, shapley_row(rows, i, rowbuf),
										  &match[i]);
				exact++;
			}
	return exact;
}

/*
 * Jia et al. (2019) recursion, from the farthest training row inwards, in
 * one pass: s(r) = s(r + 1) + (match(r) - match(r + 1)) f(r) is added to
 * the row's value as soon as it is known (the same operations in the same
 * order as storing s first).  The rows are visited in rank order, so their
 * match and value are random accesses: they are prefetched a few ranks
 * ahead.
 */
#define RECURSION_PREFETCH 16

void
shapley_knn_recursion(int n, int k, const int *order, const double *match,
					  double weight, double *values)
{
	double		mnext = match[order[n - 1]];
	double		s = mnext / n;

	values[order[n - 1]] += weight * s;
	for (int r = n - 2; r >= 0; r--)
	{
		int			pos = r + 1;	/* 1-based position */
		int			i = order[r];
		double		f = (pos < k ? pos : k) / ((double) k * pos);
		double		m;

		if (r >= RECURSION_PREFETCH)
		{
			__builtin_prefetch(&match[order[r - RECURSION_PREFETCH]]);
			__builtin_prefetch(&values[order[r - RECURSION_PREFETCH]], 1);
		}
		m = match[i];
		s = s + (m - mnext) * f;
		values[i] += weight * s;
		mnext = m;
	}
}

/* ---- utility oracles ---------------------------------------------------- */

/* Point the oracle's callbacks at one utility's state */
static void
WireUtility(ShapleyUtility *u, void *state, void (*reset) (void *),
			double (*add) (void *, int),
			double (*eval) (void *, const unsigned char *, int))
{
	u->state = state;
	u->reset = reset;
	u->add = add;
	u->eval = eval;
}

/* Indices of the flagged players into members[]; returns their count */
static int
CollectMembers(int n, const unsigned char *member, int *members)
{
	int			count = 0;

	for (int i = 0; i < n; i++)
		if (member[i])
			members[count++] = i;
	return count;
}

/* ---- KNN utility -------------------------------------------------------- */

static void
KnnReset(void *state)
{
	ShapleyKnnState *st = state;

	memset(st->cnt, 0, sizeof(int32_t) * st->m);
	st->sum2 = 0;
}

/* Add training row i to every validation row's sorted top-k list */
static double
KnnAdd(void *state, int i)
{
	ShapleyKnnState *st = state;
	int			n = st->n,
				k = st->k;

	for (int m = 0; m < st->m; m++)
	{
		int32_t		r = st->rank[(size_t) m * n + i];
		int32_t    *t = st->top + (size_t) m * k;
		const uint8_t *mt = st->match2 + (size_t) m * n;
		int			c = st->cnt[m];
		int			p;

		if (c == k)
		{
			if (r >= t[k - 1])
				continue;
			st->sum2 -= mt[t[k - 1]];
			c--;
		}
		else
			st->cnt[m] = c + 1;
		for (p = c; p > 0 && t[p - 1] > r; p--)
			t[p] = t[p - 1];
		t[p] = r;
		st->sum2 += mt[r];
	}
	return (double) st->sum2 / (2.0 * st->m * k);
}

/* U of a coalition: walk each validation row's order to its k-th member */
static double
KnnEval(void *state, const unsigned char *member, int size)
{
	ShapleyKnnState *st = state;
	int			n = st->n,
				k = st->k;
	int64_t		sum2 = 0;

	(void) size;
	for (int m = 0; m < st->m; m++)
	{
		const int32_t *ord = st->order + (size_t) m * n;
		const uint8_t *mt = st->match2 + (size_t) m * n;
		int			found = 0;

		for (int r = 0; r < n && found < k; r++)
			if (member[ord[r]])
			{
				sum2 += mt[r];
				found++;
			}
	}
	return (double) sum2 / (2.0 * st->m * k);
}

/* Wire the KNN oracle */
void
shapley_knn_utility(ShapleyUtility *u, ShapleyKnnState *st)
{
	WireUtility(u, st, KnnReset, KnnAdd, KnnEval);
}

/* ---- logistic utility --------------------------------------------------- */

static void
LogitReset(void *state)
{
	ShapleyLogitState *st = state;

	st->nmem = 0;
	st->npos = 0;
	memset(st->w, 0, sizeof(double) * (st->d + 1));
}

/* Gather the members' rows, with a trailing 1 for the intercept, into st->a */
static void
LogitGather(ShapleyLogitState *st)
{
	int			d1 = st->d + 1;

	for (int j = 0; j < st->nmem; j++)
	{
		double	   *row = st->a + (size_t) j * d1;

		memcpy(row, st->x + (size_t) st->members[j] * st->d, sizeof(double) * st->d);
		row[st->d] = 1.0;
	}
}

/*
 * Penalized negative log-likelihood at w; z receives A w.  With p != NULL
 * also the probabilities.
 */
static double
LogitLoss(ShapleyLogitState *st, const double *w, double *z, double *p)
{
	double		loss = 0.0;

	linalg_gemv(0, st->nmem, st->d + 1, 1.0, st->a, w, 0.0, z);
	for (int j = 0; j < st->nmem; j++)
	{
		double		zj = z[j];
		double		yj = st->y[st->members[j]];

		/* log(1 + e^z) - y z, computed without overflow */
		loss += (zj > 0 ? zj + log1p(exp(-zj)) : log1p(exp(zj))) - yj * zj;
		if (p)
			p[j] = zj >= 0 ? 1.0 / (1.0 + exp(-zj)) : exp(zj) / (1.0 + exp(zj));
	}
	for (int c = 0; c < st->d; c++)
		loss += 0.5 * st->lambda * w[c] * w[c];
	return loss;
}

/*
 * Damped Newton iterations on the current members, warm-started from st->w:
 * backtracking (Armijo) keeps every step a descent step, so a distant warm
 * start cannot make the iteration diverge.
 */
static int
LogitFit(ShapleyLogitState *st)
{
	int			d1 = st->d + 1;
	int			nm = st->nmem;
	double	   *p = st->score;
	double	   *z = st->score + st->n;
	LogitGather(st);
	for (int it = 0; it < 100; it++)
	{
		double		loss = LogitLoss(st, st->w, z, p);
		double		gdelta = 0.0,
					t = 1.0,
					step = 0.0;
		int			rc;

		/* gradient: A^T (p - y) + lambda w (intercept unpenalized) */
		for (int j = 0; j < nm; j++)
			z[j] = p[j] - st->y[st->members[j]];
		linalg_gemv(1, nm, d1, 1.0, st->a, z, 0.0, st->g);
		for (int c = 0; c < st->d; c++)
			st->g[c] += st->lambda * st->w[c];
		/* Hessian: A^T diag(p(1-p)) A + lambda I, from scaled rows */
		for (int j = 0; j < nm; j++)
		{
			double		sw = sqrt(p[j] * (1.0 - p[j]));
			double	   *row = st->a + (size_t) j * d1;

			for (int c = 0; c < d1; c++)
				row[c] *= sw;
		}
		linalg_gram(d1, nm, 1.0, st->a, 0.0, st->h);
		LogitGather(st);
		for (int c = 0; c < st->d; c++)
			st->h[(size_t) c * d1 + c] += st->lambda;
		st->h[(size_t) st->d * d1 + st->d] += 1e-10;
		memcpy(st->wprev, st->g, sizeof(double) * d1);
		rc = linalg_cholesky_solve(d1, 1, st->h, st->g);	/* g := Newton step */
		if (rc != LINALG_OK)
			return SHAPLEY_NOT_SPD;
		gdelta = linalg_dot(d1, st->wprev, st->g);
		if (!(gdelta > 1e-28))
			break;				/* already at the optimum */
		/* backtracking line search on w - t * step */
		for (int ls = 0; ls < 60; ls++)
		{
			for (int c = 0; c < d1; c++)
				st->wprev[c] = st->w[c] - t * st->g[c];
			if (LogitLoss(st, st->wprev, z, NULL) <= loss - 1e-4 * t * gdelta)
				break;
			t *= 0.5;
		}
		for (int c = 0; c < d1; c++)
		{
			step = fmax(step, fabs(st->wprev[c] - st->w[c]));
			st->w[c] = st->wprev[c];
		}
		if (step < 1e-11)
			break;
	}
	return SHAPLEY_OK;
}

/* Validation accuracy of the members' fit (conventions in the header) */
static double
LogitAccuracy(ShapleyLogitState *st)
{
	int			correct = 0;

	if (st->nmem == 0)
		return 0.0;
	if (st->npos == 0 || st->npos == st->nmem)
	{
		double		cls = st->npos == 0 ? 0.0 : 1.0;

		for (int j = 0; j < st->m; j++)
			correct += st->vy[j] == cls;
		return (double) correct / st->m;
	}
	if (LogitFit(st) != SHAPLEY_OK)
	{
		st->failed = SHAPLEY_NOT_SPD;
		return NAN;
	}
	linalg_gemv(0, st->m, st->d, 1.0, st->v, st->w, 0.0, st->score);
	for (int j = 0; j < st->m; j++)
		correct += ((st->score[j] + st->w[st->d]) > 0.0 ? 1.0 : 0.0) == st->vy[j];
	return (double) correct / st->m;
}

static double
LogitAdd(void *state, int i)
{
	ShapleyLogitState *st = state;

	st->members[st->nmem++] = i;
	st->npos += st->y[i] > 0.5;
	return LogitAccuracy(st);
}

static double
LogitEval(void *state, const unsigned char *member, int size)
{
	ShapleyLogitState *st = state;

	(void) size;
	st->nmem = CollectMembers(st->n, member, st->members);
	st->npos = 0;
	for (int j = 0; j < st->nmem; j++)
		st->npos += st->y[st->members[j]] > 0.5;
	return LogitAccuracy(st);
}

/* Wire the logistic oracle */
void
shapley_logit_utility(ShapleyUtility *u, ShapleyLogitState *st)
{
	WireUtility(u, st, LogitReset, LogitAdd, LogitEval);
	st->failed = SHAPLEY_OK;
	LogitReset(st);
}

/* ---- Bradley-Terry reward utility --------------------------------------- */

static void
RewardReset(void *state)
{
	ShapleyRewardState *st = state;

	st->nmem = 0;
	memset(st->w, 0, sizeof(double) * st->d);
}

/* Copy the members' difference vectors into st->z */
static void
RewardGather(ShapleyRewardState *st)
{
	for (int j = 0; j < st->nmem; j++)
		memcpy(st->z + (size_t) j * st->d, st->x + (size_t) st->members[j] * st->d,
			   sizeof(double) * st->d);
}

/*
 * Objective sum softplus(-w.z) + lambda/2 |w|^2 over the gathered members,
 * by reward_block with target 1 and no offset; st->g receives the loss
 * gradient and h (when not NULL) the Hessian, which scales st->z.
 */
static double
RewardObjective(ShapleyRewardState *st, const double *w, double *h)
{
	RewardStats stats = {0, 0, 0};

	memset(st->g, 0, sizeof(double) * st->d);
	if (h)
		memset(h, 0, sizeof(double) * st->d * st->d);
	reward_block(st->d, st->nmem, st->z, NULL, NULL, 1.0, w, 0.0, st->g, h,
				 &stats, st->scratch);
	return stats.loss + 0.5 * st->lambda * linalg_dot(st->d, w, w);
}

/*
 * Damped Newton on the members from the warm start st->w: the step solves
 * (H + lambda I) step = g + lambda w (reward_newton_step, Cholesky), and
 * backtracking (Armijo) keeps each step a descent step while the predicted
 * decrease is above the objective's rounding (below it, full steps).  Near
 * the optimum the Newton step is the distance to it: once the step is below
 * 1e-10 relative to w it is taken in full (quadratic convergence leaves an
 * error below rounding) and the fit stops.
 */
static int
RewardFit(ShapleyRewardState *st)
{
	int			d = st->d;

	if (st->nmem == 0)
	{
		memset(st->w, 0, sizeof(double) * d);	/* argmin of lambda/2 |w|^2 */
		return SHAPLEY_OK;
	}
	for (int it = 0; it < 100; it++)
	{
		double		obj,
					gdelta,
					t = 1.0,
					smax = 0.0,
					wmax = 0.0;
		int			ls;

		RewardGather(st);
		obj = RewardObjective(st, st->w, st->h);
		if (reward_newton_step(d, st->h, st->g, st->w, st->lambda, st->gtot,
							   st->step) != LINALG_OK)
			return SHAPLEY_NOT_SPD;
		gdelta = linalg_dot(d, st->gtot, st->step);
		for (int c = 0; c < d; c++)
		{
			smax = fmax(smax, fabs(st->step[c]));
			wmax = fmax(wmax, fabs(st->w[c]));
		}
		if (!(gdelta > 0.0))
			break;				/* at the optimum to rounding */
		if (smax <= 1e-10 * (1.0 + wmax))
		{
			/* |w - optimum| is about |step|: one full step leaves ~|step|^2 */
			linalg_axpy(d, -1.0, st->step, st->w);
			break;
		}
		if (gdelta <= 1e-12 * (1.0 + fabs(obj)))
		{
			/*
			 * The predicted decrease is below the objective's rounding, so a
			 * line search cannot judge the step; it is short (lambda |step|^2
			 * <= gdelta): take it in full.
			 */
			linalg_axpy(d, -1.0, st->step, st->w);
			continue;
		}
		RewardGather(st);		/* the Hessian scaled z */
		for (ls = 0; ls < 60; ls++)
		{
			for (int c = 0; c < d; c++)
				st->wnew[c] = st->w[c] - t * st->step[c];
			if (RewardObjective(st, st->wnew, NULL) <= obj - 1e-4 * t * gdelta)
				break;
			t *= 0.5;
		}
		if (ls == 60)
			break;				/* no decrease left: w is optimal to rounding */
		memcpy(st->w, st->wnew, sizeof(double) * d);
	}
	return SHAPLEY_OK;
}

/* Validation pair accuracy of the members' fit; a zero margin counts 1/2 */
static double
RewardAccuracy(ShapleyRewardState *st)
{
	double		correct = 0.0;

	if (RewardFit(st) != SHAPLEY_OK)
	{
		st->failed = SHAPLEY_NOT_SPD;
		return NAN;
	}
	linalg_gemv(0, st->m, st->d, 1.0, st->v, st->w, 0.0, st->score);
	for (int j = 0; j < st->m; j++)
		correct += st->score[j] > 0.0 ? 1.0 : (st->score[j] == 0.0 ? 0.5 : 0.0);
	return correct / st->m;
}

static double
RewardAdd(void *state, int i)
{
	ShapleyRewardState *st = state;

	st->members[st->nmem++] = i;
	return RewardAccuracy(st);
}

static double
RewardEval(void *state, const unsigned char *member, int size)
{
	ShapleyRewardState *st = state;

	(void) size;
	st->nmem = CollectMembers(st->n, member, st->members);
	return RewardAccuracy(st);
}

/* Wire the reward-model oracle */
void
shapley_reward_utility(ShapleyUtility *u, ShapleyRewardState *st)
{
	WireUtility(u, st, RewardReset, RewardAdd, RewardEval);
	st->failed = SHAPLEY_OK;
	RewardReset(st);
}

/* ---- Monte-Carlo drivers ------------------------------------------------ */

/* Beta Shapley position weights through log-gamma */
void
shapley_beta_weights(int n, double alpha, double beta, double *w)
{
	double		lb = lgamma(alpha) + lgamma(beta) - lgamma(alpha + beta);

	for (int j = 1; j <= n; j++)
	{
		double		lc = lgamma(n) - lgamma(j) - lgamma(n - j + 1);
		double		a = j + beta - 1.0,
					b = n - j + alpha;
		double		lbj = lgamma(a) + lgamma(b) - lgamma(a + b);

		w[j - 1] = n * exp(lc + lbj - lb);
	}
}

/* Marginal contributions along one permutation, with truncation */
int
shapley_permutation(ShapleyUtility *u, int n, const int *perm,
					double u_empty, double u_all, double truncation,
					const double *weight, double *marg)
{
	double		prev = u_empty;
	int			calls = 0,
				run = 0,
				truncated = 0;

	u->reset(u->state);
	for (int j = 0; j < n; j++)
	{
		int			i = perm[j];
		double		cur;

		if (truncated)
		{
			marg[i] = 0.0;
			continue;
		}
		cur = u->add(u->state, i);
		calls++;
		marg[i] = (cur - prev) * (weight ? weight[j] : 1.0);
		prev = cur;
		if (truncation > 0.0)
		{
			if (fabs(u_all - cur) <= truncation * fabs(u_all))
			{
				if (++run >= 5)
					truncated = 1;
			}
			else
				run = 0;
		}
	}
	return calls;
}

/* Welford: count is the number of samples including this one */
void
shapley_welford(int n, const double *x, int64_t count, double *mean, double *m2)
{
	for (int i = 0; i < n; i++)
	{
		double		delta = x[i] - mean[i];

		mean[i] += delta / count;
		m2[i] += delta * (x[i] - mean[i]);
	}
}

/* One MSR draw */
double
shapley_banzhaf_draw(ShapleyUtility *u, PrefRng *rng, int n,
					 unsigned char *member, double *sum_in, double *sq_in,
					 int64_t *cnt_in, double *sum_out, double *sq_out,
					 int64_t *cnt_out)
{
	int			size = 0;
	double		val;
	uint64_t	bits = 0;

	for (int i = 0; i < n; i++)
	{
		if ((i & 63) == 0)
			bits = pref_rng_next(rng);
		member[i] = (unsigned char) (bits & 1);
		bits >>= 1;
		size += member[i];
	}
	val = u->eval(u->state, member, size);
	for (int i = 0; i < n; i++)
	{
		if (member[i])
		{
			sum_in[i] += val;
			sq_in[i] += val * val;
			cnt_in[i]++;
		}
		else
		{
			sum_out[i] += val;
			sq_out[i] += val * val;
			cnt_out[i]++;
		}
	}
	return val;
}
