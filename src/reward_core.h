/*
 * reward_core.h - numeric core of the logistic (Bradley-Terry) reward
 * models: one block of difference rows at a time, gradient and Hessian with
 * BLAS (gemv, syrk), Newton steps by Cholesky, and an L-BFGS direction.
 * Plain C, no postgres.h.
 */
#ifndef PGPREF_REWARD_CORE_H
#define PGPREF_REWARD_CORE_H

#include <stddef.h>

#include "linalg.h"

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

/*
 * One evaluation for reward_newton: at w, overwrite g (p) with the loss
 * gradient and H (p x p, both triangles) with its Hessian, and set *loss
 * and *wsum (sum of weights).  It may longjmp out (PostgreSQL errors).
 */
typedef void (*RewardEvalFn) (void *arg, const double *w, double *g, double *H,
							  double *loss, double *wsum);

/* Called when the point just evaluated is accepted as the best so far */
typedef void (*RewardAcceptFn) (void *arg);

/* What reward_newton reports */
typedef struct RewardNewtonResult
{
	int			iter;			/* evaluations */
	int			converged;		/* 1: gradient test or a step below rounding */
	double		objective;		/* penalised objective at wbest */
	double		gnorm;			/* |gradient + lambda w| at wbest */
} RewardNewtonResult;

/*
 * Newton's method on J(w) = loss + lambda/2 |w|^2 from the starting w:
 * one eval per iteration, the step halved (up to 40 times) while the
 * objective rises, converged when |grad J| <= tol * max(1, wsum) or the
 * step is below rounding, at most max_iter evaluations.  wbest receives
 * the best point; w, g, H, gtot and step (p each, H p x p) are work space.
 * accept may be NULL.  tick(), when not NULL, is called between the blocks
 * of a large Cholesky factorisation (it may longjmp out, to cancel).
 * Returns LINALG_OK, or the reward_newton_step code (LINALG_NOT_SPD: the
 * penalised Hessian is singular) at once.
 */
extern int	reward_newton(int p, double lambda, double tol, int max_iter,
						  RewardEvalFn eval, RewardAcceptFn accept,
						  linalg_tick tick, void *arg,
						  double *w, double *wbest, double *g, double *H,
						  double *gtot, double *step, RewardNewtonResult *res);

#endif							/* PGPREF_REWARD_CORE_H */
