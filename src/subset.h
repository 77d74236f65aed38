/*
 * subset.h - SQL glue shared by the selection functions (subset.c, ivf.c,
 * selmerge.c): argument checks, progress notices and reading the rows
 * (id, embedding [, ...]) of an inner query into a SubsetData sorted by id.
 */
#ifndef PGPREF_SUBSET_H
#define PGPREF_SUBSET_H

#include "postgres.h"

#include "fmgr.h"

#include "query.h"
#include "subset_core.h"

/* Let the numeric core respond to cancel and statement_timeout */
extern void SubsetTick(void *arg);

/* Progress NOTICE every pgpref.progress seconds; arg from SubsetProgressStart */
extern void SubsetProgress(void *arg, const char *phase, int64_t done, int64_t total);

/* Start the progress clock of a call; what prefixes the notices */
extern void *SubsetProgressStart(const char *what);

/* A text argument that must not be NULL, as a C string */
extern char *SubsetTextArg(FunctionCallInfo fcinfo, int argno, const char *name);

/*
 * An optional float argument (dflt when NULL) that must be finite and in
 * [lo, hi], each end open when flagged; hi >= 1e300 means no upper bound
 */
extern double SubsetFloatArg(FunctionCallInfo fcinfo, int argno, const char *name, double dflt,
							 double lo, bool lo_open, double hi, bool hi_open);

/*
 * Read the inner query with PrefReadQueryIds (column 0 the id, column 1
 * the embedding), a hint added to a mismatched-dimension error, and a
 * NOTICE naming nullcols when rows were skipped for NULLs
 */
extern PrefQueryResult *SubsetReadRows(const char *sql, const PrefQueryColumn *cols, int ncols,
									   const char *what, Oid id_type, const char *nullcols);

/*
 * Sort the rows of a result of SubsetReadRows by id (error on a repeated
 * id) and fill the common part of sd: rows, embeddings, ids, metric, gamma
 * (1/d unless has_gamma), squared norms under l2, cancel and progress
 * callbacks; the quality is left NULL.  Error on a zero vector under
 * cosine.
 */
extern void SubsetPrepareRows(SubsetData *sd, PrefQueryResult *res, int metric, double gamma,
							  bool has_gamma, const char *what);

/*
 * Return the picks of out as rows (id, pick, gain, objective) of the
 * materialized result: ids by key through ids, pick numbers from
 * first_pick + 1, an undefined (NaN) gain as NULL
 */
extern void SubsetPutPicks(FunctionCallInfo fcinfo, const PrefIdMap *ids, const int64 *id,
						   const SubsetResult *out, int64 first_pick);

#endif							/* PGPREF_SUBSET_H */
