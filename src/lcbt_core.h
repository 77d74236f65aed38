/*
 * lcbt_core.h - latent-class Bradley-Terry over annotators: a finite
 * mixture of K Bradley-Terry models in which every annotator belongs to one
 * class, fitted by EM with seeded random restarts.  The E-step works on
 * per-annotator cells (item pairs with summed outcome weights), the M-step
 * is one weighted Bradley-Terry fit per class (bt_fit of bt_core.h) on the
 * item pairs, with weights = the annotators' posterior class probabilities.
 * Plain C: no postgres.h; caller-provided buffers.
 */
#ifndef PGPREF_LCBT_CORE_H
#define PGPREF_LCBT_CORE_H

#include <stddef.h>
#include <stdint.h>

#include "bt_core.h"

#define LC_OK				0
#define LC_MSTEP_FAILED		1	/* a class's weighted fit did not converge */

/* One annotator's outcomes on one item pair (pa[pair] < pb[pair]) */
typedef struct LcCell
{
	int			pair;			/* index into the problem's pair list */
	double		w[3];			/* pa preferred, pb preferred, ties */
} LcCell;

typedef struct LcProblem
{
	int			n;				/* items */
	int			npairs;			/* distinct item pairs */
	const int  *pa;				/* pairs: pa[q] < pb[q] */
	const int  *pb;
	int			nann;			/* annotators */
	const int  *off;			/* annotator a's cells: cells[off[a] .. off[a+1]-1] */
	const LcCell *cells;
	int			k;				/* classes */
	int			ties;			/* BT_TIES_* (resolved) */
	double		prior;			/* Gaussian prior precision on each strength */
	int			max_iter;		/* EM iterations per restart */
	double		tol;			/* stop when the objective gains less than tol * (1 + |objective|) */
	int			restarts;
	uint64_t	seed;
	void		(*interrupt) (void);	/* may be NULL */
} LcProblem;

/*
 * Result buffers (caller-allocated, sizes in comments); np = bt parameters
 * per class (n strengths, then the tie parameter for davidson and
 * rao_kupper).
 */
typedef struct LcResult
{
	double	   *theta;			/* k * np: class parameters, strengths centred */
	double	   *se;				/* k * np: standard errors from the class-weighted cells */
	double	   *share;			/* k */
	double	   *post;			/* nann * k: posterior class probabilities */
	double	   *trace;			/* max_iter: objective after each E-step of the best restart */
	double	   *restart_obj;	/* restarts: final objective of each restart */
	int			ntrace;
	double		loglik;			/* log-likelihood (without the prior) */
	double		objective;		/* loglik - prior / 2 * sum of squared strengths */
	int			iterations;		/* EM iterations of the best restart */
	int			total_iterations;	/* EM iterations of all restarts */
	int			converged;
	int			best_restart;	/* 0-based */
	int			failed_class;	/* on LC_MSTEP_FAILED */
} LcResult;

/* Parameters per class */
extern int	lc_nparams(const LcProblem *p);

/* Doubles of work space lc_fit needs */
extern size_t lc_work_size(const LcProblem *p);

/* Fit: every restart from seeded random posteriors; the best objective wins */
extern int	lc_fit(const LcProblem *p, LcResult *r, double *work);

/*
 * Initial posteriors of restart r (nann * k): independent Dirichlet(1)
 * rows drawn from the xoshiro256** stream seeded with seed + r.
 */
extern void lc_init_posteriors(const LcProblem *p, int r, double *post);

#endif							/* PGPREF_LCBT_CORE_H */
