/*
 * greedi.c - pref.select_greedi: partition-mergeable facility location in
 * two rounds, in the style of GreeDi (Mirzasoleiman et al. 2013).
 *
 * The state, pref.greedi_state, is a set of candidate rows (id, embedding,
 * quality, gain).  A transition adds the row; when a state holds more than
 * its bound B = max(4k, 2048) candidates, lazy greedy facility location
 * (subset_core.c, cosine, lambda 1) over them, sorted by id, keeps its k
 * picks with their gains.  combine keeps the union of two states and
 * reduces it the same way when it exceeds B; the final function runs the
 * greedy over the union and returns the k ids in pick order.  Greedy runs
 * on exact similarities with ties to the smaller id, so a given set of
 * candidates gives the same picks whatever the BLAS kernel and the order
 * of the rows or of the combined states.
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

#include "common.h"
#include "state.h"
#include "subset_core.h"

#define GREEDI_MAGIC	0x47524449	/* "GRDI" */
#define GREEDI_VERSION	1
#define GREEDI_TYPE		"pref.greedi_state"
#define GREEDI_MIN_BOUND 2048
#define GREEDI_MAX_K	100000
#define GREEDI_MAX_DIM	100000

typedef struct GreediState
{
	int32		k;				/* picks wanted */
	int32		d;				/* dimension (0 until the first row) */
	bool		has_quality;	/* the 4-argument aggregates */
	int64		nrows;			/* rows folded in (held or reduced away) */
	int64		nskipped;		/* rows with a NULL id, embedding or quality */
	int64		nreduce;		/* greedy reductions so far */
	int64		count;			/* candidates held */
	int64		cap;			/* allocated candidates */
	int64	   *id;
	double	   *x;				/* count x d, as given */
	double	   *q;				/* count, or NULL */
	double	   *gain;			/* count; NaN until a reduction kept the row */
} GreediState;

/* Header of the flat form */
typedef struct GreediWire
{
	uint8		version;
	uint8		has_quality;
	uint16		flags;			/* reserved, zero */
	uint32		magic;
	int32		k;
	int32		d;
	int64		nrows;
	int64		nskipped;
	int64		nreduce;
	int64		count;
} GreediWire;

StaticAssertDecl(sizeof(GreediWire) == 48, "GreediWire must have no padding");

static struct varlena *GreediFlatten(void *state);
static void *GreediExpand(const struct varlena *flat, MemoryContext ctx);

static const PrefStateMethods GreediMethods = {GREEDI_TYPE, GreediFlatten, GreediExpand};

/* Candidates a state may hold before greedy reduces it to k */
static inline int64
GreediBound(int32 k)
{
	return Max((int64) 4 * k, GREEDI_MIN_BOUND);
}

/* Bytes of the flat payload for count candidates */
static double
GreediFlatBytes(int64 count, int d, bool has_quality)
{
	return sizeof(GreediWire) +
		(double) count * (sizeof(int64) + sizeof(double) * ((double) d + 1.0 + (has_quality ? 1.0 : 0.0)));
}

/* A state without rows in ctx */
static GreediState *
GreediNew(MemoryContext ctx, int32 k, bool has_quality)
{
	GreediState *st = MemoryContextAllocZero(ctx, sizeof(GreediState));

	st->k = k;
	st->has_quality = has_quality;
	return st;
}

/* Ensure room for want candidates of dimension st->d */
static void
GreediReserve(GreediState *st, int64 want, MemoryContext ctx)
{
	int64		cap;

	if (want <= st->cap)
		return;
	cap = Max(want, Min(st->cap * 2, GreediBound(st->k) * 2 + 1));
	cap = Max(cap, 64);
	PrefCheckMemory(GreediFlatBytes(cap, st->d, st->has_quality), "select_greedi");
	if (st->id == NULL)
	{
		st->id = MemoryContextAllocHuge(ctx, sizeof(int64) * cap);
		st->x = MemoryContextAllocHuge(ctx, sizeof(double) * (Size) cap * Max(st->d, 1));
		st->gain = MemoryContextAllocHuge(ctx, sizeof(double) * cap);
		if (st->has_quality)
			st->q = MemoryContextAllocHuge(ctx, sizeof(double) * cap);
	}
	else
	{
		st->id = repalloc_huge(st->id, sizeof(int64) * cap);
		st->x = repalloc_huge(st->x, sizeof(double) * (Size) cap * Max(st->d, 1));
		st->gain = repalloc_huge(st->gain, sizeof(double) * cap);
		if (st->has_quality)
			st->q = repalloc_huge(st->q, sizeof(double) * cap);
	}
	st->cap = cap;
}

/* Order candidate indices by id (qsort_arg comparator; arg: the ids) */
static int
GreediIdCmp(const void *a, const void *b, void *arg)
{
	const int64 *id = (const int64 *) arg;
	int64		x = id[*(const int64 *) a],
				y = id[*(const int64 *) b];

	return x < y ? -1 : (x > y ? 1 : 0);
}

/* Let the greedy respond to cancel and statement_timeout */
static void
GreediTick(void *arg)
{
	(void) arg;
	CHECK_FOR_INTERRUPTS();
}

/*
 * Lazy greedy facility location over the candidates, sorted by id (the
 * same row twice counts once; a repeated id with another embedding or
 * quality is an error), keeping at most keep picks in pick order with
 * their gains.
 */
static void
GreediReduce(GreediState *st, int64 keep)
{
	int64		n = st->count;
	int			d = st->d;
	int64	   *order;
	int64	   *sid;
	double	   *sx,
			   *sq = NULL;
	SubsetData	sd;
	SubsetFLParams flp;
	SubsetResult out;
	void	   *work;
	int64		kk = Min(keep, n);
	int64	   *nid;
	double	   *nx,
			   *nq = NULL,
			   *ngain;

	if (n == 0)
		return;
	memset(&flp, 0, sizeof(flp));
	flp.lambda = st->has_quality ? 1.0 : 0.0;
	flp.greedy = SUBSET_LAZY;
	flp.storage = SUBSET_FL_DENSE;
	PrefCheckMemory((double) subset_fl_work(n, d, &flp) + (double) n * (d + 3) * sizeof(double) * 2,
					"select_greedi");

	order = palloc(sizeof(int64) * n);
	for (int64 i = 0; i < n; i++)
		order[i] = i;
	qsort_arg(order, n, sizeof(int64), GreediIdCmp, st->id);
	sid = palloc(sizeof(int64) * n);
	sx = palloc_extended(sizeof(double) * (Size) n * d, MCXT_ALLOC_HUGE);
	if (st->has_quality)
		sq = palloc(sizeof(double) * n);
	/* sorted by id; a repeated id is an error unless the row is the same */
	{
		int64		m = 0;

		for (int64 t = 0; t < n; t++)
		{
			int64		r = order[t];

			if (m > 0 && st->id[r] == sid[m - 1])
			{
				int64		prev = order[m - 1];

				if (memcmp(st->x + (Size) r * d, st->x + (Size) prev * d, sizeof(double) * d) == 0 &&
					(sq == NULL || st->q[r] == st->q[prev]))
					continue;	/* the same row twice: keep it once */
				ereport(ERROR,
						(errcode(ERRCODE_UNIQUE_VIOLATION),
						 errmsg("select_greedi: duplicate id " INT64_FORMAT, st->id[r]),
						 errdetail("Two rows with this id have different embeddings or qualities."),
						 errhint("Give every row a distinct id.")));
			}
			order[m] = r;
			sid[m] = st->id[r];
			memcpy(sx + (Size) m * d, st->x + (Size) r * d, sizeof(double) * d);
			if (sq)
				sq[m] = st->q[r];
			m++;
		}
		n = m;
		kk = Min(keep, n);
	}

	sd.n = n;
	sd.d = d;
	sd.xf = NULL;
	sd.x = sx;
	sd.sqnorm = NULL;
	sd.id = sid;
	sd.quality = sq;
	sd.metric = SUBSET_COSINE;
	sd.gamma = 0;
	sd.tick = GreediTick;
	sd.progress = NULL;
	sd.tick_arg = NULL;
	if (subset_prepare(&sd) >= 0)
		elog(ERROR, "select_greedi: zero vector among the candidates");
	work = palloc_extended(Max(subset_fl_work(n, d, &flp), 1), MCXT_ALLOC_HUGE);
	out.pick = palloc(sizeof(int64) * Max(kk, 1));
	out.gain = palloc(sizeof(double) * Max(kk, 1));
	out.objective = palloc(sizeof(double) * Max(kk, 1));
	if (kk > 0 && subset_facility_location(&sd, &flp, NULL, 0, kk, work, &out) != SUBSET_OK)
		elog(ERROR, "select_greedi: facility location failed");
	pfree(work);

	/* keep the picks, in pick order, with the vectors as given */
	nid = palloc(sizeof(int64) * Max(out.count, 1));
	nx = palloc(sizeof(double) * (Size) Max(out.count, 1) * d);
	ngain = palloc(sizeof(double) * Max(out.count, 1));
	if (st->has_quality)
		nq = palloc(sizeof(double) * Max(out.count, 1));
	for (int64 t = 0; t < out.count; t++)
	{
		int64		r = order[out.pick[t]];

		nid[t] = st->id[r];
		memcpy(nx + (Size) t * d, st->x + (Size) r * d, sizeof(double) * d);
		ngain[t] = out.gain[t];
		if (nq)
			nq[t] = st->q[r];
	}
	memcpy(st->id, nid, sizeof(int64) * out.count);
	memcpy(st->x, nx, sizeof(double) * (Size) out.count * d);
	memcpy(st->gain, ngain, sizeof(double) * out.count);
	if (nq)
		memcpy(st->q, nq, sizeof(double) * out.count);
	st->count = out.count;
	st->nreduce++;
	pfree(order);
	pfree(sid);
	pfree(sx);
	if (sq)
		pfree(sq);
	pfree(nid);
	pfree(nx);
	pfree(ngain);
	if (nq)
		pfree(nq);
	pfree(out.pick);
	pfree(out.gain);
	pfree(out.objective);
}

/* Error unless k is usable */
static int32
GreediK(FunctionCallInfo fcinfo, int argno)
{
	int32		k;

	PrefCheckNotNull(fcinfo, argno, "k");
	k = PG_GETARG_INT32(argno);
	if (k <= 0 || k > GREEDI_MAX_K)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("k must be in [1, %d]", GREEDI_MAX_K),
				 errdetail("Got %d.", k)));
	return k;
}

/*
 * Transition: add row (id, embedding [, quality]) to the state, reducing
 * it by greedy when it exceeds its bound.  elemtype: FLOAT4OID or FLOAT8OID.
 */
static Datum
GreediAccum(FunctionCallInfo fcinfo, Oid elemtype, bool has_quality)
{
	MemoryContext aggctx = PrefAggContext(fcinfo, "pref.select_greedi_accum");
	PrefState  *ps = PrefStateArg(fcinfo, 0, &GreediMethods, aggctx);
	GreediState *st;
	int32		k = GreediK(fcinfo, 3);
	ArrayType  *arr;
	int			dim;
	double	   *row;
	double		sq = 0;

	if (ps == NULL)
	{
		ps = PrefStateCreate(&GreediMethods, aggctx);
		ps->state = GreediNew(PrefStateMemory(ps), k, has_quality);
	}
	st = (GreediState *) ps->state;
	if (st->k != k || st->has_quality != has_quality)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("select_greedi: k and the quality argument must be the same for every row and state"),
				 errdetail("The state has k = %d%s; this row has k = %d%s.", st->k,
						   st->has_quality ? " with quality" : "", k, has_quality ? " with quality" : "")));
	if (PG_ARGISNULL(1) || PG_ARGISNULL(2) || (has_quality && PG_ARGISNULL(4)))
	{
		st->nskipped++;
		PG_RETURN_DATUM(PrefStateDatum(ps));
	}
	arr = PG_GETARG_ARRAYTYPE_P(2);
	if (ARR_ELEMTYPE(arr) != elemtype)
		elog(ERROR, "select_greedi: embedding has element type %u, expected %u", ARR_ELEMTYPE(arr), elemtype);
	dim = ARR_NDIM(arr) == 1 ? ARR_DIMS(arr)[0] : -1;
	if (dim <= 0 || dim > GREEDI_MAX_DIM)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("select_greedi: embedding must be a non-empty one-dimensional array of at most %d elements",
						GREEDI_MAX_DIM)));
	if (st->d == 0)
		st->d = dim;
	else if (dim != st->d)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("select_greedi: embedding has dimension %d, expected %d", dim, st->d),
				 errdetail("Every embedding must have the same number of elements.")));
	GreediReserve(st, st->count + 1, PrefStateMemory(ps));
	row = st->x + (Size) st->count * st->d;
	PrefReadVectorInto(arr, row, st->d, "embedding");
	for (int c = 0; c < st->d; c++)
		sq += row[c] * row[c];
	if (sq == 0.0)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("select_greedi: embedding of id " INT64_FORMAT " is a zero vector", PG_GETARG_INT64(1)),
				 errdetail("Cosine similarity is undefined for a zero vector."),
				 errhint("Leave such rows out.")));
	st->id[st->count] = PG_GETARG_INT64(1);
	st->gain[st->count] = NAN;
	if (has_quality)
	{
		double		q = PG_GETARG_FLOAT8(4);

		PrefCheckFinite(q, "quality");
		st->q[st->count] = q;
	}
	st->count++;
	st->nrows++;
	if (st->count > GreediBound(st->k))
		GreediReduce(st, st->k);
	PG_RETURN_DATUM(PrefStateDatum(ps));
}

PG_FUNCTION_INFO_V1(pref_select_greedi_accum_real);

/* select_greedi transition: real[] embeddings */
Datum
pref_select_greedi_accum_real(PG_FUNCTION_ARGS)
{
	return GreediAccum(fcinfo, FLOAT4OID, false);
}

PG_FUNCTION_INFO_V1(pref_select_greedi_accum_double);

/* select_greedi transition: double precision[] embeddings */
Datum
pref_select_greedi_accum_double(PG_FUNCTION_ARGS)
{
	return GreediAccum(fcinfo, FLOAT8OID, false);
}

PG_FUNCTION_INFO_V1(pref_select_greedi_accum_real_q);

/* select_greedi transition: real[] embeddings and a quality */
Datum
pref_select_greedi_accum_real_q(PG_FUNCTION_ARGS)
{
	return GreediAccum(fcinfo, FLOAT4OID, true);
}

PG_FUNCTION_INFO_V1(pref_select_greedi_accum_double_q);

/* select_greedi transition: double precision[] embeddings and a quality */
Datum
pref_select_greedi_accum_double_q(PG_FUNCTION_ARGS)
{
	return GreediAccum(fcinfo, FLOAT8OID, true);
}

/* An empty state with the same k and quality flag as like (for combine) */
static void *
GreediEmptyLike(MemoryContext ctx, const void *like)
{
	const GreediState *b = like;

	return GreediNew(ctx, b->k, b->has_quality);
}

/* Fold b's candidates into a, reduced by greedy when they exceed the bound */
static void
GreediMerge(void *into, void *from, MemoryContext ctx)
{
	GreediState *a = into;
	GreediState *b = from;

	if (a->k != b->k || a->has_quality != b->has_quality)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("select_greedi: cannot combine states of different k or quality"),
				 errdetail("One state has k = %d%s, the other k = %d%s.", a->k, a->has_quality ? " with quality" : "",
						   b->k, b->has_quality ? " with quality" : "")));
	if (a->d != 0 && b->d != 0 && a->d != b->d)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("select_greedi: cannot combine states of dimensions %d and %d", a->d, b->d)));
	if (a->d == 0)
		a->d = b->d;
	GreediReserve(a, a->count + b->count, ctx);
	memcpy(a->id + a->count, b->id, sizeof(int64) * b->count);
	memcpy(a->x + (Size) a->count * a->d, b->x, sizeof(double) * (Size) b->count * a->d);
	memcpy(a->gain + a->count, b->gain, sizeof(double) * b->count);
	if (a->has_quality)
		memcpy(a->q + a->count, b->q, sizeof(double) * b->count);
	a->count += b->count;
	a->nrows += b->nrows;
	a->nskipped += b->nskipped;
	a->nreduce += b->nreduce;
	if (a->count > GreediBound(a->k))
		GreediReduce(a, a->k);
}

PG_FUNCTION_INFO_V1(pref_select_greedi_combine);

/*
 * Combine: the union of the candidates of both states, reduced by greedy
 * when it exceeds the bound (NULL-safe)
 */
Datum
pref_select_greedi_combine(PG_FUNCTION_ARGS)
{
	return PrefStateCombine(fcinfo, &GreediMethods, PrefStateContext(fcinfo),
							GreediEmptyLike, GreediMerge);
}

/* A private copy of a state in ctx */
static GreediState *
GreediCopy(const GreediState *src, MemoryContext ctx)
{
	GreediState *st = GreediNew(ctx, src->k, src->has_quality);

	st->d = src->d;
	st->nrows = src->nrows;
	st->nskipped = src->nskipped;
	st->nreduce = src->nreduce;
	if (src->count > 0)
	{
		GreediReserve(st, src->count, ctx);
		memcpy(st->id, src->id, sizeof(int64) * src->count);
		memcpy(st->x, src->x, sizeof(double) * (Size) src->count * src->d);
		memcpy(st->gain, src->gain, sizeof(double) * src->count);
		if (src->has_quality)
			memcpy(st->q, src->q, sizeof(double) * src->count);
		st->count = src->count;
	}
	return st;
}

PG_FUNCTION_INFO_V1(pref_select_greedi_final);

/* Final: greedy over the candidates; the k ids in pick order (NULL: no rows) */
Datum
pref_select_greedi_final(PG_FUNCTION_ARGS)
{
	GreediState *st;
	Datum	   *elems;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	/* a private copy: the final function must not change the state */
	st = GreediCopy((GreediState *) PrefStateRead(PG_GETARG_DATUM(0), &GreediMethods),
					CurrentMemoryContext);
	if (st->count == 0)
		PG_RETURN_NULL();
	GreediReduce(st, st->k);
	elems = palloc(sizeof(Datum) * st->count);
	for (int64 i = 0; i < st->count; i++)
		elems[i] = Int64GetDatum(st->id[i]);
	PG_RETURN_ARRAYTYPE_P(construct_array(elems, (int) st->count, INT8OID, sizeof(int64),
										  FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
}

/* Flat form of a state */
static struct varlena *
GreediFlatten(void *state)
{
	GreediState *st = (GreediState *) state;
	double		bytes = GreediFlatBytes(st->count, st->d, st->has_quality);
	GreediWire	h;
	struct varlena *out;
	char	   *p;

	if (bytes + VARHDRSZ > MaxAllocSize)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("select_greedi: a state of " INT64_FORMAT " candidates of dimension %d is too large to output, store or pass between processes",
						st->count, st->d),
				 errhint("Use a smaller k.")));
	memset(&h, 0, sizeof(h));
	h.version = GREEDI_VERSION;
	h.has_quality = st->has_quality ? 1 : 0;
	h.magic = GREEDI_MAGIC;
	h.k = st->k;
	h.d = st->d;
	h.nrows = st->nrows;
	h.nskipped = st->nskipped;
	h.nreduce = st->nreduce;
	h.count = st->count;
	out = palloc(VARHDRSZ + (Size) bytes);
	SET_VARSIZE(out, VARHDRSZ + (Size) bytes);
	p = VARDATA(out);
	memcpy(p, &h, sizeof(h));
	p += sizeof(h);
	if (st->count > 0)
	{
		memcpy(p, st->id, sizeof(int64) * st->count);
		p += sizeof(int64) * st->count;
		memcpy(p, st->x, sizeof(double) * (Size) st->count * st->d);
		p += sizeof(double) * (Size) st->count * st->d;
		if (st->has_quality)
		{
			memcpy(p, st->q, sizeof(double) * st->count);
			p += sizeof(double) * st->count;
		}
		memcpy(p, st->gain, sizeof(double) * st->count);
	}
	return out;
}

/*
 * Validate a flat state completely and build it in ctx: version, magic,
 * reserved fields, k, dimension, counts (at most the bound), exact
 * length, finite embeddings (none zero) and qualities, gains finite or
 * NaN.  Repeated ids are left to the greedy, which reports them.
 */
static void *
GreediExpand(const struct varlena *flat, MemoryContext ctx)
{
	PrefWire	w;
	GreediWire	h;
	GreediState *st;
	double		want;

	PrefWireInit(&w, flat, GREEDI_TYPE);
	PrefWireRead(&w, &h, sizeof(h));
	if (h.version != GREEDI_VERSION)
		PrefStateCorrupt(GREEDI_TYPE, psprintf("The value has version %d; this library reads version %d.",
											   h.version, GREEDI_VERSION));
	PrefWireCheck(&w, h.magic == GREEDI_MAGIC, "The value does not carry the pref.greedi_state magic number.");
	PrefWireCheck(&w, h.flags == 0 && h.has_quality <= 1, "Reserved header fields must be zero.");
	PrefWireCheck(&w, h.k >= 1 && h.k <= GREEDI_MAX_K, "k is out of range.");
	PrefWireCheck(&w, h.d >= 0 && h.d <= GREEDI_MAX_DIM, "The dimension is out of range.");
	PrefWireCheck(&w, h.count >= 0 && h.count <= GreediBound(h.k), "The number of candidates is out of range.");
	PrefWireCheck(&w, (h.d == 0) == (h.count == 0), "The dimension must be positive exactly when there are candidates.");
	PrefWireCheck(&w, h.nrows >= h.count && h.nskipped >= 0 && h.nreduce >= 0, "Row counts are inconsistent.");
	want = GreediFlatBytes(h.count, h.d, h.has_quality);
	PrefWireCheck(&w, PrefWireLeft(&w) >= (Size) want - sizeof(GreediWire), "The value is truncated.");
	PrefWireCheck(&w, PrefWireLeft(&w) <= (Size) want - sizeof(GreediWire), "The value has trailing bytes.");

	st = GreediNew(ctx, h.k, h.has_quality);
	st->d = h.d;
	st->nrows = h.nrows;
	st->nskipped = h.nskipped;
	st->nreduce = h.nreduce;
	if (h.count > 0)
	{
		GreediReserve(st, h.count, ctx);
		PrefWireReadArray(&w, st->id, h.count, sizeof(int64));
		PrefWireReadArray(&w, st->x, (Size) h.count * h.d, sizeof(double));
		if (st->has_quality)
			PrefWireReadArray(&w, st->q, h.count, sizeof(double));
		PrefWireReadArray(&w, st->gain, h.count, sizeof(double));
		for (int64 i = 0; i < h.count; i++)
		{
			double		sq = 0;

			for (int c = 0; c < h.d; c++)
			{
				double		v = st->x[(Size) i * h.d + c];

				if (!isfinite(v))
					PrefStateCorrupt(GREEDI_TYPE, "An embedding holds a NaN or infinite value.");
				sq += v * v;
			}
			if (sq == 0.0)
				PrefStateCorrupt(GREEDI_TYPE, "An embedding is a zero vector.");
			if (st->has_quality && !isfinite(st->q[i]))
				PrefStateCorrupt(GREEDI_TYPE, "A quality is NaN or infinite.");
			if (isinf(st->gain[i]))
				PrefStateCorrupt(GREEDI_TYPE, "A gain is infinite.");
		}
		st->count = h.count;
	}
	PrefWireEnd(&w);
	return st;
}

/* Text ("v1:" + base64) and binary I/O, validated on input */
PGPREF_STATE_TYPE_IO(greedi_state, &GreediMethods)
