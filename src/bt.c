/*
 * bt.c - SQL glue of Bradley-Terry fits: pref.bradley_terry, the bt_fit
 * aggregate, pref.ratings, pref.bt_summary, pref.win_prob and
 * pref.tie_prob (the pref.bt_model text and binary forms are in bt_io.c).
 */
#include "postgres.h"

#include <math.h>

#include "fmgr.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/json.h"
#include "utils/jsonb.h"

#include "bt_core.h"
#include "bt_model.h"
#include "common.h"
#include "linalg.h"
#include "tally.h"
#include "tally_state.h"

const char *const BT_TIES_NAMES[] = {"none", "half", "rao_kupper", "davidson", "auto", NULL};
static const char *const SCALE_NAMES[] = {"elo", "logit", NULL};
static const char *const SE_NAMES[] = {"model", "sandwich", NULL};
static const char *const METHOD_NAMES[] = {"auto", "newton", "mm", NULL};

#define TIES_NAMES BT_TIES_NAMES

/* Interrupt callback handed to the numeric cores */
void
BtInterrupt(void)
{
	CHECK_FOR_INTERRUPTS();
}

/* Build the fitting problem from a tally */
BtProblem *
BtMakeProblem(const PrefTally *t, int ties, bool order_effect, double prior, int max_iter, double tol)
{
	BtProblem  *p = palloc0(sizeof(BtProblem));
	BtCell	   *cells = palloc0(sizeof(BtCell) * Max(t->ncells, 1));
	int			nc = 0;

	for (int k = 0; k < t->ncells; k++)
	{
		const TallyCell *c = &t->cells[k];
		BtCell	   *b = &cells[nc++];

		b->pos = order_effect ? 1 : 0;
		if (!order_effect && c->a > c->b)
		{
			b->a = c->b;
			b->b = c->a;
			b->wa = c->w[1];
			b->wb = c->w[0];
			b->na = c->n[1];
			b->nb = c->n[0];
		}
		else
		{
			b->a = c->a;
			b->b = c->b;
			b->wa = c->w[0];
			b->wb = c->w[1];
			b->na = c->n[0];
			b->nb = c->n[1];
		}
		b->t = c->w[2];
		b->nt = c->n[2];
	}
	p->n = t->nitems;
	p->ncells = nc;
	p->cells = cells;
	p->ties = ties;
	p->order_effect = order_effect;
	p->prior = prior;
	p->max_iter = max_iter;
	p->tol = tol;
	p->interrupt = BtInterrupt;
	return p;
}

/* Item i's key as a C string */
char *
BtItemName(const PrefTally *t, int i)
{
	StringInfoData buf;

	initStringInfo(&buf);
	TallyAppendKey(&buf, t, i);
	return buf.data;
}

/* Error unless the MLE exists (comparison graph strongly connected) */
void
BtCheckExistence(const BtProblem *p, const PrefTally *t)
{
	int		   *comp = palloc(sizeof(int) * p->n);
	int		   *iwork = palloc(sizeof(int) * bt_components_iwork(p));
	int			ncomp = bt_components(p, comp, iwork);
	double	   *won,
			   *lost;
	StringInfoData d;
	int			listed = 0;

	if (ncomp <= 1)
		return;
	won = palloc0(sizeof(double) * p->n);
	lost = palloc0(sizeof(double) * p->n);
	for (int k = 0; k < p->ncells; k++)
	{
		const BtCell *c = &p->cells[k];
		double		tie = p->ties == BT_TIES_NONE ? 0 : c->t;

		won[c->a] += c->wa + tie;
		lost[c->b] += c->wa + tie;
		won[c->b] += c->wb + tie;
		lost[c->a] += c->wb + tie;
	}
	initStringInfo(&d);
	for (int i = 0; i < p->n && listed < 5; i++)
		if (won[i] == 0 || lost[i] == 0)
		{
			appendStringInfo(&d, "%sitem %s never %s", listed ? "; " : "", BtItemName(t, i),
							 won[i] == 0 && lost[i] == 0 ? "won or lost" : won[i] == 0 ? "won" : "lost");
			listed++;
		}
	if (listed == 0)
	{
		/* name the items of the smallest component */
		int		   *size = palloc0(sizeof(int) * ncomp);
		int			best = 0;

		for (int i = 0; i < p->n; i++)
			size[comp[i]]++;
		for (int c = 1; c < ncomp; c++)
			if (size[c] < size[best])
				best = c;
		appendStringInfoString(&d, "items ");
		for (int i = 0; i < p->n && listed < 5; i++)
			if (comp[i] == best)
				appendStringInfo(&d, "%s%s", listed++ ? ", " : "", BtItemName(t, i));
		appendStringInfoString(&d, " are not linked to the others by wins in both directions");
	}
	ereport(ERROR,
			(errcode(ERRCODE_DATA_EXCEPTION),
			 errmsg("the maximum likelihood estimate does not exist"),
			 errdetail("The comparison graph is not strongly connected (%d components): %s.", ncomp, d.data),
			 errhint("Pass prior > 0 (for example prior => 0.01) to fit with a Gaussian prior, or add comparisons.")));
}

/* Resolve 'auto' ties and check the ties and order options against the tally */
int
BtResolveTies(const PrefTally *t, int ties, bool order_effect)
{
	bool		has_ties = false;

	if (order_effect && !(t->flags & TALLY_POSITION))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("order_effect needs a tally that keeps presentation order"),
				 errhint("Tally with pref.tally(first, second, outcome) or pref.tally(pref.pair).")));
	for (int k = 0; k < t->ncells; k++)
		if (t->cells[k].n[2] > 0 && t->cells[k].w[2] > 0)
			has_ties = true;
	if (ties == 4)
		ties = has_ties ? BT_TIES_DAVIDSON : BT_TIES_NONE;
	if ((ties == BT_TIES_DAVIDSON || ties == BT_TIES_RAO_KUPPER) && !has_ties)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("ties model \"%s\" needs ties in the tally", TIES_NAMES[ties]),
				 errhint("Use ties => 'none' or 'auto'.")));
	if (t->nitems < 2)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("a Bradley-Terry fit needs at least two items"),
				 errdetail("The tally has %d.", t->nitems)));
	return ties;
}

/*
 * Error unless the tie parameter of a davidson or rao_kupper fit has a finite
 * estimate: with nothing but ties it runs off to infinity, whatever the prior
 * on the strengths (requested: the ties option as given, 4 = auto)
 */
static void
CheckTieParameter(const PrefTally *t, int ties, int requested)
{
	if (ties != BT_TIES_DAVIDSON && ties != BT_TIES_RAO_KUPPER)
		return;
	for (int k = 0; k < t->ncells; k++)
	{
		const TallyCell *c = &t->cells[k];

		if ((c->n[0] > 0 && c->w[0] > 0) || (c->n[1] > 0 && c->w[1] > 0))
			return;
	}
	ereport(ERROR,
			(errcode(ERRCODE_DATA_EXCEPTION),
			 errmsg("the tie parameter of the \"%s\" ties model has no finite estimate", TIES_NAMES[ties]),
			 errdetail("Every comparison in the tally is a tie, so the fitted tie probability tends to 1 (a prior on the strengths does not change that).%s",
					   requested == 4 ? " ties => 'auto' chose the davidson model because the tally has ties." : ""),
			 errhint("Fit with ties => 'half' (a tie counts as half a win for each side), or add comparisons with a winner.")));
}

/*
 * Fit a tally and build the model value.  method auto: Newton up to
 * BT_NEWTON_MAX_ITEMS items, MM above when the model allows it.  No
 * covariance is formed here: readers compute it from the stored tally.
 */
PrefBtModel *
BtFitTally(PrefTally *t, double prior, int ties, bool order_effect, int max_iter, double tol, int method)
{
	BtProblem  *p;
	int			np;
	double	   *x;
	double		loglik = 0;
	int			iters = 0,
				conv = 0,
				rc;
	Size		tsize = VARSIZE(t);
	Size		size;
	PrefBtModel *m;
	int			it,
				io;

	int			requested = ties;

	PrefCheckPrior(prior);
	PrefCheckIterOptions(max_iter, tol);
	ties = BtResolveTies(t, ties, order_effect);
	p = BtMakeProblem(t, ties, order_effect, prior, max_iter, tol);
	if (method == BT_METHOD_AUTO)
		method = (bt_mm_applies(p) && t->nitems > BT_NEWTON_MAX_ITEMS) ? BT_METHOD_MM : BT_METHOD_NEWTON;
	if (method == BT_METHOD_MM && !bt_mm_applies(p))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the MM method fits ties => 'none' or 'half' without order_effect"),
				 errhint("Use method => 'newton' for the %s ties model%s.", TIES_NAMES[ties],
						 order_effect ? " and the order effect" : "")));
	CheckTieParameter(t, ties, requested);
	if (prior == 0)
		BtCheckExistence(p, t);
	np = bt_nparams(p);
	x = palloc(sizeof(double) * np);
	bt_start(p, x);
	if (method == BT_METHOD_MM)
	{
		double	   *work;
		int		   *iwork;

		PrefCheckMemory((double) bt_mm_work_size(p) * 8.0 + (double) bt_mm_iwork_size(p) * 4.0,
						"pref.bradley_terry");
		work = palloc_extended(sizeof(double) * bt_mm_work_size(p), MCXT_ALLOC_HUGE);
		iwork = palloc_extended(sizeof(int) * bt_mm_iwork_size(p), MCXT_ALLOC_HUGE);
		p->max_iter = (int) Min((int64) max_iter * BT_MM_SWEEPS_PER_ITER, PG_INT32_MAX);
		rc = bt_mm_fit(p, x, work, iwork, &loglik, &iters, &conv);
		pfree(work);
		pfree(iwork);
	}
	else
	{
		double	   *work;

		PrefCheckMemory((double) bt_work_size(p) * 8.0, "pref.bradley_terry");
		work = palloc_extended(sizeof(double) * bt_work_size(p), MCXT_ALLOC_HUGE);
		PrefApplyBlasThreads();
		rc = bt_fit(p, x, NULL, NULL, work, &loglik, &iters, &conv);
		pfree(work);
	}
	if (rc != BT_OK)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("Bradley-Terry fit failed: %s",
						rc == BT_NOT_SPD ? "the Hessian is singular" : "no progress"),
				 errhint("Pass prior > 0, or fit without order_effect or with a simpler ties model.")));
	if (!conv)
		ereport(WARNING,
				(errmsg("Bradley-Terry fit did not converge within max_iter = %d", max_iter),
				 errdetail("%s stopped after %d %s; the model is returned with converged = false and its estimates may be far from the maximum.",
						   method == BT_METHOD_MM ? "MM" : "Newton's method", iters,
						   method == BT_METHOD_MM ? "sweeps" : "iterations"),
				 errhint("Raise max_iter or tol, or pass prior > 0 if some strengths run off to infinity.")));

	size = MAXALIGN(offsetof(PrefBtModel, data) + sizeof(double) * t->nitems) + tsize;
	m = palloc0(size);
	SET_VARSIZE(m, size);
	m->version = BT_MODEL_VERSION;
	m->ties = ties;
	m->order_effect = order_effect;
	m->converged = conv;
	m->nitems = t->nitems;
	m->iterations = iters;
	m->max_iter = max_iter;
	m->method = method;
	m->prior = prior;
	m->tol = tol;
	m->loglik = loglik;
	it = bt_tie_index(p);
	io = bt_order_index(p);
	m->tau = it >= 0 ? x[it] : NAN;
	m->order = io >= 0 ? x[io] : NAN;
	memcpy(BT_THETA(m), x, sizeof(double) * t->nitems);
	memcpy(BT_TALLY(m), t, tsize);
	return m;
}

/*
 * Covariance of a model's parameters (model, and sandwich if robust is
 * not NULL), computed from its tally; *np receives the dimension.  When
 * soft and the dense matrices would exceed pgpref.max_memory, returns NULL.
 */
double *
PrefBtModelCovariance(const PrefBtModel *m, double **robust, int *np_out, bool soft, const char *what)
{
	const PrefTally *t = BT_TALLY(m);
	BtProblem  *p;
	int			np;
	double		bytes;
	double	   *x,
			   *cov,
			   *work;

	if (m->kind == BT_KIND_PL)
	{
		/* Plackett-Luce: from the stored rankings (pl_model.c) */
		*np_out = m->nitems;
		return PlModelCovariance(m, robust, soft, what);
	}
	p = BtMakeProblem(t, m->ties, m->order_effect, m->prior, m->max_iter, m->tol);
	np = bt_nparams(p);
	bytes = (double) bt_work_size(p) * 8.0 + (robust ? 2.0 : 1.0) * np * np * 8.0;
	*np_out = np;
	if (soft && (bytes > (double) pgpref_max_memory_kb * 1024.0 || bytes > (double) MaxAllocHugeSize))
		return NULL;
	PrefCheckMemory(bytes, what);
	x = palloc(sizeof(double) * np);
	cov = palloc_extended(sizeof(double) * np * np, MCXT_ALLOC_HUGE);
	if (robust)
		*robust = palloc_extended(sizeof(double) * np * np, MCXT_ALLOC_HUGE);
	work = palloc_extended(sizeof(double) * bt_work_size(p), MCXT_ALLOC_HUGE);
	memcpy(x, BT_THETA(m), sizeof(double) * m->nitems);
	if (bt_tie_index(p) >= 0)
		x[bt_tie_index(p)] = m->tau;
	if (bt_order_index(p) >= 0)
		x[bt_order_index(p)] = m->order;
	PrefApplyBlasThreads();
	PrefLinalgError(bt_covariance(p, x, cov, robust ? *robust : NULL, work) == BT_OK ? LINALG_OK : LINALG_NOT_SPD,
					what);
	pfree(work);
	return cov;
}

PG_FUNCTION_INFO_V1(pref_bradley_terry);

/* bradley_terry(t, prior, ties, max_iter, tol, order_effect); NULL for an empty tally */
Datum
pref_bradley_terry(PG_FUNCTION_ARGS)
{
	PrefTally  *t = PG_GETARG_TALLY_P(0);
	int			ties = PrefParseOption(text_to_cstring(PG_GETARG_TEXT_PP(2)), TIES_NAMES, "ties");

	if (t->nitems == 0)
		PG_RETURN_NULL();
	PG_RETURN_POINTER(BtFitTally(t, PG_GETARG_FLOAT8(1), ties, PG_GETARG_BOOL(5),
								 PG_GETARG_INT32(3), PG_GETARG_FLOAT8(4), BT_METHOD_AUTO));
}

PG_FUNCTION_INFO_V1(pref_bradley_terry_method);

/* bradley_terry(t, method, prior, ties, max_iter, tol, order_effect); NULL for an empty tally */
Datum
pref_bradley_terry_method(PG_FUNCTION_ARGS)
{
	PrefTally  *t = PG_GETARG_TALLY_P(0);
	int			method = PrefParseOption(text_to_cstring(PG_GETARG_TEXT_PP(1)), METHOD_NAMES, "method");
	int			ties = PrefParseOption(text_to_cstring(PG_GETARG_TEXT_PP(3)), TIES_NAMES, "ties");
	int			max_iter = PG_GETARG_INT32(4);

	if (t->nitems == 0)
		PG_RETURN_NULL();
	PG_RETURN_POINTER(BtFitTally(t, PG_GETARG_FLOAT8(2), ties, PG_GETARG_BOOL(6),
								 max_iter, PG_GETARG_FLOAT8(5), method));
}

PG_FUNCTION_INFO_V1(pref_bt_fit_state_final);

/*
 * bt_fit aggregate final: fit the state's tally with default options; NULL
 * over no rows and over rows that were all skipped
 */
Datum
pref_bt_fit_state_final(PG_FUNCTION_ARGS)
{
	PrefTally  *t;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	t = TallyStateValue(PG_GETARG_DATUM(0));
	if (t->nitems == 0)
		PG_RETURN_NULL();
	PG_RETURN_POINTER(BtFitTally(t, 0, 4, false, 100, 1e-10, BT_METHOD_AUTO));
}

/* JSON summary of a model; standard errors of tie and order parameters from the tally */
static char *
ModelJson(const PrefBtModel *m)
{
	StringInfoData buf;
	const PrefTally *t = BT_TALLY(m);
	bool		has_tie = m->ties == BT_TIES_DAVIDSON || m->ties == BT_TIES_RAO_KUPPER;
	double		tp = NAN,
				tpse = NAN,
				ose = NAN,
				ose_r = NAN,
				pr[3];
	int64		rows = t->rows_used;

	if (has_tie || m->order_effect)
	{
		double	   *rob = NULL;
		int			np;
		double	   *cov = PrefBtModelCovariance(m, m->order_effect ? &rob : NULL, &np, true, "pref.bt_summary");

		if (cov != NULL)
		{
			int			k = m->nitems;

			if (has_tie)
			{
				tp = exp(m->tau);
				tpse = tp * sqrt(fmax(cov[(size_t) k * np + k], 0));
				k++;
			}
			if (m->order_effect)
			{
				ose = sqrt(fmax(cov[(size_t) k * np + k], 0));
				ose_r = sqrt(fmax(rob[(size_t) k * np + k], 0));
			}
		}
		else if (has_tie)
			tp = exp(m->tau);
	}
	bt_probs(m->ties, 0, m->tau, pr);
	if (m->kind == BT_KIND_PL)
	{
		/* rows of a Plackett-Luce model are its rankings, not the pairs they imply */
		const PrefPlRankings *b = BT_PL(m);

		rows = 0;
		for (int r = 0; r < b->nrank; r++)
			rows += (int64) PLR_WEIGHT(b)[r];
	}
	initStringInfo(&buf);
	appendStringInfo(&buf, "{\"model\": \"%s\", \"items\": %d, \"loglik\": ",
					 m->kind == BT_KIND_PL ? "plackett_luce" : "bradley_terry", m->nitems);
	PrefAppendJsonNumber(&buf, m->loglik);
	appendStringInfo(&buf, ", \"iterations\": %d, \"converged\": %s, \"rows_used\": " INT64_FORMAT
					 ", \"rows_skipped\": " INT64_FORMAT ", \"prior\": ",
					 m->iterations, m->converged ? "true" : "false", rows, t->rows_skipped);
	PrefAppendJsonNumber(&buf, m->prior);
	appendStringInfo(&buf, ", \"ties\": \"%s\", \"tie_param\": ", TIES_NAMES[m->ties]);
	PrefAppendJsonNumber(&buf, tp);
	appendStringInfoString(&buf, ", \"tie_param_se\": ");
	PrefAppendJsonNumber(&buf, tpse);
	appendStringInfoString(&buf, ", \"p_tie_equal\": ");
	PrefAppendJsonNumber(&buf, has_tie ? pr[2] : NAN);
	appendStringInfoString(&buf, ", \"order_effect\": ");
	PrefAppendJsonNumber(&buf, m->order);
	appendStringInfoString(&buf, ", \"order_effect_se\": ");
	PrefAppendJsonNumber(&buf, ose);
	appendStringInfoString(&buf, ", \"order_effect_se_robust\": ");
	PrefAppendJsonNumber(&buf, ose_r);
	appendStringInfo(&buf, ", \"max_iter\": %d, \"tol\": ", m->max_iter);
	PrefAppendJsonNumber(&buf, m->tol);
	appendStringInfo(&buf, ", \"method\": \"%s\", \"key_type\": \"%s\"}",
					 METHOD_NAMES[m->method], (t->flags & TALLY_TEXT) ? "text" : "bigint");
	return buf.data;
}

PG_FUNCTION_INFO_V1(pref_bt_summary);

/* bt_summary(m) jsonb */
Datum
pref_bt_summary(PG_FUNCTION_ARGS)
{
	return DirectFunctionCall1(jsonb_in, CStringGetDatum(ModelJson(PG_GETARG_BTMODEL_P(0))));
}

/* Inverse of the standard normal CDF (Acklam, refined by one Newton step) */
double
BtNormalQuantile(double p)
{
	static const double a[] = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
	1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00};
	static const double b[] = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
	6.680131188771972e+01, -1.328068155288572e+01};
	static const double c[] = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
	-2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00};
	static const double d[] = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
	3.754408661907416e+00};
	double		q,
				r,
				x;

	if (p < 0.02425)
	{
		q = sqrt(-2 * log(p));
		x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
			((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
	}
	else if (p > 1 - 0.02425)
	{
		q = sqrt(-2 * log(1 - p));
		x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
			((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
	}
	else
	{
		q = p - 0.5;
		r = q * q;
		x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
			(((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
	}
	/* one Newton step on Phi(x) - p */
	{
		double		e = 0.5 * erfc(-x / M_SQRT2) - p;
		double		u = e * sqrt(2 * M_PI) * exp(x * x / 2);

		x = x - u / (1 + x * u / 2);
	}
	return x;
}

/* Index of an item given as text (parsed as bigint for bigint tallies) */
int
BtFindItem(const PrefTally *t, const char *key, const char *argname)
{
	int			i;

	if (t->flags & TALLY_TEXT)
		i = TallyFindText(t, key, strlen(key));
	else
	{
		int64		v;
		char	   *end;

		errno = 0;
		v = strtoll(key, &end, 10);
		i = (*end != '\0' || errno != 0 || end == key) ? -1 : TallyFindInt(t, v);
	}
	if (i < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s \"%s\" is not an item of the model", argname, key)));
	return i;
}

PG_FUNCTION_INFO_V1(pref_ratings);

/*
 * ratings(m, scale, anchor, anchor_rating, level, se): no rows for a NULL
 * model (a fit over no rows); NULL anchor: none; other NULL options: error
 */
Datum
pref_ratings(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	PrefBtModel *m;
	int			scale,
				sekind,
				anchor = -1;
	double		anchor_rating,
				level;
	const PrefTally *t;
	int			n;
	double		f,
				shift;
	double	   *r,
			   *se,
			   *lo,
			   *hi;
	int64	   *cnt;
	double		z;
	bool		have_se = true;

	if (PG_ARGISNULL(0))
	{
		InitMaterializedSRF(fcinfo, 0);
		return (Datum) 0;
	}
	PrefCheckNotNull(fcinfo, 1, "scale");
	PrefCheckNotNull(fcinfo, 3, "anchor_rating");
	PrefCheckNotNull(fcinfo, 4, "level");
	PrefCheckNotNull(fcinfo, 5, "se");
	m = PG_GETARG_BTMODEL_P(0);
	scale = PrefParseOption(text_to_cstring(PG_GETARG_TEXT_PP(1)), SCALE_NAMES, "scale");
	anchor_rating = PG_GETARG_FLOAT8(3);
	level = PG_GETARG_FLOAT8(4);
	sekind = PrefParseOption(text_to_cstring(PG_GETARG_TEXT_PP(5)), SE_NAMES, "se");
	t = BT_TALLY(m);
	n = m->nitems;
	f = scale == 0 ? 400.0 / log(10.0) : 1.0;
	shift = scale == 0 ? 1000.0 : 0.0;
	r = palloc(sizeof(double) * n);
	se = palloc(sizeof(double) * n);
	lo = palloc(sizeof(double) * n);
	hi = palloc(sizeof(double) * n);
	cnt = palloc0(sizeof(int64) * n * 3);

	PrefCheckFinite(anchor_rating, "anchor_rating");
	if (!(level > 0 && level < 1))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("level must be between 0 and 1 (exclusive)")));
	z = BtNormalQuantile(0.5 + level / 2);
	if (!PG_ARGISNULL(2))
		anchor = BtFindItem(t, text_to_cstring(PG_GETARG_TEXT_PP(2)), "anchor");

	for (int i = 0; i < n; i++)
		r[i] = f * BT_THETA(m)[i] + shift;
	{
		/* standard errors from the covariance, computed now from the tally */
		double	   *rob = NULL;
		int			np;
		double	   *cov = PrefBtModelCovariance(m, sekind ? &rob : NULL, &np, true, "pref.ratings");
		double	   *V = sekind ? rob : cov;

		if (cov == NULL)
		{
			have_se = false;
			ereport(NOTICE,
					(errmsg("standard errors of %d items need more memory than pgpref.max_memory (%d kB)",
							n, pgpref_max_memory_kb),
					 errdetail("std_error, lower and upper are null and rank orders by rating."),
					 errhint("Raise pgpref.max_memory, or use pref.bt_bootstrap for intervals.")));
		}
		for (int i = 0; i < n && have_se; i++)
		{
			double		v = V[(size_t) i * np + i];

			if (anchor >= 0)
				v += V[(size_t) anchor * np + anchor] - 2 * V[(size_t) i * np + anchor];
			se[i] = f * sqrt(fmax(v, 0));
		}
		if (anchor >= 0)
		{
			double		ar = r[anchor];

			for (int i = 0; i < n; i++)
				r[i] += anchor_rating - ar;
			se[anchor] = 0;
		}
	}
	for (int i = 0; i < n; i++)
	{
		lo[i] = r[i] - z * se[i];
		hi[i] = r[i] + z * se[i];
	}
	for (int k = 0; k < t->ncells; k++)
	{
		const TallyCell *c = &t->cells[k];

		cnt[c->a * 3 + 0] += c->n[0];
		cnt[c->a * 3 + 1] += c->n[1];
		cnt[c->b * 3 + 0] += c->n[1];
		cnt[c->b * 3 + 1] += c->n[0];
		cnt[c->a * 3 + 2] += c->n[2];
		cnt[c->b * 3 + 2] += c->n[2];
	}
	InitMaterializedSRF(fcinfo, 0);
	for (int i = 0; i < n; i++)
	{
		Datum		values[10];
		bool		nulls[10] = {false};
		int			rank = 1;

		CHECK_FOR_INTERRUPTS();
		for (int j = 0; j < n; j++)
			if (have_se ? lo[j] > hi[i] : r[j] > r[i])
				rank++;
		values[0] = CStringGetTextDatum(BtItemName(t, i));
		values[1] = Float8GetDatum(r[i]);
		values[2] = Float8GetDatum(se[i]);
		values[3] = Float8GetDatum(lo[i]);
		values[4] = Float8GetDatum(hi[i]);
		values[5] = Int32GetDatum(rank);
		nulls[2] = nulls[3] = nulls[4] = !have_se;
		values[6] = Int64GetDatum(cnt[i * 3 + 0]);
		values[7] = Int64GetDatum(cnt[i * 3 + 1]);
		values[8] = Int64GetDatum(cnt[i * 3 + 2]);
		values[9] = Int64GetDatum(cnt[i * 3 + 0] + cnt[i * 3 + 1] + cnt[i * 3 + 2]);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

/* Outcome probabilities for items named by arguments 1 and 2 */
static void
PairProbs(FunctionCallInfo fcinfo, bool istext, double *pr)
{
	PrefBtModel *m = PG_GETARG_BTMODEL_P(0);
	const PrefTally *t = BT_TALLY(m);
	char	   *a,
			   *b;

	if (istext)
	{
		a = text_to_cstring(PG_GETARG_TEXT_PP(1));
		b = text_to_cstring(PG_GETARG_TEXT_PP(2));
	}
	else
	{
		a = psprintf(INT64_FORMAT, PG_GETARG_INT64(1));
		b = psprintf(INT64_FORMAT, PG_GETARG_INT64(2));
	}
	if (((t->flags & TALLY_TEXT) != 0) != istext)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("the model has %s items", (t->flags & TALLY_TEXT) ? "text" : "bigint")));
	bt_probs(m->ties, BT_THETA(m)[BtFindItem(t, a, "item")] - BT_THETA(m)[BtFindItem(t, b, "item")],
			 m->tau, pr);
}

PG_FUNCTION_INFO_V1(pref_win_prob_int);

/* P(a preferred to b), no order advantage */
Datum
pref_win_prob_int(PG_FUNCTION_ARGS)
{
	double		pr[3];

	PairProbs(fcinfo, false, pr);
	PG_RETURN_FLOAT8(pr[0]);
}

PG_FUNCTION_INFO_V1(pref_win_prob_text);

/* P(a preferred to b), text items */
Datum
pref_win_prob_text(PG_FUNCTION_ARGS)
{
	double		pr[3];

	PairProbs(fcinfo, true, pr);
	PG_RETURN_FLOAT8(pr[0]);
}

PG_FUNCTION_INFO_V1(pref_tie_prob_int);

/* P(tie between a and b) (0 for models without ties) */
Datum
pref_tie_prob_int(PG_FUNCTION_ARGS)
{
	double		pr[3];

	PairProbs(fcinfo, false, pr);
	PG_RETURN_FLOAT8(pr[2]);
}

PG_FUNCTION_INFO_V1(pref_tie_prob_text);

/* P(tie between a and b), text items */
Datum
pref_tie_prob_text(PG_FUNCTION_ARGS)
{
	double		pr[3];

	PairProbs(fcinfo, true, pr);
	PG_RETURN_FLOAT8(pr[2]);
}
