/*
 * Unit test of src/knn_sort.c: the bucket argsort must give exactly the
 * order of a stable sort (qsort on key, then index) for smooth, tied,
 * crowded and hostile key sets, including the sizes of the issue 15
 * benchmarks.  Deterministic seeds; prints TAP.
 */
#include <math.h>
#include <float.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "knn_sort.h"
#include "unit_test.h"

/* Standard normal by Box-Muller */
static double
Normal(uint64_t *s)
{
	double		u = unit_unif(s) + 1e-300,
				v = unit_unif(s);

	return sqrt(-2.0 * log(u)) * cos(2.0 * M_PI * v);
}

/* Compare the bucket argsort with the reference on one key set */
static void
CheckSort(int n, const double *key, const char *what)
{
	int		   *o1 = malloc(sizeof(int) * (n + 1));
	int		   *o2 = malloc(sizeof(int) * (n + 1));
	double	   *s1 = malloc(sizeof(double) * (n + 1));
	double	   *s2 = malloc(sizeof(double) * (n + 1));
	int		   *ibuf = malloc(sizeof(int) * (n + 2));
	KnnSortEntry *ebuf = malloc(sizeof(KnnSortEntry) * (n + 1));
	int			ok;

	knn_argsort(n, key, o1, s1, ibuf, ebuf);
	knn_argsort_reference(n, key, o2, s2, ebuf);
	ok = memcmp(o1, o2, sizeof(int) * n) == 0 && memcmp(s1, s2, sizeof(double) * n) == 0;
	unit_check(ok, "knn_argsort equals a stable sort: %s (n = %d)", what, n);
	free(o1);
	free(o2);
	free(s1);
	free(s2);
	free(ibuf);
	free(ebuf);
}

int
main(void)
{
	uint64_t	seed = 15;
	int			sizes[] = {1, 2, 3, 25, 100, 1000, 20000, 200000};
	int			nmax = 200000;
	double	   *key = malloc(sizeof(double) * nmax);
	char		what[128];

	for (int si = 0; si < (int) (sizeof(sizes) / sizeof(sizes[0])); si++)
	{
		int			n = sizes[si];

		/* squared distances of Gaussian points in 64 dimensions */
		for (int i = 0; i < n; i++)
		{
			double		s = 0;

			for (int j = 0; j < 8; j++)
			{
				double		g = Normal(&seed);

				s += g * g;
			}
			key[i] = s;
		}
		snprintf(what, sizeof(what), "chi-square keys");
		CheckSort(n, key, what);
		/* integer keys: many exact ties */
		for (int i = 0; i < n; i++)
			key[i] = floor(unit_unif(&seed) * 7);
		CheckSort(n, key, "seven distinct values");
		/* one far outlier squeezes the rest into one bucket */
		for (int i = 0; i < n; i++)
			key[i] = unit_unif(&seed);
		key[n / 2] = 1e300;
		CheckSort(n, key, "one outlier at 1e300");
		/* geometric keys: every level crowds the bottom bucket */
		for (int i = 0; i < n; i++)
			key[i] = ldexp(1.0, -(i % 1000)) * (1 + (i % 3));
		CheckSort(n, key, "geometric keys");
		/* all equal, zeros and subnormals, neighbours one ulp apart */
		for (int i = 0; i < n; i++)
			key[i] = 2.5;
		CheckSort(n, key, "all equal");
		for (int i = 0; i < n; i++)
			key[i] = (i % 5) == 0 ? 0.0 : DBL_MIN * unit_unif(&seed);
		CheckSort(n, key, "zeros and subnormals");
		for (int i = 0; i < n; i++)
			key[i] = nextafter(1.0, 2.0) * 0 + 1.0 + (i % 17) * DBL_EPSILON;
		CheckSort(n, key, "keys one ulp apart");
		for (int i = 0; i < n; i++)
			key[i] = (i % 2) ? DBL_MAX : 0.0;
		CheckSort(n, key, "0 and DBL_MAX");
		/* infinite keys (squared distances of huge double rows overflow) */
		for (int i = 0; i < n; i++)
			key[i] = (i % 7) == 3 ? INFINITY : unit_unif(&seed) * 10;
		CheckSort(n, key, "some keys infinite");
		for (int i = 0; i < n; i++)
			key[i] = INFINITY;
		CheckSort(n, key, "all keys infinite");
		/* descending, with a near-duplicate cluster */
		for (int i = 0; i < n; i++)
			key[i] = i < n / 2 ? (double) (n - i) : 100.0 + (i % 4) * 1e-13;
		CheckSort(n, key, "descending plus a cluster");
	}
	free(key);
	return unit_done();
}
