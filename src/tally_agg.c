/*
 * tally_agg.c - SQL glue of the pref.tally, pref.tally_merge and
 * pref.bt_fit aggregates: accumulate, combine and final functions.
 *
 * The state is a pref.tally.  In memory it is a read/write expanded object
 * (PrefState, state.h) owned by the aggregate context and wrapping a
 * TallyState; it is flattened to the canonical pref.tally only when it is
 * output, sent to another process or stored, and a flat state that comes
 * back (parallel workers, Citus, a hand-written INITCOND) is validated by
 * TallyValidate before it is expanded.
 */
#include "postgres.h"

#include <math.h>

#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/float.h"

#include "common.h"
#include "prefdata.h"
#include "state.h"
#include "tally.h"
#include "tally_state.h"

/*
 * The state of an accumulate call, created empty on the first row.  A state
 * passed in flat (e.g. an INITCOND) is validated and must have the key kind
 * of the signature; a positional state fed unordered comparisons forgets
 * its presentation order.
 */
static inline PrefState *
AccumState(FunctionCallInfo fcinfo, bool text, bool position)
{
	MemoryContext aggctx = PrefAggContext(fcinfo, "pref.tally_accum");
	PrefState  *ps = PrefStateArg(fcinfo, 0, &TallyStateMethods, aggctx);
	TallyState *st;

	if (ps == NULL)
	{
		ps = PrefStateCreate(&TallyStateMethods, aggctx);
		ps->state = TallyStateCreate(PrefStateMemory(ps), text, position);
		return ps;
	}
	st = (TallyState *) ps->state;
	if (unlikely(st->text != text))
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("cannot add %s items to a tally of %s items",
						text ? "text" : "bigint", st->text ? "text" : "bigint")));
	if (unlikely(st->position && !position))
		TallyStateDropPosition(st);
	return ps;
}

/* Count one skipped row and return the state */
static Datum
SkipRow(PrefState *ps)
{
	TallyStateCountRows((TallyState *) ps->state, 0, 1);
	return PrefStateDatum(ps);
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
	*w += 0.0;					/* -0 counts as 0 */
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

/* Check two item arguments differ */
static inline void
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

/* Add one used row of outcome between the items of arguments 1 and 2 */
static inline void
AddRow(FunctionCallInfo fcinfo, TallyState *st, int outcome, double w)
{
	if (st->text)
	{
		text	   *a = PG_GETARG_TEXT_PP(1);
		text	   *b = PG_GETARG_TEXT_PP(2);

		TallyStateAddRowText(st, VARDATA_ANY(a), VARSIZE_ANY_EXHDR(a),
							 VARDATA_ANY(b), VARSIZE_ANY_EXHDR(b), outcome, w);
	}
	else
		TallyStateAddRowInt(st, PG_GETARG_INT64(1), PG_GETARG_INT64(2), outcome, w);
	if (unlikely(st->rows_used == PG_INT64_MAX))
		TallyStateCountRows(st, 1, 0);	/* raises the overflow error */
	st->rows_used++;
}

/* Shared body of tally(winner, loser [, tie [, weight]]) */
static inline Datum
AccumWinnerLoser(FunctionCallInfo fcinfo, bool istext)
{
	PrefState  *ps = AccumState(fcinfo, istext, false);
	TallyState *st = (TallyState *) ps->state;
	bool		tie = false;
	double		w;

	if (PG_ARGISNULL(1) || PG_ARGISNULL(2) || (PG_NARGS() > 3 && PG_ARGISNULL(3)) ||
		!ReadWeight(fcinfo, 4, &w))
		return SkipRow(ps);
	if (PG_NARGS() > 3)
		tie = PG_GETARG_BOOL(3);
	CheckDistinct(fcinfo, istext);
	AddRow(fcinfo, st, tie ? TALLY_TIE : TALLY_A, w);
	return PrefStateDatum(ps);
}

PG_FUNCTION_INFO_V1(pref_tally_accum_int);

/* tally(winner bigint, loser bigint [, tie [, weight]]) accumulate */
Datum
pref_tally_accum_int(PG_FUNCTION_ARGS)
{
	return AccumWinnerLoser(fcinfo, false);
}

PG_FUNCTION_INFO_V1(pref_tally_accum_text);

/* tally(winner text, loser text [, tie [, weight]]) accumulate */
Datum
pref_tally_accum_text(PG_FUNCTION_ARGS)
{
	return AccumWinnerLoser(fcinfo, true);
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
				 errmsg("invalid value for argument outcome: \"%s\"", text_to_cstring(o)),
				 errhint("Valid values are: > (first preferred), < (second preferred), = (tie).")));
	return outcome;
}

/* Shared body of tally(first, second, outcome [, weight]) */
static inline Datum
AccumOutcome(FunctionCallInfo fcinfo, bool istext)
{
	PrefState  *ps = AccumState(fcinfo, istext, true);
	TallyState *st = (TallyState *) ps->state;
	double		w;
	int			outcome;

	if (PG_ARGISNULL(1) || PG_ARGISNULL(2) || PG_ARGISNULL(3) || !ReadWeight(fcinfo, 4, &w))
		return SkipRow(ps);
	outcome = ParseOutcome(PG_GETARG_TEXT_PP(3));
	CheckDistinct(fcinfo, istext);
	AddRow(fcinfo, st, outcome, w);
	return PrefStateDatum(ps);
}

PG_FUNCTION_INFO_V1(pref_tally_accum_outcome_int);

/* tally(first bigint, second bigint, outcome text [, weight]) accumulate */
Datum
pref_tally_accum_outcome_int(PG_FUNCTION_ARGS)
{
	return AccumOutcome(fcinfo, false);
}

PG_FUNCTION_INFO_V1(pref_tally_accum_outcome_text);

/* tally(first text, second text, outcome text [, weight]) accumulate */
Datum
pref_tally_accum_outcome_text(PG_FUNCTION_ARGS)
{
	return AccumOutcome(fcinfo, true);
}

PG_FUNCTION_INFO_V1(pref_tally_accum_pair);

/* tally(pref.pair) accumulate: keeps presentation order and weight */
Datum
pref_tally_accum_pair(PG_FUNCTION_ARGS)
{
	PrefState  *ps = AccumState(fcinfo, false, true);
	TallyState *st = (TallyState *) ps->state;
	PrefPair   *p;

	if (PG_ARGISNULL(1))
		return SkipRow(ps);
	p = PG_GETARG_PAIR_P(1);
	if (p->first == p->second || p->outcome > PAIR_TIE || !isfinite(p->weight) || !(p->weight > 0))
		elog(ERROR, "corrupt pref.pair value");
	/* PAIR_FIRST/SECOND/TIE coincide with TALLY_A/B/TIE */
	TallyStateAddRowInt(st, p->first, p->second, p->outcome, p->weight);
	TallyStateCountRows(st, 1, 0);
	return PrefStateDatum(ps);
}

/*
 * Add the tally in datum d (flat: validated first; or an expanded state)
 * into state ps, creating the state when ps is NULL.
 */
static PrefState *
MergeInto(PrefState *ps, Datum d, MemoryContext aggctx)
{
	if (VARATT_IS_EXTERNAL_EXPANDED(DatumGetPointer(d)))
	{
		const TallyState *src = PrefStateRead(d, &TallyStateMethods);

		if (ps == NULL)
		{
			ps = PrefStateCreate(&TallyStateMethods, aggctx);
			ps->state = TallyStateCreate(PrefStateMemory(ps), src->text, src->position);
		}
		TallyStateMergeState((TallyState *) ps->state, src);
	}
	else
	{
		PrefTally  *t = DatumGetPrefTallyP(d);

		TallyValidate(t, VARSIZE(t), TALLY_FROM_STATE);
		if (ps == NULL)
		{
			ps = PrefStateCreate(&TallyStateMethods, aggctx);
			ps->state = TallyStateCreate(PrefStateMemory(ps), (t->flags & TALLY_TEXT) != 0,
										 (t->flags & TALLY_POSITION) != 0);
		}
		TallyStateMerge((TallyState *) ps->state, t);
		if ((Pointer) t != DatumGetPointer(d))
			pfree(t);
	}
	return ps;
}

/* Shared body of the merge accumulate and the combine function */
static Datum
MergeStates(FunctionCallInfo fcinfo, const char *fname)
{
	MemoryContext aggctx = PrefAggContext(fcinfo, fname);
	PrefState  *ps = PrefStateArg(fcinfo, 0, &TallyStateMethods, aggctx);

	if (PG_ARGISNULL(1))
	{
		if (ps == NULL)
			PG_RETURN_NULL();
		return PrefStateDatum(ps);
	}
	ps = MergeInto(ps, PG_GETARG_DATUM(1), aggctx);
	return PrefStateDatum(ps);
}

PG_FUNCTION_INFO_V1(pref_tally_merge_accum);

/* tally_merge(pref.tally) accumulate: add a stored tally (NULL skipped) */
Datum
pref_tally_merge_accum(PG_FUNCTION_ARGS)
{
	return MergeStates(fcinfo, "pref.tally_merge_accum");
}

PG_FUNCTION_INFO_V1(pref_tally_state_combine);

/* Combine two partial states (either may be NULL) into the first */
Datum
pref_tally_state_combine(PG_FUNCTION_ARGS)
{
	return MergeStates(fcinfo, "pref.tally_combine");
}

/* The canonical flat tally of a state-typed argument (see tally_state.h) */
PrefTally *
TallyStateValue(Datum d)
{
	PrefTally  *t;

	if (VARATT_IS_EXTERNAL_EXPANDED(DatumGetPointer(d)))
		return TallyStateFinal((TallyState *) PrefStateRead(d, &TallyStateMethods));
	t = DatumGetPrefTallyP(d);
	TallyValidate(t, VARSIZE(t), TALLY_FROM_STATE);
	return t;
}

PG_FUNCTION_INFO_V1(pref_tally_state_final);

/* Final: the canonical tally value (the state is left untouched) */
Datum
pref_tally_state_final(PG_FUNCTION_ARGS)
{
	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	PG_RETURN_POINTER(TallyStateValue(PG_GETARG_DATUM(0)));
}
