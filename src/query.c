/*
 * query.c - inner-query reader shared by the modules that need all rows at
 * once (valuation, selection, reward models).
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_collation.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "executor/tuptable.h"
#include "tcop/dest.h"
#include "nodes/execnodes.h"
#include "parser/parse_coerce.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/sortsupport.h"
#include "utils/typcache.h"

#include "common.h"
#include "query.h"

#define QUERY_BATCH 1000

/* Is typid one of the integer types whose values are their own keys */
static bool
IsIntegerId(Oid typid)
{
	return typid == INT2OID || typid == INT4OID || typid == INT8OID;
}

/* Bytes one row of column c needs (single: a vector kept as float) */
static Size
ColumnWidth(PrefColKind kind, int dim, bool single)
{
	if (kind == PREF_COL_VECTOR && single)
		return sizeof(float) * (Size) Max(dim, 1);
	switch (kind)
	{
		case PREF_COL_INT8:
			return sizeof(int64);
		case PREF_COL_FLOAT8:
			return sizeof(double);
		case PREF_COL_VECTOR:
		case PREF_COL_VECTOR_SINGLE:
			return sizeof(double) * (Size) Max(dim, 1);
		case PREF_COL_BOOL:
			return sizeof(bool);
		case PREF_COL_TEXT:
			return sizeof(char *);
		case PREF_COL_ID:
			return sizeof(int64);
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
		case PREF_COL_VECTOR_SINGLE:
			return "real[], double precision[], numeric[] or an integer array";
		case PREF_COL_BOOL:
			return "boolean";
		case PREF_COL_TEXT:
			return "text";
		case PREF_COL_ID:
			return "an integer type";
	}
	return "?";
}

/* The btree "less than" of a type's default operator class, or InvalidOid */
static Oid
IdLessThan(Oid typid)
{
	return lookup_type_cache(typid, TYPECACHE_LT_OPR)->lt_opr;
}

/* Ensure the id column c has a type usable under id_type */
static void
CheckIdColumnType(Oid typid, const PrefQueryColumn *col, int c, const char *what, Oid id_type)
{
	if (id_type == PREF_ID_INTEGER)
	{
		if (IsIntegerId(typid))
			return;
		if (TypeCategory(typid) == TYPCATEGORY_NUMERIC)
			ereport(ERROR,
					(errcode(ERRCODE_DATATYPE_MISMATCH),
					 errmsg("%s: column %d (%s) of the query must be an integer type, not %s",
							what, c + 1, col->name, format_type_be(typid)),
					 errhint("Cast the column to bigint (%s::bigint).", col->name)));
		if (OidIsValid(IdLessThan(typid)))
			ereport(ERROR,
					(errcode(ERRCODE_DATATYPE_MISMATCH),
					 errmsg("%s: column %d (%s) of the query must be an integer type, not %s",
							what, c + 1, col->name, format_type_be(typid)),
					 errhint("Pass id_type => NULL::%s to get %s ids.",
							 format_type_be(typid), format_type_be(typid))));
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("%s: column %d (%s) of the query must be an integer type, not %s",
						what, c + 1, col->name, format_type_be(typid))));
	}
	if (id_type != PREF_ID_ANY && typid != id_type)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("%s: column %d (%s) of the query is %s, but id_type is %s",
						what, c + 1, col->name, format_type_be(typid), format_type_be(id_type)),
				 errdetail("The ids are returned in the type of id_type, so the query's ids must have that type."),
				 errhint("Cast the column in the query (%s::%s), or pass id_type => NULL::%s.",
						 col->name, format_type_be(id_type), format_type_be(typid))));
	if (!IsIntegerId(typid) && !OidIsValid(IdLessThan(typid)))
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("%s: column %d (%s) of the query has type %s, which has no default btree ordering",
						what, c + 1, col->name, format_type_be(typid)),
				 errhint("Use ids of type bigint, integer, text or uuid.")));
}

/* Ensure the query's column c has a type usable as kind */
static void
CheckColumnType(Oid typid, const PrefQueryColumn *col, int c, const char *what, Oid id_type)
{
	bool		ok = false;

	switch (col->kind)
	{
		case PREF_COL_ID:
			CheckIdColumnType(typid, col, c, what, id_type);
			return;
		case PREF_COL_INT8:
			ok = (typid == INT2OID || typid == INT4OID || typid == INT8OID);
			break;
		case PREF_COL_FLOAT8:
			ok = (typid == FLOAT4OID || typid == FLOAT8OID || typid == NUMERICOID ||
				  typid == INT2OID || typid == INT4OID || typid == INT8OID);
			break;
		case PREF_COL_VECTOR:
		case PREF_COL_VECTOR_SINGLE:
			ok = (typid == FLOAT4ARRAYOID || typid == FLOAT8ARRAYOID ||
				  typid == NUMERICARRAYOID || typid == INT2ARRAYOID ||
				  typid == INT4ARRAYOID || typid == INT8ARRAYOID);
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

/*
 * Store a real[] of a column read with single = true as floats, with the
 * checks of PrefCopyVector (the floats are the values themselves, so
 * nothing is rounded): one copy, then a pass for non-finite values
 */
static void
StoreSingle(PrefQueryResult *res, const PrefQueryColumn *col, int c, Datum d,
			int64 row, int64 qrow, const char *what)
{
	ArrayType  *arr = DatumGetArrayTypeP(d);
	int			dim = res->dim[c];
	float	   *out = PREF_QUERY_SINGLE(res, c) + (Size) row * dim;
	int			n = ARR_NDIM(arr) == 0 ? 0 : ARR_DIMS(arr)[0];
	int			st = PREF_VEC_OK,
				bad = -1;
	bool		finite = true;

	if (ARR_NDIM(arr) > 1)
		st = PREF_VEC_MULTIDIM;
	else if (ARR_HASNULL(arr) && array_contains_nulls(arr))
		st = PREF_VEC_NULLS;
	else if (n != dim)
		st = PREF_VEC_DIM;
	else
	{
		memcpy(out, ARR_DATA_PTR(arr), sizeof(float) * dim);
		/* branch-free over the row; locate the element only on failure */
		for (int i = 0; i < dim; i++)
			finite &= isfinite(out[i]) != 0;
		if (!finite)
		{
			for (bad = 0; isfinite(out[bad]); bad++)
				;
			st = PREF_VEC_NONFINITE;
		}
	}
	if (st != PREF_VEC_OK)
		PrefVectorError(st, col->name,
						psprintf(" in row " INT64_FORMAT " of the query of %s", qrow, what),
						dim, n, bad >= 0 ? ((const float *) ARR_DATA_PTR(arr))[bad] : 0, bad);
}

/* Convert one non-NULL datum of column c into the result arrays */
static void
StoreValue(PrefQueryResult *res, const PrefQueryColumn *col, int c, Oid typid,
		   Datum d, int64 row, int64 qrow, const char *what)
{
	switch (col->kind)
	{
		case PREF_COL_ID:		/* integer ids; the others are kept as Datums */
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
		case PREF_COL_VECTOR_SINGLE:
			if (res->single[c])
			{
				StoreSingle(res, col, c, d, row, qrow, what);
				break;
			}
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

/* Does column col keep its ids as Datums (non-integer ids) */
static bool
RawId(const PrefQueryColumn *col, Oid typid)
{
	return col->kind == PREF_COL_ID && !IsIntegerId(typid);
}

/* Sort state of the ids of one column: their Datums and the btree order */
typedef struct IdSortArg
{
	const Datum *raw;
	SortSupport ssup;
} IdSortArg;

/* Order row numbers by their ids, then by row (qsort_arg comparator) */
static int
CompareRawIds(const void *a, const void *b, void *arg)
{
	const IdSortArg *s = (const IdSortArg *) arg;
	int64		x = *(const int64 *) a,
				y = *(const int64 *) b;
	int			r = ApplySortComparator(s->raw[x], false, s->raw[y], false, s->ssup);

	if (r != 0)
		return r;
	return x < y ? -1 : (x > y ? 1 : 0);
}

/* SortSupport of the default btree order of typid, text in COLLATE "C" */
static SortSupport
IdSortSupport(Oid typid)
{
	SortSupport ssup = palloc0(sizeof(SortSupportData));

	ssup->ssup_cxt = CurrentMemoryContext;
	ssup->ssup_collation = OidIsValid(get_typcollation(typid)) ? C_COLLATION_OID : InvalidOid;
	ssup->ssup_nulls_first = false;
	ssup->abbreviate = false;
	PrepareSortSupportFromOrderingOp(IdLessThan(typid), ssup);
	return ssup;
}

/*
 * The key mapping of id column c: integer ids are their own keys; other
 * ids (raw, one per kept row) become dense ranks in btree order.
 */
static PrefIdMap *
BuildIdMap(PrefQueryResult *res, int c, Datum *raw, Oid typid, Oid outtype, const char *what)
{
	PrefIdMap  *map = palloc0(sizeof(PrefIdMap));
	bool		isvarlena;
	int64		n = res->nrows;

	map->typid = typid;
	map->outtype = outtype;
	map->integer = IsIntegerId(typid);
	get_typlenbyval(typid, &map->typlen, &map->typbyval);
	getTypeOutputInfo(typid, &map->typoutput, &isvarlena);
	if (map->integer)
		return map;

	map->ssup = IdSortSupport(typid);
	PrefCheckMemory((double) n * (sizeof(int64) + sizeof(Datum)), what);
	if (n > 0)
	{
		int64	   *order = MemoryContextAllocHuge(CurrentMemoryContext, sizeof(int64) * n);
		int64	   *key = PREF_QUERY_ID(res, c);
		IdSortArg	arg;
		int64		k = -1;

		MemoryContext sortctx,
					old;

		for (int64 i = 0; i < n; i++)
			order[i] = i;
		arg.raw = raw;
		arg.ssup = (SortSupport) map->ssup;
		map->values = MemoryContextAllocHuge(CurrentMemoryContext, sizeof(Datum) * n);
		/* comparators may detoast into the current context: a short-lived one */
		sortctx = AllocSetContextCreate(CurrentMemoryContext, "pgpref id sort", ALLOCSET_DEFAULT_SIZES);
		old = MemoryContextSwitchTo(sortctx);
		qsort_arg(order, n, sizeof(int64), CompareRawIds, &arg);
		for (int64 i = 0; i < n; i++)
		{
			if (i == 0 || ApplySortComparator(raw[order[i]], false, raw[order[i - 1]], false,
											  (SortSupport) map->ssup) != 0)
				map->values[++k] = raw[order[i]];
			key[order[i]] = k;
			if ((i & 0xFFFF) == 0)
			{
				CHECK_FOR_INTERRUPTS();
				MemoryContextReset(sortctx);
			}
		}
		MemoryContextSwitchTo(old);
		MemoryContextDelete(sortctx);
		map->ndistinct = k + 1;
		pfree(order);
	}
	if (raw != NULL)
		pfree(raw);
	return map;
}

/* Stable ascending order of n int64 keys: LSD radix sort, 8 bits a pass */
int64 *
PrefSortOrder(const int64 *key, int64 n)
{
	int64	   *order = palloc_extended(sizeof(int64) * Max(n, 1), MCXT_ALLOC_HUGE);
	uint64	   *ka,
			   *kb;
	int64	   *ob;
	int64	   *count;
	bool		sorted = true;

	for (int64 i = 0; i < n; i++)
	{
		order[i] = i;
		if (i > 0 && key[i] < key[i - 1])
			sorted = false;
	}
	if (sorted)
		return order;

	/* keys with the sign bit flipped compare as unsigned in signed order */
	ka = palloc_extended(sizeof(uint64) * n, MCXT_ALLOC_HUGE);
	kb = palloc_extended(sizeof(uint64) * n, MCXT_ALLOC_HUGE);
	ob = palloc_extended(sizeof(int64) * n, MCXT_ALLOC_HUGE);
	count = palloc0(sizeof(int64) * 8 * 256);
	for (int64 i = 0; i < n; i++)
	{
		uint64		u = (uint64) key[i] ^ (UINT64CONST(1) << 63);

		ka[i] = u;
		for (int b = 0; b < 8; b++)
			count[b * 256 + ((u >> (8 * b)) & 0xFF)]++;
	}
	for (int b = 0; b < 8; b++)
	{
		int64	   *cnt = count + b * 256;
		int64		pos = 0;

		/* a byte that every key shares leaves the order as it is */
		if (cnt[(ka[0] >> (8 * b)) & 0xFF] == n)
			continue;
		CHECK_FOR_INTERRUPTS();
		for (int v = 0; v < 256; v++)
		{
			int64		c = cnt[v];

			cnt[v] = pos;
			pos += c;
		}
		for (int64 i = 0; i < n; i++)
		{
			int64		dst = cnt[(ka[i] >> (8 * b)) & 0xFF]++;

			kb[dst] = ka[i];
			ob[dst] = order[i];
		}
		{
			uint64	   *tk = ka;
			int64	   *to = order;

			ka = kb;
			kb = tk;
			order = ob;
			ob = to;
		}
	}
	pfree(ka);
	pfree(kb);
	pfree(ob);
	pfree(count);
	return order;
}

/* Error on the first repeated id of keys sorted by order */
static void
CheckSortedUnique(const int64 *key, const int64 *order, int64 n, const PrefIdMap *map,
				  const char *what)
{
	for (int64 i = 1; i < n; i++)
		if (key[order[i]] == key[order[i - 1]])
			ereport(ERROR,
					(errcode(ERRCODE_UNIQUE_VIOLATION),
					 errmsg("%s: duplicate id %s in the query", what,
							map != NULL ? PrefIdString(map, key[order[i]]) :
							psprintf(INT64_FORMAT, key[order[i]])),
					 errhint("Each row needs a distinct id.")));
}

/* Error when id column idcol repeats an id; the rows stay in place */
void
PrefCheckUniqueIds(const PrefQueryResult *res, int idcol, const char *what)
{
	int64	   *order = PrefSortOrder(PREF_QUERY_ID(res, idcol), res->nrows);

	CheckSortedUnique(PREF_QUERY_ID(res, idcol), order, res->nrows, res->ids[idcol], what);
	pfree(order);
}

/*
 * Move row order[k] of an array of n rows of w bytes to row k, for every
 * k, in place: follow the permutation's cycles (done: n flags of scratch)
 */
static void
PermuteRows(char *base, Size w, const int64 *order, int64 n, bool *done, char *tmp)
{
	memset(done, 0, n);
	for (int64 t = 0; t < n; t++)
	{
		int64		k = t;

		if (done[t])
			continue;
		if (order[t] == t)
		{
			done[t] = true;
			continue;
		}
		memcpy(tmp, base + t * w, w);
		for (;;)
		{
			int64		src = order[k];

			done[k] = true;
			if (src == t)
			{
				memcpy(base + k * w, tmp, w);
				break;
			}
			memcpy(base + k * w, base + src * w, w);
			k = src;
		}
	}
}

/* Sort every column of res by the keys of id column idcol, stable, in place */
void
PrefSortResultById(PrefQueryResult *res, int idcol, const char *what, bool unique)
{
	int64		n = res->nrows;
	int64	   *order;
	bool	   *done;
	char	   *tmp;
	Size		maxw = 1;
	bool		identity = true;

	if (n <= 1)
		return;
	order = PrefSortOrder(PREF_QUERY_ID(res, idcol), n);
	if (unique)
		CheckSortedUnique(PREF_QUERY_ID(res, idcol), order, n, res->ids[idcol], what);
	for (int64 i = 0; i < n && identity; i++)
		identity = order[i] == i;
	if (identity)
	{
		pfree(order);
		return;
	}
	for (int c = 0; c < res->ncols; c++)
		maxw = Max(maxw, res->width[c]);
	done = palloc_extended(n, MCXT_ALLOC_HUGE);
	tmp = palloc(maxw);
	for (int c = 0; c < res->ncols; c++)
	{
		CHECK_FOR_INTERRUPTS();
		PermuteRows((char *) res->data[c], res->width[c], order, n, done, tmp);
		if (res->isnull[c] != NULL)
			PermuteRows((char *) res->isnull[c], sizeof(bool), order, n, done, tmp);
	}
	pfree(tmp);
	pfree(done);
	pfree(order);
}

/* The id of a key as a Datum of map->outtype */
Datum
PrefIdDatum(const PrefIdMap *map, int64 key)
{
	if (!map->integer)
	{
		Assert(key >= 0 && key < map->ndistinct);
		return map->values[key];
	}
	switch (map->outtype)
	{
		case INT2OID:
			return Int16GetDatum((int16) key);
		case INT4OID:
			return Int32GetDatum((int32) key);
		default:
			return Int64GetDatum(key);
	}
}

/* The id of a key in its text form */
char *
PrefIdString(const PrefIdMap *map, int64 key)
{
	if (map->integer)
		return psprintf(INT64_FORMAT, key);
	return OidOutputFunctionCall(map->typoutput, PrefIdDatum(map, key));
}

/* The key of an id value of type valtype, or -1 if it is not a query id */
int64
PrefIdLookup(const PrefIdMap *map, Datum value, Oid valtype)
{
	int64		lo = 0,
				hi = map->ndistinct - 1;

	switch (valtype)
	{
		case INT2OID:
			return map->integer ? DatumGetInt16(value) : -1;
		case INT4OID:
			return map->integer ? DatumGetInt32(value) : -1;
		case INT8OID:
			return map->integer ? DatumGetInt64(value) : -1;
	}
	if (map->integer || valtype != map->typid)
		return -1;
	while (lo <= hi)
	{
		int64		mid = lo + (hi - lo) / 2;
		int			r = ApplySortComparator(value, false, map->values[mid], false,
											(SortSupport) map->ssup);

		if (r == 0)
			return mid;
		if (r > 0)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}

/* Integer ids: the value; others: FNV-1a of the text form */
uint64
PrefIdStreamKey(const PrefIdMap *map, int64 key)
{
	const unsigned char *p;
	uint64		h = UINT64CONST(0xcbf29ce484222325);

	if (map->integer)
		return (uint64) key;
	for (p = (const unsigned char *) PrefIdString(map, key); *p; p++)
	{
		h ^= *p;
		h *= UINT64CONST(0x100000001b3);
	}
	return h;
}

/* The type of result column idcol, checked to have a btree order */
Oid
PrefIdTypeOfResult(FunctionCallInfo fcinfo, int idcol)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Oid			typid;

	if (rsinfo == NULL || rsinfo->setDesc == NULL || idcol >= rsinfo->setDesc->natts)
		elog(ERROR, "id type requested before the result was set up");
	typid = TupleDescAttr(rsinfo->setDesc, idcol)->atttypid;
	if (!IsIntegerId(typid) && !OidIsValid(IdLessThan(typid)))
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("id_type %s has no default btree ordering", format_type_be(typid)),
				 errdetail("Ids are sorted to break ties and to find repeated ids."),
				 errhint("Use ids of type bigint, integer, text or uuid.")));
	return typid;
}

/* Run sql through a cursor and read every row (integer ids only) */
PrefQueryResult *
PrefReadQuery(const char *sql, const PrefQueryColumn *cols, int ncols, const char *what)
{
	return PrefReadQueryIds(sql, cols, ncols, what, PREF_ID_INTEGER);
}

/*
 * The reader of one query: a DestReceiver that the executor hands every
 * row to, in its own slot (no copy of the tuple, no tuple table), and the
 * result it fills
 */
typedef struct QueryReader
{
	DestReceiver pub;			/* first: the executor's view */
	const PrefQueryColumn *cols;	/* the columns, VECTOR_SINGLE as VECTOR */
	const bool *want_single;	/* per column: keep a real[] as floats */
	int			ncols;			/* columns described */
	int			nrequired;		/* leading columns that must be present */
	const char *what;
	Oid			id_type;
	MemoryContext outer;		/* the result lives here */
	MemoryContext batchctx;		/* detoasted values, reset every QUERY_BATCH rows */
	PrefQueryResult *res;
	int64		cap;			/* rows allocated */
	int64		qrow;			/* rows the query returned so far */
	int			inbatch;		/* rows since batchctx was reset */
	Oid		   *typids;
	Datum	  **raw;			/* per column: non-integer ids of the kept rows */
	int16	   *typlen;
	bool	   *typbyval;
	double		rawbytes;		/* bytes of the copied non-integer ids */
	ErrorContextCallback *callers_context;	/* the caller's, for errors about rows */
} QueryReader;

/* Check the query's columns against the description (executor startup) */
static void
ReaderStartup(DestReceiver *self, int operation, TupleDesc tupdesc)
{
	QueryReader *qr = (QueryReader *) self;
	const PrefQueryColumn *cols = qr->cols;
	PrefQueryResult *res = qr->res;
	int			natts = tupdesc->natts;
	ErrorContextCallback *spicontext = error_context_stack;

	(void) operation;
	/* errors about the columns read as the caller's, without SPI's statement context */
	error_context_stack = qr->callers_context;
	if (natts < qr->nrequired || natts > qr->ncols)
	{
		StringInfoData buf;

		initStringInfo(&buf);
		for (int c = 0; c < qr->ncols; c++)
			appendStringInfo(&buf, "%s%s%s%s", c > 0 ? ", " : "",
							 cols[c].optional ? "[" : "", cols[c].name,
							 cols[c].optional ? "]" : "");
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("%s: the query returns %d columns, expected (%s)", qr->what, natts, buf.data)));
	}
	res->ncols = natts;
	for (int c = 0; c < natts; c++)
	{
		qr->typids[c] = TupleDescAttr(tupdesc, c)->atttypid;
		CheckColumnType(qr->typids[c], &cols[c], c, qr->what, qr->id_type);
		res->single[c] = qr->want_single[c] && qr->typids[c] == FLOAT4ARRAYOID;
		get_typlenbyval(qr->typids[c], &qr->typlen[c], &qr->typbyval[c]);
	}
	error_context_stack = spicontext;
}

/* Make room for one more kept row (vals: that row, which fixes the vector dimensions) */
static void
ReaderGrow(QueryReader *qr, const Datum *vals)
{
	const PrefQueryColumn *cols = qr->cols;
	PrefQueryResult *res = qr->res;
	MemoryContext outer = qr->outer;
	int64		newcap;
	double		rowbytes = 0;
	double		maxrows;

	/* vector dimensions are fixed by the first kept row */
	if (qr->cap == 0)
		for (int c = 0; c < res->ncols; c++)
			if (cols[c].kind == PREF_COL_VECTOR)
				res->dim[c] = VectorLength(vals[c], cols[c].name, qr->qrow, qr->what);
	for (int c = 0; c < res->ncols; c++)
		rowbytes += (double) ColumnWidth(cols[c].kind, res->dim[c], res->single[c]) +
			(cols[c].nullable ? sizeof(bool) : 0) +
			(RawId(&cols[c], qr->typids[c]) ? sizeof(Datum) : 0);
	/* the rows themselves must fit; grow by doubling up to that */
	PrefCheckMemory(rowbytes * (double) (res->nrows + 1) + qr->rawbytes, qr->what);
	maxrows = floor((double) pgpref_max_memory_kb * 1024.0 / rowbytes);
	newcap = qr->cap == 0 ? 1024 : qr->cap * 2;
	if ((double) newcap > maxrows)
		newcap = (int64) maxrows;
	for (int c = 0; c < res->ncols; c++)
	{
		Size		w = ColumnWidth(cols[c].kind, res->dim[c], res->single[c]);

		if (qr->cap == 0)
		{
			res->width[c] = w;
			res->data[c] = MemoryContextAllocHuge(outer, w * newcap);
			if (cols[c].nullable)
				res->isnull[c] = MemoryContextAllocHuge(outer, sizeof(bool) * newcap);
			if (RawId(&cols[c], qr->typids[c]))
				qr->raw[c] = MemoryContextAllocHuge(outer, sizeof(Datum) * newcap);
		}
		else
		{
			res->data[c] = repalloc_huge(res->data[c], w * newcap);
			if (cols[c].nullable)
				res->isnull[c] = repalloc_huge(res->isnull[c], sizeof(bool) * newcap);
			if (qr->raw[c] != NULL)
				qr->raw[c] = repalloc_huge(qr->raw[c], sizeof(Datum) * newcap);
		}
	}
	qr->cap = newcap;
}

/* Read one row of the query into the result (skipped if a required value is NULL) */
static bool
ReaderReceive(TupleTableSlot *slot, DestReceiver *self)
{
	QueryReader *qr = (QueryReader *) self;
	const PrefQueryColumn *cols = qr->cols;
	PrefQueryResult *res = qr->res;
	MemoryContext outer = qr->outer;
	const Datum *vals;
	const bool *nulls;
	MemoryContext old;
	ErrorContextCallback *spicontext = error_context_stack;

	slot_getallattrs(slot);
	vals = slot->tts_values;
	nulls = slot->tts_isnull;
	qr->qrow++;
	if (++qr->inbatch >= QUERY_BATCH)
	{
		MemoryContextReset(qr->batchctx);
		qr->inbatch = 0;
		CHECK_FOR_INTERRUPTS();
	}
	for (int c = 0; c < res->ncols; c++)
		if (nulls[c] && !cols[c].nullable)
		{
			res->skipped++;
			return true;
		}

	/* errors about the values read as the caller's, without SPI's statement context */
	error_context_stack = qr->callers_context;
	old = MemoryContextSwitchTo(outer);
	if (res->nrows == qr->cap)
		ReaderGrow(qr, vals);
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
		if (RawId(&cols[c], qr->typids[c]))
		{
			/* a copy in the outer context, detoasted (packed headers kept) */
			Datum		d = vals[c];
			bool		copied = false;

			if (qr->typlen[c] == -1)
			{
				struct varlena *v = (struct varlena *) DatumGetPointer(d);
				struct varlena *dv = pg_detoast_datum_packed(v);

				copied = dv != v;
				d = PointerGetDatum(dv);
			}
			qr->raw[c][res->nrows] = copied ? d : datumCopy(d, qr->typbyval[c], qr->typlen[c]);
			qr->rawbytes += qr->typbyval[c] ? 0 : (double) datumGetSize(d, qr->typbyval[c], qr->typlen[c]);
			continue;
		}
		MemoryContextSwitchTo(qr->batchctx);
		StoreValue(res, &cols[c], c, qr->typids[c], vals[c], res->nrows, qr->qrow, qr->what);
		MemoryContextSwitchTo(outer);
	}
	MemoryContextSwitchTo(old);
	error_context_stack = spicontext;
	res->nrows++;
	return true;
}

/* Nothing to release at executor shutdown */
static void
ReaderShutdown(DestReceiver *self)
{
	(void) self;
}

/* The reader is freed with its memory context */
static void
ReaderDestroy(DestReceiver *self)
{
	(void) self;
}

/*
 * Run sql and read every row; ids as id_type says.  The executor hands the
 * rows straight to a QueryReader, so no row is copied before it is read.
 */
PrefQueryResult *
PrefReadQueryIds(const char *sql, const PrefQueryColumn *qcols, int ncols, const char *what,
				 Oid id_type)
{
	PrefQueryColumn *cols = palloc(sizeof(PrefQueryColumn) * Max(ncols, 1));
	bool	   *want_single = palloc0(sizeof(bool) * Max(ncols, 1));
	QueryReader *qr = palloc0(sizeof(QueryReader));
	PrefQueryResult *res;
	SPIPlanPtr	plan;
	SPIExecuteOptions opts;
	int			rc;

	/* PREF_COL_VECTOR_SINGLE is a vector column that may be kept as floats */
	for (int c = 0; c < ncols; c++)
	{
		cols[c] = qcols[c];
		if (cols[c].kind == PREF_COL_VECTOR_SINGLE)
		{
			cols[c].kind = PREF_COL_VECTOR;
			want_single[c] = true;
		}
	}
	while (qr->nrequired < ncols && !cols[qr->nrequired].optional)
		qr->nrequired++;
	for (int c = 0; c < ncols; c++)
		if (cols[c].kind == PREF_COL_VECTOR && cols[c].nullable)
			elog(ERROR, "%s: vector columns cannot be nullable", what);

	res = palloc0(sizeof(PrefQueryResult));
	res->dim = palloc0(sizeof(int) * ncols);
	res->single = palloc0(sizeof(bool) * ncols);
	res->width = palloc0(sizeof(Size) * ncols);
	res->data = palloc0(sizeof(void *) * ncols);
	res->isnull = palloc0(sizeof(bool *) * ncols);
	res->ids = palloc0(sizeof(PrefIdMap *) * ncols);

	qr->pub.receiveSlot = ReaderReceive;
	qr->pub.rStartup = ReaderStartup;
	qr->pub.rShutdown = ReaderShutdown;
	qr->pub.rDestroy = ReaderDestroy;
	qr->pub.mydest = DestNone;
	qr->cols = cols;
	qr->want_single = want_single;
	qr->ncols = ncols;
	qr->what = what;
	qr->id_type = id_type;
	qr->outer = CurrentMemoryContext;
	qr->callers_context = error_context_stack;
	qr->res = res;
	qr->typids = palloc0(sizeof(Oid) * Max(ncols, 1));
	qr->raw = palloc0(sizeof(Datum *) * Max(ncols, 1));
	qr->typlen = palloc0(sizeof(int16) * Max(ncols, 1));
	qr->typbyval = palloc0(sizeof(bool) * Max(ncols, 1));
	/* detoasted values and conversions live here, reset every QUERY_BATCH rows */
	qr->batchctx = AllocSetContextCreate(qr->outer, "pgpref query batch", ALLOCSET_DEFAULT_SIZES);

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
	memset(&opts, 0, sizeof(opts));
	opts.read_only = true;
	opts.dest = (DestReceiver *) qr;
	rc = SPI_execute_plan_extended(plan, &opts);
	if (rc < 0)
		elog(ERROR, "%s: the query failed: %s", what, SPI_result_code_string(rc));
	SPI_finish();
	MemoryContextDelete(qr->batchctx);
	for (int c = 0; c < res->ncols; c++)
		if (cols[c].kind == PREF_COL_ID)
			res->ids[c] = BuildIdMap(res, c, qr->raw[c], qr->typids[c],
									 id_type == PREF_ID_INTEGER ? INT8OID : qr->typids[c], what);
	return res;
}
