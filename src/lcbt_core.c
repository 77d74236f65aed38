/*
 * lcbt_core.c - latent-class Bradley-Terry by EM (see lcbt_core.h).
 * Plain C, no postgres.h.
 *
 * Model: annotator a belongs to class c with probability share[c]; given
 * the class, every comparison of a follows the Bradley-Terry model (with
 * the chosen ties model) of class c.  The objective EM increases is the
 * log-likelihood minus prior / 2 times the sum of squared strengths of all
 * classes (the log-likelihood itself when prior = 0).
 */
#include <math.h>
#include <string.h>

#include "lcbt_core.h"
#include "rng.h"

/* BtCell array of npairs in doubles (8-byte aligned) */
#define CELL_DOUBLES(np) (((size_t) (np) * sizeof(BtCell) + sizeof(double) - 1) / sizeof(double))

/* log(sigmoid(x)), stable */
static double
LogSig(double x)
{
	return x >= 0 ? -log1p(exp(-x)) : x - log1p(exp(x));
}

/* Parameters per class: strengths, then the tie parameter if any */
int
lc_nparams(const LcProblem *p)
{
	return p->n + ((p->ties == BT_TIES_DAVIDSON || p->ties == BT_TIES_RAO_KUPPER) ? 1 : 0);
}

/* The class problem over the pair list (cells filled by the caller) */
static void
ClassProblem(const LcProblem *p, BtCell *bc, BtProblem *bp)
{
	memset(bp, 0, sizeof(BtProblem));
	bp->n = p->n;
	bp->ncells = p->npairs;
	bp->cells = bc;
	bp->ties = p->ties;
	bp->order_effect = 0;
	bp->prior = p->prior;
	bp->max_iter = 100;
	bp->tol = 1e-10;
	bp->interrupt = p->interrupt;
}

/* Work space in doubles */
size_t
lc_work_size(const LcProblem *p)
{
	size_t		np = (size_t) lc_nparams(p),
				k = (size_t) p->k;

	return CELL_DOUBLES(p->npairs)	/* class cells */
		+ 3 * np * np + 4 * np	/* bt_fit work */
		+ np * np				/* covariance */
		+ 3 * (size_t) p->npairs * k	/* outcome log-probabilities */
		+ k * np + (size_t) p->nann * k + k + (size_t) p->max_iter	/* current restart */
		+ 2 * k;				/* per-annotator row, order */
}

/* Dirichlet(1) initial posteriors of restart r */
void
lc_init_posteriors(const LcProblem *p, int r, double *post)
{
	PrefRng		rng;

	pref_rng_seed(&rng, p->seed + (uint64_t) r);
	for (int a = 0; a < p->nann; a++)
	{
		double	   *row = post + (size_t) a * p->k,
					s = 0;

		for (int c = 0; c < p->k; c++)
		{
			row[c] = -log(1.0 - pref_rng_uniform(&rng));
			s += row[c];
		}
		for (int c = 0; c < p->k; c++)
			row[c] = s > 0 ? row[c] / s : 1.0 / p->k;
	}
}

/* Class c's weighted cells: sum over annotators of posterior * outcomes */
static double
ClassCells(const LcProblem *p, const double *post, int c, BtCell *bc)
{
	double		total = 0;

	for (int q = 0; q < p->npairs; q++)
	{
		bc[q].a = p->pa[q];
		bc[q].b = p->pb[q];
		bc[q].wa = bc[q].wb = bc[q].t = 0;
		bc[q].pos = 0;
	}
	for (int a = 0; a < p->nann; a++)
	{
		double		w = post[(size_t) a * p->k + c];

		if (w <= 0)
			continue;
		total += w;
		for (int j = p->off[a]; j < p->off[a + 1]; j++)
		{
			const LcCell *e = &p->cells[j];
			BtCell	   *b = &bc[e->pair];

			b->wa += w * e->w[0];
			b->wb += w * e->w[1];
			b->t += w * e->w[2];
		}
	}
	/* row counts for the sandwich are not used: mirror the weights */
	for (int q = 0; q < p->npairs; q++)
	{
		bc[q].na = bc[q].wa;
		bc[q].nb = bc[q].wb;
		bc[q].nt = bc[q].t;
	}
	return total;
}

/*
 * M-step: share[c] = mean posterior; theta of every non-empty class = the
 * weighted Bradley-Terry fit, warm-started from its current value (first
 * = start from bt_start).  Returns the failing class or -1.
 */
static int
MStep(const LcProblem *p, const double *post, double *theta, double *share,
	  BtCell *bc, double *btwork, int first)
{
	int			np = lc_nparams(p);

	for (int c = 0; c < p->k; c++)
	{
		BtProblem	bp;
		double		total,
					ll;
		int			it,
					conv,
					rc;
		double	   *x = theta + (size_t) c * np;

		total = ClassCells(p, post, c, bc);
		share[c] = total / p->nann;
		if (total <= 1e-12 * p->nann)
		{
			share[c] = 0;
			continue;			/* an empty class keeps its parameters */
		}
		ClassProblem(p, bc, &bp);
		if (first)
			bt_start(&bp, x);
		rc = bt_fit(&bp, x, NULL, NULL, btwork, &ll, &it, &conv);
		if (rc != BT_OK || !conv)
			return c;
		for (int i = 0; i < np; i++)
			if (!isfinite(x[i]))
				return c;
	}
	return -1;
}

/*
 * E-step: posteriors at (theta, share); returns the objective and sets
 * *loglik.  L (npairs * k * 3) and row (k) are work space.
 */
static double
EStep(const LcProblem *p, const double *theta, const double *share, double *post,
	  double *L, double *row, double *loglik)
{
	int			np = lc_nparams(p),
				k = p->k;
	double		ll = 0,
				pen = 0;

	/* per pair and class: log P(pa wins), log P(pb wins), log P(tie) */
	for (int c = 0; c < k; c++)
	{
		const double *x = theta + (size_t) c * np;
		double		tau = np > p->n ? x[p->n] : 0;

		for (int i = 0; i < p->n; i++)
			pen += x[i] * x[i];
		for (int q = 0; q < p->npairs; q++)
		{
			double		d = x[p->pa[q]] - x[p->pb[q]];
			double	   *o = L + ((size_t) q * k + c) * 3;

			switch (p->ties)
			{
				case BT_TIES_DAVIDSON:
					{
						double		m = fmax(fabs(d) / 2, tau);
						double		lz = m + log(exp(d / 2 - m) + exp(-d / 2 - m) + exp(tau - m));

						o[0] = d / 2 - lz;
						o[1] = -d / 2 - lz;
						o[2] = tau - lz;
						break;
					}
				case BT_TIES_RAO_KUPPER:
					o[0] = LogSig(d - tau);
					o[1] = LogSig(-d - tau);
					o[2] = LogSig(tau - d) + LogSig(tau + d) + log(-expm1(-2 * tau));
					break;
				case BT_TIES_HALF:
					o[0] = LogSig(d);
					o[1] = LogSig(-d);
					o[2] = 0.5 * (o[0] + o[1]);
					break;
				default:
					o[0] = LogSig(d);
					o[1] = LogSig(-d);
					o[2] = 0;
			}
		}
	}
	for (int a = 0; a < p->nann; a++)
	{
		double	   *pr = post + (size_t) a * k,
					m = -INFINITY,
					s = 0;

		for (int c = 0; c < k; c++)
			row[c] = share[c] > 0 ? log(share[c]) : -INFINITY;
		for (int j = p->off[a]; j < p->off[a + 1]; j++)
		{
			const LcCell *e = &p->cells[j];
			const double *o = L + (size_t) e->pair * k * 3;

			for (int c = 0; c < k; c++, o += 3)
			{
				if (e->w[0] != 0)
					row[c] += e->w[0] * o[0];
				if (e->w[1] != 0)
					row[c] += e->w[1] * o[1];
				if (e->w[2] != 0)
					row[c] += e->w[2] * o[2];
			}
		}
		for (int c = 0; c < k; c++)
			m = fmax(m, row[c]);
		for (int c = 0; c < k; c++)
		{
			pr[c] = row[c] == -INFINITY ? 0 : exp(row[c] - m);
			s += pr[c];
		}
		for (int c = 0; c < k; c++)
			pr[c] /= s;
		ll += m + log(s);
		if (p->interrupt && (a & 1023) == 1023)
			p->interrupt();
	}
	*loglik = ll;
	return ll - 0.5 * p->prior * pen;
}

/* Fit (see lcbt_core.h) */
int
lc_fit(const LcProblem *p, LcResult *r, double *work)
{
	int			np = lc_nparams(p),
				k = p->k;
	BtCell	   *bc = (BtCell *) work;
	double	   *btwork = work + CELL_DOUBLES(p->npairs);
	double	   *cov = btwork + 3 * (size_t) np * np + 4 * (size_t) np;
	double	   *L = cov + (size_t) np * np;
	double	   *theta = L + 3 * (size_t) p->npairs * k;
	double	   *post = theta + (size_t) k * np;
	double	   *share = post + (size_t) p->nann * k;
	double	   *trace = share + k;
	double	   *row = trace + p->max_iter;
	int		   *order = (int *) (row + k);
	int			have = 0;

	r->failed_class = -1;
	r->total_iterations = 0;
	for (int rs = 0; rs < p->restarts; rs++)
	{
		int			ntrace = 0,
					conv = 0,
					bad;
		double		obj = -INFINITY,
					ll = -INFINITY;

		lc_init_posteriors(p, rs, post);
		memset(theta, 0, sizeof(double) * k * np);
		bad = MStep(p, post, theta, share, bc, btwork, 1);
		for (int it = 0; bad < 0 && it < p->max_iter; it++)
		{
			obj = EStep(p, theta, share, post, L, row, &ll);
			trace[ntrace++] = obj;
			if (it > 0 && obj - trace[it - 1] <= p->tol * (1 + fabs(obj)))
			{
				conv = 1;
				break;
			}
			if (it == p->max_iter - 1)
				break;
			bad = MStep(p, post, theta, share, bc, btwork, 0);
		}
		if (bad >= 0)
		{
			r->failed_class = bad;
			return LC_MSTEP_FAILED;
		}
		r->restart_obj[rs] = obj;
		r->total_iterations += ntrace;
		if (!have || obj > r->objective)
		{
			have = 1;
			r->objective = obj;
			r->loglik = ll;
			r->iterations = ntrace;
			r->ntrace = ntrace;
			r->converged = conv;
			r->best_restart = rs;
			memcpy(r->trace, trace, sizeof(double) * ntrace);
			memcpy(r->theta, theta, sizeof(double) * k * np);
			memcpy(r->post, post, sizeof(double) * p->nann * k);
			memcpy(r->share, share, sizeof(double) * k);
		}
	}

	/* order classes by share, largest first (stable: ties keep class order) */
	for (int c = 0; c < k; c++)
		order[c] = c;
	for (int i = 1; i < k; i++)
		for (int j = i; j > 0 && r->share[order[j]] > r->share[order[j - 1]]; j--)
		{
			int			t = order[j];

			order[j] = order[j - 1];
			order[j - 1] = t;
		}
	memcpy(theta, r->theta, sizeof(double) * k * np);
	memcpy(post, r->post, sizeof(double) * p->nann * k);
	memcpy(share, r->share, sizeof(double) * k);
	for (int c = 0; c < k; c++)
	{
		int			o = order[c];

		memcpy(r->theta + (size_t) c * np, theta + (size_t) o * np, sizeof(double) * np);
		r->share[c] = share[o];
		for (int a = 0; a < p->nann; a++)
			r->post[(size_t) a * k + c] = post[(size_t) a * k + o];
	}

	/* standard errors from each class's weighted cells at the estimate */
	for (int c = 0; c < k; c++)
	{
		BtProblem	bp;
		double	   *se = r->se + (size_t) c * np;

		for (int i = 0; i < np; i++)
			se[i] = NAN;
		if (r->share[c] <= 0)
			continue;
		ClassCells(p, r->post, c, bc);
		ClassProblem(p, bc, &bp);
		if (bt_covariance(&bp, r->theta + (size_t) c * np, cov, NULL, btwork) != BT_OK)
			continue;
		for (int i = 0; i < np; i++)
			se[i] = cov[(size_t) i * np + i] >= 0 ? sqrt(cov[(size_t) i * np + i]) : NAN;
	}
	return LC_OK;
}
