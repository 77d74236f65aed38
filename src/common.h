/*
 * common.h - helpers shared by pgpref's SQL glue: settings, option parsing,
 * reading numeric arrays, memory limits and linalg error reporting.
 */
#ifndef PGPREF_COMMON_H
#define PGPREF_COMMON_H

#include "postgres.h"
#include "utils/array.h"

/* Settings (see pgpref.c) */
extern int	pgpref_blas_threads;
extern int	pgpref_max_memory_kb;

/* Re-apply pgpref.blas_threads to the BLAS library (call before BLAS work) */
extern void PrefApplyBlasThreads(void);

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

/* Error unless bytes fit under pgpref.max_memory; what names the request */
extern void PrefCheckMemory(double bytes, const char *what);

/* ereport a linalg return code */
extern void PrefLinalgError(int rc, const char *what);

/* Error if x is NaN or infinite */
extern void PrefCheckFinite(double x, const char *argname);

#endif							/* PGPREF_COMMON_H */
