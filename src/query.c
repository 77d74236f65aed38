/*
 * query.c - inner-query reader shared by the modules that need all rows at
 * once (valuation, selection, reward models).
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"

#include "common.h"
#include "query.h"

#define QUERY_BATCH 1000

/* Bytes one row of column c needs */
static Size
ColumnWidth(PrefColKind kind, int dim)
{
	switch (kind)
	{
		case PREF_COL_INT8:
			return sizeof(int64);
		case PREF_COL_FLOAT8:
			return sizeof(double);
		case PREF_COL_VECTOR:
			return sizeof(double) * (Size) Max(dim, 1);
		case PREF_COL_BOOL:
			return sizeof(bool);
		case PREF_COL_TEXT:
			return sizeof(char *);
	}
	return 0;
}

static const char *
KindName(PrefColKind kind)
{
	switch (kind)
	{
		case PREF_COL_INT8:
			return "an integer type";
		case PREF_COL_FLOAT8:
			return "a numeric type";
		case PREF_COL_VECTOR:
			return "real[] or double precision[]";
		case PREF_COL_BOOL:
			return "boolean";
		case PREF_COL_TEXT:
			return "text";
	}
	return "?";
}

/* Ensure the query's column c has a type usable as kind */
static void
CheckColumnType(Oid typid, const PrefQueryColumn *col, int c, const char *what)
{
	bool		ok = false;

	switch (col->kind)
	{
		case PREF_COL_INT8:
			ok = (typid == INT2OID || typid == INT4OID || typid == INT8OID);
			break;
		case PREF_COL_FLOAT8:
			ok = (typid == FLOAT4OID || typid == FLOAT8OID || typid == NUMERICOID ||
				  typid == INT2OID || typid == INT4OID || typid == INT8OID);
			break;
		case PREF_COL_VECTOR:
			ok = (typid == FLOAT4ARRAYOID || typid == FLOAT8ARRAYOID);
			break;
		case PREF_COL_BOOL:
			ok = (typid == BOOLOID);
			break;
		case PREF_COL_TEXT:
			ok = (typid == TEXTOID || typid == VARCHAROID || typid == BPCHAROID);
			break;
	}
	if (!ok)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("%s: column %d (%s) of the query must be %s, not %s",
						what, c + 1, col->name, KindName(col->kind), format_type_be(typid))));
}

/* Convert one non-NULL datum of column c into the result arrays */
static void
StoreValue(PrefQueryResult *res, const PrefQueryColumn *col, int c, Oid typid,
		   Datum d, int64 row, int64 qrow, const char *what)
{
	switch (col->kind)
	{
		case PREF_COL_INT8:
			PREF_QUERY_INT8(res, c)[row] =
				typid == INT2OID ? DatumGetInt16(d) :
				typid == INT4OID ? DatumGetInt32(d) : DatumGetInt64(d);
			break;
		case PREF_COL_FLOAT8:
			{
				double		v;

				if (typid == FLOAT4OID)
					v = DatumGetFloat4(d);
				else if (typid == FLOAT8OID)
					v = DatumGetFloat8(d);
				else if (typid == NUMERICOID)
					v = DatumGetFloat8(DirectFunctionCall1(numeric_float8, d));
				else if (typid == INT2OID)
					v = DatumGetInt16(d);
				else if (typid == INT4OID)
					v = DatumGetInt32(d);
				else
					v = (double) DatumGetInt64(d);
				if (!isfinite(v))
					ereport(ERROR,
							(errcode(ERRCODE_DATA_EXCEPTION),
							 errmsg("%s: column %s must be finite", what, col->name),
							 errdetail("Row " INT64_FORMAT " of the query has %s.", qrow, isnan(v) ? "NaN" : "an infinite value")));
				PREF_QUERY_FLOAT8(res, c)[row] = v;
				break;
			}
		case PREF_COL_VECTOR:
			{
				ArrayType  *arr = DatumGetArrayTypeP(d);
				double	   *out = PREF_QUERY_VECTOR(res, c) + (Size) row * res->dim[c];
				int			len,
							bad;
				int			st = PrefCopyVector(arr, out, res->dim[c], &len, &bad);

				if (st == PREF_VEC_EMPTY)
					st = PREF_VEC_DIM;
				if (st != PREF_VEC_OK)
					PrefVectorError(st, col->name,
									psprintf(" in row " INT64_FORMAT " of the query of %s", qrow, what),
									res->dim[c], len, bad >= 0 ? out[bad] : 0, bad);
				break;
			}
		case PREF_COL_BOOL:
			PREF_QUERY_BOOL(res, c)[row] = DatumGetBool(d);
			break;
		case PREF_COL_TEXT:
			PREF_QUERY_TEXT(res, c)[row] =
				MemoryContextStrdup(GetMemoryChunkContext(res->data[c]), TextDatumGetCString(d));
			break;
	}
}

/* Length of the first kept vector of a column; errors name the row */
static int
VectorLength(Datum d, const char *name, int64 qrow, const char *what)
{
	int			len,
				bad;
	int			st = PrefCopyVector(DatumGetArrayTypeP(d), NULL, -1, &len, &bad);

	if (st != PREF_VEC_DIM)
		PrefVectorError(st, name,
						psprintf(" in row " INT64_FORMAT " of the query of %s", qrow, what),
						0, len, 0, bad);
	return len;
}

/* Run sql through a cursor and read every row */
PrefQueryResult *
PrefReadQuery(const char *sql, const PrefQueryColumn *cols, int ncols, const char *what)
{
	MemoryContext outer = CurrentMemoryContext;
	MemoryContext batchctx;
	PrefQueryResult *res;
	SPIPlanPtr	plan;
	Portal		portal;
	int			nrequired = 0;
	int64		cap = 0;
	int64		qrow = 0;
	Oid		   *typids;
	Datum	   *vals;
	bool	   *nulls;
	bool		first = true;

	while (nrequired < ncols && !cols[nrequired].optional)
		nrequired++;
	for (int c = 0; c < ncols; c++)
		if (cols[c].kind == PREF_COL_VECTOR && cols[c].nullable)
			elog(ERROR, "%s: vector columns cannot be nullable", what);

	res = palloc0(sizeof(PrefQueryResult));
	res->dim = palloc0(sizeof(int) * ncols);
	res->data = palloc0(sizeof(void *) * ncols);
	res->isnull = palloc0(sizeof(bool *) * ncols);
	typids = palloc0(sizeof(Oid) * ncols);
	vals = palloc0(sizeof(Datum) * ncols);
	nulls = palloc0(sizeof(bool) * ncols);
	/* detoasted values and conversions live here, reset after every batch */
	batchctx = AllocSetContextCreate(outer, "pgpref query batch", ALLOCSET_DEFAULT_SIZES);

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "%s: SPI_connect failed", what);
	plan = SPI_prepare(sql, 0, NULL);
	if (plan == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_SYNTAX_ERROR),
				 errmsg("%s: could not prepare the query: %s", what, SPI_result_code_string(SPI_result))));
	if (!SPI_is_cursor_plan(plan))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: the query must be a SELECT that returns rows", what)));
	portal = SPI_cursor_open(NULL, plan, NULL, NULL, true);

	for (;;)
	{
		TupleDesc	tupdesc;

		CHECK_FOR_INTERRUPTS();
		SPI_cursor_fetch(portal, true, QUERY_BATCH);
		tupdesc = SPI_tuptable->tupdesc;

		if (first)
		{
			int			natts = tupdesc->natts;

			if (natts < nrequired || natts > ncols)
			{
				StringInfoData buf;

				initStringInfo(&buf);
				for (int c = 0; c < ncols; c++)
					appendStringInfo(&buf, "%s%s%s%s", c > 0 ? ", " : "",
									 cols[c].optional ? "[" : "", cols[c].name,
									 cols[c].optional ? "]" : "");
				ereport(ERROR,
						(errcode(ERRCODE_DATATYPE_MISMATCH),
						 errmsg("%s: the query returns %d columns, expected (%s)", what, natts, buf.data)));
			}
			res->ncols = natts;
			for (int c = 0; c < natts; c++)
			{
				typids[c] = SPI_gettypeid(tupdesc, c + 1);
				CheckColumnType(typids[c], &cols[c], c, what);
			}
			first = false;
		}

		if (SPI_processed == 0)
			break;

		for (uint64 t = 0; t < SPI_processed; t++)
		{
			HeapTuple	tup = SPI_tuptable->vals[t];
			bool		skip = false;
			MemoryContext old;

			qrow++;
			for (int c = 0; c < res->ncols; c++)
			{
				vals[c] = SPI_getbinval(tup, tupdesc, c + 1, &nulls[c]);
				if (nulls[c] && !cols[c].nullable)
					skip = true;
			}
			if (skip)
			{
				res->skipped++;
				continue;
			}

			old = MemoryContextSwitchTo(outer);
			if (res->nrows == cap)
			{
				int64		newcap;
				double		rowbytes = 0;
				double		maxrows;

				/* vector dimensions are fixed by the first kept row */
				if (cap == 0)
					for (int c = 0; c < res->ncols; c++)
						if (cols[c].kind == PREF_COL_VECTOR)
							res->dim[c] = VectorLength(vals[c], cols[c].name, qrow, what);
				for (int c = 0; c < res->ncols; c++)
					rowbytes += (double) ColumnWidth(cols[c].kind, res->dim[c]) +
						(cols[c].nullable ? sizeof(bool) : 0);
				/* the rows themselves must fit; grow by doubling up to that */
				PrefCheckMemory(rowbytes * (double) (res->nrows + 1), what);
				maxrows = floor((double) pgpref_max_memory_kb * 1024.0 / rowbytes);
				newcap = cap == 0 ? 1024 : cap * 2;
				if ((double) newcap > maxrows)
					newcap = (int64) maxrows;
				for (int c = 0; c < res->ncols; c++)
				{
					Size		w = ColumnWidth(cols[c].kind, res->dim[c]);

					if (cap == 0)
					{
						res->data[c] = MemoryContextAllocHuge(outer, w * newcap);
						if (cols[c].nullable)
							res->isnull[c] = MemoryContextAllocHuge(outer, sizeof(bool) * newcap);
					}
					else
					{
						res->data[c] = repalloc_huge(res->data[c], w * newcap);
						if (cols[c].nullable)
							res->isnull[c] = repalloc_huge(res->isnull[c], sizeof(bool) * newcap);
					}
				}
				cap = newcap;
			}
			for (int c = 0; c < res->ncols; c++)
			{
				if (cols[c].nullable)
					res->isnull[c][res->nrows] = nulls[c];
				if (nulls[c])
				{
					if (cols[c].kind == PREF_COL_VECTOR)
						memset(PREF_QUERY_VECTOR(res, c) + (Size) res->nrows * res->dim[c], 0,
							   sizeof(double) * res->dim[c]);
					else if (cols[c].kind == PREF_COL_TEXT)
						PREF_QUERY_TEXT(res, c)[res->nrows] = NULL;
					continue;
				}
				MemoryContextSwitchTo(batchctx);
				StoreValue(res, &cols[c], c, typids[c], vals[c], res->nrows, qrow, what);
				MemoryContextSwitchTo(outer);
			}
			MemoryContextSwitchTo(old);
			res->nrows++;
		}
		SPI_freetuptable(SPI_tuptable);
		MemoryContextReset(batchctx);
	}
	SPI_cursor_close(portal);
	SPI_finish();
	MemoryContextDelete(batchctx);
	return res;
}
