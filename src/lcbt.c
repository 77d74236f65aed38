/*
 * lcbt.c - pref.latent_class_bt(sql, k, ...): latent-class Bradley-Terry
 * over annotators.  Reads (annotator, winner, loser [, tie]) rows from an
 * inner query, folds them into per-annotator cells (item pairs with outcome
 * counts), runs the EM of lcbt_core.c and returns jsonb: the classes with
 * their shares and ratings (standard errors from the class-weighted cells),
 * per annotator the posterior class probabilities, and the fit's report
 * (log-likelihood, BIC, iterations, convergence, the objective after every
 * EM iteration).
 */
#include "postgres.h"

#include <limits.h>
#include <math.h>

#include "fmgr.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/json.h"
#include "utils/jsonb.h"

#include "bt_model.h"
#include "common.h"
#include "lcbt_core.h"
#include "query.h"

#define LC_WHAT "pref.latent_class_bt"
#define LC_MAX_K 100

PG_FUNCTION_INFO_V1(pref_latent_class_bt);

/* One kept row: annotator key, item pair (a < b) and outcome */
typedef struct LcRow
{
	int64		ann;
	int32		a;
	int32		b;
	int32		o;				/* 0: a preferred, 1: b preferred, 2: tie */
	double		w;				/* weight */
} LcRow;

/* An item name and where it came from (text ids) */
typedef struct LcName
{
	const char *s;
	int			col;			/* 0 winner, 1 loser */
	int64		key;
} LcName;

/* Order rows by annotator, then item pair */
static int
CompareRows(const void *x, const void *y)
{
	const LcRow *r = x,
			   *s = y;

	if (r->ann != s->ann)
		return r->ann < s->ann ? -1 : 1;
	if (r->a != s->a)
		return r->a < s->a ? -1 : 1;
	if (r->b != s->b)
		return r->b < s->b ? -1 : 1;
	return 0;
}

/* Order int64 values */
static int
CompareInt64(const void *x, const void *y)
{
	int64		a = *(const int64 *) x,
				b = *(const int64 *) y;

	return a < b ? -1 : a > b;
}

/* Order item names bytewise */
static int
CompareNames(const void *x, const void *y)
{
	return strcmp(((const LcName *) x)->s, ((const LcName *) y)->s);
}

/* Append an id: a JSON number for integer ids, else a JSON string */
static void
AppendId(StringInfo buf, bool integer, int64 key, const char *name)
{
	if (integer)
		appendStringInfo(buf, INT64_FORMAT, key);
	else
		escape_json(buf, name);
}

/* Error unless an argument lies in [lo, hi] */
static void
CheckRange(double v, double lo, double hi, const char *arg, const char *rule)
{
	if (!(v >= lo && v <= hi))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be %s", arg, rule),
				 errdetail("It is %g.", v)));
}

/*
 * Map the winner and loser ids to item indices 0..n-1 in one order:
 * integer ids numerically, other ids by their text form (bytewise).
 * Fills idx[2][nrows]; returns n and the sorted keys or names.
 */
static int
MapItems(PrefQueryResult *res, int32 **idx, bool *integer, int64 **keys_out, char ***names_out)
{
	PrefIdMap  *mw = res->ids[1],
			   *ml = res->ids[2];
	int64		nrows = res->nrows;
	int			n = 0;

	idx[0] = palloc(sizeof(int32) * Max(nrows, 1));
	idx[1] = palloc(sizeof(int32) * Max(nrows, 1));
	if (mw->integer != ml->integer || (!mw->integer && mw->typid != ml->typid))
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("%s: the winner and loser columns must have the same type", LC_WHAT),
				 errhint("Cast both to bigint or both to text in the query.")));
	*integer = mw->integer;
	if (mw->integer)
	{
		int64	   *all = palloc(sizeof(int64) * Max(2 * nrows, 1));

		for (int64 r = 0; r < nrows; r++)
		{
			all[2 * r] = PREF_QUERY_ID(res, 1)[r];
			all[2 * r + 1] = PREF_QUERY_ID(res, 2)[r];
		}
		qsort(all, 2 * nrows, sizeof(int64), CompareInt64);
		for (int64 r = 0; r < 2 * nrows; r++)
			if (n == 0 || all[r] != all[n - 1])
				all[n++] = all[r];
		for (int c = 0; c < 2; c++)
			for (int64 r = 0; r < nrows; r++)
			{
				int64		key = PREF_QUERY_ID(res, c + 1)[r];
				int64	   *hit = bsearch(&key, all, n, sizeof(int64), CompareInt64);

				idx[c][r] = (int32) (hit - all);
			}
		*keys_out = all;
		*names_out = NULL;
	}
	else
	{
		int64		nn = mw->ndistinct + ml->ndistinct;
		LcName	   *nm = palloc(sizeof(LcName) * Max(nn, 1));
		int64	   *tomap[2];
		char	  **names = palloc(sizeof(char *) * Max(nn, 1));
		int64		j = 0;

		tomap[0] = palloc(sizeof(int64) * Max(mw->ndistinct, 1));
		tomap[1] = palloc(sizeof(int64) * Max(ml->ndistinct, 1));
		for (int64 key = 0; key < mw->ndistinct; key++, j++)
			nm[j] = (LcName) {PrefIdString(mw, key), 0, key};
		for (int64 key = 0; key < ml->ndistinct; key++, j++)
			nm[j] = (LcName) {PrefIdString(ml, key), 1, key};
		qsort(nm, nn, sizeof(LcName), CompareNames);
		for (int64 i = 0; i < nn; i++)
		{
			if (n == 0 || strcmp(nm[i].s, names[n - 1]) != 0)
				names[n++] = (char *) nm[i].s;
			tomap[nm[i].col][nm[i].key] = n - 1;
		}
		for (int c = 0; c < 2; c++)
			for (int64 r = 0; r < nrows; r++)
				idx[c][r] = (int32) tomap[c][PREF_QUERY_ID(res, c + 1)[r]];
		*keys_out = NULL;
		*names_out = names;
	}
	return n;
}

/* Error unless the pooled comparisons identify the ratings (prior 0) */
static void
CheckPooled(const LcProblem *p)
{
	BtCell	   *bc = palloc0(sizeof(BtCell) * Max(p->npairs, 1));
	BtProblem	bp;
	int		   *comp,
			   *iwork,
				ncomp;

	for (int a = 0; a < p->nann; a++)
		for (int j = p->off[a]; j < p->off[a + 1]; j++)
		{
			BtCell	   *b = &bc[p->cells[j].pair];

			b->wa += p->cells[j].w[0];
			b->wb += p->cells[j].w[1];
			b->t += p->cells[j].w[2];
		}
	for (int q = 0; q < p->npairs; q++)
	{
		bc[q].a = p->pa[q];
		bc[q].b = p->pb[q];
	}
	memset(&bp, 0, sizeof(bp));
	bp.n = p->n;
	bp.ncells = p->npairs;
	bp.cells = bc;
	bp.ties = p->ties;
	comp = palloc(sizeof(int) * p->n);
	iwork = palloc(sizeof(int) * bt_components_iwork(&bp));
	ncomp = bt_components(&bp, comp, iwork);
	if (ncomp > 1)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("%s: the comparisons do not identify the ratings", LC_WHAT),
				 errdetail("The items fall into %d groups with no win in one direction between some of them, so maximum likelihood ratings do not exist.", ncomp),
				 errhint("Use prior => 0.1 (a Gaussian prior on the ratings).")));
}

/* latent_class_bt(sql, k, restarts, seed, prior, ties, max_iter, tol) */
Datum
pref_latent_class_bt(PG_FUNCTION_ARGS)
{
	static const PrefQueryColumn cols[] = {
		{"annotator", PREF_COL_ID, false, false},
		{"winner", PREF_COL_ID, false, false},
		{"loser", PREF_COL_ID, false, false},
		{"tie", PREF_COL_BOOL, true, false},
		{"weight", PREF_COL_FLOAT8, true, false},
	};
	static const char *const argnames[] = {"sql", "k", "restarts", "seed", "prior", "ties", "max_iter", "tol"};
	char	   *sql;
	int			k,
				restarts,
				ties,
				max_iter;
	int64		seed;
	double		prior,
				tol;
	PrefQueryResult *res;
	int32	   *idx[2];
	bool		int_items,
				int_ann,
				has_ties = false;
	int64	   *item_keys;
	char	  **item_names;
	int64		nrows,
				skipped,
				used = 0;
	LcRow	   *rows;
	LcCell	   *cells;
	int		   *off,
			   *pa,
			   *pb;
	int64	   *ann_keys,
			   *codes;
	int			n,
				nann = 0,
				ncells = 0,
				npairs = 0,
				np,
				rc,
				nparam;
	LcProblem	p;
	LcResult	r;
	double	   *work;
	StringInfoData buf;
	double		bic;

	/* ---- options ---- */
	for (int i = 0; i < (int) lengthof(argnames); i++)
		PrefCheckNotNull(fcinfo, i, argnames[i]);
	sql = text_to_cstring(PG_GETARG_TEXT_PP(0));
	k = PG_GETARG_INT32(1);
	restarts = PG_GETARG_INT32(2);
	seed = PG_GETARG_INT64(3);
	prior = PG_GETARG_FLOAT8(4);
	ties = PrefParseOption(text_to_cstring(PG_GETARG_TEXT_PP(5)), BT_TIES_NAMES, "ties");
	max_iter = PG_GETARG_INT32(6);
	tol = PG_GETARG_FLOAT8(7);
	CheckRange(k, 1, LC_MAX_K, "k", "between 1 and 100");
	CheckRange(restarts, 1, 10000, "restarts", "between 1 and 10000");
	CheckRange(max_iter, 1, 1000000, "max_iter", "between 1 and 1000000");
	PrefCheckFinite(prior, "prior");
	PrefCheckFinite(tol, "tol");
	CheckRange(prior, 0, HUGE_VAL, "prior", "at least 0");
	CheckRange(tol, 0, HUGE_VAL, "tol", "at least 0");

	/* ---- read rows and fold them into per-annotator cells ---- */
	res = PrefReadQueryIds(sql, cols, lengthof(cols), LC_WHAT, PREF_ID_ANY);
	nrows = res->nrows;
	skipped = res->skipped;
	if (nrows == 0)
		PG_RETURN_NULL();
	if (nrows > INT_MAX / 2)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("%s reads at most %d rows", LC_WHAT, INT_MAX / 2),
				 errdetail("The query returned " INT64_FORMAT " rows.", nrows),
				 errhint("Fit a sample of the rows, or fewer annotators at a time.")));
	PrefCheckMemory((double) nrows * (sizeof(LcRow) + sizeof(LcCell) + 2 * sizeof(int64)), LC_WHAT);
	n = MapItems(res, idx, &int_items, &item_keys, &item_names);
	int_ann = res->ids[0]->integer;
	rows = palloc(sizeof(LcRow) * nrows);
	for (int64 i = 0; i < nrows; i++)
	{
		int32		w = idx[0][i],
					l = idx[1][i];
		bool		tie = res->ncols > 3 && PREF_QUERY_BOOL(res, 3)[i];
		double		weight = res->ncols > 4 ? PREF_QUERY_FLOAT8(res, 4)[i] : 1.0;

		if (!(isfinite(weight) && weight >= 0))
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("%s: weight must be finite and at least 0", LC_WHAT),
					 errdetail("Row " INT64_FORMAT " has weight %g.", i + 1, weight)));
		if (w == l || weight == 0)
		{
			skipped++;			/* an item compared with itself, or weight 0, says nothing */
			continue;
		}
		rows[used].ann = PREF_QUERY_ID(res, 0)[i];
		rows[used].a = Min(w, l);
		rows[used].b = Max(w, l);
		rows[used].o = tie ? 2 : (w < l ? 0 : 1);
		rows[used].w = weight;
		has_ties |= tie;
		used++;
	}
	if (used == 0)
		PG_RETURN_NULL();
	qsort(rows, used, sizeof(LcRow), CompareRows);
	cells = palloc0(sizeof(LcCell) * used);
	codes = palloc(sizeof(int64) * used);
	off = palloc(sizeof(int) * (used + 1));
	ann_keys = palloc(sizeof(int64) * used);
	for (int64 i = 0; i < used; i++)
	{
		LcRow	   *e = &rows[i];

		if (i == 0 || e->ann != rows[i - 1].ann)
		{
			ann_keys[nann] = e->ann;
			off[nann++] = ncells;
		}
		if (i == 0 || CompareRows(e, &rows[i - 1]) != 0)
			codes[ncells++] = (int64) e->a * n + e->b;
		cells[ncells - 1].w[e->o] += e->w;
	}
	off[nann] = ncells;
	pfree(rows);

	/* distinct item pairs */
	{
		int64	   *pc = palloc(sizeof(int64) * ncells);

		memcpy(pc, codes, sizeof(int64) * ncells);
		qsort(pc, ncells, sizeof(int64), CompareInt64);
		for (int i = 0; i < ncells; i++)
			if (npairs == 0 || pc[i] != pc[npairs - 1])
				pc[npairs++] = pc[i];
		pa = palloc(sizeof(int) * npairs);
		pb = palloc(sizeof(int) * npairs);
		for (int q = 0; q < npairs; q++)
		{
			pa[q] = (int) (pc[q] / n);
			pb[q] = (int) (pc[q] % n);
		}
		for (int i = 0; i < ncells; i++)
			cells[i].pair = (int) ((int64 *) bsearch(&codes[i], pc, npairs, sizeof(int64), CompareInt64) - pc);
	}

	/* ---- ties and checks, as pref.bradley_terry ---- */
	if (ties == 4)
		ties = has_ties ? BT_TIES_DAVIDSON : BT_TIES_NONE;
	if ((ties == BT_TIES_DAVIDSON || ties == BT_TIES_RAO_KUPPER) && !has_ties)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("ties model \"%s\" needs ties in the data", BT_TIES_NAMES[ties]),
				 errhint("Use ties => 'none' or 'auto'.")));
	if (n < 2)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("%s needs at least two items", LC_WHAT),
				 errdetail("The query compares %d.", n)));
	if (k > nann)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("k must be at most the number of annotators"),
				 errdetail("k is %d and the query has %d annotators.", k, nann)));

	memset(&p, 0, sizeof(p));
	p.n = n;
	p.npairs = npairs;
	p.pa = pa;
	p.pb = pb;
	p.nann = nann;
	p.off = off;
	p.cells = cells;
	p.k = k;
	p.ties = ties;
	p.prior = prior;
	p.max_iter = max_iter;
	p.tol = tol;
	p.restarts = restarts;
	p.seed = (uint64) seed;
	p.interrupt = BtInterrupt;
	if (prior == 0)
		CheckPooled(&p);
	np = lc_nparams(&p);
	PrefCheckMemory(sizeof(double) * ((double) lc_work_size(&p) + 2.0 * k * np + (double) nann * k
									  + max_iter + restarts + k), LC_WHAT);

	/* ---- fit ---- */
	memset(&r, 0, sizeof(r));
	r.theta = palloc0(sizeof(double) * k * np);
	r.se = palloc0(sizeof(double) * k * np);
	r.share = palloc0(sizeof(double) * k);
	r.post = palloc0(sizeof(double) * (Size) nann * k);
	r.trace = palloc0(sizeof(double) * max_iter);
	r.restart_obj = palloc0(sizeof(double) * restarts);
	work = palloc(sizeof(double) * lc_work_size(&p));
	rc = lc_fit(&p, &r, work);
	if (rc == LC_MSTEP_FAILED)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("%s: the weighted Bradley-Terry fit of a class did not converge", LC_WHAT),
				 errdetail("The comparisons weighted by the annotators' posteriors of one class do not identify that class's ratings (items that class's annotators never compared, or always won or lost)."),
				 errhint("Use prior => 0.1 (a Gaussian prior on the ratings) or fewer classes.")));

	/* parameters: strengths (n - 1 free with prior 0, n with a prior), tie parameter, shares */
	nparam = k * ((prior > 0 ? n : n - 1) + (np - n)) + (k - 1);
	bic = -2 * r.loglik + nparam * log((double) nann);

	/* ---- emit ---- */
	initStringInfo(&buf);
	appendStringInfo(&buf, "{\"k\": %d, \"loglik\": ", k);
	PrefAppendJsonNumber(&buf, r.loglik);
	appendStringInfoString(&buf, ", \"objective\": ");
	PrefAppendJsonNumber(&buf, r.objective);
	appendStringInfoString(&buf, ", \"bic\": ");
	PrefAppendJsonNumber(&buf, bic);
	appendStringInfo(&buf, ", \"parameters\": %d, \"iterations\": %d, \"total_iterations\": %d, \"converged\": %s, "
					 "\"restart\": %d, \"restarts\": %d, \"seed\": " INT64_FORMAT ", \"ties\": \"%s\", \"prior\": ",
					 nparam, r.iterations, r.total_iterations, r.converged ? "true" : "false", r.best_restart + 1,
					 restarts, seed, BT_TIES_NAMES[ties]);
	PrefAppendJsonNumber(&buf, prior);
	appendStringInfo(&buf, ", \"items\": %d, \"annotators\": %d, \"rows_used\": " INT64_FORMAT
					 ", \"rows_skipped\": " INT64_FORMAT ", \"restart_objectives\": [",
					 n, nann, used, skipped);
	for (int i = 0; i < restarts; i++)
	{
		appendStringInfoString(&buf, i ? ", " : "");
		PrefAppendJsonNumber(&buf, r.restart_obj[i]);
	}
	appendStringInfoString(&buf, "], \"loglik_trace\": [");
	for (int i = 0; i < r.ntrace; i++)
	{
		appendStringInfoString(&buf, i ? ", " : "");
		PrefAppendJsonNumber(&buf, r.trace[i]);
	}
	appendStringInfoString(&buf, "], \"classes\": [");
	for (int c = 0; c < k; c++)
	{
		const double *x = r.theta + (size_t) c * np,
				   *se = r.se + (size_t) c * np;

		appendStringInfo(&buf, "%s{\"class\": %d, \"share\": ", c ? ", " : "", c + 1);
		PrefAppendJsonNumber(&buf, r.share[c]);
		appendStringInfoString(&buf, ", \"tie_parameter\": ");
		PrefAppendJsonNumber(&buf, np > n ? x[n] : NAN);
		appendStringInfoString(&buf, ", \"ratings\": [");
		for (int i = 0; i < n; i++)
		{
			appendStringInfoString(&buf, i ? ", {\"item\": " : "{\"item\": ");
			AppendId(&buf, int_items, int_items ? item_keys[i] : 0, int_items ? NULL : item_names[i]);
			appendStringInfoString(&buf, ", \"rating\": ");
			PrefAppendJsonNumber(&buf, x[i]);
			appendStringInfoString(&buf, ", \"std_error\": ");
			PrefAppendJsonNumber(&buf, se[i]);
			appendStringInfoChar(&buf, '}');
		}
		appendStringInfoString(&buf, "]}");
		CHECK_FOR_INTERRUPTS();
	}
	appendStringInfoString(&buf, "], \"posteriors\": [");
	for (int a = 0; a < nann; a++)
	{
		const double *pr = r.post + (size_t) a * k;
		int			best = 0;

		for (int c = 1; c < k; c++)
			if (pr[c] > pr[best])
				best = c;
		appendStringInfoString(&buf, a ? ", {\"annotator\": " : "{\"annotator\": ");
		AppendId(&buf, int_ann, ann_keys[a], int_ann ? NULL : PrefIdString(res->ids[0], ann_keys[a]));
		appendStringInfo(&buf, ", \"class\": %d, \"probabilities\": [", best + 1);
		for (int c = 0; c < k; c++)
		{
			appendStringInfoString(&buf, c ? ", " : "");
			PrefAppendJsonNumber(&buf, pr[c]);
		}
		appendStringInfoString(&buf, "]}");
	}
	appendStringInfoString(&buf, "]}");
	return DirectFunctionCall1(jsonb_in, CStringGetDatum(buf.data));
}
