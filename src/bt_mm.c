/*
 * bt_mm.c - Hunter's MM algorithm for Bradley-Terry fits with many items
 * (Hunter 2004, "MM algorithms for generalized Bradley-Terry models").
 * Plain C, no postgres.h; caller-provided buffers.
 *
 * With pi = exp(theta) and n_ij games between i and j, the log-likelihood
 * sum_i W_i theta_i - sum_{i<j} n_ij log(pi_i + pi_j) is minorized at the
 * current pi by replacing log(pi_i + pi_j) with its tangent; the surrogate
 * separates over items.  Without a prior the update is pi_i = W_i / D_i
 * with D_i = sum_j n_ij / (pi_i + pi_j); with a Gaussian prior of precision
 * lambda the item's surrogate W theta - D e^theta - lambda theta^2 / 2 is
 * maximised by a few one-dimensional Newton steps.  Items are updated in
 * turn with the latest values of their neighbours (cyclic MM, still
 * monotone), which converges faster than updating all at once; after each
 * sweep the strengths are centred, which leaves the likelihood unchanged and
 * minimises the prior over a common shift (the MAP has mean 0).  Each sweep
 * costs O(cells) and no dense matrix is formed.
 */
#include <math.h>
#include <string.h>

#include "bt_core.h"

/* MM covers the models whose likelihood is a plain Bradley-Terry one */
int
bt_mm_applies(const BtProblem *p)
{
	return (p->ties == BT_TIES_NONE || p->ties == BT_TIES_HALF) && !p->order_effect;
}

/* Doubles of work space: W[n], old[n], games per adjacency entry */
size_t
bt_mm_work_size(const BtProblem *p)
{
	return 2 * (size_t) p->n + 2 * (size_t) p->ncells;
}

/* Ints of work space: adjacency offsets and neighbours */
size_t
bt_mm_iwork_size(const BtProblem *p)
{
	return (size_t) p->n + 1 + 2 * (size_t) p->ncells;
}

/* Maximise W t - D e^t - lambda t^2 / 2 over t, starting at t0 */
static double
PriorUpdate(double W, double D, double lambda, double t0)
{
	double		t = t0;

	for (int k = 0; k < 60; k++)
	{
		double		e = D * exp(t);
		double		g = W - e - lambda * t;
		double		h = e + lambda;
		double		s = g / h;

		if (s > 5)
			s = 5;
		else if (s < -5)
			s = -5;
		t += s;
		if (fabs(s) < 1e-15 * fmax(1.0, fabs(t)))
			break;
	}
	return t;
}

/* Centre x to mean zero */
static void
Centre(int n, double *x)
{
	double		mean = 0;

	for (int i = 0; i < n; i++)
		mean += x[i];
	mean /= n;
	for (int i = 0; i < n; i++)
		x[i] -= mean;
}

/*
 * Fit by cyclic MM.  Converged when a sweep moves no centred strength by
 * more than tol.  With prior 0 the caller has checked that the MLE exists
 * (an item that never won would be driven to -infinity).
 */
int
bt_mm_fit(const BtProblem *p, double *x, double *work, int *iwork,
		  double *loglik, int *iterations, int *converged)
{
	int			n = p->n;
	double	   *W = work,
			   *old = W + n,
			   *games = old + n;
	int		   *off = iwork,
			   *adj = off + n + 1;
	int			sweep;

	if (n < 2 || !bt_mm_applies(p))
		return BT_BAD_ARG;
	*converged = 0;

	/* adjacency lists with games per pair; wins per item */
	memset(off, 0, sizeof(int) * (n + 1));
	memset(W, 0, sizeof(double) * n);
	for (int k = 0; k < p->ncells; k++)
	{
		off[p->cells[k].a + 1]++;
		off[p->cells[k].b + 1]++;
	}
	for (int i = 0; i < n; i++)
		off[i + 1] += off[i];
	/* off[i] is item i's next free slot while filling, then shifted back */
	for (int k = 0; k < p->ncells; k++)
	{
		const BtCell *c = &p->cells[k];
		double		wa = c->wa,
					wb = c->wb,
					ng;
		int			sa,
					sb;

		if (p->ties == BT_TIES_HALF)
		{
			wa += 0.5 * c->t;
			wb += 0.5 * c->t;
		}
		ng = wa + wb;
		W[c->a] += wa;
		W[c->b] += wb;
		sa = off[c->a]++;
		sb = off[c->b]++;
		adj[sa] = c->b;
		games[sa] = ng;
		adj[sb] = c->a;
		games[sb] = ng;
	}
	for (int i = n; i > 0; i--)
		off[i] = off[i - 1];
	off[0] = 0;

	for (int i = 0; i < n; i++)
		if (!isfinite(x[i]))
			x[i] = 0;
	Centre(n, x);
	for (sweep = 0; sweep < p->max_iter; sweep++)
	{
		double		maxs = 0;

		if (p->interrupt)
			p->interrupt();
		memcpy(old, x, sizeof(double) * n);
		for (int i = 0; i < n; i++)
		{
			double		D = 0,
						pi = exp(x[i]);

			for (int e = off[i]; e < off[i + 1]; e++)
				if (games[e] > 0)
					D += games[e] / (pi + exp(x[adj[e]]));
			if (p->prior > 0)
				x[i] = D > 0 ? PriorUpdate(W[i], D, p->prior, x[i]) : 0.0;
			else if (D > 0 && W[i] > 0)
				x[i] = log(W[i] / D);
			else
				return BT_NO_PROGRESS;
		}
		/* exact in the common shift: free without a prior, mean 0 at the MAP */
		Centre(n, x);
		for (int i = 0; i < n; i++)
		{
			if (!isfinite(x[i]))
				return BT_NO_PROGRESS;
			maxs = fmax(maxs, fabs(x[i] - old[i]));
		}
		if (maxs < p->tol)
		{
			*converged = 1;
			sweep++;
			break;
		}
	}
	*iterations = sweep;
	Centre(n, x);
	*loglik = bt_loglik(p, x);
	return BT_OK;
}
