/*
 * agree.c - agreement aggregates: Cohen's kappa, Fleiss' kappa and
 * Krippendorff's alpha (nominal, interval).
 *
 * The state keeps the observations (codes of text labels, or values) in the
 * aggregate context; combine concatenates, serialize writes them to bytea,
 * and the final function sorts and calls the plain-C core.
 */
#include "postgres.h"

#include <math.h>

#include "fmgr.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

#include "common.h"
#include "curation_core.h"

#define AGREE_PAIRS		1		/* (label a, label b): Cohen */
#define AGREE_UNITS		2		/* (unit, label): Fleiss, Krippendorff nominal */
#define AGREE_VALUES	3		/* (unit, value): Krippendorff interval */

#define AGREE_VERSION		1
#define AGREE_MAX_LABELS	1000
#define AGREE_MAX_LABEL_LEN	1000

typedef struct AgreeState
{
	int			kind;
	int			nlabels;
	int			labcap;
	char	  **labels;			/* grows by doubling, at most AGREE_MAX_LABELS */
	int64		n;
	int64		cap;
	int64	   *unit;			/* AGREE_UNITS, AGREE_VALUES */
	int32	   *a;				/* AGREE_PAIRS, AGREE_UNITS */
	int32	   *b;				/* AGREE_PAIRS */
	double	   *value;			/* AGREE_VALUES */
} AgreeState;

/* Header of the serialized state */
typedef struct AgreeWire
{
	uint8		version;
	uint8		kind;
	uint16		flags;
	int32		nlabels;
	int64		n;
} AgreeWire;

/* New empty state in ctx */
static AgreeState *
NewState(MemoryContext ctx, int kind)
{
	AgreeState *st = MemoryContextAllocZero(ctx, sizeof(AgreeState));

	st->kind = kind;
	return st;
}

/* Ensure room for one more observation (arrays live in the state's context) */
static void
Grow(AgreeState *st, int64 need)
{
	int64		newcap;
	MemoryContext ctx = GetMemoryChunkContext(st);

	if (need <= st->cap)
		return;
	newcap = Max(st->cap * 2, 256);
	while (newcap < need)
		newcap *= 2;
	/* at most 16 bytes a row in any kind of state */
	PrefCheckMemory((double) newcap * 16, "agreement aggregate");
#define GROWARR(field, type) \
	do { \
		if (st->field == NULL) \
			st->field = MemoryContextAllocHuge(ctx, sizeof(type) * newcap); \
		else \
			st->field = repalloc_huge(st->field, sizeof(type) * newcap); \
	} while (0)
	if (st->kind != AGREE_PAIRS)
		GROWARR(unit, int64);
	if (st->kind != AGREE_VALUES)
		GROWARR(a, int32);
	if (st->kind == AGREE_PAIRS)
		GROWARR(b, int32);
	if (st->kind == AGREE_VALUES)
		GROWARR(value, double);
#undef GROWARR
	st->cap = newcap;
}

/* Code of a label, adding it to the dictionary when new */
static int32
LabelCode(AgreeState *st, const char *s, int len)
{
	MemoryContext ctx = GetMemoryChunkContext(st);

	for (int i = 0; i < st->nlabels; i++)
		if ((int) strlen(st->labels[i]) == len && memcmp(st->labels[i], s, len) == 0)
			return i;
	if (st->nlabels >= AGREE_MAX_LABELS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("agreement aggregates accept at most %d distinct labels", AGREE_MAX_LABELS),
				 errhint("Labels are categories; map free text to categories first.")));
	if (len > AGREE_MAX_LABEL_LEN)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("agreement labels must be at most %d bytes", AGREE_MAX_LABEL_LEN)));
	if (st->nlabels == st->labcap)
	{
		st->labcap = st->labcap == 0 ? 8 : st->labcap * 2;
		if (st->labels == NULL)
			st->labels = MemoryContextAlloc(ctx, sizeof(char *) * st->labcap);
		else
			st->labels = repalloc(st->labels, sizeof(char *) * st->labcap);
	}
	st->labels[st->nlabels] = MemoryContextAlloc(ctx, len + 1);
	memcpy(st->labels[st->nlabels], s, len);
	st->labels[st->nlabels][len] = '\0';
	return st->nlabels++;
}

/* Code of a text argument */
static int32
TextCode(AgreeState *st, text *t)
{
	return LabelCode(st, VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
}

/*
 * State with room for one more observation, or NULL when the row has a NULL
 * in either argument (the row is skipped; the caller passes its state on)
 */
static AgreeState *
RowState(FunctionCallInfo fcinfo, int kind, const char *fname)
{
	MemoryContext ctx = PrefAggContext(fcinfo, fname);
	AgreeState *st = PG_ARGISNULL(0) ? NULL : (AgreeState *) PG_GETARG_POINTER(0);

	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
		return NULL;
	if (st == NULL)
		st = NewState(ctx, kind);
	Grow(st, st->n + 1);
	return st;
}

/* Pass the incoming state (or NULL) on for a skipped row */
#define SKIP_ROW() \
	do { \
		if (PG_ARGISNULL(0)) \
			PG_RETURN_NULL(); \
		PG_RETURN_DATUM(PG_GETARG_DATUM(0)); \
	} while (0)

PG_FUNCTION_INFO_V1(pref_agree_pair_accum);

/* Transition for (label a, label b); NULL rows skipped */
Datum
pref_agree_pair_accum(PG_FUNCTION_ARGS)
{
	AgreeState *st = RowState(fcinfo, AGREE_PAIRS, "pref_agree_pair_accum");

	if (st == NULL)
		SKIP_ROW();
	st->a[st->n] = TextCode(st, PG_GETARG_TEXT_PP(1));
	st->b[st->n] = TextCode(st, PG_GETARG_TEXT_PP(2));
	st->n++;
	PG_RETURN_POINTER(st);
}

PG_FUNCTION_INFO_V1(pref_agree_unit_accum);

/* Transition for (unit, label); NULL rows skipped */
Datum
pref_agree_unit_accum(PG_FUNCTION_ARGS)
{
	AgreeState *st = RowState(fcinfo, AGREE_UNITS, "pref_agree_unit_accum");

	if (st == NULL)
		SKIP_ROW();
	st->unit[st->n] = PG_GETARG_INT64(1);
	st->a[st->n] = TextCode(st, PG_GETARG_TEXT_PP(2));
	st->n++;
	PG_RETURN_POINTER(st);
}

PG_FUNCTION_INFO_V1(pref_agree_value_accum);

/* Transition for (unit, value); NULL rows skipped, NaN/inf rejected */
Datum
pref_agree_value_accum(PG_FUNCTION_ARGS)
{
	AgreeState *st = RowState(fcinfo, AGREE_VALUES, "pref_agree_value_accum");
	double		v;

	if (st == NULL)
		SKIP_ROW();
	v = PG_GETARG_FLOAT8(2);
	PrefCheckFinite(v, "value");
	st->unit[st->n] = PG_GETARG_INT64(1);
	st->value[st->n] = v;
	st->n++;
	PG_RETURN_POINTER(st);
}

/* Append src's observations to dst, translating label codes */
static void
AppendState(AgreeState *dst, const AgreeState *src)
{
	int32		map[AGREE_MAX_LABELS];

	if (dst->kind != src->kind)
		elog(ERROR, "agreement states of different kinds %d and %d", dst->kind, src->kind);
	for (int i = 0; i < src->nlabels; i++)
		map[i] = LabelCode(dst, src->labels[i], strlen(src->labels[i]));
	Grow(dst, dst->n + src->n);
	for (int64 i = 0; i < src->n; i++)
	{
		int64		j = dst->n + i;

		if (dst->unit)
			dst->unit[j] = src->unit[i];
		if (dst->a)
			dst->a[j] = map[src->a[i]];
		if (dst->b)
			dst->b[j] = map[src->b[i]];
		if (dst->value)
			dst->value[j] = src->value[i];
	}
	dst->n += src->n;
}

PG_FUNCTION_INFO_V1(pref_agree_combine);

/* Combine two partial states (either may be NULL) */
Datum
pref_agree_combine(PG_FUNCTION_ARGS)
{
	MemoryContext ctx = PrefAggContext(fcinfo, "pref_agree_combine");
	AgreeState *s1 = PG_ARGISNULL(0) ? NULL : (AgreeState *) PG_GETARG_POINTER(0);
	AgreeState *s2 = PG_ARGISNULL(1) ? NULL : (AgreeState *) PG_GETARG_POINTER(1);

	if (s2 == NULL)
	{
		if (s1 == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(s1);
	}
	if (s1 == NULL)
		s1 = NewState(ctx, s2->kind);
	AppendState(s1, s2);
	PG_RETURN_POINTER(s1);
}

PG_FUNCTION_INFO_V1(pref_agree_serialize);

/* State to bytea: header, labels, then the arrays of its kind */
Datum
pref_agree_serialize(PG_FUNCTION_ARGS)
{
	AgreeState *st = (AgreeState *) PG_GETARG_POINTER(0);
	StringInfoData buf;
	AgreeWire	w = {0};
	bytea	   *out;

	PrefAggContext(fcinfo, "pref_agree_serialize");
	w.version = AGREE_VERSION;
	w.kind = (uint8) st->kind;
	w.nlabels = st->nlabels;
	w.n = st->n;
	initStringInfo(&buf);
	appendBinaryStringInfo(&buf, (char *) &w, sizeof(w));
	for (int i = 0; i < st->nlabels; i++)
	{
		int32		len = strlen(st->labels[i]);

		appendBinaryStringInfo(&buf, (char *) &len, sizeof(len));
		appendBinaryStringInfo(&buf, st->labels[i], len);
	}
	if (st->unit)
		appendBinaryStringInfo(&buf, (char *) st->unit, sizeof(int64) * st->n);
	if (st->a)
		appendBinaryStringInfo(&buf, (char *) st->a, sizeof(int32) * st->n);
	if (st->b)
		appendBinaryStringInfo(&buf, (char *) st->b, sizeof(int32) * st->n);
	if (st->value)
		appendBinaryStringInfo(&buf, (char *) st->value, sizeof(double) * st->n);
	out = palloc(VARHDRSZ + buf.len);
	SET_VARSIZE(out, VARHDRSZ + buf.len);
	memcpy(VARDATA(out), buf.data, buf.len);
	PG_RETURN_BYTEA_P(out);
}

/* Report a malformed serialized state */
static void
BadWire(const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
			 errmsg("invalid serialized agreement state"),
			 errdetail("%s", detail)));
}

/* Copy len bytes from the wire, checking bounds */
static void
Take(const char **p, const char *end, void *dst, Size len)
{
	if (len > (Size) (end - *p))
		BadWire("The state is truncated.");
	memcpy(dst, *p, len);
	*p += len;
}

PG_FUNCTION_INFO_V1(pref_agree_deserialize);

/* bytea to state, re-checking version, kind, sizes and codes */
Datum
pref_agree_deserialize(PG_FUNCTION_ARGS)
{
	MemoryContext ctx = PrefAggContext(fcinfo, "pref_agree_deserialize");
	bytea	   *in = PG_GETARG_BYTEA_PP(0);
	const char *p = VARDATA_ANY(in);
	const char *end = p + VARSIZE_ANY_EXHDR(in);
	AgreeWire	w;
	AgreeState *st;
	Size		per;

	Take(&p, end, &w, sizeof(w));
	if (w.version != AGREE_VERSION)
		BadWire(psprintf("Version %d is not supported.", w.version));
	if (w.kind < AGREE_PAIRS || w.kind > AGREE_VALUES)
		BadWire(psprintf("Unknown kind %d.", w.kind));
	if (w.nlabels < 0 || w.nlabels > AGREE_MAX_LABELS || w.n < 0)
		BadWire("Label or row count out of range.");
	st = NewState(ctx, w.kind);
	for (int i = 0; i < w.nlabels; i++)
	{
		int32		len;
		char		tmp[AGREE_MAX_LABEL_LEN];

		Take(&p, end, &len, sizeof(len));
		if (len < 0 || len > AGREE_MAX_LABEL_LEN)
			BadWire("Label length out of range.");
		Take(&p, end, tmp, len);
		if (LabelCode(st, tmp, len) != i)
			BadWire("Repeated label.");
	}
	per = (w.kind != AGREE_PAIRS ? sizeof(int64) : 0) + (w.kind != AGREE_VALUES ? sizeof(int32) : 0) +
		(w.kind == AGREE_PAIRS ? sizeof(int32) : 0) + (w.kind == AGREE_VALUES ? sizeof(double) : 0);
	if ((double) w.n * per != (double) (end - p))
		BadWire("The state size does not match its row count.");
	Grow(st, w.n);
	if (st->unit)
		Take(&p, end, st->unit, sizeof(int64) * w.n);
	if (st->a)
		Take(&p, end, st->a, sizeof(int32) * w.n);
	if (st->b)
		Take(&p, end, st->b, sizeof(int32) * w.n);
	if (st->value)
		Take(&p, end, st->value, sizeof(double) * w.n);
	st->n = w.n;
	for (int64 i = 0; i < w.n; i++)
		if ((st->a && (st->a[i] < 0 || st->a[i] >= w.nlabels)) ||
			(st->b && (st->b[i] < 0 || st->b[i] >= w.nlabels)) ||
			(st->value && !isfinite(st->value[i])))
			BadWire("A label code or value is out of range.");
	PG_RETURN_POINTER(st);
}

/* State argument of a final function, or NULL */
static AgreeState *
FinalState(FunctionCallInfo fcinfo, int kind)
{
	AgreeState *st;

	PrefAggContext(fcinfo, "agreement final function");
	if (PG_ARGISNULL(0))
		return NULL;
	st = (AgreeState *) PG_GETARG_POINTER(0);
	if (st->kind != kind)
		elog(ERROR, "agreement state of kind %d where %d was expected", st->kind, kind);
	return st;
}

PG_FUNCTION_INFO_V1(pref_cohen_kappa_final);

/* Cohen's kappa; NULL without rows or when chance agreement is 1 */
Datum
pref_cohen_kappa_final(PG_FUNCTION_ARGS)
{
	AgreeState *st = FinalState(fcinfo, AGREE_PAIRS);
	double	   *table;
	double		kappa;
	int			k;

	if (st == NULL || st->n == 0)
		PG_RETURN_NULL();
	k = st->nlabels;
	table = palloc0(sizeof(double) * k * k);
	for (int64 i = 0; i < st->n; i++)
		table[st->a[i] * k + st->b[i]] += 1;
	if (agree_cohen(k, table, &kappa) != CURATION_OK)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(kappa);
}

/* Observations of a state for the core (palloc'd copy; the core sorts it) */
static AgreeObs *
Observations(const AgreeState *st)
{
	AgreeObs   *obs;

	PrefCheckMemory((double) st->n * sizeof(AgreeObs), "agreement aggregate");
	obs = palloc_extended(sizeof(AgreeObs) * Max(st->n, 1), MCXT_ALLOC_HUGE);
	for (int64 i = 0; i < st->n; i++)
	{
		obs[i].unit = st->unit[i];
		obs[i].code = st->a ? st->a[i] : -1;
		obs[i].value = st->value ? st->value[i] : 0;
	}
	return obs;
}

PG_FUNCTION_INFO_V1(pref_fleiss_kappa_final);

/* Fleiss' kappa over (unit, label); NULL when undefined */
Datum
pref_fleiss_kappa_final(PG_FUNCTION_ARGS)
{
	AgreeState *st = FinalState(fcinfo, AGREE_UNITS);
	double		kappa;
	int64		nunits;

	if (st == NULL || st->n == 0)
		PG_RETURN_NULL();
	if (agree_fleiss(st->n, Observations(st), st->nlabels,
					 palloc(sizeof(double) * 2 * st->nlabels), &kappa, &nunits) != CURATION_OK)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(kappa);
}

PG_FUNCTION_INFO_V1(pref_kalpha_nominal_final);

/* Krippendorff's alpha for nominal labels */
Datum
pref_kalpha_nominal_final(PG_FUNCTION_ARGS)
{
	AgreeState *st = FinalState(fcinfo, AGREE_UNITS);
	double		alpha;
	int64		npairable;

	if (st == NULL || st->n == 0)
		PG_RETURN_NULL();
	if (agree_krippendorff(st->n, Observations(st), false, st->nlabels,
						   palloc(sizeof(double) * 2 * st->nlabels), &alpha, &npairable) != CURATION_OK)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(alpha);
}

PG_FUNCTION_INFO_V1(pref_kalpha_interval_final);

/* Krippendorff's alpha for interval values */
Datum
pref_kalpha_interval_final(PG_FUNCTION_ARGS)
{
	AgreeState *st = FinalState(fcinfo, AGREE_VALUES);
	double		alpha;
	int64		npairable;

	if (st == NULL || st->n == 0)
		PG_RETURN_NULL();
	if (agree_krippendorff(st->n, Observations(st), true, 0, NULL, &alpha, &npairable) != CURATION_OK)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(alpha);
}
