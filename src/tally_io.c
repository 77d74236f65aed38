/*
 * tally_io.c - pref.tally text (JSON) and binary input/output, equality,
 * and accessors.
 */
#include "postgres.h"

#include <math.h>

#include "common/shortest_dec.h"
#include "fmgr.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"
#include "utils/numeric.h"

#include "common.h"
#include "tally.h"
#include "tally_state.h"

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

/* Report invalid tally text */
static void
TallySyntax(const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid input syntax for type tally"),
			 errdetail("%s", detail),
			 errhint("Use the form printed by pref.tally output: {\"version\": 1, \"keys\": \"bigint\", "
					 "\"position\": false, \"rows_used\": n, \"rows_skipped\": n, \"items\": [...], "
					 "\"cells\": [[a, b, a_wins, b_wins, ties, a_weight, b_weight, tie_weight], ...]}.")));
}

/* A required key of the top-level object */
static JsonbValue *
JsonKey(Jsonb *jb, const char *key, enum jbvType type)
{
	JsonbValue *v = getKeyJsonValueFromContainer(&jb->root, key, strlen(key), NULL);

	if (v == NULL)
		TallySyntax(psprintf("Key \"%s\" is missing.", key));
	if (v->type != type)
		TallySyntax(psprintf("Key \"%s\" has the wrong JSON type.", key));
	return v;
}

/* A JSON number as int64 within [0, max] */
static int64
JsonInt(JsonbValue *v, int64 max, const char *what)
{
	char	   *s;
	int64		x;
	char	   *end;

	if (v->type != jbvNumeric)
		TallySyntax(psprintf("%s must be a number.", what));
	s = DatumGetCString(DirectFunctionCall1(numeric_out, NumericGetDatum(v->val.numeric)));
	errno = 0;
	x = strtoll(s, &end, 10);
	if (*end != '\0' || errno != 0 || x < 0 || x > max)
		TallySyntax(psprintf("%s must be an integer between 0 and " INT64_FORMAT ", got %s.", what, max, s));
	return x;
}

/* A JSON number as a finite, non-negative double */
static double
JsonDouble(JsonbValue *v, const char *what)
{
	char	   *s;
	double		x;
	char	   *end;

	if (v->type != jbvNumeric)
		TallySyntax(psprintf("%s must be a number.", what));
	s = DatumGetCString(DirectFunctionCall1(numeric_out, NumericGetDatum(v->val.numeric)));
	errno = 0;
	x = strtod(s, &end);
	if (*end != '\0' || !isfinite(x) || x < 0)
		TallySyntax(psprintf("%s must be a finite number, not negative, got %s.", what, s));
	return x;
}

PG_FUNCTION_INFO_V1(pref_tally_in);

/* Parse the JSON text form (any cell order; the value is canonicalized) */
Datum
pref_tally_in(PG_FUNCTION_ARGS)
{
	char	   *input = PG_GETARG_CSTRING(0);
	Jsonb	   *jb;
	JsonbValue *v;
	bool		text;
	bool		position;
	JsonbContainer *items,
			   *cells;
	int			nitems,
				ncells;
	TallyState *st;
	MemoryContext ctx;
	PrefTally  *t;

	jb = DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum(input)));
	if (!JB_ROOT_IS_OBJECT(jb))
		TallySyntax("Expected a JSON object.");
	if (JsonInt(JsonKey(jb, "version", jbvNumeric), 1000, "version") != TALLY_VERSION)
		TallySyntax("Unsupported version.");
	v = JsonKey(jb, "keys", jbvString);
	if (v->val.string.len == 6 && memcmp(v->val.string.val, "bigint", 6) == 0)
		text = false;
	else if (v->val.string.len == 4 && memcmp(v->val.string.val, "text", 4) == 0)
		text = true;
	else
		TallySyntax("Key \"keys\" must be \"bigint\" or \"text\".");
	position = JsonKey(jb, "position", jbvBool)->val.boolean;

	v = JsonKey(jb, "items", jbvBinary);
	items = v->val.binary.data;
	v = JsonKey(jb, "cells", jbvBinary);
	cells = v->val.binary.data;
	if (!JsonContainerIsArray(items) || !JsonContainerIsArray(cells))
		TallySyntax("Keys \"items\" and \"cells\" must be arrays.");
	nitems = JsonContainerSize(items);
	ncells = JsonContainerSize(cells);

	ctx = AllocSetContextCreate(CurrentMemoryContext, "pref.tally input", ALLOCSET_DEFAULT_SIZES);
	st = TallyStateCreate(ctx, text, position);
	st->rows_used = JsonInt(JsonKey(jb, "rows_used", jbvNumeric), PG_INT64_MAX, "rows_used");
	st->rows_skipped = JsonInt(JsonKey(jb, "rows_skipped", jbvNumeric), PG_INT64_MAX, "rows_skipped");
	for (int i = 0; i < nitems; i++)
	{
		JsonbValue *it = getIthJsonbValueFromContainer(items, i);
		int			idx;

		if (text)
		{
			if (it->type != jbvString)
				TallySyntax("Items of a text tally must be strings.");
			if (memchr(it->val.string.val, '\0', it->val.string.len) != NULL)
				TallySyntax("Items must not contain NUL characters.");
			idx = TallyStateItemText(st, it->val.string.val, it->val.string.len);
		}
		else
		{
			char	   *s;
			char	   *end;
			int64		key;

			if (it->type != jbvNumeric)
				TallySyntax("Items of a bigint tally must be numbers.");
			s = DatumGetCString(DirectFunctionCall1(numeric_out, NumericGetDatum(it->val.numeric)));
			errno = 0;
			key = strtoll(s, &end, 10);
			if (*end != '\0' || errno != 0)
				TallySyntax(psprintf("Item %s is not a bigint.", s));
			idx = TallyStateItemInt(st, key);
		}
		if (idx != i)
			TallySyntax(psprintf("Item %d repeats an earlier item.", i));
	}
	for (int i = 0; i < ncells; i++)
	{
		JsonbValue *c = getIthJsonbValueFromContainer(cells, i);
		JsonbContainer *cc;
		int64		n[3];
		double		w[3];
		int			a,
					b;

		if (c->type != jbvBinary || !JsonContainerIsArray(c->val.binary.data) ||
			JsonContainerSize(c->val.binary.data) != 8)
			TallySyntax(psprintf("Cell %d must be an array of 8 numbers.", i));
		cc = c->val.binary.data;
		a = (int) JsonInt(getIthJsonbValueFromContainer(cc, 0), Max(nitems - 1, 0), "A cell's item index");
		b = (int) JsonInt(getIthJsonbValueFromContainer(cc, 1), Max(nitems - 1, 0), "A cell's item index");
		if (a == b)
			TallySyntax(psprintf("Cell %d compares an item with itself.", i));
		for (int o = 0; o < 3; o++)
		{
			n[o] = JsonInt(getIthJsonbValueFromContainer(cc, 2 + o), PG_INT64_MAX, "A count");
			w[o] = JsonDouble(getIthJsonbValueFromContainer(cc, 5 + o), "A weight");
			if (n[o] == 0 && w[o] != 0)
				TallySyntax(psprintf("Cell %d has a weight without rows.", i));
		}
		for (int o = 0; o < 3; o++)
			if (n[o] > 0)
				TallyStateAdd(st, a, b, o, n[o], w[o]);
	}
	t = TallyStateFinal(st);
	MemoryContextDelete(ctx);
	PG_RETURN_POINTER(t);
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
	pq_getmsgend(msg);
	TallyValidate(t, size, "binary value");
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

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	tupdesc = BlessTupleDesc(tupdesc);
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
