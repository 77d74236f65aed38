/*
 * dpo_agg.c - parallel-safe aggregates of the DPO family: dpo_metrics
 * (trainer metrics, batch-level AOT), kto_metrics (KTO with its batch KL
 * reference point) and ranking_accuracy (Chen et al.'s idealized ranking
 * accuracy).  States are internal, live in the aggregate context, and
 * serialise to bytea with a version header for parallel workers.
 */
#include "postgres.h"

#include <float.h>
#include <math.h>

#include "access/htup_details.h"
#include "fmgr.h"
#include "nodes/primnodes.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/memutils.h"

#include "common.h"
#include "dpo.h"

#define DPO_AGG_VERSION		1
#define KTO_AGG_VERSION		1
#define RACC_AGG_VERSION	1

/* The part of the dpo_metrics state that is serialised as is */
typedef struct DpoAggFixed
{
	uint32		version;
	uint32		flags;			/* reserved, zero */
	DpoSpec		spec;			/* parameters of the first row (batch kinds) */
	int32		spec_set;
	int32		unused;			/* reserved, zero */
	int64		n;				/* rows used */
	int64		skipped;		/* rows with a NULL */
	int64		nbatch;			/* rows kept for batch kinds */
	double		sumw;
	double		sum_loss;
	double		sum_rc;			/* chosen rewards */
	double		sum_rr;
	double		sum_acc;
	double		sum_pc;
	double		sum_pr;
	double		mean_m;			/* weighted running mean of the reward margin */
	double		m2;				/* weighted sum of squared deviations */
} DpoAggFixed;

/* How a dpo_metrics state processes rows (decided at its first used row) */
#define DPO_MODE_UNKNOWN	0	/* no row used yet */
#define DPO_MODE_GENERAL	1	/* per-row arguments: parse (cached) and check */
#define DPO_MODE_CONST		2	/* constant beta / loss: spec parsed once */
#define DPO_MODE_SIGMOID	3	/* constant plain sigmoid, inlined */

/* Rows per shifted block of the margin variance (see MarginPush) */
#define DPO_MARGIN_BLOCK	4096

typedef struct DpoAggState
{
	DpoAggFixed f;
	DpoSpecCache cache;			/* per-backend parse cache, not serialised */
	double		checked_beta;	/* beta last checked with the cached spec */
	int64		cap;			/* capacity of batch, in rows */
	double	   *batch;			/* 4 doubles per row: pc, pr, rc, rr */
	int32		mode;			/* DPO_MODE_* */
	DpoSpec		cspec;			/* the constant spec (DPO_MODE_CONST, _SIGMOID) */
	/* margin rows not yet merged into f.mean_m / f.m2 (no division per row) */
	double		wm;				/* weight already merged into f.mean_m, f.m2 */
	int64		blk_n;			/* rows in the pending block */
	double		blk_shift;		/* shift K of the block */
	double		blk_w;			/* sum of w */
	double		blk_s1;			/* sum of w (m - K) */
	double		blk_s2;			/* sum of w (m - K)^2 */
} DpoAggState;

/*
 * Weighted mean and sum of squared deviations of the margins of a state,
 * including the pending block, merged with Chan et al.'s formula.  The
 * block's own moments come from sums shifted by K (the running mean when
 * the block started), so the cancellation in s2 - s1^2 / w is that of the
 * block's spread around the current mean only.
 */
static void
MarginTotals(const DpoAggState *st, double *w, double *mean, double *m2)
{
	double		bw,
				bmean,
				bm2,
				W,
				delta;

	*w = st->wm;
	*mean = st->f.mean_m;
	*m2 = st->f.m2;
	if (st->blk_n == 0)
		return;
	bw = st->blk_w;
	bmean = st->blk_shift + st->blk_s1 / bw;
	bm2 = st->blk_s2 - st->blk_s1 * st->blk_s1 / bw;
	if (bm2 < 0)
		bm2 = 0.0;
	if (st->wm <= 0)
	{
		*mean = bmean;
		*m2 = bm2;
	}
	else
	{
		W = st->wm + bw;
		delta = bmean - st->f.mean_m;
		*mean = st->f.mean_m + delta * bw / W;
		*m2 = st->f.m2 + bm2 + delta * delta * st->wm * bw / W;
	}
	*w = st->wm + bw;
}

/* Merge the pending margin block into f.mean_m / f.m2 */
static void
MarginFlush(DpoAggState *st)
{
	if (st->blk_n == 0)
		return;
	MarginTotals(st, &st->wm, &st->f.mean_m, &st->f.m2);
	st->blk_n = 0;
	st->blk_w = st->blk_s1 = st->blk_s2 = 0.0;
}

/* Add margin m with weight w: shifted sums, a division per block only */
static inline void
MarginPush(DpoAggState *st, double m, double w)
{
	double		d;

	if (st->blk_n == 0)
		st->blk_shift = st->wm > 0 ? st->f.mean_m : m;
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
		return false;			/* window aggregate: stay general */
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

/* Append one row to the batch buffer of a dpo_metrics state */
static void
BatchPush(DpoAggState *st, MemoryContext ctx, const DpoRow *r)
{
	if (st->f.nbatch >= st->cap)
	{
		int64		ncap = st->cap == 0 ? 1024 : st->cap * 2;

		PrefCheckMemory((double) ncap * 4 * sizeof(double), "dpo_metrics with a batch-level loss kind");
		if (st->batch == NULL)
			st->batch = MemoryContextAllocHuge(ctx, (Size) ncap * 4 * sizeof(double));
		else
			st->batch = repalloc_huge(st->batch, (Size) ncap * 4 * sizeof(double));
		st->cap = ncap;
	}
	st->batch[st->f.nbatch * 4 + 0] = r->pc;
	st->batch[st->f.nbatch * 4 + 1] = r->pr;
	st->batch[st->f.nbatch * 4 + 2] = r->rc;
	st->batch[st->f.nbatch * 4 + 3] = r->rr;
	st->f.nbatch++;
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

PG_FUNCTION_INFO_V1(pref_dpo_metrics_accum);

/* dpo_metrics transition: (state, pc, pr, rc, rr [, beta [, loss [, weight [, options]]]]) */
Datum
pref_dpo_metrics_accum(PG_FUNCTION_ARGS)
{
	DpoAggState *st = PG_ARGISNULL(0) ? NULL : (DpoAggState *) PG_GETARG_POINTER(0);
	int			nargs = PG_NARGS();
	DpoSpec		spec;
	DpoRow		row;
	double		w = 1.0,
				loss,
				rwc,
				rwr,
				m;
	int			rc;
	bool		anynull = false;
	bool		hit;

	if (st == NULL)
	{
		st = MemoryContextAllocZero(PrefAggContext(fcinfo, "pref_dpo_metrics_accum"), sizeof(DpoAggState));
		st->f.version = DPO_AGG_VERSION;
	}
	else if (st->mode >= DPO_MODE_CONST)
	{
		/* constant spec, checked at the first row: only the log-probs vary */
		if (PG_ARGISNULL(1) || PG_ARGISNULL(2) || PG_ARGISNULL(3) || PG_ARGISNULL(4))
		{
			st->f.skipped++;
			PG_RETURN_POINTER(st);
		}
		row.pc = PG_GETARG_FLOAT8(1);
		row.pr = PG_GETARG_FLOAT8(2);
		row.rc = PG_GETARG_FLOAT8(3);
		row.rr = PG_GETARG_FLOAT8(4);
		/* one test for all four; -inf and NaN fail it, overflow rechecks */
		if (unlikely(!(row.pc <= 0 && row.pr <= 0 && row.rc <= 0 && row.rr <= 0 &&
					   isfinite(row.pc + row.pr + row.rc + row.rr))))
		{
			DpoCheckLogp(row.pc, "policy_chosen_logp");
			DpoCheckLogp(row.pr, "policy_rejected_logp");
			DpoCheckLogp(row.rc, "ref_chosen_logp");
			DpoCheckLogp(row.rr, "ref_rejected_logp");
		}
		if (st->mode == DPO_MODE_SIGMOID)
		{
			/* TermLoss's sigmoid, reverse KL, label_smoothing 0: same bits */
			double		z = st->cspec.beta * ((row.pc - row.pr) - (row.rc - row.rr));

			if (z > DBL_MAX)
				z = DBL_MAX;
			else if (z < -DBL_MAX)
				z = -DBL_MAX;
			loss = SoftplusInline(-z);
			if (unlikely(!isfinite(loss)))
				DpoRowError(DPO_ERR_OVERFLOW, &st->cspec);
		}
		else
		{
			row.len_c = row.len_r = 0;
			rc = dpo_row_loss(&st->cspec, &row, &loss, NULL);
			if (rc != DPO_OK)
				DpoRowError(rc, &st->cspec);
		}
		rwc = st->cspec.beta * (row.pc - row.rc);
		rwr = st->cspec.beta * (row.pr - row.rr);
		st->f.n++;
		st->f.sumw += 1.0;
		st->f.sum_loss += loss;
		st->f.sum_rc += rwc;
		st->f.sum_rr += rwr;
		st->f.sum_acc += rwc > rwr ? 1.0 : 0.0;
		st->f.sum_pc += row.pc;
		st->f.sum_pr += row.pr;
		MarginPush(st, rwc - rwr, 1.0);
		PG_RETURN_POINTER(st);
	}
	for (int i = 1; i < nargs; i++)
		if (PG_ARGISNULL(i) && i != 8)	/* NULL options = defaults */
			anynull = true;
	if (anynull)
	{
		st->f.skipped++;
		PG_RETURN_POINTER(st);
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

	hit = DpoSpecFromText(&st->cache, nargs > 6 ? PG_GETARG_TEXT_PP(6) : NULL, NULL,
						  nargs > 8 && !PG_ARGISNULL(8) ? PG_GETARG_TEXT_PP(8) : NULL, &spec);
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
	if (!hit || spec.beta != st->checked_beta)
	{
		DpoCheckSpecOrError(&spec, false);
		st->checked_beta = spec.beta;
	}
	if (spec.has_batch_kind)
	{
		if (st->f.spec_set)
			CheckSameBatchSpec(&st->f.spec, &spec);
		if (w != 1.0)
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("batch-level loss kinds aot and aot_unpaired do not take weights")));
		BatchPush(st, PrefAggContext(fcinfo, "pref_dpo_metrics_accum"), &row);
	}
	if (!st->f.spec_set)
	{
		st->f.spec = spec;
		st->f.spec_set = 1;
	}
	else if (st->f.spec.has_batch_kind && !spec.has_batch_kind)
		CheckSameBatchSpec(&st->f.spec, &spec);

	rc = dpo_row_loss(&spec, &row, &loss, NULL);
	if (rc != DPO_OK)
		DpoRowError(rc, &spec);

	rwc = spec.beta * (row.pc - row.rc);
	rwr = spec.beta * (row.pr - row.rr);
	m = rwc - rwr;
	st->f.n++;
	st->f.sumw += w;
	st->f.sum_loss += w * loss;
	st->f.sum_rc += w * rwc;
	st->f.sum_rr += w * rwr;
	st->f.sum_acc += rwc > rwr ? w : 0.0;
	st->f.sum_pc += w * row.pc;
	st->f.sum_pr += w * row.pr;
	MarginPush(st, m, w);
	if (st->mode == DPO_MODE_UNKNOWN)
	{
		/* this row checked the spec; constant arguments keep it for good */
		st->mode = DPO_MODE_GENERAL;
		if (nargs <= 7 && !spec.has_batch_kind && ConstSpecArgs(fcinfo, nargs))
		{
			st->cspec = spec;
			st->mode = DPO_MODE_CONST;
			if (spec.nterms == 1 && spec.kind[0] == DPO_SIGMOID && spec.weight[0] == 1.0 &&
				spec.divergence == DPO_DIV_REVERSE_KL && spec.label_smoothing == 0)
				st->mode = DPO_MODE_SIGMOID;
		}
	}
	PG_RETURN_POINTER(st);
}

/* Copy a state into ctx (combine with an empty side) */
static DpoAggState *
CopyDpoState(const DpoAggState *src, MemoryContext ctx)
{
	DpoAggState *st = MemoryContextAllocZero(ctx, sizeof(DpoAggState));

	st->f = src->f;
	MarginTotals(src, &st->wm, &st->f.mean_m, &st->f.m2);
	if (src->f.nbatch > 0)
	{
		st->cap = src->f.nbatch;
		st->batch = MemoryContextAllocHuge(ctx, (Size) st->cap * 4 * sizeof(double));
		memcpy(st->batch, src->batch, (Size) src->f.nbatch * 4 * sizeof(double));
	}
	return st;
}

PG_FUNCTION_INFO_V1(pref_dpo_metrics_combine);

/* Merge two dpo_metrics states (Chan et al. for the margin variance) */
Datum
pref_dpo_metrics_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggctx = PrefAggContext(fcinfo, "pref_dpo_metrics_combine");
	DpoAggState *a = PG_ARGISNULL(0) ? NULL : (DpoAggState *) PG_GETARG_POINTER(0);
	DpoAggState *b = PG_ARGISNULL(1) ? NULL : (DpoAggState *) PG_GETARG_POINTER(1);
	double		W,
				delta,
				bw,
				bmean,
				bm2;

	if (b == NULL)
	{
		if (a == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(a);
	}
	if (a == NULL)
		PG_RETURN_POINTER(CopyDpoState(b, aggctx));

	if (b->f.spec_set)
	{
		if (!a->f.spec_set)
		{
			a->f.spec = b->f.spec;
			a->f.spec_set = 1;
		}
		else if (a->f.spec.has_batch_kind || b->f.spec.has_batch_kind)
			CheckSameBatchSpec(&a->f.spec, &b->f.spec);
	}
	a->f.skipped += b->f.skipped;
	MarginFlush(a);
	MarginTotals(b, &bw, &bmean, &bm2);
	if (bw > 0)
	{
		if (a->wm <= 0)
		{
			a->f.mean_m = bmean;
			a->f.m2 = bm2;
		}
		else
		{
			W = a->wm + bw;
			delta = bmean - a->f.mean_m;
			a->f.mean_m += delta * bw / W;
			a->f.m2 += bm2 + delta * delta * a->wm * bw / W;
		}
		a->wm += bw;
	}
	W = a->f.sumw + b->f.sumw;
	a->f.n += b->f.n;
	a->f.sumw = W;
	a->f.sum_loss += b->f.sum_loss;
	a->f.sum_rc += b->f.sum_rc;
	a->f.sum_rr += b->f.sum_rr;
	a->f.sum_acc += b->f.sum_acc;
	a->f.sum_pc += b->f.sum_pc;
	a->f.sum_pr += b->f.sum_pr;
	for (int64 i = 0; i < b->f.nbatch; i++)
	{
		DpoRow		r;

		r.pc = b->batch[i * 4];
		r.pr = b->batch[i * 4 + 1];
		r.rc = b->batch[i * 4 + 2];
		r.rr = b->batch[i * 4 + 3];
		BatchPush(a, aggctx, &r);
	}
	PG_RETURN_POINTER(a);
}

PG_FUNCTION_INFO_V1(pref_dpo_metrics_serialize);

/* Serialise a dpo_metrics state: fixed header, then the batch rows */
Datum
pref_dpo_metrics_serialize(PG_FUNCTION_ARGS)
{
	DpoAggState *st;
	DpoAggFixed f;
	Size		bsz,
				sz;
	bytea	   *out;
	double		mw;

	(void) PrefAggContext(fcinfo, "pref_dpo_metrics_serialize");
	st = (DpoAggState *) PG_GETARG_POINTER(0);
	bsz = (Size) st->f.nbatch * 4 * sizeof(double);
	sz = VARHDRSZ + sizeof(DpoAggFixed) + bsz;
	out = (bytea *) palloc_extended(sz, MCXT_ALLOC_HUGE);
	SET_VARSIZE(out, sz);
	f = st->f;
	MarginTotals(st, &mw, &f.mean_m, &f.m2);
	memcpy(VARDATA(out), &f, sizeof(DpoAggFixed));
	if (bsz > 0)
		memcpy(VARDATA(out) + sizeof(DpoAggFixed), st->batch, bsz);
	PG_RETURN_BYTEA_P(out);
}

PG_FUNCTION_INFO_V1(pref_dpo_metrics_deserialize);

/* Rebuild a dpo_metrics state, checking size and version */
Datum
pref_dpo_metrics_deserialize(PG_FUNCTION_ARGS)
{
	MemoryContext aggctx = PrefAggContext(fcinfo, "pref_dpo_metrics_deserialize");
	bytea	   *in = PG_GETARG_BYTEA_PP(0);
	Size		len = VARSIZE_ANY_EXHDR(in);
	DpoAggState *st;

	if (len < sizeof(DpoAggFixed))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("deserialized dpo_metrics state is truncated")));
	st = MemoryContextAllocZero(aggctx, sizeof(DpoAggState));
	memcpy(&st->f, VARDATA_ANY(in), sizeof(DpoAggFixed));
	if (st->f.version != DPO_AGG_VERSION)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("dpo_metrics state has version %u, expected %d", st->f.version, DPO_AGG_VERSION)));
	if (st->f.nbatch < 0 || st->f.n < 0 || st->f.skipped < 0 ||
		st->f.spec.nterms < 0 || st->f.spec.nterms > DPO_MAX_TERMS ||
		len != sizeof(DpoAggFixed) + (Size) st->f.nbatch * 4 * sizeof(double))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("deserialized dpo_metrics state has the wrong size")));
	st->wm = st->f.sumw;
	if (st->f.nbatch > 0)
	{
		st->cap = st->f.nbatch;
		st->batch = MemoryContextAllocHuge(aggctx, (Size) st->cap * 4 * sizeof(double));
		memcpy(st->batch, VARDATA_ANY(in) + sizeof(DpoAggFixed), (Size) st->f.nbatch * 4 * sizeof(double));
	}
	PG_RETURN_POINTER(st);
}

/* Build a composite result of the function's declared row type */
static Datum
MakeRow(FunctionCallInfo fcinfo, Datum *values, bool *nulls)
{
	TupleDesc	tupdesc;

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	tupdesc = BlessTupleDesc(tupdesc);
	return HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls));
}

/* Batch-level AOT terms of a state, on copies of the kept rows */
static double
BatchLoss(const DpoAggState *st)
{
	const DpoSpec *s = &st->f.spec;
	int64		n = st->f.nbatch;
	double		total = 0.0;
	double	   *a,
			   *b;

	if (n == 0)
		return 0.0;
	a = palloc_extended((Size) n * sizeof(double), MCXT_ALLOC_HUGE);
	b = palloc_extended((Size) n * sizeof(double), MCXT_ALLOC_HUGE);
	for (int t = 0; t < s->nterms; t++)
	{
		int			k = s->kind[t];

		if (k != DPO_AOT && k != DPO_AOT_UNPAIRED)
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

PG_FUNCTION_INFO_V1(pref_dpo_metrics_final);

/* dpo_metrics result: pref.dpo_stats */
Datum
pref_dpo_metrics_final(PG_FUNCTION_ARGS)
{
	DpoAggState *st;
	Datum		v[10];
	bool		nulls[10] = {false};
	double		W,
				mw,
				mean_m,
				m2;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	st = (DpoAggState *) PG_GETARG_POINTER(0);
	W = st->f.sumw;
	v[0] = Int64GetDatum(st->f.n);
	v[1] = Int64GetDatum(st->f.skipped);
	if (st->f.n == 0)
	{
		for (int i = 2; i < 10; i++)
			nulls[i] = true;
		PG_RETURN_DATUM(MakeRow(fcinfo, v, nulls));
	}
	v[2] = Float8GetDatum(st->f.sum_loss / W + BatchLoss(st));
	v[3] = Float8GetDatum(st->f.sum_rc / W);
	v[4] = Float8GetDatum(st->f.sum_rr / W);
	v[5] = Float8GetDatum(st->f.sum_acc / W);
	MarginTotals(st, &mw, &mean_m, &m2);
	v[6] = Float8GetDatum(mean_m);
	v[7] = Float8GetDatum(st->f.sum_pc / W);
	v[8] = Float8GetDatum(st->f.sum_pr / W);
	if (st->f.n < 2)
		nulls[9] = true;
	else
		v[9] = Float8GetDatum(sqrt(m2 / (W * (double) (st->f.n - 1) / (double) st->f.n)));
	PG_RETURN_DATUM(MakeRow(fcinfo, v, nulls));
}

/* ---- kto_metrics --------------------------------------------------------- */

typedef struct KtoAggFixed
{
	uint32		version;
	uint32		flags;			/* reserved, zero */
	int64		n;
	int64		skipped;
	int64		nd;				/* desirable rows kept */
	int64		nu;				/* undesirable rows kept */
	double		beta;
	double		dw;				/* desirable_weight */
	double		uw;				/* undesirable_weight */
	double		sum_kl;			/* sum of kl_policy - kl_ref */
	double		sum_pd;			/* policy log-probs, desirable */
	double		sum_pu;
} KtoAggFixed;

typedef struct KtoAggState
{
	KtoAggFixed f;
	int64		capd,
				capu;
	double	   *rd;				/* log-ratios of desirable rows */
	double	   *ru;				/* log-ratios of undesirable rows */
} KtoAggState;

/* Append x to a growing array in ctx */
static double *
PushDouble(double *arr, int64 *cap, int64 n, double x, MemoryContext ctx)
{
	if (n >= *cap)
	{
		int64		ncap = *cap == 0 ? 1024 : *cap * 2;

		PrefCheckMemory((double) ncap * sizeof(double), "kto_metrics");
		arr = arr == NULL ? MemoryContextAllocHuge(ctx, (Size) ncap * sizeof(double))
			: repalloc_huge(arr, (Size) ncap * sizeof(double));
		*cap = ncap;
	}
	arr[n] = x;
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

PG_FUNCTION_INFO_V1(pref_kto_metrics_accum);

/* kto_metrics transition: (state, logp, ref_logp, desirable, kl_logp, kl_ref_logp, beta, dw, uw) */
Datum
pref_kto_metrics_accum(PG_FUNCTION_ARGS)
{
	MemoryContext aggctx = PrefAggContext(fcinfo, "pref_kto_metrics_accum");
	KtoAggState *st = PG_ARGISNULL(0) ? NULL : (KtoAggState *) PG_GETARG_POINTER(0);
	int			nargs = PG_NARGS();
	double		p,
				r,
				kp,
				kr,
				beta = 0.1,
				dw = 1.0,
				uw = 1.0;
	bool		desirable;

	if (st == NULL)
	{
		st = MemoryContextAllocZero(aggctx, sizeof(KtoAggState));
		st->f.version = KTO_AGG_VERSION;
	}
	for (int i = 1; i < nargs; i++)
		if (PG_ARGISNULL(i))
		{
			st->f.skipped++;
			PG_RETURN_POINTER(st);
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
	if (st->f.n == 0)
	{
		st->f.beta = beta;
		st->f.dw = dw;
		st->f.uw = uw;
	}
	else
	{
		KtoSameParam(st->f.beta, beta, "beta");
		KtoSameParam(st->f.dw, dw, "desirable_weight");
		KtoSameParam(st->f.uw, uw, "undesirable_weight");
	}
	st->f.n++;
	st->f.sum_kl += kp - kr;
	if (desirable)
	{
		st->rd = PushDouble(st->rd, &st->capd, st->f.nd, p - r, aggctx);
		st->f.nd++;
		st->f.sum_pd += p;
	}
	else
	{
		st->ru = PushDouble(st->ru, &st->capu, st->f.nu, p - r, aggctx);
		st->f.nu++;
		st->f.sum_pu += p;
	}
	PG_RETURN_POINTER(st);
}

PG_FUNCTION_INFO_V1(pref_kto_metrics_combine);

/* Merge two kto_metrics states */
Datum
pref_kto_metrics_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggctx = PrefAggContext(fcinfo, "pref_kto_metrics_combine");
	KtoAggState *a = PG_ARGISNULL(0) ? NULL : (KtoAggState *) PG_GETARG_POINTER(0);
	KtoAggState *b = PG_ARGISNULL(1) ? NULL : (KtoAggState *) PG_GETARG_POINTER(1);

	if (b == NULL)
	{
		if (a == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(a);
	}
	if (a == NULL)
	{
		a = MemoryContextAllocZero(aggctx, sizeof(KtoAggState));
		a->f.version = KTO_AGG_VERSION;
	}
	if (a->f.n > 0 && b->f.n > 0)
	{
		KtoSameParam(a->f.beta, b->f.beta, "beta");
		KtoSameParam(a->f.dw, b->f.dw, "desirable_weight");
		KtoSameParam(a->f.uw, b->f.uw, "undesirable_weight");
	}
	else if (a->f.n == 0)
	{
		a->f.beta = b->f.beta;
		a->f.dw = b->f.dw;
		a->f.uw = b->f.uw;
	}
	a->f.n += b->f.n;
	a->f.skipped += b->f.skipped;
	a->f.sum_kl += b->f.sum_kl;
	a->f.sum_pd += b->f.sum_pd;
	a->f.sum_pu += b->f.sum_pu;
	for (int64 i = 0; i < b->f.nd; i++)
		a->rd = PushDouble(a->rd, &a->capd, a->f.nd++, b->rd[i], aggctx);
	for (int64 i = 0; i < b->f.nu; i++)
		a->ru = PushDouble(a->ru, &a->capu, a->f.nu++, b->ru[i], aggctx);
	PG_RETURN_POINTER(a);
}

PG_FUNCTION_INFO_V1(pref_kto_metrics_serialize);

/* Serialise a kto_metrics state: header, desirable then undesirable ratios */
Datum
pref_kto_metrics_serialize(PG_FUNCTION_ARGS)
{
	KtoAggState *st;
	Size		sz;
	bytea	   *out;
	char	   *p;

	(void) PrefAggContext(fcinfo, "pref_kto_metrics_serialize");
	st = (KtoAggState *) PG_GETARG_POINTER(0);
	sz = VARHDRSZ + sizeof(KtoAggFixed) + (Size) (st->f.nd + st->f.nu) * sizeof(double);
	out = (bytea *) palloc_extended(sz, MCXT_ALLOC_HUGE);
	SET_VARSIZE(out, sz);
	p = VARDATA(out);
	memcpy(p, &st->f, sizeof(KtoAggFixed));
	p += sizeof(KtoAggFixed);
	if (st->f.nd > 0)
		memcpy(p, st->rd, (Size) st->f.nd * sizeof(double));
	p += (Size) st->f.nd * sizeof(double);
	if (st->f.nu > 0)
		memcpy(p, st->ru, (Size) st->f.nu * sizeof(double));
	PG_RETURN_BYTEA_P(out);
}

PG_FUNCTION_INFO_V1(pref_kto_metrics_deserialize);

/* Rebuild a kto_metrics state, checking size and version */
Datum
pref_kto_metrics_deserialize(PG_FUNCTION_ARGS)
{
	MemoryContext aggctx = PrefAggContext(fcinfo, "pref_kto_metrics_deserialize");
	bytea	   *in = PG_GETARG_BYTEA_PP(0);
	Size		len = VARSIZE_ANY_EXHDR(in);
	const char *p = VARDATA_ANY(in);
	KtoAggState *st;

	if (len < sizeof(KtoAggFixed))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("deserialized kto_metrics state is truncated")));
	st = MemoryContextAllocZero(aggctx, sizeof(KtoAggState));
	memcpy(&st->f, p, sizeof(KtoAggFixed));
	p += sizeof(KtoAggFixed);
	if (st->f.version != KTO_AGG_VERSION || st->f.nd < 0 || st->f.nu < 0 ||
		len != sizeof(KtoAggFixed) + (Size) (st->f.nd + st->f.nu) * sizeof(double))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("deserialized kto_metrics state has the wrong size or version")));
	if (st->f.nd > 0)
	{
		st->capd = st->f.nd;
		st->rd = MemoryContextAllocHuge(aggctx, (Size) st->capd * sizeof(double));
		memcpy(st->rd, p, (Size) st->f.nd * sizeof(double));
		p += (Size) st->f.nd * sizeof(double);
	}
	if (st->f.nu > 0)
	{
		st->capu = st->f.nu;
		st->ru = MemoryContextAllocHuge(aggctx, (Size) st->capu * sizeof(double));
		memcpy(st->ru, p, (Size) st->f.nu * sizeof(double));
	}
	PG_RETURN_POINTER(st);
}

PG_FUNCTION_INFO_V1(pref_kto_metrics_final);

/* kto_metrics result: pref.kto_stats */
Datum
pref_kto_metrics_final(PG_FUNCTION_ARGS)
{
	KtoAggState *st;
	Datum		v[11];
	bool		nulls[11] = {false};
	double		kl,
				beta,
				sum = 0.0,
				src = 0.0,
				srr = 0.0;
	int64		n;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	st = (KtoAggState *) PG_GETARG_POINTER(0);
	n = st->f.n;
	beta = st->f.beta;
	v[0] = Int64GetDatum(n);
	v[1] = Int64GetDatum(st->f.skipped);
	v[2] = Int64GetDatum(st->f.nd);
	v[3] = Int64GetDatum(st->f.nu);
	if (n == 0)
	{
		for (int i = 4; i < 11; i++)
			nulls[i] = true;
		PG_RETURN_DATUM(MakeRow(fcinfo, v, nulls));
	}
	kl = st->f.sum_kl / (double) n;
	if (kl < 0)
		kl = 0.0;
	for (int64 i = 0; i < st->f.nd; i++)
	{
		sum += st->f.dw * dpo_sigmoid(-beta * (st->rd[i] - kl));
		src += beta * st->rd[i];
	}
	for (int64 i = 0; i < st->f.nu; i++)
	{
		sum += st->f.uw * dpo_sigmoid(-beta * (kl - st->ru[i]));
		srr += beta * st->ru[i];
	}
	v[4] = Float8GetDatum(kl);
	v[5] = Float8GetDatum(sum / (double) n);
	nulls[6] = nulls[8] = st->f.nd == 0;
	nulls[7] = nulls[9] = st->f.nu == 0;
	if (st->f.nd > 0)
	{
		v[6] = Float8GetDatum(src / (double) st->f.nd);
		v[8] = Float8GetDatum(st->f.sum_pd / (double) st->f.nd);
	}
	if (st->f.nu > 0)
	{
		v[7] = Float8GetDatum(srr / (double) st->f.nu);
		v[9] = Float8GetDatum(st->f.sum_pu / (double) st->f.nu);
	}
	nulls[10] = st->f.nd == 0 || st->f.nu == 0;
	if (!nulls[10])
		v[10] = Float8GetDatum(src / (double) st->f.nd - srr / (double) st->f.nu);
	PG_RETURN_DATUM(MakeRow(fcinfo, v, nulls));
}

/* ---- ranking_accuracy ---------------------------------------------------- */

typedef struct RaccState
{
	uint32		version;
	uint32		flags;			/* bit 0: reference given */
	int64		n;
	int64		skipped;
	int64		policy_ok;		/* pc > pr */
	int64		ref_ok;			/* rc > rr */
	int64		reward_ok;		/* pc - rc > pr - rr */
	int64		ideal_ok;		/* idealized DPO optimum ranks correctly */
} RaccState;

PG_FUNCTION_INFO_V1(pref_ranking_accuracy_accum);

/* ranking_accuracy transition: (state, pc, pr [, rc, rr, beta [, chosen_prob]]) */
Datum
pref_ranking_accuracy_accum(PG_FUNCTION_ARGS)
{
	MemoryContext aggctx = PrefAggContext(fcinfo, "pref_ranking_accuracy_accum");
	RaccState  *st = PG_ARGISNULL(0) ? NULL : (RaccState *) PG_GETARG_POINTER(0);
	int			nargs = PG_NARGS();
	double		pc,
				pr;

	if (st == NULL)
	{
		st = MemoryContextAllocZero(aggctx, sizeof(RaccState));
		st->version = RACC_AGG_VERSION;
	}
	for (int i = 1; i < nargs; i++)
		if (PG_ARGISNULL(i))
		{
			st->skipped++;
			PG_RETURN_POINTER(st);
		}
	pc = PG_GETARG_FLOAT8(1);
	pr = PG_GETARG_FLOAT8(2);
	DpoCheckLogp(pc, "policy_chosen_logp");
	DpoCheckLogp(pr, "policy_rejected_logp");
	st->n++;
	st->policy_ok += pc > pr;
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
		st->flags |= 1;
		st->ref_ok += rc > rr;
		st->reward_ok += (pc - rc) > (pr - rr);
		/* Chen et al.: log pi_ref(w) - log pi_ref(l) + log(p / (1 - p)) / beta > 0 */
		if (prob == 1.0)
			st->ideal_ok++;
		else
			st->ideal_ok += (rc - rr) + (log(prob) - log1p(-prob)) / beta > 0;
	}
	PG_RETURN_POINTER(st);
}

PG_FUNCTION_INFO_V1(pref_ranking_accuracy_combine);

/* Merge two ranking_accuracy states */
Datum
pref_ranking_accuracy_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggctx = PrefAggContext(fcinfo, "pref_ranking_accuracy_combine");
	RaccState  *a = PG_ARGISNULL(0) ? NULL : (RaccState *) PG_GETARG_POINTER(0);
	RaccState  *b = PG_ARGISNULL(1) ? NULL : (RaccState *) PG_GETARG_POINTER(1);

	if (b == NULL)
	{
		if (a == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(a);
	}
	if (a == NULL)
	{
		a = MemoryContextAlloc(aggctx, sizeof(RaccState));
		*a = *b;
		PG_RETURN_POINTER(a);
	}
	a->flags |= b->flags;
	a->n += b->n;
	a->skipped += b->skipped;
	a->policy_ok += b->policy_ok;
	a->ref_ok += b->ref_ok;
	a->reward_ok += b->reward_ok;
	a->ideal_ok += b->ideal_ok;
	PG_RETURN_POINTER(a);
}

PG_FUNCTION_INFO_V1(pref_ranking_accuracy_serialize);

/* Serialise a ranking_accuracy state */
Datum
pref_ranking_accuracy_serialize(PG_FUNCTION_ARGS)
{
	bytea	   *out;

	(void) PrefAggContext(fcinfo, "pref_ranking_accuracy_serialize");
	out = (bytea *) palloc(VARHDRSZ + sizeof(RaccState));
	SET_VARSIZE(out, VARHDRSZ + sizeof(RaccState));
	memcpy(VARDATA(out), PG_GETARG_POINTER(0), sizeof(RaccState));
	PG_RETURN_BYTEA_P(out);
}

PG_FUNCTION_INFO_V1(pref_ranking_accuracy_deserialize);

/* Rebuild a ranking_accuracy state, checking size and version */
Datum
pref_ranking_accuracy_deserialize(PG_FUNCTION_ARGS)
{
	MemoryContext aggctx = PrefAggContext(fcinfo, "pref_ranking_accuracy_deserialize");
	bytea	   *in = PG_GETARG_BYTEA_PP(0);
	RaccState  *st;

	if (VARSIZE_ANY_EXHDR(in) != sizeof(RaccState))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("deserialized ranking_accuracy state has the wrong size")));
	st = MemoryContextAlloc(aggctx, sizeof(RaccState));
	memcpy(st, VARDATA_ANY(in), sizeof(RaccState));
	if (st->version != RACC_AGG_VERSION)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("ranking_accuracy state has version %u, expected %d", st->version, RACC_AGG_VERSION)));
	PG_RETURN_POINTER(st);
}

PG_FUNCTION_INFO_V1(pref_ranking_accuracy_final);

/* ranking_accuracy result: pref.ranking_accuracy_stats */
Datum
pref_ranking_accuracy_final(PG_FUNCTION_ARGS)
{
	RaccState  *st;
	Datum		v[6];
	bool		nulls[6] = {false};

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	st = (RaccState *) PG_GETARG_POINTER(0);
	v[0] = Int64GetDatum(st->n);
	v[1] = Int64GetDatum(st->skipped);
	if (st->n == 0)
		nulls[2] = nulls[3] = nulls[4] = nulls[5] = true;
	else
	{
		v[2] = Float8GetDatum((double) st->policy_ok / (double) st->n);
		nulls[3] = nulls[4] = nulls[5] = !(st->flags & 1);
		v[3] = Float8GetDatum((double) st->ref_ok / (double) st->n);
		v[4] = Float8GetDatum((double) st->reward_ok / (double) st->n);
		v[5] = Float8GetDatum((double) st->ideal_ok / (double) st->n);
	}
	PG_RETURN_DATUM(MakeRow(fcinfo, v, nulls));
}
