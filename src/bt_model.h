/*
 * bt_model.h - the pref.bt_model value and the glue helpers shared by
 * bt.c (fits, ratings) and bt_extra.c (bootstrap, evaluation).
 */
#ifndef PGPREF_BT_MODEL_H
#define PGPREF_BT_MODEL_H

#include "postgres.h"
#include "fmgr.h"

#include "bt_core.h"
#include "tally.h"

#define BT_MODEL_VERSION 2

/* fitting methods */
#define BT_METHOD_AUTO		0
#define BT_METHOD_NEWTON	1
#define BT_METHOD_MM		2

/* auto picks MM above this many items (when MM applies) */
#define BT_NEWTON_MAX_ITEMS	2000

/* the auto path allows this many MM sweeps per Newton iteration of max_iter */
#define BT_MM_SWEEPS_PER_ITER 100

/*
 * pref.bt_model: header, then theta[n], then the tally the model was fitted
 * on (8-byte aligned).  Standard errors are computed from the tally when
 * they are read (pref.ratings, pref.bt_summary), not at fit time.
 */
typedef struct PrefBtModel
{
	int32		vl_len_;
	uint8		version;
	uint8		ties;			/* BT_TIES_* used */
	uint8		order_effect;
	uint8		converged;
	int32		nitems;
	int32		iterations;
	int32		max_iter;
	uint8		method;			/* BT_METHOD_NEWTON or BT_METHOD_MM */
	uint8		unused[3];		/* zero */
	double		prior;
	double		tol;
	double		loglik;
	double		tau;			/* tie parameter, internal (log) scale */
	double		order;
	double		data[FLEXIBLE_ARRAY_MEMBER];
} PrefBtModel;

#define BT_THETA(m)		((m)->data)
#define BT_TALLY(m)		((PrefTally *) ((m)->data + (m)->nitems))
#define PG_GETARG_BTMODEL_P(n)	((PrefBtModel *) PG_DETOAST_DATUM(PG_GETARG_DATUM(n)))

extern const char *const BT_TIES_NAMES[];

/* Fitting problem of a tally (cells palloc'd) */
extern BtProblem *BtMakeProblem(const PrefTally *t, int ties, bool order_effect,
								double prior, int max_iter, double tol);

/* Resolve 'auto' ties and check options against the tally */
extern int	BtResolveTies(const PrefTally *t, int ties, bool order_effect);

/* Error unless the MLE exists (prior 0) */
extern void BtCheckExistence(const BtProblem *p, const PrefTally *t);

/* Fit a tally into a model value */
extern PrefBtModel *BtFitTally(PrefTally *t, double prior, int ties, bool order_effect,
							   int max_iter, double tol, int method);

/* Item i's key as a C string; index of a key given as text */
extern char *BtItemName(const PrefTally *t, int i);
extern int	BtFindItem(const PrefTally *t, const char *key, const char *argname);

/* Standard normal quantile */
extern double BtNormalQuantile(double p);

/* Interrupt callback for the numeric cores */
extern void BtInterrupt(void);

#endif							/* PGPREF_BT_MODEL_H */
