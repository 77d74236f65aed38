/*
 * gram_core.h - numeric core of the BLAS aggregates (pref.gram, moments,
 * pca, ridge_fit).  Plain C, no postgres.h: caller buffers, return codes.
 *
 * Rows are accumulated around a shift vector K (the first row seen, or zero
 * for the raw Gram matrix): sum = sum(x - K), S = sum (x - K)(x - K)^T.
 * Shifting keeps covariances accurate when the mean is large compared with
 * the spread.
 */
#ifndef PGPREF_GRAM_CORE_H
#define PGPREF_GRAM_CORE_H

#include <stdbool.h>
#include <stddef.h>

#include "linalg.h"

/* Rows buffered per block for p columns (a syrk call per full block) */
extern int	gram_block_rows(int p);

/*
 * Fold nrows buffered rows (row-major nrows x p, overwritten) into sum (p)
 * and S (p x p, both triangles): subtract shift (NULL for none), add column
 * sums, S += B^T B with one syrk.
 */
extern void gram_fold_block(int p, int nrows, double *buf, const double *shift,
							double *sum, double *S);

/*
 * Re-express (sum, S) accumulated over n rows around shift from as around
 * shift to.  work must hold 4 p doubles.
 */
extern void gram_reshift(int p, double n, const double *from, const double *to,
						 double *sum, double *S, double *work);

/*
 * Centre: mean = shift + sum / n, S becomes the centred scatter matrix
 * S - sum sum^T / n (rank-1 update through gemm).
 */
extern void gram_center(int p, double n, const double *shift, const double *sum,
						double *S, double *mean);

/*
 * Ridge regression with an unpenalised intercept from the centred scatter C
 * of the columns (x_1..x_d, y) (p = d + 1) and their means: solves
 * (Cxx + lambda I) w = Cxy by Cholesky.  Returns LINALG_* codes.  work must
 * hold d * d + d doubles.  sse and sst are the training residual and total
 * sums of squares.  tick(), when not NULL, is called between the blocks of
 * a large Cholesky factorisation (it may longjmp out, to cancel).
 */
extern int	gram_ridge_solve(int d, const double *C, const double *mean, double lambda,
							 double *w, double *bias, double *sse, double *sst,
							 double *work, linalg_tick tick);

/*
 * Principal components of a d x d covariance matrix (destroyed): the k
 * eigenvectors with the largest eigenvalues as rows of components (k x d),
 * each with its largest-magnitude entry positive, eigenvalues descending in
 * eigval (k) and the total variance (trace).  Up to d =
 * LINALG_TICK_MIN_N, or without tick, one dsyevd call (work / iwork as for
 * linalg_sym_eigen, plus d doubles in wall); above it the interruptible
 * linalg_sym_eigen_top, which calls tick() between its steps (work / iwork
 * sized by gram_pca_work / gram_pca_iwork, which cover both).
 */
extern size_t gram_pca_work(int d, int k, bool interruptible);
extern size_t gram_pca_iwork(int d, int k, bool interruptible);
extern int	gram_pca(int d, int k, double *cov, double *components, double *eigval,
					 double *total, double *wall, double *work, int *iwork,
					 linalg_tick tick);

#endif							/* PGPREF_GRAM_CORE_H */
