/*
 * knn_sort.h - argsort of one validation row's approximate distances for
 * exact KNN-Shapley (issue 15): a bucket sort on the value range, about
 * two linear passes over the keys instead of the six-pass radix sort of
 * 0.1.0, with the same result as a stable sort by (key, index).
 *
 * Plain C: no postgres.h, no allocation.
 */
#ifndef PGPREF_KNN_SORT_H
#define PGPREF_KNN_SORT_H

#include <stddef.h>
#include <stdint.h>

/* Workspace entry for buckets that need a comparison sort */
typedef struct KnnSortEntry
{
	double		key;
	int			idx;
} KnnSortEntry;

/*
 * Sort n non-negative keys (+inf allowed): order[t] receives the index of the t-th
 * smallest key and sorted[t] its key, ties in index order (the result of a
 * stable sort).  Workspace: ibuf (n + 2 ints), ebuf (n entries).
 */
extern void knn_argsort(int n, const double *key, int *order, double *sorted,
						int *ibuf, KnnSortEntry *ebuf);

/* Reference: the same result by qsort on (key, index), for tests */
extern void knn_argsort_reference(int n, const double *key, int *order,
								  double *sorted, KnnSortEntry *ebuf);

#endif							/* PGPREF_KNN_SORT_H */
