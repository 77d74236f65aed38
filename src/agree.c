/*
 * agree.c - agreement aggregates: Cohen's kappa, Fleiss' kappa and
 * Krippendorff's alpha (nominal, interval).
 *
 * The state, type pref.agreement_state, keeps the observations (codes of
 * text labels, or values) and the label dictionary.  In memory it is an
 * expanded object owned by the aggregate context (src/state.h); combine
 * appends, and the final functions sort a copy and call the plain-C core.
 *
 * Flat form (little-endian), the same bytes as 0.1.0's serialized state:
 *   uint8 version (1), uint8 kind (1 pairs, 2 unit labels, 3 unit values),
 *   uint16 flags (reserved, zero), int32 nlabels, int64 n;
 *   nlabels times: int32 length, label bytes (valid in the database encoding);
 *   then the arrays of the kind, n elements each, in this order:
 *   int64 unit[] (kinds 2, 3), int32 a[] (kinds 1, 2), int32 b[] (kind 1),
 *   float8 value[] (kind 3).
 */
#include "postgres.h"

#include <math.h>

#include "fmgr.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

#include "common.h"
#include "curation_core.h"
#include "state.h"

#define AGREE_PAIRS		1		/* (label a, label b): Cohen */
#define AGREE_UNITS		2		/* (unit, label): Fleiss, Krippendorff nominal */
#define AGREE_VALUES	3		/* (unit, value): Krippendorff interval */

#define AGREE_VERSION		1
#define AGREE_MAX_LABELS	1000
#define AGREE_MAX_LABEL_LEN	1000

#define AGREE_TYPE "pref.agreement_state"

typedef struct AgreeState
{
	int			kind;
	int			nlabels;
	int			labcap;
	char	  **labels;			/* grows by doubling, at most AGREE_MAX_LABELS */
	int32	   *lablen;			/* byte length of each label */
	int64		n;
	int64		cap;
	int64	   *unit;			/* AGREE_UNITS, AGREE_VALUES */
	int32	   *a;				/* AGREE_PAIRS, AGREE_UNITS */
	int32	   *b;				/* AGREE_PAIRS */
	double	   *value;			/* AGREE_VALUES */
} AgreeState;

/* Header of the flat form */
typedef struct AgreeWire
{
	uint8		version;
	uint8		kind;
	uint16		flags;
	int32		nlabels;
	int64		n;
} AgreeWire;

static struct varlena *AgreeFlatten(void *state);
static void *AgreeExpand(const struct varlena *flat, MemoryContext ctx);

static const PrefStateMethods AgreeMethods = {
	AGREE_TYPE,
	AgreeFlatten,
	AgreeExpand
};

/* What a state kind holds, for error messages */
static const char *
KindName(int kind)
{
	switch (kind)
	{
		case AGREE_PAIRS:
			return "label pairs (pref.cohen_kappa)";
		case AGREE_UNITS:
			return "unit labels (pref.fleiss_kappa, pref.krippendorff_alpha)";
		default:
			return "unit values (pref.krippendorff_alpha_interval)";
	}
}

/* Error unless a state holds observations of the expected kind */
static void
CheckKind(const AgreeState *st, int kind)
{
	if (st->kind != kind)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("%s of the wrong kind", AGREE_TYPE),
				 errdetail("The state holds %s; this function takes %s.",
						   KindName(st->kind), KindName(kind))));
}

/* Bytes per observation in the flat form and in memory */
static Size
RowBytes(int kind)
{
	switch (kind)
	{
		case AGREE_PAIRS:
			return 2 * sizeof(int32);
		case AGREE_UNITS:
			return sizeof(int64) + sizeof(int32);
		default:
			return sizeof(int64) + sizeof(double);
	}
}

/* New empty state in ctx */
static AgreeState *
NewState(MemoryContext ctx, int kind)
{
	AgreeState *st = MemoryContextAllocZero(ctx, sizeof(AgreeState));

	st->kind = kind;
	return st;
}

/* Ensure room for need observations (arrays live in the state's context) */
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
	PrefCheckMemory((double) newcap * RowBytes(st->kind), "agreement aggregate");
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

/* Index of a label in the dictionary, or -1 */
static int32
FindLabel(const AgreeState *st, const char *s, int len)
{
	for (int i = 0; i < st->nlabels; i++)
		if (st->lablen[i] == len && memcmp(st->labels[i], s, len) == 0)
			return i;
	return -1;
}

/* Append a label known to be new to the dictionary; returns its code */
static int32
AddLabel(AgreeState *st, const char *s, int len)
{
	MemoryContext ctx = GetMemoryChunkContext(st);

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
		{
			st->labels = MemoryContextAlloc(ctx, sizeof(char *) * st->labcap);
			st->lablen = MemoryContextAlloc(ctx, sizeof(int32) * st->labcap);
		}
		else
		{
			st->labels = repalloc(st->labels, sizeof(char *) * st->labcap);
			st->lablen = repalloc(st->lablen, sizeof(int32) * st->labcap);
		}
	}
	st->labels[st->nlabels] = MemoryContextAlloc(ctx, len + 1);
	memcpy(st->labels[st->nlabels], s, len);
	st->labels[st->nlabels][len] = '\0';
	st->lablen[st->nlabels] = len;
	return st->nlabels++;
}

/* Code of a label, adding it to the dictionary when new */
static int32
LabelCode(AgreeState *st, const char *s, int len)
{
	int32		code = FindLabel(st, s, len);

	return code >= 0 ? code : AddLabel(st, s, len);
}

/* Code of a text argument */
static int32
TextCode(AgreeState *st, text *t)
{
	return LabelCode(st, VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
}

/* ---- flat form ----------------------------------------------------------- */

/* Write a state as its flat varlena (see the file header) */
static struct varlena *
AgreeFlatten(void *state)
{
	AgreeState *st = (AgreeState *) state;
	AgreeWire	w = {0};
	Size		size = VARHDRSZ + sizeof(AgreeWire);
	struct varlena *flat;
	char	   *p;

	for (int i = 0; i < st->nlabels; i++)
		size += sizeof(int32) + st->lablen[i];
	if ((double) st->n * RowBytes(st->kind) > (double) (MaxAllocSize - size))
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("%s of " INT64_FORMAT " observations exceeds 1 GB", AGREE_TYPE, st->n),
				 errhint("Aggregate smaller groups, for example per day.")));
	size += (Size) st->n * RowBytes(st->kind);
	flat = palloc(size);
	SET_VARSIZE(flat, size);
	w.version = AGREE_VERSION;
	w.kind = (uint8) st->kind;
	w.nlabels = st->nlabels;
	w.n = st->n;
	p = VARDATA(flat);
	memcpy(p, &w, sizeof(w));
	p += sizeof(w);
	for (int i = 0; i < st->nlabels; i++)
	{
		memcpy(p, &st->lablen[i], sizeof(int32));
		p += sizeof(int32);
		memcpy(p, st->labels[i], st->lablen[i]);
		p += st->lablen[i];
	}
#define PUTARR(field, type) \
	do { \
		if (st->n > 0) \
			memcpy(p, st->field, sizeof(type) * st->n); \
		p += sizeof(type) * st->n; \
	} while (0)
	if (st->kind != AGREE_PAIRS)
		PUTARR(unit, int64);
	if (st->kind != AGREE_VALUES)
		PUTARR(a, int32);
	if (st->kind == AGREE_PAIRS)
		PUTARR(b, int32);
	if (st->kind == AGREE_VALUES)
		PUTARR(value, double);
#undef PUTARR
	Assert(p == (char *) flat + size);
	return flat;
}

/* Validate a flat state completely and build it in ctx */
static void *
AgreeExpand(const struct varlena *flat, MemoryContext ctx)
{
	PrefWire	w;
	AgreeWire	h;
	AgreeState *st;
	int			enc = GetDatabaseEncoding();
	char	   *tmp;

	PrefWireInit(&w, flat, AGREE_TYPE);
	PrefWireRead(&w, &h, sizeof(h));
	PrefWireCheck(&w, h.version == AGREE_VERSION,
				  psprintf("Version %d is not supported (expected %d).", h.version, AGREE_VERSION));
	PrefWireCheck(&w, h.kind >= AGREE_PAIRS && h.kind <= AGREE_VALUES,
				  psprintf("Unknown kind %d.", h.kind));
	PrefWireCheck(&w, h.flags == 0, "The reserved flags are not zero.");
	PrefWireCheck(&w, h.nlabels >= 0 && h.nlabels <= AGREE_MAX_LABELS,
				  psprintf("The label count %d is out of range (0 to %d).", h.nlabels, AGREE_MAX_LABELS));
	PrefWireCheck(&w, h.kind != AGREE_VALUES || h.nlabels == 0,
				  "A state of unit values has no labels.");
	PrefWireCheck(&w, h.n >= 0, "The observation count is negative.");

	st = NewState(ctx, h.kind);
	tmp = palloc(AGREE_MAX_LABEL_LEN);
	for (int i = 0; i < h.nlabels; i++)
	{
		int32		len;

		PrefWireRead(&w, &len, sizeof(len));
		PrefWireCheck(&w, len >= 0 && len <= AGREE_MAX_LABEL_LEN,
					  psprintf("Label %d has length %d, out of range (0 to %d).", i + 1, len, AGREE_MAX_LABEL_LEN));
		PrefWireRead(&w, tmp, len);
		PrefWireCheck(&w, pg_verify_mbstr(enc, tmp, len, true),
					  psprintf("Label %d is not valid in encoding %s.", i + 1, GetDatabaseEncodingName()));
		PrefWireCheck(&w, FindLabel(st, tmp, len) < 0,
					  psprintf("Label %d repeats an earlier label.", i + 1));
		(void) AddLabel(st, tmp, len);
	}
	pfree(tmp);

	/* exact size before allocating anything per observation */
	PrefWireCheck(&w, (double) h.n * RowBytes(h.kind) == (double) PrefWireLeft(&w),
				  psprintf("The payload size does not match the observation count (" INT64_FORMAT ").", h.n));
	if (h.n > 0)
	{
		Grow(st, h.n);
		if (st->kind != AGREE_PAIRS)
			PrefWireReadArray(&w, st->unit, h.n, sizeof(int64));
		if (st->kind != AGREE_VALUES)
			PrefWireReadArray(&w, st->a, h.n, sizeof(int32));
		if (st->kind == AGREE_PAIRS)
			PrefWireReadArray(&w, st->b, h.n, sizeof(int32));
		if (st->kind == AGREE_VALUES)
			PrefWireReadArray(&w, st->value, h.n, sizeof(double));
	}
	PrefWireEnd(&w);
	st->n = h.n;
	for (int64 i = 0; i < h.n; i++)
	{
		if ((st->a && (st->a[i] < 0 || st->a[i] >= h.nlabels)) ||
			(st->b && (st->b[i] < 0 || st->b[i] >= h.nlabels)))
			PrefStateCorrupt(AGREE_TYPE,
							 psprintf("Observation " INT64_FORMAT " has a label index out of range (0 to %d).",
									  i + 1, h.nlabels - 1));
		if (st->value && !isfinite(st->value[i]))
			PrefStateCorrupt(AGREE_TYPE,
							 psprintf("Observation " INT64_FORMAT " has a value that is not finite.", i + 1));
	}
	return st;
}

/* ---- type I/O ------------------------------------------------------------ */

/* Text ("v1:" + base64) and binary I/O, validated on input */
PGPREF_STATE_TYPE_IO(agreement_state, &AgreeMethods)

/* ---- transition and combine --------------------------------------------- */

/*
 * The state of a transition call with room for one more observation, or
 * NULL when the row has a NULL in either argument; *ps receives the state
 * object (NULL when there is none yet and the row is skipped)
 */
static AgreeState *
RowState(FunctionCallInfo fcinfo, int kind, PrefState **ps)
{
	MemoryContext ctx = PrefStateContext(fcinfo);
	AgreeState *st;

	*ps = PrefStateArg(fcinfo, 0, &AgreeMethods, ctx);
	if (*ps != NULL)
		CheckKind((*ps)->state, kind);
	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
		return NULL;
	if (*ps == NULL)
	{
		*ps = PrefStateCreate(&AgreeMethods, ctx);
		(*ps)->state = NewState(PrefStateMemory(*ps), kind);
	}
	st = (*ps)->state;
	Grow(st, st->n + 1);
	return st;
}

/* Return the state object, or NULL when there is none */
#define RETURN_STATE(ps) \
	do { \
		if ((ps) == NULL) \
			PG_RETURN_NULL(); \
		PG_RETURN_DATUM(PrefStateDatum(ps)); \
	} while (0)

PG_FUNCTION_INFO_V1(pref_agreement_pair_accum);

/* Transition for (label a, label b); NULL rows skipped */
Datum
pref_agreement_pair_accum(PG_FUNCTION_ARGS)
{
	PrefState  *ps;
	AgreeState *st = RowState(fcinfo, AGREE_PAIRS, &ps);

	if (st != NULL)
	{
		st->a[st->n] = TextCode(st, PG_GETARG_TEXT_PP(1));
		st->b[st->n] = TextCode(st, PG_GETARG_TEXT_PP(2));
		st->n++;
	}
	RETURN_STATE(ps);
}

PG_FUNCTION_INFO_V1(pref_agreement_unit_accum);

/* Transition for (unit, label); NULL rows skipped */
Datum
pref_agreement_unit_accum(PG_FUNCTION_ARGS)
{
	PrefState  *ps;
	AgreeState *st = RowState(fcinfo, AGREE_UNITS, &ps);

	if (st != NULL)
	{
		st->a[st->n] = TextCode(st, PG_GETARG_TEXT_PP(2));
		st->unit[st->n] = PG_GETARG_INT64(1);
		st->n++;
	}
	RETURN_STATE(ps);
}

PG_FUNCTION_INFO_V1(pref_agreement_value_accum);

/* Transition for (unit, value); NULL rows skipped, NaN/inf rejected */
Datum
pref_agreement_value_accum(PG_FUNCTION_ARGS)
{
	PrefState  *ps;
	AgreeState *st = RowState(fcinfo, AGREE_VALUES, &ps);

	if (st != NULL)
	{
		double		v = PG_GETARG_FLOAT8(2);

		PrefCheckFinite(v, "value");
		st->unit[st->n] = PG_GETARG_INT64(1);
		st->value[st->n] = v;
		st->n++;
	}
	RETURN_STATE(ps);
}

/* An empty state of the same kind as like (for combine) */
static void *
AgreeEmptyLike(MemoryContext ctx, const void *like)
{
	return NewState(ctx, ((const AgreeState *) like)->kind);
}

/* Append src's observations to dst, translating label codes */
static void
AppendState(void *into, void *from, MemoryContext ctx pg_attribute_unused())
{
	AgreeState *dst = into;
	const AgreeState *src = from;
	int32		map[AGREE_MAX_LABELS];

	CheckKind(src, dst->kind);
	for (int i = 0; i < src->nlabels; i++)
		map[i] = LabelCode(dst, src->labels[i], src->lablen[i]);
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

PG_FUNCTION_INFO_V1(pref_agreement_combine);

/* Combine two partial states (either may be NULL; both of one kind) */
Datum
pref_agreement_combine(PG_FUNCTION_ARGS)
{
	return PrefStateCombine(fcinfo, &AgreeMethods, PrefStateContext(fcinfo),
							AgreeEmptyLike, AppendState);
}

/* ---- final functions ------------------------------------------------------ */

/* State argument of a final function, or NULL when it is NULL or empty */
static AgreeState *
FinalState(FunctionCallInfo fcinfo, int kind)
{
	AgreeState *st;

	if (PG_ARGISNULL(0))
		return NULL;
	st = PrefStateRead(PG_GETARG_DATUM(0), &AgreeMethods);
	CheckKind(st, kind);
	return st->n == 0 ? NULL : st;
}

PG_FUNCTION_INFO_V1(pref_agreement_cohen_kappa_final);

/* Cohen's kappa; NULL without rows or when chance agreement is 1 */
Datum
pref_agreement_cohen_kappa_final(PG_FUNCTION_ARGS)
{
	AgreeState *st = FinalState(fcinfo, AGREE_PAIRS);
	double	   *table;
	double		kappa;
	int			k;

	if (st == NULL)
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

PG_FUNCTION_INFO_V1(pref_agreement_fleiss_kappa_final);

/* Fleiss' kappa over (unit, label); NULL when undefined */
Datum
pref_agreement_fleiss_kappa_final(PG_FUNCTION_ARGS)
{
	AgreeState *st = FinalState(fcinfo, AGREE_UNITS);
	double		kappa;
	int64		nunits;

	if (st == NULL)
		PG_RETURN_NULL();
	if (agree_fleiss(st->n, Observations(st), st->nlabels,
					 palloc(sizeof(double) * 2 * Max(st->nlabels, 1)), &kappa, &nunits) != CURATION_OK)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(kappa);
}

PG_FUNCTION_INFO_V1(pref_agreement_krippendorff_alpha_final);

/* Krippendorff's alpha for nominal labels */
Datum
pref_agreement_krippendorff_alpha_final(PG_FUNCTION_ARGS)
{
	AgreeState *st = FinalState(fcinfo, AGREE_UNITS);
	double		alpha;
	int64		npairable;

	if (st == NULL)
		PG_RETURN_NULL();
	if (agree_krippendorff(st->n, Observations(st), false, st->nlabels,
						   palloc(sizeof(double) * 2 * Max(st->nlabels, 1)), &alpha, &npairable) != CURATION_OK)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(alpha);
}

PG_FUNCTION_INFO_V1(pref_agreement_krippendorff_alpha_interval_final);

/* Krippendorff's alpha for interval values */
Datum
pref_agreement_krippendorff_alpha_interval_final(PG_FUNCTION_ARGS)
{
	AgreeState *st = FinalState(fcinfo, AGREE_VALUES);
	double		alpha;
	int64		npairable;

	if (st == NULL)
		PG_RETURN_NULL();
	if (agree_krippendorff(st->n, Observations(st), true, 0, NULL, &alpha, &npairable) != CURATION_OK)
		PG_RETURN_NULL();
	if (!isfinite(alpha))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("krippendorff_alpha_interval overflowed"),
				 errdetail("The squared differences of the values exceed the range of double precision."),
				 errhint("Rescale the values, for example to standard units.")));
	PG_RETURN_FLOAT8(alpha);
}
