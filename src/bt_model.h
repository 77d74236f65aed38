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

/*
 * Format versions: 2 is a Bradley-Terry model (the layout of 0.1.0, still
 * written for every Bradley-Terry fit); 3 adds the model kind and, for a
 * Plackett-Luce model, its rankings after the tally.  Readers take both.
 */
#define BT_MODEL_VERSION 2
#define BT_MODEL_VERSION_PL 3

/* model kinds (the kind byte; zero in every version 2 value) */
#define BT_KIND_BT			0
#define BT_KIND_PL			1

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
 * they are read (pref.ratings, pref.bt_summary), not at fit time.  A
 * Plackett-Luce model (version 3, kind BT_KIND_PL) holds the pairwise
 * outcomes its rankings imply as its tally (for the counts of
 * pref.ratings, win_prob's item lookup and bt_eval), followed (8-byte
 * aligned) by its rankings (PrefPlRankings), from which its standard
 * errors are computed when read.
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
	uint8		kind;			/* BT_KIND_*: zero (Bradley-Terry) in version 2 */
	uint8		unused[2];		/* zero */
	double		prior;
	double		tol;
	double		loglik;
	double		tau;			/* tie parameter, internal (log) scale */
	double		order;
	double		data[FLEXIBLE_ARRAY_MEMBER];
} PrefBtModel;

/*
 * Rankings of a Plackett-Luce model, canonical (pl_model.h): weight[nrank]
 * (count of identical rankings), then int32 off[nrank + 1], item[total]
 * (tally item indices) and group[total].
 */
typedef struct PrefPlRankings
{
	int32		nrank;
	int32		total;
	double		data[FLEXIBLE_ARRAY_MEMBER];
} PrefPlRankings;

#define PLR_SIZE(nrank, total) \
	(offsetof(PrefPlRankings, data) + sizeof(double) * (Size) (nrank) + sizeof(int32) * ((Size) (nrank) + 1 + 2 * (Size) (total)))
#define PLR_WEIGHT(b)	((b)->data)
#define PLR_OFF(b)		((int32 *) ((b)->data + (b)->nrank))
#define PLR_ITEM(b)		(PLR_OFF(b) + (b)->nrank + 1)
#define PLR_GROUP(b)	(PLR_ITEM(b) + (b)->total)

#define BT_THETA(m)		((m)->data)
#define BT_TALLY(m)		((PrefTally *) ((m)->data + (m)->nitems))
#define BT_PL(m)		((PrefPlRankings *) ((char *) BT_TALLY(m) + MAXALIGN(VARSIZE(BT_TALLY(m)))))
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

/*
 * Bootstraps (bt_extra.c): check rounds and level; error unless at least two
 * of the rounds were fitted (data names what to add: "comparisons"); emit
 * the per-item rows
 */
extern void BtCheckBootstrapArgs(int rounds, double level);
extern void BtCheckBootstrapUsed(int used, int rounds, const char *data);
extern void BtBootstrapRows(FunctionCallInfo fcinfo, const PrefTally *t, const double *full,
							const double *theta, int n, int used, int scale, double level);

/* ---- Plackett-Luce models (pl_model.c) ---- */

struct PlProblem;

/* The fitting problem of a Plackett-Luce model (pointers into m) */
extern void PlModelProblem(const PrefBtModel *m, struct PlProblem *p);

/* NULL if a Plackett-Luce model value is consistent, else the detail */
extern const char *PlModelCheck(const PrefBtModel *m);

/*
 * Covariance of a model's parameters, strengths first (model, and sandwich
 * in *robust when robust is not NULL), from its tally or, for Plackett-Luce,
 * its rankings; *np_out receives the dimension.  When soft and the dense
 * matrices would exceed pgpref.max_memory, returns NULL (bt.c).
 */
extern double *PrefBtModelCovariance(const PrefBtModel *m, double **robust, int *np_out,
									 bool soft, const char *what);

/* Covariance of a Plackett-Luce model (n x n), for PrefBtModelCovariance */
extern double *PlModelCovariance(const PrefBtModel *m, double **robust, bool soft, const char *what);

/*
 * Allocate a Plackett-Luce model of n items around the tally t, with room
 * for nrank rankings of total positions; header fields zero but version,
 * kind and nitems
 */
extern PrefBtModel *PlModelAlloc(int n, const PrefTally *t, int nrank, int total);

#endif							/* PGPREF_BT_MODEL_H */
