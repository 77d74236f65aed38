/*
 * plackett_luce.c - the pref.plackett_luce(pref.ranking [, prior])
 * aggregate: rankings are collected in a pref.ranking_state (an expanded
 * object in memory, src/state.h; combine appends), then fitted by Hunter's
 * MM (pl_core.c) over the rankings in a canonical order, so that the
 * answer does not depend on the order of the rows or on the parallel plan.
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

/* Error unless a prior is finite and not negative */
static void
CheckPrior(double prior)
{
	if (!isfinite(prior) || prior < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("prior must be finite and not negative")));
}

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

	if (with_prior && !PG_ARGISNULL(2))
		CheckPrior(PG_GETARG_FLOAT8(2));
	if (ps == NULL)
	{
		ps = PrefStateCreate(&PlMethods, ctx);
		ps->state = PlNew(PrefStateMemory(ps));
	}
	st = ps->state;
	if (with_prior && !PG_ARGISNULL(2))
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

PG_FUNCTION_INFO_V1(pref_plackett_luce_combine);

/* Combine: append the second state's rankings (either state may be NULL) */
Datum
pref_plackett_luce_combine(PG_FUNCTION_ARGS)
{
	MemoryContext ctx = PrefStateContext(fcinfo);
	PrefState  *ps = PrefStateArg(fcinfo, 0, &PlMethods, ctx);
	PlState    *a,
			   *b;

	if (PG_ARGISNULL(1))
	{
		if (ps == NULL)
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PrefStateDatum(ps));
	}
	b = PrefStateRead(PG_GETARG_DATUM(1), &PlMethods);
	if (ps == NULL)
	{
		ps = PrefStateCreate(&PlMethods, ctx);
		ps->state = PlNew(PrefStateMemory(ps));
	}
	a = ps->state;
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
	PG_RETURN_DATUM(PrefStateDatum(ps));
}

/* ---- fit ------------------------------------------------------------------- */

/* Index of key in sorted keys[n] */
static int
FindKey(const int64 *keys, int n, int64 key)
{
	int			lo = 0,
				hi = n - 1;

	while (lo <= hi)
	{
		int			mid = lo + (hi - lo) / 2;

		if (keys[mid] == key)
			return mid;
		if (keys[mid] < key)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}

/* Interrupt callback for the core */
static void
PlInterrupt(void)
{
	CHECK_FOR_INTERRUPTS();
}

/*
 * Error unless the MLE exists: the graph with an edge from every item to
 * each item ranked below it in some ranking (and both ways within a tied
 * choice group) must be strongly connected.  Virtual nodes keep it linear:
 * G_s -> v -> G_{s+1}, and G_s -> u -> G_s for a tied choice group.
 */
static void
PlCheckExistence(const PlProblem *p, const int64 *keys)
{
	int			total = p->off[p->nrank];
	int			nv = 0;
	BtCell	   *cells = palloc_extended(sizeof(BtCell) * ((Size) 4 * total + 1), MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);
	int			nc = 0;
	BtProblem	g = {0};
	int		   *comp,
			   *iwork;
	double	   *wins,
			   *lost;
	StringInfoData d;
	int			listed = 0,
				ncomp;

	for (int r = 0; r < p->nrank; r++)
	{
		int			b = p->off[r],
					e = p->off[r + 1],
					lastg = p->group[e - 1];

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
	if (ncomp <= 1)
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
			 errhint("Pass a prior, for example pref.plackett_luce(r, 0.01), or add rankings.")));
}

/*
 * Standard errors of the centred log-worths from the observed information
 * H (plus the prior precision lambda on the diagonal) under the
 * sum-to-zero constraint: H 1 = 0, so with J = 11'/n,
 * cov = (H + lambda I + J)^-1 - J / (1 + lambda) (the inverse on the
 * subspace sum theta = 0).  Returns NULL (no standard errors) when the
 * n x n matrix would exceed pgpref.max_memory.
 */
static double *
PlStdErrors(const PlProblem *p, const double *theta)
{
	int			n = p->n;
	double		bytes = ((double) n * n + (double) pl_information_work(p)) * 8.0;
	double	   *H,
			   *work,
			   *se;
	double		lambda = p->prior;

	if (bytes > (double) pgpref_max_memory_kb * 1024.0 || bytes > (double) MaxAllocHugeSize)
	{
		ereport(NOTICE,
				(errmsg("standard errors of %d items need more memory than pgpref.max_memory (%d kB)",
						n, pgpref_max_memory_kb),
				 errdetail("std_error is null."),
				 errhint("Raise pgpref.max_memory.")));
		return NULL;
	}
	H = palloc_extended(sizeof(double) * (size_t) n * n, MCXT_ALLOC_HUGE);
	work = palloc(sizeof(double) * pl_information_work(p));
	pl_information(p, theta, H, work);
	for (size_t k = 0; k < (size_t) n * n; k++)
		H[k] += 1.0 / n;
	for (int i = 0; i < n; i++)
		H[(size_t) i * n + i] += lambda;
	PrefApplyBlasThreads();
	PrefLinalgError(linalg_spd_inverse(n, H), "pref.plackett_luce standard errors");
	se = palloc(sizeof(double) * n);
	for (int i = 0; i < n; i++)
		se[i] = sqrt(fmax(H[(size_t) i * n + i] - 1.0 / n / (1.0 + lambda), 0));
	pfree(H);
	pfree(work);
	return se;
}

/* qsort comparator: rankings by size, then items, then groups */
static int
CmpRanking(const void *a, const void *b)
{
	const PrefRanking *x = *(PrefRanking *const *) a;
	const PrefRanking *y = *(PrefRanking *const *) b;
	const int32 *gx,
			   *gy;

	if (x->nitems != y->nitems)
		return x->nitems < y->nitems ? -1 : 1;
	for (int i = 0; i < x->nitems; i++)
		if (x->items[i] != y->items[i])
			return x->items[i] < y->items[i] ? -1 : 1;
	gx = RANKING_GROUPS(x);
	gy = RANKING_GROUPS(y);
	for (int i = 0; i < x->nitems; i++)
		if (gx[i] != gy[i])
			return gx[i] < gy[i] ? -1 : 1;
	return 0;
}

PG_FUNCTION_INFO_V1(pref_plackett_luce_final);

/* Final: fit the rankings in canonical order and report as jsonb; NULL without rankings */
Datum
pref_plackett_luce_final(PG_FUNCTION_ARGS)
{
	PlState    *st;
	PrefRanking **order;
	int64		total = 0;
	int64	   *keys;
	int			n = 0;
	int		   *off,
			   *item,
			   *group,
			   *seen;
	Size		pos;
	int			r = 0;
	PlProblem	p = {0};
	double	   *theta,
			   *work,
			   *se,
				loglik;
	int			iters,
				conv,
				rc;
	StringInfoData buf;
	char		num[DOUBLE_SHORTEST_DECIMAL_LEN];

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	st = PrefStateRead(PG_GETARG_DATUM(0), &PlMethods);
	if (st->nrank == 0)
		PG_RETURN_NULL();
	if (st->nrank > PG_INT32_MAX / 2)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("pref.plackett_luce takes at most %d rankings", PG_INT32_MAX / 2)));
	for (pos = 0; pos < st->len; pos += MAXALIGN(VARSIZE(st->buf + pos)))
		total += ((PrefRanking *) (st->buf + pos))->nitems;
	if (total > PG_INT32_MAX / 8)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("pref.plackett_luce takes at most %d ranked positions in all", PG_INT32_MAX / 8)));
	PrefCheckMemory((double) total * (8 + 4 + 4 + 16 * 8) + (double) st->nrank * (4 + sizeof(PrefRanking *)),
					"pref.plackett_luce");

	/* the rankings in canonical order: the fit does not depend on row order */
	order = palloc_extended(sizeof(PrefRanking *) * st->nrank, MCXT_ALLOC_HUGE);
	for (pos = 0; pos < st->len; pos += MAXALIGN(VARSIZE(st->buf + pos)))
	{
		if (r >= st->nrank)
			elog(ERROR, "pref.ranking_state holds more than " INT64_FORMAT " rankings", st->nrank);
		order[r++] = (PrefRanking *) (st->buf + pos);
	}
	if (r != st->nrank)
		elog(ERROR, "pref.ranking_state holds %d rankings, not " INT64_FORMAT, r, st->nrank);
	qsort(order, r, sizeof(PrefRanking *), CmpRanking);
	r = 0;

	/* item keys, sorted and unique */
	keys = palloc_extended(sizeof(int64) * Max(total, 1), MCXT_ALLOC_HUGE);
	for (int i = 0; i < st->nrank; i++)
	{
		memcpy(keys + n, order[i]->items, sizeof(int64) * order[i]->nitems);
		n += order[i]->nitems;
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

	off = palloc(sizeof(int) * (st->nrank + 1));
	item = palloc_extended(sizeof(int) * total, MCXT_ALLOC_HUGE);
	group = palloc_extended(sizeof(int) * total, MCXT_ALLOC_HUGE);
	seen = palloc(sizeof(int) * n);
	for (int i = 0; i < n; i++)
		seen[i] = -1;
	off[0] = 0;
	for (r = 0; r < st->nrank; r++)
	{
		PrefRanking *rk = order[r];
		int32	   *g = RANKING_GROUPS(rk);
		int			b = off[r];

		for (int k = 0; k < rk->nitems; k++)
		{
			int			ix = FindKey(keys, n, rk->items[k]);

			if (seen[ix] == r)
				ereport(ERROR,
						(errcode(ERRCODE_DATA_EXCEPTION),
						 errmsg("item " INT64_FORMAT " appears twice in a ranking", rk->items[k])));
			seen[ix] = r;
			item[b + k] = ix;
			group[b + k] = g[k];
		}
		off[r + 1] = b + rk->nitems;
	}
	p.n = n;
	p.nrank = r;
	p.off = off;
	p.item = item;
	p.group = group;
	p.prior = st->prior;
	p.max_iter = 100000;
	p.tol = 1e-10;
	p.interrupt = PlInterrupt;
	if (p.prior == 0)
		PlCheckExistence(&p, keys);
	theta = palloc(sizeof(double) * n);
	work = palloc_extended(sizeof(double) * pl_work_size(&p), MCXT_ALLOC_HUGE);
	rc = pl_fit(&p, theta, work, &loglik, &iters, &conv);
	if (rc != PL_OK)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("Plackett-Luce fit failed"),
				 errhint("Pass a prior, for example pref.plackett_luce(r, 0.01).")));

	initStringInfo(&buf);
	appendStringInfo(&buf, "{\"items\": %d, \"rows_used\": " INT64_FORMAT ", \"rows_skipped\": " INT64_FORMAT
					 ", \"iterations\": %d, \"converged\": %s, \"loglik\": ",
					 n, st->nrank, st->skipped, iters, conv ? "true" : "false");
	double_to_shortest_decimal_buf(loglik, num);
	appendStringInfoString(&buf, num);
	double_to_shortest_decimal_buf(p.prior, num);
	appendStringInfo(&buf, ", \"prior\": %s, \"theta\": {", num);
	for (int i = 0; i < n; i++)
	{
		double_to_shortest_decimal_buf(theta[i], num);
		appendStringInfo(&buf, "%s\"" INT64_FORMAT "\": %s", i ? ", " : "", keys[i], num);
	}
	appendStringInfoString(&buf, "}, \"std_error\": ");
	se = PlStdErrors(&p, theta);
	if (se == NULL)
		appendStringInfoString(&buf, "null");
	for (int i = 0; se != NULL && i < n; i++)
	{
		double_to_shortest_decimal_buf(se[i], num);
		appendStringInfo(&buf, "%s\"" INT64_FORMAT "\": %s", i ? ", " : "{", keys[i], num);
	}
	appendStringInfoString(&buf, se != NULL ? "}}" : "}");
	return DirectFunctionCall1(jsonb_in, CStringGetDatum(buf.data));
}
