/*
 * tally_agg.c - SQL glue of the pref.tally and pref.tally_merge aggregates:
 * transition, combine, serialize, deserialize and final functions.
 */
#include "postgres.h"

#include <math.h>

#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/float.h"

#include "common.h"
#include "prefdata.h"
#include "tally.h"
#include "tally_state.h"

/* The state argument, created empty on the first row */
static TallyState *
GetState(FunctionCallInfo fcinfo, bool text, bool position, const char *fname)
{
	MemoryContext aggctx = PrefAggContext(fcinfo, fname);

	if (PG_ARGISNULL(0))
		return TallyStateCreate(aggctx, text, position);
	return (TallyState *) PG_GETARG_POINTER(0);
}

/* Weight argument at argno (default 1); negative or non-finite is an error */
static bool
ReadWeight(FunctionCallInfo fcinfo, int argno, double *w)
{
	*w = 1.0;
	if (PG_NARGS() <= argno)
		return true;
	if (PG_ARGISNULL(argno))
		return false;
	*w = PG_GETARG_FLOAT8(argno);
	if (!isfinite(*w) || *w < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("comparison weight must be finite and not negative"),
				 errdetail("Got %s.", float8out_internal(*w))));
	return true;
}

/* Error for an item compared with itself */
static void
SelfComparison(const char *item)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("an item cannot be compared with itself"),
			 errdetail("Both items are %s.", item)));
}

/* Item index of argument argno (bigint or text) */
static int
ArgItem(FunctionCallInfo fcinfo, TallyState *st, int argno)
{
	if (st->text)
	{
		text	   *t = PG_GETARG_TEXT_PP(argno);

		return TallyStateItemText(st, VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
	}
	return TallyStateItemInt(st, PG_GETARG_INT64(argno));
}

/* Check two item arguments differ */
static void
CheckDistinct(FunctionCallInfo fcinfo, bool istext)
{
	if (istext)
	{
		text	   *a = PG_GETARG_TEXT_PP(1);
		text	   *b = PG_GETARG_TEXT_PP(2);

		if (VARSIZE_ANY_EXHDR(a) == VARSIZE_ANY_EXHDR(b) &&
			memcmp(VARDATA_ANY(a), VARDATA_ANY(b), VARSIZE_ANY_EXHDR(a)) == 0)
			SelfComparison(quote_literal_cstr(text_to_cstring(a)));
	}
	else if (PG_GETARG_INT64(1) == PG_GETARG_INT64(2))
		SelfComparison(psprintf(INT64_FORMAT, PG_GETARG_INT64(1)));
}

/* Shared body of tally(winner, loser [, tie [, weight]]) */
static Datum
TransWinnerLoser(FunctionCallInfo fcinfo, bool istext)
{
	TallyState *st = GetState(fcinfo, istext, false, "pref.tally");
	bool		tie = false;
	double		w;
	int			a,
				b;

	if (PG_ARGISNULL(1) || PG_ARGISNULL(2) || (PG_NARGS() > 3 && PG_ARGISNULL(3)) ||
		!ReadWeight(fcinfo, 4, &w))
	{
		st->rows_skipped++;
		PG_RETURN_POINTER(st);
	}
	if (PG_NARGS() > 3)
		tie = PG_GETARG_BOOL(3);
	CheckDistinct(fcinfo, istext);
	a = ArgItem(fcinfo, st, 1);
	b = ArgItem(fcinfo, st, 2);
	TallyStateAdd(st, a, b, tie ? TALLY_TIE : TALLY_A, 1, w);
	st->rows_used++;
	PG_RETURN_POINTER(st);
}

PG_FUNCTION_INFO_V1(pref_tally_trans_int);

/* tally(winner bigint, loser bigint [, tie [, weight]]) transition */
Datum
pref_tally_trans_int(PG_FUNCTION_ARGS)
{
	return TransWinnerLoser(fcinfo, false);
}

PG_FUNCTION_INFO_V1(pref_tally_trans_text);

/* tally(winner text, loser text [, tie [, weight]]) transition */
Datum
pref_tally_trans_text(PG_FUNCTION_ARGS)
{
	return TransWinnerLoser(fcinfo, true);
}

/* Tally outcome code of '>', '<' or '=' (same codes as a pair's) */
static int
ParseOutcome(text *o)
{
	int			outcome = PrefOutcomeFromText(o);

	StaticAssertStmt(TALLY_A == PAIR_FIRST && TALLY_B == PAIR_SECOND && TALLY_TIE == PAIR_TIE,
					 "tally and pair outcome codes differ");
	if (outcome < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown outcome \"%s\"", text_to_cstring(o)),
				 errhint("Valid values are: > (first preferred), < (second preferred), = (tie).")));
	return outcome;
}

/* Shared body of tally(first, second, outcome [, weight]) */
static Datum
TransOutcome(FunctionCallInfo fcinfo, bool istext)
{
	TallyState *st = GetState(fcinfo, istext, true, "pref.tally");
	double		w;
	int			outcome,
				a,
				b;

	if (PG_ARGISNULL(1) || PG_ARGISNULL(2) || PG_ARGISNULL(3) || !ReadWeight(fcinfo, 4, &w))
	{
		st->rows_skipped++;
		PG_RETURN_POINTER(st);
	}
	outcome = ParseOutcome(PG_GETARG_TEXT_PP(3));
	CheckDistinct(fcinfo, istext);
	a = ArgItem(fcinfo, st, 1);
	b = ArgItem(fcinfo, st, 2);
	TallyStateAdd(st, a, b, outcome, 1, w);
	st->rows_used++;
	PG_RETURN_POINTER(st);
}

PG_FUNCTION_INFO_V1(pref_tally_trans_outcome_int);

/* tally(first bigint, second bigint, outcome text [, weight]) transition */
Datum
pref_tally_trans_outcome_int(PG_FUNCTION_ARGS)
{
	return TransOutcome(fcinfo, false);
}

PG_FUNCTION_INFO_V1(pref_tally_trans_outcome_text);

/* tally(first text, second text, outcome text [, weight]) transition */
Datum
pref_tally_trans_outcome_text(PG_FUNCTION_ARGS)
{
	return TransOutcome(fcinfo, true);
}

PG_FUNCTION_INFO_V1(pref_tally_trans_pair);

/* tally(pref.pair) transition: keeps presentation order and weight */
Datum
pref_tally_trans_pair(PG_FUNCTION_ARGS)
{
	TallyState *st = GetState(fcinfo, false, true, "pref.tally");
	PrefPair   *p;
	int			a,
				b;

	if (PG_ARGISNULL(1))
	{
		st->rows_skipped++;
		PG_RETURN_POINTER(st);
	}
	p = PG_GETARG_PAIR_P(1);
	if (p->first == p->second || p->outcome > PAIR_TIE)
		elog(ERROR, "corrupt pref.pair value");
	a = TallyStateItemInt(st, p->first);
	b = TallyStateItemInt(st, p->second);
	/* PAIR_FIRST/SECOND/TIE coincide with TALLY_A/B/TIE */
	TallyStateAdd(st, a, b, p->outcome, 1, p->weight);
	st->rows_used++;
	PG_RETURN_POINTER(st);
}

PG_FUNCTION_INFO_V1(pref_tally_merge_trans);

/* tally_merge(pref.tally) transition: add a stored tally */
Datum
pref_tally_merge_trans(PG_FUNCTION_ARGS)
{
	TallyState *st;
	PrefTally  *t;

	PrefAggContext(fcinfo, "pref.tally_merge");
	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_POINTER(PG_GETARG_POINTER(0));
	}
	t = PG_GETARG_TALLY_P(1);
	st = GetState(fcinfo, (t->flags & TALLY_TEXT) != 0, (t->flags & TALLY_POSITION) != 0,
				  "pref.tally_merge");
	TallyStateMerge(st, t);
	PG_RETURN_POINTER(st);
}

PG_FUNCTION_INFO_V1(pref_tally_combine);

/* Combine two partial states into the first */
Datum
pref_tally_combine(PG_FUNCTION_ARGS)
{
	TallyState *s1,
			   *s2;
	int		   *map;

	PrefAggContext(fcinfo, "pref.tally_combine");
	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_POINTER(PG_GETARG_POINTER(0));
	}
	s2 = (TallyState *) PG_GETARG_POINTER(1);
	if (PG_ARGISNULL(0))
	{
		/* copy s2 into the aggregate context */
		MemoryContext aggctx = PrefAggContext(fcinfo, "pref.tally_combine");

		if (s2->ctx == aggctx)
			PG_RETURN_POINTER(s2);
		s1 = TallyStateCreate(aggctx, s2->text, s2->position);
	}
	else
		s1 = (TallyState *) PG_GETARG_POINTER(0);

	if (s1->text != s2->text)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("cannot merge a tally of text items with a tally of bigint items")));
	if (!s2->position)
		TallyStateDropPosition(s1);
	map = palloc(sizeof(int) * Max(s2->nitems, 1));
	for (int i = 0; i < s2->nitems; i++)
		map[i] = s1->text ? TallyStateItemText(s1, s2->strs[i], s2->lens[i])
			: TallyStateItemInt(s1, s2->keys[i]);
	for (int i = 0; i < s2->ncells; i++)
		for (int o = 0; o < 3; o++)
			if (s2->cells[i].n[o] > 0)
				TallyStateAdd(s1, map[s2->cells[i].a], map[s2->cells[i].b], o,
							  s2->cells[i].n[o], s2->cells[i].w[o]);
	s1->rows_used += s2->rows_used;
	s1->rows_skipped += s2->rows_skipped;
	pfree(map);
	PG_RETURN_POINTER(s1);
}

PG_FUNCTION_INFO_V1(pref_tally_serial);

/* Serialize a state as the bytes of its canonical tally value */
Datum
pref_tally_serial(PG_FUNCTION_ARGS)
{
	TallyState *st = (TallyState *) PG_GETARG_POINTER(0);

	PG_RETURN_BYTEA_P((bytea *) TallyStateFinal(st));
}

PG_FUNCTION_INFO_V1(pref_tally_deserial);

/* Deserialize: validate the bytes, rebuild the hash tables */
Datum
pref_tally_deserial(PG_FUNCTION_ARGS)
{
	bytea	   *b = PG_GETARG_BYTEA_PP(0);
	MemoryContext aggctx = PrefAggContext(fcinfo, "pref.tally_deserial");
	Size		len = VARSIZE_ANY_EXHDR(b);
	PrefTally  *t = palloc(len + VARHDRSZ);
	TallyState *st;

	memcpy((char *) t + VARHDRSZ, VARDATA_ANY(b), len);
	SET_VARSIZE(t, len + VARHDRSZ);
	TallyValidate(t, len + VARHDRSZ, "serialized state");
	st = TallyStateCreate(aggctx, (t->flags & TALLY_TEXT) != 0, (t->flags & TALLY_POSITION) != 0);
	TallyStateMerge(st, t);
	pfree(t);
	PG_RETURN_POINTER(st);
}

PG_FUNCTION_INFO_V1(pref_tally_final);

/* Final: the canonical tally value (the state is left untouched) */
Datum
pref_tally_final(PG_FUNCTION_ARGS)
{
	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	PG_RETURN_POINTER(TallyStateFinal((TallyState *) PG_GETARG_POINTER(0)));
}
