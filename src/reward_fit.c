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
 */
#include "postgres.h"

#include <math.h>

#include "catalog/namespace.h"
#include "catalog/pg_type.h"
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

#define PASS_MAGIC		0x52505353	/* "RPSS" */
#define PASS_VERSION	1
#define PASS_HDR		6			/* d, n, skipped, wsum, loss, correct */

typedef struct PassState
{
	int			d;
	bool		hessian;
	double		target;			/* 1 - label smoothing */
	double		offset;			/* margin */
	int			blockrows;
	int			nbuf;
	int64		n;
	int64		nskipped;
	RewardStats stats;
	double	   *w;				/* d */
	double	   *g;				/* d */
	double	   *H;				/* d x d, or NULL */
	double	   *Z;				/* blockrows x d */
	double	   *wt;				/* blockrows */
	double	   *tmp;			/* d: rejected row */
	double	   *scratch;		/* 2 blockrows */
} PassState;

typedef struct PassWire
{
	uint32		magic;
	uint8		version;
	uint8		hessian;
	uint16		flags;			/* reserved, zero */
	int32		d;
	int32		unused;			/* reserved, zero */
	int64		n;
	int64		nskipped;
	double		wsum;
	double		loss;
	double		correct;
} PassWire;

/* Allocate the accumulators (and the row buffers when withbuf) */
static void
PassAllocate(PassState *st, int d, bool withbuf)
{
	double		bytes;

	st->d = d;
	st->blockrows = (int) Max(16, Min(1024, 65536 / d));
	bytes = sizeof(double) * ((st->hessian ? (double) d * d : 0) + 3.0 * d +
							  (withbuf ? (double) st->blockrows * (d + 3) : 0));
	PrefCheckMemory(bytes, "pref.reward_pass");
	st->w = palloc0(sizeof(double) * d);
	st->g = palloc0(sizeof(double) * d);
	if (st->hessian)
		st->H = MemoryContextAllocHuge(CurrentMemoryContext, sizeof(double) * (Size) d * d);
	if (st->H)
		memset(st->H, 0, sizeof(double) * (Size) d * d);
	if (withbuf)
	{
		st->Z = MemoryContextAllocHuge(CurrentMemoryContext, sizeof(double) * (Size) st->blockrows * d);
		st->wt = palloc(sizeof(double) * st->blockrows);
		st->tmp = palloc(sizeof(double) * d);
		st->scratch = palloc(sizeof(double) * 2 * st->blockrows);
	}
}

/* Fold the buffered block */
static void
PassFlush(PassState *st)
{
	if (st->nbuf == 0)
		return;
	PrefApplyBlasThreads();
	reward_block(st->d, st->nbuf, st->Z, st->wt, NULL, st->target, st->w, st->offset,
				 st->g, st->H, &st->stats, st->scratch);
	st->nbuf = 0;
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

PG_FUNCTION_INFO_V1(pref_reward_pass_accum);

/*
 * Transition (chosen, rejected, weight, w, params): params = {label
 * smoothing, margin, want Hessian}; w NULL or empty means zeros.
 */
Datum
pref_reward_pass_accum(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt,
				old;
	PassState  *st;
	ArrayType  *c,
			   *r;
	double		weight;
	int			d;
	double	   *row;

	aggcxt = PrefAggContext(fcinfo, "pref.reward_pass");
	st = PG_ARGISNULL(0) ? NULL : (PassState *) PG_GETARG_POINTER(0);
	if (st == NULL)
	{
		ArrayType  *pa;
		double		params[3];

		if (PG_ARGISNULL(5))
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("pref.reward_pass: params must not be NULL")));
		pa = PG_GETARG_ARRAYTYPE_P(5);
		PrefReadVectorInto(pa, params, 3, "params");
		if (params[0] < 0 || params[0] >= 0.5)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("label_smoothing must be in [0, 0.5)"),
					 errdetail("Got %g.", params[0])));
		old = MemoryContextSwitchTo(aggcxt);
		st = palloc0(sizeof(PassState));
		st->target = 1.0 - params[0];
		st->offset = params[1];
		st->hessian = params[2] != 0;
		MemoryContextSwitchTo(old);
	}
	if (PG_ARGISNULL(1) || PG_ARGISNULL(2) || PG_ARGISNULL(3))
	{
		st->nskipped++;
		PG_RETURN_POINTER(st);
	}
	c = PG_GETARG_ARRAYTYPE_P(1);
	r = PG_GETARG_ARRAYTYPE_P(2);
	weight = PG_GETARG_FLOAT8(3);
	if (!isfinite(weight) || weight < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("pair weight must be non-negative and finite"),
				 errdetail("Got %g.", weight)));
	d = PassVectorDim(c, "chosen");
	if (st->d == 0)
	{
		old = MemoryContextSwitchTo(aggcxt);
		PassAllocate(st, d, true);
		MemoryContextSwitchTo(old);
		if (!PG_ARGISNULL(4))
		{
			ArrayType  *wa = PG_GETARG_ARRAYTYPE_P(4);

			if (ARR_NDIM(wa) != 0)
				PrefReadVectorInto(wa, st->w, d, "w");
		}
	}
	else if (d != st->d)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("chosen has dimension %d, expected %d", d, st->d),
				 errdetail("Every embedding must have the same number of elements as the first row.")));
	if (PassVectorDim(r, "rejected") != st->d)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("rejected has dimension %d, expected %d", PassVectorDim(r, "rejected"), st->d)));

	row = st->Z + (Size) st->nbuf * st->d;
	PrefReadVectorInto(c, row, st->d, "chosen");
	PrefReadVectorInto(r, st->tmp, st->d, "rejected");
	linalg_axpy(st->d, -1.0, st->tmp, row);
	st->wt[st->nbuf] = weight;
	st->n++;
	if (++st->nbuf == st->blockrows)
		PassFlush(st);
	PG_RETURN_POINTER(st);
}

PG_FUNCTION_INFO_V1(pref_reward_pass_combine);

/* Combine two pass states */
Datum
pref_reward_pass_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt,
				old;
	PassState  *a,
			   *b;

	aggcxt = PrefAggContext(fcinfo, "pref_reward_pass_combine");
	a = PG_ARGISNULL(0) ? NULL : (PassState *) PG_GETARG_POINTER(0);
	b = PG_ARGISNULL(1) ? NULL : (PassState *) PG_GETARG_POINTER(1);
	if (b == NULL)
		PG_RETURN_POINTER(a);
	PassFlush(b);
	if (a == NULL)
	{
		old = MemoryContextSwitchTo(aggcxt);
		a = palloc0(sizeof(PassState));
		a->target = b->target;
		a->offset = b->offset;
		a->hessian = b->hessian;
		if (b->d > 0)
			PassAllocate(a, b->d, false);
		MemoryContextSwitchTo(old);
	}
	else
	{
		PassFlush(a);
		if (a->hessian != b->hessian)
			elog(ERROR, "pref.reward_pass: cannot combine states with and without a Hessian");
		if (a->d == 0 && b->d > 0)
		{
			old = MemoryContextSwitchTo(aggcxt);
			PassAllocate(a, b->d, false);
			MemoryContextSwitchTo(old);
		}
		else if (b->d > 0 && a->d != b->d)
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("chosen has dimension %d, expected %d", b->d, a->d)));
	}
	a->n += b->n;
	a->nskipped += b->nskipped;
	a->stats.wsum += b->stats.wsum;
	a->stats.loss += b->stats.loss;
	a->stats.correct += b->stats.correct;
	if (b->d > 0)
	{
		linalg_axpy(a->d, 1.0, b->g, a->g);
		if (a->H)
			for (int i = 0; i < a->d; i++)
				linalg_axpy(a->d, 1.0, b->H + (Size) i * a->d, a->H + (Size) i * a->d);
	}
	PG_RETURN_POINTER(a);
}

PG_FUNCTION_INFO_V1(pref_reward_pass_serialize);

/* Serialize a pass state */
Datum
pref_reward_pass_serialize(PG_FUNCTION_ARGS)
{
	PassState  *st;
	PassWire	hdr;
	Size		bytes;
	bytea	   *out;
	char	   *p;

	PrefAggContext(fcinfo, "pref_reward_pass_serialize");
	st = (PassState *) PG_GETARG_POINTER(0);
	PassFlush(st);
	memset(&hdr, 0, sizeof(hdr));
	hdr.magic = PASS_MAGIC;
	hdr.version = PASS_VERSION;
	hdr.hessian = st->hessian ? 1 : 0;
	hdr.d = st->d;
	hdr.n = st->n;
	hdr.nskipped = st->nskipped;
	hdr.wsum = st->stats.wsum;
	hdr.loss = st->stats.loss;
	hdr.correct = st->stats.correct;
	bytes = sizeof(hdr) + sizeof(double) * ((Size) st->d * 3 +
											(st->hessian ? (Size) st->d * st->d : 0));
	/* target and offset travel in the payload's first two doubles */
	bytes += 2 * sizeof(double);
	if (bytes + VARHDRSZ > MaxAllocSize)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("pref.reward_pass: state of dimension %d is too large to pass between parallel workers", st->d),
				 errhint("Use method => 'lbfgs', or disable parallel query.")));
	out = palloc(bytes + VARHDRSZ);
	SET_VARSIZE(out, bytes + VARHDRSZ);
	p = VARDATA(out);
	memcpy(p, &hdr, sizeof(hdr));
	p += sizeof(hdr);
	memcpy(p, &st->target, sizeof(double));
	p += sizeof(double);
	memcpy(p, &st->offset, sizeof(double));
	p += sizeof(double);
	if (st->d > 0)
	{
		memcpy(p, st->w, sizeof(double) * st->d);
		p += sizeof(double) * st->d;
		memcpy(p, st->g, sizeof(double) * st->d);
		p += sizeof(double) * st->d;
		memset(p, 0, sizeof(double) * st->d);	/* reserved */
		p += sizeof(double) * st->d;
		if (st->hessian)
			memcpy(p, st->H, sizeof(double) * (Size) st->d * st->d);
	}
	PG_RETURN_BYTEA_P(out);
}

PG_FUNCTION_INFO_V1(pref_reward_pass_deserialize);

/* Rebuild a pass state, checking magic, version and size */
Datum
pref_reward_pass_deserialize(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt,
				old;
	bytea	   *in;
	PassWire	hdr;
	PassState  *st;
	Size		len,
				want;
	const char *p;

	aggcxt = PrefAggContext(fcinfo, "pref_reward_pass_deserialize");
	in = PG_GETARG_BYTEA_PP(0);
	len = VARSIZE_ANY_EXHDR(in);
	p = VARDATA_ANY(in);
	if (len < sizeof(hdr))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("deserialized reward pass state is truncated")));
	memcpy(&hdr, p, sizeof(hdr));
	p += sizeof(hdr);
	if (hdr.magic != PASS_MAGIC || hdr.version != PASS_VERSION || hdr.hessian > 1 ||
		hdr.d < 0 || hdr.n < 0 || hdr.nskipped < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid reward pass state")));
	want = sizeof(hdr) + 2 * sizeof(double) +
		sizeof(double) * ((Size) hdr.d * 3 + (hdr.hessian ? (Size) hdr.d * hdr.d : 0));
	if (len != want)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("deserialized reward pass state is truncated"),
				 errdetail("Got %zu bytes, expected %zu.", len, want)));
	old = MemoryContextSwitchTo(aggcxt);
	st = palloc0(sizeof(PassState));
	st->hessian = hdr.hessian;
	memcpy(&st->target, p, sizeof(double));
	p += sizeof(double);
	memcpy(&st->offset, p, sizeof(double));
	p += sizeof(double);
	if (hdr.d > 0)
	{
		PassAllocate(st, hdr.d, false);
		memcpy(st->w, p, sizeof(double) * st->d);
		p += sizeof(double) * st->d;
		memcpy(st->g, p, sizeof(double) * st->d);
		p += sizeof(double) * st->d * 2;
		if (st->hessian)
			memcpy(st->H, p, sizeof(double) * (Size) st->d * st->d);
	}
	st->n = hdr.n;
	st->nskipped = hdr.nskipped;
	st->stats.wsum = hdr.wsum;
	st->stats.loss = hdr.loss;
	st->stats.correct = hdr.correct;
	MemoryContextSwitchTo(old);
	PG_RETURN_POINTER(st);
}

PG_FUNCTION_INFO_V1(pref_reward_pass_final);

/*
 * Result float8[]: {d, n, skipped, sum of weights, loss, correct, g (d),
 * H (d x d, when requested)}; NULL when no row was used.
 */
Datum
pref_reward_pass_final(PG_FUNCTION_ARGS)
{
	PassState  *st;
	Size		len;
	Datum	   *d;
	Size		i = 0;

	PrefAggContext(fcinfo, "pref_reward_pass_final");
	st = PG_ARGISNULL(0) ? NULL : (PassState *) PG_GETARG_POINTER(0);
	if (st == NULL || st->n == 0)
		PG_RETURN_NULL();
	PassFlush(st);
	len = PASS_HDR + st->d + (st->hessian ? (Size) st->d * st->d : 0);
	d = MemoryContextAllocHuge(CurrentMemoryContext, sizeof(Datum) * len);
	d[i++] = Float8GetDatum(st->d);
	d[i++] = Float8GetDatum((double) st->n);
	d[i++] = Float8GetDatum((double) st->nskipped);
	d[i++] = Float8GetDatum(st->stats.wsum);
	d[i++] = Float8GetDatum(st->stats.loss);
	d[i++] = Float8GetDatum(st->stats.correct);
	for (int j = 0; j < st->d; j++)
		d[i++] = Float8GetDatum(st->g[j]);
	if (st->hessian)
		for (Size j = 0; j < (Size) st->d * st->d; j++)
			d[i++] = Float8GetDatum(st->H[j]);
	PG_RETURN_ARRAYTYPE_P(construct_array(d, (int) len, FLOAT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
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

		if (t != FLOAT4ARRAYOID && t != FLOAT8ARRAYOID)
			ereport(ERROR,
					(errcode(ERRCODE_DATATYPE_MISMATCH),
					 errmsg("pref.reward_fit: column %d (%s) of the query must be real[] or double precision[], not %s",
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
		NoPairsError();
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
		rc = reward_newton(d, lambda, tol, max_iter, NewtonEval, NewtonAccept, &fc,
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
