/*
 * ranking.c - pref.ranking: an ordered list of bigint items with tied
 * groups ('3>1=4>2'), and the pairs it implies.
 */
#include "postgres.h"

#include <ctype.h>
#include <math.h>

#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "fmgr.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"

#include "prefdata.h"

/* Allocate an empty ranking of n items */
static PrefRanking *
NewRanking(int n)
{
	PrefRanking *r;
	Size		size = RANKING_SIZE(n);

	r = palloc0(size);
	SET_VARSIZE(r, size);
	r->version = RANKING_VERSION;
	r->nitems = n;
	return r;
}

static int
CmpInt64(const void *a, const void *b)
{
	int64		x = *(const int64 *) a;
	int64		y = *(const int64 *) b;

	return x < y ? -1 : (x > y ? 1 : 0);
}

/* Return a repeated item, or report none via *found = false */
static int64
FindRepeat(const int64 *items, int n, bool *found)
{
	int64	   *s = palloc(sizeof(int64) * n);
	int64		dup = 0;

	memcpy(s, items, sizeof(int64) * n);
	qsort(s, n, sizeof(int64), CmpInt64);
	*found = false;
	for (int i = 1; i < n; i++)
		if (s[i] == s[i - 1])
		{
			dup = s[i];
			*found = true;
			break;
		}
	pfree(s);
	return dup;
}

/* Ensure the item count fits */
static void
CheckRankingSize(int64 n)
{
	if (n > RANKING_MAX_ITEMS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("ranking cannot have more than %d items", RANKING_MAX_ITEMS)));
}

PG_FUNCTION_INFO_V1(pref_ranking_in);

/* Parse '3>1=4>2': items separated by '>' (better) or '=' (tied) */
Datum
pref_ranking_in(PG_FUNCTION_ARGS)
{
	const char *input = PG_GETARG_CSTRING(0);
	const char *p = input;
	int			cap = 16;
	int			n = 0;
	int64	   *items = palloc(sizeof(int64) * cap);
	int32	   *groups = palloc(sizeof(int32) * cap);
	int			group = 0;
	PrefRanking *r;
	bool		found;
	int64		dup;

	for (;;)
	{
		int64		v = 0;
		int			rc;

		while (isspace((unsigned char) *p))
			p++;
		if (*p == '\0' && n == 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
					 errmsg("invalid input syntax for type ranking: \"%s\"", input),
					 errdetail("A ranking needs at least one item, as in 3>1=4>2.")));
		rc = PrefParseInt64(&p, &v);
		if (rc == PARSE_NONE)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
					 errmsg("invalid input syntax for type ranking: \"%s\"", input),
					 errdetail("Expected an integer item id at position %d.", (int) (p - input) + 1)));
		if (rc == PARSE_RANGE)
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("item id out of range for type bigint in ranking: \"%s\"", input)));
		if (n == cap)
		{
			CheckRankingSize((int64) cap * 2);
			cap *= 2;
			items = repalloc(items, sizeof(int64) * cap);
			groups = repalloc(groups, sizeof(int32) * cap);
		}
		items[n] = v;
		groups[n] = group;
		n++;

		while (isspace((unsigned char) *p))
			p++;
		if (*p == '\0')
			break;
		if (*p == '>')
			group++;
		else if (*p != '=')
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
					 errmsg("invalid input syntax for type ranking: \"%s\"", input),
					 errdetail("Unexpected text \"%s\" after an item; expected \">\" or \"=\".", p)));
		p++;
	}

	dup = FindRepeat(items, n, &found);
	if (found)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("invalid input syntax for type ranking: \"%s\"", input),
				 errdetail("Item " INT64_FORMAT " appears more than once.", dup)));

	r = NewRanking(n);
	r->ngroups = group + 1;
	memcpy(r->items, items, sizeof(int64) * n);
	memcpy(RANKING_GROUPS(r), groups, sizeof(int32) * n);
	PG_RETURN_POINTER(r);
}

PG_FUNCTION_INFO_V1(pref_ranking_out);

/* Text form: '>' between groups, '=' within */
Datum
pref_ranking_out(PG_FUNCTION_ARGS)
{
	PrefRanking *r = PG_GETARG_RANKING_P(0);
	int32	   *g = RANKING_GROUPS(r);
	StringInfoData buf;

	initStringInfo(&buf);
	for (int i = 0; i < r->nitems; i++)
	{
		if (i > 0)
			appendStringInfoChar(&buf, g[i] == g[i - 1] ? '=' : '>');
		appendStringInfo(&buf, INT64_FORMAT, r->items[i]);
	}
	PG_RETURN_CSTRING(buf.data);
}

PG_FUNCTION_INFO_V1(pref_ranking_recv);

/* Binary input: version byte, item count, then (item int64, group int32) */
Datum
pref_ranking_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	int			version;
	int32		n;
	PrefRanking *r;
	int32	   *g;
	bool		found;

	if (buf->len - buf->cursor < 5)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid binary ranking: truncated header")));
	version = pq_getmsgbyte(buf);
	if (version != RANKING_VERSION)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid binary ranking: unsupported version %d", version)));
	n = pq_getmsgint(buf, 4);
	if (n < 1 || n > RANKING_MAX_ITEMS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid binary ranking: item count %d out of range", n)));
	if ((int64) (buf->len - buf->cursor) != (int64) n * 12)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid binary ranking: expected %lld bytes of items, got %d",
						(long long) n * 12, buf->len - buf->cursor)));
	r = NewRanking(n);
	g = RANKING_GROUPS(r);
	for (int i = 0; i < n; i++)
	{
		r->items[i] = pq_getmsgint64(buf);
		g[i] = pq_getmsgint(buf, 4);
		if ((i == 0 && g[i] != 0) ||
			(i > 0 && g[i] != g[i - 1] && g[i] != g[i - 1] + 1))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
					 errmsg("invalid binary ranking: group numbers must start at 0 and grow by at most 1")));
	}
	r->ngroups = g[n - 1] + 1;
	(void) FindRepeat(r->items, n, &found);
	if (found)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid binary ranking: an item appears more than once")));
	PG_RETURN_POINTER(r);
}

PG_FUNCTION_INFO_V1(pref_ranking_send);

/* Binary output, mirror of pref_ranking_recv */
Datum
pref_ranking_send(PG_FUNCTION_ARGS)
{
	PrefRanking *r = PG_GETARG_RANKING_P(0);
	int32	   *g = RANKING_GROUPS(r);
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, RANKING_VERSION);
	pq_sendint32(&buf, r->nitems);
	for (int i = 0; i < r->nitems; i++)
	{
		pq_sendint64(&buf, r->items[i]);
		pq_sendint32(&buf, g[i]);
	}
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* Build a ranking from items (in order) and their group numbers */
static PrefRanking *
MakeRanking(const int64 *items, const int32 *groups, int n)
{
	PrefRanking *r;
	bool		found;
	int64		dup;

	if (n < 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a ranking needs at least one item")));
	CheckRankingSize(n);
	dup = FindRepeat(items, n, &found);
	if (found)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("item " INT64_FORMAT " appears more than once in the ranking", dup)));
	r = NewRanking(n);
	memcpy(r->items, items, sizeof(int64) * n);
	memcpy(RANKING_GROUPS(r), groups, sizeof(int32) * n);
	r->ngroups = groups[n - 1] + 1;
	return r;
}

/* Read a one-dimensional bigint[] without NULLs */
static int64 *
ReadItems(ArrayType *arr, int *n)
{
	Datum	   *elems;
	bool	   *nulls;
	int64	   *items;

	if (ARR_NDIM(arr) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("items must be a one-dimensional array")));
	deconstruct_array(arr, INT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE,
					  &elems, &nulls, n);
	items = palloc(sizeof(int64) * Max(*n, 1));
	for (int i = 0; i < *n; i++)
	{
		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("items must not contain NULL elements")));
		items[i] = DatumGetInt64(elems[i]);
	}
	return items;
}

PG_FUNCTION_INFO_V1(pref_ranking_from_array);

/* pref.ranking(bigint[]): strict order, best first */
Datum
pref_ranking_from_array(PG_FUNCTION_ARGS)
{
	int			n;
	int64	   *items = ReadItems(PG_GETARG_ARRAYTYPE_P(0), &n);
	int32	   *groups = palloc(sizeof(int32) * Max(n, 1));

	for (int i = 0; i < n; i++)
		groups[i] = i;
	PG_RETURN_POINTER(MakeRanking(items, groups, n));
}

typedef struct ScoredItem
{
	int64		item;
	double		score;
	int			pos;
} ScoredItem;

static int
CmpScoreDesc(const void *a, const void *b)
{
	const ScoredItem *x = a;
	const ScoredItem *y = b;

	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	return x->pos - y->pos;
}

PG_FUNCTION_INFO_V1(pref_ranking_from_scores);

/* pref.ranking(items, scores): higher score ranks first, equal scores tie */
Datum
pref_ranking_from_scores(PG_FUNCTION_ARGS)
{
	int			n;
	int64	   *items = ReadItems(PG_GETARG_ARRAYTYPE_P(0), &n);
	ArrayType  *sarr = PG_GETARG_ARRAYTYPE_P(1);
	Datum	   *elems;
	bool	   *nulls;
	int			ns;
	ScoredItem *s;
	int64	   *sorted;
	int32	   *groups;

	if (ARR_NDIM(sarr) > 1 || ARR_ELEMTYPE(sarr) != FLOAT8OID)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("scores must be a one-dimensional double precision array")));
	deconstruct_array(sarr, FLOAT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE,
					  &elems, &nulls, &ns);
	if (ns != n)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("items and scores have different lengths %d and %d", n, ns)));
	s = palloc(sizeof(ScoredItem) * Max(n, 1));
	for (int i = 0; i < n; i++)
	{
		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("scores must not contain NULL elements")));
		s[i].item = items[i];
		s[i].score = DatumGetFloat8(elems[i]);
		s[i].pos = i;
		if (isnan(s[i].score))
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("scores must not contain NaN")));
	}
	qsort(s, n, sizeof(ScoredItem), CmpScoreDesc);
	sorted = palloc(sizeof(int64) * Max(n, 1));
	groups = palloc(sizeof(int32) * Max(n, 1));
	for (int i = 0; i < n; i++)
	{
		sorted[i] = s[i].item;
		groups[i] = (i == 0) ? 0 : groups[i - 1] + (s[i].score != s[i - 1].score ? 1 : 0);
	}
	PG_RETURN_POINTER(MakeRanking(sorted, groups, n));
}

PG_FUNCTION_INFO_V1(pref_ranking_items);

/* Items in rank order, best first */
Datum
pref_ranking_items(PG_FUNCTION_ARGS)
{
	PrefRanking *r = PG_GETARG_RANKING_P(0);
	Datum	   *d = palloc(sizeof(Datum) * r->nitems);

	for (int i = 0; i < r->nitems; i++)
		d[i] = Int64GetDatum(r->items[i]);
	PG_RETURN_ARRAYTYPE_P(construct_array(d, r->nitems, INT8OID, 8,
										  FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
}

PG_FUNCTION_INFO_V1(pref_ranking_size);

/* Number of items */
Datum
pref_ranking_size(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32(PG_GETARG_RANKING_P(0)->nitems);
}

PG_FUNCTION_INFO_V1(pref_ranking_rank);

/* 1-based rank of an item (tied items share a rank, 1 + items ranked above), NULL if absent */
Datum
pref_ranking_rank(PG_FUNCTION_ARGS)
{
	PrefRanking *r = PG_GETARG_RANKING_P(0);
	int64		item = PG_GETARG_INT64(1);
	int32	   *g = RANKING_GROUPS(r);

	for (int i = 0; i < r->nitems; i++)
		if (r->items[i] == item)
		{
			int			first = i;

			while (first > 0 && g[first - 1] == g[i])
				first--;
			PG_RETURN_INT32(first + 1);
		}
	PG_RETURN_NULL();
}

typedef struct PairsState
{
	PrefRanking *r;				/* private copy in the multi-call context */
	int			i;
	int			j;
} PairsState;

PG_FUNCTION_INFO_V1(pref_ranking_pairs);

/*
 * Every pair the ranking implies: for items i before j, i>j when i is in a
 * better group, i=j when tied.  The better-ranked item is shown first.
 */
Datum
pref_ranking_pairs(PG_FUNCTION_ARGS)
{
	FuncCallContext *funcctx;
	PairsState *st;
	int32	   *g;

	if (SRF_IS_FIRSTCALL())
	{
		MemoryContext old;
		PrefRanking *r;

		funcctx = SRF_FIRSTCALL_INIT();
		old = MemoryContextSwitchTo(funcctx->multi_call_memory_ctx);
		r = PG_GETARG_RANKING_P(0);
		st = palloc(sizeof(PairsState));
		st->r = palloc(VARSIZE(r));
		memcpy(st->r, r, VARSIZE(r));
		st->i = 0;
		st->j = 1;
		funcctx->user_fctx = st;
		MemoryContextSwitchTo(old);
	}
	funcctx = SRF_PERCALL_SETUP();
	st = (PairsState *) funcctx->user_fctx;
	g = RANKING_GROUPS(st->r);

	if (st->j >= st->r->nitems)
	{
		st->i++;
		st->j = st->i + 1;
	}
	if (st->i < st->r->nitems - 1)
	{
		PrefPair   *p;

		CHECK_FOR_INTERRUPTS();
		p = PrefMakePair(st->r->items[st->i], st->r->items[st->j],
						 g[st->i] == g[st->j] ? PAIR_TIE : PAIR_FIRST, 1.0);
		st->j++;
		SRF_RETURN_NEXT(funcctx, PointerGetDatum(p));
	}
	SRF_RETURN_DONE(funcctx);
}

/* Byte equality (rankings are stored canonically) */
static bool
RankingEq(PrefRanking *a, PrefRanking *b)
{
	return VARSIZE(a) == VARSIZE(b) &&
		a->nitems == b->nitems &&
		memcmp(a->items, b->items, RANKING_SIZE(a->nitems) - offsetof(PrefRanking, items)) == 0;
}

PG_FUNCTION_INFO_V1(pref_ranking_eq);
Datum
pref_ranking_eq(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(RankingEq(PG_GETARG_RANKING_P(0), PG_GETARG_RANKING_P(1)));
}

PG_FUNCTION_INFO_V1(pref_ranking_ne);
Datum
pref_ranking_ne(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(!RankingEq(PG_GETARG_RANKING_P(0), PG_GETARG_RANKING_P(1)));
}

PG_FUNCTION_INFO_V1(pref_ranking_hash);
Datum
pref_ranking_hash(PG_FUNCTION_ARGS)
{
	PrefRanking *r = PG_GETARG_RANKING_P(0);

	return hash_any((unsigned char *) r->items,
					RANKING_SIZE(r->nitems) - offsetof(PrefRanking, items));
}
