/*
 * bt_extra.c - SQL glue of the Bradley-Terry extras: pref.bt_bootstrap
 * (multinomial bootstrap over the tally cells, warm-started refits without
 * covariance) and the pref.bt_eval aggregate (log loss, accuracy and Brier
 * score of a model on held-out comparisons).
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type_d.h"
#include "common/shortest_dec.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/jsonb.h"

#include "bt_boot.h"
#include "bt_core.h"
#include "bt_model.h"
#include "common.h"
#include "tally.h"

static const char *const BOOT_SCALE_NAMES[] = {"elo", "logit", NULL};
/* in the order of BT_RESAMPLE_* */
static const char *const BOOT_RESAMPLE_NAMES[] = {"multinomial", "poisson", NULL};

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

/*
 * Cell keys of the Poisson draws: from the text forms of the tally cell's
 * two items in the tally's own order (first, second), so every tally cell
 * has its own key even where the fit folds both orders of a pair together
 * (BtMakeProblem keeps one problem cell per tally cell, in the same order)
 */
static uint64_t *
BootCellKeys(const PrefTally *t, const BtProblem *p)
{
	uint64_t   *ik = palloc(sizeof(uint64_t) * Max(t->nitems, 1));
	uint64_t   *keys = palloc_extended(sizeof(uint64_t) * Max(p->ncells, 1), MCXT_ALLOC_HUGE);

	for (int i = 0; i < t->nitems; i++)
	{
		char	   *name = BtItemName(t, i);

		ik[i] = bt_item_key(name, strlen(name));
		pfree(name);
	}
	Assert(p->ncells == t->ncells);
	for (int k = 0; k < p->ncells; k++)
		keys[k] = bt_cell_key(ik[t->cells[k].a], ik[t->cells[k].b], 0);
	pfree(ik);
	return keys;
}

/* Check the rounds and level of a bootstrap */
void
BtCheckBootstrapArgs(int rounds, double level)
{
	if (rounds < 2 || rounds > 1000000)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("rounds must be between 2 and 1000000")));
	if (!(level > 0 && level < 1))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("level must be between 0 and 1 (exclusive)")));
}

/* Error unless at least two bootstrap rounds were fitted (data: what to add) */
void
BtCheckBootstrapUsed(int used, int rounds, const char *data)
{
	if (used < 2)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("fewer than two bootstrap rounds could be fitted"),
				 errdetail("%d of %d replicates had a maximum likelihood estimate.", used, rounds),
				 errhint("Pass prior > 0, or add %s.", data)));
}

/*
 * bt_bootstrap(t, rounds, seed, level, prior, ties, scale, order_effect
 * [, resample]): per item the full-data rating, the bootstrap standard
 * error, percentile interval, interval-aware rank, rank interval and the
 * rounds used.
 */
static Datum
BtBootstrap(FunctionCallInfo fcinfo, int resample)
{
	PrefTally  *t = PG_GETARG_TALLY_P(0);
	int			rounds = PG_GETARG_INT32(1);
	uint64		seed = (uint64) PG_GETARG_INT64(2);
	double		level = PG_GETARG_FLOAT8(3);
	double		prior = PG_GETARG_FLOAT8(4);
	int			ties = PrefParseOption(text_to_cstring(PG_GETARG_TEXT_PP(5)), BT_TIES_NAMES, "ties");
	int			scale = PrefParseOption(text_to_cstring(PG_GETARG_TEXT_PP(6)), BOOT_SCALE_NAMES, "scale");
	bool		order_effect = PG_GETARG_BOOL(7);
	PrefBtModel *m;
	BtProblem  *p,
				rp;
	BtCell	   *cells;
	void	   *consts;
	uint64_t   *keys = NULL;
	int			n,
				np,
				used = 0,
				mm;
	double	   *x,
			   *theta,			/* rounds x n */
			   *work,
			   *factor = NULL;	/* the full-data Hessian's factor (no-ties Newton refits) */
	int		   *iwork,
			   *comp = NULL,
			   *ciwork = NULL;
	PrefRng		rng;

	BtCheckBootstrapArgs(rounds, level);

	/* no comparisons, no leaderboard: no rows (docs/conventions.md) */
	if (t->nitems == 0)
	{
		InitMaterializedSRF(fcinfo, 0);
		return (Datum) 0;
	}

	/* the full-data fit (checks options and existence) */
	m = BtFitTally(t, prior, ties, order_effect, 100, 1e-10, BT_METHOD_AUTO);
	n = m->nitems;
	p = BtMakeProblem(t, m->ties, order_effect, prior, 100, 1e-8);
	np = bt_nparams(p);
	mm = m->method == BT_METHOD_MM;
	PrefCheckMemory(2.0 * rounds * n * 8.0 + (mm ? bt_mm_work_size(p) * 8.0 + bt_mm_iwork_size(p) * 4.0
											  : bt_work_size(p) * 8.0)
					+ (double) p->ncells * sizeof(BtCell) + (double) bt_resample_work_size(p->ncells)
					+ (resample == BT_RESAMPLE_POISSON ? (double) p->ncells * 8 : 0)
					+ (mm ? 0 : (double) np * np * 8.0), "pref.bt_bootstrap");
	theta = palloc_extended(sizeof(double) * rounds * n, MCXT_ALLOC_HUGE);
	cells = palloc_extended(sizeof(BtCell) * Max(p->ncells, 1), MCXT_ALLOC_HUGE);
	consts = palloc_extended(bt_resample_work_size(p->ncells), MCXT_ALLOC_HUGE);
	if (resample == BT_RESAMPLE_POISSON)
		keys = BootCellKeys(t, p);
	bt_resample_prepare(p->cells, p->ncells, resample, keys, seed, consts);
	work = palloc_extended(sizeof(double) * (mm ? bt_mm_work_size(p) : bt_work_size(p)), MCXT_ALLOC_HUGE);
	iwork = mm ? palloc_extended(sizeof(int) * bt_mm_iwork_size(p), MCXT_ALLOC_HUGE) : NULL;
	if (prior == 0)
	{
		comp = palloc(sizeof(int) * n);
		ciwork = palloc_extended(sizeof(int) * bt_components_iwork(p), MCXT_ALLOC_HUGE);
	}
	x = palloc(sizeof(double) * np);
	if (!mm)
		PrefApplyBlasThreads();

	if (!mm && bt_tie_index(p) < 0)
	{
		/* every replicate's refit starts with chord steps on the full-data Hessian */
		factor = palloc_extended(sizeof(double) * np * np, MCXT_ALLOC_HUGE);
		memcpy(x, BT_THETA(m), sizeof(double) * n);
		if (bt_order_index(p) >= 0)
			x[bt_order_index(p)] = m->order;
		if (bt_refit_factor(p, x, factor, work) != BT_OK)
			factor = NULL;
	}
	pref_rng_seed(&rng, seed);
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

		int64_t		lost;

		CHECK_FOR_INTERRUPTS();
		lost = bt_resample(p->cells, cells, p->ncells, consts, &rng, r);
		/* the data's graph is strongly connected (BtFitTally): check only changed ones */
		if (prior == 0 && lost > 0 && bt_components(&rp, comp, ciwork) > 1)
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
		{
			/* plain Newton from the warm start; the safeguarded fit if it balks */
			rc = bt_tie_index(&rp) < 0 ? bt_refit(&rp, x, factor, work, &iters) : BT_BAD_ARG;
			conv = rc == BT_OK;
			if (rc != BT_OK)
			{
				memcpy(x, BT_THETA(m), sizeof(double) * n);
				if (bt_tie_index(&rp) >= 0)
					x[bt_tie_index(&rp)] = m->tau;
				if (bt_order_index(&rp) >= 0)
					x[bt_order_index(&rp)] = m->order;
				rc = bt_fit(&rp, x, NULL, NULL, work, &ll, &iters, &conv);
			}
		}
		if (rc != BT_OK || !conv)
			continue;
		memcpy(th, x, sizeof(double) * n);
		used++;
	}
	BtCheckBootstrapUsed(used, rounds, "comparisons");
	BtBootstrapRows(fcinfo, t, BT_THETA(m), theta, n, used, scale, level);
	return (Datum) 0;
}

/*
 * The rows of a bootstrap (pref.bt_bootstrap, pref.pl_bootstrap): per item
 * the full-data rating full[i], the standard error and percentile interval
 * (level) of the replicates theta[used x n], the interval-aware rank, the
 * rank interval and the rounds used, on the scale (0 elo, 1 logit)
 */
void
BtBootstrapRows(FunctionCallInfo fcinfo, const PrefTally *t, const double *full, const double *theta,
				int n, int used, int scale, double level)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	double		f = scale == 0 ? 400.0 / log(10.0) : 1.0;
	double		shift = scale == 0 ? 1000.0 : 0.0;
	double		qlo = (1 - level) / 2,
				qhi = 1 - (1 - level) / 2;
	double	   *ranks = palloc_extended(sizeof(double) * used * n, MCXT_ALLOC_HUGE);
	double	   *col = palloc(sizeof(double) * used);
	int		   *order = palloc(sizeof(int) * n);
	double	   *se,
			   *lo,
			   *hi;
	BtSortCtx	sctx;

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
		values[1] = Float8GetDatum(f * full[i] + shift);
		values[2] = Float8GetDatum(se[i]);
		values[3] = Float8GetDatum(lo[i]);
		values[4] = Float8GetDatum(hi[i]);
		values[5] = Int32GetDatum(rank);
		values[6] = Int32GetDatum((int) col[(int) floor(qlo * (used - 1))]);
		values[7] = Int32GetDatum((int) col[(int) ceil(qhi * (used - 1))]);
		values[8] = Int32GetDatum(used);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
}

PG_FUNCTION_INFO_V1(pref_bt_bootstrap);

/* The 0.1.0 signature (8 arguments): multinomial resampling */
Datum
pref_bt_bootstrap(PG_FUNCTION_ARGS)
{
	return BtBootstrap(fcinfo, BT_RESAMPLE_MULTINOMIAL);
}

PG_FUNCTION_INFO_V1(pref_bt_bootstrap_resample);

/* bt_bootstrap with its 9th argument resample ('multinomial' or 'poisson') */
Datum
pref_bt_bootstrap_resample(PG_FUNCTION_ARGS)
{
	return BtBootstrap(fcinfo, PrefParseOption(text_to_cstring(PG_GETARG_TEXT_PP(8)),
											   BOOT_RESAMPLE_NAMES, "resample"));
}

/*
 * pref.bt_eval: held-out evaluation of a model.  State float8[5]: rows
 * scored, summed log loss, summed accuracy, summed Brier score, rows
 * skipped (NULLs, items not in the model).
 */
#define EVAL_N 5

/* Cached detoasted model per call site, keyed by the raw (toasted) bytes */
typedef struct EvalCache
{
	struct varlena *raw;
	PrefBtModel *m;
} EvalCache;

/*
 * Model argument.  An in-memory value is used as is; a toasted or
 * compressed one is detoasted once and reused while the raw bytes (the
 * toast pointer, or the compressed datum) stay the same.
 */
static PrefBtModel *
EvalModel(FunctionCallInfo fcinfo, int argno)
{
	struct varlena *v = (struct varlena *) DatumGetPointer(PG_GETARG_DATUM(argno));
	EvalCache  *c = (EvalCache *) fcinfo->flinfo->fn_extra;
	PrefBtModel *m;

	if (!VARATT_IS_EXTENDED(v))
		m = (PrefBtModel *) v;
	else
	{
		Size		rawsz = VARSIZE_ANY(v);

		if (c == NULL)
		{
			c = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(EvalCache));
			fcinfo->flinfo->fn_extra = c;
		}
		if (c->m == NULL || VARSIZE_ANY(c->raw) != rawsz || memcmp(c->raw, v, rawsz) != 0)
		{
			struct varlena *dt = pg_detoast_datum_copy(v);
			Size		sz = VARSIZE(dt);

			if (c->m)
			{
				pfree(c->m);
				pfree(c->raw);
			}
			c->m = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, sz);
			memcpy(c->m, dt, sz);
			c->raw = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, rawsz);
			memcpy(c->raw, v, rawsz);
		}
		m = c->m;
	}
	if (m->version != BT_MODEL_VERSION)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unsupported pref.bt_model version %d", m->version)));
	return m;
}

/*
 * Check a float8[EVAL_N] state, as a hand-passed one may be anything:
 * one dimension of EVAL_N elements, no NULLs, every value finite and not
 * negative (counts and sums of non-negative scores).
 */
static double *
EvalState(ArrayType *a)
{
	double	   *s;

	if (ARR_NDIM(a) != 1 || ARR_DIMS(a)[0] != EVAL_N || ARR_HASNULL(a) || ARR_ELEMTYPE(a) != FLOAT8OID)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("pref.bt_eval state must be a float8 array of %d elements", EVAL_N),
				 errdetail("The state is rows, summed log loss, summed accuracy, summed Brier score, rows skipped.")));
	s = (double *) ARR_DATA_PTR(a);
	for (int i = 0; i < EVAL_N; i++)
		if (!isfinite(s[i]) || s[i] < 0)
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("pref.bt_eval state must hold finite values that are not negative"),
					 errdetail("Element %d is %s.", i + 1, float8out_internal(s[i]))));
	return s;
}

/*
 * The state argument argno, checked: a fresh zero state when NULL; inside
 * an aggregate the state itself (updated in place, as float8_accum does);
 * otherwise a copy.
 */
static ArrayType *
EvalArg(FunctionCallInfo fcinfo, int argno)
{
	ArrayType  *a;

	if (PG_ARGISNULL(argno))
	{
		Datum		z[EVAL_N];

		for (int i = 0; i < EVAL_N; i++)
			z[i] = Float8GetDatum(0);
		return construct_array(z, EVAL_N, FLOAT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE);
	}
	a = AggCheckCallContext(fcinfo, NULL) ? PG_GETARG_ARRAYTYPE_P(argno)
		: PG_GETARG_ARRAYTYPE_P_COPY(argno);
	EvalState(a);
	return a;
}

/* Shared body of the bt_eval accumulate functions: (state, model, winner, loser [, tie]) */
static Datum
EvalAccum(FunctionCallInfo fcinfo, bool istext)
{
	ArrayType  *a = EvalArg(fcinfo, 0);
	double	   *s = (double *) ARR_DATA_PTR(a);
	PrefBtModel *m;
	const PrefTally *t;
	bool		tie = false;
	int			w,
				l;
	double		pr[3],
				eps = 1e-300;

	for (int i = 1; i < PG_NARGS(); i++)
		if (PG_ARGISNULL(i))
		{
			s[4] += 1;
			PG_RETURN_ARRAYTYPE_P(a);
		}
	m = EvalModel(fcinfo, 1);
	t = BT_TALLY(m);
	if (((t->flags & TALLY_TEXT) != 0) != istext)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("the model has %s items, the comparisons %s items",
						(t->flags & TALLY_TEXT) ? "text" : "bigint", istext ? "text" : "bigint"),
				 errhint("Cast the winner and loser to the model's item type.")));
	if (istext)
	{
		text	   *a1 = PG_GETARG_TEXT_PP(2),
				   *a2 = PG_GETARG_TEXT_PP(3);

		w = TallyFindText(t, VARDATA_ANY(a1), VARSIZE_ANY_EXHDR(a1));
		l = TallyFindText(t, VARDATA_ANY(a2), VARSIZE_ANY_EXHDR(a2));
	}
	else
	{
		if (PG_GETARG_INT64(2) == PG_GETARG_INT64(3))
			w = l = -2;
		else
		{
			w = TallyFindInt(t, PG_GETARG_INT64(2));
			l = TallyFindInt(t, PG_GETARG_INT64(3));
		}
	}
	if (w == l && w != -1)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("winner and loser are the same item")));
	if (w < 0 || l < 0)
	{
		s[4] += 1;				/* item not in the model */
		PG_RETURN_ARRAYTYPE_P(a);
	}
	if (PG_NARGS() > 4)
		tie = PG_GETARG_BOOL(4);
	bt_probs(m->ties, BT_THETA(m)[w] - BT_THETA(m)[l], m->tau, pr);
	if (m->ties == BT_TIES_DAVIDSON || m->ties == BT_TIES_RAO_KUPPER)
	{
		int			o = tie ? 2 : 0;
		int			best = (pr[0] >= pr[1] && pr[0] >= pr[2]) ? 0 : (pr[1] >= pr[2] ? 1 : 2);

		s[1] += -log(fmax(pr[o], eps));
		s[2] += best == o ? 1.0 : 0.0;
		s[3] += (pr[0] - (o == 0)) * (pr[0] - (o == 0)) + pr[1] * pr[1] + (pr[2] - (o == 2)) * (pr[2] - (o == 2));
	}
	else if (tie)
	{
		/* a model without tie probability: a tie is half a win each way */
		s[1] += -0.5 * (log(fmax(pr[0], eps)) + log(fmax(pr[1], eps)));
		s[2] += 0.5;
		s[3] += (0.5 - pr[0]) * (0.5 - pr[0]);
	}
	else
	{
		s[1] += -log(fmax(pr[0], eps));
		s[2] += pr[0] > 0.5 ? 1.0 : pr[0] == 0.5 ? 0.5 : 0.0;
		s[3] += (1 - pr[0]) * (1 - pr[0]);
	}
	s[0] += 1;
	PG_RETURN_ARRAYTYPE_P(a);
}

PG_FUNCTION_INFO_V1(pref_bt_eval_accum_int);

/* bt_eval accumulate, bigint items: (state, model, winner, loser [, tie]) */
Datum
pref_bt_eval_accum_int(PG_FUNCTION_ARGS)
{
	return EvalAccum(fcinfo, false);
}

PG_FUNCTION_INFO_V1(pref_bt_eval_accum_text);

/* bt_eval accumulate, text items: (state, model, winner, loser [, tie]) */
Datum
pref_bt_eval_accum_text(PG_FUNCTION_ARGS)
{
	return EvalAccum(fcinfo, true);
}

PG_FUNCTION_INFO_V1(pref_bt_eval_combine);

/* Combine: elementwise sum of two checked states (either may be NULL) */
Datum
pref_bt_eval_combine(PG_FUNCTION_ARGS)
{
	ArrayType  *a;
	double	   *x,
			   *y;

	if (PG_ARGISNULL(0) && PG_ARGISNULL(1))
		PG_RETURN_NULL();
	if (PG_ARGISNULL(1))
		PG_RETURN_ARRAYTYPE_P(EvalArg(fcinfo, 0));
	if (PG_ARGISNULL(0))
	{
		a = PG_GETARG_ARRAYTYPE_P_COPY(1);
		EvalState(a);
		PG_RETURN_ARRAYTYPE_P(a);
	}
	a = EvalArg(fcinfo, 0);
	x = (double *) ARR_DATA_PTR(a);
	y = EvalState(PG_GETARG_ARRAYTYPE_P(1));
	for (int i = 0; i < EVAL_N; i++)
		x[i] += y[i];
	PG_RETURN_ARRAYTYPE_P(a);
}

PG_FUNCTION_INFO_V1(pref_bt_eval_final);

/* Final: jsonb {rows, rows_skipped, log_loss, accuracy, brier}; NULL when nothing scored */
Datum
pref_bt_eval_final(PG_FUNCTION_ARGS)
{
	double	   *s;
	char	   *json;
	char		ll[DOUBLE_SHORTEST_DECIMAL_LEN],
				acc[DOUBLE_SHORTEST_DECIMAL_LEN],
				br[DOUBLE_SHORTEST_DECIMAL_LEN];

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	s = EvalState(PG_GETARG_ARRAYTYPE_P(0));
	if (s[0] <= 0)
		PG_RETURN_NULL();
	double_to_shortest_decimal_buf(s[1] / s[0], ll);
	double_to_shortest_decimal_buf(s[2] / s[0], acc);
	double_to_shortest_decimal_buf(s[3] / s[0], br);
	json = psprintf("{\"rows\": %.0f, \"rows_skipped\": %.0f, \"log_loss\": %s, \"accuracy\": %s, \"brier\": %s}",
					s[0], s[4], ll, acc, br);
	return DirectFunctionCall1(jsonb_in, CStringGetDatum(json));
}
