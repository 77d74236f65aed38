/*
 * quota_core.c - apportion k picks among clusters (see quota_core.h):
 * capped largest-remainder (Hamilton) quotas.  Plain C.
 */
#include <math.h>
#include <stdint.h>

#include "quota_core.h"

/* Apportion k among the clusters: caps at the sizes, then largest remainder */
void
selmerge_quotas(int64_t c, const int64_t *size, const double *weight,
				int64_t k, int64_t *quota, int64_t *work)
{
	int64_t    *open = work;
	int64_t		nopen = 0,
				total = 0,
				kleft = k,
				wsum_i = 0,
				given = 0;
	double		wsum = 0;
	int			integral = k <= 2147483647;

	for (int64_t j = 0; j < c; j++)
	{
		quota[j] = 0;
		total += size[j];
		if (size[j] > 0)
			open[nopen++] = j;
		if (!(weight[j] == floor(weight[j]) && weight[j] <= 2147483647.0))
			integral = 0;
	}
	if (k >= total)
	{
		for (int64_t j = 0; j < c; j++)
			quota[j] = size[j];
		return;
	}

	/* clusters whose share reaches their size take all their rows, repeatedly */
	for (;;)
	{
		int64_t		kround = kleft,
					kept = 0;
		int			capped = 0;

		wsum = 0;
		wsum_i = 0;
		for (int64_t t = 0; t < nopen; t++)
		{
			wsum += weight[open[t]];
			wsum_i += (int64_t) weight[open[t]];
		}
		for (int64_t t = 0; t < nopen; t++)
		{
			int64_t		j = open[t];
			int			full;

			if (integral)
				full = (__int128) kround * (int64_t) weight[j] >= (__int128) size[j] * wsum_i;
			else
				full = (double) kround * weight[j] / wsum >= (double) size[j];
			if (full)
			{
				quota[j] = size[j];
				kleft -= size[j];
				capped = 1;
			}
			else
				open[kept++] = j;
		}
		nopen = kept;
		if (!capped || nopen == 0)
			break;
	}
	if (nopen == 0 || kleft <= 0)
		return;

	/* floors of the shares, then one more each by the largest remainder */
	for (int64_t t = 0; t < nopen; t++)
	{
		int64_t		j = open[t];

		if (integral)
			quota[j] = (int64_t) (((__int128) kleft * (int64_t) weight[j]) / wsum_i);
		else
			quota[j] = (int64_t) floor((double) kleft * weight[j] / wsum);
		given += quota[j];
	}
	for (int64_t r = kleft - given; r > 0; r--)
	{
		int64_t		bt = -1;
		__int128	brem_i = -1;
		double		brem = -1;

		for (int64_t t = 0; t < nopen; t++)
		{
			int64_t		j = open[t];

			if (j < 0)
				continue;
			if (integral)
			{
				__int128	rem = ((__int128) kleft * (int64_t) weight[j]) % wsum_i;

				if (rem > brem_i)	/* strict: the earlier cluster keeps a tie */
				{
					brem_i = rem;
					bt = t;
				}
			}
			else
			{
				double		sh = (double) kleft * weight[j] / wsum;
				double		rem = sh - floor(sh);

				if (rem > brem)
				{
					brem = rem;
					bt = t;
				}
			}
		}
		if (bt < 0)
			break;
		quota[open[bt]]++;
		open[bt] = -1;
	}
}
