/*
 * reward_report.c - the reward-model report: aggregate pref.reward_report
 * over (category, chosen score, rejected score [, weight]) into the state
 * type pref.reward_report, and its readers pref.report_categories
 * (accuracy with Wilson intervals, margin quantiles per category),
 * pref.report_summary (pooled accuracy and a weighted score over categories)
 * and pref.report_compare (two-proportion z-tests across categories with
 * Holm and Benjamini-Hochberg adjusted p).
 *
 * A pair is correct when chosen > rejected; a tie counts half.  Accuracy is
 * sum(weight * correct) / sum(weight); intervals and tests use the effective
 * size (sum w)^2 / sum w^2 (Kish), the row count when weights are 1.
 * Margin quantiles are exact: the state keeps every margin (8 bytes a row,
 * bounded by pgpref.max_memory) and the readers sort a copy.
 *
 * Flat form (little-endian): uint8 version (1), uint8 flags (0), uint16
 * reserved (0), int32 ncat; per category: int32 name length, name bytes
 * (valid in the database encoding, distinct), int64 n, int64 wins, int64
 * ties, float8 sw, float8 sw2, float8 swc, float8 margins[n].
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "funcapi.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"

#include "bt_model.h"
#include "common.h"
#include "groups_core.h"
#include "state.h"

#define RR_VERSION		1
#define RR_TYPE			"pref.reward_report"
#define RR_MAX_CATS		10000
#define RR_MAX_NAME		1000

typedef struct RrCat
{
	char	   *name;
	int32		len;
	int64		n;				/* rows */
	int64		wins;			/* chosen > rejected */
	int64		ties;			/* chosen = rejected */
	double		sw;				/* sum of weights */
	double		sw2;			/* sum of squared weights */
	double		swc;			/* sum of weight * correct (ties half) */
	int64		cap;
	double	   *margin;			/* chosen - rejected, n of them */
} RrCat;

typedef struct RrState
{
	int			ncat;
	int			cap;
	int			last;			/* category of the previous row */
	RrCat	   *cats;
	double		bytes;			/* margin bytes held, for pgpref.max_memory */
} RrState;

typedef struct RrWire
{
	uint8		version;
	uint8		flags;
	uint16		reserved;
	int32		ncat;
} RrWire;

typedef struct RrCatWire
{
	int64		n;
	int64		wins;
	int64		ties;
	double		sw;
	double		sw2;
	double		swc;
} RrCatWire;

static struct varlena *RrFlatten(void *state);
static void *RrExpand(const struct varlena *flat, MemoryContext ctx);

static const PrefStateMethods RrMethods = {
	RR_TYPE,
	RrFlatten,
	RrExpand
};

static const char *const AGAINST_NAMES[] = {"rest", "pairwise", NULL};

/* New empty state in ctx */
static RrState *
NewState(MemoryContext ctx)
{
	RrState    *st = MemoryContextAllocZero(ctx, sizeof(RrState));

	st->last = -1;
	return st;
}

/* Index of a category, or -1 */
static int
FindCat(RrState *st, const char *s, int len)
{
	if (st->last >= 0 && st->cats[st->last].len == len &&
		memcmp(st->cats[st->last].name, s, len) == 0)
		return st->last;
	for (int i = 0; i < st->ncat; i++)
		if (st->cats[i].len == len && memcmp(st->cats[i].name, s, len) == 0)
			return st->last = i;
	return -1;
}

/* Index of a category, added when new */
static int
CatIndex(RrState *st, const char *s, int len)
{
	MemoryContext ctx = GetMemoryChunkContext(st);
	int			i = FindCat(st, s, len);
	RrCat	   *c;

	if (i >= 0)
		return i;
	if (st->ncat >= RR_MAX_CATS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("pref.reward_report accepts at most %d categories", RR_MAX_CATS),
				 errhint("Categories are groups such as chat, safety or code; map finer labels to groups first.")));
	if (len > RR_MAX_NAME)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("pref.reward_report categories must be at most %d bytes", RR_MAX_NAME)));
	if (st->ncat == st->cap)
	{
		st->cap = st->cap == 0 ? 8 : st->cap * 2;
		st->cats = st->cats == NULL ? MemoryContextAlloc(ctx, sizeof(RrCat) * st->cap)
			: repalloc(st->cats, sizeof(RrCat) * st->cap);
	}
	c = &st->cats[st->ncat];
	memset(c, 0, sizeof(RrCat));
	c->name = MemoryContextAlloc(ctx, len + 1);
	memcpy(c->name, s, len);
	c->name[len] = '\0';
	c->len = len;
	return st->last = st->ncat++;
}

/* Ensure room for need margins in category c */
static void
GrowMargins(RrState *st, RrCat *c, int64 need)
{
	int64		newcap;

	if (need <= c->cap)
		return;
	newcap = Max(c->cap * 2, 64);
	while (newcap < need)
		newcap *= 2;
	PrefCheckMemory(st->bytes + (double) (newcap - c->cap) * sizeof(double), "pref.reward_report");
	c->margin = c->margin == NULL
		? MemoryContextAllocHuge(GetMemoryChunkContext(st), sizeof(double) * newcap)
		: repalloc_huge(c->margin, sizeof(double) * newcap);
	st->bytes += (double) (newcap - c->cap) * sizeof(double);
	c->cap = newcap;
}

/* ---- flat form ------------------------------------------------------------ */

static int	CatStructCmp(const void *x, const void *y);
static int	DoubleCmp(const void *x, const void *y);

/*
 * Put a state in canonical order, categories by name and margins ascending,
 * so that equal data has one flat form whatever the row or merge order
 */
static void
Canonicalize(RrState *st)
{
	qsort(st->cats, st->ncat, sizeof(RrCat), CatStructCmp);
	st->last = -1;
	for (int i = 0; i < st->ncat; i++)
	{
		CHECK_FOR_INTERRUPTS();
		qsort(st->cats[i].margin, st->cats[i].n, sizeof(double), DoubleCmp);
	}
}

/* Write a state as its flat varlena (see the file header) */
static struct varlena *
RrFlatten(void *state)
{
	RrState    *st = (RrState *) state;
	RrWire		w = {0};
	double		size = VARHDRSZ + sizeof(RrWire);
	struct varlena *flat;
	char	   *p;

	Canonicalize(st);

	for (int i = 0; i < st->ncat; i++)
		size += sizeof(int32) + st->cats[i].len + sizeof(RrCatWire) + (double) st->cats[i].n * sizeof(double);
	if (size > (double) MaxAllocSize)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("%s of this many rows exceeds 1 GB", RR_TYPE),
				 errhint("Report smaller groups, for example per day or per model.")));
	flat = palloc((Size) size);
	SET_VARSIZE(flat, (Size) size);
	w.version = RR_VERSION;
	w.ncat = st->ncat;
	p = VARDATA(flat);
	memcpy(p, &w, sizeof(w));
	p += sizeof(w);
	for (int i = 0; i < st->ncat; i++)
	{
		const RrCat *c = &st->cats[i];
		RrCatWire	cw;

		memcpy(p, &c->len, sizeof(int32));
		p += sizeof(int32);
		memcpy(p, c->name, c->len);
		p += c->len;
		cw.n = c->n;
		cw.wins = c->wins;
		cw.ties = c->ties;
		cw.sw = c->sw;
		cw.sw2 = c->sw2;
		cw.swc = c->swc;
		memcpy(p, &cw, sizeof(cw));
		p += sizeof(cw);
		if (c->n > 0)
			memcpy(p, c->margin, sizeof(double) * c->n);
		p += sizeof(double) * c->n;
	}
	Assert(p == (char *) flat + VARSIZE(flat));
	return flat;
}

/* Validate a flat state completely and build it in ctx */
static void *
RrExpand(const struct varlena *flat, MemoryContext ctx)
{
	PrefWire	w;
	RrWire		h;
	RrState    *st;
	char	   *tmp;
	int			enc = GetDatabaseEncoding();

	PrefWireInit(&w, flat, RR_TYPE);
	PrefWireRead(&w, &h, sizeof(h));
	PrefWireCheck(&w, h.version == RR_VERSION,
				  psprintf("Version %d is not supported (expected %d).", h.version, RR_VERSION));
	PrefWireCheck(&w, h.flags == 0 && h.reserved == 0, "The reserved fields are not zero.");
	PrefWireCheck(&w, h.ncat >= 1 && h.ncat <= RR_MAX_CATS,
				  psprintf("The category count %d is out of range (1 to %d).", h.ncat, RR_MAX_CATS));
	st = NewState(ctx);
	tmp = palloc(RR_MAX_NAME + 1);
	for (int i = 0; i < h.ncat; i++)
	{
		int32		len;
		RrCatWire	cw;
		RrCat	   *c;
		int			k;

		PrefWireRead(&w, &len, sizeof(len));
		PrefWireCheck(&w, len >= 0 && len <= RR_MAX_NAME,
					  psprintf("Category %d has length %d, out of range (0 to %d).", i + 1, len, RR_MAX_NAME));
		PrefWireRead(&w, tmp, len);
		PrefWireCheck(&w, pg_verify_mbstr(enc, tmp, len, true),
					  psprintf("Category %d is not valid in encoding %s.", i + 1, GetDatabaseEncodingName()));
		PrefWireCheck(&w, FindCat(st, tmp, len) < 0,
					  psprintf("Category %d repeats an earlier category.", i + 1));
		k = CatIndex(st, tmp, len);
		c = &st->cats[k];
		PrefWireRead(&w, &cw, sizeof(cw));
		PrefWireCheck(&w, cw.n >= 1 && cw.wins >= 0 && cw.ties >= 0 && cw.wins <= cw.n - cw.ties,
					  psprintf("Category %d has inconsistent counts.", i + 1));
		PrefWireCheck(&w, isfinite(cw.sw) && isfinite(cw.sw2) && isfinite(cw.swc) &&
					  cw.sw >= 0 && cw.sw2 >= 0 && cw.swc >= 0 && cw.swc <= cw.sw * (1 + 1e-12),
					  psprintf("Category %d has invalid weight sums.", i + 1));
		PrefWireCheck(&w, (double) cw.n * sizeof(double) <= (double) PrefWireLeft(&w),
					  "The value is truncated.");
		GrowMargins(st, c, cw.n);
		PrefWireReadArray(&w, c->margin, cw.n, sizeof(double));
		for (int64 j = 0; j < cw.n; j++)
			PrefWireCheck(&w, isfinite(c->margin[j]),
						  psprintf("Category %d has a margin that is not finite.", i + 1));
		c->n = cw.n;
		c->wins = cw.wins;
		c->ties = cw.ties;
		c->sw = cw.sw;
		c->sw2 = cw.sw2;
		c->swc = cw.swc;
	}
	pfree(tmp);
	PrefWireEnd(&w);
	return st;
}

/* Text ("v1:" + base64) and binary I/O, validated on input */
PGPREF_STATE_TYPE_IO(reward_report, &RrMethods)

/* ---- transition and combine --------------------------------------------- */

/* Add one row (weight w) to the state */
static void
AddRow(PrefState **ps, FunctionCallInfo fcinfo, MemoryContext ctx, double w)
{
	text	   *cat = PG_GETARG_TEXT_PP(1);
	double		chosen = PG_GETARG_FLOAT8(2),
				rejected = PG_GETARG_FLOAT8(3),
				m;
	RrState    *st;
	RrCat	   *c;
	int			i;

	PrefCheckFinite(chosen, "chosen");
	PrefCheckFinite(rejected, "rejected");
	m = chosen - rejected;
	if (!isfinite(m))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("chosen - rejected overflows"),
				 errdetail("The scores are %g and %g.", chosen, rejected)));
	if (*ps == NULL)
	{
		*ps = PrefStateCreate(&RrMethods, ctx);
		(*ps)->state = NewState(PrefStateMemory(*ps));
	}
	st = (*ps)->state;
	i = CatIndex(st, VARDATA_ANY(cat), VARSIZE_ANY_EXHDR(cat));
	c = &st->cats[i];
	GrowMargins(st, c, c->n + 1);
	c->margin[c->n++] = m;
	c->sw += w;
	c->sw2 += w * w;
	if (m > 0)
	{
		c->wins++;
		c->swc += w;
	}
	else if (m == 0)
	{
		c->ties++;
		c->swc += w / 2;
	}
}

/* Return the state object, or NULL when there is none */
#define RETURN_STATE(ps) \
	do { \
		if ((ps) == NULL) \
			PG_RETURN_NULL(); \
		PG_RETURN_DATUM(PrefStateDatum(ps)); \
	} while (0)

PG_FUNCTION_INFO_V1(pref_reward_report_accum);

/* Transition for (category, chosen, rejected); NULL rows skipped */
Datum
pref_reward_report_accum(PG_FUNCTION_ARGS)
{
	MemoryContext ctx = PrefStateContext(fcinfo);
	PrefState  *ps = PrefStateArg(fcinfo, 0, &RrMethods, ctx);

	if (!PG_ARGISNULL(1) && !PG_ARGISNULL(2) && !PG_ARGISNULL(3))
		AddRow(&ps, fcinfo, ctx, 1.0);
	RETURN_STATE(ps);
}

PG_FUNCTION_INFO_V1(pref_reward_report_accum_weighted);

/* Transition for (category, chosen, rejected, weight); NULL rows skipped */
Datum
pref_reward_report_accum_weighted(PG_FUNCTION_ARGS)
{
	MemoryContext ctx = PrefStateContext(fcinfo);
	PrefState  *ps = PrefStateArg(fcinfo, 0, &RrMethods, ctx);

	if (!PG_ARGISNULL(1) && !PG_ARGISNULL(2) && !PG_ARGISNULL(3) && !PG_ARGISNULL(4))
	{
		double		w = PG_GETARG_FLOAT8(4);

		if (!(w >= 0) || !isfinite(w))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("weight must be finite and non-negative"),
					 errdetail("The weight is %g.", w)));
		AddRow(&ps, fcinfo, ctx, w);
	}
	RETURN_STATE(ps);
}

/* Fold b's categories into a */
static void
RrMerge(void *into, void *from, MemoryContext ctx pg_attribute_unused())
{
	RrState    *a = into;
	const RrState *b = from;

	for (int i = 0; i < b->ncat; i++)
	{
		const RrCat *src = &b->cats[i];
		int			k = CatIndex(a, src->name, src->len);
		RrCat	   *dst = &a->cats[k];

		GrowMargins(a, dst, dst->n + src->n);
		memcpy(dst->margin + dst->n, src->margin, sizeof(double) * src->n);
		dst->n += src->n;
		dst->wins += src->wins;
		dst->ties += src->ties;
		dst->sw += src->sw;
		dst->sw2 += src->sw2;
		dst->swc += src->swc;
	}
}

/* An empty state (for combine) */
static void *
RrEmptyLike(MemoryContext ctx, const void *like pg_attribute_unused())
{
	return NewState(ctx);
}

PG_FUNCTION_INFO_V1(pref_reward_report_combine);

/* Combine two partial states (either may be NULL) */
Datum
pref_reward_report_combine(PG_FUNCTION_ARGS)
{
	return PrefStateCombine(fcinfo, &RrMethods, PrefStateContext(fcinfo),
							RrEmptyLike, RrMerge);
}

/* ---- readers --------------------------------------------------------------- */

/* Order categories by name (bytes); names are distinct */
static int
CatStructCmp(const void *x, const void *y)
{
	const RrCat *a = (const RrCat *) x;
	const RrCat *b = (const RrCat *) y;
	int			r = memcmp(a->name, b->name, Min(a->len, b->len));

	return r != 0 ? r : (a->len > b->len) - (a->len < b->len);
}

/* The same over pointers */
static int
CatCmp(const void *x, const void *y)
{
	return CatStructCmp(*(const RrCat *const *) x, *(const RrCat *const *) y);
}

/* Ascending doubles */
static int
DoubleCmp(const void *x, const void *y)
{
	double		a = *(const double *) x,
				b = *(const double *) y;

	return (a > b) - (a < b);
}

/* The categories of a report sorted by name (palloc'd array of pointers) */
static RrCat **
SortedCats(RrState *st)
{
	RrCat	  **v = palloc(sizeof(RrCat *) * st->ncat);

	for (int i = 0; i < st->ncat; i++)
		v[i] = &st->cats[i];
	qsort(v, st->ncat, sizeof(RrCat *), CatCmp);
	return v;
}

/* Normal quantile of a level argument, checked */
static double
LevelZ(FunctionCallInfo fcinfo, int argno)
{
	double		level;

	PrefCheckNotNull(fcinfo, argno, "level");
	level = PG_GETARG_FLOAT8(argno);
	if (!(level > 0 && level < 1))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("level must be between 0 and 1 (exclusive)")));
	return BtNormalQuantile(0.5 + level / 2);
}

/* The probabilities of a quantiles argument, checked; *nq their count */
static double *
ReadQuantiles(FunctionCallInfo fcinfo, int argno, int *nq)
{
	ArrayType  *arr;
	double	   *q;

	PrefCheckNotNull(fcinfo, argno, "quantiles");
	arr = PG_GETARG_ARRAYTYPE_P(argno);
	if (ARR_NDIM(arr) == 0)
	{
		*nq = 0;
		return NULL;
	}
	q = PrefReadVector(arr, nq, "quantiles");
	for (int i = 0; i < *nq; i++)
		if (!(q[i] >= 0 && q[i] <= 1))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("quantiles must be between 0 and 1"),
					 errdetail("Element %d is %g.", i + 1, q[i])));
	return q;
}

/* float8[] of the quantiles q[nq] of x[n] (sorted in place) */
static Datum
QuantileArray(double *x, int64 n, const double *q, int nq)
{
	Datum	   *d = palloc(sizeof(Datum) * Max(nq, 1));

	qsort(x, n, sizeof(double), DoubleCmp);
	for (int i = 0; i < nq; i++)
		d[i] = Float8GetDatum(grp_quantile(x, n, q[i]));
	return PointerGetDatum(construct_array(d, nq, FLOAT8OID, sizeof(float8), FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
}

/* Accuracy and effective size of sums */
static void
Accuracy(double sw, double sw2, double swc, double *acc, double *neff)
{
	*acc = sw > 0 ? swc / sw : NAN;
	*neff = sw2 > 0 ? sw * sw / sw2 : 0;
}

PG_FUNCTION_INFO_V1(pref_report_categories);

/* report_categories(r, level, quantiles): one row per category; NULL r: none */
Datum
pref_report_categories(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	double		z;
	int			nq;
	double	   *q;
	RrState    *st;
	RrCat	  **cats;

	InitMaterializedSRF(fcinfo, 0);
	if (PG_ARGISNULL(0))
		return (Datum) 0;
	z = LevelZ(fcinfo, 1);
	q = ReadQuantiles(fcinfo, 2, &nq);
	st = PrefStateRead(PG_GETARG_DATUM(0), &RrMethods);
	cats = SortedCats(st);
	for (int i = 0; i < st->ncat; i++)
	{
		RrCat	   *c = cats[i];
		Datum		values[11];
		bool		nulls[11] = {false};
		double		acc,
					neff,
					lo = NAN,
					hi = NAN,
					sum = 0;
		double	   *m = palloc(sizeof(double) * c->n);

		CHECK_FOR_INTERRUPTS();
		Accuracy(c->sw, c->sw2, c->swc, &acc, &neff);
		if (neff > 0)
			grp_wilson(acc, neff, z, &lo, &hi);
		memcpy(m, c->margin, sizeof(double) * c->n);
		for (int64 k = 0; k < c->n; k++)
			sum += m[k];
		values[0] = PointerGetDatum(cstring_to_text_with_len(c->name, c->len));
		values[1] = Int64GetDatum(c->n);
		values[2] = Int64GetDatum(c->wins);
		values[3] = Int64GetDatum(c->ties);
		values[4] = Float8GetDatum(c->sw);
		values[5] = Float8GetDatum(neff);
		values[6] = Float8GetDatum(acc);
		values[7] = Float8GetDatum(lo);
		values[8] = Float8GetDatum(hi);
		values[9] = Float8GetDatum(sum / c->n);
		values[10] = QuantileArray(m, c->n, q, nq);
		nulls[6] = nulls[7] = nulls[8] = isnan(acc);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		pfree(m);
	}
	return (Datum) 0;
}

/* Weight of category c in a jsonb object of category weights (absent: 0) */
static double
JsonWeight(Jsonb *jb, const RrCat *c)
{
	JsonbValue	key,
			   *v;

	key.type = jbvString;
	key.val.string.val = c->name;
	key.val.string.len = c->len;
	v = findJsonbValueFromContainer(&jb->root, JB_FOBJECT, &key);
	if (v == NULL)
		return 0;
	if (v->type != jbvNumeric)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("category_weights must map categories to numbers"),
				 errdetail("The weight of category \"%s\" is not a number.", c->name)));
	return DatumGetFloat8(DirectFunctionCall1(numeric_float8, NumericGetDatum(v->val.numeric)));
}

PG_FUNCTION_INFO_V1(pref_report_summary);

/*
 * report_summary(r, category_weights, level, quantiles): one row; pooled
 * accuracy over all rows, score = weighted mean of category accuracies
 * (weights from category_weights, default 1 each)
 */
Datum
pref_report_summary(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	double		z;
	int			nq;
	double	   *q;
	Jsonb	   *jb;
	RrState    *st;
	Datum		values[9];
	bool		nulls[9] = {false};
	double		sw = 0,
				sw2 = 0,
				swc = 0,
				acc,
				neff,
				lo = NAN,
				hi = NAN,
				wsum = 0,
				wacc = 0;
	int64		n = 0,
				k = 0;
	double	   *m;

	InitMaterializedSRF(fcinfo, 0);
	if (PG_ARGISNULL(0))
		return (Datum) 0;
	z = LevelZ(fcinfo, 2);
	q = ReadQuantiles(fcinfo, 3, &nq);
	jb = PG_ARGISNULL(1) ? NULL : PG_GETARG_JSONB_P(1);
	if (jb != NULL && !JB_ROOT_IS_OBJECT(jb))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("category_weights must be a JSON object"),
				 errhint("Map categories to weights, e.g. '{\"chat\": 1, \"safety\": 2}'.")));
	st = PrefStateRead(PG_GETARG_DATUM(0), &RrMethods);
	for (int i = 0; i < st->ncat; i++)
	{
		RrCat	   *c = &st->cats[i];
		double		ca,
					cn,
					w = jb ? JsonWeight(jb, c) : 1.0;

		if (!(w >= 0) || !isfinite(w))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("category_weights must be finite and non-negative"),
					 errdetail("The weight of category \"%s\" is %g.", c->name, w)));
		n += c->n;
		sw += c->sw;
		sw2 += c->sw2;
		swc += c->swc;
		Accuracy(c->sw, c->sw2, c->swc, &ca, &cn);
		if (w > 0 && !isnan(ca))
		{
			wsum += w;
			wacc += w * ca;
		}
	}
	PrefCheckMemory((double) n * sizeof(double), "pref.report_summary");
	m = palloc_extended(sizeof(double) * Max(n, 1), MCXT_ALLOC_HUGE);
	for (int i = 0; i < st->ncat; i++)
	{
		memcpy(m + k, st->cats[i].margin, sizeof(double) * st->cats[i].n);
		k += st->cats[i].n;
	}
	Accuracy(sw, sw2, swc, &acc, &neff);
	if (neff > 0)
		grp_wilson(acc, neff, z, &lo, &hi);
	values[0] = Int32GetDatum(st->ncat);
	values[1] = Int64GetDatum(n);
	values[2] = Float8GetDatum(sw);
	values[3] = Float8GetDatum(neff);
	values[4] = Float8GetDatum(acc);
	values[5] = Float8GetDatum(lo);
	values[6] = Float8GetDatum(hi);
	values[7] = Float8GetDatum(wsum > 0 ? wacc / wsum : NAN);
	values[8] = QuantileArray(m, n, q, nq);
	nulls[4] = nulls[5] = nulls[6] = isnan(acc);
	nulls[7] = !(wsum > 0);
	tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	return (Datum) 0;
}

PG_FUNCTION_INFO_V1(pref_report_compare);

/*
 * report_compare(r, against): per category against the rest, or
 * every pair of categories; pooled two-proportion z-tests with Holm and BH
 * adjustment over the family of tests returned
 */
Datum
pref_report_compare(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	int			against;
	RrState    *st;
	RrCat	  **cats;
	int			nc,
				m = 0;
	double		tw = 0,
				tw2 = 0,
				twc = 0;
	double	   *acc1,
			   *acc2,
			   *n1,
			   *n2,
			   *se,
			   *zs,
			   *ps,
			   *holm,
			   *bh;
	int		   *ci,
			   *cj,
			   *iwork;

	InitMaterializedSRF(fcinfo, 0);
	if (PG_ARGISNULL(0))
		return (Datum) 0;
	PrefCheckNotNull(fcinfo, 1, "against");
	against = PrefParseOption(text_to_cstring(PG_GETARG_TEXT_PP(1)), AGAINST_NAMES, "against");
	st = PrefStateRead(PG_GETARG_DATUM(0), &RrMethods);
	cats = SortedCats(st);
	nc = st->ncat;
	m = against == 0 ? nc : nc * (nc - 1) / 2;
	if (against == 0 && nc < 2)
		m = 0;
	acc1 = palloc(sizeof(double) * Max(m, 1));
	acc2 = palloc(sizeof(double) * Max(m, 1));
	n1 = palloc(sizeof(double) * Max(m, 1));
	n2 = palloc(sizeof(double) * Max(m, 1));
	se = palloc(sizeof(double) * Max(m, 1));
	zs = palloc(sizeof(double) * Max(m, 1));
	ps = palloc(sizeof(double) * Max(m, 1));
	holm = palloc(sizeof(double) * Max(m, 1));
	bh = palloc(sizeof(double) * Max(m, 1));
	ci = palloc(sizeof(int) * Max(m, 1));
	cj = palloc(sizeof(int) * Max(m, 1));
	iwork = palloc(sizeof(int) * Max(m, 1));
	for (int i = 0; i < nc; i++)
	{
		tw += cats[i]->sw;
		tw2 += cats[i]->sw2;
		twc += cats[i]->swc;
	}
	{
		int			k = 0;

		for (int i = 0; i < nc && m > 0; i++)
		{
			if (against == 0)
			{
				Accuracy(cats[i]->sw, cats[i]->sw2, cats[i]->swc, &acc1[k], &n1[k]);
				Accuracy(tw - cats[i]->sw, tw2 - cats[i]->sw2, twc - cats[i]->swc, &acc2[k], &n2[k]);
				ci[k] = i;
				cj[k] = -1;
				k++;
				continue;
			}
			for (int j = i + 1; j < nc; j++)
			{
				Accuracy(cats[i]->sw, cats[i]->sw2, cats[i]->swc, &acc1[k], &n1[k]);
				Accuracy(cats[j]->sw, cats[j]->sw2, cats[j]->swc, &acc2[k], &n2[k]);
				ci[k] = i;
				cj[k] = j;
				k++;
			}
		}
	}
	for (int k = 0; k < m; k++)
	{
		CHECK_FOR_INTERRUPTS();
		zs[k] = (isnan(acc1[k]) || isnan(acc2[k])) ? NAN : grp_two_prop_z(acc1[k], n1[k], acc2[k], n2[k], &se[k]);
		if (isnan(zs[k]))
			se[k] = NAN;
		ps[k] = grp_pvalue(zs[k]);
	}
	grp_adjust(ps, m, holm, bh, iwork);
	for (int k = 0; k < m; k++)
	{
		Datum		values[10];
		bool		nulls[10] = {false};
		double		d = acc1[k] - acc2[k];

		values[0] = PointerGetDatum(cstring_to_text_with_len(cats[ci[k]]->name, cats[ci[k]]->len));
		if (cj[k] >= 0)
			values[1] = PointerGetDatum(cstring_to_text_with_len(cats[cj[k]]->name, cats[cj[k]]->len));
		else
			nulls[1] = true;
		values[2] = Float8GetDatum(acc1[k]);
		values[3] = Float8GetDatum(acc2[k]);
		values[4] = Float8GetDatum(d);
		values[5] = Float8GetDatum(se[k]);
		values[6] = Float8GetDatum(zs[k]);
		values[7] = Float8GetDatum(ps[k]);
		values[8] = Float8GetDatum(holm[k]);
		values[9] = Float8GetDatum(bh[k]);
		nulls[2] = isnan(acc1[k]);
		nulls[3] = isnan(acc2[k]);
		nulls[4] = nulls[2] || nulls[3];
		for (int f = 5; f <= 9; f++)
			nulls[f] = isnan(zs[k]);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}
