/*
 * common.c - glue helpers shared by every pgpref module.
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "common/shortest_dec.h"
#include "lib/stringinfo.h"
#include "fmgr.h"
#include "funcapi.h"
#include "utils/array.h"
#include "utils/arrayaccess.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/regproc.h"

#include "common.h"
#include "linalg.h"

/* Ensure the BLAS library uses pgpref.blas_threads threads */
void
PrefApplyBlasThreads(void)
{
	if (linalg_get_threads() != pgpref_blas_threads)
		linalg_set_threads(pgpref_blas_threads);
}

/* Comma-separated list of a NULL-terminated name list, for hints */
char *
PrefNameList(const char *const *names)
{
	StringInfoData buf;

	initStringInfo(&buf);
	for (int i = 0; names[i] != NULL; i++)
		appendStringInfo(&buf, "%s%s", i > 0 ? ", " : "", names[i]);
	return buf.data;
}

/* Ensure value is one of names; return its index */
int
PrefParseOption(const char *value, const char *const *names, const char *optname)
{
	for (int i = 0; names[i] != NULL; i++)
		if (pg_strcasecmp(value, names[i]) == 0)
			return i;

	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("invalid value for argument %s: \"%s\"", optname, value),
			 errhint("Valid values are: %s.", PrefNameList(names))));
	return -1;					/* keep compiler quiet */
}

/*
 * Copy a real[], double precision[], numeric[], smallint[], integer[] or
 * bigint[] array into out (exactly maxdim elements) without raising errors
 * (a numeric beyond the double range raises PostgreSQL's own); returns a
 * PREF_VEC_* status, the array length in *len and, for non-finite values,
 * the 0-based position in *bad.
 */
int
PrefCopyVector(ArrayType *arr, double *out, int maxdim, int *len, int *bad)
{
	Oid			elt = ARR_ELEMTYPE(arr);
	int			n;

	*len = 0;
	*bad = -1;
	if (elt != FLOAT4OID && elt != FLOAT8OID && elt != NUMERICOID &&
		elt != INT2OID && elt != INT4OID && elt != INT8OID)
		return PREF_VEC_BAD_TYPE;
	if (ARR_NDIM(arr) > 1)
		return PREF_VEC_MULTIDIM;
	if (array_contains_nulls(arr))
		return PREF_VEC_NULLS;
	n = ARR_NDIM(arr) == 0 ? 0 : ARR_DIMS(arr)[0];
	*len = n;
	if (n == 0)
		return PREF_VEC_EMPTY;
	if (n != maxdim)
		return PREF_VEC_DIM;
	if (elt == FLOAT8OID)
	{
		const double *src = (const double *) ARR_DATA_PTR(arr);

		for (int i = 0; i < n; i++)
			out[i] = src[i];
	}
	else if (elt == FLOAT4OID)
	{
		const float *src = (const float *) ARR_DATA_PTR(arr);

		for (int i = 0; i < n; i++)
			out[i] = (double) src[i];
	}
	else if (elt == INT2OID)
	{
		const int16 *src = (const int16 *) ARR_DATA_PTR(arr);

		for (int i = 0; i < n; i++)
			out[i] = (double) src[i];
	}
	else if (elt == INT4OID)
	{
		const int32 *src = (const int32 *) ARR_DATA_PTR(arr);

		for (int i = 0; i < n; i++)
			out[i] = (double) src[i];
	}
	else if (elt == INT8OID)
	{
		const int64 *src = (const int64 *) ARR_DATA_PTR(arr);

		for (int i = 0; i < n; i++)
			out[i] = (double) src[i];
	}
	else
	{
		/* numeric: variable width, walk the elements */
		array_iter	it;

		array_iter_setup(&it, (AnyArrayType *) arr);
		for (int i = 0; i < n; i++)
		{
			bool		isnull;
			Datum		d = array_iter_next(&it, &isnull, i, -1, false, TYPALIGN_INT);

			out[i] = DatumGetFloat8(DirectFunctionCall1(numeric_float8, d));
		}
	}
	for (int i = 0; i < n; i++)
		if (!isfinite(out[i]))
		{
			*bad = i;
			return PREF_VEC_NONFINITE;
		}
	return PREF_VEC_OK;
}

/*
 * Report a PrefCopyVector status; where is "" or a context such as
 * " in row 7 of the training query".
 */
void
PrefVectorError(int status, const char *argname, const char *where,
				int expected, int len, double badvalue, int bad)
{
	switch (status)
	{
		case PREF_VEC_OK:
			return;
		case PREF_VEC_BAD_TYPE:
			ereport(ERROR,
					(errcode(ERRCODE_DATATYPE_MISMATCH),
					 errmsg("%s must be real[], double precision[], numeric[] or an integer array%s", argname, where)));
			break;
		case PREF_VEC_MULTIDIM:
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("%s must be a one-dimensional array%s", argname, where)));
			break;
		case PREF_VEC_NULLS:
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("%s must not contain NULL elements%s", argname, where)));
			break;
		case PREF_VEC_EMPTY:
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("%s must not be empty%s", argname, where)));
			break;
		case PREF_VEC_DIM:
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("different dimensions %d and %d%s", expected, len, where),
					 errdetail("Every value of %s must have the same number of elements.", argname)));
			break;
		case PREF_VEC_NONFINITE:
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("%s must not contain NaN or infinite values%s", argname, where),
					 errdetail("Element %d is %s.", bad + 1,
							   isnan(badvalue) ? "NaN" : "infinite")));
			break;
	}
}

/* Length of a checked one-dimensional float array (errors as above) */
static int
VectorLengthChecked(ArrayType *arr, const char *argname)
{
	int			len,
				bad;
	int			st = PrefCopyVector(arr, NULL, -1, &len, &bad);

	if (st != PREF_VEC_DIM && st != PREF_VEC_EMPTY)
		PrefVectorError(st, argname, "", 0, len, 0, bad);
	return len;
}

/* Read a float array into palloc'd memory */
double *
PrefReadVector(ArrayType *arr, int *dim, const char *argname)
{
	int			n = VectorLengthChecked(arr, argname);
	double	   *out;

	if (n == 0)
		PrefVectorError(PREF_VEC_EMPTY, argname, "", 0, 0, 0, -1);
	out = palloc(sizeof(double) * n);
	PrefReadVectorInto(arr, out, n, argname);
	*dim = n;
	return out;
}

/* Read a float array of a known dimension into a caller buffer */
void
PrefReadVectorInto(ArrayType *arr, double *out, int dim, const char *argname)
{
	int			len,
				bad;
	int			st = PrefCopyVector(arr, out, dim, &len, &bad);

	if (st == PREF_VEC_EMPTY && dim != 0)
		st = PREF_VEC_DIM;
	PrefVectorError(st, argname, "", dim, len, bad >= 0 ? out[bad] : 0, bad);
}

/* Ensure a planned allocation fits under pgpref.max_memory */
void
PrefCheckMemory(double bytes, const char *what)
{
	double		limit = (double) pgpref_max_memory_kb * 1024.0;

	if (bytes > limit || bytes > (double) MaxAllocHugeSize)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("%s needs %.0f kB, more than pgpref.max_memory (%d kB)",
						what, ceil(bytes / 1024.0), pgpref_max_memory_kb),
				 errhint("Raise pgpref.max_memory, or reduce the input.")));
}

/* Report a linalg failure */
void
PrefLinalgError(int rc, const char *what)
{
	switch (rc)
	{
		case LINALG_OK:
			return;
		case LINALG_NOT_SPD:
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("%s: matrix is not positive definite", what),
					 errhint("Add regularization or check the input for collinear or degenerate data.")));
			break;
		case LINALG_NO_CONVERGE:
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("%s: LAPACK did not converge", what)));
			break;
		default:
			elog(ERROR, "%s: invalid argument to linear algebra routine (code %d)", what, rc);
	}
}

/* Ensure x is finite */
void
PrefCheckFinite(double x, const char *argname)
{
	if (!isfinite(x))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("%s must be finite", argname),
				 errdetail("Got %s.", isnan(x) ? "NaN" : (x > 0 ? "Infinity" : "-Infinity"))));
}

/*
 * Ensure we are called as an aggregate; return its memory context.  A
 * support function with a real state type can be called from SQL, so this
 * is a user error; it names the SQL function when there is one.
 */
MemoryContext
PrefAggContext(FunctionCallInfo fcinfo, const char *fname)
{
	MemoryContext ctx;

	if (!AggCheckCallContext(fcinfo, &ctx))
	{
		Oid			fn = fcinfo->flinfo ? fcinfo->flinfo->fn_oid : InvalidOid;

		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("%s can only be called by an aggregate",
						OidIsValid(fn) ? format_procedure(fn) : fname),
				 errdetail("It is the transition, combine or final function of an aggregate."),
				 errhint("Call the aggregate instead.")));
	}
	return ctx;
}

/* Error unless a fit's prior is finite and not negative */
void
PrefCheckPrior(double prior)
{
	if (!isfinite(prior) || prior < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("prior must be finite and not negative")));
}

/* Error unless an iterative fit's max_iter is >= 1 and its tol positive and finite */
void
PrefCheckIterOptions(int max_iter, double tol)
{
	if (max_iter < 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("max_iter must be at least 1")));
	if (!isfinite(tol) || tol <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("tol must be positive and finite")));
}

/* Binary search for key in keys[0..n) sorted ascending: its index, or -1 */
int64
PrefFindInt64(const int64 *keys, int64 n, int64 key)
{
	int64		lo = 0,
				hi = n - 1;

	while (lo <= hi)
	{
		int64		mid = lo + (hi - lo) / 2;

		if (keys[mid] == key)
			return mid;
		if (keys[mid] < key)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}

/* The blessed row descriptor of a function that returns a composite type */
TupleDesc
PrefResultDesc(FunctionCallInfo fcinfo)
{
	TupleDesc	tupdesc;

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	return BlessTupleDesc(tupdesc);
}

/* Error unless argument argno is not NULL (options of non-strict functions) */
void
PrefCheckNotNull(FunctionCallInfo fcinfo, int argno, const char *argname)
{
	if (PG_ARGISNULL(argno))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s must not be NULL", argname)));
}

/* Append a double to JSON text: its shortest exact decimal, null when not finite */
void
PrefAppendJsonNumber(StringInfo buf, double x)
{
	char		tmp[DOUBLE_SHORTEST_DECIMAL_LEN];

	if (!isfinite(x))
	{
		appendStringInfoString(buf, "null");
		return;
	}
	double_to_shortest_decimal_buf(x, tmp);
	appendStringInfoString(buf, tmp);
}
