/*
 * query.h - read an inner query ('SELECT id, embedding, label FROM ...'),
 * the convention of pgRouting and MADlib, into dense arrays.
 *
 * The caller describes the columns it expects; the reader runs the query
 * with the caller's privileges through an SPI cursor in batches, checks
 * column count and types, skips and counts rows with NULLs in required
 * columns, rejects NaN/infinite vector elements and mismatched dimensions,
 * and refuses (naming pgpref.max_memory) when the result would not fit.
 */
#ifndef PGPREF_QUERY_H
#define PGPREF_QUERY_H

#include "postgres.h"

typedef enum PrefColKind
{
	PREF_COL_INT8,				/* smallint, integer or bigint -> int64 */
	PREF_COL_FLOAT8,			/* real, double precision, numeric, integers -> double */
	PREF_COL_VECTOR,			/* real[] or double precision[] -> double[dim] */
	PREF_COL_BOOL,				/* boolean -> bool */
	PREF_COL_TEXT				/* text / varchar -> palloc'd C string */
} PrefColKind;

typedef struct PrefQueryColumn
{
	const char *name;			/* used in error messages */
	PrefColKind kind;
	bool		optional;		/* may be absent from the query (trailing columns only) */
	bool		nullable;		/* NULL allowed (else rows with NULL are skipped); not for vectors */
} PrefQueryColumn;

typedef struct PrefQueryResult
{
	int64		nrows;			/* rows kept */
	int64		skipped;		/* rows skipped for NULLs in required columns */
	int			ncols;			/* columns present in the query */
	int		   *dim;			/* per column: vector dimension (0 otherwise) */
	void	  **data;			/* per column: int64[], double[], double[nrows*dim], bool[], char*[] */
	bool	  **isnull;			/* per column: NULL flags (only for nullable columns, else NULL) */
} PrefQueryResult;

/*
 * Run sql and read it into a PrefQueryResult allocated in the current
 * memory context.  what names the calling function in errors.
 */
extern PrefQueryResult *PrefReadQuery(const char *sql, const PrefQueryColumn *cols,
									  int ncols, const char *what);

#define PREF_QUERY_INT8(res, c)		((int64 *) (res)->data[c])
#define PREF_QUERY_FLOAT8(res, c)	((double *) (res)->data[c])
#define PREF_QUERY_VECTOR(res, c)	((double *) (res)->data[c])
#define PREF_QUERY_BOOL(res, c)		((bool *) (res)->data[c])
#define PREF_QUERY_TEXT(res, c)		((char **) (res)->data[c])

#endif							/* PGPREF_QUERY_H */
