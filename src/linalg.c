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
extern void dsyevd_(const char *jobz, const char *uplo, const int *n, double *a,
					const int *lda, double *w, double *work, const int *lwork,
					int *iwork, const int *liwork, int *info,
					size_t jobz_len, size_t uplo_len);

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

/*
 * Column blocks of the interruptible factorisations: each BLAS call between
 * two checks does at most n * 256 * 256 multiply-adds (about 0.1 s for
 * n = 10,000 on one core); below 4 blocks one LAPACK call is quick enough.
 */
#define CHK_BLOCK		256
#define CHK_INV_BLOCK	64
#define CHK_MIN_N		(4 * CHK_BLOCK)

/*
 * Cholesky factor in place as linalg_cholesky, right-looking by column
 * blocks of the column-major lower view (see Potrf): factor the diagonal
 * block, solve the panel below it, update the trailing matrix one column
 * panel at a time, with a check before each step.
 */
int
linalg_cholesky_chk(int n, double *a, linalg_check_fn check, void *arg)
{
	if (check != NULL)
		check(arg);
	if (check == NULL || n < CHK_MIN_N)
		return linalg_cholesky(n, a);
	for (int j = 0; j < n; j += CHK_BLOCK)
	{
		int			jb = n - j < CHK_BLOCK ? n - j : CHK_BLOCK;
		int			m = n - j - jb;
		double	   *a11 = a + j + (size_t) j * n;
		double	   *a21 = a11 + jb;
		int			info = 0;

		check(arg);
		dpotrf_("L", &jb, a11, &n, &info, 1);
		if (info > 0)
			return LINALG_NOT_SPD;
		if (info < 0)
			return LINALG_BAD_ARG;
		if (m == 0)
			break;
		/* L21 = A21 L11^-T */
		cblas_dtrsm(CblasColMajor, CblasRight, CblasLower, CblasTrans, CblasNonUnit,
					m, jb, 1.0, a11, n, a21, n);
		/* A22 -= L21 L21^T (lower triangle), one column panel at a time */
		for (int c = 0; c < m; c += CHK_BLOCK)
		{
			int			w = m - c < CHK_BLOCK ? m - c : CHK_BLOCK;
			const double *lc = a21 + c;
			double	   *acc = a + (j + jb + c) + (size_t) (j + jb + c) * n;

			check(arg);
			cblas_dsyrk(CblasColMajor, CblasLower, CblasNoTrans, w, jb,
						-1.0, lc, n, 1.0, acc, n);
			if (m - c - w > 0)
				cblas_dgemm(CblasColMajor, CblasNoTrans, CblasTrans, m - c - w, w, jb,
							-1.0, lc + w, n, lc, n, 1.0, acc + w, n);
		}
	}
	/* as linalg_cholesky: zero the row-major strictly lower triangle */
	for (int i = 0; i < n; i++)
		for (int j = 0; j < i; j++)
			a[(size_t) i * n + j] = 0.0;
	return LINALG_OK;
}

/* Solve A X = B by Cholesky as linalg_cholesky_solve, interruptible */
int
linalg_cholesky_solve_chk(int n, int nrhs, double *a, double *b,
						  linalg_check_fn check, void *arg)
{
	int			rc;

	if (n <= 0 || nrhs <= 0)
		return LINALG_BAD_ARG;
	rc = linalg_cholesky_chk(n, a, check, arg);
	if (rc != LINALG_OK)
		return rc;
	cblas_dtrsm(CblasRowMajor, CblasLeft, CblasUpper, CblasTrans, CblasNonUnit,
				n, nrhs, 1.0, a, n, b, nrhs);
	cblas_dtrsm(CblasRowMajor, CblasLeft, CblasUpper, CblasNoTrans, CblasNonUnit,
				n, nrhs, 1.0, a, n, b, nrhs);
	return LINALG_OK;
}

/*
 * Inverse of an SPD matrix as linalg_spd_inverse, interruptible: after the
 * blocked factor A = L L^T (column-major lower view), column block J of the
 * inverse below the diagonal solves L Y = I_J and L^T X = Y on the trailing
 * submatrix only (rows above J are not needed: X is symmetric).
 */
int
linalg_spd_inverse_chk(int n, double *a, double *work, linalg_check_fn check, void *arg)
{
	int			rc;

	if (check == NULL || n < CHK_MIN_N)
	{
		if (check != NULL)
			check(arg);
		return linalg_spd_inverse(n, a);
	}
	rc = linalg_cholesky_chk(n, a, check, arg);
	if (rc != LINALG_OK)
		return rc;
	for (int j = 0; j < n; j += CHK_INV_BLOCK)
	{
		int			w = n - j < CHK_INV_BLOCK ? n - j : CHK_INV_BLOCK;
		int			m = n - j;
		double	   *y = work + j + (size_t) j * n;
		const double *l = a + j + (size_t) j * n;

		check(arg);
		for (int c = 0; c < w; c++)
			for (int i = 0; i < m; i++)
				y[i + (size_t) c * n] = (i == c) ? 1.0 : 0.0;
		cblas_dtrsm(CblasColMajor, CblasLeft, CblasLower, CblasNoTrans, CblasNonUnit,
					m, w, 1.0, l, n, y, n);
		cblas_dtrsm(CblasColMajor, CblasLeft, CblasLower, CblasTrans, CblasNonUnit,
					m, w, 1.0, l, n, y, n);
	}
	/* the lower triangle of the inverse is in work: mirror it into a */
	for (int j = 0; j < n; j++)
	{
		if ((j & 255) == 0)
			check(arg);
		for (int i = j; i < n; i++)
		{
			double		v = work[i + (size_t) j * n];

			a[i + (size_t) j * n] = v;
			a[j + (size_t) i * n] = v;
		}
	}
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
