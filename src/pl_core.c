/*
 * pl_core.c - Plackett-Luce by Hunter's MM algorithm (Hunter 2004, section
 * 5): with S_{r,s} the worth of the items still unranked at stage s of
 * ranking r, the update is pi_i = w_i / sum_{(r,s): i unranked} |G_s| / S_{r,s},
 * w_i the number of stages at which i was chosen.  With a Gaussian prior
 * the same surrogate W theta - D e^theta - lambda theta^2 / 2 is maximised
 * per item by one-dimensional Newton steps.  Each iteration is O(total
 * ranking length): stage worths are suffix sums, the denominators prefix
 * sums.  Plain C, no postgres.h.
 */
#include <math.h>
#include <string.h>

#include "pl_core.h"

/* Work: wins[n], denominators D[n], pi[n], old[n], per-position scratch */
size_t
pl_work_size(const PlProblem *p)
{
	return 4 * (size_t) p->n + 2 * (size_t) p->off[p->nrank];
}

/* Weight of ranking r */
#define PL_WEIGHT(p, r) ((p)->weight ? (p)->weight[r] : 1.0)

/* Stage wins: items chosen at a stage (every group but the last), weighted */
void
pl_wins(const PlProblem *p, double *wins)
{
	memset(wins, 0, sizeof(double) * p->n);
	for (int r = 0; r < p->nrank; r++)
	{
		int			lastg = p->group[p->off[r + 1] - 1];
		double		w = PL_WEIGHT(p, r);

		for (int k = p->off[r]; k < p->off[r + 1]; k++)
			if (p->group[k] < lastg)
				wins[p->item[k]] += w;
	}
}

/*
 * For ranking r: stage worths into S[k] at the first position k of each
 * group (suffix sums of pi from that position).  Returns the last group.
 */
static int
StageSums(const PlProblem *p, int r, const double *pi, double *S)
{
	int			b = p->off[r],
				e = p->off[r + 1];
	double		acc = 0;

	for (int k = e - 1; k >= b; k--)
	{
		acc += pi[p->item[k]];
		S[k] = acc;
	}
	return p->group[e - 1];
}

/* Log-likelihood */
double
pl_loglik(const PlProblem *p, const double *theta, double *work)
{
	double	   *pi = work,
			   *S = work + p->n;
	double		l = 0;

	for (int i = 0; i < p->n; i++)
		pi[i] = exp(theta[i]);
	for (int r = 0; r < p->nrank; r++)
	{
		int			b = p->off[r],
					e = p->off[r + 1],
					lastg = StageSums(p, r, pi, S),
					start = b;
		double		lr = 0;

		for (int k = b; k < e; k++)
		{
			if (k > b && p->group[k] != p->group[k - 1])
				start = k;
			if (p->group[k] < lastg)
				lr += theta[p->item[k]] - log(S[start]);
		}
		l += PL_WEIGHT(p, r) * lr;
	}
	return l;
}

/* Maximise W t - D e^t - lambda t^2 / 2 from t0 */
static double
PriorStep(double W, double D, double lambda, double t0)
{
	double		t = t0;

	for (int k = 0; k < 60; k++)
	{
		double		ex = D * exp(t);
		double		s = (W - ex - lambda * t) / (ex + lambda);

		s = fmax(-5, fmin(5, s));
		t += s;
		if (fabs(s) < 1e-15 * fmax(1.0, fabs(t)))
			break;
	}
	return t;
}

/* MM iterations */
int
pl_fit(const PlProblem *p, double *theta, double *work, double *loglik,
	   int *iterations, int *converged)
{
	int			n = p->n;
	double	   *wins = work,
			   *D = wins + n,
			   *pi = D + n,
			   *old = pi + n,
			   *S = old + n;
	int			iter;

	if (n < 2)
		return PL_BAD_ARG;
	*converged = 0;
	pl_wins(p, wins);
	for (int i = 0; i < n; i++)
		theta[i] = p->start ? p->start[i] : 0;
	for (iter = 0; iter < p->max_iter; iter++)
	{
		double		maxs = 0,
					mean = 0;

		if (p->interrupt)
			p->interrupt();
		for (int i = 0; i < n; i++)
		{
			pi[i] = exp(theta[i]);
			D[i] = 0;
		}
		for (int r = 0; r < p->nrank; r++)
		{
			int			b = p->off[r],
						e = p->off[r + 1],
						lastg = StageSums(p, r, pi, S);
			double		acc = 0;	/* sum over stages so far of w |G_s| / S_s */
			double		w = PL_WEIGHT(p, r);
			int			k = b;

			while (k < e)
			{
				int			g = p->group[k],
							ge = k;

				while (ge < e && p->group[ge] == g)
					ge++;
				if (g < lastg)
					acc += w * (double) (ge - k) / S[k];
				for (int j = k; j < ge; j++)
					D[p->item[j]] += acc;
				k = ge;
			}
		}
		memcpy(old, theta, sizeof(double) * n);
		for (int i = 0; i < n; i++)
		{
			if (p->prior > 0)
				theta[i] = D[i] > 0 ? PriorStep(wins[i], D[i], p->prior, theta[i]) : 0.0;
			else if (wins[i] > 0 && D[i] > 0)
				theta[i] = log(wins[i] / D[i]);
			else
				return PL_NO_PROGRESS;
			mean += theta[i];
		}
		mean /= n;
		for (int i = 0; i < n; i++)
		{
			theta[i] -= mean;
			if (!isfinite(theta[i]))
				return PL_NO_PROGRESS;
			maxs = fmax(maxs, fabs(theta[i] - old[i]));
		}
		if (maxs < p->tol)
		{
			*converged = 1;
			iter++;
			break;
		}
	}
	*iterations = iter;
	*loglik = pl_loglik(p, theta, D);
	return PL_OK;
}

/*
 * Observed information (minus the Hessian of the log-likelihood) at theta
 * into H (n x n, zeroed here): each choice stage of |G| items among the
 * remaining set R adds |G| (diag(p) - p p') over R, p = worths / stage
 * worth.  A scatter into the rows and columns of R (sparse: not a BLAS
 * update).  work: n + max ranking length doubles.
 */
void
pl_information(const PlProblem *p, const double *theta, double *H, double *work)
{
	int			n = p->n;
	double	   *pi = work,
			   *S = work + n;

	memset(H, 0, sizeof(double) * (size_t) n * n);
	for (int i = 0; i < n; i++)
		pi[i] = exp(theta[i]);
	for (int r = 0; r < p->nrank; r++)
	{
		int			b = p->off[r],
					e = p->off[r + 1],
					k = b;
		double	   *Sr = S - b;		/* Sr[k] for positions k of this ranking */
		int			lastg;

		if (p->interrupt && (r & 255) == 0)
			p->interrupt();
		{
			double		acc = 0;

			for (int q = e - 1; q >= b; q--)
			{
				acc += pi[p->item[q]];
				Sr[q] = acc;
			}
		}
		lastg = p->group[e - 1];
		while (k < e && p->group[k] < lastg)
		{
			int			ge = k;
			double		g,
						inv;

			while (ge < e && p->group[ge] == p->group[k])
				ge++;
			g = PL_WEIGHT(p, r) * (double) (ge - k);
			inv = 1.0 / Sr[k];
			for (int u = k; u < e; u++)
			{
				int			iu = p->item[u];
				double		pu = pi[iu] * inv;
				double	   *row = H + (size_t) iu * n;

				row[iu] += g * pu;
				for (int v = k; v < e; v++)
					row[p->item[v]] -= g * pu * pi[p->item[v]] * inv;
			}
			k = ge;
		}
	}
}

/* Doubles of work space for pl_information */
size_t
pl_information_work(const PlProblem *p)
{
	int			maxlen = 0;

	for (int r = 0; r < p->nrank; r++)
		if (p->off[r + 1] - p->off[r] > maxlen)
			maxlen = p->off[r + 1] - p->off[r];
	return (size_t) p->n + (size_t) maxlen;
}

/* Score of one ranking: 1 for each choice of an item, minus |G| p over the remaining set */
void
pl_ranking_score(const PlProblem *p, int r, const double *pi, double *g, double *work)
{
	int			b = p->off[r],
				e = p->off[r + 1],
				len = e - b,
				lastg = p->group[e - 1];
	double	   *S = work;
	double		acc = 0;

	for (int q = len - 1; q >= 0; q--)
	{
		acc += pi[p->item[b + q]];
		S[q] = acc;
	}
	for (int q = 0; q < len; q++)
		g[q] = 0;
	for (int k = 0; k < len && p->group[b + k] < lastg;)
	{
		int			ge = k;
		double		c;

		while (ge < len && p->group[b + ge] == p->group[b + k])
			ge++;
		c = (double) (ge - k) / S[k];
		for (int q = k; q < len; q++)
			g[q] -= c * pi[p->item[b + q]];
		for (int q = k; q < ge; q++)
			g[q] += 1;
		k = ge;
	}
}
