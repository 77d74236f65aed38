/*
 * curation_core.c - numeric cores of the curation module (no postgres.h).
 */
#include "curation_core.h"
#include "rng.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- ratings to pairs --------------------------------------------------- */

/* Order rows by prompt, score descending, response ascending */
static int
CompareRows(const void *a, const void *b)
{
	const CurationRow *x = a;
	const CurationRow *y = b;

	if (x->prompt != y->prompt)
		return x->prompt < y->prompt ? -1 : 1;
	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	if (x->response != y->response)
		return x->response < y->response ? -1 : 1;
	return 0;
}

/* Order rows by prompt, response */
static int
CompareRowIds(const void *a, const void *b)
{
	const CurationRow *x = a;
	const CurationRow *y = b;

	if (x->prompt != y->prompt)
		return x->prompt < y->prompt ? -1 : 1;
	if (x->response != y->response)
		return x->response < y->response ? -1 : 1;
	return 0;
}

/* Ensure rows are sorted for binarization; report a repeated response */
int64_t
curation_sort_rows(int64_t n, CurationRow *rows)
{
	if (n <= 1)
		return -1;
	qsort(rows, (size_t) n, sizeof(CurationRow), CompareRowIds);
	for (int64_t i = 1; i < n; i++)
		if (rows[i].prompt == rows[i - 1].prompt && rows[i].response == rows[i - 1].response)
			return i;
	qsort(rows, (size_t) n, sizeof(CurationRow), CompareRows);
	return -1;
}

/* Emit the pairs one prompt yields under a strategy */
int64_t
curation_binarize_prompt(int64_t n, const CurationRow *rows, int strategy,
						 double min_margin, uint64_t stream, CurationPair *out)
{
	int64_t		m = 0;
	int64_t		first = -1;		/* first row the best beats by more than min_margin */

	if (n < 2)
		return 0;
	if (strategy == BINARIZE_ALL_PAIRS)
	{
		for (int64_t i = 0; i < n; i++)
			for (int64_t j = i + 1; j < n; j++)
			{
				double		margin = rows[i].score - rows[j].score;

				if (margin > min_margin)
				{
					out[m].chosen = rows[i].response;
					out[m].rejected = rows[j].response;
					out[m].margin = margin;
					m++;
				}
			}
		return m;
	}

	/* scores descend, so the rows the best beats form a suffix */
	for (int64_t j = 1; j < n; j++)
		if (rows[0].score - rows[j].score > min_margin)
		{
			first = j;
			break;
		}
	if (first < 0)
		return 0;

	switch (strategy)
	{
		case BINARIZE_BEST_VS_WORST:
			out[0].chosen = rows[0].response;
			out[0].rejected = rows[n - 1].response;
			out[0].margin = rows[0].score - rows[n - 1].score;
			return 1;
		case BINARIZE_BEST_VS_ALL:
			for (int64_t j = first; j < n; j++)
			{
				out[m].chosen = rows[0].response;
				out[m].rejected = rows[j].response;
				out[m].margin = rows[0].score - rows[j].score;
				m++;
			}
			return m;
		case BINARIZE_BEST_VS_RANDOM:
		default:
			{
				/* the caller's stream of this prompt: independent of row order */
				uint64_t	st = stream;
				uint64_t	r = pref_splitmix64(&st);
				int64_t		j = first + (int64_t) (r % (uint64_t) (n - first));

				out[0].chosen = rows[0].response;
				out[0].rejected = rows[j].response;
				out[0].margin = rows[0].score - rows[j].score;
				return 1;
			}
	}
}

/* ---- Dawid-Skene EM ----------------------------------------------------- */

/* Scratch size for curation_dawid_skene */
size_t
curation_ds_work(int nitems, int nannot, int nclass)
{
	return (size_t) nitems * nclass + (size_t) nannot * nclass;
}

/* Observations between two calls of ds->check inside an EM step, minus 1 */
#define DS_CHECK_MASK ((INT64_C(1) << 18) - 1)

/* M-step: class priors and smoothed confusion matrices from posteriors */
static void
DsMaximize(DawidSkene *ds, double *denom)
{
	int			k = ds->nclass;
	double		s = ds->smoothing;

	for (int c = 0; c < k; c++)
		ds->prior[c] = s;
	for (int i = 0; i < ds->nitems; i++)
		for (int c = 0; c < k; c++)
			ds->prior[c] += ds->post[(size_t) i * k + c];
	for (int c = 0; c < k; c++)
		ds->prior[c] /= ds->nitems + k * s;

	for (size_t x = 0; x < (size_t) ds->nannot * k * k; x++)
		ds->conf[x] = s;
	for (size_t x = 0; x < (size_t) ds->nannot * k; x++)
		denom[x] = k * s;
	for (int64_t o = 0; o < ds->nobs; o++)
	{
		const double *p = ds->post + (size_t) ds->item[o] * k;
		double	   *cf = ds->conf + (size_t) ds->annot[o] * k * k;
		double	   *dn = denom + (size_t) ds->annot[o] * k;

		if ((o & DS_CHECK_MASK) == DS_CHECK_MASK && ds->check)
			ds->check();

		for (int c = 0; c < k; c++)
		{
			cf[(size_t) c * k + ds->label[o]] += p[c];
			dn[c] += p[c];
		}
	}
	for (int a = 0; a < ds->nannot; a++)
		for (int c = 0; c < k; c++)
		{
			double		d = denom[(size_t) a * k + c];
			double	   *row = ds->conf + ((size_t) a * k + c) * k;

			for (int l = 0; l < k; l++)
				row[l] = d > 0 ? row[l] / d : 1.0 / k;
		}
}

/* E-step: posteriors from priors and confusions; returns the log-likelihood */
static double
DsExpect(DawidSkene *ds, double *logp, double *delta)
{
	int			k = ds->nclass;
	double		ll = 0;
	double		dmax = 0;

	for (int i = 0; i < ds->nitems; i++)
		for (int c = 0; c < k; c++)
			logp[(size_t) i * k + c] = log(ds->prior[c]);
	for (int64_t o = 0; o < ds->nobs; o++)
	{
		const double *cf = ds->conf + (size_t) ds->annot[o] * k * k;
		double	   *lp = logp + (size_t) ds->item[o] * k;

		if ((o & DS_CHECK_MASK) == DS_CHECK_MASK && ds->check)
			ds->check();

		for (int c = 0; c < k; c++)
			lp[c] += log(cf[(size_t) c * k + ds->label[o]]);
	}
	for (int i = 0; i < ds->nitems; i++)
	{
		double	   *lp = logp + (size_t) i * k;
		double	   *p = ds->post + (size_t) i * k;
		double		mx = lp[0];
		double		sum = 0;

		for (int c = 1; c < k; c++)
			if (lp[c] > mx)
				mx = lp[c];
		for (int c = 0; c < k; c++)
			sum += exp(lp[c] - mx);
		ll += mx + log(sum);
		for (int c = 0; c < k; c++)
		{
			double		v = exp(lp[c] - mx) / sum;

			if (fabs(v - p[c]) > dmax)
				dmax = fabs(v - p[c]);
			p[c] = v;
		}
	}
	*delta = dmax;
	return ll;
}

/* Ensure posteriors, confusions and priors from EM started at majority vote */
int
curation_dawid_skene(DawidSkene *ds)
{
	int			k = ds->nclass;
	double	   *logp = ds->work;
	double	   *denom = ds->work + (size_t) ds->nitems * k;

	if (k < 1 || ds->nitems < 1 || ds->nannot < 1 || ds->max_iter < 1 ||
		!(ds->smoothing >= 0) || !(ds->tol >= 0))
		return CURATION_BAD_ARG;

	/* soft majority vote */
	memset(ds->post, 0, sizeof(double) * (size_t) ds->nitems * k);
	for (int64_t o = 0; o < ds->nobs; o++)
		ds->post[(size_t) ds->item[o] * k + ds->label[o]] += 1.0;
	for (int i = 0; i < ds->nitems; i++)
	{
		double		sum = 0;

		for (int c = 0; c < k; c++)
			sum += ds->post[(size_t) i * k + c];
		for (int c = 0; c < k; c++)
			ds->post[(size_t) i * k + c] = sum > 0 ? ds->post[(size_t) i * k + c] / sum : 1.0 / k;
	}

	ds->converged = false;
	ds->iterations = 0;
	ds->delta = INFINITY;
	while (ds->iterations < ds->max_iter)
	{
		if (ds->check)
			ds->check();
		DsMaximize(ds, denom);
		ds->loglik = DsExpect(ds, logp, &ds->delta);
		ds->iterations++;
		if (ds->delta < ds->tol)
		{
			ds->converged = true;
			break;
		}
	}
	/* report the parameters that produced the final posteriors' successor */
	DsMaximize(ds, denom);
	return CURATION_OK;
}

/* ---- agreement ---------------------------------------------------------- */

/* Cohen's kappa: (po - pe) / (1 - pe) */
int
agree_cohen(int k, const double *table, double *kappa)
{
	double		n = 0,
				agree = 0,
				pe = 0;

	for (int i = 0; i < k; i++)
		for (int j = 0; j < k; j++)
			n += table[(size_t) i * k + j];
	if (n <= 0)
		return CURATION_UNDEFINED;
	for (int i = 0; i < k; i++)
	{
		double		row = 0,
					col = 0;

		agree += table[(size_t) i * k + i];
		for (int j = 0; j < k; j++)
		{
			row += table[(size_t) i * k + j];
			col += table[(size_t) j * k + i];
		}
		pe += (row / n) * (col / n);
	}
	if (1.0 - pe <= 0)
		return CURATION_UNDEFINED;
	*kappa = (agree / n - pe) / (1.0 - pe);
	return CURATION_OK;
}

/* Order observations by unit, then code, then value */
static int
CompareObs(const void *a, const void *b)
{
	const AgreeObs *x = a;
	const AgreeObs *y = b;

	if (x->unit != y->unit)
		return x->unit < y->unit ? -1 : 1;
	if (x->code != y->code)
		return x->code < y->code ? -1 : 1;
	if (x->value != y->value)
		return x->value < y->value ? -1 : 1;
	return 0;
}

/* Fleiss' kappa with per-unit rater counts (equals the textbook form when constant) */
int
agree_fleiss(int64_t n, AgreeObs *obs, int k, double *counts, double *kappa,
			 int64_t *nunits)
{
	double		sum_pu = 0,
				total = 0,
				pe = 0;
	int64_t		units = 0;
	double	   *colsum;

	if (n < 2 || k < 1)
		return CURATION_UNDEFINED;
	colsum = counts + k;
	memset(colsum, 0, sizeof(double) * k);
	qsort(obs, (size_t) n, sizeof(AgreeObs), CompareObs);
	for (int64_t s = 0; s < n;)
	{
		int64_t		e = s;
		double		m,
					sq = 0;

		while (e < n && obs[e].unit == obs[s].unit)
			e++;
		m = (double) (e - s);
		if (m >= 2)
		{
			memset(counts, 0, sizeof(double) * k);
			for (int64_t t = s; t < e; t++)
				counts[obs[t].code] += 1;
			for (int c = 0; c < k; c++)
			{
				sq += counts[c] * counts[c];
				colsum[c] += counts[c];
			}
			sum_pu += (sq - m) / (m * (m - 1));
			total += m;
			units++;
		}
		s = e;
	}
	*nunits = units;
	if (units == 0)
		return CURATION_UNDEFINED;
	for (int c = 0; c < k; c++)
		pe += (colsum[c] / total) * (colsum[c] / total);
	if (1.0 - pe <= 0)
		return CURATION_UNDEFINED;
	*kappa = (sum_pu / units - pe) / (1.0 - pe);
	return CURATION_OK;
}

/*
 * Krippendorff's alpha through the closed forms
 *   nominal:  sum over pairs i != j of [v_i != v_j] = m^2 - sum_c n_c^2
 *   interval: sum over pairs i != j of (v_i - v_j)^2 = 2 m sum (v - mean)^2
 * alpha = 1 - (n - 1) * sum_u D_u / (m_u - 1) / D_all.
 */
int
agree_krippendorff(int64_t n, AgreeObs *obs, bool interval, int k,
				   double *counts, double *alpha, int64_t *npairable)
{
	double		within = 0,
				total_n = 0,
				all;
	double		gsum = 0;
	double	   *gcounts = counts + k;

	if (n < 2)
		return CURATION_UNDEFINED;
	if (!interval)
		memset(gcounts, 0, sizeof(double) * k);
	qsort(obs, (size_t) n, sizeof(AgreeObs), CompareObs);

	/* pass 1: within-unit disagreement and global sums over pairable values */
	for (int64_t s = 0; s < n;)
	{
		int64_t		e = s;
		double		m,
					d = 0;

		while (e < n && obs[e].unit == obs[s].unit)
			e++;
		m = (double) (e - s);
		if (m >= 2)
		{
			if (interval)
			{
				double		mean = 0;

				for (int64_t t = s; t < e; t++)
					mean += obs[t].value;
				mean /= m;
				for (int64_t t = s; t < e; t++)
					d += (obs[t].value - mean) * (obs[t].value - mean);
				d *= 2 * m;
				gsum += mean * m;
			}
			else
			{
				double		sq = 0;

				memset(counts, 0, sizeof(double) * k);
				for (int64_t t = s; t < e; t++)
					counts[obs[t].code] += 1;
				for (int c = 0; c < k; c++)
				{
					sq += counts[c] * counts[c];
					gcounts[c] += counts[c];
				}
				d = m * m - sq;
			}
			within += d / (m - 1);
			total_n += m;
		}
		s = e;
	}
	*npairable = (int64_t) total_n;
	if (total_n < 2)
		return CURATION_UNDEFINED;

	/* pass 2: disagreement over all pairable values */
	if (interval)
	{
		double		gmean = gsum / total_n;
		double		ss = 0;

		for (int64_t s = 0; s < n;)
		{
			int64_t		e = s;

			while (e < n && obs[e].unit == obs[s].unit)
				e++;
			if (e - s >= 2)
				for (int64_t t = s; t < e; t++)
					ss += (obs[t].value - gmean) * (obs[t].value - gmean);
			s = e;
		}
		all = 2 * total_n * ss;
	}
	else
	{
		double		sq = 0;

		for (int c = 0; c < k; c++)
			sq += gcounts[c] * gcounts[c];
		all = total_n * total_n - sq;
	}
	if (all <= 0)
		return CURATION_UNDEFINED;
	*alpha = 1.0 - (total_n - 1) * within / all;
	return CURATION_OK;
}

/* ---- calibration -------------------------------------------------------- */

/* Ensure an empty calibration state with bins equal-width bins */
void
calib_init(double *state, int bins)
{
	memset(state, 0, sizeof(double) * CALIB_STATE_LEN(bins));
	state[0] = bins;
}

/* Add one prediction p in [0, 1] with outcome y */
void
calib_add(double *state, double p, bool y)
{
	int			bins = (int) state[0];
	int			b = (int) floor(p * bins);
	double		yy = y ? 1.0 : 0.0;
	double		pc = p < CALIB_EPS ? CALIB_EPS : (p > 1 - CALIB_EPS ? 1 - CALIB_EPS : p);
	double	   *bin;

	if (b >= bins)
		b = bins - 1;
	if (b < 0)
		b = 0;
	bin = state + CALIB_HEADER + 3 * b;
	state[1] += 1;
	state[2] += (p - yy) * (p - yy);
	state[3] += y ? -log(pc) : -log(1 - pc);
	bin[0] += 1;
	bin[1] += p;
	bin[2] += yy;
}

/* Add other's counts into state (same bins) */
void
calib_merge(double *state, const double *other)
{
	int			bins = (int) state[0];

	for (int i = 1; i < CALIB_STATE_LEN(bins); i++)
		state[i] += other[i];
}

/* ECE, MCE, Brier score and log loss of a state */
void
calib_summary(const double *state, CalibSummary *out)
{
	int			bins = (int) state[0];
	double		n = state[1];

	out->n = n;
	out->ece = 0;
	out->mce = 0;
	for (int b = 0; b < bins; b++)
	{
		const double *bin = state + CALIB_HEADER + 3 * b;
		double		gap;

		if (bin[0] <= 0)
			continue;
		gap = fabs(bin[1] / bin[0] - bin[2] / bin[0]);
		out->ece += bin[0] / n * gap;
		if (gap > out->mce)
			out->mce = gap;
	}
	out->brier = state[2] / n;
	out->log_loss = state[3] / n;
}
