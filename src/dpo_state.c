/*
 * dpo_state.c - pref.dpo_state, the transition state of pref.dpo_metrics,
 * pref.kto_metrics and pref.ranking_accuracy (see src/state.h): its flat
 * form, the validator every input goes through, text and binary I/O, and
 * the state arguments of the support functions (dpo_agg.c).
 *
 * One type serves the three families; a kind byte says which built a
 * state, and every support function checks it.  Sums and counts make the
 * state fixed-size, except where the mathematics needs the rows
 * themselves: aot kinds sort the whole group, and KTO's loss depends on
 * the group's mean KL, known only at the end.
 *
 * Flat layout (no padding; the machine's byte order, little-endian on
 * x86-64 and arm64, as every pgpref state):
 *   common   uint8 version (1), uint8 kind, uint16 reserved (0),
 *            uint32 flags, int64 n (rows used), int64 skipped (rows with a NULL)
 *   kind 1, dpo_metrics (flags bit 0: an aot kind, rows kept):
 *            float8 sumw, sum_loss, sum_rc, sum_rr, sum_acc, sum_pc, sum_pr,
 *                   mean_m, m2 (margin mean and sum of squared deviations);
 *            batch loss: uint8 nterms, uint8 kind[8], uint8 reserved[7] (0),
 *                   float8 weight[8], beta, label_smoothing (all 0 unless bit 0);
 *            with bit 0, n rows of float8 pc, pr, rc, rr
 *   kind 2, kto_metrics (flags 0):
 *            int64 nd, nu; float8 beta, dw, uw, sum_kl, sum_pd, sum_pu;
 *            float8 log-ratios of the nd desirable, then the nu undesirable rows
 *   kind 3, ranking_accuracy (flags bit 0: reference log-probs given):
 *            int64 policy_ok, ref_ok, reward_ok, ideal_ok
 */
#include "postgres.h"

#include <math.h>

#include "fmgr.h"
#include "lib/stringinfo.h"
#include "utils/memutils.h"

#include "dpo.h"

#define DPO_STATE_VERSION	1
#define DPO_STATE_NAME		"pref.dpo_state"

/* Bytes of the flat forms before any kept rows (layout above) */
#define FLAT_HEAD_SIZE		24
#define FLAT_DPO_SIZE		(FLAT_HEAD_SIZE + 9 * 8 + 16 + (DPO_MAX_TERMS + 2) * 8)
#define FLAT_KTO_SIZE		(FLAT_HEAD_SIZE + 2 * 8 + 6 * 8)
#define FLAT_RACC_SIZE		(FLAT_HEAD_SIZE + 4 * 8)

static struct varlena *DpoStateFlatten(void *state);
static void *DpoStateExpand(const struct varlena *flat, MemoryContext ctx);

const PrefStateMethods DpoStateMethods = {
	DPO_STATE_NAME,
	DpoStateFlatten,
	DpoStateExpand
};

static const char *const STATE_KIND_NAMES[] = {
	"", "dpo_metrics", "kto_metrics", "ranking_accuracy"
};

/* ---- flat form ----------------------------------------------------------- */

/* Append bytes at p; return the next position */
static inline char *
Put(char *p, const void *src, Size n)
{
	memcpy(p, src, n);
	return p + n;
}

/*
 * Weighted mean and sum of squared deviations of the margins of a state,
 * including the pending block, merged with Chan et al.'s formula.  The
 * block's own moments come from sums shifted by K (the running mean when
 * the block started), so the cancellation in s2 - s1^2 / w is that of the
 * block's spread around the current mean only.
 */
void
DpoMarginTotals(const DpoAggState *st, double *w, double *mean, double *m2)
{
	double		bw,
				bmean,
				bm2,
				W,
				delta;

	*w = st->wm;
	*mean = st->mean_m;
	*m2 = st->m2;
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
		delta = bmean - st->mean_m;
		*mean = st->mean_m + delta * bw / W;
		*m2 = st->m2 + bm2 + delta * delta * st->wm * bw / W;
	}
	*w = st->wm + bw;
}

/* Write the common header */
static char *
PutHead(char *p, const DpoStateHead *h, uint32 flags)
{
	uint8		version = DPO_STATE_VERSION;
	uint8		kind = (uint8) h->kind;
	uint16		reserved = 0;

	p = Put(p, &version, 1);
	p = Put(p, &kind, 1);
	p = Put(p, &reserved, 2);
	p = Put(p, &flags, 4);
	p = Put(p, &h->n, 8);
	return Put(p, &h->skipped, 8);
}

/* Flat form of a dpo_metrics state (pending margin block merged) */
static struct varlena *
FlattenDpo(const DpoAggState *st)
{
	Size		rows = st->batch_set ? (Size) st->h.n : 0;
	Size		sz = VARHDRSZ + FLAT_DPO_SIZE + rows * 4 * sizeof(double);
	struct varlena *flat = palloc_extended(sz, MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);
	char	   *p = VARDATA(flat);
	double		sums[9],
				mw;
	uint8		nterms = 0,
				kinds[DPO_MAX_TERMS + 7] = {0};
	double		spec[DPO_MAX_TERMS + 2] = {0};

	SET_VARSIZE(flat, sz);
	p = PutHead(p, &st->h, st->batch_set ? DPO_FLAG_BATCH : 0);
	sums[0] = st->sumw;
	sums[1] = st->sum_loss;
	sums[2] = st->sum_rc;
	sums[3] = st->sum_rr;
	sums[4] = st->sum_acc;
	sums[5] = st->sum_pc;
	sums[6] = st->sum_pr;
	DpoMarginTotals(st, &mw, &sums[7], &sums[8]);
	p = Put(p, sums, sizeof(sums));
	if (st->batch_set)
	{
		nterms = (uint8) st->bspec.nterms;
		for (int t = 0; t < st->bspec.nterms; t++)
		{
			kinds[t] = (uint8) st->bspec.kind[t];
			spec[t] = st->bspec.weight[t];
		}
		spec[DPO_MAX_TERMS] = st->bspec.beta;
		spec[DPO_MAX_TERMS + 1] = st->bspec.label_smoothing;
	}
	p = Put(p, &nterms, 1);
	p = Put(p, kinds, sizeof(kinds));
	p = Put(p, spec, sizeof(spec));
	if (rows > 0)
		p = Put(p, st->batch, rows * 4 * sizeof(double));
	Assert(p == (char *) flat + sz);
	return flat;
}

/* Flat form of a kto_metrics state */
static struct varlena *
FlattenKto(const KtoAggState *st)
{
	Size		sz = VARHDRSZ + FLAT_KTO_SIZE + (Size) (st->nd + st->nu) * sizeof(double);
	struct varlena *flat = palloc_extended(sz, MCXT_ALLOC_HUGE);
	char	   *p = VARDATA(flat);
	double		v[6] = {st->beta, st->dw, st->uw, st->sum_kl, st->sum_pd, st->sum_pu};

	SET_VARSIZE(flat, sz);
	p = PutHead(p, &st->h, 0);
	p = Put(p, &st->nd, 8);
	p = Put(p, &st->nu, 8);
	p = Put(p, v, sizeof(v));
	if (st->nd > 0)
		p = Put(p, st->rd, (Size) st->nd * sizeof(double));
	if (st->nu > 0)
		p = Put(p, st->ru, (Size) st->nu * sizeof(double));
	Assert(p == (char *) flat + sz);
	return flat;
}

/* Flat form of a ranking_accuracy state */
static struct varlena *
FlattenRacc(const RaccState *st)
{
	Size		sz = VARHDRSZ + FLAT_RACC_SIZE;
	struct varlena *flat = palloc(sz);
	char	   *p = VARDATA(flat);

	SET_VARSIZE(flat, sz);
	p = PutHead(p, &st->h, st->flags);
	p = Put(p, &st->policy_ok, 8);
	p = Put(p, &st->ref_ok, 8);
	p = Put(p, &st->reward_ok, 8);
	p = Put(p, &st->ideal_ok, 8);
	Assert(p == (char *) flat + sz);
	return flat;
}

/* PrefStateMethods.flatten of pref.dpo_state */
static struct varlena *
DpoStateFlatten(void *state)
{
	switch (((DpoStateHead *) state)->kind)
	{
		case DPO_STATE_DPO:
			return FlattenDpo(state);
		case DPO_STATE_KTO:
			return FlattenKto(state);
		case DPO_STATE_RACC:
			return FlattenRacc(state);
	}
	elog(ERROR, "pref.dpo_state of unknown kind %d", ((DpoStateHead *) state)->kind);
	return NULL;
}

/* Error with a formatted detail for a corrupt pref.dpo_state */
static void
Corrupt(const char *fmt, const char *what)
{
	PrefStateCorrupt(DPO_STATE_NAME, psprintf(fmt, what));
}

/* Ensure x is finite */
static void
CheckFiniteField(double x, const char *what)
{
	if (!isfinite(x))
		Corrupt("Field %s is not finite.", what);
}

/* Ensure a count lies in [0, max] */
static void
CheckCountField(int64 x, int64 max, const char *what)
{
	if (x < 0 || x > max)
		Corrupt("Count %s is negative or larger than the row count.", what);
}

/* Ensure every kept value is finite (and <= 0 for log-probabilities) */
static void
CheckRows(PrefWire *w, const double *x, Size count, bool logp)
{
	for (Size i = 0; i < count; i++)
		if (!isfinite(x[i]) || (logp && x[i] > 0))
			PrefStateCorrupt(w->name, logp ? "A kept row holds a value that is not a finite log-probability."
							 : "A kept log-ratio is not finite.");
}

/* Validate and expand the dpo_metrics part of a flat state */
static void *
ExpandDpo(PrefWire *w, const DpoStateHead *h, uint32 flags, MemoryContext ctx)
{
	DpoAggState *st = MemoryContextAllocZero(ctx, sizeof(DpoAggState));
	double		sums[9];
	uint8		nterms,
				kinds[DPO_MAX_TERMS + 7];
	double		spec[DPO_MAX_TERMS + 2];
	static const char *const sum_names[9] = {
		"sumw", "sum_loss", "sum_rc", "sum_rr", "sum_acc", "sum_pc", "sum_pr", "mean_m", "m2"
	};
	bool		any_batch = false;

	st->h = *h;
	PrefWireCheck(w, (flags & ~DPO_FLAG_BATCH) == 0, "Unknown flag bits are set.");
	PrefWireRead(w, sums, sizeof(sums));
	PrefWireRead(w, &nterms, 1);
	PrefWireRead(w, kinds, sizeof(kinds));
	PrefWireRead(w, spec, sizeof(spec));
	for (int i = 0; i < 9; i++)
		CheckFiniteField(sums[i], sum_names[i]);
	if (h->n == 0)
	{
		for (int i = 0; i < 9; i++)
			PrefWireCheck(w, sums[i] == 0, "A state with no rows has non-zero sums.");
		PrefWireCheck(w, flags == 0, "A state with no rows keeps rows.");
	}
	else
	{
		PrefWireCheck(w, sums[0] > 0, "The sum of weights is not positive.");
		PrefWireCheck(w, sums[4] >= 0 && sums[4] <= sums[0],
					  "The accuracy sum is outside [0, sum of weights].");
		PrefWireCheck(w, sums[5] <= 0 && sums[6] <= 0, "A log-probability sum is positive.");
		PrefWireCheck(w, sums[8] >= 0, "The margin sum of squares is negative.");
	}
	st->sumw = sums[0];
	st->sum_loss = sums[1];
	st->sum_rc = sums[2];
	st->sum_rr = sums[3];
	st->sum_acc = sums[4];
	st->sum_pc = sums[5];
	st->sum_pr = sums[6];
	st->mean_m = sums[7];
	st->m2 = sums[8];
	st->wm = st->sumw;

	/* the batch loss: zero unless the flag is set, else a valid aot spec */
	for (int i = DPO_MAX_TERMS; i < DPO_MAX_TERMS + 7; i++)
		PrefWireCheck(w, kinds[i] == 0, "Reserved bytes are not zero.");
	if (!(flags & DPO_FLAG_BATCH))
	{
		PrefWireCheck(w, nterms == 0, "A batch loss is set without the batch flag.");
		for (int i = 0; i < DPO_MAX_TERMS; i++)
			PrefWireCheck(w, kinds[i] == 0, "A batch loss is set without the batch flag.");
		for (int i = 0; i < DPO_MAX_TERMS + 2; i++)
			PrefWireCheck(w, spec[i] == 0, "A batch loss is set without the batch flag.");
		PrefWireEnd(w);
		return st;
	}
	PrefWireCheck(w, nterms >= 1 && nterms <= DPO_MAX_TERMS, "The batch loss has a bad number of terms.");
	dpo_spec_defaults(&st->bspec);
	st->bspec.nterms = nterms;
	for (int t = 0; t < DPO_MAX_TERMS; t++)
	{
		if (t >= nterms)
		{
			PrefWireCheck(w, kinds[t] == 0 && spec[t] == 0, "Unused batch loss terms are not zero.");
			continue;
		}
		PrefWireCheck(w, kinds[t] < DPO_NKINDS, "The batch loss has an unknown kind.");
		PrefWireCheck(w, isfinite(spec[t]) && spec[t] > 0, "A batch loss weight is not positive and finite.");
		st->bspec.kind[t] = kinds[t];
		st->bspec.weight[t] = spec[t];
		any_batch |= dpo_kind_is_batch(kinds[t]) != 0;
	}
	PrefWireCheck(w, any_batch, "The batch flag is set but the loss has no aot kind.");
	st->bspec.has_batch_kind = 1;
	st->bspec.beta = spec[DPO_MAX_TERMS];
	st->bspec.label_smoothing = spec[DPO_MAX_TERMS + 1];
	PrefWireCheck(w, isfinite(st->bspec.beta) && st->bspec.beta > 0, "The batch loss beta is not positive and finite.");
	PrefWireCheck(w, st->bspec.label_smoothing >= 0 && st->bspec.label_smoothing < 0.5,
				  "The batch loss label_smoothing is outside [0, 0.5).");
	PrefWireCheck(w, st->sumw == (double) h->n, "Rows kept for an aot kind carry weights.");
	PrefWireCheck(w, (Size) h->n <= PrefWireLeft(w) / (4 * sizeof(double)), "The value is truncated.");
	st->batch_set = true;
	st->cap = h->n;
	st->batch = MemoryContextAllocHuge(ctx, (Size) h->n * 4 * sizeof(double));
	PrefWireReadArray(w, st->batch, (Size) h->n * 4, sizeof(double));
	PrefWireEnd(w);
	CheckRows(w, st->batch, (Size) h->n * 4, true);
	return st;
}

/* Validate and expand the kto_metrics part of a flat state */
static void *
ExpandKto(PrefWire *w, const DpoStateHead *h, uint32 flags, MemoryContext ctx)
{
	KtoAggState *st = MemoryContextAllocZero(ctx, sizeof(KtoAggState));
	double		v[6];

	st->h = *h;
	PrefWireCheck(w, flags == 0, "Unknown flag bits are set.");
	PrefWireRead(w, &st->nd, 8);
	PrefWireRead(w, &st->nu, 8);
	PrefWireRead(w, v, sizeof(v));
	CheckCountField(st->nd, h->n, "nd");
	CheckCountField(st->nu, h->n, "nu");
	PrefWireCheck(w, st->nd + st->nu == h->n, "Desirable and undesirable rows do not add up to n.");
	CheckFiniteField(v[0], "beta");
	CheckFiniteField(v[1], "desirable_weight");
	CheckFiniteField(v[2], "undesirable_weight");
	CheckFiniteField(v[3], "sum_kl");
	CheckFiniteField(v[4], "sum_pd");
	CheckFiniteField(v[5], "sum_pu");
	if (h->n == 0)
	{
		for (int i = 0; i < 6; i++)
			PrefWireCheck(w, v[i] == 0, "A state with no rows has non-zero parameters or sums.");
	}
	else
	{
		PrefWireCheck(w, v[0] > 0, "beta is not positive.");
		PrefWireCheck(w, v[1] >= 0 && v[2] >= 0, "A weight is negative.");
		PrefWireCheck(w, v[4] <= 0 && v[5] <= 0, "A log-probability sum is positive.");
		PrefWireCheck(w, (st->nd > 0 || v[4] == 0) && (st->nu > 0 || v[5] == 0),
					  "A log-probability sum has no rows.");
	}
	st->beta = v[0];
	st->dw = v[1];
	st->uw = v[2];
	st->sum_kl = v[3];
	st->sum_pd = v[4];
	st->sum_pu = v[5];
	PrefWireCheck(w, (Size) h->n <= PrefWireLeft(w) / sizeof(double), "The value is truncated.");
	if (st->nd > 0)
	{
		st->capd = st->nd;
		st->rd = MemoryContextAllocHuge(ctx, (Size) st->nd * sizeof(double));
		PrefWireReadArray(w, st->rd, (Size) st->nd, sizeof(double));
		CheckRows(w, st->rd, (Size) st->nd, false);
	}
	if (st->nu > 0)
	{
		st->capu = st->nu;
		st->ru = MemoryContextAllocHuge(ctx, (Size) st->nu * sizeof(double));
		PrefWireReadArray(w, st->ru, (Size) st->nu, sizeof(double));
		CheckRows(w, st->ru, (Size) st->nu, false);
	}
	PrefWireEnd(w);
	return st;
}

/* Validate and expand the ranking_accuracy part of a flat state */
static void *
ExpandRacc(PrefWire *w, const DpoStateHead *h, uint32 flags, MemoryContext ctx)
{
	RaccState  *st = MemoryContextAllocZero(ctx, sizeof(RaccState));

	st->h = *h;
	st->flags = flags;
	PrefWireCheck(w, (flags & ~RACC_FLAG_REF) == 0, "Unknown flag bits are set.");
	PrefWireCheck(w, h->n > 0 || flags == 0, "A state with no rows has the reference flag set.");
	PrefWireRead(w, &st->policy_ok, 8);
	PrefWireRead(w, &st->ref_ok, 8);
	PrefWireRead(w, &st->reward_ok, 8);
	PrefWireRead(w, &st->ideal_ok, 8);
	PrefWireEnd(w);
	CheckCountField(st->policy_ok, h->n, "policy_ok");
	CheckCountField(st->ref_ok, h->n, "ref_ok");
	CheckCountField(st->reward_ok, h->n, "reward_ok");
	CheckCountField(st->ideal_ok, h->n, "ideal_ok");
	PrefWireCheck(w, (flags & RACC_FLAG_REF) ||
				  (st->ref_ok == 0 && st->reward_ok == 0 && st->ideal_ok == 0),
				  "Reference counts are set without the reference flag.");
	return st;
}

/* PrefStateMethods.expand of pref.dpo_state: the one validator */
static void *
DpoStateExpand(const struct varlena *flat, MemoryContext ctx)
{
	PrefWire	w;
	uint8		version,
				kind;
	uint16		reserved;
	uint32		flags;
	DpoStateHead h;

	PrefWireInit(&w, flat, DPO_STATE_NAME);
	PrefWireRead(&w, &version, 1);
	if (version != DPO_STATE_VERSION)
		PrefStateCorrupt(DPO_STATE_NAME,
						 psprintf("The version byte is %d; this library reads version %d.",
								  version, DPO_STATE_VERSION));
	PrefWireRead(&w, &kind, 1);
	PrefWireRead(&w, &reserved, 2);
	PrefWireRead(&w, &flags, 4);
	PrefWireRead(&w, &h.n, 8);
	PrefWireRead(&w, &h.skipped, 8);
	PrefWireCheck(&w, reserved == 0, "Reserved bytes are not zero.");
	PrefWireCheck(&w, h.n >= 0 && h.skipped >= 0, "A row count is negative.");
	h.kind = kind;
	switch (kind)
	{
		case DPO_STATE_DPO:
			return ExpandDpo(&w, &h, flags, ctx);
		case DPO_STATE_KTO:
			return ExpandKto(&w, &h, flags, ctx);
		case DPO_STATE_RACC:
			return ExpandRacc(&w, &h, flags, ctx);
	}
	PrefStateCorrupt(DPO_STATE_NAME,
					 psprintf("Unknown kind %d (1 dpo_metrics, 2 kto_metrics, 3 ranking_accuracy).", kind));
	return NULL;
}

/* Text ("v1:" + base64) and binary I/O, validated on input */
PGPREF_STATE_TYPE_IO(dpo_state, &DpoStateMethods)

/* ---- state arguments of the support functions ------------------------------ */

/* Name of the aggregate family of a state kind */
const char *
DpoStateKindName(int kind)
{
	if (kind < DPO_STATE_DPO || kind > DPO_STATE_RACC)
		return "unknown";
	return STATE_KIND_NAMES[kind];
}

/* Error for a state of another aggregate family */
void
DpoStateKindError(int got, int want)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("pref.dpo_state holds a %s state, not a %s state",
					DpoStateKindName(got), DpoStateKindName(want)),
			 errhint("Pass states of pref.%s only to the support functions of pref.%s.",
					 DpoStateKindName(want), DpoStateKindName(want))));
}

/* State argument argno for kind, to update in place, or NULL */
PrefState *
DpoStateArg(FunctionCallInfo fcinfo, int argno, int kind, MemoryContext ctx)
{
	PrefState  *ps = PrefStateArg(fcinfo, argno, &DpoStateMethods, ctx);

	if (ps != NULL && unlikely(((DpoStateHead *) ps->state)->kind != kind))
		DpoStateKindError(((DpoStateHead *) ps->state)->kind, kind);
	return ps;
}

/* Read-only state argument argno of kind, or NULL */
const void *
DpoStateRead(FunctionCallInfo fcinfo, int argno, int kind)
{
	const DpoStateHead *st;

	if (PG_ARGISNULL(argno))
		return NULL;
	st = PrefStateRead(PG_GETARG_DATUM(argno), &DpoStateMethods);
	if (st->kind != kind)
		DpoStateKindError(st->kind, kind);
	return st;
}

/* New empty state of kind in ctx */
PrefState *
DpoStateNew(int kind, MemoryContext ctx)
{
	PrefState  *ps = PrefStateCreate(&DpoStateMethods, ctx);
	Size		sz = kind == DPO_STATE_DPO ? sizeof(DpoAggState) :
		kind == DPO_STATE_KTO ? sizeof(KtoAggState) : sizeof(RaccState);

	ps->state = MemoryContextAllocZero(PrefStateMemory(ps), sz);
	((DpoStateHead *) ps->state)->kind = kind;
	return ps;
}
