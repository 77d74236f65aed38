/*
 * curation_core.h - numeric cores of the curation module: ratings to pairs,
 * Dawid-Skene EM, agreement coefficients and calibration bins.
 *
 * Plain C: no postgres.h.  Caller-provided buffers, return codes.
 */
#ifndef PGPREF_CURATION_CORE_H
#define PGPREF_CURATION_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Return codes */
#define CURATION_OK			0
#define CURATION_UNDEFINED	1	/* statistic undefined (no variation, too few values) */
#define CURATION_BAD_ARG	2

/* ---- ratings to pairs --------------------------------------------------- */

#define BINARIZE_BEST_VS_RANDOM	0
#define BINARIZE_BEST_VS_WORST	1
#define BINARIZE_ALL_PAIRS		2
#define BINARIZE_BEST_VS_ALL	3

typedef struct CurationRow
{
	int64_t		prompt;
	int64_t		response;
	double		score;
} CurationRow;

typedef struct CurationPair
{
	int64_t		chosen;
	int64_t		rejected;
	double		margin;
} CurationPair;

/*
 * Sort rows by prompt, score descending, response ascending.  Returns the
 * index of a row whose (prompt, response) repeats an earlier one, or -1.
 */
extern int64_t curation_sort_rows(int64_t n, CurationRow *rows);

/*
 * Pairs of one prompt whose n rows are sorted as above; out must hold
 * n * (n - 1) / 2 pairs for all_pairs, n - 1 otherwise.  Returns the number
 * of pairs written (pairs need margin > min_margin).  best_vs_random draws
 * from stream, the random stream of this prompt (curation_prompt_stream).
 */
extern int64_t curation_binarize_prompt(int64_t n, const CurationRow *rows,
										int strategy, double min_margin,
										uint64_t stream, CurationPair *out);

/* The random stream of a prompt: one per (seed, prompt key) */
#define curation_prompt_stream(seed, key) \
	((uint64_t) (seed) + (uint64_t) (key) * UINT64_C(0xD1B54A32D192ED03))

/* ---- Dawid-Skene EM ----------------------------------------------------- */

typedef struct DawidSkene
{
	/* input: nobs observations of (item, annotator, label), 0-based codes */
	int			nitems;
	int			nannot;
	int			nclass;
	int64_t		nobs;
	const int  *item;
	const int  *annot;
	const int  *label;
	int			max_iter;
	double		tol;			/* stop when no posterior moves more than this */
	double		smoothing;		/* pseudo-count added to confusion and prior */
	void		(*check) (void);	/* called per iteration and within long EM steps
									 * (interrupts), or NULL */
	/* output, caller buffers */
	double	   *post;			/* nitems x nclass */
	double	   *conf;			/* nannot x nclass (true) x nclass (given) */
	double	   *prior;			/* nclass */
	double	   *work;			/* nitems x nclass + nannot x nclass scratch */
	int			iterations;
	bool		converged;
	double		loglik;
	double		delta;			/* largest posterior change in the last iteration */
} DawidSkene;

/* Scratch doubles dawid_skene needs in ds->work */
extern size_t curation_ds_work(int nitems, int nannot, int nclass);

/* Run EM from the soft majority vote; returns CURATION_OK or CURATION_BAD_ARG */
extern int	curation_dawid_skene(DawidSkene *ds);

/* ---- agreement ---------------------------------------------------------- */

typedef struct AgreeObs
{
	int64_t		unit;
	int32_t		code;			/* nominal category, or -1 for interval data */
	double		value;			/* interval value */
} AgreeObs;

/* Cohen's kappa from a k x k table of counts (rows: first rater) */
extern int	agree_cohen(int k, const double *table, double *kappa);

/*
 * Fleiss' kappa over n observations (unit, code) with k categories; units
 * with fewer than two ratings are ignored; raters per unit may vary.  Sorts
 * obs; counts needs k doubles.  *nunits receives the units used.
 */
extern int	agree_fleiss(int64_t n, AgreeObs *obs, int k, double *counts,
						 double *kappa, int64_t *nunits);

/*
 * Krippendorff's alpha, nominal (interval = false, uses code) or interval
 * (uses value); units with fewer than two values are not pairable and are
 * ignored.  Sorts obs; counts needs k doubles for nominal data.
 */
extern int	agree_krippendorff(int64_t n, AgreeObs *obs, bool interval, int k,
							   double *counts, double *alpha, int64_t *npairable);

/* ---- calibration -------------------------------------------------------- */

/*
 * State layout shared by the aggregate (float8[]) and reliability_bins:
 * [0] bins, [1] n, [2] sum of squared errors, [3] sum of log losses, then
 * per bin: count, sum of predictions, sum of outcomes.
 */
#define CALIB_HEADER		4
#define CALIB_STATE_LEN(b)	(CALIB_HEADER + 3 * (b))
#define CALIB_MAX_BINS		10000
#define CALIB_EPS			1e-15	/* log loss clips p to [eps, 1 - eps] */

extern void calib_init(double *state, int bins);
extern void calib_add(double *state, double p, bool y);
extern void calib_merge(double *state, const double *other);

typedef struct CalibSummary
{
	double		n;
	double		ece;
	double		mce;
	double		brier;
	double		log_loss;
} CalibSummary;

extern void calib_summary(const double *state, CalibSummary *out);

#endif							/* PGPREF_CURATION_CORE_H */
