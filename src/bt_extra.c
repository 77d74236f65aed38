/*
 * bt_extra.c - SQL glue of the Bradley-Terry extras: pref.bt_bootstrap
 * (Poisson bootstrap over the tally cells, warm-started refits without
 * covariance) and the pref.bt_eval aggregate (log loss, accuracy and Brier
 * score of a model on held-out comparisons).
 */
#include "postgres.h"

#include <math.h>

#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"

#include "bt_boot.h"
#include "bt_core.h"
#include "bt_model.h"
#include "common.h"
#include "tally.h"

static const char *const BOOT_SCALE_NAMES[] = {"elo", "logit", NULL};

/* qsort comparator for doubles */
static int
CmpDouble(const void *a, const void *b)
{
	double		x = *(const double *) a,
				y = *(const double *) b;

	return x < y ? -1 : x > y ? 1 : 0;
}

typedef struct BtSortCtx
{
	const double *v;
} BtSortCtx;

/* qsort_arg comparator: indices by decreasing value */
static int
CmpIndexDesc(const void *a, const void *b, void *arg)
{
	const double *v = ((BtSortCtx *) arg)->v;
	double		x = v[*(const int *) a],
				y = v[*(const int *) b];

	return x > y ? -1 : x < y ? 1 : 0;
}

PG_FUNCTION_INFO_V1(pref_bt_bootstrap);

/*
 * bt_bootstrap(t, rounds, seed, level, prior, ties, scale, order_effect):
 * per item the full-data rating, the bootstrap standard error, percentile
 * interval, interval-aware rank, rank interval and the rounds used.
 */
Datum
pref_bt_bootstrap(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	PrefTally  *t = PG_GETARG_TALLY_P(0);
	int			rounds = PG_GETARG_INT32(1);
	uint64		seed = (uint64) PG_GETARG_INT64(2);
	double		level = PG_GETARG_FLOAT8(3);
	double		prior = PG_GETARG_FLOAT8(4);
	int			ties = PrefParseOption(text_to_cstring(PG_GETARG_TEXT_PP(5)), BT_TIES_NAMES, "ties model");
	int			scale = PrefParseOption(text_to_cstring(PG_GETARG_TEXT_PP(6)), BOOT_SCALE_NAMES, "scale");
	bool		order_effect = PG_GETARG_BOOL(7);
	double		f = scale == 0 ? 400.0 / log(10.0) : 1.0;
	double		shift = scale == 0 ? 1000.0 : 0.0;
	PrefBtModel *m;
	BtProblem  *p,
				rp;
	BtCell	   *cells;
	int			n,
				np,
				used = 0,
				mm;
	double	   *x,
			   *theta,			/* rounds x n, then columns sorted */
			   *ranks,			/* rounds x n */
			   *col,
			   *work;
	int		   *iwork,
			   *comp = NULL,
			   *ciwork = NULL,
			   *order;
	BtSortCtx	sctx;
	double	   *se,
			   *lo,
			   *hi;
	BtRng		rng;
	double		qlo = (1 - level) / 2,
				qhi = 1 - (1 - level) / 2;

	if (rounds < 2 || rounds > 1000000)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("rounds must be between 2 and 1000000")));
	if (!(level > 0 && level < 1))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("level must be between 0 and 1 (exclusive)")));

	/* the full-data fit (checks options and existence) */
	m = BtFitTally(t, prior, ties, order_effect, 100, 1e-10, BT_METHOD_AUTO);
	n = m->nitems;
	p = BtMakeProblem(t, m->ties, order_effect, prior, 100, 1e-8);
	np = bt_nparams(p);
	mm = m->method == BT_METHOD_MM;
	PrefCheckMemory(2.0 * rounds * n * 8.0 + (mm ? bt_mm_work_size(p) * 8.0 + bt_mm_iwork_size(p) * 4.0
											  : bt_work_size(p) * 8.0)
					+ (double) p->ncells * sizeof(BtCell), "pref.bt_bootstrap");
	theta = palloc_extended(sizeof(double) * rounds * n, MCXT_ALLOC_HUGE);
	ranks = palloc_extended(sizeof(double) * rounds * n, MCXT_ALLOC_HUGE);
	cells = palloc_extended(sizeof(BtCell) * Max(p->ncells, 1), MCXT_ALLOC_HUGE);
	work = palloc_extended(sizeof(double) * (mm ? bt_mm_work_size(p) : bt_work_size(p)), MCXT_ALLOC_HUGE);
	iwork = mm ? palloc_extended(sizeof(int) * bt_mm_iwork_size(p), MCXT_ALLOC_HUGE) : NULL;
	if (prior == 0)
	{
		comp = palloc(sizeof(int) * n);
		ciwork = palloc_extended(sizeof(int) * bt_components_iwork(p), MCXT_ALLOC_HUGE);
	}
	x = palloc(sizeof(double) * np);
	col = palloc(sizeof(double) * rounds);
	order = palloc(sizeof(int) * n);
	if (!mm)
		PrefApplyBlasThreads();

	bt_rng_seed(&rng, seed);
	rp = *p;
	rp.cells = cells;
	rp.max_iter = mm ? 100 * BT_MM_SWEEPS_PER_ITER : 100;
	for (int r = 0; r < rounds; r++)
	{
		double		ll;
		int			iters,
					conv,
					rc;
		double	   *th = theta + (size_t) used * n;

		CHECK_FOR_INTERRUPTS();
		bt_resample(p->cells, cells, p->ncells, &rng);
		if (prior == 0 && bt_components(&rp, comp, ciwork) > 1)
			continue;			/* MLE does not exist in this replicate */
		/* warm start at the full-data estimate */
		memcpy(x, BT_THETA(m), sizeof(double) * n);
		if (bt_tie_index(&rp) >= 0)
			x[bt_tie_index(&rp)] = m->tau;
		if (bt_order_index(&rp) >= 0)
			x[bt_order_index(&rp)] = m->order;
		if (mm)
			rc = bt_mm_fit(&rp, x, work, iwork, &ll, &iters, &conv);
		else
			rc = bt_fit(&rp, x, NULL, NULL, work, &ll, &iters, &conv);
		if (rc != BT_OK || !conv)
			continue;
		memcpy(th, x, sizeof(double) * n);
		used++;
	}
	if (used < 2)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("fewer than two bootstrap rounds could be fitted"),
				 errdetail("%d of %d replicates had a maximum likelihood estimate.", used, rounds),
				 errhint("Pass prior > 0, or add comparisons.")));

	/* per-round ordinal ranks: 1 + number of items strictly stronger */
	for (int r = 0; r < used; r++)
	{
		const double *th = theta + (size_t) r * n;

		CHECK_FOR_INTERRUPTS();
		for (int i = 0; i < n; i++)
			order[i] = i;
		sctx.v = th;
		qsort_arg(order, n, sizeof(int), CmpIndexDesc, &sctx);
		for (int k = 0; k < n; k++)
		{
			int			first = k;

			/* equal strengths share the best rank of the run */
			if (k > 0 && th[order[k]] == th[order[k - 1]])
				first = (int) ranks[(size_t) r * n + order[k - 1]] - 1;
			ranks[(size_t) r * n + order[k]] = first + 1;
		}
	}

	se = palloc(sizeof(double) * n);
	lo = palloc(sizeof(double) * n);
	hi = palloc(sizeof(double) * n);
	for (int i = 0; i < n; i++)
	{
		double		mean = 0,
					ss = 0;

		for (int r = 0; r < used; r++)
		{
			col[r] = f * theta[(size_t) r * n + i] + shift;
			mean += col[r];
		}
		mean /= used;
		for (int r = 0; r < used; r++)
			ss += (col[r] - mean) * (col[r] - mean);
		se[i] = sqrt(ss / (used - 1));
		qsort(col, used, sizeof(double), CmpDouble);
		lo[i] = bt_quantile_sorted(col, used, qlo);
		hi[i] = bt_quantile_sorted(col, used, qhi);
	}

	InitMaterializedSRF(fcinfo, 0);
	for (int i = 0; i < n; i++)
	{
		Datum		values[9];
		bool		nulls[9] = {false};
		int			rank = 1;

		for (int j = 0; j < n; j++)
			if (lo[j] > hi[i])
				rank++;
		for (int r = 0; r < used; r++)
			col[r] = ranks[(size_t) r * n + i];
		qsort(col, used, sizeof(double), CmpDouble);
		values[0] = CStringGetTextDatum(BtItemName(t, i));
		values[1] = Float8GetDatum(f * BT_THETA(m)[i] + shift);
		values[2] = Float8GetDatum(se[i]);
		values[3] = Float8GetDatum(lo[i]);
		values[4] = Float8GetDatum(hi[i]);
		values[5] = Int32GetDatum(rank);
		values[6] = Int32GetDatum((int) col[(int) floor(qlo * (used - 1))]);
		values[7] = Int32GetDatum((int) col[(int) ceil(qhi * (used - 1))]);
		values[8] = Int32GetDatum(used);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}
