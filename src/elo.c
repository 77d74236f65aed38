/*
 * elo.c - pref.elo: online Elo ratings as an ordered aggregate
 * (pref.elo(winner, loser [, tie [, k [, initial, scale]]] ORDER BY ...)).
 *
 * For each game in the aggregate's order: expected score of the winner
 * E = 1 / (1 + 10^((R_loser - R_winner) / scale)), actual score S = 1
 * (0.5 for a tie), R_winner += k (S - E), R_loser -= k (S - E).  New items
 * start at initial.  The result depends on the order, so the aggregate has
 * no combine function (PostgreSQL never splits an aggregate with ORDER BY)
 * and keeps an `internal` state: it is the one pgpref aggregate that Citus
 * cannot split.  One C entry point per SQL signature (bigint, text items):
 * nothing depends on the calling expression tree.
 */
#include "postgres.h"

#include <math.h>

#include "common/shortest_dec.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "utils/builtins.h"
#include "utils/json.h"
#include "utils/jsonb.h"

#include "common.h"
#include "tally_state.h"

#define ELO_DEFAULT_K		4.0
#define ELO_DEFAULT_INITIAL	1000.0
#define ELO_DEFAULT_SCALE	400.0

typedef struct EloState
{
	TallyState *items;			/* item keys and their indices */
	double	   *rating;			/* per item */
	int64	   *games;			/* per item */
	int			cap;
	int64		rows_used;
	int64		rows_skipped;
} EloState;

/* Ensure the rating arrays cover every item index */
static void
EloReserve(EloState *st, MemoryContext ctx, int nitems)
{
	if (nitems > st->cap)
	{
		int			cap = Max(64, st->cap);

		while (cap < nitems)
			cap *= 2;
		if (st->rating == NULL)
		{
			st->rating = MemoryContextAlloc(ctx, sizeof(double) * cap);
			st->games = MemoryContextAlloc(ctx, sizeof(int64) * cap);
		}
		else
		{
			st->rating = repalloc(st->rating, sizeof(double) * cap);
			st->games = repalloc(st->games, sizeof(int64) * cap);
		}
		st->cap = cap;
	}
}

/* Check the Elo parameters of a row */
static void
EloCheckParams(double k, double initial, double scale)
{
	if (!isfinite(k) || k <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("Elo k must be positive and finite")));
	if (!isfinite(initial))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("Elo initial rating must be finite")));
	if (!isfinite(scale) || scale <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("Elo scale must be positive and finite")));
}

/* Index of the item in argument argno, added with the initial rating if new */
static int
EloItem(FunctionCallInfo fcinfo, EloState *st, MemoryContext ctx, int argno, bool istext, double initial)
{
	int			before = st->items->nitems;
	int			i;
	MemoryContext old = MemoryContextSwitchTo(ctx);

	if (istext)
	{
		text	   *t = PG_GETARG_TEXT_PP(argno);

		i = TallyStateItemText(st->items, VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
	}
	else
		i = TallyStateItemInt(st->items, PG_GETARG_INT64(argno));
	MemoryContextSwitchTo(old);
	if (st->items->nitems > before)
	{
		EloReserve(st, ctx, st->items->nitems);
		st->rating[i] = initial;
		st->games[i] = 0;
	}
	return i;
}

/* Shared body of the elo accumulate functions: (state, winner, loser [, tie [, k [, initial, scale]]]) */
static Datum
EloAccum(FunctionCallInfo fcinfo, bool istext)
{
	MemoryContext aggctx;
	EloState   *st;
	int			nargs = PG_NARGS();
	double		k = ELO_DEFAULT_K,
				initial = ELO_DEFAULT_INITIAL,
				scale = ELO_DEFAULT_SCALE,
				s = 1.0,
				e,
				delta;
	int			w,
				l;

	aggctx = PrefAggContext(fcinfo, "pref.elo_accum");
	if (PG_ARGISNULL(0))
	{
		st = MemoryContextAllocZero(aggctx, sizeof(EloState));
		st->items = TallyStateCreate(aggctx, istext, false);
	}
	else
		st = (EloState *) PG_GETARG_POINTER(0);

	for (int a = 1; a < nargs; a++)
		if (PG_ARGISNULL(a))
		{
			st->rows_skipped++;
			PG_RETURN_POINTER(st);
		}
	if (nargs > 4)
		k = PG_GETARG_FLOAT8(4);
	if (nargs > 6)
	{
		initial = PG_GETARG_FLOAT8(5);
		scale = PG_GETARG_FLOAT8(6);
	}
	EloCheckParams(k, initial, scale);
	if (nargs > 3 && PG_GETARG_BOOL(3))
		s = 0.5;
	w = EloItem(fcinfo, st, aggctx, 1, istext, initial);
	l = EloItem(fcinfo, st, aggctx, 2, istext, initial);
	if (w == l)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("winner and loser are the same item"),
				 errdetail("An item cannot be compared with itself.")));
	e = 1.0 / (1.0 + pow(10.0, (st->rating[l] - st->rating[w]) / scale));
	delta = k * (s - e);
	st->rating[w] += delta;
	st->rating[l] -= delta;
	st->games[w]++;
	st->games[l]++;
	st->rows_used++;
	PG_RETURN_POINTER(st);
}

PG_FUNCTION_INFO_V1(pref_elo_accum_int);

/* elo accumulate, bigint items */
Datum
pref_elo_accum_int(PG_FUNCTION_ARGS)
{
	return EloAccum(fcinfo, false);
}

PG_FUNCTION_INFO_V1(pref_elo_accum_text);

/* elo accumulate, text items */
Datum
pref_elo_accum_text(PG_FUNCTION_ARGS)
{
	return EloAccum(fcinfo, true);
}

PG_FUNCTION_INFO_V1(pref_elo_final);

/* elo final: jsonb object item -> rating; NULL when no row was used */
Datum
pref_elo_final(PG_FUNCTION_ARGS)
{
	EloState   *st;
	StringInfoData buf;
	char		num[DOUBLE_SHORTEST_DECIMAL_LEN];

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	st = (EloState *) PG_GETARG_POINTER(0);
	if (st->rows_used == 0)
		PG_RETURN_NULL();
	initStringInfo(&buf);
	appendStringInfoChar(&buf, '{');
	for (int i = 0; i < st->items->nitems; i++)
	{
		if (i > 0)
			appendStringInfoString(&buf, ", ");
		if (st->items->text)
			escape_json(&buf, st->items->strs[i]);
		else
			appendStringInfo(&buf, "\"" INT64_FORMAT "\"", st->items->keys[i]);
		double_to_shortest_decimal_buf(st->rating[i], num);
		appendStringInfo(&buf, ": %s", num);
	}
	appendStringInfoChar(&buf, '}');
	return DirectFunctionCall1(jsonb_in, CStringGetDatum(buf.data));
}
