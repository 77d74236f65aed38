/*
 * pl_core.h - Plackett-Luce maximum likelihood by Hunter's MM algorithm
 * over full and partial (top-k) rankings.  Plain C: no postgres.h.
 *
 * A ranking is a sequence of groups G_0 > G_1 > ... > G_{m-1} of item
 * indices.  Every group but the last is a choice stage: each item i of G_s
 * contributes pi_i / sum_{j in G_s u ... u G_{m-1}} pi_j (a tied group
 * shares the denominator, Breslow's convention).  The last group is the
 * unordered remainder (a top-k ranking says nothing about it; for a full
 * ranking it is the last item, whose choice is forced).
 */
#ifndef PGPREF_PL_CORE_H
#define PGPREF_PL_CORE_H

#include <stddef.h>

#define PL_OK			0
#define PL_NO_PROGRESS	1
#define PL_BAD_ARG		2

typedef struct PlProblem
{
	int			n;				/* items */
	int			nrank;
	const int  *off;			/* nrank + 1 offsets into item/group */
	const int  *item;			/* item indices, rank order */
	const int  *group;			/* group number within the ranking, from 0 */
	const double *weight;		/* per ranking (a count of identical rankings), NULL: 1 */
	double		prior;			/* Gaussian prior precision on theta (0 = MLE) */
	int			max_iter;
	double		tol;			/* on the largest change of a centred theta */
	const double *start;		/* starting log-worths (n), NULL: zero */
	void		(*interrupt) (void);
} PlProblem;

/* Doubles of work space for pl_fit */
extern size_t pl_work_size(const PlProblem *p);

/* Log-likelihood at theta (without the prior) */
extern double pl_loglik(const PlProblem *p, const double *theta, double *work);

/*
 * Fit: theta (n) receives the centred log-worths; wins (n, may be NULL)
 * the number of stages each item was chosen at.
 */
extern int	pl_fit(const PlProblem *p, double *theta, double *work, double *loglik,
				   int *iterations, int *converged);

/* Stage wins per item (choices made), into wins[n] */
extern void pl_wins(const PlProblem *p, double *wins);

/*
 * Observed information -d2 loglik / dtheta2 at theta into H (n x n);
 * work: pl_information_work doubles.
 */
extern void pl_information(const PlProblem *p, const double *theta, double *H, double *work);
extern size_t pl_information_work(const PlProblem *p);

/*
 * Score of ranking r alone (d loglik / dtheta, unweighted) at the worths
 * pi = exp(theta): into g[k - off[r]] for each position k of the ranking.
 * work: the ranking's length doubles.
 */
extern void pl_ranking_score(const PlProblem *p, int r, const double *pi, double *g, double *work);

#endif							/* PGPREF_PL_CORE_H */
