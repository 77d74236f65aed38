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

#include "catalog/pg_type.h"
#include "fmgr.h"

typedef enum PrefColKind
{
	PREF_COL_INT8,				/* smallint, integer or bigint -> int64 */
	PREF_COL_FLOAT8,			/* real, double precision, numeric, integers -> double */
	PREF_COL_VECTOR,			/* real[], double precision[], numeric[] or
								 * smallint/integer/bigint[] -> double[dim] */
	PREF_COL_BOOL,				/* boolean -> bool */
	PREF_COL_TEXT,				/* text / varchar -> palloc'd C string */
	PREF_COL_ID,				/* an id (see PrefIdMap) -> int64 key */
	PREF_COL_VECTOR_SINGLE		/* as PREF_COL_VECTOR, but a real[] column is
								 * kept as float[dim] (res->single[c], read
								 * with PREF_QUERY_SINGLE): the same values in
								 * half the memory */
} PrefColKind;

typedef struct PrefQueryColumn
{
	const char *name;			/* used in error messages */
	PrefColKind kind;
	bool		optional;		/* may be absent from the query (trailing columns only) */
	bool		nullable;		/* NULL allowed (else rows with NULL are skipped); not for vectors */
} PrefQueryColumn;

/*
 * How the ids of a PREF_COL_ID column map to int64 keys.  Integer ids
 * (smallint, integer, bigint) are their own keys.  Ids of any other type
 * with a default btree operator class (text, uuid, ...) are replaced by
 * dense ranks 0..ndistinct-1 in the order of that class, text compared
 * with COLLATE "C", so the order never depends on the server's locale.
 * Either way a smaller key means a smaller id, equal ids share a key, and
 * the numeric cores run unchanged on keys.
 */
typedef struct PrefIdMap
{
	Oid			typid;			/* type of the query's id column */
	Oid			outtype;		/* type of the ids returned (PrefIdDatum) */
	bool		integer;		/* keys are the integer values themselves */
	int64		ndistinct;		/* non-integer ids: distinct values */
	Datum	   *values;			/* non-integer ids: distinct values by key */
	int16		typlen;
	bool		typbyval;
	Oid			typoutput;
	void	   *ssup;			/* SortSupport of the btree order */
} PrefIdMap;

/*
 * id_type of PrefReadQueryIds: PREF_ID_INTEGER for the bigint signatures
 * (integer ids only, returned as bigint; any other type is an error whose
 * hint names the id_type argument), PREF_ID_ANY for ids that are read but
 * not returned (any type with a btree order), or the type the caller
 * declared with id_type (the column must have exactly that type).
 */
#define PREF_ID_INTEGER InvalidOid
#define PREF_ID_ANY		ANYELEMENTOID

typedef struct PrefQueryResult
{
	int64		nrows;			/* rows kept */
	int64		skipped;		/* rows skipped for NULLs in required columns */
	int			ncols;			/* columns present in the query */
	int		   *dim;			/* per column: vector dimension (0 otherwise) */
	void	  **data;			/* per column: int64[], double[], double[nrows*dim], bool[], char*[] */
	bool	  **isnull;			/* per column: NULL flags (only for nullable columns, else NULL) */
	PrefIdMap **ids;			/* per column: key mapping of PREF_COL_ID columns, else NULL */
	bool	   *single;			/* per column: vector kept as float[nrows*dim] */
	Size	   *width;			/* per column: bytes per row in data[c] */
} PrefQueryResult;

/*
 * Run sql and read it into a PrefQueryResult allocated in the current
 * memory context.  what names the calling function in errors.
 */
extern PrefQueryResult *PrefReadQuery(const char *sql, const PrefQueryColumn *cols,
									  int ncols, const char *what);

/* Same, with PREF_COL_ID columns read as described for PREF_ID_* above */
extern PrefQueryResult *PrefReadQueryIds(const char *sql, const PrefQueryColumn *cols,
										 int ncols, const char *what, Oid id_type);

/*
 * The stable ascending order of n int64 keys: order[i] is the index of the
 * i-th smallest key, equal keys in index order (an LSD radix sort, palloc'd
 * in the current memory context).
 */
extern int64 *PrefSortOrder(const int64 *key, int64 n);

/*
 * Sort the rows of res by the keys of id column idcol, ascending and
 * stable, every column (and its NULL flags) in place, so a smaller row
 * index means a smaller id whatever order the query returned the rows in.
 * With unique, a repeated id is an error ("<what>: duplicate id ...").
 */
extern void PrefSortResultById(PrefQueryResult *res, int idcol, const char *what, bool unique);

/* Error ("<what>: duplicate id ...") when id column idcol repeats an id; rows stay put */
extern void PrefCheckUniqueIds(const PrefQueryResult *res, int idcol, const char *what);

/* The id of a key, as a Datum of map->outtype */
extern Datum PrefIdDatum(const PrefIdMap *map, int64 key);

/* The id of a key in its text form (for messages) */
extern char *PrefIdString(const PrefIdMap *map, int64 key);

/*
 * The key of an id given as a Datum of type valtype: an integer (smallint,
 * integer, bigint) for integer ids, which are their own keys, or a value of
 * map->typid; -1 when the type does not fit or a non-integer id does not
 * occur in the query.
 */
extern int64 PrefIdLookup(const PrefIdMap *map, Datum value, Oid valtype);

/*
 * A 64-bit number that depends only on the id, not on the other ids of
 * the query: the value of an integer id, else a hash of its text form.
 * Seeds per-id random streams.
 */
extern uint64 PrefIdStreamKey(const PrefIdMap *map, int64 key);

/*
 * The declared id type of an overload with an id_type argument: the type
 * of result column idcol (set by InitMaterializedSRF), checked to have a
 * default btree operator class.
 */
extern Oid	PrefIdTypeOfResult(FunctionCallInfo fcinfo, int idcol);

#define PREF_QUERY_ID(res, c)		((int64 *) (res)->data[c])
#define PREF_QUERY_INT8(res, c)		((int64 *) (res)->data[c])
#define PREF_QUERY_FLOAT8(res, c)	((double *) (res)->data[c])
#define PREF_QUERY_VECTOR(res, c)	((double *) (res)->data[c])
#define PREF_QUERY_SINGLE(res, c)	((float *) (res)->data[c])
#define PREF_QUERY_BOOL(res, c)		((bool *) (res)->data[c])
#define PREF_QUERY_TEXT(res, c)		((char **) (res)->data[c])

#endif							/* PGPREF_QUERY_H */
