/*
 * linalg.h - pgpref's small layer over CBLAS and LAPACK (OpenBLAS).
 *
 * Plain C: no postgres.h.  Matrices are dense, row-major, double precision,
 * in caller-provided buffers.  Functions that can fail return 0 on success
 * and a positive LAPACK-style code otherwise; the SQL glue turns that into
 * an ereport.
 */
#ifndef PGPREF_LINALG_H
#define PGPREF_LINALG_H

#include <stddef.h>

/* Return codes */
#define LINALG_OK			0
#define LINALG_NOT_SPD		1	/* matrix not positive definite */
#define LINALG_BAD_ARG		2	/* invalid dimension or argument */
#define LINALG_NO_CONVERGE	3	/* iterative LAPACK routine failed */

/* Threads and build information */
extern void linalg_set_threads(int n);
extern int	linalg_get_threads(void);
extern const char *linalg_config(void);
extern const char *linalg_corename(void);
extern const char *linalg_parallel_kind(void);

/* Level 1 */
extern double linalg_dot(int n, const double *x, const double *y);
extern void linalg_axpy(int n, double alpha, const double *x, double *y);
extern double linalg_nrm2(int n, const double *x);

/* Level 2: y = alpha * A x + beta * y, A is m x n (trans: A^T x) */
extern void linalg_gemv(int trans, int m, int n, double alpha, const double *a,
						const double *x, double beta, double *y);

/* Level 3: C (m x n) = alpha * op(A) op(B) + beta * C */
extern void linalg_gemm(int trans_a, int trans_b, int m, int n, int k,
						double alpha, const double *a, const double *b,
						double beta, double *c);

/*
 * C (n x n) = alpha * A^T A + beta * C for A with k rows and n columns;
 * fills both triangles of C.
 */
extern void linalg_gram(int n, int k, double alpha, const double *a,
						double beta, double *c);

/* Copy the upper triangle of a symmetric n x n matrix to the lower one */
extern void linalg_symmetrize(int n, double *a);

/*
 * Solve A X = B for symmetric positive definite A (n x n, overwritten by its
 * Cholesky factor) and nrhs right-hand sides B (n x nrhs, overwritten by X).
 */
extern int	linalg_cholesky_solve(int n, int nrhs, double *a, double *b);

/* Cholesky factor in place (upper triangle holds R with A = R^T R) */
extern int	linalg_cholesky(int n, double *a);

/* Inverse of a symmetric positive definite matrix, in place (full matrix) */
extern int	linalg_spd_inverse(int n, double *a);

/*
 * Interruptible versions of the two for long factorizations: tick() is
 * called between column blocks (it may not return, e.g. when a PostgreSQL
 * error unwinds).  The _tick versions are blocked when tick is set and n >
 * LINALG_TICK_MIN_N (below that one factorization takes a few tens of
 * milliseconds, and LAPACK's own routines run, with their results); the
 * _blocked versions take an explicit block size nb (for tests).
 */
typedef void (*linalg_tick) (void);
#define LINALG_TICK_MIN_N	768
extern int	linalg_block_size(int n);
extern int	linalg_cholesky_solve_tick(int n, int nrhs, double *a, double *b, linalg_tick tick);
extern int	linalg_spd_inverse_tick(int n, double *a, linalg_tick tick);
extern int	linalg_cholesky_solve_blocked(int n, int nrhs, double *a, double *b, int nb,
										  linalg_tick tick);
extern int	linalg_spd_inverse_blocked(int n, double *a, int nb, linalg_tick tick);

/*
 * Eigen-decomposition of a symmetric n x n matrix: eigenvalues ascending in
 * w, eigenvectors as the rows of a (overwritten).  work must hold at least
 * linalg_eigen_work(n) doubles and iwork linalg_eigen_iwork(n) ints.
 */
extern size_t linalg_eigen_work(int n);
extern size_t linalg_eigen_iwork(int n);
extern int	linalg_sym_eigen(int n, double *a, double *w, double *work, int *iwork);

/*
 * The k largest eigenpairs of a symmetric n x n matrix a (overwritten), in
 * steps that call tick() between them (when not NULL): eigenvalues
 * descending in w[0 .. k-1], eigenvectors as the rows of z (k x n).  work
 * must hold linalg_eigen_top_work(n, k) doubles and iwork
 * linalg_eigen_top_iwork(n, k) ints.  For pca, where one dsyevd call on a
 * large matrix could not be cancelled.
 */
extern size_t linalg_eigen_top_work(int n, int k);
extern size_t linalg_eigen_top_iwork(int n, int k);
extern int	linalg_sym_eigen_top(int n, int k, double *a, double *w, double *z,
								 double *work, int *iwork, linalg_tick tick);

/*
 * C = A B^T with explicit leading dimensions (row-major): A is m x k (lda),
 * B is n x k (ldb), C is m x n (ldc).  For blocks of similarity matrices.
 */
extern void linalg_gemm_nt_ld(int m, int n, int k, const double *a, int lda,
							  const double *b, int ldb, double *c, int ldc);

/* Single-precision version of linalg_gemm_nt_ld */
extern void linalg_sgemm_nt_ld(int m, int n, int k, const float *a, int lda,
							   const float *b, int ldb, float *c, int ldc);

/*
 * Deterministic kernels: plain C in one fixed order of operations (eight
 * partial sums over i mod 8, combined pairwise as
 * ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7))), never
 * BLAS, so that a given build returns the same bits on every CPU and under
 * every OpenBLAS kernel.  pgpref decides everything discrete (neighbour
 * order, greedy picks, thresholds) on values from these.
 */
extern double linalg_det_dot(int n, const double *x, const double *y);

/* Sum of (x_i - y_i)^2, deterministic */
extern double linalg_det_sqdist(int n, const double *x, const double *y);

/* Sum of (x_i + y_i)^2, deterministic */
extern double linalg_det_sqsum(int n, const double *x, const double *y);

#endif							/* PGPREF_LINALG_H */
