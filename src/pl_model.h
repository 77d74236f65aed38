/*
 * pl_model.h - Plackett-Luce glue shared by plackett_luce.c (the
 * ranking_state and the jsonb fit), pl_model.c (pref.pl_fit,
 * pref.pl_bootstrap) and bt.c / bt_io.c (Plackett-Luce models read as
 * pref.bt_model values).
 */
#ifndef PGPREF_PL_MODEL_H
#define PGPREF_PL_MODEL_H

#include "postgres.h"
#include "fmgr.h"

#include "pl_core.h"

/*
 * The canonical fitting problem of a set of rankings: items are indices
 * into the sorted keys; within each group the items are in increasing
 * index order; the rankings are sorted (by length, items, groups) and
 * identical rankings are merged into one with a weight (their count).  So
 * the problem, and every number computed from it, is a function of the
 * multiset of rankings alone: row order, the parallel plan, how partial
 * states were split and the order tied items were written in do not
 * change a bit of it.
 */
typedef struct PlData
{
	int			n;				/* items */
	int64	   *keys;			/* sorted item keys */
	PlProblem	p;				/* weighted distinct rankings; p.prior set */
	int64		rows_used;		/* rankings (rows) */
	int64		rows_skipped;
	bool		has_prior;
} PlData;

/* Canonical problem of a pref.ranking_state; NULL when it holds no rankings */
extern PlData *PlStateData(Datum state, const char *caller);

/*
 * Canonicalise rankings given as item indices (off/item/group over nrank
 * rankings, weights or NULL) into p (arrays palloc'd): sort within groups,
 * sort rankings, merge duplicates (weights add; zero weights are dropped).
 */
extern void PlCanonicalize(int n, int nrank, const int *off, const int *item, const int *group,
						   const double *weight, PlProblem *p);

/* Whether the ranking graph is strongly connected (the MLE exists) */
extern bool PlGraphConnected(const PlProblem *p);

/* Error unless the MLE exists; keys name the items in the detail */
extern void PlCheckExistence(const PlProblem *p, const int64 *keys, const char *hint);

/*
 * Covariance (n x n) of the centred log-worths at theta: the inverse
 * observed information (plus the prior precision) on the subspace
 * sum theta = 0, and the sandwich into *robust when robust is not NULL.
 * When soft and the matrices would exceed pgpref.max_memory: NULL.
 */
extern double *PlCovariance(const PlProblem *p, const double *theta, double **robust, bool soft,
							const char *what);

/* Interrupt callback for the core */
extern void PlInterrupt(void);

#endif							/* PGPREF_PL_MODEL_H */
