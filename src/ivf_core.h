/*
 * ivf_core.h - cluster-pruned (IVF) k-nearest-neighbour graphs and lazy
 * greedy facility location on a sparse graph.
 *
 * Plain C: no postgres.h.  The rows are a prepared SubsetData (unit rows
 * for cosine, squared norms for l2; subset_core.h), so similarities are
 * those of pref.select_subset and come from subset_exact_sim.  The rows are
 * clustered by k-means (kmeans_core.h) on a seeded sample; each row then
 * searches only the rows of its n_probe nearest clusters.  As in
 * subset_core's exact neighbour lists, dgemm blocks only screen candidates
 * and every entry that may enter a list is compared on its exact
 * similarity, ties to the smaller id: a graph depends on the rows, the
 * seed and the options, never on the BLAS kernel.  With n_probe equal to
 * clusters every row searches all rows and the lists are the exact ones.
 */
#ifndef PGPREF_IVF_CORE_H
#define PGPREF_IVF_CORE_H

#include <stddef.h>
#include <stdint.h>

#include "subset_core.h"

typedef struct IvfGraph
{
	int64_t		n;
	int64_t		nn;				/* list capacity per row */
	double	   *val;			/* n x nn exact similarities, by column */
	int32_t    *col;			/* n x nn neighbour rows, ascending */
	int32_t    *cnt;			/* n: entries used (<= nn) */
} IvfGraph;

typedef struct IvfParams
{
	int			clusters;		/* C */
	int			n_probe;		/* P <= C */
	int64_t		train_rows;		/* k-means sample size */
	int			train_iter;		/* Lloyd passes on the sample */
	uint64_t	seed;
} IvfParams;

/* Bytes of scratch space for ivf_build (SIZE_MAX: too large) */
extern size_t ivf_build_work(int64_t n, int d, const IvfParams *p);

/*
 * Build the graph (its arrays provided by the caller, n x nn).  Returns 0,
 * or 1 when the sample has fewer than clusters distinct rows.
 */
extern int	ivf_build(const SubsetData *s, const IvfParams *p, IvfGraph *g, void *work);

/*
 * Exact neighbour lists of the nq rows rows[] (every row searched) into
 * val/col/cnt (nq x nn); work: ivf_exact_work(n, d) bytes.
 */
extern size_t ivf_exact_work(int64_t n, int d);
extern void ivf_exact_lists(const SubsetData *s, int64_t nn, const int64_t *rows, int64_t nq,
							double *val, int32_t *col, int32_t *cnt, void *work);

/*
 * Lazy greedy facility location on the graph (candidate j covers the rows
 * of its own list, as pref.select_subset with n_neighbors): k picks into
 * out (quality weighted by lambda when not NULL); work: ivf_greedy_work(n).
 */
extern size_t ivf_greedy_work(int64_t n);
extern void ivf_greedy(const SubsetData *s, const IvfGraph *g, double lambda, int64_t k,
					   void *work, SubsetResult *out);

#endif							/* PGPREF_IVF_CORE_H */
