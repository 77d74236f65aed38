/*
 * linalg.c - thin wrappers over CBLAS and LAPACK as provided by OpenBLAS.
 *
 * No PostgreSQL headers here.  LAPACK is called through its Fortran
 * interface, which OpenBLAS exports; matrices handed to LAPACK are symmetric,
 * so the row-major/column-major distinction reduces to choosing the other
 * triangle.
 */
#include <stddef.h>
#include <cblas.h>

#include "linalg.h"

/* OpenBLAS extensions (declared in OpenBLAS's cblas.h on most builds) */
extern void openblas_set_num_threads(int num_threads);
extern int	openblas_get_num_threads(void);
extern char *openblas_get_config(void);
extern char *openblas_get_corename(void);
extern int	openblas_get_parallel(void);

/* Fortran LAPACK, exported by OpenBLAS (trailing hidden string lengths) */
extern void dpotrf_(const char *uplo, const int *n, double *a, const int *lda,
					int *info, size_t uplo_len);
extern void dpotri_(const char *uplo, const int *n, double *a, const int *lda,
					int *info, size_t uplo_len);
extern void dtrtri_(const char *uplo, const char *diag, const int *n, double *a,
					const int *lda, int *info, size_t uplo_len, size_t diag_len);
extern void dlauum_(const char *uplo, const int *n, double *a, const int *lda,
					int *info, size_t uplo_len);
extern void dsyevd_(const char *jobz, const char *uplo, const int *n, double *a,
					const int *lda, double *w, double *work, const int *lwork,
					int *iwork, const int *liwork, int *info,
					size_t jobz_len, size_t uplo_len);

extern void dlatrd_(const char *uplo, const int *n, const int *nb, double *a,
					const int *lda, double *e, double *tau, double *w,
					const int *ldw, size_t uplo_len);
extern void dsytd2_(const char *uplo, const int *n, double *a, const int *lda,
					double *d, double *e, double *tau, int *info, size_t uplo_len);
extern void dstemr_(const char *jobz, const char *range, const int *n, double *d,
					double *e, const double *vl, const double *vu, const int *il,
					const int *iu, int *m, double *w, double *z, const int *ldz,
					const int *nzc, int *isuppz, int *tryrac, double *work,
					const int *lwork, int *iwork, const int *liwork, int *info,
					size_t jobz_len, size_t range_len);
extern void dormtr_(const char *side, const char *uplo, const char *trans,
					const int *m, const int *n, const double *a, const int *lda,
					const double *tau, double *c, const int *ldc, double *work,
					const int *lwork, int *info, size_t side_len, size_t uplo_len,
					size_t trans_len);

/* Ensure OpenBLAS uses exactly n threads (n >= 1) */
void
linalg_set_threads(int n)
{
	if (n < 1)
		n = 1;
	openblas_set_num_threads(n);
}

/* Current OpenBLAS thread count */
int
linalg_get_threads(void)
{
	return openblas_get_num_threads();
}

/* OpenBLAS build configuration string */
const char *
linalg_config(void)
{
	return openblas_get_config();
}

/* Name of the kernel (core type) OpenBLAS selected */
const char *
linalg_corename(void)
{
	return openblas_get_corename();
}

/* Threading model OpenBLAS was built with */
const char *
linalg_parallel_kind(void)
{
	switch (openblas_get_parallel())
	{
		case 0:
			return "serial";
		case 1:
			return "pthreads";
		case 2:
			return "openmp";
		default:
			return "unknown";
	}
}

/* x . y */
double
linalg_dot(int n, const double *x, const double *y)
{
	return n > 0 ? cblas_ddot(n, x, 1, y, 1) : 0.0;
}

/* y += alpha x */
void
linalg_axpy(int n, double alpha, const double *x, double *y)
{
	if (n > 0)
		cblas_daxpy(n, alpha, x, 1, y, 1);
}

/* Euclidean norm of x */
double
linalg_nrm2(int n, const double *x)
{
	return n > 0 ? cblas_dnrm2(n, x, 1) : 0.0;
}

/* y = alpha op(A) x + beta y, A row-major m x n */
void
linalg_gemv(int trans, int m, int n, double alpha, const double *a,
			const double *x, double beta, double *y)
{
	if (m <= 0 || n <= 0)
		return;
	cblas_dgemv(CblasRowMajor, trans ? CblasTrans : CblasNoTrans, m, n,
				alpha, a, n, x, 1, beta, y, 1);
}

/* C = alpha op(A) op(B) + beta C, all row-major */
void
linalg_gemm(int trans_a, int trans_b, int m, int n, int k,
			double alpha, const double *a, const double *b,
			double beta, double *c)
{
	if (m <= 0 || n <= 0)
		return;
	cblas_dgemm(CblasRowMajor,
				trans_a ? CblasTrans : CblasNoTrans,
				trans_b ? CblasTrans : CblasNoTrans,
				m, n, k, alpha,
				a, trans_a ? m : k,
				b, trans_b ? k : n,
				beta, c, n);
}

/* Copy upper triangle to lower triangle */
void
linalg_symmetrize(int n, double *a)
{
	for (int i = 0; i < n; i++)
		for (int j = i + 1; j < n; j++)
			a[(size_t) j * n + i] = a[(size_t) i * n + j];
}

/* C = alpha A^T A + beta C (syrk on the upper triangle, then mirrored) */
void
linalg_gram(int n, int k, double alpha, const double *a, double beta, double *c)
{
	if (n <= 0)
		return;
	if (k > 0)
		cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, n, k,
					alpha, a, n, beta, c, n);
	else if (beta != 1.0)
		for (size_t i = 0; i < (size_t) n * n; i++)
			c[i] *= beta;
	linalg_symmetrize(n, c);
}

/*
 * Row-major upper triangle == column-major lower triangle, so LAPACK is
 * asked for 'L' on our buffers.  Factor in place, leaving R (A = R^T R) in
 * the row-major upper triangle; the other triangle is left as it was.
 */
static int
Potrf(int n, double *a)
{
	int			info = 0;

	if (n <= 0)
		return LINALG_BAD_ARG;
	dpotrf_("L", &n, a, &n, &info, 1);
	if (info > 0)
		return LINALG_NOT_SPD;
	return info < 0 ? LINALG_BAD_ARG : LINALG_OK;
}

/* Cholesky factor in place; the strictly lower triangle is zeroed */
int
linalg_cholesky(int n, double *a)
{
	int			rc = Potrf(n, a);

	if (rc != LINALG_OK)
		return rc;
	for (int i = 0; i < n; i++)
		for (int j = 0; j < i; j++)
			a[(size_t) i * n + j] = 0.0;
	return LINALG_OK;
}

/* Solve A X = B by Cholesky (A = R^T R); B is n x nrhs row-major */
int
linalg_cholesky_solve(int n, int nrhs, double *a, double *b)
{
	int			rc;

	if (n <= 0 || nrhs <= 0)
		return LINALG_BAD_ARG;
	rc = linalg_cholesky(n, a);
	if (rc != LINALG_OK)
		return rc;
	/* R^T Y = B, then R X = Y */
	cblas_dtrsm(CblasRowMajor, CblasLeft, CblasUpper, CblasTrans, CblasNonUnit,
				n, nrhs, 1.0, a, n, b, nrhs);
	cblas_dtrsm(CblasRowMajor, CblasLeft, CblasUpper, CblasNoTrans, CblasNonUnit,
				n, nrhs, 1.0, a, n, b, nrhs);
	return LINALG_OK;
}

/* In-place inverse of an SPD matrix; full symmetric result */
int
linalg_spd_inverse(int n, double *a)
{
	int			info = 0;
	int			rc = Potrf(n, a);

	if (rc != LINALG_OK)
		return rc;
	dpotri_("L", &n, a, &n, &info, 1);
	if (info > 0)
		return LINALG_NOT_SPD;
	if (info < 0)
		return LINALG_BAD_ARG;
	/* result is in the row-major upper triangle */
	linalg_symmetrize(n, a);
	return LINALG_OK;
}

/* Workspace sizes dsyevd needs for jobz = 'V' */
size_t
linalg_eigen_work(int n)
{
	return n <= 1 ? 1 : (size_t) 1 + 6 * (size_t) n + 2 * (size_t) n * n;
}

size_t
linalg_eigen_iwork(int n)
{
	return n <= 1 ? 1 : (size_t) 3 + 5 * (size_t) n;
}

/*
 * Symmetric eigen-decomposition.  LAPACK returns eigenvectors as columns of
 * a column-major matrix, which are the rows of our row-major buffer.
 */
int
linalg_sym_eigen(int n, double *a, double *w, double *work, int *iwork)
{
	int			info = 0;
	int			lwork = (int) linalg_eigen_work(n);
	int			liwork = (int) linalg_eigen_iwork(n);

	if (n <= 0)
		return LINALG_BAD_ARG;
	dsyevd_("V", "L", &n, a, &n, w, work, &lwork, iwork, &liwork, &info, 1, 1);
	if (info > 0)
		return LINALG_NO_CONVERGE;
	if (info < 0)
		return LINALG_BAD_ARG;
	return LINALG_OK;
}

/* C (m x n, ldc) = A (m x k, lda) B^T (B n x k, ldb), row-major */
void
linalg_gemm_nt_ld(int m, int n, int k, const double *a, int lda,
				  const double *b, int ldb, double *c, int ldc)
{
	if (m <= 0 || n <= 0)
		return;
	cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, m, n, k, 1.0,
				a, lda, b, ldb, 0.0, c, ldc);
}

/* Single precision: C (m x n, ldc) = A (m x k, lda) B^T (B n x k, ldb) */
void
linalg_sgemm_nt_ld(int m, int n, int k, const float *a, int lda,
				   const float *b, int ldb, float *c, int ldc)
{
	if (m <= 0 || n <= 0)
		return;
	cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, m, n, k, 1.0f,
				a, lda, b, ldb, 0.0f, c, ldc);
}

/*
 * Deterministic kernels (see linalg.h).  Eight partial sums in named
 * locals (i mod 8), combined pairwise; separate statements and no
 * reassociation: without -ffast-math the compiler keeps this order.
 */
#define DET_SUM_BODY(TERM) \
	double		s0 = 0.0, \
				s1 = 0.0, \
				s2 = 0.0, \
				s3 = 0.0, \
				s4 = 0.0, \
				s5 = 0.0, \
				s6 = 0.0, \
				s7 = 0.0; \
	int			i = 0; \
	for (; i + 8 <= n; i += 8) \
	{ \
		const double *a = x + i, \
				   *b = y + i; \
		double		t0 = TERM(0), \
					t1 = TERM(1), \
					t2 = TERM(2), \
					t3 = TERM(3), \
					t4 = TERM(4), \
					t5 = TERM(5), \
					t6 = TERM(6), \
					t7 = TERM(7); \
		s0 += t0; \
		s1 += t1; \
		s2 += t2; \
		s3 += t3; \
		s4 += t4; \
		s5 += t5; \
		s6 += t6; \
		s7 += t7; \
	} \
	for (; i < n; i++) \
	{ \
		const double *a = x + i, \
				   *b = y + i; \
		double		t = TERM(0); \
		s0 += t; \
	} \
	return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7))

#define DOT_TERM(k)		(a[k] * b[k])
#define SQDIST_TERM(k)	((a[k] - b[k]) * (a[k] - b[k]))
#define SQSUM_TERM(k)	((a[k] + b[k]) * (a[k] + b[k]))

/* x . y in a fixed order */
double
linalg_det_dot(int n, const double *x, const double *y)
{
	DET_SUM_BODY(DOT_TERM);
}

/* |x - y|^2 in a fixed order */
double
linalg_det_sqdist(int n, const double *x, const double *y)
{
	DET_SUM_BODY(SQDIST_TERM);
}

/* |x + y|^2 in a fixed order */
double
linalg_det_sqsum(int n, const double *x, const double *y)
{
	DET_SUM_BODY(SQSUM_TERM);
}

/*
 * Interruptible factorizations: LAPACK's blocked algorithms spelt out with
 * level-3 BLAS calls on column blocks of nb, calling tick() between blocks
 * so that the caller can cancel a long factorization (tick may not return).
 * The buffers are read as column-major lower triangles, which is the
 * row-major upper triangle (see Potrf).  A(i, j) below is column-major.
 */
#define A_(i, j) (a + (i) + (size_t) (j) * n)

/* Block size: about 2 GFLOP per block step at most, between 32 and 256 */
int
linalg_block_size(int n)
{
	double		nb = n > 0 ? 2e9 / ((double) n * n) : 256;

	return nb >= 256 ? 256 : nb <= 32 ? 32 : (int) nb;
}

/* Right-looking blocked Cholesky (dpotrf), lower column-major */
static int
PotrfBlocked(int n, double *a, int nb, linalg_tick tick)
{
	for (int k = 0; k < n; k += nb)
	{
		int			b = n - k < nb ? n - k : nb,
					r = n - k - b,
					info = 0;

		if (tick)
			tick();
		dpotrf_("L", &b, A_(k, k), &n, &info, 1);
		if (info > 0)
			return LINALG_NOT_SPD;
		if (info < 0)
			return LINALG_BAD_ARG;
		if (r > 0)
		{
			cblas_dtrsm(CblasColMajor, CblasRight, CblasLower, CblasTrans, CblasNonUnit,
						r, b, 1.0, A_(k, k), n, A_(k + b, k), n);
			cblas_dsyrk(CblasColMajor, CblasLower, CblasNoTrans, r, b,
						-1.0, A_(k + b, k), n, 1.0, A_(k + b, k + b), n);
		}
	}
	return LINALG_OK;
}

/* Blocked inverse of a lower triangular factor in place (dtrtri) */
static int
TrtriBlocked(int n, double *a, int nb, linalg_tick tick)
{
	for (int j = ((n - 1) / nb) * nb; j >= 0; j -= nb)
	{
		int			jb = n - j < nb ? n - j : nb,
					m = n - j - jb,
					info = 0;

		if (tick)
			tick();
		if (m > 0)
		{
			cblas_dtrmm(CblasColMajor, CblasLeft, CblasLower, CblasNoTrans, CblasNonUnit,
						m, jb, 1.0, A_(j + jb, j + jb), n, A_(j + jb, j), n);
			cblas_dtrsm(CblasColMajor, CblasRight, CblasLower, CblasNoTrans, CblasNonUnit,
						m, jb, -1.0, A_(j, j), n, A_(j + jb, j), n);
		}
		dtrtri_("L", "N", &jb, A_(j, j), &n, &info, 1, 1);
		if (info != 0)
			return info > 0 ? LINALG_NOT_SPD : LINALG_BAD_ARG;
	}
	return LINALG_OK;
}

/* Blocked L^T L of a lower triangular L in place (dlauum) */
static int
LauumBlocked(int n, double *a, int nb, linalg_tick tick)
{
	for (int i = 0; i < n; i += nb)
	{
		int			ib = n - i < nb ? n - i : nb,
					m = n - i - ib,
					info = 0;

		if (tick)
			tick();
		if (i > 0)
			cblas_dtrmm(CblasColMajor, CblasLeft, CblasLower, CblasTrans, CblasNonUnit,
						ib, i, 1.0, A_(i, i), n, A_(i, 0), n);
		dlauum_("L", &ib, A_(i, i), &n, &info, 1);
		if (info != 0)
			return LINALG_BAD_ARG;
		if (m > 0)
		{
			if (i > 0)
				cblas_dgemm(CblasColMajor, CblasTrans, CblasNoTrans, ib, i, m,
							1.0, A_(i + ib, i), n, A_(i + ib, 0), n, 1.0, A_(i, 0), n);
			cblas_dsyrk(CblasColMajor, CblasLower, CblasTrans, ib, m,
						1.0, A_(i + ib, i), n, 1.0, A_(i, i), n);
		}
	}
	return LINALG_OK;
}

#undef A_

/* linalg_cholesky_solve in blocks of nb, tick() between blocks */
int
linalg_cholesky_solve_blocked(int n, int nrhs, double *a, double *b, int nb, linalg_tick tick)
{
	int			rc;

	if (n <= 0 || nrhs <= 0 || nb <= 0)
		return LINALG_BAD_ARG;
	rc = PotrfBlocked(n, a, nb, tick);
	if (rc != LINALG_OK)
		return rc;
	for (int i = 0; i < n; i++)
		for (int j = 0; j < i; j++)
			a[(size_t) i * n + j] = 0.0;
	if (tick)
		tick();
	cblas_dtrsm(CblasRowMajor, CblasLeft, CblasUpper, CblasTrans, CblasNonUnit,
				n, nrhs, 1.0, a, n, b, nrhs);
	cblas_dtrsm(CblasRowMajor, CblasLeft, CblasUpper, CblasNoTrans, CblasNonUnit,
				n, nrhs, 1.0, a, n, b, nrhs);
	return LINALG_OK;
}

/* linalg_spd_inverse in blocks of nb, tick() between blocks */
int
linalg_spd_inverse_blocked(int n, double *a, int nb, linalg_tick tick)
{
	int			rc;

	if (n <= 0 || nb <= 0)
		return LINALG_BAD_ARG;
	rc = PotrfBlocked(n, a, nb, tick);
	if (rc == LINALG_OK)
		rc = TrtriBlocked(n, a, nb, tick);
	if (rc == LINALG_OK)
		rc = LauumBlocked(n, a, nb, tick);
	if (rc != LINALG_OK)
		return rc;
	linalg_symmetrize(n, a);
	return LINALG_OK;
}

/*
 * linalg_cholesky_solve that a long factorization can interrupt: blocked
 * when tick is set and n is above one block (small problems take LAPACK's
 * path, and its results, unchanged)
 */
int
linalg_cholesky_solve_tick(int n, int nrhs, double *a, double *b, linalg_tick tick)
{
	int			nb = linalg_block_size(n);

	if (tick == NULL || n <= LINALG_TICK_MIN_N)
		return linalg_cholesky_solve(n, nrhs, a, b);
	return linalg_cholesky_solve_blocked(n, nrhs, a, b, nb, tick);
}

/* linalg_spd_inverse that a long factorization can interrupt (as above) */
int
linalg_spd_inverse_tick(int n, double *a, linalg_tick tick)
{
	if (tick == NULL || n <= LINALG_TICK_MIN_N)
		return linalg_spd_inverse(n, a);
	return linalg_spd_inverse_blocked(n, a, linalg_block_size(n), tick);
}

/*
 * Top-k symmetric eigenproblem in interruptible steps (linalg.h).  The
 * reduction to tridiagonal form is LAPACK's dsytrd (lower) written out
 * panel by panel, dlatrd on a panel of nb columns and a dsyr2k update of
 * the rest, so that tick() runs between panels; the k largest eigenpairs of
 * the tridiagonal matrix come from dstemr (MRRR, O(n k)), and dormtr maps
 * their vectors back in blocks of columns, tick() between blocks.  A panel
 * costs nb matrix-vector products over the trailing matrix (memory bound),
 * a block 2 n^2 flops per column, so both shrink as n grows: about 1.6 GB
 * of memory traffic or 1 GFLOP per step at most, a few tenths of a second.
 */
#define EIGEN_NB	32			/* widest panel and column block */
#define EIGEN_NX	128			/* unblocked (dsytd2) below this order */
#define EIGEN_TSIZE	4160		/* dormqr's block reflector (LAPACK >= 3.7) */

/* A step size: x clamped to [lo, EIGEN_NB] */
static int
EigenStep(double x, int lo)
{
	return x >= EIGEN_NB ? EIGEN_NB : x <= lo ? lo : (int) x;
}

size_t
linalg_eigen_top_work(int n, int k)
{
	/* d, e, tau, eigenvalues; panel W; dstemr; the n x k vectors; dormtr */
	return (size_t) 4 * n + (size_t) n * EIGEN_NB + (size_t) 18 * n +
		(size_t) n * k + (size_t) EIGEN_NB * EIGEN_NB * 2 + EIGEN_TSIZE + 64;
}

size_t
linalg_eigen_top_iwork(int n, int k)
{
	return (size_t) 10 * n + 2 * (size_t) k + 2;
}

int
linalg_sym_eigen_top(int n, int k, double *a, double *w, double *z,
					 double *work, int *iwork, linalg_tick tick)
{
	double	   *d = work,
			   *e = d + n,
			   *tau = e + n,
			   *wv = tau + n,
			   *pw = wv + n,
			   *stw = pw + (size_t) n * EIGEN_NB,
			   *zc = stw + (size_t) 18 * n,
			   *ow = zc + (size_t) n * k;
	int		   *isuppz = iwork + (size_t) 10 * n;
	int			info = 0,
				i = 0,
				nb = EIGEN_NB,
				ncb = EigenStep(5e8 / ((double) n * n), 1),
				il = n - k + 1,
				iu = n,
				m = 0,
				tryrac = 1,
				lst = 18 * n,
				list = 10 * n,
				low = EIGEN_NB * EIGEN_NB * 2 + EIGEN_TSIZE + 64;
	double		vl = 0,
				vu = 0;

	if (n <= 0 || k < 1 || k > n)
		return LINALG_BAD_ARG;
	if (n == 1)
	{
		w[0] = a[0];
		z[0] = 1.0;
		return LINALG_OK;
	}
	/* a is symmetric: row-major is column-major; A(r, c) = a[r + c * n] */
	if (n > EIGEN_NX)
	{
		for (i = 0; i < n - EIGEN_NX; i += nb)
		{
			int			rest = n - i;
			int			tail = n - i - nb;

			dlatrd_("L", &rest, &nb, a + i + (size_t) i * n, &n, e + i, tau + i, pw, &n, 1);
			cblas_dsyr2k(CblasColMajor, CblasLower, CblasNoTrans, tail, nb, -1.0,
						 a + (i + nb) + (size_t) i * n, n, pw + nb, n, 1.0,
						 a + (i + nb) + (size_t) (i + nb) * n, n);
			for (int j = i; j < i + nb; j++)
			{
				a[(j + 1) + (size_t) j * n] = e[j];
				d[j] = a[j + (size_t) j * n];
			}
			if (tick)
				tick();
		}
	}
	{
		int			rest = n - i;

		dsytd2_("L", &rest, a + i + (size_t) i * n, &n, d + i, e + i, tau + i, &info, 1);
		if (info != 0)
			return LINALG_BAD_ARG;
	}
	dstemr_("V", "I", &n, d, e, &vl, &vu, &il, &iu, &m, wv, zc, &n, &k, isuppz,
			&tryrac, stw, &lst, iwork, &list, &info, 1, 1);
	if (info > 0 || m != k)
		return LINALG_NO_CONVERGE;
	if (info < 0)
		return LINALG_BAD_ARG;
	for (int c0 = 0; c0 < k; c0 += ncb)
	{
		int			nc = k - c0 < ncb ? k - c0 : ncb;

		if (tick)
			tick();
		dormtr_("L", "L", "N", &n, &nc, a, &n, tau, zc + (size_t) c0 * n, &n, ow, &low,
				&info, 1, 1, 1);
		if (info != 0)
			return LINALG_BAD_ARG;
	}
	/* descending: the largest eigenvalue first, its vector as row 0 of z */
	for (int c = 0; c < k; c++)
	{
		const double *src = zc + (size_t) (k - 1 - c) * n;

		for (int j = 0; j < n; j++)
			z[(size_t) c * n + j] = src[j];
		w[c] = wv[k - 1 - c];
	}
	return LINALG_OK;
}
