/*
 * dpo_agg.c - parallel-safe aggregates of the DPO family: dpo_metrics
 * (trainer metrics, batch-level AOT), kto_metrics (KTO with its batch KL
 * reference point) and ranking_accuracy (Chen et al.'s idealized ranking
 * accuracy).  Their transition state is pref.dpo_state (dpo_state.c): an
 * expanded object updated in place, flattened only for output, send or
 * parallel workers.  Every SQL signature has its own entry point.
 */
#include "postgres.h"

#include <float.h>
#include <math.h>

#include "access/htup_details.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "nodes/primnodes.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/memutils.h"

#include "common.h"
#include "dpo.h"

/* Count a skipped row (a NULL argument) */
static inline void
SkipRow(DpoStateHead *h)
{
	h->skipped = DpoAddCount(h->skipped, 1);
}

/* Build a composite result of the function's declared row type */
static Datum
MakeRow(FunctionCallInfo fcinfo, Datum *values, bool *nulls)
{
	TupleDesc	tupdesc;

	tupdesc = PrefResultDesc(fcinfo);
	return HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls));
}

/* ---- dpo_metrics --------------------------------------------------------- */

/* How a dpo_metrics call site processes rows (decided at its first used row) */
#define DPO_MODE_UNKNOWN	0	/* no row used yet */
#define DPO_MODE_GENERAL	1	/* per-row arguments: parse (cached) and check */
#define DPO_MODE_CONST		2	/* constant beta / loss: spec parsed once */
#define DPO_MODE_SIGMOID	3	/* constant plain sigmoid, inlined */

/*
 * Per call site (fn_extra of the transition function), never in the
 * state: the parse cache, and for constant arguments the spec checked once.
 * Every state of the call site gets the same arguments, so a state read
 * from text continues on the fast path with the arguments of this call.
 */
typedef struct DpoCallSite
{
	DpoSpecCache cache;
	double		checked_beta;	/* beta last checked with the cached spec */
	int32		mode;			/* DPO_MODE_* */
	DpoSpec		cspec;			/* the constant spec (DPO_MODE_CONST, _SIGMOID) */
} DpoCallSite;

/* Merge the pending margin block into mean_m / m2 */
static void
MarginFlush(DpoAggState *st)
{
	if (st->blk_n == 0)
		return;
	DpoMarginTotals(st, &st->wm, &st->mean_m, &st->m2);
	st->blk_n = 0;
	st->blk_w = st->blk_s1 = st->blk_s2 = 0.0;
}

/* Add margin m with weight w: shifted sums, a division per block only */
static inline void
MarginPush(DpoAggState *st, double m, double w)
{
	double		d;

	if (st->blk_n == 0)
		st->blk_shift = st->wm > 0 ? st->mean_m : m;
	d = m - st->blk_shift;
	st->blk_w += w;
	st->blk_s1 += w * d;
	st->blk_s2 += w * d * d;
	if (++st->blk_n == DPO_MARGIN_BLOCK)
		MarginFlush(st);
}

/*
 * softplus(x) with the same bits as dpo_softplus, inlined and without its
 * data-dependent branch (a sign that mispredicts half the time): for
 * x > 0 it is x + log1p(exp(-x)); otherwise 0 + log1p(exp(x)), which is
 * log1p(exp(x)) exactly since that is positive.
 */
static inline double
SoftplusInline(double x)
{
	double		pos = x > 0 ? x : 0.0;

	return pos + log1p(exp(-fabs(x)));
}

/*
 * True when every argument after the four log-probabilities is a non-NULL
 * constant in the aggregate call, so the spec is the same for every row.
 */
static bool
ConstSpecArgs(FunctionCallInfo fcinfo, int nargs)
{
	Aggref	   *ag = AggGetAggref(fcinfo);
	ListCell   *lc;
	int			i = 0;

	if (ag == NULL)
		return false;			/* window aggregate or direct call: stay general */
	foreach(lc, ag->args)
	{
		TargetEntry *tle = lfirst_node(TargetEntry, lc);

		if (tle->resjunk)
			continue;
		if (i >= 4 && !(IsA(tle->expr, Const) && !((Const *) tle->expr)->constisnull))
			return false;
		i++;
	}
	return i == nargs - 1;
}

/* Append one row to the batch buffer of a dpo_metrics state (n rows so far) */
static void
BatchPush(DpoAggState *st, MemoryContext ctx, const double *r)
{
	int64		k = st->h.n;

	if (k >= st->cap)
	{
		int64		ncap = st->cap == 0 ? 1024 : Max(st->cap * 2, k + 1);

		PrefCheckMemory((double) ncap * 4 * sizeof(double), "dpo_metrics with a batch-level loss kind");
		if (st->batch == NULL)
			st->batch = MemoryContextAllocHuge(ctx, (Size) ncap * 4 * sizeof(double));
		else
			st->batch = repalloc_huge(st->batch, (Size) ncap * 4 * sizeof(double));
		st->cap = ncap;
	}
	memcpy(st->batch + k * 4, r, 4 * sizeof(double));
}

/* Ensure two specs agree where batch kinds need one value per group */
static void
CheckSameBatchSpec(const DpoSpec *a, const DpoSpec *b)
{
	if (a->beta != b->beta || a->label_smoothing != b->label_smoothing ||
		a->nterms != b->nterms ||
		memcmp(a->kind, b->kind, sizeof(int) * a->nterms) != 0 ||
		memcmp(a->weight, b->weight, sizeof(double) * a->nterms) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("beta, loss and label_smoothing must be the same for every row of a group with a batch-level loss kind"),
				 errdetail("Loss kinds aot and aot_unpaired sort the whole group.")));
}

/* Error for rows with and without a batch-level kind in one group */
static void
MixedBatchError(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("beta, loss and label_smoothing must be the same for every row of a group with a batch-level loss kind"),
			 errdetail("Loss kinds aot and aot_unpaired sort the whole group; this group also has rows with another loss.")));
}

/* Keep the batch loss of spec in a state that has no row yet */
static void
SetBatchSpec(DpoAggState *st, const DpoSpec *spec)
{
	dpo_spec_defaults(&st->bspec);
	st->bspec.nterms = spec->nterms;
	memcpy(st->bspec.kind, spec->kind, sizeof(spec->kind));
	memcpy(st->bspec.weight, spec->weight, sizeof(spec->weight));
	st->bspec.beta = spec->beta;
	st->bspec.label_smoothing = spec->label_smoothing;
	st->bspec.has_batch_kind = 1;
	st->batch_set = true;
}

/* Error for a reward that is not a finite double */
static void
RewardRangeError(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
			 errmsg("dpo reward is out of range for double precision"),
			 errdetail("beta times a log-ratio overflows."),
			 errhint("Use a smaller beta.")));
}

/* Add one used row's terms to the sums (row n of the state) */
static pg_attribute_always_inline void
DpoAddRow(DpoAggState *st, double beta, const DpoRow *row, double loss, double w)
{
	double		rwc = beta * (row->pc - row->rc);
	double		rwr = beta * (row->pr - row->rr);
	double		m = rwc - rwr;

	if (unlikely(!isfinite(m) || st->h.n == PG_INT64_MAX))
	{
		if (st->h.n == PG_INT64_MAX)
			(void) DpoAddCount(st->h.n, 1);
		RewardRangeError();
	}
	st->h.n++;
	st->sumw += w;
	st->sum_loss += w * loss;
	st->sum_rc += w * rwc;
	st->sum_rr += w * rwr;
	st->sum_acc += rwc > rwr ? w : 0.0;
	st->sum_pc += w * row->pc;
	st->sum_pr += w * row->pr;
	MarginPush(st, m, w);
}

/*
 * The state argument of a dpo_metrics transition, never NULL: the state of
 * the previous row (PrefStateArg's inline test), a validated flat input, or
 * a new state for a NULL one
 */
static pg_attribute_always_inline PrefState *
DpoMetricsStateArg(FunctionCallInfo fcinfo, DpoCallSite *cs, MemoryContext ctx)
{
	PrefState  *ps = PrefStateArg(fcinfo, 0, &DpoStateMethods, ctx);

	(void) cs;
	if (ps == NULL)
		return DpoStateNew(DPO_STATE_DPO, ctx);
	if (likely(((DpoStateHead *) ps->state)->kind == DPO_STATE_DPO))
		return ps;
	/* a state of another family: DpoStateArg names both in its error */
	return DpoStateArg(fcinfo, 0, DPO_STATE_DPO, ctx);
}

/*
 * dpo_metrics transition, general path: every argument read from the row
 * (beta, loss text through the call site's parse cache, weight, options).
 * ps is the state when the caller has it already, else NULL.  The first
 * row a call site uses decides whether the constant fast path applies.
 */
static pg_noinline Datum
DpoMetricsGeneral(FunctionCallInfo fcinfo, int nargs, PrefState *ps)
{
	MemoryContext ctx = DpoStateContext(fcinfo);
	DpoCallSite *cs = (DpoCallSite *) fcinfo->flinfo->fn_extra;
	DpoAggState *st;
	DpoSpec		spec;
	DpoRow		row;
	double		w = 1.0,
				loss;
	int			rc;
	bool		hit;

	if (cs == NULL)
	{
		cs = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(DpoCallSite));
		fcinfo->flinfo->fn_extra = cs;
	}
	if (ps == NULL)
		ps = DpoMetricsStateArg(fcinfo, cs, ctx);
	st = (DpoAggState *) ps->state;
	for (int i = 1; i < nargs; i++)
		if (PG_ARGISNULL(i) && i != 8)	/* NULL options = defaults */
		{
			SkipRow(&st->h);
			PG_RETURN_DATUM(PrefStateDatum(ps));
		}
	row.pc = PG_GETARG_FLOAT8(1);
	row.pr = PG_GETARG_FLOAT8(2);
	row.rc = PG_GETARG_FLOAT8(3);
	row.rr = PG_GETARG_FLOAT8(4);
	row.len_c = row.len_r = 0;
	DpoCheckLogp(row.pc, "policy_chosen_logp");
	DpoCheckLogp(row.pr, "policy_rejected_logp");
	DpoCheckLogp(row.rc, "ref_chosen_logp");
	DpoCheckLogp(row.rr, "ref_rejected_logp");

	hit = DpoSpecFromText(&cs->cache, nargs > 6 ? PG_GETARG_TEXT_PP(6) : NULL, NULL,
						  nargs > 8 && !PG_ARGISNULL(8) ? PG_GETARG_TEXT_PP(8) : NULL,
						  false, &spec);
	if (nargs > 5)
		spec.beta = PG_GETARG_FLOAT8(5);
	if (nargs > 7)
	{
		w = PG_GETARG_FLOAT8(7);
		if (isnan(w) || isinf(w) || w <= 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("weight must be positive and finite"),
					 errdetail("Got %s.", float8out_internal(w))));
	}
	/* a spec from the cache was checked already unless beta changed */
	if (!hit || spec.beta != cs->checked_beta)
	{
		DpoCheckSpecOrError(&spec, false);
		cs->checked_beta = spec.beta;
	}
	if (spec.has_batch_kind)
	{
		if (st->batch_set)
			CheckSameBatchSpec(&st->bspec, &spec);
		else if (st->h.n > 0)
			MixedBatchError();
		if (w != 1.0)
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("batch-level loss kinds aot and aot_unpaired do not take weights")));
	}
	else if (st->batch_set)
		MixedBatchError();

	rc = dpo_row_loss(&spec, &row, &loss, NULL);
	if (rc != DPO_OK)
		DpoRowError(rc, &spec);
	if (spec.has_batch_kind)
	{
		double		r[4] = {row.pc, row.pr, row.rc, row.rr};

		if (!st->batch_set)
			SetBatchSpec(st, &spec);
		BatchPush(st, PrefStateMemory(ps), r);
	}
	DpoAddRow(st, spec.beta, &row, loss, w);
	if (cs->mode == DPO_MODE_UNKNOWN)
	{
		/* this row checked the spec; constant arguments keep it for good */
		cs->mode = DPO_MODE_GENERAL;
		if (nargs <= 7 && !spec.has_batch_kind && ConstSpecArgs(fcinfo, nargs))
		{
			cs->cspec = spec;
			cs->mode = DPO_MODE_CONST;
			if (spec.nterms == 1 && spec.kind[0] == DPO_SIGMOID && spec.weight[0] == 1.0 &&
				spec.divergence == DPO_DIV_REVERSE_KL && spec.label_smoothing == 0)
				cs->mode = DPO_MODE_SIGMOID;
		}
	}
	PG_RETURN_DATUM(PrefStateDatum(ps));
}

/*
 * dpo_metrics transition for nargs SQL arguments (state, pc, pr, rc, rr
 * [, beta [, loss [, weight [, options]]]]); nargs is a constant in each
 * entry point.  When the call site's beta and loss are constants (checked
 * at its first row) only the log-probabilities vary: this path is inlined
 * in each entry point and keeps a small frame; the rest is general.
 */
static pg_attribute_always_inline Datum
DpoMetricsAccum(FunctionCallInfo fcinfo, int nargs)
{
	DpoCallSite *cs = (DpoCallSite *) fcinfo->flinfo->fn_extra;
	PrefState  *ps;
	DpoAggState *st;
	DpoRow		row;
	double		loss;
	int			rc;

	if (unlikely(cs == NULL || cs->mode < DPO_MODE_CONST))
		return DpoMetricsGeneral(fcinfo, nargs, NULL);
	ps = DpoMetricsStateArg(fcinfo, cs, DpoStateContext(fcinfo));
	st = (DpoAggState *) ps->state;
	if (unlikely(st->batch_set))
		return DpoMetricsGeneral(fcinfo, nargs, ps);	/* refuses the row */
	if (PG_ARGISNULL(1) || PG_ARGISNULL(2) || PG_ARGISNULL(3) || PG_ARGISNULL(4))
	{
		SkipRow(&st->h);
		PG_RETURN_DATUM(PrefStateDatum(ps));
	}
	row.pc = PG_GETARG_FLOAT8(1);
	row.pr = PG_GETARG_FLOAT8(2);
	row.rc = PG_GETARG_FLOAT8(3);
	row.rr = PG_GETARG_FLOAT8(4);
	row.len_c = row.len_r = 0;
	/* one test for all four; -inf and NaN fail it, overflow rechecks */
	if (unlikely(!(row.pc <= 0 && row.pr <= 0 && row.rc <= 0 && row.rr <= 0 &&
				   isfinite(row.pc + row.pr + row.rc + row.rr))))
	{
		DpoCheckLogp(row.pc, "policy_chosen_logp");
		DpoCheckLogp(row.pr, "policy_rejected_logp");
		DpoCheckLogp(row.rc, "ref_chosen_logp");
		DpoCheckLogp(row.rr, "ref_rejected_logp");
	}
	if (cs->mode == DPO_MODE_SIGMOID)
	{
		/* TermLoss's sigmoid, reverse KL, label_smoothing 0: same bits */
		double		z = cs->cspec.beta * ((row.pc - row.pr) - (row.rc - row.rr));

		if (z > DBL_MAX)
			z = DBL_MAX;
		else if (z < -DBL_MAX)
			z = -DBL_MAX;
		loss = SoftplusInline(-z);
		if (unlikely(!isfinite(loss)))
			DpoRowError(DPO_ERR_OVERFLOW, &cs->cspec);
	}
	else
	{
		rc = dpo_row_loss(&cs->cspec, &row, &loss, NULL);
		if (rc != DPO_OK)
			DpoRowError(rc, &cs->cspec);
	}
	DpoAddRow(st, cs->cspec.beta, &row, loss, 1.0);
	PG_RETURN_DATUM(PrefStateDatum(ps));
}

PG_FUNCTION_INFO_V1(pref_dpo_metrics_accum_default);

/* dpo_metrics transition: (state, pc, pr, rc, rr) */
Datum
pref_dpo_metrics_accum_default(PG_FUNCTION_ARGS)
{
	return DpoMetricsAccum(fcinfo, 5);
}

PG_FUNCTION_INFO_V1(pref_dpo_metrics_accum_beta);

/* dpo_metrics transition: (state, pc, pr, rc, rr, beta) */
Datum
pref_dpo_metrics_accum_beta(PG_FUNCTION_ARGS)
{
	return DpoMetricsAccum(fcinfo, 6);
}

PG_FUNCTION_INFO_V1(pref_dpo_metrics_accum_loss);

/* dpo_metrics transition: (state, pc, pr, rc, rr, beta, loss) */
Datum
pref_dpo_metrics_accum_loss(PG_FUNCTION_ARGS)
{
	return DpoMetricsAccum(fcinfo, 7);
}

PG_FUNCTION_INFO_V1(pref_dpo_metrics_accum_weight);

/* dpo_metrics transition: (state, pc, pr, rc, rr, beta, loss, weight) */
Datum
pref_dpo_metrics_accum_weight(PG_FUNCTION_ARGS)
{
	return DpoMetricsAccum(fcinfo, 8);
}

PG_FUNCTION_INFO_V1(pref_dpo_metrics_accum_options);

/* dpo_metrics transition: (state, pc, pr, rc, rr, beta, loss, weight, options) */
Datum
pref_dpo_metrics_accum_options(PG_FUNCTION_ARGS)
{
	return DpoMetricsAccum(fcinfo, 9);
}

/* Merge dpo_metrics state b into a (Chan et al. for the margin variance) */
static void
DpoMerge(DpoAggState *a, const DpoAggState *b, MemoryContext ctx)
{
	double		W,
				delta,
				bw,
				bmean,
				bm2;
	int64		n;

	if (a->h.n > 0 && b->h.n > 0)
	{
		if (a->batch_set != b->batch_set)
			MixedBatchError();
		if (a->batch_set)
			CheckSameBatchSpec(&a->bspec, &b->bspec);
	}
	n = DpoAddCount(a->h.n, b->h.n);
	a->h.skipped = DpoAddCount(a->h.skipped, b->h.skipped);
	if (b->h.n == 0)
		return;
	if (b->batch_set)
	{
		if (!a->batch_set)
			SetBatchSpec(a, &b->bspec);
		if (a->cap < n)
		{
			int64		ncap = Max(n, a->cap * 2);

			PrefCheckMemory((double) ncap * 4 * sizeof(double), "dpo_metrics with a batch-level loss kind");
			if (a->batch == NULL)
				a->batch = MemoryContextAllocHuge(ctx, (Size) ncap * 4 * sizeof(double));
			else
				a->batch = repalloc_huge(a->batch, (Size) ncap * 4 * sizeof(double));
			a->cap = ncap;
		}
		memcpy(a->batch + a->h.n * 4, b->batch, (Size) b->h.n * 4 * sizeof(double));
	}
	MarginFlush(a);
	DpoMarginTotals(b, &bw, &bmean, &bm2);
	if (a->wm <= 0)
	{
		a->mean_m = bmean;
		a->m2 = bm2;
	}
	else
	{
		W = a->wm + bw;
		delta = bmean - a->mean_m;
		a->mean_m += delta * bw / W;
		a->m2 += bm2 + delta * delta * a->wm * bw / W;
	}
	a->wm += bw;
	a->h.n = n;
	a->sumw = DpoAddSum(a->sumw, b->sumw);
	a->sum_loss = DpoAddSum(a->sum_loss, b->sum_loss);
	a->sum_rc = DpoAddSum(a->sum_rc, b->sum_rc);
	a->sum_rr = DpoAddSum(a->sum_rr, b->sum_rr);
	a->sum_acc = DpoAddSum(a->sum_acc, b->sum_acc);
	a->sum_pc = DpoAddSum(a->sum_pc, b->sum_pc);
	a->sum_pr = DpoAddSum(a->sum_pr, b->sum_pr);
	if (!isfinite(a->mean_m) || !isfinite(a->m2))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("pref.dpo_state sum is out of range for double precision"),
				 errdetail("Combining two states overflowed the margin variance.")));
}

PG_FUNCTION_INFO_V1(pref_dpo_metrics_combine_state);

/* dpo_metrics combine: NULL-safe merge of two states */
Datum
pref_dpo_metrics_combine_state(PG_FUNCTION_ARGS)
{
	MemoryContext ctx = DpoStateContext(fcinfo);
	PrefState  *ps = DpoStateArg(fcinfo, 0, DPO_STATE_DPO, ctx);
	const DpoAggState *b = DpoStateRead(fcinfo, 1, DPO_STATE_DPO);

	if (b == NULL)
	{
		if (ps == NULL)
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PrefStateDatum(ps));
	}
	if (ps == NULL)
		ps = DpoStateNew(DPO_STATE_DPO, ctx);
	DpoMerge((DpoAggState *) ps->state, b, PrefStateMemory(ps));
	PG_RETURN_DATUM(PrefStateDatum(ps));
}

/* Batch-level AOT terms of a state, on copies of the kept rows */
static double
BatchLoss(const DpoAggState *st)
{
	const DpoSpec *s = &st->bspec;
	int64		n = st->h.n;
	double		total = 0.0;
	double	   *a,
			   *b;

	if (!st->batch_set || n == 0)
		return 0.0;
	a = palloc_extended((Size) n * sizeof(double), MCXT_ALLOC_HUGE);
	b = palloc_extended((Size) n * sizeof(double), MCXT_ALLOC_HUGE);
	for (int t = 0; t < s->nterms; t++)
	{
		int			k = s->kind[t];

		if (!dpo_kind_is_batch(k))
			continue;
		for (int64 i = 0; i < n; i++)
		{
			const double *r = st->batch + i * 4;

			if (k == DPO_AOT)
			{
				a[i] = r[0] - r[1];
				b[i] = r[2] - r[3];
			}
			else
			{
				a[i] = r[0] - r[2];
				b[i] = r[1] - r[3];
			}
		}
		CHECK_FOR_INTERRUPTS();
		total += s->weight[t] * dpo_aot_mean(a, b, n, s->beta, s->label_smoothing);
	}
	pfree(a);
	pfree(b);
	return total;
}

PG_FUNCTION_INFO_V1(pref_dpo_metrics_final_state);

/* dpo_metrics result: pref.dpo_stats (NULL for no state) */
Datum
pref_dpo_metrics_final_state(PG_FUNCTION_ARGS)
{
	const DpoAggState *st = DpoStateRead(fcinfo, 0, DPO_STATE_DPO);
	Datum		v[10];
	bool		nulls[10] = {false};
	double		W,
				mw,
				mean_m,
				m2;

	if (st == NULL)
		PG_RETURN_NULL();
	W = st->sumw;
	v[0] = Int64GetDatum(st->h.n);
	v[1] = Int64GetDatum(st->h.skipped);
	if (st->h.n == 0)
	{
		for (int i = 2; i < 10; i++)
			nulls[i] = true;
		PG_RETURN_DATUM(MakeRow(fcinfo, v, nulls));
	}
	DpoMarginTotals(st, &mw, &mean_m, &m2);
	if (!isfinite(W) || !isfinite(st->sum_loss) || !isfinite(st->sum_rc) ||
		!isfinite(st->sum_rr) || !isfinite(st->sum_pc) || !isfinite(st->sum_pr) ||
		!isfinite(mean_m) || !isfinite(m2))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("dpo_metrics sums are out of range for double precision"),
				 errhint("Use a smaller beta or smaller weights.")));
	v[2] = Float8GetDatum(st->sum_loss / W + BatchLoss(st));
	v[3] = Float8GetDatum(st->sum_rc / W);
	v[4] = Float8GetDatum(st->sum_rr / W);
	v[5] = Float8GetDatum(st->sum_acc / W);
	v[6] = Float8GetDatum(mean_m);
	v[7] = Float8GetDatum(st->sum_pc / W);
	v[8] = Float8GetDatum(st->sum_pr / W);
	if (st->h.n < 2)
		nulls[9] = true;
	else
		v[9] = Float8GetDatum(sqrt(m2 / (W * (double) (st->h.n - 1) / (double) st->h.n)));
	PG_RETURN_DATUM(MakeRow(fcinfo, v, nulls));
}

/* ---- kto_metrics --------------------------------------------------------- */

/* Append x to a growing array in ctx */
static double *
PushDouble(double *arr, int64 *cap, int64 n, double x, MemoryContext ctx)
{
	if (n >= *cap)
	{
		int64		ncap = *cap == 0 ? 1024 : Max(*cap * 2, n + 1);

		PrefCheckMemory((double) ncap * sizeof(double), "kto_metrics");
		arr = arr == NULL ? MemoryContextAllocHuge(ctx, (Size) ncap * sizeof(double))
			: repalloc_huge(arr, (Size) ncap * sizeof(double));
		*cap = ncap;
	}
	arr[n] = x;
	return arr;
}

/* Append count values to a growing array in ctx */
static double *
PushDoubles(double *arr, int64 *cap, int64 n, const double *x, int64 count, MemoryContext ctx)
{
	int64		need = DpoAddCount(n, count);

	if (count == 0)
		return arr;
	if (need > *cap)
	{
		PrefCheckMemory((double) need * sizeof(double), "kto_metrics");
		arr = arr == NULL ? MemoryContextAllocHuge(ctx, (Size) need * sizeof(double))
			: repalloc_huge(arr, (Size) need * sizeof(double));
		*cap = need;
	}
	memcpy(arr + n, x, (Size) count * sizeof(double));
	return arr;
}

/* Ensure a KTO parameter agrees with the group's first row */
static void
KtoSameParam(double have, double got, const char *name)
{
	if (have != got)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be the same for every row of a kto_metrics group", name),
				 errdetail("Got %s and %s.", float8out_internal(have), float8out_internal(got))));
}

/*
 * kto_metrics transition for nargs SQL arguments (state, logp, ref_logp,
 * desirable, kl_logp, kl_ref_logp [, beta [, dw, uw]])
 */
static pg_attribute_always_inline Datum
KtoMetricsAccum(FunctionCallInfo fcinfo, int nargs)
{
	MemoryContext ctx = DpoStateContext(fcinfo);
	PrefState  *ps = DpoStateArg(fcinfo, 0, DPO_STATE_KTO, ctx);
	KtoAggState *st;
	double		p,
				r,
				kp,
				kr,
				beta = 0.1,
				dw = 1.0,
				uw = 1.0;
	bool		desirable;

	if (ps == NULL)
		ps = DpoStateNew(DPO_STATE_KTO, ctx);
	st = (KtoAggState *) ps->state;
	for (int i = 1; i < nargs; i++)
		if (PG_ARGISNULL(i))
		{
			SkipRow(&st->h);
			PG_RETURN_DATUM(PrefStateDatum(ps));
		}
	p = PG_GETARG_FLOAT8(1);
	r = PG_GETARG_FLOAT8(2);
	desirable = PG_GETARG_BOOL(3);
	kp = PG_GETARG_FLOAT8(4);
	kr = PG_GETARG_FLOAT8(5);
	if (nargs > 6)
		beta = PG_GETARG_FLOAT8(6);
	if (nargs > 7)
	{
		dw = PG_GETARG_FLOAT8(7);
		uw = PG_GETARG_FLOAT8(8);
	}
	DpoCheckLogp(p, "policy_logp");
	DpoCheckLogp(r, "ref_logp");
	DpoCheckLogp(kp, "kl_policy_logp");
	DpoCheckLogp(kr, "kl_ref_logp");
	if (isnan(beta) || isinf(beta) || beta <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("beta must be positive and finite"),
				 errdetail("Got %s.", float8out_internal(beta))));
	if (isnan(dw) || isinf(dw) || dw < 0 || isnan(uw) || isinf(uw) || uw < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("desirable_weight and undesirable_weight must be finite and non-negative")));
	if (st->h.n == 0)
	{
		st->beta = beta;
		st->dw = dw;
		st->uw = uw;
	}
	else
	{
		KtoSameParam(st->beta, beta, "beta");
		KtoSameParam(st->dw, dw, "desirable_weight");
		KtoSameParam(st->uw, uw, "undesirable_weight");
	}
	st->h.n = DpoAddCount(st->h.n, 1);
	st->sum_kl += kp - kr;
	if (desirable)
	{
		st->rd = PushDouble(st->rd, &st->capd, st->nd, p - r, PrefStateMemory(ps));
		st->nd++;
		st->sum_pd += p;
	}
	else
	{
		st->ru = PushDouble(st->ru, &st->capu, st->nu, p - r, PrefStateMemory(ps));
		st->nu++;
		st->sum_pu += p;
	}
	PG_RETURN_DATUM(PrefStateDatum(ps));
}

PG_FUNCTION_INFO_V1(pref_kto_metrics_accum_default);

/* kto_metrics transition: (state, logp, ref_logp, desirable, kl_logp, kl_ref_logp) */
Datum
pref_kto_metrics_accum_default(PG_FUNCTION_ARGS)
{
	return KtoMetricsAccum(fcinfo, 6);
}

PG_FUNCTION_INFO_V1(pref_kto_metrics_accum_beta);

/* kto_metrics transition: (..., beta) */
Datum
pref_kto_metrics_accum_beta(PG_FUNCTION_ARGS)
{
	return KtoMetricsAccum(fcinfo, 7);
}

PG_FUNCTION_INFO_V1(pref_kto_metrics_accum_weights);

/* kto_metrics transition: (..., beta, desirable_weight, undesirable_weight) */
Datum
pref_kto_metrics_accum_weights(PG_FUNCTION_ARGS)
{
	return KtoMetricsAccum(fcinfo, 9);
}

PG_FUNCTION_INFO_V1(pref_kto_metrics_combine_state);

/* kto_metrics combine: NULL-safe merge of two states */
Datum
pref_kto_metrics_combine_state(PG_FUNCTION_ARGS)
{
	MemoryContext ctx = DpoStateContext(fcinfo);
	PrefState  *ps = DpoStateArg(fcinfo, 0, DPO_STATE_KTO, ctx);
	const KtoAggState *b = DpoStateRead(fcinfo, 1, DPO_STATE_KTO);
	KtoAggState *a;

	if (b == NULL)
	{
		if (ps == NULL)
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PrefStateDatum(ps));
	}
	if (ps == NULL)
		ps = DpoStateNew(DPO_STATE_KTO, ctx);
	a = (KtoAggState *) ps->state;
	if (a->h.n > 0 && b->h.n > 0)
	{
		KtoSameParam(a->beta, b->beta, "beta");
		KtoSameParam(a->dw, b->dw, "desirable_weight");
		KtoSameParam(a->uw, b->uw, "undesirable_weight");
	}
	else if (a->h.n == 0)
	{
		a->beta = b->beta;
		a->dw = b->dw;
		a->uw = b->uw;
	}
	a->h.n = DpoAddCount(a->h.n, b->h.n);
	a->h.skipped = DpoAddCount(a->h.skipped, b->h.skipped);
	a->sum_kl = DpoAddSum(a->sum_kl, b->sum_kl);
	a->sum_pd = DpoAddSum(a->sum_pd, b->sum_pd);
	a->sum_pu = DpoAddSum(a->sum_pu, b->sum_pu);
	a->rd = PushDoubles(a->rd, &a->capd, a->nd, b->rd, b->nd, PrefStateMemory(ps));
	a->nd += b->nd;
	a->ru = PushDoubles(a->ru, &a->capu, a->nu, b->ru, b->nu, PrefStateMemory(ps));
	a->nu += b->nu;
	PG_RETURN_DATUM(PrefStateDatum(ps));
}

PG_FUNCTION_INFO_V1(pref_kto_metrics_final_state);

/* kto_metrics result: pref.kto_stats (NULL for no state) */
Datum
pref_kto_metrics_final_state(PG_FUNCTION_ARGS)
{
	const KtoAggState *st = DpoStateRead(fcinfo, 0, DPO_STATE_KTO);
	Datum		v[11];
	bool		nulls[11] = {false};
	double		kl,
				beta,
				sum = 0.0,
				src = 0.0,
				srr = 0.0;
	int64		n;

	if (st == NULL)
		PG_RETURN_NULL();
	n = st->h.n;
	beta = st->beta;
	v[0] = Int64GetDatum(n);
	v[1] = Int64GetDatum(st->h.skipped);
	v[2] = Int64GetDatum(st->nd);
	v[3] = Int64GetDatum(st->nu);
	if (n == 0)
	{
		for (int i = 4; i < 11; i++)
			nulls[i] = true;
		PG_RETURN_DATUM(MakeRow(fcinfo, v, nulls));
	}
	if (!isfinite(st->sum_kl) || !isfinite(st->sum_pd) || !isfinite(st->sum_pu))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("kto_metrics sums are out of range for double precision")));
	kl = st->sum_kl / (double) n;
	if (kl < 0)
		kl = 0.0;
	for (int64 i = 0; i < st->nd; i++)
	{
		sum += st->dw * dpo_sigmoid(-beta * (st->rd[i] - kl));
		src += beta * st->rd[i];
	}
	for (int64 i = 0; i < st->nu; i++)
	{
		sum += st->uw * dpo_sigmoid(-beta * (kl - st->ru[i]));
		srr += beta * st->ru[i];
	}
	v[4] = Float8GetDatum(kl);
	v[5] = Float8GetDatum(sum / (double) n);
	nulls[6] = nulls[8] = st->nd == 0;
	nulls[7] = nulls[9] = st->nu == 0;
	if (st->nd > 0)
	{
		v[6] = Float8GetDatum(src / (double) st->nd);
		v[8] = Float8GetDatum(st->sum_pd / (double) st->nd);
	}
	if (st->nu > 0)
	{
		v[7] = Float8GetDatum(srr / (double) st->nu);
		v[9] = Float8GetDatum(st->sum_pu / (double) st->nu);
	}
	nulls[10] = st->nd == 0 || st->nu == 0;
	if (!nulls[10])
		v[10] = Float8GetDatum(src / (double) st->nd - srr / (double) st->nu);
	PG_RETURN_DATUM(MakeRow(fcinfo, v, nulls));
}

/* ---- ranking_accuracy ---------------------------------------------------- */

/* Error for states with and without reference log-probabilities */
static void
MixedReferenceError(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("ranking_accuracy rows with and without reference log-probabilities cannot be combined"),
			 errdetail("The reference, reward and idealized accuracies need reference log-probabilities for every row."),
			 errhint("Combine states of the same form of pref.ranking_accuracy.")));
}

/*
 * ranking_accuracy transition for nargs SQL arguments (state, pc, pr
 * [, rc, rr, beta [, chosen_prob]])
 */
static pg_attribute_always_inline Datum
RankingAccuracyAccum(FunctionCallInfo fcinfo, int nargs)
{
	MemoryContext ctx = DpoStateContext(fcinfo);
	PrefState  *ps = DpoStateArg(fcinfo, 0, DPO_STATE_RACC, ctx);
	RaccState  *st;
	double		pc,
				pr;

	if (ps == NULL)
		ps = DpoStateNew(DPO_STATE_RACC, ctx);
	st = (RaccState *) ps->state;
	for (int i = 1; i < nargs; i++)
		if (PG_ARGISNULL(i))
		{
			SkipRow(&st->h);
			PG_RETURN_DATUM(PrefStateDatum(ps));
		}
	pc = PG_GETARG_FLOAT8(1);
	pr = PG_GETARG_FLOAT8(2);
	DpoCheckLogp(pc, "policy_chosen_logp");
	DpoCheckLogp(pr, "policy_rejected_logp");
	if (st->h.n > 0 && ((st->flags & RACC_FLAG_REF) != 0) != (nargs > 3))
		MixedReferenceError();
	if (nargs > 3)
	{
		double		rc = PG_GETARG_FLOAT8(3),
					rr = PG_GETARG_FLOAT8(4),
					beta = PG_GETARG_FLOAT8(5),
					prob = nargs > 6 ? PG_GETARG_FLOAT8(6) : 1.0;

		DpoCheckLogp(rc, "ref_chosen_logp");
		DpoCheckLogp(rr, "ref_rejected_logp");
		if (isnan(beta) || isinf(beta) || beta <= 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("beta must be positive and finite"),
					 errdetail("Got %s.", float8out_internal(beta))));
		if (!(prob > 0 && prob <= 1))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("chosen_prob must be in (0, 1]"),
					 errdetail("Got %s.", float8out_internal(prob)),
					 errhint("Pass the fraction of raters who preferred the chosen response.")));
		st->flags |= RACC_FLAG_REF;
		st->ref_ok += rc > rr;
		st->reward_ok += (pc - rc) > (pr - rr);
		/* Chen et al.: log pi_ref(w) - log pi_ref(l) + log(p / (1 - p)) / beta > 0 */
		if (prob == 1.0)
			st->ideal_ok++;
		else
			st->ideal_ok += (rc - rr) + (log(prob) - log1p(-prob)) / beta > 0;
	}
	st->h.n = DpoAddCount(st->h.n, 1);
	st->policy_ok += pc > pr;
	PG_RETURN_DATUM(PrefStateDatum(ps));
}

PG_FUNCTION_INFO_V1(pref_ranking_accuracy_accum_policy);

/* ranking_accuracy transition: (state, pc, pr) */
Datum
pref_ranking_accuracy_accum_policy(PG_FUNCTION_ARGS)
{
	return RankingAccuracyAccum(fcinfo, 3);
}

PG_FUNCTION_INFO_V1(pref_ranking_accuracy_accum_ref);

/* ranking_accuracy transition: (state, pc, pr, rc, rr, beta) */
Datum
pref_ranking_accuracy_accum_ref(PG_FUNCTION_ARGS)
{
	return RankingAccuracyAccum(fcinfo, 6);
}

PG_FUNCTION_INFO_V1(pref_ranking_accuracy_accum_prob);

/* ranking_accuracy transition: (state, pc, pr, rc, rr, beta, chosen_prob) */
Datum
pref_ranking_accuracy_accum_prob(PG_FUNCTION_ARGS)
{
	return RankingAccuracyAccum(fcinfo, 7);
}

PG_FUNCTION_INFO_V1(pref_ranking_accuracy_combine_state);

/* ranking_accuracy combine: NULL-safe merge of two states */
Datum
pref_ranking_accuracy_combine_state(PG_FUNCTION_ARGS)
{
	MemoryContext ctx = DpoStateContext(fcinfo);
	PrefState  *ps = DpoStateArg(fcinfo, 0, DPO_STATE_RACC, ctx);
	const RaccState *b = DpoStateRead(fcinfo, 1, DPO_STATE_RACC);
	RaccState  *a;

	if (b == NULL)
	{
		if (ps == NULL)
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PrefStateDatum(ps));
	}
	if (ps == NULL)
		ps = DpoStateNew(DPO_STATE_RACC, ctx);
	a = (RaccState *) ps->state;
	if (a->h.n > 0 && b->h.n > 0 && a->flags != b->flags)
		MixedReferenceError();
	a->flags |= b->flags;
	a->h.n = DpoAddCount(a->h.n, b->h.n);
	a->h.skipped = DpoAddCount(a->h.skipped, b->h.skipped);
	a->policy_ok += b->policy_ok;	/* each <= n: no overflow */
	a->ref_ok += b->ref_ok;
	a->reward_ok += b->reward_ok;
	a->ideal_ok += b->ideal_ok;
	PG_RETURN_DATUM(PrefStateDatum(ps));
}

PG_FUNCTION_INFO_V1(pref_ranking_accuracy_final_state);

/* ranking_accuracy result: pref.ranking_accuracy_stats (NULL for no state) */
Datum
pref_ranking_accuracy_final_state(PG_FUNCTION_ARGS)
{
	const RaccState *st = DpoStateRead(fcinfo, 0, DPO_STATE_RACC);
	Datum		v[6];
	bool		nulls[6] = {false};
	double		n;

	if (st == NULL)
		PG_RETURN_NULL();
	v[0] = Int64GetDatum(st->h.n);
	v[1] = Int64GetDatum(st->h.skipped);
	if (st->h.n == 0)
	{
		nulls[2] = nulls[3] = nulls[4] = nulls[5] = true;
		PG_RETURN_DATUM(MakeRow(fcinfo, v, nulls));
	}
	n = (double) st->h.n;
	v[2] = Float8GetDatum((double) st->policy_ok / n);
	nulls[3] = nulls[4] = nulls[5] = !(st->flags & RACC_FLAG_REF);
	v[3] = Float8GetDatum((double) st->ref_ok / n);
	v[4] = Float8GetDatum((double) st->reward_ok / n);
	v[5] = Float8GetDatum((double) st->ideal_ok / n);
	PG_RETURN_DATUM(MakeRow(fcinfo, v, nulls));
}
