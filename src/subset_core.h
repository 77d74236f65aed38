/*
 * subset_core.h - quality/diversity subset selection over embeddings:
 * facility location, k-center, DPP, MMR, near-duplicate groups and Pareto
 * fronts.
 *
 * Plain C: no postgres.h.  Embeddings are a dense row-major n x d double
 * matrix; every similarity or distance block comes from BLAS (dgemm for
 * blocks, dgemv for single rows) with the norms trick for squared L2
 * distances.  All memory is provided by the caller: each algorithm has a
 * *_work() function giving the bytes of scratch space it needs.
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

typedef struct SubsetData
{
	int64_t		n;				/* rows */
	int			d;				/* dimension */
	double	   *x;				/* n x d; rows unit-normalised for cosine */
	double	   *sqnorm;			/* n squared norms (l2), caller buffer */
	const int64_t *id;			/* n ids, used to break ties */
	const double *quality;		/* n qualities, or NULL */
	int			metric;			/* SUBSET_COSINE or SUBSET_L2 */
	double		gamma;			/* l2 similarity bandwidth */
	subset_tick_fn tick;		/* may be NULL */
	void	   *tick_arg;
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
 * Normalise rows (cosine) or compute squared norms (l2).  Returns -1, or
 * the index of the first all-zero row under cosine.
 */
extern int64_t subset_prepare(SubsetData *s);

/* out (nr x nc) = similarities of rows r0.. against rows c0.. */
extern void subset_sim_block(const SubsetData *s, int64_t r0, int nr,
							 int64_t c0, int nc, double *out);

/* out (n) = similarities of row j against every row */
extern void subset_sim_row(const SubsetData *s, int64_t j, double *out);

/* Facility location: f(S) = sum_i max(0, max_{j in S} sim(i,j)) + lambda sum_S q */
extern size_t subset_fl_work(int64_t n);
extern int	subset_facility_location(const SubsetData *s, double lambda, int greedy,
									 double epsilon, uint64_t seed,
									 const int64_t *init, int64_t ninit, int64_t k,
									 void *work, SubsetResult *out);

/* Greedy k-center (Gonzalez): first center start (row index) unless init */
extern size_t subset_kcenter_work(int64_t n);
extern int	subset_kcenter(const SubsetData *s, int64_t start,
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
						  void *work, subset_tick_fn tick, void *tick_arg);

#endif							/* PGPREF_SUBSET_CORE_H */
