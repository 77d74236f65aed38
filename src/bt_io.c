/*
 * bt_io.c - text (versioned JSON) and binary forms of pref.bt_model.
 *
 * The text form carries everything the value holds: the options, the fit
 * report, the log-strengths and the tally (in pref.tally's own JSON form),
 * every double in its shortest round-trip decimal form, so that
 * m::text::pref.bt_model is m bit for bit.  Doubles JSON numbers cannot
 * hold are strings: "-0", "Infinity", "-Infinity"; an absent parameter
 * (tie parameter of a model without ties, order effect not fitted) is null.
 * pref.bt_summary (bt.c) is the human summary.  A Plackett-Luce model
 * (version 3) adds "model": "plackett_luce" and its rankings as
 * [ranking text, count] pairs, in canonical order; the binary form adds
 * a kind byte and the rankings after the tally.
 */
#include "postgres.h"

#include <math.h>

#include "common/shortest_dec.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/numeric.h"

#include "prefdata.h"

#include "bt_core.h"
#include "bt_model.h"
#include "pl_model.h"
#include "tally.h"

/* pref.tally's I/O functions (tally_io.c) */
extern Datum pref_tally_in(PG_FUNCTION_ARGS);
extern Datum pref_tally_out(PG_FUNCTION_ARGS);
extern Datum pref_tally_send(PG_FUNCTION_ARGS);
extern Datum pref_tally_recv(PG_FUNCTION_ARGS);

static const char *const METHOD_NAMES[] = {"auto", "newton", "mm", NULL};

/* Append a double exactly: shortest decimal, or a string for -0 and infinities, null for NaN */
static void
AppendExact(StringInfo buf, double x)
{
	char		tmp[DOUBLE_SHORTEST_DECIMAL_LEN];

	if (isnan(x))
		appendStringInfoString(buf, "null");
	else if (isinf(x))
		appendStringInfoString(buf, x > 0 ? "\"Infinity\"" : "\"-Infinity\"");
	else if (x == 0 && signbit(x))
		appendStringInfoString(buf, "\"-0\"");
	else
	{
		double_to_shortest_decimal_buf(x, tmp);
		appendStringInfoString(buf, tmp);
	}
}

/* Append a Plackett-Luce model's rankings: , "rankings": [["3>1=4>2", count], ...] */
static void
AppendRankings(StringInfo buf, const PrefBtModel *m)
{
	const PrefPlRankings *b = BT_PL(m);
	const int64 *keys = TALLY_INT_KEYS(BT_TALLY(m));
	const int32 *off = PLR_OFF(b),
			   *item = PLR_ITEM(b),
			   *group = PLR_GROUP(b);

	appendStringInfoString(buf, ", \"rankings\": [");
	for (int r = 0; r < b->nrank; r++)
	{
		appendStringInfoString(buf, r ? ", [\"" : "[\"");
		for (int k = off[r]; k < off[r + 1]; k++)
		{
			if (k > off[r])
				appendStringInfoChar(buf, group[k] == group[k - 1] ? '=' : '>');
			appendStringInfo(buf, INT64_FORMAT, keys[item[k]]);
		}
		appendStringInfoString(buf, "\", ");
		AppendExact(buf, PLR_WEIGHT(b)[r]);
		appendStringInfoChar(buf, ']');
	}
	appendStringInfoChar(buf, ']');
}

PG_FUNCTION_INFO_V1(pref_bt_model_out);

/* Text output: complete, versioned JSON */
Datum
pref_bt_model_out(PG_FUNCTION_ARGS)
{
	PrefBtModel *m = PG_GETARG_BTMODEL_P(0);
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfo(&buf, "{\"version\": %d, %s\"ties\": \"%s\", \"order_effect\": %s, \"method\": \"%s\", "
					 "\"converged\": %s, \"iterations\": %d, \"max_iter\": %d, \"prior\": ",
					 m->version, m->kind == BT_KIND_PL ? "\"model\": \"plackett_luce\", " : "", BT_TIES_NAMES[m->ties], m->order_effect ? "true" : "false",
					 METHOD_NAMES[m->method], m->converged ? "true" : "false", m->iterations, m->max_iter);
	AppendExact(&buf, m->prior);
	appendStringInfoString(&buf, ", \"tol\": ");
	AppendExact(&buf, m->tol);
	appendStringInfoString(&buf, ", \"loglik\": ");
	AppendExact(&buf, m->loglik);
	appendStringInfoString(&buf, ", \"tie_log_param\": ");
	AppendExact(&buf, m->tau);
	appendStringInfoString(&buf, ", \"order\": ");
	AppendExact(&buf, m->order);
	appendStringInfoString(&buf, ", \"theta\": [");
	for (int i = 0; i < m->nitems; i++)
	{
		if (i > 0)
			appendStringInfoString(&buf, ", ");
		AppendExact(&buf, BT_THETA(m)[i]);
	}
	appendStringInfoString(&buf, "], \"tally\": ");
	appendStringInfoString(&buf, DatumGetCString(DirectFunctionCall1(pref_tally_out,
																	 PointerGetDatum(BT_TALLY(m)))));
	if (m->kind == BT_KIND_PL)
		AppendRankings(&buf, m);
	appendStringInfoChar(&buf, '}');
	PG_RETURN_CSTRING(buf.data);
}

static void ModelSyntax(const char *detail) pg_attribute_noreturn();

/* Report invalid model text */
static void
ModelSyntax(const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid input syntax for type bt_model"),
			 errdetail("%s", detail),
			 errhint("Use the form printed by pref.bt_model output: {\"version\": %d, \"ties\": ..., "
					 "\"theta\": [...], \"tally\": {...}}.", BT_MODEL_VERSION)));
}

/* A required key of an object */
static JsonbValue *
ModelKey(JsonbContainer *root, const char *key)
{
	JsonbValue *v = getKeyJsonValueFromContainer(root, key, strlen(key), NULL);

	if (v == NULL)
		ModelSyntax(psprintf("Key \"%s\" is missing.", key));
	return v;
}

/* A JSON value as a double: a number, null (NaN) or "-0" / "Infinity" / "-Infinity" */
static double
ModelDouble(JsonbValue *v, const char *what)
{
	char	   *s;
	char	   *end;
	double		x;

	if (v->type == jbvNull)
		return NAN;
	if (v->type == jbvString)
	{
		int			len = v->val.string.len;
		const char *p = v->val.string.val;

		if (len == 2 && memcmp(p, "-0", 2) == 0)
			return -0.0;
		if (len == 8 && memcmp(p, "Infinity", 8) == 0)
			return INFINITY;
		if (len == 9 && memcmp(p, "-Infinity", 9) == 0)
			return -INFINITY;
		ModelSyntax(psprintf("%s must be a number, null, \"-0\", \"Infinity\" or \"-Infinity\".", what));
	}
	if (v->type != jbvNumeric)
		ModelSyntax(psprintf("%s must be a number.", what));
	s = DatumGetCString(DirectFunctionCall1(numeric_out, NumericGetDatum(v->val.numeric)));
	errno = 0;
	x = strtod(s, &end);
	if (*end != '\0' || isinf(x))
		ModelSyntax(psprintf("%s is out of range for a double.", what));
	return x;
}

/* A JSON number as an integer within [lo, hi] */
static int
ModelInt(JsonbValue *v, int lo, int hi, const char *what)
{
	char	   *s;
	char	   *end;
	long		x;

	if (v->type != jbvNumeric)
		ModelSyntax(psprintf("%s must be a number.", what));
	s = DatumGetCString(DirectFunctionCall1(numeric_out, NumericGetDatum(v->val.numeric)));
	errno = 0;
	x = strtol(s, &end, 10);
	if (*end != '\0' || errno != 0 || x < lo || x > hi)
		ModelSyntax(psprintf("%s must be an integer between %d and %d, got %s.", what, lo, hi, s));
	return (int) x;
}

/* A JSON boolean */
static bool
ModelBool(JsonbValue *v, const char *what)
{
	if (v->type != jbvBool)
		ModelSyntax(psprintf("%s must be true or false.", what));
	return v->val.boolean;
}

/* Index of a JSON string among names (NULL-terminated), or -1 */
static int
ModelName(JsonbValue *v, const char *const *names, int count, const char *what)
{
	if (v->type == jbvString)
		for (int i = 0; i < count && names[i]; i++)
			if ((int) strlen(names[i]) == v->val.string.len &&
				memcmp(names[i], v->val.string.val, v->val.string.len) == 0)
				return i;
	ModelSyntax(psprintf("%s is not a valid name.", what));
	return -1;
}

/*
 * Error (with code) unless the model's fields are consistent: ties and
 * method known, tally of as many items, finite log-strengths, tie
 * parameter present exactly for tie models, order effect exactly when
 * fitted (and the tally keeps positions), options in range.
 */
static void
ModelValidate(const PrefBtModel *m, int code)
{
	const PrefTally *t = BT_TALLY(m);
	bool		has_tie = m->ties == BT_TIES_DAVIDSON || m->ties == BT_TIES_RAO_KUPPER;
	const char *bad = NULL;

	if (m->ties > BT_TIES_DAVIDSON)
		bad = "Unknown ties model.";
	else if (m->method != BT_METHOD_NEWTON && m->method != BT_METHOD_MM)
		bad = "Unknown method (newton or mm).";
	else if (m->order_effect > 1 || m->converged > 1)
		bad = "Flags must be 0 or 1.";
	else if (m->nitems < 2 || m->nitems != t->nitems)
		bad = "The number of log-strengths must equal the tally's items (at least two).";
	else if (m->iterations < 0 || m->max_iter < 1)
		bad = "iterations must be at least 0 and max_iter at least 1.";
	else if (!isfinite(m->prior) || m->prior < 0)
		bad = "prior must be finite and not negative.";
	else if (!isfinite(m->tol) || m->tol <= 0)
		bad = "tol must be positive and finite.";
	else if (isnan(m->loglik))
		bad = "loglik must be a number.";
	else if (has_tie ? !isfinite(m->tau) : !isnan(m->tau))
		bad = "tie_log_param must be finite for rao_kupper and davidson models and null otherwise.";
	else if (m->order_effect ? !isfinite(m->order) : !isnan(m->order))
		bad = "order must be finite when order_effect is true and null otherwise.";
	else if (m->order_effect && !(t->flags & TALLY_POSITION))
		bad = "An order effect needs a tally with presentation order.";
	else if (m->method == BT_METHOD_MM && (m->order_effect || has_tie))
		bad = "The mm method fits ties none or half without order effect.";
	else if (m->version == BT_MODEL_VERSION ? m->kind != BT_KIND_BT : m->kind != BT_KIND_PL)
		bad = "Version 2 is a Bradley-Terry model and version 3 a Plackett-Luce model.";
	else if (m->kind == BT_KIND_PL)
		bad = PlModelCheck(m);
	for (int i = 0; bad == NULL && i < m->nitems; i++)
		if (!isfinite(BT_THETA(m)[i]))
			bad = "Log-strengths must be finite.";
	if (bad != NULL)
		ereport(ERROR,
				(errcode(code),
				 errmsg(code == ERRCODE_INVALID_TEXT_REPRESENTATION ? "invalid input syntax for type bt_model"
						: "invalid binary bt_model"),
				 errdetail("%s", bad)));
}

/* Allocate a model of n items around a copy of tally t; header fields zero */
static PrefBtModel *
ModelAlloc(int n, const PrefTally *t)
{
	Size		head = MAXALIGN(offsetof(PrefBtModel, data) + sizeof(double) * (Size) n);
	Size		size = head + VARSIZE(t);
	PrefBtModel *m = palloc0(size);

	SET_VARSIZE(m, size);
	m->version = BT_MODEL_VERSION;
	m->nitems = n;
	memcpy(BT_TALLY(m), t, VARSIZE(t));
	return m;
}

/* pref.ranking's text input (ranking.c) */
extern Datum pref_ranking_in(PG_FUNCTION_ARGS);

/*
 * A Plackett-Luce model of n items around tally t, its rankings read from
 * key "rankings": [["3>1=4>2", count], ...] (checked by ModelValidate)
 */
static PrefBtModel *
ModelInRankings(JsonbContainer *root, int n, const PrefTally *t)
{
	JsonbValue *v = ModelKey(root, "rankings");
	JsonbContainer *rc;
	PrefRanking **rk;
	double	   *w;
	int			nrank;
	int64		total = 0;
	PrefBtModel *m;
	PrefPlRankings *b;
	int32	   *off,
			   *item,
			   *group;

	if (v->type != jbvBinary || !JsonContainerIsArray(v->val.binary.data))
		ModelSyntax("Key \"rankings\" must be an array.");
	if (t->flags != 0)
		ModelSyntax("A Plackett-Luce model has bigint items and no presentation order.");
	rc = v->val.binary.data;
	nrank = JsonContainerSize(rc);
	if (nrank < 1)
		ModelSyntax("Key \"rankings\" must hold at least one ranking.");
	rk = palloc(sizeof(PrefRanking *) * nrank);
	w = palloc(sizeof(double) * nrank);
	for (int r = 0; r < nrank; r++)
	{
		JsonbValue *e = getIthJsonbValueFromContainer(rc, r);
		JsonbValue *s,
				   *c;

		if (e->type != jbvBinary || !JsonContainerIsArray(e->val.binary.data) ||
			JsonContainerSize(e->val.binary.data) != 2)
			ModelSyntax("Each ranking must be a pair [\"3>1=4>2\", count].");
		s = getIthJsonbValueFromContainer(e->val.binary.data, 0);
		c = getIthJsonbValueFromContainer(e->val.binary.data, 1);
		if (s->type != jbvString)
			ModelSyntax("Each ranking must be a pair [\"3>1=4>2\", count].");
		rk[r] = DatumGetPrefRankingP(DirectFunctionCall1(pref_ranking_in,
														 CStringGetDatum(pnstrdup(s->val.string.val, s->val.string.len))));
		w[r] = ModelDouble(c, "A ranking count");
		total += rk[r]->nitems;
		if (total > PG_INT32_MAX / 8)
			ModelSyntax("The rankings hold too many positions.");
	}
	m = PlModelAlloc(n, t, nrank, (int) total);
	b = BT_PL(m);
	off = PLR_OFF(b);
	item = PLR_ITEM(b);
	group = PLR_GROUP(b);
	off[0] = 0;
	for (int r = 0; r < nrank; r++)
	{
		int32	   *g = RANKING_GROUPS(rk[r]);

		for (int k = 0; k < rk[r]->nitems; k++)
		{
			item[off[r] + k] = TallyFindInt(t, rk[r]->items[k]);
			group[off[r] + k] = g[k];
			if (item[off[r] + k] < 0)
				ModelSyntax(psprintf("Ranking %d holds item " INT64_FORMAT ", which is not in the tally.",
									 r + 1, rk[r]->items[k]));
		}
		off[r + 1] = off[r] + rk[r]->nitems;
		PLR_WEIGHT(b)[r] = w[r];
	}
	return m;
}

PG_FUNCTION_INFO_V1(pref_bt_model_in);

/* Text input: the JSON printed by pref_bt_model_out */
Datum
pref_bt_model_in(PG_FUNCTION_ARGS)
{
	char	   *input = PG_GETARG_CSTRING(0);
	Jsonb	   *jb = DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum(input)));
	JsonbContainer *root = &jb->root;
	JsonbValue *v;
	JsonbContainer *theta,
			   *tc,
			   *titems;
	PrefTally  *t;
	PrefBtModel *m;
	int			n,
				version;
	char	   *ttext;

	if (!JB_ROOT_IS_OBJECT(jb))
		ModelSyntax("Expected a JSON object.");
	version = ModelInt(ModelKey(root, "version"), 0, 255, "version");
	if (version != BT_MODEL_VERSION && version != BT_MODEL_VERSION_PL)
		ModelSyntax(psprintf("Unsupported version (this build reads versions %d and %d).",
							 BT_MODEL_VERSION, BT_MODEL_VERSION_PL));
	if (version == BT_MODEL_VERSION_PL)
	{
		v = ModelKey(root, "model");
		if (v->type != jbvString || v->val.string.len != 13 || memcmp(v->val.string.val, "plackett_luce", 13) != 0)
			ModelSyntax("Key \"model\" of a version 3 model must be \"plackett_luce\".");
	}

	v = ModelKey(root, "theta");
	if (v->type != jbvBinary || !JsonContainerIsArray(v->val.binary.data))
		ModelSyntax("Key \"theta\" must be an array.");
	theta = v->val.binary.data;
	v = ModelKey(root, "tally");
	if (v->type != jbvBinary || !JsonContainerIsObject(v->val.binary.data))
		ModelSyntax("Key \"tally\" must be an object in pref.tally's text form.");
	tc = v->val.binary.data;
	ttext = JsonbToCString(NULL, tc, VARSIZE(jb));
	t = DatumGetPrefTallyP(DirectFunctionCall1(pref_tally_in, CStringGetDatum(ttext)));

	/* the log-strengths follow the tally's item order: it must be canonical as given */
	v = ModelKey(tc, "items");
	titems = v->val.binary.data;
	n = JsonContainerSize(theta);
	if (n != t->nitems)
		ModelSyntax(psprintf("\"theta\" has %d entries for %d tally items.", n, t->nitems));
	for (int i = 0; i < n; i++)
	{
		JsonbValue *it = getIthJsonbValueFromContainer(titems, i);
		StringInfoData key;
		bool		same;

		initStringInfo(&key);
		TallyAppendKey(&key, t, i);
		if (it->type == jbvString)
			same = it->val.string.len == key.len && memcmp(it->val.string.val, key.data, key.len) == 0;
		else
			same = strcmp(DatumGetCString(DirectFunctionCall1(numeric_out,
															  NumericGetDatum(it->val.numeric))),
						  key.data) == 0;
		if (!same)
			ModelSyntax("The tally's items must be listed in sorted order, as printed.");
		pfree(key.data);
	}

	if (version == BT_MODEL_VERSION_PL)
		m = ModelInRankings(root, n, t);
	else
		m = ModelAlloc(n, t);
	m->ties = ModelName(ModelKey(root, "ties"), BT_TIES_NAMES, 4, "ties");
	m->order_effect = ModelBool(ModelKey(root, "order_effect"), "order_effect");
	m->method = ModelName(ModelKey(root, "method"), METHOD_NAMES, 3, "method");
	m->converged = ModelBool(ModelKey(root, "converged"), "converged");
	m->iterations = ModelInt(ModelKey(root, "iterations"), 0, PG_INT32_MAX, "iterations");
	m->max_iter = ModelInt(ModelKey(root, "max_iter"), 1, PG_INT32_MAX, "max_iter");
	m->prior = ModelDouble(ModelKey(root, "prior"), "prior");
	m->tol = ModelDouble(ModelKey(root, "tol"), "tol");
	m->loglik = ModelDouble(ModelKey(root, "loglik"), "loglik");
	m->tau = ModelDouble(ModelKey(root, "tie_log_param"), "tie_log_param");
	m->order = ModelDouble(ModelKey(root, "order"), "order");
	for (int i = 0; i < n; i++)
		BT_THETA(m)[i] = ModelDouble(getIthJsonbValueFromContainer(theta, i), "A log-strength");
	ModelValidate(m, ERRCODE_INVALID_TEXT_REPRESENTATION);
	PG_RETURN_POINTER(m);
}

PG_FUNCTION_INFO_V1(pref_bt_model_send);

/* Binary output: header, log-strengths, then the tally's binary form with its length */
Datum
pref_bt_model_send(PG_FUNCTION_ARGS)
{
	PrefBtModel *m = PG_GETARG_BTMODEL_P(0);
	bytea	   *tb = DatumGetByteaPP(DirectFunctionCall1(pref_tally_send, PointerGetDatum(BT_TALLY(m))));
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, m->version);
	pq_sendbyte(&buf, m->ties);
	pq_sendbyte(&buf, m->order_effect);
	pq_sendbyte(&buf, m->converged);
	pq_sendbyte(&buf, m->method);
	if (m->version == BT_MODEL_VERSION_PL)
		pq_sendbyte(&buf, m->kind);
	pq_sendint32(&buf, m->nitems);
	pq_sendint32(&buf, m->iterations);
	pq_sendint32(&buf, m->max_iter);
	pq_sendfloat8(&buf, m->prior);
	pq_sendfloat8(&buf, m->tol);
	pq_sendfloat8(&buf, m->loglik);
	pq_sendfloat8(&buf, m->tau);
	pq_sendfloat8(&buf, m->order);
	for (int i = 0; i < m->nitems; i++)
		pq_sendfloat8(&buf, BT_THETA(m)[i]);
	pq_sendint32(&buf, VARSIZE_ANY_EXHDR(tb));
	pq_sendbytes(&buf, VARDATA_ANY(tb), VARSIZE_ANY_EXHDR(tb));
	if (m->kind == BT_KIND_PL)
	{
		/* int32 nrank, int32 total, float8 weight[nrank], int32 off[nrank + 1], item[total], group[total] */
		const PrefPlRankings *b = BT_PL(m);
		const int32 *ints = PLR_OFF(b);

		pq_sendint32(&buf, b->nrank);
		pq_sendint32(&buf, b->total);
		for (int r = 0; r < b->nrank; r++)
			pq_sendfloat8(&buf, PLR_WEIGHT(b)[r]);
		for (size_t k = 0; k < (size_t) b->nrank + 1 + 2 * (size_t) b->total; k++)
			pq_sendint32(&buf, ints[k]);
	}
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

static void ModelBinary(const char *detail) pg_attribute_noreturn();

/* Report invalid binary input */
static void
ModelBinary(const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
			 errmsg("invalid binary bt_model"),
			 errdetail("%s", detail)));
}

PG_FUNCTION_INFO_V1(pref_bt_model_recv);

/* Binary input: version and sizes checked against the message before allocating */
Datum
pref_bt_model_recv(PG_FUNCTION_ARGS)
{
	StringInfo	msg = (StringInfo) PG_GETARG_POINTER(0);
	uint8		version,
				ties,
				order_effect,
				converged,
				method,
				kind;
	int32		n,
				iterations,
				max_iter,
				tlen;
	double		hd[5];
	double	   *theta;
	StringInfoData sub;
	PrefTally  *t;
	PrefBtModel *m;

	if (msg->len - msg->cursor < 5 + 12 + 40)
		ModelBinary("The message is truncated.");
	version = pq_getmsgbyte(msg);
	if (version != BT_MODEL_VERSION && version != BT_MODEL_VERSION_PL)
		ModelBinary(psprintf("Unsupported version %d (this build reads versions %d and %d).", version,
							 BT_MODEL_VERSION, BT_MODEL_VERSION_PL));
	ties = pq_getmsgbyte(msg);
	order_effect = pq_getmsgbyte(msg);
	converged = pq_getmsgbyte(msg);
	method = pq_getmsgbyte(msg);
	kind = version == BT_MODEL_VERSION_PL ? pq_getmsgbyte(msg) : BT_KIND_BT;
	n = pq_getmsgint(msg, 4);
	iterations = pq_getmsgint(msg, 4);
	max_iter = pq_getmsgint(msg, 4);
	for (int k = 0; k < 5; k++)
		hd[k] = pq_getmsgfloat8(msg);
	if (n < 2 || n > TALLY_MAX_ITEMS)
		ModelBinary(psprintf("Bad item count %d.", n));
	if ((double) n * 8.0 + 4.0 > (double) (msg->len - msg->cursor))
		ModelBinary("The message is truncated.");
	theta = palloc(sizeof(double) * n);
	for (int i = 0; i < n; i++)
		theta[i] = pq_getmsgfloat8(msg);
	tlen = pq_getmsgint(msg, 4);
	if (tlen < 0 || (kind == BT_KIND_BT ? tlen != msg->len - msg->cursor : tlen > msg->len - msg->cursor))
		ModelBinary(tlen < 0 || tlen > msg->len - msg->cursor ? "The message is truncated."
					: "The tally's length does not match the message.");
	/* the tally's own recv validates it completely */
	sub.data = (char *) pq_getmsgbytes(msg, tlen);
	sub.len = tlen;
	sub.maxlen = tlen;
	sub.cursor = 0;
	t = DatumGetPrefTallyP(DirectFunctionCall1(pref_tally_recv, PointerGetDatum(&sub)));
	if (t->nitems != n)
		ModelBinary("The number of log-strengths differs from the tally's items.");
	if (kind == BT_KIND_PL)
	{
		int32		nrank,
					total;
		PrefPlRankings *b;
		int32	   *ints;

		if (msg->len - msg->cursor < 8)
			ModelBinary("The message is truncated.");
		nrank = pq_getmsgint(msg, 4);
		total = pq_getmsgint(msg, 4);
		if (nrank < 1 || total < 1 || total > PG_INT32_MAX / 8 || nrank > total)
			ModelBinary("Bad ranking counts.");
		if ((double) nrank * 8 + ((double) nrank + 1 + 2.0 * total) * 4 != (double) (msg->len - msg->cursor))
			ModelBinary("The rankings' length does not match the message.");
		m = PlModelAlloc(n, t, nrank, total);
		b = BT_PL(m);
		ints = PLR_OFF(b);
		for (int r = 0; r < nrank; r++)
			PLR_WEIGHT(b)[r] = pq_getmsgfloat8(msg);
		for (size_t k = 0; k < (size_t) nrank + 1 + 2 * (size_t) total; k++)
			ints[k] = pq_getmsgint(msg, 4);
	}
	else if (version == BT_MODEL_VERSION)
		m = ModelAlloc(n, t);
	else
		ModelBinary(psprintf("Unknown model kind %d.", kind));
	pq_getmsgend(msg);
	m->ties = ties;
	m->order_effect = order_effect;
	m->converged = converged;
	m->method = method;
	m->iterations = iterations;
	m->max_iter = max_iter;
	m->prior = hd[0];
	m->tol = hd[1];
	m->loglik = hd[2];
	m->tau = hd[3];
	m->order = hd[4];
	memcpy(BT_THETA(m), theta, sizeof(double) * n);
	ModelValidate(m, ERRCODE_INVALID_BINARY_REPRESENTATION);
	PG_RETURN_POINTER(m);
}
