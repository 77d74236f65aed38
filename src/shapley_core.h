/*
 * shapley_core.h - numeric core of pgpref's data valuation: distances in
 * BLAS blocks, the exact KNN-Shapley recursion of Jia et al. (2019), and the
 * Monte-Carlo drivers (truncated Monte-Carlo, Beta Shapley, Data Banzhaf,
 * leave-one-out) over a utility oracle.
 *
 * Plain C: no postgres.h.  Every buffer belongs to the caller; functions
 * that can fail return SHAPLEY_OK (0) or a positive code.
 */
#ifndef PGPREF_SHAPLEY_CORE_H
#define PGPREF_SHAPLEY_CORE_H

#include <stddef.h>
#include <stdint.h>

#include "knn_sort.h"
#include "rng.h"

#define SHAPLEY_OK			0
#define SHAPLEY_ZERO_VECTOR	1	/* cosine distance of an all-zero vector */
#define SHAPLEY_NOT_SPD		2	/* logistic Newton system not solvable */

#define SHAPLEY_L2		0
#define SHAPLEY_COSINE	1

/* ---- distances ---------------------------------------------------------- */

/* Squared Euclidean norm of each of the n rows of x (n x d) */
extern void shapley_sq_norms(int n, int d, const double *x, double *out);

/* Scale each row to unit length; SHAPLEY_ZERO_VECTOR (row in *bad) if zero */
extern int	shapley_normalize_rows(int n, int d, double *x, int *bad);

/*
 * Approximate distances from b query rows v (b x d) to n reference rows x
 * (n x d) into dist (b x n), by one gemm and the norms trick: fast, but the
 * rounding depends on the BLAS kernel, so shapley_order_row settles every
 * comparison the rounding could decide.  vn, xn: squared norms (l2 only).
 * With pairs != 0 the rows are preference difference vectors under
 * symmetric augmentation: the distance is to the nearer of +x and -x and
 * match (b x n) is 1 when that copy is +x (dot > 0), 0 when it is -x, 0.5
 * on a tie, and -1 when the gemm's sign is within rounding of 0 (left to
 * shapley_order_row).  Otherwise match is 1 where the labels agree, else
 * 0.  l2 distances are squared (same order), clamped at 0.
 */
extern void shapley_dist_block(int metric, int pairs, int b, int n, int d,
							   const double *v, const double *vn,
							   const double *x, const double *xn,
							   const int64_t *vlabel, const int64_t *xlabel,
							   double *dist, double *match);

/* shapley_dist_block writing rows of stride ldd of dist and match */
extern void shapley_dist_block_ld(int metric, int pairs, int b, int n, int d,
								  const double *v, const double *vn,
								  const double *x, const double *xn,
								  const int64_t *vlabel, const int64_t *xlabel,
								  double *dist, double *match, size_t ldd);

/*
 * The training rows: doubles x (n x d), or floats xf (real[] input, kept
 * in single precision to halve the memory) whose doubles are the same
 * values; under cosine xnorm holds each float row's norm, and row i is
 * (double) xf[i][j] / xnorm[i], bit for bit the row shapley_normalize_rows
 * makes of the doubles.
 */
typedef struct ShapleyRows
{
	int			d;
	const double *x;
	const float *xf;
	const double *xnorm;
} ShapleyRows;

/* Row i as doubles: a pointer into x, or buf (d doubles) filled from xf */
extern const double *shapley_row(const ShapleyRows *rows, int i, double *buf);

/* Rows i0 .. i0 + cnt - 1 as doubles into buf (cnt x d) */
extern void shapley_rows_tile(const ShapleyRows *rows, int i0, int cnt, double *buf);

/* Norms of float rows for cosine (see ShapleyRows); buf: d doubles */
extern int	shapley_single_norms(int n, int d, const float *xf, double *xnorm,
								 double *buf, int *bad);

/* Squared norms of float rows, equal to shapley_sq_norms of their doubles */
extern void shapley_single_sq_norms(int n, int d, const float *xf, double *out,
									double *buf);

/* Bound on |shapley_dist_block distance - shapley_exact_dist| (cosine: norms 1) */
extern double shapley_dist_tol(int d, double vn, double xn);

/*
 * Exact distance of v to x by deterministic scalar code (linalg_det_*):
 * the value that decides neighbour order.  Pairs: *match receives the
 * match of the nearer copy.
 */
extern double shapley_exact_dist(int metric, int pairs, int d, const double *v,
								 const double *x, double *match);

/* One entry of a run of possibly tied neighbours */
typedef struct ShapleyTie
{
	double		key;			/* exact distance */
	int64_t		id;
	int			idx;
} ShapleyTie;

/*
 * Neighbour order of validation row v (nearest first) by exact distance,
 * ties by smaller id, from the row's approximate distances dist (and
 * matches, completed for pairs); xnmax: largest squared norm of the
 * training rows (l2).  The approximate distances are ordered by the bucket
 * argsort of knn_sort.h.  Workspace: sorted (n doubles), ibuf (n + 2
 * ints), ebuf and tbuf (n entries each), rowbuf (d doubles).  Returns the number of exact
 * distances it computed.
 */
extern int64_t shapley_order_row(int metric, int pairs, int n,
								 const double *v, double vn, const ShapleyRows *rows,
								 double xnmax, const int64_t *id,
								 const double *dist, double *match, int *order,
								 double *sorted, int *ibuf, KnnSortEntry *ebuf,
								 ShapleyTie *tbuf, double *rowbuf);

/*
 * Exact KNN-Shapley of one validation row (Jia et al. 2019, Theorem 1):
 * order lists the training rows nearest first, match[i] in [0,1] says how
 * well training row i's label fits.  Adds weight * s_i to values[i].
 */
extern void shapley_knn_recursion(int n, int k, const int *order,
								  const double *match, double weight,
								  double *values);

/* ---- utility oracles ---------------------------------------------------- */
typedef struct ShapleyUtility
{
	void	   *state;
	void		(*reset) (void *state);	/* coalition := empty */
	double		(*add) (void *state, int i);	/* coalition += i; U(coalition) */
	/* U of the coalition flagged in member[] (size members) */
	double		(*eval) (void *state, const unsigned char *member, int size);
} ShapleyUtility;

/*
 * KNN utility (Jia et al.): U(S) = 1/(M K) sum_m sum_{j <= min(K,|S|)}
 * match(m, j-th nearest in S).  rank (m x n): rank of each training row for
 * each validation row; order (m x n): training row at each rank;
 * match2 (m x n, by rank): 2 * match.  top (m x k) and cnt (m) workspace.
 */
typedef struct ShapleyKnnState
{
	int			n,
				m,
				k;
	const int32_t *rank;
	const int32_t *order;
	const uint8_t *match2;
	int32_t    *top;
	int32_t    *cnt;
	int64_t		sum2;
} ShapleyKnnState;

extern void shapley_knn_utility(ShapleyUtility *u, ShapleyKnnState *st);

/*
 * Logistic utility: validation accuracy of L2-regularized logistic
 * regression (intercept unpenalized) fitted by Newton's method on the
 * coalition, warm-started from the previous fit.  y, vy: 0/1 labels.
 * Empty coalition: 0; one-class coalition: predicts that class.
 * Workspace: w, wprev (d+1), a (n x (d+1)), h ((d+1)^2), g (d+1),
 * members (n ints), score (max(2n, m)).
 */
typedef struct ShapleyLogitState
{
	int			n,
				m,
				d;
	const double *x;
	const double *y;
	const double *v;
	const double *vy;
	double		lambda;
	double	   *w;
	double	   *wprev;
	double	   *a;
	double	   *h;
	double	   *g;
	double	   *score;
	int		   *members;
	int			nmem;
	int			npos;
	int			failed;			/* SHAPLEY_NOT_SPD after a failed fit */
} ShapleyLogitState;

extern void shapley_logit_utility(ShapleyUtility *u, ShapleyLogitState *st);

/*
 * Bradley-Terry reward utility (pair_shapley): the reward model of
 * pref.reward_fit fitted on the coalition's difference vectors
 * z = chosen - rejected, no intercept, minimising
 * sum softplus(-w.z) + lambda/2 |w|^2 by damped Newton steps through the
 * reward module's core (reward_block, reward_newton_step), warm-started from
 * the previous coalition's w.  U = share of validation pairs with
 * w.z_v > 0, a margin of exactly 0 counting 1/2.  Empty coalition: w = 0,
 * every margin 0, U = 1/2.
 * Workspace: w, wnew, g, gtot, step (d), h (d x d), z (n x d),
 * scratch (2n), score (m), members (n ints).
 */
typedef struct ShapleyRewardState
{
	int			n,
				m,
				d;
	const double *x;			/* n x d training difference vectors */
	const double *v;			/* m x d validation difference vectors */
	double		lambda;
	double	   *w;
	double	   *wnew;
	double	   *g;
	double	   *gtot;
	double	   *step;
	double	   *h;
	double	   *z;
	double	   *scratch;
	double	   *score;
	int		   *members;
	int			nmem;
	int			failed;			/* SHAPLEY_NOT_SPD after a failed fit */
} ShapleyRewardState;

extern void shapley_reward_utility(ShapleyUtility *u, ShapleyRewardState *st);

/* ---- Monte-Carlo drivers ------------------------------------------------ */

/*
 * Beta(alpha, beta) Shapley weights for positions j = 1..n of a random
 * permutation: w[j-1] = n * C(n-1, j-1) B(j+beta-1, n-j+alpha) / B(alpha, beta),
 * so that the weighted marginal is an unbiased estimate (Kwon & Zou 2022).
 */
extern void shapley_beta_weights(int n, double alpha, double beta, double *w);

/*
 * One permutation: marg[perm[j]] = weight[j] * (U(S_j + perm[j]) - U(S_j))
 * (weight NULL: 1).  Truncation (Ghorbani & Zou): once |u_all - U(S)| <=
 * truncation * |u_all| for 5 positions in a row, later marginals are 0.
 * Returns the number of utility calls made.
 */
extern int	shapley_permutation(ShapleyUtility *u, int n, const int *perm,
								double u_empty, double u_all, double truncation,
								const double *weight, double *marg);

/* Welford update of per-player means and squared deviations */
extern void shapley_welford(int n, const double *x, int64_t count,
							double *mean, double *m2);

/*
 * One maximum-sample-reuse Data Banzhaf draw (Wang & Jia 2023): each player
 * joins with probability 1/2, U is evaluated once and credited to the
 * in/out sums of every player.
 */
extern double shapley_banzhaf_draw(ShapleyUtility *u, PrefRng *rng, int n,
								   unsigned char *member, double *sum_in,
								   double *sq_in, int64_t *cnt_in,
								   double *sum_out, double *sq_out,
								   int64_t *cnt_out);

#endif							/* PGPREF_SHAPLEY_CORE_H */
