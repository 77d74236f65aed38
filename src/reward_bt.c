/*
 * reward_bt.c - contextual Bradley-Terry ("style control"): item ratings
 * and covariate coefficients fitted jointly by the reward-model IRLS engine
 * (reward_core.c) on the design  e_winner - e_loser || covariates.
 *
 * P(winner beats loser) = sigmoid(theta_winner - theta_loser + beta . c).
 * A tie counts as half a win each way (target 1/2).  The first item (in id
 * order) is anchored at 0 during the fit; ratings are then centred to mean
 * 0 and their Wald standard errors computed from the inverse Hessian under
 * that centring.
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/hsearch.h"
#include "utils/tuplestore.h"

#include "common.h"
#include "linalg.h"
#include "query.h"
#include "reward.h"
#include "reward_core.h"

/* Most items plus covariates of a fit (the Hessian is dense) */
#define BT_MAX_PARAMS	20000

/* qsort comparator for int64 */
static int
CmpInt64(const void *a, const void *b)
{
	int64		x = *(const int64 *) a,
				y = *(const int64 *) b;

	return x < y ? -1 : (x > y ? 1 : 0);
}

/*
 * Standard normal quantile: Acklam's rational approximation refined by one
 * Halley step on erfc (full double precision).
 */
static double
NormalQuantile(double p)
{
	static const double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,
		-2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01,
	2.506628277459239e+00};
	static const double b[] = {-5.447609879822406e+01, 1.615858368580409e+02,
		-1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01};
	static const double c[] = {-7.784894002430293e-03, -3.223964580411365e-01,
		-2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00,
	2.938163982698783e+00};
	static const double dd[] = {7.784695709041462e-03, 3.224671290700398e-01,
	2.445134137142996e+00, 3.754408661907416e+00};
	double		q,
				r,
				x,
				e,
				u;

	if (p < 0.02425)
	{
		q = sqrt(-2 * log(p));
		x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
			((((dd[0] * q + dd[1]) * q + dd[2]) * q + dd[3]) * q + 1);
	}
	else if (p <= 1 - 0.02425)
	{
		q = p - 0.5;
		r = q * q;
		x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
			(((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
	}
	else
	{
		q = sqrt(-2 * log(1 - p));
		x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
			((((dd[0] * q + dd[1]) * q + dd[2]) * q + dd[3]) * q + 1);
	}
	e = 0.5 * erfc(-x / sqrt(2.0)) - p;
	u = e * sqrt(2 * M_PI) * exp(x * x / 2);
	return x - u / (1 + x * u / 2);
}

/* The design of one fit, read block by block by BlockPass */
typedef struct BtDesign
{
	int64		n;				/* comparisons */
	int			K;				/* items */
	int			nc;				/* covariates */
	int			p;				/* parameters: K - 1 + nc */
	int			blockrows;		/* rows of Z */
	const int  *wi;				/* winner item index per row */
	const int  *li;				/* loser item index per row */
	const double *cov;			/* n x nc covariates */
	const bool *tie;			/* per-row tie flag, or NULL */
	double	   *Z;				/* blockrows x p design block */
	double	   *target;			/* blockrows targets */
	double	   *scratch;		/* 2 blockrows doubles */
} BtDesign;

/*
 * One pass over the design at w: loss, gradient g and Hessian H (both
 * overwritten); reward_newton's evaluation.
 */
static void
BlockPass(void *arg, const double *w, double *g, double *H, double *loss, double *wsum)
{
	BtDesign   *ds = (BtDesign *) arg;
	int			p = ds->p;
	RewardStats st = {0, 0, 0};

	memset(g, 0, sizeof(double) * p);
	PrefZeroLarge(H, (Size) p * p);
	for (int64 start = 0; start < ds->n; start += ds->blockrows)
	{
		int			rows = (int) Min((int64) ds->blockrows, ds->n - start);

		CHECK_FOR_INTERRUPTS();
		memset(ds->Z, 0, sizeof(double) * (Size) rows * p);
		for (int r = 0; r < rows; r++)
		{
			int64		i = start + r;
			double	   *row = ds->Z + (Size) r * p;

			if (ds->wi[i] > 0)
				row[ds->wi[i] - 1] = 1.0;
			if (ds->li[i] > 0)
				row[ds->li[i] - 1] = -1.0;
			memcpy(row + ds->K - 1, ds->cov + (Size) i * ds->nc, sizeof(double) * ds->nc);
			ds->target[r] = (ds->tie && ds->tie[i]) ? 0.5 : 1.0;
		}
		reward_block(p, rows, ds->Z, NULL, ds->target, 1.0, w, 0.0, g, H, &st, ds->scratch);
	}
	*loss = st.loss;
	*wsum = st.wsum;
}

PG_FUNCTION_INFO_V1(pref_bt_fit_contextual);

/*
 * pref.bt_fit_contextual(sql, lambda, max_iter, tol, level): rows
 * (term, item, covariate, estimate, std_error, lower, upper, comparisons).
 */
Datum
pref_bt_fit_contextual(PG_FUNCTION_ARGS)
{
	char	   *sql = text_to_cstring(PG_GETARG_TEXT_PP(0));
	double		lambda = PG_GETARG_FLOAT8(1);
	int			max_iter = PG_GETARG_INT32(2);
	double		tol = PG_GETARG_FLOAT8(3);
	double		conf = PG_GETARG_FLOAT8(4);
	static const PrefQueryColumn cols[] = {
		{"winner", PREF_COL_INT8, false, false},
		{"loser", PREF_COL_INT8, false, false},
		{"covariates", PREF_COL_VECTOR, false, false},
		{"tie", PREF_COL_BOOL, true, false},
	};
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	PrefQueryResult *q;
	int64		n,
			   *win,
			   *los,
			   *ids,
			   *count;
	const double *cov;
	const bool *tie;
	int			nc,
				K = 0,
				p,
				blockrows,
				iter = 0;
	int		   *wi,
			   *li;
	double	   *Z,
			   *target,
			   *scratch,
			   *w,
			   *wbest,
			   *g,
			   *H,
			   *step,
			   *gtot;
	double		gnorm = 0,
				z;
	bool		converged = false;
	BtDesign	ds;

	if (!isfinite(lambda) || lambda < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("lambda must be non-negative and finite")));
	if (max_iter < 1 || max_iter > 100000)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("max_iter must be between 1 and 100000")));
	if (!isfinite(tol) || tol <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("tol must be positive and finite")));
	if (!(conf > 0 && conf < 1))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("level must be between 0 and 1"),
				 errdetail("Got %g.", conf)));

	q = PrefReadQuery(sql, cols, 4, "pref.bt_fit_contextual");
	n = q->nrows;
	if (n == 0)
	{
		/* no data, no model: no rows (docs/conventions.md) */
		InitMaterializedSRF(fcinfo, 0);
		return (Datum) 0;
	}
	win = PREF_QUERY_INT8(q, 0);
	los = PREF_QUERY_INT8(q, 1);
	cov = PREF_QUERY_VECTOR(q, 2);
	nc = q->dim[2];
	tie = q->ncols > 3 ? PREF_QUERY_BOOL(q, 3) : NULL;

	/* items: distinct ids through a hash set (interruptible), then sorted */
	{
		HASHCTL		ctl;
		HTAB	   *seen;
		HASH_SEQ_STATUS scan;
		int64	   *key;

		memset(&ctl, 0, sizeof(ctl));
		ctl.keysize = sizeof(int64);
		ctl.entrysize = sizeof(int64);
		ctl.hcxt = CurrentMemoryContext;
		seen = hash_create("pref.bt_fit_contextual items", 1024, &ctl,
						   HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
		for (int64 i = 0; i < n; i++)
		{
			if ((i & 0xffff) == 0)
				CHECK_FOR_INTERRUPTS();
			if (win[i] == los[i])
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("pref.bt_fit_contextual: an item cannot be compared with itself"),
						 errdetail("Row " INT64_FORMAT " has winner = loser = " INT64_FORMAT ".", i + 1, win[i])));
			(void) hash_search(seen, &win[i], HASH_ENTER, NULL);
			(void) hash_search(seen, &los[i], HASH_ENTER, NULL);
			if (hash_get_num_entries(seen) + nc > BT_MAX_PARAMS)
				ereport(ERROR,
						(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
						 errmsg("pref.bt_fit_contextual: more than %d items and covariates are too many for a dense Hessian",
								BT_MAX_PARAMS),
						 errdetail("The first " INT64_FORMAT " rows name %ld items; there are %d covariates.",
								   i + 1, hash_get_num_entries(seen), nc),
						 errhint("Fit items with pref.bt_fit and use fewer items here.")));
		}
		ids = palloc(sizeof(int64) * hash_get_num_entries(seen));
		hash_seq_init(&scan, seen);
		while ((key = (int64 *) hash_seq_search(&scan)) != NULL)
			ids[K++] = *key;
		hash_destroy(seen);
		qsort(ids, K, sizeof(int64), CmpInt64);
	}
	if (K < 2)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("pref.bt_fit_contextual needs at least 2 items")));

	/* parameters: items 1..K-1 (item 0 anchored) then covariates */
	p = K - 1 + nc;
	blockrows = (int) Max(64, Min(1024, 131072 / p));
	PrefCheckMemory(sizeof(double) * (4.0 * p * p + (double) blockrows * (p + 3) + 6.0 * p),
					"pref.bt_fit_contextual");
	PrefCheckMemory(sizeof(int) * 2.0 * n, "pref.bt_fit_contextual");
	wi = MemoryContextAllocHuge(CurrentMemoryContext, sizeof(int) * n);
	li = MemoryContextAllocHuge(CurrentMemoryContext, sizeof(int) * n);
	count = palloc0(sizeof(int64) * K);
	for (int64 i = 0; i < n; i++)
	{
		if ((i & 0xffff) == 0)
			CHECK_FOR_INTERRUPTS();
		wi[i] = (int) PrefFindInt64(ids, K, win[i]);
		li[i] = (int) PrefFindInt64(ids, K, los[i]);
		count[wi[i]]++;
		count[li[i]]++;
	}
	Z = MemoryContextAllocHuge(CurrentMemoryContext, sizeof(double) * (Size) blockrows * p);
	target = palloc(sizeof(double) * blockrows);
	scratch = palloc(sizeof(double) * 2 * blockrows);
	w = palloc0(sizeof(double) * p);
	wbest = palloc0(sizeof(double) * p);
	g = palloc(sizeof(double) * p);
	gtot = palloc(sizeof(double) * p);
	step = palloc(sizeof(double) * p);
	H = MemoryContextAllocHuge(CurrentMemoryContext, sizeof(double) * (Size) p * p);
	PrefApplyBlasThreads();

	ds = (BtDesign) {
		.n = n, .K = K, .nc = nc, .p = p, .blockrows = blockrows,
		.wi = wi, .li = li, .cov = cov, .tie = tie,
		.Z = Z, .target = target, .scratch = scratch
	};
	{
		RewardNewtonResult nr;
		int			rc = reward_newton(p, lambda, tol, max_iter, BlockPass, NULL, PrefInterruptTick, &ds,
									   w, wbest, g, H, gtot, step, &nr);

		if (rc == LINALG_NOT_SPD)
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("pref.bt_fit_contextual: the Hessian is singular"),
					 errdetail("The comparison graph may be disconnected, or covariates collinear (lambda %g).", lambda),
					 errhint("Use a positive lambda, e.g. lambda => 0.01.")));
		PrefLinalgError(rc, "pref.bt_fit_contextual");
		iter = nr.iter;
		converged = nr.converged;
		gnorm = nr.gnorm;
	}
	if (!converged)
		ereport(WARNING,
				(errmsg("pref.bt_fit_contextual did not converge in %d iterations", iter),
				 errdetail("Gradient norm %g.", gnorm),
				 errhint("Raise max_iter, or use a positive lambda when an item wins or loses every comparison.")));

	/* covariance at the solution: inverse of the penalised Hessian */
	{
		double		loss,
					wsum;
		int			rc;

		BlockPass(&ds, wbest, g, H, &loss, &wsum);
		for (int j = 0; j < p; j++)
			H[(Size) j * p + j] += lambda;
		rc = linalg_spd_inverse_tick(p, H, PrefInterruptTick);
		if (rc == LINALG_NOT_SPD)
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("pref.bt_fit_contextual: the Hessian is singular at the solution"),
					 errhint("Use a positive lambda.")));
		PrefLinalgError(rc, "pref.bt_fit_contextual");
	}

	z = NormalQuantile(0.5 + conf / 2);
	InitMaterializedSRF(fcinfo, 0);
	{
		/* theta (K, anchored item 0 = 0) centred; var of theta_i - mean(theta) */
		double	   *theta = palloc0(sizeof(double) * K);
		double	   *rowmean = palloc0(sizeof(double) * K);
		double	   *ones = palloc(sizeof(double) * (K - 1));
		double		tmean = 0,
					gmean = 0;

		for (int k = 1; k < K; k++)
			theta[k] = wbest[k - 1];
		for (int k = 0; k < K; k++)
			tmean += theta[k] / K;
		/* row means of the full K x K covariance (anchored row and column are 0) */
		for (int k = 0; k < K - 1; k++)
			ones[k] = 1.0 / K;
		if (K > 1)
			for (int k = 1; k < K; k++)
				rowmean[k] = linalg_dot(K - 1, H + (Size) (k - 1) * p, ones);
		for (int k = 0; k < K; k++)
			gmean += rowmean[k] / K;
		for (int k = 0; k < K; k++)
		{
			Datum		values[8];
			bool		nulls[8] = {false};
			double		vk = (k > 0 ? H[(Size) (k - 1) * p + (k - 1)] : 0) - 2 * rowmean[k] + gmean;
			double		se = sqrt(vk > 0 ? vk : 0);
			double		est = theta[k] - tmean;

			values[0] = CStringGetTextDatum("item");
			values[1] = Int64GetDatum(ids[k]);
			nulls[2] = true;
			values[3] = Float8GetDatum(est);
			values[4] = Float8GetDatum(se);
			values[5] = Float8GetDatum(est - z * se);
			values[6] = Float8GetDatum(est + z * se);
			values[7] = Int64GetDatum(count[k]);
			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		}
		for (int c = 0; c < nc; c++)
		{
			Datum		values[8];
			bool		nulls[8] = {false};
			int			j = K - 1 + c;
			double		vc = H[(Size) j * p + j];
			double		se = sqrt(vc > 0 ? vc : 0);

			values[0] = CStringGetTextDatum("covariate");
			nulls[1] = true;
			values[2] = Int32GetDatum(c + 1);
			values[3] = Float8GetDatum(wbest[j]);
			values[4] = Float8GetDatum(se);
			values[5] = Float8GetDatum(wbest[j] - z * se);
			values[6] = Float8GetDatum(wbest[j] + z * se);
			values[7] = Int64GetDatum(n);
			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		}
	}
	return (Datum) 0;
}
