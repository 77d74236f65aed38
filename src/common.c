/*
 * common.c - glue helpers shared by every pgpref module.
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "lib/stringinfo.h"
#include "utils/array.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"

#include "common.h"
#include "linalg.h"

/* Ensure the BLAS library uses pgpref.blas_threads threads */
void
PrefApplyBlasThreads(void)
{
	if (linalg_get_threads() != pgpref_blas_threads)
		linalg_set_threads(pgpref_blas_threads);
}

/* Ensure value is one of names; return its index */
int
PrefParseOption(const char *value, const char *const *names, const char *optname)
{
	StringInfoData buf;

	for (int i = 0; names[i] != NULL; i++)
		if (pg_strcasecmp(value, names[i]) == 0)
			return i;

	initStringInfo(&buf);
	for (int i = 0; names[i] != NULL; i++)
		appendStringInfo(&buf, "%s%s", i > 0 ? ", " : "", names[i]);
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("unknown %s \"%s\"", optname, value),
			 errhint("Valid values are: %s.", buf.data)));
	return -1;					/* keep compiler quiet */
}

/* Ensure arr is a one-dimensional float array without NULLs */
static int
CheckVectorArray(ArrayType *arr, const char *argname)
{
	Oid			elt = ARR_ELEMTYPE(arr);

	if (elt != FLOAT4OID && elt != FLOAT8OID)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("%s must be real[] or double precision[]", argname)));
	if (ARR_NDIM(arr) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("%s must be a one-dimensional array", argname)));
	if (array_contains_nulls(arr))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s must not contain NULL elements", argname)));
	return ARR_NDIM(arr) == 0 ? 0 : ARR_DIMS(arr)[0];
}

/* Copy n elements of a checked float array into out, rejecting non-finite */
static void
CopyVector(ArrayType *arr, double *out, int n, const char *argname)
{
	if (ARR_ELEMTYPE(arr) == FLOAT8OID)
	{
		const double *src = (const double *) ARR_DATA_PTR(arr);

		for (int i = 0; i < n; i++)
			out[i] = src[i];
	}
	else
	{
		const float *src = (const float *) ARR_DATA_PTR(arr);

		for (int i = 0; i < n; i++)
			out[i] = (double) src[i];
	}
	for (int i = 0; i < n; i++)
		if (!isfinite(out[i]))
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("%s must not contain NaN or infinite values", argname),
					 errdetail("Element %d is %s.", i + 1,
							   isnan(out[i]) ? "NaN" : "infinite")));
}

/* Read a float array into palloc'd memory */
double *
PrefReadVector(ArrayType *arr, int *dim, const char *argname)
{
	int			n = CheckVectorArray(arr, argname);
	double	   *out;

	if (n == 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("%s must not be empty", argname)));
	out = palloc(sizeof(double) * n);
	CopyVector(arr, out, n, argname);
	*dim = n;
	return out;
}

/* Read a float array of a known dimension into a caller buffer */
void
PrefReadVectorInto(ArrayType *arr, double *out, int dim, const char *argname)
{
	int			n = CheckVectorArray(arr, argname);

	if (n != dim)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("different dimensions %d and %d", dim, n),
				 errdetail("Every %s must have the same number of elements.", argname)));
	CopyVector(arr, out, n, argname);
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
