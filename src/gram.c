/*
 * gram.c - SQL glue of the BLAS aggregates: pref.gram, pref.moments,
 * pref.pca and pref.ridge_fit over real[] / double precision[] rows, and
 * their transition state type pref.gram_state.
 *
 * In memory the state (GramState) is a read/write expanded object owned by
 * the aggregate context (state.h).  It buffers rows in blocks and folds
 * each full block with one syrk (gram_core.c); combine adds two states,
 * moving the second onto the first one's shift when they differ.  The flat
 * form, written only when the state is output, sent, stored or passed
 * between processes, has the buffer folded in (little-endian):
 *
 *   version uint8 (1), kind uint8, flags uint16 (zero), magic uint32 "GRAM",
 *   d int32, k int32, n int64, n_skipped int64, lambda float8,
 *   then, when d > 0: shift (p doubles; not for pref.gram), sum (p), S (p x p)
 *
 * with p = d, or d + 1 for ridge_fit (the columns x and y).  Its expand
 * function is the one validator of text, binary and combine input.
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "common/int.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

#include "common.h"
#include "gram_core.h"
#include "linalg.h"
#include "reward.h"
#include "state.h"

#define GRAM_RAW		0		/* pref.gram: no shift, raw X^T X */
#define GRAM_MOMENTS	1		/* pref.moments */
#define GRAM_PCA		2		/* pref.pca */
#define GRAM_RIDGE		3		/* pref.ridge_fit: columns (x, y) */

#define GRAM_MAGIC		0x4752414d	/* "GRAM" */
#define GRAM_VERSION	1
#define GRAM_TYPE		"pref.gram_state"

static const char *const GRAM_NAMES[] = {"pref.gram", "pref.moments", "pref.pca", "pref.ridge_fit"};
static const char *const GRAM_FINALS[] = {"pref.gram_final", "pref.moments_final", "pref.pca_final", "pref.ridge_final"};

typedef struct GramState
{
	int			kind;			/* GRAM_* */
	int			d;				/* dimension of x (0 until the first row) */
	int			p;				/* stored columns: d, or d + 1 for ridge */
	int			k;				/* pca: components requested; else 0 */
	double		lambda;			/* ridge: penalty; else 0 */
	int64		n;				/* rows folded or buffered */
	int64		nskipped;		/* NULL rows */
	int			blockrows;
	int			nbuf;			/* rows in buf not yet folded */
	double	   *shift;			/* p, or NULL for GRAM_RAW */
	double	   *sum;			/* p */
	double	   *S;				/* p x p */
	double	   *buf;			/* blockrows x p; NULL until a transition needs it */
} GramState;

/* Header of the flat form */
typedef struct GramWire
{
	uint8		version;
	uint8		kind;
	uint16		flags;			/* reserved, zero */
	uint32		magic;
	int32		d;
	int32		k;
	int64		n;
	int64		nskipped;
	double		lambda;
} GramWire;

StaticAssertDecl(sizeof(GramWire) == 40, "GramWire must have no padding");

static struct varlena *GramFlatten(void *state);
static void *GramExpand(const struct varlena *flat, MemoryContext ctx);

static const PrefStateMethods GramMethods = {GRAM_TYPE, GramFlatten, GramExpand};

/* Stored columns for dimension d */
static inline int
GramColumns(int kind, int d)
{
	return kind == GRAM_RIDGE && d > 0 ? d + 1 : d;
}

/* Bytes of the flat payload (header and arrays), as a double for limit checks */
static double
GramFlatBytes(int kind, int d)
{
	double		p = GramColumns(kind, d);

	if (d == 0)
		return sizeof(GramWire);
	return sizeof(GramWire) + sizeof(double) * (p * p + (kind == GRAM_RAW ? 1.0 : 2.0) * p);
}

/* A state without rows in ctx */
static GramState *
GramNew(MemoryContext ctx, int kind, int k, double lambda)
{
	GramState  *st = MemoryContextAllocZero(ctx, sizeof(GramState));

	st->kind = kind;
	st->k = k;
	st->lambda = lambda;
	return st;
}

/* Ensure the row buffer exists */
static void
GramAllocBuffer(GramState *st, MemoryContext ctx)
{
	if (st->buf == NULL)
		st->buf = MemoryContextAllocHuge(ctx, sizeof(double) * (Size) st->blockrows * st->p);
}

/*
 * Ensure the state has arrays for dimension d (S zeroed when zero, the row
 * buffer when withbuf), within pgpref.max_memory.
 */
static void
GramAllocate(GramState *st, int d, bool withbuf, bool zero, MemoryContext ctx)
{
	int			p = GramColumns(st->kind, d);
	double		bytes;

	st->d = d;
	st->p = p;
	st->blockrows = gram_block_rows(p);
	bytes = sizeof(double) * ((double) p * p + 2.0 * p +
							  (withbuf ? (double) st->blockrows * p : 0.0));
	PrefCheckMemory(bytes, GRAM_NAMES[st->kind]);
	st->S = MemoryContextAllocHuge(ctx, sizeof(double) * (Size) p * p);
	if (zero)
		PrefZeroLarge(st->S, (Size) p * p);
	st->sum = MemoryContextAllocZero(ctx, sizeof(double) * p);
	if (st->kind != GRAM_RAW)
		st->shift = MemoryContextAllocZero(ctx, sizeof(double) * p);
	if (withbuf)
		GramAllocBuffer(st, ctx);
}

/* Error when the accumulated sums left the double precision range */
static void
GramOverflow(const GramState *st)
{
	ereport(ERROR,
			(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
			 errmsg("%s: the sums overflow the double precision range", GRAM_NAMES[st->kind]),
			 errdetail("Products of the input elements summed to more than 1.8e308."),
			 errhint("Scale the input down.")));
}

/* Fold the buffered rows; the sums and the diagonal must stay finite */
static void
GramFlush(GramState *st)
{
	if (st->nbuf == 0)
		return;
	PrefApplyBlasThreads();
	gram_fold_block(st->p, st->nbuf, st->buf, st->shift, st->sum, st->S);
	st->nbuf = 0;
	/* |S_ij| <= sqrt(S_ii S_jj): finite sums and diagonal bound the rest */
	for (int j = 0; j < st->p; j++)
		if (!isfinite(st->sum[j]) || !isfinite(st->S[(Size) j * st->p + j]))
			GramOverflow(st);
}

/* Count one row in *count, with an overflow check */
static void
GramCount(int64 *count, const GramState *st)
{
	if (unlikely(*count == PG_INT64_MAX))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("%s: row count out of range", GRAM_NAMES[st->kind])));
	(*count)++;
}

/* Dimension of a vector argument, with a clear error for bad shapes */
static int
VectorDim(ArrayType *arr, const char *name)
{
	if (ARR_NDIM(arr) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("%s must be a one-dimensional array", name)));
	if (ARR_NDIM(arr) == 0 || ARR_DIMS(arr)[0] == 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("%s must not be empty", name)));
	return ARR_DIMS(arr)[0];
}

/* Ensure a state given to a transition belongs to it (kind, k, lambda) */
static void
GramCheckContinue(const GramState *st, int kind, int k, double lambda)
{
	if (st->kind != kind)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("%s cannot continue a %s of %s", GRAM_NAMES[kind], GRAM_TYPE, GRAM_NAMES[st->kind])));
	if (kind == GRAM_PCA && st->k != k)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("pref.pca: k must be the same on every row"),
				 errdetail("Got %d after %d.", k, st->k)));
	if (kind == GRAM_RIDGE && st->lambda != lambda)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("pref.ridge_fit: lambda must be the same on every row"),
				 errdetail("Got %g after %g.", lambda, st->lambda)));
}

/*
 * Common transition: add row x (argument 1; y for ridge) to the state
 * (argument 0), creating it in the aggregate context on the first call.
 * skip: the row has a NULL and is only counted.
 */
static Datum
GramAccum(FunctionCallInfo fcinfo, int kind, Oid elemtype, int k, double lambda,
		  bool skip, double y)
{
	MemoryContext aggctx = PrefAggContext(fcinfo, GRAM_NAMES[kind]);
	PrefState  *ps = PrefStateArg(fcinfo, 0, &GramMethods, aggctx);
	GramState  *st;
	ArrayType  *x;
	int			dim;
	double	   *row;

	if (ps == NULL)
	{
		ps = PrefStateCreate(&GramMethods, aggctx);
		ps->state = GramNew(PrefStateMemory(ps), kind, k, lambda);
	}
	st = (GramState *) ps->state;
	GramCheckContinue(st, kind, k, lambda);
	if (skip)
	{
		GramCount(&st->nskipped, st);
		PG_RETURN_DATUM(PrefStateDatum(ps));
	}

	x = PG_GETARG_ARRAYTYPE_P(1);
	/* InvalidOid: integer or numeric rows, converted by PrefReadVectorInto */
	if (OidIsValid(elemtype) && ARR_ELEMTYPE(x) != elemtype)
		elog(ERROR, "%s: x has element type %u, expected %u", GRAM_NAMES[kind], ARR_ELEMTYPE(x), elemtype);
	dim = VectorDim(x, "x");
	if (st->d == 0)
		GramAllocate(st, dim, true, true, PrefStateMemory(ps));
	else if (dim != st->d)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("%s: row has dimension %d, expected %d", GRAM_NAMES[kind], dim, st->d),
				 errdetail("Every x must have the same number of elements as the first row.")));
	else if (st->buf == NULL)
		GramAllocBuffer(st, PrefStateMemory(ps));

	row = st->buf + (Size) st->nbuf * st->p;
	PrefReadVectorInto(x, row, st->d, "x");
	if (kind == GRAM_RIDGE)
		row[st->d] = y;
	/* the first row is the shift for the covariance-style aggregates */
	if (st->n == 0 && st->shift != NULL)
		memcpy(st->shift, row, sizeof(double) * st->p);
	GramCount(&st->n, st);
	if (++st->nbuf == st->blockrows)
		GramFlush(st);
	PG_RETURN_DATUM(PrefStateDatum(ps));
}

PG_FUNCTION_INFO_V1(pref_gram_accum_real);

/* pref.gram transition, real[] rows */
Datum
pref_gram_accum_real(PG_FUNCTION_ARGS)
{
	return GramAccum(fcinfo, GRAM_RAW, FLOAT4OID, 0, 0, PG_ARGISNULL(1), 0);
}

PG_FUNCTION_INFO_V1(pref_gram_accum_double);

/* pref.gram transition, double precision[] rows */
Datum
pref_gram_accum_double(PG_FUNCTION_ARGS)
{
	return GramAccum(fcinfo, GRAM_RAW, FLOAT8OID, 0, 0, PG_ARGISNULL(1), 0);
}

PG_FUNCTION_INFO_V1(pref_gram_accum_any);

/* pref.gram transition, integer[] and numeric[] rows (read as double) */
Datum
pref_gram_accum_any(PG_FUNCTION_ARGS)
{
	return GramAccum(fcinfo, GRAM_RAW, InvalidOid, 0, 0, PG_ARGISNULL(1), 0);
}

PG_FUNCTION_INFO_V1(pref_moments_accum_real);

/* pref.moments transition, real[] rows */
Datum
pref_moments_accum_real(PG_FUNCTION_ARGS)
{
	return GramAccum(fcinfo, GRAM_MOMENTS, FLOAT4OID, 0, 0, PG_ARGISNULL(1), 0);
}

PG_FUNCTION_INFO_V1(pref_moments_accum_double);

/* pref.moments transition, double precision[] rows */
Datum
pref_moments_accum_double(PG_FUNCTION_ARGS)
{
	return GramAccum(fcinfo, GRAM_MOMENTS, FLOAT8OID, 0, 0, PG_ARGISNULL(1), 0);
}

PG_FUNCTION_INFO_V1(pref_moments_accum_any);

/* pref.moments transition, integer[] and numeric[] rows */
Datum
pref_moments_accum_any(PG_FUNCTION_ARGS)
{
	return GramAccum(fcinfo, GRAM_MOMENTS, InvalidOid, 0, 0, PG_ARGISNULL(1), 0);
}

/* pref.pca's k (argument 2): not NULL, at least 1 */
static int
PcaK(FunctionCallInfo fcinfo)
{
	int			k;

	if (PG_ARGISNULL(2))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("pref.pca: k must not be NULL")));
	k = PG_GETARG_INT32(2);
	if (k < 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("pref.pca: k must be at least 1"),
				 errdetail("Got %d.", k)));
	return k;
}

PG_FUNCTION_INFO_V1(pref_pca_accum_real);

/* pref.pca transition, real[] rows; k must be the same on every row */
Datum
pref_pca_accum_real(PG_FUNCTION_ARGS)
{
	return GramAccum(fcinfo, GRAM_PCA, FLOAT4OID, PcaK(fcinfo), 0, PG_ARGISNULL(1), 0);
}

PG_FUNCTION_INFO_V1(pref_pca_accum_double);

/* pref.pca transition, double precision[] rows */
Datum
pref_pca_accum_double(PG_FUNCTION_ARGS)
{
	return GramAccum(fcinfo, GRAM_PCA, FLOAT8OID, PcaK(fcinfo), 0, PG_ARGISNULL(1), 0);
}

PG_FUNCTION_INFO_V1(pref_pca_accum_any);

/* pref.pca transition, integer[] and numeric[] rows */
Datum
pref_pca_accum_any(PG_FUNCTION_ARGS)
{
	return GramAccum(fcinfo, GRAM_PCA, InvalidOid, PcaK(fcinfo), 0, PG_ARGISNULL(1), 0);
}

/*
 * pref.ridge_fit's arguments: lambda (argument 3) not NULL, non-negative
 * and finite; y (argument 2) finite unless NULL.  Returns whether the row
 * is skipped (NULL x or y).
 */
static bool
RidgeArgs(FunctionCallInfo fcinfo, double *lambda, double *y)
{
	bool		skip = PG_ARGISNULL(1) || PG_ARGISNULL(2);

	if (PG_ARGISNULL(3))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("pref.ridge_fit: lambda must not be NULL")));
	*lambda = PG_GETARG_FLOAT8(3);
	if (!isfinite(*lambda) || *lambda < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("pref.ridge_fit: lambda must be non-negative and finite"),
				 errdetail("Got %g.", *lambda)));
	*y = 0;
	if (!skip)
	{
		*y = PG_GETARG_FLOAT8(2);
		PrefCheckFinite(*y, "y");
	}
	return skip;
}

PG_FUNCTION_INFO_V1(pref_ridge_accum_real);

/* pref.ridge_fit transition, real[] rows; rows with NULL x or y are skipped */
Datum
pref_ridge_accum_real(PG_FUNCTION_ARGS)
{
	double		lambda,
				y;
	bool		skip = RidgeArgs(fcinfo, &lambda, &y);

	return GramAccum(fcinfo, GRAM_RIDGE, FLOAT4OID, 0, lambda, skip, y);
}

PG_FUNCTION_INFO_V1(pref_ridge_accum_double);

/* pref.ridge_fit transition, double precision[] rows */
Datum
pref_ridge_accum_double(PG_FUNCTION_ARGS)
{
	double		lambda,
				y;
	bool		skip = RidgeArgs(fcinfo, &lambda, &y);

	return GramAccum(fcinfo, GRAM_RIDGE, FLOAT8OID, 0, lambda, skip, y);
}

PG_FUNCTION_INFO_V1(pref_ridge_accum_any);

/* pref.ridge_fit transition, integer[] and numeric[] rows */
Datum
pref_ridge_accum_any(PG_FUNCTION_ARGS)
{
	double		lambda,
				y;
	bool		skip = RidgeArgs(fcinfo, &lambda, &y);

	return GramAccum(fcinfo, GRAM_RIDGE, InvalidOid, 0, lambda, skip, y);
}

/* An empty state of the same aggregate, k and lambda as like (for combine) */
static void *
GramEmptyLike(MemoryContext ctx, const void *like)
{
	const GramState *b = like;

	return GramNew(ctx, b->kind, b->k, b->lambda);
}

/*
 * Fold state b into a (a's arrays live in ctx): same aggregate, dimension,
 * k and lambda; counts checked for overflow; b is only read (its buffer,
 * if any, is folded first, which does not change its value).
 */
static void
GramMerge(void *into, void *from, MemoryContext ctx)
{
	GramState  *a = into;
	GramState  *b = from;
	int64		n,
				nskipped;
	Size		pp;

	if (a->kind != b->kind)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("cannot combine a %s of %s with one of %s", GRAM_TYPE,
						GRAM_NAMES[a->kind], GRAM_NAMES[b->kind])));
	if (a->d > 0 && b->d > 0 && a->d != b->d)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("%s: cannot combine states of dimensions %d and %d", GRAM_NAMES[a->kind], a->d, b->d),
				 errdetail("Every x must have the same number of elements.")));
	if (a->kind == GRAM_PCA && a->k != b->k)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("pref.pca: k must be the same on every row"),
				 errdetail("The states have k = %d and %d.", a->k, b->k)));
	if (a->kind == GRAM_RIDGE && a->lambda != b->lambda)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("pref.ridge_fit: lambda must be the same on every row"),
				 errdetail("The states have lambda = %g and %g.", a->lambda, b->lambda)));
	if (pg_add_s64_overflow(a->n, b->n, &n) ||
		pg_add_s64_overflow(a->nskipped, b->nskipped, &nskipped))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("%s: row count out of range", GRAM_NAMES[a->kind])));
	a->nskipped = nskipped;
	if (b->n == 0)
		return;
	GramFlush(b);
	GramFlush(a);
	pp = (Size) b->p * b->p;
	if (a->d == 0)
	{
		/* a copy of b (a keeps no row buffer until a transition needs one) */
		GramAllocate(a, b->d, false, false, ctx);
		PrefCopyLarge(a->S, b->S, pp);
		memcpy(a->sum, b->sum, sizeof(double) * a->p);
		if (a->shift)
			memcpy(a->shift, b->shift, sizeof(double) * a->p);
		a->n = n;
		return;
	}
	PrefApplyBlasThreads();
	PrefAddLarge(a->S, b->S, pp);
	if (a->shift != NULL && memcmp(a->shift, b->shift, sizeof(double) * a->p) != 0)
	{
		/* b's sums around a's shift; the rank-2 correction goes into a->S */
		double	   *bsum = palloc(sizeof(double) * a->p);
		double	   *work = palloc(sizeof(double) * 4 * a->p);

		memcpy(bsum, b->sum, sizeof(double) * a->p);
		gram_reshift(a->p, (double) b->n, b->shift, a->shift, bsum, a->S, work);
		linalg_axpy(a->p, 1.0, bsum, a->sum);
		pfree(bsum);
		pfree(work);
	}
	else
		linalg_axpy(a->p, 1.0, b->sum, a->sum);
	a->n = n;
	if (!PrefAllFinite(a->sum, a->p) || !PrefAllFinite(a->S, pp))
		GramOverflow(a);
}

PG_FUNCTION_INFO_V1(pref_gram_combine_state);

/*
 * Combine function of the gram family: the second state is folded into the
 * first (a new state in the aggregate context when the first is NULL).
 */
Datum
pref_gram_combine_state(PG_FUNCTION_ARGS)
{
	MemoryContext aggctx = PrefAggContext(fcinfo, "pref.gram_combine");

	return PrefStateCombine(fcinfo, &GramMethods, aggctx, GramEmptyLike, GramMerge);
}

/* Flat form of a state (buffer folded first); see the file header */
static struct varlena *
GramFlatten(void *state)
{
	GramState  *st = (GramState *) state;
	double		bytes = GramFlatBytes(st->kind, st->d);
	GramWire	h;
	struct varlena *out;
	char	   *p;

	if (bytes + VARHDRSZ > MaxAllocSize)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("%s: a state of dimension %d is too large to output, store or pass between processes",
						GRAM_NAMES[st->kind], st->d),
				 errdetail("Its flat form would take %.0f MB; a value is limited to 1 GB.", bytes / 1048576.0),
				 errhint("Disable parallel query for this statement (SET max_parallel_workers_per_gather = 0).")));
	GramFlush(st);
	memset(&h, 0, sizeof(h));
	h.version = GRAM_VERSION;
	h.kind = (uint8) st->kind;
	h.magic = GRAM_MAGIC;
	h.d = st->d;
	h.k = st->k;
	h.n = st->n;
	h.nskipped = st->nskipped;
	h.lambda = st->lambda;

	out = palloc(VARHDRSZ + (Size) bytes);
	SET_VARSIZE(out, VARHDRSZ + (Size) bytes);
	p = VARDATA(out);
	memcpy(p, &h, sizeof(h));
	p += sizeof(h);
	if (st->d > 0)
	{
		if (st->kind != GRAM_RAW)
		{
			memcpy(p, st->shift, sizeof(double) * st->p);
			p += sizeof(double) * st->p;
		}
		memcpy(p, st->sum, sizeof(double) * st->p);
		p += sizeof(double) * st->p;
		PrefCopyLarge((double *) p, st->S, (Size) st->p * st->p);
	}
	return out;
}

/* Detail of the error for a stored sum that is not finite */
#define GRAM_NOT_FINITE "The value holds a NaN or infinite sum."

/*
 * Validate a flat state completely and build it in ctx: version, magic,
 * reserved fields, kind, counts, dimension (bounded by the 1 GB value
 * limit), k and lambda for their aggregates, exact payload length, every
 * number finite.
 */
static void *
GramExpand(const struct varlena *flat, MemoryContext ctx)
{
	PrefWire	w;
	GramWire	h;
	GramState  *st;
	double		want;

	PrefWireInit(&w, flat, GRAM_TYPE);
	PrefWireRead(&w, &h, sizeof(h));
	if (h.version != GRAM_VERSION)
		PrefStateCorrupt(GRAM_TYPE, psprintf("The value has version %d; this library reads version %d.",
											 h.version, GRAM_VERSION));
	PrefWireCheck(&w, h.magic == GRAM_MAGIC, "The value does not carry the pref.gram_state magic number.");
	PrefWireCheck(&w, h.flags == 0, "Reserved header fields must be zero.");
	if (h.kind > GRAM_RIDGE)
		PrefStateCorrupt(GRAM_TYPE, psprintf("Unknown aggregate kind %d.", h.kind));
	PrefWireCheck(&w, h.n >= 0 && h.nskipped >= 0, "Row counts must not be negative.");
	PrefWireCheck(&w, h.d >= 0 && (h.d == 0) == (h.n == 0),
				  "The dimension must be positive exactly when rows were used.");
	want = GramFlatBytes(h.kind, h.d);
	if (want + VARHDRSZ > MaxAllocSize)
		PrefStateCorrupt(GRAM_TYPE, psprintf("The dimension %d is out of range.", h.d));
	PrefWireCheck(&w, h.kind == GRAM_PCA ? h.k >= 1 : h.k == 0,
				  "k must be positive in a pref.pca state and zero otherwise.");
	PrefWireCheck(&w, h.kind == GRAM_RIDGE ? isfinite(h.lambda) && h.lambda >= 0 : h.lambda == 0,
				  "lambda must be finite and non-negative in a pref.ridge_fit state and zero otherwise.");
	/* the length before any allocation */
	PrefWireCheck(&w, PrefWireLeft(&w) >= (Size) want - sizeof(GramWire), "The value is truncated.");
	PrefWireCheck(&w, PrefWireLeft(&w) <= (Size) want - sizeof(GramWire), "The value has trailing bytes.");

	st = GramNew(ctx, h.kind, h.k, h.lambda);
	st->nskipped = h.nskipped;
	if (h.d > 0)
	{
		GramAllocate(st, h.d, false, false, ctx);
		st->n = h.n;
		if (st->shift)
			PrefWireReadFinite(&w, st->shift, st->p, GRAM_NOT_FINITE);
		PrefWireReadFinite(&w, st->sum, st->p, GRAM_NOT_FINITE);
		for (int i = 0; i < st->p; i++)
		{
			if ((i & 63) == 0)
				CHECK_FOR_INTERRUPTS();
			PrefWireReadFinite(&w, st->S + (Size) i * st->p, st->p, GRAM_NOT_FINITE);
		}
	}
	PrefWireEnd(&w);
	return st;
}

/* Text ("v1:" + base64) and binary I/O, validated on input */
PGPREF_STATE_TYPE_IO(gram_state, &GramMethods)

/* float8[] of n elements, or a rows x cols float8[][] (built in place) */
static ArrayType *
MakeFloat8Array(const double *v, int rows, int cols)
{
	int			ndim = cols > 0 ? 2 : 1;
	Size		n = (Size) rows * (cols > 0 ? cols : 1);
	Size		hdr = ARR_OVERHEAD_NONULLS(ndim);
	ArrayType  *a;

	if ((double) n * sizeof(double) + hdr > MaxAllocSize)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("a result of %d x %d elements is too large", rows, Max(cols, 1))));
	a = palloc(hdr + sizeof(double) * n);
	memset(a, 0, hdr);
	SET_VARSIZE(a, hdr + sizeof(double) * n);
	a->ndim = ndim;
	a->dataoffset = 0;
	a->elemtype = FLOAT8OID;
	ARR_DIMS(a)[0] = rows;
	ARR_LBOUND(a)[0] = 1;
	if (ndim == 2)
	{
		ARR_DIMS(a)[1] = cols;
		ARR_LBOUND(a)[1] = 1;
	}
	PrefCopyLarge((double *) ARR_DATA_PTR(a), v, n);
	return a;
}

/*
 * The state argument of a final function, its buffer folded; NULL for a
 * NULL state or one without rows.  The state must be of this aggregate.
 */
static GramState *
GramFinal(FunctionCallInfo fcinfo, int kind)
{
	GramState  *st;

	if (PG_ARGISNULL(0))
		return NULL;
	st = (GramState *) PrefStateRead(PG_GETARG_DATUM(0), &GramMethods);
	if (st->kind != kind)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("%s needs a %s of %s, not of %s", GRAM_FINALS[kind], GRAM_TYPE,
						GRAM_NAMES[kind], GRAM_NAMES[st->kind])));
	if (st->n == 0)
		return NULL;
	GramFlush(st);
	return st;
}

PG_FUNCTION_INFO_V1(pref_gram_final_state);

/* pref.gram result: the d x d matrix X^T X */
Datum
pref_gram_final_state(PG_FUNCTION_ARGS)
{
	GramState  *st = GramFinal(fcinfo, GRAM_RAW);

	if (st == NULL)
		PG_RETURN_NULL();
	PG_RETURN_ARRAYTYPE_P(MakeFloat8Array(st->S, st->d, st->d));
}

/* Centred copy: mean (p) and scatter (p x p) of a finished state */
static void
GramCentered(GramState *st, double **mean, double **C)
{
	PrefCheckMemory(sizeof(double) * (double) st->p * st->p, GRAM_NAMES[st->kind]);
	*mean = palloc(sizeof(double) * st->p);
	*C = MemoryContextAllocHuge(CurrentMemoryContext, sizeof(double) * (Size) st->p * st->p);
	PrefCopyLarge(*C, st->S, (Size) st->p * st->p);
	PrefApplyBlasThreads();
	gram_center(st->p, (double) st->n, st->shift, st->sum, *C, *mean);
}

PG_FUNCTION_INFO_V1(pref_moments_final_state);

/* pref.moments result: (n, n_skipped, mean, covariance) */
Datum
pref_moments_final_state(PG_FUNCTION_ARGS)
{
	GramState  *st = GramFinal(fcinfo, GRAM_MOMENTS);
	TupleDesc	tupdesc;
	Datum		values[4];
	bool		nulls[4] = {false};
	double	   *mean,
			   *C;

	if (st == NULL)
		PG_RETURN_NULL();
	tupdesc = PrefResultDesc(fcinfo);
	GramCentered(st, &mean, &C);
	values[0] = Int64GetDatum(st->n);
	values[1] = Int64GetDatum(st->nskipped);
	values[2] = PointerGetDatum(MakeFloat8Array(mean, st->d, 0));
	if (st->n >= 2)
	{
		for (Size i = 0; i < (Size) st->p * st->p; i++)
			C[i] /= (double) (st->n - 1);
		values[3] = PointerGetDatum(MakeFloat8Array(C, st->d, st->d));
	}
	else
		nulls[3] = true;
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}

PG_FUNCTION_INFO_V1(pref_pca_final_state);

/* pref.pca result: (n, mean, components, eigenvalues, explained_variance_ratio) */
Datum
pref_pca_final_state(PG_FUNCTION_ARGS)
{
	GramState  *st = GramFinal(fcinfo, GRAM_PCA);
	TupleDesc	tupdesc;
	Datum		values[5];
	bool		nulls[5] = {false};
	double	   *mean,
			   *C,
			   *comp,
			   *eig,
			   *ratio,
			   *wall,
			   *work;
	int		   *iwork;
	double		total;
	int			k,
				rc;

	if (st == NULL)
		PG_RETURN_NULL();
	if (st->n < 2)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("pref.pca needs at least 2 rows"),
				 errdetail("Got " INT64_FORMAT ".", st->n)));
	if (st->k > st->d)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("pref.pca: k (%d) must not exceed the dimension (%d)", st->k, st->d)));
	k = st->k;
	tupdesc = PrefResultDesc(fcinfo);
	PrefCheckMemory(sizeof(double) * ((double) gram_pca_work(st->d, k, true) + 3.0 * st->d * st->d),
					"pref.pca");
	GramCentered(st, &mean, &C);
	for (Size i = 0; i < (Size) st->p * st->p; i++)
		C[i] /= (double) (st->n - 1);
	comp = palloc(sizeof(double) * (Size) k * st->d);
	eig = palloc(sizeof(double) * k);
	ratio = palloc(sizeof(double) * k);
	wall = palloc(sizeof(double) * st->d);
	work = MemoryContextAllocHuge(CurrentMemoryContext, sizeof(double) * gram_pca_work(st->d, k, true));
	iwork = palloc(sizeof(int) * gram_pca_iwork(st->d, k, true));
	/* one dsyevd call up to d = 768 (tenths of a second), else in steps */
	CHECK_FOR_INTERRUPTS();
	rc = gram_pca(st->d, k, C, comp, eig, &total, wall, work, iwork, PrefInterruptTick);
	PrefLinalgError(rc, "pref.pca");
	for (int c = 0; c < k; c++)
		ratio[c] = total > 0 ? eig[c] / total : 0.0;
	values[0] = Int64GetDatum(st->n);
	values[1] = PointerGetDatum(MakeFloat8Array(mean, st->d, 0));
	values[2] = PointerGetDatum(MakeFloat8Array(comp, k, st->d));
	values[3] = PointerGetDatum(MakeFloat8Array(eig, k, 0));
	values[4] = PointerGetDatum(MakeFloat8Array(ratio, k, 0));
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}

PG_FUNCTION_INFO_V1(pref_ridge_final_state);

/* pref.ridge_fit result: a pref.linear_model of kind ridge */
Datum
pref_ridge_final_state(PG_FUNCTION_ARGS)
{
	GramState  *st = GramFinal(fcinfo, GRAM_RIDGE);
	PrefLinearModel m;
	double	   *mean,
			   *C,
			   *w,
			   *work;
	double		bias,
				sse,
				sst;
	int			rc;

	if (st == NULL)
		PG_RETURN_NULL();
	GramCentered(st, &mean, &C);
	w = palloc(sizeof(double) * st->d);
	work = MemoryContextAllocHuge(CurrentMemoryContext,
								  sizeof(double) * ((Size) st->d * st->d + st->d));
	rc = gram_ridge_solve(st->d, C, mean, st->lambda, w, &bias, &sse, &sst, work,
						  PrefInterruptTick);
	if (rc == LINALG_NOT_SPD)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("pref.ridge_fit: the system is singular"),
				 errdetail("The centred x columns are collinear or constant (" INT64_FORMAT " rows, dimension %d, lambda %g).",
						   st->n, st->d, st->lambda),
				 errhint("Use a positive lambda, e.g. pref.ridge_fit(x, y, 1e-3).")));
	PrefLinalgError(rc, "pref.ridge_fit");

	memset(&m, 0, sizeof(m));
	m.kind = "ridge";
	m.dim = st->d;
	m.weights = w;
	m.bias = bias;
	m.n_rows = st->n;
	m.n_skipped = st->nskipped;
	m.iterations = 1;
	m.converged = true;
	m.loss = sse / (double) st->n;
	m.accuracy = NAN;
	m.r2 = sst > 0 ? 1.0 - sse / sst : NAN;
	m.options = psprintf("{\"lambda\": %.17g, \"intercept\": true}", st->lambda);
	PG_RETURN_DATUM(PrefMakeLinearModel(fcinfo, &m));
}

PG_FUNCTION_INFO_V1(pref_pca_project);

/* Project x onto principal components: components (x - mean), one gemv */
Datum
pref_pca_project(PG_FUNCTION_ARGS)
{
	ArrayType  *xa = PG_GETARG_ARRAYTYPE_P(0);
	ArrayType  *ma = PG_GETARG_ARRAYTYPE_P(1);
	ArrayType  *ca = PG_GETARG_ARRAYTYPE_P(2);
	int			d,
				k;
	double	   *x,
			   *comp,
			   *out;

	x = PrefReadVector(xa, &d, "x");
	if (ARR_NDIM(ca) != 2 || ARR_DIMS(ca)[1] != d || ARR_ELEMTYPE(ca) != FLOAT8OID ||
		array_contains_nulls(ca))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("components must be a k x %d double precision matrix without NULLs", d),
				 errdetail("x has %d elements.", d)));
	k = ARR_DIMS(ca)[0];
	{
		double	   *mean = palloc(sizeof(double) * d);

		PrefReadVectorInto(ma, mean, d, "mean");
		linalg_axpy(d, -1.0, mean, x);
	}
	comp = (double *) ARR_DATA_PTR(ca);
	for (Size i = 0; i < (Size) k * d; i++)
		if (!isfinite(comp[i]))
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("components must not contain NaN or infinite values")));
	out = palloc(sizeof(double) * k);
	PrefApplyBlasThreads();
	linalg_gemv(0, k, d, 1.0, comp, x, 0.0, out);
	PG_RETURN_ARRAYTYPE_P(MakeFloat8Array(out, k, 0));
}
