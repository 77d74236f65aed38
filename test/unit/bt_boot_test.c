/*
 * Unit test of src/bt_boot.c without a server: the Poisson scheme's per-cell
 * draws (a cell's replicate counts depend only on its own counts and key:
 * equal whatever other cells the tally holds and in whatever order, so for
 * shards holding disjoint cells the replicate of the merged tally is the
 * merge of the shards' replicates), the distribution of merged replicates
 * of overlapping shards (Poisson counts add), and the multinomial scheme
 * (sums to N, means equal the counts).  The other cores are included, as
 * test/unit.sh compiles one source per test.  Prints TAP.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bt_boot.h"
#include "unit_test.h"
#include "../../src/poisson.c"
#include "../../src/rng.c"

/* A cell a vs b with outcome counts (unit weights) */
static BtCell
Cell(int a, int b, double na, double nb, double nt)
{
	BtCell		c;

	memset(&c, 0, sizeof(c));
	c.a = a;
	c.b = b;
	c.wa = c.na = na;
	c.wb = c.nb = nb;
	c.t = c.nt = nt;
	return c;
}

/* Are the replicate counts of two cells equal */
static int
SameCounts(const BtCell *x, const BtCell *y)
{
	return x->na == y->na && x->nb == y->nb && x->nt == y->nt;
}

int
main(void)
{
	/* shard 1: three cells; shard 2: two other cells; the union in another order */
	BtCell		s1[3] = {Cell(0, 1, 40, 12, 3), Cell(0, 2, 7, 0, 1), Cell(1, 2, 250, 300, 0)};
	BtCell		s2[2] = {Cell(2, 3, 5, 9, 2), Cell(1, 3, 0, 30, 0)};
	BtCell		all[5] = {s2[1], s1[2], s2[0], s1[0], s1[1]};
	uint64_t	k1[3] = {11, 12, 13},
				k2[2] = {21, 22},
				kall[5] = {22, 13, 21, 11, 12};
	BtCell		o1[3],
				o2[2],
				oall[5];
	void	   *w1 = malloc(bt_resample_work_size(3));
	void	   *w2 = malloc(bt_resample_work_size(2));
	void	   *wall = malloc(bt_resample_work_size(5));
	int			same = 1,
				zero_kept = 1;
	PrefRng		rng;

	bt_resample_prepare(s1, 3, BT_RESAMPLE_POISSON, k1, 42, w1);
	bt_resample_prepare(s2, 2, BT_RESAMPLE_POISSON, k2, 42, w2);
	bt_resample_prepare(all, 5, BT_RESAMPLE_POISSON, kall, 42, wall);
	for (int r = 0; r < 2000; r++)
	{
		bt_resample(s1, o1, 3, w1, NULL, r);
		bt_resample(s2, o2, 2, w2, NULL, r);
		bt_resample(all, oall, 5, wall, NULL, r);
		same &= SameCounts(&oall[0], &o2[1]) && SameCounts(&oall[1], &o1[2]) &&
			SameCounts(&oall[2], &o2[0]) && SameCounts(&oall[3], &o1[0]) && SameCounts(&oall[4], &o1[1]);
		zero_kept &= o1[1].nb == 0 && o2[1].na == 0 && o2[1].nt == 0;
	}
	unit_check(same, "poisson: a cell's replicates do not depend on the other cells or their order (disjoint shards merge exactly)");
	unit_check(zero_kept, "poisson: outcomes never seen stay unseen");

	/* overlapping shards: one cell seen 30 and 45 times; merged replicates ~ Poisson(75) */
	{
		BtCell		a[1] = {Cell(0, 1, 30, 0, 0)},
					b[1] = {Cell(0, 1, 45, 0, 0)},
					oa[1],
					ob[1];
		uint64_t	key[1] = {5};
		void	   *wa = malloc(bt_resample_work_size(1));
		void	   *wb = malloc(bt_resample_work_size(1));
		double		s = 0,
					ss = 0;
		const int	R = 200000;

		/* shards draw with different seeds: independent replicates */
		bt_resample_prepare(a, 1, BT_RESAMPLE_POISSON, key, 1, wa);
		bt_resample_prepare(b, 1, BT_RESAMPLE_POISSON, key, 2, wb);
		for (int r = 0; r < R; r++)
		{
			double		x;

			bt_resample(a, oa, 1, wa, NULL, r);
			bt_resample(b, ob, 1, wb, NULL, r);
			x = oa[0].na + ob[0].na;
			s += x;
			ss += x * x;
		}
		s /= R;
		ss = ss / R - s * s;
		/* mean 75 (SE 0.019), variance 75 (SE about 0.24) */
		unit_check(fabs(s - 75) < 0.12 && fabs(ss - 75) < 1.5,
				   "poisson: merged shard replicates have the mean and variance of Poisson(75): %.3f, %.3f", s, ss);
		free(wa);
		free(wb);
	}

	/* the multinomial scheme: sums to N, cell means equal the counts, weights scale */
	{
		double		tot = 0,
					mean[15] = {0};
		int			sums = 1,
					scaled = 1;
		const int	R = 20000;

		all[3].wa = 80;			/* weight 2 per battle */
		bt_resample_prepare(all, 5, BT_RESAMPLE_MULTINOMIAL, NULL, 0, wall);
		pref_rng_seed(&rng, 9);
		for (int k = 0; k < 5; k++)
			tot += all[k].na + all[k].nb + all[k].nt;
		for (int r = 0; r < R; r++)
		{
			double		n = 0;

			bt_resample(all, oall, 5, wall, &rng, r);
			for (int k = 0; k < 5; k++)
			{
				n += oall[k].na + oall[k].nb + oall[k].nt;
				mean[3 * k] += oall[k].na / R;
				mean[3 * k + 1] += oall[k].nb / R;
				mean[3 * k + 2] += oall[k].nt / R;
			}
			sums &= n == tot;
			scaled &= oall[3].wa == 2 * oall[3].na;
		}
		unit_check(sums, "multinomial: every replicate has the N battles of the data");
		unit_check(scaled, "multinomial: weights scale with the counts");
		{
			int			ok = 1;

			for (int k = 0; k < 5; k++)
			{
				double		c[3] = {all[k].na, all[k].nb, all[k].nt};

				for (int o = 0; o < 3; o++)
				{
					double		p = c[o] / tot;

					if (fabs(mean[3 * k + o] - c[o]) > 6 * sqrt(tot * p * (1 - p) / R) + 1e-12)
						ok = 0;
				}
			}
			unit_check(ok, "multinomial: replicate cell means equal the counts within 6 standard errors");
		}
	}
	free(w1);
	free(w2);
	free(wall);
	return unit_done();
}
