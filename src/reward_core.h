/*
 * reward_core.h - numeric core of the logistic (Bradley-Terry) reward
 * models: one block of difference rows at a time, gradient and Hessian with
 * BLAS (gemv, syrk), Newton steps by Cholesky, and an L-BFGS direction.
 * Plain C, no postgres.h.
 */
#ifndef PGPREF_REWARD_CORE_H
#define PGPREF_REWARD_CORE_H

#include <stddef.h>

/* Running sums of one pass */
typedef struct RewardStats
{
	double		wsum;			/* sum of weights */
	double		loss;			/* sum of weight * loss */
	double		correct;		/* sum of weight * [margin > 0] (+ half for 0) */
} RewardStats;

/* log(1 + exp(t)) without overflow */
extern double reward_softplus(double t);

/* logistic function */
extern double reward_sigmoid(double t);

/*
 * Accumulate one block: Z is nrows x p (row i = x_chosen - x_rejected,
 * overwritten), wt the row weights (NULL: all 1), target the per-row target
 * probabilities (NULL: default_target for every row), w the weights, offset
 * subtracted from every margin.  Loss per row: -y log s(t) - (1-y) log
 * s(-t) with t = w.z - offset.  g += Z^T r; when H != NULL, H += Z^T D Z
 * (both triangles).  scratch holds 2 nrows doubles.
 */
extern void reward_block(int p, int nrows, double *Z, const double *wt,
						 const double *target, double default_target,
						 const double *w, double offset,
						 double *g, double *H, RewardStats *stats, double *scratch);

/*
 * Newton step for J(w) = loss + lambda/2 |w|^2: solves (H + lambda I) step
 * = g + lambda w; H is destroyed, gtot receives g + lambda w, step the
 * solution.  Returns LINALG_* codes.
 */
extern int	reward_newton_step(int p, double *H, const double *g, const double *w,
							   double lambda, double *gtot, double *step);

/*
 * L-BFGS two-loop recursion: direction = -H_k grad from the m most recent
 * pairs (s_i, y_i) stored in rows of S and Y (ring buffer, newest at
 * index newest, count stored).  alpha holds m doubles.
 */
extern void reward_lbfgs_direction(int p, int m, int count, int newest,
								   const double *S, const double *Y,
								   const double *grad, double *dir, double *alpha);

#endif							/* PGPREF_REWARD_CORE_H */
