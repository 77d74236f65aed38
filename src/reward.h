/*
 * reward.h - pref.linear_model, shared by ridge_fit (gram.c), reward_fit
 * (reward.c) and the scoring functions.
 */
#ifndef PGPREF_REWARD_H
#define PGPREF_REWARD_H

#include "postgres.h"
#include "fmgr.h"

/* Fields of pref.linear_model; NaN doubles become SQL NULL */
typedef struct PrefLinearModel
{
	const char *kind;			/* "ridge" or "bradley_terry" */
	int			dim;
	const double *weights;		/* dim */
	double		bias;
	int64		n_rows;
	int64		n_skipped;
	int			iterations;
	bool		converged;
	double		loss;
	double		accuracy;
	double		r2;
	const char *options;		/* JSON object text */
} PrefLinearModel;

/* Build a pref.linear_model datum for the function's composite result */
extern Datum PrefMakeLinearModel(FunctionCallInfo fcinfo, const PrefLinearModel *m);

#endif							/* PGPREF_REWARD_H */
