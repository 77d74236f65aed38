/*
 * kmeans_core.h - k-means on embeddings: k-means++ seeding, nearest-centroid
 * assignment by BLAS blocks, Lloyd updates.
 *
 * Plain C: no postgres.h.  Rows and centroids are dense row-major double
 * matrices in caller-provided buffers.  Squared distances of a block of rows
 * to every centroid come from one dgemm (|x|^2 - 2 x.c + |c|^2); BLAS rounds
 * differently on each CPU kernel, so every centroid whose BLAS distance lies
 * within the rounding bound of the smallest is re-checked with the
 * deterministic scalar kernel (linalg_det_sqdist), and the assignment and
 * the distance reported are those of the re-check, ties to the smaller
 * centroid index.  An assignment never depends on BLAS rounding.
 * kmeans_assign_bounded gives the same assignments while skipping, with
 * Hamerly's bounds, the rows whose centroid provably cannot change.
 *
 * Metric cosine: the glue passes unit-length rows and centroids; the
 * distance is 1 - cos = |x - c|^2 / 2 and the update normalises the mean
 * (spherical k-means).
 */
#ifndef PGPREF_KMEANS_CORE_H
#define PGPREF_KMEANS_CORE_H

#include <stddef.h>
#include <stdint.h>

#define KMEANS_L2		0
#define KMEANS_COSINE	1

/* Return codes */
#define KMEANS_OK			0
#define KMEANS_FEW_DISTINCT	1	/* seeding: fewer distinct rows than k */

/* Rows per assignment block */
#define KMEANS_BLOCK_ROWS	256

/* Called between blocks of work; may longjmp out (interrupts) */
typedef void (*kmeans_tick_fn) (void *arg);

/* Squared norms of the k rows of c into csq (deterministic kernel) */
extern void kmeans_sqnorms(int k, int d, const double *c, double *csq);

/* Scale a row to unit length; returns 0 (row unchanged) for a zero row */
extern int	kmeans_normalize(int d, double *x);

/*
 * Nearest centroid of each of the n (<= KMEANS_BLOCK_ROWS) rows of x:
 * label[i] in 0..k-1 and dist[i] its distance (squared L2, or 1 - cos for
 * KMEANS_COSINE).  csq: squared norms of the centroids (kmeans_sqnorms).
 * work: kmeans_assign_work(k) doubles.
 */
extern size_t kmeans_assign_work(int k);
extern void kmeans_assign_block(int n, int d, int k, int metric, const double *x,
								const double *c, const double *csq,
								int *label, double *dist, double *work);

/*
 * Nearest centroid of each of the n rows of x with the same labels and
 * distances as kmeans_assign_block, skipping the rows whose centroid
 * provably cannot change (Hamerly's bounds, rounded conservatively; see
 * kmeans_core.c).  label, dist and lower: n each.  c_old NULL: every row is
 * assigned in full and lower is filled.  Otherwise label and lower must
 * hold the previous call's results against the centroids c_old (same k and
 * d), and only the rows the bounds cannot decide go to the BLAS blocks.
 * The rows must pass kmeans_bounds_safe (else pass c_old NULL).
 * work: kmeans_bounded_work(k, d) doubles; iwork: KMEANS_BLOCK_ROWS ints.
 * Returns the number of rows assigned in full.
 */
extern size_t kmeans_bounded_work(int k, int d);

/*
 * The bounds are used only when every row and centroid value is at most
 * KMEANS_BOUNDS_MAX in magnitude (nothing overflows; the rows are checked
 * by the caller with kmeans_bounds_safe, the centroids by
 * kmeans_assign_bounded); otherwise every row is assigned in full.
 */
#define KMEANS_BOUNDS_MAX	1e140
extern int	kmeans_bounds_safe(int64_t n, const double *v);
extern int64_t kmeans_assign_bounded(int64_t n, int d, int k, int metric, const double *x,
									 const double *c, const double *csq, const double *c_old,
									 int *label, double *dist, double *lower, double *work,
									 int *iwork, kmeans_tick_fn tick, void *tick_arg);

/* Nearest centroid of one row by the deterministic kernel alone (same answer) */
extern int	kmeans_nearest(int d, int k, int metric, const double *x, const double *c,
						   double *dist);

/*
 * Add the n rows of x to the per-centroid sums (k x d) and counts of their
 * labels, in row order; inertia += their distances.
 */
extern void kmeans_accumulate(int n, int d, const double *x, const int *label,
							  const double *dist, double *sums, int64_t *counts,
							  double *inertia);

/*
 * Lloyd update: newc = sums / counts (normalised for cosine); a centroid
 * without rows (or, for cosine, with a zero mean) keeps its place in c.
 * Returns the total squared shift sum |newc - c|^2.
 */
extern double kmeans_update(int k, int d, int metric, const double *c,
							const double *sums, const int64_t *counts, double *newc);

/*
 * k-means++ seeding of k centroids from the n rows of x (D^2 sampling,
 * seeded; one candidate per step).  work: n doubles.  Returns
 * KMEANS_FEW_DISTINCT when fewer than k distinct rows exist.
 */
extern int	kmeans_pp_seed(int64_t n, int d, int k, int metric, const double *x,
						   uint64_t seed, double *c, double *work,
						   kmeans_tick_fn tick, void *tick_arg);

/* Rounds of k-means|| (at least; more while fewer than k candidates) */
#define KMEANS_PAR_ROUNDS	5

/* Buffers of kmeans_par_seed, all caller-provided */
typedef struct KmeansParWork
{
	double	   *d2;				/* n */
	int64_t    *owner;			/* n */
	int64_t    *cand;			/* n */
	double	   *wt;				/* n */
	double	   *cx;				/* KMEANS_BLOCK_ROWS x d */
	double	   *csq;			/* KMEANS_BLOCK_ROWS */
	double	   *dots;			/* kmeans_assign_work(KMEANS_BLOCK_ROWS) */
	double	   *dist;			/* KMEANS_BLOCK_ROWS */
	int		   *label;			/* KMEANS_BLOCK_ROWS */
} KmeansParWork;

/*
 * k-means|| seeding (Bahmani et al. 2012) of k centroids from the n rows
 * of x: oversampling rounds (2k expected candidates each, distances by
 * BLAS blocks with the exact re-check), candidates weighted by their
 * nearest rows, then weighted k-means++ on the candidates; seeded.  Every
 * centroid is a row of x.  Returns KMEANS_FEW_DISTINCT when the candidates
 * hold fewer than k distinct rows.
 */
extern int	kmeans_par_seed(int64_t n, int d, int k, int metric, const double *x,
							uint64_t seed, double *c, KmeansParWork *w,
							kmeans_tick_fn tick, void *tick_arg);

#endif							/* PGPREF_KMEANS_CORE_H */
