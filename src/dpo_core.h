/*
 * dpo_core.h - DPO-family preference losses over stored log-probabilities.
 *
 * Plain C: no postgres.h.  The SQL glue (dpo.c, dpo_agg.c) checks the
 * arguments, turns return codes into ereport and owns all memory.
 *
 * Notation, per row (one prompt, a chosen and a rejected response):
 *   pc, pr   policy log-probabilities of chosen / rejected (sums over tokens)
 *   rc, rr   reference-model log-probabilities
 *   rw = pc - rc, rl = pr - rr       log-ratios ("implicit rewards" / beta)
 *   logits = (pc - pr) - (rc - rr)    the DPO margin (reverse KL)
 *   z = beta * logits
 * Formulas follow the papers and the open-source TRL trainer; see
 * docs/dpo.md for each kind and its source.
 */
#ifndef PGPREF_DPO_CORE_H
#define PGPREF_DPO_CORE_H

#include <stddef.h>

/* Loss kinds (order = dpo_kind_names) */
typedef enum DpoKind
{
	DPO_SIGMOID = 0,
	DPO_ROBUST,
	DPO_HINGE,
	DPO_IPO,
	DPO_EXO_PAIR,
	DPO_NCA_PAIR,
	DPO_SPPO_HARD,
	DPO_BCO_PAIR,
	DPO_APO_ZERO,
	DPO_APO_DOWN,
	DPO_DISCOPOP,
	DPO_SIGMOID_NORM,
	DPO_SFT,
	DPO_AOT,					/* batch-level: aggregates only */
	DPO_AOT_UNPAIRED,			/* batch-level: aggregates only */
	DPO_NKINDS
} DpoKind;

/* f-divergence of the score (order = dpo_divergence_names) */
typedef enum DpoDivergence
{
	DPO_DIV_REVERSE_KL = 0,
	DPO_DIV_FORWARD_KL,
	DPO_DIV_JS,
	DPO_DIV_ALPHA
} DpoDivergence;

#define DPO_MAX_TERMS	8

/* A loss: one kind or a weighted mixture, plus the parameters in force */
typedef struct DpoSpec
{
	int			nterms;
	int			kind[DPO_MAX_TERMS];
	double		weight[DPO_MAX_TERMS];
	int			divergence;
	double		beta;
	double		label_smoothing;
	double		alpha;			/* alpha-divergence coefficient */
	double		epsilon;		/* EXO */
	double		tau;			/* DiscoPOP */
	double		reward_mean;	/* BCO's running reward mean (delta) */
	int			has_batch_kind; /* an aot kind is among the terms */
} DpoSpec;

/* One row of log-probabilities; lengths are token counts (0 = not given) */
typedef struct DpoRow
{
	double		pc,
				pr,
				rc,
				rr;
	double		len_c,
				len_r;
} DpoRow;

/* Return codes */
#define DPO_OK				0
#define DPO_ERR_SYNTAX		1	/* loss spec does not parse */
#define DPO_ERR_KIND		2	/* unknown kind name */
#define DPO_ERR_TERMS		3	/* too many terms */
#define DPO_ERR_WEIGHT		4	/* term weight not finite */
#define DPO_ERR_BETA		5
#define DPO_ERR_SMOOTHING	6
#define DPO_ERR_ALPHA		7
#define DPO_ERR_EPSILON		8
#define DPO_ERR_TAU			9
#define DPO_ERR_REWARD_MEAN	10
#define DPO_ERR_DIVERGENCE	11	/* divergence with a kind that ignores it */
#define DPO_ERR_BATCH		12	/* aot kind outside an aggregate */
#define DPO_ERR_LENGTH		13	/* sigmoid_norm without lengths */
#define DPO_ERR_OVERFLOW	14	/* result not representable */
#define DPO_ERR_LOGP		15	/* log-probability not usable (ORPO: 0) */

extern const char *const dpo_kind_names[];	/* NULL-terminated */
extern const char *const dpo_divergence_names[];	/* NULL-terminated */

/* Numerically stable scalar helpers */
extern double dpo_softplus(double x);
extern double dpo_sigmoid(double x);
extern double dpo_log_sigmoid(double x);

/*
 * True when a loss kind is accepted where the loss is computed: every kind
 * in an aggregate, every kind but the batch-level ones per row (per_row).
 * The parser and the lists of valid kinds in hints both use it.
 */
extern int	dpo_kind_accepted(int kind, int per_row);

/* True for the batch-level kinds (aot, aot_unpaired) */
extern int	dpo_kind_is_batch(int kind);

/*
 * Parse a loss spec "sigmoid", "0.8*sigmoid + 0.2*bco_pair", or
 * "sigmoid, sft" into spec->nterms/kind/weight.  On DPO_ERR_KIND the bad
 * name is copied into bad (size badlen); a kind that exists but is not
 * accepted in this place (dpo_kind_accepted) gives DPO_ERR_BATCH.
 */
extern int	dpo_parse_loss(const char *text, DpoSpec *spec, int per_row,
						   char *bad, size_t badlen);

/* Set the default parameters (beta 0.1, reverse KL, alpha 1, eps 1e-3, tau 0.05) */
extern void dpo_spec_defaults(DpoSpec *spec);

/* Check the parameters of a parsed spec; per_row rejects batch kinds */
extern int	dpo_check_spec(const DpoSpec *spec, int per_row);

/*
 * Loss of one row (sum of weighted terms; batch kinds contribute 0).
 * If grad is not NULL it receives the derivative along the direction that
 * raises the margin by one (pc += 1/2, pr -= 1/2).  Returns DPO_OK or an
 * error code (DPO_ERR_LENGTH, DPO_ERR_OVERFLOW).
 */
extern int	dpo_row_loss(const DpoSpec *spec, const DpoRow *row, double *loss, double *grad);

/*
 * Batch-level AOT term over n rows: a[] and b[] are sorted in place and
 * the mean of the smoothed sigmoid loss of beta * (a_(i) - b_(i)) is
 * returned.  For aot, a = pc - pr and b = rc - rr; for aot_unpaired,
 * a = pc - rc and b = pr - rr.
 */
extern double dpo_aot_mean(double *a, double *b, long n, double beta, double label_smoothing);

/*
 * Plackett-Luce (listwise DPO) loss of n responses in preference order,
 * best first: sum over k of log(1 + sum_{j>k} exp(d_kj)) with
 * d_kj = beta ((p_j - p_k) - (r_j - r_k)).  For n = 2 it equals the
 * sigmoid DPO loss bit for bit.
 */
extern double dpo_listwise_loss(const double *policy, const double *ref, int n, double beta);

/* Reference-free and length-normalised losses */
extern double dpo_simpo_loss(double pc, double pr, double len_c, double len_r,
							 double beta, double gamma, double label_smoothing);
extern double dpo_cpo_loss(double pc, double pr, double beta, double chosen_nll,
						   double alpha, double label_smoothing);
/* ORPO: -beta * log sigmoid(log odds ratio) + nll; avg log-probs must be < 0 */
extern int	dpo_orpo_loss(double pc_avg, double pr_avg, double beta, double chosen_nll,
						  double *loss, double *log_odds);

/* log(1 - exp(x)) for x < 0 */
extern double dpo_log1mexp(double x);

#endif							/* PGPREF_DPO_CORE_H */
