/*
 * knn_sort.c - bucket argsort of non-negative distance keys (knn_sort.h).
 *
 * Keys are spread over nb (at most 16,384) equal-width buckets between
 * their minimum and maximum, and each bucket again over its own range.  The bucket number floor((key - lo) * scale) never decreases
 * when the key grows (subtraction of a constant, multiplication by a
 * positive constant and truncation are monotone under round-to-nearest),
 * so ordering the buckets and then the keys inside each bucket orders all
 * keys.  The scatter keeps index order inside a bucket and the in-bucket
 * sorts are stable or compare the index, so the result is exactly a stable
 * sort's.  Buckets are small for any smooth distribution (insertion sort);
 * a crowded bucket (outliers stretch the range, or many equal keys) is
 * bucket-sorted once more over its own range and what is still crowded
 * goes to qsort, so hostile keys cost O(n log n), never O(n^2).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "knn_sort.h"

#define SMALL_BUCKET	24		/* insertion sort up to this size */
#define TOP_BUCKETS		16384	/* buckets of the first pass: their counts
								 * and write positions stay in cache; the
								 * second pass sorts each bucket in cache */
#define Min(a, b)		((a) < (b) ? (a) : (b))

/* Order entries by key, then index */
static int
CmpEntry(const void *pa, const void *pb)
{
	const KnnSortEntry *a = pa;
	const KnnSortEntry *b = pb;

	if (a->key != b->key)
		return a->key < b->key ? -1 : 1;
	return a->idx < b->idx ? -1 : (a->idx > b->idx ? 1 : 0);
}

/* Stable insertion sort of a short segment by key */
static void
InsertionSort(int n, double *key, int *idx)
{
	for (int i = 1; i < n; i++)
	{
		double		k = key[i];
		int			x = idx[i];
		int			j = i;

		for (; j > 0 && key[j - 1] > k; j--)
		{
			key[j] = key[j - 1];
			idx[j] = idx[j - 1];
		}
		key[j] = k;
		idx[j] = x;
	}
}

/* Sort a segment by qsort on (key, index) through the entry workspace */
static void
SortByQsort(int n, double *key, int *idx, KnnSortEntry *ebuf)
{
	for (int i = 0; i < n; i++)
	{
		ebuf[i].key = key[i];
		ebuf[i].idx = idx[i];
	}
	qsort(ebuf, n, sizeof(KnnSortEntry), CmpEntry);
	for (int i = 0; i < n; i++)
	{
		key[i] = ebuf[i].key;
		idx[i] = ebuf[i].idx;
	}
}

/*
 * Bucket of a key: floor((key - lo) * scale), at most nb - 1; an infinite
 * key (scale 0 then, so inf * 0 is NaN) goes to the last bucket
 */
static inline int
BucketOf(double key, double lo, double scale, int nb)
{
	double		t = (key - lo) * scale;

	return t < (double) nb ? (int) t : nb - 1;
}

/*
 * Sort a crowded segment (key, idx) of n entries, index order kept for
 * equal keys: one more bucket pass over its own range (counts in cnt,
 * n + 1 ints), then insertion sort or qsort per sub-bucket
 */
static void
SortCrowded(int n, double *key, int *idx, int *cnt, KnnSortEntry *ebuf)
{
	double		lo = key[0],
				hi = key[0],
				scale;
	int			nb = n / 2,
				start = 0;

	for (int i = 1; i < n; i++)
	{
		lo = key[i] < lo ? key[i] : lo;
		hi = key[i] > hi ? key[i] : hi;
	}
	if (!(hi > lo))
		return;					/* all equal: index order is already kept */
	scale = nb / (hi - lo);
	if (!isfinite(scale))
	{
		SortByQsort(n, key, idx, ebuf);
		return;
	}
	memset(cnt, 0, sizeof(int) * (nb + 1));
	for (int i = 0; i < n; i++)
	{
		ebuf[i].key = key[i];
		ebuf[i].idx = idx[i];
		cnt[BucketOf(key[i], lo, scale, nb) + 1]++;
	}
	for (int b = 0; b < nb; b++)
		cnt[b + 1] += cnt[b];
	for (int i = 0; i < n; i++)
	{
		int			pos = cnt[BucketOf(ebuf[i].key, lo, scale, nb)]++;

		key[pos] = ebuf[i].key;
		idx[pos] = ebuf[i].idx;
	}
	/* cnt[b] is now the end of bucket b */
	for (int b = 0; b < nb; b++)
	{
		int			s = cnt[b] - start;

		if (s > SMALL_BUCKET)
			SortByQsort(s, key + start, idx + start, ebuf);
		else if (s > 1)
			InsertionSort(s, key + start, idx + start);
		start = cnt[b];
	}
}

/* Bucket argsort (see the header) */
void
knn_argsort(int n, const double *key, int *order, double *sorted,
			int *ibuf, KnnSortEntry *ebuf)
{
	double		lo,
				hi,
				scale;
	int			nb,
				start = 0;

	if (n <= 0)
		return;
	lo = hi = key[0];
	for (int i = 1; i < n; i++)
	{
		lo = key[i] < lo ? key[i] : lo;
		hi = key[i] > hi ? key[i] : hi;
	}
	nb = Min(n / 2, TOP_BUCKETS);
	nb = nb > 0 ? nb : 1;
	scale = hi > lo ? nb / (hi - lo) : 0.0;
	if (!(hi > lo) || !isfinite(scale))
	{
		/* one value (or a range too narrow to split): index order */
		for (int i = 0; i < n; i++)
		{
			order[i] = i;
			sorted[i] = key[i];
		}
		if (hi > lo)
			SortByQsort(n, sorted, order, ebuf);
		return;
	}
	/* counts shifted by one, so that the prefix sums are bucket starts */
	memset(ibuf, 0, sizeof(int) * (nb + 1));
	for (int i = 0; i < n; i++)
		ibuf[BucketOf(key[i], lo, scale, nb) + 1]++;
	for (int b = 0; b < nb; b++)
		ibuf[b + 1] += ibuf[b];
	for (int i = 0; i < n; i++)
	{
		int			pos = ibuf[BucketOf(key[i], lo, scale, nb)]++;

		sorted[pos] = key[i];
		order[pos] = i;
	}
	/* ibuf[b] is now the end of bucket b; ibuf[nb + 1 .. n + 1] is free */
	for (int b = 0; b < nb; b++)
	{
		int			s = ibuf[b] - start;

		if (s > SMALL_BUCKET)
			SortCrowded(s, sorted + start, order + start, ibuf + nb + 1, ebuf);
		else if (s > 1)
			InsertionSort(s, sorted + start, order + start);
		start = ibuf[b];
	}
}

/* Reference argsort by qsort on (key, index) */
void
knn_argsort_reference(int n, const double *key, int *order, double *sorted,
					  KnnSortEntry *ebuf)
{
	for (int i = 0; i < n; i++)
	{
		ebuf[i].key = key[i];
		ebuf[i].idx = i;
	}
	qsort(ebuf, n, sizeof(KnnSortEntry), CmpEntry);
	for (int i = 0; i < n; i++)
	{
		order[i] = ebuf[i].idx;
		sorted[i] = ebuf[i].key;
	}
}
