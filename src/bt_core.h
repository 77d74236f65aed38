/*
 * bt_core.h - Bradley-Terry maximum likelihood (Newton with a Cholesky
 * solve, Levenberg fallback) for the no-ties, half-win, Rao-Kupper and
 * Davidson models with an optional first-position (order) effect and a
 * Gaussian prior.  Plain C: no postgres.h; caller-provided buffers.
 */
#ifndef PGPREF_BT_CORE_H
#define PGPREF_BT_CORE_H

#include <stddef.h>

#define BT_TIES_NONE		0
#define BT_TIES_HALF		1
#define BT_TIES_RAO_KUPPER	2
#define BT_TIES_DAVIDSON	3

#define BT_OK				0
#define BT_NOT_SPD			1	/* Hessian singular even with damping */
#define BT_NO_PROGRESS		2	/* line search failed */
#define BT_BAD_ARG			3

/* One item pair with summed weights; pos = 1 when a was shown first */
typedef struct BtCell
{
	int			a;
	int			b;
	double		wa;				/* a preferred */
	double		wb;				/* b preferred */
	double		t;				/* ties */
	double		na;				/* rows behind wa, wb, t (for robust errors) */
	double		nb;
	double		nt;
	int			pos;
} BtCell;

typedef struct BtProblem
{
	int			n;				/* items */
	int			ncells;
	const BtCell *cells;
	int			ties;			/* BT_TIES_* */
	int			order_effect;	/* estimate a first-position log-odds advantage */
	double		prior;			/* Gaussian prior precision on each strength (0 = MLE) */
	int			max_iter;
	double		tol;			/* on the largest Newton step */
	void		(*interrupt) (void);	/* called once per iteration and between blocks of long
										 * factorizations; may be NULL */
} BtProblem;

/* Number of parameters: n strengths, then tie parameter, then order effect */
extern int	bt_nparams(const BtProblem *p);
extern int	bt_tie_index(const BtProblem *p);	/* -1 when none */
extern int	bt_order_index(const BtProblem *p); /* -1 when none */

/* Doubles of work space bt_fit needs */
extern size_t bt_work_size(const BtProblem *p);

/*
 * Fit.  x (nparams) holds the start on entry (bt_start fills a default)
 * and the estimate on exit, strengths centred to mean 0.  cov (nparams^2)
 * receives the inverse of the negative Hessian of the log-posterior (with
 * strengths centred; may be NULL to skip the covariance), robust
 * (nparams^2, may be NULL) the sandwich
 * H^-1 G H^-1.  Tie parameter on the scale used internally: log nu
 * (Davidson) or log theta (Rao-Kupper).
 */
extern int	bt_fit(const BtProblem *p, double *x, double *cov, double *robust,
				   double *work, double *loglik, int *iterations, int *converged);

/*
 * Warm-started plain Newton refit for bootstrap replicates (no-ties models
 * only; no line search, no covariance).  With factor (bt_refit_factor: the
 * Cholesky factor of the full-data Hessian) the first steps are chord
 * steps (new gradient, that factor); without, Newton steps until a step is
 * below 1e-3, then chord steps on the last Hessian's factor.  Chord steps
 * go on while they contract (each at most a quarter of the last), else a
 * Newton step follows; it stops, as Newton does, after a step below tol.
 * BT_NO_PROGRESS or BT_NOT_SPD: the caller falls back to bt_fit.  work as
 * for bt_fit.
 */
extern int	bt_refit_factor(const BtProblem *p, const double *x, double *factor, double *work);
extern int	bt_refit(const BtProblem *p, double *x, const double *factor, double *work,
					 int *iterations);

/* Covariance (and sandwich, if robust != NULL) at x; see bt_fit */
extern int	bt_covariance(const BtProblem *p, const double *x, double *cov,
						  double *robust, double *work);

/* A default starting point */
extern void bt_start(const BtProblem *p, double *x);

/* Log-likelihood of the data at x (without the prior) */
extern double bt_loglik(const BtProblem *p, const double *x);

/*
 * Outcome probabilities for a vs b with strength difference d (order effect
 * already added by the caller): p[0] a wins, p[1] b wins, p[2] tie.
 */
extern void bt_probs(int ties, double d, double tie_param, double *p);

/*
 * Strongly connected components of the comparison graph (edge i->j when i
 * was preferred to j; ties count both ways unless ties == BT_TIES_NONE).
 * comp[n] receives component ids; returns the number of components.
 * iwork holds at least 4 * n + 2 * (2 * ncells) + 2 ints.
 */
extern int	bt_components(const BtProblem *p, int *comp, int *iwork);
extern size_t bt_components_iwork(const BtProblem *p);

/*
 * Hunter's MM (bt_mm.c): ties none or half, no order effect, any prior.
 * Cyclic (Gauss-Seidel) minorize-maximize updates over the item pairs;
 * O(cells) per sweep and no dense matrix, for many items.  x (n) holds the
 * start and receives the estimate (centred); iterations counts sweeps.
 */
extern int	bt_mm_applies(const BtProblem *p);
extern size_t bt_mm_work_size(const BtProblem *p);	/* doubles */
extern size_t bt_mm_iwork_size(const BtProblem *p); /* ints */
extern int	bt_mm_fit(const BtProblem *p, double *x, double *work, int *iwork,
					  double *loglik, int *iterations, int *converged);

#endif							/* PGPREF_BT_CORE_H */
