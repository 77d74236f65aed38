/*
 * reward_fit.c - Bradley-Terry reward model on embedding differences,
 * fitted inside the database.
 *
 * pref.reward_pass is a parallel aggregate: at fixed weights w it buffers
 * difference rows x_chosen - x_rejected in blocks and accumulates the
 * logistic loss, its gradient (gemv) and Hessian (one syrk per block),
 * combined across workers.  pref.reward_fit runs one such pass per Newton
 * iteration over the caller's query and solves by Cholesky; for dimensions
 * whose Hessian does not fit pgpref.max_memory it uses L-BFGS with
 * gradient-only passes.
 *
 * The pass state type pref.reward_state is a read/write expanded object in
 * memory (state.h); its flat form, written only for output, send, storage
 * or transfer between processes, has the row buffer folded in
 * (little-endian):
 *
 *   version uint8 (1), flags uint8 (bit 0: Hessian), reserved uint16 (zero),
 *   magic uint32 "RWDS", d int32, reserved int32 (zero), n int64,
 *   n_skipped int64, target float8 (1 - label smoothing), margin float8,
 *   sum of weights float8, loss float8, correct float8,
 *   then, when d > 0: w (d doubles), g (d), H (d x d, with the Hessian flag)
 */
#include "postgres.h"

#include <math.h>

#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "common/int.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "parser/parse_func.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"

#include "common.h"
#include "linalg.h"
#include "reward.h"
#include "reward_core.h"
#include "state.h"

#define PASS_MAGIC		0x52574453	/* "RWDS" */
#define PASS_VERSION	1
#define PASS_HDR		6			/* result: d, n, skipped, wsum, loss, correct */
#define PASS_HESSIAN	0x01		/* flag: the state carries a Hessian */
#define PASS_TYPE		"pref.reward_state"

typedef struct PassState
{
	int			d;				/* dimension (0 until the first row) */
	bool		hessian;
	double		target;			/* 1 - label smoothing */
	double		offset;			/* margin */
	int			blockrows;
	int			nbuf;			/* rows in Z not yet folded */
	int64		n;
	int64		nskipped;
	RewardStats stats;
	double	   *w;				/* d: the weights of the pass */
	bool		wzero;			/* w is all zeros (as a NULL w means) */
	double	   *g;				/* d */
	double	   *H;				/* d x d, or NULL */
	double	   *Z;				/* blockrows x d; the row buffers are NULL */
	double	   *wt;				/* blockrows; until a transition needs them */
	double	   *tmp;			/* d: rejected row, or w of a row */
	double	   *scratch;		/* 2 blockrows */
} PassState;

/* Header of the flat form (see the file header) */
typedef struct PassWire
{
	uint8		version;
	uint8		flags;			/* PASS_HESSIAN; other bits zero */
	uint16		reserved;		/* zero */
	uint32		magic;
	int32		d;
	int32		unused;			/* reserved, zero */
	int64		n;
	int64		nskipped;
	double		target;
	double		offset;
	double		wsum;
	double		loss;
	double		correct;
} PassWire;

StaticAssertDecl(sizeof(PassWire) == 72, "PassWire must have no padding");

static struct varlena *PassFlatten(void *state);
static void *PassExpand(const struct varlena *flat, MemoryContext ctx);

static const PrefStateMethods PassMethods = {PASS_TYPE, PassFlatten, PassExpand};

/* Bytes of the flat payload, as a double for limit checks */
static double
PassFlatBytes(int d, bool hessian)
{
	return sizeof(PassWire) + sizeof(double) * (2.0 * d + (hessian ? (double) d * d : 0.0));
}

/* A state without rows in ctx */
static PassState *
PassNew(MemoryContext ctx, double target, double offset, bool hessian)
{
	PassState  *st = MemoryContextAllocZero(ctx, sizeof(PassState));

	st->target = target;
	st->offset = offset;
	st->hessian = hessian;
	return st;
}

/* Ensure the row buffers exist */
static void
PassAllocBuffers(PassState *st, MemoryContext ctx)
{
	if (st->Z != NULL)
		return;
	st->Z = MemoryContextAllocHuge(ctx, sizeof(double) * (Size) st->blockrows * st->d);
	st->wt = MemoryContextAlloc(ctx, sizeof(double) * st->blockrows);
	st->tmp = MemoryContextAlloc(ctx, sizeof(double) * st->d);
	st->scratch = MemoryContextAlloc(ctx, sizeof(double) * 2 * st->blockrows);
}

/*
 * Allocate the accumulators for dimension d (zeroed; the row buffers too
 * when withbuf), within pgpref.max_memory.
 */
static void
PassAllocate(PassState *st, int d, bool withbuf, MemoryContext ctx)
{
	double		bytes;

	st->d = d;
	st->blockrows = (int) Max(16, Min(1024, 65536 / d));
	bytes = sizeof(double) * ((st->hessian ? (double) d * d : 0) + 3.0 * d +
							  (withbuf ? (double) st->blockrows * (d + 3) : 0));
	PrefCheckMemory(bytes, "pref.reward_pass");
	st->w = MemoryContextAllocZero(ctx, sizeof(double) * d);
	st->g = MemoryContextAllocZero(ctx, sizeof(double) * d);
	if (st->hessian)
	{
		st->H = MemoryContextAllocHuge(ctx, sizeof(double) * (Size) d * d);
		PrefZeroLarge(st->H, (Size) d * d);
	}
	if (withbuf)
		PassAllocBuffers(st, ctx);
}

/* Error when the sums left the double precision range */
static void
PassOverflow(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
			 errmsg("pref.reward_pass: the sums overflow the double precision range"),
			 errhint("Scale the embeddings or the weights down.")));
}

/* Fold the buffered block; the sums must stay finite */
static void
PassFlush(PassState *st)
{
	if (st->nbuf == 0)
		return;
	PrefApplyBlasThreads();
	reward_block(st->d, st->nbuf, st->Z, st->wt, NULL, st->target, st->w, st->offset,
				 st->g, st->H, &st->stats, st->scratch);
	st->nbuf = 0;
	if (!isfinite(st->stats.wsum) || !isfinite(st->stats.loss) || !PrefAllFinite(st->g, st->d))
		PassOverflow();
	/* the Hessian is a sum of h_i z z^T: a finite diagonal bounds the rest */
	if (st->H)
		for (int j = 0; j < st->d; j++)
			if (!isfinite(st->H[(Size) j * st->d + j]))
				PassOverflow();
}

/* Count one row in *count, with an overflow check */
static void
PassCount(int64 *count)
{
	if (unlikely(*count == PG_INT64_MAX))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("pref.reward_pass: row count out of range")));
	(*count)++;
}

/* Dimension of a vector argument */
static int
PassVectorDim(ArrayType *arr, const char *name)
{
	if (ARR_NDIM(arr) != 1 || ARR_DIMS(arr)[0] == 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("%s must be a non-empty one-dimensional array", name)));
	return ARR_DIMS(arr)[0];
}

/*
 * params (argument 5) = {label smoothing, margin, want Hessian}: not NULL,
 * label smoothing in [0, 0.5); returns the target 1 - label smoothing.
 */
static double
PassParams(FunctionCallInfo fcinfo, double *offset, bool *hessian)
{
	double		params[3];
	ArrayType  *pa;
	bool		plain;

	if (PG_ARGISNULL(5))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("pref.reward_pass: params must not be NULL")));
	pa = PG_GETARG_ARRAYTYPE_P(5);
	/* read on every row: a plain float8[3] directly, anything else checked */
	plain = ARR_ELEMTYPE(pa) == FLOAT8OID && ARR_NDIM(pa) == 1 && ARR_DIMS(pa)[0] == 3 &&
		!ARR_HASNULL(pa);
	if (plain)
	{
		memcpy(params, ARR_DATA_PTR(pa), sizeof(params));
		plain = isfinite(params[0]) && isfinite(params[1]) && isfinite(params[2]);
	}
	if (!plain)
		PrefReadVectorInto(pa, params, 3, "params");
	if (params[0] < 0 || params[0] >= 0.5)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("label_smoothing must be in [0, 0.5)"),
				 errdetail("Got %g.", params[0])));
	*offset = params[1];
	*hessian = params[2] != 0;
	return 1.0 - params[0];
}

/* The weights w (argument 4; NULL or empty means zeros) of dimension d into out */
static void
PassWeights(FunctionCallInfo fcinfo, int d, double *out)
{
	ArrayType  *wa = PG_ARGISNULL(4) ? NULL : PG_GETARG_ARRAYTYPE_P(4);

	if (wa == NULL || ARR_NDIM(wa) == 0)
		memset(out, 0, sizeof(double) * d);
	else
		PrefReadVectorInto(wa, out, d, "w");
}

/* Note whether the state's weights are all zeros */
static void
PassNoteZeroWeights(PassState *st)
{
	st->wzero = true;
	for (int j = 0; j < st->d; j++)
		if (st->w[j] != 0)
			st->wzero = false;
}

/* Ensure the row's w (argument 4) is the state's weights (cheap when bitwise equal) */
static void
PassCheckWeights(FunctionCallInfo fcinfo, PassState *st)
{
	ArrayType  *wa = PG_ARGISNULL(4) ? NULL : PG_GETARG_ARRAYTYPE_P(4);
	bool		same = true;

	if (wa == NULL || ARR_NDIM(wa) == 0)
		same = st->wzero;
	else if (!(ARR_ELEMTYPE(wa) == FLOAT8OID && ARR_NDIM(wa) == 1 && ARR_DIMS(wa)[0] == st->d &&
			   !ARR_HASNULL(wa) && memcmp(ARR_DATA_PTR(wa), st->w, sizeof(double) * st->d) == 0))
	{
		/* full checks, and equal values that differ in bits (0 and -0) */
		PassWeights(fcinfo, st->d, st->tmp);
		for (int j = 0; j < st->d; j++)
			if (st->tmp[j] != st->w[j])
				same = false;
	}
	if (!same)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("pref.reward_pass: w must be the same on every row")));
}

/*
 * Transition (chosen, rejected, weight, w, params): params = {label
 * smoothing, margin, want Hessian} and w (NULL or empty: zeros) must be
 * the same on every row.  elemtype: the element type of chosen/rejected.
 */
static Datum
PassAccum(FunctionCallInfo fcinfo, Oid elemtype)
{
	MemoryContext aggctx = PrefAggContext(fcinfo, "pref.reward_pass");
	PrefState  *ps = PrefStateArg(fcinfo, 0, &PassMethods, aggctx);
	PassState  *st;
	ArrayType  *c,
			   *r;
	double		weight,
				target,
				offset;
	bool		hessian;
	int			d;
	double	   *row;

	target = PassParams(fcinfo, &offset, &hessian);
	if (ps == NULL)
	{
		ps = PrefStateCreate(&PassMethods, aggctx);
		ps->state = PassNew(PrefStateMemory(ps), target, offset, hessian);
	}
	st = (PassState *) ps->state;
	if (st->target != target || st->offset != offset || st->hessian != hessian)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("pref.reward_pass: params must be the same on every row")));
	if (PG_ARGISNULL(1) || PG_ARGISNULL(2) || PG_ARGISNULL(3))
	{
		PassCount(&st->nskipped);
		PG_RETURN_DATUM(PrefStateDatum(ps));
	}
	c = PG_GETARG_ARRAYTYPE_P(1);
	r = PG_GETARG_ARRAYTYPE_P(2);
	if (ARR_ELEMTYPE(c) != elemtype || ARR_ELEMTYPE(r) != elemtype)
		elog(ERROR, "pref.reward_pass: embeddings of element type %u and %u, expected %u",
			 ARR_ELEMTYPE(c), ARR_ELEMTYPE(r), elemtype);
	weight = PG_GETARG_FLOAT8(3);
	if (!isfinite(weight) || weight < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("pair weight must be non-negative and finite"),
				 errdetail("Got %g.", weight)));
	d = PassVectorDim(c, "chosen");
	if (st->d == 0)
	{
		PassAllocate(st, d, true, PrefStateMemory(ps));
		PassWeights(fcinfo, d, st->w);
		PassNoteZeroWeights(st);
	}
	else if (d != st->d)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("chosen has dimension %d, expected %d", d, st->d),
				 errdetail("Every embedding must have the same number of elements as the first row.")));
	else
	{
		PassAllocBuffers(st, PrefStateMemory(ps));
		PassCheckWeights(fcinfo, st);
	}
	if (PassVectorDim(r, "rejected") != st->d)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("rejected has dimension %d, expected %d", PassVectorDim(r, "rejected"), st->d)));

	row = st->Z + (Size) st->nbuf * st->d;
	PrefReadVectorInto(c, row, st->d, "chosen");
	PrefReadVectorInto(r, st->tmp, st->d, "rejected");
	linalg_axpy(st->d, -1.0, st->tmp, row);
	st->wt[st->nbuf] = weight;
	PassCount(&st->n);
	if (++st->nbuf == st->blockrows)
		PassFlush(st);
	PG_RETURN_DATUM(PrefStateDatum(ps));
}

PG_FUNCTION_INFO_V1(pref_reward_pass_accum_real);

/* pref.reward_pass transition, real[] embeddings */
Datum
pref_reward_pass_accum_real(PG_FUNCTION_ARGS)
{
	return PassAccum(fcinfo, FLOAT4OID);
}

PG_FUNCTION_INFO_V1(pref_reward_pass_accum_double);

/* pref.reward_pass transition, double precision[] embeddings */
Datum
pref_reward_pass_accum_double(PG_FUNCTION_ARGS)
{
	return PassAccum(fcinfo, FLOAT8OID);
}

/* An empty pass state with the same params as like (for combine) */
static void *
PassEmptyLike(MemoryContext ctx, const void *like)
{
	const PassState *b = like;

	return PassNew(ctx, b->target, b->offset, b->hessian);
}

/*
 * Fold pass state b into a (a's arrays live in ctx): the same params,
 * dimension and weights; counts checked for overflow, sums for finiteness.
 * b is only read (its buffer, if any, is folded first).
 */
static void
PassMerge(void *into, void *from, MemoryContext ctx)
{
	PassState  *a = into;
	PassState  *b = from;
	int64		n,
				nskipped;

	if (a->hessian != b->hessian || a->target != b->target || a->offset != b->offset)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("pref.reward_pass: cannot combine states of passes with different params")));
	if (a->d > 0 && b->d > 0 && a->d != b->d)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("pref.reward_pass: cannot combine states of dimensions %d and %d", a->d, b->d),
				 errdetail("Every embedding must have the same number of elements.")));
	if (a->d > 0 && b->d > 0 && memcmp(a->w, b->w, sizeof(double) * a->d) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("pref.reward_pass: cannot combine states of passes at different weights w")));
	if (pg_add_s64_overflow(a->n, b->n, &n) ||
		pg_add_s64_overflow(a->nskipped, b->nskipped, &nskipped))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("pref.reward_pass: row count out of range")));
	a->nskipped = nskipped;
	if (b->d == 0)
		return;
	PassFlush(b);
	PassFlush(a);
	if (a->d == 0)
	{
		PassAllocate(a, b->d, false, ctx);
		memcpy(a->w, b->w, sizeof(double) * a->d);
		PassNoteZeroWeights(a);
	}
	a->n = n;
	a->stats.wsum += b->stats.wsum;
	a->stats.loss += b->stats.loss;
	a->stats.correct += b->stats.correct;
	linalg_axpy(a->d, 1.0, b->g, a->g);
	if (a->H)
		PrefAddLarge(a->H, b->H, (Size) a->d * a->d);
	if (!isfinite(a->stats.wsum) || !isfinite(a->stats.loss) || !isfinite(a->stats.correct) ||
		!PrefAllFinite(a->g, a->d) || (a->H && !PrefAllFinite(a->H, (Size) a->d * a->d)))
		PassOverflow();
}

PG_FUNCTION_INFO_V1(pref_reward_pass_combine_state);

/* Combine two pass states (a new state in the aggregate context when the first is NULL) */
Datum
pref_reward_pass_combine_state(PG_FUNCTION_ARGS)
{
	MemoryContext aggctx = PrefAggContext(fcinfo, "pref.reward_pass_combine");

	return PrefStateCombine(fcinfo, &PassMethods, aggctx, PassEmptyLike, PassMerge);
}

/* Flat form of a pass state (buffer folded first); see the file header */
static struct varlena *
PassFlatten(void *state)
{
	PassState  *st = (PassState *) state;
	double		bytes = PassFlatBytes(st->d, st->hessian);
	PassWire	h;
	struct varlena *out;
	char	   *p;

	if (bytes + VARHDRSZ > MaxAllocSize)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("pref.reward_pass: a state of dimension %d is too large to output, store or pass between processes", st->d),
				 errdetail("Its flat form would take %.0f MB; a value is limited to 1 GB.", bytes / 1048576.0),
				 errhint("Use method => 'lbfgs', or disable parallel query (SET max_parallel_workers_per_gather = 0).")));
	PassFlush(st);
	memset(&h, 0, sizeof(h));
	h.version = PASS_VERSION;
	h.flags = st->hessian ? PASS_HESSIAN : 0;
	h.magic = PASS_MAGIC;
	h.d = st->d;
	h.n = st->n;
	h.nskipped = st->nskipped;
	h.target = st->target;
	h.offset = st->offset;
	h.wsum = st->stats.wsum;
	h.loss = st->stats.loss;
	h.correct = st->stats.correct;
	out = palloc(VARHDRSZ + (Size) bytes);
	SET_VARSIZE(out, VARHDRSZ + (Size) bytes);
	p = VARDATA(out);
	memcpy(p, &h, sizeof(h));
	p += sizeof(h);
	if (st->d > 0)
	{
		memcpy(p, st->w, sizeof(double) * st->d);
		p += sizeof(double) * st->d;
		memcpy(p, st->g, sizeof(double) * st->d);
		p += sizeof(double) * st->d;
		if (st->hessian)
			PrefCopyLarge((double *) p, st->H, (Size) st->d * st->d);
	}
	return out;
}

/*
 * Validate a flat pass state completely and build it in ctx: version,
 * magic, flags and reserved fields, counts, dimension (bounded by the 1 GB
 * value limit), target in (0.5, 1], finite margin and sums, exact length.
 */
static void *
PassExpand(const struct varlena *flat, MemoryContext ctx)
{
	PrefWire	w;
	PassWire	h;
	PassState  *st;
	double		want;
	bool		hessian;

	PrefWireInit(&w, flat, PASS_TYPE);
	PrefWireRead(&w, &h, sizeof(h));
	if (h.version != PASS_VERSION)
		PrefStateCorrupt(PASS_TYPE, psprintf("The value has version %d; this library reads version %d.",
											 h.version, PASS_VERSION));
	PrefWireCheck(&w, h.magic == PASS_MAGIC, "The value does not carry the pref.reward_state magic number.");
	PrefWireCheck(&w, (h.flags & ~PASS_HESSIAN) == 0 && h.reserved == 0 && h.unused == 0,
				  "Reserved header fields must be zero.");
	hessian = (h.flags & PASS_HESSIAN) != 0;
	PrefWireCheck(&w, h.n >= 0 && h.nskipped >= 0, "Row counts must not be negative.");
	PrefWireCheck(&w, h.d >= 0 && (h.d == 0) == (h.n == 0),
				  "The dimension must be positive exactly when rows were used.");
	want = PassFlatBytes(h.d, hessian);
	if (want + VARHDRSZ > MaxAllocSize)
		PrefStateCorrupt(PASS_TYPE, psprintf("The dimension %d is out of range.", h.d));
	PrefWireCheck(&w, h.target > 0.5 && h.target <= 1.0,
				  "The target must be in (0.5, 1] (label smoothing in [0, 0.5)).");
	PrefWireCheck(&w, isfinite(h.offset), "The margin must be finite.");
	PrefWireCheck(&w, isfinite(h.wsum) && isfinite(h.loss) && isfinite(h.correct) &&
				  h.wsum >= 0 && h.loss >= 0 && h.correct >= 0,
				  "The sums of weights, losses and correct pairs must be finite and non-negative.");
	PrefWireCheck(&w, PrefWireLeft(&w) >= (Size) want - sizeof(PassWire), "The value is truncated.");
	PrefWireCheck(&w, PrefWireLeft(&w) <= (Size) want - sizeof(PassWire), "The value has trailing bytes.");

	st = PassNew(ctx, h.target, h.offset, hessian);
	st->nskipped = h.nskipped;
	if (h.d > 0)
	{
		PassAllocate(st, h.d, false, ctx);
		st->n = h.n;
		st->stats.wsum = h.wsum;
		st->stats.loss = h.loss;
		st->stats.correct = h.correct;
		PrefWireReadFinite(&w, st->w, st->d, PREF_WIRE_NOT_FINITE);
		PassNoteZeroWeights(st);
		PrefWireReadFinite(&w, st->g, st->d, PREF_WIRE_NOT_FINITE);
		if (hessian)
			for (int i = 0; i < st->d; i++)
			{
				if ((i & 63) == 0)
					CHECK_FOR_INTERRUPTS();
				PrefWireReadFinite(&w, st->H + (Size) i * st->d, st->d, PREF_WIRE_NOT_FINITE);
			}
	}
	PrefWireEnd(&w);
	return st;
}

/* Text ("v1:" + base64) and binary I/O, validated on input */
PGPREF_STATE_TYPE_IO(reward_state, &PassMethods)

PG_FUNCTION_INFO_V1(pref_reward_pass_final_state);

/*
 * Result float8[]: {d, n, skipped, sum of weights, loss, correct, g (d),
 * H (d x d, when requested)}; NULL for a NULL state or one without rows.
 */
Datum
pref_reward_pass_final_state(PG_FUNCTION_ARGS)
{
	PassState  *st;
	Size		len;
	ArrayType  *a;
	double	   *o;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	st = (PassState *) PrefStateRead(PG_GETARG_DATUM(0), &PassMethods);
	if (st->n == 0)
		PG_RETURN_NULL();
	PassFlush(st);
	len = PASS_HDR + st->d + (st->hessian ? (Size) st->d * st->d : 0);
	if ((double) len * sizeof(double) + ARR_OVERHEAD_NONULLS(1) > MaxAllocSize)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("pref.reward_pass: a result of dimension %d is too large", st->d),
				 errhint("Use method => 'lbfgs'.")));
	a = palloc(ARR_OVERHEAD_NONULLS(1) + sizeof(double) * len);
	memset(a, 0, ARR_OVERHEAD_NONULLS(1));
	SET_VARSIZE(a, ARR_OVERHEAD_NONULLS(1) + sizeof(double) * len);
	a->ndim = 1;
	a->dataoffset = 0;
	a->elemtype = FLOAT8OID;
	ARR_DIMS(a)[0] = (int) len;
	ARR_LBOUND(a)[0] = 1;
	o = (double *) ARR_DATA_PTR(a);
	o[0] = st->d;
	o[1] = (double) st->n;
	o[2] = (double) st->nskipped;
	o[3] = st->stats.wsum;
	o[4] = st->stats.loss;
	o[5] = st->stats.correct;
	memcpy(o + PASS_HDR, st->g, sizeof(double) * st->d);
	if (st->hessian)
		PrefCopyLarge(o + PASS_HDR + st->d, st->H, (Size) st->d * st->d);
	PG_RETURN_ARRAYTYPE_P(a);
}

/* ---- the driver ---------------------------------------------------------- */

#define METHOD_AUTO		0
#define METHOD_NEWTON	1
#define METHOD_LBFGS	2
static const char *const METHOD_NAMES[] = {"auto", "newton", "lbfgs", NULL};

#define LBFGS_M			10

typedef struct PassResult
{
	int64		n;
	int64		nskipped;
	double		wsum;
	double		loss;			/* sum of weighted losses */
	double		correct;
} PassResult;

typedef struct FitContext
{
	SPIPlanPtr	plan;
	int			d;
	double		params[3];
	PassResult *res;			/* Newton: the latest pass */
	PassResult *best;			/* Newton: the pass at the best point */
} FitContext;

/* Ensure the inner query has a usable shape; build the pass query */
static char *
BuildPassQuery(const char *sql, const char *nsp, char **dimquery)
{
	StringInfoData q;
	TupleDesc	td;
	Oid			tc,
				tr;
	bool		real;
	int			ncols;
	char	   *body = pstrdup(sql);
	int			len = strlen(body);

	/* tolerate a trailing semicolon */
	while (len > 0 && (body[len - 1] == ';' || isspace((unsigned char) body[len - 1])))
		body[--len] = '\0';

	initStringInfo(&q);
	appendStringInfo(&q, "SELECT * FROM (%s) AS s LIMIT 0", body);
	if (SPI_execute(q.data, true, 0) != SPI_OK_SELECT)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("pref.reward_fit: the query must be a SELECT that returns rows")));
	td = SPI_tuptable->tupdesc;
	ncols = td->natts;
	if (td->natts < 2 || td->natts > 3)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("pref.reward_fit: the query returns %d columns, expected (chosen, rejected, [weight])",
						td->natts)));
	tc = SPI_gettypeid(td, 1);
	tr = SPI_gettypeid(td, 2);
	for (int c = 0; c < 2; c++)
	{
		Oid			t = c == 0 ? tc : tr;

		if (t != FLOAT4ARRAYOID && t != FLOAT8ARRAYOID && t != NUMERICARRAYOID &&
			t != INT2ARRAYOID && t != INT4ARRAYOID && t != INT8ARRAYOID)
			ereport(ERROR,
					(errcode(ERRCODE_DATATYPE_MISMATCH),
					 errmsg("pref.reward_fit: column %d (%s) of the query must be real[], double precision[], numeric[] or an integer array, not %s",
							c + 1, c == 0 ? "chosen" : "rejected", format_type_be(t))));
	}
	if (td->natts == 3)
	{
		Oid			t = SPI_gettypeid(td, 3);

		if (t != FLOAT4OID && t != FLOAT8OID && t != NUMERICOID &&
			t != INT2OID && t != INT4OID && t != INT8OID)
			ereport(ERROR,
					(errcode(ERRCODE_DATATYPE_MISMATCH),
					 errmsg("pref.reward_fit: column 3 (weight) of the query must be a numeric type, not %s",
							format_type_be(t))));
	}
	SPI_freetuptable(SPI_tuptable);
	real = (tc == FLOAT4ARRAYOID && tr == FLOAT4ARRAYOID);

	resetStringInfo(&q);
	appendStringInfo(&q,
					 "SELECT %s.reward_pass(s.c%s, s.r%s, %s, $1, $2) FROM (%s) AS s(c, r%s)",
					 nsp, real ? "" : "::pg_catalog.float8[]", real ? "" : "::pg_catalog.float8[]",
					 ncols == 3 ? "s.wt::pg_catalog.float8" : "1::pg_catalog.float8",
					 body, ncols == 3 ? ", wt" : "");
	*dimquery = psprintf("SELECT pg_catalog.array_length(s.c, 1) FROM (%s) AS s(c, r%s) "
						 "WHERE s.c IS NOT NULL AND s.r IS NOT NULL%s LIMIT 1",
						 body, ncols == 3 ? ", wt" : "", ncols == 3 ? " AND s.wt IS NOT NULL" : "");
	return q.data;
}

/*
 * Run one pass at w (NULL: zeros); fills res, g (d) and H (d x d) when
 * given.  Returns false when the query produced no usable pair.
 */
static bool
RunPass(FitContext *fc, const double *w, bool hessian, PassResult *res,
		double *g, double *H)
{
	Datum		values[2];
	char		nulls[2] = {' ', ' '};
	Datum	   *wd;
	ArrayType  *out;
	const double *o;
	bool		isnull;
	Size		want;
	int			rc;

	CHECK_FOR_INTERRUPTS();
	fc->params[2] = hessian ? 1 : 0;
	if (w == NULL)
	{
		values[0] = (Datum) 0;
		nulls[0] = 'n';
	}
	else
	{
		wd = palloc(sizeof(Datum) * fc->d);
		for (int j = 0; j < fc->d; j++)
			wd[j] = Float8GetDatum(w[j]);
		values[0] = PointerGetDatum(construct_array(wd, fc->d, FLOAT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
	}
	{
		Datum		pd[3];

		for (int j = 0; j < 3; j++)
			pd[j] = Float8GetDatum(fc->params[j]);
		values[1] = PointerGetDatum(construct_array(pd, 3, FLOAT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
	}
	rc = SPI_execute_plan(fc->plan, values, nulls, true, 0);	/* count 0: a row limit disables parallel workers */
	if (rc != SPI_OK_SELECT || SPI_processed != 1)
		elog(ERROR, "pref.reward_fit: pass query failed: %s", SPI_result_code_string(rc));
	{
		Datum		v = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);

		if (isnull)
		{
			SPI_freetuptable(SPI_tuptable);
			return false;
		}
		out = DatumGetArrayTypeP(v);
	}
	o = (const double *) ARR_DATA_PTR(out);
	want = PASS_HDR + fc->d + (hessian ? (Size) fc->d * fc->d : 0);
	if (ARR_NDIM(out) != 1 || (Size) ARR_DIMS(out)[0] != want || (int) o[0] != fc->d)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("pref.reward_fit: the embeddings do not have dimension %d", fc->d),
				 errdetail("The first usable row has dimension %d and later rows must match.", fc->d)));
	res->n = (int64) o[1];
	res->nskipped = (int64) o[2];
	res->wsum = o[3];
	res->loss = o[4];
	res->correct = o[5];
	memcpy(g, o + PASS_HDR, sizeof(double) * fc->d);
	if (hessian)
		memcpy(H, o + PASS_HDR + fc->d, sizeof(double) * (Size) fc->d * fc->d);
	SPI_freetuptable(SPI_tuptable);
	return true;
}

/* Error when the query yields nothing to fit */
static void
NoPairsError(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_DATA_EXCEPTION),
			 errmsg("pref.reward_fit: the query returned no usable pairs"),
			 errdetail("Rows with a NULL chosen, rejected or weight are skipped.")));
}

/* reward_newton's evaluation: one pass with the Hessian */
static void
NewtonEval(void *arg, const double *w, double *g, double *H, double *loss, double *wsum)
{
	FitContext *fc = (FitContext *) arg;

	if (!RunPass(fc, w, true, fc->res, g, H))
		NoPairsError();
	*loss = fc->res->loss;
	*wsum = fc->res->wsum;
}

/* reward_newton accepted the latest pass */
static void
NewtonAccept(void *arg)
{
	FitContext *fc = (FitContext *) arg;

	*fc->best = *fc->res;
}

PG_FUNCTION_INFO_V1(pref_reward_fit);

/*
 * pref.reward_fit(sql, lambda, max_iter, tol, label_smoothing, margin,
 * method): minimise sum_i w_i loss_i + lambda/2 |w|^2 by Newton (one
 * aggregate pass with the Hessian per iteration, step-halving when the
 * objective rises) or L-BFGS (gradient-only passes, Armijo backtracking).
 * Converged when |gradient| <= tol * max(1, sum of weights).
 */
Datum
pref_reward_fit(PG_FUNCTION_ARGS)
{
	char	   *sql = text_to_cstring(PG_GETARG_TEXT_PP(0));
	double		lambda = PG_GETARG_FLOAT8(1);
	int			max_iter = PG_GETARG_INT32(2);
	double		tol = PG_GETARG_FLOAT8(3);
	double		smoothing = PG_GETARG_FLOAT8(4);
	double		margin = PG_GETARG_FLOAT8(5);
	int			method = PrefParseOption(text_to_cstring(PG_GETARG_TEXT_PP(6)), METHOD_NAMES, "method");
	const char *nsp = quote_identifier(get_namespace_name(get_func_namespace(fcinfo->flinfo->fn_oid)));
	FitContext	fc;
	PassResult	res,
				best;
	PrefLinearModel m;
	char	   *passq,
			   *dimq;
	int			d,
				iter = 0,
				halvings = 0;
	bool		converged = false;
	double	   *w,
			   *wbest,
			   *g,
			   *gbest,
			   *H = NULL,
			   *gtot,
			   *dir,
			   *S = NULL,
			   *Y = NULL,
			   *alpha = NULL;
	double		obj = 0,
				objbest = 0,
				gnorm = 0,
				t = 1.0;
	Oid			argtypes[2] = {FLOAT8ARRAYOID, FLOAT8ARRAYOID};
	MemoryContext outer = CurrentMemoryContext;

	if (!isfinite(lambda) || lambda < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("lambda must be non-negative and finite"),
				 errdetail("Got %g.", lambda)));
	if (max_iter < 1 || max_iter > 100000)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("max_iter must be between 1 and 100000"),
				 errdetail("Got %d.", max_iter)));
	if (!isfinite(tol) || tol <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("tol must be positive and finite")));
	if (!isfinite(smoothing) || smoothing < 0 || smoothing >= 0.5)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("label_smoothing must be in [0, 0.5)"),
				 errdetail("Got %g.", smoothing)));
	PrefCheckFinite(margin, "margin");

	memset(&best, 0, sizeof(best));
	memset(&res, 0, sizeof(res));
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "pref.reward_fit: SPI_connect failed");
	passq = BuildPassQuery(sql, nsp, &dimq);
	if (SPI_execute(dimq, true, 1) != SPI_OK_SELECT)
		elog(ERROR, "pref.reward_fit: could not read the first row");
	if (SPI_processed == 0)
	{
		/* no usable pair (none, or all with NULLs): no model */
		SPI_finish();
		PG_RETURN_NULL();
	}
	{
		bool		isnull;
		Datum		v = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);

		if (isnull)
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("pref.reward_fit: chosen must not be empty")));
		d = DatumGetInt32(v);
	}
	SPI_freetuptable(SPI_tuptable);

	/* the dense Hessian: a few d x d copies (pass states, the driver) */
	if (method == METHOD_AUTO)
		method = (sizeof(double) * 4.0 * d * d <= (double) pgpref_max_memory_kb * 1024.0)
			? METHOD_NEWTON : METHOD_LBFGS;
	if (method == METHOD_NEWTON)
		PrefCheckMemory(sizeof(double) * 4.0 * d * d, "pref.reward_fit (Newton's dense Hessian)");

	fc.d = d;
	fc.params[0] = smoothing;
	fc.params[1] = margin;
	fc.params[2] = 0;
	fc.plan = SPI_prepare_cursor(passq, 2, argtypes, CURSOR_OPT_PARALLEL_OK);
	if (fc.plan == NULL)
		elog(ERROR, "pref.reward_fit: could not prepare the pass query: %s", SPI_result_code_string(SPI_result));

	/* working vectors live outside SPI's memory */
	{
		MemoryContext spicxt = MemoryContextSwitchTo(outer);

		w = palloc0(sizeof(double) * d);
		wbest = palloc0(sizeof(double) * d);
		g = palloc0(sizeof(double) * d);
		gbest = palloc0(sizeof(double) * d);
		gtot = palloc0(sizeof(double) * d);
		dir = palloc0(sizeof(double) * d);
		if (method == METHOD_NEWTON)
			H = MemoryContextAllocHuge(outer, sizeof(double) * (Size) d * d);
		else
		{
			S = palloc0(sizeof(double) * LBFGS_M * d);
			Y = palloc0(sizeof(double) * LBFGS_M * d);
			alpha = palloc0(sizeof(double) * LBFGS_M);
		}
		MemoryContextSwitchTo(spicxt);
	}
	PrefApplyBlasThreads();

	if (method == METHOD_NEWTON)
	{
		RewardNewtonResult nr;
		int			rc;

		fc.res = &res;
		fc.best = &best;
		rc = reward_newton(d, lambda, tol, max_iter, NewtonEval, NewtonAccept, PrefInterruptTick, &fc,
						   w, wbest, g, H, gtot, dir, &nr);
		if (rc == LINALG_NOT_SPD)
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("pref.reward_fit: the Hessian is singular"),
					 errdetail("The difference vectors do not span all %d dimensions (lambda %g).", d, lambda),
					 errhint("Use a positive lambda, e.g. lambda => 1.")));
		PrefLinalgError(rc, "pref.reward_fit");
		iter = nr.iter;
		converged = nr.converged;
		objbest = nr.objective;
		gnorm = nr.gnorm;
	}
	else
	{
		int			count = 0,
					newest = -1;
		double		gd;

		if (!RunPass(&fc, w, false, &res, g, NULL))
			NoPairsError();
		best = res;
		objbest = res.loss;
		memcpy(gbest, g, sizeof(double) * d);	/* w = 0: no penalty term */
		for (iter = 1;; iter++)
		{
			double	   *snew,
					   *ynew;

			gnorm = linalg_nrm2(d, gbest);
			if (gnorm <= tol * Max(1.0, best.wsum))
			{
				converged = true;
				break;
			}
			if (iter >= max_iter)
				break;
			reward_lbfgs_direction(d, LBFGS_M, count, newest < 0 ? 0 : newest, S, Y, gbest, dir, alpha);
			if (count == 0)
				for (int j = 0; j < d; j++)
					dir[j] /= Max(1.0, gnorm);
			gd = linalg_dot(d, gbest, dir);
			if (gd >= 0)
			{
				/* not a descent direction: restart from steepest descent */
				count = 0;
				for (int j = 0; j < d; j++)
					dir[j] = -gbest[j] / Max(1.0, gnorm);
				gd = linalg_dot(d, gbest, dir);
			}
			t = 1.0;
			for (halvings = 0; halvings < 40; halvings++)
			{
				memcpy(w, wbest, sizeof(double) * d);
				linalg_axpy(d, t, dir, w);
				if (!RunPass(&fc, w, false, &res, g, NULL))
					NoPairsError();
				obj = res.loss + 0.5 * lambda * linalg_dot(d, w, w);
				if (obj <= objbest + 1e-4 * t * gd)
					break;
				t *= 0.5;
			}
			if (halvings == 40)
				break;
			for (int j = 0; j < d; j++)
				gtot[j] = g[j] + lambda * w[j];
			newest = (newest + 1) % LBFGS_M;
			snew = S + (Size) newest * d;
			ynew = Y + (Size) newest * d;
			for (int j = 0; j < d; j++)
			{
				snew[j] = w[j] - wbest[j];
				ynew[j] = gtot[j] - gbest[j];
			}
			if (linalg_dot(d, snew, ynew) > 1e-12 * linalg_nrm2(d, snew) * linalg_nrm2(d, ynew))
				count = Min(count + 1, LBFGS_M);
			else
				newest = (newest - 1 + LBFGS_M) % LBFGS_M;
			best = res;
			objbest = obj;
			memcpy(wbest, w, sizeof(double) * d);
			memcpy(gbest, gtot, sizeof(double) * d);
		}
	}
	SPI_finish();

	memset(&m, 0, sizeof(m));
	m.kind = "bradley_terry";
	m.dim = d;
	m.weights = wbest;
	m.bias = 0;
	m.n_rows = best.n;
	m.n_skipped = best.nskipped;
	m.iterations = iter;
	m.converged = converged;
	m.loss = best.wsum > 0 ? best.loss / best.wsum : NAN;
	m.accuracy = best.wsum > 0 ? best.correct / best.wsum : NAN;
	m.r2 = NAN;
	m.options = psprintf("{\"lambda\": %.15g, \"max_iter\": %d, \"tol\": %.15g, "
						 "\"label_smoothing\": %.15g, \"margin\": %.15g, \"method\": \"%s\", "
						 "\"objective\": %.17g, \"gradient_norm\": %.17g, \"weight_sum\": %.17g}",
						 lambda, max_iter, tol, smoothing, margin, METHOD_NAMES[method],
						 objbest, gnorm, best.wsum);
	if (!converged)
		ereport(WARNING,
				(errmsg("pref.reward_fit did not converge in %d iterations", iter),
				 errdetail("Gradient norm %g.", gnorm),
				 errhint("Raise max_iter or lambda.")));
	PG_RETURN_DATUM(PrefMakeLinearModel(fcinfo, &m));
}
