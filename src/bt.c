/*
 * bt.c - SQL glue of Bradley-Terry fits: pref.bradley_terry, the bt_fit
 * aggregate, the pref.bt_model type, pref.ratings, pref.bt_summary,
 * pref.win_prob and pref.tie_prob.
 */
#include "postgres.h"

#include <math.h>

#include "common/shortest_dec.h"
#include "fmgr.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/json.h"
#include "utils/jsonb.h"

#include "bt_core.h"
#include "common.h"
#include "linalg.h"
#include "tally.h"
#include "tally_state.h"

#define BT_MODEL_VERSION 1

static const char *const TIES_NAMES[] = {"none", "half", "rao_kupper", "davidson", "auto", NULL};
static const char *const SCALE_NAMES[] = {"elo", "logit", NULL};
static const char *const SE_NAMES[] = {"model", "sandwich", NULL};

/*
 * pref.bt_model: header, then theta[n], se[n], se_robust[n], then the
 * tally the model was fitted on (8-byte aligned).
 */
typedef struct PrefBtModel
{
	int32		vl_len_;
	uint8		version;
	uint8		ties;			/* BT_TIES_* used */
	uint8		order_effect;
	uint8		converged;
	int32		nitems;
	int32		iterations;
	int32		max_iter;
	int32		reserved;
	double		prior;
	double		tol;
	double		loglik;
	double		tau;			/* tie parameter, internal (log) scale */
	double		tau_se;
	double		order;
	double		order_se;
	double		order_se_robust;
	double		data[FLEXIBLE_ARRAY_MEMBER];
} PrefBtModel;

#define BT_THETA(m)		((m)->data)
#define BT_SE(m)		((m)->data + (m)->nitems)
#define BT_SE_ROBUST(m)	((m)->data + 2 * (m)->nitems)
#define BT_TALLY(m)		((PrefTally *) ((m)->data + 3 * (m)->nitems))
#define PG_GETARG_BTMODEL_P(n)	((PrefBtModel *) PG_DETOAST_DATUM(PG_GETARG_DATUM(n)))

/* Build the fitting problem from a tally */
static BtProblem *
MakeProblem(const PrefTally *t, int ties, bool order_effect, double prior, int max_iter, double tol)
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
	return p;
}

/* Item i's key as a C string */
static char *
ItemName(const PrefTally *t, int i)
{
	StringInfoData buf;

	initStringInfo(&buf);
	TallyAppendKey(&buf, t, i);
	return buf.data;
}

/* Error unless the MLE exists (comparison graph strongly connected) */
static void
CheckExistence(const BtProblem *p, const PrefTally *t)
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
			appendStringInfo(&d, "%sitem %s never %s", listed ? "; " : "", ItemName(t, i),
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
				appendStringInfo(&d, "%s%s", listed++ ? ", " : "", ItemName(t, i));
		appendStringInfoString(&d, " are not linked to the others by wins in both directions");
	}
	ereport(ERROR,
			(errcode(ERRCODE_DATA_EXCEPTION),
			 errmsg("the maximum likelihood estimate does not exist"),
			 errdetail("The comparison graph is not strongly connected (%d components): %s.", ncomp, d.data),
			 errhint("Pass prior > 0 (for example prior => 0.01) to fit with a Gaussian prior, or add comparisons.")));
}

/* Fit a tally and build the model value */
static PrefBtModel *
FitTally(PrefTally *t, double prior, int ties, bool order_effect, int max_iter, double tol)
{
	BtProblem  *p;
	int			np;
	double	   *x,
			   *cov,
			   *robust,
			   *work;
	double		loglik;
	int			iters,
				conv,
				rc;
	Size		tsize = VARSIZE(t);
	Size		size;
	PrefBtModel *m;
	int			it,
				io;
	bool		has_ties = false;

	if (!isfinite(prior) || prior < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("prior must be finite and not negative")));
	if (max_iter < 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("max_iter must be at least 1")));
	if (!isfinite(tol) || tol <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("tol must be positive and finite")));
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

	p = MakeProblem(t, ties, order_effect, prior, max_iter, tol);
	if (prior == 0)
		CheckExistence(p, t);
	np = bt_nparams(p);
	PrefCheckMemory((double) bt_work_size(p) * 8.0 + 2.0 * np * np * 8.0, "pref.bradley_terry");
	x = palloc(sizeof(double) * np);
	cov = palloc_extended(sizeof(double) * np * np, MCXT_ALLOC_HUGE);
	robust = palloc_extended(sizeof(double) * np * np, MCXT_ALLOC_HUGE);
	work = palloc_extended(sizeof(double) * bt_work_size(p), MCXT_ALLOC_HUGE);
	bt_start(p, x);
	PrefApplyBlasThreads();
	rc = bt_fit(p, x, cov, robust, work, &loglik, &iters, &conv);
	if (rc != BT_OK)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("Bradley-Terry fit failed: %s",
						rc == BT_NOT_SPD ? "the Hessian is singular" : "no progress"),
				 errhint("Pass prior > 0, or fit without order_effect or with a simpler ties model.")));

	size = MAXALIGN(offsetof(PrefBtModel, data) + sizeof(double) * 3 * t->nitems) + tsize;
	m = palloc0(size);
	SET_VARSIZE(m, size);
	m->version = BT_MODEL_VERSION;
	m->ties = ties;
	m->order_effect = order_effect;
	m->converged = conv;
	m->nitems = t->nitems;
	m->iterations = iters;
	m->max_iter = max_iter;
	m->prior = prior;
	m->tol = tol;
	m->loglik = loglik;
	it = bt_tie_index(p);
	io = bt_order_index(p);
	m->tau = it >= 0 ? x[it] : NAN;
	m->tau_se = it >= 0 ? sqrt(cov[(size_t) it * np + it]) : NAN;
	m->order = io >= 0 ? x[io] : NAN;
	m->order_se = io >= 0 ? sqrt(cov[(size_t) io * np + io]) : NAN;
	m->order_se_robust = io >= 0 ? sqrt(robust[(size_t) io * np + io]) : NAN;
	for (int i = 0; i < t->nitems; i++)
	{
		BT_THETA(m)[i] = x[i];
		BT_SE(m)[i] = sqrt(fmax(cov[(size_t) i * np + i], 0));
		BT_SE_ROBUST(m)[i] = sqrt(fmax(robust[(size_t) i * np + i], 0));
	}
	memcpy(BT_TALLY(m), t, tsize);
	return m;
}

PG_FUNCTION_INFO_V1(pref_bradley_terry);

/* bradley_terry(t, prior, ties, max_iter, tol, order_effect) */
Datum
pref_bradley_terry(PG_FUNCTION_ARGS)
{
	PrefTally  *t = PG_GETARG_TALLY_P(0);
	int			ties = PrefParseOption(text_to_cstring(PG_GETARG_TEXT_PP(2)), TIES_NAMES, "ties model");

	PG_RETURN_POINTER(FitTally(t, PG_GETARG_FLOAT8(1), ties, PG_GETARG_BOOL(5),
							   PG_GETARG_INT32(3), PG_GETARG_FLOAT8(4)));
}

PG_FUNCTION_INFO_V1(pref_bt_fit_final);

/* bt_fit aggregate final: fit the tally with default options */
Datum
pref_bt_fit_final(PG_FUNCTION_ARGS)
{
	PrefTally  *t;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	t = TallyStateFinal((TallyState *) PG_GETARG_POINTER(0));
	PG_RETURN_POINTER(FitTally(t, 0, 4, false, 100, 1e-10));
}

/* Append a double to JSON, null when not finite */
static void
AppendNum(StringInfo buf, double x)
{
	char		tmp[DOUBLE_SHORTEST_DECIMAL_LEN];

	if (!isfinite(x))
	{
		appendStringInfoString(buf, "null");
		return;
	}
	double_to_shortest_decimal_buf(x, tmp);
	appendStringInfoString(buf, tmp);
}

/* Natural-scale tie parameter and its standard error (delta method) */
static void
TieParam(const PrefBtModel *m, double *v, double *se)
{
	if (m->ties == BT_TIES_DAVIDSON || m->ties == BT_TIES_RAO_KUPPER)
	{
		*v = exp(m->tau);
		*se = *v * m->tau_se;
	}
	else
		*v = *se = NAN;
}

/* JSON summary of a model */
static char *
ModelJson(const PrefBtModel *m)
{
	StringInfoData buf;
	const PrefTally *t = BT_TALLY(m);
	double		tp,
				tpse,
				pr[3];

	TieParam(m, &tp, &tpse);
	bt_probs(m->ties, 0, m->tau, pr);
	initStringInfo(&buf);
	appendStringInfo(&buf, "{\"items\": %d, \"loglik\": ", m->nitems);
	AppendNum(&buf, m->loglik);
	appendStringInfo(&buf, ", \"iterations\": %d, \"converged\": %s, \"rows_used\": " INT64_FORMAT
					 ", \"rows_skipped\": " INT64_FORMAT ", \"prior\": ",
					 m->iterations, m->converged ? "true" : "false", t->rows_used, t->rows_skipped);
	AppendNum(&buf, m->prior);
	appendStringInfo(&buf, ", \"ties\": \"%s\", \"tie_param\": ", TIES_NAMES[m->ties]);
	AppendNum(&buf, tp);
	appendStringInfoString(&buf, ", \"tie_param_se\": ");
	AppendNum(&buf, tpse);
	appendStringInfoString(&buf, ", \"p_tie_equal\": ");
	AppendNum(&buf, m->ties == BT_TIES_DAVIDSON || m->ties == BT_TIES_RAO_KUPPER ? pr[2] : NAN);
	appendStringInfoString(&buf, ", \"order_effect\": ");
	AppendNum(&buf, m->order);
	appendStringInfoString(&buf, ", \"order_effect_se\": ");
	AppendNum(&buf, m->order_se);
	appendStringInfoString(&buf, ", \"order_effect_se_robust\": ");
	AppendNum(&buf, m->order_se_robust);
	appendStringInfo(&buf, ", \"max_iter\": %d, \"tol\": ", m->max_iter);
	AppendNum(&buf, m->tol);
	appendStringInfo(&buf, ", \"key_type\": \"%s\"}", (t->flags & TALLY_TEXT) ? "text" : "bigint");
	return buf.data;
}

PG_FUNCTION_INFO_V1(pref_bt_model_out);

/* Text output: the JSON summary */
Datum
pref_bt_model_out(PG_FUNCTION_ARGS)
{
	PG_RETURN_CSTRING(ModelJson(PG_GETARG_BTMODEL_P(0)));
}

PG_FUNCTION_INFO_V1(pref_bt_model_in);

/* Text input is not supported: store the tally and refit */
Datum
pref_bt_model_in(PG_FUNCTION_ARGS)
{
	ereport(ERROR,
			(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
			 errmsg("pref.bt_model has no text input"),
			 errhint("Store the pref.tally and refit with pref.bradley_terry.")));
	PG_RETURN_NULL();
}

PG_FUNCTION_INFO_V1(pref_bt_summary);

/* bt_summary(m) jsonb */
Datum
pref_bt_summary(PG_FUNCTION_ARGS)
{
	return DirectFunctionCall1(jsonb_in, CStringGetDatum(ModelJson(PG_GETARG_BTMODEL_P(0))));
}

/* Inverse of the standard normal CDF (Acklam, refined by one Newton step) */
static double
NormalQuantile(double p)
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
static int
FindItem(const PrefTally *t, const char *key, const char *argname)
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

/* ratings(m, scale, anchor, anchor_rating, level, se) */
Datum
pref_ratings(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	PrefBtModel *m = PG_GETARG_BTMODEL_P(0);
	int			scale = PrefParseOption(text_to_cstring(PG_GETARG_TEXT_PP(1)), SCALE_NAMES, "scale");
	int			anchor = -1;
	double		anchor_rating = PG_ARGISNULL(3) ? 1000.0 : PG_GETARG_FLOAT8(3);
	double		level = PG_ARGISNULL(4) ? 0.95 : PG_GETARG_FLOAT8(4);
	int			sekind = PG_ARGISNULL(5) ? 0 : PrefParseOption(text_to_cstring(PG_GETARG_TEXT_PP(5)), SE_NAMES, "standard error kind");
	const PrefTally *t = BT_TALLY(m);
	int			n = m->nitems;
	double		f = scale == 0 ? 400.0 / log(10.0) : 1.0;
	double		shift = scale == 0 ? 1000.0 : 0.0;
	double	   *r = palloc(sizeof(double) * n),
			   *se = palloc(sizeof(double) * n),
			   *lo = palloc(sizeof(double) * n),
			   *hi = palloc(sizeof(double) * n);
	int64	   *cnt = palloc0(sizeof(int64) * n * 3);
	double		z;

	PrefCheckFinite(anchor_rating, "anchor_rating");
	if (!(level > 0 && level < 1))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("level must be between 0 and 1 (exclusive)")));
	z = NormalQuantile(0.5 + level / 2);
	if (!PG_ARGISNULL(2))
		anchor = FindItem(t, text_to_cstring(PG_GETARG_TEXT_PP(2)), "anchor");

	for (int i = 0; i < n; i++)
	{
		r[i] = f * BT_THETA(m)[i] + shift;
		se[i] = f * (sekind ? BT_SE_ROBUST(m)[i] : BT_SE(m)[i]);
	}
	if (anchor >= 0)
	{
		/* pin the anchor; errors of differences from it need the covariance */
		BtProblem  *p = MakeProblem(t, m->ties, m->order_effect, m->prior, m->max_iter, m->tol);
		int			np = bt_nparams(p);
		double	   *x = palloc(sizeof(double) * np);
		double	   *cov = palloc_extended(sizeof(double) * np * np, MCXT_ALLOC_HUGE);
		double	   *rob = palloc_extended(sizeof(double) * np * np, MCXT_ALLOC_HUGE);
		double	   *work;
		double	   *V;
		double		ar = r[anchor];

		PrefCheckMemory((double) bt_work_size(p) * 8.0 + 2.0 * np * np * 8.0, "pref.ratings");
		work = palloc_extended(sizeof(double) * bt_work_size(p), MCXT_ALLOC_HUGE);
		memcpy(x, BT_THETA(m), sizeof(double) * n);
		if (bt_tie_index(p) >= 0)
			x[bt_tie_index(p)] = m->tau;
		if (bt_order_index(p) >= 0)
			x[bt_order_index(p)] = m->order;
		PrefApplyBlasThreads();
		PrefLinalgError(bt_covariance(p, x, cov, sekind ? rob : NULL, work) == BT_OK ? LINALG_OK : LINALG_NOT_SPD,
						"pref.ratings");
		V = sekind ? rob : cov;
		for (int i = 0; i < n; i++)
		{
			double		v = V[(size_t) i * np + i] + V[(size_t) anchor * np + anchor] - 2 * V[(size_t) i * np + anchor];

			r[i] += anchor_rating - ar;
			se[i] = f * sqrt(fmax(v, 0));
		}
		se[anchor] = 0;
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
			if (lo[j] > hi[i])
				rank++;
		values[0] = CStringGetTextDatum(ItemName(t, i));
		values[1] = Float8GetDatum(r[i]);
		values[2] = Float8GetDatum(se[i]);
		values[3] = Float8GetDatum(lo[i]);
		values[4] = Float8GetDatum(hi[i]);
		values[5] = Int32GetDatum(rank);
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
	bt_probs(m->ties, BT_THETA(m)[FindItem(t, a, "item")] - BT_THETA(m)[FindItem(t, b, "item")],
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
