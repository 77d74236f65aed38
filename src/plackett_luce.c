/*
 * plackett_luce.c - the pref.plackett_luce(pref.ranking [, prior])
 * aggregate: rankings are collected (parallel safe: combine appends,
 * serial/deserial copy and validate), then fitted by Hunter's MM
 * (pl_core.c).  Result: jsonb with the centred log-worths per item and the
 * fit's report.
 */
#include "postgres.h"

#include <math.h>

#include "common/shortest_dec.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "utils/memutils.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"

#include "bt_core.h"
#include "common.h"
#include "linalg.h"
#include "pl_core.h"
#include "prefdata.h"

#define PL_STATE_VERSION 1

/* Collected rankings: raw pref.ranking values, each MAXALIGNed */
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

/* Append bytes to the state buffer in ctx */
static void
PlAppend(PlState *st, MemoryContext ctx, const void *data, Size n)
{
	Size		need = st->len + MAXALIGN(n);

	if (need > MaxAllocHugeSize / 2)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("pref.plackett_luce input exceeds %zu bytes", (Size) MaxAllocHugeSize / 2)));
	if (need > st->cap)
	{
		Size		cap = Max(st->cap * 2, Max(need, 8192));

		st->buf = st->buf ? repalloc_huge(st->buf, cap)
			: MemoryContextAllocExtended(ctx, cap, MCXT_ALLOC_HUGE);
		st->cap = cap;
	}
	memcpy(st->buf + st->len, data, n);
	memset(st->buf + st->len + n, 0, MAXALIGN(n) - n);
	st->len = need;
}

/* Error unless r (of size bytes) is a well-formed ranking */
static void
PlCheckRanking(const PrefRanking *r, Size size)
{
	const int32 *g;

	if (size < offsetof(PrefRanking, items) || r->version != RANKING_VERSION ||
		r->nitems < 1 || r->nitems > RANKING_MAX_ITEMS || RANKING_SIZE(r->nitems) != size)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid pref.plackett_luce state: bad ranking")));
	g = RANKING_GROUPS(r);
	for (int i = 0; i < r->nitems; i++)
		if ((i == 0 && g[i] != 0) || (i > 0 && g[i] != g[i - 1] && g[i] != g[i - 1] + 1))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
					 errmsg("invalid pref.plackett_luce state: bad ranking groups")));
}

/* New state in the aggregate context */
static PlState *
PlNew(MemoryContext ctx)
{
	return MemoryContextAllocZero(ctx, sizeof(PlState));
}

PG_FUNCTION_INFO_V1(pref_pl_trans);

/* plackett_luce transition: (state, ranking [, prior]) */
Datum
pref_pl_trans(PG_FUNCTION_ARGS)
{
	MemoryContext aggctx;
	PlState    *st;

	aggctx = PrefAggContext(fcinfo, "pref_pl_trans");
	st = PG_ARGISNULL(0) ? PlNew(aggctx) : (PlState *) PG_GETARG_POINTER(0);
	if (PG_NARGS() > 2 && !PG_ARGISNULL(2) && !st->has_prior)
	{
		double		prior = PG_GETARG_FLOAT8(2);

		if (!isfinite(prior) || prior < 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("prior must be finite and not negative")));
		st->prior = prior;
		st->has_prior = true;
	}
	if (PG_ARGISNULL(1))
		st->skipped++;
	else
	{
		PrefRanking *r = PG_GETARG_RANKING_P(1);

		PlAppend(st, aggctx, r, VARSIZE(r));
		st->nrank++;
	}
	PG_RETURN_POINTER(st);
}

PG_FUNCTION_INFO_V1(pref_pl_combine);

/* Combine: append the second state's rankings */
Datum
pref_pl_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggctx;
	PlState    *a,
			   *b;

	aggctx = PrefAggContext(fcinfo, "pref_pl_combine");
	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_POINTER(PG_GETARG_POINTER(0));
	}
	b = (PlState *) PG_GETARG_POINTER(1);
	a = PG_ARGISNULL(0) ? PlNew(aggctx) : (PlState *) PG_GETARG_POINTER(0);
	if (b->len > 0)
		PlAppend(a, aggctx, b->buf, b->len);
	a->nrank += b->nrank;
	a->skipped += b->skipped;
	if (!a->has_prior && b->has_prior)
	{
		a->prior = b->prior;
		a->has_prior = true;
	}
	PG_RETURN_POINTER(a);
}

PG_FUNCTION_INFO_V1(pref_pl_serial);

/* Serialise: version, counts, prior, then the ranking bytes */
Datum
pref_pl_serial(PG_FUNCTION_ARGS)
{
	PlState    *st = (PlState *) PG_GETARG_POINTER(0);
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendint32(&buf, PL_STATE_VERSION);
	pq_sendint64(&buf, st->nrank);
	pq_sendint64(&buf, st->skipped);
	pq_sendfloat8(&buf, st->prior);
	pq_sendbyte(&buf, st->has_prior ? 1 : 0);
	pq_sendbytes(&buf, st->buf, st->len);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

PG_FUNCTION_INFO_V1(pref_pl_deserial);

/* Deserialise, validating every ranking */
Datum
pref_pl_deserial(PG_FUNCTION_ARGS)
{
	bytea	   *b = PG_GETARG_BYTEA_PP(0);
	MemoryContext aggctx;
	StringInfoData in;
	PlState    *st;
	Size		pos = 0,
				len;
	const char *data;
	int64		count = 0;

	aggctx = PrefAggContext(fcinfo, "pref_pl_deserial");
	in.data = VARDATA_ANY(b);
	in.len = VARSIZE_ANY_EXHDR(b);
	in.maxlen = 0;
	in.cursor = 0;
	if (in.len < 4 + 8 + 8 + 8 + 1 || pq_getmsgint(&in, 4) != PL_STATE_VERSION)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid pref.plackett_luce state: truncated or wrong version")));
	st = PlNew(aggctx);
	st->nrank = pq_getmsgint64(&in);
	st->skipped = pq_getmsgint64(&in);
	st->prior = pq_getmsgfloat8(&in);
	st->has_prior = pq_getmsgbyte(&in) != 0;
	len = in.len - in.cursor;
	if (len % MAXIMUM_ALIGNOF != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid pref.plackett_luce state: truncated")));
	/* copy first (aligned), then validate in place */
	if (len > 0)
		PlAppend(st, aggctx, in.data + in.cursor, len);
	data = st->buf;
	while (pos < len)
	{
		const PrefRanking *r = (const PrefRanking *) (data + pos);
		Size		sz;

		if (len - pos < offsetof(PrefRanking, items))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
					 errmsg("invalid pref.plackett_luce state: truncated")));
		sz = VARSIZE(r);
		if (sz > len - pos)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
					 errmsg("invalid pref.plackett_luce state: truncated")));
		PlCheckRanking(r, sz);
		pos += MAXALIGN(sz);
		count++;
	}
	if (count != st->nrank || pos != len)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid pref.plackett_luce state: ranking count mismatch")));
	PG_RETURN_POINTER(st);
}

/* qsort comparator for int64 */
static int
CmpInt64(const void *a, const void *b)
{
	int64		x = *(const int64 *) a,
				y = *(const int64 *) b;

	return x < y ? -1 : x > y ? 1 : 0;
}

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

PG_FUNCTION_INFO_V1(pref_pl_final);

/* Final: fit and report as jsonb */
Datum
pref_pl_final(PG_FUNCTION_ARGS)
{
	PlState    *st;
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
	st = (PlState *) PG_GETARG_POINTER(0);
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
	PrefCheckMemory((double) total * (8 + 4 + 4 + 16 * 8) + (double) st->nrank * 4, "pref.plackett_luce");

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

	off = palloc(sizeof(int) * (st->nrank + 1));
	item = palloc_extended(sizeof(int) * total, MCXT_ALLOC_HUGE);
	group = palloc_extended(sizeof(int) * total, MCXT_ALLOC_HUGE);
	seen = palloc(sizeof(int) * n);
	for (int i = 0; i < n; i++)
		seen[i] = -1;
	off[0] = 0;
	for (pos = 0; pos < st->len; pos += MAXALIGN(VARSIZE(st->buf + pos)), r++)
	{
		PrefRanking *rk = (PrefRanking *) (st->buf + pos);
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
