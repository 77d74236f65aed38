/*
 * pair.c - pref.pair: one comparison between two bigint items, with the
 * outcome relative to presentation order and a positive weight.
 */
#include "postgres.h"

#include <ctype.h>
#include <math.h>

#include "common/hashfn.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"
#include "utils/float.h"

#include "prefdata.h"

static const char OUTCOME_CHAR[3] = {'>', '<', '='};

/* Parse an optionally signed decimal integer into an int64 */
int
PrefParseInt64(const char **pp, int64 *out)
{
	const char *p = *pp;
	bool		neg = false;
	uint64		acc = 0;
	bool		overflow = false;
	int			ndigits = 0;

	if (*p == '-' || *p == '+')
	{
		neg = (*p == '-');
		p++;
	}
	while (isdigit((unsigned char) *p))
	{
		int			d = *p - '0';

		if (acc > (PG_UINT64_MAX - d) / 10)
			overflow = true;
		else
			acc = acc * 10 + d;
		p++;
		ndigits++;
	}
	if (ndigits == 0)
		return PARSE_NONE;
	*pp = p;
	if (overflow || acc > (uint64) PG_INT64_MAX + (neg ? 1 : 0))
		return PARSE_RANGE;
	if (neg)
		*out = (acc == (uint64) PG_INT64_MAX + 1) ? PG_INT64_MIN : -(int64) acc;
	else
		*out = (int64) acc;
	return PARSE_OK;
}

/* Outcome code of '>', '<' or '=', or -1 */
int
PrefOutcomeFromText(const text *o)
{
	const char *s = VARDATA_ANY(o);

	if (VARSIZE_ANY_EXHDR(o) != 1)
		return -1;
	switch (s[0])
	{
		case '>':
			return PAIR_FIRST;
		case '<':
			return PAIR_SECOND;
		case '=':
			return PAIR_TIE;
	}
	return -1;
}

/* Ensure weight is positive and finite */
static void
CheckWeight(double w)
{
	if (isnan(w) || isinf(w) || w <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("pair weight must be positive and finite"),
				 errdetail("Got %s.", float8out_internal(w))));
}

/* Build a validated pair */
PrefPair *
PrefMakePair(int64 first, int64 second, int outcome, double weight)
{
	PrefPair   *p;

	if (first == second)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("an item cannot be compared with itself"),
				 errdetail("Both items are " INT64_FORMAT ".", first)));
	CheckWeight(weight);
	Assert(outcome >= PAIR_FIRST && outcome <= PAIR_TIE);

	p = palloc0(sizeof(PrefPair));
	p->first = first;
	p->second = second;
	p->outcome = (uint8) outcome;
	p->weight = weight;
	p->version = PAIR_VERSION;
	return p;
}

static void PairSyntaxError(const char *input, const char *detail) pg_attribute_noreturn();

/* Report a pair syntax error quoting the whole input */
static void
PairSyntaxError(const char *input, const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid input syntax for type pair: \"%s\"", input),
			 errdetail("%s", detail)));
}

/* Parse one item id for a pair or report why not */
static int64
ParsePairItem(const char **p, const char *input, const char *which)
{
	int64		v = 0;
	int			rc;

	while (isspace((unsigned char) **p))
		(*p)++;
	rc = PrefParseInt64(p, &v);
	if (rc == PARSE_NONE)
		PairSyntaxError(input, psprintf("Expected an integer item id as the %s item.", which));
	if (rc == PARSE_RANGE)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("item id out of range for type bigint in pair: \"%s\"", input)));
	while (isspace((unsigned char) **p))
		(*p)++;
	return v;
}

PG_FUNCTION_INFO_V1(pref_pair_in);

/* Parse '17>42', '17<42', '17=42', each with an optional '*weight' */
Datum
pref_pair_in(PG_FUNCTION_ARGS)
{
	const char *input = PG_GETARG_CSTRING(0);
	const char *p = input;
	int64		first,
				second;
	int			outcome;
	double		weight = 1.0;

	while (isspace((unsigned char) *p))
		p++;
	if (*p == '\0')
		PairSyntaxError(input, "A pair needs two items and an outcome, as in 17>42.");

	first = ParsePairItem(&p, input, "first");
	switch (*p)
	{
		case '>':
			outcome = PAIR_FIRST;
			break;
		case '<':
			outcome = PAIR_SECOND;
			break;
		case '=':
			outcome = PAIR_TIE;
			break;
		default:
			PairSyntaxError(input, "Expected \">\", \"<\" or \"=\" after the first item.");
			outcome = -1;		/* keep compiler quiet */
	}
	p++;
	second = ParsePairItem(&p, input, "second");

	if (*p == '*')
	{
		char	   *end;

		p++;
		while (isspace((unsigned char) *p))
			p++;
		errno = 0;
		weight = strtod(p, &end);
		if (end == p)
			PairSyntaxError(input, "Expected a number after \"*\".");
		p = end;
		while (isspace((unsigned char) *p))
			p++;
		if (*p == '\0' && (isnan(weight) || isinf(weight) || weight <= 0))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
					 errmsg("invalid input syntax for type pair: \"%s\"", input),
					 errdetail("The weight must be positive and finite.")));
	}
	if (*p != '\0')
		PairSyntaxError(input, psprintf("Unexpected text \"%s\" after the pair.", p));
	if (first == second)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("invalid input syntax for type pair: \"%s\"", input),
				 errdetail("An item cannot be compared with itself.")));

	PG_RETURN_PAIR_P(PrefMakePair(first, second, outcome, weight));
}

PG_FUNCTION_INFO_V1(pref_pair_out);

/* Text form; the weight is printed only when it is not 1 */
Datum
pref_pair_out(PG_FUNCTION_ARGS)
{
	PrefPair   *p = PG_GETARG_PAIR_P(0);
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfo(&buf, INT64_FORMAT "%c" INT64_FORMAT,
					 p->first, OUTCOME_CHAR[p->outcome], p->second);
	if (p->weight != 1.0)
		appendStringInfo(&buf, "*%s", float8out_internal(p->weight));
	PG_RETURN_CSTRING(buf.data);
}

PG_FUNCTION_INFO_V1(pref_pair_recv);

/* Binary input: version byte, first, second, outcome byte, weight */
Datum
pref_pair_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	int			version;
	int64		first,
				second;
	int			outcome;
	double		weight;

	if (buf->len - buf->cursor != 1 + 8 + 8 + 1 + 8)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid binary pair: expected %d bytes, got %d",
						26, buf->len - buf->cursor)));
	version = pq_getmsgbyte(buf);
	if (version != PAIR_VERSION)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid binary pair: unsupported version %d", version)));
	first = pq_getmsgint64(buf);
	second = pq_getmsgint64(buf);
	outcome = pq_getmsgbyte(buf);
	weight = pq_getmsgfloat8(buf);
	if (outcome < PAIR_FIRST || outcome > PAIR_TIE)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid binary pair: unknown outcome %d", outcome)));
	if (first == second)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid binary pair: an item cannot be compared with itself")));
	if (isnan(weight) || isinf(weight) || weight <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid binary pair: weight must be positive and finite")));
	PG_RETURN_PAIR_P(PrefMakePair(first, second, outcome, weight));
}

PG_FUNCTION_INFO_V1(pref_pair_send);

/* Binary output, mirror of pref_pair_recv */
Datum
pref_pair_send(PG_FUNCTION_ARGS)
{
	PrefPair   *p = PG_GETARG_PAIR_P(0);
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, PAIR_VERSION);
	pq_sendint64(&buf, p->first);
	pq_sendint64(&buf, p->second);
	pq_sendbyte(&buf, p->outcome);
	pq_sendfloat8(&buf, p->weight);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

PG_FUNCTION_INFO_V1(pref_pair_make);

/* pref.pair(chosen, rejected, tie, weight): chosen is shown first */
Datum
pref_pair_make(PG_FUNCTION_ARGS)
{
	int64		chosen = PG_GETARG_INT64(0);
	int64		rejected = PG_GETARG_INT64(1);
	bool		tie = PG_GETARG_BOOL(2);
	double		weight = PG_GETARG_FLOAT8(3);

	PG_RETURN_PAIR_P(PrefMakePair(chosen, rejected, tie ? PAIR_TIE : PAIR_FIRST, weight));
}

PG_FUNCTION_INFO_V1(pref_pair_make_outcome);

/* pref.pair(first, second, outcome text, weight) with outcome '>', '<', '=' */
Datum
pref_pair_make_outcome(PG_FUNCTION_ARGS)
{
	int64		first = PG_GETARG_INT64(0);
	int64		second = PG_GETARG_INT64(1);
	text	   *o = PG_GETARG_TEXT_PP(2);
	double		weight = PG_GETARG_FLOAT8(3);
	int			outcome = PrefOutcomeFromText(o);

	if (outcome < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid value for argument outcome: \"%s\"", text_to_cstring(o)),
				 errhint("Use \">\" (first preferred), \"<\" (second preferred) or \"=\" (tie).")));
	PG_RETURN_PAIR_P(PrefMakePair(first, second, outcome, weight));
}

/* Accessors */

PG_FUNCTION_INFO_V1(pref_pair_chosen);
Datum
pref_pair_chosen(PG_FUNCTION_ARGS)
{
	PrefPair   *p = PG_GETARG_PAIR_P(0);

	if (p->outcome == PAIR_TIE)
		PG_RETURN_NULL();
	PG_RETURN_INT64(p->outcome == PAIR_FIRST ? p->first : p->second);
}

PG_FUNCTION_INFO_V1(pref_pair_rejected);
Datum
pref_pair_rejected(PG_FUNCTION_ARGS)
{
	PrefPair   *p = PG_GETARG_PAIR_P(0);

	if (p->outcome == PAIR_TIE)
		PG_RETURN_NULL();
	PG_RETURN_INT64(p->outcome == PAIR_FIRST ? p->second : p->first);
}

PG_FUNCTION_INFO_V1(pref_pair_first);
Datum
pref_pair_first(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT64(PG_GETARG_PAIR_P(0)->first);
}

PG_FUNCTION_INFO_V1(pref_pair_second);
Datum
pref_pair_second(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT64(PG_GETARG_PAIR_P(0)->second);
}

PG_FUNCTION_INFO_V1(pref_pair_is_tie);
Datum
pref_pair_is_tie(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(PG_GETARG_PAIR_P(0)->outcome == PAIR_TIE);
}

PG_FUNCTION_INFO_V1(pref_pair_weight);
Datum
pref_pair_weight(PG_FUNCTION_ARGS)
{
	PG_RETURN_FLOAT8(PG_GETARG_PAIR_P(0)->weight);
}

PG_FUNCTION_INFO_V1(pref_pair_outcome);
Datum
pref_pair_outcome(PG_FUNCTION_ARGS)
{
	char		c[2] = {OUTCOME_CHAR[PG_GETARG_PAIR_P(0)->outcome], '\0'};

	PG_RETURN_TEXT_P(cstring_to_text(c));
}

/* Invert an outcome: > becomes <, ties stay ties */
static int
InvertOutcome(int outcome)
{
	return outcome == PAIR_TIE ? PAIR_TIE : 1 - outcome;
}

PG_FUNCTION_INFO_V1(pref_pair_flip);

/* Reverse the preference, keep presentation order: 17>42 -> 17<42 */
Datum
pref_pair_flip(PG_FUNCTION_ARGS)
{
	PrefPair   *p = PG_GETARG_PAIR_P(0);

	PG_RETURN_PAIR_P(PrefMakePair(p->first, p->second, InvertOutcome(p->outcome), p->weight));
}

PG_FUNCTION_INFO_V1(pref_pair_swap);

/* Swap presentation order, keep the preference: 17>42 -> 42<17 */
Datum
pref_pair_swap(PG_FUNCTION_ARGS)
{
	PrefPair   *p = PG_GETARG_PAIR_P(0);

	PG_RETURN_PAIR_P(PrefMakePair(p->second, p->first, InvertOutcome(p->outcome), p->weight));
}

/* Canonical presentation: smaller item id first */
static void
Canonical(const PrefPair *p, int64 *lo, int64 *hi, int *outcome)
{
	if (p->first < p->second)
	{
		*lo = p->first;
		*hi = p->second;
		*outcome = p->outcome;
	}
	else
	{
		*lo = p->second;
		*hi = p->first;
		*outcome = InvertOutcome(p->outcome);
	}
}

PG_FUNCTION_INFO_V1(pref_pair_canonical);

/* The same preference presented with the smaller item id first */
Datum
pref_pair_canonical(PG_FUNCTION_ARGS)
{
	PrefPair   *p = PG_GETARG_PAIR_P(0);
	int64		lo,
				hi;
	int			outcome;

	Canonical(p, &lo, &hi, &outcome);
	PG_RETURN_PAIR_P(PrefMakePair(lo, hi, outcome, p->weight));
}

PG_FUNCTION_INFO_V1(pref_pair_same_preference);

/* True when both pairs state the same preference, ignoring order and weight */
Datum
pref_pair_same_preference(PG_FUNCTION_ARGS)
{
	int64		alo,
				ahi,
				blo,
				bhi;
	int			ao,
				bo;

	Canonical(PG_GETARG_PAIR_P(0), &alo, &ahi, &ao);
	Canonical(PG_GETARG_PAIR_P(1), &blo, &bhi, &bo);
	PG_RETURN_BOOL(alo == blo && ahi == bhi && ao == bo);
}

PG_FUNCTION_INFO_V1(pref_pair_with_weight);

/* Same comparison with another weight */
Datum
pref_pair_with_weight(PG_FUNCTION_ARGS)
{
	PrefPair   *p = PG_GETARG_PAIR_P(0);

	PG_RETURN_PAIR_P(PrefMakePair(p->first, p->second, p->outcome, PG_GETARG_FLOAT8(1)));
}

/* Total order: first, second, outcome, weight */
static int
PairCmp(const PrefPair *a, const PrefPair *b)
{
	if (a->first != b->first)
		return a->first < b->first ? -1 : 1;
	if (a->second != b->second)
		return a->second < b->second ? -1 : 1;
	if (a->outcome != b->outcome)
		return a->outcome < b->outcome ? -1 : 1;
	if (a->weight != b->weight)
		return a->weight < b->weight ? -1 : 1;
	return 0;
}

#define PAIR_CMP_FN(name, expr) \
PG_FUNCTION_INFO_V1(name); \
Datum \
name(PG_FUNCTION_ARGS) \
{ \
	int			c = PairCmp(PG_GETARG_PAIR_P(0), PG_GETARG_PAIR_P(1)); \
	PG_RETURN_BOOL(expr); \
}

PAIR_CMP_FN(pref_pair_eq, c == 0)
PAIR_CMP_FN(pref_pair_ne, c != 0)
PAIR_CMP_FN(pref_pair_lt, c < 0)
PAIR_CMP_FN(pref_pair_le, c <= 0)
PAIR_CMP_FN(pref_pair_gt, c > 0)
PAIR_CMP_FN(pref_pair_ge, c >= 0)

PG_FUNCTION_INFO_V1(pref_pair_cmp);
Datum
pref_pair_cmp(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32(PairCmp(PG_GETARG_PAIR_P(0), PG_GETARG_PAIR_P(1)));
}

/* Pack the fields equality looks at (weight > 0, so bitwise equal iff equal) */
static void
PairKey(const PrefPair *p, char *key)
{
	memcpy(key, &p->first, 8);
	memcpy(key + 8, &p->second, 8);
	memcpy(key + 16, &p->weight, 8);
	key[24] = (char) p->outcome;
}

PG_FUNCTION_INFO_V1(pref_pair_hash);
Datum
pref_pair_hash(PG_FUNCTION_ARGS)
{
	char		key[25];

	PairKey(PG_GETARG_PAIR_P(0), key);
	return hash_any((unsigned char *) key, sizeof(key));
}

PG_FUNCTION_INFO_V1(pref_pair_hash_extended);
Datum
pref_pair_hash_extended(PG_FUNCTION_ARGS)
{
	char		key[25];

	PairKey(PG_GETARG_PAIR_P(0), key);
	return hash_any_extended((unsigned char *) key, sizeof(key), PG_GETARG_INT64(1));
}
