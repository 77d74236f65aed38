/*
 * dpo_core.c - DPO-family losses, their margin derivatives, and the
 * listwise / reference-free variants.  Plain C, no PostgreSQL headers.
 *
 * Every log-sigmoid and softplus goes through dpo_softplus, which is finite
 * and accurate for any finite argument, so margins of +-1e6 give finite
 * losses and gradients with no NaN.
 */
#include <ctype.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dpo_core.h"

const char *const dpo_kind_names[] = {
	"sigmoid", "robust", "hinge", "ipo", "exo_pair", "nca_pair", "sppo_hard",
	"bco_pair", "apo_zero", "apo_down", "discopop", "sigmoid_norm", "sft",
	"aot", "aot_unpaired", NULL
};

const char *const dpo_divergence_names[] = {
	"reverse_kl", "forward_kl", "js_divergence", "alpha_divergence", NULL
};

/*
 * softplus(x) = log(1 + exp(x)), finite for every finite x:
 * max(x, 0) + log1p(exp(-|x|)), without a branch on the sign (the same bits
 * as x + log1p(exp(-x)) for x > 0 and log1p(exp(x)) otherwise)
 */
double
dpo_softplus(double x)
{
	double		pos = x > 0 ? x : 0.0;

	return pos + log1p(exp(-fabs(x)));
}

/* logistic sigmoid without overflow */
double
dpo_sigmoid(double x)
{
	if (x >= 0)
		return 1.0 / (1.0 + exp(-x));
	else
	{
		double		e = exp(x);

		return e / (1.0 + e);
	}
}

/* log sigmoid(x) = -softplus(-x) */
double
dpo_log_sigmoid(double x)
{
	return -dpo_softplus(-x);
}

/* log(1 - exp(x)) for x < 0 (Maechler's two branches) */
double
dpo_log1mexp(double x)
{
	if (x > -M_LN2)
		return log(-expm1(x));
	return log1p(-exp(x));
}

/* exp capped below overflow, as TRL's cap_exp does */
static double
CapExp(double x)
{
	static double cap = 0.0;

	if (cap == 0.0)
		cap = log(DBL_MAX);
	return exp(x < cap ? x : cap);
}

/* Clamp an overflowed score to the largest finite double (keeps the sign) */
static double
Saturate(double x)
{
	if (x > DBL_MAX)
		return DBL_MAX;
	if (x < -DBL_MAX)
		return -DBL_MAX;
	return x;
}

/* Set the default parameters */
void
dpo_spec_defaults(DpoSpec *spec)
{
	memset(spec, 0, sizeof(DpoSpec));
	spec->nterms = 1;
	spec->kind[0] = DPO_SIGMOID;
	spec->weight[0] = 1.0;
	spec->divergence = DPO_DIV_REVERSE_KL;
	spec->beta = 0.1;
	spec->label_smoothing = 0.0;
	spec->alpha = 1.0;
	spec->epsilon = 1e-3;
	spec->tau = 0.05;
	spec->reward_mean = 0.0;
}

/* Look up a kind name (with the TRL alias aot_pair); -1 if unknown */
static int
LookupKind(const char *name, size_t len)
{
	for (int i = 0; dpo_kind_names[i] != NULL; i++)
		if (strlen(dpo_kind_names[i]) == len && strncasecmp(name, dpo_kind_names[i], len) == 0)
			return i;
	if (len == 8 && strncasecmp(name, "aot_pair", len) == 0)
		return DPO_AOT_UNPAIRED;
	return -1;
}

/* True for the kinds that sort within a batch */
int
dpo_kind_is_batch(int kind)
{
	return kind == DPO_AOT || kind == DPO_AOT_UNPAIRED;
}

/* True when kind may be used per row (per_row) or in an aggregate */
int
dpo_kind_accepted(int kind, int per_row)
{
	if (kind < 0 || kind >= DPO_NKINDS)
		return 0;
	return !(per_row && dpo_kind_is_batch(kind));
}

/* Parse "w*kind + w*kind, kind" into the terms of spec */
int
dpo_parse_loss(const char *text, DpoSpec *spec, int per_row, char *bad, size_t badlen)
{
	const char *p = text;

	spec->nterms = 0;
	spec->has_batch_kind = 0;
	for (;;)
	{
		double		w = 1.0;
		const char *name;
		size_t		len;
		int			k;

		while (isspace((unsigned char) *p))
			p++;
		if (isdigit((unsigned char) *p) || *p == '.' || *p == '-' || *p == '+')
		{
			char	   *end;

			w = strtod(p, &end);
			if (end == p)
				return DPO_ERR_SYNTAX;
			p = end;
			while (isspace((unsigned char) *p))
				p++;
			if (*p != '*')
				return DPO_ERR_SYNTAX;
			p++;
			while (isspace((unsigned char) *p))
				p++;
			if (!isfinite(w) || w <= 0)
				return DPO_ERR_WEIGHT;
		}
		name = p;
		while (isalnum((unsigned char) *p) || *p == '_')
			p++;
		len = (size_t) (p - name);
		if (len == 0)
			return DPO_ERR_SYNTAX;
		k = LookupKind(name, len);
		if (k < 0)
		{
			if (bad != NULL && badlen > 0)
			{
				size_t		n = len < badlen - 1 ? len : badlen - 1;

				memcpy(bad, name, n);
				bad[n] = '\0';
			}
			return DPO_ERR_KIND;
		}
		if (!dpo_kind_accepted(k, per_row))
			return DPO_ERR_BATCH;
		if (spec->nterms >= DPO_MAX_TERMS)
			return DPO_ERR_TERMS;
		spec->kind[spec->nterms] = k;
		spec->weight[spec->nterms] = w;
		spec->nterms++;
		if (dpo_kind_is_batch(k))
			spec->has_batch_kind = 1;
		while (isspace((unsigned char) *p))
			p++;
		if (*p == '\0')
			break;
		if (*p != '+' && *p != ',')
			return DPO_ERR_SYNTAX;
		p++;
	}
	return DPO_OK;
}

/* True for kinds whose score goes through the f-divergence */
static int
UsesDivergence(int kind)
{
	return kind == DPO_SIGMOID || kind == DPO_ROBUST || kind == DPO_HINGE ||
		kind == DPO_IPO || kind == DPO_EXO_PAIR;
}

/* Check the parameters of a spec */
int
dpo_check_spec(const DpoSpec *spec, int per_row)
{
	if (spec->nterms < 1)
		return DPO_ERR_SYNTAX;
	if (!isfinite(spec->beta) || spec->beta <= 0)
		return DPO_ERR_BETA;
	if (!(spec->label_smoothing >= 0 && spec->label_smoothing < 0.5))
		return DPO_ERR_SMOOTHING;
	if (!isfinite(spec->alpha) || spec->alpha <= 0)
		return DPO_ERR_ALPHA;
	if (!(spec->epsilon > 0 && spec->epsilon < 1))
		return DPO_ERR_EPSILON;
	if (!isfinite(spec->tau) || spec->tau <= 0)
		return DPO_ERR_TAU;
	if (!isfinite(spec->reward_mean))
		return DPO_ERR_REWARD_MEAN;
	for (int i = 0; i < spec->nterms; i++)
	{
		if (spec->divergence != DPO_DIV_REVERSE_KL && !UsesDivergence(spec->kind[i]))
			return DPO_ERR_DIVERGENCE;
		if (!dpo_kind_accepted(spec->kind[i], per_row))
			return DPO_ERR_BATCH;
	}
	return DPO_OK;
}

/*
 * The score fed to the divergence-aware kinds and its partial derivatives
 * with respect to rw and rl (TRL's "logits").
 */
static double
Logits(const DpoSpec *s, const DpoRow *r, double rw, double rl, double *dw, double *dl)
{
	double		g;

	switch (s->divergence)
	{
		case DPO_DIV_FORWARD_KL:
		case DPO_DIV_ALPHA:
			{
				double		a = s->divergence == DPO_DIV_FORWARD_KL ? 1.0 : s->alpha;
				double		ew = CapExp(rw * -a);
				double		el = CapExp(rl * -a);

				*dw = ew;
				*dl = -el;
				return Saturate((el - ew) / a);
			}
		case DPO_DIV_JS:
			g = (r->pc - r->pr) - (r->rc - r->rr);
			g -= dpo_softplus(rw) - dpo_softplus(rl);
			*dw = dpo_sigmoid(-rw);
			*dl = -dpo_sigmoid(-rl);
			return g;
		default:
			*dw = 1.0;
			*dl = -1.0;
			return (r->pc - r->pr) - (r->rc - r->rr);
	}
}

/* One term's loss and partials with respect to pc (gw) and pr (gl) */
static double
TermLoss(const DpoSpec *s, int kind, const DpoRow *r, double *gw, double *gl, int want_grad)
{
	double		beta = s->beta;
	double		ls = s->label_smoothing;
	double		rw = r->pc - r->rc;
	double		rl = r->pr - r->rr;
	double		g,
				dw = 0,
				dl = 0,
				z,
				L,
				dz;

	switch (kind)
	{
		case DPO_SIGMOID:
			g = Logits(s, r, rw, rl, &dw, &dl);
			z = Saturate(beta * g);
			if (ls == 0)
			{
				/* the same bits as the general formula, one softplus fewer */
				L = dpo_softplus(-z);
				dz = want_grad ? -dpo_sigmoid(-z) : 0.0;
				break;
			}
			L = dpo_softplus(-z) * (1 - ls) + dpo_softplus(z) * ls;
			dz = -(1 - ls) * dpo_sigmoid(-z) + ls * dpo_sigmoid(z);
			break;
		case DPO_ROBUST:
			g = Logits(s, r, rw, rl, &dw, &dl);
			z = Saturate(beta * g);
			L = (dpo_softplus(-z) * (1 - ls) - dpo_softplus(z) * ls) / (1 - 2 * ls);
			dz = (-(1 - ls) * dpo_sigmoid(-z) - ls * dpo_sigmoid(z)) / (1 - 2 * ls);
			break;
		case DPO_EXO_PAIR:
			{
				double		eps = s->epsilon;
				double		sp = dpo_sigmoid(z = Saturate(beta * Logits(s, r, rw, rl, &dw, &dl)));
				double		sn = dpo_sigmoid(-z);

				L = sp * (dpo_log_sigmoid(z) - log(1 - eps)) +
					sn * (dpo_log_sigmoid(-z) - log(eps));
				dz = sp * sn * (z - log((1 - eps) / eps));
				break;
			}
		case DPO_HINGE:
			g = Logits(s, r, rw, rl, &dw, &dl);
			z = Saturate(beta * g);
			L = 1 - z > 0 ? 1 - z : 0.0;
			dz = z < 1 ? -1.0 : 0.0;
			break;
		case DPO_IPO:
			g = Logits(s, r, rw, rl, &dw, &dl);
			L = (g - 1 / (2 * beta)) * (g - 1 / (2 * beta));
			/* derivative with respect to g; undo the beta below */
			dz = 2 * (g - 1 / (2 * beta)) / beta;
			break;
		case DPO_NCA_PAIR:
			{
				double		cw = rw * beta;
				double		cl = rl * beta;

				L = dpo_softplus(-cw) + 0.5 * dpo_softplus(cw) + 0.5 * dpo_softplus(cl);
				*gw = beta * (-dpo_sigmoid(-cw) + 0.5 * dpo_sigmoid(cw));
				*gl = 0.5 * beta * dpo_sigmoid(cl);
				return L;
			}
		case DPO_SPPO_HARD:
			L = (rw - 0.5 / beta) * (rw - 0.5 / beta) + (rl + 0.5 / beta) * (rl + 0.5 / beta);
			*gw = 2 * (rw - 0.5 / beta);
			*gl = 2 * (rl + 0.5 / beta);
			return L;
		case DPO_BCO_PAIR:
			{
				double		d = s->reward_mean;

				L = dpo_softplus(-(beta * rw - d)) + dpo_softplus(beta * rl - d);
				*gw = -beta * dpo_sigmoid(-(beta * rw - d));
				*gl = beta * dpo_sigmoid(beta * rl - d);
				return L;
			}
		case DPO_APO_ZERO:
			{
				double		a = beta * rw,
							b = beta * rl;

				L = dpo_sigmoid(-a) + dpo_sigmoid(b);
				*gw = -beta * dpo_sigmoid(a) * dpo_sigmoid(-a);
				*gl = beta * dpo_sigmoid(b) * dpo_sigmoid(-b);
				return L;
			}
		case DPO_APO_DOWN:
			{
				double		a = beta * rw,
							d = beta * (rw - rl);
				double		sd = dpo_sigmoid(d) * dpo_sigmoid(-d);

				L = dpo_sigmoid(a) + dpo_sigmoid(-d);
				*gw = beta * dpo_sigmoid(a) * dpo_sigmoid(-a) - beta * sd;
				*gl = beta * sd;
				return L;
			}
		case DPO_DISCOPOP:
			{
				double		tau = s->tau;
				double		sm,
							e;

				g = (r->pc - r->pr) - (r->rc - r->rr);
				dw = 1.0;
				dl = -1.0;
				z = g * beta;
				sm = dpo_sigmoid(-z / tau);
				/* exp(-z) * sigmoid(z / tau) in the log domain */
				e = exp(-z - dpo_softplus(-z / tau));
				L = dpo_softplus(-z) * sm + e;
				dz = -dpo_sigmoid(-z) * sm
					- dpo_softplus(-z) * dpo_sigmoid(z / tau) * sm / tau
					+ e * (sm / tau - 1);
				break;
			}
		case DPO_SIGMOID_NORM:
			g = rw / r->len_c - rl / r->len_r;
			z = beta * g;
			L = dpo_softplus(-z);
			dz = -dpo_sigmoid(-z);
			dw = 1.0 / r->len_c;
			dl = -1.0 / r->len_r;
			break;
		case DPO_SFT:
			{
				double		len = r->len_c > 0 ? r->len_c : 1.0;

				*gw = -1.0 / len;
				*gl = 0.0;
				return -r->pc / len;
			}
		default:
			/* batch kinds: handled by the aggregate */
			*gw = *gl = 0.0;
			return 0.0;
	}
	*gw = dz * beta * dw;
	*gl = dz * beta * dl;
	return L;
}

/* Loss of one row: weighted sum of the terms, and the margin derivative */
int
dpo_row_loss(const DpoSpec *spec, const DpoRow *row, double *loss, double *grad)
{
	double		total = 0.0,
				gtotal = 0.0;

	for (int i = 0; i < spec->nterms; i++)
	{
		double		gw = 0,
					gl = 0,
					L;

		if (spec->kind[i] == DPO_SIGMOID_NORM && !(row->len_c > 0 && row->len_r > 0))
			return DPO_ERR_LENGTH;
		L = TermLoss(spec, spec->kind[i], row, &gw, &gl, grad != NULL);
		if (spec->nterms == 1 && spec->weight[i] == 1.0)
		{
			total = L;
			gtotal = 0.5 * (gw - gl);
		}
		else
		{
			total += spec->weight[i] * L;
			gtotal += spec->weight[i] * 0.5 * (gw - gl);
		}
	}
	if (!isfinite(total) || (grad != NULL && !isfinite(gtotal)))
		return DPO_ERR_OVERFLOW;
	*loss = total;
	if (grad != NULL)
		*grad = gtotal;
	return DPO_OK;
}

/* qsort comparator for doubles */
static int
CmpDouble(const void *a, const void *b)
{
	double		x = *(const double *) a,
				y = *(const double *) b;

	return (x > y) - (x < y);
}

/* Batch-level AOT: sort both sides, mean smoothed sigmoid loss of the gaps */
double
dpo_aot_mean(double *a, double *b, long n, double beta, double label_smoothing)
{
	double		sum = 0.0;

	if (n <= 0)
		return 0.0;
	qsort(a, (size_t) n, sizeof(double), CmpDouble);
	qsort(b, (size_t) n, sizeof(double), CmpDouble);
	for (long i = 0; i < n; i++)
	{
		double		z = beta * (a[i] - b[i]);

		sum += dpo_softplus(-z) * (1 - label_smoothing) + dpo_softplus(z) * label_smoothing;
	}
	return sum / (double) n;
}

/* Plackett-Luce loss of a list in preference order */
double
dpo_listwise_loss(const double *policy, const double *ref, int n, double beta)
{
	double		total = 0.0;

	for (int k = 0; k < n - 1; k++)
	{
		double		m = -INFINITY;
		int			arg = -1;
		double		t;

		if (k == n - 2)
		{
			/* one competitor left: exactly the pairwise sigmoid loss */
			double		z = beta * ((policy[k] - policy[k + 1]) - (ref[k] - ref[k + 1]));

			total += dpo_softplus(-z);
			continue;
		}
		for (int j = k + 1; j < n; j++)
		{
			double		d = -(beta * ((policy[k] - policy[j]) - (ref[k] - ref[j])));

			if (d > m)
			{
				m = d;
				arg = j;
			}
		}
		if (m <= 0)
		{
			t = 0.0;
			for (int j = k + 1; j < n; j++)
				t += exp(-(beta * ((policy[k] - policy[j]) - (ref[k] - ref[j]))));
			total += log1p(t);
		}
		else
		{
			t = exp(-m);
			for (int j = k + 1; j < n; j++)
				if (j != arg)
					t += exp(-(beta * ((policy[k] - policy[j]) - (ref[k] - ref[j]))) - m);
			total += m + log1p(t);
		}
	}
	return total;
}

/* SimPO (Meng et al. 2024) as TRL's CPO trainer computes it */
double
dpo_simpo_loss(double pc, double pr, double len_c, double len_r,
			   double beta, double gamma, double label_smoothing)
{
	double		logits = (pc / len_c - pr / len_r) - gamma / beta;
	double		z = beta * logits;

	return dpo_softplus(-z) * (1 - label_smoothing) + dpo_softplus(z) * label_smoothing;
}

/* CPO (Xu et al. 2024): sigmoid loss on policy log-probs plus alpha * NLL */
double
dpo_cpo_loss(double pc, double pr, double beta, double chosen_nll,
			 double alpha, double label_smoothing)
{
	double		z = beta * (pc - pr);

	return dpo_softplus(-z) * (1 - label_smoothing) + dpo_softplus(z) * label_smoothing
		+ alpha * chosen_nll;
}

/* ORPO (Hong et al. 2024): odds-ratio term from average log-probs */
int
dpo_orpo_loss(double pc_avg, double pr_avg, double beta, double chosen_nll,
			  double *loss, double *log_odds)
{
	double		lo;

	if (!(pc_avg < 0) || !(pr_avg < 0))
		return DPO_ERR_LOGP;
	lo = (pc_avg - pr_avg) - (dpo_log1mexp(pc_avg) - dpo_log1mexp(pr_avg));
	if (!isfinite(lo))
		return DPO_ERR_OVERFLOW;
	*log_odds = lo;
	*loss = chosen_nll + beta * dpo_softplus(-lo);
	return DPO_OK;
}
