/*
 * plackett_luce.c - the pref.plackett_luce(pref.ranking [, prior])
 * aggregate: rankings are collected in a pref.ranking_state (an expanded
 * object in memory, src/state.h; combine appends), then fitted by Hunter's
 * MM (pl_core.c) over the canonical problem of the rankings (pl_model.h:
 * tied items sorted, rankings sorted, duplicates merged into weights), so
 * that the answer does not depend on the order of the rows, on the parallel
 * plan or on the order tied items were written in.
 * Result: jsonb with the centred log-worths per item and the fit's report.
 *
 * Flat form of pref.ranking_state (little-endian):
 *   uint8 version (1), uint8 flags (bit 0: a prior was given; others zero),
 *   uint16 reserved (zero), int32 reserved (zero), int64 rankings,
 *   int64 rows skipped, float8 prior (finite, >= 0; zero without bit 0);
 *   then per ranking: int32 items n, int64 item[n], int32 group[n] (groups
 *   start at 0 and grow by at most 1; items distinct).
 */
#include "postgres.h"

#include <math.h>

#include "common/int.h"
#include "common/shortest_dec.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "utils/memutils.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"

#include "bt_core.h"
#include "common.h"
#include "linalg.h"
#include "pl_core.h"
#include "pl_model.h"
#include "prefdata.h"
#include "state.h"

#define PL_STATE_VERSION	1
#define PL_FLAG_PRIOR		0x01
#define PL_TYPE				"pref.ranking_state"

/* Collected rankings: pref.ranking values, each MAXALIGNed */
typedef struct PlState
{
	char	   *buf;
	Size		len;
	Size		cap;
	int64		nrank;
	int64		skipped;
	double		prior;
	bool		has_prior;
} PlState;

/* Header of the flat form */
typedef struct PlWireHeader
{
	uint8		version;
	uint8		flags;
	uint16		reserved16;
	int32		reserved32;
	int64		nrank;
	int64		skipped;
	double		prior;
} PlWireHeader;

static struct varlena *PlFlatten(void *state);
static void *PlExpand(const struct varlena *flat, MemoryContext ctx);

static const PrefStateMethods PlMethods = {
	PL_TYPE,
	PlFlatten,
	PlExpand
};

/* Ensure room for n more bytes (MAXALIGNed) in the state buffer */
static char *
PlReserve(PlState *st, Size n)
{
	Size		need = st->len + MAXALIGN(n);
	char	   *dst;

	if (need > MaxAllocHugeSize / 2)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("pref.plackett_luce input exceeds %zu bytes", (Size) MaxAllocHugeSize / 2)));
	if (need > st->cap)
	{
		Size		cap = Max(st->cap * 2, Max(need, 8192));

		st->buf = st->buf ? repalloc_huge(st->buf, cap)
			: MemoryContextAllocExtended(GetMemoryChunkContext(st), cap, MCXT_ALLOC_HUGE);
		st->cap = cap;
	}
	dst = st->buf + st->len;
	memset(dst + n, 0, MAXALIGN(n) - n);
	st->len = need;
	return dst;
}

/* Append bytes (whole rankings) to the state buffer */
static void
PlAppend(PlState *st, const void *data, Size n)
{
	memcpy(PlReserve(st, n), data, n);
}

/* New empty state in ctx */
static PlState *
PlNew(MemoryContext ctx)
{
	return MemoryContextAllocZero(ctx, sizeof(PlState));
}

/* The ranking at byte offset pos of a state buffer */
#define PL_RANKING_AT(st, pos) ((PrefRanking *) ((st)->buf + (pos)))

/* ---- flat form ----------------------------------------------------------- */

/* Write a state as its flat varlena (see the file header) */
static struct varlena *
PlFlatten(void *state)
{
	PlState    *st = (PlState *) state;
	PlWireHeader h = {0};
	Size		size = VARHDRSZ + sizeof(h);
	Size		pos;
	struct varlena *flat;
	char	   *p;

	for (pos = 0; pos < st->len; pos += MAXALIGN(VARSIZE(PL_RANKING_AT(st, pos))))
	{
		size += sizeof(int32) + (Size) PL_RANKING_AT(st, pos)->nitems * (sizeof(int64) + sizeof(int32));
		if (size > MaxAllocSize)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("%s of " INT64_FORMAT " rankings exceeds 1 GB", PL_TYPE, st->nrank),
					 errhint("Fit smaller groups, or collect fewer rankings per group.")));
	}
	flat = palloc(size);
	SET_VARSIZE(flat, size);
	h.version = PL_STATE_VERSION;
	h.flags = st->has_prior ? PL_FLAG_PRIOR : 0;
	h.nrank = st->nrank;
	h.skipped = st->skipped;
	h.prior = st->has_prior ? st->prior : 0;
	p = VARDATA(flat);
	memcpy(p, &h, sizeof(h));
	p += sizeof(h);
	for (pos = 0; pos < st->len; pos += MAXALIGN(VARSIZE(PL_RANKING_AT(st, pos))))
	{
		PrefRanking *r = PL_RANKING_AT(st, pos);
		int32		n = r->nitems;

		memcpy(p, &n, sizeof(n));
		p += sizeof(n);
		memcpy(p, r->items, sizeof(int64) * n);
		p += sizeof(int64) * n;
		memcpy(p, RANKING_GROUPS(r), sizeof(int32) * n);
		p += sizeof(int32) * n;
	}
	Assert(p == (char *) flat + size);
	return flat;
}

/* qsort comparator for int64 */
static int
CmpInt64(const void *a, const void *b)
{
	int64		x = *(const int64 *) a,
				y = *(const int64 *) b;

	return x < y ? -1 : x > y ? 1 : 0;
}

/* Validate a flat state completely and build it in ctx */
static void *
PlExpand(const struct varlena *flat, MemoryContext ctx)
{
	PrefWire	w;
	PlWireHeader h;
	PlState    *st;
	int64		count = 0;
	int64	   *sorted = NULL;
	int32		sortcap = 0;

	PrefWireInit(&w, flat, PL_TYPE);
	PrefWireRead(&w, &h, sizeof(h));
	PrefWireCheck(&w, h.version == PL_STATE_VERSION,
				  psprintf("Version %d is not supported (expected %d).", h.version, PL_STATE_VERSION));
	PrefWireCheck(&w, (h.flags & ~PL_FLAG_PRIOR) == 0 && h.reserved16 == 0 && h.reserved32 == 0,
				  "The reserved fields are not zero.");
	PrefWireCheck(&w, h.nrank >= 0 && h.skipped >= 0, "A row count is negative.");
	PrefWireCheck(&w, isfinite(h.prior) && h.prior >= 0, "The prior is not a finite number >= 0.");
	PrefWireCheck(&w, (h.flags & PL_FLAG_PRIOR) != 0 || h.prior == 0,
				  "The prior is not zero although no prior was given.");
	/* every ranking takes at least 16 bytes on the wire */
	PrefWireCheck(&w, (double) h.nrank * 16 <= (double) PrefWireLeft(&w),
				  psprintf("The ranking count in the header (" INT64_FORMAT ") exceeds what the payload can hold.", h.nrank));

	st = PlNew(ctx);
	st->nrank = h.nrank;
	st->skipped = h.skipped;
	st->prior = h.prior;
	st->has_prior = (h.flags & PL_FLAG_PRIOR) != 0;
	while (PrefWireLeft(&w) > 0)
	{
		int32		n;
		PrefRanking *r;
		int32	   *g;

		PrefWireRead(&w, &n, sizeof(n));
		PrefWireCheck(&w, n >= 1 && n <= RANKING_MAX_ITEMS,
					  psprintf("Ranking " INT64_FORMAT " has %d items, out of range (1 to %d).",
							   count + 1, n, RANKING_MAX_ITEMS));
		PrefWireCheck(&w, (Size) n * (sizeof(int64) + sizeof(int32)) <= PrefWireLeft(&w), "The value is truncated.");
		r = (PrefRanking *) PlReserve(st, RANKING_SIZE(n));
		memset(r, 0, offsetof(PrefRanking, items));
		SET_VARSIZE(r, RANKING_SIZE(n));
		r->version = RANKING_VERSION;
		r->nitems = n;
		g = RANKING_GROUPS(r);
		PrefWireReadArray(&w, r->items, n, sizeof(int64));
		PrefWireReadArray(&w, g, n, sizeof(int32));
		for (int i = 0; i < n; i++)
			if ((i == 0 && g[i] != 0) || (i > 0 && g[i] != g[i - 1] && g[i] != g[i - 1] + 1))
				PrefStateCorrupt(PL_TYPE,
								 psprintf("Ranking " INT64_FORMAT " has group numbers that do not start at 0 and grow by at most 1.",
										  count + 1));
		r->ngroups = g[n - 1] + 1;
		if (n > sortcap)
		{
			sortcap = Max(n, 64);
			sorted = sorted ? repalloc(sorted, sizeof(int64) * sortcap) : palloc(sizeof(int64) * sortcap);
		}
		memcpy(sorted, r->items, sizeof(int64) * n);
		qsort(sorted, n, sizeof(int64), CmpInt64);
		for (int i = 1; i < n; i++)
			if (sorted[i] == sorted[i - 1])
				PrefStateCorrupt(PL_TYPE,
								 psprintf("Ranking " INT64_FORMAT " holds item " INT64_FORMAT " twice.",
										  count + 1, sorted[i]));
		count++;
		CHECK_FOR_INTERRUPTS();
	}
	PrefWireEnd(&w);
	if (sorted)
		pfree(sorted);
	PrefWireCheck(&w, count == h.nrank,
				  psprintf("The ranking count in the header (" INT64_FORMAT
						   ") differs from the rankings in the payload (" INT64_FORMAT ").", h.nrank, count));
	return st;
}

/* ---- type I/O ------------------------------------------------------------ */

/* Text ("v1:" + base64) and binary I/O, validated on input */
PGPREF_STATE_TYPE_IO(ranking_state, &PlMethods)

/* ---- transition and combine --------------------------------------------- */

/* Record the prior of a group: the same for every row that gives one */
static void
SetPrior(PlState *st, double prior)
{
	if (st->has_prior && st->prior != prior)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("prior must be the same for every row of a group"),
				 errdetail("Got %g and %g.", st->prior, prior)));
	st->prior = prior;
	st->has_prior = true;
}

/* Transition body: add the ranking in argument 1 (or count a NULL row) */
static Datum
PlAccum(FunctionCallInfo fcinfo, bool with_prior)
{
	MemoryContext ctx = PrefStateContext(fcinfo);
	PrefState  *ps = PrefStateArg(fcinfo, 0, &PlMethods, ctx);
	PlState    *st;

	if (with_prior)
	{
		/* an option of the whole aggregate: NULL is an error naming it */
		PrefCheckNotNull(fcinfo, 2, "prior");
		PrefCheckPrior(PG_GETARG_FLOAT8(2));
	}
	if (ps == NULL)
	{
		ps = PrefStateCreate(&PlMethods, ctx);
		ps->state = PlNew(PrefStateMemory(ps));
	}
	st = ps->state;
	if (with_prior)
		SetPrior(st, PG_GETARG_FLOAT8(2));
	if (PG_ARGISNULL(1))
		st->skipped++;
	else
	{
		PrefRanking *r = PG_GETARG_RANKING_P(1);

		PlAppend(st, r, VARSIZE(r));
		st->nrank++;
	}
	PG_RETURN_DATUM(PrefStateDatum(ps));
}

PG_FUNCTION_INFO_V1(pref_plackett_luce_accum);

/* plackett_luce transition: (state, ranking); NULL rankings counted as skipped */
Datum
pref_plackett_luce_accum(PG_FUNCTION_ARGS)
{
	return PlAccum(fcinfo, false);
}

PG_FUNCTION_INFO_V1(pref_plackett_luce_accum_prior);

/* plackett_luce transition: (state, ranking, prior); the prior is the same for every row */
Datum
pref_plackett_luce_accum_prior(PG_FUNCTION_ARGS)
{
	return PlAccum(fcinfo, true);
}

/* An empty state (for combine) */
static void *
PlEmptyLike(MemoryContext ctx, const void *like pg_attribute_unused())
{
	return PlNew(ctx);
}

/* Append b's rankings to a (a == b on a direct call passing one object twice) */
static void
PlMerge(void *into, void *from, MemoryContext ctx pg_attribute_unused())
{
	PlState    *a = into;
	PlState    *b = from;

	if (b->has_prior)
		SetPrior(a, b->prior);
	if (pg_add_s64_overflow(a->nrank, b->nrank, &a->nrank) ||
		pg_add_s64_overflow(a->skipped, b->skipped, &a->skipped))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("%s row count out of range", PL_TYPE)));
	if (b->len > 0)
	{
		/* a direct call may pass one object twice: copy before growing */
		const char *src = a == b ? memcpy(palloc_extended(b->len, MCXT_ALLOC_HUGE), b->buf, b->len) : b->buf;

		PlAppend(a, src, b->len);
	}
}

PG_FUNCTION_INFO_V1(pref_plackett_luce_combine);

/* Combine: append the second state's rankings (either state may be NULL) */
Datum
pref_plackett_luce_combine(PG_FUNCTION_ARGS)
{
	return PrefStateCombine(fcinfo, &PlMethods, PrefStateContext(fcinfo),
							PlEmptyLike, PlMerge);
}

/* ---- canonical problem ---------------------------------------------------- */

/* Interrupt callback for the core */
void
PlInterrupt(void)
{
	CHECK_FOR_INTERRUPTS();
}

/* qsort comparator for int */
static int
CmpInt(const void *a, const void *b)
{
	int			x = *(const int *) a,
				y = *(const int *) b;

	return x < y ? -1 : x > y ? 1 : 0;
}

/* Rankings being sorted: their arrays */
typedef struct PlSortCtx
{
	const int  *off;
	const int  *item;
	const int  *group;
} PlSortCtx;

/* qsort_arg comparator: rankings (by index) by length, then items, then groups */
static int
CmpRankingIdx(const void *a, const void *b, void *arg)
{
	const PlSortCtx *c = (const PlSortCtx *) arg;
	int			x = *(const int *) a,
				y = *(const int *) b;
	int			bx = c->off[x],
				by = c->off[y],
				lx = c->off[x + 1] - bx,
				ly = c->off[y + 1] - by;

	if (lx != ly)
		return lx < ly ? -1 : 1;
	for (int k = 0; k < lx; k++)
		if (c->item[bx + k] != c->item[by + k])
			return c->item[bx + k] < c->item[by + k] ? -1 : 1;
	for (int k = 0; k < lx; k++)
		if (c->group[bx + k] != c->group[by + k])
			return c->group[bx + k] < c->group[by + k] ? -1 : 1;
	return 0;
}

/*
 * Canonical problem of rankings given by item index: items sorted within
 * each group, rankings sorted, identical rankings merged into one whose
 * weight is their summed weight, rankings of weight zero dropped
 */
void
PlCanonicalize(int n, int nrank, const int *off, const int *item, const int *group,
			   const double *weight, PlProblem *p)
{
	int			total = off[nrank];
	int		   *it = palloc_extended(sizeof(int) * Max(total, 1), MCXT_ALLOC_HUGE);
	int		   *order = palloc_extended(sizeof(int) * Max(nrank, 1), MCXT_ALLOC_HUGE);
	int		   *noff = palloc_extended(sizeof(int) * (nrank + 1), MCXT_ALLOC_HUGE);
	int		   *nitem = palloc_extended(sizeof(int) * Max(total, 1), MCXT_ALLOC_HUGE);
	int		   *ngroup = palloc_extended(sizeof(int) * Max(total, 1), MCXT_ALLOC_HUGE);
	double	   *nw = palloc_extended(sizeof(double) * Max(nrank, 1), MCXT_ALLOC_HUGE);
	PlSortCtx	ctx = {off, it, group};
	int			d = 0;

	memcpy(it, item, sizeof(int) * total);
	for (int r = 0; r < nrank; r++)
	{
		for (int k = off[r]; k < off[r + 1];)
		{
			int			ge = k;

			while (ge < off[r + 1] && group[ge] == group[k])
				ge++;
			if (ge - k > 1)
				qsort(it + k, ge - k, sizeof(int), CmpInt);
			k = ge;
		}
		order[r] = r;
		if ((r & 1023) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	qsort_arg(order, nrank, sizeof(int), CmpRankingIdx, &ctx);
	noff[0] = 0;
	for (int i = 0; i < nrank;)
	{
		int			j = i;
		double		w = 0;

		while (j < nrank && (j == i || CmpRankingIdx(&order[i], &order[j], &ctx) == 0))
		{
			w += weight ? weight[order[j]] : 1.0;
			j++;
		}
		if (w > 0)
		{
			int			src = off[order[i]],
						len = off[order[i] + 1] - src;

			memcpy(nitem + noff[d], it + src, sizeof(int) * len);
			memcpy(ngroup + noff[d], group + src, sizeof(int) * len);
			nw[d] = w;
			noff[d + 1] = noff[d] + len;
			d++;
		}
		i = j;
	}
	pfree(it);
	pfree(order);
	p->n = n;
	p->nrank = d;
	p->off = noff;
	p->item = nitem;
	p->group = ngroup;
	p->weight = nw;
}

/* Canonical problem of a pref.ranking_state; NULL when it holds no rankings */
PlData *
PlStateData(Datum state, const char *caller)
{
	PlState    *st = PrefStateRead(state, &PlMethods);
	PlData	   *dat;
	int64		total = 0;
	int64	   *keys;
	int			n = 0,
				r = 0;
	int		   *off,
			   *item,
			   *group;
	Size		pos;

	if (st->nrank == 0)
		return NULL;
	if (st->nrank > PG_INT32_MAX / 2)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("%s takes at most %d rankings", caller, PG_INT32_MAX / 2)));
	for (pos = 0; pos < st->len; pos += MAXALIGN(VARSIZE(st->buf + pos)))
		total += ((PrefRanking *) (st->buf + pos))->nitems;
	if (total > PG_INT32_MAX / 8)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("%s takes at most %d ranked positions in all", caller, PG_INT32_MAX / 8)));
	PrefCheckMemory((double) total * (8 + 4 * 6 + 16 * 8) + (double) st->nrank * (4 * 3 + 8 * 2), caller);

	/* item keys, sorted and unique */
	keys = palloc_extended(sizeof(int64) * Max(total, 1), MCXT_ALLOC_HUGE);
	for (pos = 0; pos < st->len; pos += MAXALIGN(VARSIZE(st->buf + pos)))
	{
		PrefRanking *rk = (PrefRanking *) (st->buf + pos);

		memcpy(keys + n, rk->items, sizeof(int64) * rk->nitems);
		n += rk->nitems;
	}
	qsort(keys, n, sizeof(int64), CmpInt64);
	{
		int			u = 0;

		for (int i = 0; i < n; i++)
			if (i == 0 || keys[i] != keys[u - 1])
				keys[u++] = keys[i];
		n = u;
	}
	if (n < 2)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("a Plackett-Luce fit needs at least two items"),
				 errdetail("The rankings hold %d.", n)));

	/* the rankings by item index, in state order */
	off = palloc_extended(sizeof(int) * (st->nrank + 1), MCXT_ALLOC_HUGE);
	item = palloc_extended(sizeof(int) * total, MCXT_ALLOC_HUGE);
	group = palloc_extended(sizeof(int) * total, MCXT_ALLOC_HUGE);
	off[0] = 0;
	for (pos = 0; pos < st->len; pos += MAXALIGN(VARSIZE(st->buf + pos)))
	{
		PrefRanking *rk = (PrefRanking *) (st->buf + pos);
		int32	   *g = RANKING_GROUPS(rk);
		int			b;

		if (r >= st->nrank)
			elog(ERROR, "pref.ranking_state holds more than " INT64_FORMAT " rankings", st->nrank);
		b = off[r];
		for (int k = 0; k < rk->nitems; k++)
		{
			item[b + k] = (int) PrefFindInt64(keys, n, rk->items[k]);
			group[b + k] = g[k];
		}
		off[r + 1] = b + rk->nitems;
		r++;
	}
	if (r != st->nrank)
		elog(ERROR, "pref.ranking_state holds %d rankings, not " INT64_FORMAT, r, st->nrank);

	dat = palloc0(sizeof(PlData));
	dat->n = n;
	dat->keys = keys;
	dat->rows_used = st->nrank;
	dat->rows_skipped = st->skipped;
	dat->has_prior = st->has_prior;
	PlCanonicalize(n, r, off, item, group, NULL, &dat->p);
	pfree(off);
	pfree(item);
	pfree(group);
	dat->p.prior = st->prior;
	dat->p.max_iter = 100000;
	dat->p.tol = 1e-10;
	dat->p.interrupt = PlInterrupt;
	return dat;
}

/* ---- existence and covariance ---------------------------------------------- */

/*
 * Strongly connected components of the ranking graph: an edge from every
 * item to each item ranked below it in some ranking of positive weight
 * (and both ways within a tied choice group).  Virtual nodes keep it
 * linear: G_s -> v -> G_{s+1}, and G_s -> u -> G_s for a tied choice group.
 */
static int
PlComponents(const PlProblem *p)
{
	int			total = p->off[p->nrank];
	int			nv = 0;
	BtCell	   *cells = palloc_extended(sizeof(BtCell) * ((Size) 4 * total + 1), MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);
	int			nc = 0;
	BtProblem	g = {0};
	int		   *comp,
			   *iwork;
	int			ncomp;

	for (int r = 0; r < p->nrank; r++)
	{
		int			b = p->off[r],
					e = p->off[r + 1],
					lastg = p->group[e - 1];

		if (p->weight && p->weight[r] <= 0)
			continue;
		for (int k = b; k < e;)
		{
			int			grp = p->group[k],
						ge = k;

			while (ge < e && p->group[ge] == grp)
				ge++;
			if (grp < lastg)
			{
				int			v = p->n + nv++;

				for (int j = k; j < ge; j++)
				{
					cells[nc].a = p->item[j];
					cells[nc].b = v;
					cells[nc++].wa = 1;
				}
				for (int j = ge; j < e && p->group[j] == grp + 1; j++)
				{
					cells[nc].a = v;
					cells[nc].b = p->item[j];
					cells[nc++].wa = 1;
				}
				if (ge - k > 1)
				{
					int			u = p->n + nv++;

					for (int j = k; j < ge; j++)
					{
						cells[nc].a = p->item[j];
						cells[nc].b = u;
						cells[nc].wa = 1;
						cells[nc++].wb = 1;
					}
				}
			}
			k = ge;
		}
	}
	g.n = p->n + nv;
	g.ncells = nc;
	g.cells = cells;
	g.ties = BT_TIES_NONE;
	comp = palloc(sizeof(int) * g.n);
	iwork = palloc_extended(sizeof(int) * bt_components_iwork(&g), MCXT_ALLOC_HUGE);
	ncomp = bt_components(&g, comp, iwork);
	pfree(comp);
	pfree(iwork);
	pfree(cells);
	return ncomp;
}

/* Whether the ranking graph is strongly connected (the MLE exists) */
bool
PlGraphConnected(const PlProblem *p)
{
	return PlComponents(p) <= 1;
}

/* Error unless the MLE exists (prior 0): the ranking graph strongly connected */
void
PlCheckExistence(const PlProblem *p, const int64 *keys, const char *hint)
{
	double	   *wins,
			   *lost;
	StringInfoData d;
	int			listed = 0;

	if (PlGraphConnected(p))
		return;
	wins = palloc0(sizeof(double) * p->n);
	lost = palloc0(sizeof(double) * p->n);
	pl_wins(p, wins);
	for (int r = 0; r < p->nrank; r++)
		for (int k = p->off[r]; k < p->off[r + 1]; k++)
			if (p->group[k] > 0)
				lost[p->item[k]] += 1;
	initStringInfo(&d);
	for (int i = 0; i < p->n && listed < 5; i++)
		if (wins[i] == 0 || lost[i] == 0)
			appendStringInfo(&d, "%sitem " INT64_FORMAT " was never %s", listed++ ? "; " : "", keys[i],
							 wins[i] == 0 && lost[i] == 0 ? "ranked apart from others" :
							 wins[i] == 0 ? "chosen ahead of another" : "ranked below another");
	if (listed == 0)
		appendStringInfoString(&d, "some items are never ranked below items of another group");
	ereport(ERROR,
			(errcode(ERRCODE_DATA_EXCEPTION),
			 errmsg("the maximum likelihood estimate does not exist"),
			 errdetail("The ranking graph is not strongly connected: %s.", d.data),
			 errhint("%s", hint)));
}

/*
 * Covariance of the centred log-worths from the observed information H
 * (plus the prior precision lambda on the diagonal) under the sum-to-zero
 * constraint, as for Bradley-Terry: H 1 = 0, so with J = 11'/n,
 * cov = (H + lambda I + J)^-1 - J / (1 + lambda) (the inverse on the
 * subspace sum theta = 0).  The sandwich is cov G cov with G the sum over
 * rankings of weight times the score's outer product.
 */
double *
PlCovariance(const PlProblem *p, const double *theta, double **robust, bool soft, const char *what)
{
	int			n = p->n;
	size_t		n2 = (size_t) n * n;
	double		bytes = ((robust ? 3.0 : 1.0) * n2 + (double) pl_information_work(p) * 2 + n) * 8.0;
	double	   *H,
			   *work;
	double		lambda = p->prior;

	if (soft && (bytes > (double) pgpref_max_memory_kb * 1024.0 || bytes > (double) MaxAllocHugeSize))
		return NULL;
	PrefCheckMemory(bytes, what);
	H = palloc_extended(sizeof(double) * n2, MCXT_ALLOC_HUGE);
	work = palloc_extended(sizeof(double) * pl_information_work(p) * 2, MCXT_ALLOC_HUGE);
	pl_information(p, theta, H, work);
	for (size_t k = 0; k < n2; k++)
		H[k] += 1.0 / n;
	for (int i = 0; i < n; i++)
		H[(size_t) i * n + i] += lambda;
	PrefApplyBlasThreads();
	PrefLinalgError(linalg_spd_inverse(n, H), what);
	for (size_t k = 0; k < n2; k++)
		H[k] -= 1.0 / n / (1.0 + lambda);
	if (robust != NULL)
	{
		double	   *G = palloc_extended(sizeof(double) * n2, MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);
		double	   *T = palloc_extended(sizeof(double) * n2, MCXT_ALLOC_HUGE);
		double	   *pi = work,
				   *g = work + n,
				   *s = g + (pl_information_work(p) - n);

		for (int i = 0; i < n; i++)
			pi[i] = exp(theta[i]);
		for (int r = 0; r < p->nrank; r++)
		{
			int			b = p->off[r],
						len = p->off[r + 1] - b;
			double		w = p->weight ? p->weight[r] : 1.0;

			if ((r & 255) == 0)
				CHECK_FOR_INTERRUPTS();
			pl_ranking_score(p, r, pi, g, s);
			for (int u = 0; u < len; u++)
			{
				double	   *row = G + (size_t) p->item[b + u] * n;

				for (int v = 0; v < len; v++)
					row[p->item[b + v]] += w * g[u] * g[v];
			}
		}
		linalg_gemm(0, 0, n, n, n, 1.0, H, G, 0.0, T);
		linalg_gemm(0, 0, n, n, n, 1.0, T, H, 0.0, G);
		pfree(T);
		*robust = G;
	}
	pfree(work);
	return H;
}

/* ---- the jsonb fit ------------------------------------------------------- */

PG_FUNCTION_INFO_V1(pref_plackett_luce_final);

/* Final: fit the canonical problem (see pl_model.h) and report as jsonb; NULL without rankings */
Datum
pref_plackett_luce_final(PG_FUNCTION_ARGS)
{
	PlData	   *dat;
	PlProblem  *p;
	int			n;
	double	   *theta,
			   *work,
			   *cov,
				loglik;
	int			iters,
				conv,
				rc;
	StringInfoData buf;
	char		num[DOUBLE_SHORTEST_DECIMAL_LEN];

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	dat = PlStateData(PG_GETARG_DATUM(0), "pref.plackett_luce");
	if (dat == NULL)
		PG_RETURN_NULL();
	p = &dat->p;
	n = dat->n;
	if (p->prior == 0)
		PlCheckExistence(p, dat->keys, "Pass a prior, for example pref.plackett_luce(r, 0.01), or add rankings.");
	theta = palloc(sizeof(double) * n);
	work = palloc_extended(sizeof(double) * pl_work_size(p), MCXT_ALLOC_HUGE);
	rc = pl_fit(p, theta, work, &loglik, &iters, &conv);
	if (rc != PL_OK)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("Plackett-Luce fit failed"),
				 errhint("Pass a prior, for example pref.plackett_luce(r, 0.01).")));

	initStringInfo(&buf);
	appendStringInfo(&buf, "{\"items\": %d, \"rows_used\": " INT64_FORMAT ", \"rows_skipped\": " INT64_FORMAT
					 ", \"iterations\": %d, \"converged\": %s, \"loglik\": ",
					 n, dat->rows_used, dat->rows_skipped, iters, conv ? "true" : "false");
	double_to_shortest_decimal_buf(loglik, num);
	appendStringInfoString(&buf, num);
	double_to_shortest_decimal_buf(p->prior, num);
	appendStringInfo(&buf, ", \"prior\": %s, \"theta\": {", num);
	for (int i = 0; i < n; i++)
	{
		double_to_shortest_decimal_buf(theta[i], num);
		appendStringInfo(&buf, "%s\"" INT64_FORMAT "\": %s", i ? ", " : "", dat->keys[i], num);
	}
	appendStringInfoString(&buf, "}, \"std_error\": ");
	cov = PlCovariance(p, theta, NULL, true, "pref.plackett_luce standard errors");
	if (cov == NULL)
	{
		ereport(NOTICE,
				(errmsg("standard errors of %d items need more memory than pgpref.max_memory (%d kB)",
						n, pgpref_max_memory_kb),
				 errdetail("std_error is null."),
				 errhint("Raise pgpref.max_memory.")));
		appendStringInfoString(&buf, "null");
	}
	for (int i = 0; cov != NULL && i < n; i++)
	{
		double_to_shortest_decimal_buf(sqrt(fmax(cov[(size_t) i * n + i], 0)), num);
		appendStringInfo(&buf, "%s\"" INT64_FORMAT "\": %s", i ? ", " : "{", dat->keys[i], num);
	}
	appendStringInfoString(&buf, cov != NULL ? "}}" : "}");
	return DirectFunctionCall1(jsonb_in, CStringGetDatum(buf.data));
}
