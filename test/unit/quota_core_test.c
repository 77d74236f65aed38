/*
 * Unit test of src/quota_core.c without a server: cluster quotas by hand
 * (equal remainders to the earlier cluster, caps at the sizes, k beyond the
 * rows), and on 20,000 random cases the defining properties of capped
 * largest-remainder quotas checked in exact integer arithmetic: they sum to
 * min(k, rows), capped clusters are those whose share reaches their size,
 * every other quota is the floor or the ceiling of its share, and the
 * ceilings go to the largest remainders (equal ones: the earlier cluster).
 * Prints TAP.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "quota_core.h"
#include "unit_test.h"

/* Quotas of a case with integer weights, compared with the expected ones */
static int
Case(int c, const int64_t *size, const double *w, int64_t k, const int64_t *want)
{
	int64_t		q[16],
				work[16];

	selmerge_quotas(c, size, w, k, q, work);
	return memcmp(q, want, sizeof(int64_t) * c) == 0;
}

/*
 * The properties of capped largest-remainder quotas for integer weights:
 * 0 on success, else a failure code
 */
static int
Properties(int c, const int64_t *size, const int64_t *w, int64_t k, const int64_t *q)
{
	int64_t		total = 0,
				sum = 0,
				kleft = k,
				W = 0;
	int			capped[16] = {0};

	for (int j = 0; j < c; j++)
	{
		total += size[j];
		sum += q[j];
		if (q[j] < 0 || q[j] > size[j])
			return 1;
	}
	if (sum != (k < total ? k : total))
		return 2;
	if (k >= total)
		return 0;
	/* the capped set: repeat "share reaches size" with the shares of the rest */
	for (;;)
	{
		int			any = 0;
		int64_t		kr = kleft;

		W = 0;
		for (int j = 0; j < c; j++)
			if (!capped[j] && size[j] > 0)
				W += w[j];
		if (W == 0)
			break;
		for (int j = 0; j < c; j++)
			if (!capped[j] && size[j] > 0 && kr * w[j] >= size[j] * W)
			{
				capped[j] = 1;
				kleft -= size[j];
				any = 1;
			}
		if (!any)
			break;
	}
	for (int j = 0; j < c; j++)
	{
		if (size[j] == 0)
		{
			if (q[j] != 0)
				return 3;
			continue;
		}
		if (capped[j])
		{
			if (q[j] != size[j])
				return 4;
			continue;
		}
		/* floor or ceiling of kleft * w / W */
		if (!(q[j] * W <= kleft * w[j] + W - 1 && kleft * w[j] < (q[j] + 1) * W))
			return 5;
	}
	/* a cluster rounded down never has a larger remainder than one rounded up */
	for (int a = 0; a < c; a++)
		for (int b = 0; b < c; b++)
		{
			int64_t		ra,
						rb;
			int			up_a,
						up_b;

			if (capped[a] || capped[b] || size[a] == 0 || size[b] == 0)
				continue;
			ra = (kleft * w[a]) % W;
			rb = (kleft * w[b]) % W;
			up_a = q[a] * W > kleft * w[a];
			up_b = q[b] * W > kleft * w[b];
			if (!up_a && up_b && (ra > rb || (ra == rb && a < b)))
				return 6;
		}
	return 0;
}

/* Cases by hand: clusters, sizes, weights, k and the expected quotas */
static const struct
{
	int			c;
	int64_t		size[3];
	double		w[3];
	int64_t		k;
	int64_t		want[3];
	const char *what;
}			cases[] =
{
	{3, {10, 10, 10}, {1, 1, 1}, 4, {2, 1, 1},
	"fixed, k = 4 over three clusters of 10: 2, 1, 1 (equal remainders: earlier cluster)"},
	{3, {6, 1, 10}, {6, 1, 10}, 5, {2, 0, 3},
	"proportional 6:1:10, k = 5: shares 1.76, 0.29, 2.94 -> 2, 0, 3"},
	{3, {2, 2, 10}, {1, 1, 1}, 9, {2, 2, 5},
	"fixed, k = 9 over sizes 2, 2, 10: the small clusters are capped, the big one gets 5"},
	{3, {3, 0, 4}, {1, 1, 1}, 50, {3, 0, 4},
	"k beyond the rows: every row"},
	{2, {100, 100}, {9.0, 1.0}, 100, {90, 10},
	"non-integer path agrees on 9:1"},
	{3, {5, 5, 5}, {1e6, 1.0, 0.25}, 10, {5, 4, 1},
	"a dominant weight is capped, the rest split 4:1"},
};

int
main(void)
{
	for (int i = 0; i < (int) (sizeof(cases) / sizeof(cases[0])); i++)
		unit_check(Case(cases[i].c, cases[i].size, cases[i].w, cases[i].k, cases[i].want), "%s", cases[i].what);
	{
		uint64_t	seed = 0x9e3779b97f4a7c15ULL;
		int			bad = 0,
					code = 0;

		for (int t = 0; t < 20000 && !bad; t++)
		{
			int			c = 1 + (int) (unit_next(&seed) % 8);
			int64_t		size[16],
						w[16],
						q[16],
						work[16],
						total = 0;
			double		wd[16];
			int64_t		k;

			for (int j = 0; j < c; j++)
			{
				size[j] = (int64_t) (unit_next(&seed) % 9);
				w[j] = 1 + (int64_t) (unit_next(&seed) % 6);
				wd[j] = (double) w[j];
				total += size[j];
			}
			k = 1 + (int64_t) (unit_next(&seed) % (uint64_t) (total + 3));
			selmerge_quotas(c, size, wd, k, q, work);
			code = Properties(c, size, w, k, q);
			bad = code != 0;
		}
		unit_check(!bad, "20,000 random cases: sums, caps, floor or ceiling, largest remainders");
		if (bad)
			printf("# failure code %d\n", code);
	}
	return unit_done();
}
