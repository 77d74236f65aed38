/*
 * kmeans.c - SQL glue of k-means: the pass aggregate pref.kmeans_pass and
 * its state type pref.kmeans_state, pref.kmeans_assign and pref.kmeans.
 *
 * One Lloyd pass is one aggregate over the rows given the current
 * centroids: the state holds the centroids, per-centroid sums and counts
 * and the inertia, so two states over the same centroids add up (parallel
 * workers, Citus).  Rows are buffered in blocks and assigned by one dgemm
 * per block with an exact re-check of near ties (kmeans_core.c).  The flat
 * form, written only when the state is output, sent, stored or passed
 * between processes, has the buffer folded in (little-endian):
 *
 *   version uint8 (1), metric uint8, flags uint16 (zero), magic uint32 "KMNS",
 *   k int32, d int32, n int64, n_skipped int64, inertia float8,
 *   centroids (k x d float8), counts (k int64), sums (k x d float8)
 *
 * pref.kmeans reads an inner query (id, embedding) once, sorts it by id,
 * seeds with k-means++ (or takes initial centroids) and runs the same
 * passes in memory, skipping the rows whose centroid provably stays
 * (kmeans_assign_bounded): the same results bit for bit.
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
#include "utils/timestamp.h"

#include "common.h"
#include "kmeans_core.h"
#include "linalg.h"
#include "query.h"
#include "state.h"

#define KMEANS_MAGIC	0x4b4d4e53	/* "KMNS" */
#define KMEANS_VERSION	1
#define KMEANS_TYPE		"pref.kmeans_state"

static const char *const metric_names[] = {"l2", "cosine", NULL};

/* pref.kmeans seeding option */
#define SEEDING_PP		0
#define SEEDING_PAR		1
static const char *const seeding_names[] = {"k-means++", "k-means||", NULL};

typedef struct KmeansState
{
	int			metric;			/* KMEANS_L2 or KMEANS_COSINE */
	int			k;
	int			d;
	int64		n;				/* rows assigned or buffered */
	int64		nskipped;		/* rows with a NULL x */
	double		inertia;		/* sum of the distances of the folded rows */
	double	   *c;				/* k x d centroids (unit rows for cosine) */
	double	   *csq;			/* k squared norms */
	int64	   *counts;			/* k */
	double	   *sums;			/* k x d */
	int			nbuf;			/* rows in buf not yet folded */
	double	   *buf;			/* KMEANS_BLOCK_ROWS x d, NULL until needed */
	double	   *dist;			/* KMEANS_BLOCK_ROWS */
	int		   *label;			/* KMEANS_BLOCK_ROWS */
	double	   *work;			/* kmeans_assign_work(k) */
	Pointer		cptr;			/* centroids datum of the last row (in memory only) */
} KmeansState;

/* Header of the flat form */
typedef struct KmeansWire
{
	uint8		version;
	uint8		metric;
	uint16		flags;			/* reserved, zero */
	uint32		magic;
	int32		k;
	int32		d;
	int64		n;
	int64		nskipped;
	double		inertia;
} KmeansWire;

StaticAssertDecl(sizeof(KmeansWire) == 40, "KmeansWire must have no padding");

static struct varlena *KmeansFlatten(void *state);
static void *KmeansExpand(const struct varlena *flat, MemoryContext ctx);

static const PrefStateMethods KmeansMethods = {KMEANS_TYPE, KmeansFlatten, KmeansExpand};

/* Bytes of the flat payload, as a double for limit checks */
static double
KmeansFlatBytes(int k, int d)
{
	return sizeof(KmeansWire) + (double) k * (2.0 * d + 1.0) * 8.0;
}

/* Ensure the centroid matrix fits the 1 GB value limit and pgpref.max_memory */
static void
KmeansCheckSize(int k, int d, const char *what)
{
	if (KmeansFlatBytes(k, d) + VARHDRSZ > MaxAllocSize)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("%s: %d centroids of dimension %d are too many", what, k, d),
				 errdetail("The state would exceed the 1 GB value limit.")));
	PrefCheckMemory(8.0 * ((double) k * (3.0 * d + 2.0) + (double) KMEANS_BLOCK_ROWS * (d + k + 2)), what);
}

/*
 * Parse a k x d double precision[][] of centroids (no NULLs, finite;
 * unit rows for cosine, a zero row being an error) into a palloc'd array
 */
static double *
ParseCentroids(ArrayType *a, int metric, int *k, int *d, const char *what)
{
	double	   *c;
	Size		n;

	if (ARR_ELEMTYPE(a) != FLOAT8OID || ARR_NDIM(a) != 2 || array_contains_nulls(a))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("%s: centroids must be a two-dimensional double precision array without NULLs", what),
				 errdetail("Got a %d-dimensional array%s.", ARR_NDIM(a),
						   array_contains_nulls(a) ? " with NULLs" : ""),
				 errhint("Pass the k x d matrix pref.kmeans returns, e.g. ARRAY[[0, 0], [1, 1]]::float8[].")));
	*k = ARR_DIMS(a)[0];
	*d = ARR_DIMS(a)[1];
	KmeansCheckSize(*k, *d, what);
	n = (Size) *k * *d;
	c = palloc(sizeof(double) * n);
	memcpy(c, ARR_DATA_PTR(a), sizeof(double) * n);
	for (Size i = 0; i < n; i++)
		if (!isfinite(c[i]))
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("%s: centroids must not contain NaN or infinite values", what)));
	if (metric == KMEANS_COSINE)
		for (int j = 0; j < *k; j++)
			if (!kmeans_normalize(*d, c + (Size) j * *d))
				ereport(ERROR,
						(errcode(ERRCODE_DATA_EXCEPTION),
						 errmsg("%s: centroid %d is a zero vector", what, j + 1),
						 errdetail("Cosine distance is undefined for a zero vector."),
						 errhint("Use metric => 'l2', or other centroids.")));
	return c;
}

/* A state over centroids c (copied into ctx), without rows */
static KmeansState *
KmeansNew(MemoryContext ctx, int metric, int k, int d, const double *c)
{
	KmeansState *st = MemoryContextAllocZero(ctx, sizeof(KmeansState));

	st->metric = metric;
	st->k = k;
	st->d = d;
	st->c = MemoryContextAlloc(ctx, sizeof(double) * (Size) k * d);
	if (c)
		memcpy(st->c, c, sizeof(double) * (Size) k * d);
	st->csq = MemoryContextAlloc(ctx, sizeof(double) * k);
	st->counts = MemoryContextAllocZero(ctx, sizeof(int64) * k);
	st->sums = MemoryContextAllocZero(ctx, sizeof(double) * (Size) k * d);
	if (c)
		kmeans_sqnorms(k, d, st->c, st->csq);
	return st;
}

/* Ensure the row buffer and its scratch exist */
static void
KmeansAllocBuffer(KmeansState *st, MemoryContext ctx)
{
	if (st->buf != NULL)
		return;
	st->buf = MemoryContextAlloc(ctx, sizeof(double) * KMEANS_BLOCK_ROWS * st->d);
	st->dist = MemoryContextAlloc(ctx, sizeof(double) * KMEANS_BLOCK_ROWS);
	st->label = MemoryContextAlloc(ctx, sizeof(int) * KMEANS_BLOCK_ROWS);
	st->work = MemoryContextAlloc(ctx, sizeof(double) * kmeans_assign_work(st->k));
}

/* Assign and fold the buffered rows */
static void
KmeansFlush(KmeansState *st)
{
	if (st->nbuf == 0)
		return;
	PrefApplyBlasThreads();
	kmeans_assign_block(st->nbuf, st->d, st->k, st->metric, st->buf, st->c, st->csq,
						st->label, st->dist, st->work);
	kmeans_accumulate(st->nbuf, st->d, st->buf, st->label, st->dist, st->sums,
					  st->counts, &st->inertia);
	st->nbuf = 0;
	if (!isfinite(st->inertia))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("pref.kmeans_pass: the distances overflow the double precision range"),
				 errhint("Scale the input down.")));
}

/* Count one row in *count, with an overflow check */
static void
KmeansCount(int64 *count)
{
	if (unlikely(*count == PG_INT64_MAX))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("pref.kmeans_pass: row count out of range")));
	(*count)++;
}

/* Metric option argument argno (or l2 when argno < 0) */
static int
MetricArg(FunctionCallInfo fcinfo, int argno)
{
	if (argno < 0)
		return KMEANS_L2;
	PrefCheckNotNull(fcinfo, argno, "metric");
	return PrefParseOption(text_to_cstring(PG_GETARG_TEXT_PP(argno)), metric_names, "metric");
}

/*
 * Ensure the centroids argument of this row equals the state's: checked in
 * full whenever the datum's address changes (a constant, parameter or
 * scalar subquery keeps one address for the whole scan)
 */
static void
KmeansCheckCentroids(FunctionCallInfo fcinfo, KmeansState *st, int metric)
{
	Pointer		p = DatumGetPointer(PG_GETARG_DATUM(2));
	int			k,
				d;
	double	   *c;

	if (st->metric != metric)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("pref.kmeans_pass: metric must be the same on every row")));
	if (p == st->cptr)
		return;
	c = ParseCentroids(PG_GETARG_ARRAYTYPE_P(2), metric, &k, &d, "pref.kmeans_pass");
	if (k != st->k || d != st->d || memcmp(c, st->c, sizeof(double) * (Size) k * d) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("pref.kmeans_pass: centroids must be the same on every row"),
				 errhint("Pass the centroids as a constant, a parameter or a scalar subquery.")));
	pfree(c);
	st->cptr = p;
}

/*
 * Common transition: arguments (state, x, centroids [, metric]); the state
 * is created on the first row, NULL x rows are counted as skipped.
 */
static Datum
KmeansAccum(FunctionCallInfo fcinfo, int metric_argno)
{
	MemoryContext aggctx = PrefAggContext(fcinfo, "pref.kmeans_pass");
	int			metric;
	PrefState  *ps;
	KmeansState *st;
	ArrayType  *x;
	double	   *row;

	PrefCheckNotNull(fcinfo, 2, "centroids");
	metric = MetricArg(fcinfo, metric_argno);
	ps = PrefStateArg(fcinfo, 0, &KmeansMethods, aggctx);
	if (ps == NULL)
	{
		int			k,
					d;
		double	   *c = ParseCentroids(PG_GETARG_ARRAYTYPE_P(2), metric, &k, &d, "pref.kmeans_pass");

		ps = PrefStateCreate(&KmeansMethods, aggctx);
		ps->state = KmeansNew(PrefStateMemory(ps), metric, k, d, c);
		((KmeansState *) ps->state)->cptr = DatumGetPointer(PG_GETARG_DATUM(2));
		pfree(c);
	}
	st = (KmeansState *) ps->state;
	KmeansCheckCentroids(fcinfo, st, metric);
	if (PG_ARGISNULL(1))
	{
		KmeansCount(&st->nskipped);
		PG_RETURN_DATUM(PrefStateDatum(ps));
	}
	x = PG_GETARG_ARRAYTYPE_P(1);
	if (ARR_NDIM(x) != 1 || ARR_DIMS(x)[0] != st->d)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("pref.kmeans_pass: x has %d elements, the centroids %d",
						ARR_NDIM(x) == 1 ? ARR_DIMS(x)[0] : 0, st->d),
				 errdetail("Every x must be a one-dimensional array of the centroids' dimension.")));
	KmeansAllocBuffer(st, PrefStateMemory(ps));
	row = st->buf + (Size) st->nbuf * st->d;
	PrefReadVectorInto(x, row, st->d, "x");
	if (st->metric == KMEANS_COSINE && !kmeans_normalize(st->d, row))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("pref.kmeans_pass: x is a zero vector"),
				 errdetail("Cosine distance is undefined for a zero vector."),
				 errhint("Use metric => 'l2', or leave such rows out.")));
	KmeansCount(&st->n);
	if (++st->nbuf == KMEANS_BLOCK_ROWS)
		KmeansFlush(st);
	PG_RETURN_DATUM(PrefStateDatum(ps));
}

PG_FUNCTION_INFO_V1(pref_kmeans_pass_accum_real);

/* pref.kmeans_pass transition, real[] rows, metric l2 */
Datum
pref_kmeans_pass_accum_real(PG_FUNCTION_ARGS)
{
	return KmeansAccum(fcinfo, -1);
}

PG_FUNCTION_INFO_V1(pref_kmeans_pass_accum_double);

/* pref.kmeans_pass transition, double precision[] rows, metric l2 */
Datum
pref_kmeans_pass_accum_double(PG_FUNCTION_ARGS)
{
	return KmeansAccum(fcinfo, -1);
}

PG_FUNCTION_INFO_V1(pref_kmeans_pass_accum_real_metric);

/* pref.kmeans_pass transition, real[] rows, metric argument */
Datum
pref_kmeans_pass_accum_real_metric(PG_FUNCTION_ARGS)
{
	return KmeansAccum(fcinfo, 3);
}

PG_FUNCTION_INFO_V1(pref_kmeans_pass_accum_double_metric);

/* pref.kmeans_pass transition, double precision[] rows, metric argument */
Datum
pref_kmeans_pass_accum_double_metric(PG_FUNCTION_ARGS)
{
	return KmeansAccum(fcinfo, 3);
}

/* An empty state over the same metric and centroids as like (for combine) */
static void *
KmeansEmptyLike(MemoryContext ctx, const void *like)
{
	const KmeansState *b = like;

	return KmeansNew(ctx, b->metric, b->k, b->d, b->c);
}

/* Fold state b into a: same metric and centroids; b's buffer folded first */
static void
KmeansMerge(void *into, void *from, MemoryContext ctx pg_attribute_unused())
{
	KmeansState *a = into;
	KmeansState *b = from;

	if (a->metric != b->metric || a->k != b->k || a->d != b->d ||
		memcmp(a->c, b->c, sizeof(double) * (Size) a->k * a->d) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("pref.kmeans_pass: cannot combine states over different centroids or metrics")));
	KmeansFlush(a);
	KmeansFlush(b);
	if (pg_add_s64_overflow(a->n, b->n, &a->n) ||
		pg_add_s64_overflow(a->nskipped, b->nskipped, &a->nskipped))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("pref.kmeans_pass: row count out of range")));
	for (int j = 0; j < a->k; j++)
		a->counts[j] += b->counts[j];
	linalg_axpy(a->k * a->d, 1.0, b->sums, a->sums);
	a->inertia += b->inertia;
	if (!isfinite(a->inertia))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("pref.kmeans_pass: the distances overflow the double precision range")));
}

PG_FUNCTION_INFO_V1(pref_kmeans_pass_combine);

/* Combine function of pref.kmeans_pass: adds two states over the same centroids */
Datum
pref_kmeans_pass_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggctx = PrefAggContext(fcinfo, "pref.kmeans_pass_combine");

	return PrefStateCombine(fcinfo, &KmeansMethods, aggctx, KmeansEmptyLike, KmeansMerge);
}

/* Flat form of a state (buffer folded first); see the file header */
static struct varlena *
KmeansFlatten(void *state)
{
	KmeansState *st = (KmeansState *) state;
	Size		bytes = (Size) KmeansFlatBytes(st->k, st->d);
	Size		kd = (Size) st->k * st->d;
	KmeansWire	h;
	struct varlena *out;
	char	   *p;

	KmeansFlush(st);
	memset(&h, 0, sizeof(h));
	h.version = KMEANS_VERSION;
	h.metric = (uint8) st->metric;
	h.magic = KMEANS_MAGIC;
	h.k = st->k;
	h.d = st->d;
	h.n = st->n;
	h.nskipped = st->nskipped;
	h.inertia = st->inertia;
	out = palloc(VARHDRSZ + bytes);
	SET_VARSIZE(out, VARHDRSZ + bytes);
	p = VARDATA(out);
	memcpy(p, &h, sizeof(h));
	p += sizeof(h);
	memcpy(p, st->c, sizeof(double) * kd);
	p += sizeof(double) * kd;
	memcpy(p, st->counts, sizeof(int64) * st->k);
	p += sizeof(int64) * st->k;
	memcpy(p, st->sums, sizeof(double) * kd);
	return out;
}

/*
 * Validate a flat state completely and build it in ctx: version, magic,
 * reserved fields, metric, sizes (bounded by the 1 GB value limit), exact
 * payload length, counts non-negative and adding up to n, every number
 * finite, cosine centroids of unit length.
 */
static void *
KmeansExpand(const struct varlena *flat, MemoryContext ctx)
{
	PrefWire	w;
	KmeansWire	h;
	KmeansState *st;
	double		want;
	int64		total = 0;

	PrefWireInit(&w, flat, KMEANS_TYPE);
	PrefWireRead(&w, &h, sizeof(h));
	if (h.version != KMEANS_VERSION)
		PrefStateCorrupt(KMEANS_TYPE, psprintf("The value has version %d; this library reads version %d.",
											   h.version, KMEANS_VERSION));
	PrefWireCheck(&w, h.magic == KMEANS_MAGIC, "The value does not carry the pref.kmeans_state magic number.");
	PrefWireCheck(&w, h.flags == 0, "Reserved header fields must be zero.");
	PrefWireCheck(&w, h.metric <= KMEANS_COSINE, "Unknown metric.");
	PrefWireCheck(&w, h.k >= 1 && h.d >= 1, "k and the dimension must be positive.");
	PrefWireCheck(&w, h.n >= 0 && h.nskipped >= 0, "Row counts must not be negative.");
	PrefWireCheck(&w, isfinite(h.inertia) && h.inertia >= 0, "The inertia must be finite and non-negative.");
	want = KmeansFlatBytes(h.k, h.d);
	if (want + VARHDRSZ > MaxAllocSize)
		PrefStateCorrupt(KMEANS_TYPE, psprintf("%d centroids of dimension %d are out of range.", h.k, h.d));
	PrefWireCheck(&w, PrefWireLeft(&w) >= (Size) want - sizeof(KmeansWire), "The value is truncated.");
	PrefWireCheck(&w, PrefWireLeft(&w) <= (Size) want - sizeof(KmeansWire), "The value has trailing bytes.");

	st = KmeansNew(ctx, h.metric, h.k, h.d, NULL);
	st->n = h.n;
	st->nskipped = h.nskipped;
	st->inertia = h.inertia;
	PrefWireReadFinite(&w, st->c, (Size) h.k * h.d, PREF_WIRE_NOT_FINITE);
	PrefWireReadArray(&w, st->counts, h.k, sizeof(int64));
	PrefWireReadFinite(&w, st->sums, (Size) h.k * h.d, PREF_WIRE_NOT_FINITE);
	PrefWireEnd(&w);
	for (int j = 0; j < h.k; j++)
	{
		if (st->counts[j] < 0 || pg_add_s64_overflow(total, st->counts[j], &total))
			PrefStateCorrupt(KMEANS_TYPE, "Counts must be non-negative.");
		if (h.metric == KMEANS_COSINE)
		{
			const double *cj = st->c + (Size) j * h.d;

			if (fabs(linalg_det_dot(h.d, cj, cj) - 1.0) > 1e-9)
				PrefStateCorrupt(KMEANS_TYPE, "Cosine centroids must have unit length.");
		}
	}
	if (total != h.n)
		PrefStateCorrupt(KMEANS_TYPE, "The counts must add up to the rows used.");
	kmeans_sqnorms(h.k, h.d, st->c, st->csq);
	return st;
}

/* Text ("v1:" + base64) and binary I/O, validated on input */
PGPREF_STATE_TYPE_IO(kmeans_state, &KmeansMethods)

/* float8[] of n elements, or a rows x cols float8[][] */
static ArrayType *
Float8Array(const double *v, int rows, int cols)
{
	int			ndim = cols > 0 ? 2 : 1;
	int			dims[2] = {rows, cols};
	int			lbs[2] = {1, 1};
	Size		n = (Size) rows * (cols > 0 ? cols : 1);
	Datum	   *el = palloc(sizeof(Datum) * Max(n, 1));

	for (Size i = 0; i < n; i++)
		el[i] = Float8GetDatum(v[i]);
	return construct_md_array(el, NULL, ndim, dims, lbs, FLOAT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE);
}

/* bigint[] of n elements */
static ArrayType *
Int8Array(const int64 *v, int n)
{
	Datum	   *el = palloc(sizeof(Datum) * Max(n, 1));

	for (int i = 0; i < n; i++)
		el[i] = Int64GetDatum(v[i]);
	return construct_array(el, n, INT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE);
}

PG_FUNCTION_INFO_V1(pref_kmeans_pass_final);

/*
 * pref.kmeans_pass result (pref.kmeans_step): the updated centroids, the
 * rows per centroid, the inertia against the given centroids, the total
 * squared shift, rows used and skipped; NULL without rows
 */
Datum
pref_kmeans_pass_final(PG_FUNCTION_ARGS)
{
	KmeansState *st;
	TupleDesc	tupdesc;
	Datum		values[6];
	bool		nulls[6] = {false};
	double	   *newc,
				shift;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	st = (KmeansState *) PrefStateRead(PG_GETARG_DATUM(0), &KmeansMethods);
	KmeansFlush(st);
	if (st->n == 0)
		PG_RETURN_NULL();
	tupdesc = PrefResultDesc(fcinfo);
	newc = palloc(sizeof(double) * (Size) st->k * st->d);
	shift = kmeans_update(st->k, st->d, st->metric, st->c, st->sums, st->counts, newc);
	values[0] = PointerGetDatum(Float8Array(newc, st->k, st->d));
	values[1] = PointerGetDatum(Int8Array(st->counts, st->k));
	values[2] = Float8GetDatum(st->inertia);
	values[3] = Float8GetDatum(shift);
	values[4] = Int64GetDatum(st->n);
	values[5] = Int64GetDatum(st->nskipped);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}

/* Parsed centroids of pref.kmeans_assign, cached by content in fn_extra */
typedef struct AssignCache
{
	int			metric;
	int			k;
	int			d;
	Size		rawlen;
	char	   *raw;			/* the array's data bytes as given */
	double	   *c;				/* parsed (unit rows for cosine) */
} AssignCache;

/* pref.kmeans_assign(x, centroids, metric) -> (cluster, distance) */
static Datum
KmeansAssign(FunctionCallInfo fcinfo)
{
	ArrayType  *x = PG_GETARG_ARRAYTYPE_P(0);
	ArrayType  *ca = PG_GETARG_ARRAYTYPE_P(1);
	int			metric = MetricArg(fcinfo, 2);
	AssignCache *cache = (AssignCache *) fcinfo->flinfo->fn_extra;
	Size		rawlen = ARR_SIZE(ca);
	TupleDesc	tupdesc;
	Datum		values[2];
	bool		nulls[2] = {false};
	double	   *row,
				dist;
	int			j;

	if (cache == NULL || cache->metric != metric || cache->rawlen != rawlen ||
		memcmp(cache->raw, ca, rawlen) != 0)
	{
		MemoryContext old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);
		AssignCache *nc = palloc0(sizeof(AssignCache));

		nc->c = ParseCentroids(ca, metric, &nc->k, &nc->d, "pref.kmeans_assign");
		nc->metric = metric;
		nc->rawlen = rawlen;
		nc->raw = palloc(rawlen);
		memcpy(nc->raw, ca, rawlen);
		MemoryContextSwitchTo(old);
		if (cache)
		{
			pfree(cache->raw);
			pfree(cache->c);
			pfree(cache);
		}
		fcinfo->flinfo->fn_extra = cache = nc;
	}
	if (ARR_NDIM(x) != 1 || ARR_DIMS(x)[0] != cache->d)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("pref.kmeans_assign: x has %d elements, the centroids %d",
						ARR_NDIM(x) == 1 ? ARR_DIMS(x)[0] : 0, cache->d)));
	row = palloc(sizeof(double) * cache->d);
	PrefReadVectorInto(x, row, cache->d, "x");
	if (metric == KMEANS_COSINE && !kmeans_normalize(cache->d, row))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("pref.kmeans_assign: x is a zero vector"),
				 errdetail("Cosine distance is undefined for a zero vector."),
				 errhint("Use metric => 'l2'.")));
	j = kmeans_nearest(cache->d, cache->k, metric, row, cache->c, &dist);
	tupdesc = PrefResultDesc(fcinfo);
	values[0] = Int32GetDatum(j + 1);
	values[1] = Float8GetDatum(dist);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}

PG_FUNCTION_INFO_V1(pref_kmeans_assign_real);

/* pref.kmeans_assign for real[] rows */
Datum
pref_kmeans_assign_real(PG_FUNCTION_ARGS)
{
	return KmeansAssign(fcinfo);
}

PG_FUNCTION_INFO_V1(pref_kmeans_assign_double);

/* pref.kmeans_assign for double precision[] rows */
Datum
pref_kmeans_assign_double(PG_FUNCTION_ARGS)
{
	return KmeansAssign(fcinfo);
}

/* Let the core respond to cancel and statement_timeout */
static void
KmeansTick(void *arg)
{
	(void) arg;
	CHECK_FOR_INTERRUPTS();
}

/* Buffers of the in-memory Lloyd passes (bounded assignment) */
typedef struct LloydBuffers
{
	int		   *label;			/* n */
	double	   *dist;			/* n */
	double	   *lower;			/* n */
	double	   *work;			/* kmeans_bounded_work(k, d) */
	int		   *iwork;			/* KMEANS_BLOCK_ROWS */
	int64		nfull;			/* rows assigned in full, all passes */
} LloydBuffers;

/*
 * One Lloyd pass over n rows in memory against c (k x d, norms csq):
 * per-centroid sums and counts and the inertia.  The labels and distances
 * are those of the aggregate's blocks (kmeans_assign_bounded skips only
 * rows whose centroid provably stays); the sums and the inertia add the
 * rows in row order as the aggregate does, so the results are bit-identical.
 * c_old: the previous pass's centroids, NULL on the first pass.
 */
static double
LloydPass(int64 n, int d, int k, int metric, const double *x, const double *c,
		  const double *csq, const double *c_old, double *sums, int64 *counts,
		  LloydBuffers *lb)
{
	double		inertia = 0;

	memset(sums, 0, sizeof(double) * (Size) k * d);
	memset(counts, 0, sizeof(int64) * k);
	PrefApplyBlasThreads();
	lb->nfull += kmeans_assign_bounded(n, d, k, metric, x, c, csq, c_old, lb->label, lb->dist,
									   lb->lower, lb->work, lb->iwork, KmeansTick, NULL);
	CHECK_FOR_INTERRUPTS();
	kmeans_accumulate(n, d, x, lb->label, lb->dist, sums, counts, &inertia);
	return inertia;
}

/*
 * k-means|| seeding with its buffers (freed before the passes); returns
 * the core's code
 */
static int
ParSeed(int64 n, int d, int k, int metric, const double *x, uint64 seed, double *c)
{
	KmeansParWork w;
	int			rc;

	PrefCheckMemory(32.0 * n + 8.0 * KMEANS_BLOCK_ROWS * (d + KMEANS_BLOCK_ROWS + 3), "kmeans");
	w.d2 = palloc_extended(sizeof(double) * (Size) n, MCXT_ALLOC_HUGE);
	w.owner = palloc_extended(sizeof(int64) * (Size) n, MCXT_ALLOC_HUGE);
	w.cand = palloc_extended(sizeof(int64) * (Size) n, MCXT_ALLOC_HUGE);
	w.wt = palloc_extended(sizeof(double) * (Size) n, MCXT_ALLOC_HUGE);
	w.cx = palloc(sizeof(double) * KMEANS_BLOCK_ROWS * d);
	w.csq = palloc(sizeof(double) * KMEANS_BLOCK_ROWS);
	w.dots = palloc(sizeof(double) * kmeans_assign_work(KMEANS_BLOCK_ROWS));
	w.dist = palloc(sizeof(double) * KMEANS_BLOCK_ROWS);
	w.label = palloc(sizeof(int) * KMEANS_BLOCK_ROWS);
	PrefApplyBlasThreads();
	rc = kmeans_par_seed(n, d, k, metric, x, seed, c, &w, KmeansTick, NULL);
	pfree(w.d2);
	pfree(w.owner);
	pfree(w.cand);
	pfree(w.wt);
	pfree(w.cx);
	pfree(w.csq);
	pfree(w.dots);
	pfree(w.dist);
	pfree(w.label);
	return rc;
}

/* Mean per-dimension variance of the rows (scales tol, as scikit-learn) */
static double
MeanVariance(int64 n, int d, const double *x)
{
	double	   *mean = palloc0(sizeof(double) * d);
	double		ss = 0;

	for (int64 i = 0; i < n; i++)
		for (int t = 0; t < d; t++)
			mean[t] += x[(Size) i * d + t];
	for (int t = 0; t < d; t++)
		mean[t] /= (double) n;
	for (int64 i = 0; i < n; i++)
		ss += linalg_det_sqdist(d, x + (Size) i * d, mean);
	pfree(mean);
	return ss / ((double) n * d);
}

PG_FUNCTION_INFO_V1(pref_kmeans);

/*
 * pref.kmeans(sql, k, max_iter, tol, seed, metric, init, seeding) -> (centroids,
 * sizes, inertia, inertia_history, iterations, converged, n_rows,
 * n_skipped).  Rows are read once and sorted by id; Lloyd passes run until
 * the total squared centroid shift is at most tol times the mean
 * per-dimension variance, or max_iter passes.
 */
Datum
pref_kmeans(PG_FUNCTION_ARGS)
{
	static const PrefQueryColumn cols[] = {
		{"id", PREF_COL_ID, false, false},
		{"embedding", PREF_COL_VECTOR, false, false},
	};
	const char *what = "kmeans";
	char	   *sql;
	int32		k,
				max_iter;
	double		tol,
				tol_scaled;
	int64		seed;
	int			metric,
				seeding,
				d,
				iter = 0;
	bool		converged = false,
				rows_safe;
	PrefQueryResult *res;
	int64		n,
			   *keys;
	double	   *x,
			   *c,
			   *newc,
			   *csq,
			   *sums,
			   *work,
			   *hist;
	int64	   *counts;
	LloydBuffers lb;
	TupleDesc	tupdesc;
	Datum		values[8];
	bool		nulls[8] = {false};
	TimestampTz start,
				last;

	PrefCheckNotNull(fcinfo, 0, "sql");
	PrefCheckNotNull(fcinfo, 1, "k");
	PrefCheckNotNull(fcinfo, 2, "max_iter");
	PrefCheckNotNull(fcinfo, 3, "tol");
	PrefCheckNotNull(fcinfo, 4, "seed");
	metric = MetricArg(fcinfo, 5);
	PrefCheckNotNull(fcinfo, 7, "seeding");
	seeding = PrefParseOption(text_to_cstring(PG_GETARG_TEXT_PP(7)), seeding_names, "seeding");
	sql = text_to_cstring(PG_GETARG_TEXT_PP(0));
	k = PG_GETARG_INT32(1);
	max_iter = PG_GETARG_INT32(2);
	tol = PG_GETARG_FLOAT8(3);
	seed = PG_GETARG_INT64(4);
	if (k < 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("k must be positive"),
				 errdetail("Got %d.", k)));
	if (max_iter < 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("max_iter must be positive"),
				 errdetail("Got %d.", max_iter)));
	if (!isfinite(tol) || tol < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("tol must be finite and non-negative"),
				 errdetail("Got %g.", tol)));
	tupdesc = PrefResultDesc(fcinfo);

	res = PrefReadQueryIds(sql, cols, 2, what, PREF_ID_ANY);
	if (res->skipped > 0)
		ereport(NOTICE,
				(errmsg("%s: skipped " INT64_FORMAT " rows with NULL id or embedding", what, res->skipped)));
	n = res->nrows;
	if (n == 0)
		PG_RETURN_NULL();
	d = res->dim[1];
	if (n < k)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("kmeans: k (%d) exceeds the number of rows (" INT64_FORMAT ")", k, n)));
	KmeansCheckSize(k, d, what);
	PrefCheckMemory(8.0 * n * (d + 6.0) + 8.0 * (double) (max_iter + 1) +
					8.0 * (double) kmeans_bounded_work(k, d), what);
	/* rows in id order, so the result does not depend on the query's order */
	PrefSortResultById(res, 0, what, true);
	x = PREF_QUERY_VECTOR(res, 1);
	keys = PREF_QUERY_ID(res, 0);
	if (metric == KMEANS_COSINE)
		for (int64 i = 0; i < n; i++)
			if (!kmeans_normalize(d, x + (Size) i * d))
				ereport(ERROR,
						(errcode(ERRCODE_DATA_EXCEPTION),
						 errmsg("%s: embedding of id %s is a zero vector", what, PrefIdString(res->ids[0], keys[i])),
						 errdetail("Cosine distance is undefined for a zero vector."),
						 errhint("Use metric => 'l2', or leave such rows out of the query.")));

	/* initial centroids: given, or k-means++ */
	work = palloc_extended(sizeof(double) * Max((Size) n, kmeans_assign_work(k)), MCXT_ALLOC_HUGE);
	if (!PG_ARGISNULL(6))
	{
		int			k2,
					d2;

		c = ParseCentroids(PG_GETARG_ARRAYTYPE_P(6), metric, &k2, &d2, what);
		if (k2 != k || d2 != d)
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("kmeans: init is %d x %d, expected k x d = %d x %d", k2, d2, k, d),
					 errhint("Pass one row per centroid, each of the embeddings' dimension.")));
	}
	else
	{
		int			rc = KMEANS_FEW_DISTINCT;

		c = palloc(sizeof(double) * (Size) k * d);
		if (seeding == SEEDING_PAR)
			rc = ParSeed(n, d, k, metric, x, (uint64) seed, c);
		/* k-means|| candidates with fewer than k distinct rows: k-means++ */
		if (rc != KMEANS_OK)
			rc = kmeans_pp_seed(n, d, k, metric, x, (uint64) seed, c, work, KmeansTick, NULL);
		if (rc != KMEANS_OK)
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("kmeans: fewer than k = %d distinct rows", k),
					 errhint("Use a smaller k.")));
	}

	newc = palloc(sizeof(double) * (Size) k * d);
	csq = palloc(sizeof(double) * k);
	sums = palloc(sizeof(double) * (Size) k * d);
	counts = palloc(sizeof(int64) * k);
	lb.label = palloc_extended(sizeof(int) * (Size) n, MCXT_ALLOC_HUGE);
	lb.dist = palloc_extended(sizeof(double) * (Size) n, MCXT_ALLOC_HUGE);
	lb.lower = palloc_extended(sizeof(double) * (Size) n, MCXT_ALLOC_HUGE);
	lb.work = palloc_extended(sizeof(double) * kmeans_bounded_work(k, d), MCXT_ALLOC_HUGE);
	lb.iwork = palloc(sizeof(int) * KMEANS_BLOCK_ROWS);
	lb.nfull = 0;
	rows_safe = kmeans_bounds_safe(n * d, x);
	hist = palloc(sizeof(double) * (max_iter + 1));
	tol_scaled = tol > 0 ? tol * MeanVariance(n, d, x) : 0;
	start = last = GetCurrentTimestamp();

	while (iter < max_iter)
	{
		double		shift;
		double	   *tmp;
		TimestampTz now;

		kmeans_sqnorms(k, d, c, csq);
		hist[iter] = LloydPass(n, d, k, metric, x, c, csq, iter > 0 && rows_safe ? newc : NULL,
							   sums, counts, &lb);
		shift = kmeans_update(k, d, metric, c, sums, counts, newc);
		tmp = c;
		c = newc;
		newc = tmp;
		iter++;
		now = GetCurrentTimestamp();
		if (pgpref_progress_s > 0 && TimestampDifferenceExceeds(last, now, pgpref_progress_s * 1000))
		{
			ereport(NOTICE,
					(errmsg("%s: iteration %d of at most %d, inertia %.6g, after %.0f s", what, iter,
							max_iter, hist[iter - 1], (double) (now - start) / 1e6)));
			last = now;
		}
		if (shift <= tol_scaled)
		{
			converged = true;
			break;
		}
	}
	/* the inertia and sizes of the returned centroids */
	kmeans_sqnorms(k, d, c, csq);
	hist[iter] = LloydPass(n, d, k, metric, x, c, csq, rows_safe ? newc : NULL, sums, counts, &lb);
	elog(DEBUG1, "%s: %d passes, " INT64_FORMAT " of " INT64_FORMAT " row assignments computed in full",
		 what, iter + 1, lb.nfull, n * (iter + 1));

	values[0] = PointerGetDatum(Float8Array(c, k, d));
	values[1] = PointerGetDatum(Int8Array(counts, k));
	values[2] = Float8GetDatum(hist[iter]);
	values[3] = PointerGetDatum(Float8Array(hist, iter + 1, 0));
	values[4] = Int32GetDatum(iter);
	values[5] = BoolGetDatum(converged);
	values[6] = Int64GetDatum(n);
	values[7] = Int64GetDatum(res->skipped);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}
