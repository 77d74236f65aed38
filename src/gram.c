/*
 * gram.c - SQL glue of the BLAS aggregates: pref.gram, pref.moments,
 * pref.pca and pref.ridge_fit over real[] / double precision[] rows.
 *
 * The transition state buffers rows in blocks and folds each full block
 * with one syrk (gram_core.c); combine adds states (changing the shift of
 * one of them when they differ), serial/deserial write a versioned bytea.
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "libpq/pqformat.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"

#include "common.h"
#include "gram_core.h"
#include "linalg.h"
#include "reward.h"

#define GRAM_RAW		0		/* pref.gram: no shift, raw X^T X */
#define GRAM_MOMENTS	1		/* pref.moments */
#define GRAM_PCA		2		/* pref.pca */
#define GRAM_RIDGE		3		/* pref.ridge_fit: columns (x, y) */

#define GRAM_MAGIC		0x4752414d	/* "GRAM" */
#define GRAM_VERSION	1

static const char *const GRAM_NAMES[] = {"pref.gram", "pref.moments", "pref.pca", "pref.ridge_fit"};

typedef struct GramState
{
	int			kind;			/* GRAM_* */
	int			d;				/* dimension of x (0 until the first row) */
	int			p;				/* stored columns: d, or d + 1 for ridge */
	int			k;				/* pca: components requested */
	double		lambda;			/* ridge: penalty */
	int64		n;				/* rows folded or buffered */
	int64		nskipped;		/* NULL rows */
	int			blockrows;
	int			nbuf;
	double	   *shift;			/* p, or NULL for GRAM_RAW */
	double	   *sum;			/* p */
	double	   *S;				/* p x p */
	double	   *buf;			/* blockrows x p, NULL for deserialized states */
} GramState;

/* Wire header of a serialized state */
typedef struct GramWire
{
	uint32		magic;
	uint8		version;
	uint8		kind;
	uint16		flags;			/* reserved, zero */
	int32		d;
	int32		p;
	int32		k;
	int32		unused;			/* reserved, zero */
	int64		n;
	int64		nskipped;
	double		lambda;
} GramWire;

/* Allocate a state in the aggregate context */
static GramState *
GramNew(int kind)
{
	GramState  *st = palloc0(sizeof(GramState));

	st->kind = kind;
	return st;
}

/* Ensure the state has buffers for dimension d */
static void
GramAllocate(GramState *st, int d, bool withbuf)
{
	int			p = st->kind == GRAM_RIDGE ? d + 1 : d;
	double		bytes;

	st->d = d;
	st->p = p;
	st->blockrows = gram_block_rows(p);
	bytes = sizeof(double) * ((double) p * p + 2.0 * p +
							  (withbuf ? (double) st->blockrows * p : 0.0));
	PrefCheckMemory(bytes, GRAM_NAMES[st->kind]);
	st->S = MemoryContextAllocHuge(CurrentMemoryContext, sizeof(double) * (Size) p * p);
	memset(st->S, 0, sizeof(double) * (Size) p * p);
	st->sum = palloc0(sizeof(double) * p);
	if (st->kind != GRAM_RAW)
		st->shift = palloc0(sizeof(double) * p);
	if (withbuf)
		st->buf = MemoryContextAllocHuge(CurrentMemoryContext,
										 sizeof(double) * (Size) st->blockrows * p);
}

/* Fold the buffered rows */
static void
GramFlush(GramState *st)
{
	if (st->nbuf == 0)
		return;
	PrefApplyBlasThreads();
	gram_fold_block(st->p, st->nbuf, st->buf, st->shift, st->sum, st->S);
	st->nbuf = 0;
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

/*
 * Common transition: add row x (and y for ridge) to the state, creating it
 * in the aggregate context on the first call.
 */
static GramState *
GramAddRow(FunctionCallInfo fcinfo, int kind, bool isnull, Datum xdatum, double y)
{
	MemoryContext aggcxt,
				old;
	GramState  *st;
	ArrayType  *x;
	int			dim;
	double	   *row;

	aggcxt = PrefAggContext(fcinfo, GRAM_NAMES[kind]);

	st = PG_ARGISNULL(0) ? NULL : (GramState *) PG_GETARG_POINTER(0);
	if (st == NULL)
	{
		old = MemoryContextSwitchTo(aggcxt);
		st = GramNew(kind);
		MemoryContextSwitchTo(old);
	}
	if (isnull)
	{
		st->nskipped++;
		return st;
	}

	x = DatumGetArrayTypeP(xdatum);
	dim = VectorDim(x, "x");
	if (st->d == 0)
	{
		old = MemoryContextSwitchTo(aggcxt);
		GramAllocate(st, dim, true);
		MemoryContextSwitchTo(old);
	}
	else if (dim != st->d)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("%s: row has dimension %d, expected %d", GRAM_NAMES[kind], dim, st->d),
				 errdetail("Every x must have the same number of elements as the first row.")));

	row = st->buf + (Size) st->nbuf * st->p;
	PrefReadVectorInto(x, row, st->d, "x");
	if (kind == GRAM_RIDGE)
		row[st->d] = y;
	/* the first row is the shift for the covariance-style aggregates */
	if (st->n == 0 && st->shift != NULL)
		memcpy(st->shift, row, sizeof(double) * st->p);
	st->n++;
	if (++st->nbuf == st->blockrows)
		GramFlush(st);
	return st;
}

PG_FUNCTION_INFO_V1(pref_gram_accum);

/* pref.gram transition */
Datum
pref_gram_accum(PG_FUNCTION_ARGS)
{
	PG_RETURN_POINTER(GramAddRow(fcinfo, GRAM_RAW, PG_ARGISNULL(1),
								 PG_ARGISNULL(1) ? (Datum) 0 : PG_GETARG_DATUM(1), 0));
}

PG_FUNCTION_INFO_V1(pref_moments_accum);

/* pref.moments transition */
Datum
pref_moments_accum(PG_FUNCTION_ARGS)
{
	PG_RETURN_POINTER(GramAddRow(fcinfo, GRAM_MOMENTS, PG_ARGISNULL(1),
								 PG_ARGISNULL(1) ? (Datum) 0 : PG_GETARG_DATUM(1), 0));
}

PG_FUNCTION_INFO_V1(pref_pca_accum);

/* pref.pca transition: k must be the same on every row */
Datum
pref_pca_accum(PG_FUNCTION_ARGS)
{
	GramState  *st;
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
	st = GramAddRow(fcinfo, GRAM_PCA, PG_ARGISNULL(1),
					PG_ARGISNULL(1) ? (Datum) 0 : PG_GETARG_DATUM(1), 0);
	if (st->k == 0)
		st->k = k;
	else if (st->k != k)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("pref.pca: k must be the same on every row"),
				 errdetail("Got %d after %d.", k, st->k)));
	PG_RETURN_POINTER(st);
}

PG_FUNCTION_INFO_V1(pref_ridge_accum);

/* pref.ridge_fit transition: rows with NULL x or y are skipped */
Datum
pref_ridge_accum(PG_FUNCTION_ARGS)
{
	GramState  *st;
	double		lambda,
				y = 0;
	bool		skip = PG_ARGISNULL(1) || PG_ARGISNULL(2);

	if (PG_ARGISNULL(3))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("pref.ridge_fit: lambda must not be NULL")));
	lambda = PG_GETARG_FLOAT8(3);
	if (!isfinite(lambda) || lambda < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("pref.ridge_fit: lambda must be non-negative and finite"),
				 errdetail("Got %g.", lambda)));
	if (!skip)
	{
		y = PG_GETARG_FLOAT8(2);
		PrefCheckFinite(y, "y");
	}
	st = GramAddRow(fcinfo, GRAM_RIDGE, skip, skip ? (Datum) 0 : PG_GETARG_DATUM(1), y);
	if (st->n + st->nskipped == 1)
		st->lambda = lambda;
	else if (st->lambda != lambda)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("pref.ridge_fit: lambda must be the same on every row"),
				 errdetail("Got %g after %g.", lambda, st->lambda)));
	PG_RETURN_POINTER(st);
}

/* Ensure two states describe the same aggregate */
static void
GramCheckCompatible(GramState *a, GramState *b)
{
	if (a->kind != b->kind)
		elog(ERROR, "pgpref: cannot combine states of different aggregates");
	if (a->d != 0 && b->d != 0 && a->d != b->d)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("%s: row has dimension %d, expected %d", GRAM_NAMES[a->kind], b->d, a->d),
				 errdetail("Every x must have the same number of elements.")));
	if (a->kind == GRAM_PCA && a->k != 0 && b->k != 0 && a->k != b->k)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("pref.pca: k must be the same on every row")));
	if (a->kind == GRAM_RIDGE && a->n + a->nskipped > 0 && b->n + b->nskipped > 0 &&
		a->lambda != b->lambda)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("pref.ridge_fit: lambda must be the same on every row")));
}

PG_FUNCTION_INFO_V1(pref_gram_combine);

/* Combine two states: b is folded into a (or a copy of b when a is empty) */
Datum
pref_gram_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt,
				old;
	GramState  *a,
			   *b;

	aggcxt = PrefAggContext(fcinfo, "pref_gram_combine");
	a = PG_ARGISNULL(0) ? NULL : (GramState *) PG_GETARG_POINTER(0);
	b = PG_ARGISNULL(1) ? NULL : (GramState *) PG_GETARG_POINTER(1);
	if (b == NULL)
		PG_RETURN_POINTER(a);
	if (a == NULL)
	{
		/* copy b into the aggregate context, without a row buffer */
		old = MemoryContextSwitchTo(aggcxt);
		a = GramNew(b->kind);
		a->k = b->k;
		a->lambda = b->lambda;
		a->nskipped = b->nskipped;
		if (b->d > 0)
		{
			GramFlush(b);
			GramAllocate(a, b->d, false);
			a->n = b->n;
			memcpy(a->S, b->S, sizeof(double) * (Size) a->p * a->p);
			memcpy(a->sum, b->sum, sizeof(double) * a->p);
			if (a->shift)
				memcpy(a->shift, b->shift, sizeof(double) * a->p);
		}
		MemoryContextSwitchTo(old);
		PG_RETURN_POINTER(a);
	}

	GramCheckCompatible(a, b);
	if (a->k == 0)
		a->k = b->k;
	if (a->n + a->nskipped == 0)
		a->lambda = b->lambda;
	a->nskipped += b->nskipped;
	if (b->n == 0)
		PG_RETURN_POINTER(a);
	GramFlush(a);
	GramFlush(b);
	if (a->d == 0)
	{
		old = MemoryContextSwitchTo(aggcxt);
		GramAllocate(a, b->d, false);
		MemoryContextSwitchTo(old);
		if (a->shift)
			memcpy(a->shift, b->shift, sizeof(double) * a->p);
	}
	PrefApplyBlasThreads();
	if (a->shift != NULL && a->n > 0 &&
		memcmp(a->shift, b->shift, sizeof(double) * a->p) != 0)
	{
		double	   *work = palloc(sizeof(double) * 4 * a->p);

		/* move b onto a's shift; b is not used afterwards */
		gram_reshift(b->p, (double) b->n, b->shift, a->shift, b->sum, b->S, work);
		pfree(work);
	}
	else if (a->shift != NULL && a->n == 0)
		memcpy(a->shift, b->shift, sizeof(double) * a->p);
	linalg_axpy(a->p, 1.0, b->sum, a->sum);
	/* matrix sum: one axpy over the p*p entries */
	if ((double) a->p * a->p <= (double) INT_MAX)
		linalg_axpy(a->p * a->p, 1.0, b->S, a->S);
	else
		for (int i = 0; i < a->p; i++)
			linalg_axpy(a->p, 1.0, b->S + (Size) i * a->p, a->S + (Size) i * a->p);
	a->n += b->n;
	PG_RETURN_POINTER(a);
}

PG_FUNCTION_INFO_V1(pref_gram_serialize);

/* Serialize a state (after folding its buffer) into a versioned bytea */
Datum
pref_gram_serialize(PG_FUNCTION_ARGS)
{
	GramState  *st;
	GramWire	hdr;
	Size		bytes;
	bytea	   *out;
	char	   *p;

	PrefAggContext(fcinfo, "pref_gram_serialize");
	st = (GramState *) PG_GETARG_POINTER(0);
	GramFlush(st);

	memset(&hdr, 0, sizeof(hdr));
	hdr.magic = GRAM_MAGIC;
	hdr.version = GRAM_VERSION;
	hdr.kind = (uint8) st->kind;
	hdr.d = st->d;
	hdr.p = st->p;
	hdr.k = st->k;
	hdr.n = st->n;
	hdr.nskipped = st->nskipped;
	hdr.lambda = st->lambda;

	bytes = sizeof(GramWire);
	if (st->d > 0)
		bytes += sizeof(double) * ((Size) st->p * st->p + 2 * (Size) st->p);
	if (bytes + VARHDRSZ > MaxAllocSize)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("%s: state of dimension %d is too large to pass between parallel workers",
						GRAM_NAMES[st->kind], st->d),
				 errhint("Disable parallel query for this statement (SET max_parallel_workers_per_gather = 0).")));
	out = palloc(bytes + VARHDRSZ);
	SET_VARSIZE(out, bytes + VARHDRSZ);
	p = VARDATA(out);
	memcpy(p, &hdr, sizeof(hdr));
	p += sizeof(hdr);
	if (st->d > 0)
	{
		/* the raw Gram state has no shift: zeros are written */
		if (st->shift)
			memcpy(p, st->shift, sizeof(double) * st->p);
		else
			memset(p, 0, sizeof(double) * st->p);
		p += sizeof(double) * st->p;
		memcpy(p, st->sum, sizeof(double) * st->p);
		p += sizeof(double) * st->p;
		memcpy(p, st->S, sizeof(double) * (Size) st->p * st->p);
	}
	PG_RETURN_BYTEA_P(out);
}

PG_FUNCTION_INFO_V1(pref_gram_deserialize);

/* Rebuild a state from its bytea, checking magic, version and sizes */
Datum
pref_gram_deserialize(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt,
				old;
	bytea	   *in;
	GramWire	hdr;
	GramState  *st;
	Size		len,
				want;
	const char *p;

	aggcxt = PrefAggContext(fcinfo, "pref_gram_deserialize");
	in = PG_GETARG_BYTEA_PP(0);
	len = VARSIZE_ANY_EXHDR(in);
	p = VARDATA_ANY(in);
	if (len < sizeof(GramWire))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("deserialized gram state is truncated")));
	memcpy(&hdr, p, sizeof(hdr));
	p += sizeof(hdr);
	if (hdr.magic != GRAM_MAGIC || hdr.version != GRAM_VERSION || hdr.kind > GRAM_RIDGE ||
		hdr.d < 0 || hdr.p != (hdr.kind == GRAM_RIDGE && hdr.d > 0 ? hdr.d + 1 : hdr.d) ||
		hdr.n < 0 || hdr.nskipped < 0 || (hdr.d == 0) != (hdr.n == 0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid gram state"),
				 errdetail("Bad magic, version, kind or dimensions.")));
	want = sizeof(GramWire);
	if (hdr.d > 0)
		want += sizeof(double) * ((Size) hdr.p * hdr.p + 2 * (Size) hdr.p);
	if (len != want)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("deserialized gram state is truncated"),
				 errdetail("Got %zu bytes, expected %zu.", len, want)));

	old = MemoryContextSwitchTo(aggcxt);
	st = GramNew(hdr.kind);
	st->k = hdr.k;
	st->lambda = hdr.lambda;
	st->nskipped = hdr.nskipped;
	if (hdr.d > 0)
	{
		GramAllocate(st, hdr.d, false);
		st->n = hdr.n;
		if (st->shift)
			memcpy(st->shift, p, sizeof(double) * st->p);
		p += sizeof(double) * st->p;
		memcpy(st->sum, p, sizeof(double) * st->p);
		p += sizeof(double) * st->p;
		memcpy(st->S, p, sizeof(double) * (Size) st->p * st->p);
	}
	MemoryContextSwitchTo(old);
	PG_RETURN_POINTER(st);
}

/* float8[] of n elements, or a rows x cols float8[][] */
static ArrayType *
MakeFloat8Array(const double *v, int rows, int cols)
{
	int			ndim = cols > 0 ? 2 : 1;
	int			dims[2] = {rows, cols};
	int			lbs[2] = {1, 1};
	Size		n = (Size) rows * (cols > 0 ? cols : 1);
	Datum	   *d = palloc(sizeof(Datum) * n);

	for (Size i = 0; i < n; i++)
		d[i] = Float8GetDatum(v[i]);
	return construct_md_array(d, NULL, ndim, dims, lbs, FLOAT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE);
}

/* Finished state, or NULL when no row was aggregated */
static GramState *
GramFinal(FunctionCallInfo fcinfo)
{
	GramState  *st;

	PrefAggContext(fcinfo, "pgpref: final function");
	st = PG_ARGISNULL(0) ? NULL : (GramState *) PG_GETARG_POINTER(0);
	if (st == NULL || st->n == 0)
		return NULL;
	GramFlush(st);
	return st;
}

/* A result tuple descriptor for a composite-returning final function */
static TupleDesc
ResultDesc(FunctionCallInfo fcinfo)
{
	TupleDesc	tupdesc;

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	return BlessTupleDesc(tupdesc);
}

PG_FUNCTION_INFO_V1(pref_gram_final);

/* pref.gram result: the d x d matrix X^T X */
Datum
pref_gram_final(PG_FUNCTION_ARGS)
{
	GramState  *st = GramFinal(fcinfo);

	if (st == NULL)
		PG_RETURN_NULL();
	PG_RETURN_ARRAYTYPE_P(MakeFloat8Array(st->S, st->d, st->d));
}

/* Centred copy: mean (p) and scatter (p x p) of a finished state */
static void
GramCentered(GramState *st, double **mean, double **C)
{
	*mean = palloc(sizeof(double) * st->p);
	*C = MemoryContextAllocHuge(CurrentMemoryContext, sizeof(double) * (Size) st->p * st->p);
	memcpy(*C, st->S, sizeof(double) * (Size) st->p * st->p);
	PrefApplyBlasThreads();
	gram_center(st->p, (double) st->n, st->shift, st->sum, *C, *mean);
}

PG_FUNCTION_INFO_V1(pref_moments_final);

/* pref.moments result: (n, n_skipped, mean, covariance) */
Datum
pref_moments_final(PG_FUNCTION_ARGS)
{
	GramState  *st = GramFinal(fcinfo);
	TupleDesc	tupdesc;
	Datum		values[4];
	bool		nulls[4] = {false};
	double	   *mean,
			   *C;

	if (st == NULL)
		PG_RETURN_NULL();
	tupdesc = ResultDesc(fcinfo);
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

PG_FUNCTION_INFO_V1(pref_pca_final);

/* pref.pca result: (n, mean, components, eigenvalues, explained_variance_ratio) */
Datum
pref_pca_final(PG_FUNCTION_ARGS)
{
	GramState  *st = GramFinal(fcinfo);
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
	tupdesc = ResultDesc(fcinfo);
	PrefCheckMemory(sizeof(double) * ((double) linalg_eigen_work(st->d) + 3.0 * st->d * st->d),
					"pref.pca");
	GramCentered(st, &mean, &C);
	for (Size i = 0; i < (Size) st->p * st->p; i++)
		C[i] /= (double) (st->n - 1);
	comp = palloc(sizeof(double) * (Size) k * st->d);
	eig = palloc(sizeof(double) * k);
	ratio = palloc(sizeof(double) * k);
	wall = palloc(sizeof(double) * st->d);
	work = MemoryContextAllocHuge(CurrentMemoryContext, sizeof(double) * linalg_eigen_work(st->d));
	iwork = palloc(sizeof(int) * linalg_eigen_iwork(st->d));
	rc = gram_pca(st->d, k, C, comp, eig, &total, wall, work, iwork);
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

PG_FUNCTION_INFO_V1(pref_ridge_final);

/* pref.ridge_fit result: a pref.linear_model of kind ridge */
Datum
pref_ridge_final(PG_FUNCTION_ARGS)
{
	GramState  *st = GramFinal(fcinfo);
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
	rc = gram_ridge_solve(st->d, C, mean, st->lambda, w, &bias, &sse, &sst, work);
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
