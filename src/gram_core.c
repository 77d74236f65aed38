/*
 * gram_core.c - numeric core of the BLAS aggregates: block folding with
 * syrk, shift changes for combining states, centring, ridge and PCA.
 *
 * No PostgreSQL headers here.
 */
#include <math.h>
#include <string.h>

#include "gram_core.h"
#include "linalg.h"

/* relative size of the smallest acceptable squared Cholesky pivot */
#define GRAM_PIVOT_EPS 1e-12

/* Ensure a block of about 1 MB, between 64 and 1024 rows */
int
gram_block_rows(int p)
{
	int			rows = (int) (131072 / (p > 0 ? p : 1));

	if (rows < 64)
		rows = 64;
	if (rows > 1024)
		rows = 1024;
	return rows;
}

/* Fold a block of buffered rows into sum and S */
void
gram_fold_block(int p, int nrows, double *buf, const double *shift,
				double *sum, double *S)
{
	if (nrows <= 0)
		return;
	/* shift and column sums in one pass over the block (no BLAS for this) */
	for (int i = 0; i < nrows; i++)
	{
		double	   *row = buf + (size_t) i * p;

		if (shift != NULL)
			for (int j = 0; j < p; j++)
				row[j] -= shift[j];
		for (int j = 0; j < p; j++)
			sum[j] += row[j];
	}
	linalg_gram(p, nrows, 1.0, buf, 1.0, S);
}

/* Move the shift of an accumulated state from "from" to "to" */
void
gram_reshift(int p, double n, const double *from, const double *to,
			 double *sum, double *S, double *work)
{
	double	   *u = work;			/* p x 2: [sum, delta] */
	double	   *v = work + 2 * p;	/* 2 x p: [delta; sum + n delta] */

	if (n <= 0)
		return;
	for (int j = 0; j < p; j++)
	{
		double		delta = from[j] - to[j];

		u[2 * j] = sum[j];
		u[2 * j + 1] = delta;
		v[j] = delta;
		v[p + j] = sum[j] + n * delta;
	}
	/* S += sum delta^T + delta (sum + n delta)^T */
	linalg_gemm(0, 0, p, p, 2, 1.0, u, v, 1.0, S);
	for (int j = 0; j < p; j++)
		sum[j] = v[p + j];
}

/* Centred scatter and mean */
void
gram_center(int p, double n, const double *shift, const double *sum,
			double *S, double *mean)
{
	for (int j = 0; j < p; j++)
		mean[j] = (shift ? shift[j] : 0.0) + sum[j] / n;
	/* S -= sum sum^T / n */
	linalg_gemm(0, 1, p, p, 1, -1.0 / n, sum, sum, 1.0, S);
}

/* Ridge regression from a centred scatter matrix */
int
gram_ridge_solve(int d, const double *C, const double *mean, double lambda,
				 double *w, double *bias, double *sse, double *sst,
				 double *work, linalg_tick tick)
{
	int			p = d + 1;
	double	   *A = work;
	double	   *t = work + (size_t) d * d;
	double		cyy = C[(size_t) d * p + d];
	double		wcxy,
				wcw;
	double		dmax = 0;
	int			rc;

	for (int i = 0; i < d; i++)
	{
		memcpy(A + (size_t) i * d, C + (size_t) i * p, sizeof(double) * d);
		A[(size_t) i * d + i] += lambda;
		w[i] = C[(size_t) i * p + d];
		if (A[(size_t) i * d + i] > dmax)
			dmax = A[(size_t) i * d + i];
	}
	rc = linalg_cholesky_solve_tick(d, 1, A, w, tick);
	if (rc != LINALG_OK)
		return rc;
	/* numerically singular: a pivot lost to rounding */
	for (int i = 0; i < d; i++)
		if (A[(size_t) i * d + i] * A[(size_t) i * d + i] <= GRAM_PIVOT_EPS * dmax)
			return LINALG_NOT_SPD;
	*bias = mean[d] - linalg_dot(d, w, mean);

	/* sse = Cyy - 2 w.Cxy + w^T Cxx w */
	for (int i = 0; i < d; i++)
	{
		memcpy(A + (size_t) i * d, C + (size_t) i * p, sizeof(double) * d);
		t[i] = C[(size_t) i * p + d];
	}
	wcxy = linalg_dot(d, w, t);
	linalg_gemv(0, d, d, 1.0, A, w, 0.0, t);
	wcw = linalg_dot(d, w, t);
	*sse = cyy - 2.0 * wcxy + wcw;
	if (*sse < 0)
		*sse = 0;
	*sst = cyy;
	return LINALG_OK;
}

/* Whether gram_pca takes the interruptible path */
static bool
PcaInterruptible(int d, bool tick)
{
	return tick && d > LINALG_TICK_MIN_N;
}

/* Doubles of work space gram_pca needs */
size_t
gram_pca_work(int d, int k, bool interruptible)
{
	return PcaInterruptible(d, interruptible) ? linalg_eigen_top_work(d, k) : linalg_eigen_work(d);
}

/* Ints of work space gram_pca needs */
size_t
gram_pca_iwork(int d, int k, bool interruptible)
{
	return PcaInterruptible(d, interruptible) ? linalg_eigen_top_iwork(d, k) : linalg_eigen_iwork(d);
}

/* The sign convention: largest-magnitude entry positive (first one on ties) */
static void
PcaSign(int d, const double *v, double *out)
{
	int			big = 0;

	for (int j = 1; j < d; j++)
		if (fabs(v[j]) > fabs(v[big]))
			big = j;
	for (int j = 0; j < d; j++)
		out[j] = v[big] < 0 ? -v[j] : v[j];
}

/* Top-k principal components */
int
gram_pca(int d, int k, double *cov, double *components, double *eigval,
		 double *total, double *wall, double *work, int *iwork, linalg_tick tick)
{
	int			rc;
	double		tr = 0;

	for (int j = 0; j < d; j++)
		tr += cov[(size_t) j * d + j];
	*total = tr;
	if (PcaInterruptible(d, tick != NULL))
	{
		rc = linalg_sym_eigen_top(d, k, cov, eigval, components, work, iwork, tick);
		if (rc != LINALG_OK)
			return rc;
		for (int c = 0; c < k; c++)
		{
			double	   *v = components + (size_t) c * d;

			for (int j = 0; j < d; j++)
				wall[j] = v[j];
			PcaSign(d, wall, v);
		}
		return LINALG_OK;
	}
	rc = linalg_sym_eigen(d, cov, wall, work, iwork);
	if (rc != LINALG_OK)
		return rc;
	for (int c = 0; c < k; c++)
	{
		int			src = d - 1 - c;	/* eigenvalues are ascending */

		PcaSign(d, cov + (size_t) src * d, components + (size_t) c * d);
		eigval[c] = wall[src];
	}
	return LINALG_OK;
}
