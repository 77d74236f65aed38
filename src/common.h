/*
 * common.h - helpers shared by pgpref's SQL glue: settings, option parsing,
 * reading numeric arrays, memory limits and linalg error reporting.
 */
#ifndef PGPREF_COMMON_H
#define PGPREF_COMMON_H

#include "postgres.h"
#include "lib/stringinfo.h"
#include "utils/array.h"
#include "fmgr.h"
#include "access/tupdesc.h"

/* Settings (see pgpref.c) */
extern int	pgpref_blas_threads;
extern int	pgpref_max_memory_kb;
extern int	pgpref_progress_s;

/* Re-apply pgpref.blas_threads to the BLAS library (call before BLAS work) */
extern void PrefApplyBlasThreads(void);

/* Comma-separated list of a NULL-terminated name list (for hints) */
extern char *PrefNameList(const char *const *names);
extern void PrefAppendJsonNumber(StringInfo buf, double x);

/*
 * Parse a text option against a NULL-terminated list of accepted names;
 * errors name the option and list the accepted values.
 */
extern int	PrefParseOption(const char *value, const char *const *names,
							const char *optname);

/*
 * Read a one-dimensional real[] or double precision[] into a palloc'd
 * double array; rejects NULL elements, NaN and infinities.  *dim receives
 * the length; argname is used in error messages.
 */
extern double *PrefReadVector(ArrayType *arr, int *dim, const char *argname);

/* Same, into a caller buffer of exactly dim elements (dimension checked) */
extern void PrefReadVectorInto(ArrayType *arr, double *out, int dim,
							   const char *argname);

/*
 * Non-raising vector copy for callers that word their own errors (row
 * numbers, query names): PREF_VEC_* status codes, reported by
 * PrefVectorError.
 */
#define PREF_VEC_OK			0
#define PREF_VEC_BAD_TYPE	1
#define PREF_VEC_MULTIDIM	2
#define PREF_VEC_NULLS		3
#define PREF_VEC_EMPTY		4
#define PREF_VEC_DIM		5	/* length differs from maxdim */
#define PREF_VEC_NONFINITE	6
extern int	PrefCopyVector(ArrayType *arr, double *out, int maxdim, int *len, int *bad);
extern void PrefVectorError(int status, const char *argname, const char *where,
							int expected, int len, double badvalue, int bad);

/* Error unless bytes fit under pgpref.max_memory; what names the request */
extern void PrefCheckMemory(double bytes, const char *what);

/* ereport a linalg return code */
extern void PrefLinalgError(int rc, const char *what);

/* Error if x is NaN or infinite */
extern void PrefCheckFinite(double x, const char *argname);

/*
 * The aggregate memory context of an aggregate support function; outside
 * an aggregate, an error (FEATURE_NOT_SUPPORTED) naming the SQL function,
 * or fname when it has none.
 */
extern MemoryContext PrefAggContext(FunctionCallInfo fcinfo, const char *fname);

/* Error unless prior is finite and not negative */
extern void PrefCheckPrior(double prior);

/* Error unless max_iter is at least 1 and tol positive and finite */
extern void PrefCheckIterOptions(int max_iter, double tol);

/* Index of key in keys[0..n) sorted ascending (binary search), or -1 */
extern int64 PrefFindInt64(const int64 *keys, int64 n, int64 key);

/* Error "<argname> must not be NULL" (22004) if argument argno is NULL */
extern void PrefCheckNotNull(FunctionCallInfo fcinfo, int argno, const char *argname);

/* The blessed row descriptor of a function that returns a composite type */
extern TupleDesc PrefResultDesc(FunctionCallInfo fcinfo);

#endif							/* PGPREF_COMMON_H */
