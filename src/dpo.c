/*
 * dpo.c - SQL glue for the DPO family's per-row functions: dpo_loss,
 * dpo_grad_weight, listwise_dpo_loss, simpo_loss, cpo_loss, orpo_loss.
 * The mathematics lives in dpo_core.c.
 */
#include "postgres.h"

#include <ctype.h>
#include <math.h>

#include "fmgr.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/float.h"

#include "common.h"
#include "dpo.h"

static const char *const OPTION_NAMES[] = {
	"label_smoothing", "divergence", "alpha", "epsilon", "tau", "reward_mean", NULL
};

/* Ensure a text argument fits the cache and equals its cached copy */
static bool
SameText(text *t, int cached_len, const char *cached, int cap)
{
	int			len;

	if (t == NULL)
		return cached_len == -1;
	len = VARSIZE_ANY_EXHDR(t);
	return len < cap && len == cached_len && memcmp(VARDATA_ANY(t), cached, len) == 0;
}

/* Remember a text argument in the cache (-1 for absent, -2 for too long) */
static void
KeepText(text *t, int *cached_len, char *cached, int cap)
{
	int			len;

	if (t == NULL)
	{
		*cached_len = -1;
		return;
	}
	len = VARSIZE_ANY_EXHDR(t);
	if (len >= cap)
	{
		*cached_len = -2;
		return;
	}
	memcpy(cached, VARDATA_ANY(t), len);
	*cached_len = len;
}

/*
 * Comma-separated list of the loss kinds accepted per row (per_row) or in
 * an aggregate: the same predicate the parser applies, so a hint never
 * lists a kind that is then rejected.
 */
static char *
KindList(bool per_row)
{
	const char *names[DPO_NKINDS + 1];
	int			n = 0;

	for (int k = 0; k < DPO_NKINDS; k++)
		if (dpo_kind_accepted(k, per_row ? 1 : 0))
			names[n++] = dpo_kind_names[k];
	names[n] = NULL;
	return PrefNameList(names);
}

/* Error for a batch-level kind where the loss is computed per row */
static void
BatchKindError(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("loss kinds aot and aot_unpaired sort within a batch and exist only as aggregates"),
			 errhint("Use pref.dpo_metrics(...) with GROUP BY the batch.")));
}

/* Ensure the loss text parses; report what is wrong otherwise */
static void
ParseLossOrError(const char *s, DpoSpec *spec, bool per_row)
{
	char		bad[64];
	int			rc = dpo_parse_loss(s, spec, per_row ? 1 : 0, bad, sizeof(bad));

	switch (rc)
	{
		case DPO_OK:
			return;
		case DPO_ERR_KIND:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid value for argument loss: unknown kind \"%s\"", bad),
					 errhint("Valid kinds are: %s.", KindList(per_row))));
			break;
		case DPO_ERR_BATCH:
			BatchKindError();
			break;
		case DPO_ERR_TERMS:
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("too many terms in loss \"%s\"", s),
					 errdetail("A mixture has at most %d terms.", DPO_MAX_TERMS)));
			break;
		case DPO_ERR_WEIGHT:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("loss term weights must be positive and finite in \"%s\"", s)));
			break;
		default:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid value for argument loss: \"%s\"", s),
					 errdetail("A loss is a kind, or a mixture of weighted kinds such as '0.8*sigmoid + 0.2*bco_pair'."),
					 errhint("Valid kinds are: %s.", KindList(per_row))));
	}
}

/* Parse a float option value */
static double
OptionNumber(const char *name, const char *val)
{
	char	   *end;
	double		v;

	errno = 0;
	v = strtod(val, &end);
	while (isspace((unsigned char) *end))
		end++;
	if (end == val || *end != '\0' || errno == ERANGE)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("option %s needs a number, got \"%s\"", name, val)));
	return v;
}

/* Parse "name=value, name=value" options into spec */
static void
ParseOptions(char *s, DpoSpec *spec)
{
	char	   *p = s;

	while (*p)
	{
		char	   *name,
				   *val;
		int			which;

		while (isspace((unsigned char) *p) || *p == ',')
			p++;
		if (*p == '\0')
			break;
		name = p;
		while (*p && *p != '=' && !isspace((unsigned char) *p) && *p != ',')
			p++;
		if (*p != '=')
		{
			while (isspace((unsigned char) *p))
				*p++ = '\0';
			if (*p != '=')
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("invalid value for argument options: \"%s\"", s),
						 errdetail("Options are written name=value, separated by commas."),
						 errhint("Valid options are: %s.", PrefNameList(OPTION_NAMES))));
		}
		*p++ = '\0';
		while (isspace((unsigned char) *p))
			p++;
		val = p;
		while (*p && *p != ',')
			p++;
		if (*p)
			*p++ = '\0';
		/* trim trailing blanks of the value */
		for (char *e = val + strlen(val); e > val && isspace((unsigned char) e[-1]); e--)
			e[-1] = '\0';
		which = PrefParseOption(name, OPTION_NAMES, "options");
		switch (which)
		{
			case 0:
				spec->label_smoothing = OptionNumber(name, val);
				break;
			case 1:
				spec->divergence = PrefParseOption(val, dpo_divergence_names, "divergence");
				break;
			case 2:
				spec->alpha = OptionNumber(name, val);
				break;
			case 3:
				spec->epsilon = OptionNumber(name, val);
				break;
			case 4:
				spec->tau = OptionNumber(name, val);
				break;
			case 5:
				spec->reward_mean = OptionNumber(name, val);
				break;
		}
	}
}

/* Fill spec from loss / divergence / option texts, through the cache */
bool
DpoSpecFromText(DpoSpecCache *cache, text *loss, text *divergence,
				text *options, bool per_row, DpoSpec *spec)
{
	if (cache != NULL && cache->valid &&
		SameText(loss, cache->loss_len, cache->loss, sizeof(cache->loss)) &&
		SameText(divergence, cache->div_len, cache->div, sizeof(cache->div)) &&
		SameText(options, cache->opt_len, cache->opt, sizeof(cache->opt)))
	{
		*spec = cache->spec;
		return true;
	}
	dpo_spec_defaults(spec);
	if (loss != NULL)
		ParseLossOrError(text_to_cstring(loss), spec, per_row);
	if (divergence != NULL)
		spec->divergence = PrefParseOption(text_to_cstring(divergence),
										   dpo_divergence_names, "divergence");
	if (options != NULL)
		ParseOptions(text_to_cstring(options), spec);
	if (cache != NULL)
	{
		KeepText(loss, &cache->loss_len, cache->loss, sizeof(cache->loss));
		KeepText(divergence, &cache->div_len, cache->div, sizeof(cache->div));
		KeepText(options, &cache->opt_len, cache->opt, sizeof(cache->opt));
		cache->spec = *spec;
		cache->valid = (cache->loss_len != -2 && cache->div_len != -2 && cache->opt_len != -2);
	}
	return false;
}

/* Ensure the parameters are valid */
void
DpoCheckSpecOrError(const DpoSpec *spec, bool per_row)
{
	int			rc = dpo_check_spec(spec, per_row ? 1 : 0);

	switch (rc)
	{
		case DPO_OK:
			return;
		case DPO_ERR_BETA:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("beta must be positive and finite"),
					 errdetail("Got %s.", float8out_internal(spec->beta))));
			break;
		case DPO_ERR_SMOOTHING:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("label_smoothing must be in [0, 0.5)"),
					 errdetail("Got %s.", float8out_internal(spec->label_smoothing))));
			break;
		case DPO_ERR_ALPHA:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("alpha must be positive and finite"),
					 errdetail("Got %s.", float8out_internal(spec->alpha))));
			break;
		case DPO_ERR_EPSILON:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("epsilon must be in (0, 1)"),
					 errdetail("Got %s.", float8out_internal(spec->epsilon))));
			break;
		case DPO_ERR_TAU:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("tau must be positive and finite"),
					 errdetail("Got %s.", float8out_internal(spec->tau))));
			break;
		case DPO_ERR_REWARD_MEAN:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("reward_mean must be finite")));
			break;
		case DPO_ERR_DIVERGENCE:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("divergence \"%s\" applies only to loss kinds sigmoid, robust, hinge, ipo and exo_pair",
							dpo_divergence_names[spec->divergence]),
					 errhint("Use divergence 'reverse_kl' with the other kinds.")));
			break;
		case DPO_ERR_BATCH:
			BatchKindError();
			break;
		default:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid loss specification"),
					 errhint("Valid kinds are: %s.", KindList(per_row))));
	}
}

/* Ensure x is a finite log-probability */
void
DpoCheckLogp(double x, const char *argname)
{
	if (isnan(x) || isinf(x))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("%s must be finite", argname),
				 errdetail("Got %s.", float8out_internal(x))));
	if (x > 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be a log-probability (<= 0)", argname),
				 errdetail("Got %s.", float8out_internal(x)),
				 errhint("Pass log-probabilities summed over the response tokens, not probabilities or negative log-likelihoods.")));
}

/* Ensure x is a usable token count */
void
DpoCheckLength(double x, const char *argname, bool zero_ok)
{
	if (isnan(x) || isinf(x) || x < 0 || (!zero_ok && x == 0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be a positive token count", argname),
				 errdetail("Got %s.", float8out_internal(x))));
}

/* Report a failure of dpo_row_loss */
void
DpoRowError(int rc, const DpoSpec *spec)
{
	(void) spec;
	if (rc == DPO_ERR_LENGTH)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("loss kind sigmoid_norm needs chosen_length and rejected_length"),
				 errhint("Pass the token counts of both responses (positive).")));
	ereport(ERROR,
			(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
			 errmsg("dpo loss is out of range for double precision"),
			 errdetail("The exponential term overflows for these log-probabilities."),
			 errhint("DiscoPOP overflows for very negative margins when tau >= 1; alpha-divergence scores overflow for log-ratios beyond about 709 / alpha.")));
}

/* Read the fourteen dpo_loss arguments into spec and row */
static void
ReadLossArgs(FunctionCallInfo fcinfo, DpoSpec *spec, DpoRow *row)
{
	DpoSpecCache *cache = (DpoSpecCache *) fcinfo->flinfo->fn_extra;

	if (cache == NULL)
	{
		cache = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(DpoSpecCache));
		fcinfo->flinfo->fn_extra = cache;
	}
	row->pc = PG_GETARG_FLOAT8(0);
	row->pr = PG_GETARG_FLOAT8(1);
	row->rc = PG_GETARG_FLOAT8(2);
	row->rr = PG_GETARG_FLOAT8(3);
	DpoCheckLogp(row->pc, "policy_chosen_logp");
	DpoCheckLogp(row->pr, "policy_rejected_logp");
	DpoCheckLogp(row->rc, "ref_chosen_logp");
	DpoCheckLogp(row->rr, "ref_rejected_logp");
	DpoSpecFromText(cache, PG_GETARG_TEXT_PP(5), PG_GETARG_TEXT_PP(7), NULL, true, spec);
	spec->beta = PG_GETARG_FLOAT8(4);
	spec->label_smoothing = PG_GETARG_FLOAT8(6);
	spec->alpha = PG_GETARG_FLOAT8(8);
	spec->epsilon = PG_GETARG_FLOAT8(9);
	spec->tau = PG_GETARG_FLOAT8(10);
	spec->reward_mean = PG_GETARG_FLOAT8(11);
	DpoCheckSpecOrError(spec, true);
	row->len_c = PG_GETARG_FLOAT8(12);
	row->len_r = PG_GETARG_FLOAT8(13);
	DpoCheckLength(row->len_c, "chosen_length", true);
	DpoCheckLength(row->len_r, "rejected_length", true);
}

PG_FUNCTION_INFO_V1(pref_dpo_loss);

/* Per-row DPO-family loss */
Datum
pref_dpo_loss(PG_FUNCTION_ARGS)
{
	DpoSpec		spec;
	DpoRow		row;
	double		loss;
	int			rc;

	ReadLossArgs(fcinfo, &spec, &row);
	rc = dpo_row_loss(&spec, &row, &loss, NULL);
	if (rc != DPO_OK)
		DpoRowError(rc, &spec);
	PG_RETURN_FLOAT8(loss);
}

PG_FUNCTION_INFO_V1(pref_dpo_grad_weight);

/* Derivative of the per-row loss with respect to the margin */
Datum
pref_dpo_grad_weight(PG_FUNCTION_ARGS)
{
	DpoSpec		spec;
	DpoRow		row;
	double		loss,
				grad;
	int			rc;

	ReadLossArgs(fcinfo, &spec, &row);
	rc = dpo_row_loss(&spec, &row, &loss, &grad);
	if (rc != DPO_OK)
		DpoRowError(rc, &spec);
	PG_RETURN_FLOAT8(grad);
}

/* Ensure beta is positive and finite */
static void
CheckBeta(double beta, const char *name)
{
	if (isnan(beta) || isinf(beta) || beta <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be positive and finite", name),
				 errdetail("Got %s.", float8out_internal(beta))));
}

/* Ensure label smoothing lies in [0, 0.5) */
static void
CheckSmoothing(double ls)
{
	if (!(ls >= 0 && ls < 0.5))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("label_smoothing must be in [0, 0.5)"),
				 errdetail("Got %s.", float8out_internal(ls))));
}

PG_FUNCTION_INFO_V1(pref_listwise_dpo_loss);

/* Plackett-Luce loss of responses in preference order, best first */
Datum
pref_listwise_dpo_loss(PG_FUNCTION_ARGS)
{
	ArrayType  *pa = PG_GETARG_ARRAYTYPE_P(0);
	ArrayType  *ra = PG_GETARG_ARRAYTYPE_P(1);
	double		beta = PG_GETARG_FLOAT8(2);
	double	   *policy,
			   *ref;
	int			n;

	CheckBeta(beta, "beta");
	policy = PrefReadVector(pa, &n, "policy_logps");
	if (n < 2)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("listwise_dpo_loss needs at least two responses"),
				 errdetail("Got %d.", n)));
	if (n > 100000)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("listwise_dpo_loss takes at most 100000 responses per list"),
				 errdetail("Got %d.", n)));
	ref = palloc(sizeof(double) * n);
	PrefReadVectorInto(ra, ref, n, "ref_logps");
	for (int i = 0; i < n; i++)
	{
		DpoCheckLogp(policy[i], "policy_logps element");
		DpoCheckLogp(ref[i], "ref_logps element");
	}
	CHECK_FOR_INTERRUPTS();
	PG_RETURN_FLOAT8(dpo_listwise_loss(policy, ref, n, beta));
}

PG_FUNCTION_INFO_V1(pref_simpo_loss);

/* SimPO: reference-free, length-normalised, with a target margin gamma */
Datum
pref_simpo_loss(PG_FUNCTION_ARGS)
{
	double		pc = PG_GETARG_FLOAT8(0),
				pr = PG_GETARG_FLOAT8(1),
				lc = PG_GETARG_FLOAT8(2),
				lr = PG_GETARG_FLOAT8(3),
				beta = PG_GETARG_FLOAT8(4),
				gamma = PG_GETARG_FLOAT8(5),
				ls = PG_GETARG_FLOAT8(6);

	DpoCheckLogp(pc, "chosen_logp");
	DpoCheckLogp(pr, "rejected_logp");
	DpoCheckLength(lc, "chosen_length", false);
	DpoCheckLength(lr, "rejected_length", false);
	CheckBeta(beta, "beta");
	PrefCheckFinite(gamma, "gamma");
	CheckSmoothing(ls);
	PG_RETURN_FLOAT8(dpo_simpo_loss(pc, pr, lc, lr, beta, gamma, ls));
}

PG_FUNCTION_INFO_V1(pref_cpo_loss);

/* CPO: reference-free sigmoid loss plus alpha times the chosen NLL */
Datum
pref_cpo_loss(PG_FUNCTION_ARGS)
{
	double		pc = PG_GETARG_FLOAT8(0),
				pr = PG_GETARG_FLOAT8(1),
				beta = PG_GETARG_FLOAT8(2),
				nll = PG_GETARG_FLOAT8(3),
				alpha = PG_GETARG_FLOAT8(4),
				ls = PG_GETARG_FLOAT8(5);

	DpoCheckLogp(pc, "chosen_logp");
	DpoCheckLogp(pr, "rejected_logp");
	CheckBeta(beta, "beta");
	PrefCheckFinite(nll, "chosen_nll");
	PrefCheckFinite(alpha, "alpha");
	CheckSmoothing(ls);
	PG_RETURN_FLOAT8(dpo_cpo_loss(pc, pr, beta, nll, alpha, ls));
}

PG_FUNCTION_INFO_V1(pref_orpo_loss);

/* ORPO: odds-ratio term (plus the chosen NLL when given) */
Datum
pref_orpo_loss(PG_FUNCTION_ARGS)
{
	double		pc = PG_GETARG_FLOAT8(0),
				pr = PG_GETARG_FLOAT8(1),
				beta = PG_GETARG_FLOAT8(2),
				nll = PG_GETARG_FLOAT8(3);
	double		loss,
				lo;
	int			rc;

	DpoCheckLogp(pc, "chosen_avg_logp");
	DpoCheckLogp(pr, "rejected_avg_logp");
	CheckBeta(beta, "beta");
	PrefCheckFinite(nll, "chosen_nll");
	rc = dpo_orpo_loss(pc, pr, beta, nll, &loss, &lo);
	if (rc == DPO_ERR_LOGP)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("orpo_loss needs average log-probabilities below 0"),
				 errdetail("A response with probability 1 has infinite odds.")));
	if (rc != DPO_OK)
		DpoRowError(rc, NULL);
	PG_RETURN_FLOAT8(loss);
}
