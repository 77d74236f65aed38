/*
 * pl_model.c - Plackett-Luce fits as pref.bt_model values: the pl_fit
 * aggregate (over pref.ranking_state, the state of pref.plackett_luce),
 * the model's implied pairwise tally, its rankings and their checks, its
 * covariance (read by pref.ratings and pref.bt_summary in bt.c), and
 * pref.pl_bootstrap (multinomial resampling of the rankings).
 */
#include "postgres.h"

#include <math.h>

#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"

#include "binomial.h"
#include "bt_boot.h"
#include "bt_model.h"
#include "common.h"
#include "pl_core.h"
#include "pl_model.h"
#include "rng.h"
#include "tally.h"

/* One implied pairwise outcome: items a < b, outcome o (TALLY_A, TALLY_B, TALLY_TIE) */
typedef struct PlPair
{
	int32		a;
	int32		b;
	int32		o;
	double		w;
} PlPair;

/* qsort comparator: pairs by (a, b) */
static int
CmpPair(const void *x, const void *y)
{
	const PlPair *p = x,
			   *q = y;

	if (p->a != q->a)
		return p->a < q->a ? -1 : 1;
	return (p->b > q->b) - (p->b < q->b);
}

/*
 * The pairwise outcomes rankings imply, as a tally over keys: an item beats
 * every item of a later group; the items of a tied choice group tie; the
 * items of the last group (the unordered remainder) are not compared among
 * themselves.  Each pair counts the ranking's weight.
 */
static PrefTally *
PlImpliedTally(const PlProblem *p, const int64 *keys, int64 rows_skipped)
{
	double		npairs = 0;
	PlPair	   *pairs;
	int			np = 0,
				nc = 0;
	PrefTally  *t;
	Size		size;
	int64		total = 0;

	for (int r = 0; r < p->nrank; r++)
	{
		double		len = p->off[r + 1] - p->off[r];

		npairs += len * (len - 1) / 2;
	}
	PrefCheckMemory(npairs * (sizeof(PlPair) + sizeof(TallyCell)), "the pairs implied by the rankings");
	pairs = palloc_extended(sizeof(PlPair) * Max((Size) npairs, 1), MCXT_ALLOC_HUGE);
	for (int r = 0; r < p->nrank; r++)
	{
		int			b = p->off[r],
					e = p->off[r + 1],
					lastg = p->group[e - 1];
		double		w = p->weight ? p->weight[r] : 1.0;

		CHECK_FOR_INTERRUPTS();
		for (int u = b; u < e; u++)
			for (int v = u + 1; v < e; v++)
			{
				int			iu = p->item[u],
							iv = p->item[v];
				PlPair	   *q;

				if (p->group[u] == p->group[v] && p->group[u] == lastg)
					continue;
				q = &pairs[np++];
				q->a = Min(iu, iv);
				q->b = Max(iu, iv);
				q->o = p->group[u] == p->group[v] ? TALLY_TIE : iu < iv ? TALLY_A : TALLY_B;
				q->w = w;
			}
	}
	qsort(pairs, np, sizeof(PlPair), CmpPair);
	for (int k = 0; k < np; k++)
		if (k == 0 || CmpPair(&pairs[k], &pairs[k - 1]) != 0)
			nc++;
	size = TALLY_SIZE(p->n, nc, 0, false);
	t = palloc_extended(size, MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);
	SET_VARSIZE(t, size);
	t->version = TALLY_VERSION;
	t->nitems = p->n;
	t->ncells = nc;
	nc = -1;
	for (int k = 0; k < np; k++)
	{
		TallyCell  *c;

		if (k == 0 || CmpPair(&pairs[k], &pairs[k - 1]) != 0)
		{
			nc++;
			t->cells[nc].a = pairs[k].a;
			t->cells[nc].b = pairs[k].b;
		}
		c = &t->cells[nc];
		c->n[pairs[k].o] += (int64) pairs[k].w;
		c->w[pairs[k].o] += pairs[k].w;
		total += (int64) pairs[k].w;
	}
	t->rows_used = total;
	t->rows_skipped = rows_skipped;
	memcpy(TALLY_INT_KEYS(t), keys, sizeof(int64) * p->n);
	pfree(pairs);
	return t;
}

/* Allocate a Plackett-Luce model around a copy of t, room for the rankings */
PrefBtModel *
PlModelAlloc(int n, const PrefTally *t, int nrank, int total)
{
	Size		head = MAXALIGN(offsetof(PrefBtModel, data) + sizeof(double) * (Size) n);
	Size		size = head + MAXALIGN(VARSIZE(t)) + PLR_SIZE(nrank, total);
	PrefBtModel *m;
	PrefPlRankings *b;

	if (size > MaxAllocSize)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("a Plackett-Luce model of %d distinct rankings exceeds 1 GB", nrank),
				 errhint("Fit fewer rankings per model.")));
	m = palloc0(size);
	SET_VARSIZE(m, size);
	m->version = BT_MODEL_VERSION_PL;
	m->kind = BT_KIND_PL;
	m->nitems = n;
	memcpy(BT_TALLY(m), t, VARSIZE(t));
	b = BT_PL(m);
	b->nrank = nrank;
	b->total = total;
	return m;
}

/* The fitting problem of a Plackett-Luce model (pointers into m) */
void
PlModelProblem(const PrefBtModel *m, PlProblem *p)
{
	PrefPlRankings *b = BT_PL(m);

	memset(p, 0, sizeof(PlProblem));
	p->n = m->nitems;
	p->nrank = b->nrank;
	p->off = PLR_OFF(b);
	p->item = PLR_ITEM(b);
	p->group = PLR_GROUP(b);
	p->weight = PLR_WEIGHT(b);
	p->prior = m->prior;
	p->max_iter = m->max_iter;
	p->tol = m->tol;
	p->interrupt = PlInterrupt;
}

/*
 * NULL if a Plackett-Luce model value is consistent, else the detail:
 * options of an MM fit without ties or order effect; bigint keys; the
 * rankings canonical (pl_model.h), of whole positive counts, their items
 * distinct and in range; and the tally exactly the pairs they imply.
 */
const char *
PlModelCheck(const PrefBtModel *m)
{
	const PrefTally *t = BT_TALLY(m);
	Size		head = MAXALIGN(offsetof(PrefBtModel, data) + sizeof(double) * (Size) m->nitems);
	Size		rest;
	PrefPlRankings *b;
	const int32 *off,
			   *item,
			   *group;
	int		   *seen;
	PlProblem	p;
	PrefTally  *implied;

	if (m->kind != BT_KIND_PL || m->version != BT_MODEL_VERSION_PL)
		return "A Plackett-Luce model has version 3 and kind plackett_luce.";
	if (m->method != BT_METHOD_MM || m->ties != BT_TIES_NONE || m->order_effect)
		return "A Plackett-Luce model has method mm, ties none and no order effect.";
	if (t->flags != 0)
		return "A Plackett-Luce model has bigint items and no presentation order.";
	if (VARSIZE(m) < head + MAXALIGN(VARSIZE(t)) + offsetof(PrefPlRankings, data))
		return "The rankings are truncated.";
	rest = VARSIZE(m) - head - MAXALIGN(VARSIZE(t));
	b = BT_PL(m);
	if (b->nrank < 1 || b->total < 1 || b->total > PG_INT32_MAX / 8 || b->nrank > b->total ||
		PLR_SIZE(b->nrank, b->total) != rest)
		return "The ranking counts do not match the value's size.";
	off = PLR_OFF(b);
	item = PLR_ITEM(b);
	group = PLR_GROUP(b);
	if (off[0] != 0 || off[b->nrank] != b->total)
		return "The ranking offsets do not span the positions.";
	seen = palloc(sizeof(int) * m->nitems);
	for (int i = 0; i < m->nitems; i++)
		seen[i] = -1;
	for (int r = 0; r < b->nrank; r++)
	{
		double		w = PLR_WEIGHT(b)[r];

		if (off[r + 1] <= off[r] || off[r + 1] > b->total)
			return "The ranking offsets are not increasing.";
		if (!(w >= 1 && w <= 9007199254740992.0 && w == floor(w)))
			return "Ranking counts must be whole numbers of at least 1.";
		for (int k = off[r]; k < off[r + 1]; k++)
		{
			if (item[k] < 0 || item[k] >= m->nitems || seen[item[k]] == r)
				return "A ranking holds an item out of range or twice.";
			seen[item[k]] = r;
			if (k == off[r] ? group[k] != 0 : (group[k] != group[k - 1] && group[k] != group[k - 1] + 1))
				return "Ranking groups must start at 0 and grow by at most 1.";
			if (k > off[r] && group[k] == group[k - 1] && item[k] < item[k - 1])
				return "Tied items must be listed in increasing order.";
		}
		CHECK_FOR_INTERRUPTS();
	}
	pfree(seen);
	PlModelProblem(m, &p);
	for (int r = 1; r < b->nrank; r++)
	{
		int			lx = off[r] - off[r - 1],
					ly = off[r + 1] - off[r],
					c = lx < ly ? -1 : lx > ly ? 1 : 0;

		for (int k = 0; c == 0 && k < lx; k++)
			if (item[off[r - 1] + k] != item[off[r] + k])
				c = item[off[r - 1] + k] < item[off[r] + k] ? -1 : 1;
		for (int k = 0; c == 0 && k < lx; k++)
			if (group[off[r - 1] + k] != group[off[r] + k])
				c = group[off[r - 1] + k] < group[off[r] + k] ? -1 : 1;
		if (c >= 0)
			return "Rankings must be sorted and distinct.";
	}
	implied = PlImpliedTally(&p, TALLY_INT_KEYS(t), t->rows_skipped);
	if (VARSIZE(implied) != VARSIZE(t) || memcmp(implied, t, VARSIZE(t)) != 0)
		return "The tally is not the pairs the rankings imply.";
	pfree(implied);
	return NULL;
}

/* Covariance of a Plackett-Luce model's centred log-worths (n x n) */
double *
PlModelCovariance(const PrefBtModel *m, double **robust, bool soft, const char *what)
{
	PlProblem	p;

	PlModelProblem(m, &p);
	return PlCovariance(&p, BT_THETA(m), robust, soft, what);
}

/* Fit a canonical problem; error unless it succeeds (a warning if not converged) */
static void
PlFitOrError(PlProblem *p, const int64 *keys, double *theta, double *loglik, int *iters, int *conv,
			 const char *hint)
{
	double	   *work;
	int			rc;

	if (p->prior == 0)
		PlCheckExistence(p, keys, hint);
	PrefCheckMemory((double) pl_work_size(p) * 8.0, "a Plackett-Luce fit");
	work = palloc_extended(sizeof(double) * pl_work_size(p), MCXT_ALLOC_HUGE);
	rc = pl_fit(p, theta, work, loglik, iters, conv);
	if (rc != PL_OK)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("Plackett-Luce fit failed"),
				 errhint("%s", hint)));
	if (!*conv)
		ereport(WARNING,
				(errmsg("Plackett-Luce fit did not converge within %d MM iterations", p->max_iter),
				 errdetail("The model is returned with converged = false."),
				 errhint("Pass a prior, for example pref.pl_fit(r, 0.01).")));
	pfree(work);
}

/* Build the model value of a fitted canonical problem */
static PrefBtModel *
PlMakeModel(const PlProblem *p, const int64 *keys, int64 rows_skipped, const double *theta,
			double loglik, int iters, int conv)
{
	PrefTally  *t = PlImpliedTally(p, keys, rows_skipped);
	int			total = p->off[p->nrank];
	PrefBtModel *m = PlModelAlloc(p->n, t, p->nrank, total);
	PrefPlRankings *b = BT_PL(m);

	m->ties = BT_TIES_NONE;
	m->method = BT_METHOD_MM;
	m->converged = conv;
	m->iterations = iters;
	m->max_iter = p->max_iter;
	m->prior = p->prior;
	m->tol = p->tol;
	m->loglik = loglik;
	m->tau = NAN;
	m->order = NAN;
	memcpy(BT_THETA(m), theta, sizeof(double) * p->n);
	memcpy(PLR_WEIGHT(b), p->weight, sizeof(double) * p->nrank);
	memcpy(PLR_OFF(b), p->off, sizeof(int32) * (p->nrank + 1));
	memcpy(PLR_ITEM(b), p->item, sizeof(int32) * total);
	memcpy(PLR_GROUP(b), p->group, sizeof(int32) * total);
	pfree(t);
	return m;
}

PG_FUNCTION_INFO_V1(pref_pl_fit_final);

/* pl_fit final: the Plackett-Luce model of the collected rankings; NULL without rankings */
Datum
pref_pl_fit_final(PG_FUNCTION_ARGS)
{
	PlData	   *dat;
	double	   *theta,
				loglik;
	int			iters,
				conv;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	dat = PlStateData(PG_GETARG_DATUM(0), "pref.pl_fit");
	if (dat == NULL)
		PG_RETURN_NULL();
	theta = palloc(sizeof(double) * dat->n);
	PlFitOrError(&dat->p, dat->keys, theta, &loglik, &iters, &conv,
				 "Pass a prior, for example pref.pl_fit(r, 0.01), or add rankings.");
	PG_RETURN_POINTER(PlMakeModel(&dat->p, dat->keys, dat->rows_skipped, theta, loglik, iters, conv));
}

/* Uniform draw for the multinomial sampler */
static double
Uniform(void *state)
{
	return pref_rng_uniform((PrefRng *) state);
}

static const char *const PL_BOOT_SCALE_NAMES[] = {"elo", "logit", NULL};

PG_FUNCTION_INFO_V1(pref_pl_bootstrap);

/*
 * pl_bootstrap(m, rounds, seed, level, prior, scale): the rankings of a
 * Plackett-Luce model resampled with replacement (a multinomial draw of
 * as many rankings over the distinct ones), refitted by MM from the
 * full-data estimate; per item the columns of pref.bt_bootstrap.  NULL
 * model: no rows; NULL prior: the model's prior.
 */
Datum
pref_pl_bootstrap(PG_FUNCTION_ARGS)
{
	PrefBtModel *m;
	PlProblem	p,
				rp;
	int			rounds,
				scale,
				n,
				used = 0;
	uint64		seed;
	double		level,
				prior,
				rows = 0,
				loglik;
	double	   *full,
			   *theta,
			   *work,
			   *w;
	int64	   *draw;
	int			iters,
				conv;
	PrefRng		rng;
	const PrefTally *t;

	if (PG_ARGISNULL(0))
	{
		InitMaterializedSRF(fcinfo, 0);
		return (Datum) 0;
	}
	PrefCheckNotNull(fcinfo, 1, "rounds");
	PrefCheckNotNull(fcinfo, 2, "seed");
	PrefCheckNotNull(fcinfo, 3, "level");
	PrefCheckNotNull(fcinfo, 5, "scale");
	m = PG_GETARG_BTMODEL_P(0);
	rounds = PG_GETARG_INT32(1);
	seed = (uint64) PG_GETARG_INT64(2);
	level = PG_GETARG_FLOAT8(3);
	scale = PrefParseOption(text_to_cstring(PG_GETARG_TEXT_PP(5)), PL_BOOT_SCALE_NAMES, "scale");
	if (m->kind != BT_KIND_PL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("pref.pl_bootstrap needs a Plackett-Luce model"),
				 errdetail("The model is a Bradley-Terry fit."),
				 errhint("Fit it with pref.pl_fit(ranking), or use pref.bt_bootstrap(tally) for pairwise comparisons.")));
	prior = PG_ARGISNULL(4) ? m->prior : PG_GETARG_FLOAT8(4);
	PrefCheckPrior(prior);
	BtCheckBootstrapArgs(rounds, level);
	t = BT_TALLY(m);
	n = m->nitems;

	/* the full-data fit at this prior (the model's own estimate at its prior) */
	PlModelProblem(m, &p);
	p.prior = prior;
	p.max_iter = 100000;
	p.tol = 1e-10;
	full = palloc(sizeof(double) * n);
	PlFitOrError(&p, TALLY_INT_KEYS(t), full, &loglik, &iters, &conv,
				 "Pass prior > 0, for example prior => 0.01, or add rankings.");
	for (int r = 0; r < p.nrank; r++)
		rows += p.weight[r];

	PrefCheckMemory(2.0 * rounds * n * 8.0 + (double) pl_work_size(&p) * 8.0 + (double) p.nrank * 16.0,
					"pref.pl_bootstrap");
	theta = palloc_extended(sizeof(double) * rounds * n, MCXT_ALLOC_HUGE);
	work = palloc_extended(sizeof(double) * pl_work_size(&p), MCXT_ALLOC_HUGE);
	w = palloc_extended(sizeof(double) * p.nrank, MCXT_ALLOC_HUGE);
	draw = palloc_extended(sizeof(int64) * p.nrank, MCXT_ALLOC_HUGE);
	rp = p;
	rp.weight = w;
	rp.tol = 1e-8;
	rp.max_iter = 10000;
	rp.start = full;
	pref_rng_seed(&rng, seed);
	for (int r = 0; r < rounds; r++)
	{
		double	   *th = theta + (size_t) used * n;
		int			rc;

		CHECK_FOR_INTERRUPTS();
		multinomial_sample((int64) rows, p.weight, p.nrank, draw, Uniform, &rng);
		for (int k = 0; k < p.nrank; k++)
			w[k] = (double) draw[k];
		if (prior == 0 && !PlGraphConnected(&rp))
			continue;			/* MLE does not exist in this replicate */
		/* MM from the full-data estimate */
		rc = pl_fit(&rp, th, work, &loglik, &iters, &conv);
		if (rc != PL_OK || !conv)
			continue;
		used++;
	}
	BtCheckBootstrapUsed(used, rounds, "rankings");
	BtBootstrapRows(fcinfo, t, full, theta, n, used, scale, level);
	return (Datum) 0;
}
