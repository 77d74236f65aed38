/*
 * tally_io.c - pref.tally text (JSON) and binary input/output, equality,
 * and accessors.
 */
#include "postgres.h"

#include <math.h>

#include "common/int.h"
#include "common/jsonapi.h"
#include "common/shortest_dec.h"
#include "fmgr.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "libpq/pqformat.h"
#include "mb/pg_wchar.h"
#include "utils/builtins.h"
#include "utils/json.h"
#include "utils/memutils.h"

#include "common.h"
#include "tally.h"

/* Append a double in its shortest exact decimal form */
static void
AppendDouble(StringInfo buf, double x)
{
	char		tmp[DOUBLE_SHORTEST_DECIMAL_LEN];

	double_to_shortest_decimal_buf(x, tmp);
	appendStringInfoString(buf, tmp);
}

PG_FUNCTION_INFO_V1(pref_tally_out);

/* JSON text form; doubles in shortest exact form so input reproduces them */
Datum
pref_tally_out(PG_FUNCTION_ARGS)
{
	PrefTally  *t = PG_GETARG_TALLY_P(0);
	bool		text = (t->flags & TALLY_TEXT) != 0;
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfo(&buf, "{\"version\": %d, \"keys\": \"%s\", \"position\": %s, "
					 "\"rows_used\": " INT64_FORMAT ", \"rows_skipped\": " INT64_FORMAT ", \"items\": [",
					 t->version, text ? "text" : "bigint",
					 (t->flags & TALLY_POSITION) ? "true" : "false",
					 t->rows_used, t->rows_skipped);
	for (int i = 0; i < t->nitems; i++)
	{
		if (i > 0)
			appendStringInfoString(&buf, ", ");
		if (text)
		{
			StringInfoData key;

			initStringInfo(&key);
			TallyAppendKey(&key, t, i);
			escape_json(&buf, key.data);
			pfree(key.data);
		}
		else
			TallyAppendKey(&buf, t, i);
	}
	appendStringInfoString(&buf, "], \"cells\": [");
	for (int i = 0; i < t->ncells; i++)
	{
		const TallyCell *c = &t->cells[i];

		appendStringInfo(&buf, "%s[%d, %d, " INT64_FORMAT ", " INT64_FORMAT ", " INT64_FORMAT,
						 i > 0 ? ", " : "", c->a, c->b, c->n[0], c->n[1], c->n[2]);
		for (int o = 0; o < 3; o++)
		{
			appendStringInfoString(&buf, ", ");
			AppendDouble(&buf, c->w[o]);
		}
		appendStringInfoChar(&buf, ']');
	}
	appendStringInfoString(&buf, "]}");
	PG_RETURN_CSTRING(buf.data);
}

static void TallySyntax(const char *detail) pg_attribute_noreturn();

/* Report invalid tally text */
static void
TallySyntax(const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid input syntax for type tally"),
			 errdetail("%s", detail),
			 errhint(TALLY_TEXT_HINT)));
}

/* Top-level keys of the text form, in printed order */
enum
{
	K_VERSION,
	K_KEYS,
	K_POSITION,
	K_ROWS_USED,
	K_ROWS_SKIPPED,
	K_ITEMS,
	K_CELLS,
	K_COUNT
};
static const char *const KEY_NAMES[K_COUNT] = {
	"version", "keys", "position", "rows_used", "rows_skipped", "items", "cells"
};

/* One item as read (interpreted once the key kind is known) */
typedef struct ParsedItem
{
	char	   *token;
	int			len;
	bool		isstring;
} ParsedItem;

/* One cell as read: item indices, counts and weights */
typedef struct ParsedCell
{
	int64		a;
	int64		b;
	int64		n[3];
	double		w[3];
} ParsedCell;

/* State of the streaming JSON parse of a tally */
typedef struct TallyParse
{
	JsonLexContext *lex;
	int			key;			/* top-level key being read, or -1 */
	uint32		seen;			/* bit per key seen */
	int			in_array;		/* 0, K_ITEMS or K_CELLS while inside one */
	bool		in_cell;
	int			cellpos;		/* values read into the current cell */
	bool		text;
	bool		position;
	int64		rows_used;
	int64		rows_skipped;
	int			nitems;
	int			cap_items;
	ParsedItem *items;
	int			ncells;
	int			cap_cells;
	ParsedCell *cells;
	int64	   *ikeys;			/* bigint items, once parsed */
} TallyParse;

/*
 * A JSON number token as int64 within [min, max]; what names it in errors
 * (NULL: an item of a bigint tally).
 */
static int64
TokenInt(const char *tok, int64 min, int64 max, const char *what)
{
	char	   *end;
	int64		x;
	const char *s = tok;

	if (strpbrk(tok, ".eE") != NULL)
	{
		/* exponent or fraction: read as numeric, as jsonb would (1e2 is 100) */
		Datum		num = DirectFunctionCall3(numeric_in, CStringGetDatum(tok),
											  ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1));

		s = DatumGetCString(DirectFunctionCall1(numeric_out, num));
	}
	errno = 0;
	x = strtoll(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno != 0 || x < min || x > max)
	{
		if (what == NULL)
			TallySyntax(psprintf("Item %s is not a bigint.", tok));
		TallySyntax(psprintf("%s must be an integer between 0 and " INT64_FORMAT ", got %s.", what, max, tok));
	}
	return x;
}

/* A JSON number token as a finite, non-negative double (-0 reads as 0) */
static double
TokenDouble(const char *tok)
{
	char	   *end;
	double		x = strtod(tok, &end);

	if (*end != '\0' || !isfinite(x) || x < 0)
		TallySyntax(psprintf("A weight must be a finite number, not negative, got %s.", tok));
	return x + 0.0;
}

static void WrongType(TallyParse *p) pg_attribute_noreturn();

/* Error for a value of the wrong JSON type under the current key */
static void
WrongType(TallyParse *p)
{
	TallySyntax(psprintf("Key \"%s\" has the wrong JSON type.", KEY_NAMES[p->key]));
}

/* Semantic action: an object starts (only the top level may be one) */
static void
ParseObjectStart(void *state)
{
	TallyParse *p = state;

	if (p->lex->lex_level == 0)
		return;
	if (p->in_array == K_CELLS && !p->in_cell)
		TallySyntax(psprintf("Cell %d must be an array of 8 numbers.", p->ncells));
	if (p->in_array == K_ITEMS)
		TallySyntax(p->text ? "Items of a text tally must be strings." : "Items of a bigint tally must be numbers.");
	if (p->in_cell)
		TallySyntax(psprintf("Cell %d must be an array of 8 numbers.", p->ncells - 1));
	WrongType(p);
}

/* Semantic action: a top-level key starts; known, and only once */
static void
ParseField(void *state, char *fname, bool isnull)
{
	TallyParse *p = state;

	(void) isnull;
	if (p->lex->lex_level != 1)
		return;
	for (int k = 0; k < K_COUNT; k++)
		if (strcmp(fname, KEY_NAMES[k]) == 0)
		{
			if (p->seen & (1u << k))
				TallySyntax(psprintf("Key \"%s\" appears more than once.", fname));
			p->seen |= 1u << k;
			p->key = k;
			return;
		}
	TallySyntax(psprintf("Unknown key \"%s\".", fname));
}

/* Semantic action: an array starts (items, cells, or one cell) */
static void
ParseArrayStart(void *state)
{
	TallyParse *p = state;
	int			level = p->lex->lex_level;

	if (level == 0)
		TallySyntax("Expected a JSON object.");
	if (level == 1)
	{
		if (p->key != K_ITEMS && p->key != K_CELLS)
			WrongType(p);
		p->in_array = p->key;
		return;
	}
	if (level == 2 && p->in_array == K_CELLS)
	{
		if (p->ncells >= p->cap_cells)
		{
			p->cap_cells = p->cap_cells ? p->cap_cells * 2 : 256;
			PrefCheckMemory((double) p->cap_cells * sizeof(ParsedCell), "pref.tally input");
			p->cells = repalloc_huge(p->cells, (Size) p->cap_cells * sizeof(ParsedCell));
		}
		p->in_cell = true;
		p->cellpos = 0;
		p->ncells++;
		return;
	}
	if (p->in_array == K_ITEMS)
		TallySyntax(p->text ? "Items of a text tally must be strings." : "Items of a bigint tally must be numbers.");
	TallySyntax(psprintf("Cell %d must be an array of 8 numbers.", p->ncells - 1));
}

/* Semantic action: an array ends */
static void
ParseArrayEnd(void *state)
{
	TallyParse *p = state;
	int			level = p->lex->lex_level;

	if (level == 1)
		p->in_array = 0;
	else if (level == 2 && p->in_cell)
	{
		if (p->cellpos != 8)
			TallySyntax(psprintf("Cell %d must be an array of 8 numbers.", p->ncells - 1));
		p->in_cell = false;
	}
}

/* Semantic action: a scalar value */
static void
ParseScalar(void *state, char *token, JsonTokenType type)
{
	TallyParse *p = state;
	int			level = p->lex->lex_level;

	if (level == 0)
		TallySyntax("Expected a JSON object.");
	if (level == 1)
	{
		switch (p->key)
		{
			case K_VERSION:
				if (type != JSON_TOKEN_NUMBER)
					WrongType(p);
				if (TokenInt(token, 0, 1000, "version") != TALLY_VERSION)
					TallySyntax("Unsupported version.");
				break;
			case K_KEYS:
				if (type != JSON_TOKEN_STRING)
					WrongType(p);
				if (strcmp(token, "bigint") == 0)
					p->text = false;
				else if (strcmp(token, "text") == 0)
					p->text = true;
				else
					TallySyntax("Key \"keys\" must be \"bigint\" or \"text\".");
				break;
			case K_POSITION:
				if (type != JSON_TOKEN_TRUE && type != JSON_TOKEN_FALSE)
					WrongType(p);
				p->position = type == JSON_TOKEN_TRUE;
				break;
			case K_ROWS_USED:
			case K_ROWS_SKIPPED:
				if (type != JSON_TOKEN_NUMBER)
					WrongType(p);
				*(p->key == K_ROWS_USED ? &p->rows_used : &p->rows_skipped) =
					TokenInt(token, 0, PG_INT64_MAX, KEY_NAMES[p->key]);
				break;
			default:
				WrongType(p);	/* items or cells not an array */
		}
		return;
	}
	if (level == 2 && p->in_array == K_ITEMS)
	{
		if (type != JSON_TOKEN_STRING && type != JSON_TOKEN_NUMBER)
			TallySyntax("Items must be strings or numbers.");
		if (p->nitems >= TALLY_MAX_ITEMS)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("a tally holds at most %d items", TALLY_MAX_ITEMS)));
		if (p->nitems >= p->cap_items)
		{
			p->cap_items = p->cap_items ? p->cap_items * 2 : 256;
			PrefCheckMemory((double) p->cap_items * sizeof(ParsedItem), "pref.tally input");
			p->items = repalloc_huge(p->items, (Size) p->cap_items * sizeof(ParsedItem));
		}
		p->items[p->nitems].token = token;
		p->items[p->nitems].len = strlen(token);
		p->items[p->nitems].isstring = type == JSON_TOKEN_STRING;
		p->nitems++;
		return;
	}
	if (level == 3 && p->in_cell && type == JSON_TOKEN_NUMBER && p->cellpos < 8)
	{
		ParsedCell *c = &p->cells[p->ncells - 1];
		int			k = p->cellpos++;

		if (k == 0)
			c->a = TokenInt(token, 0, PG_INT32_MAX, "A cell's item index");
		else if (k == 1)
			c->b = TokenInt(token, 0, PG_INT32_MAX, "A cell's item index");
		else if (k < 5)
			c->n[k - 2] = TokenInt(token, 0, PG_INT64_MAX, "A count");
		else
			c->w[k - 5] = TokenDouble(token);
		pfree(token);
		return;
	}
	/* a scalar in the cells array, or a bad or extra value in a cell */
	TallySyntax(psprintf("Cell %d must be an array of 8 numbers.", p->in_cell ? p->ncells - 1 : p->ncells));
}

/* qsort_arg comparator: parsed item indices by key (bigint order or bytes) */
static int
CompareParsedItems(const void *pa, const void *pb, void *arg)
{
	const TallyParse *p = arg;
	const ParsedItem *a = &p->items[*(const int *) pa];
	const ParsedItem *b = &p->items[*(const int *) pb];
	int			c;

	if (!p->text)
	{
		int64		x = p->ikeys[*(const int *) pa],
					y = p->ikeys[*(const int *) pb];

		return (x > y) - (x < y);
	}
	c = memcmp(a->token, b->token, Min(a->len, b->len));
	if (c != 0)
		return c;
	return (a->len > b->len) - (a->len < b->len);
}

/* Compare parsed cells by (a, b) */
static int
CompareParsedCells(const void *pa, const void *pb)
{
	const ParsedCell *a = pa;
	const ParsedCell *b = pb;

	if (a->a != b->a)
		return (a->a > b->a) - (a->a < b->a);
	return (a->b > b->b) - (a->b < b->b);
}

/*
 * Canonical flat tally of a parsed text form: items sorted (a repeated item
 * is an error), cells remapped, oriented a < b without position, sorted,
 * repeated cells summed with overflow checks, empty cells dropped.
 */
static PrefTally *
BuildParsed(TallyParse *p)
{
	int			n = p->nitems;
	int		   *perm = palloc(sizeof(int) * Max(n, 1));
	int		   *rank = palloc(sizeof(int) * Max(n, 1));
	int64		textlen = 0;
	int			nc = 0;
	Size		size;
	PrefTally  *t;

	/* items: check the kind, then sort */
	if (!p->text)
		p->ikeys = palloc_extended(sizeof(int64) * Max(n, 1), MCXT_ALLOC_HUGE);
	for (int i = 0; i < n; i++)
	{
		ParsedItem *it = &p->items[i];

		if (p->text)
		{
			if (!it->isstring)
				TallySyntax("Items of a text tally must be strings.");
			textlen += it->len;
		}
		else
		{
			if (it->isstring)
				TallySyntax("Items of a bigint tally must be numbers.");
			p->ikeys[i] = TokenInt(it->token, PG_INT64_MIN, PG_INT64_MAX, NULL);
		}
		perm[i] = i;
	}
	if (textlen > (int64) (MaxAllocSize / 2))
		TallySyntax("The item keys are too long.");
	qsort_arg(perm, n, sizeof(int), CompareParsedItems, p);
	for (int i = 1; i < n; i++)
		if (CompareParsedItems(&perm[i - 1], &perm[i], p) == 0)
			TallySyntax(psprintf("Item %d repeats an earlier item.", Max(perm[i - 1], perm[i])));
	for (int i = 0; i < n; i++)
		rank[perm[i]] = i;

	/* cells: check, remap, orient */
	for (int i = 0; i < p->ncells; i++)
	{
		ParsedCell *c = &p->cells[i];

		if (c->a >= n || c->b >= n)
			TallySyntax(psprintf("A cell's item index must be an integer between 0 and %d, got " INT64_FORMAT ".",
								 Max(n - 1, 0), Max(c->a, c->b)));
		if (c->a == c->b)
			TallySyntax(psprintf("Cell %d compares an item with itself.", i));
		for (int o = 0; o < 3; o++)
			if (c->n[o] == 0 && c->w[o] != 0)
				TallySyntax(psprintf("Cell %d has a weight without rows.", i));
		c->a = rank[c->a];
		c->b = rank[c->b];
		if (!p->position && c->a > c->b)
		{
			int64		x = c->a,
						nx = c->n[0];
			double		wx = c->w[0];

			c->a = c->b;
			c->b = x;
			c->n[0] = c->n[1];
			c->n[1] = nx;
			c->w[0] = c->w[1];
			c->w[1] = wx;
		}
	}
	qsort(p->cells, p->ncells, sizeof(ParsedCell), CompareParsedCells);

	/* the flat value: cells merged, keys after them */
	size = TALLY_SIZE(n, p->ncells, textlen, p->text);
	PrefCheckMemory((double) size, "pref.tally input");
	t = palloc0(size);
	t->version = TALLY_VERSION;
	t->flags = (p->text ? TALLY_TEXT : 0) | (p->position ? TALLY_POSITION : 0);
	t->nitems = n;
	t->textlen = (int32) textlen;
	t->rows_used = p->rows_used;
	t->rows_skipped = p->rows_skipped;
	for (int i = 0; i < p->ncells; i++)
	{
		ParsedCell *c = &p->cells[i];
		TallyCell  *d;

		if (c->n[0] == 0 && c->n[1] == 0 && c->n[2] == 0)
			continue;
		if (nc > 0 && t->cells[nc - 1].a == c->a && t->cells[nc - 1].b == c->b)
		{
			/* a repeated item pair: sum it, checking overflow */
			d = &t->cells[nc - 1];
			for (int o = 0; o < 3; o++)
			{
				if (pg_add_s64_overflow(d->n[o], c->n[o], &d->n[o]))
					TallyOutOfRange("count", "Repeated cells of an item pair sum past the bigint range.");
				d->w[o] += c->w[o];
				if (!isfinite(d->w[o]))
					TallyOutOfRange("weight", "Repeated cells of an item pair sum to a weight that is not finite.");
			}
			continue;
		}
		d = &t->cells[nc++];
		d->a = (int32) c->a;
		d->b = (int32) c->b;
		for (int o = 0; o < 3; o++)
		{
			d->n[o] = c->n[o];
			d->w[o] = c->w[o];
		}
	}
	t->ncells = nc;
	SET_VARSIZE(t, TALLY_SIZE(n, nc, textlen, p->text));
	if (p->text)
	{
		int32	   *offs = TALLY_TEXT_OFFS(t);
		char	   *data = TALLY_TEXT_DATA(t);
		int32		off = 0;

		for (int i = 0; i < n; i++)
		{
			offs[i] = off;
			memcpy(data + off, p->items[perm[i]].token, p->items[perm[i]].len);
			off += p->items[perm[i]].len;
		}
		offs[n] = off;
	}
	else
		for (int i = 0; i < n; i++)
			TALLY_INT_KEYS(t)[i] = p->ikeys[perm[i]];
	return t;
}

PG_FUNCTION_INFO_V1(pref_tally_in);

/*
 * Parse the JSON text form.  Items and cells may come in any order and the
 * value is canonicalized; the result then goes through TallyValidate, the
 * same validator as binary input.
 */
Datum
pref_tally_in(PG_FUNCTION_ARGS)
{
	char	   *input = PG_GETARG_CSTRING(0);
	MemoryContext ctx,
				old;
	TallyParse	p;
	JsonSemAction sem;
	JsonParseErrorType rc;
	PrefTally  *t;
	Size		size;
	PrefTally  *result;

	ctx = AllocSetContextCreate(CurrentMemoryContext, "pref.tally input", ALLOCSET_DEFAULT_SIZES);
	old = MemoryContextSwitchTo(ctx);
	memset(&p, 0, sizeof(p));
	p.key = -1;
	p.items = palloc(sizeof(ParsedItem));
	p.cells = palloc(sizeof(ParsedCell));
	p.lex = makeJsonLexContextCstringLen(input, strlen(input), GetDatabaseEncoding(), true);
	memset(&sem, 0, sizeof(sem));
	sem.semstate = &p;
	sem.object_start = ParseObjectStart;
	sem.object_field_start = ParseField;
	sem.array_start = ParseArrayStart;
	sem.array_end = ParseArrayEnd;
	sem.scalar = ParseScalar;
	rc = pg_parse_json(p.lex, &sem);
	if (rc != JSON_SUCCESS)
		TallySyntax(json_errdetail(rc, p.lex));
	for (int k = 0; k < K_COUNT; k++)
		if (!(p.seen & (1u << k)))
			TallySyntax(psprintf("Key \"%s\" is missing.", KEY_NAMES[k]));
	t = BuildParsed(&p);
	TallyValidate(t, VARSIZE(t), TALLY_FROM_TEXT);
	MemoryContextSwitchTo(old);
	size = VARSIZE(t);
	result = palloc(size);
	memcpy(result, t, size);
	MemoryContextDelete(ctx);
	PG_RETURN_POINTER(result);
}

PG_FUNCTION_INFO_V1(pref_tally_send);

/* Binary output: header fields, cells, keys */
Datum
pref_tally_send(PG_FUNCTION_ARGS)
{
	PrefTally  *t = PG_GETARG_TALLY_P(0);
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, t->version);
	pq_sendbyte(&buf, t->flags);
	pq_sendint32(&buf, t->nitems);
	pq_sendint32(&buf, t->ncells);
	pq_sendint32(&buf, t->textlen);
	pq_sendint64(&buf, t->rows_used);
	pq_sendint64(&buf, t->rows_skipped);
	for (int i = 0; i < t->ncells; i++)
	{
		const TallyCell *c = &t->cells[i];

		pq_sendint32(&buf, c->a);
		pq_sendint32(&buf, c->b);
		for (int o = 0; o < 3; o++)
			pq_sendint64(&buf, c->n[o]);
		for (int o = 0; o < 3; o++)
			pq_sendfloat8(&buf, c->w[o]);
	}
	if (t->flags & TALLY_TEXT)
	{
		for (int i = 0; i <= t->nitems; i++)
			pq_sendint32(&buf, TALLY_TEXT_OFFS(t)[i]);
		pq_sendbytes(&buf, TALLY_TEXT_DATA(t), t->textlen);
	}
	else
		for (int i = 0; i < t->nitems; i++)
			pq_sendint64(&buf, TALLY_INT_KEYS(t)[i]);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

PG_FUNCTION_INFO_V1(pref_tally_recv);

/* Binary input: sizes checked against the message before allocating */
Datum
pref_tally_recv(PG_FUNCTION_ARGS)
{
	StringInfo	msg = (StringInfo) PG_GETARG_POINTER(0);
	uint8		version,
				flags;
	int32		nitems,
				ncells,
				textlen;
	double		need;
	Size		size;
	PrefTally  *t;
	bool		text;

	version = pq_getmsgbyte(msg);
	flags = pq_getmsgbyte(msg);
	nitems = pq_getmsgint(msg, 4);
	ncells = pq_getmsgint(msg, 4);
	textlen = pq_getmsgint(msg, 4);
	if (version != TALLY_VERSION)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid binary tally"),
				 errdetail("Unsupported version %d.", version)));
	text = (flags & TALLY_TEXT) != 0;
	if (nitems < 0 || ncells < 0 || textlen < 0 || nitems > TALLY_MAX_ITEMS || (!text && textlen != 0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid binary tally"),
				 errdetail("Negative or too large sizes.")));
	need = 16.0 + (double) ncells * 56.0 + (text ? 4.0 * (nitems + 1.0) + textlen : 8.0 * nitems);
	if (need > (double) (msg->len - msg->cursor))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid binary tally"),
				 errdetail("The message is truncated.")));
	size = TALLY_SIZE(nitems, ncells, textlen, text);
	t = palloc0(size);
	SET_VARSIZE(t, size);
	t->version = version;
	t->flags = flags;
	t->nitems = nitems;
	t->ncells = ncells;
	t->textlen = textlen;
	t->rows_used = pq_getmsgint64(msg);
	t->rows_skipped = pq_getmsgint64(msg);
	for (int i = 0; i < ncells; i++)
	{
		TallyCell  *c = &t->cells[i];

		c->a = pq_getmsgint(msg, 4);
		c->b = pq_getmsgint(msg, 4);
		for (int o = 0; o < 3; o++)
			c->n[o] = pq_getmsgint64(msg);
		for (int o = 0; o < 3; o++)
			c->w[o] = pq_getmsgfloat8(msg);
	}
	if (text)
	{
		for (int i = 0; i <= nitems; i++)
			TALLY_TEXT_OFFS(t)[i] = pq_getmsgint(msg, 4);
		memcpy(TALLY_TEXT_DATA(t), pq_getmsgbytes(msg, textlen), textlen);
	}
	else
		for (int i = 0; i < nitems; i++)
			TALLY_INT_KEYS(t)[i] = pq_getmsgint64(msg);
	if (msg->cursor != msg->len)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid binary tally"),
				 errdetail("The message has trailing bytes.")));
	TallyValidate(t, size, TALLY_FROM_BINARY);
	PG_RETURN_POINTER(t);
}

/* Byte equality of two canonical tallies */
static bool
TallyEqual(PrefTally *a, PrefTally *b)
{
	return VARSIZE(a) == VARSIZE(b) && memcmp(a, b, VARSIZE(a)) == 0;
}

PG_FUNCTION_INFO_V1(pref_tally_eq);

/* Equal keys, counts and weights (bit for bit) */
Datum
pref_tally_eq(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(TallyEqual(PG_GETARG_TALLY_P(0), PG_GETARG_TALLY_P(1)));
}

PG_FUNCTION_INFO_V1(pref_tally_ne);

/* Negation of pref_tally_eq */
Datum
pref_tally_ne(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(!TallyEqual(PG_GETARG_TALLY_P(0), PG_GETARG_TALLY_P(1)));
}

PG_FUNCTION_INFO_V1(pref_tally_stats);

/* One row: key type, position, items, cells, rows used and skipped, weight */
Datum
pref_tally_stats(PG_FUNCTION_ARGS)
{
	PrefTally  *t = PG_GETARG_TALLY_P(0);
	TupleDesc	tupdesc;
	Datum		values[7];
	bool		nulls[7] = {false};
	double		wsum = 0;

	tupdesc = PrefResultDesc(fcinfo);
	for (int i = 0; i < t->ncells; i++)
		wsum += t->cells[i].w[0] + t->cells[i].w[1] + t->cells[i].w[2];
	values[0] = CStringGetTextDatum((t->flags & TALLY_TEXT) ? "text" : "bigint");
	values[1] = BoolGetDatum((t->flags & TALLY_POSITION) != 0);
	values[2] = Int32GetDatum(t->nitems);
	values[3] = Int32GetDatum(t->ncells);
	values[4] = Int64GetDatum(t->rows_used);
	values[5] = Int64GetDatum(t->rows_skipped);
	values[6] = Float8GetDatum(wsum);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}

PG_FUNCTION_INFO_V1(pref_tally_cells);

/* One row per cell: items as text, counts and weights per outcome */
Datum
pref_tally_cells(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	PrefTally  *t = PG_GETARG_TALLY_P(0);

	InitMaterializedSRF(fcinfo, 0);
	for (int i = 0; i < t->ncells; i++)
	{
		const TallyCell *c = &t->cells[i];
		Datum		values[8];
		bool		nulls[8] = {false};
		StringInfoData a,
					b;

		initStringInfo(&a);
		initStringInfo(&b);
		TallyAppendKey(&a, t, c->a);
		TallyAppendKey(&b, t, c->b);
		values[0] = CStringGetTextDatum(a.data);
		values[1] = CStringGetTextDatum(b.data);
		for (int o = 0; o < 3; o++)
		{
			values[2 + o] = Int64GetDatum(c->n[o]);
			values[5 + o] = Float8GetDatum(c->w[o]);
		}
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}
