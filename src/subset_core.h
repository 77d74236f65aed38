/*
 * subset_core.h - quality/diversity subset selection over embeddings:
 * facility location, k-center, DPP, MMR, near-duplicate groups and Pareto
 * fronts.
 *
 * Plain C: no postgres.h.  Embeddings are a dense row-major n x d double
 * matrix.  Similarity blocks for facility location and near duplicates come
 * from BLAS (dgemm, norms trick for squared L2 distances); BLAS rounds
 * differently on each CPU kernel, so every decision is settled on exact
 * similarities from deterministic scalar code (subset_exact_sim) wherever
 * the rounding bound leaves it open, and exact ties go to the smaller id.
 * k-center, DPP and MMR use exact rows only.  The glue passes rows sorted
 * by id, so results do not depend on the order of the query either.  All
 * memory is provided by the caller: each algorithm has a *_work() function
 * giving the bytes of scratch space it needs.
 */
#ifndef PGPREF_SUBSET_CORE_H
#define PGPREF_SUBSET_CORE_H

#include <stddef.h>
#include <stdint.h>

/* Return codes */
#define SUBSET_OK			0
#define SUBSET_SINGULAR		1	/* DPP: initial set has a singular kernel */

/* Similarity / distance */
#define SUBSET_COSINE	0		/* sim = cos(x, y); dist = 1 - cos */
#define SUBSET_L2		1		/* sim = exp(-gamma |x - y|^2); dist = |x - y| */

/* Greedy variants for facility location */
#define SUBSET_LAZY			0	/* lazy greedy (Minoux), exact */
#define SUBSET_NAIVE		1	/* plain greedy, every gain every step */
#define SUBSET_STOCHASTIC	2	/* stochastic greedy (Mirzasoleiman et al.) */

/* Called between units of work; may longjmp out (interrupts) */
typedef void (*subset_tick_fn) (void *arg);

/* Called with the work done so far of a phase; decides itself when to report */
typedef void (*subset_progress_fn) (void *arg, const char *phase, int64_t done, int64_t total);

/* Where facility location keeps its similarities */
#define SUBSET_FL_DENSE		0	/* n x n doubles */
#define SUBSET_FL_DENSE_F4	1	/* n x n floats (single_precision) */
#define SUBSET_FL_KNN		2	/* n_neighbors largest per row: n x nn (double, int32) */
#define SUBSET_FL_STREAM	3	/* nothing stored: gains by gemm blocks (stochastic only) */

typedef struct SubsetFLParams
{
	double		lambda;			/* weight of the quality term */
	int			greedy;			/* SUBSET_LAZY, SUBSET_NAIVE, SUBSET_STOCHASTIC */
	double		epsilon;		/* stochastic sample-size parameter */
	uint64_t	seed;			/* stochastic sample sequence */
	int			storage;		/* SUBSET_FL_* */
	int64_t		n_neighbors;	/* SUBSET_FL_KNN: neighbours kept per row */
} SubsetFLParams;

typedef struct SubsetData
{
	int64_t		n;				/* rows */
	int			d;				/* dimension */
	double	   *x;				/* n x d; rows unit-normalised for cosine */
	const float *xf;			/* n x d floats in place of x (k-center under
								 * l2 only, x then NULL), or NULL */
	double	   *sqnorm;			/* n squared norms (l2), caller buffer */
	const int64_t *id;			/* n ids, used to break ties */
	const double *quality;		/* n qualities, or NULL */
	int			metric;			/* SUBSET_COSINE or SUBSET_L2 */
	double		gamma;			/* l2 similarity bandwidth */
	subset_tick_fn tick;		/* may be NULL */
	subset_progress_fn progress;	/* may be NULL */
	void	   *tick_arg;		/* passed to tick and progress */
} SubsetData;

typedef struct SubsetResult
{
	int64_t		count;			/* picks made (<= k) */
	int64_t    *pick;			/* k row indices, caller buffer */
	double	   *gain;			/* k marginal gains (NaN: undefined) */
	double	   *objective;		/* k objective values after each pick */
	double		start;			/* objective of the initial set */
} SubsetResult;

/*
 * Lay out scratch space: the offset of bytes reserved at the running offset
 * *off, 64-byte aligned; *off becomes SIZE_MAX on overflow
 */
extern size_t subset_reserve(size_t *off, double bytes);

/*
 * Normalise rows (cosine) or compute squared norms (l2).  Returns -1, or
 * the index of the first all-zero row under cosine.
 */
extern int64_t subset_prepare(SubsetData *s);

/* out (nr x nc) = similarities of rows r0.. against rows c0.. */
extern void subset_sim_block(const SubsetData *s, int64_t r0, int nr,
							 int64_t c0, int nc, double *out);

/* out (n) = similarities of row j against every row (BLAS dgemv) */
extern void subset_sim_row(const SubsetData *s, int64_t j, double *out);

/*
 * Exact similarity of rows i and j by deterministic scalar code: the same
 * bits under every BLAS kernel, and symmetric.  cos = x_i . x_j of the unit
 * rows; l2: exp(-gamma |x_i - x_j|^2).
 */
extern double subset_exact_sim(const SubsetData *s, int64_t i, int64_t j);

/* out (n) = exact similarities of row j against every row */
extern void subset_exact_row(const SubsetData *s, int64_t j, double *out);

/*
 * Facility location: f(S) = sum_i max(0, max_{j in S} sim(i,j)) + lambda sum_S q.
 * Under SUBSET_FL_KNN, candidate j covers only the rows of its own
 * neighbour list (apricot's convention): sim(i, j) counts for i among the
 * n_neighbors most similar rows of j, and is 0 otherwise.
 */
extern size_t subset_fl_work(int64_t n, int d, const SubsetFLParams *p);
extern int	subset_facility_location(const SubsetData *s, const SubsetFLParams *p,
									 const int64_t *init, int64_t ninit, int64_t k,
									 void *work, SubsetResult *out);

/*
 * Greedy k-center (Gonzalez): first center start (row index) unless init.
 * Under l2 it reads float rows: s->xf when given, else, when every
 * coordinate is a float, s->x packed into floats in place (its contents
 * are not usable as doubles afterwards).  Scratch: subset_kcenter_work(n, d)
 * bytes.
 */
extern size_t subset_kcenter_work(int64_t n, int d);
extern int	subset_kcenter(SubsetData *s, int64_t start,
						   const int64_t *init, int64_t ninit, int64_t k,
						   void *work, SubsetResult *out);

/* Greedy DPP MAP (Chen et al. 2018), L = diag(q) S diag(q); stop when d^2 < epsilon */
extern size_t subset_dpp_work(int64_t n, int64_t kmax);
extern int	subset_dpp(const SubsetData *s, double epsilon,
					   const int64_t *init, int64_t ninit, int64_t k,
					   void *work, SubsetResult *out);

/* Maximal marginal relevance: lambda q_i - (1 - lambda) max_{j in S} sim(i,j) */
extern size_t subset_mmr_work(int64_t n);
extern int	subset_mmr(const SubsetData *s, double lambda,
					   const int64_t *init, int64_t ninit, int64_t k,
					   void *work, SubsetResult *out);

/*
 * Near-duplicate groups: rows connected by sim >= threshold.  group[i]
 * receives the smallest id of row i's group.  block rows are compared at a
 * time; blockbuf holds block * n doubles; parent holds n int64.
 */
extern void subset_near_duplicates(const SubsetData *s, double threshold, int block,
								   double *blockbuf, int64_t *parent, int64_t *group);

/*
 * Non-dominated sorting (higher is better) of n points with m scores
 * (row-major); front[i] receives 1 for the Pareto front, 2 for the next...
 */
extern size_t subset_pareto_work(int64_t n);
extern void subset_pareto(int64_t n, int m, const double *scores, int32_t *front,
						  void *work, subset_tick_fn tick, subset_progress_fn progress,
						  void *tick_arg);

#endif							/* PGPREF_SUBSET_CORE_H */
