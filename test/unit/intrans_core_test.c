/*
 * Unit test of src/intrans_core.c without a server: the exact distribution of
 * circular triads against closed forms, the chi-square tail against values
 * of the closed form for even degrees of freedom, circular triads of small
 * tournaments by hand, and the embedding gradient against central
 * differences.  Prints TAP.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "intrans_core.h"
#include "unit_test.h"

/* Set bit j of row i */
static void
SetBit(uint64_t *m, int i, int j)
{
	m[(size_t) i * INTRANS_WORDS(8) + (j >> 6)] |= (uint64_t) 1 << (j & 63);
}

int
main(void)
{
	/* exact: 3 items, 2 of 8 tournaments are cycles; 4 items: 24 transitive of 64 */
	unit_check(fabs(intrans_exact_p(3, 0) - 0.75) < 1e-15, "P(D <= 0), n = 3, is 6/8");
	unit_check(fabs(intrans_exact_p(3, 1) - 1.0) < 1e-15, "P(D <= 1), n = 3, is 1");
	unit_check(fabs(intrans_exact_p(4, 0) - 24.0 / 64) < 1e-15, "P(D <= 0), n = 4, is 4!/2^6");
	unit_check(fabs(intrans_exact_p(7, 0) - 5040.0 / 2097152) < 1e-15, "P(D <= 0), n = 7, is 7!/2^21");
	unit_check(fabs(intrans_exact_p(5, intrans_max_triads(5)) - 1.0) < 1e-15, "P(D <= d_max) is 1");
	unit_check(isnan(intrans_exact_p(8, 0)), "no exact p above 7 items");
	/* chi-square tail: df = 2 is exp(-x/2); df = 4 is (1 + x/2) exp(-x/2) */
	{
		double		e = 0;

		for (double x = 0.1; x < 60; x *= 1.7)
		{
			e = fmax(e, fabs(intrans_chi2_sf(x, 2) - exp(-x / 2)) / exp(-x / 2));
			e = fmax(e, fabs(intrans_chi2_sf(x, 4) - (1 + x / 2) * exp(-x / 2)) / ((1 + x / 2) * exp(-x / 2)));
		}
		unit_check(e < 1e-12, "chi-square upper tail equals the closed forms for df 2 and 4 (relative 1e-12)");
	}
	/* triads: a 3-cycle plus a fourth item beaten by all */
	{
		uint64_t	out[4] = {0},
					dec[4] = {0};
		int64_t		per[4],
					tri[4],
					tot,
					tt;
		int			e[6][2] = {{0, 1}, {1, 2}, {2, 0}, {0, 3}, {1, 3}, {2, 3}};

		for (int k = 0; k < 6; k++)
		{
			SetBit(out, e[k][0], e[k][1]);
			SetBit(dec, e[k][0], e[k][1]);
			SetBit(dec, e[k][1], e[k][0]);
		}
		intrans_triads(4, out, dec, per, tri, &tot, &tt, NULL);
		unit_check(tot == 1 && tt == 4 && per[0] == 1 && per[3] == 0 && tri[3] == 3,
				   "one circular triad among four items, none through the sink");
	}
	/* gradient of the embedding objective against central differences */
	{
		EmbedCell	cells[3] = {{0, 1, 3, 1}, {1, 2, 2.5, 0.5}, {0, 2, 0.5, 2}};
		EmbedProblem p = {3, 4, 3, cells, 0.3, 100, 1e-10, NULL};
		double		x[12],
					g[12],
					h = 1e-6,
					e = 0;

		for (int i = 0; i < 12; i++)
			x[i] = sin(1.0 + 2.3 * i);
		embed_objective(&p, x, g);
		for (int i = 0; i < 12; i++)
		{
			double		xi = x[i],
						fp,
						fm;

			x[i] = xi + h;
			fp = embed_objective(&p, x, NULL);
			x[i] = xi - h;
			fm = embed_objective(&p, x, NULL);
			x[i] = xi;
			e = fmax(e, fabs((fp - fm) / (2 * h) - g[i]));
		}
		unit_check(e < 1e-7, "embedding gradient equals central differences");
	}
	return unit_done();
}
