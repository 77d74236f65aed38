/*
 * Unit test of the interruptible top-k symmetric eigensolver of
 * src/linalg.c (linalg_sym_eigen_top, used by pca above d = 768) against
 * LAPACK's dsyevd (linalg_sym_eigen), a different algorithm (divide and
 * conquer on the whole spectrum): eigenvalues to 1e-10 relative to the
 * largest, eigenvectors of separated eigenvalues to 1e-9 (|dot| with
 * dsyevd's), residuals |A v - l v| and orthonormality to 1e-9 even where
 * eigenvalues repeat, and tick() called between steps.  Prints TAP.
 * unit-link: openblas
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "linalg.h"
#include "unit_test.h"

static int	nticks = 0;

/* Count tick calls */
static void
Tick(void)
{
	nticks++;
}

/*
 * Random symmetric A = Q diag(lam) Q^T from n random reflections; with
 * repeat, the top three eigenvalues are equal
 */
static double *
Matrix(int n, uint64_t seed, int repeat)
{
	double	   *a = calloc((size_t) n * n, sizeof(double));
	double	   *v = malloc(sizeof(double) * n);
	double	   *t = malloc(sizeof(double) * n);

	for (int i = 0; i < n; i++)
		a[(size_t) i * n + i] = (repeat && i >= n - 3) ? (double) n : 1.0 + i + 0.5 * unit_unif(&seed);
	for (int r = 0; r < 6; r++)
	{
		double		nn = 0;

		for (int i = 0; i < n; i++)
		{
			v[i] = unit_unif(&seed) - 0.5;
			nn += v[i] * v[i];
		}
		for (int i = 0; i < n; i++)
			v[i] /= sqrt(nn);
		/* A <- H A H, H = I - 2 v v^T */
		for (int i = 0; i < n; i++)
		{
			double		s = 0;

			for (int j = 0; j < n; j++)
				s += a[(size_t) i * n + j] * v[j];
			t[i] = s;
		}
		{
			double		vt = 0;

			for (int i = 0; i < n; i++)
				vt += v[i] * t[i];
			for (int i = 0; i < n; i++)
				for (int j = 0; j < n; j++)
					a[(size_t) i * n + j] += -2 * v[i] * t[j] - 2 * t[i] * v[j] + 4 * vt * v[i] * v[j];
		}
	}
	free(v);
	free(t);
	return a;
}

/* Compare the top-k solver with dsyevd on one matrix */
static void
Check(int n, int k, uint64_t seed, int repeat)
{
	double	   *a = Matrix(n, seed, repeat);
	double	   *a1 = malloc(sizeof(double) * (size_t) n * n);
	double	   *a2 = malloc(sizeof(double) * (size_t) n * n);
	double	   *w1 = malloc(sizeof(double) * n);
	double	   *w2 = malloc(sizeof(double) * k);
	double	   *z = malloc(sizeof(double) * (size_t) k * n);
	double	   *work = malloc(sizeof(double) * (linalg_eigen_work(n) > linalg_eigen_top_work(n, k) ? linalg_eigen_work(n) : linalg_eigen_top_work(n, k)));
	int		   *iwork = malloc(sizeof(int) * (linalg_eigen_iwork(n) + linalg_eigen_top_iwork(n, k)));
	double		top,
				werr = 0,
				verr = 0,
				rerr = 0,
				oerr = 0;
	int			rc1,
				rc2,
				expect_ticks = 0;

	memcpy(a1, a, sizeof(double) * (size_t) n * n);
	memcpy(a2, a, sizeof(double) * (size_t) n * n);
	rc1 = linalg_sym_eigen(n, a1, w1, work, iwork);
	nticks = 0;
	rc2 = linalg_sym_eigen_top(n, k, a2, w2, z, work, iwork, Tick);
	unit_check(rc1 == LINALG_OK && rc2 == LINALG_OK, "both solvers succeed (n = %d, k = %d)", n, k);
	top = fabs(w1[n - 1]);
	for (int c = 0; c < k; c++)
	{
		const double *v = z + (size_t) c * n;
		const double *u = a1 + (size_t) (n - 1 - c) * n;	/* dsyevd: ascending */
		double		dot = 0,
					res = 0;

		werr = fmax(werr, fabs(w2[c] - w1[n - 1 - c]) / top);
		for (int j = 0; j < n; j++)
			dot += u[j] * v[j];
		if (!repeat || c >= 3)
			verr = fmax(verr, 1 - fabs(dot));
		for (int i = 0; i < n; i++)
		{
			double		s = -w2[c] * v[i];

			for (int j = 0; j < n; j++)
				s += a[(size_t) i * n + j] * v[j];
			res = fmax(res, fabs(s));
		}
		rerr = fmax(rerr, res / top);
		for (int c2 = 0; c2 <= c; c2++)
		{
			double		g = 0;

			for (int j = 0; j < n; j++)
				g += z[(size_t) c2 * n + j] * v[j];
			oerr = fmax(oerr, fabs(g - (c2 == c ? 1.0 : 0.0)));
		}
	}
	unit_check(werr <= 1e-10, "eigenvalues equal dsyevd's to 1e-10 relative (n = %d, k = %d)", n, k);
	unit_check(verr <= 1e-9, "eigenvectors of separated eigenvalues equal dsyevd's (n = %d, k = %d)", n, k);
	unit_check(rerr <= 1e-9, "residual |A v - l v| <= 1e-9 |l_max| (n = %d, k = %d)", n, k);
	unit_check(oerr <= 1e-9, "eigenvectors orthonormal to 1e-9 (n = %d, k = %d)", n, k);
	if (n == 1)
		expect_ticks = 0;
	else if (n > 128)
		expect_ticks = (n - 128 + 31) / 32 + (k + 31) / 32;
	else
		expect_ticks = (k + 31) / 32;
	unit_check(nticks >= expect_ticks, "tick() runs between the steps (n = %d, k = %d)", n, k);
	free(a);
	free(a1);
	free(a2);
	free(w1);
	free(w2);
	free(z);
	free(work);
	free(iwork);
}

int
main(void)
{
	int			n1[] = {1, 2, 7, 130, 300, 800};

	for (int t = 0; t < 6; t++)
	{
		int			n = n1[t];

		Check(n, 1, 11 + t, 0);
		Check(n, n < 5 ? n : 5, 21 + t, 0);
		if (n >= 7 && n <= 300)
			Check(n, n, 31 + t, 0);
		if (n >= 7)
			Check(n, n < 40 ? n : 40, 41 + t, 1);
	}
	return unit_done();
}
